/*
 * test_service.c - server/service.c on real sockets: a scenario is served by
 * CivetWeb on 127.0.0.1 (ephemeral ports) and a tiny blocking HTTP/1.1 client
 * written here sends raw request bytes and reads the raw response.
 *
 * mr_server_start returns with every port bound, so tests connect at once:
 * no sleeps for readiness. Timing checks are generous upper bounds (loaded
 * 2-core CI machines), except a delay's lower bound, which is safe.
 *
 * One case:   CK_RUN_CASE=lifecycle ./test_service
 * Under gdb:  CK_FORK=no gdb ./test_service
 */
#define _GNU_SOURCE /* strcasestr, memmem */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "scenarios/scenario.h"
#include "server/journal.h"
#include "server/service.h"

#define FIX MOCKRUN_TEST_FIXTURES "/scenarios"

/* --- a tiny HTTP client ------------------------------------------------- */

struct conn {
    int fd;
    char buf[1 << 16];
    size_t len; /* bytes read but not consumed */
};

struct resp {
    int status;
    char head[8192]; /* status line and headers, NUL-terminated */
    char *body;      /* malloc'd, NUL-terminated */
    size_t body_len;
    bool has_length;
};

static void conn_open(struct conn *c, int port)
{
    struct sockaddr_in sa;
    struct timeval tv = {10, 0};

    c->len = 0;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(c->fd, 0);
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    ck_assert_msg(connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "connect: %s",
                  strerror(errno));
}

static void conn_close(struct conn *c)
{
    close(c->fd);
    c->fd = -1;
}

static void conn_send(struct conn *c, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
        ck_assert_msg(n > 0, "send: %s", strerror(errno));
        p += n;
        len -= (size_t)n;
    }
}

static void conn_sends(struct conn *c, const char *s)
{
    conn_send(c, s, strlen(s));
}

/* Reads more bytes into the buffer; false at EOF. */
static bool fill(struct conn *c)
{
    ssize_t n;
    ck_assert_uint_lt(c->len, sizeof(c->buf));
    n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
    ck_assert_msg(n >= 0, "recv: %s", strerror(errno));
    c->len += (size_t)n;
    return n > 0;
}

static void consume(struct conn *c, size_t n)
{
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
}

/* The value of header `name` in r->head, copied into out ("" when missing); false if missing. */
static bool header(const struct resp *r, const char *name, char *out, size_t size)
{
    const char *p = r->head;
    size_t nlen = strlen(name);

    out[0] = '\0';
    while ((p = strstr(p, "\r\n")) != NULL) {
        p += 2;
        if (strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
            const char *v = p + nlen + 1, *e;
            while (*v == ' ')
                v++;
            e = strstr(v, "\r\n");
            snprintf(out, size, "%.*s", (int)(e ? e - v : (long)strlen(v)), v);
            return true;
        }
    }
    return false;
}

/* Reads one response; no body for HEAD. Without Content-Length, reads to EOF. */
static void read_resp(struct conn *c, struct resp *r, bool head_request)
{
    char *end;
    char cl[32];
    size_t hlen, want;

    memset(r, 0, sizeof(*r));
    for (;;) {
        end = c->len >= 4 ? memmem(c->buf, c->len, "\r\n\r\n", 4) : NULL;
        if (end)
            break;
        ck_assert_msg(fill(c), "connection closed before the headers ended");
    }
    hlen = (size_t)(end - c->buf) + 4;
    ck_assert_uint_lt(hlen, sizeof(r->head));
    memcpy(r->head, c->buf, hlen);
    r->head[hlen] = '\0';
    consume(c, hlen);
    ck_assert_int_eq(sscanf(r->head, "HTTP/1.%*d %d", &r->status), 1);
    r->has_length = header(r, "Content-Length", cl, sizeof(cl));
    if (head_request || r->status == 204 || r->status == 304) {
        r->body = calloc(1, 1);
        return;
    }
    if (r->has_length) {
        want = (size_t)strtoull(cl, NULL, 10);
        while (c->len < want)
            ck_assert_msg(fill(c), "connection closed in the body (%zu of %zu)", c->len, want);
    } else {
        while (fill(c))
            ;
        want = c->len;
    }
    r->body = malloc(want + 1);
    memcpy(r->body, c->buf, want);
    r->body[want] = '\0';
    r->body_len = want;
    consume(c, want);
}

static void resp_free(struct resp *r)
{
    free(r->body);
    r->body = NULL;
}

/* One request on a fresh connection. */
static void http(int port, const char *request, struct resp *r)
{
    struct conn *c = malloc(sizeof(*c));
    conn_open(c, port);
    conn_sends(c, request);
    read_resp(c, r, strncmp(request, "HEAD ", 5) == 0);
    conn_close(c);
    free(c);
}

