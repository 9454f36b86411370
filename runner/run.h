/*
 * run.h - one mockrun run: load → prepare → start the mocks → run the
 * command (or serve) → verify → report, each a phase of its own over one
 * `struct run`, with one clean-up path and the exit status decided in one
 * place. Also the other actions of the command line (--help, --version,
 * --import-mockoon, schema, init), so main() only blocks signals and parses.
 */
#ifndef MOCKRUN_RUNNER_RUN_H
#define MOCKRUN_RUNNER_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "runner/cli.h"
#include "scenarios/scenario.h"

/* Exit statuses, documented in --help and the README. */
enum mr_exit {
    MR_EXIT_PASS = 0,
    MR_EXIT_FAIL = 1,
    MR_EXIT_USAGE = 2, /* usage error or invalid scenario: nothing was started */
    MR_EXIT_SETUP = 3, /* could not set up: port, report path, command */
};

/* Runs everything the command line asks for; returns the exit status.
 * Signals must already be blocked (mr_proc_block_signals). */
int mr_run(const struct mr_cli *cli);

/* Maps an error code to an exit status. */
int mr_run_exit_code(int errcode);

/* Prints `err` on stderr as one line: "mockrun: file:line:col: path: message". */
void mr_run_print_error(const struct mr_error *err);

/*
 * Reads the scenario files at paths[0..n) as a run reads them (foreign
 * formats converted first, strictly with `strict_import`) into *out (the
 * caller frees it with mr_scenario_free). Every problem is printed; returns 0,
 * or MR_ESCENARIO, MR_EUSAGE or MR_ENOMEM with *out NULL. `mockrun merge`
 * reads its scenarios through here too.
 */
int mr_run_load(struct mr_scenario **out, const char *const *paths, size_t n, bool strict_import);

#endif
