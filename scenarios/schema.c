/*
 * schema.c - the scenario format's key table, and the JSON Schema printed
 * from it. The descriptions are docs/scenario-format.md's, one line each.
 * Fragments are JSON with ' for " so that they read as JSON.
 */
#include "scenarios/schema.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/buf.h"

#define ANY "{}"
#define STRING "{'type': 'string'}"
#define BOOLEAN "{'type': 'boolean'}"
#define STATE "{'type': 'string', 'minLength': 1}"
#define REF(def) "{'$ref': '#/$defs/" def "'}"
#define COUNT "{'type': 'integer', 'minimum': 0}"
#define MS_600K "{'type': 'integer', 'minimum': 0, 'maximum': 600000}"
/* a response's or a callback's `delayMs` */
#define DELAY "{'anyOf': [" MS_600K ", " REF("delayRange") "]}"
#define EXPECT_MS "{'type': 'integer', 'minimum': 1, 'maximum': 604800000}"
#define FIELDS "{'type': 'object', 'additionalProperties': " REF("condition") "}"
/* mr_http_token: RFC 9110's token characters */
#define HEADER_NAME "'^[A-Za-z0-9!#$%&\\u0027*+.^_`|~-]+$'"
/* env_name_ok and service_name_ok in load.c */
#define ENV_NAME "'^[A-Za-z_][A-Za-z0-9_]*$'"
#define SERVICE_NAME "'^[A-Za-z0-9_-]+$'"
/* a response's or a callback's headers: no CR or LF, and not the ones mockrun sets */
#define HEADERS                                                                                    \
    "{'type': 'object', 'propertyNames': {'pattern': " HEADER_NAME ", 'not': {'pattern': "         \
    "'^([Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Ll][Ee][Nn][Gg][Tt][Hh]|"                                    \
    "[Tt][Rr][Aa][Nn][Ss][Ff][Ee][Rr]-[Ee][Nn][Cc][Oo][Dd][Ii][Nn][Gg])$'}}, "                     \
    "'additionalProperties': {'type': 'string', 'pattern': '^[^\\\\r\\\\n]*$'}}"
#define CALLBACKS                                                                                  \
    "{'type': 'array', 'items': {'anyOf': [" REF("callbackUse") ", " REF("callback") "]}}"

/* Rows of the tables below. */
/* clang-format off */
#define KEY(k, s, d) {.key = k, .schema = s, .doc = d}
#define CHECK(k, s, d, g) {.key = k, .schema = s, .doc = d, .group = g}
#define AS(obj, k) {.key = k, .as = obj}
/* a key a route's `expect` knows only to say where it goes (load_route_expect) */
#define NOT_HERE(k) {.key = k, .schema = "false", .doc = "not here: a route's expect only counts calls"}
/* clang-format on */

static const struct mr_schema_member scenario[] = {
    KEY("$schema", ANY,
        "ignored by mockrun; for editors: the path of a copy of this schema (mockrun schema > "
        "scenario.schema.json)"),
    KEY("name", STRING, "the JUnit test suite's name (default: the file name)"),
    KEY("description", ANY, "ignored; for people"),
    KEY("services",
        "{'type': 'object', 'minProperties': 1, 'propertyNames': {'pattern': " SERVICE_NAME "}, "
        "'additionalProperties': " REF("service") "}",
        "service name (letters, digits, - and _) → service; each gets MOCKRUN_<NAME>_URL"),
    KEY("routes", "{'type': 'array', 'items': " REF("route") "}",
        "instead of services: the routes of one service named default"),
    KEY("expect", "{'type': 'array', 'items': " REF("expectation") "}",
        "expectations checked after the command has ended, each a test case"),
    KEY("unexpected",
        "{'anyOf': [{'enum': ['fail', 'allow']}, " REF("unexpected") "], 'default': 'fail'}",
        "whether a request that matched no route fails the run: \"fail\" (default), \"allow\", or "
        "{\"allow\": [request conditions]}"),
    KEY("command", REF("command"), "the command under test"),
    KEY("seed", "{'type': 'integer', 'minimum': 0, 'maximum': 9007199254740991}",
        "seed for random responses and delay ranges (--seed overrides)"),
    KEY("snapshot", REF("snapshot"),
        "how --snapshot records the calls: body values and headers to ignore, headers to "
        "record, whether order counts"),
    KEY("allowHosts",
        "{'type': 'array', 'items': {'type': 'string', 'minLength': 1, 'pattern': "
        "'^(\\\\[[0-9A-Fa-f:.]+\\\\]|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*|[A-Za-z0-9._-]+)$'}}",
        "hosts this file's callbacks may go to besides loopback (127.0.0.0/8, ::1, localhost): "
        "names or IP addresses, as written in the URL"),
};

