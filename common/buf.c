#include "common/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"

void mr_buf_init(struct mr_buf *b)
{
    memset(b, 0, sizeof(*b));
}

void mr_buf_release(struct mr_buf *b)
{
    free(b->data);
    mr_buf_init(b);
}

void mr_buf_reset(struct mr_buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data)
        b->data[0] = '\0';
}

bool mr_buf_reserve(struct mr_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (b->failed)
        return false;
    if (extra > (size_t)-1 / 2 - b->len) {
        b->failed = true;
        return false;
    }
    need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    p[b->len] = '\0';
    b->data = p;
    b->cap = cap;
    return true;
}

bool mr_buf_append(struct mr_buf *b, const void *data, size_t len)
{
    if (!mr_buf_reserve(b, len))
        return false;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return true;
}

bool mr_buf_puts(struct mr_buf *b, const char *s)
{
    return mr_buf_append(b, s, strlen(s));
}

bool mr_buf_putc(struct mr_buf *b, char c)
{
    return mr_buf_append(b, &c, 1);
}

bool mr_buf_printf(struct mr_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!mr_buf_reserve(b, 64))
        return false;
    va_start(ap, fmt);
    n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return false;
    }
    if ((size_t)n >= b->cap - b->len) {
        if (!mr_buf_reserve(b, (size_t)n))
            return false;
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
    return true;
}

char *mr_buf_detach(struct mr_buf *b, size_t *len_out)
{
    char *p;

    if (!b->data && !mr_buf_reserve(b, 0))
        return NULL;
    p = b->data;
    if (len_out)
        *len_out = b->len;
    mr_buf_init(b);
    return p;
}

const char *mr_buf_cstr(const struct mr_buf *b)
{
    return b->data ? b->data : "";
}

bool mr_buf_put_printable(struct mr_buf *b, const char *s, size_t len)
{
    size_t i, start = 0;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != 0x7f)
            continue;
        mr_buf_append(b, s + start, i - start);
        mr_buf_printf(b, "\\x%02x", c);
        start = i + 1;
    }
    return mr_buf_append(b, s + start, len - start);
}

void mr_printable(char *dst, size_t size, const char *src, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, n = 0;

    if (size == 0)
        return;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c >= 0x20 && c != 0x7f) {
            if (n + 1 >= size)
                break;
            dst[n++] = (char)c;
        } else {
            if (n + 4 >= size)
                break;
            dst[n++] = '\\';
            dst[n++] = 'x';
            dst[n++] = hex[c >> 4];
            dst[n++] = hex[c & 15];
        }
    }
    dst[n] = '\0';
}

bool mr_buf_put_json_string(struct mr_buf *b, const char *s, size_t n)
{
    size_t i;
    bool ok = mr_utf8_valid(s, n);

    mr_buf_putc(b, '"');
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            mr_buf_puts(b, "\\\"");
            break;
        case '\\':
            mr_buf_puts(b, "\\\\");
            break;
        case '\n':
            mr_buf_puts(b, "\\n");
            break;
        case '\r':
            mr_buf_puts(b, "\\r");
            break;
        case '\t':
            mr_buf_puts(b, "\\t");
            break;
        default:
            if (c < 0x20)
                mr_buf_printf(b, "\\u%04x", c);
            else if (c >= 0x80 && !ok)
                mr_buf_puts(b, "\\ufffd");
            else
                mr_buf_putc(b, (char)c);
        }
    }
    return mr_buf_putc(b, '"');
}

int mr_buf_read_file(struct mr_buf *b, const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    size_t start = b->len, n;
    int rc = 0;

    if (!f)
        return errno ? errno : EIO;
    do {
        if (!mr_buf_reserve(b, 64 * 1024)) {
            rc = ENOMEM;
            break;
        }
        errno = 0;
        n = fread(b->data + b->len, 1, b->cap - b->len - 1, f);
        if (n == 0 && ferror(f))
            rc = errno ? errno : EIO; /* EISDIR for a folder */
        b->len += n;
        b->data[b->len] = '\0';
        if (b->len - start > max)
            rc = EFBIG;
    } while (!rc && n > 0);
    fclose(f);
    return rc;
}

void mr_printable_elide(char *dst, size_t size, const char *s, size_t n, bool quote)
{
    char all[MR_ELIDE_OVER * 4 + 1], head[MR_ELIDE_KEEP * 4 + 1], tail[MR_ELIDE_KEEP * 4 + 1];
    const char *q = quote ? "\"" : "";
    size_t h = MR_ELIDE_KEEP, t;

    if (!s)
        n = 0;
    if (n <= MR_ELIDE_OVER) {
        mr_printable(all, sizeof(all), s ? s : "", n);
        snprintf(dst, size, "%s%s%s", q, all, q);
        return;
    }
    t = n - MR_ELIDE_KEEP;
    while (h > 0 && ((unsigned char)s[h] & 0xC0) == 0x80)
        h--;
    while (t < n && ((unsigned char)s[t] & 0xC0) == 0x80)
        t++;
    mr_printable(head, sizeof(head), s, h);
    mr_printable(tail, sizeof(tail), s + t, n - t);
    snprintf(dst, size, "%s%s\u2026(%zu bytes left out)\u2026%s%s", q, head, t - h, tail, q);
}
