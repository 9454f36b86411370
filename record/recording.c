/*
 * recording.c - the store (a growing array under a mutex: calls arrive
 * from CivetWeb's workers) and the scenario built from it with cJSON, the
 * format's own JSON library. Out of memory at any point is remembered in
 * the builder and reported once at the end.
 */
#include "record/recording.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/text.h"
#include "record/generalize.h"
#include "record/redact.h"

#define ID_MAX 64

/* ---- the store ------------------------------------------------------------ */

struct rec_header {
    char *name, *value;
};

struct rec_call {
    size_t service;
    char *method, *path, *query;
    int status;
    struct rec_header *headers;
    size_t nheaders;
    char *body;
    size_t body_len;
    char *encoding;
    char *self_url;
};

struct mr_recording {
    pthread_mutex_t lock;
    struct rec_call *calls;
    size_t n, cap, lost;
};

int mr_recording_new(struct mr_recording **out, struct mr_error *err)
{
    struct mr_recording *r = calloc(1, sizeof(*r));
    *out = NULL;
    if (!r)
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    pthread_mutex_init(&r->lock, NULL);
    *out = r;
    return 0;
}

static void free_call(struct rec_call *c)
{
    size_t i;
    free(c->method);
    free(c->path);
    free(c->query);
    for (i = 0; i < c->nheaders; i++) {
        free(c->headers[i].name);
        free(c->headers[i].value);
    }
    free(c->headers);
    free(c->body);
    free(c->encoding);
    free(c->self_url);
}

