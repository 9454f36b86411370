/*
 * test_yaml.c - openapi/yaml.c: YAML and JSON documents into cJSON (scalars
 * typed by the core schema, anchors, aliases and merge keys, block
 * scalars), the errors with their line:column (syntax, duplicate keys, one
 * document, alias bombs, depth), where a node is in the text, and JSON
 * Pointers.
 *
 * Texts are copied into buffers of exactly their size (no NUL), so an
 * over-read shows up under AddressSanitizer.
 *
 * One case:   CK_RUN_CASE=scalars ./test_yaml
 * Under gdb:  CK_FORK=no gdb ./test_yaml
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "openapi/yaml.h"

/* Parses `text` from an exact-size copy; fails the test when it is refused. */
static struct mr_yaml_doc *parse(const char *text)
{
    size_t n = strlen(text);
    char *copy = malloc(n ? n : 1);
    struct mr_yaml_doc *d = NULL;
    struct mr_error err;
    char line[1400];

    memcpy(copy, text, n);
    memset(&err, 0, sizeof(err));
    if (mr_yaml_parse(&d, "t.yaml", copy, n, &err) != 0) {
        mr_error_format(&err, line, sizeof(line));
        ck_abort_msg("refused: %s", line);
    }
    free(copy);
    return d;
}

/* The error message "file:line:col: message" for a text that must be refused. */
static const char *refused(const char *text)
{
    static char line[1400];
    size_t n = strlen(text);
    char *copy = malloc(n ? n : 1);
    struct mr_yaml_doc *d = NULL;
    struct mr_error err;
    int rc;

    memcpy(copy, text, n);
    memset(&err, 0, sizeof(err));
    rc = mr_yaml_parse(&d, "t.yaml", copy, n, &err);
    free(copy);
    ck_assert_int_eq(rc, MR_ESCENARIO);
    ck_assert_ptr_null(d);
    mr_error_format(&err, line, sizeof(line));
    return line;
}

/* The document as compact JSON (caller frees). */
static char *json_of(const struct mr_yaml_doc *d)
{
    return cJSON_PrintUnformatted(mr_yaml_root(d));
}

static void expect_json(const char *yaml, const char *json)
{
    struct mr_yaml_doc *d = parse(yaml);
    char *got = json_of(d);
    ck_assert_msg(strcmp(got, json) == 0, "%s\ngave  %s\nwanted %s", yaml, got, json);
    free(got);
    mr_yaml_free(d);
}

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    return tc;
}

/* --- scalars -------------------------------------------------------------- */

START_TEST(test_core_schema)
{
    expect_json("a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: true\ng: False\nh: TRUE\n",
                "{\"a\":null,\"b\":null,\"c\":null,\"d\":null,\"e\":null,\"f\":true,\"g\":false,"
                "\"h\":true}");
    expect_json("a: 12\nb: -3\nc: +4\nd: 0x1F\ne: 0o17\nf: 1.5\ng: -.5\nh: 2e3\ni: 1.\n",
                "{\"a\":12,\"b\":-3,\"c\":4,\"d\":31,\"e\":15,\"f\":1.5,\"g\":-0.5,\"h\":2000,"
                "\"i\":1}");
    /* YAML 1.1's booleans, and what JSON has no number for, stay strings */
    expect_json("a: yes\nb: off\nc: .inf\nd: .nan\ne: 1e999\nf: 1_000\ng: 0b101\n",
                "{\"a\":\"yes\",\"b\":\"off\",\"c\":\".inf\",\"d\":\".nan\",\"e\":\"1e999\","
                "\"f\":\"1_000\",\"g\":\"0b101\"}");
}
END_TEST

