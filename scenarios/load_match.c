/*
 * load_match.c - the loader's helpers and request matchers (route `request`
 * blocks and expectation `request` blocks share this code).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "scenarios/load_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pcre2.h>

#include "common/jsondoc.h"
#include "common/text.h"
#include "common/xmldoc.h"

size_t mr_loader__push_key(struct mr_loader *ld, const char *key)
{
    size_t mark = ld->pathlen;
    mr_jsondoc_push_key(ld->path, sizeof(ld->path), &ld->pathlen, key);
    return mark;
}

size_t mr_loader__push_index(struct mr_loader *ld, size_t index)
{
    size_t mark = ld->pathlen;
    mr_jsondoc_push_index(ld->path, sizeof(ld->path), &ld->pathlen, index);
    return mark;
}

void mr_loader__pop(struct mr_loader *ld, size_t mark)
{
    ld->pathlen = mark;
    ld->path[mark] = '\0';
}

/* Four hex digits at p, or -1. */
static long hex4(const char *p)
{
    long v = 0;
    int i;
    for (i = 0; i < 4; i++) {
        int d = mr_hexval(p[i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/*
 * Where byte `want` of a JSON string's decoded value is written in the text:
 * `at` is the string's opening quote. Escapes count for the bytes they
 * decode to (\u00e9 is two UTF-8 bytes, a surrogate pair four).
 */
static size_t string_byte(const char *text, size_t len, size_t at, size_t want)
{
    size_t i = at + 1, n = 0;

    while (i < len && text[i] != '"' && n < want) {
        long cp, lo;
        size_t adv = 6;
        if (text[i] != '\\' || i + 1 >= len) {
            i++;
            n++;
            continue;
        }
        if (text[i + 1] != 'u' || i + 6 > len || (cp = hex4(text + i + 2)) < 0) {
            i += 2;
            n++;
            continue;
        }
        if (cp >= 0xD800 && cp < 0xDC00 && i + 12 <= len && text[i + 6] == '\\' &&
            text[i + 7] == 'u' && (lo = hex4(text + i + 8)) >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000;
            adv = 12;
        }
        n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        i += adv;
    }
    return i;
}

/* in_string: SIZE_MAX, or a byte offset into the value (a string) to point at */
__attribute__((format(printf, 4, 0))) static void
vproblem(struct mr_loader *ld, bool at_key, size_t in_string, const char *fmt, va_list ap)
{
    struct mr_error e;
    size_t off;

    memset(&e, 0, sizeof(e));
    e.code = MR_ESCENARIO;
    vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
    mr_error_at(&e, ld->file, ld->path, 0, 0);
    if (ld->text && mr_jsondoc_locate_nth(ld->text, ld->len, ld->path, at_key, ld->nth, &off)) {
        if (in_string != SIZE_MAX && off < ld->len && ld->text[off] == '"')
            off = string_byte(ld->text, ld->len, off, in_string);
        mr_jsondoc_linecol(ld->text, ld->len, off, &e.line, &e.column);
    }
    mr_error_list_add(ld->errs, &e);
    ld->failed = true;
}

void mr_loader__problem(struct mr_loader *ld, bool at_key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vproblem(ld, at_key, SIZE_MAX, fmt, ap);
    va_end(ap);
}

void mr_loader__problem_in_string(struct mr_loader *ld, size_t byte, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vproblem(ld, false, byte, fmt, ap);
    va_end(ap);
}

void mr_loader__problem_in(struct mr_loader *ld, const char *key, const char *fmt, ...)
{
    size_t mark = mr_loader__push_key(ld, key);
    va_list ap;
    va_start(ap, fmt);
    vproblem(ld, false, SIZE_MAX, fmt, ap);
    va_end(ap);
    mr_loader__pop(ld, mark);
}

void mr_loader__describe(const cJSON *v, char *buf, size_t size)
{
    char *s;

    if (cJSON_IsObject(v)) {
        snprintf(buf, size, "an object");
        return;
    }
    if (cJSON_IsArray(v)) {
        snprintf(buf, size, "an array");
        return;
    }
    s = cJSON_PrintUnformatted(v);
    if (!s) {
        snprintf(buf, size, "a value");
        return;
    }
    if (strlen(s) > 60)
        snprintf(buf, size, "%.57s...", s);
    else
        snprintf(buf, size, "%s", s);
    cJSON_free(s);
}

/* A key given twice: cJSON would silently use the first, hiding the second. */
void mr_loader__check_duplicates(struct mr_loader *ld, const cJSON *obj)
{
    const cJSON *item, *prev;

    cJSON_ArrayForEach(item, obj)
    {
        size_t earlier = 0;
        for (prev = obj->child; prev != item; prev = prev->next)
            earlier += prev->string && item->string && strcmp(prev->string, item->string) == 0;
        if (earlier) {
            /* reported where the repeated member is, not where the kept (first) one is */
            size_t mark = mr_loader__push_key(ld, item->string);
            ld->nth = earlier;
            mr_loader__problem(ld, true, "duplicate key \"%s\"", item->string);
            ld->nth = 0;
            mr_loader__pop(ld, mark);
        }
    }
}

void mr_loader__check_keys_of(struct mr_loader *ld, const cJSON *obj, enum mr_schema_object allowed)
{
    const struct mr_schema_member *members;
    const cJSON *item;
    size_t n, i;

    mr_loader__check_duplicates(ld, obj);
    members = mr_schema_members(allowed, &n);
    cJSON_ArrayForEach(item, obj)
    {
        struct mr_text_suggestion typo;
        size_t mark;

        for (i = 0; i < n; i++)
            if (strcmp(members[i].key, item->string) == 0)
                break;
        if (i < n)
            continue;
        mark = mr_loader__push_key(ld, item->string);
        mr_text_suggest_init(&typo, item->string);
        for (i = 0; i < n; i++)
            mr_text_suggest_add(&typo, members[i].key);
        if (typo.best)
            mr_loader__problem(ld, true, "unknown key; did you mean \"%s\"?", typo.best);
        else
            mr_loader__problem(ld, true, "unknown key");
        mr_loader__pop(ld, mark);
    }
}

char *mr_loader__strndup(struct mr_loader *ld, const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) {
        ld->nomem = true;
        return NULL;
    }
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *mr_loader__strdup(struct mr_loader *ld, const char *s)
{
    return mr_loader__strndup(ld, s, strlen(s));
}

void *mr_loader__calloc(struct mr_loader *ld, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        ld->nomem = true;
    return p;
}

bool mr_loader__expect_object(struct mr_loader *ld, const cJSON *v, const char *what)
{
    char got[80];
    if (cJSON_IsObject(v))
        return true;
    mr_loader__describe(v, got, sizeof(got));
    mr_loader__problem(ld, false, "expected %s, got %s", what, got);
    return false;
}

struct pcre2_real_code_8 *mr_loader__regex(struct mr_loader *ld, const char *pattern,
                                           uint32_t extra_options)
{
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *re;

    re =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                      PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | extra_options, &errcode, &erroff, NULL);
    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        mr_loader__problem(ld, false, "invalid regular expression at offset %zu: %s",
                           (size_t)erroff, (const char *)msg);
        return NULL;
    }
    /* JIT makes the request path fast; without it PCRE2 still works. */
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

/* ---- path templates ---- */

static bool param_name_ok(const char *s, size_t n)
{
    size_t i;
    if (n == 0)
        return false;
    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return false;
    return true;
}

static void load_path(struct mr_loader *ld, const char *path, struct mr_matcher *m)
{
    const char *p;
    size_t n = 0, i;
    bool literal = true;

    if (path[0] != '/') {
        mr_loader__problem(ld, false, "a path must start with \"/\", got \"%s\"", path);
        return;
    }
    if (strpbrk(path, "?#")) {
        mr_loader__problem(ld, false,
                           "a path must not contain \"?\" or \"#\"; put query parameters in "
                           "\"query\"");
        return;
    }
    for (p = path; *p; p++)
        if (*p == '/')
            n++;
    m->segs = mr_loader__calloc(ld, n, sizeof(*m->segs));
    if (!m->segs)
        return;
    m->nsegs = n;
    p = path + 1;
    for (i = 0; i < n; i++) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        struct mr_seg *s = &m->segs[i];

        if (len == 1 && p[0] == '*') {
            s->kind = MR_SEG_STAR;
            literal = false;
        } else if (len > 0 && p[0] == ':') {
            if (!param_name_ok(p + 1, len - 1)) {
                mr_loader__problem(ld, false,
                                   "invalid path parameter \"%.*s\": use \":name\" with letters, "
                                   "digits and \"_\"",
                                   (int)len, p);
                return;
            }
            s->kind = MR_SEG_PARAM;
            s->text = mr_loader__strndup(ld, p + 1, len - 1);
            s->len = len - 1;
            literal = false;
        } else {
            s->kind = MR_SEG_LITERAL;
            s->text = mr_loader__strndup(ld, p, len);
            s->len = len;
        }
        p += len + 1;
    }
    m->path_kind = literal ? MR_PATH_LITERAL : MR_PATH_TEMPLATE;
}

/* ---- field conditions ---- */

static void load_cond(struct mr_loader *ld, const cJSON *v, struct mr_cond *c)
{
    const cJSON *item;
    size_t count = 0;
    char got[80];

    if (cJSON_IsString(v)) {
        c->op = MR_OP_EQUALS;
        free(c->text); /* a second condition in the same object (reported below) */
        c->text = mr_loader__strdup(ld, v->valuestring);
        c->len = strlen(v->valuestring);
        return;
    }
    if (!cJSON_IsObject(v)) {
        mr_loader__describe(v, got, sizeof(got));
        mr_loader__problem(ld, false,
                           "expected a string or an object with \"equals\", \"contains\", "
                           "\"matches\", \"absent\", \"present\" or \"not\", got %s",
                           got);
        return;
    }
    mr_loader__check_keys_of(ld, v, MR_SCHEMA_CONDITION);
    cJSON_ArrayForEach(item, v)
    {
        size_t mark;
        if (!strcmp(item->string, "not")) {
            /* the condition inside, turned round (and round again for a "not" in a "not") */
            count++;
            mark = mr_loader__push_key(ld, "not");
            load_cond(ld, item, c);
            c->negate = !c->negate;
            mr_loader__pop(ld, mark);
            continue;
        }
        if (!strcmp(item->string, "absent") || !strcmp(item->string, "present")) {
            count++;
            c->op = item->string[0] == 'a' ? MR_OP_ABSENT : MR_OP_PRESENT;
            if (!cJSON_IsTrue(item))
                mr_loader__problem_in(ld, item->string, "expected true");
            continue;
        }
        if (strcmp(item->string, "equals") && strcmp(item->string, "contains") &&
            strcmp(item->string, "matches"))
            continue;
        count++;
        mark = mr_loader__push_key(ld, item->string);
        if (!cJSON_IsString(item)) {
            mr_loader__describe(item, got, sizeof(got));
            mr_loader__problem(ld, false, "expected a string, got %s", got);
        } else {
            c->op = item->string[0] == 'e'   ? MR_OP_EQUALS
                    : item->string[0] == 'c' ? MR_OP_CONTAINS
                                             : MR_OP_MATCHES;
            free(c->text);
            c->text = mr_loader__strdup(ld, item->valuestring);
            c->len = strlen(item->valuestring);
            if (c->op == MR_OP_MATCHES && !c->re)
                c->re = mr_loader__regex(ld, item->valuestring, 0);
        }
        mr_loader__pop(ld, mark);
    }
    if (count != 1)
        mr_loader__problem(ld, false,
                           "expected exactly one of \"equals\", \"contains\", \"matches\", "
                           "\"absent\", \"present\" or \"not\"");
}

void mr_loader__fields(struct mr_loader *ld, const cJSON *v, bool headers, struct mr_field **out,
                       size_t *nout)
{
    const cJSON *item;
    size_t n = 0;

    if (!mr_loader__expect_object(ld, v, "an object mapping names to conditions"))
        return;
    mr_loader__check_duplicates(ld, v);
    *out = mr_loader__calloc(ld, (size_t)cJSON_GetArraySize(v), sizeof(**out));
    if (!*out)
        return;
    cJSON_ArrayForEach(item, v)
    {
        size_t mark = mr_loader__push_key(ld, item->string);
        struct mr_field *f = &(*out)[n++];
        if (headers && !mr_http_token(item->string))
            mr_loader__problem(ld, true, "%s", MR_HEADER_NAME_RULE);
        f->name = mr_loader__strdup(ld, item->string);
        load_cond(ld, item, &f->cond);
        mr_loader__pop(ld, mark);
    }
    *nout = n;
}

struct path_steps {
    struct mr_loader *ld;
    struct mr_json_field *f;
};

static bool add_step(void *ctx, const char *s, size_t n)
{
    struct path_steps *ps = ctx;
    char *step = malloc(n + 1);
    if (!step) {
        ps->ld->nomem = true;
        return false;
    }
    memcpy(step, s, n);
    step[n] = '\0';
    ps->f->steps[ps->f->nsteps++] = step;
    return true;
}

/* Splits a `jsonPath` key into member names and array indices. Returns NULL,
 * or what is wrong with it. */
static const char *split_json_path(struct mr_loader *ld, const char *src, struct mr_json_field *f)
{
    struct path_steps ps = {ld, f};
    const char *bad;

    f->steps = mr_loader__calloc(ld, strlen(src) + 1, sizeof(*f->steps));
    if (!f->steps)
        return NULL;
    bad = mr_jsondoc_split_path(src, add_step, &ps);
    return bad && *bad ? bad : NULL;
}

/* `jsonPath`: path → condition on the value there. A number, true, false or
 * null stands for equality with that JSON value. */
static void load_json_paths(struct mr_loader *ld, const cJSON *v, struct mr_body_cond *b)
{
    const cJSON *item;
    size_t n = 0;

    if (!mr_loader__expect_object(ld, v, "an object mapping JSON paths to conditions"))
        return;
    if (cJSON_GetArraySize(v) == 0) {
        mr_loader__problem(ld, false, "expected at least one JSON path");
        return;
    }
    mr_loader__check_duplicates(ld, v);
    b->fields = mr_loader__calloc(ld, (size_t)cJSON_GetArraySize(v), sizeof(*b->fields));
    if (!b->fields)
        return;
    cJSON_ArrayForEach(item, v)
    {
        size_t mark = mr_loader__push_key(ld, item->string);
        struct mr_json_field *f = &b->fields[n++];
        const char *bad = split_json_path(ld, item->string, f);

        f->path = mr_loader__strdup(ld, item->string);
        if (bad)
            mr_loader__problem(ld, true, "%s", bad);
        if (cJSON_IsNumber(item) || cJSON_IsBool(item) || cJSON_IsNull(item)) {
            char text[64];
            size_t len = cJSON_IsNumber(item) ? mr_number_text(item->valuedouble, text)
                         : cJSON_IsNull(item) ? (size_t)snprintf(text, sizeof(text), "null")
                         : cJSON_IsTrue(item) ? (size_t)snprintf(text, sizeof(text), "true")
                                              : (size_t)snprintf(text, sizeof(text), "false");
            f->cond.op = MR_OP_EQUALS;
            f->cond.text = mr_loader__strdup(ld, text);
            f->cond.len = len;
        } else {
            load_cond(ld, item, &f->cond);
        }
        mr_loader__pop(ld, mark);
    }
    b->nfields = n;
}

/* libxml2 for XML conditions, loaded the first time a scenario has one. */
static bool xml_ready(struct mr_loader *ld)
{
    struct mr_error err;

    if (mr_xmldoc_init(&err) == 0)
        return true;
    mr_loader__problem(ld, false, "%s", err.msg);
    return false;
}

/* "namespaces": { "soap": "http://schemas.xmlsoap.org/soap/envelope/" } */
static void load_namespaces(struct mr_loader *ld, const cJSON *v, struct mr_body_cond *b)
{
    const cJSON *item;
    size_t mark = mr_loader__push_key(ld, "namespaces"), n = 0;
    char got[80];

    if (mr_loader__expect_object(ld, v, "an object mapping prefixes to namespace URIs") &&
        (b->namespaces = mr_loader__calloc(ld, (size_t)cJSON_GetArraySize(v),
                                           sizeof(*b->namespaces))) != NULL) {
        mr_loader__check_duplicates(ld, v);
        cJSON_ArrayForEach(item, v)
        {
            size_t m2 = mr_loader__push_key(ld, item->string);
            if (!cJSON_IsString(item) || !*item->valuestring) {
                mr_loader__describe(item, got, sizeof(got));
                mr_loader__problem(ld, false, "expected a namespace URI, got %s", got);
            } else if (!*item->string || strchr(item->string, ':')) {
                mr_loader__problem(ld, true, "\"%s\" is not a namespace prefix", item->string);
            } else {
                b->namespaces[n].prefix = mr_loader__strdup(ld, item->string);
                b->namespaces[n].uri = mr_loader__strdup(ld, item->valuestring);
                n++;
            }
            mr_loader__pop(ld, m2);
        }
    }
    b->nnamespaces = n;
    mr_loader__pop(ld, mark);
}

/* An XPath expression that must compile (at the current path's key). */
static void check_xpath(struct mr_loader *ld, const char *expr, const struct mr_body_cond *b,
                        bool at_key)
{
    char why[300];
    if (!mr_xmldoc_xpath_ok(expr, b->namespaces, b->nnamespaces, why, sizeof(why)))
        mr_loader__problem(ld, at_key, "%s", why);
}

/* "xpath": { "/order/@id": "7", "count(//item)": { "matches": "^[1-3]$" } } */
static void load_xpaths(struct mr_loader *ld, const cJSON *v, struct mr_body_cond *b)
{
    const cJSON *item;
    size_t n = 0;

    b->op = MR_BODY_XPATH;
    if (!mr_loader__expect_object(ld, v, "an object mapping XPath expressions to conditions"))
        return;
    if (cJSON_GetArraySize(v) == 0) {
        mr_loader__problem(ld, false, "needs at least one XPath expression");
        return;
    }
    mr_loader__check_duplicates(ld, v);
    b->xpaths = mr_loader__calloc(ld, (size_t)cJSON_GetArraySize(v), sizeof(*b->xpaths));
    if (!b->xpaths)
        return;
    cJSON_ArrayForEach(item, v)
    {
        size_t mark = mr_loader__push_key(ld, item->string);
        struct mr_xpath_field *f = &b->xpaths[n++];

        f->expr = mr_loader__strdup(ld, item->string);
        check_xpath(ld, item->string, b, true);
        if (cJSON_IsNumber(item) || cJSON_IsBool(item)) {
            char text[64];
            size_t len = cJSON_IsNumber(item) ? mr_number_text(item->valuedouble, text)
                         : cJSON_IsTrue(item) ? (size_t)snprintf(text, sizeof(text), "true")
                                              : (size_t)snprintf(text, sizeof(text), "false");
            f->cond.op = MR_OP_EQUALS;
            f->cond.text = mr_loader__strdup(ld, text);
            f->cond.len = len;
        } else {
            load_cond(ld, item, &f->cond);
        }
        mr_loader__pop(ld, mark);
    }
    b->nxpaths = n;
}

/* "xmlEquals": "<order>...</order>", with "ignore": [XPath, ...] beside it. */
static void load_xml_equals(struct mr_loader *ld, const cJSON *v, struct mr_body_cond *b)
{
    char why[300];
    char got[80];

    b->op = MR_BODY_XML_EQUALS;
    if (!cJSON_IsString(v)) {
        mr_loader__describe(v, got, sizeof(got));
        mr_loader__problem(ld, false, "expected an XML document as a string, got %s", got);
        return;
    }
    b->text = mr_loader__strdup(ld, v->valuestring);
    b->len = strlen(v->valuestring);
    b->xml = mr_xmldoc_parse(v->valuestring, b->len, why, sizeof(why));
    if (!b->xml)
        mr_loader__problem(ld, false, "%s", why);
}

static void load_ignore(struct mr_loader *ld, const cJSON *v, struct mr_body_cond *b)
{
    const cJSON *item;
    size_t mark = mr_loader__push_key(ld, "ignore"), i = 0;
    char got[80];

    if (!cJSON_IsArray(v)) {
        mr_loader__describe(v, got, sizeof(got));
        mr_loader__problem(ld, false, "expected an array of XPath expressions, got %s", got);
    } else if ((b->ignore = mr_loader__calloc(ld, (size_t)cJSON_GetArraySize(v) + 1,
                                              sizeof(*b->ignore))) != NULL) {
        cJSON_ArrayForEach(item, v)
        {
            size_t m2 = mr_loader__push_index(ld, i++);
            if (!cJSON_IsString(item)) {
                mr_loader__describe(item, got, sizeof(got));
                mr_loader__problem(ld, false, "expected an XPath expression, got %s", got);
            } else {
                check_xpath(ld, item->valuestring, b, false);
                b->ignore[b->nignore++] = mr_loader__strdup(ld, item->valuestring);
            }
            mr_loader__pop(ld, m2);
        }
    }
    mr_loader__pop(ld, mark);
}

static void load_body(struct mr_loader *ld, const cJSON *v, struct mr_body_cond **out)
{
    struct mr_body_cond *b;
    const cJSON *item, *ns, *ignore, *ph;
    size_t count = 0;
    char got[80];

    if (!mr_loader__expect_object(ld, v,
                                  "an object with one of \"equals\", \"contains\", "
                                  "\"matches\", \"json\", \"jsonEquals\", \"jsonPath\", "
                                  "\"xmlEquals\" or \"xpath\""))
        return;
    mr_loader__check_keys_of(ld, v, MR_SCHEMA_BODY);
    b = mr_loader__calloc(ld, 1, sizeof(*b));
    if (!b)
        return;
    *out = b;
    ns = cJSON_GetObjectItemCaseSensitive(v, "namespaces");
    ignore = cJSON_GetObjectItemCaseSensitive(v, "ignore");
    ph = cJSON_GetObjectItemCaseSensitive(v, "placeholders");
    if ((cJSON_GetObjectItemCaseSensitive(v, "xmlEquals") ||
         cJSON_GetObjectItemCaseSensitive(v, "xpath")) &&
        !xml_ready(ld))
        return;
    if (ns && !cJSON_GetObjectItemCaseSensitive(v, "xmlEquals") &&
        !cJSON_GetObjectItemCaseSensitive(v, "xpath"))
        mr_loader__problem_in(ld, "namespaces", "applies to \"xpath\" and \"xmlEquals\" only");
    else if (ns)
        load_namespaces(ld, ns, b);
    if (ignore && !cJSON_GetObjectItemCaseSensitive(v, "xmlEquals"))
        mr_loader__problem_in(ld, "ignore", "applies to \"xmlEquals\" only");
    else if (ignore)
        load_ignore(ld, ignore, b);
    cJSON_ArrayForEach(item, v)
    {
        size_t mark;
        bool json = !strcmp(item->string, "json") || !strcmp(item->string, "jsonEquals");
        bool paths = !strcmp(item->string, "jsonPath");
        bool xml = !strcmp(item->string, "xmlEquals"), xpath = !strcmp(item->string, "xpath");
        if (!json && !paths && !xml && !xpath && strcmp(item->string, "equals") &&
            strcmp(item->string, "contains") && strcmp(item->string, "matches"))
            continue;
        if (count++)
            continue;
        mark = mr_loader__push_key(ld, item->string);
        if (xml) {
            load_xml_equals(ld, item, b);
        } else if (xpath) {
            load_xpaths(ld, item, b);
        } else if (paths) {
            b->op = MR_BODY_JSON_PATHS;
            load_json_paths(ld, item, b);
        } else if (json) {
            b->op = item->string[4] ? MR_BODY_JSON_EQUALS : MR_BODY_JSON;
            b->json = cJSON_Duplicate(item, true);
            if (!b->json)
                ld->nomem = true;
        } else if (!cJSON_IsString(item)) {
            mr_loader__describe(item, got, sizeof(got));
            mr_loader__problem(ld, false, "expected a string, got %s", got);
        } else {
            b->op = item->string[0] == 'e'   ? MR_BODY_EQUALS
                    : item->string[0] == 'c' ? MR_BODY_CONTAINS
                                             : MR_BODY_MATCHES;
            b->text = mr_loader__strdup(ld, item->valuestring);
            b->len = strlen(item->valuestring);
            if (b->op == MR_BODY_MATCHES)
                b->re = mr_loader__regex(ld, item->valuestring, 0);
        }
        mr_loader__pop(ld, mark);
    }
    if (count != 1)
        mr_loader__problem(ld, false,
                           "expected exactly one of \"equals\", \"contains\", \"matches\", "
                           "\"json\", \"jsonEquals\", \"jsonPath\", \"xmlEquals\" or "
                           "\"xpath\"");
    if (ph && !cJSON_GetObjectItemCaseSensitive(v, "xmlEquals")) {
        mr_loader__problem_in(ld, "placeholders", "applies to \"xmlEquals\" only");
    } else if (ph && b->xml) {
        mr_loader__placeholders(ld, ph, b);
    }
}

void mr_loader__matcher(struct mr_loader *ld, const cJSON *v, struct mr_matcher *m)
{
    const cJSON *item;
    char got[80];

    if (!mr_loader__expect_object(ld, v, "an object"))
        return;
    mr_loader__check_keys_of(ld, v, MR_SCHEMA_REQUEST);

    item = cJSON_GetObjectItemCaseSensitive(v, "method");
    if (item) {
        if (!cJSON_IsString(item) || !mr_http_method(item->valuestring)) {
            mr_loader__describe(item, got, sizeof(got));
            mr_loader__problem_in(
                ld, "method", "expected an HTTP method such as \"GET\" or \"ANY\", got %s", got);
        } else if (strcasecmp(item->valuestring, "ANY") != 0) {
            char *s;
            m->method = mr_loader__strdup(ld, item->valuestring);
            for (s = m->method; s && *s; s++)
                *s = (char)toupper((unsigned char)*s);
        }
    }

    item = cJSON_GetObjectItemCaseSensitive(v, "path");
    if (item && cJSON_GetObjectItemCaseSensitive(v, "pathPattern"))
        mr_loader__problem_in(ld, "pathPattern",
                              "give either \"path\" or \"pathPattern\", not both");
    else if (item) {
        size_t mark = mr_loader__push_key(ld, "path");
        if (!cJSON_IsString(item)) {
            mr_loader__describe(item, got, sizeof(got));
            mr_loader__problem(ld, false, "expected a string, got %s", got);
        } else {
            m->path = mr_loader__strdup(ld, item->valuestring);
            load_path(ld, item->valuestring, m);
        }
        mr_loader__pop(ld, mark);
    } else if ((item = cJSON_GetObjectItemCaseSensitive(v, "pathPattern"))) {
        size_t mark = mr_loader__push_key(ld, "pathPattern");
        if (!cJSON_IsString(item)) {
            mr_loader__describe(item, got, sizeof(got));
            mr_loader__problem(ld, false, "expected a string, got %s", got);
        } else {
            m->path = mr_loader__strdup(ld, item->valuestring);
            m->path_kind = MR_PATH_REGEX;
            m->path_re =
                mr_loader__regex(ld, item->valuestring, PCRE2_ANCHORED | PCRE2_ENDANCHORED);
        }
        mr_loader__pop(ld, mark);
    }

    item = cJSON_GetObjectItemCaseSensitive(v, "query");
    if (item) {
        size_t mark = mr_loader__push_key(ld, "query");
        mr_loader__fields(ld, item, false, &m->query, &m->nquery);
        mr_loader__pop(ld, mark);
    }
    item = cJSON_GetObjectItemCaseSensitive(v, "headers");
    if (item) {
        size_t mark = mr_loader__push_key(ld, "headers");
        mr_loader__fields(ld, item, true, &m->headers, &m->nheaders);
        mr_loader__pop(ld, mark);
    }
    item = cJSON_GetObjectItemCaseSensitive(v, "body");
    if (item) {
        size_t mark = mr_loader__push_key(ld, "body");
        load_body(ld, item, &m->body);
        mr_loader__pop(ld, mark);
    }
}

static void release_cond(struct mr_cond *c)
{
    free(c->text);
    pcre2_code_free((pcre2_code *)c->re);
}

void mr_loader__fields_release(struct mr_field *f, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        free(f[i].name);
        release_cond(&f[i].cond);
    }
    free(f);
}

void mr_loader__matcher_release(struct mr_matcher *m)
{
    size_t i;

    free(m->method);
    free(m->path);
    for (i = 0; i < m->nsegs; i++)
        free(m->segs[i].text);
    free(m->segs);
    pcre2_code_free((pcre2_code *)m->path_re);
    for (i = 0; i < m->nquery; i++) {
        free(m->query[i].name);
        release_cond(&m->query[i].cond);
    }
    free(m->query);
    for (i = 0; i < m->nheaders; i++) {
        free(m->headers[i].name);
        release_cond(&m->headers[i].cond);
    }
    free(m->headers);
    if (m->body) {
        free(m->body->text);
        pcre2_code_free((pcre2_code *)m->body->re);
        cJSON_Delete(m->body->json);
        for (i = 0; i < m->body->nfields; i++) {
            struct mr_json_field *f = &m->body->fields[i];
            size_t k;
            for (k = 0; k < f->nsteps; k++)
                free(f->steps[k]);
            free(f->steps);
            free(f->path);
            release_cond(&f->cond);
        }
        free(m->body->fields);
        mr_xmldoc_free(m->body->xml);
        for (i = 0; i < m->body->nignore; i++)
            free(m->body->ignore[i]);
        free(m->body->ignore);
        for (i = 0; i < m->body->nxpaths; i++) {
            free(m->body->xpaths[i].expr);
            release_cond(&m->body->xpaths[i].cond);
        }
        free(m->body->xpaths);
        for (i = 0; i < m->body->nnamespaces; i++) {
            free((char *)m->body->namespaces[i].prefix);
            free((char *)m->body->namespaces[i].uri);
        }
        free(m->body->namespaces);
        mr_loader__placeholders_release(m->body);
        free(m->body);
    }
    memset(m, 0, sizeof(*m));
}

static void describe_cond(char *buf, size_t size, size_t *n, const char *what, const char *name,
                          const struct mr_cond *c)
{
    bool no = c->negate;
    int w;

    switch (c->op) {
    case MR_OP_EQUALS:
        w = snprintf(buf + *n, size - *n, " %s %s%s\"%s\"", what, name, no ? "!=" : "=", c->text);
        break;
    case MR_OP_CONTAINS:
        w = snprintf(buf + *n, size - *n, " %s %s %s \"%s\"", what, name,
                     no ? "not containing" : "contains", c->text);
        break;
    case MR_OP_MATCHES:
        w = snprintf(buf + *n, size - *n, " %s %s %s /%s/", what, name,
                     no ? "not matching" : "matches", c->text);
        break;
    default: /* ABSENT, PRESENT */
        w = snprintf(buf + *n, size - *n, " %s %s %s",
                     (c->op == MR_OP_ABSENT) != no ? "without" : "with", what, name);
        break;
    }
    if (w > 0)
        *n = (size_t)w < size - *n ? *n + (size_t)w : size - 1;
}

void mr_loader__describe_matcher(const struct mr_matcher *m, bool conditions_only, char *buf,
                                 size_t size)
{
    size_t n = 0, i;
    int w;

    buf[0] = '\0';
    if (conditions_only) {
        /* "with ..." phrases only, for conditions added to a route */
        w = snprintf(buf, size, "%s%s%s%s", m->method ? "method " : "", m->method ? m->method : "",
                     m->path ? (m->method ? " path " : "path ") : "", m->path ? m->path : "");
    } else {
        w = snprintf(buf, size, "%s %s", m->method ? m->method : "ANY", m->path ? m->path : "*");
    }
    if (w < 0)
        return;
    n = (size_t)w < size ? (size_t)w : size - 1;
    for (i = 0; i < m->nquery && n < size - 1; i++)
        describe_cond(buf, size, &n, "query", m->query[i].name, &m->query[i].cond);
    for (i = 0; i < m->nheaders && n < size - 1; i++)
        describe_cond(buf, size, &n, "header", m->headers[i].name, &m->headers[i].cond);
    if (m->body && m->body->op == MR_BODY_JSON_PATHS) {
        for (i = 0; i < m->body->nfields && n < size - 1; i++)
            describe_cond(buf, size, &n, "body", m->body->fields[i].path, &m->body->fields[i].cond);
    } else if (m->body && m->body->op == MR_BODY_XPATH) {
        for (i = 0; i < m->body->nxpaths && n < size - 1; i++)
            describe_cond(buf, size, &n, "body", m->body->xpaths[i].expr, &m->body->xpaths[i].cond);
    } else if (m->body && n < size - 1) {
        static const char *const ops[] = {"equal to",        "containing",    "matching",
                                          "containing JSON", "equal to JSON", "",
                                          "equal to XML"};
        char *j = m->body->json ? cJSON_PrintUnformatted(m->body->json) : NULL;
        const char *val = j ? j : (m->body->text ? m->body->text : "");
        w = snprintf(buf + n, size - n, " with body %s %s%.80s%s", ops[m->body->op], j ? "" : "\"",
                     val, j ? "" : "\"");
        if (w > 0)
            n = (size_t)w < size - n ? n + (size_t)w : size - 1;
        cJSON_free(j);
    }
}
