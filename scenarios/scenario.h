/*
 * scenario.h - the scenario model: services, routes, matchers, responses,
 * expectations and the command, as loaded from a scenario file.
 *
 * A scenario is built once by mr_scenario_load and never changed afterwards:
 * server threads read it concurrently without locks. It owns every string,
 * compiled regex (PCRE2) and JSON value in it; mr_scenario_free releases all.
 * Runtime state (call counters, the journal) lives in server/, not here.
 *
 * The structs are public because the server's matcher and the verifier walk
 * them; treat every field as read-only.
 */
#ifndef MOCKRUN_SCENARIOS_SCENARIO_H
#define MOCKRUN_SCENARIOS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct cJSON;
struct pcre2_real_code_8;
struct mr_template;
struct mr_xmldoc;
struct mr_xml_ns;

/* One condition on a string value (a query parameter or a header). */
enum mr_op {
    MR_OP_EQUALS,   /* the value equals `text` */
    MR_OP_CONTAINS, /* the value contains `text` */
    MR_OP_MATCHES,  /* the regex `re` (source `text`) finds a match in the value */
    MR_OP_ABSENT,   /* the field is missing */
    MR_OP_PRESENT,  /* the field is there, whatever its value */
};

struct mr_cond {
    enum mr_op op;
    bool negate; /* {"not": ...}: the field's condition as a whole does not hold */
    char *text;  /* NULL for ABSENT / PRESENT */
    size_t len;
    struct pcre2_real_code_8 *re; /* MR_OP_MATCHES only */
};

/* A named field condition: query parameter or header (name compared case-insensitively). */
struct mr_field {
    char *name;
    struct mr_cond cond;
};

enum mr_body_op {
    MR_BODY_EQUALS,      /* the body equals `text` byte for byte */
    MR_BODY_CONTAINS,    /* the body contains `text` */
    MR_BODY_MATCHES,     /* the regex `re` finds a match in the body */
    MR_BODY_JSON,        /* the body is JSON and contains `json` (objects may have extra members) */
    MR_BODY_JSON_EQUALS, /* the body is JSON equal to `json` (member order ignored) */
    MR_BODY_JSON_PATHS,  /* the body is JSON and every `fields` condition holds */
    MR_BODY_XML_EQUALS,  /* the body is XML equal to `xml` (as WireMock's equalToXml) */
    MR_BODY_XPATH,       /* the body is XML and every `xpaths` condition holds */
};

/* An XPath expression and the condition its value meets. */
struct mr_xpath_field {
    char *expr;
    struct mr_cond cond; /* on the value (mr_xmldoc_xpath): a node set holds if any
                            node's text does; `absent`: the set is empty */
};

/* A condition on the value at a path of a JSON body (`jsonPath`). */
struct mr_json_field {
    char *path;   /* as written, for messages */
    char **steps; /* member names or array indices, from the root */
    size_t nsteps;
    struct mr_cond cond; /* on the value's text: a string as it is, other
                            scalars as JSON; an array holds if any item does */
};

/* A value of an `xmlEquals` document that is one of XMLUnit's placeholders
 * (`${xmlunit.isNumber}`, with "placeholders"): what the request's value
 * there must be. */
struct mr_xml_placeholder {
    char *value; /* as mr_xmldoc_values gives it: an attribute's value, a trimmed text */
    struct pcre2_real_code_8 *re; /* found in the request's value, trimmed; NULL: see `any` */
    bool any; /* ${xmlunit.ignore}: any value, or none; else without `re` nothing passes */
};

struct mr_body_cond {
    enum mr_body_op op;
    char *text;
    size_t len;
    struct pcre2_real_code_8 *re;
    struct cJSON *json;           /* JSON and JSON_EQUALS; owned */
    struct mr_json_field *fields; /* JSON_PATHS */
    size_t nfields;
    struct mr_xmldoc *xml; /* XML_EQUALS: the expected document (read-only) */
    char **ignore;         /* XML_EQUALS: XPaths of the nodes left out */
    size_t nignore;
    struct mr_xpath_field *xpaths; /* XPATH */
    size_t nxpaths;
    struct mr_xml_ns *namespaces; /* both XML ops: the prefixes their XPaths use */
    size_t nnamespaces;
    struct mr_xml_placeholder *placeholders; /* XML_EQUALS: sorted by value (strcmp) */
    size_t nplaceholders;
};

