/*
 * test_generalize.c - record/generalize.c: which path segments are ids, the
 * names their parameters get, and the route path a recorded path becomes.
 *
 * One case:   CK_RUN_CASE=paths ./test_generalize
 * Under gdb:  CK_FORK=no gdb ./test_generalize
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "record/generalize.h"

static enum mr_gen_segment seg(const char *s)
{
    return mr_generalize_segment(s, strlen(s));
}

START_TEST(test_segments)
{
    /* ids */
    ck_assert_int_eq(seg("42"), MR_GEN_NUMBER);
    ck_assert_int_eq(seg("0"), MR_GEN_NUMBER);
    ck_assert_int_eq(seg("18446744073709551616"), MR_GEN_NUMBER);
    ck_assert_int_eq(seg("0f8fad5b-d9cb-469f-a165-70867728950e"), MR_GEN_UUID);
    ck_assert_int_eq(seg("0F8FAD5B-D9CB-469F-A165-70867728950E"), MR_GEN_UUID);
    ck_assert_int_eq(seg("9b74c9897bac770ffc029102a200c5de"), MR_GEN_HASH);         /* md5 */
    ck_assert_int_eq(seg("da39a3ee5e6b4b0d3255bfef95601890afd80709"), MR_GEN_HASH); /* sha1 */
    ck_assert_int_eq(seg("507f1f77bcf86cd799439011"), MR_GEN_HASH);                 /* ObjectId */
    ck_assert_int_eq(seg("deadbeefdeadbeef"), MR_GEN_HASH);
    ck_assert_int_eq(seg("ch_3MqLiJLkdIwHu7ix28a3tqPa"), MR_GEN_TOKEN); /* Stripe */
    ck_assert_int_eq(seg("V1StGXR8_Z5jdHi6B-myT"), MR_GEN_TOKEN);       /* nanoid */
    /* words, versions, names and slugs stay */
    ck_assert_int_eq(seg("users"), MR_GEN_LITERAL);
    ck_assert_int_eq(seg("v1"), MR_GEN_LITERAL);
    ck_assert_int_eq(seg("v2.1"), MR_GEN_LITERAL);
    ck_assert_int_eq(seg("logo.png"), MR_GEN_LITERAL);
    ck_assert_int_eq(seg("me"), MR_GEN_LITERAL);
    ck_assert_int_eq(seg("release-notes-2023-01-05"), MR_GEN_LITERAL);
    ck_assert_int_eq(seg("internationalization"), MR_GEN_LITERAL);
    ck_assert_int_eq(seg("deadbeef"), MR_GEN_LITERAL);                          /* 8 hex: short */
    ck_assert_int_eq(seg("0f8fad5b-d9cb-469f-a165-70867728950"), MR_GEN_TOKEN); /* not a UUID */
    ck_assert_int_eq(seg("42a"), MR_GEN_LITERAL);
    ck_assert_int_eq(seg("-42"), MR_GEN_LITERAL);
    ck_assert_int_eq(seg(""), MR_GEN_LITERAL);
}
END_TEST

static const char *name(const char *prev)
{
    static char out[64];
    mr_generalize_param_name(out, sizeof(out), prev, prev ? strlen(prev) : 0);
    return out;
}

START_TEST(test_param_names)
{
    ck_assert_str_eq(name("users"), "userId");
    ck_assert_str_eq(name("user"), "userId");
    ck_assert_str_eq(name("Users"), "userId");
    ck_assert_str_eq(name("USERS"), "userId");
    ck_assert_str_eq(name("categories"), "categoryId");
    ck_assert_str_eq(name("addresses"), "addressId");
    ck_assert_str_eq(name("boxes"), "boxId");
    ck_assert_str_eq(name("matches"), "matchId");
    ck_assert_str_eq(name("status"), "statusId");
    ck_assert_str_eq(name("analysis"), "analysisId");
    ck_assert_str_eq(name("line-items"), "lineItemId");
    ck_assert_str_eq(name("line_items"), "lineItemId");
    ck_assert_str_eq(name("lineItems"), "lineItemId");
    ck_assert_str_eq(name("order.lines"), "orderLineId");
    ck_assert_str_eq(name("v1"), "v1Id");
    ck_assert_str_eq(name("2fa"), "id");
    ck_assert_str_eq(name("--"), "id");
    ck_assert_str_eq(name("caf\xc3\xa9s"), "cafId"); /* letters and digits only */
    /* short enough for a PCRE2 group name (32), with a number added */
    ck_assert_str_eq(name("internationalisation-configurations"), "internationalisationConfId");
    ck_assert_str_eq(name(""), "id");
    ck_assert_str_eq(name(NULL), "id");
}
END_TEST

