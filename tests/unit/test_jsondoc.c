/*
 * test_jsondoc.c - common/jsondoc.c: parsing a document with the place of a
 * syntax error, finding a JSON path's key or value in raw text, offset →
 * line:column, and building paths.
 *
 * The malformed-text cases copy every prefix of a document into a buffer of
 * exactly that size, so an over-read shows up under AddressSanitizer.
 *
 * One case:   CK_RUN_CASE=locate ./test_jsondoc
 * Under gdb:  CK_FORK=no gdb ./test_jsondoc
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/jsondoc.h"

static const char doc[] = "{\n"
                          "  \"name\": \"x\",\n"
                          "  \"services\": {\n"
                          "    \"payments\": {\n"
                          "      \"routes\": [\n"
                          "        { \"id\": \"a\", \"s\": \"}]\\\"[{\" },\n"
                          "        { \"id\": \"b\", \"response\": { \"status\": \"20O\" } }\n"
                          "      ]\n"
                          "    },\n"
                          "    \"a.b\": { \"x\": [ 10 , 20 , [30, 31] ] }\n"
                          "  },\n"
                          "  \"empty\": {},\n"
                          "  \"list\": [],\n"
                          "  \"t\": true\n"
                          "}\n";

/* The offset of the n-th (0-based) occurrence of `needle` in doc. */
static size_t at(const char *needle, int nth)
{
    const char *p = doc;
    for (;;) {
        p = strstr(p, needle);
        ck_assert_ptr_nonnull(p);
        if (nth-- == 0)
            return (size_t)(p - doc);
        p++;
    }
}

static bool locate(const char *path, bool want_key, size_t *off)
{
    return mr_jsondoc_locate(doc, strlen(doc), path, want_key, off);
}

/* --- locate ------------------------------------------------------------- */

START_TEST(test_root)
{
    size_t off = 99;
    ck_assert(locate("", false, &off));
    ck_assert_uint_eq(off, 0);
    ck_assert(mr_jsondoc_locate("  \n [1]", 7, "", false, &off));
    ck_assert_uint_eq(off, 4);
}
END_TEST

START_TEST(test_top_level_key_and_value)
{
    size_t off;
    ck_assert(locate("name", false, &off));
    ck_assert_uint_eq(off, at("\"x\"", 0));
    ck_assert(locate("name", true, &off));
    ck_assert_uint_eq(off, at("\"name\"", 0));
    ck_assert(locate("t", false, &off));
    ck_assert_uint_eq(off, at("true", 0));
}
END_TEST

START_TEST(test_nested_with_index)
{
    size_t off;

    ck_assert(locate("services.payments.routes[1].response.status", false, &off));
    ck_assert_uint_eq(off, at("\"20O\"", 0));
    ck_assert(locate("services.payments.routes[1].response.status", true, &off));
    ck_assert_uint_eq(off, at("\"status\"", 0));
    ck_assert(locate("services.payments.routes[1].id", false, &off));
    ck_assert_uint_eq(off, at("\"b\"", 0));
    /* strings holding brackets and an escaped quote are skipped whole */
    ck_assert(locate("services.payments.routes[0].s", false, &off));
    ck_assert_uint_eq(off, at("\"}]", 0));
}
END_TEST

START_TEST(test_index_value)
{
    size_t off;

    ck_assert(locate("services.payments.routes[1]", false, &off));
    ck_assert_uint_eq(off, at("{ \"id\": \"b\"", 0));
    /* an index has no key: want_key gives the element itself */
    ck_assert(locate("services.payments.routes[1]", true, &off));
    ck_assert_uint_eq(off, at("{ \"id\": \"b\"", 0));
    ck_assert(locate("services.payments.routes", true, &off));
    ck_assert_uint_eq(off, at("\"routes\"", 0));
}
END_TEST

