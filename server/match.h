/*
 * match.h - request matching: does a request satisfy a matcher, which route
 * of a service answers it, and, when none does, which route came closest and
 * which of its conditions failed.
 *
 * Matching is pure: it reads the immutable scenario and the request, and
 * writes only the request's lazily parsed body (JSON, or for an XML request
 * xml-js's object: common/xmljs.h). The router's index is
 * built once and then read concurrently without locks: a literal path is
 * found by hashing and a templated one (`:name`, `*`) by walking a trie of
 * segments, so lookup cost does not grow with the number of such routes;
 * only `pathPattern` routes and routes without a path are tried one by one,
 * among themselves. The index only narrows the candidates: each is confirmed
 * with mr_match, in file order (docs/internals/server.md, "Finding the route").
 * Regex matching and the index walk use per-thread scratch that grows to the
 * largest request seen (no allocation per call after that); free it with
 * mr_match_thread_exit.
 */
#ifndef MOCKRUN_SERVER_MATCH_H
#define MOCKRUN_SERVER_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/kv.h"
#include "scenarios/scenario.h"

struct cJSON;

/* The request as the matcher sees it. Every pointer is borrowed. */
struct mr_request {
    const char *method;         /* as sent, e.g. "POST" */
    const char *path;           /* URL-decoded path, without the query */
    const char *raw_path;       /* the path as sent, still encoded; NULL: same as path */
    const char *query;          /* raw query string without '?', "" when none */
    const struct mr_kv *params; /* decoded query parameters (mr_request_parse_query) */
    size_t nparams;
    const struct mr_kv *headers;
    size_t nheaders;
    const char *body;
    size_t body_len;
    /* what the JSON conditions read, built on first use and owned by the
     * request (release with mr_request_release): the body as JSON, or an XML
     * request's xml-js object */
    struct cJSON *body_json;
    bool body_json_tried;
    struct mr_xmldoc *body_xml; /* for XML conditions (common/xmldoc.h) */
    bool body_xml_tried;
};

/* Upper bound on the number of parameters in a query string. */
size_t mr_request_count_params(const char *query);

/*
 * Splits and URL-decodes `query` into `pairs` (room for `max` from
 * mr_request_count_params), using `scratch` (at least strlen(query) + 1
 * bytes) for the decoded text. Returns the number of pairs.
 */
size_t mr_request_parse_query(const char *query, char *scratch, struct mr_kv *pairs, size_t max);

/* Frees the request's parsed JSON or XML body, if any. */
void mr_request_release(struct mr_request *req);

/* Returns the first value of header `name` (case-insensitive), or NULL. */
const struct mr_kv *mr_request_header(const struct mr_request *req, const char *name);

/* Which condition of a matcher failed. */
enum mr_miss_kind {
    MR_MISS_NONE,
    MR_MISS_PATH,
    MR_MISS_METHOD,
    MR_MISS_QUERY,  /* index: which query condition */
    MR_MISS_HEADER, /* index: which header condition */
    MR_MISS_BODY,
};

struct mr_miss {
    enum mr_miss_kind kind;
    size_t index;
    int score; /* how much of the matcher held; higher is closer */
};

/*
 * True when the request satisfies every condition of `m`. With `miss`, all
 * conditions are evaluated and the first failing one (in the order path,
 * method, query, headers, body) and a closeness score are reported.
 */
bool mr_match(const struct mr_matcher *m, struct mr_request *req, struct mr_miss *miss);

struct mr_router;

/* Builds the route index of every service (caller owns; mr_router_free). */
int mr_router_new(struct mr_router **out, const struct mr_scenario *sc, struct mr_error *err);
void mr_router_free(struct mr_router *r);

/* The first route of `service`, in file order, that matches; -1 when none. */
long mr_router_match(const struct mr_router *r, size_t service, struct mr_request *req);

/* The first route of `service` after route index `after` (-1: from the start), in file
 * order, that matches; -1 when none. Never fails: when its scratch cannot grow it scans. */
long mr_router_next(const struct mr_router *r, size_t service, struct mr_request *req, long after);

/* The route of `service` that came closest (slow path, for unmatched requests); -1 if none. */
long mr_router_nearest(const struct mr_router *r, size_t service, struct mr_request *req,
                       struct mr_miss *miss);

/* Why matcher `m` missed, without naming a route, e.g. `method is POST, <wants> GET`
 * (`wants` is "the route wants" or "the expectation wants"). */
void mr_miss_explain(const struct mr_matcher *m, const struct mr_miss *miss,
                     const struct mr_request *req, const char *wants, char *buf, size_t size);

