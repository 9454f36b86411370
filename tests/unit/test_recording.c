/*
 * test_recording.c - record/recording.c: calls as mockrun record's proxy
 * hands them over, and the scenario built from them. The scenario is read
 * back twice: with cJSON, to look at what was written, and with the loader
 * (its fixtures written to a temporary folder first), which must accept it.
 *
 * One case:   CK_RUN_CASE=build ./test_recording
 * Under gdb:  CK_FORK=no gdb ./test_recording
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "record/recording.h"
#include "scenarios/scenario.h"
#include "tests/lib/tmpdir.h"

#define SELF "http://127.0.0.1:41234"

/* Adds a call: headers as "Name: value" strings, NULL-terminated. */
static void add(struct mr_recording *r, size_t service, const char *method, const char *path,
                int status, const char *const *headers, const char *body, size_t body_len,
                const char *encoding)
{
    struct mr_kv kv[16];
    struct mr_rec_call c;
    size_t n = 0;

    for (; headers && headers[n]; n++) {
        const char *colon = strchr(headers[n], ':');
        kv[n].name = headers[n];
        kv[n].name_len = (size_t)(colon - headers[n]);
        kv[n].value = colon + 2;
        kv[n].value_len = strlen(colon + 2);
    }
    memset(&c, 0, sizeof(c));
    c.service = service;
    c.method = method;
    c.path = path;
    c.query = "";
    c.status = status;
    c.headers = kv;
    c.nheaders = n;
    c.body = body;
    c.body_len = body ? (body_len ? body_len : strlen(body)) : 0;
    c.encoding = encoding;
    c.self_url = SELF;
    ck_assert_int_eq(mr_recording_add(r, &c), 0);
}

static const char *const json_h[] = {"Content-Type: application/json", "Date: Tue, 01 Dec 2026",
                                     "Server: real/1.0", "X-Request-Id: r-1", NULL};

/* Builds, checks the loader accepts the result (fixtures written beside it), returns it parsed. */
static cJSON *build(struct mr_recording *r, struct mr_rec_result *res, size_t inline_max)
{
    static const struct mr_rec_service services[] = {{"api", "http://api.test:8080"},
                                                     {"billing", "http://127.0.0.1:9/v2"}};
    static const char *const command[] = {"sh", "client.sh", NULL};
    struct mr_rec_options o;
    struct mr_error err;
    struct mr_error_list *errs = calloc(1, sizeof(*errs));
    struct mr_scenario *sc = NULL;
    struct mr_tmpdir d;
    char path[512], line[1200] = "";
    size_t i;
    cJSON *root;
    int rc;

    memset(&o, 0, sizeof(o));
    o.services = services;
    o.nservices = 2;
    o.name = "recorded";
    o.command = command;
    o.inline_max = inline_max;
    ck_assert_int_eq(mr_recording_build(r, &o, res, &err), 0);
    ck_assert_ptr_nonnull(res->scenario);
    ck_assert_uint_eq(strlen(res->scenario), res->scenario_len);
    root = cJSON_Parse(res->scenario);
    ck_assert_msg(root != NULL, "not JSON:\n%s", res->scenario);

    mr_tmpdir_make(&d, "recording");
    mkdir(mr_tmpdir_join(&d, "fixtures", path, sizeof(path)), 0700);
    for (i = 0; i < res->nfixtures; i++)
        mr_tmpdir_write(&d, res->fixtures[i].path, res->fixtures[i].data, res->fixtures[i].len);
    rc = mr_scenario_parse_one(&sc, mr_tmpdir_join(&d, "scenario.json", path, sizeof(path)),
                               res->scenario, res->scenario_len, errs);
    if (rc != 0 && errs->count)
        mr_error_format(&errs->items[0], line, sizeof(line));
    ck_assert_msg(rc == 0, "the loader refuses it: %s\n%s", line, res->scenario);
    mr_scenario_free(sc);
    mr_tmpdir_remove(&d);
    free(errs);
    return root;
}

static cJSON *at(cJSON *v, const char *path)
{
    /* "services.api.routes.0.response": names and indices */
    char buf[256], *tok, *save = NULL;
    snprintf(buf, sizeof(buf), "%s", path);
    for (tok = strtok_r(buf, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save))
        v = cJSON_IsArray(v) ? cJSON_GetArrayItem(v, atoi(tok))
                             : cJSON_GetObjectItemCaseSensitive(v, tok);
    ck_assert_msg(v != NULL, "no %s", path);
    return v;
}

static const char *str(cJSON *v, const char *path)
{
    cJSON *s = at(v, path);
    ck_assert_msg(cJSON_IsString(s), "%s is not a string", path);
    return s->valuestring;
}

