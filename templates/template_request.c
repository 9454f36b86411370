/*
 * template_request.c - what templates see of the request: the values behind
 * Mockoon's request helpers (query parameters parsed as Express's "extended"
 * qs parser does, the body parsed as JSON or as a form the way Mockoon's
 * processRawBody does, headers as Node's req.headers), the WireMock-style
 * `request` object, and Mockoon's getValueFromPath over them: object-path
 * ("items.0.sku", "a\.b"), or JSONPath-Plus for a path that starts with '$'
 * (jsonpath_plus.c). Query strings and forms are parsed by qs.c.
 *
 * Each part is built on first use and kept for the rest of the render
 * (mr_template__request_value).
 */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/text.h"
#include "common/xmldoc.h"
#include "common/xmljs.h"
#include "templates/template_internal.h"

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

static struct mr_tpl_value kv_text(const char *p, size_t n);

/* A cookie value as the `cookie` package (Mockoon) decodes it: decodeURIComponent
 * when it contains '%', keeping the raw text if that fails; '+' stays '+'. */
static struct mr_tpl_value cookie_value(struct mr_tpl_arena *a, const char *s, size_t n)
{
    char *d;
    size_t k;

    if (!s || !memchr(s, '%', n))
        return kv_text(s, n);
    d = mr_template__alloc(a, n + 1);
    if (!d)
        return kv_text(s, n);
    k = mr_percent_decode(d, s, n, MR_PCT_WHOLE); /* all or nothing, '+' kept */
    d[k] = '\0';
    return mr_tpl_str(d, k);
}

/* ---- request values ------------------------------------------------------------ */

/* A borrowed text, "" when the caller gave NULL. */
static struct mr_tpl_value kv_text(const char *p, size_t n)
{
    return p ? mr_tpl_str(p, n) : mr_tpl_str("", 0);
}

static const char *kv_name(const char *p)
{
    return p ? p : "";
}

static struct mr_tpl_value build_query(struct mr_tpl_rt *rt)
{
    struct mr_tpl_object *o = mr_template__obj_new(&rt->arena, 0);
    const char *raw;

    if (!o)
        return mr_tpl_undef();
    raw = rt->ctx && rt->ctx->query_raw ? rt->ctx->query_raw : "";
    if (*raw)
        mr_template__qs_parse(&rt->arena, o, raw, strlen(raw), MR_TPL_QS_QUERY);
    return mr_tpl_obj(o);
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

static struct mr_tpl_value build_headers(struct mr_tpl_rt *rt)
{
    struct mr_tpl_object *o = mr_template__obj_new(&rt->arena, 0);
    size_t i;

    if (!o)
        return mr_tpl_undef();
    o->nocase = true;
    if (rt->ctx && rt->ctx->headers) {
        for (i = 0; i < rt->ctx->nheaders; i++) {
            const struct mr_kv *kv = &rt->ctx->headers[i];
            char *name = lower_dup(&rt->arena, kv_name(kv->name), kv->name ? kv->name_len : 0);
            size_t name_len = kv->name ? kv->name_len : 0;
            struct mr_tpl_value value = kv_text(kv->value, kv->value_len);
            struct mr_tpl_value *old;
            if (!name)
                return mr_tpl_undef();
            old = mr_template__obj_get(o, name, name_len);
            if (!old) {
                mr_template__obj_set(&rt->arena, o, name, name_len, value);
            } else if (!single_header(name)) {
                /* Node joins repeated headers with ", " (cookies with "; ") */
                const char *sep = strcmp(name, "cookie") == 0 ? "; " : ", ";
                size_t n = old->u.s.len + 2 + value.u.s.len;
                char *v = mr_template__alloc(&rt->arena, n + 1);
                if (!v)
                    return mr_tpl_undef();
                memcpy(v, old->u.s.p, old->u.s.len);
                memcpy(v + old->u.s.len, sep, 2);
                memcpy(v + old->u.s.len + 2, value.u.s.p, value.u.s.len);
                v[n] = '\0';
                *old = mr_tpl_str(v, n);
            }
        }
    }
    return mr_tpl_obj(o);
}

static struct mr_tpl_value build_params(struct mr_tpl_rt *rt)
{
    struct mr_tpl_object *o = mr_template__obj_new(&rt->arena, 0);
    size_t i;

    if (!o)
        return mr_tpl_undef();
    if (rt->ctx && rt->ctx->params)
        for (i = 0; i < rt->ctx->nparams; i++)
            mr_template__obj_set(&rt->arena, o, kv_name(rt->ctx->params[i].name),
                                 rt->ctx->params[i].name ? rt->ctx->params[i].name_len : 0,
                                 kv_text(rt->ctx->params[i].value, rt->ctx->params[i].value_len));
    return mr_tpl_obj(o);
}

static struct mr_tpl_value build_cookies(struct mr_tpl_rt *rt)
{
    struct mr_tpl_object *o = mr_template__obj_new(&rt->arena, 0);
    size_t i;

