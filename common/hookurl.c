/*
 * hookurl.c - strict plain-HTTP URLs and the loopback rule (hookurl.h).
 *
 * The parser reads left to right and refuses at the first thing it does not
 * expect, rather than "fixing" input the way browsers do: every URL it lets
 * through is one that any HTTP client would send to the same host.
 */
#include "common/hookurl.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

static bool host_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

/* What a path or query may hold: visible ASCII. */
static bool target_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f;
}

static bool scheme_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '-' || c == '.';
}

/* The first byte of s[0..len) a target may not hold, or len. */
static size_t bad_target_byte(const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len && target_char((unsigned char)s[i]); i++)
        ;
    return i;
}

static int target_problem(const char *s, size_t at, size_t base, struct mr_error *err)
{
    unsigned char c = (unsigned char)s[at];
    if (c >= 0x80)
        return mr_error_set(err, MR_ESCENARIO,
                            "the URL has a non-ASCII byte at byte %zu (percent-encode it)",
                            base + at + 1);
    return mr_error_set(err, MR_ESCENARIO, "the URL has a space or control byte at byte %zu",
                        base + at + 1);
}

int mr_hookurl_check_path(const char *s, size_t len, struct mr_error *err)
{
    size_t bad;

    if (len > MR_HOOKURL_MAX)
        return mr_error_set(err, MR_ESCENARIO, "the path is longer than %d bytes", MR_HOOKURL_MAX);
    if (len == 0 || s[0] != '/')
        return mr_error_set(err, MR_ESCENARIO, "a path on a service must start with \"/\"");
    bad = bad_target_byte(s, len);
    if (bad < len)
        return target_problem(s, bad, 0, err);
    return 0;
}

static int parse_port(const char *s, size_t n, int *port, struct mr_error *err)
{
    long v = 0;
    size_t i;

    if (n == 0)
        return mr_error_set(err, MR_ESCENARIO, "the URL's port is empty");
    if (n > 5)
        return mr_error_set(err, MR_ESCENARIO, "the URL's port is not a number from 1 to 65535");
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return mr_error_set(err, MR_ESCENARIO,
                                "the URL's port is not a number from 1 to 65535");
        v = v * 10 + (s[i] - '0');
    }
    if (v < 1 || v > 65535)
        return mr_error_set(err, MR_ESCENARIO, "the URL's port is not a number from 1 to 65535");
    *port = (int)v;
    return 0;
}

int mr_hookurl_parse(struct mr_hookurl *out, const char *s, size_t len, struct mr_error *err)
{
    size_t i = 0, auth, auth_end, host_end, bad, end;
    struct in6_addr a6;
    struct in_addr a4;

    memset(out, 0, sizeof(*out));
    out->port = 80;
    if (len > MR_HOOKURL_MAX)
        return mr_error_set(err, MR_ESCENARIO, "the URL is longer than %d bytes", MR_HOOKURL_MAX);
    while (i < len && scheme_char((unsigned char)s[i]))
        i++;
    if (i == 0 || i + 3 > len || memcmp(s + i, "://", 3) != 0)
        return mr_error_set(err, MR_ESCENARIO,
                            "not an absolute http URL (it must start with \"http://\")");
    if (i != 4 || strncasecmp(s, "http", 4) != 0) {
        if (i == 5 && strncasecmp(s, "https", 5) == 0)
            return mr_error_set(err, MR_ESCENARIO,
                                "https is not supported: mockrun's client speaks plain HTTP only");
        return mr_error_set(err, MR_ESCENARIO, "not an http URL (scheme \"%.*s\")",
                            (int)(i < 20 ? i : 20), s);
    }
    auth = i + 3;
    for (auth_end = auth;
         auth_end < len && s[auth_end] != '/' && s[auth_end] != '?' && s[auth_end] != '#';
         auth_end++)
        if (s[auth_end] == '@')
            return mr_error_set(err, MR_ESCENARIO,
                                "a URL with user information (user@host) is not allowed");

    /* the host */
    if (auth < auth_end && s[auth] == '[') {
        const char *close = memchr(s + auth, ']', auth_end - auth);
        size_t n;
        if (!close)
            return mr_error_set(err, MR_ESCENARIO, "the URL's IPv6 address has no \"]\"");
        n = (size_t)(close - (s + auth)) - 1;
        if (n == 0 || n >= sizeof(out->host))
            return mr_error_set(err, MR_ESCENARIO, "the URL's IPv6 address is not valid");
        memcpy(out->host, s + auth + 1, n);
        out->host[n] = '\0';
        if (inet_pton(AF_INET6, out->host, &a6) != 1)
            return mr_error_set(err, MR_ESCENARIO, "the URL's IPv6 address is not valid");
        out->kind = MR_HOOKURL_IPV6;
        host_end = (size_t)(close - s) + 1;
    } else {
        for (host_end = auth; host_end < auth_end && s[host_end] != ':'; host_end++)
            if (!host_char((unsigned char)s[host_end]))
                return mr_error_set(err, MR_ESCENARIO,
                                    "the URL's host has a byte that is not a letter, digit, "
                                    "\"-\", \"_\" or \".\" at byte %zu",
                                    host_end + 1);
        if (host_end == auth)
            return mr_error_set(err, MR_ESCENARIO, "the URL has no host");
        if (host_end - auth > MR_HOOKURL_HOST_MAX)
            return mr_error_set(err, MR_ESCENARIO, "the URL's host is longer than %d bytes",
                                MR_HOOKURL_HOST_MAX);
        memcpy(out->host, s + auth, host_end - auth);
        out->host[host_end - auth] = '\0';
        out->kind = inet_pton(AF_INET, out->host, &a4) == 1 ? MR_HOOKURL_IPV4 : MR_HOOKURL_NAME;
    }
    if (host_end < auth_end) {
        int rc;
        if (s[host_end] != ':')
            return mr_error_set(err, MR_ESCENARIO, "the URL has text after its host's \"]\"");
        if ((rc = parse_port(s + host_end + 1, auth_end - host_end - 1, &out->port, err)) != 0)
            return rc;
    }

    /* path and query, up to a fragment */
    end = auth_end;
    while (end < len && s[end] != '#')
        end++;
    bad = bad_target_byte(s + auth_end, end - auth_end);
    if (bad < end - auth_end)
        return target_problem(s + auth_end, bad, auth_end, err);
    out->target = auth_end;
    out->target_len = end - auth_end;
    return 0;
}

