/*
 * test_client.c - server/client.c, the HTTP client callbacks are sent with,
 * against a scripted server on 127.0.0.1 (an ephemeral port) run by a
 * thread of the test: it accepts one connection, reads the request up to
 * its end (head and Content-Length body), keeps it, writes the scripted
 * answer in the pieces the script gives, then closes or holds the
 * connection. Every wait on either side is bounded.
 *
 * One case:   CK_RUN_CASE=framing ./test_client
 * Under gdb:  CK_FORK=no gdb ./test_client
 */
#define _GNU_SOURCE /* MSG_NOSIGNAL, pipe2 */
#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/client.h"

#define MAX_PIECES 8

/* What the scripted server does with its one connection. */
struct script {
    const char *pieces[MAX_PIECES]; /* written one after the other, each its own send */
    bool hold;                      /* keep the connection open after the pieces (until the
                                       client closes it, bounded) */
    bool silent;                    /* read nothing, answer nothing; hold */
    /* filled by the server */
    int listen_fd;
    int port;
    char request[8192];
    size_t request_len;
    pthread_t thread;
};

static void *serve(void *arg)
{
    struct script *s = arg;
    struct pollfd p = {s->listen_fd, POLLIN, 0};
    int fd;
    size_t i;

    if (poll(&p, 1, 10000) != 1)
        return NULL;
    fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0)
        return NULL;
    if (!s->silent) {
        /* the request: its head, then as many body bytes as Content-Length says */
        for (;;) {
            struct pollfd q = {fd, POLLIN, 0};
            const char *end, *cl;
            ssize_t n;
            if (poll(&q, 1, 10000) != 1)
                break;
            n = recv(fd, s->request + s->request_len, sizeof(s->request) - 1 - s->request_len, 0);
            if (n <= 0)
                break;
            s->request_len += (size_t)n;
            s->request[s->request_len] = '\0';
            end = strstr(s->request, "\r\n\r\n");
            if (!end)
                continue;
            cl = strstr(s->request, "Content-Length: ");
            if (!cl || cl > end ||
                s->request_len >= (size_t)(end + 4 - s->request) + strtoul(cl + 16, NULL, 10))
                break;
        }
        for (i = 0; i < MAX_PIECES && s->pieces[i]; i++) {
            (void)send(fd, s->pieces[i], strlen(s->pieces[i]), MSG_NOSIGNAL);
            usleep(2000); /* separate reads on the other side, most of the time */
        }
    }
    if (s->hold || s->silent) {
        struct pollfd q = {fd, POLLIN, 0};
        char sink[256];
        while (poll(&q, 1, 10000) == 1 && recv(fd, sink, sizeof(sink), 0) > 0)
            ;
    }
    close(fd);
    return NULL;
}

