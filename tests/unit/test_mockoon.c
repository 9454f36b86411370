/*
 * test_mockoon.c - formats/mockoon.c: every mapping from a Mockoon
 * environment to a scenario (environment, routes, paths, responses, modes,
 * each rule target and operator, invert, AND/OR, the default response),
 * every warning with its Mockoon JSON path, and invalid input. Each converted
 * scenario must also load in mockrun.
 *
 * Every conversion's warnings are checked whole, in order (WARNINGS, or
 * NO_WARNINGS): converting again, or ending the test, before they are checked
 * fails the test.
 *
 * One case:   CK_RUN_CASE=rules ./test_mockoon
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "formats/mockoon.h"
#include "scenarios/scenario.h"
#include "tests/lib/lines.h"

static struct mr_mockoon_result res;
static struct mr_error err;
static cJSON *sc;
static char *printed;
static bool warnings_checked = true; /* those of the last conversion, by expect_warnings */

/* Single quotes stand for double quotes, so JSON reads well in C. */
static char *q(const char *s)
{
    char *c = strdup(s), *p;
    ck_assert_ptr_nonnull(c);
    for (p = c; *p; p++)
        if (*p == '\'')
            *p = '"';
    return c;
}

static void reset(void)
{
    ck_assert_msg(warnings_checked, "the warnings of the last conversion were not checked");
    mr_mockoon_result_free(&res);
    cJSON_Delete(sc);
    sc = NULL;
    free(printed);
    printed = NULL;
}

/* Converts; the scenario must load unless it serves files. */
static void convert(const char *env_q, bool must_load)
{
    char *env = q(env_q);
    int rc;

    reset();
    memset(&err, 0, sizeof(err));
    rc = mr_mockoon_convert("env.json", env, strlen(env), &res, &err);
    free(env);
    ck_assert_msg(rc == 0, "convert failed: %s", err.msg);
    warnings_checked = false;
    sc = cJSON_Parse(res.scenario);
    ck_assert_ptr_nonnull(sc);
    ck_assert(strstr(res.scenario, "\n  \"services\": {\n") != NULL);
    if (must_load) {
        struct mr_error_list *errs = calloc(1, sizeof(*errs));
        struct mr_scenario *s = NULL;
        rc = mr_scenario_parse_one(&s, "/tmp/mockoon-test.json", res.scenario, strlen(res.scenario),
                                   errs);
        ck_assert_msg(rc == 0, "scenario does not load: %s: %s\n%s",
                      errs->count ? errs->items[0].path : "", errs->count ? errs->items[0].msg : "",
                      res.scenario);
        mr_scenario_free(s);
        free(errs);
    }
}

/* The value at a dotted path of the scenario, printed compactly. */
static const char *at(const char *path)
{
    const cJSON *v = sc;
    char buf[256], *tok, *save;

    snprintf(buf, sizeof(buf), "%s", path);
    for (tok = strtok_r(buf, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save)) {
        if (tok[0] >= '0' && tok[0] <= '9')
            v = cJSON_GetArrayItem(v, atoi(tok));
        else if (strcmp(tok, "_") == 0)
            v = v->child; /* the first member, e.g. the only service */
        else
            v = cJSON_GetObjectItemCaseSensitive(v, tok);
    }
    free(printed);
    printed = v ? cJSON_PrintUnformatted(v) : strdup("(none)");
    return printed;
}

#define EQ(path, want_q)                                                                           \
    do {                                                                                           \
        char *w_ = q(want_q);                                                                      \
        ck_assert_str_eq(at(path), w_);                                                            \
        free(w_);                                                                                  \
    } while (0)

/* The last conversion's warnings are exactly `want` (NULL-terminated), in order. */
static void expect_warnings(const char *const *want)
{
    mr_test_expect_lines(res.warnings, res.nwarnings, want);
    warnings_checked = true;
}

#define WARNINGS(...) expect_warnings((const char *const[]){__VA_ARGS__, NULL})
#define NO_WARNINGS() expect_warnings((const char *const[]){NULL})

/* What every rule dropped from the rules response (responses[1]) leaves. */
#define RESPONSE_DROPPED                                                                           \
    "routes[0].responses[1]: none of the response's rules could be converted; response dropped"

/* An environment with one route whose responses are given. */
static void route(const char *method, const char *endpoint, const char *mode,
                  const char *responses_q, bool must_load)
{
    char env[16384];
    snprintf(env, sizeof(env),
             "{'name': 'x', 'headers': [{'key': 'Content-Type', 'value': 'text/plain'}],"
             " 'routes': [{'uuid': 'r', 'type': 'http', 'method': '%s', 'endpoint': "
             "'%s', 'responseMode': %s, 'responses': %s}]}",
             method, endpoint, mode, responses_q);
    convert(env, must_load);
}

/* A route (method `method`) whose responses are: [default, rules response (status 201)]. */
static void rules_on(const char *method, const char *op, const char *rules_q)
{
    char resp[8192];
    snprintf(resp, sizeof(resp),
             "[{'statusCode': 200, 'body': 'default', 'rules': [], 'default': true},"
             " {'statusCode': 201, 'body': 'ruled', 'rulesOperator': '%s', 'rules': %s}]",
             op, rules_q);
    route(method, "users/:id", "null", resp, true);
}

static void rules(const char *op, const char *rules_q)
{
    rules_on("post", op, rules_q);
}

static void one_rule_on(const char *method, const char *target, const char *modifier,
                        const char *op, const char *value, bool invert)
{
    char r[1024];
    snprintf(r, sizeof(r),
             "[{'target': '%s', 'modifier': '%s', 'operator': '%s', 'value': '%s', 'invert': %s}]",
             target, modifier, op, value, invert ? "true" : "false");
    rules_on(method, "OR", r);
}

static void one_rule(const char *target, const char *modifier, const char *op, const char *value,
                     bool invert)
{
    one_rule_on("post", target, modifier, op, value, invert);
}

#define WHEN "services._.routes.0.responses.0.when"
/* the rules hold for every request: the ruled response alone */
#define ALWAYS() EQ("services._.routes.0.response", "{'status':201,'body':'ruled'}")
/* they hold for none: the default alone */
#define NEVER() EQ("services._.routes.0.response", "{'body':'default'}")

/* The same without q(): for JSON paths written with single quotes. */
#define EQ_RAW(path, want) ck_assert_str_eq(at(path), want)

/* Content-Type conditions for how Mockoon parses a body (JSON, form or multipart, XML, none);
 * mockrun's jsonPath reads JSON and XML bodies */
#define PJ "application/json|(?i:application/[^\\\\n\\\\r\\\\x{2028}\\\\x{2029}]*\\\\+json)"
#define PFM "application/x-www-form-urlencoded|multipart/form-data"
#define PX "application/xml|application/soap\\\\+xml|text/xml"
#define PFMX PFM "|" PX
#define CT_JSON "'headers':{'Content-Type':{'matches':'" PJ "'}}"
#define CT_JX "'headers':{'Content-Type':{'matches':'" PJ "|" PX "'}}"
#define CT_FM "'headers':{'Content-Type':{'matches':'" PFM "'}}"
#define CT_X "'headers':{'Content-Type':{'matches':'" PX "'}}"
#define CT_NONE "'headers':{'Content-Type':{'not':{'matches':'" PJ "|" PFMX "'}}}"

/* ---- environment ---------------------------------------------------------------------- */

START_TEST(test_environment)
{
    convert("{'uuid': 'u', 'lastMigration': 33, 'name': 'My Shop API', 'port': 3001,"
            " 'endpointPrefix': 'api/v1', 'latency': 30, 'cors': true,"
            " 'headers': [{'key': 'X-Env', 'value': 'e'}, {'key': '', 'value': 'skipped'}],"
            " 'routes': [{'uuid': 'r', 'type': 'http', 'method': 'get', 'endpoint': 'users',"
            "   'responses': [{'statusCode': 200, 'body': 'hi', 'latency': 20, 'rules': []}]}]}",
            true);
    EQ("name", "'My Shop API'");
    /* the route's id is its uuid; Mockoon's CORS option is a last OPTIONS route */
    EQ("services",
       "{'my-shop-api':{'port':3001,'defaults':{'headers':{'X-Env':'e'},'delayMs':30},'routes':["
       "{'id':'r','description':'GET /users','request':{'method':'GET','path':'/api/v1/users'},"
       "'response':{'body':'hi','headers':{'Content-Type':'text/html; charset=utf-8'},"
       "'delayMs':50}},{'id':'OPTIONS * (cors)','description':'the Mockoon CORS option: any "
       "OPTIONS request no other route answers','request':{'method':'OPTIONS'},'response':{"
       "'headers':{'Access-Control-Allow-Origin':'*','Access-Control-Allow-Methods':'GET,POST,"
       "PUT,PATCH,DELETE,HEAD,OPTIONS','Access-Control-Allow-Headers':'Content-Type, Origin, "
       "Accept, Authorization, Content-Length, X-Requested-With'}}}]}}");
    NO_WARNINGS(); /* a header without a name is skipped, as Mockoon skips it */

    convert("{'name': '', 'routes': []}", true);
    EQ("services", "{'api':{'routes':[]}}");
    EQ("name", "(none)");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_environment_warnings)
{
    convert("{'name': 'e', 'routes': [], 'proxyMode': true, 'proxyHost': 'http://x',"
            " 'proxyReqHeaders': [{'key': 'a', 'value': 'b'}], 'proxyResHeaders': [{'key': 'a',"
            " 'value': 'b'}], 'tlsOptions': {'enabled': true}, 'data': [{'id': 'd'}],"
            " 'callbacks': [{'uuid': 'c'}], 'hostname': '0.0.0.0', 'newThing': 1,"
            " 'folders': [], 'rootChildren': []}",
            true);
    /* keys Mockoon does not have first, then the known ones in a fixed order */
    WARNINGS("newThing: \"newThing\" is not supported; ignored",
             "proxyReqHeaders: proxy headers are not supported; ignored",
             "proxyResHeaders: proxy headers are not supported; ignored",
             "tlsOptions: TLS is not supported; the mock serves plain HTTP",
             "data: data buckets are not supported; ignored",
             "hostname: a listen address is not part of a scenario; use --host",
             "callbacks[0].uri: no URL: Mockoon cannot send the callback; callback dropped");
}
END_TEST

