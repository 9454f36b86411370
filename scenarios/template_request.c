/*
 * template_request.c - what templates see of the request: the values behind
 * Mockoon's request helpers (query parameters parsed as Express's "extended"
 * qs parser does, the body parsed as JSON or as a form the way Mockoon's
 * processRawBody does, headers as Node's req.headers), the WireMock-style
 * `request` object, and the two path languages Mockoon accepts: object-path
 * ("items.0.sku", "a\.b") and a common subset of JSONPath-Plus ("$.items[0]",
 * "$..sku", "$.items[*]", slices, unions and simple [?(@.x == 1)] filters).
 *
 * Each value is built on first use and cached for the rest of the render.
 */
#include <math.h>
#include <string.h>

#include "common/text.h"
#include "scenarios/template_internal.h"

/* ---- small text helpers -------------------------------------------------------- */

static char *lower_dup(struct mr_tpl_arena *a, const char *s, size_t n)
{
    char *p = mr_template__strndup(a, s, n);
    size_t i;

    if (p)
        for (i = 0; i < n; i++)
            if (p[i] >= 'A' && p[i] <= 'Z')
                p[i] = (char)(p[i] + 32);
    return p;
}

/* application/x-www-form-urlencoded decoding as qs does it: '+' is a space,
 * %XX a byte; when decodeURIComponent would fail (a bad escape, bytes that
 * are not UTF-8) the text is kept with only '+' replaced. */
static char *form_decode(struct mr_tpl_arena *a, const char *s, size_t n, size_t *out_len)
{
    char *d = mr_template__alloc(a, n + 1);
    size_t i, k = 0;
    bool ok = true;

    if (!d)
        return NULL;
    for (i = 0; i < n && ok; i++) {
        if (s[i] == '+') {
            d[k++] = ' ';
        } else if (s[i] == '%') {
            if (i + 2 < n && mr_hexval(s[i + 1]) >= 0 && mr_hexval(s[i + 2]) >= 0) {
                d[k++] = (char)(mr_hexval(s[i + 1]) * 16 + mr_hexval(s[i + 2]));
                i += 2;
            } else {
                ok = false;
            }
        } else {
            d[k++] = s[i];
        }
    }
    if (!ok || !mr_utf8_valid(d, k))
        for (i = 0, k = 0; i < n; i++)
            d[k++] = s[i] == '+' ? ' ' : s[i];
    d[k] = '\0';
    *out_len = k;
    return d;
}

static struct tv kv_text(const char *p, size_t n);

/* A cookie value as the `cookie` package (Mockoon) decodes it: decodeURIComponent
 * when it contains '%', keeping the raw text if that fails; '+' stays '+'. */
static struct tv cookie_value(struct mr_tpl_arena *a, const char *s, size_t n)
{
    char *d;
    size_t i, k = 0;

    if (!s || !memchr(s, '%', n))
        return kv_text(s, n);
    d = mr_template__alloc(a, n + 1);
    if (!d)
        return kv_text(s, n);
    for (i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (i + 2 >= n || mr_hexval(s[i + 1]) < 0 || mr_hexval(s[i + 2]) < 0)
                return kv_text(s, n);
            d[k++] = (char)(mr_hexval(s[i + 1]) * 16 + mr_hexval(s[i + 2]));
            i += 2;
        } else {
            d[k++] = s[i];
        }
    }
    d[k] = '\0';
    if (!mr_utf8_valid(d, k))
        return kv_text(s, n);
    return tv_str(d, k);
}

/* ---- qs ---------------------------------------------------------------------- */

/* qs's options as Express uses them: queries get arrayLimit 1000 and depth 5
 * (the query parser's settings), form bodies arrayLimit 20 and depth 10. */
struct qs_opts {
    size_t array_limit; /* a[i] is an array element only when i < array_limit */
    size_t depth;       /* bracket levels; the rest of the key stays one literal key */
};

static const struct qs_opts qs_query = {1000, 5};
static const struct qs_opts qs_form = {20, 10};

static bool qs_index(const char *s, size_t n, const struct qs_opts *o)
{
    size_t i, v = 0;

    if (n == 0)
        return true;
    if (n > 9)
        return false;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (size_t)(s[i] - '0');
    }
    return v < o->array_limit;
}

/* Adds key=value to `root` as qs.parse does for the common shapes: a=1&a=2
 * (an array), a[]=1, a[0]=1 (arrays), a[b][c]=1 (nested objects). */
static void qs_add(struct mr_tpl_rt *rt, struct tv_obj *root, const char *key, size_t klen,
                   struct tv value, const struct qs_opts *o)
{
    struct mr_tpl_arena *a = &rt->arena;
    struct {
        const char *p;
        size_t n;
    } seg[16];
    size_t nseg = 0, i = 0, j;
    struct tv cur;

