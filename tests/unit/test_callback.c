/*
 * test_callback.c - server/callback.c through a running server: a request
 * to a mock chooses a response with callbacks, and the dispatcher sends
 * them to an "application" run by a thread of the test on 127.0.0.1 (an
 * ephemeral port, named to the mock in the request body, as an app names
 * its webhook URL). The application answers each request with the next
 * status of its script (0: it never answers) and remembers what it got.
 *
 * Waits are bounded: the application signals each request it took through
 * a condition variable, and the end of a run waits on the dispatcher's idle
 * descriptor with a timeout. Nothing asserts how long anything took.
 *
 * One case:   CK_RUN_CASE=retries ./test_callback
 * Under gdb:  CK_FORK=no gdb ./test_callback
 */
#define _GNU_SOURCE /* MSG_NOSIGNAL */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "scenarios/scenario.h"
#include "server/callback.h"
#include "server/journal.h"
#include "server/service.h"
#include "tests/lib/fixture.h"
#include "tests/lib/http_client.h"

#define FIX MOCKRUN_TEST_FIXTURES "/scenarios"
#define MAX_REQ 8

/* --- the application ---------------------------------------------------- */

struct app {
    int statuses[MAX_REQ]; /* the answer to each request in turn; 0: never answer */
    int listen_fd, port;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t got;
    int n;                   /* requests taken */
    char req[MAX_REQ][4096]; /* each request as received */
    bool stop;
};

static void *app_run(void *arg)
{
    struct app *a = arg;
    int64_t until = mr_clock_mono_us() + 30 * 1000000LL; /* a bound whatever the test does */
    int i;

    for (i = 0; i < MAX_REQ && mr_clock_mono_us() < until; i++) {
        struct pollfd p = {a->listen_fd, POLLIN, 0};
        char buf[4096];
        size_t len = 0;
        int fd;

        if (poll(&p, 1, 200) != 1) {
            bool stop;
            pthread_mutex_lock(&a->lock);
            stop = a->stop;
            pthread_mutex_unlock(&a->lock);
            if (stop)
                break;
            i--;
            continue;
        }
        fd = accept(a->listen_fd, NULL, NULL);
        if (fd < 0)
            break;
        for (;;) { /* the head and the Content-Length body */
            struct pollfd q = {fd, POLLIN, 0};
            const char *end, *cl;
            ssize_t n;
            if (poll(&q, 1, 10000) != 1)
                break;
            n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
            if (n <= 0)
                break;
            len += (size_t)n;
            buf[len] = '\0';
            if (!(end = strstr(buf, "\r\n\r\n")))
                continue;
            cl = strstr(buf, "Content-Length: ");
            if (!cl || len >= (size_t)(end + 4 - buf) + strtoul(cl + 16, NULL, 10))
                break;
        }
        pthread_mutex_lock(&a->lock);
        memcpy(a->req[a->n], buf, len + 1);
        a->n++;
        pthread_cond_broadcast(&a->got);
        pthread_mutex_unlock(&a->lock);
        if (a->statuses[i]) {
            char out[128];
            int m = snprintf(out, sizeof(out),
                             "HTTP/1.1 %d X\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
                             "\r\nok",
                             a->statuses[i]);
            (void)send(fd, out, (size_t)m, MSG_NOSIGNAL);
        } else {
            struct pollfd q = {fd, POLLIN, 0};
            char sink[64];
            while (poll(&q, 1, 10000) == 1 && recv(fd, sink, sizeof(sink), 0) > 0)
                ;
        }
        close(fd);
    }
    return NULL;
}

static void app_start(struct app *a)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);

    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->got, NULL);
    a->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(a->listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(listen(a->listen_fd, 8), 0);
    ck_assert_int_eq(getsockname(a->listen_fd, (struct sockaddr *)&sa, &sl), 0);
    a->port = ntohs(sa.sin_port);
    ck_assert_int_eq(pthread_create(&a->thread, NULL, app_run, a), 0);
}

/* Waits (10 s at most) until the application took n requests. */
static void app_wait(struct app *a, int n)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 10;
    pthread_mutex_lock(&a->lock);
    while (a->n < n)
        if (pthread_cond_timedwait(&a->got, &a->lock, &ts) != 0)
            break;
    ck_assert_int_ge(a->n, n);
    pthread_mutex_unlock(&a->lock);
}

static void app_stop(struct app *a)
{
    pthread_mutex_lock(&a->lock);
    a->stop = true;
    pthread_mutex_unlock(&a->lock);
    shutdown(a->listen_fd, SHUT_RDWR);
    pthread_join(a->thread, NULL);
    close(a->listen_fd);
}

