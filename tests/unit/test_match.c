/*
 * test_match.c - server/match.c: every condition a request matcher has, the
 * router (file order across literal and templated routes, many routes,
 * services), and the near-miss text a 404 and a failed expectation show.
 *
 * Matchers come from real scenario text (scenarios/load.c) so the tests
 * exercise what users write. Scenario text uses ' for " (see jq()).
 *
 * One case:   CK_RUN_CASE=body ./test_match
 * Under gdb:  CK_FORK=no gdb ./test_match
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/text.h"
#include "scenarios/scenario.h"
#include "server/match.h"

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

static struct mr_scenario *load(const char *squoted)
{
    struct mr_error_list errs;
    struct mr_scenario *sc = NULL;
    char *t = jq(squoted);
    int rc;

    memset(&errs, 0, sizeof(errs));
    rc = mr_scenario_parse_one(&sc, "match.json", t, strlen(t), &errs);
    if (rc != 0) {
        char line[1024];
        mr_error_format(&errs.items[0], line, sizeof(line));
        ck_abort_msg("scenario does not load: %s", line);
    }
    free(t);
    return sc;
}

/* A request with its own storage. Headers are "Name: value" strings. */
struct rq {
    struct mr_request req;
    char raw[512];  /* the path as sent */
    char path[512]; /* decoded, as the server gives it */
    char query[512];
    struct mr_kv params[32];
    char scratch[2048];
    struct mr_kv headers[32];
};

static struct mr_request *vmake(struct rq *r, const char *method, const char *target,
                                const char *body, va_list ap)
{
    const char *q = strchr(target, '?');
    const char *h;
    size_t n = 0;

    memset(r, 0, sizeof(*r));
    snprintf(r->raw, sizeof(r->raw), "%.*s", (int)(q ? (size_t)(q - target) : strlen(target)),
             target);
    r->path[mr_percent_decode(r->path, r->raw, strlen(r->raw), 0)] = '\0';
    snprintf(r->query, sizeof(r->query), "%s", q ? q + 1 : "");
    r->req.method = method;
    r->req.path = r->path;
    r->req.raw_path = r->raw;
    r->req.query = r->query;
    ck_assert_uint_le(mr_request_count_params(r->query), 32);
    r->req.nparams = mr_request_parse_query(r->query, r->scratch, r->params, 32);
    r->req.params = r->params;
    while ((h = va_arg(ap, const char *)) != NULL) {
        const char *colon = strchr(h, ':');
        ck_assert_ptr_nonnull(colon);
        r->headers[n].name = h; /* not NUL-terminated at the name's end */
        r->headers[n].name_len = (size_t)(colon - h);
        r->headers[n].value = colon + 2;
        r->headers[n].value_len = strlen(colon + 2);
        n++;
    }
    r->req.headers = r->headers;
    r->req.nheaders = n;
    r->req.body = body;
    r->req.body_len = body ? strlen(body) : 0;
    return &r->req;
}

static struct mr_request *make(struct rq *r, const char *method, const char *target,
                               const char *body, ...)
{
    struct mr_request *req;
    va_list ap;
    va_start(ap, body);
    req = vmake(r, method, target, body, ap);
    va_end(ap);
    return req;
}

/*
 * Does a route with this `request` block match the request? Also checks that
 * the miss-reporting mode agrees with the fast mode.
 */
static bool hit(const char *request_json, const char *method, const char *target, const char *body,
                ...)
{
    char text[2048];
    struct mr_scenario *sc;
    struct mr_miss miss;
    struct rq r;
    struct mr_request *req;
    bool fast, slow;
    va_list ap;

    snprintf(text, sizeof(text), "{'routes': [{'request': %s}]}", request_json);
    sc = load(text);
    va_start(ap, body);
    req = vmake(&r, method, target, body, ap);
    va_end(ap);
    fast = mr_match(&sc->routes[0].match, req, NULL);
    mr_request_release(req);
    slow = mr_match(&sc->routes[0].match, req, &miss);
    ck_assert_int_eq(fast, slow);
    ck_assert_int_eq(slow, miss.kind == MR_MISS_NONE);
    mr_request_release(req);
    mr_scenario_free(sc);
    return fast;
}
#define HIT(...) hit(__VA_ARGS__, (const char *)NULL)

/* --- query strings ------------------------------------------------------ */

START_TEST(test_parse_query)
{
    static const char q[] = "a=1&b=x+y&c=%41%2b%2F&&d&e=&%6e%61me=v%3D1&bad=%zz%4";
    struct mr_kv kv[16];
    char scratch[sizeof(q) + 2 * 16];
    size_t n;

    ck_assert_uint_eq(mr_request_count_params(q), 8);
    ck_assert_uint_eq(mr_request_count_params(""), 0);
    ck_assert_uint_eq(mr_request_count_params(NULL), 0);
    ck_assert_uint_eq(mr_request_count_params("x"), 1);
    n = mr_request_parse_query(q, scratch, kv, 16);
    ck_assert_uint_eq(n, 7); /* the empty piece between && is skipped */
#define KV(i, k, v)                                                                                \
    do {                                                                                           \
        ck_assert_uint_eq(kv[i].name_len, strlen(k));                                              \
        ck_assert_mem_eq(kv[i].name, k, strlen(k));                                                \
        ck_assert_uint_eq(kv[i].value_len, strlen(v));                                             \
        ck_assert_mem_eq(kv[i].value, v, strlen(v));                                               \
    } while (0)
    KV(0, "a", "1");
    KV(1, "b", "x y"); /* '+' is a space */
    KV(2, "c", "A+/"); /* %xx in either case; an encoded '+' stays a plus */
    KV(3, "d", "");    /* no '=' */
    KV(4, "e", "");
    KV(5, "name", "v=1");  /* names are decoded too */
    KV(6, "bad", "%zz%4"); /* broken escapes are kept as they are */
#undef KV
    /* each decoded string is NUL-terminated */
    ck_assert_str_eq(kv[1].value, "x y");
    ck_assert_str_eq(kv[5].name, "name");
    /* like qs: when decoding fails the whole value stays raw ('+' still a space) */
    {
        static const char q2[] = "lat=%E9&ok=%C3%A9&mix=a+%zz%41&half=%C3";
        char s2[sizeof(q2) + 8];
        ck_assert_uint_eq(mr_request_parse_query(q2, s2, kv, 16), 4);
        ck_assert_str_eq(kv[0].value, "%E9");      /* not UTF-8 */
        ck_assert_str_eq(kv[1].value, "\xc3\xa9"); /* é */
        ck_assert_str_eq(kv[2].value, "a %zz%41");
        ck_assert_str_eq(kv[3].value, "%C3"); /* a truncated sequence */
    }
    /* max bounds the output */
    ck_assert_uint_eq(mr_request_parse_query(q, scratch, kv, 2), 2);
    ck_assert_uint_eq(mr_request_parse_query(NULL, scratch, kv, 2), 0);
}
END_TEST

START_TEST(test_parse_query_scratch_size)
{
    /* the documented scratch size, strlen(query) + 1, is enough for any query; the buffer is
     * exactly that big so AddressSanitizer sees any overrun */
    static const char *const queries[] = {"a",       "a&b&c",    "a=&b", "&&x&&", "k=v",
                                          "a&b=1&c", "%41%42&c", "=",    "=&=",   "+&+=+"};
    size_t i;

    for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        size_t max = mr_request_count_params(queries[i]), n, k;
        char *scratch = malloc(strlen(queries[i]) + 1);
        struct mr_kv *kv = calloc(max, sizeof(*kv));
        n = mr_request_parse_query(queries[i], scratch, kv, max);
        for (k = 0; k < n; k++) {
            ck_assert_int_eq(kv[k].name[kv[k].name_len], '\0');
            ck_assert_int_eq(kv[k].value[kv[k].value_len], '\0');
        }
        free(kv);
        free(scratch);
    }
}
END_TEST

START_TEST(test_query_operators)
{
    ck_assert(HIT("{'query': {'expand': 'customer'}}", "GET", "/?expand=customer", NULL));
    ck_assert(!HIT("{'query': {'expand': 'customer'}}", "GET", "/?expand=Customer", NULL));
    ck_assert(!HIT("{'query': {'expand': 'customer'}}", "GET", "/?expand=customers", NULL));
    ck_assert(!HIT("{'query': {'expand': 'customer'}}", "GET", "/?Expand=customer", NULL));
    ck_assert(!HIT("{'query': {'expand': 'customer'}}", "GET", "/", NULL));
    ck_assert(HIT("{'query': {'expand': 'customer'}}", "GET", "/?expand=cust%6Fmer", NULL));
    ck_assert(HIT("{'query': {'expand': 'customer'}}", "GET", "/?ex%70and=customer", NULL));
    ck_assert(HIT("{'query': {'q': 'a b'}}", "GET", "/?q=a+b", NULL));
    ck_assert(HIT("{'query': {'q': 'a b'}}", "GET", "/?q=a%20b", NULL));
    ck_assert(HIT("{'query': {'q': 'a+b'}}", "GET", "/?q=a%2Bb", NULL));
    ck_assert(!HIT("{'query': {'q': 'a+b'}}", "GET", "/?q=a+b", NULL));
    /* a parameter given several times matches if any value does */
    ck_assert(HIT("{'query': {'e': 'customer'}}", "GET", "/?e=x&e=customer&e=y", NULL));
    ck_assert(HIT("{'query': {'e': {'equals': ''}}}", "GET", "/?e", NULL));

    ck_assert(HIT("{'query': {'q': {'contains': 'ell'}}}", "GET", "/?q=hello", NULL));
    ck_assert(!HIT("{'query': {'q': {'contains': 'ELL'}}}", "GET", "/?q=hello", NULL));
    ck_assert(!HIT("{'query': {'q': {'contains': 'x'}}}", "GET", "/", NULL));
    ck_assert(HIT("{'query': {'q': {'contains': ''}}}", "GET", "/?q=", NULL));

    ck_assert(HIT("{'query': {'id': {'matches': '^\\\\d+$'}}}", "GET", "/?id=123", NULL));
    ck_assert(!HIT("{'query': {'id': {'matches': '^\\\\d+$'}}}", "GET", "/?id=12a", NULL));
    ck_assert(HIT("{'query': {'id': {'matches': '\\\\d'}}}", "GET", "/?id=ab1", NULL)); /* found */
    ck_assert(!HIT("{'query': {'id': {'matches': '.'}}}", "GET", "/?x=1", NULL));

    ck_assert(HIT("{'query': {'debug': {'absent': true}}}", "GET", "/?x=1", NULL));
    ck_assert(HIT("{'query': {'debug': {'absent': true}}}", "GET", "/", NULL));
    ck_assert(!HIT("{'query': {'debug': {'absent': true}}}", "GET", "/?debug", NULL));
    ck_assert(!HIT("{'query': {'debug': {'absent': true}}}", "GET", "/?a=1&debug=0", NULL));

    ck_assert(HIT("{'query': {'debug': {'present': true}}}", "GET", "/?debug", NULL));
    ck_assert(HIT("{'query': {'debug': {'present': true}}}", "GET", "/?debug=", NULL));
    ck_assert(!HIT("{'query': {'debug': {'present': true}}}", "GET", "/?debugx=1", NULL));

    /* all conditions must hold */
    ck_assert(HIT("{'query': {'a': '1', 'b': '2'}}", "GET", "/?b=2&a=1", NULL));
    ck_assert(!HIT("{'query': {'a': '1', 'b': '2'}}", "GET", "/?a=1", NULL));
}
END_TEST

/* --- headers ------------------------------------------------------------ */

/* {"not": condition}: the field's condition as a whole does not hold */
START_TEST(test_not_operator)
{
    const char *m = "{'query': {'q': {'not': 'x'}}}";

    ck_assert(HIT(m, "GET", "/", NULL)); /* no q at all: q = x does not hold */
    ck_assert(HIT(m, "GET", "/?q=y", NULL));
    ck_assert(!HIT(m, "GET", "/?q=x", NULL));
    ck_assert(!HIT(m, "GET", "/?q=y&q=x", NULL)); /* some q is x */
    ck_assert(HIT("{'query': {'q': {'not': {'contains': 'adm'}}}}", "GET", "/?q=user", NULL));
    ck_assert(!HIT("{'query': {'q': {'not': {'contains': 'adm'}}}}", "GET", "/?q=admin", NULL));
    ck_assert(HIT("{'query': {'q': {'not': {'matches': '^\\\\d+$'}}}}", "GET", "/?q=12a", NULL));
    ck_assert(!HIT("{'query': {'q': {'not': {'matches': '^\\\\d+$'}}}}", "GET", "/?q=12", NULL));
    /* not absent is present, not present is absent, not not is the condition */
    ck_assert(HIT("{'query': {'q': {'not': {'absent': true}}}}", "GET", "/?q", NULL));
    ck_assert(!HIT("{'query': {'q': {'not': {'absent': true}}}}", "GET", "/", NULL));
    ck_assert(HIT("{'query': {'q': {'not': {'present': true}}}}", "GET", "/", NULL));
    ck_assert(!HIT("{'query': {'q': {'not': {'present': true}}}}", "GET", "/?q=1", NULL));
    ck_assert(HIT("{'query': {'q': {'not': {'not': 'x'}}}}", "GET", "/?q=x", NULL));
    ck_assert(!HIT("{'query': {'q': {'not': {'not': 'x'}}}}", "GET", "/?q=y", NULL));
    /* headers (names case-insensitive) and JSON paths alike */
    ck_assert(HIT("{'headers': {'accept': {'not': {'contains': 'xml'}}}}", "GET", "/", NULL,
                  "Accept: application/json"));
    ck_assert(!HIT("{'headers': {'accept': {'not': {'contains': 'xml'}}}}", "GET", "/", NULL,
                   "Accept: text/xml"));
    ck_assert(HIT("{'body': {'jsonPath': {'role': {'not': 'admin'}}}}", "POST", "/",
                  "{\"role\": \"user\"}"));
    ck_assert(HIT("{'body': {'jsonPath': {'role': {'not': 'admin'}}}}", "POST", "/", "{}"));
    ck_assert(!HIT("{'body': {'jsonPath': {'role': {'not': 'admin'}}}}", "POST", "/",
                   "{\"role\": \"admin\"}"));
    ck_assert(!HIT("{'body': {'jsonPath': {'tags': {'not': 'vip'}}}}", "POST", "/",
                   "{\"tags\": [\"a\", \"vip\"]}")); /* some item is vip */
    ck_assert(HIT("{'body': {'jsonPath': {'tags': {'not': {'absent': true}}}}}", "POST", "/",
                  "{\"tags\": null}"));
}
END_TEST

