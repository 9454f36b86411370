/*
 * driftdiff.h - one route's two answers compared for `mockrun drift`: the
 * mock's and the real API's to the same request. Pure: two answers in, the
 * differences as lines out; the command's side (requests, the mock server,
 * the report) is runner/drift.h's.
 *
 * What is compared (docs/drift.md, "What counts as drift"):
 *
 *   - the status, exactly;
 *   - the media type of the Content-Type (case and parameters such as
 *     charset ignored; a missing one is "none"), unless neither answer has a
 *     body (a 204, a HEAD excepted: there the headers are all there is);
 *   - the bodies. They are compared as JSON when either Content-Type is a
 *     JSON one (application/json, anything +json) and both parse: by shape
 *     (common/jsondiff.h, MR_JSONDIFF_SHAPE: member names, JSON types, the
 *     items of arrays against the mock's first), or with `values` as equal
 *     JSON (MR_JSONDIFF_EQUAL). One JSON and the other not is one
 *     difference. Other bodies: one empty and the other not is a
 *     difference; with `values`, so are any other bytes. Before comparing,
 *     JSON members named like secrets (record/redact.h) have their string
 *     values redacted in both answers, so no secret of the real API reaches
 *     a report (those values are thus compared by type only).
 *
 * The lines, in this order, each ending in '\n':
 *
 *   status: the mock answers 200, the API 404
 *   content type: the mock answers application/json, the API text/html
 *   body: 2 differences (expected: the mock's, got: the API's)
 *     $.email: missing, expected "a@b.c"
 *     $.id: expected 42, got "42" (a number, now a string)
 *   body: the mock's is empty, the API's has 120 bytes
 *
 * JSON differences are common/jsondiff.h's lines (a type change gets its
 * types after it), at most MR_DRIFTDIFF_LINES of them, then "... and N more
 * differences". Values are printable and elided. Thread-safe.
 */
#ifndef MOCKRUN_RUNNER_DRIFTDIFF_H
#define MOCKRUN_RUNNER_DRIFTDIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

/* Body differences listed; past them they are counted. */
#define MR_DRIFTDIFF_LINES 20

/* One answer, as it came (the body decoded from any Content-Encoding). */
struct mr_driftdiff_answer {
    int status;
    const char *content_type; /* the Content-Type header's value, or NULL */
    const char *body;         /* body_len bytes; may be NULL when body_len is 0 */
    size_t body_len;
};

/* What a comparison found. Embedded by value; mr_driftdiff_release. */
struct mr_driftdiff {
    bool status;        /* the statuses differ */
    bool content_type;  /* the media types differ */
    size_t body;        /* body differences (0: the bodies agree) */
    struct mr_buf text; /* the lines above; empty when the answers agree */
};

/*
 * Compares `real` with `mock` as described above (`values`: values too;
 * `head`: the answers to a HEAD request) into *d, which is initialised here.
 * Returns 0, or MR_ENOMEM (d is then released).
 */
int mr_driftdiff_compare(struct mr_driftdiff *d, const struct mr_driftdiff_answer *mock,
                         const struct mr_driftdiff_answer *real, bool values, bool head);

/* Whether anything differs. */
bool mr_driftdiff_found(const struct mr_driftdiff *d);

/* What differs, in words, into buf: "status, content type and body (2
 * differences)"; "" when nothing does. Always NUL-terminated. */
void mr_driftdiff_summary(const struct mr_driftdiff *d, char *buf, size_t size);

void mr_driftdiff_release(struct mr_driftdiff *d);

/* The media type of a Content-Type value, lower-cased, without parameters or
 * blanks, into buf ("" for NULL). Always NUL-terminated. */
void mr_driftdiff_media_type(const char *content_type, char *buf, size_t size);

#endif
