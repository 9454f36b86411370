/*
 * test_verify.c - runner/verify.c: a scenario, a journal filled by hand (the
 * way the server fills it: router match, near miss, expectation hits) and a
 * fake command result become test cases with exact names, statuses,
 * messages and details.
 *
 * One case:   CK_RUN_CASE=command ./test_verify
 * Under gdb:  CK_FORK=no gdb ./test_verify
 */
#include <check.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/results.h"
#include "runner/proc.h"
#include "runner/verify.h"
#include "scenarios/scenario.h"
#include "server/journal.h"
#include "server/match.h"

/* --- helpers ------------------------------------------------------------ */

static const char checkout[] =
    "{\"name\": \"checkout\", \"services\": {\n"
    " \"payments\": {\"routes\": [\n"
    "  {\"id\": \"create-charge\", \"request\": {\"method\": \"POST\", \"path\": \"/v1/charges\",\n"
    "    \"query\": {\"expand\": \"customer\"}, \"body\": {\"json\": {\"currency\": \"eur\"}}},\n"
    "   \"response\": {\"status\": 201}},\n"
    "  {\"id\": \"get-charge\", \"request\": {\"method\": \"GET\", \"path\": "
    "\"/v1/charges/:id\"}}\n"
    " ]},\n"
    " \"mail\": {\"routes\": [{\"id\": \"send\", \"request\": {\"path\": \"/send\"}}]}},\n"
    " \"expect\": [\n"
    "  {\"route\": \"create-charge\", \"times\": 1},\n"
    "  {\"route\": \"get-charge\", \"atLeast\": 1, \"atMost\": 3},\n"
    "  {\"name\": \"never refunds\", \"request\": {\"method\": \"POST\", \"path\": "
    "\"/v1/refunds\"}, \"times\": 0},\n"
    "  {\"route\": \"create-charge\", \"request\": {\"body\": {\"json\": {\"amount\": 1999}}},"
    " \"times\": 1}\n"
    " ]}\n";

struct fx {
    struct mr_scenario *sc;
    struct mr_router *router;
    struct mr_journal *j;
    struct mr_results res;
    struct mr_proc_result proc;
    struct mr_verify_input in;
};

static void fx_init_text(struct fx *f, const char *text, size_t max_calls)
{
    struct mr_error_list errs;
    struct mr_error err;
    struct mr_journal_limits lim;

    memset(f, 0, sizeof(*f));
    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(mr_scenario_parse_one(&f->sc, "checkout.json", text, strlen(text), &errs), 0);
    ck_assert_int_eq(mr_router_new(&f->router, f->sc, &err), 0);
    mr_journal_limits_init(&lim);
    if (max_calls)
        lim.max_calls = max_calls;
    ck_assert_int_eq(
        mr_journal_new(&f->j, f->sc->nservices, f->sc->nroutes, f->sc->nexpects, &lim, &err), 0);
    mr_results_init(&f->res);
    f->proc.state = MR_PROC_EXITED;
    f->proc.exit_code = 0;
    f->in.sc = f->sc;
    f->in.journal = f->j;
    f->in.proc = &f->proc;
    f->in.command_text = "sh x";
}

static void fx_init(struct fx *f)
{
    fx_init_text(f, checkout, 0);
}

static void fx_release(struct fx *f)
{
    mr_results_release(&f->res);
    mr_journal_free(f->j);
    mr_router_free(f->router);
    mr_scenario_free(f->sc);
}

/* The arrival time of the calls recorded next; and whether the journal keeps only
 * the first 4 bytes of their bodies (as past --body-limit). */
static int64_t clock_us;
static bool truncate_bodies;

/* Records a call as the server would. Headers: "Name: value" strings, NULL-terminated. */
static void record(struct fx *f, size_t service, const char *method, const char *target,
                   const char *body, ...)
{
    struct mr_request req;
    struct mr_kv params[16], headers[8];
    char path[256], query[256], scratch[600], near[MR_MISS_TEXT_MAX];
    const char *q = strchr(target, '?'), *h;
    struct mr_call_meta meta;
    size_t hits[16], nhits = 0, i, n = 0;
    long route;
    va_list ap;

    memset(&req, 0, sizeof(req));
    snprintf(path, sizeof(path), "%.*s", (int)(q ? (size_t)(q - target) : strlen(target)), target);
    snprintf(query, sizeof(query), "%s", q ? q + 1 : "");
    req.method = method;
    req.path = path;
    req.query = query;
    req.params = params;
    req.nparams = mr_request_parse_query(query, scratch, params, 16);
    va_start(ap, body);
    while ((h = va_arg(ap, const char *)) != NULL) {
        const char *colon = strchr(h, ':');
        headers[n].name = h;
        headers[n].name_len = (size_t)(colon - h);
        headers[n].value = colon + 2;
        headers[n].value_len = strlen(colon + 2);
        n++;
    }
    va_end(ap);
    req.headers = headers;
    req.nheaders = n;
    req.body = body ? body : "";
    req.body_len = body ? strlen(body) : 0;

    memset(&meta, 0, sizeof(meta));
    route = mr_router_match(f->router, service, &req);
    if (route >= 0) {
        meta.status = (uint16_t)f->sc->routes[route].response.status;
    } else {
        mr_router_explain(f->router, service, &req, near, sizeof(near));
        meta.near = near;
        meta.status = 404;
    }
    for (i = 0; i < f->sc->nexpects; i++) {
        const struct mr_expect *e = &f->sc->expects[i];
        if (e->route >= 0 && e->route != route)
            continue;
        if (e->has_request && !mr_match(&e->request, &req, NULL))
            continue;
        hits[nhits++] = i;
    }
    meta.service = (uint16_t)service;
    meta.route = (int32_t)route;
    meta.body_size = req.body_len;
    meta.wall_us = clock_us;
    if (truncate_bodies && req.body_len > 4) {
        req.body_len = 4; /* the server counts expectations first, then keeps the start */
        meta.body_truncated = true;
    }
    mr_journal_append(f->j, &meta, &req, hits, nhits);
    mr_request_release(&req);
}
#define RECORD(...) record(__VA_ARGS__, (const char *)NULL)

static void run(struct fx *f)
{
    ck_assert_int_eq(mr_verify(&f->res, &f->in), 0);
}

static const struct mr_case *case_named(const struct fx *f, const char *name)
{
    size_t i;
    for (i = 0; i < f->res.ncases; i++)
        if (strcmp(f->res.cases[i].name, name) == 0)
            return &f->res.cases[i];
    ck_abort_msg("no case named \"%s\"", name);
    return NULL;
}

#define GOOD_CHARGE "{\"currency\":\"eur\",\"amount\":1999}"

/* --- expectations ------------------------------------------------------- */

START_TEST(test_all_pass)
{
    static const char *const names[] = {
        "create-charge is called exactly 1 time",
        "get-charge is called 1 to 3 times",
        "never refunds",
        "create-charge with body containing JSON {\"amount\":1999} is called exactly 1 time",
        "no unexpected requests",
        "sh x exits with code 0",
    };
    struct fx f;
    size_t i;

    fx_init(&f);
    RECORD(&f, 0, "POST", "/v1/charges?expand=customer", GOOD_CHARGE);
    RECORD(&f, 0, "GET", "/v1/charges/ch_1", NULL);
    RECORD(&f, 0, "GET", "/v1/charges/ch_1", NULL);
    run(&f);
    /* one case per expectation, in order, then unexpected requests, then the command */
    ck_assert_uint_eq(f.res.ncases, 6);
    for (i = 0; i < 6; i++) {
        ck_assert_str_eq(f.res.cases[i].name, names[i]);
        ck_assert_int_eq(f.res.cases[i].status, MR_CASE_PASS);
        ck_assert_ptr_null(f.res.cases[i].message);
        ck_assert_ptr_null(f.res.cases[i].detail);
    }
    ck_assert_ptr_null(f.res.notes);
    fx_release(&f);
}
END_TEST

