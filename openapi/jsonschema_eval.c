/*
 * jsonschema_eval.c - validation: one schema applied to one instance,
 * keyword by keyword, recursively.
 *
 * Three modes. LOUD writes each violation; COUNT only counts them, to find
 * the anyOf/oneOf branch that came closest; TEST stops at the first one,
 * for subschemas whose failure is an answer rather than a violation (the
 * branches of anyOf and oneOf, not, if, contains). A failing anyOf is
 * therefore tried in TEST mode first, and only when no branch matches are
 * the branches counted and the closest one run again, LOUD: violations are
 * only ever written where they are final.
 *
 * Annotations (draft 2020-12's unevaluatedProperties and unevaluatedItems):
 * a schema applied to an object or an array may get a `struct ann`, one
 * flag per member or item, which its keywords set for what they evaluated
 * (properties, patternProperties, additionalProperties, prefixItems, items,
 * contains, the unevaluated* keywords themselves). Subschemas applied to
 * the same instance (allOf, anyOf, oneOf, if/then/else, $ref, $dynamicRef,
 * dependentSchemas) get flags of their own, merged into their parent's when
 * they pass, as the specification says annotations of failed schemas are
 * dropped. Flags are kept only where an unevaluated* keyword can read them:
 * in a schema that has one, and in what it applies in place.
 *
 * Guards: MR_JSONSCHEMA_MAX_DEPTH schemas inside one another, a $ref that
 * comes back to a schema already applied to the same value (it would never
 * end), and a budget of steps against anyOf nested so that the work grows
 * exponentially. Each stops the validation with a violation saying why.
 */
#include "openapi/jsonschema.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/text.h"
#include "openapi/jsonschema_internal.h"

enum mode { LOUD, COUNT, TEST };

/* PCRE2's work on one subject, so that a pattern that backtracks without
 * end fails the match instead of holding the thread. */
#define MATCH_LIMIT 1000000
/* How much of a value a message shows. */
#define SHOW_MAX 80

struct frame {
    const cJSON *schema, *inst;
};

struct ctx {
    const struct mr_jsonschema *s;
    const cJSON *top; /* the schema the validation started with */
    bool v2020, oas30;
    enum mr_jsonschema_direction dir;
    size_t max_errors, max_steps, steps;
    enum mode mode;
    size_t quiet;        /* violations counted, not written */
    struct mr_buf where; /* the instance's JSON Pointer */
    struct mr_jsonschema_result *out;
    size_t cap;
    int depth;
    struct frame frames[MR_JSONSCHEMA_MAX_DEPTH + 1]; /* the $refs being followed */
    size_t nframes;
    const char *scope[2 * MR_JSONSCHEMA_MAX_DEPTH + 4]; /* resources entered: $dynamicRef */
    size_t nscope;
    pcre2_match_data *md;
    pcre2_match_context *mc;
    bool oom, stopped;
};

/* One flag per member or item of the instance: evaluated. */
struct ann {
    unsigned char *seen;
    size_t n;
};

/* The keywords of one schema, found in one pass over its members. */
struct kw {
    const cJSON *dynref, *ref, *additionalItems, *additionalProperties, *allOf, *anyOf, *const_,
        *contains, *dependencies, *dependentRequired, *dependentSchemas, *else_, *enum_, *exmax,
        *exmin, *format, *if_, *items, *maxContains, *maxItems, *maxLength, *maxProperties,
        *maximum, *minContains, *minItems, *minLength, *minProperties, *minimum, *multipleOf, *not_,
        *nullable, *oneOf, *pattern, *patternProperties, *prefixItems, *properties, *propertyNames,
        *required, *then_, *type, *unevaluatedItems, *unevaluatedProperties, *uniqueItems;
};

#define D4 1u    /* draft 4 and OpenAPI 3.0 */
#define D2020 2u /* draft 2020-12 */
#define OAS30 4u /* OpenAPI 3.0 only */

/* Sorted by strcmp, for bsearch. */
static const struct keyword {
    const char *name;
    size_t off;
    unsigned dialects;
} keywords[] = {
    {"$dynamicRef", offsetof(struct kw, dynref), D2020},
    {"$ref", offsetof(struct kw, ref), D4 | D2020},
    {"additionalItems", offsetof(struct kw, additionalItems), D4},
    {"additionalProperties", offsetof(struct kw, additionalProperties), D4 | D2020},
    {"allOf", offsetof(struct kw, allOf), D4 | D2020},
    {"anyOf", offsetof(struct kw, anyOf), D4 | D2020},
    {"const", offsetof(struct kw, const_), D2020},
    {"contains", offsetof(struct kw, contains), D2020},
    {"dependencies", offsetof(struct kw, dependencies), D4},
    {"dependentRequired", offsetof(struct kw, dependentRequired), D2020},
    {"dependentSchemas", offsetof(struct kw, dependentSchemas), D2020},
    {"else", offsetof(struct kw, else_), D2020},
    {"enum", offsetof(struct kw, enum_), D4 | D2020},
    {"exclusiveMaximum", offsetof(struct kw, exmax), D4 | D2020},
    {"exclusiveMinimum", offsetof(struct kw, exmin), D4 | D2020},
    {"format", offsetof(struct kw, format), D4 | D2020},
    {"if", offsetof(struct kw, if_), D2020},
    {"items", offsetof(struct kw, items), D4 | D2020},
    {"maxContains", offsetof(struct kw, maxContains), D2020},
    {"maxItems", offsetof(struct kw, maxItems), D4 | D2020},
    {"maxLength", offsetof(struct kw, maxLength), D4 | D2020},
    {"maxProperties", offsetof(struct kw, maxProperties), D4 | D2020},
    {"maximum", offsetof(struct kw, maximum), D4 | D2020},
    {"minContains", offsetof(struct kw, minContains), D2020},
    {"minItems", offsetof(struct kw, minItems), D4 | D2020},
    {"minLength", offsetof(struct kw, minLength), D4 | D2020},
    {"minProperties", offsetof(struct kw, minProperties), D4 | D2020},
    {"minimum", offsetof(struct kw, minimum), D4 | D2020},
    {"multipleOf", offsetof(struct kw, multipleOf), D4 | D2020},
    {"not", offsetof(struct kw, not_), D4 | D2020},
    {"nullable", offsetof(struct kw, nullable), OAS30},
    {"oneOf", offsetof(struct kw, oneOf), D4 | D2020},
    {"pattern", offsetof(struct kw, pattern), D4 | D2020},
    {"patternProperties", offsetof(struct kw, patternProperties), D4 | D2020},
    {"prefixItems", offsetof(struct kw, prefixItems), D2020},
    {"properties", offsetof(struct kw, properties), D4 | D2020},
    {"propertyNames", offsetof(struct kw, propertyNames), D2020},
    {"required", offsetof(struct kw, required), D4 | D2020},
    {"then", offsetof(struct kw, then_), D2020},
    {"type", offsetof(struct kw, type), D4 | D2020},
    {"unevaluatedItems", offsetof(struct kw, unevaluatedItems), D2020},
    {"unevaluatedProperties", offsetof(struct kw, unevaluatedProperties), D2020},
    {"uniqueItems", offsetof(struct kw, uniqueItems), D4 | D2020},
};

