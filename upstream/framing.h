/*
 * framing.h - an HTTP/1.1 response as bytes (RFC 9112): where its head
 * ends, the head parsed (status line and header fields), how its body is
 * framed, and the body taken out of that framing (Content-Length, chunked,
 * or everything up to the connection's end). The one parser of responses:
 * upstream/http.c reads every answer mockrun gets from a server with it,
 * and the fuzz target and the unit tests feed it bytes directly.
 *
 * What is accepted, and nothing else:
 * - a status line "HTTP/1.<digit> <3 digits>[ <reason>]", the status 100 to
 *   599; lines end with LF, a CR before it is dropped;
 * - header fields "Name: value", the name a token (RFC 9110 section 5.6.2;
 *   spaces before the ':' are dropped), the value trimmed of spaces and
 *   tabs, a CR or NUL inside it (or inside the reason) replaced by a space,
 *   as RFC 9110 section 5.5 asks of a recipient; no folded lines;
 * - the body framed as RFC 9112 section 6.3 says: none for a HEAD
 *   request, 1xx, 204 and 304; chunked when Transfer-Encoding's last coding
 *   is "chunked", up to the connection's end for any other
 *   Transfer-Encoding; else Content-Length (digits; several must agree);
 *   else up to the connection's end;
 * - chunks: a size of 1 to 16 hex digits, then spaces, tabs, ';' and an
 *   extension, or the line's end; the data; an empty line. Trailer fields
 *   are read and dropped. A size or trailer line is at most
 *   MR_FRAMING_LINE_MAX bytes and the trailer section at most
 *   MR_FRAMING_TRAILER_MAX.
 *
 * Pure functions over the caller's buffers; thread-safe. A head is parsed
 * in place, so its fields point into the caller's bytes; the header array
 * is the only allocation.
 */
#ifndef MOCKRUN_UPSTREAM_FRAMING_H
#define MOCKRUN_UPSTREAM_FRAMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/kv.h"

#define MR_FRAMING_LINE_MAX 4096                  /* a chunk-size or trailer line */
#define MR_FRAMING_TRAILER_MAX ((size_t)64 << 10) /* a chunked body's trailer section */

/* How a body ends. */
enum mr_framing_kind {
    MR_FRAMING_NONE,    /* there is none */
    MR_FRAMING_LENGTH,  /* after Content-Length bytes */
    MR_FRAMING_CHUNKED, /* after the last chunk and the trailer section */
    MR_FRAMING_CLOSE,   /* at the connection's end */
};

/* A parsed head. Embedded by value: _init / _release; reusable. */
struct mr_framing_head {
    int status;
    const char *reason;    /* "" when none */
    struct mr_kv *headers; /* in order, NUL-terminated where they lie */
    size_t nheaders;
    enum mr_framing_kind body;
    uint64_t length; /* MR_FRAMING_LENGTH: the body's bytes */
    /* private */
    size_t cap_;
};

void mr_framing_head_init(struct mr_framing_head *h);
void mr_framing_head_release(struct mr_framing_head *h);

/*
 * Where the head at the start of s[0..len) ends: the offset just after its
 * empty line, or 0 when that has not come yet. `from` is the length of a
 * previous look at the same bytes (0 the first time), so a head that
 * arrives in pieces is scanned once.
 */
size_t mr_framing_head_end(const char *s, size_t len, size_t from);

/*
 * Parses the head s[0..len) (len as mr_framing_head_end gave it) in place:
 * line ends become NULs, so h->reason and the headers point into s.
 * `head_req`: the answer to a HEAD request, which has no body whatever its
 * headers say. Returns 0; MR_ENOMEM; or MR_ESETUP with what is wrong in
 * err->msg: "no HTTP/1.x status line", "a folded header line", "a header
 * without ':'", "a bad header name \"...\"", "bad Content-Length \"...\"",
 * "two different Content-Length headers" (server bytes made printable).
 */
int mr_framing_parse_head(struct mr_framing_head *h, char *s, size_t len, bool head_req,
                          struct mr_error *err);

/* The first header `name` (case-insensitive) of h, or NULL. */
const struct mr_kv *mr_framing_header(const struct mr_kv *headers, size_t n, const char *name);

/* Takes a body out of its framing, from bytes given in pieces as they come. */
struct mr_framing_decoder {
    enum mr_framing_kind kind;
    bool done;     /* the body is complete */
    uint64_t left; /* body bytes announced and not yet come: Content-Length's rest, or the
                      rest of the current chunk */
    /* private */
    int state_;
    size_t trailer_; /* trailer bytes so far */
};

/* Starts the body of head h. */
void mr_framing_decoder_init(struct mr_framing_decoder *d, const struct mr_framing_head *h);

/*
 * Reads in[0..len), the bytes that follow what earlier calls consumed.
 * Sets *data and *n to body bytes found (a span of `in`, possibly empty)
 * and *used to the bytes consumed, the span and any framing before it.
 * Returns 1 when the body is complete (d->done; nothing after it is
 * consumed), 0 when it is not: call again with in + *used, or, when
 * *used is 0, with more bytes (a chunk line is read only whole). Returns
 * MR_ESETUP for broken chunked framing, with err->msg "bad chunk size",
 * "a chunk longer than its size", "a chunk line longer than 4096 bytes" or
 * "trailers larger than 65536 bytes".
 */
int mr_framing_decode(struct mr_framing_decoder *d, const char *in, size_t len, const char **data,
                      size_t *n, size_t *used, struct mr_error *err);

/*
 * The connection ended: true when that completes the body (it was framed by
 * the end, or was already complete), else false, and *cut says where it was
 * cut: "before the end of the body (Content-Length)", "in a chunk" or "in a
 * chunked body".
 */
bool mr_framing_decode_end(struct mr_framing_decoder *d, const char **cut);

#endif