START_TEST(test_header_operators)
{
    ck_assert(HIT("{'headers': {'X-Token': 'abc'}}", "GET", "/", NULL, "x-token: abc"));
    ck_assert(HIT("{'headers': {'x-token': 'abc'}}", "GET", "/", NULL, "X-TOKEN: abc"));
    ck_assert(!HIT("{'headers': {'X-Token': 'abc'}}", "GET", "/", NULL, "X-Token: ABC"));
    ck_assert(!HIT("{'headers': {'X-Token': 'abc'}}", "GET", "/", NULL, "X-Tokens: abc"));
    ck_assert(!HIT("{'headers': {'X-Token': 'abc'}}", "GET", "/", NULL, "X-Toke: abc"));
    ck_assert(!HIT("{'headers': {'X-Token': 'abc'}}", "GET", "/", NULL));
    /* a repeated header matches if any of its values does */
    ck_assert(HIT("{'headers': {'Accept': 'b'}}", "GET", "/", NULL, "Accept: a", "accept: b"));

    ck_assert(HIT("{'headers': {'Authorization': {'matches': '^Bearer \\\\w+'}}}", "GET", "/", NULL,
                  "authorization: Bearer tok_123"));
    ck_assert(!HIT("{'headers': {'Authorization': {'matches': '^Bearer \\\\w+'}}}", "GET", "/",
                   NULL, "authorization: Basic dXNlcg=="));
    ck_assert(!HIT("{'headers': {'Authorization': {'matches': '^Bearer \\\\w+'}}}", "GET", "/",
                   NULL, "authorization: bearer tok"));
    ck_assert(HIT("{'headers': {'Content-Type': {'contains': 'json'}}}", "GET", "/", NULL,
                  "content-type: application/json; charset=utf-8"));
    ck_assert(HIT("{'headers': {'Content-Type': {'equals': 'text/plain'}}}", "GET", "/", NULL,
                  "Content-Type: text/plain"));

    ck_assert(HIT("{'headers': {'X-Debug': {'absent': true}}}", "GET", "/", NULL, "X-Other: 1"));
    ck_assert(!HIT("{'headers': {'X-Debug': {'absent': true}}}", "GET", "/", NULL, "x-debug: 0"));
    ck_assert(HIT("{'headers': {'X-Debug': {'present': true}}}", "GET", "/", NULL, "X-DEBUG: "));
    ck_assert(!HIT("{'headers': {'X-Debug': {'present': true}}}", "GET", "/", NULL));
}
END_TEST

START_TEST(test_request_header_lookup)
{
    struct rq r;
    struct mr_request *req = make(&r, "GET", "/", NULL, "Host: x", "X-A: 1", "x-a: 2", NULL);
    const struct mr_kv *kv;

    kv = mr_request_header(req, "x-A");
    ck_assert_ptr_nonnull(kv);
    ck_assert_mem_eq(kv->value, "1", 1); /* the first one */
    ck_assert_ptr_null(mr_request_header(req, "X"));
    ck_assert_ptr_null(mr_request_header(req, "X-AB"));
    ck_assert_ptr_nonnull(mr_request_header(req, "HOST"));
}
END_TEST

/* --- method and path ---------------------------------------------------- */

START_TEST(test_method)
{
    ck_assert(HIT("{'method': 'GET'}", "GET", "/", NULL));
    ck_assert(HIT("{'method': 'get'}", "GET", "/", NULL));
    ck_assert(HIT("{'method': 'GET'}", "get", "/", NULL));
    ck_assert(!HIT("{'method': 'GET'}", "POST", "/", NULL));
    ck_assert(!HIT("{'method': 'GET'}", "GETS", "/", NULL));
    ck_assert(HIT("{'method': 'ANY'}", "DELETE", "/", NULL));
    ck_assert(HIT("{'method': 'any'}", "PURGE", "/", NULL));
    ck_assert(HIT("{}", "OPTIONS", "/x", NULL));
}
END_TEST

START_TEST(test_path_literal)
{
    ck_assert(HIT("{'path': '/v1/charges'}", "GET", "/v1/charges", NULL));
    ck_assert(!HIT("{'path': '/v1/charges'}", "GET", "/v1/charges/", NULL));
    ck_assert(!HIT("{'path': '/v1/charges'}", "GET", "/v1/Charges", NULL));
    ck_assert(!HIT("{'path': '/v1/charges'}", "GET", "/v1", NULL));
    ck_assert(!HIT("{'path': '/v1/charges'}", "GET", "/v1/charges/x", NULL));
    ck_assert(HIT("{'path': '/v1/charges'}", "GET", "/v1/charges?x=1", NULL)); /* query apart */
    ck_assert(HIT("{'path': '/'}", "GET", "/", NULL));
    ck_assert(!HIT("{'path': '/'}", "GET", "/a", NULL));
}
END_TEST

START_TEST(test_path_params)
{
    ck_assert(HIT("{'path': '/v1/charges/:id'}", "GET", "/v1/charges/ch_1", NULL));
    ck_assert(HIT("{'path': '/v1/charges/:id'}", "GET", "/v1/charges/a%20b", NULL));
    /* one non-empty segment */
    ck_assert(!HIT("{'path': '/v1/charges/:id'}", "GET", "/v1/charges/", NULL));
    ck_assert(!HIT("{'path': '/v1/charges/:id'}", "GET", "/v1/charges", NULL));
    ck_assert(!HIT("{'path': '/v1/charges/:id'}", "GET", "/v1/charges/a/b", NULL));
    ck_assert(!HIT("{'path': '/v1/charges/:id'}", "GET", "/v2/charges/a", NULL));
    ck_assert(HIT("{'path': '/u/:uid/posts/:pid'}", "GET", "/u/7/posts/9", NULL));
    ck_assert(!HIT("{'path': '/u/:uid/posts/:pid'}", "GET", "/u//posts/9", NULL));
    ck_assert(!HIT("{'path': '/u/:uid/posts/:pid'}", "GET", "/u/7/post/9", NULL));
    ck_assert(HIT("{'path': '/:a'}", "GET", "/x", NULL));
    ck_assert(!HIT("{'path': '/:a'}", "GET", "/", NULL));
    ck_assert(!HIT("{'path': '/:a'}", "GET", "x", NULL)); /* not a path at all */
}
END_TEST

/* The path parameters of `target` under route path `route`, as "name=value;..." */
static const char *params_of(const char *route, const char *target)
{
    static char out[512];
    char text[256], scratch[512];
    struct mr_kv kv[8];
    struct mr_scenario *sc;
    struct rq r;
    size_t n, i, len = 0;

    snprintf(text, sizeof(text), "{'routes': [{'request': {'path': '%s'}}]}", route);
    sc = load(text);
    make(&r, "GET", target, NULL, (const char *)NULL);
    n = mr_match_path_params(&sc->routes[0].match, &r.req, kv, 8, scratch);
    out[0] = '\0';
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, sizeof(out) - len, "%.*s=%.*s;", (int)kv[i].name_len,
                                kv[i].name, (int)kv[i].value_len, kv[i].value);
    mr_scenario_free(sc);
    return out;
}

START_TEST(test_path_param_values)
{
    ck_assert_str_eq(params_of("/u/:uid/posts/:pid", "/u/7/posts/9"), "uid=7;pid=9;");
    ck_assert_str_eq(params_of("/u/:id", "/u/a%20b"), "id=a b;");
    ck_assert_str_eq(params_of("/u/:id", "/u/a+b"), "id=a+b;"); /* '+' is not a space in paths */
    ck_assert_str_eq(params_of("/u/:id", "/u/caf%C3%A9"), "id=caf\xC3\xA9;");
    /* like Express: the path is split first, then each segment decoded, so an
     * encoded slash stays inside its parameter */
    ck_assert_str_eq(params_of("/u/:id", "/u/a%2Fb"), "id=a/b;");
    ck_assert_str_eq(params_of("/u/:id", "/u/a%2fb%2F"), "id=a/b/;");
    ck_assert(HIT("{'path': '/u/:id'}", "GET", "/u/a%2Fb", NULL));
    ck_assert(!HIT("{'path': '/u/:id/x'}", "GET", "/u/a%2Fx", NULL));
    /* a malformed escape or a result that is not UTF-8 keeps the segment as sent */
    ck_assert_str_eq(params_of("/u/:id", "/u/100%"), "id=100%;");
    ck_assert_str_eq(params_of("/u/:id", "/u/%zz%41"), "id=%zz%41;");
    ck_assert_str_eq(params_of("/u/:id", "/u/%FF"), "id=%FF;");
    /* literal segments compare decoded */
    ck_assert_str_eq(params_of("/caf\xC3\xA9/:x", "/caf%C3%A9/1"), "x=1;");
    ck_assert(HIT("{'path': '/a b/:x'}", "GET", "/a%20b/1", NULL));
    ck_assert(!HIT("{'path': '/a b/:x'}", "GET", "/a%20c/1", NULL));
    /* no parameters when the path does not fit */
    ck_assert_str_eq(params_of("/u/:id", "/v/1"), "");
    ck_assert_str_eq(params_of("/u/:id", "/u/1/2"), "");
    ck_assert_str_eq(params_of("/u/*", "/u/1/2"), "");
}
END_TEST

/* A pathPattern's named groups are path parameters too. */
static const char *pattern_params(const char *pattern, const char *target)
{
    static char out[512];
    char text[256], scratch[512];
    struct mr_kv kv[8];
    struct mr_scenario *sc;
    struct rq r;
    size_t n, i, len = 0;

    snprintf(text, sizeof(text), "{'routes': [{'request': {'pathPattern': '%s'}}]}", pattern);
    sc = load(text);
    make(&r, "GET", target, NULL, (const char *)NULL);
    n = mr_match_path_params(&sc->routes[0].match, &r.req, kv, 8, scratch);
    out[0] = '\0';
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, sizeof(out) - len, "%.*s=%.*s;", (int)kv[i].name_len,
                                kv[i].name, (int)kv[i].value_len, kv[i].value);
    mr_scenario_free(sc);
    return out;
}

START_TEST(test_path_pattern_params)
{
    ck_assert_str_eq(pattern_params("/files(?:/(?<name>[^/]+))?", "/files/a.txt"), "name=a.txt;");
    ck_assert_str_eq(pattern_params("/files(?:/(?<name>[^/]+))?", "/files"), ""); /* no part */
    ck_assert_str_eq(pattern_params("/u/(?<uid>[0-9]+)/p/(?<pid>.+)", "/u/7/p/x/y"),
                     "pid=x/y;uid=7;"); /* in the name table's (alphabetical) order */
    ck_assert_str_eq(pattern_params("/u/(?<id>[0-9]+)", "/u/a%20b"), "");  /* no match */
    ck_assert_str_eq(pattern_params("/s/(?<q>.+)", "/s/a%20b"), "q=a b;"); /* decoded path */
    ck_assert_str_eq(pattern_params("/u/([0-9]+)", "/u/7"), ""); /* unnamed groups: none */
}
END_TEST

START_TEST(test_path_inner_star)
{
    /* an inner * is exactly one segment */
    ck_assert(HIT("{'path': '/a/*/c'}", "GET", "/a/b/c", NULL));
    ck_assert(HIT("{'path': '/a/*/c'}", "GET", "/a/anything-here/c", NULL));
    ck_assert(!HIT("{'path': '/a/*/c'}", "GET", "/a/b/x/c", NULL));
    ck_assert(!HIT("{'path': '/a/*/c'}", "GET", "/a/c", NULL));
    ck_assert(!HIT("{'path': '/a/*/c'}", "GET", "/a/b/c/d", NULL));
    /* unlike :param, an inner * also takes an empty segment (the code does not check length) */
    ck_assert(HIT("{'path': '/a/*/c'}", "GET", "/a//c", NULL));
}
END_TEST