START_TEST(test_quoted_and_tagged)
{
    expect_json("a: '12'\nb: \"true\"\nc: !!str 12\nd: !!int \"7\"\ne: !!float 3\n"
                "f: !!bool 'false'\ng: !!null ''\nh: ! 12\n",
                "{\"a\":\"12\",\"b\":\"true\",\"c\":\"12\",\"d\":7,\"e\":3,\"f\":false,"
                "\"g\":null,\"h\":\"12\"}");
    ck_assert_str_eq(refused("a: !!int abc\n"), "t.yaml:1:4: the value does not fit its tag !!int");
    ck_assert_str_eq(refused("a: !custom x\n"), "t.yaml:1:4: unsupported tag !custom");
    ck_assert_str_eq(refused("a: !!set {x}\n"), "t.yaml:1:4: unsupported tag !!set");
}
END_TEST

START_TEST(test_block_scalars)
{
    expect_json("lit: |\n  one\n  two\nfold: >\n  one\n  two\nstrip: |-\n  x\n",
                "{\"lit\":\"one\\ntwo\\n\",\"fold\":\"one two\\n\",\"strip\":\"x\"}");
    expect_json("s: \"tab\\there \\u00e9\"\n", "{\"s\":\"tab\\there é\"}");
    /* keys keep their text: a status code is the key "200" */
    expect_json("200: ok\n2XX: range\n1.0: x\n",
                "{\"200\":\"ok\",\"2XX\":\"range\",\"1.0\":\"x\"}");
}
END_TEST

START_TEST(test_flow_and_json)
{
    expect_json("a: [1, 'two', {b: null}]\n", "{\"a\":[1,\"two\",{\"b\":null}]}");
    /* a document starting with '{' is JSON, read by common/jsondoc */
    {
        struct mr_yaml_doc *d = parse("  {\"a\": [1, 2], \"b\": \"yes\"}");
        char *got = json_of(d);
        ck_assert(mr_yaml_is_json(d));
        ck_assert_str_eq(got, "{\"a\":[1,2],\"b\":\"yes\"}");
        free(got);
        mr_yaml_free(d);
    }
    ck_assert_str_eq(refused("{\"a\": [1,}"), "t.yaml:1:10: invalid JSON near '}'");
    ck_assert_str_eq(refused("{\n  \"a\": 1,\n  \"a\": 2\n}\n"), "t.yaml:3:3: duplicate key \"a\"");
    /* a key written with an escape is not found as written: the object is named */
    ck_assert_str_eq(refused("{\"x\": {\"a\\u0062\": 1, \"ab\": 2}}"),
                     "t.yaml:1:7: duplicate key \"ab\"");
}
END_TEST

START_TEST(test_empty_and_bom)
{
    struct mr_yaml_doc *d = parse("");
    ck_assert(cJSON_IsNull(mr_yaml_root(d)));
    mr_yaml_free(d);
    d = parse("# only a comment\n");
    ck_assert(cJSON_IsNull(mr_yaml_root(d)));
    mr_yaml_free(d);
    expect_json("\xEF\xBB\xBF"
                "a: 1\n",
                "{\"a\":1}");
    expect_json("---\na: 1\n...\n", "{\"a\":1}");
}
END_TEST

/* --- anchors -------------------------------------------------------------- */

START_TEST(test_anchors_and_aliases)
{
    expect_json("base: &b {x: 1, y: [a]}\ncopy: *b\nlist: [*b, *b]\n",
                "{\"base\":{\"x\":1,\"y\":[\"a\"]},\"copy\":{\"x\":1,\"y\":[\"a\"]},"
                "\"list\":[{\"x\":1,\"y\":[\"a\"]},{\"x\":1,\"y\":[\"a\"]}]}");
    /* a later anchor of the same name wins from there on */
    expect_json("a: &n 1\nb: *n\nc: &n 2\nd: *n\n", "{\"a\":1,\"b\":1,\"c\":2,\"d\":2}");
    ck_assert_str_eq(refused("a: *nope\n"),
                     "t.yaml:1:4: unknown anchor \"nope\": an alias must come after its anchor's "
                     "whole node");
    /* a node that holds an alias to itself is a cycle */
    ck_assert_str_eq(refused("a: &x [1, *x]\n"),
                     "t.yaml:1:11: unknown anchor \"x\": an alias must come after its anchor's "
                     "whole node");
}
END_TEST

