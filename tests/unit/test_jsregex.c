/*
 * test_jsregex.c - formats/jsregex.c: JavaScript regexes (Mockoon's rule
 * values) rewritten for PCRE2. Each case gives the JavaScript source, and
 * subjects with what `new RegExp(src).test(subject)` answers in Node 20
 * (checked there), or the reason JavaScript refuses it.
 *
 * One case:   CK_RUN_CASE=semantics ./test_jsregex
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/jsregex.h"

/* Translates src (icase) and checks the answer for subject. */
static void expect(const char *src, bool icase, const char *subject, size_t len, int want)
{
    char *pat = NULL, why[200];
    size_t ng;
    int rc = mr_jsregex_translate(&pat, &ng, src, icase, 0, why, sizeof(why));

    ck_assert_msg(rc == 0, "/%s/ not translated: %s", src, why);
    ck_assert_msg(mr_jsregex_test(pat, subject, len) == want, "/%s/ (PCRE2: %s) on \"%s\": want %d",
                  src, pat, subject, want);
    free(pat);
}

#define YES(src, subject) expect(src, false, subject, strlen(subject), 1)
#define NO(src, subject) expect(src, false, subject, strlen(subject), 0)

/* JavaScript refuses it (or PCRE2 cannot express it): the reason starts with `why`. */
static void refused(const char *src, const char *why_start)
{
    char *pat = (char *)1, why[200];
    size_t ng = 7;
    int rc = mr_jsregex_translate(&pat, &ng, src, false, 0, why, sizeof(why));

    ck_assert_msg(rc == -1, "/%s/ was translated", src);
    ck_assert_ptr_null(pat);
    ck_assert_uint_eq(ng, 0);
    ck_assert_msg(strncmp(why, why_start, strlen(why_start)) == 0, "/%s/: \"%s\", wanted \"%s...\"",
                  src, why, why_start);
}

START_TEST(test_semantics)
{
    /* $ is the very end; . is no line terminator */
    YES("a$", "a");
    NO("a$", "a\n");
    NO("^.$", "\r");
    NO("^.$", "\xe2\x80\xa8"); /* U+2028 */
    YES("^.$", "\xc3\xa9");    /* é, one character */
    /* \s has Unicode spaces, \v is U+000B, \uHHHH and surrogate pairs are code points */
    YES("^\\s$", "\xc2\xa0");
    YES("^[\\s]$", "\xe3\x80\x80");
    NO("^\\S$", "\t");
    YES("^\\v$", "\x0b");
    NO("^\\v$", "\n");
    YES("^\\u00e9$", "\xc3\xa9");
    YES("^\\ud83d\\ude00$", "\xf0\x9f\x98\x80");
    YES("^\\x41\\x4$", "Ax4");
    YES("^\\u12$", "u12");
    YES("^\\cJ$", "\n");
    YES("^\\c1$", "\\c1");
    /* backreferences: a group that did not take part matches empty */
    YES("^(a)?\\1b$", "b");
    YES("^(a)\\1$", "aa");
    YES("^(?<n>a)\\k<n>$", "aa");
    YES("^\\k$", "k"); /* no named group: an identity escape */
    YES("^\\8$", "8");
    YES("^\\01$", "\x01");
    YES("^(a)\\2$", "a\x02"); /* no group 2: octal */
    /* classes */
    YES("^[^]$", "\n");
    NO("[]", "a");
    YES("^[\\b]$", "\b");
    YES("^[[]$", "[");
    YES("^[a-c]+$", "abc");
    YES("^[^a-c]$", "d");
    YES("^[\\d-]+$", "1-2");
    /* Annex B: braces that are no quantifier, identity escapes */
    YES("^a{$", "a{");
    YES("^a{,2}$", "a{,2}");
    YES("^a}]$", "a}]");
    YES("^\\a\\e\\z$", "aez");
    YES("^a{2}$", "aa");
    YES("^a{1,}?b$", "aab");
    YES("^(?:ab)+$", "abab");
    YES("^(?=a)a(?!b)", "ac");
    YES("(?<=a)b", "ab");
    YES("(?<!a)b", "cb");
    YES("^(?:a|)$", "");
    YES("/api/v1", "/api/v1/users"); /* a slash needs no escape */
    YES("^#x y$", "#x y");
    /* the i flag */
    expect("^ab$", true, "AB", 2, 1);
    expect("^[a-z]+$", true, "\xc3\x89T\xc3\x89", 6, 0); /* É is no letter of a-z */
    expect("^\\u00e9$", true, "\xc3\x89", 2, 1);
}
END_TEST

