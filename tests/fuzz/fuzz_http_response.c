/*
 * fuzz_http_response.c - mockrun's HTTP client reading an answer
 * (upstream/http.h's mr_upstream_parse, which is the client's own code with
 * the bytes in place of the socket, over upstream/framing.h), and the
 * content codings it hands on (upstream/gzip.h).
 *
 * Input: two option bytes, then the rest.
 *   byte 0: bit 0 "make": the rest describes a valid answer that is built
 *           and read back (below), else the rest is the answer's bytes;
 *           bit 1 a HEAD request; bit 2 the callbacks' mode
 *           (MR_UPSTREAM_HEAD); bit 3 a small max_head (200); bit 4 a
 *           small max_body (64, MR_UPSTREAM_WHOLE only); bits 5-7 the size
 *           of the pieces the bytes come in (1, 2, 3, 7, 64, 500, 4096, or
 *           all at once).
 *   byte 1: `keep` (0: all).
 *
 * Oracles, for any bytes:
 * - the same outcome (status, reason, headers, body, sizes, message)
 *   whether the bytes come at once, in the chosen pieces or one by one;
 * - an answer has a status of 100-599 (200 or more, or 101 in the
 *   callbacks' mode), header names that are tokens, values (trimmed) and a
 *   reason without CR, LF or NUL, lengths that match the strings, at most `keep`
 *   body bytes kept of body_size, body_truncated exactly when some were
 *   not, no body for HEAD, 1xx, 204 and 304, and, in the whole mode, at
 *   most max_body bytes and exactly Content-Length's when that frames it;
 * - a refusal leaves nothing but says why, on one printable line, with the
 *   mode's code;
 * - `keep` only cuts: the kept body is a prefix of the whole one;
 * - the callbacks' mode answers whatever the whole mode answers, the same;
 * - a Content-Encoding mockrun knows either decodes within its cap or is
 *   refused with the output untouched; decoded, it is refused ("larger
 *   than") with half its size as the cap and the same with its size.
 *
 * "make": the rest is read as a status choice, a framing choice (length,
 * chunked with the cuts the input gives, with extensions, trailers and
 * LF-only lines, or the connection's end), a coding choice (none, gzip,
 * zlib deflate, raw deflate), up to 4 header values (lines up to an empty
 * one, cleaned to visible ASCII; the names are fixed) and the body. The answer
 * built from them must be read back with that status, those headers and
 * that body, the coding undone.
 */
#include "tests/fuzz/fuzz.h"

#include <stdbool.h>
#include <stdint.h>
#include <strings.h>

#include <zlib.h>

#include "common/buf.h"
#include "upstream/gzip.h"
#include "upstream/http.h"

#define SMALL_HEAD 200
#define SMALL_BODY 64

static const size_t pieces[8] = {1, 2, 3, 7, 64, 500, 4096, 0};

/* What one read gave, as text to compare. */
static void outcome(struct mr_buf *out, const struct mr_upstream_response *r, int rc,
                    const struct mr_error *err)
{
    size_t i;
    mr_buf_reset(out);
    mr_buf_printf(out, "%d %d [%s] %zu/%llu%s%s\n", rc, r->status, r->reason, r->body_len,
                  (unsigned long long)r->body_size, r->body_truncated ? " truncated" : "",
                  r->chunked ? " chunked" : "");
    for (i = 0; i < r->nheaders; i++) {
        mr_buf_append(out, r->headers[i].name, r->headers[i].name_len);
        mr_buf_puts(out, ": ");
        mr_buf_append(out, r->headers[i].value, r->headers[i].value_len);
        mr_buf_putc(out, '\n');
    }
    mr_buf_append(out, r->body, r->body_len);
    if (rc != 0)
        mr_buf_printf(out, "\nerror: %s", err->msg);
    FUZZ_CHECK(!out->failed);
}

static bool tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool clean(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
            return false;
    return true;
}

