/*
 * fuzz_match.c - the request matcher and the route index: fuzzed requests
 * against a fixed scenario (every operator of the format, JSON conditions on
 * XML requests and XMLUnit's placeholders among them), or against routes
 * the input chooses, handled the way server/service.c does.
 *
 * Input framing (seeds in corpus/match/ read as text):
 *
 *     <service byte>[<route line>\n...\n]<method>\n<path>\n<query>\n<Name: value>\n...\n\n<body>
 *
 * The first byte, modulo 4, picks what the request is sent to: '0' is the
 * fixed scenario's "api", '1' its "auth", '2' no service at all, and '3' a
 * scenario made of the route lines that follow, up to an empty line (at most
 * 64 routes; a line "--" starts a second service). A route line is
 *
 *     [+][<method>][ ]<path>      e.g. "GET /users/:id", "/a/:b", "POST", "+ANY ~/v[0-9]+/.+"
 *
 * where the first space ends the method (a line without one is a path when
 * it starts with '/' or '~', else a method), a path starting with '~' is a
 * `pathPattern`, an empty one means no path condition, and a leading '+' adds
 * the condition "header X-Fuzz is present". Route sets the loader refuses are skipped. The request
 * is then checked against every service of that scenario.
 *
 * The request: method, path and query end at a newline; header lines follow
 * until an empty line (a line without ':' is a name with an empty value); the
 * rest, NULs included, is the body. Missing parts are empty.
 *
 * The matchers of `when` conditions in a route's `responses` and of the
 * expectations run too, as the server runs them.
 *
 * Oracles: the router's answers (mr_router_match, then mr_router_next, from
 * every match and from one more starting point) equal a linear scan of the
 * service's routes in file order (the index must not change the result);
 * mr_match agrees with itself with and without a miss report, and a match
 * reports no miss.
 */
#include "tests/fuzz/fuzz.h"

#include <stdbool.h>
#include <strings.h>

#include "common/error.h"
#include "scenarios/scenario.h"
#include "server/match.h"
#include "server/select.h"

/* The fixed scenario, in two literals (one would pass the 4095 characters C
 * compilers must accept); joined in LLVMFuzzerInitialize. */
static const char scenario_head[] =
    "{\n"
    "  \"name\": \"fuzz-match\",\n"
    "  \"services\": {\n"
    "    \"api\": {\n"
    "      \"routes\": [\n"
    "        {\"id\": \"health-a\", \"request\": {\"method\": \"GET\", \"path\": \"/health\",\n"
    "          \"headers\": {\"X-A\": {\"present\": true}}}},\n"
    "        {\"id\": \"health-b\", \"request\": {\"method\": \"GET\", \"path\": \"/health\"}},\n"
    "        {\"id\": \"root\", \"request\": {\"path\": \"/\"}},\n"
    "        {\"id\": \"get-charge\", \"request\": {\"method\": \"GET\",\n"
    "          \"path\": \"/v1/charges/:id\"}},\n"
    "        {\"id\": \"list-charges\", \"request\": {\"method\": \"get\",\n"
    "          \"path\": \"/v1/charges\",\n"
    "          \"query\": {\"limit\": {\"matches\": \"^[0-9]{1,3}$\"},\n"
    "                    \"cursor\": {\"absent\": true}}}},\n"
    "        {\"id\": \"search\", \"request\": {\"method\": \"GET\", \"path\": \"/v1/search\",\n"
    "          \"query\": {\"q\": \"red shoes\", \"lang\": {\"contains\": \"en\"},\n"
    "                    \"debug\": {\"present\": true}, \"page\": {\"equals\": \"\"}}}},\n"
    "        {\"id\": \"create-charge\", \"request\": {\"method\": \"POST\",\n"
    "          \"path\": \"/v1/charges\",\n"
    "          \"headers\": {\"Content-Type\": {\"contains\": \"json\"},\n"
    "                      \"Idempotency-Key\": {\"matches\": \"^[a-f0-9-]{8,}$\"}},\n"
    "          \"body\": {\"json\": {\"amount\": 100, \"currency\": \"usd\",\n"
    "                              \"meta\": {\"tags\": [\"a\", 1, null, true]}}}},\n"
    "          \"response\": {\"status\": 201, \"json\": {\"id\": \"ch_1\"}}},\n"
    "        {\"id\": \"refund\", \"request\": {\"method\": \"POST\", \"path\": \"/v1/refunds\",\n"
    "          \"body\": {\"jsonEquals\": {\"charge\": \"ch_1\",\n"
    "                                    \"items\": [1, 2.5, {\"a\": null}]}}}},\n";
