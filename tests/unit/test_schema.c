/*
 * test_schema.c - scenarios/schema.c: the key table is complete and
 * consistent, and the document printed from it is JSON Schema's shape:
 * every object in $defs, every member described, unknown keys refused,
 * numbers in full, the same text on every call. That ajv accepts it and
 * agrees with the loader is tests/docs/schema_validate.js's part.
 *
 * One case:   CK_RUN_CASE=document ./test_schema
 * Under gdb:  CK_FORK=no gdb ./test_schema
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "scenarios/schema.h"

static cJSON *document(char **text)
{
    struct mr_error err;
    cJSON *doc;

    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(mr_schema_document(text, &err), 0);
    doc = cJSON_Parse(*text);
    ck_assert_msg(doc != NULL, "not JSON near: %.60s", cJSON_GetErrorPtr());
    return doc;
}

/* The schema of object `obj`: the root for the top level, else its $defs entry. */
static const cJSON *object_of(const cJSON *doc, int obj, const char **name)
{
    static const char *const names[MR_SCHEMA_NOBJECTS] = {
        "scenario",   "service",    "defaults",     "route",       "routeExpect",   "request",
        "condition",  "body",       "placeholders", "response",    "responsesItem", "when",
        "callNumber", "delayRange", "fault",        "dribble",     "expectation",   "command",
        "unexpected", "snapshot",   "callback",     "callbackUse", "retry",         "drift"};
    *name = names[obj];
    if (obj == MR_SCHEMA_SCENARIO)
        return doc;
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "$defs"),
                                            names[obj]);
}

START_TEST(test_document_shape)
{
    char *text;
    cJSON *doc = document(&text);
    const cJSON *defs = cJSON_GetObjectItemCaseSensitive(doc, "$defs");
    int obj;

    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(doc, "$schema")->valuestring,
                     "https://json-schema.org/draft/2020-12/schema");
    ck_assert_int_eq(cJSON_GetArraySize(defs), MR_SCHEMA_NOBJECTS - 1);
    ck_assert_int_eq(text[strlen(text) - 1], '\n');
    for (obj = 0; obj < MR_SCHEMA_NOBJECTS; obj++) {
        const char *name;
        const cJSON *o = object_of(doc, obj, &name), *props, *p;
        const struct mr_schema_member *m;
        size_t n, i, listed = 0;

        ck_assert_msg(o != NULL, "no $defs entry %s", name);
        ck_assert_msg(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "additionalProperties")),
                      "%s takes unknown keys", name);
        ck_assert_msg(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "description")),
                      "%s has no description", name);
        props = cJSON_GetObjectItemCaseSensitive(o, "properties");
        m = mr_schema_members(obj, &n);
        ck_assert_uint_gt(n, 0);
        for (i = 0; i < n; i++) {
            ck_assert(mr_schema_has(obj, m[i].key));
            p = cJSON_GetObjectItemCaseSensitive(props, m[i].key);
            if (m[i].schema && strcmp(m[i].schema, "false") == 0) {
                /* the loader knows it only to say where it goes */
                ck_assert_msg(p == NULL, "%s.%s is proposed", name, m[i].key);
                continue;
            }
            listed++;
            ck_assert_msg(p != NULL, "%s.%s is missing", name, m[i].key);
            ck_assert_msg(
                cJSON_IsString(cJSON_GetObjectItemCaseSensitive(p, "description")) &&
                    strlen(cJSON_GetObjectItemCaseSensitive(p, "description")->valuestring) > 5,
                "%s.%s has no description", name, m[i].key);
        }
        /* and nothing else */
        ck_assert_int_eq(cJSON_GetArraySize(props), (int)listed);
    }
    ck_assert(!mr_schema_has(MR_SCHEMA_ROUTE, "reponse"));
    ck_assert(mr_schema_has(MR_SCHEMA_WHEN, "callNumber"));
    ck_assert(!mr_schema_has(MR_SCHEMA_REQUEST, "callNumber"));
    cJSON_Delete(doc);
    free(text);
}
END_TEST

START_TEST(test_document_details)
{
    char *text, *again;
    cJSON *doc = document(&text);
    struct mr_error err;

    /* the same text each time: docs/scenario.schema.json is compared with it */
    ck_assert_int_eq(mr_schema_document(&again, &err), 0);
    ck_assert_str_eq(text, again);
    free(again);
    /* integers in full (cJSON's own printer would round 2^53 - 1), two spaces a level */
    ck_assert_ptr_nonnull(strstr(text, "\"maximum\": 9007199254740991\n"));
    ck_assert_ptr_null(strchr(text, '\t'));
    ck_assert_ptr_nonnull(strstr(text, "\n  \"$defs\": {\n    \"service\": {\n"));
    /* shared members are described once, where they belong */
    ck_assert_ptr_nonnull(strstr(text, "\"enum\": [\"sequential\", \"cycle\", \"random\", "
                                       "\"rules\"]"));
    /* a condition is a string or an object */
    ck_assert_ptr_nonnull(strstr(text, "\"type\": [\"string\", \"object\"]"));
    /* an expectation's checks exclude each other: one branch per check */
    {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(doc, "$defs"), "expectation");
        ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(e, "anyOf")), 6);
    }
    cJSON_Delete(doc);
    free(text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("schema");
    TCase *tc = tcase_create("document");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_document_shape);
    tcase_add_test(tc, test_document_details);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
