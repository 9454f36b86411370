/*
 * jsonschema.c - the schema set: documents indexed once, so that validation
 * (jsonschema_eval.c) only looks things up.
 *
 * One walk over each document records what a schema's position decides:
 * the base URI each $id (draft 4: `id`) sets, the anchors, every $ref
 * resolved against the base URI in force where it stands, and every pattern
 * compiled. The walk visits every object except the values of keywords that
 * hold data (enum, const, default, example, examples), because OpenAPI
 * keeps its schemas under names JSON Schema does not know
 * (components.schemas.Pet): a schema is wherever a $ref may point.
 *
 * Refs are resolved after every document has been walked, since a $ref may
 * name a $id that comes later. URIs are compared as written, after RFC
 * 3986's resolution (which removes dot segments); no other normalisation.
 */
#include "openapi/jsonschema.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/text.h"
#include "openapi/jsonschema_internal.h"

/* Deeper than this the walk stops: cJSON refuses documents nested deeper
 * than 1000, and a document built another way must not exhaust the stack. */
#define WALK_MAX_DEPTH 1200

/* ---- the node map ------------------------------------------------------------ */

static size_t hash_ptr(const void *p, size_t cap)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & (cap - 1);
}

void *mr_jsonschema__map_get(const struct mr_jsonschema__map *m, const void *key)
{
    size_t i;

    if (m->cap == 0)
        return NULL;
    for (i = hash_ptr(key, m->cap); m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (m->keys[i] == key)
            return m->vals[i];
    return NULL;
}

static bool map_put(struct mr_jsonschema__map *m, const void *key, void *val)
{
    size_t i;

    if ((m->n + 1) * 2 > m->cap) {
        struct mr_jsonschema__map g = {0};
        g.cap = m->cap ? m->cap * 2 : 64;
        g.keys = calloc(g.cap, sizeof(*g.keys));
        g.vals = calloc(g.cap, sizeof(*g.vals));
        if (!g.keys || !g.vals) {
            free(g.keys);
            free(g.vals);
            return false;
        }
        for (i = 0; i < m->cap; i++)
            if (m->keys[i])
                map_put(&g, m->keys[i], m->vals[i]); /* room is there: cannot fail */
        free(m->keys);
        free(m->vals);
        *m = g;
    }
    for (i = hash_ptr(key, m->cap); m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (m->keys[i] == key) {
            m->vals[i] = val;
            return true;
        }
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
    return true;
}

static void map_release(struct mr_jsonschema__map *m, void (*free_val)(void *))
{
    size_t i;

    for (i = 0; i < m->cap; i++)
        if (m->keys[i] && free_val)
            free_val(m->vals[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

/* ---- URIs (RFC 3986) ----------------------------------------------------------- */

struct span {
    const char *p;
    size_t n;
    bool set; /* the component is there (an empty query is not an absent one) */
};

struct uri {
    struct span scheme, auth, path, query, frag;
};

static void parse_uri(struct uri *u, const char *s)
{
    const char *p = s, *q;

    memset(u, 0, sizeof(*u));
    q = p;
    if ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')) {
        while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
               *q == '+' || *q == '-' || *q == '.')
            q++;
        if (*q == ':') {
            u->scheme = (struct span){p, (size_t)(q - p), true};
            p = q + 1;
        }
    }
    if (p[0] == '/' && p[1] == '/') {
        p += 2;
        q = p + strcspn(p, "/?#");
        u->auth = (struct span){p, (size_t)(q - p), true};
        p = q;
    }
    q = p + strcspn(p, "?#");
    u->path = (struct span){p, (size_t)(q - p), true};
    p = q;
    if (*p == '?') {
        q = p + 1 + strcspn(p + 1, "#");
        u->query = (struct span){p + 1, (size_t)(q - p - 1), true};
        p = q;
    }
    if (*p == '#')
        u->frag = (struct span){p + 1, strlen(p + 1), true};
}

/* RFC 3986 5.2.4: the path from offset `from` of `b`, dot segments removed. */
static void remove_dots(struct mr_buf *b, size_t from)
{
    size_t n = b->len - from, o = 0;
    char *in, *p, *out;

    if (b->failed || !b->data || n == 0)
        return;
    in = malloc(n + 1);
    if (!in) {
        b->failed = true;
        return;
    }
    memcpy(in, b->data + from, n);
    in[n] = '\0';
    p = in;
    out = b->data + from; /* the output is never longer than the input */
    while (n > 0) {
        if (n >= 3 && !strncmp(p, "../", 3)) {
            p += 3, n -= 3;
        } else if (n >= 2 && !strncmp(p, "./", 2)) {
            p += 2, n -= 2;
        } else if (n >= 3 && !strncmp(p, "/./", 3)) {
            p += 2, n -= 2; /* "/./x" goes on as "/x" */
        } else if (n == 2 && !strncmp(p, "/.", 2)) {
            out[o++] = '/';
            n = 0;
        } else if ((n >= 4 && !strncmp(p, "/../", 4)) || (n == 3 && !strncmp(p, "/..", 3))) {
            while (o > 0 && out[--o] != '/')
                ; /* the last segment goes, with its '/' */
            if (n == 3) {
                out[o++] = '/';
                n = 0;
            } else {
                p += 3, n -= 3;
            }
        } else if ((n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2))) {
            n = 0;
        } else {
            size_t k = p[0] == '/' ? 1 : 0;
            while (k < n && p[k] != '/')
                k++;
            memcpy(out + o, p, k);
            o += k, p += k, n -= k;
        }
    }
    free(in);
    b->len = from + o;
    b->data[b->len] = '\0';
}

static void put_span(struct mr_buf *b, struct span s)
{
    mr_buf_append(b, s.p, s.n);
}

bool mr_jsonschema__resolve_uri(char **out, const char *base, const char *ref)
{
    struct uri b, r;
    struct mr_buf t;
    size_t from;

    parse_uri(&b, base ? base : "");
    parse_uri(&r, ref);
    mr_buf_init(&t);
    if (r.scheme.set) {
        put_span(&t, r.scheme), mr_buf_putc(&t, ':');
        if (r.auth.set)
            mr_buf_puts(&t, "//"), put_span(&t, r.auth);
        from = t.len, put_span(&t, r.path), remove_dots(&t, from);
        if (r.query.set)
            mr_buf_putc(&t, '?'), put_span(&t, r.query);
    } else {
        if (b.scheme.set)
            put_span(&t, b.scheme), mr_buf_putc(&t, ':');
        if (r.auth.set) {
            mr_buf_puts(&t, "//"), put_span(&t, r.auth);
            from = t.len, put_span(&t, r.path), remove_dots(&t, from);
            if (r.query.set)
                mr_buf_putc(&t, '?'), put_span(&t, r.query);
        } else {
            if (b.auth.set)
                mr_buf_puts(&t, "//"), put_span(&t, b.auth);
            if (r.path.n == 0) {
                put_span(&t, b.path);
                if (r.query.set)
                    mr_buf_putc(&t, '?'), put_span(&t, r.query);
                else if (b.query.set)
                    mr_buf_putc(&t, '?'), put_span(&t, b.query);
            } else {
                from = t.len;
                if (r.path.p[0] == '/') {
                    put_span(&t, r.path);
                } else {
                    /* merge: the base path up to its last '/', then the reference */
                    const char *slash = NULL;
                    size_t i;
                    for (i = 0; i < b.path.n; i++)
                        if (b.path.p[i] == '/')
                            slash = b.path.p + i;
                    if (b.auth.set && b.path.n == 0)
                        mr_buf_putc(&t, '/');
                    else if (slash)
                        mr_buf_append(&t, b.path.p, (size_t)(slash - b.path.p) + 1);
                    put_span(&t, r.path);
                }
                remove_dots(&t, from);
                if (r.query.set)
                    mr_buf_putc(&t, '?'), put_span(&t, r.query);
            }
        }
    }
    if (r.frag.set)
        mr_buf_putc(&t, '#'), put_span(&t, r.frag);
    if (t.failed) {
        mr_buf_release(&t);
        return false;
    }
    *out = mr_buf_detach(&t, NULL);
    return *out != NULL;
}

/* ---- lookups ------------------------------------------------------------------ */

/* The resource named exactly uri[0..n) (+ "#" + name[0..m) when name). */
static const struct mr_jsonschema__resource *
find_res(const struct mr_jsonschema *s, const char *uri, size_t n, const char *name, size_t m)
{
    size_t i;

    for (i = 0; i < s->nres; i++) {
        const char *u = s->res[i].uri;
        if (strncmp(u, uri, n) != 0)
            continue;
        if (!name ? u[n] == '\0' : (u[n] == '#' && !strncmp(u + n + 1, name, m) && !u[n + 1 + m]))
            return &s->res[i];
    }
    return NULL;
}

const cJSON *mr_jsonschema__dynamic_anchor(const struct mr_jsonschema *s, const char *uri,
                                           const char *name)
{
    size_t i, n = strlen(uri), m = strlen(name);

    for (i = 0; i < s->nres; i++) {
        const char *u = s->res[i].uri;
        if (s->res[i].dynamic && !strncmp(u, uri, n) && u[n] == '#' &&
            !strncmp(u + n + 1, name, m) && !u[n + 1 + m])
            return s->res[i].node;
    }
    return NULL;
}

/* Follows the JSON Pointer p[0..n) (already percent-decoded) from `node`;
 * NULL with `why` when it leads nowhere. *oom when out of memory. */
static const cJSON *follow_pointer(const cJSON *node, const char *p, size_t n, char *why,
                                   size_t whysize, bool *oom)
{
    char *tok = malloc(n + 1);
    size_t i = 0;

    if (!tok) {
        *oom = true;
        return NULL;
    }
    while (node && i < n) {
        size_t t = 0, j = i + 1;
        /* p[i] is '/' */
        while (j < n && p[j] != '/') {
            char c = p[j++];
            if (c == '~' && j < n && (p[j] == '0' || p[j] == '1'))
                c = p[j++] == '0' ? '~' : '/';
            tok[t++] = c;
        }
        tok[t] = '\0';
        if (cJSON_IsObject(node)) {
            node = cJSON_GetObjectItemCaseSensitive(node, tok);
        } else if (cJSON_IsArray(node)) {
            char *end;
            unsigned long k = strtoul(tok, &end, 10);
            bool digits = t > 0 && *end == '\0' && tok[0] >= '0' && tok[0] <= '9' &&
                          (tok[0] != '0' || t == 1) && k < 1000000000UL;
            node = digits ? cJSON_GetArrayItem(node, (int)k) : NULL;
        } else {
            node = NULL;
        }
        if (!node) {
            char shown[200];
            mr_printable(shown, sizeof(shown), p, j);
            snprintf(why, whysize, "the document has nothing at \"%s\"", shown);
        }
        i = j;
    }
    free(tok);
    return node;
}

bool mr_jsonschema__lookup(const struct mr_jsonschema *s, const char *uri, const cJSON **node,
                           char *why, size_t whysize)
{
    const char *hash = strchr(uri, '#');
    size_t n = hash ? (size_t)(hash - uri) : strlen(uri);
    const struct mr_jsonschema__resource *r = find_res(s, uri, n, NULL, 0);
    const char *frag = hash ? hash + 1 : "";
    size_t flen = strlen(frag);
    char *dec;

    *node = NULL;
    if (!r) {
        char shown[200];
        mr_printable(shown, sizeof(shown), uri, n);
        snprintf(why, whysize,
                 "\"%s\" is a document mockrun was not given: it follows references within the "
                 "document only",
                 shown);
        return true;
    }
    if (flen == 0) {
        *node = r->node;
        return true;
    }
    dec = malloc(flen + 1);
    if (!dec)
        return false;
    flen = mr_percent_decode(dec, frag, flen, 0);
    dec[flen] = '\0';
    if (dec[0] == '/') {
        bool oom = false;
        *node = follow_pointer(r->node, dec, flen, why, whysize, &oom);
        if (oom) {
            free(dec);
            return false;
        }
    } else {
        const struct mr_jsonschema__resource *a = find_res(s, uri, n, dec, flen);
        if (!a)
            a = find_res(s, uri, n, frag, strlen(frag)); /* the anchor as written */
        if (a)
            *node = a->node;
        else {
            char shown[200];
            mr_printable(shown, sizeof(shown), dec, flen);
            snprintf(why, whysize, "no schema in the document has the anchor \"%s\"", shown);
        }
    }
    free(dec);
    return true;
}

/* ---- locations ------------------------------------------------------------------ */

bool mr_jsonschema__put_token(struct mr_buf *out, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (s[i] == '~')
            mr_buf_puts(out, "~0");
        else if (s[i] == '/')
            mr_buf_puts(out, "~1");
        else
            mr_buf_putc(out, s[i]);
    }
    return !out->failed;
}

/* A token in a URI fragment: escaped as a pointer, then what a fragment may
 * not hold percent-encoded, so the location can be pasted into a $ref. */
static void put_fragment_token(struct mr_buf *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '~')
            mr_buf_puts(out, "~0");
        else if (c == '/')
            mr_buf_puts(out, "~1");
        else if (c <= 0x20 || c == 0x7f || strchr("\"#%<>\\^`{|}", c))
            mr_buf_printf(out, "%%%02X", c);
        else
            mr_buf_putc(out, (char)c);
    }
}