/* True when the server closed the connection (EOF) within the receive timeout. */
static bool at_eof(struct conn *c)
{
    char x;
    return c->len == 0 && recv(c->fd, &x, 1, 0) == 0;
}

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
    struct mr_error_list errs;
    struct mr_scenario *sc = NULL;

    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(
        mr_scenario_parse(&sc, FIX "/service.json", scenario_text, strlen(scenario_text), &errs),
        0);
    return sc;
}

static struct mr_server *start(const struct mr_scenario *sc, const struct mr_server_opts *opts)
{
    struct mr_server_opts o;
    struct mr_server *s = NULL;
    struct mr_error err;
    int rc;

    if (!opts) {
        mr_server_opts_init(&o);
        o.threads = 8;
        opts = &o;
    }
    rc = mr_server_start(&s, sc, opts, &err);
    ck_assert_msg(rc == 0, "start: %s", err.msg);
    return s;
}

/* --- start and ports ---------------------------------------------------- */

START_TEST(test_opts_defaults)
{
    struct mr_server_opts o;
    mr_server_opts_init(&o);
    ck_assert_str_eq(o.host, "127.0.0.1");
    ck_assert_int_eq(o.port_override, 0);
    ck_assert_int_eq(o.threads, 72);
    ck_assert_int_eq(o.keep_alive_ms, 500);
    ck_assert_uint_eq(o.body_max, 1u << 20);
    ck_assert_uint_eq(o.journal.max_calls, 100000);
}
END_TEST

