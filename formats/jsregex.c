/*
 * jsregex.c - JavaScript (Annex B, no `u` flag) regular expressions → PCRE2.
 *
 * One pass over the source writes the PCRE2 pattern; a first pass counts
 * the capture groups and collects their names, since a `\N` is a
 * backreference only when the pattern has N groups, and `\k<name>` one only
 * when it has named groups. What JavaScript's parser refuses is refused
 * here with its reason; PCRE2's compiler has the last word on the rest.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "formats/jsregex.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

/* JavaScript's \s: WhiteSpace and LineTerminator (ECMA-262 22.2.2.9), without brackets */
#define JS_SPACE                                                                                   \
    "\\t\\n\\x{b}\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}"   \
    "\\x{3000}\\x{feff}"

/* The loader's options for `matches` and `pathPattern` (scenarios/load_match.c) */
#define LOADER_OPTIONS (PCRE2_UTF | PCRE2_MATCH_INVALID_UTF)

enum group_kind { G_PLAIN, G_CAPTURE, G_LOOKAHEAD, G_LOOKBEHIND };

#define MAX_DEPTH 250

struct tr {
    const char *s;
    size_t i, n;
    struct mr_buf *out;
    size_t base;        /* groups before this pattern */
    size_t ngroups;     /* capture groups in the pattern */
    const char **names; /* names[k]: group k+1's name (NUL-terminated copy), or NULL */
    size_t nnames;      /* named groups */
    char *why;
    size_t whysize;
    bool failed;
};

static bool fail(struct tr *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct tr *t, const char *fmt, ...)
{
    va_list ap;
    if (!t->failed && t->whysize) {
        va_start(ap, fmt);
        vsnprintf(t->why, t->whysize, fmt, ap);
        va_end(ap);
    }
    t->failed = true;
    return false;
}

static bool put(struct tr *t, const char *s)
{
    return mr_buf_puts(t->out, s);
}