    if (!o)
        return mr_tpl_undef();
    if (rt->ctx && rt->ctx->cookies) {
        /* the server's parsed pairs (the Cookie header itself is not read
         * here), then as the `cookie` package does: the first of a repeated
         * name wins, values are trimmed and percent-decoded when valid */
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
    }
    return mr_tpl_obj(o);
}

/* The lower-cased Content-Type, or "". */
static struct mr_tpl_value content_type(struct mr_tpl_rt *rt)
{
    struct mr_tpl_value h = mr_template__request_value(rt, MR_TPL_REQ_HEADERS), *ct;

    if (h.type == MR_TPL_V_OBJ && (ct = mr_template__obj_get(h.u.o, "content-type", 12)) != NULL &&
        ct->type == MR_TPL_V_STR) {
        char *l = lower_dup(&rt->arena, ct->u.s.p, ct->u.s.len);
        if (l)
            return mr_tpl_str(l, ct->u.s.len);
    }
    return mr_tpl_str("", 0);
}

static bool contains(const struct mr_tpl_value *s, const char *needle)
{
    size_t n = strlen(needle), i;

    for (i = 0; i + n <= s->u.s.len; i++)
        if (memcmp(s->u.s.p + i, needle, n) == 0)
            return true;
    return false;
}

/* "application/...+json", as Mockoon's /application\/.*\+json/i */
static bool plus_json(const struct mr_tpl_value *s)
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

/* ---- XML bodies ----------------------------------------------------------------- */

/* The body as Mockoon's processRawBody reads an XML body: xml-js's
 * xml2js(body, {compact: true}), built by common/xmljs.h and read back
 * from its JSON text. A body libxml2 refuses (not well-formed, a DOCTYPE,
 * over 16 MiB) or without libxml2 is undefined. */
static struct mr_tpl_value build_xml_body(struct mr_tpl_rt *rt, const char *b, size_t n)
{
    struct mr_tpl_value v = mr_tpl_undef();
    char why[200], *json, *kept;
    size_t len;

    json = mr_xmljs_json(b, n, &len, why, sizeof(why));
    /* parsed values point into the text: it must live as long as the render */
    kept = json ? mr_template__strndup(&rt->arena, json, len) : NULL;
    free(json);
    if (kept && !mr_template__parse_json(&rt->arena, kept, len, &v))
        v = mr_tpl_undef();
    return v;
}

const struct mr_xmldoc *mr_template__body_xml(struct mr_tpl_rt *rt)
{
    struct mr_error err;
    char why[200];

    if (!rt->body_xml_parsed) {
        rt->body_xml_parsed = true;
        if (rt->ctx && rt->ctx->body && mr_xmldoc_init(&err) == 0)
            rt->body_xml = mr_xmldoc_parse(rt->ctx->body, rt->ctx->body_len, why, sizeof(why));
    }
    return rt->body_xml;
}

/* processRawBody: JSON, a form or XML by the Content-Type, else undefined. */
static struct mr_tpl_value build_body(struct mr_tpl_rt *rt)
{
    struct mr_tpl_value ct, v;
    const char *b;
    size_t n;

    if (!rt->ctx)
        return mr_tpl_undef();
    b = rt->ctx->body ? rt->ctx->body : "";
    n = rt->ctx->body ? rt->ctx->body_len : 0;
    ct = content_type(rt);
    if (contains(&ct, "application/json") || plus_json(&ct)) {
        if (mr_template__parse_json(&rt->arena, b, n, &v))
            return v;
    } else if (contains(&ct, "application/x-www-form-urlencoded")) {
        struct mr_tpl_object *o = mr_template__obj_new(&rt->arena, 0);
        if (o) {
            mr_template__qs_parse(&rt->arena, o, b, n, MR_TPL_QS_FORM);
            return mr_tpl_obj(o);
        }
    } else if (mr_xmljs_content_type(ct.u.s.p, ct.u.s.len)) {
        return build_xml_body(rt, b, n);
    }
    return mr_tpl_undef();
}

/* A borrowed C string, "" for NULL. */
static struct mr_tpl_value c_text(const char *s)
{
    return s ? mr_tpl_str(s, strlen(s)) : mr_tpl_str("", 0);
}

/* The WireMock-style root value: {{request.path}}, {{request.query.page}}. */
static struct mr_tpl_value build_request(struct mr_tpl_rt *rt)
{
    struct mr_tpl_arena *a = &rt->arena;
    const struct mr_tpl_ctx *c = rt->ctx;
    struct mr_tpl_object *o = mr_template__obj_new(a, 12);
    struct mr_tpl_array *segs = mr_template__arr_new(a, 0);