START_TEST(test_ports_and_urls)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = start(sc, NULL);
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
    struct mr_error_list errs;
    struct mr_scenario *sc = NULL;
    struct mr_server_opts o;
    struct mr_server *s;
    struct resp r;
    int port = free_port();

    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(mr_scenario_parse(&sc, "p.json", text, strlen(text), &errs), 0);
    mr_server_opts_init(&o);
    o.threads = 2;
    o.port_override = port;
    s = start(sc, &o);
    ck_assert_int_eq(mr_server_port(s, 0), port);
    http(port, "GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "hi");
    resp_free(&r);
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
    struct mr_error_list errs;
    struct mr_scenario *sc = NULL;
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
    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(mr_scenario_parse(&sc, "t.json", text, strlen(text), &errs), 0);
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
    struct mr_server *s = start(sc, NULL);
    struct resp r;
    char v[256], req[512];
    static const char body[] = "{\"currency\":\"eur\",\"amount\":1999}";

    snprintf(req, sizeof(req),
             "POST /v1/charges?expand=customer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
             "tok_1\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: "
             "close\r\n\r\n%s",
             strlen(body), body);
    http(mr_server_port(s, 0), req, &r);
    ck_assert_int_eq(r.status, 201);
    ck_assert_str_eq(r.body, "{\"id\":\"ch_1\",\"paid\":true}");
    ck_assert(header(&r, "X-Request-Id", v, sizeof(v)));
    ck_assert_str_eq(v, "r1");
    ck_assert(header(&r, "Content-Type", v, sizeof(v)));
    ck_assert_str_eq(v, "application/json");
    ck_assert(header(&r, "Content-Length", v, sizeof(v)));
    ck_assert_int_eq(atoi(v), (int)strlen("{\"id\":\"ch_1\",\"paid\":true}"));
    ck_assert(header(&r, "Connection", v, sizeof(v)));
    ck_assert_str_eq(v, "close");
    ck_assert_ptr_nonnull(strstr(r.head, "HTTP/1.1 201 Created\r\n"));
    resp_free(&r);

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
    struct mr_server *s = start(sc, NULL);
    struct resp r;
    char v[128], want[512];
    FILE *f = fopen(FIX "/fixtures/charge.json", "rb");
    size_t n;

    ck_assert_ptr_nonnull(f);
    n = fread(want, 1, sizeof(want) - 1, f);
    want[n] = '\0';
    fclose(f);
    http(mr_server_port(s, 0),
         "GET /v1/charges/ch_1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, want);
    ck_assert_uint_eq(r.body_len, n);
    ck_assert(header(&r, "Content-Type", v, sizeof(v)));
    ck_assert_str_eq(v, "application/json");
    resp_free(&r);
    mr_server_close(s);
    ck_assert_uint_eq(mr_journal_expect_count(mr_server_journal(s), 1), 1);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_services_are_separate)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = start(sc, NULL);
    struct resp r;
    const struct mr_journal *j;

    http(mr_server_port(s, 1),
         "POST /send HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
         "Connection: close\r\n\r\n",
         &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "sent");
    resp_free(&r);
    /* the mail route is not served by payments, and the other way round */
    http(mr_server_port(s, 0),
         "POST /send HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
         "Connection: close\r\n\r\n",
         &r);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
    http(mr_server_port(s, 1), "GET /v1/charges/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
         &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_ptr_nonnull(strstr(r.body, "closest route \"send\""));
    resp_free(&r);
    mr_server_close(s);
    j = mr_server_journal(s);
    ck_assert_uint_eq(mr_journal_total(j), 3);
    ck_assert_uint_eq(mr_journal_at(j, 0)->service, 1);
    ck_assert_int_eq(mr_journal_at(j, 0)->route, 6);
    ck_assert_uint_eq(mr_journal_at(j, 1)->service, 0);
    ck_assert_int_eq(mr_journal_at(j, 1)->route, -1);
    ck_assert_uint_eq(mr_journal_at(j, 2)->service, 1);
    ck_assert_uint_eq(mr_journal_unmatched(j), 2);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_404_names_closest_route)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = start(sc, NULL);
    struct resp r;
    char v[128];
    const struct mr_call *c;

    http(mr_server_port(s, 0),
         "DELETE /v1/charges/ch_1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(r.body,
                     "mockrun: no route matched DELETE /v1/charges/ch_1\n"
                     "closest route \"get-charge\": method is DELETE, the route wants GET\n");
    ck_assert(header(&r, "Content-Type", v, sizeof(v)));
    ck_assert_str_eq(v, "text/plain; charset=utf-8");
    resp_free(&r);

    http(mr_server_port(s, 0),
         "POST /v1/charges?expand=customer HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
         "Connection: close\r\n\r\n{}",
         &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(r.body, "mockrun: no route matched POST /v1/charges\n"
                             "closest route \"create-charge\": header Authorization is missing\n");
    resp_free(&r);

    mr_server_close(s);
    c = mr_journal_at(mr_server_journal(s), 0);
    ck_assert_uint_eq(c->status, 404);
    ck_assert_str_eq(c->near,
                     "closest route \"get-charge\": method is DELETE, the route wants GET");
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_url_decoding)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = start(sc, NULL);
    struct resp r;
    const struct mr_call *c;

    /* the path is matched after decoding; the query is kept raw and decoded for matching */
    http(mr_server_port(s, 0),
         "GET /v1/%63harges/a%20b?x=a+b%26 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
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
    struct mr_server *s = start(sc, NULL);
    struct conn *c = malloc(sizeof(*c));
    struct resp r;
    char v[64];

    /* HEAD gets the headers (with the body's length) and no body: the next response on the
     * same connection must start right after the headers */
    conn_open(c, mr_server_port(s, 0));
    conn_sends(c, "HEAD /any HTTP/1.1\r\nHost: x\r\n\r\n");
    read_resp(c, &r, true);
    ck_assert_int_eq(r.status, 200);
    ck_assert(header(&r, "Content-Length", v, sizeof(v)));
    ck_assert_str_eq(v, "10");
    ck_assert(header(&r, "Content-Type", v, sizeof(v)));
    ck_assert_str_eq(v, "text/x"); /* the route's own type wins */
    resp_free(&r);
    conn_sends(c, "GET /any HTTP/1.1\r\nHost: x\r\n\r\n");
    read_resp(c, &r, false);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "0123456789");
    resp_free(&r);
    /* a HEAD that matches nothing: 404 headers, no body */
    conn_sends(c, "HEAD /nothing HTTP/1.1\r\nHost: x\r\n\r\n");
    read_resp(c, &r, true);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
    conn_sends(c, "GET /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    read_resp(c, &r, false);
    ck_assert_str_eq(r.body, "0123456789");
    resp_free(&r);
    ck_assert(at_eof(c));
    conn_close(c);
    free(c);
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
    struct mr_server *s = start(sc, NULL);
    struct conn *c = malloc(sizeof(*c));
    struct resp r;
    char v[64];

    conn_open(c, mr_server_port(s, 0));
    /* two requests written at once (pipelined), then one more */
    conn_sends(c, "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                  "GET /any HTTP/1.1\r\nHost: x\r\n\r\n");
    read_resp(c, &r, false);
    ck_assert_int_eq(r.status, 202);
    ck_assert_str_eq(r.body, "stored");
    ck_assert(header(&r, "Connection", v, sizeof(v)));
    ck_assert_str_eq(v, "keep-alive");
    resp_free(&r);
    read_resp(c, &r, false);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "0123456789");
    resp_free(&r);
    conn_sends(c, "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nz");
    read_resp(c, &r, false);
    ck_assert_int_eq(r.status, 202);
    resp_free(&r);
    conn_close(c);

    /* HTTP/1.0 closes unless asked to keep alive */
    conn_open(c, mr_server_port(s, 0));
    conn_sends(c, "GET /any HTTP/1.0\r\n\r\n");
    read_resp(c, &r, false);
    ck_assert(header(&r, "Connection", v, sizeof(v)));
    ck_assert_str_eq(v, "close");
    resp_free(&r);
    ck_assert(at_eof(c));
    conn_close(c);
    free(c);

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
    struct mr_server *s = start(sc, NULL);
    struct conn *c = malloc(sizeof(*c));
    struct resp r;
    const struct mr_call *call;

    conn_open(c, mr_server_port(s, 0));
    conn_sends(c, "POST /exact HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "6\r\nhello \r\n");
    conn_sends(c, "8\r\nchunked \r\n5\r\nworld\r\n0\r\n\r\n");
    read_resp(c, &r, false);
    ck_assert_int_eq(r.status, 204); /* the body matcher saw the whole, de-chunked body */
    resp_free(&r);
    conn_close(c);
    free(c);
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
    struct resp r;
    char req[8192], body[5001];
    const struct mr_call *call;

    mr_server_opts_init(&o);
    o.threads = 4;
    o.body_max = 100;
    s = start(sc, &o);
    memset(body, 'q', 5000);
    body[5000] = '\0';
    snprintf(req, sizeof(req),
             "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n%s",
             body);
    http(mr_server_port(s, 0), req, &r);
    ck_assert_int_eq(r.status, 202); /* answered as usual */
    resp_free(&r);
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
    struct mr_server *s = start(sc, NULL);
    struct resp r;
    int64_t t0 = now_ms(), took;

    http(mr_server_port(s, 0), "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    took = now_ms() - t0;
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "late");
    ck_assert_int_ge(took, 300);
    resp_free(&r);
    mr_server_close(s);
    ck_assert_uint_ge(mr_journal_at(mr_server_journal(s), 0)->duration_us, 300000);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_malformed_request)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = start(sc, NULL);
    struct conn *c = malloc(sizeof(*c));
    struct resp r;

    /* garbage gets an error or a closed connection, never a crash; the server goes on */
    conn_open(c, mr_server_port(s, 0));
    conn_sends(c, "\x01\x02 garbage \xff\r\n\r\n");
    while (fill(c))
        ;
    conn_close(c);
    free(c);
    http(mr_server_port(s, 0), "GET /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
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
    struct conn *c = malloc(sizeof(*c));
    int i;

    /* a keep-alive connection per client, reopened every 50 requests */
    c->fd = -1;
    for (i = 0; i < a->n; i++) {
        char req[256];
        struct resp r;
        if (i % 50 == 0) {
            if (c->fd >= 0)
                conn_close(c);
            conn_open(c, a->port);
        }
        snprintf(req, sizeof(req),
                 "PUT /echo?t=%d&i=%d HTTP/1.1\r\nHost: x\r\n"
                 "Content-Length: 1\r\n\r\nx",
                 a->t, i);
        conn_sends(c, req);
        read_resp(c, &r, false);
        if (r.status == 202)
            a->ok++;
        resp_free(&r);
    }
    conn_close(c);
    free(c);
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
    s = start(sc, &o);
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
    struct mr_server *s = start(sc, NULL);
    struct resp r;
    char v[64];

    http(mr_server_port(s, 0), "GET /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    mr_server_close(s);
    http(mr_server_port(s, 0), "GET /any HTTP/1.1\r\nHost: x\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 503);
    ck_assert_str_eq(r.body, "mockrun: the run is over; this call was not recorded\n");
    ck_assert(header(&r, "Connection", v, sizeof(v)));
    ck_assert_str_eq(v, "close");
    resp_free(&r);
    http(mr_server_port(s, 1), "POST /send HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    ck_assert_int_eq(r.status, 503);
    resp_free(&r);
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
    struct resp r;
    int64_t t0;

    /* idle server: CivetWeb alone would sit up to 2 s in its listener's poll */
    s = start(sc, NULL);
    t0 = now_ms();
    mr_server_stop(s);
    ck_assert_int_lt(now_ms() - t0, 1000);

    /* after traffic */
    s = start(sc, NULL);
    http(mr_server_port(s, 0), "GET /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
    resp_free(&r);
    mr_server_close(s);
    t0 = now_ms();
    mr_server_stop(s);
    ck_assert_int_lt(now_ms() - t0, 1000);
    mr_server_stop(NULL);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_stop_with_idle_keep_alive)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = start(sc, NULL);
    struct conn *c = malloc(sizeof(*c));
    struct resp r;
    int64_t t0;

    /* a client keeps its connection open (idle keep-alive) while the server stops */
    conn_open(c, mr_server_port(s, 0));
    conn_sends(c, "GET /any HTTP/1.1\r\nHost: x\r\n\r\n");
    read_resp(c, &r, false);
    resp_free(&r);
    mr_server_close(s);
    t0 = now_ms();
    mr_server_stop(s);
    ck_assert_int_lt(now_ms() - t0, 1000);
    conn_close(c);
    free(c);
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
    suite_add_tcase(s, tc);

    tc = tcase("concurrency");
    tcase_add_test(tc, test_concurrent_clients);
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
