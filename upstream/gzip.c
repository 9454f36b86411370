/*
 * gzip.c - content decoding with zlib. zlib rather than code of our own: it
 * is the reference implementation of both formats, in every Debian system
 * already, and inflate's window handling and checksums are not worth
 * rewriting.
 */
#include "upstream/gzip.h"

#include <string.h>
#include <strings.h>

#include <zlib.h>

/* s[0..n) trimmed of spaces and tabs. */
static void trimmed(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static bool is(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

bool mr_gzip_known(const char *coding)
{
    size_t n = strlen(coding);
    trimmed(&coding, &n);
    return is(coding, n, "gzip") || is(coding, n, "x-gzip") || is(coding, n, "deflate");
}

bool mr_gzip_acceptable(const char *token, size_t len)
{
    trimmed(&token, &len);
    return is(token, len, "gzip") || is(token, len, "x-gzip") || is(token, len, "deflate") ||
           is(token, len, "identity");
}

/* Inflates in[0..len) with zlib's windowBits `wbits` into out. */
static int inflate_all(struct mr_buf *out, const unsigned char *in, size_t len, int wbits,
                       size_t max, bool members, struct mr_error *err)
{
    z_stream z;
    size_t start = out->len;
    int zrc;

    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, wbits) != Z_OK)
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    z.next_in = (unsigned char *)in;
    z.avail_in = 0;
    for (;;) {
        size_t room;
        if (z.avail_in == 0) {
            size_t left = len - (size_t)(z.next_in - in);
            z.avail_in = (uInt)(left > (1u << 30) ? (1u << 30) : left);
        }
        if (!mr_buf_reserve(out, 65536)) {
            inflateEnd(&z);
            out->len = start;
            return mr_error_set(err, MR_ENOMEM, "out of memory");
        }
        room = out->cap - out->len - 1;
        z.next_out = (unsigned char *)out->data + out->len;
        z.avail_out = (uInt)(room > (1u << 30) ? (1u << 30) : room);
        zrc = inflate(&z, Z_NO_FLUSH);
        out->len = (size_t)((char *)z.next_out - out->data);
        if (out->len - start > max) {
            inflateEnd(&z);
            out->len = start;
            out->data[out->len] = '\0';
            return mr_error_set(err, MR_ESETUP, "the decoded body is larger than %zu bytes", max);
        }
        if (zrc == Z_STREAM_END) {
            size_t used = (size_t)(z.next_in - in);
            /* gzip: another member may follow (RFC 1952 2.2) */
            if (members && used < len && in[used] == 0x1f) {
                inflateReset(&z);
                continue;
            }
            break;
        }
        if (zrc == Z_OK)
            continue;
        if (zrc == Z_BUF_ERROR && z.avail_out > 0) {
            zrc = Z_DATA_ERROR; /* no progress with room to write: the input ended early */
        }
        if (zrc != Z_BUF_ERROR) {
            inflateEnd(&z);
            out->len = start;
            if (out->data)
                out->data[out->len] = '\0';
            if (zrc == Z_MEM_ERROR)
                return mr_error_set(err, MR_ENOMEM, "out of memory");
            return mr_error_set(err, MR_EUSAGE, "the body is not valid %s data%s%s",
                                wbits > 15 ? "gzip" : "deflate", z.msg ? ": " : "",
                                z.msg ? z.msg : "");
        }
    }
    inflateEnd(&z);
    out->data[out->len] = '\0';
    return 0;
}

int mr_gzip_decode(struct mr_buf *out, const char *coding, const void *in, size_t len, size_t max,
                   struct mr_error *err)
{
    size_t n = strlen(coding);
    const unsigned char *b = in;

    trimmed(&coding, &n);
    if (is(coding, n, "gzip") || is(coding, n, "x-gzip"))
        return inflate_all(out, b, len, 16 + MAX_WBITS, max, true, err);
    if (!is(coding, n, "deflate"))
        return mr_error_set(err, MR_EUSAGE, "unknown content coding \"%.*s\"",
                            (int)(n > 40 ? 40 : n), coding);
    /* "deflate" means zlib's format; some servers send raw deflate instead */
    if (len >= 2 && (b[0] & 0x0f) == 8 && ((b[0] << 8) | b[1]) % 31 == 0)
        return inflate_all(out, b, len, MAX_WBITS, max, false, err);
    return inflate_all(out, b, len, -MAX_WBITS, max, false, err);
}
