/*
 * test_wiremock.c - formats/wiremock.c: every mapping from WireMock stubs to
 * a scenario (URLs, methods, each string pattern on headers, query
 * parameters, cookies and path parameters, multi-valued patterns, body
 * patterns, basic auth, responses, delays, faults, templates, order, ids,
 * scenario states), every warning with its file and JSON path, reading a
 * root folder (mappings/, __files/, what leads out of it), and invalid
 * input with file:line:column. Each converted scenario must also load in
 * mockrun. How the converted conditions then match is conformance.wiremock's
 * part (the real WireMock beside mockrun).
 *
 * Every conversion's warnings are checked whole, in order (WARNINGS, or
 * NO_WARNINGS): converting again, or ending the test, before they are checked
 * fails the test.
 *
 * One case:   CK_RUN_CASE=request ./test_wiremock
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "formats/wiremock.h"
#include "scenarios/scenario.h"
#include "tests/lib/lines.h"
#include "tests/lib/tmpdir.h"

static struct mr_wiremock_result res;
static struct mr_error err;
static cJSON *sc;
static char *printed;
static bool warnings_checked = true; /* those of the last conversion, by expect_warnings */

/* Single quotes stand for double quotes, so JSON reads well in C; \' is a quote. */
static char *q(const char *s)
{
    char *c = strdup(s), *p, *o;
    ck_assert_ptr_nonnull(c);
    for (p = o = c; *p; p++) {
        if (p[0] == '\\' && p[1] == '\'')
            *o++ = *++p;
        else
            *o++ = *p == '\'' ? '"' : *p;
    }
    *o = '\0';
    return c;
}

static void reset(void)
{
    ck_assert_msg(warnings_checked, "the warnings of the last conversion were not checked");
    mr_wiremock_result_free(&res);
    cJSON_Delete(sc);
    sc = NULL;
    free(printed);
    printed = NULL;
}

/* The converted scenario must load (next to `dir`, where binary files are referenced). */
static void loads(const char *dir)
{
    struct mr_error_list *errs = calloc(1, sizeof(*errs));
    struct mr_scenario *s = NULL;
    char path[512];
    int rc;

    snprintf(path, sizeof(path), "%s/scenario.json", dir);
    rc = mr_scenario_parse_one(&s, path, res.scenario, strlen(res.scenario), errs);
    ck_assert_msg(rc == 0, "scenario does not load: %s: %s\n%s",
                  errs->count ? errs->items[0].path : "", errs->count ? errs->items[0].msg : "",
                  res.scenario);
    mr_scenario_free(s);
    free(errs);
}

static void converted(void)
{
    warnings_checked = false;
    sc = cJSON_Parse(res.scenario);
    ck_assert_ptr_nonnull(sc);
    ck_assert(strstr(res.scenario, "\n  \"services\": {\n") != NULL);
}

/* Converts one mapping file's text, named s.json. */
static void convert(const char *text_q)
{
    char *text = q(text_q);
    int rc;

    reset();
    rc = mr_wiremock_convert_text("s.json", text, strlen(text), &res, &err);
    free(text);
    ck_assert_msg(rc == 0, "convert failed: %s", err.msg);
    converted();
    loads("/tmp");
}

/* One stub: {"request": req, "response": resp} (plus `extra` members). */
static void stub_x(const char *req_q, const char *resp_q, const char *extra_q)
{
    char text[16384];
    snprintf(text, sizeof(text), "{%s%s'request': %s, 'response': %s}", extra_q,
             *extra_q ? ", " : "", req_q, resp_q);
    convert(text);
}

static void stub(const char *req_q, const char *resp_q)
{
    stub_x(req_q, resp_q, "");
}

/* A GET /x stub with these request members besides. */
static void req(const char *members_q)
{
    char r[8192];
    snprintf(r, sizeof(r), "{'method': 'GET', 'urlPath': '/x'%s%s}", *members_q ? ", " : "",
             members_q);
    stub(r, "{'status': 200}");
}

