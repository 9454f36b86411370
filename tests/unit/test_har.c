/*
 * test_har.c - the HAR 1.2 writer: the document's shape, each field filled
 * from a recorded call (URL, query, cookies, bodies, statuses, times), the
 * fields HAR allows to be unknown, text that is not UTF-8, and the atomic
 * file. The document is read back with cJSON. The e2e case `har-report`
 * checks a real run's file against every field the spec requires.
 *
 * Run one case with CK_RUN_CASE=fields; debug with CK_FORK=no.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "common/buf.h"
#include "reports/har.h"
#include "reports/results.h"

/* 2026-11-25T12:30:57.123456 UTC */
#define WALL_US 1795609857123456LL

static void add_call(struct mr_results *r, const char *method, const char *path, const char *query,
                     int status, const char *route, const char *body, size_t body_len)
{
    static struct mr_results_header headers[] = {
        {(char *)"Host", (char *)"127.0.0.1:41234"},
        {(char *)"Content-Type", (char *)"application/json"},
        {(char *)"Cookie", (char *)"sid=abc; theme=dark ;flag"},
    };
    struct mr_results_call c;

    memset(&c, 0, sizeof(c));
    c.seq = r->ncalls + 1;
    c.wall_us = WALL_US + (int64_t)r->ncalls * 1000;
    c.duration_us = 1234;
    c.service = 0;
    c.method = (char *)method;
    c.path = (char *)path;
    c.query = (char *)query;
    c.headers = headers;
    c.nheaders = 3;
    c.body = (char *)body;
    c.body_len = body_len;
    c.body_size = body_len;
    c.status = status;
    c.route = (char *)route;
    c.response_type = route ? (char *)"application/json" : NULL;
    ck_assert_int_eq(mr_results_add_call(r, &c), 0);
}

static void fill(struct mr_results *r)
{
    mr_results_init(r);
    ck_assert_int_eq(mr_results_add_suite(r, "checkout", "checkout.json"), 0);
    ck_assert_int_eq(mr_results_add_service(r, "payments", "http://127.0.0.1:41234"), 0);
    add_call(r, "POST", "/v1/charges", "expand=customer&x=a%20b+c&flag", 201, "create-charge",
             "{\"amount\":1999}", 15);
    add_call(r, "GET", "/v1/ch x/é%", "", 404, NULL, NULL, 0);
    r->calls[1].near = strdup("closest route \"get-charge\": path differs");
    r->calls_total = 2;
}

static cJSON *build(const struct mr_results *r)
{
    struct mr_buf b;
    cJSON *doc;

    mr_buf_init(&b);
    mr_har_build(&b, r);
    ck_assert(!b.failed);
    doc = cJSON_ParseWithLength(b.data, b.len);
    ck_assert_msg(doc != NULL, "not JSON: %s", b.data);
    mr_buf_release(&b);
    return doc;
}

static cJSON *at(cJSON *o, const char *path)
{
    char key[64];
    const char *dot;

    while (o && *path) {
        size_t n;
        dot = strchr(path, '.');
        n = dot ? (size_t)(dot - path) : strlen(path);
        ck_assert_uint_lt(n, sizeof(key));
        memcpy(key, path, n);
        key[n] = '\0';
        if (key[0] >= '0' && key[0] <= '9')
            o = cJSON_GetArrayItem(o, atoi(key));
        else
            o = cJSON_GetObjectItemCaseSensitive(o, key);
        path += n + (dot ? 1 : 0);
    }
    ck_assert_msg(o != NULL, "no %s", path);
    return o;
}

static void assert_str(cJSON *doc, const char *path, const char *want)
{
    cJSON *v = at(doc, path);

    ck_assert_msg(cJSON_IsString(v), "%s is not a string", path);
    ck_assert_str_eq(v->valuestring, want);
}

static void assert_num(cJSON *doc, const char *path, double want)
{
    cJSON *v = at(doc, path);

    ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", path);
    ck_assert_double_eq_tol(v->valuedouble, want, 1e-9);
}

