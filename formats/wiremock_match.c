/*
 * wiremock_match.c - a WireMock stub's `request` → mockrun's request
 * conditions.
 *
 * The semantics follow WireMock 3.13's matching package. A string pattern
 * (equalTo, contains, matches, and/or/not ...) is a predicate P on one value.
 * For a header or a query parameter WireMock asks whether some value
 * satisfies P, and a missing field is tried as a null value, which
 * doesNotMatch and doesNotContain accept (SingleMatchMultiValuePattern). For
 * a cookie or a JSON path only `absent` accepts a missing value.
 *
 * Each predicate becomes one PCRE2 pattern made of lookaheads at the value's
 * start, so that and/or/not compose (`^(?=...)(?!...)`); the common single
 * patterns keep mockrun's own readable forms ("x", {"contains": ...}). WireMock
 * compiles its regexes with DOTALL and matches them against the whole value:
 * `(?s:r)\z`. Java-only regex syntax is translated where PCRE2 has it
 * (\p{Alpha} is [[:alpha:]]) and refused where it has not.
 *
 * A route's `request` holds one condition per field; a second one on the
 * same header, query parameter or body goes into a response's `when`
 * (which the route must also meet), and cookies and path parameters only
 * exist there. More than that cannot be expressed: the stub is dropped.
 */
#include "formats/wiremock_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "common/jsondoc.h"
#include "common/text.h"
#include "common/xmldoc.h"

#define MAX_DEPTH 32

void mr_wm__regex_quote(struct mr_buf *b, const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        if (strchr("\\^$.|?*+()[]{}", s[i]) && s[i])
            mr_buf_putc(b, '\\');
        mr_buf_putc(b, s[i]);
    }
}

/* ---- Java regexes ----------------------------------------------------------------------- */

static const char *const posix_names[][2] = {
    {"Lower", "lower"}, {"Upper", "upper"}, {"ASCII", "ascii"}, {"Alpha", "alpha"},
    {"Digit", "digit"}, {"Alnum", "alnum"}, {"Punct", "punct"}, {"Graph", "graph"},
    {"Print", "print"}, {"Blank", "blank"}, {"Cntrl", "cntrl"}, {"XDigit", "xdigit"},
    {"Space", "space"},
};

/*
 * Copies a Java regex into `out` as PCRE2 syntax. Returns NULL, or what
 * cannot be translated (in `why`, or a constant). Syntax errors are left for
 * PCRE2 to report (the regex was written for Java, which refuses them too).
 */
static const char *java_regex(const char *s, struct mr_buf *out, char *why, size_t whysize)
{
    int in_class = 0; /* 1 inside [...] */
    size_t i, n = strlen(s);

    for (i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\\' && i + 1 < n) {
            char e = s[i + 1];
            if (e == 'Q') {
                /* a literal run, as both engines read it */
                const char *end = strstr(s + i + 2, "\\E");
                size_t stop = end ? (size_t)(end - s) + 2 : n;
                mr_buf_append(out, s + i, stop - i);
                i = stop - 1;
                continue;
            }
            if (e == 'p' || e == 'P') {
                const char *name = s + i + 2, *close;
                size_t len, k;
                if (*name != '{') {
                    mr_buf_append(out, s + i, 2); /* \pL: a one-letter category */
                    i++;
                    continue;
                }
                close = strchr(name, '}');
                if (!close)
                    return "an unclosed \\p{...}";
                name++;
                len = (size_t)(close - name);
                for (k = 0; k < sizeof(posix_names) / sizeof(posix_names[0]); k++)
                    if (strlen(posix_names[k][0]) == len &&
                        strncmp(name, posix_names[k][0], len) == 0)
                        break;
                if (k < sizeof(posix_names) / sizeof(posix_names[0])) {
                    mr_buf_printf(out, "%s[:%s%s:]%s", in_class ? "" : "[", e == 'P' ? "^" : "",
                                  posix_names[k][1], in_class ? "" : "]");
                } else if (len >= 1 && len <= 2 && isupper((unsigned char)name[0]) &&
                           (len == 1 || islower((unsigned char)name[1]))) {
                    mr_buf_append(out, s + i, (size_t)(close - s) + 1 - i); /* \p{Lu} */
                } else if (len > 2 && strncmp(name, "Is", 2) == 0 &&
                           isupper((unsigned char)name[2]) &&
                           strspn(name + 2,
                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_") ==
                               len - 2 &&
                           strncmp(name, "IsAlphabetic", len) != 0) {
                    /* \p{IsLatin}: a script (PCRE2 refuses names it does not know) */
                    mr_buf_printf(out, "\\%c{%.*s}", e, (int)(len - 2), name + 2);
                } else {
                    snprintf(why, whysize, "the Java class \\%c{%.*s}", e,
                             (int)(len > 40 ? 40 : len), name);
                    return why;
                }
                i = (size_t)(close - s);
                continue;
            }
            if (e == 'N' || (e == 'b' && s[i + 2] == '{'))
                return e == 'N' ? "\\N{...} (a character by name)" : "\\b{g}";
            mr_buf_append(out, s + i, 2);
            i++;
            continue;
        }
        if (in_class) {
            if (ch == '[')
                return "a character class inside a character class (a Java union)";
            if (ch == '&' && s[i + 1] == '&')
                return "&& in a character class (a Java intersection)";
            if (ch == ']' && !(s[i - 1] == '[' || (s[i - 1] == '^' && s[i - 2] == '[')))
                in_class = 0;
            mr_buf_putc(out, ch);
            continue;
        }
        if (ch == '[') {
            in_class = 1;
            mr_buf_putc(out, ch);
            if (s[i + 1] == '^') {
                mr_buf_putc(out, '^');
                i++;
            }
            if (s[i + 1] == ']') { /* a ']' first is a literal in both */
                mr_buf_putc(out, ']');
                i++;
            }
            continue;
        }
        if (ch == '(' && s[i + 1] == '?' && strchr("idmsuxU-", s[i + 2]) && s[i + 2]) {
            /* inline flags: Java's u (Unicode case) is what PCRE2's UTF mode does anyway;
             * d (Unix lines) and U (Unicode classes, ungreedy in PCRE2) have no equivalent */
            size_t k = i + 2;
            mr_buf_puts(out, "(?");
            for (; k < n && strchr("idmsuxU-", s[k]); k++) {
                if (s[k] == 'd' || s[k] == 'U')
                    return s[k] == 'd' ? "the inline flag d (UNIX_LINES)"
                                       : "the inline flag U (UNICODE_CHARACTER_CLASS)";
                if (s[k] != 'u')
                    mr_buf_putc(out, s[k]);
            }
            i = k - 1;
            continue;
        }
        mr_buf_putc(out, ch);
    }
    return NULL;
}

/* ---- string patterns --------------------------------------------------------------------- */

enum simple {
    S_NONE,
    S_EQUALS,
    S_CONTAINS,
    S_MATCHES,
    S_NOT_MATCHES,
    S_NOT_CONTAINS,
    S_ABSENT,
};

/* A WireMock StringValuePattern as a predicate on one value. */
struct pat {
    struct mr_buf x;  /* lookaheads at the value's start: ^x holds for the value */
    bool null_holds;  /* what the pattern says of a missing value (null) */
    bool top_absent;  /* the pattern is {"absent": true} */
    enum simple kind; /* a single pattern with a mockrun form of its own */
    const char *text; /* its value or regex (borrowed from the stub) */
};