static bool has(cJSON *v, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(v, key) != NULL;
}

START_TEST(test_routes_and_sequences)
{
    struct mr_recording *r;
    struct mr_rec_result res;
    struct mr_error err;
    cJSON *root, *routes, *rt;

    ck_assert_int_eq(mr_recording_new(&r, &err), 0);
    add(r, 0, "GET", "/users/1", 200, json_h, "{\"id\": 1, \"name\": \"ada\"}", 0, NULL);
    add(r, 0, "GET", "/users/me", 200, json_h, "{\"id\": 9}", 0, NULL);
    add(r, 0, "GET", "/users/2", 200, json_h, "{\"id\": 2, \"name\": \"bob\"}", 0, NULL);
    add(r, 0, "GET", "/health", 200, (const char *const[]){"Content-Type: text/plain", NULL},
        "ok\n", 0, NULL);
    add(r, 0, "GET", "/health", 200, (const char *const[]){"Content-Type: text/plain", NULL},
        "ok\n", 0, NULL);
    add(r, 0, "DELETE", "/users/2", 204, NULL, NULL, 0, NULL);
    add(r, 1, "GET", "/status", 200, json_h, "{\"up\": true}", 0, NULL);
    root = build(r, &res, 0);
    ck_assert_uint_eq(res.nroutes, 5);

    routes = at(root, "services.api.routes");
    ck_assert_int_eq(cJSON_GetArraySize(routes), 4);
    /* first seen first, but the literal /users/me before /users/:userId, which would
     * answer its calls too */
    ck_assert_str_eq(str(routes, "0.id"), "get-users-me");
    ck_assert_str_eq(str(routes, "0.request.path"), "/users/me");
    ck_assert_str_eq(str(routes, "1.id"), "get-users-userId");
    ck_assert_str_eq(str(routes, "1.request.method"), "GET");
    ck_assert_str_eq(str(routes, "1.request.path"), "/users/:userId");
    ck_assert_str_eq(str(routes, "2.id"), "get-health");
    /* two different answers: sequential, in call order */
    rt = at(routes, "1");
    ck_assert_str_eq(str(rt, "mode"), "sequential");
    ck_assert_int_eq(cJSON_GetArraySize(at(rt, "responses")), 2);
    ck_assert_str_eq(str(rt, "responses.0.json.name"), "ada");
    ck_assert_str_eq(str(rt, "responses.1.json.name"), "bob");
    /* the same answer twice: one response; volatile headers and the default type left out */
    rt = at(routes, "2");
    ck_assert(!has(rt, "responses") && !has(rt, "mode"));
    ck_assert_str_eq(str(rt, "response.body"), "ok\n");
    ck_assert_str_eq(str(rt, "response.headers.Content-Type"), "text/plain");
    ck_assert(!has(at(routes, "0.response"), "headers")); /* application/json, Date, Server... */
    ck_assert_double_eq(at(routes, "3.response.status")->valuedouble, 204);
    ck_assert_str_eq(str(routes, "3.id"), "delete-users-userId");
    ck_assert(!has(at(routes, "3.response"), "body"));
    /* the second service */
    ck_assert_str_eq(str(root, "services.billing.routes.0.id"), "get-status");
    /* expectations: the counts observed */
    ck_assert_str_eq(str(root, "expect.0.route"), "get-users-me");
    ck_assert_double_eq(at(root, "expect.0.times")->valuedouble, 1);
    ck_assert_str_eq(str(root, "expect.1.route"), "get-users-userId");
    ck_assert_double_eq(at(root, "expect.1.times")->valuedouble, 2);
    ck_assert_str_eq(str(root, "expect.2.route"), "get-health");
    ck_assert_double_eq(at(root, "expect.2.times")->valuedouble, 2);
    ck_assert_int_eq(cJSON_GetArraySize(at(root, "expect")), 5);
    ck_assert_str_eq(str(root, "command.run.1"), "client.sh");
    ck_assert(!has(at(root, "services.api"), "proxy")); /* replays never reach the API */
    ck_assert_uint_eq(res.nnotes, 0);
    cJSON_Delete(root);
    mr_rec_result_release(&res);
    mr_recording_free(r);
}
END_TEST

