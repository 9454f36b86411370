#include "common/text.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mr_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool mr_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < n) {
        unsigned char c = s[i];
        size_t len, k;
        uint32_t cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (!len || i + len > n)
            return false;
        cp = c & (0x7Fu >> len);
        for (k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

size_t mr_percent_decode(char *dst, const char *s, size_t n, unsigned flags)
{
    char plus = (flags & MR_PCT_PLUS) ? ' ' : '+';
    size_t i, k = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '%' && n - i >= 3 && mr_hexval(s[i + 1]) >= 0 && mr_hexval(s[i + 2]) >= 0) {
            dst[k++] = (char)(mr_hexval(s[i + 1]) * 16 + mr_hexval(s[i + 2]));
            i += 2;
        } else if (s[i] == '%' && (flags & MR_PCT_WHOLE)) {
            break;
        } else {
            dst[k++] = s[i] == '+' ? plus : s[i];
        }
    }
    if (!(flags & MR_PCT_WHOLE) || (i == n && mr_utf8_valid(dst, k)))
        return k;
    for (i = 0; i < n; i++)
        dst[i] = s[i] == '+' ? plus : s[i];
    return n;
}

size_t mr_utf8_span(const char *str, size_t len, bool *well_formed)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0], lo = 0x80, hi = 0xbf;
    size_t need = 0, got = 1;

    if (c < 0x80) {
        need = 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        need = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    }
    /* continuation bytes while they can still form a valid sequence */
    while (got < need && got < len && s[got] >= lo && s[got] <= hi) {
        got++;
        lo = 0x80;
        hi = 0xbf;
    }
    if (well_formed)
        *well_formed = got == need;
    return got;
}

size_t mr_number_text(double n, char buf[MR_NUMBER_TEXT_MAX])
{
    char tmp[40], digits[24];
    int prec, e, k = 0, point, i;
    size_t len = 0;
    const char *p;

    if (isnan(n)) {
        memcpy(buf, "NaN", 4);
        return 3;
    }
    if (isinf(n)) {
        strcpy(buf, n < 0 ? "-Infinity" : "Infinity");
        return n < 0 ? 9 : 8;
    }
    if (n == 0) {
        memcpy(buf, "0", 2);
        return 1;
    }
    if (n < 0) {
        buf[len++] = '-';
        n = -n;
    }
    if (n < 1e15 && n == floor(n)) {
        /* integers print as themselves: skip the digit search */
        char tmp2[24];
        uint64_t u = (uint64_t)n;
        int j = 0;
        do {
            tmp2[j++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        while (j)
            buf[len++] = tmp2[--j];
        buf[len] = '\0';
        return len;
    }
    /* The shortest digits that read back as n (ECMAScript Number::toString). */
    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, n);
        if (strtod(tmp, NULL) == n)
            break;
    }
    for (p = tmp; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[k++] = *p;
    e = atoi(p + 1);
    while (k > 1 && digits[k - 1] == '0')
        k--;
    point = e + 1; /* digits[0..point) are the integer part */
    if (k <= point && point <= 21) {
        for (i = 0; i < k; i++)
            buf[len++] = digits[i];
        for (i = k; i < point; i++)
            buf[len++] = '0';
    } else if (point > 0 && point <= 21) {
        for (i = 0; i < point; i++)
            buf[len++] = digits[i];
        buf[len++] = '.';
        for (i = point; i < k; i++)
            buf[len++] = digits[i];
    } else if (point > -6 && point <= 0) {
        buf[len++] = '0';
        buf[len++] = '.';
        for (i = point; i < 0; i++)
            buf[len++] = '0';
        for (i = 0; i < k; i++)
            buf[len++] = digits[i];
    } else {
        buf[len++] = digits[0];
        if (k > 1) {
            buf[len++] = '.';
            for (i = 1; i < k; i++)
                buf[len++] = digits[i];
        }
        len += (size_t)sprintf(buf + len, "e%c%d", point - 1 < 0 ? '-' : '+', abs(point - 1));
    }
    buf[len] = '\0';
    return len;
}

bool mr_http_token(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              (*s && strchr("!#$%&'*+-.^_`|~", *s))))
            return false;
    return true;
}

bool mr_http_method(const char *s)
{
    size_t n = strlen(s), i;

    if (n == 0 || n > 32)
        return false;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '-' ||
              s[i] == '_'))
            return false;
    return true;
}

/* ---- "did you mean" ------------------------------------------------------- */

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

size_t mr_text_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j;
    /* three rows of the table: d[i][j] is the distance from a[0..i) to b[0..j) */
    size_t rows[3][MR_TEXT_SUGGEST_MAX + 1];
    size_t *before = rows[0], *prev = rows[1], *cur = rows[2], *t;

    if (la > MR_TEXT_SUGGEST_MAX || lb > MR_TEXT_SUGGEST_MAX)
        return SIZE_MAX;
    for (j = 0; j <= lb; j++)
        prev[j] = j;
    for (i = 1; i <= la; i++) {
        unsigned char ca = ascii_lower((unsigned char)a[i - 1]);
        cur[0] = i;
        for (j = 1; j <= lb; j++) {
            unsigned char cb = ascii_lower((unsigned char)b[j - 1]);
            size_t best = prev[j - 1] + (ca != cb);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            /* two neighbours swapped ("emial") are one slip, not two */
            if (i > 1 && j > 1 && ca == ascii_lower((unsigned char)b[j - 2]) &&
                ascii_lower((unsigned char)a[i - 2]) == cb && before[j - 2] + 1 < best)
                best = before[j - 2] + 1;
            cur[j] = best;
        }
        t = before;
        before = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

size_t mr_text_suggest_limit(size_t len)
{
    if (len <= 4)
        return 1;
    if (len <= 8)
        return 2;
    return len / 4 > 3 ? len / 4 : 3;
}

void mr_text_suggest_init(struct mr_text_suggestion *s, const char *word)
{
    s->word = word;
    s->limit = mr_text_suggest_limit(strlen(word));
    s->best = NULL;
    s->distance = SIZE_MAX;
}

void mr_text_suggest_add(struct mr_text_suggestion *s, const char *candidate)
{
    size_t lw = strlen(s->word), lc = strlen(candidate), d;

    /* the lengths alone may rule it out: each byte of difference is an edit */
    if ((lw > lc ? lw - lc : lc - lw) > s->limit)
        return;
    d = mr_text_distance(s->word, candidate);
    /* and a candidate with nothing in common ("a" for "b") is no suggestion */
    if (d <= s->limit && d < s->distance && d < (lw > lc ? lw : lc)) {
        s->best = candidate;
        s->distance = d;
    }
}

const char *mr_text_suggest(const char *word, const char *const *candidates, size_t n)
{
    struct mr_text_suggestion s;
    size_t i;

    mr_text_suggest_init(&s, word);
    for (i = 0; i < n; i++)
        if (candidates[i])
            mr_text_suggest_add(&s, candidates[i]);
    return s.best;
}

size_t mr_text_js_space(const char *p, const char *end)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t n = (size_t)(end - p);

    if (n == 0)
        return 0;
    if (s[0] == ' ' || (s[0] >= 0x09 && s[0] <= 0x0d))
        return 1;
    if (s[0] < 0x80)
        return 0;
    if (n >= 2 && s[0] == 0xc2 && s[1] == 0xa0)
        return 2;
    if (n < 3)
        return 0;
    if (s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
        return 3;
    if (s[0] == 0xe2 && s[1] == 0x80 &&
        ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
        return 3;
    if (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f)
        return 3;
    if (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
        return 3;
    if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
        return 3;
    return 0;
}
