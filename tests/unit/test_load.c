/*
 * test_load.c - scenarios/load.c and load_match.c: a scenario file becomes
 * the model, and every invalid file gets an exact message with file, JSON
 * path and line:column.
 *
 * Inline scenarios are written with ' for " (see jq()) so they stay
 * readable; the swap keeps every offset, so line:column are unchanged.
 * Where an error must point at a place, the expected line:column is computed
 * from an anchor substring of the text (the key or value the message is
 * about), so the tests check where the error points, not a copied number.
 * File fixtures live in tests/fixtures/scenarios; the symlink that leaves
 * the folder is created at test time in a temporary directory.
 *
 * One case:   CK_RUN_CASE=invalid ./test_load
 * Under gdb:  CK_FORK=no gdb ./test_load
 */
#define _XOPEN_SOURCE 700 /* realpath, mkdtemp, symlink */
#include <check.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "scenarios/load_internal.h" /* mr_scenario__open_file */
#include "scenarios/scenario.h"
#include "tests/lib/tmpdir.h"

#define FIX MOCKRUN_TEST_FIXTURES "/scenarios"

/* --- helpers ------------------------------------------------------------ */

static struct mr_error_list errs;
static char fmt_buf[2048];
static const char *cur_path = "inline.json"; /* the name parse() gives the text */

/* A copy of s with every ' turned into ". Leaked on purpose: tests are short-lived processes. */
static char *jq(const char *s)
{
    char *c = strdup(s), *p;
    ck_assert_ptr_nonnull(c);
    for (p = c; *p; p++)
        if (*p == '\'')
            *p = '"';
    return c;
}

static int load_one(struct mr_scenario **out, const char *path, struct mr_error_list *e)
{
    return mr_scenario_load(out, &path, 1, e);
}

static int parse_raw(struct mr_scenario **out, const char *text, size_t len)
{
    memset(&errs, 0, sizeof(errs));
    return mr_scenario_parse_one(out, cur_path, text, len, &errs);
}

/* Parses a '-quoted scenario that must be valid. */
static struct mr_scenario *ok(const char *squoted)
{
    struct mr_scenario *sc = NULL;
    char *t = jq(squoted);
    int rc = parse_raw(&sc, t, strlen(t));