static const char *const pattern_ops[] = {
    "equalTo", "contains", "doesNotContain", "matches", "doesNotMatch", "absent", "and", "or",
    "not",     NULL};

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static bool string_member(struct mr_wm *c, const cJSON *item)
{
    if (cJSON_IsString(item))
        return true;
    {
        size_t m = mr_wm__push_key(c, item->string);
        mr_wm__fail(c, "expected a string");
        mr_wm__pop(c, m);
    }
    return false;
}

/* A regex of the stub, translated: `(?s:...)`-ready text in `out`. */
static bool regex_of(struct mr_wm *c, const cJSON *item, struct mr_buf *out)
{
    char buf[96];
    const char *why = java_regex(item->valuestring, out, buf, sizeof(buf));
    if (why) {
        mr_wm__warn_at(c, item->string, "%s has no PCRE2 equivalent; stub dropped", why);
        return false;
    }
    return true;
}

/* Compiles the pattern object `v` into *p. False: the stub is dropped (warned) or invalid. */
static bool pattern(struct mr_wm *c, const cJSON *v, struct pat *p, int depth)
{
    const cJSON *op = NULL, *item, *ci;
    size_t nops = 0;

    mr_buf_init(&p->x);
    p->null_holds = p->top_absent = false;
    p->kind = S_NONE;
    p->text = NULL;
    if (!cJSON_IsObject(v))
        return mr_wm__fail(c, "expected a pattern object such as {\"equalTo\": \"x\"}");
    if (depth > MAX_DEPTH) {
        mr_wm__warn(c, "patterns nested over %d deep; stub dropped", MAX_DEPTH);
        return false;
    }
    cJSON_ArrayForEach(item, v)
    {
        if (strcmp(item->string, "caseInsensitive") == 0)
            continue;
        if (!op)
            op = item;
        nops++;
    }
    if (!op)
        return mr_wm__fail(c, "expected a pattern such as {\"equalTo\": \"x\"}");
    if (!in_list(op->string, pattern_ops)) {
        mr_wm__warn_at(c, op->string, "not supported; stub dropped");
        return false;
    }
    if (nops > 1) {
        cJSON_ArrayForEach(item, v)
        {
            if (item != op && strcmp(item->string, "caseInsensitive") != 0) {
                mr_wm__warn_at(
                    c, item->string,
                    "a pattern takes one operator, \"%s\" is already given; stub dropped",
                    op->string);
                return false;
            }
        }
    }
    ci = cJSON_GetObjectItemCaseSensitive(v, "caseInsensitive");
    if (ci && !cJSON_IsBool(ci)) {
        size_t m = mr_wm__push_key(c, "caseInsensitive");
        mr_wm__fail(c, "expected true or false");
        mr_wm__pop(c, m);
        return false;
    }
    if (cJSON_IsTrue(ci) && strcmp(op->string, "equalTo") != 0) {
        mr_wm__warn_at(c, "caseInsensitive", "applies to equalTo only; ignored");
    }

    if (strcmp(op->string, "equalTo") == 0 || strcmp(op->string, "contains") == 0 ||
        strcmp(op->string, "doesNotContain") == 0) {
        const char *s;
        bool eq = op->string[0] == 'e', neg = op->string[0] == 'd';
        if (!string_member(c, op))
            return false;
        s = op->valuestring;
        p->text = s;
        p->null_holds = neg;
        if (eq && cJSON_IsTrue(ci)) {
            mr_buf_puts(&p->x, "(?=(?i)");
            mr_wm__regex_quote(&p->x, s, strlen(s));
            mr_buf_puts(&p->x, "\\z)");
        } else if (eq) {
            p->kind = S_EQUALS;
            mr_buf_puts(&p->x, "(?=");
            mr_wm__regex_quote(&p->x, s, strlen(s));
            mr_buf_puts(&p->x, "\\z)");
        } else {
            p->kind = neg ? S_NOT_CONTAINS : S_CONTAINS;
            mr_buf_puts(&p->x, neg ? "(?!(?s).*?" : "(?=(?s).*?");
            mr_wm__regex_quote(&p->x, s, strlen(s));
            mr_buf_puts(&p->x, ")");
        }
    } else if (strcmp(op->string, "matches") == 0 || strcmp(op->string, "doesNotMatch") == 0) {
        bool neg = op->string[0] == 'd';
        if (!string_member(c, op))
            return false;
        p->text = op->valuestring;
        p->kind = neg ? S_NOT_MATCHES : S_MATCHES;
        p->null_holds = neg;
        mr_buf_puts(&p->x, neg ? "(?!(?s:" : "(?=(?s:");
        if (!regex_of(c, op, &p->x))
            return false;
        mr_buf_puts(&p->x, ")\\z)");
    } else if (strcmp(op->string, "absent") == 0) {
        if (!cJSON_IsTrue(op)) {
            mr_wm__warn_at(c, "absent", "only true is supported; stub dropped");
            return false;
        }
        p->kind = S_ABSENT;
        p->top_absent = p->null_holds = true;
        mr_buf_puts(&p->x, "(?!)");
    } else if (strcmp(op->string, "not") == 0) {
        struct pat in;
        size_t m = mr_wm__push_key(c, "not");
        bool ok = pattern(c, op, &in, depth + 1);
        mr_wm__pop(c, m);
        if (ok) {
            p->null_holds = !in.null_holds;
            mr_buf_printf(&p->x, "(?!%s)", mr_buf_cstr(&in.x));
        }
        mr_buf_release(&in.x);
        if (!ok)
            return false;
    } else { /* and, or */
        bool and = op->string[0] == 'a';
        size_t i = 0, m = mr_wm__push_key(c, op->string);
        if (!cJSON_IsArray(op) || cJSON_GetArraySize(op) == 0) {
            mr_wm__fail(c, "expected a non-empty array of patterns");
            mr_wm__pop(c, m);
            return false;
        }
        p->null_holds = and;
        if (!and)
            mr_buf_puts(&p->x, "(?:");
        cJSON_ArrayForEach(item, op)
        {
            struct pat in;
            size_t m2 = mr_wm__push_index(c, i);
            bool ok = pattern(c, item, &in, depth + 1);
            mr_wm__pop(c, m2);
            if (!ok) {
                mr_buf_release(&in.x);
                mr_wm__pop(c, m);
                return false;
            }
            if (and) {
                p->null_holds = p->null_holds && in.null_holds;
                mr_buf_puts(&p->x, mr_buf_cstr(&in.x));
            } else {
                p->null_holds = p->null_holds || in.null_holds;
                mr_buf_printf(&p->x, "%s%s", i ? "|" : "", mr_buf_cstr(&in.x));
            }
            mr_buf_release(&in.x);
            i++;
        }
        if (!and)
            mr_buf_puts(&p->x, ")");
        mr_wm__pop(c, m);
    }
    if (p->x.failed)
        c->nomem = true;
    return !c->nomem;
}

static cJSON *obj1(const char *key, cJSON *val)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !val || !cJSON_AddItemToObject(o, key, val)) {
        cJSON_Delete(o);
        cJSON_Delete(val);
        return NULL;
    }
    return o;
}

/* `^(?s:r)\z` for a stub's regex (already translated into p->x's middle). */
static cJSON *anchored_regex(const struct pat *p)
{
    /* p->x is "(?=(?s:R)\z)" or "(?!(?s:R)\z)": R is from byte 7 to the last 4 */
    const char *x = mr_buf_cstr(&p->x);
    size_t n = strlen(x);
    char *s = malloc(n);
    cJSON *r;
    if (!s)
        return NULL;
    snprintf(s, n, "^(?s:%.*s)\\z", (int)(n - 11), x + 7);
    r = cJSON_CreateString(s);
    free(s);
    return r;
}

/*
 * The mockrun condition on a field for pattern p, where `null_holds` says
 * whether a missing field satisfies it: a missing field fails {"matches"},
 * and satisfies {"not": ...}, which holds when no value fails the pattern.
 */
