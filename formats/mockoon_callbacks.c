/*
 * mockoon_callbacks.c - a Mockoon environment's callbacks → the service's
 * `callbacks`, and a response's `callbacks: [{uuid, latency}]` → uses of
 * them by id.
 *
 * The semantics are commons-server's executeCallbacks (Mockoon 9): a
 * callback is rendered with the request when the response's body is served,
 * that is after the environment's latency and the response's, and sent
 * `latency` ms later with fetch. Its `uri` is a template; one that starts
 * with '/' goes to the mock itself, behind the endpoint prefix. Headers are
 * templates, an empty value leaves the header out. The body goes only with
 * POST, PUT and PATCH (isBodySupportingMethod): the inline body (a template
 * unless the response disables templating), a file's content (a template
 * when its MIME type is one Mockoon renders), or a data bucket's value. A
 * string body without a Content-Type header is typed by fetch as
 * "text/plain;charset=UTF-8", a file by its MIME type.
 */
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/hookurl.h"
#include "common/text.h"
#include "formats/mockoon_internal.h"
#include "templates/template.h"

/* fetch's type for a string body (undici's extractBody) */
#define FETCH_TEXT_TYPE "text/plain;charset=UTF-8"

static const char *str_of(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool true_of(const cJSON *obj, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

static void warn_key(struct mr_mockoon__conv *c, const char *key, const char *msg)
{
    size_t mark = mr_mockoon__push_key(c, key);
    mr_mockoon__warn(c, "%s", msg);
    mr_mockoon__pop(c, mark);
}

static const char *const callback_keys[] = {
    "uuid", "id",       "name",     "documentation",  "method",       "uri", "headers",
    "body", "bodyType", "filePath", "sendFileAsBody", "databucketID", NULL};

/* The callback methods Mockoon's schema accepts (lower case, as it stores them). */
static const char *const methods[] = {"get",  "post",    "put",      "patch",     "delete",
                                      "head", "options", "propfind", "proppatch", "move",
                                      "copy", "mkcol",   "lock",     "unlock",    NULL};

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* isBodySupportingMethod */
static bool sends_body(const char *method)
{
    return strcmp(method, "post") == 0 || strcmp(method, "put") == 0 ||
           strcmp(method, "patch") == 0;
}

/* mime-types' lookup (mime-db 1.52, as the CLI installs it) for the extensions a
 * callback's file most often has; NULL for the others, which keep mockrun's type. */
static const char *mime_of(const char *path)
{
    static const char *const map[][2] = {{"json", "application/json"},
                                         {"html", "text/html"},
                                         {"htm", "text/html"},
                                         {"txt", "text/plain"},
                                         {"xml", "application/xml"},
                                         {"csv", "text/csv"},
                                         {"js", "application/javascript"},
                                         {"css", "text/css"},
                                         {"yaml", "text/yaml"},
                                         {"yml", "text/yaml"},
                                         {"md", "text/markdown"},
                                         {"hbs", "text/x-handlebars-template"}};
    const char *dot = strrchr(path, '.');
    size_t i;

    if (!dot || strchr(dot, '/'))
        return NULL;
    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcasecmp(dot + 1, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

/* A unique id for a callback: its uuid when free, else its name, else "callback N";
 * "#2", "#3", ... after a name already taken. */
static char *callback_id(struct mr_mockoon__conv *c, const char *uuid, const char *name, size_t nth)
{
    char base[600], buf[620];
    unsigned n;
    size_t i;
    bool taken;

    if (uuid && *uuid)
        snprintf(base, sizeof(base), "%s", uuid);
    else if (name && *name)
        snprintf(base, sizeof(base), "%s", name);
    else
        snprintf(base, sizeof(base), "callback %zu", nth);
    snprintf(buf, sizeof(buf), "%s", base);
    for (n = 2;; n++) {
        taken = false;
        for (i = 0; i < c->ncallbacks && !taken; i++)
            taken = c->callbacks[i].id && strcmp(c->callbacks[i].id, buf) == 0;
        if (!taken || n > 100000)
            break;
        snprintf(buf, sizeof(buf), "%s #%u", base, n);
    }
    return strdup(buf);
}

/* The scenario's allowHosts gets `host` (once): Mockoon sends callbacks anywhere. */
static void allow_host(struct mr_mockoon__conv *c, const char *host)
{
    const cJSON *h;

    if (!c->allow_hosts)
        c->allow_hosts = cJSON_CreateArray();
    cJSON_ArrayForEach(h, c->allow_hosts)
    {
        if (strcasecmp(h->valuestring, host) == 0)
            return;
    }
    mr_mockoon__append(c, c->allow_hosts, cJSON_CreateString(host));
}

/*
 * `uri` → the callback's `url` (and `service` for a path on the mock itself).
 * Returns false, with a warning, when mockrun cannot send it.
 */
static bool convert_uri(struct mr_mockoon__conv *c, const char *uri, cJSON *out)
{
    size_t mark = mr_mockoon__push_key(c, "uri");
    bool tpl = uri && mr_template_detect(uri, strlen(uri)), ok = false;
    char why[300];
    struct mr_error e;

    memset(&e, 0, sizeof(e));
    if (!uri || !*uri) {
        mr_mockoon__warn(c, "no URL: Mockoon cannot send the callback; callback dropped");
    } else if (tpl && !mr_mockoon__template_ok(c, uri, MR_TPL_NONE, why, sizeof(why))) {
        mr_mockoon__warn(c, "mockrun cannot render this URL's template (%s); callback dropped",
                         why);
    } else if (uri[0] == '/') {
        /* a path on the mock itself, behind the prefix, as Mockoon adds it */
        struct mr_buf path;
        mr_buf_init(&path);
        if (c->prefix && *c->prefix) {
            mr_buf_putc(&path, '/');
            mr_buf_puts(&path, c->prefix);
        }
        mr_buf_puts(&path, uri);
        if (path.failed) {
            c->nomem = true;
        } else if (!tpl && mr_hookurl_check_path(path.data, path.len, &e) != 0) {
            mr_mockoon__warn(c, "mockrun cannot send to the path \"%s\": %s; callback dropped",
                             mr_buf_cstr(&path), e.msg);
        } else {
            mr_mockoon__add(c, out, "service", cJSON_CreateString(c->service));
            mr_mockoon__add(c, out, "url", cJSON_CreateString(mr_buf_cstr(&path)));
            ok = true;
        }
        mr_buf_release(&path);
    } else if (tpl) {
        /* checked each time it is rendered */
        mr_mockoon__add(c, out, "url", cJSON_CreateString(uri));
        ok = true;
    } else {
        struct mr_hookurl u;
        if (mr_hookurl_parse(&u, uri, strlen(uri), &e) != 0) {
            mr_mockoon__warn(c, "mockrun cannot send to \"%s\": %s; callback dropped", uri, e.msg);
        } else {
            if (!mr_hookurl_is_loopback(&u)) {
                mr_mockoon__warn(c,
                                 "host \"%s\" is not loopback: named in the scenario's "
                                 "\"allowHosts\" (mockrun keeps callbacks on this machine "
                                 "unless a scenario names the host: one that imports this "
                                 "environment names it in its own)",
                                 u.host);
                allow_host(c, u.host);
            }
            mr_mockoon__add(c, out, "url", cJSON_CreateString(uri));
            ok = true;
        }
    }
    mr_mockoon__pop(c, mark);
    return ok;
}

/* Whether `s` is a template mockrun compiles, or holds no template at all. */
static bool renders(struct mr_mockoon__conv *c, const char *s, enum mr_tpl_escape esc, char *why,
                    size_t whysize)
{
    return !mr_template_detect(s, strlen(s)) || mr_mockoon__template_ok(c, s, esc, why, whysize);
}

/*
 * The inline body `body` as the callback's `body`: rendered as a template
 * when mockrun can (Mockoon always renders it unless the response disables
 * templating: the uses warn about that), else quoted so that it goes out as
 * written. *tpl says whether it is a template.
 */
static void inline_body(struct mr_mockoon__conv *c, const char *body, cJSON *out, bool *tpl)
{
    char why[300];

    *tpl = false;
    if (!body || !*body)
        return;
    if (renders(c, body, MR_TPL_HTML, why, sizeof(why))) {
        *tpl = mr_template_detect(body, strlen(body));
        mr_mockoon__add(c, out, "body", cJSON_CreateString(body));
        return;
    }
    {
        struct mr_buf q;
        size_t mark = mr_mockoon__push_key(c, "body");
        mr_buf_init(&q);
        if (mr_template_quote(&q, body, strlen(body)) && !q.failed) {
            mr_mockoon__warn(c, "mockrun cannot render this template (%s); sent as it is", why);
            mr_mockoon__add(c, out, "body", cJSON_CreateString(mr_buf_cstr(&q)));
        } else if (q.failed) {
            c->nomem = true;
        } else {
            mr_mockoon__warn(c, "mockrun cannot render this template (%s); an empty body is sent",
                             why);
        }
        mr_buf_release(&q);
        mr_mockoon__pop(c, mark);
    }
}

/* A FILE body: `file`, typed and templated as Mockoon does; false to send the inline
 * body instead (a warning says why). */
static bool file_body(struct mr_mockoon__conv *c, const cJSON *cb, const char *file, cJSON *headers,
                      cJSON *out)
{
    bool file_tpl = mr_template_detect(file, strlen(file));
    size_t mark = mr_mockoon__push_key(c, "filePath");
    char why[300];

    if (file[0] == '/' || file[0] == '\\' || (isalpha((unsigned char)file[0]) && file[1] == ':')) {
        mr_mockoon__warn(c,
                         "absolute file path \"%s\" is not supported (mockrun sends files inside "
                         "the scenario's folder); the inline body is sent",
                         file);
        mr_mockoon__pop(c, mark);
        return false;
    }
    if (file_tpl && !mr_mockoon__template_ok(c, file, MR_TPL_NONE, why, sizeof(why))) {
        mr_mockoon__warn(c,
                         "mockrun cannot render this path's template (%s); the inline body is "
                         "sent",
                         why);
        mr_mockoon__pop(c, mark);
        return false;
    }
    mr_mockoon__add(c, out, "file", cJSON_CreateString(file));
    /* MimeTypesWithTemplating only: a callback's file is not rendered for .handlebars */
    if (mr_mockoon__templated_file(file, false)) {
        if (file_tpl)
            mr_mockoon__warn(c, "the file's content is sent as it is: mockrun renders a "
                                "templated path or a file's content, not both");
        else
            mr_mockoon__add(c, out, "template", cJSON_CreateTrue());
    }
    mr_mockoon__pop(c, mark);
    if (!file_tpl && !cJSON_GetObjectItem(headers, "Content-Type")) {
        const char *base = strrchr(file, '/');
        if (mime_of(file))
            mr_mockoon__add(c, headers, "Content-Type", cJSON_CreateString(mime_of(file)));
        else if (!strchr(base ? base : file, '.'))
            /* no MIME type: fetch types the content, a string, as text */
            mr_mockoon__add(c, headers, "Content-Type", cJSON_CreateString(FETCH_TEXT_TYPE));
    }
    if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(cb, "sendFileAsBody")))
        warn_key(c, "sendFileAsBody",
                 "a file sent as multipart form data is not supported; its content is sent as "
                 "the body");
    return true;
}

/* Converts one Mockoon callback (at the current path), or NULL when it is dropped. */
static cJSON *convert_callback(struct mr_mockoon__conv *c, const cJSON *cb, const char *id,
                               bool *body_tpl)
{
    const char *method = str_of(cb, "method"), *type = str_of(cb, "bodyType");
    const char *file = str_of(cb, "filePath"), *name = str_of(cb, "name");
    const char *bucket = str_of(cb, "databucketID");
    const cJSON *hl = cJSON_GetObjectItemCaseSensitive(cb, "headers");
    cJSON *out = cJSON_CreateObject(), *headers = NULL;
    char up[16];
    size_t i;

    *body_tpl = false;
    if (!out) {
        c->nomem = true;
        return NULL;
    }
    mr_mockoon__warn_unknown_keys(c, cb, callback_keys);
    mr_mockoon__add(c, out, "id", cJSON_CreateString(id));
    if (name && *name && strcmp(name, id) != 0)
        mr_mockoon__add(c, out, "description", cJSON_CreateString(name));
    if (!method) {
        method = "post"; /* the CLI's default, which it gives a callback without one */
    } else if (!in_list(method, methods)) {
        /* the CLI repairs it to its default when it loads the environment */
        size_t mark = mr_mockoon__push_key(c, "method");
        mr_mockoon__warn(c,
                         "method \"%s\" is not one of Mockoon's; POST is used, as the CLI "
                         "repairs it",
                         method);
        mr_mockoon__pop(c, mark);
        method = "post";
    }
    for (i = 0; method[i] && i + 1 < sizeof(up); i++)
        up[i] = (char)toupper((unsigned char)method[i]);
    up[i] = '\0';
    mr_mockoon__add(c, out, "method", cJSON_CreateString(up));
    if (!convert_uri(c, str_of(cb, "uri"), out)) {
        cJSON_Delete(out);
        return NULL;
    }
    if (cJSON_IsArray(hl) && cJSON_GetArraySize(hl) > 0) {
        size_t mark = mr_mockoon__push_key(c, "headers");
        headers = mr_mockoon__headers(c, hl, true);
        mr_mockoon__pop(c, mark);
    }
    if (!headers)
        headers = cJSON_CreateObject();
    if (sends_body(method)) {
        if (type && strcmp(type, "DATABUCKET") == 0 && bucket && *bucket) {
            warn_key(c, "databucketID",
                     "a body from a data bucket is not supported; an empty body is sent");
        } else if (type && strcmp(type, "FILE") == 0 && file && *file &&
                   file_body(c, cb, file, headers, out)) {
            /* Mockoon sends a file it cannot read nowhere; mockrun refuses it when loading */
        } else {
            if (type && strcmp(type, "INLINE") != 0 && strcmp(type, "FILE") != 0 &&
                strcmp(type, "DATABUCKET") != 0)
                warn_key(c, "bodyType", "this body type is not Mockoon's; the inline body is sent");
            inline_body(c, str_of(cb, "body"), out, body_tpl);
        }
        if (!cJSON_GetObjectItem(out, "file") && !cJSON_GetObjectItem(headers, "Content-Type"))
            mr_mockoon__add(c, headers, "Content-Type", cJSON_CreateString(FETCH_TEXT_TYPE));
    }
    if (cJSON_GetArraySize(headers) > 0)
        mr_mockoon__add(c, out, "headers", headers);
    else
        cJSON_Delete(headers);
    *body_tpl = *body_tpl || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "template"));
    return out;
}

