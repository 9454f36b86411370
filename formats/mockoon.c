/*
 * mockoon.c - Mockoon environment → mockrun scenario.
 *
 * The semantics follow Mockoon 9's sources (@mockoon/commons and
 * commons-server): routes are served in the order of `rootChildren` and
 * folders, `endpointPrefix` and the endpoint are joined as preparePath does,
 * responses are chosen as ResponseRulesInterpreter.chooseResponse does.
 * Syntax errors are worded by common/jsondoc, as the scenario loader's are.
 */
#include "formats/mockoon.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/jsondoc.h"
#include "common/text.h"
#include "common/url.h"
#include "formats/convert.h"
#include "formats/jsonout.h"
#include "formats/jsregex.h"
#include "formats/mockoon_internal.h"
#include "templates/template.h"

void mr_mockoon__warn(struct mr_mockoon__conv *c, const char *fmt, ...)
{
    char msg[1024], raw[sizeof(msg) + sizeof(c->path) + 2];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (c->plen)
        snprintf(raw, sizeof(raw), "%s: %s", c->path, msg);
    else
        snprintf(raw, sizeof(raw), "%s", msg);
    if (!mr_convert_warn(&c->res->warnings, &c->res->nwarnings, &c->cap, raw))
        c->nomem = true;
}

size_t mr_mockoon__push_key(struct mr_mockoon__conv *c, const char *key)
{
    size_t mark = c->plen;
    mr_jsondoc_push_key(c->path, sizeof(c->path), &c->plen, key);
    return mark;
}

size_t mr_mockoon__push_index(struct mr_mockoon__conv *c, size_t i)
{
    size_t mark = c->plen;
    mr_jsondoc_push_index(c->path, sizeof(c->path), &c->plen, i);
    return mark;
}

void mr_mockoon__pop(struct mr_mockoon__conv *c, size_t mark)
{
    c->plen = mark;
    c->path[mark] = '\0';
}

/* Adds a member, noting OOM; takes ownership of item. */
void mr_mockoon__add(struct mr_mockoon__conv *c, cJSON *obj, const char *key, cJSON *item)
{
    c->nomem |= !mr_convert_add(obj, key, item);
}

void mr_mockoon__append(struct mr_mockoon__conv *c, cJSON *arr, cJSON *item)
{
    c->nomem |= !mr_convert_append(arr, item);
}