    while (i < klen && key[i] != '[')
        i++;
    if (i == 0 || i == klen) {
        seg[nseg].p = key;
        seg[nseg++].n = klen;
    } else {
        seg[nseg].p = key;
        seg[nseg++].n = i;
        while (i < klen && key[i] == '[' && nseg < 1 + o->depth) {
            for (j = i + 1; j < klen && key[j] != ']'; j++)
                ;
            if (j >= klen) {
                /* "a[b": qs keeps the whole key */
                nseg = 1;
                seg[0].p = key;
                seg[0].n = klen;
                break;
            }
            seg[nseg].p = key + i + 1;
            seg[nseg++].n = j - i - 1;
            i = j + 1;
        }
        if (nseg > 1 && i < klen) {
            /* past the depth (or after text that is not a bracket): qs keeps the
             * rest of the key, brackets and all, as one last key */
            seg[nseg].p = key + i;
            seg[nseg++].n = klen - i;
        }
    }
    cur = tv_obj(root);
    for (i = 0; i < nseg; i++) {
        bool last = i + 1 == nseg;
        bool next_is_index = !last && qs_index(seg[i + 1].p, seg[i + 1].n, o);
        if (cur.type == TV_ARR) {
            if (last) {
                mr_template__arr_push(a, cur.u.a, value);
                return;
            }
            /* a[][b]: qs starts a new element */
            {
                struct tv child = next_is_index ? tv_arr(mr_template__arr_new(a, 0))
                                                : tv_obj(mr_template__obj_new(a, 0));
                if (child.type == TV_UNDEF || !mr_template__arr_push(a, cur.u.a, child))
                    return;
                cur = child;
            }
            continue;
        }
        if (cur.type != TV_OBJ)
            return;
        {
            struct tv *slot = mr_template__obj_get(cur.u.o, seg[i].p, seg[i].n);
            if (last) {
                if (!slot) {
                    mr_template__obj_set(a, cur.u.o, seg[i].p, seg[i].n, value);
                } else if (slot->type == TV_ARR) {
                    mr_template__arr_push(a, slot->u.a, value);
                } else if (slot->type == TV_STR) {
                    struct tv_arr *arr = mr_template__arr_new(a, 2);
                    if (arr && mr_template__arr_push(a, arr, *slot) &&
                        mr_template__arr_push(a, arr, value))
                        *slot = tv_arr(arr);
                }
                return;
            }
            if (!slot) {
                struct tv child = next_is_index ? tv_arr(mr_template__arr_new(a, 0))
                                                : tv_obj(mr_template__obj_new(a, 0));
                if (child.type == TV_UNDEF ||
                    !mr_template__obj_set(a, cur.u.o, seg[i].p, seg[i].n, child))
                    return;
                cur = child;
            } else {
                cur = *slot;
            }
        }
    }
}

static void qs_parse_form(struct mr_tpl_rt *rt, struct tv_obj *root, const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t end = i, eq, klen, vlen;
        char *k, *v;
        while (end < n && s[end] != '&')
            end++;
        for (eq = i; eq < end && s[eq] != '='; eq++)
            ;
        if (end > i) {
            k = form_decode(&rt->arena, s + i, eq - i, &klen);
            v = eq < end ? form_decode(&rt->arena, s + eq + 1, end - eq - 1, &vlen)
                         : form_decode(&rt->arena, "", 0, &vlen);
            if (!k || !v)
                return;
            if (klen)
                qs_add(rt, root, k, klen, tv_str(v, vlen), &qs_form);
        }
        i = end + 1;
    }
}

/* ---- request values ------------------------------------------------------------ */

/* A borrowed text, "" when the caller gave NULL. */
static struct tv kv_text(const char *p, size_t n)
{
    return p ? tv_str(p, n) : tv_str("", 0);
}

static const char *kv_name(const char *p)
{
    return p ? p : "";
}

struct tv mr_template__req_query(struct mr_tpl_rt *rt)
{
    struct tv_obj *o;
    size_t i;

    if (rt->have_query)
        return rt->query;
    rt->have_query = true;
    o = mr_template__obj_new(&rt->arena, 0);
    if (!o)
        return tv_undef();
    if (rt->ctx && rt->ctx->query) {
        for (i = 0; i < rt->ctx->nquery; i++) {
            const struct mr_kv *kv = &rt->ctx->query[i];
            if (kv->name && kv->name_len)
                qs_add(rt, o, kv->name, kv->name_len, kv_text(kv->value, kv->value_len), &qs_query);
        }
    }
    rt->query = tv_obj(o);
    return rt->query;
}

