/*
 * test_jsonschema.c - openapi/jsonschema.c: what the official suite does not
 * ask (tests/conformance/jsonschema runs that): OpenAPI 3.0's nullable,
 * readOnly and writeOnly, the locations and words of violations, $refs that
 * cannot be followed, cycles, hostile depth and work, formats, patterns as
 * ECMA-262 reads them, numbers, and annotations for unevaluated*.
 *
 * One case:   CK_RUN_CASE=openapi30 ./test_jsonschema
 * Under gdb:  CK_FORK=no gdb ./test_jsonschema
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "openapi/jsonschema.h"

/* A document, its schema set and the last result, freed together. */
struct t {
    cJSON *doc, *inst;
    struct mr_jsonschema *s;
    struct mr_jsonschema_result r;
};

static void load_opts(struct t *t, const char *doc, const struct mr_jsonschema_options *o)
{
    struct mr_error err;

    memset(t, 0, sizeof(*t));
    t->doc = cJSON_Parse(doc);
    ck_assert_msg(t->doc != NULL, "bad test document: %s", doc);
    ck_assert_int_eq(mr_jsonschema_new(&t->s, t->doc, o, &err), 0);
}

static void load(struct t *t, const char *doc, enum mr_jsonschema_dialect d)
{
    struct mr_jsonschema_options o;
    memset(&o, 0, sizeof(o));
    o.dialect = d;
    load_opts(t, doc, &o);
}

/* Validates the JSON text `inst` against the schema at `ref` ("#" is the root). */
static bool check_dir(struct t *t, const char *ref, const char *inst,
                      enum mr_jsonschema_direction dir)
{
    struct mr_jsonschema_check c;
    const cJSON *schema = mr_jsonschema_find(t->s, ref);
    struct mr_error err;

    ck_assert_msg(schema != NULL, "no schema at %s", ref);
    mr_jsonschema_result_release(&t->r);
    cJSON_Delete(t->inst);
    t->inst = cJSON_Parse(inst);
    ck_assert_msg(t->inst != NULL, "bad test instance: %s", inst);
    memset(&c, 0, sizeof(c));
    c.direction = dir;
    ck_assert_int_eq(mr_jsonschema_validate(&t->r, t->s, schema, t->inst, &c, &err), 0);
    ck_assert(t->r.valid == (t->r.count == 0 && t->r.dropped == 0));
    return t->r.valid;
}

static bool check(struct t *t, const char *ref, const char *inst)
{
    return check_dir(t, ref, inst, MR_JSONSCHEMA_ANY);
}

static void done(struct t *t)
{
    mr_jsonschema_result_release(&t->r);
    mr_jsonschema_free(t->s);
    cJSON_Delete(t->doc);
    cJSON_Delete(t->inst);
}

/* The i-th violation is exactly (instance, schema, message). */
static void violation(const struct t *t, size_t i, const char *instance, const char *schema,
                      const char *message)
{
    ck_assert_msg(i < t->r.count, "only %zu violations", t->r.count);
    ck_assert_str_eq(t->r.items[i].instance, instance);
    ck_assert_str_eq(t->r.items[i].schema, schema);
    ck_assert_str_eq(t->r.items[i].message, message);
}

static const char *const shop =
    "{\"openapi\": \"3.0.3\", \"components\": {\"schemas\": {"
    " \"Item\": {\"type\": \"object\", \"required\": [\"name\", \"price\"],"
    "   \"properties\": {\"name\": {\"type\": \"string\", \"minLength\": 1},"
    "     \"price\": {\"type\": \"number\", \"minimum\": 0},"
    "     \"colour\": {\"type\": \"string\", \"enum\": [\"red\", \"green\", \"blue\"]}},"
    "   \"additionalProperties\": false},"
    " \"Cart\": {\"type\": \"object\", \"properties\": {\"items\": {\"type\": \"array\","
    "   \"items\": {\"$ref\": \"#/components/schemas/Item\"}, \"maxItems\": 3}}}}}}";

START_TEST(test_locations)
{
    struct t t;

    load(&t, shop, MR_JSONSCHEMA_OPENAPI30);
    ck_assert(
        check(&t, "#/components/schemas/Cart", "{\"items\": [{\"name\": \"a\", \"price\": 1}]}"));
    ck_assert(!check(&t, "#/components/schemas/Cart",
                     "{\"items\": [{\"name\": \"\", \"price\": -1, \"color\": \"red\"},"
                     " {\"price\": \"3\"}]}"));
    ck_assert_uint_eq(t.r.count, 5);
    violation(&t, 0, "/items/0/name", "#/components/schemas/Item/properties/name/minLength",
              "is 0 characters long, the schema wants at least 1");
    violation(&t, 1, "/items/0/price", "#/components/schemas/Item/properties/price/minimum",
              "is -1, the schema wants at least 0");
    violation(&t, 2, "/items/0/color", "#/components/schemas/Item/additionalProperties",
              "is not allowed here (additionalProperties is false); did you mean \"colour\"?");
    violation(&t, 3, "/items/1", "#/components/schemas/Item/required",
              "has no member \"name\", which the schema requires");
    violation(&t, 4, "/items/1/price", "#/components/schemas/Item/properties/price/type",
              "is a string, the schema wants a number");
    done(&t);
}
END_TEST

