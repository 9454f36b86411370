/*
 * html.h - the HTML report: one self-contained page (inline CSS, a few lines
 * of inline JavaScript, no network, no other file) that a person opens after
 * a run, or a CI server keeps as an artifact.
 *
 *     header#summary.pass|.fail  the suite; #passed, #failed, #skipped, #calls;
 *                                scenario, command, duration, seed, start,
 *                                host, each service's URL
 *     section#cases              li.case.pass|.fail|.error|.skip: name,
 *                                .message, pre.detail
 *     section#routes             route, service, calls, statuses (when known)
 *     section#timeline           per service, a table of its calls in
 *                                arrival order: tr.call.matched|.unmatched|
 *                                .allowed with #, time since the start,
 *                                method, path (a <details> holding the near
 *                                miss, request headers and body, and the
 *                                response's type and body where recorded),
 *                                status, route, duration
 *     section#callbacks          (a scenario with callbacks) every attempt, in the
 *                                order they ended: tr.attempt.answered|.failed|
 *                                .refused|.notsent with #, time, callback,
 *                                delivery.attempt, the triggering call (a link to
 *                                its row), method, URL (a <details> holding the
 *                                request headers and body and the answer), status
 *                                or outcome (with the error shown), duration
 *     section#output             the command's stdout, stderr and mockrun's notes
 *
 * Built as a libxml2 tree and written by its HTML serializer (libxml2 is
 * loaded on first use: common/xml.h). Every string from the results is
 * sanitized as for JUnit (mr_junit_sanitize): valid UTF-8, control bytes
 * as `\xNN`. At most MR_HTML_MAX_CALLS calls are listed and
 * MR_HTML_MAX_BODY bytes of each body shown, with a note saying what was
 * left out; the HAR file (--har) and the journal (--journal) have all of it.
 * Not thread-safe with other writers of one path.
 */
#ifndef MOCKRUN_REPORTS_HTML_H
#define MOCKRUN_REPORTS_HTML_H

#include "common/buf.h"
#include "common/error.h"
#include "reports/results.h"

#define MR_HTML_MAX_CALLS 10000
#define MR_HTML_MAX_BODY (64 * 1024)

/*
 * Writes the page for `r` to `path` atomically (reports/atomic.h). Errors:
 * MR_ESETUP when libxml2 cannot be loaded or the file cannot be written
 * ("cannot write report '<path>': ..."), MR_ENOMEM.
 */
int mr_html_write(const struct mr_results *r, const char *path, struct mr_error *err);

/* Appends the page for `r` to `out`. Errors as for mr_html_write, without
 * the file; `path` only names it in messages. */
int mr_html_build(struct mr_buf *out, const struct mr_results *r, const char *path,
                  struct mr_error *err);

#endif