START_TEST(test_path_trailing_star)
{
    /* a trailing * is the rest of the path: one or more segments, or an empty last one */
    ck_assert(HIT("{'path': '/files/*'}", "GET", "/files/a", NULL));
    ck_assert(HIT("{'path': '/files/*'}", "GET", "/files/a/b/c.txt", NULL));
    ck_assert(HIT("{'path': '/files/*'}", "GET", "/files/", NULL));
    /* zero segments means "/files/" (empty rest after the slash); "/files" itself does not match */
    ck_assert(!HIT("{'path': '/files/*'}", "GET", "/files", NULL));
    ck_assert(!HIT("{'path': '/files/*'}", "GET", "/filesx/a", NULL));
    ck_assert(!HIT("{'path': '/files/*'}", "GET", "/other/a", NULL));
    ck_assert(HIT("{'path': '/*'}", "GET", "/", NULL));
    ck_assert(HIT("{'path': '/*'}", "GET", "/deep/er/path", NULL));
    ck_assert(HIT("{'path': '/a/:id/*'}", "GET", "/a/1/x/y", NULL));
    ck_assert(!HIT("{'path': '/a/:id/*'}", "GET", "/a//x", NULL));
    ck_assert(HIT("{'path': '/a/*/*'}", "GET", "/a/b/c/d", NULL));
    ck_assert(!HIT("{'path': '/a/*/*'}", "GET", "/a/b", NULL));
}
END_TEST

START_TEST(test_path_pattern_anchored)
{
    ck_assert(HIT("{'pathPattern': '/v[0-9]+/.*'}", "GET", "/v1/x", NULL));
    ck_assert(HIT("{'pathPattern': '/v[0-9]+/.*'}", "GET", "/v12/", NULL));
    ck_assert(!HIT("{'pathPattern': '/v[0-9]+/.*'}", "GET", "/api/v1/x", NULL)); /* start */
    ck_assert(!HIT("{'pathPattern': '/v[0-9]+/.*'}", "GET", "/v1", NULL));
    ck_assert(!HIT("{'pathPattern': '/a'}", "GET", "/ab", NULL)); /* end */
    ck_assert(!HIT("{'pathPattern': '/a'}", "GET", "/b/a", NULL));
    /* anchoring covers the whole alternation, not just its ends */
    ck_assert(HIT("{'pathPattern': '/a|/b'}", "GET", "/b", NULL));
    ck_assert(!HIT("{'pathPattern': '/a|/b'}", "GET", "/ab", NULL));
    ck_assert(!HIT("{'pathPattern': '/a|/b'}", "GET", "x/b", NULL));
    ck_assert(HIT("{'pathPattern': '/users/\\\\d+'}", "GET", "/users/42", NULL));
    ck_assert(!HIT("{'pathPattern': '/users/\\\\d+'}", "GET", "/users/42a", NULL));
    /* UTF-8 paths */
    ck_assert(HIT("{'pathPattern': '/caf.'}", "GET", "/caf\xc3\xa9", NULL));
    ck_assert(!HIT("{'pathPattern': '/caf.'}", "GET", "/caf\xff", NULL));
}
END_TEST

/* --- body --------------------------------------------------------------- */

START_TEST(test_body_text)
{
    ck_assert(HIT("{'body': {'equals': 'abc'}}", "POST", "/", "abc"));
    ck_assert(!HIT("{'body': {'equals': 'abc'}}", "POST", "/", "abc\n"));
    ck_assert(!HIT("{'body': {'equals': 'abc'}}", "POST", "/", "ab"));
    ck_assert(!HIT("{'body': {'equals': 'abc'}}", "POST", "/", NULL));
    ck_assert(HIT("{'body': {'equals': ''}}", "POST", "/", NULL));
    ck_assert(HIT("{'body': {'contains': 'needle'}}", "POST", "/", "hay needle hay"));
    ck_assert(HIT("{'body': {'contains': 'needle'}}", "POST", "/", "needle"));
    ck_assert(!HIT("{'body': {'contains': 'needle'}}", "POST", "/", "needl"));
    ck_assert(!HIT("{'body': {'contains': 'needle'}}", "POST", "/", NULL));
    ck_assert(HIT("{'body': {'matches': 'amount=\\\\d+'}}", "POST", "/", "x&amount=12&y"));
    ck_assert(!HIT("{'body': {'matches': '^amount'}}", "POST", "/", "x&amount=12"));
    ck_assert(HIT("{'body': {'matches': '^$'}}", "POST", "/", NULL));
}
END_TEST

START_TEST(test_body_binary)
{
    /* bodies are bytes: a NUL inside does not end them */
    char text[256];
    struct mr_scenario *sc;
    struct rq r;
    struct mr_request *req;

    snprintf(text, sizeof(text), "{'routes': [{'request': {'body': {'contains': 'tail'}}}]}");
    sc = load(text);
    req = make(&r, "POST", "/", NULL, NULL);
    req->body = "head\0tail";
    req->body_len = 9;
    ck_assert(mr_match(&sc->routes[0].match, req, NULL));
    req->body_len = 5;
    ck_assert(!mr_match(&sc->routes[0].match, req, NULL));
    mr_request_release(req);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_body_json_subset)
{
    const char *m = "{'body': {'json': {'currency': 'eur'}}}";

    ck_assert(HIT(m, "POST", "/", "{\"currency\":\"eur\"}"));
    ck_assert(HIT(m, "POST", "/", " {\"currency\":\"eur\"}\r\n")); /* blanks around it */
    /* extra members are fine, at any depth */
    ck_assert(HIT(m, "POST", "/", "{\"amount\": 1999, \"currency\": \"eur\", \"x\": [1]}"));
    ck_assert(HIT("{'body': {'json': {'a': {'b': 1}}}}", "POST", "/",
                  "{\"a\": {\"b\": 1, \"c\": 2}, \"d\": 3}"));
    ck_assert(!HIT(m, "POST", "/", "{\"currency\":\"usd\"}"));
    ck_assert(!HIT(m, "POST", "/", "{\"Currency\":\"eur\"}"));
    ck_assert(!HIT(m, "POST", "/", "{}"));
    ck_assert(!HIT(m, "POST", "/", "[{\"currency\":\"eur\"}]"));
    /* arrays must be equal: same length, same order, elements compared exactly */
    ck_assert(HIT("{'body': {'json': {'l': [1, 2]}}}", "POST", "/", "{\"l\": [1, 2]}"));
    ck_assert(!HIT("{'body': {'json': {'l': [1, 2]}}}", "POST", "/", "{\"l\": [1, 2, 3]}"));
    ck_assert(!HIT("{'body': {'json': {'l': [1, 2]}}}", "POST", "/", "{\"l\": [2, 1]}"));
    ck_assert(!HIT("{'body': {'json': {'l': [{'a': 1}]}}}", "POST", "/",
                   "{\"l\": [{\"a\": 1, \"b\": 2}]}"));
    /* scalars must be equal, with their type */
    ck_assert(HIT("{'body': {'json': {'n': 1}}}", "POST", "/", "{\"n\": 1.0}"));
    ck_assert(!HIT("{'body': {'json': {'n': 1}}}", "POST", "/", "{\"n\": \"1\"}"));
    ck_assert(!HIT("{'body': {'json': {'n': null}}}", "POST", "/", "{}"));
    ck_assert(HIT("{'body': {'json': {'n': null}}}", "POST", "/", "{\"n\": null}"));
    ck_assert(!HIT("{'body': {'json': {'b': true}}}", "POST", "/", "{\"b\": 1}"));
    ck_assert(HIT("{'body': {'json': 5}}", "POST", "/", " 5 "));
    ck_assert(HIT("{'body': {'json': 'x'}}", "POST", "/", "\"x\""));
    ck_assert(HIT("{'body': {'json': {}}}", "POST", "/", "{\"any\": 1}"));
    ck_assert(!HIT("{'body': {'json': {}}}", "POST", "/", "[]"));
}
END_TEST

START_TEST(test_body_json_paths)
{
    const char *doc = "{\"user\": {\"role\": \"admin\", \"age\": 42, \"ok\": true, \"x\": null,"
                      " \"tags\": [\"a\", \"vip\"], \"odd key\": 1.5},"
                      " \"items\": [{\"sku\": \"A-1\"}, {\"sku\": \"B-2\"}]}";

    /* object-path (Mockoon) and JSONPath's common subset reach the same values */
    ck_assert(HIT("{'body': {'jsonPath': {'user.role': 'admin'}}}", "POST", "/", doc));
    ck_assert(HIT("{'body': {'jsonPath': {'$.user.role': 'admin'}}}", "POST", "/", doc));
    ck_assert(HIT("{'body': {'jsonPath': {'$[\\\"user\\\"][\\\"role\\\"]': 'admin'}}}", "POST", "/",
                  doc));
    ck_assert(!HIT("{'body': {'jsonPath': {'user.role': 'guest'}}}", "POST", "/", doc));
    ck_assert(HIT("{'body': {'jsonPath': {'items.1.sku': 'B-2'}}}", "POST", "/", doc));
    ck_assert(
        HIT("{'body': {'jsonPath': {'$.items[0].sku': {'matches': '^A-'}}}}", "POST", "/", doc));
    ck_assert(
        !HIT("{'body': {'jsonPath': {'$.items[2].sku': {'present': true}}}}", "POST", "/", doc));
    ck_assert(HIT("{'body': {'jsonPath': {'$.user[\\\"odd key\\\"]': 1.5}}}", "POST", "/", doc));
    /* scalars compare as their JSON text; a number, true or null in the scenario means equality */
    ck_assert(HIT("{'body': {'jsonPath': {'user.age': 42}}}", "POST", "/", doc));
    ck_assert(HIT("{'body': {'jsonPath': {'user.age': '42'}}}", "POST", "/", doc));
    ck_assert(HIT("{'body': {'jsonPath': {'user.age': {'matches': '^4'}}}}", "POST", "/", doc));
    ck_assert(!HIT("{'body': {'jsonPath': {'user.age': 43}}}", "POST", "/", doc));
    ck_assert(HIT("{'body': {'jsonPath': {'user.ok': true}}}", "POST", "/", doc));
    ck_assert(HIT("{'body': {'jsonPath': {'user.x': null}}}", "POST", "/", doc));
    ck_assert(HIT("{'body': {'jsonPath': {'user.x': {'present': true}}}}", "POST", "/", doc));
    ck_assert(HIT("{'body': {'jsonPath': {'user.nope': {'absent': true}}}}", "POST", "/", doc));
    ck_assert(!HIT("{'body': {'jsonPath': {'user.x': {'absent': true}}}}", "POST", "/", doc));
    /* an array holds when any item does; an object has no text */
    ck_assert(HIT("{'body': {'jsonPath': {'user.tags': 'vip'}}}", "POST", "/", doc));
    ck_assert(!HIT("{'body': {'jsonPath': {'user.tags': 'gold'}}}", "POST", "/", doc));
    ck_assert(!HIT("{'body': {'jsonPath': {'user': {'contains': 'admin'}}}}", "POST", "/", doc));
    /* every path must hold */
    ck_assert(
        HIT("{'body': {'jsonPath': {'user.role': 'admin', 'user.age': 42}}}", "POST", "/", doc));
    ck_assert(
        !HIT("{'body': {'jsonPath': {'user.role': 'admin', 'user.age': 41}}}", "POST", "/", doc));
    /* not JSON, or a path through a scalar: no match */
    ck_assert(!HIT("{'body': {'jsonPath': {'a': {'absent': true}}}}", "POST", "/", "a=1"));
    ck_assert(!HIT("{'body': {'jsonPath': {'user.role.x': {'present': true}}}}", "POST", "/", doc));
    ck_assert(HIT("{'body': {'jsonPath': {'$': 7}}}", "POST", "/", "7"));
    ck_assert(!HIT("{'body': {'jsonPath': {'items.99999999999999999999': {'present': true}}}}",
                   "POST", "/", doc));
}
END_TEST

START_TEST(test_body_json_equals)
{
    const char *m = "{'body': {'jsonEquals': {'a': 1, 'b': [1, {'c': 'd'}]}}}";

    ck_assert(HIT(m, "POST", "/", "{\"a\":1,\"b\":[1,{\"c\":\"d\"}]}"));
    /* member order and whitespace are ignored */
    ck_assert(HIT(m, "POST", "/", "{ \"b\" : [ 1 , { \"c\" : \"d\" } ] ,\n \"a\" : 1 }"));
    /* but nothing may be extra, at any depth */
    ck_assert(!HIT(m, "POST", "/", "{\"a\":1,\"b\":[1,{\"c\":\"d\"}],\"x\":0}"));
    ck_assert(!HIT(m, "POST", "/", "{\"a\":1,\"b\":[1,{\"c\":\"d\",\"e\":1}]}"));
    ck_assert(!HIT(m, "POST", "/", "{\"a\":1}"));
    ck_assert(HIT("{'body': {'jsonEquals': []}}", "POST", "/", "[]"));
    ck_assert(!HIT("{'body': {'jsonEquals': []}}", "POST", "/", "{}"));
}
END_TEST

START_TEST(test_body_json_invalid)
{
    static const char *const bad[] = {
        "",           "{",        "{\"currency\": \"eur\"",          "not json",
        "{\"a\":1}}", "\xff\xfe", "{\"currency\": \"eur\"} trailing"};
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(!HIT("{'body': {'json': {'currency': 'eur'}}}", "POST", "/", bad[i]),
                      "body %zu", i);
        ck_assert_msg(!HIT("{'body': {'jsonEquals': {'currency': 'eur'}}}", "POST", "/", bad[i]),
                      "body %zu", i);
    }
    ck_assert(!HIT("{'body': {'json': {}}}", "POST", "/", NULL));
}
END_TEST

