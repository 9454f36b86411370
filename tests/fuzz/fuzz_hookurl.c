/*
 * fuzz_hookurl.c - the callback URL parser and host rule (common/hookurl.h).
 *
 * Input: allow-list entries separated by ',' on the first line, then the
 * URL (any bytes, NULs included; handed over without a NUL after it). With
 * no newline the whole input is the URL and the list is empty.
 *
 * Oracles, for a URL the parser accepts:
 * - the host is non-empty, NUL-terminated within its array, of host
 *   characters (or a valid IPv6 address), and the port is 1-65535;
 * - the target lies within the input, starts with '/' or '?' (or is empty),
 *   and holds visible ASCII only, so it cannot break a request line;
 * - the URL rebuilt from its parts parses to the same parts;
 * - with an empty allow list, a host passes exactly when it is loopback;
 *   with the list, a passing host is loopback or one of the entries.
 * A refusal always says why.
 */
#include "tests/fuzz/fuzz.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <strings.h>

#include "common/hookurl.h"

#define MAX_ALLOW 8

static bool same(const struct mr_hookurl *a, const char *sa, const struct mr_hookurl *b,
                 const char *sb)
{
    return strcmp(a->host, b->host) == 0 && a->kind == b->kind && a->port == b->port &&
           a->target_len == b->target_len &&
           memcmp(sa + a->target, sb + b->target, a->target_len) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size);
    size_t head = nl ? (size_t)(nl - (const char *)data) : 0;
    size_t off = nl ? head + 1 : 0, n = size - off, nallow = 0, i;
    char *list = fuzz_copy(data, head, 1);
    char *url = fuzz_copy(data + off, n, 0);
    const char *allow[MAX_ALLOW];
    struct mr_hookurl u;
    struct mr_error err;
    char *p = list;

    while (nl && nallow < MAX_ALLOW && p) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        allow[nallow++] = p;
        p = comma ? comma + 1 : NULL;
    }
    memset(&err, 0, sizeof(err));
    if (mr_hookurl_parse(&u, url, n, &err) != 0) {
        FUZZ_CHECK(err.code == MR_ESCENARIO && err.msg[0]);
    } else {
        size_t hl = strnlen(u.host, sizeof(u.host));
        struct mr_error herr;
        int allowed;

        FUZZ_CHECK(hl > 0 && hl < sizeof(u.host));
        FUZZ_CHECK(u.port >= 1 && u.port <= 65535);
        FUZZ_CHECK(u.target <= n && u.target_len <= n - u.target);
        if (u.target_len)
            FUZZ_CHECK(url[u.target] == '/' || url[u.target] == '?');
        for (i = 0; i < u.target_len; i++)
            FUZZ_CHECK(url[u.target + i] > 0x20 && url[u.target + i] < 0x7f);
        if (u.kind == MR_HOOKURL_IPV6) {
            unsigned char a6[16];
            FUZZ_CHECK(inet_pton(AF_INET6, u.host, a6) == 1);
        } else {
            for (i = 0; i < hl; i++)
                FUZZ_CHECK(strchr("-_.", u.host[i]) || (u.host[i] >= '0' && u.host[i] <= '9') ||
                           ((u.host[i] | 0x20) >= 'a' && (u.host[i] | 0x20) <= 'z'));
        }
        {
            /* rebuilt from the parts, it parses the same */
            size_t cap = hl + u.target_len + 32;
            char *again = malloc(cap);
            struct mr_hookurl v;
            int m;
            FUZZ_CHECK(again != NULL);
            m = snprintf(again, cap, "http://%s%s%s:%d%.*s", u.kind == MR_HOOKURL_IPV6 ? "[" : "",
                         u.host, u.kind == MR_HOOKURL_IPV6 ? "]" : "", u.port, (int)u.target_len,
                         url + u.target);
            FUZZ_CHECK(m > 0 && (size_t)m < cap);
            if ((size_t)m <= MR_HOOKURL_MAX) {
                FUZZ_CHECK(mr_hookurl_parse(&v, again, (size_t)m, &herr) == 0);
                FUZZ_CHECK(same(&u, url, &v, again));
            }
            free(again);
        }
        FUZZ_CHECK((mr_hookurl_check_host(&u, NULL, 0, &herr) == 0) == mr_hookurl_is_loopback(&u));
        allowed = mr_hookurl_check_host(&u, allow, nallow, &herr) == 0;
        if (allowed && !mr_hookurl_is_loopback(&u)) {
            bool named = false;
            for (i = 0; i < nallow; i++)
                named |= strcasecmp(allow[i], u.host) == 0 || u.kind != MR_HOOKURL_NAME;
            FUZZ_CHECK(named);
        }
        if (!allowed)
            FUZZ_CHECK(herr.msg[0] != '\0');
    }
    free(url);
    free(list);
    return 0;
}
