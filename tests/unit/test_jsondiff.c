/*
 * test_jsondiff.c - common/jsondiff.c: the differences between two JSON
 * values in each mode (values equal, contained, or only the same shape, as
 * mockrun drift compares), their paths, and the lines they are written as.
 *
 * One case:   CK_RUN_CASE=equal ./test_jsondiff
 * Under gdb:  CK_FORK=no gdb ./test_jsondiff
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/jsondiff.h"

/* Each difference's line, one a line. */
static void collect(void *ctx, const char *path, const cJSON *want, const cJSON *have)
{
    char line[MR_JSONDIFF_LINE_MAX];

    mr_jsondiff_line(line, sizeof(line), path, want, have);
    mr_buf_printf(ctx, "%s\n", line);
}

/* The lines for want and have (JSON texts) in `mode`; *count gets the count. */
static char *diff(const char *want, const char *have, enum mr_jsondiff_mode mode, size_t *count)
{
    cJSON *w = cJSON_Parse(want), *h = cJSON_Parse(have);
    struct mr_buf b;
    size_t n;

    ck_assert_msg(w && h, "bad test JSON");
    mr_buf_init(&b);
    mr_buf_puts(&b, "");
    n = mr_jsondiff(w, h, mode, collect, &b);
    /* counting alone finds as many */
    ck_assert_uint_eq(mr_jsondiff(w, h, mode, NULL, NULL), n);
    if (count)
        *count = n;
    cJSON_Delete(w);
    cJSON_Delete(h);
    return mr_buf_detach(&b, NULL);
}

static void assert_diff(const char *want, const char *have, enum mr_jsondiff_mode mode,
                        const char *lines)
{
    char *got = diff(want, have, mode, NULL);
    ck_assert_str_eq(got, lines);
    free(got);
}

START_TEST(test_equal_values)
{
    assert_diff("{\"a\": 1, \"b\": [1, 2]}", "{\"b\": [1, 2], \"a\": 1}", MR_JSONDIFF_EQUAL, "");
    assert_diff("{\"currency\": \"eur\"}", "{\"currency\": \"usd\"}", MR_JSONDIFF_EQUAL,
                "$.currency: expected \"eur\", got \"usd\"\n");
    assert_diff("1", "\"1\"", MR_JSONDIFF_EQUAL, "$: expected 1, got \"1\"\n");
}
END_TEST

START_TEST(test_equal_members_both_ways)
{
    assert_diff("{\"a\": 1, \"b\": 2}", "{\"b\": 2, \"c\": 3}", MR_JSONDIFF_EQUAL,
                "$.a: missing, expected 1\n"
                "$.c: unexpected, got 3\n");
}
END_TEST

START_TEST(test_arrays_item_by_item)
{
    assert_diff("[1, 2, 3]", "[1, 5]", MR_JSONDIFF_EQUAL,
                "$[1]: expected 2, got 5\n"
                "$[2]: missing, expected 3\n");
    assert_diff("{\"x\": [{\"a\": 1}]}", "{\"x\": [{\"a\": 1}, {\"a\": 2}]}", MR_JSONDIFF_EQUAL,
                "$.x[1]: unexpected, got {\"a\":2}\n");
    /* a whole value of another type is one difference */
    assert_diff("{\"x\": [1]}", "{\"x\": {\"0\": 1}}", MR_JSONDIFF_EQUAL,
                "$.x: expected [1], got {\"0\":1}\n");
}
END_TEST

START_TEST(test_subset_allows_more_members)
{
    assert_diff("{\"a\": {\"b\": 1}}", "{\"a\": {\"b\": 1, \"c\": 2}, \"d\": 3}",
                MR_JSONDIFF_SUBSET, "");
    assert_diff("{\"a\": {\"b\": 1}}", "{\"a\": {\"c\": 2}}", MR_JSONDIFF_SUBSET,
                "$.a.b: missing, expected 1\n");
    /* inside arrays, objects compare exactly */
    assert_diff("{\"a\": [{\"b\": 1}]}", "{\"a\": [{\"b\": 1, \"c\": 2}]}", MR_JSONDIFF_SUBSET,
                "$.a[0].c: unexpected, got 2\n");
}
END_TEST