static bool search(struct mr_buf *path, const cJSON *at, const cJSON *target)
{
    const cJSON *c;
    size_t i = 0;

    if (at == target)
        return true;
    if (!cJSON_IsObject(at) && !cJSON_IsArray(at))
        return false;
    for (c = at->child; c; c = c->next, i++) {
        size_t len = path->len;
        mr_buf_putc(path, '/');
        if (cJSON_IsObject(at))
            put_fragment_token(path, c->string ? c->string : "");
        else
            mr_buf_printf(path, "%zu", i);
        if (search(path, c, target))
            return true;
        path->len = len;
        if (path->data)
            path->data[len] = '\0';
    }
    return false;
}

bool mr_jsonschema__locate(struct mr_buf *out, const struct mr_jsonschema *s, const cJSON *node,
                           const cJSON *fallback)
{
    size_t i, len = out->len;

    for (i = 0; i < s->ndocs; i++) {
        if (i > 0) /* the main document's locations are plain fragments */
            mr_buf_puts(out, s->docs[i].uri);
        mr_buf_putc(out, '#');
        if (search(out, s->docs[i].root, node))
            return true;
        out->len = len;
        if (out->data)
            out->data[len] = '\0';
    }
    if (fallback) {
        mr_buf_putc(out, '#');
        if (search(out, fallback, node))
            return true;
        out->len = len;
        if (out->data)
            out->data[len] = '\0';
    }
    return false;
}

