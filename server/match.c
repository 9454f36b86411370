#define PCRE2_CODE_UNIT_WIDTH 8
#include "server/match.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <pcre2.h>

#include "common/text.h"

/* ---- requests ---- */

size_t mr_request_count_params(const char *query)
{
    size_t n = 1;
    if (!query || !*query)
        return 0;
    for (; *query; query++)
        n += *query == '&';
    return n;
}

/* Query names and values decode as Express's parser (qs) does: '+' is a
 * space, and a bad escape or a result that is not UTF-8 (decodeURIComponent
 * throwing) keeps the text as it is. */
static size_t decode(const char *s, const char *e, char *dst)
{
    return mr_percent_decode(dst, s, (size_t)(e - s), MR_PCT_PLUS | MR_PCT_WHOLE);
}

size_t mr_request_parse_query(const char *query, char *scratch, struct mr_kv *pairs, size_t max)
{
    size_t n = 0;
    const char *p = query;

    if (!query)
        return 0;
    while (*p && n < max) {
        const char *amp = strchr(p, '&');
        const char *end = amp ? amp : p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        const char *kend = eq ? eq : end;

        if (end > p) {
            struct mr_kv *kv = &pairs[n++];
            kv->name = scratch;
            kv->name_len = decode(p, kend, scratch);
            scratch += kv->name_len;
            *scratch++ = '\0';
            if (eq) {
                kv->value = scratch;
                kv->value_len = decode(eq + 1, end, scratch);
                scratch += kv->value_len;
                *scratch++ = '\0';
            } else {
                /* no '=': the empty value is the name's NUL, so the decoded text
                 * never needs more than strlen(query) + 1 bytes */
                kv->value = scratch - 1;
                kv->value_len = 0;
            }
        }
        if (!amp)
            break;
        p = amp + 1;
    }
    return n;
}

void mr_request_release(struct mr_request *req)
{
    cJSON_Delete(req->body_json);
    req->body_json = NULL;
    req->body_json_tried = false;
}

const struct mr_kv *mr_request_header(const struct mr_request *req, const char *name)
{
    size_t i, len = strlen(name);
    for (i = 0; i < req->nheaders; i++)
        if (req->headers[i].name_len == len && strncasecmp(req->headers[i].name, name, len) == 0)
            return &req->headers[i];
    return NULL;
}

/* ---- conditions ---- */

/* One match-data block per thread, sized for the whole-match pair only. */
static _Thread_local pcre2_match_data *tls_md;

static bool regex_find(const pcre2_code *re, const char *s, size_t len)
{
    int rc;
    if (!tls_md) {
        tls_md = pcre2_match_data_create(1, NULL);
        if (!tls_md)
            return false;
    }
    rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, tls_md, NULL);
    return rc >= 0;
}

/* For a pathPattern's named groups: room for this many groups, per thread. */
#define MAX_GROUPS 32
static _Thread_local pcre2_match_data *tls_groups;

void mr_match_thread_exit(void)
{
    pcre2_match_data_free(tls_md);
    tls_md = NULL;
    pcre2_match_data_free(tls_groups);
    tls_groups = NULL;
}