static cJSON *condition(const struct pat *p, bool null_holds)
{
    struct mr_buf b;
    cJSON *r = NULL;

    switch (p->kind) {
    case S_EQUALS:
        if (!null_holds)
            return cJSON_CreateString(p->text);
        break;
    case S_CONTAINS:
        if (!null_holds)
            return obj1("contains", cJSON_CreateString(p->text));
        break;
    case S_NOT_CONTAINS:
        if (null_holds)
            return obj1("not", obj1("contains", cJSON_CreateString(p->text)));
        break;
    case S_MATCHES:
        if (!null_holds)
            return obj1("matches", anchored_regex(p));
        break;
    case S_NOT_MATCHES:
        if (null_holds)
            return obj1("not", obj1("matches", anchored_regex(p)));
        break;
    case S_ABSENT:
        if (null_holds)
            return obj1("absent", cJSON_CreateTrue());
        break;
    case S_NONE:
        break;
    }
    mr_buf_init(&b);
    if (null_holds)
        mr_buf_printf(&b, "^(?!%s)", mr_buf_cstr(&p->x));
    else
        mr_buf_printf(&b, "^%s", mr_buf_cstr(&p->x));
    if (!b.failed)
        r = null_holds ? obj1("not", obj1("matches", cJSON_CreateString(mr_buf_cstr(&b))))
                       : obj1("matches", cJSON_CreateString(mr_buf_cstr(&b)));
    mr_buf_release(&b);
    return r;
}

/* ---- where conditions go ------------------------------------------------------------------ */

static cJSON *section_of(struct mr_wm *c, cJSON *obj, const char *section)
{
    cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, section);
    if (s)
        return s;
    s = cJSON_CreateObject();
    mr_wm__add(c, obj, section, s);
    return c->nomem ? NULL : s;
}

static bool has_field(const cJSON *sec, const char *name, bool nocase)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, sec)
    {
        if (nocase ? strcasecmp(f->string, name) == 0 : strcmp(f->string, name) == 0)
            return true;
    }
    return false;
}

/*
 * Puts `cond` (taken) on field `name` of `section`: in the route's request
 * when it has none there yet (and may hold one: `in_request`), else in the
 * response's `when`. False when both have one: the stub is dropped.
 */
static bool put_field(struct mr_wm *c, struct mr_wm_request *r, const char *section,
                      const char *what, const char *name, cJSON *cond, bool in_request)
{
    bool nocase = strcmp(section, "headers") == 0;
    cJSON *sec;

    if (!cond) {
        c->nomem = true;
        return false;
    }
    if (in_request) {
        sec = section_of(c, r->request, section);
        if (sec && !has_field(sec, name, nocase)) {
            mr_wm__add(c, sec, name, cond);
            return !c->nomem;
        }
    }
    sec = section_of(c, r->when, section);
    if (sec && !has_field(sec, name, nocase)) {
        mr_wm__add(c, sec, name, cond);
        return !c->nomem;
    }
    cJSON_Delete(cond);
    if (!c->nomem)
        mr_wm__warn(c, "mockrun holds at most %s on %s \"%s\"; stub dropped",
                    in_request ? "two conditions" : "one condition", what, name);
    return false;
}

/* Puts a body condition: the route's, else the response's `when`. */
static bool put_body(struct mr_wm *c, struct mr_wm_request *r, cJSON *cond)
{
    if (!cond) {
        c->nomem = true;
        return false;
    }
    if (!cJSON_GetObjectItemCaseSensitive(r->request, "body")) {
        mr_wm__add(c, r->request, "body", cond);
        return !c->nomem;
    }
    if (!cJSON_GetObjectItemCaseSensitive(r->when, "body")) {
        mr_wm__add(c, r->when, "body", cond);
        return !c->nomem;
    }
    cJSON_Delete(cond);
    mr_wm__warn(c, "mockrun holds at most two conditions on the body (a text one, JSON paths, "
                   "equalToJson, equalToXml, XPath); stub dropped");
    return false;
}

/* ---- headers, query parameters, cookies, path parameters ------------------------------------ */

/* A header's or query parameter's MultiValuePattern: a pattern, or hasExactly / includes. */
static bool multi_value(struct mr_wm *c, struct mr_wm_request *r, const char *section,
                        const char *what, const char *name, const cJSON *v)
{
    const cJSON *exactly = cJSON_GetObjectItemCaseSensitive(v, "hasExactly");
    const cJSON *includes = cJSON_GetObjectItemCaseSensitive(v, "includes");
    const cJSON *list = exactly ? exactly : includes, *item;
    struct mr_buf any;
    size_t i = 0, m;
    bool ok = true;

    if (!list) {
        struct pat p;
        ok = pattern(c, v, &p, 0) &&
             put_field(c, r, section, what, name, condition(&p, p.null_holds), true);
        mr_buf_release(&p.x);
        return ok;
    }
    if (exactly && includes) {
        mr_wm__warn_at(c, "includes", "give hasExactly or includes, not both; stub dropped");
        return false;
    }
    m = mr_wm__push_key(c, exactly ? "hasExactly" : "includes");
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0) {
        mr_wm__fail(c, "expected a non-empty array of patterns");
        mr_wm__pop(c, m);
        return false;
    }
    /* each pattern holds for some value (a missing field has none) */
    mr_buf_init(&any);
    mr_buf_puts(&any, "(?:");
    cJSON_ArrayForEach(item, list)
    {
        struct pat p;
        size_t m2 = mr_wm__push_index(c, i);
        ok = pattern(c, item, &p, 0);
        if (ok && p.top_absent) {
            mr_wm__warn(c, "absent among several values is not supported; stub dropped");
            ok = false;
        }
        if (ok) {
            mr_buf_printf(&any, "%s%s", i ? "|" : "", mr_buf_cstr(&p.x));
            ok = put_field(c, r, section, what, name, condition(&p, false), true);
        }
        mr_wm__pop(c, m2);
        mr_buf_release(&p.x);
        if (!ok)
            break;
        i++;
    }
    mr_buf_puts(&any, ")");
    mr_wm__pop(c, m);
    if (ok && exactly) {
        /* and no other value: every value satisfies one of them (the number of values is
         * not checked: one given twice is accepted) */
        char *s = NULL;
        if (!any.failed && (s = malloc(any.len + 8)) != NULL)
            snprintf(s, any.len + 8, "^(?!%s)", mr_buf_cstr(&any));
        if (!s)
            c->nomem = true;
        else if (cJSON_GetArraySize(list) >= 2) {
            /* both places are taken by the values' own conditions */
            m = mr_wm__push_key(c, "hasExactly");
            mr_wm__warn(c,
                        "mockrun cannot also refuse values beyond the %d listed; they are "
                        "accepted",
                        cJSON_GetArraySize(list));
            mr_wm__pop(c, m);
        } else {
            ok = put_field(c, r, section, what, name,
                           obj1("not", obj1("matches", cJSON_CreateString(s))), true);
        }
        free(s);
    }
    mr_buf_release(&any);
    return ok && !c->nomem;
}

static bool object_member(struct mr_wm *c, const cJSON *req, const char *key, const cJSON **out)
{
    *out = cJSON_GetObjectItemCaseSensitive(req, key);
    if (*out && !cJSON_IsObject(*out)) {
        size_t m = mr_wm__push_key(c, key);
        mr_wm__fail(c, "expected an object");
        mr_wm__pop(c, m);
        return false;
    }
    return true;
}

