/*
 * cmdenv.h - the environment the command under test runs with, for a run and
 * for `mockrun record`: mockrun's own variables, less those the run sets,
 * then MOCKRUN_URL (the first service's URL), each service's
 * MOCKRUN_<NAME>_URL and its own `env` name, then the scenario's
 * `command.env`. What the run sets always wins, and no name appears twice.
 */
#ifndef MOCKRUN_RUNNER_CMDENV_H
#define MOCKRUN_RUNNER_CMDENV_H

#include "scenarios/scenario.h"

/*
 * Builds it from `base` (NULL-terminated "NAME=value" strings, usually
 * environ; borrowed) and urls[i], the URL of service i of `sc` (borrowed; sc
 * has at least one service). Returns a NULL-terminated array the caller owns
 * (free with mr_cmdenv_free), or NULL when out of memory.
 */
char **mr_cmdenv_new(const struct mr_scenario *sc, const char *const *urls, char *const *base);

/* Frees what mr_cmdenv_new returned; NULL is a no-op. */
void mr_cmdenv_free(char **env);

#endif
