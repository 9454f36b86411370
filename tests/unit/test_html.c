/*
 * test_html.c - the HTML report: the summary, the cases, the routes and the
 * calls where html.h says they are, hostile request data kept as text (never
 * markup), the page self-contained, the limits, and the atomic file.
 *
 * html.c writes through libxml2 loaded with dlopen; libxml2 is linked here
 * only to read the page back (its HTML parser, XPath). The e2e case
 * `html-report` opens a real run's page in headless Chromium. Run one case
 * with CK_RUN_CASE=page; debug with CK_FORK=no.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>

#include "common/buf.h"
#include "reports/html.h"
#include "reports/results.h"

/* 2026-11-25T12:30:57.123456 UTC */
#define WALL_US 1795609857123456LL

static void add_call(struct mr_results *r, size_t service, const char *method, const char *path,
                     int status, const char *route, const char *body)
{
    static struct mr_results_header headers[] = {
        {(char *)"Host", (char *)"127.0.0.1:41234"},
        {(char *)"X-Trace", (char *)"<b>bold</b>"},
    };
    struct mr_results_call c;

    memset(&c, 0, sizeof(c));
    c.seq = r->ncalls + 1;
    c.wall_us = WALL_US + 250000 + (int64_t)r->ncalls * 1000;
    c.duration_us = 1500;
    c.service = service;
    c.method = (char *)method;
    c.path = (char *)path;
    c.query = (char *)"";
    c.headers = headers;
    c.nheaders = 2;
    c.body = (char *)body;
    c.body_len = body ? strlen(body) : 0;
    c.body_size = c.body_len;
    c.status = status;
    c.route = (char *)route;
    ck_assert_int_eq(mr_results_add_call(r, &c), 0);
}

static void fill(struct mr_results *r)
{
    mr_results_init(r);
    ck_assert_int_eq(mr_results_add_suite(r, "checkout", "checkout.json"), 0);
    r->start_wall_us = WALL_US;
    r->time_s = 1.5;
    r->hostname = strdup("ci-runner");
    r->seed = 42;
    r->has_seed = true;
    ck_assert_int_eq(mr_results_set_command(r, "npm test"), 0);
    ck_assert_int_eq(mr_results_add_case(r, MR_CASE_PASS, "create-charge is called", NULL, NULL),
                     0);
    ck_assert_int_eq(mr_results_add_case(r, MR_CASE_FAIL, "reserve is called exactly 1 time",
                                         "expected exactly 1 call, got 0",
                                         "  #2 POST /v1/reserve -> 404 (no route matched)\n"),
                     0);
    ck_assert_int_eq(mr_results_add_case(r, MR_CASE_SKIP, "skipped one", NULL, NULL), 0);
    ck_assert_int_eq(mr_results_add_service(r, "payments", "http://127.0.0.1:41234"), 0);
    ck_assert_int_eq(mr_results_add_service(r, "inventory", "http://127.0.0.1:41235"), 0);
    add_call(r, 0, "POST", "/v1/charges", 201, "create-charge", "{\"amount\":1999}");
    add_call(r, 1, "POST", "/v1/reserve", 404, NULL, "<script>alert(1)</script>");
    r->calls[1].near = strdup("closest route \"reserve\": path \"/v1/reserve\" differs");
    add_call(r, 1, "GET", "/favicon.ico", 404, NULL, NULL);
    r->calls[2].allowed = true;
    r->calls_total = 3;
    ck_assert_int_eq(mr_results_add_route(r, "create-charge", 0, 1), 0);
    ck_assert_int_eq(mr_results_add_route(r, NULL, 0, 2), 0);
    ck_assert_int_eq(mr_results_count_status(r, 0, 201), 0);
    ck_assert_int_eq(mr_results_count_status(r, 1, 404), 0);
    ck_assert_int_eq(mr_results_count_status(r, 1, 404), 0);
    ck_assert_int_eq(mr_results_set_output(r, "stdout text\n", 12, "err \x1b[31m", 9), 0);
}

struct page {
    char *text;
    size_t len;
    htmlDocPtr doc;
    xmlXPathContextPtr xp;
};

static void build(struct page *pg, const struct mr_results *r)
{
    struct mr_buf b;
    struct mr_error err;

    mr_buf_init(&b);
    ck_assert_msg(mr_html_build(&b, r, "report.html", &err) == 0, "%s", err.msg);
    pg->text = mr_buf_detach(&b, &pg->len);
    pg->doc = htmlReadMemory(pg->text, (int)pg->len, NULL, "UTF-8",
                             HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    ck_assert_ptr_nonnull(pg->doc);
    pg->xp = xmlXPathNewContext(pg->doc);
    ck_assert_ptr_nonnull(pg->xp);
}

static void release(struct page *pg)
{
    xmlXPathFreeContext(pg->xp);
    xmlFreeDoc(pg->doc);
    free(pg->text);
}

static double number(struct page *pg, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, pg->xp);
    double n;

    ck_assert_msg(o != NULL, "bad XPath %s", expr);
    n = xmlXPathCastToNumber(o);
    xmlXPathFreeObject(o);
    return n;
}