START_TEST(test_messages)
{
    struct t t;

    load(&t,
         "{\"$defs\": {"
         " \"e\": {\"enum\": [\"a\", 1, null, {\"k\": [true]}, \"e\", \"f\", \"g\"]},"
         " \"c\": {\"const\": {\"a\": 1}},"
         " \"t\": {\"type\": [\"integer\", \"string\", \"null\"]},"
         " \"n\": {\"exclusiveMaximum\": 10, \"multipleOf\": 0.5},"
         " \"a\": {\"minItems\": 2, \"uniqueItems\": true, \"contains\": {\"type\": \"string\"}},"
         " \"o\": {\"maxProperties\": 1, \"dependentRequired\": {\"card\": [\"billing\"]}},"
         " \"p\": {\"pattern\": \"^[a-z]+$\"},"
         " \"x\": {\"not\": {\"type\": \"string\"}},"
         " \"one\": {\"oneOf\": [{\"type\": \"number\"}, {\"minimum\": 2}]},"
         " \"names\": {\"propertyNames\": {\"maxLength\": 3}},"
         " \"f\": false}}",
         MR_JSONSCHEMA_2020_12);
    ck_assert(!check(&t, "#/$defs/e", "\"z\""));
    violation(&t, 0, "", "#/$defs/e/enum",
              "is \"z\", the schema wants one of \"a\", 1, null, {\"k\":[true]}, \"e\" or 2 more");
    ck_assert(check(&t, "#/$defs/e", "{\"k\": [true]}"));
    ck_assert(!check(&t, "#/$defs/c", "{\"a\": 2}"));
    violation(&t, 0, "", "#/$defs/c/const", "is {\"a\":2}, the schema wants {\"a\":1}");
    ck_assert(check(&t, "#/$defs/c", "{\"a\": 1.0}"));
    ck_assert(!check(&t, "#/$defs/t", "1.5"));
    violation(&t, 0, "", "#/$defs/t/type",
              "is a number, the schema wants an integer, a string or null");
    ck_assert(check(&t, "#/$defs/t", "2.0")); /* 2.0 is an integer */
    ck_assert(!check(&t, "#/$defs/n", "10.25"));
    violation(&t, 0, "", "#/$defs/n/multipleOf", "is 10.25, the schema wants a multiple of 0.5");
    violation(&t, 1, "", "#/$defs/n/exclusiveMaximum", "is 10.25, the schema wants less than 10");
    ck_assert(!check(&t, "#/$defs/a", "[1]"));
    violation(&t, 0, "", "#/$defs/a/minItems", "has 1 item, the schema wants at least 2");
    violation(&t, 1, "", "#/$defs/a/contains", "has no item that matches \"contains\"");
    ck_assert(!check(&t, "#/$defs/a", "[\"x\", 2, \"x\"]"));
    violation(&t, 0, "", "#/$defs/a/uniqueItems",
              "has equal items at 0 and 2, the schema wants every item unique");
    ck_assert(!check(&t, "#/$defs/o", "{\"card\": 1, \"b\": 2}"));
    violation(&t, 0, "", "#/$defs/o/maxProperties", "has 2 members, the schema wants at most 1");
    violation(&t, 1, "", "#/$defs/o/dependentRequired/card",
              "has \"card\" but no \"billing\", which the schema requires with it");
    ck_assert(!check(&t, "#/$defs/p", "\"abc1\""));
    violation(&t, 0, "", "#/$defs/p/pattern",
              "is \"abc1\", which does not match the pattern \"^[a-z]+$\"");
    ck_assert(!check(&t, "#/$defs/x", "\"s\""));
    violation(&t, 0, "", "#/$defs/x/not", "matches the schema in \"not\", which it must not");
    ck_assert(!check(&t, "#/$defs/one", "3"));
    violation(&t, 0, "", "#/$defs/one/oneOf",
              "matches schemas 0 and 1 of oneOf, the schema wants exactly one");
    ck_assert(check(&t, "#/$defs/one", "1"));
    ck_assert(!check(&t, "#/$defs/names", "{\"abcd\": 1}"));
    violation(&t, 0, "/abcd", "#/$defs/names/propertyNames/maxLength",
              "its name is 4 characters long, the schema wants at most 3");
    ck_assert(!check(&t, "#/$defs/f", "{}"));
    violation(&t, 0, "", "#/$defs/f", "is not allowed here (the schema is false)");
    /* long and hostile values are cut and made printable */
    ck_assert(
        !check(&t, "#/$defs/p",
               "\"a\\u0001\\n\\u001b[31m"
               "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""));
    ck_assert_ptr_null(strchr(t.r.items[0].message, '\n'));
    ck_assert_ptr_null(strchr(t.r.items[0].message, '\x1b'));
    ck_assert_ptr_nonnull(strstr(t.r.items[0].message, "\xe2\x80\xa6, which does not match"));
    done(&t);
}
END_TEST

START_TEST(test_pointers_escaped)
{
    struct t t;

    load(&t,
         "{\"$defs\": {\"a/b~c d%\": {\"properties\": {\"x/y\": {\"properties\": {\"~\": "
         "{\"type\": \"string\"}}}}}}, \"$ref\": \"#/$defs/a~1b~0c%20d%25\"}",
         MR_JSONSCHEMA_2020_12);
    ck_assert(!check(&t, "#", "{\"x/y\": {\"~\": 1}}"));
    violation(&t, 0, "/x~1y/~0", "#/$defs/a~1b~0c%20d%25/properties/x~1y/properties/~0/type",
              "is an integer, the schema wants a string");
    /* the location is a $ref that finds the same schema again */
    {
        const cJSON *n = cJSON_GetObjectItem(cJSON_GetObjectItem(t.doc, "$defs"), "a/b~c d%");
        n = cJSON_GetObjectItem(cJSON_GetObjectItem(n, "properties"), "x/y");
        n = cJSON_GetObjectItem(cJSON_GetObjectItem(n, "properties"), "~");
        ck_assert_ptr_nonnull(n);
        ck_assert(mr_jsonschema_find(t.s, "#/$defs/a~1b~0c%20d%25/properties/x~1y/properties/~0") ==
                  n);
    }
    ck_assert_ptr_null(mr_jsonschema_find(t.s, "#/$defs/nothing"));
    done(&t);
}
END_TEST

static const char *const oas30 =
    "{\"components\": {\"schemas\": {"
    " \"Id\": {\"type\": \"integer\", \"readOnly\": true},"
    " \"User\": {\"type\": \"object\", \"required\": [\"id\", \"name\", \"password\"],"
    "   \"properties\": {\"id\": {\"$ref\": \"#/components/schemas/Id\"},"
    "     \"name\": {\"type\": \"string\", \"nullable\": true},"
    "     \"created\": {\"allOf\": [{\"type\": \"string\"}, {\"readOnly\": true}]},"
    "     \"password\": {\"type\": \"string\", \"writeOnly\": true},"
    "     \"role\": {\"type\": \"string\", \"nullable\": true, \"enum\": [\"admin\", \"user\"]},"
    "     \"note\": {\"nullable\": true, \"minLength\": 2},"
    "     \"boss\": {\"$ref\": \"#/components/schemas/Id\", \"nullable\": true}}}}}}";

START_TEST(test_openapi30_nullable)
{
    struct t t;

    load(&t, oas30, MR_JSONSCHEMA_OPENAPI30);
    ck_assert(check(&t, "#/components/schemas/User",
                    "{\"id\": 1, \"name\": null, \"password\": \"p\", \"note\": null}"));
    /* OpenAPI 3.0.3: nullable adds null to `type` only; enum still decides */
    ck_assert(!check(&t, "#/components/schemas/User",
                     "{\"id\": 1, \"name\": \"n\", \"password\": \"p\", \"role\": null}"));
    violation(&t, 0, "/role", "#/components/schemas/User/properties/role/enum",
              "is null, the schema wants one of \"admin\" or \"user\"");
    /* a $ref's siblings are ignored in 3.0, nullable too */
    ck_assert(!check(&t, "#/components/schemas/User",
                     "{\"id\": 1, \"name\": \"n\", \"password\": \"p\", \"boss\": null}"));
    violation(&t, 0, "/boss", "#/components/schemas/Id/type",
              "is null, the schema wants an integer");
    ck_assert(
        !check(&t, "#/components/schemas/User", "{\"id\": 1, \"name\": 5, \"password\": \"p\"}"));
    violation(&t, 0, "/name", "#/components/schemas/User/properties/name/type",
              "is an integer, the schema wants a string or null");
    done(&t);

    /* plain draft 4 has no nullable */
    load(&t, oas30, MR_JSONSCHEMA_DRAFT4);
    ck_assert(!check(&t, "#/components/schemas/User",
                     "{\"id\": 1, \"name\": null, \"password\": \"p\"}"));
    done(&t);
}
END_TEST

START_TEST(test_openapi30_read_write_only)
{
    struct t t;
    const char *user = "#/components/schemas/User";

    load(&t, oas30, MR_JSONSCHEMA_OPENAPI30);
    /* a request: no id (readOnly, so not required), a password */
    ck_assert(check_dir(&t, user, "{\"name\": \"n\", \"password\": \"p\"}", MR_JSONSCHEMA_REQUEST));
    ck_assert(!check_dir(&t, user,
                         "{\"name\": \"n\", \"password\": \"p\", \"id\": 3, "
                         "\"created\": \"x\"}",
                         MR_JSONSCHEMA_REQUEST));
    ck_assert_uint_eq(t.r.count, 2);
    violation(&t, 0, "/id", "#/components/schemas/Id/readOnly",
              "is read-only: a request must not send it");
    violation(&t, 1, "/created", "#/components/schemas/User/properties/created/allOf/1/readOnly",
              "is read-only: a request must not send it");
    /* a response: an id, no password (writeOnly, so not required) */
    ck_assert(check_dir(&t, user, "{\"id\": 1, \"name\": \"n\"}", MR_JSONSCHEMA_RESPONSE));
    ck_assert(!check_dir(&t, user, "{\"name\": \"n\"}", MR_JSONSCHEMA_RESPONSE));
    violation(&t, 0, "", "#/components/schemas/User/required",
              "has no member \"id\", which the schema requires");
    ck_assert(!check_dir(&t, user, "{\"id\": 1, \"name\": \"n\", \"password\": \"p\"}",
                         MR_JSONSCHEMA_RESPONSE));
    violation(&t, 0, "/password", "#/components/schemas/User/properties/password/writeOnly",
              "is write-only: a response must not include it");
    /* without a direction both are annotations and both are required */
    ck_assert(check(&t, user, "{\"id\": 1, \"name\": \"n\", \"password\": \"p\"}"));
    ck_assert(!check(&t, user, "{\"name\": \"n\", \"password\": \"p\"}"));
    done(&t);
}
END_TEST

START_TEST(test_any_of_closest)
{
    struct t t;

    load(
        &t,
        "{\"anyOf\": [{\"type\": \"string\"},"
        " {\"type\": \"object\", \"required\": [\"a\", \"b\", \"c\"]},"
        " {\"type\": \"object\", \"required\": [\"a\"], \"properties\": {\"a\": {\"const\": 1}}}]}",
        MR_JSONSCHEMA_2020_12);
    ck_assert(check(&t, "#", "\"s\""));
    ck_assert(check(&t, "#", "{\"a\": 1}"));
    ck_assert(!check(&t, "#", "{\"a\": 2}"));
    /* the string branch fails with one violation, but its type does not fit */
    ck_assert_uint_eq(t.r.count, 2);
    violation(&t, 0, "", "#/anyOf", "matches none of the 3 schemas in anyOf");
    violation(&t, 1, "/a", "#/anyOf/2/properties/a/const", "is 2, the schema wants 1");
    done(&t);
}
END_TEST

START_TEST(test_refs_not_followed)
{
    struct t t;
    struct mr_error_list *l = calloc(1, sizeof(*l));

    load(&t,
         "{\"properties\": {\"a\": {\"$ref\": \"other.yaml#/Pet\"},"
         " \"b\": {\"$ref\": \"#/definitions/nope\"}, \"c\": {\"$ref\": \"#nowhere\"},"
         " \"d\": {\"pattern\": \"(\"}, \"e\": {\"patternProperties\": {\"\\\\Z\": true}}}}",
         MR_JSONSCHEMA_2020_12);
    ck_assert_uint_eq(mr_jsonschema_problems(t.s, l), 5);
    ck_assert_uint_eq(l->count, 5);
    ck_assert_str_eq(l->items[0].path, "#/properties/a/$ref");
    ck_assert_str_eq(l->items[0].msg,
                     "$ref \"other.yaml#/Pet\" cannot be followed: \"other.yaml\" is a document "
                     "mockrun was not given: it follows references within the document only");
    ck_assert_str_eq(l->items[1].path, "#/properties/b/$ref");
    ck_assert_str_eq(l->items[1].msg, "$ref \"#/definitions/nope\" cannot be followed: the "
                                      "document has nothing at \"/definitions\"");
    ck_assert_str_eq(l->items[2].msg, "$ref \"#nowhere\" cannot be followed: no schema in the "
                                      "document has the anchor \"nowhere\"");
    ck_assert_str_eq(l->items[3].path, "#/properties/d/pattern");
    ck_assert_str_eq(l->items[3].msg, "the pattern \"(\" is not a regular expression: missing "
                                      "closing parenthesis");
    ck_assert_str_eq(l->items[4].path, "#/properties/e/patternProperties/%5CZ");
    ck_assert_str_eq(l->items[4].msg, "the pattern \"\\Z\" is not a regular expression: \\Z is "
                                      "not an escape ECMA-262 has");
    /* validation that reaches one fails, saying why */
    ck_assert(!check(&t, "#", "{\"a\": 1}"));
    violation(&t, 0, "/a", "#/properties/a/$ref",
              "cannot be checked: $ref \"other.yaml#/Pet\" cannot be followed: \"other.yaml\" is "
              "a document mockrun was not given: it follows references within the document only");
    ck_assert(!check(&t, "#", "{\"d\": \"x\"}"));
    ck_assert(check(&t, "#", "{\"z\": 1}"));
    done(&t);
    /* what a $ref holds is shown printable (fuzz_jsonschema found the raw bytes) */
    load(&t,
         "{\"properties\": {\"q\": {\"$ref\": \"\\u0002x.json\"}, \"r\": {\"$ref\": "
         "\"#\\u001b[31m\"}}}",
         MR_JSONSCHEMA_2020_12);
    ck_assert(!check(&t, "#", "{\"q\": 1, \"r\": 2}"));
    ck_assert_uint_eq(t.r.count, 2);
    violation(&t, 0, "/q", "#/properties/q/$ref",
              "cannot be checked: $ref \"\\x02x.json\" cannot be followed: \"\\x02x.json\" is a "
              "document mockrun was not given: it follows references within the document only");
    violation(&t, 1, "/r", "#/properties/r/$ref",
              "cannot be checked: $ref \"#\\x1b[31m\" cannot be followed: no schema in the "
              "document has the anchor \"\\x1b[31m\"");
    done(&t);
    free(l);
}
END_TEST

START_TEST(test_more_documents)
{
    struct t t;
    cJSON *common =
        cJSON_Parse("{\"$defs\": {\"Money\": {\"type\": \"integer\", \"minimum\": 0}}}");
    struct mr_jsonschema_doc docs[] = {{"file:///api/common.json", common}};
    struct mr_jsonschema_options o;

    memset(&o, 0, sizeof(o));
    o.base_uri = "file:///api/openapi.json";
    o.docs = docs;
    o.ndocs = 1;
    load_opts(&t,
              "{\"properties\": {\"price\": {\"$ref\": \"common.json#/$defs/Money\"}}, "
              "\"required\": [\"price\"]}",
              &o);
    ck_assert_uint_eq(mr_jsonschema_problems(t.s, NULL), 0);
    ck_assert(check(&t, "#", "{\"price\": 3}"));
    ck_assert(!check(&t, "#", "{\"price\": -3}"));
    violation(&t, 0, "/price", "file:///api/common.json#/$defs/Money/minimum",
              "is -3, the schema wants at least 0");
    ck_assert(!check(&t, "#", "{}")); /* the main document's locations are fragments */
    violation(&t, 0, "", "#/required", "has no member \"price\", which the schema requires");
    ck_assert(mr_jsonschema_find(t.s, "file:///api/openapi.json#/required") ==
              cJSON_GetObjectItem(t.doc, "required"));
    done(&t);
    cJSON_Delete(common);
}
END_TEST

START_TEST(test_cycles)
{
    struct t t;
    static const char *const loops[] = {
        "{\"$ref\": \"#\"}",
        "{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"allOf\": [{\"$ref\": "
        "\"#/$defs/a\"}]}}, \"$ref\": \"#/$defs/a\"}",
        "{\"anyOf\": [{\"not\": {\"$ref\": \"#\"}}]}",
    };

    for (size_t i = 0; i < sizeof(loops) / sizeof(loops[0]); i++) {
        load(&t, loops[i], MR_JSONSCHEMA_2020_12);
        ck_assert(!check(&t, "#", "1"));
        ck_assert_ptr_nonnull(strstr(t.r.items[t.r.count - 1].message,
                                     "comes back to a schema already applied to this value"));
        done(&t);
    }
    /* recursion that consumes the instance is fine */
    load(&t,
         "{\"type\": \"object\", \"properties\": {\"kids\": {\"type\": \"array\", \"items\": "
         "{\"$ref\": \"#\"}}}}",
         MR_JSONSCHEMA_DRAFT4);
    ck_assert(check(&t, "#", "{\"kids\": [{\"kids\": []}, {\"kids\": [{}]}]}"));
    ck_assert(!check(&t, "#", "{\"kids\": [{\"kids\": [1]}]}"));
    violation(&t, 0, "/kids/0/kids/0", "#/type", "is an integer, the schema wants an object");
    done(&t);
}
END_TEST

/* "[[[...1...]]]" nested n deep */
static char *nested(size_t n, const char *open, const char *mid, const char *close)
{
    struct mr_buf b;
    mr_buf_init(&b);
    for (size_t i = 0; i < n; i++)
        mr_buf_puts(&b, open);
    mr_buf_puts(&b, mid);
    for (size_t i = 0; i < n; i++)
        mr_buf_puts(&b, close);
    return mr_buf_detach(&b, NULL);
}

START_TEST(test_hostile)
{
    struct t t;
    struct mr_jsonschema_check c = {0};
    struct mr_error err;
    char *deep = nested(900, "[", "1", "]"), *schema;

    /* a recursive schema over deep data: stops at the depth limit */
    load(&t, "{\"items\": {\"$ref\": \"#\"}, \"type\": \"array\"}", MR_JSONSCHEMA_2020_12);
    ck_assert(!check(&t, "#", deep));
    ck_assert_ptr_nonnull(strstr(t.r.items[t.r.count - 1].message, "nest deeper than 256"));
    done(&t);
    free(deep);
    /* a deep schema (not inside not inside not ...) */
    schema = nested(900, "{\"not\": ", "{}", "}");
    load(&t, schema, MR_JSONSCHEMA_2020_12);
    ck_assert(!check(&t, "#", "1"));
    ck_assert_ptr_nonnull(strstr(t.r.items[t.r.count - 1].message, "nest deeper than 256"));
    done(&t);
    free(schema);
    /* anyOf nested so that the work doubles with each level of data */
    load(&t,
         "{\"anyOf\": [{\"items\": {\"$ref\": \"#\"}, \"minItems\": 5}, {\"items\": {\"$ref\": "
         "\"#\"}, \"minItems\": 6}]}",
         MR_JSONSCHEMA_2020_12);
    deep = nested(60, "[", "1", "]");
    cJSON_Delete(t.inst);
    t.inst = cJSON_Parse(deep);
    c.max_steps = 100000;
    ck_assert_int_eq(mr_jsonschema_validate(&t.r, t.s, t.doc, t.inst, &c, &err), 0);
    ck_assert(!t.r.valid);
    ck_assert_ptr_nonnull(strstr(t.r.items[t.r.count - 1].message, "gave up after 100000 steps"));
    done(&t);
    free(deep);
    /* a pattern that backtracks without end fails instead of hanging */
    load(&t, "{\"pattern\": \"^(a+)+$\"}", MR_JSONSCHEMA_2020_12);
    ck_assert(!check(&t, "#", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\""));
    done(&t);
}
END_TEST

START_TEST(test_max_errors)
{
    struct t t;
    struct mr_jsonschema_check c = {0};
    struct mr_error err;

    load(&t, "{\"items\": {\"type\": \"string\"}}", MR_JSONSCHEMA_2020_12);
    t.inst = cJSON_Parse("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]");
    ck_assert_int_eq(mr_jsonschema_validate(&t.r, t.s, t.doc, t.inst, NULL, &err), 0);
    ck_assert_uint_eq(t.r.count, MR_JSONSCHEMA_MAX_ERRORS);
    ck_assert_uint_eq(t.r.dropped, 25 - MR_JSONSCHEMA_MAX_ERRORS);
    mr_jsonschema_result_release(&t.r);
    c.max_errors = 2;
    ck_assert_int_eq(mr_jsonschema_validate(&t.r, t.s, t.doc, t.inst, &c, &err), 0);
    ck_assert_uint_eq(t.r.count, 2);
    ck_assert_uint_eq(t.r.dropped, 23);
    ck_assert_str_eq(t.r.items[1].instance, "/1");
    done(&t);
}
END_TEST

START_TEST(test_numbers_and_strings)
{
    struct t t;

    load(&t,
         "{\"$defs\": {\"cents\": {\"multipleOf\": 0.01}, \"big\": {\"multipleOf\": 3},"
         " \"tiny\": {\"multipleOf\": 0.0001}, \"len\": {\"minLength\": 2, \"maxLength\": 2},"
         " \"d4\": {\"maximum\": 5, \"exclusiveMaximum\": true}}}",
         MR_JSONSCHEMA_2020_12);
    ck_assert(check(&t, "#/$defs/cents", "19.99"));
    ck_assert(check(&t, "#/$defs/cents", "0.07"));
    ck_assert(!check(&t, "#/$defs/cents", "19.991"));
    ck_assert(check(&t, "#/$defs/big", "9007199254740990"));
    ck_assert(!check(&t, "#/$defs/big", "1e20")); /* not a multiple, though x/3 looks whole */
    ck_assert(!check(&t, "#/$defs/tiny", "1e308"));
    ck_assert(check(&t, "#/$defs/tiny", "0.0075"));
    /* lengths count code points: é and 😀 are one each; so is ill-formed UTF-8 */
    ck_assert(check(&t, "#/$defs/len", "\"\\u00e9\\ud83d\\ude00\""));
    ck_assert(!check(&t, "#/$defs/len", "\"\\u00e9\""));
    violation(&t, 0, "", "#/$defs/len/minLength",
              "is 1 character long, the schema wants at least 2");
    /* 2020-12 ignores draft 4's boolean exclusiveMaximum */
    ck_assert(check(&t, "#/$defs/d4", "5"));
    done(&t);
    load(&t, "{\"maximum\": 5, \"exclusiveMaximum\": true}", MR_JSONSCHEMA_DRAFT4);
    ck_assert(!check(&t, "#", "5"));
    violation(&t, 0, "", "#/maximum", "is 5, the schema wants less than 5");
    done(&t);
}
END_TEST

START_TEST(test_patterns)
{
    struct t t;

    load(&t,
         "{\"$defs\": {\"space\": {\"pattern\": \"^\\\\s$\"}, \"dot\": {\"pattern\": \"^.$\"},"
         " \"end\": {\"pattern\": \"^a$\"}, \"u\": {\"pattern\": \"^\\\\u00e9\\\\u{1F600}$\"},"
         " \"any\": {\"pattern\": \"^[^]$\"}, \"none\": {\"pattern\": \"[]\"},"
         " \"digit\": {\"pattern\": \"^\\\\d$\"}, \"v\": {\"pattern\": \"^\\\\v$\"},"
         " \"names\": {\"patternProperties\": {\"^x-\": {\"type\": \"string\"}},"
         "   \"additionalProperties\": false}}}",
         MR_JSONSCHEMA_2020_12);
    ck_assert(check(&t, "#/$defs/space", "\"\\u00a0\"")); /* JavaScript's \s has U+00A0 */
    ck_assert(check(&t, "#/$defs/space", "\"\\ufeff\""));
    ck_assert(!check(&t, "#/$defs/space", "\"x\""));
    ck_assert(check(&t, "#/$defs/dot", "\"\\u00e9\"")); /* one code point */
    ck_assert(!check(&t, "#/$defs/dot", "\"\\r\""));    /* . excludes line terminators */
    ck_assert(!check(&t, "#/$defs/dot", "\"\\u2028\""));
    ck_assert(!check(&t, "#/$defs/end", "\"a\\n\"")); /* $ is the very end */
    ck_assert(check(&t, "#/$defs/u", "\"\\u00e9\\ud83d\\ude00\""));
    ck_assert(check(&t, "#/$defs/any", "\"\\n\""));
    ck_assert(!check(&t, "#/$defs/none", "\"\""));
    ck_assert(!check(&t, "#/$defs/digit", "\"\\u0663\"")); /* \d is ASCII */
    ck_assert(check(&t, "#/$defs/v", "\"\\u000b\""));
    ck_assert(!check(&t, "#/$defs/v", "\"\\n\""));
    ck_assert(check(&t, "#/$defs/names", "{\"x-a\": \"1\"}"));
    ck_assert(!check(&t, "#/$defs/names", "{\"x-a\": 1, \"y\": 2}"));
    ck_assert_uint_eq(t.r.count, 2);
    violation(&t, 1, "/y", "#/$defs/names/additionalProperties",
              "is not allowed here (additionalProperties is false)");
    done(&t);
}
END_TEST

START_TEST(test_formats)
{
    static const struct {
        const char *format, *good, *bad;
    } cases[] = {
        {"date-time", "2024-02-29T23:59:60.5+01:00", "2023-02-29T10:00:00Z"},
        {"date-time", "1990-12-31t15:59:59z", "2024-01-01 10:00:00Z"},
        {"date", "2000-02-29", "1900-02-29"},
        {"time", "08:30:06Z", "24:00:00Z"},
        {"email", "joe.bloggs@example.com", "joe..bloggs@example.com"},
        {"uuid", "2EB8AA08-AA98-11EA-B4AA-73B441D16380", "2eb8aa08-aa98-11ea-b4aa-73b441d1638"},
        {"ipv4", "192.168.0.1", "192.168.00.1"},
        {"ipv6", "::ffff:192.168.0.1", "12345::"},
        {"uri", "http://example.com/a?b#c", "//example.com/a"},
        {"hostname", "api.example.com", "-api.example.com"},
        {"regex", "^[a-z]+$", "(a"},
    };
    struct mr_jsonschema_options o;
    char doc[200], inst[200];
    struct t t;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(doc, sizeof(doc), "{\"format\": \"%s\"}", cases[i].format);
        memset(&o, 0, sizeof(o));
        o.assert_formats = true;
        load_opts(&t, doc, &o);
        snprintf(inst, sizeof(inst), "\"%s\"", cases[i].good);
        ck_assert_msg(check(&t, "#", inst), "%s: %s", cases[i].format, cases[i].good);
        snprintf(inst, sizeof(inst), "\"%s\"", cases[i].bad);
        ck_assert_msg(!check(&t, "#", inst), "%s: %s", cases[i].format, cases[i].bad);
        ck_assert(check(&t, "#", "42")); /* formats apply to strings only */
        done(&t);
        /* by default a format is an annotation */
        load(&t, doc, MR_JSONSCHEMA_2020_12);
        ck_assert(check(&t, "#", inst));
        done(&t);
    }
    memset(&o, 0, sizeof(o));
    o.assert_formats = true;
    load_opts(&t, "{\"format\": \"date\"}", &o);
    ck_assert(!check(&t, "#", "\"2024-13-01\""));
    violation(&t, 0, "", "#/format", "is \"2024-13-01\", which is not a valid date");
    done(&t);
}
END_TEST

START_TEST(test_unevaluated)
{
    struct t t;

    load(&t,
         "{\"$defs\": {"
         " \"base\": {\"properties\": {\"id\": {\"type\": \"integer\"}}},"
         " \"closed\": {\"allOf\": [{\"$ref\": \"#/$defs/base\"}],"
         "   \"anyOf\": [{\"properties\": {\"a\": true}, \"required\": [\"a\"]},"
         "               {\"properties\": {\"b\": {\"type\": \"string\"}}, \"required\": [\"b\"]}],"
         "   \"unevaluatedProperties\": false},"
         " \"tuple\": {\"prefixItems\": [{\"type\": \"string\"}],"
         "   \"contains\": {\"type\": \"integer\"}, \"unevaluatedItems\": {\"type\": \"boolean\"}},"
         " \"nested\": {\"properties\": {\"x\": true}, \"allOf\": [{\"unevaluatedProperties\": "
         "false}]}}}",
         MR_JSONSCHEMA_2020_12);
    ck_assert(check(&t, "#/$defs/closed", "{\"id\": 1, \"a\": 1}"));
    ck_assert(check(&t, "#/$defs/closed", "{\"id\": 1, \"a\": 1, \"b\": \"s\"}"));
    ck_assert(!check(&t, "#/$defs/closed", "{\"id\": 1, \"a\": 1, \"c\": 2}"));
    violation(&t, 0, "/c", "#/$defs/closed/unevaluatedProperties",
              "is not allowed here (unevaluatedProperties is false)");
    /* a failing anyOf branch evaluates nothing: its b stays unevaluated */
    ck_assert(!check(&t, "#/$defs/closed", "{\"a\": 1, \"b\": 2}"));
    violation(&t, 0, "/b", "#/$defs/closed/unevaluatedProperties",
              "is not allowed here (unevaluatedProperties is false)");
    ck_assert(check(&t, "#/$defs/tuple", "[\"s\", 1, true, 2]"));
    ck_assert(!check(&t, "#/$defs/tuple", "[\"s\", 1, \"t\"]"));
    violation(&t, 0, "/2", "#/$defs/tuple/unevaluatedItems/type",
              "is a string, the schema wants a boolean");
    /* unevaluatedProperties sees only its own schema's siblings, not its parent's */
    ck_assert(!check(&t, "#/$defs/nested", "{\"x\": 1}"));
    ck_assert(check(&t, "#/$defs/nested", "{}"));
    /* failed subschemas that fail the whole do not make their members unevaluated too */
    ck_assert(!check(&t, "#/$defs/closed", "{\"id\": \"1\", \"a\": 1}"));
    ck_assert_uint_eq(t.r.count, 1);
    done(&t);
}
END_TEST

START_TEST(test_dynamic_ref)
{
    struct t t;

    /* a generic list whose item type the outer schema chooses */
    load(&t,
         "{\"$id\": \"https://example.com/strings\", \"$ref\": \"list\","
         " \"$defs\": {\"item\": {\"$dynamicAnchor\": \"item\", \"type\": \"string\"},"
         "  \"list\": {\"$id\": \"list\", \"type\": \"array\","
         "    \"items\": {\"$dynamicRef\": \"#item\"},"
         "    \"$defs\": {\"default\": {\"$dynamicAnchor\": \"item\"}}}}}",
         MR_JSONSCHEMA_2020_12);
    ck_assert_uint_eq(mr_jsonschema_problems(t.s, NULL), 0);
    ck_assert(check(&t, "#", "[\"a\", \"b\"]"));
    ck_assert(!check(&t, "#", "[\"a\", 2]"));
    violation(&t, 0, "/1", "#/$defs/item/type", "is an integer, the schema wants a string");
    /* the list alone takes anything */
    ck_assert(check(&t, "https://example.com/list", "[\"a\", 2]"));
    done(&t);
}
END_TEST

START_TEST(test_draft4_ids)
{
    struct t t;

    load(&t,
         "{\"id\": \"http://example.com/root.json\", \"properties\": {"
         " \"a\": {\"$ref\": \"#foo\"}, \"b\": {\"$ref\": \"item.json\"}},"
         " \"definitions\": {\"A\": {\"id\": \"#foo\", \"type\": \"integer\"},"
         "  \"B\": {\"id\": \"item.json\", \"type\": \"string\"}}}",
         MR_JSONSCHEMA_DRAFT4);
    ck_assert_uint_eq(mr_jsonschema_problems(t.s, NULL), 0);
    ck_assert(check(&t, "#", "{\"a\": 1, \"b\": \"x\"}"));
    ck_assert(!check(&t, "#", "{\"a\": \"1\", \"b\": 2}"));
    ck_assert_uint_eq(t.r.count, 2);
    done(&t);
    /* OpenAPI 3.0 has no id: the same refs cannot be followed */
    load(&t,
         "{\"properties\": {\"b\": {\"$ref\": \"item.json\"}},"
         " \"definitions\": {\"B\": {\"id\": \"item.json\", \"type\": \"string\"}}}",
         MR_JSONSCHEMA_OPENAPI30);
    ck_assert_uint_eq(mr_jsonschema_problems(t.s, NULL), 1);
    done(&t);
}
END_TEST

static Suite *jsonschema_suite(void)
{
    Suite *s = suite_create("jsonschema");
    TCase *tc = tcase_create("violations");
    tcase_add_test(tc, test_locations);
    tcase_add_test(tc, test_messages);
    tcase_add_test(tc, test_pointers_escaped);
    tcase_add_test(tc, test_any_of_closest);
    tcase_add_test(tc, test_max_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("openapi30");
    tcase_add_test(tc, test_openapi30_nullable);
    tcase_add_test(tc, test_openapi30_read_write_only);
    suite_add_tcase(s, tc);
    tc = tcase_create("refs");
    tcase_add_test(tc, test_refs_not_followed);
    tcase_add_test(tc, test_more_documents);
    tcase_add_test(tc, test_dynamic_ref);
    tcase_add_test(tc, test_draft4_ids);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_add_test(tc, test_cycles);
    tcase_add_test(tc, test_hostile);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("values");
    tcase_add_test(tc, test_numbers_and_strings);
    tcase_add_test(tc, test_patterns);
    tcase_add_test(tc, test_formats);
    tcase_add_test(tc, test_unevaluated);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(jsonschema_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
