/*
 * fuzz_contract.c - a service's OpenAPI contract checked on fuzzed calls:
 * what the command sends (path, query, headers and cookies, body) and what
 * a templated route answered, as runner/contract.c reads them from the
 * journal after a run.
 *
 * Input framing (seeds in corpus/contract/ read as text):
 *
 *     <route byte><status byte><method>\n<path>\n<query>\n<Name: value>\n...\n\n<body>
 *
 * The route byte, modulo 4, is the route the call matched (2 and 3: none); the
 * status byte picks the answer's status from a short list. The body is also
 * what the route answered. Missing parts are empty.
 *
 * The document (OpenAPI 3.0 with $refs, allOf and oneOf, nullable, every
 * kind of parameter, arrays with and without explode) and the scenario are
 * written to a temporary folder once.
 *
 * Oracles: two cases come out for the service (its answers, its calls),
 * the answers' one passing (the scenario's fixed answers keep to the
 * document); a failing case has a one-line message and a detail whose lines
 * each name the call, and the same call checked twice gives the same text.
 */
#include "tests/fuzz/fuzz.h"

#include <stdbool.h>
#include <unistd.h>

#include "reports/results.h"
#include "runner/contract.h"
#include "server/journal.h"
#include "server/match.h"

static const char spec_yaml[] =
    "openapi: 3.0.3\n"
    "info: { title: Fuzz, version: '1' }\n"
    "servers: [ { url: /v1 } ]\n"
    "paths:\n"
    "  /items/{id}:\n"
    "    parameters:\n"
    "      - { name: id, in: path, required: true, schema: { type: integer, minimum: 1 } }\n"
    "    get:\n"
    "      parameters:\n"
    "        - { name: tags, in: query, schema: { type: array, items: { type: string, "
    "maxLength: 4 } } }\n"
    "        - { name: ids, in: query, explode: false, schema: { type: array, items: { type: "
    "integer } } }\n"
    "        - { name: flag, in: query, required: true, schema: { type: boolean } }\n"
    "        - { name: X-Key, in: header, required: true, schema: { type: string, pattern: "
    "'^k-' } }\n"
    "        - { name: sid, in: cookie, schema: { type: string, nullable: true, minLength: 2 } "
    "}\n"
    "        - { name: filter, in: query, schema: { type: object } }\n"
    "      responses:\n"
    "        '200': { description: ok, content: { application/json: { schema: { $ref: "
    "'#/components/schemas/Item' } } } }\n"
    "        4XX: { description: no, content: { application/json: { schema: { type: object } } "
    "} }\n"
    "  /items:\n"
    "    post:\n"
    "      requestBody:\n"
    "        required: true\n"
    "        content:\n"
    "          application/json: { schema: { $ref: '#/components/schemas/Item' } }\n"
    "          text/plain: { schema: { type: string } }\n"
    "      responses:\n"
    "        '201': { description: made, content: { application/json: { schema: { $ref: "
    "'#/components/schemas/Item' } } } }\n"
    "        default: { description: other }\n"
    "components:\n"
    "  schemas:\n"
    "    Item:\n"
    "      allOf:\n"
    "        - type: object\n"
    "          required: [name]\n"
    "          properties:\n"
    "            id: { type: integer, readOnly: true }\n"
    "            name: { type: string, maxLength: 8 }\n"
    "            price: { type: number, multipleOf: 0.01, nullable: true }\n"
    "        - oneOf:\n"
    "            - { properties: { kind: { enum: [a] } }, required: [kind] }\n"
    "            - { properties: { kind: { enum: [b] } }, required: [kind] }\n";

static const char scenario_json[] =
    "{\"services\": {\"api\": {\"openapi\": \"spec.yaml\", \"routes\": [\n"
    "  {\"id\": \"get\", \"request\": {\"method\": \"GET\", \"path\": \"/v1/items/:id\"},\n"
    "   \"response\": {\"json\": {\"id\": 1, \"name\": \"{{urlParam 'id'}}\", \"kind\": "
    "\"a\"}}},\n"
    "  {\"id\": \"post\", \"request\": {\"method\": \"POST\", \"path\": \"/v1/items\"},\n"
    "   \"response\": {\"status\": 201, \"json\": {\"id\": 2, \"name\": \"n\", \"kind\": "
    "\"b\"}}}\n"
    "]}}}\n";

static struct mr_scenario *sc;
static struct mr_contracts *contracts;

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (!f || fputs(text, f) == EOF || fclose(f) != 0)
        abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char dir[] = "/tmp/mockrun-fuzz-contract.XXXXXX", path[512];
    struct mr_error_list errs;
    struct mr_error err;

    (void)argc;
    (void)argv;
    if (!mkdtemp(dir))
        abort();
    write_file(dir, "spec.yaml", spec_yaml);
    snprintf(path, sizeof(path), "%s/scenario.json", dir);
    memset(&errs, 0, sizeof(errs));
    if (mr_scenario_parse_one(&sc, path, scenario_json, strlen(scenario_json), &errs) != 0)
        abort();
    if (mr_contracts_load(&contracts, sc, &err) != 0 || !contracts)
        abort();
    /* the document is read: the folder is not needed any more */
    snprintf(path, sizeof(path), "%s/spec.yaml", dir);
    unlink(path);
    rmdir(dir);
    return 0;
}