/* Node keeps the first of these when a request repeats them. */
static bool single_header(const char *lname)
{
    static const char *const names[] = {"age",
                                        "authorization",
                                        "content-length",
                                        "content-type",
                                        "etag",
                                        "expires",
                                        "from",
                                        "host",
                                        "if-modified-since",
                                        "if-unmodified-since",
                                        "last-modified",
                                        "location",
                                        "max-forwards",
                                        "proxy-authorization",
                                        "referer",
                                        "retry-after",
                                        "server",
                                        "user-agent"};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(lname, names[i]) == 0)
            return true;
    return false;
}

struct tv mr_template__req_headers(struct mr_tpl_rt *rt)
{
    struct tv_obj *o;
    size_t i;

    if (rt->have_headers)
        return rt->headers;
    rt->have_headers = true;
    o = mr_template__obj_new(&rt->arena, 0);
    if (!o)
        return tv_undef();
    o->nocase = true;
    if (rt->ctx && rt->ctx->headers) {
        for (i = 0; i < rt->ctx->nheaders; i++) {
            const struct mr_kv *kv = &rt->ctx->headers[i];
            char *name = lower_dup(&rt->arena, kv_name(kv->name), kv->name ? kv->name_len : 0);
            size_t name_len = kv->name ? kv->name_len : 0;
            struct tv value = kv_text(kv->value, kv->value_len);
            struct tv *old;
            if (!name)
                return tv_undef();
            old = mr_template__obj_get(o, name, name_len);
            if (!old) {
                mr_template__obj_set(&rt->arena, o, name, name_len, value);
            } else if (!single_header(name)) {
                /* Node joins repeated headers with ", " (cookies with "; ") */
                const char *sep = strcmp(name, "cookie") == 0 ? "; " : ", ";
                size_t n = old->u.s.len + 2 + value.u.s.len;
                char *v = mr_template__alloc(&rt->arena, n + 1);
                if (!v)
                    return tv_undef();
                memcpy(v, old->u.s.p, old->u.s.len);
                memcpy(v + old->u.s.len, sep, 2);
                memcpy(v + old->u.s.len + 2, value.u.s.p, value.u.s.len);
                v[n] = '\0';
                *old = tv_str(v, n);
            }
        }
    }
    rt->headers = tv_obj(o);
    return rt->headers;
}

struct tv mr_template__req_params(struct mr_tpl_rt *rt)
{
    struct tv_obj *o;
    size_t i;

    if (rt->have_params)
        return rt->params;
    rt->have_params = true;
    o = mr_template__obj_new(&rt->arena, 0);
    if (!o)
        return tv_undef();
    if (rt->ctx && rt->ctx->params)
        for (i = 0; i < rt->ctx->nparams; i++)
            mr_template__obj_set(&rt->arena, o, kv_name(rt->ctx->params[i].name),
                                 rt->ctx->params[i].name ? rt->ctx->params[i].name_len : 0,
                                 kv_text(rt->ctx->params[i].value, rt->ctx->params[i].value_len));
    rt->params = tv_obj(o);
    return rt->params;
}

struct tv mr_template__req_cookies(struct mr_tpl_rt *rt)
{
    struct tv_obj *o;
    size_t i;

