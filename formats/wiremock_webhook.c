/*
 * wiremock_webhook.c - a stub's webhooks → mockrun callbacks.
 *
 * The semantics are WireMock 3.13's org.wiremock.webhooks: a stub's
 * `postServeActions` (a list of {name, parameters}, or the older object
 * {name: parameters}) run first, then its `serveEventListeners` ({name,
 * requestPhases, parameters}; a listener runs only when requestPhases is
 * absent or names AFTER_COMPLETE), both once the response has been sent.
 * The "webhook" one (WebhookDefinition.from) reads `method` (GET when
 * absent), `url`, `headers` (a value or a list of values), `body` or else
 * `base64Body`, sent only with POST, PUT and PATCH (RequestMethod.hasEntity),
 * and `delay` ({"type": "fixed", "milliseconds"} or {"type": "uniform",
 * "lower", "upper"}), after which it is sent. The method, URL, headers and
 * body are templates (always, whatever the response's transformers say),
 * whose model calls the triggering request `originalRequest`. The client
 * (Apache HttpClient) leaves out Content-Length, Transfer-Encoding,
 * Connection, Upgrade and User-Agent, and sends no Content-Type of its own.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/hookurl.h"
#include "common/text.h"
#include "formats/wiremock_internal.h"
#include "templates/template.h"

#define MAX_DELAY_MS 600000

/* What a webhook's templates are translated with. */
struct hook {
    struct mr_wm *c;
    const struct mr_wm_request *rq;
};

/* Whether s is in list (NULL-terminated); header names are compared without case. */
static bool in_list(const char *s, const char *const *list, bool nocase)
{
    for (; *list; list++)
        if ((nocase ? strcasecmp(s, *list) : strcmp(s, *list)) == 0)
            return true;
    return false;
}

/*
 * A string of the webhook as a mockrun template: translated when it holds
 * "{{" (a warning, and the text kept as written, quoted, when it cannot be);
 * NULL with a warning when neither works, or when out of memory. `key`
 * names the member for the warning.
 */
static char *tpl(struct hook *h, const char *key, const char *s)
{
    struct mr_buf b;
    char why[200];
    char *r;

    mr_buf_init(&b);
    if (!mr_template_detect(s, strlen(s))) {
        mr_buf_puts(&b, s);
    } else if (!mr_wm__template(s, strlen(s), "originalRequest", h->rq->params, h->rq->nparams, &b,
                                why, sizeof(why))) {
        mr_buf_release(&b);
        mr_buf_init(&b);
        if (strcmp(why, "out of memory") == 0) {
            h->c->nomem = true;
        } else if (mr_template_quote(&b, s, strlen(s))) {
            mr_wm__warn_at(h->c, key, "%s is not supported; sent as written, without templating",
                           why);
        } else {
            mr_wm__warn_at(h->c, key, "%s is not supported; left out", why);
            mr_buf_release(&b);
            return NULL;
        }
    }
    r = mr_buf_detach(&b, NULL);
    if (!r)
        h->c->nomem = true;
    return r;
}

/* The allowHosts of the scenario gets `host` (once): WireMock sends webhooks anywhere. */
static void allow_host(struct mr_wm *c, const char *host)
{
    const cJSON *x;

    if (!c->allow_hosts && !(c->allow_hosts = cJSON_CreateArray())) {
        c->nomem = true;
        return;
    }
    cJSON_ArrayForEach(x, c->allow_hosts)
    {
        if (strcasecmp(x->valuestring, host) == 0)
            return;
    }
    mr_wm__append(c, c->allow_hosts, cJSON_CreateString(host));
}