START_TEST(test_body_json_parsed_once)
{
    /* the parsed body is kept on the request for the next matcher, and released */
    struct mr_scenario *sc = load("{'routes': [{'request': {'body': {'json': {'a': 1}}}},"
                                  " {'request': {'body': {'jsonEquals': {'a': 1}}}}]}");
    struct rq r;
    struct mr_request *req = make(&r, "POST", "/", "{\"a\": 1}", NULL);

    ck_assert(mr_match(&sc->routes[0].match, req, NULL));
    ck_assert(req->body_json_tried);
    ck_assert_ptr_nonnull(req->body_json);
    ck_assert(mr_match(&sc->routes[1].match, req, NULL));
    mr_request_release(req);
    ck_assert_ptr_null(req->body_json);
    ck_assert(!req->body_json_tried);
    mr_scenario_free(sc);
}
END_TEST

/* An XML request (its Content-Type names an XML type) has its body read by
 * the JSON conditions as xml-js's object, as Mockoon's rules read it. */
START_TEST(test_body_json_of_xml)
{
    const char *doc = "<?xml version=\"1.0\"?><order id=\"7\"><item sku=\"A1\">Apple</item>"
                      "<item sku=\"B2\">Pear</item><note/></order>";
    const char *xml = "Content-Type: application/xml";

    ck_assert(HIT("{'body': {'jsonPath': {'order._attributes.id': '7'}}}", "POST", "/", doc, xml));
    ck_assert(HIT("{'body': {'jsonPath': {'$.order.item[1]._text': 'Pear',"
                  " 'order.item.0._attributes.sku': {'matches': '^A'},"
                  " 'order.note': {'present': true}, 'order.note._text': {'absent': true}}}}",
                  "POST", "/", doc, "Content-Type: text/xml; charset=utf-8"));
    ck_assert(
        !HIT("{'body': {'jsonPath': {'order.item.1._text': 'Apple'}}}", "POST", "/", doc, xml));
    /* a path through an array by name finds nothing; every value is a string */
    ck_assert(HIT("{'body': {'jsonPath': {'order.item._text': {'absent': true}}}}", "POST", "/",
                  doc, xml));
    ck_assert(HIT("{'body': {'jsonPath': {'order._attributes.id': 7}}}", "POST", "/", doc, xml));
    ck_assert(!HIT("{'body': {'jsonPath': {'order._attributes.id': 8}}}", "POST", "/", doc, xml));
    ck_assert(HIT("{'body': {'json': {'order': {'note': {}, '_attributes': {'id': '7'}}}}}", "POST",
                  "/", doc, "Content-Type: application/soap+xml"));
    ck_assert(HIT("{'body': {'jsonEquals': {'a': {'_text': 'x'}}}}", "POST", "/", "<a>x</a>", xml));
    /* other types read JSON, as before; JSON types come first */
    ck_assert(!HIT("{'body': {'jsonPath': {'order._attributes.id': '7'}}}", "POST", "/", doc,
                   "Content-Type: text/plain"));
    ck_assert(!HIT("{'body': {'jsonPath': {'order._attributes.id': '7'}}}", "POST", "/", doc));
    ck_assert(HIT("{'body': {'jsonPath': {'a': 1}}}", "POST", "/", "{\"a\": 1}",
                  "Content-Type: application/json; x=text/xml"));
    ck_assert(!HIT("{'body': {'jsonPath': {'a': 1}}}", "POST", "/", "{\"a\": 1}", xml));
    /* a body that is not well-formed XML holds no JSON condition; an empty one is {} */
    ck_assert(!HIT("{'body': {'jsonPath': {'a': {'absent': true}}}}", "POST", "/", "<a>", xml));
    ck_assert(!HIT("{'body': {'jsonPath': {'a': {'absent': true}}}}", "POST", "/",
                   "<!DOCTYPE a><a/>", xml));
    ck_assert(HIT("{'body': {'jsonPath': {'a': {'absent': true}}}}", "POST", "/", "", xml));
    ck_assert(HIT("{'body': {'jsonEquals': {}}}", "POST", "/", NULL, xml));
    /* the xml conditions read the body whatever its type */
    ck_assert(HIT("{'body': {'xpath': {'/order/@id': '7'}}}", "POST", "/", doc, xml));
}
END_TEST

/* The object is built once per request, for every condition that reads it. */
START_TEST(test_body_json_of_xml_once)
{
    struct mr_scenario *sc = load("{'routes': [{'request': {'body': {'jsonPath': {'a.b': '2'}}}},"
                                  " {'request': {'body': {'json': {'a': {'_text': '1'}}}}}]}");
    struct rq r;
    struct mr_request *req =
        make(&r, "POST", "/", "<a>1<!-- c --></a>", "Content-Type: text/xml", NULL);
    const struct cJSON *built;

    ck_assert(!mr_match(&sc->routes[0].match, req, NULL));
    ck_assert(req->body_json_tried);
    built = req->body_json;
    ck_assert_ptr_nonnull(built);
    ck_assert(mr_match(&sc->routes[1].match, req, NULL));
    ck_assert_ptr_eq(req->body_json, built);
    mr_request_release(req);
    mr_scenario_free(sc);
}
END_TEST

/* xmlEquals with XMLUnit's placeholders (WireMock's enablePlaceholders). */
START_TEST(test_body_xml_placeholders)
{
    const char *m =
        "{'body': {'xmlEquals': '<o id=\\\"${xmlunit.ignore}\\\" n=\\\"${xmlunit.isNumber}\\\">"
        "<s>${xmlunit.matchesRegex(^A[0-9]+$)}</s><d>${xmlunit.isDateTime}</d>"
        "<e>${xmlunit.isDateTime(dd.MM.yyyy)}</e><f>${xmlunit.isDateTime(yyyyMMdd)}</f>"
        "<t>${xmlunit.ignore}</t><u>${xmlunit.unknown}</u></o>', 'placeholders': true}}";
    char body[600];
#define DOC(id, n, s_, d, e, f, t, u)                                                              \
    (snprintf(body, sizeof(body),                                                                  \
              "<o %s n=\"%s\"><s>%s</s><d>%s</d><e>%s</e><f>%s</f>%s<u>%s</u></o>", id, n, s_, d,  \
              e, f, t, u),                                                                         \
     body)

    ck_assert(HIT(m, "POST", "/",
                  DOC("id=\"1\"", "12.5", "A12", "2024-01-31T10:00:00Z", "31.01.2024", "20240131",
                      "<t>x</t>", "${xmlunit.unknown}")));
    /* ignore: any value, or none at all */
    ck_assert(HIT(
        m, "POST", "/",
        DOC("", "-1e3", " A1 ", "2024-1-5", "1.1.2024", "2024013", "<t/>", "${xmlunit.unknown}")));
    ck_assert(HIT(m, "POST", "/",
                  DOC("id=\"\"", ".5", "A1", "1/2/24, 3:00 PM", "01.13.2024x", "20240131",
                      "<t></t>", "${xmlunit.unknown}")));
    /* ignore stands for an element's text, not for the element */
    ck_assert(
        !HIT(m, "POST", "/",
             DOC("", "1", "A1", "2024-01-31", "31.01.2024", "20240131", "", "${xmlunit.unknown}")));
    /* each test failing */
    ck_assert(!HIT(m, "POST", "/",
                   DOC("", "1.", "A1", "2024-01-31", "31.01.2024", "20240131", "<t></t>",
                       "${xmlunit.unknown}")));
    ck_assert(!HIT(m, "POST", "/",
                   DOC("", "1", "B1", "2024-01-31", "31.01.2024", "20240131", "<t></t>",
                       "${xmlunit.unknown}")));
    ck_assert(!HIT(
        m, "POST", "/",
        DOC("", "1", "A1", "tomorrow", "31.01.2024", "20240131", "<t></t>", "${xmlunit.unknown}")));
    ck_assert(!HIT(m, "POST", "/",
                   DOC("", "1", "A1", "2024-01-31", "2024-01-31", "20240131", "<t></t>",
                       "${xmlunit.unknown}")));
    ck_assert(!HIT(
        m, "POST", "/",
        DOC("", "1", "A1", "2024-01-31", "31.01.2024", "202401", "<t></t>", "${xmlunit.unknown}")));
    ck_assert(!HIT(m, "POST", "/",
                   DOC("", "1", "A1", "2024-01-31", "31.01.2024", "20240131", "<t></t>", "x")));
    ck_assert(!HIT(m, "POST", "/", "<o n=\"1\"><s/><d/><e/><f/><u>${xmlunit.unknown}</u></o>"));
    /* an extra attribute still counts */
    ck_assert(!HIT(m, "POST", "/",
                   DOC("x=\"1\"", "1", "A1", "2024-01-31", "31.01.2024", "20240131", "<t></t>",
                       "${xmlunit.unknown}")));
    /* without "placeholders" the document is plain text */
    ck_assert(HIT("{'body': {'xmlEquals': '<a b=\\\"${xmlunit.isNumber}\\\"/>'}}", "POST", "/",
                  "<a b=\"${xmlunit.isNumber}\"/>"));
    ck_assert(!HIT("{'body': {'xmlEquals': '<a b=\\\"${xmlunit.isNumber}\\\"/>'}}", "POST", "/",
                   "<a b=\"1\"/>"));
    /* a format's quoted and non-ASCII literals */
    ck_assert(HIT("{'body': {'xmlEquals': '<a>${xmlunit.isDateTime(yyyy\\u0027T\\u0027HH\xc3\xa9"
                  "mm)}"
                  "</a>', 'placeholders': true}}",
                  "POST", "/",
                  "<a>2024T10\xc3\xa9"
                  "30</a>"));
    ck_assert(!HIT("{'body': {'xmlEquals': '<a>${xmlunit.isDateTime(yyyy\\u0027T\\u0027HH\xc3\xa9"
                   "mm)}"
                   "</a>', 'placeholders': true}}",
                   "POST", "/", "<a>2024T10e30</a>"));
    /* other delimiters; a regex with parentheses is no placeholder to XMLUnit */
    ck_assert(HIT("{'body': {'xmlEquals': '<a>[[ xmlunit.isNumber ]]</a>',"
                  " 'placeholders': {'open': '\\\\[\\\\[', 'close': ']]'}}}",
                  "POST", "/", "<a>7</a>"));
    ck_assert(HIT("{'body': {'xmlEquals': '<a>${xmlunit.matchesRegex((x|y)+)}</a>',"
                  " 'placeholders': true}}",
                  "POST", "/", "<a>${xmlunit.matchesRegex((x|y)+)}</a>"));
#undef DOC
}
END_TEST

START_TEST(test_all_conditions_and)
{
    const char *m = "{'method': 'POST', 'path': '/v1/charges', 'query': {'expand': 'customer'},"
                    " 'headers': {'Authorization': {'matches': '^Bearer \\\\w+'}},"
                    " 'body': {'json': {'currency': 'eur'}}}";

    ck_assert(HIT(m, "POST", "/v1/charges?expand=customer", "{\"currency\":\"eur\",\"a\":1}",
                  "Authorization: Bearer x"));
    ck_assert(!HIT(m, "PUT", "/v1/charges?expand=customer", "{\"currency\":\"eur\"}",
                   "Authorization: Bearer x"));
    ck_assert(!HIT(m, "POST", "/v1/charge?expand=customer", "{\"currency\":\"eur\"}",
                   "Authorization: Bearer x"));
    ck_assert(!HIT(m, "POST", "/v1/charges", "{\"currency\":\"eur\"}", "Authorization: Bearer x"));
    ck_assert(!HIT(m, "POST", "/v1/charges?expand=customer", "{\"currency\":\"eur\"}"));
    ck_assert(!HIT(m, "POST", "/v1/charges?expand=customer", "{}", "Authorization: Bearer x"));
}
END_TEST

/* --- misses ------------------------------------------------------------- */

START_TEST(test_miss_kind_and_score)
{
    struct mr_scenario *sc = load(
        "{'routes': [{'request': {'method': 'POST', 'path': '/p', 'query': {'a': '1', 'b': '2'},"
        " 'headers': {'H': 'x'}, 'body': {'contains': 'z'}}}]}");
    const struct mr_matcher *m = &sc->routes[0].match;
    struct mr_miss miss;
    struct rq r;

    /* everything holds: 8 (path) + 4 (method) + 2 per query, header and body */
    ck_assert(mr_match(m, make(&r, "POST", "/p?a=1&b=2", "z", "H: x", NULL), &miss));
    ck_assert_int_eq(miss.kind, MR_MISS_NONE);
    ck_assert_int_eq(miss.score, 8 + 4 + 2 + 2 + 2 + 2);

    /* the first failing condition is reported, in the order path, method, query, header, body */
    ck_assert(!mr_match(m, make(&r, "GET", "/q?a=1&b=2", "z", "H: x", NULL), &miss));
    ck_assert_int_eq(miss.kind, MR_MISS_PATH);
    ck_assert_int_eq(miss.score, 4 + 2 + 2 + 2 + 2 - 4); /* method failed too */
    ck_assert(!mr_match(m, make(&r, "GET", "/p?a=1&b=2", "z", "H: x", NULL), &miss));
    ck_assert_int_eq(miss.kind, MR_MISS_METHOD);
    ck_assert_int_eq(miss.score, 8 + 2 + 2 + 2 + 2);
    ck_assert(!mr_match(m, make(&r, "POST", "/p?a=1&b=3", "", "H: y", NULL), &miss));
    ck_assert_int_eq(miss.kind, MR_MISS_QUERY);
    ck_assert_uint_eq(miss.index, 1);
    ck_assert_int_eq(miss.score, 8 + 4 + 2);
    ck_assert(!mr_match(m, make(&r, "POST", "/p?a=1&b=2", "", "H: y", NULL), &miss));
    ck_assert_int_eq(miss.kind, MR_MISS_HEADER);
    ck_assert_uint_eq(miss.index, 0);
    ck_assert(!mr_match(m, make(&r, "POST", "/p?a=1&b=2", "", "H: x", NULL), &miss));
    ck_assert_int_eq(miss.kind, MR_MISS_BODY);
    ck_assert_int_eq(miss.score, 8 + 4 + 2 + 2 + 2);
    mr_scenario_free(sc);
}
END_TEST