void mr_mockoon__callbacks(struct mr_mockoon__conv *c, const cJSON *env, cJSON *svc)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(env, "callbacks"), *cb;
    size_t mark, i = 0, n;
    cJSON *arr;

    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
        return;
    n = (size_t)cJSON_GetArraySize(list);
    c->callbacks = calloc(n, sizeof(*c->callbacks));
    arr = cJSON_CreateArray();
    if (!c->callbacks || !arr) {
        cJSON_Delete(arr);
        c->nomem = true;
        return;
    }
    mark = mr_mockoon__push_key(c, "callbacks");
    cJSON_ArrayForEach(cb, list)
    {
        size_t m2 = mr_mockoon__push_index(c, i++);
        struct mr_mockoon__callback *t = &c->callbacks[c->ncallbacks];
        cJSON *out;
        if (!cJSON_IsObject(cb)) {
            mr_mockoon__warn(c, "a callback must be an object; callback dropped");
            mr_mockoon__pop(c, m2);
            continue;
        }
        t->uuid = str_of(cb, "uuid");
        t->id = callback_id(c, t->uuid, str_of(cb, "name"), i);
        if (!t->id)
            c->nomem = true;
        c->ncallbacks++;
        out = t->id ? convert_callback(c, cb, t->id, &t->body_tpl) : NULL;
        if (out) {
            mr_mockoon__append(c, arr, out);
        } else {
            free(t->id); /* dropped: its uses are left out without a word */
            t->id = NULL;
        }
        mr_mockoon__pop(c, m2);
    }
    mr_mockoon__pop(c, mark);
    if (cJSON_GetArraySize(arr) > 0)
        mr_mockoon__add(c, svc, "callbacks", arr);
    else
        cJSON_Delete(arr);
}

