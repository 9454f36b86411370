/*
 * client.c - one HTTP/1.1 exchange over a non-blocking socket (client.h).
 *
 * Every wait is one poll() on the socket and the cancel descriptor, bounded
 * by what is left of the deadline, so neither a silent application nor a
 * stop request can hold a dispatcher thread longer than the callback's
 * timeout. The answer is read in one buffer: the head is parsed once it is
 * complete, then the body is taken from the bytes after it as they come,
 * by Content-Length, by chunks, or up to the connection's end.
 */
#define _GNU_SOURCE /* MSG_NOSIGNAL, SOCK_CLOEXEC / SOCK_NONBLOCK, getaddrinfo */
#include "server/client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/text.h"

static bool add_literal(struct mr_client_addrs *out, const char *host, int port)
{
    struct sockaddr_in *a4 = (struct sockaddr_in *)&out->addr[out->n];
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&out->addr[out->n];

    if (out->n >= MR_CLIENT_MAX_ADDRS)
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

int mr_client_resolve(struct mr_client_addrs *out, const char *host, int port, struct mr_error *err)
{
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
        return mr_error_set(err, MR_ESETUP, "cannot resolve host %s: %s", host,
                            rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
    for (ai = res; ai && out->n < MR_CLIENT_MAX_ADDRS; ai = ai->ai_next) {
        if (ai->ai_addrlen > sizeof(out->addr[0]))
            continue;
        memcpy(&out->addr[out->n], ai->ai_addr, ai->ai_addrlen);
        out->len[out->n++] = ai->ai_addrlen;
    }
    freeaddrinfo(res);
    if (out->n == 0)
        return mr_error_set(err, MR_ESETUP, "cannot resolve host %s: no address", host);
    return 0;
}

void mr_client_answer_init(struct mr_client_answer *a)
{
    memset(a, 0, sizeof(*a));
    mr_buf_init(&a->body);
}

void mr_client_answer_release(struct mr_client_answer *a)
{
    mr_buf_release(&a->body);
    memset(a, 0, sizeof(*a));
}

/* One exchange in progress. */
struct conn {
    const struct mr_client_request *req;
    int fd;
    int64_t deadline_us;
    struct mr_error *err;
};

/* "5 s", "0.25 s" */
static void seconds(char *buf, size_t size, int64_t ms)
{
    snprintf(buf, size, "%g s", (double)ms / 1000.0);
}

static int timed_out(struct conn *c, const char *what)
{
    char s[32];
    seconds(s, sizeof(s), c->req->timeout_ms);
    return mr_error_set(c->err, MR_ESYSTEM, "timed out after %s (%s)", s, what);
}

/*
 * Waits until the socket is ready for `events`. Returns 0, or an error:
 * the deadline passed (`what` says what was awaited), or the cancel
 * descriptor became readable.
 */
static int await(struct conn *c, short events, const char *what)
{
    for (;;) {
        struct pollfd p[2] = {{c->fd, events, 0}, {c->req->cancel_fd, POLLIN, 0}};
        int64_t left = c->deadline_us - mr_clock_mono_us();
        int n;

        if (left <= 0)
            return timed_out(c, what);
        n = poll(p, c->req->cancel_fd >= 0 ? 2 : 1, (int)((left + 999) / 1000));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return mr_error_sys(c->err, "poll");
        if (c->req->cancel_fd >= 0 && (p[1].revents & POLLIN))
            return mr_error_set(c->err, MR_ESYSTEM, "interrupted (mockrun was stopped)");
        if (n > 0 && p[0].revents)
            return 0;
    }
}

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

/* Connects to the first address that accepts; "connection refused" when none does. */
static int connect_any(struct conn *c)
{
    const struct mr_client_addrs *a = c->req->addrs;
    int last = ECONNREFUSED, rc;
    size_t i;

    for (i = 0; i < a->n; i++) {
        int fd = socket(a->addr[i].ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int one = 1, soerr = 0;
        socklen_t sl = sizeof(soerr);

        if (fd < 0) {
            last = errno;
            continue;
        }
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        c->fd = fd;
        if (connect(fd, (const struct sockaddr *)&a->addr[i], a->len[i]) != 0) {
            if (errno != EINPROGRESS) {
                last = errno;
                close(fd);
                c->fd = -1;
                continue;
            }
            if ((rc = await(c, POLLOUT, "connecting")) != 0)
                return rc; /* the caller closes c->fd */
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
                soerr = errno;
            if (soerr != 0) {
                last = soerr;
                close(fd);
                c->fd = -1;
                continue;
            }
        }
        return 0;
    }
    return mr_error_set(c->err, MR_ESYSTEM, "%s", errno_phrase(last));
}

static int send_all(struct conn *c, const char *data, size_t len)
{
    int rc;
    while (len > 0) {
        ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
        if (n > 0) {
            data += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if ((rc = await(c, POLLOUT, "sending the request")) != 0)
                return rc;
            continue;
        }
        return mr_error_set(c->err, MR_ESYSTEM, "%s", errno_phrase(n < 0 ? errno : EPIPE));
    }
    return 0;
}

/* Reads what is there into `in` (waiting for it); returns the bytes read, 0 at the
 * connection's end, or a negative error. */
static long read_some(struct conn *c, struct mr_buf *in, const char *what)
{
    for (;;) {
        ssize_t n;
        int rc;
        if (!mr_buf_reserve(in, 16384))
            return mr_error_set(c->err, MR_ENOMEM, "out of memory");
        n = recv(c->fd, in->data + in->len, in->cap - in->len - 1, 0);
        if (n > 0) {
            in->len += (size_t)n;
            in->data[in->len] = '\0';
            return (long)n;
        }
        if (n == 0)
            return 0;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return mr_error_set(c->err, MR_ESYSTEM, "%s", errno_phrase(errno));
        if ((rc = await(c, POLLIN, what)) != 0)
            return rc;
    }
}

/* The end of the head ("\r\n\r\n", or "\n\n" from a sloppy server) in in[0..len), or 0. */
static size_t head_end(const char *s, size_t len)
{
    size_t i;
    for (i = 0; i + 1 < len; i++) {
        if (s[i] == '\n' && s[i + 1] == '\n')
            return i + 2;
        if (i + 3 < len && s[i] == '\r' && s[i + 1] == '\n' && s[i + 2] == '\r' && s[i + 3] == '\n')
            return i + 4;
    }
    return 0;
}

/* How the body of the answer ends. */
enum framing { FRAME_NONE, FRAME_LENGTH, FRAME_CHUNKED, FRAME_CLOSE };

struct head {
    int status;
    enum framing framing;
    uint64_t length;
};

/* The value of header line `line` (len bytes) when it is `name`, else NULL; *vlen set. */
static const char *header_value(const char *line, size_t len, const char *name, size_t *vlen)
{
    size_t n = strlen(name);
    const char *v, *end = line + len;

    if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
        return NULL;
    v = line + n + 1;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    *vlen = (size_t)(end - v);
    return v;
}

static int parse_head(struct conn *c, const char *s, size_t len, struct head *h,
                      struct mr_client_answer *a)
{
    const char *p = s, *end = s + len, *nl;
    bool chunked = false, has_length = false;

    memset(h, 0, sizeof(*h));
    if (len < 12 || strncmp(s, "HTTP/1.", 7) != 0 || (s[7] != '0' && s[7] != '1') || s[8] != ' ' ||
        s[9] < '1' || s[9] > '5' || s[10] < '0' || s[10] > '9' || s[11] < '0' || s[11] > '9' ||
        (len > 12 && s[12] != ' ' && s[12] != '\r' && s[12] != '\n'))
        return mr_error_set(c->err, MR_ESYSTEM, "malformed answer: no HTTP/1.x status line");
    h->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
    nl = memchr(p, '\n', (size_t)(end - p));
    for (p = nl ? nl + 1 : end; p < end; p = nl ? nl + 1 : end) {
        size_t vlen = 0, ll;
        const char *v;
        nl = memchr(p, '\n', (size_t)(end - p));
        ll = (size_t)((nl ? nl : end) - p);
        if ((v = header_value(p, ll, "Content-Length", &vlen)) != NULL) {
            uint64_t n = 0;
            size_t i;
            if (vlen == 0 || vlen > 19)
                return mr_error_set(c->err, MR_ESYSTEM, "malformed answer: bad Content-Length");
            for (i = 0; i < vlen; i++) {
                if (v[i] < '0' || v[i] > '9')
                    return mr_error_set(c->err, MR_ESYSTEM, "malformed answer: bad Content-Length");
                n = n * 10 + (uint64_t)(v[i] - '0');
            }
            if (has_length && n != h->length)
                return mr_error_set(c->err, MR_ESYSTEM,
                                    "malformed answer: two different Content-Length headers");
            h->length = n;
            has_length = true;
        } else if ((v = header_value(p, ll, "Transfer-Encoding", &vlen)) != NULL) {
            chunked = vlen >= 7 && strncasecmp(v + vlen - 7, "chunked", 7) == 0;
        } else if ((v = header_value(p, ll, "Content-Type", &vlen)) != NULL) {
            mr_printable(a->content_type, sizeof(a->content_type), v, vlen);
        }
    }
    h->framing = chunked ? FRAME_CHUNKED : has_length ? FRAME_LENGTH : FRAME_CLOSE;
    if (strcmp(c->req->method, "HEAD") == 0 || h->status == 204 || h->status == 304)
        h->framing = FRAME_NONE;
    return 0;
}

/* Takes body bytes for the answer: kept up to `keep`, all counted. */
static void take(struct mr_client_answer *a, const struct mr_client_request *req, const char *s,
                 size_t n)
{
    size_t room = a->body.len < req->keep ? req->keep - a->body.len : 0;
    mr_buf_append(&a->body, s, n < room ? n : room);
    a->body_size += n;
}

/* A chunked body's decoding state. */
struct chunks {
    enum { CH_SIZE, CH_DATA, CH_DATA_END, CH_TRAILER, CH_DONE } state;
    uint64_t left; /* CH_DATA: bytes of the chunk still to come */
};

/*
 * Decodes what it can of in[*off..in->len) and moves *off past it. Returns
 * 0, or an error for a malformed size line. Partial lines wait for more.
 */
static int dechunk(struct conn *c, struct chunks *ch, const struct mr_buf *in, size_t *off,
                   struct mr_client_answer *a)
{
    while (*off < in->len && ch->state != CH_DONE) {
        const char *p = in->data + *off, *nl;
        size_t avail = in->len - *off;

        if (ch->state == CH_DATA) {
            size_t n = avail < ch->left ? avail : (size_t)ch->left;
            take(a, c->req, p, n);
            *off += n;
            if ((ch->left -= n) == 0)
                ch->state = CH_DATA_END;
            continue;
        }
        nl = memchr(p, '\n', avail);
        if (!nl) {
            if (avail > 4096)
                return mr_error_set(c->err, MR_ESYSTEM, "malformed answer: bad chunk");
            return 0; /* the rest of the line is still to come */
        }
        if (ch->state == CH_SIZE) {
            uint64_t size = 0;
            int digits = 0, v;
            while ((v = mr_hexval(*p)) >= 0 && digits < 16) {
                size = size * 16 + (uint64_t)v;
                digits++;
                p++;
            }
            if (digits == 0 || mr_hexval(*p) >= 0)
                return mr_error_set(c->err, MR_ESYSTEM, "malformed answer: bad chunk size");
            ch->left = size;
            ch->state = size ? CH_DATA : CH_TRAILER;
        } else if (ch->state == CH_DATA_END) {
            if (!(nl == p || (nl == p + 1 && *p == '\r')))
                return mr_error_set(c->err, MR_ESYSTEM, "malformed answer: bad chunk end");
            ch->state = CH_SIZE;
        } else if (nl == p || (nl == p + 1 && *p == '\r')) {
            ch->state = CH_DONE; /* the empty line after the trailer */
        }
        *off = (size_t)(nl - in->data) + 1;
    }
    return 0;
}

/* Reads the answer: its head (skipping 1xx), then its body as framed. */
static int read_answer(struct conn *c, struct mr_client_answer *a)
{
    struct mr_buf in;
    struct head h;
    struct chunks ch = {CH_SIZE, 0};
    size_t hlen = 0, off;
    long n;
    int rc = 0;

    mr_buf_init(&in);
    for (;;) {
        while ((hlen = head_end(in.data ? in.data : "", in.len)) == 0) {
            if (in.len > MR_CLIENT_HEAD_MAX) {
                rc = mr_error_set(c->err, MR_ESYSTEM,
                                  "malformed answer: no end of its head in %d KiB",
                                  MR_CLIENT_HEAD_MAX / 1024);
                goto out;
            }
            n = read_some(c, &in, "no answer");
            if (n < 0) {
                rc = (int)n;
                goto out;
            }
            if (n == 0) {
                rc = mr_error_set(c->err, MR_ESYSTEM,
                                  in.len ? "the connection closed in the middle of the answer's "
                                           "head"
                                         : "the connection closed before an answer");
                goto out;
            }
        }
        if ((rc = parse_head(c, in.data, hlen, &h, a)) != 0)
            goto out;
        if (h.status >= 200 || h.status == 101)
            break;
        /* an interim answer (100 Continue, 103 Early Hints): the real one follows */
        memmove(in.data, in.data + hlen, in.len - hlen);
        in.len -= hlen;
        in.data[in.len] = '\0';
        a->content_type[0] = '\0';
    }
    a->status = h.status;
    off = hlen;
    for (;;) {
        size_t total = in.len - hlen;
        if (h.framing == FRAME_NONE)
            break;
        if (h.framing == FRAME_CHUNKED) {
            if (dechunk(c, &ch, &in, &off, a) != 0 || ch.state == CH_DONE)
                break;
        } else {
            size_t n2 = in.len - off;
            if (h.framing == FRAME_LENGTH && a->body_size + n2 > h.length)
                n2 = (size_t)(h.length - a->body_size);
            take(a, c->req, in.data + off, n2);
            off += n2;
            if (h.framing == FRAME_LENGTH && a->body_size >= h.length)
                break;
        }
        /* what was taken is no longer needed: keep only an unfinished chunk line */
        memmove(in.data + hlen, in.data + off, in.len - off);
        in.len = hlen + (in.len - off);
        off = hlen;
        if (total > MR_CLIENT_READ_MAX || a->body_size > MR_CLIENT_READ_MAX)
            break;
        n = read_some(c, &in, "reading the answer");
        if (n <= 0)
            break; /* the head came: an answer, whatever became of its body */
    }
    a->body_truncated = a->body_size > a->body.len;
out:
    mr_buf_release(&in);
    return rc;
}

int mr_client_exchange(const struct mr_client_request *req, struct mr_client_answer *a,
                       struct mr_error *err)
{
    struct conn c = {req, -1, 0, err};
    struct mr_buf out;
    int64_t t0 = mr_clock_mono_us();
    int rc;

    mr_buf_reset(&a->body);
    a->status = 0;
    a->body_size = 0;
    a->body_truncated = false;
    a->content_type[0] = '\0';
    c.deadline_us = t0 + req->timeout_ms * 1000;
    mr_buf_init(&out);
    mr_buf_printf(&out, "%s ", req->method);
    if (req->target_len == 0 || req->target[0] == '?')
        mr_buf_putc(&out, '/');
    mr_buf_append(&out, req->target, req->target_len);
    mr_buf_printf(&out, " HTTP/1.1\r\nHost: %s\r\n", req->host);
    if (req->headers_len)
        mr_buf_append(&out, req->headers, req->headers_len);
    if (req->body_len || req->send_length)
        mr_buf_printf(&out, "Content-Length: %zu\r\n", req->body_len);
    mr_buf_puts(&out, "Connection: close\r\n\r\n");
    if (out.failed) {
        rc = mr_error_set(err, MR_ENOMEM, "out of memory");
    } else if ((rc = connect_any(&c)) == 0 && (rc = send_all(&c, out.data, out.len)) == 0 &&
               (rc = send_all(&c, req->body ? req->body : "", req->body_len)) == 0) {
        rc = read_answer(&c, a);
    }
    if (c.fd >= 0)
        close(c.fd);
    mr_buf_release(&out);
    a->duration_us = mr_clock_mono_us() - t0;
    return rc;
}