/* --- the router --------------------------------------------------------- */

static struct mr_router *router(const struct mr_scenario *sc)
{
    struct mr_router *r = NULL;
    struct mr_error err;
    ck_assert_int_eq(mr_router_new(&r, sc, &err), 0);
    ck_assert_ptr_nonnull(r);
    return r;
}

static long route_for(const struct mr_router *rt, size_t service, const char *method,
                      const char *target, const char *body)
{
    struct rq r;
    struct mr_request *req = make(&r, method, target, body, NULL);
    long i = mr_router_match(rt, service, req);
    mr_request_release(req);
    return i;
}

START_TEST(test_router_file_order)
{
    /* a templated route before a literal one with the same path wins, and the other way round */
    struct mr_scenario *sc = load("{'services': {"
                                  " 'a': {'routes': ["
                                  "  {'id': 't', 'request': {'path': '/users/:id'}},"
                                  "  {'id': 'l', 'request': {'path': '/users/me'}}]},"
                                  " 'b': {'routes': ["
                                  "  {'id': 'l2', 'request': {'path': '/users/me'}},"
                                  "  {'id': 't2', 'request': {'path': '/users/:id'}},"
                                  "  {'id': 'rx', 'request': {'pathPattern': '/users/.*'}}]}}}");
    struct mr_router *rt = router(sc);

    ck_assert_int_eq(route_for(rt, 0, "GET", "/users/me", NULL), 0);
    ck_assert_int_eq(route_for(rt, 0, "GET", "/users/42", NULL), 0);
    ck_assert_int_eq(route_for(rt, 1, "GET", "/users/me", NULL), 2);
    ck_assert_int_eq(route_for(rt, 1, "GET", "/users/42", NULL), 3);
    ck_assert_int_eq(route_for(rt, 1, "GET", "/users/", NULL), 4); /* only the regex takes it */
    ck_assert_int_eq(route_for(rt, 0, "GET", "/users/", NULL), -1);
    ck_assert_int_eq(route_for(rt, 0, "GET", "/nothing", NULL), -1);
    /* a service only sees its own routes; an unknown service matches nothing */
    ck_assert_int_eq(route_for(rt, 2, "GET", "/users/me", NULL), -1);
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_router_same_literal_path)
{
    /* several routes on one literal path: the first whose other conditions hold */
    struct mr_scenario *sc = load("{'routes': ["
                                  " {'id': 'get', 'request': {'method': 'GET', 'path': '/a'}},"
                                  " {'id': 'any', 'request': {'path': '/*'}},"
                                  " {'id': 'post', 'request': {'method': 'POST', 'path': '/a'}},"
                                  " {'id': 'body', 'request': {'method': 'PUT', 'path': '/a',"
                                  "  'body': {'equals': 'x'}}},"
                                  " {'id': 'put', 'request': {'method': 'PUT', 'path': '/a'}}]}");
    struct mr_router *rt = router(sc);

    ck_assert_int_eq(route_for(rt, 0, "GET", "/a", NULL), 0);
    ck_assert_int_eq(route_for(rt, 0, "POST", "/a", NULL),
                     1); /* the catch-all comes before "post" */
    mr_router_free(rt);
    mr_scenario_free(sc);

    sc =
        load("{'routes': ["
             " {'id': 'get', 'request': {'method': 'GET', 'path': '/a'}},"
             " {'id': 'post', 'request': {'method': 'POST', 'path': '/a'}},"
             " {'id': 'body', 'request': {'method': 'PUT', 'path': '/a', 'body': {'equals': 'x'}}},"
             " {'id': 'put', 'request': {'method': 'PUT', 'path': '/a'}},"
             " {'id': 'any', 'request': {'path': '/*'}}]}");
    rt = router(sc);
    ck_assert_int_eq(route_for(rt, 0, "POST", "/a", NULL), 1);
    ck_assert_int_eq(route_for(rt, 0, "PUT", "/a", "x"), 2);
    ck_assert_int_eq(route_for(rt, 0, "PUT", "/a", "y"), 3);
    ck_assert_int_eq(route_for(rt, 0, "DELETE", "/a", NULL), 4);
    ck_assert_int_eq(route_for(rt, 0, "DELETE", "/b", NULL), 4);
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_router_no_request_matches_all)
{
    struct mr_scenario *sc = load("{'routes': [{'id': 'x', 'request': {'path': '/x'}}, {'id': "
                                  "'all'}]}");
    struct mr_router *rt = router(sc);

    ck_assert_int_eq(route_for(rt, 0, "GET", "/x", NULL), 0);
    ck_assert_int_eq(route_for(rt, 0, "PATCH", "/whatever/else", NULL), 1);
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_router_many_literal_routes)
{
    size_t n = 10000, i, len = 0, cap = n * 64 + 64;
    char *text = malloc(cap);
    struct mr_error_list errs;
    struct mr_scenario *sc = NULL;
    struct mr_router *rt;

    len += (size_t)snprintf(text + len, cap - len, "{\"routes\": [");
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "%s{\"id\": \"r%zu\", \"request\": {\"path\": \"/r/%zu\"}}",
                                i ? "," : "", i, i);
    len += (size_t)snprintf(text + len, cap - len, "]}");
    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(mr_scenario_parse_one(&sc, "many.json", text, len, &errs), 0);
    free(text);
    rt = router(sc);
    ck_assert_int_eq(route_for(rt, 0, "GET", "/r/9999", NULL), 9999);
    ck_assert_int_eq(route_for(rt, 0, "GET", "/r/0", NULL), 0);
    ck_assert_int_eq(route_for(rt, 0, "GET", "/r/5000", NULL), 5000);
    ck_assert_int_eq(route_for(rt, 0, "GET", "/r/10000", NULL), -1);
    ck_assert_int_eq(route_for(rt, 0, "GET", "/r/", NULL), -1);
    /* every route is reachable */
    for (i = 0; i < n; i += 97) {
        char path[32];
        snprintf(path, sizeof(path), "/r/%zu", i);
        ck_assert_int_eq(route_for(rt, 0, "GET", path, NULL), (long)i);
    }
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_router_next)
{
    struct mr_scenario *sc = load("{'routes': [{'request': {'path': '/a'}}, {'request': {'path': "
                                  "'/:x'}}, {'request': {'path': '/b'}}, {'request': {'path': "
                                  "'/a'}}]}");
    struct mr_router *rt = router(sc);
    struct rq r;
    struct mr_request *req = make(&r, "GET", "/a", NULL, NULL);

    ck_assert_int_eq(mr_router_next(rt, 0, req, -1), 0);
    ck_assert_int_eq(mr_router_next(rt, 0, req, 0), 1);
    ck_assert_int_eq(mr_router_next(rt, 0, req, 1), 3);
    ck_assert_int_eq(mr_router_next(rt, 0, req, 3), -1);
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_router_templates_file_order)
{
    /* literal, templated, pattern and path-less routes on overlapping paths: the
     * index must give what a scan in file order gives, through mr_router_next too */
    struct mr_scenario *sc = load("{'routes': ["
                                  " {'request': {'path': '/u/:id'}},"       /* 0 */
                                  " {'request': {'path': '/u/a/b'}},"       /* 1 */
                                  " {'request': {'path': '/u/*'}},"         /* 2 */
                                  " {'request': {'path': '/u/*/b'}},"       /* 3 */
                                  " {'request': {'pathPattern': '/u/.*'}}," /* 4 */
                                  " {'request': {'path': '/u/:id/:x'}},"    /* 5 */
                                  " {'request': {'method': 'POST'}},"       /* 6 */
                                  " {'request': {'path': '/u/a/'}},"        /* 7 */
                                  " {'request': {'path': '/*'}},"           /* 8 */
                                  " {'request': {'path': '/u/%41'}},"       /* 9 */
                                  " {'request': {'path': '/:a/%41'}},"      /* 10 */
                                  " {'request': {'path': '/:a/:b/*'}}]}");  /* 11 */
    struct mr_router *rt = router(sc);
    static const struct {
        const char *target;
        long want[12]; /* every GET match in order, then -1 */
    } cases[] = {
        /* %2F: one segment for a template, a slash for a literal path or a pattern */
        {"/u/a%2Fb", {0, 1, 2, 4, 8, -1}},
        {"/u/a/b", {1, 2, 3, 4, 5, 8, 11, -1}},
        {"/u/a/", {2, 4, 7, 8, 11, -1}}, /* :x needs a non-empty segment, a last * does not */
        {"/u/", {2, 4, 8, -1}},
        {"/u", {8, -1}},
        /* a literal path compares the decoded path; a template's literal segment, each
         * decoded segment */
        {"/u/%2541", {0, 2, 4, 8, 9, 10, -1}},
        {"/u/%41", {0, 2, 4, 8, -1}},
        {"/u//b", {2, 3, 4, 8, -1}}, /* an inner * takes an empty segment, :b does not */
        {"*", {-1}},                 /* no template takes a path without "/" */
    };
    size_t i, k;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rq r;
        struct mr_request *req = make(&r, "GET", cases[i].target, NULL, NULL);
        long at = -1;
        for (k = 0; k == 0 || cases[i].want[k - 1] >= 0; k++) {
            at = mr_router_next(rt, 0, req, at);
            ck_assert_msg(at == cases[i].want[k], "%s: match %zu is %ld, want %ld", cases[i].target,
                          k, at, cases[i].want[k]);
        }
        /* a POST also meets the path-less route, in its place */
        req = make(&r, "POST", cases[i].target, NULL, NULL);
        ck_assert_int_eq(mr_router_next(rt, 0, req, 5), 6);
    }
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

/* Thread CPU time in seconds: not the wall clock, so a busy machine does not fail the test. */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(test_router_many_templated_routes)
{
    /* 10,000 routes of every indexed shape; the last one costs about what the first does */
    size_t n = 10000, i, len = 0, cap = n * 96 + 64;
    char *text = malloc(cap);
    struct mr_error_list errs;
    struct mr_scenario *sc = NULL;
    struct mr_router *rt;
    struct rq r;
    struct mr_request *req;
    double t;
    static const char *const shapes[] = {"users/:id", "*/items/:id", "files/*", "users/:id/posts"};

    ck_assert_ptr_nonnull(text);
    len += (size_t)snprintf(text + len, cap - len, "{\"routes\": [");
    for (i = 0; i < n; i++) {
        len += (size_t)snprintf(text + len, cap - len,
                                "%s{\"request\": {\"method\": \"%s\", \"path\": \"/s%zu/%s\"}}",
                                i ? "," : "", i % 8 < 4 ? "POST" : "GET", i / 4, shapes[i % 4]);
    }
    len += (size_t)snprintf(text + len, cap - len, "]}");
    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(mr_scenario_parse_one(&sc, "many.json", text, len, &errs), 0);
    free(text);
    rt = router(sc);

    ck_assert_int_eq(route_for(rt, 0, "GET", "/s2499/users/7/posts", NULL), 9999);
    ck_assert_int_eq(route_for(rt, 0, "POST", "/s2499/users/7/posts", NULL), -1);
    ck_assert_int_eq(route_for(rt, 0, "GET", "/s2499/x/items/7", NULL), 9997);
    ck_assert_int_eq(route_for(rt, 0, "GET", "/s2499/files/a/b", NULL), 9998);
    ck_assert_int_eq(route_for(rt, 0, "POST", "/s2498/files/", NULL), 9994);
    ck_assert_int_eq(route_for(rt, 0, "POST", "/s0/users/7", NULL), 0);
    ck_assert_int_eq(route_for(rt, 0, "GET", "/s0/users/7", NULL), -1);
    ck_assert_int_eq(route_for(rt, 0, "GET", "/s2500/users/7", NULL), -1);

    /* a scan of these 10,000 routes takes about 500 us a request; the index, under 1 us */
    req = make(&r, "GET", "/s2499/users/7/posts", NULL, NULL);
    t = cpu_seconds();
    for (i = 0; i < 2000; i++)
        ck_assert_int_eq(mr_router_match(rt, 0, req), 9999);
    t = cpu_seconds() - t;
    ck_assert_msg(t < 0.1, "2,000 lookups took %.3f s of CPU", t);
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

/* --- the router against a scan in file order, on random routes ----------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t pick(size_t n)
{
    return (size_t)(rnd() % n);
}

static const char *pick_of(const char *const *words, size_t n)
{
    return words[pick(n)];
}
#define PICK(words) pick_of(words, sizeof(words) / sizeof(words[0]))

/* Appends printf text to buf (room: size) at *len. */
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf + *len, size - *len, fmt, ap);
    va_end(ap);
    ck_assert(n >= 0 && (size_t)n < size - *len);
    *len += (size_t)n;
}

#define MAX_PROP_SEGS 5

/* A route's path, as segments so requests can be made to fit it, or its pattern. */
struct prop_route {
    const char *segs[MAX_PROP_SEGS];
    size_t nsegs; /* 0: no path */
    const char *pattern;
};

