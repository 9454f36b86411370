/*
 * test_console.c - the console summary: exact lines with and without colour,
 * escaping of control bytes, and when colour is used (NO_COLOR, TERM, ttys).
 *
 * Run one case with CK_RUN_CASE=color; debug with CK_FORK=no.
 */
#define _XOPEN_SOURCE 700 /* posix_openpt and friends, for a real terminal */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "reports/console.h"
#include "reports/results.h"

static void fill(struct mr_results *r)
{
    mr_results_init(r);
    ck_assert_int_eq(mr_results_add_suite(r, "checkout", "checkout.json"), 0);
    ck_assert_int_eq(mr_results_add_case(r, MR_CASE_PASS, "GET /users was called", NULL, NULL), 0);
    ck_assert_int_eq(mr_results_add_case(r, MR_CASE_FAIL, "POST /orders was called once",
                                         "expected 1 call, got 0",
                                         "recorded calls:\n  POST /order (no route)\n"),
                     0);
    ck_assert_int_eq(mr_results_add_case(r, MR_CASE_ERROR, "command exited 0",
                                         "the command could not start",
                                         "cannot run 'npm': not found in PATH"),
                     0);
    ck_assert_int_eq(mr_results_add_case(r, MR_CASE_SKIP, "DELETE /cart was called", NULL, NULL),
                     0);
}

/* Prints `r` into a string (caller frees). */
static char *print(const struct mr_results *r, bool color)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    ck_assert_ptr_nonnull(f);
    mr_console_print(f, r, color);
    ck_assert_int_eq(ferror(f), 0);
    ck_assert_int_eq(fclose(f), 0);
    return text;
}

static void assert_printed(const struct mr_results *r, bool color, const char *want)
{
    char *got = print(r, color);

    ck_assert_str_eq(got, want);
    free(got);
}

/* ---- plain ------------------------------------------------------------- */

START_TEST(plain_mixed)
{
    struct mr_results r;

    fill(&r);
    assert_printed(&r, false,
                   "  ✓ GET /users was called\n"
                   "  ✗ POST /orders was called once\n"
                   "      expected 1 call, got 0\n"
                   "        recorded calls:\n"
                   "          POST /order (no route)\n"
                   "  ✗ command exited 0\n"
                   "      the command could not start\n"
                   "        cannot run 'npm': not found in PATH\n"
                   "  - DELETE /cart was called (skipped)\n"
                   "mockrun: 1 passed, 2 failed, 1 skipped\n");
    mr_results_release(&r);
}
END_TEST

START_TEST(plain_skipped_reason)
{
    struct mr_results r;

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_case(&r, MR_CASE_SKIP, "create-charge (POST /v1/charges)",
                                         "POST may change the API's data\nline two", "not shown"),
                     0);
    assert_printed(&r, false,
                   "  - create-charge (POST /v1/charges) (skipped)\n"
                   "      POST may change the API's data\n"
                   "      line two\n"
                   "mockrun: 0 passed, 0 failed, 1 skipped\n");
    mr_results_release(&r);
}
END_TEST

START_TEST(plain_no_skipped)
{
    struct mr_results r;

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_case(&r, MR_CASE_PASS, "a", NULL, NULL), 0);
    ck_assert_int_eq(mr_results_add_case(&r, MR_CASE_PASS, "b", NULL, NULL), 0);
    assert_printed(&r, false, "  ✓ a\n  ✓ b\nmockrun: 2 passed, 0 failed\n");
    mr_results_release(&r);
}
END_TEST

START_TEST(plain_empty)
{
    struct mr_results r;

    mr_results_init(&r);
    assert_printed(&r, false, "mockrun: 0 passed, 0 failed\n");
    mr_results_release(&r);
}
END_TEST

START_TEST(plain_failure_without_message)
{
    struct mr_results r;

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_case(&r, MR_CASE_FAIL, "f", NULL, NULL), 0);
    ck_assert_int_eq(mr_results_add_case(&r, MR_CASE_ERROR, "e", NULL, "only detail"), 0);
    assert_printed(&r, false,
                   "  ✗ f\n"
                   "  ✗ e\n"
                   "        only detail\n"
                   "mockrun: 0 passed, 2 failed\n");
    mr_results_release(&r);
}
END_TEST

