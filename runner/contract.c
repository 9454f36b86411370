/*
 * contract.c - services' OpenAPI contracts: mocked answers checked against
 * the spec before the run, recorded calls after it (see contract.h).
 *
 * Findings are lines of text, kept per service in two lists (answers and
 * calls). A call's finding is kept once per operation and wording, with the
 * first call's number and a count, so that a test suite making the same
 * wrong call a thousand times gets one line, not a thousand.
 */
#include "runner/contract.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/text.h"
#include "openapi/jsonschema.h"
#include "openapi/spec.h"

/* Findings listed in a case's detail; past them they are only counted. */
#define MAX_LISTED 50
/* Bytes of a fixed `file` body read to check it. */
#define FILE_BODY_MAX (8u << 20)

struct finding {
    char *text;
    uint64_t first; /* calls: the first call's number; 0 for answers */
    uint64_t count; /* calls: how many calls */
};

struct findings {
    struct finding *items;
    size_t n, cap;
    size_t dropped; /* past MAX_LISTED distinct lines */
    bool nomem;
};

/* A document, read once however many services name it. */
struct doc {
    char *path;
    struct mr_openapi *spec;
    struct mr_jsonschema *schemas;
    const char *name; /* the file's last component, for schema locations */
};

struct service_contract {
    size_t service;
    struct doc *doc;
    struct findings answers; /* mocked answers that disagree */
    size_t answers_checked;
    size_t answers_later; /* templated: checked on the calls */
};

struct mr_contracts {
    const struct mr_scenario *sc;
    struct doc *docs;
    size_t ndocs;
    struct service_contract *services;
    size_t nservices;
};

/* ---- findings ---------------------------------------------------------- */

static void findings_release(struct findings *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->items[i].text);
    free(f->items);
}

static size_t findings_total(const struct findings *f)
{
    return f->n + f->dropped;
}

/* Adds `text` (taken), or counts one more call for the same text. */
static void findings_take(struct findings *f, char *text, uint64_t call)
{
    size_t i;

    if (!text) {
        f->nomem = true;
        return;
    }
    for (i = 0; call && i < f->n; i++) {
        if (strcmp(f->items[i].text, text) == 0) {
            f->items[i].count++;
            free(text);
            return;
        }
    }
    if (f->n == MAX_LISTED) {
        f->dropped++;
        free(text);
        return;
    }
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        struct finding *items = realloc(f->items, cap * sizeof(*items));
        if (!items) {
            f->nomem = true;
            free(text);
            return;
        }
        f->items = items;
        f->cap = cap;
    }
    f->items[f->n++] = (struct finding){text, call, 1};
}

/* ---- text -------------------------------------------------------------- */

/* A JSON Pointer into a value as mockrun's messages write paths:
 * "/items/0/price" after "body" is body.items[0].price. */
static void put_pointer(struct mr_buf *b, const char *ptr)
{
    while (*ptr == '/') {
        const char *tok = ptr + 1, *end = tok + strcspn(tok, "/");
        struct mr_buf name;
        bool digits = end > tok, ident = end > tok;

        mr_buf_init(&name);
        for (const char *r = tok; r < end; r++) {
            bool escape = r[0] == '~' && r + 1 < end && (r[1] == '0' || r[1] == '1');
            char ch = escape ? (r[1] == '0' ? '~' : '/') : *r;
            unsigned char u = (unsigned char)ch;
            digits = digits && isdigit(u);
            ident = ident && (isalpha(u) || ch == '_' || ch == '$' || (name.len > 0 && isdigit(u)));
            mr_buf_putc(&name, ch);
            r += escape;
        }
        if (digits)
            mr_buf_printf(b, "[%s]", mr_buf_cstr(&name));
        else if (ident)
            mr_buf_printf(b, ".%s", mr_buf_cstr(&name));
        else if (mr_buf_putc(b, '[') && mr_buf_put_json_string(b, mr_buf_cstr(&name), name.len))
            mr_buf_putc(b, ']');
        mr_buf_release(&name);
        ptr = end;
    }
}