static int keyword_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct keyword *)elem)->name);
}

static void collect(const struct ctx *c, const cJSON *sch, struct kw *k)
{
    unsigned mask = c->v2020 ? D2020 : c->oas30 ? (D4 | OAS30) : D4;
    const cJSON *m;

    memset(k, 0, sizeof(*k));
    for (m = sch->child; m; m = m->next) {
        const struct keyword *w;
        if (!m->string)
            continue;
        w = bsearch(m->string, keywords, sizeof(keywords) / sizeof(keywords[0]),
                    sizeof(keywords[0]), keyword_cmp);
        if (w && (w->dialects & mask) && !*(const cJSON **)((char *)k + w->off))
            *(const cJSON **)((char *)k + w->off) = m; /* the first of duplicates, as cJSON */
    }
}

/* ---- values in messages ---------------------------------------------------------- */

static const char *type_of(const cJSON *v)
{
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNumber(v))
        return isfinite(v->valuedouble) && floor(v->valuedouble) == v->valuedouble ? "an integer"
                                                                                   : "a number";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsArray(v))
        return "an array";
    return "an object";
}

static const char *with_article(const char *t)
{
    static const char *const names[][2] = {
        {"null", "null"},        {"boolean", "a boolean"}, {"integer", "an integer"},
        {"number", "a number"},  {"string", "a string"},   {"array", "an array"},
        {"object", "an object"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(t, names[i][0]))
            return names[i][1];
    return NULL;
}

static void put_number(struct mr_buf *b, double x)
{
    char num[MR_NUMBER_TEXT_MAX];
    mr_buf_append(b, num, mr_number_text(x, num));
}

static void render(struct mr_buf *b, const cJSON *v, size_t limit)
{
    const cJSON *c;

    if (b->len > limit)
        return;
    if (cJSON_IsNull(v))
        mr_buf_puts(b, "null");
    else if (cJSON_IsTrue(v))
        mr_buf_puts(b, "true");
    else if (cJSON_IsFalse(v))
        mr_buf_puts(b, "false");
    else if (cJSON_IsNumber(v))
        put_number(b, v->valuedouble);
    else if (cJSON_IsString(v))
        mr_buf_put_json_string(b, v->valuestring, strlen(v->valuestring));
    else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        bool obj = cJSON_IsObject(v);
        mr_buf_putc(b, obj ? '{' : '[');
        for (c = v->child; c && b->len <= limit; c = c->next) {
            if (obj) {
                mr_buf_put_json_string(b, c->string ? c->string : "",
                                       c->string ? strlen(c->string) : 0);
                mr_buf_putc(b, ':');
            }
            render(b, c, limit);
            if (c->next)
                mr_buf_putc(b, ',');
        }
        mr_buf_putc(b, obj ? '}' : ']');
    }
}

/* Appends a short, printable rendering of `v` (compact JSON, cut with "…"). */
static void show(struct mr_buf *b, const cJSON *v)
{
    struct mr_buf t;
    size_t n;

    mr_buf_init(&t);
    render(&t, v, SHOW_MAX);
    n = t.len;
    if (n > SHOW_MAX) {
        n = SHOW_MAX;
        while (n > 0 && ((unsigned char)t.data[n] & 0xc0) == 0x80)
            n--; /* not inside a UTF-8 sequence */
    }
    mr_buf_put_printable(b, mr_buf_cstr(&t), n);
    if (n < t.len)
        mr_buf_puts(b, "\xe2\x80\xa6");
    if (t.failed)
        b->failed = true;
    mr_buf_release(&t);
}

/* ---- violations ------------------------------------------------------------------- */

static bool add_violation(struct ctx *c, const cJSON *node, struct mr_buf *msg)
{
    struct mr_jsonschema_result *r = c->out;
    struct mr_jsonschema_violation *v;
    struct mr_buf where;

    if (r->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        struct mr_jsonschema_violation *g = realloc(r->items, cap * sizeof(*g));
        if (!g)
            goto oom;
        r->items = g;
        c->cap = cap;
    }
    mr_buf_init(&where);
    if (!mr_jsonschema__locate(&where, c->s, node, c->top))
        mr_buf_puts(&where, "");
    v = &r->items[r->count];
    v->instance = strdup(mr_buf_cstr(&c->where));
    v->schema = mr_buf_detach(&where, NULL);
    v->message = msg->failed ? NULL : mr_buf_detach(msg, NULL);
    if (!v->instance || !v->schema || !v->message || c->where.failed) {
        free(v->instance);
        free(v->schema);
        free(v->message);
        goto oom;
    }
    r->count++;
    return false;
oom:
    mr_buf_release(msg);
    c->oom = true;
    return false;
}

/* True when a violation is to be written now; otherwise counts it. */
static bool loud(struct ctx *c)
{
    if (c->mode != LOUD) {
        c->quiet++;
        return false;
    }
    if (c->out->count >= c->max_errors) {
        c->out->dropped++;
        return false;
    }
    return true;
}

/* A violation at the current instance, named by the schema node `node` (a
 * keyword's member, or a false schema). Returns false, for `return fail(...)`. */
