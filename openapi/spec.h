/*
 * spec.h - an OpenAPI 3.0.x or 3.1.x document, read into its operations.
 *
 * mr_openapi_load reads the file (YAML or JSON, openapi/yaml.h) and lists
 * every operation: its method, path template, operationId, parameters
 * (the path item's merged with the operation's, the operation's winning for
 * the same name and `in`), request body and responses, each with its media
 * types and their schemas. `$ref`s to parameters, request bodies, responses
 * and path items are resolved (a chain of them too); a `$ref` that leaves
 * the document (`other.yaml#/X`, `https://...`) is an error at load, wherever
 * it is outside example data, naming the file and line:column of the
 * `$ref`. Schemas stay as written: each is a node of the document with its
 * JSON Pointer, so that a validator given the root (mr_openapi_root) can
 * follow the `$ref`s inside them (mr_openapi_resolve does it for others).
 *
 * Base path: the path of `servers[0].url` (`https://x/api/v1` and `/api/v1`
 * give `/api/v1`; `{variables}` take their `default`; none, or `/`, give
 * "") is where the API lives. The lookups by concrete path and by route take
 * a path with or without it: when the path starts with the base path at a
 * segment boundary, that prefix is removed before matching (so a request
 * for `/api/v1/users/7` finds `/users/{id}`, and so does `/users/7`, as a
 * scenario may leave the prefix out). `servers` of path items and
 * operations are not read.
 *
 * Strings and nodes are owned by the spec and live until mr_openapi_free.
 * A loaded spec is read-only: its functions are thread-safe.
 */
#ifndef MOCKRUN_OPENAPI_SPEC_H
#define MOCKRUN_OPENAPI_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct cJSON;
struct mr_openapi;

/* A node of the document and its JSON Pointer ("" is the root; "/components/schemas/Pet"). */
struct mr_openapi_node {
    const struct cJSON *node; /* NULL when absent */
    const char *pointer;      /* NULL when absent */
};

enum mr_openapi_in {
    MR_OPENAPI_IN_PATH,
    MR_OPENAPI_IN_QUERY,
    MR_OPENAPI_IN_HEADER,
    MR_OPENAPI_IN_COOKIE,
};

struct mr_openapi_param {
    const char *name;
    enum mr_openapi_in in;
    bool required;                 /* always true for path parameters */
    struct mr_openapi_node schema; /* `schema`, or the first `content` entry's */
    struct mr_openapi_node self;   /* the Parameter Object, its $ref followed */
};

/* One entry of a `content` map. */
struct mr_openapi_media {
    const char *type;               /* the key as written: "application/json" */
    struct mr_openapi_node schema;  /* may be absent */
    struct mr_openapi_node example; /* `example`, may be absent */
    /* `examples`: name → Example Object (or its $ref); may be absent */
    struct mr_openapi_node examples;
    struct mr_openapi_node self;
};

struct mr_openapi_body {
    bool required;
    struct mr_openapi_media *content;
    size_t ncontent;
    struct mr_openapi_node self; /* the Request Body Object, its $ref followed */
};

struct mr_openapi_response {
    const char *status;      /* as written: "200", "2XX", "default" */
    const char *description; /* or NULL */
    struct mr_openapi_media *content;
    size_t ncontent;
    struct mr_openapi_node self; /* the Response Object, its $ref followed */
};

struct mr_openapi_op {
    const char *method;       /* upper case: "GET" */
    const char *path;         /* the template as written: "/users/{id}" */
    const char *operation_id; /* or NULL */
    const char *summary;      /* or NULL */
    struct mr_openapi_param *params;
    size_t nparams;
    const struct mr_openapi_body *body; /* NULL when the operation takes none */
    struct mr_openapi_response *responses;
    size_t nresponses;
    struct mr_openapi_node self; /* the Operation Object: "/paths/~1users~1{id}/get" */
};

/*
 * Reads and checks the document at `path`. Returns 0 and *out (free with
 * mr_openapi_free), MR_ESCENARIO with err at the file, the JSON path (as
 * jsondoc writes them: `paths["/users"].get.parameters[0]`) and line:column
 * of the first problem, or MR_ENOMEM. Problems: not YAML or JSON, no or an
 * unsupported `openapi` version (Swagger 2.0 included), a malformed path,
 * operation, parameter, request body, response or content map, a `$ref`
 * that cannot be followed or leaves the document.
 */
int mr_openapi_load(struct mr_openapi **out, const char *path, struct mr_error *err);

