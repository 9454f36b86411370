/*
 * openapi.c - an OpenAPI document (openapi/spec.h) → a starting scenario:
 * one route per operation, answering its success response with the
 * example, or with fake data made from the schema.
 *
 * Generated values are cJSON: strings are templates of the engine's fake
 * data (the loader renders templated strings of `json` per request),
 * everything else is literal, because a templated `json` value is always a
 * string. Literal strings that hold "{{" are escaped ("\{{") so that they
 * stay text in a templated body.
 */
#include "formats/openapi.h"

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
#include "common/text.h"
#include "formats/convert.h"
#include "formats/jsonout.h"
#include "openapi/spec.h"
#include "templates/template.h"

/* Schemas visited to make one body, allOf parts and type checks included: a
 * document whose allOf lists fan out (with aliases, cheaply) stops there. */
#define MAX_STEPS 100000

struct conv {
    struct mr_openapi *spec;
    struct mr_openapi_result *res;
    size_t cap; /* of res->warnings */
    bool nomem;
    size_t nodes;       /* generated for the current body */
    size_t steps;       /* schemas visited for it (allOf fan-out is bounded by this) */
    bool cut;           /* the current body reached MR_OPENAPI_GEN_MAX_NODES */
    const cJSON *where; /* the node the current body is made for (warnings) */
    /* the schemas being made, outermost first: one met again is recursive */
    const cJSON *stack[64];
    size_t nstack;
};

/* ---- warnings ---- */

