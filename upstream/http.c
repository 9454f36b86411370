/*
 * http.c - the HTTP/1.1 client (http.h): connect with a deadline, one write,
 * then the response read into growing buffers and parsed by
 * upstream/framing.h. The head is parsed in place, so the header array
 * points into in_; the body's bytes go on in body_ and are decoded there,
 * in place, as they come.
 *
 * Every wait is one poll() on the socket and the cancel descriptor, bounded
 * by the nearer of the wait's own bound (connect_ms, io_ms) and what is left
 * of the deadline. The bytes of mr_upstream_parse take the place of the
 * socket in receive(), so the parse is the client's own code path.
 */
#define _GNU_SOURCE /* MSG_NOSIGNAL, SOCK_CLOEXEC, SOCK_NONBLOCK */
#include "upstream/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/clock.h"

void mr_upstream_limits_init(struct mr_upstream_limits *lim)
{
    memset(lim, 0, sizeof(*lim));
    lim->connect_ms = MR_UPSTREAM_CONNECT_MS_DEFAULT;
    lim->io_ms = MR_UPSTREAM_IO_MS_DEFAULT;
    lim->timeout_ms = 0;
    lim->cancel_fd = -1;
    lim->max_head = MR_UPSTREAM_MAX_HEAD_DEFAULT;
    lim->max_body = MR_UPSTREAM_MAX_BODY_DEFAULT;
    lim->keep = SIZE_MAX;
    lim->mode = MR_UPSTREAM_WHOLE;
}

void mr_upstream_response_init(struct mr_upstream_response *r)
{
    memset(r, 0, sizeof(*r));
    r->reason = "";
    r->body = "";
    mr_framing_head_init(&r->head_);
    mr_buf_init(&r->in_);
    mr_buf_init(&r->body_);
}

void mr_upstream_response_release(struct mr_upstream_response *r)
{
    mr_framing_head_release(&r->head_);
    mr_buf_release(&r->in_);
    mr_buf_release(&r->body_);
    mr_upstream_response_init(r);
}

size_t mr_upstream_response_size(const struct mr_upstream_response *r)
{
    return r->in_.cap + r->body_.cap + r->head_.cap_ * sizeof(struct mr_kv);
}

/* Empties r for another response, keeping its memory. */
static void reset(struct mr_upstream_response *r)
{
    r->status = 0;
    r->reason = "";
    r->headers = r->head_.headers;
    r->nheaders = 0;
    r->body = "";
    r->body_len = 0;
    r->body_size = 0;
    r->body_truncated = false;
    r->chunked = false;
    r->head_.nheaders = 0;
    mr_buf_reset(&r->in_);
    mr_buf_reset(&r->body_);
}

const struct mr_kv *mr_upstream_header(const struct mr_upstream_response *r, const char *name)
{
    return mr_framing_header(r->headers, r->nheaders, name);
}

/* Whether the comma-separated list `list` has the token name[0..len) (case-insensitive). */
static bool list_has(const char *list, const char *name, size_t len)
{
    const char *p = list;
    while (p && *p) {
        size_t n;
        p += strspn(p, " \t,");
        n = strcspn(p, ", \t");
        if (n == len && strncasecmp(p, name, len) == 0)
            return true;
        p += n;
        p += strcspn(p, ",");
    }
    return false;
}

bool mr_upstream_hop_by_hop(const char *name, size_t name_len, const char *connection)
{
    static const char *const hop[] = {"Connection", "Keep-Alive",        "Proxy-Connection", "TE",
                                      "Trailer",    "Transfer-Encoding", "Upgrade"};
    size_t i;
    for (i = 0; i < sizeof(hop) / sizeof(hop[0]); i++)
        if (strlen(hop[i]) == name_len && strncasecmp(hop[i], name, name_len) == 0)
            return true;
    return connection && list_has(connection, name, name_len);
}

/* ---- addresses ------------------------------------------------------------ */

static bool add_literal(struct mr_upstream_addrs *out, const char *host, int port)
{
    struct sockaddr_in *a4 = (struct sockaddr_in *)&out->addr[out->n];
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&out->addr[out->n];

    if (out->n >= MR_UPSTREAM_MAX_ADDRS)
        return false;
    memset(&out->addr[out->n], 0, sizeof(out->addr[0]));
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        out->len[out->n++] = sizeof(*a4);
        return true;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        out->len[out->n++] = sizeof(*a6);
        return true;
    }
    return false;
}