    if (rt->have_cookies)
        return rt->cookies;
    rt->have_cookies = true;
    o = mr_template__obj_new(&rt->arena, 0);
    if (!o)
        return tv_undef();
    if (rt->ctx && rt->ctx->cookies) {
        /* like the `cookie` package: the first of a repeated name wins, values
         * are trimmed and percent-decoded when that is valid */
        for (i = 0; i < rt->ctx->ncookies; i++) {
            const struct mr_kv *kv = &rt->ctx->cookies[i];
            const char *v0 = kv->value, *v1 = kv->value ? kv->value + kv->value_len : NULL;
            size_t klen = kv->name ? kv->name_len : 0;
            while (v0 && v0 < v1 && (*v0 == ' ' || *v0 == '\t'))
                v0++;
            while (v1 && v1 > v0 && (v1[-1] == ' ' || v1[-1] == '\t'))
                v1--;
            if (mr_template__obj_get(o, kv_name(kv->name), klen))
                continue;
            mr_template__obj_set(&rt->arena, o, kv_name(kv->name), klen,
                                 cookie_value(&rt->arena, v0, v0 ? (size_t)(v1 - v0) : 0));
        }
    } else {
        /* no parsed cookies given: read the Cookie header ("a=1; b=2") */
        struct tv h = mr_template__req_headers(rt), *c;
        if (h.type == TV_OBJ && (c = mr_template__obj_get(h.u.o, "cookie", 6)) != NULL &&
            c->type == TV_STR) {
            const char *s = c->u.s.p, *e = s + c->u.s.len;
            while (s < e) {
                const char *end = memchr(s, ';', (size_t)(e - s)), *eq;
                size_t klen;
                if (!end)
                    end = e;
                eq = memchr(s, '=', (size_t)(end - s));
                if (eq) {
                    const char *k0 = s, *k1 = eq, *v0 = eq + 1, *v1 = end;
                    while (k0 < k1 && (*k0 == ' ' || *k0 == '\t'))
                        k0++;
                    while (k1 > k0 && (k1[-1] == ' ' || k1[-1] == '\t'))
                        k1--;
                    while (v0 < v1 && (*v0 == ' ' || *v0 == '\t'))
                        v0++;
                    while (v1 > v0 && (v1[-1] == ' ' || v1[-1] == '\t'))
                        v1--;
                    if (v1 - v0 >= 2 && *v0 == '"' && v1[-1] == '"') {
                        v0++;
                        v1--;
                    }
                    klen = (size_t)(k1 - k0);
                    if (klen && !mr_template__obj_get(o, k0, klen))
                        mr_template__obj_set(&rt->arena, o, k0, klen,
                                             cookie_value(&rt->arena, v0, (size_t)(v1 - v0)));
                }
                s = end + 1;
            }
        }
    }
    rt->cookies = tv_obj(o);
    return rt->cookies;
}

/* The lower-cased Content-Type, or "". */
static struct tv content_type(struct mr_tpl_rt *rt)
{
    struct tv h = mr_template__req_headers(rt), *ct;

    if (h.type == TV_OBJ && (ct = mr_template__obj_get(h.u.o, "content-type", 12)) != NULL &&
        ct->type == TV_STR) {
        char *l = lower_dup(&rt->arena, ct->u.s.p, ct->u.s.len);
        if (l)
            return tv_str(l, ct->u.s.len);
    }
    return tv_str("", 0);
}

static bool contains(const struct tv *s, const char *needle)
{
    size_t n = strlen(needle), i;

    for (i = 0; i + n <= s->u.s.len; i++)
        if (memcmp(s->u.s.p + i, needle, n) == 0)
            return true;
    return false;
}

/* "application/...+json", as Mockoon's /application\/.*\+json/i */
static bool plus_json(const struct tv *s)
{
    size_t i, j;

    for (i = 0; i + 12 <= s->u.s.len; i++) {
        if (memcmp(s->u.s.p + i, "application/", 12) != 0)
            continue;
        for (j = i + 12; j + 5 <= s->u.s.len; j++)
            if (memcmp(s->u.s.p + j, "+json", 5) == 0)
                return true;
    }
    return false;
}

struct tv mr_template__req_body(struct mr_tpl_rt *rt)
{
    struct tv ct;
    const char *b;
    size_t n;

    if (rt->have_body)
        return rt->body;
    rt->have_body = true;
    rt->body = tv_undef();
    if (!rt->ctx)
        return rt->body;
    b = rt->ctx->body ? rt->ctx->body : "";
    n = rt->ctx->body ? rt->ctx->body_len : 0;
    ct = content_type(rt);
    if (contains(&ct, "application/json") || plus_json(&ct)) {
        struct tv v;
        if (mr_template__parse_json(&rt->arena, b, n, &v))
            rt->body = v;
    } else if (contains(&ct, "application/x-www-form-urlencoded")) {
        struct tv_obj *o = mr_template__obj_new(&rt->arena, 0);
        if (o) {
            qs_parse_form(rt, o, b, n);
            rt->body = tv_obj(o);
        }
    }
    return rt->body;
}

static struct tv cstr(const char *s)
{
    return s ? tv_str(s, strlen(s)) : tv_str("", 0);
}

/* The WireMock-style root value: {{request.path}}, {{request.query.page}}. */
struct tv mr_template__request(struct mr_tpl_rt *rt)
{
    struct mr_tpl_arena *a = &rt->arena;
    const struct mr_tpl_ctx *c = rt->ctx;
    struct tv_obj *o;
    struct tv_arr *segs;