/* The oracles every read meets. */
static void check_one(const struct mr_upstream_response *r, int rc, const struct mr_error *err,
                      const struct mr_upstream_limits *lim, bool head_req)
{
    size_t i, k;

    if (rc != 0) {
        FUZZ_CHECK(rc == (lim->mode == MR_UPSTREAM_WHOLE ? MR_ESETUP : MR_ESYSTEM));
        FUZZ_CHECK(err->msg[0] != '\0');
        for (i = 0; err->msg[i]; i++)
            FUZZ_CHECK((unsigned char)err->msg[i] >= 0x20 && err->msg[i] != 0x7f);
        FUZZ_CHECK(r->status == 0 && r->nheaders == 0 && r->body_len == 0 && r->body_size == 0 &&
                   r->body[0] == '\0');
        return;
    }
    FUZZ_CHECK(r->status >= 100 && r->status <= 599);
    FUZZ_CHECK(r->status >= 200 || (r->status == 101 && lim->mode == MR_UPSTREAM_HEAD));
    FUZZ_CHECK(clean(r->reason, strlen(r->reason)));
    for (i = 0; i < r->nheaders; i++) {
        const struct mr_kv *h = &r->headers[i];
        FUZZ_CHECK(h->name_len > 0 && strlen(h->name) == h->name_len);
        for (k = 0; k < h->name_len; k++)
            FUZZ_CHECK(tchar((unsigned char)h->name[k]));
        FUZZ_CHECK(strlen(h->value) == h->value_len && clean(h->value, h->value_len));
        FUZZ_CHECK(h->value_len == 0 ||
                   (h->value[0] != ' ' && h->value[0] != '\t' &&
                    h->value[h->value_len - 1] != ' ' && h->value[h->value_len - 1] != '\t'));
    }
    FUZZ_CHECK(r->body_len <= lim->keep && r->body_len <= r->body_size);
    FUZZ_CHECK(r->body_truncated == (r->body_size > r->body_len));
    FUZZ_CHECK(r->body[r->body_len] == '\0');
    if (head_req || r->status < 200 || r->status == 204 || r->status == 304)
        FUZZ_CHECK(r->body_size == 0 && !r->chunked);
    if (lim->mode == MR_UPSTREAM_WHOLE) {
        const struct mr_kv *cl = mr_upstream_header(r, "Content-Length");
        FUZZ_CHECK(r->body_size <= lim->max_body);
        if (cl && !mr_upstream_header(r, "Transfer-Encoding") && !head_req && r->status != 204 &&
            r->status != 304)
            FUZZ_CHECK(r->body_size == strtoull(cl->value, NULL, 10));
    }
}

static int parse(struct mr_upstream_response *r, const char *data, size_t len, size_t piece,
                 bool head_req, const struct mr_upstream_limits *lim, struct mr_error *err)
{
    int rc;
    memset(err, 0, sizeof(*err));
    rc = mr_upstream_parse(r, data, len, piece, head_req ? "HEAD" : "GET", lim, err);
    check_one(r, rc, err, lim, head_req);
    return rc;
}

/* A known coding decodes within max, or is refused leaving out untouched. */
static void check_coding(const struct mr_upstream_response *r)
{
    const struct mr_kv *ce = mr_upstream_header(r, "Content-Encoding");
    struct mr_buf out, small;
    struct mr_error err;
    int rc;

    if (!ce || !mr_gzip_known(ce->value))
        return;
    mr_buf_init(&out);
    mr_buf_init(&small);
    rc = mr_gzip_decode(&out, ce->value, r->body, r->body_len, 1 << 20, &err);
    FUZZ_CHECK(rc == 0 || ((rc == MR_EUSAGE || rc == MR_ESETUP) && err.msg[0] && out.len == 0));
    FUZZ_CHECK(out.len <= 1 << 20);
    if (rc == 0 && out.len > 0) {
        size_t max = out.len / 2;
        int rc2 = mr_gzip_decode(&small, ce->value, r->body, r->body_len, max, &err);
        FUZZ_CHECK(rc2 == MR_ESETUP && strstr(err.msg, "larger than") && small.len == 0);
        rc2 = mr_gzip_decode(&small, ce->value, r->body, r->body_len, out.len, &err);
        FUZZ_CHECK(rc2 == 0 && small.len == out.len && memcmp(small.data, out.data, out.len) == 0);
    }
    mr_buf_release(&out);
    mr_buf_release(&small);
}

