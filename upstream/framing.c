/*
 * framing.c - the HTTP/1.1 response parser (framing.h). The head is read
 * line by line, in place; the body decoder is a small state machine that
 * never holds bytes itself, so the caller decides what is kept and when to
 * read more.
 */
#include "upstream/framing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/text.h"

void mr_framing_head_init(struct mr_framing_head *h)
{
    memset(h, 0, sizeof(*h));
    h->reason = "";
}

void mr_framing_head_release(struct mr_framing_head *h)
{
    free(h->headers);
    mr_framing_head_init(h);
}

size_t mr_framing_head_end(const char *s, size_t len, size_t from)
{
    size_t i = from > 2 ? from - 2 : 0; /* an end may straddle the previous look */
    for (; i < len; i++) {
        if (s[i] != '\n')
            continue;
        if (i + 1 < len && s[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

const struct mr_kv *mr_framing_header(const struct mr_kv *headers, size_t n, const char *name)
{
    size_t i, len = strlen(name);
    for (i = 0; i < n; i++)
        if (headers[i].name_len == len && strncasecmp(headers[i].name, name, len) == 0)
            return &headers[i];
    return NULL;
}

/* ---- the head ------------------------------------------------------------- */

static void trim(char **s, char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
        (*e)--;
}

/* RFC 9110's tchar: what a header name is made of. */
static bool tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* A CR or NUL left inside a value or the reason would break a line where the
 * text is written again (a proxy forwards it): a space instead. */
static void blank_controls(char *s, char *e)
{
    for (; s < e; s++)
        if (*s == '\r' || *s == '\0')
            *s = ' ';
}

static int bad_name(const char *s, size_t n, struct mr_error *err)
{
    char shown[80];
    mr_printable(shown, sizeof(shown), s, n < 40 ? n : 40);
    return mr_error_set(err, MR_ESETUP, "a bad header name \"%s\"", shown);
}

/* Reads one header line p[0..eol) into the next entry of h. */
static int header_line(struct mr_framing_head *h, char *p, char *eol, struct mr_error *err)
{
    char *colon, *s, *e;

    if (*p == ' ' || *p == '\t')
        return mr_error_set(err, MR_ESETUP, "a folded header line");
    colon = memchr(p, ':', (size_t)(eol - p));
    if (!colon || colon == p)
        return mr_error_set(err, MR_ESETUP, "a header without ':'");
    if (h->nheaders == h->cap_) {
        size_t cap = h->cap_ ? h->cap_ * 2 : 32;
        struct mr_kv *grown = realloc(h->headers, cap * sizeof(*grown));
        if (!grown)
            return mr_error_set(err, MR_ENOMEM, "out of memory");
        h->headers = grown;
        h->cap_ = cap;
    }
    s = p;
    e = colon;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    for (char *q = s; q < e; q++)
        if (!tchar((unsigned char)*q))
            return bad_name(s, (size_t)(e - s), err);
    if (e == s)
        return bad_name(s, 0, err);
    *e = '\0';
    h->headers[h->nheaders].name = s;
    h->headers[h->nheaders].name_len = (size_t)(e - s);
    s = colon + 1;
    e = eol;
    blank_controls(s, e); /* first, so that a space made at either end is trimmed */
    trim(&s, &e);
    *e = '\0';
    h->headers[h->nheaders].value = s;
    h->headers[h->nheaders].value_len = (size_t)(e - s);
    h->nheaders++;
    return 0;
}

/* Whether Transfer-Encoding value v ends with the coding "chunked". */
static bool last_is_chunked(const char *v, size_t n)
{
    const char *last = v;
    size_t i;
    for (i = 0; i < n; i++)
        if (v[i] == ',')
            last = v + i + 1;
    while (last < v + n && (*last == ' ' || *last == '\t'))
        last++;
    return (size_t)(v + n - last) == 7 && strncasecmp(last, "chunked", 7) == 0;
}

static int bad_length(const struct mr_kv *cl, struct mr_error *err)
{
    char shown[64];
    mr_printable(shown, sizeof(shown), cl->value, cl->value_len < 40 ? cl->value_len : 40);
    return mr_error_set(err, MR_ESETUP, "bad Content-Length \"%s\"", shown);
}

/* How the body of h ends (RFC 9112 section 6.3). */
static int framing(struct mr_framing_head *h, bool head_req, struct mr_error *err)
{
    const struct mr_kv *te = NULL;
    bool has_length = false;
    size_t i, k;

    h->body = MR_FRAMING_CLOSE;
    h->length = 0;
    if (head_req || h->status < 200 || h->status == 204 || h->status == 304) {
        h->body = MR_FRAMING_NONE;
        return 0;
    }
    for (i = 0; i < h->nheaders; i++)
        if (h->headers[i].name_len == 17 &&
            strncasecmp(h->headers[i].name, "Transfer-Encoding", 17) == 0)
            te = &h->headers[i]; /* several make one list: the last one ends it */
    if (te) {
        if (last_is_chunked(te->value, te->value_len))
            h->body = MR_FRAMING_CHUNKED;
        return 0; /* any other coding: the body ends with the connection */
    }
    for (i = 0; i < h->nheaders; i++) {
        const struct mr_kv *cl = &h->headers[i];
        uint64_t n = 0;
        if (cl->name_len != 14 || strncasecmp(cl->name, "Content-Length", 14) != 0)
            continue;
        if (cl->value_len == 0)
            return bad_length(cl, err);
        for (k = 0; k < cl->value_len; k++) {
            unsigned d = (unsigned)(cl->value[k] - '0');
            if (d > 9 || n > (UINT64_MAX - d) / 10)
                return bad_length(cl, err);
            n = n * 10 + d;
        }
        if (has_length && n != h->length)
            return mr_error_set(err, MR_ESETUP, "two different Content-Length headers");
        h->length = n;
        has_length = true;
    }
    if (has_length)
        h->body = MR_FRAMING_LENGTH;
    return 0;
}

int mr_framing_parse_head(struct mr_framing_head *h, char *s, size_t len, bool head_req,
                          struct mr_error *err)
{
    char *p = s, *stop = s + len, *eol, *r, *e;

    h->status = 0;
    h->reason = "";
    h->nheaders = 0;
    h->body = MR_FRAMING_NONE;
    h->length = 0;
    eol = memchr(p, '\n', len);
    if (!eol || (size_t)(eol - p) < 12 || strncmp(p, "HTTP/1.", 7) != 0 || p[7] < '0' ||
        p[7] > '9' || p[8] != ' ' || p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' ||
        p[11] < '0' || p[11] > '9' || (p[12] != ' ' && p[12] != '\r' && p[12] != '\n'))
        return mr_error_set(err, MR_ESETUP, "no HTTP/1.x status line");
    h->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
    r = p + 12;
    e = eol;
    blank_controls(r, e);
    trim(&r, &e);
    *e = '\0';
    h->reason = r;
    for (p = eol + 1; p < stop; p = eol + 1) {
        int rc;
        eol = memchr(p, '\n', (size_t)(stop - p));
        if (!eol || eol == p || (eol == p + 1 && *p == '\r'))
            break; /* the empty line */
        if ((rc = header_line(h, p, eol, err)) != 0)
            return rc;
    }
    return framing(h, head_req, err);
}

/* ---- the body ------------------------------------------------------------- */

enum { CH_SIZE, CH_DATA, CH_DATA_END, CH_TRAILER };

void mr_framing_decoder_init(struct mr_framing_decoder *d, const struct mr_framing_head *h)
{
    memset(d, 0, sizeof(*d));
    d->kind = h->body;
    d->state_ = CH_SIZE;
    if (d->kind == MR_FRAMING_LENGTH)
        d->left = h->length;
    d->done = d->kind == MR_FRAMING_NONE || (d->kind == MR_FRAMING_LENGTH && d->left == 0);
}

/* Whether line[0..n) (its LF included) is empty: "\n" or "\r\n". */
static bool empty_line(const char *line, size_t n)
{
    return n == 1 || (n == 2 && line[0] == '\r');
}

/* A chunk-size line (its LF included): the size, or -1. */
static int chunk_size(const char *line, size_t n, uint64_t *size)
{
    size_t digits = 0;
    int v;

    *size = 0;
    while (digits < n && digits < 16 && (v = mr_hexval(line[digits])) >= 0) {
        *size = *size * 16 + (uint64_t)v;
        digits++;
    }
    if (digits == 0 || line[digits] == '\0' || !strchr(";\r\n \t", line[digits]))
        return -1;
    return 0;
}

/* Reads one line of chunked framing (the LF at in[n - 1]). */
static int framing_line(struct mr_framing_decoder *d, const char *in, size_t n,
                        struct mr_error *err)
{
    uint64_t size;

    switch (d->state_) {
    case CH_SIZE:
        if (chunk_size(in, n, &size) != 0)
            return mr_error_set(err, MR_ESETUP, "bad chunk size");
        d->left = size;
        d->state_ = size ? CH_DATA : CH_TRAILER;
        return 0;
    case CH_DATA_END:
        if (!empty_line(in, n))
            return mr_error_set(err, MR_ESETUP, "a chunk longer than its size");
        d->state_ = CH_SIZE;
        return 0;
    default: /* CH_TRAILER: a field, dropped, or the empty line that ends the body */
        if (empty_line(in, n)) {
            d->done = true;
            return 0;
        }
        if ((d->trailer_ += n) > MR_FRAMING_TRAILER_MAX)
            return mr_error_set(err, MR_ESETUP, "trailers larger than %zu bytes",
                                MR_FRAMING_TRAILER_MAX);
        return 0;
    }
}

static int decode_chunked(struct mr_framing_decoder *d, const char *in, size_t len,
                          const char **data, size_t *n, size_t *used, struct mr_error *err)
{
    while (*used < len && !d->done) {
        const char *p = in + *used, *nl;
        size_t avail = len - *used;
        int rc;

        if (d->state_ == CH_DATA) {
            size_t take = avail < d->left ? avail : (size_t)d->left;
            *data = p;
            *n = take;
            *used += take;
            if ((d->left -= take) == 0)
                d->state_ = CH_DATA_END;
            return 0; /* one span per call */
        }
        nl = memchr(p, '\n', avail < MR_FRAMING_LINE_MAX ? avail : MR_FRAMING_LINE_MAX);
        if (!nl) {
            if (avail >= MR_FRAMING_LINE_MAX)
                return mr_error_set(err, MR_ESETUP, "a chunk line longer than %d bytes",
                                    MR_FRAMING_LINE_MAX);
            return 0; /* the rest of the line is still to come */
        }
        if ((rc = framing_line(d, p, (size_t)(nl - p) + 1, err)) != 0)
            return rc;
        *used += (size_t)(nl - p) + 1;
    }
    return d->done ? 1 : 0;
}

int mr_framing_decode(struct mr_framing_decoder *d, const char *in, size_t len, const char **data,
                      size_t *n, size_t *used, struct mr_error *err)
{
    *data = in;
    *n = 0;
    *used = 0;
    if (d->done)
        return 1;
    switch (d->kind) {
    case MR_FRAMING_LENGTH:
        *n = len < d->left ? len : (size_t)d->left;
        *used = *n;
        d->left -= *n;
        d->done = d->left == 0;
        return d->done ? 1 : 0;
    case MR_FRAMING_CLOSE:
        *n = len;
        *used = len;
        return 0;
    case MR_FRAMING_CHUNKED:
        return decode_chunked(d, in, len, data, n, used, err);
    default:
        return 1;
    }
}

bool mr_framing_decode_end(struct mr_framing_decoder *d, const char **cut)
{
    *cut = "";
    if (d->done || d->kind == MR_FRAMING_CLOSE || d->kind == MR_FRAMING_NONE) {
        d->done = true;
        return true;
    }
    if (d->kind == MR_FRAMING_LENGTH)
        *cut = "before the end of the body (Content-Length)";
    else if (d->state_ == CH_DATA)
        *cut = "in a chunk";
    else
        *cut = "in a chunked body";
    return false;
}
