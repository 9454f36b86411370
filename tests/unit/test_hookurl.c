/*
 * test_hookurl.c - common/hookurl.c: the strict http URL parser callbacks use, and
 * the rule that keeps them on loopback unless `allowHosts` names the host.
 * Most cases are hostile: what a template rendered from a request could
 * produce to send a callback elsewhere, or to break the request line.
 *
 * One case:   CK_RUN_CASE=hostile ./test_hookurl
 * Under gdb:  CK_FORK=no gdb ./test_hookurl
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hookurl.h"

static int parse(const char *s, struct mr_hookurl *u, struct mr_error *err)
{
    memset(err, 0, sizeof(*err));
    return mr_hookurl_parse(u, s, strlen(s), err);
}

/* The target of a parsed URL, as a string ("/" when empty). */
static const char *target(const char *s, const struct mr_hookurl *u, char *buf, size_t size)
{
    if (u->target_len == 0 || s[u->target] == '?')
        snprintf(buf, size, "/%.*s", (int)u->target_len, s + u->target);
    else
        snprintf(buf, size, "%.*s", (int)u->target_len, s + u->target);
    return buf;
}

START_TEST(test_accepts)
{
    static const struct {
        const char *url, *host, *target;
        int port;
        enum mr_hookurl_host_kind kind;
    } ok[] = {
        {"http://127.0.0.1:4000/webhooks", "127.0.0.1", "/webhooks", 4000, MR_HOOKURL_IPV4},
        {"http://localhost/", "localhost", "/", 80, MR_HOOKURL_NAME},
        {"HTTP://LocalHost:8080", "LocalHost", "/", 8080, MR_HOOKURL_NAME},
        {"http://[::1]:9/a?b=c&d", "::1", "/a?b=c&d", 9, MR_HOOKURL_IPV6},
        {"http://hooks.example.test/x#frag", "hooks.example.test", "/x", 80, MR_HOOKURL_NAME},
        {"http://h?q=1", "h", "/?q=1", 80, MR_HOOKURL_NAME},
        {"http://h:65535/%20%0d", "h", "/%20%0d", 65535, MR_HOOKURL_NAME},
        {"http://my_host-1.internal/p", "my_host-1.internal", "/p", 80, MR_HOOKURL_NAME},
    };
    size_t i;
    char buf[200];

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        struct mr_hookurl u;
        struct mr_error err;
        ck_assert_msg(parse(ok[i].url, &u, &err) == 0, "%s: %s", ok[i].url, err.msg);
        ck_assert_str_eq(u.host, ok[i].host);
        ck_assert_int_eq(u.port, ok[i].port);
        ck_assert_int_eq(u.kind, ok[i].kind);
        ck_assert_str_eq(target(ok[i].url, &u, buf, sizeof(buf)), ok[i].target);
    }
}
END_TEST

START_TEST(test_hostile)
{
    static const struct {
        const char *url, *why;
    } bad[] = {
        {"https://127.0.0.1/", "https is not supported"},
        {"file:///etc/passwd", "not an http URL (scheme \"file\")"},
        {"gopher://127.0.0.1:25/", "scheme \"gopher\""},
        {"javascript:alert(1)", "must start with \"http://\""},
        {"//127.0.0.1/x", "must start with \"http://\""},
        {"/webhooks", "must start with \"http://\""},
        {"", "must start with \"http://\""},
        {"http://127.0.0.1@10.0.0.1/", "user information"},
        {"http://user:pass@127.0.0.1/", "user information"},
        {"http:///path", "no host"},
        {"http://:80/", "no host"},
        {"http://127.0.0.1:0/", "port is not a number from 1 to 65535"},
        {"http://127.0.0.1:65536/", "port is not a number"},
        {"http://127.0.0.1:+80/", "port is not a number"},
        {"http://127.0.0.1:/", "port is empty"},
        {"http://127.0.0.1:8a/", "port is not a number"},
        {"http://[::1/", "has no \"]\""},
        {"http://[zz::1]/", "IPv6 address is not valid"},
        {"http://[::1%25eth0]/", "IPv6 address is not valid"},
        {"http://[::1]x/", "text after its host"},
        {"http://127.0.0.1/a b", "space or control byte at byte 19"},
        {"http://127.0.0.1/a\r\nHost: evil", "space or control byte at byte 19"},
        {"http://127.0.0.1/a\tb", "space or control byte"},
        {"http://127.0.0.1/\x7f", "space or control byte"},
        {"http://127.0.0.1/caf\xc3\xa9", "non-ASCII byte at byte 21"},
        {"http://exa mple.test/", "host has a byte"},
        {"http://ex\xc3\xa4mple.test/", "host has a byte"},
        {"http://a\\b/", "host has a byte"},
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct mr_hookurl u;
        struct mr_error err;
        ck_assert_msg(parse(bad[i].url, &u, &err) == MR_ESCENARIO, "accepted: %s", bad[i].url);
        ck_assert_msg(strstr(err.msg, bad[i].why) != NULL, "%s: got \"%s\", want \"%s\"",
                      bad[i].url, err.msg, bad[i].why);
    }
}
END_TEST