START_TEST(test_bodies)
{
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\x01\xff";
    struct mr_recording *r;
    struct mr_rec_result res;
    struct mr_error err;
    cJSON *root, *routes;
    char big[300];
    size_t i;

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ck_assert_int_eq(mr_recording_new(&r, &err), 0);
    add(r, 0, "GET", "/logo.png", 200, (const char *const[]){"Content-Type: image/png", NULL}, png,
        sizeof(png) - 1, NULL);
    add(r, 0, "GET", "/big.txt", 200, (const char *const[]){"Content-Type: text/plain", NULL}, big,
        0, NULL);
    add(r, 0, "GET", "/gz", 200,
        (const char *const[]){"Content-Type: application/json", "Content-Encoding: gzip", NULL},
        "{\"decoded\": true}", 0, NULL);
    add(r, 0, "GET", "/br", 200,
        (const char *const[]){"Content-Type: application/json", "Content-Encoding: br", NULL},
        "\x1b\x02\x00", 3, "br");
    add(r, 0, "GET", "/big-id", 200, json_h, "{\"id\": 12345678901234567890}", 0, NULL);
    add(r, 0, "GET", "/tpl", 200, json_h, "{\"greeting\": \"{{name}}\"}", 0, NULL);
    add(r, 0, "GET", "/dup", 200, json_h, "{\"a\": 1, \"a\": 2}", 0, NULL);
    add(r, 0, "GET", "/bad-json", 200, json_h, "{not json", 0, NULL);
    add(r, 0, "GET", "/old", 302,
        (const char *const[]){"Location: " SELF "/new?page=2&token=abc", NULL}, NULL, 0, NULL);
    add(r, 0, "GET", "/away", 301, (const char *const[]){"Location: http://elsewhere.test/x", NULL},
        NULL, 0, NULL);
    /* the same bytes twice: one file */
    add(r, 0, "GET", "/logo-copy.png", 200, (const char *const[]){"Content-Type: image/png", NULL},
        png, sizeof(png) - 1, NULL);
    root = build(r, &res, 200);
    routes = at(root, "services.api.routes");

    for (i = 0; i < (size_t)cJSON_GetArraySize(routes); i++) {
        cJSON *rt = cJSON_GetArrayItem(routes, (int)i), *resp = at(rt, "response");
        const char *id = str(rt, "id");
        if (strcmp(id, "get-logo.png") == 0) {
            /* binary: a fixture, byte for byte, with its type */
            ck_assert_str_eq(str(resp, "file"), "fixtures/get-logo.png");
            ck_assert_str_eq(str(resp, "headers.Content-Type"), "image/png");
        } else if (strcmp(id, "get-logo-copy.png") == 0) {
            ck_assert_str_eq(str(resp, "file"), "fixtures/get-logo.png");
        } else if (strcmp(id, "get-big.txt") == 0) {
            ck_assert_str_eq(str(resp, "file"), "fixtures/get-big.txt");
        } else if (strcmp(id, "get-gz") == 0) {
            /* decoded: recorded without its coding */
            ck_assert(cJSON_IsTrue(at(resp, "json.decoded")));
            ck_assert(!has(resp, "headers"));
        } else if (strcmp(id, "get-br") == 0) {
            /* not decoded: served as it came, with its coding */
            ck_assert_str_eq(str(resp, "file"), "fixtures/get-br.bin");
            ck_assert_str_eq(str(resp, "headers.Content-Encoding"), "br");
        } else if (strcmp(id, "get-big-id") == 0) {
            /* a number a double cannot hold: the text as it came */
            ck_assert_str_eq(str(resp, "body"), "{\"id\": 12345678901234567890}");
            ck_assert_str_eq(str(resp, "headers.Content-Type"), "application/json");
        } else if (strcmp(id, "get-tpl") == 0) {
            ck_assert_str_eq(str(resp, "json.greeting"), "{{name}}");
            ck_assert(cJSON_IsFalse(at(resp, "template")));
        } else if (strcmp(id, "get-dup") == 0 || strcmp(id, "get-bad-json") == 0) {
            ck_assert(has(resp, "body"));
        } else if (strcmp(id, "get-old") == 0) {
            /* on the service: relative, so it follows the replaying mock; secrets out */
            ck_assert_str_eq(str(resp, "headers.Location"), "/new?page=2&token=[REDACTED]");
        } else if (strcmp(id, "get-away") == 0) {
            ck_assert_str_eq(str(resp, "headers.Location"), "http://elsewhere.test/x");
        } else {
            ck_abort_msg("unexpected route %s", id);
        }
    }
    ck_assert_uint_eq(res.nfixtures, 3);
    ck_assert_uint_eq(res.fixtures[0].len, sizeof(png) - 1);
    ck_assert_mem_eq(res.fixtures[0].data, png, sizeof(png) - 1);
    cJSON_Delete(root);
    mr_rec_result_release(&res);
    mr_recording_free(r);
}
END_TEST