static const struct mr_schema_member service[] = {
    KEY("port", "{'type': 'integer', 'minimum': 0, 'maximum': 65535, 'default': 0}",
        "0 (default): an ephemeral port chosen by the system"),
    KEY("env", "{'type': 'string', 'pattern': " ENV_NAME "}",
        "an extra environment variable that receives the service's URL"),
    KEY("routes", "{'type': 'array', 'items': " REF("route") "}",
        "routes, tried in file order; the first match answers"),
    KEY("description", ANY, "ignored; for people"),
    KEY("cors", BOOLEAN,
        "answer CORS preflights with 204, and add Access-Control-Allow-Origin to every response"),
    KEY("defaults", REF("defaults"),
        "headers added to every response that does not set them, and a delayMs for responses "
        "without one"),
    KEY("strict", BOOLEAN,
        "each route must be called at least once, unless an expectation says how often"),
    KEY("proxy", "{'type': 'string', 'pattern': '^[Hh][Tt][Tt][Pp]://[^/?# ]+[^?# ]*$'}",
        "an http:// URL: calls no route matches are forwarded there and answered with what it "
        "answers (recorded as proxied, not unexpected); routes may then be left out"),
    KEY("openapi", "{'type': 'string', 'minLength': 1}",
        "an OpenAPI 3.0 or 3.1 document (YAML or JSON, relative to this file's folder): the "
        "service's mocked responses are checked against it before the run, and the calls the "
        "command makes after it; violations are failures"),
    KEY("mockoon", "{'type': 'string', 'minLength': 1}",
        "a Mockoon environment (its path relative to this file's folder) whose routes, CORS and "
        "headers the service takes, instead of routes"),
    KEY("wiremock", "{'type': 'string', 'minLength': 1}",
        "WireMock stub mappings (a root folder with mappings/ and __files/, or one mapping file, "
        "relative to this file's folder) whose stubs the service takes, instead of routes"),
    KEY("callbacks",
        "{'type': 'array', 'items': {'type': 'object', '$ref': '#/$defs/callback', 'required': "
        "['id']}}",
        "callbacks (webhooks) with an id, which responses of any service send with "
        "{\"callback\": id}"),
};

static const struct mr_schema_member defaults[] = {
    AS(MR_SCHEMA_RESPONSE, "headers"),
    AS(MR_SCHEMA_RESPONSE, "delayMs"),
};

static const struct mr_schema_member route[] = {
    KEY("id", "{'type': 'string', 'minLength': 1}",
        "the name expectations and reports use (default \"<service> route N\")"),
    KEY("description", ANY, "ignored; for people"),
    KEY("request", REF("request"),
        "conditions a request must meet (all of them); none: every request"),
    KEY("response", REF("response"), "what to answer (default: 200, no body)"),
    KEY("responses", "{'type': 'array', 'minItems': 1, 'items': " REF("responsesItem") "}",
        "several responses, chosen by mode (instead of response)"),
    KEY("mode", "{'enum': ['sequential', 'cycle', 'random', 'rules']}",
        "how responses are chosen: sequential (default), cycle, random (by weight), or rules (the "
        "default when a response has when or whenState)"),
    KEY("whenState", STATE, "the route matches only while its service is in this state"),
    KEY("setState", STATE, "the service's state after the route answered"),
    KEY("expect", REF("routeExpect"), "times / atLeast / atMost for the calls of this route"),
    KEY("drift", "{'anyOf': [{'const': false}, " REF("drift") "]}",
        "the request mockrun drift sends to the mock and to the real API for this route "
        "(its method, this path, query, headers and body), or false: never replay it"),
};

static const struct mr_schema_member route_expect[] = {
    AS(MR_SCHEMA_EXPECTATION, "times"),
    AS(MR_SCHEMA_EXPECTATION, "atLeast"),
    AS(MR_SCHEMA_EXPECTATION, "atMost"),
    AS(MR_SCHEMA_EXPECTATION, "scope"),
    /* known to the loader only to say where they go */
    NOT_HERE("every"),
    NOT_HERE("minIntervalMs"),
    NOT_HERE("withinMs"),
    NOT_HERE("inOrder"),
};

static const struct mr_schema_member request[] = {
    KEY("method",
        "{'type': 'string', 'pattern': '^[A-Za-z_-]{1,32}$', 'examples': ['GET', 'POST', 'PUT', "
        "'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']}",
        "GET, POST, ... or ANY; case-insensitive"),
    KEY("path", "{'type': 'string', 'pattern': '^/[^?#]*$'}",
        "the exact path, with :name segments and * (inside: one segment; last: the rest of the "
        "path)"),
    KEY("pathPattern", STRING,
        "a regular expression (PCRE2) the whole path must match; its named groups are path "
        "parameters"),
    KEY("query", FIELDS,
        "query parameter → condition; a parameter given several times matches if any value does"),
    KEY("headers",
        "{'type': 'object', 'propertyNames': {'pattern': " HEADER_NAME "}, "
        "'additionalProperties': " REF("condition") "}",
        "header name (case-insensitive) → condition"),
    KEY("body", REF("body"),
        "one of equals, contains, matches, json, jsonEquals or jsonPath; bodies are matched whole"),
};

static const struct mr_schema_member condition[] = {
    KEY("equals", STRING, "the value is this text"),
    KEY("contains", STRING, "the value contains this text"),
    KEY("matches", STRING,
        "a regular expression (PCRE2) found anywhere in the value; anchor it with ^...$"),
    KEY("absent", "{'const': true}", "the field is missing"),
    KEY("present", "{'const': true}", "the field is there"),
    KEY("not", REF("condition"),
        "holds when the condition does not, and when the field is missing"),
};

