/*
 * hookurl.h - the URLs callbacks are sent to: a strict parser for plain-HTTP
 * URLs, and the rule that keeps callbacks on this machine unless the
 * scenario names another host.
 *
 * What mr_hookurl_parse accepts, and nothing else:
 *
 *     http://HOST[:PORT][/PATH][?QUERY][#FRAGMENT]
 *
 * - the scheme "http", in any case ("https" is refused: mockrun's client
 *   speaks no TLS);
 * - no user information ("user:pass@"), which hides the real host from a
 *   reader ("http://127.0.0.1@evil.test/" goes to evil.test);
 * - HOST a name of letters, digits, '-', '_' and '.' (at most 253 bytes), a
 *   dotted-quad IPv4 address, or an IPv6 address in brackets;
 * - PORT 1 to 65535, in decimal (default 80);
 * - PATH and QUERY of visible ASCII only: no space, control byte, DEL or
 *   byte above 0x7F (percent-encode them), so a rendered URL can never
 *   break the request line; the fragment is dropped (clients never send it);
 * - at most MR_HOOKURL_MAX bytes.
 *
 * Where the callback may go (mr_hookurl_check_host): a loopback host
 * ("localhost", 127.0.0.0/8, ::1) always; another only when it is in the
 * allow list (the scenario's `allowHosts`), compared case-insensitively as
 * names, or as addresses when both are IP literals. The host is judged as
 * written, never by what a name resolves to.
 *
 * Pure functions over the caller's text; thread-safe.
 */
#ifndef MOCKRUN_COMMON_HOOKURL_H
#define MOCKRUN_COMMON_HOOKURL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define MR_HOOKURL_MAX 8192
#define MR_HOOKURL_HOST_MAX 253

enum mr_hookurl_host_kind {
    MR_HOOKURL_NAME, /* a host name ("localhost", "hooks.example.test") */
    MR_HOOKURL_IPV4,
    MR_HOOKURL_IPV6, /* written in brackets; `host` holds it without them */
};

/* A parsed URL: the host copied, the target as an offset into the input. */
struct mr_hookurl {
    char host[MR_HOOKURL_HOST_MAX + 1]; /* NUL-terminated, as written (IPv6 without brackets) */
    enum mr_hookurl_host_kind kind;
    int port;          /* 80 when not given */
    size_t target;     /* offset of the path in the input (or of the '?' when there is none) */
    size_t target_len; /* bytes of path and query, the fragment left out; 0: the path is "/" */
};

/*
 * Parses s[0..len). Returns 0 and fills *out, or MR_ESCENARIO with a
 * phrase in err->msg that says what is wrong and quotes nothing of the
 * input but the scheme and host (made printable): `not an http URL (scheme
 * "ftp")`, `https is not supported: mockrun's client speaks plain HTTP
 * only`, `a URL with user information (user@host) is not allowed`, `the
 * URL has a space or control byte at byte 18`, ...
 */
int mr_hookurl_parse(struct mr_hookurl *out, const char *s, size_t len, struct mr_error *err);

/*
 * Checks that a path with an optional query (a callback's URL on a mock
 * service) starts with '/' and holds only what mr_hookurl_parse allows in a
 * path. Returns 0 or MR_ESCENARIO with the reason.
 */
int mr_hookurl_check_path(const char *s, size_t len, struct mr_error *err);

/* Whether the host is loopback: "localhost" (any case), 127.0.0.0/8 or ::1. */
bool mr_hookurl_is_loopback(const struct mr_hookurl *u);

/*
 * Whether a callback may go to u's host: loopback, or named in allow[0..n)
 * (host names compared case-insensitively; IP literals as addresses, so
 * "::1" and "0:0::1" are one). Returns 0, or MR_ESCENARIO with the reason:
 * `host 10.0.0.1 is not loopback and not in allowHosts`.
 */
int mr_hookurl_check_host(const struct mr_hookurl *u, const char *const *allow, size_t n,
                          struct mr_error *err);

/* Whether `s` can be an entry of an allow list: a host name as above, an
 * IPv4 address, or an IPv6 address (with or without brackets). */
bool mr_hookurl_host_valid(const char *s);

#endif
