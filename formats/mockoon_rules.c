/*
 * mockoon_rules.c - a Mockoon response's rules → a mockrun `when`.
 *
 * Mockoon (ResponseRulesInterpreter.isValidRule, @mockoon/commons-server
 * 9.9) reads each rule's target from the request, applies the operator and
 * `invert`, and combines the rules with AND or OR. mockrun's `when` is an
 * object of conditions that must all hold (one per field), or an array of
 * such objects of which one must hold: a formula in disjunctive normal form.
 * So each rule becomes such a formula (`struct dnf`) over "literals" mockrun
 * can test, `invert` negates it, AND multiplies formulas out and OR joins
 * them; at the end each conjunction becomes one `when` object.
 *
 * The literals, and what they stand for:
 *   FIELD   a query parameter, header, cookie or path parameter: equal to a
 *           text, matching a regex, present, or a PCRE2 pattern of ours
 *   JSON    the value at a path of a JSON body, or of an XML body read as
 *           xml-js's object (mockrun's `jsonPath` reads both)
 *   RAW     the body's text (`body.equals` / `body.matches`)
 *   PATH    the request's path (`pathPattern`)
 *   METHOD  the method is one of a set
 *   KIND    how Mockoon parses the body, from its Content-Type: JSON, form,
 *           multipart, XML or none; written as a Content-Type condition
 *   CALL    the route's call number is in a range (`callNumber`)
 * Several literals on one field in one conjunction are joined into one
 * PCRE2 pattern of lookaheads; several on one body path get different
 * spellings of the path (`$.a`, `$['a']`), which the loader takes as
 * different keys. A value known when converting (Mockoon's route path "*",
 * the method of a route that has one, a call number) is evaluated here.
 *
 * Everything a response's rules allocate comes from one arena, freed when
 * its `when` is built.
 */
#include "formats/mockoon_internal.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/text.h"
#include "formats/jsregex.h"

/* Alternatives one response may have; beyond, its rules are reported and dropped. */
#define MAX_CONJ 256
/* Call numbers a regex is evaluated on, and the ranges it may come to. */
#define CALL_EVAL 1000
#define MAX_RANGES 32

/* ---- arena ---------------------------------------------------------------------------- */

struct block {
    struct block *next;
    size_t used, size;
    max_align_t data[];
};

struct arena {
    struct block *head;
};