START_TEST(test_merge_keys)
{
    expect_json("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n",
                "{\"base\":{\"x\":1,\"y\":2},\"m\":{\"y\":3,\"x\":1}}");
    /* several sources: the first wins, the mapping's own keys over all */
    expect_json("a: &a {k: a, only_a: 1}\nb: &b {k: b, only_b: 2}\nm: {<<: [*a, *b], own: 0}\n",
                "{\"a\":{\"k\":\"a\",\"only_a\":1},\"b\":{\"k\":\"b\",\"only_b\":2},"
                "\"m\":{\"own\":0,\"k\":\"a\",\"only_a\":1,\"only_b\":2}}");
    /* a merge source anchored in place can be aliased later */
    expect_json("m:\n  <<: &src {z: 9}\nn: *src\n", "{\"m\":{\"z\":9},\"n\":{\"z\":9}}");
    /* a quoted "<<" is an ordinary key */
    expect_json("'<<': 1\n", "{\"<<\":1}");
    ck_assert_str_eq(refused("m:\n  <<: 5\n"),
                     "t.yaml:2:3: a merge key (<<) takes a mapping or a list of mappings");
}
END_TEST

START_TEST(test_alias_bomb)
{
    /* "billion laughs": 10 levels of 10 aliases each */
    char text[4096];
    size_t n = 0;
    int i, k;
    const char *msg;

    n += (size_t)snprintf(text + n, sizeof(text) - n, "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (i = 1; i < 10; i++) {
        n += (size_t)snprintf(text + n, sizeof(text) - n, "l%d: &l%d [", i, i);
        for (k = 0; k < 10; k++)
            n += (size_t)snprintf(text + n, sizeof(text) - n, "%s*l%d", k ? ", " : "", i - 1);
        n += (size_t)snprintf(text + n, sizeof(text) - n, "]\n");
    }
    msg = refused(text);
    ck_assert_msg(strstr(msg, "aliases copy more than 1000000 nodes in all (an alias bomb?)"), "%s",
                  msg);
}
END_TEST

/* --- errors --------------------------------------------------------------- */

START_TEST(test_syntax_errors)
{
    ck_assert_str_eq(refused("a: [1, 2\nb: 3\n"),
                     "t.yaml:2:2: invalid YAML: did not find expected ',' or ']' (while "
                     "parsing a flow sequence)");
    ck_assert_str_eq(refused("a:\n  b: 1\n c: 2\n"),
                     "t.yaml:3:2: invalid YAML: did not find expected key (while parsing a "
                     "block mapping)");
    ck_assert_str_eq(refused("a: \xff\n"), "t.yaml:1:4: invalid YAML: invalid leading UTF-8 octet");
    ck_assert_str_eq(refused("a: \"x\\0y\"\n"),
                     "t.yaml:1:4: a string holds a NUL character (\\0), which mockrun cannot "
                     "keep");
}
END_TEST

START_TEST(test_duplicate_keys)
{
    ck_assert_str_eq(refused("a: 1\nb:\n  c: 2\n  d: 3\n  c: 4\n"),
                     "t.yaml:5:3: duplicate key \"c\"");
    /* columns count bytes: "é" is two */
    ck_assert_str_eq(refused("é: 1\nx: {é: 1, é: 2}\n"), "t.yaml:2:12: duplicate key \"é\"");
}
END_TEST

START_TEST(test_one_document)
{
    ck_assert_str_eq(refused("a: 1\n---\nb: 2\n"),
                     "t.yaml:2:1: a second YAML document: an OpenAPI file holds one document");
    ck_assert_str_eq(refused("[a, b]: 1\n"),
                     "t.yaml:1:1: a mapping key must be a scalar (a string, number, ...)");
}
END_TEST

