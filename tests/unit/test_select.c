/*
 * test_select.c - server/select.c: which response of a route answers a call,
 * in every mode (sequential, cycle, weighted random, rules), with callNumber,
 * path parameters, cookies and service state.
 *
 * Routes come from real scenario text (scenarios/load.c). Scenario text uses
 * ' for " (see jq()). Each test names responses by their status, so
 * "which response" reads as a number.
 *
 * One case:   CK_RUN_CASE=rules ./test_select
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "scenarios/scenario.h"
#include "server/match.h"
#include "server/select.h"

/* --- helpers ------------------------------------------------------------ */

static struct mr_scenario *load(const char *squoted)
{
    struct mr_error_list errs;
    struct mr_scenario *sc = NULL;
    char *t = strdup(squoted), *p;
    int rc;

    ck_assert_ptr_nonnull(t);
    for (p = t; *p; p++)
        if (*p == '\'')
            *p = '"';
    memset(&errs, 0, sizeof(errs));
    rc = mr_scenario_parse_one(&sc, "select.json", t, strlen(t), &errs);
    if (rc != 0) {
        char line[1024];
        mr_error_format(&errs.items[0], line, sizeof(line));
        ck_abort_msg("scenario does not load: %s", line);
    }
    free(t);
    return sc;
}

/* A route's responses as a scenario with one route. */
static struct mr_scenario *route(const char *route_body)
{
    char text[4096];
    snprintf(text, sizeof(text), "{'routes': [{'request': {'path': '/r/:id'}, %s}]}", route_body);
    return load(text);
}

/* A fixed sequence of "random" values, and how many were drawn. */
struct draws {
    const uint64_t *values;
    size_t n, next;
};

static uint64_t draw(void *ctx)
{
    struct draws *d = ctx;
    uint64_t v = d->values[d->next % d->n];
    d->next++;
    return v;
}

static const char *state(const struct mr_scenario *sc, const char *name)
{
    size_t i;
    for (i = 0; i < sc->nstates; i++)
        if (strcmp(sc->state_names[i], name) == 0)
            return sc->state_names[i];
    ck_abort_msg("no state %s", name);
    return NULL;
}

/* One call: what the server knows about it. */
struct call {
    const char *path;   /* "/r/1" */
    const char *method; /* "GET" */
    const char *query;
    const char *header; /* "Name: value" or NULL */
    const char *cookie; /* a Cookie header value or NULL */
    const char *body;
    uint64_t number;   /* 1-based call of the route */
    const char *state; /* NULL: "Started" */
};

static uint64_t zero_values[] = {0};

/*
 * The status of the response chosen for `c`, or 0 when the route does not
 * answer. `d` may be NULL when no random value may be drawn.
 */
static int pick(const struct mr_scenario *sc, const struct call *c, struct draws *d)
{
    struct draws none = {zero_values, 1, 0};
    struct mr_request req;
    struct mr_kv headers[2], params[8], cookies[8], query[8];
    struct mr_select in;
    char path[256], scratch[256], qscratch[256];
    const struct mr_response *r;
    size_t nh = 0;

    memset(&req, 0, sizeof(req));
    req.method = c->method ? c->method : "GET";
    req.raw_path = c->path ? c->path : "/r/1";
    path[mr_percent_decode(path, req.raw_path, strlen(req.raw_path), 0)] = '\0';
    req.path = path;
    req.query = c->query ? c->query : "";
    req.params = query;
    req.nparams = mr_request_parse_query(req.query, qscratch, query, 8);
    if (c->header) {
        const char *colon = strchr(c->header, ':');
        headers[nh].name = c->header;
        headers[nh].name_len = (size_t)(colon - c->header);
        headers[nh].value = colon + 2;
        headers[nh].value_len = strlen(colon + 2);
        nh++;
    }
    req.headers = headers;
    req.nheaders = nh;
    req.body = c->body ? c->body : "";
    req.body_len = strlen(req.body);

    memset(&in, 0, sizeof(in));
    in.call = c->number ? c->number : 1;
    in.state = c->state ? state(sc, c->state) : sc->state_names[0];
    in.params = params;
    in.nparams = mr_match_path_params(&sc->routes[0].match, &req, params, 8, scratch);
    in.cookies = cookies;
    in.ncookies =
        c->cookie ? mr_request_parse_cookies(c->cookie, strlen(c->cookie), cookies, 8) : 0;
    in.rand = draw;
    in.rand_ctx = d ? d : &none;
    r = mr_select_response(&sc->routes[0], &req, &in);
    mr_request_release(&req);
    if (!d)
        ck_assert_uint_eq(none.next, 0); /* nothing drawn outside random mode */
    return r ? r->status : 0;
}

