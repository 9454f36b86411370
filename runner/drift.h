/*
 * drift.h - `mockrun drift SCENARIO... [JOURNAL...] --target [NAME=]URL...`:
 * are the mocks still true? For each route, one request is sent to the mock
 * (the scenario served by the ordinary server, as a run serves it, so every
 * matching, selection and template rule applies) and the same request to
 * the real API; the two answers are compared (runner/driftdiff.h) and each
 * route is a test case: passed, failed with its differences, an error when
 * either side gave no answer, or skipped with the reason.
 *
 * Which request a route gets (docs/drift.md), the first that applies:
 *
 *   1. `"drift": false` on the route: none (skipped);
 *   2. the first call of the route in the JOURNAL files (--journal files of
 *      earlier runs, told from scenarios by their text as `mockrun merge`
 *      does: runner/journal_file.h): its method, path, query, headers (but
 *      the hop-by-hop ones, Host, Content-Length, Expect, Accept-Encoding)
 *      and body, the request the application really sent;
 *   3. the route's `"drift"` hint: the route's method (GET when it has
 *      none), the hint's path (else the route's literal path), query,
 *      headers and body;
 *   4. the route's method and literal path, when its path has no
 *      parameters;
 *   5. none: a path with parameters, a pattern or no path needs 2 or 3
 *      (skipped, saying so).
 *
 * A request must match its own route (a hint that does not is bad input,
 * exit 2, before anything is sent; a path that needs a header or body the
 * route wants is skipped with the near miss). Only GET, HEAD and OPTIONS
 * are sent unless `--allow-unsafe`: the target is a real API, and the
 * others may change its data. `--header "Name: value"` is added to (or
 * replaces the same header of) every request to the target, never the
 * mock's: credentials the real API needs.
 *
 * The mocks listen on ports the system picks (the scenario's are ignored)
 * and send no callbacks. Each service's requests go to its --target: a bare
 * URL serves a scenario of one service; NAME=URL names the service; a
 * service without a target has its routes skipped.
 *
 * Reports: the console (the cases, a skipped case's reason beneath it) and
 * a JUnit report to --junit PATH (default MR_DRIFT_JUNIT_DEFAULT, written
 * atomically; --no-junit: none) with one <testsuite> "drift" per scenario
 * file and a <testcase> per route. Secret headers, query parameters and
 * JSON members (record/redact.h) are redacted in both.
 *
 * Exit status: 0 no drift (skipped routes allowed), 1 a route's answers
 * differ or a call got no answer, 2 bad input (usage, a scenario, journal,
 * target or hint), 3 the mocks cannot start or the report cannot be written.
 */
#ifndef MOCKRUN_RUNNER_DRIFT_H
#define MOCKRUN_RUNNER_DRIFT_H

#include "runner/cli.h"

/* The default path of drift's JUnit report. */
#define MR_DRIFT_JUNIT_DEFAULT "mockrun-junit-drift.xml"

/* Runs `mockrun drift` as `cli` says (action MR_CLI_DRIFT); returns the exit
 * status. Signals must already be blocked (mr_proc_block_signals). */
int mr_drift_run(const struct mr_cli *cli);

#endif
