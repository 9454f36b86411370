/*
 * fuzz_jsondoc.c - JSON documents (common/jsondoc.h): the parse entry and
 * the JSON path locator.
 *
 * Input: a path, a newline, then the text (any bytes, NULs included; the
 * text is handed over without a NUL after it). The text is parsed as a
 * document; both want_key values are tried, then line:column of the result.
 *
 * Parse oracles: it succeeds exactly when cJSON accepts the text and only
 * blanks follow the value; on failure the error is a scenario error whose
 * line:column lies within the text (or just past its end).
 *
 * Oracles: a found offset is within the text (<= len); a key offset points
 * at the key's opening quote. When the text is JSON that cJSON accepts and
 * that holds no backslash and no control byte (so raw bytes and cJSON's
 * decoded keys agree, and both see the same whitespace), the locator must
 * find exactly the values cJSON finds, and the text at the offset must parse
 * to an equal value; and every path mr_jsondoc_push_key/_index builds for
 * the document's members must lead back to them.
 */
#include "tests/fuzz/fuzz.h"

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "common/jsondoc.h"

/* ---- an independent reading of the path syntax (a strict subset) ---- */

#define MAX_COMPS 32

struct comp {
    bool is_index;
    const char *key; /* into the path; not NUL-terminated */
    size_t klen;
    size_t index;
};

/* `name`, `.name`, `[digits]`, `["any bytes but a quote"]`; false if it is anything else. */
static bool split_path(const char *p, struct comp *c, size_t *n)
{
    *n = 0;
    while (*p) {
        struct comp *k = &c[*n];
        if (*n == MAX_COMPS)
            return false;
        if (*p == '.') {
            if (*n == 0)
                return false;
            p++;
        }
        if (p[0] == '[' && p[1] == '"') {
            const char *q = strchr(p + 2, '"');
            if (!q || q[1] != ']')
                return false;
            k->is_index = false;
            k->key = p + 2;
            k->klen = (size_t)(q - (p + 2));
            p = q + 2;
        } else if (p[0] == '[') {
            size_t digits = 0;
            k->is_index = true;
            k->index = 0;
            for (p++; *p >= '0' && *p <= '9'; p++, digits++)
                k->index = k->index * 10 + (size_t)(*p - '0');
            if (digits == 0 || digits > 9 || *p != ']')
                return false;
            p++;
        } else {
            const char *start = p;
            while (*p && *p != '.' && *p != '[' && *p != '"')
                p++;
            if (p == start || *p == '"')
                return false;
            k->is_index = false;
            k->key = start;
            k->klen = (size_t)(p - start);
        }
        (*n)++;
    }
    return true;
}

static const cJSON *resolve(const cJSON *v, const struct comp *c, size_t n)
{
    size_t i;

    for (i = 0; i < n && v; i++) {
        if (c[i].is_index) {
            if (!cJSON_IsArray(v))
                return NULL;
            v = cJSON_GetArrayItem(v, (int)c[i].index);
        } else {
            const cJSON *m;
            if (!cJSON_IsObject(v))
                return NULL;
            /* the first member with this exact key, as the locator takes it */
            for (m = v->child; m; m = m->next)
                if (strlen(m->string) == c[i].klen && memcmp(m->string, c[i].key, c[i].klen) == 0)
                    break;
            v = m;
        }
    }
    return v;
}

/* Same type, keys and values, member by member in order (cJSON_Compare
 * looks members up by key, so an object with a duplicate key differs from
 * itself there). */
static bool same_json(const cJSON *a, const cJSON *b)
{
    if ((a->type & 0xFF) != (b->type & 0xFF))
        return false;
    if ((a->string == NULL) != (b->string == NULL) ||
        (a->string && strcmp(a->string, b->string) != 0))
        return false;
    if (cJSON_IsString(a))
        return strcmp(a->valuestring, b->valuestring) == 0;
    if (cJSON_IsNumber(a))
        return memcmp(&a->valuedouble, &b->valuedouble, sizeof(double)) == 0;
    if (cJSON_IsArray(a) || cJSON_IsObject(a)) {
        for (a = a->child, b = b->child; a && b; a = a->next, b = b->next)
            if (!same_json(a, b))
                return false;
        return !a && !b;
    }
    return true;
}

