#define PCRE2_CODE_UNIT_WIDTH 8
#include "server/match.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <pcre2.h>

#include "common/buf.h"
#include "common/jsondiff.h"
#include "common/text.h"
#include "common/xmldoc.h"
#include "common/xmljs.h"

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
    mr_xmldoc_free(req->body_xml);
    req->body_xml = NULL;
    req->body_xml_tried = false;
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

/* True when the request's Content-Type makes Mockoon read its body as XML. */
static bool xml_request(const struct mr_request *req)
{
    const struct mr_kv *ct = mr_request_header(req, "Content-Type");

    return ct && mr_xmljs_content_type(ct->value, ct->value_len);
}

/* What a body the JSON conditions cannot read is not. */
static const char *not_json(const struct mr_request *req)
{
    return xml_request(req) ? "not well-formed XML" : "not JSON";
}

/* The value the JSON conditions read (built once, on first use), or NULL:
 * the body as JSON, or, for a request whose Content-Type names an XML type,
 * the document as xml-js's object (common/xmljs.h), as Mockoon's rules and
 * templates read it. */
static const cJSON *body_json(struct mr_request *req)
{
    char why[200];

    if (!req->body_json_tried) {
        req->body_json_tried = true;
        if (xml_request(req)) {
            if (mr_xmljs_parse(&req->body_json, req->body, req->body_len, why, sizeof(why)) != 0)
                req->body_json = NULL;
        } else if (req->body && req->body_len) {
            req->body_json = parse_json_body(req->body, req->body_len);
        }
    }
    return req->body_json;
}

/* The request's body as XML (parsed once, on first use), or NULL; `why`
 * (when given) says why it is not. */
static const struct mr_xmldoc *body_xml(struct mr_request *req, char *why, size_t size)
{
    char scratch[300];

    if (!req->body_xml_tried || (!req->body_xml && why)) {
        req->body_xml_tried = true;
        mr_xmldoc_free(req->body_xml);
        req->body_xml = mr_xmldoc_parse(req->body ? req->body : "", req->body_len,
                                        why ? why : scratch, why ? size : sizeof(scratch));
    }
    return req->body_xml;
}

/* One XPath value against a condition: the matcher's view of a string. */
struct xpath_probe {
    const struct mr_cond *cond;
    bool held;
};

static bool probe_value(void *arg, const char *v, size_t len)
{
    struct xpath_probe *p = arg;
    struct mr_kv kv = {"", 0, v, len};
    p->held = cond_holds(p->cond, &kv);
    return p->held; /* a node set holds when any node's value does */
}

static bool xpath_holds(const struct mr_xpath_field *f, const struct mr_body_cond *b,
                        const struct mr_xmldoc *doc)
{
    struct xpath_probe p = {&f->cond, false};
    long n;
    bool ok;

    if (f->cond.op == MR_OP_ABSENT || f->cond.op == MR_OP_PRESENT) {
        struct mr_cond any = {MR_OP_PRESENT, false, NULL, 0, NULL};
        p.cond = &any;
        n = mr_xmldoc_xpath(doc, f->expr, b->namespaces, b->nnamespaces, probe_value, &p);
        ok = (n > 0) == (f->cond.op == MR_OP_PRESENT);
    } else {
        n = mr_xmldoc_xpath(doc, f->expr, b->namespaces, b->nnamespaces, probe_value, &p);
        ok = n > 0 && p.held;
    }
    return n >= 0 && ok != f->cond.negate;
}

/* What an `xmlEquals` document's placeholder (XMLUnit's, as the loader read
 * it) says of the request's value `got` there (NULL: none): 1 passes, 0
 * fails, -1 `value` is no placeholder (common/xmldoc.h). */
static int placeholder_eval(void *arg, const char *value, const char *got, size_t glen)
{
    const struct mr_xml_placeholder *p = mr_body_placeholder(arg, value);

    if (!p)
        return -1;
    if (p->any)
        return 1;
    if (!got || !p->re)
        return 0;
    /* XMLUnit trims the value first (Java's trim: what is at most U+0020) */
    while (glen && (unsigned char)got[0] <= ' ') {
        got++;
        glen--;
    }
    while (glen && (unsigned char)got[glen - 1] <= ' ')
        glen--;
    return regex_find((const pcre2_code *)p->re, got, glen);
}

/* An `xmlEquals` comparison: how many differences, listed in `out` (may be
 * NULL) up to `max`. */
static size_t xml_diff(const struct mr_body_cond *b, const struct mr_xmldoc *doc,
                       struct mr_buf *out, size_t max)
{
    struct mr_xml_placeholders ph = {placeholder_eval, (void *)b};

    return mr_xmldoc_diff_with(b->xml, doc, (const char *const *)b->ignore, b->nignore,
                               b->namespaces, b->nnamespaces, b->nplaceholders ? &ph : NULL, out,
                               max);
}

