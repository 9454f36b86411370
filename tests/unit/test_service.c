/*
 * test_service.c - server/service.c on real sockets: a scenario is served by
 * CivetWeb on 127.0.0.1 (ephemeral ports) and the raw HTTP/1.1 client of
 * tests/lib/http_client.h sends request bytes and reads the response.
 *
 * mr_server_start returns with every port bound, so tests connect at once:
 * no sleeps for readiness. Timing checks are generous upper bounds (loaded
 * 2-core CI machines), except a delay's lower bound, which is safe.
 *
 * One case:   CK_RUN_CASE=lifecycle ./test_service
 * Under gdb:  CK_FORK=no gdb ./test_service
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/clock.h"
#include "scenarios/scenario.h"
#include "server/journal.h"
#include "server/service.h"
#include "tests/lib/fixture.h"
#include "tests/lib/http_client.h"

#define FIX MOCKRUN_TEST_FIXTURES "/scenarios"

static int64_t now_ms(void)
{
    return mr_clock_mono_us() / 1000;
}

/* --- the scenario and the server ---------------------------------------- */

static const char scenario_text[] =
    "{\"name\": \"svc\", \"services\": {\n"
    " \"payments\": {\"routes\": [\n"
    "  {\"id\": \"create-charge\", \"request\": {\"method\": \"POST\", \"path\": \"/v1/charges\",\n"
    "    \"headers\": {\"Authorization\": {\"matches\": \"^Bearer \\\\w+\"}},\n"
    "    \"query\": {\"expand\": \"customer\"}, \"body\": {\"json\": {\"currency\": \"eur\"}}},\n"
    "   \"response\": {\"status\": 201, \"headers\": {\"X-Request-Id\": \"r1\"},\n"
    "    \"json\": {\"id\": \"ch_1\", \"paid\": true}}},\n"
    "  {\"id\": \"get-charge\", \"request\": {\"method\": \"GET\", \"path\": "
    "\"/v1/charges/:id\"},\n"
    "   \"response\": {\"file\": \"fixtures/charge.json\"}},\n"
    "  {\"id\": \"slow\", \"request\": {\"path\": \"/slow\"},\n"
    "   \"response\": {\"body\": \"late\", \"delayMs\": 300}},\n"
    "  {\"id\": \"echo\", \"request\": {\"method\": \"PUT\", \"path\": \"/echo\"},\n"
    "   \"response\": {\"status\": 202, \"body\": \"stored\"}},\n"
    "  {\"id\": \"exact\", \"request\": {\"method\": \"POST\", \"path\": \"/exact\",\n"
    "    \"body\": {\"equals\": \"hello chunked world\"}}, \"response\": {\"status\": 204}},\n"
    "  {\"id\": \"any\", \"request\": {\"method\": \"ANY\", \"path\": \"/any\"},\n"
    "   \"response\": {\"body\": \"0123456789\", \"headers\": {\"Content-Type\": \"text/x\"}}}\n"
    " ]},\n"
    " \"mail\": {\"routes\": [\n"
    "  {\"id\": \"send\", \"request\": {\"method\": \"POST\", \"path\": \"/send\"},\n"
    "   \"response\": {\"status\": 200, \"body\": \"sent\"}}\n"
    " ]}},\n"
    " \"expect\": [{\"route\": \"create-charge\", \"times\": 1},\n"
    "            {\"request\": {\"path\": \"/v1/charges/:id\"}, \"atLeast\": 1}]}\n";

static struct mr_scenario *scenario(void)
{
    return mr_fixture_scenario(FIX "/service.json", scenario_text);
}

/* --- start and ports ---------------------------------------------------- */

START_TEST(test_opts_defaults)
{
    struct mr_server_opts o;
    mr_server_opts_init(&o);
    ck_assert_str_eq(o.host, "127.0.0.1");
    ck_assert_int_eq(o.port_override, 0);
    ck_assert_int_eq(o.threads, 72);
    ck_assert_int_eq(o.keep_alive_ms, MR_SERVER_KEEP_ALIVE_MS_DEFAULT);
    ck_assert_uint_eq(o.body_max, 1u << 20);
    ck_assert_uint_eq(o.journal.max_calls, 100000);
}
END_TEST

