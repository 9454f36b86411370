/*
 * test_openapi.c - openapi/spec.c (OpenAPI 3.0 and 3.1 documents into
 * operations: $refs, path-level parameters, lookups by request and by
 * route, response and content choice, errors at line:column) and
 * formats/openapi.c (`mockrun import openapi`: the scenario it writes is
 * read back by the scenario loader).
 *
 * The documents are tests/fixtures/openapi/petstore-3.0.yaml and
 * library-3.1.json, and small ones written here.
 *
 * One case:   CK_RUN_CASE=lookup ./test_openapi
 * Under gdb:  CK_FORK=no gdb ./test_openapi
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "formats/openapi.h"
#include "openapi/spec.h"
#include "openapi/yaml.h"
#include "scenarios/scenario.h"

#ifndef MOCKRUN_TEST_FIXTURES
#error "MOCKRUN_TEST_FIXTURES must name tests/fixtures"
#endif

#define PETSTORE MOCKRUN_TEST_FIXTURES "/openapi/petstore-3.0.yaml"
#define LIBRARY MOCKRUN_TEST_FIXTURES "/openapi/library-3.1.json"

static struct mr_openapi *load(const char *path)
{
    struct mr_openapi *s = NULL;
    struct mr_error err;
    char line[1400];

    memset(&err, 0, sizeof(err));
    if (mr_openapi_load(&s, path, &err) != 0) {
        mr_error_format(&err, line, sizeof(line));
        ck_abort_msg("refused: %s", line);
    }
    return s;
}

static struct mr_openapi *parse(const char *text)
{
    struct mr_openapi *s = NULL;
    struct mr_error err;
    char line[1400];

    memset(&err, 0, sizeof(err));
    if (mr_openapi_parse(&s, "t.yaml", text, strlen(text), &err) != 0) {
        mr_error_format(&err, line, sizeof(line));
        ck_abort_msg("refused: %s", line);
    }
    return s;
}

/* The message for a document that must be refused. */
static const char *refused(const char *text)
{
    static char line[1400];
    struct mr_openapi *s = NULL;
    struct mr_error err;

    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(mr_openapi_parse(&s, "t.yaml", text, strlen(text), &err), MR_ESCENARIO);
    ck_assert_ptr_null(s);
    mr_error_format(&err, line, sizeof(line));
    return line;
}

static const struct mr_openapi_op *by_id(const struct mr_openapi *s, const char *id)
{
    size_t i;
    for (i = 0; i < mr_openapi_count(s); i++) {
        const struct mr_openapi_op *op = mr_openapi_op(s, i);
        if (op->operation_id && strcmp(op->operation_id, id) == 0)
            return op;
    }
    ck_abort_msg("no operation %s", id);
    return NULL;
}

static const char *id_of(const struct mr_openapi_op *op)
{
    return op ? op->operation_id ? op->operation_id : op->path : "(none)";
}

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    return tc;
}

/* --- the document --------------------------------------------------------- */

START_TEST(test_petstore_30)
{
    struct mr_openapi *s = load(PETSTORE);
    const struct mr_openapi_op *op;

    ck_assert_str_eq(mr_openapi_version(s), "3.0.3");
    ck_assert(!mr_openapi_is_31(s));
    ck_assert_str_eq(mr_openapi_title(s), "Pet Store");
    ck_assert_str_eq(mr_openapi_base_path(s), "/api/v1"); /* {basePath}'s default */
    ck_assert_uint_eq(mr_openapi_count(s), 8);

    op = mr_openapi_op(s, 0);
    ck_assert_str_eq(op->method, "GET");
    ck_assert_str_eq(op->path, "/pets");
    ck_assert_str_eq(op->operation_id, "listPets");
    ck_assert_str_eq(op->summary, "List the pets");
    ck_assert_str_eq(op->self.pointer, "/paths/~1pets/get");
    ck_assert_uint_eq(op->nparams, 2);
    ck_assert_str_eq(op->params[0].name, "limit");
    ck_assert_int_eq(op->params[0].in, MR_OPENAPI_IN_QUERY);
    ck_assert(!op->params[0].required);
    ck_assert_str_eq(op->params[0].schema.pointer, "/paths/~1pets/get/parameters/0/schema");
    /* a $ref to components/parameters: the parameter there, with its pointer */
    ck_assert_str_eq(op->params[1].name, "X-Trace-Id");
    ck_assert_int_eq(op->params[1].in, MR_OPENAPI_IN_HEADER);
    ck_assert_str_eq(op->params[1].self.pointer, "/components/parameters/TraceId");
    ck_assert_str_eq(op->params[1].schema.pointer, "/components/parameters/TraceId/schema");
    ck_assert_ptr_null(op->body);
    ck_assert_uint_eq(op->nresponses, 2);
    ck_assert_str_eq(op->responses[0].status, "200");
    ck_assert_str_eq(op->responses[0].description, "A page of pets");
    ck_assert_uint_eq(op->responses[0].ncontent, 1);
    ck_assert_str_eq(op->responses[0].content[0].type, "application/json");
    ck_assert_str_eq(op->responses[0].content[0].schema.pointer,
                     "/paths/~1pets/get/responses/200/content/application~1json/schema");
    ck_assert_ptr_eq(
        op->responses[0].content[0].schema.node,
        mr_yaml_pointer(mr_openapi_root(s), op->responses[0].content[0].schema.pointer));
    /* default: a $ref to components/responses */
    ck_assert_str_eq(op->responses[1].status, "default");
    ck_assert_str_eq(op->responses[1].self.pointer, "/components/responses/Problem");
    ck_assert_str_eq(op->responses[1].content[0].type, "application/problem+json");

    op = by_id(s, "createPet");
    ck_assert_ptr_nonnull(op->body);
    ck_assert(op->body->required);
    ck_assert_str_eq(op->body->self.pointer, "/components/requestBodies/NewPet");
    ck_assert_str_eq(op->body->content[0].schema.pointer,
                     "/components/requestBodies/NewPet/content/application~1json/schema");
    ck_assert_ptr_nonnull(op->responses[0].content[0].examples.node);
    mr_openapi_free(s);
}
END_TEST