/* A GET /x stub answering this response. */
static void resp(const char *resp_q)
{
    stub("{'method': 'GET', 'urlPath': '/x'}", resp_q);
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

#define ROUTES "services.wiremock.routes"
#define ROUTE ROUTES ".0"
#define REQ ROUTE ".request"
#define RESP ROUTE ".response"
#define WHEN ROUTE ".responses.0.when"

/* The last conversion's warnings are exactly `want` (NULL-terminated), in order. */
static void expect_warnings(const char *const *want)
{
    mr_test_expect_lines(res.warnings, res.nwarnings, want);
    warnings_checked = true;
}

#define WARNINGS(...) expect_warnings((const char *const[]){__VA_ARGS__, NULL})
#define NO_WARNINGS() expect_warnings((const char *const[]){NULL})

/* The stub was dropped with this one warning. */
#define DROPPED(warning)                                                                           \
    do {                                                                                           \
        EQ(ROUTES, "[]");                                                                          \
        WARNINGS(warning);                                                                         \
    } while (0)

/* ---- URLs and methods ------------------------------------------------------------------- */

START_TEST(test_urls)
{
    stub("{'method': 'GET', 'url': '/a/b'}", "{}");
    EQ(REQ, "{'method':'GET','path':'/a/b'}");
    EQ(RESP, "{}");
    NO_WARNINGS();

    /* the query string: each parameter equal to its decoded value */
    stub("{'url': '/a?x=1&y=two%20words&z=a+b&flag&&x=2'}", "{}");
    EQ(REQ, "{'path':'/a','query':{'x':'1','y':'two words','z':'a b','flag':''}}");
    EQ(WHEN, "{'query':{'x':'2'}}");
    NO_WARNINGS();

    /* mockrun compares decoded paths */
    stub("{'urlPath': '/caf%C3%A9/x%20y'}", "{}");
    EQ(REQ, "{'path':'/café/x y'}");
    NO_WARNINGS();

    /* ':' and '*' segments mean parameters in mockrun's `path`: a quoted pattern */
    stub("{'urlPath': '/a/:id/*'}", "{}");
    EQ(REQ, "{'pathPattern':'/a/:id/\\\\*'}");
    NO_WARNINGS();
    stub("{'urlPath': '/a/x*y'}", "{}");
    EQ(REQ, "{'path':'/a/x*y'}");
    NO_WARNINGS();

    /* WireMock's regexes are DOTALL */
    stub("{'urlPattern': '/p/[0-9]+'}", "{}");
    EQ(REQ, "{'pathPattern':'/p/[0-9]+'}");
    NO_WARNINGS();
    stub("{'urlPathPattern': '/p/.*'}", "{}");
    EQ(REQ, "{'pathPattern':'(?s)/p/.*'}");
    NO_WARNINGS();

    /* UrlPattern.fromOneOf: url first */
    stub("{'urlPath': '/second', 'url': '/first'}", "{}");
    EQ(REQ, "{'path':'/first'}");
    WARNINGS("s.json: request.urlPath: \"url\" is given too and wins; ignored");

    stub("{}", "{'body': 'any'}");
    EQ(ROUTE, "{'id':'s.json','response':{'body':'any'}}");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_urls_dropped)
{
    stub("{'url': 'no-slash'}", "{}");
    DROPPED("s.json: request.url: a path that does not start with \"/\" never matches; stub "
            "dropped");
    stub("{'urlPath': '/a#b'}", "{}");
    DROPPED("s.json: request.urlPath: a path with \"#\" never matches (browsers keep the "
            "fragment); stub dropped");
    stub("{'urlPath': '/a?b'}", "{}");
    DROPPED("s.json: request.urlPath: a path with \"?\" never matches (the query string is not "
            "part of the path); stub dropped");
    stub("{'urlPath': '/a%2Fb'}", "{}");
    DROPPED("s.json: request.urlPath: encoded \"/\", NUL or invalid UTF-8 in the path cannot be "
            "matched (mockrun compares decoded paths); stub dropped");
    stub("{'url': '/a?=1'}", "{}");
    DROPPED("s.json: request.url: a query parameter with an empty name or NUL cannot be matched; "
            "stub dropped");
    stub("{'urlPattern': '/a\\\\?b=[0-9]'}", "{}");
    DROPPED("s.json: request.urlPattern: a pattern over the query string cannot be converted "
            "(mockrun matches the path; use urlPathPattern and queryParameters); stub dropped");
    stub("{'urlPattern': '/a[?]b'}", "{}");
    DROPPED("s.json: request.urlPattern: a pattern over the query string cannot be converted "
            "(mockrun matches the path; use urlPathPattern and queryParameters); stub dropped");
    stub("{'urlPathTemplate': 'x/{id}'}", "{}");
    DROPPED("s.json: request.urlPathTemplate: a path that does not start with \"/\" never "
            "matches; stub dropped");
    stub("{'urlPathTemplate': '/x/{id}?a'}", "{}");
    DROPPED("s.json: request.urlPathTemplate: \"?\" in a path template is not supported; stub "
            "dropped");
}
END_TEST

START_TEST(test_path_templates)
{
    stub("{'urlPathTemplate': '/contacts/{contactId}/addresses/{addressId}',"
         " 'pathParameters': {'contactId': {'equalTo': '12'}, 'addressId': {'matches': '[0-9]+'}}}",
         "{'body': 'x'}");
    EQ(REQ, "{'path':'/contacts/:contactId/addresses/:addressId'}");
    EQ(WHEN, "{'params':{'contactId':'12','addressId':{'matches':'^(?s:[0-9]+)\\\\z'}}}");
    EQ(ROUTE ".responses.0.body", "'x'");
    NO_WARNINGS();

    /* inside a segment, ** and names mockrun cannot use: a pattern with named groups */
    stub("{'urlPathTemplate': '/f/{name}.txt/{*rest.}/**'}", "{}");
    EQ(REQ, "{'pathPattern':'/f/(?<name>[^/]+)\\\\.txt/(?<rest>[^/]+)/(.*?)'}");
    NO_WARNINGS();
    stub("{'urlPathTemplate': '/f/{a-b}/{id}/{id}'}", "{}");
    EQ(REQ, "{'pathPattern':'/f/([^/]+)/(?<id>[^/]+)/([^/]+)'}");
    NO_WARNINGS();
    stub("{'urlPathTemplate': '/f/{a-b}', 'pathParameters': {'a-b': {'equalTo': '1'}}}", "{}");
    DROPPED("s.json: request.pathParameters.a-b: not a path parameter mockrun can name "
            "(urlPathTemplate's {name}, letters, digits and \"_\", at most 32); stub dropped");
    stub("{'urlPath': '/f', 'pathParameters': {'a': {'equalTo': '1'}}}", "{}");
    DROPPED("s.json: request.pathParameters: needs urlPathTemplate; stub dropped");
}
END_TEST

START_TEST(test_methods)
{
    stub("{'method': 'ANY', 'urlPath': '/x'}", "{}");
    EQ(REQ ".method", "'ANY'");
    NO_WARNINGS();
    stub("{'method': 'PROPFIND', 'urlPath': '/x'}", "{}");
    EQ(REQ ".method", "'PROPFIND'");
    NO_WARNINGS();
    /* mockrun answers HEAD with GET routes */
    stub("{'method': 'GET_OR_HEAD', 'urlPath': '/x'}", "{}");
    EQ(REQ ".method", "'GET'");
    NO_WARNINGS();
    stub("{'urlPath': '/x'}", "{}");
    EQ(REQ ".method", "(none)");
    NO_WARNINGS();
    stub("{'method': 'get', 'urlPath': '/x'}", "{}");
    DROPPED("s.json: request.method: \"get\" in lower case never matches in WireMock; stub "
            "dropped");
    stub("{'method': 'GE T', 'urlPath': '/x'}", "{}");
    DROPPED("s.json: request.method: \"GE T\" is not a method mockrun can match; stub dropped");
}
END_TEST

/* ---- string patterns -------------------------------------------------------------------- */

START_TEST(test_string_patterns)
{
    req("'headers': {'X-A': {'equalTo': 'a.b'}, 'X-B': {'contains': 'c'}, 'X-C': {'matches': "
        "'d|e'}, 'X-D': {'doesNotMatch': 'f.*'}, 'X-E': {'doesNotContain': 'g'}, 'X-F': "
        "{'absent': true}, 'X-G': {'equalTo': 'AbC', 'caseInsensitive': true}}");
    EQ(REQ ".headers", "{'X-A':'a.b','X-B':{'contains':'c'},'X-C':{'matches':'^(?s:d|e)\\\\z'},"
                       "'X-D':{'not':{'matches':'^(?s:f.*)\\\\z'}},'X-E':{'not':{'contains':'g'}},"
                       "'X-F':{'absent':true},'X-G':{'matches':'^(?=(?i)AbC\\\\z)'}}");
    NO_WARNINGS();

    /* and/or/not: lookaheads; a missing header satisfies doesNotMatch, so "or absent" and
     * "not" forms hold when it is missing */
    req("'headers': {'X-A': {'and': [{'matches': '[a-z]+'}, {'doesNotContain': 'x'}]},"
        " 'X-B': {'or': [{'equalTo': 'one'}, {'absent': true}]},"
        " 'X-C': {'not': {'equalTo': '$1'}}, 'X-D': {'and': [{'doesNotMatch': 'a'}, "
        "{'doesNotMatch': 'b'}]}}");
    EQ(REQ ".headers", "{'X-A':{'matches':'^(?=(?s:[a-z]+)\\\\z)(?!(?s).*?x)'},"
                       "'X-B':{'not':{'matches':'^(?!(?:(?=one\\\\z)|(?!)))'}},"
                       "'X-C':{'not':{'matches':'^(?!(?!(?=\\\\$1\\\\z)))'}},"
                       "'X-D':{'not':{'matches':'^(?!(?!(?s:a)\\\\z)(?!(?s:b)\\\\z))'}}}");
    NO_WARNINGS();

    req("'queryParameters': {'q': {'equalTo': 'x'}, 'r': {'doesNotMatch': 'y'}}");
    EQ(REQ ".query", "{'q':'x','r':{'not':{'matches':'^(?s:y)\\\\z'}}}");
    NO_WARNINGS();

    req("'headers': {'X-A': {'contains': 'a', 'caseInsensitive': true}}");
    EQ(REQ ".headers", "{'X-A':{'contains':'a'}}");
    WARNINGS("s.json: request.headers.X-A.caseInsensitive: applies to equalTo only; ignored");
}
END_TEST

START_TEST(test_string_patterns_dropped)
{
    req("'headers': {'X-A': {'equalToJson': '{}'}}");
    DROPPED("s.json: request.headers.X-A.equalToJson: not supported; stub dropped");
    req("'headers': {'X-A': {'before': 'now'}}");
    DROPPED("s.json: request.headers.X-A.before: not supported; stub dropped");
    req("'headers': {'X-A': {'equalTo': 'a', 'contains': 'b'}}");
    DROPPED("s.json: request.headers.X-A.contains: a pattern takes one operator, \"equalTo\" is "
            "already given; stub dropped");
    req("'headers': {'X-A': {'absent': false}}");
    DROPPED("s.json: request.headers.X-A.absent: only true is supported; stub dropped");
    req("'headers': {'X-A': {'or': [{'equalTo': 'a'}, {'matchesXPath': '/a'}]}}");
    DROPPED("s.json: request.headers.X-A.or[1].matchesXPath: not supported; stub dropped");
    req("'headers': {'Bad Name': {'equalTo': 'a'}}");
    DROPPED("s.json: request.headers[\"Bad Name\"]: not a valid header name; stub dropped");
}
END_TEST

/* Java's regex syntax as PCRE2's */
START_TEST(test_java_regex)
{
    req("'headers': {'X-A': {'matches': '\\\\p{Alpha}[\\\\p{Digit}_]\\\\P{Lower}\\\\pL\\\\p{Lu}"
        "\\\\p{IsLatin}(?iu)x'}}");
    EQ(REQ ".headers.X-A.matches", "'^(?s:[[:alpha:]][[:digit:]_][[:^lower:]]\\\\pL\\\\p{Lu}"
                                   "\\\\p{Latin}(?i)x)\\\\z'");
    NO_WARNINGS();
    req("'headers': {'X-A': {'matches': '\\\\Q[x]\\\\E[]a]'}}");
    EQ(REQ ".headers.X-A.matches", "'^(?s:\\\\Q[x]\\\\E[]a])\\\\z'");
    NO_WARNINGS();
    req("'headers': {'X-A': {'matches': '\\\\p{javaLowerCase}'}}");
    DROPPED("s.json: request.headers.X-A.matches: the Java class \\p{javaLowerCase} has no "
            "PCRE2 equivalent; stub dropped");
    req("'headers': {'X-A': {'matches': '[a[bc]]'}}");
    DROPPED("s.json: request.headers.X-A.matches: a character class inside a character class (a "
            "Java union) has no PCRE2 equivalent; stub dropped");
    req("'headers': {'X-A': {'matches': '[a-z&&b]'}}");
    DROPPED("s.json: request.headers.X-A.matches: && in a character class (a Java intersection) "
            "has no PCRE2 equivalent; stub dropped");
    req("'headers': {'X-A': {'matches': '(?U)\\\\w'}}");
    DROPPED("s.json: request.headers.X-A.matches: the inline flag U (UNICODE_CHARACTER_CLASS) has "
            "no PCRE2 equivalent; stub dropped");
    stub("{'urlPathPattern': '/\\\\N{LATIN SMALL LETTER A}'}", "{}");
    DROPPED("s.json: request.urlPathPattern: \\N{...} (a character by name) has no PCRE2 "
            "equivalent; stub dropped");
}
END_TEST

/* hasExactly and includes: a condition per value, the second in the response's `when` */
START_TEST(test_multi_values)
{
    req("'queryParameters': {'id': {'hasExactly': [{'equalTo': '1'}]}}");
    EQ(REQ ".query", "{'id':'1'}");
    EQ(WHEN, "{'query':{'id':{'not':{'matches':'^(?!(?:(?=1\\\\z)))'}}}}");
    NO_WARNINGS();

    req("'headers': {'X-Id': {'includes': [{'equalTo': '1'}, {'matches': '[0-9]'}]}}");
    EQ(REQ ".headers", "{'X-Id':'1'}");
    EQ(WHEN, "{'headers':{'X-Id':{'matches':'^(?s:[0-9])\\\\z'}}}");
    NO_WARNINGS();

    /* a missing parameter satisfies no listed value, even doesNotMatch */
    req("'queryParameters': {'id': {'includes': [{'doesNotMatch': 'x'}]}}");
    EQ(REQ ".query", "{'id':{'matches':'^(?!(?s:x)\\\\z)'}}");
    NO_WARNINGS();

    req("'queryParameters': {'id': {'hasExactly': [{'equalTo': '1'}, {'equalTo': '2'}]}}");
    EQ(REQ ".query", "{'id':'1'}");
    EQ(WHEN, "{'query':{'id':'2'}}");
    WARNINGS("s.json: request.queryParameters.id.hasExactly: mockrun cannot also refuse values "
             "beyond the 2 listed; they are accepted");

    req("'queryParameters': {'id': {'includes': [{'equalTo': '1'}, {'equalTo': '2'}, "
        "{'equalTo': '3'}]}}");
    DROPPED("s.json: request.queryParameters.id.includes[2]: mockrun holds at most two "
            "conditions on query parameter \"id\"; stub dropped");
    req("'queryParameters': {'id': {'includes': [{'absent': true}]}}");
    DROPPED("s.json: request.queryParameters.id.includes[0]: absent among several values is not "
            "supported; stub dropped");
    req("'queryParameters': {'id': {'includes': [{'equalTo': '1'}], 'hasExactly': []}}");
    DROPPED("s.json: request.queryParameters.id.includes: give hasExactly or includes, not both; "
            "stub dropped");
}
END_TEST

/* a missing cookie satisfies only `absent` */
START_TEST(test_cookies)
{
    req("'cookies': {'a': {'equalTo': 'x'}, 'b': {'doesNotMatch': 'y'}, 'c': {'absent': true},"
        " 'd': {'doesNotContain': 'z'}}");
    EQ(REQ, "{'method':'GET','path':'/x'}");
    EQ(WHEN, "{'cookies':{'a':'x','b':{'matches':'^(?!(?s:y)\\\\z)'},'c':{'absent':true},"
             "'d':{'matches':'^(?!(?s).*?z)'}}}");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_basic_auth)
{
    req("'basicAuthCredentials': {'username': 'ann', 'password': 's3cret'}");
    EQ(REQ ".headers", "{'Authorization':{'matches':'^(?i:basic )YW5uOnMzY3JldA==\\\\z'}}");
    NO_WARNINGS();
    /* the key WireMock 3's own JSON binding reads */
    req("'basicAuth': {'username': 'a', 'password': 'b+'}");
    EQ(REQ ".headers", "{'Authorization':{'matches':'^(?i:basic )YTpiKw==\\\\z'}}");
    NO_WARNINGS();
    req("'headers': {'Authorization': {'contains': 'x'}}, 'basicAuth': {'username': 'a', "
        "'password': 'b'}");
    EQ(REQ ".headers", "{'Authorization':{'contains':'x'}}");
    EQ(WHEN, "{'headers':{'Authorization':{'matches':'^(?i:basic )YTpi\\\\z'}}}");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_request_dropped)
{
    static const char *const keys[] = {"host",         "port",           "scheme",
                                       "clientIp",     "formParameters", "multipartPatterns",
                                       "customMatcher"};
    size_t i;

    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char m[128], w[256];
        snprintf(m, sizeof(m), "'%s': {}", keys[i]);
        req(m);
        snprintf(w, sizeof(w), "s.json: request.%s: not supported; stub dropped", keys[i]);
        DROPPED(w);
    }
}
END_TEST