static const char *str_of(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool true_of(const cJSON *obj, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

static double num_of(const cJSON *obj, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static bool nonempty_array(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

void mr_mockoon__warn_unknown_keys(struct mr_mockoon__conv *c, const cJSON *obj,
                                   const char *const *known)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, obj)
    {
        if (m->string && !in_list(m->string, known)) {
            size_t mark = mr_mockoon__push_key(c, m->string);
            mr_mockoon__warn(c, "\"%s\" is not supported; ignored", m->string);
            mr_mockoon__pop(c, mark);
        }
    }
}

/* ---- paths ---------------------------------------------------------------------------- */

static void buf_add(char *buf, size_t size, size_t *n, const char *s)
{
    size_t l = strlen(s);
    if (*n + l < size) {
        memcpy(buf + *n, s, l + 1);
        *n += l;
    } else {
        *n = size; /* marks overflow */
    }
}

static void regex_literal(char *buf, size_t size, size_t *n, char ch)
{
    char s[3] = {0};
    if (strchr("\\^$.|?*+()[]{}", ch)) {
        s[0] = '\\';
        s[1] = ch;
    } else {
        s[0] = ch;
    }
    buf_add(buf, size, n, s);
}

static bool name_start(char ch)
{
    return isalpha((unsigned char)ch) || ch == '_' || ch == '$';
}

static bool name_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_' || ch == '$';
}

/*
 * A parameter's pattern as a named group, so that mockrun still knows it as
 * a path parameter ({{urlParam}}, `when.params`); unnamed when PCRE2 cannot
 * take the name (over 32 bytes, a '$', or given earlier in the same path).
 */
static void put_param(char *out, size_t size, size_t *n, const char *path, const char *name,
                      const char *end, const char *body)
{
    size_t len = (size_t)(end - name);
    const char *q;
    bool unnamed = len > 32 || memchr(name, '$', len) != NULL;

    for (q = strchr(path, ':'); q && q < name - 1 && !unnamed; q = strchr(q + 1, ':'))
        unnamed = strncmp(q + 1, name, len) == 0 && !name_char(q[1 + len]);
    if (unnamed) {
        buf_add(out, size, n, "(?:");
    } else {
        char open[40];
        snprintf(open, sizeof(open), "(?<%.*s>", (int)len, name);
        buf_add(out, size, n, open);
    }
    buf_add(out, size, n, body);
    buf_add(out, size, n, ")");
}

/*
 * Converts a joined Express 4 path (`/users/:id`) into mockrun's `path` when
 * its syntax says the same thing (literal segments, whole-segment `:name`,
 * whole-segment `*`), else into a regex for `pathPattern` following
 * express5PathConvert and path-to-regexp 8 (`:id?`, `:p+`, `:p*`, `(x)`,
 * `c?`, `c+`, params inside segments). Returns 0 for `path`, 1 for a regex,
 * -1 when it cannot be expressed.
 */
static int convert_path(const char *p, char *out, size_t size)
{
    size_t n = 0;
    bool plain = true;
    const char *s;

    /* plain: every segment is a literal, ":name" or "*" */
    for (s = p; *s && plain;) {
        const char *seg = s + 1, *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        size_t i;
        if (len == 1 && seg[0] == '*') {
        } else if (len > 1 && seg[0] == ':') {
            /* mockrun's ":name" takes letters, digits and '_'; Express also takes '$' */
            for (i = 1; i < len && plain; i++)
                if (!isalnum((unsigned char)seg[i]) && seg[i] != '_')
                    plain = false;
            if (isdigit((unsigned char)seg[1]))
                plain = false;
        } else {
            for (i = 0; i < len && plain; i++)
                if (strchr(":*?+()[]{}!\\#", seg[i])) /* the loader refuses # in a path */
                    plain = false;
        }
        s = seg + len;
    }
    if (plain) {
        if (strlen(p) >= size)
            return -1;
        memcpy(out, p, strlen(p) + 1);
        return 0;
    }

    out[0] = '\0';
    for (s = p; *s;) {
        char ch = *s;
        if (ch == ':' && name_start(s[1])) {
            const char *e = s + 1;
            bool after_slash = s > p && s[-1] == '/';
            while (name_char(*e))
                e++;
            if (*e == '?' && s > p && strchr("/.~-", s[-1])) {
                /* the separator before it becomes optional with it: unwrite it */
                n -= s[-1] == '.' ? 2 : 1;
                out[n] = '\0';
                buf_add(out, size, &n, "(?:");
                regex_literal(out, size, &n, s[-1]);
                put_param(out, size, &n, p, s + 1, e, "[^/]+");
                buf_add(out, size, &n, ")?");
                s = e + 1;
            } else if (*e == '+') {
                put_param(out, size, &n, p, s + 1, e, ".+");
                s = e + 1;
            } else if (*e == '*' && after_slash) {
                n--;
                out[n] = '\0';
                buf_add(out, size, &n, "(?:/");
                put_param(out, size, &n, p, s + 1, e, ".+");
                buf_add(out, size, &n, ")?");
                s = e + 1;
            } else {
                put_param(out, size, &n, p, s + 1, e, "[^/]+");
                s = e;
            }
        } else if (ch == '*' && (s == p || s[-1] == '/') && !name_char(s[1]) && s[1] != '"') {
            buf_add(out, size, &n, ".+");
            s++;
        } else if (ch == '(') {
            const char *e = strchr(s, ')');
            const char *q;
            if (!e || e == s + 1)
                return -1;
            buf_add(out, size, &n, "(?:");
            for (q = s + 1; q < e; q++) {
                if (strchr(":*?+([]{}!\\", *q))
                    return -1;
                regex_literal(out, size, &n, *q);
            }
            buf_add(out, size, &n, ")?");
            s = e + 1;
            if (*s == '?')
                s++;
        } else if ((ch == '?' || ch == '+') && s > p && name_char(s[-1])) {
            if (ch == '?') {
                buf_add(out, size, &n, "?");
            } else {
                regex_literal(out, size, &n, s[-1]);
                buf_add(out, size, &n, "?");
            }
            s++;
        } else if (strchr(":*?+()[]{}!\\", ch)) {
            return -1; /* path-to-regexp refuses it too */
        } else {
            regex_literal(out, size, &n, ch);
            s++;
        }
        if (n >= size)
            return -1;
    }
    return 1;
}

/* ---- responses ------------------------------------------------------------------------ */

static const char *const response_keys[] = {"uuid",
                                            "rules",
                                            "rulesOperator",
                                            "statusCode",
                                            "label",
                                            "headers",
                                            "body",
                                            "latency",
                                            "bodyType",
                                            "filePath",
                                            "databucketID",
                                            "sendFileAsBody",
                                            "disableTemplating",
                                            "fallbackTo404",
                                            "default",
                                            "crudKey",
                                            "callbacks",
                                            NULL};

bool mr_mockoon__template_ok(struct mr_mockoon__conv *c, const char *src, enum mr_tpl_escape escape,
                             char *why, size_t whysize)
{
    struct mr_template *t = NULL;
    struct mr_tpl_compile_opts opts;
    const char *services[1] = {c->service};
    int rc;

    memset(&opts, 0, sizeof(opts));
    opts.escape = escape;
    opts.services = services;
    opts.nservices = 1;
    rc = mr_template_compile_with(&t, src, strlen(src), &opts, why, whysize);
    mr_template_free(t);
    if (rc == MR_ENOMEM)
        c->nomem = true;
    return rc == 0;
}

/* Express's res.set adds a charset to a Content-Type that has none, for the
 * types the `mime` package gives one (text/..., application/json, .../javascript). */
static char *with_charset(const char *v)
{
    size_t n = strlen(v), i;
    char *out;
    for (i = 0; i + 7 <= n; i++)
        if (strncasecmp(v + i, "charset", 7) == 0)
            return NULL;
    if (strstr(v, "{{") ||
        !(strncasecmp(v, "text/", 5) == 0 || strncasecmp(v, "application/json", 16) == 0 ||
          strncasecmp(v, "application/javascript", 22) == 0))
        return NULL;
    out = malloc(n + 16);
    if (out)
        snprintf(out, n + 16, "%s; charset=utf-8", v);
    return out;
}

cJSON *mr_mockoon__headers(struct mr_mockoon__conv *c, const cJSON *list, bool callback)
{
    cJSON *o = cJSON_CreateObject();
    const cJSON *h;
    size_t i = 0;

    if (!o) {
        c->nomem = true;
        return NULL;
    }
    cJSON_ArrayForEach(h, list)
    {
        const char *k = str_of(h, "key"), *v = str_of(h, "value");
        size_t mark = mr_mockoon__push_index(c, i++);
        char why[300];
        if (!v)
            v = "";
        if (!k || !*k || (callback && !*v)) {
            /* Mockoon skips headers without a name (parseHeader, for a callback without a
             * value too) */
        } else if (!mr_http_token(k)) {
            mr_mockoon__warn(c, "\"%s\" is not a valid header name; header dropped", k);
        } else if (strchr(v, '\r') || strchr(v, '\n')) {
            mr_mockoon__warn(c, "header \"%s\" has a line break in its value; header dropped", k);
        } else if (strcasecmp(k, "Content-Length") == 0 ||
                   strcasecmp(k, "Transfer-Encoding") == 0) {
            mr_mockoon__warn(c, "header \"%s\" is set by mockrun itself; header dropped", k);
        } else if (mr_template_detect(v, strlen(v)) &&
                   !mr_mockoon__template_ok(c, v, MR_TPL_NONE, why, sizeof(why))) {
            mr_mockoon__warn(c,
                             "header \"%s\": mockrun cannot render its template (%s); header "
                             "dropped",
                             k, why);
        } else {
            char *cs = !callback && strcasecmp(k, "Content-Type") == 0 ? with_charset(v) : NULL;
            cJSON *old;
            /* a later header of the same name wins, in the first one's place */
            while ((old = cJSON_GetObjectItem(o, k)) != NULL)
                cJSON_Delete(cJSON_DetachItemViaPointer(o, old));
            mr_mockoon__add(c, o, k, cJSON_CreateString(cs ? cs : v));
            free(cs);
        }
        mr_mockoon__pop(c, mark);
    }
    return o;
}

/* Mockoon renders a file when its MIME type (mime-types' lookup of the
 * extension) is one of MimeTypesWithTemplating, or it ends in .handlebars. */
bool mr_mockoon__templated_file(const char *path, bool handlebars)
{
    static const char *const exts[] = {"conf", "css", "csv",   "def",  "hbs",  "htm", "html",
                                       "in",   "ini", "js",    "json", "list", "log", "map",
                                       "mjs",  "rng", "shtml", "text", "txt",  "xht", "xhtml",
                                       "xml",  "xsd", "xsl",   NULL};
    const char *dot = strrchr(path, '.'), *const * e;
    if (!dot || strchr(dot, '/'))
        return false;
    if (strcmp(dot, ".handlebars") == 0) /* FileExtensionsWithTemplating: as written */
        return handlebars;
    for (e = exts; *e; e++)
        if (strcasecmp(dot + 1, *e) == 0) /* mime-types' lookup ignores case */
            return true;
    return false;
}

static bool has_control_char(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* encodeURIComponent's output for s, as Mockoon writes a file name into
 * Content-Disposition; NULL when out of memory. */
static char *uri_component(const char *s)
{
    size_t n = strlen(s), i, k = 0;
    char *out = malloc(3 * n + 1);
    if (!out)
        return NULL;
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (isalnum(ch) || strchr("-_.!~*'()", ch))
            out[k++] = (char)ch;
        else
            k += (size_t)snprintf(out + k, 4, "%%%02X", ch);
    }
    out[k] = '\0';
    return out;
}

static cJSON *convert_response(struct mr_mockoon__conv *c, const cJSON *r)
{
    cJSON *out = cJSON_CreateObject(), *headers = NULL;
    const char *type = str_of(r, "bodyType");
    const char *body = str_of(r, "body");
    const char *file = str_of(r, "filePath");
    double status = num_of(r, "statusCode", 200);
    double latency = num_of(r, "latency", 0), total;
    bool as_file = false, file_tpl = false;
    char why[300];

    if (!out) {
        c->nomem = true;
        return NULL;
    }
    mr_mockoon__warn_unknown_keys(c, r, response_keys);
    if (!(status >= 100 && status <= 599) || status != floor(status)) { /* NaN too */
        size_t mark = mr_mockoon__push_key(c, "statusCode");
        mr_mockoon__warn(c, "status %g is outside 100-599; 200 is used", status);
        mr_mockoon__pop(c, mark);
        status = 200;
    }
    if (status != 200)
        mr_mockoon__add(c, out, "status", cJSON_CreateNumber(status));

    {
        const cJSON *hl = cJSON_GetObjectItemCaseSensitive(r, "headers");
        if (cJSON_IsArray(hl) && cJSON_GetArraySize(hl) > 0) {
            size_t mark = mr_mockoon__push_key(c, "headers");
            headers = mr_mockoon__headers(c, hl, false);
            mr_mockoon__pop(c, mark);
        }
    }

    if (type && strcmp(type, "DATABUCKET") == 0) {
        size_t mark = mr_mockoon__push_key(c, "bodyType");
        mr_mockoon__warn(c, "a body from a data bucket is not supported; an empty body is served");
        mr_mockoon__pop(c, mark);
        body = NULL;
    } else if (type && strcmp(type, "FILE") == 0) {
        size_t mark = mr_mockoon__push_key(c, "filePath");
        file_tpl = file && mr_template_detect(file, strlen(file));
        if (!file || !*file) {
            /* Mockoon serves the inline body too */
        } else if (file[0] == '/' || file[0] == '\\' ||
                   (isalpha((unsigned char)file[0]) && file[1] == ':')) {
            mr_mockoon__warn(
                c,
                "absolute file path \"%s\" is not supported (mockrun serves files inside the "
                "scenario's folder); the inline body is served",
                file);
        } else if (file_tpl && !mr_mockoon__template_ok(c, file, MR_TPL_NONE, why, sizeof(why))) {
            mr_mockoon__warn(c,
                             "mockrun cannot render this path's template (%s); the inline "
                             "body is served",
                             why);
        } else {
            as_file = true;
        }
        mr_mockoon__pop(c, mark);
        if (as_file && true_of(r, "fallbackTo404")) {
            mark = mr_mockoon__push_key(c, "fallbackTo404");
            if (file_tpl)
                mr_mockoon__warn(c, "a missing file is answered 404 with mockrun's own text, not "
                                    "the inline body");
            else
                mr_mockoon__warn(c, "404 for a missing file is not supported (mockrun refuses a "
                                    "missing file when loading); ignored");
            mr_mockoon__pop(c, mark);
        }
    } else if (type && strcmp(type, "INLINE") != 0) {
        size_t mark = mr_mockoon__push_key(c, "bodyType");
        mr_mockoon__warn(c, "body type \"%s\" is not supported; the inline body is served", type);
        mr_mockoon__pop(c, mark);
    }

    if (as_file) {
        mr_mockoon__add(c, out, "file", cJSON_CreateString(file));
        if (!true_of(r, "disableTemplating") && mr_mockoon__templated_file(file, true)) {
            if (file_tpl) {
                size_t mark = mr_mockoon__push_key(c, "filePath");
                mr_mockoon__warn(c, "the file's content is served as it is: mockrun renders a "
                                    "templated path or a file's content, not both");
                mr_mockoon__pop(c, mark);
            } else {
                mr_mockoon__add(c, out, "template", cJSON_CreateTrue());
            }
        } else if (file_tpl && true_of(r, "disableTemplating")) {
            /* Mockoon renders the path all the same (getSafeFilePath) */
        }
        if (!true_of(r, "sendFileAsBody")) {
            const char *base = strrchr(file, '/');
            char *enc, *cd;
            base = base ? base + 1 : file;
            /* a templated name stays a template; the rest as encodeURIComponent writes it */
            enc = mr_template_detect(base, strlen(base)) ? strdup(base) : uri_component(base);
            cd = enc ? malloc(strlen(enc) + 32) : NULL;
            if (cd && has_control_char(enc)) {
                size_t mark = mr_mockoon__push_key(c, "filePath");
                mr_mockoon__warn(c, "the file name holds a control character, which no header "
                                    "may; no Content-Disposition is sent");
                mr_mockoon__pop(c, mark);
            } else if (cd && !strchr(enc, '"')) {
                snprintf(cd, strlen(enc) + 32, "attachment; filename=\"%s\"", enc);
                if (!headers)
                    headers = cJSON_CreateObject();
                if (headers && !cJSON_GetObjectItem(headers, "Content-Disposition"))
                    mr_mockoon__add(c, headers, "Content-Disposition", cJSON_CreateString(cd));
            } else if (!cd) {
                c->nomem = true;
            }
            free(enc);
            free(cd);
        }
    } else {
        bool tpl = !true_of(r, "disableTemplating");
        if (body && *body) {
            mr_mockoon__add(c, out, "body", cJSON_CreateString(body));
            if (tpl && mr_template_detect(body, strlen(body)) &&
                !mr_mockoon__template_ok(c, body, MR_TPL_HTML, why, sizeof(why))) {
                size_t mark = mr_mockoon__push_key(c, "body");
                mr_mockoon__warn(c, "mockrun cannot render this template (%s); served as it is",
                                 why);
                mr_mockoon__pop(c, mark);
                tpl = false;
            }
            if (!tpl && strstr(body, "{{"))
                mr_mockoon__add(c, out, "template", cJSON_CreateFalse());
        }
        /* Express's res.send of a string without a Content-Type: text/html */
        if (!c->env_content_type && !(headers && cJSON_GetObjectItem(headers, "Content-Type"))) {
            if (!headers)
                headers = cJSON_CreateObject();
            mr_mockoon__add(c, headers, "Content-Type",
                            cJSON_CreateString("text/html; charset=utf-8"));
        }
    }
    if (headers) {
        /* after the body kind, so the scenario reads status, body, headers */
        mr_mockoon__add(c, out, "headers", headers);
    }
    /* Mockoon waits for the environment's latency, then the response's; mockrun's
     * delays end at 10 minutes */
    total = c->env_latency;
    if (latency >= 1) {
        total += floor(latency);
        if (total > 600000) {
            size_t mark = mr_mockoon__push_key(c, "latency");
            mr_mockoon__warn(c, "latency %g ms is over mockrun's 600000 ms; 600000 is used", total);
            mr_mockoon__pop(c, mark);
            total = 600000;
        }
        mr_mockoon__add(c, out, "delayMs", cJSON_CreateNumber(total));
    }
    /* its callbacks leave once it is served: after the delay */
    mr_mockoon__response_callbacks(c, r, total, out);
    return out;
}

/* ---- route ids -------------------------------------------------------------------------- */

static bool id_used(const struct mr_mockoon__conv *c, const char *id)
{
    size_t i;
    for (i = 0; i < c->res->nroutes; i++)
        if (c->res->routes[i].id && strcmp(c->res->routes[i].id, id) == 0)
            return true;
    return false;
}

/* A unique id: `uuid` when given and free, else `name`, else "name #n". The
 * result is in a static buffer, valid until the next call. */
static const char *route_id(struct mr_mockoon__conv *c, const char *uuid, const char *name)
{
    static _Thread_local char buf[1100];
    unsigned n;

    if (uuid && *uuid && !id_used(c, uuid)) {
        snprintf(buf, sizeof(buf), "%s", uuid);
        return buf;
    }
    snprintf(buf, sizeof(buf), "%s", name);
    for (n = 2; id_used(c, buf) && n < 100000; n++)
        snprintf(buf, sizeof(buf), "%s #%u", name, n);
    return buf;
}

static char *dup_or_null(struct mr_mockoon__conv *c, const char *s)
{
    char *p;
    if (!s)
        return NULL;
    p = strdup(s);
    if (!p)
        c->nomem = true;
    return p;
}

/* Adds a Mockoon route to the result's table (id NULL: not converted). */
static void record_route(struct mr_mockoon__conv *c, const char *id, const char *uuid,
                         const char *name, const char *path)
{
    struct mr_mockoon_route *rt;
    if (c->res->nroutes == c->routes_cap) {
        size_t cap = c->routes_cap ? 2 * c->routes_cap : 16;
        struct mr_mockoon_route *grown = realloc(c->res->routes, cap * sizeof(*grown));
        if (!grown) {
            c->nomem = true;
            return;
        }
        c->res->routes = grown;
        c->routes_cap = cap;
    }
    rt = &c->res->routes[c->res->nroutes++];
    rt->id = dup_or_null(c, id);
    rt->uuid = dup_or_null(c, uuid && *uuid ? uuid : NULL);
    rt->name = dup_or_null(c, name);
    rt->path = dup_or_null(c, path);
}

/* ---- routes --------------------------------------------------------------------------- */

static const char *const route_keys[] = {
    "uuid",         "type",          "documentation",     "method",  "endpoint", "responses",
    "responseMode", "streamingMode", "streamingInterval", "enabled", NULL};

static const char *const methods[] = {"get",  "post",    "put",      "patch",     "delete",
                                      "head", "options", "propfind", "proppatch", "move",
                                      "copy", "mkcol",   "lock",     "unlock",    NULL};

/* Converts responses[index] and sets resp (with `when` if rules). */
static cJSON *response_at(struct mr_mockoon__conv *c, const cJSON *responses, size_t index)
{
    size_t mark = mr_mockoon__push_key(c, "responses"), m2 = mr_mockoon__push_index(c, index);
    cJSON *out = convert_response(c, cJSON_GetArrayItem(responses, (int)index));
    mr_mockoon__pop(c, m2);
    mr_mockoon__pop(c, mark);
    return out;
}

static void convert_route(struct mr_mockoon__conv *c, const cJSON *route, const char *prefix,
                          cJSON *routes)
{
    const char *type = str_of(route, "type");
    const char *method = str_of(route, "method");
    const char *endpoint = str_of(route, "endpoint");
    const char *mode = str_of(route, "responseMode");
    const cJSON *responses = cJSON_GetObjectItemCaseSensitive(route, "responses");
    const char *uuid = str_of(route, "uuid");
    cJSON *out, *req;
    char joined[1024], path[2048], up[32], name[1100], why[200];
    size_t n = 0, i, nresp, def = 0;
    const char *s;
    int kind;

    if (!cJSON_IsObject(route)) {
        mr_mockoon__warn(c, "a route must be an object; route skipped");
        return;
    }
    /* preparePath: "/" + prefix + "/" + endpoint, spaces as %20, slashes deduplicated; mockrun
     * matches decoded paths, so the space stays */
    joined[0] = '\0';
    {
        char raw[1024];
        snprintf(raw, sizeof(raw), "/%s/%s", prefix, endpoint ? endpoint : "");
        for (s = raw; *s && n + 1 < sizeof(joined); s++) {
            if (*s == '/' && n > 0 && joined[n - 1] == '/')
                continue;
            joined[n++] = *s;
        }
        joined[n] = '\0';
        /* Express ignores one trailing slash (non-strict routing) */
        if (n > 1 && joined[n - 1] == '/')
            joined[--n] = '\0';
    }
    for (i = 0; method && method[i] && i + 1 < sizeof(up); i++)
        up[i] = (char)toupper((unsigned char)method[i]);
    up[i] = '\0';
    for (s = endpoint ? endpoint : ""; *s == '/'; s++)
        ;
    snprintf(name, sizeof(name), "%s /%s", up[0] ? up : "ALL", s);

    if (type && (strcmp(type, "crud") == 0 || strcmp(type, "ws") == 0)) {
        mr_mockoon__warn(c, "%s routes are not supported; route skipped",
                         type[0] == 'c' ? "CRUD" : "WebSocket");
        record_route(c, NULL, uuid, name, joined);
        return;
    }
    if (type && strcmp(type, "http") != 0) {
        mr_mockoon__warn(c, "route type \"%s\" is not supported; route skipped", type);
        record_route(c, NULL, uuid, name, joined);
        return;
    }
    if (!method || !(strcmp(method, "all") == 0 || in_list(method, methods))) {
        mr_mockoon__warn(c, "method \"%s\" is not supported; route skipped", method ? method : "");
        record_route(c, NULL, uuid, name, joined);
        return;
    }
    nresp = cJSON_IsArray(responses) ? (size_t)cJSON_GetArraySize(responses) : 0;
    if (nresp == 0) {
        mr_mockoon__warn(c, "a route without responses is not supported; route skipped");
        record_route(c, NULL, uuid, name, joined);
        return;
    }
    mr_mockoon__warn_unknown_keys(c, route, route_keys);
    {
        const cJSON *sm = cJSON_GetObjectItemCaseSensitive(route, "streamingMode");
        if (sm && !cJSON_IsNull(sm)) {
            size_t mark = mr_mockoon__push_key(c, "streamingMode");
            mr_mockoon__warn(c, "streaming is not supported; ignored");
            mr_mockoon__pop(c, mark);
        }
    }
    if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(route, "enabled"))) {
        /* migration 31 moves it to the app's settings; the CLI drops it and serves the route */
        size_t mark = mr_mockoon__push_key(c, "enabled");
        mr_mockoon__warn(c, "the Mockoon CLI serves a route whatever \"enabled\" says (only "
                            "its --disable-routes option disables one); served");
        mr_mockoon__pop(c, mark);
    }
    kind = convert_path(joined, path, sizeof(path));
    if (kind > 0 && mr_jsregex_check(path, true, why, sizeof(why)) < 0)
        kind = -1; /* not UTF-8, for one */
    if (kind < 0) {
        size_t mark = mr_mockoon__push_key(c, "endpoint");
        mr_mockoon__warn(c, "path \"%s\" cannot be expressed in mockrun; route skipped", joined);
        mr_mockoon__pop(c, mark);
        record_route(c, NULL, uuid, name, joined);
        return;
    }

    out = cJSON_CreateObject();
    req = cJSON_CreateObject();
    if (!out || !req) {
        cJSON_Delete(out);
        cJSON_Delete(req);
        c->nomem = true;
        return;
    }
    {
        const char *id = route_id(c, uuid, name);
        mr_mockoon__add(c, out, "id", cJSON_CreateString(id));
        mr_mockoon__add(c, out, "description", cJSON_CreateString(name));
        record_route(c, id, uuid, name, joined);
    }
    mr_mockoon__add(c, req, "method", cJSON_CreateString(strcmp(method, "all") == 0 ? "ANY" : up));
    if (kind == 0) {
        mr_mockoon__add(c, req, "path", cJSON_CreateString(path));
    } else {
        size_t mark = mr_mockoon__push_key(c, "endpoint");
        mr_mockoon__warn(c,
                         "path \"%s\" uses Express syntax mockrun's \"path\" lacks; served with "
                         "\"pathPattern\": \"%s\"",
                         joined, path);
        mr_mockoon__pop(c, mark);
        mr_mockoon__add(c, req, "pathPattern", cJSON_CreateString(path));
    }
    mr_mockoon__add(c, out, "request", req);

    for (i = 0; i < nresp; i++)
        if (true_of(cJSON_GetArrayItem(responses, (int)i), "default")) {
            def = i;
            break;
        }

    if (mode && (strcmp(mode, "RANDOM") == 0 || strcmp(mode, "SEQUENTIAL") == 0)) {
        if (nresp == 1) {
            mr_mockoon__add(c, out, "response", response_at(c, responses, 0));
        } else {
            cJSON *arr = cJSON_CreateArray();
            for (i = 0; i < nresp; i++)
                mr_mockoon__append(c, arr, response_at(c, responses, i));
            mr_mockoon__add(c, out, "mode",
                            cJSON_CreateString(mode[0] == 'R' ? "random" : "cycle"));
            mr_mockoon__add(c, out, "responses", arr);
        }
    } else if (mode && strcmp(mode, "DISABLE_RULES") == 0) {
        mr_mockoon__add(c, out, "response", response_at(c, responses, def));
    } else {
        /* rules (null) or FALLBACK: the first response whose rules hold; else the default, or
         * for FALLBACK the next route */
        bool fallback_mode = mode && strcmp(mode, "FALLBACK") == 0;
        cJSON *arr = cJSON_CreateArray();
        size_t nwhen = 0;
        bool always = false;
        if (mode && !fallback_mode) {
            size_t mark = mr_mockoon__push_key(c, "responseMode");
            mr_mockoon__warn(c, "response mode \"%s\" is not supported; rules are used", mode);
            mr_mockoon__pop(c, mark);
        }
        for (i = 0; i < nresp && !always; i++) {
            const cJSON *r = cJSON_GetArrayItem(responses, (int)i);
            const cJSON *rules = cJSON_GetObjectItemCaseSensitive(r, "rules");
            size_t mark, m2;
            enum mr_mockoon__truth truth;
            cJSON *when, *resp;
            /* a response without rules is only ever the default */
            if (!cJSON_IsArray(rules) || cJSON_GetArraySize(rules) == 0)
                continue;
            mark = mr_mockoon__push_key(c, "responses");
            m2 = mr_mockoon__push_index(c, i);
            when = mr_mockoon__rules(c, r, method, &truth);
            mr_mockoon__pop(c, m2);
            mr_mockoon__pop(c, mark);
            if (truth == MR_MOCKOON_NEVER)
                continue;
            resp = response_at(c, responses, i);
            if (truth == MR_MOCKOON_WHEN) {
                if (resp)
                    mr_mockoon__add(c, resp, "when", when);
                else
                    cJSON_Delete(when);
            } else {
                /* its rules hold for every request: it answers whatever the later ones
                 * say, and mockrun's fallback (a response without `when`) must be last */
                always = true;
            }
            mr_mockoon__append(c, arr, resp);
            nwhen++;
        }
        if (nwhen == 0 && !fallback_mode) {
            cJSON_Delete(arr);
            mr_mockoon__add(c, out, "response", response_at(c, responses, def));
        } else if (nwhen == 0) {
            /* Mockoon tries the next route, always: a `when` that never holds keeps the
             * route (and its id) with the same effect */
            cJSON *resp = response_at(c, responses, def), *never = cJSON_CreateObject();
            mr_mockoon__add(c, never, "pathPattern", cJSON_CreateString("(?!)"));
            mr_mockoon__add(c, resp, "when", never);
            mr_mockoon__append(c, arr, resp);
            mr_mockoon__add(c, out, "responses", arr);
        } else if (nwhen == 1 && always) {
            cJSON *only = cJSON_DetachItemFromArray(arr, 0);
            cJSON_Delete(arr);
            mr_mockoon__add(c, out, "response", only);
        } else {
            if (!fallback_mode && !always)
                mr_mockoon__append(c, arr, response_at(c, responses, def));
            mr_mockoon__add(c, out, "responses", arr);
        }
    }
    mr_mockoon__append(c, routes, out);
}

