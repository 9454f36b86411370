/*
 * fixture.c - see fixture.h.
 */
#include "tests/lib/fixture.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/error.h"

struct mr_scenario *mr_fixture_scenario(const char *path, const char *text)
{
    /* heap: an error list is large, and tests also run in threads with small stacks */
    struct mr_error_list *errs = calloc(1, sizeof(*errs));
    struct mr_scenario *sc = NULL;
    char line[1024] = "";
    int rc;

    ck_assert_ptr_nonnull(errs);
    rc = mr_scenario_parse_one(&sc, path, text, strlen(text), errs);
    if (rc != 0 && errs->count > 0)
        mr_error_format(&errs->items[0], line, sizeof(line));
    free(errs);
    ck_assert_msg(rc == 0, "the scenario does not load (%d): %s", rc, line);
    ck_assert_ptr_nonnull(sc);
    return sc;
}

struct mr_server *mr_fixture_start(const struct mr_scenario *sc, const struct mr_server_opts *opts)
{
    struct mr_server_opts o;
    struct mr_server *s = NULL;
    struct mr_error err;
    int rc;

    if (!opts) {
        mr_server_opts_init(&o);
        o.threads = MR_FIXTURE_THREADS;
        opts = &o;
    }
    memset(&err, 0, sizeof(err));
    rc = mr_server_start(&s, sc, opts, &err);
    ck_assert_msg(rc == 0, "the server does not start: %s", err.msg);
    return s;
}