/* ---- body patterns ---------------------------------------------------------------------- */

START_TEST(test_body_text)
{
    req("'bodyPatterns': [{'equalTo': 'ping'}]");
    EQ(REQ ".body", "{'equals':'ping'}");
    NO_WARNINGS();
    req("'bodyPatterns': [{'contains': 'x'}]");
    EQ(REQ ".body", "{'contains':'x'}");
    NO_WARNINGS();
    req("'bodyPatterns': [{'matches': 'a.*b'}]");
    EQ(REQ ".body", "{'matches':'^(?s:a.*b)\\\\z'}");
    NO_WARNINGS();
    /* mockrun's body conditions have no "not": a lookahead */
    req("'bodyPatterns': [{'doesNotMatch': '.*secret.*'}]");
    EQ(REQ ".body", "{'matches':'^(?!(?s:.*secret.*)\\\\z)'}");
    NO_WARNINGS();
    /* several text patterns: one pattern, all of them holding */
    req("'bodyPatterns': [{'contains': 'a'}, {'equalTo': 'ABC', 'caseInsensitive': true}]");
    EQ(REQ ".body", "{'matches':'^(?=(?s).*?a)(?=(?i)ABC\\\\z)'}");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_body_json)
{
    req("'bodyPatterns': [{'equalToJson': {'a': [1, 2]}}]");
    EQ(REQ ".body", "{'jsonEquals':{'a':[1,2]}}");
    NO_WARNINGS();
    req("'bodyPatterns': [{'equalToJson': '{\\\"a\\\": {\\\"b\\\": 1}}', 'ignoreExtraElements': "
        "true}]");
    EQ(REQ ".body", "{'json':{'a':{'b':1}}}");
    NO_WARNINGS();
    req("'bodyPatterns': [{'equalToJson': {'a': [1, 2]}, 'ignoreExtraElements': true, "
        "'ignoreArrayOrder': true}]");
    EQ(REQ ".body", "{'json':{'a':[1,2]}}");
    WARNINGS("s.json: request.bodyPatterns[0].ignoreArrayOrder: mockrun compares arrays in order: "
             "only requests with the items in this order match",
             "s.json: request.bodyPatterns[0].ignoreExtraElements: mockrun ignores extra members "
             "of objects but not extra array items: only requests with exactly these items match");
    /* one item is in order whatever the order */
    req("'bodyPatterns': [{'equalToJson': {'a': [1]}, 'ignoreArrayOrder': true}]");
    EQ(REQ ".body", "{'jsonEquals':{'a':[1]}}");
    NO_WARNINGS();

    req("'bodyPatterns': [{'matchesJsonPath': '$.a.b'}, {'matchesJsonPath': {'expression': "
        "'$.c[0]', 'equalTo': 'x'}}, {'matchesJsonPath': {'expression': '$[\\'d e\\']', 'absent': "
        "true}}, {'matchesJsonPath': {'expression': '$.f', 'doesNotMatch': 'y'}}]");
    EQ(REQ ".body", "{'jsonPath':{'$.a.b':{'present':true},'$.c[0]':'x','$[\\'d e\\']':"
                    "{'absent':true},'$.f':{'matches':'^(?!(?s:y)\\\\z)'}}}");
    NO_WARNINGS();

    /* a second condition on one path, and a text pattern: the response's `when` */
    req("'bodyPatterns': [{'matchesJsonPath': {'expression': '$.a', 'contains': 'x'}},"
        " {'matchesJsonPath': {'expression': '$.a', 'contains': 'y'}}]");
    EQ(REQ ".body", "{'jsonPath':{'$.a':{'contains':'x'}}}");
    EQ(WHEN, "{'body':{'jsonPath':{'$.a':{'contains':'y'}}}}");
    NO_WARNINGS();
    req("'bodyPatterns': [{'contains': 'x'}, {'matchesJsonPath': '$.a'}]");
    EQ(REQ ".body", "{'contains':'x'}");
    EQ(WHEN, "{'body':{'jsonPath':{'$.a':{'present':true}}}}");
    NO_WARNINGS();
}
END_TEST

/* XML bodies: equalToXml → xmlEquals, matchesXPath (with its sub-pattern and
 * the namespaces beside it) → xpath. */
START_TEST(test_body_xml)
{
    req("'bodyPatterns': [{'equalToXml': '<order><id>1</id></order>', "
        "'namespaceAwareness': 'STRICT'}]");
    EQ(REQ ".body", "{'xmlEquals':'<order><id>1</id></order>'}");
    NO_WARNINGS();
    req("'bodyPatterns': [{'matchesXPath': '/a'}, {'matchesXPath': {'expression': "
        "'//m:Item', 'equalTo': 'Apple'}, 'xPathNamespaces': {'m': 'urn:prices'}}]");
    EQ(REQ ".body", "{'xpath':{'/a':{'present':true},'//m:Item':'Apple'},"
                    "'namespaces':{'m':'urn:prices'}}");
    NO_WARNINGS();
    /* namespaces the loader refuses are left out */
    req("'bodyPatterns': [{'matchesXPath': '//m:a', 'xPathNamespaces': {'m': 'urn:m', 'a:b': "
        "'urn:x', 'e': ''}}]");
    EQ(REQ ".body", "{'xpath':{'//m:a':{'present':true}},'namespaces':{'m':'urn:m'}}");
    NO_WARNINGS();
    /* XMLUnit's placeholders; the delimiters count only with enablePlaceholders, and are
     * Java regexes (translated); blank ones are XMLUnit's default */
    req("'bodyPatterns': [{'equalToXml': '<a>${xmlunit.isNumber}</a>', "
        "'enablePlaceholders': true}]");
    EQ(REQ ".body", "{'xmlEquals':'<a>${xmlunit.isNumber}</a>','placeholders':true}");
    NO_WARNINGS();
    req("'bodyPatterns': [{'equalToXml': '<a>[[xmlunit.ignore]]</a>', 'enablePlaceholders': "
        "true, 'placeholderOpeningDelimiterRegex': '\\\\[\\\\[', "
        "'placeholderClosingDelimiterRegex': '\\\\p{Punct}\\\\]'}]");
    EQ(REQ ".body", "{'xmlEquals':'<a>[[xmlunit.ignore]]</a>','placeholders':{'open':"
                    "'\\\\[\\\\[','close':'[[:punct:]]\\\\]'}}");
    NO_WARNINGS();
    req("'bodyPatterns': [{'equalToXml': '<a/>', 'enablePlaceholders': true, "
        "'placeholderOpeningDelimiterRegex': ' ', 'placeholderClosingDelimiterRegex': null}]");
    EQ(REQ ".body", "{'xmlEquals':'<a/>','placeholders':true}");
    NO_WARNINGS();
    req("'bodyPatterns': [{'equalToXml': '<a>${xmlunit.ignore}</a>', 'enablePlaceholders': "
        "false, 'placeholderOpeningDelimiterRegex': '@'}]");
    EQ(REQ ".body", "{'xmlEquals':'<a>${xmlunit.ignore}</a>'}");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_body_dropped)
{
    req("'bodyPatterns': [{'contains': 'x'}, {'matchesJsonPath': '$.a'}, {'equalToJson': {}}]");
    DROPPED("s.json: request.bodyPatterns: mockrun holds at most two conditions on the body (a "
            "text one, JSON paths, equalToJson, equalToXml, XPath); stub dropped");
    req("'bodyPatterns': [{'equalToXml': '<a/>', 'exemptedComparisons': ['TEXT_VALUE']}]");
    DROPPED("s.json: request.bodyPatterns[0].exemptedComparisons: not supported with equalToXml; "
            "stub dropped");
    req("'bodyPatterns': [{'equalToXml': '<a/>', 'enablePlaceholders': true, "
        "'placeholderOpeningDelimiterRegex': '[a&&b]'}]");
    DROPPED("s.json: request.bodyPatterns[0].placeholderOpeningDelimiterRegex: && in a character "
            "class (a Java intersection) has no PCRE2 equivalent; stub dropped");
    /* what WireMock refuses to load, or mockrun's loader would */
    req("'bodyPatterns': [{'equalToXml': '<a><b></a>'}]");
    DROPPED("s.json: request.bodyPatterns[0].equalToXml: not well-formed XML: line 1, column 11: "
            "Premature end of data in tag a line 1; stub dropped");
    req("'bodyPatterns': [{'equalToXml': '<!DOCTYPE a><a/>'}]");
    DROPPED("s.json: request.bodyPatterns[0].equalToXml: a DOCTYPE is refused (mockrun reads no "
            "DTDs and no entities); stub dropped");
    req("'bodyPatterns': [{'matchesXPath': '/a['}]");
    DROPPED("s.json: request.bodyPatterns[0].matchesXPath: not a valid XPath expression: invalid "
            "expression; stub dropped");
    req("'bodyPatterns': [{'matchesXPath': '//m:a', 'xPathNamespaces': {'m:x': 'urn:m'}}]");
    DROPPED("s.json: request.bodyPatterns[0].matchesXPath: not a valid XPath expression: "
            "undefined namespace prefix; stub dropped");
    req("'bodyPatterns': [{'binaryEqualTo': 'AA=='}]");
    DROPPED("s.json: request.bodyPatterns[0].binaryEqualTo: not supported; stub dropped");
    req("'bodyPatterns': [{'absent': true}]");
    DROPPED("s.json: request.bodyPatterns[0]: absent is not supported on the body; stub dropped");
    req("'bodyPatterns': [{'equalToJson': '{x'}]");
    DROPPED("s.json: request.bodyPatterns[0].equalToJson: not valid JSON; stub dropped");
    req("'bodyPatterns': [{'equalToJson': {'id': '${json-unit.any-number}'}}]");
    DROPPED("s.json: request.bodyPatterns[0].equalToJson: JsonUnit placeholders "
            "(${json-unit...}) are not supported; stub dropped");
    req("'bodyPatterns': [{'equalToJson': {}, 'serializeFormat': 'x'}]");
    DROPPED("s.json: request.bodyPatterns[0].serializeFormat: not supported with equalToJson; "
            "stub dropped");
    req("'bodyPatterns': [{'matchesJsonPath': \"$.items[?(@.id == 1)]\"}]");
    DROPPED("s.json: request.bodyPatterns[0].matchesJsonPath: path \"$.items[?(@.id == 1)]\" is "
            "not supported (it uses JSONPath beyond $, .name, ['name'] and [n]); stub dropped");
    req("'bodyPatterns': [{'matchesJsonPath': 'a.b'}]");
    DROPPED("s.json: request.bodyPatterns[0].matchesJsonPath: path \"a.b\" is not supported (it "
            "does not start with $); stub dropped");
    req("'bodyPatterns': [{'matchesJsonPath': {'expression': '$.a', 'equalToJson': '{}'}}]");
    DROPPED("s.json: request.bodyPatterns[0].matchesJsonPath.equalToJson: not supported; stub "
            "dropped");
}
END_TEST