/* mr_upstream_resolve, worded for the mode: `named` as a proxy says it. */
static int resolve(struct mr_upstream_addrs *out, const char *host, int port, bool named,
                   struct mr_error *err)
{
    const char *say = named ? "cannot find the address of" : "cannot resolve host";
    struct addrinfo hints, *res = NULL, *ai;
    char service[16];
    int rc;

    out->n = 0;
    if (add_literal(out, host, port))
        return 0;
    if (strcasecmp(host, "localhost") == 0) {
        add_literal(out, "127.0.0.1", port);
        add_literal(out, "::1", port);
        return 0;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    snprintf(service, sizeof(service), "%d", port);
    rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0)
        return mr_error_set(err, MR_ESETUP, "%s %s: %s", say, host,
                            rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
    for (ai = res; ai && out->n < MR_UPSTREAM_MAX_ADDRS; ai = ai->ai_next) {
        if (ai->ai_addrlen > sizeof(out->addr[0]))
            continue;
        memcpy(&out->addr[out->n], ai->ai_addr, ai->ai_addrlen);
        out->len[out->n++] = ai->ai_addrlen;
    }
    freeaddrinfo(res);
    if (out->n == 0)
        return mr_error_set(err, MR_ESETUP, "%s %s: no address", say, host);
    return 0;
}

int mr_upstream_resolve(struct mr_upstream_addrs *out, const char *host, int port,
                        struct mr_error *err)
{
    return resolve(out, host, port, false, err);
}

/* ---- the connection ------------------------------------------------------- */

struct conn {
    int fd; /* -1: none (or reading mem) */
    const struct mr_upstream_limits *lim;
    bool whole;          /* MR_UPSTREAM_WHOLE */
    int64_t deadline_us; /* INT64_MAX: none */
    const char *mem;     /* mr_upstream_parse: the bytes in place of the socket */
    size_t mem_len, mem_off, piece;
    char where[MR_URL_HOST_MAX + 32]; /* "host:port", for messages */
    struct mr_error *err;
};

static void conn_init(struct conn *c, const struct mr_upstream_limits *lim, int64_t t0,
                      struct mr_error *err)
{
    memset(c, 0, sizeof(*c));
    c->fd = -1;
    c->lim = lim;
    c->whole = lim->mode == MR_UPSTREAM_WHOLE;
    c->deadline_us = lim->timeout_ms > 0 ? t0 + lim->timeout_ms * 1000 : INT64_MAX;
    c->err = err;
}

/* What a wait is for: how a proxy's message says it, and a callback's. */
enum wait { W_CONNECT, W_SEND, W_HEAD, W_BODY };
static const char *const doing[] = {"cannot connect to", "sending to", "waiting for",
                                    "waiting for"};
static const char *const awaited[] = {"connecting", "sending the request", "no answer",
                                      "reading the answer"};

/* A bound of `ms` passed while waiting for `w`. */
static int timed_out(struct conn *c, enum wait w, int64_t ms)
{
    char s[32];
    if (c->whole)
        return mr_error_set(c->err, MR_ESETUP, "%s %s: no answer within %lld ms", doing[w],
                            c->where, (long long)ms);
    snprintf(s, sizeof(s), "%g s", (double)ms / 1000.0);
    return mr_error_set(c->err, MR_ESYSTEM, "timed out after %s (%s)", s, awaited[w]);
}

/*
 * Waits until the socket is ready for `events`, at most `bound_ms` (0: no
 * bound but the deadline). Returns 0; 1 when bound_ms passed (the caller
 * says what that means); or an error: the deadline passed, the cancel
 * descriptor became readable, poll failed.
 */
static int await(struct conn *c, short events, int bound_ms, enum wait w)
{
    int64_t start = mr_clock_mono_us();
    for (;;) {
        struct pollfd p[2] = {{c->fd, events, 0}, {c->lim->cancel_fd, POLLIN, 0}};
        int64_t now = mr_clock_mono_us(), left = c->deadline_us - now;
        int64_t ms = -1;
        int n;

        if (left <= 0)
            return timed_out(c, w, c->lim->timeout_ms);
        if (c->deadline_us != INT64_MAX)
            ms = (left + 999) / 1000;
        if (bound_ms > 0) {
            int64_t rest = bound_ms - (now - start) / 1000;
            if (rest <= 0)
                return 1;
            if (ms < 0 || rest < ms)
                ms = rest;
        }
        n = poll(p, c->lim->cancel_fd >= 0 ? 2 : 1, ms > INT_MAX ? INT_MAX : (int)ms);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return c->whole ? mr_error_sys(c->err, "%s %s", doing[w], c->where)
                            : mr_error_sys(c->err, "poll");
        if (c->lim->cancel_fd >= 0 && (p[1].revents & POLLIN))
            return c->whole
                       ? mr_error_set(c->err, MR_ESETUP, "%s %s: interrupted", doing[w], c->where)
                       : mr_error_set(c->err, MR_ESYSTEM, "interrupted (mockrun was stopped)");
        if (n > 0 && p[0].revents)
            return 0;
    }
}

/* A socket error as a callback's message says it. */
static const char *errno_phrase(int e)
{
    switch (e) {
    case ECONNREFUSED:
        return "connection refused";
    case ECONNRESET:
        return "connection reset by peer";
    case EHOSTUNREACH:
        return "host unreachable";
    case ENETUNREACH:
        return "network unreachable";
    case EPIPE:
        return "the connection closed while the request was being sent";
    default:
        return strerror(e);
    }
}

/* Connects to the first address that accepts, each within connect_ms. */
static int connect_any(struct conn *c, const struct mr_upstream_addrs *a)
{
    int last = ECONNREFUSED, rc;
    bool slow = false;
    size_t i;

    for (i = 0; i < a->n; i++) {
        /* no TCP_NODELAY: the request goes in one write, which Nagle never holds back */
        int fd = socket(a->addr[i].ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int soerr = 0;
        socklen_t sl = sizeof(soerr);

        if (fd < 0) {
            last = errno;
            continue;
        }
        c->fd = fd;
        if (connect(fd, (const struct sockaddr *)&a->addr[i], a->len[i]) == 0)
            return 0;
        if (errno != EINPROGRESS) {
            last = errno;
        } else if ((rc = await(c, POLLOUT, c->lim->connect_ms, W_CONNECT)) < 0) {
            return rc; /* the deadline or a cancel ends the call; the caller closes c->fd */
        } else if (rc == 1) {
            last = ETIMEDOUT; /* this address is silent: the next one may answer */
            slow = true;
        } else {
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
                soerr = errno;
            if (soerr == 0)
                return 0;
            last = soerr;
        }
        close(fd);
        c->fd = -1;
    }
    if (!c->whole)
        return mr_error_set(c->err, MR_ESYSTEM, "%s", errno_phrase(last));
    if (slow && last == ETIMEDOUT)
        return timed_out(c, W_CONNECT, c->lim->connect_ms);
    return mr_error_set(c->err, MR_ESETUP, "cannot connect to %s: %s", c->where,
                        last == ECONNREFUSED ? "connection refused (is the server running?)"
                                             : strerror(last));
}

/* Sends iov[0..n) whole (one sendmsg when the socket takes it). */
static int send_all(struct conn *c, struct iovec *iov, int n)
{
    while (n > 0) {
        struct msghdr m;
        ssize_t k;
        int rc;

        if (iov->iov_len == 0) {
            iov++;
            n--;
            continue;
        }
        memset(&m, 0, sizeof(m));
        m.msg_iov = iov;
        m.msg_iovlen = (size_t)n;
        k = sendmsg(c->fd, &m, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if ((rc = await(c, POLLOUT, c->lim->io_ms, W_SEND)) == 1)
                return timed_out(c, W_SEND, c->lim->io_ms);
            if (rc != 0)
                return rc;
            continue;
        }
        if (k <= 0) {
            if (k == 0)
                errno = EPIPE;
            return c->whole ? mr_error_sys(c->err, "sending to %s", c->where)
                            : mr_error_set(c->err, MR_ESYSTEM, "%s", errno_phrase(errno));
        }
        while (n > 0 && (size_t)k >= iov->iov_len) {
            k -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + k;
            iov->iov_len -= (size_t)k;
        }
    }
    return 0;
}

static int nomem(struct conn *c)
{
    return mr_error_set(c->err, MR_ENOMEM, "out of memory");
}

/* Receives more bytes into b (at most `room` more). Returns 1 when bytes came,
 * 0 at the end of the connection, or an error. */
static int receive(struct conn *c, struct mr_buf *b, size_t room, enum wait w)
{
    size_t want = room < 65536 ? room : 65536;
    int rc;

    if (want == 0)
        want = 1;
    if (c->mem) {
        size_t n = c->mem_len - c->mem_off;
        if (n == 0)
            return 0;
        if (c->piece && n > c->piece)
            n = c->piece;
        if (n > want)
            n = want;
        if (!mr_buf_append(b, c->mem + c->mem_off, n))
            return nomem(c);
        c->mem_off += n;
        return 1;
    }
    if (!mr_buf_reserve(b, want))
        return nomem(c);
    for (;;) {
        ssize_t n = recv(c->fd, b->data + b->len, want, 0);
        if (n > 0) {
            b->len += (size_t)n;
            b->data[b->len] = '\0';
            return 1;
        }
        if (n == 0)
            return 0;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if ((rc = await(c, POLLIN, c->lim->io_ms, w)) == 1)
                return timed_out(c, w, c->lim->io_ms);
            if (rc != 0)
                return rc;
            continue;
        }
        if (!c->whole)
            return mr_error_set(c->err, MR_ESYSTEM, "%s", errno_phrase(errno));
        if (errno == ECONNRESET)
            return mr_error_set(c->err, MR_ESETUP, "%s reset the connection", c->where);
        return mr_error_sys(c->err, "receiving from %s", c->where);
    }
}

/* ---- the response --------------------------------------------------------- */

/* The answer broke the protocol: `why` says how (framing.h's words). */
static int malformed(struct conn *c, const struct mr_error *why)
{
    if (why->code == MR_ENOMEM)
        return nomem(c);
    if (c->whole)
        return mr_error_set(c->err, MR_ESETUP, "malformed response from %s: %s", c->where,
                            why->msg);
    return mr_error_set(c->err, MR_ESYSTEM, "malformed answer: %s", why->msg);
}

/* Reads until in_ holds a whole head; *end is where it ends. */
static int read_head(struct conn *c, struct mr_upstream_response *r, size_t *end)
{
    size_t seen = 0;
    for (;;) {
        int rc;
        *end = mr_framing_head_end(r->in_.data ? r->in_.data : "", r->in_.len, seen);
        if (*end)
            return 0;
        seen = r->in_.len;
        if (r->in_.len > c->lim->max_head) {
            struct mr_error why;
            mr_error_set(&why, MR_ESETUP, "the head is larger than %zu bytes", c->lim->max_head);
            return malformed(c, &why);
        }
        rc = receive(c, &r->in_, c->lim->max_head + 1 - r->in_.len, W_HEAD);
        if (rc < 0)
            return rc;
        if (rc > 0)
            continue;
        if (!c->whole)
            return mr_error_set(c->err, MR_ESYSTEM,
                                r->in_.len ? "the connection closed in the middle of the "
                                             "answer's head"
                                           : "the connection closed before an answer");
        return mr_error_set(c->err, MR_ESETUP,
                            r->in_.len ? "%s closed the connection in the middle of the head"
                                       : "%s closed the connection without an answer",
                            c->where);
    }
}

static int too_large(struct conn *c)
{
    return mr_error_set(c->err, MR_ESETUP, "the answer of %s is larger than %zu bytes", c->where,
                        c->lim->max_body);
}

/* Whether the body is longer than max, or is announced to be. */
static bool over(const struct mr_upstream_response *r, const struct mr_framing_decoder *d,
                 size_t max)
{
    return r->body_size > max || d->left > max - r->body_size;
}

/*
 * Reads the body as the head frames it, decoding in place in body_: its
 * first `kept` bytes are the body kept so far, bytes from `off` on are
 * received and not yet decoded. A decoded span moves down to the kept end,
 * which is where it already lies unless chunk lines came before it, so a
 * body framed by its length or by the connection's end is never copied.
 */
static int read_body(struct conn *c, struct mr_upstream_response *r)
{
    const size_t max = c->lim->max_body, keep = c->lim->keep;
    struct mr_buf *b = &r->body_;
    struct mr_framing_decoder d;
    struct mr_error why;
    const char *cut;
    size_t kept = 0, off = 0;
    int rc;

    mr_framing_decoder_init(&d, &r->head_);
    r->chunked = d.kind == MR_FRAMING_CHUNKED;
    for (;;) {
        while (!d.done && off < b->len) {
            const char *data;
            size_t n, used, m;
            if (mr_framing_decode(&d, b->data + off, b->len - off, &data, &n, &used, &why) < 0) {
                if (c->whole)
                    return malformed(c, &why);
                goto out; /* an answer, as far as its framing held */
            }
            m = kept < keep ? (n < keep - kept ? n : keep - kept) : 0;
            if (m > 0 && data != b->data + kept)
                memmove(b->data + kept, data, m);
            kept += m;
            r->body_size += n;
            off += used;
            if (used == 0 || (c->whole ? over(r, &d, max) : r->body_size > max))
                break; /* a chunk line is still coming, or the body is too long */
        }
        /* past max_body, or announced to be: an error, or the answer's end */
        if (c->whole && over(r, &d, max))
            return too_large(c);
        if (d.done || r->body_size > max)
            break;
        /* what is decoded and not kept is no longer needed */
        if (off > kept) {
            memmove(b->data + kept, b->data + off, b->len - off);
            b->len -= off - kept;
            off = kept;
        }
        rc = receive(c, b, 65536, W_BODY);
        if (rc < 0 && c->whole)
            return rc;
        if (rc < 0)
            break; /* the head came: an answer, whatever became of its body */
        if (rc == 0) {
            if (!mr_framing_decode_end(&d, &cut) && c->whole)
                return mr_error_set(c->err, MR_ESETUP, "%s closed the connection %s", c->where,
                                    cut);
            break;
        }
    }
out:
    b->len = kept;
    if (b->data)
        b->data[kept] = '\0';
    r->body = b->data ? b->data : "";
    r->body_len = kept;
    r->body_truncated = r->body_size > r->body_len;
    return 0;
}

/* Reads the answer: its head (1xx skipped), then its body. */
static int read_answer(struct conn *c, struct mr_upstream_response *r, bool head_req)
{
    struct mr_error why;
    size_t end = 0;
    int rc;

    for (;;) {
        if ((rc = read_head(c, r, &end)) != 0)
            return rc;
        memset(&why, 0, sizeof(why));
        if (mr_framing_parse_head(&r->head_, r->in_.data, end, head_req, &why) != 0)
            return malformed(c, &why);
        if (r->head_.status >= 200 || r->head_.status == 101)
            break;
        /* an interim answer (100 Continue, 103 Early Hints): the real one follows */
        memmove(r->in_.data, r->in_.data + end, r->in_.len - end);
        r->in_.len -= end;
        r->in_.data[r->in_.len] = '\0';
    }
    if (r->head_.status == 101 && c->whole)
        return mr_error_set(c->err, MR_ESETUP,
                            "%s switched protocols (101); mockrun forwards plain HTTP requests "
                            "only",
                            c->where);
    r->status = r->head_.status;
    r->reason = r->head_.reason;
    r->headers = r->head_.headers;
    r->nheaders = r->head_.nheaders;
    /* the head stays where it was parsed (the headers point into it); the
     * body's bytes go on in body_ */
    if (!mr_buf_append(&r->body_, r->in_.data + end, r->in_.len - end))
        return nomem(c);
    r->in_.len = end;
    return read_body(c, r);
}

/* The request's head into b: request line, Host, the caller's headers,
 * Content-Length when there is a body or the method has one. */
static int build_request(struct mr_buf *b, const char *host, const struct mr_upstream_request *req)
{
    const char *target = req->target ? req->target : "";
    bool with_length = req->body_len > 0 || strcmp(req->method, "POST") == 0 ||
                       strcmp(req->method, "PUT") == 0 || strcmp(req->method, "PATCH") == 0;
    size_t i;

    mr_buf_printf(b, "%s %s%s HTTP/1.1\r\nHost: %s\r\n", req->method,
                  *target == '\0' || *target == '?' ? "/" : "", target, host);
    for (i = 0; i < req->nheaders; i++) {
        mr_buf_append(b, req->headers[i].name, req->headers[i].name_len);
        mr_buf_puts(b, ": ");
        mr_buf_append(b, req->headers[i].value, req->headers[i].value_len);
        mr_buf_puts(b, "\r\n");
    }
    if (with_length)
        mr_buf_printf(b, "Content-Length: %zu\r\n", req->body_len);
    mr_buf_puts(b, "Connection: close\r\n\r\n");
    return b->failed ? MR_ENOMEM : 0;
}

/* One exchange over c: resolve (unless `to` is given), connect, send, read. */
static int exchange(struct conn *c, const struct mr_url *url, const struct mr_upstream_addrs *to,
                    const char *host, const struct mr_upstream_request *req,
                    struct mr_upstream_response *resp)
{
    struct mr_upstream_addrs found;
    struct iovec iov[2];
    int rc;