    if (rt->have_request)
        return rt->request;
    rt->have_request = true;
    o = mr_template__obj_new(a, 12);
    segs = mr_template__arr_new(a, 0);
    if (!o || !segs)
        return tv_undef();
    mr_template__obj_set(a, o, "method", 6, cstr(c ? c->method : NULL));
    mr_template__obj_set(a, o, "path", 4, cstr(c ? c->path : NULL));
    if (c && c->path) {
        const char *p = c->path;
        while (*p) {
            const char *e = strchr(p, '/');
            if (!e)
                e = p + strlen(p);
            if (e > p)
                mr_template__arr_push(a, segs, tv_str(p, (size_t)(e - p)));
            p = *e ? e + 1 : e;
        }
    }
    mr_template__obj_set(a, o, "pathSegments", 12, tv_arr(segs));
    if (c && c->path && c->query_raw && c->query_raw[0]) {
        size_t pl = strlen(c->path), ql = strlen(c->query_raw);
        char *u = mr_template__alloc(a, pl + ql + 2);
        if (u) {
            memcpy(u, c->path, pl);
            u[pl] = '?';
            memcpy(u + pl + 1, c->query_raw, ql + 1);
            mr_template__obj_set(a, o, "url", 3, tv_str(u, pl + ql + 1));
        }
    } else {
        mr_template__obj_set(a, o, "url", 3, cstr(c ? c->path : NULL));
    }
    mr_template__obj_set(a, o, "baseUrl", 7, cstr(c ? c->base_url : NULL));
    mr_template__obj_set(a, o, "query", 5, mr_template__req_query(rt));
    mr_template__obj_set(a, o, "headers", 7, mr_template__req_headers(rt));
    mr_template__obj_set(a, o, "cookies", 7, mr_template__req_cookies(rt));
    mr_template__obj_set(a, o, "params", 6, mr_template__req_params(rt));
    {
        struct tv body = c && c->body ? tv_str(c->body, c->body_len) : tv_str("", 0);
        body.json_text = true;
        mr_template__obj_set(a, o, "body", 4, body);
    }
    rt->request = tv_obj(o);
    return rt->request;
}

/* ---- object-path -------------------------------------------------------------- */

static bool walkable(const struct tv *v)
{
    return v->type == TV_ARR || v->type == TV_OBJ || v->type == TV_NULL ||
           (v->type == TV_STR && v->safe);
}

struct tv mr_template__object_path(struct mr_tpl_rt *rt, const struct tv *data, const char *path,
                                   size_t len, const struct tv *def)
{
    struct tv cur = *data;
    size_t i = 0;
    bool escaped = false;

    if (!walkable(data) || len == 0)
        return *data;
    for (i = 0; i + 1 < len; i++)
        if (path[i] == '\\' && path[i + 1] == '.')
            escaped = true;
    i = 0;
    for (;;) {
        /* one segment: up to an unescaped '.' ("a\.b" is the key "a.b") */
        char buf[256], *key = buf;
        size_t k = 0, start = i;
        struct tv next;
        while (i < len && path[i] != '.') {
            if (escaped && path[i] == '\\' && i + 1 < len && path[i + 1] == '.') {
                i += 2;
                continue;
            }
            i++;
        }
        if (escaped) {
            size_t j;
            if (i - start >= sizeof(buf)) {
                key = mr_template__alloc(&rt->arena, i - start + 1);
                if (!key)
                    return *def;
            }
            for (j = start; j < i; j++) {
                if (path[j] == '\\' && j + 1 < i && path[j + 1] == '.')
                    j++;
                key[k++] = path[j];
            }
        } else {
            key = (char *)path + start;
            k = i - start;
        }
        if (cur.type == TV_UNDEF || cur.type == TV_NULL)
            return *def;
        next = mr_template__lookup(rt, &cur, key, k);
        if (next.type == TV_UNDEF)
            return *def;
        cur = next;
        if (i >= len)
            break;
        i++; /* the '.' */
        if (!mr_template__charge(rt, 1))
            return *def;
    }
    return cur;
}

/* ---- JSONPath --------------------------------------------------------------- */

enum jp_kind { JP_KEY, JP_ALL, JP_DESCEND, JP_UNION, JP_SLICE, JP_FILTER, JP_BAD };

struct jp_seg {
    enum jp_kind kind;
    const char *p; /* key, union list, slice or filter text */
    size_t n;
};

struct jp_ctx {
    struct mr_tpl_rt *rt;
    const struct jp_seg *seg;
    size_t nseg;
    struct tv_arr *out;
    bool multi;
    int depth;
};

/* Unquotes 'x' or "x"; false when s is not quoted. */
static bool unquote(const char *s, size_t n, const char **p, size_t *len)
{
    if (n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0]) {
        *p = s + 1;
        *len = n - 2;
        return true;
    }
    return false;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* Splits a path into segments; false when it uses what mockrun lacks. */
