/*
 * test_buf.c - common/buf.c: growth, NUL termination, printf, detach and the
 * sticky failure flag; and common/text.c's helpers (percent-decoding, UTF-8,
 * number text, edit distance and "did you mean").
 *
 * One case:   CK_RUN_CASE=printf ./test_buf
 * Under gdb:  CK_FORK=no gdb ./test_buf
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/text.h"

/* --- growth ------------------------------------------------------------- */

START_TEST(test_init_is_empty)
{
    struct mr_buf b;

    mr_buf_init(&b);
    ck_assert_ptr_null(b.data);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_eq(b.cap, 0);
    ck_assert(!b.failed);
    ck_assert_str_eq(mr_buf_cstr(&b), "");
    mr_buf_release(&b);
}
END_TEST

START_TEST(test_append_grows_and_terminates)
{
    struct mr_buf b;
    char expect[10001];
    size_t i;

    mr_buf_init(&b);
    for (i = 0; i < 10000; i++) {
        char c = (char)('a' + i % 26);
        ck_assert(mr_buf_putc(&b, c));
        expect[i] = c;
        ck_assert_uint_eq(b.len, i + 1);
        ck_assert_uint_gt(b.cap, b.len); /* room for the NUL */
        ck_assert_int_eq(b.data[b.len], '\0');
    }
    expect[10000] = '\0';
    ck_assert_str_eq(mr_buf_cstr(&b), expect);
    mr_buf_release(&b);
    ck_assert_ptr_null(b.data);
    ck_assert_uint_eq(b.len, 0);
}
END_TEST

START_TEST(test_growth_doubles)
{
    struct mr_buf b;
    size_t reallocs = 0, last_cap = 0, i;

    mr_buf_init(&b);
    for (i = 0; i < 100000; i++) {
        mr_buf_append(&b, "xyz", 3);
        if (b.cap != last_cap) {
            if (last_cap)
                ck_assert_uint_ge(b.cap, 2 * last_cap);
            last_cap = b.cap;
            reallocs++;
        }
    }
    ck_assert_uint_eq(b.len, 300000);
    /* 64 → 512 KiB is 14 doublings: amortised O(1), not one realloc per append */
    ck_assert_uint_le(reallocs, 20);
    mr_buf_release(&b);
}
END_TEST

START_TEST(test_append_binary_and_empty)
{
    struct mr_buf b;
    static const char bin[] = {'a', '\0', 'b', '\xff'};

    mr_buf_init(&b);
    ck_assert(mr_buf_append(&b, bin, sizeof(bin)));
    ck_assert(mr_buf_append(&b, NULL, 0));
    ck_assert(mr_buf_puts(&b, ""));
    ck_assert_uint_eq(b.len, 4);
    ck_assert_mem_eq(b.data, bin, 4);
    ck_assert_int_eq(b.data[4], '\0');
    mr_buf_release(&b);
}
END_TEST

START_TEST(test_reserve)
{
    struct mr_buf b;
    char *before;

    mr_buf_init(&b);
    ck_assert(mr_buf_reserve(&b, 1000));
    ck_assert_uint_ge(b.cap, 1001);
    ck_assert_uint_eq(b.len, 0);
    before = b.data;
    mr_buf_append(&b, "hello", 5);
    ck_assert_ptr_eq(b.data, before); /* reserved room is used, no realloc */
    ck_assert(mr_buf_reserve(&b, 0));
    ck_assert_ptr_eq(b.data, before);
    mr_buf_release(&b);
}
END_TEST

START_TEST(test_reset_keeps_memory)
{
    struct mr_buf b;
    size_t cap;
    char *data;

    mr_buf_init(&b);
    mr_buf_puts(&b, "some text that is here");
    cap = b.cap;
    data = b.data;
    mr_buf_reset(&b);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_eq(b.cap, cap);
    ck_assert_ptr_eq(b.data, data);
    ck_assert_str_eq(mr_buf_cstr(&b), "");
    mr_buf_puts(&b, "x");
    ck_assert_str_eq(mr_buf_cstr(&b), "x");
    mr_buf_release(&b);
}
END_TEST

