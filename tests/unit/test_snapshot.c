/*
 * test_snapshot.c - runner/snapdiff.c and runner/snapshot.c: a call's entry
 * (headers selected, secrets redacted, masked values, members sorted), the
 * comparison of two lists of entries (per route as multisets, or as one
 * sequence) with its exact diff text, and the entries and file text made
 * from a journal filled by hand.
 *
 * Entries are written with ' for " (jq()) so they stay readable.
 *
 * One case:   CK_RUN_CASE=compare ./test_snapshot
 * Under gdb:  CK_FORK=no gdb ./test_snapshot
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "runner/snapdiff.h"
#include "runner/snapshot.h"
#include "scenarios/scenario.h"
#include "server/journal.h"
#include "server/match.h"
#include "tests/lib/tmpdir.h"

/* --- helpers ------------------------------------------------------------ */

static char *jq(const char *s)
{
    char *c = strdup(s), *p;
    ck_assert_ptr_nonnull(c);
    for (p = c; *p; p++)
        if (*p == '\'')
            *p = '"';
    return c;
}

static cJSON *parse(const char *squoted)
{
    char *t = jq(squoted);
    cJSON *v = cJSON_Parse(t);
    ck_assert_msg(v != NULL, "not JSON: %s", t);
    free(t);
    return v;
}

/* A scenario with only these `snapshot` settings ('-quoted object, or NULL). */
static struct mr_scenario *scenario(const char *snapshot)
{
    struct mr_scenario *sc = NULL;
    struct mr_error_list errs;
    char text[2048];
    char *t;

    snprintf(text, sizeof(text),
             "{'services': {'payments': {'routes': [\n"
             "  {'id': 'create-charge', 'request': {'method': 'POST', 'path': '/v1/charges'}},\n"
             "  {'id': 'get-charge', 'request': {'method': 'GET', 'path': '/v1/charges/:id'}}]},\n"
             " 'mail': {'routes': [{'id': 'send', 'request': {'path': '/send'}}]}}%s%s}",
             snapshot ? ", 'snapshot': " : "", snapshot ? snapshot : "");
    t = jq(text);
    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(mr_scenario_parse_one(&sc, "s.json", t, strlen(t), &errs), 0);
    free(t);
    return sc;
}

/* The entry of a '-quoted raw entry, as compact text. */
static char *normalized(const struct mr_scenario *sc, const char *raw)
{
    cJSON *in = parse(raw), *out = NULL;
    struct mr_error err;
    struct mr_buf b;

    ck_assert_int_eq(mr_snapdiff_normalize(&out, in, &sc->snapshot, &err), 0);
    mr_buf_init(&b);
    mr_snapdiff_print(&b, out, false);
    cJSON_Delete(in);
    cJSON_Delete(out);
    return mr_buf_detach(&b, NULL);
}

/* Normalizes each raw entry of a '-quoted array. */
static cJSON *entries(const struct mr_scenario *sc, const char *squoted)
{
    cJSON *in = parse(squoted), *out = cJSON_CreateArray(), *e;
    const cJSON *c;
    struct mr_error err;

    cJSON_ArrayForEach(c, in)
    {
        ck_assert_int_eq(mr_snapdiff_normalize(&e, c, &sc->snapshot, &err), 0);
        cJSON_AddItemToArray(out, e);
    }
    cJSON_Delete(in);
    return out;
}

/* Compares two '-quoted arrays of raw entries; the diff's text in *text (caller frees). */
static struct mr_snapdiff compare(const struct mr_scenario *sc, const char *old, const char *cur,
                                  const uint64_t *seqs, bool ordered, char **text)
{
    cJSON *o = entries(sc, old), *c = entries(sc, cur);
    struct mr_snapdiff d;

    ck_assert_int_eq(mr_snapdiff_compare(&d, o, c, seqs, ordered), 0);
    *text = strdup(mr_buf_cstr(&d.text));
    mr_snapdiff_release(&d);
    cJSON_Delete(o);
    cJSON_Delete(c);
    return d;
}

#define CHARGE(amount)                                                                             \
    "{'service': 'payments', 'route': 'create-charge', 'method': 'POST', 'path': '/v1/charges', "  \
    "'body': {'amount': " #amount ", 'currency': 'eur'}}"
#define GET(id)                                                                                    \
    "{'service': 'payments', 'route': 'get-charge', 'method': 'GET', 'path': '/v1/charges/" id "'" \
    "}"
#define SEND "{'service': 'mail', 'route': 'send', 'method': 'POST', 'path': '/send'}"

/* --- normalize ---------------------------------------------------------- */