/* `url` → out's "url"; false (with a warning) when mockrun cannot send the webhook. */
static bool url(struct hook *h, const cJSON *p, cJSON *out)
{
    struct mr_wm *c = h->c;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "url");
    struct mr_error e;
    struct mr_hookurl u;
    struct mr_buf b;
    char why[200];
    bool ok = false;

    if (!cJSON_IsString(v) || !*v->valuestring) {
        mr_wm__warn(c, "a webhook without a \"url\" is never sent; webhook dropped");
        return false;
    }
    memset(&e, 0, sizeof(e));
    mr_buf_init(&b);
    if (mr_template_detect(v->valuestring, strlen(v->valuestring))) {
        /* checked each time it is rendered */
        if (mr_wm__template(v->valuestring, strlen(v->valuestring), "originalRequest",
                            h->rq->params, h->rq->nparams, &b, why, sizeof(why))) {
            mr_wm__add(c, out, "url", cJSON_CreateString(mr_buf_cstr(&b)));
            ok = !b.failed;
        } else if (strcmp(why, "out of memory") == 0) {
            c->nomem = true;
        } else {
            mr_wm__warn_at(c, "url", "%s is not supported; webhook dropped", why);
        }
    } else if (mr_hookurl_parse(&u, v->valuestring, strlen(v->valuestring), &e) != 0) {
        mr_wm__warn_at(c, "url", "mockrun cannot send to \"%s\": %s; webhook dropped",
                       v->valuestring, e.msg);
    } else {
        if (!mr_hookurl_is_loopback(&u)) {
            mr_wm__warn_at(c, "url",
                           "host \"%s\" is not loopback: named in the scenario's \"allowHosts\" "
                           "(mockrun keeps callbacks on this machine unless a scenario names the "
                           "host: one that imports these mappings names it in its own)",
                           u.host);
            allow_host(c, u.host);
        }
        mr_wm__add(c, out, "url", cJSON_CreateString(v->valuestring));
        ok = true;
    }
    mr_buf_release(&b);
    if (b.failed)
        c->nomem = true;
    return ok;
}

/* A header value as WireMock's getHeaderValues gives it (obj.toString()), or NULL. */
static const char *header_text(const cJSON *v, char *buf, size_t size)
{
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "true" : "false";
    if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
        fabs(v->valuedouble) < 1e15) {
        snprintf(buf, size, "%.0f", v->valuedouble);
        return buf;
    }
    return NULL;
}

/* `headers` → out's "headers"; *content_type says whether one is a Content-Type. */
static void headers(struct hook *h, const cJSON *p, cJSON *out, bool *content_type)
{
    /* the client's own (HttpClient.FORBIDDEN_REQUEST_HEADERS); mockrun's are its own too */
    static const char *const own[] = {"Content-Length", "Transfer-Encoding", "Connection",
                                      "Upgrade",        "User-Agent",        NULL};
    struct mr_wm *c = h->c;
    const cJSON *hs = cJSON_GetObjectItemCaseSensitive(p, "headers"), *x;
    cJSON *o;
    size_t m;

    *content_type = false;
    if (!hs || cJSON_IsNull(hs))
        return;
    m = mr_wm__push_key(c, "headers");
    if (!cJSON_IsObject(hs)) {
        mr_wm__warn(c, "expected an object of header names and values; ignored");
        mr_wm__pop(c, m);
        return;
    }
    o = cJSON_CreateObject();
    cJSON_ArrayForEach(x, hs)
    {
        struct mr_buf joined;
        const char *name = x->string, *text;
        char num[40], *s;
        bool many = cJSON_IsArray(x), bad = false;
        const cJSON *item;
        mr_buf_init(&joined);
        if (many) {
            cJSON_ArrayForEach(item, x)
            {
                text = header_text(item, num, sizeof(num));
                bad |= !text;
                if (text) {
                    if (joined.len)
                        mr_buf_puts(&joined, ", ");
                    mr_buf_puts(&joined, text);
                }
            }
        } else if ((text = header_text(x, num, sizeof(num))) != NULL) {
            mr_buf_puts(&joined, text);
        } else {
            bad = true;
        }
        if (!mr_http_token(name)) {
            mr_wm__warn_at(c, name, "not a valid header name; header dropped");
        } else if (in_list(name, own, true)) {
            /* WireMock's client sets it, or leaves it out; so does mockrun's */
        } else if (bad) {
            mr_wm__warn_at(c, name, "expected a string, or a list of strings; header dropped");
        } else if (strpbrk(mr_buf_cstr(&joined), "\r\n")) {
            mr_wm__warn_at(c, name, "a line break in the value; header dropped");
        } else if ((s = tpl(h, name, mr_buf_cstr(&joined))) != NULL) {
            if (many && cJSON_GetArraySize(x) > 1)
                mr_wm__warn_at(c, name,
                               "%d values are sent as one header, joined with \", \" (mockrun "
                               "sends a header once)",
                               cJSON_GetArraySize(x));
            *content_type |= strcasecmp(name, "Content-Type") == 0;
            mr_wm__add(c, o, name, cJSON_CreateString(s));
            free(s);
        }
        if (joined.failed)
            c->nomem = true;
        mr_buf_release(&joined);
    }
    mr_wm__pop(c, m);
    if (cJSON_GetArraySize(o) > 0)
        mr_wm__add(c, out, "headers", o);
    else
        cJSON_Delete(o);
}