static bool body_holds(const struct mr_body_cond *b, struct mr_request *req)
{
    const struct mr_xmldoc *doc;
    size_t i;

    switch (b->op) {
    case MR_BODY_XML_EQUALS:
        return b->xml && (doc = body_xml(req, NULL, 0)) != NULL && xml_diff(b, doc, NULL, 0) == 0;
    case MR_BODY_XPATH:
        if (!(doc = body_xml(req, NULL, 0)))
            return false;
        for (i = 0; i < b->nxpaths; i++)
            if (!xpath_holds(&b->xpaths[i], b, doc))
                return false;
        return true;
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

/*
 * Each service has three indexes, each listing route indices in file order:
 *
 * - literal paths (MR_PATH_LITERAL): a hash keyed by the whole decoded path, so
 *   `/a%2Fb` finds a route on `/a/b`, as strcmp in path_holds would;
 * - templated paths (MR_PATH_TEMPLATE): a trie of segments, walked along the
 *   path as sent (split at its own slashes, each segment decoded), the way
 *   walk_template reads it;
 * - the rest (`pathPattern`, no path condition): one list, tried one by one.
 *
 * A request gathers the lists its path reaches and merges them in file order;
 * each candidate is then confirmed with mr_match, so the index only decides
 * which routes are worth trying and never changes what matches. See
 * docs/internals/server.md, "Finding the route".
 */

/* Open-addressing hash of literal paths → a run of route indices (ascending). */
struct slot {
    const char *path; /* borrowed from the scenario; NULL: empty */
    size_t len;
    uint64_t hash;
    size_t *routes;
    size_t nroutes;
};

/*
 * A node of the segment trie, reached from the root by one segment per
 * level; node 0 is the root, so 0 also means "no child". Literal children
 * live in the service's edge table; a `:name` segment (any name) and an
 * inner `*` each have one child.
 */
struct node {
    uint32_t param;
    uint32_t star;
    uint32_t nlit; /* how many literal children: 0 skips the edge table */
};

/* A literal edge of the trie: (parent node, segment text) → child node. */
struct edge {
    const char *text; /* borrowed from the scenario; NULL: empty slot */
    size_t len;
    uint64_t hash; /* edge_hash(parent, text) */
    uint32_t parent;
    uint32_t child;
};

/* A node's two route lists: routes whose path ends at the node, and routes
 * whose last segment is a `*` after it (the rest of the path, one or more
 * segments, possibly empty). */
enum { ENDS, REST };

struct service_index {
    struct slot *slots;
    size_t nslots;  /* power of two */
    size_t *others; /* routes with a pattern or no path, ascending */
    size_t nothers;
    /* the segment trie; nnodes == 0 when the service has no templated route */
    struct node *nodes;
    size_t nnodes;
    struct edge *edges;
    size_t nedges;     /* used slots */
    size_t edge_slots; /* power of two, at least twice nedges */
    /* list k (ENDS or REST) of node n: trie_routes[first[2n + k] .. first[2n + k + 1]) */
    size_t *first;
    size_t *trie_routes;
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

/* An edge's hash from its parent and the hash of its text (hash_str), so a
 * request hashes each of its segments once whatever nodes it reaches. */
static uint64_t edge_hash(uint32_t parent, uint64_t text_hash)
{
    uint64_t h = text_hash ^ ((uint64_t)parent * 0x9E3779B97F4A7C15ull);
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 29);
}

/* The slot of edge (parent, text): the edge, or the empty slot where it would go. */
static struct edge *find_edge(const struct service_index *ix, uint32_t parent, const char *text,
                              size_t len, uint64_t h)
{
    size_t mask = ix->edge_slots - 1, i = (size_t)h & mask;
    for (;;) {
        struct edge *e = &ix->edges[i];
        if (!e->text || (e->hash == h && e->parent == parent && e->len == len &&
                         memcmp(e->text, text, len) == 0))
            return e;
        i = (i + 1) & mask;
    }
}

/* Doubles the edge table once it is half full. */
static bool edges_room(struct service_index *ix)
{
    struct edge *old = ix->edges, *grown;
    size_t n = ix->edge_slots, i;

    if (ix->edges && (ix->nedges + 1) * 2 <= n)
        return true;
    n = n ? n * 2 : 64;
    grown = calloc(n, sizeof(*grown));
    if (!grown)
        return false;
    ix->edges = grown;
    ix->edge_slots = n;
    for (i = 0; old && i < n / 2; i++)
        if (old[i].text)
            *find_edge(ix, old[i].parent, old[i].text, old[i].len, old[i].hash) = old[i];
    free(old);
    return true;
}

/* A new node (its id in *out); false when out of memory. */
static bool new_node(struct service_index *ix, size_t *cap, uint32_t *out)
{
    if (ix->nnodes == *cap) {
        size_t n = *cap ? *cap * 2 : 16;
        struct node *grown;
        if (n > UINT32_MAX)
            return false; /* node ids are 32-bit */
        grown = realloc(ix->nodes, n * sizeof(*grown));
        if (!grown)
            return false;
        ix->nodes = grown;
        *cap = n;
    }
    memset(&ix->nodes[ix->nnodes], 0, sizeof(ix->nodes[0]));
    *out = (uint32_t)ix->nnodes++;
    return true;
}

/* The child of `parent` through segment `s`, made if missing; false when out of memory. */
static bool child_of(struct service_index *ix, size_t *cap, uint32_t parent, const struct mr_seg *s,
                     uint32_t *out)
{
    uint32_t *link = NULL, made;
    struct edge *e;
    uint64_t h;

    if (s->kind == MR_SEG_PARAM)
        link = &ix->nodes[parent].param;
    else if (s->kind == MR_SEG_STAR)
        link = &ix->nodes[parent].star;
    if (link) {
        if (!*link) {
            if (!new_node(ix, cap, &made))
                return false;
            /* new_node may have moved the nodes: find the link again */
            link = s->kind == MR_SEG_PARAM ? &ix->nodes[parent].param : &ix->nodes[parent].star;
            *link = made;
        }
        *out = *link;
        return true;
    }
    h = edge_hash(parent, hash_str(s->text, s->len));
    if (!edges_room(ix)) /* room for one more edge first: it may move every edge */
        return false;
    e = find_edge(ix, parent, s->text, s->len, h);
    if (e->text) {
        *out = e->child;
        return true;
    }
    if (!new_node(ix, cap, &made))
        return false;
    e->text = s->text;
    e->len = s->len;
    e->hash = h;
    e->parent = parent;
    e->child = made;
    ix->nedges++;
    ix->nodes[parent].nlit++;
    *out = made;
    return true;
}

/* Builds the segment trie of one service from its templated routes (`tpl`,
 * ascending): every route goes into one list of one node, in file order. */
static bool build_trie(struct service_index *ix, const struct mr_scenario *sc, const size_t *tpl,
                       size_t ntpl)
{
    size_t cap = 0, i, k, *where = NULL, *fill = NULL;
    uint32_t root;
    bool ok = false;

    if (ntpl == 0)
        return true;
    where = malloc(ntpl * sizeof(*where));
    if (!where || !new_node(ix, &cap, &root))
        goto out;
    for (i = 0; i < ntpl; i++) {
        const struct mr_matcher *m = &sc->routes[tpl[i]].match;
        bool rest = m->segs[m->nsegs - 1].kind == MR_SEG_STAR;
        uint32_t at = root;
        for (k = 0; k < m->nsegs - rest; k++)
            if (!child_of(ix, &cap, at, &m->segs[k], &at))
                goto out;
        where[i] = 2 * (size_t)at + (rest ? REST : ENDS);
    }
    /* a counting sort by list, stable, so each list stays in file order */
    ix->first = calloc(2 * ix->nnodes + 1, sizeof(size_t));
    fill = malloc(2 * ix->nnodes * sizeof(size_t));
    ix->trie_routes = malloc(ntpl * sizeof(size_t));
    if (!ix->first || !fill || !ix->trie_routes)
        goto out;
    for (i = 0; i < ntpl; i++)
        ix->first[where[i] + 1]++;
    for (k = 0; k < 2 * ix->nnodes; k++) {
        ix->first[k + 1] += ix->first[k];
        fill[k] = ix->first[k];
    }
    for (i = 0; i < ntpl; i++)
        ix->trie_routes[fill[where[i]]++] = tpl[i];
    ok = true;
out:
    free(where);
    free(fill);
    return ok;
}

int mr_router_new(struct mr_router **out, const struct mr_scenario *sc, struct mr_error *err)
{
    struct mr_router *r;
    size_t si, i, *tpl = NULL;

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
        size_t want = 8, ntpl = 0, nliteral = 0;

        for (i = svc->first_route; i < svc->first_route + svc->nroutes; i++)
            nliteral += sc->routes[i].match.path_kind == MR_PATH_LITERAL;
        while (want < nliteral * 2)
            want *= 2;
        ix->nslots = want;
        ix->slots = calloc(want, sizeof(*ix->slots));
        ix->others = calloc(svc->nroutes ? svc->nroutes : 1, sizeof(size_t));
        tpl = calloc(svc->nroutes ? svc->nroutes : 1, sizeof(size_t));
        if (!ix->slots || !ix->others || !tpl)
            goto nomem;
        for (i = svc->first_route; i < svc->first_route + svc->nroutes; i++) {
            const struct mr_matcher *m = &sc->routes[i].match;
            struct slot *s;
            size_t *grown;
            /* a template without segments cannot come from the loader (a path
             * starts with "/"); the trie has no place for it, the list has */
            if (m->path_kind == MR_PATH_TEMPLATE && m->nsegs > 0) {
                tpl[ntpl++] = i;
                continue;
            }
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
        if (!build_trie(ix, sc, tpl, ntpl))
            goto nomem;
        free(tpl);
        tpl = NULL;
    }
    *out = r;
    return 0;
nomem:
    free(tpl);
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
        free(ix->nodes);
        free(ix->edges);
        free(ix->first);
        free(ix->trie_routes);
    }
    free(r->svc);
    free(r);
}

long mr_router_match(const struct mr_router *r, size_t service, struct mr_request *req)
{
    return mr_router_next(r, service, req, -1);
}

/* One segment of the request's path as sent. */
struct req_seg {
    size_t raw_len;   /* as sent: a `:name` needs it non-empty */
    const char *text; /* decoded, as segment_is compares it */
    size_t len;
    uint64_t hash; /* hash_str(text, len) */
};

/* A trie node still to visit, and how many request segments lead to it. */
struct visit {
    uint32_t node;
    size_t depth;
};

/* An ascending run of candidate route indices; `at` is the next one. */
struct run {
    const size_t *at;
    const size_t *end;
};

/*
 * What one lookup needs, per thread, grown to the largest request seen and
 * kept (freed by mr_match_thread_exit), so the steady state allocates nothing.
 */
struct lookup {
    struct req_seg *segs;
    size_t segs_cap;
    char *text; /* the segments' decoded text */
    size_t text_cap;
    struct visit *stack;
    size_t stack_cap;
    struct run *runs; /* a min-heap on *at while merging */
    size_t nruns, runs_cap;
};

static _Thread_local struct lookup tls_lookup;

/* Makes room for `n` items of `size` bytes in *buf (capacity *cap, in items). */
static bool room(void **buf, size_t *cap, size_t n, size_t size)
{
    size_t want = *cap ? *cap : 16;
    void *grown;

    if (n <= *cap)
        return true;
    while (want < n)
        want *= 2;
    grown = realloc(*buf, want * size);
    if (!grown)
        return false;
    *buf = grown;
    *cap = want;
    return true;
}

/* Adds the routes after `after` of an ascending list as a run to merge. */
static bool add_run(struct lookup *lk, const size_t *routes, size_t n, long after)
{
    size_t lo = 0, hi = n;

    while (lo < hi) { /* the first route past `after` */
        size_t mid = lo + (hi - lo) / 2;
        if ((long)routes[mid] > after)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (lo == n)
        return true;
    if (!room((void **)&lk->runs, &lk->runs_cap, lk->nruns + 1, sizeof(*lk->runs)))
        return false;
    lk->runs[lk->nruns].at = routes + lo;
    lk->runs[lk->nruns].end = routes + n;
    lk->nruns++;
    return true;
}

/* The raw segment p[0..n) decoded exactly as segment_is compares it: a `%`
 * with two hex digits is one byte, anything else stays as it is. */
static size_t decode_segment(char *dst, const char *p, size_t n)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++, k++) {
        char c = p[i];
        if (c == '%' && n - i >= 3 && mr_hexval(p[i + 1]) >= 0 && mr_hexval(p[i + 2]) >= 0) {
            c = (char)(mr_hexval(p[i + 1]) * 16 + mr_hexval(p[i + 2]));
            i += 2;
        }
        dst[k] = c;
    }
    return k;
}