START_TEST(test_paths_quote_odd_names)
{
    assert_diff("{\"a b\": 1, \"2x\": 1, \"\": 1, \"ok_$1\": 1}",
                "{\"a b\": 2, \"2x\": 2, \"\": 2, \"ok_$1\": 2}", MR_JSONDIFF_EQUAL,
                "$[\"a b\"]: expected 1, got 2\n"
                "$[\"2x\"]: expected 1, got 2\n"
                "$[\"\"]: expected 1, got 2\n"
                "$.ok_$1: expected 1, got 2\n");
    /* control bytes in a name or a value never reach the line as they are */
    assert_diff("{\"a\\nb\": \"x\"}", "{\"a\\nb\": \"y\\u0001\"}", MR_JSONDIFF_EQUAL,
                "$[\"a\\x0ab\"]: expected \"x\", got \"y\\u0001\"\n");
}
END_TEST

START_TEST(test_long_values_keep_their_ends)
{
    char want[400], have[400], *got;

    snprintf(want, sizeof(want), "{\"k\": \"%0200d\"}", 1);
    snprintf(have, sizeof(have), "{\"k\": \"%0200d\"}", 2);
    got = diff(want, have, MR_JSONDIFF_EQUAL, NULL);
    ck_assert_ptr_nonnull(strstr(got, "bytes left out)"));
    ck_assert_ptr_nonnull(strstr(got, "01\", got \"0000"));
    ck_assert_uint_lt(strlen(got), 300);
    free(got);
}
END_TEST