static const char scenario_tail[] =
    "        {\"id\": \"files\", \"request\": {\"method\": \"GET\", \"path\": \"/files/*\"}},\n"
    "        {\"id\": \"status\", \"request\": {\"path\": \"/v1/*/:id/status\"}},\n"
    "        {\"id\": \"user-posts\", \"request\": {\"method\": \"DELETE\",\n"
    "          \"pathPattern\": \"/v2/users/(?<uid>[0-9]+)(/posts/[^/]+)?\"}},\n"
    "        {\"id\": \"unicode\", \"request\": {\"pathPattern\": \"/caf\\u00e9/\\\\p{L}+\"}},\n"
    "        {\"id\": \"secure\", \"request\": {\"path\": \"/secure\",\n"
    "          \"headers\": {\"Authorization\": {\"matches\": \"^Bearer [A-Za-z0-9._~+/-]+=*$\"},\n"
    "                      \"X-Debug\": {\"absent\": true}, \"x-env\": {\"not\": \"dev\"}}}},\n"
    "        {\"id\": \"echo-put\", \"request\": {\"method\": \"PUT\", \"path\": \"/echo\",\n"
    "          \"body\": {\"equals\": \"ping\"}}},\n"
    "        {\"id\": \"echo-patch\", \"request\": {\"method\": \"PATCH\", \"path\": \"/echo\",\n"
    "          \"body\": {\"contains\": \"needle\"}}},\n"
    "        {\"id\": \"echo-post\", \"request\": {\"method\": \"POST\", \"path\": \"/echo\",\n"
    "          \"body\": {\"matches\": \"^\\\\{.*\\\\}$|caf\\u00e9\"}}},\n"
    "        {\"id\": \"empty-body\", \"request\": {\"method\": \"POST\", \"path\": \"/empty\",\n"
    "          \"body\": {\"equals\": \"\"}}},\n"
    "        {\"id\": \"orders\", \"request\": {\"path\": \"/orders/:id\", \"body\": "
    "{\"jsonPath\":\n"
    "          {\"$.items[0].sku\": {\"matches\": \"^A\"}, \"user.role\": \"admin\", \"n\": "
    "1.5}}},\n"
    "          \"responses\": [{\"when\": [{\"params\": {\"id\": \"a/b\"}}, {\"callNumber\": 2}],\n"
    "          \"status\": 409}, {\"status\": 201}]},\n"
    "        {\"id\": \"soap\", \"request\": {\"method\": \"POST\", \"path\": \"/soap\",\n"
    "          \"body\": {\"jsonPath\": {\"s:Envelope.s:Body.m:Price._text\": {\"matches\": "
    "\"^[0-9]\"},\n"
    "            \"$['s:Envelope']._attributes['xmlns:s']\": {\"present\": true}}}}},\n"
    "        {\"id\": \"xml-order\", \"request\": {\"method\": \"POST\", \"path\": \"/xml\",\n"
    "          \"body\": {\"xmlEquals\": \"<o id=\\\"${xmlunit.ignore}\\\" "
    "n=\\\"${xmlunit.isNumber}\\\"><r>${xmlunit.matchesRegex(^R)}</r>"
    "<d>${xmlunit.isDateTime(yyyyMMdd)}</d><t>${xmlunit.isDateTime}</t></o>\",\n"
    "            \"placeholders\": true}}},\n"
    "        {\"id\": \"flaky\", \"request\": {\"method\": \"GET\", \"path\": \"/flaky\"},\n"
    "          \"responses\": [\n"
    "            {\"when\": {\"headers\": {\"X-Fail\": {\"present\": true}}, \"callNumber\": 2},\n"
    "             \"status\": 500},\n"
    "            {\"when\": {\"query\": {\"mode\": {\"matches\": \"^(slow|fast)$\"}},\n"
    "                      \"body\": {\"json\": {\"retry\": true}}}, \"status\": 202},\n"
    "            {\"status\": 200}]}\n"
    "      ]\n"
    "    },\n"
    "    \"auth\": {\n"
    "      \"routes\": [\n"
    "        {\"id\": \"token\", \"request\": {\"method\": \"POST\", \"path\": \"/oauth/token\",\n"
    "          \"query\": {\"grant_type\": \"client_credentials\"},\n"
    "          \"body\": {\"contains\": \"client_id=\"}}},\n"
    "        {\"id\": \"static\", \"request\": {\"path\": \"/static/*/:file\"}},\n"
    "        {\"id\": \"preflight\", \"request\": {\"method\": \"OPTIONS\"}},\n"
    "        {\"id\": \"anything\", \"request\": {\"method\": \"ANY\", \"path\": \"/*\",\n"
    "          \"headers\": {\"X-Catch\": {\"equals\": \"all\"}}}}\n"
    "      ]\n"
    "    }\n"
    "  },\n"
    "  \"expect\": [\n"
    "    {\"route\": \"create-charge\", \"times\": 1},\n"
    "    {\"route\": \"search\", \"request\": {\"query\": {\"lang\": \"en-GB\"}}},\n"
    "    {\"request\": {\"method\": \"POST\", \"path\": \"/v1/refunds\",\n"
    "                 \"body\": {\"json\": {\"charge\": \"ch_1\"}}}, \"atMost\": 2}\n"
    "  ]\n"
    "}\n";