START_TEST(test_missing_call)
{
    struct fx f;
    const struct mr_case *c;

    fx_init(&f);
    run(&f);
    c = &f.res.cases[0];
    ck_assert_int_eq(c->status, MR_CASE_FAIL);
    /* the message points at the expectation: file and line, in the case too */
    ck_assert_str_eq(c->message, "checkout.json:10: expected exactly 1 call, got 0");
    ck_assert_str_eq(c->file, "checkout.json");
    ck_assert_int_eq(c->line, 10);
    ck_assert_str_eq(c->detail, "no calls were recorded\n");
    c = &f.res.cases[1];
    ck_assert_int_eq(c->status, MR_CASE_FAIL);
    ck_assert_str_eq(c->message, "checkout.json:11: expected 1 to 3 calls, got 0");
    ck_assert_int_eq(f.res.cases[2].line, 12);
    ck_assert_int_eq(f.res.cases[3].line, 13);
    /* the cases that are no expectation's have no place */
    ck_assert_ptr_null(f.res.cases[4].file);
    ck_assert_int_eq(f.res.cases[4].line, 0);
    ck_assert_int_eq(f.res.cases[2].status, MR_CASE_PASS); /* never refunds */
    ck_assert_int_eq(f.res.cases[4].status, MR_CASE_PASS); /* no unexpected requests */
    ck_assert_uint_eq(mr_results_count(&f.res, MR_CASE_FAIL), 3);
    fx_release(&f);
}
END_TEST

START_TEST(test_near_miss_listed_with_reason)
{
    struct fx f;
    const struct mr_case *c;

    fx_init(&f);
    RECORD(&f, 0, "POST", "/v1/charges?expand=customer", "{\"currency\":\"usd\"}");
    RECORD(&f, 0, "GET", "/v1/charges/ch_1", NULL);    /* another route: not a near miss */
    RECORD(&f, 1, "POST", "/v1/charges", GOOD_CHARGE); /* another service */
    run(&f);
    c = case_named(&f, "create-charge is called exactly 1 time");
    ck_assert_int_eq(c->status, MR_CASE_FAIL);
    ck_assert_str_eq(c->message, "checkout.json:10: expected exactly 1 call, got 0");
    ck_assert_str_eq(c->detail, "other calls, and why they did not count:\n"
                                "  #1 POST /v1/charges?expand=customer -> 404 (no route matched) "
                                "[payments]\n"
                                "      no route matched POST /v1/charges; closest: "
                                "\"create-charge\" (1 of 4 conditions differ)\n"
                                "        route \"create-charge\": 1 of 4 conditions differ\n"
                                "          method \u2713\n"
                                "          path \u2713\n"
                                "          query expand \u2713\n"
                                "          body \u2717 (1 difference)\n"
                                "            $.currency: expected \"eur\", got \"usd\"\n");
    fx_release(&f);
}
END_TEST

START_TEST(test_route_matched_but_extra_conditions_not)
{
    struct fx f;
    const struct mr_case *c;

    fx_init(&f);
    RECORD(&f, 0, "POST", "/v1/charges?expand=customer", "{\"currency\":\"eur\",\"amount\":5}");
    run(&f);
    ck_assert_int_eq(f.res.cases[0].status, MR_CASE_PASS);
    c = &f.res.cases[3];
    ck_assert_str_eq(c->name, "create-charge with body containing JSON {\"amount\":1999} is "
                              "called exactly 1 time");
    ck_assert_int_eq(c->status, MR_CASE_FAIL);
    ck_assert_str_eq(c->message, "checkout.json:13: expected exactly 1 call, got 0");
    ck_assert_str_eq(c->detail, "other calls, and why they did not count:\n"
                                "  #1 POST /v1/charges?expand=customer -> 201 (route "
                                "create-charge) [payments]\n"
                                "      body.amount is 5, the expectation wants 1999\n");
    fx_release(&f);
}
END_TEST

START_TEST(test_too_many_calls)
{
    struct fx f;
    const struct mr_case *c;
    int i;

    fx_init(&f);
    RECORD(&f, 0, "POST", "/v1/charges?expand=customer", GOOD_CHARGE);
    RECORD(&f, 0, "POST", "/v1/charges?expand=customer", GOOD_CHARGE);
    for (i = 0; i < 4; i++)
        RECORD(&f, 0, "GET", "/v1/charges/ch_1", NULL);
    RECORD(&f, 0, "POST", "/v1/refunds", NULL);
    run(&f);

    c = &f.res.cases[0];
    ck_assert_str_eq(c->message, "checkout.json:10: expected exactly 1 call, got 2");
    ck_assert_str_eq(c->detail, "calls counted:\n"
                                "  #1 POST /v1/charges?expand=customer -> 201 (route "
                                "create-charge) [payments]\n"
                                "  #2 POST /v1/charges?expand=customer -> 201 (route "
                                "create-charge) [payments]\n");
    c = &f.res.cases[1];
    ck_assert_str_eq(c->message, "checkout.json:11: expected 1 to 3 calls, got 4");
    ck_assert_ptr_nonnull(strstr(c->detail, "  #6 GET /v1/charges/ch_1 -> 200 (route get-charge)"));
    /* too many: near misses are not listed */
    ck_assert_ptr_null(strstr(c->detail, "other calls"));
    c = &f.res.cases[2];
    ck_assert_str_eq(c->name, "never refunds");
    ck_assert_str_eq(c->message, "checkout.json:12: expected exactly 0 calls, got 1");
    ck_assert_str_eq(c->detail, "calls counted:\n"
                                "  #7 POST /v1/refunds -> 404 (no route matched) [payments]\n"
                                "      no route matched POST /v1/refunds; closest: "
                                "\"create-charge\" (3 of 4 conditions differ)\n"
                                "        route \"create-charge\": 3 of 4 conditions differ\n"
                                "          method \u2713\n"
                                "          path \u2717 (/v1/refunds vs /v1/charges)\n"
                                "          query expand \u2717 (absent)\n"
                                "          body \u2717 (not JSON, wants JSON containing "
                                "{\"currency\":\"eur\"})\n");
    fx_release(&f);
}
END_TEST

START_TEST(test_count_messages)
{
    static const struct {
        const char *expect;
        int calls;
        const char *msg;
    } cases[] = {
        {"\"times\": 1", 0, "checkout.json:1: expected exactly 1 call, got 0"},
        {"\"times\": 2", 3, "checkout.json:1: expected exactly 2 calls, got 3"},
        {"\"times\": 0", 1, "checkout.json:1: expected exactly 0 calls, got 1"},
        {"\"atLeast\": 1", 0, "checkout.json:1: expected at least 1 call, got 0"},
        {"\"atLeast\": 2", 1, "checkout.json:1: expected at least 2 calls, got 1"},
        {"\"atMost\": 1", 2, "checkout.json:1: expected at most 1 call, got 2"},
        {"\"atMost\": 2", 3, "checkout.json:1: expected at most 2 calls, got 3"},
        {"\"atLeast\": 2, \"atMost\": 4", 5, "checkout.json:1: expected 2 to 4 calls, got 5"},
        {"\"atLeast\": 2, \"atMost\": 4", 1, "checkout.json:1: expected 2 to 4 calls, got 1"},
        {"\"times\": 3, \"atLeast\": 1", 2, "checkout.json:1: expected exactly 3 calls, got 2"},
        {"\"atLeast\": 2, \"atMost\": 4", 3, NULL},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[512];
        struct fx f;
        int k;
        snprintf(text, sizeof(text),
                 "{\"routes\": [{\"id\": \"r\"}], \"expect\": [{\"route\": \"r\", %s}]}",
                 cases[i].expect);
        fx_init_text(&f, text, 0);
        for (k = 0; k < cases[i].calls; k++)
            RECORD(&f, 0, "GET", "/", NULL);
        run(&f);
        if (cases[i].msg) {
            ck_assert_int_eq(f.res.cases[0].status, MR_CASE_FAIL);
            ck_assert_msg(strcmp(f.res.cases[0].message, cases[i].msg) == 0, "case %zu: %s", i,
                          f.res.cases[0].message);
        } else {
            ck_assert_int_eq(f.res.cases[0].status, MR_CASE_PASS);
        }
        fx_release(&f);
    }
}
END_TEST