/* One segment of a `path` template such as /v1/charges/:id/ *. */
enum mr_seg_kind {
    MR_SEG_LITERAL, /* matches `text` exactly */
    MR_SEG_PARAM,   /* ":name" matches one non-empty segment */
    MR_SEG_STAR,    /* "*" inside: one segment; last: the rest of the path (zero or more) */
};

struct mr_seg {
    enum mr_seg_kind kind;
    char *text; /* literal text, or the parameter name */
    size_t len;
};

enum mr_path_kind {
    MR_PATH_ANY,     /* no path condition */
    MR_PATH_LITERAL, /* a template without params or stars: compared as a whole (`path`) */
    MR_PATH_TEMPLATE,
    MR_PATH_REGEX, /* `pathPattern`, anchored over the whole path */
};

/* A request matcher: every present condition must hold (AND). */
struct mr_matcher {
    char *method; /* upper-case; NULL for any */
    enum mr_path_kind path_kind;
    char *path; /* the source text of `path` / `pathPattern`; NULL for ANY */
    struct mr_seg *segs;
    size_t nsegs;
    struct pcre2_real_code_8 *path_re;
    struct mr_field *query;
    size_t nquery;
    struct mr_field *headers;
    size_t nheaders;
    struct mr_body_cond *body; /* NULL for none */
};

struct mr_header {
    char *name;
    char *value;
};

enum mr_body_kind {
    MR_RESP_EMPTY, /* no body given */
    MR_RESP_BODY,  /* `body`: a string */
    MR_RESP_JSON,  /* `json`: serialised once at load time into `body` */
    MR_RESP_FILE,  /* `file`: read at request time from `file` */
};

/* A broken answer, for testing how clients cope. */
enum mr_fault {
    MR_FAULT_NONE,
    MR_FAULT_RESET,     /* connection reset by peer, nothing sent */
    MR_FAULT_EMPTY,     /* connection closed without any response */
    MR_FAULT_GARBAGE,   /* random bytes, then close */
    MR_FAULT_TRUNCATED, /* headers promise more body than is sent, then close */
    MR_FAULT_DRIBBLE,   /* the whole response, body sent in pieces over time */
};

/* A `json` response with templates in string values: literal JSON text and
 * templates whose output is JSON-escaped into a string. */
struct mr_json_part {
    char *text; /* literal JSON text, or NULL */
    size_t len;
    struct mr_template *tpl; /* a string value's template, or NULL */
};

/* A response's use of a callback: which one, and after how long. */
struct mr_callback_use {
    size_t callback;      /* index into mr_scenario.callbacks */
    int64_t delay_ms;     /* the use's own `delayMs`, else the callback's: fixed, or the
                             minimum of a range */
    int64_t delay_max_ms; /* > delay_ms: uniform in [delay_ms, delay_max_ms], drawn from the
                             run's seeded generator when the callback is triggered */
};

/* How a route with several `responses` picks one. */
enum mr_resp_mode {
    MR_MODE_SEQUENTIAL, /* 1st call → 1st response …; then stays on the last */
    MR_MODE_CYCLE,      /* like sequential, wrapping around */
    MR_MODE_RANDOM,     /* weighted random, seeded */
    MR_MODE_RULES,      /* the first whose `when` holds; one without `when` is the fallback */
};

struct mr_response {
    int status;
    struct mr_header *headers;
    size_t nheaders;
    enum mr_body_kind kind;
    char *body; /* BODY and JSON: the bytes to send */
    size_t body_len;
    char *file;               /* FILE: absolute, resolved path inside the scenario folder */
    int file_fd;              /* FILE: opened at load time (later symlink swaps cannot
                                 redirect it); -1 otherwise */
    const char *content_type; /* default Content-Type (static string), or NULL */
    bool has_content_type;    /* `headers` sets Content-Type itself */
    int64_t delay_ms;         /* fixed delay, or the minimum of a range */
    int64_t delay_max_ms;     /* > delay_ms: uniform in [delay_ms, delay_max_ms] */
    bool has_delay;           /* `delayMs` was given (else the service default applies) */
    enum mr_fault fault;
    int dribble_chunks; /* MR_FAULT_DRIBBLE: body sent in this many pieces */
    int64_t dribble_ms; /* ... spread over this long */
    /* selection among a route's `responses` */
    struct mr_when *when;   /* `when`: the response applies when any of these holds */
    size_t nwhen;           /* 0: no `when` */
    uint32_t weight;        /* for MR_MODE_RANDOM; default 1 */
    const char *when_state; /* required service state, or NULL (points into state_names) */
    const char *set_state;  /* service state after serving, or NULL */
    /* templates, rendered per request (compiled at load time) */
    bool templated;                  /* any of the below is set */
    struct mr_template *body_tpl;    /* `body`, or `file` contents with "template": true */
    struct mr_json_part *json_parts; /* `json` with templated strings */
    size_t njson_parts;
    struct mr_template **header_tpls; /* nheaders entries, NULL for literal values; or NULL */
    /* FILE with a templated path ("fixtures/{{urlParam 'id'}}.json"): rendered
     * per request and opened with mr_scenario_open_file; `file` then holds the
     * path as written, file_fd is -1 and content_type NULL (it comes from the
     * rendered name, mr_scenario_file_type) */
    struct mr_template *file_tpl;
    /* `callbacks`: sent after this response was chosen, off the request path */
    struct mr_callback_use *callbacks;
    size_t ncallbacks;
};

