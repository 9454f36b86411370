/*
 * wiremock.c - WireMock stub mappings → mockrun scenario.
 *
 * The semantics follow WireMock 3.13 (standalone): JsonFileMappingsSource
 * reads every *.json file under mappings/, a file holds one stub or
 * {"mappings": [...]}; StubMapping orders stubs by priority (5 when not
 * given), then the newest first; ResponseDefinition takes `body`, then
 * `jsonBody`, then `base64Body`, then `bodyFileName` (under __files/);
 * a stub's scenario starts in "Started". Request matching is in
 * wiremock_match.c, templates in wiremock_template.c, webhooks in
 * wiremock_webhook.c.
 *
 * WireMock lists a folder in the file system's order; mockrun reads the
 * files sorted by name, so stubs of equal priority in different files are
 * ordered the same way on every machine.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "formats/wiremock.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "common/jsondoc.h"
#include "common/text.h"
#include "formats/convert.h"
#include "formats/jsonout.h"
#include "formats/wiremock_internal.h"

#define MAX_FILE_SIZE (64u << 20)
#define MAX_DELAY_MS 600000
#define MAX_STATES 256 /* combined states of several WireMock scenarios */

/* ---- shared helpers (wiremock_internal.h) ------------------------------------------------- */

static void add_warning(struct mr_wm *c, const char *raw)
{
    if (!mr_convert_warn(&c->res->warnings, &c->res->nwarnings, &c->wcap, raw))
        c->nomem = true;
}

__attribute__((format(printf, 2, 0))) static void vwarn(struct mr_wm *c, const char *fmt,
                                                        va_list ap)
{
    char msg[1024], raw[sizeof(msg) + sizeof(c->path) + 300];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (c->plen)
        snprintf(raw, sizeof(raw), "%s: %s: %s", c->file, c->path, msg);
    else
        snprintf(raw, sizeof(raw), "%s: %s", c->file, msg);
    add_warning(c, raw);
}

void mr_wm__warn(struct mr_wm *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarn(c, fmt, ap);
    va_end(ap);
}

void mr_wm__warn_at(struct mr_wm *c, const char *key, const char *fmt, ...)
{
    size_t m = mr_wm__push_key(c, key);
    va_list ap;
    va_start(ap, fmt);
    vwarn(c, fmt, ap);
    va_end(ap);
    mr_wm__pop(c, m);
}

bool mr_wm__fail(struct mr_wm *c, const char *fmt, ...)
{
    va_list ap;
    size_t off;
    int line = 0, col = 0;

    if (c->failed)
        return false;
    c->failed = true;
    c->err->code = MR_ESCENARIO;
    c->err->sys_errno = 0;
    va_start(ap, fmt);
    vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
    va_end(ap);
    if (c->text) {
        /* where the path is, else where the nearest member above it is (a key with a NUL
         * is not in the text as cJSON gives it) */
        char where[sizeof(c->path)];
        size_t n = c->plen;
        memcpy(where, c->path, n + 1);
        while (!mr_jsondoc_locate(c->text, c->len, where, false, &off)) {
            char *cut = NULL, *p;
            if (n == 0) {
                off = 0;
                break;
            }
            if (n >= 2 && where[n - 1] == ']' && where[n - 2] == '"')
                for (p = where; (p = strstr(p, "[\"")) != NULL; p++)
                    cut = p;
            else if (where[n - 1] == ']')
                cut = strrchr(where, '[');
            else
                for (p = where; *p; p++)
                    if (*p == '.' || *p == '[')
                        cut = p;
            n = cut ? (size_t)(cut - where) : 0;
            where[n] = '\0';
        }
        mr_jsondoc_linecol(c->text, c->len, off, &line, &col);
    }
    c->err->file[0] = c->err->path[0] = '\0';
    mr_error_at(c->err, c->file, c->path, line, col);
    return false;
}

size_t mr_wm__push_key(struct mr_wm *c, const char *key)
{
    size_t mark = c->plen;
    mr_jsondoc_push_key(c->path, sizeof(c->path), &c->plen, key);
    return mark;
}

size_t mr_wm__push_index(struct mr_wm *c, size_t i)
{
    size_t mark = c->plen;
    mr_jsondoc_push_index(c->path, sizeof(c->path), &c->plen, i);
    return mark;
}

void mr_wm__pop(struct mr_wm *c, size_t mark)
{
    c->plen = mark;
    c->path[mark] = '\0';
}

void mr_wm__add(struct mr_wm *c, cJSON *obj, const char *key, cJSON *item)
{
    c->nomem |= !mr_convert_add(obj, key, item);
}

void mr_wm__append(struct mr_wm *c, cJSON *arr, cJSON *item)
{
    c->nomem |= !mr_convert_append(arr, item);
}

const char *mr_wm__str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- the conversion ----------------------------------------------------------------------- */

/* A converted stub, kept until every file is read: then they are ordered and
 * their scenario states are known. */
struct stub {
    cJSON *request;  /* the route's `request` */
    cJSON *when;     /* a response's extra conditions, or NULL */
    cJSON *response; /* the response */
    cJSON *webhooks; /* its webhooks as callbacks without ids, or NULL */
    double priority;
    size_t seq; /* the order WireMock adds stubs in */
    char *id;   /* name, id or uuid, or NULL */
    char *alt;  /* id or uuid when the name is the id, or NULL */
    char *scenario, *required, *next;
    char *where; /* "file: path" of the stub, for later warnings */
};

struct conv {
    struct mr_wm wm;
    const char *root;  /* the WireMock root folder (realpath), or NULL for text alone */
    const char *files; /* its __files folder (realpath), or NULL when there is none */
    struct stub *stubs;
    size_t nstubs, cap;
    size_t seq;
    size_t file_stubs; /* stubs in the current file so far */
    bool multi;        /* the current file holds {"mappings": [...]} */
};

static char *dup_or_null(struct mr_wm *c, const char *s)
{
    char *d;
    if (!s)
        return NULL;
    d = strdup(s);
    if (!d)
        c->nomem = true;
    return d;
}