START_TEST(test_nul_and_length)
{
    struct mr_hookurl u;
    struct mr_error err;
    char *big;

    /* a NUL inside the given length is a control byte, not the end */
    ck_assert_int_eq(mr_hookurl_parse(&u, "http://h/a\0b", 12, &err), MR_ESCENARIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "control byte at byte 11"));
    ck_assert_int_eq(mr_hookurl_parse(&u, "http://h\0/", 10, &err), MR_ESCENARIO);

    big = malloc(MR_HOOKURL_MAX + 2);
    ck_assert_ptr_nonnull(big);
    memset(big, 'a', MR_HOOKURL_MAX + 1);
    memcpy(big, "http://h/", 9);
    ck_assert_int_eq(mr_hookurl_parse(&u, big, MR_HOOKURL_MAX + 1, &err), MR_ESCENARIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "longer than"));
    ck_assert_int_eq(mr_hookurl_parse(&u, big, MR_HOOKURL_MAX, &err), 0);
    memset(big + 7, 'h', MR_HOOKURL_HOST_MAX + 1);
    big[7 + MR_HOOKURL_HOST_MAX + 1] = '/';
    ck_assert_int_eq(mr_hookurl_parse(&u, big, MR_HOOKURL_MAX, &err), MR_ESCENARIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "host is longer"));
    free(big);
}
END_TEST

START_TEST(test_loopback)
{
    static const struct {
        const char *url;
        bool loopback;
    } cases[] = {
        {"http://127.0.0.1/", true},
        {"http://127.255.3.4/", true},
        {"http://localhost/", true},
        {"http://LOCALHOST:1/", true},
        {"http://[::1]/", true},
        {"http://[0:0:0:0:0:0:0:1]/", true},
        {"http://128.0.0.1/", false},
        {"http://10.0.0.1/", false},
        {"http://0.0.0.0/", false},
        {"http://[::]/", false},
        {"http://[::ffff:127.0.0.1]/", false}, /* judged as written: not ::1 */
        {"http://localhost.evil.test/", false},
        {"http://127.0.0.1.evil.test/", false},
        {"http://0x7f.0.0.1/", false}, /* not a dotted quad: a name */
        {"http://2130706433/", false}, /* 127.0.0.1 as one number: a name */
        {"http://0177.0.0.1/", false}, /* octal: a name */
        {"http://127.1/", false},      /* short form: a name */
        {"http://localhost./", false},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct mr_hookurl u;
        struct mr_error err;
        ck_assert_msg(parse(cases[i].url, &u, &err) == 0, "%s: %s", cases[i].url, err.msg);
        ck_assert_msg(mr_hookurl_is_loopback(&u) == cases[i].loopback, "%s", cases[i].url);
        ck_assert_int_eq(mr_hookurl_check_host(&u, NULL, 0, &err) == 0, cases[i].loopback);
        if (!cases[i].loopback)
            ck_assert_ptr_nonnull(strstr(err.msg, "is not loopback and not in allowHosts"));
    }
}
END_TEST

START_TEST(test_allow_list)
{
    static const char *const allow[] = {"Hooks.Example.Test", "10.0.0.5", "[fd00::7]"};
    static const struct {
        const char *url;
        bool ok;
    } cases[] = {
        {"http://hooks.example.test/", true},
        {"http://HOOKS.example.TEST:8443/x", true},
        {"http://10.0.0.5/", true},
        {"http://[fd00:0::7]/", true},
        {"http://[fd00::8]/", false},
        {"http://10.0.0.6/", false},
        {"http://evil.hooks.example.test/", false},
        {"http://hooks.example.test.evil/", false},
        {"http://10.0.0.5.evil/", false},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct mr_hookurl u;
        struct mr_error err;
        ck_assert_int_eq(parse(cases[i].url, &u, &err), 0);
        ck_assert_msg((mr_hookurl_check_host(&u, allow, 3, &err) == 0) == cases[i].ok, "%s",
                      cases[i].url);
    }
    {
        struct mr_hookurl u;
        struct mr_error err;
        ck_assert_int_eq(parse("http://[fd00::8]/", &u, &err), 0);
        ck_assert_int_eq(mr_hookurl_check_host(&u, allow, 3, &err), MR_ESCENARIO);
        ck_assert_str_eq(err.msg, "host [fd00::8] is not loopback and not in allowHosts");
    }
}
END_TEST

START_TEST(test_host_valid)
{
    ck_assert(mr_hookurl_host_valid("hooks.example.test"));
    ck_assert(mr_hookurl_host_valid("10.0.0.1"));
    ck_assert(mr_hookurl_host_valid("::1"));
    ck_assert(mr_hookurl_host_valid("[fd00::1]"));
    ck_assert(!mr_hookurl_host_valid(""));
    ck_assert(!mr_hookurl_host_valid("http://x"));
    ck_assert(!mr_hookurl_host_valid("a b"));
    ck_assert(!mr_hookurl_host_valid("h:80"));
    ck_assert(!mr_hookurl_host_valid("[zz]"));
}
END_TEST

START_TEST(test_paths)
{
    struct mr_error err;

    ck_assert_int_eq(mr_hookurl_check_path("/hooks?x=1", 10, &err), 0);
    ck_assert_int_eq(mr_hookurl_check_path("/", 1, &err), 0);
    ck_assert_int_eq(mr_hookurl_check_path("", 0, &err), MR_ESCENARIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "must start with \"/\""));
    ck_assert_int_eq(mr_hookurl_check_path("hooks", 5, &err), MR_ESCENARIO);
    ck_assert_int_eq(mr_hookurl_check_path("http://10.0.0.1/", 16, &err), MR_ESCENARIO);
    ck_assert_int_eq(mr_hookurl_check_path("/a\r\nX: y", 8, &err), MR_ESCENARIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "control byte at byte 3"));
}
END_TEST

static Suite *url_suite(void)
{
    Suite *s = suite_create("url");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_accepts);
    tcase_add_test(tc, test_nul_and_length);
    tcase_add_test(tc, test_paths);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_add_test(tc, test_hostile);
    suite_add_tcase(s, tc);
    tc = tcase_create("hosts");
    tcase_add_test(tc, test_loopback);
    tcase_add_test(tc, test_allow_list);
    tcase_add_test(tc, test_host_valid);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(url_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