START_TEST(test_proxy_mode)
{
    /* an http:// proxyHost becomes the service's proxy, the target's path kept */
    convert("{'name': 'e', 'routes': [], 'proxyMode': true, 'proxyHost': "
            "'http://127.0.0.1:8080/v1', 'endpointPrefix': 'api', 'proxyRemovePrefix': true}",
            true);
    EQ("services._.proxy", "'http://127.0.0.1:8080/v1'");
    WARNINGS("proxyRemovePrefix: the endpoint prefix is not removed: calls are forwarded with the "
             "path as sent");
    /* without the prefix to remove, nothing to say; proxy mode off: no proxy */
    convert("{'name': 'e', 'routes': [], 'proxyMode': true, 'proxyHost': 'http://up:81',"
            " 'proxyRemovePrefix': true}",
            true);
    EQ("services._.proxy", "'http://up:81'");
    NO_WARNINGS();
    convert("{'name': 'e', 'routes': [], 'proxyMode': false, 'proxyHost': 'http://up:81'}", true);
    EQ("services._.proxy", "(none)");
    NO_WARNINGS();
    /* targets mockrun cannot forward to are said, and left out */
    convert("{'name': 'e', 'routes': [], 'proxyMode': true, 'proxyHost': 'https://api.example'}",
            true);
    EQ("services._.proxy", "(none)");
    WARNINGS("proxyHost: \"https://api.example\": https is not supported: mockrun forwards over "
             "plain HTTP only (give an http:// URL, e.g. of a local TLS-terminating proxy); "
             "unmatched requests are not forwarded");
    convert("{'name': 'e', 'routes': [], 'proxyMode': true, 'proxyHost': ''}", true);
    EQ("services._.proxy", "(none)");
    WARNINGS("proxyHost: proxy mode without a proxyHost; nothing is forwarded");
}
END_TEST

START_TEST(test_route_order_and_folders)
{
    convert("{'name': 'e', 'folders': [{'uuid': 'f', 'children': [{'type': 'route', 'uuid': "
            "'r1'}]}],"
            " 'rootChildren': [{'type': 'route', 'uuid': 'r2'}, {'type': 'folder', 'uuid': 'f'}],"
            " 'routes': ["
            "  {'uuid': 'r1', 'method': 'get', 'endpoint': 'one', 'responses': [{'rules': []}]},"
            "  {'uuid': 'r2', 'method': 'get', 'endpoint': 'two', 'responses': [{'rules': []}]},"
            "  {'uuid': 'r3', 'method': 'get', 'endpoint': 'three', 'responses': [{'rules': "
            "[]}]}]}",
            true);
    EQ("services._.routes.0.request.path", "'/two'");
    EQ("services._.routes.1.request.path", "'/one'");
    EQ("services._.routes.2", "(none)");
    WARNINGS("routes[2]: the route is in no folder nor in rootChildren, so Mockoon does not "
             "serve it; route skipped");
}
END_TEST

/* ---- routes --------------------------------------------------------------------------- */

START_TEST(test_methods_and_types)
{
    route("all", "a", "null", "[{'rules': []}]", true);
    EQ("services._.routes.0.request.method", "'ANY'");
    NO_WARNINGS();
    route("delete", "a", "null", "[{'rules': []}]", true);
    EQ("services._.routes.0.request.method", "'DELETE'");
    NO_WARNINGS();
    route("", "a", "null", "[{'rules': []}]", true);
    WARNINGS("routes[0]: method \"\" is not supported; route skipped");
    EQ("services._.routes", "[]");
    route("get", "a", "null", "[]", true);
    WARNINGS("routes[0]: a route without responses is not supported; route skipped");

    convert("{'routes': [{'type': 'crud', 'method': 'get', 'endpoint': 'u', 'responses': "
            "[{}]}, {'type': 'ws', 'method': 'get', 'endpoint': 'w', 'responses': [{}]}]}",
            true);
    WARNINGS("routes[0]: CRUD routes are not supported; route skipped",
             "routes[1]: WebSocket routes are not supported; route skipped");
    EQ("services._.routes", "[]");
}
END_TEST

START_TEST(test_paths)
{
    route("get", "users/:id/files/*", "null", "[{'rules': []}]", true);
    EQ("services._.routes.0.request", "{'method':'GET','path':'/users/:id/files/*'}");
    NO_WARNINGS();
    route("get", "/a//b/", "null", "[{'rules': []}]", true);
    EQ("services._.routes.0.request.path", "'/a/b'");
    NO_WARNINGS();
    route("get", "", "null", "[{'rules': []}]", true);
    EQ("services._.routes.0.request.path", "'/'");
    NO_WARNINGS();

    route("get", "items/:id?", "null", "[{'rules': []}]", true);
    /* parameters become named groups: mockrun keeps them as path parameters */
    EQ("services._.routes.0.request", "{'method':'GET','pathPattern':'/items(?:/(?<id>[^/]+))?'}");
    WARNINGS("routes[0].endpoint: path \"/items/:id?\" uses Express syntax mockrun's \"path\" "
             "lacks; served with \"pathPattern\": \"/items(?:/(?<id>[^/]+))?\"");
    route("get", "file/:name.:ext", "null", "[{'rules': []}]", true);
    EQ("services._.routes.0.request.pathPattern", "'/file/(?<name>[^/]+)\\\\.(?<ext>[^/]+)'");
    WARNINGS("routes[0].endpoint: path \"/file/:name.:ext\" uses Express syntax mockrun's \"path\" "
             "lacks; served with \"pathPattern\": \"/file/(?<name>[^/]+)\\.(?<ext>[^/]+)\"");
    route("get", "colou?r/ab(cd)", "null", "[{'rules': []}]", true);
    EQ("services._.routes.0.request.pathPattern", "'/colou?r/ab(?:cd)?'");
    WARNINGS("routes[0].endpoint: path \"/colou?r/ab(cd)\" uses Express syntax mockrun's \"path\" "
             "lacks; served with \"pathPattern\": \"/colou?r/ab(?:cd)?\"");
    route("get", "files/:path+", "null", "[{'rules': []}]", true);
    EQ("services._.routes.0.request.pathPattern", "'/files/(?<path>.+)'");
    WARNINGS("routes[0].endpoint: path \"/files/:path+\" uses Express syntax mockrun's \"path\" "
             "lacks; served with \"pathPattern\": \"/files/(?<path>.+)\"");
    /* a name PCRE2 cannot take (a '$', or given twice) stays an unnamed group */
    route("get", "x/:a$/:b/:b?", "null", "[{'rules': []}]", true);
    EQ("services._.routes.0.request.pathPattern", "'/x/(?:[^/]+)/(?<b>[^/]+)(?:/(?:[^/]+))?'");
    WARNINGS("routes[0].endpoint: path \"/x/:a$/:b/:b?\" uses Express syntax mockrun's \"path\" "
             "lacks; served with \"pathPattern\": \"/x/(?:[^/]+)/(?<b>[^/]+)(?:/(?:[^/]+))?\"");

    route("get", "a[b]", "null", "[{'rules': []}]", true);
    WARNINGS("routes[0].endpoint: path \"/a[b]\" cannot be expressed in mockrun; route skipped");
    EQ("services._.routes", "[]");
}
END_TEST

/* ---- responses ------------------------------------------------------------------------ */

START_TEST(test_responses)
{
    route("get", "a", "null",
          "[{'statusCode': 418, 'body': 'x {{method}}', 'headers': [{'key': "
          "'Content-Type', 'value': 'text/html'}, {'key': 'content-type', 'value': 'text/csv'}],"
          " 'rules': [], 'latency': 0, 'label': 'l', 'uuid': 'u', 'crudKey': 'id',"
          " 'callbacks': [{'uuid': 'c', 'latency': 0}]}]",
          true);
    /* the last of two headers of one name wins; Express adds a charset to text types */
    EQ("services._.routes.0.response",
       "{'status':418,'body':'x {{method}}','headers':{'content-type':'text/csv; charset=utf-8'}}");
    WARNINGS("routes[0].responses[0].callbacks[0]: no callback of the environment has uuid "
             "\"c\"; ignored");

    route("get", "a", "null", "[{'body': '{{x}}', 'disableTemplating': true, 'rules': []}]", true);
    EQ("services._.routes.0.response", "{'body':'{{x}}','template':false}");
    NO_WARNINGS();
    route("get", "a", "null", "[{'statusCode': 99, 'rules': [], 'future': 1}]", true);
    EQ("services._.routes.0.response", "{}");
    WARNINGS("routes[0].responses[0].future: \"future\" is not supported; ignored",
             "routes[0].responses[0].statusCode: status 99 is outside 100-599; 200 is used");
    /* numbers no int holds (the fuzzer's 9e11 was undefined behaviour) and a latency
     * over mockrun's 10 minutes */
    route("get", "a", "null", "[{'statusCode': 9e11, 'latency': 1e30, 'rules': []}]", true);
    EQ("services._.routes.0.response", "{'delayMs':600000}");
    WARNINGS("routes[0].responses[0].statusCode: status 9e+11 is outside 100-599; 200 is used",
             "routes[0].responses[0].latency: latency 1e+30 ms is over mockrun's 600000 ms; "
             "600000 is used");
}
END_TEST