static bool contains(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    size_t i;
    if (nlen == 0)
        return true;
    if (nlen > hlen)
        return false;
    for (i = 0; i + nlen <= hlen; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
            return true;
    return false;
}

/* `v` is NULL when the field is missing. */
static bool cond_holds(const struct mr_cond *c, const struct mr_kv *v)
{
    switch (c->op) {
    case MR_OP_ABSENT:
        return v == NULL;
    case MR_OP_PRESENT:
        return v != NULL;
    case MR_OP_EQUALS:
        return v && v->value_len == c->len && memcmp(v->value, c->text, c->len) == 0;
    case MR_OP_CONTAINS:
        return v && contains(v->value, v->value_len, c->text, c->len);
    case MR_OP_MATCHES:
        return v && c->re && regex_find((const pcre2_code *)c->re, v->value, v->value_len);
    }
    return false;
}

/*
 * A field condition against name/value pairs (query parameters, headers,
 * path parameters, cookies): it holds when any pair of that name satisfies
 * it (ABSENT: when there is none); {"not": ...} turns the whole answer round.
 */
/* True when the pair is named `name` (len bytes; headers: any case). */
static bool pair_named(const struct mr_kv *kv, const char *name, size_t len, bool nocase)
{
    return kv->name_len == len &&
           (nocase ? strncasecmp(kv->name, name, len) : memcmp(kv->name, name, len)) == 0;
}

static bool pairs_hold(const struct mr_field *f, const struct mr_kv *kv, size_t n, bool nocase)
{
    size_t i, len = strlen(f->name);
    bool seen = false, ok = false;

    for (i = 0; i < n && !ok; i++) {
        if (!pair_named(&kv[i], f->name, len, nocase))
            continue;
        seen = true;
        ok = f->cond.op != MR_OP_ABSENT && cond_holds(&f->cond, &kv[i]);
    }
    if (f->cond.op == MR_OP_ABSENT)
        ok = !seen;
    return ok != f->cond.negate;
}

/* `want` is contained in `have`: objects may have extra members; the rest must be equal. */
static bool json_contains(const cJSON *want, const cJSON *have)
{
    const cJSON *w;

    if (!have)
        return false;
    if (cJSON_IsObject(want)) {
        if (!cJSON_IsObject(have))
            return false;
        cJSON_ArrayForEach(w, want)
        {
            if (!json_contains(w, cJSON_GetObjectItemCaseSensitive(have, w->string)))
                return false;
        }
        return true;
    }
    return cJSON_Compare(want, have, true);
}

/* The body as JSON, or NULL. cJSON stops after the first value; a body with
 * anything but blanks after it is not JSON. */
static cJSON *parse_json_body(const char *body, size_t len)
{
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(body, len, &end, false);

    if (!v)
        return NULL;
    while (end && end < body + len && strchr(" \t\r\n", *end) && *end)
        end++;
    if (!end || end < body + len) {
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

/* The value at a `jsonPath` field's path, or NULL. */
static const cJSON *json_at(const cJSON *v, const struct mr_json_field *f)
{
    size_t i;

    for (i = 0; v && i < f->nsteps; i++) {
        const char *step = f->steps[i];
        if (cJSON_IsObject(v)) {
            v = cJSON_GetObjectItemCaseSensitive(v, step);
        } else if (cJSON_IsArray(v) && *step && strspn(step, "0123456789") == strlen(step)) {
            errno = 0;
            unsigned long k = strtoul(step, NULL, 10);
            v = errno || k > INT32_MAX ? NULL : cJSON_GetArrayItem(v, (int)k);
        } else {
            return NULL;
        }
    }
    return v;
}

/* A condition on a JSON scalar's text: a string as it is, other scalars as JSON. */
static bool scalar_holds(const struct mr_cond *c, const cJSON *v)
{
    char text[64];
    struct mr_kv kv = {0};

    if (cJSON_IsString(v)) {
        kv.value = v->valuestring;
        kv.value_len = strlen(v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        kv.value = text;
        kv.value_len = mr_number_text(v->valuedouble, text);
    } else if (cJSON_IsBool(v) || cJSON_IsNull(v)) {
        kv.value = cJSON_IsNull(v) ? "null" : cJSON_IsTrue(v) ? "true" : "false";
        kv.value_len = strlen(kv.value);
    } else {
        return false; /* an object has no text to compare */
    }
    return cond_holds(c, &kv);
}

/* A `jsonPath` condition on the parsed body; an array holds if any item does. */
static bool json_field_holds(const struct mr_json_field *f, const cJSON *root)
{
    const cJSON *v = json_at(root, f), *item;

    bool ok = false;

    if (f->cond.op == MR_OP_ABSENT || f->cond.op == MR_OP_PRESENT) {
        ok = (v != NULL) == (f->cond.op == MR_OP_PRESENT);
    } else if (!cJSON_IsArray(v)) {
        ok = v && scalar_holds(&f->cond, v);
    } else {
        cJSON_ArrayForEach(item, v)
        {
            if ((ok = scalar_holds(&f->cond, item)))
                break;
        }
    }
    return ok != f->cond.negate;
}

/* The request's body as JSON (parsed once, on first use), or NULL. */
static const cJSON *body_json(struct mr_request *req)
{
    if (!req->body_json_tried) {
        req->body_json_tried = true;
        if (req->body && req->body_len)
            req->body_json = parse_json_body(req->body, req->body_len);
    }
    return req->body_json;
}

static bool body_holds(const struct mr_body_cond *b, struct mr_request *req)
{
    size_t i;

    switch (b->op) {
    case MR_BODY_EQUALS:
        /* an empty body may be NULL: memcmp must not see it */
        return req->body_len == b->len && (b->len == 0 || memcmp(req->body, b->text, b->len) == 0);
    case MR_BODY_CONTAINS:
        return contains(req->body, req->body_len, b->text, b->len);
    case MR_BODY_MATCHES:
        return b->re &&
               regex_find((const pcre2_code *)b->re, req->body ? req->body : "", req->body_len);
    case MR_BODY_JSON:
    case MR_BODY_JSON_EQUALS:
        if (!body_json(req))
            return false;
        return b->op == MR_BODY_JSON ? json_contains(b->json, req->body_json)
                                     : cJSON_Compare(b->json, req->body_json, true);
    case MR_BODY_JSON_PATHS:
        if (!body_json(req))
            return false;
        for (i = 0; i < b->nfields; i++)
            if (!json_field_holds(&b->fields[i], req->body_json))
                return false;
        return true;
    }
    return false;
}

/* True when the still-encoded path segment raw[0..n) decodes to lit[0..len). */
static bool segment_is(const char *raw, size_t n, const char *lit, size_t len)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++, k++) {
        char c = raw[i];
        if (c == '%' && n - i >= 3 && mr_hexval(raw[i + 1]) >= 0 && mr_hexval(raw[i + 2]) >= 0) {
            c = (char)(mr_hexval(raw[i + 1]) * 16 + mr_hexval(raw[i + 2]));
            i += 2;
        }
        if (k >= len || lit[k] != c)
            return false;
    }
    return k == len;
}

/*
 * Walks a templated matcher's segments along `raw`, the path as sent: like
 * Express, the path is split at its own slashes first and each segment is
 * decoded after, so an encoded slash (%2F) stays inside its parameter. With
 * `out`, the parameters are decoded into `scratch` (room for strlen(raw)
 * bytes) and listed there. Returns false when the path does not fit.
 */
static bool walk_template(const struct mr_matcher *m, const char *raw, struct mr_kv *out,
                          size_t max, char *scratch, size_t *nout)
{
    const char *p;
    size_t i;

    if (raw[0] != '/')
        return false;
    p = raw + 1;
    for (i = 0; i < m->nsegs; i++) {
        const struct mr_seg *s = &m->segs[i];
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        bool last = i + 1 == m->nsegs;

        switch (s->kind) {
        case MR_SEG_STAR:
            if (last)
                return true; /* the rest of the path, however long */
            break;
        case MR_SEG_PARAM:
            if (len == 0)
                return false;
            if (out && *nout < max) {
                struct mr_kv *kv = &out[(*nout)++];
                kv->name = s->text;
                kv->name_len = s->len;
                kv->value = scratch;
                kv->value_len = mr_percent_decode(scratch, p, len, MR_PCT_WHOLE);
                scratch += kv->value_len;
            }
            break;
        case MR_SEG_LITERAL:
            if (!segment_is(p, len, s->text, s->len))
                return false;
            break;
        }
        if (last)
            return slash == NULL;
        if (!slash)
            return false;
        p = slash + 1;
    }
    return *p == '\0';
}

static bool path_holds(const struct mr_matcher *m, const struct mr_request *req)
{
    switch (m->path_kind) {
    case MR_PATH_ANY:
        return true;
    case MR_PATH_LITERAL:
        return strcmp(m->path, req->path) == 0;
    case MR_PATH_REGEX:
        return m->path_re &&
               regex_find((const pcre2_code *)m->path_re, req->path, strlen(req->path));
    case MR_PATH_TEMPLATE:
        break;
    }
    return walk_template(m, req->raw_path ? req->raw_path : req->path, NULL, 0, NULL, NULL);
}

bool mr_match(const struct mr_matcher *m, struct mr_request *req, struct mr_miss *miss)
{
    size_t i;
    bool ok = true;

    if (miss) {
        miss->kind = MR_MISS_NONE;
        miss->index = 0;
        miss->score = 0;
    }
#define FAIL(k, idx)                                                                               \
    do {                                                                                           \
        if (!miss)                                                                                 \
            return false;                                                                          \
        if (ok) {                                                                                  \
            miss->kind = (k);                                                                      \
            miss->index = (idx);                                                                   \
        }                                                                                          \
        ok = false;                                                                                \
    } while (0)
#define PASS(w)                                                                                    \
    do {                                                                                           \
        if (miss)                                                                                  \
            miss->score += (w);                                                                    \
    } while (0)

    if (path_holds(m, req))
        PASS(m->path_kind == MR_PATH_ANY ? 1 : 8);
    else
        FAIL(MR_MISS_PATH, 0);
    if (!m->method || strcasecmp(m->method, req->method) == 0)
        PASS(m->method ? 4 : 1);
    else
        FAIL(MR_MISS_METHOD, 0);
    for (i = 0; i < m->nquery; i++) {
        if (pairs_hold(&m->query[i], req->params, req->nparams, false))
            PASS(2);
        else
            FAIL(MR_MISS_QUERY, i);
    }
    for (i = 0; i < m->nheaders; i++) {
        if (pairs_hold(&m->headers[i], req->headers, req->nheaders, true))
            PASS(2);
        else
            FAIL(MR_MISS_HEADER, i);
    }
    if (m->body) {
        if (body_holds(m->body, req))
            PASS(2);
        else
            FAIL(MR_MISS_BODY, 0);
    }
#undef FAIL
#undef PASS
    return ok;
}

/* ---- the router ---- */

/* Open-addressing hash of literal paths → a run of route indices (ascending). */
struct slot {
    const char *path; /* borrowed from the scenario; NULL: empty */
    size_t len;
    uint64_t hash;
    size_t *routes;
    size_t nroutes;
};

struct service_index {
    struct slot *slots;
    size_t nslots;  /* power of two */
    size_t *others; /* non-literal routes, ascending */
    size_t nothers;
};

struct mr_router {
    const struct mr_scenario *sc;
    struct service_index *svc;
    size_t nsvc;
};

static uint64_t hash_str(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    size_t i;
    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static struct slot *find_slot(const struct service_index *ix, const char *path, size_t len,
                              uint64_t h)
{
    size_t mask = ix->nslots - 1, i = (size_t)h & mask;
    for (;;) {
        struct slot *s = &ix->slots[i];
        if (!s->path || (s->hash == h && s->len == len && memcmp(s->path, path, len) == 0))
            return s;
        i = (i + 1) & mask;
    }
}

int mr_router_new(struct mr_router **out, const struct mr_scenario *sc, struct mr_error *err)
{
    struct mr_router *r;
    size_t si, i;

    *out = NULL;
    r = calloc(1, sizeof(*r));
    if (!r)
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    r->sc = sc;
    r->nsvc = sc->nservices;
    r->svc = calloc(sc->nservices ? sc->nservices : 1, sizeof(*r->svc));
    if (!r->svc)
        goto nomem;
    for (si = 0; si < sc->nservices; si++) {
        const struct mr_service *svc = &sc->services[si];
        struct service_index *ix = &r->svc[si];
        size_t want = 8;

        while (want < svc->nroutes * 2)
            want *= 2;
        ix->nslots = want;
        ix->slots = calloc(want, sizeof(*ix->slots));
        ix->others = calloc(svc->nroutes ? svc->nroutes : 1, sizeof(size_t));
        if (!ix->slots || !ix->others)
            goto nomem;
        for (i = svc->first_route; i < svc->first_route + svc->nroutes; i++) {
            const struct mr_matcher *m = &sc->routes[i].match;
            struct slot *s;
            size_t *grown;
            if (m->path_kind != MR_PATH_LITERAL) {
                ix->others[ix->nothers++] = i;
                continue;
            }
            s = find_slot(ix, m->path, strlen(m->path), hash_str(m->path, strlen(m->path)));
            if (!s->path) {
                s->path = m->path;
                s->len = strlen(m->path);
                s->hash = hash_str(m->path, s->len);
            }
            grown = realloc(s->routes, (s->nroutes + 1) * sizeof(size_t));
            if (!grown)
                goto nomem;
            s->routes = grown;
            s->routes[s->nroutes++] = i;
        }
    }
    *out = r;
    return 0;
nomem:
    mr_router_free(r);
    return mr_error_set(err, MR_ENOMEM, "out of memory");
}

void mr_router_free(struct mr_router *r)
{
    size_t si, i;
    if (!r)
        return;
    for (si = 0; si < r->nsvc && r->svc; si++) {
        struct service_index *ix = &r->svc[si];
        for (i = 0; i < ix->nslots && ix->slots; i++)
            free(ix->slots[i].routes);
        free(ix->slots);
        free(ix->others);
    }
    free(r->svc);
    free(r);
}

long mr_router_match(const struct mr_router *r, size_t service, struct mr_request *req)
{
    return mr_router_next(r, service, req, -1);
}

long mr_router_next(const struct mr_router *r, size_t service, struct mr_request *req, long after)
{
    const struct service_index *ix;
    const struct slot *s;
    size_t len, a = 0, b = 0;

    if (service >= r->nsvc)
        return -1;
    ix = &r->svc[service];
    len = strlen(req->path);
    s = find_slot(ix, req->path, len, hash_str(req->path, len));
    /* merge the two ascending lists so file order decides */
    for (;;) {
        size_t next;
        bool from_lit = a < (s->path ? s->nroutes : 0);
        bool from_oth = b < ix->nothers;
        if (!from_lit && !from_oth)
            return -1;
        if (from_lit && (!from_oth || s->routes[a] < ix->others[b]))
            next = s->routes[a++];
        else
            next = ix->others[b++];
        if ((long)next > after && mr_match(&r->sc->routes[next].match, req, NULL))
            return (long)next;
    }
}

long mr_router_nearest(const struct mr_router *r, size_t service, struct mr_request *req,
                       struct mr_miss *miss)
{
    const struct mr_service *svc;
    long best = -1;
    size_t i;

    if (service >= r->nsvc)
        return -1;
    svc = &r->sc->services[service];
    miss->kind = MR_MISS_NONE;
    miss->score = -1;
    for (i = svc->first_route; i < svc->first_route + svc->nroutes; i++) {
        struct mr_miss m;
        mr_match(&r->sc->routes[i].match, req, &m);
        if (m.score > miss->score) {
            *miss = m;
            best = (long)i;
        }
    }
    return best;
}

/* Appends ".key" or "[i]" to a JSON path for messages. */
static void path_push(char *path, size_t size, const char *key, int index)
{
    size_t n = strlen(path);
    if (key)
        snprintf(path + n, size - n, ".%s", key);
    else
        snprintf(path + n, size - n, "[%d]", index);
}

/* Finds the first place where `have` fails `want` (subset: objects may have
 * extra members). Sets *w / *h to the differing values (either may be NULL). */
static bool json_diff(const cJSON *want, const cJSON *have, bool subset, char *path, size_t size,
                      const cJSON **w, const cJSON **h)
{
    const cJSON *c;

    if (cJSON_IsObject(want) && cJSON_IsObject(have)) {
        size_t n = strlen(path);
        cJSON_ArrayForEach(c, want)
        {
            path_push(path, size, c->string, 0);
            if (json_diff(c, cJSON_GetObjectItemCaseSensitive(have, c->string), subset, path, size,
                          w, h))
                return true;
            path[n] = '\0';
        }
        if (!subset) {
            cJSON_ArrayForEach(c, have)
            {
                if (!cJSON_GetObjectItemCaseSensitive(want, c->string)) {
                    path_push(path, size, c->string, 0);
                    *w = NULL;
                    *h = c;
                    return true;
                }
            }
        }
        return false;
    }
    if (cJSON_IsArray(want) && cJSON_IsArray(have) &&
        cJSON_GetArraySize(want) == cJSON_GetArraySize(have)) {
        size_t n = strlen(path);
        int i = 0;
        const cJSON *hc = have->child;
        cJSON_ArrayForEach(c, want)
        {
            path_push(path, size, NULL, i++);
            if (json_diff(c, hc, false, path, size, w, h)) /* arrays compare exactly */
                return true;
            path[n] = '\0';
            hc = hc->next;
        }
        return false;
    }
    if (have && cJSON_Compare(want, have, true))
        return false;
    *w = want;
    *h = have;
    return true;
}

static void json_text(const cJSON *v, char *buf, size_t size)
{
    char *s = v ? cJSON_PrintUnformatted(v) : NULL;
    if (!s) {
        snprintf(buf, size, "missing");
        return;
    }
    if (strlen(s) > 80)
        snprintf(buf, size, "%.77s...", s);
    else
        snprintf(buf, size, "%s", s);
    cJSON_free(s);
}

/* How explanations name a field condition's operator (enum mr_op order). */
static const char *const op_words[] = {"equal to", "containing", "matching", "absent", "present"};

/* The first pair named like `f` (with `satisfying`, the first that meets its
 * condition), or NULL. */
static const struct mr_kv *find_pair(const struct mr_field *f, const struct mr_kv *kv, size_t n,
                                     bool nocase, bool satisfying)
{
    size_t i, len = strlen(f->name);

    for (i = 0; i < n; i++)
        if (pair_named(&kv[i], f->name, len, nocase) &&
            (!satisfying || cond_holds(&f->cond, &kv[i])))
            return &kv[i];
    return NULL;
}

/* Why a failed field condition failed: what the request has, what is wanted. */
static void explain_field(const struct mr_field *f, const char *what, const struct mr_kv *kv,
                          size_t n, bool nocase, const char *wants, char *buf, size_t size)
{
    const struct mr_cond *c = &f->cond;
    const struct mr_kv *have = find_pair(f, kv, n, nocase, c->negate);

    bool wants_absent = c->negate ? c->op == MR_OP_PRESENT : c->op == MR_OP_ABSENT;

    if (wants_absent)
        snprintf(buf, size, "%s %s should be absent", what, f->name);
    else if (!have)
        snprintf(buf, size, "%s %s is missing", what, f->name);
    else
        snprintf(buf, size, "%s %s is \"%.*s\", %s %s%s \"%s\"", what, f->name,
                 (int)(have->value_len > 80 ? 80 : have->value_len), have->value, wants,
                 c->negate ? "not " : "", op_words[c->op], c->text ? c->text : "");
}

/* Which `jsonPath` condition failed, and what the body has there. */
static void explain_json_paths(const struct mr_body_cond *b, const struct mr_request *req,
                               const char *wants, char *buf, size_t size)
{
    const struct mr_json_field *f = NULL;
    size_t i;
    char have[100];

    if (!req->body_json) {
        snprintf(buf, size, "body is not JSON, %s a JSON body", wants);
        return;
    }
    for (i = 0; i < b->nfields && !f; i++)
        if (!json_field_holds(&b->fields[i], req->body_json))
            f = &b->fields[i];
    if (!f) {
        snprintf(buf, size, "every body condition holds");
        return;
    }
    json_text(json_at(req->body_json, f), have, sizeof(have));
    if (f->cond.op == MR_OP_ABSENT || f->cond.op == MR_OP_PRESENT) {
        bool wants_absent = (f->cond.op == MR_OP_ABSENT) != f->cond.negate;
        if (wants_absent)
            snprintf(buf, size, "body %s is %s, %s it absent", f->path, have, wants);
        else
            snprintf(buf, size, "body %s is missing, %s it present", f->path, wants);
    } else if (!json_at(req->body_json, f)) {
        snprintf(buf, size, "body %s is missing, %s %s \"%s\"", f->path, wants,
                 op_words[f->cond.op], f->cond.text ? f->cond.text : "");
    } else {
        snprintf(buf, size, "body %s is %s, %s %s%s \"%s\"", f->path, have, wants,
                 f->cond.negate ? "not " : "", op_words[f->cond.op],
                 f->cond.text ? f->cond.text : "");
    }
}

void mr_miss_explain(const struct mr_matcher *m, const struct mr_miss *miss,
                     const struct mr_request *req, const char *wants, char *buf, size_t size)
{
    const struct mr_field *f;

    switch (miss->kind) {
    case MR_MISS_NONE:
        snprintf(buf, size, "every condition holds");
        break;
    case MR_MISS_PATH:
        snprintf(buf, size, "path \"%s\" does not match %s\"%s\"", req->path,
                 m->path_kind == MR_PATH_REGEX ? "pattern " : "", m->path ? m->path : "");
        break;
    case MR_MISS_METHOD:
        snprintf(buf, size, "method is %s, %s %s", req->method, wants, m->method);
        break;
    case MR_MISS_QUERY:
    case MR_MISS_HEADER: {
        bool q = miss->kind == MR_MISS_QUERY;
        f = q ? &m->query[miss->index] : &m->headers[miss->index];
        explain_field(f, q ? "query parameter" : "header", q ? req->params : req->headers,
                      q ? req->nparams : req->nheaders, !q, wants, buf, size);
        break;
    }
    case MR_MISS_BODY: {
        static const char *const bops[] = {"equal to",        "containing",    "matching",
                                           "containing JSON", "equal to JSON", "with JSON paths"};
        static const char *const nots[] = {"is not equal to",      "does not contain",
                                           "does not match",       "does not contain JSON",
                                           "is not equal to JSON", ""};
        bool json = m->body->op == MR_BODY_JSON || m->body->op == MR_BODY_JSON_EQUALS;
        if (m->body->op == MR_BODY_JSON_PATHS) {
            explain_json_paths(m->body, req, wants, buf, size);
            break;
        }
        char *want = m->body->json ? cJSON_PrintUnformatted(m->body->json) : NULL;
        if (json && !req->body_json) {
            snprintf(buf, size, "body is not JSON, %s a body %s %.120s", wants, bops[m->body->op],
                     want ? want : "");
        } else if (json) {
            /* point at the first member that differs */
            char path[200] = "body", wt[100], ht[100];
            const cJSON *w = NULL, *h = NULL;
            if (json_diff(m->body->json, req->body_json, m->body->op == MR_BODY_JSON, path,
                          sizeof(path), &w, &h)) {
                json_text(w, wt, sizeof(wt));
                json_text(h, ht, sizeof(ht));
                if (!w)
                    snprintf(buf, size, "%s is %s, %s no such member", path, ht, wants);
                else
                    snprintf(buf, size, "%s is %s, %s %s", path, ht, wants, wt);
            } else {
                snprintf(buf, size, "body %s %.120s", nots[m->body->op], want ? want : "");
            }
        } else {
            snprintf(buf, size, "body \"%.*s\"%s %s \"%.120s\"",
                     (int)(req->body_len > 120 ? 120 : req->body_len), req->body ? req->body : "",
                     req->body_len > 120 ? "..." : "", nots[m->body->op],
                     m->body->text ? m->body->text : "");
        }
        cJSON_free(want);
        break;
    }
    }
}

void mr_miss_describe(const struct mr_scenario *sc, long route, const struct mr_miss *miss,
                      const struct mr_request *req, char *buf, size_t size)
{
    const struct mr_route *rt;
    char why[500];

    if (route < 0 || (size_t)route >= sc->nroutes) {
        snprintf(buf, size, "the service has no routes");
        return;
    }
    rt = &sc->routes[route];
    if (miss->kind == MR_MISS_NONE) {
        snprintf(buf, size, "closest route \"%s\" matches", rt->id);
        return;
    }
    mr_miss_explain(&rt->match, miss, req, "the route wants", why, sizeof(why));
    snprintf(buf, size, "closest route \"%s\": %s", rt->id, why);
}

/* A pathPattern's named groups (`(?<id>[0-9]+)`) as path parameters; values
 * point into the decoded path the pattern matched. */
static size_t regex_params(const pcre2_code *re, const char *path, struct mr_kv *out, size_t max)
{
    uint32_t count = 0, entry = 0, i;
    PCRE2_SPTR table = NULL;
    PCRE2_SIZE *ov;
    size_t n = 0;

    if (!re || pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &count) != 0 || count == 0 ||
        pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &entry) != 0 ||
        pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table) != 0)
        return 0;
    if (!tls_groups && !(tls_groups = pcre2_match_data_create(MAX_GROUPS, NULL)))
        return 0;
    if (pcre2_match(re, (PCRE2_SPTR)path, strlen(path), 0, 0, tls_groups, NULL) < 0)
        return 0;
    ov = pcre2_get_ovector_pointer(tls_groups);
    for (i = 0; i < count && n < max; i++) {
        PCRE2_SPTR e = table + (size_t)i * entry;
        uint32_t g = ((uint32_t)e[0] << 8) | e[1];
        if (g >= MAX_GROUPS || ov[2 * g] == PCRE2_UNSET)
            continue; /* a group past our room, or one that took no part */
        out[n].name = (const char *)e + 2;
        out[n].name_len = strlen(out[n].name);
        out[n].value = path + ov[2 * g];
        out[n].value_len = ov[2 * g + 1] - ov[2 * g];
        n++;
    }
    return n;
}