/* --- the mock ------------------------------------------------------------ */

static const char scenario_text[] =
    "{\"services\": {\n"
    " \"payments\": {\n"
    "  \"callbacks\": [\n"
    "   {\"id\": \"paid\", \"url\": \"{{body 'url'}}/hooks\",\n"
    "    \"headers\": {\"X-Sig\": \"{{body 'id'}}\"},\n"
    "    \"json\": {\"type\": \"charge.succeeded\", \"id\": \"{{body 'id'}}\"}},\n"
    "   {\"id\": \"retried\", \"url\": \"{{body 'url'}}/retry\", \"body\": \"r\",\n"
    "    \"retry\": {\"times\": 3, \"backoffMs\": 10}},\n"
    "   {\"id\": \"slow\", \"url\": \"{{body 'url'}}/slow\", \"timeoutMs\": 600000},\n"
    "   {\"id\": \"later\", \"url\": \"{{body 'url'}}/later\", \"delayMs\": 600000,\n"
    "    \"retry\": {\"times\": 1}}],\n"
    "  \"routes\": [\n"
    "   {\"id\": \"charge\", \"request\": {\"path\": \"/charge\"},\n"
    "    \"response\": {\"status\": 201, \"callbacks\": [{\"callback\": \"paid\"}]}},\n"
    "   {\"id\": \"flaky\", \"request\": {\"path\": \"/flaky\"},\n"
    "    \"response\": {\"callbacks\": [{\"callback\": \"retried\"}]}},\n"
    "   {\"id\": \"hang\", \"request\": {\"path\": \"/hang\"},\n"
    "    \"response\": {\"callbacks\": [{\"callback\": \"slow\"}]}},\n"
    "   {\"id\": \"defer\", \"request\": {\"path\": \"/defer\"},\n"
    "    \"response\": {\"callbacks\": [{\"callback\": \"later\"}]}},\n"
    "   {\"id\": \"ledger\", \"request\": {\"path\": \"/ledger\"},\n"
    "    \"response\": {\"callbacks\": [{\"url\": \"/book/{{body 'id'}}\", \"service\": "
    "\"billing\",\n"
    "     \"method\": \"PUT\", \"body\": \"booked\"}]}}]},\n"
    " \"billing\": {\"routes\": [{\"id\": \"book\", \"request\": {\"method\": \"PUT\", "
    "\"path\": \"/book/:id\"}, \"response\": {\"status\": 204}}]}}}\n";

/* POSTs {"url": base, "id": id} to the mock's path; the answer's status. */
static int trigger(const struct mr_server *s, const char *path, const char *base, const char *id)
{
    struct mr_http_response r;
    char req[1024], body[512];
    int status;

    snprintf(body, sizeof(body), "{\"url\": \"%s\", \"id\": \"%s\"}", base, id);
    snprintf(req, sizeof(req),
             "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
             path, strlen(body), body);
    mr_http_client_request(mr_server_port(s, 0), req, &r);
    status = r.status;
    mr_http_client_response_release(&r);
    return status;
}

/* The end of the run: finish with the cutoff now, and wait (bounded) until idle. */
static void finish(struct mr_server *s)
{
    struct mr_dispatch *d = mr_server_dispatch(s);
    int64_t until = mr_clock_mono_us() + 20 * 1000000LL;

    ck_assert_ptr_nonnull(d);
    mr_dispatch_finish(d, mr_clock_mono_us());
    while (!mr_dispatch_idle(d) && mr_clock_mono_us() < until) {
        struct pollfd p = {mr_dispatch_idle_fd(d), POLLIN, 0};
        char drain[16];
        if (poll(&p, 1, 1000) == 1)
            (void)!read(p.fd, drain, sizeof(drain));
    }
    ck_assert(mr_dispatch_idle(d));
}

static int count_one(void *arg, const struct mr_attempt *a)
{
    (void)a;
    ++*(size_t *)arg;
    return 0;
}

/* Waits (10 s at most, in 10 ms steps) until n attempts are recorded. */
static void wait_attempts(struct mr_server *s, size_t n)
{
    int64_t until = mr_clock_mono_us() + 10 * 1000000LL;
    size_t got = 0;

    while (mr_clock_mono_us() < until) {
        got = 0;
        mr_journal_attempts_each(mr_server_journal(s), count_one, &got);
        if (got >= n)
            return;
        usleep(10000);
    }
    ck_assert_uint_ge(got, n);
}

static const struct mr_attempt *attempt(const struct mr_server *s, size_t i)
{
    const struct mr_journal *j = mr_server_journal(s);
    ck_assert_uint_gt(mr_journal_attempts(j), i);
    return mr_journal_attempt_at(j, i);
}