START_TEST(test_normalize_fields)
{
    struct mr_scenario *sc = scenario(NULL);
    char *t;

    /* fixed order, empty query dropped, route null when absent, extra keys dropped */
    t = normalized(sc, "{'path': '/a', 'query': '', 'method': 'GET', 'service': 's', 'seq': 4}");
    ck_assert_str_eq(t, "{\"service\":\"s\",\"route\":null,\"method\":\"GET\",\"path\":\"/a\"}");
    free(t);
    /* members sorted at every level, arrays kept in order; numbers as JavaScript prints them */
    t = normalized(sc, "{'service': 's', 'method': 'POST', 'path': '/a', 'query': 'x=1', "
                       "'body': {'z': 1.50, 'a': [{'y': 1, 'b': 2}, 3], 'm': {'d': 1e21, 'c': "
                       "null}}, 'bodyTruncated': false}");
    ck_assert_str_eq(t, "{\"service\":\"s\",\"route\":null,\"method\":\"POST\",\"path\":\"/a\","
                        "\"query\":\"x=1\",\"body\":{\"a\":[{\"b\":2,\"y\":1},3],"
                        "\"m\":{\"c\":null,\"d\":1e+21},\"z\":1.5}}");
    free(t);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_normalize_headers)
{
    struct mr_scenario *sc =
        scenario("{'headers': ['Authorization', 'X-Tenant', 'Cookie', 'X-Api-Key'], "
                 "'ignoreHeaders': ['Idempotency-Key']}");
    char *t;

    /* selected only, by the scenario's spelling, sorted; secrets redacted (Authorization
     * keeps its scheme); ignoreHeaders present with "<ignored>" */
    t = normalized(sc, "{'service': 's', 'method': 'GET', 'path': '/', 'headers': {"
                       "'x-tenant': 't1', 'user-agent': 'curl', 'authorization': 'Bearer sk_1', "
                       "'idempotency-key': 'k-81', 'content-type': 'text/plain', "
                       "'Cookie': 'sid=1', 'x-api-key': 'k'}}");
    ck_assert_str_eq(t, "{\"service\":\"s\",\"route\":null,\"method\":\"GET\",\"path\":\"/\","
                        "\"headers\":{\"Authorization\":\"Bearer <redacted>\","
                        "\"Content-Type\":\"text/plain\",\"Cookie\":\"<redacted>\","
                        "\"Idempotency-Key\":\"<ignored>\",\"X-Api-Key\":\"<redacted>\","
                        "\"X-Tenant\":\"t1\"}}");
    free(t);
    /* none selected present: no "headers" at all; normalizing again changes nothing */
    t = normalized(sc, "{'service': 's', 'method': 'GET', 'path': '/', 'headers': {'a': 'b'}}");
    ck_assert_str_eq(t, "{\"service\":\"s\",\"route\":null,\"method\":\"GET\",\"path\":\"/\"}");
    free(t);
    t = normalized(sc, "{'service': 's', 'method': 'GET', 'path': '/', 'headers': "
                       "{'Authorization': 'Bearer <redacted>'}}");
    ck_assert(strstr(t, "\"Authorization\":\"Bearer <redacted>\"") != NULL);
    free(t);
    ck_assert(mr_snapdiff_secret_header("Proxy-Authorization"));
    ck_assert(mr_snapdiff_secret_header("X-Session-Id"));
    ck_assert(mr_snapdiff_secret_header("x-amz-security-token"));
    ck_assert(!mr_snapdiff_secret_header("Content-Type"));
    ck_assert(!mr_snapdiff_secret_header("Idempotency-Key"));
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_normalize_masks)
{
    struct mr_scenario *sc = scenario(
        "{'ignore': ['$.timestamp', '$.items[*].id', '$.meta.*', '$.pairs[1]', 'deep.0.x', "
        "'$.absent.path']}");
    char *t;

    t = normalized(sc, "{'service': 's', 'method': 'POST', 'path': '/', 'body': {"
                       "'timestamp': 1700000000, 'items': [{'id': 'a1', 'qty': 1}, {'id': "
                       "{'n': 2}, 'qty': 2}, {'qty': 3}], 'meta': {'b': [1], 'a': 2}, "
                       "'pairs': [1, 2, 3], 'deep': [{'x': 1, 'y': 2}]}}");
    ck_assert_str_eq(t, "{\"service\":\"s\",\"route\":null,\"method\":\"POST\",\"path\":\"/\","
                        "\"body\":{\"deep\":[{\"x\":\"<ignored>\",\"y\":2}],"
                        "\"items\":[{\"id\":\"<ignored>\",\"qty\":1},"
                        "{\"id\":\"<ignored>\",\"qty\":2},{\"qty\":3}],"
                        "\"meta\":{\"a\":\"<ignored>\",\"b\":\"<ignored>\"},"
                        "\"pairs\":[1,\"<ignored>\",3],\"timestamp\":\"<ignored>\"}}");
    free(t);
    /* text bodies are not masked */
    t = normalized(sc, "{'service': 's', 'method': 'POST', 'path': '/', 'bodyText': 'a=1'}");
    ck_assert(strstr(t, "\"bodyText\":\"a=1\"") != NULL);
    free(t);
    mr_scenario_free(sc);

    /* "$": the whole body */
    sc = scenario("{'ignore': ['$']}");
    t = normalized(sc, "{'service': 's', 'method': 'POST', 'path': '/', 'body': [1, 2]}");
    ck_assert(strstr(t, "\"body\":\"<ignored>\"") != NULL);
    free(t);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_normalize_refuses)
{
    struct mr_scenario *sc = scenario(NULL);
    struct mr_error err;
    cJSON *in, *out;
    static const struct {
        const char *raw, *msg;
    } bad[] = {
        {"[]", "expected an object: a call's entry"},
        {"{'method': 'GET', 'path': '/'}", "missing \"service\""},
        {"{'service': 1, 'method': 'GET', 'path': '/'}", "\"service\": expected a string"},
        {"{'service': 's', 'route': 2, 'method': 'GET', 'path': '/'}",
         "\"route\": expected a string or null"},
        {"{'service': 's', 'method': 'GET'}", "missing \"path\""},
        {"{'service': 's', 'method': 'GET', 'path': '/', 'headers': {'a': 1}}",
         "\"headers\": expected an object of strings"},
        {"{'service': 's', 'method': 'GET', 'path': '/', 'body': 1, 'bodyText': 'x'}",
         "give one of \"body\", \"bodyText\" and \"bodyBase64\""},
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        in = parse(bad[i].raw);
        memset(&err, 0, sizeof(err));
        ck_assert_int_eq(mr_snapdiff_normalize(&out, in, &sc->snapshot, &err), MR_ESCENARIO);
        ck_assert_ptr_null(out);
        ck_assert_str_eq(err.msg, bad[i].msg);
        cJSON_Delete(in);
    }
    mr_scenario_free(sc);
}
END_TEST