START_TEST(test_ports_and_urls)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = mr_fixture_start(sc, NULL);
    char url[64];
    int p0 = mr_server_port(s, 0), p1 = mr_server_port(s, 1);

    ck_assert_int_gt(p0, 0);
    ck_assert_int_gt(p1, 0);
    ck_assert_int_ne(p0, p1);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", p0);
    ck_assert_str_eq(mr_server_url(s, 0), url);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", p1);
    ck_assert_str_eq(mr_server_url(s, 1), url);
    ck_assert_int_eq(mr_server_port(s, 2), 0);
    ck_assert_ptr_null(mr_server_url(s, 2));
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

/* A port nobody listens on right now (bound, then released). */
static int free_port(void)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

START_TEST(test_port_override)
{
    static const char text[] = "{\"routes\": [{\"response\": {\"body\": \"hi\"}}]}";
    struct mr_scenario *sc = mr_fixture_scenario("p.json", text);
    struct mr_server_opts o;
    struct mr_server *s;
    struct mr_http_response r;
    int port = free_port();

    mr_server_opts_init(&o);
    o.threads = 2;
    o.port_override = port;
    s = mr_fixture_start(sc, &o);
    ck_assert_int_eq(mr_server_port(s, 0), port);
    mr_http_client_request(port, "GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "hi");
    mr_http_client_response_release(&r);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_port_taken)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;
    char text[256], want[256];
    struct mr_scenario *sc;
    struct mr_server_opts o;
    struct mr_server *s = (struct mr_server *)1;
    struct mr_error err;

    /* someone else listens on the port the scenario names */
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(listen(fd, 1), 0);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    port = ntohs(sa.sin_port);

    snprintf(text, sizeof(text),
             "{\"services\": {\"free\": {\"routes\": []}, \"billing\": {\"port\": %d, \"routes\": "
             "[]}}}",
             port);
    sc = mr_fixture_scenario("t.json", text);
    mr_server_opts_init(&o);
    o.threads = 2;
    ck_assert_int_eq(mr_server_start(&s, sc, &o, &err), MR_ESETUP);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(err.code, MR_ESETUP);
    snprintf(want, sizeof(want),
             "service 'billing': cannot listen on 127.0.0.1:%d: port is already in use", port);
    ck_assert_str_eq(err.msg, want);
    close(fd);
    mr_scenario_free(sc);
}
END_TEST

/* --- requests ----------------------------------------------------------- */