START_TEST(test_next_item)
{
    size_t off, n = 0;

    /* item by item through routes, over a string holding "}]\"[{" */
    ck_assert(locate("services.payments.routes[0]", false, &off));
    ck_assert(mr_jsondoc_next_item(doc, strlen(doc), &off));
    ck_assert_uint_eq(off, at("{ \"id\": \"b\"", 0));
    ck_assert(!mr_jsondoc_next_item(doc, strlen(doc), &off)); /* the last one */
    ck_assert_uint_eq(off, at("{ \"id\": \"b\"", 0));
    /* scalars and a nested array, each where locate finds it */
    ck_assert(locate("services[\"a.b\"].x[0]", false, &off));
    do {
        size_t want;
        char path[64];
        snprintf(path, sizeof(path), "services[\"a.b\"].x[%zu]", n++);
        ck_assert(locate(path, false, &want));
        ck_assert_uint_eq(off, want);
    } while (mr_jsondoc_next_item(doc, strlen(doc), &off));
    ck_assert_uint_eq(n, 3);
    /* not an item; past the end */
    off = strlen(doc) - 1;
    ck_assert(!mr_jsondoc_next_item(doc, strlen(doc), &off));
    off = strlen(doc) + 5;
    ck_assert(!mr_jsondoc_next_item(doc, strlen(doc), &off));
}
END_TEST

START_TEST(test_control_bytes_between_tokens)
{
    /* cJSON skips any byte up to the space between tokens; so does the locator */
    static const char t[] = "{\"a\":\001true\000\f,\v\"b\": [1,\0002]}";
    size_t off, len = sizeof(t) - 1;
    cJSON *root = cJSON_ParseWithLengthOpts(t, len, NULL, false);

    ck_assert_ptr_nonnull(root);
    cJSON_Delete(root);
    ck_assert(mr_jsondoc_locate(t, len, "b[1]", false, &off));
    ck_assert_uint_eq(off, len - 3);
    ck_assert(mr_jsondoc_locate(t, len, "b[0]", false, &off));
    ck_assert(mr_jsondoc_next_item(t, len, &off));
    ck_assert_uint_eq(off, len - 3);
}
END_TEST

START_TEST(test_quoted_key)
{
    size_t off;

    ck_assert(locate("services[\"a.b\"].x[1]", false, &off));
    ck_assert_uint_eq(off, at("20 ,", 0));
    ck_assert(locate("services[\"a.b\"].x[2][1]", false, &off));
    ck_assert_uint_eq(off, at("31", 0));
    ck_assert(locate("services[\"a.b\"]", true, &off));
    ck_assert_uint_eq(off, at("\"a.b\"", 0));
    /* written as dotted keys, "a.b" is two keys and is not found */
    ck_assert(!locate("services.a.b.x", false, &off));
}
END_TEST

START_TEST(test_not_found)
{
    size_t off = 12345;

    ck_assert(!locate("nope", false, &off));
    ck_assert(!locate("services.payments.routes[2]", false, &off));
    ck_assert(!locate("empty.x", false, &off));
    ck_assert(!locate("list[0]", false, &off));
    ck_assert(!locate("name.x", false, &off));      /* a string is not an object */
    ck_assert(!locate("name[0]", false, &off));     /* nor an array */
    ck_assert(!locate("services[0]", false, &off)); /* an object is not an array */
    ck_assert(!locate("t.x", false, &off));
    ck_assert_uint_eq(off, 12345); /* untouched on failure */
}
END_TEST

START_TEST(test_bad_paths)
{
    size_t off;

    ck_assert(!locate("services[", false, &off));
    ck_assert(!locate("services[x]", false, &off));
    ck_assert(!locate("services[1", false, &off));
    ck_assert(!locate("services[\"a.b", false, &off));
    ck_assert(!locate("services..payments", false, &off));
    ck_assert(!locate("list[99999999999999999999999999]", false, &off));
}
END_TEST

START_TEST(test_keys_compared_exactly)
{
    static const char t[] = "{\"Name\": 1, \"name2\": 2, \"name\": 3}";
    size_t off;

    ck_assert(mr_jsondoc_locate(t, strlen(t), "name", false, &off));
    ck_assert_uint_eq(off, (size_t)(strstr(t, "3") - t));
    ck_assert(mr_jsondoc_locate(t, strlen(t), "Name", false, &off));
    ck_assert_uint_eq(off, (size_t)(strstr(t, "1") - t));
}
END_TEST