static struct mr_scenario *fixed;
static struct mr_router *fixed_router;
static bool verbose; /* MOCKRUN_FUZZ_VERBOSE=1: say what each input matched */

/* Loads scenario text; NULL when the loader refuses it (with `why`, say why on stderr). */
static struct mr_scenario *load(const char *text, size_t len, const char *why)
{
    struct mr_error_list errs;
    struct mr_scenario *sc = NULL;
    size_t i;

    memset(&errs, 0, sizeof(errs));
    if (mr_scenario_parse_one(&sc, "fuzz-match.json", text, len, &errs) == 0)
        return sc;
    FUZZ_CHECK(sc == NULL && errs.count > 0);
    for (i = 0; why && i < errs.count; i++) {
        char line[1024];
        mr_error_format(&errs.items[i], line, sizeof(line));
        fprintf(stderr, "fuzz_match: %s: %s\n", why, line);
    }
    return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct mr_error err;

    (void)argc;
    (void)argv;
    verbose = getenv("MOCKRUN_FUZZ_VERBOSE") != NULL;
    {
        size_t h = sizeof(scenario_head) - 1, t = sizeof(scenario_tail) - 1;
        char *json = malloc(h + t);
        if (!json)
            abort();
        memcpy(json, scenario_head, h);
        memcpy(json + h, scenario_tail, t);
        fixed = load(json, h + t, "fixed scenario");
        free(json);
    }
    if (!fixed)
        abort();
    if (mr_router_new(&fixed_router, fixed, &err) != 0) {
        fprintf(stderr, "fuzz_match: %s\n", err.msg);
        abort();
    }
    return 0;
}

