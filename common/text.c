#include "common/text.h"

#include <stdint.h>

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
