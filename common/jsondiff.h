/*
 * jsondiff.h - where two JSON values differ, member by member, and the line
 * each difference is written as. The near-miss explanation of a JSON body
 * condition (server/match.c) lists its differences with it,
 *
 *     $.currency: expected "eur", got "usd"
 *     $.email: missing, expected "a@b.c"
 *     $.nickname: unexpected, got "bob"
 *
 * and `mockrun drift` compares the mock's answers with a real API's with it.
 *
 * Paths start at "$"; a member is `.name`, or `["odd name"]` when it is not
 * made of letters, digits, '_' and '$' (or starts with a digit); an item is
 * `[i]`. A name over MR_ELIDE_OVER bytes keeps its two ends, and a path that
 * would pass MR_JSONDIFF_PATH_MAX bytes ends in "…". Pure and thread-safe;
 * SHAPE allocates a little, to name a difference repeated across array items
 * once (without memory, it names it again).
 */
#ifndef MOCKRUN_COMMON_JSONDIFF_H
#define MOCKRUN_COMMON_JSONDIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

struct cJSON;

/* Room for any path the walk passes, NUL included. */
#define MR_JSONDIFF_PATH_MAX 512
/* Room for any line mr_jsondiff_line writes, NUL included. */
#define MR_JSONDIFF_LINE_MAX (MR_JSONDIFF_PATH_MAX + 2 * MR_ELIDED_MAX + 32)

/* What counts as a difference. */
enum mr_jsondiff_mode {
    /* equal, as cJSON_Compare (case-sensitive names): the same members both
     * ways, arrays item by item and of the same length, equal scalars */
    MR_JSONDIFF_EQUAL,
    /* `have` contains `want`: as EQUAL, but an object of `have` may have
     * members `want` lacks (arrays, and objects inside them, still compare
     * as EQUAL) */
    MR_JSONDIFF_SUBSET,
    /*
     * `have` has the shape of `want`, whatever its values: objects have the
     * same member names (both ways), each member of the same shape; values
     * have the same JSON type (null is one, true and false are one:
     * boolean); an array's items each have the shape of want's first item
     * (their number does not matter, nor want's other items; an empty array
     * on either side has any shape). A difference inside array items is
     * at a path with `[*]` for the item, and is found once however many
     * items have it (the first item that has it gives `have`).
     */
    MR_JSONDIFF_SHAPE,
};

/*
 * Called once per difference, in document order (want's members, then the
 * members only `have` has): `path` is where; `want` NULL means `have` has a
 * member there that `want` lacks, `have` NULL that it lacks one `want` has;
 * both set, that the values there differ (a scalar, or values of different
 * types). The pointers are borrowed for the call.
 */
typedef void (*mr_jsondiff_fn)(void *ctx, const char *path, const struct cJSON *want,
                               const struct cJSON *have);

/* Walks `want` and `have` (neither NULL) and calls `each` (may be NULL: only
 * count) for every difference. Returns how many there are. */
size_t mr_jsondiff(const struct cJSON *want, const struct cJSON *have, enum mr_jsondiff_mode mode,
                   mr_jsondiff_fn each, void *ctx);

/*
 * One difference as a line, without indentation, into buf (always
 * NUL-terminated; MR_JSONDIFF_LINE_MAX holds any):
 * "PATH: expected W, got H", "PATH: missing, expected W" (have NULL) or
 * "PATH: unexpected, got H" (want NULL). Values are compact JSON, printable,
 * elided past MR_ELIDE_OVER bytes.
 */
void mr_jsondiff_line(char *buf, size_t size, const char *path, const struct cJSON *want,
                      const struct cJSON *have);

/* The JSON type of `v` as a line names it: "an object", "an array", "a string",
 * "a number", "a boolean", "null". Static storage. */
const char *mr_jsondiff_type(const struct cJSON *v);

/* A JSON value as compact JSON text, printable and elided (mr_printable_elide)
 * into dst; "(out of memory)" when it cannot be printed. */
void mr_jsondiff_value(char *dst, size_t size, const struct cJSON *v);

#endif