size_t mr_match_path_params(const struct mr_matcher *m, const struct mr_request *req,
                            struct mr_kv *out, size_t max, char *scratch)
{
    size_t n = 0;
    const char *raw = req->raw_path ? req->raw_path : req->path;

    if (m->path_kind == MR_PATH_REGEX)
        return regex_params((const pcre2_code *)m->path_re, req->path, out, max);
    if (m->path_kind != MR_PATH_TEMPLATE || !walk_template(m, raw, out, max, scratch, &n))
        return 0;
    return n;
}

size_t mr_request_parse_cookies(const char *header, size_t len, struct mr_kv *out, size_t max)
{
    const char *p = header, *end = header + len;
    size_t n = 0;

    while (p < end && n < max) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *stop = semi ? semi : end;
        const char *eq;
        while (p < stop && (*p == ' ' || *p == '\t'))
            p++;
        eq = memchr(p, '=', (size_t)(stop - p));
        if (eq && eq > p) {
            const char *v = eq + 1, *ve = stop;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            if (ve - v >= 2 && v[0] == '"' && ve[-1] == '"') {
                v++;
                ve--;
            }
            out[n].name = p;
            out[n].name_len = (size_t)(eq - p);
            out[n].value = v;
            out[n].value_len = (size_t)(ve - v);
            n++;
        }
        if (!semi)
            break;
        p = semi + 1;
    }
    return n;
}

bool mr_match_fields(const struct mr_field *f, size_t n, const struct mr_kv *kv, size_t nkv)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!pairs_hold(&f[i], kv, nkv, false))
            return false;
    return true;
}