/* ---- the walk -------------------------------------------------------------------- */

struct walk {
    struct mr_jsonschema *s;
    const cJSON **order; /* $ref and pattern items, in document order */
    size_t norder, caporder;
    bool oom;
};

static bool note(struct walk *w, const cJSON *item)
{
    if (w->norder == w->caporder) {
        size_t cap = w->caporder ? w->caporder * 2 : 32;
        const cJSON **g = realloc(w->order, cap * sizeof(*g));
        if (!g)
            return false;
        w->order = g;
        w->caporder = cap;
    }
    w->order[w->norder++] = item;
    return true;
}

static bool add_res(struct walk *w, const char *uri, const cJSON *node, bool dynamic)
{
    struct mr_jsonschema *s = w->s;
    struct mr_jsonschema__resource *g;
    size_t i;

    for (i = 0; i < s->nres; i++)
        if (!strcmp(s->res[i].uri, uri)) {
            /* the first one named so wins; an $anchor and a $dynamicAnchor of
             * one name on one schema make it dynamic */
            if (s->res[i].node == node && dynamic)
                s->res[i].dynamic = true;
            return true;
        }
    g = realloc(s->res, (s->nres + 1) * sizeof(*g));
    if (!g)
        return false;
    s->res = g;
    g[s->nres].uri = strdup(uri);
    if (!g[s->nres].uri)
        return false;
    g[s->nres].node = node;
    g[s->nres].dynamic = dynamic;
    s->nres++;
    return true;
}