/* Appends the indexes of the routes `children` lists (folders recursively). */
static void collect_order(struct mr_mockoon__conv *c, const cJSON *env, const cJSON *children,
                          size_t *order, size_t *norder, size_t nroutes, int depth)
{
    const cJSON *routes = cJSON_GetObjectItemCaseSensitive(env, "routes");
    const cJSON *folders = cJSON_GetObjectItemCaseSensitive(env, "folders");
    const cJSON *ch;

    if (depth > 64)
        return;
    cJSON_ArrayForEach(ch, children)
    {
        const char *t = str_of(ch, "type"), *uuid = str_of(ch, "uuid");
        const cJSON *x;
        size_t i = 0;
        if (!t || !uuid)
            continue;
        if (strcmp(t, "route") == 0) {
            cJSON_ArrayForEach(x, routes)
            {
                const char *u = str_of(x, "uuid");
                if (u && strcmp(u, uuid) == 0) {
                    size_t k;
                    bool seen = false;
                    for (k = 0; k < *norder; k++)
                        seen |= order[k] == i;
                    if (!seen && *norder < nroutes)
                        order[(*norder)++] = i;
                    break;
                }
                i++;
            }
        } else {
            cJSON_ArrayForEach(x, folders)
            {
                const char *u = str_of(x, "uuid");
                if (u && strcmp(u, uuid) == 0) {
                    collect_order(c, env, cJSON_GetObjectItemCaseSensitive(x, "children"), order,
                                  norder, nroutes, depth + 1);
                    break;
                }
            }
        }
    }
}