START_TEST(test_files)
{
    route("get", "a", "null",
          "[{'bodyType': 'FILE', 'filePath': 'data/users.json', 'body': 'x', 'rules': [],"
          " 'sendFileAsBody': false, 'fallbackTo404': true}]",
          false);
    EQ("services._.routes.0.response",
       "{'file':'data/users.json','template':true,'headers':{'Content-Disposition':'attachment; "
       "filename=\\'users.json\\''}}");
    WARNINGS("routes[0].responses[0].fallbackTo404: 404 for a missing file is not supported "
             "(mockrun refuses a missing file when loading); ignored");

    /* a templated name with a line break (the fuzzer's) gives no header that breaks the
     * scenario: no header at all, said */
    route("get", "a/:n", "null",
          "[{'bodyType': 'FILE', 'filePath': 'sub/{{urlParam \\'n\\'}}\\n', 'rules': [],"
          " 'sendFileAsBody': false}]",
          false);
    EQ("services._.routes.0.response.headers", "(none)");
    WARNINGS("routes[0].responses[0].filePath: the file name holds a control character, which no "
             "header may; no Content-Disposition is sent");

    route("get", "a", "null",
          "[{'bodyType': 'FILE', 'filePath': 'img.png', 'rules': [], 'sendFileAsBody': true}]",
          false);
    EQ("services._.routes.0.response", "{'file':'img.png'}");
    NO_WARNINGS();
    route("get", "a", "null",
          "[{'bodyType': 'FILE', 'filePath': 'page.html', 'disableTemplating': true, 'rules': [],"
          " 'sendFileAsBody': true}]",
          false);
    EQ("services._.routes.0.response", "{'file':'page.html'}");
    NO_WARNINGS();

    route("get", "a", "null",
          "[{'bodyType': 'FILE', 'filePath': '/etc/passwd', 'body': 'inline', 'rules': []}]", true);
    EQ("services._.routes.0.response", "{'body':'inline'}");
    WARNINGS("routes[0].responses[0].filePath: absolute file path \"/etc/passwd\" is not "
             "supported (mockrun serves files inside the scenario's folder); the inline body is "
             "served");

    route("get", "a", "null", "[{'bodyType': 'DATABUCKET', 'databucketID': 'd', 'rules': []}]",
          true);
    EQ("services._.routes.0.response", "{}");
    WARNINGS("routes[0].responses[0].bodyType: a body from a data bucket is not supported; an "
             "empty body is served");
}
END_TEST

/* ---- response modes ------------------------------------------------------------------- */

static const char *const three =
    "[{'statusCode': 201, 'rules': []}, {'statusCode': 202, 'rules': [], 'default': true},"
    " {'statusCode': 203, 'rules': [{'target': 'query', 'modifier': 'a', 'operator': 'equals',"
    " 'value': '1'}]}]";

START_TEST(test_modes)
{
    /* rules mean nothing in these modes, in Mockoon too: no warning about them */
    route("get", "a", "'RANDOM'", three, true);
    EQ("services._.routes.0.mode", "'random'");
    EQ("services._.routes.0.responses", "[{'status':201},{'status':202},{'status':203}]");
    NO_WARNINGS();
    route("get", "a", "'SEQUENTIAL'", three, true);
    EQ("services._.routes.0.mode", "'cycle'");
    EQ("services._.routes.0.responses", "[{'status':201},{'status':202},{'status':203}]");
    NO_WARNINGS();
    route("get", "a", "'SEQUENTIAL'", "[{'statusCode': 201}]", true);
    EQ("services._.routes.0.response", "{'status':201}");
    NO_WARNINGS();
    route("get", "a", "'DISABLE_RULES'", three, true);
    EQ("services._.routes.0.response", "{'status':202}");
    EQ("services._.routes.0.responses", "(none)");
    NO_WARNINGS();

    /* rules: responses with rules in order, then the default (default: true) as fallback */
    route("get", "a", "null", three, true);
    EQ("services._.routes.0.mode", "(none)");
    EQ("services._.routes.0.responses",
       "[{'status':203,'when':{'query':{'a':'1'}}},{'status':202}]");
    NO_WARNINGS();
    /* without default: true, the first */
    route("get", "a", "null",
          "[{'statusCode': 201, 'rules': [{'target': 'query', 'modifier': 'a', 'value': '1',"
          " 'operator': 'equals'}]}, {'statusCode': 202, 'rules': []}]",
          true);
    EQ("services._.routes.0.responses",
       "[{'status':201,'when':{'query':{'a':'1'}}},{'status':201}]");
    NO_WARNINGS();
    /* FALLBACK: no fallback, the next route is tried */
    route("get", "a", "'FALLBACK'", three, true);
    EQ("services._.routes.0.responses", "[{'status':203,'when':{'query':{'a':'1'}}}]");
    NO_WARNINGS();
    /* FALLBACK and no rule: Mockoon always tries the next route; the route stays, with a
     * `when` that never holds */
    route("get", "a", "'FALLBACK'", "[{'rules': []}]", true);
    EQ("services._.routes.0.responses", "[{'when':{'pathPattern':'(?!)'}}]");
    NO_WARNINGS();
    /* no rules at all: one response */
    route("get", "a", "null", "[{'statusCode': 204, 'rules': []}, {'statusCode': 205}]", true);
    EQ("services._.routes.0.response", "{'status':204}");
    NO_WARNINGS();
}
END_TEST

/* ---- rules: targets ------------------------------------------------------------------- */

START_TEST(test_rule_fields)
{
    /* query, header, cookie, params: a condition on the named value */
    one_rule("query", "page", "equals", "2", false);
    EQ(WHEN, "{'query':{'page':'2'}}");
    NO_WARNINGS();
    one_rule("query", "filter.name", "equals", "2", false); /* qs: filter[name]=2 */
    EQ(WHEN, "{'query':{'filter[name]':'2'}}");
    NO_WARNINGS();
    one_rule("query", "$.filter.tags[0]", "equals", "2", false);
    EQ(WHEN, "{'query':{'filter[tags][0]':'2'}}");
    NO_WARNINGS();
    one_rule("header", "X-Key", "equals", "k", false);
    EQ(WHEN, "{'headers':{'X-Key':'k'}}");
    NO_WARNINGS();
    one_rule("cookie", "sid", "equals", "s", false);
    EQ(WHEN, "{'cookies':{'sid':'s'}}");
    NO_WARNINGS();
    one_rule("params", "id", "equals", "7", false);
    EQ(WHEN, "{'params':{'id':'7'}}");
    NO_WARNINGS();
    one_rule("params", "$.id", "equals", "7", false);
    EQ(WHEN, "{'params':{'id':'7'}}");
    NO_WARNINGS();
}
END_TEST

/* Targets whose value is known when converting: the rule holds always or never. */
START_TEST(test_rule_known_values)
{
    /* the whole query object is "[object Object]" to Mockoon */
    one_rule("query", "", "equals", "[object Object]", false);
    ALWAYS();
    NO_WARNINGS();
    one_rule("query", "", "regex", "^\\\\[obj", false);
    ALWAYS();
    NO_WARNINGS();
    one_rule("query", "", "null", "", false);
    NEVER();
    NO_WARNINGS();
    /* a header without a name is "" */
    one_rule("header", "", "equals", "", false);
    ALWAYS();
    NO_WARNINGS();
    one_rule("header", "", "null", "", true);
    NEVER();
    NO_WARNINGS();
    /* a name no request can have: undefined */
    one_rule("header", "bad name", "null", "", false);
    ALWAYS();
    NO_WARNINGS();
    one_rule("header", "bad name", "equals", "", false);
    NEVER();
    NO_WARNINGS();
    /* a cookie without a name never holds (inverted: always) */
    one_rule("cookie", "", "equals", "x", false);
    NEVER();
    NO_WARNINGS();
    one_rule("cookie", "", "equals", "x", true);
    ALWAYS();
    NO_WARNINGS();
    /* path parameters have no members; no modifier: undefined */
    one_rule("params", "a.b", "null", "", false);
    ALWAYS();
    NO_WARNINGS();
    one_rule("params", "", "equals", "", false);
    NEVER();
    NO_WARNINGS();
    /* templating: the rendered modifier, here plain text */
    one_rule("templating", "abc", "regex", "^a", false);
    ALWAYS();
    NO_WARNINGS();
    one_rule("templating", "abc", "equals", "x", false);
    NEVER();
    NO_WARNINGS();
    /* the method of a route that has one; Mockoon compares it lower-cased */
    one_rule("method", "", "equals", "post", false);
    ALWAYS();
    NO_WARNINGS();
    one_rule("method", "", "equals", "POST", false);
    NEVER();
    NO_WARNINGS();
    one_rule("method", "", "regex_i", "^PO", false);
    ALWAYS();
    NO_WARNINGS();
    /* the route path is "*" in Mockoon 9 */
    one_rule("path", "", "equals", "*", false);
    ALWAYS();
    NO_WARNINGS();
    one_rule("path", "", "regex", "^\\\\*$", false);
    ALWAYS();
    NO_WARNINGS();
    one_rule("request_number", "", "equals", "02", false);
    NEVER();
    NO_WARNINGS();
}
END_TEST