START_TEST(test_depth)
{
    char text[2000];
    size_t i;
    const char *msg;

    for (i = 0; i < 300; i++)
        text[i] = '[';
    for (; i < 600; i++)
        text[i] = ']';
    text[i] = '\0';
    msg = refused(text);
    ck_assert_str_eq(msg, "t.yaml:1:258: nested more than 256 levels deep");
}
END_TEST

START_TEST(test_unreadable_file)
{
    struct mr_yaml_doc *d = NULL;
    struct mr_error err;

    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(mr_yaml_read_file(&d, "/nonexistent/spec.yaml", &err), MR_ESCENARIO);
    ck_assert_ptr_null(d);
    ck_assert_str_eq(err.file, "/nonexistent/spec.yaml");
    ck_assert_str_eq(err.msg, "cannot read: No such file or directory");
}
END_TEST

START_TEST(test_every_prefix_is_safe)
{
    static const char text[] = "openapi: 3.1.0\nx: &a {k: [1, \"two\", 'three']}\ny:\n"
                               "  <<: *a\n  z: |\n    block\n{\"j\": 1}\n";
    size_t n;

    for (n = 0; n <= sizeof(text) - 1; n++) {
        char *copy = malloc(n ? n : 1);
        struct mr_yaml_doc *d = NULL;
        struct mr_error err;
        int rc;

        memcpy(copy, text, n);
        memset(&err, 0, sizeof(err));
        rc = mr_yaml_parse(&d, "p.yaml", copy, n, &err);
        ck_assert(rc == 0 || rc == MR_ESCENARIO);
        ck_assert(rc != 0 || d != NULL);
        ck_assert(rc == 0 || (err.line > 0 && err.msg[0]));
        mr_yaml_free(d);
        free(copy);
    }
}
END_TEST

/* --- locating ------------------------------------------------------------- */

static void expect_at(const struct mr_yaml_doc *d, const char *pointer, bool key, int line,
                      int column)
{
    const cJSON *n = mr_yaml_pointer(mr_yaml_root(d), pointer);
    int l = 0, c = 0;

    ck_assert_msg(n != NULL, "no node at %s", pointer);
    ck_assert_msg(mr_yaml_locate(d, n, key, &l, &c), "%s not located", pointer);
    ck_assert_msg(l == line && c == column, "%s%s at %d:%d, wanted %d:%d", pointer,
                  key ? " (key)" : "", l, c, line, column);
}

START_TEST(test_locate_yaml)
{
    struct mr_yaml_doc *d = parse("openapi: 3.0.3\n"
                                  "paths:\n"
                                  "  /users/{id}:\n"
                                  "    get:\n"
                                  "      responses:\n"
                                  "        '200': {description: ok}\n"
                                  "defs:\n"
                                  "  s: &s\n"
                                  "    type: [a, b]\n"
                                  "  t: *s\n"
                                  "  m:\n"
                                  "    <<: *s\n");
    char path[256];

    expect_at(d, "/openapi", false, 1, 10);
    expect_at(d, "/openapi", true, 1, 1);
    expect_at(d, "/paths/~1users~1{id}/get", true, 4, 5);
    expect_at(d, "/paths/~1users~1{id}/get/responses/200/description", false, 6, 30);
    expect_at(d, "/paths/~1users~1{id}/get/responses/200", true, 6, 9);
    /* an alias's copy: its top at the alias, below it where the anchored nodes are */
    expect_at(d, "/defs/t", false, 10, 6);
    expect_at(d, "/defs/t", true, 10, 3);
    expect_at(d, "/defs/t/type/1", false, 9, 15);
    expect_at(d, "/defs/m/type", true, 9, 5);
    expect_at(d, "", false, 1, 1);
    ck_assert(mr_yaml_path_of(d, mr_yaml_pointer(mr_yaml_root(d), "/paths/~1users~1{id}/get"), path,
                              sizeof(path)));
    ck_assert_str_eq(path, "paths[\"/users/{id}\"].get");
    ck_assert(!mr_yaml_locate(d, NULL, false, NULL, NULL));
    mr_yaml_free(d);
}
END_TEST

