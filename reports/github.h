/*
 * github.h - what GitHub Actions shows of a run: an annotation per failing
 * case and a Markdown job summary. runner/ uses them when GITHUB_ACTIONS is
 * "true" (as GitHub sets it).
 *
 * Annotations are workflow commands, one line each on stdout:
 *
 *     ::error file=checkout.json,line=14,title=create-charge is called exactly 1 time::expected
 * exactly 1 call, got 0%0A  #1 POST /v1/charges -> 404 ...
 *
 * one per FAIL or ERROR case: `file` is the case's file, else the scenario
 * file (the results' classname); `line` the case's line when known, the
 * title the case's name, the message its message and then its detail. As
 * GitHub's toolkit does, '%', CR and LF are written %25, %0D and %0A, and in
 * properties ':' and ',' as %3A and %2C; other control bytes become \xNN,
 * so recorded request data cannot start a workflow command of its own.
 *
 * The summary is Markdown appended to the file GITHUB_STEP_SUMMARY names:
 * a heading with the counts, a table of the cases, each failure's detail in
 * a collapsed block, and the scenario, command, duration and seed. Request
 * data in it is escaped (HTML entities, '|' in tables, code fences longer
 * than any run of backticks inside), so it cannot change the page.
 *
 * Not thread-safe with other writers of the same FILE or file.
 */
#ifndef MOCKRUN_REPORTS_GITHUB_H
#define MOCKRUN_REPORTS_GITHUB_H

#include <stdio.h>

#include "common/buf.h"
#include "common/error.h"
#include "reports/results.h"

/* Prints one ::error line per failing case to `f`. Output errors are left in ferror(f). */
void mr_github_annotate(FILE *f, const struct mr_results *r);

/* Appends the Markdown summary of `r` to `out` (on OOM out->failed is set). */
void mr_github_summary_build(struct mr_buf *out, const struct mr_results *r);

/*
 * Appends the summary to the file at `path` in one write (O_APPEND: each
 * step's summary follows the last; the file is GitHub's, so it is appended
 * to, not replaced). Errors: MR_ESETUP ("cannot write the job summary
 * '<path>': ..."), MR_ENOMEM.
 */
int mr_github_summary_append(const struct mr_results *r, const char *path, struct mr_error *err);

#endif
