#include "scenarios/jsonpath.h"

#include <stdio.h>
#include <string.h>

/* The scanner works on [p, end). Every helper returns NULL on malformed text. */

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
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
                while (p < end && !strchr(",}] \t\r\n", *p))
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

bool mr_jsonpath_locate(const char *text, size_t len, const char *path, bool want_key,
                        size_t *offset)
{
    return mr_jsonpath_locate_nth(text, len, path, want_key, 0, offset);
}

bool mr_jsonpath_locate_nth(const char *text, size_t len, const char *path, bool want_key,
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
            for (i = 0; i < index; i++) {
                p = skip_value(p, end);
                if (!p)
                    return false;
                p = skip_ws(p, end);
                if (p >= end || *p != ',')
                    return false;
                p = skip_ws(p + 1, end);
            }
            if (p >= end || *p == ']')
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

void mr_jsonpath_linecol(const char *text, size_t len, size_t offset, int *line, int *column)
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

void mr_jsonpath_push_key(char *buf, size_t size, size_t *n, const char *key)
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

void mr_jsonpath_push_index(char *buf, size_t size, size_t *n, size_t index)
{
    char tmp[32];
    snprintf(tmp, sizeof(tmp), "[%zu]", index);
    append(buf, size, n, tmp);
}