/* Segments a route's path is made of: literals (one is "%41", which only a
 * request's "%2541" decodes to), parameters and stars. */
static const char *const route_segs[] = {"a",   "b",   "ab",  "",   "A", "%41",
                                         "a b", "x.y", ":id", ":x", "*"};
/* What requests put in a segment: escapes good and bad, encoded slashes. */
static const char *const req_segs[] = {"a",   "b",     "ab",  "",     "A",     "%41",   "%61",
                                       "%2F", "a%2Fb", "%",   "%zz",  "%4",    "a%20b", "%2541",
                                       "42",  "x.y",   "%2e", "a%2f", "%C3%A9"};
static const char *const patterns[] = {"/a/.*", "/[ab]/[^/]*", "/a|/b",        "/.*/b",
                                       "/A",    "/a/",         "/(a|ab)(/.*)?"};
static const char *const methods[] = {"GET", "POST", "ANY", "get"};

/* A random route (sometimes with the path of an earlier one) as scenario JSON. */
static void prop_route(struct prop_route *pr, const struct prop_route *earlier, size_t nearlier,
                       char *buf, size_t size, size_t *len)
{
    const char *sep = "";
    size_t k, kind = pick(100);

    memset(pr, 0, sizeof(*pr));
    if (nearlier && kind < 15)
        *pr = earlier[pick(nearlier)];
    else if (kind < 25)
        pr->pattern = PICK(patterns);
    else if (kind < 85)
        for (pr->nsegs = 1 + pick(MAX_PROP_SEGS), k = 0; k < pr->nsegs; k++)
            pr->segs[k] = PICK(route_segs);
    /* else: no path condition */
    append(buf, size, len, "{\"request\": {");
    if (pick(3) == 0) {
        append(buf, size, len, "\"method\": \"%s\"", PICK(methods));
        sep = ", ";
    }
    if (pick(6) == 0) {
        append(buf, size, len, "%s\"headers\": {\"X-K\": \"1\"}", sep);
        sep = ", ";
    }
    if (pr->pattern) {
        append(buf, size, len, "%s\"pathPattern\": \"%s\"", sep, pr->pattern);
    } else if (pr->nsegs) {
        append(buf, size, len, "%s\"path\": \"", sep);
        for (k = 0; k < pr->nsegs; k++)
            append(buf, size, len, "/%s", pr->segs[k]);
        append(buf, size, len, "\"");
    }
    append(buf, size, len, "}}");
}

/* A random request target: often one made to fit a route, segment by segment. */
static void prop_target(const struct prop_route *routes, size_t nroutes, char *buf, size_t size)
{
    size_t len = 0, k, n;
    const struct prop_route *pr = &routes[pick(nroutes)];

    if (pick(40) == 0) {
        snprintf(buf, size, "%s", pick(2) ? "*" : "");
        return;
    }
    if (!pr->nsegs || pick(3) == 0) {
        n = pick(MAX_PROP_SEGS + 1);
        for (k = 0; k < n || k == 0; k++)
            append(buf, size, &len, "/%s", PICK(req_segs));
        return;
    }
    for (k = 0; k < pr->nsegs; k++) {
        const char *s = pr->segs[k];
        if (s[0] == ':' || s[0] == '*') {
            append(buf, size, &len, "/%s", PICK(req_segs));
            if (s[0] == '*' && k + 1 == pr->nsegs && pick(2))
                append(buf, size, &len, "/%s", PICK(req_segs));
        } else if (strcmp(s, "a") == 0 && pick(3) == 0) {
            append(buf, size, &len, "/%s", pick(2) ? "%61" : "%2561");
        } else {
            append(buf, size, &len, "/%s", strcmp(s, "a b") == 0 ? "a%20b" : s);
        }
    }
    if (pick(8) == 0)
        append(buf, size, &len, "/");
    if (len == 0)
        append(buf, size, &len, "/");
}

static long scan(const struct mr_scenario *sc, size_t service, struct mr_request *req, long after)
{
    size_t i;

    if (service >= sc->nservices)
        return -1;
    for (i = sc->services[service].first_route;
         i < sc->services[service].first_route + sc->services[service].nroutes; i++)
        if ((long)i > after && mr_match(&sc->routes[i].match, req, NULL))
            return (long)i;
    return -1;
}

START_TEST(test_router_equals_scan)
{
    const char *seed_env = getenv("MOCKRUN_TEST_SEED");
    uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) : 0x6d6f636b72756eull;
    struct timespec t0, t1;
    size_t iter, checked = 0;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (iter = 0; iter < 3000; iter++) {
        static char text[16384];
        struct prop_route routes[40];
        size_t nroutes, split, len = 0, i, q;
        struct mr_error_list errs;
        struct mr_scenario *sc = NULL;
        struct mr_router *rt;

        rng_state = seed + iter * 0x100000001b3ull;
        nroutes = 1 + pick(40);
        split = pick(nroutes + 1);
        append(text, sizeof(text), &len, "{\"services\": {\"s0\": {\"routes\": [");
        for (i = 0; i < nroutes; i++) {
            if (i == split)
                append(text, sizeof(text), &len, "]}, \"s1\": {\"routes\": [");
            else if (i)
                append(text, sizeof(text), &len, ", ");
            prop_route(&routes[i], routes, i, text, sizeof(text), &len);
        }
        append(text, sizeof(text), &len, "]}%s}}",
               split == nroutes ? ", \"s1\": {\"routes\": []}" : "");
        memset(&errs, 0, sizeof(errs));
        if (mr_scenario_parse_one(&sc, "prop.json", text, len, &errs) != 0) {
            char line[1024];
            mr_error_format(&errs.items[0], line, sizeof(line));
            ck_abort_msg("seed %#llx iteration %zu: %s\n%s", (unsigned long long)seed, iter, line,
                         text);
        }
        rt = router(sc);
        for (q = 0; q < 24; q++) {
            char target[256];
            struct rq r;
            struct mr_request *req;
            size_t service = pick(3); /* 2: no such service */
            long at = -1, want;

            prop_target(routes, nroutes, target, sizeof(target));
            req = make(&r, pick(2) ? "GET" : "POST", target, NULL, pick(2) ? "X-K: 1" : NULL, NULL);
            /* the whole sequence of matches, then from arbitrary points */
            do {
                want = scan(sc, service, req, at);
                ck_assert_msg(mr_router_next(rt, service, req, at) == want,
                              "seed %#llx iteration %zu: %s %s, service %zu, after %ld: router "
                              "says %ld, a scan %ld\n%s",
                              (unsigned long long)seed, iter, req->method, target, service, at,
                              mr_router_next(rt, service, req, at), want, text);
                at = want;
                checked++;
            } while (want >= 0);
            at = (long)pick(sc->nroutes + 2) - 1;
            ck_assert_msg(mr_router_next(rt, service, req, at) == scan(sc, service, req, at),
                          "seed %#llx iteration %zu: %s, after %ld\n%s", (unsigned long long)seed,
                          iter, target, at, text);
            mr_request_release(req);
        }
        mr_router_free(rt);
        mr_scenario_free(sc);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (t1.tv_sec - t0.tv_sec >= 3) /* a slow (sanitized, busy) build checks fewer */
            break;
    }
    ck_assert_uint_gt(checked, 1000);
}
END_TEST

/* --- near misses -------------------------------------------------------- */

static const char *checkout =
    "{'services': {'payments': {'routes': ["
    " {'id': 'create-charge', 'request': {'method': 'POST', 'path': '/v1/charges',"
    "   'headers': {'Authorization': {'matches': '^Bearer \\\\w+'}},"
    "   'query': {'expand': 'customer', 'debug': {'absent': true}},"
    "   'body': {'json': {'currency': 'eur'}}}},"
    " {'id': 'get-charge', 'request': {'method': 'GET', 'path': '/v1/charges/:id'}},"
    " {'id': 'refund', 'request': {'method': 'POST', 'pathPattern': '/v1/refunds/\\\\d+',"
    "   'body': {'equals': 'full'}}}]},"
    " 'empty': {'routes': []}}}";

/* The nearest route to a request and the text saying why it did not match. */
static long nearest(const struct mr_scenario *sc, const struct mr_router *rt, size_t service,
                    char *buf, size_t size, const char *method, const char *target,
                    const char *body, ...)
{
    struct rq r;
    struct mr_request *req;
    struct mr_miss miss;
    long i;
    va_list ap;

    va_start(ap, body);
    req = vmake(&r, method, target, body, ap);
    va_end(ap);
    ck_assert_int_eq(mr_router_match(rt, service, req), -1);
    i = mr_router_nearest(rt, service, req, &miss);
    mr_miss_describe(sc, i, &miss, req, buf, size);
    mr_request_release(req);
    return i;
}
#define NEAREST(...) nearest(__VA_ARGS__, (const char *)NULL)