/* Splits `raw` (starting with '/') at its own slashes into lk->segs, as
 * walk_template does; false when out of memory. */
static bool split_path(struct lookup *lk, const char *raw, size_t *nsegs)
{
    size_t n = 0, len = strlen(raw), i;
    const char *p;
    char *out;

    for (p = raw; *p; p++)
        n += *p == '/';
    if (!room((void **)&lk->segs, &lk->segs_cap, n, sizeof(*lk->segs)) ||
        !room((void **)&lk->text, &lk->text_cap, len, 1))
        return false;
    out = lk->text;
    p = raw + 1;
    for (i = 0; i < n; i++) {
        const char *slash = strchr(p, '/');
        struct req_seg *s = &lk->segs[i];
        s->raw_len = slash ? (size_t)(slash - p) : strlen(p);
        s->text = out;
        s->len = decode_segment(out, p, s->raw_len);
        s->hash = hash_str(s->text, s->len);
        out += s->len;
        p += s->raw_len + 1;
    }
    *nsegs = n;
    return true;
}

/*
 * Walks the trie along the request's segments and adds the lists of every
 * node reached: at depth d (d segments read), a route ending there matches
 * when the path has exactly d segments, a route whose last segment is `*`
 * when it has more. A node is reached through a literal edge equal to the
 * decoded segment, a `:name` edge when the segment is not empty, or an inner
 * `*` edge; as each node has one parent, a node is visited at most once.
 */
