/*
 * journal_file.h - a --journal file read back into a journal, as the server
 * would have recorded its calls: for `mockrun merge`, which checks the
 * counts of a suite split into shards over the union of their journals.
 *
 * The file is server/journal_json.c's: a JSON array with an object per
 * call (seq, time, service, method, path, query, headers, body or
 * bodyBase64, bodySize, bodyTruncated, route, status, durationMs, and
 * nearMiss/nearMissDetails, allowed, answer) and, when the journal's limit
 * dropped details, an object {"detailsDroppedFrom": N, "total": M}; a
 * scenario with callbacks ends it with {"callbacks": [...]}, which is
 * skipped (callback attempts are not read).
 * Services and routes are found by name and id in the scenario, so the
 * journal must come from a run of the same scenario; each call counts for
 * the scenario's count expectations that select it, as mr_server counts
 * them (from the body the journal kept: past --body-limit a body condition
 * sees only its start). Answers are not read.
 *
 * Not thread-safe (appends from the calling thread).
 */
#ifndef MOCKRUN_RUNNER_JOURNAL_FILE_H
#define MOCKRUN_RUNNER_JOURNAL_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "scenarios/scenario.h"
#include "server/journal.h"

/* What one file held. */
struct mr_journal_file_info {
    size_t calls;       /* calls read (and appended) */
    uint64_t first_seq; /* the call numbers they got in the journal (0 when none) */
    uint64_t last_seq;
    uint64_t dropped_from; /* the file's detailsDroppedFrom: from this call on, its run kept
                              no details (0: none dropped) */
    uint64_t total;        /* the calls its run received (its "total" when some were dropped,
                              else `calls`) */
};

/*
 * Reads the journal file at `path` and appends its calls to `j` (made for
 * `sc`: its services, routes and expectations) in file order. Returns 0,
 * MR_ESCENARIO for a file that is not such a journal, or whose services or
 * routes `sc` does not have (err: the file, line:column and JSON path of
 * the call, e.g. `shard-2.json:14:3: [3].route: no route "refund" in the
 * scenario`), MR_ESETUP when it cannot be read, or MR_ENOMEM. Calls read
 * before an error stay in `j`.
 */
int mr_journal_file_read(struct mr_journal *j, const struct mr_scenario *sc, const char *path,
                         struct mr_journal_file_info *info, struct mr_error *err);

/*
 * Whether the file at `path` is a journal rather than a scenario, from its
 * first byte past blanks and a byte-order mark: a journal is a JSON array,
 * a scenario an object. Returns 1 or 0; -1 when the file cannot be read
 * (said on stderr: "mockrun: cannot read PATH: ...").
 */
int mr_journal_file_is(const char *path);

#endif
