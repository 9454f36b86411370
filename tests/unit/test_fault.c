/*
 * test_fault.c - a response's "fault" as a client sees it: a scenario is
 * served by CivetWeb on 127.0.0.1 (ephemeral ports) and the raw client of
 * tests/lib/http_client.h sends request bytes and records every byte, every
 * read and how the connection ended (EOF, or the error of the failed read).
 *
 * Every wait on the socket is bounded (MR_HTTP_CLIENT_TIMEOUT_MS), so a
 * server that never answers fails the test instead of hanging it.
 * Timing checks are loose lower bounds only (loaded 2-core CI machines).
 *
 * One case:   CK_RUN_CASE=dribble ./test_fault
 * Under gdb:  CK_FORK=no gdb ./test_fault
 */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "scenarios/scenario.h"
#include "server/journal.h"
#include "server/service.h"
#include "tests/lib/fixture.h"
#include "tests/lib/http_client.h"
#include "tests/lib/tmpdir.h"

static int64_t now_ms(void)
{
    return mr_clock_mono_us() / 1000;
}

/* The exact header line `line` ("\r\nName: value\r\n") is in the head (hlen bytes). */
static bool has_header(const char *head, size_t hlen, const char *line)
{
    return memmem(head, hlen, line, strlen(line)) != NULL;
}

/* --- the scenario and the server ------------------------------------------ */

#define PLAIN_BODY "plain body"
#define TRUNC_BODY "0123456789abcdefghijklmnopqrstuvwxyz"
#define TRUNC_JSON "{\"id\":\"ch_1\",\"paid\":true,\"amount\":1999}"
#define DRIBBLE_BODY "The quick brown fox jumps over the lazy dog. 0123456789"
#define DRIBBLE_MS 400

/* Route indexes, in file order. */
enum {
    R_PLAIN,
    R_RESET,
    R_EMPTY,
    R_GARBAGE,
    R_TRUNC,
    R_TRUNC_JSON,
    R_TRUNC_NOBODY,
    R_TRUNC_TPL,
    R_DRIBBLE,
    R_SEQ,
};

/* clang-format off */
static const char scenario_text[] =
    "{\"name\": \"faults\", \"services\": {\"api\": {\"routes\": [\n"
    " {\"id\": \"plain\", \"request\": {\"method\": \"ANY\", \"path\": \"/plain\"},\n"
    "  \"response\": {\"body\": \"" PLAIN_BODY "\"}},\n"
    " {\"id\": \"reset\", \"request\": {\"method\": \"ANY\", \"path\": \"/reset\"},\n"
    "  \"response\": {\"status\": 503, \"body\": \"never sent\", \"fault\": \"reset\"}},\n"
    " {\"id\": \"empty\", \"request\": {\"method\": \"ANY\", \"path\": \"/empty\"},\n"
    "  \"response\": {\"status\": 502, \"body\": \"never sent\", \"fault\": \"empty\"}},\n"
    " {\"id\": \"garbage\", \"request\": {\"method\": \"ANY\", \"path\": \"/garbage\"},\n"
    "  \"response\": {\"status\": 200, \"body\": \"never sent\", \"fault\": \"garbage\"}},\n"
    " {\"id\": \"truncated\", \"request\": {\"method\": \"ANY\", \"path\": \"/truncated\"},\n"
    "  \"response\": {\"status\": 200, \"headers\": {\"Content-Type\": \"text/x\"},\n"
    "   \"body\": \"" TRUNC_BODY "\", \"fault\": \"truncated\"}},\n"
    " {\"id\": \"truncated-json\", \"request\": {\"path\": \"/truncated-json\"},\n"
    "  \"response\": {\"status\": 201, \"json\": " TRUNC_JSON ", \"fault\": \"truncated\"}},\n"
    " {\"id\": \"truncated-nobody\", \"request\": {\"path\": \"/truncated-nobody\"},\n"
    "  \"response\": {\"status\": 200, \"fault\": \"truncated\"}},\n"
    " {\"id\": \"truncated-tpl\", \"request\": {\"path\": \"/truncated-tpl\"},\n"
    "  \"response\": {\"body\": \"method={{method}} and some more text\", \"fault\": \"truncated\"}},\n"
    " {\"id\": \"dribble\", \"request\": {\"method\": \"ANY\", \"path\": \"/dribble\"},\n"
    "  \"response\": {\"status\": 201, \"headers\": {\"X-Dribble\": \"yes\"},\n"
    "   \"body\": \"" DRIBBLE_BODY "\",\n"
    "   \"fault\": {\"dribble\": {\"chunks\": 4, \"overMs\": 400}}}},\n"
    " {\"id\": \"seq\", \"request\": {\"method\": \"GET\", \"path\": \"/seq\"}, \"mode\": \"sequential\",\n"
    "  \"responses\": [{\"status\": 200, \"body\": \"first\"},\n"
    "                 {\"status\": 500, \"body\": \"second\", \"fault\": \"reset\"}]},\n"
    " {\"id\": \"dribble-short\", \"request\": {\"path\": \"/dribble-short\"},\n"
    "  \"response\": {\"body\": \"ab\", \"fault\": {\"dribble\": {\"chunks\": 4, \"overMs\": 200}}}},\n"
    " {\"id\": \"dribble-one\", \"request\": {\"path\": \"/dribble-one\"},\n"
    "  \"response\": {\"body\": \"abcdef\", \"fault\": {\"dribble\": {\"chunks\": 1, \"overMs\": 200}}}}\n"
    "]}}}\n";