static bool fail(struct ctx *c, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(struct ctx *c, const cJSON *node, const char *fmt, ...)
{
    struct mr_buf m;
    char text[700];
    va_list ap;

    if (!loud(c))
        return false;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    mr_buf_init(&m);
    mr_buf_puts(&m, text);
    return add_violation(c, node, &m);
}

/* The same with a message built by the caller ("is <value>, ..."). */
static bool fail_msg(struct ctx *c, const cJSON *node, struct mr_buf *m)
{
    return add_violation(c, node, m);
}

/* Stops the validation: written whatever the mode, past max_errors too. */
static bool stop(struct ctx *c, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool stop(struct ctx *c, const cJSON *node, const char *fmt, ...)
{
    struct mr_buf m;
    char text[700];
    va_list ap;

    if (c->stopped)
        return false;
    c->stopped = true;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    mr_buf_init(&m);
    mr_buf_puts(&m, text);
    return add_violation(c, node, &m);
}

/* "is <value>, " */
static void start_msg(struct mr_buf *m, const cJSON *inst)
{
    mr_buf_init(m);
    mr_buf_puts(m, "is ");
    show(m, inst);
}

/* ---- the instance's location ----------------------------------------------------- */

static size_t push_key(struct ctx *c, const char *key)
{
    size_t len = c->where.len;
    mr_buf_putc(&c->where, '/');
    mr_jsonschema__put_token(&c->where, key, strlen(key));
    return len;
}

static size_t push_index(struct ctx *c, size_t i)
{
    size_t len = c->where.len;
    mr_buf_printf(&c->where, "/%zu", i);
    return len;
}

static void pop(struct ctx *c, size_t len)
{
    if (c->where.data && len <= c->where.len) {
        c->where.len = len;
        c->where.data[len] = '\0';
    }
}

/* ---- helpers ------------------------------------------------------------------------ */

static bool is_integer(const cJSON *v)
{
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) && floor(v->valuedouble) == v->valuedouble;
}

static bool has_type(const cJSON *v, const char *t)
{
    if (!strcmp(t, "null"))
        return cJSON_IsNull(v);
    if (!strcmp(t, "boolean"))
        return cJSON_IsBool(v);
    if (!strcmp(t, "object"))
        return cJSON_IsObject(v);
    if (!strcmp(t, "array"))
        return cJSON_IsArray(v);
    if (!strcmp(t, "number"))
        return cJSON_IsNumber(v);
    if (!strcmp(t, "integer"))
        return is_integer(v);
    if (!strcmp(t, "string"))
        return cJSON_IsString(v);
    return false;
}

/* JSON Schema's equality: numbers by value (1 equals 1.0), objects whatever
 * the order of their members. */
static bool equal(const cJSON *a, const cJSON *b)
{
    const cJSON *x;

    if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
        return a->valuedouble == b->valuedouble;
    if ((a->type & 0xff) != (b->type & 0xff))
        return false;
    if (cJSON_IsString(a))
        return strcmp(a->valuestring, b->valuestring) == 0;
    if (cJSON_IsArray(a)) {
        const cJSON *y = b->child;
        for (x = a->child; x && y; x = x->next, y = y->next)
            if (!equal(x, y))
                return false;
        return !x && !y;
    }
    if (cJSON_IsObject(a)) {
        size_t na = 0, nb = 0;
        for (x = a->child; x; x = x->next, na++) {
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
            if (!y || !equal(x, y))
                return false;
        }
        for (x = b->child; x; x = x->next)
            nb++;
        return na == nb;
    }
    return true; /* null, true, false */
}

static size_t count_children(const cJSON *v)
{
    size_t n = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        n++;
    return n;
}

/* Code points, as JSON Schema counts a string's length; each piece of
 * ill-formed UTF-8 counts as one. */
static size_t codepoints(const char *s)
{
    size_t n = 0, len = strlen(s), i = 0;
    while (i < len) {
        i += mr_utf8_span(s + i, len - i, NULL);
        n++;
    }
    return n;
}

/*
 * x is a multiple of m. fmod is exact, so integers and binary fractions
 * are decided exactly; a decimal divisor (0.01) has no exact double, so
 * the quotient is taken as a whole number when it is within a few units in
 * its last place of one (19.99 is a multiple of 0.01). A quotient too large
 * for a fraction to show is not taken as a multiple unless fmod says so,
 * and one that overflows never is.
 */
static bool multiple_of(double x, double m)
{
    double q;

    if (!(m > 0) || !isfinite(x) || !isfinite(m))
        return true;
    if (fmod(x, m) == 0)
        return true;
    q = x / m;
    if (!isfinite(q) || fabs(q) >= 4503599627370496.0) /* 2^52 */
        return false;
    return fabs(q - nearbyint(q)) <= 8 * DBL_EPSILON * fmax(1.0, fabs(q));
}

/* 1 when the pattern matches s, 0 when not, -1 when PCRE2 gave up. */
static int match(struct ctx *c, const pcre2_code *code, const char *s)
{
    int rc;

    if (!c->md) {
        c->md = pcre2_match_data_create(1, NULL);
        c->mc = pcre2_match_context_create(NULL);
        if (!c->md || !c->mc) {
            c->oom = true;
            return -1;
        }
        pcre2_set_match_limit(c->mc, MATCH_LIMIT);
    }
    rc = pcre2_match(code, (PCRE2_SPTR)s, strlen(s), 0, 0, c->md, c->mc);
    if (rc >= 0)
        return 1;
    return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

/* The compiled pattern of `item` (its string, or its name for a
 * patternProperties member); compiled now, into *own, when the set did not
 * see it. NULL with `why` when it does not compile. */
static const pcre2_code *pattern_of(struct ctx *c, const cJSON *item, const char *src,
                                    pcre2_code **own, char *why, size_t whysize)
{
    const struct mr_jsonschema__pattern *p = mr_jsonschema__map_get(&c->s->patterns, item);

    *own = NULL;
    if (p) {
        if (!p->code)
            snprintf(why, whysize, "%s", p->error);
        return p->code;
    }
    *own = mr_jsonschema__compile_pattern(src, why, whysize);
    if (!*own && !strcmp(why, "out of memory"))
        c->oom = true;
    return *own;
}

/* The member `name` (true) of `sch`, directly, through $ref or in an allOf:
 * readOnly and writeOnly as OpenAPI writes them. The member, or NULL. */
static const cJSON *flag_of(const struct mr_jsonschema *s, const cJSON *sch, const char *name,
                            int depth)
{
    const cJSON *m, *b;

    if (!cJSON_IsObject(sch) || depth > 8)
        return NULL;
    m = cJSON_GetObjectItemCaseSensitive(sch, name);
    if (cJSON_IsTrue(m))
        return m;
    m = cJSON_GetObjectItemCaseSensitive(sch, "$ref");
    if (cJSON_IsString(m)) {
        const struct mr_jsonschema__ref *r = mr_jsonschema__map_get(&s->refs, m);
        if (r && r->target && (b = flag_of(s, r->target, name, depth + 1)) != NULL)
            return b;
    }
    m = cJSON_GetObjectItemCaseSensitive(sch, "allOf");
    if (cJSON_IsArray(m))
        for (b = m->child; b; b = b->next) {
            const cJSON *f = flag_of(s, b, name, depth + 1);
            if (f)
                return f;
        }
    return NULL;
}

/* The property schema `p` may not appear in this direction: its flag, or NULL. */
static const cJSON *forbidden(const struct ctx *c, const cJSON *p)
{
    if (c->dir == MR_JSONSCHEMA_REQUEST)
        return flag_of(c->s, p, "readOnly", 0);
    if (c->dir == MR_JSONSCHEMA_RESPONSE)
        return flag_of(c->s, p, "writeOnly", 0);
    return NULL;
}

static void mark(struct ann *a, size_t i)
{
    if (a && a->seen && i < a->n)
        a->seen[i] = 1;
}

static bool eval(struct ctx *c, const cJSON *sch, const cJSON *inst, struct ann *out,
                 bool keep_failed);

/* Applies `sub` to a member or item of the instance. A false `sub` says which
 * keyword refused the value (`kwname`, when given). */
static bool apply_child(struct ctx *c, const cJSON *sub, const cJSON *child, const char *key,
                        size_t index, const char *kwname)
{
    size_t len = key ? push_key(c, key) : push_index(c, index);
    bool ok;

    if (cJSON_IsFalse(sub) && kwname)
        ok = fail(c, sub, "is not allowed here (%s is false)", kwname);
    else
        ok = eval(c, sub, child, NULL, false);
    pop(c, len);
    return ok;
}

/* ---- $ref and $dynamicRef ------------------------------------------------------------ */

static bool apply_ref(struct ctx *c, const cJSON *item, const cJSON *inst, struct ann *ann,
                      bool dynamic)
{
    const struct mr_jsonschema__ref *r = mr_jsonschema__map_get(&c->s->refs, item);
    const cJSON *target = NULL;
    const char *resource = NULL;
    bool ok;
    size_t i;

    if (!cJSON_IsString(item))
        return true;
    if (r) {
        if (r->error)
            return fail(c, item, "cannot be checked: %s", r->error);
        target = r->target;
        resource = r->resource;
    } else {
        /* a schema from outside the documents: resolved against the main one */
        char *abs = NULL, why[400] = "";
        if (!mr_jsonschema__resolve_uri(&abs, c->s->docs[0].uri, item->valuestring) ||
            !mr_jsonschema__lookup(c->s, abs, &target, why, sizeof(why))) {
            free(abs);
            c->oom = true;
            return false;
        }
        free(abs);
        if (!target) {
            char shown[200];
            mr_printable(shown, sizeof(shown), item->valuestring, strlen(item->valuestring));
            return fail(c, item, "cannot be checked: %s \"%s\" cannot be followed: %s",
                        item->string, shown, why);
        }
    }
    if (dynamic && r && r->anchor) {
        /* draft 2020-12 8.2.3.2: when the target is a dynamic anchor of that
         * name, the outermost resource in the dynamic scope with one wins */
        const cJSON *da = cJSON_GetObjectItemCaseSensitive(target, "$dynamicAnchor");
        if (cJSON_IsString(da) && !strcmp(da->valuestring, r->anchor))
            for (i = 0; i < c->nscope; i++) {
                const cJSON *t = mr_jsonschema__dynamic_anchor(c->s, c->scope[i], r->anchor);
                if (t) {
                    target = t;
                    break;
                }
            }
    }
    for (i = 0; i < c->nframes; i++)
        if (c->frames[i].schema == target && c->frames[i].inst == inst) {
            char shown[200];
            mr_printable(shown, sizeof(shown), item->valuestring, strlen(item->valuestring));
            return stop(c, item,
                        "cannot be checked: %s \"%s\" comes back to a schema already applied to "
                        "this value, and would never end",
                        item->string, shown);
        }
    if (c->nframes >= sizeof(c->frames) / sizeof(c->frames[0]))
        return stop(c, item, "cannot be checked: the schemas nest deeper than %d levels here",
                    MR_JSONSCHEMA_MAX_DEPTH);
    c->frames[c->nframes++] = (struct frame){target, inst};
    if (resource && c->v2020)
        c->scope[c->nscope++] = resource;
    ok = eval(c, target, inst, ann, true);
    if (resource && c->v2020)
        c->nscope--;
    c->nframes--;
    return ok;
}

/* ---- keywords by instance type ------------------------------------------------------- */

static bool kw_type(struct ctx *c, const struct kw *k, const cJSON *inst)
{
    const cJSON *t = k->type, *e;
    bool nullable = k->nullable && cJSON_IsTrue(k->nullable);
    struct mr_buf m;
    size_t n = 0, i = 0;

    if (cJSON_IsString(t)) {
        if (has_type(inst, t->valuestring))
            return true;
    } else if (cJSON_IsArray(t)) {
        for (e = t->child; e; e = e->next)
            if (cJSON_IsString(e) && has_type(inst, e->valuestring))
                return true;
    } else {
        return true; /* not a type: nothing to check */
    }
    if (nullable && cJSON_IsNull(inst))
        return true; /* OpenAPI 3.0: nullable adds null to the type */
    if (!loud(c))
        return false;
    mr_buf_init(&m);
    mr_buf_printf(&m, "is %s, the schema wants ", type_of(inst));
    for (e = cJSON_IsArray(t) ? t->child : t; e; e = cJSON_IsArray(t) ? e->next : NULL)
        n += cJSON_IsString(e) && with_article(e->valuestring);
    n += nullable;
    for (e = cJSON_IsArray(t) ? t->child : t; e; e = cJSON_IsArray(t) ? e->next : NULL) {
        const char *a = cJSON_IsString(e) ? with_article(e->valuestring) : NULL;
        if (!a)
            continue;
        mr_buf_puts(&m, i == 0 ? "" : i + 1 == n ? " or " : ", ");
        mr_buf_puts(&m, a);
        i++;
    }
    if (nullable)
        mr_buf_puts(&m, i == 0 ? "null" : " or null");
    if (n == 0)
        mr_buf_puts(&m, "a type JSON Schema does not have");
    return fail_msg(c, t, &m);
}

static bool kw_enum(struct ctx *c, const struct kw *k, const cJSON *inst)
{
    const cJSON *e;
    struct mr_buf m;
    size_t n = 0, i = 0;

    if (!cJSON_IsArray(k->enum_))
        return true;
    for (e = k->enum_->child; e; e = e->next, n++)
        if (equal(e, inst))
            return true;
    if (!loud(c))
        return false;
    start_msg(&m, inst);
    mr_buf_puts(&m, n == 0   ? ", the schema allows no value (enum is empty)"
                    : n == 1 ? ", the schema wants "
                             : ", the schema wants one of ");
    for (e = k->enum_->child; e && i < 5; e = e->next, i++) {
        mr_buf_puts(&m, i == 0 ? "" : i + 1 == n ? " or " : ", ");
        show(&m, e);
    }
    if (n > 5)
        mr_buf_printf(&m, " or %zu more", n - 5);
    return fail_msg(c, k->enum_, &m);
}

static bool kw_const(struct ctx *c, const struct kw *k, const cJSON *inst)
{
    struct mr_buf m;

    if (equal(k->const_, inst))
        return true;
    if (!loud(c))
        return false;
    start_msg(&m, inst);
    mr_buf_puts(&m, ", the schema wants ");
    show(&m, k->const_);
    return fail_msg(c, k->const_, &m);
}

/* "is <x>, the schema wants <what> <limit>" */
static bool fail_number(struct ctx *c, const cJSON *node, const cJSON *inst, const char *what,
                        double limit)
{
    struct mr_buf m;

    if (!loud(c))
        return false;
    start_msg(&m, inst);
    mr_buf_printf(&m, ", the schema wants %s ", what);
    put_number(&m, limit);
    return fail_msg(c, node, &m);
}

static bool kw_number(struct ctx *c, const struct kw *k, const cJSON *inst)
{
    double x = inst->valuedouble;
    bool ok = true;

    if (cJSON_IsNumber(k->multipleOf) && !multiple_of(x, k->multipleOf->valuedouble))
        ok = fail_number(c, k->multipleOf, inst, "a multiple of", k->multipleOf->valuedouble);
    if (cJSON_IsNumber(k->maximum)) {
        double max = k->maximum->valuedouble;
        bool excl = !c->v2020 && cJSON_IsTrue(k->exmax); /* draft 4: a modifier */
        if (excl ? x >= max : x > max)
            ok = fail_number(c, k->maximum, inst, excl ? "less than" : "at most", max);
    }
    if (cJSON_IsNumber(k->minimum)) {
        double min = k->minimum->valuedouble;
        bool excl = !c->v2020 && cJSON_IsTrue(k->exmin);
        if (excl ? x <= min : x < min)
            ok = fail_number(c, k->minimum, inst, excl ? "more than" : "at least", min);
    }
    if (c->v2020 && cJSON_IsNumber(k->exmax) && x >= k->exmax->valuedouble)
        ok = fail_number(c, k->exmax, inst, "less than", k->exmax->valuedouble);
    if (c->v2020 && cJSON_IsNumber(k->exmin) && x <= k->exmin->valuedouble)
        ok = fail_number(c, k->exmin, inst, "more than", k->exmin->valuedouble);
    return ok;
}

static bool kw_string(struct ctx *c, const struct kw *k, const cJSON *inst)
{
    const char *s = inst->valuestring;
    size_t len = (k->minLength || k->maxLength) ? codepoints(s) : 0;
    bool ok = true;

    if (cJSON_IsNumber(k->maxLength) && (double)len > k->maxLength->valuedouble)
        ok = fail(c, k->maxLength, "is %zu character%s long, the schema wants at most %.0f", len,
                  len == 1 ? "" : "s", k->maxLength->valuedouble);
    if (cJSON_IsNumber(k->minLength) && (double)len < k->minLength->valuedouble)
        ok = fail(c, k->minLength, "is %zu character%s long, the schema wants at least %.0f", len,
                  len == 1 ? "" : "s", k->minLength->valuedouble);
    if (cJSON_IsString(k->pattern)) {
        pcre2_code *own;
        char why[256], pat[120];
        const pcre2_code *code =
            pattern_of(c, k->pattern, k->pattern->valuestring, &own, why, sizeof(why));
        int rc = code ? match(c, code, s) : -1;
        mr_printable(pat, sizeof(pat), k->pattern->valuestring, strlen(k->pattern->valuestring));
        pcre2_code_free(own);
        if (c->oom)
            return false;
        if (!code) {
            ok = fail(c, k->pattern,
                      "cannot be checked: the pattern \"%s\" is not a regular "
                      "expression: %s",
                      pat, why);
        } else if (rc < 0) {
            ok = fail(c, k->pattern,
                      "cannot be checked against the pattern \"%s\": PCRE2 gave "
                      "up (more than %d steps)",
                      pat, MATCH_LIMIT);
        } else if (rc == 0 && loud(c)) {
            struct mr_buf m;
            start_msg(&m, inst);
            mr_buf_printf(&m, ", which does not match the pattern \"%s\"", pat);
            ok = fail_msg(c, k->pattern, &m);
        } else if (rc == 0) {
            ok = false;
        }
    }
    if (c->s->assert_formats && cJSON_IsString(k->format) &&
        !mr_jsonschema__format_ok(k->format->valuestring, s)) {
        if (loud(c)) {
            struct mr_buf m;
            start_msg(&m, inst);
            mr_buf_printf(&m, ", which is not a valid %s", k->format->valuestring);
            ok = fail_msg(c, k->format, &m);
        } else {
            ok = false;
        }
    }
    return ok;
}

static bool kw_contains(struct ctx *c, const struct kw *k, const cJSON *inst, struct ann *ann)
{
    double min = cJSON_IsNumber(k->minContains) ? k->minContains->valuedouble : 1;
    enum mode saved = c->mode;
    size_t i = 0, n = 0;
    const cJSON *e;

    c->mode = TEST;
    for (e = inst->child; e; e = e->next, i++) {
        size_t len = push_index(c, i);
        bool ok = eval(c, k->contains, e, NULL, false);
        pop(c, len);
        if (ok) {
            n++;
            mark(ann, i);
        }
    }
    c->mode = saved;
    if (c->stopped || c->oom)
        return false;
    if ((double)n < min) {
        if (n == 0)
            return fail(c, k->minContains ? k->minContains : k->contains,
                        "has no item that matches \"contains\"%s",
                        k->minContains ? ", the schema wants some" : "");
        return fail(c, k->minContains,
                    "has %zu item%s that match%s \"contains\", the schema wants "
                    "at least %.0f",
                    n, n == 1 ? "" : "s", n == 1 ? "es" : "", min);
    }
    if (cJSON_IsNumber(k->maxContains) && (double)n > k->maxContains->valuedouble)
        return fail(c, k->maxContains,
                    "has %zu items that match \"contains\", the schema wants at "
                    "most %.0f",
                    n, k->maxContains->valuedouble);
    return true;
}

static bool kw_array(struct ctx *c, const struct kw *k, const cJSON *inst, struct ann *ann)
{
    size_t n = count_children(inst), i = 0, prefix = 0;
    const cJSON *e;
    bool ok = true;

    if (!c->v2020 && cJSON_IsArray(k->items)) {
        const cJSON *sub = k->items->child;
        for (e = inst->child; e; e = e->next, i++) {
            if (sub) {
                ok &= apply_child(c, sub, e, NULL, i, NULL);
                sub = sub->next;
            } else if (k->additionalItems) {
                ok &= apply_child(c, k->additionalItems, e, NULL, i, "additionalItems");
            } else {
                break;
            }
        }
    } else if (c->v2020 && cJSON_IsArray(k->prefixItems)) {
        const cJSON *sub = k->prefixItems->child;
        for (e = inst->child; e && sub; e = e->next, sub = sub->next, i++) {
            ok &= apply_child(c, sub, e, NULL, i, NULL);
            mark(ann, i);
        }
        prefix = i;
    }
    if (c->mode == TEST && !ok)
        return false;
    if (k->items && (cJSON_IsObject(k->items) || cJSON_IsBool(k->items))) {
        for (i = 0, e = inst->child; e; e = e->next, i++) {
            if (i < prefix)
                continue;
            ok &= apply_child(c, k->items, e, NULL, i, "items");
            mark(ann, i);
            if (c->mode == TEST && !ok)
                return false;
        }
    }
    if (cJSON_IsNumber(k->maxItems) && (double)n > k->maxItems->valuedouble)
        ok = fail(c, k->maxItems, "has %zu item%s, the schema wants at most %.0f", n,
                  n == 1 ? "" : "s", k->maxItems->valuedouble);
    if (cJSON_IsNumber(k->minItems) && (double)n < k->minItems->valuedouble)
        ok = fail(c, k->minItems, "has %zu item%s, the schema wants at least %.0f", n,
                  n == 1 ? "" : "s", k->minItems->valuedouble);
    if (cJSON_IsTrue(k->uniqueItems)) {
        const cJSON *a, *b;
        size_t ia = 0, ib;
        bool dup = false;
        for (a = inst->child; a && !dup; a = a->next, ia++)
            for (b = a->next, ib = ia + 1; b && !dup; b = b->next, ib++) {
                if (++c->steps > c->max_steps)
                    return stop(c, k->uniqueItems,
                                "cannot be checked: validation gave up after "
                                "%zu steps",
                                c->max_steps);
                if (equal(a, b)) {
                    dup = true;
                    ok = fail(c, k->uniqueItems,
                              "has equal items at %zu and %zu, the schema wants every item unique",
                              ia, ib);
                }
            }
    }
    if (c->v2020 && k->contains && !kw_contains(c, k, inst, ann))
        ok = false;
    return ok;
}

/* Adds `; did you mean "x"?` when a property the schema lists is close to `name`. */
static void suggest(struct mr_buf *m, const cJSON *properties, const char *name)
{
    struct mr_text_suggestion s;

    if (!cJSON_IsObject(properties))
        return;
    mr_text_suggest_init(&s, name);
    for (const cJSON *p = properties->child; p; p = p->next)
        if (p->string)
            mr_text_suggest_add(&s, p->string);
    if (s.best) {
        mr_buf_puts(m, "; did you mean \"");
        mr_buf_put_printable(m, s.best, strlen(s.best));
        mr_buf_puts(m, "\"?");
    }
}

static bool kw_members(struct ctx *c, const struct kw *k, const cJSON *inst, struct ann *ann)
{
    const cJSON *e;
    size_t i = 0;
    bool ok = true;

    for (e = inst->child; e; e = e->next, i++) {
        const char *name = e->string ? e->string : "";
        bool matched = false;
        if (cJSON_IsObject(k->properties)) {
            const cJSON *p = cJSON_GetObjectItemCaseSensitive(k->properties, name);
            const cJSON *flag = p ? forbidden(c, p) : NULL;
            if (flag) {
                size_t len = push_key(c, name);
                ok = fail(c, flag,
                          c->dir == MR_JSONSCHEMA_REQUEST
                              ? "is read-only: a request must not send it"
                              : "is write-only: a response must not include it");
                pop(c, len);
                matched = true;
            } else if (p) {
                ok &= apply_child(c, p, e, name, 0, NULL);
                matched = true;
            }
        }
        if (cJSON_IsObject(k->patternProperties)) {
            for (const cJSON *pp = k->patternProperties->child; pp; pp = pp->next) {
                pcre2_code *own;
                char why[256];
                const pcre2_code *code = pattern_of(c, pp, pp->string, &own, why, sizeof(why));
                int rc = code ? match(c, code, name) : -1;
                pcre2_code_free(own);
                if (c->oom)
                    return false;
                if (rc < 0) {
                    char pat[120];
                    size_t len = push_key(c, name);
                    mr_printable(pat, sizeof(pat), pp->string, strlen(pp->string));
                    ok = fail(c, pp, "cannot be checked against the pattern \"%s\": %s", pat,
                              code ? "PCRE2 gave up" : why);
                    pop(c, len);
                } else if (rc == 1) {
                    ok &= apply_child(c, pp, e, name, 0, NULL);
                    matched = true;
                }
            }
        }
        if (!matched && k->additionalProperties) {
            if (cJSON_IsFalse(k->additionalProperties)) {
                size_t len = push_key(c, name);
                if (loud(c)) {
                    struct mr_buf m;
                    mr_buf_init(&m);
                    mr_buf_puts(&m, "is not allowed here (additionalProperties is false)");
                    suggest(&m, k->properties, name);
                    fail_msg(c, k->additionalProperties, &m);
                }
                ok = false;
                pop(c, len);
            } else {
                ok &= apply_child(c, k->additionalProperties, e, name, 0, NULL);
            }
            matched = true;
        }
        if (matched)
            mark(ann, i);
        if ((c->mode == TEST && !ok) || c->stopped || c->oom)
            return false;
    }
    return ok;
}

/* `names` (an array of strings) must all be members of inst: `required`, and
 * the array form of `dependencies` and `dependentRequired` (`because`). */
static bool require(struct ctx *c, const struct kw *k, const cJSON *names, const cJSON *inst,
                    const char *because)
{
    bool ok = true;

    for (const cJSON *n = names->child; n; n = n->next) {
        char shown[200], by[200];
        if (!cJSON_IsString(n) || cJSON_GetObjectItemCaseSensitive(inst, n->valuestring))
            continue;
        if (!because && cJSON_IsObject(k->properties)) {
            const cJSON *p = cJSON_GetObjectItemCaseSensitive(k->properties, n->valuestring);
            if (p && forbidden(c, p))
                continue; /* readOnly in a request, writeOnly in a response */
        }
        if (!loud(c)) {
            ok = false;
            if (c->mode == TEST)
                return false;
            continue;
        }
        mr_printable(shown, sizeof(shown), n->valuestring, strlen(n->valuestring));
        if (because) {
            mr_printable(by, sizeof(by), because, strlen(because));
            ok = fail(c, names, "has \"%s\" but no \"%s\", which the schema requires with it", by,
                      shown);
        } else {
            ok = fail(c, names, "has no member \"%s\", which the schema requires", shown);
        }
    }
    return ok;
}

/* Rewrites the violations from `from` on as being about a member's name. */
static void about_name(struct ctx *c, size_t from)
{
    for (size_t i = from; i < c->out->count; i++) {
        struct mr_jsonschema_violation *v = &c->out->items[i];
        size_t n = strlen(v->message);
        char *m = malloc(n + 10);
        if (!m) {
            c->oom = true;
            return;
        }
        memcpy(m, "its name ", 9);
        memcpy(m + 9, v->message, n + 1);
        free(v->message);
        v->message = m;
    }
}

static bool kw_object(struct ctx *c, const struct kw *k, const cJSON *inst, struct ann *ann)
{
    size_t n = count_children(inst);
    bool ok = true;

    if (cJSON_IsArray(k->required))
        ok &= require(c, k, k->required, inst, NULL);
    if (c->mode == TEST && !ok)
        return false;
    if (k->properties || k->patternProperties || k->additionalProperties)
        ok &= kw_members(c, k, inst, ann);
    if (cJSON_IsNumber(k->maxProperties) && (double)n > k->maxProperties->valuedouble)
        ok = fail(c, k->maxProperties, "has %zu member%s, the schema wants at most %.0f", n,
                  n == 1 ? "" : "s", k->maxProperties->valuedouble);
    if (cJSON_IsNumber(k->minProperties) && (double)n < k->minProperties->valuedouble)
        ok = fail(c, k->minProperties, "has %zu member%s, the schema wants at least %.0f", n,
                  n == 1 ? "" : "s", k->minProperties->valuedouble);
    if (c->mode == TEST && !ok)
        return false;
    /* draft 4's dependencies; 2020-12's dependentRequired and dependentSchemas */
    for (int which = 0; which < 3; which++) {
        const cJSON *deps = which == 0   ? k->dependencies
                            : which == 1 ? k->dependentRequired
                                         : k->dependentSchemas;
        if (!cJSON_IsObject(deps))
            continue;
        for (const cJSON *d = deps->child; d; d = d->next) {
            if (!d->string || !cJSON_GetObjectItemCaseSensitive(inst, d->string))
                continue;
            if (cJSON_IsArray(d) && which < 2)
                ok &= require(c, k, d, inst, d->string);
            else if ((cJSON_IsObject(d) || cJSON_IsBool(d)) && which != 1)
                ok &= eval(c, d, inst, which == 2 ? ann : NULL, true);
            if ((c->mode == TEST && !ok) || c->stopped || c->oom)
                return false;
        }
    }
    if (k->propertyNames) {
        size_t i = 0;
        for (const cJSON *e = inst->child; e; e = e->next, i++) {
            cJSON name;
            size_t len = push_key(c, e->string ? e->string : ""), from = c->out->count;
            memset(&name, 0, sizeof(name));
            name.type = cJSON_String;
            name.valuestring = e->string ? e->string : (char *)"";
            ok &= eval(c, k->propertyNames, &name, NULL, false);
            if (c->mode == LOUD)
                about_name(c, from);
            pop(c, len);
            if ((c->mode == TEST && !ok) || c->stopped || c->oom)
                return false;
        }
    }
    return ok;
}

/* ---- applicators --------------------------------------------------------------------- */

/* The instance's type is among those `sch` declares (following $ref), or it
 * declares none: a branch that fails on its type explains little. */
static bool type_fits(const struct ctx *c, const cJSON *sch, const cJSON *inst, int depth)
{
    const cJSON *t, *r;

    if (!cJSON_IsObject(sch) || depth > 8)
        return !cJSON_IsFalse(sch);
    r = cJSON_GetObjectItemCaseSensitive(sch, "$ref");
    if (cJSON_IsString(r)) {
        const struct mr_jsonschema__ref *ref = mr_jsonschema__map_get(&c->s->refs, r);
        if (ref && ref->target && !type_fits(c, ref->target, inst, depth + 1))
            return false;
    }
    t = cJSON_GetObjectItemCaseSensitive(sch, "type");
    if (cJSON_IsString(t))
        return has_type(inst, t->valuestring) ||
               (c->oas30 && cJSON_IsNull(inst) &&
                cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sch, "nullable")));
    if (cJSON_IsArray(t)) {
        for (const cJSON *e = t->child; e; e = e->next)
            if (cJSON_IsString(e) && has_type(inst, e->valuestring))
                return true;
        return false;
    }
    return true;
}

