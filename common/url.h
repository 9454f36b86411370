/*
 * url.h - the http:// URLs mockrun talks to: a service's "proxy" target,
 * `mockrun record --target`, and the Location headers upstream servers send
 * back. Split once into host, port and path; fixed-size storage, so parsing
 * never allocates. Pure and thread-safe.
 *
 * Only plain HTTP is spoken (mockrun's upstream client has no TLS): an
 * https:// URL is refused with a message that says so.
 */
#ifndef MOCKRUN_COMMON_URL_H
#define MOCKRUN_COMMON_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define MR_URL_HOST_MAX 256
#define MR_URL_PATH_MAX 1024

struct mr_url {
    char host[MR_URL_HOST_MAX]; /* "api.example.com", "127.0.0.1", "::1" (no brackets) */
    int port;                   /* 80 when the URL gives none */
    bool has_port;              /* the URL gives one */
    char path[MR_URL_PATH_MAX]; /* what follows the authority, as written: "", "/v2",
                                   "/a?b=1" (mr_url_parse_target: no query, and no
                                   trailing '/') */
};

/*
 * Splits an absolute http:// URL (the scheme case-insensitive). Refused, with
 * MR_EUSAGE and a message naming the problem: another scheme (https has a
 * message of its own), no host, user information ("user:pass@"), a port that
 * is not 1-65535, a host or path longer than the limits above, and control
 * bytes or spaces anywhere.
 */
int mr_url_parse(struct mr_url *out, const char *text, struct mr_error *err);

/*
 * The same for a target that paths are appended to: also refuses a query or
 * a fragment, and drops a trailing '/' from the path ("http://h/api/" and
 * "http://h/api" forward /x to /api/x; "http://h/" and "http://h" to /x).
 */
int mr_url_parse_target(struct mr_url *out, const char *text, struct mr_error *err);

/* "host" or "host:port" as a Host header gives it (the port only when the URL
 * gives one other than 80; an IPv6 host in brackets). Always NUL-terminated. */
void mr_url_authority(const struct mr_url *u, char *buf, size_t size);

#endif