/* Splits off the bytes up to the next '\n' (or the end). */
static const uint8_t *next_line(const uint8_t **p, const uint8_t *end, size_t *len)
{
    const uint8_t *start = *p;
    const uint8_t *nl = memchr(start, '\n', (size_t)(end - start));

    *len = (size_t)((nl ? nl : end) - start);
    *p = nl ? nl + 1 : end;
    return start;
}

/* ---- routes from the input ---- */

#define MAX_ROUTES 64

/* A growing text buffer; aborts when out of memory (a fuzz target has nothing better to do). */
struct text {
    char *data;
    size_t len, cap;
};

static void put(struct text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->len + n + 1) * 2;
        char *grown = realloc(t->data, cap);
        if (!grown)
            abort();
        t->data = grown;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

static void put_str(struct text *t, const char *s)
{
    put(t, s, strlen(s));
}

/* Appends s[0..n) as a JSON string, quotes included. Bytes from 0x80 pass as
 * they are: text that is not UTF-8 is the loader's to refuse. */
static void put_json_string(struct text *t, const uint8_t *s, size_t n)
{
    size_t i;

    put_str(t, "\"");
    for (i = 0; i < n; i++) {
        char esc[8];
        if (s[i] == '"' || s[i] == '\\') {
            esc[0] = '\\';
            esc[1] = (char)s[i];
            put(t, esc, 2);
        } else if (s[i] < 0x20 || s[i] == 0x7f) {
            snprintf(esc, sizeof(esc), "\\u%04x", s[i]);
            put_str(t, esc);
        } else {
            put(t, (const char *)&s[i], 1);
        }
    }
    put_str(t, "\"");
}

/* One route line as a route object (see the framing at the top). */
static void put_route(struct text *t, const uint8_t *s, size_t n)
{
    const uint8_t *sp;
    const char *sep = "";

    put_str(t, "{\"request\": {");
    if (n && s[0] == '+') {
        put_str(t, "\"headers\": {\"X-Fuzz\": {\"present\": true}}");
        sep = ", ";
        s++;
        n--;
    }
    sp = memchr(s, ' ', n);
    if (!sp && n && s[0] != '/' && s[0] != '~')
        sp = s + n; /* a method alone */
    if (sp) {
        size_t len = (size_t)(sp - s), skip = len < n ? len + 1 : n; /* the space too */
        put_str(t, sep);
        put_str(t, "\"method\": ");
        put_json_string(t, s, len);
        sep = ", ";
        s += skip;
        n -= skip;
    }
    if (n) {
        put_str(t, sep);
        put_str(t, s[0] == '~' ? "\"pathPattern\": " : "\"path\": ");
        put_json_string(t, s + (s[0] == '~'), n - (s[0] == '~'));
    }
    put_str(t, "}}");
}

/* Reads route lines up to an empty line into scenario text with services "a"
 * and "b"; returns the scenario, or NULL when the loader refuses it. */
static struct mr_scenario *input_routes(const uint8_t **p, const uint8_t *end)
{
    struct text t = {0};
    struct mr_scenario *sc;
    size_t n, nroutes = 0;
    bool first = true, second = false;

    put_str(&t, "{\"services\": {\"a\": {\"routes\": [");
    while (*p < end) {
        const uint8_t *s = next_line(p, end, &n);
        if (n == 0)
            break;
        if (n == 2 && memcmp(s, "--", 2) == 0) {
            if (!second) {
                put_str(&t, "]}, \"b\": {\"routes\": [");
                first = true;
                second = true;
            }
            continue;
        }
        if (nroutes == MAX_ROUTES)
            continue;
        nroutes++;
        if (!first)
            put_str(&t, ", ");
        first = false;
        put_route(&t, s, n);
    }
    put_str(&t, "]}}}");
    sc = load(t.data, t.len, verbose ? "routes" : NULL);
    free(t.data);
    return sc;
}

/* ---- checks ---- */

/* The reference: the first route of the service after `after`, in file order, that matches. */
static long linear_next(const struct mr_scenario *sc, size_t service, struct mr_request *req,
                        long after)
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

#define MAX_HEADERS 64

