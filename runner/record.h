/*
 * record.h - `mockrun record`: runs the command under test against
 * recording proxies, one service per --target, each a scenario service with
 * nothing but a "proxy" (server/proxy.h), whose URL is in the command's
 * MOCKRUN_<NAME>_URL (and MOCKRUN_URL for the first). Every call is
 * forwarded to the real API and answered with what it answered; each
 * exchange goes into a recording (record/recording.h). When the command has
 * ended, the scenario built from the recording is checked with the loader,
 * its fixtures are written under fixtures/ beside it, then the scenario
 * itself (each file atomically: reports/atomic.h). What was redacted is
 * listed on stderr.
 *
 * Exit status: 0 when the command passed and every call was recorded; 1
 * when the command failed, timed out or was interrupted, or a call could not
 * be forwarded (the scenario is still written, and says what it saw); 2 for a
 * bad target or service name; 3 when the proxies cannot start, the command
 * cannot be run or a file cannot be written.
 */
#ifndef MOCKRUN_RUNNER_RECORD_H
#define MOCKRUN_RUNNER_RECORD_H

#include "runner/cli.h"

/* Runs `mockrun record` as `cli` says (action MR_CLI_RECORD); returns the exit
 * status. Signals must already be blocked (mr_proc_block_signals). */
int mr_record_run(const struct mr_cli *cli);

#endif
