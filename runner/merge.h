/*
 * merge.h - `mockrun merge [--junit PATH] SCENARIO... JOURNAL...`: the
 * counts that hold only for a whole suite split into shards.
 *
 * Each shard of a suite runs its own mockrun with --journal; an expectation
 * with "scope": "suite" ("list-items is called 10 times in all") is skipped
 * there. The merge reads the scenario files as a run would, then each
 * shard's journal (runner/journal_file.h) into one journal, in the order
 * given, and checks those expectations over all the calls: the files are
 * told apart by their text (a journal is a JSON array, a scenario an
 * object), so `mockrun merge s.json shard-*.journal.json` works.
 *
 * Its report holds one <testsuite> per scenario file, named "checkout [all
 * shards]", with a case per "scope": "suite" expectation and nothing else
 * (each shard's report has its own cases): written to --junit PATH, by
 * default mockrun-junit-merged.xml, and summed up on stdout as a run's.
 * A failure's calls are numbered across the journals, and its detail says
 * which numbers came from which file. When a journal's run dropped call
 * details (its --journal-limit), the merge cannot count, and each case is
 * an error that says so.
 *
 * Exit status as a run's: 0 every check passed, 1 one failed, 2 a usage
 * error or a file that is not a scenario or journal (or a journal of
 * another scenario), 3 the report cannot be written.
 */
#ifndef MOCKRUN_RUNNER_MERGE_H
#define MOCKRUN_RUNNER_MERGE_H

#include "runner/cli.h"

/* The default path of the merged JUnit report. */
#define MR_MERGE_JUNIT_DEFAULT "mockrun-junit-merged.xml"

/* Runs `mockrun merge` (cli->action MR_CLI_MERGE, its files in
 * cli->scenarios); returns the exit status. */
int mr_merge_run(const struct mr_cli *cli);

#endif