START_TEST(test_nth_member_of_a_name)
{
    /* a repeated key: the nth member of that name (only the last key counts) */
    static const char t[] = "{\"a\": {\"k\": 1, \"x\": 0, \"k\": 2}, \"a\": {\"k\": 3}}";
    size_t off;

    ck_assert(mr_jsondoc_locate_nth(t, strlen(t), "a.k", false, 0, &off));
    ck_assert_uint_eq(off, (size_t)(strchr(t, '1') - t));
    ck_assert(mr_jsondoc_locate_nth(t, strlen(t), "a.k", false, 1, &off));
    ck_assert_uint_eq(off, (size_t)(strchr(t, '2') - t));
    ck_assert(mr_jsondoc_locate_nth(t, strlen(t), "a.k", true, 1, &off));
    ck_assert_uint_eq(off, (size_t)(strstr(t, "\"k\": 2") - t));
    ck_assert(!mr_jsondoc_locate_nth(t, strlen(t), "a.k", false, 2, &off));
    ck_assert(mr_jsondoc_locate_nth(t, strlen(t), "a", true, 1, &off));
    ck_assert_uint_eq(off, (size_t)(strstr(t, "\"a\": {\"k\": 3") - t));
}
END_TEST

START_TEST(test_not_nul_terminated)
{
    /* the length bounds the scan: the second member is past it */
    static const char t[] = "{\"a\": 1, \"b\": 2}";
    size_t off;

    ck_assert(mr_jsondoc_locate(t, 8, "a", false, &off));
    ck_assert_uint_eq(off, 6);
    ck_assert(!mr_jsondoc_locate(t, 8, "b", false, &off));
}
END_TEST

/* --- malformed ---------------------------------------------------------- */

START_TEST(test_every_prefix_is_safe)
{
    static const char *const paths[] = {
        "",
        "name",
        "services.payments.routes[1].response.status",
        "services.payments.routes[0].s",
        "services[\"a.b\"].x[2][1]",
        "t",
        "list[0]",
    };
    size_t len = strlen(doc), n, i;

    for (n = 0; n <= len; n++) {
        char *copy = malloc(n ? n : 1);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, doc, n);
        for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
            size_t off = (size_t)-1;
            if (mr_jsondoc_locate(copy, n, paths[i], false, &off))
                ck_assert_uint_le(off, n);
            if (mr_jsondoc_locate(copy, n, paths[i], true, &off))
                ck_assert_uint_le(off, n);
        }
        free(copy);
    }
}
END_TEST

START_TEST(test_garbage_is_false)
{
    static const char *const texts[] = {
        "",
        "   ",
        "{",
        "{\"a\"",
        "{\"a\" 1}",
        "{\"a\":",
        "[",
        "]",
        "}",
        "\"abc",
        "{\"x\": [1,",
        "{\"x\": 1 \"a\": 2}",
        "{\"x\": }}}, \"a\": 1}",
        "\x01\x02\xff",
        "{\"\\",
    };
    size_t i;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        size_t n = strlen(texts[i]), off = (size_t)-1;
        char *copy = malloc(n ? n : 1);
        memcpy(copy, texts[i], n);
        ck_assert_msg(!mr_jsondoc_locate(copy, n, "a.b", false, &off) || off <= n, "text %zu", i);
        ck_assert_msg(!mr_jsondoc_locate(copy, n, "x[1]", false, &off), "text %zu", i);
        free(copy);
    }
}
END_TEST

START_TEST(test_deep_nesting_no_recursion)
{
    /* 100k nested arrays to skip: a counter, not the C stack */
    size_t depth = 100000, n = 2 * depth + 20, i, k = 0;
    char *t = malloc(n);
    size_t off;

    k += (size_t)sprintf(t, "{\"a\": ");
    for (i = 0; i < depth; i++)
        t[k++] = '[';
    for (i = 0; i < depth; i++)
        t[k++] = ']';
    k += (size_t)sprintf(t + k, ", \"b\": 7}");
    ck_assert(mr_jsondoc_locate(t, k, "b", false, &off));
    ck_assert_int_eq(t[off], '7');
    /* unbalanced: not found, no crash */
    ck_assert(!mr_jsondoc_locate(t, depth + 6, "b", false, &off));
    free(t);
}
END_TEST

