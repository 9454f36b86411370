/*
 * snapdiff.h - call snapshots compared: the entry of a call as the snapshot
 * file holds it, the comparison of two lists of entries, and a diff a person
 * reads (which call, which field, the old and the new value). Pure: cJSON
 * in, text out; the run's side (the journal, the file, the test case) is
 * runner/snapshot.h's.
 *
 * An entry is one call, a JSON object with, in this order:
 *
 *   "service"        the service's name
 *   "route"          the id of the route that answered, or null
 *   "method", "path" as received (the path decoded)
 *   "query"          the query string as sent, when there is one
 *   "headers"        the selected headers the call had: Content-Type and the
 *                    scenario's `snapshot.headers` and `ignoreHeaders` (those
 *                    with the value "<ignored>"), by name; a secret header
 *                    (mr_snapdiff_secret_header) with its value "<redacted>"
 *                    (an Authorization keeps its scheme: "Bearer <redacted>")
 *   "body"           a JSON body, as JSON: members sorted by name, the values
 *                    `snapshot.ignore` reaches replaced by "<ignored>"
 *   "bodyText"       any other UTF-8 body, as a string
 *   "bodyBase64"     any other body
 *   "bodyTruncated"  true when the journal kept only part of the body
 *
 * A string that is not UTF-8 (a path with %FF) holds U+FFFD for each byte
 * past ASCII, as the file gives it back. Normalizing is idempotent, and is
 * applied to the file's entries too, so a mask or header selection added to
 * the scenario applies to the calls recorded before it. Every function is
 * thread-safe.
 */
#ifndef MOCKRUN_RUNNER_SNAPDIFF_H
#define MOCKRUN_RUNNER_SNAPDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/error.h"
#include "scenarios/scenario.h"

struct cJSON;

#define MR_SNAPDIFF_IGNORED "<ignored>"
#define MR_SNAPDIFF_REDACTED "<redacted>"

/* Differences listed in a diff; past them they are only counted. */
#define MR_SNAPDIFF_LISTED 20
/* Field differences listed per changed call. */
#define MR_SNAPDIFF_FIELDS 10

/*
 * Whether header `name` carries credentials, so that its value never reaches
 * a snapshot: Authorization, Proxy-Authorization, Cookie, Set-Cookie, and
 * any name containing "token", "secret", "password", "api-key", "apikey",
 * "session" or "signature" (case-insensitive).
 */
bool mr_snapdiff_secret_header(const char *name);

/*
 * Builds the entry for `raw` (an object with the keys above; extra keys are
 * dropped, headers found by name whatever their case, their value strings)
 * into *out (caller owns; cJSON_Delete). Returns 0, MR_ENOMEM, or
 * MR_ESCENARIO when `raw` is not an entry, with what is wrong in err->msg
 * (err->path is left to the caller).
 */
int mr_snapdiff_normalize(struct cJSON **out, const struct cJSON *raw,
                          const struct mr_snapshot_settings *set, struct mr_error *err);

/* What a comparison found. */
struct mr_snapdiff {
    size_t changed;     /* calls whose entry differs from the entry they were paired with */
    size_t added;       /* calls of this run with no entry in the snapshot */
    size_t missing;     /* entries of the snapshot with no call in this run */
    struct mr_buf text; /* the diff: lines ending in '\n'; empty when equal */
};

/*
 * Compares the normalized entries `old` (a JSON array: the snapshot file's,
 * numbered from 1 as "snapshot entry N") with `cur` (this run's; seqs[i] is
 * the call number of cur[i], or seqs is NULL and entries are numbered from
 * 1). With `ordered`, the two lists must be the same sequence: they are
 * aligned on their longest common subsequence (the common start and end
 * first; past 4 million pairs the rest position by position), and between
 * two aligned calls an entry and a call of the same route make a changed
 * call. Without, each route's calls (by service and route) compare as
 * multisets: equal entries pair off, and what is left pairs so that each
 * changed call has the fewest differing fields. A diff lists, for each
 * difference:
 *
 *   changed: call #2 POST /v1/charges (service payments, route create-charge); snapshot entry 2
 *       body.amount: was 1999, now 2999
 *   new: call #5 POST /v1/refunds (service payments, route refund); not in the snapshot
 *       {"service":"payments", ...}
 *   missing: snapshot entry 4, GET /v1/charges/ch_1 (service payments, route get-charge); not
 * called in this run
 *       {"service":"payments", ...}
 *
 * with at most MR_SNAPDIFF_LISTED differences and MR_SNAPDIFF_FIELDS fields
 * a call (then "... and N more"); request values are printable JSON, long
 * ones keep their two ends. `d` is initialised here; release it with
 * mr_snapdiff_release. Returns 0 or MR_ENOMEM.
 */
int mr_snapdiff_compare(struct mr_snapdiff *d, const struct cJSON *old, const struct cJSON *cur,
                        const uint64_t *seqs, bool ordered);
void mr_snapdiff_release(struct mr_snapdiff *d);

/* Appends `v` as JSON text: indented by two spaces a level (arrays of
 * scalars on one line) when `pretty`, else compact; numbers as JavaScript
 * prints them (mr_number_text) but an infinity (a body's 1e400) as 1e999,
 * which reads back as it; strings escaped as JSON. */
void mr_snapdiff_print(struct mr_buf *out, const struct cJSON *v, bool pretty);

#endif