static void start(struct script *s)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);

    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(s->listen_fd, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(listen(s->listen_fd, 4), 0);
    ck_assert_int_eq(getsockname(s->listen_fd, (struct sockaddr *)&sa, &sl), 0);
    s->port = ntohs(sa.sin_port);
    ck_assert_int_eq(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void finish(struct script *s)
{
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
}

/* A request to the script's port with defaults the cases change. */
static void request(struct mr_client_request *r, struct mr_client_addrs *addrs, int port)
{
    struct mr_error err;
    char host[32];

    ck_assert_int_eq(mr_client_resolve(addrs, "127.0.0.1", port, &err), 0);
    snprintf(host, sizeof(host), "127.0.0.1:%d", port);
    memset(r, 0, sizeof(*r));
    r->addrs = addrs;
    r->method = "POST";
    r->host = strdup(host);
    r->target = "/hooks?a=1";
    r->target_len = strlen(r->target);
    r->headers = "Content-Type: application/json\r\nX-Sig: t=1\r\n";
    r->headers_len = strlen(r->headers);
    r->body = "{\"id\":\"ch_1\"}";
    r->body_len = strlen(r->body);
    r->timeout_ms = 5000;
    r->cancel_fd = -1;
    r->keep = 1024;
}

/* Runs one exchange with the script; returns the client's rc, err and answer filled. */
static int run(struct script *s, struct mr_client_request *r, struct mr_client_answer *a,
               struct mr_error *err)
{
    struct mr_client_addrs addrs;
    int rc;

    start(s);
    if (!r->addrs)
        request(r, &addrs, s->port);
    memset(err, 0, sizeof(*err));
    rc = mr_client_exchange(r, a, err);
    finish(s);
    free((char *)r->host);
    r->addrs = NULL;
    return rc;
}

START_TEST(test_request_bytes)
{
    struct script s = {.pieces = {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}};
    struct mr_client_request r = {0};
    struct mr_client_answer a;
    struct mr_error err;

    mr_client_answer_init(&a);
    ck_assert_int_eq(run(&s, &r, &a, &err), 0);
    ck_assert_msg(strncmp(s.request, "POST /hooks?a=1 HTTP/1.1\r\nHost: 127.0.0.1:", 42) == 0, "%s",
                  s.request);
    ck_assert_ptr_nonnull(strstr(s.request, "\r\nContent-Type: application/json\r\nX-Sig: t=1\r\n"
                                            "Content-Length: 13\r\nConnection: close\r\n\r\n"
                                            "{\"id\":\"ch_1\"}"));
    ck_assert_int_eq(a.status, 200);
    ck_assert_str_eq(mr_buf_cstr(&a.body), "ok");
    ck_assert_int_ge(a.duration_us, 0);
    mr_client_answer_release(&a);
}
END_TEST

START_TEST(test_framing)
{
    static const struct {
        const char *pieces[4];
        int status;
        const char *body;
        const char *type;
    } cases[] = {
        {{"HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhel", "lo"},
         201,
         "hello",
         "text/plain"},
        {{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
          "4;ext=1\r\ndefg\r\n", "0\r\nX-Trailer: 1\r\n\r\n"},
         200,
         "abcdefg",
         ""},
        {{"HTTP/1.0 500 Oops\r\n\r\nuntil ", "the end"}, 500, "until the end", ""},
        {{"HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"},
         202,
         "",
         ""},
        {{"HTTP/1.1 204 No Content\r\nContent-Type: x/y\r\n\r\n"}, 204, "", "x/y"},
        {{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA"}, 200, "ok", ""},
        {{"HTTP/1.1 200 OK\nContent-Length: 1\n\nx"}, 200, "x", ""},
    };
    size_t i, k;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct script s;
        struct mr_client_request r = {0};
        struct mr_client_answer a;
        struct mr_error err;

        memset(&s, 0, sizeof(s));
        for (k = 0; k < 4; k++)
            s.pieces[k] = cases[i].pieces[k];
        mr_client_answer_init(&a);
        ck_assert_msg(run(&s, &r, &a, &err) == 0, "case %zu: %s", i, err.msg);
        ck_assert_int_eq(a.status, cases[i].status);
        ck_assert_str_eq(mr_buf_cstr(&a.body), cases[i].body);
        ck_assert_str_eq(a.content_type, cases[i].type);
        ck_assert(!a.body_truncated);
        mr_client_answer_release(&a);
    }
}
END_TEST

START_TEST(test_keep_limit)
{
    struct script s = {.pieces = {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789"}};
    struct mr_client_request r = {0};
    struct mr_client_answer a;
    struct mr_client_addrs addrs;
    struct mr_error err;

    mr_client_answer_init(&a);
    start(&s);
    request(&r, &addrs, s.port);
    r.keep = 4;
    ck_assert_int_eq(mr_client_exchange(&r, &a, &err), 0);
    finish(&s);
    free((char *)r.host);
    ck_assert_str_eq(mr_buf_cstr(&a.body), "0123");
    ck_assert_uint_eq(a.body_size, 10);
    ck_assert(a.body_truncated);
    mr_client_answer_release(&a);
}
END_TEST

START_TEST(test_failures)
{
    static const struct {
        const char *pieces[2];
        const char *why;
    } cases[] = {
        {{NULL}, "the connection closed before an answer"},
        {{"HTTP/1.1 200"}, "the connection closed in the middle of the answer's head"},
        {{"SSH-2.0-OpenSSH\r\n\r\n"}, "malformed answer: no HTTP/1.x status line"},
        {{"HTTP/1.1 20x OK\r\n\r\n"}, "malformed answer: no HTTP/1.x status line"},
        {{"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"}, "malformed answer: bad Content-Length"},
        {{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"},
         "two different Content-Length headers"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct script s;
        struct mr_client_request r = {0};
        struct mr_client_answer a;
        struct mr_error err;

        memset(&s, 0, sizeof(s));
        s.pieces[0] = cases[i].pieces[0];
        mr_client_answer_init(&a);
        ck_assert_int_eq(run(&s, &r, &a, &err), MR_ESYSTEM);
        ck_assert_int_eq(a.status, 0);
        ck_assert_msg(strstr(err.msg, cases[i].why) != NULL, "case %zu: %s", i, err.msg);
        mr_client_answer_release(&a);
    }
}
END_TEST

START_TEST(test_refused)
{
    struct mr_client_request r = {0};
    struct mr_client_addrs addrs;
    struct mr_client_answer a;
    struct mr_error err;
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port;

    /* a port that was just free: bound, not listening */
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    port = ntohs(sa.sin_port);
    request(&r, &addrs, port);
    mr_client_answer_init(&a);
    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(mr_client_exchange(&r, &a, &err), MR_ESYSTEM);
    ck_assert_str_eq(err.msg, "connection refused");
    ck_assert_int_eq(a.status, 0);
    close(fd);
    free((char *)r.host);
    mr_client_answer_release(&a);
}
END_TEST

START_TEST(test_timeout_and_cancel)
{
    struct script s;
    struct mr_client_request r = {0};
    struct mr_client_addrs addrs;
    struct mr_client_answer a;
    struct mr_error err;
    int pipefd[2];

    /* an application that reads and never answers: the deadline ends it */
    memset(&s, 0, sizeof(s));
    s.silent = true;
    start(&s);
    request(&r, &addrs, s.port);
    r.timeout_ms = 200;
    mr_client_answer_init(&a);
    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(mr_client_exchange(&r, &a, &err), MR_ESYSTEM);
    ck_assert_str_eq(err.msg, "timed out after 0.2 s (no answer)");
    finish(&s);
    free((char *)r.host);

    /* a readable cancel descriptor ends it at once, whatever the timeout */
    memset(&s, 0, sizeof(s));
    s.silent = true;
    start(&s);
    request(&r, &addrs, s.port);
    ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
    ck_assert_int_eq(write(pipefd[1], "x", 1), 1);
    r.cancel_fd = pipefd[0];
    r.timeout_ms = 600000;
    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(mr_client_exchange(&r, &a, &err), MR_ESYSTEM);
    ck_assert_str_eq(err.msg, "interrupted (mockrun was stopped)");
    finish(&s);
    free((char *)r.host);
    close(pipefd[0]);
    close(pipefd[1]);

    /* a head that came, then silence: an answer, its body cut */
    memset(&s, 0, sizeof(s));
    s.pieces[0] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart";
    s.hold = true;
    start(&s);
    request(&r, &addrs, s.port);
    r.timeout_ms = 300;
    ck_assert_int_eq(mr_client_exchange(&r, &a, &err), 0);
    ck_assert_int_eq(a.status, 200);
    ck_assert_str_eq(mr_buf_cstr(&a.body), "part");
    finish(&s);
    free((char *)r.host);
    mr_client_answer_release(&a);
}
END_TEST

START_TEST(test_resolve)
{
    struct mr_client_addrs addrs;
    struct mr_error err;

    ck_assert_int_eq(mr_client_resolve(&addrs, "localhost", 80, &err), 0);
    ck_assert_uint_eq(addrs.n, 2);
    ck_assert_int_eq(addrs.addr[0].ss_family, AF_INET);
    ck_assert_int_eq(addrs.addr[1].ss_family, AF_INET6);
    ck_assert_int_eq(mr_client_resolve(&addrs, "::1", 9, &err), 0);
    ck_assert_uint_eq(addrs.n, 1);
    ck_assert_int_eq(addrs.addr[0].ss_family, AF_INET6);
    ck_assert_int_eq(ntohs(((struct sockaddr_in6 *)&addrs.addr[0])->sin6_port), 9);
    /* names other than localhost go to the resolver: not asked here (no network in CI) */
}
END_TEST

static Suite *client_suite(void)
{
    Suite *s = suite_create("client");
    TCase *tc = tcase_create("exchange");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_request_bytes);
    tcase_add_test(tc, test_keep_limit);
    suite_add_tcase(s, tc);
    tc = tcase_create("framing");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_framing);
    suite_add_tcase(s, tc);
    tc = tcase_create("failures");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_failures);
    tcase_add_test(tc, test_refused);
    tcase_add_test(tc, test_timeout_and_cancel);
    tcase_add_test(tc, test_resolve);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(client_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