/* ---- environment ---------------------------------------------------------------------- */

static const char *const env_keys[] = {"uuid",
                                       "lastMigration",
                                       "name",
                                       "endpointPrefix",
                                       "latency",
                                       "port",
                                       "hostname",
                                       "folders",
                                       "routes",
                                       "rootChildren",
                                       "proxyMode",
                                       "proxyRemovePrefix",
                                       "proxyHost",
                                       "proxyReqHeaders",
                                       "proxyResHeaders",
                                       "tlsOptions",
                                       "cors",
                                       "headers",
                                       "data",
                                       "callbacks",
                                       NULL};

static void warn_at(struct mr_mockoon__conv *c, const char *key, const char *msg)
{
    size_t mark = mr_mockoon__push_key(c, key);
    mr_mockoon__warn(c, "%s", msg);
    mr_mockoon__pop(c, mark);
}

/*
 * Mockoon's proxy mode: a call no route answers goes to `proxyHost`, the
 * target's path joined with the call's (http-proxy-middleware), which is
 * what a service's `proxy` does, for http:// targets (mockrun has no TLS
 * client). `proxyRemovePrefix` strips the endpoint prefix on the way;
 * mockrun forwards the path as sent, so that one is only warned about.
 */
static void convert_proxy(struct mr_mockoon__conv *c, const cJSON *env, cJSON *svc,
                          const char *prefix)
{
    const char *host = str_of(env, "proxyHost");
    struct mr_error e;
    struct mr_url u;
    size_t mark;

    if (!true_of(env, "proxyMode"))
        return;
    if (!host || !*host) {
        warn_at(c, "proxyHost", "proxy mode without a proxyHost; nothing is forwarded");
        return;
    }
    memset(&e, 0, sizeof(e));
    if (mr_url_parse_target(&u, host, &e) != 0) {
        mark = mr_mockoon__push_key(c, "proxyHost");
        mr_mockoon__warn(c, "%s; unmatched requests are not forwarded", e.msg);
        mr_mockoon__pop(c, mark);
        return;
    }
    mr_mockoon__add(c, svc, "proxy", cJSON_CreateString(host));
    if (true_of(env, "proxyRemovePrefix") && prefix && *prefix)
        warn_at(c, "proxyRemovePrefix",
                "the endpoint prefix is not removed: calls are forwarded with the path as sent");
}