START_TEST(log_shape)
{
    struct mr_results r;
    cJSON *doc;

    fill(&r);
    doc = build(&r);
    assert_str(doc, "log.version", "1.2");
    assert_str(doc, "log.creator.name", "mockrun");
    assert_str(doc, "log.creator.version", MOCKRUN_VERSION);
    ck_assert_int_eq(cJSON_GetArraySize(at(doc, "log.entries")), 2);
    assert_str(doc, "log.comment", "checkout: 2 calls");
    cJSON_Delete(doc);
    mr_results_release(&r);
}
END_TEST

START_TEST(fields)
{
    struct mr_results r;
    cJSON *doc;

    fill(&r);
    doc = build(&r);
    assert_str(doc, "log.entries.0.startedDateTime", "2026-11-25T12:30:57.123Z");
    assert_num(doc, "log.entries.0.time", 1.234);
    assert_str(doc, "log.entries.0.request.method", "POST");
    assert_str(doc, "log.entries.0.request.url",
               "http://127.0.0.1:41234/v1/charges?expand=customer&x=a%20b+c&flag");
    assert_str(doc, "log.entries.0.request.httpVersion", "HTTP/1.1");
    assert_str(doc, "log.entries.0.request.headers.1.name", "Content-Type");
    assert_str(doc, "log.entries.0.request.headers.1.value", "application/json");
    /* the query decoded, '+' a space; a name without '=' has an empty value */
    assert_str(doc, "log.entries.0.request.queryString.1.name", "x");
    assert_str(doc, "log.entries.0.request.queryString.1.value", "a b c");
    assert_str(doc, "log.entries.0.request.queryString.2.name", "flag");
    assert_str(doc, "log.entries.0.request.queryString.2.value", "");
    /* cookies from the Cookie header, blanks trimmed */
    ck_assert_int_eq(cJSON_GetArraySize(at(doc, "log.entries.0.request.cookies")), 3);
    assert_str(doc, "log.entries.0.request.cookies.1.name", "theme");
    assert_str(doc, "log.entries.0.request.cookies.1.value", "dark");
    assert_str(doc, "log.entries.0.request.cookies.2.name", "flag");
    assert_num(doc, "log.entries.0.request.headersSize", -1);
    assert_num(doc, "log.entries.0.request.bodySize", 15);
    assert_str(doc, "log.entries.0.request.postData.mimeType", "application/json");
    assert_str(doc, "log.entries.0.request.postData.text", "{\"amount\":1999}");
    assert_num(doc, "log.entries.0.response.status", 201);
    assert_str(doc, "log.entries.0.response.statusText", "Created");
    assert_str(doc, "log.entries.0.response.headers.0.value", "application/json");
    assert_num(doc, "log.entries.0.response.content.size", -1);
    assert_str(doc, "log.entries.0.response.content.mimeType", "application/json");
    assert_str(doc, "log.entries.0.response.redirectURL", "");
    assert_num(doc, "log.entries.0.response.bodySize", -1);
    ck_assert(cJSON_IsObject(at(doc, "log.entries.0.cache")));
    assert_num(doc, "log.entries.0.timings.send", 0);
    assert_num(doc, "log.entries.0.timings.wait", 1.234);
    assert_num(doc, "log.entries.0.timings.receive", 0);
    assert_str(doc, "log.entries.0._mockrun.route", "create-charge");
    assert_str(doc, "log.entries.0._mockrun.service", "payments");
    assert_num(doc, "log.entries.0._mockrun.seq", 1);
    cJSON_Delete(doc);
    mr_results_release(&r);
}
END_TEST

