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

/* The length of the UTF-8 sequence at s[0..len) (len > 0), or of its maximal
 * subpart when it is ill-formed (Unicode table 3-7: 1 for a byte that starts
 * none), so ill-formed input is replaced one piece at a time; *well_formed
 * (may be NULL) says which. */
size_t mr_utf8_span(const char *s, size_t len, bool *well_formed);

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

/* JavaScript's \s and String#trim's whitespace (ASCII and Unicode spaces,
 * line terminators and the BOM, in UTF-8): the length of the one at p, or 0. */
size_t mr_text_js_space(const char *p, const char *end);

/* ---- "did you mean" ------------------------------------------------------- */

/* The longest word (in bytes) the suggestions below measure; past it there is
 * no suggestion. */
#define MR_TEXT_SUGGEST_MAX 64

/*
 * The edit distance between a and b: the fewest one-byte insertions,
 * deletions and substitutions, and swaps of two neighbours, that turn one
 * into the other (Damerau-Levenshtein as optimal string alignment: a
 * swapped pair is not edited again; "emial" is 1 from "email"). ASCII
 * letters compare case-insensitively, so "pathpattern" is 0 from
 * "pathPattern"; every other byte (UTF-8 included) compares exactly.
 * SIZE_MAX when either is longer than MR_TEXT_SUGGEST_MAX bytes.
 */
size_t mr_text_distance(const char *a, const char *b);

/*
 * How many edits a word of `len` bytes may be from a candidate and still be
 * taken for a typo of it: 1 up to 4 bytes, 2 up to 8, then 3, and a quarter
 * of the length from 16 bytes on ("ix" may mean "id", "a1" may not, nor
 * "name" "case").
 */
size_t mr_text_suggest_limit(size_t len);

/*
 * "Did you mean": the candidate closest to a word nobody knows, for callers
 * whose candidates are not in one array (a table of structs, a filtered
 * list). Start with mr_text_suggest_init, offer every candidate with
 * mr_text_suggest_add, then read `best`: the first candidate at the smallest
 * distance within mr_text_suggest_limit(strlen(word)) that keeps at least one
 * byte of the word in place ("a" is no suggestion for "b", "if" is one for
 * "i"), or NULL. The word and the candidates are borrowed; nothing is
 * allocated.
 */
struct mr_text_suggestion {
    const char *word;
    size_t limit;     /* the largest distance taken for a typo */
    const char *best; /* the closest candidate so far, or NULL */
    size_t distance;  /* best's distance */
};

void mr_text_suggest_init(struct mr_text_suggestion *s, const char *word);
void mr_text_suggest_add(struct mr_text_suggestion *s, const char *candidate);

/* The same over an array of n candidates (NULL entries skipped): the
 * closest one, borrowed from the array, or NULL when none is close. */
const char *mr_text_suggest(const char *word, const char *const *candidates, size_t n);

#endif