START_TEST(plain_control_bytes_escaped)
{
    struct mr_results r;

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_case(&r, MR_CASE_FAIL, "clear\x1b[2Jscreen", "bell\a\tok",
                                         "crlf line\r\nnext\x7f\n\nafter blank"),
                     0);
    assert_printed(&r, false,
                   "  ✗ clear\\x1b[2Jscreen\n"
                   "      bell\\x07\tok\n"
                   "        crlf line\n"
                   "        next\\x7f\n"
                   "\n"
                   "        after blank\n"
                   "mockrun: 0 passed, 1 failed\n");
    mr_results_release(&r);
}
END_TEST

/* ---- color ------------------------------------------------------------- */

START_TEST(color_mixed)
{
    struct mr_results r;

    fill(&r);
    assert_printed(&r, true,
                   "  \033[32m✓\033[0m GET /users was called\n"
                   "  \033[31m✗\033[0m POST /orders was called once\n"
                   "      expected 1 call, got 0\n"
                   "        recorded calls:\n"
                   "          POST /order (no route)\n"
                   "  \033[31m✗\033[0m command exited 0\n"
                   "      the command could not start\n"
                   "        cannot run 'npm': not found in PATH\n"
                   "  \033[33m- DELETE /cart was called (skipped)\033[0m\n"
                   "mockrun: 1 passed, 2 failed, 1 skipped\n");
    mr_results_release(&r);
}
END_TEST

START_TEST(color_summary_line_plain)
{
    struct mr_results r;
    char *text, *last;

    fill(&r);
    text = print(&r, true);
    text[strlen(text) - 1] = '\0';
    last = strrchr(text, '\n');
    ck_assert_ptr_nonnull(last);
    ck_assert_str_eq(last + 1, "mockrun: 1 passed, 2 failed, 1 skipped");
    free(text);
    mr_results_release(&r);
}
END_TEST

/* ---- use_color --------------------------------------------------------- */

static int tty_fd = -1;

/* Opens the secondary side of a new pseudo-terminal: a real terminal. */
static void setup_tty(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);

    ck_assert_msg(m >= 0, "cannot open a pseudo-terminal");
    ck_assert_int_eq(grantpt(m), 0);
    ck_assert_int_eq(unlockpt(m), 0);
    tty_fd = open(ptsname(m), O_RDWR | O_NOCTTY);
    ck_assert_int_ge(tty_fd, 0);
    ck_assert_int_eq(isatty(tty_fd), 1);
    setenv("TERM", "xterm-256color", 1);
    unsetenv("NO_COLOR");
}

START_TEST(use_color_tty)
{
    ck_assert(mr_console_use_color(tty_fd));
}
END_TEST

START_TEST(use_color_not_a_tty)
{
    int p[2];

    ck_assert_int_eq(pipe(p), 0);
    ck_assert(!mr_console_use_color(p[1]));
    ck_assert(!mr_console_use_color(-1));
    close(p[0]);
    close(p[1]);
}
END_TEST

START_TEST(use_color_no_color_set)
{
    setenv("NO_COLOR", "1", 1);
    ck_assert(!mr_console_use_color(tty_fd));
    setenv("NO_COLOR", "0", 1); /* any non-empty value counts */
    ck_assert(!mr_console_use_color(tty_fd));
}
END_TEST

START_TEST(use_color_no_color_empty)
{
    /* no-color.org: an empty NO_COLOR is as if unset. */
    setenv("NO_COLOR", "", 1);
    ck_assert(mr_console_use_color(tty_fd));
}
END_TEST

START_TEST(use_color_term_dumb)
{
    setenv("TERM", "dumb", 1);
    ck_assert(!mr_console_use_color(tty_fd));
    unsetenv("TERM");
    ck_assert(mr_console_use_color(tty_fd));
}
END_TEST

/* ---- routes (-v) -------------------------------------------------------- */