START_TEST(test_nearest_and_describe)
{
    struct mr_scenario *sc = load(checkout);
    struct mr_router *rt = router(sc);
    char buf[600];
    const char *auth = "Authorization: Bearer tok";
    const char *eur = "{\"currency\":\"eur\"}";

    /* method */
    ck_assert_int_eq(NEAREST(sc, rt, 0, buf, sizeof(buf), "DELETE", "/v1/charges/ch_1", NULL), 1);
    ck_assert_str_eq(buf, "closest route \"get-charge\": method is DELETE, the route wants GET");
    ck_assert_int_eq(
        NEAREST(sc, rt, 0, buf, sizeof(buf), "GET", "/v1/charges?expand=customer", eur, auth), 0);
    ck_assert_str_eq(buf, "closest route \"create-charge\": method is GET, the route wants POST");

    /* path */
    ck_assert_int_eq(NEAREST(sc, rt, 0, buf, sizeof(buf), "GET", "/v2/charges/x", NULL), 1);
    ck_assert_str_eq(buf, "closest route \"get-charge\": path \"/v2/charges/x\" does not match "
                          "\"/v1/charges/:id\"");
    /* (with debug=1, create-charge holds one condition less than refund) */
    ck_assert_int_eq(NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/v1/refunds/x?debug=1", "full"),
                     2);
    ck_assert_str_eq(buf, "closest route \"refund\": path \"/v1/refunds/x\" does not match "
                          "pattern \"/v1/refunds/\\d+\"");

    /* query: missing, wrong, should be absent */
    ck_assert_int_eq(NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/v1/charges", eur, auth), 0);
    ck_assert_str_eq(buf, "closest route \"create-charge\": query parameter expand is missing");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/v1/charges?expand=card", eur, auth);
    ck_assert_str_eq(buf, "closest route \"create-charge\": query parameter expand is \"card\", "
                          "the route wants equal to \"customer\"");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/v1/charges?expand=customer&debug=1", eur, auth);
    ck_assert_str_eq(buf, "closest route \"create-charge\": query parameter debug should be "
                          "absent");

    /* header: missing, wrong */
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/v1/charges?expand=customer", eur);
    ck_assert_str_eq(buf, "closest route \"create-charge\": header Authorization is missing");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/v1/charges?expand=customer", eur,
            "authorization: Basic dXNlcg==");
    ck_assert_str_eq(buf, "closest route \"create-charge\": header Authorization is \"Basic "
                          "dXNlcg==\", the route wants matching \"^Bearer \\w+\"");

    /* body: not JSON, JSON without the member, text */
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/v1/charges?expand=customer", "currency=eur",
            auth);
    ck_assert_str_eq(buf, "closest route \"create-charge\": body is not JSON, the route wants a "
                          "body containing JSON {\"currency\":\"eur\"}");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/v1/charges?expand=customer",
            "{\"currency\":\"usd\"}", auth);
    ck_assert_str_eq(buf, "closest route \"create-charge\": body.currency is \"usd\", the route "
                          "wants \"eur\"");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/v1/charges?expand=customer", "{\"amount\":1}",
            auth);
    ck_assert_str_eq(buf, "closest route \"create-charge\": body.currency is missing, the route "
                          "wants \"eur\"");
    ck_assert_int_eq(NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/v1/refunds/12", "partial"), 2);
    ck_assert_str_eq(buf, "closest route \"refund\": body \"partial\" is not equal to \"full\"");

    /* a service without routes */
    ck_assert_int_eq(NEAREST(sc, rt, 1, buf, sizeof(buf), "GET", "/", NULL), -1);
    ck_assert_str_eq(buf, "the service has no routes");
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_describe_json_differences)
{
    struct mr_scenario *sc = load("{'routes': ["
                                  " {'id': 'eq', 'request': {'path': '/eq',"
                                  "   'body': {'jsonEquals': {'a': {'b': [1, 2]}, 'c': 'd'}}}},"
                                  " {'id': 'sub', 'request': {'path': '/sub',"
                                  "   'body': {'json': {'a': {'b': [1, 2]}}}}}]}");
    struct mr_router *rt = router(sc);
    char buf[600];

    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/eq", "{\"a\": {\"b\": [1, 3]}, \"c\": \"d\"}");
    ck_assert_str_eq(buf, "closest route \"eq\": body.a.b[1] is 3, the route wants 2");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/eq",
            "{\"a\": {\"b\": [1, 2]}, \"c\": \"d\", \"x\": 1}");
    ck_assert_str_eq(buf, "closest route \"eq\": body.x is 1, the route wants no such member");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/sub", "{\"a\": {\"b\": [1, 2, 3]}}");
    ck_assert_str_eq(buf, "closest route \"sub\": body.a.b is [1,2,3], the route wants [1,2]");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/sub", "[1]");
    ck_assert_str_eq(buf, "closest route \"sub\": body is [1], the route wants "
                          "{\"a\":{\"b\":[1,2]}}");
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_describe_json_paths)
{
    struct mr_scenario *sc =
        load("{'routes': [{'id': 'p', 'request': {'path': '/p', 'body': {'jsonPath':"
             " {'user.role': 'admin', '$.items[0].sku': {'matches': '^A'},"
             "  'debug': {'absent': true}, 'token': {'present': true}}}}}]}");
    struct mr_router *rt = router(sc);
    char buf[600];

    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/p", "{\"user\": {\"role\": \"guest\"}}");
    ck_assert_str_eq(buf,
                     "closest route \"p\": body user.role is \"guest\", the route wants equal to "
                     "\"admin\"");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/p", "{\"user\": {\"role\": \"admin\"}}");
    ck_assert_str_eq(buf, "closest route \"p\": body $.items[0].sku is missing, the route wants "
                          "matching \"^A\"");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/p",
            "{\"user\": {\"role\": \"admin\"}, \"items\": [{\"sku\": \"A1\"}], \"debug\": 1}");
    ck_assert_str_eq(buf, "closest route \"p\": body debug is 1, the route wants it absent");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/p",
            "{\"user\": {\"role\": \"admin\"}, \"items\": [{\"sku\": \"A1\"}]}");
    ck_assert_str_eq(buf, "closest route \"p\": body token is missing, the route wants it present");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/p", "role=admin");
    ck_assert_str_eq(buf, "closest route \"p\": body is not JSON, the route wants a JSON body");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/p", "<user><role>admin</user>",
            "Content-Type: text/xml");
    ck_assert_str_eq(buf, "closest route \"p\": body is not well-formed XML, the route wants a "
                          "JSON body");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/p", "<user><role>admin</role></user>",
            "Content-Type: text/xml");
    ck_assert_str_eq(buf, "closest route \"p\": body user.role is {\"_text\":\"admin\"}, the route "
                          "wants equal to \"admin\"");
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_describe_not)
{
    struct mr_scenario *sc =
        load("{'routes': [{'id': 'n', 'request': {'path': '/n',"
             " 'query': {'q': {'not': 'x'}, 'p': {'not': {'absent': true}}},"
             " 'headers': {'X-A': {'not': {'present': true}}},"
             " 'body': {'jsonPath': {'role': {'not': {'matches': '^adm'}}}}}}]}");
    struct mr_router *rt = router(sc);
    char buf[600];

    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/n?q=y&q=x&p=1", NULL);
    ck_assert_str_eq(buf, "closest route \"n\": query parameter q is \"x\", the route wants not "
                          "equal to \"x\"");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/n?q=y", NULL);
    ck_assert_str_eq(buf, "closest route \"n\": query parameter p is missing");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/n?p=1", NULL, "X-A: 1");
    ck_assert_str_eq(buf, "closest route \"n\": header X-A should be absent");
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/n?p=1", "{\"role\": \"admin\"}");
    ck_assert_str_eq(buf, "closest route \"n\": body role is \"admin\", the route wants not "
                          "matching \"^adm\"");
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_nearest_prefers_more_conditions_held)
{
    struct mr_scenario *sc = load("{'routes': ["
                                  " {'id': 'a', 'request': {'method': 'GET', 'path': '/x'}},"
                                  " {'id': 'b', 'request': {'method': 'POST', 'path': '/y',"
                                  "   'headers': {'H': '2'}}},"
                                  " {'id': 'c', 'request': {'method': 'POST', 'path': '/y',"
                                  "   'headers': {'H': '1'}, 'query': {'q': '1'}}}]}");
    struct mr_router *rt = router(sc);
    char buf[600];

    /* path + method beat method alone; the earlier route wins a tie */
    ck_assert_int_eq(NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/y", NULL), 1);
    ck_assert_str_eq(buf, "closest route \"b\": header H is missing");
    /* c holds more (path, method, header) than b can */
    ck_assert_int_eq(NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/y?q=2", NULL, "H: 1"), 2);
    ck_assert_str_eq(buf, "closest route \"c\": query parameter q is \"2\", the route wants equal "
                          "to \"1\"");
    ck_assert_int_eq(NEAREST(sc, rt, 0, buf, sizeof(buf), "PUT", "/x", NULL), 0);
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_describe_truncates_long_values)
{
    struct mr_scenario *sc = load("{'routes': [{'id': 'r', 'request': {'body': {'equals': 'x'},"
                                  " 'headers': {'H': 'x'}}}]}");
    struct mr_router *rt = router(sc);
    char big[400], buf[600], small[40];
    struct rq r;
    struct mr_request *req;
    struct mr_miss miss;
    char hdr[420];

    memset(big, 'b', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/", big, "H: x");
    /* at most 120 bytes of the body, then "..." */
    ck_assert_ptr_nonnull(strstr(buf, "body \""));
    ck_assert_ptr_nonnull(strstr(buf, "\"... is not equal to \"x\""));
    ck_assert_uint_lt(strlen(buf), 200);

    snprintf(hdr, sizeof(hdr), "H: %s", big);
    NEAREST(sc, rt, 0, buf, sizeof(buf), "POST", "/", "x", hdr);
    ck_assert_uint_lt(strlen(buf), 200); /* at most 80 bytes of a header value */

    /* a small buffer is never overrun */
    req = make(&r, "POST", "/", big, "H: x", NULL);
    mr_router_nearest(rt, 0, req, &miss);
    memset(small, 'Z', sizeof(small));
    mr_miss_describe(sc, 0, &miss, req, small, 20);
    ck_assert_uint_eq(strlen(small), 19);
    ck_assert_int_eq(small[20], 'Z');
    mr_request_release(req);
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

/* --- explaining an unmatched request: closest routes, verdicts, JSON diffs --- */

/* The server's explanation of a request no route of `service` matches. */
static void explain(const struct mr_router *rt, size_t service, char *buf, size_t size,
                    const char *method, const char *target, const char *body, ...)
{
    struct rq r;
    struct mr_request *req;
    va_list ap;

    va_start(ap, body);
    req = vmake(&r, method, target, body, ap);
    va_end(ap);
    ck_assert_int_eq(mr_router_match(rt, service, req), -1);
    mr_router_explain(rt, service, req, buf, size);
    mr_request_release(req);
}
#define EXPLAIN(...) explain(__VA_ARGS__, (const char *)NULL)

/* The closest routes' ids, space-separated, e.g. "b a c". */
static void closest_ids(const struct mr_scenario *sc, const struct mr_router *rt, char *out,
                        size_t size, const char *method, const char *target, const char *body, ...)
{
    struct mr_candidate c[MR_MISS_CLOSEST];
    struct rq r;
    struct mr_request *req;
    size_t n, i, len = 0;
    va_list ap;

    va_start(ap, body);
    req = vmake(&r, method, target, body, ap);
    va_end(ap);
    n = mr_router_closest(rt, 0, req, c, MR_MISS_CLOSEST);
    out[0] = '\0';
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, size - len, "%s%s", i ? " " : "",
                                sc->routes[c[i].route].id);
    mr_request_release(req);
}
#define CLOSEST(...) closest_ids(__VA_ARGS__, (const char *)NULL)

START_TEST(test_closest_ranking)
{
    /* for POST /v1/charges with {"amount": 1}: `path` fails 1 of 2 (far path), `body2`
     * fails 1 of 3 with 2 differences, `body1` 1 of 3 with 1, `two` 2 of 3, `none`
     * shares nothing */
    struct mr_scenario *sc =
        load("{'routes': ["
             " {'id': 'none', 'request': {'method': 'GET', 'path': '/v1/charges/x/y'}},"
             " {'id': 'two', 'request': {'method': 'POST', 'path': '/v2', 'query': {'q': '1'}}},"
             " {'id': 'path', 'request': {'method': 'POST', 'path': '/v1/chargesXYZ'}},"
             " {'id': 'body2', 'request': {'method': 'POST', 'path': '/v1/charges',"
             "   'body': {'json': {'amount': 2, 'currency': 'eur'}}}},"
             " {'id': 'near', 'request': {'method': 'POST', 'path': '/v1/chargez'}},"
             " {'id': 'body1', 'request': {'method': 'POST', 'path': '/v1/charges',"
             "   'body': {'json': {'amount': 2}}}}]}");
    struct mr_router *rt = router(sc);
    char ids[200];

    /* 1 failure each; distance: body1 1, near 1 (file order: body1 is later), body2 2,
     * path 3 */
    CLOSEST(sc, rt, ids, sizeof(ids), "POST", "/v1/charges", "{\"amount\": 1}");
    ck_assert_str_eq(ids, "near body1 body2");
    /* path and near fail 1 (2 edits each: file order), body1 and body2 fail 2 (path
     * and body), body1 with one body difference, body2 with two */
    CLOSEST(sc, rt, ids, sizeof(ids), "POST", "/v1/chargesX", "{}");
    ck_assert_str_eq(ids, "path near body1");
    /* two fails only its query; near and path fail only their path, the nearer first;
     * body1 and body2 fail two (path, body) */
    CLOSEST(sc, rt, ids, sizeof(ids), "POST", "/v2?q=2", NULL);
    ck_assert_str_eq(ids, "two near path");
    /* routes that share nothing are listed only when no route shares anything */
    CLOSEST(sc, rt, ids, sizeof(ids), "PUT", "/v1/charges/x/z", NULL);
    ck_assert_str_eq(ids, "none path near"); /* by path edits: 1, 3, 5 */
    CLOSEST(sc, rt, ids, sizeof(ids), "GET", "/v1/charges/x/z", NULL);
    ck_assert_str_eq(ids, "none");
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_closest_ties_and_templates)
{
    struct mr_scenario *sc = load("{'routes': ["
                                  " {'id': 'a', 'request': {'method': 'GET', 'path': '/u/:id/x'}},"
                                  " {'id': 'b', 'request': {'method': 'GET', 'path': '/u/:id/y'}},"
                                  " {'id': 'c', 'request': {'method': 'GET', 'path': '/u/:id/yy'}},"
                                  " {'id': 'd', 'request': {'method': 'GET', 'path': '/q/*'}}]}");
    struct mr_router *rt = router(sc);
    char ids[200];

    /* a `:name` takes any segment: /u/7/yz is one edit from b and c, two from a; d's
     * `q` is one edit from `u` and its trailing `*` takes the rest */
    CLOSEST(sc, rt, ids, sizeof(ids), "GET", "/u/7/yz", NULL);
    ck_assert_str_eq(ids, "b c d");
    /* equal distances: file order (c is two edits away) */
    CLOSEST(sc, rt, ids, sizeof(ids), "GET", "/u/7/z", NULL);
    ck_assert_str_eq(ids, "a b d");
    /* a missing segment costs its length and its slash */
    CLOSEST(sc, rt, ids, sizeof(ids), "GET", "/u/7", NULL);
    ck_assert_str_eq(ids, "d a b");
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_explain_verdicts)
{
    struct mr_scenario *sc = load(
        "{'routes': ["
        " {'id': 'all', 'request': {'method': 'POST', 'path': '/v1/charges',"
        "   'query': {'page': '1', 'q': {'contains': 'ab'}, 'debug': {'absent': true},"
        "             'x': {'not': 'no'}},"
        "   'headers': {'Authorization': {'matches': '^Bearer '}, 'X-Trace': {'present': true}},"
        "   'body': {'equals': 'full'}}},"
        " {'id': 'pat', 'request': {'method': 'GET', 'pathPattern': '^/v1/refunds/\\\\d+$'}}]}");
    struct mr_router *rt = router(sc);
    char buf[MR_MISS_TEXT_MAX];

    EXPLAIN(rt, 0, buf, sizeof(buf), "POST", "/v1/charge?page=1&q=zz&debug=1&x=no", "partial",
            "authorization: Basic abc");
    ck_assert_str_eq(
        buf, "no route matched POST /v1/charge; closest: \"all\" (7 of 9 conditions differ)\n"
             "  route \"all\": 7 of 9 conditions differ\n"
             "    method \u2713\n"
             "    path \u2717 (/v1/charge vs /v1/charges)\n"
             "    query page \u2713\n"
             "    query q \u2717 (\"zz\" vs containing \"ab\")\n"
             "    query debug \u2717 (\"1\" vs absent)\n"
             "    query x \u2717 (\"no\" vs not \"no\")\n"
             "    header Authorization \u2717 (\"Basic abc\" vs matching \"^Bearer \")\n"
             "    header X-Trace \u2717 (absent)\n"
             "    body \u2717 (\"partial\" vs \"full\")");
    EXPLAIN(rt, 0, buf, sizeof(buf), "GET", "/v1/refunds/x", NULL);
    ck_assert_str_eq(buf, "no route matched GET /v1/refunds/x; closest: \"pat\" (1 of 2 conditions "
                          "differ)\n"
                          "  route \"pat\": 1 of 2 conditions differ\n"
                          "    method \u2713\n"
                          "    path \u2717 (/v1/refunds/x vs pattern ^/v1/refunds/\\d+$)\n"
                          /* `all` shares two conditions: listed too */
                          "  route \"all\": 7 of 9 conditions differ\n"
                          "    method \u2717 (GET vs POST)\n"
                          "    path \u2717 (/v1/refunds/x vs /v1/charges)\n"
                          "    query page \u2717 (absent)\n"
                          "    query q \u2717 (absent)\n"
                          "    query debug \u2713\n"
                          "    query x \u2713\n"
                          "    header Authorization \u2717 (absent)\n"
                          "    header X-Trace \u2717 (absent)\n"
                          "    body \u2717 (\"\" vs \"full\")");
    /* one route's verdicts, closest or not (verification, for an expectation's route) */
    {
        struct rq r;
        struct mr_request *req = make(&r, "GET", "/v1/refunds/x", NULL, (const char *)NULL);
        mr_miss_route_report(sc, 0, req, buf, sizeof(buf));
        mr_request_release(req);
    }
    ck_assert(strncmp(buf,
                      "route \"all\": 7 of 9 conditions differ\n"
                      "    method \u2717 (GET vs POST)\n",
                      strlen("route \"all\": 7 of 9 conditions differ\n"
                             "    method \u2717 (GET vs POST)\n")) == 0);
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_explain_json_diff)
{
    struct mr_scenario *sc =
        load("{'routes': ["
             " {'id': 'eq', 'request': {'path': '/eq', 'body': {'jsonEquals':"
             "   {'amount': 1999, 'currency': 'eur', 'customer': {'id': 'c1', 'tags': ['a']},"
             "    'items': [{'sku': 'A1'}], 'odd key': true}}}},"
             " {'id': 'sub', 'request': {'path': '/sub', 'body': {'json': {'a': {'b': 1}}}}},"
             " {'id': 'jp', 'request': {'path': '/jp', 'body': {'jsonPath':"
             "   {'user.role': 'admin', 'debug': {'absent': true}, 'token': {'present': true},"
             "    'n': {'matches': '^[0-9]+$'}}}}}]}");
    struct mr_router *rt = router(sc);
    char buf[MR_MISS_TEXT_MAX];

    /* changed scalars, a type change, nested members, an extra and a missing array item,
     * a missing member, an unexpected one, a key that is no identifier */
    EXPLAIN(rt, 0, buf, sizeof(buf), "POST", "/eq",
            "{\"amount\": \"1999\", \"customer\": {\"id\": \"c2\", \"tags\": [\"a\", \"b\"]},"
            " \"items\": [{\"sku\": \"A2\"}, {\"sku\": \"B\"}], \"odd key\": true, \"x\": null}");
    ck_assert_str_eq(buf, "no route matched POST /eq; closest: \"eq\" (1 of 2 conditions differ)\n"
                          "  route \"eq\": 1 of 2 conditions differ\n"
                          "    path \u2713\n"
                          "    body \u2717 (7 differences)\n"
                          "      $.amount: expected 1999, got \"1999\"\n"
                          "      $.currency: missing, expected \"eur\"\n"
                          "      $.customer.id: expected \"c1\", got \"c2\"\n"
                          "      $.customer.tags[1]: unexpected, got \"b\"\n"
                          "      $.items[0].sku: expected \"A1\", got \"A2\"\n"
                          "      $.items[1]: unexpected, got {\"sku\":\"B\"}\n"
                          "      $.x: unexpected, got null\n"
                          /* jp shares `debug` (absent): listed */
                          "  route \"jp\": 4 of 5 conditions differ\n"
                          "    path \u2717 (/eq vs /jp)\n"
                          "    body user.role \u2717 (absent)\n"
                          "    body debug \u2713\n"
                          "    body token \u2717 (absent)\n"
                          "    body n \u2717 (absent)");

    /* `json` is a subset: extra members are fine, a type change is not; an array item
     * missing; a key that is no identifier; the whole body of another type */
    EXPLAIN(rt, 0, buf, sizeof(buf), "POST", "/sub", "{\"a\": {\"b\": \"1\", \"c\": 2}}");
    ck_assert_ptr_nonnull(strstr(buf, "    body \u2717 (1 difference)\n"
                                      "      $.a.b: expected 1, got \"1\""));
    EXPLAIN(rt, 0, buf, sizeof(buf), "POST", "/sub", "[1]");
    ck_assert_ptr_nonnull(strstr(buf, "      $: expected {\"a\":{\"b\":1}}, got [1]"));
    EXPLAIN(rt, 0, buf, sizeof(buf), "POST", "/sub", "a=1");
    ck_assert_ptr_nonnull(
        strstr(buf, "    body \u2717 (not JSON, wants JSON containing {\"a\":{\"b\":1}})"));
    EXPLAIN(rt, 0, buf, sizeof(buf), "POST", "/eq",
            "{\"amount\": 1999, \"currency\": \"eur\", \"customer\": {\"id\": \"c1\","
            " \"tags\": []}, \"items\": [{\"sku\": \"A1\"}], \"odd key\": false}");
    ck_assert_ptr_nonnull(strstr(buf, "    body \u2717 (2 differences)\n"
                                      "      $.customer.tags[0]: missing, expected \"a\"\n"
                                      "      $[\"odd key\"]: expected true, got false"));

    /* jsonPath: one condition per field */
    EXPLAIN(rt, 0, buf, sizeof(buf), "POST", "/jp",
            "{\"user\": {\"role\": \"guest\"}, \"debug\": 1, \"token\": \"t\", \"n\": \"x1\"}");
    ck_assert_str_eq(buf, "no route matched POST /jp; closest: \"jp\" (3 of 5 conditions differ)\n"
                          "  route \"jp\": 3 of 5 conditions differ\n"
                          "    path \u2713\n"
                          "    body user.role \u2717 (\"guest\" vs \"admin\")\n"
                          "    body debug \u2717 (1 vs absent)\n"
                          "    body token \u2713\n"
                          "    body n \u2717 (\"x1\" vs matching \"^[0-9]+$\")");
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_explain_elides_and_caps)
{
    struct mr_scenario *sc = load("{'routes': [{'id': 'r', 'request': {'path': '/r',"
                                  " 'headers': {'H': 'x'}, 'body': {'jsonEquals': {}}}}]}");
    struct mr_router *rt = router(sc);
    char buf[MR_MISS_TEXT_MAX], hdr[600], body[2000], want[300], tiny[24];
    struct rq r;
    struct mr_request *req;
    size_t i, n;

    /* a long value keeps 32 bytes at each end and says how many are left out */
    n = (size_t)snprintf(hdr, sizeof(hdr), "H: ");
    for (i = 0; i < 400; i++)
        hdr[n++] = i < 200 ? 'a' : 'z';
    hdr[n] = '\0';
    EXPLAIN(rt, 0, buf, sizeof(buf), "GET", "/r", "{}", hdr);
    snprintf(want, sizeof(want),
             "    header H \u2717 (\"%.32s\u2026(336 bytes left out)\u2026%.32s\" vs \"x\")",
             hdr + 3, hdr + 3 + 400 - 32);
    ck_assert_msg(strstr(buf, want), "%s", buf);

    /* never inside a UTF-8 sequence: "x" then 100 two-byte letters */
    n = (size_t)snprintf(hdr, sizeof(hdr), "H: x");
    for (i = 0; i < 100; i++)
        n += (size_t)snprintf(hdr + n, sizeof(hdr) - n, "\xc3\xa9");
    EXPLAIN(rt, 0, buf, sizeof(buf), "GET", "/r", "{}", hdr);
    ck_assert(mr_utf8_valid(buf, strlen(buf)));
    ck_assert_ptr_nonnull(strstr(buf, "(138 bytes left out)"));

    /* request bytes stay printable: '\n' only separates lines */
    EXPLAIN(rt, 0, buf, sizeof(buf), "GET", "/r\n\x01", "{}", "H: a\r\nb");
    ck_assert_ptr_nonnull(strstr(buf, "no route matched GET /r\\x0a\\x01; closest"));
    ck_assert_ptr_nonnull(strstr(buf, "(\"a\\x0d\\x0ab\" vs \"x\")"));

    /* at most MR_MISS_DIFF_LINES differences, then how many more */
    n = (size_t)snprintf(body, sizeof(body), "{");
    for (i = 0; i < 15; i++)
        n += (size_t)snprintf(body + n, sizeof(body) - n, "%s\"m%zu\": %zu", i ? ", " : "", i, i);
    snprintf(body + n, sizeof(body) - n, "}");
    EXPLAIN(rt, 0, buf, sizeof(buf), "GET", "/r", body, "H: x");
    ck_assert_ptr_nonnull(strstr(buf, "    body \u2717 (15 differences)\n"));
    ck_assert_ptr_nonnull(strstr(buf, "      $.m9: unexpected, got 9\n"
                                      "      ... and 5 more differences"));
    ck_assert_ptr_null(strstr(buf, "$.m10"));

    /* the text is capped, and says so; a small buffer is never overrun */
    req = make(&r, "GET", "/r", body, NULL);
    {
        struct mr_scenario *many;
        struct mr_router *mrt;
        char text[4000];
        n = (size_t)snprintf(text, sizeof(text), "{'routes': [");
        for (i = 0; i < 3; i++)
            n += (size_t)snprintf(text + n, sizeof(text) - n,
                                  "%s{'id': 'r%zu', 'request': {'path': '/r',"
                                  " 'headers': {'H': 'x%zu'}, 'body': {'jsonEquals': {}}}}",
                                  i ? ", " : "", i, i);
        snprintf(text + n, sizeof(text) - n, "]}");
        many = load(text);
        mrt = router(many);
        mr_router_explain(mrt, 0, req, buf, sizeof(buf));
        ck_assert_uint_lt(strlen(buf), MR_MISS_TEXT_MAX);
        mr_router_explain(mrt, 0, req, buf, 1200);
        ck_assert_uint_lt(strlen(buf), 1200);
        ck_assert_msg(strstr(buf, "more lines (the explanation is capped at 1200 bytes)"), "%s",
                      buf);
        memset(tiny, 'Z', sizeof(tiny));
        mr_router_explain(mrt, 0, req, tiny, 16);
        ck_assert_uint_eq(strlen(tiny), 15);
        ck_assert_int_eq(tiny[16], 'Z');
        mr_router_free(mrt);
        mr_scenario_free(many);
    }
    mr_request_release(req);

    /* a service without routes */
    mr_router_free(rt);
    sc->services[0].nroutes = 0; /* (restored below: mr_scenario_free reads routes) */
    rt = router(sc);
    req = make(&r, "GET", "/r", NULL, NULL);
    mr_router_explain(rt, 0, req, buf, sizeof(buf));
    ck_assert_str_eq(buf, "no route matched GET /r; the service has no routes");
    mr_request_release(req);
    sc->services[0].nroutes = 1;
    mr_router_free(rt);
    mr_scenario_free(sc);
}
END_TEST

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    return tc;
}

static Suite *match_suite(void)
{
    Suite *s = suite_create("match");
    TCase *tc;

    tc = tcase("query");
    tcase_add_test(tc, test_parse_query);
    tcase_add_test(tc, test_parse_query_scratch_size);
    tcase_add_test(tc, test_query_operators);
    tcase_add_test(tc, test_not_operator);
    suite_add_tcase(s, tc);

    tc = tcase("headers");
    tcase_add_test(tc, test_header_operators);
    tcase_add_test(tc, test_request_header_lookup);
    suite_add_tcase(s, tc);

    tc = tcase("method-path");
    tcase_add_test(tc, test_method);
    tcase_add_test(tc, test_path_literal);
    tcase_add_test(tc, test_path_params);
    tcase_add_test(tc, test_path_param_values);
    tcase_add_test(tc, test_path_pattern_params);
    tcase_add_test(tc, test_path_inner_star);
    tcase_add_test(tc, test_path_trailing_star);
    tcase_add_test(tc, test_path_pattern_anchored);
    suite_add_tcase(s, tc);

    tc = tcase("body");
    tcase_add_test(tc, test_body_text);
    tcase_add_test(tc, test_body_binary);
    tcase_add_test(tc, test_body_json_subset);
    tcase_add_test(tc, test_body_json_paths);
    tcase_add_test(tc, test_body_json_equals);
    tcase_add_test(tc, test_body_json_invalid);
    tcase_add_test(tc, test_body_json_parsed_once);
    tcase_add_test(tc, test_body_json_of_xml);
    tcase_add_test(tc, test_body_json_of_xml_once);
    tcase_add_test(tc, test_body_xml_placeholders);
    tcase_add_test(tc, test_all_conditions_and);
    tcase_add_test(tc, test_miss_kind_and_score);
    suite_add_tcase(s, tc);

    tc = tcase("router");
    tcase_add_test(tc, test_router_file_order);
    tcase_add_test(tc, test_router_same_literal_path);
    tcase_add_test(tc, test_router_no_request_matches_all);
    tcase_add_test(tc, test_router_many_literal_routes);
    tcase_add_test(tc, test_router_next);
    tcase_add_test(tc, test_router_templates_file_order);
    tcase_add_test(tc, test_router_many_templated_routes);
    tcase_add_test(tc, test_router_equals_scan);
    suite_add_tcase(s, tc);

    tc = tcase("near-miss");
    tcase_add_test(tc, test_nearest_and_describe);
    tcase_add_test(tc, test_describe_json_differences);
    tcase_add_test(tc, test_describe_json_paths);
    tcase_add_test(tc, test_describe_not);
    tcase_add_test(tc, test_nearest_prefers_more_conditions_held);
    tcase_add_test(tc, test_describe_truncates_long_values);
    suite_add_tcase(s, tc);

    tc = tcase("explain");
    tcase_add_test(tc, test_closest_ranking);
    tcase_add_test(tc, test_closest_ties_and_templates);
    tcase_add_test(tc, test_explain_verdicts);
    tcase_add_test(tc, test_explain_json_diff);
    tcase_add_test(tc, test_explain_elides_and_caps);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(match_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
