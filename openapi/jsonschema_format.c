/*
 * jsonschema_format.c - the string checks of JSON Schema: `pattern` (an
 * ECMA-262 regular expression, run by PCRE2) and `format`.
 *
 * Patterns. JSON Schema's patterns are ECMA-262 regular expressions, and
 * validators read them in Unicode mode (`u`). PCRE2 in UTF mode agrees on
 * most of the syntax; these options close most of the rest: ALT_BSUX and
 * EXTRA_ALT_BSUX (\uHHHH and \u{H...} are code points, \x needs two hex
 * digits), DOLLAR_ENDONLY ($ does not match before a final newline),
 * MATCH_UNSET_BACKREF (a backreference to a group that did not take part
 * matches the empty string), and without UCP \d, \w and \b are ASCII as in
 * JavaScript. What no option gives is rewritten: `.` (JavaScript excludes
 * \r, U+2028 and U+2029 as well as \n), \s and \S outside a class
 * (JavaScript's include the Unicode spaces), \s inside one, `[^]` (any
 * character) and `[]` (nothing). Left as PCRE2 has them: \S inside a class
 * (ASCII spaces only), lookbehinds of varying length (refused), and some
 * of what the `u` mode refuses but PCRE2 accepts (a lone `{`, `\-` outside a
 * class); escaped letters ECMA-262 does not have (\A, \Z, \h...) are
 * refused, and \v is JavaScript's (U+000B), not PCRE2's class. formats/jsregex.c
 * does the same for Mockoon's non-Unicode (Annex B) expressions.
 *
 * Formats, asserted only when the set was made with assert_formats:
 * date-time, date and time (RFC 3339), email (a practical subset of RFC
 * 5321: a dot-atom local part and a host name), uuid (RFC 4122's text
 * form), ipv4 (dotted decimal, no leading zeros), ipv6 (inet_pton, which
 * has RFC 4291's text forms), uri (RFC 3986: an absolute URI of allowed
 * characters and valid escapes), hostname (RFC 1123 labels) and regex (a
 * pattern as `pattern` compiles it). Every other format passes.
 */
#include "openapi/jsonschema_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"

/* JavaScript's \s (ECMA-262 WhiteSpace and LineTerminator), for inside a class */
/* (written with \\uHHHH: under PCRE2_ALT_BSUX, \\x takes two hex digits and no braces) */
#define JS_SPACE                                                                                   \
    "\\t\\n\\x0b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"

/* Writes the PCRE2 form of the ECMA-262 pattern `src` (see above). Returns
 * 0; -1 out of memory; 1 with `why` for an escape ECMA-262 does not have. */
static int rewrite(struct mr_buf *out, const char *src, char *why, size_t whysize)
{
    bool in_class = false;
    size_t i = 0, n = strlen(src);

    while (i < n) {
        char c = src[i];
        if (c == '\\' && i + 1 < n) {
            char d = src[i + 1];
            if (d == 's') {
                mr_buf_puts(out, in_class ? JS_SPACE : "[" JS_SPACE "]");
            } else if (d == 'S' && !in_class) {
                mr_buf_puts(out, "[^" JS_SPACE "]");
            } else if (d == 'v') {
                mr_buf_puts(out, "\\x0b"); /* PCRE2's \v is a class of vertical spaces */
            } else if (((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z')) &&
                       !strchr("dDwWSbBnrtfcxukpP", d)) {
                /* PCRE2 knows \A, \Z, \h, \R...; in Unicode mode ECMA-262 refuses them */
                snprintf(why, whysize, "\\%c is not an escape ECMA-262 has", d);
                return 1;
            } else {
                mr_buf_append(out, src + i, 2);
            }
            i += 2;
            continue;
        }
        if (in_class) {
            if (c == ']')
                in_class = false;
            mr_buf_putc(out, c);
            i++;
            continue;
        }
        if (c == '[' && !strncmp(src + i, "[^]", 3)) {
            mr_buf_puts(out, "[\\s\\S]");
            i += 3;
        } else if (c == '[' && src[i + 1] == ']') {
            mr_buf_puts(out, "(?!)");
            i += 2;
        } else if (c == '[') {
            in_class = true;
            mr_buf_putc(out, c);
            i++;
            if (src[i] == '^')
                mr_buf_putc(out, src[i++]);
        } else if (c == '.') {
            mr_buf_puts(out, "[^\\n\\r\\u2028\\u2029]");
            i++;
        } else {
            mr_buf_putc(out, c);
            i++;
        }
    }
    return out->failed ? -1 : 0;
}

pcre2_code *mr_jsonschema__compile_pattern(const char *src, char *why, size_t whysize)
{
    struct mr_buf pat;
    pcre2_compile_context *cc;
    pcre2_code *code = NULL;
    PCRE2_SIZE off;
    int rc;

    mr_buf_init(&pat);
    cc = pcre2_compile_context_create(NULL);
    rc = cc ? rewrite(&pat, src, why, whysize) : -1;
    if (rc != 0) {
        if (rc < 0)
            snprintf(why, whysize, "out of memory");
        goto done;
    }
    pcre2_set_compile_extra_options(cc, PCRE2_EXTRA_ALT_BSUX);
    code = pcre2_compile((PCRE2_SPTR)mr_buf_cstr(&pat), pat.len,
                         PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_ALT_BSUX |
                             PCRE2_DOLLAR_ENDONLY | PCRE2_MATCH_UNSET_BACKREF,
                         &rc, &off, cc);
    if (!code) {
        PCRE2_UCHAR msg[160];
        if (rc == PCRE2_ERROR_NOMEMORY) {
            snprintf(why, whysize, "out of memory");
        } else {
            pcre2_get_error_message(rc, msg, sizeof(msg));
            snprintf(why, whysize, "%s", (const char *)msg);
        }
        goto done;
    }
    /* JIT where the platform has it; the interpreter otherwise */
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
done:
    pcre2_compile_context_free(cc);
    mr_buf_release(&pat);
    return code;
}

/* ---- formats ------------------------------------------------------------------- */

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 3339 full-date: YYYY-MM-DD with the month's days (leap years too). */
static bool date_ok(const char *s, size_t n)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;

    if (n != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2))
        return false;
    y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return false;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return false;
    return true;
}