static const struct mr_schema_member body[] = {
    KEY("equals", STRING, "the body is this text"),
    KEY("contains", STRING, "the body contains this text"),
    KEY("matches", STRING, "a regular expression (PCRE2) found anywhere in the body"),
    KEY("json", ANY,
        "the body is JSON and contains this value: objects may have extra members; arrays and "
        "scalars must be equal"),
    KEY("jsonEquals", ANY,
        "the body is JSON equal to this value (member order and spaces ignored)"),
    KEY("jsonPath",
        "{'type': 'object', 'minProperties': 1, 'additionalProperties': {'anyOf': "
        "[" REF("condition") ", {'type': ['number', 'boolean', 'null']}]}}",
        "JSON path ($.a.b, $['a'], [0], or a.0.b) → condition on the value there; a number, "
        "boolean or null means equality"),
    KEY("xmlEquals", STRING,
        "the body is an equal XML document (whitespace between elements, comments, the order "
        "of attributes and children, and namespace prefixes ignored)"),
    KEY("xpath",
        "{'type': 'object', 'minProperties': 1, 'additionalProperties': {'anyOf': "
        "[" REF("condition") ", {'type': ['number', 'boolean']}]}}",
        "XPath 1.0 expression → condition on its value (a node set holds if any node's text "
        "does); a number or boolean means equality"),
    KEY("ignore", "{'type': 'array', 'items': {'type': 'string'}}",
        "with xmlEquals: XPath expressions of the nodes left out of the comparison"),
    KEY("namespaces",
        "{'type': 'object', 'additionalProperties': {'type': 'string', "
        "'minLength': 1}}",
        "with xmlEquals or xpath: prefix → namespace URI, for the XPath expressions"),
    KEY("placeholders", "{'anyOf': [{'type': 'boolean'}, " REF("placeholders") "]}",
        "with xmlEquals: XMLUnit's placeholders in the document (${xmlunit.ignore}, "
        "${xmlunit.isNumber}, ${xmlunit.matchesRegex(re)}, ${xmlunit.isDateTime}), as "
        "WireMock's enablePlaceholders; an object gives other delimiters"),
};

static const struct mr_schema_member placeholders[] = {
    KEY("open", STRING, "a regular expression for the opening delimiter (default \\$\\{)"),
    KEY("close", STRING, "a regular expression for the closing delimiter (default \\})"),
};

static const struct mr_schema_member response[] = {
    KEY("status", "{'type': 'integer', 'minimum': 100, 'maximum': 599, 'default': 200}",
        "the status code (default 200)"),
    KEY("headers", HEADERS,
        "header name → value (no CR or LF; mockrun sets Content-Length itself)"),
    KEY("json", ANY, "served compactly as application/json; its strings with {{ are templates"),
    KEY("body", STRING,
        "served as text/plain; charset=utf-8 unless headers set a type; with {{, a template"),
    KEY("file", STRING,
        "a file beneath the scenario's folder, typed by its extension; with {{, a path rendered "
        "per request"),
    KEY("delayMs", DELAY, "milliseconds to wait before answering, or a seeded range {min, max}"),
    KEY("fault",
        "{'anyOf': [{'enum': ['reset', 'empty', 'garbage', 'truncated']}, " REF("fault") "]}",
        "break the answer on purpose: reset, empty, garbage, truncated, or {dribble: {chunks, "
        "overMs}}"),
    KEY("template", BOOLEAN,
        "false: no templates here; true: the file's contents are a template too (strings with {{ "
        "are templates by default)"),
    KEY("callbacks", CALLBACKS,
        "callbacks (webhooks) sent after this response, off the request path: a callback, or "
        "{\"callback\": id} for one of a service's"),
};

static const struct mr_schema_member responses_item[] = {
    AS(MR_SCHEMA_RESPONSE, "status"),
    AS(MR_SCHEMA_RESPONSE, "headers"),
    AS(MR_SCHEMA_RESPONSE, "json"),
    AS(MR_SCHEMA_RESPONSE, "body"),
    AS(MR_SCHEMA_RESPONSE, "file"),
    AS(MR_SCHEMA_RESPONSE, "delayMs"),
    AS(MR_SCHEMA_RESPONSE, "fault"),
    AS(MR_SCHEMA_RESPONSE, "callbacks"),
    KEY("when",
        "{'anyOf': [" REF("when") ", {'type': 'array', 'minItems': 1, 'items': " REF("when") "}]}",
        "request conditions for this response; an array holds when any one of its objects does"),
    KEY("weight", "{'type': 'integer', 'minimum': 0, 'maximum': 1000000, 'default': 1}",
        "the response's share in random mode (default 1)"),
    KEY("whenState", STATE, "the response applies only in this service state"),
    KEY("setState", STATE, "the service's state after this response (wins over the route's)"),
    AS(MR_SCHEMA_RESPONSE, "template"),
};

