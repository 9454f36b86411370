/*
 * fixture.h - scenarios and running servers for the server's tests: a
 * scenario loaded from text, and a server started on it on 127.0.0.1 with
 * ephemeral ports (every port bound when it returns: no waiting for
 * readiness).
 *
 * Failures are Check assertions that say why (the loader's first problem,
 * the server's error), so the functions return only what the test uses. The
 * caller owns what they return: mr_scenario_free, mr_server_stop.
 *
 * Part of mr_testlib_server (mr_testlib plus mr_server), linked by the
 * suites of server/.
 */
#ifndef MOCKRUN_TESTS_LIB_FIXTURE_H
#define MOCKRUN_TESTS_LIB_FIXTURE_H

#include "scenarios/scenario.h"
#include "server/service.h"

/* Worker threads of a server started without options. */
#define MR_FIXTURE_THREADS 8

/* The scenario in `text`, as if read from the file `path` (which anchors
 * `file` responses); one that does not load fails the test. */
struct mr_scenario *mr_fixture_scenario(const char *path, const char *text);

/* A server for `sc` (borrowed; must outlive it) with `opts`, or when opts is
 * NULL the defaults with MR_FIXTURE_THREADS threads; one that does not start
 * fails the test. */
struct mr_server *mr_fixture_start(const struct mr_scenario *sc, const struct mr_server_opts *opts);

#endif