static void stub_release(struct stub *s)
{
    cJSON_Delete(s->request);
    cJSON_Delete(s->when);
    cJSON_Delete(s->response);
    cJSON_Delete(s->webhooks);
    free(s->id);
    free(s->alt);
    free(s->scenario);
    free(s->required);
    free(s->next);
    free(s->where);
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* ---- response ----------------------------------------------------------------------------- */

static const char *const response_keys[] = {"status",
                                            "statusMessage",
                                            "headers",
                                            "body",
                                            "jsonBody",
                                            "base64Body",
                                            "bodyFileName",
                                            "fixedDelayMilliseconds",
                                            "delayDistribution",
                                            "uniformRandomDelay",
                                            "chunkedDribbleDelay",
                                            "fault",
                                            "transformers",
                                            "transformerParameters",
                                            "proxyBaseUrl",
                                            "proxyUrlPrefixToRemove",
                                            "additionalProxyRequestHeaders",
                                            "removeProxyRequestHeaders",
                                            "fromConfiguredStub",
                                            NULL};

/* What a response's templates are translated with. */
struct tpl_ctx {
    bool on; /* transformers has "response-template" */
    const struct mr_wm_request *rq;
    char why[200]; /* the first part that could not be translated */
    bool literal;  /* a part holds "{{" that must stay as it is */
};

/*
 * A string of the response as mockrun should hold it: translated when
 * templating is on (the original, and t->why set, when it cannot be),
 * else the original (t->literal when it looks like a template).
 */
static char *tpl_string(struct mr_wm *c, struct tpl_ctx *t, const char *s, size_t len)
{
    char *r;
    size_t i;
    bool braces = false;

    for (i = 0; i + 1 < len && !braces; i++)
        braces = s[i] == '{' && s[i + 1] == '{';
    if (!braces) {
        r = malloc(len + 1);
        if (r) {
            memcpy(r, s, len);
            r[len] = '\0';
        }
    } else if (t->on && !t->why[0]) {
        struct mr_buf b;
        char why[sizeof(t->why)];
        mr_buf_init(&b);
        if (mr_wm__template(s, len, "request", t->rq->params, t->rq->nparams, &b, why,
                            sizeof(why))) {
            r = mr_buf_detach(&b, NULL);
            if (!r)
                c->nomem = true;
            return r;
        }
        mr_buf_release(&b);
        if (strcmp(why, "out of memory") == 0) {
            c->nomem = true;
            return NULL;
        }
        snprintf(t->why, sizeof(t->why), "%s", why);
        t->literal = true;
        r = malloc(len + 1);
        if (r) {
            memcpy(r, s, len);
            r[len] = '\0';
        }
    } else {
        t->literal = true;
        r = malloc(len + 1);
        if (r) {
            memcpy(r, s, len);
            r[len] = '\0';
        }
    }
    if (!r)
        c->nomem = true;
    return r;
}

/* jsonBody with templates: each string value translated (keys are not templates in
 * mockrun). */
static void tpl_json(struct mr_wm *c, struct tpl_ctx *t, cJSON *v)
{
    cJSON *item;
    if (cJSON_IsString(v) && strstr(v->valuestring, "{{")) {
        char *s = tpl_string(c, t, v->valuestring, strlen(v->valuestring));
        if (s && !cJSON_SetValuestring(v, s))
            c->nomem = true;
        free(s);
        return;
    }
    cJSON_ArrayForEach(item, v)
    {
        if (item->string && strstr(item->string, "{{")) {
            if (t->on && !t->why[0])
                snprintf(t->why, sizeof(t->why), "a templated member name");
            t->literal = true;
        }
        tpl_json(c, t, item);
    }
}

static int b64val(char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    return -1;
}

bool mr_wm__b64decode(const char *s, struct mr_buf *out)
{
    size_t n = strlen(s), i;
    unsigned acc = 0;
    int bits = 0;

    while (n && s[n - 1] == '=')
        n--;
    if (strlen(s) - n > 2)
        return false;
    for (i = 0; i < n; i++) {
        int v = b64val(s[i]);
        if (v < 0)
            return false;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            mr_buf_putc(out, (char)((acc >> bits) & 0xff));
        }
    }
    return n % 4 != 1;
}

bool mr_wm__is_text(const char *s, size_t n)
{
    return !memchr(s, '\0', n) && mr_utf8_valid(s, n);
}

/* A bodyFileName inside __files/: no absolute path, no ".." above it, no NUL. */
static bool file_name_ok(const char *name)
{
    const char *p = name;
    int depth = 0;

    if (!*name || name[0] == '/' || name[0] == '\\')
        return false;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0)
                return false;
        } else if (!(n == 0 || (n == 1 && p[0] == '.'))) {
            depth++;
        }
        p += n + (e ? 1 : 0);
    }
    return true;
}

/* bodyFileName → the body (text files) or `file` (binary, relative to the root). */
static void body_file(struct conv *cv, struct tpl_ctx *t, const char *name, cJSON *out)
{
    struct mr_wm *c = &cv->wm;
    char joined[PATH_MAX], *real = NULL;
    size_t m = mr_wm__push_key(c, "bodyFileName");

    if (!cv->root) {
        mr_wm__warn(c, "files are read only when converting a folder or a mapping file; an "
                       "empty body is served");
    } else if (t->on && strstr(name, "{{")) {
        /* a file found per request: mockrun's templated `file`, relative to the scenario */
        struct mr_buf b;
        char why[200];
        mr_buf_init(&b);
        mr_buf_puts(&b, "__files/");
        if (!file_name_ok(name)) {
            mr_wm__warn(c, "\"%s\" leads out of __files; an empty body is served", name);
        } else if (mr_wm__template(name, strlen(name), "request", t->rq->params, t->rq->nparams, &b,
                                   why, sizeof(why))) {
            mr_wm__warn(c, "a templated file name is served from \"__files/\" next to the "
                           "scenario: save the scenario in the WireMock root folder; the file's "
                           "contents are served as they are, not as a template");
            mr_wm__add(c, out, "file", cJSON_CreateString(mr_buf_cstr(&b)));
        } else if (strcmp(why, "out of memory") == 0) {
            c->nomem = true;
        } else {
            mr_wm__warn(c, "response-template: %s is not supported; an empty body is served", why);
        }
        mr_buf_release(&b);
    } else if (!file_name_ok(name) || !cv->files ||
               (size_t)snprintf(joined, sizeof(joined), "%s/%s", cv->files, name) >=
                   sizeof(joined) ||
               !(real = realpath(joined, NULL))) {
        if (file_name_ok(name) && !cv->files)
            mr_wm__warn(c, "there is no __files folder in the WireMock root; an empty body is "
                           "served");
        else if (file_name_ok(name))
            mr_wm__warn(c, "\"%s\" is not in __files; an empty body is served", name);
        else
            mr_wm__warn(c, "\"%s\" leads out of __files; an empty body is served", name);
    } else if (strncmp(real, cv->files, strlen(cv->files)) != 0 || real[strlen(cv->files)] != '/') {
        mr_wm__warn(c, "\"%s\" leads out of __files (a symbolic link); an empty body is served",
                    name);
    } else {
        struct mr_buf text;
        int rc;
        mr_buf_init(&text);
        rc = mr_buf_read_file(&text, real, MAX_FILE_SIZE);
        if (rc == ENOMEM) {
            c->nomem = true;
        } else if (rc != 0) {
            mr_wm__warn(c, "cannot read \"%s\": %s; an empty body is served", name,
                        rc == EFBIG ? "larger than 64 MiB" : strerror(rc));
        } else if (mr_wm__is_text(mr_buf_cstr(&text), text.len)) {
            char *s = tpl_string(c, t, mr_buf_cstr(&text), text.len);
            if (s)
                mr_wm__add(c, out, "body", cJSON_CreateString(s));
            free(s);
        } else {
            char rel[PATH_MAX + 16];
            snprintf(rel, sizeof(rel), "__files/%s", name);
            mr_wm__warn(c,
                        "a binary file is served by reference (\"%s\"): save the scenario in "
                        "the WireMock root folder",
                        rel);
            mr_wm__add(c, out, "file", cJSON_CreateString(rel));
            if (strstr(rel, "{{"))
                t->literal = true;
        }
        mr_buf_release(&text);
    }
    free(real);
    mr_wm__pop(c, m);
}

/* A non-negative whole number of milliseconds at obj[key], capped at mockrun's 10 minutes. */
static bool millis(struct mr_wm *c, const cJSON *obj, const char *key, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t m;
    if (!v || cJSON_IsNull(v))
        return false;
    m = mr_wm__push_key(c, key);
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < 0) {
        mr_wm__fail(c, "expected a whole number of milliseconds");
        mr_wm__pop(c, m);
        return false;
    }
    *out = v->valuedouble;
    mr_wm__pop(c, m);
    return true;
}

static double cap_delay(struct mr_wm *c, const char *key, double ms)
{
    if (ms > MAX_DELAY_MS) {
        mr_wm__warn_at(c, key, "%.0f ms is over mockrun's %d ms; %d is used", ms, MAX_DELAY_MS,
                       MAX_DELAY_MS);
        return MAX_DELAY_MS;
    }
    return ms;
}