/* `body` or `base64Body` → out's "body"; false when WireMock 3.13 fails on it. */
static bool body(struct hook *h, const cJSON *p, bool sends, bool content_type, cJSON *out)
{
    struct mr_wm *c = h->c;
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(p, "body");
    const cJSON *b64 = cJSON_GetObjectItemCaseSensitive(p, "base64Body");
    bool has = false;

    if (cJSON_IsNull(b))
        b = NULL;
    if (cJSON_IsNull(b64))
        b64 = NULL;
    if ((b && !cJSON_IsString(b)) || (!b && b64 && !cJSON_IsString(b64))) {
        /* Parameters.getString fails, and so does the webhook, at every request */
        mr_wm__warn_at(c, b ? "body" : "base64Body",
                       "not a string: WireMock 3.13 fails to read the webhook and never sends it; "
                       "webhook dropped");
        return false;
    }
    if (b && b64)
        mr_wm__warn_at(c, "base64Body", "\"body\" is given too and wins; ignored");
    if (!b && b64) {
        /* decoded when the webhook is read, whatever its method */
        struct mr_buf d;
        bool ok;
        mr_buf_init(&d);
        ok = mr_wm__b64decode(b64->valuestring, &d);
        mr_buf_release(&d);
        if (!ok) {
            mr_wm__warn_at(c, "base64Body",
                           "not valid base64: WireMock fails to read the webhook and never sends "
                           "it; webhook dropped");
            return false;
        }
    }
    if (!sends)
        return true; /* a GET, DELETE ... goes without it */
    if (b) {
        char *s = tpl(h, "body", b->valuestring);
        if (s && *s) {
            mr_wm__add(c, out, "body", cJSON_CreateString(s));
            has = true;
        }
        free(s);
    } else if (b64) {
        struct mr_buf d, q;
        size_t m = mr_wm__push_key(c, "base64Body");
        mr_buf_init(&d);
        mr_buf_init(&q);
        mr_wm__b64decode(b64->valuestring, &d); /* valid: checked above */
        if (d.failed) {
            c->nomem = true;
        } else if (!mr_wm__is_text(mr_buf_cstr(&d), d.len)) {
            mr_wm__warn(c, "a binary body cannot be written into a scenario; no body is sent");
        } else if (!mr_template_quote(&q, mr_buf_cstr(&d), d.len)) {
            /* WireMock does not render a base64 body; mockrun renders every body */
            mr_wm__warn(c, "\"\\{{\" cannot be sent as written (mockrun's bodies are templates); "
                           "no body is sent");
        } else if (q.len) {
            mr_wm__add(c, out, "body", cJSON_CreateString(mr_buf_cstr(&q)));
            has = !q.failed;
        }
        if (q.failed)
            c->nomem = true;
        mr_buf_release(&d);
        mr_buf_release(&q);
        mr_wm__pop(c, m);
    }
    if (has && !content_type)
        mr_wm__warn_at(c, b ? "body" : "base64Body",
                       "WireMock sends it without a Content-Type; mockrun sends text/plain; "
                       "charset=utf-8 (give the webhook a Content-Type header)");
    return true;
}

/* A whole number of milliseconds at obj[key] (a warning names what is wrong). */
static bool millis(struct mr_wm *c, const cJSON *obj, const char *key, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < 0) {
        mr_wm__warn_at(c, key, "expected a whole number of milliseconds; the delay is ignored");
        return false;
    }
    *out = v->valuedouble;
    return true;
}

/*
 * `delay` plus the time the response takes (`after`: its delayMs, a number or
 * {min, max}, and a dribble's overMs) → *lo..*hi: the webhook is scheduled
 * once the response has been sent.
 */
