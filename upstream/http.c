/*
 * http.c - the upstream HTTP/1.1 client: connect with a deadline, one write,
 * then the response parsed from one growing buffer. The head is parsed in
 * place (names and values NUL-terminated where they lie), so the header
 * array points into the buffer; a chunked body is copied out chunk by chunk.
 */
#define _GNU_SOURCE /* MSG_NOSIGNAL, SOCK_CLOEXEC, SOCK_NONBLOCK */
#include "upstream/http.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

void mr_upstream_limits_init(struct mr_upstream_limits *lim)
{
    lim->connect_ms = MR_UPSTREAM_CONNECT_MS_DEFAULT;
    lim->io_ms = MR_UPSTREAM_IO_MS_DEFAULT;
    lim->max_head = MR_UPSTREAM_MAX_HEAD_DEFAULT;
    lim->max_body = MR_UPSTREAM_MAX_BODY_DEFAULT;
}

void mr_upstream_response_init(struct mr_upstream_response *r)
{
    memset(r, 0, sizeof(*r));
    r->reason = "";
    r->body = "";
    mr_buf_init(&r->in_);
    mr_buf_init(&r->raw_);
    mr_buf_init(&r->body_);
}

void mr_upstream_response_release(struct mr_upstream_response *r)
{
    mr_buf_release(&r->in_);
    mr_buf_release(&r->raw_);
    mr_buf_release(&r->body_);
    free(r->headers);
    mr_upstream_response_init(r);
}

/* Empties r for another response, keeping its memory. */
static void reset(struct mr_upstream_response *r)
{
    r->status = 0;
    r->reason = "";
    r->nheaders = 0;
    r->body = "";
    r->body_len = 0;
    r->chunked = false;
    mr_buf_reset(&r->in_);
    mr_buf_reset(&r->raw_);
    mr_buf_reset(&r->body_);
}

const struct mr_kv *mr_upstream_header(const struct mr_upstream_response *r, const char *name)
{
    size_t i, n = strlen(name);
    for (i = 0; i < r->nheaders; i++)
        if (r->headers[i].name_len == n && strncasecmp(r->headers[i].name, name, n) == 0)
            return &r->headers[i];
    return NULL;
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

/* ---- the connection ----------------------------------------------------- */

struct conn {
    int fd;
    const struct mr_upstream_limits *lim;
    char where[MR_URL_HOST_MAX + 16]; /* "host:port", for messages */
};

static int wait_for(struct conn *c, short events, int ms, const char *doing, struct mr_error *err)
{
    struct pollfd p = {c->fd, events, 0};
    int n;
    do
        n = poll(&p, 1, ms);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return mr_error_sys(err, "%s %s", doing, c->where);
    if (n == 0)
        return mr_error_set(err, MR_ESETUP, "%s %s: no answer within %d ms", doing, c->where, ms);
    return 0;
}

static int connect_to(struct conn *c, const struct mr_url *url, struct mr_error *err)
{
    struct addrinfo hints, *res = NULL, *ai;
    char port[16];
    int rc, saved = 0;
    bool timed_out = false;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof(port), "%d", url->port);
    rc = getaddrinfo(url->host, port, &hints, &res);
    if (rc != 0)
        return mr_error_set(err, MR_ESETUP, "cannot find the address of %s: %s", url->host,
                            rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
    for (ai = res; ai; ai = ai->ai_next) {
        int fd =
            socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            c->fd = fd;
            break;
        }
        if (errno == EINPROGRESS) {
            struct pollfd p = {fd, POLLOUT, 0};
            int n, so = 0;
            socklen_t sl = sizeof(so);
            do
                n = poll(&p, 1, c->lim->connect_ms);
            while (n < 0 && errno == EINTR);
            if (n > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl) == 0 && so == 0) {
                c->fd = fd;
                break;
            }
            timed_out |= n == 0;
            saved = n > 0 ? so : n == 0 ? ETIMEDOUT : errno;
        } else {
            saved = errno;
        }
        close(fd);
    }
    freeaddrinfo(res);
    if (c->fd >= 0)
        return 0;
    if (timed_out && saved == ETIMEDOUT)
        return mr_error_set(err, MR_ESETUP, "cannot connect to %s: no answer within %d ms",
                            c->where, c->lim->connect_ms);
    return mr_error_set(err, MR_ESETUP, "cannot connect to %s: %s", c->where,
                        saved == ECONNREFUSED ? "connection refused (is the server running?)"
                                              : strerror(saved ? saved : ETIMEDOUT));
}