START_TEST(test_request_only_expectation_near_misses)
{
    static const char text[] =
        "{\"routes\": [{\"id\": \"any\"}], \"expect\": [{\"request\": {\"method\": \"POST\", "
        "\"path\": \"/hook\", \"headers\": {\"X-Sig\": {\"present\": true}}}}]}";
    struct fx f;
    const struct mr_case *c;

    fx_init_text(&f, text, 0);
    RECORD(&f, 0, "POST", "/hook", "x");
    RECORD(&f, 0, "GET", "/hook", NULL);
    RECORD(&f, 0, "POST", "/other", NULL, "X-Sig: 1");
    run(&f);
    c = &f.res.cases[0];
    ck_assert_str_eq(c->name, "POST /hook with header X-Sig is called at least 1 time");
    ck_assert_str_eq(c->message, "checkout.json:1: expected at least 1 call, got 0");
    ck_assert_str_eq(c->detail, "other calls, and why they did not count:\n"
                                "  #1 POST /hook -> 200 (route any)\n"
                                "      header X-Sig is missing\n"
                                "  #2 GET /hook -> 200 (route any)\n"
                                "      method is GET, the expectation wants POST\n"
                                "  #3 POST /other -> 200 (route any)\n"
                                "      path \"/other\" does not match \"/hook\"\n");
    fx_release(&f);
}
END_TEST

START_TEST(test_listing_is_capped)
{
    static const char text[] =
        "{\"routes\": [{\"id\": \"r\", \"request\": {\"path\": \"/r\"}}],"
        " \"expect\": [{\"route\": \"r\", \"times\": 0}, {\"route\": \"r\", \"times\": 100}]}";
    struct fx f;
    const char *p;
    int i, lines = 0;

    fx_init_text(&f, text, 0);
    for (i = 0; i < 30; i++)
        RECORD(&f, 0, "GET", "/r", NULL);
    for (i = 0; i < 30; i++)
        RECORD(&f, 0, "GET", "/x", NULL);
    run(&f);
    ck_assert_str_eq(f.res.cases[0].message, "checkout.json:1: expected exactly 0 calls, got 30");
    for (p = f.res.cases[0].detail; (p = strstr(p, "\n  #")) != NULL; p++)
        lines++;
    ck_assert_int_eq(lines, 20);
    ck_assert_ptr_nonnull(strstr(f.res.cases[0].detail, "#20 GET /r"));
    ck_assert_ptr_null(strstr(f.res.cases[0].detail, "#21 GET /r"));
    /* near misses are capped too */
    lines = 0;
    for (p = f.res.cases[1].detail; (p = strstr(p, "\n  #")) != NULL; p++)
        lines++;
    ck_assert_int_eq(lines, 40);
    fx_release(&f);
}
END_TEST

START_TEST(test_dropped_details_note)
{
    static const char text[] = "{\"routes\": [{\"id\": \"r\", \"request\": {\"path\": \"/r\"}}],"
                               " \"expect\": [{\"route\": \"r\", \"times\": 1}]}";
    struct fx f;
    int i;

    fx_init_text(&f, text, 3);
    for (i = 0; i < 5; i++)
        RECORD(&f, 0, "GET", "/r", NULL);
    run(&f);
    /* counts stay exact; the listing says what is missing */
    ck_assert_str_eq(f.res.cases[0].message, "checkout.json:1: expected exactly 1 call, got 5");
    ck_assert_ptr_nonnull(strstr(f.res.cases[0].detail,
                                 "note: details of calls from #4 on were not kept (journal "
                                 "limit); counts are exact\n"));
    ck_assert_str_eq(f.res.notes, "mockrun: details of calls from #4 on were dropped (journal "
                                  "limit); all counts are exact\n");
    fx_release(&f);
}
END_TEST

/* --- unexpected requests ------------------------------------------------ */

START_TEST(test_unexpected_fail)
{
    struct fx f;
    const struct mr_case *c;

    fx_init(&f);
    RECORD(&f, 0, "POST", "/v1/charges?expand=customer", GOOD_CHARGE);
    RECORD(&f, 0, "DELETE", "/v1/charges/ch_1", NULL);
    RECORD(&f, 1, "GET", "/nope?x=1", NULL);
    run(&f);
    c = case_named(&f, "no unexpected requests");
    ck_assert_int_eq(c->status, MR_CASE_FAIL);
    ck_assert_str_eq(c->message, "2 requests matched no route");
    ck_assert_str_eq(c->detail, "  #2 DELETE /v1/charges/ch_1 -> 404 (no route matched) "
                                "[payments]\n"
                                "      no route matched DELETE /v1/charges/ch_1; closest: "
                                "\"get-charge\" (1 of 2 conditions differ)\n"
                                "        route \"get-charge\": 1 of 2 conditions differ\n"
                                "          method \u2717 (DELETE vs GET)\n"
                                "          path \u2713\n"
                                "  #3 GET /nope?x=1 -> 404 (no route matched) [mail]\n"
                                "      no route matched GET /nope; closest: \"send\" (1 of 1 "
                                "condition differs)\n"
                                "        route \"send\": 1 of 1 condition differs\n"
                                "          path \u2717 (/nope vs /send)\n");
    fx_release(&f);
}
END_TEST

/* Calls carry the test that made them: the failing cases name the tests. */
START_TEST(test_calls_name_their_tests)
{
    struct fx f;
    const struct mr_case *c;

    fx_init(&f);
    ck_assert_int_eq(mr_journal_set_test(f.j, "pays once", 9), 0);
    RECORD(&f, 0, "POST", "/v1/charges?expand=customer", GOOD_CHARGE);
    RECORD(&f, 0, "DELETE", "/v1/charges/ch_1", NULL);
    ck_assert_int_eq(mr_journal_set_test(f.j, "pays twice", 10), 0);
    RECORD(&f, 0, "POST", "/v1/charges?expand=customer", GOOD_CHARGE);
    ck_assert_int_eq(mr_journal_set_test(f.j, NULL, 0), 0);
    RECORD(&f, 1, "GET", "/nope", NULL);
    run(&f);
    c = case_named(&f, "no unexpected requests");
    ck_assert_str_eq(c->message, "2 requests matched no route; made by test \"pays once\", and 1 "
                                 "call outside any test");
    ck_assert_ptr_nonnull(strstr(c->detail,
                                 "#2 DELETE /v1/charges/ch_1 -> 404 (no route matched) [payments] "
                                 "[test: pays once]\n"));
    ck_assert_ptr_nonnull(strstr(c->detail, "#4 GET /nope -> 404 (no route matched) [mail]\n"));
    c = &f.res.cases[0]; /* create-charge times 1 */
    ck_assert_int_eq(c->status, MR_CASE_FAIL);
    ck_assert_ptr_nonnull(strstr(c->message,
                                 "expected exactly 1 call, got 2; made by tests \"pays once\" "
                                 "(1 call), \"pays twice\" (1 call)"));
    ck_assert_ptr_nonnull(strstr(c->detail, "(route create-charge) [payments] [test: pays twice]"));
    fx_release(&f);
}
END_TEST

START_TEST(test_unexpected_one_and_many)
{
    static const char text[] = "{\"routes\": [{\"id\": \"r\", \"request\": {\"path\": \"/r\"}}]}";
    struct fx f;
    const struct mr_case *c;
    int i;

    fx_init_text(&f, text, 0);
    RECORD(&f, 0, "GET", "/x", NULL);
    run(&f);
    c = case_named(&f, "no unexpected requests");
    ck_assert_str_eq(c->message, "1 request matched no route");
    /* one service: no [service] tag */
    ck_assert_str_eq(c->detail, "  #1 GET /x -> 404 (no route matched)\n"
                                "      no route matched GET /x; closest: \"r\" (1 of 1 condition "
                                "differs)\n"
                                "        route \"r\": 1 of 1 condition differs\n"
                                "          path \u2717 (/x vs /r)\n");
    fx_release(&f);

    fx_init_text(&f, text, 0);
    for (i = 0; i < 25; i++)
        RECORD(&f, 0, "GET", "/x", NULL);
    run(&f);
    c = case_named(&f, "no unexpected requests");
    ck_assert_str_eq(c->message, "25 requests matched no route");
    ck_assert_ptr_nonnull(strstr(c->detail, "  #20 GET /x"));
    ck_assert_ptr_null(strstr(c->detail, "  #21 GET /x"));
    ck_assert_ptr_nonnull(strstr(c->detail, "\n  ... and 5 more\n"));
    fx_release(&f);
}
END_TEST