static bool walk_trie(const struct service_index *ix, struct lookup *lk, const char *raw,
                      long after)
{
    size_t nsegs, nstack = 0;

    if (raw[0] != '/')
        return true; /* walk_template matches no such path */
    if (!split_path(lk, raw, &nsegs))
        return false;
    /* LIFO: at most 3 nodes wait at each depth below the one being read, plus the root */
    if (!room((void **)&lk->stack, &lk->stack_cap, 3 * nsegs + 1, sizeof(*lk->stack)))
        return false;
    lk->stack[nstack++] = (struct visit){0, 0};
    while (nstack) {
        struct visit v = lk->stack[--nstack];
        const struct node *nd = &ix->nodes[v.node];
        const size_t *list = ix->first + 2 * (size_t)v.node;
        const struct req_seg *s;

        if (v.depth == nsegs) {
            if (!add_run(lk, ix->trie_routes + list[ENDS], list[ENDS + 1] - list[ENDS], after))
                return false;
            continue;
        }
        if (!add_run(lk, ix->trie_routes + list[REST], list[REST + 1] - list[REST], after))
            return false;
        s = &lk->segs[v.depth];
        if (nd->nlit) {
            const struct edge *e =
                find_edge(ix, v.node, s->text, s->len, edge_hash(v.node, s->hash));
            if (e->text)
                lk->stack[nstack++] = (struct visit){e->child, v.depth + 1};
        }
        if (nd->param && s->raw_len > 0)
            lk->stack[nstack++] = (struct visit){nd->param, v.depth + 1};
        if (nd->star)
            lk->stack[nstack++] = (struct visit){nd->star, v.depth + 1};
    }
    return true;
}

static void sift_down(struct run *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, least = i;
        struct run t;
        if (l < n && *h[l].at < *h[least].at)
            least = l;
        if (l + 1 < n && *h[l + 1].at < *h[least].at)
            least = l + 1;
        if (least == i)
            return;
        t = h[i];
        h[i] = h[least];
        h[least] = t;
        i = least;
    }
}

/* Every route of the service, in file order: what the index stands for, and
 * the answer when a lookup's scratch cannot grow. */
static long scan_next(const struct mr_router *r, size_t service, struct mr_request *req, long after)
{
    const struct mr_service *svc = &r->sc->services[service];
    size_t i;

    for (i = svc->first_route; i < svc->first_route + svc->nroutes; i++)
        if ((long)i > after && mr_match(&r->sc->routes[i].match, req, NULL))
            return (long)i;
    return -1;
}

long mr_router_next(const struct mr_router *r, size_t service, struct mr_request *req, long after)
{
    struct lookup *lk = &tls_lookup;
    const struct service_index *ix;
    const struct slot *s;
    size_t len, n, i;

    if (service >= r->nsvc)
        return -1;
    ix = &r->svc[service];
    len = strlen(req->path);
    s = find_slot(ix, req->path, len, hash_str(req->path, len));
    lk->nruns = 0;
    if ((s->path && !add_run(lk, s->routes, s->nroutes, after)) ||
        !add_run(lk, ix->others, ix->nothers, after) ||
        (ix->nnodes && !walk_trie(ix, lk, req->raw_path ? req->raw_path : req->path, after)))
        return scan_next(r, service, req, after);
    /* merge the runs (each a different set of routes) so file order decides */
    n = lk->nruns;
    for (i = n / 2; i-- > 0;)
        sift_down(lk->runs, n, i);
    while (n) {
        size_t next = *lk->runs[0].at++;
        if (lk->runs[0].at == lk->runs[0].end)
            lk->runs[0] = lk->runs[--n];
        sift_down(lk->runs, n, 0);
        if (mr_match(&r->sc->routes[next].match, req, NULL))
            return (long)next;
    }
    return -1;
}