/* --- compare ------------------------------------------------------------ */

/* Without order: the same calls in any order are equal. */
START_TEST(test_unordered_equal)
{
    struct mr_scenario *sc = scenario(NULL);
    struct mr_snapdiff d;
    char *t;

    d = compare(sc, "[" CHARGE(1) ", " GET("a") ", " GET("b") ", " SEND "]",
                "[" GET("b") ", " SEND ", " CHARGE(1) ", " GET("a") "]", NULL, false, &t);
    ck_assert_uint_eq(d.changed + d.added + d.missing, 0);
    ck_assert_str_eq(t, "");
    free(t);
    /* the same in order: a difference each */
    d = compare(sc, "[" GET("a") ", " GET("b") "]", "[" GET("b") ", " GET("a") "]", NULL, true, &t);
    ck_assert_uint_eq(d.changed, 0);
    ck_assert_uint_eq(d.added, 1);
    ck_assert_uint_eq(d.missing, 1);
    free(t);
    mr_scenario_free(sc);
}
END_TEST

/* The diff names the call, the field, the old and the new value; a changed
 * call pairs with the entry of its route it differs least from. */
START_TEST(test_unordered_diff_text)
{
    struct mr_scenario *sc = scenario(NULL);
    static const uint64_t seqs[] = {3, 5, 8, 9};
    struct mr_snapdiff d;
    char *t;

    d = compare(sc, "[" CHARGE(1999) ", " GET("a") ", " GET("old") ", " SEND "]",
                "[" CHARGE(2999) ", " GET("a") ", " GET(
                    "b") ", {'service': 'payments', 'route': "
                         "null, 'method': 'GET', 'path': '/v1/refunds'}]",
                seqs, false, &t);
    ck_assert_uint_eq(d.changed, 2);
    ck_assert_uint_eq(d.added, 1);
    ck_assert_uint_eq(d.missing, 1);
    ck_assert_str_eq(
        t,
        "changed: call #3 POST /v1/charges (service payments, route create-charge); snapshot "
        "entry 1\n"
        "    body.amount: was 1999, now 2999\n"
        "changed: call #8 GET /v1/charges/b (service payments, route get-charge); snapshot "
        "entry 3\n"
        "    path: was \"/v1/charges/old\", now \"/v1/charges/b\"\n"
        "new: call #9 GET /v1/refunds (service payments, no route matched); not in the "
        "snapshot\n"
        "    "
        "{\"service\":\"payments\",\"route\":null,\"method\":\"GET\",\"path\":\"/v1/refunds\"}\n"
        "missing: snapshot entry 4, POST /send (service mail, route send); not called in this "
        "run\n"
        "    {\"service\":\"mail\",\"route\":\"send\",\"method\":\"POST\",\"path\":\"/send\"}\n");
    free(t);

    /* the closest entry wins, whatever the order */
    d = compare(sc,
                "[{'service': 'p', 'method': 'POST', 'path': '/x', 'body': {'a': 1, 'b': 1, "
                "'c': 1}}, {'service': 'p', 'method': 'POST', 'path': '/x', 'body': {'a': 2, "
                "'b': 2, 'c': 2}}]",
                "[{'service': 'p', 'method': 'POST', 'path': '/x', 'body': {'a': 2, 'b': 2, "
                "'c': 3}}, {'service': 'p', 'method': 'POST', 'path': '/x', 'body': {'a': 1, "
                "'b': 0, 'c': 1, 'd': [true]}}]",
                NULL, false, &t);
    ck_assert_uint_eq(d.changed, 2);
    ck_assert_str_eq(t, "changed: call #1 POST /x (service p, no route matched); snapshot entry 2\n"
                        "    body.c: was 2, now 3\n"
                        "changed: call #2 POST /x (service p, no route matched); snapshot entry 1\n"
                        "    body.b: was 1, now 0\n"
                        "    body.d: was absent, now [true]\n");
    free(t);
    mr_scenario_free(sc);
}
END_TEST

