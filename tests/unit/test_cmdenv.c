/*
 * test_cmdenv.c - runner/cmdenv.c: the command's environment, built from a
 * given one: what the run sets replaces what was there (no name twice),
 * everything else is kept in its order, and the services' URLs, their `env`
 * names and `command.env` come after, in the scenario's order.
 *
 * One case:   CK_RUN_CASE=cmdenv ./test_cmdenv
 * Under gdb:  CK_FORK=no gdb ./test_cmdenv
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "runner/cmdenv.h"
#include "scenarios/scenario.h"

static struct mr_scenario *load(const char *text)
{
    struct mr_scenario *sc = NULL;
    struct mr_error_list *errs = calloc(1, sizeof(*errs));

    ck_assert_ptr_nonnull(errs);
    ck_assert_msg(mr_scenario_parse_one(&sc, "env.json", text, strlen(text), errs) == 0, "%s",
                  errs->count ? errs->items[0].msg : "?");
    free(errs);
    return sc;
}

/* env is exactly want (both NULL-terminated). */
static void expect_env(char **env, const char *const *want)
{
    size_t i;

    ck_assert_ptr_nonnull(env);
    for (i = 0; want[i]; i++) {
        ck_assert_msg(env[i] != NULL, "entry %zu missing: want \"%s\"", i, want[i]);
        ck_assert_str_eq(env[i], want[i]);
    }
    ck_assert_msg(env[i] == NULL, "one more entry: \"%s\"", env[i]);
}

START_TEST(test_services_env_names_and_command_env)
{
    struct mr_scenario *sc =
        load("{\"services\": {"
             "\"payments\": {\"env\": \"PAY_URL\", \"routes\": []},"
             "\"stock-api\": {\"routes\": []}},"
             "\"command\": {\"env\": {\"NODE_ENV\": \"test\", \"EMPTY\": \"\"}}}");
    static const char *const urls[] = {"http://127.0.0.1:4001", "http://127.0.0.1:4002"};
    /* stale values of every variable the run sets, among others kept as they are */
    static const char *const base[] = {"HOME=/home/u",
                                       "MOCKRUN_URL=http://old",
                                       "PAY_URL=http://old-pay",
                                       "PATH=/usr/bin:/bin",
                                       "MOCKRUN_PAYMENTS_URL=http://old",
                                       "NODE_ENV=production",
                                       "MOCKRUN_STOCK_API_URL=x",
                                       "MOCKRUN_URLS=kept: not a name the run sets",
                                       "NOEQUALS",
                                       "EMPTY=was set",
                                       NULL};
    static const char *const want[] = {"HOME=/home/u",
                                       "PATH=/usr/bin:/bin",
                                       "MOCKRUN_URLS=kept: not a name the run sets",
                                       "NOEQUALS",
                                       "MOCKRUN_URL=http://127.0.0.1:4001",
                                       "MOCKRUN_PAYMENTS_URL=http://127.0.0.1:4001",
                                       "PAY_URL=http://127.0.0.1:4001",
                                       "MOCKRUN_STOCK_API_URL=http://127.0.0.1:4002",
                                       "NODE_ENV=test",
                                       "EMPTY=",
                                       NULL};
    char **env = mr_cmdenv_new(sc, urls, (char *const *)base); /* environ's type */

    expect_env(env, want);
    mr_cmdenv_free(env);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_one_service_empty_base)
{
    /* `mockrun record`'s scenario: services that only proxy, no command */
    struct mr_scenario *sc = load("{\"services\": {\"api\": {\"proxy\": \"http://127.0.0.1:9\"}}}");
    static const char *const urls[] = {"http://127.0.0.1:5000"};
    static char *const base[] = {NULL};
    static const char *const want[] = {"MOCKRUN_URL=http://127.0.0.1:5000",
                                       "MOCKRUN_API_URL=http://127.0.0.1:5000", NULL};
    char **env = mr_cmdenv_new(sc, urls, base);

    expect_env(env, want);
    mr_cmdenv_free(env);
    mr_cmdenv_free(NULL);
    mr_scenario_free(sc);
}
END_TEST

static Suite *cmdenv_suite(void)
{
    Suite *s = suite_create("cmdenv");
    TCase *tc = tcase_create("cmdenv");

    tcase_add_test(tc, test_services_env_names_and_command_env);
    tcase_add_test(tc, test_one_service_empty_base);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cmdenv_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