void mr_recording_free(struct mr_recording *r)
{
    size_t i;
    if (!r)
        return;
    for (i = 0; i < r->n; i++)
        free_call(&r->calls[i]);
    free(r->calls);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        if (n)
            memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static char *dup_s(const char *s)
{
    return s ? dup_n(s, strlen(s)) : NULL;
}

int mr_recording_add(struct mr_recording *r, const struct mr_rec_call *c)
{
    struct rec_call k;
    bool ok;
    size_t i;

    memset(&k, 0, sizeof(k));
    k.service = c->service;
    k.status = c->status;
    k.method = dup_s(c->method);
    k.path = dup_s(c->path);
    k.query = dup_s(c->query ? c->query : "");
    k.body = dup_n(c->body ? c->body : "", c->body_len);
    k.body_len = c->body_len;
    k.encoding = c->encoding ? dup_s(c->encoding) : NULL;
    k.self_url = dup_s(c->self_url ? c->self_url : "");
    ok = k.method && k.path && k.query && k.body && k.self_url && (k.encoding || !c->encoding);
    k.headers = c->nheaders ? calloc(c->nheaders, sizeof(*k.headers)) : NULL;
    ok = ok && (k.headers || !c->nheaders);
    for (i = 0; ok && i < c->nheaders; i++) {
        k.headers[i].name = dup_n(c->headers[i].name, c->headers[i].name_len);
        k.headers[i].value = dup_n(c->headers[i].value, c->headers[i].value_len);
        k.nheaders = i + 1;
        ok = k.headers[i].name && k.headers[i].value;
    }
    pthread_mutex_lock(&r->lock);
    if (ok && r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        struct rec_call *grown = realloc(r->calls, cap * sizeof(*grown));
        if (grown) {
            r->calls = grown;
            r->cap = cap;
        } else {
            ok = false;
        }
    }
    if (ok)
        r->calls[r->n++] = k;
    else
        r->lost++;
    pthread_mutex_unlock(&r->lock);
    if (!ok) {
        free_call(&k);
        return MR_ENOMEM;
    }
    return 0;
}

size_t mr_recording_count(const struct mr_recording *r)
{
    return r->n;
}

size_t mr_recording_lost(const struct mr_recording *r)
{
    return r->lost;
}

/* ---- building the scenario ---------------------------------------------------- */

struct route {
    size_t service;
    const char *method;
    char *match;   /* the `path` template or the `pathPattern` */
    bool pattern;  /* match is a pathPattern */
    size_t *calls; /* indices into the recording, in arrival order */
    size_t ncalls;
    char id[ID_MAX + 8];
    size_t nfiles; /* fixtures named after it so far */
};

struct builder {
    const struct mr_recording *rec;
    const struct mr_rec_options *o;
    struct mr_rec_result *out;
    struct route *routes;
    size_t nroutes;
    size_t inline_max;
    bool nomem;
};

static void *track(struct builder *b, void *p)
{
    if (!p)
        b->nomem = true;
    return p;
}

/* Adds a note, once. */
static void note(struct builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct builder *b, const char *fmt, ...)
{
    char line[600];
    char **grown;
    va_list ap;
    size_t i;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    for (i = 0; i < b->out->nnotes; i++)
        if (strcmp(b->out->notes[i], line) == 0)
            return;
    grown = track(b, realloc(b->out->notes, (b->out->nnotes + 1) * sizeof(char *)));
    if (!grown)
        return;
    b->out->notes = grown;
    if ((grown[b->out->nnotes] = track(b, dup_s(line))) != NULL)
        b->out->nnotes++;
}

/* "GET /users/:userId (route get-users-userId)", for notes. */
static void route_label(const struct route *rt, char *buf, size_t size)
{
    char shown[300];
    mr_printable(shown, sizeof(shown), rt->match, strlen(rt->match));
    snprintf(buf, size, "%s %s (route %s)", rt->method, shown, rt->id);
}

/* Whether template route t matches every path of route l (t earlier would answer l's
 * calls): same service, method and segments, t's a parameter where they differ. */
static bool shadows(const struct route *t, const struct route *l)
{
    const char *a = t->match, *b = l->match;
    if (t->service != l->service || strcmp(t->method, l->method) != 0 || t->pattern || l->pattern ||
        strcmp(a, b) == 0)
        return false;
    while (*a && *b) {
        size_t na = strcspn(a + 1, "/") + 1, nb = strcspn(b + 1, "/") + 1;
        if (!(a[1] == ':' && nb > 1) && (na != nb || memcmp(a, b, na) != 0))
            return false;
        a += na;
        b += nb;
    }
    return !*a && !*b;
}

/* First-seen order, but a route goes before any templated one that would answer its
 * calls (/users/me before /users/:userId). */
static void order(struct builder *b)
{
    size_t i, j, guard = b->nroutes * b->nroutes + 1;
    bool moved = true;

    while (moved && guard--) {
        moved = false;
        for (i = 0; i < b->nroutes && !moved; i++)
            for (j = i + 1; j < b->nroutes && !moved; j++)
                if (shadows(&b->routes[i], &b->routes[j])) {
                    struct route r = b->routes[j];
                    memmove(&b->routes[i + 1], &b->routes[i], (j - i) * sizeof(r));
                    b->routes[i] = r;
                    moved = true;
                }
    }
}

/* The routes: calls grouped by service, method and generalised path. */
static void group(struct builder *b)
{
    const struct mr_recording *rec = b->rec;
    struct mr_buf m;
    size_t i, k;

    mr_buf_init(&m);
    for (i = 0; i < rec->n && !b->nomem; i++) {
        const struct rec_call *c = &rec->calls[i];
        enum mr_gen_kind kind;
        struct route *rt = NULL;
        size_t *grown;

        mr_buf_reset(&m);
        kind = mr_generalize_path(&m, c->path, NULL);
        if (m.failed) {
            b->nomem = true;
            break;
        }
        for (k = 0; k < b->nroutes && !rt; k++)
            if (b->routes[k].service == c->service && strcmp(b->routes[k].method, c->method) == 0 &&
                b->routes[k].pattern == (kind == MR_GEN_PATTERN) &&
                strcmp(b->routes[k].match, m.data) == 0)
                rt = &b->routes[k];
        if (!rt) {
            struct route *more = track(b, realloc(b->routes, (b->nroutes + 1) * sizeof(*more)));
            if (!more)
                break;
            b->routes = more;
            rt = &b->routes[b->nroutes++];
            memset(rt, 0, sizeof(*rt));
            rt->service = c->service;
            rt->method = c->method;
            rt->pattern = kind == MR_GEN_PATTERN;
            rt->match = track(b, dup_s(m.data));
        }
        grown = track(b, realloc(rt->calls, (rt->ncalls + 1) * sizeof(*grown)));
        if (!grown)
            break;
        rt->calls = grown;
        rt->calls[rt->ncalls++] = i;
    }
    mr_buf_release(&m);
    if (!b->nomem)
        order(b);
}

/* "get-users-userId": the method and the path's words, unique in the scenario. */
static void name_routes(struct builder *b)
{
    size_t i, k, n, mlen;

    for (i = 0; i < b->nroutes; i++) {
        struct route *rt = &b->routes[i];
        const struct rec_call *first = &b->rec->calls[rt->calls[0]];
        const char *p = rt->pattern ? first->path : rt->match;
        char id[ID_MAX + 1];
        unsigned dup = 1;
        bool dash = true;

        for (n = 0; rt->method[n] && n < 16; n++)
            id[n] = (char)tolower((unsigned char)rt->method[n]);
        mlen = n;
        for (; *p && n < ID_MAX; p++) {
            unsigned char c = (unsigned char)*p;
            if (c == '.' && n > 0 && id[n - 1] == '.')
                continue; /* "get-a.b", never "get-a..b" */
            if (isalnum(c) || c == '.' || c == '_') {
                if (dash && n + 1 < ID_MAX)
                    id[n++] = '-';
                id[n++] = (char)c;
                dash = false;
            } else {
                dash = true; /* '/', ':', '-' and the rest separate words */
            }
        }
        while (n > mlen && (id[n - 1] == '.' || id[n - 1] == '-'))
            n--;
        id[n] = '\0';
        if (n == mlen) /* "/" has no words */
            snprintf(id + n, sizeof(id) - n, "-root");
        snprintf(rt->id, sizeof(rt->id), "%s", id);
        for (;;) {
            bool taken = false;
            for (k = 0; k < i; k++)
                if (strcmp(b->routes[k].id, rt->id) == 0)
                    taken = true;
            if (!taken)
                break;
            snprintf(rt->id, sizeof(rt->id), "%s-%u", id, ++dup);
        }
    }
}

/* Headers a recording leaves out: they change from run to run, or the mock
 * sets them itself. */
static bool volatile_header(const char *name)
{
    static const char *const drop[] = {"Date",
                                       "Server",
                                       "Content-Length",
                                       "Connection",
                                       "Keep-Alive",
                                       "Transfer-Encoding",
                                       "Trailer",
                                       "Upgrade",
                                       "TE",
                                       "Proxy-Connection",
                                       "Age",
                                       "Expires",
                                       "Via",
                                       "X-Powered-By",
                                       "X-Request-Id",
                                       "Request-Id",
                                       "X-Correlation-Id",
                                       "X-Amzn-Trace-Id",
                                       "X-Amzn-RequestId",
                                       "X-Amz-Cf-Id",
                                       "X-Amz-Cf-Pop",
                                       "X-Cache",
                                       "X-Cache-Hits",
                                       "X-Served-By",
                                       "X-Timer",
                                       "CF-Ray",
                                       "CF-Cache-Status",
                                       "Report-To",
                                       "NEL",
                                       "Alt-Svc",
                                       "Server-Timing",
                                       "X-Runtime",
                                       "X-Envoy-Upstream-Service-Time",
                                       "Strict-Transport-Security"};
    size_t i;
    for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
        if (strcasecmp(name, drop[i]) == 0)
            return true;
    return false;
}

/* The media type of a Content-Type value, lower-cased, without parameters. */
static void media_type(const char *ctype, char *buf, size_t size)
{
    size_t n = 0;
    if (ctype)
        for (; ctype[n] && ctype[n] != ';' && ctype[n] != ' ' && n + 1 < size; n++)
            buf[n] = (char)tolower((unsigned char)ctype[n]);
    buf[n] = '\0';
}

static bool json_type(const char *mt)
{
    size_t n = strlen(mt);
    return strcmp(mt, "application/json") == 0 || (n > 5 && strcmp(mt + n - 5, "+json") == 0);
}

/* A file name extension for a media type. */
static const char *extension(const char *mt)
{
    static const struct {
        const char *type, *ext;
    } map[] = {{"text/html", "html"},      {"text/plain", "txt"},
               {"text/csv", "csv"},        {"text/css", "css"},
               {"text/javascript", "js"},  {"application/javascript", "js"},
               {"application/xml", "xml"}, {"text/xml", "xml"},
               {"image/png", "png"},       {"image/jpeg", "jpg"},
               {"image/gif", "gif"},       {"image/webp", "webp"},
               {"image/svg+xml", "svg"},   {"application/pdf", "pdf"},
               {"application/zip", "zip"}, {"application/gzip", "gz"},
               {"font/woff2", "woff2"},    {"application/x-www-form-urlencoded", "txt"}};
    size_t i, n = strlen(mt);
    if (json_type(mt))
        return "json";
    if (n > 4 && strcmp(mt + n - 4, "+xml") == 0)
        return "xml";
    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(mt, map[i].type) == 0)
            return map[i].ext;
    return "bin";
}