static void warn_at(struct conv *c, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds "line:col: json.path: message" about `node` of the spec (one line). */
static void warn_at(struct conv *c, const cJSON *node, const char *fmt, ...)
{
    struct mr_error at;
    char msg[700], raw[1200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    memset(&at, 0, sizeof(at));
    mr_openapi_error_at(c->spec, &at, node);
    snprintf(raw, sizeof(raw), "%d:%d: %s%s%s", at.line, at.column, at.path, at.path[0] ? ": " : "",
             msg);
    if (!mr_convert_warn(&c->res->warnings, &c->res->nwarnings, &c->cap, raw))
        c->nomem = true;
}

static cJSON *add(struct conv *c, cJSON *obj, const char *key, cJSON *item)
{
    if (!mr_convert_add(obj, key, item)) {
        c->nomem = true;
        return NULL;
    }
    return item;
}

static void append(struct conv *c, cJSON *arr, cJSON *item)
{
    c->nomem |= !mr_convert_append(arr, item);
}

/* ---- templates ---- */

/* Whether the engine compiles `src` as the loader will (JSON string values). */
static bool compiles(const char *src)
{
    struct mr_template *t = NULL;
    char why[200];
    int rc = mr_template_compile(&t, src, strlen(src), MR_TPL_NONE, why, sizeof(why));
    mr_template_free(t);
    return rc == 0;
}

/* A string node for a template the importer writes; NULL when it does not
 * compile (a bug: the caller falls back to a literal). */
static cJSON *template_string(const char *src)
{
    return compiles(src) ? cJSON_CreateString(src) : NULL;
}

/* A literal string, kept literal inside a templated body: "{{" becomes
 * "\{{". NULL with *bad when it cannot be (a "\" before "{{"). */
static cJSON *literal_string(const char *s, bool *bad)
{
    struct mr_buf b;
    const char *p;
    cJSON *out;

    if (!strstr(s, "{{"))
        return cJSON_CreateString(s);
    mr_buf_init(&b);
    for (p = s; *p; p++) {
        if (p[0] == '{' && p[1] == '{') {
            if (p > s && p[-1] == '\\') {
                *bad = true;
                mr_buf_release(&b);
                return NULL;
            }
            mr_buf_putc(&b, '\\');
        }
        mr_buf_putc(&b, *p);
    }
    out = b.failed ? NULL : cJSON_CreateString(mr_buf_cstr(&b));
    mr_buf_release(&b);
    return out;
}

/* A copy of a literal value (example, const, enum, default) for a templated body. */
static cJSON *literal(struct conv *c, const cJSON *v)
{
    bool bad = false;
    cJSON *out, *item;
    const cJSON *m;

    if (cJSON_IsString(v)) {
        out = literal_string(v->valuestring, &bad);
        if (bad) {
            warn_at(c, v,
                    "a value holding \"\\{{\" cannot be served literally in a templated "
                    "body; fake text instead");
            return cJSON_CreateString("{{faker 'lorem.word'}}");
        }
        return out;
    }
    if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
        return cJSON_Duplicate(v, false);
    out = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
    for (m = v->child; out && m; m = m->next) {
        item = literal(c, m);
        if (m->string)
            add(c, out, m->string, item);
        else
            append(c, out, item);
    }
    return out;
}

/* Whether a literal value holds "{{" anywhere (the body must then not be templated). */
static bool has_braces(const cJSON *v)
{
    const cJSON *m;
    if (cJSON_IsString(v))
        return strstr(v->valuestring, "{{") != NULL;
    for (m = v ? v->child : NULL; m; m = m->next)
        if (has_braces(m) || (m->string && strstr(m->string, "{{")))
            return true;
    return false;
}

/* ---- values from schemas ---- */

/* Whether `schema` (its $ref followed) is being made further up: a recursive schema. */
static bool in_progress(const struct conv *c, const cJSON *schema)
{
    const cJSON *s = mr_openapi_deref(c->spec, schema, NULL);
    size_t i;
    for (i = 0; s && i < c->nstack; i++)
        if (c->stack[i] == s)
            return true;
    return false;
}

static cJSON *gen(struct conv *c, const cJSON *schema, const char *name, int depth);

static const char *str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

/* The schema's type: `type` (3.1: the first of a list that is not "null"),
 * else what its keywords imply; NULL when nothing says. */
static const char *type_of(const cJSON *s)
{
    const cJSON *t = get(s, "type"), *i;

    if (cJSON_IsString(t))
        return t->valuestring;
    if (cJSON_IsArray(t))
        for (i = t->child; i; i = i->next)
            if (cJSON_IsString(i) && strcmp(i->valuestring, "null") != 0)
                return i->valuestring;
    if (get(s, "properties") || get(s, "additionalProperties"))
        return "object";
    if (get(s, "items"))
        return "array";
    return NULL;
}

/* Faker's name for a string format, or NULL. */
static const char *format_template(const char *format)
{
    static const struct {
        const char *format, *tpl;
    } table[] = {
        {"uuid", "{{faker 'string.uuid'}}"},
        {"email", "{{faker 'internet.email'}}"},
        {"idn-email", "{{faker 'internet.email'}}"},
        {"date-time", "{{date '2020-01-01' '2030-12-31' \"yyyy-MM-dd'T'HH:mm:ss.SSS'Z'\"}}"},
        {"date", "{{date '2020-01-01' '2030-12-31' 'yyyy-MM-dd'}}"},
        {"time", "{{date '2020-01-01' '2030-12-31' \"HH:mm:ss'Z'\"}}"},
        {"uri", "{{faker 'internet.url'}}"},
        {"url", "{{faker 'internet.url'}}"},
        {"iri", "{{faker 'internet.url'}}"},
        {"uri-reference", "{{faker 'internet.url'}}"},
        {"hostname", "{{faker 'internet.domainName'}}"},
        {"idn-hostname", "{{faker 'internet.domainName'}}"},
        {"ipv4", "{{faker 'internet.ipv4'}}"},
        {"ipv6", "{{faker 'internet.ipv6'}}"},
        {"password", "{{faker 'internet.password'}}"},
        {"byte", "{{base64 (faker 'lorem.word')}}"},
    };
    size_t i;

    for (i = 0; format && i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(table[i].format, format) == 0)
            return table[i].tpl;
    return NULL;
}

/* Faker's name for a property commonly named so, or NULL. */
static const char *name_template(const char *name)
{
    static const struct {
        const char *name, *tpl;
    } table[] = {
        {"email", "{{faker 'internet.email'}}"},
        {"firstname", "{{faker 'person.firstName'}}"},
        {"first_name", "{{faker 'person.firstName'}}"},
        {"lastname", "{{faker 'person.lastName'}}"},
        {"last_name", "{{faker 'person.lastName'}}"},
        {"fullname", "{{faker 'person.fullName'}}"},
        {"full_name", "{{faker 'person.fullName'}}"},
        {"username", "{{faker 'internet.userName'}}"},
        {"user_name", "{{faker 'internet.userName'}}"},
        {"phone", "{{faker 'phone.number'}}"},
        {"city", "{{faker 'location.city'}}"},
        {"country", "{{faker 'location.country'}}"},
        {"street", "{{faker 'location.streetAddress'}}"},
        {"address", "{{faker 'location.streetAddress'}}"},
        {"zipcode", "{{faker 'location.zipCode'}}"},
        {"postalcode", "{{faker 'location.zipCode'}}"},
        {"company", "{{faker 'company.name'}}"},
        {"url", "{{faker 'internet.url'}}"},
        {"website", "{{faker 'internet.url'}}"},
        {"description", "{{faker 'lorem.sentence'}}"},
    };
    size_t i;

    for (i = 0; name && i < sizeof(table) / sizeof(table[0]); i++)
        if (strcasecmp(table[i].name, name) == 0)
            return table[i].tpl;
    return NULL;
}

/* A number that meets the schema's bounds and multipleOf, near `want`. */
static double pick_number(const cJSON *s, bool integer, double want)
{
    const cJSON *min = get(s, "minimum"), *max = get(s, "maximum");
    const cJSON *xmin = get(s, "exclusiveMinimum"), *xmax = get(s, "exclusiveMaximum");
    const cJSON *mult = get(s, "multipleOf");
    double step = integer ? 1 : 0.01, lo = -INFINITY, hi = INFINITY, v;

    if (cJSON_IsNumber(min))
        lo = min->valuedouble + (cJSON_IsTrue(xmin) ? step : 0); /* 3.0: a flag */
    if (cJSON_IsNumber(xmin) && xmin->valuedouble + step > lo)
        lo = xmin->valuedouble + step; /* 3.1: the bound itself */
    if (cJSON_IsNumber(max))
        hi = max->valuedouble - (cJSON_IsTrue(xmax) ? step : 0);
    if (cJSON_IsNumber(xmax) && xmax->valuedouble - step < hi)
        hi = xmax->valuedouble - step;
    if (integer) {
        lo = ceil(lo);
        hi = floor(hi);
    }
    v = isfinite(lo) && isfinite(hi) ? lo + (hi - lo) / 2 : want;
    if (integer)
        v = floor(v);
    if (v < lo)
        v = lo;
    if (v > hi)
        v = hi;
    if (cJSON_IsNumber(mult) && mult->valuedouble > 0) {
        double m = mult->valuedouble, k = ceil(v / m) * m;
        if (k > hi)
            k = floor(v / m) * m;
        v = k;
    }
    return isfinite(v) ? v : 0;
}

/* An enum of strings as one template that picks among them, or NULL when a
 * value cannot be a template literal. */
static cJSON *enum_template(const cJSON *e)
{
    struct mr_buf b;
    const cJSON *v;
    cJSON *out = NULL;
    size_t n = 0;

    mr_buf_init(&b);
    mr_buf_puts(&b, "{{oneOf (array");
    for (v = e->child; v; v = v->next) {
        if (cJSON_IsNull(v))
            continue;
        if (!cJSON_IsString(v) || strpbrk(v->valuestring, "'\\{}\n\r") != NULL) {
            mr_buf_release(&b);
            return NULL;
        }
        mr_buf_printf(&b, " '%s'", v->valuestring);
        n++;
    }
    mr_buf_puts(&b, ")}}");
    if (n > 1 && !b.failed)
        out = template_string(mr_buf_cstr(&b));
    mr_buf_release(&b);
    return out;
}

static cJSON *gen_string(struct conv *c, const cJSON *s, const char *name)
{
    const char *tpl = format_template(str(s, "format"));
    const cJSON *minl = get(s, "minLength"), *maxl = get(s, "maxLength");
    char buf[64];

    if (tpl)
        return template_string(tpl);
    if (get(s, "pattern")) {
        warn_at(c, get(s, "pattern"),
                "a string matching a pattern cannot be generated: fake text that may not match "
                "it; give the schema an example");
    }
    if (cJSON_IsNumber(minl) || cJSON_IsNumber(maxl)) {
        double lo = cJSON_IsNumber(minl) ? minl->valuedouble : 0;
        double hi = cJSON_IsNumber(maxl) ? maxl->valuedouble : 64;
        double n = lo > 8 ? lo : hi < 8 ? hi : 8;
        if (n > 256)
            n = 256;
        if (n < 1)
            return cJSON_CreateString("");
        snprintf(buf, sizeof(buf), "{{faker 'string.alphanumeric' %d}}", (int)n);
        return template_string(buf);
    }
    if ((tpl = name_template(name)) != NULL)
        return template_string(tpl);
    return template_string("{{faker 'lorem.word'}}");
}

static cJSON *gen_array(struct conv *c, const cJSON *s, int depth)
{
    const cJSON *items = get(s, "items"), *minv = get(s, "minItems"), *maxv = get(s, "maxItems");
    double n = 2;
    cJSON *arr = cJSON_CreateArray(), *first;
    int i;

    if (!arr)
        return NULL;
    if (cJSON_IsNumber(minv) && minv->valuedouble > n)
        n = minv->valuedouble > 20 ? 20 : minv->valuedouble;
    if (cJSON_IsNumber(maxv) && maxv->valuedouble < n)
        n = maxv->valuedouble < 0 ? 0 : maxv->valuedouble;
    if (cJSON_IsArray(items)) /* 3.0 has none; draft 4 tuples */
        items = items->child;
    if ((depth >= MR_OPENAPI_GEN_DEPTH || in_progress(c, items)) &&
        !(cJSON_IsNumber(minv) && minv->valuedouble > 0))
        return arr; /* deep enough, or a tree: an empty list */
    if (in_progress(c, items))
        n = 1;
    for (i = 0; i < (int)n && !c->cut; i++) {
        cJSON *item = gen(c, items, NULL, depth + 1);
        append(c, arr, item);
        /* equal literal items would break uniqueItems */
        if (i == 0 && cJSON_IsTrue(get(s, "uniqueItems")) && (first = arr->child) &&
            !(cJSON_IsString(first) && strstr(first->valuestring, "{{")))
            break;
    }
    return arr;
}

/* Adds the properties of `s` (and of its allOf, oneOf/anyOf first) to obj. */
static void gen_members(struct conv *c, const cJSON *s, cJSON *obj, int depth, int hops);

static void gen_properties(struct conv *c, const cJSON *s, cJSON *obj, int depth)
{
    const cJSON *props = get(s, "properties"), *req = get(s, "required"), *p, *r;

    /* members only: `properties` written as an array has no names to give */
    for (p = cJSON_IsObject(props) ? props->child : NULL; p && !c->cut; p = p->next) {
        const cJSON *ps = mr_openapi_deref(c->spec, p, NULL);
        bool required = false;
        cJSON *v;

        if (cJSON_GetObjectItemCaseSensitive(obj, p->string))
            continue; /* allOf: the first part that has it wins */
        for (r = cJSON_IsArray(req) ? req->child : NULL; r; r = r->next)
            required |= cJSON_IsString(r) && strcmp(r->valuestring, p->string) == 0;
        if (cJSON_IsTrue(get(ps, "writeOnly")) && !required)
            continue;
        if ((depth >= MR_OPENAPI_GEN_DEPTH || in_progress(c, p)) && !required)
            continue; /* deep enough, or the schema again (a tree): left out */
        v = gen(c, p, p->string, depth + 1);
        add(c, obj, p->string, v);
    }
}

static void gen_members(struct conv *c, const cJSON *s, cJSON *obj, int depth, int hops)
{
    const cJSON *all, *part;

    s = mr_openapi_deref(c->spec, s, NULL);
    if (!cJSON_IsObject(s) || hops > MR_OPENAPI_GEN_DEPTH || ++c->steps > MAX_STEPS)
        return;
    gen_properties(c, s, obj, depth);
    all = get(s, "allOf");
    for (part = cJSON_IsArray(all) ? all->child : NULL; part; part = part->next)
        gen_members(c, part, obj, depth, hops + 1);
    if (cJSON_IsArray(get(s, "oneOf")) && get(s, "oneOf")->child)
        gen_members(c, get(s, "oneOf")->child, obj, depth, hops + 1);
    else if (cJSON_IsArray(get(s, "anyOf")) && get(s, "anyOf")->child)
        gen_members(c, get(s, "anyOf")->child, obj, depth, hops + 1);
}

/* The first choice of oneOf/anyOf, or the first part of allOf that is no
 * object, for schemas whose value is not an object. */
static const cJSON *first_choice(const cJSON *s)
{
    static const char *const keys[] = {"oneOf", "anyOf", "allOf"};
    size_t i;
    for (i = 0; i < 3; i++) {
        const cJSON *a = get(s, keys[i]);
        if (cJSON_IsArray(a) && a->child)
            return a->child;
    }
    return NULL;
}

/* Whether the schema's value is an object, following allOf/oneOf/anyOf. */
static bool is_object(struct conv *c, const cJSON *s, int hops)
{
    const char *t;
    const cJSON *part;

    s = mr_openapi_deref(c->spec, s, NULL);
    if (!cJSON_IsObject(s) || hops > MR_OPENAPI_GEN_DEPTH || ++c->steps > MAX_STEPS)
        return false;
    if ((t = type_of(s)) != NULL)
        return strcmp(t, "object") == 0;
    part = get(s, "allOf");
    for (part = cJSON_IsArray(part) ? part->child : NULL; part; part = part->next)
        if (is_object(c, part, hops + 1))
            return true;
    return (part = first_choice(s)) != NULL && is_object(c, part, hops + 1);
}

/* A value for `schema` (a property `name`, or NULL), `depth` levels down. */
static cJSON *gen(struct conv *c, const cJSON *schema, const char *name, int depth)
{
    const cJSON *s = mr_openapi_deref(c->spec, schema, NULL), *v;
    const char *t;

    if (depth > 3 * MR_OPENAPI_GEN_DEPTH)
        return cJSON_CreateNull(); /* required all the way down: no finite value */
    if (++c->nodes > MR_OPENAPI_GEN_MAX_NODES) {
        if (!c->cut)
            warn_at(c, c->where, "the generated body reached %d values; the rest is left out",
                    MR_OPENAPI_GEN_MAX_NODES);
        c->cut = true;
        return cJSON_CreateNull();
    }
    if (!s) {
        if (schema && !cJSON_IsBool(schema))
            warn_at(c, schema, "a $ref that cannot be followed; fake text instead");
        return schema && cJSON_IsFalse(schema) ? cJSON_CreateNull()
                                               : template_string("{{faker 'lorem.word'}}");
    }
    if (!cJSON_IsObject(s))
        return cJSON_IsFalse(s) ? cJSON_CreateNull() : template_string("{{faker 'lorem.word'}}");
    if ((v = get(s, "example")) != NULL)
        return literal(c, v);
    if (cJSON_IsArray(v = get(s, "examples")) && v->child && mr_openapi_is_31(c->spec))
        return literal(c, v->child);
    if ((v = get(s, "const")) != NULL)
        return literal(c, v);
    if (cJSON_IsArray(v = get(s, "enum")) && v->child) {
        cJSON *pick = enum_template(v);
        const cJSON *first = v->child;
        while (cJSON_IsNull(first) && first->next)
            first = first->next;
        return pick ? pick : literal(c, first);
    }
    if ((v = get(s, "default")) != NULL)
        return literal(c, v);
    if (is_object(c, s, 0)) {
        cJSON *obj = cJSON_CreateObject();
        bool again = in_progress(c, s);
        if (obj && c->nstack < sizeof(c->stack) / sizeof(c->stack[0])) {
            c->stack[c->nstack++] = s;
            /* a schema met again inside itself gets its required members only */
            gen_members(c, s, obj, again ? MR_OPENAPI_GEN_DEPTH : depth, 0);
            c->nstack--;
        }
        return obj;
    }
    if (!type_of(s) && (v = first_choice(s)) != NULL && depth < 2 * MR_OPENAPI_GEN_DEPTH)
        return gen(c, v, name, depth + 1);
    t = type_of(s);
    if (!t || strcmp(t, "string") == 0)
        return gen_string(c, s, name);
    if (strcmp(t, "integer") == 0)
        return cJSON_CreateNumber(pick_number(s, true, 1));
    if (strcmp(t, "number") == 0)
        return cJSON_CreateNumber(pick_number(s, false, 1.5));
    if (strcmp(t, "boolean") == 0)
        return cJSON_CreateTrue();
    if (strcmp(t, "array") == 0)
        return gen_array(c, s, depth);
    return cJSON_CreateNull(); /* "null", or a type no schema has */
}

/* ---- routes ---- */

static bool is_json_type(const char *t)
{
    const char *semi = strchr(t, ';');
    size_t n = semi ? (size_t)(semi - t) : strlen(t);
    return (n >= 16 && strncasecmp(t, "application/json", 16) == 0 && n == 16) ||
           (n > 5 && strncasecmp(t + n - 5, "+json", 5) == 0) ||
           (n >= 5 && strncasecmp(t + n - 5, "/json", 5) == 0);
}

/* The content entry to answer with: JSON first, then the first listed. */
static const struct mr_openapi_media *pick_media(const struct mr_openapi_response *r)
{
    size_t i;
    for (i = 0; i < r->ncontent; i++)
        if (strncasecmp(r->content[i].type, "application/json", 16) == 0)
            return &r->content[i];
    for (i = 0; i < r->ncontent; i++)
        if (is_json_type(r->content[i].type))
            return &r->content[i];
    return r->ncontent ? &r->content[0] : NULL;
}

/* The success response and the status it is answered with. */
static const struct mr_openapi_response *pick_response(const struct mr_openapi_op *op, int *status)
{
    const struct mr_openapi_response *best = NULL, *range = NULL, *def = NULL;
    size_t i;

    for (i = 0; i < op->nresponses; i++) {
        const char *k = op->responses[i].status;
        if (k[0] == '2' && isdigit((unsigned char)k[1]) && (!best || strcmp(k, best->status) < 0))
            best = &op->responses[i];
        else if (k[0] == '2' && !range && !isdigit((unsigned char)k[1]))
            range = &op->responses[i];
        else if (strcmp(k, "default") == 0)
            def = &op->responses[i];
    }
    *status = best ? atoi(best->status) : 200;
    return best ? best : range ? range : def;
}

/* The example of a media type: `example`, else the first of `examples`. */
static const cJSON *example_of(struct conv *c, const struct mr_openapi_media *m)
{
    const cJSON *first, *ex;

    if (m->example.node)
        return m->example.node;
    if (!m->examples.node || !(first = m->examples.node->child))
        return NULL;
    if (!(ex = mr_openapi_deref(c->spec, first, NULL)) || !cJSON_IsObject(ex)) {
        warn_at(c, first, "an example that cannot be followed; not used");
        return NULL;
    }
    if (cJSON_GetObjectItemCaseSensitive(ex, "value"))
        return cJSON_GetObjectItemCaseSensitive(ex, "value");
    if (cJSON_GetObjectItemCaseSensitive(ex, "externalValue"))
        warn_at(c, first, "an externalValue example is not fetched; not used");
    return NULL;
}

/* A header value mockrun sends as it is: no control characters but tab. */
static bool header_value_ok(const char *v)
{
    for (; *v; v++)
        if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7f)
            return false;
    return true;
}

/* The body of `resp` (status `status`) from media type m into the route's response. */
static void add_body(struct conv *c, cJSON *resp, const struct mr_openapi_media *m)
{
    const cJSON *ex = example_of(c, m);
    bool json = is_json_type(m->type), wild = strchr(m->type, '*') != NULL;
    const char *type = m->type;
    cJSON *headers = get(resp, "headers") ? cJSON_GetObjectItem(resp, "headers") : NULL;
    cJSON *body = NULL;

    c->nodes = c->steps = 0;
    c->cut = false;
    c->where = m->self.node;
    if (wild) /* a range such as any type: answer JSON, which the range allows */
        json = true, type = "application/json";
    if (json) {
        if (ex) {
            add(c, resp, "json", cJSON_Duplicate(ex, true));
            if (has_braces(ex))
                add(c, resp, "template", cJSON_CreateFalse());
        } else if (m->schema.node) {
            add(c, resp, "json", gen(c, m->schema.node, NULL, 0));
        } else {
            return; /* no body to show */
        }
        if (strcasecmp(type, "application/json") == 0)
            return;
    } else if (ex) {
        char *text = cJSON_IsString(ex) ? NULL : cJSON_PrintUnformatted(ex);
        body = cJSON_CreateString(text ? text : ex->valuestring);
        cJSON_free(text);
        add(c, resp, "body", body);
        if (has_braces(ex))
            add(c, resp, "template", cJSON_CreateFalse());
    } else if (strncasecmp(type, "text/", 5) == 0 && m->schema.node) {
        cJSON *v = gen(c, m->schema.node, NULL, 0);
        if (cJSON_IsString(v)) {
            add(c, resp, "body", v);
        } else {
            cJSON_Delete(v);
            warn_at(c, m->self.node,
                    "a body of type %s from a schema that is no string: left empty", type);
        }
    } else {
        warn_at(c, m->self.node,
                "a body of type %s cannot be generated from a schema: left empty (give it an "
                "example)",
                type);
        return;
    }
    if (strstr(type, "{{") || !header_value_ok(type)) {
        warn_at(c, m->self.node,
                "a media type that is no header value is not set as "
                "Content-Type");
        return;
    }
    if (!headers)
        headers = add(c, resp, "headers", cJSON_CreateObject());
    if (headers)
        add(c, headers, "Content-Type", cJSON_CreateString(type));
}

/* The response's headers with an example or a generated value. */
static void add_headers(struct conv *c, cJSON *resp, const struct mr_openapi_response *r)
{
    const cJSON *hs = get(r->self.node, "headers"), *h;
    cJSON *headers = NULL;

    for (h = cJSON_IsObject(hs) ? hs->child : NULL; h; h = h->next) {
        const cJSON *obj = mr_openapi_deref(c->spec, h, NULL), *ex;
        cJSON *v = NULL;
        char *text;

        if (strcasecmp(h->string, "Content-Type") == 0 || !cJSON_IsObject(obj) ||
            !mr_http_token(h->string))
            continue;
        c->nodes = c->steps = 0;
        c->cut = false;
        c->where = h;
        if ((ex = get(obj, "example")) != NULL)
            v = literal(c, ex);
        else if (get(obj, "schema"))
            v = gen(c, get(obj, "schema"), h->string, MR_OPENAPI_GEN_DEPTH);
        if (!v)
            continue;
        if (!cJSON_IsString(v)) {
            text = cJSON_PrintUnformatted(v);
            cJSON_Delete(v);
            v = text ? cJSON_CreateString(text) : NULL;
            cJSON_free(text);
        }
        if (!v || !header_value_ok(v->valuestring)) {
            cJSON_Delete(v);
            continue;
        }
        if (!headers && !(headers = add(c, resp, "headers", cJSON_CreateObject()))) {
            cJSON_Delete(v);
            return;
        }
        add(c, headers, h->string, v);
    }
}

static cJSON *response_of(struct conv *c, const struct mr_openapi_op *op)
{
    int status;
    const struct mr_openapi_response *r = pick_response(op, &status);
    const struct mr_openapi_media *m;
    cJSON *resp = cJSON_CreateObject();

    if (!resp)
        return NULL;
    add(c, resp, "status", cJSON_CreateNumber(status));
    if (!r) {
        warn_at(c, op->self.node, "no success (2xx) or default response: answered %d with no body",
                status);
        return resp;
    }
    add_headers(c, resp, r);
    if (status == 204 || status == 205 || status == 304)
        return resp;
    if ((m = pick_media(r)) != NULL)
        add_body(c, resp, m);
    return resp;
}

/* A path parameter's name as mockrun takes it: letters, digits and '_'. */
static void param_name(const char *s, size_t n, char *out, size_t size)
{
    size_t i, k = 0;
    for (i = 0; i < n && k + 1 < size; i++)
        out[k++] = isalnum((unsigned char)s[i]) ? s[i] : '_';
    if (k == 0)
        out[k++] = 'p';
    out[k] = '\0';
}

/* A PCRE2 group name: a letter or '_' first, 32 characters at most, and
 * unique in its pattern (the index of the template is added when needed). */
static void group_name(const char *s, size_t n, size_t index, const struct mr_buf *pattern,
                       char *out, size_t size)
{
    char tmp[40], probe[48];

    param_name(s, n > 24 ? 24 : n, tmp, sizeof(tmp));
    snprintf(out, size, "%s%s", isdigit((unsigned char)tmp[0]) ? "_" : "", tmp);
    snprintf(probe, sizeof(probe), "(?<%s>", out);
    if (strstr(mr_buf_cstr(pattern), probe))
        snprintf(out, size, "%s%s_%zu", isdigit((unsigned char)tmp[0]) ? "_" : "", tmp, index);
}

/* The route's request: method and path (`:name`), or a pathPattern when a
 * segment has text around a template or reads as mockrun's `:name` or `*`. */
static cJSON *request_of(struct conv *c, const struct mr_openapi_op *op)
{
    const char *base = mr_openapi_base_path(c->spec), *p;
    struct mr_buf path, pattern;
    bool partial = false;
    size_t groups = 0;
    cJSON *req;

    if (strpbrk(op->path, "?#") || !mr_utf8_valid(op->path, strlen(op->path))) {
        warn_at(c, op->self.node,
                "a path holding \"?\", \"#\" or bytes that are not UTF-8 cannot be served; "
                "route skipped");
        return NULL;
    }
    mr_buf_init(&path);
    mr_buf_init(&pattern);
    mr_buf_puts(&path, base);
    mr_buf_puts(&pattern, "^");
    for (p = base; *p; p++) {
        if (strchr("\\^$.|?*+()[]{}", *p))
            mr_buf_putc(&pattern, '\\');
        mr_buf_putc(&pattern, *p);
    }
    for (p = op->path; *p;) {
        size_t len = strcspn(p + 1, "/") + 1; /* "/seg" */
        const char *open = memchr(p, '{', len);
        char name[64];

        if (open && p[1] == '{' && p[len - 1] == '}' && !memchr(p + 2, '{', len - 2)) {
            param_name(p + 2, len - 3, name, sizeof(name));
            mr_buf_printf(&path, "/:%s", name);
            group_name(p + 2, len - 3, groups++, &pattern, name, sizeof(name));
            mr_buf_printf(&pattern, "/(?<%s>[^/]+)", name);
        } else {
            const char *q;
            mr_buf_append(&path, p, len);
            /* text around a template, or a literal a mockrun path reads as a
             * parameter (":x") or a wildcard ("*"): only a pattern says it */
            partial |= open != NULL || (len > 1 && p[1] == ':') || (len == 2 && p[1] == '*');
            for (q = p; q < p + len; q++) {
                if (*q == '{') {
                    const char *close = memchr(q, '}', (size_t)(p + len - q));
                    if (!close)
                        break;
                    group_name(q + 1, (size_t)(close - q - 1), groups++, &pattern, name,
                               sizeof(name));
                    mr_buf_printf(&pattern, "(?<%s>[^/]+)", name);
                    q = close;
                    continue;
                }
                if (strchr("\\^$.|?*+()[]{}", *q))
                    mr_buf_putc(&pattern, '\\');
                mr_buf_putc(&pattern, *q);
            }
        }
        p += len;
    }
    mr_buf_putc(&pattern, '$');
    if (path.len == 0)
        mr_buf_putc(&path, '/');
    req = cJSON_CreateObject();
    if (req && !path.failed && !pattern.failed) {
        add(c, req, "method", cJSON_CreateString(op->method));
        if (partial)
            add(c, req, "pathPattern", cJSON_CreateString(mr_buf_cstr(&pattern)));
        else
            add(c, req, "path", cJSON_CreateString(mr_buf_cstr(&path)));
    } else {
        c->nomem = true;
    }
    mr_buf_release(&path);
    mr_buf_release(&pattern);
    return req;
}

/* The route's id: the operationId, else "GET /path", made unique. */
static char *route_id(const struct mr_openapi_op *op, const cJSON *routes)
{
    char base[512], id[540];
    const cJSON *r;
    int n = 1;
    bool taken;

    if (op->operation_id && op->operation_id[0])
        snprintf(base, sizeof(base), "%s", op->operation_id);
    else
        snprintf(base, sizeof(base), "%s %s", op->method, op->path);
    snprintf(id, sizeof(id), "%s", base);
    do {
        taken = false;
        for (r = routes->child; r && !taken; r = r->next)
            taken = strcmp(str(r, "id"), id) == 0;
        if (taken)
            snprintf(id, sizeof(id), "%s #%d", base, ++n);
    } while (taken);
    return strdup(id);
}

/* A concrete path that op's template matches: each template replaced by "0". */
static char *sample_path(const char *tpl)
{
    struct mr_buf b;
    const char *p;

    mr_buf_init(&b);
    for (p = tpl; *p; p++) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close)
                break;
            mr_buf_putc(&b, '0');
            p = close;
        } else {
            mr_buf_putc(&b, *p);
        }
    }
    return mr_buf_detach(&b, NULL);
}

