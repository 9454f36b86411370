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
    ck_assert_int_eq(mr_scenario_parse(&f->sc, "checkout.json", text, strlen(text), &errs), 0);
    ck_assert_int_eq(mr_router_new(&f->router, f->sc, &err), 0);
    mr_journal_limits_init(&lim);
    if (max_calls)
        lim.max_calls = max_calls;
    ck_assert_int_eq(mr_journal_new(&f->j, f->sc->nroutes, f->sc->nexpects, &lim, &err), 0);
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

/* Records a call as the server would. Headers: "Name: value" strings, NULL-terminated. */
static void record(struct fx *f, size_t service, const char *method, const char *target,
                   const char *body, ...)
{
    struct mr_request req;
    struct mr_kv params[16], headers[8];
    char path[256], query[256], scratch[600], near[600];
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
        struct mr_miss miss;
        long nr = mr_router_nearest(f->router, service, &req, &miss);
        mr_miss_describe(f->sc, nr, &miss, &req, near, sizeof(near));
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
    ck_assert_str_eq(c->message, "expected exactly 1 call, got 0");
    ck_assert_str_eq(c->detail, "no calls were recorded\n");
    c = &f.res.cases[1];
    ck_assert_int_eq(c->status, MR_CASE_FAIL);
    ck_assert_str_eq(c->message, "expected 1 to 3 calls, got 0");
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
    ck_assert_str_eq(c->message, "expected exactly 1 call, got 0");
    ck_assert_str_eq(c->detail, "other calls, and why they did not count:\n"
                                "  #1 POST /v1/charges?expand=customer -> 404 (no route matched) "
                                "[payments]\n"
                                "      closest route \"create-charge\": body.currency is "
                                "\"usd\", the route wants \"eur\"\n");
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
    ck_assert_str_eq(c->message, "expected exactly 1 call, got 0");
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
    ck_assert_str_eq(c->message, "expected exactly 1 call, got 2");
    ck_assert_str_eq(c->detail, "calls counted:\n"
                                "  #1 POST /v1/charges?expand=customer -> 201 (route "
                                "create-charge) [payments]\n"
                                "  #2 POST /v1/charges?expand=customer -> 201 (route "
                                "create-charge) [payments]\n");
    c = &f.res.cases[1];
    ck_assert_str_eq(c->message, "expected 1 to 3 calls, got 4");
    ck_assert_ptr_nonnull(strstr(c->detail, "  #6 GET /v1/charges/ch_1 -> 200 (route get-charge)"));
    /* too many: near misses are not listed */
    ck_assert_ptr_null(strstr(c->detail, "other calls"));
    c = &f.res.cases[2];
    ck_assert_str_eq(c->name, "never refunds");
    ck_assert_str_eq(c->message, "expected exactly 0 calls, got 1");
    ck_assert_str_eq(c->detail, "calls counted:\n"
                                "  #7 POST /v1/refunds -> 404 (no route matched) [payments]\n"
                                "      closest route \"create-charge\": path \"/v1/refunds\" does "
                                "not match \"/v1/charges\"\n");
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
        {"\"times\": 1", 0, "expected exactly 1 call, got 0"},
        {"\"times\": 2", 3, "expected exactly 2 calls, got 3"},
        {"\"times\": 0", 1, "expected exactly 0 calls, got 1"},
        {"\"atLeast\": 1", 0, "expected at least 1 call, got 0"},
        {"\"atLeast\": 2", 1, "expected at least 2 calls, got 1"},
        {"\"atMost\": 1", 2, "expected at most 1 call, got 2"},
        {"\"atMost\": 2", 3, "expected at most 2 calls, got 3"},
        {"\"atLeast\": 2, \"atMost\": 4", 5, "expected 2 to 4 calls, got 5"},
        {"\"atLeast\": 2, \"atMost\": 4", 1, "expected 2 to 4 calls, got 1"},
        {"\"times\": 3, \"atLeast\": 1", 2, "expected exactly 3 calls, got 2"},
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
    ck_assert_str_eq(c->message, "expected at least 1 call, got 0");
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
    ck_assert_str_eq(f.res.cases[0].message, "expected exactly 0 calls, got 30");
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
    ck_assert_str_eq(f.res.cases[0].message, "expected exactly 1 call, got 5");
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
                                "      closest route \"get-charge\": method is DELETE, the route "
                                "wants GET\n"
                                "  #3 GET /nope?x=1 -> 404 (no route matched) [mail]\n"
                                "      closest route \"send\": path \"/nope\" does not match "
                                "\"/send\"\n");
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
                                "      closest route \"r\": path \"/x\" does not match \"/r\"\n");
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

    tc = tcase("unexpected");
    tcase_add_test(tc, test_unexpected_fail);
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