START_TEST(test_rule_body_path)
{
    /* JSON and XML bodies (xml-js's object): the path; bodies Mockoon does not parse: the
     * raw text; form and multipart bodies (parsed by Mockoon, not by mockrun): nothing */
    one_rule("body", "$.user.role", "equals", "admin", false);
    EQ(WHEN, "[{" CT_JX ",'body':{'jsonPath':{'$.user.role':'admin'}}},{" CT_NONE
             ",'body':{'equals':'admin'}}]");
    NO_WARNINGS();
    one_rule("body", "items.0.sku", "equals", "A", false);
    EQ(WHEN, "[{" CT_JX ",'body':{'jsonPath':{'$.items[0].sku':'A'}}},{" CT_NONE
             ",'body':{'equals':'A'}}]");
    NO_WARNINGS();
    /* dotted keys (the importer once wrote "$.obj.[prop.with.dot]", which did not load) */
    one_rule("body", "obj.prop\\\\.with\\\\.dot", "equals", "x", false);
    EQ_RAW(WHEN ".0.body.jsonPath", "{\"$.obj['prop.with.dot']\":\"x\"}");
    NO_WARNINGS();
    one_rule("body", "$.obj[\\u0027prop.with.dot\\u0027]", "equals", "x", false);
    EQ_RAW(WHEN ".0.body.jsonPath", "{\"$.obj['prop.with.dot']\":\"x\"}");
    NO_WARNINGS();
    one_rule("body", "$.obj[\\u0027it\\\\\\u0027s\\u0027]", "equals", "x", false);
    WARNINGS("routes[0].responses[1].rules[0]: body path \"$.obj['it\\'s']\" uses a quoted name "
             "this importer cannot read, which mockrun's jsonPath lacks; rule dropped",
             RESPONSE_DROPPED);
    one_rule("body", "$.a[\\u0027b\\\"c\\u0027]", "equals", "x", false);
    EQ_RAW(WHEN ".0.body.jsonPath", "{\"$.a.b\\\"c\":\"x\"}");
    NO_WARNINGS();
    one_rule("body", "a..b", "equals", "x", false); /* object-path: an empty name */
    EQ_RAW(WHEN ".0.body.jsonPath", "{\"$.a[''].b\":\"x\"}");
    NO_WARNINGS();
    one_rule("body", "$..x", "equals", "1", false);
    WARNINGS("routes[0].responses[1].rules[0]: body path \"$..x\" uses recursive descent (..), "
             "which mockrun's jsonPath lacks; rule dropped",
             RESPONSE_DROPPED);
    one_rule("body", "$.items[*].sku", "equals", "1", false);
    WARNINGS("routes[0].responses[1].rules[0]: body path \"$.items[*].sku\" uses wildcards, "
             "filters, slices and other operators, which mockrun's jsonPath lacks; rule dropped",
             RESPONSE_DROPPED);

    /* each operator */
    /* a JSON null is "" to Mockoon; xml-js's values are all strings */
    one_rule("body", "a", "equals", "", false);
    EQ(WHEN, "[{" CT_JSON ",'body':{'jsonPath':{'$.a':{'matches':'\\\\A(?:null)?\\\\z'}}}},{" CT_X
             ",'body':{'jsonPath':{'$.a':''}}},{" CT_NONE ",'body':{'equals':''}}]");
    NO_WARNINGS();
    one_rule("body", "a", "regex", "^x$", false);
    EQ(WHEN, "[{" CT_JX ",'body':{'jsonPath':{'$.a':{'matches':'^x\\\\z'}}}},{" CT_NONE
             ",'body':{'matches':'^x\\\\z'}}]");
    NO_WARNINGS();
    one_rule("body", "a", "null", "", false);
    EQ(WHEN, "[{" CT_JSON ",'body':{'jsonPath':{'$.a':{'absent':true}}}},{" CT_JSON
             ",'body':{'jsonPath':{'$.a':{'matches':'\\\\A(?:null)?\\\\z'}}}},{" CT_FM "},{" CT_X
             ",'body':{'jsonPath':{'$.a':{'absent':true}}}},{" CT_X
             ",'body':{'jsonPath':{'$.a':''}}},{" CT_NONE ",'body':{'equals':''}}]");
    NO_WARNINGS();
    /* arrays: [0] tells an array from a text; two conditions on one path, two spellings;
     * xml-js makes no empty array */
    one_rule("body", "tags", "empty_array", "", false);
    EQ_RAW(WHEN ".body.jsonPath",
           "{\"$.tags\":{\"present\":true},\"$.tags[0]\":{\"absent\":true},\"$['tags']\":{\"not\":"
           "{\"matches\":\"\"}}}");
    EQ(WHEN ".headers", "{'Content-Type':{'matches':'" PJ "'}}");
    NO_WARNINGS();
    one_rule("body", "tags", "array_includes", "red", false);
    EQ(WHEN, "{" CT_JX ",'body':{'jsonPath':{'$.tags':'red','$.tags[0]':{'present':true}}}}");
    NO_WARNINGS();
    one_rule("body", "a", "valid_json_schema", "schema", false);
    WARNINGS("routes[0].responses[1].rules[0]: operator \"valid_json_schema\" needs data "
             "buckets, which are not supported; rule dropped",
             RESPONSE_DROPPED);
}
END_TEST

START_TEST(test_rule_body_whole)
{
    /* equals and regex: the raw text, whatever the type */
    one_rule("body", "", "equals", "raw text", false);
    EQ(WHEN, "{'body':{'equals':'raw text'}}");
    NO_WARNINGS();
    one_rule("body", "", "regex_i", "^ra", false);
    EQ(WHEN, "{'body':{'matches':'(?i:^ra)'}}");
    NO_WARNINGS();
    /* the others: the parsed body */
    one_rule("body", "", "null", "", false);
    EQ(WHEN, "[{" CT_JSON ",'body':{'equals':''}},{" CT_JSON
             ",'body':{'matches':'\\\\A[\\\\t\\\\n\\\\r ]*null[\\\\t\\\\n\\\\r ]*\\\\z'}},"
             "{'headers':{'Content-Type':{'not':{'matches':'" PJ
             "|application/x-www-form-urlencoded|application/xml|application/soap\\\\+xml|text/"
             "xml'}}},'body':{'equals':''}}]");
    NO_WARNINGS();
    one_rule("body", "", "empty_array", "", false);
    EQ(WHEN, "{" CT_JSON ",'body':{'matches':'\\\\A[\\\\t\\\\n\\\\r ]*\\\\[[\\\\t\\\\n\\\\r "
             "]*\\\\][\\\\t\\\\n\\\\r ]*\\\\z'}}");
    NO_WARNINGS();
    /* an XML body xml-js cannot read is its text, and "x" is no XML */
    one_rule("body", "", "array_includes", "x", false);
    EQ(WHEN, "[{" CT_JSON ",'body':{'jsonPath':{'$':'x'}}},{'headers':{'Content-Type':{'not':{"
             "'matches':'" PJ "|application/x-www-form-urlencoded'}}},'body':{'equals':'x'}}]");
    NO_WARNINGS();
    one_rule("body", "", "array_includes", " <a/>", false);
    EQ(WHEN, "[{" CT_JSON ",'body':{'jsonPath':{'$':' <a/>'}}},{'headers':{'Content-Type':{'not':{"
             "'matches':'" PJ "|application/x-www-form-urlencoded|" PX "'}}},'body':{'equals':"
             "' <a/>'}}]");
    NO_WARNINGS();
    one_rule("body", "", "array_includes", "[object Object]", false);
    EQ(WHEN, "[{" CT_JSON ",'body':{'jsonPath':{'$':'[object Object]'}}},{'headers':{"
             "'Content-Type':{'matches':'application/x-www-form-urlencoded|" PX "'}}},{"
             "'headers':{'Content-Type':{'not':{'matches':'" PJ "|application/x-www-form-"
             "urlencoded|" PX "'}}},'body':{'equals':'[object Object]'}}]");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_rule_method_path_call)
{
    /* a route for any method: the methods the rule holds for */
    one_rule_on("all", "method", "", "equals", "post", false);
    EQ(WHEN, "{'method':'POST'}");
    NO_WARNINGS();
    one_rule_on("all", "method", "", "regex", "^p.t", false);
    EQ(WHEN, "[{'method':'PUT'},{'method':'PATCH'}]");
    NO_WARNINGS();
    one_rule_on("all", "method", "", "regex",
                "^(get|post|put|patch|delete|options|propfind|"
                "proppatch|move|copy|mkcol|lock|unlock)$",
                true);
    EQ(WHEN, "{'method':'HEAD'}");
    NO_WARNINGS();
    one_rule_on("all", "method", "", "null", "", true);
    ALWAYS();
    NO_WARNINGS();

    /* path: the decoded path; a query string's parameters one by one */
    one_rule("path", "", "equals", "/users/1.json", false);
    EQ(WHEN, "{'pathPattern':'\\\\/users\\\\/1\\\\.json'}");
    NO_WARNINGS();
    one_rule("path", "", "equals", "/a%20b?x=1&y", false);
    EQ(WHEN, "{'query':{'x':'1','y':''},'pathPattern':'\\\\/a b'}");
    WARNINGS("routes[0].responses[1].rules[0]: path value \"/a%20b?x=1&y\" has a query string: "
             "mockrun checks its parameters one by one, not their order or that there are no "
             "others");
    one_rule("path", "", "regex", "^/users/[0-9]+$", false);
    EQ(WHEN, "{'pathPattern':'[\\\\s\\\\S]*?(?:^\\\\/users\\\\/[0-9]+\\\\z)[\\\\s\\\\S]*'}");
    NO_WARNINGS();
    one_rule("path", "", "regex_i", "USERS", true);
    EQ(WHEN, "{'pathPattern':'(?![\\\\s\\\\S]*?(?:(?i:USERS)))[\\\\s\\\\S]*'}");
    NO_WARNINGS();

    /* request_number: call numbers */
    one_rule("request_number", "", "equals", "3", false);
    EQ(WHEN, "{'callNumber':3}");
    NO_WARNINGS();
    one_rule("request_number", "", "equals", "3", true);
    EQ(WHEN, "[{'callNumber':{'atMost':2}},{'callNumber':{'atLeast':4}}]");
    NO_WARNINGS();
    one_rule("request_number", "", "regex", "^[2-4]$|^1[0-9]$", false);
    EQ(WHEN, "[{'callNumber':{'atLeast':2,'atMost':4}},{'callNumber':{'atLeast':10,'atMost':19}}]");
    NO_WARNINGS();
    one_rule("request_number", "", "regex", "^[1-9]", false);
    ALWAYS();
    NO_WARNINGS();
    one_rule("request_number", "", "regex", "^.{1,3}$", false);
    EQ(WHEN, "{'callNumber':{'atMost':999}}");
    NO_WARNINGS();
    one_rule("request_number", "", "regex", "^1...$", false);
    EQ(WHEN, "{'callNumber':{'atLeast':1000}}");
    WARNINGS("routes[0].responses[1].rules[0]: request_number regex \"^1...$\" is evaluated on "
             "calls 1 to 1001; later calls get the verdict of call 1001");
    one_rule("request_number", "", "regex", "0$", false);
    WARNINGS("routes[0].responses[1].rules[0]: request_number regex \"0$\" holds for too many "
             "separate call ranges; rule dropped",
             RESPONSE_DROPPED);
}
END_TEST