    /* the request's head goes out through resp's buffer, emptied before the answer comes */
    if (build_request(&resp->in_, host, req) != 0)
        return nomem(c);
    if (!to) {
        if ((rc = resolve(&found, url->host, url->port, c->whole, c->err)) != 0)
            return rc;
        to = &found;
    }
    if ((rc = connect_any(c, to)) != 0)
        return rc;
    iov[0].iov_base = resp->in_.data;
    iov[0].iov_len = resp->in_.len;
    iov[1].iov_base = (void *)(req->body ? req->body : "");
    iov[1].iov_len = req->body_len;
    if ((rc = send_all(c, iov, 2)) != 0)
        return rc;
    mr_buf_reset(&resp->in_);
    return read_answer(c, resp, strcmp(req->method, "HEAD") == 0);
}

/* Runs one exchange: the response emptied first, and again when it fails. */
static int run(const struct mr_url *url, const struct mr_upstream_addrs *to, const char *host,
               const char *where, const struct mr_upstream_request *req,
               const struct mr_upstream_limits *lim, struct mr_upstream_response *resp,
               struct mr_error *err)
{
    struct conn c;
    int64_t t0 = mr_clock_mono_us();
    int rc;

    reset(resp);
    conn_init(&c, lim, t0, err);
    snprintf(c.where, sizeof(c.where), "%s", where);
    rc = exchange(&c, url, to, host, req, resp);
    if (c.fd >= 0)
        close(c.fd);
    if (rc != 0)
        reset(resp);
    resp->duration_us = mr_clock_mono_us() - t0;
    return rc;
}

int mr_upstream_call(const struct mr_url *url, const struct mr_upstream_request *req,
                     const struct mr_upstream_limits *lim, struct mr_upstream_response *resp,
                     struct mr_error *err)
{
    char host[MR_URL_HOST_MAX + 16], where[MR_URL_HOST_MAX + 32];