/* RFC 3339 full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM); a leap second is
 * accepted at any minute, as the offset may put 23:59 elsewhere. */
static bool time_ok(const char *s, size_t n)
{
    size_t i = 8;

    if (n < 9 || !digits(s, 2) || s[2] != ':' || !digits(s + 3, 2) || s[5] != ':' ||
        !digits(s + 6, 2))
        return false;
    if (num(s, 2) > 23 || num(s + 3, 2) > 59 || num(s + 6, 2) > 60)
        return false;
    if (s[i] == '.') {
        size_t start = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == start)
            return false;
    }
    if (i + 1 == n && (s[i] == 'Z' || s[i] == 'z'))
        return true;
    return i + 6 == n && (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2) && s[i + 3] == ':' &&
           digits(s + i + 4, 2) && num(s + i + 1, 2) <= 23 && num(s + i + 4, 2) <= 59;
}

static bool datetime_ok(const char *s, size_t n)
{
    return n > 11 && (s[10] == 'T' || s[10] == 't') && date_ok(s, 10) && time_ok(s + 11, n - 11);
}

static bool uuid_ok(const char *s, size_t n)
{
    if (n != 36)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !hex(s[i]))
            return false;
    }
    return true;
}

static bool ipv4_ok(const char *s, size_t n)
{
    size_t i = 0;

    for (int part = 0; part < 4; part++) {
        size_t start;
        int v = 0;
        if (part > 0 && (i >= n || s[i++] != '.'))
            return false;
        start = i;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3)
            v = v * 10 + (s[i++] - '0');
        if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
            return false;
    }
    return i == n;
}

static bool ipv6_ok(const char *s, size_t n)
{
    unsigned char addr[16];
    return n < 64 && strlen(s) == n && inet_pton(AF_INET6, s, addr) == 1;
}

/* A host name: dot-separated labels of letters, digits and inner hyphens. */
static bool hostname_ok(const char *s, size_t n)
{
    size_t i = 0;

    if (n == 0 || n > 253)
        return false;
    while (i < n) {
        size_t start = i;
        while (i < n && s[i] != '.') {
            char c = s[i];
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || (unsigned char)c >= 0x80;
            if (!ok)
                return false;
            i++;
        }
        if (i == start || i - start > 63 || s[start] == '-' || s[i - 1] == '-')
            return false;
        if (i < n && ++i == n)
            return false; /* a trailing dot */
    }
    return true;
}

static bool email_ok(const char *s, size_t n)
{
    const char *at = strrchr(s, '@');
    size_t local, i;

    if (!at || strlen(s) != n)
        return false;
    local = (size_t)(at - s);
    if (local == 0 || local > 64 || s[0] == '.' || s[local - 1] == '.')
        return false;
    for (i = 0; i < local; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f || strchr("()<>[]:;@\\,\"", c) || (c == '.' && s[i + 1] == '.'))
            return false;
    }
    return hostname_ok(at + 1, n - local - 1);
}

static bool uri_ok(const char *s, size_t n)
{
    size_t i = 0;

    if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                     (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.'))
        i++;
    if (i == n || s[i] != ':')
        return false;
    for (i++; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= n || !hex(s[i + 1]) || !hex(s[i + 2]))
                return false;
            i += 2;
        } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     (c && strchr("-._~:/?#[]@!$&'()*+,;=", c)))) {
            return false;
        }
    }
    return true;
}

bool mr_jsonschema__format_ok(const char *name, const char *s)
{
    size_t n = strlen(s);

    if (!strcmp(name, "date-time"))
        return datetime_ok(s, n);
    if (!strcmp(name, "date"))
        return date_ok(s, n);
    if (!strcmp(name, "time"))
        return time_ok(s, n);
    if (!strcmp(name, "email"))
        return email_ok(s, n);
    if (!strcmp(name, "uuid"))
        return uuid_ok(s, n);
    if (!strcmp(name, "ipv4"))
        return ipv4_ok(s, n);
    if (!strcmp(name, "ipv6"))
        return ipv6_ok(s, n);
    if (!strcmp(name, "uri"))
        return uri_ok(s, n);
    if (!strcmp(name, "hostname"))
        return strlen(s) == n && hostname_ok(s, n);
    if (!strcmp(name, "regex")) {
        char why[160];
        pcre2_code *code = mr_jsonschema__compile_pattern(s, why, sizeof(why));
        pcre2_code_free(code);
        return code != NULL || !strcmp(why, "out of memory");
    }
    return true;
}