static int send_all(struct conn *c, const char *data, size_t len, struct mr_error *err)
{
    while (len > 0) {
        ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int rc = wait_for(c, POLLOUT, c->lim->io_ms, "sending to", err);
            if (rc != 0)
                return rc;
            continue;
        }
        if (n <= 0)
            return mr_error_sys(err, "sending to %s", c->where);
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Receives more bytes into b (at most `room` more). Returns 1 when bytes came,
 * 0 at the end of the connection, or a negative code. */
static int receive(struct conn *c, struct mr_buf *b, size_t room, struct mr_error *err)
{
    size_t want = room < 65536 ? room : 65536;
    if (want == 0)
        want = 1;
    if (!mr_buf_reserve(b, want))
        return mr_error_set(err, MR_ENOMEM, "out of memory");
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
            int rc = wait_for(c, POLLIN, c->lim->io_ms, "waiting for", err);
            if (rc != 0)
                return rc;
            continue;
        }
        if (errno == ECONNRESET)
            return mr_error_set(err, MR_ESETUP, "%s reset the connection", c->where);
        return mr_error_sys(err, "receiving from %s", c->where);
    }
}

/* ---- the response --------------------------------------------------------- */

/* Where the head that starts at `from` ends (after the blank line), or 0. */
static size_t head_end(const char *s, size_t from, size_t len)
{
    size_t i;
    for (i = from; i < len; i++) {
        if (s[i] != '\n')
            continue;
        if (i + 1 < len && s[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

static void trim(char **s, char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
        (*e)--;
}

/* Parses the head in in_[0, end): the status line and the headers, in place. */
static int parse_head(struct mr_upstream_response *r, struct conn *c, size_t end,
                      struct mr_error *err)
{
    char *p = r->in_.data, *stop = r->in_.data + end, *eol, *s, *e;

    eol = memchr(p, '\n', (size_t)(stop - p));
    if (!eol || (size_t)(eol - p) < 12 || strncmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ' ||
        p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9' ||
        (p[12] != ' ' && p[12] != '\r' && p[12] != '\n'))
        return mr_error_set(err, MR_ESETUP, "malformed response from %s: no HTTP/1.x status line",
                            c->where);
    r->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
    s = p + 12;
    e = eol;
    trim(&s, &e);
    *e = '\0';
    r->reason = s;
    r->nheaders = 0;
    for (p = eol + 1; p < stop; p = eol + 1) {
        char *colon;
        eol = memchr(p, '\n', (size_t)(stop - p));
        if (!eol || eol == p || (eol == p + 1 && *p == '\r'))
            break; /* the blank line */
        if (*p == ' ' || *p == '\t')
            return mr_error_set(err, MR_ESETUP, "malformed response from %s: a folded header line",
                                c->where);
        colon = memchr(p, ':', (size_t)(eol - p));
        if (!colon || colon == p)
            return mr_error_set(err, MR_ESETUP, "malformed response from %s: a header without ':'",
                                c->where);
        if (r->nheaders == r->cap_headers_) {
            size_t cap = r->cap_headers_ ? r->cap_headers_ * 2 : 32;
            struct mr_kv *h = realloc(r->headers, cap * sizeof(*h));
            if (!h)
                return mr_error_set(err, MR_ENOMEM, "out of memory");
            r->headers = h;
            r->cap_headers_ = cap;
        }
        s = p;
        e = colon;
        trim(&s, &e);
        *e = '\0';
        r->headers[r->nheaders].name = s;
        r->headers[r->nheaders].name_len = (size_t)(e - s);
        s = colon + 1;
        e = eol;
        trim(&s, &e);
        *e = '\0';
        r->headers[r->nheaders].value = s;
        r->headers[r->nheaders].value_len = (size_t)(e - s);
        r->nheaders++;
    }
    return 0;
}

/* Reads until in_ holds a whole head; *end is where it ends. */
static int read_head(struct mr_upstream_response *r, struct conn *c, size_t *end,
                     struct mr_error *err)
{
    size_t from = 0, scanned = 0;
    for (;;) {
        size_t e = head_end(r->in_.data ? r->in_.data : "", scanned > from + 2 ? scanned - 2 : from,
                            r->in_.len);
        int rc;
        if (e) {
            *end = e;
            return 0;
        }
        scanned = r->in_.len;
        if (r->in_.len - from > c->lim->max_head)
            return mr_error_set(err, MR_ESETUP,
                                "malformed response from %s: the head is larger than %zu bytes",
                                c->where, c->lim->max_head);
        rc = receive(c, &r->in_, c->lim->max_head + 1 - (r->in_.len - from), err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return mr_error_set(err, MR_ESETUP,
                                r->in_.len == from
                                    ? "%s closed the connection without an answer"
                                    : "%s closed the connection in the middle of the head",
                                c->where);
    }
}

static int too_large(struct conn *c, struct mr_error *err)
{
    return mr_error_set(err, MR_ESETUP, "the answer of %s is larger than %zu bytes", c->where,
                        c->lim->max_body);
}

/* Reads until in_ holds `want` bytes from `at`; returns 0 or an error (the end
 * of the connection too, named by `what`). */
static int need(struct mr_upstream_response *r, struct conn *c, size_t at, size_t want,
                const char *what, struct mr_error *err)
{
    while (r->raw_.len - at < want) {
        int rc = receive(c, &r->raw_, want - (r->raw_.len - at), err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return mr_error_set(err, MR_ESETUP, "%s closed the connection %s", c->where, what);
    }
    return 0;
}

/* The position after the next line that starts at `at` (reading as needed). */
static int line_at(struct mr_upstream_response *r, struct conn *c, size_t at, size_t *next,
                   struct mr_error *err)
{
    for (;;) {
        char *nl = memchr(r->raw_.data + at, '\n', r->raw_.len - at);
        int rc;
        if (nl) {
            *next = (size_t)(nl - r->raw_.data) + 1;
            return 0;
        }
        if (r->raw_.len - at > 4096)
            return mr_error_set(err, MR_ESETUP,
                                "malformed response from %s: a chunk line "
                                "longer than 4096 bytes",
                                c->where);
        rc = receive(c, &r->raw_, 4096, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return mr_error_set(err, MR_ESETUP, "%s closed the connection in a chunked body",
                                c->where);
    }
}

static int read_chunked(struct mr_upstream_response *r, struct conn *c, size_t at,
                        struct mr_error *err)
{
    int rc;
    for (;;) {
        size_t next, size = 0, digits = 0;
        const char *p;

        if ((rc = line_at(r, c, at, &next, err)) != 0)
            return rc;
        for (p = r->raw_.data + at; digits < 16; p++, digits++) {
            int v = *p >= '0' && *p <= '9'   ? *p - '0'
                    : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
                    : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
                                             : -1;
            if (v < 0)
                break;
            size = size * 16 + (size_t)v;
        }
        if (digits == 0 || (*p != ';' && *p != '\r' && *p != '\n' && *p != ' ' && *p != '\t'))
            return mr_error_set(err, MR_ESETUP, "malformed response from %s: a bad chunk size",
                                c->where);
        at = next;
        if (size == 0)
            break;
        if (size > c->lim->max_body || r->body_.len + size > c->lim->max_body)
            return too_large(c, err);
        if ((rc = need(r, c, at, size, "in a chunk", err)) != 0)
            return rc;
        if (!mr_buf_append(&r->body_, r->raw_.data + at, size))
            return mr_error_set(err, MR_ENOMEM, "out of memory");
        at += size;
        /* the CRLF after the data */
        if ((rc = line_at(r, c, at, &next, err)) != 0)
            return rc;
        if (next - at > 2)
            return mr_error_set(err, MR_ESETUP,
                                "malformed response from %s: a chunk longer than its size",
                                c->where);
        at = next;
        /* keep the buffer small: drop what is decoded */
        if (at > 65536) {
            memmove(r->raw_.data, r->raw_.data + at, r->raw_.len - at);
            r->raw_.len -= at;
            r->raw_.data[r->raw_.len] = '\0';
            at = 0;
        }
    }
    /* trailers, up to the blank line; their values are dropped */
    for (;;) {
        size_t next;
        if ((rc = line_at(r, c, at, &next, err)) != 0)
            return rc;
        if (next - at <= 2)
            break;
        at = next;
    }
    r->chunked = true;
    r->body = r->body_.data ? r->body_.data : "";
    r->body_len = r->body_.len;
    return 0;
}

static int read_body(struct mr_upstream_response *r, struct conn *c, bool head_req,
                     struct mr_error *err)
{
    size_t at = 0;
    const struct mr_kv *te = mr_upstream_header(r, "Transfer-Encoding");
    const struct mr_kv *cl = mr_upstream_header(r, "Content-Length");
    int rc;

    if (head_req || r->status == 204 || r->status == 304)
        return 0;
    if (te) {
        /* chunked when it is the last coding; anything else ends with the connection */
        const char *v = te->value, *last = v;
        size_t n = te->value_len;
        while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
            n--;
        for (size_t i = 0; i < n; i++)
            if (v[i] == ',')
                last = v + i + 1;
        while (*last == ' ' || *last == '\t')
            last++;
        if ((size_t)(v + n - last) == 7 && strncasecmp(last, "chunked", 7) == 0)
            return read_chunked(r, c, at, err);
        cl = NULL;
    }
    if (cl) {
        unsigned long long len = 0;
        size_t i;
        for (i = 0; i < cl->value_len; i++) {
            if (cl->value[i] < '0' || cl->value[i] > '9' || len > (1ull << 50))
                return mr_error_set(err, MR_ESETUP,
                                    "malformed response from %s: Content-Length \"%.40s\"",
                                    c->where, cl->value);
            len = len * 10 + (unsigned long long)(cl->value[i] - '0');
        }
        if (cl->value_len == 0)
            return mr_error_set(err, MR_ESETUP,
                                "malformed response from %s: an empty "
                                "Content-Length",
                                c->where);
        if (len > c->lim->max_body)
            return too_large(c, err);
        if ((rc = need(r, c, at, (size_t)len, "before the end of the body (Content-Length)",
                       err)) != 0)
            return rc;
        r->body = r->raw_.data + at;
        r->body_len = (size_t)len;
        return 0;
    }
    /* up to the end of the connection */
    for (;;) {
        if (r->raw_.len - at > c->lim->max_body)
            return too_large(c, err);
        rc = receive(c, &r->raw_, c->lim->max_body + 1 - (r->raw_.len - at), err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
    }
    r->body = r->raw_.data + at;
    r->body_len = r->raw_.len - at;
    return 0;
}

static int build_request(struct mr_buf *b, const struct mr_url *url,
                         const struct mr_upstream_request *req)
{
    char host[MR_URL_HOST_MAX + 16];
    size_t i;
    bool with_length = req->body_len > 0 || strcmp(req->method, "POST") == 0 ||
                       strcmp(req->method, "PUT") == 0 || strcmp(req->method, "PATCH") == 0;

    mr_url_authority(url, host, sizeof(host));
    mr_buf_printf(b, "%s %s HTTP/1.1\r\nHost: %s\r\n", req->method, req->target, host);
    for (i = 0; i < req->nheaders; i++) {
        mr_buf_append(b, req->headers[i].name, req->headers[i].name_len);
        mr_buf_puts(b, ": ");
        mr_buf_append(b, req->headers[i].value, req->headers[i].value_len);
        mr_buf_puts(b, "\r\n");
    }
    if (with_length)
        mr_buf_printf(b, "Content-Length: %zu\r\n", req->body_len);
    mr_buf_puts(b, "Connection: close\r\n\r\n");
    if (req->body_len)
        mr_buf_append(b, req->body, req->body_len);
    return b->failed ? MR_ENOMEM : 0;
}

int mr_upstream_call(const struct mr_url *url, const struct mr_upstream_request *req,
                     const struct mr_upstream_limits *lim, struct mr_upstream_response *resp,
                     struct mr_error *err)
{
    struct conn c;
    size_t end = 0;
    bool head_req = strcmp(req->method, "HEAD") == 0;
    int rc;

    reset(resp);
    c.fd = -1;
    c.lim = lim;
    mr_url_authority(url, c.where, sizeof(c.where));
    if (!url->has_port) /* say which port was tried */
        snprintf(c.where + strlen(c.where), sizeof(c.where) - strlen(c.where), ":%d", url->port);
    /* the request goes out through resp's buffer, emptied before the answer comes */
    if ((rc = build_request(&resp->in_, url, req)) != 0)
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    if ((rc = connect_to(&c, url, err)) != 0)
        goto out;
    if ((rc = send_all(&c, resp->in_.data, resp->in_.len, err)) != 0)
        goto out;
    mr_buf_reset(&resp->in_);
    for (;;) {
        if ((rc = read_head(resp, &c, &end, err)) != 0)
            goto out;
        if ((rc = parse_head(resp, &c, end, err)) != 0)
            goto out;
        if (resp->status >= 200)
            break;
        if (resp->status == 101) {
            rc = mr_error_set(err, MR_ESETUP,
                              "%s switched protocols (101); mockrun forwards "
                              "plain HTTP requests only",
                              c.where);
            goto out;
        }
        /* an interim 1xx: dropped; the real answer follows */
        memmove(resp->in_.data, resp->in_.data + end, resp->in_.len - end);
        resp->in_.len -= end;
        resp->in_.data[resp->in_.len] = '\0';
    }
    /* the head stays where it was parsed (the headers point into it); the
     * body's bytes go on in raw_ */
    if (!mr_buf_reserve(&resp->raw_, resp->in_.len - end + 1) ||
        !mr_buf_append(&resp->raw_, resp->in_.data + end, resp->in_.len - end)) {
        rc = mr_error_set(err, MR_ENOMEM, "out of memory");
        goto out;
    }
    resp->in_.len = end;
    rc = read_body(resp, &c, head_req, err);
out:
    if (c.fd >= 0)
        close(c.fd);
    if (rc != 0)
        reset(resp);
    return rc;
}
