/*
 * client.h - the HTTP/1.1 client callbacks are sent with: one request on a
 * fresh connection, the whole exchange (connecting, sending, reading the
 * answer) bounded by one deadline, and cancellable from another thread.
 *
 * Plain HTTP only (no TLS). The request says "Connection: close", so an
 * answer without Content-Length or chunked framing ends at the connection's
 * end. Interim 1xx answers are skipped; the body of a chunked answer is
 * decoded. Nothing here parses URLs or decides where a request may go:
 * callers check the URL (common/hookurl.h) and hand over the addresses.
 *
 * Every function is thread-safe: it touches only its arguments. Sockets are
 * close-on-exec and never raise SIGPIPE.
 */
#ifndef MOCKRUN_SERVER_CLIENT_H
#define MOCKRUN_SERVER_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "common/error.h"

#define MR_CLIENT_MAX_ADDRS 8
#define MR_CLIENT_HEAD_MAX (64 * 1024) /* an answer's status line and headers */
#define MR_CLIENT_READ_MAX (64u << 20) /* answer bytes read at most; past it the body is cut */

/* Where a host's server may be: the addresses to try, in order. */
struct mr_client_addrs {
    struct sockaddr_storage addr[MR_CLIENT_MAX_ADDRS];
    socklen_t len[MR_CLIENT_MAX_ADDRS];
    size_t n;
};

/*
 * The addresses of `host` (an IPv4 or IPv6 literal, or a name) at `port`:
 * a literal is itself; "localhost" is 127.0.0.1 then ::1, never asked of a
 * resolver; another name is looked up with getaddrinfo (which may block:
 * its own timeouts apply). Returns 0, or MR_ESETUP with "cannot resolve
 * host NAME: ...".
 */
int mr_client_resolve(struct mr_client_addrs *out, const char *host, int port,
                      struct mr_error *err);

struct mr_client_request {
    const struct mr_client_addrs *addrs;
    const char *method;  /* "POST" */
    const char *host;    /* the Host header's value: "127.0.0.1:4000", "[::1]:9" */
    const char *target;  /* "/webhooks?x=1": path and query, target_len bytes */
    size_t target_len;   /* 0: "/" */
    const char *headers; /* "Name: value\r\n" lines, headers_len bytes; may be NULL */
    size_t headers_len;
    const char *body; /* body_len bytes; may be NULL when 0 */
    size_t body_len;
    bool send_length;   /* say Content-Length even when the body is empty (POST, PUT, PATCH) */
    int64_t timeout_ms; /* the whole exchange; > 0 */
    int cancel_fd;      /* -1, or a descriptor whose readability means "give up now" */
    size_t keep;        /* answer body bytes kept in mr_client_answer.body */
};

/* What came back. Initialise with mr_client_answer_init; release with _release. */
struct mr_client_answer {
    int status;             /* 0 when nothing was answered */
    struct mr_buf body;     /* the answer's body (chunks decoded), up to `keep` bytes */
    uint64_t body_size;     /* body bytes received */
    bool body_truncated;    /* body_size > body.len */
    char content_type[128]; /* its Content-Type, made printable and cut; "" when none */
    int64_t duration_us;    /* from the first connect to the end */
};

void mr_client_answer_init(struct mr_client_answer *a);
void mr_client_answer_release(struct mr_client_answer *a);

/*
 * Sends the request and reads the answer into `a` (which holds what came of
 * an earlier call: it is reset). Returns 0 when an answer's head arrived:
 * a->status is set, even when the body was then cut short (the connection
 * ended, the deadline passed, MR_CLIENT_READ_MAX). Otherwise returns
 * MR_ESYSTEM (MR_ENOMEM) with a phrase in err->msg that reads after "the
 * callback failed: ": "connection refused", "timed out after 5 s (no
 * answer)", "connection reset by peer", "the connection closed before an
 * answer", "malformed answer: ...", "interrupted".
 */
int mr_client_exchange(const struct mr_client_request *req, struct mr_client_answer *a,
                       struct mr_error *err);

#endif
