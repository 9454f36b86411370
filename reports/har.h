/*
 * har.h - the recorded calls as a HAR 1.2 file (HTTP Archive: what browsers'
 * developer tools export, and HAR viewers, proxies and replay tools read).
 *
 *     {"log": {"version": "1.2", "creator": {"name": "mockrun", "version"},
 *              "comment", "entries": [ one per call in r->calls, in arrival order ]}}
 *
 * Each entry has every field HAR 1.2 requires, filled from what the journal
 * recorded, and -1 where HAR allows "unknown":
 *
 * - startedDateTime (ISO 8601 UTC with milliseconds), time = timings.wait =
 *   the time until the answer was written (send and receive 0);
 * - request: method; url (the service's URL, the path percent-encoded again,
 *   the query as sent); httpVersion "HTTP/1.1" (the journal keeps no
 *   version); headers as received; queryString decoded ('+' is a space);
 *   cookies from the Cookie header; headersSize -1; bodySize = the bytes the
 *   client sent; postData {mimeType (the Content-Type header), text} when
 *   there was a body, with a comment when the journal kept only its start;
 * - response: status and its reason phrase; headers [Content-Type] when the
 *   runner knew it, else []; content {size, mimeType, text} with the body
 *   the journal kept (up to --body-limit), else (a file streamed from disk,
 *   a fault, HEAD) size -1, mimeType "x-unknown" when not known, and a
 *   comment; redirectURL "";
 *   headersSize and bodySize -1;
 * - cache {}; "_mockrun" {seq, service, route (null: none matched),
 *   allowed, nearMiss}: HAR's custom fields start with an underscore.
 *
 * Callbacks mockrun sent (answered or failed; not the refused or unsent
 * ones) are entries too, merged with the calls by the time they started:
 * the request as sent (url, headers, queryString, postData); the response
 * with the application's status, Content-Type and body, or status 0 and
 * "_error" when there was no answer; "_mockrun" {callback, delivery,
 * attempt, trigger, outcome}.
 *
 * Text that is not valid UTF-8 has its non-ASCII bytes written as U+FFFD
 * (mr_buf_put_json_string). Not thread-safe with other writers of one path.
 */
#ifndef MOCKRUN_REPORTS_HAR_H
#define MOCKRUN_REPORTS_HAR_H

#include "common/buf.h"
#include "common/error.h"
#include "reports/results.h"

/*
 * Writes the HAR file for r->calls to `path` atomically (reports/atomic.h).
 * Errors: MR_ESETUP when the file cannot be written ("cannot write report
 * '<path>': ..."), MR_ENOMEM.
 */
int mr_har_write(const struct mr_results *r, const char *path, struct mr_error *err);

/* Appends the HAR document for `r` to `out` (on OOM out->failed is set). */
void mr_har_build(struct mr_buf *out, const struct mr_results *r);

/* The reason phrase of an HTTP status ("Not Found"), "" when it has none. */
const char *mr_har_reason(int status);

#endif