START_TEST(test_path_level_parameters)
{
    struct mr_openapi *s = load(PETSTORE);
    const struct mr_openapi_op *get = by_id(s, "getPet"), *del = by_id(s, "deletePet");
    const cJSON *format;

    /* the path item's parameter */
    ck_assert_uint_eq(get->nparams, 1);
    ck_assert_str_eq(get->params[0].name, "petId");
    ck_assert(get->params[0].required);
    ck_assert_str_eq(get->params[0].self.pointer, "/components/parameters/PetId");
    /* the operation's own, of the same name and `in`, wins */
    ck_assert_uint_eq(del->nparams, 1);
    ck_assert_str_eq(del->params[0].self.pointer, "/paths/~1pets~1{petId}/delete/parameters/0");
    format = cJSON_GetObjectItemCaseSensitive(del->params[0].schema.node, "format");
    ck_assert_str_eq(format->valuestring, "uuid");
    mr_openapi_free(s);
}
END_TEST

START_TEST(test_library_31)
{
    struct mr_openapi *s = load(LIBRARY);
    const struct mr_openapi_op *op = by_id(s, "returnBook");

    ck_assert(mr_openapi_is_31(s));
    ck_assert_str_eq(mr_openapi_base_path(s), "/library");
    ck_assert_uint_eq(mr_openapi_count(s), 4);
    ck_assert_str_eq(op->method, "PUT");
    ck_assert_str_eq(op->params[0].name, "loan-id");
    ck_assert_str_eq(op->responses[0].status, "default");
    op = by_id(s, "addBook");
    ck_assert(!op->body->required);
    ck_assert_str_eq(op->body->content[0].schema.pointer,
                     "/paths/~1books/post/requestBody/content/application~1json/schema");
    mr_openapi_free(s);
}
END_TEST

START_TEST(test_refs)
{
    struct mr_openapi *s = load(PETSTORE);
    const cJSON *pet = mr_openapi_resolve(s, "#/components/schemas/Pet"), *n;
    char *ptr = NULL;

    ck_assert(cJSON_IsObject(pet));
    ck_assert_ptr_eq(mr_openapi_resolve(s, "#/components/schemas/P%65t"), pet);
    ck_assert_ptr_eq(mr_openapi_resolve(s, "#/paths/~1pets~1%7BpetId%7D/get"),
                     by_id(s, "getPet")->self.node);
    ck_assert_ptr_null(mr_openapi_resolve(s, "#/components/schemas/None"));
    ck_assert_ptr_null(mr_openapi_resolve(s, "other.yaml#/components/schemas/Pet"));
    ck_assert_ptr_eq(mr_openapi_resolve(s, "#"), mr_openapi_root(s));
    /* a schema's $ref followed, with the pointer it ends at */
    n = by_id(s, "getPet")->responses[0].content[0].schema.node;
    ck_assert_ptr_eq(mr_openapi_deref(s, n, &ptr), pet);
    ck_assert_str_eq(ptr, "/components/schemas/Pet");
    free(ptr);
    ptr = NULL;
    ck_assert_ptr_eq(mr_openapi_deref(s, pet, &ptr), pet);
    ck_assert_ptr_null(ptr);
    mr_openapi_free(s);
}
END_TEST

/* --- lookups -------------------------------------------------------------- */

static void expect_find(const struct mr_openapi *s, const char *method, const char *path,
                        const char *want)
{
    const struct mr_openapi_op *op = mr_openapi_find(s, method, path);
    ck_assert_msg(want ? op && strcmp(id_of(op), want) == 0 : op == NULL, "%s %s: got %s, want %s",
                  method, path, id_of(op), want ? want : "(none)");
}

static void expect_route(const struct mr_openapi *s, const char *method, const char *path,
                         const char *want)
{
    const struct mr_openapi_op *op = mr_openapi_find_route(s, method, path);
    ck_assert_msg(want ? op && strcmp(id_of(op), want) == 0 : op == NULL,
                  "route %s %s: got %s, want %s", method, path, id_of(op), want ? want : "(none)");
}