START_TEST(test_cstr_after_reserve_only)
{
    struct mr_buf b;

    /* "always NUL-terminated after len bytes", also when only memory was reserved */
    mr_buf_init(&b);
    ck_assert(mr_buf_reserve(&b, 100));
    ck_assert_uint_eq(b.len, 0);
    ck_assert_int_eq(mr_buf_cstr(&b)[0], '\0');
    mr_buf_release(&b);
}
END_TEST

/* --- printf ------------------------------------------------------------- */

START_TEST(test_printf_short)
{
    struct mr_buf b;

    mr_buf_init(&b);
    ck_assert(mr_buf_puts(&b, "a="));
    ck_assert(mr_buf_printf(&b, "%d %s %zu", -42, "str", (size_t)7));
    ck_assert_str_eq(mr_buf_cstr(&b), "a=-42 str 7");
    ck_assert_uint_eq(b.len, strlen("a=-42 str 7"));
    mr_buf_release(&b);
}
END_TEST

START_TEST(test_printf_long_needs_second_pass)
{
    struct mr_buf b;
    char big[5000];

    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    mr_buf_init(&b);
    ck_assert(mr_buf_puts(&b, "<"));
    ck_assert(mr_buf_printf(&b, "%s>%d", big, 12345));
    ck_assert_uint_eq(b.len, 1 + 4999 + 1 + 5);
    ck_assert_int_eq(b.data[0], '<');
    ck_assert_int_eq(b.data[5000], '>');
    ck_assert_str_eq(b.data + 5001, "12345");
    ck_assert_int_eq(b.data[b.len], '\0');
    mr_buf_release(&b);
}
END_TEST

START_TEST(test_printf_exactly_fills)
{
    struct mr_buf b;
    char s[200];
    size_t room;

    /* a result of exactly the room left (no space for the NUL) must be redone, not cut */
    mr_buf_init(&b);
    mr_buf_append(&b, "0123456789012345678901234567890123456789012345678901234567890ab", 63);
    mr_buf_reserve(&b, 64); /* what printf reserves first */
    room = b.cap - b.len;
    ck_assert_uint_lt(room, sizeof(s));
    memset(s, 'z', room);
    s[room] = '\0';
    ck_assert(mr_buf_printf(&b, "%s", s));
    ck_assert_uint_eq(b.len, 63 + room);
    ck_assert_str_eq(b.data + 63, s);
    ck_assert_int_eq(b.data[b.len], '\0');
    mr_buf_release(&b);
}
END_TEST

START_TEST(test_printf_many)
{
    struct mr_buf b;
    int i;
    char want[16];

    mr_buf_init(&b);
    for (i = 0; i < 1000; i++)
        ck_assert(mr_buf_printf(&b, "%04d,", i));
    ck_assert_uint_eq(b.len, 5000);
    snprintf(want, sizeof(want), "%04d,", 999);
    ck_assert_str_eq(b.data + 4995, want);
    ck_assert_int_eq(strncmp(b.data, "0000,0001,", 10), 0);
    mr_buf_release(&b);
}
END_TEST

/* --- detach ------------------------------------------------------------- */

START_TEST(test_detach_hands_over)
{
    struct mr_buf b;
    size_t len = 0;
    char *p;

    mr_buf_init(&b);
    mr_buf_puts(&b, "owned");
    p = mr_buf_detach(&b, &len);
    ck_assert_str_eq(p, "owned");
    ck_assert_uint_eq(len, 5);
    ck_assert_ptr_null(b.data);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_eq(b.cap, 0);
    /* the buffer is usable again and independent */
    mr_buf_puts(&b, "new");
    ck_assert_str_eq(p, "owned");
    ck_assert_str_eq(mr_buf_cstr(&b), "new");
    free(p);
    mr_buf_release(&b);
}
END_TEST

START_TEST(test_detach_empty)
{
    struct mr_buf b;
    size_t len = 99;
    char *p;

    mr_buf_init(&b);
    p = mr_buf_detach(&b, &len);
    ck_assert_ptr_nonnull(p); /* never NULL unless OOM */
    ck_assert_int_eq(p[0], '\0');
    ck_assert_uint_eq(len, 0);
    free(p);
    p = mr_buf_detach(&b, NULL);
    ck_assert_ptr_nonnull(p);
    free(p);
}
END_TEST