/* No branch of anyOf/oneOf matched: the summary, then the violations of the
 * branch that came closest (the fewest, among those whose type fits). */
static bool fail_branches(struct ctx *c, const cJSON *item, const cJSON *inst, const char *what)
{
    const cJSON *b, *best = NULL;
    size_t n = count_children(item), best_score = (size_t)-1;

    if (c->mode != LOUD || c->out->count >= c->max_errors)
        return fail(c, item, "matches none of the %zu schemas in %s", n, what);
    fail(c, item, "matches none of the %zu schemas in %s", n, what);
    if (c->oom || c->out->count >= c->max_errors)
        return false;
    c->mode = COUNT;
    for (b = item->child; b && !c->stopped && !c->oom; b = b->next) {
        size_t before = c->quiet, score;
        eval(c, b, inst, NULL, false);
        score = c->quiet - before + (type_fits(c, b, inst, 0) ? 0 : (size_t)1 << 20);
        if (score < best_score) {
            best_score = score;
            best = b;
        }
    }
    c->mode = LOUD;
    if (best && !c->stopped && !c->oom)
        eval(c, best, inst, NULL, false);
    return false;
}

static bool kw_anyof(struct ctx *c, const cJSON *item, const cJSON *inst, struct ann *ann)
{
    enum mode saved = c->mode;
    size_t valid = 0;

    if (!cJSON_IsArray(item))
        return true;
    c->mode = TEST;
    for (const cJSON *b = item->child; b; b = b->next)
        if (eval(c, b, inst, ann, false) && (++valid, !ann))
            break; /* with no annotations to gather, one is enough */
    c->mode = saved;
    if (valid || c->stopped || c->oom)
        return valid > 0 && !c->stopped && !c->oom;
    return fail_branches(c, item, inst, "anyOf");
}

