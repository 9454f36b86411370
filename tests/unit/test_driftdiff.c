/*
 * test_driftdiff.c - runner/driftdiff.c: a mock's answer and a real API's
 * compared as mockrun drift compares them: status, media type, the body's
 * shape (or values), secrets kept out of the lines.
 *
 * One case:   CK_RUN_CASE=body ./test_driftdiff
 * Under gdb:  CK_FORK=no gdb ./test_driftdiff
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/driftdiff.h"

static struct mr_driftdiff_answer answer(int status, const char *type, const char *body)
{
    struct mr_driftdiff_answer a;

    a.status = status;
    a.content_type = type;
    a.body = body;
    a.body_len = body ? strlen(body) : 0;
    return a;
}

/* The lines for mock vs real; *d is kept for more checks (release it). */
static void compare(struct mr_driftdiff *d, struct mr_driftdiff_answer m,
                    struct mr_driftdiff_answer r, bool values, bool head)
{
    ck_assert_int_eq(mr_driftdiff_compare(d, &m, &r, values, head), 0);
}

static void assert_lines(struct mr_driftdiff_answer m, struct mr_driftdiff_answer r, bool values,
                         const char *want)
{
    struct mr_driftdiff d;

    compare(&d, m, r, values, false);
    ck_assert_str_eq(mr_buf_cstr(&d.text), want);
    ck_assert(mr_driftdiff_found(&d) == (*want != '\0'));
    mr_driftdiff_release(&d);
}

#define JSON "application/json"

START_TEST(test_same_answers)
{
    assert_lines(answer(200, JSON, "{\"a\": 1}"), answer(200, JSON, "{\"a\": 1}"), true, "");
    assert_lines(answer(204, NULL, NULL), answer(204, NULL, NULL), true, "");
}
END_TEST

START_TEST(test_status)
{
    struct mr_driftdiff d;
    char s[200];

    compare(&d, answer(200, JSON, "{}"), answer(404, JSON, "{}"), false, false);
    ck_assert_str_eq(mr_buf_cstr(&d.text), "status: the mock answers 200, the API 404\n");
    ck_assert(d.status && !d.content_type && d.body == 0);
    mr_driftdiff_summary(&d, s, sizeof(s));
    ck_assert_str_eq(s, "status");
    mr_driftdiff_release(&d);
}
END_TEST

START_TEST(test_media_types)
{
    char t[64];

    mr_driftdiff_media_type(" Application/JSON ; charset=UTF-8", t, sizeof(t));
    ck_assert_str_eq(t, "application/json");
    mr_driftdiff_media_type(NULL, t, sizeof(t));
    ck_assert_str_eq(t, "");
    /* parameters and case do not count */
    assert_lines(answer(200, "application/json; charset=utf-8", "{}"),
                 answer(200, "Application/Json", "{}"), false, "");
    assert_lines(answer(200, "text/plain", "ok"), answer(200, NULL, "ok"), false,
                 "content type: the mock answers text/plain, the API none\n");
    /* no body on either side: nothing a client parses */
    assert_lines(answer(204, "text/plain", NULL), answer(204, NULL, NULL), false, "");
}
END_TEST

START_TEST(test_head_compares_types)
{
    struct mr_driftdiff d;

    compare(&d, answer(200, "text/plain", NULL), answer(200, "text/html", NULL), false, true);
    ck_assert_str_eq(mr_buf_cstr(&d.text),
                     "content type: the mock answers text/plain, the API text/html\n");
    mr_driftdiff_release(&d);
}
END_TEST

START_TEST(test_body_shape)
{
    struct mr_driftdiff d;
    char s[200];

    compare(&d,
            answer(200, JSON,
                   "{\"id\": 42, \"name\": \"Ada\", \"email\": \"a@b\", \"at\": \"2020\", "
                   "\"items\": [{\"n\": 1}]}"),
            answer(500, "text/json+x", /* a JSON type only by the other side's */
                   "{\"id\": \"42\", \"name\": \"Bob\", \"at\": \"2026\", \"nick\": \"b\", "
                   "\"items\": [{\"n\": 2}, {\"n\": 3, \"x\": true}]}"),
            false, false);
    ck_assert_str_eq(mr_buf_cstr(&d.text),
                     "status: the mock answers 200, the API 500\n"
                     "content type: the mock answers application/json, the API text/json+x\n"
                     "body: 4 differences (expected: the mock's, got: the API's)\n"
                     "  $.id: expected 42, got \"42\" (a number, now a string)\n"
                     "  $.email: missing, expected \"a@b\"\n"
                     "  $.items[*].x: unexpected, got true\n"
                     "  $.nick: unexpected, got \"b\"\n");
    ck_assert_uint_eq(d.body, 4);
    mr_driftdiff_summary(&d, s, sizeof(s));
    ck_assert_str_eq(s, "status, content type and body (4 differences)");
    mr_driftdiff_release(&d);
}
END_TEST