/* The text at `offset` parses (as a prefix) to a value equal to `want`. */
static bool value_at(const char *text, size_t len, size_t offset, const cJSON *want)
{
    cJSON *got = cJSON_ParseWithLengthOpts(text + offset, len - offset, NULL, false);
    bool same = false;

    if (got) {
        /* the parsed value has no key; compare it as if it had want's */
        char *key = got->string;
        got->string = want->string;
        same = same_json(got, want);
        got->string = key;
    }

    cJSON_Delete(got);
    return same;
}

static bool plain_json(const char *text, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\\' || (ch < 0x20 && ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') ||
            ch == 0x7f)
            return false;
    }
    return true;
}

/* Every member down to `depth`: the path the loader would build must find it. */
static void walk(const char *text, size_t len, const cJSON *v, char *path, size_t n, int depth,
                 int *budget)
{
    const cJSON *m;
    size_t i = 0, prev = SIZE_MAX; /* the previous item's offset, when found */

    if (depth == 0 || (!cJSON_IsObject(v) && !cJSON_IsArray(v)))
        return;
    for (m = v->child; m && *budget > 0; m = m->next, i++) {
        size_t n2 = n, off, koff, next;
        path[n] = '\0';
        (*budget)--;
        if (cJSON_IsObject(v)) {
            /* push_key cannot express a key holding `"]`; its result would not parse */
            if (strstr(m->string, "\"]"))
                continue;
            mr_jsondoc_push_key(path, 512, &n2, m->string);
        } else {
            mr_jsondoc_push_index(path, 512, &n2, i);
        }
        if (n2 >= 500) { /* possibly truncated */
            prev = SIZE_MAX;
            continue;
        }
        FUZZ_CHECK(strlen(path) == n2);
        if (cJSON_IsObject(v)) {
            const cJSON *first = cJSON_GetObjectItemCaseSensitive(v, m->string);
            if (first != m) /* a duplicate key: the locator finds the first */
                continue;
        }
        FUZZ_CHECK(mr_jsondoc_locate(text, len, path, false, &off));
        FUZZ_CHECK(off < len && value_at(text, len, off, m));
        FUZZ_CHECK(mr_jsondoc_locate(text, len, path, true, &koff));
        if (cJSON_IsObject(v)) {
            size_t kl = strlen(m->string);
            FUZZ_CHECK(koff < off && text[koff] == '"');
            FUZZ_CHECK(kl + 2 <= len - koff && memcmp(text + koff + 1, m->string, kl) == 0 &&
                       text[koff + 1 + kl] == '"');
        } else {
            FUZZ_CHECK(koff == off);
            /* walking item by item finds what locating each one finds */
            next = prev;
            if (prev != SIZE_MAX)
                FUZZ_CHECK(mr_jsondoc_next_item(text, len, &next) && next == off);
            next = off;
            FUZZ_CHECK(mr_jsondoc_next_item(text, len, &next) == (m->next != NULL));
            prev = off;
        }
        walk(text, len, m, path, n2, depth - 1, budget);
    }
    path[n] = '\0';
}