/* ---- responses -------------------------------------------------------------------------- */

START_TEST(test_responses)
{
    resp("{'status': 201, 'headers': {'X-A': 'a', 'X-N': 5, 'X-L': ['one', 'two'], "
         "'Content-Type': 'text/html'}, 'body': 'hi'}");
    EQ(RESP, "{'status':201,'body':'hi','headers':{'X-A':'a','X-N':'5','X-L':'one',"
             "'Content-Type':'text/html'}}");
    WARNINGS("s.json: response.headers.X-L: mockrun sends one value per header; the first of 2 "
             "is sent");

    resp("{'status': 200, 'jsonBody': {'a': [1, {'b': null}]}}");
    EQ(RESP, "{'json':{'a':[1,{'b':null}]}}");
    NO_WARNINGS();
    resp("{'base64Body': 'aGVsbG8='}");
    EQ(RESP, "{'body':'hello'}");
    NO_WARNINGS();
    /* without the transformer, braces are text */
    resp("{'body': '{{request.path}}', 'headers': {'X-A': '{{x}}'}}");
    EQ(RESP, "{'body':'{{request.path}}','headers':{'X-A':'{{x}}'},'template':false}");
    NO_WARNINGS();
    resp("{'jsonBody': {'a': '{{x}}'}}");
    EQ(RESP, "{'json':{'a':'{{x}}'},'template':false}");
    NO_WARNINGS();

    resp("{'fixedDelayMilliseconds': 250}");
    EQ(RESP, "{'delayMs':250}");
    NO_WARNINGS();
    resp("{'fixedDelayMilliseconds': 10, 'delayDistribution': {'type': 'uniform', 'lower': 5, "
         "'upper': 20}}");
    EQ(RESP, "{'delayMs':{'min':15,'max':30}}");
    NO_WARNINGS();
    /* the Java DSL's name for the same, accepted too */
    resp("{'uniformRandomDelay': {'lower': 1, 'upper': 3}}");
    EQ(RESP, "{'delayMs':{'min':1,'max':3}}");
    NO_WARNINGS();
    resp("{'fixedDelayMilliseconds': 700000}");
    EQ(RESP, "{'delayMs':600000}");
    WARNINGS("s.json: response.fixedDelayMilliseconds: 700000 ms is over mockrun's 600000 ms; "
             "600000 is used");
    resp("{'chunkedDribbleDelay': {'numberOfChunks': 4, 'totalDuration': 1000}, 'body': 'abcd'}");
    EQ(RESP, "{'body':'abcd','fault':{'dribble':{'chunks':4,'overMs':1000}}}");
    NO_WARNINGS();

    resp("{'fault': 'CONNECTION_RESET_BY_PEER'}");
    EQ(RESP, "{'fault':'reset'}");
    NO_WARNINGS();
    resp("{'fault': 'EMPTY_RESPONSE'}");
    EQ(RESP, "{'fault':'empty'}");
    NO_WARNINGS();
    resp("{'fault': 'RANDOM_DATA_THEN_CLOSE'}");
    EQ(RESP, "{'fault':'garbage'}");
    NO_WARNINGS();
    resp("{'fault': 'MALFORMED_RESPONSE_CHUNK', 'body': 'x'}");
    EQ(RESP, "{'body':'x','fault':'truncated'}");
    NO_WARNINGS();

    /* null members are "not given" */
    resp("{'status': null, 'body': null, 'jsonBody': {'a': 1}, 'headers': null, 'fault': null}");
    EQ(RESP, "{'json':{'a':1}}");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_response_warnings)
{
    resp("{'status': 700, 'statusMessage': 'Odd'}");
    EQ(RESP, "{'status':500}");
    WARNINGS("s.json: response.status: 700 is outside mockrun's 100-599; 500 is sent",
             "s.json: response.statusMessage: mockrun sends the standard reason phrase; ignored");
    resp("{'headers': {'Content-Length': '3', 'Transfer-Encoding': 'chunked', 'X-A': 'a\\nb',"
         " 'Bad Name': 'x', 'x-dup': '1', 'X-Dup': '2'}}");
    EQ(RESP, "{'headers':{'X-Dup':'2'}}");
    WARNINGS("s.json: response.headers.Content-Length: mockrun sets this header itself; header "
             "dropped",
             "s.json: response.headers.Transfer-Encoding: mockrun sets this header itself; header "
             "dropped",
             "s.json: response.headers.X-A: a line break in the value; header dropped",
             "s.json: response.headers[\"Bad Name\"]: not a valid header name; header dropped",
             "s.json: response.headers.X-Dup: the header is also given as \"x-dup\"; the last "
             "one is sent");
    resp("{'body': 'b', 'jsonBody': {}, 'base64Body': 'eA=='}");
    EQ(RESP, "{'body':'b'}");
    WARNINGS("s.json: response.jsonBody: \"body\" is given too and wins; ignored",
             "s.json: response.base64Body: \"body\" is given too and wins; ignored");
    resp("{'base64Body': 'AP8='}");
    EQ(RESP, "{}");
    WARNINGS("s.json: response.base64Body: a binary body cannot be written into a scenario (put "
             "it in a file and use bodyFileName); an empty body is served");
    resp("{'base64Body': 'a$'}");
    EQ(RESP, "{}");
    WARNINGS("s.json: response.base64Body: not valid base64; an empty body is served");
    resp("{'bodyFileName': 'x.json'}");
    EQ(RESP, "{}");
    WARNINGS("s.json: response.bodyFileName: files are read only when converting a folder or a "
             "mapping file; an empty body is served");
    resp("{'delayDistribution': {'type': 'lognormal', 'median': 80, 'sigma': 0.4}}");
    EQ(RESP, "{}");
    WARNINGS("s.json: response.delayDistribution: the lognormal distribution is not supported "
             "(mockrun's delays are fixed or uniform); ignored");
    resp("{'fault': 'SOMETHING_ELSE', 'transformers': ['x-ext'], 'transformerParameters': {},"
         " 'extra': 1}");
    EQ(RESP, "{}");
    WARNINGS("s.json: response.extra: not supported; ignored",
             "s.json: response.transformers[0]: the transformer \"x-ext\" is not supported; "
             "ignored",
             "s.json: response.transformerParameters: not supported; ignored",
             "s.json: response.fault: \"SOMETHING_ELSE\" is not supported; ignored");
    resp("{'proxyBaseUrl': 'http://example.com'}");
    DROPPED("s.json: response.proxyBaseUrl: proxying is not supported; stub dropped");
}
END_TEST

/* ---- templates -------------------------------------------------------------------------- */

/* The first route's response body, as text. */
static const char *response_body(void)
{
    const cJSON *r = cJSON_GetArrayItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(sc, "services"), "wiremock"),
                            "routes"),
        0);
    const cJSON *b = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "response"), "body");
    ck_assert(cJSON_IsString(b));
    return b->valuestring;
}

static void tpl(const char *body_q)
{
    char r[8192];
    snprintf(r, sizeof(r), "{'body': '%s', 'transformers': ['response-template']}", body_q);
    stub("{'method': 'POST', 'urlPathTemplate': '/t/{id}'}", r);
}

START_TEST(test_templates)
{
    /* WireMock escapes nothing: every value mustache is a triple-stash */
    tpl("{{request.method}} {{request.path}} {{request.url}} {{request.body}} {{request.baseUrl}}");
    EQ(RESP ".body", "'{{{request.method}}} {{{request.path}}} {{{request.url}}} "
                     "{{{request.body}}} {{{request.baseUrl}}}'");
    NO_WARNINGS();
    tpl("{{request.path.[1]}} {{request.path.id}} {{request.pathSegments.[0]}} "
        "{{request.requestLine.path}} {{{request.query.q}}} {{request.headers.X-A}} "
        "{{request.headers.[X-B]}} {{request.cookies.c}}");
    EQ(RESP ".body", "'{{{request.pathSegments.[1]}}} {{{request.params.id}}} "
                     "{{{request.pathSegments.[0]}}} {{{request.path}}} {{{request.query.q}}} "
                     "{{{request.headers.X-A}}} {{{request.headers.X-B}}} "
                     "{{{request.cookies.c}}}'");
    NO_WARNINGS();
    /* block comparisons become #if; neq is not (eq) */
    tpl("{{#eq request.path.id \\'7\\'}}seven{{else if (gt request.path.id 7)}}more{{else}}"
        "less{{/eq}}{{#neq request.method \\'GET\\'}}write{{/neq}}");
    EQ(RESP ".body", "'{{#if (eq request.params.id \\'7\\')}}seven{{else if (gt request.params.id "
                     "7)}}more{{else}}less{{/if}}{{#if (not (eq request.method "
                     "\\'GET\\'))}}write{{/if}}'");
    NO_WARNINGS();
    tpl("{{#each (jsonPath request.body \\'$.items\\')}}{{@index}}={{this.name}}{{/each}}"
        "{{#with (jsonPath request.body \\'$.o\\')}}{{name}}{{/with}}{{#unless "
        "request.query.x}}-{{/unless}}");
    EQ(RESP ".body",
       "'{{#each (jsonPath request.body \\'$.items\\')}}{{{@index}}}={{{this.name}}}"
       "{{/each}}{{#with (jsonPath request.body \\'$.o\\')}}{{{this.name}}}{{/with}}{{#unless "
       "request.query.x}}-{{/unless}}'");
    NO_WARNINGS();
    tpl("{{upper (lower request.method)}} {{size (jsonPath request.body \\'$.a\\')}} "
        "{{jsonPath request.body \\'$.b\\' default=\\'none\\'}} {{base64 request.path.id}} "
        "{{base64 request.body decode=true}} {{randomValue type=\\'UUID\\'}} {{lookup "
        "request.headers \\'x-a\\'}}");
    EQ(RESP ".body", "'{{{uppercase (lowercase request.method)}}} {{{len (jsonPath request.body "
                     "\\'$.a\\')}}} {{{jsonPath request.body \\'$.b\\' \\'none\\'}}} {{{base64 "
                     "request.params.id}}} {{{base64Decode request.body}}} {{{uuid}}} {{{lookup "
                     "request.headers \\'x-a\\'}}}'");
    NO_WARNINGS();
    /* comments, escapes, whitespace control and literals pass through */
    tpl("{{! note }}{{!-- }} --}}\\\\{{x}} {{~request.method~}} {{\\'lit\\'}} "
        "{{1}} {{true}}");
    EQ(RESP ".body", "'{{! note }}{{!-- }} --}}\\\\{{x}} {{~{request.method}~}} "
                     "{{{\\'lit\\'}}} {{{1}}} {{{true}}}'");
    NO_WARNINGS();

    /* jsonBody: each string is a template; headers too */
    stub("{'urlPath': '/j'}", "{'jsonBody': {'a': '{{request.path}}', 'n': 1}, 'headers': "
                              "{'X-A': '{{request.method}}'}, 'transformers': "
                              "['response-template']}");
    EQ(RESP, "{'json':{'a':'{{{request.path}}}','n':1},'headers':{'X-A':'{{{request.method}}}'}}");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_templates_refused)
{
    static const struct {
        const char *body, *why;
    } cases[] = {
        {"{{now}}", "\"now\" (a helper or value mockrun's templates do not have)"},
        {"{{now format=\\'yyyy\\'}}", "the helper \"now\""},
        {"{{request.host}}", "\"request.host\" (mockrun's request has url, path, pathSegments, "
                             "method, body, baseUrl, one query parameter, header or cookie, and "
                             "urlPathTemplate's parameters)"},
        {"{{request.path.other}}",
         "\"request.path.other\" (not a path parameter of the stub's urlPathTemplate)"},
        {"{{request.requestLine.port}}",
         "\"request.requestLine.port\" (mockrun has request.method, path, pathSegments, query, "
         "baseUrl and url)"},
        {"{{request}}", "the whole request object"},
        {"{{size request.query.a}}", "size of a request value"},
        {"{{randomValue length=3}}", "randomValue other than type='UUID'"},
        {"{{> partial}}", "a partial"},
        {"{{#each request.query.a as |x|}}{{/each}}", "\"|\" in a mustache"},
        {"{{#if a b}}{{/if}}", "{{#if}} takes one argument"},
        {"{{#foo}}{{/foo}}", "the block helper \"foo\""},
        {"{{#if request.method}}", "{{#if}} is not closed"},
        {"{{/if}}", "{{/if}} closes no open block"},
        {"{{else}}", "{{else}} outside a block"},
        {"{{#if request.method}}a{{else}}b{{else}}c{{/if}}", "a second {{else}} in one block"},
        {"{{#if request.method}}a{{else}}b{{else if request.url}}c{{/if}}",
         "a second {{else}} in one block"},
        {"{{if request.method}}", "the block helper \"if\" used inline"},
        {"{{request.method", "an unclosed {{"},
        {"{{{{raw}}}}", "a raw block {{{{...}}}}"},
        {"{{jsonPath request.body}}", "jsonPath with 1 arguments"},
        {"{{eq 1}}", "eq with 1 arguments"},
        {"{{base64 request.body padding=false}}", "base64's option padding="},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char w[1024], *body = q(cases[i].body), want[1024];
        tpl(cases[i].body);
        snprintf(w, sizeof(w),
                 "s.json: response: response-template: %s is not supported; the response is "
                 "served as written, without templating",
                 cases[i].why);
        expect_warnings((const char *const[]){w, NULL});
        snprintf(want, sizeof(want), "%s", body);
        ck_assert_str_eq(response_body(), want);
        EQ(RESP ".template", "false");
        free(body);
    }

    /* a templated member name: mockrun templates values only */
    stub("{'urlPath': '/j'}", "{'jsonBody': {'{{request.method}}': 1}, 'transformers': "
                              "['response-template']}");
    EQ(RESP, "{'json':{'{{request.method}}':1},'template':false}");
    WARNINGS("s.json: response: response-template: a templated member name is not supported; the "
             "response is served as written, without templating");
}
END_TEST