/* A number that differs past cJSON_Compare's rounding allowance is listed: the
 * call was reported changed with no line saying what differs. */
START_TEST(test_diff_close_numbers)
{
    struct mr_scenario *sc = scenario(NULL);
    struct mr_snapdiff d;
    char *t;

    d = compare(sc, "[" CHARGE(2.5000000000000004) "]", "[" CHARGE(2.5) "]", NULL, false, &t);
    ck_assert_uint_eq(d.changed, 1);
    ck_assert_str_eq(t, "changed: call #1 POST /v1/charges (service payments, route "
                        "create-charge); snapshot entry 1\n"
                        "    body.amount: was 2.5000000000000004, now 2.5\n");
    free(t);
    mr_scenario_free(sc);
}
END_TEST

/* A body that gives a name twice: each member is compared with the one of
 * its rank. The second was compared with the first ("body.a: was 2, now 1"),
 * and one given once more listed nothing at all. */
START_TEST(test_diff_repeated_names)
{
    struct mr_scenario *sc = scenario(NULL);
    struct mr_snapdiff d;
    char *t;

    d = compare(sc, "[{'service': 'p', 'method': 'POST', 'path': '/x', 'body': {'a': 1, 'a': 2}}]",
                "[{'service': 'p', 'method': 'POST', 'path': '/x', 'body': {'a': 1, 'a': 3}}]",
                NULL, false, &t);
    ck_assert_str_eq(t, "changed: call #1 POST /x (service p, no route matched); snapshot entry 1\n"
                        "    body.a: was 2, now 3\n");
    free(t);
    d = compare(sc, "[{'service': 'p', 'method': 'POST', 'path': '/x', 'body': {'a': 1}}]",
                "[{'service': 'p', 'method': 'POST', 'path': '/x', 'body': {'b': 0, 'a': 1, "
                "'a': 1}}]",
                NULL, false, &t);
    ck_assert_uint_eq(d.changed, 1);
    ck_assert_str_eq(t, "changed: call #1 POST /x (service p, no route matched); snapshot entry 1\n"
                        "    body.a: was absent, now 1\n"
                        "    body.b: was absent, now 0\n");
    free(t);
    mr_scenario_free(sc);
}
END_TEST

#define ZEROS10 "0000000000"
#define ZEROS(n) ZEROS_##n
#define ZEROS_65 ZEROS10 ZEROS10 ZEROS10 ZEROS10 ZEROS10 ZEROS10 "00000"
#define ZEROS_33 ZEROS10 ZEROS10 ZEROS10 "000"