/* Whether every number in JSON text s[0..n) survives a double: 15 significant
 * digits at most. Longer ones (64-bit ids) would change when re-printed. */
static bool numbers_exact(const char *s, size_t n)
{
    size_t i = 0;
    bool in_string = false;
    while (i < n) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
            i++;
            continue;
        }
        if (c == '"') {
            in_string = true;
            i++;
        } else if (c == '-' || isdigit((unsigned char)c)) {
            size_t digits = 0;
            bool leading = true;
            for (; i < n && strchr("-+.0123456789", s[i]); i++) {
                if (!isdigit((unsigned char)s[i]))
                    continue;
                if (s[i] != '0')
                    leading = false;
                if (!leading)
                    digits++;
            }
            for (; i < n && strchr("eE+-0123456789", s[i]); i++)
                ; /* the exponent */
            if (digits > 15)
                return false;
        } else {
            i++;
        }
    }
    return true;
}

/* No object with a name twice (printing would keep both; a scenario may not). */
static bool unique_names(const cJSON *v)
{
    const cJSON *a, *b;
    cJSON_ArrayForEach(a, v)
    {
        if (cJSON_IsObject(v))
            for (b = a->next; b; b = b->next)
                if (strcmp(a->string, b->string) == 0)
                    return false;
        if ((cJSON_IsObject(a) || cJSON_IsArray(a)) && !unique_names(a))
            return false;
    }
    return true;
}