/* ---- order, ids, scenarios -------------------------------------------------------------- */

START_TEST(test_order_and_ids)
{
    convert("{'mappings': ["
            " {'name': 'catch-all', 'priority': 10, 'request': {'urlPathPattern': '/.*'}, "
            "'response': {}},"
            " {'id': 'id-older', 'request': {'urlPath': '/same'}, 'response': {}},"
            " {'uuid': 'uuid-newer', 'request': {'urlPath': '/same'}, 'response': {}},"
            " {'name': 'first', 'priority': 1, 'request': {'urlPath': '/a'}, 'response': {}},"
            " {'request': {'urlPath': '/six'}, 'priority': 6, 'response': {}},"
            " {'name': 'dup', 'id': 'dup-id', 'priority': 7, 'request': {}, 'response': {}},"
            " {'name': 'dup', 'priority': 8, 'request': {}, 'response': {}},"
            " {'name': 'dup', 'id': 'x', 'priority': 9, 'request': {}, 'response': {}}"
            "]}");
    EQ(ROUTES ".0.id", "'first'");
    EQ(ROUTES ".1.id", "'uuid-newer'"); /* the newest first among equal priorities */
    EQ(ROUTES ".2.id", "'id-older'");
    EQ(ROUTES ".3.id", "'s.json#5'");
    EQ(ROUTES ".4.id", "'dup'");
    EQ(ROUTES ".5.id", "'dup (2)'");
    EQ(ROUTES ".6.id", "'x'");
    EQ(ROUTES ".7.id", "'catch-all'");
    WARNINGS("s.json: mappings[6]: the id \"dup\" is also an earlier stub's; this route's id is "
             "\"dup (2)\"",
             "s.json: mappings[7]: the name \"dup\" is also an earlier stub's; this route's id is "
             "\"x\"");
}
END_TEST

START_TEST(test_scenario_one)
{
    convert("{'mappings': ["
            " {'scenarioName': 'cart', 'requiredScenarioState': 'Started', 'request': "
            "{'urlPath': '/c'}, 'response': {'body': 'empty'}},"
            " {'scenarioName': 'cart', 'newScenarioState': 'full', 'request': {'urlPath': '/add'},"
            " 'response': {}},"
            " {'scenarioName': 'cart', 'requiredScenarioState': 'full', 'newScenarioState': "
            "'Started', 'request': {'urlPath': '/pay', 'cookies': {'s': {'equalTo': '1'}}}, "
            "'response': {'status': 204}},"
            " {'scenarioName': 'cart', 'request': {'urlPath': '/any'}, 'response': {}}"
            "]}");
    EQ(ROUTES ".3", "{'id':'s.json#1','request':{'path':'/c'},'response':{'body':'empty'},"
                    "'whenState':'Started'}");
    EQ(ROUTES ".2", "{'id':'s.json#2','request':{'path':'/add'},'response':{},'setState':'full'}");
    EQ(ROUTES ".1", "{'id':'s.json#3','request':{'path':'/pay'},'responses':[{'status':204,"
                    "'when':{'cookies':{'s':'1'}}}],'whenState':'full','setState':'Started'}");
    EQ(ROUTES ".0", "{'id':'s.json#4','request':{'path':'/any'},'response':{}}");
    NO_WARNINGS();

    stub_x("{'urlPath': '/x'}", "{}", "'requiredScenarioState': 'a'");
    EQ(ROUTE, "{'id':'s.json','request':{'path':'/x'},'response':{}}");
    WARNINGS("s.json: requiredScenarioState: a scenario state without scenarioName; ignored");
    stub_x("{'urlPath': '/x'}", "{}", "'scenarioName': 's', 'newScenarioState': ''");
    DROPPED("s.json: newScenarioState: an empty state name is not supported; stub dropped");
}
END_TEST

/* several WireMock scenarios: the service's state is the combination of theirs */
START_TEST(test_scenario_several)
{
    convert("{'mappings': ["
            " {'scenarioName': 'a', 'requiredScenarioState': 'Started', 'newScenarioState': 'A1',"
            " 'request': {'urlPath': '/a'}, 'response': {'body': 'a'}},"
            " {'scenarioName': 'b', 'newScenarioState': 'B1', 'request': {'urlPath': '/b'},"
            " 'response': {}},"
            " {'scenarioName': 'b', 'requiredScenarioState': 'B1', 'request': {'urlPath': '/b1',"
            " 'headers': {'X': {'equalTo': '1'}}}, 'response': {}}"
            "]}");
    /* states: a in Started, A1; b in Started, B1; the first scenario varies fastest */
    EQ(ROUTES ".2", "{'id':'s.json#1','request':{'path':'/a'},'responses':["
                    "{'body':'a','whenState':'Started','setState':'a=A1; b=Started'},"
                    "{'body':'a','whenState':'a=Started; b=B1','setState':'a=A1; b=B1'}]}");
    EQ(ROUTES ".1", "{'id':'s.json#2','request':{'path':'/b'},'responses':["
                    "{'whenState':'Started','setState':'a=Started; b=B1'},"
                    "{'whenState':'a=A1; b=Started','setState':'a=A1; b=B1'},"
                    "{'whenState':'a=Started; b=B1'},{'whenState':'a=A1; b=B1'}]}");
    EQ(ROUTES ".0", "{'id':'s.json#3','request':{'path':'/b1','headers':{'X':'1'}},'responses':["
                    "{'whenState':'a=Started; b=B1'},{'whenState':'a=A1; b=B1'}]}");
    NO_WARNINGS();
}
END_TEST

/* over 256 combined states: the stubs with a scenario are dropped */
START_TEST(test_scenario_too_many)
{
    char text[8192];
    size_t n = 0, k;

    n += (size_t)snprintf(text + n, sizeof(text) - n, "{'mappings': [");
    for (k = 0; k < 9; k++)
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "%s{'scenarioName': 's%zu', 'newScenarioState': 'x', 'request': "
                              "{'urlPath': '/%zu'}, 'response': {}}",
                              k ? ", " : "", k, k);
    snprintf(text + n, sizeof(text) - n, ", {'request': {'urlPath': '/plain'}, 'response': {}}]}");
    convert(text);
    EQ(ROUTES, "[{'id':'s.json#10','request':{'path':'/plain'},'response':{}}]");
    WARNINGS("s.json: mappings[8]: scenario \"s8\" makes 512 combined states of 9 scenarios, over "
             "mockrun's 256 (each combination is a state of the one service); stubs with a "
             "scenario are dropped");
}
END_TEST

/* ---- files ------------------------------------------------------------------------------ */

static struct mr_tmpdir dir, other;

static void write_file(const char *name, const char *text)
{
    char *t = q(text);
    mr_tmpdir_write(&dir, name, t, strlen(t));
    free(t);
}

static void mkdir_in(const char *name)
{
    char p[512];
    ck_assert_int_eq(mkdir(mr_tmpdir_join(&dir, name, p, sizeof(p)), 0700), 0);
}

/* Converts the file or folder `name` in the temporary folder. */
static void convert_path(const char *name)
{
    char p[512];
    int rc;

    reset();
    rc = mr_wiremock_convert(mr_tmpdir_join(&dir, name, p, sizeof(p)), &res, &err);
    ck_assert_msg(rc == 0, "convert failed: %s", err.msg);
    converted();
    loads(dir.path);
}

