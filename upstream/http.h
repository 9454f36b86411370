/*
 * http.h - mockrun's HTTP/1.1 client: one exchange with a real server. A
 * service's "proxy" (and so `mockrun record`), `mockrun drift` and the
 * callback dispatcher all send their requests with it.
 *
 * Each call opens a connection of its own (to the addresses of the URL's
 * host, or to addresses resolved beforehand, in order), sends the request
 * in one write with "Connection: close", and reads the response into
 * memory: the head, then the body as upstream/framing.h frames it
 * (Content-Length, chunked, or up to the connection's end; none for HEAD,
 * 1xx, 204 and 304). Interim 1xx responses are skipped. The body is kept as
 * the server encoded it (Content-Encoding is the caller's business:
 * upstream/gzip.h), with the chunked framing removed. Redirects are never
 * followed: a 3xx is a response like any other.
 *
 * Every wait is one poll() bounded by the limits: the silence allowed while
 * connecting, sending or receiving, the deadline of the whole exchange, and
 * a cancel descriptor another thread can make readable; nothing waits
 * forever on a server that stalls. Plain HTTP only (no TLS). No signals:
 * sends use MSG_NOSIGNAL; sockets are close-on-exec. Thread-safe: each call
 * touches only its own connection and `resp`.
 *
 * mr_upstream_parse reads a response from bytes in memory exactly as a call
 * reads one from a connection, for tests and the fuzz target.
 */
#ifndef MOCKRUN_UPSTREAM_HTTP_H
#define MOCKRUN_UPSTREAM_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/kv.h"
#include "common/url.h"
#include "upstream/framing.h"

#define MR_UPSTREAM_CONNECT_MS_DEFAULT 5000
#define MR_UPSTREAM_IO_MS_DEFAULT 30000
#define MR_UPSTREAM_MAX_HEAD_DEFAULT ((size_t)64 << 10) /* 64 KiB */
#define MR_UPSTREAM_MAX_BODY_DEFAULT ((size_t)64 << 20) /* 64 MiB */
#define MR_UPSTREAM_MAX_ADDRS 8

/*
 * What a call promises its caller; the two callers' contracts, kept as they
 * were when each had a client of its own.
 *
 * MR_UPSTREAM_WHOLE (the default; a proxy, drift): the whole answer, or an
 * error. Error messages name the server, for people who read them in a 502
 * body or a report: "cannot connect to 127.0.0.1:5000: connection refused
 * (is the server running?)", "waiting for 127.0.0.1:5000: no answer within
 * 30000 ms", "malformed response from 127.0.0.1:5000: ...", "the answer of
 * 127.0.0.1:5000 is larger than 67108864 bytes"; the code is MR_ESETUP
 * (MR_ESYSTEM for an unexpected socket error). A 101 is an error: what
 * follows it is not HTTP.
 *
 * MR_UPSTREAM_HEAD (callbacks): an answer as soon as its head came; a body
 * cut short (the connection ended or broke, a bound passed, the chunked
 * framing broke) or longer than max_body is kept as far as it came, and a
 * 101 is an answer. Otherwise MR_ESYSTEM, with a phrase that reads after
 * "the callback failed: ": "connection refused", "timed out after 5 s (no
 * answer)", "connection reset by peer", "the connection closed before an
 * answer", "malformed answer: ...", "interrupted (mockrun was stopped)".
 */
enum mr_upstream_mode {
    MR_UPSTREAM_WHOLE,
    MR_UPSTREAM_HEAD,
};

/* Bounds of one call. mr_upstream_limits_init gives the proxy's defaults;
 * at least one of the three times should be set. */
struct mr_upstream_limits {
    int connect_ms;     /* to connect to each address; 0: only timeout_ms bounds it */
    int io_ms;          /* the longest silence while sending or receiving; 0: no bound */
    int64_t timeout_ms; /* the whole exchange, from the first connect; 0: no bound */
    int cancel_fd;      /* -1, or a descriptor whose readability means "give up now" */
    size_t max_head;    /* status line and headers */
    size_t max_body;    /* body bytes read at most, decoded from chunks */
    size_t keep;        /* body bytes kept in mr_upstream_response.body (SIZE_MAX: all) */
    enum mr_upstream_mode mode;
};

