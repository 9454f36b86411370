/*
 * http.h - one HTTP/1.1 exchange with a real server: the client behind a
 * service's "proxy" and `mockrun record`.
 *
 * Each call opens a connection of its own to the URL's host and port (every
 * address getaddrinfo gives, in order), sends the request in one write with
 * "Connection: close", and reads the whole response into memory: the head,
 * then the body as the framing says (Content-Length, chunked, or up to the
 * end of the connection; none for HEAD, 1xx, 204 and 304). Interim 1xx
 * responses are skipped. The body is kept as the server encoded it
 * (Content-Encoding is the caller's business: upstream/gzip.h), with the
 * chunked framing removed. Redirects are never followed: a 3xx is a response
 * like any other.
 *
 * Every wait is a poll() bounded by the limits; nothing waits forever on a
 * server that stalls. Plain HTTP only (no TLS). No signals: sends use
 * MSG_NOSIGNAL. Thread-safe: each call touches only its own connection and
 * `resp`.
 */
#ifndef MOCKRUN_UPSTREAM_HTTP_H
#define MOCKRUN_UPSTREAM_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/kv.h"
#include "common/url.h"

#define MR_UPSTREAM_CONNECT_MS_DEFAULT 5000
#define MR_UPSTREAM_IO_MS_DEFAULT 30000
#define MR_UPSTREAM_MAX_HEAD_DEFAULT ((size_t)64 << 10) /* 64 KiB */
#define MR_UPSTREAM_MAX_BODY_DEFAULT ((size_t)64 << 20) /* 64 MiB */

struct mr_upstream_limits {
    int connect_ms;  /* to connect (each address) */
    int io_ms;       /* the longest silence while sending or receiving */
    size_t max_head; /* status line and headers */
    size_t max_body; /* the body, decoded from chunks */
};

void mr_upstream_limits_init(struct mr_upstream_limits *lim);

struct mr_upstream_request {
    const char *method;
    const char *target; /* the request line's target: path and query, "/v1/x?y=1" */
    /* sent as given, in order, after Host; the caller leaves out Host,
     * Content-Length, Connection and the other hop-by-hop headers */
    const struct mr_kv *headers;
    size_t nheaders;
    const char *body; /* may be NULL when body_len is 0 */
    size_t body_len;  /* sent with Content-Length when > 0, and for POST, PUT and PATCH */
};

/* A response. Embedded by value: _init / _release; reusable after _release
 * or by calling mr_upstream_call again (which empties it first). */
struct mr_upstream_response {
    int status;
    const char *reason;    /* the reason phrase ("" when none) */
    struct mr_kv *headers; /* in order, as received; NUL-terminated strings */
    size_t nheaders;
    const char *body; /* the body without chunked framing, still content-encoded; "" */
    size_t body_len;
    bool chunked; /* it came chunked */
    /* private storage */
    struct mr_buf in_;   /* the head, parsed in place */
    struct mr_buf raw_;  /* the body's bytes as received */
    struct mr_buf body_; /* the body, when it came chunked */
    size_t cap_headers_;
};

void mr_upstream_response_init(struct mr_upstream_response *r);
void mr_upstream_response_release(struct mr_upstream_response *r);

/*
 * Sends `req` to url's host and port and reads the response into `resp`.
 * Returns 0; or MR_ESETUP with a message for people ("cannot connect to
 * 127.0.0.1:5000: connection refused", "no answer within 30 s", "malformed
 * response: ...", "the answer's body is larger than 64 MiB"), in which case
 * `resp` holds nothing useful; or MR_ENOMEM.
 */
int mr_upstream_call(const struct mr_url *url, const struct mr_upstream_request *req,
                     const struct mr_upstream_limits *lim, struct mr_upstream_response *resp,
                     struct mr_error *err);

/* The first header `name` (case-insensitive) of the response, or NULL. */
const struct mr_kv *mr_upstream_header(const struct mr_upstream_response *r, const char *name);

/* True for the hop-by-hop headers of RFC 9110 section 7.6.1 (Connection,
 * Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade), and
 * for any header the `connection` value (a Connection header's, or NULL)
 * lists: a proxy never forwards these. */
bool mr_upstream_hop_by_hop(const char *name, size_t name_len, const char *connection);

#endif
