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

/*
 * Writes x as JavaScript prints it for the common cases (the shortest text
 * that reads back as x: 42, 1.5, 0.1, 1e+21) into buf. Returns the length.
 */
size_t mr_number_text(double x, char *buf, size_t size);

#endif
