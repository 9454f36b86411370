/*
 * jsondoc.h - JSON documents as users write them: parsing one with the
 * position of any syntax error, and finding where a JSON path points in the
 * original text, so that problems found after parsing are still reported as
 * file:line:column. The scenario loader and every foreign-format converter
 * read their files through here.
 *
 * Locating: paths look like `services.payments.routes[1].response.status`; a key that
 * is not made of letters, digits, '_', '-' and '$' is written `["a.b"]`.
 * The locator is a small non-recursive scanner over the raw text: it never
 * allocates and accepts any bytes (it is a fuzz target); between tokens it
 * skips what cJSON skips, every byte up to the space. Thread-safe.
 */
#ifndef MOCKRUN_COMMON_JSONDOC_H
#define MOCKRUN_COMMON_JSONDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct cJSON;

/* Skips a UTF-8 byte-order mark: the document, and its columns, start after it. */
void mr_jsondoc_skip_bom(const char **text, size_t *len);

/*
 * Parses `text` (BOM already skipped) as one JSON document that fills it but
 * for blanks. Returns the root (the caller frees it with cJSON_Delete), or
 * NULL with *err set: MR_ESCENARIO at `file`:line:column with "invalid JSON
 * near 'x'" or "invalid JSON: unexpected end of file".
 */
struct cJSON *mr_jsondoc_parse(const char *file, const char *text, size_t len,
                               struct mr_error *err);

/*
 * Finds the value at `path` in `text` (the whole document; "" is the root).
 * With `want_key`, finds the member's key instead of its value (for "unknown
 * key" messages). Returns true and sets *offset, or false when the path is
 * not in the text or the text is malformed before it.
 */
bool mr_jsondoc_locate(const char *text, size_t len, const char *path, bool want_key,
                       size_t *offset);

/* The same, at the nth member (0: the first) that the last key names in its
 * object: where a duplicate key is. */
bool mr_jsondoc_locate_nth(const char *text, size_t len, const char *path, bool want_key,
                           size_t nth, size_t *offset);

/*
 * From `*offset`, where an array's item starts (as found by mr_jsondoc_locate),
 * moves *offset to where the next item starts. Returns false, leaving it
 * alone, after the last item or on malformed text. Walking an array item by
 * item costs one pass over it, where locating each item from the root would
 * cost one pass per item.
 */
bool mr_jsondoc_next_item(const char *text, size_t len, size_t *offset);

/* Converts a byte offset into 1-based line and column (columns count bytes). */
void mr_jsondoc_linecol(const char *text, size_t len, size_t offset, int *line, int *column);

/* Appends `.key` (or `["key"]` when needed, or `key` at the root) to the path
 * in buf, which holds `*n` bytes of `size`. Truncates safely. */
void mr_jsondoc_push_key(char *buf, size_t size, size_t *n, const char *key);

/* Appends `[index]`. */
void mr_jsondoc_push_index(char *buf, size_t size, size_t *n, size_t index);

/*
 * A body condition's `jsonPath` key: JSONPath's common subset ($.a.b[0],
 * $['a b'], $["x"]) or Mockoon's object-path (a.b.0). Calls step(ctx, name,
 * len) for each member name or array index from the root (step may be NULL
 * to only check). Returns NULL when the path is valid, "" when step returned
 * false (out of memory), or what is wrong with it.
 */
const char *mr_jsondoc_split_path(const char *src, bool (*step)(void *ctx, const char *s, size_t n),
                                  void *ctx);

/* The same with wildcards, for `snapshot.ignore`: `[*]` and `.*` (and a `*`
 * name in the object-path form, `items.*.id`) stand for every item of an
 * array or member of an object; step gets s NULL and n 0 for them. */
const char *mr_jsondoc_split_path_wild(const char *src,
                                       bool (*step)(void *ctx, const char *s, size_t n), void *ctx);

#endif
