/*
 * stub_server.c - see stub_server.h. One thread serves connections one at a
 * time; a pipe wakes it to stop.
 */
#define _GNU_SOURCE /* memmem */
#include "tests/lib/stub_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <check.h>

struct mr_stub {
    int listen_fd;
    int wake[2];
    int port;
    pthread_t thread;
    pthread_mutex_t lock;
    char *answer;
    size_t answer_len;
    bool trickle, silent;
    char **requests;
    size_t nrequests;
};

/* Waits for fd or the stop pipe; false when stopping. */
static bool wait_readable(struct mr_stub *s, int fd)
{
    struct pollfd p[2] = {{fd, POLLIN, 0}, {s->wake[0], POLLIN, 0}};
    while (poll(p, 2, -1) < 0 && errno == EINTR)
        ;
    return !(p[1].revents & POLLIN);
}

/* Reads one request from fd: the head, then a Content-Length body. */
static char *read_request(struct mr_stub *s, int fd)
{
    size_t len = 0, cap = 4096, want = 0;
    char *buf = malloc(cap + 1), *end;
    ck_assert_ptr_nonnull(buf);
    for (;;) {
        ssize_t n;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (end && !want) {
            const char *cl = strcasestr(buf, "\r\nContent-Length:");
            want = (size_t)(end + 4 - buf) + (cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0);
        }
        if (want && len >= want)
            return buf;
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            ck_assert_ptr_nonnull(buf);
        }
        if (!wait_readable(s, fd))
            break;
        n = recv(fd, buf + len, cap - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    return buf;
}

static void serve(struct mr_stub *s, int fd)
{
    char *req = read_request(s, fd), *answer;
    size_t len, i;
    bool trickle, silent;

    pthread_mutex_lock(&s->lock);
    s->requests = realloc(s->requests, (s->nrequests + 1) * sizeof(char *));
    ck_assert_ptr_nonnull(s->requests);
    s->requests[s->nrequests++] = req;
    /* a copy: the test may set the next answer while this one is still being sent */
    len = s->answer_len;
    answer = malloc(len + 1);
    ck_assert_ptr_nonnull(answer);
    memcpy(answer, s->answer, len);
    trickle = s->trickle;
    silent = s->silent;
    pthread_mutex_unlock(&s->lock);
    if (silent) {
        char sink[256];
        while (wait_readable(s, fd) && recv(fd, sink, sizeof(sink), 0) > 0)
            ;
        free(answer);
        return;
    }
    if (trickle) {
        for (i = 0; i < len; i++)
            if (send(fd, answer + i, 1, MSG_NOSIGNAL) != 1)
                break;
    } else {
        for (i = 0; i < len;) {
            ssize_t n = send(fd, answer + i, len - i, MSG_NOSIGNAL);
            if (n <= 0)
                break;
            i += (size_t)n;
        }
    }
    free(answer);
}

static void *run(void *arg)
{
    struct mr_stub *s = arg;
    while (wait_readable(s, s->listen_fd)) {
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        serve(s, fd);
        shutdown(fd, SHUT_WR);
        close(fd);
    }
    return NULL;
}

struct mr_stub *mr_stub_start(void)
{
    struct mr_stub *s = calloc(1, sizeof(*s));
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);

    ck_assert_ptr_nonnull(s);
    pthread_mutex_init(&s->lock, NULL);
    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(s->listen_fd, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    ck_assert_int_eq(bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(listen(s->listen_fd, 16), 0);
    ck_assert_int_eq(getsockname(s->listen_fd, (struct sockaddr *)&sa, &sl), 0);
    s->port = ntohs(sa.sin_port);
    ck_assert_int_eq(pipe2(s->wake, O_CLOEXEC), 0);
    mr_stub_answers(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    ck_assert_int_eq(pthread_create(&s->thread, NULL, run, s), 0);
    return s;
}

int mr_stub_port(const struct mr_stub *s)
{
    return s->port;
}

void mr_stub_answer(struct mr_stub *s, const void *bytes, size_t len)
{
    pthread_mutex_lock(&s->lock);
    free(s->answer);
    s->answer = malloc(len + 1);
    ck_assert_ptr_nonnull(s->answer);
    memcpy(s->answer, bytes, len);
    s->answer_len = len;
    pthread_mutex_unlock(&s->lock);
}

void mr_stub_answers(struct mr_stub *s, const char *text)
{
    mr_stub_answer(s, text, strlen(text));
}

void mr_stub_trickle(struct mr_stub *s, bool on)
{
    pthread_mutex_lock(&s->lock);
    s->trickle = on;
    pthread_mutex_unlock(&s->lock);
}

void mr_stub_silent(struct mr_stub *s, bool on)
{
    pthread_mutex_lock(&s->lock);
    s->silent = on;
    pthread_mutex_unlock(&s->lock);
}

size_t mr_stub_count(struct mr_stub *s)
{
    size_t n;
    pthread_mutex_lock(&s->lock);
    n = s->nrequests;
    pthread_mutex_unlock(&s->lock);
    return n;
}

const char *mr_stub_request(struct mr_stub *s, size_t i)
{
    const char *r;
    pthread_mutex_lock(&s->lock);
    ck_assert_uint_lt(i, s->nrequests);
    r = s->requests[i];
    pthread_mutex_unlock(&s->lock);
    return r;
}

void mr_stub_stop(struct mr_stub *s)
{
    size_t i;
    if (!s)
        return;
    ck_assert_int_eq(write(s->wake[1], "x", 1), 1);
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
    close(s->wake[0]);
    close(s->wake[1]);
    for (i = 0; i < s->nrequests; i++)
        free(s->requests[i]);
    free(s->requests);
    free(s->answer);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

int mr_stub_closed_port(void)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    ck_assert_int_ge(fd, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    close(fd);
    return ntohs(sa.sin_port);
}
