/*
 * test_proxy.c - server/proxy.c through the server: a service whose
 * "proxy" is a stub upstream on 127.0.0.1 (tests/lib/stub_server.h), and
 * clients that talk raw HTTP to the mock (tests/lib/http_client.h). What
 * the stub received shows what is forwarded; what the client got, what
 * comes back; the journal and the observer, what is recorded.
 *
 * One case:   CK_RUN_CASE=forward ./test_proxy
 * Under gdb:  CK_FORK=no gdb ./test_proxy
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "scenarios/scenario.h"
#include "server/journal.h"
#include "server/service.h"
#include "tests/lib/fixture.h"
#include "tests/lib/http_client.h"
#include "tests/lib/stub_server.h"

/* A scenario with service "api" (one route, the proxy at `base` on the stub's port). */
static struct mr_scenario *scenario(int port, const char *base, const char *extra)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "{\"services\": {\"api\": {\"proxy\": \"http://127.0.0.1:%d%s\"%s, \"routes\": [\n"
             " {\"id\": \"mocked\", \"request\": {\"path\": \"/mocked\"}, \"response\": {\"body\": "
             "\"mock\"}}]}},\n"
             " \"expect\": [{\"route\": \"mocked\", \"atLeast\": 0}]}",
             port, base, extra);
    return mr_fixture_scenario("proxy.json", text);
}

/* What the observer saw, copied. */
struct seen {
    pthread_mutex_t lock;
    int n, status;
    char method[16], path[64], body[256], location[128], encoding[16];
    size_t body_len;
};

static void observe(void *ctx, const struct mr_proxy_exchange *x)
{
    struct seen *s = ctx;
    size_t i;
    pthread_mutex_lock(&s->lock);
    s->n++;
    s->status = x->status;
    snprintf(s->method, sizeof(s->method), "%s", x->req->method);
    snprintf(s->path, sizeof(s->path), "%s", x->req->path);
    s->body_len = x->body_len;
    snprintf(s->body, sizeof(s->body), "%.*s", (int)x->body_len, x->body);
    snprintf(s->encoding, sizeof(s->encoding), "%s", x->encoding ? x->encoding : "");
    s->location[0] = '\0';
    for (i = 0; i < x->nheaders; i++)
        if (strcmp(x->headers[i].name, "Location") == 0)
            snprintf(s->location, sizeof(s->location), "%.*s", (int)x->headers[i].value_len,
                     x->headers[i].value);
    pthread_mutex_unlock(&s->lock);
}

static struct mr_server *start(const struct mr_scenario *sc, struct seen *seen)
{
    struct mr_server_opts o;
    mr_server_opts_init(&o);
    o.threads = 4;
    if (seen) {
        memset(seen, 0, sizeof(*seen));
        pthread_mutex_init(&seen->lock, NULL);
        o.observe = observe;
        o.observe_ctx = seen;
    }
    return mr_fixture_start(sc, &o);
}