static void delays(struct conv *cv, const cJSON *r, cJSON *out)
{
    struct mr_wm *c = &cv->wm;
    double fixed = 0, lo, hi;
    const cJSON *dist = cJSON_GetObjectItemCaseSensitive(r, "delayDistribution");
    const char *dkey = "delayDistribution";
    bool has_fixed = millis(c, r, "fixedDelayMilliseconds", &fixed);

    if (!dist) {
        dkey = "uniformRandomDelay";
        dist = cJSON_GetObjectItemCaseSensitive(r, dkey);
    }
    if (dist) {
        const char *type = mr_wm__str(dist, "type");
        size_t m = mr_wm__push_key(c, dkey);
        if (!cJSON_IsObject(dist)) {
            mr_wm__fail(c, "expected an object");
        } else if (dkey[0] == 'd' && (!type || strcmp(type, "uniform") != 0)) {
            mr_wm__warn(c,
                        "the %s distribution is not supported (mockrun's delays are fixed "
                        "or uniform); ignored",
                        type ? type : "untyped");
        } else if (millis(c, dist, "lower", &lo) && millis(c, dist, "upper", &hi)) {
            if (lo > hi) {
                mr_wm__warn(c, "lower is greater than upper; ignored");
            } else {
                /* WireMock waits the fixed delay plus the random one */
                cJSON *d = cJSON_CreateObject();
                mr_wm__add(c, d, "min", cJSON_CreateNumber(cap_delay(c, "lower", lo + fixed)));
                mr_wm__add(c, d, "max", cJSON_CreateNumber(cap_delay(c, "upper", hi + fixed)));
                mr_wm__add(c, out, "delayMs", d);
                mr_wm__pop(c, m);
                return;
            }
        } else if (!c->failed) {
            mr_wm__fail(c, "expected \"lower\" and \"upper\"");
        }
        mr_wm__pop(c, m);
    }
    if (has_fixed && fixed > 0)
        mr_wm__add(c, out, "delayMs",
                   cJSON_CreateNumber(cap_delay(c, "fixedDelayMilliseconds", fixed)));
}

static void fault(struct conv *cv, const cJSON *r, cJSON *out)
{
    static const char *const names[][2] = {{"CONNECTION_RESET_BY_PEER", "reset"},
                                           {"EMPTY_RESPONSE", "empty"},
                                           {"RANDOM_DATA_THEN_CLOSE", "garbage"},
                                           {"MALFORMED_RESPONSE_CHUNK", "truncated"}};
    struct mr_wm *c = &cv->wm;
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(r, "fault");
    const cJSON *dribble = cJSON_GetObjectItemCaseSensitive(r, "chunkedDribbleDelay");
    size_t k;

    if (f) {
        for (k = 0; k < 4; k++)
            if (cJSON_IsString(f) && strcmp(f->valuestring, names[k][0]) == 0)
                break;
        if (k < 4) {
            mr_wm__add(c, out, "fault", cJSON_CreateString(names[k][1]));
            if (dribble)
                mr_wm__warn_at(c, "chunkedDribbleDelay", "the fault wins; ignored");
            return;
        }
        if (cJSON_IsString(f))
            mr_wm__warn_at(c, "fault", "\"%s\" is not supported; ignored", f->valuestring);
        else {
            size_t m = mr_wm__push_key(c, "fault");
            mr_wm__fail(c, "expected a fault name such as \"CONNECTION_RESET_BY_PEER\"");
            mr_wm__pop(c, m);
        }
    }
    if (dribble) {
        double chunks, total;
        size_t m = mr_wm__push_key(c, "chunkedDribbleDelay");
        if (!cJSON_IsObject(dribble)) {
            mr_wm__fail(c, "expected an object");
        } else if (millis(c, dribble, "numberOfChunks", &chunks) &&
                   millis(c, dribble, "totalDuration", &total)) {
            cJSON *d = cJSON_CreateObject(), *o = cJSON_CreateObject();
            if (chunks < 1 || chunks > 100000) {
                mr_wm__warn(c, "numberOfChunks must be 1 to 100000 in mockrun; ignored");
                cJSON_Delete(d);
                cJSON_Delete(o);
            } else {
                mr_wm__add(c, d, "chunks", cJSON_CreateNumber(chunks));
                mr_wm__add(c, d, "overMs",
                           cJSON_CreateNumber(cap_delay(c, "totalDuration", total)));
                mr_wm__add(c, o, "dribble", d);
                mr_wm__add(c, out, "fault", o);
            }
        } else if (!c->failed) {
            mr_wm__fail(c, "expected \"numberOfChunks\" and \"totalDuration\"");
        }
        mr_wm__pop(c, m);
    }
}

/* A header value as text: a string, or a number or boolean as JSON writes it. */
static const char *header_text(const cJSON *v, char *buf, size_t size)
{
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsNumber(v)) {
        char n[MR_NUMBER_TEXT_MAX];
        mr_number_text(v->valuedouble, n);
        snprintf(buf, size, "%s", n);
        return buf;
    }
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "true" : "false";
    return NULL;
}

static void headers(struct conv *cv, struct tpl_ctx *t, const cJSON *r, cJSON *out)
{
    struct mr_wm *c = &cv->wm;
    const cJSON *hs = cJSON_GetObjectItemCaseSensitive(r, "headers"), *h;
    cJSON *o;
    size_t m;

    if (!hs)
        return;
    m = mr_wm__push_key(c, "headers");
    if (!cJSON_IsObject(hs)) {
        mr_wm__fail(c, "expected an object mapping header names to values");
        mr_wm__pop(c, m);
        return;
    }
    o = cJSON_CreateObject();
    cJSON_ArrayForEach(h, hs)
    {
        char num[MR_NUMBER_TEXT_MAX];
        const char *val = header_text(h, num, sizeof(num));
        const cJSON *prev;
        size_t m2 = mr_wm__push_key(c, h->string);
        if (cJSON_IsArray(h)) {
            /* several values: one header line each in WireMock; one line in mockrun */
            int n = cJSON_GetArraySize(h);
            val = n > 0 ? header_text(cJSON_GetArrayItem(h, 0), num, sizeof(num)) : NULL;
            if (n > 1)
                mr_wm__warn(c, "mockrun sends one value per header; the first of %d is sent", n);
        }
        if (!val) {
            mr_wm__fail(c, "expected a string or an array of strings");
        } else if (!mr_http_token(h->string)) {
            mr_wm__warn(c, "not a valid header name; header dropped");
        } else if (strchr(val, '\r') || strchr(val, '\n')) {
            mr_wm__warn(c, "a line break in the value; header dropped");
        } else if (strcasecmp(h->string, "Content-Length") == 0 ||
                   strcasecmp(h->string, "Transfer-Encoding") == 0) {
            mr_wm__warn(c, "mockrun sets this header itself; header dropped");
        } else {
            char *s = tpl_string(c, t, val, strlen(val));
            cJSON_ArrayForEach(prev, o)
            {
                if (strcasecmp(prev->string, h->string) == 0) {
                    mr_wm__warn(c, "the header is also given as \"%s\"; the last one is sent",
                                prev->string);
                    cJSON_DeleteItemFromObjectCaseSensitive(o, prev->string);
                    break;
                }
            }
            if (s)
                mr_wm__add(c, o, h->string, cJSON_CreateString(s));
            free(s);
        }
        mr_wm__pop(c, m2);
    }
    mr_wm__pop(c, m);
    if (cJSON_GetArraySize(o) > 0)
        mr_wm__add(c, out, "headers", o);
    else
        cJSON_Delete(o);
}

