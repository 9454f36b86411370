#include "common/jsondoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

/* The scanner works on [p, end). Every helper returns NULL on malformed text. */

/* Between tokens cJSON skips every byte up to the space (NUL and other control
 * bytes too), so the locator does the same: what cJSON loaded is found. */
static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (unsigned char)*p <= ' ')
        p++;
    return p;
}

/* p at the opening quote; returns the pointer after the closing quote. */
static const char *skip_string(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        if (*p == '\\') {
            p++;
            continue;
        }
        if (*p == '"')
            return p + 1;
    }
    return NULL;
}

/* Skips one value of any kind without recursion: nesting is a counter. */
static const char *skip_value(const char *p, const char *end)
{
    size_t depth = 0;

    p = skip_ws(p, end);
    if (p >= end)
        return NULL;
    do {
        if (p >= end)
            return NULL;
        switch (*p) {
        case '"':
            p = skip_string(p, end);
            if (!p)
                return NULL;
            break;
        case '{':
        case '[':
            depth++;
            p++;
            break;
        case '}':
        case ']':
            if (depth == 0)
                return NULL;
            depth--;
            p++;
            break;
        default:
            if (depth == 0) {
                /* a scalar: runs to a delimiter */
                const char *start = p;
                while (p < end && (unsigned char)*p > ' ' && !strchr(",}]", *p))
                    p++;
                return p > start ? p : NULL;
            }
            p++;
            break;
        }
    } while (depth > 0);
    return p;
}

/* Compares the raw string at p (opening quote) with key[0..klen). */
static bool key_equals(const char *p, const char *end, const char *key, size_t klen)
{
    const char *q = skip_string(p, end);
    if (!q)
        return false;
    return (size_t)(q - p - 2) == klen && memcmp(p + 1, key, klen) == 0;
}

/* Reads the next path component: a key (into key/klen) or an index. */
enum comp { COMP_END, COMP_KEY, COMP_INDEX, COMP_BAD };

static enum comp next_comp(const char **pp, const char **key, size_t *klen, size_t *index)
{
    const char *p = *pp;

    if (*p == '\0')
        return COMP_END;
    if (*p == '.')
        p++;
    if (p[0] == '[' && p[1] == '"') {
        const char *q = strstr(p + 2, "\"]");
        if (!q)
            return COMP_BAD;
        *key = p + 2;
        *klen = (size_t)(q - p - 2);
        *pp = q + 2;
        return COMP_KEY;
    }
    if (*p == '[') {
        size_t v = 0;
        p++;
        if (*p < '0' || *p > '9')
            return COMP_BAD;
        while (*p >= '0' && *p <= '9') {
            if (v > (size_t)-1 / 10 - 10)
                return COMP_BAD;
            v = v * 10 + (size_t)(*p - '0');
            p++;
        }
        if (*p != ']')
            return COMP_BAD;
        *index = v;
        *pp = p + 1;
        return COMP_INDEX;
    }
    *key = p;
    while (*p && *p != '.' && *p != '[')
        p++;
    *klen = (size_t)(p - *key);
    *pp = p;
    return *klen ? COMP_KEY : COMP_BAD;
}

bool mr_jsondoc_locate(const char *text, size_t len, const char *path, bool want_key,
                       size_t *offset)
{
    return mr_jsondoc_locate_nth(text, len, path, want_key, 0, offset);
}

/* The array item after the one at p (past a ',', never ']'), or NULL. */
static const char *item_after(const char *p, const char *end)
{
    p = skip_value(p, end);
    if (!p)
        return NULL;
    p = skip_ws(p, end);
    if (p >= end || *p != ',')
        return NULL;
    p = skip_ws(p + 1, end);
    return p < end && *p != ']' ? p : NULL;
}