/* The string value of an XPath expression (caller frees). */
static char *string(struct page *pg, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, pg->xp);
    xmlChar *s;
    char *out;

    ck_assert_msg(o != NULL, "bad XPath %s", expr);
    s = xmlXPathCastToString(o);
    out = strdup((const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(o);
    return out;
}

static void assert_string(struct page *pg, const char *expr, const char *want)
{
    char *got = string(pg, expr);

    ck_assert_msg(strcmp(got, want) == 0, "%s: got \"%s\", want \"%s\"", expr, got, want);
    free(got);
}

static void assert_count(struct page *pg, const char *expr, int want)
{
    char q[512];

    snprintf(q, sizeof(q), "count(%s)", expr);
    ck_assert_msg(number(pg, q) == want, "%s: got %g, want %d", q, number(pg, q), want);
}

#define CLASS(c) "contains(concat(' ', @class, ' '), ' " c " ')"

START_TEST(page_summary)
{
    struct mr_results r;
    struct page pg;

    fill(&r);
    build(&pg, &r);
    ck_assert(strncmp(pg.text, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
    assert_string(&pg, "/html/head/title", "mockrun: checkout: 1 passed, 1 failed");
    assert_count(&pg, "//header[@id='summary' and " CLASS("fail") "]", 1);
    assert_string(&pg, "//*[@id='passed']", "1 passed");
    assert_string(&pg, "//*[@id='failed']", "1 failed");
    assert_string(&pg, "//*[@id='skipped']", "1 skipped");
    assert_string(&pg, "//*[@id='calls']", "3 calls, 1 unmatched");
    assert_string(&pg, "//dt[.='scenario']/following-sibling::dd[1]", "checkout.json");
    assert_string(&pg, "//dt[.='command']/following-sibling::dd[1]", "npm test");
    assert_string(&pg, "//dt[.='duration']/following-sibling::dd[1]", "1.500 s");
    assert_string(&pg, "//dt[.='seed']/following-sibling::dd[1]", "42");
    assert_string(&pg, "//dt[.='started']/following-sibling::dd[1]", "2026-11-25T12:30:57.123Z");
    assert_string(&pg, "//dt[.='host']/following-sibling::dd[1]", "ci-runner");
    assert_count(&pg, "//dt[.='service']", 2);
    release(&pg);
    mr_results_release(&r);
}
END_TEST

START_TEST(page_cases)
{
    struct mr_results r;
    struct page pg;

    fill(&r);
    r.cases[1].file = strdup("checkout.json");
    r.cases[1].line = 14;
    build(&pg, &r);
    assert_count(&pg, "//li[" CLASS("case") "]", 3);
    assert_count(&pg, "//li[" CLASS("pass") "]", 1);
    assert_count(&pg, "//li[" CLASS("skip") "]", 1);
    assert_string(&pg, "//li[" CLASS("fail") "]/span[" CLASS("name") "]",
                  "reserve is called exactly 1 time");
    assert_string(&pg, "//li[" CLASS("fail") "]/span[" CLASS("where") "]", " checkout.json:14");
    assert_string(&pg, "//li[" CLASS("fail") "]/p[" CLASS("message") "]",
                  "expected exactly 1 call, got 0");
    assert_string(&pg, "//li[" CLASS("fail") "]/pre[" CLASS("detail") "]",
                  "  #2 POST /v1/reserve -> 404 (no route matched)\n");
    release(&pg);
    mr_results_release(&r);
}
END_TEST

START_TEST(page_routes_and_calls)
{
    struct mr_results r;
    struct page pg;

    fill(&r);
    build(&pg, &r);
    assert_count(&pg, "//section[@id='routes']//tbody/tr", 2);
    assert_string(&pg, "//section[@id='routes']//tbody/tr[2]/td[1]", "no route matched");
    assert_string(&pg, "//section[@id='routes']//tbody/tr[2]/td[4]",
                  "404 \xc3\x97"
                  "2");
    /* one table per service with calls, rows in arrival order */
    assert_count(&pg, "//section[@id='timeline']/table", 2);
    assert_string(&pg, "//section[@id='timeline']/h3[1]/text()[1]", "payments: 1 call");
    assert_string(&pg, "//section[@id='timeline']/h3[1]/span", "http://127.0.0.1:41234");
    assert_count(&pg, "//tr[" CLASS("call") "]", 3);
    assert_count(&pg, "//tr[" CLASS("unmatched") " and " CLASS("call") "]", 1);
    assert_count(&pg, "//tr[" CLASS("allowed") "]", 1);
    assert_string(&pg, "//tr[@id='call-2']/td[" CLASS("route") "]", "no route matched");
    assert_string(&pg, "//tr[@id='call-2']//div[" CLASS("near") "]",
                  "closest route \"reserve\": path \"/v1/reserve\" differs");
    assert_string(&pg, "//tr[@id='call-3']/td[" CLASS("route") "]", "unmatched (allowed)");
    assert_string(&pg, "//tr[@id='call-1']/td[" CLASS("time") "]", "+0.250 s");
    assert_string(&pg, "//tr[@id='call-1']/td[" CLASS("time") "]/@title",
                  "2026-11-25T12:30:57.373Z");
    assert_string(&pg, "//tr[@id='call-1']/td[" CLASS("dur") "]", "1.500 ms");
    assert_string(&pg, "//tr[@id='call-1']/td[5]", "201");
    assert_string(&pg, "//tr[@id='call-1']//summary", "/v1/charges");
    assert_string(&pg, "//tr[@id='call-1']//pre[" CLASS("body") "]", "{\"amount\":1999}");
    assert_string(&pg, "//tr[@id='call-1']//pre[" CLASS("headers") "]",
                  "Host: 127.0.0.1:41234\nX-Trace: <b>bold</b>\n");
    assert_count(&pg, "//tr[@id='call-1']//p[" CLASS("note") "]", 1); /* no response body */
    release(&pg);
    mr_results_release(&r);
}
END_TEST

START_TEST(page_callbacks)
{
    struct mr_results r;
    struct page pg;
    struct mr_results_attempt a;

    fill(&r);
    /* none triggered: the section says so */
    r.has_attempts = true;
    build(&pg, &r);
    assert_string(&pg, "//section[@id='callbacks']/p", "No callback was triggered.");
    release(&pg);

    memset(&a, 0, sizeof(a));
    a.seq = 1;
    a.callback = (char *)"charge-succeeded";
    a.delivery = 1;
    a.attempt = 2;
    a.trigger = 1;
    a.outcome = MR_RESULTS_ANSWERED;
    a.status = 200;
    a.wall_us = WALL_US + 500000;
    a.duration_us = 2000;
    a.method = (char *)"POST";
    a.url = (char *)"http://127.0.0.1:4000/hooks";
    a.body = (char *)"<b>{}</b>";
    a.body_len = a.body_size = 9;
    a.response_body = (char *)"ok";
    a.response_body_len = 2;
    ck_assert_int_eq(mr_results_add_attempt(&r, &a), 0);
    a.seq = 2;
    a.delivery = 2;
    a.attempt = 1;
    a.outcome = MR_RESULTS_REFUSED;
    a.status = 0;
    a.url = (char *)"http://10.0.0.1/hooks";
    a.error = (char *)"refused: host 10.0.0.1 is not loopback and not in allowHosts";
    a.response_body = NULL;
    ck_assert_int_eq(mr_results_add_attempt(&r, &a), 0);
    build(&pg, &r);
    assert_count(&pg, "//section[@id='callbacks']//tbody/tr", 2);
    assert_count(&pg, "//tr[" CLASS("attempt") " and " CLASS("answered") "]", 1);
    assert_count(&pg, "//tr[" CLASS("attempt") " and " CLASS("refused") "]", 1);
    assert_string(&pg, "//tr[@id='callback-1']/td[" CLASS("callback") "]", "charge-succeeded");
    assert_string(&pg, "//tr[@id='callback-1']/td[4]", "1.2");
    assert_string(&pg, "//tr[@id='callback-1']//a/@href", "#call-1");
    assert_string(&pg, "//tr[@id='callback-1']/td[8]", "200");
    assert_string(&pg, "//tr[@id='callback-1']//summary", "http://127.0.0.1:4000/hooks");
    assert_string(&pg, "//tr[@id='callback-1']//pre[" CLASS("body") "][1]", "<b>{}</b>");
    assert_count(&pg, "//section[@id='callbacks']//b", 0); /* request data stays text */
    assert_string(&pg, "//tr[@id='callback-2']/td[8]", "refused");
    assert_string(&pg, "//tr[@id='callback-2']//div[" CLASS("near") "]",
                  "refused: host 10.0.0.1 is not loopback and not in allowHosts");
    release(&pg);
    mr_results_release(&r);
}
END_TEST

/* Request data is text: a body holding <script> adds no element, and the
 * page loads nothing from anywhere. */
START_TEST(hostile_text)
{
    struct mr_results r;
    struct page pg;

    fill(&r);
    build(&pg, &r);
    assert_count(&pg, "//script", 1); /* ours */
    assert_count(&pg, "//b", 0);
    assert_string(&pg, "//tr[@id='call-2']//pre[" CLASS("body") "]", "<script>alert(1)</script>");
    assert_count(&pg, "//*[@src or @href]", 0);
    assert_count(&pg, "//link", 0);
    ck_assert_ptr_null(strstr(pg.text, "url("));
    ck_assert_ptr_null(strstr(pg.text, "@import"));
    /* stderr's escape byte is shown, not sent raw */
    ck_assert_ptr_nonnull(strstr(pg.text, "err \\x1b[31m"));
    release(&pg);
    mr_results_release(&r);
}
END_TEST

START_TEST(invalid_utf8_sanitized)
{
    struct mr_results r;
    struct page pg;

    fill(&r);
    free(r.calls[0].path);
    r.calls[0].path = strdup("/caf\xc3\xa9/\xff\xfe");
    build(&pg, &r);
    assert_string(&pg, "//tr[@id='call-1']//summary", "/caf\xc3\xa9/\xef\xbf\xbd\xef\xbf\xbd");
    release(&pg);
    mr_results_release(&r);
}
END_TEST

START_TEST(limits)
{
    static char big[MR_HTML_MAX_BODY + 100];
    struct mr_results r;
    struct page pg;
    char *s;

    fill(&r);
    memset(big, 'b', sizeof(big) - 1);
    add_call(&r, 0, "PUT", "/big", 200, "create-charge", big);
    r.calls[3].body_size = 5000000;
    r.calls[3].body_truncated = true;
    r.calls_total = 10;
    build(&pg, &r);
    s = string(&pg, "//tr[@id='call-4']//pre[" CLASS("body") "]");
    ck_assert_uint_eq(strlen(s), MR_HTML_MAX_BODY);
    free(s);
    assert_string(&pg, "//tr[@id='call-4']//p[" CLASS("note") "][1]",
                  "65536 of 5000000 bytes shown; the HAR file (--har) and the journal "
                  "(--journal) have every byte mockrun kept");
    assert_count(&pg,
                 "//section[@id='timeline']/p[" CLASS("note") " and contains(., '6 of 10 calls "
                                                              "were counted but not kept')]",
                 1);
    release(&pg);
    mr_results_release(&r);
}
END_TEST

START_TEST(no_calls_recorded)
{
    struct mr_results r;
    struct page pg;

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_case(&r, MR_CASE_ERROR, "the mock services start",
                                         "port 8080 is already in use", NULL),
                     0);
    build(&pg, &r);
    assert_string(&pg, "//*[@id='failed']", "1 failed");
    assert_count(&pg, "//*[@id='calls' and self::span]", 0);
    assert_string(&pg, "//section[@id='timeline']/p",
                  "No calls were recorded (the mocks did not start).");
    assert_count(&pg, "//script", 0);
    release(&pg);
    mr_results_release(&r);
}
END_TEST

START_TEST(write_file)
{
    char dir[] = "/tmp/mr-html-XXXXXX", path[64];
    struct mr_results r;
    struct mr_error err;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    fill(&r);
    snprintf(path, sizeof(path), "%s/report.html", dir);
    ck_assert_int_eq(mr_html_write(&r, path, &err), 0);
    ck_assert_int_eq(access(path, R_OK), 0);
    unlink(path);
    snprintf(path, sizeof(path), "%s/missing/report.html", dir);
    ck_assert_int_eq(mr_html_write(&r, path, &err), MR_ESETUP);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot write report '"));
    rmdir(dir);
    mr_results_release(&r);
}
END_TEST

static Suite *html_suite(void)
{
    Suite *s = suite_create("html");
    TCase *tc = tcase_create("page");

    tcase_add_test(tc, page_summary);
    tcase_add_test(tc, page_cases);
    tcase_add_test(tc, page_routes_and_calls);
    tcase_add_test(tc, page_callbacks);
    tcase_add_test(tc, no_calls_recorded);
    suite_add_tcase(s, tc);
    tc = tcase_create("text");
    tcase_add_test(tc, hostile_text);
    tcase_add_test(tc, invalid_utf8_sanitized);
    tcase_add_test(tc, limits);
    suite_add_tcase(s, tc);
    tc = tcase_create("file");
    tcase_add_test(tc, write_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(html_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