/* --- line and column ---------------------------------------------------- */

START_TEST(test_linecol)
{
    static const char t[] = "ab\ncd\n\n\xc3\xa9x";
    int line, col;

    mr_jsondoc_linecol(t, strlen(t), 0, &line, &col);
    ck_assert_int_eq(line, 1);
    ck_assert_int_eq(col, 1);
    mr_jsondoc_linecol(t, strlen(t), 1, &line, &col);
    ck_assert_int_eq(line, 1);
    ck_assert_int_eq(col, 2);
    mr_jsondoc_linecol(t, strlen(t), 2, &line, &col); /* the newline itself */
    ck_assert_int_eq(line, 1);
    ck_assert_int_eq(col, 3);
    mr_jsondoc_linecol(t, strlen(t), 3, &line, &col);
    ck_assert_int_eq(line, 2);
    ck_assert_int_eq(col, 1);
    mr_jsondoc_linecol(t, strlen(t), 6, &line, &col);
    ck_assert_int_eq(line, 3);
    ck_assert_int_eq(col, 1);
    /* columns count bytes: 'x' follows a 2-byte character */
    mr_jsondoc_linecol(t, strlen(t), 9, &line, &col);
    ck_assert_int_eq(line, 4);
    ck_assert_int_eq(col, 3);
    /* past the end is clamped to the end */
    mr_jsondoc_linecol(t, strlen(t), 1000, &line, &col);
    ck_assert_int_eq(line, 4);
    ck_assert_int_eq(col, 4);
}
END_TEST

START_TEST(test_locate_then_linecol)
{
    size_t off;
    int line, col;

    ck_assert(locate("services.payments.routes[1].response.status", false, &off));
    mr_jsondoc_linecol(doc, strlen(doc), off, &line, &col);
    ck_assert_int_eq(line, 7);
    ck_assert_int_eq(col, 46);
    ck_assert(locate("services.payments.routes[1].response.status", true, &off));
    mr_jsondoc_linecol(doc, strlen(doc), off, &line, &col);
    ck_assert_int_eq(line, 7);
    ck_assert_int_eq(col, 36);
}
END_TEST

/* --- building paths ----------------------------------------------------- */

START_TEST(test_push_key_and_index)
{
    char buf[128];
    size_t n = 0;

    buf[0] = '\0';
    mr_jsondoc_push_key(buf, sizeof(buf), &n, "services");
    ck_assert_str_eq(buf, "services");
    mr_jsondoc_push_key(buf, sizeof(buf), &n, "pay-ments_2$");
    ck_assert_str_eq(buf, "services.pay-ments_2$");
    mr_jsondoc_push_key(buf, sizeof(buf), &n, "routes");
    mr_jsondoc_push_index(buf, sizeof(buf), &n, 12);
    ck_assert_str_eq(buf, "services.pay-ments_2$.routes[12]");
    mr_jsondoc_push_key(buf, sizeof(buf), &n, "a.b");
    ck_assert_str_eq(buf, "services.pay-ments_2$.routes[12][\"a.b\"]");
    mr_jsondoc_push_key(buf, sizeof(buf), &n, "x");
    ck_assert_str_eq(buf, "services.pay-ments_2$.routes[12][\"a.b\"].x");
    ck_assert_uint_eq(n, strlen(buf));
}
END_TEST

START_TEST(test_push_quoting)
{
    char buf[64];
    size_t n = 0;

    buf[0] = '\0';
    mr_jsondoc_push_key(buf, sizeof(buf), &n, "");
    ck_assert_str_eq(buf, "[\"\"]");
    n = 0;
    mr_jsondoc_push_key(buf, sizeof(buf), &n, "has space");
    ck_assert_str_eq(buf, "[\"has space\"]");
    n = 0;
    mr_jsondoc_push_index(buf, sizeof(buf), &n, 0);
    ck_assert_str_eq(buf, "[0]");
    mr_jsondoc_push_key(buf, sizeof(buf), &n, "k");
    ck_assert_str_eq(buf, "[0].k");
}
END_TEST