START_TEST(test_folder)
{
    char p[512], link[512];

    mr_tmpdir_make(&dir, "wiremock");
    mkdir_in("mappings");
    mkdir_in("mappings/sub");
    mkdir_in("__files");
    mkdir_in("__files/docs");
    mkdir_in("outside");
    write_file("outside/secret.txt", "secret");
    write_file("__files/docs/a.txt", "Hello {{request.path}}");
    mr_tmpdir_write(&dir, "__files/b.bin", "\x89PNG\0\1", 6);
    /* files are read sorted by name: later ones are newer, so served first */
    write_file("mappings/a.json", "{'request': {'urlPath': '/same'}, 'response': {'body': 'a'}}");
    write_file("mappings/sub/b.json",
               "{'mappings': [{'request': {'urlPath': '/same'}, 'response': {'body': 'b'}},"
               " {'name': 'text', 'request': {'urlPath': '/t'}, 'response': {'bodyFileName': "
               "'docs/a.txt', 'transformers': ['response-template']}},"
               " {'name': 'bin', 'request': {'urlPath': '/b'}, 'response': {'bodyFileName': "
               "'b.bin'}},"
               " {'name': 'out', 'request': {'urlPath': '/o'}, 'response': {'bodyFileName': "
               "'../outside/secret.txt'}},"
               " {'name': 'link', 'request': {'urlPath': '/l'}, 'response': {'bodyFileName': "
               "'link.txt'}},"
               " {'name': 'missing', 'request': {'urlPath': '/m'}, 'response': {'bodyFileName': "
               "'none.txt'}},"
               " {'name': 'tplname', 'request': {'urlPathTemplate': '/n/{id}'}, 'response': "
               "{'bodyFileName': 'docs/{{request.path.id}}.txt', 'transformers': "
               "['response-template']}}]}");
    write_file("mappings/c.txt", "not a mapping");
    ck_assert_int_eq(symlink(mr_tmpdir_join(&dir, "outside/secret.txt", p, sizeof(p)),
                             mr_tmpdir_join(&dir, "__files/link.txt", link, sizeof(link))),
                     0);
    write_file("outside/x.json", "{'request': {'urlPath': '/x'}, 'response': {}}");
    /* a folder of mappings that is a link out of the root */
    mr_tmpdir_make(&other, "wiremock-other");
    mr_tmpdir_write(&other, "y.json", "{}", 2);
    ck_assert_int_eq(symlink(other.path, mr_tmpdir_join(&dir, "mappings/out", link, sizeof(link))),
                     0);

    convert_path("");
    ck_assert(strncmp(at("name"), "\"mockrun-test-wiremock-", 23) == 0);
    EQ(ROUTES ".0", "{'id':'tplname','request':{'path':'/n/:id'},"
                    "'response':{'file':'__files/docs/{{{request.params.id}}}.txt'}}");
    EQ(ROUTES ".1", "{'id':'missing','request':{'path':'/m'},'response':{}}");
    EQ(ROUTES ".2", "{'id':'link','request':{'path':'/l'},'response':{}}");
    EQ(ROUTES ".3", "{'id':'out','request':{'path':'/o'},'response':{}}");
    EQ(ROUTES ".4", "{'id':'bin','request':{'path':'/b'},'response':{'file':'__files/b.bin'}}");
    EQ(ROUTES ".5", "{'id':'text','request':{'path':'/t'},"
                    "'response':{'body':'Hello {{{request.path}}}'}}");
    EQ(ROUTES ".6", "{'id':'mappings/sub/b.json#1','request':{'path':'/same'},"
                    "'response':{'body':'b'}}");
    EQ(ROUTES ".7", "{'id':'mappings/a.json','request':{'path':'/same'},'response':{'body':'a'}}");
    EQ(ROUTES ".8", "(none)");
    WARNINGS("mappings/out/y.json: a symbolic link out of the root folder; not read",
             "mappings/sub/b.json: mappings[2].response.bodyFileName: a binary file is served by "
             "reference (\"__files/b.bin\"): save the scenario in the WireMock root folder",
             "mappings/sub/b.json: mappings[3].response.bodyFileName: \"../outside/secret.txt\" "
             "leads out of __files; an empty body is served",
             "mappings/sub/b.json: mappings[4].response.bodyFileName: \"link.txt\" leads out of "
             "__files (a symbolic link); an empty body is served",
             "mappings/sub/b.json: mappings[5].response.bodyFileName: \"none.txt\" is not in "
             "__files; an empty body is served",
             "mappings/sub/b.json: mappings[6].response.bodyFileName: a templated file name is "
             "served from \"__files/\" next to the scenario: save the scenario in the WireMock "
             "root folder; the file's contents are served as they are, not as a template");

    /* the mappings folder itself, and one file in it: the same root */
    convert_path("mappings");
    ck_assert(strncmp(at("name"), "\"mockrun-test-wiremock-", 23) == 0);
    EQ(ROUTES ".5.response", "{'body':'Hello {{{request.path}}}'}");
    ck_assert_uint_eq(res.nwarnings, 6);
    warnings_checked = true;
    convert_path("mappings/sub/b.json");
    EQ("name", "'b'");
    EQ(ROUTES ".5.response", "{'body':'Hello {{{request.path}}}'}");
    EQ(ROUTES ".6.id", "'mappings/sub/b.json#1'");
    ck_assert_uint_eq(res.nwarnings, 5);
    ck_assert(strstr(res.warnings[0], "mappings/sub/b.json: mappings[2]") == res.warnings[0]);
    warnings_checked = true;
    /* a file outside any mappings folder: __files next to it */
    convert_path("outside/x.json");
    EQ(ROUTES ".0", "{'id':'x.json','request':{'path':'/x'},'response':{}}");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_folder_errors)
{
    char p[512], got[1024];

    mr_tmpdir_make(&dir, "wiremock");
    reset();
    ck_assert_int_eq(mr_wiremock_convert(dir.path, &res, &err), MR_ESETUP);
    mr_error_format(&err, got, sizeof(got));
    ck_assert(strstr(got, " has no mappings folder; give a WireMock root folder (with mappings/ "
                          "and __files/) or a mapping file") != NULL);
    ck_assert_ptr_null(res.scenario);

    ck_assert_int_eq(mr_wiremock_convert(mr_tmpdir_join(&dir, "none", p, sizeof(p)), &res, &err),
                     MR_ESYSTEM);
    ck_assert(strstr(err.msg, "cannot open ") == err.msg);
    ck_assert_int_eq(err.sys_errno, ENOENT);

    /* an empty mappings folder: a scenario without routes */
    mkdir_in("mappings");
    convert_path("");
    EQ(ROUTES, "[]");
    NO_WARNINGS();

    /* an error in a file names the file as the root shows it */
    write_file("mappings/ok.json", "{'request': {}, 'response': {}}");
    write_file("mappings/z.json", "{'request': {},\n 'response': {'status': 'x'}}");
    reset();
    ck_assert_int_eq(mr_wiremock_convert(dir.path, &res, &err), MR_ESCENARIO);
    mr_error_format(&err, got, sizeof(got));
    ck_assert_str_eq(got, "mappings/z.json:2:25: response.status: expected an integer");
    ck_assert_ptr_null(res.scenario);
    ck_assert_uint_eq(res.nwarnings, 0);

    /* no mapping at all: a scenario without routes */
    write_file("mappings/z.json", "{'mappings': []}");
    convert_path("");
    EQ(ROUTES, "[{'id':'mappings/ok.json','response':{}}]");
    NO_WARNINGS();
}
END_TEST
END_TEST

/* ---- invalid input ---------------------------------------------------------------------- */

/* Refused: the error is `want`, and there is neither a scenario nor a warning. */
static void invalid(const char *text_q, const char *want)
{
    char got[1024], *text = q(text_q);
    reset();
    ck_assert_int_eq(mr_wiremock_convert_text("s.json", text, strlen(text), &res, &err),
                     MR_ESCENARIO);
    free(text);
    mr_error_format(&err, got, sizeof(got));
    ck_assert_str_eq(got, want);
    ck_assert_ptr_null(res.scenario);
    ck_assert_uint_eq(res.nwarnings, 0);
    ck_assert_ptr_null(res.warnings);
}

START_TEST(test_invalid)
{
    invalid("{\n  'mappings': [1,,]\n}", "s.json:2:18: invalid JSON near ','");
    invalid("", "s.json:1:1: invalid JSON: unexpected end of file");
    invalid("[1]", "s.json:1:1: not a WireMock mapping: expected a stub or {\"mappings\": [...]}");
    invalid("{'name': 'x'}", "s.json:1:1: not a WireMock mapping: expected a stub (with "
                             "\"request\" and \"response\") or {\"mappings\": [...]}");
    invalid("{\n'mappings': {}}", "s.json:2:13: mappings: expected an array of stubs");
    invalid("{'mappings': [{'request': {}}, 3]}",
            "s.json:1:32: mappings[1]: expected a stub (an object with \"request\" and "
            "\"response\")");
    invalid("{'mappings': [{'response': {}}]}",
            "s.json:1:15: mappings[0]: a stub needs a \"request\"");
    invalid("{'request': [], 'response': {}}", "s.json:1:13: request: expected an object");
    invalid("{'request': {}, 'response': 'ok'}", "s.json:1:29: response: expected an object");
    invalid("{'request': {'headers': {'X': 'abc'}}, 'response': {}}",
            "s.json:1:31: request.headers.X: expected a pattern object such as {\"equalTo\": "
            "\"x\"}");
    invalid("{'request': {'headers': {'X': {}}}, 'response': {}}",
            "s.json:1:31: request.headers.X: expected a pattern such as {\"equalTo\": \"x\"}");
    invalid("{'request': {'headers': {'X': {'equalTo': 1}}}, 'response': {}}",
            "s.json:1:43: request.headers.X.equalTo: expected a string");
    invalid("{'request': {'url': 5}, 'response': {}}",
            "s.json:1:21: request.url: expected a string");
    invalid("{'request': {'method': 1}, 'response': {}}",
            "s.json:1:24: request.method: expected a method such as \"GET\" or \"ANY\"");
    invalid("{'request': {'bodyPatterns': {}}, 'response': {}}",
            "s.json:1:30: request.bodyPatterns: expected an array of patterns");
    invalid("{'request': {'headers': {'X': {'and': []}}}, 'response': {}}",
            "s.json:1:39: request.headers.X.and: expected a non-empty array of patterns");
    invalid("{'priority': 1.5, 'request': {}, 'response': {}}",
            "s.json:1:14: priority: expected an integer");
    invalid("{'name': 3, 'request': {}, 'response': {}}", "s.json:1:10: name: expected a string");
    invalid("{'request': {}, 'response': {'status': '200'}}",
            "s.json:1:40: response.status: expected an integer");
    invalid("{'request': {}, 'response': {'body': {'a': 1}}}",
            "s.json:1:38: response.body: expected a string (use jsonBody for JSON)");
    invalid("{'request': {}, 'response': {'fixedDelayMilliseconds': -1}}",
            "s.json:1:56: response.fixedDelayMilliseconds: expected a whole number of "
            "milliseconds");
    invalid("{'request': {}, 'response': {'headers': {'X': {}}}}",
            "s.json:1:47: response.headers.X: expected a string or an array of strings");
    invalid("{'request': {'basicAuth': {'username': 'a'}}, 'response': {}}",
            "s.json:1:27: request.basicAuth: expected {\"username\": \"...\", \"password\": "
            "\"...\"}");
}
END_TEST