/* --- failure ------------------------------------------------------------ */

START_TEST(test_overflow_sets_failed)
{
    struct mr_buf b;

    mr_buf_init(&b);
    mr_buf_puts(&b, "abc");
    ck_assert(!mr_buf_reserve(&b, SIZE_MAX - 2));
    ck_assert(b.failed);
    /* sticky: later appends are no-ops that report failure */
    ck_assert(!mr_buf_puts(&b, "def"));
    ck_assert(!mr_buf_putc(&b, 'x'));
    ck_assert(!mr_buf_printf(&b, "%d", 1));
    ck_assert(!mr_buf_append(&b, "x", 1));
    ck_assert_str_eq(mr_buf_cstr(&b), "abc");
    ck_assert_uint_eq(b.len, 3);
    /* reset clears the flag */
    mr_buf_reset(&b);
    ck_assert(!b.failed);
    ck_assert(mr_buf_puts(&b, "ok"));
    ck_assert_str_eq(mr_buf_cstr(&b), "ok");
    mr_buf_release(&b);
}
END_TEST

START_TEST(test_huge_reserve_fails_cleanly)
{
    struct mr_buf b;

    /* more than half the address space: refused by the overflow guard, never attempted */
    mr_buf_init(&b);
    ck_assert(!mr_buf_reserve(&b, SIZE_MAX / 2 + 1));
    ck_assert(b.failed);
    ck_assert_ptr_null(b.data);
    mr_buf_release(&b);
    ck_assert(!b.failed);
}
END_TEST

/* --- text helpers shared by the matcher, the templates and the writers --- */

START_TEST(test_hexval)
{
    ck_assert_int_eq(mr_hexval('0'), 0);
    ck_assert_int_eq(mr_hexval('9'), 9);
    ck_assert_int_eq(mr_hexval('a'), 10);
    ck_assert_int_eq(mr_hexval('F'), 15);
    ck_assert_int_eq(mr_hexval('g'), -1);
    ck_assert_int_eq(mr_hexval('%'), -1);
}
END_TEST