START_TEST(test_body_values)
{
    const char *m = "{\"id\": 1, \"list\": [1, 2]}", *r = "{\"id\": 2, \"list\": [1]}";

    /* by shape, nothing; with values, each value */
    assert_lines(answer(200, JSON, m), answer(200, JSON, r), false, "");
    assert_lines(answer(200, JSON, m), answer(200, JSON, r), true,
                 "body: 2 differences (expected: the mock's, got: the API's)\n"
                 "  $.id: expected 1, got 2\n"
                 "  $.list[1]: missing, expected 2\n");
}
END_TEST

START_TEST(test_json_detection)
{
    /* a +json type, a byte-order mark and blanks around the document */
    assert_lines(answer(200, "application/problem+json", "\xEF\xBB\xBF {\"a\": 1} \n"),
                 answer(200, "application/problem+json", "{\"b\": 1}"), false,
                 "body: 2 differences (expected: the mock's, got: the API's)\n"
                 "  $.a: missing, expected 1\n"
                 "  $.b: unexpected, got 1\n");
    /* JSON on one side only */
    assert_lines(answer(200, JSON, "{\"a\": 1}"), answer(200, JSON, "<html>oops</html>"), false,
                 "body: the mock's is JSON, the API's is not: \"<html>oops</html>\"\n");
    assert_lines(answer(200, JSON, "not json"), answer(200, JSON, "[1]"), false,
                 "body: the API's is JSON, the mock's is not: \"not json\"\n");
    /* no JSON type on either side: text, even when it parses */
    assert_lines(answer(200, "text/plain", "1"), answer(200, "text/plain", "\"x\""), false, "");
}
END_TEST

START_TEST(test_text_bodies)
{
    char big[200];

    assert_lines(answer(200, "text/plain", "ok"), answer(200, "text/plain", "fine"), false, "");
    assert_lines(answer(200, "text/plain", "ok"), answer(200, "text/plain", NULL), false,
                 "body: the mock's has 2 bytes, the API's is empty\n");
    assert_lines(answer(200, "text/plain", NULL), answer(200, "text/plain", "x\n"), false,
                 "body: the mock's is empty, the API's has 2 bytes: \"x\\x0a\"\n");
    assert_lines(answer(200, "text/plain", "hello world"), answer(200, "text/plain", "hello there"),
                 true,
                 "body: differs from byte 7 (the mock's has 11, the API's 11)\n"
                 "  mock: \"world\"\n"
                 "  API:  \"there\"\n");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_lines(answer(200, "text/plain", "a"), answer(200, "text/plain", big), true,
                 "body: differs from byte 2 (the mock's has 1, the API's 199)\n"
                 "  mock: \"\"\n"
                 "  API:  \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"…\n");
}
END_TEST

START_TEST(test_secrets_redacted)
{
    struct mr_driftdiff d;

    compare(&d, answer(200, JSON, "{\"access_token\": \"mock\", \"user\": {\"password\": \"m\"}}"),
            answer(200, JSON,
                   "{\"access_token\": \"real-secret\", \"user\": {\"password\": \"hunter2\", "
                   "\"api_key\": \"k-123\"}}"),
            true, false);
    ck_assert_str_eq(mr_buf_cstr(&d.text),
                     "body: 1 difference (expected: the mock's, got: the API's)\n"
                     "  $.user.api_key: unexpected, got \"[REDACTED]\"\n");
    mr_driftdiff_release(&d);
}
END_TEST

START_TEST(test_many_differences)
{
    char m[2000] = "{";
    struct mr_driftdiff d;
    size_t i, n = 1;

    for (i = 0; i < 25; i++)
        n += (size_t)snprintf(m + n, sizeof(m) - n, "%s\"k%02zu\": %zu", i ? ", " : "", i, i);
    strcat(m, "}");
    compare(&d, answer(200, JSON, m), answer(200, JSON, "{}"), false, false);
    ck_assert_uint_eq(d.body, 25);
    ck_assert_ptr_nonnull(strstr(mr_buf_cstr(&d.text), "  $.k19: missing, expected 19\n"
                                                       "  ... and 5 more differences\n"));
    ck_assert_ptr_null(strstr(mr_buf_cstr(&d.text), "$.k20"));
    mr_driftdiff_release(&d);
}
END_TEST

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 30);
    return tc;
}

static Suite *driftdiff_suite(void)
{
    Suite *s = suite_create("driftdiff");
    TCase *tc;

    tc = tcase("head");
    tcase_add_test(tc, test_same_answers);
    tcase_add_test(tc, test_status);
    tcase_add_test(tc, test_media_types);
    tcase_add_test(tc, test_head_compares_types);
    suite_add_tcase(s, tc);

    tc = tcase("body");
    tcase_add_test(tc, test_body_shape);
    tcase_add_test(tc, test_body_values);
    tcase_add_test(tc, test_json_detection);
    tcase_add_test(tc, test_text_bodies);
    tcase_add_test(tc, test_secrets_redacted);
    tcase_add_test(tc, test_many_differences);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(driftdiff_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
