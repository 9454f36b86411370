/*
 * test_redact.c - record/redact.c: which names are secrets, and what their
 * values become in headers, JSON bodies and query strings.
 *
 * One case:   CK_RUN_CASE=json ./test_redact
 * Under gdb:  CK_FORK=no gdb ./test_redact
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "record/redact.h"

static bool field(const char *s)
{
    return mr_redact_field(s, strlen(s));
}

static bool header(const char *s)
{
    return mr_redact_header(s, strlen(s));
}

START_TEST(test_names)
{
    /* *token*, *secret*, *password*, api_key, without regard to case */
    ck_assert(field("token"));
    ck_assert(field("access_token"));
    ck_assert(field("refreshToken"));
    ck_assert(field("X-CSRF-TOKEN"));
    ck_assert(field("client_secret"));
    ck_assert(field("Password"));
    ck_assert(field("new_password_confirmation"));
    ck_assert(field("passwd"));
    ck_assert(field("api_key"));
    ck_assert(field("apiKey"));
    ck_assert(field("API-KEY"));
    ck_assert(field("x-api-key"));
    ck_assert(!field("key"));
    ck_assert(!field("api"));
    ck_assert(!field("apikeys_count"));
    ck_assert(!field("name"));
    ck_assert(!field("author"));
    ck_assert(!field(""));

    ck_assert(header("Authorization"));
    ck_assert(header("authorization"));
    ck_assert(header("Proxy-Authorization"));
    ck_assert(header("Cookie"));
    ck_assert(header("Set-Cookie"));
    ck_assert(header("X-Api-Key"));
    ck_assert(header("X-Auth-Token"));
    ck_assert(!header("Content-Type"));
    ck_assert(!header("Location"));
    ck_assert(!header("X-Request-Id"));
}
END_TEST

static const char *value(const char *name, const char *v)
{
    static char out[256];
    struct mr_buf b;
    mr_buf_init(&b);
    mr_redact_header_value(&b, name, v);
    strncpy(out, mr_buf_cstr(&b), sizeof(out) - 1);
    mr_buf_release(&b);
    return out;
}

START_TEST(test_header_values)
{
    ck_assert_str_eq(value("Authorization", "Bearer abc.def"), "[REDACTED]");
    ck_assert_str_eq(value("X-Api-Key", "k-123"), "[REDACTED]");
    /* a cookie keeps its name and attributes */
    ck_assert_str_eq(value("Set-Cookie", "session=abc123; Path=/; HttpOnly"),
                     "session=[REDACTED]; Path=/; HttpOnly");
    ck_assert_str_eq(value("set-cookie", "id=x"), "id=[REDACTED]");
    ck_assert_str_eq(value("Set-Cookie", "no-equals-sign"), "[REDACTED]");
    ck_assert_str_eq(value("Cookie", "a=1; b=2;c=3"), "a=[REDACTED]; b=[REDACTED];c=[REDACTED]");
}
END_TEST

START_TEST(test_json)
{
    cJSON *v = cJSON_Parse("{\"user\": \"ada\", \"access_token\": \"tok-1\", \"expires_in\": 3600,"
                           " \"profile\": {\"password\": \"hunter2\", \"theme\": \"dark\"},"
                           " \"items\": [{\"secret\": \"s\"}, {\"ok\": 1}],"
                           " \"tokens\": 12, \"max_tokens\": 100, \"token\": null,"
                           " \"password_policy\": {\"min\": 8},"
                           " \"my key\": {\"api_key\": \"k\"}}");
    struct mr_buf paths;
    char *text;

    ck_assert_ptr_nonnull(v);
    mr_buf_init(&paths);
    ck_assert_uint_eq(mr_redact_json(v, &paths), 4);
    ck_assert_str_eq(mr_buf_cstr(&paths), "$.access_token\n$.profile.password\n$.items[0].secret\n"
                                          "$[\"my key\"].api_key\n");
    text = cJSON_PrintUnformatted(v);
    /* strings only: numbers, null and objects stay (their members are looked at) */
    ck_assert_str_eq(text, "{\"user\":\"ada\",\"access_token\":\"[REDACTED]\",\"expires_in\":3600,"
                           "\"profile\":{\"password\":\"[REDACTED]\",\"theme\":\"dark\"},"
                           "\"items\":[{\"secret\":\"[REDACTED]\"},{\"ok\":1}],"
                           "\"tokens\":12,\"max_tokens\":100,\"token\":null,"
                           "\"password_policy\":{\"min\":8},"
                           "\"my key\":{\"api_key\":\"[REDACTED]\"}}");
    free(text);
    cJSON_Delete(v);

    /* a top-level array; a scalar has no members */
    v = cJSON_Parse("[{\"refresh_token\": \"r\"}]");
    mr_buf_reset(&paths);
    ck_assert_uint_eq(mr_redact_json(v, &paths), 1);
    ck_assert_str_eq(mr_buf_cstr(&paths), "$[0].refresh_token\n");
    cJSON_Delete(v);
    v = cJSON_Parse("\"token\"");
    ck_assert_uint_eq(mr_redact_json(v, &paths), 0);
    cJSON_Delete(v);
    mr_buf_release(&paths);
}
END_TEST

START_TEST(test_query)
{
    static const char q[] = "page=2&access_token=abc&api%5Fkey=k&name=x&password&sort=asc";
    struct mr_buf out, names;

    mr_buf_init(&out);
    mr_buf_init(&names);
    ck_assert_uint_eq(mr_redact_query(&out, q, strlen(q), &names), 2);
    /* the rest byte for byte; a name without a value has nothing to hide */
    ck_assert_str_eq(
        mr_buf_cstr(&out),
        "page=2&access_token=[REDACTED]&api%5Fkey=[REDACTED]&name=x&password&sort=asc");
    ck_assert_str_eq(mr_buf_cstr(&names), "access_token\napi_key\n");
    mr_buf_reset(&out);
    mr_buf_reset(&names);
    ck_assert_uint_eq(mr_redact_query(&out, "", 0, &names), 0);
    ck_assert_str_eq(mr_buf_cstr(&out), "");
    mr_buf_release(&out);
    mr_buf_release(&names);
}
END_TEST

static Suite *redact_suite(void)
{
    Suite *s = suite_create("redact");
    TCase *tc = tcase_create("names");
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_header_values);
    suite_add_tcase(s, tc);
    tc = tcase_create("json");
    tcase_add_test(tc, test_json);
    tcase_add_test(tc, test_query);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(redact_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