START_TEST(test_unexpected_allow)
{
    static const char text[] = "{\"routes\": [{\"id\": \"r\", \"request\": {\"path\": \"/r\"}}], "
                               "\"unexpected\": \"allow\"}";
    struct fx f;
    const struct mr_case *c;

    fx_init_text(&f, text, 0);
    RECORD(&f, 0, "GET", "/x", NULL);
    run(&f);
    c = case_named(&f, "unexpected requests are allowed");
    ck_assert_int_eq(c->status, MR_CASE_PASS);
    ck_assert_ptr_null(c->message);
    ck_assert_uint_eq(mr_results_count(&f.res, MR_CASE_FAIL), 0);
    fx_release(&f);
}
END_TEST

/* --- the command -------------------------------------------------------- */

static const struct mr_case *command_case(const struct fx *f)
{
    return &f->res.cases[f->res.ncases - 1];
}

START_TEST(test_command_exit_ok_and_wrong_code)
{
    struct fx f;
    const struct mr_case *c;

    fx_init(&f);
    run(&f);
    c = command_case(&f);
    ck_assert_str_eq(c->name, "sh x exits with code 0");
    ck_assert_int_eq(c->status, MR_CASE_PASS);
    fx_release(&f);

    fx_init(&f);
    f.proc.exit_code = 3;
    run(&f);
    c = command_case(&f);
    ck_assert_str_eq(c->name, "sh x exits with code 0");
    ck_assert_int_eq(c->status, MR_CASE_FAIL);
    ck_assert_str_eq(c->message, "exited with code 3");
    fx_release(&f);
}
END_TEST

START_TEST(test_command_expected_code_from_scenario)
{
    static const char text[] = "{\"routes\": [], \"command\": {\"exitCode\": 3}}";
    struct fx f;

    fx_init_text(&f, text, 0);
    f.in.command_text = "npm test";
    f.proc.exit_code = 3;
    run(&f);
    ck_assert_str_eq(command_case(&f)->name, "npm test exits with code 3");
    ck_assert_int_eq(command_case(&f)->status, MR_CASE_PASS);
    fx_release(&f);

    fx_init_text(&f, text, 0);
    f.proc.exit_code = 0;
    run(&f);
    ck_assert_int_eq(command_case(&f)->status, MR_CASE_FAIL);
    ck_assert_str_eq(command_case(&f)->message, "exited with code 0");
    fx_release(&f);
}
END_TEST

START_TEST(test_command_signaled)
{
    struct fx f;

    fx_init(&f);
    f.proc.state = MR_PROC_SIGNALED;
    f.proc.term_signal = SIGSEGV;
    run(&f);
    ck_assert_int_eq(command_case(&f)->status, MR_CASE_FAIL);
    ck_assert_str_eq(command_case(&f)->message, "was killed by signal 11 (Segmentation fault)");
    fx_release(&f);
}
END_TEST

START_TEST(test_command_timed_out)
{
    struct fx f;

    fx_init(&f);
    f.proc.state = MR_PROC_TIMED_OUT;
    f.proc.term_signal = SIGTERM;
    f.in.timeout_ms = 1500;
    run(&f);
    ck_assert_int_eq(command_case(&f)->status, MR_CASE_FAIL);
    ck_assert_str_eq(command_case(&f)->message, "timed out after 1.5 s and was stopped");
    fx_release(&f);

    fx_init(&f);
    f.proc.state = MR_PROC_TIMED_OUT;
    f.proc.killed = true;
    f.in.timeout_ms = 120000;
    run(&f);
    ck_assert_str_eq(command_case(&f)->message,
                     "timed out after 120 s and was stopped with SIGKILL");
    fx_release(&f);
}
END_TEST

START_TEST(test_command_interrupted)
{
    struct fx f;

    fx_init(&f);
    f.proc.state = MR_PROC_INTERRUPTED;
    f.proc.interrupt_signal = SIGINT;
    f.proc.term_signal = SIGINT;
    run(&f);
    ck_assert_int_eq(command_case(&f)->status, MR_CASE_ERROR);
    ck_assert_str_eq(command_case(&f)->message,
                     "was interrupted: mockrun received signal 2 (Interrupt: Ctrl-C or kill -INT)");
    /* the calls that were made still count */
    ck_assert_int_eq(f.res.cases[2].status, MR_CASE_PASS);
    fx_release(&f);

    /* a command that outlived --kill-after: the message says it was killed */
    fx_init(&f);
    f.proc.state = MR_PROC_INTERRUPTED;
    f.proc.interrupt_signal = SIGTERM;
    f.proc.term_signal = SIGKILL;
    f.proc.killed = true;
    run(&f);
    ck_assert_str_eq(command_case(&f)->message,
                     "was interrupted: mockrun received signal 15 (Terminated); the command was "
                     "stopped with SIGKILL");
    fx_release(&f);
}
END_TEST

START_TEST(test_command_not_started)
{
    struct fx f;
    size_t i;

    fx_init(&f);
    f.proc.state = MR_PROC_NOT_STARTED;
    f.in.spawn_error = "cannot run 'nope': not found in PATH";
    f.in.command_text = "nope";
    run(&f);
    ck_assert_uint_eq(f.res.ncases, 6);
    /* expectations cannot be judged: skipped, not failed */
    for (i = 0; i < 4; i++) {
        ck_assert_int_eq(f.res.cases[i].status, MR_CASE_SKIP);
        ck_assert_str_eq(f.res.cases[i].message, "the command did not run");
    }
    ck_assert_str_eq(command_case(&f)->name, "nope exits with code 0");
    ck_assert_int_eq(command_case(&f)->status, MR_CASE_ERROR);
    ck_assert_str_eq(command_case(&f)->message,
                     "the command could not be started: cannot run 'nope': not found in PATH");
    fx_release(&f);

    /* no result at all */
    fx_init(&f);
    f.in.proc = NULL;
    run(&f);
    ck_assert_int_eq(f.res.cases[0].status, MR_CASE_SKIP);
    ck_assert_int_eq(command_case(&f)->status, MR_CASE_ERROR);
    ck_assert_str_eq(command_case(&f)->message, "the command could not be started: unknown error");
    fx_release(&f);
}
END_TEST

START_TEST(test_output_abandoned_note)
{
    static const char note[] = "note: the command exited but something it started kept its "
                               "output open; mockrun stopped reading it after the grace period";
    struct fx f;

    /* mockrun's remark goes with the command's case, not into the suite's output */
    fx_init(&f);
    f.proc.output_abandoned = true;
    run(&f);
    ck_assert_int_eq(command_case(&f)->status, MR_CASE_PASS);
    ck_assert_str_eq(command_case(&f)->detail, note);
    ck_assert_ptr_null(f.res.notes);
    fx_release(&f);

    fx_init(&f);
    f.proc.output_abandoned = true;
    f.proc.exit_code = 1;
    run(&f);
    ck_assert_int_eq(command_case(&f)->status, MR_CASE_FAIL);
    ck_assert_str_eq(command_case(&f)->message, "exited with code 1");
    ck_assert_str_eq(command_case(&f)->detail, note);
    fx_release(&f);

    /* without it, no detail */
    fx_init(&f);
    f.proc.exit_code = 1;
    run(&f);
    ck_assert_ptr_null(command_case(&f)->detail);
    fx_release(&f);
}
END_TEST

/* --- order, every call, timing, strict services ------------------------- */

/* One expectation a line, so each case's line is its index + 8. */
static const char flow[] =
    "{\"name\": \"flow\", \"services\": {\"pay\": {\"routes\": [\n"
    " {\"id\": \"login\", \"request\": {\"method\": \"POST\", \"path\": \"/login\"}},\n"
    " {\"id\": \"create-charge\", \"request\": {\"method\": \"POST\", \"path\": "
    "\"/v1/charges\"}, \"response\": {\"status\": 201}},\n"
    " {\"id\": \"get-charge\", \"request\": {\"method\": \"GET\", \"path\": "
    "\"/v1/charges/:id\"}},\n"
    " {\"id\": \"poll\", \"request\": {\"path\": \"/jobs/1\"}, \"response\": {\"status\": 202}}\n"
    "]}},\n"
    "\"expect\": [\n"
    " {\"inOrder\": [\"login\", \"create-charge\", \"get-charge\"]},\n"
    " {\"inOrder\": [\"login\", \"create-charge\", \"get-charge\"], \"strict\": true},\n"
    " {\"route\": \"create-charge\", \"every\": {\"headers\": {\"Idempotency-Key\": "
    "{\"present\": true}}, \"body\": {\"jsonPath\": {\"$.currency\": \"eur\"}}}},\n"
    " {\"route\": \"poll\", \"minIntervalMs\": 900},\n"
    " {\"route\": \"login\", \"withinMs\": 5000}\n"
    "]}\n";