static const struct mr_schema_member when[] = {
    AS(MR_SCHEMA_REQUEST, "method"),
    AS(MR_SCHEMA_REQUEST, "path"),
    AS(MR_SCHEMA_REQUEST, "pathPattern"),
    AS(MR_SCHEMA_REQUEST, "query"),
    AS(MR_SCHEMA_REQUEST, "headers"),
    AS(MR_SCHEMA_REQUEST, "body"),
    KEY("callNumber", "{'anyOf': [{'type': 'integer', 'minimum': 1}, " REF("callNumber") "]}",
        "the nth call of this route (1-based), or {atLeast, atMost}"),
    KEY("params", FIELDS,
        "the route's path parameter (:name, or a pathPattern's named group) → condition"),
    KEY("cookies", FIELDS, "cookie name → condition"),
};

static const struct mr_schema_member call_number[] = {
    KEY("atLeast", "{'type': 'integer', 'minimum': 1}", "from this call of the route on"),
    KEY("atMost", "{'type': 'integer', 'minimum': 1}", "up to this call of the route"),
};

static const struct mr_schema_member delay_range[] = {
    KEY("min", MS_600K, "the shortest delay, in milliseconds"),
    KEY("max", MS_600K, "the longest delay, in milliseconds"),
};

static const struct mr_schema_member fault[] = {
    KEY("dribble", REF("dribble"), "the head at once, then the body in pieces"),
};

static const struct mr_schema_member dribble[] = {
    KEY("chunks", "{'type': 'integer', 'minimum': 1, 'maximum': 100000, 'default': 2}",
        "how many pieces (default 2)"),
    KEY("overMs", "{'type': 'integer', 'minimum': 0, 'maximum': 600000, 'default': 1000}",
        "milliseconds from the first piece to the last (default 1000)"),
};

/* groups: 1 count, 2 final state, 3 order, 4 every call, 5 and 6 timing */
static const struct mr_schema_member expectation[] = {
    KEY("name", STRING, "the test case's name (default: a sentence saying what is checked)"),
    KEY("description", ANY, "ignored; for people"),
    KEY("route", "{'type': 'string', 'minLength': 1}",
        "the id of the route whose calls are checked"),
    KEY("request", REF("request"),
        "the calls that meet these conditions (with route: that route's calls that also do)"),
    CHECK("times", COUNT, "exactly this many calls", 1),
    CHECK("atLeast", COUNT, "at least this many calls", 1),
    CHECK("atMost", COUNT, "at most this many calls", 1),
    CHECK("service", STRING, "with finalState: the service whose final state is checked", 2),
    CHECK("finalState", STATE, "the state the service must end in", 2),
    CHECK("inOrder", "{'type': 'array', 'minItems': 2, 'items': {'type': 'string'}}",
          "route ids whose calls come in this order", 3),
    KEY("strict", BOOLEAN,
        "with inOrder: the calls of the listed routes are exactly this sequence"),
    CHECK("every", "{'type': 'object', '$ref': '#/$defs/request', 'minProperties': 1}",
          "request conditions each selected call must meet", 4),
    CHECK("minIntervalMs", EXPECT_MS, "consecutive calls are at least this many milliseconds apart",
          5),
    CHECK("withinMs", EXPECT_MS,
          "the first call comes at most this many milliseconds after the command started", 6),
    KEY("scope", "{'enum': ['run', 'suite'], 'default': 'run'}",
        "counts only: \"suite\" when the count holds for all shards together (a shard skips "
        "it; mockrun merge checks it over their journals); \"run\" (default) for each run"),
    CHECK("callback", "{'type': 'string', 'minLength': 1}",
          "the id of the callback whose deliveries times, atLeast and atMost count (none: at "
          "least one)",
          1),
    CHECK("status", "{'type': 'integer', 'minimum': 100, 'maximum': 599}",
          "with callback: count only the deliveries the application answered with this status", 1),
};

static const struct mr_schema_member command[] = {
    KEY("run", "{'type': 'array', 'minItems': 1, 'items': {'type': 'string'}}",
        "argv, used when no command follows -- on the command line"),
    KEY("timeout", "{'type': 'number', 'exclusiveMinimum': 0, 'maximum': 604800}",
        "stop the command after this many seconds (default: none)"),
    KEY("exitCode", "{'type': 'integer', 'minimum': 0, 'maximum': 255, 'default': 0}",
        "the exit status that counts as a pass (default 0)"),
    KEY("env",
        "{'type': 'object', 'propertyNames': {'pattern': " ENV_NAME "}, "
        "'additionalProperties': {'type': 'string'}}",
        "extra environment variables for the command"),
};