/* The response, or NULL when the stub is dropped (with a warning) or on failure. */
/* One pass over the response: with templates translated (t->on), or as written. */
static cJSON *response_pass(struct conv *cv, const cJSON *r, struct tpl_ctx *tp)
{
    struct mr_wm *c = &cv->wm;
    struct tpl_ctx t = *tp;
    cJSON *out, *item;
    const cJSON *v;
    size_t m = mr_wm__push_key(c, "response");

    if (r && !cJSON_IsObject(r)) {
        mr_wm__fail(c, "expected an object");
        mr_wm__pop(c, m);
        return NULL;
    }
    out = cJSON_CreateObject();
    if (!out) {
        c->nomem = true;
        mr_wm__pop(c, m);
        return NULL;
    }
    if (!r) {
        mr_wm__pop(c, m);
        return out; /* WireMock's default: 200, no body */
    }
    cJSON_ArrayForEach(item, r)
    {
        if (!in_list(item->string, response_keys))
            mr_wm__warn_at(c, item->string, "not supported; ignored");
    }
    if (cJSON_GetObjectItemCaseSensitive(r, "proxyBaseUrl")) {
        mr_wm__warn_at(c, "proxyBaseUrl", "proxying is not supported; stub dropped");
        cJSON_Delete(out);
        mr_wm__pop(c, m);
        return NULL;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(r, "transformers"))) {
        size_t i = 0;
        if (!cJSON_IsArray(v)) {
            size_t m2 = mr_wm__push_key(c, "transformers");
            mr_wm__fail(c, "expected an array of transformer names");
            mr_wm__pop(c, m2);
        }
        cJSON_ArrayForEach(item, v)
        {
            if (cJSON_IsString(item) && strcmp(item->valuestring, "response-template") == 0) {
                tp->on = true; /* the caller's: it decides whether to translate */
            } else {
                size_t m2 = mr_wm__push_key(c, "transformers"), m3 = mr_wm__push_index(c, i);
                mr_wm__warn(c, "the transformer %s%s%s is not supported; ignored",
                            cJSON_IsString(item) ? "\"" : "",
                            cJSON_IsString(item) ? item->valuestring : "(not a name)",
                            cJSON_IsString(item) ? "\"" : "");
                mr_wm__pop(c, m3);
                mr_wm__pop(c, m2);
            }
            i++;
        }
    }
    if (cJSON_GetObjectItemCaseSensitive(r, "transformerParameters"))
        mr_wm__warn_at(c, "transformerParameters", "not supported; ignored");

    if ((v = cJSON_GetObjectItemCaseSensitive(r, "status"))) {
        if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble)) {
            size_t m2 = mr_wm__push_key(c, "status");
            mr_wm__fail(c, "expected an integer");
            mr_wm__pop(c, m2);
        } else if (v->valuedouble < 100 || v->valuedouble > 599) {
            mr_wm__warn_at(c, "status", "%.0f is outside mockrun's 100-599; 500 is sent",
                           v->valuedouble);
            mr_wm__add(c, out, "status", cJSON_CreateNumber(500));
        } else if (v->valuedouble != 200) {
            mr_wm__add(c, out, "status", cJSON_CreateNumber(v->valuedouble));
        }
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(r, "statusMessage")) &&
        !(cJSON_IsString(v) && !v->valuestring[0]))
        mr_wm__warn_at(c, "statusMessage", "mockrun sends the standard reason phrase; ignored");

    /* the body: body, jsonBody, base64Body, then bodyFileName (ResponseDefinition) */
    {
        const cJSON *body = cJSON_GetObjectItemCaseSensitive(r, "body");
        const cJSON *json = cJSON_GetObjectItemCaseSensitive(r, "jsonBody");
        const cJSON *b64 = cJSON_GetObjectItemCaseSensitive(r, "base64Body");
        const cJSON *file = cJSON_GetObjectItemCaseSensitive(r, "bodyFileName");
        const char *used = NULL;
        if (json && cJSON_IsNull(json))
            json = NULL;
        if (body && !cJSON_IsNull(body)) {
            used = "body";
            if (!cJSON_IsString(body)) {
                size_t m2 = mr_wm__push_key(c, "body");
                mr_wm__fail(c, "expected a string (use jsonBody for JSON)");
                mr_wm__pop(c, m2);
            } else {
                char *s = tpl_string(c, &t, body->valuestring, strlen(body->valuestring));
                if (s)
                    mr_wm__add(c, out, "body", cJSON_CreateString(s));
                free(s);
            }
        } else if (json) {
            cJSON *copy = cJSON_Duplicate(json, true);
            used = "jsonBody";
            if (!copy)
                c->nomem = true;
            else
                tpl_json(c, &t, copy);
            mr_wm__add(c, out, "json", copy);
        } else if (b64 && !cJSON_IsNull(b64)) {
            struct mr_buf d;
            size_t m2 = mr_wm__push_key(c, "base64Body");
            used = "base64Body";
            mr_buf_init(&d);
            if (!cJSON_IsString(b64)) {
                mr_wm__fail(c, "expected a string");
            } else if (!mr_wm__b64decode(b64->valuestring, &d)) {
                mr_wm__warn(c, "not valid base64; an empty body is served");
            } else if (d.failed) {
                c->nomem = true;
            } else if (!mr_wm__is_text(mr_buf_cstr(&d), d.len)) {
                mr_wm__warn(c, "a binary body cannot be written into a scenario (put it in a "
                               "file and use bodyFileName); an empty body is served");
            } else {
                /* WireMock does not render a base64 body as a template */
                if (strstr(mr_buf_cstr(&d), "{{"))
                    t.literal = true;
                mr_wm__add(c, out, "body", cJSON_CreateString(mr_buf_cstr(&d)));
            }
            mr_buf_release(&d);
            mr_wm__pop(c, m2);
        } else if (file && !cJSON_IsNull(file)) {
            used = "bodyFileName";
            if (!cJSON_IsString(file)) {
                size_t m2 = mr_wm__push_key(c, "bodyFileName");
                mr_wm__fail(c, "expected a file name");
                mr_wm__pop(c, m2);
            } else {
                body_file(cv, &t, file->valuestring, out);
            }
        }
        if (used) {
            static const char *const kinds[] = {"body", "jsonBody", "base64Body", "bodyFileName",
                                                NULL};
            const char *const *k;
            for (k = kinds; *k; k++) {
                const cJSON *x = cJSON_GetObjectItemCaseSensitive(r, *k);
                if (strcmp(*k, used) != 0 && x && !cJSON_IsNull(x))
                    mr_wm__warn_at(c, *k, "\"%s\" is given too and wins; ignored", used);
            }
        }
    }
    headers(cv, &t, r, out);
    delays(cv, r, out);
    fault(cv, r, out);
    if (t.literal)
        mr_wm__add(c, out, "template", cJSON_CreateFalse());
    mr_wm__pop(c, m);
    snprintf(tp->why, sizeof(tp->why), "%s", t.why);
    if (c->failed || c->nomem) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

/*
 * The response, or NULL when the stub is dropped (with a warning) or on failure. With
 * the response-template transformer every part is translated; when one cannot be, the
 * response is made again as written, without templating, and its warnings once.
 */
static cJSON *response(struct conv *cv, const cJSON *r, const struct mr_wm_request *rq)
{
    struct mr_wm *c = &cv->wm;
    struct tpl_ctx t;
    size_t nwarn = c->res->nwarnings;
    cJSON *out;

    memset(&t, 0, sizeof(t));
    t.rq = rq;
    /* the transformer is looked for by the first pass (it warns about the others) */
    out = response_pass(cv, r, &t);
    if (t.on && !t.why[0] && out) {
        cJSON_Delete(out);
        out = NULL;
        while (c->res->nwarnings > nwarn)
            free(c->res->warnings[--c->res->nwarnings]);
        out = response_pass(cv, r, &t);
    }
    if (t.on && t.why[0] && !c->failed && !c->nomem) {
        char why[sizeof(t.why)];
        size_t m;
        cJSON_Delete(out);
        while (c->res->nwarnings > nwarn)
            free(c->res->warnings[--c->res->nwarnings]);
        snprintf(why, sizeof(why), "%s", t.why);
        t.on = false;
        t.why[0] = '\0';
        out = response_pass(cv, r, &t);
        m = mr_wm__push_key(c, "response");
        mr_wm__warn(c,
                    "response-template: %s is not supported; the response is served as "
                    "written, without templating",
                    why);
        mr_wm__pop(c, m);
    }
    return out;
}

