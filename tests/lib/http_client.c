/*
 * http_client.c - see http_client.h. The buffer grows so that every read
 * has room for at least 4 KiB: a read takes what the kernel holds, so the
 * number of reads tells how the server spread its bytes out in time.
 */
#define _GNU_SOURCE /* memmem */
#include "tests/lib/http_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <check.h>

#include "common/clock.h"

#define READ_ROOM 4096

static int64_t now_ms(void)
{
    return mr_clock_mono_us() / 1000;
}

void mr_http_client_open(struct mr_http_client *c, int port)
{
    struct sockaddr_in sa;

    memset(c, 0, sizeof(*c));
    c->timeout_ms = MR_HTTP_CLIENT_TIMEOUT_MS;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_msg(c->fd >= 0, "socket: %s", strerror(errno));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    ck_assert_msg(connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0,
                  "connect to 127.0.0.1:%d: %s", port, strerror(errno));
}

void mr_http_client_close(struct mr_http_client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

void mr_http_client_release(struct mr_http_client *c)
{
    mr_http_client_close(c);
    free(c->data);
    memset(c, 0, sizeof(*c));
    c->fd = -1;
}

void mr_http_client_send(struct mr_http_client *c, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        ck_assert_msg(n > 0, "send: %s", strerror(errno));
        p += n;
        len -= (size_t)n;
    }
}

void mr_http_client_sends(struct mr_http_client *c, const char *s)
{
    mr_http_client_send(c, s, strlen(s));
}

bool mr_http_client_read(struct mr_http_client *c)
{
    int64_t deadline = now_ms() + c->timeout_ms;
    ssize_t n;

    ck_assert_msg(!c->eof && !c->err, "read after the connection ended");
    for (;;) {
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        int64_t left = deadline - now_ms();
        int rc;

        ck_assert_msg(left > 0, "the server sent nothing and kept the connection open for %d ms",
                      c->timeout_ms);
        rc = poll(&p, 1, (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        ck_assert_msg(rc >= 0, "poll: %s", strerror(errno));
        if (rc > 0)
            break;
    }
    if (c->cap - c->len < READ_ROOM + 1) {
        c->cap = c->cap ? c->cap * 2 : 2 * READ_ROOM;
        c->data = realloc(c->data, c->cap);
        ck_assert_ptr_nonnull(c->data);
    }
    do
        n = recv(c->fd, c->data + c->len, c->cap - c->len - 1, MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return true; /* a spurious wake-up */
    if (n < 0) {
        c->err = errno;
        return false;
    }
    if (n == 0) {
        c->eof = true;
        return false;
    }
    c->len += (size_t)n;
    c->data[c->len] = '\0';
    c->reads++;
    c->last_ms = now_ms();
    return true;
}

void mr_http_client_read_to_end(struct mr_http_client *c)
{
    while (mr_http_client_read(c))
        ;
}

bool mr_http_client_read_upto(struct mr_http_client *c, size_t want)
{
    while (c->len < want)
        if (!mr_http_client_read(c))
            return false;
    return true;
}

size_t mr_http_client_head_len(const struct mr_http_client *c)
{
    const char *end = c->len >= 4 ? memmem(c->data, c->len, "\r\n\r\n", 4) : NULL;
    return end ? (size_t)(end - c->data) + 4 : 0;
}

size_t mr_http_client_read_head(struct mr_http_client *c)
{
    size_t n;

    while ((n = mr_http_client_head_len(c)) == 0)
        if (!mr_http_client_read(c))
            return 0;
    return n;
}

void mr_http_client_consume(struct mr_http_client *c, size_t n)
{
    ck_assert_uint_le(n, c->len);
    if (n == 0)
        return; /* also when nothing was ever received: data is NULL */
    memmove(c->data, c->data + n, c->len - n);
    c->len -= n;
    c->data[c->len] = '\0';
}

void mr_http_client_forget(struct mr_http_client *c)
{
    mr_http_client_consume(c, c->len);
    c->reads = 0;
}

bool mr_http_client_at_eof(struct mr_http_client *c)
{
    if (c->len > 0 || c->err)
        return false;
    return c->eof || (!mr_http_client_read(c) && c->eof);
}

static char *copy(const char *p, size_t n)
{
    char *s = malloc(n + 1);

    ck_assert_ptr_nonnull(s);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

void mr_http_client_read_response(struct mr_http_client *c, struct mr_http_response *r,
                                  bool head_request)
{
    char cl[32];
    size_t want;

    memset(r, 0, sizeof(*r));
    r->head_len = mr_http_client_read_head(c);
    ck_assert_msg(r->head_len > 0, "the connection ended before the headers did (%s, %zu bytes)",
                  c->eof ? "EOF" : strerror(c->err), c->len);
    r->head = copy(c->data, r->head_len);
    mr_http_client_consume(c, r->head_len);
    r->status = mr_http_client_status(r->head);
    r->has_length = mr_http_client_header(r->head, r->head_len, "Content-Length", cl, sizeof(cl));
    if (head_request || r->status == 204 || r->status == 304) {
        r->body = copy("", 0);
        return;
    }
    if (r->has_length) {
        want = (size_t)strtoull(cl, NULL, 10);
        ck_assert_msg(mr_http_client_read_upto(c, want),
                      "the connection ended in the body (%zu of %zu bytes): %s", c->len, want,
                      c->eof ? "EOF" : strerror(c->err));
    } else {
        mr_http_client_read_to_end(c);
        ck_assert_msg(c->eof, "the body without Content-Length ended with %s", strerror(c->err));
        want = c->len;
    }
    r->body = copy(c->data, want);
    r->body_len = want;
    mr_http_client_consume(c, want);
}

void mr_http_client_request(int port, const char *request, struct mr_http_response *r)
{
    struct mr_http_client c;

    mr_http_client_open(&c, port);
    mr_http_client_sends(&c, request);
    mr_http_client_read_response(&c, r, strncmp(request, "HEAD ", 5) == 0);
    mr_http_client_release(&c);
}

void mr_http_client_exchange(struct mr_http_client *c, int port, const char *request)
{
    mr_http_client_open(c, port);
    mr_http_client_sends(c, request);
    mr_http_client_read_to_end(c);
    mr_http_client_close(c);
}

void mr_http_client_response_release(struct mr_http_response *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

int mr_http_client_status(const char *head)
{
    int status = 0;

    ck_assert_msg(sscanf(head, "HTTP/1.%*1[01] %3d", &status) == 1, "not a status line: %.40s",
                  head);
    return status;
}

bool mr_http_client_header(const char *head, size_t hlen, const char *name, char *out, size_t size)
{
    const char *p = head, *end = head + hlen;
    size_t nlen = strlen(name);

    if (size > 0)
        out[0] = '\0';
    while ((p = memmem(p, (size_t)(end - p), "\r\n", 2)) != NULL) {
        p += 2;
        if ((size_t)(end - p) > nlen && strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
            const char *v = p + nlen + 1, *e;

            while (v < end && *v == ' ')
                v++;
            e = memmem(v, (size_t)(end - v), "\r\n", 2);
            if (!e)
                e = end;
            if (size > 0)
                snprintf(out, size, "%.*s", (int)(e - v), v);
            return true;
        }
    }
    return false;
}

long long mr_http_client_header_num(const char *head, size_t hlen, const char *name)
{
    char v[32];

    if (!mr_http_client_header(head, hlen, name, v, sizeof(v)))
        return -1;
    return strtoll(v, NULL, 10);
}