START_TEST(test_json_response_and_headers)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct mr_http_response r;
    char v[256], req[512];
    static const char body[] = "{\"currency\":\"eur\",\"amount\":1999}";

    snprintf(req, sizeof(req),
             "POST /v1/charges?expand=customer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
             "tok_1\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: "
             "close\r\n\r\n%s",
             strlen(body), body);
    mr_http_client_request(mr_server_port(s, 0), req, &r);
    ck_assert_int_eq(r.status, 201);
    ck_assert_str_eq(r.body, "{\"id\":\"ch_1\",\"paid\":true}");
    ck_assert(mr_http_client_header(r.head, r.head_len, "X-Request-Id", v, sizeof(v)));
    ck_assert_str_eq(v, "r1");
    ck_assert(mr_http_client_header(r.head, r.head_len, "Content-Type", v, sizeof(v)));
    ck_assert_str_eq(v, "application/json");
    ck_assert(mr_http_client_header(r.head, r.head_len, "Content-Length", v, sizeof(v)));
    ck_assert_int_eq(atoi(v), (int)strlen("{\"id\":\"ch_1\",\"paid\":true}"));
    ck_assert(mr_http_client_header(r.head, r.head_len, "Connection", v, sizeof(v)));
    ck_assert_str_eq(v, "close");
    ck_assert_ptr_nonnull(strstr(r.head, "HTTP/1.1 201 Created\r\n"));
    mr_http_client_response_release(&r);

    mr_server_close(s);
    {
        const struct mr_journal *j = mr_server_journal(s);
        const struct mr_call *c;
        ck_assert_uint_eq(mr_journal_total(j), 1);
        c = mr_journal_at(j, 0);
        ck_assert_str_eq(c->method, "POST");
        ck_assert_str_eq(c->path, "/v1/charges");
        ck_assert_str_eq(c->query, "expand=customer");
        ck_assert_int_eq(c->route, 0);
        ck_assert_uint_eq(c->status, 201);
        ck_assert_uint_eq(c->service, 0);
        ck_assert_str_eq(c->body, body);
        ck_assert(!c->body_truncated);
        ck_assert_uint_eq(mr_journal_route_count(j, 0), 1);
        ck_assert_uint_eq(mr_journal_expect_count(j, 0), 1);
        ck_assert_uint_eq(mr_journal_expect_count(j, 1), 0);
    }
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_file_response)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct mr_http_response r;
    char v[128], want[512];
    FILE *f = fopen(FIX "/fixtures/charge.json", "rb");
    size_t n;

    ck_assert_ptr_nonnull(f);
    n = fread(want, 1, sizeof(want) - 1, f);
    want[n] = '\0';
    fclose(f);
    mr_http_client_request(mr_server_port(s, 0),
                           "GET /v1/charges/ch_1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                           &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, want);
    ck_assert_uint_eq(r.body_len, n);
    ck_assert(mr_http_client_header(r.head, r.head_len, "Content-Type", v, sizeof(v)));
    ck_assert_str_eq(v, "application/json");
    mr_http_client_response_release(&r);
    mr_server_close(s);
    ck_assert_uint_eq(mr_journal_expect_count(mr_server_journal(s), 1), 1);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_services_are_separate)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct mr_http_response r;
    const struct mr_journal *j;

    mr_http_client_request(mr_server_port(s, 1),
                           "POST /send HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                           "Connection: close\r\n\r\n",
                           &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "sent");
    mr_http_client_response_release(&r);
    /* the mail route is not served by payments, and the other way round */
    mr_http_client_request(mr_server_port(s, 0),
                           "POST /send HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                           "Connection: close\r\n\r\n",
                           &r);
    ck_assert_int_eq(r.status, 404);
    mr_http_client_response_release(&r);
    mr_http_client_request(mr_server_port(s, 1),
                           "GET /v1/charges/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                           &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_ptr_nonnull(strstr(r.body, "closest: \"send\""));
    mr_http_client_response_release(&r);
    mr_server_close(s);
    j = mr_server_journal(s);
    ck_assert_uint_eq(mr_journal_total(j), 3);
    ck_assert_uint_eq(mr_journal_at(j, 0)->service, 1);
    ck_assert_int_eq(mr_journal_at(j, 0)->route, 6);
    ck_assert_uint_eq(mr_journal_at(j, 1)->service, 0);
    ck_assert_int_eq(mr_journal_at(j, 1)->route, -1);
    ck_assert_uint_eq(mr_journal_at(j, 2)->service, 1);
    ck_assert_uint_eq(mr_journal_unmatched(j, -1), 2);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

/* The explanations of two unmatched requests (server/match.h, mr_miss_report). */
#define DELETE_MISS                                                                                \
    "no route matched DELETE /v1/charges/ch_1; closest: \"get-charge\" (1 of 2 conditions "        \
    "differ)\n"                                                                                    \
    "  route \"get-charge\": 1 of 2 conditions differ\n"                                           \
    "    method \u2717 (DELETE vs GET)\n"                                                          \
    "    path \u2713"