/* Prints the route table of `r` into a string (caller frees). */
static char *print_routes(const struct mr_results *r, bool color)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    ck_assert_ptr_nonnull(f);
    mr_console_print_routes(f, r, color);
    ck_assert_int_eq(fclose(f), 0);
    return text;
}

static void fill_routes(struct mr_results *r, bool two_services)
{
    mr_results_init(r);
    ck_assert_int_eq(mr_results_add_service(r, "payments", NULL), 0);
    if (two_services)
        ck_assert_int_eq(mr_results_add_service(r, "inventory", NULL), 0);
    ck_assert_int_eq(mr_results_add_route(r, "create-charge", 0, 1), 0);
    ck_assert_int_eq(mr_results_add_route(r, "list-items", two_services ? 1 : 0, 3), 0);
    ck_assert_int_eq(mr_results_add_route(r, "never-called", 0, 0), 0);
    ck_assert_int_eq(mr_results_add_route(r, NULL, 0, 1), 0);
    ck_assert_int_eq(mr_results_count_status(r, 0, 201), 0);
    ck_assert_int_eq(mr_results_count_status(r, 1, 304), 0);
    ck_assert_int_eq(mr_results_count_status(r, 1, 200), 0);
    ck_assert_int_eq(mr_results_count_status(r, 1, 200), 0);
    ck_assert_int_eq(mr_results_count_status(r, 3, 404), 0);
}

START_TEST(routes_one_service)
{
    struct mr_results r;
    char *got;

    fill_routes(&r, false);
    got = print_routes(&r, false);
    ck_assert_str_eq(got, "  route          calls  statuses\n"
                          "  create-charge      1  201\n"
                          "  list-items         3  200 \xc3\x97"
                          "2, 304\n"
                          "  never-called       0\n"
                          "  (no route)         1  404\n");
    free(got);
    mr_results_release(&r);
}
END_TEST

START_TEST(routes_two_services_and_colour)
{
    struct mr_results r;
    char *got;

    fill_routes(&r, true);
    got = print_routes(&r, true);
    ck_assert_str_eq(got, "  route          service    calls  statuses\n"
                          "  create-charge  payments       1  201\n"
                          "  list-items     inventory      3  200 \xc3\x97"
                          "2, 304\n"
                          "  never-called   payments       0\n"
                          "  \033[31m(no route)\033[0m                    1  404\n");
    free(got);
    mr_results_release(&r);
}
END_TEST

START_TEST(routes_proxied)
{
    struct mr_results r;
    char *got;

    /* the calls a proxy answered have a row of their own */
    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_service(&r, "api", NULL), 0);
    ck_assert_int_eq(mr_results_add_route(&r, "get-user", 0, 1), 0);
    ck_assert_int_eq(mr_results_add_route(&r, NULL, 0, 1), 0);
    ck_assert_int_eq(mr_results_add_route(&r, NULL, 0, 3), 0);
    r.routes[2].proxied = true;
    ck_assert_int_eq(mr_results_count_status(&r, 0, 200), 0);
    ck_assert_int_eq(mr_results_count_status(&r, 1, 502), 0);
    ck_assert_int_eq(mr_results_count_status(&r, 2, 200), 0);
    ck_assert_int_eq(mr_results_count_status(&r, 2, 200), 0);
    ck_assert_int_eq(mr_results_count_status(&r, 2, 302), 0);
    got = print_routes(&r, false);
    ck_assert_str_eq(got, "  route       calls  statuses\n"
                          "  get-user        1  200\n"
                          "  (no route)      1  502\n"
                          "  (proxied)       3  200 \xc3\x97"
                          "2, 302\n");
    free(got);
    mr_results_release(&r);
}
END_TEST

/* Counts are exact, statuses only of kept calls; ids cannot drive the terminal. */
START_TEST(routes_not_kept_and_escaped)
{
    struct mr_results r;
    char *got;

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_route(&r, "a\x1b[2Jb", 0, 5), 0);
    ck_assert_int_eq(mr_results_count_status(&r, 0, 200), 0);
    got = print_routes(&r, false);
    ck_assert_str_eq(got, "  route      calls  statuses\n"
                          "  a\\x1b[2Jb      5  200, 4 more not kept\n");
    free(got);
    mr_results_release(&r);
}
END_TEST

