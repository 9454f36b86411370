/*
 * fuzz_openapi.c - OpenAPI documents: any bytes through mr_openapi_parse,
 * its lookups, then mr_openapi_convert_text (`mockrun import openapi`) and
 * the scenario loader on what that writes.
 *
 * Beyond "no crash, no leak", it checks the contracts of openapi/spec.h and
 * formats/openapi.h:
 *   - a refusal leaves the result empty and says why at a line:column;
 *   - each operation has an upper-case method, a path starting with '/' and
 *     a JSON Pointer that finds its node; each schema pointer finds its
 *     schema; mr_openapi_find finds, for a concrete path made from each
 *     operation's template, an operation of that method whose template
 *     matches it; every response and content lookup returns an entry of the
 *     operation (or NULL);
 *   - the importer accepts every document the spec reader accepts, writes
 *     one printable line per warning ("line:col: ..."), and the scenario it
 *     writes always loads.
 *
 * MOCKRUN_FUZZ_VERBOSE=1 prints each converted scenario and its warnings.
 */
#include "tests/fuzz/fuzz.h"

#include <ctype.h>
#include <stdbool.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "formats/openapi.h"
#include "openapi/spec.h"
#include "openapi/yaml.h"
#include "scenarios/scenario.h"

#ifndef MOCKRUN_FUZZ_DATA_DIR
#error "MOCKRUN_FUZZ_DATA_DIR must name tests/fuzz/data"
#endif

static const char scenario_path[] = MOCKRUN_FUZZ_DATA_DIR "/imported.json";

static bool verbose;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    verbose = fuzz_verbose();
    return 0;
}

static void check_node(const struct mr_openapi *s, const struct mr_openapi_node *n)
{
    if (!n->node)
        return;
    FUZZ_CHECK(n->pointer != NULL);
    FUZZ_CHECK(mr_yaml_pointer(mr_openapi_root(s), n->pointer) == n->node);
}

/* A concrete path for a template: each "{...}" as "v". */
static char *sample(const char *tpl)
{
    struct mr_buf b;
    const char *p;

    mr_buf_init(&b);
    for (p = tpl; *p; p++) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (close) {
            mr_buf_putc(&b, 'v');
            p = close;
        } else {
            mr_buf_putc(&b, *p);
        }
    }
    return mr_buf_detach(&b, NULL);
}

static void check_content(const struct mr_openapi *s, const struct mr_openapi_media *c, size_t n)
{
    static const char *const types[] = {"application/json", "text/plain; charset=utf-8", NULL,
                                        "*/*", ""};
    size_t i;

    for (i = 0; i < n; i++) {
        check_node(s, &c[i].schema);
        check_node(s, &c[i].example);
        check_node(s, &c[i].self);
        FUZZ_CHECK(c[i].type != NULL);
    }
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        const struct mr_openapi_media *m = mr_openapi_media_for(c, n, types[i]);
        FUZZ_CHECK(!m || (m >= c && m < c + n));
    }
}

static void check_spec(const struct mr_openapi *s)
{
    static const int statuses[] = {200, 201, 204, 404, 500, 99, 1000};
    size_t i, k;

    FUZZ_CHECK(mr_openapi_version(s) != NULL && mr_openapi_base_path(s) != NULL);
    FUZZ_CHECK(mr_openapi_base_path(s)[0] == '\0' || mr_openapi_base_path(s)[0] == '/');
    for (i = 0; i < mr_openapi_count(s) && i < 64; i++) {
        const struct mr_openapi_op *op = mr_openapi_op(s, i), *found;
        char *path = sample(op->path);

        FUZZ_CHECK(op->method[0] && op->path[0] == '/');
        for (k = 0; op->method[k]; k++)
            FUZZ_CHECK(!islower((unsigned char)op->method[k]));
        check_node(s, &op->self);
        for (k = 0; k < op->nparams; k++) {
            check_node(s, &op->params[k].schema);
            check_node(s, &op->params[k].self);
        }
        if (op->body)
            check_content(s, op->body->content, op->body->ncontent);
        for (k = 0; k < op->nresponses; k++)
            check_content(s, op->responses[k].content, op->responses[k].ncontent);
        for (k = 0; k < sizeof(statuses) / sizeof(statuses[0]); k++) {
            const struct mr_openapi_response *r = mr_openapi_response_for(op, statuses[k]);
            FUZZ_CHECK(!r || (r >= op->responses && r < op->responses + op->nresponses));
        }
        FUZZ_CHECK(path != NULL);
        found = mr_openapi_find(s, op->method, path);
        /* "v" might not fit a template with text around it ("{a}{b}" needs two characters) */
        if (mr_openapi_matches(s, op, path)) {
            FUZZ_CHECK(found != NULL && strcmp(found->method, op->method) == 0);
            FUZZ_CHECK(mr_openapi_matches(s, found, path));
        }
        mr_openapi_find_route(s, op->method, op->path);
        free(path);
    }
}

static void check_import(const char *text, size_t size)
{
    struct mr_openapi_result res;
    struct mr_error err;
    struct mr_error_list *errs;
    struct mr_scenario *sc = NULL;
    size_t i;
    int rc;

    memset(&err, 0, sizeof(err));
    rc = mr_openapi_convert_text("fuzz.yaml", text, size, &res, &err);
    FUZZ_CHECK(rc == 0 || rc == MR_ENOMEM);
    if (rc != 0)
        return;
    FUZZ_CHECK(res.scenario && res.scenario[strlen(res.scenario) - 1] == '\n');
    if (verbose) {
        fputs(res.scenario, stderr);
        for (i = 0; i < res.nwarnings; i++)
            fprintf(stderr, "warning: %s\n", res.warnings[i]);
    }
    for (i = 0; i < res.nwarnings; i++) {
        FUZZ_CHECK(isdigit((unsigned char)res.warnings[i][0]));
        FUZZ_CHECK(!fuzz_has_control(res.warnings[i]));
    }
    errs = calloc(1, sizeof(*errs));
    FUZZ_CHECK(errs != NULL);
    rc = mr_scenario_parse_one(&sc, scenario_path, res.scenario, strlen(res.scenario), errs);
    if (rc != 0 && rc != MR_ENOMEM) {
        char line[1400];
        mr_error_format(&errs->items[0], line, sizeof(line));
        fprintf(stderr, "the loader refuses the imported scenario: %s\n%s\n", line, res.scenario);
        FUZZ_CHECK(!"the imported scenario loads");
    }
    mr_scenario_free(sc);
    free(errs);
    mr_openapi_result_free(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_copy(data, size, 0);
    struct mr_openapi *s = (struct mr_openapi *)text; /* must be reset */
    struct mr_error err;
    int rc;

    memset(&err, 0, sizeof(err));
    rc = mr_openapi_parse(&s, "fuzz.yaml", text, size, &err);
    if (rc == 0) {
        FUZZ_CHECK(s != NULL);
        check_spec(s);
        mr_openapi_free(s);
        check_import(text, size);
    } else {
        char line[1400];
        FUZZ_CHECK(s == NULL);
        FUZZ_CHECK(rc == MR_ESCENARIO || rc == MR_ENOMEM);
        FUZZ_CHECK(err.code == rc && err.msg[0]);
        FUZZ_CHECK(rc == MR_ENOMEM || err.line >= 1);
        mr_error_format(&err, line, sizeof(line));
        FUZZ_CHECK(!fuzz_has_control(line));
        if (verbose)
            fprintf(stderr, "refused: %s\n", line);
    }
    free(text);
    return 0;
}