/* clang-format on */

static struct mr_scenario *scenario(void)
{
    return mr_fixture_scenario("faults.json", scenario_text);
}

static struct mr_server *start_seeded(const struct mr_scenario *sc, uint64_t seed)
{
    struct mr_server_opts o;

    mr_server_opts_init(&o);
    o.host = "127.0.0.1";
    o.threads = 4;
    o.seed = seed;
    return mr_fixture_start(sc, &o);
}

static struct mr_server *start(const struct mr_scenario *sc)
{
    return start_seeded(sc, 1);
}

/* Checks call i of the (closed) server's journal. */
static void check_call(const struct mr_journal *j, size_t i, const char *method, const char *path,
                       int route, int status)
{
    const struct mr_call *c;
    ck_assert_uint_lt(i, mr_journal_kept(j));
    c = mr_journal_at(j, i);
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->method, method);
    ck_assert_str_eq(c->path, path);
    ck_assert_int_eq(c->route, route);
    ck_assert_uint_eq(c->status, status);
    ck_assert_uint_eq(c->seq, i + 1);
}

/* The server of most tests: the scenario above on ephemeral ports, started
 * before each test (in its own process) and stopped after it. */
static struct {
    struct mr_scenario *sc;
    struct mr_server *s;
} fx;

static void fx_start(void)
{
    fx.sc = scenario();
    fx.s = start(fx.sc);
}

static void fx_stop(void)
{
    mr_server_stop(fx.s);
    mr_scenario_free(fx.sc);
}

/* --- reset ------------------------------------------------------------------ */