static const struct mr_schema_member callback[] = {
    KEY("id", "{'type': 'string', 'minLength': 1}",
        "the name expectations, reports and {\"callback\": id} use (default \"<route id> "
        "callback N\")"),
    KEY("description", ANY, "ignored; for people"),
    KEY("method", "{'type': 'string', 'pattern': '^[A-Za-z_-]{1,32}$', 'default': 'POST'}",
        "the request's method (default POST)"),
    KEY("url", "{'type': 'string', 'minLength': 1}",
        "where it goes: an http:// URL on loopback or an allowHosts host; with service, a path on "
        "that mock service; with {{, a template rendered with the triggering request"),
    KEY("service", "{'type': 'string', 'pattern': " SERVICE_NAME "}",
        "a mock service of the run: url is then a path on it"),
    KEY("headers", HEADERS, "header name → value; with {{, templates"),
    KEY("json", ANY, "sent compactly as application/json; its strings with {{ are templates"),
    KEY("body", STRING,
        "sent as text/plain; charset=utf-8 unless headers set a type; with {{, a template"),
    KEY("file", STRING,
        "a file beneath the scenario's folder, typed by its extension; with {{, a path rendered "
        "per trigger"),
    KEY("template", BOOLEAN,
        "false: no templates in url, headers and body; true: the file's contents are a template "
        "too"),
    KEY("delayMs", DELAY,
        "milliseconds after the triggering response was chosen (default 0), or a seeded range "
        "{min, max}; a use's delayMs overrides it"),
    KEY("timeoutMs", "{'type': 'integer', 'minimum': 1, 'maximum': 600000, 'default': 5000}",
        "each attempt's limit, from connecting to the end of the answer (default 5000)"),
    KEY("retry", REF("retry"), "attempts after the first, on a non-2xx answer or a failure"),
};

static const struct mr_schema_member callback_use[] = {
    KEY("callback", "{'type': 'string', 'minLength': 1}",
        "the id of a callback defined in a service's callbacks"),
    KEY("delayMs", DELAY,
        "milliseconds after the response was chosen, or a seeded range {min, max} (default: the "
        "callback's)"),
};

static const struct mr_schema_member retry[] = {
    KEY("times", "{'type': 'integer', 'minimum': 1, 'maximum': 100}",
        "attempts after the first one, each after a non-2xx answer or a failed attempt"),
    KEY("backoffMs", "{'type': 'integer', 'minimum': 0, 'maximum': 600000, 'default': 1000}",
        "milliseconds before the first retry; the wait doubles after each (default 1000)"),
};

static const struct mr_schema_member unexpected[] = {
    KEY("allow", "{'type': 'array', 'items': " REF("request") "}",
        "request conditions: an unmatched request that meets one is answered 404 and fails "
        "nothing"),
};

static const struct mr_schema_member snapshot[] = {
    KEY("ignore", "{'type': 'array', 'items': {'type': 'string', 'minLength': 1}}",
        "JSON paths into request bodies ($.a.b, [0], ['a b'], [*] and .* for every item or "
        "member) whose values are recorded as \"<ignored>\""),
    KEY("headers", "{'type': 'array', 'items': {'type': 'string', 'pattern': " HEADER_NAME "}}",
        "request headers recorded besides Content-Type (secret ones, such as Authorization, "
        "with their value redacted)"),
    KEY("ignoreHeaders",
        "{'type': 'array', 'items': {'type': 'string', 'pattern': " HEADER_NAME "}}",
        "request headers recorded as present or absent, their value as \"<ignored>\""),
    KEY("ordered", "{'type': 'boolean', 'default': false}",
        "true: the calls must come in the recorded order; false (default): each route's calls "
        "compare as a multiset, whatever their order"),
};

static const struct mr_schema_member drift[] = {
    KEY("path", "{'type': 'string', 'pattern': '^/[^?# \\\\x00-\\\\x1f\\\\x7f]*$'}",
        "the path to send, percent-encoded as it is sent (default: the route's path, when it "
        "has no parameters)"),
    KEY("query",
        "{'type': 'string', 'pattern': '^([^?# \\\\x00-\\\\x1f\\\\x7f][^# "
        "\\\\x00-\\\\x1f\\\\x7f]*)?$'}",
        "the query string to send, without '?' (a=1&b=2)"),
    KEY("headers",
        "{'type': 'object', 'propertyNames': {'pattern': " HEADER_NAME ", 'not': {'pattern': "
        "'^([Hh][Oo][Ss][Tt]|[Cc][Oo][Nn][Nn][Ee][Cc][Tt][Ii][Oo][Nn]|"
        "[Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Ll][Ee][Nn][Gg][Tt][Hh]|"
        "[Tt][Rr][Aa][Nn][Ss][Ff][Ee][Rr]-[Ee][Nn][Cc][Oo][Dd][Ii][Nn][Gg])$'}}, "
        "'additionalProperties': {'type': 'string', 'pattern': '^[^\\r\\n]*$'}}",
        "header name → value, sent to both (secret ones are redacted in reports)"),
    KEY("json", ANY, "a body sent as application/json (compact)"),
    KEY("body", STRING, "a body sent as text/plain; charset=utf-8 unless headers set a type"),
};

/* Given at most one of json, body and file. */
#define ONE_BODY                                                                                   \
    "'not': {'anyOf': [{'required': ['json', 'body']}, {'required': ['json', 'file']}, "           \
    "{'required': ['body', 'file']}]}"