/* 5 s to connect, 30 s of silence, no deadline, no cancel descriptor, 64 KiB
 * of head, 64 MiB of body all kept, MR_UPSTREAM_WHOLE. */
void mr_upstream_limits_init(struct mr_upstream_limits *lim);

/* Where a host's server may be: the addresses to try, in order. */
struct mr_upstream_addrs {
    struct sockaddr_storage addr[MR_UPSTREAM_MAX_ADDRS];
    socklen_t len[MR_UPSTREAM_MAX_ADDRS];
    size_t n;
};

/*
 * The addresses of `host` (an IPv4 or IPv6 literal, or a name) at `port`: a
 * literal is itself; "localhost" is 127.0.0.1 then ::1, never asked of a
 * resolver; another name is looked up with getaddrinfo (which may block:
 * its own timeouts apply). Returns 0, or MR_ESETUP with "cannot resolve
 * host NAME: ...".
 */
int mr_upstream_resolve(struct mr_upstream_addrs *out, const char *host, int port,
                        struct mr_error *err);

struct mr_upstream_request {
    const char *method;
    const char *target; /* the request line's target: path and query, "/v1/x?y=1" ("" and
                           "?y=1" get a leading '/') */
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
    int status;            /* 0 when nothing was answered */
    const char *reason;    /* the reason phrase ("" when none) */
    struct mr_kv *headers; /* in order, as received; NUL-terminated strings */
    size_t nheaders;
    const char *body;    /* the body without chunked framing, still content-encoded, cut at
                            the limits' `keep`; "" */
    size_t body_len;     /* bytes at body */
    uint64_t body_size;  /* body bytes received (more than body_len when `keep` cut it) */
    bool body_truncated; /* body_size > body_len */
    bool chunked;        /* it came chunked */
    int64_t duration_us; /* from the first connect to the end, also for a call that failed */
    /* private */
    struct mr_framing_head head_;
    struct mr_buf in_;   /* the request's head, then the response's, parsed in place */
    struct mr_buf body_; /* the body, decoded in place as it comes, cut at `keep` */
};

void mr_upstream_response_init(struct mr_upstream_response *r);
void mr_upstream_response_release(struct mr_upstream_response *r);

/* Bytes r's buffers hold (a worker gives them back after a large answer). */
size_t mr_upstream_response_size(const struct mr_upstream_response *r);

/*
 * Sends `req` to url's host and port (its addresses found as
 * mr_upstream_resolve finds them; Host is the URL's authority) and reads
 * the response into `resp`. Returns 0 with the answer; otherwise an error
 * as lim->mode says, `resp` then holding nothing but duration_us; or
 * MR_ENOMEM.
 */
int mr_upstream_call(const struct mr_url *url, const struct mr_upstream_request *req,
                     const struct mr_upstream_limits *lim, struct mr_upstream_response *resp,
                     struct mr_error *err);

/* The same to addresses resolved beforehand (the first that accepts), with
 * `host` as the Host header ("127.0.0.1:4000", "[::1]:9"). */
int mr_upstream_call_at(const struct mr_upstream_addrs *to, const char *host,
                        const struct mr_upstream_request *req, const struct mr_upstream_limits *lim,
                        struct mr_upstream_response *resp, struct mr_error *err);

/*
 * Reads the response to a `method` request from data[0..len) as
 * mr_upstream_call reads one from a connection that carries these bytes
 * and then ends, `piece` bytes (0: all) at a time. The same results, the
 * same errors (naming "the server"); the time limits do not apply.
 */
int mr_upstream_parse(struct mr_upstream_response *resp, const char *data, size_t len, size_t piece,
                      const char *method, const struct mr_upstream_limits *lim,
                      struct mr_error *err);

/* The first header `name` (case-insensitive) of the response, or NULL. */
const struct mr_kv *mr_upstream_header(const struct mr_upstream_response *r, const char *name);

/* True for the hop-by-hop headers of RFC 9110 section 7.6.1 (Connection,
 * Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade), and
 * for any header the `connection` value (a Connection header's, or NULL)
 * lists: a proxy never forwards these. */
bool mr_upstream_hop_by_hop(const char *name, size_t name_len, const char *connection);

#endif