/* The JSON of a body, redacted, when it can stand in `json` unchanged in meaning; else NULL. */
static cJSON *json_body(struct builder *b, const struct route *rt, const struct rec_call *c,
                        bool *redacted)
{
    struct mr_buf paths;
    const char *end = NULL;
    cJSON *v;

    *redacted = false;
    if (!mr_utf8_valid(c->body, c->body_len) || memchr(c->body, '\0', c->body_len) ||
        strstr(c->body, "\\u0000") || !numbers_exact(c->body, c->body_len))
        return NULL;
    v = cJSON_ParseWithLengthOpts(c->body, c->body_len, &end, false);
    if (!v)
        return NULL;
    while (end && end < c->body + c->body_len && isspace((unsigned char)*end))
        end++;
    if (end != c->body + c->body_len || !unique_names(v)) {
        cJSON_Delete(v);
        return NULL;
    }
    mr_buf_init(&paths);
    if (mr_redact_json(v, &paths) > 0) {
        char label[400];
        const char *p = paths.data, *nl;
        route_label(rt, label, sizeof(label));
        for (; p && *p; p = nl + 1) {
            nl = strchr(p, '\n');
            note(b, "redacted %.*s in the body of %s", (int)(nl - p), p, label);
        }
        *redacted = true;
    }
    if (paths.failed)
        b->nomem = true;
    mr_buf_release(&paths);
    return v;
}