static size_t jp_parse(const char *p, size_t n, struct jp_seg *seg, size_t max)
{
    size_t i = 0, k = 0;

    if (n && p[0] == '$')
        i = 1;
    else if (n && p[0] != '.' && p[0] != '[') {
        /* a relative path: the first name has no leading dot */
        size_t s = i;
        while (i < n && p[i] != '.' && p[i] != '[')
            i++;
        seg[k].kind = JP_KEY;
        seg[k].p = p + s;
        seg[k++].n = i - s;
    }
    while (i < n && k + 1 < max) {
        if (p[i] == '.' && i + 1 < n && p[i + 1] == '.') {
            seg[k].kind = JP_DESCEND;
            seg[k].p = NULL;
            seg[k++].n = 0;
            i += 2;
            if (i < n && p[i] == '[')
                continue;
        } else if (p[i] == '.') {
            i++;
            if (i < n && p[i] == '[')
                continue;
        } else if (p[i] != '[') {
            return 0;
        }
        if (i >= n)
            return 0;
        if (p[i] == '[') {
            size_t s = ++i, depth = 0;
            char q = 0;
            const char *c;
            size_t cn;
            for (; i < n; i++) {
                if (q) {
                    if (p[i] == q)
                        q = 0;
                } else if (p[i] == '\'' || p[i] == '"') {
                    q = p[i];
                } else if (p[i] == '(') {
                    depth++;
                } else if (p[i] == ')') {
                    if (depth)
                        depth--;
                } else if (p[i] == ']' && depth == 0) {
                    break;
                }
            }
            if (i >= n)
                return 0;
            c = p + s;
            cn = i - s;
            i++;
            trim(&c, &cn);
            if (cn == 1 && c[0] == '*') {
                seg[k].kind = JP_ALL;
            } else if (cn >= 3 && c[0] == '?' && c[1] == '(' && c[cn - 1] == ')') {
                seg[k].kind = JP_FILTER;
                c += 2;
                cn -= 3;
            } else if (cn && c[0] == '(') {
                seg[k].kind = JP_BAD; /* script expressions */
            } else if (!unquote(c, cn, &c, &cn) && memchr(c, ':', cn)) {
                seg[k].kind = JP_SLICE;
            } else if (memchr(p + s, ',', i - 1 - s)) {
                seg[k].kind = JP_UNION;
                c = p + s;
                cn = i - 1 - s;
            } else {
                seg[k].kind = JP_KEY;
            }
            seg[k].p = c;
            seg[k++].n = cn;
            continue;
        }
        if (p[i] == '*') {
            seg[k].kind = JP_ALL;
            seg[k].p = NULL;
            seg[k++].n = 0;
            i++;
            continue;
        }
        {
            size_t s = i;
            while (i < n && p[i] != '.' && p[i] != '[')
                i++;
            seg[k].kind = JP_KEY;
            seg[k].p = p + s;
            seg[k++].n = i - s;
        }
    }
    return i < n ? 0 : k;
}

static void jp_trace(struct jp_ctx *j, size_t i, const struct tv *v);

/* Children of an array or object, in enumeration order. */
static size_t jp_children(struct jp_ctx *j, const struct tv *v, struct tv **vals,
                          const size_t **order)
{
    *order = NULL;
    if (v->type == TV_ARR) {
        *vals = v->u.a->v;
        return v->u.a->n;
    }
    if (v->type == TV_OBJ) {
        *vals = v->u.o->v;
        *order = mr_template__obj_order(&j->rt->arena, v->u.o);
        return v->u.o->n;
    }
    return 0;
}

/* One operand of a filter: @.a.b, @['a'], @, a literal. */
static struct tv jp_operand(struct jp_ctx *j, const char *s, size_t n, const struct tv *at)
{
    const char *q;
    size_t qn;

    trim(&s, &n);
    if (n == 0)
        return tv_undef();
    if (s[0] == '@') {
        struct tv cur = *at;
        size_t i = 1;
        while (i < n) {
            const char *k;
            size_t kn;
            if (s[i] == '.') {
                size_t st = ++i;
                while (i < n && s[i] != '.' && s[i] != '[')
                    i++;
                k = s + st;
                kn = i - st;
            } else if (s[i] == '[') {
                const char *e = memchr(s + i, ']', n - i);
                if (!e)
                    return tv_undef();
                k = s + i + 1;
                kn = (size_t)(e - k);
                unquote(k, kn, &k, &kn);
                i = (size_t)(e - s) + 1;
            } else {
                return tv_undef(); /* @property, @.match(): not supported */
            }
            if (cur.type == TV_UNDEF || cur.type == TV_NULL)
                return tv_undef();
            cur = mr_template__lookup(j->rt, &cur, k, kn);
        }
        return cur;
    }
    if (unquote(s, n, &q, &qn))
        return tv_str(q, qn);
    if (n == 4 && memcmp(s, "true", 4) == 0)
        return tv_bool(true);
    if (n == 5 && memcmp(s, "false", 5) == 0)
        return tv_bool(false);
    if (n == 4 && memcmp(s, "null", 4) == 0)
        return tv_null();
    return tv_num(mr_template__str_to_number(s, n));
}