void mr_match_thread_exit(void)
{
    pcre2_match_data_free(tls_md);
    tls_md = NULL;
    pcre2_match_data_free(tls_groups);
    tls_groups = NULL;
    free(tls_lookup.segs);
    free(tls_lookup.text);
    free(tls_lookup.stack);
    free(tls_lookup.runs);
    memset(&tls_lookup, 0, sizeof(tls_lookup));
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
        snprintf(buf, size, "body is %s, %s a JSON body", not_json(req), wants);
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

static void explain_xml(const struct mr_body_cond *b, struct mr_request *req, const char *wants,
                        char *buf, size_t size);

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
        if (m->body->op == MR_BODY_XML_EQUALS || m->body->op == MR_BODY_XPATH) {
            /* the parse is a cache the request owns, even where it is read-only */
            explain_xml(m->body, (struct mr_request *)req, wants, buf, size);
            break;
        }
        char *want = m->body->json ? cJSON_PrintUnformatted(m->body->json) : NULL;
        if (json && !req->body_json) {
            snprintf(buf, size, "body is %s, %s a body %s %.120s", not_json(req), wants,
                     bops[m->body->op], want ? want : "");
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
/* ---- explaining an unmatched request: every condition, the closest routes ---- */

#define VAL_MAX MR_ELIDED_MAX   /* an elided, printable, quoted value */
#define WANT_MAX (VAL_MAX + 32) /* the same after "not containing " */
#define EDIT_MAX 64             /* paths are compared on their first 64 bytes */
#define NOT_JSON 64             /* the distance of a body that is not JSON from a JSON one */
#define TEXT_NOTE 96            /* room kept for the line saying the text was cut */

/* A request value for an explanation: printable, quoted if asked, its middle
 * left out past MR_ELIDE_OVER bytes (common/buf.h). */
static void elide(char *dst, size_t size, const char *s, size_t n, bool quote)
{
    mr_printable_elide(dst, size, s, n, quote);
}

static void elide_str(char *dst, size_t size, const char *s, bool quote)
{
    elide(dst, size, s, s ? strlen(s) : 0, quote);
}

/*
 * The explanation being written: whole lines, or none. The first line is
 * always written (cut to fit a tiny buffer); a later line that would not
 * leave TEXT_NOTE bytes is dropped, and a closing line says how many were.
 * With buf NULL nothing is written: the same walk only counts.
 */
struct text {
    char *buf;
    size_t size, len;
    size_t dropped;
};

static void text_line(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_line(struct text *t, const char *fmt, ...)
{
    char line[4 * VAL_MAX];
    size_t n;
    va_list ap;

    if (!t->buf)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    n = strlen(line);
    if (t->len == 0) {
        snprintf(t->buf, t->size, "%s", line);
        t->len = strlen(t->buf);
    } else if (!t->dropped && t->len + 1 + n + TEXT_NOTE < t->size) {
        t->buf[t->len++] = '\n';
        memcpy(t->buf + t->len, line, n + 1);
        t->len += n;
    } else {
        t->dropped++;
    }
}

static void text_finish(struct text *t)
{
    if (t->buf && t->dropped && t->len + 1 < t->size)
        snprintf(t->buf + t->len, t->size - t->len,
                 "\n  ... and %zu more line%s (the explanation is capped at %zu bytes)", t->dropped,
                 t->dropped == 1 ? "" : "s", t->size);
}

/* Edits between a[0..n) and b[0..m) (Levenshtein, bytes, case-sensitive) on at
 * most EDIT_MAX bytes of each, plus the difference in the lengths left over.
 * Stops early with a value over `limit` once the answer is known to be.
 * Not common/text.h's mr_text_distance, which measures names for "did you
 * mean": paths match case-sensitively, may run past its 64 bytes (it then
 * gives up), and every route of a service is ranked for each unmatched call,
 * so this one stops as soon as a route is known to be farther than the best. */
static size_t edits(const char *a, size_t n, const char *b, size_t m, size_t limit)
{
    size_t row[EDIT_MAX + 1], i, j, na = n < EDIT_MAX ? n : EDIT_MAX,
                                    nb = m < EDIT_MAX ? m : EDIT_MAX;
    size_t extra = (n - na) > (m - nb) ? (n - na) - (m - nb) : (m - nb) - (n - na);

    for (j = 0; j <= nb; j++)
        row[j] = j;
    for (i = 1; i <= na; i++) {
        size_t diag = row[0], least;
        least = row[0] = i;
        for (j = 1; j <= nb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
            if (best < least)
                least = best;
        }
        if (least > limit)
            return limit + 1;
    }
    return row[nb] + extra;
}

/* How far the request's path is from the route's: 0 when it matches. A
 * template is compared segment by segment (`:name` and `*` take any); a
 * pattern that fails counts as one edit. */
static size_t path_distance(const struct mr_matcher *m, const struct mr_request *req, size_t limit)
{
    const char *raw = req->raw_path ? req->raw_path : req->path, *p;
    size_t i, d;

    if (path_holds(m, req))
        return 0;
    if (m->path_kind == MR_PATH_LITERAL)
        return edits(req->path, strlen(req->path), m->path, strlen(m->path), limit);
    if (m->path_kind != MR_PATH_TEMPLATE)
        return 1;
    d = raw[0] == '/' ? 0 : 1;
    p = raw[0] == '/' ? raw + 1 : raw;
    for (i = 0; i < m->nsegs && d <= limit; i++) {
        const struct mr_seg *s = &m->segs[i];
        const char *slash;
        size_t len;

        if (!p) { /* the path has fewer segments */
            d += s->len + 1;
            continue;
        }
        slash = strchr(p, '/');
        len = slash ? (size_t)(slash - p) : strlen(p);
        if (s->kind == MR_SEG_STAR && i + 1 == m->nsegs) {
            p = NULL; /* the rest of the path */
            break;
        }
        if (s->kind == MR_SEG_LITERAL)
            d += edits(p, len, s->text, s->len, limit - d);
        else if (s->kind == MR_SEG_PARAM && len == 0)
            d++;
        p = slash ? slash + 1 : NULL;
    }
    if (p) /* the path has more segments */
        d += strlen(p) + 1;
    return d ? d : 1;
}

/* How a condition wants a value: `"eur"`, `containing "x"`, `not matching "^a"`. */
static void cond_text(char *dst, size_t size, const struct mr_cond *c)
{
    static const char *const ops[] = {"", "containing ", "matching ", "absent", "present"};
    char v[VAL_MAX] = "";

    if (c->op != MR_OP_ABSENT && c->op != MR_OP_PRESENT)
        elide(v, sizeof(v), c->text, c->len, true);
    snprintf(dst, size, "%s%s%s", c->negate ? "not " : "", ops[c->op], v);
}

/* A query or header condition's verdict; returns whether it holds. */
static bool field_verdict(struct text *t, const char *what, const struct mr_field *f,
                          const struct mr_kv *kv, size_t n, bool nocase)
{
    const struct mr_cond *c = &f->cond;
    const struct mr_kv *have;
    char name[VAL_MAX], v[VAL_MAX], want[WANT_MAX];
    bool ok = pairs_hold(f, kv, n, nocase);

    if (!t->buf)
        return ok;
    elide_str(name, sizeof(name), f->name, false);
    if (ok) {
        text_line(t, "    %s %s \u2713", what, name);
        return ok;
    }
    /* negated: the value that holds the inner condition is the culprit */
    have = find_pair(f, kv, n, nocase, c->negate);
    if (!have) {
        text_line(t, "    %s %s \u2717 (absent)", what, name);
        return ok;
    }
    elide(v, sizeof(v), have->value, have->value_len, true);
    if (c->negate ? c->op == MR_OP_PRESENT : c->op == MR_OP_ABSENT)
        snprintf(want, sizeof(want), "absent");
    else
        cond_text(want, sizeof(want), c);
    text_line(t, "    %s %s \u2717 (%s vs %s)", what, name, v, want);
    return ok;
}

/* The listing of a body's differences: each a line, up to MR_MISS_DIFF_LINES. */
struct diff {
    struct text *t;
    size_t count;
};

static void diff_line(void *ctx, const char *path, const cJSON *want, const cJSON *have)
{
    struct diff *d = ctx;
    char line[MR_JSONDIFF_LINE_MAX];

    if (++d->count > MR_MISS_DIFF_LINES)
        return;
    mr_jsondiff_line(line, sizeof(line), path, want, have);
    text_line(d->t, "      %s", line);
}

/* A `json`/`jsonEquals` body that does not hold: each difference. */
static size_t json_body_verdict(struct text *t, const struct mr_body_cond *b,
                                struct mr_request *req)
{
    enum mr_jsondiff_mode mode;
    struct diff d;
    size_t total;
    char w[VAL_MAX];
    const char *how = b->op == MR_BODY_JSON ? "containing" : "equal to";

    if (!body_json(req)) {
        if (t->buf) {
            mr_jsondiff_value(w, sizeof(w), b->json);
            text_line(t, "    body \u2717 (%s, wants JSON %s %s)", not_json(req), how, w);
        }
        return NOT_JSON;
    }
    /* count first, for the verdict's line, then list */
    mode = b->op == MR_BODY_JSON ? MR_JSONDIFF_SUBSET : MR_JSONDIFF_EQUAL;
    total = mr_jsondiff(b->json, req->body_json, mode, NULL, NULL);
    if (total == 0) /* a difference the walk does not name (repeated members) */
        total = 1;
    if (!t->buf)
        return total;
    text_line(t, "    body \u2717 (%zu difference%s)", total, total == 1 ? "" : "s");
    d.t = t;
    d.count = 0;
    mr_jsondiff(b->json, req->body_json, mode, diff_line, &d);
    if (d.count == 0)
        diff_line(&d, "$", b->json, req->body_json);
    if (total > MR_MISS_DIFF_LINES)
        text_line(t, "      ... and %zu more difference%s", total - MR_MISS_DIFF_LINES,
                  total - MR_MISS_DIFF_LINES == 1 ? "" : "s");
    return d.count;
}

/* Each `jsonPath` field's verdict; returns how many fail. */
static unsigned json_paths_verdict(struct text *t, const struct mr_body_cond *b,
                                   struct mr_request *req)
{
    const cJSON *root = body_json(req);
    unsigned failed = 0;
    size_t i;
    char p[VAL_MAX], v[VAL_MAX], want[WANT_MAX];

    for (i = 0; i < b->nfields; i++) {
        const struct mr_json_field *f = &b->fields[i];
        const cJSON *at = root ? json_at(root, f) : NULL;
        bool ok = root && json_field_holds(f, root);

        failed += !ok;
        if (!t->buf)
            continue;
        elide_str(p, sizeof(p), f->path, false);
        if (ok) {
            text_line(t, "    body %s \u2713", p);
        } else if (!root) {
            text_line(t, "    body %s \u2717 (the body is %s)", p, not_json(req));
        } else if ((f->cond.op == MR_OP_ABSENT) != f->cond.negate &&
                   (f->cond.op == MR_OP_ABSENT || f->cond.op == MR_OP_PRESENT)) {
            mr_jsondiff_value(v, sizeof(v), at);
            text_line(t, "    body %s \u2717 (%s vs absent)", p, v);
        } else if (!at) {
            text_line(t, "    body %s \u2717 (absent)", p);
        } else {
            mr_jsondiff_value(v, sizeof(v), at);
            cond_text(want, sizeof(want), &f->cond);
            text_line(t, "    body %s \u2717 (%s vs %s)", p, v, want);
        }
    }
    return failed;
}

/* An `xmlEquals` body that does not hold: why it is not XML, or each difference. */
static size_t xml_body_verdict(struct text *t, const struct mr_body_cond *b, struct mr_request *req)
{
    char why[300];
    const struct mr_xmldoc *doc = body_xml(req, t->buf ? why : NULL, sizeof(why));
    struct mr_buf lines;
    size_t n;
    const char *line, *nl;

    if (!doc || !b->xml) {
        if (t->buf)
            text_line(t, "    body \u2717 (%s)", doc ? "?" : why);
        return NOT_JSON;
    }
    if (!t->buf)
        return xml_diff(b, doc, NULL, 0);
    mr_buf_init(&lines);
    n = xml_diff(b, doc, &lines, MR_MISS_DIFF_LINES);
    text_line(t, "    body \u2717 (%zu difference%s)", n, n == 1 ? "" : "s");
    for (line = lines.data; line && *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl)
            break;
        text_line(t, "      %.*s", (int)(nl - line), line);
    }
    mr_buf_release(&lines);
    return n;
}

/* The first value an XPath expression yields, for a verdict. */
static bool first_value(void *arg, const char *v, size_t len)
{
    elide(arg, VAL_MAX, v, len, true);
    return true;
}

/* An XML condition that does not hold, in one line: its first difference. */
static void explain_xml(const struct mr_body_cond *b, struct mr_request *req, const char *wants,
                        char *buf, size_t size)
{
    char why[300];
    const struct mr_xmldoc *doc = body_xml(req, why, sizeof(why));
    struct mr_buf first;
    size_t i, n;

    if (!doc) {
        snprintf(buf, size, "body is not read as XML (%s), %s XML", why, wants);
        return;
    }
    if (b->op == MR_BODY_XML_EQUALS) {
        mr_buf_init(&first);
        xml_diff(b, doc, &first, 1);
        n = first.len && first.data[first.len - 1] == '\n' ? first.len - 1 : first.len;
        snprintf(buf, size, "body %.*s, %s XML equal to %.120s", (int)n,
                 first.data ? first.data : "", wants, b->text ? b->text : "");
        mr_buf_release(&first);
        return;
    }
    for (i = 0; i < b->nxpaths; i++) {
        char v[VAL_MAX], want[WANT_MAX];
        if (xpath_holds(&b->xpaths[i], b, doc))
            continue;
        v[0] = '\0';
        if (mr_xmldoc_xpath(doc, b->xpaths[i].expr, b->namespaces, b->nnamespaces, first_value,
                            v) <= 0)
            snprintf(v, sizeof(v), "absent");
        cond_text(want, sizeof(want), &b->xpaths[i].cond);
        snprintf(buf, size, "body %s is %s, %s %s", b->xpaths[i].expr, v, wants, want);
        return;
    }
    snprintf(buf, size, "body does not meet the XML conditions");
}

/* Each `xpath` expression's verdict; returns how many fail. */
static unsigned xpath_verdict(struct text *t, const struct mr_body_cond *b, struct mr_request *req)
{
    char why[300], e[VAL_MAX], v[VAL_MAX], want[WANT_MAX];
    const struct mr_xmldoc *doc = body_xml(req, t->buf ? why : NULL, sizeof(why));
    unsigned failed = 0;
    size_t i;

    for (i = 0; i < b->nxpaths; i++) {
        const struct mr_xpath_field *f = &b->xpaths[i];
        bool ok = doc && xpath_holds(f, b, doc);
        long n;

        failed += !ok;
        if (!t->buf)
            continue;
        elide_str(e, sizeof(e), f->expr, false);
        if (ok) {
            text_line(t, "    body %s \u2713", e);
            continue;
        }
        if (!doc) {
            text_line(t, "    body %s \u2717 (%s)", e, why);
            continue;
        }
        v[0] = '\0';
        n = mr_xmldoc_xpath(doc, f->expr, b->namespaces, b->nnamespaces, first_value, v);
        cond_text(want, sizeof(want), &f->cond);
        if (n <= 0)
            text_line(t, "    body %s \u2717 (absent)", e);
        else if ((f->cond.op == MR_OP_ABSENT) != f->cond.negate &&
                 (f->cond.op == MR_OP_ABSENT || f->cond.op == MR_OP_PRESENT))
            text_line(t, "    body %s \u2717 (%s vs absent)", e, v);
        else
            text_line(t, "    body %s \u2717 (%s%s vs %s)", e, v, n > 1 ? " and more" : "", want);
    }
    return failed;
}

/*
 * Every condition of `m` against the request: one verdict line each into
 * `t` (when it has a buffer). Returns how many fail; sets *nconds and
 * *distance (the body's differences). mr_router_closest counts with it and
 * mr_miss_report writes with it, so the two always agree.
 */
static unsigned judge(const struct mr_matcher *m, struct mr_request *req, struct text *t,
                      unsigned *nconds, size_t *distance)
{
    static const char *const bops[] = {"", "containing ", "matching "};
    unsigned failed = 0, n = 0;
    char a[VAL_MAX], b[VAL_MAX];
    size_t i;

    *distance = 0;
    if (m->method) {
        n++;
        if (strcasecmp(m->method, req->method) == 0) {
            text_line(t, "    method \u2713");
        } else {
            failed++;
            if (t->buf) {
                elide_str(a, sizeof(a), req->method, false);
                text_line(t, "    method \u2717 (%s vs %s)", a, m->method);
            }
        }
    }
    if (m->path_kind != MR_PATH_ANY) {
        n++;
        if (path_holds(m, req)) {
            text_line(t, "    path \u2713");
        } else {
            failed++;
            if (t->buf) {
                elide_str(a, sizeof(a), req->path, false);
                elide_str(b, sizeof(b), m->path, false);
                text_line(t, "    path \u2717 (%s vs %s%s)", a,
                          m->path_kind == MR_PATH_REGEX ? "pattern " : "", b);
            }
        }
    }
    for (i = 0; i < m->nquery; i++, n++)
        failed += !field_verdict(t, "query", &m->query[i], req->params, req->nparams, false);
    for (i = 0; i < m->nheaders; i++, n++)
        failed += !field_verdict(t, "header", &m->headers[i], req->headers, req->nheaders, true);
    if (m->body && m->body->op == MR_BODY_JSON_PATHS && m->body->nfields) {
        unsigned f = json_paths_verdict(t, m->body, req);
        n += (unsigned)m->body->nfields;
        failed += f;
        *distance += f;
    } else if (m->body && m->body->op == MR_BODY_XPATH) {
        unsigned f = xpath_verdict(t, m->body, req);
        n += (unsigned)m->body->nxpaths;
        failed += f;
        *distance += f;
    } else if (m->body) {
        n++;
        if (body_holds(m->body, req)) {
            text_line(t, "    body \u2713");
        } else if (m->body->op == MR_BODY_JSON || m->body->op == MR_BODY_JSON_EQUALS) {
            failed++;
            *distance += json_body_verdict(t, m->body, req);
        } else if (m->body->op == MR_BODY_XML_EQUALS) {
            failed++;
            *distance += xml_body_verdict(t, m->body, req);
        } else {
            failed++;
            *distance += 1;
            if (t->buf && m->body->op <= MR_BODY_MATCHES) {
                elide(a, sizeof(a), req->body, req->body_len, true);
                elide(b, sizeof(b), m->body->text, m->body->len, true);
                text_line(t, "    body \u2717 (%s vs %s%s)", a, bops[m->body->op], b);
            } else {
                text_line(t, "    body \u2717 (the body is not JSON)");
            }
        }
    }
    *nconds = n;
    return failed;
}

/* A route none of whose conditions hold shares nothing with the request: it
 * comes after every route that shares something, however few it fails. */
static bool shares_nothing(const struct mr_candidate *c)
{
    return c->failed > 0 && c->failed == c->conditions;
}

/* a is closer than b: shares something, fewer failed conditions, a smaller distance. */
static bool closer(const struct mr_candidate *a, const struct mr_candidate *b)
{
    if (shares_nothing(a) != shares_nothing(b))
        return shares_nothing(b);
    return a->failed != b->failed ? a->failed < b->failed : a->distance < b->distance;
}

size_t mr_router_closest(const struct mr_router *r, size_t service, struct mr_request *req,
                         struct mr_candidate *out, size_t max)
{
    const struct mr_service *svc;
    struct text none = {0};
    size_t n = 0, i, j;

    if (service >= r->nsvc || max == 0)
        return 0;
    svc = &r->sc->services[service];
    for (i = svc->first_route; i < svc->first_route + svc->nroutes; i++) {
        const struct mr_matcher *m = &r->sc->routes[i].match;
        struct mr_candidate c = {(long)i, 0, 0, 0};
        size_t body, limit = SIZE_MAX;

        c.failed = judge(m, req, &none, &c.conditions, &body);
        c.distance = body; /* so far: the path can only add to it */
        if (n == max) {
            const struct mr_candidate *last = &out[n - 1];
            if (!closer(&c, last))
                continue;
            if (!closer(&c, &(struct mr_candidate){last->route, last->failed, last->conditions, 0}))
                limit = last->distance - body - 1; /* a path further than this cannot get in */
        }
        c.distance = body + path_distance(m, req, limit);
        if (n == max && !closer(&c, &out[n - 1]))
            continue;
        if (n < max)
            n++;
        /* insert in order; an equal one stays ahead (file order breaks ties) */
        for (j = n - 1; j > 0 && closer(&c, &out[j - 1]); j--)
            out[j] = out[j - 1];
        out[j] = c;
    }
    /* routes that share nothing are worth showing only when no route shares anything */
    for (j = 1; j < n; j++)
        if (shares_nothing(&out[j]) && !shares_nothing(&out[0]))
            return j;
    return n;
}

static void how_many(char *dst, size_t size, const struct mr_candidate *c)
{
    if (c->failed == 0)
        snprintf(dst, size, "every condition holds");
    else
        snprintf(dst, size, "%u of %u condition%s", c->failed, c->conditions,
                 c->conditions == 1 ? " differs" : "s differ");
}

void mr_miss_report(const struct mr_scenario *sc, struct mr_request *req,
                    const struct mr_candidate *c, size_t n, char *buf, size_t size)
{
    struct text t = {buf, size, 0, 0};
    char method[VAL_MAX], path[VAL_MAX], id[VAL_MAX], differ[64];
    size_t i, distance;
    unsigned nconds;

    if (!buf || size == 0)
        return;
    buf[0] = '\0';
    elide_str(method, sizeof(method), req->method, false);
    elide_str(path, sizeof(path), req->path, false);
    if (n == 0) {
        text_line(&t, "no route matched %s %s; the service has no routes", method, path);
        return;
    }
    for (i = 0; i < n; i++) {
        if (c[i].route < 0 || (size_t)c[i].route >= sc->nroutes)
            MR_BUG("candidate route %ld out of range", c[i].route);
        elide_str(id, sizeof(id), sc->routes[c[i].route].id, true);
        how_many(differ, sizeof(differ), &c[i]);
        if (i == 0)
            text_line(&t, "no route matched %s %s; closest: %s (%s)", method, path, id, differ);
        text_line(&t, "  route %s: %s", id, differ);
        judge(&sc->routes[c[i].route].match, req, &t, &nconds, &distance);
    }
    text_finish(&t);
}

void mr_miss_route_report(const struct mr_scenario *sc, long route, struct mr_request *req,
                          char *buf, size_t size)
{
    struct text t = {buf, size, 0, 0}, none = {0};
    struct mr_candidate c = {route, 0, 0, 0};
    char id[VAL_MAX], differ[64];
    size_t distance;
    unsigned nconds;

    if (!buf || size == 0)
        return;
    buf[0] = '\0';
    if (route < 0 || (size_t)route >= sc->nroutes)
        MR_BUG("route %ld out of range", route);
    c.failed = judge(&sc->routes[route].match, req, &none, &c.conditions, &distance);
    elide_str(id, sizeof(id), sc->routes[route].id, true);
    how_many(differ, sizeof(differ), &c);
    text_line(&t, "route %s: %s", id, differ);
    judge(&sc->routes[route].match, req, &t, &nconds, &distance);
    text_finish(&t);
}

void mr_router_explain(const struct mr_router *r, size_t service, struct mr_request *req, char *buf,
                       size_t size)
{
    struct mr_candidate c[MR_MISS_CLOSEST];
    size_t n = mr_router_closest(r, service, req, c, MR_MISS_CLOSEST);

    mr_miss_report(r->sc, req, c, n, buf, size);
}

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