START_TEST(test_push_round_trips_through_locate)
{
    char path[128];
    size_t n = 0, off;

    path[0] = '\0';
    mr_jsondoc_push_key(path, sizeof(path), &n, "services");
    mr_jsondoc_push_key(path, sizeof(path), &n, "a.b");
    mr_jsondoc_push_key(path, sizeof(path), &n, "x");
    mr_jsondoc_push_index(path, sizeof(path), &n, 2);
    mr_jsondoc_push_index(path, sizeof(path), &n, 0);
    ck_assert(locate(path, false, &off));
    ck_assert_uint_eq(off, at("30", 0));
}
END_TEST

START_TEST(test_push_truncates)
{
    char buf[8];
    size_t n = 0;

    memset(buf, 'X', sizeof(buf));
    buf[0] = '\0';
    mr_jsondoc_push_key(buf, sizeof(buf), &n, "services");
    ck_assert_str_eq(buf, "service");
    ck_assert_uint_eq(n, 7);
    mr_jsondoc_push_index(buf, sizeof(buf), &n, 123456);
    ck_assert_str_eq(buf, "service");
    mr_jsondoc_push_key(buf, sizeof(buf), &n, "more");
    mr_jsondoc_push_key(buf, sizeof(buf), &n, "a b");
    ck_assert_str_eq(buf, "service");
    ck_assert_uint_eq(n, 7);

    /* a full buffer (n == size) is left alone */
    n = sizeof(buf);
    mr_jsondoc_push_key(buf, sizeof(buf), &n, "x");
    ck_assert_uint_eq(n, sizeof(buf));

    /* a cut in the middle of an index */
    {
        char small[5];
        size_t m = 0;
        small[0] = '\0';
        mr_jsondoc_push_key(small, sizeof(small), &m, "ab");
        mr_jsondoc_push_index(small, sizeof(small), &m, 99);
        ck_assert_str_eq(small, "ab[9");
    }
}
END_TEST

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    return tc;
}

/* --- parse ---------------------------------------------------------------- */

/* Parses `text`; returns NULL after checking the error's place and message. */
static void parse_fails(const char *text, int line, int column, const char *msg)
{
    struct mr_error err;
    cJSON *root = mr_jsondoc_parse("f.json", text, strlen(text), &err);
    ck_assert_ptr_null(root);
    ck_assert_int_eq(err.code, MR_ESCENARIO);
    ck_assert_str_eq(err.file, "f.json");
    ck_assert_int_eq(err.line, line);
    ck_assert_int_eq(err.column, column);
    ck_assert_str_eq(err.msg, msg);
}

START_TEST(test_parse_document)
{
    struct mr_error err;
    const char *text = "\xEF\xBB\xBF {\"a\": [1, 2]}\n\t ";
    size_t len = strlen(text);
    cJSON *root;

    mr_jsondoc_skip_bom(&text, &len);
    ck_assert_uint_eq(len, strlen(" {\"a\": [1, 2]}\n\t "));
    root = mr_jsondoc_parse("f.json", text, len, &err);
    ck_assert_ptr_nonnull(root);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(root, "a")), 2);
    cJSON_Delete(root);
    /* no BOM: nothing skipped */
    text = "{}";
    len = 2;
    mr_jsondoc_skip_bom(&text, &len);
    ck_assert_uint_eq(len, 2);
}
END_TEST

START_TEST(test_parse_errors)
{
    parse_fails("{\"a\": 1} x", 1, 10, "invalid JSON near 'x'");
    parse_fails("{\"a\": 1}\n{}", 2, 1, "invalid JSON near '{'");
    parse_fails("{\"a\": [1,\n", 2, 1, "invalid JSON: unexpected end of file");
    parse_fails("", 1, 1, "invalid JSON: unexpected end of file");
    /* a member name without quotes is blamed on its first byte */
    parse_fails("{\n  id: 1}", 2, 3, "invalid JSON near 'i'");
    parse_fails("{\"a\": 1,}", 1, 9, "invalid JSON near '}'");
    parse_fails("[1]\x01", 1, 4, "invalid JSON near byte 0x01");
}
END_TEST