START_TEST(test_stub_keys)
{
    stub_x("{}", "{}",
           "'persistent': true, 'metadata': {'a': 1}, 'insertionIndex': 3, 'postServeActions': "
           "[], 'x-custom': 1, 'serveEventListeners': [{'name': 'webhook'}]");
    EQ(ROUTE, "{'id':'s.json','response':{}}");
    WARNINGS("s.json: x-custom: not supported; ignored",
             "s.json: serveEventListeners[0]: a webhook without \"parameters\" is never sent; "
             "webhook dropped");
}
END_TEST

/* ---- webhooks ----------------------------------------------------------------------------- */

/* A POST /x stub (answering `resp`) with this webhook as a serve event listener. */
static void hook_resp(const char *params_q, const char *resp_q)
{
    char extra[8192];
    snprintf(extra, sizeof(extra), "'serveEventListeners': [{'name': 'webhook', 'parameters': %s}]",
             params_q);
    stub_x("{'method': 'POST', 'urlPathTemplate': '/x/{id}'}", resp_q, extra);
}

static void hook(const char *params_q)
{
    hook_resp(params_q, "{'status': 201}");
}

#define HOOK RESP ".callbacks.0"

START_TEST(test_webhooks)
{
    /* originalRequest is the request: jsonPath, headers, the body, a path parameter */
    hook("{'method': 'POST', 'url': 'http://127.0.0.1:{{originalRequest.headers.X-Port}}/h/"
         "{{originalRequest.path.id}}', 'headers': {'Content-Type': 'application/json', 'X-Sig': "
         "'s-{{jsonPath originalRequest.body \\'$.id\\'}}'}, 'body': '{{{originalRequest.body}}}',"
         " 'delay': {'type': 'fixed', 'milliseconds': 200}}");
    EQ(HOOK, "{'method':'POST','url':'http://127.0.0.1:{{{request.headers.X-Port}}}/h/"
             "{{{request.params.id}}}','headers':{'Content-Type':'application/json','X-Sig':"
             "'s-{{{jsonPath request.body \\'$.id\\'}}}'},'body':'{{{request.body}}}',"
             "'delayMs':200}");
    NO_WARNINGS();

    /* GET by default, without a body; a uniform delay after the response's own */
    hook_resp("{'url': 'http://localhost:9/x', 'body': 'not sent', 'delay': {'type': 'uniform', "
              "'lower': 10, 'upper': 20}}",
              "{'status': 200, 'fixedDelayMilliseconds': 100}");
    EQ(HOOK, "{'method':'GET','url':'http://localhost:9/x','delayMs':{'min':110,'max':120}}");
    NO_WARNINGS();
    hook_resp("{'method': 'PUT', 'url': 'http://localhost:9/x', 'headers': {'Content-Type': "
              "'text/plain'}, 'body': 'b'}",
              "{'uniformRandomDelay': {'lower': 5, 'upper': 9}, 'chunkedDribbleDelay': "
              "{'numberOfChunks': 2, 'totalDuration': 40}}");
    EQ(HOOK, "{'method':'PUT','url':'http://localhost:9/x','headers':{'Content-Type':'text/plain'},"
             "'body':'b','delayMs':{'min':45,'max':49}}");
    NO_WARNINGS();

    /* the older postServeActions, as a list and as an object; the actions first */
    stub_x("{'urlPath': '/y'}", "{}",
           "'serveEventListeners': [{'name': 'webhook', 'requestPhases': ['BEFORE_MATCH', "
           "'AFTER_COMPLETE'], 'parameters': {'method': 'DELETE', 'url': 'http://127.0.0.1:9/3'}}],"
           " 'postServeActions': [{'name': 'webhook', 'parameters': {'method': 'patch', 'url': "
           "'http://127.0.0.1:9/1', 'headers': {'Content-Type': 'text/plain'}, 'base64Body': "
           "'e3t4fX0='}}]");
    EQ(RESP ".callbacks", "[{'method':'PATCH','url':'http://127.0.0.1:9/1','headers':{"
                          "'Content-Type':'text/plain'},'body':'\\\\{{x}}'},{'method':'DELETE',"
                          "'url':'http://127.0.0.1:9/3'}]");
    NO_WARNINGS();
    stub_x("{'urlPath': '/y'}", "{}",
           "'postServeActions': {'webhook': {'method': 'POST', 'url': 'http://127.0.0.1:9/2', "
           "'headers': {'Content-Type': 'text/plain'}, 'body': 'old'}}");
    EQ(RESP ".callbacks", "[{'method':'POST','url':'http://127.0.0.1:9/2','headers':{"
                          "'Content-Type':'text/plain'},'body':'old'}]");
    NO_WARNINGS();
}
END_TEST

START_TEST(test_webhook_warnings)
{
    /* headers: several values joined, the client's own left out, templates it cannot
     * translate kept as written; a body without a type */
    hook("{'method': 'POST', 'url': 'http://127.0.0.1:9/', 'headers': {'X-Multi': ['a', 2, true],"
         " 'User-Agent': 'u', 'Content-Length': '3', 'Connection': 'x', 'X-Now': '{{now}}',"
         " 'X-Obj': {'a': 1}, 'bad name': 'v'}, 'body': 'b', 'extra': 1}");
    EQ(HOOK, "{'method':'POST','url':'http://127.0.0.1:9/','headers':{'X-Multi':'a, 2, true',"
             "'X-Now':'\\\\{{now}}'},'body':'b'}");
    WARNINGS(
        "s.json: serveEventListeners[0].parameters.extra: not converted (WireMock's templates "
        "see it as parameters.extra); ignored",
        "s.json: serveEventListeners[0].parameters.headers.X-Multi: 3 values are sent as one "
        "header, joined with \", \" (mockrun sends a header once)",
        "s.json: serveEventListeners[0].parameters.headers.X-Now: \"now\" (a helper or "
        "value mockrun's templates do not have) is not supported; sent as written, without "
        "templating",
        "s.json: serveEventListeners[0].parameters.headers.X-Obj: expected a string, or a list "
        "of strings; header dropped",
        "s.json: serveEventListeners[0].parameters.headers[\"bad name\"]: not a valid "
        "header name; header dropped",
        "s.json: serveEventListeners[0].parameters.body: WireMock sends it without a "
        "Content-Type; mockrun sends text/plain; charset=utf-8 (give the webhook a "
        "Content-Type header)");

    /* a host besides loopback is named in allowHosts */
    hook("{'url': 'http://hooks.example.test/h'}");
    EQ("allowHosts", "['hooks.example.test']");
    EQ(HOOK, "{'method':'GET','url':'http://hooks.example.test/h'}");
    WARNINGS("s.json: serveEventListeners[0].parameters.url: host \"hooks.example.test\" is not "
             "loopback: named in the scenario's \"allowHosts\" (mockrun keeps callbacks on this "
             "machine unless a scenario names the host: one that imports these mappings names it "
             "in its own)");

    /* delays mockrun does not have, or over its 10 minutes */
    hook("{'url': 'http://127.0.0.1:9/', 'delay': {'type': 'lognormal', 'median': 90, "
         "'sigma': 0.1}}");
    EQ(HOOK, "{'method':'GET','url':'http://127.0.0.1:9/'}");
    WARNINGS("s.json: serveEventListeners[0].parameters.delay: the lognormal distribution is not "
             "supported (mockrun's delays are fixed or uniform); ignored");
    hook("{'url': 'http://127.0.0.1:9/', 'delay': {'type': 'uniform', 'lower': 9, 'upper': 1}}");
    EQ(HOOK, "{'method':'GET','url':'http://127.0.0.1:9/'}");
    WARNINGS("s.json: serveEventListeners[0].parameters.delay: lower is greater than upper; "
             "ignored");
    hook("{'url': 'http://127.0.0.1:9/', 'delay': {'type': 'fixed', 'milliseconds': 'x'}}");
    WARNINGS("s.json: serveEventListeners[0].parameters.delay.milliseconds: expected a whole "
             "number of milliseconds; the delay is ignored");
    hook("{'url': 'http://127.0.0.1:9/', 'delay': {'type': 'uniform', 'lower': 500000, "
         "'upper': 700000}}");
    EQ(HOOK ".delayMs", "{'min':500000,'max':600000}");
    WARNINGS("s.json: serveEventListeners[0].parameters.delay: the webhook is sent up to 700000 ms "
             "after the request, over mockrun's 600000 ms; the delay is capped there");

    /* base64 bodies mockrun cannot send */
    hook("{'method': 'POST', 'url': 'http://127.0.0.1:9/', 'headers': {'Content-Type': 'x/y'}, "
         "'base64Body': 'AAEC'}");
    EQ(HOOK, "{'method':'POST','url':'http://127.0.0.1:9/','headers':{'Content-Type':'x/y'}}");
    WARNINGS("s.json: serveEventListeners[0].parameters.base64Body: a binary body cannot be "
             "written into a scenario; no body is sent");
    hook("{'method': 'POST', 'url': 'http://127.0.0.1:9/', 'headers': {'Content-Type': 'x/y'}, "
         "'body': 'b', 'base64Body': '%%%'}");
    EQ(HOOK ".body", "'b'");
    WARNINGS("s.json: serveEventListeners[0].parameters.base64Body: \"body\" is given too and "
             "wins; ignored");
}
END_TEST