/* "<what> <message> (<doc>#/schema/location)" for each violation, each
 * line after `head` ("route \"x\" (GET /a), 200 answer: "). */
static void add_violations(struct findings *f, const char *head, const char *what,
                           const struct doc *d, const struct mr_jsonschema_result *res,
                           uint64_t call)
{
    for (size_t i = 0; i < res->count; i++) {
        const struct mr_jsonschema_violation *v = &res->items[i];
        struct mr_buf b;

        mr_buf_init(&b);
        mr_buf_printf(&b, "%s%s", head, what);
        put_pointer(&b, v->instance);
        mr_buf_printf(&b, " %s (%s%s)", v->message, d->name, v->schema);
        findings_take(f, mr_buf_detach(&b, NULL), call);
    }
    if (res->dropped) {
        struct mr_buf b;
        mr_buf_init(&b);
        mr_buf_printf(&b, "%s%s: %zu more violations", head, what, res->dropped);
        findings_take(f, mr_buf_detach(&b, NULL), call);
    }
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *format(const char *fmt, ...)
{
    struct mr_buf b;
    va_list ap;
    char small[1024];
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    if ((size_t)n < sizeof(small))
        return strdup(small);
    mr_buf_init(&b);
    if (!mr_buf_reserve(&b, (size_t)n + 1))
        return NULL;
    va_start(ap, fmt);
    vsnprintf(b.data, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b.len = (size_t)n;
    return mr_buf_detach(&b, NULL);
}

/* The media types of a content map, "application/json or text/plain". */
static void put_types(struct mr_buf *b, const struct mr_openapi_media *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mr_buf_printf(b, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", m[i].type);
}

/* Whether a media type's bodies are JSON: application/json, anything+json. */
static bool json_type(const char *type)
{
    size_t n = strcspn(type, ";");

    while (n > 0 && type[n - 1] == ' ')
        n--;
    return (n >= 4 && strncasecmp(type + n - 4, "json", 4) == 0);
}

/* ---- loading ------------------------------------------------------------ */

static const char *last_component(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int load_doc(struct doc *d, const char *path, struct mr_error *err)
{
    struct mr_jsonschema_options o;
    int rc;

    memset(d, 0, sizeof(*d));
    if (!(d->path = strdup(path)))
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    d->name = last_component(d->path);
    if ((rc = mr_openapi_load(&d->spec, path, err)) != 0)
        return rc;
    memset(&o, 0, sizeof(o));
    o.dialect = mr_openapi_is_31(d->spec) ? MR_JSONSCHEMA_2020_12 : MR_JSONSCHEMA_OPENAPI30;
    return mr_jsonschema_new(&d->schemas, mr_openapi_root(d->spec), &o, err);
}

static void check_mocks(struct mr_contracts *c, struct service_contract *sv);

int mr_contracts_load(struct mr_contracts **out, const struct mr_scenario *sc, struct mr_error *err)
{
    struct mr_contracts *c;
    size_t i, k, n = 0;
    int rc;

    *out = NULL;
    for (i = 0; i < sc->nservices; i++)
        n += sc->services[i].openapi != NULL;
    if (n == 0)
        return 0;
    if (!(c = calloc(1, sizeof(*c))) || !(c->docs = calloc(n, sizeof(*c->docs))) ||
        !(c->services = calloc(n, sizeof(*c->services)))) {
        mr_contracts_free(c);
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    }
    c->sc = sc;
    for (i = 0; i < sc->nservices; i++) {
        const char *path = sc->services[i].openapi;
        struct service_contract *sv;

        if (!path)
            continue;
        for (k = 0; k < c->ndocs && strcmp(c->docs[k].path, path) != 0; k++)
            ;
        if (k == c->ndocs && (rc = load_doc(&c->docs[c->ndocs++], path, err)) != 0) {
            mr_contracts_free(c);
            return rc;
        }
        sv = &c->services[c->nservices++];
        sv->service = i;
        sv->doc = &c->docs[k];
        check_mocks(c, sv);
        if (sv->answers.nomem) {
            mr_contracts_free(c);
            return mr_error_set(err, MR_ENOMEM, "out of memory");
        }
    }
    *out = c;
    return 0;
}

void mr_contracts_free(struct mr_contracts *c)
{
    size_t i;

    if (!c)
        return;
    for (i = 0; i < c->nservices; i++)
        findings_release(&c->services[i].answers);
    for (i = 0; c->docs && i < c->ndocs; i++) {
        mr_jsonschema_free(c->docs[i].schemas);
        mr_openapi_free(c->docs[i].spec);
        free(c->docs[i].path);
    }
    free(c->docs);
    free(c->services);
    free(c);
}

/* ---- mocked answers ------------------------------------------------------- */

/* The Content-Type a response is sent with when the scenario fixes it. */
static const char *response_type(const struct mr_response *rs)
{
    for (size_t i = 0; rs->has_content_type && i < rs->nheaders; i++)
        if (strcasecmp(rs->headers[i].name, "Content-Type") == 0)
            return rs->header_tpls && rs->header_tpls[i] ? NULL : rs->headers[i].value;
    return rs->content_type;
}

/* The statuses an operation lists, "200, 404 or default". */
static void put_statuses(struct mr_buf *b, const struct mr_openapi_op *op)
{
    for (size_t i = 0; i < op->nresponses; i++)
        mr_buf_printf(b, "%s%s",
                      i == 0                    ? ""
                      : i + 1 == op->nresponses ? " or "
                                                : ", ",
                      op->responses[i].status);
    if (op->nresponses == 0)
        mr_buf_puts(b, "none");
}

/* Validates a JSON text against a media entry's schema; findings after `head`. */
static void check_json(struct findings *f, const struct doc *d, const char *head, const char *what,
                       const struct mr_openapi_media *m, const char *text, size_t len,
                       enum mr_jsonschema_direction dir, uint64_t call)
{
    struct mr_jsonschema_check chk = {.direction = dir};
    struct mr_jsonschema_result res;
    struct mr_error e;
    cJSON *value;

    if (!m->schema.node)
        return;
    value = cJSON_ParseWithLength(text, len);
    if (!value) {
        findings_take(f, format("%s%s is not JSON, the spec says %s", head, what, m->type), call);
        return;
    }
    memset(&res, 0, sizeof(res));
    if (mr_jsonschema_validate(&res, d->schemas, m->schema.node, value, &chk, &e) != 0)
        f->nomem = true;
    else if (!res.valid)
        add_violations(f, head, what, d, &res, call);
    mr_jsonschema_result_release(&res);
    cJSON_Delete(value);
}

/* One response of a route: its status, Content-Type and fixed body. */
static void check_response(struct service_contract *sv, const struct mr_openapi_op *op,
                           const struct mr_response *rs, const char *head)
{
    struct findings *f = &sv->answers;
    const struct doc *d = sv->doc;
    const struct mr_openapi_response *want;
    const struct mr_openapi_media *m;
    const char *type;
    struct mr_buf b, body;
    bool has_body = rs->kind != MR_RESP_EMPTY;

    if (rs->fault != MR_FAULT_NONE)
        return;
    sv->answers_checked++;
    if (!(want = mr_openapi_response_for(op, rs->status))) {
        mr_buf_init(&b);
        mr_buf_printf(&b, "%sstatus %d: %s's %s %s lists ", head, rs->status, d->name, op->method,
                      op->path);
        put_statuses(&b, op);
        findings_take(f, mr_buf_detach(&b, NULL), 0);
        return;
    }
    if (!has_body) {
        if (want->ncontent > 0 && rs->status != 204 && rs->status != 304) {
            mr_buf_init(&b);
            mr_buf_printf(&b, "%sno body, %s's %s answer has ", head, d->name, want->status);
            put_types(&b, want->content, want->ncontent);
            findings_take(f, mr_buf_detach(&b, NULL), 0);
        }
        return;
    }
    if (want->ncontent == 0) {
        findings_take(f, format("%sa body, %s's %s answer has none", head, d->name, want->status),
                      0);
        return;
    }
    type = response_type(rs);
    if (!type && (rs->templated || rs->file_tpl)) {
        sv->answers_later++;
        return;
    }
    if (!(m = mr_openapi_media_for(want->content, want->ncontent, type))) {
        mr_buf_init(&b);
        mr_buf_printf(&b, "%sContent-Type %s, %s's %s answer has ", head, type ? type : "(none)",
                      d->name, want->status);
        put_types(&b, want->content, want->ncontent);
        findings_take(f, mr_buf_detach(&b, NULL), 0);
        return;
    }
    if (rs->templated || rs->file_tpl) {
        sv->answers_later++;
        return;
    }
    if (!type || !json_type(type))
        return;
    if (rs->kind == MR_RESP_FILE) {
        mr_buf_init(&body);
        if (mr_buf_read_file(&body, rs->file, FILE_BODY_MAX) == 0)
            check_json(f, d, head, "body", m, body.data ? body.data : "", body.len,
                       MR_JSONSCHEMA_RESPONSE, 0);
        mr_buf_release(&body);
    } else {
        check_json(f, d, head, "body", m, rs->body ? rs->body : "", rs->body_len,
                   MR_JSONSCHEMA_RESPONSE, 0);
    }
}

static void check_route(struct service_contract *sv, const struct mr_route *rt)
{
    const struct mr_openapi_op *op;
    char *head, *each;

    if (!rt->match.method || rt->match.path_kind == MR_PATH_ANY ||
        rt->match.path_kind == MR_PATH_REGEX)
        return; /* no one operation to hold it to */
    head = rt->file ? format("%s:%d: route \"%s\" (%s %s)", rt->file, rt->line, rt->id,
                             rt->match.method, rt->match.path)
                    : format("route \"%s\" (%s %s)", rt->id, rt->match.method, rt->match.path);
    if (!head) {
        sv->answers.nomem = true;
        return;
    }
    op = mr_openapi_find_route(sv->doc->spec, rt->match.method, rt->match.path);
    if (!op) {
        findings_take(
            &sv->answers,
            format("%s: %s has no %s %s", head, sv->doc->name, rt->match.method, rt->match.path),
            0);
    } else if (rt->nresponses == 0) {
        if ((each = format("%s: ", head)))
            check_response(sv, op, &rt->response, each);
        sv->answers.nomem |= each == NULL;
        free(each);
    }
    for (size_t i = 0; op && i < rt->nresponses; i++) {
        if ((each = format("%s, response %zu of %zu: ", head, i + 1, rt->nresponses)))
            check_response(sv, op, &rt->responses[i], each);
        sv->answers.nomem |= each == NULL;
        free(each);
    }
    free(head);
}

static void check_mocks(struct mr_contracts *c, struct service_contract *sv)
{
    const struct mr_service *s = &c->sc->services[sv->service];

    for (size_t i = 0; i < s->nroutes; i++)
        check_route(sv, &c->sc->routes[s->first_route + i]);
}

size_t mr_contracts_mock_violations(const struct mr_contracts *c)
{
    size_t n = 0;

    for (size_t i = 0; c && i < c->nservices; i++)
        n += findings_total(&c->services[i].answers);
    return n;
}

void mr_contracts_print_mocks(FILE *f, const struct mr_contracts *c)
{
    for (size_t i = 0; c && i < c->nservices; i++) {
        const struct service_contract *sv = &c->services[i];
        for (size_t k = 0; k < sv->answers.n; k++)
            fprintf(f, "mockrun: %s\n", sv->answers.items[k].text);
        if (sv->answers.dropped)
            fprintf(f, "mockrun: ... and %zu more answers of %s disagree with %s\n",
                    sv->answers.dropped, c->sc->services[sv->service].name, sv->doc->name);
    }
}

/* ---- calls -------------------------------------------------------------- */

/* A call's values for one parameter (borrowed from the call, or from `scratch`). */
struct values {
    const char *v[64];
    size_t len[64];
    size_t n;
};

static void values_add(struct values *vs, const char *v, size_t len)
{
    if (vs->n < sizeof(vs->v) / sizeof(vs->v[0])) {
        vs->v[vs->n] = v;
        vs->len[vs->n++] = len;
    }
}

/* The type a parameter's schema asks for: its `type`, or the first that is
 * not "null" of a list (3.1); NULL when it says none. */
static const char *schema_type(const struct doc *d, const cJSON *schema)
{
    const cJSON *s = mr_openapi_deref(d->spec, schema, NULL), *t;

    t = s ? cJSON_GetObjectItemCaseSensitive(s, "type") : NULL;
    if (cJSON_IsString(t))
        return t->valuestring;
    if (cJSON_IsArray(t))
        for (const cJSON *e = t->child; e; e = e->next)
            if (cJSON_IsString(e) && strcmp(e->valuestring, "null") != 0)
                return e->valuestring;
    return NULL;
}

/* One text value as its schema's type: a number, a boolean, else the text. */
static cJSON *typed(const char *type, const char *v, size_t len)
{
    char *text = strndup(v, len);
    cJSON *out = NULL;

    if (!text)
        return NULL;
    if (type && (strcmp(type, "integer") == 0 || strcmp(type, "number") == 0)) {
        /* a number as JSON writes one: not "0x10", "+1" or "inf" */
        out = cJSON_ParseWithOpts(text, NULL, true);
        if (out && !cJSON_IsNumber(out)) {
            cJSON_Delete(out);
            out = NULL;
        }
    } else if (type && strcmp(type, "boolean") == 0 &&
               (strcmp(text, "true") == 0 || strcmp(text, "false") == 0)) {
        out = cJSON_CreateBool(text[0] == 't');
    }
    if (!out)
        out = cJSON_CreateString(text);
    free(text);
    return out;
}

/* A parameter's value as its schema's type; arrays from repeated values
 * (explode) or from one comma-separated one. NULL for objects (not checked). */
static cJSON *param_value(const struct doc *d, const struct mr_openapi_param *p,
                          const struct values *vs)
{
    const char *type = schema_type(d, p->schema.node);
    const cJSON *explode_item = cJSON_GetObjectItemCaseSensitive(p->self.node, "explode");
    bool explode = cJSON_IsBool(explode_item)
                       ? cJSON_IsTrue(explode_item)
                       : p->in == MR_OPENAPI_IN_QUERY || p->in == MR_OPENAPI_IN_COOKIE;
    const cJSON *s, *items;
    const char *item_type;
    cJSON *arr;

    if (type && strcmp(type, "object") == 0)
        return NULL;
    if (!type || strcmp(type, "array") != 0)
        return typed(type, vs->v[0], vs->len[0]);
    s = mr_openapi_deref(d->spec, p->schema.node, NULL);
    items = s ? cJSON_GetObjectItemCaseSensitive(s, "items") : NULL;
    item_type = items ? schema_type(d, items) : NULL;
    if (!(arr = cJSON_CreateArray()))
        return NULL;
    for (size_t i = 0; i < vs->n; i++) {
        const char *v = vs->v[i], *end = v + vs->len[i];
        do {
            const char *comma = explode ? NULL : memchr(v, ',', (size_t)(end - v));
            const char *stop = comma ? comma : end;
            cJSON *item = typed(item_type, v, (size_t)(stop - v));
            if (!item || !cJSON_AddItemToArray(arr, item)) {
                cJSON_Delete(item);
                cJSON_Delete(arr);
                return NULL;
            }
            v = comma ? comma + 1 : end;
        } while (v < end);
    }
    return arr;
}

/* The path after the spec's base path, as mr_openapi_find reads it. */
static const char *without_base(const struct doc *d, const char *path)
{
    const char *base = mr_openapi_base_path(d->spec);
    size_t n = strlen(base);

    if (n && strncmp(path, base, n) == 0 && (path[n] == '/' || path[n] == '\0'))
        return path + n;
    return path;
}

/* The value of path parameter `name`: the call's segment where the
 * template's segment is "{name}" as a whole. */
static bool path_param(const char *tpl, const char *path, const char *name, struct values *vs)
{
    size_t nlen = strlen(name);

    while (*tpl == '/' && *path == '/') {
        size_t tl = strcspn(tpl + 1, "/"), pl = strcspn(path + 1, "/");
        if (tl == nlen + 2 && tpl[1] == '{' && strncmp(tpl + 2, name, nlen) == 0 &&
            tpl[tl] == '}') {
            values_add(vs, path + 1, pl);
            return true;
        }
        tpl += 1 + tl;
        path += 1 + pl;
    }
    return false;
}

static void query_values(const char *name, const struct mr_kv *params, size_t nparams,
                         struct values *vs)
{
    for (size_t i = 0; i < nparams; i++)
        if (params[i].name_len == strlen(name) &&
            memcmp(params[i].name, name, params[i].name_len) == 0)
            values_add(vs, params[i].value, params[i].value_len);
}

static void header_values(const struct mr_call *c, const char *want, struct values *vs)
{
    const char *it = NULL, *name, *value;

    while ((it = mr_call_next_header(c, it, &name, &value)))
        if (strcasecmp(name, want) == 0)
            values_add(vs, value, strlen(value));
}

static void cookie_values(const struct mr_call *c, const char *want, struct values *vs)
{
    const char *it = NULL, *name, *value;
    size_t wl = strlen(want);

    while ((it = mr_call_next_header(c, it, &name, &value))) {
        if (strcasecmp(name, "Cookie") != 0)
            continue;
        for (const char *p = value; *p;) {
            size_t len = strcspn(p, ";");
            const char *eq = memchr(p, '=', len);
            while (*p == ' ' && len > 0) {
                p++;
                len--;
            }
            if (eq && (size_t)(eq - p) == wl && strncmp(p, want, wl) == 0)
                values_add(vs, eq + 1, (size_t)(p + len - eq - 1));
            p += len;
            if (*p == ';')
                p++;
        }
    }
}

static const char *const in_names[] = {"path", "query", "header", "cookie"};

static void check_params(struct findings *f, const struct doc *d, const struct mr_openapi_op *op,
                         const struct mr_call *c, const char *head)
{
    size_t nq = mr_request_count_params(c->query);
    struct mr_kv *params = calloc(nq ? nq : 1, sizeof(*params));
    char *scratch = malloc(strlen(c->query) + 1);
    const char *path = without_base(d, c->path);

    if (!params || !scratch) {
        f->nomem = true;
        goto out;
    }
    nq = mr_request_parse_query(c->query, scratch, params, nq);
    for (size_t i = 0; i < op->nparams; i++) {
        const struct mr_openapi_param *p = &op->params[i];
        struct mr_jsonschema_check chk = {.direction = MR_JSONSCHEMA_REQUEST};
        struct mr_jsonschema_result res;
        struct values vs = {.n = 0};
        struct mr_error e;
        char what[300];
        cJSON *value;

        switch (p->in) {
        case MR_OPENAPI_IN_PATH:
            path_param(op->path, path, p->name, &vs);
            break;
        case MR_OPENAPI_IN_QUERY:
            query_values(p->name, params, nq, &vs);
            break;
        case MR_OPENAPI_IN_HEADER:
            header_values(c, p->name, &vs);
            break;
        case MR_OPENAPI_IN_COOKIE:
            cookie_values(c, p->name, &vs);
            break;
        }
        if (vs.n == 0) {
            if (p->required)
                findings_take(f,
                              format("%s%s parameter %s is missing; %s requires it", head,
                                     in_names[p->in], p->name, d->name),
                              c->seq);
            continue;
        }
        if (!p->schema.node || !(value = param_value(d, p, &vs)))
            continue;
        snprintf(what, sizeof(what), "%s parameter %s", in_names[p->in], p->name);
        memset(&res, 0, sizeof(res));
        if (mr_jsonschema_validate(&res, d->schemas, p->schema.node, value, &chk, &e) != 0)
            f->nomem = true;
        else if (!res.valid)
            add_violations(f, head, what, d, &res, c->seq);
        mr_jsonschema_result_release(&res);
        cJSON_Delete(value);
    }
out:
    free(params);
    free(scratch);
}

static const char *call_header(const struct mr_call *c, const char *want)
{
    const char *it = NULL, *name, *value;

    while ((it = mr_call_next_header(c, it, &name, &value)))
        if (strcasecmp(name, want) == 0)
            return value;
    return NULL;
}

static void check_request_body(struct findings *f, const struct doc *d,
                               const struct mr_openapi_op *op, const struct mr_call *c,
                               const char *head)
{
    const struct mr_openapi_body *want = op->body;
    const struct mr_openapi_media *m;
    const char *type = call_header(c, "Content-Type");
    struct mr_buf b;

    if (!want)
        return;
    if (c->body_size == 0) {
        if (want->required) {
            mr_buf_init(&b);
            mr_buf_printf(&b, "%sno body; %s requires one (", head, d->name);
            put_types(&b, want->content, want->ncontent);
            mr_buf_putc(&b, ')');
            findings_take(f, mr_buf_detach(&b, NULL), c->seq);
        }
        return;
    }
    if (want->ncontent == 0)
        return;
    if (!(m = mr_openapi_media_for(want->content, want->ncontent, type))) {
        mr_buf_init(&b);
        mr_buf_printf(&b, "%sContent-Type %s, %s takes ", head, type ? type : "(none)", d->name);
        put_types(&b, want->content, want->ncontent);
        findings_take(f, mr_buf_detach(&b, NULL), c->seq);
        return;
    }
    if (c->body_truncated || !json_type(type ? type : m->type))
        return; /* past --body-limit, or not JSON: only its type is checked */
    check_json(f, d, head, "body", m, c->body, c->body_len, MR_JSONSCHEMA_REQUEST, c->seq);
}

/* Whether some response of a route is templated (so only calls show what it sent). */
static bool route_templated(const struct mr_route *rt)
{
    if (rt->nresponses == 0)
        return rt->response.templated || rt->response.file_tpl;
    for (size_t i = 0; i < rt->nresponses; i++)
        if (rt->responses[i].templated || rt->responses[i].file_tpl)
            return true;
    return false;
}

/* What a templated response answered: its status, and a JSON body against
 * the JSON entry of the status's content. */
static void check_answer(struct findings *f, const struct doc *d, const struct mr_openapi_op *op,
                         const struct mr_call *c, const char *head)
{
    const struct mr_openapi_response *want = mr_openapi_response_for(op, c->status);
    const struct mr_openapi_media *m;
    struct mr_buf b;

    if (!want) {
        mr_buf_init(&b);
        mr_buf_printf(&b, "%sanswered %d: %s's %s %s lists ", head, c->status, d->name, op->method,
                      op->path);
        put_statuses(&b, op);
        findings_take(f, mr_buf_detach(&b, NULL), c->seq);
        return;
    }
    if (!c->answer || c->answer_len == 0 ||
        !(m = mr_openapi_media_for(want->content, want->ncontent, "application/json")) ||
        !json_type(m->type))
        return;
    check_json(f, d, head, "answer", m, c->answer, c->answer_len, MR_JSONSCHEMA_RESPONSE, c->seq);
}

static void check_call(struct findings *f, const struct mr_scenario *sc, const struct doc *d,
                       const struct mr_call *c)
{
    const struct mr_openapi_op *op = mr_openapi_find(d->spec, c->method, c->path);
    char head[600];

    if (!op) {
        findings_take(f, format("%s %s: %s has no such operation", c->method, c->path, d->name),
                      c->seq);
        return;
    }
    snprintf(head, sizeof(head), "%s %s: ", op->method, op->path);
    check_params(f, d, op, c, head);
    check_request_body(f, d, op, c, head);
    if (c->route >= 0 && (size_t)c->route < sc->nroutes && route_templated(&sc->routes[c->route]))
        check_answer(f, d, op, c, head);
}

/* ---- cases -------------------------------------------------------------- */

/* The detail of a case: one finding a line. */
static char *detail_of(const struct findings *f, bool calls)
{
    struct mr_buf b;

    mr_buf_init(&b);
    for (size_t i = 0; i < f->n; i++) {
        const struct finding *x = &f->items[i];
        if (!calls)
            mr_buf_printf(&b, "%s\n", x->text);
        else if (x->count == 1)
            mr_buf_printf(&b, "call #%llu: %s\n", (unsigned long long)x->first, x->text);
        else
            mr_buf_printf(&b, "call #%llu and %llu more: %s\n", (unsigned long long)x->first,
                          (unsigned long long)(x->count - 1), x->text);
    }
    if (f->dropped)
        mr_buf_printf(&b, "... and %zu more\n", f->dropped);
    return mr_buf_detach(&b, NULL);
}

static int add_case(struct mr_results *out, const char *name, const struct findings *f, bool calls,
                    const char *file)
{
    char *msg = NULL, *detail = NULL;
    int rc;

    if (findings_total(f) == 0) {
        rc = mr_results_add_case(out, MR_CASE_PASS, name, NULL, NULL);
    } else {
        const struct finding *x = &f->items[0];
        msg = calls
                  ? format("%zu violation%s; call #%llu: %s", findings_total(f),
                           findings_total(f) == 1 ? "" : "s", (unsigned long long)x->first, x->text)
                  : format("%zu violation%s; %s", findings_total(f),
                           findings_total(f) == 1 ? "" : "s", x->text);
        detail = detail_of(f, calls);
        rc = msg && detail ? mr_results_add_case(out, MR_CASE_FAIL, name, msg, detail) : MR_ENOMEM;
    }
    if (rc == 0 && file) {
        struct mr_case *k = &out->cases[out->ncases - 1];
        if (!(k->file = strdup(file)))
            rc = MR_ENOMEM;
    }
    free(msg);
    free(detail);
    return rc;
}

int mr_contracts_cases(struct mr_results *out, const struct mr_contracts *c, size_t file,
                       const struct mr_journal *journal)
{
    char name[512];
    int rc;

    for (size_t i = 0; c && i < c->nservices; i++) {
        const struct service_contract *sv = &c->services[i];
        const struct mr_service *s = &c->sc->services[sv->service];
        const char *src = c->sc->files[s->source].path;
        struct findings calls = {0};

        if (mr_scenario_owner(c->sc, sv->service) != file)
            continue;
        snprintf(name, sizeof(name), "%s: mocked answers agree with %s", s->name, sv->doc->name);
        if ((rc = add_case(out, name, &sv->answers, false, src)) != 0)
            return rc;
        if (!journal)
            continue;
        for (size_t k = 0, n = mr_journal_kept(journal); k < n; k++) {
            const struct mr_call *call = mr_journal_at(journal, k);
            if (call->service == sv->service && !call->proxied)
                check_call(&calls, c->sc, sv->doc, call);
        }
        snprintf(name, sizeof(name), "%s: calls agree with %s", s->name, sv->doc->name);
        rc = calls.nomem ? MR_ENOMEM : add_case(out, name, &calls, true, src);
        findings_release(&calls);
        if (rc != 0)
            return rc;
    }
    return 0;
}