START_TEST(test_find)
{
    struct mr_openapi *s = load(PETSTORE);

    expect_find(s, "GET", "/api/v1/pets", "listPets");
    expect_find(s, "get", "/api/v1/pets?limit=3", "listPets");
    expect_find(s, "POST", "/api/v1/pets", "createPet");
    expect_find(s, "GET", "/api/v1/pets/mine", "listMyPets");
    expect_find(s, "GET", "/api/v1/pets/7", "getPet");
    expect_find(s, "DELETE", "/api/v1/pets/7", "deletePet");
    expect_find(s, "GET", "/api/v1/pets/7/photo.png", "getPhoto");
    expect_find(s, "GET", "/api/v1/health", "/health");
    /* the base path may be left out */
    expect_find(s, "GET", "/pets/7", "getPet");
    /* a segment must be whole: no prefix of the base path, no empty template */
    expect_find(s, "GET", "/api/v1x/pets", NULL);
    expect_find(s, "GET", "/api/v1/pets/", NULL);
    expect_find(s, "GET", "/api/v1/pets/7/photo.", NULL);
    expect_find(s, "GET", "/api/v1/pets/7/extra", NULL);
    expect_find(s, "PATCH", "/api/v1/pets/7", NULL);
    expect_find(s, "GET", "/api/v2/pets", NULL);
    mr_openapi_free(s);
}
END_TEST

START_TEST(test_literal_wins)
{
    /* the templates come first in the document; literal segments still win */
    struct mr_openapi *s = parse("openapi: 3.0.0\n"
                                 "info: {title: T, version: '1'}\n"
                                 "paths:\n"
                                 "  /users/{id}: {get: {operationId: getUser}}\n"
                                 "  /users/me: {get: {operationId: me}}\n"
                                 "  /{a}/{b}/x: {get: {operationId: two}}\n"
                                 "  /users/{id}/x: {get: {operationId: userX}}\n"
                                 "  /files/{f}: {get: {operationId: file}}\n"
                                 "  /files/{name}.json: {get: {operationId: jsonFile}}\n"
                                 "  /files/{name}.{ext}: {get: {operationId: anyFile}}\n");

    ck_assert_str_eq(mr_openapi_base_path(s), "");
    expect_find(s, "GET", "/users/me", "me");
    expect_find(s, "GET", "/users/7", "getUser");
    expect_find(s, "GET", "/users/7/x", "userX");
    expect_find(s, "GET", "/groups/7/x", "two");
    /* more literal text in a segment wins among partial templates */
    expect_find(s, "GET", "/files/a.json", "jsonFile");
    expect_find(s, "GET", "/files/a.txt", "anyFile");
    expect_find(s, "GET", "/files/a", "file");
    ck_assert(mr_openapi_matches(s, by_id(s, "getUser"), "/users/me"));
    ck_assert(!mr_openapi_matches(s, by_id(s, "me"), "/users/7"));

    expect_route(s, "GET", "/users/:userId", "getUser");
    expect_route(s, "GET", "/users/me", "me");
    expect_route(s, "GET", "/users/:id/x", "userX");
    /* ":x" stands for any value: it matches only a whole template */
    expect_route(s, "GET", "/files/:name", "file");
    expect_route(s, "GET", "/users/*", NULL);
    expect_route(s, "GET", "/*", NULL);
    expect_route(s, "ANY", "/users/me", NULL);
    mr_openapi_free(s);
}
END_TEST

START_TEST(test_find_route)
{
    struct mr_openapi *s = load(PETSTORE);

    expect_route(s, "GET", "/api/v1/pets/:id", "getPet");
    expect_route(s, "DELETE", "/pets/:whatever", "deletePet");
    expect_route(s, "GET", "/api/v1/pets/mine", "listMyPets");
    expect_route(s, "GET", "/api/v1/pets/7", "getPet");
    expect_route(s, "GET", "/api/v1/pets/:id/photo.png", "getPhoto");
    expect_route(s, "GET", "/api/v1/pets/:id/:file", NULL);
    mr_openapi_free(s);
}
END_TEST

START_TEST(test_response_for)
{
    struct mr_openapi *s = load(PETSTORE), *lib = load(LIBRARY);
    const struct mr_openapi_op *get = by_id(s, "getPet"), *list = by_id(s, "listPets");

    ck_assert_str_eq(mr_openapi_response_for(get, 200)->status, "200");
    ck_assert_str_eq(mr_openapi_response_for(get, 404)->status, "404");
    ck_assert_ptr_null(mr_openapi_response_for(get, 500));
    ck_assert_str_eq(mr_openapi_response_for(list, 500)->status, "default");
    ck_assert_str_eq(mr_openapi_response_for(list, 200)->status, "200");
    ck_assert_str_eq(mr_openapi_response_for(by_id(s, "getPhoto"), 206)->status, "2XX");
    ck_assert_str_eq(mr_openapi_response_for(by_id(lib, "getBook"), 404)->status, "4XX");
    ck_assert_str_eq(mr_openapi_response_for(by_id(lib, "getBook"), 200)->status, "200");
    mr_openapi_free(s);
    mr_openapi_free(lib);
}
END_TEST