/* One set of `when` conditions of a response; all of them must hold. */
struct mr_when {
    struct mr_matcher match; /* request conditions */
    struct mr_field *params; /* the route's path parameters by name */
    size_t nparams;
    struct mr_field *cookies; /* cookies by name */
    size_t ncookies;
    int64_t call_min; /* `callNumber` range, 1-based; -1 when not set */
    int64_t call_max;
};

/*
 * A route's `drift`: the request `mockrun drift` sends for it, to the mock
 * and to the real API (docs/drift.md), with the route's method; or, with
 * `"drift": false`, none. The loader checks each part as a request would
 * carry it; whether the request matches the route, drift checks before it
 * sends anything.
 */
struct mr_drift {
    bool skip;                 /* "drift": false: never replayed */
    char *path;                /* as sent (percent-encoded where it must be); NULL: the
                                  route's own literal path */
    char *query;               /* as sent, without '?'; NULL: none */
    struct mr_header *headers; /* sent as given, in order */
    size_t nheaders;
    char *body; /* `json` (compact) or `body` as sent; NULL: no body */
    size_t body_len;
    const char *content_type; /* static: the Content-Type `json` or `body` implies, or NULL
                                 (none, or `headers` gives one) */
    int line;                 /* where "drift" is in the route's file (0: unknown) */
    int column;
};

struct mr_route {
    char *id;        /* the user's id, or "<service> route N" (1-based) */
    bool has_id;     /* the id was given in the file */
    size_t service;  /* index into mr_scenario.services */
    size_t index;    /* index into mr_scenario.routes (global, in file order) */
    char *json_path; /* "services.payments.routes[1]" for messages */
    struct mr_matcher match;
    struct mr_response response;   /* the only response, when nresponses == 0 */
    struct mr_response *responses; /* `responses`: nresponses > 0 */
    size_t nresponses;
    enum mr_resp_mode mode;
    const char *when_state; /* the route matches only in this service state, or NULL */
    const char *set_state;  /* state after serving (a response's own set_state wins) */
    bool uses_params;       /* a response reads path parameters (`when.params`, templates) */
    char *file;             /* the file it is written in, and the line of its "{" (0: unknown) */
    int line;
    struct mr_drift *drift; /* `drift`, or NULL */
};

struct mr_service {
    char *name;
    char *env_name;     /* the service's own `env` variable name, or NULL */
    char *url_var;      /* "MOCKRUN_<NAME>_URL" */
    int port;           /* 0: ephemeral */
    bool cors;          /* answer preflights, add Access-Control-* headers */
    bool strict;        /* each route is expected at least once unless an expectation counts
                           its calls (the loader adds those expectations, `implicit`) */
    char *proxy;        /* `proxy`: where calls no route matches are forwarded (an http://
                           URL, checked with mr_url_parse_target), or NULL */
    char *openapi;      /* `openapi`: the OpenAPI document its routes and calls are checked
                           against, as a path joined to its file's folder as written, or NULL;
                           read by runner/contract.c (the loader only checks it is readable) */
    size_t first_route; /* routes of this service are routes[first_route .. +nroutes) */
    size_t nroutes;
    size_t source; /* the file it is written in: index into mr_scenario.files */
};

/*
 * A callback (a webhook): an HTTP request mockrun sends, off the request
 * path, after a response that uses it was chosen. Defined in a service's
 * `callbacks` (with an id; responses use it with {"callback": id}) or in a
 * response's own `callbacks` (docs/scenario-format.md, "Callbacks"). URL,
 * headers and body are templates rendered with the triggering request.
 */