    mr_url_authority(url, host, sizeof(host));
    if (url->has_port) /* messages say which port was tried */
        snprintf(where, sizeof(where), "%s", host);
    else
        snprintf(where, sizeof(where), "%s:%d", host, url->port);
    return run(url, NULL, host, where, req, lim, resp, err);
}

int mr_upstream_call_at(const struct mr_upstream_addrs *to, const char *host,
                        const struct mr_upstream_request *req, const struct mr_upstream_limits *lim,
                        struct mr_upstream_response *resp, struct mr_error *err)
{
    return run(NULL, to, host, host, req, lim, resp, err);
}

int mr_upstream_parse(struct mr_upstream_response *resp, const char *data, size_t len, size_t piece,
                      const char *method, const struct mr_upstream_limits *lim,
                      struct mr_error *err)
{
    struct conn c;
    int64_t t0 = mr_clock_mono_us();
    int rc;

    reset(resp);
    conn_init(&c, lim, t0, err);
    c.deadline_us = INT64_MAX;
    c.mem = data ? data : "";
    c.mem_len = len;
    c.piece = piece;
    snprintf(c.where, sizeof(c.where), "the server");
    rc = read_answer(&c, resp, strcmp(method, "HEAD") == 0);
    if (rc != 0)
        reset(resp);
    resp->duration_us = mr_clock_mono_us() - t0;
    return rc;
}