    if (rc != 0) {
        size_t i;
        for (i = 0; i < errs.count; i++) {
            mr_error_format(&errs.items[i], fmt_buf, sizeof(fmt_buf));
            fprintf(stderr, "unexpected: %s\n", fmt_buf);
        }
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(sc);
    free(t);
    return sc;
}

static const char *fmt(size_t i)
{
    ck_assert_uint_lt(i, errs.count);
    mr_error_format(&errs.items[i], fmt_buf, sizeof(fmt_buf));
    return fmt_buf;
}

/* "file:L:C: " where L:C is the position of the nth occurrence of anchor in text. */
static void where(char *buf, size_t size, const char *file, const char *text, const char *anchor,
                  int nth)
{
    const char *p = text;
    int line = 1, col = 1;
    const char *q;

    for (;;) {
        p = strstr(p, anchor);
        ck_assert_msg(p != NULL, "anchor <%s> not in the text", anchor);
        if (nth-- == 0)
            break;
        p++;
    }
    for (q = text; q < p; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    snprintf(buf, size, "%s:%d:%d: ", file, line, col);
}

/* Error i reads "<file>:<anchor line:col>: rest"; the anchor is '-quoted like the text. */
static void check_at(size_t i, const char *text, const char *anchor, int nth, const char *rest)
{
    char want[2048];
    char *a = jq(anchor);
    size_t n;

    where(want, sizeof(want), cur_path, text, a, nth);
    n = strlen(want);
    snprintf(want + n, sizeof(want) - n, "%s", rest);
    ck_assert_str_eq(fmt(i), want);
    ck_assert_int_eq(errs.items[i].code, MR_ESCENARIO);
    free(a);
}

/* Parses a '-quoted scenario that must fail with exactly one problem, at anchor. */
static void fails_at(const char *squoted, const char *anchor, const char *rest)
{
    struct mr_scenario *sc = (struct mr_scenario *)1;
    char *t = jq(squoted);
    int rc = parse_raw(&sc, t, strlen(t));
    size_t i;

    for (i = 0; i < errs.count && errs.count != 1; i++)
        fprintf(stderr, "got: %s\n", fmt(i));
    ck_assert_int_eq(rc, MR_ESCENARIO);
    ck_assert_ptr_null(sc);
    ck_assert_uint_eq(errs.count, 1);
    ck_assert_uint_eq(errs.dropped, 0);
    check_at(0, t, anchor, 0, rest);
    free(t);
}

/* Same, for a message without line:column ("file: rest"). */
static void fails_exact(const char *squoted, const char *whole)
{
    struct mr_scenario *sc = (struct mr_scenario *)1;
    char *t = jq(squoted);
    int rc = parse_raw(&sc, t, strlen(t));

    ck_assert_int_eq(rc, MR_ESCENARIO);
    ck_assert_ptr_null(sc);
    ck_assert_uint_eq(errs.count, 1);
    ck_assert_str_eq(fmt(0), whole);
    free(t);
}

static char *real(const char *path)
{
    char *r = realpath(path, NULL);
    ck_assert_msg(r != NULL, "realpath %s", path);
    return r;
}

/* --- the checkout example ----------------------------------------------- */

START_TEST(test_checkout_services)
{
    struct mr_scenario *sc = NULL;
    char *dir = real(FIX);
    int rc;

    memset(&errs, 0, sizeof(errs));
    rc = load_one(&sc, FIX "/checkout.json", &errs);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(errs.count, 0);
    ck_assert_uint_eq(sc->nfiles, 1);
    ck_assert_str_eq(sc->files[0].path, FIX "/checkout.json");
    ck_assert_str_eq(sc->files[0].dir, dir);
    ck_assert_str_eq(sc->files[0].name, "checkout happy path");
    ck_assert_uint_eq(sc->nservices, 1);
    ck_assert_str_eq(sc->services[0].name, "payments");
    ck_assert_str_eq(sc->services[0].env_name, "PAYMENTS_URL");
    ck_assert_str_eq(sc->services[0].url_var, "MOCKRUN_PAYMENTS_URL");
    ck_assert_int_eq(sc->services[0].port, 0);
    ck_assert_uint_eq(sc->services[0].first_route, 0);
    ck_assert_uint_eq(sc->services[0].nroutes, 2);
    ck_assert_uint_eq(sc->nroutes, 2);
    ck_assert(sc->files[0].unexpected_fail);
    ck_assert_ptr_null(sc->command.run);
    ck_assert_uint_eq(sc->command.nrun, 0);
    ck_assert_int_eq(sc->command.timeout_ms, 120000);
    ck_assert_int_eq(sc->command.exit_code, 0);
    ck_assert_uint_eq(sc->command.nenv, 0);
    ck_assert_ptr_eq(mr_scenario_find_route(sc, "get-charge"), &sc->routes[1]);
    ck_assert_ptr_eq(mr_scenario_find_route(sc, "create-charge"), &sc->routes[0]);
    ck_assert_ptr_null(mr_scenario_find_route(sc, "Get-Charge"));
    mr_scenario_free(sc);
    free(dir);
}
END_TEST

START_TEST(test_checkout_create_charge)
{
    struct mr_scenario *sc = NULL;
    const struct mr_route *r;
    const struct mr_matcher *m;
    cJSON *want;

    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(load_one(&sc, FIX "/checkout.json", &errs), 0);
    r = &sc->routes[0];
    m = &r->match;
    ck_assert_str_eq(r->id, "create-charge");
    ck_assert(r->has_id);
    ck_assert_uint_eq(r->service, 0);
    ck_assert_uint_eq(r->index, 0);
    ck_assert_str_eq(r->json_path, "services.payments.routes[0]");
    ck_assert_str_eq(m->method, "POST");
    ck_assert_int_eq(m->path_kind, MR_PATH_LITERAL);
    ck_assert_str_eq(m->path, "/v1/charges");
    ck_assert_uint_eq(m->nheaders, 1);
    ck_assert_str_eq(m->headers[0].name, "Authorization");
    ck_assert_int_eq(m->headers[0].cond.op, MR_OP_MATCHES);
    ck_assert_str_eq(m->headers[0].cond.text, "^Bearer \\w+");
    ck_assert_ptr_nonnull(m->headers[0].cond.re);
    ck_assert_uint_eq(m->nquery, 1);
    ck_assert_str_eq(m->query[0].name, "expand");
    ck_assert_int_eq(m->query[0].cond.op, MR_OP_EQUALS);
    ck_assert_str_eq(m->query[0].cond.text, "customer");
    ck_assert_uint_eq(m->query[0].cond.len, 8);
    ck_assert_ptr_nonnull(m->body);
    ck_assert_int_eq(m->body->op, MR_BODY_JSON);
    want = cJSON_Parse("{\"currency\": \"eur\"}");
    ck_assert(cJSON_Compare(m->body->json, want, true));
    cJSON_Delete(want);

    ck_assert_int_eq(r->response.status, 201);
    ck_assert_uint_eq(r->response.nheaders, 1);
    ck_assert_str_eq(r->response.headers[0].name, "X-Request-Id");
    ck_assert_str_eq(r->response.headers[0].value, "r1");
    ck_assert_int_eq(r->response.kind, MR_RESP_JSON);
    /* serialised once at load time, compactly */
    ck_assert_str_eq(r->response.body, "{\"id\":\"ch_1\",\"paid\":true}");
    ck_assert_uint_eq(r->response.body_len, strlen(r->response.body));
    ck_assert_str_eq(r->response.content_type, "application/json");
    ck_assert(!r->response.has_content_type);
    ck_assert_int_eq(r->response.delay_ms, 0);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_checkout_get_charge)
{
    struct mr_scenario *sc = NULL;
    const struct mr_route *r;
    char *file = real(FIX "/fixtures/charge.json");

    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(load_one(&sc, FIX "/checkout.json", &errs), 0);
    r = &sc->routes[1];
    ck_assert_str_eq(r->id, "get-charge");
    ck_assert_uint_eq(r->index, 1);
    ck_assert_str_eq(r->json_path, "services.payments.routes[1]");
    ck_assert_str_eq(r->match.method, "GET");
    ck_assert_int_eq(r->match.path_kind, MR_PATH_TEMPLATE);
    ck_assert_str_eq(r->match.path, "/v1/charges/:id");
    ck_assert_uint_eq(r->match.nsegs, 3);
    ck_assert_int_eq(r->match.segs[0].kind, MR_SEG_LITERAL);
    ck_assert_str_eq(r->match.segs[0].text, "v1");
    ck_assert_int_eq(r->match.segs[1].kind, MR_SEG_LITERAL);
    ck_assert_str_eq(r->match.segs[1].text, "charges");
    ck_assert_int_eq(r->match.segs[2].kind, MR_SEG_PARAM);
    ck_assert_str_eq(r->match.segs[2].text, "id");
    ck_assert_uint_eq(r->match.nquery, 0);
    ck_assert_ptr_null(r->match.body);
    ck_assert_int_eq(r->response.status, 200);
    ck_assert_int_eq(r->response.kind, MR_RESP_FILE);
    ck_assert_str_eq(r->response.file, file); /* absolute, resolved */
    ck_assert_str_eq(r->response.content_type, "application/json");
    ck_assert_int_eq(r->response.delay_ms, 20);
    mr_scenario_free(sc);
    free(file);
}
END_TEST

START_TEST(test_checkout_expects)
{
    struct mr_scenario *sc = NULL;
    const struct mr_expect *e;

    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(load_one(&sc, FIX "/checkout.json", &errs), 0);
    ck_assert_uint_eq(sc->nexpects, 4);

    e = &sc->expects[0];
    ck_assert_str_eq(e->name, "create-charge is called exactly 1 time");
    ck_assert_int_eq(e->route, 0);
    ck_assert(!e->has_request);
    ck_assert_int_eq(e->count.times, 1);
    ck_assert_int_eq(e->count.at_least, -1);
    ck_assert_int_eq(e->count.at_most, -1);
    ck_assert_str_eq(e->json_path, "expect[0]");

    e = &sc->expects[1];
    ck_assert_str_eq(e->name, "get-charge is called 1 to 3 times");
    ck_assert_int_eq(e->route, 1);
    ck_assert_int_eq(e->count.times, -1);
    ck_assert_int_eq(e->count.at_least, 1);
    ck_assert_int_eq(e->count.at_most, 3);

    e = &sc->expects[2];
    ck_assert_str_eq(e->name, "never refunds");
    ck_assert_int_eq(e->route, -1);
    ck_assert(e->has_request);
    ck_assert_str_eq(e->request.method, "POST");
    ck_assert_str_eq(e->request.path, "/v1/refunds");
    ck_assert_int_eq(e->count.times, 0);

    e = &sc->expects[3];
    ck_assert_int_eq(e->route, 0);
    ck_assert(e->has_request);
    ck_assert_ptr_null(e->request.method);
    ck_assert_int_eq(e->request.path_kind, MR_PATH_ANY);
    ck_assert_ptr_nonnull(e->request.body);
    ck_assert_int_eq(e->request.body->op, MR_BODY_JSON);
    ck_assert_str_eq(e->name,
                     "create-charge with body containing JSON {\"amount\":1999} is called exactly "
                     "1 time");
    ck_assert_str_eq(e->json_path, "expect[3]");
    mr_scenario_free(sc);
}
END_TEST

/* --- other valid scenarios ---------------------------------------------- */

START_TEST(test_top_level_routes_is_default_service)
{
    struct mr_scenario *sc = ok("{'routes': [{'id': 'a'}, {'request': {'method': 'any'}}]}");

    ck_assert_uint_eq(sc->nservices, 1);
    ck_assert_str_eq(sc->services[0].name, "default");
    ck_assert_str_eq(sc->services[0].url_var, "MOCKRUN_DEFAULT_URL");
    ck_assert_ptr_null(sc->services[0].env_name);
    ck_assert_uint_eq(sc->services[0].nroutes, 2);
    ck_assert_str_eq(sc->routes[0].json_path, "routes[0]");
    /* a route without id is named after its service and position (1-based) */
    ck_assert_str_eq(sc->routes[1].id, "default route 2");
    ck_assert(!sc->routes[1].has_id);
    /* ANY (any case) means no method condition; no request means match everything */
    ck_assert_ptr_null(sc->routes[1].match.method);
    ck_assert_ptr_null(sc->routes[0].match.method);
    ck_assert_int_eq(sc->routes[0].match.path_kind, MR_PATH_ANY);
    /* no response: 200 and no body */
    ck_assert_int_eq(sc->routes[0].response.status, 200);
    ck_assert_int_eq(sc->routes[0].response.kind, MR_RESP_EMPTY);
    /* defaults */
    ck_assert_str_eq(sc->files[0].name, "inline.json");
    ck_assert(sc->files[0].unexpected_fail);
    ck_assert_int_eq(sc->command.timeout_ms, 0);
    ck_assert_uint_eq(sc->nexpects, 0);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_services_url_vars_and_order)
{
    struct mr_scenario *sc = ok("{'services': {"
                                " 'my-api': {'port': 8081, 'routes': [{'id': 'a'}, {'id': 'b'}]},"
                                " 'b_2': {'env': 'B2_URL', 'routes': [{'id': 'c'}]},"
                                " 'Zed9': {'routes': []}},"
                                " 'unexpected': 'allow'}");

    ck_assert_uint_eq(sc->nservices, 3);
    ck_assert_str_eq(sc->services[0].name, "my-api");
    ck_assert_str_eq(sc->services[0].url_var, "MOCKRUN_MY_API_URL");
    ck_assert_int_eq(sc->services[0].port, 8081);
    ck_assert_str_eq(sc->services[1].url_var, "MOCKRUN_B_2_URL");
    ck_assert_str_eq(sc->services[1].env_name, "B2_URL");
    ck_assert_str_eq(sc->services[2].url_var, "MOCKRUN_ZED9_URL");
    /* routes are global, service by service, in file order */
    ck_assert_uint_eq(sc->nroutes, 3);
    ck_assert_uint_eq(sc->services[0].first_route, 0);
    ck_assert_uint_eq(sc->services[0].nroutes, 2);
    ck_assert_uint_eq(sc->services[1].first_route, 2);
    ck_assert_uint_eq(sc->services[1].nroutes, 1);
    ck_assert_uint_eq(sc->services[2].nroutes, 0);
    ck_assert_str_eq(sc->routes[2].id, "c");
    ck_assert_uint_eq(sc->routes[2].service, 1);
    ck_assert_uint_eq(sc->routes[2].index, 2);
    ck_assert_str_eq(sc->routes[2].json_path, "services.b_2.routes[0]");
    ck_assert(!sc->files[0].unexpected_fail);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_drift_hint)
{
    struct mr_scenario *sc =
        ok("{'routes': [\n"
           " {'id': 'a', 'request': {'path': '/users/:id'},\n"
           "  'drift': {'path': '/users/42', 'query': 'a=1&b=%20', 'headers': {'X-Key': 'k'},\n"
           "            'json': {'n': [1, true]}}},\n"
           " {'id': 'b', 'request': {'method': 'POST', 'path': '/x'},\n"
           "  'drift': {'body': 'hi', 'headers': {'content-type': 'text/csv'}}},\n"
           " {'id': 'c', 'drift': false},\n"
           " {'id': 'd', 'request': {'path': '/d'}, 'drift': {'body': 'x'}},\n"
           " {'id': 'e'}]}");
    const struct mr_drift *d = sc->routes[0].drift;

    ck_assert_ptr_nonnull(d);
    ck_assert(!d->skip);
    ck_assert_str_eq(d->path, "/users/42");
    ck_assert_str_eq(d->query, "a=1&b=%20");
    ck_assert_uint_eq(d->nheaders, 1);
    ck_assert_str_eq(d->headers[0].name, "X-Key");
    ck_assert_str_eq(d->headers[0].value, "k");
    ck_assert_str_eq(d->body, "{\"n\":[1,true]}");
    ck_assert_uint_eq(d->body_len, 14);
    ck_assert_str_eq(d->content_type, "application/json");
    ck_assert_int_eq(d->line, 3);
    ck_assert_int_eq(d->column, 3);
    /* a body, typed by its own header */
    d = sc->routes[1].drift;
    ck_assert_ptr_null(d->path);
    ck_assert_ptr_null(d->query);
    ck_assert_str_eq(d->body, "hi");
    ck_assert_ptr_null(d->content_type);
    ck_assert_int_eq(d->line, 6);
    ck_assert_int_eq(d->column, 3);
    ck_assert(sc->routes[2].drift->skip);
    ck_assert_str_eq(sc->routes[3].drift->content_type, "text/plain; charset=utf-8");
    ck_assert_ptr_null(sc->routes[4].drift);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_bad_drift_hints)
{
    fails_at("{'routes': [{'id': 'a', 'drift': true}]}", "true",
             "routes[0].drift: expected false, or an object with the request to replay (path, "
             "query, headers, json), got true");
    fails_at("{'routes': [{'id': 'a', 'request': {'path': '/a'}, 'drift': {'path': 'users/1'}}]}",
             "'users/1'",
             "routes[0].drift.path: expected a path starting with '/', got \"users/1\"");
    fails_at("{'routes': [{'id': 'a', 'request': {'path': '/a'}, 'drift': {'path': '/a b'}}]}",
             "'/a b'",
             "routes[0].drift.path: a path is sent as it is written: write spaces, control bytes, "
             "'?' and '#' as %XX (the query goes in \"query\")");
    fails_at("{'routes': [{'id': 'a', 'request': {'path': '/a'}, 'drift': {'path': '/a?b=1'}}]}",
             "'/a?b=1'",
             "routes[0].drift.path: a path is sent as it is written: write spaces, control bytes, "
             "'?' and '#' as %XX (the query goes in \"query\")");
    fails_at("{'routes': [{'id': 'a', 'request': {'path': '/a'}, 'drift': {'query': '?a=1'}}]}",
             "'?a=1'", "routes[0].drift.query: write the query without its '?'");
    fails_at("{'routes': [{'id': 'a', 'request': {'path': '/a'}, 'drift': {'query': 'a=#'}}]}",
             "'a=#'",
             "routes[0].drift.query: a query is sent as it is written: write spaces, control "
             "bytes and '#' as %XX");
    fails_at("{'routes': [{'id': 'a', 'request': {'path': '/a'}, 'drift': {'query': 1}}]}", "1}",
             "routes[0].drift.query: expected a string, got 1");
    fails_at(
        "{'routes': [{'id': 'a', 'request': {'path': '/a'}, 'drift': {'headers': {'Host': 'x'}}}]}",
        "'Host'", "routes[0].drift.headers.Host: mockrun sets this header itself");
    fails_at("{'routes': [{'id': 'a', 'request': {'path': '/a'}, 'drift': {'headers': {'X': 2}}}]}",
             "2}", "routes[0].drift.headers.X: expected a string, got 2");
    fails_at(
        "{'routes': [{'id': 'a', 'request': {'path': '/a'}, 'drift': {'json': 1, 'body': 'x'}}]}",
        "'x'", "routes[0].drift.body: give either \"json\" or \"body\", not both");
    fails_at("{'routes': [{'id': 'a', 'request': {'path': '/u/:id'}, 'drift': {'query': 'a=1'}}]}",
             "{'query'",
             "routes[0].drift: give the \"path\" to send: the route's path has parameters");
    fails_at("{'routes': [{'id': 'a', 'drift': {}}]}", "{}",
             "routes[0].drift: give the \"path\" to send: the route's request has no path");
    fails_at("{'routes': [{'id': 'a', 'request': {'path': '/a'}, 'drift': {'pth': '/x'}}]}",
             "'pth'", "routes[0].drift.pth: unknown key; did you mean \"path\"?");
}
END_TEST

START_TEST(test_proxy)
{
    struct mr_scenario *sc =
        ok("{'services': {"
           " 'api': {'proxy': 'http://127.0.0.1:8080/v2/', 'routes': [{'id': 'a'}]},"
           " 'rest': {'proxy': 'HTTP://real.example.com'},"
           " 'plain': {'routes': []}}}");

    ck_assert_str_eq(sc->services[0].proxy, "http://127.0.0.1:8080/v2/"); /* as written */
    ck_assert_uint_eq(sc->services[0].nroutes, 1);
    /* a proxy alone needs no routes: every call is forwarded */
    ck_assert_str_eq(sc->services[1].proxy, "HTTP://real.example.com");
    ck_assert_uint_eq(sc->services[1].nroutes, 0);
    ck_assert_ptr_null(sc->services[2].proxy);
    mr_scenario_free(sc);

    fails_at("{'services': {'api': {'proxy': 'https://api.example.com'}}}",
             "'https://api.example.com'",
             "services.api.proxy: \"https://api.example.com\": https is not supported: mockrun "
             "forwards over plain HTTP only (give an http:// URL, e.g. of a local "
             "TLS-terminating proxy)");
    fails_at("{'services': {'api': {'proxy': 'localhost:8080', 'routes': []}}}", "'localhost",
             "services.api.proxy: expected an http:// URL such as http://127.0.0.1:8080, got "
             "\"localhost:8080\"");
    fails_at("{'services': {'api': {'proxy': 'http://h/x?y=1', 'routes': []}}}", "'http://h",
             "services.api.proxy: \"http://h/x?y=1\": a query or fragment cannot be part of the "
             "target (request paths and queries are appended to it)");
    fails_at("{'services': {'api': {'port': 0}}}", "{'port'", "services.api: missing \"routes\"");
}
END_TEST

START_TEST(test_command)
{
    struct mr_scenario *sc =
        ok("{'routes': [], 'command': {'run': ['sh', '-c', 'exit 3'], 'timeout': 1.5,"
           " 'exitCode': 3, 'env': {'A': '1', 'B_2': 'two words'}}}");

    ck_assert_uint_eq(sc->command.nrun, 3);
    ck_assert_str_eq(sc->command.run[0], "sh");
    ck_assert_str_eq(sc->command.run[1], "-c");
    ck_assert_str_eq(sc->command.run[2], "exit 3");
    ck_assert_ptr_null(sc->command.run[3]); /* argv-style */
    ck_assert_int_eq(sc->command.timeout_ms, 1500);
    ck_assert_int_eq(sc->command.exit_code, 3);
    ck_assert_uint_eq(sc->command.nenv, 2);
    ck_assert_str_eq(sc->command.env[0].name, "A");
    ck_assert_str_eq(sc->command.env[0].value, "1");
    ck_assert_str_eq(sc->command.env[1].name, "B_2");
    ck_assert_str_eq(sc->command.env[1].value, "two words");
    mr_scenario_free(sc);

    /* seconds → milliseconds, rounded up so a tiny timeout is not "none" */
    sc = ok("{'routes': [], 'command': {'timeout': 0.0001}}");
    ck_assert_int_eq(sc->command.timeout_ms, 1);
    mr_scenario_free(sc);
    sc = ok("{'routes': [], 'command': {'timeout': 120}}");
    ck_assert_int_eq(sc->command.timeout_ms, 120000);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_default_expect_names)
{
    static const struct {
        const char *expect;
        const char *name;
    } cases[] = {
        {"{'route': 'r'}", "r is called at least 1 time"},
        {"{'route': 'r', 'times': 1}", "r is called exactly 1 time"},
        {"{'route': 'r', 'times': 2}", "r is called exactly 2 times"},
        {"{'route': 'r', 'times': 0}", "r is never called"},
        {"{'route': 'r', 'atLeast': 2}", "r is called at least 2 times"},
        {"{'route': 'r', 'atMost': 1}", "r is called at most 1 time"},
        {"{'route': 'r', 'atMost': 3}", "r is called at most 3 times"},
        {"{'route': 'r', 'atLeast': 1, 'atMost': 3}", "r is called 1 to 3 times"},
        {"{'route': 'r', 'atLeast': 0, 'atMost': 0}", "r is called 0 to 0 times"},
        {"{'route': 'r', 'times': 2, 'atLeast': 1}", "r is called exactly 2 times"},
        {"{'request': {'method': 'post', 'path': '/v1/refunds'}, 'times': 0}",
         "POST /v1/refunds is never called"},
        {"{'request': {'path': '/a'}}", "ANY /a is called at least 1 time"},
        {"{'request': {'method': 'GET'}, 'times': 1}", "GET * is called exactly 1 time"},
        {"{'request': {'method': 'POST', 'path': '/r', 'headers': {'X': '1'},"
         " 'query': {'q': {'absent': true}}}}",
         "POST /r without query q header X=\"1\" is called at least 1 time"},
        {"{'route': 'r', 'request': {'headers': {'A': {'contains': 'b'}}}, 'times': 3}",
         "r header A contains \"b\" is called exactly 3 times"},
        {"{'route': 'r', 'request': {'body': {'equals': 'x'}}}",
         "r with body equal to \"x\" is called at least 1 time"},
        {"{'request': {'path': '/r', 'query': {'q': {'not': 'x'}, 'p': {'not': {'present': true}}},"
         " 'headers': {'A': {'not': {'contains': 'b'}}}}}",
         "ANY /r query q!=\"x\" without query p header A not containing \"b\" is called at least 1 "
         "time"},
        {"{'route': 'r', 'request': {'body': {'jsonPath': {'$.a': {'not': {'matches': '^x'}}}}}}",
         "r body $.a not matching /^x/ is called at least 1 time"},
        {"{'name': 'given', 'route': 'r'}", "given"},
        {"{'name': '', 'route': 'r', 'times': 1}", "r is called exactly 1 time"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[1024];
        struct mr_scenario *sc;
        snprintf(text, sizeof(text), "{'routes': [{'id': 'r'}], 'expect': [%s]}", cases[i].expect);
        sc = ok(text);
        ck_assert_uint_eq(sc->nexpects, 1);
        ck_assert_msg(strcmp(sc->expects[0].name, cases[i].name) == 0, "case %zu: got \"%s\"", i,
                      sc->expects[0].name);
        mr_scenario_free(sc);
    }
}
END_TEST

START_TEST(test_route_level_expect)
{
    struct mr_scenario *sc = ok("{'services': {'s': {'routes': ["
                                " {'id': 'x', 'expect': {}},"
                                " {'id': 'y', 'expect': {'times': 0}},"
                                " {'expect': {'atMost': 2}}]}},"
                                " 'expect': [{'route': 'y', 'atLeast': 2}]}");

    /* the scenario's list first, then each route's own, in route order */
    ck_assert_uint_eq(sc->nexpects, 4);
    ck_assert_str_eq(sc->expects[0].name, "y is called at least 2 times");
    ck_assert_int_eq(sc->expects[0].route, 1);
    ck_assert_str_eq(sc->expects[1].name, "x is called at least 1 time");
    ck_assert_int_eq(sc->expects[1].route, 0);
    ck_assert_int_eq(sc->expects[1].count.at_least, 1);
    ck_assert_str_eq(sc->expects[1].json_path, "services.s.routes[0].expect");
    ck_assert(!sc->expects[1].has_request);
    ck_assert_str_eq(sc->expects[2].name, "y is never called");
    ck_assert_int_eq(sc->expects[2].count.times, 0);
    ck_assert_str_eq(sc->expects[3].name, "s route 3 is called at most 2 times");
    ck_assert_int_eq(sc->expects[3].route, 2);
    ck_assert_str_eq(sc->expects[3].json_path, "services.s.routes[2].expect");
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_matchers)
{
    struct mr_scenario *sc =
        ok("{'routes': ["
           " {'request': {'method': 'patch', 'path': '/a/*/b/:x_1/*',"
           "   'query': {'a': 'x', 'b': {'contains': 'y'}, 'c': {'matches': '\\\\d+'},"
           "             'd': {'absent': true}, 'e': {'present': true}},"
           "   'headers': {'X-Y': {'equals': 'v'}},"
           "   'body': {'jsonEquals': [1, {'a': null}]}}},"
           " {'request': {'pathPattern': '/v[0-9]+/.*', 'body': {'matches': '^a'}}},"
           " {'request': {'path': '/', 'body': {'contains': 'zz'}}},"
           " {'request': {'path': '/x', 'body': {'equals': ''}}}]}");
    const struct mr_matcher *m = &sc->routes[0].match;

    ck_assert_str_eq(m->method, "PATCH");
    ck_assert_int_eq(m->path_kind, MR_PATH_TEMPLATE);
    ck_assert_uint_eq(m->nsegs, 5);
    ck_assert_int_eq(m->segs[0].kind, MR_SEG_LITERAL);
    ck_assert_int_eq(m->segs[1].kind, MR_SEG_STAR);
    ck_assert_int_eq(m->segs[2].kind, MR_SEG_LITERAL);
    ck_assert_int_eq(m->segs[3].kind, MR_SEG_PARAM);
    ck_assert_str_eq(m->segs[3].text, "x_1");
    ck_assert_uint_eq(m->segs[3].len, 3);
    ck_assert_int_eq(m->segs[4].kind, MR_SEG_STAR);
    ck_assert_uint_eq(m->nquery, 5);
    ck_assert_int_eq(m->query[0].cond.op, MR_OP_EQUALS);
    ck_assert_int_eq(m->query[1].cond.op, MR_OP_CONTAINS);
    ck_assert_str_eq(m->query[1].cond.text, "y");
    ck_assert_int_eq(m->query[2].cond.op, MR_OP_MATCHES);
    ck_assert_str_eq(m->query[2].cond.text, "\\d+");
    ck_assert_ptr_nonnull(m->query[2].cond.re);
    ck_assert_int_eq(m->query[3].cond.op, MR_OP_ABSENT);
    ck_assert_ptr_null(m->query[3].cond.text);
    ck_assert_int_eq(m->query[4].cond.op, MR_OP_PRESENT);
    ck_assert_str_eq(m->headers[0].name, "X-Y");
    ck_assert_int_eq(m->headers[0].cond.op, MR_OP_EQUALS);
    ck_assert_int_eq(m->body->op, MR_BODY_JSON_EQUALS);
    ck_assert(cJSON_IsArray(m->body->json));

    m = &sc->routes[1].match;
    ck_assert_int_eq(m->path_kind, MR_PATH_REGEX);
    ck_assert_str_eq(m->path, "/v[0-9]+/.*");
    ck_assert_ptr_nonnull(m->path_re);
    ck_assert_int_eq(m->body->op, MR_BODY_MATCHES);
    ck_assert_ptr_nonnull(m->body->re);

    m = &sc->routes[2].match;
    ck_assert_int_eq(m->path_kind, MR_PATH_LITERAL);
    ck_assert_str_eq(m->path, "/");
    ck_assert_int_eq(m->body->op, MR_BODY_CONTAINS);
    ck_assert_str_eq(m->body->text, "zz");

    m = &sc->routes[3].match;
    ck_assert_int_eq(m->body->op, MR_BODY_EQUALS);
    ck_assert_uint_eq(m->body->len, 0);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_responses)
{
    struct mr_scenario *sc;
    char *html = real(FIX "/fixtures/sub/page.html");

    cur_path = FIX "/inline.json"; /* anchors `file` in the fixtures folder */
    sc = ok("{'routes': ["
            " {'response': {'body': 'hi\\n'}},"
            " {'response': {'body': '<x/>', 'headers': {'content-type': 'application/xml'}}},"
            " {'response': {'json': [1, 'two']}},"
            " {'response': {'json': 'str'}},"
            " {'response': {'file': 'fixtures/sub/page.html'}},"
            " {'response': {'file': './fixtures/sub/../hello.txt', 'status': 599}},"
            " {'response': {'status': 100, 'delayMs': 600000}}]}");
    ck_assert_int_eq(sc->routes[0].response.kind, MR_RESP_BODY);
    ck_assert_str_eq(sc->routes[0].response.body, "hi\n");
    ck_assert_uint_eq(sc->routes[0].response.body_len, 3);
    ck_assert_str_eq(sc->routes[0].response.content_type, "text/plain; charset=utf-8");
    ck_assert(!sc->routes[0].response.has_content_type);
    ck_assert(sc->routes[1].response.has_content_type);
    ck_assert_int_eq(sc->routes[2].response.kind, MR_RESP_JSON);
    ck_assert_str_eq(sc->routes[2].response.body, "[1,\"two\"]");
    ck_assert_str_eq(sc->routes[3].response.body, "\"str\"");
    ck_assert_int_eq(sc->routes[4].response.kind, MR_RESP_FILE);
    ck_assert_str_eq(sc->routes[4].response.file, html);
    ck_assert_str_eq(sc->routes[4].response.content_type, "text/html; charset=utf-8");
    ck_assert_str_eq(sc->routes[5].response.content_type, "text/plain; charset=utf-8");
    ck_assert_int_eq(sc->routes[5].response.status, 599);
    ck_assert_ptr_nonnull(strstr(sc->routes[5].response.file, "/fixtures/hello.txt"));
    ck_assert_int_eq(sc->routes[6].response.status, 100);
    ck_assert_int_eq(sc->routes[6].response.delay_ms, 600000);
    ck_assert_int_eq(sc->routes[6].response.kind, MR_RESP_EMPTY);
    mr_scenario_free(sc);
    free(html);
}
END_TEST

START_TEST(test_bom_and_blanks_accepted)
{
    static const char t[] = "\xEF\xBB\xBF \n{\"routes\": []}\n\t \r\n";
    struct mr_scenario *sc = NULL;

    ck_assert_int_eq(parse_raw(&sc, t, strlen(t)), 0);
    ck_assert_ptr_nonnull(sc);
    mr_scenario_free(sc);
    mr_scenario_free(NULL); /* a no-op */
}
END_TEST

START_TEST(test_ignored_keys)
{
    struct mr_scenario *sc = ok("{'$schema': 'x', 'description': 'd', 'name': 'n',"
                                " 'services': {'s': {'description': 1, 'routes': ["
                                "  {'id': 'a', 'description': 'x'}]}}}");
    ck_assert_str_eq(sc->files[0].name, "n");
    mr_scenario_free(sc);
}
END_TEST

/* --- syntax errors ------------------------------------------------------ */

START_TEST(test_syntax_error_points_at_bad_byte)
{
    /* a missing comma: the second string is the first byte that cannot be right */
    fails_at("{'routes': [\n  {'id': 'a' 'x'}\n]}", "'x'", "invalid JSON near '\"'");
    fails_at("{'routes': [1 2]}", "2]", "invalid JSON near '2'");
    fails_at("{'routes' []}", "[]", "invalid JSON near '['");
    fails_at("{'a': tru }", "tru", "invalid JSON near 't'");
    /* where a member name should start (cJSON's pointer is one byte late there) */
    fails_exact("{id: 1}", "inline.json:1:2: invalid JSON near 'i'");
    fails_exact("{'routes': [{'id': 'x',}]}", "inline.json:1:24: invalid JSON near '}'");
    fails_exact("{'a': 1, , 'b': 2}", "inline.json:1:10: invalid JSON near ','");
    fails_exact("{'a': '{,x', x: 1}", "inline.json:1:14: invalid JSON near 'x'");
    /* not in an array, where cJSON points at the right byte */
    fails_exact("{'routes': [1,x]}", "inline.json:1:15: invalid JSON near 'x'");
    fails_exact("[1,,2]", "inline.json:1:4: invalid JSON near ','");
    fails_exact("[{'a': 1}, }]", "inline.json:1:12: invalid JSON near '}'");
}
END_TEST

START_TEST(test_syntax_error_control_byte)
{
    static const char t[] = "{\"routes\": \xff}";
    struct mr_scenario *sc = NULL;

    ck_assert_int_eq(parse_raw(&sc, t, strlen(t)), MR_ESCENARIO);
    ck_assert_str_eq(fmt(0), "inline.json:1:12: invalid JSON near byte 0xff");
}
END_TEST

START_TEST(test_truncated_file)
{
    struct mr_scenario *sc = NULL;

    /* the error is the end of the file, not the last byte (which is fine) */
    fails_exact("{'routes': [", "inline.json:1:13: invalid JSON: unexpected end of file");
    fails_exact("{'routes': [{'id': 'a'},\n",
                "inline.json:2:1: invalid JSON: unexpected end of file");
    fails_exact("{'a': 1", "inline.json:1:8: invalid JSON: unexpected end of file");
    fails_exact("", "inline.json:1:1: invalid JSON: unexpected end of file");
    fails_exact("  \n ", "inline.json:2:2: invalid JSON: unexpected end of file");
    /* a real error at the last byte stays there */
    fails_exact("{'a': 1]", "inline.json:1:8: invalid JSON near ']'");
    /* the length bounds parsing: a valid document cut short is truncated */
    ck_assert_int_eq(parse_raw(&sc, "{\"routes\": []}", 13), MR_ESCENARIO);
    ck_assert_str_eq(fmt(0), "inline.json:1:14: invalid JSON: unexpected end of file");
}
END_TEST

START_TEST(test_trailing_garbage)
{
    fails_at("{'routes': []}\n\n  xx", "xx", "invalid JSON near 'x'");
    fails_at("{'routes': []} {}", "{}", "invalid JSON near '{'");
}
END_TEST

START_TEST(test_bom_columns)
{
    /* columns count from after the byte-order mark, for syntax and other errors alike */
    static const char t1[] = "\xEF\xBB\xBF{\"routes\": [}";
    static const char t2[] = "\xEF\xBB\xBF{\"routes\": 5}";
    struct mr_scenario *sc = NULL;

    ck_assert_int_eq(parse_raw(&sc, t1, strlen(t1)), MR_ESCENARIO);
    ck_assert_str_eq(fmt(0), "inline.json:1:13: invalid JSON near '}'");
    ck_assert_int_eq(parse_raw(&sc, t2, strlen(t2)), MR_ESCENARIO);
    ck_assert_str_eq(fmt(0), "inline.json:1:12: routes: expected an array of routes, got 5");
}
END_TEST

START_TEST(test_syntax_error_from_file)
{
    struct mr_scenario *sc = (struct mr_scenario *)1;
    const struct mr_error *e;

    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(load_one(&sc, FIX "/invalid-syntax.json", &errs), MR_ESCENARIO);
    ck_assert_ptr_null(sc);
    ck_assert_uint_eq(errs.count, 1);
    e = &errs.items[0];
    ck_assert_str_eq(e->file, FIX "/invalid-syntax.json");
    ck_assert_str_eq(e->path, "");
    ck_assert_int_eq(e->line, 5);
    ck_assert_int_eq(e->column, 5);
    ck_assert_str_eq(e->msg, "invalid JSON near '{'");
    ck_assert_str_eq(fmt(0), FIX "/invalid-syntax.json:5:5: invalid JSON near '{'");
}
END_TEST

START_TEST(test_unreadable_scenario)
{
    struct mr_scenario *sc = (struct mr_scenario *)1;

    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(load_one(&sc, FIX "/no-such.json", &errs), MR_ESCENARIO);
    ck_assert_ptr_null(sc);
    ck_assert_uint_eq(errs.count, 1);
    ck_assert_str_eq(fmt(0), FIX "/no-such.json: cannot read scenario: No such file or directory");
    ck_assert_int_eq(errs.items[0].sys_errno, 2);

    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(load_one(&sc, FIX, &errs), MR_ESCENARIO);
    ck_assert_str_eq(fmt(0), FIX ": cannot read scenario: Is a directory");
}
END_TEST

/* --- invalid scenarios: one problem each -------------------------------- */

START_TEST(test_unknown_key_did_you_mean)
{
    fails_at("{\n  'routes': [\n    { 'reponse': { 'status': 200 } }\n  ]\n}", "'reponse'",
             "routes[0].reponse: unknown key; did you mean \"response\"?");
    fails_at("{'services': {'p': {'routes': [], 'prot': 1}}}", "'prot'",
             "services.p.prot: unknown key; did you mean \"port\"?");
    fails_at("{'routes': [], 'expects': []}", "'expects'",
             "expects: unknown key; did you mean \"expect\"?");
    fails_at("{'routes': [{'request': {'pathpattern': '/x'}}]}", "'pathpattern'",
             "routes[0].request.pathpattern: unknown key; did you mean \"pathPattern\"?");
    fails_at("{'routes': [{'response': {'delay': 5}}]}", "'delay'",
             "routes[0].response.delay: unknown key; did you mean \"delayMs\"?");
    /* nothing close: no suggestion */
    fails_at("{'routes': [], 'completelyDifferent': 1}", "'completelyDifferent'",
             "completelyDifferent: unknown key");
    /* a short key needs a close match: "a1" is two edits from "id", not a typo of it */
    fails_at("{'routes': [{'a1': 1}]}", "'a1'", "routes[0].a1: unknown key");
    fails_at("{'routes': [{'ix': 1}]}", "'ix'", "routes[0].ix: unknown key; did you mean \"id\"?");
    /* keys that need quoting in the path */
    fails_at("{'routes': [{'request': {'headers': {'X': 'y'}, 'query': {'q': 'x'}}}],"
             " 'services x': 1}",
             "'services x'", "[\"services x\"]: unknown key; did you mean \"services\"?");
}
END_TEST

/* cJSON keeps the first of two equal keys; the second must not vanish silently */
START_TEST(test_duplicate_keys)
{
    /* reported where the key repeats (the first one is the one kept) */
    fails_at("{'routes': [{'response': {'status': 201, 'status': 500}}]}", "'status': 500",
             "routes[0].response.status: duplicate key \"status\"");
    fails_at("{'routes': [], 'routes': []}", "'routes': []}", "routes: duplicate key \"routes\"");
    fails_at("{'routes': [{'request': {'headers': {'X-A': '1', 'X-A': '2'}}}]}", "'X-A': '2'",
             "routes[0].request.headers.X-A: duplicate key \"X-A\"");
    {
        /* three times: the second and the third each */
        struct mr_scenario *sc = NULL;
        char *t = jq("{'routes': [], 'name': 'a', 'name': 'b', 'name': 'c'}");
        ck_assert_int_eq(parse_raw(&sc, t, strlen(t)), MR_ESCENARIO);
        ck_assert_uint_eq(errs.count, 2);
        check_at(0, t, "'name': 'b'", 0, "name: duplicate key \"name\"");
        check_at(1, t, "'name': 'c'", 0, "name: duplicate key \"name\"");
        free(t);
    }
}
END_TEST

/* found by fuzzing: a given id equal to a generated one bound expectations to the wrong route */
START_TEST(test_id_equal_to_generated_id)
{
    fails_at("{'routes': [{}, {'id': 'default route 1'}]}", "'default route 1'",
             "routes[1].id: route id \"default route 1\" is the name mockrun gives the route "
             "without an id at routes[0]; choose another id");
}
END_TEST

START_TEST(test_call_number_range)
{
    fails_at("{'routes': [{'responses': [{'when': {'callNumber': {'atLeast': 5, 'atMost': 2}}}]}]}",
             "{'atLeast'",
             "routes[0].responses[0].when.callNumber: atLeast (5) is greater than "
             "atMost (2): no call matches");
}
END_TEST

START_TEST(test_body_json_path_errors)
{
    fails_at("{'routes': [{'request': {'query': {'q': {'not': 5}}}}]}", "5}",
             "routes[0].request.query.q.not: expected a string or an object with \"equals\", "
             "\"contains\", \"matches\", \"absent\", \"present\" or \"not\", got 5");
    fails_at("{'routes': [{'request': {'query': {'q': {'not': 'x', 'equals': 'y'}}}}]}", "{'not'",
             "routes[0].request.query.q: expected exactly one of \"equals\", \"contains\", "
             "\"matches\", \"absent\", \"present\" or \"not\"");
    fails_at("{'routes': [{'request': {'body': {'jsonPath': {'$..a': 'x'}}}}]}", "'$..a'",
             "routes[0].request.body.jsonPath[\"$..a\"]: recursive descent (..) is not supported");
    fails_at(
        "{'routes': [{'request': {'body': {'jsonPath': {'$.a[*]': 'x'}}}}]}", "'$.a[*]'",
        "routes[0].request.body.jsonPath[\"$.a[*]\"]: only [n] and ['name'] are supported inside "
        "brackets");
    fails_at("{'routes': [{'request': {'body': {'jsonPath': {'a..b': 'x'}}}}]}", "'a..b'",
             "routes[0].request.body.jsonPath[\"a..b\"]: an empty name in the path");
    fails_at("{'routes': [{'request': {'body': {'jsonPath': {}}}}]}", "{}}}",
             "routes[0].request.body.jsonPath: expected at least one JSON path");
    fails_at("{'routes': [{'request': {'body': {'jsonPath': {'a': ['x']}}}}]}", "['x']",
             "routes[0].request.body.jsonPath.a: expected a string or an object with \"equals\", "
             "\"contains\", \"matches\", \"absent\", \"present\" or \"not\", got an array");
}
END_TEST

START_TEST(test_when_any_of)
{
    struct mr_scenario *sc = NULL;
    const char *text = "{\"routes\": [{\"responses\": [{\"when\": [{\"method\": \"POST\"}, "
                       "{\"callNumber\": 3, \"cookies\": {\"a\": \"1\"}}]}, {}]}]}";
    const struct mr_response *r;

    ck_assert_int_eq(parse_raw(&sc, text, strlen(text)), 0);
    r = &sc->routes[0].responses[0];
    ck_assert_uint_eq(r->nwhen, 2);
    ck_assert_int_eq(r->when[0].call_min, -1);
    ck_assert_int_eq(r->when[1].call_min, 3);
    ck_assert_int_eq(r->when[1].call_max, 3);
    ck_assert_uint_eq(r->when[1].ncookies, 1);
    ck_assert_uint_eq(sc->routes[0].responses[1].nwhen, 0);
    ck_assert_int_eq(sc->routes[0].mode, MR_MODE_RULES);
    mr_scenario_free(sc);

    fails_at("{'routes': [{'responses': [{'when': []}]}]}", "[]}",
             "routes[0].responses[0].when: expected an object with request conditions, or a "
             "non-empty array of them (any one holding), got an array");
    fails_at("{'routes': [{'responses': [{'when': [{}, {'callNumber': 0}]}]}]}", "0}",
             "routes[0].responses[0].when[1].callNumber: expected an integer of at least 1, "
             "got 0");
    fails_at("{'routes': [{'responses': [{'when': [{'methd': 'GET'}]}]}]}", "'methd'",
             "routes[0].responses[0].when[0].methd: unknown key; did you mean \"method\"?");
}
END_TEST

/* fuzz regressions (tests/fuzz/regressions/scenario): each once crashed the loader */
START_TEST(test_fuzz_long_service_name)
{
    /* MOCKRUN_<NAME>_URL was built in a 300-byte stack buffer */
    char name[1001], text[1200];
    struct mr_scenario *sc = NULL;
    memset(name, 'a', 1000);
    name[1000] = '\0';
    snprintf(text, sizeof(text), "{\"services\": {\"%s\": {\"routes\": []}}}", name);
    ck_assert_int_eq(parse_raw(&sc, text, strlen(text)), 0);
    ck_assert_uint_eq(strlen(sc->services[0].url_var), 1000 + strlen("MOCKRUN__URL"));
    ck_assert_int_eq(strncmp(sc->services[0].url_var, "MOCKRUN_AAAA", 12), 0);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_fuzz_huge_count)
{
    /* 2^63 passed the range check and overflowed the cast to int64_t (UB) */
    fails_at("{'routes': [{'id': 'a'}], 'expect': [{'route': 'a', 'times': 9223372036854775807}]}",
             "9223372036854775807",
             "expect[0].times: expected an integer of at least 0, got 9.2233720368547758e+18");
}
END_TEST

START_TEST(test_bad_status)
{
    fails_at("{\n 'services': {'payments': {'routes': [\n  {'id': 'a'},\n"
             "  {'response': {'status': '20O'}}]}}}",
             "'20O'",
             "services.payments.routes[1].response.status: expected an integer from 100 to 599, "
             "got \"20O\"");
    fails_at("{'routes': [{'response': {'status': 99}}]}", "99",
             "routes[0].response.status: expected an integer from 100 to 599, got 99");
    fails_at("{'routes': [{'response': {'status': 600}}]}", "600",
             "routes[0].response.status: expected an integer from 100 to 599, got 600");
    fails_at("{'routes': [{'response': {'status': 200.5}}]}", "200.5",
             "routes[0].response.status: expected an integer from 100 to 599, got 200.5");
    fails_at("{'routes': [{'response': {'status': true}}]}", "true",
             "routes[0].response.status: expected an integer from 100 to 599, got true");
    fails_at("{'routes': [{'response': {'delayMs': -1}}]}", "-1",
             "routes[0].response.delayMs: expected an integer from 0 to 600000, got -1");
}
END_TEST

START_TEST(test_bad_status_from_file)
{
    struct mr_scenario *sc = NULL;

    /* the style guide's example message, from a file */
    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(load_one(&sc, FIX "/invalid-status.json", &errs), MR_ESCENARIO);
    ck_assert_uint_eq(errs.count, 1);
    ck_assert_str_eq(fmt(0), FIX "/invalid-status.json:14:9: services.payments.routes[1].response."
                                 "status: expected an integer from 100 to 599, got \"20O\"");
    ck_assert_str_eq(errs.items[0].path, "services.payments.routes[1].response.status");
}
END_TEST

START_TEST(test_bad_regex)
{
    fails_at("{'routes': [{'request': {'path': '/a', 'query': {'q': {'matches': '(a'}}}}]}", "'(a'",
             "routes[0].request.query.q.matches: invalid regular expression at offset 2: missing "
             "closing parenthesis");
    fails_at("{'routes': [{'request': {'pathPattern': '[z-a]'}}]}", "'[z-a]'",
             "routes[0].request.pathPattern: invalid regular expression at offset 3: range out of "
             "order in character class");
    fails_at("{'routes': [{'request': {'body': {'matches': 'a{2,1}'}}}]}", "'a{2,1}'",
             "routes[0].request.body.matches: invalid regular expression at offset 5: numbers out "
             "of order in {} quantifier");
    fails_at("{'routes': [{'request': {'headers': {'H': {'matches': '*'}}}}]}", "'*'",
             "routes[0].request.headers.H.matches: invalid regular expression at offset 0: "
             "quantifier does not follow a repeatable item");
}
END_TEST

START_TEST(test_bad_paths)
{
    fails_at("{'routes': [{'request': {'path': 'v1/charges'}}]}", "'v1/charges'",
             "routes[0].request.path: a path must start with \"/\", got \"v1/charges\"");
    fails_at("{'routes': [{'request': {'path': '/a?b=1'}}]}", "'/a?b=1'",
             "routes[0].request.path: a path must not contain \"?\" or \"#\"; put query "
             "parameters in \"query\"");
    fails_at("{'routes': [{'request': {'path': '/a#frag'}}]}", "'/a#frag'",
             "routes[0].request.path: a path must not contain \"?\" or \"#\"; put query "
             "parameters in \"query\"");
    fails_at("{'routes': [{'request': {'path': '/a/:/b'}}]}", "'/a/:/b'",
             "routes[0].request.path: invalid path parameter \":\": use \":name\" with letters, "
             "digits and \"_\"");
    fails_at("{'routes': [{'request': {'path': '/a/:b-c'}}]}", "'/a/:b-c'",
             "routes[0].request.path: invalid path parameter \":b-c\": use \":name\" with "
             "letters, digits and \"_\"");
    fails_at("{'routes': [{'request': {'path': 5}}]}", "5",
             "routes[0].request.path: expected a string, got 5");
    fails_at("{'routes': [{'request': {'path': '/a', 'pathPattern': '/b'}}]}", "'/b'",
             "routes[0].request.pathPattern: give either \"path\" or \"pathPattern\", not both");
}
END_TEST

START_TEST(test_bad_method)
{
    fails_at("{'routes': [{'request': {'method': 'G T'}}]}", "'G T'",
             "routes[0].request.method: expected an HTTP method such as \"GET\" or \"ANY\", got "
             "\"G T\"");
    fails_at("{'routes': [{'request': {'method': 1}}]}", "1",
             "routes[0].request.method: expected an HTTP method such as \"GET\" or \"ANY\", got 1");
}
END_TEST

START_TEST(test_bad_response_body_kinds)
{
    fails_at("{'routes': [{'response': {'json': {}, 'body': 'x'}}]}", "{'json'",
             "routes[0].response: give only one of \"json\", \"body\" or \"file\"");
    fails_at("{'routes': [{'response': {'body': 'x', 'file': 'f'}}]}", "{'body'",
             "routes[0].response: give only one of \"json\", \"body\" or \"file\"");
    fails_at("{'routes': [{'response': {'body': 5}}]}", "5",
             "routes[0].response.body: expected a string, got 5");
    fails_at("{'routes': [{'response': 'ok'}]}", "'ok'",
             "routes[0].response: expected an object, got \"ok\"");
}
END_TEST

START_TEST(test_bad_response_headers)
{
    fails_at("{'routes': [{'response': {'headers': {'X-A': 'a\\r\\nInjected: 1'}}}]}", "'a\\r",
             "routes[0].response.headers.X-A: header values must not contain CR or LF");
    fails_at("{'routes': [{'response': {'headers': {'X-A': 'a\\nb'}}}]}", "'a\\n",
             "routes[0].response.headers.X-A: header values must not contain CR or LF");
    fails_at("{'routes': [{'response': {'headers': {'Bad Name': 'x'}}}]}", "'Bad Name'",
             "routes[0].response.headers[\"Bad Name\"]: invalid header name: use letters, digits "
             "and !#$%&'*+-.^_`|~ (no spaces, no \":\")");
    fails_at("{'routes': [{'request': {'headers': {'X:Y': 'a'}}}]}", "'X:Y'",
             "routes[0].request.headers[\"X:Y\"]: invalid header name: use letters, digits "
             "and !#$%&'*+-.^_`|~ (no spaces, no \":\")");
    fails_at("{'routes': [{'response': {'headers': {'Content-Length': '3'}}}]}", "'Content-Length'",
             "routes[0].response.headers.Content-Length: mockrun sets this header itself");
    fails_at("{'routes': [{'response': {'headers': {'X': 1}}}]}", "1",
             "routes[0].response.headers.X: expected a string, got 1");
}
END_TEST

START_TEST(test_bad_conditions)
{
    fails_at("{'routes': [{'request': {'query': {'a': {'equals': 'x', 'contains': 'y'}}}}]}",
             "{'equals'",
             "routes[0].request.query.a: expected exactly one of \"equals\", \"contains\", "
             "\"matches\", \"absent\", \"present\" or \"not\"");
    fails_at("{'routes': [{'request': {'query': {'b': {'absent': false}}}}]}", "false",
             "routes[0].request.query.b.absent: expected true");
    fails_at("{'routes': [{'request': {'headers': {'c': 5}}}]}", "5",
             "routes[0].request.headers.c: expected a string or an object with \"equals\", "
             "\"contains\", \"matches\", \"absent\", \"present\" or \"not\", got 5");
    fails_at("{'routes': [{'request': {'headers': {'c': {'equals': 5}}}}]}", "5",
             "routes[0].request.headers.c.equals: expected a string, got 5");
    fails_at("{'routes': [{'request': {'body': {'equals': 'x', 'json': {}}}}]}", "{'equals'",
             "routes[0].request.body: expected exactly one of \"equals\", \"contains\", "
             "\"matches\", \"json\", \"jsonEquals\", \"jsonPath\", \"xmlEquals\" or \"xpath\"");
    fails_at("{'routes': [{'request': {'body': 'x'}}]}", "'x'",
             "routes[0].request.body: expected an object with one of \"equals\", \"contains\", "
             "\"matches\", \"json\", \"jsonEquals\", \"jsonPath\", \"xmlEquals\" or "
             "\"xpath\", got \"x\"");
}
END_TEST

START_TEST(test_duplicate_route_ids)
{
    fails_at("{'routes': [{'id': 'a'}, {'id': 'b'}, {'id': 'a'}]}", "'a'}]",
             "routes[2].id: duplicate route id \"a\" (first used at routes[0])");
    fails_at("{'services': {'x': {'routes': [{'id': 'a'}]}, 'y': {'routes': [{'id': 'a'}]}}}",
             "'a'}]}}",
             "services.y.routes[0].id: duplicate route id \"a\" (first used at "
             "services.x.routes[0])");
}
END_TEST

START_TEST(test_expect_unknown_route)
{
    fails_at("{'routes': [{'id': 'get-charge'}], 'expect': [{'route': 'get-charges'}]}",
             "'get-charges'",
             "expect[0].route: no route has id \"get-charges\"; did you mean \"get-charge\"?");
    fails_at("{'routes': [{'id': 'Charge'}], 'expect': [{'route': 'charge'}]}", "'charge'",
             "expect[0].route: no route has id \"charge\"; did you mean \"Charge\"?");
    fails_at("{'routes': [{'id': 'a'}], 'expect': [{'route': 'zzz'}]}", "'zzz'",
             "expect[0].route: no route has id \"zzz\"");
}
END_TEST

START_TEST(test_bad_counts)
{
    fails_at("{'routes': [{'id': 'a'}], 'expect': [{'route': 'a', 'atLeast': 3, 'atMost': 2}]}",
             "3", "expect[0].atLeast: atLeast (3) is greater than atMost (2)");
    fails_at("{'routes': [{'id': 'a'}], 'expect': [{'route': 'a', 'times': 5, 'atMost': 2}]}", "5",
             "expect[0].times: times (5) contradicts atLeast/atMost");
    fails_at("{'routes': [{'id': 'a'}], 'expect': [{'route': 'a', 'times': -1}]}", "-1",
             "expect[0].times: expected an integer of at least 0, got -1");
    fails_at("{'routes': [{'id': 'a', 'expect': {'atLeast': 2, 'atMost': 1}}]}", "2",
             "routes[0].expect.atLeast: atLeast (2) is greater than atMost (1)");
    fails_at("{'routes': [{'id': 'a', 'expect': {'time': 1}}]}", "'time'",
             "routes[0].expect.time: unknown key; did you mean \"times\"?");
    fails_at("{'routes': [{'id': 'a', 'expect': 5}]}", "5",
             "routes[0].expect: expected an object with \"times\", \"atLeast\" or \"atMost\", got "
             "5");
    fails_at("{'routes': [], 'expect': [{'times': 1}]}", "{'times'",
             "expect[0]: an expectation needs \"route\", \"request\" or both");
    fails_at("{'routes': [], 'expect': {}}", "{}", "expect: expected an array of expectations");
}
END_TEST

START_TEST(test_bad_service_and_env_names)
{
    fails_at("{'services': {'pay ments': {'routes': []}}}", "'pay ments'",
             "services[\"pay ments\"]: invalid service name \"pay ments\": use letters, digits, "
             "\"-\" and \"_\"");
    fails_at("{'services': {'api.v2': {'routes': []}}}", "'api.v2'",
             "services[\"api.v2\"]: invalid service name \"api.v2\": use letters, digits, \"-\" "
             "and \"_\"");
    fails_at("{'services': {'p': {'env': '1X', 'routes': []}}}", "'1X'",
             "services.p.env: \"1X\" is not a valid variable name (letters, digits and \"_\")");
    fails_at("{'services': {'p': {'env': 'A-B', 'routes': []}}}", "'A-B'",
             "services.p.env: \"A-B\" is not a valid variable name (letters, digits and \"_\")");
    fails_at("{'routes': [], 'command': {'env': {'1A': 'x'}}}", "'1A'",
             "command.env.1A: invalid variable name");
}
END_TEST

START_TEST(test_bad_services_shape)
{
    fails_at("{'services': {}}", "{}",
             "services: expected an object mapping service names to services, with at least one "
             "service");
    fails_at("{'services': []}", "[]",
             "services: expected an object mapping service names to services, with at least one "
             "service");
    fails_at("{'routes': [], 'services': {'a': {'routes': []}}}", "[]",
             "routes: give either \"services\" or a top-level \"routes\", not both");
    fails_at("{'name': 'x'}", "{", "missing \"services\" (or a top-level \"routes\" array)");
    fails_at("[1]", "[", "expected a JSON object at the top level, got an array");
    fails_at("{'services': {'a': {'port': 1}}}", "{'port'", "services.a: missing \"routes\"");
    fails_at("{'services': {'a': {'port': 70000, 'routes': []}}}", "70000",
             "services.a.port: expected an integer from 0 to 65535, got 70000");
    fails_at("{'routes': {}}", "{}", "routes: expected an array of routes, got an object");
    fails_at("{'routes': [5]}", "5", "routes[0]: expected a route object, got 5");
    fails_at("{'routes': [{'id': ''}]}", "''", "routes[0].id: must not be empty");
}
END_TEST

START_TEST(test_service_clashes)
{
    struct mr_scenario *sc = NULL;
    char *t = jq("{'services': {'a-b': {'routes': []}, 'a_b': {'port': 8080, 'routes': []},"
                 " 'c': {'port': 8080, 'routes': []}}}");

    ck_assert_int_eq(parse_raw(&sc, t, strlen(t)), MR_ESCENARIO);
    ck_assert_uint_eq(errs.count, 2);
    check_at(0, t, "{'a-b'", 0,
             "services: services \"a-b\" and \"a_b\" both map to MOCKRUN_A_B_URL");
    check_at(1, t, "{'a-b'", 0, "services: services \"a_b\" and \"c\" both use port 8080");
    free(t);
}
END_TEST

START_TEST(test_unexpected_value)
{
    fails_at("{'routes': [], 'unexpected': 'maybe'}", "'maybe'",
             "unexpected: expected \"fail\", \"allow\" or {\"allow\": [...]}, got \"maybe\"");
    fails_at("{'routes': [], 'unexpected': true}", "true",
             "unexpected: expected \"fail\", \"allow\" or {\"allow\": [...]}, got true");
}
END_TEST

START_TEST(test_bad_command)
{
    fails_at("{'command': {'run': []}, 'routes': []}", "[]",
             "command.run: expected a non-empty array of strings such as [\"npm\", \"test\"], got "
             "an array");
    fails_at("{'routes': [], 'command': {'run': 'npm test'}}", "'npm test'",
             "command.run: expected a non-empty array of strings such as [\"npm\", \"test\"], got "
             "\"npm test\"");
    fails_at("{'routes': [], 'command': {'run': ['a', 1]}}", "1]",
             "command.run[1]: expected a string, got 1");
    fails_at("{'routes': [], 'command': {'timeout': 0}}", "0",
             "command.timeout: expected a number of seconds greater than 0, got 0");
    fails_at("{'routes': [], 'command': {'timeout': '5'}}", "'5'",
             "command.timeout: expected a number of seconds greater than 0, got \"5\"");
    fails_at("{'routes': [], 'command': {'exitCode': 256}}", "256",
             "command.exitCode: expected an integer from 0 to 255, got 256");
    fails_at("{'routes': [], 'command': {'env': {'B': 1}}}", "1",
             "command.env.B: expected a string, got 1");
    fails_at("{'routes': [], 'command': {'tiemout': 1}}", "'tiemout'",
             "command.tiemout: unknown key; did you mean \"timeout\"?");
}
END_TEST

/* --- file responses ----------------------------------------------------- */

START_TEST(test_file_escaping_folder)
{
    struct mr_scenario *sc = (struct mr_scenario *)1;

    memset(&errs, 0, sizeof(errs));
    /* ../fixtures/charge.json exists, but outside escape/ */
    ck_assert_int_eq(load_one(&sc, FIX "/escape/escape.json", &errs), MR_ESCENARIO);
    ck_assert_ptr_null(sc);
    ck_assert_uint_eq(errs.count, 1);
    ck_assert_str_eq(fmt(0), FIX "/escape/escape.json:3:43: routes[0].response.file: "
                                 "\"../fixtures/charge.json\" is outside the scenario's folder");

    cur_path = FIX "/inline.json";
    fails_at("{'routes': [{'response': {'file': '/etc/passwd'}}]}", "'/etc/passwd'",
             "routes[0].response.file: must be a path relative to the scenario's folder");
    fails_at("{'routes': [{'response': {'file': '../reports/mixed.xml'}}]}", "'../",
             "routes[0].response.file: \"../reports/mixed.xml\" is outside the scenario's "
             "folder");
    fails_at("{'routes': [{'response': {'file': 'fixtures/../../reports/mixed.xml'}}]}",
             "'fixtures",
             "routes[0].response.file: \"fixtures/../../reports/mixed.xml\" is outside the "
             "scenario's folder");
    fails_at("{'routes': [{'response': {'file': 'fixtures/../../unit/x'}}]}", "'fixtures",
             "routes[0].response.file: cannot open \"fixtures/../../unit/x\": No such file or "
             "directory");
}
END_TEST

START_TEST(test_file_missing_or_not_regular)
{
    struct mr_scenario *sc = NULL;

    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(load_one(&sc, FIX "/missing-file.json", &errs), MR_ESCENARIO);
    ck_assert_uint_eq(errs.count, 1);
    ck_assert_str_eq(fmt(0), FIX "/missing-file.json:3:43: routes[0].response.file: cannot open "
                                 "\"fixtures/no-such-file.json\": No such file or directory");

    cur_path = FIX "/inline.json";
    fails_at("{'routes': [{'response': {'file': 'fixtures/sub'}}]}", "'fixtures/sub'",
             "routes[0].response.file: \"fixtures/sub\" is not a regular file");
    fails_at("{'routes': [{'response': {'file': 'fixtures/hello.txt/x'}}]}", "'fixtures",
             "routes[0].response.file: cannot open \"fixtures/hello.txt/x\": Not a directory");
}
END_TEST

static char tmp[64];

static void make_tmp(void)
{
    strcpy(tmp, "/tmp/mr-test-load-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(test_file_symlink_out_of_folder)
{
    char dir[128], link[256], scen[256], outside[256], want[1024];
    struct mr_scenario *sc = (struct mr_scenario *)1;

    make_tmp();
    snprintf(dir, sizeof(dir), "%s/scenario", tmp);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    /* a link to a system file, a link to a file in the parent folder, and one that stays inside */
    snprintf(link, sizeof(link), "%s/passwd", dir);
    ck_assert_int_eq(symlink("/etc/passwd", link), 0);
    write_file(tmp, "secret.txt", "s");
    snprintf(link, sizeof(link), "%s/up", dir);
    ck_assert_int_eq(symlink("../secret.txt", link), 0);
    write_file(dir, "body.txt", "b");
    snprintf(link, sizeof(link), "%s/alias.txt", dir);
    ck_assert_int_eq(symlink("body.txt", link), 0);

    {
        static const char text[] = "{\"routes\": [\n"
                                   "  {\"response\": {\"file\": \"passwd\"}},\n"
                                   "  {\"response\": {\"file\": \"up\"}},\n"
                                   "  {\"response\": {\"file\": \"alias.txt\"}}\n"
                                   "]}\n";
        size_t n;
        write_file(dir, "s.json", text);
        snprintf(scen, sizeof(scen), "%s/s.json", dir);
        memset(&errs, 0, sizeof(errs));
        ck_assert_int_eq(load_one(&sc, scen, &errs), MR_ESCENARIO);
        ck_assert_ptr_null(sc);
        ck_assert_uint_eq(errs.count, 2);
        where(want, sizeof(want), scen, text, "\"passwd\"", 0);
        n = strlen(want);
        snprintf(want + n, sizeof(want) - n,
                 "routes[0].response.file: \"passwd\" is outside the scenario's folder");
        ck_assert_str_eq(fmt(0), want);
        ck_assert_int_eq(errs.items[0].line, 2);
        where(want, sizeof(want), scen, text, "\"up\"", 0);
        n = strlen(want);
        snprintf(want + n, sizeof(want) - n,
                 "routes[1].response.file: \"up\" is outside the scenario's folder");
        ck_assert_str_eq(fmt(1), want);
    }

    /* the inside link alone is fine, and resolved to its target */
    write_file(dir, "ok.json", "{\"routes\": [{\"response\": {\"file\": \"alias.txt\"}}]}");
    snprintf(scen, sizeof(scen), "%s/ok.json", dir);
    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(load_one(&sc, scen, &errs), 0);
    snprintf(outside, sizeof(outside), "%s/body.txt", dir);
    {
        char *r = real(outside);
        ck_assert_str_eq(sc->routes[0].response.file, r);
        free(r);
    }
    mr_scenario_free(sc);

    /* a scenario folder that is itself reached through a symlink still works */
    snprintf(link, sizeof(link), "%s/via", tmp);
    ck_assert_int_eq(symlink("scenario", link), 0);
    snprintf(scen, sizeof(scen), "%s/via/ok.json", tmp);
    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(load_one(&sc, scen, &errs), 0);
    mr_scenario_free(sc);

    /* the test's own files */
    {
        static const char *const names[] = {
            "scenario/passwd", "scenario/up",      "scenario/alias.txt", "scenario/body.txt",
            "scenario/s.json", "scenario/ok.json", "secret.txt",         "via"};
        size_t i;
        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            snprintf(link, sizeof(link), "%s/%s", tmp, names[i]);
            unlink(link);
        }
        rmdir(dir);
        rmdir(tmp);
    }
}
END_TEST

/* --- templated file paths ---------------------------------------------- */

START_TEST(test_file_template_loaded)
{
    struct mr_scenario *sc = NULL;
    const struct mr_response *r;
    char want[1024];
    size_t n;
    static const char bad[] =
        "{\"routes\": [{\"response\": {\"file\": \"fixtures/{{urlParm 'id'}}.json\"}}]}";

    cur_path = FIX "/inline.json";
    sc = ok("{'routes': [{'request': {'path': '/c/:id'},"
            "  'response': {'file': 'fixtures/{{urlParam \\'id\\'}}.json'}}]}");
    r = &sc->routes[0].response;
    ck_assert_int_eq(r->kind, MR_RESP_FILE);
    ck_assert_ptr_nonnull(r->file_tpl);
    ck_assert_str_eq(r->file, "fixtures/{{urlParam \"id\"}}.json"); /* jq() made ' into " */
    ck_assert_int_eq(r->file_fd, -1);
    ck_assert_ptr_null(r->content_type);
    ck_assert(r->templated);
    ck_assert(sc->routes[0].uses_params);
    ck_assert_int_ge(sc->files[0].dir_fd, 0);
    mr_scenario_free(sc);

    /* a template error in the path, at its place */
    ck_assert_int_eq(parse_raw(&sc, bad, strlen(bad)), MR_ESCENARIO);
    ck_assert_uint_eq(errs.count, 1);
    where(want, sizeof(want), cur_path, bad, "urlParm", 0);
    n = strlen(want);
    snprintf(want + n, sizeof(want) - n,
             "routes[0].response.file: template: unknown helper \"urlParm\" at 1:12 (did you "
             "mean \"urlParam\"?)");
    ck_assert_str_eq(fmt(0), want);

    fails_at("{'routes': [{'response': {'file': '/srv/{{urlParam \\'id\\'}}'}}]}", "'/srv",
             "routes[0].response.file: must be a path relative to the scenario's folder");
    fails_at("{'routes': [{'response': {'file': 'f/{{urlParam \\'id\\'}}', 'template': true}}]}",
             "'f/",
             "routes[0].response.file: a templated file path cannot be combined with "
             "\"template\": true (the file is only known per request); serve its contents as "
             "they are");
    /* "template": false: the path is taken literally */
    fails_at("{'routes': [{'response': {'file': 'f/{{x}}', 'template': false}}]}", "'f/",
             "routes[0].response.file: cannot open \"f/{{x}}\": No such file or directory");
}
END_TEST

/* What mr_scenario_open_file makes of rendered paths, with openat2 and
 * with its fallback. */
START_TEST(test_file_template_open)
{
    char dir[128], path[256], scen[256];
    struct mr_scenario *sc = NULL;
    int pass;

    make_tmp();
    snprintf(dir, sizeof(dir), "%s/scenario", tmp);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    snprintf(path, sizeof(path), "%s/fixtures", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/fixtures/sub", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    write_file(dir, "fixtures/1.json", "{\"id\":1}");
    write_file(tmp, "secret.txt", "s");
    snprintf(path, sizeof(path), "%s/in", dir);
    ck_assert_int_eq(symlink("fixtures/1.json", path), 0);
    snprintf(path, sizeof(path), "%s/out", dir);
    ck_assert_int_eq(symlink("../secret.txt", path), 0);
    snprintf(path, sizeof(path), "%s/abs", dir);
    ck_assert_int_eq(symlink("/etc/passwd", path), 0);
    snprintf(path, sizeof(path), "%s/up", dir);
    ck_assert_int_eq(symlink("..", path), 0);
    snprintf(path, sizeof(path), "%s/fifo", dir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    write_file(dir, "s.json",
               "{\"routes\": [{\"response\": {\"file\": \"fixtures/{{urlParam 'id'}}\"}}]}");
    snprintf(scen, sizeof(scen), "%s/s.json", dir);
    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(load_one(&sc, scen, &errs), 0);

    for (pass = 0; pass < 2; pass++) {
        static const struct {
            const char *rel;
            size_t len; /* 0: strlen */
            enum mr_file_open want;
            enum mr_file_open want_walk; /* without openat2 */
            const char *why;
        } cases[] = {
            {"fixtures/1.json", 0, MR_FILE_OPENED, MR_FILE_OPENED, ""},
            {"./fixtures//./1.json", 0, MR_FILE_OPENED, MR_FILE_OPENED, ""},
            {"nope/../fixtures/1.json", 0, MR_FILE_OPENED, MR_FILE_OPENED, ""},
            {"fixtures/2.json", 0, MR_FILE_MISSING, MR_FILE_MISSING, "does not exist"},
            {"fixtures/1.json/x", 0, MR_FILE_MISSING, MR_FILE_MISSING, "does not exist"},
            {"fixtures/sub", 0, MR_FILE_MISSING, MR_FILE_MISSING, "is not a regular file"},
            {"fifo", 0, MR_FILE_MISSING, MR_FILE_MISSING, "is not a regular file"},
            {"", 0, MR_FILE_MISSING, MR_FILE_MISSING, "is empty"},
            {"fixtures/..", 0, MR_FILE_MISSING, MR_FILE_MISSING,
             "names the scenario's folder itself"},
            {"../secret.txt", 0, MR_FILE_REFUSED, MR_FILE_REFUSED, "leaves the scenario's folder"},
            {"fixtures/../../secret.txt", 0, MR_FILE_REFUSED, MR_FILE_REFUSED,
             "leaves the scenario's folder"},
            {"/etc/passwd", 0, MR_FILE_REFUSED, MR_FILE_REFUSED,
             "is absolute; it leaves the scenario's folder"},
            {"fixtures/1.json\0x", 17, MR_FILE_REFUSED, MR_FILE_REFUSED, "contains a NUL byte"},
            {"out", 0, MR_FILE_REFUSED, MR_FILE_REFUSED, NULL},
            {"abs", 0, MR_FILE_REFUSED, MR_FILE_REFUSED, NULL},
            {"up/secret.txt", 0, MR_FILE_REFUSED, MR_FILE_REFUSED, NULL},
            /* a link that stays inside: followed by openat2, refused by the walk */
            {"in", 0, MR_FILE_OPENED, MR_FILE_REFUSED, NULL},
        };
        size_t i;

        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            const char *why = "?";
            int fd = -2;
            size_t len = cases[i].len ? cases[i].len : strlen(cases[i].rel);
            enum mr_file_open want = pass == 0 ? cases[i].want : cases[i].want_walk;
            enum mr_file_open got =
                mr_scenario__open_file(&sc->files[0], cases[i].rel, len, pass == 0, &fd, &why);
            ck_assert_msg(got == want, "%s (%s): got %d, want %d (%s)", cases[i].rel,
                          pass == 0 ? "openat2" : "walk", (int)got, (int)want, why);
            if (got == MR_FILE_OPENED) {
                char buf[16] = {0};
                ck_assert_int_ge(fd, 0);
                ck_assert_int_eq(read(fd, buf, sizeof(buf) - 1), 8);
                ck_assert_str_eq(buf, "{\"id\":1}");
                close(fd);
            } else {
                ck_assert_int_eq(fd, -1);
                if (cases[i].why)
                    ck_assert_str_eq(why, cases[i].why);
            }
        }
    }
    ck_assert_str_eq(mr_scenario_file_type("a/b.JSON"), "application/json");
    ck_assert_str_eq(mr_scenario_file_type("a.b/c"), "application/octet-stream");
    mr_scenario_free(sc);

    {
        static const char *const names[] = {"scenario/fixtures/1.json",
                                            "scenario/fixtures/sub",
                                            "scenario/fixtures",
                                            "scenario/in",
                                            "scenario/out",
                                            "scenario/abs",
                                            "scenario/up",
                                            "scenario/fifo",
                                            "scenario/s.json",
                                            "secret.txt",
                                            "scenario"};
        size_t i;
        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            snprintf(path, sizeof(path), "%s/%s", tmp, names[i]);
            if (unlink(path) != 0)
                rmdir(path);
        }
        rmdir(tmp);
    }
}
END_TEST

/* --- several problems --------------------------------------------------- */

START_TEST(test_many_problems_all_reported)
{
    static const char *const want[] = {
        "4:14: services.payments.env: \"9LIVES\" is not a valid variable name (letters, digits "
        "and \"_\")",
        "6:22: services.payments.routes[0].reponse: unknown key; did you mean \"response\"?",
        "7:43: services.payments.routes[1].request.path: a path must start with \"/\", got \"v1\"",
        "8:53: services.payments.routes[2].request.query.q.matches: invalid regular expression at "
        "offset 6: missing closing parenthesis",
        "7:17: services.payments.routes[1].id: duplicate route id \"a\" (first used at "
        "services.payments.routes[0])",
        "12:26: expect[0].route: no route has id \"b\"",
        "12:42: expect[0].atLeast: atLeast (2) is greater than atMost (1)",
        "13:17: unexpected: expected \"fail\", \"allow\" or {\"allow\": [...]}, got \"maybe\"",
    };
    struct mr_scenario *sc = (struct mr_scenario *)1;
    size_t i;

    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(load_one(&sc, FIX "/many-problems.json", &errs), MR_ESCENARIO);
    ck_assert_ptr_null(sc);
    ck_assert_uint_eq(errs.count, sizeof(want) / sizeof(want[0]));
    ck_assert_uint_eq(errs.dropped, 0);
    for (i = 0; i < errs.count; i++) {
        char full[1024];
        snprintf(full, sizeof(full), "%s:%s", FIX "/many-problems.json", want[i]);
        ck_assert_str_eq(fmt(i), full);
    }
}
END_TEST

/* Every template problem is reported with the other problems, each at the
 * character it is about (inside the JSON string, escapes counted). */
START_TEST(test_template_problems_all_reported)
{
    static const char text[] =
        "{\"routes\": [\n"
        "  {\"response\": {\"stauts\": 201, \"body\": \"Hi {{fakr 'x'}}, {{uppercse 'a'}}\"}},\n"
        "  {\"response\": {\"json\": {\"k\": \"\\u00e9\\\"\\ud83d\\ude00{{lowercse 'A'}}\"},\n"
        "                \"headers\": {\"X-A\": \"{{#each}}{{/each}}\"}}}\n"
        "]}\n";
    struct mr_scenario *sc = (struct mr_scenario *)1;
    char want[1024];
    size_t n;

    cur_path = "inline.json";
    ck_assert_int_eq(parse_raw(&sc, text, strlen(text)), MR_ESCENARIO);
    ck_assert_ptr_null(sc);
    ck_assert_uint_eq(errs.count, 5);
    where(want, sizeof(want), cur_path, text, "\"stauts\"", 0);
    n = strlen(want);
    snprintf(want + n, sizeof(want) - n,
             "routes[0].response.stauts: unknown key; did you mean \"status\"?");
    ck_assert_str_eq(fmt(0), want);
    where(want, sizeof(want), cur_path, text, "fakr", 0);
    n = strlen(want);
    snprintf(want + n, sizeof(want) - n,
             "routes[0].response.body: template: unknown helper \"fakr\" at 1:6 (did you mean "
             "\"faker\"?)");
    ck_assert_str_eq(fmt(1), want);
    where(want, sizeof(want), cur_path, text, "uppercse", 0);
    n = strlen(want);
    snprintf(want + n, sizeof(want) - n,
             "routes[0].response.body: template: unknown helper \"uppercse\" at 1:20 (did you "
             "mean \"uppercase\"?)");
    ck_assert_str_eq(fmt(2), want);
    /* é is 2 bytes, the quote 1 and the emoji 4 in the template; 6, 2 and 12 in the file */
    where(want, sizeof(want), cur_path, text, "lowercse", 0);
    n = strlen(want);
    snprintf(want + n, sizeof(want) - n,
             "routes[1].response.json.k: template: unknown helper \"lowercse\" at 1:10 (did you "
             "mean \"lowercase\"?)");
    ck_assert_str_eq(fmt(3), want);
    where(want, sizeof(want), cur_path, text, "each}}{{/", 0);
    n = strlen(want);
    snprintf(want + n, sizeof(want) - n,
             "routes[1].response.headers.X-A: template: \"each\" at 1:4 needs 1 argument, got 0");
    ck_assert_str_eq(fmt(4), want);
}
END_TEST

/* {{serviceUrl 'name'}}: a literal name must be one of the scenario's
 * services, which may be defined after the route that names it. */
START_TEST(test_service_url_names)
{
    static const char text[] =
        "{\"services\": {\n"
        "  \"web\": {\"routes\": [{\"response\": {\"body\": \"{{serviceUrl 'api'}} "
        "{{serviceUrl 'apii'}} {{serviceUrl 'web'}}\"}}]},\n"
        "  \"api\": {\"routes\": []}\n"
        "}}\n";
    static const char top[] =
        "{\"routes\": [{\"response\": {\"headers\": {\"X-U\": \"{{serviceUrl 'default'}}\"}}}]}";
    struct mr_scenario *sc = (struct mr_scenario *)1;
    char want[1024];
    size_t n;

    cur_path = "inline.json";
    ck_assert_int_eq(parse_raw(&sc, text, strlen(text)), MR_ESCENARIO);
    ck_assert_uint_eq(errs.count, 1);
    where(want, sizeof(want), cur_path, text, "serviceUrl 'apii'", 0);
    n = strlen(want);
    snprintf(want + n, sizeof(want) - n,
             "services.web.routes[0].response.body: template: no service is named \"apii\" at "
             "1:24 (did you mean \"api\"?)");
    ck_assert_str_eq(fmt(0), want);

    ck_assert_int_eq(parse_raw(&sc, top, strlen(top)), 0);
    ck_assert(sc->routes[0].response.templated);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_problem_cap)
{
    char text[4096];
    size_t n, i;
    struct mr_scenario *sc = (struct mr_scenario *)1;

    n = (size_t)snprintf(text, sizeof(text), "{'routes': [{");
    for (i = 0; i < 25; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%s'zzzzzz%zu': 1", i ? ", " : "", i);
    snprintf(text + n, sizeof(text) - n, "}]}");
    {
        char *t = jq(text);
        ck_assert_int_eq(parse_raw(&sc, t, strlen(t)), MR_ESCENARIO);
        ck_assert_ptr_null(sc);
        ck_assert_uint_eq(errs.count, MR_ERROR_LIST_MAX);
        ck_assert_uint_eq(errs.dropped, 25 - MR_ERROR_LIST_MAX);
        check_at(0, t, "'zzzzzz0'", 0, "routes[0].zzzzzz0: unknown key");
        check_at(19, t, "'zzzzzz19'", 0, "routes[0].zzzzzz19: unknown key");
        free(t);
    }
}
END_TEST

START_TEST(test_failed_load_frees_everything)
{
    /* problems deep inside half-built routes, expectations and commands: LeakSanitizer checks */
    struct mr_scenario *sc = (struct mr_scenario *)1;
    char *t = jq("{'services': {'a': {'routes': ["
                 " {'id': 'x', 'request': {'method': 'GET', 'path': '/a/:p/*',"
                 "  'query': {'q': {'matches': '(x'}}, 'headers': {'H': 'v'},"
                 "  'body': {'json': {'a': [1]}}},"
                 "  'response': {'json': {'big': [1, 2, 3]}, 'headers': {'X': 'y'}},"
                 "  'expect': {'times': 1}},"
                 " {'id': 'y', 'response': {'body': 'b', 'status': 'bad'}}]}},"
                 " 'expect': [{'route': 'x', 'request': {'body': {'matches': 'ok'}}, 'times': 1},"
                 "            {'request': {'pathPattern': '(('}}],"
                 " 'command': {'run': ['a', 'b'], 'env': {'K': 'v', '2': 'x'}}}");

    ck_assert_int_eq(parse_raw(&sc, t, strlen(t)), MR_ESCENARIO);
    ck_assert_ptr_null(sc);
    ck_assert_uint_eq(errs.count, 4);
    free(t);
}
END_TEST

/* --- order, every, timing, strict services; where each expectation is ---- */

START_TEST(test_assertion_kinds)
{
    struct mr_scenario *sc =
        ok("{'services': {'s': {'routes': ["
           " {'id': 'login'}, {'id': 'charge'}, {'id': 'poll'}]}},"
           " 'expect': ["
           "  {'inOrder': ['login', 'charge', 'login']},"
           "  {'inOrder': ['login', 'charge'], 'strict': true},"
           "  {'route': 'charge', 'every': {'headers': {'K': {'present': true}},"
           "   'body': {'jsonPath': {'$.c': 'eur', '$.n': 1}}}},"
           "  {'request': {'method': 'POST'}, 'every': {'path': '/x'}},"
           "  {'route': 'poll', 'minIntervalMs': 900},"
           "  {'route': 'login', 'withinMs': 5000},"
           "  {'name': 'mine', 'inOrder': ['poll', 'poll'], 'strict': false}]}");
    const struct mr_expect *e = sc->expects;

    ck_assert_uint_eq(sc->nexpects, 7);
    ck_assert_int_eq(e[0].kind, MR_EXPECT_ORDER);
    ck_assert_uint_eq(e[0].norder, 3);
    ck_assert_int_eq(e[0].order[0], 0);
    ck_assert_int_eq(e[0].order[1], 1);
    ck_assert_int_eq(e[0].order[2], 0);
    ck_assert(!e[0].strict);
    ck_assert_int_eq(e[0].route, -1);
    ck_assert_str_eq(e[0].name, "login, charge, login are called in this order");
    ck_assert(e[1].strict);
    ck_assert_str_eq(e[1].name, "calls of login, charge are exactly this sequence");
    ck_assert_int_eq(e[2].kind, MR_EXPECT_EVERY);
    ck_assert_int_eq(e[2].route, 1);
    ck_assert_uint_eq(e[2].every.nheaders, 1);
    ck_assert_uint_eq(e[2].every.body->nfields, 2);
    ck_assert_str_eq(e[2].name,
                     "every call of charge: with header K, body $.c=\"eur\", body $.n=\"1\"");
    ck_assert_int_eq(e[3].kind, MR_EXPECT_EVERY);
    ck_assert(e[3].has_request);
    ck_assert_str_eq(e[3].name, "every call of POST *: path /x");
    ck_assert_int_eq(e[4].kind, MR_EXPECT_INTERVAL);
    ck_assert_int_eq(e[4].ms, 900);
    ck_assert_str_eq(e[4].name, "calls of poll are at least 900 ms apart");
    ck_assert_int_eq(e[5].kind, MR_EXPECT_WITHIN);
    ck_assert_int_eq(e[5].ms, 5000);
    ck_assert_str_eq(e[5].name, "the first call of login comes within 5000 ms of the start");
    ck_assert_str_eq(e[6].name, "mine");
    ck_assert(!e[6].strict);
    /* the other checks carry no count */
    ck_assert_int_eq(e[2].count.at_least, -1);
    ck_assert_int_eq(e[2].count.times, -1);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_strict_service)
{
    struct mr_scenario *sc = ok("{'services': {"
                                " 'pay': {'strict': true, 'routes': ["
                                "  {'id': 'a'}, {'id': 'b', 'expect': {'atLeast': 0}},"
                                "  {'id': 'c'}, {'id': 'd'}, {'id': 'e'}, {}]},"
                                " 'mail': {'routes': [{'id': 'send'}]}},"
                                " 'expect': [{'route': 'c', 'times': 0},"
                                "  {'route': 'd', 'every': {'method': 'GET'}},"
                                "  {'inOrder': ['d', 'e']},"
                                "  {'route': 'e', 'request': {'method': 'GET'}, 'atMost': 1}]}");
    size_t i;

    /* counted: b (its own expect), c and e (a count names them); d, a and the
     * route without an id are not: they get one expectation each, in route order */
    ck_assert(sc->services[0].strict);
    ck_assert(!sc->services[1].strict);
    ck_assert_uint_eq(sc->nexpects, 5 + 3);
    ck_assert_str_eq(sc->expects[5].name, "a is called at least 1 time (service pay is strict)");
    ck_assert_str_eq(sc->expects[6].name, "d is called at least 1 time (service pay is strict)");
    ck_assert_str_eq(sc->expects[7].name,
                     "pay route 6 is called at least 1 time (service pay is strict)");
    for (i = 5; i < 8; i++) {
        ck_assert(sc->expects[i].implicit);
        ck_assert_int_eq(sc->expects[i].kind, MR_EXPECT_COUNT);
        ck_assert_int_eq(sc->expects[i].count.at_least, 1);
        ck_assert_str_eq(sc->expects[i].json_path, sc->routes[sc->expects[i].route].json_path);
        ck_assert_int_eq(sc->expects[i].line, sc->routes[sc->expects[i].route].line);
    }
    ck_assert(!sc->expects[0].implicit && !sc->expects[4].implicit);
    mr_scenario_free(sc);
}
END_TEST

/* The line of the nth occurrence of anchor in text. */
static int line_of(const char *text, const char *anchor, int nth)
{
    char buf[64];
    int line;
    where(buf, sizeof(buf), "f", text, anchor, nth);
    ck_assert_int_eq(sscanf(buf, "f:%d:", &line), 1);
    return line;
}

START_TEST(test_expect_and_route_lines)
{
    /* routes and expectations found item by item, across services, with
     * strings that look like JSON, route expects skipping routes between */
    static const char text[] = "{\"services\": {\n"
                               " \"a\": {\"routes\": [\n"
                               "  {\"id\": \"r0\", \"response\": {\"body\": \"},{\\\"[\"}},\n"
                               "  {\"id\": \"r1\",\n"
                               "   \"request\": {\"path\": \"/x\"},\n"
                               "   \"expect\": {\"times\": 1}},\n"
                               "  {\"id\": \"r2\"}, {\"id\": \"r3\"},\n"
                               "\n"
                               "  {\"id\": \"r4\", \"response\": {\"json\": [1, {\"a\": [2]}]},\n"
                               "   \"expect\":\n"
                               "     {\"atMost\": 2}}]},\n"
                               " \"b\": {\"strict\": true, \"routes\": [\n"
                               "  {\"id\": \"s0\"},\n"
                               "  {\"id\": \"s1\"}]}},\n"
                               " \"expect\": [\n"
                               "  {\"route\": \"r0\"},\n"
                               "  {\"route\": \"r2\",\n"
                               "   \"times\": 0}, {\"route\": \"s0\"},\n"
                               "  {\"inOrder\": [\"r0\", \"r1\"]}]}\n";
    static const char *const ids[] = {"r0", "r1", "r2", "r3", "r4", "s0", "s1"};
    struct mr_scenario *sc = NULL;
    size_t i;
    char anchor[32];

    ck_assert_int_eq(parse_raw(&sc, text, strlen(text)), 0);
    for (i = 0; i < 7; i++) {
        snprintf(anchor, sizeof(anchor), "{\"id\": \"%s\"", ids[i]);
        ck_assert_str_eq(sc->routes[i].file, "inline.json");
        ck_assert_int_eq(sc->routes[i].line, line_of(text, anchor, 0));
    }
    ck_assert_uint_eq(sc->nexpects, 4 + 2 + 1);
    ck_assert_str_eq(sc->expects[0].file, "inline.json");
    ck_assert_int_eq(sc->expects[0].line, line_of(text, "{\"route\": \"r0\"", 0));
    ck_assert_int_eq(sc->expects[1].line, line_of(text, "{\"route\": \"r2\"", 0));
    ck_assert_int_eq(sc->expects[2].line, line_of(text, "{\"route\": \"s0\"", 0));
    ck_assert_int_eq(sc->expects[3].line, line_of(text, "{\"inOrder\"", 0));
    /* a route's own expect: where its object starts */
    ck_assert_int_eq(sc->expects[4].line, line_of(text, "{\"times\": 1}", 0));
    ck_assert_int_eq(sc->expects[5].line, line_of(text, "{\"atMost\": 2}", 0));
    /* s1 of the strict service: at the route */
    ck_assert(sc->expects[6].implicit);
    ck_assert_int_eq(sc->expects[6].line, line_of(text, "{\"id\": \"s1\"", 0));
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_lines_past_control_bytes)
{
    /* cJSON takes any byte up to the space for a blank between tokens: places
     * after such bytes are still found (the fuzz target's first find) */
    static const char text[] = "{\"services\": {\"s\": {\"strict\": true\000\001,\n"
                               " \"routes\": [{\"id\": \"a\"}\000,\n"
                               " {\"id\": \"b\"}]}}}";
    struct mr_scenario *sc = NULL;

    ck_assert_int_eq(parse_raw(&sc, text, sizeof(text) - 1), 0);
    ck_assert_int_eq(sc->routes[0].line, 2);
    ck_assert_int_eq(sc->routes[1].line, 3);
    ck_assert_int_eq(sc->expects[1].line, 3);
    mr_scenario_free(sc);
    fails_at("{'routes': [\001{'id': 5}]}", "5", "routes[0].id: expected a string, got 5");
}
END_TEST

START_TEST(test_many_routes_located)
{
    /* 5,000 routes of a strict service, each on its own line: every route
     * and its expectation knows its line, found walking on from the route
     * before (not by reading the text from the top for each) */
    enum { N = 5000 };
    size_t cap = (size_t)N * 40 + 200, n = 0, i;
    char *text = malloc(cap);
    struct mr_scenario *sc = NULL;

    ck_assert_ptr_nonnull(text);
    n += (size_t)snprintf(text + n, cap - n,
                          "{\"services\": {\"s\": {\"strict\": true,\n"
                          "\"routes\": [\n");
    for (i = 0; i < N; i++)
        n += (size_t)snprintf(text + n, cap - n, "%s{\"id\": \"r%zu\"}\n", i ? "," : "", i);
    n += (size_t)snprintf(text + n, cap - n, "]}}}\n");
    ck_assert_int_eq(parse_raw(&sc, text, n), 0);
    ck_assert_uint_eq(sc->nexpects, N);
    for (i = 0; i < N; i += 997) {
        ck_assert_int_eq(sc->routes[i].line, (int)i + 3);
        ck_assert_int_eq(sc->expects[i].line, (int)i + 3);
    }
    ck_assert_int_eq(sc->routes[N - 1].line, N + 2);
    mr_scenario_free(sc);
    free(text);
}
END_TEST

START_TEST(test_bad_order)
{
    fails_at("{'routes': [{'id': 'a'}, {'id': 'b'}], 'expect': [{'inOrder': 'a'}]}", "'a'}]",
             "expect[0].inOrder: expected an array of route ids, got \"a\"");
    fails_at("{'routes': [{'id': 'a'}, {'id': 'b'}], 'expect': [{'inOrder': ['a']}]}", "['a']",
             "expect[0].inOrder: expected at least 2 route ids, got 1 (count the calls of one "
             "route with \"times\" or \"atLeast\")");
    fails_at("{'routes': [{'id': 'a'}, {'id': 'b'}], 'expect': [{'inOrder': []}]}", "[]",
             "expect[0].inOrder: expected at least 2 route ids, got 0 (count the calls of one "
             "route with \"times\" or \"atLeast\")");
    fails_at("{'routes': [{'id': 'a'}, {'id': 'b'}], 'expect': [{'inOrder': ['a', 2]}]}", "2]",
             "expect[0].inOrder[1]: expected a route id, got 2");
    fails_at("{'routes': [{'id': 'login'}, {'id': 'charge'}], "
             "'expect': [{'inOrder': ['login', 'chrage']}]}",
             "'chrage'",
             "expect[0].inOrder[1]: no route has id \"chrage\"; did you mean \"charge\"?");
    fails_at("{'routes': [{'id': 'a'}, {'id': 'b'}], "
             "'expect': [{'inOrder': ['a', 'b'], 'strict': 'yes'}]}",
             "'yes'", "expect[0].strict: expected true or false, got \"yes\"");
    fails_at("{'routes': [{'id': 'a'}, {'id': 'b'}], "
             "'expect': [{'route': 'a', 'inOrder': ['a', 'b']}]}",
             "'a', 'inOrder'",
             "expect[0].route: an \"inOrder\" expectation takes the calls of the routes it lists; "
             "\"route\" does not apply");
    fails_at("{'routes': [{'id': 'a'}], 'expect': [{'route': 'a', 'strict': true}]}", "true",
             "expect[0].strict: \"strict\" applies to \"inOrder\" only (a service is made strict "
             "with \"strict\": true in the service)");
}
END_TEST

START_TEST(test_bad_check_combinations)
{
    fails_at("{'routes': [{'id': 'a'}, {'id': 'b'}], "
             "'expect': [{'inOrder': ['a', 'b'], 'times': 1}]}",
             "1}",
             "expect[0].times: \"times\" cannot be combined with \"inOrder\": give each check an "
             "expectation of its own");
    fails_at("{'routes': [{'id': 'a'}], "
             "'expect': [{'route': 'a', 'minIntervalMs': 10, 'withinMs': 20}]}",
             "20",
             "expect[0].withinMs: \"withinMs\" cannot be combined with \"minIntervalMs\": give "
             "each check an expectation of its own");
    fails_at("{'routes': [{'id': 'a'}], "
             "'expect': [{'route': 'a', 'atMost': 2, 'every': {'method': 'GET'}}]}",
             "{'method'",
             "expect[0].every: \"every\" cannot be combined with \"atMost\": give "
             "each check an expectation of its own");
    /* counts combine among themselves */
    mr_scenario_free(
        ok("{'routes': [{'id': 'a'}], 'expect': [{'route': 'a', 'atLeast': 1, 'atMost': 2}]}"));
}
END_TEST

START_TEST(test_bad_every)
{
    fails_at("{'routes': [{'id': 'a'}], 'expect': [{'route': 'a', 'every': {}}]}", "{}",
             "expect[0].every: expected at least one condition (\"method\", \"path\", "
             "\"pathPattern\", \"query\", \"headers\" or \"body\")");
    fails_at("{'routes': [{'id': 'a'}], "
             "'expect': [{'route': 'a', 'every': {'method': 'ANY', 'headers': {}}}]}",
             "{'method'",
             "expect[0].every: expected at least one condition (\"method\", \"path\", "
             "\"pathPattern\", \"query\", \"headers\" or \"body\"): these hold for any call");
    fails_at("{'routes': [{'id': 'a'}], 'expect': [{'route': 'a', 'every': true}]}", "true",
             "expect[0].every: expected an object, got true");
    fails_at("{'routes': [{'id': 'a'}], "
             "'expect': [{'route': 'a', 'every': {'header': {'K': 'v'}}}]}",
             "'header'", "expect[0].every.header: unknown key; did you mean \"headers\"?");
    fails_at("{'routes': [{'id': 'a'}], 'expect': [{'every': {'method': 'GET'}}]}", "{'every'",
             "expect[0]: an expectation needs \"route\", \"request\" or both");
}
END_TEST

START_TEST(test_bad_timing)
{
    fails_at("{'routes': [{'id': 'a'}], 'expect': [{'route': 'a', 'minIntervalMs': -900}]}", "-900",
             "expect[0].minIntervalMs: expected an integer from 1 to 604800000, got -900");
    fails_at("{'routes': [{'id': 'a'}], 'expect': [{'route': 'a', 'withinMs': 0}]}", "0}",
             "expect[0].withinMs: expected an integer from 1 to 604800000, got 0");
    fails_at("{'routes': [{'id': 'a'}], 'expect': [{'route': 'a', 'withinMs': 2.5}]}", "2.5",
             "expect[0].withinMs: expected an integer from 1 to 604800000, got 2.5");
    fails_at("{'routes': [{'id': 'a'}], 'expect': [{'route': 'a', 'withinMs': '5s'}]}", "'5s'",
             "expect[0].withinMs: expected an integer from 1 to 604800000, got \"5s\"");
    fails_at("{'routes': [{'id': 'a'}], 'expect': [{'route': 'b', 'minIntervalMs': 5}]}", "'b'",
             "expect[0].route: no route has id \"b\"");
}
END_TEST

START_TEST(test_bad_strict_and_route_expect)
{
    fails_at("{'services': {'s': {'strict': 1, 'routes': []}}}", "1,",
             "services.s.strict: expected true or false, got 1");
    fails_at("{'routes': [{'id': 'a', 'expect': {'every': {'method': 'GET'}}}]}", "{'method'",
             "routes[0].expect.every: a route's \"expect\" only counts calls; put \"every\" in the "
             "top-level \"expect\" list, with \"route\": \"a\"");
    fails_at("{'routes': [{'id': 'a', 'expect': {'withinMs': 5}}]}", "5}",
             "routes[0].expect.withinMs: a route's \"expect\" only counts calls; put \"withinMs\" "
             "in the top-level \"expect\" list, with \"route\": \"a\"");
    fails_at("{'routes': [{'id': 'a', 'expect': {'strict': true}}]}", "'strict'",
             "routes[0].expect.strict: unknown key");
}
END_TEST

/* XML body conditions: compiled and checked at load time. */
START_TEST(xml_conditions)
{
    struct mr_scenario *sc = ok(
        "{'routes': [{'request': {'body': {'xpath': {'//m:Item': 'Apple', 'count(//m:Item)': 1,"
        "  'boolean(/a)': true}, 'namespaces': {'m': 'urn:prices'}}}},"
        " {'request': {'body': {'xmlEquals': '<a x=\\\"1\\\"><b/></a>', 'ignore': ['/a/@x']}}}]}");
    const struct mr_body_cond *b = sc->routes[0].match.body;

    ck_assert_int_eq(b->op, MR_BODY_XPATH);
    ck_assert_uint_eq(b->nxpaths, 3);
    ck_assert_str_eq(b->xpaths[1].cond.text, "1"); /* a number compares as its text */
    ck_assert_str_eq(b->xpaths[2].cond.text, "true");
    ck_assert_uint_eq(b->nnamespaces, 1);
    b = sc->routes[1].match.body;
    ck_assert_int_eq(b->op, MR_BODY_XML_EQUALS);
    ck_assert_ptr_nonnull(b->xml);
    ck_assert_uint_eq(b->nignore, 1);
    mr_scenario_free(sc);

    fails_at(
        "{'routes': [{'request': {'body': {'xpath': {'/a[': 'x'}}}}]}", "'/a['",
        "routes[0].request.body.xpath[\"/a[\"]: not a valid XPath expression: invalid expression");
    fails_at("{'routes': [{'request': {'body': {'xpath': {'//m:a': 'x'}}}}]}", "'//m:a'",
             "routes[0].request.body.xpath[\"//m:a\"]: not a valid XPath expression: undefined "
             "namespace prefix");
    fails_at("{'routes': [{'request': {'body': {'xmlEquals': '<a><b></a>'}}}]}", "'<a><b></a>'",
             "routes[0].request.body.xmlEquals: not well-formed XML: line 1, column 11: Premature "
             "end of data in tag a line 1");
    fails_at("{'routes': [{'request': {'body': {'xmlEquals': '<a/>', 'ignore': ['/a[']}}}]}",
             "'/a['",
             "routes[0].request.body.ignore[0]: not a valid XPath expression: invalid "
             "expression");
    fails_at("{'routes': [{'request': {'body': {'equals': 'x', 'ignore': []}}}]}", "[]",
             "routes[0].request.body.ignore: applies to \"xmlEquals\" only");
    fails_at("{'routes': [{'request': {'body': {'xpath': {}}}}]}", "{}}}",
             "routes[0].request.body.xpath: needs at least one XPath expression");
}
END_TEST

/* XMLUnit's placeholders: each one compiled at load, errors at the document. */
START_TEST(xml_placeholders)
{
    struct mr_scenario *sc =
        ok("{'routes': [{'request': {'body': {'xmlEquals': '<a x=\\\"${xmlunit.ignore}\\\">"
           "<n> ${xmlunit.isNumber} </n><m>${xmlunit.isNumber}</m><s>${xmlunit.nope}</s>"
           "<d>${ xmlunit.isDateTime(dd.MM.yyyy) }</d><r>${xmlunit.matchesRegex}</r></a>',"
           " 'placeholders': true}}},"
           " {'request': {'body': {'xmlEquals': '<a>[[xmlunit.ignore]]</a>',"
           "  'placeholders': {'open': '\\\\[\\\\[', 'close': ']]'}}}},"
           " {'request': {'body': {'xmlEquals': '<a>${xmlunit.ignore}</a>', 'placeholders': "
           "false}}}]}");
    const struct mr_body_cond *b = sc->routes[0].match.body;

    /* one per value (sorted), an unknown keyword is text */
    ck_assert_uint_eq(b->nplaceholders, 4);
    ck_assert_str_eq(b->placeholders[0].value, "${ xmlunit.isDateTime(dd.MM.yyyy) }");
    ck_assert_str_eq(b->placeholders[1].value, "${xmlunit.ignore}");
    ck_assert(b->placeholders[1].any);
    ck_assert_str_eq(b->placeholders[2].value, "${xmlunit.isNumber}");
    ck_assert_ptr_nonnull(b->placeholders[2].re);
    ck_assert_str_eq(b->placeholders[3].value, "${xmlunit.matchesRegex}");
    ck_assert(!b->placeholders[3].any && !b->placeholders[3].re); /* nothing passes */
    ck_assert_ptr_null(mr_body_placeholder(b, "${xmlunit.nope}"));
    ck_assert_ptr_eq(mr_body_placeholder(b, "${xmlunit.ignore}"), &b->placeholders[1]);
    b = sc->routes[1].match.body;
    ck_assert_uint_eq(b->nplaceholders, 1);
    ck_assert(b->placeholders[0].any);
    ck_assert_uint_eq(sc->routes[2].match.body->nplaceholders, 0);
    mr_scenario_free(sc);

    fails_at("{'routes': [{'request': {'body': {'equals': 'x', 'placeholders': true}}}]}", "true",
             "routes[0].request.body.placeholders: applies to \"xmlEquals\" only");
    fails_at("{'routes': [{'request': {'body': {'xmlEquals': '<a/>', 'placeholders': 'yes'}}}]}",
             "'yes'",
             "routes[0].request.body.placeholders: expected true, false or {\"open\": regex, "
             "\"close\": regex}, got \"yes\"");
    fails_at("{'routes': [{'request': {'body': {'xmlEquals': '<a/>',"
             " 'placeholders': {'open': '(', 'close': 'x'}}}}]}",
             "'('",
             "routes[0].request.body.placeholders.open: invalid regular expression at offset 1: "
             "missing closing parenthesis");
    fails_at("{'routes': [{'request': {'body': {'xmlEquals': '<a/>',"
             " 'placeholders': {'opn': 'x'}}}}]}",
             "'opn'",
             "routes[0].request.body.placeholders.opn: unknown key; did you mean \"open\"?");
    fails_at("{'routes': [{'request': {'body': {'xmlEquals': '<a>x ${xmlunit.ignore}</a>',"
             " 'placeholders': true}}}]}",
             "'<a>",
             "routes[0].request.body.xmlEquals: the placeholder \"${xmlunit.ignore}\" must be "
             "the whole value, not part of \"x ${xmlunit.ignore}\"");
    fails_at("{'routes': [{'request': {'body': {'xmlEquals': '<a>${xmlunit.matchesRegex([)}</a>',"
             " 'placeholders': true}}}]}",
             "'<a>",
             "routes[0].request.body.xmlEquals: placeholder \"${xmlunit.matchesRegex([)}\": "
             "invalid regular expression at offset 1: missing terminating ] for character class");
    /* XMLUnit splits the arguments at commas, a regex's too */
    fails_at("{'routes': [{'request': {'body': {'xmlEquals':"
             " '<a>${xmlunit.matchesRegex([a,b])}</a>', 'placeholders': true}}}]}",
             "'<a>",
             "routes[0].request.body.xmlEquals: placeholder \"${xmlunit.matchesRegex([a,b])}\": "
             "invalid regular expression at offset 2: missing terminating ] for character class");
    fails_at("{'routes': [{'request': {'body': {'xmlEquals':"
             " '<a d=\\\"${xmlunit.isDateTime(EEE d MMM yyyy)}\\\"/>', 'placeholders': true}}}]}",
             "'<a",
             "routes[0].request.body.xmlEquals: placeholder \"${xmlunit.isDateTime(EEE d MMM "
             "yyyy)}\": the format \"EEE d MMM yyyy\" has the field \"EEE\", which is read as "
             "text (names, AM/PM, zones): mockrun reads numeric fields only");
}
END_TEST

/* ---- several files ------------------------------------------------------ */

static int parse_two(struct mr_scenario **out, const char *a, const char *b)
{
    struct mr_scenario_source src[2] = {{"auth.json", a, strlen(a)},
                                        {"checkout.json", b, strlen(b)}};
    memset(&errs, 0, sizeof(errs));
    return mr_scenario_parse(out, src, 2, NULL, &errs);
}

/* Two files make one scenario: services and routes in file order, each
 * knowing its file; expectations and templates reach across files; each file
 * keeps its name and `unexpected` policy; states are shared by name. */
START_TEST(several_files_merge)
{
    static const char a[] =
        "{\"name\": \"auth\", \"unexpected\": \"allow\",\n"
        " \"services\": {\"auth\": {\"routes\": [\n"
        "   {\"id\": \"login\", \"request\": {\"path\": \"/login\"}, \"setState\": \"in\"}]}},\n"
        " \"expect\": [{\"route\": \"login\", \"times\": 1}]}\n";
    static const char b[] = "{\"services\": {\"api\": {\"routes\": [\n"
                            "   {\"id\": \"charge\", \"whenState\": \"Started\",\n"
                            "    \"response\": {\"body\": \"{{serviceUrl 'auth'}}\"}, \"expect\": "
                            "{\"atLeast\": 1}}]}},\n"
                            " \"expect\": [{\"inOrder\": [\"login\", \"charge\"]}], \"seed\": 7}\n";
    struct mr_scenario *sc = NULL;

    ck_assert_int_eq(parse_two(&sc, a, b), 0);
    ck_assert_uint_eq(sc->nfiles, 2);
    ck_assert_str_eq(sc->files[0].name, "auth");
    ck_assert_str_eq(sc->files[1].name, "checkout.json"); /* no name: the path */
    ck_assert(!sc->files[0].unexpected_fail);
    ck_assert(sc->files[1].unexpected_fail);
    ck_assert_uint_eq(sc->nservices, 2);
    ck_assert_str_eq(sc->services[1].name, "api");
    ck_assert_uint_eq(sc->services[0].source, 0);
    ck_assert_uint_eq(sc->services[1].source, 1);
    ck_assert_uint_eq(sc->services[1].first_route, 1);
    ck_assert_str_eq(sc->routes[1].file, "checkout.json");
    ck_assert_int_eq(sc->routes[1].line, 2);
    ck_assert(sc->routes[1].response.templated);
    ck_assert_ptr_eq(sc->routes[1].when_state, sc->state_names[0]); /* "Started", interned once */
    ck_assert_uint_eq(sc->nexpects, 3);
    ck_assert_uint_eq(sc->expects[0].source, 0);
    ck_assert_int_eq(sc->expects[0].route, 0);
    ck_assert_uint_eq(sc->expects[1].source, 1);
    ck_assert_int_eq(sc->expects[1].kind, MR_EXPECT_ORDER);
    ck_assert_int_eq(sc->expects[1].order[0], 0); /* another file's route */
    ck_assert_int_eq(sc->expects[1].order[1], 1);
    ck_assert_uint_eq(sc->expects[2].source, 1); /* a route's own, in its file */
    ck_assert_str_eq(sc->expects[2].file, "checkout.json");
    ck_assert(sc->has_seed);
    ck_assert_uint_eq(sc->seed, 7);
    mr_scenario_free(sc);
}
END_TEST

/* What two files may not both have is named in the later file, with the
 * earlier one: a service, a route id, `command`, different seeds. */
START_TEST(several_files_clashes)
{
    static const char a[] = "{\"seed\": 1, \"command\": {\"run\": [\"true\"]},\n"
                            " \"services\": {\"api\": {\"routes\": [{\"id\": \"x\"}]},\n"
                            "              \"other\": {\"routes\": []}}}\n";
    static const char b[] = "{\"seed\": 2, \"command\": {\"run\": [\"true\"]},\n"
                            " \"services\": {\"api\": {\"routes\": []},\n"
                            "              \"more\": {\"routes\": [{\"id\": \"x\"}]}}}\n";
    struct mr_scenario *sc = NULL;
    char want[600];
    size_t n;

    ck_assert_int_eq(parse_two(&sc, a, b), MR_ESCENARIO);
    ck_assert_ptr_null(sc);
    ck_assert_uint_eq(errs.count, 4);
    where(want, sizeof(want), "checkout.json", b, "2,", 0);
    n = strlen(want);
    snprintf(want + n, sizeof(want) - n,
             "seed: another file of this run gives seed 1; give one seed (or --seed)");
    ck_assert_str_eq(fmt(0), want);
    where(want, sizeof(want), "checkout.json", b, "\"api\"", 0);
    n = strlen(want);
    snprintf(want + n, sizeof(want) - n,
             "services.api: service \"api\" is also defined in auth.json");
    ck_assert_str_eq(fmt(1), want);
    where(want, sizeof(want), "checkout.json", b, "\"x\"", 0);
    n = strlen(want);
    snprintf(want + n, sizeof(want) - n,
             "services.more.routes[0].id: duplicate route id \"x\" (first used at auth.json: "
             "services.api.routes[0])");
    ck_assert_str_eq(fmt(2), want);
    where(want, sizeof(want), "checkout.json", b, "\"command\"", 0);
    n = strlen(want);
    snprintf(want + n, sizeof(want) - n,
             "command: another file of this run has \"command\" too; give it in one file (or on "
             "the command line, after \"--\")");
    ck_assert_str_eq(fmt(3), want);

    /* a top-level "routes" is the service "default": in two files, a clash too */
    ck_assert_int_eq(parse_two(&sc, "{\"routes\": []}", "{\"routes\": []}"), MR_ESCENARIO);
    ck_assert_uint_eq(errs.count, 1);
    ck_assert_str_eq(fmt(0), "checkout.json:1:12: routes: a top-level \"routes\" makes the service "
                             "\"default\", which auth.json defines too; name the services "
                             "(\"services\")");

    /* a file that does not parse is reported; the other is still checked */
    ck_assert_int_eq(parse_two(&sc, "{", "{\"services\": {\"a\": {\"routes\": 1}}}"), MR_ESCENARIO);
    ck_assert_uint_eq(errs.count, 2);
    ck_assert(strncmp(fmt(0), "auth.json:", 10) == 0);
    ck_assert(strncmp(fmt(1), "checkout.json:1:", 16) == 0);
}
END_TEST

/* Each file's `file` responses are read beneath its own folder. */
START_TEST(several_files_folders)
{
    static const char sa[] = "{\"services\": {\"a\": {\"routes\": [{\"response\": "
                             "{\"file\": \"{{urlParam 'f'}}.txt\"}}]}}}";
    static const char sb[] = "{\"services\": {\"b\": {\"routes\": [{\"response\": "
                             "{\"file\": \"body.txt\"}}]}}}";
    struct mr_tmpdir d;
    const char *paths[2];
    char pa[300], pb[300];
    struct mr_scenario *sc = NULL;
    const char *why;
    int fd = -1;
    char c = 0;

    mr_tmpdir_make(&d, "two-folders");
    ck_assert_int_eq(mkdir(mr_tmpdir_join(&d, "a", pa, sizeof(pa)), 0700), 0);
    ck_assert_int_eq(mkdir(mr_tmpdir_join(&d, "b", pb, sizeof(pb)), 0700), 0);
    mr_tmpdir_write(&d, "a/body.txt", "A", 1);
    mr_tmpdir_write(&d, "b/body.txt", "B", 1);
    mr_tmpdir_write(&d, "a/s.json", sa, strlen(sa));
    mr_tmpdir_write(&d, "b/s.json", sb, strlen(sb));
    paths[0] = mr_tmpdir_join(&d, "a/s.json", pa, sizeof(pa));
    paths[1] = mr_tmpdir_join(&d, "b/s.json", pb, sizeof(pb));
    memset(&errs, 0, sizeof(errs));
    ck_assert_msg(mr_scenario_load(&sc, paths, 2, &errs) == 0, "%s",
                  errs.count ? fmt(0) : "no message");
    ck_assert(strstr(sc->routes[1].response.file, "/b/body.txt") != NULL);
    ck_assert_int_ge(sc->files[0].dir_fd, 0);
    ck_assert_int_lt(sc->files[1].dir_fd, 0); /* opened only where a templated path needs it */
    ck_assert_int_eq(mr_scenario_open_file(&sc->files[0], "body.txt", 8, &fd, &why),
                     MR_FILE_OPENED);
    ck_assert_int_eq(read(fd, &c, 1), 1);
    ck_assert_int_eq(c, 'A');
    close(fd);
    mr_scenario_free(sc);
    mr_tmpdir_remove(&d);
}
END_TEST

/* A stand-in for runner/'s importer: "mockoon" files become a fixed service
 * (with a `file` response, read beneath the imported file's folder), a name
 * ending in "bad.json" fails. */
static int fake_convert(void *arg, const char *kind, const char *path, char **json,
                        struct mr_error *err)
{
    static const char service[] =
        "{\"services\": {\"converted\": {\"cors\": true,\n"
        "  \"callbacks\": [{\"id\": \"self\", \"service\": \"converted\", \"url\": \"/users\"}],\n"
        "  \"routes\": [\n"
        "  {\"id\": \"uuid-1\", \"request\": {\"method\": \"GET\", \"path\": \"/users\"},\n"
        "   \"response\": {\"file\": \"users.json\", \"callbacks\": [{\"callback\": \"self\"}]}},\n"
        "  {\"id\": \"uuid-2\", \"request\": {\"method\": \"POST\", \"path\": \"/users\"}}]}}}\n";
    size_t len = strlen(path);

    (void)arg;
    ck_assert_str_eq(kind, "mockoon");
    if (len >= 8 && strcmp(path + len - 8, "bad.json") == 0)
        return mr_error_set(err, MR_ESCENARIO, "not a Mockoon environment");
    *json = strdup(service);
    return *json ? 0 : MR_ENOMEM;
}

/* A service takes its routes from an imported file: the file is an entry of
 * its own (its folder for `file` responses), owned by the scenario that
 * imports it; the scenario's own keys stay (port, strict) and its
 * expectations name the imported routes. */
START_TEST(import_service)
{
    static const char text[] =
        "{\"services\": {\"api\": {\"mockoon\": \"mocks/env.json\", \"port\": 9999},\n"
        "              \"own\": {\"routes\": [{\"id\": \"mine\"}]}},\n"
        " \"expect\": [{\"route\": \"uuid-2\", \"times\": 1}]}\n";
    struct mr_scenario_importer imp = {fake_convert, NULL};
    struct mr_scenario_source src;
    struct mr_scenario *sc = NULL;
    struct mr_tmpdir d;
    char dir[300], path[300];

    mr_tmpdir_make(&d, "import");
    ck_assert_int_eq(mkdir(mr_tmpdir_join(&d, "mocks", dir, sizeof(dir)), 0700), 0);
    mr_tmpdir_write(&d, "mocks/users.json", "[]", 2);
    mr_tmpdir_join(&d, "s.json", path, sizeof(path));
    src.path = path;
    src.text = text;
    src.len = strlen(text);
    memset(&errs, 0, sizeof(errs));
    ck_assert_msg(mr_scenario_parse(&sc, &src, 1, &imp, &errs) == 0, "%s",
                  errs.count ? fmt(0) : "no message");
    ck_assert_uint_eq(sc->nfiles, 2);
    ck_assert_int_eq(sc->files[0].parent, -1);
    ck_assert_int_eq(sc->files[1].parent, 0);
    ck_assert(strstr(sc->files[1].path, "/mocks/env.json") != NULL);
    ck_assert(strstr(sc->files[1].dir, "/mocks") != NULL);
    ck_assert_uint_eq(sc->nservices, 2);
    ck_assert_str_eq(sc->services[0].name, "api");
    ck_assert_int_eq(sc->services[0].port, 9999);
    ck_assert(sc->services[0].cors);
    ck_assert_uint_eq(sc->services[0].source, 1);
    ck_assert_uint_eq(mr_scenario_owner(sc, 0), 0);
    ck_assert_uint_eq(sc->services[1].source, 0);
    ck_assert_uint_eq(sc->services[0].nroutes, 2);
    ck_assert_str_eq(sc->routes[0].id, "uuid-1");
    ck_assert(strstr(sc->routes[0].response.file, "/mocks/users.json") != NULL);
    ck_assert_str_eq(sc->routes[0].file, sc->files[1].path);
    ck_assert_int_eq(sc->routes[0].line, 0); /* converted text: no line in the original */
    ck_assert_uint_eq(sc->nexpects, 1);
    ck_assert_int_eq(sc->expects[0].route, 1);
    /* a callback to the converted service's own name goes to the service importing it */
    ck_assert_uint_eq(sc->ncallbacks, 1);
    ck_assert_int_eq(sc->callbacks[0].service, 0);
    ck_assert_uint_eq(sc->callbacks[0].source, 1);
    mr_scenario_free(sc);

    /* what cannot be imported is named at the service's key */
    {
        static const char bad[] =
            "{\"services\": {\"api\": {\"mockoon\": \"bad.json\", \"routes\": []},\n"
            "              \"b\": {\"mockoon\": 3}}}\n";
        src.text = bad;
        src.len = strlen(bad);
        memset(&errs, 0, sizeof(errs));
        ck_assert_int_eq(mr_scenario_parse(&sc, &src, 1, &imp, &errs), MR_ESCENARIO);
        ck_assert_uint_eq(errs.count, 2);
        ck_assert(strstr(fmt(0), ":1:34: services.api.mockoon: not a Mockoon environment") != NULL);
        ck_assert(strstr(fmt(1), "services.b.mockoon: expected the path of a Mockoon environment, "
                                 "relative to this file's folder") != NULL);
        /* without an importer (mr_scenario_load), a refusal, not a crash */
        src.text = text;
        src.len = strlen(text);
        memset(&errs, 0, sizeof(errs));
        ck_assert_int_eq(mr_scenario_parse(&sc, &src, 1, NULL, &errs), MR_ESCENARIO);
        ck_assert(strstr(fmt(0), "services.api.mockoon: importing a foreign file is not possible "
                                 "here") != NULL);
    }
    mr_tmpdir_remove(&d);
}
END_TEST

/* ---- snapshot and scope ------------------------------------------------- */

/* `snapshot`: masks split into steps (NULL for a wildcard); several files'
 * lists joined, each name once; `ordered` from the file that gives it. */
START_TEST(snapshot_settings)
{
    static const char a[] =
        "{\"snapshot\": {\"ignore\": [\"$.timestamp\", \"$.items[*].id\", \"meta.*\"],\n"
        "  \"headers\": [\"Idempotency-Key\"], \"ordered\": true},\n"
        " \"services\": {\"auth\": {\"routes\": []}}}\n";
    static const char b[] = "{\"snapshot\": {\"ignore\": [\"$.timestamp\"], \"headers\": "
                            "[\"idempotency-key\", \"X-Tenant\"],\n"
                            "  \"ignoreHeaders\": [\"X-Request-Id\"]},\n"
                            " \"services\": {\"api\": {\"routes\": []}}}\n";
    struct mr_scenario *sc = NULL;
    const struct mr_snapshot_settings *set;

    ck_assert_int_eq(parse_two(&sc, a, b), 0);
    set = &sc->snapshot;
    ck_assert(set->given);
    ck_assert(set->ordered && set->has_ordered);
    ck_assert_uint_eq(set->nignore, 3);
    ck_assert_str_eq(set->ignore[1].path, "$.items[*].id");
    ck_assert_uint_eq(set->ignore[1].nsteps, 3);
    ck_assert_str_eq(set->ignore[1].steps[0], "items");
    ck_assert_ptr_null(set->ignore[1].steps[1]);
    ck_assert_str_eq(set->ignore[1].steps[2], "id");
    ck_assert_ptr_null(set->ignore[2].steps[1]); /* object-path: meta.* */
    ck_assert_uint_eq(set->nheaders, 2);
    ck_assert_str_eq(set->headers[0], "Idempotency-Key");
    ck_assert_str_eq(set->headers[1], "X-Tenant");
    ck_assert_uint_eq(set->nignore_headers, 1);
    mr_scenario_free(sc);

    /* none given: nothing set, unordered */
    sc = ok("{'routes': []}");
    ck_assert(!sc->snapshot.given && !sc->snapshot.ordered && !sc->snapshot.nignore);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(snapshot_errors)
{
    static const char a[] = "{\"snapshot\": {\"ordered\": true}, \"routes\": []}";
    static const char b[] =
        "{\"snapshot\": {\"ordered\": false}, \"services\": {\"x\": {\"routes\": []}}}";
    struct mr_scenario *sc = NULL;
    char want[600];
    size_t n;

    fails_at("{'snapshot': {'ignore': ['$.a[x]']}, 'routes': []}", "'$.a[x]'",
             "snapshot.ignore[0]: only [n], ['name'] and [*] are supported inside brackets "
             "(write paths as $.a.b, $['a b'], $.items[*].id)");
    fails_at("{'snapshot': {'headers': ['Bad Name']}, 'routes': []}", "'Bad Name'",
             "snapshot.headers[0]: invalid header name: use letters, digits and "
             "!#$%&'*+-.^_`|~ (no spaces, no \":\")");
    fails_at("{'snapshot': {'ignore': '$.a'}, 'routes': []}", "'$.a'",
             "snapshot.ignore: expected an array of strings, got \"$.a\"");
    fails_at("{'snapshot': {'ordered': 'yes'}, 'routes': []}", "'yes'",
             "snapshot.ordered: expected true or false, got \"yes\"");
    fails_at("{'snapshot': {'order': true}, 'routes': []}", "'order'",
             "snapshot.order: unknown key; did you mean \"ordered\"?");
    fails_at("{'snapshot': [], 'routes': []}", "[]",
             "snapshot: expected an object with \"ignore\", \"headers\", \"ignoreHeaders\" or "
             "\"ordered\", got an array");

    ck_assert_int_eq(parse_two(&sc, a, b), MR_ESCENARIO);
    ck_assert_uint_eq(errs.count, 1);
    where(want, sizeof(want), "checkout.json", b, "false", 0);
    n = strlen(want);
    snprintf(want + n, sizeof(want) - n,
             "snapshot.ordered: another file of this run gives \"ordered\": true; the run has one "
             "snapshot: give the same value, or give it in one file");
    ck_assert_str_eq(fmt(0), want);
}
END_TEST

/* "scope": "suite" marks counts (top-level and a route's own); other checks refuse it */
START_TEST(expect_scope)
{
    struct mr_scenario *sc = ok("{'routes': [{'id': 'a', 'expect': {'times': 10, 'scope': "
                                "'suite'}}],\n"
                                " 'expect': [{'route': 'a', 'atLeast': 1, 'scope': 'run'},\n"
                                "            {'route': 'a', 'atMost': 20, 'scope': 'suite'}]}");

    ck_assert_uint_eq(sc->nexpects, 3);
    ck_assert(!sc->expects[0].suite_scope);
    ck_assert(sc->expects[1].suite_scope);
    ck_assert_str_eq(sc->expects[1].name, "a is called at most 20 times in the whole suite");
    ck_assert(sc->expects[2].suite_scope); /* the route's own */
    ck_assert_str_eq(sc->expects[2].name, "a is called exactly 10 times in the whole suite");
    mr_scenario_free(sc);

    fails_at("{'routes': [{'id': 'a'}], 'expect': [{'route': 'a', 'scope': 'shard'}]}", "'shard'",
             "expect[0].scope: expected \"run\" or \"suite\", got \"shard\"");
    fails_at("{'routes': [{'id': 'a'}, {'id': 'b'}], 'expect': [{'inOrder': ['a', 'b'], "
             "'scope': 'suite'}]}",
             "'suite'",
             "expect[0].scope: \"scope\": \"suite\" applies to counts (times, atLeast, atMost) "
             "only; other checks hold in each run");
}
END_TEST

/* --- callbacks ---------------------------------------------------------- */

START_TEST(callbacks_loaded)
{
    struct mr_scenario *sc =
        ok("{'allowHosts': ['Hooks.Example.Test', '10.0.0.5'],\n"
           " 'services': {\n"
           "  'payments': {\n"
           "   'callbacks': [\n"
           "    {'id': 'charge-succeeded', 'delayMs': 200, 'url': '{{body \\'callbackUrl\\'}}',\n"
           "     'headers': {'Stripe-Signature': 't={{now \\'X\\'}},v1=x'},\n"
           "     'json': {'type': 'charge.succeeded', 'data': {'id': '{{body \\'id\\'}}'}},\n"
           "     'retry': {'times': 3, 'backoffMs': 500}, 'timeoutMs': 800}],\n"
           "   'routes': [\n"
           "    {'id': 'create-charge', 'request': {'method': 'POST', 'path': '/v1/charges'},\n"
           "     'response': {'status': 201, 'callbacks': [\n"
           "       {'callback': 'charge-succeeded'},\n"
           "       {'callback': 'charge-succeeded', 'delayMs': 0},\n"
           "       {'url': '/ledger', 'service': 'billing', 'method': 'put', 'body': 'x'},\n"
           "       {'url': 'http://hooks.example.test:8080/x', 'template': false}]}},\n"
           "    {'id': 'plain', 'response': {'callbacks': []}}]},\n"
           "  'billing': {'routes': [{'id': 'ledger', 'request': {'path': '/ledger'}}]}},\n"
           " 'expect': [\n"
           "  {'callback': 'charge-succeeded', 'times': 1, 'status': 200},\n"
           "  {'callback': 'create-charge callback 1', 'atMost': 2},\n"
           "  {'callback': 'create-charge callback 2', 'times': 0},\n"
           "  {'callback': 'charge-succeeded', 'times': 0, 'status': 500}]}");
    const struct mr_callback *cb;
    const struct mr_response *r;

    ck_assert_uint_eq(sc->ncallbacks, 3);
    ck_assert_uint_eq(sc->files[0].nallow_hosts, 2);
    ck_assert_str_eq(sc->files[0].allow_hosts[0], "Hooks.Example.Test");
    cb = &sc->callbacks[0];
    ck_assert_str_eq(cb->id, "charge-succeeded");
    ck_assert(cb->has_id && cb->shared && cb->templated);
    ck_assert_str_eq(cb->method, "POST");
    ck_assert_ptr_nonnull(cb->url_tpl);
    ck_assert_int_eq(cb->service, -1);
    ck_assert_int_eq(cb->delay_ms, 200);
    ck_assert_int_eq(cb->timeout_ms, 800);
    ck_assert_int_eq(cb->retries, 3);
    ck_assert_int_eq(cb->backoff_ms, 500);
    ck_assert_int_eq(cb->request.kind, MR_RESP_JSON);
    ck_assert_str_eq(cb->request.content_type, "application/json");
    ck_assert_uint_eq(cb->request.njson_parts, 3);
    ck_assert_ptr_nonnull(cb->request.header_tpls);
    ck_assert_str_eq(cb->json_path, "services.payments.callbacks[0]");
    ck_assert_int_eq(cb->line, 5);
    ck_assert_ptr_eq(mr_scenario_callback_owner(sc, cb), &sc->files[0]);

    cb = &sc->callbacks[1];
    ck_assert_str_eq(cb->id, "create-charge callback 1");
    ck_assert(!cb->has_id && !cb->shared && !cb->templated);
    ck_assert_str_eq(cb->method, "PUT");
    ck_assert_int_eq(cb->service, 1);
    ck_assert_str_eq(cb->url, "/ledger");
    ck_assert_int_eq(cb->timeout_ms, MR_CALLBACK_TIMEOUT_DEFAULT_MS);
    ck_assert_int_eq(cb->retries, 0);
    ck_assert_int_eq(cb->request.kind, MR_RESP_BODY);
    ck_assert_str_eq(cb->json_path, "services.payments.routes[0].response.callbacks[2]");
    cb = &sc->callbacks[2];
    ck_assert_str_eq(cb->id, "create-charge callback 2");
    ck_assert_ptr_null(cb->url_tpl);
    /* no body: still a well-formed request model (fuzz_scenario, callback-without-body) */
    ck_assert_int_eq(cb->request.kind, MR_RESP_EMPTY);
    ck_assert_int_eq(cb->request.status, 200);

    r = &sc->routes[0].response;
    ck_assert_uint_eq(r->ncallbacks, 4);
    ck_assert_uint_eq(r->callbacks[0].callback, 0);
    ck_assert_int_eq(r->callbacks[0].delay_ms, 200);
    ck_assert_uint_eq(r->callbacks[1].callback, 0);
    ck_assert_int_eq(r->callbacks[1].delay_ms, 0);
    ck_assert_uint_eq(r->callbacks[2].callback, 1);
    ck_assert_uint_eq(r->callbacks[3].callback, 2);
    ck_assert(sc->routes[0].uses_params); /* a callback's template reads the request */
    ck_assert_uint_eq(sc->routes[1].response.ncallbacks, 0);

    ck_assert_int_eq(sc->expects[0].kind, MR_EXPECT_CALLBACK);
    ck_assert_int_eq(sc->expects[0].callback, 0);
    ck_assert_int_eq(sc->expects[0].status, 200);
    ck_assert_int_eq(sc->expects[0].count.times, 1);
    ck_assert_str_eq(sc->expects[0].name,
                     "charge-succeeded is delivered exactly 1 time, answered 200");
    ck_assert_str_eq(sc->expects[1].name, "create-charge callback 1 is delivered at most 2 times");
    ck_assert_str_eq(sc->expects[2].name, "create-charge callback 2 is never delivered");
    ck_assert_str_eq(sc->expects[3].name, "charge-succeeded is never answered 500");
    ck_assert_int_eq(sc->expects[1].route, -1);
    mr_scenario_free(sc);
}
END_TEST

/* `delayMs` of a callback and of a use: a number or a seeded range, as a response's */
START_TEST(callbacks_delay_ranges)
{
    struct mr_scenario *sc =
        ok("{'services': {'a': {\n"
           " 'callbacks': [{'id': 'ranged', 'url': 'http://localhost/', 'delayMs': {'min': 10,\n"
           "   'max': 90}}, {'id': 'fixed', 'url': 'http://localhost/', 'delayMs': 5}],\n"
           " 'routes': [{'id': 'r', 'response': {'callbacks': [\n"
           "   {'callback': 'ranged'}, {'callback': 'fixed', 'delayMs': {'min': 0, 'max': 7}},\n"
           "   {'callback': 'ranged', 'delayMs': 3},\n"
           "   {'url': 'http://localhost/own', 'delayMs': {'min': 4, 'max': 4}}]}}]}}}");
    const struct mr_response *r = &sc->routes[0].response;

    ck_assert_int_eq(sc->callbacks[0].delay_ms, 10);
    ck_assert_int_eq(sc->callbacks[0].delay_max_ms, 90);
    ck_assert_int_eq(sc->callbacks[1].delay_ms, 5);
    ck_assert_int_eq(sc->callbacks[1].delay_max_ms, 5);
    ck_assert_uint_eq(r->ncallbacks, 4);
    /* a use without delayMs takes the callback's range; with one, its own */
    ck_assert_int_eq(r->callbacks[0].delay_ms, 10);
    ck_assert_int_eq(r->callbacks[0].delay_max_ms, 90);
    ck_assert_int_eq(r->callbacks[1].delay_ms, 0);
    ck_assert_int_eq(r->callbacks[1].delay_max_ms, 7);
    ck_assert_int_eq(r->callbacks[2].delay_ms, 3);
    ck_assert_int_eq(r->callbacks[2].delay_max_ms, 3);
    ck_assert_int_eq(r->callbacks[3].delay_ms, 4);
    ck_assert_int_eq(r->callbacks[3].delay_max_ms, 4);
    mr_scenario_free(sc);

    fails_at("{'routes': [{'response': {'callbacks': [{'url': 'http://localhost/', "
             "'delayMs': {'min': 9, 'max': 2}}]}}]}",
             "{'min': 9",
             "routes[0].response.callbacks[0].delayMs: min (9) is greater than max (2)");
    fails_at("{'services': {'a': {'callbacks': [{'id': 'c', 'url': 'http://localhost/'}], "
             "'routes': [{'response': {'callbacks': [{'callback': 'c', 'delayMs': {'min': 1}}]}}]"
             "}}}",
             "{'min': 1}",
             "services.a.routes[0].response.callbacks[0].delayMs: expected both \"min\" and "
             "\"max\"");
    fails_at("{'routes': [{'response': {'callbacks': [{'url': 'http://localhost/', "
             "'delayMs': {'min': 1, 'max': 600001}}]}}]}",
             "600001",
             "routes[0].response.callbacks[0].delayMs.max: expected an integer from 0 to 600000, "
             "got 600001");
    fails_at("{'routes': [{'response': {'callbacks': [{'url': 'http://localhost/', "
             "'delayMs': {'min': 1, 'max': 2, 'mean': 1}}]}}]}",
             "'mean'", "routes[0].response.callbacks[0].delayMs.mean: unknown key");
}
END_TEST

START_TEST(callbacks_invalid)
{
    fails_at("{'services': {'a': {'callbacks': [{'url': 'http://127.0.0.1/'}], 'routes': []}}}",
             "{'url'",
             "services.a.callbacks[0]: a service's callback needs an \"id\" (responses send it "
             "with {\"callback\": \"<id>\"})");
    fails_at("{'routes': [{'response': {'callbacks': [{'url': 'http://10.0.0.1/hook'}]}}]}",
             "'http://10.0.0.1/hook'",
             "routes[0].response.callbacks[0].url: host 10.0.0.1 is not loopback and not in "
             "allowHosts: callbacks stay on this machine unless the top-level \"allowHosts\" "
             "names the host");
    fails_at("{'routes': [{'response': {'callbacks': [{'url': 'https://localhost/'}]}}]}",
             "'https:",
             "routes[0].response.callbacks[0].url: https is not supported: mockrun's client "
             "speaks plain HTTP only");
    fails_at("{'routes': [{'response': {'callbacks': [{'url': 'http://u@localhost/'}]}}]}",
             "'http:",
             "routes[0].response.callbacks[0].url: a URL with user information (user@host) is "
             "not allowed");
    fails_at("{'routes': [{'response': {'callbacks': [{'url': 'hook', 'service': 'default'}]}}]}",
             "'hook'",
             "routes[0].response.callbacks[0].url: with \"service\", \"url\" is a path on that "
             "service: a path on a service must start with \"/\"");
    fails_at("{'routes': [{'response': {'callbacks': [{'url': '/h', 'service': 'defalt'}]}}]}",
             "'defalt'",
             "routes[0].response.callbacks[0].service: no service is named \"defalt\"; did you "
             "mean \"default\"?");
    fails_at("{'routes': [{'response': {'callbacks': [{'method': 'POST'}]}}]}", "{'method'",
             "routes[0].response.callbacks[0]: missing \"url\": an http:// URL, or with "
             "\"service\" a path on it");
    fails_at("{'routes': [{'response': {'callbacks': [{'url': 'http://localhost/', 'retry': "
             "{'backoffMs': 5}}]}}]}",
             "{'backoffMs'",
             "routes[0].response.callbacks[0].retry: expected \"times\": the attempts after the "
             "first one");
    fails_at(
        "{'routes': [{'response': {'callbacks': [{'url': 'http://localhost/', 'retry': "
        "{'times': 101}}]}}]}",
        "101",
        "routes[0].response.callbacks[0].retry.times: expected an integer from 1 to 100, got 101");
    fails_at("{'routes': [{'response': {'callbacks': [{'url': 'http://localhost/', "
             "'jsn': {}}]}}]}",
             "'jsn'", "routes[0].response.callbacks[0].jsn: unknown key; did you mean \"json\"?");
    fails_at("{'routes': [{'response': {'callbacks': [{'url': 'http://localhost/{{bdy}}'}]}}]}",
             "bdy",
             "routes[0].response.callbacks[0].url: template: unknown helper \"bdy\" at "
             "1:20 (did you mean \"body\"?)");
    fails_at("{'routes': [{'response': {'callbacks': [{'callback': 'nope'}]}}]}", "'nope'",
             "routes[0].response.callbacks[0].callback: no callback has id \"nope\": define it "
             "in a service's \"callbacks\", or give the callback itself here");
    fails_at("{'services': {'a': {'callbacks': [{'id': 'paid', 'url': 'http://localhost/'}], "
             "'routes': [{'response': {'callbacks': [{'callback': 'payd'}]}}]}}}",
             "'payd'",
             "services.a.routes[0].response.callbacks[0].callback: no service's callback has id "
             "\"payd\"; did you mean \"paid\"?");
    fails_at("{'services': {'a': {'callbacks': [{'id': 'x', 'url': 'http://localhost/'}, "
             "{'id': 'x', 'url': 'http://localhost/'}], 'routes': []}}}",
             "'x', 'url': 'http://localhost/'}]", /* the second one's */
             "services.a.callbacks[1].id: duplicate callback id \"x\" (first used at "
             "services.a.callbacks[0])");
    fails_at("{'routes': [{'id': 'r', 'response': {'callbacks': [{'url': 'http://localhost/'}, "
             "{'id': 'r callback 1', 'url': 'http://localhost/'}]}}]}",
             "'r callback 1'",
             "routes[0].response.callbacks[1].id: callback id \"r callback 1\" is the name "
             "mockrun gives the callback without an id at routes[0].response.callbacks[0]; "
             "choose another id");
    fails_at("{'allowHosts': ['a b'], 'routes': []}", "'a b'",
             "allowHosts[0]: expected a host name or an IP address as a URL writes it "
             "(\"hooks.example.test\", \"10.0.0.5\", \"[fd00::1]\"), got \"a b\"");
    fails_at("{'routes': [{'id': 'r'}], 'expect': [{'callback': 'c'}]}", "'c'",
             "expect[0].callback: no callback has id \"c\"");
    fails_at("{'routes': [{'id': 'r', 'response': {'callbacks': [{'url': 'http://localhost/'}]}}], "
             "'expect': [{'callback': 'r callback 1', 'every': {'method': 'GET'}}]}",
             "{'method': 'GET'}}]",
             "expect[0].every: a callback expectation takes \"times\", \"atLeast\", \"atMost\" "
             "and \"status\"; \"every\" does not apply");
    fails_at("{'routes': [{'id': 'r'}], 'expect': [{'route': 'r', 'status': 200}]}", "200",
             "expect[0].status: \"status\" goes with \"callback\": the status the application "
             "answered a callback with");
    fails_at("{'routes': [{'id': 'r', 'response': {'callbacks': [{'url': 'http://localhost/'}]}}], "
             "'expect': [{'callback': 'r callback 1', 'status': 600}]}",
             "600", "expect[0].status: expected an integer from 100 to 599, got 600");
}
END_TEST

START_TEST(callbacks_allow_hosts_per_file)
{
    /* a file's allowHosts let its own callbacks out, not another file's */
    static const char a[] = "{\"allowHosts\": [\"hooks.example.test\"], \"services\": {\"a\": "
                            "{\"routes\": [{\"response\": {\"callbacks\": [{\"url\": "
                            "\"http://hooks.example.test/\"}]}}]}}}";
    static const char b[] = "{\"services\": {\"b\": {\"routes\": [{\"response\": {\"callbacks\": "
                            "[{\"url\": \"http://hooks.example.test/\"}]}}]}}}";
    struct mr_scenario_source src[2] = {{"a.json", a, sizeof(a) - 1}, {"b.json", b, sizeof(b) - 1}};
    struct mr_scenario *sc = NULL;

    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(mr_scenario_parse(&sc, src, 2, NULL, &errs), MR_ESCENARIO);
    ck_assert_uint_eq(errs.count, 1);
    ck_assert_ptr_nonnull(strstr(fmt(0), "b.json:1:"));
    ck_assert_ptr_nonnull(strstr(fmt(0), "host hooks.example.test is not loopback"));
    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(mr_scenario_parse(&sc, src, 1, NULL, &errs), 0);
    mr_scenario_free(sc);
}
END_TEST

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    return tc;
}

static Suite *load_suite(void)
{
    Suite *s = suite_create("load");
    TCase *tc;

    tc = tcase("checkout");
    tcase_add_test(tc, test_checkout_services);
    tcase_add_test(tc, test_checkout_create_charge);
    tcase_add_test(tc, test_checkout_get_charge);
    tcase_add_test(tc, test_checkout_expects);
    suite_add_tcase(s, tc);

    tc = tcase("valid");
    tcase_add_test(tc, test_top_level_routes_is_default_service);
    tcase_add_test(tc, test_services_url_vars_and_order);
    tcase_add_test(tc, test_proxy);
    tcase_add_test(tc, test_drift_hint);
    tcase_add_test(tc, test_bad_drift_hints);
    tcase_add_test(tc, test_command);
    tcase_add_test(tc, test_default_expect_names);
    tcase_add_test(tc, test_route_level_expect);
    tcase_add_test(tc, test_matchers);
    tcase_add_test(tc, test_responses);
    tcase_add_test(tc, test_bom_and_blanks_accepted);
    tcase_add_test(tc, test_ignored_keys);
    suite_add_tcase(s, tc);

    tc = tcase("syntax");
    tcase_add_test(tc, test_syntax_error_points_at_bad_byte);
    tcase_add_test(tc, test_syntax_error_control_byte);
    tcase_add_test(tc, test_truncated_file);
    tcase_add_test(tc, test_trailing_garbage);
    tcase_add_test(tc, test_bom_columns);
    tcase_add_test(tc, test_syntax_error_from_file);
    tcase_add_test(tc, test_unreadable_scenario);
    suite_add_tcase(s, tc);

    tc = tcase("invalid");
    tcase_add_test(tc, test_unknown_key_did_you_mean);
    tcase_add_test(tc, test_duplicate_keys);
    tcase_add_test(tc, test_fuzz_long_service_name);
    tcase_add_test(tc, test_fuzz_huge_count);
    tcase_add_test(tc, test_id_equal_to_generated_id);
    tcase_add_test(tc, test_call_number_range);
    tcase_add_test(tc, test_when_any_of);
    tcase_add_test(tc, test_body_json_path_errors);
    tcase_add_test(tc, test_bad_status);
    tcase_add_test(tc, test_bad_status_from_file);
    tcase_add_test(tc, test_bad_regex);
    tcase_add_test(tc, test_bad_paths);
    tcase_add_test(tc, test_bad_method);
    tcase_add_test(tc, test_bad_response_body_kinds);
    tcase_add_test(tc, test_bad_response_headers);
    tcase_add_test(tc, test_bad_conditions);
    tcase_add_test(tc, test_duplicate_route_ids);
    tcase_add_test(tc, test_expect_unknown_route);
    tcase_add_test(tc, test_bad_counts);
    tcase_add_test(tc, test_bad_service_and_env_names);
    tcase_add_test(tc, test_bad_services_shape);
    tcase_add_test(tc, test_service_clashes);
    tcase_add_test(tc, test_unexpected_value);
    tcase_add_test(tc, test_bad_command);
    suite_add_tcase(s, tc);

    tc = tcase("assertions");
    tcase_add_test(tc, test_assertion_kinds);
    tcase_add_test(tc, test_strict_service);
    tcase_add_test(tc, test_expect_and_route_lines);
    tcase_add_test(tc, test_many_routes_located);
    tcase_add_test(tc, test_lines_past_control_bytes);
    tcase_add_test(tc, test_bad_order);
    tcase_add_test(tc, test_bad_check_combinations);
    tcase_add_test(tc, test_bad_every);
    tcase_add_test(tc, test_bad_timing);
    tcase_add_test(tc, test_bad_strict_and_route_expect);
    suite_add_tcase(s, tc);

    tc = tcase("files");
    tcase_add_test(tc, test_file_escaping_folder);
    tcase_add_test(tc, test_file_missing_or_not_regular);
    tcase_add_test(tc, test_file_symlink_out_of_folder);
    tcase_add_test(tc, test_file_template_loaded);
    tcase_add_test(tc, test_file_template_open);
    suite_add_tcase(s, tc);

    tc = tcase("many");
    tcase_add_test(tc, test_many_problems_all_reported);
    tcase_add_test(tc, test_template_problems_all_reported);
    tcase_add_test(tc, test_service_url_names);
    tcase_add_test(tc, test_problem_cap);
    tcase_add_test(tc, test_failed_load_frees_everything);
    suite_add_tcase(s, tc);

    tc = tcase("callbacks");
    tcase_add_test(tc, callbacks_loaded);
    tcase_add_test(tc, callbacks_invalid);
    tcase_add_test(tc, callbacks_delay_ranges);
    tcase_add_test(tc, callbacks_allow_hosts_per_file);
    suite_add_tcase(s, tc);

    tc = tcase("several files");
    tcase_add_test(tc, several_files_merge);
    tcase_add_test(tc, several_files_clashes);
    tcase_add_test(tc, several_files_folders);
    tcase_add_test(tc, import_service);
    tcase_add_test(tc, xml_conditions);
    tcase_add_test(tc, xml_placeholders);
    suite_add_tcase(s, tc);

    tc = tcase("snapshot and scope");
    tcase_add_test(tc, snapshot_settings);
    tcase_add_test(tc, snapshot_errors);
    tcase_add_test(tc, expect_scope);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(load_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