START_TEST(test_forward)
{
    struct mr_stub *up = mr_stub_start();
    struct mr_scenario *sc = scenario(mr_stub_port(up), "/base/", "");
    struct seen seen;
    struct mr_server *s = start(sc, &seen);
    struct mr_http_response r;
    const struct mr_journal *j;
    const struct mr_call *c;
    const char *got;
    char want[128];

    mr_stub_answers(up, "HTTP/1.1 201 Created\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\n"
                        "Keep-Alive: timeout=5\r\nContent-Type: application/json\r\n"
                        "X-Upstream: yes\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "7\r\n{\"id\": \r\n2\r\n7}\r\n0\r\n\r\n");
    mr_http_client_request(
        mr_server_port(s, 0),
        "POST /items/a%20b?q=1&r=%2F HTTP/1.1\r\nHost: mock\r\n"
        "Connection: close, X-Private\r\nX-Private: p\r\nAuthorization: Bearer t\r\n"
        "Accept-Encoding: br, gzip;q=0.8, zstd, deflate\r\n"
        "Content-Length: 5\r\n\r\nhello",
        &r);
    /* what the target received */
    ck_assert_uint_eq(mr_stub_count(up), 1);
    got = mr_stub_request(up, 0);
    ck_assert_msg(strncmp(got, "POST /base/items/a%20b?q=1&r=%2F HTTP/1.1\r\n", 42) == 0, "%s",
                  got);
    snprintf(want, sizeof(want), "\r\nHost: 127.0.0.1:%d\r\n", mr_stub_port(up));
    ck_assert_msg(strstr(got, want), "%s", got);
    ck_assert_msg(strstr(got, "\r\nAuthorization: Bearer t\r\n"), "%s", got);
    ck_assert_msg(strstr(got, "\r\nAccept-Encoding: gzip;q=0.8, deflate\r\n"), "%s", got);
    ck_assert_msg(strstr(got, "\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"), "%s",
                  got);
    ck_assert_msg(!strstr(got, "X-Private") && !strstr(got, "Host: mock"), "%s", got);

    /* what the client got: the target's answer, de-chunked */
    ck_assert_int_eq(r.status, 201);
    ck_assert_str_eq(r.body, "{\"id\": 7}");
    ck_assert_msg(strstr(r.head, "\r\nContent-Length: 9\r\n"), "%s", r.head);
    ck_assert_msg(strstr(r.head, "\r\nX-Upstream: yes\r\n"), "%s", r.head);
    ck_assert_msg(strstr(r.head, "\r\nContent-Type: application/json\r\n"), "%s", r.head);
    ck_assert_msg(!strstr(r.head, "X-Hop") && !strstr(r.head, "chunked") &&
                      !strstr(r.head, "timeout=5"),
                  "%s", r.head);
    mr_http_client_response_release(&r);

    /* a route still answers first */
    mr_http_client_request(mr_server_port(s, 0),
                           "GET /mocked HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n\r\n", &r);
    ck_assert_str_eq(r.body, "mock");
    ck_assert_uint_eq(mr_stub_count(up), 1);
    mr_http_client_response_release(&r);

    mr_server_close(s);
    j = mr_server_journal(s);
    ck_assert_uint_eq(mr_journal_total(j), 2);
    ck_assert_uint_eq(mr_journal_proxied(j, -1), 1);
    ck_assert_uint_eq(mr_journal_unmatched(j, -1), 0);
    c = mr_journal_at(j, 0);
    ck_assert(c->proxied);
    ck_assert_int_eq(c->route, -1);
    ck_assert_int_eq(c->status, 201);
    ck_assert_ptr_null(c->near);
    ck_assert_str_eq(c->path, "/items/a b");
    ck_assert_str_eq(c->answer, "{\"id\": 7}");
    ck_assert(!mr_journal_at(j, 1)->proxied);
    ck_assert_int_eq(seen.n, 1);
    ck_assert_int_eq(seen.status, 201);
    ck_assert_str_eq(seen.method, "POST");
    ck_assert_str_eq(seen.path, "/items/a b");
    ck_assert_str_eq(seen.body, "{\"id\": 7}");
    mr_server_stop(s);
    mr_scenario_free(sc);
    mr_stub_stop(up);
}
END_TEST

START_TEST(test_gzip_binary_head_redirect)
{
    struct mr_stub *up = mr_stub_start();
    struct mr_scenario *sc = scenario(mr_stub_port(up), "", "");
    struct seen seen;
    struct mr_server *s = start(sc, &seen);
    struct mr_http_response r;
    const struct mr_journal *j;
    unsigned char packed[256];
    char answer[512], want[128];
    static const char text[] = "{\"compressed\": true}";
    static const char bin[] = "\x89PNG\r\n\x1a\n\0\xff\0";
    size_t n, h;
    z_stream z;

    /* gzip: forwarded as it came, decoded for the journal and the observer */
    memset(&z, 0, sizeof(z));
    ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)text;
    z.avail_in = sizeof(text) - 1;
    z.next_out = packed;
    z.avail_out = sizeof(packed);
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    n = sizeof(packed) - z.avail_out;
    deflateEnd(&z);
    h = (size_t)snprintf(answer, sizeof(answer),
                         "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n",
                         n);
    memcpy(answer + h, packed, n);
    mr_stub_answer(up, answer, h + n);
    mr_http_client_request(mr_server_port(s, 0),
                           "GET /z HTTP/1.1\r\nHost: m\r\nAccept-Encoding: gzip\r\nConnection: "
                           "close\r\n\r\n",
                           &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.body_len, n);
    ck_assert_mem_eq(r.body, packed, n);
    ck_assert_msg(strstr(r.head, "\r\nContent-Encoding: gzip\r\n"), "%s", r.head);
    mr_http_client_response_release(&r);
    ck_assert_str_eq(seen.body, text);
    ck_assert_str_eq(seen.encoding, "");

    /* binary, byte for byte */
    h = (size_t)snprintf(
        answer, sizeof(answer),
        "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: %zu\r\n\r\n",
        sizeof(bin) - 1);
    memcpy(answer + h, bin, sizeof(bin) - 1);
    mr_stub_answer(up, answer, h + sizeof(bin) - 1);
    mr_http_client_request(mr_server_port(s, 0),
                           "GET /img.png HTTP/1.1\r\nHost: m\r\nConnection: close\r\n\r\n", &r);
    ck_assert_uint_eq(r.body_len, sizeof(bin) - 1);
    ck_assert_mem_eq(r.body, bin, sizeof(bin) - 1);
    mr_http_client_response_release(&r);
    ck_assert_uint_eq(seen.body_len, sizeof(bin) - 1);

    /* HEAD: the target's length, no body */
    mr_stub_answers(up, "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n");
    mr_http_client_request(mr_server_port(s, 0),
                           "HEAD /big HTTP/1.1\r\nHost: m\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(strstr(r.head, "\r\nContent-Length: 1234\r\n"), "%s", r.head);
    ck_assert_uint_eq(r.body_len, 0);
    mr_http_client_response_release(&r);

    /* a redirect on the target points at the mock; one elsewhere is left alone */
    snprintf(answer, sizeof(answer),
             "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:%d/new?x=1\r\nContent-Length: "
             "0\r\n\r\n",
             mr_stub_port(up));
    mr_stub_answers(up, answer);
    mr_http_client_request(mr_server_port(s, 0),
                           "GET /old HTTP/1.1\r\nHost: m\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 302);
    snprintf(want, sizeof(want), "\r\nLocation: %s/new?x=1\r\n", mr_server_url(s, 0));
    ck_assert_msg(strstr(r.head, want), "%s", r.head);
    mr_http_client_response_release(&r);
    snprintf(want, sizeof(want), "%s/new?x=1", mr_server_url(s, 0));
    ck_assert_str_eq(seen.location, want);
    ck_assert_uint_eq(mr_stub_count(up), 4); /* not followed */
    mr_stub_answers(up, "HTTP/1.1 301 Moved\r\nLocation: http://elsewhere.example/x\r\n"
                        "Content-Length: 0\r\n\r\n");
    mr_http_client_request(mr_server_port(s, 0),
                           "GET /away HTTP/1.1\r\nHost: m\r\nConnection: close\r\n\r\n", &r);
    ck_assert_msg(strstr(r.head, "\r\nLocation: http://elsewhere.example/x\r\n"), "%s", r.head);
    mr_http_client_response_release(&r);

    mr_server_close(s);
    j = mr_server_journal(s);
    ck_assert_uint_eq(mr_journal_proxied(j, -1), 5);
    ck_assert_str_eq(mr_journal_at(j, 0)->answer, text); /* decoded */
    ck_assert_ptr_null(mr_journal_at(j, 2)->answer);     /* HEAD */
    mr_server_stop(s);
    mr_scenario_free(sc);
    mr_stub_stop(up);
}
END_TEST

START_TEST(test_target_down)
{
    int port = mr_stub_closed_port();
    struct mr_scenario *sc = scenario(port, "", "");
    struct seen seen;
    struct mr_server *s = start(sc, &seen);
    struct mr_http_response r;
    const struct mr_journal *j;
    const struct mr_call *c;
    char want[200];

    mr_http_client_request(mr_server_port(s, 0),
                           "GET /x HTTP/1.1\r\nHost: m\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 502);
    snprintf(want, sizeof(want),
             "mockrun: proxy http://127.0.0.1:%d failed: cannot connect to 127.0.0.1:%d: "
             "connection refused (is the server running?)\n",
             port, port);
    ck_assert_str_eq(r.body, want);
    mr_http_client_response_release(&r);
    mr_server_close(s);
    j = mr_server_journal(s);
    /* unexpected, with the reason: the run fails */
    ck_assert_uint_eq(mr_journal_unmatched(j, -1), 1);
    ck_assert_uint_eq(mr_journal_proxied(j, -1), 0);
    c = mr_journal_at(j, 0);
    ck_assert(!c->proxied);
    ck_assert_int_eq(c->status, 502);
    want[strlen(want) - 1] = '\0';
    ck_assert_str_eq(c->near, want + strlen("mockrun: "));
    ck_assert_int_eq(seen.n, 0);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_cors)
{
    struct mr_stub *up = mr_stub_start();
    struct mr_scenario *sc = scenario(mr_stub_port(up), "", ", \"cors\": true");
    struct mr_server *s = start(sc, NULL);
    struct mr_http_response r;

    /* the service's CORS headers, not the target's */
    mr_stub_answers(up, "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://real.example\r\n"
                        "Content-Length: 2\r\n\r\nok");
    mr_http_client_request(mr_server_port(s, 0),
                           "GET /x HTTP/1.1\r\nHost: m\r\nOrigin: http://app.test\r\nConnection: "
                           "close\r\n\r\n",
                           &r);
    ck_assert_str_eq(r.body, "ok");
    ck_assert_msg(strstr(r.head, "\r\nAccess-Control-Allow-Origin: http://app.test\r\n"), "%s",
                  r.head);
    ck_assert_msg(!strstr(r.head, "real.example"), "%s", r.head);
    mr_http_client_response_release(&r);
    mr_server_stop(s);
    mr_scenario_free(sc);
    mr_stub_stop(up);
}
END_TEST

static Suite *proxy_suite(void)
{
    Suite *s = suite_create("proxy");
    TCase *tc = tcase_create("forward");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_forward);
    tcase_add_test(tc, test_gzip_binary_head_redirect);
    tcase_add_test(tc, test_target_down);
    tcase_add_test(tc, test_cors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(proxy_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
