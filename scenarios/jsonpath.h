/*
 * jsonpath.h - find where a JSON path points in the original text, so that
 * problems found after parsing can still be reported as file:line:column.
 *
 * Paths look like `services.payments.routes[1].response.status`; a key that
 * is not made of letters, digits, '_', '-' and '$' is written `["a.b"]`.
 * The locator is a small non-recursive scanner over the raw text: it never
 * allocates and accepts any bytes (it is a fuzz target). Thread-safe.
 */
#ifndef MOCKRUN_SCENARIOS_JSONPATH_H
#define MOCKRUN_SCENARIOS_JSONPATH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Finds the value at `path` in `text` (the whole document; "" is the root).
 * With `want_key`, finds the member's key instead of its value (for "unknown
 * key" messages). Returns true and sets *offset, or false when the path is
 * not in the text or the text is malformed before it.
 */
bool mr_jsonpath_locate(const char *text, size_t len, const char *path, bool want_key,
                        size_t *offset);

/* The same, at the nth member (0: the first) that the last key names in its
 * object: where a duplicate key is. */
bool mr_jsonpath_locate_nth(const char *text, size_t len, const char *path, bool want_key,
                            size_t nth, size_t *offset);

/* Converts a byte offset into 1-based line and column (columns count bytes). */
void mr_jsonpath_linecol(const char *text, size_t len, size_t offset, int *line, int *column);

/* Appends `.key` (or `["key"]` when needed, or `key` at the root) to the path
 * in buf, which holds `*n` bytes of `size`. Truncates safely. */
void mr_jsonpath_push_key(char *buf, size_t size, size_t *n, const char *key);

/* Appends `[index]`. */
void mr_jsonpath_push_index(char *buf, size_t size, size_t *n, size_t index);

#endif