static bool kw_oneof(struct ctx *c, const cJSON *item, const cJSON *inst, struct ann *ann)
{
    enum mode saved = c->mode;
    size_t valid = 0, first = 0, second = 0, i = 0;

    if (!cJSON_IsArray(item))
        return true;
    c->mode = TEST;
    for (const cJSON *b = item->child; b && valid < 2; b = b->next, i++)
        if (eval(c, b, inst, ann, false)) {
            if (valid++ == 0)
                first = i;
            else
                second = i;
        }
    c->mode = saved;
    if (c->stopped || c->oom)
        return false;
    if (valid == 1)
        return true;
    if (valid == 0)
        return fail_branches(c, item, inst, "oneOf");
    return fail(c, item, "matches schemas %zu and %zu of oneOf, the schema wants exactly one",
                first, second);
}

static bool kw_applicators(struct ctx *c, const struct kw *k, const cJSON *inst, struct ann *ann)
{
    enum mode saved = c->mode;
    bool ok = true;

    if (cJSON_IsArray(k->allOf))
        for (const cJSON *b = k->allOf->child; b; b = b->next) {
            ok &= eval(c, b, inst, ann, true);
            if ((c->mode == TEST && !ok) || c->stopped || c->oom)
                return false;
        }
    if (k->anyOf)
        ok &= kw_anyof(c, k->anyOf, inst, ann);
    if (c->mode == TEST && !ok)
        return false;
    if (k->oneOf)
        ok &= kw_oneof(c, k->oneOf, inst, ann);
    if (c->mode == TEST && !ok)
        return false;
    if (k->not_) {
        bool matched;
        c->mode = TEST;
        matched = eval(c, k->not_, inst, NULL, false);
        c->mode = saved;
        if (c->stopped || c->oom)
            return false;
        if (matched)
            ok = fail(c, k->not_, "matches the schema in \"not\", which it must not");
    }
    if (k->if_) {
        bool cond;
        c->mode = TEST;
        cond = eval(c, k->if_, inst, ann, false);
        c->mode = saved;
        if (c->stopped || c->oom)
            return false;
        if (cond && k->then_)
            ok &= eval(c, k->then_, inst, ann, true);
        else if (!cond && k->else_)
            ok &= eval(c, k->else_, inst, ann, true);
    }
    return ok;
}