START_TEST(test_rule_operators)
{
    /* JavaScript regexes, rewritten for PCRE2 ($ is the very end) */
    one_rule("query", "a", "regex", "^x+$", false);
    EQ(WHEN, "{'query':{'a':{'matches':'^x+\\\\z'}}}");
    NO_WARNINGS();
    one_rule("query", "a", "regex_i", "^x", false);
    EQ(WHEN, "{'query':{'a':{'matches':'(?i:^x)'}}}");
    NO_WARNINGS();
    one_rule("query", "a", "regex", "(?<n>x)\\\\k<n>", false);
    EQ(WHEN, "{'query':{'a':{'matches':'(x)(?(1)\\\\g{1})'}}}");
    NO_WARNINGS();
    one_rule("query", "a", "regex", "*x", false);
    WARNINGS("routes[0].responses[1].rules[0]: regex \"*x\" cannot be used: nothing to repeat at "
             "offset 0; rule dropped",
             RESPONSE_DROPPED);
    /* null: missing or empty */
    one_rule("header", "X-A", "null", "", false);
    EQ(WHEN, "{'headers':{'X-A':{'not':{'matches':'[\\\\s\\\\S]'}}}}");
    NO_WARNINGS();
    /* a query parameter is an array when given twice or as name[] */
    one_rule("query", "t", "array_includes", "red", false);
    EQ(WHEN, "[{'query':{'t':'red'}},{'query':{'t[]':'red'}}]");
    NO_WARNINGS();
    /* never an array */
    one_rule("query", "t", "empty_array", "", false);
    NEVER();
    NO_WARNINGS();
    one_rule("header", "X-A", "array_includes", "x", false);
    NEVER();
    NO_WARNINGS();
    one_rule("cookie", "c", "empty_array", "", true);
    ALWAYS();
    NO_WARNINGS();
    /* the CLI repairs what its schema refuses: an unknown operator is equals, an unknown
     * target body */
    one_rule("query", "a", "bogus", "x", false);
    EQ(WHEN, "{'query':{'a':'x'}}");
    WARNINGS("routes[0].responses[1].rules[0]: operator \"bogus\" is not Mockoon's; read as "
             "\"equals\", as Mockoon does");
    one_rule("nowhere", "", "equals", "x", false);
    EQ(WHEN, "{'body':{'equals':'x'}}");
    WARNINGS("routes[0].responses[1].rules[0]: target \"nowhere\" is not Mockoon's; read as "
             "\"body\", as Mockoon does");
}
END_TEST

START_TEST(test_rule_unsupported)
{
    one_rule("global_var", "v", "equals", "1", false);
    WARNINGS("routes[0].responses[1].rules[0]: target \"global_var\" is not supported; rule "
             "dropped",
             RESPONSE_DROPPED);
    one_rule("data_bucket", "b", "equals", "1", false);
    WARNINGS("routes[0].responses[1].rules[0]: target \"data_bucket\" is not supported; rule "
             "dropped",
             RESPONSE_DROPPED);
    one_rule("templating", "{{x}}", "equals", "1", false);
    WARNINGS("routes[0].responses[1].rules[0]: templated rule modifier \"{{x}}\" is not "
             "supported (Mockoon renders it for each request); rule dropped",
             RESPONSE_DROPPED);
    one_rule("query", "a", "equals", "{{method}}", false);
    WARNINGS("routes[0].responses[1].rules[0]: templated rule value \"{{method}}\" is not "
             "supported (Mockoon renders it for each request); rule dropped",
             RESPONSE_DROPPED);
    /* null and empty_array read no value */
    one_rule("query", "a", "null", "{{method}}", false);
    EQ(WHEN, "{'query':{'a':{'not':{'matches':'[\\\\s\\\\S]'}}}}");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_invert)
{
    one_rule("query", "env", "equals", "prod", true);
    EQ(WHEN, "{'query':{'env':{'not':'prod'}}}");
    NO_WARNINGS();
    one_rule("header", "X-A", "null", "", true);
    EQ(WHEN, "{'headers':{'X-A':{'matches':'[\\\\s\\\\S]'}}}");
    NO_WARNINGS();
    /* per kind of body: JSON and XML not holding, form/multipart (nothing holds), text not
     * holding */
    one_rule("body", "$.a", "regex", "b", true);
    EQ(WHEN, "[{" CT_JX ",'body':{'jsonPath':{'$.a':{'not':{'matches':'b'}}}}},{" CT_FM
             "},{" CT_NONE ",'body':{'matches':'\\\\A(?![\\\\s\\\\S]*?(?:b))'}}]");
    NO_WARNINGS();
    one_rule("body", "", "equals", "b", true);
    EQ(WHEN, "{'body':{'matches':'\\\\A(?!b\\\\z)'}}");
    NO_WARNINGS();
    one_rule("path", "", "equals", "/a", true);
    EQ(WHEN, "{'pathPattern':'(?!\\\\/a\\\\z)[\\\\s\\\\S]*'}");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_and_or)
{
    static const char *const four =
        "[{'target': 'query', 'modifier': 'a', 'operator': 'equals', 'value': '1'},"
        " {'target': 'header', 'modifier': 'X-B', 'operator': 'regex', 'value': '2'},"
        " {'target': 'cookie', 'modifier': 'c', 'operator': 'equals', 'value': '3'},"
        " {'target': 'params', 'modifier': 'id', 'operator': 'equals', 'value': '4'}]";
    rules("AND", four);
    EQ(WHEN, "{'query':{'a':'1'},'headers':{'X-B':{'matches':'2'}},'cookies':{'c':'3'},"
             "'params':{'id':'4'}}");
    NO_WARNINGS();
    rules("OR", four);
    EQ(WHEN, "[{'query':{'a':'1'}},{'headers':{'X-B':{'matches':'2'}}},{'cookies':{'c':'3'}},"
             "{'params':{'id':'4'}}]");
    EQ("services._.routes.0.responses.1", "{'body':'default'}");
    NO_WARNINGS();

    /* several rules on one value: one pattern of lookaheads */
    rules("AND", "[{'target': 'query', 'modifier': 'a', 'operator': 'regex', 'value': '^1'},"
                 " {'target': 'query', 'modifier': 'a', 'operator': 'regex', 'value': '2$',"
                 "  'invert': true}]");
    EQ(WHEN,
       "{'query':{'a':{'matches':'\\\\A(?=[\\\\s\\\\S]*?(?:^1))(?![\\\\s\\\\S]*?(?:2\\\\z))'}}}");
    NO_WARNINGS();
    rules("AND", "[{'target': 'query', 'modifier': 'a', 'operator': 'equals', 'value': 'x',"
                 "  'invert': true},"
                 " {'target': 'query', 'modifier': 'a', 'operator': 'regex', 'value': 'y',"
                 "  'invert': true}]");
    EQ(WHEN, "{'query':{'a':{'not':{'matches':'\\\\Ax\\\\z|(?:y)'}}}}");
    NO_WARNINGS();
    /* an equality decides the others: kept alone, or the response never answers */
    rules("AND", "[{'target': 'header', 'modifier': 'X-A', 'operator': 'equals', 'value': 'abc'},"
                 " {'target': 'header', 'modifier': 'x-a', 'operator': 'regex', 'value': 'b'}]");
    EQ(WHEN, "{'headers':{'X-A':'abc'}}");
    NO_WARNINGS();
    rules("AND", "[{'target': 'query', 'modifier': 'a', 'operator': 'equals', 'value': 'abc'},"
                 " {'target': 'query', 'modifier': 'a', 'operator': 'equals', 'value': 'x'}]");
    NEVER();
    NO_WARNINGS();
    /* two body paths: both under one jsonPath; a raw body rule and a path cannot meet */
    rules("AND", "[{'target': 'body', 'modifier': 'a', 'operator': 'equals', 'value': '1'},"
                 " {'target': 'body', 'modifier': 'b', 'operator': 'equals', 'value': '2'}]");
    EQ(WHEN, "{" CT_JX ",'body':{'jsonPath':{'$.a':'1','$.b':'2'}}}");
    NO_WARNINGS();
    rules("AND", "[{'target': 'body', 'modifier': 'a', 'operator': 'equals', 'value': '1'},"
                 " {'target': 'body', 'modifier': '', 'operator': 'regex', 'value': '1'}]");
    EQ(WHEN, "{" CT_NONE ",'body':{'equals':'1'}}");
    WARNINGS("routes[0].responses[1]: a body path and the whole body cannot be tested together "
             "in mockrun; those combinations of the rules are left out");
    /* a dropped rule: AND answers more, OR less */
    rules("AND", "[{'target': 'query', 'modifier': 'a', 'operator': 'equals', 'value': '1'},"
                 " {'target': 'global_var', 'modifier': 'g', 'operator': 'equals', 'value': '3'}]");
    EQ(WHEN, "{'query':{'a':'1'}}");
    WARNINGS("routes[0].responses[1].rules[1]: target \"global_var\" is not supported; rule "
             "dropped",
             "routes[0].responses[1]: some AND rules were dropped: the response answers more "
             "requests than in Mockoon");
    /* AND of rules each with alternatives multiplies them out; past 256, dropped */
    {
        char r[4096];
        size_t n = 0;
        int i;
        n += (size_t)snprintf(r + n, sizeof(r) - n, "[");
        for (i = 0; i < 9; i++)
            n += (size_t)snprintf(r + n, sizeof(r) - n,
                                  "%s{'target': 'query', 'modifier': 'q%d', 'operator': "
                                  "'array_includes', 'value': 'v'}",
                                  i ? "," : "", i);
        snprintf(r + n, sizeof(r) - n, "]");
        rules("AND", r);
        NEVER();
        WARNINGS("routes[0].responses[1]: the rules come to more than 256 alternatives, more than "
                 "this importer writes; response dropped");
    }
}
END_TEST

