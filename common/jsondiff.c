/*
 * jsondiff.c - the walk over two JSON values, and the line of a difference.
 */
#include "common/jsondiff.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

/* The walk's state: the path so far, and where differences go. */
struct walk {
    enum mr_jsondiff_mode mode;
    mr_jsondiff_fn each;
    void *ctx;
    size_t count;
    char path[MR_JSONDIFF_PATH_MAX];
};

static void found(struct walk *w, const cJSON *want, const cJSON *have)
{
    w->count++;
    if (w->each)
        w->each(w->ctx, w->path, want, have);
}

/* Appends `.key`, `["odd key"]` or `[i]`; returns the length to go back to.
 * A path too long for the buffer ends in `…`. */
static size_t push(struct walk *w, const char *key, size_t index)
{
    size_t n = strlen(w->path), k;
    char seg[MR_ELIDED_MAX + 8], v[MR_ELIDED_MAX];

    if (!key) {
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
    if (!cJSON_Compare(want, have, true))
        found(w, want, have);
}

size_t mr_jsondiff(const cJSON *want, const cJSON *have, enum mr_jsondiff_mode mode,
                   mr_jsondiff_fn each, void *ctx)
{
    struct walk w;

    w.mode = mode;
    w.each = each;
    w.ctx = ctx;
    w.count = 0;
    snprintf(w.path, sizeof(w.path), "$");
    walk(&w, want, have, mode == MR_JSONDIFF_SUBSET);
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