/* One line saying why `route` did not match, e.g.
 * `method is POST, route "get-charge" wants GET`. */
void mr_miss_describe(const struct mr_scenario *sc, long route, const struct mr_miss *miss,
                      const struct mr_request *req, char *buf, size_t size);

/*
 * Explaining an unmatched request (slow path, never taken by a matched one).
 *
 * mr_router_closest ranks the routes of a service by how many of their
 * conditions fail, then by distance (edits between the request's path and
 * the route's, plus the differences between JSON bodies), then by file
 * order, and keeps the first `max`. A route none of whose conditions hold
 * comes after every route that shares something with the request (or
 * `/any` would beat a route whose method and path hold but not its body),
 * and is left out when one does.
 * A condition is the method, the path, each query parameter, each header,
 * and the body (each `jsonPath` field counts as one).
 *
 * mr_miss_report writes the explanation: a one-line summary, then each
 * candidate with a verdict per condition and, for JSON bodies, each
 * differing member:
 *
 *   no route matched POST /v1/charges; closest: "create-charge" (1 of 4 conditions differ)
 *     route "create-charge": 1 of 4 conditions differ
 *       method ✓
 *       path ✓
 *       header Authorization ✗ (absent)
 *       body ✗ (1 difference)
 *         $.amount: expected 1999, got 2000
 *
 * Request values are made printable (control bytes as \xNN), so '\n' only
 * separates lines. Values longer than 80 bytes keep their two ends, e.g.
 * `"aaaa…(950 bytes left out)…zzzz"`; a body lists at most MR_MISS_DIFF_LINES
 * differences, then `... and N more differences`; text that would pass
 * `size` ends with a line saying so. Nothing is cut silently.
 */
#define MR_MISS_TEXT_MAX 4096 /* room for any explanation, NUL included */
#define MR_MISS_CLOSEST 3     /* candidates the server explains */
#define MR_MISS_DIFF_LINES 10 /* differences listed per body */

/* A route's distance from a request (mr_router_closest). */
struct mr_candidate {
    long route;          /* scenario route index */
    unsigned failed;     /* conditions that do not hold */
    unsigned conditions; /* conditions the route has */
    size_t distance;     /* path edits plus body differences; breaks ties */
};

/* Fills `out` (room for max) with the closest routes of `service`, closest first;
 * returns how many (0: the service has no routes). Scans every route. */
size_t mr_router_closest(const struct mr_router *r, size_t service, struct mr_request *req,
                         struct mr_candidate *out, size_t max);

/* Writes the explanation for candidates `c[0..n)` of `sc` into buf (always
 * NUL-terminated; MR_MISS_TEXT_MAX bytes hold any). */
void mr_miss_report(const struct mr_scenario *sc, struct mr_request *req,
                    const struct mr_candidate *c, size_t n, char *buf, size_t size);

/* The verdicts of one route, as mr_miss_report lists a candidate's, from its
 * line `route "id": 2 of 3 conditions differ` on (verification explains a call
 * against the route an expectation names, closest or not). */
void mr_miss_route_report(const struct mr_scenario *sc, long route, struct mr_request *req,
                          char *buf, size_t size);

/* mr_router_closest with MR_MISS_CLOSEST candidates, then mr_miss_report: what the
 * server answers, records and verification prints for an unmatched request. */
void mr_router_explain(const struct mr_router *r, size_t service, struct mr_request *req, char *buf,
                       size_t size);

/* Fills `out` (room for max) with the path parameters of a request whose
 * path matches: the `:name` segments of a templated path, each decoded on
 * its own (a %2F stays in its parameter) into `scratch`, which needs room
 * for strlen(raw_path) bytes; or the named groups of a `pathPattern`
 * (`(?<id>[0-9]+)`), pointing into the decoded path. Returns the number
 * found; 0 when the path does not match. */
size_t mr_match_path_params(const struct mr_matcher *m, const struct mr_request *req,
                            struct mr_kv *out, size_t max, char *scratch);

/* Splits a Cookie header value into name/value pairs pointing into it. */
size_t mr_request_parse_cookies(const char *header, size_t len, struct mr_kv *out, size_t max);

/* True when every field condition holds against the name/value pairs (names
 * compared exactly; a repeated name holds if any value does). */
bool mr_match_fields(const struct mr_field *f, size_t n, const struct mr_kv *kv, size_t nkv);

/* Frees the calling thread's regex match blocks and router scratch (call when a
 * worker thread exits; the next call on that thread makes them again). */
void mr_match_thread_exit(void);

#endif