/* Drops an empty fragment: "http://x/y#" names the same as "http://x/y". */
static void trim_empty_fragment(char *uri)
{
    size_t n = strlen(uri);
    if (n && uri[n - 1] == '#' && !strchr(uri, '#')[1])
        uri[n - 1] = '\0';
}

static void compile_pattern(struct walk *w, const cJSON *item, const char *src)
{
    struct mr_jsonschema__pattern *p;
    char why[256];

    if (mr_jsonschema__map_get(&w->s->patterns, item))
        return; /* a document given twice */
    p = calloc(1, sizeof(*p));
    if (!p || !map_put(&w->s->patterns, item, p)) {
        free(p);
        w->oom = true;
        return;
    }
    p->src = src;
    p->code = mr_jsonschema__compile_pattern(src, why, sizeof(why));
    if (!p->code) {
        if (!strcmp(why, "out of memory")) {
            w->oom = true;
            return;
        }
        p->error = strdup(why);
        if (!p->error || !note(w, item))
            w->oom = true;
    }
}

static void add_ref(struct walk *w, const cJSON *item, const char *base, bool dynamic)
{
    struct mr_jsonschema__ref *r;
    const char *hash;

    if (mr_jsonschema__map_get(&w->s->refs, item))
        return; /* a document given twice */
    r = calloc(1, sizeof(*r));
    if (!r || !map_put(&w->s->refs, item, r)) {
        free(r);
        w->oom = true;
        return;
    }
    if (!mr_jsonschema__resolve_uri(&r->resource, base, item->valuestring) || !note(w, item)) {
        w->oom = true;
        return;
    }
    hash = strchr(item->valuestring, '#');
    if (dynamic && hash && hash[1] && hash[1] != '/') {
        r->anchor = strdup(hash + 1);
        if (!r->anchor)
            w->oom = true;
    }
}

