/*
 * jsregex.h - JavaScript regular expressions, as Mockoon's response rules
 * write them, rewritten for PCRE2 with the scenario loader's compile options.
 *
 * Mockoon tests a rule with `new RegExp(value, flags)` (no `u` flag, so
 * ECMAScript's Annex B syntax: `\a` is "a", `{` without a count is a
 * literal, `\8` is "8"); mockrun's loader compiles `matches` and
 * `pathPattern` with PCRE2 (PCRE2_UTF | PCRE2_MATCH_INVALID_UTF). The two
 * differ in places where the same text compiles in both: `$` (PCRE2 also
 * matches before a final newline), `.` (JavaScript also excludes \r, U+2028
 * and U+2029), `\s` (JavaScript's includes Unicode spaces), `\v`, `\uHHHH`,
 * `\k<name>`, a backreference to a group that did not take part (empty in
 * JavaScript, a failure in PCRE2). mr_jsregex_translate writes a PCRE2
 * pattern that behaves like JavaScript's in each of these, and refuses what
 * JavaScript refuses or PCRE2 cannot express (a lookbehind of variable
 * length, a lone surrogate).
 *
 * The importer also uses PCRE2 to evaluate a rule whose subject is known
 * when converting (a route's method, Mockoon's route path "*", a call
 * number): mr_jsregex_test.
 *
 * Everything here is a pure function of its arguments and thread-safe.
 */
#ifndef MOCKRUN_FORMATS_JSREGEX_H
#define MOCKRUN_FORMATS_JSREGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

/*
 * Translates the JavaScript source `src` (flags: `icase` for "i") into
 * *out, a PCRE2 pattern (caller frees). Capture groups are numbered from
 * `group_base` + 1 and named groups lose their names, so that translations
 * can be joined into one pattern (lookaheads of several rules on one value);
 * *ngroups gets the number of groups. With group_base 0 the result is also
 * compiled as the loader will. Returns 0; -1 with a phrase in `why` when
 * JavaScript or PCRE2 refuses it ("nothing to repeat at offset 0"); -2 out of
 * memory.
 */
int mr_jsregex_translate(char **out, size_t *ngroups, const char *src, bool icase,
                         size_t group_base, char *why, size_t whysize);

/* Compiles a PCRE2 pattern as the loader does (`anchored`: as a pathPattern,
 * over the whole subject). Returns 0, or -1 with PCRE2's message in `why`. */
int mr_jsregex_check(const char *pattern, bool anchored, char *why, size_t whysize);

/* A compiled pattern, for testing several subjects. */
struct mr_jsregex_prog;

/* Compiles a PCRE2 pattern with the loader's options; NULL when it does not
 * compile or memory runs out. Free with mr_jsregex_free. */
struct mr_jsregex_prog *mr_jsregex_compile(const char *pattern);
void mr_jsregex_free(struct mr_jsregex_prog *p);

/* 1 when the pattern finds a match in subject[0..len), 0 when not, -1 when
 * PCRE2 fails (out of memory, match limit). */
int mr_jsregex_match(const struct mr_jsregex_prog *p, const char *subject, size_t len);

/* mr_jsregex_compile + mr_jsregex_match; -1 also when it does not compile. */
int mr_jsregex_test(const char *pattern, const char *subject, size_t len);

/* Appends a PCRE2 pattern matching s[0..len) literally. False when out of memory. */
bool mr_jsregex_quote(struct mr_buf *out, const char *s, size_t len);

#endif