/* ---- ids, templates, CORS ---------------------------------------------------------------- */

START_TEST(test_route_ids)
{
    const struct mr_mockoon_route *rt;

    convert("{'name': 'e', 'endpointPrefix': 'api', 'routes': ["
            " {'uuid': 'u1', 'method': 'get', 'endpoint': 'users/:id', 'responses': [{}]},"
            " {'uuid': 'u1', 'method': 'get', 'endpoint': '/b/', 'responses': [{}]},"
            " {'method': 'all', 'endpoint': 'c', 'responses': [{}]},"
            " {'method': 'all', 'endpoint': 'c', 'responses': [{}]},"
            " {'uuid': 'w', 'type': 'ws', 'method': 'get', 'endpoint': 'ws', 'responses': [{}]}]}",
            true);
    EQ("services._.routes.0.id", "'u1'");
    EQ("services._.routes.0.description", "'GET /users/:id'");
    EQ("services._.routes.1.id", "'GET /b/'"); /* the uuid is taken */
    EQ("services._.routes.2.id", "'ALL /c'");
    EQ("services._.routes.3.id", "'ALL /c #2'");
    WARNINGS("routes[4]: WebSocket routes are not supported; route skipped");

    ck_assert_uint_eq(res.nroutes, 5);
    ck_assert_str_eq(res.routes[0].name, "GET /users/:id");
    ck_assert_str_eq(res.routes[0].path, "/api/users/:id");
    ck_assert_str_eq(res.routes[0].uuid, "u1");
    ck_assert_ptr_null(res.routes[2].uuid);
    ck_assert_ptr_null(res.routes[4].id); /* not converted */
    ck_assert_str_eq(res.routes[4].uuid, "w");

    /* by uuid, or by "METHOD /endpoint" with or without the prefix, any case */
    rt = mr_mockoon_find_route(&res, "u1");
    ck_assert_ptr_eq(rt, &res.routes[0]);
    ck_assert_ptr_eq(mr_mockoon_find_route(&res, "GET /users/:id"), &res.routes[0]);
    ck_assert_ptr_eq(mr_mockoon_find_route(&res, "get users/:id"), &res.routes[0]);
    ck_assert_ptr_eq(mr_mockoon_find_route(&res, "GET /api/users/:id"), &res.routes[0]);
    ck_assert_ptr_eq(mr_mockoon_find_route(&res, "GET /b/"), &res.routes[1]);
    ck_assert_ptr_eq(mr_mockoon_find_route(&res, "GET /api/b"), &res.routes[1]);
    ck_assert_ptr_eq(mr_mockoon_find_route(&res, "ANY /c"), &res.routes[2]); /* the first */
    ck_assert_ptr_eq(mr_mockoon_find_route(&res, "all /c"), &res.routes[2]);
    ck_assert_ptr_eq(mr_mockoon_find_route(&res, "w"), &res.routes[4]);
    ck_assert_ptr_null(mr_mockoon_find_route(&res, "POST /users/:id"));
    ck_assert_ptr_null(mr_mockoon_find_route(&res, "GET /users"));
    ck_assert_ptr_null(mr_mockoon_find_route(&res, "nope"));
}
END_TEST

START_TEST(test_templates_checked)
{
    /* what mockrun's engine refuses is served as it is, or (a header) left out: the scenario
     * always loads */
    route("get", "a", "null",
          "[{'body': '{{fakr}}', 'headers': [{'key': 'X-T', 'value': '{{nope 1}}'},"
          " {'key': 'Content-Length', 'value': '3'}, {'key': 'X-Ok', 'value': '{{method}}'}]}]",
          true);
    EQ("services._.routes.0.response",
       "{'body':'{{fakr}}','template':false,'headers':{'X-Ok':'{{method}}'}}");
    WARNINGS("routes[0].responses[0].headers[0]: header \"X-T\": mockrun cannot render its "
             "template (unknown helper \"nope\" at 1:3); header dropped",
             "routes[0].responses[0].headers[1]: header \"Content-Length\" is set by mockrun "
             "itself; header dropped",
             "routes[0].responses[0].body: mockrun cannot render this template (unknown helper "
             "\"fakr\" at 1:3 (did you mean \"faker\"?)); served as it is");
    route("get", "a", "null", "[{'bodyType': 'FILE', 'filePath': '{{nope 1}}', 'body': 'b'}]",
          true);
    EQ("services._.routes.0.response", "{'body':'b'}");
    WARNINGS("routes[0].responses[0].filePath: mockrun cannot render this path's template "
             "(unknown helper \"nope\" at 1:3); the inline body is served");
}
END_TEST

START_TEST(test_content_type)
{
    /* Express sends a string without a Content-Type as text/html */
    convert("{'name': 'e', 'routes': [{'method': 'get', 'endpoint': 'a', 'responses': [{'body': "
            "'x'}]},"
            " {'method': 'get', 'endpoint': 'b', 'responses': [{'bodyType': 'FILE', "
            "'filePath': 'f.json', 'sendFileAsBody': true}]}]}",
            false);
    EQ("services._.routes.0.response",
       "{'body':'x','headers':{'Content-Type':'text/html; charset=utf-8'}}");
    EQ("services._.routes.1.response", "{'file':'f.json','template':true}");
    NO_WARNINGS();
    /* the environment's type instead, with the charset Express adds */
    convert("{'name': 'e', 'headers': [{'key': 'content-type', 'value': 'application/json'}],"
            " 'routes': [{'method': 'get', 'endpoint': 'a', 'responses': [{'body': 'x'}]}]}",
            true);
    EQ("services._.defaults.headers", "{'content-type':'application/json; charset=utf-8'}");
    EQ("services._.routes.0.response", "{'body':'x'}");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_cors)
{
    /* the environment's headers win over CORSHeaders, and come from the defaults */
    convert("{'name': 'e', 'cors': true, 'headers': [{'key': 'Access-Control-Allow-Origin',"
            " 'value': 'http://a.test'}, {'key': 'Content-Type', 'value': 'text/plain'}],"
            " 'routes': []}",
            true);
    EQ("services._.routes.0.request", "{'method':'OPTIONS'}");
    EQ("services._.routes.0.response",
       "{'headers':{'Access-Control-Allow-Methods':'GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS',"
       "'Access-Control-Allow-Headers':'Content-Type, Origin, Accept, Authorization, "
       "Content-Length, X-Requested-With'}}");
    EQ("services._.cors", "(none)");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_enabled)
{
    convert("{'name': 'e', 'routes': [{'method': 'get', 'endpoint': 'a', 'enabled': false,"
            " 'responses': [{}]}]}",
            true);
    EQ("services._.routes.0.request.path", "'/a'");
    WARNINGS("routes[0].enabled: the Mockoon CLI serves a route whatever \"enabled\" says (only "
             "its --disable-routes option disables one); served");
}
END_TEST

/* A response whose rules always hold answers from there on: later ones, and the default,
 * are never reached. */
START_TEST(test_always_true_rules)
{
    route("get", "a", "null",
          "[{'statusCode': 201, 'default': true}, {'statusCode': 202, 'rules': [{'target': "
          "'query', 'modifier': 'a', 'value': '1'}]},"
          " {'statusCode': 203, 'rules': [{'target': 'method', 'value': 'get'}]},"
          " {'statusCode': 204, 'rules': [{'target': 'query', 'modifier': 'b', 'value': '1'}]}]",
          true);
    EQ("services._.routes.0.responses",
       "[{'status':202,'when':{'query':{'a':'1'}}},{'status':203}]");
    NO_WARNINGS();
}
END_TEST

/* ---- callbacks --------------------------------------------------------------------------- */

/* An environment named "Pay" (prefix api/v1, latency 10) with `callbacks`, and one
 * route whose response (latency 5) uses them as `uses` says. */
static void with_callbacks(const char *callbacks_q, const char *uses_q, const char *resp_extra_q,
                           bool must_load)
{
    char env[16384];
    snprintf(env, sizeof(env),
             "{'name': 'Pay', 'endpointPrefix': 'api/v1', 'latency': 10, 'callbacks': %s,"
             " 'routes': [{'uuid': 'r', 'type': 'http', 'method': 'post', 'endpoint': 'charges',"
             " 'responses': [{'statusCode': 201, 'latency': 5, 'rules': [], 'callbacks': %s%s}]}]}",
             callbacks_q, uses_q, resp_extra_q);
    convert(env, must_load);
}

#define CB(i) "services.pay.callbacks." #i
#define USES "services.pay.routes.0.response.callbacks"