static uint64_t fixed_rand(void *ctx)
{
    return *(uint64_t *)ctx;
}

/* The selector picks one of the route's own responses (or none, in rules
 * mode), for any call number, state and random value. */
static void check_selection(const struct mr_scenario *sc, const struct mr_route *route,
                            struct mr_request *req)
{
    static const uint64_t calls[] = {1, 2, 7, UINT64_MAX};
    struct mr_kv params[32], cookies[64];
    size_t len = strlen(req->raw_path);
    /* exactly the room match.h asks for, so ASan sees any write past it */
    char *scratch = malloc(len ? len : 1);
    const struct mr_kv *cookie = mr_request_header(req, "Cookie");
    uint64_t value = 0x9E3779B97F4A7C15ull;
    struct mr_select in = {0};
    size_t i;

    if (!scratch)
        return;
    in.params = params;
    in.nparams = mr_match_path_params(&route->match, req, params, 32, scratch);
    in.cookies = cookies;
    in.ncookies =
        cookie ? mr_request_parse_cookies(cookie->value, cookie->value_len, cookies, 64) : 0;
    in.rand = fixed_rand;
    in.rand_ctx = &value;
    for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        const struct mr_response *r;
        in.call = calls[i];
        in.state = sc->state_names[i % sc->nstates];
        r = mr_select_response(route, req, &in);
        FUZZ_CHECK(r == NULL || r == &route->response ||
                   (r >= route->responses && r < route->responses + route->nresponses));
        FUZZ_CHECK(r != NULL || route->when_state || route->mode == MR_MODE_RULES);
    }
    free(scratch);
}

/*
 * The explanation of an unmatched request: candidates ranked, each failing at
 * least one condition; the text bounded, printable but for its '\n's, one
 * summary line, a block per candidate whose crosses are its failed count.
 */
static void check_explanation(const struct mr_scenario *sc, const struct mr_router *rt,
                              size_t service, struct mr_request *req)
{
    static char text[MR_MISS_TEXT_MAX];
    struct mr_candidate c[MR_MISS_CLOSEST];
    char small[200], tiny[16];
    size_t n = mr_router_closest(rt, service, req, c, MR_MISS_CLOSEST), i;
    const char *p, *block;

    FUZZ_CHECK(n <= MR_MISS_CLOSEST);
    /* (service may name no service at all) */
    FUZZ_CHECK((n == 0) == (service >= sc->nservices || sc->services[service].nroutes == 0));
    for (i = 0; i < n; i++) {
        FUZZ_CHECK(c[i].route >= 0 && (size_t)c[i].route < sc->nroutes);
        FUZZ_CHECK(sc->routes[c[i].route].service == service);
        FUZZ_CHECK(c[i].failed >= 1 && c[i].failed <= c[i].conditions);
        if (i > 0) { /* ranked: shares something, fewer failures, less distance, file order */
            bool none0 = c[i - 1].failed == c[i - 1].conditions,
                 none1 = c[i].failed == c[i].conditions;
            FUZZ_CHECK(!none0 || none1);
            FUZZ_CHECK(none0 != none1 || c[i - 1].failed < c[i].failed ||
                       (c[i - 1].failed == c[i].failed &&
                        (c[i - 1].distance < c[i].distance ||
                         (c[i - 1].distance == c[i].distance && c[i - 1].route < c[i].route))));
        }
    }
    mr_router_explain(rt, service, req, text, sizeof(text));
    FUZZ_CHECK(strlen(text) < sizeof(text));
    FUZZ_CHECK(strncmp(text, "no route matched ", 17) == 0);
    for (p = text; *p; p++)
        FUZZ_CHECK((unsigned char)*p >= 0x20 || *p == '\n');
    /* each candidate's block has as many crosses as it has failed conditions, unless the
     * text was cut */
    if (!strstr(text, "(the explanation is capped at")) {
        for (i = 0, block = strstr(text, "\n  route \""); i < n && block; i++) {
            const char *next = strstr(block + 1, "\n  route \"");
            unsigned crosses = 0;
            for (p = block; *p && (!next || p < next); p++)
                if (strncmp(p, " \u2717 ", 5) == 0)
                    crosses++;
            /* request text may hold a cross too: only a lower bound holds */
            FUZZ_CHECK(crosses >= c[i].failed);
            block = next;
        }
        FUZZ_CHECK(i == n);
    }
    mr_router_explain(rt, service, req, small, sizeof(small));
    FUZZ_CHECK(strlen(small) < sizeof(small));
    mr_router_explain(rt, service, req, tiny, sizeof(tiny));
    FUZZ_CHECK(strlen(tiny) < sizeof(tiny));
    if (verbose)
        fprintf(stderr, "fuzz_match: explained:\n%s\n", text);
}