START_TEST(unmatched_and_unknowns)
{
    struct mr_results r;
    cJSON *doc;

    fill(&r);
    doc = build(&r);
    /* the decoded path is encoded again: space, é and % */
    assert_str(doc, "log.entries.1.request.url", "http://127.0.0.1:41234/v1/ch%20x/%C3%A9%25");
    ck_assert(cJSON_GetObjectItem(at(doc, "log.entries.1.request"), "postData") == NULL);
    assert_num(doc, "log.entries.1.request.bodySize", 0);
    ck_assert_int_eq(cJSON_GetArraySize(at(doc, "log.entries.1.request.queryString")), 0);
    assert_str(doc, "log.entries.1.response.statusText", "Not Found");
    ck_assert_int_eq(cJSON_GetArraySize(at(doc, "log.entries.1.response.headers")), 0);
    assert_str(doc, "log.entries.1.response.content.mimeType", "x-unknown");
    ck_assert(cJSON_IsNull(at(doc, "log.entries.1._mockrun.route")));
    assert_str(doc, "log.entries.1._mockrun.nearMiss",
               "closest route \"get-charge\": path differs");
    cJSON_Delete(doc);
    mr_results_release(&r);
}
END_TEST

START_TEST(bodies)
{
    struct mr_results r;
    cJSON *doc;

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_service(&r, "api", "http://127.0.0.1:1"), 0);
    add_call(&r, "POST", "/b", "", 200, "r", "ok\xff\x01\"", 5);
    r.calls[0].body_size = 5000; /* the journal kept the first 5 bytes */
    r.calls[0].body_truncated = true;
    r.calls[0].response_body = strdup("{\"id\":1}");
    r.calls[0].response_body_len = 8;
    r.calls_total = 7;
    doc = build(&r);
    /* not UTF-8: the non-ASCII byte is U+FFFD; control bytes are JSON escapes */
    assert_str(doc, "log.entries.0.request.postData.text", "ok\xef\xbf\xbd\x01\"");
    assert_str(doc, "log.entries.0.request.postData.comment",
               "mockrun kept the first 5 of 5000 bytes (--body-limit)");
    assert_num(doc, "log.entries.0.request.bodySize", 5000);
    assert_num(doc, "log.entries.0.response.content.size", 8);
    assert_str(doc, "log.entries.0.response.content.text", "{\"id\":1}");
    assert_num(doc, "log.entries.0.response.bodySize", 8);
    assert_str(doc, "log.comment",
               "mockrun: 1 call of 7 (past the journal's limits calls are counted, not kept)");
    cJSON_Delete(doc);
    mr_results_release(&r);
}
END_TEST

START_TEST(empty_run)
{
    struct mr_results r;
    cJSON *doc;

    mr_results_init(&r);
    doc = build(&r);
    ck_assert(cJSON_IsArray(at(doc, "log.entries")));
    ck_assert_int_eq(cJSON_GetArraySize(at(doc, "log.entries")), 0);
    cJSON_Delete(doc);
    mr_results_release(&r);
}
END_TEST

START_TEST(reasons)
{
    ck_assert_str_eq(mr_har_reason(200), "OK");
    ck_assert_str_eq(mr_har_reason(418), "I'm a teapot");
    ck_assert_str_eq(mr_har_reason(503), "Service Unavailable");
    ck_assert_str_eq(mr_har_reason(299), "");
}
END_TEST

START_TEST(write_file)
{
    char dir[] = "/tmp/mr-har-XXXXXX", path[64];
    struct mr_results r;
    struct mr_error err;
    FILE *f;
    char head[16] = {0};

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/calls.har", dir);
    fill(&r);
    ck_assert_int_eq(mr_har_write(&r, path, &err), 0);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_gt(fread(head, 1, sizeof(head) - 1, f), 0);
    fclose(f);
    ck_assert_str_eq(head, "{\n  \"log\": {\n  ");
    snprintf(path, sizeof(path), "%s/missing/calls.har", dir);
    ck_assert_int_eq(mr_har_write(&r, path, &err), MR_ESETUP);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot write report '"));
    snprintf(path, sizeof(path), "%s/calls.har", dir);
    unlink(path);
    rmdir(dir);
    mr_results_release(&r);
}
END_TEST