/* Long values keep their two ends; past the caps, counts. */
START_TEST(test_diff_caps)
{
    struct mr_scenario *sc = scenario(NULL);
    char old[8192], cur[8192], *t;
    size_t n, m, i;
    struct mr_snapdiff d;

    /* one call with 12 differing fields and a long value */
    n = (size_t)snprintf(old, sizeof(old),
                         "[{'service': 's', 'method': 'POST', 'path': '/', "
                         "'body': {'a_long': '%0200d'",
                         0);
    m = (size_t)snprintf(cur, sizeof(cur),
                         "[{'service': 's', 'method': 'POST', 'path': '/', "
                         "'body': {'a_long': '%0200d'",
                         1);
    for (i = 0; i < 12; i++) {
        n += (size_t)snprintf(old + n, sizeof(old) - n, ", 'f%02zu': 0", i);
        m += (size_t)snprintf(cur + m, sizeof(cur) - m, ", 'f%02zu': 1", i);
    }
    snprintf(old + n, sizeof(old) - n, "}}]");
    snprintf(cur + m, sizeof(cur) - m, "}}]");
    d = compare(sc, old, cur, NULL, false, &t);
    ck_assert_uint_eq(d.changed, 1);
    ck_assert(strstr(t, "    body.f00: was 0, now 1\n") != NULL);
    ck_assert(strstr(t, "    body.f08: was 0, now 1\n") != NULL); /* the 10th */
    ck_assert(strstr(t, "body.f09") == NULL);
    ck_assert(strstr(t, "    ... and 3 more differences\n") != NULL);
    /* 202 bytes of JSON: the first 66 and the last 34 kept */
    ck_assert(strstr(t, "    body.a_long: was \"" ZEROS(65) "…(102 bytes left out)…" ZEROS(
                            33) "\", now \"") != NULL);
    free(t);

    /* 25 new calls: 20 listed, then a count */
    n = (size_t)snprintf(cur, sizeof(cur), "[");
    for (i = 0; i < 25; i++)
        n += (size_t)snprintf(cur + n, sizeof(cur) - n,
                              "%s{'service': 's', 'method': 'GET', "
                              "'path': '/%zu'}",
                              i ? ", " : "", i);
    snprintf(cur + n, sizeof(cur) - n, "]");
    d = compare(sc, "[]", cur, NULL, true, &t);
    ck_assert_uint_eq(d.added, 25);
    ck_assert(strstr(t, "new: call #20 GET /19 ") != NULL);
    ck_assert(strstr(t, "new: call #21 ") == NULL);
    ck_assert(strstr(t, "... and 5 more differences\n") != NULL);
    free(t);
    mr_scenario_free(sc);
}
END_TEST

/* In order: an inserted or dropped call is just that (the rest aligns); a
 * call of the same route in its place is a changed one. */
START_TEST(test_ordered_alignment)
{
    struct mr_scenario *sc = scenario("{'ordered': true}");
    struct mr_snapdiff d;
    char *t;

    d = compare(sc, "[" CHARGE(1) ", " GET("a") ", " GET("b") ", " SEND "]",
                "[" SEND ", " CHARGE(1) ", " GET("a") ", " GET("b") "]", NULL, true, &t);
    ck_assert_uint_eq(d.changed, 0);
    ck_assert_uint_eq(d.added, 1);
    ck_assert_uint_eq(d.missing, 1);
    ck_assert_str_eq(t, "new: call #1 POST /send (service mail, route send); not in the snapshot\n"
                        "    {\"service\":\"mail\",\"route\":\"send\",\"method\":\"POST\","
                        "\"path\":\"/send\"}\n"
                        "missing: snapshot entry 4, POST /send (service mail, route send); not "
                        "called in this run\n"
                        "    {\"service\":\"mail\",\"route\":\"send\",\"method\":\"POST\","
                        "\"path\":\"/send\"}\n");
    free(t);

    d = compare(sc, "[" CHARGE(1) ", " GET("a") ", " SEND "]",
                "[" CHARGE(1) ", " GET("z") ", " SEND "]", NULL, true, &t);
    ck_assert_uint_eq(d.changed, 1);
    ck_assert_uint_eq(d.added + d.missing, 0);
    ck_assert_str_eq(t, "changed: call #2 GET /v1/charges/z (service payments, route get-charge); "
                        "snapshot entry 2\n"
                        "    path: was \"/v1/charges/a\", now \"/v1/charges/z\"\n");
    free(t);

    /* different routes in the same place: one missing, one new */
    d = compare(sc, "[" CHARGE(1) ", " GET("a") "]", "[" CHARGE(1) ", " SEND "]", NULL, true, &t);
    ck_assert_uint_eq(d.changed, 0);
    ck_assert_uint_eq(d.added, 1);
    ck_assert_uint_eq(d.missing, 1);
    free(t);
    mr_scenario_free(sc);
}
END_TEST

/* --- the run's entries and the file ------------------------------------- */

