/*
 * sources.c - command-line files → scenario text: mockrun's own as they
 * are, foreign formats through formats/ (the loader reads mockrun's only).
 */
#include "runner/sources.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/jsondoc.h"
#include "common/log.h"
#include "formats/mockoon.h"
#include "formats/wiremock.h"

#define MAX_FILE_SIZE (64u << 20)

static const char *const format_names[] = {"a mockrun scenario", "a Mockoon environment",
                                           "WireMock stub mappings"};

/* A top-level member named `key`, found without parsing the document. */
static bool has_top_key(const char *text, size_t len, const char *key)
{
    size_t off;
    return mr_jsondoc_locate(text, len, key, true, &off);
}

enum mr_format mr_sources_detect(const char *text, size_t len)
{
    mr_jsondoc_skip_bom(&text, &len);
    if (has_top_key(text, len, "lastMigration") ||
        (has_top_key(text, len, "uuid") && has_top_key(text, len, "endpointPrefix")))
        return MR_FORMAT_MOCKOON;
    /* { "mappings": [...] }, or one stub: { "request": ..., "response": ... } */
    if (has_top_key(text, len, "mappings") ||
        (has_top_key(text, len, "request") && has_top_key(text, len, "response")))
        return MR_FORMAT_WIREMOCK;
    return MR_FORMAT_SCENARIO;
}

/* A conversion's warning: on stderr, or with --strict-import an error. */
static void warn(struct mr_sources *s, const char *path, const char *what)
{
    struct mr_error e;

    if (!s->strict) {
        mr_log(MR_LOG_WARN, "%s: %s", path, what);
        return;
    }
    mr_error_set(&e, MR_ESCENARIO, "%s (--strict-import)", what);
    mr_error_at(&e, path, NULL, 0, 0);
    mr_error_list_add(s->errs, &e);
}

/* Converts a Mockoon environment's text; *json is the scenario (malloc'd).
 * Returns 0, MR_ESCENARIO (err says why; with --strict-import, also when a
 * feature could not be converted) or MR_ENOMEM. */
static int convert_mockoon(struct mr_sources *s, const char *path, const char *text, size_t len,
                           char **json, struct mr_error *err)
{
    struct mr_mockoon_result res;
    size_t i;
    int rc = mr_mockoon_convert(path, text, len, &res, err);

    if (rc != 0)
        return rc;
    for (i = 0; i < res.nwarnings; i++)
        warn(s, path, res.warnings[i]);
    mr_log(MR_LOG_INFO, "%s: %s, converted (%zu feature%s not carried over)", path,
           format_names[MR_FORMAT_MOCKOON], res.nwarnings, res.nwarnings == 1 ? "" : "s");
    if (s->strict && res.nwarnings) {
        rc = mr_error_set(err, MR_ESCENARIO,
                          "%zu feature%s of %s could not be converted (--strict-import)",
                          res.nwarnings, res.nwarnings == 1 ? "" : "s", path);
        mr_mockoon_result_free(&res);
        return rc;
    }
    *json = res.scenario;
    res.scenario = NULL;
    mr_mockoon_result_free(&res);
    return 0;
}

/* Converts WireMock stub mappings at `path` (a root folder, its mappings/
 * folder or one mapping file); as convert_mockoon. */
static int convert_wiremock(struct mr_sources *s, const char *path, char **json,
                            struct mr_error *err)
{
    struct mr_wiremock_result res;
    size_t i;
    int rc = mr_wiremock_convert(path, &res, err);

    if (rc != 0)
        return rc;
    /* each warning names its own file */
    for (i = 0; i < res.nwarnings; i++) {
        if (!s->strict) {
            mr_log(MR_LOG_WARN, "%s", res.warnings[i]);
        } else {
            struct mr_error e;
            mr_error_set(&e, MR_ESCENARIO, "%s (--strict-import)", res.warnings[i]);
            mr_error_list_add(s->errs, &e);
        }
    }
    mr_log(MR_LOG_INFO, "%s: %s, converted (%zu feature%s not carried over)", path,
           format_names[MR_FORMAT_WIREMOCK], res.nwarnings, res.nwarnings == 1 ? "" : "s");
    if (s->strict && res.nwarnings) {
        rc = mr_error_set(err, MR_ESCENARIO,
                          "%zu feature%s of %s could not be converted (--strict-import)",
                          res.nwarnings, res.nwarnings == 1 ? "" : "s", path);
        mr_wiremock_result_free(&res);
        return rc;
    }
    *json = res.scenario;
    res.scenario = NULL;
    mr_wiremock_result_free(&res);
    return 0;
}