struct mr_callback {
    char *id;        /* the user's id, or "<route id> callback N" (1-based) */
    bool has_id;     /* the id was given in the file */
    bool shared;     /* defined in a service's `callbacks`: responses may use it by id */
    char *json_path; /* "services.billing.callbacks[0]" for messages */
    char *file;      /* the file it is written in, and the line of its "{" (0: unknown) */
    int line;
    size_t source;               /* that file: index into mr_scenario.files */
    char *method;                /* upper-case; "POST" by default */
    char *url;                   /* as written: an http URL, or with `service` a path */
    struct mr_template *url_tpl; /* `url` when it is a template, else NULL */
    long service;                /* -1, or the mock service `url` is a path on */
    struct mr_response request;  /* what is sent: headers, and json / body / file, with their
                                    templates (status and the rest unused) */
    int64_t delay_ms;            /* `delayMs`: after the response was chosen; default 0 */
    int64_t delay_max_ms;        /* > delay_ms: `delayMs` is a range {"min", "max"} */
    int64_t timeout_ms;          /* each attempt, connecting to the end of the answer */
    int retries;                 /* `retry.times`: attempts after the first one; 0: none */
    int64_t backoff_ms;          /* the wait before the first retry; it doubles after each */
    bool templated;              /* url_tpl, or request.templated: rendered per trigger */
};

#define MR_CALLBACK_TIMEOUT_DEFAULT_MS 5000
#define MR_CALLBACK_BACKOFF_DEFAULT_MS 1000

/* A count condition on calls. Each bound is -1 when not set; the loader sets
 * at least one (a bare expectation is at_least 1), and when `times` is set
 * the other two, if set, agree with it. */
struct mr_count {
    int64_t times;    /* exactly this many, or -1 */
    int64_t at_least; /* at least, or -1 */
    int64_t at_most;  /* at most, or -1 */
};

/* The order of a body's `placeholders` (by value, as strcmp), for qsort. */
int mr_xml_placeholder_cmp(const void *a, const void *b);

/* The placeholder of b's `xmlEquals` document whose value is `value`, or NULL. */
const struct mr_xml_placeholder *mr_body_placeholder(const struct mr_body_cond *b,
                                                     const char *value);

/* Whether n calls satisfy the count. */
bool mr_count_holds(const struct mr_count *c, uint64_t n);

/* The count in words with `unit`, made plural unless the number that ends the
 * phrase is 1: "exactly 1 call", "2 to 3 calls", "at least 1 time", "at most
 * 4 times" (times decides when set). Always NUL-terminates `buf`. */
void mr_count_format(const struct mr_count *c, const char *unit, char *buf, size_t size);

/* What an expectation checks (docs/scenario-format.md, "Expectations"). The
 * calls it looks at are those of `route` (when >= 0) that also meet `request`
 * (when has_request); ORDER and STATE select none. */
enum mr_expect_kind {
    MR_EXPECT_COUNT,    /* `count` holds for the number of calls */
    MR_EXPECT_STATE,    /* service `service` ends in `final_state` */
    MR_EXPECT_ORDER,    /* `inOrder`: the routes `order` are called in this order */
    MR_EXPECT_EVERY,    /* each call meets `every` */
    MR_EXPECT_INTERVAL, /* calls at least `ms` apart (`minIntervalMs`) */
    MR_EXPECT_WITHIN,   /* the first call at most `ms` after the command started (`withinMs`) */
    MR_EXPECT_CALLBACK, /* `count` holds for the deliveries of `callback` the application
                           answered (with `status`, when set) */
};

struct mr_expect {
    char *name; /* given or generated ("create-charge is called exactly 1 time") */
    enum mr_expect_kind kind;
    long route; /* route index, or -1 when only `request` is given */
    bool has_request;
    struct mr_matcher request; /* extra conditions (valid when has_request) */
    struct mr_count count;     /* COUNT; -1 bounds otherwise */
    long service;              /* STATE: the service, else -1 */
    const char *final_state;   /* STATE: the state it must end in */
    long *order;               /* ORDER: route indices, norder >= 2 (a route may repeat) */
    size_t norder;
    char **labels; /* how the expectation names its routes where not by id ("POST /users"):
                      one per `order` item, or [0] for `route`; NULL when all by id
                      (read with mr_expect_route_name) */
    bool strict;   /* ORDER: the calls of these routes are exactly `order` */
    struct mr_matcher every; /* EVERY: at least one condition */
    int64_t ms;              /* INTERVAL, WITHIN: milliseconds, >= 1 */
    long callback;           /* CALLBACK: index into mr_scenario.callbacks; else -1 */
    int status;              /* CALLBACK: the answer's status that counts; 0: any answer */
    bool implicit;           /* COUNT added for a route of a `strict` service */
    bool suite_scope;        /* COUNT with "scope": "suite": it holds for the whole suite, so a
                                shard skips it and `mockrun merge` checks it over every
                                shard's journal */
    char *json_path;         /* "expect[2]" or "services.x.routes[0].expect" */
    char *file;              /* where it is written: the file, and the line of its "{" */
    int line;                /* (0: unknown) */
    size_t source;           /* that file: index into mr_scenario.files */
};

