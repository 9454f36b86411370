#include "common/url.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"

/* The URL as messages quote it: one printable line, cut when long. */
static const char *shown(const char *text, char *buf, size_t size)
{
    mr_printable(buf, size, text, strlen(text));
    return buf;
}

int mr_url_parse(struct mr_url *out, const char *text, struct mr_error *err)
{
    const char *p, *auth, *end, *colon;
    char q[200];
    size_t i, hlen;

    memset(out, 0, sizeof(*out));
    out->port = 80;
    for (i = 0; text[i]; i++)
        if ((unsigned char)text[i] <= 0x20 || text[i] == 0x7f)
            return mr_error_set(err, MR_EUSAGE, "the URL \"%s\" has a space or a control byte",
                                shown(text, q, sizeof(q)));
    if (strncasecmp(text, "https://", 8) == 0)
        return mr_error_set(err, MR_EUSAGE,
                            "\"%s\": https is not supported: mockrun forwards over plain HTTP "
                            "only (give an http:// URL, e.g. of a local TLS-terminating proxy)",
                            shown(text, q, sizeof(q)));
    if (strncasecmp(text, "http://", 7) != 0)
        return mr_error_set(err, MR_EUSAGE,
                            "expected an http:// URL such as http://127.0.0.1:8080, got \"%s\"",
                            shown(text, q, sizeof(q)));
    auth = text + 7;
    end = auth + strcspn(auth, "/?#");
    if (memchr(auth, '@', (size_t)(end - auth)))
        return mr_error_set(err, MR_EUSAGE,
                            "\"%s\": user names and passwords in the URL are not supported",
                            shown(text, q, sizeof(q)));
    if (*auth == '[') { /* [v6]:port */
        const char *close = memchr(auth, ']', (size_t)(end - auth));
        if (!close)
            return mr_error_set(err, MR_EUSAGE, "\"%s\": the IPv6 address has no closing ']'",
                                shown(text, q, sizeof(q)));
        hlen = (size_t)(close - auth - 1);
        p = auth + 1;
        colon = close + 1 < end && close[1] == ':' ? close + 1 : NULL;
        if (!colon && close + 1 != end)
            return mr_error_set(err, MR_EUSAGE, "\"%s\": expected ':' or '/' after ']'",
                                shown(text, q, sizeof(q)));
    } else {
        colon = memchr(auth, ':', (size_t)(end - auth));
        p = auth;
        hlen = (size_t)((colon ? colon : end) - auth);
    }
    if (hlen == 0)
        return mr_error_set(err, MR_EUSAGE, "\"%s\": the URL has no host",
                            shown(text, q, sizeof(q)));
    if (hlen >= sizeof(out->host))
        return mr_error_set(err, MR_EUSAGE, "\"%s\": the host is longer than %zu bytes",
                            shown(text, q, sizeof(q)), sizeof(out->host) - 1);
    memcpy(out->host, p, hlen);
    out->host[hlen] = '\0';
    if (colon) {
        long port = 0;
        const char *d;
        for (d = colon + 1; d < end; d++) {
            if (*d < '0' || *d > '9' || port > 65535) {
                port = -1;
                break;
            }
            port = port * 10 + (*d - '0');
        }
        if (d == colon + 1 || port < 1 || port > 65535)
            return mr_error_set(err, MR_EUSAGE, "\"%s\": the port must be a number from 1 to 65535",
                                shown(text, q, sizeof(q)));
        out->port = (int)port;
        out->has_port = true;
    }
    if (strlen(end) >= sizeof(out->path))
        return mr_error_set(err, MR_EUSAGE, "\"%s\": the path is longer than %zu bytes",
                            shown(text, q, sizeof(q)), sizeof(out->path) - 1);
    strcpy(out->path, end);
    return 0;
}

int mr_url_parse_target(struct mr_url *out, const char *text, struct mr_error *err)
{
    char q[200];
    size_t n;
    int rc;

    if ((rc = mr_url_parse(out, text, err)) != 0)
        return rc;
    if (strpbrk(out->path, "?#"))
        return mr_error_set(err, MR_EUSAGE,
                            "\"%s\": a query or fragment cannot be part of the target (request "
                            "paths and queries are appended to it)",
                            shown(text, q, sizeof(q)));
    n = strlen(out->path);
    while (n > 0 && out->path[n - 1] == '/')
        out->path[--n] = '\0';
    return 0;
}

void mr_url_authority(const struct mr_url *u, char *buf, size_t size)
{
    bool v6 = strchr(u->host, ':') != NULL;
    if (u->has_port && u->port != 80)
        snprintf(buf, size, "%s%s%s:%d", v6 ? "[" : "", u->host, v6 ? "]" : "", u->port);
    else
        snprintf(buf, size, "%s%s%s", v6 ? "[" : "", u->host, v6 ? "]" : "");
}
