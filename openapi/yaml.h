/*
 * yaml.h - OpenAPI documents as cJSON trees: YAML (1.2's core schema, read
 * with libyaml) or JSON (through common/jsondoc.h), with where in the text
 * each node came from, so that a message about any part of a spec names its
 * line and column.
 *
 * A document whose first character after blanks (and a UTF-8 byte-order
 * mark) is `{` is JSON; anything else is YAML. Either way the result is one
 * cJSON tree:
 *   - mappings are objects and sequences arrays; a key must be a scalar and
 *     is kept as its text (`200:` is the key "200");
 *   - plain scalars are typed as YAML 1.2's core schema types them: `null`,
 *     `Null`, `NULL`, `~` and nothing are null; `true`/`false` (also `True`,
 *     `TRUE`, ...) booleans; decimal, `0x` and `0o` integers and decimal
 *     floats numbers; everything else, YAML 1.1's `yes`/`no`/`on`/`off`
 *     included, a string. `.inf`, `.nan` and numbers beyond a double stay
 *     strings (JSON has no such number). Quoted and block scalars (`|`,
 *     `>`) are strings. The tags `!!str`, `!!int`, `!!float`, `!!bool`,
 *     `!!null`, `!!binary`, `!!map`, `!!seq` are honoured (a value that
 *     does not fit its tag is an error); other tags are errors;
 *   - anchors and aliases: an alias is a copy of its anchor's node. Copies
 *     made by aliases count against MR_YAML_MAX_ALIAS_NODES (a "billion
 *     laughs" document stops there with an error); an alias to an anchor that
 *     is not complete yet (a cycle) is an error;
 *   - merge keys (`<<: *base`, `<<: [*a, *b]`): the mappings' members the
 *     mapping does not have itself are added after its own, the first
 *     source winning;
 *   - one document only (a second `---` is an error); an empty stream is
 *     null;
 *   - a key given twice in one mapping is an error (at the second), in YAML
 *     and in JSON alike, as the scenario loader treats scenario files.
 * Strings holding NUL (`"\0"`) are refused: cJSON strings end at NUL.
 *
 * Errors are MR_ESCENARIO with the file and the line:column (1-based;
 * columns count bytes, as jsondoc's do) of the problem.
 *
 * Thread-safe: a document is read-only once parsed. The document owns the
 * tree; nodes are borrowed for as long as the document lives.
 */
#ifndef MOCKRUN_OPENAPI_YAML_H
#define MOCKRUN_OPENAPI_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct cJSON;

/* Nesting deeper than this (mappings and sequences) is refused. */
#define MR_YAML_MAX_DEPTH 256
/* Nodes that aliases and merge keys may copy, in all, per document. */
#define MR_YAML_MAX_ALIAS_NODES 1000000
/* The largest file mr_yaml_read_file reads. */
#define MR_YAML_MAX_FILE (64u << 20)

struct mr_yaml_doc;

/*
 * Parses `text` (`len` bytes, no NUL needed; `file` names it in errors and is
 * copied). Returns 0 and *out (free with mr_yaml_free), MR_ESCENARIO with
 * err at the file and line:column, or MR_ENOMEM. *out is NULL on failure.
 */
int mr_yaml_parse(struct mr_yaml_doc **out, const char *file, const char *text, size_t len,
                  struct mr_error *err);

/* Reads the file at `path` (at most MR_YAML_MAX_FILE bytes) and parses it;
 * a file that cannot be read is MR_ESCENARIO naming it and why. */
int mr_yaml_read_file(struct mr_yaml_doc **out, const char *path, struct mr_error *err);

void mr_yaml_free(struct mr_yaml_doc *d);

/* The root node (never NULL: an empty document is a null node). Borrowed. */
const struct cJSON *mr_yaml_root(const struct mr_yaml_doc *d);

/* The file name given to mr_yaml_parse. */
const char *mr_yaml_file(const struct mr_yaml_doc *d);

/* Whether the text was read as JSON rather than YAML. */
bool mr_yaml_is_json(const struct mr_yaml_doc *d);

/*
 * Where `node` (a node of this document's tree) is in the text: its value,
 * or with `want_key` the key of the member it is (for an array item or the
 * root, its value). A node copied by an alias is placed at the alias for
 * its top and at the anchored original for the nodes below it. Returns
 * false when the node is not in the tree. Walks the tree from the root:
 * meant for messages, not for hot paths.
 */
bool mr_yaml_locate(const struct mr_yaml_doc *d, const struct cJSON *node, bool want_key, int *line,
                    int *column);

/* The jsondoc path of `node` (`paths["/users"].get.parameters[0]`, "" for
 * the root) into buf, truncated to fit; false when the node is not in the tree. */
bool mr_yaml_path_of(const struct mr_yaml_doc *d, const struct cJSON *node, char *buf, size_t size);

/*
 * The node a JSON Pointer (RFC 6901: "" is the root, "/paths/~1users/get";
 * ~1 is '/' and ~0 '~'; no '#' and no percent-decoding, which belong to URI
 * fragments) names under `root`, or NULL. Array indexes are decimal without
 * leading zeros. Pure; for any cJSON tree.
 */
const struct cJSON *mr_yaml_pointer(const struct cJSON *root, const char *pointer);

#endif
