/*
 * faker.h - Faker.js-named fake data for the `faker` template helper
 * (`{{faker 'person.firstName'}}`, `{{faker 'number.int' max=99}}`), with
 * English word lists compiled in.
 *
 * Names and output shapes follow Faker.js v8+ as Mockoon exposes it: the
 * helper's positional arguments come first, then one hash argument per
 * `key=value` pair (Mockoon hands Handlebars' hash to Faker as an options
 * object). Values are compared with Faker's by shape, not by bytes.
 *
 * Randomness comes only from the caller's generator `rand(rand_ctx)`, which
 * must return uniform 64-bit values: the same sequence gives the same bytes.
 * No function here keeps state; all are thread-safe.
 *
 * Arguments: a number may come as is_num or as a numeric string ("5"); a
 * boolean option (formatted, autoFormat, abbreviated, ...) as a number (0 is
 * false) or the string "true"/"false".
 *
 * Dates: `date.past`, `date.future`, `date.recent`, `date.soon`,
 * `date.anytime` and `date.between` print JavaScript's Date.toString() under
 * TZ=UTC ("Wed Nov 25 2026 12:30:57 GMT+0000 (Coordinated Universal Time)"),
 * because Faker returns a Date and Mockoon's Handlebars prints it that way;
 * mr_date_parse reads the text back for dateFormat and friends. They count
 * from the hash argument `refDate` (epoch milliseconds as a number, or any
 * text mr_date_parse accepts). The template engine should append
 * {.key = "refDate", .is_num = true, .num = now_ms} when the template gives no
 * refDate, so a request's "now" is the same for every helper; without one the
 * wall clock is used.
 */
#ifndef MOCKRUN_FAKEDATA_FAKER_H
#define MOCKRUN_FAKEDATA_FAKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* One helper argument: positional (key NULL) or hash (`key=value`). */
struct mr_faker_arg {
    const char *key; /* NULL: positional; else NUL-terminated hash key */
    bool is_num;     /* the value is the number `num` */
    double num;
    const char *str; /* else the string value, `len` bytes (need not be NUL-terminated) */
    size_t len;
};

/* True when `name` ("person.firstName") is a Faker name this module knows. */
bool mr_faker_known(const char *name);

/*
 * Appends one generated value for `name` to `out`. Arguments that do not
 * apply are ignored, as Faker ignores them. Returns 0, MR_ENOMEM when `out`
 * cannot grow, or MR_EINTERNAL for an unknown name (callers check
 * mr_faker_known when compiling the template).
 */
int mr_faker_generate(struct mr_buf *out, const char *name, const struct mr_faker_arg *args,
                      size_t nargs, uint64_t (*rand)(void *), void *rand_ctx);

/*
 * A name resolved once, for callers that generate it many times (a template
 * resolves the literal names it holds when it is compiled): mr_faker_find
 * returns NULL for an unknown name, else a handle in static storage, valid
 * for the life of the program. mr_faker_run is mr_faker_generate without the
 * look-up.
 */
struct mr_faker_method;

const struct mr_faker_method *mr_faker_find(const char *name);
const char *mr_faker_method_name(const struct mr_faker_method *m);
int mr_faker_run(struct mr_buf *out, const struct mr_faker_method *m,
                 const struct mr_faker_arg *args, size_t nargs, uint64_t (*rand)(void *),
                 void *rand_ctx);

/* The known name closest to an unknown `name`, for "did you mean", or NULL
 * when none is close: Faker's pre-v8 names map to their new ones
 * ("name.firstName" → "person.firstName", "datatype.uuid" → "string.uuid"),
 * then case slips, the same method under another namespace, and typos.
 * Borrowed, static storage. */
const char *mr_faker_suggest(const char *name);

/* The i-th known name in sorted order, or NULL past the end (for docs and
 * tests). Borrowed, static storage. */
const char *mr_faker_name_at(size_t i);

#endif