/* ---- stubs -------------------------------------------------------------------------------- */

static const char *const stub_keys[] = {"id",
                                        "uuid",
                                        "name",
                                        "request",
                                        "response",
                                        "priority",
                                        "scenarioName",
                                        "requiredScenarioState",
                                        "newScenarioState",
                                        "persistent",
                                        "metadata",
                                        "insertionIndex",
                                        "postServeActions",
                                        "serveEventListeners",
                                        NULL};

static bool optional_string(struct mr_wm *c, const cJSON *s, const char *key, const char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsString(v)) {
        size_t m = mr_wm__push_key(c, key);
        mr_wm__fail(c, "expected a string");
        mr_wm__pop(c, m);
        return false;
    }
    *out = v->valuestring;
    return true;
}

/* Null members mean "not given" to WireMock's Jackson binding. */
static void strip_nulls(cJSON *obj)
{
    cJSON *m = obj ? obj->child : NULL;
    while (cJSON_IsObject(obj) && m) {
        cJSON *next = m->next;
        if (cJSON_IsNull(m))
            cJSON_Delete(cJSON_DetachItemViaPointer(obj, m));
        m = next;
    }
}

static void convert_stub_copy(struct conv *cv, const cJSON *s);

static void convert_stub(struct conv *cv, const cJSON *orig)
{
    cJSON *s = cJSON_Duplicate(orig, true);
    if (!s) {
        cv->wm.nomem = true;
        return;
    }
    strip_nulls(s);
    strip_nulls(cJSON_GetObjectItemCaseSensitive(s, "request"));
    strip_nulls(cJSON_GetObjectItemCaseSensitive(s, "response"));
    convert_stub_copy(cv, s);
    cJSON_Delete(s);
}

static void convert_stub_copy(struct conv *cv, const cJSON *s)
{
    struct mr_wm *c = &cv->wm;
    struct mr_wm_request rq;
    const char *id, *uuid, *name, *scen, *req_state, *new_state;
    const cJSON *item, *prio = cJSON_GetObjectItemCaseSensitive(s, "priority");
    struct stub st;
    cJSON *resp;
    size_t seq = cv->seq++;

    cv->file_stubs++;
    if (!cJSON_IsObject(s)) {
        mr_wm__fail(c, "expected a stub (an object with \"request\" and \"response\")");
        return;
    }
    if (!optional_string(c, s, "id", &id) || !optional_string(c, s, "uuid", &uuid) ||
        !optional_string(c, s, "name", &name) || !optional_string(c, s, "scenarioName", &scen) ||
        !optional_string(c, s, "requiredScenarioState", &req_state) ||
        !optional_string(c, s, "newScenarioState", &new_state))
        return;
    if (prio && !cJSON_IsNull(prio) &&
        (!cJSON_IsNumber(prio) || prio->valuedouble != floor(prio->valuedouble) ||
         fabs(prio->valuedouble) > 2147483647.0)) {
        size_t m = mr_wm__push_key(c, "priority");
        mr_wm__fail(c, "expected an integer");
        mr_wm__pop(c, m);
        return;
    }
    cJSON_ArrayForEach(item, s)
    {
        if (!in_list(item->string, stub_keys))
            mr_wm__warn_at(c, item->string, "not supported; ignored");
    }
    if (!scen && (req_state || new_state)) {
        mr_wm__warn_at(c, req_state ? "requiredScenarioState" : "newScenarioState",
                       "a scenario state without scenarioName; ignored");
        req_state = new_state = NULL;
    }
    if ((req_state && !*req_state) || (new_state && !*new_state)) {
        mr_wm__warn_at(c, req_state && !*req_state ? "requiredScenarioState" : "newScenarioState",
                       "an empty state name is not supported; stub dropped");
        return;
    }
    if (!mr_wm__request(c, cJSON_GetObjectItemCaseSensitive(s, "request"), &rq))
        return;
    resp = response(cv, cJSON_GetObjectItemCaseSensitive(s, "response"), &rq);
    if (!resp) {
        mr_wm__request_release(&rq);
        return;
    }

    memset(&st, 0, sizeof(st));
    st.webhooks = mr_wm__webhooks(c, s, &rq, resp);
    st.request = rq.request;
    rq.request = NULL;
    if (cJSON_GetArraySize(rq.when) > 0) {
        st.when = rq.when;
        rq.when = NULL;
    }
    mr_wm__request_release(&rq);
    st.response = resp;
    st.priority = prio && cJSON_IsNumber(prio) ? prio->valuedouble : 5;
    st.seq = seq;
    if (name && *name) {
        st.id = dup_or_null(c, name);
        st.alt = dup_or_null(c, id && *id ? id : uuid && *uuid ? uuid : NULL);
    } else {
        st.id = dup_or_null(c, id && *id ? id : uuid && *uuid ? uuid : NULL);
    }
    if (!st.id) {
        /* no name: where it is written */
        char buf[600];
        if (cv->multi)
            snprintf(buf, sizeof(buf), "%s#%zu", c->file, cv->file_stubs);
        else
            snprintf(buf, sizeof(buf), "%s", c->file);
        st.id = dup_or_null(c, buf);
    }
    if (scen) {
        st.scenario = dup_or_null(c, scen);
        st.required = dup_or_null(c, req_state);
        st.next = dup_or_null(c, new_state);
    }
    {
        char where[sizeof(c->path) + 300];
        if (c->plen)
            snprintf(where, sizeof(where), "%s: %s", c->file, c->path);
        else
            snprintf(where, sizeof(where), "%s", c->file);
        st.where = dup_or_null(c, where);
    }
    if (cv->nstubs == cv->cap) {
        size_t cap = cv->cap ? cv->cap * 2 : 16;
        struct stub *g = realloc(cv->stubs, cap * sizeof(*g));
        if (!g) {
            c->nomem = true;
            stub_release(&st);
            return;
        }
        cv->stubs = g;
        cv->cap = cap;
    }
    cv->stubs[cv->nstubs++] = st;
}

/* One mapping file's text: one stub, or {"mappings": [...]}. */
static void convert_file(struct conv *cv, const char *file, const char *text, size_t len)
{
    struct mr_wm *c = &cv->wm;
    cJSON *doc;
    const cJSON *list;

    mr_jsondoc_skip_bom(&text, &len);
    c->file = file;
    c->text = text;
    c->len = len;
    c->plen = 0;
    c->path[0] = '\0';
    cv->file_stubs = 0;
    doc = mr_jsondoc_parse(file, text, len, c->err);
    if (!doc) {
        c->failed = true;
        if (c->err->code == MR_ENOMEM)
            c->nomem = true;
        return;
    }
    list = cJSON_GetObjectItemCaseSensitive(doc, "mappings");
    if (!cJSON_IsObject(doc)) {
        mr_wm__fail(c, "not a WireMock mapping: expected a stub or {\"mappings\": [...]}");
    } else if (list) {
        const cJSON *s;
        size_t i = 0, m = mr_wm__push_key(c, "mappings");
        cv->multi = true;
        if (!cJSON_IsArray(list))
            mr_wm__fail(c, "expected an array of stubs");
        cJSON_ArrayForEach(s, list)
        {
            size_t m2 = mr_wm__push_index(c, i++);
            if (!c->failed && !c->nomem)
                convert_stub(cv, s);
            mr_wm__pop(c, m2);
        }
        mr_wm__pop(c, m);
    } else if (cJSON_GetObjectItemCaseSensitive(doc, "request") ||
               cJSON_GetObjectItemCaseSensitive(doc, "response")) {
        cv->multi = false;
        convert_stub(cv, doc);
    } else {
        mr_wm__fail(c, "not a WireMock mapping: expected a stub (with \"request\" and "
                       "\"response\") or {\"mappings\": [...]}");
    }
    cJSON_Delete(doc);
    c->text = NULL;
    c->len = 0;
}