void mr_mockoon__response_callbacks(struct mr_mockoon__conv *c, const cJSON *r, double delay_ms,
                                    cJSON *out)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(r, "callbacks"), *use;
    size_t mark, i = 0;
    cJSON *arr;

    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
        return;
    arr = cJSON_CreateArray();
    mark = mr_mockoon__push_key(c, "callbacks");
    cJSON_ArrayForEach(use, list)
    {
        size_t m2 = mr_mockoon__push_index(c, i++), k;
        const char *uuid = str_of(use, "uuid");
        const cJSON *lat = cJSON_GetObjectItemCaseSensitive(use, "latency");
        double total = delay_ms;
        cJSON *u;
        for (k = 0; uuid && k < c->ncallbacks; k++)
            if (c->callbacks[k].uuid && strcmp(c->callbacks[k].uuid, uuid) == 0)
                break;
        if (!uuid || k == c->ncallbacks) {
            /* executeCallbacks skips it */
            mr_mockoon__warn(c, "no callback of the environment has uuid \"%s\"; ignored",
                             uuid ? uuid : "");
            mr_mockoon__pop(c, m2);
            continue;
        }
        if (!c->callbacks[k].id) {
            mr_mockoon__pop(c, m2);
            continue;
        }
        if (cJSON_IsNumber(lat) && lat->valuedouble >= 1)
            total += floor(lat->valuedouble);
        u = cJSON_CreateObject();
        mr_mockoon__add(c, u, "callback", cJSON_CreateString(c->callbacks[k].id));
        if (total > 600000) {
            mr_mockoon__warn(c,
                             "the callback is sent %.0f ms after the request, over mockrun's "
                             "600000 ms; 600000 is used",
                             total);
            total = 600000;
        }
        if (total >= 1)
            mr_mockoon__add(c, u, "delayMs", cJSON_CreateNumber(total));
        if (c->callbacks[k].body_tpl && true_of(r, "disableTemplating"))
            mr_mockoon__warn(c,
                             "the response disables templating, so Mockoon sends this callback's "
                             "body as written; mockrun renders it");
        mr_mockoon__append(c, arr, u);
        mr_mockoon__pop(c, m2);
    }
    mr_mockoon__pop(c, mark);
    if (cJSON_GetArraySize(arr) > 0)
        mr_mockoon__add(c, out, "callbacks", arr);
    else
        cJSON_Delete(arr);
}

void mr_mockoon__callbacks_release(struct mr_mockoon__conv *c)
{
    size_t i;
    for (i = 0; i < c->ncallbacks; i++)
        free(c->callbacks[i].id);
    free(c->callbacks);
    c->callbacks = NULL;
    c->ncallbacks = 0;
    cJSON_Delete(c->allow_hosts);
    c->allow_hosts = NULL;
}