START_TEST(test_entries_from_journal)
{
    struct mr_scenario *sc = scenario("{'headers': ['Authorization'], 'ignore': ['$.ts']}");
    struct mr_journal *j;
    struct mr_journal_limits lim;
    struct mr_error err;
    struct mr_call_meta meta;
    struct mr_request req;
    struct mr_kv h[3];
    cJSON *calls;
    uint64_t *seqs;
    char *text;
    static const struct {
        size_t service;
        long route;
        const char *method, *path, *query, *body;
    } calls_in[] = {
        {1, 2, "POST", "/send", "", "to=a%40b&x=1"},
        {0, 1, "GET", "/v1/charges/b", "expand=1", ""},
        {0, 0, "POST", "/v1/charges", "", "{\"ts\": 17, \"amount\": 5}"},
        {0, -1, "GET", "/nope", "", "\x01\xff"},
        {0, 1, "GET", "/v1/charges/a", "", ""},
    };
    size_t i;

    mr_journal_limits_init(&lim);
    ck_assert_int_eq(mr_journal_new(&j, sc->nservices, sc->nroutes, sc->nexpects, &lim, &err), 0);
    for (i = 0; i < sizeof(calls_in) / sizeof(calls_in[0]); i++) {
        memset(&req, 0, sizeof(req));
        memset(&meta, 0, sizeof(meta));
        h[0] = (struct mr_kv){"content-type", 12, "application/json", 16};
        h[1] = (struct mr_kv){"Authorization", 13, "Basic dXNlcjpwYXNz", 18};
        h[2] = (struct mr_kv){"User-Agent", 10, "curl/7.88", 9};
        req.method = calls_in[i].method;
        req.path = calls_in[i].path;
        req.query = calls_in[i].query;
        req.headers = h;
        req.nheaders = i == 2 ? 3 : 0;
        req.body = calls_in[i].body;
        req.body_len = strlen(calls_in[i].body);
        meta.service = (uint16_t)calls_in[i].service;
        meta.route = (int32_t)calls_in[i].route;
        meta.status = 200;
        meta.body_size = req.body_len;
        mr_journal_append(j, &meta, &req, NULL, 0);
    }
    ck_assert_int_eq(mr_snapshot_entries(&calls, &seqs, j, sc), 0);
    ck_assert_int_eq(mr_snapshot_text(&text, calls), 0);
    /* by service and route in scenario order, then by text; unmatched calls last */
    ck_assert_str_eq(text, "{\n"
                           "  \"mockrunSnapshot\": 1,\n"
                           "  \"calls\": [\n"
                           "    {\n"
                           "      \"service\": \"payments\",\n"
                           "      \"route\": \"create-charge\",\n"
                           "      \"method\": \"POST\",\n"
                           "      \"path\": \"/v1/charges\",\n"
                           "      \"headers\": {\n"
                           "        \"Authorization\": \"Basic <redacted>\",\n"
                           "        \"Content-Type\": \"application/json\"\n"
                           "      },\n"
                           "      \"body\": {\n"
                           "        \"amount\": 5,\n"
                           "        \"ts\": \"<ignored>\"\n"
                           "      }\n"
                           "    },\n"
                           "    {\n"
                           "      \"service\": \"payments\",\n"
                           "      \"route\": \"get-charge\",\n"
                           "      \"method\": \"GET\",\n"
                           "      \"path\": \"/v1/charges/a\"\n"
                           "    },\n"
                           "    {\n"
                           "      \"service\": \"payments\",\n"
                           "      \"route\": \"get-charge\",\n"
                           "      \"method\": \"GET\",\n"
                           "      \"path\": \"/v1/charges/b\",\n"
                           "      \"query\": \"expand=1\"\n"
                           "    },\n"
                           "    {\n"
                           "      \"service\": \"payments\",\n"
                           "      \"route\": null,\n"
                           "      \"method\": \"GET\",\n"
                           "      \"path\": \"/nope\",\n"
                           "      \"bodyBase64\": \"Af8=\"\n"
                           "    },\n"
                           "    {\n"
                           "      \"service\": \"mail\",\n"
                           "      \"route\": \"send\",\n"
                           "      \"method\": \"POST\",\n"
                           "      \"path\": \"/send\",\n"
                           "      \"bodyText\": \"to=a%40b&x=1\"\n"
                           "    }\n"
                           "  ]\n"
                           "}\n");
    ck_assert_uint_eq(seqs[0], 3);
    ck_assert_uint_eq(seqs[4], 1);
    free(text);
    free(seqs);
    cJSON_Delete(calls);
    mr_journal_free(j);
    mr_scenario_free(sc);
}
END_TEST

/* The case of a run whose calls are those of `j`, against the snapshot file at `path`. */
static struct mr_case verify_case(const char *path, const struct mr_scenario *sc,
                                  const struct mr_journal *j, struct mr_results *res)
{
    struct mr_snapshot_input in = {sc, j, true, true};
    struct mr_snapshot *s;
    struct mr_error err;

    ck_assert_int_eq(mr_snapshot_open(&s, path, false, true, sc, &err), 0);
    mr_results_init(res);
    ck_assert_int_eq(mr_snapshot_verify(s, res, &in), 0);
    ck_assert_int_eq(res->ncases, 1);
    mr_snapshot_free(s);
    return res->cases[0];
}