/* Names a fixture for a body of the route (the same bytes: the same file). */
static const char *fixture(struct builder *b, struct route *rt, const char *data, size_t len,
                           const char *ext)
{
    struct mr_rec_result *out = b->out;
    struct mr_rec_fixture *grown, *f;
    char path[ID_MAX + 64];
    size_t i;

    for (i = 0; i < out->nfixtures; i++)
        if (out->fixtures[i].len == len && memcmp(out->fixtures[i].data, data, len) == 0)
            return out->fixtures[i].path;
    rt->nfiles++;
    {
        /* "get-logo.png", not "get-logo.png.png" */
        size_t idlen = strlen(rt->id), el = strlen(ext);
        bool named = idlen > el + 1 && rt->id[idlen - el - 1] == '.' &&
                     strcmp(rt->id + idlen - el, ext) == 0;
        int stem = (int)(named ? idlen - el - 1 : idlen);
        if (rt->nfiles == 1)
            snprintf(path, sizeof(path), MR_REC_FIXTURES "/%.*s.%s", stem, rt->id, ext);
        else
            snprintf(path, sizeof(path), MR_REC_FIXTURES "/%.*s-%zu.%s", stem, rt->id, rt->nfiles,
                     ext);
    }
    grown = track(b, realloc(out->fixtures, (out->nfixtures + 1) * sizeof(*grown)));
    if (!grown)
        return NULL;
    out->fixtures = grown;
    f = &out->fixtures[out->nfixtures];
    f->path = track(b, dup_s(path));
    f->data = track(b, dup_n(data, len));
    f->len = len;
    if (!f->path || !f->data) {
        free(f->path);
        free(f->data);
        return NULL;
    }
    out->nfixtures++;
    return f->path;
}

static bool is_text(const char *s, size_t n)
{
    return mr_utf8_valid(s, n) && !memchr(s, '\0', n);
}

