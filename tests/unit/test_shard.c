/*
 * test_shard.c - runner/shard.c: --shard I/N and the CI systems' variables
 * (GitLab, CircleCI, Buildkite) become a shard, with exact messages for
 * wrong values; suite names and the default JUnit path carry it.
 *
 * One case:   CK_RUN_CASE=resolve ./test_shard
 * Under gdb:  CK_FORK=no gdb ./test_shard
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "reports/results.h"
#include "runner/shard.h"

/* The environment: NAME=value strings, NULL-terminated. */
static const char *const *environment;

static const char *fake_getenv(const char *name)
{
    size_t n = strlen(name), i;
    for (i = 0; environment && environment[i]; i++)
        if (strncmp(environment[i], name, n) == 0 && environment[i][n] == '=')
            return environment[i] + n + 1;
    return NULL;
}

/* Resolves under `env` (and --shard `option`); returns the code, *s filled. */
static int resolve(struct mr_shard *s, const char *option, const char *const *env,
                   struct mr_error *err)
{
    environment = env;
    memset(err, 0, sizeof(*err));
    return mr_shard_resolve(s, option, fake_getenv, err);
}

START_TEST(test_option)
{
    struct mr_shard s;
    struct mr_error err;
    static const char *const gitlab[] = {"CI_NODE_INDEX=1", "CI_NODE_TOTAL=3", NULL};
    static const char *const bad[] = {"0/4", "5/4",  "2",    "2/",      "/4",
                                      "a/b", "2/4x", "-1/4", "1/10001", ""};
    size_t i;

    ck_assert_int_eq(resolve(&s, "2/4", NULL, &err), 0);
    ck_assert_int_eq(s.index, 2);
    ck_assert_int_eq(s.total, 4);
    ck_assert(mr_shard_active(&s));
    /* the option wins over the CI's variables */
    ck_assert_int_eq(resolve(&s, "4/4", gitlab, &err), 0);
    ck_assert_int_eq(s.index, 4);
    ck_assert_str_eq(s.source, "--shard");
    /* one shard of one: no shard at all */
    ck_assert_int_eq(resolve(&s, "1/1", NULL, &err), 0);
    ck_assert(!mr_shard_active(&s));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_int_eq(resolve(&s, bad[i], NULL, &err), MR_EUSAGE);
        ck_assert(!mr_shard_active(&s));
    }
    ck_assert_str_eq(err.msg, "--shard: expected I/N such as 2/4 (shard I of N, from 1), got ''");
    resolve(&s, "5/4", NULL, &err);
    ck_assert_str_eq(err.msg,
                     "--shard: expected I/N such as 2/4 (shard I of N, from 1), got '5/4'");
}
END_TEST

START_TEST(test_ci_variables)
{
    struct mr_shard s;
    struct mr_error err;
    static const char *const gitlab[] = {"CI_NODE_INDEX=3", "CI_NODE_TOTAL=4", NULL};
    static const char *const circle[] = {"CIRCLE_NODE_INDEX=0", "CIRCLE_NODE_TOTAL=4", NULL};
    static const char *const buildkite[] = {"BUILDKITE_PARALLEL_JOB=3",
                                            "BUILDKITE_PARALLEL_JOB_COUNT=4", NULL};
    /* GitLab sets the total to 1 without `parallel`, CircleCI 0 of 1 */
    static const char *const single[] = {"CI_NODE_TOTAL=1", "CIRCLE_NODE_INDEX=0",
                                         "CIRCLE_NODE_TOTAL=1", NULL};
    static const char *const both[] = {"CIRCLE_NODE_INDEX=1", "CIRCLE_NODE_TOTAL=2",
                                       "CI_NODE_INDEX=2", "CI_NODE_TOTAL=2", NULL};

    ck_assert_int_eq(resolve(&s, NULL, gitlab, &err), 0); /* 1-based */
    ck_assert_int_eq(s.index, 3);
    ck_assert_int_eq(s.total, 4);
    ck_assert_str_eq(s.source, "CI_NODE_INDEX=3");
    ck_assert_int_eq(resolve(&s, NULL, circle, &err), 0); /* 0-based */
    ck_assert_int_eq(s.index, 1);
    ck_assert_int_eq(s.total, 4);
    ck_assert_int_eq(resolve(&s, NULL, buildkite, &err), 0);
    ck_assert_int_eq(s.index, 4);
    ck_assert_int_eq(resolve(&s, NULL, single, &err), 0);
    ck_assert(!mr_shard_active(&s));
    ck_assert_int_eq(resolve(&s, NULL, NULL, &err), 0);
    ck_assert(!mr_shard_active(&s));
    ck_assert_int_eq(s.index, 0);
    ck_assert_int_eq(resolve(&s, NULL, both, &err), 0); /* GitLab's first */
    ck_assert_int_eq(s.index, 2);
}
END_TEST