enum { ORDER, STRICT, EVERY, INTERVAL, WITHIN };

#define LOGIN(f) RECORD(f, 0, "POST", "/login", NULL)
#define CHARGE(f)                                                                                  \
    RECORD(f, 0, "POST", "/v1/charges", "{\"currency\":\"eur\"}", "Idempotency-Key: k")
#define GET(f) RECORD(f, 0, "GET", "/v1/charges/ch_1", NULL)
#define POLL(f) RECORD(f, 0, "GET", "/jobs/1", NULL)

static void flow_init(struct fx *f)
{
    fx_init_text(f, flow, 0);
    f->in.start_wall_us = 1000000;
    clock_us = 1000000;
}

/* check_case's detail when it is not the point: not compared */
static const char ANY_DETAIL[] = "(any detail)";

/* Case i: its status, its place (file, line), message (NULL: none) and
 * detail (NULL: none; ANY_DETAIL: not compared). */
static void check_case(const struct fx *f, size_t i, enum mr_case_status status, const char *msg,
                       const char *detail)
{
    const struct mr_case *c = &f->res.cases[i];

    ck_assert_msg(c->status == status, "case %zu: status %d: %s", i, (int)c->status,
                  c->message ? c->message : "(no message)");
    ck_assert_str_eq(c->file, "checkout.json");
    ck_assert_int_eq(c->line, (int)i + 8);
    if (msg) {
        char want[1024];
        snprintf(want, sizeof(want), "checkout.json:%zu: %s", i + 8, msg);
        ck_assert_str_eq(c->message, want);
    } else {
        ck_assert_ptr_null(c->message);
    }
    if (detail == ANY_DETAIL)
        return;
    if (detail)
        ck_assert_str_eq(c->detail, detail);
    else
        ck_assert_ptr_null(c->detail);
}

START_TEST(test_order_passes)
{
    struct fx f;

    /* other routes' calls anywhere in between */
    flow_init(&f);
    POLL(&f);
    LOGIN(&f);
    POLL(&f);
    CHARGE(&f);
    RECORD(&f, 0, "GET", "/nowhere", NULL);
    GET(&f);
    run(&f);
    ck_assert_str_eq(f.res.cases[ORDER].name,
                     "login, create-charge, get-charge are called in this order");
    ck_assert_str_eq(f.res.cases[STRICT].name,
                     "calls of login, create-charge, get-charge are exactly this sequence");
    check_case(&f, ORDER, MR_CASE_PASS, NULL, NULL);
    check_case(&f, STRICT, MR_CASE_PASS, NULL, NULL);
    fx_release(&f);

    /* more calls of the listed routes: in order, not strictly */
    flow_init(&f);
    LOGIN(&f);
    LOGIN(&f);
    CHARGE(&f);
    GET(&f);
    GET(&f);
    run(&f);
    check_case(&f, ORDER, MR_CASE_PASS, NULL, NULL);
    check_case(&f, STRICT, MR_CASE_FAIL,
               "expected exactly login, create-charge, get-charge; diverges at call 2 (#2): "
               "login, expected create-charge",
               "calls of these routes, in order:\n"
               "  #1 login POST /login  <- step 1\n"
               "  #2 login POST /login  <- expected create-charge\n"
               "  #3 create-charge POST /v1/charges\n"
               "  #4 get-charge GET /v1/charges/ch_1\n"
               "  #5 get-charge GET /v1/charges/ch_1\n");
    fx_release(&f);
}
END_TEST

START_TEST(test_order_fails)
{
    struct fx f;

    /* a step called only before the step it must follow */
    flow_init(&f);
    GET(&f);
    POLL(&f);
    LOGIN(&f);
    CHARGE(&f);
    run(&f);
    check_case(&f, ORDER, MR_CASE_FAIL,
               "expected login, create-charge, get-charge in this order; diverges at step 3: no "
               "call of get-charge after #4 (create-charge)",
               "calls of these routes, in order:\n"
               "  #1 get-charge GET /v1/charges/ch_1\n"
               "  #3 login POST /login  <- step 1\n"
               "  #4 create-charge POST /v1/charges  <- step 2\n");
    check_case(&f, STRICT, MR_CASE_FAIL,
               "expected exactly login, create-charge, get-charge; diverges at call 1 (#1): "
               "get-charge, expected login",
               "calls of these routes, in order:\n"
               "  #1 get-charge GET /v1/charges/ch_1  <- expected login\n"
               "  #3 login POST /login\n"
               "  #4 create-charge POST /v1/charges\n");
    fx_release(&f);

    /* never called; the sequence too short */
    flow_init(&f);
    LOGIN(&f);
    CHARGE(&f);
    run(&f);
    check_case(&f, ORDER, MR_CASE_FAIL,
               "expected login, create-charge, get-charge in this order; diverges at step 3: "
               "get-charge was never called",
               "calls of these routes, in order:\n"
               "  #1 login POST /login  <- step 1\n"
               "  #2 create-charge POST /v1/charges  <- step 2\n");
    check_case(&f, STRICT, MR_CASE_FAIL,
               "expected exactly login, create-charge, get-charge; diverges at call 3: no call, "
               "expected get-charge",
               "calls of these routes, in order:\n"
               "  #1 login POST /login  <- step 1\n"
               "  #2 create-charge POST /v1/charges  <- step 2\n");
    fx_release(&f);

    /* the sequence too long: a retried charge, a second read */
    flow_init(&f);
    LOGIN(&f);
    CHARGE(&f);
    GET(&f);
    GET(&f);
    run(&f);
    check_case(&f, ORDER, MR_CASE_PASS, NULL, NULL);
    check_case(&f, STRICT, MR_CASE_FAIL,
               "expected exactly login, create-charge, get-charge; diverges at call 4 (#4): "
               "get-charge, expected no further call",
               ANY_DETAIL);
    ck_assert_ptr_nonnull(
        strstr(f.res.cases[STRICT].detail,
               "  #4 get-charge GET /v1/charges/ch_1  <- expected no further call\n"));
    fx_release(&f);

    /* no calls at all */
    flow_init(&f);
    run(&f);
    check_case(&f, ORDER, MR_CASE_FAIL,
               "expected login, create-charge, get-charge in this order; diverges at step 1: "
               "login was never called",
               "no calls of these routes were recorded\n");
    fx_release(&f);
}
END_TEST

START_TEST(test_order_window)
{
    struct fx f;
    const char *d;
    int i;

    /* 30 logins, then a charge and no read: the listing shows 20 calls
     * around where it diverges (the last step found: #31) */
    flow_init(&f);
    for (i = 0; i < 30; i++)
        LOGIN(&f);
    CHARGE(&f);
    run(&f);
    d = f.res.cases[ORDER].detail;
    ck_assert_ptr_nonnull(strstr(d, "calls of these routes, in order:\n  ... 20 earlier\n"
                                    "  #21 login POST /login\n"));
    ck_assert_ptr_nonnull(strstr(d, "  #31 create-charge POST /v1/charges  <- step 2\n"));
    ck_assert_ptr_null(strstr(d, "  #1 login"));
    ck_assert_ptr_null(strstr(d, "#20 "));
    fx_release(&f);
}
END_TEST