bool mr_jsondoc_locate_nth(const char *text, size_t len, const char *path, bool want_key,
                           size_t nth, size_t *offset)
{
    const char *end = text + len;
    const char *p = skip_ws(text, end);
    const char *keypos = NULL;
    const char *key = NULL;
    size_t klen = 0, index = 0;

    for (;;) {
        enum comp c = next_comp(&path, &key, &klen, &index);
        if (c == COMP_END)
            break;
        if (c == COMP_BAD || p >= end)
            return false;
        if (c == COMP_KEY) {
            bool found = false;
            if (*p != '{')
                return false;
            p = skip_ws(p + 1, end);
            if (p < end && *p == '}')
                return false;
            while (p < end && *p == '"') {
                const char *k = p;
                p = skip_string(p, end);
                if (!p)
                    return false;
                p = skip_ws(p, end);
                if (p >= end || *p != ':')
                    return false;
                p = skip_ws(p + 1, end);
                if (key_equals(k, end, key, klen)) {
                    if (*path == '\0' && nth > 0) {
                        nth--; /* an earlier member of that name: look further */
                    } else {
                        keypos = k;
                        found = true;
                        break;
                    }
                }
                p = skip_value(p, end);
                if (!p)
                    return false;
                p = skip_ws(p, end);
                if (p >= end || *p != ',')
                    return false;
                p = skip_ws(p + 1, end);
            }
            if (!found)
                return false;
        } else {
            size_t i;
            if (*p != '[')
                return false;
            p = skip_ws(p + 1, end);
            if (p >= end || *p == ']')
                return false;
            for (i = 0; i < index; i++)
                if ((p = item_after(p, end)) == NULL)
                    return false;
            keypos = NULL;
        }
    }
    if (want_key && keypos) {
        *offset = (size_t)(keypos - text);
        return true;
    }
    if (p > end)
        return false;
    *offset = (size_t)(p - text);
    return true;
}

bool mr_jsondoc_next_item(const char *text, size_t len, size_t *offset)
{
    const char *end = text + len, *p;

    if (*offset >= len || (p = item_after(text + *offset, end)) == NULL)
        return false;
    *offset = (size_t)(p - text);
    return true;
}