static const struct object {
    const char *name; /* in $defs */
    const char *doc;
    const char *extra; /* more keywords of the object's schema, or NULL */
    const struct mr_schema_member *members;
    size_t n;
} objects[MR_SCHEMA_NOBJECTS] = {
#define M(a) a, sizeof(a) / sizeof(a[0])
    [MR_SCHEMA_SCENARIO] = {"scenario",
                            "A mockrun scenario: mock services, their routes, and the calls the "
                            "command under test must make (docs/scenario-format.md)",
                            "{'oneOf': [{'required': ['services']}, {'required': ['routes']}]}",
                            M(scenario)},
    [MR_SCHEMA_SERVICE] = {"service", "a mock service, listening on a port of its own",
                           "{'oneOf': [{'required': ['routes']}, {'required': ['mockoon'], "
                           "'not': {'anyOf': [{'required': ['cors']}, "
                           "{'required': ['defaults']}, {'required': ['callbacks']}]}}, "
                           "{'required': ['wiremock'], "
                           "'not': {'anyOf': [{'required': ['cors']}, "
                           "{'required': ['defaults']}, {'required': ['callbacks']}]}}, "
                           "{'required': ['proxy'], "
                           "'not': {'anyOf': [{'required': ['routes']}, "
                           "{'required': ['mockoon']}, {'required': ['wiremock']}]}}]}",
                           M(service)},
    [MR_SCHEMA_DEFAULTS] = {"defaults", "what every response of the service gets unless it says",
                            NULL, M(defaults)},
    [MR_SCHEMA_ROUTE] = {"route", "the requests a route matches, and what it answers",
                         "{'not': {'required': ['response', 'responses']}, "
                         "'dependentRequired': {'mode': ['responses']}}",
                         M(route)},
    [MR_SCHEMA_ROUTE_EXPECT] = {"routeExpect",
                                "how often the route is called (other checks go in the top-level "
                                "expect list); none: at least once",
                                NULL, M(route_expect)},
    [MR_SCHEMA_REQUEST] = {"request", "request conditions; all that are given must hold",
                           "{'not': {'required': ['path', 'pathPattern']}}", M(request)},
    [MR_SCHEMA_CONDITION] = {"condition",
                             "a condition on a value: a string (exact match), or an object with "
                             "exactly one of these",
                             "{'type': ['string', 'object'], 'minProperties': 1, "
                             "'maxProperties': 1}",
                             M(condition)},
    [MR_SCHEMA_BODY] = {"body",
                        "a condition on the body: exactly one of these (ignore, namespaces and "
                        "placeholders go with the XML ones)",
                        "{'oneOf': [{'required': ['equals']}, {'required': ['contains']}, "
                        "{'required': ['matches']}, {'required': ['json']}, "
                        "{'required': ['jsonEquals']}, {'required': ['jsonPath']}, "
                        "{'required': ['xmlEquals']}, {'required': ['xpath']}], "
                        "'dependentRequired': {'ignore': ['xmlEquals'], "
                        "'placeholders': ['xmlEquals']}, "
                        "'dependentSchemas': {'namespaces': {'anyOf': "
                        "[{'required': ['xmlEquals']}, {'required': ['xpath']}]}}}",
                        M(body)},
    [MR_SCHEMA_PLACEHOLDERS] = {"placeholders",
                                "the delimiters of XMLUnit's placeholders, as regular "
                                "expressions (XMLUnit's placeholderOpeningDelimiterRegex and "
                                "placeholderClosingDelimiterRegex)",
                                NULL, M(placeholders)},
    [MR_SCHEMA_RESPONSE] = {"response",
                            "what a route answers: give at most one of json, body "
                            "and file",
                            "{" ONE_BODY "}", M(response)},
    [MR_SCHEMA_RESPONSES_ITEM] = {"responsesItem",
                                  "one of a route's responses: a response, with the conditions "
                                  "and weight that choose it",
                                  "{" ONE_BODY "}", M(responses_item)},
    [MR_SCHEMA_WHEN] = {"when", "conditions on the request and the call; all must hold",
                        "{'not': {'required': ['path', 'pathPattern']}}", M(when)},
    [MR_SCHEMA_CALL_NUMBER] = {"callNumber", "a range of calls of the route (1-based)",
                               "{'minProperties': 1}", M(call_number)},
    [MR_SCHEMA_DELAY_RANGE] = {"delayRange", "a delay drawn uniformly with the run's seed",
                               "{'required': ['min', 'max']}", M(delay_range)},
    [MR_SCHEMA_FAULT] = {"fault", "a slow answer", "{'required': ['dribble']}", M(fault)},
    [MR_SCHEMA_DRIBBLE] = {"dribble", "the body in pieces over a time", NULL, M(dribble)},
    [MR_SCHEMA_EXPECTATION] = {"expectation",
                               "one check, and one test case in the report: a count (times, "
                               "atLeast, atMost; none: at least once), an order, every call, a "
                               "timing, a final state or a callback's deliveries",
                               "{'dependentRequired': {'service': ['finalState'], 'finalState': "
                               "['service'], 'strict': ['inOrder'], 'status': ['callback']}, "
                               "'dependentSchemas': {'callback': {'not': {'anyOf': "
                               "[{'required': ['route']}, {'required': ['request']}]}}}, "
                               "'if': {'anyOf': [{'required': ['service']}, {'required': "
                               "['finalState']}, {'required': ['inOrder']}]}, "
                               "'then': {'not': {'anyOf': [{'required': ['route']}, {'required': "
                               "['request']}]}}, "
                               "'else': {'anyOf': [{'required': ['route']}, {'required': "
                               "['request']}, {'required': ['callback']}]}}",
                               M(expectation)},
    [MR_SCHEMA_COMMAND] = {"command", "the command under test", NULL, M(command)},
    [MR_SCHEMA_UNEXPECTED] = {"unexpected", "unmatched requests that fail nothing",
                              "{'required': ['allow']}", M(unexpected)},
    [MR_SCHEMA_SNAPSHOT] = {"snapshot",
                            "what mockrun --snapshot records of each call, and how the calls "
                            "compare with the snapshot file",
                            NULL, M(snapshot)},
    [MR_SCHEMA_CALLBACK] = {"callback",
                            "an HTTP request mockrun sends after a response, off the request "
                            "path (a webhook): give at most one of json, body and file",
                            "{'required': ['url'], " ONE_BODY "}", M(callback)},
    [MR_SCHEMA_CALLBACK_USE] = {"callbackUse", "a response's use of a service's callback",
                                "{'required': ['callback']}", M(callback_use)},
    [MR_SCHEMA_RETRY] = {"retry", "retries of a callback, as webhook providers make them",
                         "{'required': ['times']}", M(retry)},
    [MR_SCHEMA_DRIFT] = {"drift",
                         "the request mockrun drift replays for a route, to the mock and to the "
                         "real API (docs/drift.md)",
                         "{'not': {'required': ['json', 'body']}}", M(drift)},
#undef M
};