START_TEST(test_every_call)
{
    struct fx f;

    /* each call meets both conditions */
    flow_init(&f);
    CHARGE(&f);
    CHARGE(&f);
    LOGIN(&f); /* another route: not looked at */
    run(&f);
    ck_assert_str_eq(f.res.cases[EVERY].name, "every call of create-charge: with header "
                                              "Idempotency-Key, body $.currency=\"eur\"");
    check_case(&f, EVERY, MR_CASE_PASS, NULL, NULL);
    fx_release(&f);

    /* no call: nothing to check, and it says so */
    flow_init(&f);
    run(&f);
    check_case(&f, EVERY, MR_CASE_PASS, NULL,
               "note: no call was made, so there was nothing to check");
    fx_release(&f);

    /* each call that does not, with each condition it fails */
    flow_init(&f);
    CHARGE(&f);
    RECORD(&f, 0, "POST", "/v1/charges?x=1", "{\"currency\":\"usd\"}");
    RECORD(&f, 0, "POST", "/v1/charges", "not json", "Idempotency-Key: k");
    CHARGE(&f);
    run(&f);
    check_case(&f, EVERY, MR_CASE_FAIL,
               "expected every call to meet the conditions; 2 of 4 calls do not",
               "calls that do not meet them:\n"
               "  #2 POST /v1/charges?x=1 -> 201\n"
               "      header Idempotency-Key is missing\n"
               "      body $.currency is \"usd\", the expectation wants equal to \"eur\"\n"
               "  #3 POST /v1/charges -> 201\n"
               "      body is not JSON, the expectation wants a JSON body\n");
    fx_release(&f);

    /* one of one */
    flow_init(&f);
    RECORD(&f, 0, "POST", "/v1/charges", "{\"currency\":\"eur\"}");
    run(&f);
    check_case(&f, EVERY, MR_CASE_FAIL,
               "expected every call to meet the conditions; 1 of 1 call does not", ANY_DETAIL);
    fx_release(&f);
}
END_TEST

START_TEST(test_every_call_by_request)
{
    static const char text[] =
        "{\"routes\": [{\"id\": \"any\"}], \"expect\": [{\"request\": {\"method\": \"POST\"},"
        " \"every\": {\"headers\": {\"X-Sig\": {\"matches\": \"^v1=\"}}, \"query\": {\"a\": "
        "\"1\"}}}]}";
    struct fx f;

    fx_init_text(&f, text, 0);
    RECORD(&f, 0, "POST", "/a?a=1", NULL, "X-Sig: v1=abc");
    RECORD(&f, 0, "GET", "/b", NULL); /* not a POST: not looked at */
    RECORD(&f, 0, "POST", "/c?a=2", NULL, "X-Sig: v0=abc");
    run(&f);
    ck_assert_str_eq(f.res.cases[0].name,
                     "every call of POST *: query a=\"1\", header X-Sig matches /^v1=/");
    ck_assert_str_eq(f.res.cases[0].message, "checkout.json:1: expected every call to meet the "
                                             "conditions; 1 of 2 calls does not");
    ck_assert_str_eq(f.res.cases[0].detail,
                     "calls that do not meet them:\n"
                     "  #3 POST /c?a=2 -> 200\n"
                     "      query parameter a is \"2\", the expectation wants equal to \"1\"\n"
                     "      header X-Sig is \"v0=abc\", the expectation wants matching \"^v1=\"\n");
    fx_release(&f);
}
END_TEST

START_TEST(test_every_call_body_not_kept)
{
    struct fx f;

    /* a body the journal kept only part of cannot be checked against body conditions */
    flow_init(&f);
    CHARGE(&f);
    truncate_bodies = true;
    CHARGE(&f);
    truncate_bodies = false;
    run(&f);
    check_case(&f, EVERY, MR_CASE_ERROR,
               "cannot check 1 of 2 calls: the journal kept only part of the body (raise "
               "--body-limit)",
               NULL);
    fx_release(&f);

    /* unless another call fails anyway */
    flow_init(&f);
    truncate_bodies = true;
    CHARGE(&f);
    truncate_bodies = false;
    RECORD(&f, 0, "POST", "/v1/charges", "{\"currency\":\"eur\"}");
    run(&f);
    check_case(&f, EVERY, MR_CASE_FAIL,
               "expected every call to meet the conditions; 1 of 2 calls does not",
               "calls that do not meet them:\n"
               "  #2 POST /v1/charges -> 201\n"
               "      header Idempotency-Key is missing\n"
               "note: 1 call was not checked: the journal kept only part of the body "
               "(--body-limit)\n");
    fx_release(&f);
}
END_TEST

START_TEST(test_min_interval)
{
    struct fx f;

    flow_init(&f);
    POLL(&f);
    clock_us += 1000000;
    POLL(&f);
    clock_us += 500000;
    LOGIN(&f);
    POLL(&f);
    clock_us += 100999;
    POLL(&f);
    run(&f);
    ck_assert_str_eq(f.res.cases[INTERVAL].name, "calls of poll are at least 900 ms apart");
    check_case(&f, INTERVAL, MR_CASE_FAIL,
               "expected calls at least 900 ms apart; 2 of 3 intervals are shorter, the shortest "
               "100 ms (#5 after #4)",
               "calls less than 900 ms after the one before:\n"
               "  #4 GET /jobs/1 -> 202, 500 ms after #2\n"
               "  #5 GET /jobs/1 -> 202, 100 ms after #4\n");
    fx_release(&f);

    /* exactly the interval is enough; in order of arrival, not of #: here #2 came first */
    flow_init(&f);
    clock_us += 900000;
    POLL(&f);
    clock_us -= 900000;
    POLL(&f);
    clock_us += 1800000;
    POLL(&f);
    run(&f);
    check_case(&f, INTERVAL, MR_CASE_PASS, NULL, NULL);
    fx_release(&f);

    flow_init(&f);
    POLL(&f);
    clock_us += 899999;
    POLL(&f);
    run(&f);
    check_case(&f, INTERVAL, MR_CASE_FAIL,
               "expected calls at least 900 ms apart; 1 of 1 interval is shorter, the shortest "
               "899 ms (#2 after #1)",
               ANY_DETAIL);
    fx_release(&f);

    /* one call: no interval */
    flow_init(&f);
    POLL(&f);
    run(&f);
    check_case(&f, INTERVAL, MR_CASE_PASS, NULL, "note: one call, so no interval to check");
    fx_release(&f);
}
END_TEST

START_TEST(test_within)
{
    struct fx f;

    flow_init(&f);
    clock_us += 5000000; /* exactly the bound */
    LOGIN(&f);
    run(&f);
    ck_assert_str_eq(f.res.cases[WITHIN].name,
                     "the first call of login comes within 5000 ms of the start");
    check_case(&f, WITHIN, MR_CASE_PASS, NULL, NULL);
    fx_release(&f);

    flow_init(&f);
    POLL(&f);
    clock_us += 6021000;
    LOGIN(&f);
    clock_us += 1000;
    LOGIN(&f);
    run(&f);
    check_case(&f, WITHIN, MR_CASE_FAIL,
               "expected the first call within 5000 ms of the start; it came after 6021 ms",
               "first call:\n"
               "  #2 POST /login -> 200, 6021 ms after the start\n");
    fx_release(&f);

    flow_init(&f);
    run(&f);
    check_case(&f, WITHIN, MR_CASE_FAIL,
               "expected the first call within 5000 ms of the start; none came", NULL);
    fx_release(&f);

    /* without the start time there is nothing to measure from */
    flow_init(&f);
    f.in.start_wall_us = 0;
    LOGIN(&f);
    run(&f);
    check_case(&f, WITHIN, MR_CASE_ERROR, "cannot check: the time the command started is unknown",
               NULL);
    fx_release(&f);
}
END_TEST

START_TEST(test_strict_service_routes)
{
    static const char text[] =
        "{\"services\": {\"pay\": {\"strict\": true, \"routes\": [\n"
        " {\"id\": \"a\", \"request\": {\"path\": \"/a\"}},\n"
        " {\"id\": \"b\", \"request\": {\"path\": \"/b\"}},\n"
        " {\"id\": \"c\", \"request\": {\"path\": \"/c\"}, \"expect\": {\"atLeast\": 0}}]}}}\n";
    struct fx f;
    const struct mr_case *c;

    fx_init_text(&f, text, 0);
    RECORD(&f, 0, "GET", "/a", NULL);
    run(&f);
    ck_assert_uint_eq(f.res.ncases, 3 + 2);
    c = &f.res.cases[0];
    ck_assert_str_eq(c->name, "c is called any number of times");
    ck_assert_int_eq(c->status, MR_CASE_PASS);
    c = &f.res.cases[1];
    ck_assert_str_eq(c->name, "a is called at least 1 time (service pay is strict)");
    ck_assert_int_eq(c->status, MR_CASE_PASS);
    ck_assert_int_eq(c->line, 2);
    c = &f.res.cases[2];
    ck_assert_str_eq(c->name, "b is called at least 1 time (service pay is strict)");
    ck_assert_int_eq(c->status, MR_CASE_FAIL);
    ck_assert_str_eq(c->file, "checkout.json");
    ck_assert_int_eq(c->line, 3);
    ck_assert_str_eq(c->message, "checkout.json:3: expected at least 1 call, got 0");
    ck_assert_str_eq(c->detail,
                     "service pay is strict: each of its routes must be called unless an "
                     "expectation counts its calls (\"expect\": {\"atLeast\": 0} on the route "
                     "makes it optional)\n"
                     "no recorded call is related\n");
    fx_release(&f);
}
END_TEST