static bool is_data_keyword(const char *k)
{
    return !strcmp(k, "enum") || !strcmp(k, "const") || !strcmp(k, "default") ||
           !strcmp(k, "example") || !strcmp(k, "examples");
}

static bool is_map_keyword(const char *k)
{
    return !strcmp(k, "properties") || !strcmp(k, "patternProperties") || !strcmp(k, "$defs") ||
           !strcmp(k, "definitions") || !strcmp(k, "dependentSchemas") ||
           !strcmp(k, "dependencies");
}

static void walk(struct walk *w, const cJSON *node, const char *base, int depth);

/* Registers what a schema object names and holds, then walks its members. */
static void walk_object(struct walk *w, const cJSON *node, const char *base, int depth)
{
    struct mr_jsonschema *s = w->s;
    bool v2020 = s->dialect == MR_JSONSCHEMA_2020_12;
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(node, "$ref");
    const cJSON *id = NULL, *m;
    char *nb = NULL;

    if (v2020)
        id = cJSON_GetObjectItemCaseSensitive(node, "$id");
    else if (s->dialect == MR_JSONSCHEMA_DRAFT4 && !cJSON_IsString(ref))
        id = cJSON_GetObjectItemCaseSensitive(node, "id");
    if (cJSON_IsString(id)) {
        if (!mr_jsonschema__resolve_uri(&nb, base, id->valuestring)) {
            w->oom = true;
            return;
        }
        trim_empty_fragment(nb);
        if (strchr(nb, '#')) {
            /* draft 4's "id": "#foo" names the schema without moving the base */
            if (!add_res(w, nb, node, false))
                w->oom = true;
            free(nb);
            nb = NULL;
        } else if (!add_res(w, nb, node, false) || !map_put(&s->bases, node, nb)) {
            free(nb);
            w->oom = true;
            return;
        } else {
            base = nb; /* owned by s->bases now */
        }
    }
    if (v2020) {
        const char *kinds[] = {"$anchor", "$dynamicAnchor"};
        for (size_t i = 0; i < 2; i++) {
            const cJSON *a = cJSON_GetObjectItemCaseSensitive(node, kinds[i]);
            struct mr_buf u;
            if (!cJSON_IsString(a))
                continue;
            mr_buf_init(&u);
            mr_buf_printf(&u, "%s#%s", base, a->valuestring);
            if (u.failed || !add_res(w, u.data, node, i == 1))
                w->oom = true;
            mr_buf_release(&u);
        }
        if (cJSON_GetObjectItemCaseSensitive(node, "unevaluatedProperties") ||
            cJSON_GetObjectItemCaseSensitive(node, "unevaluatedItems"))
            s->unevaluated = true;
    }
    if (cJSON_IsString(ref))
        add_ref(w, ref, base, false);
    if (v2020) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(node, "$dynamicRef");
        if (cJSON_IsString(d))
            add_ref(w, d, base, true);
    }
    m = cJSON_GetObjectItemCaseSensitive(node, "pattern");
    if (cJSON_IsString(m))
        compile_pattern(w, m, m->valuestring);
    m = cJSON_GetObjectItemCaseSensitive(node, "patternProperties");
    if (cJSON_IsObject(m))
        for (const cJSON *p = m->child; p; p = p->next)
            compile_pattern(w, p, p->string);

    for (m = node->child; m && !w->oom; m = m->next) {
        if (!m->string || is_data_keyword(m->string))
            continue;
        if (is_map_keyword(m->string) && cJSON_IsObject(m)) {
            for (const cJSON *c = m->child; c; c = c->next)
                walk(w, c, base, depth + 1);
            continue;
        }
        walk(w, m, base, depth + 1);
    }
}