/*
 * Mockoon's `cors` option (setCors): after every route, any OPTIONS request
 * is answered 200 with CORSHeaders, then the environment's headers, and no
 * body. mockrun's own `cors` answers preflights differently (204, the
 * request's Origin) and adds Access-Control-Allow-Origin everywhere, so the
 * option becomes this last route instead (the environment's headers come
 * from the service's defaults; those it sets win over CORSHeaders).
 */
static void cors_route(struct mr_mockoon__conv *c, const cJSON *env_headers, cJSON *routes)
{
    static const char *const cors[][2] = {
        {"Access-Control-Allow-Origin", "*"},
        {"Access-Control-Allow-Methods", "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS"},
        {"Access-Control-Allow-Headers",
         "Content-Type, Origin, Accept, Authorization, Content-Length, X-Requested-With"}};
    cJSON *route = cJSON_CreateObject(), *req = cJSON_CreateObject();
    cJSON *resp = cJSON_CreateObject(), *headers = cJSON_CreateObject();
    size_t i;

    mr_mockoon__add(c, route, "id", cJSON_CreateString(route_id(c, NULL, "OPTIONS * (cors)")));
    mr_mockoon__add(
        c, route, "description",
        cJSON_CreateString("the Mockoon CORS option: any OPTIONS request no other route "
                           "answers"));
    mr_mockoon__add(c, req, "method", cJSON_CreateString("OPTIONS"));
    mr_mockoon__add(c, route, "request", req);
    for (i = 0; i < sizeof(cors) / sizeof(cors[0]); i++)
        if (!cJSON_GetObjectItem(env_headers, cors[i][0]))
            mr_mockoon__add(c, headers, cors[i][0], cJSON_CreateString(cors[i][1]));
    mr_mockoon__add(c, resp, "headers", headers);
    mr_mockoon__add(c, route, "response", resp);
    mr_mockoon__append(c, routes, route);
}