const struct mr_schema_member *mr_schema_members(enum mr_schema_object obj, size_t *n)
{
    if ((unsigned)obj >= MR_SCHEMA_NOBJECTS)
        MR_BUG("no schema object %d", (int)obj);
    *n = objects[obj].n;
    return objects[obj].members;
}

bool mr_schema_has(enum mr_schema_object obj, const char *key)
{
    size_t n, i;
    const struct mr_schema_member *m = mr_schema_members(obj, &n);

    for (i = 0; i < n; i++)
        if (strcmp(m[i].key, key) == 0)
            return true;
    return false;
}

/* ---- the document ---- */

/* cJSON calls that fail (no memory) set `failed`: the document is then not printed. */
struct builder {
    bool failed;
};

static cJSON *need(struct builder *b, cJSON *v)
{
    b->failed |= v == NULL;
    return v;
}

static void add(struct builder *b, cJSON *to, const char *key, cJSON *v)
{
    if (!v || !to || !(key ? cJSON_AddItemToObject(to, key, v) : cJSON_AddItemToArray(to, v))) {
        cJSON_Delete(v);
        b->failed = true;
    }
}

/* A fragment of the table as cJSON: ' becomes ". The unit tests print the
 * whole schema, so a fragment that is not JSON never gets this far: a
 * failure here is a failed allocation. */
static cJSON *fragment(struct builder *b, const char *text)
{
    char *copy = strdup(text), *p;
    cJSON *v = NULL;

    if (copy) {
        for (p = copy; *p; p++)
            if (*p == '\'')
                *p = '"';
        v = cJSON_Parse(copy);
        free(copy);
    }
    return need(b, v);
}

/* The member with schema and doc, following `as`. */
static const struct mr_schema_member *resolve(const struct mr_schema_member *m)
{
    size_t n, i;
    const struct mr_schema_member *in;

    if (m->schema)
        return m;
    in = mr_schema_members(m->as, &n);
    for (i = 0; i < n; i++)
        if (strcmp(in[i].key, m->key) == 0 && in[i].schema)
            return &in[i];
    MR_BUG("schema member \"%s\" is not in %s", m->key, objects[m->as].name);
}

/* A member's schema: its description first, where people look, then the
 * fragment's keywords. */
static cJSON *member_schema(struct builder *b, const struct mr_schema_member *m)
{
    cJSON *v = fragment(b, m->schema), *out;

    if (!v || !cJSON_IsObject(v))
        return v;
    out = need(b, cJSON_CreateObject());
    add(b, out, "description", need(b, cJSON_CreateString(m->doc)));
    while (out && v->child) {
        cJSON *item = cJSON_DetachItemViaPointer(v, v->child);
        add(b, out, item->string, item);
    }
    cJSON_Delete(v);
    return out;
}

/* Keys of two groups exclude each other: one branch per group, in which no
 * key of any other group is given. */
static cJSON *group_rule(struct builder *b, const struct object *o)
{
    cJSON *any = need(b, cJSON_CreateArray());
    size_t i, k;

    for (i = 0; any && i < o->n; i++) {
        int g = o->members[i].group;
        cJSON *branch, *others, *names, *neg;
        bool first = true;
        if (!g)
            continue;
        for (k = 0; k < i; k++)
            first &= o->members[k].group != g;
        if (!first)
            continue;
        others = need(b, cJSON_CreateArray());
        for (k = 0; others && k < o->n; k++)
            if (o->members[k].group && o->members[k].group != g)
                add(b, others, NULL, need(b, cJSON_CreateString(o->members[k].key)));
        neg = need(b, cJSON_CreateObject());
        names = need(b, cJSON_CreateObject());
        branch = need(b, cJSON_CreateObject());
        add(b, neg, "enum", others);
        add(b, names, "not", neg);
        add(b, branch, "propertyNames", names);
        add(b, any, NULL, branch);
    }
    return any;
}

