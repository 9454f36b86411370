/*
 * verify.h - turns what happened (the journal, the command's end) into test
 * cases: one per expectation, one for the command's exit, one for unexpected
 * requests. Counts come from the journal's exact counters; the recorded
 * calls listed in failures come from the calls it kept, and so do the checks
 * that look at each call (order, `every`, timing): where the journal dropped
 * calls (its limit) and no failure is certain, such a check is an error case
 * that says so, never a pass. Calls before a reset (mr_journal_reset_seq)
 * are not looked at.
 *
 * Each expectation's case carries the file and line it is written at, and
 * its failure message starts with "file:line: ".
 *
 * Counts with "scope": "suite" hold for a whole suite split into shards: a
 * shard (`sharded`) skips them, and `mockrun merge` (`merge`) checks only
 * them, over a journal made of every shard's calls, without the cases of
 * unexpected requests and the command (each shard has its own).
 */
#ifndef MOCKRUN_RUNNER_VERIFY_H
#define MOCKRUN_RUNNER_VERIFY_H

#include "reports/results.h"
#include "runner/contract.h"
#include "runner/proc.h"
#include "scenarios/scenario.h"
#include "server/journal.h"

struct mr_verify_input {
    const struct mr_scenario *sc;
    const struct mr_journal *journal;
    bool serve;                           /* --serve: there is no command to check */
    const struct mr_proc_result *proc;    /* NULL: the command never ran */
    const char *command_text;             /* "npm test", for the case name */
    const char *spawn_error;              /* why it could not start, or NULL */
    int64_t timeout_ms;                   /* the timeout in force, for messages */
    const char *const *final_states;      /* per service, or NULL */
    int64_t start_wall_us;                /* when the command started (--serve: when the mocks
                                             began serving), on the journal's clock; 0: unknown */
    bool sharded;                         /* one shard of a suite: skip "scope": "suite" */
    bool merge;                           /* mockrun merge: only "scope": "suite", no command */
    const struct mr_contracts *contracts; /* services' OpenAPI contracts, or NULL */
};

/* Adds the cases to `out`. Returns 0 or MR_ENOMEM. */
int mr_verify(struct mr_results *out, const struct mr_verify_input *in);

#endif