/* The answer's headers, for the response object; *ctype gets its Content-Type. */
static cJSON *headers_of(struct builder *b, const struct route *rt, const struct rec_call *c,
                         const char **ctype, bool *braces)
{
    cJSON *h = track(b, cJSON_CreateObject());
    struct mr_buf v;
    char label[400];
    size_t i, n;

    *ctype = NULL;
    route_label(rt, label, sizeof(label));
    mr_buf_init(&v);
    for (i = 0; h && i < c->nheaders; i++) {
        const char *name = c->headers[i].name, *value = c->headers[i].value;
        cJSON *have;

        if (volatile_header(name) || !mr_http_token(name) ||
            (strcasecmp(name, "Content-Encoding") == 0 && !c->encoding))
            continue; /* (a decoded body is recorded without its coding) */
        if (strcasecmp(name, "Content-Type") == 0)
            *ctype = value;
        mr_buf_reset(&v);
        if (mr_redact_header(name, strlen(name))) {
            mr_redact_header_value(&v, name, value);
            note(b, "redacted the %s header of %s", name, label);
        } else if (strcasecmp(name, "Location") == 0) {
            /* on the recording service: relative, so it points at the mock that replays it */
            size_t self = strlen(c->self_url);
            const char *q;
            if (self && strncmp(value, c->self_url, self) == 0 &&
                (!value[self] || strchr("/?#", value[self]))) {
                value += self;
                if (*value != '/')
                    mr_buf_putc(&v, '/');
            }
            q = strchr(value, '?');
            if (q) {
                struct mr_buf names;
                size_t qlen = strcspn(q + 1, "#");
                mr_buf_init(&names);
                mr_buf_append(&v, value, (size_t)(q + 1 - value));
                if (mr_redact_query(&v, q + 1, qlen, &names) > 0)
                    note(b, "redacted a parameter of the Location header of %s", label);
                mr_buf_puts(&v, q + 1 + qlen);
                mr_buf_release(&names);
            } else {
                mr_buf_puts(&v, value);
            }
        } else {
            mr_buf_puts(&v, value);
        }
        if (v.failed) {
            b->nomem = true;
            break;
        }
        if (!mr_utf8_valid(v.data ? v.data : "", v.len)) {
            note(b, "left out the %s header of %s: its value is not UTF-8", name, label);
            continue;
        }
        *braces |= strstr(mr_buf_cstr(&v), "{{") != NULL;
        /* one value per name: a repeated header's values joined, as HTTP allows
         * (but Set-Cookie, which cannot be: its first value is kept) */
        have = cJSON_GetObjectItem(h, name);
        if (have && strcasecmp(name, "Set-Cookie") == 0) {
            note(b, "kept only the first Set-Cookie header of %s", label);
        } else if (have) {
            size_t len = strlen(have->valuestring) + 2 + v.len + 1;
            char *joined = track(b, malloc(len));
            if (joined) {
                snprintf(joined, len, "%s, %s", have->valuestring, mr_buf_cstr(&v));
                track(b, cJSON_SetValuestring(have, joined));
                free(joined);
            }
        } else {
            track(b, cJSON_AddStringToObject(h, name, mr_buf_cstr(&v)));
        }
    }
    mr_buf_release(&v);
    n = h ? (size_t)cJSON_GetArraySize(h) : 0;
    if (h && n == 0) {
        cJSON_Delete(h);
        return NULL;
    }
    return h;
}

/* Drops Content-Type from `h` when it is what the body kind gives anyway. */
static void drop_default_type(cJSON **h, const char *ctype, const char *dflt)
{
    if (!*h || !ctype || strcasecmp(ctype, dflt) != 0)
        return;
    cJSON_DeleteItemFromObjectCaseSensitive(*h, "Content-Type");
    if (cJSON_GetArraySize(*h) == 0) {
        cJSON_Delete(*h);
        *h = NULL;
    }
}

