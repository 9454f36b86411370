/*
 * suite.c - runs JSON Schema Test Suite files (the official suite's format:
 * an array of {description, schema, tests: [{description, data, valid}]})
 * through openapi/jsonschema.c and counts the tests it passes.
 *
 *   jsonschema_suite [options] PATH...
 *     --dialect draft4|openapi30|2020-12   (default 2020-12)
 *     --remotes DIR       every *.json under DIR is the document
 *                         http://localhost:1234/<path>, as the suite expects
 *     --doc URI=FILE      one more document (a meta-schema)
 *     --skip FILE         files ("items.json") and groups ("ref.json: <group
 *                         description>") not run, one a line, # comments
 *     --figures DOC --name NAME
 *                         fail when fewer tests pass than the row `NAME` of
 *                         DOC's table records (docs/jsonschema.md)
 *     --formats           assert `format` (optional/format tests)
 *     --print             one JSON line per test with the verdict, for
 *                         differential.py
 *     -v                  the violations of every failed test
 *
 * A PATH is a file or a folder (its *.json files, not its subfolders: the
 * suite's optional/ tests are not required). Exit 0 when the pass count is
 * at least the recorded figure (or, without --figures, when every test
 * passed); 1 otherwise; 2 on bad usage or unreadable files; 77 when a PATH
 * or a --doc file does not exist (the Debian packages json-schema-test-suite
 * and python3-jsonschema are not installed: run ci/setup).
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/error.h"
#include "openapi/jsonschema.h"

#define MAX_DOCS 64

struct doc {
    char *uri;
    cJSON *root;
};

static struct doc docs[MAX_DOCS];
static size_t ndocs;
static char **skips;
static size_t nskips;
static bool print, verbose, formats;
static enum mr_jsonschema_dialect dialect = MR_JSONSCHEMA_2020_12;
static size_t passed, failed, skipped;

static cJSON *read_json(const char *path)
{
    struct mr_buf b;
    cJSON *root;
    int rc;

    mr_buf_init(&b);
    rc = mr_buf_read_file(&b, path, 64u << 20);
    if (rc != 0) {
        fprintf(stderr, "jsonschema_suite: cannot read %s: %s\n", path, strerror(rc));
        mr_buf_release(&b);
        return NULL;
    }
    root = cJSON_ParseWithLength(mr_buf_cstr(&b), b.len);
    if (!root)
        fprintf(stderr, "jsonschema_suite: %s is not JSON\n", path);
    mr_buf_release(&b);
    return root;
}

static bool add_doc(const char *uri, const char *file)
{
    if (ndocs == MAX_DOCS) {
        fprintf(stderr, "jsonschema_suite: more than %d documents\n", MAX_DOCS);
        return false;
    }
    docs[ndocs].root = read_json(file);
    if (!docs[ndocs].root)
        return false;
    docs[ndocs].uri = strdup(uri);
    ndocs++;
    return true;
}

static bool add_remotes(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    bool ok = true;

    if (!d) {
        fprintf(stderr, "jsonschema_suite: cannot open %s\n", dir);
        return false;
    }
    while (ok && (e = readdir(d)) != NULL) {
        char path[1024], uri[1024];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        snprintf(uri, sizeof(uri), "%s%s", prefix, e->d_name);
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            strncat(uri, "/", sizeof(uri) - strlen(uri) - 1);
            ok = add_remotes(path, uri);
        } else if (strlen(e->d_name) > 5 && !strcmp(e->d_name + strlen(e->d_name) - 5, ".json")) {
            ok = add_doc(uri, path);
        }
    }
    closedir(d);
    return ok;
}

static bool read_skips(const char *file)
{
    FILE *f = fopen(file, "r");
    char line[1024];

    if (!f) {
        fprintf(stderr, "jsonschema_suite: cannot read %s\n", file);
        return false;
    }
    while (fgets(line, sizeof(line), f)) {
        size_t n = strcspn(line, "#\n");
        while (n > 0 && line[n - 1] == ' ')
            n--;
        line[n] = '\0';
        if (n == 0)
            continue;
        skips = realloc(skips, (nskips + 1) * sizeof(*skips));
        skips[nskips++] = strdup(line);
    }
    fclose(f);
    return true;
}

static bool skipped_group(const char *file, const char *group)
{
    for (size_t i = 0; i < nskips; i++) {
        size_t n = strlen(file);
        if (!strcmp(skips[i], file))
            return true;
        if (!strncmp(skips[i], file, n) && !strncmp(skips[i] + n, ": ", 2) &&
            !strcmp(skips[i] + n + 2, group))
            return true;
    }
    return false;
}

static void json_string(const char *s)
{
    struct mr_buf b;
    mr_buf_init(&b);
    mr_buf_put_json_string(&b, s, strlen(s));
    fputs(mr_buf_cstr(&b), stdout);
    mr_buf_release(&b);
}

static int run_file(const char *path)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    cJSON *root = read_json(path), *group;
    int gi = 0;

    if (!root)
        return -1;
    cJSON_ArrayForEach(group, root)
    {
        const cJSON *schema = cJSON_GetObjectItemCaseSensitive(group, "schema");
        const cJSON *tests = cJSON_GetObjectItemCaseSensitive(group, "tests");
        const cJSON *gdesc = cJSON_GetObjectItemCaseSensitive(group, "description");
        const char *gname = cJSON_IsString(gdesc) ? gdesc->valuestring : "";
        struct mr_jsonschema_doc more[MAX_DOCS];
        struct mr_jsonschema_options o;
        struct mr_jsonschema *s;
        struct mr_error err;
        const cJSON *t;
        int ti = 0;

        gi++;
        if (skipped_group(base, gname)) {
            skipped += (size_t)cJSON_GetArraySize(tests);
            continue;
        }
        memset(&o, 0, sizeof(o));
        for (size_t i = 0; i < ndocs; i++) {
            more[i].uri = docs[i].uri;
            more[i].root = docs[i].root;
        }
        o.dialect = dialect;
        o.assert_formats = formats;
        o.docs = more;
        o.ndocs = ndocs;
        if (mr_jsonschema_new(&s, schema, &o, &err) != 0) {
            fprintf(stderr, "jsonschema_suite: %s\n", err.msg);
            cJSON_Delete(root);
            return -1;
        }
        cJSON_ArrayForEach(t, tests)
        {
            const cJSON *data = cJSON_GetObjectItemCaseSensitive(t, "data");
            const cJSON *want = cJSON_GetObjectItemCaseSensitive(t, "valid");
            const cJSON *tdesc = cJSON_GetObjectItemCaseSensitive(t, "description");
            struct mr_jsonschema_result r;

            ti++;
            if (mr_jsonschema_validate(&r, s, schema, data, NULL, &err) != 0) {
                fprintf(stderr, "jsonschema_suite: %s\n", err.msg);
                mr_jsonschema_free(s);
                cJSON_Delete(root);
                return -1;
            }
            if (print) {
                printf("{\"file\": ");
                json_string(base);
                printf(", \"group\": %d, \"test\": %d, \"valid\": %s}\n", gi - 1, ti - 1,
                       r.valid ? "true" : "false");
            }
            if (r.valid == cJSON_IsTrue(want)) {
                passed++;
            } else {
                failed++;
                if (!print) {
                    printf("FAIL %s: %s: %s: expected %s, got %s\n", base, gname,
                           cJSON_IsString(tdesc) ? tdesc->valuestring : "",
                           cJSON_IsTrue(want) ? "valid" : "invalid", r.valid ? "valid" : "invalid");
                    for (size_t i = 0; verbose && i < r.count; i++)
                        printf("    %s: %s (%s)\n", r.items[i].instance, r.items[i].message,
                               r.items[i].schema);
                }
            }
            mr_jsonschema_result_release(&r);
        }
        mr_jsonschema_free(s);
    }
    cJSON_Delete(root);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;
    int rc = 0;

    if (stat(path, &st) != 0)
        return 77;
    if (!S_ISDIR(st.st_mode))
        return run_file(path) == 0 ? 0 : 2;
    d = opendir(path);
    if (!d)
        return 2;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".json")) {
            names = realloc(names, (n + 1) * sizeof(*names));
            names[n++] = strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp_str); /* a stable order for --print */
    for (size_t i = 0; i < n; i++) {
        char file[1024];
        snprintf(file, sizeof(file), "%s/%s", path, names[i]);
        if (rc == 0 && run_file(file) != 0)
            rc = 2;
        free(names[i]);
    }
    free(names);
    return rc;
}