#define POST_MISS                                                                                  \
    "no route matched POST /v1/charges; closest: \"create-charge\" (2 of 5 conditions differ)\n"   \
    "  route \"create-charge\": 2 of 5 conditions differ\n"                                        \
    "    method \u2713\n"                                                                          \
    "    path \u2713\n"                                                                            \
    "    query expand \u2713\n"                                                                    \
    "    header Authorization \u2717 (absent)\n"                                                   \
    "    body \u2717 (1 difference)\n"                                                             \
    "      $.currency: missing, expected \"eur\"\n"                                                \
    "  route \"exact\": 2 of 3 conditions differ\n"                                                \
    "    method \u2713\n"                                                                          \
    "    path \u2717 (/v1/charges vs /exact)\n"                                                    \
    "    body \u2717 (\"{}\" vs \"hello chunked world\")"

START_TEST(test_404_names_closest_route)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct mr_http_response r;
    char v[128];
    const struct mr_call *c;

    mr_http_client_request(
        mr_server_port(s, 0),
        "DELETE /v1/charges/ch_1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(r.body, "mockrun: " DELETE_MISS "\n");
    ck_assert(mr_http_client_header(r.head, r.head_len, "Content-Type", v, sizeof(v)));
    ck_assert_str_eq(v, "text/plain; charset=utf-8");
    mr_http_client_response_release(&r);

    mr_http_client_request(
        mr_server_port(s, 0),
        "POST /v1/charges?expand=customer HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
        "Connection: close\r\n\r\n{}",
        &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(r.body, "mockrun: " POST_MISS "\n");
    mr_http_client_response_release(&r);

    mr_server_close(s);
    c = mr_journal_at(mr_server_journal(s), 0);
    ck_assert_uint_eq(c->status, 404);
    ck_assert_str_eq(c->near, DELETE_MISS); /* the same text: computed once */
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

/* X-Mockrun-Test attributes a call and is removed from what matching and the journal see;
 * POST /__mockrun/test sets the test calls without it go to. */
START_TEST(test_calls_attributed_to_tests)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = mr_fixture_start(sc, NULL);
    int port = mr_server_port(s, 0);
    struct mr_http_response r;
    const struct mr_journal *j;
    const struct mr_call *c;
    const char *it = NULL, *name, *value;

    mr_http_client_request(port,
                           "PUT /echo HTTP/1.1\r\nHost: x\r\nx-mockrun-test: pays%20%C3%A9\r\n"
                           "Connection: close\r\n\r\n",
                           &r);
    ck_assert_int_eq(r.status, 202);
    mr_http_client_response_release(&r);
    mr_http_client_request(port,
                           "POST /__mockrun/test HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\n"
                           "Connection: close\r\n\r\n  refunds\tok\n",
                           &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"test\": \"refunds ok\"}\n");
    mr_http_client_response_release(&r);
    mr_http_client_request(port, "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                           &r);
    ck_assert_int_eq(r.status, 404);
    mr_http_client_response_release(&r);
    mr_http_client_request(port,
                           "POST /__mockrun/test HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                           "Connection: close\r\n\r\n",
                           &r);
    ck_assert_str_eq(r.body, "{\"test\": null}\n");
    mr_http_client_response_release(&r);
    mr_http_client_request(port, "PUT /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    mr_http_client_response_release(&r);

    mr_server_close(s);
    j = mr_server_journal(s);
    ck_assert_uint_eq(mr_journal_kept(j), 3); /* admin calls are not recorded */
    c = mr_journal_at(j, 0);
    ck_assert_str_eq(c->test, "pays \xc3\xa9");
    while ((it = mr_call_next_header(c, it, &name, &value)) != NULL)
        ck_assert_msg(strcasecmp(name, "X-Mockrun-Test") != 0, "the header was recorded");
    ck_assert_uint_eq(c->nheaders, 2);
    ck_assert_str_eq(mr_journal_at(j, 1)->test, "refunds ok");
    ck_assert_ptr_null(mr_journal_at(j, 2)->test);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_url_decoding)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct mr_http_response r;
    const struct mr_call *c;

    /* the path is matched after decoding; the query is kept raw and decoded for matching */
    mr_http_client_request(
        mr_server_port(s, 0),
        "GET /v1/%63harges/a%20b?x=a+b%26 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 200);
    mr_http_client_response_release(&r);
    mr_server_close(s);
    c = mr_journal_at(mr_server_journal(s), 0);
    ck_assert_str_eq(c->path, "/v1/charges/a b");
    ck_assert_str_eq(c->query, "x=a+b%26");
    ck_assert_int_eq(c->route, 1);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_head)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct mr_http_client c;
    struct mr_http_response r;
    char v[64];

    /* HEAD gets the headers (with the body's length) and no body: the next response on the
     * same connection must start right after the headers */
    mr_http_client_open(&c, mr_server_port(s, 0));
    mr_http_client_sends(&c, "HEAD /any HTTP/1.1\r\nHost: x\r\n\r\n");
    mr_http_client_read_response(&c, &r, true);
    ck_assert_int_eq(r.status, 200);
    ck_assert(mr_http_client_header(r.head, r.head_len, "Content-Length", v, sizeof(v)));
    ck_assert_str_eq(v, "10");
    ck_assert(mr_http_client_header(r.head, r.head_len, "Content-Type", v, sizeof(v)));
    ck_assert_str_eq(v, "text/x"); /* the route's own type wins */
    mr_http_client_response_release(&r);
    mr_http_client_sends(&c, "GET /any HTTP/1.1\r\nHost: x\r\n\r\n");
    mr_http_client_read_response(&c, &r, false);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "0123456789");
    mr_http_client_response_release(&r);
    /* a HEAD that matches nothing: 404 headers, no body */
    mr_http_client_sends(&c, "HEAD /nothing HTTP/1.1\r\nHost: x\r\n\r\n");
    mr_http_client_read_response(&c, &r, true);
    ck_assert_int_eq(r.status, 404);
    mr_http_client_response_release(&r);
    mr_http_client_sends(&c, "GET /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    mr_http_client_read_response(&c, &r, false);
    ck_assert_str_eq(r.body, "0123456789");
    mr_http_client_response_release(&r);
    ck_assert(mr_http_client_at_eof(&c));
    mr_http_client_release(&c);
    mr_server_close(s);
    ck_assert_uint_eq(mr_journal_total(mr_server_journal(s)), 4);
    ck_assert_str_eq(mr_journal_at(mr_server_journal(s), 0)->method, "HEAD");
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_keep_alive)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct mr_http_client c;
    struct mr_http_response r;
    char v[64];

    mr_http_client_open(&c, mr_server_port(s, 0));
    /* two requests written at once (pipelined), then one more */
    mr_http_client_sends(&c, "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                             "GET /any HTTP/1.1\r\nHost: x\r\n\r\n");
    mr_http_client_read_response(&c, &r, false);
    ck_assert_int_eq(r.status, 202);
    ck_assert_str_eq(r.body, "stored");
    ck_assert(mr_http_client_header(r.head, r.head_len, "Connection", v, sizeof(v)));
    ck_assert_str_eq(v, "keep-alive");
    mr_http_client_response_release(&r);
    mr_http_client_read_response(&c, &r, false);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "0123456789");
    mr_http_client_response_release(&r);
    mr_http_client_sends(&c, "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nz");
    mr_http_client_read_response(&c, &r, false);
    ck_assert_int_eq(r.status, 202);
    mr_http_client_response_release(&r);
    mr_http_client_release(&c);

    /* HTTP/1.0 closes unless asked to keep alive */
    mr_http_client_open(&c, mr_server_port(s, 0));
    mr_http_client_sends(&c, "GET /any HTTP/1.0\r\n\r\n");
    mr_http_client_read_response(&c, &r, false);
    ck_assert(mr_http_client_header(r.head, r.head_len, "Connection", v, sizeof(v)));
    ck_assert_str_eq(v, "close");
    mr_http_client_response_release(&r);
    ck_assert(mr_http_client_at_eof(&c));
    mr_http_client_release(&c);

    mr_server_close(s);
    {
        const struct mr_journal *j = mr_server_journal(s);
        ck_assert_uint_eq(mr_journal_total(j), 4);
        ck_assert_str_eq(mr_journal_at(j, 0)->body, "abc");
        ck_assert_str_eq(mr_journal_at(j, 2)->body, "z");
    }
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_chunked_request_body)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct mr_http_client c;
    struct mr_http_response r;
    const struct mr_call *call;

    mr_http_client_open(&c, mr_server_port(s, 0));
    mr_http_client_sends(&c, "POST /exact HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "6\r\nhello \r\n");
    mr_http_client_sends(&c, "8\r\nchunked \r\n5\r\nworld\r\n0\r\n\r\n");
    mr_http_client_read_response(&c, &r, false);
    ck_assert_int_eq(r.status, 204); /* the body matcher saw the whole, de-chunked body */
    mr_http_client_response_release(&r);
    mr_http_client_release(&c);
    mr_server_close(s);
    call = mr_journal_at(mr_server_journal(s), 0);
    ck_assert_str_eq(call->body, "hello chunked world");
    ck_assert_uint_eq(call->body_size, 19);
    ck_assert_int_eq(call->route, 4);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_body_over_limit_truncated)
{
    struct mr_scenario *sc = scenario();
    struct mr_server_opts o;
    struct mr_server *s;
    struct mr_http_response r;
    char req[8192], body[5001];
    const struct mr_call *call;

    mr_server_opts_init(&o);
    o.threads = 4;
    o.body_max = 100;
    s = mr_fixture_start(sc, &o);
    memset(body, 'q', 5000);
    body[5000] = '\0';
    snprintf(req, sizeof(req),
             "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n%s",
             body);
    mr_http_client_request(mr_server_port(s, 0), req, &r);
    ck_assert_int_eq(r.status, 202); /* answered as usual */
    mr_http_client_response_release(&r);
    mr_server_close(s);
    call = mr_journal_at(mr_server_journal(s), 0);
    ck_assert(call->body_truncated);
    ck_assert_uint_eq(call->body_len, 100);
    ck_assert_uint_eq(call->body_size, 5000);
    ck_assert_int_eq(call->body[0], 'q');
    ck_assert_int_eq(call->body[100], '\0');
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_delay)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct mr_http_response r;
    int64_t t0 = now_ms(), took;

    mr_http_client_request(mr_server_port(s, 0),
                           "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    took = now_ms() - t0;
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "late");
    ck_assert_int_ge(took, 300);
    mr_http_client_response_release(&r);
    mr_server_close(s);
    ck_assert_uint_ge(mr_journal_at(mr_server_journal(s), 0)->duration_us, 300000);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_malformed_request)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct mr_http_client c;
    struct mr_http_response r;

    /* garbage gets an error or a closed connection, never a crash; the server goes on */
    mr_http_client_open(&c, mr_server_port(s, 0));
    mr_http_client_sends(&c, "\x01\x02 garbage \xff\r\n\r\n");
    mr_http_client_read_to_end(&c);
    ck_assert_msg(c.eof, "recv: %s", strerror(c.err));
    mr_http_client_release(&c);
    mr_http_client_request(mr_server_port(s, 0),
                           "GET /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 200);
    mr_http_client_response_release(&r);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

/* --- concurrency -------------------------------------------------------- */

struct client_arg {
    int port;
    int t;
    int n;
    int ok;
};

static void *client(void *p)
{
    struct client_arg *a = p;
    struct mr_http_client c;
    int i;

    /* a keep-alive connection per client, reopened every 50 requests */
    mr_http_client_open(&c, a->port);
    for (i = 0; i < a->n; i++) {
        char req[256];
        struct mr_http_response r;
        if (i > 0 && i % 50 == 0) {
            mr_http_client_release(&c);
            mr_http_client_open(&c, a->port);
        }
        snprintf(req, sizeof(req),
                 "PUT /echo?t=%d&i=%d HTTP/1.1\r\nHost: x\r\n"
                 "Content-Length: 1\r\n\r\nx",
                 a->t, i);
        mr_http_client_sends(&c, req);
        mr_http_client_read_response(&c, &r, false);
        if (r.status == 202)
            a->ok++;
        mr_http_client_response_release(&r);
    }
    mr_http_client_release(&c);
    return NULL;
}

START_TEST(test_concurrent_clients)
{
    struct mr_scenario *sc = scenario();
    struct mr_server_opts o;
    struct mr_server *s;
    pthread_t th[8];
    struct client_arg args[8];
    const struct mr_journal *j;
    unsigned char seen[8][250];
    size_t i;
    int t;

    mr_server_opts_init(&o);
    o.threads = 16;
    s = mr_fixture_start(sc, &o);
    for (t = 0; t < 8; t++) {
        args[t].port = mr_server_port(s, 0);
        args[t].t = t;
        args[t].n = 250;
        args[t].ok = 0;
        ck_assert_int_eq(pthread_create(&th[t], NULL, client, &args[t]), 0);
    }
    for (t = 0; t < 8; t++) {
        pthread_join(th[t], NULL);
        ck_assert_int_eq(args[t].ok, 250);
    }
    mr_server_close(s);
    j = mr_server_journal(s);
    /* 2,000 requests from 8 clients: all recorded, none lost or doubled */
    ck_assert_uint_eq(mr_journal_total(j), 2000);
    ck_assert_uint_eq(mr_journal_route_count(j, 3), 2000);
    memset(seen, 0, sizeof(seen));
    for (i = 0; i < mr_journal_kept(j); i++) {
        int ct, ci;
        ck_assert_int_eq(sscanf(mr_journal_at(j, i)->query, "t=%d&i=%d", &ct, &ci), 2);
        ck_assert(!seen[ct][ci]);
        seen[ct][ci] = 1;
    }
    ck_assert_uint_eq(mr_journal_kept(j), 2000);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

/* --- lifecycle ---------------------------------------------------------- */

START_TEST(test_close_then_503)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct mr_http_response r;
    char v[64];

    mr_http_client_request(mr_server_port(s, 0),
                           "GET /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 200);
    mr_http_client_response_release(&r);
    mr_server_close(s);
    mr_http_client_request(mr_server_port(s, 0), "GET /any HTTP/1.1\r\nHost: x\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 503);
    ck_assert_str_eq(r.body, "mockrun: the run is over; this call was not recorded\n");
    ck_assert(mr_http_client_header(r.head, r.head_len, "Connection", v, sizeof(v)));
    ck_assert_str_eq(v, "close");
    mr_http_client_response_release(&r);
    mr_http_client_request(mr_server_port(s, 1),
                           "POST /send HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 503);
    mr_http_client_response_release(&r);
    /* not recorded */
    ck_assert_uint_eq(mr_journal_total(mr_server_journal(s)), 1);
    ck_assert_uint_eq(mr_journal_route_count(mr_server_journal(s), 5), 1);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_stop_is_quick)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s;
    struct mr_http_response r;
    int64_t t0;

    /* idle server: CivetWeb alone would sit up to 2 s in its listener's poll */
    s = mr_fixture_start(sc, NULL);
    t0 = now_ms();
    mr_server_stop(s);
    ck_assert_int_lt(now_ms() - t0, 1000);

    /* after traffic */
    s = mr_fixture_start(sc, NULL);
    mr_http_client_request(mr_server_port(s, 0),
                           "GET /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    mr_http_client_response_release(&r);
    mr_server_close(s);
    t0 = now_ms();
    mr_server_stop(s);
    ck_assert_int_lt(now_ms() - t0, 1000);
    mr_server_stop(NULL);
    mr_scenario_free(sc);
}
END_TEST

/* When the workers are all taken, an answer says "Connection: close" and the server
 * closes after it, also for a client that would keep the connection (without the
 * close, the worker would wait for it up to keep_alive_ms: a minute here). */
START_TEST(test_crowded_answer_closes)
{
    struct mr_scenario *sc = scenario();
    struct mr_server_opts o;
    struct mr_server *s;
    struct mr_http_client a, b;
    struct mr_http_response r;
    char conn[32];

    mr_server_opts_init(&o);
    o.threads = 2; /* crowded from 2 connections on */
    o.keep_alive_ms = 60000;
    s = mr_fixture_start(sc, &o);
    mr_http_client_open(&a, mr_server_port(s, 0));
    mr_http_client_sends(&a, "GET /any HTTP/1.1\r\nHost: x\r\n\r\n");
    mr_http_client_read_response(&a, &r, false);
    ck_assert(mr_http_client_header(r.head, r.head_len, "Connection", conn, sizeof(conn)));
    ck_assert_str_eq(conn, "keep-alive"); /* one connection: room to spare */
    ck_assert(mr_http_client_header(r.head, r.head_len, "Keep-Alive", conn, sizeof(conn)));
    ck_assert_str_eq(conn, "timeout=59");
    mr_http_client_response_release(&r);

    mr_http_client_open(&b, mr_server_port(s, 0)); /* the second worker: crowded now */
    b.timeout_ms = 20000;
    mr_http_client_sends(&b, "GET /any HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
    mr_http_client_read_response(&b, &r, false);
    ck_assert_int_eq(r.status, 200);
    ck_assert(mr_http_client_header(r.head, r.head_len, "Connection", conn, sizeof(conn)));
    ck_assert_str_eq(conn, "close");
    mr_http_client_response_release(&r);
    ck_assert(mr_http_client_at_eof(&b)); /* the server closed it, not the client */
    ck_assert_int_eq(b.err, 0);

    mr_http_client_release(&a);
    mr_http_client_release(&b);
    mr_server_close(s);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_stop_with_idle_keep_alive)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = mr_fixture_start(sc, NULL);
    struct mr_http_client c;
    struct mr_http_response r;
    int64_t t0;

    /* a client keeps its connection open (idle keep-alive) while the server stops */
    mr_http_client_open(&c, mr_server_port(s, 0));
    mr_http_client_sends(&c, "GET /any HTTP/1.1\r\nHost: x\r\n\r\n");
    mr_http_client_read_response(&c, &r, false);
    mr_http_client_response_release(&r);
    mr_server_close(s);
    t0 = now_ms();
    mr_server_stop(s);
    ck_assert_int_lt(now_ms() - t0, 1000);
    mr_http_client_release(&c);
    mr_scenario_free(sc);
}
END_TEST

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    return tc;
}

static Suite *service_suite(void)
{
    Suite *s = suite_create("service");
    TCase *tc;

    tc = tcase("start");
    tcase_add_test(tc, test_opts_defaults);
    tcase_add_test(tc, test_ports_and_urls);
    tcase_add_test(tc, test_port_override);
    tcase_add_test(tc, test_port_taken);
    suite_add_tcase(s, tc);

    tc = tcase("requests");
    tcase_add_test(tc, test_json_response_and_headers);
    tcase_add_test(tc, test_file_response);
    tcase_add_test(tc, test_services_are_separate);
    tcase_add_test(tc, test_404_names_closest_route);
    tcase_add_test(tc, test_url_decoding);
    tcase_add_test(tc, test_head);
    tcase_add_test(tc, test_keep_alive);
    tcase_add_test(tc, test_chunked_request_body);
    tcase_add_test(tc, test_body_over_limit_truncated);
    tcase_add_test(tc, test_delay);
    tcase_add_test(tc, test_malformed_request);
    tcase_add_test(tc, test_calls_attributed_to_tests);
    suite_add_tcase(s, tc);

    tc = tcase("concurrency");
    tcase_add_test(tc, test_concurrent_clients);
    tcase_add_test(tc, test_crowded_answer_closes);
    suite_add_tcase(s, tc);

    tc = tcase("lifecycle");
    tcase_add_test(tc, test_close_then_503);
    tcase_add_test(tc, test_stop_is_quick);
    tcase_add_test(tc, test_stop_with_idle_keep_alive);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(service_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