struct mr_command {
    char **run; /* NULL-terminated argv from `command.run`, or NULL */
    size_t nrun;
    int64_t timeout_ms; /* 0: none */
    int exit_code;      /* expected */
    struct mr_header *env;
    size_t nenv;
};

/* A `snapshot.ignore` path into a JSON body: member names and array indices
 * from the root (an index is its digits, as in mr_json_field), NULL for a
 * wildcard (`[*]`, `.*`): every item or member. */
struct mr_mask_path {
    char *path; /* as written */
    char **steps;
    size_t nsteps;
};

/*
 * `snapshot`: what --snapshot records of each call beyond service, route,
 * method, path, query and body, and how it compares (docs/scenario-format.md,
 * "Snapshots"). Several files' settings combine: the lists are joined
 * (duplicates kept once) and apply to every call of the run; `ordered`, when
 * several files give it, must agree.
 */
struct mr_snapshot_settings {
    struct mr_mask_path *ignore; /* body values recorded as "<ignored>" */
    size_t nignore;
    char **headers; /* headers recorded besides Content-Type, as written */
    size_t nheaders;
    char **ignore_headers; /* headers recorded as present, their value "<ignored>" */
    size_t nignore_headers;
    bool ordered;     /* compare the calls in arrival order; else per route, as multisets */
    bool has_ordered; /* some file gives `ordered` */
    bool given;       /* some file has `snapshot` */
};

/*
 * One scenario file of the run. A run may load several (`mockrun a.json
 * b.json -- cmd`): their services, routes and expectations are merged into
 * one scenario, and each file keeps what is its own. A service may take its
 * routes from a foreign mock file (`"mockoon": "mocks/api.json"`): that file
 * is an entry too, after the run's own files, with `parent` naming the
 * scenario file that imports it (its expectations, report suite and
 * `unexpected` policy are the parent's; its folder is its own).
 */
struct mr_scenario_file {
    char *path;  /* as given (an import: joined to its parent's folder as written) */
    char *dir;   /* its folder, resolved with realpath: `file` responses are read beneath it */
    char *name;  /* its `name`, or the path */
    int dir_fd;  /* `dir`, opened at load time when a templated `file` path needs it; else -1 */
    long parent; /* an import: the index of the file that imports it; -1 for the run's own */
    bool unexpected_fail;     /* "unexpected": "fail" (default), for its services' calls */
    struct mr_matcher *allow; /* "unexpected": {"allow": [...]}: unmatched calls that are
                                 no failure */
    size_t nallow;
    char **allow_hosts; /* "allowHosts": where its callbacks may go besides loopback */
    size_t nallow_hosts;
};

struct mr_scenario {
    struct mr_scenario_file *files; /* at least one, in command-line order */
    size_t nfiles;
    struct mr_service *services; /* file by file, each file's in its order */
    size_t nservices;
    struct mr_route *routes; /* all routes of all services, service by service, file order */
    size_t nroutes;
    struct mr_callback *callbacks; /* services' `callbacks` (file by file), then the ones
                                      responses define, in route order */
    size_t ncallbacks;
    struct mr_expect *expects; /* file by file: the list, then routes' own, then strict ones */
    size_t nexpects;
    bool has_seed; /* `seed` was given (by one file at most) */
    uint64_t seed;
    char **state_names; /* every state name used, interned; [0] is "Started" */
    size_t nstates;
    struct mr_command command;            /* from the one file that has `command`, if any */
    struct mr_snapshot_settings snapshot; /* every file's `snapshot`, combined */
};