/* ---- scenario states ---------------------------------------------------------------------- */

struct wm_scenario {
    const char *name;
    const char *where;              /* its first stub, for warnings */
    const char *states[MAX_STATES]; /* [0] is "Started" */
    size_t nstates;
};

struct states {
    struct wm_scenario *sc;
    size_t nsc;
    size_t total; /* combinations of every scenario's states */
    char **names; /* a mockrun state name per combination (NULL for one scenario) */
};

static size_t state_index(struct wm_scenario *s, const char *state, bool add)
{
    size_t i;
    for (i = 0; i < s->nstates; i++)
        if (strcmp(s->states[i], state) == 0)
            return i;
    if (!add || s->nstates == MAX_STATES)
        return (size_t)-1;
    s->states[s->nstates] = state;
    return s->nstates++;
}

/* The scenario of each kept stub and their states; several scenarios share mockrun's one
 * service state as the combination of theirs. False: too many (warned; stubs dropped). */
static bool collect_states(struct conv *cv, struct states *st)
{
    struct mr_wm *c = &cv->wm;
    size_t i, k;

    memset(st, 0, sizeof(*st));
    st->sc = calloc(cv->nstubs + 1, sizeof(*st->sc));
    if (!st->sc) {
        c->nomem = true;
        return false;
    }
    for (i = 0; i < cv->nstubs; i++) {
        struct stub *s = &cv->stubs[i];
        if (!s->scenario)
            continue;
        for (k = 0; k < st->nsc && strcmp(st->sc[k].name, s->scenario) != 0; k++)
            ;
        if (k == st->nsc) {
            st->sc[k].name = s->scenario;
            st->sc[k].where = s->where;
            st->sc[k].states[0] = "Started";
            st->sc[k].nstates = 1;
            st->nsc++;
        }
        if ((s->required && state_index(&st->sc[k], s->required, true) == (size_t)-1) ||
            (s->next && state_index(&st->sc[k], s->next, true) == (size_t)-1)) {
            c->file = s->where;
            c->plen = 0;
            c->path[0] = '\0';
            mr_wm__warn(c, "scenario \"%s\" has over %d states; its stubs are dropped", s->scenario,
                        MAX_STATES);
            return false;
        }
    }
    st->total = 1;
    for (k = 0; k < st->nsc; k++) {
        if (st->total * st->sc[k].nstates > MAX_STATES) {
            /* said where the scenario that goes over the limit first appears */
            c->file = st->sc[k].where;
            c->plen = 0;
            c->path[0] = '\0';
            mr_wm__warn(c,
                        "scenario \"%s\" makes %zu combined states of %zu scenarios, over "
                        "mockrun's %d (each combination is a state of the one service); stubs "
                        "with a scenario are dropped",
                        st->sc[k].name, st->total * st->sc[k].nstates, k + 1, MAX_STATES);
            return false;
        }
        st->total *= st->sc[k].nstates;
    }
    if (st->nsc < 2)
        return true;
    /* "Started" when every scenario is, else "cart=Empty; login=Started" */
    st->names = calloc(st->total, sizeof(*st->names));
    if (!st->names) {
        c->nomem = true;
        return false;
    }
    for (i = 0; i < st->total; i++) {
        struct mr_buf b;
        size_t rest = i, j;
        mr_buf_init(&b);
        if (i == 0)
            mr_buf_puts(&b, "Started");
        for (k = 0; k < st->nsc && i; k++) {
            mr_buf_printf(&b, "%s%s=%s", k ? "; " : "", st->sc[k].name,
                          st->sc[k].states[rest % st->sc[k].nstates]);
            rest /= st->sc[k].nstates;
        }
        for (j = 0; j < i; j++)
            if (strcmp(st->names[j], mr_buf_cstr(&b)) == 0)
                mr_buf_printf(&b, " (#%zu)", i); /* names with '=' or ';' could meet */
        st->names[i] = mr_buf_detach(&b, NULL);
        if (!st->names[i])
            c->nomem = true;
    }
    return !c->nomem;
}

static void states_release(struct states *st)
{
    size_t i;
    for (i = 0; st->names && i < st->total; i++)
        free(st->names[i]);
    free(st->names);
    free(st->sc);
}

/* ---- output ------------------------------------------------------------------------------- */