START_TEST(test_media_for)
{
    struct mr_openapi *s = parse("openapi: 3.1.0\n"
                                 "info: {title: T, version: '1'}\n"
                                 "paths:\n"
                                 "  /a:\n"
                                 "    get:\n"
                                 "      responses:\n"
                                 "        '200':\n"
                                 "          description: x\n"
                                 "          content:\n"
                                 "            'application/json; charset=utf-8': {}\n"
                                 "            'text/*': {}\n"
                                 "            '*/*': {}\n");
    const struct mr_openapi_response *r = &mr_openapi_op(s, 0)->responses[0];
    const struct mr_openapi_media *m;

    m = mr_openapi_media_for(r->content, r->ncontent, "application/json");
    ck_assert_str_eq(m->type, "application/json; charset=utf-8");
    m = mr_openapi_media_for(r->content, r->ncontent, " Application/JSON ; charset=UTF-8");
    ck_assert_str_eq(m->type, "application/json; charset=utf-8");
    m = mr_openapi_media_for(r->content, r->ncontent, "text/html; charset=utf-8");
    ck_assert_str_eq(m->type, "text/*");
    m = mr_openapi_media_for(r->content, r->ncontent, "image/png");
    ck_assert_str_eq(m->type, "*/*");
    m = mr_openapi_media_for(r->content, r->ncontent, NULL);
    ck_assert_str_eq(m->type, "*/*");
    ck_assert_ptr_null(mr_openapi_media_for(r->content, 2, "image/png"));
    mr_openapi_free(s);
}
END_TEST

/* --- errors --------------------------------------------------------------- */

START_TEST(test_errors)
{
    ck_assert_str_eq(refused("info: {title: x}\n"),
                     "t.yaml:1:1: not an OpenAPI document: no \"openapi\" version");
    ck_assert_str_eq(refused("swagger: '2.0'\n"),
                     "t.yaml:1:1: swagger: Swagger 2.0 is not supported: convert the document to "
                     "OpenAPI 3 first (e.g. with swagger2openapi)");
    ck_assert_str_eq(refused("openapi: 3.2.0\npaths: {}\n"),
                     "t.yaml:1:1: openapi: OpenAPI 3.2.0 is not supported: mockrun reads 3.0.x "
                     "and 3.1.x");
    ck_assert_str_eq(refused("openapi: 3.0.1\n"),
                     "t.yaml:1:1: an OpenAPI 3.0 document needs \"paths\"");
    ck_assert_str_eq(refused("- a\n"),
                     "t.yaml:1:1: not an OpenAPI document: expected a mapping with \"openapi\"");
    ck_assert_str_eq(refused("openapi: 3.0.1\npaths:\n  users: {}\n"),
                     "t.yaml:3:3: paths.users: a path must start with \"/\", got \"users\"");
    ck_assert_str_eq(refused("openapi: 3.1.0\npaths:\n  /a:\n    get:\n      parameters:\n"
                             "        - {name: x, in: body}\n"),
                     "t.yaml:6:21: paths[\"/a\"].get.parameters[0].in: a parameter's \"in\" is "
                     "\"path\", \"query\", \"header\" or \"cookie\"");
    ck_assert_str_eq(refused("openapi: 3.1.0\npaths:\n  /a:\n    get:\n      responses:\n"
                             "        '20': {description: x}\n"),
                     "t.yaml:6:9: paths[\"/a\"].get.responses.20: expected a status code "
                     "(\"200\"), a range (\"2XX\") or \"default\", got \"20\"");
    ck_assert_str_eq(refused("openapi: 3.1.0\npaths:\n  /a/{b:\n    get: {}\n"),
                     "t.yaml:3:3: paths[\"/a/{b\"]: a path template has a \"{\" that is not "
                     "closed");
    /* YAML's own errors keep their line:column */
    ck_assert_str_eq(refused("openapi: 3.1.0\npaths: {\n"),
                     "t.yaml:3:1: invalid YAML: did not find expected node content (while "
                     "parsing a flow node)");
}
END_TEST

START_TEST(test_ref_errors)
{
    ck_assert_str_eq(
        refused("openapi: 3.1.0\n"
                "paths:\n"
                "  /a:\n"
                "    get:\n"
                "      responses:\n"
                "        '200':\n"
                "          description: x\n"
                "          content:\n"
                "            application/json:\n"
                "              schema: {$ref: 'common.yaml#/components/schemas/Pet'}\n"),
        "t.yaml:10:24: paths[\"/a\"].get.responses.200.content[\"application/json\"].schema."
        "$ref: $ref \"common.yaml#/components/schemas/Pet\" leaves the document: mockrun reads "
        "one file, so external references are not supported (bring what it names into this "
        "file)");
    ck_assert_str_eq(refused("openapi: 3.1.0\n"
                             "paths:\n"
                             "  /a:\n"
                             "    get:\n"
                             "      parameters: [{$ref: '#/components/parameters/Nope'}]\n"),
                     "t.yaml:5:21: paths[\"/a\"].get.parameters[0].$ref: $ref "
                     "\"#/components/parameters/Nope\": no parameter there (or a cycle of $refs)");
    ck_assert_str_eq(refused("openapi: 3.1.0\n"
                             "paths:\n"
                             "  /a:\n"
                             "    get:\n"
                             "      parameters: [{$ref: '#/components/parameters/A'}]\n"
                             "components:\n"
                             "  parameters:\n"
                             "    A: {$ref: '#/components/parameters/B'}\n"
                             "    B: {$ref: '#/components/parameters/A'}\n"),
                     "t.yaml:5:21: paths[\"/a\"].get.parameters[0].$ref: $ref "
                     "\"#/components/parameters/A\": no parameter there (or a cycle of $refs)");
    /* example data may hold "$ref" members: they are values */
    mr_openapi_free(parse("openapi: 3.1.0\n"
                          "paths: {}\n"
                          "components:\n"
                          "  examples:\n"
                          "    E: {value: {$ref: 'http://example.com/x'}}\n"
                          "  schemas:\n"
                          "    S: {type: object, example: {$ref: 'a.yaml'}}\n"));
}
END_TEST

