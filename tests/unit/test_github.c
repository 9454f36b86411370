/*
 * test_github.c - what GitHub Actions gets: ::error annotations (file, line
 * when known, escaping that keeps request data from starting a workflow
 * command) and the Markdown job summary (tables and code blocks that request
 * data cannot break), appended to the summary file.
 *
 * Run one case with CK_RUN_CASE=annotations; debug with CK_FORK=no.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "common/buf.h"
#include "reports/github.h"
#include "reports/results.h"

static void fill(struct mr_results *r)
{
    mr_results_init(r);
    ck_assert_int_eq(mr_results_add_suite(r, "checkout", "ci/checkout.json"), 0);
    ck_assert_int_eq(mr_results_add_case(r, MR_CASE_PASS, "ok case", NULL, NULL), 0);
    ck_assert_int_eq(mr_results_add_case(r, MR_CASE_FAIL, "create-charge is called: once, 100%",
                                         "expected exactly 1 call, got 0",
                                         "  #1 POST /v1/x -> 404\n      why: no\n"),
                     0);
    ck_assert_int_eq(mr_results_add_case(r, MR_CASE_ERROR, "npm test exits with code 0",
                                         "cannot run 'npm'", NULL),
                     0);
    ck_assert_int_eq(mr_results_add_case(r, MR_CASE_SKIP, "skipped", NULL, NULL), 0);
    ck_assert_int_eq(mr_results_set_command(r, "npm test"), 0);
    r->time_s = 2.5;
    r->seed = 7;
    r->has_seed = true;
}

static char *annotations(const struct mr_results *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    ck_assert_ptr_nonnull(f);
    mr_github_annotate(f, r);
    ck_assert_int_eq(fclose(f), 0);
    return text;
}

START_TEST(annotations_failing_cases)
{
    struct mr_results r;
    char *got;

    fill(&r);
    r.cases[1].file = strdup("ci/checkout.json");
    r.cases[1].line = 14;
    got = annotations(&r);
    ck_assert_str_eq(got, "::error file=ci/checkout.json,line=14,title=create-charge is called%3A "
                          "once%2C 100%25::expected exactly 1 call, got 0%0A  #1 POST /v1/x -> "
                          "404%0A      why: no\n"
                          "::error file=ci/checkout.json,title=npm test exits with code 0::cannot "
                          "run 'npm'\n");
    free(got);
    mr_results_release(&r);
}
END_TEST

START_TEST(annotations_hostile_text)
{
    struct mr_results r;
    char *got;

    mr_results_init(&r);
    ck_assert_int_eq(
        mr_results_add_case(&r, MR_CASE_FAIL, "x", "line\r\n::warning::forged\x1b[31m", NULL), 0);
    got = annotations(&r);
    /* no file: the results name none; CR, LF and escape bytes cannot end the line */
    ck_assert_str_eq(got, "::error title=x::line%0D%0A::warning::forged\\x1b[31m\n");
    free(got);
    mr_results_release(&r);
}
END_TEST

START_TEST(annotations_none_when_passing)
{
    struct mr_results r;
    char *got;

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_case(&r, MR_CASE_PASS, "fine", NULL, NULL), 0);
    got = annotations(&r);
    ck_assert_str_eq(got, "");
    free(got);
    mr_results_release(&r);
}
END_TEST

START_TEST(summary_markdown)
{
    struct mr_results r;
    struct mr_buf b;

    fill(&r);
    mr_buf_init(&b);
    mr_github_summary_build(&b, &r);
    ck_assert_str_eq(mr_buf_cstr(&b),
                     "### \xe2\x9d\x8c mockrun: checkout: 1 passed, 2 failed, 1 skipped\n"
                     "\n"
                     "| | case | message |\n"
                     "|---|---|---|\n"
                     "| \xe2\x9c\x85 | ok case |  |\n"
                     "| \xe2\x9d\x8c | create-charge is called: once, 100% | expected exactly 1 "
                     "call, got 0 |\n"
                     "| \xe2\x9d\x8c | npm test exits with code 0 | cannot run 'npm' |\n"
                     "| \xe2\x8f\xad\xef\xb8\x8f | skipped |  |\n"
                     "\n"
                     "<details><summary>\xe2\x9d\x8c create-charge is called: once, "
                     "100%</summary>\n"
                     "\n"
                     "```text\n"
                     "  #1 POST /v1/x -> 404\n"
                     "      why: no\n"
                     "```\n"
                     "\n"
                     "</details>\n"
                     "\n"
                     "Scenario ci/checkout.json, command npm test, 2.500 s, seed 7.\n"
                     "\n");
    mr_buf_release(&b);
    mr_results_release(&r);
}
END_TEST

START_TEST(summary_hostile_text)
{
    struct mr_results r;
    struct mr_buf b;

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_case(&r, MR_CASE_FAIL, "a | b <img src=x>", "two\nlines & more",
                                         "```\n</details>\n````\n"),
                     0);
    mr_buf_init(&b);
    mr_github_summary_build(&b, &r);
    /* table cells: '|' escaped, HTML as entities, LF as <br> */
    ck_assert_ptr_nonnull(strstr(mr_buf_cstr(&b), "| a \\| b &lt;img src=x&gt; | two<br>lines "
                                                  "&amp; more |\n"));
    /* the fence is longer than any run of backticks inside */
    ck_assert_ptr_nonnull(
        strstr(mr_buf_cstr(&b), "\n`````text\n```\n</details>\n````\n`````\n\n</details>\n"));
    mr_buf_release(&b);
    mr_results_release(&r);
}
END_TEST

START_TEST(summary_appends)
{
    char path[] = "/tmp/mr-github-XXXXXX";
    struct mr_results r;
    struct mr_error err;
    struct mr_buf want, got;
    int fd = mkstemp(path);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "before\n", 7), 7);
    close(fd);
    fill(&r);
    ck_assert_int_eq(mr_github_summary_append(&r, path, &err), 0);
    ck_assert_int_eq(mr_github_summary_append(&r, path, &err), 0);
    mr_buf_init(&want);
    mr_buf_puts(&want, "before\n");
    mr_github_summary_build(&want, &r);
    mr_github_summary_build(&want, &r);
    mr_buf_init(&got);
    ck_assert_int_eq(mr_buf_read_file(&got, path, 1 << 20), 0);
    ck_assert_str_eq(mr_buf_cstr(&got), mr_buf_cstr(&want));
    unlink(path);
    ck_assert_int_eq(mr_github_summary_append(&r, "/nonexistent/dir/summary.md", &err), MR_ESETUP);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot write the job summary '/nonexistent/dir/"));
    mr_buf_release(&want);
    mr_buf_release(&got);
    mr_results_release(&r);
}
END_TEST

static Suite *github_suite(void)
{
    Suite *s = suite_create("github");
    TCase *tc = tcase_create("annotations");

    tcase_add_test(tc, annotations_failing_cases);
    tcase_add_test(tc, annotations_hostile_text);
    tcase_add_test(tc, annotations_none_when_passing);
    suite_add_tcase(s, tc);
    tc = tcase_create("summary");
    tcase_add_test(tc, summary_markdown);
    tcase_add_test(tc, summary_hostile_text);
    tcase_add_test(tc, summary_appends);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(github_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