static void read_bytes(const char *data, size_t len, uint8_t opt, size_t keep)
{
    bool head_req = opt & 2;
    struct mr_upstream_limits lim, all;
    struct mr_upstream_response r;
    struct mr_buf a, b;
    struct mr_error err;
    int rc;

    mr_upstream_limits_init(&lim);
    lim.mode = opt & 4 ? MR_UPSTREAM_HEAD : MR_UPSTREAM_WHOLE;
    if (opt & 8)
        lim.max_head = SMALL_HEAD;
    if ((opt & 16) && lim.mode == MR_UPSTREAM_WHOLE)
        lim.max_body = SMALL_BODY; /* (the callbacks' mode stops past it, where the reads end) */
    lim.keep = keep ? keep : SIZE_MAX;
    mr_upstream_response_init(&r);
    mr_buf_init(&a);
    mr_buf_init(&b);

    /* the same however the bytes come */
    rc = parse(&r, data, len, 0, head_req, &lim, &err);
    outcome(&a, &r, rc, &err);
    if (rc == 0)
        check_coding(&r);
    rc = parse(&r, data, len, pieces[opt >> 5], head_req, &lim, &err);
    outcome(&b, &r, rc, &err);
    FUZZ_CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    if (len <= 2048) {
        rc = parse(&r, data, len, 1, head_req, &lim, &err);
        outcome(&b, &r, rc, &err);
        FUZZ_CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    }

    /* keep only cuts; the callbacks' mode answers what the whole mode answers */
    all = lim;
    all.keep = SIZE_MAX;
    all.mode = MR_UPSTREAM_WHOLE;
    all.max_body = lim.mode == MR_UPSTREAM_WHOLE ? lim.max_body : all.max_body;
    rc = parse(&r, data, len, 0, head_req, &all, &err);
    if (rc == 0) {
        struct mr_upstream_response k;
        struct mr_error kerr;
        int krc;
        mr_upstream_response_init(&k);
        memset(&kerr, 0, sizeof(kerr));
        krc = mr_upstream_parse(&k, data, len, 0, head_req ? "HEAD" : "GET", &lim, &kerr);
        FUZZ_CHECK(krc == 0 && k.status == r.status && k.nheaders == r.nheaders);
        FUZZ_CHECK(k.body_size == r.body_size && k.body_len <= r.body_len &&
                   memcmp(k.body, r.body, k.body_len) == 0);
        FUZZ_CHECK(k.body_len == (r.body_len < lim.keep ? r.body_len : lim.keep));
        mr_upstream_response_release(&k);
    }
    mr_buf_release(&a);
    mr_buf_release(&b);
    mr_upstream_response_release(&r);
}

/* ---- "make": a valid answer built, then read back ------------------------ */

struct cursor {
    const uint8_t *p;
    size_t n;
};

static uint8_t next(struct cursor *c)
{
    uint8_t v = 0;
    if (c->n) {
        v = *c->p++;
        c->n--;
    }
    return v;
}

/* A line of the input (up to LF), cleaned to visible ASCII and spaces. */
static size_t line(struct cursor *c, char *out, size_t size)
{
    size_t n = 0;
    while (c->n) {
        uint8_t v = next(c);
        if (v == '\n')
            break;
        if (n + 1 < size)
            out[n++] = (char)(v >= 0x21 && v < 0x7f ? v : 'x');
    }
    out[n] = '\0';
    return n;
}