START_TEST(test_callbacks)
{
    /* a templated URL, headers (an empty value is left out, no charset added) and a
     * templated body; the use is sent after the response's delay plus its latency */
    with_callbacks("[{'uuid': 'c1', 'id': 'ab12', 'name': 'charge-succeeded', 'documentation': '',"
                   " 'method': 'post', 'uri': '{{getEnvVar \\'APP_URL\\'}}/hooks/{{body "
                   "\\'id\\'}}', 'headers': [{'key': 'Content-Type', 'value': 'application/json'},"
                   " {'key': 'X-Sig', 'value': 's-{{body \\'id\\'}}'}, {'key': 'X-Empty', 'value': "
                   "''}], 'bodyType': 'INLINE', 'body': '{\\'id\\': \\'{{body \\'id\\'}}\\'}',"
                   " 'filePath': '', 'sendFileAsBody': true, 'databucketID': ''}]",
                   "[{'uuid': 'c1', 'latency': 100}]", "", true);
    EQ(CB(0), "{'id':'c1','description':'charge-succeeded','method':'POST','url':'{{getEnvVar "
              "\\'APP_URL\\'}}/hooks/{{body \\'id\\'}}','body':'{\\'id\\': \\'{{body "
              "\\'id\\'}}\\'}','headers':{'Content-Type':'application/json','X-Sig':'s-{{body "
              "\\'id\\'}}'}}");
    EQ(USES, "[{'callback':'c1','delayMs':115}]");
    NO_WARNINGS();

    /* a path: to the mock itself, behind the prefix; a string body without a type is
     * typed as fetch types it; no latency anywhere: no delayMs */
    convert("{'name': 'Pay', 'endpointPrefix': 'api/v1', 'callbacks': [{'uuid': 'c', 'name': "
            "'self', 'method': 'put', 'uri': '/ledger/{{urlParam \\'id\\'}}', 'headers': [],"
            " 'bodyType': 'INLINE', 'body': 'booked'}], 'routes': [{'uuid': 'r', 'method': 'put',"
            " 'endpoint': 'ledger/:id', 'responses': [{'rules': [], 'callbacks': [{'uuid': 'c',"
            " 'latency': 0}]}]}]}",
            true);
    EQ(CB(0), "{'id':'c','description':'self','method':'PUT','service':'pay','url':'/api/v1/"
              "ledger/{{urlParam \\'id\\'}}','body':'booked','headers':{'Content-Type':'text/plain;"
              "charset=UTF-8'}}");
    EQ(USES, "[{'callback':'c'}]");
    NO_WARNINGS();

    /* GET, HEAD, DELETE... send no body (nor a type); a loopback URL as written */
    with_callbacks("[{'uuid': 'c', 'method': 'delete', 'uri': 'http://localhost:9/x?y=1',"
                   " 'headers': [], 'bodyType': 'INLINE', 'body': 'not sent'}]",
                   "[{'uuid': 'c', 'latency': 0}]", "", true);
    EQ(CB(0), "{'id':'c','method':'DELETE','url':'http://localhost:9/x?y=1'}");
    EQ(USES, "[{'callback':'c','delayMs':15}]");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_callback_ids_and_uses)
{
    /* ids: the uuid, else the name, else "callback N", made unique; a use names it by
     * uuid, an unknown uuid is skipped as Mockoon skips it, a dropped callback's uses
     * go with it */
    with_callbacks("[{'uuid': 'u', 'name': 'a', 'method': 'post', 'uri': 'http://127.0.0.1:9/'},"
                   " {'name': 'a', 'method': 'post', 'uri': 'http://127.0.0.1:9/'},"
                   " {'name': 'a', 'method': 'post', 'uri': 'http://127.0.0.1:9/'},"
                   " {'uuid': 'u', 'method': 'post', 'uri': 'http://127.0.0.1:9/'},"
                   " {'method': 'post', 'uri': 'http://127.0.0.1:9/'},"
                   " {'uuid': 'gone', 'method': 'post', 'uri': ''}, 7]",
                   "[{'uuid': 'u', 'latency': 0}, {'uuid': 'nope', 'latency': 0}, {'latency': 1},"
                   " {'uuid': 'gone', 'latency': 0}, {'uuid': 'u', 'latency': 600000}]",
                   "", true);
    EQ("services.pay.callbacks.0.id", "'u'");
    EQ("services.pay.callbacks.1.id", "'a'");
    EQ("services.pay.callbacks.2.id", "'a #2'");
    EQ("services.pay.callbacks.3.id", "'u #2'");
    EQ("services.pay.callbacks.4.id", "'callback 5'");
    EQ("services.pay.callbacks.5", "(none)");
    EQ(USES, "[{'callback':'u','delayMs':15},{'callback':'u','delayMs':600000}]");
    WARNINGS("callbacks[5].uri: no URL: Mockoon cannot send the callback; callback dropped",
             "callbacks[6]: a callback must be an object; callback dropped",
             "routes[0].responses[0].callbacks[1]: no callback of the environment has uuid "
             "\"nope\"; ignored",
             "routes[0].responses[0].callbacks[2]: no callback of the environment has uuid \"\"; "
             "ignored",
             "routes[0].responses[0].callbacks[4]: the callback is sent 600015 ms after the "
             "request, over mockrun's 600000 ms; 600000 is used");
}
END_TEST

START_TEST(test_callback_urls)
{
    /* a host besides loopback is named in allowHosts (once); https, user information,
     * spaces and relative URLs without a slash cannot be sent */
    with_callbacks("[{'uuid': 'a', 'method': 'post', 'uri': 'http://hooks.example.test:8080/x'},"
                   " {'uuid': 'b', 'method': 'post', 'uri': 'http://HOOKS.example.test/y'},"
                   " {'uuid': 'c', 'method': 'post', 'uri': 'http://[fd00::1]:9/'},"
                   " {'uuid': 'd', 'method': 'post', 'uri': 'https://localhost/'},"
                   " {'uuid': 'e', 'method': 'post', 'uri': 'http://u@localhost/'},"
                   " {'uuid': 'f', 'method': 'post', 'uri': 'hooks'},"
                   " {'uuid': 'g', 'method': 'post', 'uri': '/a b'},"
                   " {'uuid': 'h', 'method': 'post', 'uri': '{{nope}}/x'}]",
                   "[]", "", true);
    EQ("allowHosts", "['hooks.example.test','fd00::1']");
    EQ("services.pay.callbacks.2.url", "'http://[fd00::1]:9/'");
    EQ("services.pay.callbacks.3", "(none)");
    WARNINGS("callbacks[0].uri: host \"hooks.example.test\" is not loopback: named in the "
             "scenario's \"allowHosts\" (mockrun keeps callbacks on this machine unless a "
             "scenario names the host: one that imports this environment names it in its own)",
             "callbacks[1].uri: host \"HOOKS.example.test\" is not loopback: named in the "
             "scenario's \"allowHosts\" (mockrun keeps callbacks on this machine unless a "
             "scenario names the host: one that imports this environment names it in its own)",
             "callbacks[2].uri: host \"fd00::1\" is not loopback: named in the scenario's "
             "\"allowHosts\" (mockrun keeps callbacks on this machine unless a scenario names "
             "the host: one that imports this environment names it in its own)",
             "callbacks[3].uri: mockrun cannot send to \"https://localhost/\": https is not "
             "supported: mockrun's client speaks plain HTTP only; callback dropped",
             "callbacks[4].uri: mockrun cannot send to \"http://u@localhost/\": a URL with user "
             "information (user@host) is not allowed; callback dropped",
             "callbacks[5].uri: mockrun cannot send to \"hooks\": not an absolute http URL (it "
             "must start with \"http://\"); callback dropped",
             "callbacks[6].uri: mockrun cannot send to the path \"/api/v1/a b\": the URL has a "
             "space or control byte at byte 10; callback dropped",
             "callbacks[7].uri: mockrun cannot render this URL's template (unknown helper "
             "\"nope\" at 1:3); callback dropped");
}
END_TEST

START_TEST(test_callback_bodies)
{
    /* a file (typed by mime-types when the path is literal, rendered when its type is
     * one Mockoon renders), a data bucket (not converted), a body mockrun cannot render
     * (sent as written), a method the CLI repairs, Content-Length (mockrun's) */
    with_callbacks(
        "[{'uuid': 'f', 'method': 'post', 'uri': 'http://127.0.0.1:9/', 'bodyType': 'FILE',"
        " 'filePath': 'data/event.json', 'sendFileAsBody': false, 'body': 'inline'},"
        " {'uuid': 'g', 'method': 'put', 'uri': 'http://127.0.0.1:9/', 'bodyType': 'FILE',"
        " 'filePath': 'data/{{urlParam \\'id\\'}}.json', 'sendFileAsBody': true},"
        " {'uuid': 'n', 'method': 'put', 'uri': 'http://127.0.0.1:9/', 'bodyType': 'FILE',"
        " 'filePath': 'data/event', 'sendFileAsBody': true},"
        " {'uuid': 'h', 'method': 'post', 'uri': 'http://127.0.0.1:9/', 'bodyType': 'FILE',"
        " 'filePath': '/etc/passwd', 'body': 'inline'},"
        " {'uuid': 'b', 'method': 'post', 'uri': 'http://127.0.0.1:9/', 'bodyType': 'DATABUCKET',"
        " 'databucketID': 'd1', 'body': 'x'},"
        " {'uuid': 'q', 'method': 'post', 'uri': 'http://127.0.0.1:9/{{urlParam \\'x\\'}}',"
        " 'body': '{{data \\'bucket\\'}}!'},"
        " {'uuid': 'm', 'method': 'fetch', 'uri': 'http://127.0.0.1:9/', 'headers': [{'key': "
        "'Content-Length', 'value': '3'}], 'body': 'abc', 'future': 1}]",
        "[{'uuid': 'q', 'latency': 0}, {'uuid': 'f', 'latency': 0}]", ", 'disableTemplating': true",
        false); /* its files are not there */
    EQ(CB(0), "{'id':'f','method':'POST','url':'http://127.0.0.1:9/','file':'data/event.json',"
              "'template':true,'headers':{'Content-Type':'application/json'}}");
    EQ(CB(1), "{'id':'g','method':'PUT','url':'http://127.0.0.1:9/','file':'data/{{urlParam "
              "\\'id\\'}}.json'}");
    EQ("services.pay.callbacks.2.headers", "{'Content-Type':'text/plain;charset=UTF-8'}");
    EQ(CB(3), "{'id':'h','method':'POST','url':'http://127.0.0.1:9/','body':'inline','headers':"
              "{'Content-Type':'text/plain;charset=UTF-8'}}");
    EQ(CB(4), "{'id':'b','method':'POST','url':'http://127.0.0.1:9/','headers':{'Content-Type':"
              "'text/plain;charset=UTF-8'}}");
    EQ(CB(5) ".body", "'\\\\{{data \\'bucket\\'}}!'");
    EQ(CB(6), "{'id':'m','method':'POST','url':'http://127.0.0.1:9/','body':'abc','headers':"
              "{'Content-Type':'text/plain;charset=UTF-8'}}");
    WARNINGS("callbacks[0].sendFileAsBody: a file sent as multipart form data is not supported; "
             "its content is sent as the body",
             "callbacks[1].filePath: the file's content is sent as it is: mockrun renders a "
             "templated path or a file's content, not both",
             "callbacks[3].filePath: absolute file path \"/etc/passwd\" is not supported (mockrun "
             "sends files inside the scenario's folder); the inline body is sent",
             "callbacks[4].databucketID: a body from a data bucket is not supported; an empty "
             "body is sent",
             "callbacks[5].body: mockrun cannot render this template (helper \"data\" at 1:3 is "
             "not supported by mockrun (data buckets)); sent as it is",
             "callbacks[6].future: \"future\" is not supported; ignored",
             "callbacks[6].method: method \"fetch\" is not one of Mockoon's; POST is used, as the "
             "CLI repairs it",
             "callbacks[6].headers[0]: header \"Content-Length\" is set by mockrun itself; header "
             "dropped",
             "routes[0].responses[0].callbacks[1]: the response disables templating, so Mockoon "
             "sends this callback's body as written; mockrun renders it");
}
END_TEST