/* A call whose path, header or JSON body is not UTF-8 matches the snapshot
 * written for it: the file holds U+FFFD where the call has the bytes, and
 * every later run failed with `path: was "/v1/charges/\xef\xbf\xbd", now
 * "/v1/charges/\ufffd"`. */
START_TEST(test_not_utf8_read_back)
{
    struct mr_scenario *sc = scenario("{'headers': ['X-Tenant']}");
    static const char body[] = "{\"n\xffme\": \"caf\xe9\"}";
    struct mr_kv h[2] = {{"Content-Type", 12, "application/json", 16},
                         {"X-Tenant", 8, "M\xfcller", 7}};
    struct mr_journal_limits lim;
    struct mr_call_meta meta;
    struct mr_request req;
    struct mr_results res;
    struct mr_tmpdir dir;
    struct mr_journal *j;
    struct mr_error err;
    struct mr_case k;
    cJSON *calls;
    uint64_t *seqs;
    char *text, path[300], *one;

    mr_journal_limits_init(&lim);
    ck_assert_int_eq(mr_journal_new(&j, sc->nservices, sc->nroutes, sc->nexpects, &lim, &err), 0);
    memset(&req, 0, sizeof(req));
    memset(&meta, 0, sizeof(meta));
    req.method = "GET";
    req.path = "/v1/charges/\xff";
    req.query = "q=\xe9";
    req.headers = h;
    req.nheaders = 2;
    req.body = body;
    req.body_len = strlen(body);
    meta.route = 1;
    meta.status = 200;
    meta.body_size = req.body_len;
    mr_journal_append(j, &meta, &req, NULL, 0);
    ck_assert_int_eq(mr_snapshot_entries(&calls, &seqs, j, sc), 0);
    ck_assert_int_eq(mr_snapshot_text(&text, calls), 0);
    one = normalized(sc, "{'service': 'payments', 'route': 'get-charge', 'method': 'GET', "
                         "'path': '/v1/charges/\xff', 'headers': {'x-tenant': 'M\xfcller'}}");
    ck_assert_str_eq(one, "{\"service\":\"payments\",\"route\":\"get-charge\",\"method\":"
                          "\"GET\",\"path\":\"/v1/charges/\xef\xbf\xbd\",\"headers\":{"
                          "\"X-Tenant\":\"M\xef\xbf\xbdller\"}}");

    mr_tmpdir_make(&dir, "snapshot");
    mr_tmpdir_write(&dir, "calls.snap.json", text, strlen(text));
    k = verify_case(mr_tmpdir_join(&dir, "calls.snap.json", path, sizeof(path)), sc, j, &res);
    ck_assert_msg(k.status == MR_CASE_PASS, "%s\n%s\n%s", k.message, k.detail, text);
    mr_results_release(&res);

    mr_tmpdir_remove(&dir);
    free(one);
    free(text);
    free(seqs);
    cJSON_Delete(calls);
    mr_journal_free(j);
    mr_scenario_free(sc);
}
END_TEST

/* A JSON body with a number past a double's range (1e400, infinity to cJSON)
 * was written as JavaScript prints it, "Infinity": the next run refused the
 * file, "invalid JSON near 'I'". */
START_TEST(test_infinity_read_back)
{
    struct mr_scenario *sc = scenario(NULL);
    static const char body[] = "[1e400, -1e400, {\"a\": 2e308}]";
    struct mr_kv h = {"Content-Type", 12, "application/json", 16};
    struct mr_journal_limits lim;
    struct mr_call_meta meta;
    struct mr_request req;
    struct mr_results res;
    struct mr_tmpdir dir;
    struct mr_journal *j;
    struct mr_error err;
    struct mr_case k;
    cJSON *calls;
    uint64_t *seqs;
    char *text, path[300];

    mr_journal_limits_init(&lim);
    ck_assert_int_eq(mr_journal_new(&j, sc->nservices, sc->nroutes, sc->nexpects, &lim, &err), 0);
    memset(&req, 0, sizeof(req));
    memset(&meta, 0, sizeof(meta));
    req.method = "POST";
    req.path = "/v1/charges";
    req.query = "";
    req.headers = &h;
    req.nheaders = 1;
    req.body = body;
    req.body_len = strlen(body);
    meta.route = 0;
    meta.status = 201;
    meta.body_size = req.body_len;
    mr_journal_append(j, &meta, &req, NULL, 0);
    ck_assert_int_eq(mr_snapshot_entries(&calls, &seqs, j, sc), 0);
    ck_assert_int_eq(mr_snapshot_text(&text, calls), 0);
    ck_assert_msg(strstr(text, "        1e999,\n        -1e999,\n") &&
                      strstr(text, "\"a\": 1e999") && !strstr(text, "Infinity"),
                  "%s", text);

    mr_tmpdir_make(&dir, "snapshot");
    mr_tmpdir_write(&dir, "calls.snap.json", text, strlen(text));
    k = verify_case(mr_tmpdir_join(&dir, "calls.snap.json", path, sizeof(path)), sc, j, &res);
    ck_assert_msg(k.status == MR_CASE_PASS, "%s\n%s\n%s", k.message, k.detail, text);
    mr_results_release(&res);

    mr_tmpdir_remove(&dir);
    free(text);
    free(seqs);
    cJSON_Delete(calls);
    mr_journal_free(j);
    mr_scenario_free(sc);
}
END_TEST

