/*
 * load_placeholders.c - XMLUnit's placeholders in an `xmlEquals` document
 * ("placeholders": true, or {"open": regex, "close": regex}), read as
 * WireMock's equalToXml reads them with "enablePlaceholders" (XMLUnit
 * 2.10's PlaceholderDifferenceEvaluator and its handlers):
 *
 * - A value of the document (an attribute's, or a trimmed text) holds a
 *   placeholder when `\s*OPEN\s*xmlunit\.(.+)\s*CLOSE\s*` is found in it
 *   (OPEN and CLOSE are regexes, `\$\{` and `\}` by default). The (.+),
 *   trimmed, is a keyword, followed by an argument list when
 *   `(.*)\s*\((.+)\s*\)\s*` is found in it: the arguments are split at
 *   commas as Java's String#split splits (trailing empty ones dropped).
 * - A keyword XMLUnit knows must fill the value (both trimmed), or XMLUnit
 *   throws; here that is a load error. An unknown keyword leaves the value
 *   plain text.
 * - `ignore`: any value, or none. `isNumber`: the value (trimmed) is a
 *   number by XMLUnit's pattern. `matchesRegex(re)`: re (trimmed; PCRE2
 *   here) is found in the value (trimmed); without re nothing passes.
 *   `isDateTime`: the value starts with a date as Java's SimpleDateFormat
 *   reads one leniently (it parses a prefix and lets numbers run): y-M-d
 *   (the ISO patterns XMLUnit tries all start so) or M/d/y (the short date
 *   of Java's English locales, which it tries first); `isDateTime(format)`:
 *   the format's numeric fields and literals, a field running into the next
 *   one taking as many digits as its letters.
 *
 * Each placeholder becomes a PCRE2 pattern (or `any`) now, so that a bad
 * one is a load error, never a request's surprise.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <pcre2.h>

#include "common/buf.h"
#include "common/xmldoc.h"
#include "scenarios/load_internal.h"

#define DEFAULT_OPEN "\\$\\{"
#define DEFAULT_CLOSE "\\}"
#define NUMBER "\\A[-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?\\z"
#define DATE                                                                                       \
    "\\A(?:[ \\t]*[0-9]+-[ \\t]*[0-9]+-[ \\t]*[0-9]+|[ \\t]*[0-9]+/[ \\t]*[0-9]+/[ \\t]*[0-9]+)"
#define MAX_ARGS 8

struct reader {
    struct mr_loader *ld;
    struct mr_body_cond *b;
    pcre2_code *find; /* a placeholder in a value */
    pcre2_code *args; /* an argument list in its content */
    pcre2_match_data *md, *md_args;
    size_t cap;
};

/* Java's String#trim: what is at most U+0020 goes at both ends. */
static void trim(const char **s, size_t *n)
{
    while (*n && (unsigned char)(*s)[0] <= ' ') {
        (*s)++;
        (*n)--;
    }
    while (*n && (unsigned char)(*s)[*n - 1] <= ' ')
        (*n)--;
}

static pcre2_code *compile(const char *pattern, char *why, size_t size)
{
    int errcode;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &off, NULL);

    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        snprintf(why, size, "invalid regular expression at offset %zu: %s", (size_t)off,
                 (const char *)msg);
        return NULL;
    }
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

/* SimpleDateFormat's letters that parse a number (M and L only up to two). */
static bool numeric_field(char c, size_t count)
{
    return (c && strchr("yYuDdFwWHkKhmsS", c)) || ((c == 'M' || c == 'L') && count <= 2);
}

/* The length of the element at p: a field (a run of one letter, *letter
 * set) or one literal character. */
static size_t element(const char *p, bool *letter)
{
    size_t n = 1;

    *letter = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
    if (*letter)
        while (p[n] == p[0])
            n++;
    return n;
}

/* One byte of a literal: ASCII escaped, the bytes of other characters as
 * they are (none is a metacharacter). */
