/*
 * fuzz_jsonschema.c - openapi/jsonschema.c, the JSON Schema validator, fed a
 * schema document and an instance as an OpenAPI document and a recorded
 * body could hold them.
 *
 * The input is a byte of options, then the schema text, a NUL, and the
 * instance text (both parsed by cJSON; when either is not JSON, the input
 * is dropped). The options byte picks the dialect (bits 0-1: 2020-12,
 * OpenAPI 3.0, draft 4), asserted formats (bit 2) and the direction (bits
 * 3-4: any, request, response).
 *
 * Oracles besides ASan/UBSan/LSan: the set is made (only memory can fail
 * it); every problem is placed at a location that mr_jsonschema_find finds
 * again; a validation ends within its step budget, is valid exactly when it
 * reports no violation, reports no more than max_errors (+1 for the
 * violation that stops it), and repeats itself exactly; every violation
 * has an instance pointer that is "" or starts with '/', a message of one
 * printable line, and a schema location in the document that
 * mr_jsonschema_find finds (unless the document has duplicate keys: a
 * location then names the first member of that name).
 */
#include "tests/fuzz/fuzz.h"

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "common/error.h"
#include "openapi/jsonschema.h"

#define MAX_ERRORS 5

/* An object with two members of one name: a location then names the first. */
static bool has_duplicates(const cJSON *v)
{
    for (const cJSON *c = v->child; c; c = c->next) {
        if (cJSON_IsObject(v))
            for (const cJSON *d = c->next; d; d = d->next)
                if (!strcmp(c->string, d->string))
                    return true;
        if (has_duplicates(c))
            return true;
    }
    return false;
}

static bool unique_keys;

static void check_violation(const struct mr_jsonschema *s, const struct mr_jsonschema_violation *v)
{
    const unsigned char *m;

    FUZZ_CHECK(v->instance[0] == '\0' || v->instance[0] == '/');
    for (m = (const unsigned char *)v->message; *m; m++)
        FUZZ_CHECK(*m >= 0x20 && *m != 0x7f);
    FUZZ_CHECK(v->message[0] != '\0');
    FUZZ_CHECK(v->schema[0] == '#');
    FUZZ_CHECK(!unique_keys || mr_jsonschema_find(s, v->schema) != NULL);
}

static bool same(const struct mr_jsonschema_result *a, const struct mr_jsonschema_result *b)
{
    if (a->valid != b->valid || a->count != b->count || a->dropped != b->dropped)
        return false;
    for (size_t i = 0; i < a->count; i++)
        if (strcmp(a->items[i].instance, b->items[i].instance) ||
            strcmp(a->items[i].schema, b->items[i].schema) ||
            strcmp(a->items[i].message, b->items[i].message))
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul;
    char *schema_text, *inst_text;
    cJSON *doc = NULL, *inst = NULL;
    struct mr_jsonschema *s;
    struct mr_jsonschema_options o;
    struct mr_jsonschema_check c;
    struct mr_jsonschema_result r1, r2;
    struct mr_error_list *problems;
    struct mr_error err;
    size_t i, nproblems;

    if (size < 1)
        return 0;
    nul = memchr(data + 1, '\0', size - 1);
    if (!nul)
        return 0;
    schema_text = fuzz_copy(data + 1, (size_t)(nul - data - 1), 0);
    inst_text = fuzz_copy(nul + 1, size - (size_t)(nul - data) - 1, 0);
    doc = cJSON_ParseWithLength(schema_text, (size_t)(nul - data - 1));
    inst = cJSON_ParseWithLength(inst_text, size - (size_t)(nul - data) - 1);
    if (!doc || !inst)
        goto out;

    unique_keys = !has_duplicates(doc);
    memset(&o, 0, sizeof(o));
    o.dialect = (enum mr_jsonschema_dialect)(data[0] % 3);
    o.assert_formats = data[0] & 4;
    FUZZ_CHECK(mr_jsonschema_new(&s, doc, &o, &err) == 0);

    problems = calloc(1, sizeof(*problems));
    FUZZ_CHECK(problems != NULL);
    nproblems = mr_jsonschema_problems(s, problems);
    FUZZ_CHECK(problems->count + problems->dropped == nproblems);
    for (i = 0; i < problems->count; i++) {
        FUZZ_CHECK(problems->items[i].path[0] == '#');
        /* mr_error's path holds 255 bytes: longer locations are cut */
        if (unique_keys && strlen(problems->items[i].path) < sizeof(problems->items[i].path) - 1)
            FUZZ_CHECK(mr_jsonschema_find(s, problems->items[i].path) != NULL);
    }
    free(problems);

    memset(&c, 0, sizeof(c));
    c.direction = (enum mr_jsonschema_direction)((data[0] >> 3) % 3);
    c.max_errors = MAX_ERRORS;
    c.max_steps = 20000;
    FUZZ_CHECK(mr_jsonschema_validate(&r1, s, doc, inst, &c, &err) == 0);
    FUZZ_CHECK(r1.valid == (r1.count == 0 && r1.dropped == 0));
    FUZZ_CHECK(r1.count <= MAX_ERRORS + 1);
    for (i = 0; i < r1.count; i++)
        check_violation(s, &r1.items[i]);
    FUZZ_CHECK(mr_jsonschema_validate(&r2, s, doc, inst, &c, &err) == 0);
    FUZZ_CHECK(same(&r1, &r2));
    mr_jsonschema_result_release(&r1);
    mr_jsonschema_result_release(&r2);
    mr_jsonschema_free(s);
out:
    cJSON_Delete(doc);
    cJSON_Delete(inst);
    free(schema_text);
    free(inst_text);
    return 0;
}