START_TEST(test_utf8_valid)
{
    ck_assert(mr_utf8_valid("", 0));
    ck_assert(mr_utf8_valid("plain", 5));
    ck_assert(mr_utf8_valid("\xc3\xa9", 2));          /* é */
    ck_assert(mr_utf8_valid("\xf0\x9f\x98\x80", 4));  /* U+1F600 */
    ck_assert(!mr_utf8_valid("\xe9", 1));             /* Latin-1 é */
    ck_assert(!mr_utf8_valid("\xc0\x80", 2));         /* overlong NUL */
    ck_assert(!mr_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    ck_assert(!mr_utf8_valid("\xf0\x9f\x98", 3));     /* cut short */
    ck_assert(!mr_utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
}
END_TEST

static const char *pct(const char *in, unsigned flags)
{
    static char out[64];
    out[mr_percent_decode(out, in, strlen(in), flags)] = '\0';
    return out;
}

START_TEST(test_percent_decode)
{
    /* paths: '+' stays, malformed escapes are copied and decoding goes on */
    ck_assert_str_eq(pct("a%20b+c%2F", 0), "a b+c/");
    ck_assert_str_eq(pct("100%", 0), "100%");
    ck_assert_str_eq(pct("%zz%41%4", 0), "%zzA%4");
    ck_assert_str_eq(pct("%e9", 0), "\xe9"); /* no UTF-8 check */
    /* query strings: '+' is a space */
    ck_assert_str_eq(pct("a+b%2B", MR_PCT_PLUS), "a b+");
    /* all or nothing, like decodeURIComponent */
    ck_assert_str_eq(pct("caf%C3%A9", MR_PCT_WHOLE), "caf\xc3\xa9");
    ck_assert_str_eq(pct("%41%zz", MR_PCT_WHOLE), "%41%zz");
    ck_assert_str_eq(pct("%41%e9", MR_PCT_WHOLE), "%41%e9");
    ck_assert_str_eq(pct("a+%41%", MR_PCT_WHOLE | MR_PCT_PLUS), "a %41%");
    ck_assert_str_eq(pct("", MR_PCT_WHOLE), "");
}
END_TEST

static const char *num(double x)
{
    static char out[64];
    ck_assert_uint_eq(mr_number_text(x, out), strlen(out));
    return out;
}

/* numbers as JavaScript's String(x) writes them */
START_TEST(test_number_text)
{
    ck_assert_str_eq(num(0), "0");
    ck_assert_str_eq(num(-0.0), "0");
    ck_assert_str_eq(num(42), "42");
    ck_assert_str_eq(num(-7), "-7");
    ck_assert_str_eq(num(1.5), "1.5");
    ck_assert_str_eq(num(0.1), "0.1");
    ck_assert_str_eq(num(0.1 + 0.2), "0.30000000000000004");
    ck_assert_str_eq(num(1e20), "100000000000000000000");
    ck_assert_str_eq(num(1e21), "1e+21");
    ck_assert_str_eq(num(1e-7), "1e-7");
    ck_assert_str_eq(num(123456.789), "123456.789");
    ck_assert_str_eq(num(9007199254740993.0), "9007199254740992");
    ck_assert_str_eq(num(0.00001), "0.00001"); /* plain down to 1e-6 */
    ck_assert_str_eq(num(0.000001), "0.000001");
    ck_assert_str_eq(num(-1.5e-7), "-1.5e-7");
    ck_assert_str_eq(num(NAN), "NaN");
    ck_assert_str_eq(num(-INFINITY), "-Infinity");
}
END_TEST

START_TEST(test_http_names)
{
    ck_assert(mr_http_token("X-Api-Key"));
    ck_assert(!mr_http_token("X Api"));
    ck_assert(!mr_http_token("a:b"));
    ck_assert(!mr_http_token(""));
    ck_assert(mr_http_method("GET"));
    ck_assert(mr_http_method("M-SEARCH"));
    ck_assert(!mr_http_method("GET /"));
    ck_assert(!mr_http_method(""));
    ck_assert(!mr_http_method("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG")); /* 33 */
}
END_TEST

START_TEST(test_read_file)
{
    char path[] = "/tmp/mockrun-test-buf-XXXXXX";
    int fd = mkstemp(path);
    struct mr_buf b;
    char big[100000];

    ck_assert_int_ge(fd, 0);
    memset(big, 'x', sizeof(big));
    ck_assert_int_eq(write(fd, big, sizeof(big)), (int)sizeof(big));
    close(fd);
    mr_buf_init(&b);
    mr_buf_puts(&b, "kept:");
    ck_assert_int_eq(mr_buf_read_file(&b, path, sizeof(big)), 0);
    ck_assert_uint_eq(b.len, 5 + sizeof(big)); /* appended, NUL-terminated */
    ck_assert_int_eq(b.data[b.len], '\0');
    ck_assert_int_eq(memcmp(b.data, "kept:xxx", 8), 0);
    mr_buf_reset(&b);
    ck_assert_int_eq(mr_buf_read_file(&b, path, sizeof(big) - 1), EFBIG);
    ck_assert_int_eq(mr_buf_read_file(&b, "/no/such/file", 10), ENOENT);
    ck_assert_int_eq(mr_buf_read_file(&b, "/tmp", 10), EISDIR);
    mr_buf_release(&b);
    unlink(path);
}
END_TEST

START_TEST(test_printable_elide)
{
    char out[MR_ELIDED_MAX], in[300];
    const char *e = "\xc3\xa9"; /* é: never cut in two */

    mr_printable_elide(out, sizeof(out), "a\nb", 3, true);
    ck_assert_str_eq(out, "\"a\\x0ab\"");
    mr_printable_elide(out, sizeof(out), NULL, 5, false);
    ck_assert_str_eq(out, "");
    memset(in, 'x', sizeof(in));
    memcpy(in + MR_ELIDE_KEEP - 1, e, 2);
    memcpy(in + sizeof(in) - MR_ELIDE_KEEP, e, 2);
    mr_printable_elide(out, sizeof(out), in, sizeof(in), false);
    /* the é that straddles byte 32 is left out whole; the one that starts the
     * last 32 bytes is kept whole */
    ck_assert_int_eq(strncmp(out, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\u2026(", 34), 0);
    ck_assert_ptr_nonnull(strstr(out, "\u2026\xc3\xa9xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
    ck_assert_ptr_nonnull(strstr(out, "(237 bytes left out)"));
}
END_TEST

START_TEST(test_json_string)
{
    struct mr_buf b;
    mr_buf_init(&b);
    mr_buf_put_json_string(&b, "a\"b\\c\n\t\x01\xc3\xa9", 10);
    ck_assert_str_eq(mr_buf_cstr(&b), "\"a\\\"b\\\\c\\n\\t\\u0001\xc3\xa9\"");
    mr_buf_reset(&b);
    /* not UTF-8: the byte becomes U+FFFD, so the JSON stays valid */
    mr_buf_put_json_string(&b, "x\xe9", 2);
    ck_assert_str_eq(mr_buf_cstr(&b), "\"x\\ufffd\"");
    mr_buf_release(&b);
}
END_TEST

/* --- "did you mean" (mr_text_suggest) -------------------------------------- */

START_TEST(test_distance)
{
    char long_word[MR_TEXT_SUGGEST_MAX + 2];

    ck_assert_uint_eq(mr_text_distance("", ""), 0);
    ck_assert_uint_eq(mr_text_distance("abc", ""), 3);
    ck_assert_uint_eq(mr_text_distance("", "ab"), 2);
    ck_assert_uint_eq(mr_text_distance("kitten", "sitting"), 3);
    ck_assert_uint_eq(mr_text_distance("sitting", "kitten"), 3);
    ck_assert_uint_eq(mr_text_distance("reponse", "response"), 1);
    /* a swap of neighbours is one edit, once per place */
    ck_assert_uint_eq(mr_text_distance("emial", "email"), 1);
    ck_assert_uint_eq(mr_text_distance("prot", "port"), 1);
    ck_assert_uint_eq(mr_text_distance("ab", "ba"), 1);
    ck_assert_uint_eq(mr_text_distance("abc", "ca"), 3); /* not 2: no edits on a swapped pair */
    /* ASCII letters ignore case... */
    ck_assert_uint_eq(mr_text_distance("pathpattern", "pathPattern"), 0);
    ck_assert_uint_eq(mr_text_distance("QUERYPARAM", "queryParam"), 0);
    /* ...and nothing else does: '[' is not '{' (0x5B | 32 == 0x7B), '@' is not '`' */
    ck_assert_uint_eq(mr_text_distance("a[b]", "a{b}"), 2);
    ck_assert_uint_eq(mr_text_distance("@", "`"), 1);
    ck_assert_uint_eq(mr_text_distance("_", "\x7f"), 1);
    ck_assert_uint_eq(mr_text_distance("\xc3\xa9", "\xc3\x89"), 1); /* é is not É */
    /* too long to measure */
    memset(long_word, 'a', sizeof(long_word) - 1);
    long_word[sizeof(long_word) - 1] = '\0';
    ck_assert_uint_eq(mr_text_distance(long_word, "a"), SIZE_MAX);
    long_word[MR_TEXT_SUGGEST_MAX] = '\0';
    ck_assert_uint_eq(mr_text_distance(long_word, long_word), 0);
}
END_TEST

START_TEST(test_suggest_limit)
{
    static const size_t want[] = {1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 5};
    size_t len;

    for (len = 0; len < sizeof(want) / sizeof(want[0]); len++)
        ck_assert_uint_eq(mr_text_suggest_limit(len), want[len]);
    ck_assert_uint_eq(mr_text_suggest_limit(64), 16);
}
END_TEST

START_TEST(test_suggest)
{
    static const char *const keys[] = {"id", "request", "response", "responses", NULL, "expect"};
    static const char *const names[] = {"api", "payments-v2", "Payments", "web"};
    struct mr_text_suggestion s;

    ck_assert_str_eq(mr_text_suggest("reponse", keys, 6), "response");
    ck_assert_str_eq(mr_text_suggest("ix", keys, 6), "id");
    ck_assert_str_eq(mr_text_suggest("EXPECT", keys, 6), "expect");
    /* the first candidate at the smallest distance wins */
    ck_assert_str_eq(mr_text_suggest("responsex", keys, 6), "response");
    /* short words need close matches: "a1" is two edits from "id", "name"
     * two from "case" */
    ck_assert_ptr_null(mr_text_suggest("a1", keys, 6));
    ck_assert_ptr_null(mr_text_suggest("name", (const char *const[]){"case"}, 1));
    ck_assert_str_eq(mr_text_suggest("prot", (const char *const[]){"path", "port"}, 2), "port");
    ck_assert_ptr_null(mr_text_suggest("completelyDifferent", keys, 6));
    ck_assert_ptr_null(mr_text_suggest("", keys, 6));
    /* something must stay in place: "b" is one edit from "a", yet no typo of it */
    ck_assert_ptr_null(mr_text_suggest("b", (const char *const[]){"a"}, 1));
    ck_assert_str_eq(mr_text_suggest("i", (const char *const[]){"a", "if"}, 2), "if");
    ck_assert_ptr_null(mr_text_suggest("reponse", keys, 0));
    ck_assert_str_eq(mr_text_suggest("apii", names, 4), "api");
    ck_assert_str_eq(mr_text_suggest("paymentsv2", names, 4), "payments-v2");
    ck_assert_str_eq(mr_text_suggest("payments", names, 4), "Payments");
    ck_assert_ptr_null(mr_text_suggest("zzzzzzzz", names, 4));
    /* '{' is not a typo of '[' any more than of 'x' */
    ck_assert_ptr_null(mr_text_suggest("{{a}", (const char *const[]){"[[a]"}, 1));

    /* one candidate at a time, from anywhere */
    mr_text_suggest_init(&s, "lowercse");
    ck_assert_ptr_null(s.best);
    mr_text_suggest_add(&s, "uppercase");
    mr_text_suggest_add(&s, "lowercase");
    mr_text_suggest_add(&s, "lowercases");
    ck_assert_str_eq(s.best, "lowercase");
    ck_assert_uint_eq(s.distance, 1);
    ck_assert_uint_eq(s.limit, 2);
}
END_TEST

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 30);
    return tc;
}

static Suite *buf_suite(void)
{
    Suite *s = suite_create("buf");
    TCase *tc;

    tc = tcase("growth");
    tcase_add_test(tc, test_init_is_empty);
    tcase_add_test(tc, test_append_grows_and_terminates);
    tcase_add_test(tc, test_growth_doubles);
    tcase_add_test(tc, test_append_binary_and_empty);
    tcase_add_test(tc, test_reserve);
    tcase_add_test(tc, test_reset_keeps_memory);
    tcase_add_test(tc, test_cstr_after_reserve_only);
    suite_add_tcase(s, tc);

    tc = tcase("printf");
    tcase_add_test(tc, test_printf_short);
    tcase_add_test(tc, test_printf_long_needs_second_pass);
    tcase_add_test(tc, test_printf_exactly_fills);
    tcase_add_test(tc, test_printf_many);
    suite_add_tcase(s, tc);

    tc = tcase("detach");
    tcase_add_test(tc, test_detach_hands_over);
    tcase_add_test(tc, test_detach_empty);
    suite_add_tcase(s, tc);

    tc = tcase("failure");
    tcase_add_test(tc, test_overflow_sets_failed);
    tcase_add_test(tc, test_huge_reserve_fails_cleanly);
    suite_add_tcase(s, tc);

    tc = tcase("text");
    tcase_add_test(tc, test_hexval);
    tcase_add_test(tc, test_utf8_valid);
    tcase_add_test(tc, test_percent_decode);
    tcase_add_test(tc, test_number_text);
    tcase_add_test(tc, test_read_file);
    tcase_add_test(tc, test_http_names);
    tcase_add_test(tc, test_json_string);
    tcase_add_test(tc, test_printable_elide);
    suite_add_tcase(s, tc);

    tc = tcase("suggest");
    tcase_add_test(tc, test_distance);
    tcase_add_test(tc, test_suggest_limit);
    tcase_add_test(tc, test_suggest);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(buf_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