static cJSON *convert_env(struct mr_mockoon__conv *c, const cJSON *env)
{
    const char *name = str_of(env, "name");
    const char *prefix = str_of(env, "endpointPrefix");
    const cJSON *routes = cJSON_GetObjectItemCaseSensitive(env, "routes");
    const cJSON *root_children = cJSON_GetObjectItemCaseSensitive(env, "rootChildren");
    cJSON *sc = cJSON_CreateObject(), *services, *svc, *out_routes, *defaults;
    const cJSON *env_headers = NULL;
    char svc_name[128];
    size_t i, nroutes = (size_t)cJSON_GetArraySize(routes), norder = 0;
    size_t *order;
    double port = num_of(env, "port", 0), latency = num_of(env, "latency", 0);
    const cJSON *tls = cJSON_GetObjectItemCaseSensitive(env, "tlsOptions");

    if (!sc)
        return NULL;
    mr_mockoon__warn_unknown_keys(c, env, env_keys);
    if (name && *name)
        mr_mockoon__add(c, sc, "name", cJSON_CreateString(name));
    for (i = 0; name && name[i] && i + 1 < sizeof(svc_name); i++)
        svc_name[i] = isalnum((unsigned char)name[i]) ? (char)tolower((unsigned char)name[i]) : '-';
    svc_name[i] = '\0';
    if (!svc_name[0])
        snprintf(svc_name, sizeof(svc_name), "api");

    services = cJSON_CreateObject();
    svc = cJSON_CreateObject();
    mr_mockoon__add(c, sc, "services", services);
    mr_mockoon__add(c, services, svc_name, svc);
    if (c->nomem)
        return sc;
    if (!(port >= 0 && port <= 65535) || port != floor(port))
        warn_at(c, "port", "not a port number; an ephemeral port is used");
    else if (port > 0)
        mr_mockoon__add(c, svc, "port", cJSON_CreateNumber(port));
    c->service = svc_name;

    defaults = cJSON_CreateObject();
    {
        const cJSON *hl = cJSON_GetObjectItemCaseSensitive(env, "headers");
        if (cJSON_IsArray(hl) && cJSON_GetArraySize(hl) > 0) {
            size_t mark = mr_mockoon__push_key(c, "headers");
            cJSON *h = mr_mockoon__headers(c, hl, false);
            mr_mockoon__pop(c, mark);
            if (h && cJSON_GetArraySize(h) > 0) {
                env_headers = h;
                c->env_content_type = cJSON_GetObjectItem(h, "Content-Type") != NULL;
                mr_mockoon__add(c, defaults, "headers", h);
            } else {
                cJSON_Delete(h);
            }
        }
    }
    if (latency >= 1 && latency <= 600000) {
        c->env_latency = (int)latency;
        mr_mockoon__add(c, defaults, "delayMs", cJSON_CreateNumber((double)(int)latency));
    } else if (latency > 600000) {
        warn_at(c, "latency", "over mockrun's 600000 ms; ignored");
    }
    if (defaults && cJSON_GetArraySize(defaults) > 0)
        mr_mockoon__add(c, svc, "defaults", defaults);
    else
        cJSON_Delete(defaults);

    convert_proxy(c, env, svc, prefix);
    if (nonempty_array(env, "proxyReqHeaders"))
        warn_at(c, "proxyReqHeaders", "proxy headers are not supported; ignored");
    if (nonempty_array(env, "proxyResHeaders"))
        warn_at(c, "proxyResHeaders", "proxy headers are not supported; ignored");
    if (cJSON_IsObject(tls) && true_of(tls, "enabled"))
        warn_at(c, "tlsOptions", "TLS is not supported; the mock serves plain HTTP");
    if (nonempty_array(env, "data"))
        warn_at(c, "data", "data buckets are not supported; ignored");
    {
        const char *host = str_of(env, "hostname");
        if (host && *host && strcmp(host, "127.0.0.1") != 0 && strcmp(host, "localhost") != 0)
            warn_at(c, "hostname", "a listen address is not part of a scenario; use --host");
    }

    /* before the routes: their responses use the callbacks by uuid */
    c->prefix = prefix;
    mr_mockoon__callbacks(c, env, svc);
    out_routes = cJSON_CreateArray();
    mr_mockoon__add(c, svc, "routes", out_routes);
    if (c->nomem)
        return sc;
    order = calloc(nroutes ? nroutes : 1, sizeof(*order));
    if (!order) {
        c->nomem = true;
        return sc;
    }
    if (cJSON_IsArray(root_children)) {
        /* Mockoon serves the routes listed in rootChildren and folders, in that order */
        collect_order(c, env, root_children, order, &norder, nroutes, 0);
        for (i = 0; i < nroutes; i++) {
            size_t k;
            bool seen = false;
            for (k = 0; k < norder; k++)
                seen |= order[k] == i;
            if (!seen) {
                size_t mark = mr_mockoon__push_key(c, "routes"), m2 = mr_mockoon__push_index(c, i);
                mr_mockoon__warn(
                    c, "the route is in no folder nor in rootChildren, so Mockoon does not serve "
                       "it; route skipped");
                mr_mockoon__pop(c, m2);
                mr_mockoon__pop(c, mark);
            }
        }
    } else {
        for (i = 0; i < nroutes; i++)
            order[norder++] = i;
    }
    for (i = 0; i < norder && !c->nomem; i++) {
        size_t mark = mr_mockoon__push_key(c, "routes"), m2 = mr_mockoon__push_index(c, order[i]);
        convert_route(c, cJSON_GetArrayItem(routes, (int)order[i]), prefix ? prefix : "",
                      out_routes);
        mr_mockoon__pop(c, m2);
        mr_mockoon__pop(c, mark);
    }
    free(order);
    if (true_of(env, "cors") && !c->nomem)
        cors_route(c, env_headers, out_routes);
    if (c->allow_hosts) {
        mr_mockoon__add(c, sc, "allowHosts", c->allow_hosts);
        c->allow_hosts = NULL;
    }
    return sc;
}

