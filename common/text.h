/*
 * text.h - small byte-level text helpers shared by the loader, the matcher,
 * the templates and the report writers. Pure functions; thread-safe.
 */
#ifndef MOCKRUN_COMMON_TEXT_H
#define MOCKRUN_COMMON_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* The value of a hex digit, or -1. */
int mr_hexval(char c);

/* True when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or
 * code points past U+10FFFF). */
bool mr_utf8_valid(const char *s, size_t n);

/* True when s is a non-empty HTTP token (RFC 9110), as a header name must be. */
bool mr_http_token(const char *s);

/* True when s can be a method in a scenario: 1-32 letters, '-' or '_'. */
bool mr_http_method(const char *s);

/* How mr_percent_decode treats its input. */
enum {
    MR_PCT_PLUS = 1, /* '+' is a space (query strings and forms) */
    /* all or nothing, like decodeURIComponent: when an escape is malformed or
     * the result is not UTF-8, the text is kept as it is (only '+' replaced) */
    MR_PCT_WHOLE = 2,
};

/*
 * Decodes %XX escapes of s[0..n) into dst (room for n bytes, not overlapping
 * s). Without MR_PCT_WHOLE a malformed escape is copied as it is and
 * decoding goes on. Returns the decoded length; dst is not NUL-terminated.
 */
size_t mr_percent_decode(char *dst, const char *s, size_t n, unsigned flags);

/* Room mr_number_text needs, NUL included. */
#define MR_NUMBER_TEXT_MAX 32

/*
 * Writes x as JavaScript's Number#toString does (ECMAScript
 * Number::toString: the shortest digits that read back as x, plain from
 * 1e-6 up to 1e21, exponent form outside; NaN, Infinity) into buf, and
 * returns the length. Templates, Faker and JSON-path conditions share it.
 */
size_t mr_number_text(double x, char buf[MR_NUMBER_TEXT_MAX]);

#endif