static void walk(struct walk *w, const cJSON *node, const char *base, int depth)
{
    if (w->oom || depth > WALK_MAX_DEPTH)
        return;
    if (cJSON_IsArray(node)) {
        for (const cJSON *c = node->child; c && !w->oom; c = c->next)
            walk(w, c, base, depth + 1);
    } else if (cJSON_IsObject(node)) {
        walk_object(w, node, base, depth);
    }
}

/* Every $ref's URI looked up, now that every identifier is known. */
static bool resolve_refs(struct mr_jsonschema *s)
{
    size_t i;

    for (i = 0; i < s->refs.cap; i++) {
        struct mr_jsonschema__ref *r = s->refs.vals[i];
        const cJSON *item = s->refs.keys[i];
        char why[400];
        if (!item)
            continue;
        why[0] = '\0';
        if (!mr_jsonschema__lookup(s, r->resource, &r->target, why, sizeof(why)))
            return false;
        if (strchr(r->resource, '#'))
            *strchr(r->resource, '#') = '\0';
        if (!r->target) {
            struct mr_buf m;
            mr_buf_init(&m);
            mr_buf_puts(&m, item->string);
            mr_buf_puts(&m, " \"");
            mr_buf_put_printable(&m, item->valuestring, strlen(item->valuestring));
            mr_buf_printf(&m, "\" cannot be followed: %s", why);
            r->error = mr_buf_detach(&m, NULL);
            if (!r->error)
                return false;
        }
    }
    return true;
}

/* ---- the set ---------------------------------------------------------------------- */

static void free_ref(void *p)
{
    struct mr_jsonschema__ref *r = p;
    free(r->error);
    free(r->resource);
    free(r->anchor);
    free(r);
}

static void free_pattern(void *p)
{
    struct mr_jsonschema__pattern *r = p;
    pcre2_code_free(r->code);
    free(r->error);
    free(r);
}

void mr_jsonschema_free(struct mr_jsonschema *s)
{
    size_t i;

    if (!s)
        return;
    map_release(&s->refs, free_ref);
    map_release(&s->patterns, free_pattern);
    map_release(&s->bases, free);
    for (i = 0; i < s->nres; i++)
        free(s->res[i].uri);
    free(s->res);
    for (i = 0; i < s->ndocs; i++)
        free(s->docs[i].uri);
    free(s->docs);
    free(s->problem_nodes);
    free(s);
}