/*
 * Reads and validates the scenario files at `paths` (n >= 1) into one
 * scenario `*out` (caller owns; free with mr_scenario_free). On failure
 * returns MR_ESCENARIO (or MR_ENOMEM), leaves *out NULL, and `errs` holds
 * every problem found (up to its cap), each with the file, JSON path and,
 * where known, line:column.
 *
 * Several files make one scenario: service names are unique across them (a
 * clash names both files), as are route ids and MOCKRUN_*_URL variables;
 * an expectation may name a route of any file, a template any file's
 * service; `seed` and `command` may each be given by one file only. Each
 * file keeps its folder (for `file` responses), its name and its
 * `unexpected` policy (for its services' calls).
 */
int mr_scenario_load(struct mr_scenario **out, const char *const *paths, size_t n,
                     struct mr_error_list *errs);

/* One scenario file in memory: `path` names it in messages and anchors `file` responses. */
struct mr_scenario_source {
    const char *path;
    const char *text;
    size_t len;
};

/*
 * Converts the foreign mock file at `path` (`kind` is the service's key:
 * "mockoon" or "wiremock"; the path is the scenario file's folder as given,
 * joined with the service's value, so relative to where the scenario path
 * is) into scenario JSON with one service, in *json (malloc'd; the
 * loader frees it). Returns 0, or nonzero with a message in err. The loader
 * reads mockrun's own format only: its caller (runner/) converts.
 */
struct mr_scenario_importer {
    int (*convert)(void *arg, const char *kind, const char *path, char **json,
                   struct mr_error *err);
    void *arg;
};

/* Same as mr_scenario_load, from text in memory; `imp` may be NULL (a
 * service that imports a file is then refused). */
int mr_scenario_parse(struct mr_scenario **out, const struct mr_scenario_source *src, size_t n,
                      const struct mr_scenario_importer *imp, struct mr_error_list *errs);

/* The run's own file a service belongs to (its file, or the one importing it):
 * the suite its calls are reported in, whose `unexpected` policy applies. */
size_t mr_scenario_owner(const struct mr_scenario *sc, size_t service);

/* Same, for one file in memory. */
int mr_scenario_parse_one(struct mr_scenario **out, const char *path, const char *text, size_t len,
                          struct mr_error_list *errs);

void mr_scenario_free(struct mr_scenario *sc);

/* The initial state of every service. */
#define MR_STATE_STARTED "Started"

/* The Content-Type a `file` response gets from its name's extension
 * (".json" → "application/json"; unknown: "application/octet-stream"). */
const char *mr_scenario_file_type(const char *name);

/* What mr_scenario_open_file found. */
enum mr_file_open {
    MR_FILE_OPENED,  /* *fd is a regular file inside the scenario's folder */
    MR_FILE_MISSING, /* no such file, or not a regular file */
    MR_FILE_REFUSED, /* the path leaves the folder: "..", absolute, a symlink out; nothing opened */
    MR_FILE_FAILED,  /* it is there but cannot be opened (errno is set) */
};

/*
 * Opens `rel` (len bytes, a rendered templated `file` path) relative to the
 * folder of the scenario file `sf` (the one the route is written in), never
 * following a path out of it: with openat2's RESOLVE_BENEATH on sf->dir_fd
 * (Linux 5.6+); where openat2 is missing,
 * component by component with O_NOFOLLOW, so that any symlink on the way is
 * refused. Lexical escapes ("..", absolute, NUL) are refused before any
 * system call. On MR_FILE_OPENED the caller owns *fd (close-on-exec); on
 * the others *why is a phrase for messages ("leaves the scenario's folder").
 * Thread-safe.
 */
enum mr_file_open mr_scenario_open_file(const struct mr_scenario_file *sf, const char *rel,
                                        size_t len, int *fd, const char **why);

/* How expectation `e` names its i-th route (ORDER: item i; else i is 0): as
 * written when that is not the id ("POST /users"), else the route's id. */
const char *mr_expect_route_name(const struct mr_scenario *sc, const struct mr_expect *e, size_t i);

/* The run's own file whose `allowHosts` apply to callback `cb` (its file, or
 * the one importing it). */
const struct mr_scenario_file *mr_scenario_callback_owner(const struct mr_scenario *sc,
                                                          const struct mr_callback *cb);

/* Returns the route named `id`: by its id, else by "METHOD /path" when
 * exactly one route has that method and path; or NULL. Linear; for load time
 * and tests. */
const struct mr_route *mr_scenario_find_route(const struct mr_scenario *sc, const char *id);

#endif