/* Where op's route goes among the `n` placed before it: mockrun tries routes
 * in order, so an operation that the spec prefers for the paths of an
 * earlier one's template (`/pets/mine` after `/pets/{id}`) goes before it. */
static size_t route_position(struct conv *c, const struct mr_openapi_op *op,
                             const struct mr_openapi_op *const *placed, size_t n)
{
    char *sample = sample_path(op->path);
    size_t k, pos = n;

    if (!sample) {
        c->nomem = true;
        return n;
    }
    if (mr_openapi_find(c->spec, op->method, sample) == op)
        for (k = 0; k < n; k++)
            if (strcmp(placed[k]->method, op->method) == 0 &&
                mr_openapi_matches(c->spec, placed[k], sample)) {
                pos = k;
                break;
            }
    free(sample);
    return pos;
}

static void add_route(struct conv *c, cJSON *routes, const struct mr_openapi_op *op, size_t pos)
{
    cJSON *route, *req = request_of(c, op);
    char *id;

    if (!req)
        return;
    if (!(route = cJSON_CreateObject()) || !(id = route_id(op, routes))) {
        cJSON_Delete(route);
        cJSON_Delete(req);
        c->nomem = true;
        return;
    }
    add(c, route, "id", cJSON_CreateString(id));
    free(id);
    if (op->summary && !strpbrk(op->summary, "\r\n"))
        add(c, route, "description", cJSON_CreateString(op->summary));
    add(c, route, "request", req);
    add(c, route, "response", response_of(c, op));
    if (!cJSON_InsertItemInArray(routes, (int)pos, route)) {
        cJSON_Delete(route);
        c->nomem = true;
    }
}