static void literal(struct mr_buf *b, char c)
{
    if ((unsigned char)c >= 0x80)
        mr_buf_putc(b, c);
    else
        mr_buf_printf(b, "\\x{%x}", (unsigned char)c);
}

/*
 * A SimpleDateFormat pattern as a PCRE2 pattern for the prefix it parses
 * leniently; NULL with the reason in `why` for a text field (month or day
 * names, AM/PM, zones), which this does not read.
 */
static char *date_pattern(const char *fmt, char *why, size_t size)
{
    struct mr_buf b;
    const char *p = fmt;
    char *out = NULL;

    mr_buf_init(&b);
    mr_buf_puts(&b, "\\A");
    while (*p) {
        bool letter, next_letter;
        size_t n, next_count;

        if (*p == '\'') {
            /* a quoted literal, or '' for a quote */
            const char *q = p + 1;
            if (*q == '\'') {
                mr_buf_puts(&b, "'");
                p += 2;
                continue;
            }
            for (; *q; q++) {
                if (*q == '\'' && q[1] == '\'') {
                    mr_buf_putc(&b, '\'');
                    q++;
                } else if (*q == '\'') {
                    break;
                } else {
                    literal(&b, *q);
                }
            }
            if (!*q) {
                snprintf(why, size, "an unterminated quote in the format \"%s\"", fmt);
                goto out;
            }
            p = q + 1;
            continue;
        }
        n = element(p, &letter);
        if (!letter) {
            literal(&b, *p++);
            continue;
        }
        if (!numeric_field(*p, n)) {
            snprintf(why, size,
                     "the format \"%s\" has the field \"%.*s\", which is read as text (names, "
                     "AM/PM, zones): mockrun reads numeric fields only",
                     fmt, (int)n, p);
            goto out;
        }
        /* a field followed at once by another numeric one takes its count of digits */
        if (p[n] && (next_count = element(p + n, &next_letter), next_letter) &&
            numeric_field(p[n], next_count))
            mr_buf_printf(&b, "[ \\t]*[0-9]{%zu}", n);
        else
            mr_buf_puts(&b, "[ \\t]*[0-9]+");
        p += n;
    }
    if (!b.failed)
        out = strdup(mr_buf_cstr(&b));
    if (!out)
        snprintf(why, size, "out of memory");
out:
    mr_buf_release(&b);
    return out;
}

static bool is_keyword(const char *k, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(k, want, n) == 0;
}

/* Java's split(","): the pieces, trailing empty ones dropped. Returns the count. */
static size_t split_args(const char *s, size_t n, const char **arg, size_t *len)
{
    size_t count = 0, start = 0, i;

    for (i = 0; i <= n && count < MAX_ARGS; i++)
        if (i == n || s[i] == ',') {
            arg[count] = s + start;
            len[count++] = i - start;
            start = i + 1;
        }
    while (count && len[count - 1] == 0)
        count--;
    return count;
}