/* One observed answer as a response object. */
static cJSON *response_of(struct builder *b, struct route *rt, const struct rec_call *c)
{
    cJSON *r = track(b, cJSON_CreateObject()), *h, *json = NULL;
    const char *ctype, *file = NULL;
    char mt[128], label[400];
    bool braces = false, redacted = false;

    if (!r)
        return NULL;
    route_label(rt, label, sizeof(label));
    if (c->status != 200)
        track(b, cJSON_AddNumberToObject(r, "status", c->status));
    h = headers_of(b, rt, c, &ctype, &braces);
    media_type(ctype, mt, sizeof(mt));
    if (c->body_len == 0) {
        /* no body */
    } else if (c->encoding) {
        /* still encoded (br, or data that did not decode): served as it came */
        file = fixture(b, rt, c->body, c->body_len, "bin");
        note(b, "kept the body of %s as it came (Content-Encoding: %s)", label, c->encoding);
    } else if (json_type(mt) && (json = json_body(b, rt, c, &redacted)) != NULL) {
        char *text = track(b, cJSON_PrintUnformatted(json));
        size_t len = text ? strlen(text) : 0;
        if (text && len <= b->inline_max) {
            braces |= strstr(text, "{{") != NULL;
            cJSON_AddItemToObject(r, "json", json);
            json = NULL;
        } else if (text) {
            /* large: a file, byte for byte unless something was redacted */
            file = redacted ? fixture(b, rt, text, len, "json")
                            : fixture(b, rt, c->body, c->body_len, "json");
        }
        free(text);
        cJSON_Delete(json);
        drop_default_type(&h, ctype, "application/json");
    } else if (is_text(c->body, c->body_len)) {
        struct mr_buf body, names;
        mr_buf_init(&body);
        mr_buf_init(&names);
        if (strcmp(mt, "application/x-www-form-urlencoded") == 0 &&
            mr_redact_query(&body, c->body, c->body_len, &names) > 0) {
            const char *p = names.data, *nl;
            for (; p && *p; p = nl + 1) {
                nl = strchr(p, '\n');
                note(b, "redacted the %.*s field in the body of %s", (int)(nl - p), p, label);
            }
        } else {
            mr_buf_reset(&body);
            mr_buf_append(&body, c->body, c->body_len);
        }
        if (body.failed || names.failed)
            b->nomem = true;
        else if (body.len <= b->inline_max) {
            braces |= strstr(body.data, "{{") != NULL;
            track(b, cJSON_AddStringToObject(r, "body", body.data));
            drop_default_type(&h, ctype, "text/plain; charset=utf-8");
        } else {
            file = fixture(b, rt, body.data, body.len, extension(mt));
        }
        mr_buf_release(&body);
        mr_buf_release(&names);
    } else {
        file = fixture(b, rt, c->body, c->body_len, extension(mt));
    }
    if (file)
        track(b, cJSON_AddStringToObject(r, "file", file));
    if (h)
        cJSON_AddItemToObject(r, "headers", h);
    if (braces) /* "{{" in the answer is text, not a template */
        track(b, cJSON_AddFalseToObject(r, "template"));
    return r;
}

/* The route object: its request and its answers. */
static cJSON *route_of(struct builder *b, struct route *rt)
{
    cJSON *o = track(b, cJSON_CreateObject()), *req, *list;
    char *first = NULL;
    bool differ = false;
    size_t i;

    if (!o)
        return NULL;
    track(b, cJSON_AddStringToObject(o, "id", rt->id));
    req = track(b, cJSON_AddObjectToObject(o, "request"));
    if (req) {
        track(b, cJSON_AddStringToObject(req, "method", rt->method));
        track(b, cJSON_AddStringToObject(req, rt->pattern ? "pathPattern" : "path", rt->match));
    }
    list = track(b, cJSON_CreateArray());
    for (i = 0; list && i < rt->ncalls; i++) {
        cJSON *r = response_of(b, rt, &b->rec->calls[rt->calls[i]]);
        char *text = r ? track(b, cJSON_PrintUnformatted(r)) : NULL;
        if (!r || !text) {
            cJSON_Delete(r);
            free(text);
            break;
        }
        if (!first)
            first = text;
        else {
            differ |= strcmp(first, text) != 0;
            free(text);
        }
        cJSON_AddItemToArray(list, r);
    }
    free(first);
    if (!list || b->nomem) {
        cJSON_Delete(list);
        return o;
    }
    if (!differ) {
        /* always the same answer */
        cJSON_AddItemToObject(o, "response", cJSON_DetachItemFromArray(list, 0));
        cJSON_Delete(list);
    } else {
        track(b, cJSON_AddStringToObject(o, "mode", "sequential"));
        cJSON_AddItemToObject(o, "responses", list);
    }
    return o;
}

/* cJSON's tabs as two spaces, and one space after a colon. */
static char *indent(const char *text, size_t *len)
{
    struct mr_buf out;
    bool line_start = true;
    const char *p;

    mr_buf_init(&out);
    for (p = text; *p; p++) {
        if (*p == '\t') {
            mr_buf_puts(&out, line_start ? "  " : " ");
            continue;
        }
        line_start = *p == '\n';
        mr_buf_putc(&out, *p);
    }
    mr_buf_putc(&out, '\n');
    return mr_buf_detach(&out, len);
}