START_TEST(test_refused)
{
    refused("*a", "nothing to repeat");
    refused("a**", "nothing to repeat");
    refused("a{1}{2}", "nothing to repeat");
    refused("^*", "nothing to repeat");
    refused("(?<=a)*", "nothing to repeat");
    refused("(", "unterminated group");
    refused(")", "unmatched )");
    refused("[a", "unterminated character class");
    refused("a{2,1}", "numbers out of order");
    refused("a{70000}", "a repeat count over 65535");
    refused("\\", "\\ at end of pattern");
    refused("(?<n>a)(?<n>b)", "duplicate capture group name");
    refused("(?<1>a)", "invalid capture group name");
    refused("(?i)a", "invalid group");
    refused("(?<n>a)\\k<m>", "invalid named reference");
    refused("\\ud83d", "a lone surrogate");
    refused("(?<=a+)b", "PCRE2 refuses it: "); /* variable length: JavaScript allows it */
    refused("[z-a]", "PCRE2 refuses it: ");
    refused("\xff", "PCRE2 refuses it: "); /* not UTF-8 */
}
END_TEST

/* Patterns joined into one: groups numbered after the earlier ones. */
START_TEST(test_joined)
{
    char *a, *b, why[200], joined[256];
    size_t na, nb;

    ck_assert_int_eq(mr_jsregex_translate(&a, &na, "(x)\\1", false, 0, why, sizeof(why)), 0);
    ck_assert_int_eq(mr_jsregex_translate(&b, &nb, "(?<n>y)\\k<n>", true, na, why, sizeof(why)), 0);
    ck_assert_uint_eq(na, 1);
    ck_assert_uint_eq(nb, 1);
    ck_assert_str_eq(a, "(x)(?(1)\\g{1})");
    ck_assert_str_eq(b, "(?i:(y)(?(2)\\g{2}))");
    snprintf(joined, sizeof(joined), "\\A(?=[\\s\\S]*?(?:%s))(?=[\\s\\S]*?(?:%s))", a, b);
    ck_assert_int_eq(mr_jsregex_check(joined, false, why, sizeof(why)), 0);
    ck_assert_int_eq(mr_jsregex_test(joined, "xx YY", 5), 1);
    ck_assert_int_eq(mr_jsregex_test(joined, "xy YY", 5), 0);
    free(a);
    free(b);

    /* a group base makes a standalone compile impossible: not checked there */
    ck_assert_int_eq(mr_jsregex_translate(&a, &na, "(a)\\1", false, 3, why, sizeof(why)), 0);
    ck_assert_str_eq(a, "(a)(?(4)\\g{4})");
    free(a);
}
END_TEST

START_TEST(test_quote_and_check)
{
    struct mr_buf b;
    char why[200];

    mr_buf_init(&b);
    ck_assert(mr_jsregex_quote(&b, "a.b*c(d)[e]{f}|g^h$i\\j+k?l/m#n-o", 33));
    ck_assert_str_eq(mr_buf_cstr(&b),
                     "a\\.b\\*c\\(d\\)\\[e\\]\\{f\\}\\|g\\^h\\$i\\\\j\\+k\\?l\\/m\\#n\\-o");
    ck_assert_int_eq(mr_jsregex_test(mr_buf_cstr(&b), "a.b*c(d)[e]{f}|g^h$i\\j+k?l/m#n-o", 33), 1);
    mr_buf_release(&b);

    ck_assert_int_eq(mr_jsregex_check("(", false, why, sizeof(why)), -1);
    ck_assert(strncmp(why, "PCRE2 refuses it: ", 18) == 0);
    ck_assert_int_eq(mr_jsregex_check("ab", true, why, sizeof(why)), 0);
    ck_assert_int_eq(mr_jsregex_test("(", "x", 1), -1);
}
END_TEST

static Suite *jsregex_suite(void)
{
    Suite *s = suite_create("jsregex");
    TCase *tc;

    tc = tcase_create("semantics");
    tcase_add_test(tc, test_semantics);
    tcase_add_test(tc, test_joined);
    tcase_add_test(tc, test_quote_and_check);
    suite_add_tcase(s, tc);
    tc = tcase_create("refused");
    tcase_add_test(tc, test_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(jsregex_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
