/*
 * jsonschema_internal.h - what the files of the JSON Schema validator
 * share: the schema set (jsonschema.c builds it: the index of identifiers,
 * the resolved $refs, the compiled patterns), validation (jsonschema_eval.c)
 * and the string checks (jsonschema_format.c: ECMA-262 patterns for PCRE2,
 * formats). Not for other modules.
 */
#ifndef MOCKRUN_OPENAPI_JSONSCHEMA_INTERNAL_H
#define MOCKRUN_OPENAPI_JSONSCHEMA_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <pcre2.h>

#include "openapi/jsonschema.h"

/* A hash table from a node of the documents to what the set knows of it. */
struct mr_jsonschema__map {
    const void **keys;
    void **vals;
    size_t cap; /* a power of two, or 0 */
    size_t n;
};

/* A $id, an anchor or a document: a URI that names a node. */
struct mr_jsonschema__resource {
    char *uri; /* absolute, no fragment; anchors: "<uri>#<name>" */
    const cJSON *node;
    bool dynamic; /* a $dynamicAnchor */
};

/* A $ref (or $dynamicRef) resolved: the node it names, or why there is none. */
struct mr_jsonschema__ref {
    const cJSON *target; /* NULL when error is set */
    char *error;         /* "$ref \"x.json\" cannot be followed: ..." */
    char *resource;      /* the URI it names, without the fragment: the resource entered */
    char *anchor;        /* $dynamicRef "#name": the name, else NULL */
};

/* A compiled pattern, or why it did not compile. */
struct mr_jsonschema__pattern {
    const char *src; /* as written, borrowed from the document */
    pcre2_code *code;
    char *error;
};

/* A document the set was given: the main one first. */
struct mr_jsonschema__docref {
    char *uri; /* "" for the main document without a base URI */
    const cJSON *root;
};

struct mr_jsonschema {
    enum mr_jsonschema_dialect dialect;
    bool assert_formats;
    struct mr_jsonschema__docref *docs;
    size_t ndocs;
    struct mr_jsonschema__resource *res;
    size_t nres;
    struct mr_jsonschema__map refs;     /* $ref string item → struct mr_jsonschema__ref */
    struct mr_jsonschema__map patterns; /* pattern item → struct mr_jsonschema__pattern */
    struct mr_jsonschema__map bases;    /* schema with a $id (or a document root) → its URI */
    bool unevaluated;                   /* some schema uses unevaluated*: annotations matter */
    /* the problems found, in document order */
    const cJSON **problem_nodes;
    size_t nproblems;
};

/* ---- jsonschema.c ---------------------------------------------------------- */

void *mr_jsonschema__map_get(const struct mr_jsonschema__map *m, const void *key);

/* Resolves `ref` against `base` (RFC 3986 section 5.2) into *out (caller
 * frees). False when out of memory. */
bool mr_jsonschema__resolve_uri(char **out, const char *base, const char *ref);

/* The node the absolute URI `uri` names in the set, or NULL with a phrase in
 * `why`. Allocates nothing it keeps; false only when out of memory. */
bool mr_jsonschema__lookup(const struct mr_jsonschema *s, const char *uri, const cJSON **node,
                           char *why, size_t whysize);

/* The dynamic anchor `name` of the resource `uri`, or NULL. */
const cJSON *mr_jsonschema__dynamic_anchor(const struct mr_jsonschema *s, const char *uri,
                                           const char *name);

/* Appends the location of `node` in the documents ("#/a/b" in the main one,
 * "<uri>#/a/b" in another) to `out`; `fallback` is searched too, as a
 * document of its own. False when the node is in none of them. */
struct mr_buf;
bool mr_jsonschema__locate(struct mr_buf *out, const struct mr_jsonschema *s, const cJSON *node,
                           const cJSON *fallback);

/* Appends a JSON Pointer token (~ and / escaped) to `out`. */
bool mr_jsonschema__put_token(struct mr_buf *out, const char *s, size_t len);

/* ---- jsonschema_format.c --------------------------------------------------- */

/* Compiles an ECMA-262 pattern (as JSON Schema means it: Unicode mode) for
 * PCRE2. NULL with PCRE2's or our reason in `why`, or "out of memory". */
pcre2_code *mr_jsonschema__compile_pattern(const char *src, char *why, size_t whysize);

/* True when `s` (a string instance) is valid for the format `name`; true
 * for a format not checked. */
bool mr_jsonschema__format_ok(const char *name, const char *s);

#endif