static void cross_check(const char *text, size_t len, const char *path, bool found, size_t off,
                        bool kfound, size_t koff)
{
    struct comp c[MAX_COMPS];
    size_t n;
    cJSON *root;
    const cJSON *want;

    if (!plain_json(text, len))
        return;
    root = cJSON_ParseWithLengthOpts(text, len, NULL, false);
    if (!root)
        return;
    if (split_path(path, c, &n)) {
        want = resolve(root, c, n);
        FUZZ_CHECK(found == (want != NULL));
        FUZZ_CHECK(kfound == found);
        if (want) {
            FUZZ_CHECK(off < len && value_at(text, len, off, want));
            if (n > 0 && !c[n - 1].is_index) {
                FUZZ_CHECK(koff < off && text[koff] == '"');
                FUZZ_CHECK(c[n - 1].klen + 2 <= len - koff &&
                           memcmp(text + koff + 1, c[n - 1].key, c[n - 1].klen) == 0 &&
                           text[koff + 1 + c[n - 1].klen] == '"');
            } else {
                FUZZ_CHECK(koff == off);
            }
        }
    }
    {
        char buf[512];
        int budget = 64;
        buf[0] = '\0';
        walk(text, len, root, buf, 0, 4, &budget);
    }
    cJSON_Delete(root);
}

static void check_parse(const char *text, size_t len)
{
    struct mr_error err;
    const char *end = NULL, *p;
    cJSON *want = cJSON_ParseWithLengthOpts(text, len, &end, false);
    cJSON *got = mr_jsondoc_parse("f.json", text, len, &err);
    bool whole = false;
    int line = 1, col = 1;
    size_t i;

    if (want) {
        for (p = end ? end : text + len; p < text + len && strchr(" \t\r\n", *p) && *p; p++)
            ;
        whole = p == text + len;
    }
    FUZZ_CHECK((got != NULL) == whole);
    if (got) {
        /* the same tree (printed: cJSON_Compare gives up on repeated keys) */
        char *a = cJSON_PrintUnformatted(got), *b = cJSON_PrintUnformatted(want);
        FUZZ_CHECK(!a || !b || strcmp(a, b) == 0);
        cJSON_free(a);
        cJSON_free(b);
    } else {
        FUZZ_CHECK(err.code == MR_ESCENARIO && strcmp(err.file, "f.json") == 0);
        for (i = 0; i < len; i++) { /* the place of the end of the text */
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        FUZZ_CHECK(err.line >= 1 && err.column >= 1);
        FUZZ_CHECK(err.line < line || (err.line == line && err.column <= col));
        FUZZ_CHECK(strncmp(err.msg, "invalid JSON", 12) == 0);
    }
    cJSON_Delete(got);
    cJSON_Delete(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t plen = nl ? (size_t)(nl - data) : size;
    size_t len = nl ? size - plen - 1 : 0;
    char *path = fuzz_copy(data, plen, 1);
    char *text = fuzz_copy(nl ? nl + 1 : data + size, len, 0);
    size_t off = (size_t)-1, koff = (size_t)-1;
    bool found, kfound;
    int line, col, l2, c2;

    found = mr_jsondoc_locate(text, len, path, false, &off);
    kfound = mr_jsondoc_locate(text, len, path, true, &koff);
    {
        /* a later member of the same name, if any, lies after the first */
        size_t noff;
        if (mr_jsondoc_locate_nth(text, len, path, true, 1, &noff))
            FUZZ_CHECK(kfound && noff <= len && (koff == off || noff > koff));
    }
    if (found) {
        FUZZ_CHECK(off <= len);
        mr_jsondoc_linecol(text, len, off, &line, &col);
        FUZZ_CHECK(line >= 1 && col >= 1);
        FUZZ_CHECK((size_t)line <= off + 1 && (size_t)col <= off + 1);
    }
    if (kfound) {
        FUZZ_CHECK(koff <= len);
        FUZZ_CHECK(koff == off || (koff < len && text[koff] == '"'));
        mr_jsondoc_linecol(text, len, koff, &line, &col);
        FUZZ_CHECK(line >= 1 && col >= 1);
    }
    /* an offset past the end counts as the end */
    mr_jsondoc_linecol(text, len, (size_t)-1, &line, &col);
    mr_jsondoc_linecol(text, len, len, &l2, &c2);
    FUZZ_CHECK(line == l2 && col == c2);

    cross_check(text, len, path, found, off, kfound, koff);
    check_parse(text, len);
    free(text);
    free(path);
    return 0;
}