/* unevaluatedItems and unevaluatedProperties: what no other keyword of this
 * schema, or of what it applied in place, evaluated. */
static bool kw_unevaluated(struct ctx *c, const cJSON *sub, const cJSON *inst, struct ann *ann,
                           const char *kwname)
{
    size_t i = 0;
    bool ok = true;

    for (const cJSON *e = inst->child; e; e = e->next, i++) {
        if (ann->seen && i < ann->n && ann->seen[i])
            continue;
        ok &= apply_child(c, sub, e, cJSON_IsObject(inst) ? (e->string ? e->string : "") : NULL, i,
                          kwname);
        mark(ann, i);
        if ((c->mode == TEST && !ok) || c->stopped || c->oom)
            return false;
    }
    return ok;
}

/* ---- one schema ------------------------------------------------------------------------ */

static bool keywords_of(struct ctx *c, const cJSON *sch, const cJSON *inst, struct ann *ann)
{
    struct kw k;
    bool ok = true;

#define STEP(expr)                                                                                 \
    do {                                                                                           \
        if (!(expr)) {                                                                             \
            ok = false;                                                                            \
            if (c->mode == TEST || c->stopped || c->oom)                                           \
                return false;                                                                      \
        }                                                                                          \
    } while (0)

    collect(c, sch, &k);
    if (k.ref && !c->v2020)
        return apply_ref(c, k.ref, inst, ann, false); /* draft 4: $ref replaces its siblings */
    if (k.ref)
        STEP(apply_ref(c, k.ref, inst, ann, false));
    if (k.dynref)
        STEP(apply_ref(c, k.dynref, inst, ann, true));
    if (k.type)
        STEP(kw_type(c, &k, inst));
    if (k.enum_)
        STEP(kw_enum(c, &k, inst));
    if (k.const_)
        STEP(kw_const(c, &k, inst));
    if (cJSON_IsNumber(inst))
        STEP(kw_number(c, &k, inst));
    else if (cJSON_IsString(inst))
        STEP(kw_string(c, &k, inst));
    else if (cJSON_IsArray(inst))
        STEP(kw_array(c, &k, inst, ann));
    else if (cJSON_IsObject(inst))
        STEP(kw_object(c, &k, inst, ann));
    STEP(kw_applicators(c, &k, inst, ann));
    if (k.unevaluatedItems && cJSON_IsArray(inst))
        STEP(kw_unevaluated(c, k.unevaluatedItems, inst, ann, "unevaluatedItems"));
    if (k.unevaluatedProperties && cJSON_IsObject(inst))
        STEP(kw_unevaluated(c, k.unevaluatedProperties, inst, ann, "unevaluatedProperties"));
    return ok;
#undef STEP
}

