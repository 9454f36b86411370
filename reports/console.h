/*
 * console.h - the human summary of a run, printed to stdout after the command:
 *
 *       ✓ GET /users was called
 *       ✗ POST /orders was called once
 *           expected 1 call, got 0
 *             recorded: POST /order (no route)
 *       - DELETE /cart (skipped)
 *     mockrun: 1 passed, 1 failed, 1 skipped
 *
 * Failing cases (FAIL and ERROR) get their message indented by 6 and each
 * detail line by 8; a skipped case, its message (why it was not checked)
 * indented by 6. The last line is exactly "mockrun: N passed, M failed",
 * M counting FAIL and ERROR, with ", K skipped" only when K > 0; it is never
 * coloured, so scripts can grep it.
 *
 * Control bytes in names, messages and details are printed as `\xNN` (a
 * recorded request body must not drive the terminal); tabs are kept. Not
 * thread-safe with other writers of the same FILE.
 */
#ifndef MOCKRUN_REPORTS_CONSOLE_H
#define MOCKRUN_REPORTS_CONSOLE_H

#include <stdbool.h>
#include <stdio.h>

#include "reports/results.h"

/* Prints one line per case and the closing line to `f`; ANSI colours (green
 * pass, red failure, yellow skip) only when `color`. Output errors are left
 * in ferror(f). */
void mr_console_print(FILE *f, const struct mr_results *r, bool color);

/*
 * Prints the calls per route (r->routes), for -v, before the cases:
 *
 *       route           service    calls  statuses
 *       create-charge   payments       1  201
 *       list-items      inventory      3  200 ×2, 304
 *       (no route)                     1  404
 *
 * The service column only when there are several services; "(no route)" is
 * the calls no route matched. Counts are exact; statuses are of the calls
 * the journal kept (", N more not kept" when it kept fewer). Route ids are
 * printed as in mr_console_print (control bytes as \xNN). Nothing when
 * r->nroutes is 0. Red "(no route)" only when `color`.
 */
void mr_console_print_routes(FILE *f, const struct mr_results *r, bool color);

/*
 * Prints the callback attempts per callback (r->attempts), for -v, after the
 * routes:
 *
 *       callback          deliveries  attempts
 *       charge-succeeded           1  500, 200
 *       refund-created             2  failed ×3, not sent
 *
 * A delivery is one triggered use of a callback; its attempts are labelled
 * by the status the application answered, or by how they ended (failed,
 * refused, not sent: red when `color`), each label once with its count.
 * Nothing when the scenario has no callbacks or none was triggered.
 */
void mr_console_print_callbacks(FILE *f, const struct mr_results *r, bool color);

/* Whether to colour output written to `fd`: it is a terminal, NO_COLOR is
 * unset or empty (no-color.org), and TERM is not "dumb". */
bool mr_console_use_color(int fd);

#endif