/* body compressed with zlib: wbits 31 gzip, 15 zlib, -15 raw deflate */
static void squeeze(struct mr_buf *out, const uint8_t *in, size_t len, int wbits)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    FUZZ_CHECK(deflateInit2(&z, 6, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    FUZZ_CHECK(mr_buf_reserve(out, deflateBound(&z, (uLong)len)));
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out->data + out->len;
    z.avail_out = (uInt)(out->cap - out->len - 1);
    FUZZ_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
    out->len += z.total_out;
    out->data[out->len] = '\0';
    deflateEnd(&z);
}

static void make(const uint8_t *data, size_t size, uint8_t opt, size_t keep)
{
    static const int statuses[] = {200, 201, 404, 500, 204, 304, 299, 100};
    static const char *const names[] = {"X-One", "Content-Type", "Set-Cookie", "ETag"};
    static const char *const codings[] = {NULL, "gzip", "deflate", "deflate"};
    static const int wbits[] = {0, 31, 15, -15};
    struct cursor c = {data, size};
    uint8_t s = next(&c), f = next(&c);
    int status = statuses[s & 7], coding = (s >> 3) & 3;
    bool lf = f & 4, ext = f & 8, trailer = f & 16, head_req = opt & 2;
    int framing = f & 3; /* 0 length, 1 chunked, 2 and 3 the connection's end */
    char values[4][128];
    size_t nh = 0, i, k, cuts_at;
    struct mr_buf wire, body, got;
    struct mr_upstream_limits lim;
    struct mr_upstream_response r;
    struct mr_error err;
    const char *eol = lf ? "\n" : "\r\n";
    int rc;

    while (nh < 4 && c.n && line(&c, values[nh], sizeof(values[nh])) > 0)
        nh++;
    mr_buf_init(&wire);
    mr_buf_init(&body);
    mr_buf_init(&got);
    /* the body: the rest of the input, coded when asked */
    cuts_at = c.n;
    if (codings[coding])
        squeeze(&body, c.p, c.n, wbits[coding]);
    else
        mr_buf_append(&body, c.p, c.n);
    if (status == 100) /* an interim answer first */
        mr_buf_printf(&wire, "HTTP/1.1 100 Continue%s%s", eol, eol);
    status = status == 100 ? 200 : status;
    mr_buf_printf(&wire, "HTTP/1.1 %d Fine%s", status, eol);
    for (i = 0; i < nh; i++)
        mr_buf_printf(&wire, "%s: %s%s", names[i], values[i], eol);
    if (codings[coding])
        mr_buf_printf(&wire, "Content-Encoding: %s%s", codings[coding], eol);
    if (framing == 0)
        mr_buf_printf(&wire, "Content-Length: %zu%s", body.len, eol);
    else if (framing == 1)
        mr_buf_printf(&wire, "Transfer-Encoding: chunked%s", eol);
    mr_buf_puts(&wire, eol);
    if (framing == 1) {
        /* chunks cut where the body's own bytes say (never empty ones: 0 ends it) */
        for (i = 0; i < body.len; i += k) {
            k = 1 + (size_t)(uint8_t)body.data[i] % 97;
            if (k > body.len - i)
                k = body.len - i;
            mr_buf_printf(&wire, "%zX%s%s", k, ext ? " ;a=\"b;c\"" : "", eol);
            mr_buf_append(&wire, body.data + i, k);
            mr_buf_puts(&wire, eol);
        }
        mr_buf_printf(&wire, "0%s%s", eol, trailer ? "X-Sum: 1" : "");
        if (trailer)
            mr_buf_puts(&wire, eol);
        mr_buf_puts(&wire, eol);
    } else {
        mr_buf_append(&wire, body.data, body.len);
    }
    FUZZ_CHECK(!wire.failed && !body.failed);

    mr_upstream_limits_init(&lim);
    lim.mode = opt & 4 ? MR_UPSTREAM_HEAD : MR_UPSTREAM_WHOLE;
    lim.keep = keep ? keep : SIZE_MAX;
    mr_upstream_response_init(&r);
    rc = parse(&r, wire.data, wire.len, pieces[opt >> 5], head_req, &lim, &err);
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(r.status == status);
    for (i = 0; i < nh; i++) {
        FUZZ_CHECK(strcmp(r.headers[i].name, names[i]) == 0);
        FUZZ_CHECK(strcmp(r.headers[i].value, values[i]) == 0);
    }
    if (head_req || status == 204 || status == 304) {
        FUZZ_CHECK(r.body_size == 0);
    } else {
        FUZZ_CHECK(r.body_size == body.len);
        FUZZ_CHECK(r.body_len == (body.len < lim.keep ? body.len : lim.keep));
        FUZZ_CHECK(memcmp(r.body, body.data, r.body_len) == 0);
        FUZZ_CHECK(r.chunked == (framing == 1));
        if (codings[coding] && r.body_len == body.len) {
            FUZZ_CHECK(mr_gzip_decode(&got, codings[coding], r.body, r.body_len, 1 << 20, &err) ==
                       0);
            FUZZ_CHECK(got.len == cuts_at && (cuts_at == 0 || memcmp(got.data, c.p, cuts_at) == 0));
        }
    }
    mr_upstream_response_release(&r);
    mr_buf_release(&wire);
    mr_buf_release(&body);
    mr_buf_release(&got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t opt;
    size_t keep;
    char *copy;

    if (size < 2)
        return 0;
    opt = data[0];
    keep = data[1];
    if (opt & 1) {
        make(data + 2, size - 2, opt, keep);
        return 0;
    }
    /* a copy of exactly the answer's size: a read past its end is caught */
    copy = fuzz_copy(data + 2, size - 2, 0);
    read_bytes(copy, size - 2, opt, keep);
    free(copy);
    return 0;
}