static bool add_doc(struct mr_jsonschema *s, const char *uri, const cJSON *root)
{
    char *u = strdup(uri ? uri : "");

    if (!u)
        return false;
    trim_empty_fragment(u);
    s->docs[s->ndocs].uri = u;
    s->docs[s->ndocs].root = root;
    s->ndocs++;
    return true;
}

int mr_jsonschema_new(struct mr_jsonschema **out, const cJSON *root,
                      const struct mr_jsonschema_options *opts, struct mr_error *err)
{
    static const struct mr_jsonschema_options defaults = {0};
    struct mr_jsonschema *s = calloc(1, sizeof(*s));
    struct walk w = {0};
    size_t i;

    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (!s)
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    s->dialect = opts->dialect;
    s->assert_formats = opts->assert_formats;
    s->docs = calloc(opts->ndocs + 1, sizeof(*s->docs));
    if (!s->docs || !add_doc(s, opts->base_uri, root))
        goto oom;
    for (i = 0; i < opts->ndocs; i++)
        if (!add_doc(s, opts->docs[i].uri, opts->docs[i].root))
            goto oom;
    w.s = s;
    for (i = 0; i < s->ndocs && !w.oom; i++) {
        if (!add_res(&w, s->docs[i].uri, s->docs[i].root, false))
            goto oom;
        walk(&w, s->docs[i].root, s->docs[i].uri, 0);
    }
    if (w.oom || !resolve_refs(s))
        goto oom;
    /* the problems, in the order the walk met them */
    for (i = 0; i < w.norder; i++) {
        const struct mr_jsonschema__ref *r = mr_jsonschema__map_get(&s->refs, w.order[i]);
        const struct mr_jsonschema__pattern *p = mr_jsonschema__map_get(&s->patterns, w.order[i]);
        if ((r && r->error) || (p && p->error))
            w.order[s->nproblems++] = w.order[i];
    }
    s->problem_nodes = w.order;
    *out = s;
    return 0;
oom:
    free(w.order);
    mr_jsonschema_free(s);
    return mr_error_set(err, MR_ENOMEM, "out of memory");
}

size_t mr_jsonschema_problems(const struct mr_jsonschema *s, struct mr_error_list *out)
{
    size_t i;

    for (i = 0; i < s->nproblems && out; i++) {
        const cJSON *item = s->problem_nodes[i];
        const struct mr_jsonschema__ref *r = mr_jsonschema__map_get(&s->refs, item);
        const struct mr_jsonschema__pattern *p = mr_jsonschema__map_get(&s->patterns, item);
        struct mr_error e;
        struct mr_buf where;

        memset(&e, 0, sizeof(e));
        if (r && r->error) {
            mr_error_set(&e, MR_ESCENARIO, "%s", r->error);
        } else {
            char shown[120];
            mr_printable(shown, sizeof(shown), p->src, strlen(p->src));
            mr_error_set(&e, MR_ESCENARIO, "the pattern \"%s\" is not a regular expression: %s",
                         shown, p->error);
        }
        mr_buf_init(&where);
        if (mr_jsonschema__locate(&where, s, item, NULL))
            mr_error_at(&e, NULL, mr_buf_cstr(&where), 0, 0);
        mr_buf_release(&where);
        mr_error_list_add(out, &e);
    }
    return s->nproblems;
}

const cJSON *mr_jsonschema_find(const struct mr_jsonschema *s, const char *ref)
{
    const cJSON *node = NULL;
    char *abs = NULL, why[400];

    if (!mr_jsonschema__resolve_uri(&abs, s->docs[0].uri, ref))
        return NULL;
    trim_empty_fragment(abs);
    if (!mr_jsonschema__lookup(s, abs, &node, why, sizeof(why)))
        node = NULL;
    free(abs);
    return node;
}