static bool is_folder(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int read_text(struct mr_buf *b, const char *path, struct mr_error *err)
{
    int rc = mr_buf_read_file(b, path, MAX_FILE_SIZE);

    if (rc == 0)
        return 0;
    if (rc == EFBIG)
        mr_error_set(err, MR_ESCENARIO, "larger than 64 MiB");
    else
        mr_error_set(err, rc == ENOMEM ? MR_ENOMEM : MR_ESCENARIO, "cannot read: %s", strerror(rc));
    err->sys_errno = rc;
    mr_error_at(err, path, NULL, 0, 0);
    return err->code;
}

/* The loader's importer: a service's `"mockoon": "path"`. */
static int import(void *arg, const char *kind, const char *path, char **json, struct mr_error *err)
{
    struct mr_sources *s = arg;
    struct mr_buf text;
    int rc;

    if (strcmp(kind, "wiremock") == 0)
        return convert_wiremock(s, path, json, err);
    mr_buf_init(&text);
    if ((rc = read_text(&text, path, err)) == 0)
        rc = convert_mockoon(s, path, text.data ? text.data : "", text.len, json, err);
    else
        mr_error_set(err, err->code, "%s: %s", path, err->msg);
    mr_buf_release(&text);
    return rc;
}

void mr_sources_init(struct mr_sources *s, bool strict)
{
    memset(s, 0, sizeof(*s));
    s->strict = strict;
    s->importer.convert = import;
    s->importer.arg = s;
}

int mr_sources_read(struct mr_sources *s, const char *const *paths, size_t n,
                    struct mr_error_list *errs)
{
    struct mr_error e;
    size_t k;
    int rc = 0;

    s->errs = errs;
    s->items = calloc(n ? n : 1, sizeof(*s->items));
    s->texts = calloc(n ? n : 1, sizeof(*s->texts));
    s->converted = calloc(n ? n : 1, sizeof(*s->converted));
    if (!s->items || !s->texts || !s->converted)
        return MR_ENOMEM;
    s->n = n;
    for (k = 0; k < n; k++) {
        struct mr_buf *b = &s->texts[k];
        char *json = NULL;
        int got;

        mr_buf_init(b);
        s->items[k].path = paths[k];
        s->items[k].text = "";
        if (is_folder(paths[k])) {
            got = convert_wiremock(s, paths[k], &json, &e);
            s->converted[k] = json;
        } else if ((got = read_text(b, paths[k], &e)) == 0) {
            switch (mr_sources_detect(b->data ? b->data : "", b->len)) {
            case MR_FORMAT_MOCKOON:
                got = convert_mockoon(s, paths[k], b->data, b->len, &json, &e);
                break;
            case MR_FORMAT_WIREMOCK:
                got = convert_wiremock(s, paths[k], &json, &e);
                break;
            case MR_FORMAT_SCENARIO:
                break;
            }
            s->converted[k] = json;
        }
        if (got != 0) {
            mr_error_list_add(errs, &e);
            rc = rc == MR_ENOMEM || got == MR_ENOMEM ? MR_ENOMEM : MR_ESCENARIO;
            continue;
        }
        s->items[k].text = json ? json : b->data ? b->data : "";
        s->items[k].len = json ? strlen(json) : b->len;
    }
    return rc;
}

void mr_sources_release(struct mr_sources *s)
{
    size_t k;

    for (k = 0; s->texts && k < s->n; k++)
        mr_buf_release(&s->texts[k]);
    for (k = 0; s->converted && k < s->n; k++)
        free(s->converted[k]);
    free(s->converted);
    free(s->texts);
    free(s->items);
    s->texts = NULL;
    s->converted = NULL;
    s->items = NULL;
    s->n = 0;
}