bool mr_hookurl_is_loopback(const struct mr_hookurl *u)
{
    struct in6_addr a6;
    struct in_addr a4;

    switch (u->kind) {
    case MR_HOOKURL_NAME:
        return strcasecmp(u->host, "localhost") == 0;
    case MR_HOOKURL_IPV4:
        return inet_pton(AF_INET, u->host, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
    case MR_HOOKURL_IPV6:
        return inet_pton(AF_INET6, u->host, &a6) == 1 &&
               memcmp(&a6, &in6addr_loopback, sizeof(a6)) == 0;
    }
    return false;
}

/* An allow-list entry as an address of `family`, brackets around IPv6 taken off. */
static bool entry_address(const char *entry, int family, void *addr)
{
    char buf[MR_HOOKURL_HOST_MAX + 1];
    size_t n = strlen(entry);

    if (family == AF_INET6 && n >= 2 && entry[0] == '[' && entry[n - 1] == ']') {
        if (n - 2 >= sizeof(buf))
            return false;
        memcpy(buf, entry + 1, n - 2);
        buf[n - 2] = '\0';
        entry = buf;
    }
    return inet_pton(family, entry, addr) == 1;
}

int mr_hookurl_check_host(const struct mr_hookurl *u, const char *const *allow, size_t n,
                          struct mr_error *err)
{
    unsigned char want[sizeof(struct in6_addr)], have[sizeof(struct in6_addr)];
    int family = u->kind == MR_HOOKURL_IPV6 ? AF_INET6 : AF_INET;
    size_t i, size = u->kind == MR_HOOKURL_IPV6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);

    if (mr_hookurl_is_loopback(u))
        return 0;
    if (u->kind != MR_HOOKURL_NAME && inet_pton(family, u->host, want) != 1)
        return mr_error_set(err, MR_ESCENARIO, "host %s is not a valid address", u->host);
    for (i = 0; i < n; i++) {
        if (u->kind == MR_HOOKURL_NAME
                ? strcasecmp(allow[i], u->host) == 0
                : entry_address(allow[i], family, have) && memcmp(want, have, size) == 0)
            return 0;
    }
    return mr_error_set(err, MR_ESCENARIO, "host %s%s%s is not loopback and not in allowHosts",
                        u->kind == MR_HOOKURL_IPV6 ? "[" : "", u->host,
                        u->kind == MR_HOOKURL_IPV6 ? "]" : "");
}

bool mr_hookurl_host_valid(const char *s)
{
    unsigned char a[sizeof(struct in6_addr)];
    size_t n = strlen(s), i;

    if (n == 0 || n > MR_HOOKURL_HOST_MAX + 2)
        return false;
    if (entry_address(s, AF_INET6, a))
        return true;
    if (n > MR_HOOKURL_HOST_MAX)
        return false;
    for (i = 0; i < n; i++)
        if (!host_char((unsigned char)s[i]))
            return false;
    return true;
}