/* ---- invalid input -------------------------------------------------------------------- */

/* Refused: the error is `want`, and there is neither a scenario nor a warning. */
static void invalid(const char *text, const char *want)
{
    char got[1024];
    reset();
    ck_assert_int_eq(mr_mockoon_convert("env.json", text, strlen(text), &res, &err), MR_ESCENARIO);
    mr_error_format(&err, got, sizeof(got));
    ck_assert_str_eq(got, want);
    ck_assert_ptr_null(res.scenario);
    ck_assert_uint_eq(res.nwarnings, 0);
    ck_assert_ptr_null(res.warnings);
}

START_TEST(test_invalid)
{
    invalid("{\n  \"routes\": [1,,]\n}", "env.json:2:16: invalid JSON near ','");
    invalid("{\"routes\": [", "env.json:1:13: invalid JSON: unexpected end of file");
    invalid("", "env.json:1:1: invalid JSON: unexpected end of file");
    invalid("{} x", "env.json:1:4: invalid JSON near 'x'");
    invalid("[1]", "env.json:1:1: not a Mockoon environment: expected an object with \"routes\"");
    invalid("{\"name\": \"x\"}", "env.json:1:1: not a Mockoon environment: \"routes\" is missing");
    invalid("{\n\"routes\": {}}", "env.json:2:11: routes: expected an array of routes");
    invalid("{\"routes\": [{\"responses\": [3]}]}",
            "env.json:1:28: routes[0].responses[0]: expected a response (an object)");
    invalid("{\"routes\": [\"r\"]}", "env.json:1:13: routes[0]: expected a route (an object)");
}
END_TEST

/* ---- found by the fuzz target ----------------------------------------------------------- */

/* Bugs tests/fuzz/fuzz_mockoon.c found, with their
 * reproducers in tests/fuzz/regressions/mockoon/. */

/* A body rule dropped for its operator leaves "body": {"jsonPath": {}} behind: the scenario
 * does not load, and a later condition on the body is refused as a second one. */
START_TEST(test_bug_dropped_body_rule_leaves_empty_json_path)
{
    rules("AND", "[{'target': 'body', 'modifier': '$.a', 'operator': 'equals', 'value': 'x',"
                 "  'invert': false, 'x': 1},"
                 " {'target': 'global_var', 'modifier': 'q', 'operator': 'equals', 'value': '1'},"
                 " {'target': 'query', 'modifier': 'q', 'operator': 'equals', 'value': '1'}]");
    EQ(WHEN,
       "[{'query':{'q':'1'}," CT_JX ",'body':{'jsonPath':{'$.a':'x'}}},{'query':{'q':'1'}," CT_NONE
       ",'body':{'equals':'x'}}]");
    WARNINGS("routes[0].responses[1].rules[1]: target \"global_var\" is not supported; rule "
             "dropped",
             "routes[0].responses[1]: some AND rules were dropped: the response answers more "
             "requests than in Mockoon");

    rules("AND", "[{'target': 'body', 'modifier': '$.a', 'operator': 'valid_json_schema', "
                 "'value': 'x'},"
                 " {'target': 'body', 'modifier': '', 'operator': 'equals', 'value': 'raw'}]");
    EQ(WHEN, "{'body':{'equals':'raw'}}");
    WARNINGS("routes[0].responses[1].rules[0]: operator \"valid_json_schema\" needs data "
             "buckets, which are not supported; rule dropped",
             "routes[0].responses[1]: some AND rules were dropped: the response answers more "
             "requests than in Mockoon");
}
END_TEST

/* A body path the importer let through and the loader refused ("$.a[b"): the importer
 * reads Mockoon's modifiers itself and writes only what the loader's grammar takes. */
START_TEST(test_bug_json_path_bracket)
{
    one_rule("body", "$.a[b", "equals", "x", false);
    WARNINGS("routes[0].responses[1].rules[0]: body path \"$.a[b\" uses wildcards, filters, "
             "slices and other operators, which mockrun's jsonPath lacks; rule dropped",
             "routes[0].responses[1]: none of the response's rules could be converted; response "
             "dropped");
}
END_TEST

/* An endpoint parameter with a '$' (Express allows it, mockrun's ":name" does not) was kept
 * in "path" and the scenario did not load: it becomes a pathPattern. */
START_TEST(test_bug_path_parameter_name)
{
    route("get", "x/:a$", "null", "[{'rules': []}]", true);
    EQ("services._.routes.0.request.pathPattern", "'/x/(?:[^/]+)'");
    WARNINGS("routes[0].endpoint: path \"/x/:a$\" uses Express syntax mockrun's \"path\" lacks; "
             "served with \"pathPattern\": \"/x/(?:[^/]+)\"");
}
END_TEST

/* A key with a newline or an ESC was echoed raw: one warning spanned several stderr lines
 * or drove the terminal. Warnings are one printable line now. */
START_TEST(test_bug_control_bytes_in_warnings)
{
    const char *p;

    convert("{'routes': [], 'a\\nb': 1, 'c\\u001b[31m': 2}", true);
    ck_assert_uint_eq(res.nwarnings, 2);
    for (size_t i = 0; i < res.nwarnings; i++)
        for (p = res.warnings[i]; *p; p++)
            ck_assert_msg((unsigned char)*p >= 0x20 && *p != 0x7f, "control byte 0x%02x in: %s",
                          (unsigned char)*p, res.warnings[i]);
    warnings_checked = true;
}
END_TEST

/* An endpoint with bytes that are not UTF-8 became a pathPattern PCRE2 refuses. */
START_TEST(test_bug_path_pattern_not_utf8)
{
    route("get", "a/:b?/\xff\xfe", "null", "[{}]", true);
    EQ("services._.routes", "[]");
    WARNINGS("routes[0].endpoint: path \"/a/:b?/\xff\xfe\" cannot be expressed in mockrun; "
             "route skipped");
}
END_TEST

/* A '#' in an endpoint stayed in "path", which the loader refuses. */
START_TEST(test_bug_path_hash)
{
    route("get", "a#b", "null", "[{}]", true);
    EQ("services._.routes.0.request.pathPattern", "'/a#b'");
    WARNINGS("routes[0].endpoint: path \"/a#b\" uses Express syntax mockrun's \"path\" lacks; "
             "served with \"pathPattern\": \"/a#b\"");
}
END_TEST

/* A rule value that is not UTF-8, in a pattern over the body (here inverted): PCRE2
 * refuses the pattern, so that condition is left out. */
START_TEST(test_bug_body_pattern_not_utf8)
{
    one_rule("body", "", "equals", "\xff", true);
    NEVER();
    WARNINGS("routes[0].responses[1]: rules on the body could not be joined into one pattern; "
             "those combinations of the rules are left out");
}
END_TEST

static void teardown(void)
{
    reset();
}

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 30);
    return tc;
}

static Suite *mockoon_suite(void)
{
    Suite *s = suite_create("mockoon");
    TCase *tc;

    tc = tcase("environment");
    tcase_add_test(tc, test_environment);
    tcase_add_test(tc, test_environment_warnings);
    tcase_add_test(tc, test_proxy_mode);
    tcase_add_test(tc, test_route_order_and_folders);
    suite_add_tcase(s, tc);

    tc = tcase("routes");
    tcase_add_test(tc, test_methods_and_types);
    tcase_add_test(tc, test_paths);
    tcase_add_test(tc, test_responses);
    tcase_add_test(tc, test_callbacks);
    tcase_add_test(tc, test_callback_ids_and_uses);
    tcase_add_test(tc, test_callback_urls);
    tcase_add_test(tc, test_callback_bodies);
    tcase_add_test(tc, test_files);
    tcase_add_test(tc, test_modes);
    suite_add_tcase(s, tc);

    tc = tcase("rules");
    tcase_add_test(tc, test_rule_fields);
    tcase_add_test(tc, test_rule_known_values);
    tcase_add_test(tc, test_rule_body_path);
    tcase_add_test(tc, test_rule_body_whole);
    tcase_add_test(tc, test_rule_method_path_call);
    tcase_add_test(tc, test_rule_operators);
    tcase_add_test(tc, test_rule_unsupported);
    tcase_add_test(tc, test_invert);
    tcase_add_test(tc, test_and_or);
    suite_add_tcase(s, tc);

    tc = tcase("ids-templates-cors");
    tcase_add_test(tc, test_route_ids);
    tcase_add_test(tc, test_templates_checked);
    tcase_add_test(tc, test_content_type);
    tcase_add_test(tc, test_cors);
    tcase_add_test(tc, test_enabled);
    tcase_add_test(tc, test_always_true_rules);
    suite_add_tcase(s, tc);

    tc = tcase("invalid");
    tcase_add_test(tc, test_invalid);
    suite_add_tcase(s, tc);

    tc = tcase("fuzz-found");
    tcase_add_test(tc, test_bug_dropped_body_rule_leaves_empty_json_path);
    tcase_add_test(tc, test_bug_json_path_bracket);
    tcase_add_test(tc, test_bug_path_parameter_name);
    tcase_add_test(tc, test_bug_control_bytes_in_warnings);
    tcase_add_test(tc, test_bug_path_pattern_not_utf8);
    tcase_add_test(tc, test_bug_path_hash);
    tcase_add_test(tc, test_bug_body_pattern_not_utf8);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(mockoon_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
