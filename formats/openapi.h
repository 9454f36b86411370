/*
 * openapi.h - a starting scenario from an OpenAPI 3.0 or 3.1 document
 * (`mockrun import openapi spec.yaml`).
 *
 * The document is read by openapi/spec.h. The scenario has one service,
 * named after `info.title` (as a slug: "Pet Store" is "pet-store"), else the
 * file's name, and one route per operation, in the document's order:
 *   - its id is the operationId (made unique with " #2", ...), else
 *     "GET /pets/{petId}"; its path is the base path of servers[0] followed
 *     by the template, `{petId}` written `:petId` (a name mockrun cannot
 *     take is changed, "pet-id" to "pet_id"); a segment with text around a
 *     template (`{name}.json`) makes the route a `pathPattern`;
 *   - its response is the operation's success response: the lowest 2xx
 *     code, else a 2XX range (answered 200), else `default` (answered 200),
 *     with the content type the spec lists first for it, `application/json`
 *     and other JSON types preferred. The body is the media type's
 *     `example`, else the first of its `examples` (a $ref to
 *     components/examples followed), else made from its schema: templated
 *     `json` whose strings are the template engine's fake data (formats
 *     such as uuid, email, date-time, date, uri, hostname, ipv4 and ipv6
 *     have their Faker name; enums of strings pick one per request), and
 *     whose numbers, booleans and the rest are literal values that meet the
 *     schema (`minimum`/`maximum`, exclusive bounds, `multipleOf`); a
 *     schema's own `example` (3.1: `examples[0]`), `const`, an `enum`'s
 *     value or `default` is used as it is; arrays get minItems..2 items;
 *     objects every property but writeOnly ones; allOf is merged, oneOf and
 *     anyOf take their first choice; $refs are followed up to
 *     MR_OPENAPI_GEN_DEPTH levels of nesting (below, optional members are
 *     left out and arrays are empty). Text bodies (text/...) come from a
 *     string example or a string schema; response headers get their example
 *     or a generated value.
 * What cannot be converted is a warning "line:col: json.path: message",
 * naming the place in the spec (a body in XML or binary with no example, a
 * string pattern, an external example, an operation with no success
 * response). The scenario is checked as it is built: every template it
 * holds compiles. Thread-safe.
 */
#ifndef MOCKRUN_FORMATS_OPENAPI_H
#define MOCKRUN_FORMATS_OPENAPI_H

#include <stddef.h>

#include "common/error.h"

/* Nesting of generated values ($refs followed, objects and arrays) before
 * only required members are made, and the most made at all. */
#define MR_OPENAPI_GEN_DEPTH 8
/* Values one operation's body may hold; past it the rest is left out (warned). */
#define MR_OPENAPI_GEN_MAX_NODES 5000

struct mr_openapi_result {
    char *scenario;  /* pretty JSON (2-space indent), ending with a newline */
    char **warnings; /* "line:col: json.path: message" */
    size_t nwarnings;
};

/*
 * Converts the OpenAPI document at `path`. Returns 0 and fills *out (free
 * with mr_openapi_result_free), MR_ESCENARIO when the document cannot be
 * read (err at its file, JSON path and line:column), or MR_ENOMEM. On
 * failure *out is empty.
 */
int mr_openapi_convert(const char *path, struct mr_openapi_result *out, struct mr_error *err);

/* The same from text; `file` names it (and names the service when the
 * document has no title). */
int mr_openapi_convert_text(const char *file, const char *text, size_t len,
                            struct mr_openapi_result *out, struct mr_error *err);

void mr_openapi_result_free(struct mr_openapi_result *r);

#endif
