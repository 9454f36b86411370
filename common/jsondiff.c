/*
 * jsondiff.c - the walk over two JSON values, and the line of a difference.
 */
#include "common/jsondiff.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

/* The differences already named inside array items (SHAPE): their keys, in
 * an open-addressing hash set. */
struct seen {
    char **keys;
    size_t n, cap; /* cap: a power of two, or 0 */
};

/* The walk's state: the path so far, and where differences go. */
struct walk {
    enum mr_jsondiff_mode mode;
    mr_jsondiff_fn each;
    void *ctx;
    size_t count;
    unsigned stars; /* `[*]` steps in the path */
    struct seen seen;
    char path[MR_JSONDIFF_PATH_MAX];
};

/* JSON's types, true and false as one. */
static int type_of(const cJSON *v)
{
    return (v->type & 0xFF) == cJSON_True ? cJSON_False : v->type & 0xFF;
}

const char *mr_jsondiff_type(const cJSON *v)
{
    switch (type_of(v)) {
    case cJSON_Object:
        return "an object";
    case cJSON_Array:
        return "an array";
    case cJSON_String:
        return "a string";
    case cJSON_Number:
        return "a number";
    case cJSON_False:
        return "a boolean";
    default:
        return "null";
    }
}

static uint64_t hash(const char *s)
{
    uint64_t h = 14695981039346656037ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Adds `key` to the set; false when it was there. Without memory it is
 * never there (the difference is named again). */
static bool first_time(struct seen *s, const char *key)
{
    size_t i, k;

    if (s->n * 2 >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char **keys = calloc(cap, sizeof(*keys));
        if (!keys)
            return true;
        for (i = 0; i < s->cap; i++) {
            if (!s->keys[i])
                continue;
            for (k = hash(s->keys[i]) & (cap - 1); keys[k]; k = (k + 1) & (cap - 1))
                ;
            keys[k] = s->keys[i];
        }
        free(s->keys);
        s->keys = keys;
        s->cap = cap;
    }
    for (k = hash(key) & (s->cap - 1); s->keys[k]; k = (k + 1) & (s->cap - 1))
        if (strcmp(s->keys[k], key) == 0)
            return false;
    if ((s->keys[k] = strdup(key)) != NULL)
        s->n++;
    return true;
}

static void found(struct walk *w, const cJSON *want, const cJSON *have)
{
    if (w->stars > 0) {
        /* the same kind of difference at the same path, in another item */
        char key[MR_JSONDIFF_PATH_MAX + 8];
        snprintf(key, sizeof(key), "%d %d %s", want ? type_of(want) : -1, have ? type_of(have) : -1,
                 w->path);
        if (!first_time(&w->seen, key))
            return;
    }
    w->count++;
    if (w->each)
        w->each(w->ctx, w->path, want, have);
}

/* Appends `.key`, `["odd key"]`, `[i]` or (index SIZE_MAX) `[*]`; returns the
 * length to go back to.
 * A path too long for the buffer ends in `…`. */
static size_t push(struct walk *w, const char *key, size_t index)
{
    size_t n = strlen(w->path), k;
    char seg[MR_ELIDED_MAX + 8], v[MR_ELIDED_MAX];

    if (!key && index == SIZE_MAX) {
        snprintf(seg, sizeof(seg), "[*]");
    } else if (!key) {
        snprintf(seg, sizeof(seg), "[%zu]", index);
    } else if (*key &&
               strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$0123456789") ==
                   strlen(key) &&
               !isdigit((unsigned char)*key)) {
        mr_printable_elide(v, sizeof(v), key, strlen(key), false);
        snprintf(seg, sizeof(seg), ".%s", v);
    } else {
        mr_printable_elide(v, sizeof(v), key, strlen(key), true);
        snprintf(seg, sizeof(seg), "[%s]", v);
    }
    k = strlen(seg);
    if (n + k + 4 < sizeof(w->path))
        memcpy(w->path + n, seg, k + 1);
    else if (n < 3 || strcmp(w->path + n - 3, "\u2026") != 0)
        snprintf(w->path + n, sizeof(w->path) - n, "\u2026");
    return n;
}

static void walk(struct walk *w, const cJSON *want, const cJSON *have, bool subset)
{
    const cJSON *c;
    size_t n;

    if (cJSON_IsObject(want) && cJSON_IsObject(have)) {
        cJSON_ArrayForEach(c, want)
        {
            const cJSON *h = cJSON_GetObjectItemCaseSensitive(have, c->string);
            n = push(w, c->string, 0);
            if (h)
                walk(w, c, h, subset);
            else
                found(w, c, NULL);
            w->path[n] = '\0';
        }
        if (subset)
            return;
        cJSON_ArrayForEach(c, have)
        {
            if (cJSON_GetObjectItemCaseSensitive(want, c->string))
                continue;
            n = push(w, c->string, 0);
            found(w, NULL, c);
            w->path[n] = '\0';
        }
        return;
    }
    if (w->mode == MR_JSONDIFF_SHAPE && cJSON_IsArray(want) && cJSON_IsArray(have)) {
        if (!want->child)
            return;
        n = push(w, NULL, SIZE_MAX);
        w->stars++;
        cJSON_ArrayForEach(c, have) walk(w, want->child, c, false);
        w->stars--;
        w->path[n] = '\0';
        return;
    }
    if (cJSON_IsArray(want) && cJSON_IsArray(have)) {
        const cJSON *a = want->child, *b = have->child;
        size_t i;
        for (i = 0; a || b; i++) {
            n = push(w, NULL, i);
            if (a && b)
                walk(w, a, b, false); /* arrays compare exactly */
            else
                found(w, a, b);
            w->path[n] = '\0';
            a = a ? a->next : NULL;
            b = b ? b->next : NULL;
        }
        return;
    }
    if (w->mode == MR_JSONDIFF_SHAPE ? type_of(want) != type_of(have)
                                     : !cJSON_Compare(want, have, true))
        found(w, want, have);
}

size_t mr_jsondiff(const cJSON *want, const cJSON *have, enum mr_jsondiff_mode mode,
                   mr_jsondiff_fn each, void *ctx)
{
    struct walk w;
    size_t i;

    memset(&w, 0, sizeof(w));
    w.mode = mode;
    w.each = each;
    w.ctx = ctx;
    snprintf(w.path, sizeof(w.path), "$");
    walk(&w, want, have, mode == MR_JSONDIFF_SUBSET);
    for (i = 0; i < w.seen.cap; i++)
        free(w.seen.keys[i]);
    free(w.seen.keys);
    return w.count;
}

void mr_jsondiff_value(char *dst, size_t size, const cJSON *v)
{
    char *s = cJSON_PrintUnformatted(v);

    if (!s) {
        snprintf(dst, size, "(out of memory)");
        return;
    }
    mr_printable_elide(dst, size, s, strlen(s), false);
    cJSON_free(s);
}

void mr_jsondiff_line(char *buf, size_t size, const char *path, const cJSON *want,
                      const cJSON *have)
{
    char w[MR_ELIDED_MAX], h[MR_ELIDED_MAX];

    if (want)
        mr_jsondiff_value(w, sizeof(w), want);
    if (have)
        mr_jsondiff_value(h, sizeof(h), have);
    if (!have)
        snprintf(buf, size, "%s: missing, expected %s", path, want ? w : "nothing");
    else if (!want)
        snprintf(buf, size, "%s: unexpected, got %s", path, h);
    else
        snprintf(buf, size, "%s: expected %s, got %s", path, w, h);
}