static void *arena_alloc(struct arena *a, size_t n)
{
    size_t al = _Alignof(max_align_t);
    struct block *b = a->head;
    void *p;

    n = (n + al - 1) / al * al;
    if (!b || b->size - b->used < n) {
        size_t size = n > 8192 ? n : 8192;
        b = malloc(sizeof(*b) + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

static void arena_free(struct arena *a)
{
    while (a->head) {
        struct block *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

/* ---- literals and formulas ------------------------------------------------------------- */

enum lit_kind { L_FIELD, L_JSON, L_RAW, L_PATH, L_METHOD, L_KIND, L_CALL };
enum str_op { S_EQ, S_RE, S_PRESENT, S_PCRE };

struct lit {
    enum lit_kind kind;
    bool neg;
    const char *section;      /* FIELD: "query", "headers", "cookies", "params" */
    const char *name;         /* FIELD */
    const char *const *steps; /* JSON: member names and indexes from the root */
    size_t nsteps;
    enum str_op op;   /* FIELD, JSON, RAW, PATH */
    const char *text; /* EQ: the value; RE: JavaScript source; PCRE: a pattern without groups */
    bool icase;       /* RE */
    bool missing;     /* PCRE: the literal's truth for a missing field (before neg) */
    unsigned set;     /* METHOD, KIND: the allowed members (neg already applied) */
    int64_t lo, hi;   /* CALL: lo..hi; hi < 0: no end */
};

struct conj {
    struct lit *lits;
    size_t n;
};

/* n == 0: false; a conjunction without literals: true */
struct dnf {
    struct conj *c;
    size_t n;
};

/* the methods of Mockoon's routes; the last bit stands for any other */
static const char *const method_names[] = {"get",  "post",    "put",      "patch",     "delete",
                                           "head", "options", "propfind", "proppatch", "move",
                                           "copy", "mkcol",   "lock",     "unlock",    NULL};
#define NMETHODS 14
#define METHOD_ALL ((1u << (NMETHODS + 1)) - 1)

/* how Mockoon parses a body, by Content-Type (ParsedBodyMimeTypes), in its order */
enum { K_JSON = 1, K_FORM = 2, K_MULTI = 4, K_XML = 8, K_NONE = 16, KIND_ALL = 31 };
static const char *const kind_patterns[] = {
    /* ParsedJSONBodyMimeTypes: a substring, and /application\/.*\+json/i */
    "application/json|(?i:application/[^\\n\\r\\x{2028}\\x{2029}]*\\+json)",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/xml|application/soap\\+xml|text/xml",
};

struct rc {
    struct mr_mockoon__conv *c;
    struct arena ar;
    const char *method; /* the route's, lower case, or "all" */
    bool overflow;      /* a formula grew past MAX_CONJ */
    bool dropped;       /* the rule being converted was reported and left out */
    bool conflict;      /* a conjunction was left out at emission (reported once) */
};

static void *alloc(struct rc *r, size_t n)
{
    void *p = arena_alloc(&r->ar, n ? n : 1);
    if (!p)
        r->c->nomem = true;
    return p;
}

static char *dup(struct rc *r, const char *s, size_t n)
{
    char *p = alloc(r, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static void unsupported(struct rc *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void unsupported(struct rc *r, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    mr_mockoon__warn(r->c, "%s; rule dropped", msg);
    r->dropped = true;
}

static struct dnf dnf_false(void)
{
    struct dnf d = {NULL, 0};
    return d;
}

static struct dnf dnf_true(struct rc *r)
{
    struct dnf d = {alloc(r, sizeof(struct conj)), 1};
    if (!d.c)
        return dnf_false();
    d.c[0].lits = NULL;
    d.c[0].n = 0;
    return d;
}

static struct dnf dnf_bool(struct rc *r, bool v)
{
    return v ? dnf_true(r) : dnf_false();
}

static struct dnf dnf_lit(struct rc *r, struct lit l)
{
    struct dnf d = {alloc(r, sizeof(struct conj)), 1};
    struct lit *p = alloc(r, sizeof(*p));
    if (!d.c || !p)
        return dnf_false();
    *p = l;
    d.c[0].lits = p;
    d.c[0].n = 1;
    return d;
}

static struct dnf dnf_or(struct rc *r, struct dnf a, struct dnf b)
{
    struct dnf d;
    if (!a.n)
        return b;
    if (!b.n)
        return a;
    if (a.n + b.n > MAX_CONJ) {
        r->overflow = true;
        return dnf_false();
    }
    d.n = a.n + b.n;
    d.c = alloc(r, d.n * sizeof(*d.c));
    if (!d.c)
        return dnf_false();
    memcpy(d.c, a.c, a.n * sizeof(*d.c));
    memcpy(d.c + a.n, b.c, b.n * sizeof(*d.c));
    return d;
}

static struct dnf dnf_and(struct rc *r, struct dnf a, struct dnf b)
{
    struct dnf d;
    size_t i, j, k = 0;

    if (!a.n || !b.n)
        return dnf_false();
    if (a.n * b.n > MAX_CONJ) {
        r->overflow = true;
        return dnf_false();
    }
    d.n = a.n * b.n;
    d.c = alloc(r, d.n * sizeof(*d.c));
    if (!d.c)
        return dnf_false();
    for (i = 0; i < a.n; i++) {
        for (j = 0; j < b.n; j++, k++) {
            size_t n = a.c[i].n + b.c[j].n;
            struct lit *l = alloc(r, n * sizeof(*l));
            if (!l)
                return dnf_false();
            if (a.c[i].n)
                memcpy(l, a.c[i].lits, a.c[i].n * sizeof(*l));
            if (b.c[j].n)
                memcpy(l + a.c[i].n, b.c[j].lits, b.c[j].n * sizeof(*l));
            d.c[k].lits = l;
            d.c[k].n = n;
        }
    }
    return d;
}

static struct lit lit_not(struct lit l)
{
    if (l.kind == L_METHOD)
        l.set = ~l.set & METHOD_ALL;
    else if (l.kind == L_KIND)
        l.set = ~l.set & KIND_ALL;
    else
        l.neg = !l.neg;
    return l;
}

/* not (C1 or C2 ...) = (not C1) and (not C2) ...; not C = any literal of C negated */
static struct dnf dnf_not(struct rc *r, struct dnf a)
{
    struct dnf out = dnf_true(r);
    size_t i, j;

    for (i = 0; i < a.n && out.n; i++) {
        struct dnf alt = dnf_false();
        for (j = 0; j < a.c[i].n; j++)
            alt = dnf_or(r, alt, dnf_lit(r, lit_not(a.c[i].lits[j])));
        out = dnf_and(r, out, alt);
    }
    return out;
}

static struct lit str_lit(enum lit_kind kind, enum str_op op, const char *text)
{
    struct lit l;
    memset(&l, 0, sizeof(l));
    l.kind = kind;
    l.op = op;
    l.text = text;
    return l;
}

static struct dnf field(struct rc *r, const char *section, const char *name, enum str_op op,
                        const char *text, bool icase)
{
    struct lit l = str_lit(L_FIELD, op, text);
    l.section = section;
    l.name = name;
    l.icase = icase;
    return dnf_lit(r, l);
}

static struct dnf json_lit(struct rc *r, const char *const *steps, size_t nsteps, enum str_op op,
                           const char *text, bool icase, bool neg)
{
    struct lit l = str_lit(L_JSON, op, text);
    l.steps = steps;
    l.nsteps = nsteps;
    l.icase = icase;
    l.neg = neg;
    return dnf_lit(r, l);
}

static struct dnf raw_lit(struct rc *r, enum str_op op, const char *text, bool icase)
{
    struct lit l = str_lit(L_RAW, op, text);
    l.icase = icase;
    return dnf_lit(r, l);
}

static struct dnf kind_lit(struct rc *r, unsigned set)
{
    struct lit l;
    memset(&l, 0, sizeof(l));
    l.kind = L_KIND;
    l.set = set;
    return set == KIND_ALL ? dnf_true(r) : set == 0 ? dnf_false() : dnf_lit(r, l);
}

static struct dnf call_lit(struct rc *r, int64_t lo, int64_t hi)
{
    struct lit l;
    memset(&l, 0, sizeof(l));
    l.kind = L_CALL;
    l.lo = lo;
    l.hi = hi;
    return dnf_lit(r, l);
}

/* ---- values known when converting ------------------------------------------------------ */

/* A rule's regex compiled for tests on values known when converting; NULL
 * (reported, or out of memory) when it cannot be. */
static struct mr_jsregex_prog *js_prog(struct rc *r, const char *src, bool icase)
{
    char *pat, why[200];
    size_t ng;
    struct mr_jsregex_prog *p;
    int rc = mr_jsregex_translate(&pat, &ng, src, icase, 0, why, sizeof(why));

    if (rc == -2) {
        r->c->nomem = true;
        return NULL;
    }
    if (rc < 0) {
        unsupported(r, "regex \"%s\" cannot be used: %s", src, why);
        return NULL;
    }
    p = mr_jsregex_compile(pat);
    free(pat);
    if (!p)
        r->c->nomem = true;
    return p;
}

/* Whether JavaScript's `new RegExp(src, i ? "i" : "").test(s)`; -1 (reported)
 * when the pattern cannot be converted or PCRE2 fails. */
static int js_test(struct rc *r, const char *src, bool icase, const char *s)
{
    struct mr_jsregex_prog *p = js_prog(r, src, icase);
    int t = p ? mr_jsregex_match(p, s, strlen(s)) : -1;
    mr_jsregex_free(p);
    if (p && t < 0)
        unsupported(r, "regex \"%s\" could not be evaluated", src);
    return t;
}

/* The rule's truth (before invert) when the target's value is the text `s`, or
 * undefined (NULL): isValidRule's operators on a value that is no array. */
static struct dnf known_value(struct rc *r, const char *op, const char *value, const char *s,
                              bool has_modifier)
{
    if (strcmp(op, "null") == 0)
        return dnf_bool(r, !s || !*s);
    if (!s || strcmp(op, "empty_array") == 0)
        return dnf_false();
    if (strcmp(op, "array_includes") == 0 && has_modifier)
        return dnf_false();
    if (strncmp(op, "regex", 5) == 0) {
        int t = js_test(r, value, op[5] != '\0', s);
        return t < 0 ? dnf_false() : dnf_bool(r, t == 1);
    }
    return dnf_bool(r, strcmp(s, value) == 0); /* equals, and array_includes without a path */
}

/* Checks that a rule's regex converts; false (reported) when it does not. */
static bool regex_ok(struct rc *r, const char *src, bool icase)
{
    char *pat, why[200];
    size_t ng;
    int rc = mr_jsregex_translate(&pat, &ng, src, icase, 0, why, sizeof(why));
    if (rc == -2) {
        r->c->nomem = true;
        return false;
    }
    if (rc < 0) {
        unsupported(r, "regex \"%s\" cannot be used: %s", src, why);
        return false;
    }
    free(pat);
    return true;
}

/* ---- paths in a rule's modifier ------------------------------------------------------ */

/*
 * Splits a modifier into steps as Mockoon's getValueFromPath reads it: with a
 * leading "$", JSONPath (jsonpath-plus) of which `.name`, `['name']`,
 * `["name"]` and `[n]` are supported; else object-path, dot-separated, "\."
 * escaping a dot (convertPathToArray). Returns false, with the reason in
 * *why, for JSONPath beyond that subset.
 */
static bool split_modifier(struct rc *r, const char *m, const char ***steps, size_t *n,
                           const char **why)
{
    size_t len = strlen(m), cap = len + 1, k = 0;
    const char **st = alloc(r, cap * sizeof(*st));
    const char *p = m;

    *why = NULL;
    if (!st)
        return false;
    if (*p != '$') {
        /* object-path: split at dots, "\." is a dot inside a name */
        char *cur = alloc(r, len + 1);
        size_t cn = 0;
        if (!cur)
            return false;
        for (;; p++) {
            if (*p == '\\' && p[1] == '.') {
                cur[cn++] = '.';
                p++;
            } else if (*p == '.' || !*p) {
                st[k++] = dup(r, cur, cn);
                cn = 0;
                if (!*p)
                    break;
            } else {
                cur[cn++] = *p;
            }
        }
        *steps = st;
        *n = k;
        return true;
    }
    for (p++; *p;) {
        if (p[0] == '.' && p[1] == '.') {
            *why = "recursive descent (..)";
            return false;
        }
        if (*p == '.') {
            size_t w = strcspn(++p, ".[");
            if (w == 0 || (w == 1 && *p == '*') || memchr(p, '*', w) || memchr(p, '@', w) ||
                memchr(p, '^', w) || memchr(p, '~', w) || memchr(p, '(', w) || memchr(p, '`', w)) {
                *why = w == 0 ? "an empty name" : "wildcards, filters and other operators";
                return false;
            }
            st[k++] = dup(r, p, w);
            p += w;
        } else if (p[0] == '[' && (p[1] == '\'' || p[1] == '"')) {
            const char *end = strchr(p + 2, p[1]);
            if (!end || end[1] != ']' || memchr(p + 2, '\\', (size_t)(end - (p + 2)))) {
                *why = "a quoted name this importer cannot read";
                return false;
            }
            st[k++] = dup(r, p + 2, (size_t)(end - (p + 2)));
            p = end + 2;
        } else if (p[0] == '[' && p[1] >= '0' && p[1] <= '9') {
            size_t w = strspn(p + 1, "0123456789");
            if (p[1 + w] != ']') {
                *why = "slices and unions";
                return false;
            }
            st[k++] = dup(r, p + 1, w);
            p += w + 2;
        } else {
            *why = "wildcards, filters, slices and other operators";
            return false;
        }
    }
    *steps = st;
    *n = k;
    return true;
}

/* qs's name for a nested key: ["filter", "name"] → "filter[name]" */
static const char *query_name(struct rc *r, const char *const *steps, size_t n)
{
    struct mr_buf b;
    size_t i;
    char *s;

    mr_buf_init(&b);
    mr_buf_puts(&b, steps[0]);
    for (i = 1; i < n; i++) {
        mr_buf_putc(&b, '[');
        mr_buf_puts(&b, steps[i]);
        mr_buf_putc(&b, ']');
    }
    s = b.failed ? NULL : dup(r, mr_buf_cstr(&b), b.len);
    if (b.failed)
        r->c->nomem = true;
    mr_buf_release(&b);
    return s;
}

/* ---- rules, target by target ------------------------------------------------------------ */

/* A rule on a string field (query parameter, header, cookie, path parameter). */
static struct dnf field_rule(struct rc *r, const char *section, const char *name, const char *op,
                             const char *value)
{
    if (strcmp(op, "equals") == 0)
        return field(r, section, name, S_EQ, value, false);
    if (strncmp(op, "regex", 5) == 0)
        return regex_ok(r, value, op[5] != '\0')
                   ? field(r, section, name, S_RE, value, op[5] != '\0')
                   : dnf_false();
    if (strcmp(op, "null") == 0) {
        /* missing or "": not (present and not empty) */
        struct dnf d = field(r, section, name, S_PCRE, "[\\s\\S]", false);
        return dnf_not(r, d);
    }
    if (strcmp(op, "array_includes") == 0 && strcmp(section, "query") == 0) {
        /* an array in Mockoon: the parameter given twice (any of them) or as name[] */
        size_t n = strlen(name);
        char *arr = alloc(r, n + 3);
        if (!arr)
            return dnf_false();
        memcpy(arr, name, n);
        memcpy(arr + n, "[]", 3);
        return dnf_or(r, field(r, section, name, S_EQ, value, false),
                      field(r, section, arr, S_EQ, value, false));
    }
    return dnf_false(); /* empty_array, array_includes: never an array */
}

/*
 * A body rule with a path; `cases` get the Mockoon truth per body kind. An
 * XML body is xml-js's object, which mockrun's jsonPath reads too (for a
 * request of an XML type): the same literal as for JSON, so that by_kind
 * joins the two, except where JSON's null matters (xml-js has only strings)
 * and for empty_array (xml-js makes no empty array).
 */
static void body_path_cases(struct rc *r, const char *const *st, size_t n, const char *op,
                            const char *value, struct dnf cases[5])
{
    struct dnf jp, xml, raw, undef;
    bool icase = op[5] != '\0';
    const char **first;

    if (strcmp(op, "equals") == 0) {
        /* a JSON null is "" for equals; mockrun's text for it is "null" */
        jp = *value ? json_lit(r, st, n, S_EQ, value, false, false)
                    : json_lit(r, st, n, S_PCRE, "\\A(?:null)?\\z", false, false);
        xml = *value ? jp : json_lit(r, st, n, S_EQ, "", false, false);
        raw = raw_lit(r, S_EQ, value, false);
        undef = dnf_false();
    } else if (strncmp(op, "regex", 5) == 0) {
        if (!regex_ok(r, value, icase))
            return;
        xml = jp = json_lit(r, st, n, S_RE, value, icase, false);
        raw = raw_lit(r, S_RE, value, icase);
        undef = dnf_false();
    } else if (strcmp(op, "null") == 0) {
        jp = dnf_or(r, json_lit(r, st, n, S_PRESENT, NULL, false, true),
                    json_lit(r, st, n, S_PCRE, "\\A(?:null)?\\z", false, false));
        xml = dnf_or(r, json_lit(r, st, n, S_PRESENT, NULL, false, true),
                     json_lit(r, st, n, S_EQ, "", false, false));
        raw = raw_lit(r, S_EQ, "", false);
        undef = dnf_true(r);
    } else {
        /* empty_array, array_includes: the value is an array ([0] present or not) */
        first = alloc(r, (n + 1) * sizeof(*first));
        if (!first)
            return;
        if (n)
            memcpy(first, st, n * sizeof(*first));
        first[n] = "0";
        if (strcmp(op, "empty_array") == 0) {
            jp = dnf_and(r,
                         dnf_and(r, json_lit(r, st, n, S_PRESENT, NULL, false, false),
                                 json_lit(r, first, n + 1, S_PRESENT, NULL, false, true)),
                         json_lit(r, st, n, S_PCRE, "", false, true));
            xml = dnf_false();
        } else {
            xml = jp = dnf_and(r, json_lit(r, st, n, S_EQ, value, false, false),
                               json_lit(r, first, n + 1, S_PRESENT, NULL, false, false));
        }
        raw = dnf_false();
        undef = dnf_false();
    }
    cases[0] = jp;               /* JSON: the parsed body */
    cases[1] = cases[2] = undef; /* form, multipart: parsed, not by mockrun */
    cases[3] = xml;              /* XML: xml-js's object */
    cases[4] = raw;              /* none: the raw text, whatever the path */
}

/* A body rule without a path. */
static void body_whole_cases(struct rc *r, const char *op, const char *value, struct dnf cases[5])
{
    /* JSON's whitespace around a value */
#define WS "[\\t\\n\\r ]*"
    if (strcmp(op, "null") == 0) {
        /* the parsed body (JSON null), else the raw text when nothing parses it */
        struct dnf empty = raw_lit(r, S_EQ, "", false);
        cases[0] = dnf_or(r, empty, raw_lit(r, S_PCRE, "\\A" WS "null" WS "\\z", false));
        cases[1] = cases[3] = dnf_false();
        cases[2] = cases[4] = empty;
    } else if (strcmp(op, "empty_array") == 0) {
        cases[0] = raw_lit(r, S_PCRE, "\\A" WS "\\[" WS "\\]" WS "\\z", false);
        cases[1] = cases[2] = cases[3] = cases[4] = dnf_false();
    } else {
        /* array_includes without a path: the parsed body equals it, or one of its items */
        static const char *const root[1] = {NULL};
        struct dnf text = raw_lit(r, S_EQ, value, false);
        bool object = strcmp(value, "[object Object]") == 0;
        const char *lead = value + strspn(value, " \t\r\n");
        cases[0] = json_lit(r, root, 0, S_EQ, value, false, false);
        cases[1] = dnf_bool(r, object);
        cases[2] = cases[4] = text;
        /* an XML body xml-js cannot read is its text: one equal to a value
         * that is no XML (neither blank nor markup) is such a body */
        cases[3] = object ? cases[1] : *lead && *lead != '<' ? text : dnf_false();
    }
#undef WS
}

/* The rule per body kind, each case behind a Content-Type condition; kinds with
 * the same case share one. */
static struct dnf by_kind(struct rc *r, struct dnf cases[5], bool invert)
{
    struct dnf out = dnf_false();
    bool done[5] = {false};
    int k, j;

    for (k = 0; k < 5; k++) {
        unsigned set = 0;
        struct dnf d;
        if (done[k])
            continue;
        for (j = k; j < 5; j++)
            if (!done[j] && cases[j].c == cases[k].c && cases[j].n == cases[k].n) {
                set |= 1u << j;
                done[j] = true;
            }
        d = invert ? dnf_not(r, cases[k]) : cases[k];
        out = dnf_or(r, out, dnf_and(r, kind_lit(r, set), d));
    }
    return out;
}

/* A path rule: Mockoon tests the value against [request URL, route path]; the
 * route path is "*" in Mockoon 9 (every route is served by `all('*')`). */
static struct dnf path_rule(struct rc *r, const char *op, const char *value)
{
    bool eq = strcmp(op, "equals") == 0 || strcmp(op, "array_includes") == 0;
    if (strcmp(op, "null") == 0 || strcmp(op, "empty_array") == 0)
        return dnf_false();
    if (eq && strcmp(value, "*") == 0)
        return dnf_true(r);
    if (!eq) {
        int t = js_test(r, value, op[5] != '\0', "*");
        struct lit l;
        if (t < 0)
            return dnf_false();
        if (t == 1)
            return dnf_true(r);
        l = str_lit(L_PATH, S_RE, value);
        l.icase = op[5] != '\0';
        return dnf_lit(r, l);
    } else {
        /* the URL as sent: mockrun compares the decoded path, and the query's
         * parameters one by one */
        const char *q = strchr(value, '?');
        size_t plen = q ? (size_t)(q - value) : strlen(value);
        char *path = alloc(r, plen + 1);
        struct dnf d;
        if (!path)
            return dnf_false();
        path[mr_percent_decode(path, value, plen, 0)] = '\0';
        d = dnf_lit(r, str_lit(L_PATH, S_EQ, path));
        if (q) {
            /* name=value pairs, decoded as Express's query parser does */
            const char *p = q + 1;
            while (*p) {
                size_t len = strcspn(p, "&");
                const char *sep = memchr(p, '=', len);
                size_t nl = sep ? (size_t)(sep - p) : len, vl = sep ? len - nl - 1 : 0;
                char *name = alloc(r, nl + 1), *val = alloc(r, vl + 1);
                if (!name || !val)
                    return dnf_false();
                name[mr_percent_decode(name, p, nl, MR_PCT_PLUS | MR_PCT_WHOLE)] = '\0';
                val[sep ? mr_percent_decode(val, sep + 1, vl, MR_PCT_PLUS | MR_PCT_WHOLE) : 0] =
                    '\0';
                if (len)
                    d = dnf_and(r, d, field(r, "query", name, S_EQ, val, false));
                p += len;
                if (*p)
                    p++;
            }
            mr_mockoon__warn(r->c,
                             "path value \"%s\" has a query string: mockrun checks its "
                             "parameters one by one, not their order or that there are no others",
                             value);
        }
        return d;
    }
}

/* A method rule: Mockoon compares the lower-case method. */
static struct dnf method_rule(struct rc *r, const char *op, const char *value, bool has_modifier)
{
    struct lit l;
    unsigned set = 0;
    size_t i;

    if (strcmp(r->method, "all") != 0)
        return known_value(r, op, value, r->method, has_modifier);
    if (strcmp(op, "null") == 0 || strcmp(op, "empty_array") == 0 ||
        (strcmp(op, "array_includes") == 0 && has_modifier))
        return dnf_false();
    for (i = 0; method_names[i]; i++) {
        struct dnf d = known_value(r, op, value, method_names[i], has_modifier);
        if (r->dropped)
            return dnf_false();
        if (d.n)
            set |= 1u << i;
    }
    if (!set)
        return dnf_false();
    memset(&l, 0, sizeof(l));
    l.kind = L_METHOD;
    l.set = set;
    return dnf_lit(r, l);
}

/* A request_number rule: the route's call number, 1 for the first call. */
static struct dnf call_rule(struct rc *r, const char *op, const char *value, bool has_modifier)
{
    struct dnf out = dnf_false();
    char num[24];
    bool prev = false, tail = false, changes = false;
    int64_t n, start = 0, nranges = 0;
    struct mr_jsregex_prog *prog;

    if (strcmp(op, "null") == 0 || strcmp(op, "empty_array") == 0 ||
        (strcmp(op, "array_includes") == 0 && has_modifier))
        return dnf_false();
    if (strncmp(op, "regex", 5) != 0) {
        /* String(number) === value: a canonical decimal */
        size_t len = strlen(value);
        if (len == 0 || len > 15 || strspn(value, "0123456789") != len || value[0] == '0')
            return dnf_false();
        n = strtoll(value, NULL, 10);
        return call_lit(r, n, n);
    }
    /* a regex: tried on 1..CALL_EVAL; beyond, the verdict on CALL_EVAL + 1 */
    prog = js_prog(r, value, op[5] != '\0');
    if (!prog)
        return dnf_false();
    for (n = 1; n <= CALL_EVAL + 1; n++) {
        int len = snprintf(num, sizeof(num), "%lld", (long long)n);
        int t = mr_jsregex_match(prog, num, (size_t)len);
        if (t < 0) {
            mr_jsregex_free(prog);
            unsupported(r, "regex \"%s\" could not be evaluated", value);
            return dnf_false();
        }
        if (t && !prev)
            start = n;
        if (!t && prev) {
            if (++nranges > MAX_RANGES)
                break;
            out = dnf_or(r, out, call_lit(r, start, n - 1));
        }
        prev = t == 1;
    }
    tail = prev;
    /* later calls: a sample of longer numbers that should agree with the last one */
    for (n = CALL_EVAL + 2; n <= (int64_t)1e15 && !changes && nranges <= MAX_RANGES;
         n = n * 3 + 7) {
        int len = snprintf(num, sizeof(num), "%lld", (long long)n);
        changes = (mr_jsregex_match(prog, num, (size_t)len) == 1) != tail;
    }
    mr_jsregex_free(prog);
    if (nranges + tail > MAX_RANGES) {
        unsupported(r, "request_number regex \"%s\" holds for too many separate call ranges",
                    value);
        return dnf_false();
    }
    if (tail)
        out = dnf_or(r, out, call_lit(r, start, -1));
    if (changes)
        mr_mockoon__warn(r->c,
                         "request_number regex \"%s\" is evaluated on calls 1 to %d; later calls "
                         "get the verdict of call %d",
                         value, CALL_EVAL + 1, CALL_EVAL + 1);
    return out;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static const char *str_or_empty(const cJSON *rule, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(rule, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* One rule's truth, `invert` applied. r->dropped when it was left out. */
static struct dnf rule_dnf(struct rc *r, const cJSON *rule)
{
    static const char *const targets[] = {
        "body",   "query",          "header",     "cookie",      "params",     "path",
        "method", "request_number", "global_var", "data_bucket", "templating", NULL};
    static const char *const ops[] = {"equals",      "regex",          "regex_i",           "null",
                                      "empty_array", "array_includes", "valid_json_schema", NULL};
    const char *target = str_or_empty(rule, "target");
    const char *modifier = str_or_empty(rule, "modifier");
    const char *value = str_or_empty(rule, "value");
    const char *op = str_or_empty(rule, "operator");
    bool invert = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rule, "invert"));
    bool has_mod = *modifier != '\0';
    struct dnf d;

    r->dropped = false;
    if (!cJSON_IsObject(rule)) {
        unsupported(r, "a rule must be an object");
        return dnf_false();
    }
    /* the CLI repairs a rule as its schema says: an unknown target is "body", an
     * unknown operator "equals" */
    if (!in_list(target, targets)) {
        if (cJSON_GetObjectItemCaseSensitive(rule, "target"))
            mr_mockoon__warn(
                r->c, "target \"%s\" is not Mockoon's; read as \"body\", as Mockoon does", target);
        target = "body";
    }
    if (!in_list(op, ops)) {
        if (cJSON_GetObjectItemCaseSensitive(rule, "operator"))
            mr_mockoon__warn(
                r->c, "operator \"%s\" is not Mockoon's; read as \"equals\", as Mockoon does", op);
        op = "equals";
    }
    if (strstr(modifier, "{{") ||
        (strstr(value, "{{") && strcmp(op, "null") != 0 && strcmp(op, "empty_array") != 0)) {
        unsupported(r,
                    "templated rule %s \"%s\" is not supported (Mockoon renders it for each "
                    "request)",
                    strstr(modifier, "{{") ? "modifier" : "value",
                    strstr(modifier, "{{") ? modifier : value);
        return dnf_false();
    }
    if (strcmp(op, "valid_json_schema") == 0) {
        unsupported(r,
                    "operator \"valid_json_schema\" needs data buckets, which are not supported");
        return dnf_false();
    }
    if (strcmp(target, "global_var") == 0 || strcmp(target, "data_bucket") == 0) {
        unsupported(r, "target \"%s\" is not supported", target);
        return dnf_false();
    }

    if (strcmp(target, "body") == 0) {
        struct dnf cases[5];
        size_t i;
        for (i = 0; i < 5; i++)
            cases[i] = dnf_false();
        if (has_mod) {
            const char **st, *why;
            size_t n;
            if (!split_modifier(r, modifier, &st, &n, &why)) {
                if (why)
                    unsupported(r, "body path \"%s\" uses %s, which mockrun's jsonPath lacks",
                                modifier, why);
                return dnf_false();
            }
            body_path_cases(r, st, n, op, value, cases);
        } else if (strcmp(op, "equals") == 0 || strncmp(op, "regex", 5) == 0) {
            /* the raw text, whatever the body's type */
            bool icase = op[5] != '\0';
            if (op[0] == 'r' && !regex_ok(r, value, icase))
                return dnf_false();
            d = raw_lit(r, op[0] == 'e' ? S_EQ : S_RE, value, icase);
            return invert ? dnf_not(r, d) : d;
        } else {
            body_whole_cases(r, op, value, cases);
        }
        if (r->dropped)
            return dnf_false();
        return by_kind(r, cases, invert);
    }

    if (strcmp(target, "query") == 0 || strcmp(target, "params") == 0) {
        const char **st, *why;
        size_t n;
        if (!has_mod)
            d = known_value(r, op, value, target[0] == 'q' ? "[object Object]" : NULL, false);
        else if (!split_modifier(r, modifier, &st, &n, &why)) {
            if (why)
                unsupported(r, "%s path \"%s\" uses %s", target, modifier, why);
            return dnf_false();
        } else if (target[0] == 'p' && n != 1)
            d = known_value(r, op, value, NULL, true); /* a path parameter has no members */
        else if (n == 0)
            d = known_value(r, op, value, target[0] == 'q' ? "[object Object]" : NULL, true);
        else
            d = field_rule(r, target[0] == 'q' ? "query" : "params", query_name(r, st, n), op,
                           value);
    } else if (strcmp(target, "header") == 0) {
        if (!has_mod)
            d = known_value(r, op, value, "", false);
        else if (!mr_http_token(modifier))
            d = known_value(r, op, value, NULL, true); /* no request has such a header */
        else
            d = field_rule(r, "headers", modifier, op, value);
    } else if (strcmp(target, "cookie") == 0) {
        d = has_mod ? field_rule(r, "cookies", modifier, op, value) : dnf_false();
    } else if (strcmp(target, "path") == 0) {
        d = path_rule(r, op, value);
    } else if (strcmp(target, "method") == 0) {
        d = method_rule(r, op, value, has_mod);
    } else if (strcmp(target, "request_number") == 0) {
        d = call_rule(r, op, value, has_mod);
    } else { /* templating: the rendered modifier, here a plain text */
        d = known_value(r, op, value, modifier, has_mod);
    }
    if (r->dropped)
        return dnf_false();
    return invert ? dnf_not(r, d) : d;
}

/* ---- emission: a conjunction → one or more `when` objects --------------------------------- */

/* One literal's "holds" piece, for a lookahead at the start of the value. */
static bool piece(struct rc *r, struct mr_buf *b, const struct lit *l, size_t *groups)
{
    char *pat, why[200];
    size_t ng;
    int rc;

    switch (l->op) {
    case S_EQ:
        return mr_jsregex_quote(b, l->text, strlen(l->text)) && mr_buf_puts(b, "\\z");
    case S_PRESENT:
        return true;
    case S_PCRE:
        return mr_buf_printf(b, "[\\s\\S]*?(?:%s)", l->text);
    case S_RE:
        rc = mr_jsregex_translate(&pat, &ng, l->text, l->icase, *groups, why, sizeof(why));
        if (rc < 0) {
            if (rc == -2)
                r->c->nomem = true;
            return false;
        }
        *groups += ng;
        mr_buf_printf(b, "[\\s\\S]*?(?:%s)", pat);
        free(pat);
        return !b->failed;
    }
    return false;
}

/* The lookaheads for literals ls[0..n) at the start of a value, one after another. */
static bool chain(struct rc *r, struct mr_buf *b, const struct lit *const *ls, size_t n)
{
    size_t i, groups = 0;
    for (i = 0; i < n; i++) {
        mr_buf_puts(b, ls[i]->neg ? "(?!" : "(?=");
        if (!piece(r, b, ls[i], &groups))
            return false;
        mr_buf_puts(b, ")");
    }
    return !b->failed;
}

/* A PCRE2 pattern for a rule's regex alone (groups numbered from 1). */
static char *alone(struct rc *r, const struct lit *l)
{
    char *pat = NULL, why[200];
    size_t ng;
    if (l->op == S_PCRE) {
        pat = strdup(l->text);
    } else if (mr_jsregex_translate(&pat, &ng, l->text, l->icase, 0, why, sizeof(why)) == -2) {
        pat = NULL;
    }
    if (!pat)
        r->c->nomem = true;
    return pat;
}

static cJSON *matches(const char *pattern, bool not )
{
    cJSON *m = cJSON_CreateObject(), *o;
    if (!m || !cJSON_AddStringToObject(m, "matches", pattern)) {
        cJSON_Delete(m);
        return NULL;
    }
    if (!not )
        return m;
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToObject(o, "not", m)) {
        cJSON_Delete(o);
        cJSON_Delete(m);
        return NULL;
    }
    return o;
}

/* Whether the string literal holds for a value that is present and equal to
 * x; -1 when that cannot be told (out of memory). */
static int holds_on(struct rc *r, const struct lit *l, const char *x)
{
    int t = 1;
    char *pat;
    switch (l->op) {
    case S_EQ:
        t = strcmp(l->text, x) == 0;
        break;
    case S_PRESENT:
        break;
    case S_RE:
    case S_PCRE:
        pat = alone(r, l);
        t = pat ? mr_jsregex_test(pat, x, strlen(x)) : -1;
        free(pat);
        break;
    }
    return t < 0 ? -1 : t != l->neg;
}

/* A value that must equal a text decides every other literal on it: keeps
 * that one literal (n = 1), or returns false when they cannot all hold. */
static bool simplify(struct rc *r, const struct lit **ls, size_t *n)
{
    size_t i, k;
    for (k = 0; k < *n; k++)
        if (ls[k]->op == S_EQ && !ls[k]->neg)
            break;
    if (k == *n || *n == 1)
        return true;
    for (i = 0; i < *n; i++)
        if (i != k && holds_on(r, ls[i], ls[k]->text) != 1)
            return false;
    ls[0] = ls[k];
    *n = 1;
    return true;
}

/* The condition for literals on one value (a field, or one body path). */
static cJSON *condition(struct rc *r, const struct lit *const *ls, size_t n)
{
    struct mr_buf b;
    cJSON *out = NULL;
    bool missing = true;
    size_t i;

    if (n == 1) {
        const struct lit *l = ls[0];
        char *pat;
        switch (l->op) {
        case S_EQ:
            out = cJSON_CreateString(l->text);
            if (out && l->neg) {
                cJSON *o = cJSON_CreateObject();
                if (!o || !cJSON_AddItemToObject(o, "not", out)) {
                    cJSON_Delete(o);
                    cJSON_Delete(out);
                    out = NULL;
                } else {
                    out = o;
                }
            }
            break;
        case S_PRESENT:
            out = cJSON_CreateObject();
            if (out && !cJSON_AddTrueToObject(out, l->neg ? "absent" : "present")) {
                cJSON_Delete(out);
                out = NULL;
            }
            break;
        case S_RE:
        case S_PCRE:
            if (l->op == S_PCRE && l->missing) {
                /* holds when missing: "not" a pattern for its negation */
                mr_buf_init(&b);
                mr_buf_printf(&b, "\\A(?![\\s\\S]*?(?:%s))", l->text);
                out = b.failed ? NULL : matches(mr_buf_cstr(&b), !l->neg);
                mr_buf_release(&b);
                break;
            }
            pat = alone(r, l);
            out = pat ? matches(pat, l->neg) : NULL;
            free(pat);
            break;
        }
        if (!out)
            r->c->nomem = true;
        return out;
    }
    for (i = 0; i < n; i++)
        missing &= (ls[i]->op == S_PCRE && ls[i]->missing) != ls[i]->neg;
    mr_buf_init(&b);
    for (i = 0; i < n && ls[i]->neg && !(ls[i]->op == S_PCRE && ls[i]->missing); i++)
        ;
    if (i == n) {
        /* none of them holds: "not" one pattern for any of them */
        size_t groups = 0;
        for (i = 0; i < n && !b.failed; i++) {
            if (i)
                mr_buf_putc(&b, '|');
            if (ls[i]->op == S_EQ) {
                mr_buf_puts(&b, "\\A");
                mr_jsregex_quote(&b, ls[i]->text, strlen(ls[i]->text));
                mr_buf_puts(&b, "\\z");
            } else if (ls[i]->op == S_PCRE) {
                mr_buf_printf(&b, "(?:%s)", ls[i]->text);
            } else if (ls[i]->op == S_RE) {
                char *pat, why[200];
                size_t ng;
                int rc = mr_jsregex_translate(&pat, &ng, ls[i]->text, ls[i]->icase, groups, why,
                                              sizeof(why));
                if (rc < 0) {
                    if (rc == -2)
                        r->c->nomem = true;
                    mr_buf_release(&b);
                    return NULL;
                }
                groups += ng;
                mr_buf_printf(&b, "(?:%s)", pat);
                free(pat);
            } /* S_PRESENT: "" matches any value */
        }
        if (!b.failed) {
            char why[200];
            if (mr_jsregex_check(mr_buf_cstr(&b), false, why, sizeof(why)) == 0)
                out = matches(mr_buf_cstr(&b), true);
        } else {
            r->c->nomem = true;
        }
        mr_buf_release(&b);
        return out;
    }
    mr_buf_puts(&b, missing ? "\\A(?!(?:" : "\\A");
    if (chain(r, &b, ls, n)) {
        char why[200];
        if (missing)
            mr_buf_puts(&b, "))");
        if (b.failed)
            r->c->nomem = true;
        else if (mr_jsregex_check(mr_buf_cstr(&b), false, why, sizeof(why)) == 0)
            out = matches(mr_buf_cstr(&b), missing);
    }
    mr_buf_release(&b);
    return out;
}

/*
 * The Content-Type condition for the body kinds in `set` (a FIELD literal):
 * a type naming one of the kinds in the set, or (when "none" is in it) a
 * type naming none of the others, or no Content-Type. Mockoon tries the kinds
 * in order, so a type naming two (application/json and text/xml at once) is
 * its first; this condition lets it count as both.
 */
static bool kind_field(struct rc *r, unsigned set, struct lit *out)
{
    struct mr_buf b;
    int k;
    bool none = (set & K_NONE) != 0;

    memset(out, 0, sizeof(*out));
    out->kind = L_FIELD;
    out->section = "headers";
    out->name = "Content-Type";
    out->op = S_PCRE;
    out->neg = none; /* with "none": not any of the kinds outside the set */
    mr_buf_init(&b);
    for (k = 0; k < 4; k++) {
        if (((set >> k) & 1) == none)
            continue;
        if (b.len)
            mr_buf_putc(&b, '|');
        mr_buf_puts(&b, kind_patterns[k]);
    }
    out->text = b.failed ? NULL : dup(r, mr_buf_cstr(&b), b.len);
    mr_buf_release(&b);
    if (!out->text) {
        r->c->nomem = true;
        return false;
    }
    return true;
}

/* The ways mockrun's jsonPath can write one step: split_json_path reads each
 * back as the same step. */
static const char *const step_wrap[4][2] = {{"[", "]"}, {".", ""}, {"['", "']"}, {"[\"", "\"]"}};

static size_t step_forms(const char *s, int forms[4])
{
    size_t nf = 0;
    if (*s && strspn(s, "0123456789") == strlen(s))
        forms[nf++] = 0;
    if (*s && !strchr(s, '.') && !strchr(s, '[') && strcmp(s, "*") != 0)
        forms[nf++] = 1;
    if (!strchr(s, '\''))
        forms[nf++] = 2;
    if (!strchr(s, '"'))
        forms[nf++] = 3;
    return nf;
}

/* The i-th spelling of a JSON path (i = 0, 1, ...: distinct keys for the same
 * path, the last step varying fastest), or false when it has fewer. */
static bool spell(const char *const *st, size_t n, size_t i, struct mr_buf *b)
{
    int forms[4];
    size_t k, m, total = 1;

    mr_buf_putc(b, '$');
    for (k = 0; k < n; k++) {
        size_t nf = step_forms(st[k], forms);
        if (nf == 0)
            return false;
        if (total <= i)
            total *= nf;
    }
    if (i >= total)
        return false;
    for (k = 0; k < n; k++) {
        size_t below = 1, nf = step_forms(st[k], forms);
        int f;
        for (m = k + 1; m < n && below <= i; m++)
            below *= step_forms(st[m], (int[4]){0});
        f = forms[(i / below) % nf];
        mr_buf_puts(b, step_wrap[f][0]);
        mr_buf_puts(b, st[k]);
        mr_buf_puts(b, step_wrap[f][1]);
    }
    return !b->failed;
}

struct group {
    const char *section, *name;
    const struct lit *ls[64];
    size_t n;
};

/* Puts cond at when[section][name]. */
static bool put_field(struct rc *r, cJSON *when, const char *section, const char *name, cJSON *cond)
{
    cJSON *sec = cJSON_GetObjectItemCaseSensitive(when, section);
    if (!cond)
        return false;
    if (!sec) {
        sec = cJSON_CreateObject();
        if (!sec || !cJSON_AddItemToObject(when, section, sec)) {
            cJSON_Delete(sec);
            cJSON_Delete(cond);
            r->c->nomem = true;
            return false;
        }
    }
    if (!cJSON_AddItemToObject(sec, name, cond)) {
        cJSON_Delete(cond);
        r->c->nomem = true;
        return false;
    }
    return true;
}

static void conflict(struct rc *r, const char *what)
{
    if (!r->conflict)
        mr_mockoon__warn(r->c, "%s; those combinations of the rules are left out", what);
    r->conflict = true;
}

/* The `when` object for a conjunction's literals other than METHOD and CALL;
 * NULL when it cannot be written (reported). */
static cJSON *conj_object(struct rc *r, const struct conj *cj, unsigned kinds, bool *unsat)
{
    struct group *groups = NULL;
    size_t ngroups = 0, i, k;
    const struct lit *raw[64], *path[64], *json[64];
    size_t nraw = 0, npath = 0, njson = 0;
    struct lit kind;
    cJSON *when = cJSON_CreateObject();
    bool ok = when != NULL;

    groups = alloc(r, (cj->n + 1) * sizeof(*groups));
    if (!groups || !when) {
        cJSON_Delete(when);
        r->c->nomem = true;
        return NULL;
    }
    for (i = 0; i <= cj->n && ok; i++) {
        const struct lit *l;
        if (i == cj->n) {
            if (kinds == KIND_ALL)
                break;
            if (!kind_field(r, kinds, &kind)) {
                ok = false;
                break;
            }
            l = &kind;
        } else {
            l = &cj->lits[i];
        }
        if (l->kind == L_RAW || l->kind == L_PATH || l->kind == L_JSON) {
            const struct lit **arr = l->kind == L_RAW ? raw : l->kind == L_PATH ? path : json;
            size_t *cnt = l->kind == L_RAW ? &nraw : l->kind == L_PATH ? &npath : &njson;
            if (*cnt == 64) {
                conflict(r, "too many rules on one value");
                ok = false;
                break;
            }
            arr[(*cnt)++] = l;
            continue;
        }
        if (l->kind != L_FIELD)
            continue;
        for (k = 0; k < ngroups; k++)
            if (strcmp(groups[k].section, l->section) == 0 &&
                (strcmp(l->section, "headers") == 0 ? strcasecmp(groups[k].name, l->name)
                                                    : strcmp(groups[k].name, l->name)) == 0)
                break;
        if (k == ngroups) {
            groups[k].section = l->section;
            groups[k].name = l->name;
            groups[k].n = 0;
            ngroups++;
        }
        if (groups[k].n == 64) {
            conflict(r, "too many rules on one value");
            ok = false;
            break;
        }
        groups[k].ls[groups[k].n++] = l;
    }
    for (k = 0; k < ngroups && ok; k++) {
        cJSON *cond;
        if (!simplify(r, groups[k].ls, &groups[k].n)) {
            *unsat = true;
            ok = false;
            break;
        }
        cond = condition(r, groups[k].ls, groups[k].n);
        if (!cond && !r->c->nomem)
            conflict(r, "rules on one value could not be joined into one pattern");
        ok = put_field(r, when, groups[k].section, groups[k].name, cond);
    }
    if (ok && (!simplify(r, raw, &nraw) || !simplify(r, path, &npath))) {
        *unsat = true;
        ok = false;
    }
    if (ok && nraw && njson) {
        conflict(r, "a body path and the whole body cannot be tested together in mockrun");
        ok = false;
    }
    if (ok && nraw) {
        cJSON *body = NULL;
        if (nraw == 1 && !raw[0]->neg && raw[0]->op == S_EQ) {
            body = cJSON_CreateObject();
            if (body && !cJSON_AddStringToObject(body, "equals", raw[0]->text)) {
                cJSON_Delete(body);
                body = NULL;
            }
        } else {
            struct mr_buf b;
            char *pat = NULL, why[200];
            mr_buf_init(&b);
            if (nraw == 1 && !raw[0]->neg && raw[0]->op != S_EQ) {
                pat = alone(r, raw[0]);
                if (pat)
                    mr_buf_puts(&b, pat);
                free(pat);
            } else {
                mr_buf_puts(&b, "\\A");
                chain(r, &b, raw, nraw);
            }
            if (!b.failed && b.len &&
                mr_jsregex_check(mr_buf_cstr(&b), false, why, sizeof(why)) < 0) {
                conflict(r, "rules on the body could not be joined into one pattern");
                mr_buf_release(&b);
                cJSON_Delete(when);
                return NULL;
            }
            body = b.failed || !b.len ? NULL : matches(mr_buf_cstr(&b), false);
            mr_buf_release(&b);
        }
        if (!body || !cJSON_AddItemToObject(when, "body", body)) {
            cJSON_Delete(body);
            r->c->nomem = true;
            ok = false;
        }
    }
    if (ok && njson) {
        cJSON *body = cJSON_CreateObject(), *jp = cJSON_CreateObject();
        if (!body || !jp || !cJSON_AddItemToObject(body, "jsonPath", jp)) {
            cJSON_Delete(body);
            cJSON_Delete(jp);
            r->c->nomem = true;
            ok = false;
        } else if (!cJSON_AddItemToObject(when, "body", body)) {
            cJSON_Delete(body);
            r->c->nomem = true;
            ok = false;
        }
        for (i = 0; i < njson && ok; i++) {
            struct mr_buf b;
            size_t s;
            bool found = false;
            cJSON *cond;
            /* the first spelling not used yet in this object */
            for (s = 0; s < 1000 && !found; s++) {
                mr_buf_init(&b);
                if (!spell(json[i]->steps, json[i]->nsteps, s, &b)) {
                    mr_buf_release(&b);
                    break;
                }
                found = !cJSON_GetObjectItemCaseSensitive(jp, mr_buf_cstr(&b));
                if (!found)
                    mr_buf_release(&b);
            }
            if (!found) {
                conflict(r, "more rules on one body path than the path has spellings");
                ok = false;
                break;
            }
            cond = condition(r, &json[i], 1);
            if (!cond || !cJSON_AddItemToObject(jp, mr_buf_cstr(&b), cond)) {
                cJSON_Delete(cond);
                r->c->nomem = true;
                ok = false;
            }
            mr_buf_release(&b);
        }
    }
    if (ok && npath) {
        struct mr_buf b;
        char why[200];
        mr_buf_init(&b);
        if (npath == 1 && !path[0]->neg && path[0]->op == S_EQ) {
            mr_jsregex_quote(&b, path[0]->text, strlen(path[0]->text));
        } else if (npath == 1 && !path[0]->neg) {
            char *pat = alone(r, path[0]);
            if (pat)
                mr_buf_printf(&b, "[\\s\\S]*?(?:%s)[\\s\\S]*", pat);
            free(pat);
        } else {
            chain(r, &b, path, npath);
            mr_buf_puts(&b, "[\\s\\S]*");
        }
        if (b.failed || mr_jsregex_check(mr_buf_cstr(&b), true, why, sizeof(why)) < 0 ||
            !cJSON_AddStringToObject(when, "pathPattern", mr_buf_cstr(&b))) {
            if (!b.failed)
                conflict(r, "path rules could not be joined into one pattern");
            ok = false;
        }
        mr_buf_release(&b);
    }
    if (!ok) {
        cJSON_Delete(when);
        return NULL;
    }
    return when;
}

struct range {
    int64_t lo, hi; /* hi < 0: no end */
};

/* allowed ∩ [lo, hi] (or its complement, `neg`), in place; returns the new count */
static size_t clip(struct range *a, size_t n, int64_t lo, int64_t hi, bool neg)
{
    struct range out[2 * MAX_RANGES + 4];
    size_t m = 0, i;
    for (i = 0; i < n; i++) {
        struct range x = a[i];
        if (!neg) {
            int64_t l = x.lo > lo ? x.lo : lo;
            int64_t h = x.hi < 0 ? hi : hi < 0 ? x.hi : (x.hi < hi ? x.hi : hi);
            if (h < 0 || l <= h)
                out[m++] = (struct range){l, h};
        } else {
            /* x minus [lo, hi] */
            if (lo > x.lo) {
                int64_t h = x.hi < 0 ? lo - 1 : (x.hi < lo - 1 ? x.hi : lo - 1);
                out[m++] = (struct range){x.lo, h};
            }
            if (hi >= 0 && (x.hi < 0 || x.hi > hi))
                out[m++] = (struct range){x.lo > hi + 1 ? x.lo : hi + 1, x.hi};
        }
        if (m > 2 * MAX_RANGES)
            break;
    }
    memcpy(a, out, m * sizeof(*a));
    return m;
}

/* Appends the `when` objects for one conjunction; false after a problem that
 * drops the whole response (out of memory, too many). *always: one of them is empty. */
static bool emit_conj(struct rc *r, const struct conj *cj, cJSON *whens, bool *always)
{
    unsigned methods = METHOD_ALL, kinds = KIND_ALL;
    struct range calls[2 * MAX_RANGES + 4] = {{1, -1}};
    size_t ncalls = 1, i, m, k;
    cJSON *base;
    bool unsat = false;

    for (i = 0; i < cj->n; i++) {
        const struct lit *l = &cj->lits[i];
        if (l->kind == L_METHOD)
            methods &= l->set;
        else if (l->kind == L_KIND)
            kinds &= l->set;
        else if (l->kind == L_CALL && ncalls)
            ncalls = clip(calls, ncalls, l->lo, l->hi, l->neg);
    }
    /* a method outside Mockoon's list cannot be named in a `when`: left out */
    if ((methods & (METHOD_ALL >> 1)) == (METHOD_ALL >> 1))
        methods = METHOD_ALL;
    if (!(methods & (METHOD_ALL >> 1)) || !kinds || !ncalls)
        return true;
    base = conj_object(r, cj, kinds, &unsat);
    if (!base)
        return !r->c->nomem;
    for (m = 0; m < NMETHODS + 1; m++) {
        char up[16];
        if (methods == METHOD_ALL) {
            if (m > 0)
                break;
        } else if (m == NMETHODS || !(methods & (1u << m))) {
            continue;
        }
        for (k = 0; k < ncalls; k++) {
            cJSON *w;
            if (cJSON_GetArraySize(whens) >= MAX_CONJ) {
                cJSON_Delete(base);
                r->overflow = true;
                return false;
            }
            w = cJSON_Duplicate(base, true);
            if (!w) {
                cJSON_Delete(base);
                r->c->nomem = true;
                return false;
            }
            if (methods != METHOD_ALL) {
                size_t j;
                for (j = 0; method_names[m][j]; j++)
                    up[j] = (char)(method_names[m][j] - 'a' + 'A');
                up[j] = '\0';
                cJSON_AddStringToObject(w, "method", up);
            }
            if (calls[k].lo == calls[k].hi) {
                cJSON_AddNumberToObject(w, "callNumber", (double)calls[k].lo);
            } else if (calls[k].lo > 1 || calls[k].hi >= 0) {
                cJSON *cn = cJSON_AddObjectToObject(w, "callNumber");
                if (cn && calls[k].lo > 1)
                    cJSON_AddNumberToObject(cn, "atLeast", (double)calls[k].lo);
                if (cn && calls[k].hi >= 0)
                    cJSON_AddNumberToObject(cn, "atMost", (double)calls[k].hi);
            }
            *always |= cJSON_GetArraySize(w) == 0;
            if (!cJSON_AddItemToArray(whens, w)) {
                cJSON_Delete(w);
                cJSON_Delete(base);
                r->c->nomem = true;
                return false;
            }
        }
    }
    cJSON_Delete(base);
    return true;
}

cJSON *mr_mockoon__rules(struct mr_mockoon__conv *c, const cJSON *resp, const char *method,
                         enum mr_mockoon__truth *truth)
{
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(resp, "rules");
    const cJSON *opv = cJSON_GetObjectItemCaseSensitive(resp, "rulesOperator");
    bool and = cJSON_IsString(opv) && strcmp(opv->valuestring, "AND") == 0;
    struct rc r;
    struct dnf d;
    const cJSON *rule;
    size_t i = 0, kept = 0, mark;
    cJSON *whens = NULL;
    bool always = false;

    *truth = MR_MOCKOON_NEVER;
    memset(&r, 0, sizeof(r));
    r.c = c;
    r.method = method;
    d = and? dnf_true(&r) : dnf_false();
    mark = mr_mockoon__push_key(c, "rules");
    cJSON_ArrayForEach(rule, rules)
    {
        size_t m2 = mr_mockoon__push_index(c, i++);
        struct dnf x = rule_dnf(&r, rule);
        if (!r.dropped) {
            d = and? dnf_and(&r, d, x) : dnf_or(&r, d, x);
            kept++;
        }
        mr_mockoon__pop(c, m2);
    }
    mr_mockoon__pop(c, mark);
    if (c->nomem)
        goto out;
    if (!kept) {
        mr_mockoon__warn(c, "none of the response's rules could be converted; response dropped");
        goto out;
    }
    if (and&&kept < i)
        mr_mockoon__warn(c, "some AND rules were dropped: the response answers more requests "
                            "than in Mockoon");
    whens = cJSON_CreateArray();
    if (!whens) {
        c->nomem = true;
        goto out;
    }
    for (i = 0; i < d.n && !r.overflow && !always; i++)
        if (!emit_conj(&r, &d.c[i], whens, &always))
            break;
    if (r.overflow) {
        mr_mockoon__warn(c,
                         "the rules come to more than %d alternatives, more than this "
                         "importer writes; response dropped",
                         MAX_CONJ);
        cJSON_Delete(whens);
        whens = NULL;
    } else if (always) {
        *truth = MR_MOCKOON_ALWAYS;
        cJSON_Delete(whens);
        whens = NULL;
    } else if (cJSON_GetArraySize(whens) == 0) {
        cJSON_Delete(whens);
        whens = NULL;
    } else {
        *truth = MR_MOCKOON_WHEN;
        if (cJSON_GetArraySize(whens) == 1) {
            cJSON *one = cJSON_DetachItemFromArray(whens, 0);
            cJSON_Delete(whens);
            whens = one;
        }
    }
out:
    arena_free(&r.ar);
    if (c->nomem) {
        cJSON_Delete(whens);
        whens = NULL;
        *truth = MR_MOCKOON_NEVER;
    }
    return whens;
}