static enum mr_gen_kind gen(const char *path, const char *want, size_t want_params)
{
    struct mr_buf b;
    size_t n = 99;
    enum mr_gen_kind k;
    mr_buf_init(&b);
    k = mr_generalize_path(&b, path, &n);
    ck_assert_msg(strcmp(mr_buf_cstr(&b), want) == 0, "%s: got %s, want %s", path, mr_buf_cstr(&b),
                  want);
    ck_assert_uint_eq(n, want_params);
    mr_buf_release(&b);
    return k;
}

START_TEST(test_paths)
{
    ck_assert_int_eq(gen("/", "/", 0), MR_GEN_PATH);
    ck_assert_int_eq(gen("/users", "/users", 0), MR_GEN_PATH);
    ck_assert_int_eq(gen("/users/", "/users/", 0), MR_GEN_PATH);
    ck_assert_int_eq(gen("/users/42", "/users/:userId", 1), MR_GEN_PATH);
    ck_assert_int_eq(gen("/users/42/orders/7", "/users/:userId/orders/:orderId", 2), MR_GEN_PATH);
    ck_assert_int_eq(
        gen("/v1/charges/ch_3MqLiJLkdIwHu7ix28a3tqPa/refunds", "/v1/charges/:chargeId/refunds", 1),
        MR_GEN_PATH);
    ck_assert_int_eq(gen("/repos/git/commits/da39a3ee5e6b4b0d3255bfef95601890afd80709",
                         "/repos/git/commits/:commitId", 1),
                     MR_GEN_PATH);
    ck_assert_int_eq(
        gen("/sessions/0f8fad5b-d9cb-469f-a165-70867728950e", "/sessions/:sessionId", 1),
        MR_GEN_PATH);
    /* an id first, ids in a row, a name twice */
    ck_assert_int_eq(gen("/42", "/:id", 1), MR_GEN_PATH);
    ck_assert_int_eq(gen("/a/1/2/3", "/a/:aId/:id/:id2", 3), MR_GEN_PATH);
    ck_assert_int_eq(gen("/users/1/users/2", "/users/:userId/users/:userId2", 2), MR_GEN_PATH);
    /* the same input gives the same output */
    ck_assert_int_eq(gen("/users/7", "/users/:userId", 1), MR_GEN_PATH);
    /* a segment that is not UTF-8 is a parameter too */
    ck_assert_int_eq(gen("/files/\xff\xfe", "/files/:fileId", 1), MR_GEN_PATH);
}
END_TEST

START_TEST(test_patterns)
{
    /* what a template cannot say literally: an anchored pattern, ids as named groups */
    ck_assert_int_eq(gen("/a/:literal", "^/a/:literal$", 0), MR_GEN_PATTERN);
    ck_assert_int_eq(gen("/a/*", "^/a/\\*$", 0), MR_GEN_PATTERN);
    ck_assert_int_eq(gen("/q?x/42", "^/q\\?x/(?<qXId>[^/]+)$", 1), MR_GEN_PATTERN);
    ck_assert_int_eq(gen("/a.b/c#d", "^/a\\.b/c\\#d$", 0), MR_GEN_PATTERN);
    ck_assert_int_eq(gen("/tab\there", "^/tab\\x09here$", 0), MR_GEN_PATTERN);
    /* a ':' or '*' inside a segment is fine in a template */
    ck_assert_int_eq(gen("/a:b/x*y", "/a:b/x*y", 0), MR_GEN_PATH);
}
END_TEST

static Suite *generalize_suite(void)
{
    Suite *s = suite_create("generalize");
    TCase *tc = tcase_create("segments");
    tcase_add_test(tc, test_segments);
    tcase_add_test(tc, test_param_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("paths");
    tcase_add_test(tc, test_paths);
    tcase_add_test(tc, test_patterns);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(generalize_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