/* Applies `sch` to `inst`. When `out` is given, what it evaluated is added to
 * it if it passes (or, with keep_failed, in any case: for subschemas whose
 * failure fails the parent too, so that unevaluated* does not repeat their
 * violations). */
static bool eval(struct ctx *c, const cJSON *sch, const cJSON *inst, struct ann *out,
                 bool keep_failed)
{
    struct ann local = {NULL, 0};
    bool ok, scoped = false, tracked;

    if (c->stopped || c->oom)
        return false;
    if (++c->steps > c->max_steps)
        return stop(c, sch,
                    "cannot be checked: validation gave up after %zu steps (anyOf or "
                    "oneOf may nest too deep for this value)",
                    c->max_steps);
    if (cJSON_IsBool(sch))
        return cJSON_IsTrue(sch) || fail(c, sch, "is not allowed here (the schema is false)");
    if (!cJSON_IsObject(sch))
        return true; /* not a schema: it asks nothing */
    if (c->depth >= MR_JSONSCHEMA_MAX_DEPTH)
        return stop(c, sch, "cannot be checked: the schemas nest deeper than %d levels here",
                    MR_JSONSCHEMA_MAX_DEPTH);
    tracked = c->v2020 && (cJSON_IsObject(inst) || cJSON_IsArray(inst)) &&
              (out || (c->s->unevaluated &&
                       (cJSON_GetObjectItemCaseSensitive(sch, "unevaluatedProperties") ||
                        cJSON_GetObjectItemCaseSensitive(sch, "unevaluatedItems"))));
    if (tracked) {
        local.n = count_children(inst);
        if (local.n && !(local.seen = calloc(local.n, 1))) {
            c->oom = true;
            return false;
        }
    }
    if (c->v2020) {
        const char *uri = mr_jsonschema__map_get(&c->s->bases, sch);
        if (uri) {
            c->scope[c->nscope++] = uri;
            scoped = true;
        }
    }
    c->depth++;
    ok = keywords_of(c, sch, inst, tracked ? &local : NULL);
    c->depth--;
    if (scoped)
        c->nscope--;
    if (out && out->seen && local.seen && (ok || keep_failed))
        for (size_t i = 0; i < local.n && i < out->n; i++)
            out->seen[i] |= local.seen[i];
    free(local.seen);
    return ok && !c->stopped && !c->oom;
}

