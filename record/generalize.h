/*
 * generalize.h - the route path a recorded call's path becomes: segments
 * that look like ids (numbers, UUIDs, hashes and random tokens) turn into
 * `:name` parameters named after the segment before them, so that
 * /users/42 and /users/7 are one route, /users/:userId.
 *
 * What counts as an id (docs/recording.md says it for users):
 *   - a number: digits only (`42`);
 *   - a UUID: 8-4-4-4-12 hex digits (`0f8fad5b-d9cb-469f-a165-70867728950e`);
 *   - a hash: 16 or more hex digits (`9b74c9897bac770ffc029102a200c5de`,
 *     a Git SHA-1, a MongoDB ObjectId);
 *   - a token: 16 or more letters, digits, `-` and `_` in which letters and
 *     digits alternate at least three times (`ch_3MqLiJLkdIwHu7ix28a3tqPa`,
 *     `V1StGXR8_Z5jdHi6B-myT`), which words and dated slugs
 *     (`release-notes-2023-01-05`) do not;
 *   - and, in a path, a segment that is not UTF-8 (a scenario cannot hold it).
 *
 * The parameter is named after the literal segment before it, singular and
 * camel-cased, with "Id": /users/42 → :userId, /line-items/7 → :lineItemId,
 * /categories/3 → :categoryId; "id" when there is none (/42, or an id after
 * an id), and a number added when a name repeats (:id, :id2).
 *
 * Pure and thread-safe.
 */
#ifndef MOCKRUN_RECORD_GENERALIZE_H
#define MOCKRUN_RECORD_GENERALIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

enum mr_gen_segment {
    MR_GEN_LITERAL, /* kept as it is */
    MR_GEN_NUMBER,
    MR_GEN_UUID,
    MR_GEN_HASH,
    MR_GEN_TOKEN,
};

/* What seg[0..len) is, by the rules above. */
enum mr_gen_segment mr_generalize_segment(const char *seg, size_t len);

/* The parameter name for an id that follows the literal segment prev[0..len)
 * (len 0: none) into out: "userId", "lineItemId", "id". Always
 * NUL-terminated, truncated to fit; only letters, digits and '_'. */
void mr_generalize_param_name(char *out, size_t size, const char *prev, size_t len);

/* How a recorded path is matched. */
enum mr_gen_kind {
    MR_GEN_PATH,    /* `path`: a template ("/users/:userId") or a literal path */
    MR_GEN_PATTERN, /* `pathPattern`: the path cannot be written as a template (a
                       segment starts with ':' or is '*', or holds '?', '#' or a
                       control byte): an anchored PCRE2 pattern, ids as named groups */
};

/*
 * Appends to `out` what a route matches the decoded request path `path` (it
 * starts with '/') with, and returns which key it goes under; *nparams
 * (may be NULL) receives the number of parameters. The same input always
 * gives the same output. On OOM `out` is marked failed.
 */
enum mr_gen_kind mr_generalize_path(struct mr_buf *out, const char *path, size_t *nparams);

#endif