static bool fields(struct mr_wm *c, struct mr_wm_request *r, const cJSON *req, const char *key)
{
    const cJSON *obj, *f;
    bool headers = strcmp(key, "headers") == 0;
    bool query = strcmp(key, "queryParameters") == 0;
    bool cookies = strcmp(key, "cookies") == 0;

    if (!object_member(c, req, key, &obj))
        return false;
    cJSON_ArrayForEach(f, obj)
    {
        size_t m = mr_wm__push_key(c, key), m2 = mr_wm__push_key(c, f->string);
        bool ok = true;
        if (headers && !mr_http_token(f->string)) {
            mr_wm__warn(c, "not a valid header name; stub dropped");
            ok = false;
        } else if (headers || query) {
            ok = multi_value(c, r, headers ? "headers" : "query",
                             headers ? "header" : "query parameter", f->string, f);
        } else {
            /* a missing cookie satisfies only `absent` (RequestPattern.allCookiesMatch); a
             * path parameter is never missing when the path matched */
            struct pat p;
            ok = pattern(c, f, &p, 0);
            if (ok)
                ok = put_field(c, r, cookies ? "cookies" : "params",
                               cookies ? "cookie" : "path parameter", f->string,
                               condition(&p, p.top_absent), false);
            mr_buf_release(&p.x);
        }
        mr_wm__pop(c, m2);
        mr_wm__pop(c, m);
        if (!ok)
            return false;
    }
    return true;
}

/* ---- body patterns ------------------------------------------------------------------------ */

static bool has_long_array(const cJSON *v)
{
    const cJSON *item;
    if (cJSON_IsArray(v) && cJSON_GetArraySize(v) >= 2)
        return true;
    cJSON_ArrayForEach(item, v)
    {
        if (has_long_array(item))
            return true;
    }
    return false;
}

static bool has_array(const cJSON *v)
{
    const cJSON *item;
    if (cJSON_IsArray(v))
        return true;
    cJSON_ArrayForEach(item, v)
    {
        if (has_array(item))
            return true;
    }
    return false;
}

static bool has_placeholder(const cJSON *v)
{
    const cJSON *item;
    if (cJSON_IsString(v) && strstr(v->valuestring, "${json-unit."))
        return true;
    cJSON_ArrayForEach(item, v)
    {
        if (has_placeholder(item))
            return true;
    }
    return false;
}

/* equalToJson → "json" (ignoreExtraElements) or "jsonEquals". */
static bool equal_to_json(struct mr_wm *c, struct mr_wm_request *r, const cJSON *bp, const cJSON *v)
{
    cJSON *want;
    bool extra = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(bp, "ignoreExtraElements"));
    bool order = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(bp, "ignoreArrayOrder"));
    const cJSON *item;

    cJSON_ArrayForEach(item, bp)
    {
        if (strcmp(item->string, "equalToJson") && strcmp(item->string, "ignoreExtraElements") &&
            strcmp(item->string, "ignoreArrayOrder")) {
            mr_wm__warn_at(c, item->string, "not supported with equalToJson; stub dropped");
            return false;
        }
    }
    if (cJSON_IsString(v)) {
        want = cJSON_Parse(v->valuestring);
        if (!want) {
            mr_wm__warn_at(c, "equalToJson", "not valid JSON; stub dropped");
            return false;
        }
    } else {
        want = cJSON_Duplicate(v, true);
        if (!want) {
            c->nomem = true;
            return false;
        }
    }
    if (has_placeholder(want)) {
        cJSON_Delete(want);
        mr_wm__warn_at(c, "equalToJson",
                       "JsonUnit placeholders (${json-unit...}) are not "
                       "supported; stub dropped");
        return false;
    }
    if (order && has_long_array(want))
        mr_wm__warn_at(c, "ignoreArrayOrder",
                       "mockrun compares arrays in order: only requests with the items in this "
                       "order match");
    if (extra && has_array(want))
        mr_wm__warn_at(c, "ignoreExtraElements",
                       "mockrun ignores extra members of objects but not extra array items: "
                       "only requests with exactly these items match");
    return put_body(c, r, obj1(extra ? "json" : "jsonEquals", want));
}

/* A matchesJsonPath expression mockrun's `jsonPath` can take: $, .name, ['name'], [n]. */
static const char *json_path_ok(const char *expr)
{
    const char *bad;
    if (expr[0] != '$')
        return "it does not start with $";
    if (strstr(expr, "..") || strchr(expr, '*') || strchr(expr, '?') || strchr(expr, '(') ||
        strchr(expr, '@') || strchr(expr, ':') || strchr(expr, ','))
        return "it uses JSONPath beyond $, .name, ['name'] and [n]";
    bad = mr_jsondoc_split_path(expr, NULL, NULL);
    return bad;
}

struct body_acc {
    struct mr_buf text; /* the text patterns' lookaheads, all of which must hold */
    size_t ntext;
    const struct pat *one; /* the only text pattern, kept whole for a readable form */
    struct pat first;
    cJSON *paths[4]; /* jsonPath objects: a path given twice goes in the next */
    size_t npaths;
    cJSON *xpaths;     /* matchesXPath: expression → condition, or NULL */
    cJSON *namespaces; /* their xPathNamespaces, merged, or NULL */
};

/* Whether libxml2 is there to check documents and XPath expressions as the
 * loader will check them; without it nothing is checked here (the loader
 * then says that it is missing). */
static bool xml_checks(void)
{
    struct mr_error err;
    return mr_xmldoc_init(&err) == 0;
}

/* equalToXml's placeholder delimiter `key` (a Java regex) into `out` as
 * `name` (blank or missing: XMLUnit's default, left out). */
static bool delimiter(struct mr_wm *c, const cJSON *bp, const char *key, const char *name,
                      cJSON *out)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(bp, key);
    struct mr_buf re;
    bool ok;

    if (!d || cJSON_IsNull(d))
        return true;
    if (!string_member(c, d))
        return false;
    if (strspn(d->valuestring, " \t\r\n") == strlen(d->valuestring))
        return true;
    mr_buf_init(&re);
    ok = regex_of(c, d, &re);
    if (ok && (re.failed || !cJSON_AddStringToObject(out, name, mr_buf_cstr(&re))))
        c->nomem = true;
    mr_buf_release(&re);
    return ok && !c->nomem;
}

/* equalToXml → "xmlEquals" (WireMock's comparison: whitespace, attribute and
 * child order and namespace prefixes ignored, as mockrun's), with XMLUnit's
 * placeholders when enablePlaceholders is true (the delimiters count only
 * then, as in WireMock). */
static bool equal_to_xml(struct mr_wm *c, struct mr_wm_request *r, const cJSON *bp, const cJSON *v)
{
    static const char *const known[] = {"equalToXml",
                                        "namespaceAwareness",
                                        "enablePlaceholders",
                                        "placeholderOpeningDelimiterRegex",
                                        "placeholderClosingDelimiterRegex",
                                        NULL};
    const cJSON *item;
    cJSON *cond, *ph = NULL;

    cJSON_ArrayForEach(item, bp)
    {
        if (in_list(item->string, known))
            continue;
        mr_wm__warn_at(c, item->string, "not supported with equalToXml; stub dropped");
        return false;
    }
    if (!cJSON_IsString(v)) {
        mr_wm__warn_at(c, "equalToXml", "expected the document as a string; stub dropped");
        return false;
    }
    if (xml_checks()) {
        /* WireMock refuses a stub whose document does not parse; so does mockrun's loader,
         * which also refuses a DOCTYPE */
        char why[300];
        struct mr_xmldoc *d =
            mr_xmldoc_parse(v->valuestring, strlen(v->valuestring), why, sizeof(why));
        if (!d) {
            mr_wm__warn_at(c, "equalToXml", "%s; stub dropped", why);
            return false;
        }
        mr_xmldoc_free(d);
    }
    cond = obj1("xmlEquals", cJSON_CreateString(v->valuestring));
    if (cond && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(bp, "enablePlaceholders"))) {
        ph = cJSON_CreateObject();
        if (!ph || !delimiter(c, bp, "placeholderOpeningDelimiterRegex", "open", ph) ||
            !delimiter(c, bp, "placeholderClosingDelimiterRegex", "close", ph)) {
            cJSON_Delete(ph);
            cJSON_Delete(cond);
            if (!ph)
                c->nomem = true;
            return false;
        }
        if (cJSON_GetArraySize(ph) == 0) {
            cJSON_Delete(ph);
            ph = cJSON_CreateTrue();
        }
        if (!ph || !cJSON_AddItemToObject(cond, "placeholders", ph)) {
            cJSON_Delete(ph);
            cJSON_Delete(cond);
            cond = NULL;
        }
    }
    return put_body(c, r, cond);
}