START_TEST(test_checks_past_the_journal_limit)
{
    struct fx f;

    /* the third call's details are not kept: it may be the missing step */
    fx_init_text(&f, flow, 2);
    f.in.start_wall_us = clock_us = 1000000;
    LOGIN(&f);
    CHARGE(&f);
    GET(&f);
    POLL(&f);
    run(&f);
    check_case(&f, ORDER, MR_CASE_ERROR,
               "cannot check: details of calls from #3 on were not kept (journal limit); raise "
               "--journal-limit",
               NULL);
    check_case(&f, EVERY, MR_CASE_ERROR,
               "cannot check: details of calls from #3 on were not kept (journal limit); raise "
               "--journal-limit",
               NULL);
    check_case(&f, INTERVAL, MR_CASE_ERROR,
               "cannot check: details of calls from #3 on were not kept (journal limit); raise "
               "--journal-limit",
               NULL);
    check_case(&f, WITHIN, MR_CASE_PASS, NULL, NULL); /* #1 is the first: certain */
    fx_release(&f);

    /* steps found among the kept calls stay found; strictly, a dropped call may be one
     * too many */
    fx_init_text(&f, flow, 3);
    f.in.start_wall_us = clock_us = 1000000;
    LOGIN(&f);
    CHARGE(&f);
    GET(&f);
    GET(&f);
    run(&f);
    check_case(&f, ORDER, MR_CASE_PASS, NULL, NULL);
    check_case(&f, STRICT, MR_CASE_ERROR,
               "cannot check: details of calls from #4 on were not kept (journal limit); raise "
               "--journal-limit",
               NULL);
    fx_release(&f);

    /* a failure among the kept calls stands */
    fx_init_text(&f, flow, 2);
    f.in.start_wall_us = clock_us = 1000000;
    GET(&f);
    RECORD(&f, 0, "POST", "/v1/charges", "{}");
    LOGIN(&f);
    run(&f);
    check_case(&f, STRICT, MR_CASE_FAIL,
               "expected exactly login, create-charge, get-charge; diverges at call 1 (#1): "
               "get-charge, expected login",
               ANY_DETAIL);
    ck_assert_ptr_nonnull(strstr(f.res.cases[STRICT].detail,
                                 "note: details of calls from #3 on were not kept (journal "
                                 "limit)\n"));
    check_case(&f, EVERY, MR_CASE_FAIL,
               "expected every call to meet the conditions; 1 of 1 call does not", ANY_DETAIL);
    check_case(&f, WITHIN, MR_CASE_ERROR,
               "cannot check: details of calls from #3 on were not kept (journal limit); raise "
               "--journal-limit",
               NULL);
    fx_release(&f);
}
END_TEST

START_TEST(test_checks_after_a_reset)
{
    struct fx f;

    /* what came before a reset is not looked at */
    flow_init(&f);
    LOGIN(&f);
    mr_journal_reset(f.j);
    CHARGE(&f);
    GET(&f);
    run(&f);
    check_case(&f, ORDER, MR_CASE_FAIL,
               "expected login, create-charge, get-charge in this order; diverges at step 1: "
               "login was never called",
               "calls of these routes, in order:\n"
               "  #2 create-charge POST /v1/charges\n"
               "  #3 get-charge GET /v1/charges/ch_1\n");
    fx_release(&f);
}
END_TEST

START_TEST(test_checks_skipped_without_the_command)
{
    struct fx f;
    size_t i;

    flow_init(&f);
    f.proc.state = MR_PROC_NOT_STARTED;
    run(&f);
    for (i = ORDER; i <= WITHIN; i++) {
        /* no place in the message of a skipped case; the case still has it */
        ck_assert_int_eq(f.res.cases[i].status, MR_CASE_SKIP);
        ck_assert_str_eq(f.res.cases[i].message, "the command did not run");
        ck_assert_int_eq(f.res.cases[i].line, (int)i + 8);
    }
    fx_release(&f);
}
END_TEST

/* "scope": "suite": a shard skips the count; a merge checks only it, with no
 * unexpected-requests or command case; a whole run checks it as any other. */
START_TEST(test_suite_scope)
{
    static const char text[] =
        "{\"name\": \"checkout\", \"routes\": [\n"
        "  {\"id\": \"list\", \"request\": {\"path\": \"/list\"}, \"expect\": {\"times\": 2,"
        " \"scope\": \"suite\"}}],\n"
        " \"expect\": [{\"route\": \"list\", \"atLeast\": 1}]}\n";
    struct fx f;

    fx_init_text(&f, text, 0);
    RECORD(&f, 0, "GET", "/list", NULL);
    f.in.sharded = true;
    run(&f);
    ck_assert_uint_eq(f.res.ncases, 4);
    ck_assert_str_eq(f.res.cases[0].name, "list is called at least 1 time");
    ck_assert_int_eq(f.res.cases[0].status, MR_CASE_PASS);
    ck_assert_str_eq(f.res.cases[1].name, "list is called exactly 2 times in the whole suite");
    ck_assert_int_eq(f.res.cases[1].status, MR_CASE_SKIP);
    ck_assert_str_eq(f.res.cases[1].message,
                     "\"scope\": \"suite\": checked over every shard's journal by mockrun merge");
    fx_release(&f);

    fx_init_text(&f, text, 0);
    RECORD(&f, 0, "GET", "/list", NULL);
    f.in.merge = true;
    f.in.proc = NULL; /* no command in a merge */
    run(&f);
    ck_assert_uint_eq(f.res.ncases, 1);
    ck_assert_str_eq(f.res.cases[0].name, "list is called exactly 2 times in the whole suite");
    ck_assert_int_eq(f.res.cases[0].status, MR_CASE_FAIL);
    ck_assert_str_eq(f.res.cases[0].message, "checkout.json:2: expected exactly 2 calls, got 1");
    fx_release(&f);

    fx_init_text(&f, text, 0);
    RECORD(&f, 0, "GET", "/list", NULL);
    RECORD(&f, 0, "GET", "/list", NULL);
    run(&f);
    ck_assert_uint_eq(f.res.ncases, 4);
    ck_assert_int_eq(f.res.cases[1].status, MR_CASE_PASS);
    fx_release(&f);
}
END_TEST

/* --- callbacks ---------------------------------------------------------- */

static const char with_callbacks[] =
    "{\"name\": \"hooks\", \"services\": {\n"
    " \"payments\": {\n"
    "  \"callbacks\": [{\"id\": \"paid\", \"url\": \"http://127.0.0.1:9/h\"},\n"
    "                {\"id\": \"unused\", \"url\": \"http://127.0.0.1:9/u\"}],\n"
    "  \"routes\": [\n"
    "   {\"id\": \"create-charge\", \"request\": {\"method\": \"POST\", \"path\": "
    "\"/v1/charges\"},\n"
    "    \"response\": {\"callbacks\": [{\"callback\": \"paid\"}]}}]}},\n"
    " \"expect\": [\n"
    "  {\"callback\": \"paid\", \"times\": 1, \"status\": 200},\n"
    "  {\"callback\": \"paid\"},\n"
    "  {\"callback\": \"unused\", \"times\": 0},\n"
    "  {\"callback\": \"unused\"}]}\n";

/* Records an attempt of callback cb for delivery d (attempt n); status 0: failed with `error`. */
static void attempt(struct fx *f, size_t cb, uint64_t d, unsigned n, bool final,
                    enum mr_attempt_outcome o, int status, const char *error)
{
    struct mr_attempt a;