static bool jp_compare(struct jp_ctx *j, const char *s, size_t n, const struct tv *at)
{
    static const char *const ops[] = {"===", "!==", "==", "!=", "<=", ">=", "<", ">"};
    size_t i, o;
    char q = 0;

    trim(&s, &n);
    while (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
        s++;
        n -= 2;
        trim(&s, &n);
    }
    for (i = 0; i < n; i++) {
        if (q) {
            if (s[i] == q)
                q = 0;
            continue;
        }
        if (s[i] == '\'' || s[i] == '"') {
            q = s[i];
            continue;
        }
        for (o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
            size_t ol = strlen(ops[o]);
            if (i + ol <= n && memcmp(s + i, ops[o], ol) == 0) {
                struct tv a = jp_operand(j, s, i, at),
                          b = jp_operand(j, s + i + ol, n - i - ol, at);
                double x, y;
                switch (o) {
                case 0:
                    return mr_template__strict_eq(&a, &b);
                case 1:
                    return !mr_template__strict_eq(&a, &b);
                case 2:
                    return mr_template__loose_eq(&a, &b);
                case 3:
                    return !mr_template__loose_eq(&a, &b);
                default:
                    if (a.type == TV_STR && b.type == TV_STR) {
                        size_t m = a.u.s.len < b.u.s.len ? a.u.s.len : b.u.s.len;
                        int c = memcmp(a.u.s.p, b.u.s.p, m);
                        if (c == 0)
                            c = a.u.s.len < b.u.s.len ? -1 : a.u.s.len > b.u.s.len;
                        x = c;
                        y = 0;
                    } else {
                        x = mr_template__to_number(&a);
                        y = mr_template__to_number(&b);
                    }
                    if (o == 4)
                        return x <= y;
                    if (o == 5)
                        return x >= y;
                    if (o == 6)
                        return x < y;
                    return x > y;
                }
            }
        }
    }
    {
        struct tv v = jp_operand(j, s, n, at);
        return mr_template__truthy(&v);
    }
}

/* Splits on a top-level operator ("&&" or "||") outside quotes and parens. */
static bool jp_split(const char *s, size_t n, const char *op, size_t *at)
{
    size_t i, depth = 0;
    char q = 0;

    for (i = 0; i + 1 < n; i++) {
        if (q) {
            if (s[i] == q)
                q = 0;
        } else if (s[i] == '\'' || s[i] == '"') {
            q = s[i];
        } else if (s[i] == '(') {
            depth++;
        } else if (s[i] == ')') {
            if (depth)
                depth--;
        } else if (depth == 0 && s[i] == op[0] && s[i + 1] == op[1]) {
            *at = i;
            return true;
        }
    }
    return false;
}

static bool jp_filter(struct jp_ctx *j, const char *s, size_t n, const struct tv *at, int depth)
{
    size_t k;

    if (depth > 32)
        return false;
    trim(&s, &n);
    if (jp_split(s, n, "||", &k))
        return jp_filter(j, s, k, at, depth + 1) ||
               jp_filter(j, s + k + 2, n - k - 2, at, depth + 1);
    if (jp_split(s, n, "&&", &k))
        return jp_filter(j, s, k, at, depth + 1) &&
               jp_filter(j, s + k + 2, n - k - 2, at, depth + 1);
    if (n >= 2 && s[0] == '(' && s[n - 1] == ')')
        return jp_filter(j, s + 1, n - 2, at, depth + 1);
    if (n && s[0] == '!') {
        struct tv v = jp_operand(j, s + 1, n - 1, at);
        return !mr_template__truthy(&v);
    }
    return jp_compare(j, s, n, at);
}

static void jp_key(struct jp_ctx *j, size_t i, const struct tv *v, const char *k, size_t kn)
{
    struct tv child;

    if (v->type == TV_UNDEF || v->type == TV_NULL)
        return;
    child = mr_template__lookup(j->rt, v, k, kn);
    if (child.type != TV_UNDEF)
        jp_trace(j, i + 1, &child);
}

static long parse_long(const char *s, size_t n, long def)
{
    long v = 0;
    bool neg = false, any = false;
    size_t i = 0;

    trim(&s, &n);
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        any = true;
        if (v < 100000000)
            v = v * 10 + (s[i] - '0');
    }
    return any ? (neg ? -v : v) : def;
}