START_TEST(test_delivered)
{
    struct mr_scenario *sc = mr_fixture_scenario(FIX "/callbacks.json", scenario_text);
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct app a = {.statuses = {200}};
    const struct mr_attempt *at;
    char base[64];

    app_start(&a);
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", a.port);
    ck_assert_int_eq(trigger(s, "/charge", base, "ch_1"), 201);
    app_wait(&a, 1);
    finish(s);
    app_stop(&a);
    /* what the application got: rendered with the triggering request */
    ck_assert_msg(strncmp(a.req[0], "POST /hooks HTTP/1.1\r\n", 22) == 0, "%s", a.req[0]);
    ck_assert_ptr_nonnull(strstr(a.req[0], "\r\nX-Sig: ch_1\r\n"));
    ck_assert_ptr_nonnull(strstr(a.req[0], "\r\nContent-Type: application/json\r\n"));
    ck_assert_ptr_nonnull(strstr(a.req[0], "\r\nUser-Agent: mockrun/"));
    ck_assert_ptr_nonnull(
        strstr(a.req[0], "\r\n\r\n{\"type\":\"charge.succeeded\",\"id\":\"ch_1\"}"));
    /* and what the journal says */
    mr_server_close(s);
    ck_assert_uint_eq(mr_journal_attempts(mr_server_journal(s)), 1);
    at = attempt(s, 0);
    ck_assert_int_eq(at->outcome, MR_ATTEMPT_ANSWERED);
    ck_assert_int_eq(at->status, 200);
    ck_assert(at->final);
    ck_assert_uint_eq(at->attempt, 1);
    ck_assert_uint_eq(at->delivery, 1);
    ck_assert_uint_eq(at->trigger, 1);
    ck_assert_str_eq(sc->callbacks[at->callback].id, "paid");
    ck_assert_str_eq(at->method, "POST");
    ck_assert_ptr_nonnull(strstr(at->url, "/hooks"));
    ck_assert_str_eq(at->body, "{\"type\":\"charge.succeeded\",\"id\":\"ch_1\"}");
    ck_assert_str_eq(at->answer, "ok");
    ck_assert_str_eq(at->answer_type, "text/plain");
    ck_assert_ptr_null(at->error);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_retries)
{
    struct mr_scenario *sc = mr_fixture_scenario(FIX "/callbacks.json", scenario_text);
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct app a = {.statuses = {500, 503, 200}};
    char base[64];
    size_t i;

    app_start(&a);
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", a.port);
    ck_assert_int_eq(trigger(s, "/flaky", base, "x"), 200);
    app_wait(&a, 3);
    finish(s);
    app_stop(&a);
    mr_server_close(s);
    ck_assert_uint_eq(mr_journal_attempts(mr_server_journal(s)), 3);
    for (i = 0; i < 3; i++) {
        const struct mr_attempt *at = attempt(s, i);
        ck_assert_uint_eq(at->attempt, i + 1);
        ck_assert_uint_eq(at->delivery, 1);
        ck_assert_int_eq(at->outcome, MR_ATTEMPT_ANSWERED);
        ck_assert_int_eq(at->final, i == 2);
    }
    ck_assert_int_eq(attempt(s, 0)->status, 500);
    ck_assert_int_eq(attempt(s, 2)->status, 200);
    ck_assert_str_eq(attempt(s, 2)->body, "r");
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_refused_and_down)
{
    struct mr_scenario *sc = mr_fixture_scenario(FIX "/callbacks.json", scenario_text);
    struct mr_server *s = mr_fixture_start(sc, NULL);
    const struct mr_attempt *at;
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    char base[64];
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    /* the request names a host that is not loopback: refused, never sent */
    ck_assert_int_eq(trigger(s, "/charge", "http://10.0.0.1", "a"), 201);
    ck_assert_int_eq(trigger(s, "/charge", "file:///etc/passwd#", "b"), 201);
    ck_assert_int_eq(trigger(s, "/charge", "http://127.0.0.1@10.0.0.1", "c"), 201);
    /* an application that is down: a port bound and not listening */
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", ntohs(sa.sin_port));
    ck_assert_int_eq(trigger(s, "/flaky", base, "d"), 200);
    wait_attempts(s, 7); /* its retries are due after a backoff: all made before the end */
    finish(s);
    mr_server_close(s);
    close(fd);

    ck_assert_uint_eq(mr_journal_attempts(mr_server_journal(s)), 7);
    at = attempt(s, 0);
    ck_assert_int_eq(at->outcome, MR_ATTEMPT_REFUSED);
    ck_assert(at->final);
    ck_assert_str_eq(at->url, "http://10.0.0.1/hooks");
    ck_assert_str_eq(at->error, "refused: host 10.0.0.1 is not loopback and not in allowHosts");
    ck_assert_str_eq(attempt(s, 1)->error, "refused: not an http URL (scheme \"file\")");
    ck_assert_str_eq(attempt(s, 2)->error,
                     "refused: a URL with user information (user@host) is not allowed");
    /* refused connections are retried, each attempt recorded */
    at = attempt(s, 3);
    ck_assert_int_eq(at->outcome, MR_ATTEMPT_FAILED);
    ck_assert_str_eq(at->error, "connection refused");
    ck_assert(!at->final);
    ck_assert_uint_eq(attempt(s, 6)->attempt, 4);
    ck_assert(attempt(s, 6)->final);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_due_after_the_end)
{
    struct mr_scenario *sc = mr_fixture_scenario(FIX "/callbacks.json", scenario_text);
    struct mr_server *s = mr_fixture_start(sc, NULL);
    const struct mr_attempt *at;

    /* due in 10 minutes: the answer comes now, the callback is never sent */
    ck_assert_int_eq(trigger(s, "/defer", "http://127.0.0.1:9", "x"), 200);
    ck_assert_uint_eq(mr_journal_attempts(mr_server_journal(s)), 0);
    finish(s);
    /* triggered after the end: not sent either */
    ck_assert_int_eq(trigger(s, "/charge", "http://127.0.0.1:9", "y"), 201);
    mr_server_close(s);
    ck_assert_uint_eq(mr_journal_attempts(mr_server_journal(s)), 2);
    at = attempt(s, 0);
    ck_assert_int_eq(at->outcome, MR_ATTEMPT_NOT_SENT);
    ck_assert(at->final);
    ck_assert_msg(strncmp(at->error, "not sent: it was due 6", 22) == 0, "%s", at->error);
    ck_assert_ptr_nonnull(strstr(at->error, " s after the command ended"));
    ck_assert_int_gt(at->wall_us, mr_clock_wall_us() + 500 * 1000000LL); /* when it was due */
    at = attempt(s, 1);
    ck_assert_int_eq(at->outcome, MR_ATTEMPT_NOT_SENT);
    ck_assert_str_eq(sc->callbacks[at->callback].id, "paid");
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

/*
 * The delays a seeded server draws for a callback whose delayMs is a range
 * {100000, 600000}: each is known to within the time the trigger took (the
 * attempts are never sent, and record when they were due).
 */
struct drawn {
    int64_t lo[4], hi[4]; /* each delay lies in [lo, hi], in ms */
};

static void draw_delays(uint64_t seed, struct drawn *out)
{
    static const char text[] =
        "{\"routes\": [{\"id\": \"r\", \"request\": {\"path\": \"/charge\"},\n"
        " \"response\": {\"callbacks\": [{\"url\": \"http://127.0.0.1:9/\",\n"
        "  \"delayMs\": {\"min\": 100000, \"max\": 600000}}]}}]}\n";
    struct mr_scenario *sc = mr_fixture_scenario(FIX "/ranged.json", text);
    struct mr_server_opts o;
    struct mr_server *s;
    int64_t before[4], after[4];
    size_t i;

    mr_server_opts_init(&o);
    o.threads = MR_FIXTURE_THREADS;
    o.seed = seed;
    s = mr_fixture_start(sc, &o);
    for (i = 0; i < 4; i++) {
        before[i] = mr_clock_wall_us();
        ck_assert_int_eq(trigger(s, "/charge", "", "x"), 200);
        after[i] = mr_clock_wall_us();
    }
    finish(s);
    mr_server_close(s);
    ck_assert_uint_eq(mr_journal_attempts(mr_server_journal(s)), 4);
    for (i = 0; i < 4; i++) {
        /* recorded in due order: the delivery number says which trigger it was */
        const struct mr_attempt *at = attempt(s, i);
        size_t k = (size_t)at->delivery - 1;
        ck_assert_int_eq(at->outcome, MR_ATTEMPT_NOT_SENT);
        ck_assert_uint_lt(k, 4);
        out->lo[k] = (at->wall_us - after[k]) / 1000 - 1;
        out->hi[k] = (at->wall_us - before[k]) / 1000 + 1;
        ck_assert_int_ge(out->hi[k], 100000);
        ck_assert_int_le(out->lo[k], 600000);
    }
    mr_server_stop(s);
    mr_scenario_free(sc);
}

static bool overlap(const struct drawn *a, const struct drawn *b, size_t i)
{
    return a->lo[i] <= b->hi[i] && b->lo[i] <= a->hi[i];
}

START_TEST(test_delay_range_seeded)
{
    struct drawn a, b, c;
    size_t i, same_as_c = 0, apart = 0;

    draw_delays(42, &a);
    draw_delays(42, &b);
    draw_delays(43, &c);
    for (i = 0; i < 4; i++) {
        /* the same seed draws the same delays, in call order */
        ck_assert_msg(overlap(&a, &b, i), "delay %zu: [%lld, %lld] then [%lld, %lld] ms", i,
                      (long long)a.lo[i], (long long)a.hi[i], (long long)b.lo[i],
                      (long long)b.hi[i]);
        same_as_c += overlap(&a, &c, i);
        apart += a.hi[i] < a.lo[0] || a.lo[i] > a.hi[0];
    }
    /* another seed, other delays; and the delays vary (not all the same value) */
    ck_assert_uint_lt(same_as_c, 4);
    ck_assert_uint_gt(apart, 0);
}
END_TEST

START_TEST(test_abort)
{
    struct mr_scenario *sc = mr_fixture_scenario(FIX "/callbacks.json", scenario_text);
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct mr_dispatch *d = mr_server_dispatch(s);
    struct app a = {.statuses = {0}};
    const struct mr_attempt *at;
    char base[64];

    /* an application that never answers, and a 10-minute timeout: an abort ends it */
    app_start(&a);
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", a.port);
    ck_assert_int_eq(trigger(s, "/hang", base, "x"), 200);
    app_wait(&a, 1);
    ck_assert_uint_eq(mr_dispatch_finish(d, mr_clock_mono_us()), 1);
    ck_assert(!mr_dispatch_idle(d));
    mr_dispatch_abort(d);
    finish(s);
    app_stop(&a);
    mr_server_close(s);
    at = attempt(s, 0);
    ck_assert_int_eq(at->outcome, MR_ATTEMPT_FAILED);
    ck_assert_str_eq(at->error, "interrupted (mockrun was stopped)");
    ck_assert(at->final);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_to_a_service)
{
    struct mr_scenario *sc = mr_fixture_scenario(FIX "/callbacks.json", scenario_text);
    struct mr_server *s = mr_fixture_start(sc, NULL);
    const struct mr_journal *j;
    const struct mr_call *c;
    const struct mr_attempt *at;
    char want[128];

    ck_assert_int_eq(trigger(s, "/ledger", "", "b7"), 200);
    finish(s);
    mr_server_close(s);
    j = mr_server_journal(s);
    /* the billing service got it, as a call like any other */
    ck_assert_uint_eq(mr_journal_kept(j), 2);
    c = mr_journal_at(j, 1);
    ck_assert_str_eq(c->method, "PUT");
    ck_assert_str_eq(c->path, "/book/b7");
    ck_assert_int_eq(c->service, 1);
    ck_assert_int_eq(c->status, 204);
    at = attempt(s, 0);
    snprintf(want, sizeof(want), "%s/book/b7", mr_server_url(s, 1));
    ck_assert_str_eq(at->url, want);
    ck_assert_int_eq(at->status, 204);
    ck_assert_str_eq(sc->callbacks[at->callback].id, "ledger callback 1");
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_admin_endpoint)
{
    struct mr_scenario *sc = mr_fixture_scenario(FIX "/callbacks.json", scenario_text);
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct mr_http_response r;

    ck_assert_int_eq(trigger(s, "/charge", "http://10.0.0.1", "a"), 201);
    mr_http_client_request(mr_server_port(s, 0),
                           "GET /__mockrun/callbacks HTTP/1.1\r\nHost: x\r\nConnection: "
                           "close\r\n\r\n",
                           &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"callback\": \"paid\""));
    ck_assert_ptr_nonnull(strstr(r.body, "\"outcome\": \"refused\""));
    mr_http_client_response_release(&r);
    finish(s);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

static Suite *callback_suite(void)
{
    Suite *s = suite_create("callback");
    TCase *tc = tcase_create("send");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_delivered);
    tcase_add_test(tc, test_to_a_service);
    tcase_add_test(tc, test_admin_endpoint);
    suite_add_tcase(s, tc);
    tc = tcase_create("retries");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_retries);
    tcase_add_test(tc, test_refused_and_down);
    suite_add_tcase(s, tc);
    tc = tcase_create("end");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_due_after_the_end);
    tcase_add_test(tc, test_delay_range_seeded);
    tcase_add_test(tc, test_abort);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(callback_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