/* A service name from `text`: lower case, runs of other characters as '-'. */
static void slug(const char *text, char *out, size_t size)
{
    size_t k = 0;
    bool dash = false;

    for (; text && *text && k + 1 < size && k < 40; text++) {
        if (isalnum((unsigned char)*text)) {
            if (dash && k)
                out[k++] = '-';
            dash = false;
            out[k++] = (char)tolower((unsigned char)*text);
        } else {
            dash = true;
        }
    }
    out[k] = '\0';
}

static void service_name(const struct mr_openapi *spec, const char *file, char *out, size_t size)
{
    const char *base = strrchr(file, '/'), *dot;
    char stem[256];

    slug(mr_openapi_title(spec), out, size);
    if (out[0])
        return;
    base = base ? base + 1 : file;
    dot = strrchr(base, '.');
    snprintf(stem, sizeof(stem), "%.*s", dot && dot > base ? (int)(dot - base) : (int)strlen(base),
             base);
    slug(stem, out, size);
    if (!out[0])
        snprintf(out, size, "api");
}

static int convert(struct mr_openapi *spec, const char *file, struct mr_openapi_result *out,
                   struct mr_error *err)
{
    struct conv c;
    cJSON *root = cJSON_CreateObject(), *services, *svc, *routes;
    char name[64], desc[700], *compact;
    const char *title = mr_openapi_title(spec), *base = strrchr(file, '/');
    const struct mr_openapi_op **placed;
    size_t i, n;