static int fail_at(struct mr_error *err, const char *file, const char *text, size_t len,
                   const char *path, const char *msg)
{
    size_t off;
    int line = 0, col = 0;
    if (mr_jsondoc_locate(text, len, path, false, &off))
        mr_jsondoc_linecol(text, len, off, &line, &col);
    mr_error_set(err, MR_ESCENARIO, "%s", msg);
    mr_error_at(err, file, path, line, col);
    return MR_ESCENARIO;
}

int mr_mockoon_convert(const char *file, const char *text, size_t len,
                       struct mr_mockoon_result *out, struct mr_error *err)
{
    struct mr_mockoon__conv c;
    const char *body = text;
    size_t blen = len;
    cJSON *env, *sc;
    char *printed;
    const cJSON *routes;

    memset(out, 0, sizeof(*out));
    memset(&c, 0, sizeof(c));
    c.res = out;
    mr_jsondoc_skip_bom(&body, &blen);
    env = mr_jsondoc_parse(file, body, blen, err);
    if (!env)
        return err->code;
    if (!cJSON_IsObject(env)) {
        cJSON_Delete(env);
        return fail_at(err, file, body, blen, "",
                       "not a Mockoon environment: expected an object with \"routes\"");
    }
    routes = cJSON_GetObjectItemCaseSensitive(env, "routes");
    if (!cJSON_IsArray(routes)) {
        cJSON_Delete(env);
        return fail_at(err, file, body, blen, routes ? "routes" : "",
                       routes ? "expected an array of routes"
                              : "not a Mockoon environment: \"routes\" is missing");
    }
    {
        const cJSON *r;
        size_t i = 0;
        cJSON_ArrayForEach(r, routes)
        {
            const cJSON *resp = cJSON_GetObjectItemCaseSensitive(r, "responses");
            char path[64];
            if (!cJSON_IsObject(r)) {
                snprintf(path, sizeof(path), "routes[%zu]", i);
                cJSON_Delete(env);
                return fail_at(err, file, body, blen, path, "expected a route (an object)");
            }
            if (resp && !cJSON_IsArray(resp)) {
                snprintf(path, sizeof(path), "routes[%zu].responses", i);
                cJSON_Delete(env);
                return fail_at(err, file, body, blen, path, "expected an array of responses");
            }
            if (resp) {
                const cJSON *x;
                size_t j = 0;
                cJSON_ArrayForEach(x, resp)
                {
                    if (!cJSON_IsObject(x)) {
                        snprintf(path, sizeof(path), "routes[%zu].responses[%zu]", i, j);
                        cJSON_Delete(env);
                        return fail_at(err, file, body, blen, path,
                                       "expected a response (an object)");
                    }
                    j++;
                }
            }
            i++;
        }
    }