/* A file that is no snapshot is refused at file:line:column; one without
 * "calls" had no position ("calls.snap.json: calls: not a mockrun snapshot"). */
START_TEST(test_open_refuses)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"{\n  \"mockrunSnapshot\": 1\n}\n",
         "calls.snap.json:1:1: not a mockrun snapshot: expected an object with a \"calls\" array "
         "(move the file away and run again to write one)"},
        {"\n  []", "calls.snap.json:2:3: not a mockrun snapshot: expected an object with a "
                   "\"calls\" array (move the file away and run again to write one)"},
        {"{\"calls\": {}}", "calls.snap.json:1:11: calls: not a mockrun snapshot: expected an "
                            "object with a \"calls\" array (move the file away and run again to "
                            "write one)"},
        {"{\"mockrunSnapshot\": 2, \"calls\": []}",
         "calls.snap.json:1:21: mockrunSnapshot: a snapshot of format 2, and this mockrun reads "
         "format 1: written by a newer mockrun?"},
        {"{\"calls\": [{\"service\": \"payments\"}]}",
         "calls.snap.json:1:12: calls[0]: missing \"method\""},
    };
    struct mr_scenario *sc = scenario(NULL);
    struct mr_snapshot *s;
    struct mr_tmpdir dir;
    struct mr_error err;
    char path[300], line[1200];
    size_t i;

    mr_tmpdir_make(&dir, "snapshot");
    mr_tmpdir_join(&dir, "calls.snap.json", path, sizeof(path));
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        mr_tmpdir_write(&dir, "calls.snap.json", cases[i].text, strlen(cases[i].text));
        ck_assert_int_eq(mr_snapshot_open(&s, path, false, true, sc, &err), MR_ESCENARIO);
        mr_error_format(&err, line, sizeof(line));
        ck_assert_str_eq(line + strlen(dir.path) + 1, cases[i].msg);
    }
    mr_tmpdir_remove(&dir);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_under_ci)
{
    ck_assert(!mr_snapshot_under_ci(NULL));
    ck_assert(!mr_snapshot_under_ci(""));
    ck_assert(!mr_snapshot_under_ci("false"));
    ck_assert(!mr_snapshot_under_ci("0"));
    ck_assert(mr_snapshot_under_ci("true"));
    ck_assert(mr_snapshot_under_ci("1"));
    ck_assert(mr_snapshot_under_ci("woodpecker"));
}
END_TEST

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    return tc;
}

static Suite *snapshot_suite(void)
{
    Suite *s = suite_create("snapshot");
    TCase *tc;

    tc = tcase("normalize");
    tcase_add_test(tc, test_normalize_fields);
    tcase_add_test(tc, test_normalize_headers);
    tcase_add_test(tc, test_normalize_masks);
    tcase_add_test(tc, test_normalize_refuses);
    suite_add_tcase(s, tc);

    tc = tcase("compare");
    tcase_add_test(tc, test_unordered_equal);
    tcase_add_test(tc, test_unordered_diff_text);
    tcase_add_test(tc, test_diff_caps);
    tcase_add_test(tc, test_diff_close_numbers);
    tcase_add_test(tc, test_diff_repeated_names);
    tcase_add_test(tc, test_ordered_alignment);
    suite_add_tcase(s, tc);

    tc = tcase("run");
    tcase_add_test(tc, test_entries_from_journal);
    tcase_add_test(tc, test_not_utf8_read_back);
    tcase_add_test(tc, test_infinity_read_back);
    tcase_add_test(tc, test_open_refuses);
    tcase_add_test(tc, test_under_ci);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(snapshot_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