/* A member of xPathNamespaces the loader takes: a prefix (no ':') and a URI. */
static bool namespace_ok(const cJSON *item)
{
    return cJSON_IsString(item) && *item->valuestring && *item->string &&
           !strchr(item->string, ':');
}

/* Whether `expr` compiles as XPath with the namespaces of xPathNamespaces
 * (`ns`) that the loader takes; warns (the stub is dropped) when not. */
static bool xpath_ok(struct mr_wm *c, const char *expr, const cJSON *ns)
{
    struct mr_xml_ns *list;
    const cJSON *item;
    size_t n = 0;
    char why[300];
    bool ok;

    if (!cJSON_IsObject(ns))
        ns = NULL;
    list = calloc((size_t)cJSON_GetArraySize(ns) + 1, sizeof(*list));
    if (!list) {
        c->nomem = true;
        return false;
    }
    cJSON_ArrayForEach(item, ns)
    {
        if (namespace_ok(item)) {
            list[n].prefix = item->string;
            list[n++].uri = item->valuestring;
        }
    }
    ok = mr_xmldoc_xpath_ok(expr, list, n, why, sizeof(why));
    free(list);
    if (!ok)
        mr_wm__warn(c, "%s; stub dropped", why);
    return ok;
}

/* matchesXPath (a string: the expression finds something; or an object with
 * "expression" and a pattern its value meets), with xPathNamespaces beside. */