/* WireMock's order: lower priority first, then the newest (the last added) first. */
static int by_priority(const void *a, const void *b)
{
    const struct stub *x = *(const struct stub *const *)a, *y = *(const struct stub *const *)b;
    if (x->priority != y->priority)
        return x->priority < y->priority ? -1 : 1;
    return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

/* A route id no earlier route has: the stub's, else its other id, else with " (2)"... */
static char *unique_id(struct conv *cv, const struct stub *s, cJSON *routes)
{
    struct mr_wm *c = &cv->wm;
    const char *cands[2] = {s->id, s->alt};
    size_t k, n;
    char buf[700];

    for (k = 0; k < 2; k++) {
        const cJSON *r;
        bool used = false;
        if (!cands[k])
            continue;
        cJSON_ArrayForEach(r, routes)
        {
            const char *id = mr_wm__str(r, "id");
            used |= id && strcmp(id, cands[k]) == 0;
        }
        if (!used) {
            if (k == 1) {
                c->file = s->where;
                mr_wm__warn(c,
                            "the name \"%s\" is also an earlier stub's; this route's id is "
                            "\"%s\"",
                            s->id, s->alt);
            }
            return strdup(cands[k]);
        }
    }
    for (n = 2;; n++) {
        const cJSON *r;
        bool used = false;
        snprintf(buf, sizeof(buf), "%s (%zu)", s->id, n);
        cJSON_ArrayForEach(r, routes)
        {
            const char *id = mr_wm__str(r, "id");
            used |= id && strcmp(id, buf) == 0;
        }
        if (!used)
            break;
    }
    c->file = s->where;
    mr_wm__warn(c, "the id \"%s\" is also an earlier stub's; this route's id is \"%s\"", s->id,
                buf);
    return strdup(buf);
}

/* A response of the route: the stub's response, its `when`, and the states. */
static cJSON *route_response(struct mr_wm *c, const struct stub *s, const char *when_state,
                             const char *set_state)
{
    cJSON *r = cJSON_Duplicate(s->response, true);
    if (!r) {
        c->nomem = true;
        return NULL;
    }
    if (s->when)
        mr_wm__add(c, r, "when", cJSON_Duplicate(s->when, true));
    if (when_state)
        mr_wm__add(c, r, "whenState", cJSON_CreateString(when_state));
    if (set_state)
        mr_wm__add(c, r, "setState", cJSON_CreateString(set_state));
    return r;
}

/* A copy of the stub's webhooks as the response's own callbacks. */
static void own_callbacks(struct mr_wm *c, const struct stub *s, cJSON *resp)
{
    if (s->webhooks && resp)
        mr_wm__add(c, resp, "callbacks", cJSON_Duplicate(s->webhooks, true));
}

/*
 * The stub's webhooks as callbacks of the service (`shared`), named "<route id>
 * webhook N", for a stub whose response is written once per state: each copy
 * uses them by id, so each webhook stays one callback. Returns the uses.
 */
static cJSON *shared_callbacks(struct mr_wm *c, const struct stub *s, const char *route_id,
                               cJSON *shared)
{
    cJSON *uses = cJSON_CreateArray(), *w;
    size_t n = 0;
    char id[1200];

    cJSON_ArrayForEach(w, s->webhooks)
    {
        cJSON *cb = cJSON_CreateObject(), *use = cJSON_CreateObject(), *m;
        snprintf(id, sizeof(id), "%s webhook %zu", route_id, ++n);
        mr_wm__add(c, cb, "id", cJSON_CreateString(id)); /* first, for the reader */
        cJSON_ArrayForEach(m, w) mr_wm__add(c, cb, m->string, cJSON_Duplicate(m, true));
        mr_wm__append(c, shared, cb);
        mr_wm__add(c, use, "callback", cJSON_CreateString(id));
        mr_wm__append(c, uses, use);
    }
    if (!uses)
        c->nomem = true;
    return uses;
}

static cJSON *build_route(struct conv *cv, const struct stub *s, const struct states *st,
                          cJSON *routes, cJSON *shared)
{
    struct mr_wm *c = &cv->wm;
    cJSON *route = cJSON_CreateObject();
    char *id = unique_id(cv, s, routes);

    if (!id)
        c->nomem = true;
    mr_wm__add(c, route, "id", cJSON_CreateString(id ? id : ""));
    if (cJSON_GetArraySize(s->request) > 0)
        mr_wm__add(c, route, "request", cJSON_Duplicate(s->request, true));
    if (!s->scenario || (!s->required && !s->next) || st->nsc < 2) {
        /* one WireMock scenario: its states are the service's */
        free(id);
        if (s->when) {
            cJSON *arr = cJSON_CreateArray(), *r = route_response(c, s, NULL, NULL);
            own_callbacks(c, s, r);
            mr_wm__append(c, arr, r);
            mr_wm__add(c, route, "responses", arr);
        } else {
            cJSON *r = cJSON_Duplicate(s->response, true);
            own_callbacks(c, s, r);
            mr_wm__add(c, route, "response", r);
        }
        if (s->scenario && s->required)
            mr_wm__add(c, route, "whenState", cJSON_CreateString(s->required));
        if (s->scenario && s->next)
            mr_wm__add(c, route, "setState", cJSON_CreateString(s->next));
    } else {
        /* several: one response per combination in which the stub's scenario is in the
         * required state, moving that scenario alone to the new one */
        cJSON *arr = cJSON_CreateArray();
        cJSON *uses = s->webhooks ? shared_callbacks(c, s, id ? id : "", shared) : NULL;
        size_t j, i, stride = 1;
        size_t req = (size_t)-1, nxt = (size_t)-1;
        for (j = 0; strcmp(st->sc[j].name, s->scenario) != 0; j++)
            stride *= st->sc[j].nstates;
        if (s->required)
            req = state_index(&st->sc[j], s->required, false);
        if (s->next)
            nxt = state_index(&st->sc[j], s->next, false);
        for (i = 0; i < st->total && !c->nomem; i++) {
            size_t mine = (i / stride) % st->sc[j].nstates, to = i;
            cJSON *r;
            if (req != (size_t)-1 && mine != req)
                continue;
            if (nxt != (size_t)-1)
                to = i - mine * stride + nxt * stride;
            r = route_response(c, s, st->names[i], to != i ? st->names[to] : NULL);
            if (uses && r)
                mr_wm__add(c, r, "callbacks", cJSON_Duplicate(uses, true));
            mr_wm__append(c, arr, r);
        }
        cJSON_Delete(uses);
        free(id);
        mr_wm__add(c, route, "responses", arr);
    }
    return route;
}

static char *build_scenario(struct conv *cv, const char *name)
{
    struct mr_wm *c = &cv->wm;
    struct states st;
    cJSON *sc = cJSON_CreateObject(), *services = cJSON_CreateObject(), *svc = cJSON_CreateObject(),
          *routes = cJSON_CreateArray(), *shared = cJSON_CreateArray();
    const struct stub **order = calloc(cv->nstubs + 1, sizeof(*order));
    size_t i;
    char *printed, *out = NULL;
    bool states_ok;

    if (!order)
        c->nomem = true;
    mr_wm__add(c, sc, "name", cJSON_CreateString(name));
    mr_wm__add(c, sc, "description",
               cJSON_CreateString("converted from WireMock stub mappings by mockrun "
                                  "--import-wiremock"));
    mr_wm__add(c, sc, "services", services);
    mr_wm__add(c, services, "wiremock", svc);
    mr_wm__add(c, svc, "routes", routes);
    memset(&st, 0, sizeof(st));
    c->plen = 0;
    c->path[0] = '\0';
    states_ok = !c->nomem && collect_states(cv, &st);
    for (i = 0; order && i < cv->nstubs; i++)
        order[i] = &cv->stubs[i];
    if (order && cv->nstubs)
        qsort(order, cv->nstubs, sizeof(*order), by_priority);
    for (i = 0; order && i < cv->nstubs && !c->nomem; i++) {
        const struct stub *s = order[i];
        if (s->scenario && !states_ok)
            continue;
        mr_wm__append(c, routes, build_route(cv, s, &st, routes, shared));
    }
    states_release(&st);
    free(order);
    if (cJSON_GetArraySize(shared) > 0) {
        mr_wm__add(c, svc, "callbacks", shared);
        shared = NULL;
    }
    cJSON_Delete(shared);
    if (c->allow_hosts) {
        mr_wm__add(c, sc, "allowHosts", c->allow_hosts);
        c->allow_hosts = NULL;
    }
    printed = !c->nomem ? cJSON_PrintUnformatted(sc) : NULL;
    cJSON_Delete(sc);
    if (printed) {
        out = mr_jsonout_pretty(printed);
        cJSON_free(printed);
    }
    if (!out)
        c->nomem = true;
    return out;
}

/* ---- files -------------------------------------------------------------------------------- */

struct file_list {
    char **names; /* relative to the root: "mappings/a/b.json" */
    size_t n, cap;
};

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds every *.json file under root/rel, recursively (WireMock's listFilesRecursively). */
static int list_json(struct conv *cv, const char *root, const char *rel, struct file_list *fl,
                     int depth, struct mr_error *err)
{
    char dir[PATH_MAX];
    DIR *d;
    struct dirent *e;
    int rc = 0;

    if (depth > 32)
        return 0;
    snprintf(dir, sizeof(dir), "%s/%s", root, rel);
    d = opendir(dir);
    if (!d)
        return mr_error_sys(err, "cannot read the folder %s", dir);
    while ((e = readdir(d)) != NULL && rc == 0) {
        char sub[PATH_MAX], full[PATH_MAX];
        struct stat stt;
        size_t n = strlen(e->d_name);
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", rel, e->d_name) >= sizeof(sub) ||
            (size_t)snprintf(full, sizeof(full), "%s/%s", root, sub) >= sizeof(full))
            continue;
        if (stat(full, &stt) != 0)
            continue;
        if (S_ISDIR(stt.st_mode)) {
            rc = list_json(cv, root, sub, fl, depth + 1, err);
        } else if (S_ISREG(stt.st_mode) && n > 5 && strcmp(e->d_name + n - 5, ".json") == 0) {
            if (fl->n == fl->cap) {
                size_t cap = fl->cap ? fl->cap * 2 : 32;
                char **g = realloc(fl->names, cap * sizeof(*g));
                if (!g) {
                    rc = mr_error_set(err, MR_ENOMEM, "out of memory");
                    break;
                }
                fl->names = g;
                fl->cap = cap;
            }
            if (!(fl->names[fl->n] = strdup(sub)))
                rc = mr_error_set(err, MR_ENOMEM, "out of memory");
            else
                fl->n++;
        }
    }
    closedir(d);
    return rc;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool inside(const char *real, const char *root)
{
    size_t n = strlen(root);
    return strncmp(real, root, n) == 0 && (real[n] == '/' || strcmp(root, "/") == 0);
}

/* Reads and converts one file; `shown` names it in messages. */
static int read_convert(struct conv *cv, const char *full, const char *shown, struct mr_error *err)
{
    struct mr_buf text;
    int rc;

    mr_buf_init(&text);
    rc = mr_buf_read_file(&text, full, MAX_FILE_SIZE);
    if (rc != 0) {
        mr_buf_release(&text);
        if (rc == ENOMEM)
            return mr_error_set(err, MR_ENOMEM, "out of memory");
        errno = rc;
        if (rc == EFBIG)
            rc = mr_error_set(err, MR_ESETUP, "cannot read %s: larger than 64 MiB", shown);
        else
            rc = mr_error_sys(err, "cannot read %s", shown);
        mr_error_at(err, shown, NULL, 0, 0);
        return rc;
    }
    convert_file(cv, shown, mr_buf_cstr(&text), text.len);
    mr_buf_release(&text);
    return 0;
}

static const char *base_name(const char *p, char *buf, size_t size)
{
    const char *b;
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        n--;
    for (b = p + n; b > p && b[-1] != '/'; b--)
        ;
    snprintf(buf, size, "%.*s", (int)(p + n - b), b);
    n = strlen(buf);
    if (n > 5 && strcmp(buf + n - 5, ".json") == 0)
        buf[n - 5] = '\0';
    if (!buf[0] || strcmp(buf, ".") == 0 || strcmp(buf, "/") == 0)
        snprintf(buf, size, "wiremock");
    return buf;
}

/* Cuts a mapping file's real path down to its WireMock root: the folder that holds the
 * nearest mappings/ folder above the file, else the file's own folder. */
static void file_root(char *real)
{
    char *p = strrchr(real, '/'), *q;
    size_t dir_len;

    if (!p)
        return;
    *p = '\0'; /* the file's folder */
    if (!real[0]) {
        strcpy(real, "/");
        return;
    }
    dir_len = strlen(real);
    for (q = real + dir_len; q > real;) {
        char *seg = q;
        while (seg > real && seg[-1] != '/')
            seg--;
        if ((size_t)(q - seg) == 8 && memcmp(seg, "mappings", 8) == 0) {
            if (seg - 1 <= real)
                strcpy(real, "/");
            else
                seg[-1] = '\0';
            return;
        }
        q = seg > real ? seg - 1 : real;
    }
}

static void conv_init(struct conv *cv, struct mr_wiremock_result *out, struct mr_error *err)
{
    memset(out, 0, sizeof(*out));
    memset(cv, 0, sizeof(*cv));
    memset(err, 0, sizeof(*err));
    cv->wm.res = out;
    cv->wm.err = err;
}

/* Ends a conversion: the scenario, or the error. */
static int conv_finish(struct conv *cv, int rc, const char *name)
{
    struct mr_wm *c = &cv->wm;
    size_t i;

    if (rc == 0 && !c->failed && !c->nomem)
        c->res->scenario = build_scenario(cv, name);
    for (i = 0; i < cv->nstubs; i++)
        stub_release(&cv->stubs[i]);
    free(cv->stubs);
    cJSON_Delete(c->allow_hosts);
    c->allow_hosts = NULL;
    if (rc == 0 && c->nomem)
        rc = mr_error_set(c->err, MR_ENOMEM, "out of memory");
    else if (rc == 0 && c->failed)
        rc = c->err->code ? c->err->code : MR_ESCENARIO;
    if (rc != 0)
        mr_wiremock_result_free(c->res);
    return rc;
}

int mr_wiremock_convert_text(const char *file, const char *text, size_t len,
                             struct mr_wiremock_result *out, struct mr_error *err)
{
    struct conv cv;
    char name[256];

    conv_init(&cv, out, err);
    convert_file(&cv, file, text, len);
    return conv_finish(&cv, 0, base_name(file, name, sizeof(name)));
}

int mr_wiremock_convert(const char *path, struct mr_wiremock_result *out, struct mr_error *err)
{
    struct conv cv;
    char *root = NULL, *files = NULL, *real = NULL, name[256], buf[PATH_MAX];
    const char *shown = path;
    struct file_list fl = {NULL, 0, 0};
    int rc = 0;
    size_t i;

    conv_init(&cv, out, err);
    if (is_dir(path)) {
        char mappings[PATH_MAX];
        snprintf(mappings, sizeof(mappings), "%s/mappings", path);
        root = realpath(path, NULL);
        if (!root) {
            rc = mr_error_sys(err, "cannot open %s", path);
        } else if (!is_dir(mappings)) {
            /* the mappings folder itself: its parent is the root */
            const char *slash = strrchr(root, '/');
            if (slash && strcmp(slash, "/mappings") == 0) {
                root[slash - root == 0 ? 1 : slash - root] = '\0';
            } else {
                rc = mr_error_set(err, MR_ESETUP,
                                  "%s has no mappings folder; give a WireMock root folder (with "
                                  "mappings/ and __files/) or a mapping file",
                                  path);
            }
        }
        if (rc == 0)
            rc = list_json(&cv, root, "mappings", &fl, 0, err);
        if (rc == 0 && fl.n)
            qsort(fl.names, fl.n, sizeof(*fl.names), by_name);
        base_name(root ? root : path, name, sizeof(name));
    } else {
        /* one file: the root is the folder above its mappings/ folder, else its own folder;
         * it is named as in a folder's conversion ("mappings/x.json") */
        root = realpath(path, NULL);
        real = root ? strdup(root) : NULL;
        if (!root)
            rc = mr_error_sys(err, "cannot open %s", path);
        else if (!real)
            rc = mr_error_set(err, MR_ENOMEM, "out of memory");
        else
            file_root(root);
        if (rc == 0 && inside(real, root))
            shown = real + strlen(root) + (strcmp(root, "/") != 0);
        base_name(path, name, sizeof(name));
    }
    if (root) {
        snprintf(buf, sizeof(buf), "%s/__files", root);
        files = is_dir(buf) ? realpath(buf, NULL) : NULL;
        cv.root = root;
        cv.files = files;
    }
    if (rc == 0 && real)
        rc = read_convert(&cv, path, shown, err);
    for (i = 0; rc == 0 && i < fl.n && !cv.wm.failed && !cv.wm.nomem; i++) {
        char full[PATH_MAX], *target;
        snprintf(full, sizeof(full), "%s/%s", root, fl.names[i]);
        target = realpath(full, NULL);
        if (target && !inside(target, root)) {
            cv.wm.file = fl.names[i];
            cv.wm.plen = 0;
            cv.wm.path[0] = '\0';
            mr_wm__warn(&cv.wm, "a symbolic link out of the root folder; not read");
        } else {
            rc = read_convert(&cv, full, fl.names[i], err);
        }
        free(target);
    }
    rc = conv_finish(&cv, rc, name);
    for (i = 0; i < fl.n; i++)
        free(fl.names[i]);
    free(fl.names);
    free(files);
    free(root);
    free(real);
    return rc;
}

void mr_wiremock_result_free(struct mr_wiremock_result *r)
{
    size_t i;
    if (!r)
        return;
    free(r->scenario);
    for (i = 0; i < r->nwarnings; i++)
        free(r->warnings[i]);
    free(r->warnings);
    memset(r, 0, sizeof(*r));
}
