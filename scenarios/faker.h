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
 * Reference time: `date.past`, `date.future`, `date.recent`, `date.soon`,
 * `date.anytime` and `date.birthdate` count from the hash argument `refDate`
 * (a number of epoch milliseconds, or a string mr_date_parse accepts). The
 * template engine passes the request's `now_ms` as `refDate` when the
 * template gives none; without any, the wall clock is used.
 */
#ifndef MOCKRUN_SCENARIOS_FAKER_H
#define MOCKRUN_SCENARIOS_FAKER_H

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

/* The known name closest to an unknown `name`, for "did you mean", or NULL
 * when none is close. Borrowed, static storage. */
const char *mr_faker_suggest(const char *name);

#endif