START_TEST(test_locate)
{
    struct mr_openapi *s = load(PETSTORE);
    const struct mr_openapi_op *op = by_id(s, "getOwner");
    struct mr_error err;
    int line = 0, col = 0;

    ck_assert(mr_openapi_locate(s, op->params[0].schema.node, false, &line, &col));
    ck_assert_int_eq(line, 108);
    ck_assert_int_eq(col, 19);
    ck_assert(mr_openapi_locate_pointer(s, "/components/schemas/Pet/allOf/1/properties/id", true,
                                        &line, &col));
    ck_assert_int_eq(line, 166);
    ck_assert_int_eq(col, 13);
    ck_assert(!mr_openapi_locate_pointer(s, "/components/schemas/Nope", false, &line, &col));
    memset(&err, 0, sizeof(err));
    mr_openapi_error_at(s, &err, op->self.node);
    ck_assert_str_eq(err.file, PETSTORE);
    ck_assert_str_eq(err.path, "paths[\"/owners/{ownerId}\"].get");
    ck_assert_int_eq(err.line, 102);
    ck_assert_int_eq(err.column, 5);
    mr_openapi_free(s);
}
END_TEST

/* --- import --------------------------------------------------------------- */

/* Converts and loads the result with the scenario loader; returns the scenario JSON. */
static cJSON *import_file(const char *path, struct mr_openapi_result *res)
{
    struct mr_error err;
    struct mr_error_list *errs = calloc(1, sizeof(*errs));
    struct mr_scenario *sc = NULL;
    char line[1400];
    cJSON *doc;

    memset(&err, 0, sizeof(err));
    if (mr_openapi_convert(path, res, &err) != 0) {
        mr_error_format(&err, line, sizeof(line));
        ck_abort_msg("not converted: %s", line);
    }
    if (mr_scenario_parse_one(&sc, "/tmp/imported.json", res->scenario, strlen(res->scenario),
                              errs) != 0) {
        mr_error_format(&errs->items[0], line, sizeof(line));
        ck_abort_msg("the loader refuses the import: %s\n%s", line, res->scenario);
    }
    mr_scenario_free(sc);
    free(errs);
    doc = cJSON_Parse(res->scenario);
    ck_assert_ptr_nonnull(doc);
    return doc;
}

static const cJSON *route_at(const cJSON *doc, const char *service, int i)
{
    const cJSON *svc = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "services"), service);
    ck_assert_msg(svc != NULL, "no service %s", service);
    return cJSON_GetArrayItem(cJSON_GetObjectItem(svc, "routes"), i);
}

static const char *at_str(const cJSON *v, const char *pointer)
{
    const cJSON *n = mr_yaml_pointer(v, pointer);
    ck_assert_msg(cJSON_IsString(n), "no string at %s", pointer);
    return n->valuestring;
}

static double at_num(const cJSON *v, const char *pointer)
{
    const cJSON *n = mr_yaml_pointer(v, pointer);
    ck_assert_msg(cJSON_IsNumber(n), "no number at %s", pointer);
    return n->valuedouble;
}