/* Everything the server does with a request to `service`, checked. */
static void check_request(const struct mr_scenario *sc, const struct mr_router *rt, size_t service,
                          struct mr_request *req)
{
    struct mr_miss miss;
    char near[512], tiny[16];
    long route, next, from;
    size_t i;

    route = mr_router_match(rt, service, req);
    FUZZ_CHECK(route == linear_next(sc, service, req, -1));
    /* every other matching route, in order (the server skips those not in the right state) */
    for (next = route; next >= 0;) {
        long after = next;
        next = mr_router_next(rt, service, req, after);
        FUZZ_CHECK(next == linear_next(sc, service, req, after));
    }
    /* and from a route that did not match, or past the end */
    from = (long)(strlen(req->path) % (sc->nroutes + 2)) - 1;
    FUZZ_CHECK(mr_router_next(rt, service, req, from) == linear_next(sc, service, req, from));
    if (route >= 0) {
        FUZZ_CHECK(sc->routes[route].service == service);
        FUZZ_CHECK(mr_match(&sc->routes[route].match, req, &miss));
        FUZZ_CHECK(miss.kind == MR_MISS_NONE);
        mr_miss_describe(sc, route, &miss, req, near, sizeof(near));
        if (verbose)
            fprintf(stderr, "fuzz_match: matched \"%s\"\n", sc->routes[route].id);
        /* a route's `responses` are chosen by their own `when` conditions */
        for (i = 0; i < sc->routes[route].nresponses; i++) {
            const struct mr_response *r = &sc->routes[route].responses[i];
            for (size_t k = 0; k < r->nwhen; k++) {
                bool quick = mr_match(&r->when[k].match, req, NULL);
                FUZZ_CHECK(quick == mr_match(&r->when[k].match, req, &miss));
            }
        }
        check_selection(sc, &sc->routes[route], req);
    } else {
        long nearest = mr_router_nearest(rt, service, req, &miss);
        FUZZ_CHECK(nearest >= -1 && nearest < (long)sc->nroutes);
        if (nearest >= 0) {
            struct mr_miss again;
            FUZZ_CHECK(sc->routes[nearest].service == service);
            FUZZ_CHECK(miss.kind != MR_MISS_NONE);
            FUZZ_CHECK(!mr_match(&sc->routes[nearest].match, req, &again));
            FUZZ_CHECK(again.kind == miss.kind && again.index == miss.index &&
                       again.score == miss.score);
        }
        mr_miss_describe(sc, nearest, &miss, req, near, sizeof(near));
        FUZZ_CHECK(strlen(near) < sizeof(near));
        if (verbose)
            fprintf(stderr, "fuzz_match: no match: %s\n", near);
        mr_miss_describe(sc, nearest, &miss, req, tiny, sizeof(tiny));
        FUZZ_CHECK(strlen(tiny) < sizeof(tiny));
        check_explanation(sc, rt, service, req);
    }
    /* expectations are matched against every request, as the server does */
    for (i = 0; i < sc->nexpects; i++) {
        const struct mr_expect *e = &sc->expects[i];
        if (e->has_request) {
            bool quick = mr_match(&e->request, req, NULL);
            FUZZ_CHECK(quick == mr_match(&e->request, req, &miss));
            FUZZ_CHECK(quick == (miss.kind == MR_MISS_NONE));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size, *s;
    struct mr_kv headers[MAX_HEADERS];
    char *hcopy[MAX_HEADERS];
    struct mr_kv *params = NULL;
    struct mr_request req;
    struct mr_scenario *own = NULL;
    struct mr_router *own_router = NULL;
    char *method, *path, *query, *body, *scratch = NULL;
    size_t n, service, nheaders = 0, nparams, i;

    if (size == 0)
        return 0;
    service = (size_t)(*p++ % 4);
    if (service == 3) {
        struct mr_error err;
        own = input_routes(&p, end);
        if (!own)
            return 0;
        if (mr_router_new(&own_router, own, &err) != 0)
            abort(); /* out of memory on a few routes */
    }
    s = next_line(&p, end, &n);
    method = fuzz_copy(s, n, 1);
    s = next_line(&p, end, &n);
    path = fuzz_copy(s, n, 1);
    s = next_line(&p, end, &n);
    query = fuzz_copy(s, n, 1);
    while (p < end && nheaders < MAX_HEADERS) {
        const uint8_t *colon;
        s = next_line(&p, end, &n);
        if (n == 0)
            break;
        /* name and value each in an exact-size block: struct mr_kv is not NUL-terminated */
        colon = memchr(s, ':', n);
        if (!colon)
            colon = s + n;
        hcopy[nheaders] = fuzz_copy(s, n, 0);
        headers[nheaders].name = hcopy[nheaders];
        headers[nheaders].name_len = (size_t)(colon - s);
        {
            size_t v = colon < s + n ? (size_t)(colon - s) + 1 : n;
            while (v < n && s[v] == ' ')
                v++;
            headers[nheaders].value = hcopy[nheaders] + v;
            headers[nheaders].value_len = n - v;
        }
        nheaders++;
    }
    body = fuzz_copy(p, (size_t)(end - p), 0);

    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = path;
    req.raw_path = path; /* as sent: templated paths decode it segment by segment */
    req.query = query;
    req.headers = headers;
    req.nheaders = nheaders;
    req.body = body;
    req.body_len = (size_t)(end - p);

    /* Query parameters as the server splits them, into exactly the room
     * match.h promises is enough (strlen(query) + 1), so ASan sees any write
     * past it. */
    nparams = mr_request_count_params(query);
    FUZZ_CHECK(nparams <= strlen(query) + 1);
    if (nparams) {
        params = malloc(nparams * sizeof(*params));
        scratch = malloc(strlen(query) + 1);
        if (!params || !scratch)
            abort();
        req.nparams = mr_request_parse_query(query, scratch, params, nparams);
        req.params = params;
        FUZZ_CHECK(req.nparams <= nparams);
        for (i = 0; i < req.nparams; i++) {
            FUZZ_CHECK(params[i].name[params[i].name_len] == '\0');
            FUZZ_CHECK(params[i].value[params[i].value_len] == '\0');
        }
    }

    if (own) {
        for (i = 0; i <= own->nservices; i++) /* and one past the last service */
            check_request(own, own_router, i, &req);
    } else {
        check_request(fixed, fixed_router, service, &req);
    }
    {
        const struct mr_kv *ct = mr_request_header(&req, "content-type");
        FUZZ_CHECK(!ct || (ct->name_len == 12 && strncasecmp(ct->name, "Content-Type", 12) == 0));
    }

    mr_request_release(&req);
    FUZZ_CHECK(req.body_json == NULL);
    for (i = 0; i < nheaders; i++)
        free(hcopy[i]);
    mr_router_free(own_router);
    mr_scenario_free(own);
    free(params);
    free(scratch);
    free(body);
    free(query);
    free(path);
    free(method);
    return 0;
}