START_TEST(test_webhooks_dropped)
{
    /* each of these is never sent by WireMock, or cannot be by mockrun */
    stub_x("{'urlPath': '/y'}", "{}",
           "'serveEventListeners': ["
           " {'name': 'webhook', 'requestPhases': ['BEFORE_MATCH'], 'parameters': {'url': "
           "'http://127.0.0.1:9/'}},"
           " {'name': 'webhook', 'parameters': {'method': '{{originalRequest.method}}', 'url': "
           "'http://127.0.0.1:9/'}},"
           " {'name': 'webhook', 'parameters': {'url': 'https://localhost/'}},"
           " {'name': 'webhook', 'parameters': {'method': 'POST', 'url': 'http://127.0.0.1:9/',"
           " 'body': {'a': 1}}},"
           " {'name': 'webhook', 'parameters': {'method': 'POST'}},"
           " {'name': 'webhook', 'parameters': {'url': 'http://127.0.0.1:{{now}}/'}},"
           " {'name': 'webhook', 'parameters': {'method': 'ANY', 'url': 'http://127.0.0.1:9/'}},"
           " {'name': 'other'}, 7,"
           " {'name': 'webhook', 'parameters': {'url': 'http://127.0.0.1:9/', 'base64Body': "
           "'%%%'}}],"
           " 'postServeActions': {'notify': {}}");
    EQ(RESP, "{}");
    WARNINGS("s.json: postServeActions.notify: the extension \"notify\" is not supported; ignored",
             "s.json: serveEventListeners[0].requestPhases: the webhook runs only after the "
             "response is complete (AFTER_COMPLETE), which this list leaves out, so WireMock "
             "never sends it; webhook dropped",
             "s.json: serveEventListeners[1].parameters.method: a templated method is not "
             "supported; webhook dropped",
             "s.json: serveEventListeners[2].parameters.url: mockrun cannot send to "
             "\"https://localhost/\": https is not supported: mockrun's client speaks plain HTTP "
             "only; webhook dropped",
             "s.json: serveEventListeners[3].parameters.body: not a string: WireMock 3.13 fails "
             "to read the webhook and never sends it; webhook dropped",
             "s.json: serveEventListeners[4].parameters: a webhook without a \"url\" is never "
             "sent; webhook dropped",
             "s.json: serveEventListeners[5].parameters.url: \"now\" (a helper or value "
             "mockrun's templates do not have) is not supported; webhook dropped",
             "s.json: serveEventListeners[6].parameters.method: expected an HTTP method such as "
             "\"POST\"; webhook dropped",
             "s.json: serveEventListeners[7]: the extension \"other\" is not supported; ignored",
             "s.json: serveEventListeners[8]: expected {\"name\": ..., \"parameters\": ...}; "
             "ignored",
             "s.json: serveEventListeners[9].parameters.base64Body: not valid base64: WireMock "
             "fails to read the webhook and never sends it; webhook dropped");
}
END_TEST

/* A stub written once per combined state keeps each webhook one callback: the
 * service's, used by id from every copy. */
START_TEST(test_webhooks_in_states)
{
    convert("{'mappings': ["
            " {'scenarioName': 'a', 'newScenarioState': 'A1', 'request': {'urlPath': '/a'},"
            "  'response': {}, 'serveEventListeners': [{'name': 'webhook', 'parameters':"
            "  {'url': 'http://127.0.0.1:9/a'}}]},"
            " {'scenarioName': 'b', 'newScenarioState': 'B1', 'request': {'urlPath': '/b'},"
            "  'response': {}}]}");
    EQ("services.wiremock.callbacks",
       "[{'id':'s.json#1 webhook 1','method':'GET','url':'http://127.0.0.1:9/a'}]");
    EQ(ROUTES ".1.responses.0.callbacks", "[{'callback':'s.json#1 webhook 1'}]");
    EQ(ROUTES ".1.responses.1.callbacks", "[{'callback':'s.json#1 webhook 1'}]");
    NO_WARNINGS();
}
END_TEST

/* ---- found by the fuzz target ------------------------------------------------------------ */

/* Bugs tests/fuzz/fuzz_wiremock.c found, with their reproducers in
 * tests/fuzz/regressions/wiremock/. */

/* ".x" went through as a path, and mockrun's engine read "eq.x" as a helper's name. */
START_TEST(test_bug_template_dot_path)
{
    tpl("{{#eq .x \\'a\\'}}y{{/eq}}");
    WARNINGS("s.json: response: response-template: the path \".x\" is not supported; the "
             "response is served as written, without templating");
    tpl("{{#each request.query}}{{./a}}{{../b}}{{.}}{{a.[b c]/d}}{{/each}}");
    EQ(RESP ".body", "'{{#each request.query}}{{{./a}}}{{{../b}}}{{{.}}}{{{this.a.[b c]/d}}}"
                     "{{/each}}'");
    NO_WARNINGS();
}
END_TEST

/* "{{/eq}}}" became "{{/if}}}", which mockrun's engine refuses ("}}}" closes a
 * triple-stash); a value's "{{x}}}" is "{{{x}}}}", which it takes. */
START_TEST(test_bug_template_brace_after_block)
{
    tpl("{{#eq request.method \\'GET\\'}}a{{/eq}}}");
    WARNINGS("s.json: response: response-template: \"}\" right after a block's \"}}\" is not "
             "supported; the response is served as written, without templating");
    tpl("{{request.method}}}");
    EQ(RESP ".body", "'{{{request.method}}}}'");
    NO_WARNINGS();
}
END_TEST

/* An error under a key with a NUL (which cJSON cuts there) had no line: the locator does not
 * find the cut key; the nearest member above it is shown. */
START_TEST(test_bug_error_under_key_with_nul)
{
    invalid("{'request': {}, 'response': {'headers': {'a\\u0000b': {}}}}",
            "s.json:1:41: response.headers.a: expected a string or an array of strings");
}
END_TEST

/* A jsonBody string or name with U+0001 beside a template made the loader abort (its
 * template markers held U+0001 and it took the user's for one): fixed in scenarios/load.c,
 * so such a body is templated like any other, and loads. */
START_TEST(test_bug_json_template_u0001)
{
    stub("{'urlPath': '/j'}", "{'jsonBody': {'a': '\\u0001x', 'b': '{{request.path}}'}, "
                              "'transformers': ['response-template']}");
    EQ(RESP, "{'json':{'a':'\\u0001x','b':'{{{request.path}}}'}}");
    NO_WARNINGS();
    stub("{'urlPath': '/j'}", "{'jsonBody': {'\\u0001': '{{request.path}}'}, "
                              "'transformers': ['response-template']}");
    EQ(RESP, "{'json':{'\\u0001':'{{{request.path}}}'}}");
    NO_WARNINGS();
    stub("{'urlPath': '/j'}", "{'jsonBody': {'a': '{{request.path}}', 'b': '{{now}}'}, "
                              "'headers': {'X-A': '{{request.method}}'}, 'transformers': "
                              "['response-template']}");
    EQ(RESP, "{'json':{'a':'{{request.path}}','b':'{{now}}'},'headers':{'X-A':"
             "'{{request.method}}'},'template':false}");
    WARNINGS("s.json: response: response-template: \"now\" (a helper or value mockrun's "
             "templates do not have) is not supported; the response is served as written, "
             "without templating");
}
END_TEST

/* U+FEFF (and the other JavaScript blanks) inside a name was kept in the name; mockrun's
 * engine, like Handlebars.js, ends the name there and read "request.cookies.s" as a helper.
 * A number followed by more than a blank ("1.2.3") is no number there either. */
START_TEST(test_bug_template_js_blank_in_name)
{
    tpl("{{request.cookies.s\xef\xbb\xbfid}}");
    WARNINGS("s.json: response: response-template: the helper \"request.cookies.s\" is not "
             "supported; the response is served as written, without templating");
    tpl("{{request.method\xc2\xa0}}");
    EQ(RESP ".body", "'{{{request.method}}}'");
    NO_WARNINGS();
    tpl("{{1.2.3}}");
    WARNINGS("s.json: response: response-template: the number \"1.2.\" is not supported; the "
             "response is served as written, without templating");
}
END_TEST

/* "request.query.null" went through: Handlebars lexes a last segment true, false, null or
 * undefined as a literal. Written [null]. */
START_TEST(test_bug_template_keyword_segment)
{
    tpl("{{request.query.null}}{{request.headers.true}}");
    EQ(RESP ".body", "'{{{request.query.[null]}}}{{{request.headers.[true]}}}'");
    NO_WARNINGS();
    tpl("{{#each request.query}}{{this.undefined}}{{/each}}");
    WARNINGS("s.json: response: response-template: the path \"this.undefined\" is not "
             "supported; the response is served as written, without templating");
}
END_TEST

/* A bare name inside {{#if}} went through (the context is still the root there: mockrun
 * refuses it), and one inside {{#each}} could be read as a helper of the same name. */
START_TEST(test_bug_template_bare_name)
{
    tpl("{{#if request.method}}{{ehse}}{{/if}}");
    WARNINGS("s.json: response: response-template: \"ehse\" (a helper or value mockrun's "
             "templates do not have) is not supported; the response is served as written, "
             "without templating");
    tpl("{{#each request.query}}{{date}}{{/each}}");
    EQ(RESP ".body", "'{{#each request.query}}{{{this.date}}}{{/each}}'");
    NO_WARNINGS();
}
END_TEST

static void teardown(void)
{
    reset();
    mr_tmpdir_remove(&dir);
    mr_tmpdir_remove(&other);
}

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 30);
    return tc;
}

static Suite *wiremock_suite(void)
{
    Suite *s = suite_create("wiremock");
    TCase *tc;

    tc = tcase("request");
    tcase_add_test(tc, test_urls);
    tcase_add_test(tc, test_urls_dropped);
    tcase_add_test(tc, test_path_templates);
    tcase_add_test(tc, test_methods);
    tcase_add_test(tc, test_string_patterns);
    tcase_add_test(tc, test_string_patterns_dropped);
    tcase_add_test(tc, test_java_regex);
    tcase_add_test(tc, test_multi_values);
    tcase_add_test(tc, test_cookies);
    tcase_add_test(tc, test_basic_auth);
    tcase_add_test(tc, test_request_dropped);
    suite_add_tcase(s, tc);

    tc = tcase("body");
    tcase_add_test(tc, test_body_text);
    tcase_add_test(tc, test_body_json);
    tcase_add_test(tc, test_body_xml);
    tcase_add_test(tc, test_body_dropped);
    suite_add_tcase(s, tc);

    tc = tcase("response");
    tcase_add_test(tc, test_responses);
    tcase_add_test(tc, test_response_warnings);
    tcase_add_test(tc, test_templates);
    tcase_add_test(tc, test_templates_refused);
    suite_add_tcase(s, tc);

    tc = tcase("stubs");
    tcase_add_test(tc, test_order_and_ids);
    tcase_add_test(tc, test_scenario_one);
    tcase_add_test(tc, test_scenario_several);
    tcase_add_test(tc, test_scenario_too_many);
    tcase_add_test(tc, test_stub_keys);
    tcase_add_test(tc, test_webhooks);
    tcase_add_test(tc, test_webhook_warnings);
    tcase_add_test(tc, test_webhooks_dropped);
    tcase_add_test(tc, test_webhooks_in_states);
    suite_add_tcase(s, tc);

    tc = tcase("files");
    tcase_add_test(tc, test_folder);
    tcase_add_test(tc, test_folder_errors);
    suite_add_tcase(s, tc);

    tc = tcase("invalid");
    tcase_add_test(tc, test_invalid);
    suite_add_tcase(s, tc);

    tc = tcase("fuzz-found");
    tcase_add_test(tc, test_bug_template_dot_path);
    tcase_add_test(tc, test_bug_template_bare_name);
    tcase_add_test(tc, test_bug_template_brace_after_block);
    tcase_add_test(tc, test_bug_error_under_key_with_nul);
    tcase_add_test(tc, test_bug_json_template_u0001);
    tcase_add_test(tc, test_bug_template_js_blank_in_name);
    tcase_add_test(tc, test_bug_template_keyword_segment);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(wiremock_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
