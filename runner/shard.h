/*
 * shard.h - one shard of a suite split across CI machines. Each shard runs
 * its own mockrun; the CI system merges their JUnit files, so a shard's
 * names must not collide with another's: its suites are named
 * "checkout [2/4]" (their cases' classname too), its default JUnit file is
 * mockrun-junit-2-of-4.xml, and its expectations with "scope": "suite" are
 * skipped (mockrun merge checks them over every shard's journal).
 *
 * Which shard a run is comes from --shard I/N, or else from the CI's own
 * variables, the first pair whose index is set:
 *
 *   CI_NODE_INDEX / CI_NODE_TOTAL                         GitLab `parallel` (1-based)
 *   CIRCLE_NODE_INDEX / CIRCLE_NODE_TOTAL                 CircleCI `parallelism` (0-based)
 *   BUILDKITE_PARALLEL_JOB / BUILDKITE_PARALLEL_JOB_COUNT Buildkite `parallelism` (0-based)
 *
 * GitHub Actions has none: a matrix passes --shard ${{ matrix.shard }}/N.
 * A total of 1 is no sharding. Pure but for the environment read through
 * the function given; thread-safe.
 */
#ifndef MOCKRUN_RUNNER_SHARD_H
#define MOCKRUN_RUNNER_SHARD_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "reports/results.h"

/* The most shards a suite is split into. */
#define MR_SHARD_MAX 10000

struct mr_shard {
    int index;        /* 1-based; 0 when the run is not a shard */
    int total;        /* 0 when the run is not a shard; else >= 2 */
    char source[100]; /* where it came from, for messages: "--shard", "CI_NODE_INDEX=2" */
};

/* Looks up an environment variable: getenv, or a table in tests. */
typedef const char *(*mr_shard_getenv_fn)(const char *name);

/* Parses "I/N" (1 <= I <= N <= MR_SHARD_MAX) into *out. Returns 0 or
 * MR_EUSAGE: "--shard: expected I/N such as 2/4 (shard I of N, from 1), got '5/4'". */
int mr_shard_parse(struct mr_shard *out, const char *text, struct mr_error *err);

/* Which shard this run is: `option` (--shard's value, or NULL), else the CI
 * variables above, read through `get`. Not a shard: out->total is 0. A
 * variable that is set but wrong (not a number, index out of range, an
 * index without its total) is MR_EUSAGE naming it. */
int mr_shard_resolve(struct mr_shard *out, const char *option, mr_shard_getenv_fn get,
                     struct mr_error *err);

/* Whether the run is one shard of several. */
bool mr_shard_active(const struct mr_shard *s);

/* "2/4" into buf (always NUL-terminated; "" when not a shard). */
void mr_shard_label(const struct mr_shard *s, char *buf, size_t size);

/* The default JUnit path of a shard: "mockrun-junit-2-of-4.xml" (always
 * NUL-terminated; "mockrun-junit.xml" when not a shard). */
void mr_shard_junit_path(const struct mr_shard *s, char *buf, size_t size);

/* Appends " [2/4]" to the name of every suite of `r` and to its classname
 * (when it has one), so merged reports keep each shard's cases apart. A
 * no-op when not a shard. Returns 0 or MR_ENOMEM (r unchanged then). */
int mr_shard_name_suites(struct mr_results *r, const struct mr_shard *s);

/* The same with any `label`: " [all shards]" for mockrun merge's report. */
int mr_shard_label_suites(struct mr_results *r, const char *label);

#endif