/* Collects the steps of a path as "a|0|*" (a wildcard as *). */
static bool collect_step(void *ctx, const char *s, size_t n)
{
    char *out = ctx;
    size_t len = strlen(out);
    snprintf(out + len, 200 - len, "%s%.*s", len ? "|" : "", s ? (int)n : 1, s ? s : "*");
    return true;
}

static const char *wild_steps(const char *path, char out[200])
{
    const char *bad;
    out[0] = '\0';
    bad = mr_jsondoc_split_path_wild(path, collect_step, out);
    return bad ? bad : out;
}

START_TEST(test_split_path_wildcards)
{
    char out[200];

    ck_assert_str_eq(wild_steps("$.items[*].id", out), "items|*|id");
    ck_assert_str_eq(wild_steps("$.*.id", out), "*|id");
    ck_assert_str_eq(wild_steps("$['a b'][2]", out), "a b|2");
    ck_assert_str_eq(wild_steps("items.*.id", out), "items|*|id");
    /* a member named "*" is still written ['*'] */
    ck_assert_str_eq(wild_steps("$['*']", out), "*");
    ck_assert_str_eq(wild_steps("$[x]", out),
                     "only [n], ['name'] and [*] are supported inside brackets");
    ck_assert_str_eq(wild_steps("$..a", out), "recursive descent (..) is not supported");
    /* without wildcards, as jsonPath has always read them */
    ck_assert_str_eq(mr_jsondoc_split_path("$.*", NULL, NULL), "wildcards are not supported");
    ck_assert_str_eq(mr_jsondoc_split_path("$.a[*]", NULL, NULL),
                     "only [n] and ['name'] are supported inside brackets");
    out[0] = '\0';
    ck_assert_ptr_null(mr_jsondoc_split_path("a.*", collect_step, out));
    ck_assert_str_eq(out, "a|*");
}
END_TEST

static Suite *jsondoc_suite(void)
{
    Suite *s = suite_create("jsondoc");
    TCase *tc;

    tc = tcase("parse");
    tcase_add_test(tc, test_parse_document);
    tcase_add_test(tc, test_parse_errors);
    suite_add_tcase(s, tc);

    tc = tcase("locate");
    tcase_add_test(tc, test_root);
    tcase_add_test(tc, test_top_level_key_and_value);
    tcase_add_test(tc, test_nested_with_index);
    tcase_add_test(tc, test_index_value);
    tcase_add_test(tc, test_next_item);
    tcase_add_test(tc, test_control_bytes_between_tokens);
    tcase_add_test(tc, test_quoted_key);
    tcase_add_test(tc, test_not_found);
    tcase_add_test(tc, test_bad_paths);
    tcase_add_test(tc, test_keys_compared_exactly);
    tcase_add_test(tc, test_nth_member_of_a_name);
    tcase_add_test(tc, test_not_nul_terminated);
    suite_add_tcase(s, tc);

    tc = tcase("malformed");
    tcase_add_test(tc, test_every_prefix_is_safe);
    tcase_add_test(tc, test_garbage_is_false);
    tcase_add_test(tc, test_deep_nesting_no_recursion);
    suite_add_tcase(s, tc);

    tc = tcase("linecol");
    tcase_add_test(tc, test_linecol);
    tcase_add_test(tc, test_locate_then_linecol);
    suite_add_tcase(s, tc);

    tc = tcase("push");
    tcase_add_test(tc, test_push_key_and_index);
    tcase_add_test(tc, test_push_quoting);
    tcase_add_test(tc, test_push_round_trips_through_locate);
    tcase_add_test(tc, test_push_truncates);
    suite_add_tcase(s, tc);

    tc = tcase("split");
    tcase_add_test(tc, test_split_path_wildcards);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(jsondoc_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