/* A callback attempt into r; answered with `status`, else failed with `error`. */
static void add_attempt(struct mr_results *r, int64_t wall_us, enum mr_results_outcome o,
                        int status, const char *error)
{
    static struct mr_results_header headers[] = {
        {(char *)"Content-Type", (char *)"application/json"},
        {(char *)"Stripe-Signature", (char *)"t=1,v1=x"},
    };
    struct mr_results_attempt a;

    memset(&a, 0, sizeof(a));
    a.seq = r->nattempts + 1;
    a.callback = (char *)"charge-succeeded";
    a.delivery = 1;
    a.attempt = (unsigned)r->nattempts + 1;
    a.trigger = 1;
    a.outcome = o;
    a.wall_us = wall_us;
    a.duration_us = 2500;
    a.method = (char *)"POST";
    a.url = (char *)"http://127.0.0.1:4000/webhooks?v=2";
    a.headers = headers;
    a.nheaders = 2;
    a.body = (char *)"{\"type\":\"charge.succeeded\"}";
    a.body_len = strlen(a.body);
    a.body_size = a.body_len;
    a.status = status;
    a.error = (char *)error;
    if (o == MR_RESULTS_ANSWERED) {
        a.response_type = (char *)"text/plain";
        a.response_body = (char *)"ok";
        a.response_body_len = 2;
    }
    ck_assert_int_eq(mr_results_add_attempt(r, &a), 0);
}

START_TEST(callbacks)
{
    struct mr_results r;
    cJSON *doc;

    fill(&r);
    /* sent after the first call and before the second; one failed; one never sent */
    add_attempt(&r, WALL_US + 600, MR_RESULTS_FAILED, 0, "connection refused");
    add_attempt(&r, WALL_US + 500, MR_RESULTS_ANSWERED, 200, NULL);
    add_attempt(&r, WALL_US + 700, MR_RESULTS_NOT_SENT, 0, "not sent: it was due 1 s after");
    doc = build(&r);
    ck_assert_int_eq(cJSON_GetArraySize(at(doc, "log.entries")), 4);
    assert_str(doc, "log.comment", "checkout: 2 calls and 2 callbacks sent");
    assert_str(doc, "log.entries.0.request.url",
               "http://127.0.0.1:41234/v1/charges?expand=customer&x=a%20b+c&flag");
    /* by the time they started, not the order they ended */
    assert_str(doc, "log.entries.1.request.url", "http://127.0.0.1:4000/webhooks?v=2");
    assert_num(doc, "log.entries.1.response.status", 200);
    assert_str(doc, "log.entries.1.response.statusText", "OK");
    assert_str(doc, "log.entries.1.response.content.text", "ok");
    assert_str(doc, "log.entries.1.request.postData.mimeType", "application/json");
    assert_str(doc, "log.entries.1.request.queryString.0.name", "v");
    assert_str(doc, "log.entries.1.request.headers.1.value", "t=1,v1=x");
    assert_str(doc, "log.entries.1._mockrun.callback", "charge-succeeded");
    assert_str(doc, "log.entries.1._mockrun.outcome", "answered");
    assert_num(doc, "log.entries.1._mockrun.trigger", 1);
    assert_num(doc, "log.entries.1.time", 2.5);
    assert_num(doc, "log.entries.2.response.status", 0);
    assert_str(doc, "log.entries.2.response._error", "connection refused");
    assert_str(doc, "log.entries.2._mockrun.outcome", "failed");
    assert_str(doc, "log.entries.3.request.method", "GET"); /* the second call */
    cJSON_Delete(doc);
    mr_results_release(&r);
}
END_TEST

static Suite *har_suite(void)
{
    Suite *s = suite_create("har");
    TCase *tc = tcase_create("document");

    tcase_add_test(tc, log_shape);
    tcase_add_test(tc, fields);
    tcase_add_test(tc, unmatched_and_unknowns);
    tcase_add_test(tc, bodies);
    tcase_add_test(tc, empty_run);
    tcase_add_test(tc, reasons);
    tcase_add_test(tc, callbacks);
    suite_add_tcase(s, tc);
    tc = tcase_create("file");
    tcase_add_test(tc, write_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(har_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