/* ---- the entry point ---------------------------------------------------------------------- */

void mr_jsonschema_result_release(struct mr_jsonschema_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        free(r->items[i].instance);
        free(r->items[i].schema);
        free(r->items[i].message);
    }
    free(r->items);
    memset(r, 0, sizeof(*r));
}

int mr_jsonschema_validate(struct mr_jsonschema_result *out, const struct mr_jsonschema *s,
                           const cJSON *schema, const cJSON *instance,
                           const struct mr_jsonschema_check *check, struct mr_error *err)
{
    static const struct mr_jsonschema_check defaults = {0};
    struct ctx *c = calloc(1, sizeof(*c));
    bool ok;

    memset(out, 0, sizeof(*out));
    if (!check)
        check = &defaults;
    if (!c)
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    c->s = s;
    c->top = schema ? schema : s->docs[0].root;
    c->v2020 = s->dialect == MR_JSONSCHEMA_2020_12;
    c->oas30 = s->dialect == MR_JSONSCHEMA_OPENAPI30;
    c->dir = check->direction;
    c->max_errors = check->max_errors ? check->max_errors : MR_JSONSCHEMA_MAX_ERRORS;
    c->max_steps = check->max_steps ? check->max_steps : MR_JSONSCHEMA_MAX_STEPS;
    c->mode = LOUD;
    c->out = out;
    mr_buf_init(&c->where);
    mr_buf_puts(&c->where, "");
    c->scope[c->nscope++] = s->docs[0].uri;
    ok = eval(c, c->top, instance, NULL, false);
    out->valid = ok && !c->stopped && !c->oom;
    mr_buf_release(&c->where);
    pcre2_match_data_free(c->md);
    pcre2_match_context_free(c->mc);
    if (c->oom) {
        free(c);
        mr_jsonschema_result_release(out);
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    }
    free(c);
    return 0;
}