/* The same from text (`file` names it in messages). */
int mr_openapi_parse(struct mr_openapi **out, const char *file, const char *text, size_t len,
                     struct mr_error *err);

void mr_openapi_free(struct mr_openapi *s);

/* The document's root, for validators that follow $refs. Borrowed. */
const struct cJSON *mr_openapi_root(const struct mr_openapi *s);

const char *mr_openapi_file(const struct mr_openapi *s);

/* `openapi` as written ("3.0.3"), and whether it is 3.1.x (else 3.0.x). */
const char *mr_openapi_version(const struct mr_openapi *s);
bool mr_openapi_is_31(const struct mr_openapi *s);

/* `info.title`, or NULL. */
const char *mr_openapi_title(const struct mr_openapi *s);

/* The base path ("" or "/api/v1", never ending in '/'). */
const char *mr_openapi_base_path(const struct mr_openapi *s);

/* The operations, in document order (paths, then each path item's methods). */
size_t mr_openapi_count(const struct mr_openapi *s);
const struct mr_openapi_op *mr_openapi_op(const struct mr_openapi *s, size_t i);

/*
 * The operation a request (`method` in any case; `path` as the server
 * decoded it, a query string ignored) is for, or NULL. A templated segment
 * (`{id}`, or `{name}.json` inside a segment) matches any non-empty segment;
 * where several templates match, the one whose first differing segment is
 * literal wins (`/users/me` over `/users/{id}`), then the one with more
 * literal text in that segment, then the first in the document.
 */
const struct mr_openapi_op *mr_openapi_find(const struct mr_openapi *s, const char *method,
                                            const char *path);

/*
 * The operation a mockrun route is for: `method` (not ANY) and its `path`
 * (`/users/:id`): a `:name` segment matches a segment that is one whole
 * template (`{id}`, any name: parameters are matched by position), a
 * literal segment matches as in mr_openapi_find. A route with `*` matches
 * nothing. NULL when none.
 */
const struct mr_openapi_op *mr_openapi_find_route(const struct mr_openapi *s, const char *method,
                                                  const char *path);

/* Whether `op`'s path template matches the concrete `path` (the base path
 * removed as for mr_openapi_find), whatever its method. */
bool mr_openapi_matches(const struct mr_openapi *s, const struct mr_openapi_op *op,
                        const char *path);

/* The response an answer of `status` is checked against: the exact code,
 * else its range ("2XX", any case of X), else "default"; NULL when none. */
const struct mr_openapi_response *mr_openapi_response_for(const struct mr_openapi_op *op,
                                                          int status);

/*
 * The entry of a content map for a `Content-Type` value (parameters such as
 * charset ignored, case ignored): the exact type, else its `type/ *` range,
 * else `* / *` (written without the spaces). NULL `content_type` finds only
 * `* / *`. NULL when none.
 */
const struct mr_openapi_media *mr_openapi_media_for(const struct mr_openapi_media *content,
                                                    size_t n, const char *content_type);

/*
 * Follows `node`'s `$ref` (a chain of them, up to 32) when it has one:
 * returns the node it ends at, or `node` itself without one, or NULL when a
 * `$ref` cannot be followed (not "#..." in this document, a cycle, nothing
 * there). When `pointer` is not NULL and a $ref was followed, *pointer is
 * the target's JSON Pointer (caller frees; else left alone).
 */
const struct cJSON *mr_openapi_deref(const struct mr_openapi *s, const struct cJSON *node,
                                     char **pointer);

/*
 * The node a `$ref` value ("#/components/schemas/Pet": a URI fragment,
 * percent-decoded, then a JSON Pointer) names, or NULL.
 */
const struct cJSON *mr_openapi_resolve(const struct mr_openapi *s, const char *ref);

/* Where `node` is in the file (see mr_yaml_locate). */
bool mr_openapi_locate(const struct mr_openapi *s, const struct cJSON *node, bool want_key,
                       int *line, int *column);

/* Where the node a JSON Pointer ("/components/schemas/Pet/properties/id",
 * as the validator reports schema locations) names is in the file: its
 * value, or with `want_key` its key. False when the pointer names nothing. */
bool mr_openapi_locate_pointer(const struct mr_openapi *s, const char *pointer, bool want_key,
                               int *line, int *column);

/* Sets err's file, JSON path and line:column to `node` of the document. */
void mr_openapi_error_at(const struct mr_openapi *s, struct mr_error *err,
                         const struct cJSON *node);

#endif