/* The status for the nth call with nothing else said. */
static int nth(const struct mr_scenario *sc, uint64_t n)
{
    struct call c = {.number = n};
    return pick(sc, &c, NULL);
}

static const char three[] = "'responses': [{'status': 201}, {'status': 202}, {'status': 203}]";

/* --- modes ---------------------------------------------------------------- */

START_TEST(test_single_response)
{
    struct mr_scenario *sc = route("'response': {'status': 418}");
    ck_assert_int_eq(nth(sc, 1), 418);
    ck_assert_int_eq(nth(sc, 1000), 418);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_sequential)
{
    struct mr_scenario *sc = route(three); /* sequential is the default */
    ck_assert_int_eq(nth(sc, 1), 201);
    ck_assert_int_eq(nth(sc, 2), 202);
    ck_assert_int_eq(nth(sc, 3), 203);
    /* after the last it stays on the last: "503, 503, then 200" */
    ck_assert_int_eq(nth(sc, 4), 203);
    ck_assert_int_eq(nth(sc, 1000000), 203);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_cycle)
{
    char text[256];
    struct mr_scenario *sc;
    snprintf(text, sizeof(text), "'mode': 'cycle', %s", three);
    sc = route(text);
    ck_assert_int_eq(nth(sc, 1), 201);
    ck_assert_int_eq(nth(sc, 3), 203);
    ck_assert_int_eq(nth(sc, 4), 201);
    ck_assert_int_eq(nth(sc, 5), 202);
    ck_assert_int_eq(nth(sc, 3000), 203);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_random_uniform)
{
    static const uint64_t v[] = {0, 1, 2, 3, 4, 5, UINT64_MAX};
    struct draws d = {v, 7, 0};
    struct call c = {0};
    char text[256];
    struct mr_scenario *sc;

    snprintf(text, sizeof(text), "'mode': 'random', %s", three);
    sc = route(text);
    /* one value per call, the response is value mod 3 (every weight is 1) */
    ck_assert_int_eq(pick(sc, &c, &d), 201);
    ck_assert_int_eq(pick(sc, &c, &d), 202);
    ck_assert_int_eq(pick(sc, &c, &d), 203);
    ck_assert_int_eq(pick(sc, &c, &d), 201);
    ck_assert_int_eq(pick(sc, &c, &d), 202);
    ck_assert_int_eq(pick(sc, &c, &d), 203);
    ck_assert_int_eq(pick(sc, &c, &d), 201); /* UINT64_MAX % 3 == 0 */
    ck_assert_uint_eq(d.next, 7);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_random_weights)
{
    static const uint64_t v[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    struct draws d = {v, 10, 0};
    struct call c = {0};
    int got[10], i;
    struct mr_scenario *sc =
        route("'mode': 'random', 'responses': [{'status': 201, 'weight': 1}, {'status': 202, "
              "'weight': 0}, {'status': 203, 'weight': 3}, {'status': 204}]");

    /* weights 1, 0, 3, 1 (the default): value mod 5 picks 0 | - | 1..3 | 4 */
    for (i = 0; i < 10; i++)
        got[i] = pick(sc, &c, &d);
    ck_assert_int_eq(got[0], 201);
    ck_assert_int_eq(got[1], 203);
    ck_assert_int_eq(got[3], 203);
    ck_assert_int_eq(got[4], 204);
    ck_assert_int_eq(got[5], 201);
    ck_assert_int_eq(got[9], 204);
    for (i = 0; i < 10; i++)
        ck_assert_int_ne(got[i], 202); /* weight 0 is never chosen */
    mr_scenario_free(sc);
}
END_TEST

/* --- rules ------------------------------------------------------------------ */

START_TEST(test_rules_first_match_and_fallback)
{
    struct mr_scenario *sc =
        route("'responses': ["
              "{'status': 401, 'when': {'headers': {'Authorization': {'absent': true}}}},"
              "{'status': 403, 'when': {'headers': {'Authorization': 'Bearer expired'}}},"
              "{'status': 200},"
              "{'status': 299}]");
    struct call anon = {0}, expired = {.header = "Authorization: Bearer expired"},
                good = {.header = "Authorization: Bearer ok"};

    ck_assert_int_eq(sc->routes[0].mode, MR_MODE_RULES); /* the default with `when` */
    ck_assert_int_eq(pick(sc, &anon, NULL), 401);
    ck_assert_int_eq(pick(sc, &expired, NULL), 403);
    /* no rule holds: the first response without conditions */
    ck_assert_int_eq(pick(sc, &good, NULL), 200);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_rules_without_fallback)
{
    struct mr_scenario *sc =
        route("'responses': [{'status': 200, 'when': {'query': {'page': '1'}}},"
              "{'status': 201, 'when': {'method': 'POST'}}]");
    struct call page1 = {.query = "page=1"}, page2 = {.query = "page=2"},
                post = {.method = "POST", .query = "page=2"};

    ck_assert_int_eq(pick(sc, &page1, NULL), 200);
    ck_assert_int_eq(pick(sc, &post, NULL), 201);
    /* nothing holds and there is no fallback: the route does not answer */
    ck_assert_int_eq(pick(sc, &page2, NULL), 0);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_rules_call_number)
{
    struct mr_scenario *sc = route("'responses': ["
                                   "{'status': 500, 'when': {'callNumber': 2}},"
                                   "{'status': 503, 'when': {'callNumber': {'atLeast': 4, "
                                   "'atMost': 5}}},"
                                   "{'status': 429, 'when': {'callNumber': {'atLeast': 7}}},"
                                   "{'status': 200}]");
    static const int want[] = {200, 500, 200, 503, 503, 200, 429, 429};
    size_t i;

    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        ck_assert_int_eq(nth(sc, i + 1), want[i]);
    ck_assert_int_eq(nth(sc, 1000000), 429);
    mr_scenario_free(sc);
}
END_TEST

/* `when` as an array: any one set of conditions (Mockoon's OR operator) */
START_TEST(test_rules_any_of)
{
    struct mr_scenario *sc = route("'responses': ["
                                   "{'status': 403, 'when': [{'query': {'role': 'guest'}},"
                                   "  {'headers': {'X-Banned': {'present': true}}},"
                                   "  {'callNumber': {'atLeast': 3}, 'method': 'DELETE'}]},"
                                   "{'status': 200}]");
    struct call guest = {.query = "role=guest"}, banned = {.header = "X-Banned: 1"},
                admin = {.query = "role=admin"}, del2 = {.method = "DELETE", .number = 2},
                del3 = {.method = "DELETE", .number = 3}, get3 = {.number = 3};

    ck_assert_int_eq(pick(sc, &guest, NULL), 403);
    ck_assert_int_eq(pick(sc, &banned, NULL), 403);
    ck_assert_int_eq(pick(sc, &admin, NULL), 200);
    /* inside one set, every condition must hold */
    ck_assert_int_eq(pick(sc, &del2, NULL), 200);
    ck_assert_int_eq(pick(sc, &del3, NULL), 403);
    ck_assert_int_eq(pick(sc, &get3, NULL), 200);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_rules_params_and_cookies)
{
    struct mr_scenario *sc =
        route("'responses': ["
              "{'status': 404, 'when': {'params': {'id': 'missing'}}},"
              "{'status': 410, 'when': {'params': {'id': 'a/b'}}},"
              "{'status': 401, 'when': {'cookies': {'session': {'absent': true}}}},"
              "{'status': 200, 'when': {'cookies': {'session': 'ok'}}}]");
    struct call missing = {.path = "/r/missing", .cookie = "session=ok"},
                slash = {.path = "/r/a%2Fb", .cookie = "session=ok"}, anon = {.path = "/r/7"},
                ok = {.path = "/r/7", .cookie = "theme=dark; session=ok"},
                bad = {.path = "/r/7", .cookie = "session=no"};

    ck_assert_int_eq(pick(sc, &missing, NULL), 404);
    ck_assert_int_eq(pick(sc, &slash, NULL), 410); /* the parameter is decoded */
    ck_assert_int_eq(pick(sc, &anon, NULL), 401);
    ck_assert_int_eq(pick(sc, &ok, NULL), 200);
    ck_assert_int_eq(pick(sc, &bad, NULL), 0);
    mr_scenario_free(sc);

    /* {"not": ...} on path parameters and cookies */
    sc = route("'responses': [{'status': 403, 'when': {'params': {'id': {'not': {'matches': "
               "'^[0-9]+$'}}}}},"
               "{'status': 401, 'when': {'cookies': {'session': {'not': {'present': true}}}}},"
               "{'status': 200}]");
    ck_assert_int_eq(pick(sc, &anon, NULL), 401); /* /r/7 without a session */
    ck_assert_int_eq(pick(sc, &ok, NULL), 200);
    ck_assert_int_eq(pick(sc, &missing, NULL), 403); /* /r/missing is not a number */
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_rules_body)
{
    struct mr_scenario *sc = route("'responses': ["
                                   "{'status': 402, 'when': {'body': {'json': {'amount': 0}}}},"
                                   "{'status': 201}]");
    struct call zero = {.method = "POST", .body = "{\"amount\": 0}"},
                five = {.method = "POST", .body = "{\"amount\": 5}"},
                junk = {.method = "POST", .body = "{\"amount\""};

    ck_assert_int_eq(pick(sc, &zero, NULL), 402);
    ck_assert_int_eq(pick(sc, &five, NULL), 201);
    ck_assert_int_eq(pick(sc, &junk, NULL), 201);
    mr_scenario_free(sc);
}
END_TEST

/* --- state ------------------------------------------------------------------ */

START_TEST(test_state_on_responses)
{
    struct mr_scenario *sc = route("'responses': [{'status': 200, 'whenState': 'has-items'},"
                                   "{'status': 204, 'whenState': 'checked-out'}, {'status': 404}],"
                                   "'setState': 'seen'");
    struct call started = {0}, items = {.state = "has-items"}, out = {.state = "checked-out"},
                seen = {.state = "seen"};

    ck_assert_int_eq(sc->routes[0].mode, MR_MODE_RULES); /* the default with `whenState` */
    ck_assert_int_eq(pick(sc, &started, NULL), 404);
    ck_assert_int_eq(pick(sc, &items, NULL), 200);
    ck_assert_int_eq(pick(sc, &out, NULL), 204);
    ck_assert_int_eq(pick(sc, &seen, NULL), 404);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_state_on_route)
{
    char text[256];
    struct mr_scenario *sc;
    struct call started = {0}, open = {.state = "open"};

    snprintf(text, sizeof(text), "'whenState': 'open', 'mode': 'cycle', %s", three);
    sc = route(text);
    /* the route answers only in its state, whatever the mode */
    ck_assert_int_eq(pick(sc, &started, NULL), 0);
    ck_assert_int_eq(pick(sc, &open, NULL), 201);
    open.number = 2;
    ck_assert_int_eq(pick(sc, &open, NULL), 202);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_state_and_when_together)
{
    struct mr_scenario *sc =
        route("'responses': [{'status': 409, 'whenState': 'locked', 'when': {'method': 'PUT'}},"
              "{'status': 200}]");
    struct call put_locked = {.method = "PUT", .state = "locked"},
                get_locked = {.method = "GET", .state = "locked"}, put_started = {.method = "PUT"};

    ck_assert_int_eq(pick(sc, &put_locked, NULL), 409);
    ck_assert_int_eq(pick(sc, &get_locked, NULL), 200);
    ck_assert_int_eq(pick(sc, &put_started, NULL), 200);
    mr_scenario_free(sc);
}
END_TEST

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 30);
    return tc;
}

static Suite *select_suite(void)
{
    Suite *s = suite_create("select");
    TCase *tc;

    tc = tcase("modes");
    tcase_add_test(tc, test_single_response);
    tcase_add_test(tc, test_sequential);
    tcase_add_test(tc, test_cycle);
    tcase_add_test(tc, test_random_uniform);
    tcase_add_test(tc, test_random_weights);
    suite_add_tcase(s, tc);

    tc = tcase("rules");
    tcase_add_test(tc, test_rules_first_match_and_fallback);
    tcase_add_test(tc, test_rules_without_fallback);
    tcase_add_test(tc, test_rules_call_number);
    tcase_add_test(tc, test_rules_any_of);
    tcase_add_test(tc, test_rules_params_and_cookies);
    tcase_add_test(tc, test_rules_body);
    suite_add_tcase(s, tc);

    tc = tcase("state");
    tcase_add_test(tc, test_state_on_responses);
    tcase_add_test(tc, test_state_on_route);
    tcase_add_test(tc, test_state_and_when_together);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(select_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