static bool xpath_pattern(struct mr_wm *c, struct body_acc *acc, const cJSON *bp, const cJSON *mx)
{
    const cJSON *ns = cJSON_GetObjectItemCaseSensitive(bp, "xPathNamespaces"), *item;
    const char *expr = NULL;
    cJSON *cond = NULL;
    size_t m = mr_wm__push_key(c, "matchesXPath");

    cJSON_ArrayForEach(item, bp)
    {
        if (strcmp(item->string, "matchesXPath") && strcmp(item->string, "xPathNamespaces")) {
            mr_wm__pop(c, m);
            mr_wm__warn_at(c, item->string, "not supported with matchesXPath; stub dropped");
            return false;
        }
    }
    if (cJSON_IsString(mx)) {
        expr = mx->valuestring;
        cond = obj1("present", cJSON_CreateTrue());
    } else if (cJSON_IsObject(mx) &&
               cJSON_IsString(cJSON_GetObjectItemCaseSensitive(mx, "expression"))) {
        cJSON *rest = cJSON_Duplicate(mx, true);
        struct pat p;
        bool ok;
        expr = cJSON_GetObjectItemCaseSensitive(mx, "expression")->valuestring;
        if (!rest) {
            c->nomem = true;
            mr_wm__pop(c, m);
            return false;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(rest, "expression");
        ok = pattern(c, rest, &p, 0);
        if (ok)
            cond = condition(&p, p.top_absent);
        mr_buf_release(&p.x);
        cJSON_Delete(rest);
        if (!ok) {
            mr_wm__pop(c, m);
            return false;
        }
    } else {
        mr_wm__fail(c, "expected an XPath expression, or an object with \"expression\" and a "
                       "pattern");
        mr_wm__pop(c, m);
        return false;
    }
    if (cond && xml_checks() && !xpath_ok(c, expr, ns)) {
        cJSON_Delete(cond);
        mr_wm__pop(c, m);
        return false;
    }
    mr_wm__pop(c, m);
    if (!cond || (!acc->xpaths && !(acc->xpaths = cJSON_CreateObject()))) {
        cJSON_Delete(cond);
        c->nomem = true;
        return false;
    }
    if (cJSON_GetObjectItemCaseSensitive(acc->xpaths, expr)) {
        cJSON_Delete(cond);
        mr_wm__warn(c, "two conditions on the XPath expression \"%s\"; stub dropped", expr);
        return false;
    }
    mr_wm__add(c, acc->xpaths, expr, cond);
    if (cJSON_IsObject(ns)) {
        if (!acc->namespaces && !(acc->namespaces = cJSON_CreateObject())) {
            c->nomem = true;
            return false;
        }
        cJSON_ArrayForEach(item, ns)
        {
            if (!namespace_ok(item))
                continue;
            if (!cJSON_GetObjectItemCaseSensitive(acc->namespaces, item->string))
                mr_wm__add(c, acc->namespaces, item->string, cJSON_CreateString(item->valuestring));
        }
    }
    return !c->nomem;
}

static bool json_path_pattern(struct mr_wm *c, struct body_acc *acc, const cJSON *mj)
{
    const char *expr = NULL;
    const char *why;
    cJSON *cond = NULL;
    size_t k;

    if (cJSON_IsString(mj)) {
        expr = mj->valuestring;
        cond = obj1("present", cJSON_CreateTrue());
    } else if (cJSON_IsObject(mj)) {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(mj, "expression");
        cJSON *rest;
        struct pat p;
        bool ok;
        if (!cJSON_IsString(e)) {
            size_t m = mr_wm__push_key(c, "matchesJsonPath");
            mr_wm__fail(c, "expected a JSON path, or an object with \"expression\" and a pattern");
            mr_wm__pop(c, m);
            return false;
        }
        expr = e->valuestring;
        rest = cJSON_Duplicate(mj, true);
        if (!rest) {
            c->nomem = true;
            return false;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(rest, "expression");
        {
            size_t m = mr_wm__push_key(c, "matchesJsonPath");
            ok = pattern(c, rest, &p, 0);
            mr_wm__pop(c, m);
        }
        /* a path that finds nothing satisfies only `absent` (MatchesJsonPathPattern) */
        if (ok)
            cond = condition(&p, p.top_absent);
        mr_buf_release(&p.x);
        cJSON_Delete(rest);
        if (!ok)
            return false;
    } else {
        size_t m = mr_wm__push_key(c, "matchesJsonPath");
        mr_wm__fail(c, "expected a JSON path, or an object with \"expression\" and a pattern");
        mr_wm__pop(c, m);
        return false;
    }
    if (!cond) {
        c->nomem = true;
        return false;
    }
    if ((why = json_path_ok(expr)) != NULL) {
        size_t m = mr_wm__push_key(c, "matchesJsonPath");
        mr_wm__warn(c, "path \"%s\" is not supported (%s); stub dropped", expr, why);
        mr_wm__pop(c, m);
        cJSON_Delete(cond);
        return false;
    }
    for (k = 0; k < acc->npaths && cJSON_GetObjectItemCaseSensitive(acc->paths[k], expr); k++)
        ;
    if (k == sizeof(acc->paths) / sizeof(acc->paths[0])) {
        cJSON_Delete(cond);
        mr_wm__warn(c, "too many conditions on the JSON path \"%s\"; stub dropped", expr);
        return false;
    }
    if (k == acc->npaths) {
        acc->paths[k] = cJSON_CreateObject();
        if (!acc->paths[k]) {
            cJSON_Delete(cond);
            c->nomem = true;
            return false;
        }
        acc->npaths++;
    }
    mr_wm__add(c, acc->paths[k], expr, cond);
    return !c->nomem;
}

static bool body_patterns(struct mr_wm *c, struct mr_wm_request *r, const cJSON *req)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(req, "bodyPatterns"), *bp;
    struct body_acc acc;
    size_t i = 0, k, m;
    bool ok = true;

    if (!list)
        return true;
    m = mr_wm__push_key(c, "bodyPatterns");
    if (!cJSON_IsArray(list)) {
        mr_wm__fail(c, "expected an array of patterns");
        mr_wm__pop(c, m);
        return false;
    }
    memset(&acc, 0, sizeof(acc));
    mr_buf_init(&acc.text);
    mr_buf_init(&acc.first.x);
    cJSON_ArrayForEach(bp, list)
    {
        size_t m2 = mr_wm__push_index(c, i++);
        const cJSON *v;
        if (!cJSON_IsObject(bp)) {
            ok = mr_wm__fail(c, "expected a pattern object");
        } else if ((v = cJSON_GetObjectItemCaseSensitive(bp, "equalToJson"))) {
            ok = equal_to_json(c, r, bp, v);
        } else if ((v = cJSON_GetObjectItemCaseSensitive(bp, "matchesJsonPath"))) {
            const cJSON *item;
            cJSON_ArrayForEach(item, bp)
            {
                if (strcmp(item->string, "matchesJsonPath") != 0) {
                    mr_wm__warn_at(c, item->string,
                                   "not supported with matchesJsonPath; stub "
                                   "dropped");
                    ok = false;
                    break;
                }
            }
            if (ok)
                ok = json_path_pattern(c, &acc, v);
        } else if ((v = cJSON_GetObjectItemCaseSensitive(bp, "equalToXml"))) {
            ok = equal_to_xml(c, r, bp, v);
        } else if ((v = cJSON_GetObjectItemCaseSensitive(bp, "matchesXPath"))) {
            ok = xpath_pattern(c, &acc, bp, v);
        } else if ((v = cJSON_GetObjectItemCaseSensitive(bp, "binaryEqualTo"))) {
            mr_wm__warn_at(c, "binaryEqualTo", "not supported; stub dropped");
            ok = false;
        } else {
            struct pat p;
            ok = pattern(c, bp, &p, 0);
            if (ok && p.top_absent) {
                mr_wm__warn(c, "absent is not supported on the body; stub dropped");
                ok = false;
            }
            if (ok) {
                mr_buf_puts(&acc.text, mr_buf_cstr(&p.x));
                if (acc.ntext++ == 0) {
                    mr_buf_release(&acc.first.x);
                    acc.first = p;
                    p.x.data = NULL;
                }
            }
            mr_buf_release(&p.x);
        }
        mr_wm__pop(c, m2);
        if (!ok)
            break;
    }
    if (ok && acc.ntext) {
        /* the body is never missing (WireMock reads an empty one as "") */
        cJSON *cond;
        if (acc.ntext == 1 && acc.first.kind == S_EQUALS)
            cond = obj1("equals", cJSON_CreateString(acc.first.text));
        else if (acc.ntext == 1 && acc.first.kind == S_CONTAINS)
            cond = obj1("contains", cJSON_CreateString(acc.first.text));
        else if (acc.ntext == 1 && acc.first.kind == S_MATCHES)
            cond = obj1("matches", anchored_regex(&acc.first));
        else {
            struct mr_buf b;
            mr_buf_init(&b);
            mr_buf_printf(&b, "^%s", mr_buf_cstr(&acc.text));
            cond = b.failed ? NULL : obj1("matches", cJSON_CreateString(mr_buf_cstr(&b)));
            mr_buf_release(&b);
        }
        ok = put_body(c, r, cond);
    }
    for (k = 0; k < acc.npaths; k++) {
        if (ok)
            ok = put_body(c, r, obj1("jsonPath", acc.paths[k]));
        else
            cJSON_Delete(acc.paths[k]);
    }
    if (ok && acc.xpaths) {
        cJSON *cond = obj1("xpath", acc.xpaths);
        if (cond && acc.namespaces)
            mr_wm__add(c, cond, "namespaces", acc.namespaces);
        else
            cJSON_Delete(acc.namespaces);
        ok = put_body(c, r, cond);
    } else {
        cJSON_Delete(acc.xpaths);
        cJSON_Delete(acc.namespaces);
    }
    if (acc.text.failed)
        c->nomem = true;
    mr_buf_release(&acc.text);
    mr_buf_release(&acc.first.x);
    mr_wm__pop(c, m);
    return ok && !c->nomem;
}

/* ---- the URL ------------------------------------------------------------------------------ */

/* A literal path for `path`, or a quoted regex for `pathPattern` where mockrun's
 * `path` would read ":name" or "*" segments. */
static void literal_path(struct mr_wm *c, struct mr_wm_request *r, const char *p, size_t len)
{
    bool special = false;
    size_t i;
    char *s;

    for (i = 0; i < len; i++)
        if (p[i] == '/' && i + 1 < len &&
            (p[i + 1] == ':' || (p[i + 1] == '*' && (i + 2 == len || p[i + 2] == '/'))))
            special = true;
    if (special) {
        struct mr_buf b;
        mr_buf_init(&b);
        mr_wm__regex_quote(&b, p, len);
        if (b.failed)
            c->nomem = true;
        else
            mr_wm__add(c, r->request, "pathPattern", cJSON_CreateString(mr_buf_cstr(&b)));
        mr_buf_release(&b);
        return;
    }
    s = malloc(len + 1);
    if (!s) {
        c->nomem = true;
        return;
    }
    memcpy(s, p, len);
    s[len] = '\0';
    mr_wm__add(c, r->request, "path", cJSON_CreateString(s));
    free(s);
}

/*
 * A URL path as WireMock compares it (raw) made into the decoded path mockrun
 * compares: %XX escapes decoded. False (with a warning) when that cannot be
 * the same comparison.
 */
static bool decoded_path(struct mr_wm *c, const char *key, const char *p, size_t len, char **out)
{
    char *d = malloc(len + 1);
    size_t n, i, slashes = 0, dslashes = 0;

    if (!d) {
        c->nomem = true;
        return false;
    }
    n = mr_percent_decode(d, p, len, 0);
    d[n] = '\0';
    for (i = 0; i < len; i++)
        slashes += p[i] == '/';
    for (i = 0; i < n; i++)
        dslashes += d[i] == '/';
    if (len == 0 || p[0] != '/') {
        mr_wm__warn_at(c, key, "a path that does not start with \"/\" never matches; stub dropped");
    } else if (memchr(p, '#', len)) {
        mr_wm__warn_at(c, key,
                       "a path with \"#\" never matches (browsers keep the fragment); "
                       "stub dropped");
    } else if (slashes != dslashes || memchr(d, '\0', n) || !mr_utf8_valid(d, n)) {
        mr_wm__warn_at(c, key,
                       "encoded \"/\", NUL or invalid UTF-8 in the path cannot be "
                       "matched (mockrun compares decoded paths); stub dropped");
    } else {
        *out = d;
        return true;
    }
    free(d);
    return false;
}

/* url: the path, and each query parameter equal to its value. */
static bool url_equal(struct mr_wm *c, struct mr_wm_request *r, const char *url)
{
    const char *q = strchr(url, '?');
    size_t plen = q ? (size_t)(q - url) : strlen(url);
    char *path;

    if (!decoded_path(c, "url", url, plen, &path))
        return false;
    literal_path(c, r, path, strlen(path));
    free(path);
    while (q && *q && !c->nomem) {
        const char *k = q + 1, *amp = strchr(k, '&'), *eq;
        size_t n = amp ? (size_t)(amp - k) : strlen(k);
        char *name, *val;
        size_t nl, vl;
        q = amp;
        if (n == 0)
            continue;
        eq = memchr(k, '=', n);
        nl = eq ? (size_t)(eq - k) : n;
        vl = eq ? n - nl - 1 : 0;
        name = malloc(nl + 1);
        val = malloc(vl + 1);
        if (!name || !val) {
            free(name);
            free(val);
            c->nomem = true;
            return false;
        }
        nl = mr_percent_decode(name, k, nl, MR_PCT_PLUS);
        name[nl] = '\0';
        vl = eq ? mr_percent_decode(val, eq + 1, vl, MR_PCT_PLUS) : 0;
        val[vl] = '\0';
        if (strlen(name) != nl || strlen(val) != vl || !*name) {
            free(name);
            free(val);
            mr_wm__warn_at(c, "url",
                           "a query parameter with an empty name or NUL cannot be "
                           "matched; stub dropped");
            return false;
        }
        {
            size_t m = mr_wm__push_key(c, "url");
            bool ok =
                put_field(c, r, "query", "query parameter", name, cJSON_CreateString(val), true);
            mr_wm__pop(c, m);
            free(name);
            free(val);
            if (!ok)
                return false;
        }
    }
    return !c->nomem;
}

/* True when a Java regex has a literal '?' outside character classes and
 * escapes: a URL pattern that reaches into the query string. */
static bool regex_has_question_mark(const char *s)
{
    bool in_class = false;
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            if (s[1] == '?' || (s[1] == 'Q' && strchr(s, '?')))
                return true;
            s++;
        } else if (in_class) {
            if (*s == '?')
                return true;
            if (*s == ']')
                in_class = false;
        } else if (*s == '[') {
            in_class = true;
            if (s[1] == ']')
                s++;
        }
    }
    return false;
}