int mr_recording_build(const struct mr_recording *rec, const struct mr_rec_options *o,
                       struct mr_rec_result *out, struct mr_error *err)
{
    struct builder b;
    cJSON *root, *services, *expect, *command;
    struct mr_buf desc;
    char *text;
    size_t i, s;

    memset(out, 0, sizeof(*out));
    memset(&b, 0, sizeof(b));
    b.rec = rec;
    b.o = o;
    b.out = out;
    b.inline_max = o->inline_max ? o->inline_max : MR_REC_INLINE_MAX_DEFAULT;
    group(&b);
    name_routes(&b);

    root = track(&b, cJSON_CreateObject());
    if (root) {
        track(&b, cJSON_AddStringToObject(root, "name", o->name ? o->name : "recorded"));
        mr_buf_init(&desc);
        mr_buf_puts(&desc, "Recorded by mockrun record from");
        for (s = 0; s < o->nservices; s++)
            mr_buf_printf(&desc, "%s %s (%s)", s ? "," : "", o->services[s].target,
                          o->services[s].name);
        mr_buf_puts(&desc, "; replaying it calls none of them.");
        track(&b, cJSON_AddStringToObject(root, "description", mr_buf_cstr(&desc)));
        b.nomem |= desc.failed;
        mr_buf_release(&desc);
    }
    services = root ? track(&b, cJSON_AddObjectToObject(root, "services")) : NULL;
    for (s = 0; services && s < o->nservices; s++) {
        cJSON *svc = track(&b, cJSON_AddObjectToObject(services, o->services[s].name));
        cJSON *routes = svc ? track(&b, cJSON_AddArrayToObject(svc, "routes")) : NULL;
        for (i = 0; routes && i < b.nroutes && !b.nomem; i++)
            if (b.routes[i].service == s) {
                cJSON *r = route_of(&b, &b.routes[i]);
                if (r)
                    cJSON_AddItemToArray(routes, r);
            }
    }
    expect = root ? track(&b, cJSON_AddArrayToObject(root, "expect")) : NULL;
    for (s = 0; expect && s < o->nservices; s++)
        for (i = 0; i < b.nroutes; i++) {
            cJSON *e;
            if (b.routes[i].service != s || !(e = track(&b, cJSON_CreateObject())))
                continue;
            track(&b, cJSON_AddStringToObject(e, "route", b.routes[i].id));
            track(&b, cJSON_AddNumberToObject(e, "times", (double)b.routes[i].ncalls));
            cJSON_AddItemToArray(expect, e);
        }
    if (root && o->command && o->command[0]) {
        cJSON *run;
        for (i = 0; o->command[i]; i++)
            ;
        command = track(&b, cJSON_AddObjectToObject(root, "command"));
        run = command ? track(&b, cJSON_CreateStringArray(o->command, (int)i)) : NULL;
        if (run)
            cJSON_AddItemToObject(command, "run", run);
    }
    out->nroutes = b.nroutes;
    text = root && !b.nomem ? track(&b, cJSON_Print(root)) : NULL;
    if (text)
        out->scenario = track(&b, indent(text, &out->scenario_len));
    free(text);
    cJSON_Delete(root);
    for (i = 0; i < b.nroutes; i++) {
        free(b.routes[i].match);
        free(b.routes[i].calls);
    }
    free(b.routes);
    if (b.nomem || !out->scenario)
        return mr_error_set(err, MR_ENOMEM, "out of memory building the recorded scenario");
    return 0;
}

void mr_rec_result_release(struct mr_rec_result *res)
{
    size_t i;
    free(res->scenario);
    for (i = 0; i < res->nfixtures; i++) {
        free(res->fixtures[i].path);
        free(res->fixtures[i].data);
    }
    free(res->fixtures);
    for (i = 0; i < res->nnotes; i++)
        free(res->notes[i]);
    free(res->notes);
    memset(res, 0, sizeof(*res));
}