    sc = convert_env(&c, env);
    mr_mockoon__callbacks_release(&c);
    cJSON_Delete(env);
    printed = sc && !c.nomem ? cJSON_PrintUnformatted(sc) : NULL;
    cJSON_Delete(sc);
    if (printed) {
        out->scenario = mr_jsonout_pretty(printed);
        cJSON_free(printed);
    }
    if (!out->scenario || c.nomem) {
        mr_mockoon_result_free(out);
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    }
    return 0;
}

void mr_mockoon_result_free(struct mr_mockoon_result *r)
{
    size_t i;
    if (!r)
        return;
    free(r->scenario);
    for (i = 0; i < r->nwarnings; i++)
        free(r->warnings[i]);
    free(r->warnings);
    for (i = 0; i < r->nroutes; i++) {
        free(r->routes[i].id);
        free(r->routes[i].uuid);
        free(r->routes[i].name);
        free(r->routes[i].path);
    }
    free(r->routes);
    memset(r, 0, sizeof(*r));
}

/* "get" and "GET" alike; "ALL" and "ANY" both name Mockoon's "all" */
static bool same_method(const char *a, size_t alen, const char *name)
{
    const char *sp = strchr(name, ' ');
    size_t blen = sp ? (size_t)(sp - name) : strlen(name);
    if (alen == 3 && strncasecmp(a, "ANY", 3) == 0)
        return blen == 3 && strncmp(name, "ALL", 3) == 0;
    return alen == blen && strncasecmp(a, name, alen) == 0;
}

const struct mr_mockoon_route *mr_mockoon_find_route(const struct mr_mockoon_result *r,
                                                     const char *ref)
{
    const char *sp = strchr(ref, ' '), *ep;
    size_t i, mlen;

    for (i = 0; i < r->nroutes; i++)
        if (r->routes[i].uuid && strcmp(r->routes[i].uuid, ref) == 0)
            return &r->routes[i];
    if (!sp)
        return NULL;
    mlen = (size_t)(sp - ref);
    for (ep = sp; *ep == ' ' || *ep == '/'; ep++)
        ;
    for (i = 0; i < r->nroutes; i++) {
        const struct mr_mockoon_route *rt = &r->routes[i];
        const char *e = strchr(rt->name, ' '), *p = rt->path;
        if (!same_method(ref, mlen, rt->name))
            continue;
        while (e && (*e == ' ' || *e == '/'))
            e++;
        while (*p == '/')
            p++;
        if ((e && strcmp(e, ep) == 0) || strcmp(p, ep) == 0)
            return rt;
    }
    return NULL;
}
