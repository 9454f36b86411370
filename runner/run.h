/*
 * run.h - one mockrun run: load → prepare → start the mocks → run the
 * command (or serve) → verify → report, each a phase of its own over one
 * `struct run`, with one clean-up path and the exit status decided in one
 * place. Also the other actions of the command line (--help, --version,
 * --import-mockoon, schema, init), so main() only blocks signals and parses.
 */
#ifndef MOCKRUN_RUNNER_RUN_H
#define MOCKRUN_RUNNER_RUN_H

#include "runner/cli.h"

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

#endif