static bool path_pattern(struct mr_wm *c, struct mr_wm_request *r, const char *key, const cJSON *v)
{
    struct mr_buf b;
    const char *why;
    char buf[96];
    bool ok = false;

    mr_buf_init(&b);
    /* WireMock compiles URL regexes with DOTALL too */
    mr_buf_puts(&b, "(?s)");
    why = java_regex(v->valuestring, &b, buf, sizeof(buf));
    if (why)
        mr_wm__warn_at(c, key, "%s has no PCRE2 equivalent; stub dropped", why);
    else if (b.failed)
        c->nomem = true;
    else {
        const char *s = mr_buf_cstr(&b);
        /* (?s) only where a '.' can meet a line break */
        mr_wm__add(c, r->request, "pathPattern",
                   cJSON_CreateString(strchr(s + 4, '.') ? s : s + 4));
        ok = !c->nomem;
    }
    mr_buf_release(&b);
    return ok;
}

static bool param_name_ok(const char *s, size_t n)
{
    size_t i;
    if (n == 0 || n > 32 || isdigit((unsigned char)s[0]))
        return false;
    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return false;
    return true;
}

/*
 * urlPathTemplate: {name} matches one segment or part of one ([^/]+), ** the
 * rest ((.*?)), as WireMock's PathTemplate. Whole-segment {name}s make
 * mockrun's `path` (/contacts/:id); anything else a `pathPattern` with named
 * groups. The names mockrun knows go to r->params.
 */
static bool path_template(struct mr_wm *c, struct mr_wm_request *r, const char *t)
{
    struct mr_buf plain, re;
    const char *s = t;
    bool simple = true, ok = true;

    if (t[0] != '/') {
        mr_wm__warn_at(c, "urlPathTemplate",
                       "a path that does not start with \"/\" never matches; stub dropped");
        return false;
    }
    mr_buf_init(&plain);
    mr_buf_init(&re);
    r->params = calloc(strlen(t) / 2 + 1, sizeof(*r->params));
    if (!r->params) {
        c->nomem = true;
        return false;
    }
    while (*s && ok) {
        if (*s == '{' && strchr(s, '}') && strchr(s, '}') > s + 1) {
            const char *e = strchr(s, '}');
            char name[64];
            size_t n = 0;
            const char *q;
            bool whole = s[-1] == '/' && (e[1] == '/' || e[1] == '\0');
            /* PathTemplate drops '.', ';' and '*' from the name */
            for (q = s + 1; q < e && n + 1 < sizeof(name); q++)
                if (*q != '.' && *q != ';' && *q != '*')
                    name[n++] = *q;
            name[n] = '\0';
            if (param_name_ok(name, n)) {
                size_t k;
                bool dup = false;
                for (k = 0; k < r->nparams; k++)
                    dup |= strcmp(r->params[k], name) == 0;
                if (!dup) {
                    r->params[r->nparams] = strdup(name);
                    if (!r->params[r->nparams++])
                        c->nomem = true;
                } else {
                    simple = false;
                }
                mr_buf_printf(&re, dup ? "([^/]+)" : "(?<%s>[^/]+)", name);
                mr_buf_printf(&plain, ":%s", name);
            } else {
                simple = false;
                mr_buf_puts(&re, "([^/]+)");
            }
            if (!whole)
                simple = false;
            s = e + 1;
        } else if (s[0] == '*' && s[1] == '*') {
            simple = false;
            mr_buf_puts(&re, "(.*?)");
            s += 2;
        } else {
            if ((*s == ':' && s[-1] == '/') ||
                (*s == '*' && s[-1] == '/' && (!s[1] || s[1] == '/')))
                simple = false;
            if (*s == '?' || *s == '#' || *s == '%') {
                mr_wm__warn_at(c, "urlPathTemplate",
                               "\"%c\" in a path template is not supported; stub dropped", *s);
                ok = false;
            }
            mr_wm__regex_quote(&re, s, 1);
            mr_buf_putc(&plain, *s);
            s++;
        }
    }
    if (plain.failed || re.failed)
        c->nomem = true;
    else if (ok)
        mr_wm__add(c, r->request, simple ? "path" : "pathPattern",
                   cJSON_CreateString(mr_buf_cstr(simple ? &plain : &re)));
    mr_buf_release(&plain);
    mr_buf_release(&re);
    return ok && !c->nomem;
}

static const char *const url_keys[] = {
    "url", "urlPattern", "urlPath", "urlPathPattern", "urlPathTemplate", NULL};

static bool url(struct mr_wm *c, struct mr_wm_request *r, const cJSON *req)
{
    const cJSON *v = NULL;
    size_t k;

    for (k = 0; url_keys[k]; k++) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(req, url_keys[k]);
        if (!x)
            continue;
        if (!cJSON_IsString(x)) {
            size_t m = mr_wm__push_key(c, url_keys[k]);
            mr_wm__fail(c, "expected a string");
            mr_wm__pop(c, m);
            return false;
        }
        if (v) {
            /* UrlPattern.fromOneOf takes the first */
            mr_wm__warn_at(c, url_keys[k], "\"%s\" is given too and wins; ignored", v->string);
            continue;
        }
        v = x;
    }
    if (!v)
        return true;
    if (strcmp(v->string, "url") == 0)
        return url_equal(c, r, v->valuestring);
    if (strcmp(v->string, "urlPath") == 0) {
        char *p;
        if (strchr(v->valuestring, '?')) {
            mr_wm__warn_at(c, "urlPath",
                           "a path with \"?\" never matches (the query string is "
                           "not part of the path); stub dropped");
            return false;
        }
        if (!decoded_path(c, "urlPath", v->valuestring, strlen(v->valuestring), &p))
            return false;
        literal_path(c, r, p, strlen(p));
        free(p);
        return !c->nomem;
    }
    if (strcmp(v->string, "urlPattern") == 0 && regex_has_question_mark(v->valuestring)) {
        mr_wm__warn_at(c, "urlPattern",
                       "a pattern over the query string cannot be converted (mockrun matches the "
                       "path; use urlPathPattern and queryParameters); stub dropped");
        return false;
    }
    if (strcmp(v->string, "urlPathTemplate") == 0)
        return path_template(c, r, v->valuestring);
    return path_pattern(c, r, v->string, v);
}