    memset(&c, 0, sizeof(c));
    c.spec = spec;
    c.res = out;
    snprintf(desc, sizeof(desc),
             "Imported from %s (OpenAPI %s) by mockrun import openapi: one route per "
             "operation, answering its success response",
             base ? base + 1 : file, mr_openapi_version(spec));
    service_name(spec, file, name, sizeof(name));
    if (!root)
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    add(&c, root, "name", cJSON_CreateString(title && *title ? title : name));
    add(&c, root, "description", cJSON_CreateString(desc));
    services = add(&c, root, "services", cJSON_CreateObject());
    svc = services ? add(&c, services, name, cJSON_CreateObject()) : NULL;
    routes = svc ? add(&c, svc, "routes", cJSON_CreateArray()) : NULL;
    placed = calloc(mr_openapi_count(spec) + 1, sizeof(*placed));
    c.nomem |= !placed;
    for (i = 0, n = 0; routes && placed && i < mr_openapi_count(spec) && !c.nomem; i++) {
        const struct mr_openapi_op *op = mr_openapi_op(spec, i);
        size_t pos = route_position(&c, op, placed, n), had = (size_t)cJSON_GetArraySize(routes);
        add_route(&c, routes, op, pos);
        if ((size_t)cJSON_GetArraySize(routes) > had) {
            memmove(&placed[pos + 1], &placed[pos], (n - pos) * sizeof(*placed));
            placed[pos] = op;
            n++;
        }
    }
    free(placed);
    if (routes && !routes->child)
        warn_at(&c, mr_openapi_root(spec), "the document has no operations: no routes");
    compact = c.nomem ? NULL : cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (compact) {
        out->scenario = mr_jsonout_pretty(compact);
        cJSON_free(compact);
    }
    if (!out->scenario) {
        mr_openapi_result_free(out);
        return mr_error_set(err, MR_ENOMEM, "out of memory converting %s", file);
    }
    return 0;
}

static int finish(struct mr_openapi *spec, int rc, const char *file, struct mr_openapi_result *out,
                  struct mr_error *err)
{
    if (rc == 0)
        rc = convert(spec, file, out, err);
    mr_openapi_free(spec);
    return rc;
}

int mr_openapi_convert(const char *path, struct mr_openapi_result *out, struct mr_error *err)
{
    struct mr_openapi *spec = NULL;

    int rc;

    memset(out, 0, sizeof(*out));
    rc = mr_openapi_load(&spec, path, err);
    return finish(spec, rc, path, out, err);
}

int mr_openapi_convert_text(const char *file, const char *text, size_t len,
                            struct mr_openapi_result *out, struct mr_error *err)
{
    struct mr_openapi *spec = NULL;

    int rc;

    memset(out, 0, sizeof(*out));
    rc = mr_openapi_parse(&spec, file, text, len, err);
    return finish(spec, rc, file, out, err);
}

void mr_openapi_result_free(struct mr_openapi_result *r)
{
    size_t i;

    free(r->scenario);
    for (i = 0; i < r->nwarnings; i++)
        free(r->warnings[i]);
    free(r->warnings);
    memset(r, 0, sizeof(*r));
}