START_TEST(test_locate_json)
{
    struct mr_yaml_doc *d = parse("{\n  \"a\": {\"b/c\": [10, 20]},\n  \"d\": true\n}\n");

    expect_at(d, "/a/b~1c/1", false, 2, 21);
    expect_at(d, "/a/b~1c", true, 2, 9);
    expect_at(d, "/d", false, 3, 8);
    mr_yaml_free(d);
}
END_TEST

START_TEST(test_pointer)
{
    struct mr_yaml_doc *d = parse("a: {'b~c': [x, {'': 1}], 'd/e': 2}\n");
    const cJSON *root = mr_yaml_root(d), *n;

    ck_assert_ptr_eq(mr_yaml_pointer(root, ""), root);
    n = mr_yaml_pointer(root, "/a/b~0c/1/");
    ck_assert(cJSON_IsNumber(n) && n->valuedouble == 1);
    ck_assert(cJSON_IsNumber(mr_yaml_pointer(root, "/a/d~1e")));
    ck_assert_ptr_null(mr_yaml_pointer(root, "/a/b~0c/01"));
    ck_assert_ptr_null(mr_yaml_pointer(root, "/a/b~0c/2"));
    ck_assert_ptr_null(mr_yaml_pointer(root, "/a/b~2c"));
    ck_assert_ptr_null(mr_yaml_pointer(root, "a"));
    ck_assert_ptr_null(mr_yaml_pointer(root, "/a/b~0c/-"));
    mr_yaml_free(d);
}
END_TEST

START_TEST(test_pointer_long_key)
{
    /* a key longer than any fixed buffer (the fuzzer found one) */
    char text[3000], pointer[3000];
    struct mr_yaml_doc *d;

    /* an explicit key ("? "): YAML's implicit keys stop at 1024 characters */
    memcpy(text, "? ", 2);
    memset(text + 2, 'k', 2500);
    memcpy(text + 2502, "\n: [x, y]\n", 11);
    pointer[0] = '/';
    memset(pointer + 1, 'k', 2500);
    memcpy(pointer + 2501, "/1", 3);
    d = parse(text);
    ck_assert_str_eq(mr_yaml_pointer(mr_yaml_root(d), pointer)->valuestring, "y");
    pointer[2500] = '\0';
    ck_assert_ptr_null(mr_yaml_pointer(mr_yaml_root(d), pointer));
    mr_yaml_free(d);
}
END_TEST

static Suite *yaml_suite(void)
{
    Suite *s = suite_create("yaml");
    TCase *tc = tcase("scalars");
    tcase_add_test(tc, test_core_schema);
    tcase_add_test(tc, test_quoted_and_tagged);
    tcase_add_test(tc, test_block_scalars);
    tcase_add_test(tc, test_flow_and_json);
    tcase_add_test(tc, test_empty_and_bom);
    suite_add_tcase(s, tc);

    tc = tcase("anchors");
    tcase_add_test(tc, test_anchors_and_aliases);
    tcase_add_test(tc, test_merge_keys);
    tcase_add_test(tc, test_alias_bomb);
    suite_add_tcase(s, tc);

    tc = tcase("errors");
    tcase_add_test(tc, test_syntax_errors);
    tcase_add_test(tc, test_duplicate_keys);
    tcase_add_test(tc, test_one_document);
    tcase_add_test(tc, test_depth);
    tcase_add_test(tc, test_unreadable_file);
    tcase_add_test(tc, test_every_prefix_is_safe);
    suite_add_tcase(s, tc);

    tc = tcase("locate");
    tcase_add_test(tc, test_locate_yaml);
    tcase_add_test(tc, test_locate_json);
    tcase_add_test(tc, test_pointer);
    tcase_add_test(tc, test_pointer_long_key);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(yaml_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