/* Adds the placeholder `value` holds, if any; true stops the walk (out of memory). */
static bool read_value(void *arg, const char *value, size_t vlen)
{
    struct reader *r = arg;
    struct mr_loader *ld = r->ld;
    struct mr_body_cond *b = r->b;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md), *oa = pcre2_get_ovector_pointer(r->md_args);
    const char *content, *keyword, *whole, *argv[MAX_ARGS] = {NULL}, *v = value;
    size_t clen, klen, wlen, alen[MAX_ARGS] = {0}, nargs = 0, vl = vlen;
    int group = pcre2_substring_number_from_name(r->find, (PCRE2_SPTR) "content");
    struct mr_xml_placeholder *p;
    char why[300], *pat = NULL;

    if (pcre2_match(r->find, (PCRE2_SPTR)value, vlen, 0, 0, r->md, NULL) < 0 || group < 0)
        return false;
    whole = value + ov[2];
    wlen = ov[3] - ov[2];
    content = value + ov[2 * group];
    clen = ov[2 * group + 1] - ov[2 * group];
    trim(&content, &clen);
    keyword = content;
    klen = clen;
    if (pcre2_match(r->args, (PCRE2_SPTR)content, clen, 0, 0, r->md_args, NULL) >= 0) {
        keyword = content + oa[4];
        klen = oa[5] - oa[4];
        trim(&keyword, &klen);
        nargs = split_args(content + oa[6], oa[7] - oa[6], argv, alen);
    }
    if (!is_keyword(keyword, klen, "ignore") && !is_keyword(keyword, klen, "isNumber") &&
        !is_keyword(keyword, klen, "matchesRegex") && !is_keyword(keyword, klen, "isDateTime"))
        return false; /* not XMLUnit's: plain text */
    trim(&whole, &wlen);
    trim(&v, &vl);
    if (wlen != vl) {
        mr_loader__problem(ld, false,
                           "the placeholder \"%.*s\" must be the whole value, not part of \"%.*s\"",
                           (int)(wlen > 80 ? 80 : wlen), whole, (int)(vl > 80 ? 80 : vl), v);
        return false;
    }
    if (b->nplaceholders == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 4;
        struct mr_xml_placeholder *grown = realloc(b->placeholders, cap * sizeof(*grown));
        if (!grown) {
            ld->nomem = true;
            return true;
        }
        b->placeholders = grown;
        r->cap = cap;
    }
    p = &b->placeholders[b->nplaceholders];
    memset(p, 0, sizeof(*p));
    why[0] = '\0';
    if (is_keyword(keyword, klen, "ignore")) {
        p->any = true;
    } else if (is_keyword(keyword, klen, "isNumber")) {
        p->re = (struct pcre2_real_code_8 *)compile(NUMBER, why, sizeof(why));
    } else if (is_keyword(keyword, klen, "matchesRegex")) {
        const char *re = argv[0];
        size_t rl = alen[0];
        if (nargs > 0)
            trim(&re, &rl);
        if (nargs > 0 && rl > 0 && !(pat = strndup(re, rl))) {
            ld->nomem = true;
            return true;
        }
        if (pat)
            p->re = (struct pcre2_real_code_8 *)compile(pat, why, sizeof(why));
    } else if (nargs == 1) { /* isDateTime(format) */
        char *fmt = strndup(argv[0], alen[0]);
        if (!fmt) {
            ld->nomem = true;
            return true;
        }
        pat = date_pattern(fmt, why, sizeof(why));
        if (pat)
            p->re = (struct pcre2_real_code_8 *)compile(pat, why, sizeof(why));
        free(fmt);
    } else {
        p->re = (struct pcre2_real_code_8 *)compile(DATE, why, sizeof(why));
    }
    free(pat);
    if (why[0]) {
        mr_loader__problem(ld, false, "placeholder \"%.*s\": %s", (int)(vl > 80 ? 80 : vl), v, why);
        return false;
    }
    p->value = mr_loader__strndup(ld, value, vlen);
    if (!p->value) {
        pcre2_code_free((pcre2_code *)p->re);
        return true;
    }
    b->nplaceholders++;
    return false;
}

/* Sorts the placeholders by value, keeping one of each value (a value met
 * twice is the same placeholder). */
static void sort_unique(struct mr_body_cond *b)
{
    size_t i, k = 0;

    if (b->nplaceholders < 2)
        return;
    qsort(b->placeholders, b->nplaceholders, sizeof(*b->placeholders), mr_xml_placeholder_cmp);
    for (i = 1; i < b->nplaceholders; i++) {
        if (strcmp(b->placeholders[i].value, b->placeholders[k].value) == 0) {
            free(b->placeholders[i].value);
            pcre2_code_free((pcre2_code *)b->placeholders[i].re);
        } else {
            b->placeholders[++k] = b->placeholders[i];
        }
    }
    b->nplaceholders = k + 1;
}

