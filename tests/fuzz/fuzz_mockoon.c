/*
 * fuzz_mockoon.c - the Mockoon importer, whole environment files: any bytes
 * go through mr_mockoon_convert, and whatever it outputs through the
 * scenario loader (mr_scenario_parse).
 *
 * Beyond "no crash, no leak", it checks the importer's contract (mockoon.h):
 * failure leaves the result empty and explains itself in `err`; success
 * gives a scenario text ending with a newline and warnings that each start
 * with a Mockoon JSON path. The scenario must then load, or be refused with
 * at least one problem reported (a `file` response may name a file that is
 * not there).
 *
 * The converted scenario is named as if it sat in tests/fuzz/data/, so
 * `file` responses resolve against a fixed folder (hello.json,
 * sub/page.html).
 *
 * It also checks what the importer promises beyond that (mockoon.h):
 *   - the converted scenario loads, or the loader refuses it only over a
 *     `file` response (the path of every problem ends in ".file"), since a
 *     file the environment names may not be there; anything else means the
 *     importer wrote a scenario mockrun itself rejects (a template or a
 *     pattern the loader refuses, a key it does not take);
 *   - warnings and errors hold no control bytes (one line each on stderr);
 *   - the route table: every Mockoon route has a name and a path, and
 *     mr_mockoon_find_route finds a route by each uuid and each name.
 *
 * MOCKRUN_FUZZ_VERBOSE=1 prints each converted scenario, its warnings and
 * the loader's verdict.
 */
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_load.h"

#include <stdbool.h>

#include "common/error.h"
#include "formats/mockoon.h"
#include "scenarios/scenario.h"

#ifndef MOCKRUN_FUZZ_DATA_DIR
#error "MOCKRUN_FUZZ_DATA_DIR must name tests/fuzz/data"
#endif

static const char env_path[] = MOCKRUN_FUZZ_DATA_DIR "/env.json";
static const char scenario_path[] = MOCKRUN_FUZZ_DATA_DIR "/imported.json";

static bool verbose;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    verbose = fuzz_verbose();
    return 0;
}

/* "json.path: message": a path of Mockoon keys and [n] indexes, then a message. */
static void check_warning(const char *w)
{
    const char *sep;

    FUZZ_CHECK(w != NULL);
    sep = strstr(w, ": ");
    FUZZ_CHECK(sep != NULL && sep > w);
    FUZZ_CHECK(sep[2] != '\0');
    FUZZ_CHECK(!fuzz_has_control(w));
}

/* The converted scenario loads, or the loader refuses it and says why. */
static void load(const char *text)
{
    struct mr_error_list *errs;
    struct mr_scenario *sc;
    size_t i;
    int rc = fuzz_load(scenario_path, text, &sc, &errs);

    for (i = 0; i < errs->count; i++) {
        const char *p = errs->items[i].path;
        size_t n = strlen(p);

        fuzz_check_error(&errs->items[i], true);
        if (!(n >= 5 && strcmp(p + n - 5, ".file") == 0)) {
            char line[2048];
            mr_error_format(&errs->items[i], line, sizeof(line));
            fprintf(stderr, "the loader refuses the converted scenario: %s\n%s\n", line, text);
            FUZZ_CHECK(!"the converted scenario loads");
        }
    }
    if (verbose) {
        for (i = 0; i < errs->count; i++) {
            char line[2048];
            mr_error_format(&errs->items[i], line, sizeof(line));
            fprintf(stderr, "refused: %s\n", line);
        }
        fprintf(stderr, "%s\n", rc == 0 ? "loaded" : "not loaded");
    }
    mr_scenario_free(sc);
    free(errs);
}

/* The route table: names and paths, and lookups by uuid and by name. */
static void check_routes(const struct mr_mockoon_result *res)
{
    size_t i;

    FUZZ_CHECK(res->nroutes == 0 || res->routes != NULL);
    for (i = 0; i < res->nroutes; i++) {
        const struct mr_mockoon_route *rt = &res->routes[i], *found;
        FUZZ_CHECK(rt->name != NULL && strchr(rt->name, ' ') != NULL);
        FUZZ_CHECK(rt->path != NULL && rt->path[0] == '/');
        if (rt->uuid) {
            found = mr_mockoon_find_route(res, rt->uuid);
            FUZZ_CHECK(found != NULL && found->uuid && strcmp(found->uuid, rt->uuid) == 0);
        }
        found = mr_mockoon_find_route(res, rt->name);
        FUZZ_CHECK(found != NULL && found <= rt);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy: the importer gets a length, not a NUL-terminated string */
    char *text = fuzz_copy(data, size, 0);
    struct mr_mockoon_result res;
    struct mr_error err;
    size_t i, n;
    int rc;

    memset(&res, 0xa5, sizeof(res)); /* the importer must fill it whatever happens */
    memset(&err, 0, sizeof(err));
    rc = mr_mockoon_convert(env_path, text, size, &res, &err);
    if (rc == 0) {
        FUZZ_CHECK(res.scenario != NULL);
        n = strlen(res.scenario);
        FUZZ_CHECK(n > 0 && res.scenario[n - 1] == '\n');
        FUZZ_CHECK(res.nwarnings == 0 || res.warnings != NULL);
        if (verbose) {
            fputs(res.scenario, stderr);
            for (i = 0; i < res.nwarnings; i++)
                fprintf(stderr, "warning: %s\n", res.warnings[i]);
        }
        for (i = 0; i < res.nwarnings; i++)
            check_warning(res.warnings[i]);
        check_routes(&res);
        load(res.scenario);
    } else {
        FUZZ_CHECK(rc == MR_ESCENARIO || rc == MR_ENOMEM);
        FUZZ_CHECK(res.scenario == NULL && res.nwarnings == 0);
        FUZZ_CHECK(err.code == rc);
        fuzz_check_error(&err, true);
        if (verbose)
            fprintf(stderr, "not converted: %s\n", err.msg);
    }
    mr_mockoon_result_free(&res);
    free(text);
    return 0;
}