START_TEST(test_secrets)
{
    static const char *const login_h[] = {"Content-Type: application/json",
                                          "Set-Cookie: session=S3CRET; HttpOnly",
                                          "Set-Cookie: other=S3CRET2", "X-Auth-Token: T0KEN", NULL};
    struct mr_recording *r;
    struct mr_rec_result res;
    struct mr_error err;
    cJSON *root, *resp;
    size_t i;

    ck_assert_int_eq(mr_recording_new(&r, &err), 0);
    add(r, 0, "POST", "/login", 200, login_h,
        "{\"user\": \"ada\", \"access_token\": \"T0KEN\", \"profile\": {\"password\": "
        "\"hunter2\"}}",
        0, NULL);
    add(r, 0, "POST", "/oauth/token", 200,
        (const char *const[]){"Content-Type: application/x-www-form-urlencoded", NULL},
        "access_token=T0KEN&expires_in=3600", 0, NULL);
    root = build(r, &res, 0);
    resp = at(root, "services.api.routes.0.response");
    ck_assert_str_eq(str(resp, "headers.Set-Cookie"), "session=[REDACTED]; HttpOnly");
    ck_assert_str_eq(str(resp, "headers.X-Auth-Token"), "[REDACTED]");
    ck_assert_str_eq(str(resp, "json.access_token"), "[REDACTED]");
    ck_assert_str_eq(str(resp, "json.profile.password"), "[REDACTED]");
    ck_assert_str_eq(str(resp, "json.user"), "ada");
    ck_assert_str_eq(str(root, "services.api.routes.1.response.body"),
                     "access_token=[REDACTED]&expires_in=3600");
    /* nothing secret anywhere in the file */
    ck_assert_msg(!strstr(res.scenario, "T0KEN") && !strstr(res.scenario, "S3CRET") &&
                      !strstr(res.scenario, "hunter2"),
                  "%s", res.scenario);
    /* and every redaction listed */
    {
        static const char *const want[] = {
            "redacted the Set-Cookie header of POST /login (route post-login)",
            "kept only the first Set-Cookie header of POST /login (route post-login)",
            "redacted the X-Auth-Token header of POST /login (route post-login)",
            "redacted $.access_token in the body of POST /login (route post-login)",
            "redacted $.profile.password in the body of POST /login (route post-login)",
            ("redacted the access_token field in the body of POST /oauth/token (route "
             "post-oauth-token)")};
        ck_assert_uint_eq(res.nnotes, sizeof(want) / sizeof(want[0]));
        for (i = 0; i < res.nnotes; i++)
            ck_assert_str_eq(res.notes[i], want[i]);
    }
    cJSON_Delete(root);
    mr_rec_result_release(&res);
    mr_recording_free(r);
}
END_TEST

struct adder {
    struct mr_recording *r;
    int n;
};

static void *adds(void *arg)
{
    struct adder *a = arg;
    int i;
    for (i = 0; i < a->n; i++)
        add(a->r, 0, "GET", "/n", 200, NULL, "x", 0, NULL);
    return NULL;
}

START_TEST(test_threads_and_empty)
{
    struct mr_recording *r;
    struct mr_rec_result res;
    struct mr_error err;
    pthread_t t[4];
    struct adder a;
    cJSON *root;
    int i;

    ck_assert_int_eq(mr_recording_new(&r, &err), 0);
    a.r = r;
    a.n = 500;
    for (i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, adds, &a), 0);
    for (i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    ck_assert_uint_eq(mr_recording_count(r), 2000);
    ck_assert_uint_eq(mr_recording_lost(r), 0);
    root = build(r, &res, 0);
    ck_assert_double_eq(at(root, "expect.0.times")->valuedouble, 2000);
    cJSON_Delete(root);
    mr_rec_result_release(&res);
    mr_recording_free(r);

    /* nothing recorded: services without routes, still a valid scenario */
    ck_assert_int_eq(mr_recording_new(&r, &err), 0);
    root = build(r, &res, 0);
    ck_assert_int_eq(cJSON_GetArraySize(at(root, "services.api.routes")), 0);
    ck_assert_int_eq(cJSON_GetArraySize(at(root, "expect")), 0);
    cJSON_Delete(root);
    mr_rec_result_release(&res);
    mr_recording_free(r);
}
END_TEST

static Suite *recording_suite(void)
{
    Suite *s = suite_create("recording");
    TCase *tc = tcase_create("build");
    tcase_add_test(tc, test_routes_and_sequences);
    tcase_add_test(tc, test_bodies);
    tcase_add_test(tc, test_secrets);
    tcase_add_test(tc, test_threads_and_empty);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(recording_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