/* ---- the request -------------------------------------------------------------------------- */

static const char *const request_keys[] = {"method",         "url",
                                           "urlPattern",     "urlPath",
                                           "urlPathPattern", "urlPathTemplate",
                                           "headers",        "queryParameters",
                                           "cookies",        "pathParameters",
                                           "bodyPatterns",   "basicAuthCredentials",
                                           "basicAuth",      NULL};

static void base64(const unsigned char *s, size_t n, struct mr_buf *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;
    for (i = 0; i + 2 < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
        mr_buf_printf(out, "%c%c%c%c", tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63],
                      tab[v & 63]);
    }
    if (n - i == 1) {
        unsigned v = (unsigned)s[i] << 16;
        mr_buf_printf(out, "%c%c==", tab[v >> 18], tab[(v >> 12) & 63]);
    } else if (n - i == 2) {
        unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8;
        mr_buf_printf(out, "%c%c%c=", tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63]);
    }
}

/* basicAuthCredentials: Authorization is "Basic " (any case) and base64(user:password). */
static bool basic_auth(struct mr_wm *c, struct mr_wm_request *r, const cJSON *req)
{
    const char *key = "basicAuthCredentials";
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, key);
    const char *user, *pass;
    struct mr_buf plain, b64, re;
    bool ok;
    size_t m;

    if (!v) {
        key = "basicAuth";
        v = cJSON_GetObjectItemCaseSensitive(req, key);
    }
    if (!v)
        return true;
    m = mr_wm__push_key(c, key);
    user = mr_wm__str(v, "username");
    pass = mr_wm__str(v, "password");
    if (!cJSON_IsObject(v) || !user || !pass) {
        mr_wm__fail(c, "expected {\"username\": \"...\", \"password\": \"...\"}");
        mr_wm__pop(c, m);
        return false;
    }
    mr_buf_init(&plain);
    mr_buf_init(&b64);
    mr_buf_init(&re);
    mr_buf_printf(&plain, "%s:%s", user, pass);
    base64((const unsigned char *)mr_buf_cstr(&plain), plain.len, &b64);
    mr_buf_puts(&re, "^(?i:basic )");
    mr_wm__regex_quote(&re, mr_buf_cstr(&b64), b64.len);
    mr_buf_puts(&re, "\\z");
    ok = !plain.failed && !b64.failed && !re.failed;
    if (!ok)
        c->nomem = true;
    else
        ok = put_field(c, r, "headers", "header", "Authorization",
                       obj1("matches", cJSON_CreateString(mr_buf_cstr(&re))), true);
    mr_buf_release(&plain);
    mr_buf_release(&b64);
    mr_buf_release(&re);
    mr_wm__pop(c, m);
    return ok;
}

static bool method(struct mr_wm *c, struct mr_wm_request *r, const cJSON *req)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, "method");
    char up[40];
    size_t i;

    if (!v)
        return true; /* WireMock's default is ANY */
    if (!cJSON_IsString(v)) {
        size_t m = mr_wm__push_key(c, "method");
        mr_wm__fail(c, "expected a method such as \"GET\" or \"ANY\"");
        mr_wm__pop(c, m);
        return false;
    }
    if (!mr_http_method(v->valuestring)) {
        mr_wm__warn_at(c, "method", "\"%s\" is not a method mockrun can match; stub dropped",
                       v->valuestring);
        return false;
    }
    /* WireMock compares methods exactly; HTTP methods are upper case */
    for (i = 0; v->valuestring[i] && i + 1 < sizeof(up); i++)
        up[i] = v->valuestring[i];
    up[i] = '\0';
    if (strcmp(up, "GET_OR_HEAD") == 0) {
        /* mockrun answers HEAD with a GET route too */
        snprintf(up, sizeof(up), "GET");
    } else if (strcmp(up, "ANY") != 0) {
        for (i = 0; up[i]; i++)
            if (islower((unsigned char)up[i])) {
                mr_wm__warn_at(c, "method",
                               "\"%s\" in lower case never matches in WireMock; stub dropped", up);
                return false;
            }
    }
    mr_wm__add(c, r->request, "method", cJSON_CreateString(up));
    return !c->nomem;
}

bool mr_wm__request(struct mr_wm *c, const cJSON *req, struct mr_wm_request *out)
{
    const cJSON *item;
    size_t m = mr_wm__push_key(c, "request");
    bool ok;

    memset(out, 0, sizeof(*out));
    if (!cJSON_IsObject(req)) {
        if (!req)
            mr_wm__pop(c, m); /* pointing at the stub */
        mr_wm__fail(c, req ? "expected an object" : "a stub needs a \"request\"");
        mr_wm__pop(c, m);
        return false;
    }
    out->request = cJSON_CreateObject();
    out->when = cJSON_CreateObject();
    if (!out->request || !out->when) {
        c->nomem = true;
        mr_wm__pop(c, m);
        mr_wm__request_release(out);
        return false;
    }
    ok = true;
    cJSON_ArrayForEach(item, req)
    {
        if (ok && !in_list(item->string, request_keys)) {
            mr_wm__warn_at(c, item->string, "not supported; stub dropped");
            ok = false;
        }
    }
    ok = ok && method(c, out, req) && url(c, out, req) && fields(c, out, req, "headers") &&
         basic_auth(c, out, req) && fields(c, out, req, "queryParameters") &&
         fields(c, out, req, "cookies") && body_patterns(c, out, req);
    if (ok && cJSON_GetObjectItemCaseSensitive(req, "pathParameters")) {
        const cJSON *pp = cJSON_GetObjectItemCaseSensitive(req, "pathParameters"), *f;
        if (!cJSON_GetObjectItemCaseSensitive(req, "urlPathTemplate")) {
            mr_wm__warn_at(c, "pathParameters", "needs urlPathTemplate; stub dropped");
            ok = false;
        } else if (cJSON_IsObject(pp)) {
            cJSON_ArrayForEach(f, pp)
            {
                size_t k;
                bool known = false;
                for (k = 0; k < out->nparams; k++)
                    known |= strcmp(out->params[k], f->string) == 0;
                if (!known) {
                    size_t m2 = mr_wm__push_key(c, "pathParameters");
                    mr_wm__warn_at(c, f->string,
                                   "not a path parameter mockrun can name (urlPathTemplate's "
                                   "{name}, letters, digits and \"_\", at most 32); stub dropped");
                    mr_wm__pop(c, m2);
                    ok = false;
                    break;
                }
            }
        }
        if (ok)
            ok = fields(c, out, req, "pathParameters");
    }
    mr_wm__pop(c, m);
    if (!ok || c->nomem || c->failed) {
        mr_wm__request_release(out);
        return false;
    }
    return true;
}

void mr_wm__request_release(struct mr_wm_request *r)
{
    size_t i;
    cJSON_Delete(r->request);
    cJSON_Delete(r->when);
    for (i = 0; i < r->nparams; i++)
        free(r->params[i]);
    free(r->params);
    memset(r, 0, sizeof(*r));
}