START_TEST(routes_none)
{
    struct mr_results r;
    char *got;

    mr_results_init(&r);
    got = print_routes(&r, false);
    ck_assert_str_eq(got, "");
    free(got);
    mr_results_release(&r);
}
END_TEST

/* ---- callbacks (-v) ----------------------------------------------------- */

static void add_attempt(struct mr_results *r, const char *id, uint64_t delivery, bool final,
                        enum mr_results_outcome o, int status)
{
    struct mr_results_attempt a;

    memset(&a, 0, sizeof(a));
    a.callback = (char *)id;
    a.delivery = delivery;
    a.final = final;
    a.outcome = o;
    a.status = status;
    a.method = (char *)"POST";
    a.url = (char *)"http://127.0.0.1:9/";
    ck_assert_int_eq(mr_results_add_attempt(r, &a), 0);
}

START_TEST(callbacks_table)
{
    struct mr_results r;
    char *text = NULL;
    size_t len = 0;
    FILE *f;

    mr_results_init(&r);
    add_attempt(&r, "charge-succeeded", 1, false, MR_RESULTS_ANSWERED, 500);
    add_attempt(&r, "refund-created", 2, false, MR_RESULTS_FAILED, 0);
    add_attempt(&r, "charge-succeeded", 1, true, MR_RESULTS_ANSWERED, 200);
    add_attempt(&r, "refund-created", 2, true, MR_RESULTS_FAILED, 0);
    add_attempt(&r, "refund-created", 3, true, MR_RESULTS_NOT_SENT, 0);
    add_attempt(&r, "charge-succeeded", 4, true, MR_RESULTS_ANSWERED, 200);
    f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    mr_console_print_callbacks(f, &r, false);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_str_eq(text, "  callback          deliveries  attempts\n"
                           "  charge-succeeded           2  500, 200 \xc3\x97"
                           "2\n"
                           "  refund-created             2  failed \xc3\x97"
                           "2, not sent\n");
    free(text);
    mr_results_release(&r);

    /* nothing without attempts */
    mr_results_init(&r);
    r.has_attempts = true;
    text = NULL;
    f = open_memstream(&text, &len);
    mr_console_print_callbacks(f, &r, false);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_str_eq(text, "");
    free(text);
    mr_results_release(&r);
}
END_TEST

static Suite *console_suite(void)
{
    Suite *s = suite_create("console");
    TCase *tc;

    tc = tcase_create("plain");
    tcase_add_test(tc, plain_mixed);
    tcase_add_test(tc, plain_no_skipped);
    tcase_add_test(tc, plain_skipped_reason);
    tcase_add_test(tc, plain_empty);
    tcase_add_test(tc, plain_failure_without_message);
    tcase_add_test(tc, plain_control_bytes_escaped);
    suite_add_tcase(s, tc);

    tc = tcase_create("color");
    tcase_add_test(tc, color_mixed);
    tcase_add_test(tc, color_summary_line_plain);
    suite_add_tcase(s, tc);

    tc = tcase_create("routes");
    tcase_add_test(tc, routes_one_service);
    tcase_add_test(tc, routes_two_services_and_colour);
    tcase_add_test(tc, routes_proxied);
    tcase_add_test(tc, routes_not_kept_and_escaped);
    tcase_add_test(tc, routes_none);
    tcase_add_test(tc, callbacks_table);
    suite_add_tcase(s, tc);

    tc = tcase_create("use_color");
    tcase_add_checked_fixture(tc, setup_tty, NULL);
    tcase_add_test(tc, use_color_tty);
    tcase_add_test(tc, use_color_not_a_tty);
    tcase_add_test(tc, use_color_no_color_set);
    tcase_add_test(tc, use_color_no_color_empty);
    tcase_add_test(tc, use_color_term_dumb);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(console_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