START_TEST(test_reset)
{
    struct mr_server *s = fx.s;
    struct mr_http_client g;

    mr_http_client_exchange(&g, mr_server_port(s, 0), "GET /reset HTTP/1.1\r\nHost: x\r\n\r\n");
    ck_assert_msg(g.err == ECONNRESET, "wanted ECONNRESET, got %s after %zu bytes",
                  g.eof ? "EOF" : strerror(g.err), g.len);
    ck_assert_uint_eq(g.len, 0);
    mr_http_client_release(&g);

    /* the server itself is fine: the next connection is answered normally */
    mr_http_client_exchange(&g, mr_server_port(s, 0),
                            "GET /plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ck_assert(g.eof);
    ck_assert_int_eq(mr_http_client_status(g.data), 200);
    ck_assert_ptr_nonnull(strstr(g.data, "\r\n\r\n" PLAIN_BODY));
    mr_http_client_release(&g);
}
END_TEST

/* A reset on a keep-alive connection that already carried a normal exchange. */
START_TEST(test_reset_after_keep_alive_exchange)
{
    struct mr_server *s = fx.s;
    struct mr_http_client g;
    size_t head;

    mr_http_client_open(&g, mr_server_port(s, 0));
    mr_http_client_sends(&g, "GET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
    head = mr_http_client_read_head(&g);
    ck_assert_uint_gt(head, 0);
    ck_assert(mr_http_client_read_upto(&g, head + strlen(PLAIN_BODY)));
    ck_assert_int_eq(mr_http_client_status(g.data), 200);
    mr_http_client_forget(&g);

    mr_http_client_sends(&g, "GET /reset HTTP/1.1\r\nHost: x\r\n\r\n");
    mr_http_client_read_to_end(&g);
    ck_assert_msg(g.err == ECONNRESET, "wanted ECONNRESET, got %s after %zu bytes",
                  g.eof ? "EOF" : strerror(g.err), g.len);
    ck_assert_uint_eq(g.len, 0);
    mr_http_client_release(&g);
}
END_TEST

/* --- empty ------------------------------------------------------------------ */

START_TEST(test_empty)
{
    struct mr_server *s = fx.s;
    struct mr_http_client g;

    mr_http_client_exchange(&g, mr_server_port(s, 0), "GET /empty HTTP/1.1\r\nHost: x\r\n\r\n");
    ck_assert_msg(g.eof, "wanted EOF, got %s", strerror(g.err));
    ck_assert_uint_eq(g.len, 0);
    mr_http_client_release(&g);

    /* a POST with a body: the body is read, then the connection closed without a word */
    mr_http_client_exchange(&g, mr_server_port(s, 0),
                            "POST /empty HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    ck_assert_msg(g.eof, "wanted EOF, got %s", strerror(g.err));
    ck_assert_uint_eq(g.len, 0);
    mr_http_client_release(&g);
}
END_TEST

/* --- garbage ---------------------------------------------------------------- */

/* The first call's garbage from a fresh server started with `seed`. */
static void garbage_of_seed(uint64_t seed, struct mr_http_client *g)
{
    struct mr_scenario *sc = scenario();
    struct mr_server *s = start_seeded(sc, seed);

    mr_http_client_exchange(g, mr_server_port(s, 0), "GET /garbage HTTP/1.1\r\nHost: x\r\n\r\n");
    mr_server_stop(s);
    mr_scenario_free(sc);
}

START_TEST(test_garbage)
{
    struct mr_http_client g;

    garbage_of_seed(7, &g);
    ck_assert_msg(g.eof, "wanted EOF after the garbage, got %s", strerror(g.err));
    ck_assert_uint_ge(g.len, 16);
    ck_assert_msg(memcmp(g.data, "HTTP/", 5) != 0, "garbage that reads as a status line: %.40s",
                  g.data);
    ck_assert_ptr_null(memmem(g.data, g.len, "never sent", 10));
    mr_http_client_release(&g);
}
END_TEST

START_TEST(test_garbage_same_seed_same_bytes)
{
    struct mr_http_client a, b, c;

    garbage_of_seed(42, &a);
    garbage_of_seed(42, &b);
    garbage_of_seed(43, &c);
    ck_assert(a.eof && b.eof && c.eof);
    ck_assert_uint_gt(a.len, 0);
    ck_assert_uint_eq(a.len, b.len);
    ck_assert_msg(memcmp(a.data, b.data, a.len) == 0, "seed 42 gave two different garbages");
    ck_assert_msg(a.len != c.len || memcmp(a.data, c.data, a.len) != 0,
                  "seeds 42 and 43 gave the same garbage");
    mr_http_client_release(&a);
    mr_http_client_release(&b);
    mr_http_client_release(&c);
}
END_TEST

/* --- truncated -------------------------------------------------------------- */

/*
 * GET `path` and check a truncated answer: a status line `status`, headers
 * with a Content-Length, fewer body bytes than it promises, then EOF. The
 * body bytes that did arrive must be a prefix of `full` (the whole body).
 */
static void check_truncated(int port, const char *path, int status, const char *full)
{
    char req[256];
    struct mr_http_client g;
    size_t head;
    long long cl;

    snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path);
    mr_http_client_exchange(&g, port, req);
    ck_assert_msg(g.eof, "%s: wanted EOF, got %s", path, strerror(g.err));
    head = mr_http_client_head_len(&g);
    ck_assert_msg(head > 0, "%s: no complete head in %zu bytes", path, g.len);
    ck_assert_int_eq(mr_http_client_status(g.data), status);
    cl = mr_http_client_header_num(g.data, head, "Content-Length");
    ck_assert_msg(cl >= 0, "%s: no Content-Length", path);
    ck_assert_msg((long long)(g.len - head) < cl, "%s: %zu body bytes, Content-Length %lld", path,
                  g.len - head, cl);
    /* the real length, or 1 for an empty body, so that something is always missing */
    ck_assert_int_eq(cl, strlen(full) ? (long long)strlen(full) : 1);
    ck_assert_msg(strncmp(g.data + head, full, g.len - head) == 0,
                  "%s: the body sent is not the start of the body: %s", path, g.data + head);
    mr_http_client_release(&g);
}

START_TEST(test_truncated)
{
    struct mr_server *s = fx.s;
    int port = mr_server_port(s, 0);

    check_truncated(port, "/truncated", 200, TRUNC_BODY);
    check_truncated(port, "/truncated-json", 201, TRUNC_JSON);
    {
        /* the head is the route's own, with its headers */
        struct mr_http_client g;
        mr_http_client_exchange(&g, port, "GET /truncated HTTP/1.1\r\nHost: x\r\n\r\n");
        ck_assert(has_header(g.data, mr_http_client_head_len(&g), "\r\nContent-Type: text/x\r\n"));
        mr_http_client_release(&g);
        mr_http_client_exchange(&g, port, "GET /truncated-json HTTP/1.1\r\nHost: x\r\n\r\n");
        ck_assert(has_header(g.data, mr_http_client_head_len(&g),
                             "\r\nContent-Type: application/json\r\n"));
        mr_http_client_release(&g);
    }
    check_truncated(port, "/truncated-nobody", 200, "");
}
END_TEST

/* A templated body: what is sent is the start of the rendered body, not of the template. */
START_TEST(test_truncated_template)
{
    struct mr_server *s = fx.s;

    check_truncated(mr_server_port(s, 0), "/truncated-tpl", 200, "method=GET and some more text");
}
END_TEST

/* --- dribble ---------------------------------------------------------------- */

/*
 * Reads one response of the dribble route on g (a request has just been
 * sent at t0, and nothing is left from before): checks the status, headers,
 * body and that it came in pieces over at least half the dribble time.
 * Leaves nothing unread.
 */
static void check_dribbled(struct mr_http_client *g, int64_t t0, bool head_request)
{
    size_t head;
    long long cl;

    mr_http_client_forget(g);
    head = mr_http_client_read_head(g);
    ck_assert_msg(head > 0, "the connection ended in the head (%zu bytes): %s", g->len,
                  g->eof ? "EOF" : strerror(g->err));
    ck_assert_int_eq(mr_http_client_status(g->data), 201);
    ck_assert(has_header(g->data, head, "\r\nX-Dribble: yes\r\n"));
    cl = mr_http_client_header_num(g->data, head, "Content-Length");
    ck_assert_int_eq(cl, (long long)strlen(DRIBBLE_BODY));
    if (head_request) {
        ck_assert_uint_eq(g->len, head);
        mr_http_client_forget(g);
        return;
    }
    ck_assert_msg(mr_http_client_read_upto(g, head + (size_t)cl),
                  "the connection ended in the body: %s", g->eof ? "EOF" : strerror(g->err));
    ck_assert_uint_eq(g->len, head + (size_t)cl); /* nothing after the body */
    ck_assert_str_eq(g->data + head, DRIBBLE_BODY);
    ck_assert_msg(g->reads > 1, "the response came in %d read(s)", g->reads);
    ck_assert_msg(g->last_ms - t0 >= DRIBBLE_MS / 2, "the response was complete after %lld ms",
                  (long long)(g->last_ms - t0));
    mr_http_client_forget(g);
}

START_TEST(test_dribble)
{
    struct mr_server *s = fx.s;
    struct mr_http_client g;
    size_t head;
    int64_t t0;

    mr_http_client_open(&g, mr_server_port(s, 0));
    t0 = now_ms();
    mr_http_client_sends(&g, "GET /dribble HTTP/1.1\r\nHost: x\r\n\r\n");
    check_dribbled(&g, t0, false);

    /* the connection stays usable: the response ended exactly where it said */
    mr_http_client_sends(&g, "GET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
    head = mr_http_client_read_head(&g);
    ck_assert_uint_gt(head, 0);
    ck_assert_int_eq(mr_http_client_status(g.data), 200);
    ck_assert(mr_http_client_read_upto(&g, head + strlen(PLAIN_BODY)));
    ck_assert_str_eq(g.data + head, PLAIN_BODY);
    mr_http_client_release(&g);
}
END_TEST

/* Dribbling with "Connection: close": the whole response, then EOF. */
START_TEST(test_dribble_then_close)
{
    struct mr_server *s = fx.s;
    struct mr_http_client g;
    size_t head;
    int64_t t0 = now_ms();

    mr_http_client_exchange(&g, mr_server_port(s, 0),
                            "GET /dribble HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ck_assert(g.eof);
    head = mr_http_client_head_len(&g);
    ck_assert_uint_gt(head, 0);
    ck_assert_int_eq(mr_http_client_status(g.data), 201);
    ck_assert_str_eq(g.data + head, DRIBBLE_BODY);
    ck_assert_int_gt(g.reads, 1);
    ck_assert_int_ge(g.last_ms - t0, DRIBBLE_MS / 2);
    mr_http_client_release(&g);
}
END_TEST

/* GET path on a fresh connection: the body `want` arrives complete, its last
 * byte at least half of `over_ms` after the request. */
static void check_spread(int port, const char *path, const char *want, int64_t over_ms)
{
    char req[128];
    struct mr_http_client g;
    int64_t t0 = now_ms();
    size_t head;

    snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path);
    mr_http_client_exchange(&g, port, req);
    ck_assert_msg(g.eof, "%s: wanted EOF, got %s", path, strerror(g.err));
    head = mr_http_client_head_len(&g);
    ck_assert_uint_gt(head, 0);
    ck_assert_str_eq(g.data + head, want);
    ck_assert_msg(g.last_ms - t0 >= over_ms / 2, "%s: complete after %lld ms", path,
                  (long long)(g.last_ms - t0));
    mr_http_client_release(&g);
}

/* overMs holds whatever the number of pieces: one piece comes after overMs,
 * and a body shorter than `chunks` is sent a byte at a time over overMs. */
START_TEST(test_dribble_spread)
{
    struct mr_server *s = fx.s;

    check_spread(mr_server_port(s, 0), "/dribble-short", "ab", 200);
    check_spread(mr_server_port(s, 0), "/dribble-one", "abcdef", 200);
}
END_TEST

/*
 * A file response bigger than the server's 64 KiB streaming chunk, dribbled:
 * every byte arrives (streamed from the file, not held in memory).
 * (It once sent nothing: the head length was computed as if the file were in
 * the output buffer.)
 */
START_TEST(test_dribble_large_file)
{
    /* clang-format off */
    static const char text[] =
        "{\"routes\": [{\"request\": {\"path\": \"/big\"},\n"
        "  \"response\": {\"file\": \"big.txt\",\n"
        "   \"fault\": {\"dribble\": {\"chunks\": 4, \"overMs\": 200}}}}]}";
    /* clang-format on */
    char spath[512], req[64];
    size_t size = 200 * 1024, i, head;
    char *content = malloc(size);
    struct mr_tmpdir dir;
    struct mr_scenario *sc;
    struct mr_server *s;
    struct mr_http_client g;

    ck_assert_ptr_nonnull(content);
    for (i = 0; i < size; i++)
        content[i] = (char)('a' + i % 26);
    mr_tmpdir_make(&dir, "fault");
    mr_tmpdir_write(&dir, "big.txt", content, size);
    sc = mr_fixture_scenario(mr_tmpdir_join(&dir, "big.json", spath, sizeof(spath)), text);
    mr_tmpdir_remove(&dir);
    s = start(sc);

    snprintf(req, sizeof(req), "GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    mr_http_client_exchange(&g, mr_server_port(s, 0), req);
    ck_assert_msg(g.eof, "wanted EOF, got %s", strerror(g.err));
    head = mr_http_client_head_len(&g);
    ck_assert_uint_gt(head, 0);
    ck_assert_int_eq(mr_http_client_status(g.data), 200);
    ck_assert_int_eq(mr_http_client_header_num(g.data, head, "Content-Length"), (long long)size);
    ck_assert_uint_eq(g.len - head, size);
    ck_assert(memcmp(g.data + head, content, size) == 0);
    mr_http_client_release(&g);
    free(content);
    mr_server_stop(s);
    mr_scenario_free(sc);
}
END_TEST

/* --- HEAD ------------------------------------------------------------------- */

START_TEST(test_head_reset_and_empty)
{
    struct mr_server *s = fx.s;
    struct mr_http_client g;

    mr_http_client_exchange(&g, mr_server_port(s, 0), "HEAD /reset HTTP/1.1\r\nHost: x\r\n\r\n");
    ck_assert_msg(g.err == ECONNRESET, "wanted ECONNRESET, got %s after %zu bytes",
                  g.eof ? "EOF" : strerror(g.err), g.len);
    ck_assert_uint_eq(g.len, 0);
    mr_http_client_release(&g);

    mr_http_client_exchange(&g, mr_server_port(s, 0), "HEAD /empty HTTP/1.1\r\nHost: x\r\n\r\n");
    ck_assert_msg(g.eof, "wanted EOF, got %s", strerror(g.err));
    ck_assert_uint_eq(g.len, 0);
    mr_http_client_release(&g);

    mr_http_client_exchange(&g, mr_server_port(s, 0), "HEAD /garbage HTTP/1.1\r\nHost: x\r\n\r\n");
    ck_assert_msg(g.eof, "wanted EOF, got %s", strerror(g.err));
    ck_assert_uint_gt(g.len, 0);
    ck_assert(memcmp(g.data, "HTTP/", 5) != 0);
    mr_http_client_release(&g);
}
END_TEST

START_TEST(test_head_dribble)
{
    struct mr_server *s = fx.s;
    struct mr_http_client g;
    size_t head;

    /* the head of the dribbled response (its Content-Length), no body; the connection lives on */
    mr_http_client_open(&g, mr_server_port(s, 0));
    mr_http_client_sends(&g, "HEAD /dribble HTTP/1.1\r\nHost: x\r\n\r\n");
    check_dribbled(&g, now_ms(), true);
    mr_http_client_sends(&g, "GET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
    head = mr_http_client_read_head(&g);
    ck_assert_uint_gt(head, 0);
    ck_assert_msg(mr_http_client_status(g.data) == 200, "after HEAD: %.60s", g.data);
    ck_assert(mr_http_client_read_upto(&g, head + strlen(PLAIN_BODY)));
    ck_assert_str_eq(g.data + head, PLAIN_BODY);
    mr_http_client_release(&g);
}
END_TEST

/*
 * HEAD on a truncated route: a HEAD response never has content (RFC 9110
 * 9.3.2), so there is no body to cut short; the head itself is cut in half,
 * then EOF. (It once sent half the body after a complete head.)
 */
START_TEST(test_head_truncated)
{
    struct mr_server *s = fx.s;
    struct mr_http_client g;

    mr_http_client_exchange(&g, mr_server_port(s, 0),
                            "HEAD /truncated HTTP/1.1\r\nHost: x\r\n\r\n");
    ck_assert_msg(g.eof, "wanted EOF, got %s", strerror(g.err));
    ck_assert_uint_gt(g.len, 0);
    ck_assert_msg(mr_http_client_head_len(&g) == 0, "a complete head arrived: %s", g.data);
    ck_assert(strncmp(g.data, "HTTP/1.1 200", g.len < 12 ? g.len : 12) == 0);
    mr_http_client_release(&g);
}
END_TEST

/* --- sequential ------------------------------------------------------------- */

START_TEST(test_sequential_second_faulted)
{
    struct mr_server *s = fx.s;
    int port = mr_server_port(s, 0);
    const struct mr_journal *j;
    struct mr_http_client g;
    size_t head;

    /* 1st call: the first response, whole */
    mr_http_client_exchange(&g, port, "GET /seq HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ck_assert(g.eof);
    head = mr_http_client_head_len(&g);
    ck_assert_uint_gt(head, 0);
    ck_assert_int_eq(mr_http_client_status(g.data), 200);
    ck_assert_str_eq(g.data + head, "first");
    mr_http_client_release(&g);

    /* 2nd call: reset; the 3rd stays on the last response, reset again */
    mr_http_client_exchange(&g, port, "GET /seq HTTP/1.1\r\nHost: x\r\n\r\n");
    ck_assert_msg(g.err == ECONNRESET, "2nd call: wanted ECONNRESET, got %s after %zu bytes",
                  g.eof ? "EOF" : strerror(g.err), g.len);
    ck_assert_uint_eq(g.len, 0);
    mr_http_client_release(&g);
    mr_http_client_exchange(&g, port, "GET /seq HTTP/1.1\r\nHost: x\r\n\r\n");
    ck_assert_msg(g.err == ECONNRESET, "3rd call: wanted ECONNRESET, got %s after %zu bytes",
                  g.eof ? "EOF" : strerror(g.err), g.len);
    mr_http_client_release(&g);

    mr_server_close(s);
    j = mr_server_journal(s);
    ck_assert_uint_eq(mr_journal_total(j), 3);
    check_call(j, 0, "GET", "/seq", R_SEQ, 200);
    check_call(j, 1, "GET", "/seq", R_SEQ, 500);
    check_call(j, 2, "GET", "/seq", R_SEQ, 500);
    ck_assert_uint_eq(mr_journal_route_count(j, R_SEQ), 3);
}
END_TEST

/* --- the journal ------------------------------------------------------------ */

START_TEST(test_faulted_calls_are_recorded)
{
    static const struct {
        const char *method, *path;
        int route, status;
    } calls[] = {
        {"GET", "/reset", R_RESET, 503},
        {"POST", "/empty", R_EMPTY, 502},
        {"GET", "/garbage", R_GARBAGE, 200},
        {"GET", "/truncated", R_TRUNC, 200},
        {"GET", "/truncated-json", R_TRUNC_JSON, 201},
        {"GET", "/dribble", R_DRIBBLE, 201},
        {"HEAD", "/reset", R_RESET, 503},
        {"HEAD", "/empty", R_EMPTY, 502},
        {"HEAD", "/dribble", R_DRIBBLE, 201},
    };
    struct mr_server *s = fx.s;
    const struct mr_journal *j;
    size_t i, n = sizeof(calls) / sizeof(calls[0]);

    for (i = 0; i < n; i++) {
        char req[256];
        struct mr_http_client g;
        snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                 calls[i].method, calls[i].path);
        mr_http_client_exchange(&g, mr_server_port(s, 0), req);
        ck_assert_msg(g.eof || g.err, "%s %s", calls[i].method, calls[i].path);
        mr_http_client_release(&g);
    }
    mr_server_close(s);
    j = mr_server_journal(s);
    ck_assert_uint_eq(mr_journal_total(j), n);
    ck_assert_uint_eq(mr_journal_kept(j), n);
    ck_assert_uint_eq(mr_journal_unmatched(j, -1), 0);
    for (i = 0; i < n; i++)
        check_call(j, i, calls[i].method, calls[i].path, calls[i].route, calls[i].status);
    ck_assert_uint_eq(mr_journal_route_count(j, R_RESET), 2);
    ck_assert_uint_eq(mr_journal_route_count(j, R_EMPTY), 2);
    ck_assert_uint_eq(mr_journal_route_count(j, R_GARBAGE), 1);
    ck_assert_uint_eq(mr_journal_route_count(j, R_DRIBBLE), 2);
    ck_assert_uint_eq(mr_journal_route_count(j, R_PLAIN), 0);
}
END_TEST

/* --- the suite -------------------------------------------------------------- */

/* A test case; with `served`, each test runs against the fixture's server. */
static TCase *tcase(const char *name, bool served)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    if (served)
        tcase_add_checked_fixture(tc, fx_start, fx_stop);
    return tc;
}

static Suite *fault_suite(void)
{
    Suite *s = suite_create("fault");
    TCase *tc;

    tc = tcase("reset", true);
    tcase_add_test(tc, test_reset);
    tcase_add_test(tc, test_reset_after_keep_alive_exchange);
    suite_add_tcase(s, tc);

    tc = tcase("empty", true);
    tcase_add_test(tc, test_empty);
    suite_add_tcase(s, tc);

    tc = tcase("garbage", false); /* servers of their own, seeded */
    tcase_add_test(tc, test_garbage);
    tcase_add_test(tc, test_garbage_same_seed_same_bytes);
    suite_add_tcase(s, tc);

    tc = tcase("truncated", true);
    tcase_add_test(tc, test_truncated);
    tcase_add_test(tc, test_truncated_template);
    suite_add_tcase(s, tc);

    tc = tcase("dribble", true);
    tcase_add_test(tc, test_dribble);
    tcase_add_test(tc, test_dribble_then_close);
    tcase_add_test(tc, test_dribble_spread);
    suite_add_tcase(s, tc);

    tc = tcase("dribble-file", false); /* a scenario of its own, with a file */
    tcase_add_test(tc, test_dribble_large_file);
    suite_add_tcase(s, tc);

    tc = tcase("head", true);
    tcase_add_test(tc, test_head_reset_and_empty);
    tcase_add_test(tc, test_head_dribble);
    tcase_add_test(tc, test_head_truncated);
    suite_add_tcase(s, tc);

    tc = tcase("sequential", true);
    tcase_add_test(tc, test_sequential_second_faulted);
    suite_add_tcase(s, tc);

    tc = tcase("journal", true);
    tcase_add_test(tc, test_faulted_calls_are_recorded);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(fault_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