void mr_jsondoc_linecol(const char *text, size_t len, size_t offset, int *line, int *column)
{
    int l = 1, c = 1;
    size_t i;

    if (offset > len)
        offset = len;
    for (i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *column = c;
}

static bool plain_key(const char *key)
{
    if (!*key)
        return false;
    for (; *key; key++) {
        char ch = *key;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-' || ch == '$'))
            return false;
    }
    return true;
}

static void append(char *buf, size_t size, size_t *n, const char *s)
{
    size_t l = strlen(s);
    if (*n >= size)
        return;
    if (l > size - 1 - *n)
        l = size - 1 - *n;
    memcpy(buf + *n, s, l);
    *n += l;
    buf[*n] = '\0';
}

void mr_jsondoc_push_key(char *buf, size_t size, size_t *n, const char *key)
{
    if (plain_key(key)) {
        if (*n > 0)
            append(buf, size, n, ".");
        append(buf, size, n, key);
    } else {
        append(buf, size, n, "[\"");
        append(buf, size, n, key);
        append(buf, size, n, "\"]");
    }
}

void mr_jsondoc_push_index(char *buf, size_t size, size_t *n, size_t index)
{
    char tmp[32];
    snprintf(tmp, sizeof(tmp), "[%zu]", index);
    append(buf, size, n, tmp);
}

/* --- parsing a document ------------------------------------------------- */

static bool json_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* True when `at` lies directly inside an object rather than an array. */
static bool in_object(const char *text, size_t at)
{
    char open[256];
    size_t depth = 0, i;
    bool str = false;

    for (i = 0; i < at; i++) {
        char c = text[i];
        if (str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                str = false;
        } else if (c == '"') {
            str = true;
        } else if (c == '{' || c == '[') {
            if (depth < sizeof(open))
                open[depth] = c;
            depth++;
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
        }
    }
    return depth > 0 && depth <= sizeof(open) && open[depth - 1] == '{';
}

/*
 * Where a syntax error is. cJSON points one byte past a member name that does
 * not start with '"' ({id: 1}, or the '}' of {"a": 1,}): when the byte before
 * its pointer is such a name's first byte (after '{' or ',', not a quote), that
 * byte is the error.
 */
static size_t syntax_error_offset(const char *text, size_t len, size_t off)
{
    size_t i;

    if (off == 0 || off > len || json_blank(text[off - 1]) || text[off - 1] == '"')
        return off;
    for (i = off - 1; i > 0 && json_blank(text[i - 1]); i--)
        ;
    if (i > 0 && (text[i - 1] == '{' || (text[i - 1] == ',' && in_object(text, i - 1))))
        return off - 1;
    return off;
}

/*
 * cJSON reports an error found at the end of the input at its last byte, so a
 * truncated file would be blamed on a byte that is fine. Parsing again with
 * one and then two blanks appended tells them apart: only when the document
 * is cut short does the error position follow the end of the input.
 */
static bool truncated(const char *text, size_t len, const char *end)
{
    char *padded;
    size_t pad;
    bool cut = true;

    if (len == 0)
        return true;
    if (!end || end != text + len - 1)
        return false;
    padded = malloc(len + 2);
    if (!padded)
        return false;
    memcpy(padded, text, len);
    padded[len] = padded[len + 1] = ' ';
    for (pad = 1; pad <= 2 && cut; pad++) {
        const char *end2 = NULL;
        cJSON *root = cJSON_ParseWithLengthOpts(padded, len + pad, &end2, false);
        cut = !root && end2 == padded + len + pad - 1;
        cJSON_Delete(root);
    }
    free(padded);
    return cut;
}

/* The syntax error at byte `off`: where, and near what. */
static void syntax_error(const char *file, const char *text, size_t len, size_t off,
                         struct mr_error *err)
{
    off = syntax_error_offset(text, len, off);
    memset(err, 0, sizeof(*err));
    err->code = MR_ESCENARIO;
    mr_error_at(err, file, "", 0, 0);
    mr_jsondoc_linecol(text, len, off, &err->line, &err->column);
    if (off >= len)
        snprintf(err->msg, sizeof(err->msg), "invalid JSON: unexpected end of file");
    else if ((unsigned char)text[off] >= 0x20 && (unsigned char)text[off] < 0x7f)
        snprintf(err->msg, sizeof(err->msg), "invalid JSON near '%c'", text[off]);
    else
        snprintf(err->msg, sizeof(err->msg), "invalid JSON near byte 0x%02x",
                 (unsigned char)text[off]);
}

void mr_jsondoc_skip_bom(const char **text, size_t *len)
{
    if (*len >= 3 && memcmp(*text, "\xEF\xBB\xBF", 3) == 0) {
        *text += 3;
        *len -= 3;
    }
}

struct cJSON *mr_jsondoc_parse(const char *file, const char *text, size_t len, struct mr_error *err)
{
    const char *end = NULL, *p;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);

    if (!root) {
        const char *at = truncated(text, len, end) ? text + len : end ? end : cJSON_GetErrorPtr();
        syntax_error(file, text, len, at && at >= text ? (size_t)(at - text) : 0, err);
        return NULL;
    }
    /* cJSON stops after the first value; anything but blanks after it is an error */
    for (p = end ? end : text + len; p < text + len && json_blank(*p); p++)
        ;
    if (p < text + len) {
        syntax_error(file, text, len, (size_t)(p - text), err);
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* --- body paths ----------------------------------------------------------- */

/* Both forms; with `wild`, `[*]`, `.*` and a `*` name of the object-path form
 * are wildcards: step gets s NULL. */
static const char *split_path(const char *src, bool wild,
                              bool (*step)(void *ctx, const char *s, size_t n), void *ctx)
{
    const char *p = src;

#define STEP(from, len)                                                                            \
    do {                                                                                           \
        if (step && !step(ctx, (from), (size_t)(len)))                                             \
            return "";                                                                             \
    } while (0)
    if (*p != '$') {
        /* object-path: dot-separated names; digits index arrays */
        for (;;) {
            size_t n = strcspn(p, ".");
            if (n == 0)
                return "an empty name in the path";
            if (wild && n == 1 && *p == '*')
                STEP(NULL, 0);
            else
                STEP(p, n);
            if (!p[n])
                return NULL;
            p += n + 1;
        }
    }
    for (p++; *p;) {
        if (p[0] == '.' && p[1] == '.')
            return "recursive descent (..) is not supported";
        if (*p == '.') {
            size_t n = strcspn(++p, ".[");
            if (n == 0)
                return "an empty name in the path";
            if (n == 1 && *p == '*' && !wild)
                return "wildcards are not supported";
            if (n == 1 && *p == '*')
                STEP(NULL, 0);
            else
                STEP(p, n);
            p += n;
        } else if (p[0] == '[' && (p[1] == '\'' || p[1] == '"')) {
            const char *end = strchr(p + 2, p[1]);
            if (!end || end[1] != ']')
                return "an unclosed ['name']";
            STEP(p + 2, end - (p + 2));
            p = end + 2;
        } else if (p[0] == '[' && p[1] >= '0' && p[1] <= '9') {
            size_t n = strspn(p + 1, "0123456789");
            if (p[1 + n] != ']')
                return "expected ] after an index";
            STEP(p + 1, n);
            p += n + 2;
        } else if (wild && p[0] == '[' && p[1] == '*' && p[2] == ']') {
            STEP(NULL, 0);
            p += 3;
        } else if (*p == '[') {
            return wild ? "only [n], ['name'] and [*] are supported inside brackets"
                        : "only [n] and ['name'] are supported inside brackets";
        } else {
            return "expected . or [ after a step";
        }
    }
#undef STEP
    return NULL;
}

const char *mr_jsondoc_split_path(const char *src, bool (*step)(void *ctx, const char *s, size_t n),
                                  void *ctx)
{
    return split_path(src, false, step, ctx);
}

const char *mr_jsondoc_split_path_wild(const char *src,
                                       bool (*step)(void *ctx, const char *s, size_t n), void *ctx)
{
    return split_path(src, true, step, ctx);
}