START_TEST(test_ci_variables_wrong)
{
    struct mr_shard s;
    struct mr_error err;
    static const struct {
        const char *env[3];
        const char *msg;
    } bad[] = {
        {{"CI_NODE_INDEX=0", "CI_NODE_TOTAL=4"},
         "CI_NODE_INDEX: expected 1 to 4 (CI_NODE_TOTAL is 4), got '0'"},
        {{"CI_NODE_INDEX=5", "CI_NODE_TOTAL=4"},
         "CI_NODE_INDEX: expected 1 to 4 (CI_NODE_TOTAL is 4), got '5'"},
        {{"CIRCLE_NODE_INDEX=4", "CIRCLE_NODE_TOTAL=4"},
         "CIRCLE_NODE_INDEX: expected 0 to 3 (CIRCLE_NODE_TOTAL is 4), got '4'"},
        {{"BUILDKITE_PARALLEL_JOB=x", "BUILDKITE_PARALLEL_JOB_COUNT=4"},
         "BUILDKITE_PARALLEL_JOB: expected 0 to 3 (BUILDKITE_PARALLEL_JOB_COUNT is 4), got 'x'"},
        {{"CI_NODE_INDEX=1", "CI_NODE_TOTAL=none"},
         "CI_NODE_TOTAL: expected a number of shards from 1 to 10000, got 'none'"},
        {{"CI_NODE_INDEX=2"},
         "CI_NODE_INDEX is set (2) but CI_NODE_TOTAL is not: cannot tell how many shards there "
         "are; give --shard I/N"},
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_int_eq(resolve(&s, NULL, bad[i].env, &err), MR_EUSAGE);
        ck_assert_str_eq(err.msg, bad[i].msg);
    }
}
END_TEST

START_TEST(test_names)
{
    struct mr_shard s;
    struct mr_error err;
    struct mr_results r;
    char buf[64];

    ck_assert_int_eq(resolve(&s, NULL, NULL, &err), 0);
    mr_shard_junit_path(&s, buf, sizeof(buf));
    ck_assert_str_eq(buf, "mockrun-junit.xml");
    mr_shard_label(&s, buf, sizeof(buf));
    ck_assert_str_eq(buf, "");

    ck_assert_int_eq(resolve(&s, "2/4", NULL, &err), 0);
    mr_shard_junit_path(&s, buf, sizeof(buf));
    ck_assert_str_eq(buf, "mockrun-junit-2-of-4.xml");
    mr_shard_label(&s, buf, sizeof(buf));
    ck_assert_str_eq(buf, "2/4");

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_suite(&r, "checkout", "checkout.json"), 0);
    ck_assert_int_eq(mr_results_add_suite(&r, "auth", NULL), 0);
    ck_assert_int_eq(mr_shard_name_suites(&r, &s), 0);
    ck_assert_str_eq(r.suites[0].name, "checkout [2/4]");
    ck_assert_str_eq(r.suites[0].classname, "checkout.json [2/4]");
    ck_assert_str_eq(r.suites[1].name, "auth [2/4]");
    ck_assert_ptr_null(r.suites[1].classname);
    mr_results_release(&r);

    /* not a shard: the names stay */
    ck_assert_int_eq(resolve(&s, "1/1", NULL, &err), 0);
    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_suite(&r, "checkout", NULL), 0);
    ck_assert_int_eq(mr_shard_name_suites(&r, &s), 0);
    ck_assert_str_eq(r.suites[0].name, "checkout");
    mr_results_release(&r);
}
END_TEST

static Suite *shard_suite(void)
{
    Suite *s = suite_create("shard");
    TCase *tc = tcase_create("resolve");

    tcase_add_test(tc, test_option);
    tcase_add_test(tc, test_ci_variables);
    tcase_add_test(tc, test_ci_variables_wrong);
    suite_add_tcase(s, tc);
    tc = tcase_create("names");
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(shard_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