START_TEST(test_import_petstore)
{
    struct mr_openapi_result res;
    cJSON *doc = import_file(PETSTORE, &res);
    const cJSON *r;
    size_t i;
    bool photo_warned = false;

    ck_assert_str_eq(at_str(doc, "/name"), "Pet Store");
    ck_assert_int_eq(cJSON_GetArraySize(mr_yaml_pointer(doc, "/services/pet-store/routes")), 8);
    r = route_at(doc, "pet-store", 0);
    ck_assert_str_eq(at_str(r, "/id"), "listPets");
    ck_assert_str_eq(at_str(r, "/request/path"), "/api/v1/pets");
    ck_assert_int_eq((int)at_num(r, "/response/status"), 200);
    /* minItems 1: two items; allOf merged, oneOf's first choice, formats as Faker */
    ck_assert_int_eq(cJSON_GetArraySize(mr_yaml_pointer(r, "/response/json")), 2);
    ck_assert_str_eq(at_str(r, "/response/json/0/email"), "{{faker 'internet.email'}}");
    ck_assert_str_eq(at_str(r, "/response/json/0/kind"), "{{oneOf (array 'dog' 'cat' 'bird')}}");
    ck_assert_str_eq(at_str(r, "/response/json/0/owner/firstName"), "{{faker 'person.firstName'}}");
    ck_assert(at_num(r, "/response/json/0/id") >= 1);
    ck_assert(at_num(r, "/response/json/0/weight") > 0 &&
              at_num(r, "/response/json/0/weight") <= 90);
    ck_assert_ptr_null(mr_yaml_pointer(r, "/response/json/0/secret")); /* writeOnly */
    ck_assert_str_eq(at_str(r, "/response/headers/X-Total-Count"), "1");
    /* an example from components/examples, served as it is */
    r = route_at(doc, "pet-store", 1);
    ck_assert_str_eq(at_str(r, "/id"), "createPet");
    ck_assert_int_eq((int)at_num(r, "/response/status"), 201);
    ck_assert_str_eq(at_str(r, "/response/json/name"), "Rex");
    ck_assert(cJSON_IsNull(mr_yaml_pointer(r, "/response/json/tag")));
    r = route_at(doc, "pet-store", 3);
    ck_assert_str_eq(at_str(r, "/request/path"), "/api/v1/pets/:petId");
    r = route_at(doc, "pet-store", 4);
    ck_assert_str_eq(at_str(r, "/id"), "deletePet");
    ck_assert_int_eq((int)at_num(r, "/response/status"), 204);
    ck_assert_ptr_null(mr_yaml_pointer(r, "/response/json"));
    r = route_at(doc, "pet-store", 5);
    ck_assert_str_eq(at_str(r, "/request/pathPattern"),
                     "^/api/v1/pets/(?<petId>[^/]+)/photo\\.(?<format>[^/]+)$");
    r = route_at(doc, "pet-store", 7);
    ck_assert_str_eq(at_str(r, "/id"), "GET /health");
    ck_assert_str_eq(at_str(r, "/response/body"), "ok");
    ck_assert_str_eq(at_str(r, "/response/headers/Content-Type"), "text/plain");
    for (i = 0; i < res.nwarnings; i++)
        photo_warned |= strstr(res.warnings[i], "99:13: paths[\"/pets/{petId}/photo.{format}\"]."
                                                "get.responses.2XX.content[\"image/png\"]: a body "
                                                "of type image/png cannot be generated") != NULL;
    ck_assert_msg(photo_warned && res.nwarnings == 1, "warnings: %zu, first: %s", res.nwarnings,
                  res.nwarnings ? res.warnings[0] : "");
    cJSON_Delete(doc);
    mr_openapi_result_free(&res);
}
END_TEST

START_TEST(test_import_library)
{
    struct mr_openapi_result res;
    cJSON *doc = import_file(LIBRARY, &res);
    const cJSON *r = route_at(doc, "library", 0);

    ck_assert_str_eq(at_str(r, "/response/headers/Content-Type"),
                     "application/json; charset=utf-8");
    /* 3.1: examples[0]; a recursive schema stops where it comes again */
    ck_assert_str_eq(at_str(r, "/response/json/0/isbn"), "978-0-13-110362-7");
    ck_assert_int_eq(cJSON_GetArraySize(mr_yaml_pointer(r, "/response/json/0/related")), 0);
    ck_assert_ptr_nonnull(mr_yaml_pointer(r, "/response/json/0/format/pages"));
    r = route_at(doc, "library", 3);
    ck_assert_str_eq(at_str(r, "/request/path"), "/library/loans/:loan_id");
    ck_assert_int_eq((int)at_num(r, "/response/status"), 200); /* default */
    ck_assert_str_eq(at_str(r, "/response/json/state"), "returned");
    ck_assert(at_num(r, "/response/json/fine") > 0);
    ck_assert_str_eq(at_str(r, "/response/json/note"), "{{faker 'string.alphanumeric' 4}}");
    cJSON_Delete(doc);
    mr_openapi_result_free(&res);
}
END_TEST

/* Converts text (no file), loads it, returns the scenario. */
static cJSON *import_text(const char *text, struct mr_openapi_result *res)
{
    struct mr_error err;
    struct mr_error_list *errs = calloc(1, sizeof(*errs));
    struct mr_scenario *sc = NULL;
    char line[1400];
    cJSON *doc;

    memset(&err, 0, sizeof(err));
    if (mr_openapi_convert_text("specs/my-api.v2.yaml", text, strlen(text), res, &err) != 0) {
        mr_error_format(&err, line, sizeof(line));
        ck_abort_msg("not converted: %s", line);
    }
    if (mr_scenario_parse_one(&sc, "/tmp/imported.json", res->scenario, strlen(res->scenario),
                              errs) != 0) {
        mr_error_format(&errs->items[0], line, sizeof(line));
        ck_abort_msg("the loader refuses the import: %s\n%s", line, res->scenario);
    }
    mr_scenario_free(sc);
    free(errs);
    doc = cJSON_Parse(res->scenario);
    ck_assert_ptr_nonnull(doc);
    return doc;
}

START_TEST(test_import_order_and_names)
{
    struct mr_openapi_result res;
    cJSON *doc =
        import_text("openapi: 3.0.0\n"
                    "info: {version: '1'}\n"
                    "paths:\n"
                    "  /users/{id}:\n"
                    "    get: {operationId: getUser, responses: {'200': {description: x}}}\n"
                    "  /users/me:\n"
                    "    get: {operationId: getUser, responses: {'200': {description: x}}}\n"
                    "    post: {responses: {'404': {description: x}}}\n",
                    &res);

    /* no title: the file's name; the literal path goes before the template */
    ck_assert_str_eq(at_str(route_at(doc, "my-api-v2", 0), "/request/path"), "/users/me");
    ck_assert_str_eq(at_str(route_at(doc, "my-api-v2", 0), "/id"), "getUser #2");
    ck_assert_str_eq(at_str(route_at(doc, "my-api-v2", 1), "/request/path"), "/users/:id");
    ck_assert_str_eq(at_str(route_at(doc, "my-api-v2", 1), "/id"), "getUser");
    ck_assert_str_eq(at_str(route_at(doc, "my-api-v2", 2), "/id"), "POST /users/me");
    ck_assert_uint_eq(res.nwarnings, 1);
    ck_assert_str_eq(res.warnings[0], "8:5: paths[\"/users/me\"].post: no success (2xx) or "
                                      "default response: answered 200 with no body");
    cJSON_Delete(doc);
    mr_openapi_result_free(&res);
}
END_TEST