/* One object's schema into `to`. */
static void object_schema(struct builder *b, const struct object *o, cJSON *to)
{
    cJSON *props = need(b, cJSON_CreateObject());
    size_t i;
    bool groups = false;

    add(b, to, "description", need(b, cJSON_CreateString(o->doc)));
    add(b, to, "type", need(b, cJSON_CreateString("object")));
    for (i = 0; props && i < o->n; i++) {
        const struct mr_schema_member *m = resolve(&o->members[i]);
        groups |= o->members[i].group != 0;
        if (strcmp(m->schema, "false") == 0)
            continue; /* refused like any unknown key, and not proposed by editors */
        add(b, props, o->members[i].key, member_schema(b, m));
    }
    add(b, to, "properties", props);
    add(b, to, "additionalProperties", need(b, cJSON_CreateFalse()));
    if (groups)
        add(b, to, "anyOf", group_rule(b, o));
    if (o->extra) {
        cJSON *extra = fragment(b, o->extra);
        while (extra && extra->child) {
            cJSON *item = cJSON_DetachItemViaPointer(extra, extra->child);
            if (groups && strcmp(item->string, "anyOf") == 0)
                MR_BUG("schema object %s: its groups and its extra keywords both need anyOf",
                       o->name);
            cJSON *same = cJSON_GetObjectItemCaseSensitive(to, item->string);
            if (same)
                cJSON_ReplaceItemViaPointer(to, same, item); /* "type", in its place */
            else
                add(b, to, item->string, item);
        }
        cJSON_Delete(extra);
    }
}

static bool is_scalar(const cJSON *v)
{
    return !cJSON_IsObject(v) && !cJSON_IsArray(v);
}

/* JSON as people indent it (two spaces a level; arrays of scalars on one
 * line) and integers in full: cJSON prints 2^53 - 1 as 9.00719925474099e+15. */
static void print(struct mr_buf *out, const cJSON *v, int depth)
{
    const cJSON *c;
    bool flat = true;

    if (cJSON_IsString(v)) {
        mr_buf_put_json_string(out, v->valuestring, strlen(v->valuestring));
    } else if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
               fabs(v->valuedouble) < 9007199254740992.0) {
        mr_buf_printf(out, "%.0f", v->valuedouble);
    } else if (is_scalar(v)) {
        char *text = cJSON_PrintUnformatted(v);
        if (!text)
            out->failed = true;
        else
            mr_buf_puts(out, text);
        cJSON_free(text);
    } else {
        bool object = cJSON_IsObject(v);
        cJSON_ArrayForEach(c, v) flat &= !object && is_scalar(c);
        mr_buf_putc(out, object ? '{' : '[');
        cJSON_ArrayForEach(c, v)
        {
            if (flat) {
                mr_buf_puts(out, c == v->child ? "" : ", ");
            } else {
                mr_buf_printf(out, "%s\n%*s", c == v->child ? "" : ",", 2 * (depth + 1), "");
            }
            if (object) {
                mr_buf_put_json_string(out, c->string, strlen(c->string));
                mr_buf_puts(out, ": ");
            }
            print(out, c, depth + 1);
        }
        if (!flat)
            mr_buf_printf(out, "\n%*s", 2 * depth, "");
        mr_buf_putc(out, object ? '}' : ']');
    }
}

int mr_schema_document(char **out, struct mr_error *err)
{
    struct builder b = {false};
    cJSON *doc = need(&b, cJSON_CreateObject()), *defs = need(&b, cJSON_CreateObject());
    struct mr_buf text;
    size_t i;

    *out = NULL;
    mr_buf_init(&text);
    if (doc) {
        add(&b, doc, "$schema",
            need(&b, cJSON_CreateString("https://json-schema.org/draft/2020-12/schema")));
        add(&b, doc, "title", need(&b, cJSON_CreateString("mockrun scenario")));
        object_schema(&b, &objects[MR_SCHEMA_SCENARIO], doc);
        for (i = 1; defs && i < MR_SCHEMA_NOBJECTS; i++) {
            cJSON *o = need(&b, cJSON_CreateObject());
            if (o)
                object_schema(&b, &objects[i], o);
            add(&b, defs, objects[i].name, o);
        }
        add(&b, doc, "$defs", defs);
        if (!b.failed) {
            print(&text, doc, 0);
            mr_buf_putc(&text, '\n');
        }
        cJSON_Delete(doc);
    } else {
        cJSON_Delete(defs);
    }
    if (!b.failed && !text.failed)
        *out = mr_buf_detach(&text, NULL);
    mr_buf_release(&text);
    if (!*out)
        return mr_error_set(err, MR_ENOMEM, "out of memory printing the schema");
    return 0;
}
