/*
 * fuzz_wiremock.c - the WireMock importer, whole mapping files: any bytes go
 * through mr_wiremock_convert_text, and whatever it outputs through the
 * scenario loader (mr_scenario_parse).
 *
 * Beyond "no crash, no leak", it checks the importer's contract
 * (wiremock.h): failure leaves the result empty and explains itself in
 * `err`, at a line and column inside the text; success gives a scenario text
 * ending with a newline and warnings that each start with the file's name,
 * hold no control bytes and end with a message. The scenario must then
 * load. The refusals allowed are a stub's own regex that PCRE2 refuses
 * ("invalid regular expression", under a pattern's path): WireMock's regexes
 * are Java's, which the importer translates where the syntax differs but
 * does not compile (formats/ does not link PCRE2), and the fuzzer writes
 * invalid ones all the time; and, for the same reason, an equalToXml
 * document's placeholders (their regexes, date formats and delimiters),
 * which the importer passes on as the loader reads them. Everything else the
 * importer writes, templates and XML documents and expressions included,
 * must be accepted.
 *
 * MOCKRUN_FUZZ_VERBOSE=1 prints each converted scenario, its warnings and
 * the loader's verdict.
 */
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_load.h"

#include <stdbool.h>

#include "common/error.h"
#include "formats/wiremock.h"
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

/* "m.json: json.path: message" or "m.json: message", on one line. */
static void check_warning(const char *w)
{
    FUZZ_CHECK(w != NULL);
    FUZZ_CHECK(strncmp(w, "m.json: ", 8) == 0);
    FUZZ_CHECK(w[8] != '\0');
    FUZZ_CHECK(!fuzz_has_control(w));
}

/* The converted scenario loads; only a stub's own regex may be refused. */
static void load(const char *text)
{
    struct mr_error_list *errs;
    struct mr_scenario *sc;
    size_t i;
    int rc = fuzz_load(scenario_path, text, &sc, &errs);

    if (verbose) {
        for (i = 0; i < errs->count; i++) {
            char line[2048];
            mr_error_format(&errs->items[i], line, sizeof(line));
            fprintf(stderr, "refused: %s\n", line);
        }
        fprintf(stderr, "%s\n", rc == 0 ? "loaded" : "not loaded");
    }
    for (i = 0; i < errs->count; i++) {
        const struct mr_error *e = &errs->items[i];
        fuzz_check_error(e, false);
        if (strstr(e->path, ".placeholders") != NULL)
            continue; /* the delimiters, alone or together */
        if (strstr(e->path, ".xmlEquals") != NULL) {
            FUZZ_CHECK(strncmp(e->msg, "placeholder \"", 13) == 0 ||
                       strncmp(e->msg, "the placeholder \"", 17) == 0);
            continue;
        }
        FUZZ_CHECK(strncmp(e->msg, "invalid regular expression", 26) == 0);
        FUZZ_CHECK(strstr(e->path, ".matches") != NULL || strstr(e->path, ".pathPattern") != NULL);
    }
    mr_scenario_free(sc);
    free(errs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy: the importer gets a length, not a NUL-terminated string */
    char *text = fuzz_copy(data, size, 0);
    struct mr_wiremock_result res;
    struct mr_error err;
    size_t i, n;
    int rc;

    memset(&res, 0xa5, sizeof(res)); /* the importer must fill it whatever happens */
    memset(&err, 0xa5, sizeof(err));
    rc = mr_wiremock_convert_text("m.json", text, size, &res, &err);
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
        load(res.scenario);
    } else {
        FUZZ_CHECK(rc == MR_ESCENARIO || rc == MR_ENOMEM);
        FUZZ_CHECK(res.scenario == NULL && res.nwarnings == 0 && res.warnings == NULL);
        FUZZ_CHECK(err.code == rc);
        fuzz_check_error(&err, false);
        FUZZ_CHECK(strcmp(err.file, "m.json") == 0);
        /* syntax errors and refused values are placed in the text */
        if (rc == MR_ESCENARIO)
            FUZZ_CHECK(err.line >= 1 && err.column >= 1);
        if (verbose)
            fprintf(stderr, "not converted: %s\n", err.msg);
    }
    mr_wiremock_result_free(&res);
    free(text);
    return 0;
}