START_TEST(test_import_literals_stay_literal)
{
    struct mr_openapi_result res;
    cJSON *doc = import_text(
        "openapi: 3.1.0\n"
        "info: {title: 'Braces & Co', version: '1'}\n"
        "paths:\n"
        "  /ex:\n"
        "    get:\n"
        "      responses:\n"
        "        '200':\n"
        "          description: x\n"
        "          content: {application/json: {example: {t: '{{not a template}}'}}}\n"
        "  /gen:\n"
        "    get:\n"
        "      responses:\n"
        "        '200':\n"
        "          description: x\n"
        "          content:\n"
        "            application/json:\n"
        "              schema:\n"
        "                type: object\n"
        "                properties:\n"
        "                  c: {const: '{{x}}'}\n"
        "                  e: {type: string, enum: [\"it's\", b]}\n"
        "                  p: {type: string, pattern: '^[A-Z]+$'}\n"
        "                  n: {type: integer, minimum: 10, maximum: 20, multipleOf: 4}\n"
        "                  m: {type: number, exclusiveMaximum: 0}\n",
        &res);
    const cJSON *r = route_at(doc, "braces-co", 0);

    ck_assert(cJSON_IsFalse(mr_yaml_pointer(r, "/response/template")));
    ck_assert_str_eq(at_str(r, "/response/json/t"), "{{not a template}}");
    r = route_at(doc, "braces-co", 1);
    ck_assert_str_eq(at_str(r, "/response/json/c"), "\\{{x}}");
    ck_assert_str_eq(at_str(r, "/response/json/e"), "it's"); /* no template can hold it */
    ck_assert_int_eq((int)at_num(r, "/response/json/n"), 16);
    ck_assert(at_num(r, "/response/json/m") < 0);
    ck_assert_uint_eq(res.nwarnings, 1);
    ck_assert_msg(strstr(res.warnings[0], "22:37: ") == res.warnings[0] &&
                      strstr(res.warnings[0], "pattern cannot be generated"),
                  "%s", res.warnings[0]);
    cJSON_Delete(doc);
    mr_openapi_result_free(&res);
}
END_TEST

START_TEST(test_import_colon_and_star_segments)
{
    /* found by fuzz_openapi: literal segments a mockrun path would read as a
     * parameter (":x") or a wildcard ("*") become a pattern matching them as text */
    struct mr_openapi_result res;
    cJSON *doc = import_text("openapi: 3.0.0\n"
                             "info: {title: t, version: '1'}\n"
                             "paths:\n"
                             "  /files/:raw/{id}:\n"
                             "    get: {responses: {'200': {description: x}}}\n"
                             "  /any/*:\n"
                             "    get: {responses: {'200': {description: x}}}\n"
                             "  /a:b/{id}:\n"
                             "    get: {responses: {'200': {description: x}}}\n",
                             &res);

    ck_assert_str_eq(at_str(route_at(doc, "t", 0), "/request/pathPattern"),
                     "^/files/:raw/(?<id>[^/]+)$");
    ck_assert_str_eq(at_str(route_at(doc, "t", 1), "/request/pathPattern"), "^/any/\\*$");
    ck_assert_str_eq(at_str(route_at(doc, "t", 2), "/request/path"), "/a:b/:id");
    ck_assert_uint_eq(res.nwarnings, 0);
    cJSON_Delete(doc);
    mr_openapi_result_free(&res);
}
END_TEST

START_TEST(test_import_maps_written_as_arrays)
{
    /* found by fuzz_openapi: `properties` and a response's `headers` written as
     * arrays have no names; nothing is made of them (UBSan saw strcmp(NULL)) */
    struct mr_openapi_result res;
    cJSON *doc =
        import_text("openapi: 3.0.0\n"
                    "info: {title: t, version: '1'}\n"
                    "paths:\n"
                    "  /a:\n"
                    "    get:\n"
                    "      responses:\n"
                    "        '200':\n"
                    "          description: x\n"
                    "          headers: [X-Rate]\n"
                    "          content:\n"
                    "            application/json:\n"
                    "              schema: {type: object, required: [a], properties: [a]}\n",
                    &res);
    const cJSON *r = route_at(doc, "t", 0);

    ck_assert_ptr_null(mr_yaml_pointer(r, "/response/headers/X-Rate"));
    ck_assert(cJSON_IsObject(mr_yaml_pointer(r, "/response/json")));
    ck_assert_ptr_null(mr_yaml_pointer(r, "/response/json/a"));
    cJSON_Delete(doc);
    mr_openapi_result_free(&res);
}
END_TEST

