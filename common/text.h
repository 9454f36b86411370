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

#endif