static bool putcp(struct tr *t, unsigned long cp)
{
    return mr_buf_printf(t->out, "\\x{%lx}", cp);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* n hex digits at s, or -1 */
static long hexn(const char *s, size_t avail, int n)
{
    long v = 0;
    int i;
    if (avail < (size_t)n)
        return -1;
    for (i = 0; i < n; i++) {
        int d = hexval(s[i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static bool is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static bool is_ident(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* Length of the UTF-8 sequence that starts with byte c (1 for anything odd). */
static size_t utf8_len(unsigned char c)
{
    return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/* Copies one source character (a whole UTF-8 sequence) as a literal. */
static bool literal(struct tr *t)
{
    unsigned char c = (unsigned char)t->s[t->i];
    size_t len = utf8_len(c);
    if (len > t->n - t->i)
        len = t->n - t->i;
    if (c < 0x80 && strchr("\\^$.|?*+()[]{}-/#", (char)c) && c) {
        char e[3] = {'\\', (char)c, 0};
        t->i++;
        return put(t, e);
    }
    if (!mr_buf_append(t->out, t->s + t->i, len))
        return false;
    t->i += len;
    return true;
}

/* First pass: capture groups and their names. */
static bool count_groups(struct tr *t)
{
    size_t i = 0;
    bool in_class = false;

    while (i < t->n) {
        char c = t->s[i];
        if (c == '\\') {
            i += 2;
            continue;
        }
        if (in_class) {
            in_class = c != ']';
        } else if (c == '[') {
            in_class = true;
        } else if (c == '(') {
            if (i + 1 < t->n && t->s[i + 1] == '?') {
                if (i + 2 < t->n && t->s[i + 2] == '<' && i + 3 < t->n && t->s[i + 3] != '=' &&
                    t->s[i + 3] != '!') {
                    size_t k = i + 3, len;
                    const char **grown;
                    char *name;
                    while (k < t->n && is_ident(t->s[k]))
                        k++;
                    len = k - (i + 3);
                    if (len == 0 || k >= t->n || t->s[k] != '>' || !is_ident_start(t->s[i + 3]))
                        return fail(t, "invalid capture group name at offset %zu", i);
                    grown = realloc(t->names, (t->ngroups + 1) * sizeof(*grown));
                    name = malloc(len + 1);
                    if (!grown || !name) {
                        free(name);
                        if (grown)
                            t->names = grown;
                        return fail(t, "out of memory");
                    }
                    t->names = grown;
                    memcpy(name, t->s + i + 3, len);
                    name[len] = '\0';
                    for (size_t g = 0; g < t->ngroups; g++)
                        if (t->names[g] && strcmp(t->names[g], name) == 0) {
                            free(name);
                            return fail(t, "duplicate capture group name at offset %zu", i);
                        }
                    t->names[t->ngroups++] = name;
                    t->nnames++;
                }
            } else {
                const char **grown = realloc(t->names, (t->ngroups + 1) * sizeof(*grown));
                if (!grown)
                    return fail(t, "out of memory");
                t->names = grown;
                t->names[t->ngroups++] = NULL;
            }
        }
        i++;
    }
    return true;
}

/* A backreference to group g (1-based, in this pattern): empty when the group
 * did not take part, as in JavaScript. */
static bool backref(struct tr *t, size_t g)
{
    return mr_buf_printf(t->out, "(?(%zu)\\g{%zu})", g + t->base, g + t->base);
}

/* \0 \1 ... outside a backreference: a legacy octal escape, or the digits. */
static bool octal_or_digits(struct tr *t)
{
    unsigned v = 0;
    int k = 0;
    if (t->s[t->i] == '8' || t->s[t->i] == '9')
        return literal(t);
    while (k < 3 && t->i < t->n && t->s[t->i] >= '0' && t->s[t->i] <= '7' &&
           v * 8 + (unsigned)(t->s[t->i] - '0') <= 0377) {
        v = v * 8 + (unsigned)(t->s[t->i] - '0');
        t->i++;
        k++;
    }
    return putcp(t, v);
}

/* \u: a code unit, or a surrogate pair as one code point; false (with a
 * reason) for a lone surrogate, which PCRE2's UTF mode cannot hold. Sets
 * *done when it was not an escape (the caller writes "u"). */
static bool unicode_escape(struct tr *t, bool *done)
{
    long hi = hexn(t->s + t->i + 1, t->n - t->i - 1, 4), lo;
    *done = false;
    if (hi < 0)
        return true;
    *done = true;
    if (hi >= 0xd800 && hi < 0xdc00 && t->i + 10 < t->n && t->s[t->i + 5] == '\\' &&
        t->s[t->i + 6] == 'u' && (lo = hexn(t->s + t->i + 7, t->n - t->i - 7, 4)) >= 0xdc00 &&
        lo < 0xe000) {
        t->i += 11;
        return putcp(t,
                     0x10000 + (((unsigned long)hi - 0xd800) << 10) + ((unsigned long)lo - 0xdc00));
    }
    if (hi >= 0xd800 && hi < 0xe000)
        return fail(t, "a lone surrogate (\\u at offset %zu) cannot be matched in UTF-8", t->i - 1);
    t->i += 5;
    return putcp(t, (unsigned long)hi);
}

/* An escape; t->i is past the backslash. *assertion: it was \b or \B. */
static bool escape(struct tr *t, bool in_class, bool *assertion)
{
    char c;
    *assertion = false;
    if (t->i >= t->n)
        return fail(t, "\\ at end of pattern");
    c = t->s[t->i];
    switch (c) {
    case 'd':
    case 'D':
    case 'w':
    case 'W':
    case 'S':
    case 'f':
    case 'n':
    case 'r':
    case 't': {
        char e[3] = {'\\', c, 0};
        t->i++;
        return put(t, e);
    }
    case 's':
        t->i++;
        return put(t, in_class ? JS_SPACE : "[" JS_SPACE "]");
    case 'v':
        t->i++;
        return putcp(t, 0x0b);
    case 'b':
    case 'B':
        t->i++;
        if (in_class)
            return c == 'b' ? putcp(t, 0x08) : put(t, "B");
        *assertion = true;
        return put(t, c == 'b' ? "\\b" : "\\B");
    case 'c':
        if (t->i + 1 < t->n && ((t->s[t->i + 1] >= 'a' && t->s[t->i + 1] <= 'z') ||
                                (t->s[t->i + 1] >= 'A' && t->s[t->i + 1] <= 'Z'))) {
            unsigned long v = (unsigned long)(t->s[t->i + 1] & 0x1f);
            t->i += 2;
            return putcp(t, v);
        }
        /* Annex B: a backslash and a "c" */
        t->i++;
        return put(t, "\\\\c");
    case 'x': {
        long v = hexn(t->s + t->i + 1, t->n - t->i - 1, 2);
        if (v < 0)
            return literal(t);
        t->i += 3;
        return putcp(t, (unsigned long)v);
    }
    case 'u': {
        bool done;
        if (!unicode_escape(t, &done))
            return false;
        return done ? true : literal(t);
    }
    case 'k':
        if (t->nnames && !in_class) {
            size_t k = t->i + 1, g;
            if (k >= t->n || t->s[k] != '<')
                return fail(t, "invalid named reference at offset %zu", t->i - 1);
            for (g = 0; g < t->ngroups; g++) {
                size_t len = t->names[g] ? strlen(t->names[g]) : 0;
                if (len && k + 1 + len < t->n && memcmp(t->s + k + 1, t->names[g], len) == 0 &&
                    t->s[k + 1 + len] == '>') {
                    t->i = k + 2 + len;
                    return backref(t, g + 1);
                }
            }
            return fail(t, "invalid named reference at offset %zu", t->i - 1);
        }
        return literal(t);
    default:
        break;
    }
    if (c >= '1' && c <= '9' && !in_class) {
        size_t k = t->i;
        unsigned long long g = 0;
        while (k < t->n && t->s[k] >= '0' && t->s[k] <= '9' && g <= t->ngroups)
            g = g * 10 + (unsigned)(t->s[k++] - '0');
        if (g >= 1 && g <= t->ngroups) {
            t->i = k;
            return backref(t, (size_t)g);
        }
        return octal_or_digits(t);
    }
    if (c >= '0' && c <= '9')
        return octal_or_digits(t);
    /* an identity escape: the character itself */
    return literal(t);
}

/* A character class; t->i is past the '['. */
static bool char_class(struct tr *t)
{
    size_t start = t->i - 1;
    bool negated = false;

    if (t->i < t->n && t->s[t->i] == '^') {
        negated = true;
        t->i++;
    }
    if (t->i < t->n && t->s[t->i] == ']') {
        t->i++;
        return put(t, negated ? "[\\s\\S]" : "(?!)");
    }
    if (!put(t, negated ? "[^" : "["))
        return false;
    while (t->i < t->n && t->s[t->i] != ']') {
        char c = t->s[t->i];
        if (c == '\\') {
            bool assertion;
            t->i++;
            if (!escape(t, true, &assertion))
                return false;
        } else if (c == '-') {
            t->i++;
            if (!put(t, "-"))
                return false;
        } else if (!literal(t)) {
            return false;
        }
    }
    if (t->i >= t->n)
        return fail(t, "unterminated character class at offset %zu", start);
    t->i++;
    return put(t, "]");
}

/* {n}, {n,} or {n,m} at t->i: sets the bounds and returns its length, or 0. */
static size_t braces(const struct tr *t, unsigned long long *lo, unsigned long long *hi,
                     bool *has_hi)
{
    size_t k = t->i + 1;
    size_t d0;
    *lo = *hi = 0;
    *has_hi = true;
    d0 = k;
    while (k < t->n && t->s[k] >= '0' && t->s[k] <= '9') {
        if (*lo < 1000000)
            *lo = *lo * 10 + (unsigned)(t->s[k] - '0');
        k++;
    }
    if (k == d0)
        return 0;
    if (k < t->n && t->s[k] == '}') {
        *hi = *lo;
        return k + 1 - t->i;
    }
    if (k >= t->n || t->s[k] != ',')
        return 0;
    k++;
    d0 = k;
    while (k < t->n && t->s[k] >= '0' && t->s[k] <= '9') {
        if (*hi < 1000000)
            *hi = *hi * 10 + (unsigned)(t->s[k] - '0');
        k++;
    }
    if (k == d0)
        *has_hi = false;
    if (k >= t->n || t->s[k] != '}')
        return 0;
    return k + 1 - t->i;
}

static bool translate(struct tr *t)
{
    enum group_kind stack[MAX_DEPTH];
    size_t depth = 0;
    bool atom = false; /* the last token can take a quantifier */

    while (t->i < t->n && !t->failed && !t->out->failed) {
        char c = t->s[t->i];
        switch (c) {
        case '\\': {
            bool assertion;
            t->i++;
            if (!escape(t, false, &assertion))
                return false;
            atom = !assertion;
            break;
        }
        case '[':
            t->i++;
            if (!char_class(t))
                return false;
            atom = true;
            break;
        case '(': {
            enum group_kind k = G_CAPTURE;
            const char *open = "(";
            size_t skip = 1;
            if (depth == MAX_DEPTH)
                return fail(t, "groups nested too deep at offset %zu", t->i);
            if (t->i + 1 < t->n && t->s[t->i + 1] == '?') {
                const char *q = t->s + t->i + 2;
                size_t left = t->n - t->i - 2;
                if (left >= 1 && (q[0] == ':' || q[0] == '=' || q[0] == '!')) {
                    k = q[0] == ':' ? G_PLAIN : G_LOOKAHEAD;
                    open = q[0] == ':' ? "(?:" : q[0] == '=' ? "(?=" : "(?!";
                    skip = 3;
                } else if (left >= 2 && q[0] == '<' && (q[1] == '=' || q[1] == '!')) {
                    k = G_LOOKBEHIND;
                    open = q[1] == '=' ? "(?<=" : "(?<!";
                    skip = 4;
                } else if (left >= 1 && q[0] == '<') {
                    /* named: its name was checked by count_groups */
                    const char *gt = memchr(q, '>', left);
                    skip = (size_t)(gt - (t->s + t->i)) + 1;
                } else {
                    return fail(t, "invalid group at offset %zu", t->i);
                }
            }
            stack[depth++] = k;
            t->i += skip;
            if (!put(t, open))
                return false;
            atom = false;
            break;
        }
        case ')':
            if (depth == 0)
                return fail(t, "unmatched ) at offset %zu", t->i);
            t->i++;
            if (!put(t, ")"))
                return false;
            /* Annex B: a lookahead can be quantified, a lookbehind cannot */
            atom = stack[--depth] != G_LOOKBEHIND;
            break;
        case '|':
            t->i++;
            if (!put(t, "|"))
                return false;
            atom = false;
            break;
        case '^':
            t->i++;
            if (!put(t, "^"))
                return false;
            atom = false;
            break;
        case '$':
            t->i++;
            if (!put(t, "\\z"))
                return false;
            atom = false;
            break;
        case '.':
            t->i++;
            if (!put(t, "[^\\n\\r\\x{2028}\\x{2029}]"))
                return false;
            atom = true;
            break;
        case '*':
        case '+':
        case '?':
        case '{': {
            unsigned long long lo = 0, hi = 0;
            bool has_hi = true;
            size_t len = c == '{' ? braces(t, &lo, &hi, &has_hi) : 1;
            if (c == '{' && len == 0) {
                /* Annex B: not a quantifier, a literal brace */
                if (!literal(t))
                    return false;
                atom = true;
                break;
            }
            if (!atom)
                return fail(t, "nothing to repeat at offset %zu", t->i);
            if (c == '{') {
                if (has_hi && hi < lo)
                    return fail(t, "numbers out of order in {} quantifier at offset %zu", t->i);
                if (lo > 65535 || (has_hi && hi > 65535))
                    return fail(t, "a repeat count over 65535 at offset %zu", t->i);
            }
            if (!mr_buf_append(t->out, t->s + t->i, len))
                return false;
            t->i += len;
            if (t->i < t->n && t->s[t->i] == '?') {
                t->i++;
                if (!put(t, "?"))
                    return false;
            }
            atom = false;
            break;
        }
        default:
            if (!literal(t))
                return false;
            atom = true;
            break;
        }
    }
    if (t->failed)
        return false;
    if (depth)
        return fail(t, "unterminated group");
    return !t->out->failed;
}

int mr_jsregex_translate(char **out, size_t *ngroups, const char *src, bool icase,
                         size_t group_base, char *why, size_t whysize)
{
    struct mr_buf b;
    struct tr t;
    size_t g;
    int rc = 0;

    *out = NULL;
    *ngroups = 0;
    if (whysize)
        why[0] = '\0';
    mr_buf_init(&b);
    memset(&t, 0, sizeof(t));
    t.s = src;
    t.n = strlen(src);
    t.out = &b;
    t.base = group_base;
    t.why = why;
    t.whysize = whysize;
    if (icase)
        mr_buf_puts(&b, "(?i:");
    if (!count_groups(&t) || !translate(&t))
        rc = -1;
    if (icase)
        mr_buf_puts(&b, ")");
    if (b.failed || (t.failed && strncmp(why, "out of memory", 13) == 0))
        rc = -2;
    for (g = 0; g < t.ngroups; g++)
        free((void *)t.names[g]);
    free(t.names);
    if (rc == 0 && group_base == 0 && mr_jsregex_check(mr_buf_cstr(&b), false, why, whysize) < 0)
        rc = -1;
    if (rc == 0) {
        *out = mr_buf_detach(&b, NULL);
        *ngroups = t.ngroups;
        if (!*out)
            rc = -2;
    }
    mr_buf_release(&b);
    if (rc == -2 && whysize)
        snprintf(why, whysize, "out of memory");
    return rc;
}

int mr_jsregex_check(const char *pattern, bool anchored, char *why, size_t whysize)
{
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                      LOADER_OPTIONS | (anchored ? PCRE2_ANCHORED | PCRE2_ENDANCHORED : 0),
                      &errcode, &erroff, NULL);
    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        if (whysize)
            snprintf(why, whysize, "PCRE2 refuses it: %s", (const char *)msg);
        return -1;
    }
    pcre2_code_free(re);
    return 0;
}

struct mr_jsregex_prog {
    pcre2_code *re;
    pcre2_match_data *md;
};

struct mr_jsregex_prog *mr_jsregex_compile(const char *pattern)
{
    int errcode;
    PCRE2_SIZE erroff;
    struct mr_jsregex_prog *p = calloc(1, sizeof(*p));

    if (!p)
        return NULL;
    p->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, LOADER_OPTIONS, &errcode,
                          &erroff, NULL);
    p->md = p->re ? pcre2_match_data_create(1, NULL) : NULL;
    if (!p->md) {
        mr_jsregex_free(p);
        return NULL;
    }
    return p;
}

void mr_jsregex_free(struct mr_jsregex_prog *p)
{
    if (!p)
        return;
    pcre2_match_data_free(p->md);
    pcre2_code_free(p->re);
    free(p);
}

int mr_jsregex_match(const struct mr_jsregex_prog *p, const char *subject, size_t len)
{
    int rc = pcre2_match(p->re, (PCRE2_SPTR)subject, len, 0, 0, p->md, NULL);
    return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

int mr_jsregex_test(const char *pattern, const char *subject, size_t len)
{
    struct mr_jsregex_prog *p = mr_jsregex_compile(pattern);
    int rc = p ? mr_jsregex_match(p, subject, len) : -1;
    mr_jsregex_free(p);
    return rc;
}

bool mr_jsregex_quote(struct mr_buf *out, const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (c && strchr("\\^$.|?*+()[]{}-/#", c))
            mr_buf_putc(out, '\\');
        mr_buf_putc(out, c);
    }
    return !out->failed;
}
