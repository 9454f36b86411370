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

size_t mr_number_text(double x, char *buf, size_t size)
{
    int p, n = 0;
    char *e;

    if (size == 0)
        return 0;
    if (!isfinite(x))
        n = snprintf(buf, size, "null"); /* JSON has no NaN or Infinity */
    else if (x == floor(x) && fabs(x) < 1e21)
        n = snprintf(buf, size, "%.0f", x == 0 ? 0.0 : x); /* no "-0" */
    else
        for (p = 1; p <= 17; p++) {
            n = snprintf(buf, size, "%.*g", p, x);
            if (n < 0 || (size_t)n >= size || strtod(buf, NULL) == x)
                break;
        }
    if (n < 0)
        n = 0;
    if ((size_t)n >= size)
        n = (int)size - 1;
    /* an exponent without leading zeros, as JavaScript writes it: 1e-7, 1e+21 */
    if ((e = strchr(buf, 'e')) != NULL && (e[1] == '-' || e[1] == '+')) {
        char *d = e + 2, *z = d;
        while (*z == '0' && z[1])
            z++;
        memmove(d, z, strlen(z) + 1);
        n = (int)strlen(buf);
    }
    return (size_t)n;
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