/* The `passed` cell of the row whose first cell is `name` (in backquotes). */
static long recorded(const char *doc, const char *name)
{
    FILE *f = fopen(doc, "r");
    char line[1024], want[128];
    long figure = -1;

    if (!f)
        return -1;
    snprintf(want, sizeof(want), "| `%s` |", name);
    while (fgets(line, sizeof(line), f)) {
        char *cell;
        int i = 0;
        if (strncmp(line, want, strlen(want)) != 0)
            continue;
        for (cell = strtok(line, "|"); cell && i < 2; cell = strtok(NULL, "|"))
            i++;
        if (cell)
            figure = strtol(cell, NULL, 10);
        break;
    }
    fclose(f);
    return figure;
}

int main(int argc, char **argv)
{
    const char *figures = NULL, *name = NULL;
    int i, rc = 0;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--dialect") && i + 1 < argc) {
            const char *d = argv[++i];
            dialect = !strcmp(d, "draft4")      ? MR_JSONSCHEMA_DRAFT4
                      : !strcmp(d, "openapi30") ? MR_JSONSCHEMA_OPENAPI30
                                                : MR_JSONSCHEMA_2020_12;
        } else if (!strcmp(argv[i], "--remotes") && i + 1 < argc) {
            struct stat st;
            if (stat(argv[i + 1], &st) != 0) {
                printf("jsonschema_suite: %s is missing: install json-schema-test-suite "
                       "(ci/setup)\n",
                       argv[i + 1]);
                return 77;
            }
            if (!add_remotes(argv[++i], "http://localhost:1234/"))
                return 2;
        } else if (!strcmp(argv[i], "--doc") && i + 1 < argc) {
            char *eq = strchr(argv[++i], '=');
            if (!eq)
                return 2;
            *eq = '\0';
            if (access(eq + 1, R_OK) != 0) {
                printf("jsonschema_suite: %s is missing: install python3-jsonschema (ci/setup)\n",
                       eq + 1);
                return 77;
            }
            if (!add_doc(argv[i], eq + 1))
                return 2;
        } else if (!strcmp(argv[i], "--skip") && i + 1 < argc) {
            if (!read_skips(argv[++i]))
                return 2;
        } else if (!strcmp(argv[i], "--figures") && i + 1 < argc) {
            figures = argv[++i];
        } else if (!strcmp(argv[i], "--name") && i + 1 < argc) {
            name = argv[++i];
        } else if (!strcmp(argv[i], "--print")) {
            print = true;
        } else if (!strcmp(argv[i], "--formats")) {
            formats = true;
        } else if (!strcmp(argv[i], "-v")) {
            verbose = true;
        } else {
            fprintf(stderr, "jsonschema_suite: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    for (; i < argc && rc == 0; i++) {
        rc = run_path(argv[i]);
        if (rc == 77)
            printf("jsonschema_suite: %s is missing: install json-schema-test-suite (ci/setup)\n",
                   argv[i]);
    }
    for (size_t k = 0; k < ndocs; k++) {
        cJSON_Delete(docs[k].root);
        free(docs[k].uri);
    }
    for (size_t k = 0; k < nskips; k++)
        free(skips[k]);
    free(skips);
    if (rc != 0)
        return rc;
    if (print)
        return 0;
    printf("%s: %zu passed, %zu failed, %zu skipped\n", name ? name : "suite", passed, failed,
           skipped);
    if (figures && name) {
        long want = recorded(figures, name);
        if (want < 0) {
            printf("jsonschema_suite: %s has no row `%s`\n", figures, name);
            return 1;
        }
        if ((long)passed < want) {
            printf("jsonschema_suite: %zu passed, fewer than the %ld %s records\n", passed, want,
                   figures);
            return 1;
        }
        if ((long)passed > want)
            printf("jsonschema_suite: %zu passed, more than the %ld %s records: update it\n",
                   passed, want, figures);
        return 0;
    }
    return failed == 0 ? 0 : 1;
}