static void jp_trace(struct jp_ctx *j, size_t i, const struct tv *v)
{
    const struct jp_seg *s;
    struct tv *vals;
    const size_t *order;
    size_t n, c;

    if (!mr_template__charge(j->rt, 1) || j->depth > MR_TPL_MAX_VALUE_DEPTH)
        return;
    if (i == j->nseg) {
        mr_template__arr_push(&j->rt->arena, j->out, *v);
        return;
    }
    s = &j->seg[i];
    switch (s->kind) {
    case JP_KEY: {
        const char *k;
        size_t kn;
        if (!unquote(s->p, s->n, &k, &kn)) {
            k = s->p;
            kn = s->n;
        }
        jp_key(j, i, v, k, kn);
        return;
    }
    case JP_ALL:
        j->multi = true;
        n = jp_children(j, v, &vals, &order);
        for (c = 0; c < n; c++)
            jp_trace(j, i + 1, &vals[order ? order[c] : c]);
        return;
    case JP_DESCEND:
        j->multi = true;
        jp_trace(j, i + 1, v);
        n = jp_children(j, v, &vals, &order);
        j->depth++;
        for (c = 0; c < n; c++) {
            const struct tv *ch = &vals[order ? order[c] : c];
            if (ch->type == TV_ARR || ch->type == TV_OBJ)
                jp_trace(j, i, ch);
        }
        j->depth--;
        return;
    case JP_UNION: {
        const char *p = s->p, *e = s->p + s->n;
        j->multi = true;
        while (p < e) {
            const char *comma = p, *k;
            char q = 0;
            size_t kn;
            for (; comma < e; comma++) {
                if (q) {
                    if (*comma == q)
                        q = 0;
                } else if (*comma == '\'' || *comma == '"') {
                    q = *comma;
                } else if (*comma == ',') {
                    break;
                }
            }
            k = p;
            kn = (size_t)(comma - p);
            trim(&k, &kn);
            unquote(k, kn, &k, &kn);
            jp_key(j, i, v, k, kn);
            p = comma + 1;
        }
        return;
    }
    case JP_SLICE: {
        const char *c1 = memchr(s->p, ':', s->n), *c2;
        long len, start, end, step;
        if (v->type != TV_ARR)
            return;
        j->multi = true;
        len = (long)v->u.a->n;
        c2 = memchr(c1 + 1, ':', (size_t)(s->p + s->n - c1 - 1));
        start = parse_long(s->p, (size_t)(c1 - s->p), 0);
        end = parse_long(c1 + 1, (size_t)((c2 ? c2 : s->p + s->n) - c1 - 1), len);
        step = c2 ? parse_long(c2 + 1, (size_t)(s->p + s->n - c2 - 1), 1) : 1;
        if (end == 0)
            end = len; /* `parseInt(end) || len`: 0 means the length */
        if (step <= 0)
            step = 1;
        start = start < 0 ? (start + len > 0 ? start + len : 0) : (start < len ? start : len);
        end = end < 0 ? (end + len > 0 ? end + len : 0) : (end < len ? end : len);
        for (; start < end; start += step)
            jp_trace(j, i + 1, &v->u.a->v[start]);
        return;
    }
    case JP_FILTER:
        j->multi = true;
        n = jp_children(j, v, &vals, &order);
        for (c = 0; c < n; c++) {
            const struct tv *ch = &vals[order ? order[c] : c];
            if (jp_filter(j, s->p, s->n, ch, 0))
                jp_trace(j, i + 1, ch);
        }
        return;
    default:
        return;
    }
}

struct tv mr_template__json_path(struct mr_tpl_rt *rt, const struct tv *data, const char *path,
                                 size_t len, const struct tv *def)
{
    struct jp_seg seg[64];
    struct jp_ctx j;
    size_t n;

    if (!walkable(data) || len == 0)
        return *data;
    if (data->type == TV_NULL)
        return *def;
    n = jp_parse(path, len, seg, sizeof(seg) / sizeof(seg[0]));
    if (n == 0 && !(len == 1 && path[0] == '$'))
        return *def;
    memset(&j, 0, sizeof(j));
    j.rt = rt;
    j.seg = seg;
    j.nseg = n;
    j.out = mr_template__arr_new(&rt->arena, 0);
    if (!j.out)
        return *def;
    jp_trace(&j, 0, data);
    if (j.out->n == 0)
        return *def;
    if (j.out->n == 1 && !j.multi)
        return j.out->v[0];
    return tv_arr(j.out);
}

struct tv mr_template__get_path(struct mr_tpl_rt *rt, const struct tv *data, const char *path,
                                size_t len, const struct tv *def)
{
    if (len && path[0] == '$')
        return mr_template__json_path(rt, data, path, len, def);
    return mr_template__object_path(rt, data, path, len, def);
}