/* A delimiter regex of the object (default when missing or blank); NULL after a problem. */
static const char *delimiter(struct mr_loader *ld, const cJSON *v, const char *key,
                             const char *dflt)
{
    const cJSON *d = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, key) : NULL;
    size_t mark;
    pcre2_code *re;
    char got[80];

    if (!d)
        return dflt;
    mark = mr_loader__push_key(ld, key);
    if (!cJSON_IsString(d)) {
        mr_loader__describe(d, got, sizeof(got));
        mr_loader__problem(ld, false, "expected a regular expression, got %s", got);
        mr_loader__pop(ld, mark);
        return NULL;
    }
    if (strspn(d->valuestring, " \t\r\n") == strlen(d->valuestring)) {
        mr_loader__pop(ld, mark);
        return dflt; /* blank: XMLUnit's default */
    }
    re = (pcre2_code *)mr_loader__regex(ld, d->valuestring, 0);
    pcre2_code_free(re);
    mr_loader__pop(ld, mark);
    return re ? d->valuestring : NULL;
}

void mr_loader__placeholders(struct mr_loader *ld, const cJSON *v, struct mr_body_cond *b)
{
    struct reader r;
    const char *open, *close;
    size_t mark = mr_loader__push_key(ld, "placeholders");
    struct mr_buf pat;
    char why[300], got[80];

    memset(&r, 0, sizeof(r));
    r.ld = ld;
    r.b = b;
    if (cJSON_IsObject(v)) {
        mr_loader__check_keys_of(ld, v, MR_SCHEMA_PLACEHOLDERS);
    } else if (!cJSON_IsBool(v)) {
        mr_loader__describe(v, got, sizeof(got));
        mr_loader__problem(
            ld, false, "expected true, false or {\"open\": regex, \"close\": regex}, got %s", got);
    }
    open = delimiter(ld, v, "open", DEFAULT_OPEN);
    close = delimiter(ld, v, "close", DEFAULT_CLOSE);
    mr_loader__pop(ld, mark);
    if (cJSON_IsFalse(v) || !(cJSON_IsTrue(v) || cJSON_IsObject(v)) || !open || !close)
        return;
    mr_buf_init(&pat);
    mr_buf_printf(&pat, "(\\s*(?:%s)\\s*xmlunit\\.(?<content>.+)\\s*(?:%s)\\s*)", open, close);
    r.find = pat.failed ? NULL : compile(mr_buf_cstr(&pat), why, sizeof(why));
    mr_buf_release(&pat);
    r.args = compile("((.*)\\s*\\((.+)\\s*\\)\\s*)", why, sizeof(why));
    r.md = r.find ? pcre2_match_data_create_from_pattern(r.find, NULL) : NULL;
    r.md_args = r.args ? pcre2_match_data_create_from_pattern(r.args, NULL) : NULL;
    if (!r.find || !r.args) {
        /* each delimiter compiled alone */
        mr_loader__problem_in(ld, "placeholders", "the delimiters do not combine: %s", why);
    } else if (!r.md || !r.md_args) {
        ld->nomem = true;
    } else {
        mark = mr_loader__push_key(ld, "xmlEquals");
        mr_xmldoc_values(b->xml, read_value, &r);
        mr_loader__pop(ld, mark);
        sort_unique(b);
    }
    pcre2_match_data_free(r.md);
    pcre2_match_data_free(r.md_args);
    pcre2_code_free(r.find);
    pcre2_code_free(r.args);
}

void mr_loader__placeholders_release(struct mr_body_cond *b)
{
    size_t i;

    for (i = 0; i < b->nplaceholders; i++) {
        free(b->placeholders[i].value);
        pcre2_code_free((pcre2_code *)b->placeholders[i].re);
    }
    free(b->placeholders);
    b->placeholders = NULL;
    b->nplaceholders = 0;
}