START_TEST(test_import_hostile_strings)
{
    /* found by fuzz_openapi: a media type with a line break (no header value),
     * a path that is not UTF-8 (no pattern PCRE2 compiles); a key written with
     * an escape is placed at the nearest ancestor found as written */
    struct mr_openapi_result res;
    cJSON *doc = import_text("{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"H\"}, \"paths\": {\n"
                             "  \"/t\": {\"get\": {\"responses\": {\"200\": {\"content\": {\n"
                             "    \"text/plain\\nX-Evil: 1\": {\"example\": \"hi\"}}}}}},\n"
                             "  \"/\xff{a}.x\": {\"get\": {}}}}\n",
                             &res);
    const cJSON *r = route_at(doc, "h", 0);

    ck_assert_str_eq(at_str(r, "/response/body"), "hi");
    ck_assert_ptr_null(mr_yaml_pointer(r, "/response/headers"));
    ck_assert_int_eq(cJSON_GetArraySize(mr_yaml_pointer(doc, "/services/h/routes")), 1);
    ck_assert_uint_eq(res.nwarnings, 2);
    ck_assert_str_eq(res.warnings[0],
                     "2:51: paths[\"/t\"].get.responses.200.content[\"text/plain\\x0aX-Evil: "
                     "1\"]: a media type that is no header value is not set as "
                     "Content-Type");
    ck_assert_msg(strstr(res.warnings[1], "bytes that are not UTF-8 cannot be served; route "
                                          "skipped") != NULL,
                  "%s", res.warnings[1]);
    cJSON_Delete(doc);
    mr_openapi_result_free(&res);
}
END_TEST

/* The nesting of a value. */
static int depth_of(const cJSON *v)
{
    const cJSON *c;
    int d = 0;
    for (c = v ? v->child : NULL; c; c = c->next) {
        int k = depth_of(c);
        d = k > d ? k : d;
    }
    return d + 1;
}

START_TEST(test_import_recursion_bounded)
{
    /* schemas that require themselves all the way down have no finite value */
    struct mr_openapi_result res;
    cJSON *doc =
        import_text("openapi: 3.1.0\n"
                    "info: {title: R, version: '1'}\n"
                    "paths:\n"
                    "  /list:\n"
                    "    get: {responses: {'200': {description: x, content: "
                    "{application/json: {schema: {$ref: '#/components/schemas/L'}}}}}}\n"
                    "  /node:\n"
                    "    get: {responses: {'200': {description: x, content: "
                    "{application/json: {schema: {$ref: '#/components/schemas/N'}}}}}}\n"
                    "components:\n"
                    "  schemas:\n"
                    "    L: {type: array, minItems: 1, items: {$ref: '#/components/schemas/L'}}\n"
                    "    N: {type: object, required: [n, m], properties: {n: {$ref: "
                    "'#/components/schemas/N'}, m: {$ref: '#/components/schemas/N'}}}\n",
                    &res);
    const cJSON *list = mr_yaml_pointer(route_at(doc, "r", 0), "/response/json");
    const cJSON *node = mr_yaml_pointer(route_at(doc, "r", 1), "/response/json");

    ck_assert(cJSON_IsArray(list));
    ck_assert_int_le(depth_of(list), 3 * MR_OPENAPI_GEN_DEPTH + 2);
    ck_assert(cJSON_IsObject(node));
    ck_assert_int_le(depth_of(node), 70);
    cJSON_Delete(doc);
    mr_openapi_result_free(&res);
}
END_TEST

START_TEST(test_import_refused)
{
    struct mr_openapi_result res;
    struct mr_error err;

    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(mr_openapi_convert("/nonexistent.yaml", &res, &err), MR_ESCENARIO);
    ck_assert_ptr_null(res.scenario);
    ck_assert_uint_eq(res.nwarnings, 0);
    ck_assert_str_eq(err.msg, "cannot read: No such file or directory");
}
END_TEST

static Suite *openapi_suite(void)
{
    Suite *s = suite_create("openapi");
    TCase *tc = tcase("document");
    tcase_add_test(tc, test_petstore_30);
    tcase_add_test(tc, test_path_level_parameters);
    tcase_add_test(tc, test_library_31);
    tcase_add_test(tc, test_refs);
    suite_add_tcase(s, tc);

    tc = tcase("lookup");
    tcase_add_test(tc, test_find);
    tcase_add_test(tc, test_literal_wins);
    tcase_add_test(tc, test_find_route);
    tcase_add_test(tc, test_response_for);
    tcase_add_test(tc, test_media_for);
    suite_add_tcase(s, tc);

    tc = tcase("errors");
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_ref_errors);
    tcase_add_test(tc, test_locate);
    suite_add_tcase(s, tc);

    tc = tcase("import");
    tcase_add_test(tc, test_import_petstore);
    tcase_add_test(tc, test_import_library);
    tcase_add_test(tc, test_import_order_and_names);
    tcase_add_test(tc, test_import_literals_stay_literal);
    tcase_add_test(tc, test_import_colon_and_star_segments);
    tcase_add_test(tc, test_import_maps_written_as_arrays);
    tcase_add_test(tc, test_import_hostile_strings);
    tcase_add_test(tc, test_import_recursion_bounded);
    tcase_add_test(tc, test_import_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(openapi_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