    if (!o || !segs)
        return mr_tpl_undef();
    mr_template__obj_set(a, o, "method", 6, c_text(c ? c->method : NULL));
    mr_template__obj_set(a, o, "path", 4, c_text(c ? c->path : NULL));
    if (c && c->path) {
        const char *p = c->path;
        while (*p) {
            const char *e = strchr(p, '/');
            if (!e)
                e = p + strlen(p);
            if (e > p)
                mr_template__arr_push(a, segs, mr_tpl_str(p, (size_t)(e - p)));
            p = *e ? e + 1 : e;
        }
    }
    mr_template__obj_set(a, o, "pathSegments", 12, mr_tpl_arr(segs));
    if (c && c->path && c->query_raw && c->query_raw[0]) {
        size_t pl = strlen(c->path), ql = strlen(c->query_raw);
        char *u = mr_template__alloc(a, pl + ql + 2);
        if (u) {
            memcpy(u, c->path, pl);
            u[pl] = '?';
            memcpy(u + pl + 1, c->query_raw, ql + 1);
            mr_template__obj_set(a, o, "url", 3, mr_tpl_str(u, pl + ql + 1));
        }
    } else {
        mr_template__obj_set(a, o, "url", 3, c_text(c ? c->path : NULL));
    }
    mr_template__obj_set(a, o, "baseUrl", 7, c_text(c ? c->base_url : NULL));
    mr_template__obj_set(a, o, "query", 5, mr_template__request_value(rt, MR_TPL_REQ_QUERY));
    mr_template__obj_set(a, o, "headers", 7, mr_template__request_value(rt, MR_TPL_REQ_HEADERS));
    mr_template__obj_set(a, o, "cookies", 7, mr_template__request_value(rt, MR_TPL_REQ_COOKIES));
    mr_template__obj_set(a, o, "params", 6, mr_template__request_value(rt, MR_TPL_REQ_PARAMS));
    {
        struct mr_tpl_value body =
            c && c->body ? mr_tpl_str(c->body, c->body_len) : mr_tpl_str("", 0);
        body.json_text = true;
        mr_template__obj_set(a, o, "body", 4, body);
    }
    return mr_tpl_obj(o);
}

struct mr_tpl_value mr_template__request_value(struct mr_tpl_rt *rt, enum mr_tpl_request_part part)
{
    static struct mr_tpl_value (*const build[MR_TPL_REQ_PARTS])(struct mr_tpl_rt *) = {
        [MR_TPL_REQ_OBJECT] = build_request, [MR_TPL_REQ_QUERY] = build_query,
        [MR_TPL_REQ_BODY] = build_body,      [MR_TPL_REQ_HEADERS] = build_headers,
        [MR_TPL_REQ_PARAMS] = build_params,  [MR_TPL_REQ_COOKIES] = build_cookies,
    };

    /* marked before it is built: building a part reads others (the request
     * object all of them, the body its headers), never itself */
    if (!rt->request_built[part]) {
        rt->request_built[part] = true;
        rt->request_parts[part] = build[part](rt);
    }
    return rt->request_parts[part];
}

/* ---- object-path -------------------------------------------------------------- */

struct mr_tpl_value mr_template__object_path(struct mr_tpl_rt *rt, const struct mr_tpl_value *data,
                                             const char *path, size_t len,
                                             const struct mr_tpl_value *def)
{
    struct mr_tpl_value cur = *data;
    size_t i = 0;
    bool escaped = false;

    /* only objects are walked: typeof data === 'object' (null included) */
    if (!(mr_tpl_is_object(data) || data->type == MR_TPL_V_NULL) || len == 0)
        return *data;
    for (i = 0; i + 1 < len; i++)
        if (path[i] == '\\' && path[i + 1] == '.')
            escaped = true;
    i = 0;
    for (;;) {
        /* one segment: up to an unescaped '.' ("a\.b" is the key "a.b") */
        char buf[256], *key = buf;
        size_t k = 0, start = i;
        struct mr_tpl_value next;
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
        if (cur.type == MR_TPL_V_UNDEF || cur.type == MR_TPL_V_NULL)
            return *def;
        next = mr_template__lookup(rt, &cur, key, k);
        if (next.type == MR_TPL_V_UNDEF)
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

struct mr_tpl_value mr_template__get_path(struct mr_tpl_rt *rt, const struct mr_tpl_value *data,
                                          const char *path, size_t len,
                                          const struct mr_tpl_value *def)
{
    if (len && path[0] == '$')
        return mr_template__jsonpath_plus(rt, data, path, len, def);
    return mr_template__object_path(rt, data, path, len, def);
}