static void delay(struct hook *h, const cJSON *p, const cJSON *resp, double *lo, double *hi)
{
    struct mr_wm *c = h->c;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(p, "delay");
    const cJSON *rd = cJSON_GetObjectItemCaseSensitive(resp, "delayMs");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(resp, "fault");
    double a, b;

    *lo = *hi = 0;
    if (cJSON_IsNumber(rd)) {
        *lo = *hi = rd->valuedouble;
    } else if (cJSON_IsObject(rd)) {
        *lo = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(rd, "min"));
        *hi = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(rd, "max"));
    }
    if (cJSON_IsObject(f)) {
        double over = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(f, "dribble"), "overMs"));
        if (!isnan(over)) {
            *lo += over;
            *hi += over;
        }
    }
    if (d && !cJSON_IsNull(d)) {
        const char *type = mr_wm__str(d, "type");
        size_t m = mr_wm__push_key(c, "delay");
        if (!cJSON_IsObject(d) || !type) {
            mr_wm__warn(c, "expected {\"type\": \"fixed\", \"milliseconds\": n} or {\"type\": "
                           "\"uniform\", \"lower\": a, \"upper\": b}; ignored");
        } else if (strcmp(type, "fixed") == 0) {
            if (millis(c, d, "milliseconds", &a)) {
                *lo += a;
                *hi += a;
            }
        } else if (strcmp(type, "uniform") == 0) {
            if (millis(c, d, "lower", &a) && millis(c, d, "upper", &b)) {
                if (a > b) {
                    mr_wm__warn(c, "lower is greater than upper; ignored");
                } else {
                    *lo += a;
                    *hi += b;
                }
            }
        } else {
            mr_wm__warn(c,
                        "the %s distribution is not supported (mockrun's delays are fixed or "
                        "uniform); ignored",
                        type);
        }
        mr_wm__pop(c, m);
    }
    if (*hi > MAX_DELAY_MS) {
        mr_wm__warn_at(c, "delay",
                       "the webhook is sent up to %.0f ms after the request, over mockrun's %d "
                       "ms; the delay is capped there",
                       *hi, MAX_DELAY_MS);
        *hi = MAX_DELAY_MS;
        *lo = *lo > MAX_DELAY_MS ? MAX_DELAY_MS : *lo;
    }
}

static const char *const parameter_keys[] = {"method",     "url",   "headers", "body",
                                             "base64Body", "delay", NULL};

/* One webhook's parameters (the current path) → a callback, or NULL when it is dropped. */
static cJSON *webhook(struct hook *h, const cJSON *p, const cJSON *resp)
{
    struct mr_wm *c = h->c;
    const cJSON *mv = cJSON_GetObjectItemCaseSensitive(p, "method"), *x;
    cJSON *out;
    char method[40];
    const char *m;
    bool content_type, sends;
    double lo, hi;
    size_t i;

    if (!cJSON_IsObject(p)) {
        mr_wm__warn(c, "a webhook without \"parameters\" is never sent; webhook dropped");
        return NULL;
    }
    cJSON_ArrayForEach(x, p)
    {
        if (!in_list(x->string, parameter_keys, false))
            mr_wm__warn_at(c, x->string,
                           "not converted (WireMock's templates see it as parameters.%s); ignored",
                           x->string);
    }
    if (!mv || cJSON_IsNull(mv))
        m = "GET"; /* WebhookDefinition.from's default */
    else
        m = cJSON_IsString(mv) ? mv->valuestring : NULL;
    if (!m || mr_template_detect(m, strlen(m)) || strlen(m) >= sizeof(method) ||
        !mr_http_method(m) || strcasecmp(m, "ANY") == 0) {
        mr_wm__warn_at(c, "method", "%s; webhook dropped",
                       m && mr_template_detect(m, strlen(m))
                           ? "a templated method is not supported"
                           : "expected an HTTP method such as \"POST\"");
        return NULL;
    }
    for (i = 0; m[i]; i++)
        method[i] = (char)toupper((unsigned char)m[i]);
    method[i] = '\0';
    sends =
        strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0;
    if (!(out = cJSON_CreateObject())) {
        c->nomem = true;
        return NULL;
    }
    mr_wm__add(c, out, "method", cJSON_CreateString(method));
    if (!url(h, p, out)) {
        cJSON_Delete(out);
        return NULL;
    }
    headers(h, p, out, &content_type);
    if (!body(h, p, sends, content_type, out)) {
        cJSON_Delete(out);
        return NULL;
    }
    delay(h, p, resp, &lo, &hi);
    if (hi > lo) {
        cJSON *r = cJSON_CreateObject();
        mr_wm__add(c, r, "min", cJSON_CreateNumber(lo));
        mr_wm__add(c, r, "max", cJSON_CreateNumber(hi));
        mr_wm__add(c, out, "delayMs", r);
    } else if (lo > 0) {
        mr_wm__add(c, out, "delayMs", cJSON_CreateNumber(lo));
    }
    return out;
}