START_TEST(test_deep_path_ends_in_ellipsis)
{
    struct mr_buf w, h;
    char *got;
    size_t i, n;

    mr_buf_init(&w);
    mr_buf_init(&h);
    for (i = 0; i < 200; i++) {
        mr_buf_puts(&w, "{\"member\":");
        mr_buf_puts(&h, "{\"member\":");
    }
    mr_buf_puts(&w, "1");
    mr_buf_puts(&h, "2");
    for (i = 0; i < 200; i++) {
        mr_buf_putc(&w, '}');
        mr_buf_putc(&h, '}');
    }
    got = diff(w.data, h.data, MR_JSONDIFF_EQUAL, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_lt(strlen(got), MR_JSONDIFF_LINE_MAX);
    ck_assert_ptr_nonnull(strstr(got, "\u2026: expected 1, got 2\n"));
    free(got);
    mr_buf_release(&w);
    mr_buf_release(&h);
}
END_TEST

START_TEST(test_line_forms)
{
    cJSON *one = cJSON_CreateNumber(1), *s = cJSON_CreateString("x");
    char line[MR_JSONDIFF_LINE_MAX];

    mr_jsondiff_line(line, sizeof(line), "$.a", one, s);
    ck_assert_str_eq(line, "$.a: expected 1, got \"x\"");
    mr_jsondiff_line(line, sizeof(line), "$.a", one, NULL);
    ck_assert_str_eq(line, "$.a: missing, expected 1");
    mr_jsondiff_line(line, sizeof(line), "$.a", NULL, s);
    ck_assert_str_eq(line, "$.a: unexpected, got \"x\"");
    /* a small buffer is cut, never overrun */
    mr_jsondiff_line(line, 8, "$.a", one, s);
    ck_assert_str_eq(line, "$.a: ex");
    cJSON_Delete(one);
    cJSON_Delete(s);
}
END_TEST

START_TEST(test_shape_ignores_values)
{
    assert_diff("{\"id\": 1, \"name\": \"a\", \"ok\": true, \"at\": null}",
                "{\"at\": null, \"ok\": false, \"name\": \"zz\", \"id\": 99}", MR_JSONDIFF_SHAPE,
                "");
    assert_diff("\"x\"", "\"y\"", MR_JSONDIFF_SHAPE, "");
}
END_TEST

START_TEST(test_shape_members_and_types)
{
    assert_diff("{\"id\": 1, \"email\": \"a@b\", \"tags\": [\"x\"], \"owner\": {\"id\": 2}}",
                "{\"id\": \"1\", \"tags\": {}, \"owner\": {\"id\": 2, \"role\": \"admin\"}, "
                "\"nick\": null}",
                MR_JSONDIFF_SHAPE,
                "$.id: expected 1, got \"1\"\n"
                "$.email: missing, expected \"a@b\"\n"
                "$.tags: expected [\"x\"], got {}\n"
                "$.owner.role: unexpected, got \"admin\"\n"
                "$.nick: unexpected, got null\n");
    /* null is a type of its own */
    assert_diff("{\"at\": null}", "{\"at\": \"2026-01-01\"}", MR_JSONDIFF_SHAPE,
                "$.at: expected null, got \"2026-01-01\"\n");
}
END_TEST

START_TEST(test_shape_array_items)
{
    size_t n;
    char *got;

    /* any number of items, each with the shape of want's first */
    assert_diff("[{\"id\": 1, \"name\": \"a\"}]",
                "[{\"id\": 5, \"name\": \"e\"}, {\"id\": 6, \"name\": \"f\"}, "
                "{\"id\": 7, \"name\": \"g\"}]",
                MR_JSONDIFF_SHAPE, "");
    /* empty on either side: nothing to compare */
    assert_diff("{\"a\": []}", "{\"a\": [1, {}]}", MR_JSONDIFF_SHAPE, "");
    assert_diff("{\"a\": [1]}", "{\"a\": []}", MR_JSONDIFF_SHAPE, "");
    /* want's other items do not count */
    assert_diff("[1, \"two\"]", "[3, 4]", MR_JSONDIFF_SHAPE, "");
    /* a difference several items have is named once, at [*], with the first item's value */
    got = diff("{\"items\": [{\"id\": 1, \"price\": 10}]}",
               "{\"items\": [{\"id\": 1}, {\"id\": \"2\"}, {\"id\": 3}, {\"id\": \"4\"}, "
               "{\"id\": null, \"price\": 1, \"coupon\": \"x\"}]}",
               MR_JSONDIFF_SHAPE, &n);
    ck_assert_str_eq(got, "$.items[*].price: missing, expected 10\n"
                          "$.items[*].id: expected 1, got \"2\"\n"
                          "$.items[*].id: expected 1, got null\n"
                          "$.items[*].coupon: unexpected, got \"x\"\n");
    ck_assert_uint_eq(n, 4);
    free(got);
    /* nested arrays */
    assert_diff("[[{\"a\": 1}]]", "[[{\"a\": 1}], [{\"b\": 1}, {\"b\": 2}]]", MR_JSONDIFF_SHAPE,
                "$[*][*].a: missing, expected 1\n"
                "$[*][*].b: unexpected, got 1\n");
}
END_TEST

START_TEST(test_shape_many_items)
{
    struct mr_buf h;
    size_t i, n;
    char *got;

    /* thousands of items, each with a member of its own: every one named once */
    mr_buf_init(&h);
    mr_buf_putc(&h, '[');
    for (i = 0; i < 3000; i++)
        mr_buf_printf(&h, "%s{\"id\": 1, \"x%zu\": 0}", i ? "," : "", i % 1000);
    mr_buf_putc(&h, ']');
    got = diff("[{\"id\": 1}]", h.data, MR_JSONDIFF_SHAPE, &n);
    ck_assert_uint_eq(n, 1000);
    ck_assert_ptr_nonnull(strstr(got, "$[*].x999: unexpected, got 0\n"));
    free(got);
    mr_buf_release(&h);
}
END_TEST

START_TEST(test_type_names)
{
    static const char *const texts[] = {"{}", "[]", "\"s\"", "1", "true", "false", "null"};
    static const char *const names[] = {"an object", "an array",  "a string", "a number",
                                        "a boolean", "a boolean", "null"};
    size_t i;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        cJSON *v = cJSON_Parse(texts[i]);
        ck_assert_str_eq(mr_jsondiff_type(v), names[i]);
        cJSON_Delete(v);
    }
}
END_TEST

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 30);
    return tc;
}

static Suite *jsondiff_suite(void)
{
    Suite *s = suite_create("jsondiff");
    TCase *tc;

    tc = tcase("equal");
    tcase_add_test(tc, test_equal_values);
    tcase_add_test(tc, test_equal_members_both_ways);
    tcase_add_test(tc, test_arrays_item_by_item);
    suite_add_tcase(s, tc);

    tc = tcase("subset");
    tcase_add_test(tc, test_subset_allows_more_members);
    suite_add_tcase(s, tc);

    tc = tcase("shape");
    tcase_add_test(tc, test_shape_ignores_values);
    tcase_add_test(tc, test_shape_members_and_types);
    tcase_add_test(tc, test_shape_array_items);
    tcase_add_test(tc, test_shape_many_items);
    tcase_add_test(tc, test_type_names);
    suite_add_tcase(s, tc);

    tc = tcase("lines");
    tcase_add_test(tc, test_paths_quote_odd_names);
    tcase_add_test(tc, test_long_values_keep_their_ends);
    tcase_add_test(tc, test_deep_path_ends_in_ellipsis);
    tcase_add_test(tc, test_line_forms);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(jsondiff_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