/* The next line of [*p, end), without its '\n'. */
static const char *line(const char **p, const char *end, size_t *len)
{
    const char *s = *p, *nl = s < end ? memchr(s, '\n', (size_t)(end - s)) : NULL;

    *len = nl ? (size_t)(nl - s) : (size_t)(end - s);
    *p = nl ? nl + 1 : end;
    return s;
}

/* The cases of one journal holding the call, as text. */
static char *cases_text(const struct mr_journal *j)
{
    struct mr_results res;
    struct mr_buf b;

    mr_results_init(&res);
    FUZZ_CHECK(mr_contracts_cases(&res, contracts, 0, j) == 0);
    FUZZ_CHECK(res.ncases == 2);
    FUZZ_CHECK(res.cases[0].status == MR_CASE_PASS); /* the fixed answers keep to it */
    mr_buf_init(&b);
    for (size_t i = 0; i < res.ncases; i++) {
        const struct mr_case *k = &res.cases[i];
        if (k->status == MR_CASE_PASS)
            continue;
        FUZZ_CHECK(k->message && !strchr(k->message, '\n'));
        FUZZ_CHECK(k->detail);
        for (const char *l = k->detail; *l; l = strchr(l, '\n') + 1) {
            FUZZ_CHECK(strchr(l, '\n'));
            FUZZ_CHECK(strncmp(l, "call #1", 7) == 0 || strncmp(l, "... and ", 8) == 0);
        }
        mr_buf_printf(&b, "%s\n%s", k->message, k->detail);
    }
    mr_results_release(&res);
    return mr_buf_detach(&b, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint16_t statuses[] = {200, 201, 204, 404, 418, 500};
    const char *p = (const char *)data + (size > 2 ? 2 : size), *end = (const char *)data + size;
    struct mr_journal_limits lim;
    struct mr_kv headers[32], *params;
    struct mr_call_meta meta;
    struct mr_request req;
    struct mr_journal *j;
    struct mr_error err;
    char *method, *path, *query, *scratch, *body, *first, *second;
    const char *s;
    size_t n, nh = 0;

    if (size < 2)
        return 0;
    s = line(&p, end, &n);
    method = fuzz_copy(s, n, 1);
    s = line(&p, end, &n);
    path = fuzz_copy(s, n, 1);
    s = line(&p, end, &n);
    query = fuzz_copy(s, n, 1);
    while (p < end && nh < 32) {
        const char *colon;
        s = line(&p, end, &n);
        if (n == 0)
            break;
        colon = memchr(s, ':', n);
        headers[nh].name = fuzz_copy(s, colon ? (size_t)(colon - s) : n, 1);
        headers[nh].name_len = strlen(headers[nh].name);
        headers[nh].value =
            colon ? fuzz_copy(colon + 1, (size_t)(s + n - colon - 1), 1) : fuzz_copy("", 0, 1);
        headers[nh].value_len = strlen(headers[nh].value);
        nh++;
    }
    body = fuzz_copy(p, (size_t)(end - p), 1);

    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = path;
    req.query = query;
    n = mr_request_count_params(query);
    params = calloc(n ? n : 1, sizeof(*params));
    scratch = malloc(strlen(query) + 1);
    if (!params || !scratch)
        abort();
    req.params = params;
    req.nparams = mr_request_parse_query(query, scratch, params, n);
    req.headers = headers;
    req.nheaders = nh;
    req.body = body;
    req.body_len = (size_t)(end - p);

    memset(&meta, 0, sizeof(meta));
    meta.route = data[0] % 4 >= 2 ? -1 : (int32_t)(data[0] % 4);
    meta.status = statuses[data[1] % (sizeof(statuses) / sizeof(statuses[0]))];
    meta.body_size = req.body_len;
    meta.answer = body;
    meta.answer_len = req.body_len;

    mr_journal_limits_init(&lim);
    if (mr_journal_new(&j, sc->nservices, sc->nroutes, sc->nexpects, &lim, &err) != 0)
        abort();
    mr_journal_append(j, &meta, &req, NULL, 0);
    first = cases_text(j);
    second = cases_text(j);
    FUZZ_CHECK(first && second && strcmp(first, second) == 0);

    free(first);
    free(second);
    mr_journal_free(j);
    mr_request_release(&req);
    free(params);
    free(scratch);
    for (size_t i = 0; i < nh; i++) {
        free((char *)headers[i].name);
        free((char *)headers[i].value);
    }
    free(method);
    free(path);
    free(query);
    free(body);
    return 0;
}