/* Whether requestPhases (absent, or a list) lets the webhook run: AFTER_COMPLETE. */
static bool after_complete(struct mr_wm *c, const cJSON *phases)
{
    const cJSON *x;
    if (!phases || cJSON_IsNull(phases))
        return true;
    cJSON_ArrayForEach(x, phases)
    {
        if (cJSON_IsString(x) && strcmp(x->valuestring, "AFTER_COMPLETE") == 0)
            return true;
    }
    mr_wm__warn_at(c, "requestPhases",
                   "the webhook runs only after the response is complete (AFTER_COMPLETE), which "
                   "this list leaves out, so WireMock never sends it; webhook dropped");
    return false;
}

/* One action or listener (the current path): {name, parameters[, requestPhases]}. */
static void one(struct hook *h, const char *name, const cJSON *params, const cJSON *phases,
                const cJSON *resp, cJSON *arr)
{
    struct mr_wm *c = h->c;
    cJSON *cb;

    if (!name || strcmp(name, "webhook") != 0) {
        mr_wm__warn(c, "the extension %s%s%s is not supported; ignored", name ? "\"" : "",
                    name ? name : "without a name", name ? "\"" : "");
        return;
    }
    if (!after_complete(c, phases))
        return;
    if (params) {
        size_t m = mr_wm__push_key(c, "parameters");
        cb = webhook(h, params, resp);
        mr_wm__pop(c, m);
    } else {
        cb = webhook(h, NULL, resp);
    }
    if (cb)
        mr_wm__append(c, arr, cb);
}

/* A list of {name, parameters} (or the object {name: parameters} for postServeActions). */
static void list(struct hook *h, const cJSON *stub, const char *key, const cJSON *resp, cJSON *arr)
{
    struct mr_wm *c = h->c;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(stub, key), *x;
    size_t m, i = 0;

    if (!v || cJSON_IsNull(v))
        return;
    m = mr_wm__push_key(c, key);
    if (cJSON_IsObject(v) && key[0] == 'p') {
        /* the older form: {"webhook": {...}} */
        cJSON_ArrayForEach(x, v)
        {
            size_t m2 = mr_wm__push_key(c, x->string);
            if (strcmp(x->string, "webhook") == 0) {
                cJSON *cb = webhook(h, cJSON_IsObject(x) ? x : NULL, resp);
                if (cb)
                    mr_wm__append(c, arr, cb);
            } else {
                mr_wm__warn(c, "the extension \"%s\" is not supported; ignored", x->string);
            }
            mr_wm__pop(c, m2);
        }
    } else if (!cJSON_IsArray(v)) {
        mr_wm__warn(c, "expected a list; ignored");
    } else {
        cJSON_ArrayForEach(x, v)
        {
            size_t m2 = mr_wm__push_index(c, i++);
            if (!cJSON_IsObject(x)) {
                mr_wm__warn(c, "expected {\"name\": ..., \"parameters\": ...}; ignored");
            } else {
                const cJSON *params = cJSON_GetObjectItemCaseSensitive(x, "parameters");
                one(h, mr_wm__str(x, "name"), cJSON_IsObject(params) ? params : NULL,
                    key[0] == 's' ? cJSON_GetObjectItemCaseSensitive(x, "requestPhases") : NULL,
                    resp, arr);
            }
            mr_wm__pop(c, m2);
        }
    }
    mr_wm__pop(c, m);
}

cJSON *mr_wm__webhooks(struct mr_wm *c, const cJSON *stub, const struct mr_wm_request *rq,
                       const cJSON *resp)
{
    struct hook h;
    cJSON *arr = cJSON_CreateArray();

    if (!arr) {
        c->nomem = true;
        return NULL;
    }
    h.c = c;
    h.rq = rq;
    list(&h, stub, "postServeActions", resp, arr);
    list(&h, stub, "serveEventListeners", resp, arr);
    if (cJSON_GetArraySize(arr) == 0 || c->nomem) {
        cJSON_Delete(arr);
        return NULL;
    }
    return arr;
}
