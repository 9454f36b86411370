/*
 * jsonschema.h - JSON Schema validation, for checking mocked responses and
 * recorded requests against the schemas of an OpenAPI document.
 *
 * Dialects: draft 2020-12 as OpenAPI 3.1 uses it (the core and validation
 * vocabularies, unevaluatedProperties/unevaluatedItems with annotations,
 * $dynamicRef), draft 4 as OpenAPI 3.0 uses it (with `nullable`, and
 * readOnly/writeOnly meaning something for requests and responses), and
 * draft 4 as published (for the official test suite). docs/jsonschema.md
 * lists what is supported and the official suite's pass counts.
 *
 * A schema set (`struct mr_jsonschema`) is made once from a cJSON document
 * (an OpenAPI document, or one schema) and any more documents a $ref may
 * name by URI: every $id and anchor is indexed, every $ref resolved and
 * every pattern compiled up front. Any schema node inside those documents
 * (the root, or `#/components/schemas/Pet` found with mr_jsonschema_find)
 * then validates any number of instances. A $ref that cannot be followed
 * (into a document the set was not given, to a missing location) or a
 * pattern that does not compile does not stop the set from being made:
 * mr_jsonschema_problems lists them, and a validation that reaches one
 * reports it as a violation, so nothing passes unchecked.
 *
 * Ownership: the documents are borrowed and must outlive the set, unchanged.
 * mr_jsonschema_new's *out belongs to the caller (mr_jsonschema_free); a
 * result's strings belong to the result (mr_jsonschema_result_release).
 * Thread-safety: a set is never changed after mr_jsonschema_new, so
 * validations may run on several threads at once.
 */
#ifndef MOCKRUN_OPENAPI_JSONSCHEMA_H
#define MOCKRUN_OPENAPI_JSONSCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct cJSON;
struct mr_jsonschema;

enum mr_jsonschema_dialect {
    /* draft 2020-12: OpenAPI 3.1's Schema Object */
    MR_JSONSCHEMA_2020_12 = 0,
    /* draft 4 as OpenAPI 3.0's Schema Object: `nullable: true` adds null to
     * `type`; `id` is no identifier (3.0 has none) */
    MR_JSONSCHEMA_OPENAPI30,
    /* draft 4 as published: `id` sets the base URI; no `nullable` */
    MR_JSONSCHEMA_DRAFT4,
};

/* One more document a $ref may reach. */
struct mr_jsonschema_doc {
    const char *uri; /* absolute, without a fragment: "http://example.com/common.json" */
    const struct cJSON *root;
};

struct mr_jsonschema_options {
    enum mr_jsonschema_dialect dialect;
    /* The main document's URI, which relative $refs resolve against
     * ("file:///srv/api/openapi.json"); NULL: none, and "#/..." still works. */
    const char *base_uri;
    const struct mr_jsonschema_doc *docs; /* may be NULL */
    size_t ndocs;
    /* `format` fails values that are not a valid date-time, date, time,
     * email, uuid, ipv4, ipv6, uri, hostname or regex. Otherwise every
     * format is an annotation, as both drafts say by default. */
    bool assert_formats;
};

/*
 * Makes a schema set over `root` (with `opts`; NULL for the defaults: draft
 * 2020-12, no base URI, no other document). Returns 0, or MR_ENOMEM with
 * *out NULL. Problems in the schemas are not failures (see above).
 */
int mr_jsonschema_new(struct mr_jsonschema **out, const struct cJSON *root,
                      const struct mr_jsonschema_options *opts, struct mr_error *err);

void mr_jsonschema_free(struct mr_jsonschema *s);

/*
 * Adds to `out` what was found wrong while making the set, one MR_ESCENARIO
 * error each, in document order: a $ref that cannot be followed, a pattern
 * (or a patternProperties name) that ECMA-262 or PCRE2 refuses. Each
 * error's `path` is the schema location ("#/components/schemas/Pet/$ref")
 * and its message says what is wrong; `file`, `line` and `column` are left
 * for the caller, who knows where the document came from. Returns how many
 * problems there are (those beyond the list's cap are counted as dropped).
 */
size_t mr_jsonschema_problems(const struct mr_jsonschema *s, struct mr_error_list *out);

/*
 * The node `ref` names, resolved as a $ref at the main document's root
 * would be ("#/components/schemas/Pet", "#/paths/~1pets/get", "#anchor", a
 * URI of another document); NULL when it names nothing the set was given.
 * Borrowed from the documents.
 */
const struct cJSON *mr_jsonschema_find(const struct mr_jsonschema *s, const char *ref);

/* What the instance is, for OpenAPI's readOnly and writeOnly. */
enum mr_jsonschema_direction {
    MR_JSONSCHEMA_ANY = 0,  /* readOnly and writeOnly are annotations */
    MR_JSONSCHEMA_REQUEST,  /* a readOnly property must not be sent, and is never required */
    MR_JSONSCHEMA_RESPONSE, /* a writeOnly property must not be returned, and is never required */
};

#define MR_JSONSCHEMA_MAX_ERRORS 20     /* violations kept by default */
#define MR_JSONSCHEMA_MAX_DEPTH 256     /* schemas applied inside one another */
#define MR_JSONSCHEMA_MAX_STEPS 2000000 /* schemas applied in one validation, by default */

/* How to validate; a zeroed struct (or NULL) gives the defaults. */
struct mr_jsonschema_check {
    enum mr_jsonschema_direction direction;
    size_t max_errors; /* violations kept; 0: MR_JSONSCHEMA_MAX_ERRORS */
    /* Schemas applied (and uniqueItems comparisons made) before the
     * validation gives up with a violation saying so, against schemas whose
     * anyOf/oneOf nest so that the work grows exponentially with the data;
     * 0: MR_JSONSCHEMA_MAX_STEPS. */
    size_t max_steps;
};

struct mr_jsonschema_violation {
    /* RFC 6901 JSON Pointer into the instance: "/items/0/price"; "" for the
     * instance itself. Exact, so any bytes a key holds: show it through
     * mr_printable. */
    char *instance;
    /* The keyword that failed, as a URI reference into the documents:
     * "#/components/schemas/Item/properties/price/minimum" in the main
     * document, "<uri>#/..." in another; a false schema is named itself. */
    char *schema;
    /* One printable line, the instance's value first, in mockrun's words:
     * "is -1, the schema wants at least 0". */
    char *message;
};

struct mr_jsonschema_result {
    bool valid;
    size_t count;   /* violations in items */
    size_t dropped; /* violations found beyond max_errors */
    struct mr_jsonschema_violation *items;
};

/*
 * Validates `instance` against `schema`, a node inside the set's documents
 * (NULL: the main document's root; a node from elsewhere is validated too,
 * its $refs resolved against the main document). Fills *out (the caller releases it): valid, or the
 * violations, in the order they were found. When an anyOf or oneOf
 * matches no branch, its violation is followed by those of the branch that
 * came closest. A validation that cannot finish (MR_JSONSCHEMA_MAX_DEPTH,
 * max_steps, a $ref cycle that never reaches further into the instance) is
 * invalid, its last violation saying why. Returns 0, or MR_ENOMEM (*out is
 * then empty and invalid).
 */
int mr_jsonschema_validate(struct mr_jsonschema_result *out, const struct mr_jsonschema *s,
                           const struct cJSON *schema, const struct cJSON *instance,
                           const struct mr_jsonschema_check *check, struct mr_error *err);

void mr_jsonschema_result_release(struct mr_jsonschema_result *r);

#endif