    memset(&a, 0, sizeof(a));
    a.callback = (uint32_t)cb;
    a.delivery = d;
    a.attempt = n;
    a.trigger = 1;
    a.final = final;
    a.outcome = o;
    a.status = status;
    a.error = error;
    a.method = "POST";
    a.url = "http://127.0.0.1:9/h";
    a.body = "{\"id\":\"ch_1\"}\n";
    a.body_len = (uint32_t)strlen(a.body);
    a.body_size = a.body_len;
    if (o == MR_ATTEMPT_ANSWERED) {
        a.answer = "oops";
        a.answer_len = 4;
        a.answer_size = 4;
    }
    a.duration_us = 12000;
    ck_assert_uint_gt(mr_journal_add_attempt(f->j, &a), 0);
}

START_TEST(test_callback_counts)
{
    struct fx f;
    const struct mr_case *c;

    fx_init_text(&f, with_callbacks, 0);
    RECORD(&f, 0, "POST", "/v1/charges", NULL);
    attempt(&f, 0, 1, 1, false, MR_ATTEMPT_ANSWERED, 500, NULL);
    attempt(&f, 0, 1, 2, false, MR_ATTEMPT_FAILED, 0, "connection refused");
    attempt(&f, 0, 1, 3, true, MR_ATTEMPT_ANSWERED, 200, NULL);
    run(&f);
    /* one delivery, its last attempt answered 200: retries are not deliveries */
    c = case_named(&f, "paid is delivered exactly 1 time, answered 200");
    ck_assert_int_eq(c->status, MR_CASE_PASS);
    ck_assert_int_eq(c->line, 9);
    ck_assert_int_eq(case_named(&f, "paid is delivered at least 1 time")->status, MR_CASE_PASS);
    ck_assert_int_eq(case_named(&f, "unused is never delivered")->status, MR_CASE_PASS);
    c = case_named(&f, "unused is delivered at least 1 time");
    ck_assert_int_eq(c->status, MR_CASE_FAIL);
    ck_assert_str_eq(c->message,
                     "checkout.json:12: expected at least 1 callback the application answered, "
                     "got 0 (0 triggered)");
    ck_assert_str_eq(c->detail, "unused was never triggered: no route's response sends it\n");
    ck_assert_int_eq(case_named(&f, "no callback was refused (allowHosts)")->status, MR_CASE_PASS);
    ck_assert_ptr_null(f.res.notes);
    fx_release(&f);
}
END_TEST

START_TEST(test_callback_failure_lists_attempts)
{
    struct fx f;
    const struct mr_case *c;

    fx_init_text(&f, with_callbacks, 0);
    RECORD(&f, 0, "POST", "/v1/charges", NULL);
    attempt(&f, 0, 1, 1, false, MR_ATTEMPT_ANSWERED, 500, NULL);
    attempt(&f, 0, 1, 2, true, MR_ATTEMPT_FAILED, 0, "timed out after 5 s (no answer)");
    attempt(&f, 0, 2, 1, true, MR_ATTEMPT_NOT_SENT, 0,
            "not sent: it was due 2 s after the command ended");
    run(&f);
    c = case_named(&f, "paid is delivered exactly 1 time, answered 200");
    ck_assert_int_eq(c->status, MR_CASE_FAIL);
    ck_assert_str_eq(c->message,
                     "checkout.json:9: expected exactly 1 callback answered 200, got 0 (2 "
                     "triggered)");
    ck_assert_str_eq(c->detail,
                     "deliveries of paid:\n"
                     "  delivery 1 (after call #1 POST /v1/charges): failed\n"
                     "      attempt 1: POST http://127.0.0.1:9/h -> 500 (12 ms)\n"
                     "          sent: {\"id\":\"ch_1\"} \n"
                     "          answered: oops\n"
                     "      attempt 2: POST http://127.0.0.1:9/h: timed out after 5 s (no answer)\n"
                     "          sent: {\"id\":\"ch_1\"} \n"
                     "  delivery 2 (after call #1 POST /v1/charges): not sent\n"
                     "      attempt 1: POST http://127.0.0.1:9/h: not sent: it was due 2 s after "
                     "the command ended\n"
                     "          body: {\"id\":\"ch_1\"} \n");
    ck_assert_int_eq(case_named(&f, "paid is delivered at least 1 time")->status, MR_CASE_FAIL);
    /* what was never sent is said in the notes */
    ck_assert_str_eq(f.res.notes, "mockrun: callback paid (after call #1 POST /v1/charges) not "
                                  "sent: it was due 2 s after the command ended\n");
    fx_release(&f);
}
END_TEST

START_TEST(test_callback_refused)
{
    struct fx f;
    const struct mr_case *c;

    fx_init_text(&f, with_callbacks, 0);
    RECORD(&f, 0, "POST", "/v1/charges", NULL);
    attempt(&f, 0, 1, 1, true, MR_ATTEMPT_REFUSED, 0,
            "refused: host 10.0.0.1 is not loopback and not in allowHosts");
    run(&f);
    c = case_named(&f, "no callback was refused (allowHosts)");
    ck_assert_int_eq(c->status, MR_CASE_FAIL);
    ck_assert_str_eq(c->message, "1 callback was refused");
    ck_assert_str_eq(c->detail,
                     "  paid (after call #1 POST /v1/charges): refused: host 10.0.0.1 is not "
                     "loopback and not in allowHosts\n"
                     "      POST http://127.0.0.1:9/h\n"
                     "callbacks go to loopback, or to hosts the scenario's \"allowHosts\" "
                     "names; these were never sent\n");
    /* a refused callback is no delivery */
    ck_assert_int_eq(case_named(&f, "paid is delivered at least 1 time")->status, MR_CASE_FAIL);
    fx_release(&f);
}
END_TEST

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    return tc;
}

static Suite *verify_suite(void)
{
    Suite *s = suite_create("verify");
    TCase *tc;

    tc = tcase("expect");
    tcase_add_test(tc, test_all_pass);
    tcase_add_test(tc, test_missing_call);
    tcase_add_test(tc, test_near_miss_listed_with_reason);
    tcase_add_test(tc, test_route_matched_but_extra_conditions_not);
    tcase_add_test(tc, test_too_many_calls);
    tcase_add_test(tc, test_count_messages);
    tcase_add_test(tc, test_request_only_expectation_near_misses);
    tcase_add_test(tc, test_listing_is_capped);
    tcase_add_test(tc, test_dropped_details_note);
    suite_add_tcase(s, tc);

    tc = tcase("assertions");
    tcase_add_test(tc, test_order_passes);
    tcase_add_test(tc, test_order_fails);
    tcase_add_test(tc, test_order_window);
    tcase_add_test(tc, test_every_call);
    tcase_add_test(tc, test_every_call_by_request);
    tcase_add_test(tc, test_every_call_body_not_kept);
    tcase_add_test(tc, test_min_interval);
    tcase_add_test(tc, test_within);
    tcase_add_test(tc, test_strict_service_routes);
    tcase_add_test(tc, test_checks_past_the_journal_limit);
    tcase_add_test(tc, test_checks_after_a_reset);
    tcase_add_test(tc, test_checks_skipped_without_the_command);
    tcase_add_test(tc, test_suite_scope);
    suite_add_tcase(s, tc);

    tc = tcase("callbacks");
    tcase_add_test(tc, test_callback_counts);
    tcase_add_test(tc, test_callback_failure_lists_attempts);
    tcase_add_test(tc, test_callback_refused);
    suite_add_tcase(s, tc);

    tc = tcase("unexpected");
    tcase_add_test(tc, test_unexpected_fail);
    tcase_add_test(tc, test_calls_name_their_tests);
    tcase_add_test(tc, test_unexpected_one_and_many);
    tcase_add_test(tc, test_unexpected_allow);
    suite_add_tcase(s, tc);

    tc = tcase("command");
    tcase_add_test(tc, test_command_exit_ok_and_wrong_code);
    tcase_add_test(tc, test_command_expected_code_from_scenario);
    tcase_add_test(tc, test_command_signaled);
    tcase_add_test(tc, test_command_timed_out);
    tcase_add_test(tc, test_command_interrupted);
    tcase_add_test(tc, test_command_not_started);
    tcase_add_test(tc, test_output_abandoned_note);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(verify_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
