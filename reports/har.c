#include "reports/har.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/clock.h"
#include "common/text.h"
#include "reports/atomic.h"

/*
 * A small JSON writer over an mr_buf, indented by two spaces. Memory failures
 * are sticky in the buffer (`failed`), so the steps need no checks.
 */
struct json {
    struct mr_buf *b;
    int depth;
    bool comma; /* the current container already holds a member */
};

static void newline(struct json *j)
{
    int i;

    mr_buf_putc(j->b, '\n');
    for (i = 0; i < j->depth; i++)
        mr_buf_append(j->b, "  ", 2);
}

/* Starts a member (`k` NULL: an array element). */
static void key(struct json *j, const char *k)
{
    if (j->comma)
        mr_buf_putc(j->b, ',');
    newline(j);
    if (k) {
        mr_buf_put_json_string(j->b, k, strlen(k));
        mr_buf_append(j->b, ": ", 2);
    }
    j->comma = true;
}

static void begin(struct json *j, const char *k, char c)
{
    if (k || j->depth > 0)
        key(j, k);
    mr_buf_putc(j->b, c);
    j->depth++;
    j->comma = false;
}

static void end(struct json *j, char c)
{
    bool empty = !j->comma;

    j->depth--;
    if (!empty)
        newline(j);
    mr_buf_putc(j->b, c);
    j->comma = true;
}

static void str_n(struct json *j, const char *k, const char *s, size_t n)
{
    key(j, k);
    mr_buf_put_json_string(j->b, s ? s : "", s ? n : 0);
}

static void str(struct json *j, const char *k, const char *s)
{
    str_n(j, k, s, s ? strlen(s) : 0);
}

/* A value written as given: a number, true, false, null. */
static void raw(struct json *j, const char *k, const char *v)
{
    key(j, k);
    mr_buf_puts(j->b, v);
}

static void integer(struct json *j, const char *k, long long v)
{
    key(j, k);
    mr_buf_printf(j->b, "%lld", v);
}

/* Microseconds as milliseconds with 3 decimals, from integers (no locale). */
static void millis(struct json *j, const char *k, int64_t us)
{
    if (us < 0)
        us = 0;
    key(j, k);
    mr_buf_printf(j->b, "%lld.%03lld", (long long)(us / 1000), (long long)(us % 1000));
}

static void pair(struct json *j, const char *name, size_t nlen, const char *value, size_t vlen)
{
    begin(j, NULL, '{');
    str_n(j, "name", name, nlen);
    str_n(j, "value", value, vlen);
    end(j, '}');
}

static const struct {
    int status;
    const char *text;
} reasons[] = {
    {100, "Continue"},
    {101, "Switching Protocols"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {203, "Non-Authoritative Information"},
    {204, "No Content"},
    {205, "Reset Content"},
    {206, "Partial Content"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {412, "Precondition Failed"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Range Not Satisfiable"},
    {417, "Expectation Failed"},
    {418, "I'm a teapot"},
    {422, "Unprocessable Content"},
    {425, "Too Early"},
    {426, "Upgrade Required"},
    {428, "Precondition Required"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {451, "Unavailable For Legal Reasons"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
};

const char *mr_har_reason(int status)
{
    size_t i;

    for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
        if (reasons[i].status == status)
            return reasons[i].text;
    return "";
}

/* RFC 3986's pchar and '/': what a path keeps unencoded. */
static bool path_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("-._~!$&'()*+,;=:@/", c) != NULL;
}

/* The call's URL: the service's, the decoded path encoded again, the query as sent. */
static void url(struct mr_buf *u, const struct mr_results *r, const struct mr_results_call *c)
{
    const char *base = c->service < r->nservices && r->services[c->service].url
                           ? r->services[c->service].url
                           : "http://127.0.0.1";
    const unsigned char *p;

    mr_buf_puts(u, base);
    for (p = (const unsigned char *)c->path; *p; p++) {
        if (path_char(*p))
            mr_buf_putc(u, (char)*p);
        else
            mr_buf_printf(u, "%%%02X", *p);
    }
    if (c->query && *c->query) {
        mr_buf_putc(u, '?');
        mr_buf_puts(u, c->query);
    }
}

/* A header's value by name (case-insensitive), or NULL. */
static const char *header(const struct mr_results_call *c, const char *name)
{
    size_t i;

    for (i = 0; i < c->nheaders; i++)
        if (strcasecmp(c->headers[i].name, name) == 0)
            return c->headers[i].value;
    return NULL;
}

/* queryString: name=value pairs split on '&', each side percent-decoded. */
static void query_string(struct json *j, const char *q, struct mr_buf *scratch)
{
    begin(j, "queryString", '[');
    while (q && *q) {
        size_t n = strcspn(q, "&");
        const char *eq = memchr(q, '=', n);
        size_t nlen = eq ? (size_t)(eq - q) : n;
        size_t vlen = eq ? n - nlen - 1 : 0;

        if (n > 0) {
            mr_buf_reset(scratch);
            if (mr_buf_reserve(scratch, n + 1)) {
                size_t dn = mr_percent_decode(scratch->data, q, nlen, MR_PCT_PLUS);
                size_t dv =
                    mr_percent_decode(scratch->data + dn, eq ? eq + 1 : "", vlen, MR_PCT_PLUS);
                pair(j, scratch->data, dn, scratch->data + dn, dv);
            }
        }
        q += n;
        if (*q == '&')
            q++;
    }
    end(j, ']');
}

/* cookies: the Cookie header's "name=value; name2=value2". */
static void cookies(struct json *j, const char *cookie)
{
    begin(j, "cookies", '[');
    while (cookie && *cookie) {
        size_t n, nlen;
        const char *eq;

        cookie += strspn(cookie, " \t");
        n = strcspn(cookie, ";");
        while (n > 0 && (cookie[n - 1] == ' ' || cookie[n - 1] == '\t'))
            n--;
        eq = memchr(cookie, '=', n);
        nlen = eq ? (size_t)(eq - cookie) : n;
        if (n > 0)
            pair(j, cookie, nlen, eq ? eq + 1 : "", eq ? n - nlen - 1 : 0);
        cookie += strcspn(cookie, ";");
        if (*cookie == ';')
            cookie++;
    }
    end(j, ']');
}

static void request(struct json *j, const struct mr_results *r, const struct mr_results_call *c,
                    struct mr_buf *scratch)
{
    const char *type = header(c, "Content-Type");
    size_t i;

    begin(j, "request", '{');
    str(j, "method", c->method);
    mr_buf_reset(scratch);
    url(scratch, r, c);
    str_n(j, "url", scratch->data, scratch->len);
    str(j, "httpVersion", "HTTP/1.1");
    cookies(j, header(c, "Cookie"));
    begin(j, "headers", '[');
    for (i = 0; i < c->nheaders; i++)
        pair(j, c->headers[i].name, strlen(c->headers[i].name), c->headers[i].value,
             strlen(c->headers[i].value));
    end(j, ']');
    query_string(j, c->query, scratch);
    if (c->body_size > 0 || c->body_len > 0) {
        begin(j, "postData", '{');
        str(j, "mimeType", type ? type : "");
        str_n(j, "text", c->body, c->body_len);
        if (c->body_truncated) {
            mr_buf_reset(scratch);
            mr_buf_printf(scratch, "mockrun kept the first %zu of %llu bytes (--body-limit)",
                          c->body_len, (unsigned long long)c->body_size);
            str_n(j, "comment", scratch->data, scratch->len);
        }
        end(j, '}');
    }
    integer(j, "headersSize", -1);
    integer(j, "bodySize", (long long)c->body_size);
    end(j, '}');
}

static void response(struct json *j, const struct mr_results_call *c)
{
    begin(j, "response", '{');
    integer(j, "status", c->status);
    str(j, "statusText", mr_har_reason(c->status));
    str(j, "httpVersion", "HTTP/1.1");
    begin(j, "cookies", '[');
    end(j, ']');
    begin(j, "headers", '[');
    if (c->response_type)
        pair(j, "Content-Type", 12, c->response_type, strlen(c->response_type));
    end(j, ']');
    begin(j, "content", '{');
    if (c->response_body) {
        integer(j, "size", (long long)c->response_body_len);
        str(j, "mimeType", c->response_type ? c->response_type : "x-unknown");
        str_n(j, "text", c->response_body, c->response_body_len);
    } else {
        integer(j, "size", -1);
        str(j, "mimeType", c->response_type ? c->response_type : "x-unknown");
        str(j, "comment", "mockrun's journal does not record response bodies");
    }
    end(j, '}');
    str(j, "redirectURL", "");
    integer(j, "headersSize", -1);
    integer(j, "bodySize", c->response_body ? (long long)c->response_body_len : -1);
    end(j, '}');
}

static void entry(struct json *j, const struct mr_results *r, const struct mr_results_call *c,
                  struct mr_buf *scratch)
{
    char stamp[25];

    mr_clock_iso8601(c->wall_us, stamp);
    begin(j, NULL, '{');
    str(j, "startedDateTime", stamp);
    millis(j, "time", c->duration_us);
    request(j, r, c, scratch);
    response(j, c);
    begin(j, "cache", '{');
    end(j, '}');
    begin(j, "timings", '{');
    raw(j, "send", "0");
    millis(j, "wait", c->duration_us);
    raw(j, "receive", "0");
    end(j, '}');
    begin(j, "_mockrun", '{');
    integer(j, "seq", (long long)c->seq);
    str(j, "service", c->service < r->nservices ? r->services[c->service].name : "");
    if (c->route)
        str(j, "route", c->route);
    else
        raw(j, "route", "null");
    raw(j, "allowed", c->allowed ? "true" : "false");
    if (c->test)
        str(j, "test", c->test);
    else
        raw(j, "test", "null");
    raw(j, "proxied", c->proxied ? "true" : "false");
    if (c->near)
        str(j, "nearMiss", c->near);
    end(j, '}');
    end(j, '}');
}

/* A callback attempt mockrun sent: an HTTP exchange like the calls, the other way. */
static void attempt_entry(struct json *j, const struct mr_results_attempt *a,
                          struct mr_buf *scratch)
{
    const char *q = strchr(a->url, '?'), *type = NULL;
    char stamp[25];
    size_t i;

    for (i = 0; i < a->nheaders; i++)
        if (strcasecmp(a->headers[i].name, "Content-Type") == 0)
            type = a->headers[i].value;
    mr_clock_iso8601(a->wall_us, stamp);
    begin(j, NULL, '{');
    str(j, "startedDateTime", stamp);
    millis(j, "time", a->duration_us);
    begin(j, "request", '{');
    str(j, "method", a->method);
    str(j, "url", a->url);
    str(j, "httpVersion", "HTTP/1.1");
    begin(j, "cookies", '[');
    end(j, ']');
    begin(j, "headers", '[');
    for (i = 0; i < a->nheaders; i++)
        pair(j, a->headers[i].name, strlen(a->headers[i].name), a->headers[i].value,
             strlen(a->headers[i].value));
    end(j, ']');
    {
        /* the query as sent, without a fragment (the URL has none) */
        char *query = q ? strdup(q + 1) : NULL;
        query_string(j, query, scratch);
        free(query);
    }
    if (a->body_size > 0 || a->body_len > 0) {
        begin(j, "postData", '{');
        str(j, "mimeType", type ? type : "");
        str_n(j, "text", a->body, a->body_len);
        end(j, '}');
    }
    integer(j, "headersSize", -1);
    integer(j, "bodySize", (long long)a->body_size);
    end(j, '}');

    begin(j, "response", '{');
    integer(j, "status", a->status);
    str(j, "statusText", a->status ? mr_har_reason(a->status) : "");
    str(j, "httpVersion", a->status ? "HTTP/1.1" : "");
    begin(j, "cookies", '[');
    end(j, ']');
    begin(j, "headers", '[');
    if (a->response_type)
        pair(j, "Content-Type", 12, a->response_type, strlen(a->response_type));
    end(j, ']');
    begin(j, "content", '{');
    integer(j, "size", a->response_body ? (long long)a->response_body_len : 0);
    str(j, "mimeType", a->response_type ? a->response_type : "x-unknown");
    if (a->response_body)
        str_n(j, "text", a->response_body, a->response_body_len);
    end(j, '}');
    str(j, "redirectURL", "");
    integer(j, "headersSize", -1);
    integer(j, "bodySize", a->response_body ? (long long)a->response_body_len : -1);
    if (a->error)
        str(j, "_error", a->error);
    end(j, '}');
    begin(j, "cache", '{');
    end(j, '}');
    begin(j, "timings", '{');
    raw(j, "send", "0");
    millis(j, "wait", a->duration_us);
    raw(j, "receive", "0");
    end(j, '}');
    begin(j, "_mockrun", '{');
    str(j, "callback", a->callback);
    integer(j, "delivery", (long long)a->delivery);
    integer(j, "attempt", (long long)a->attempt);
    integer(j, "trigger", (long long)a->trigger);
    str(j, "outcome", mr_results_outcome_name(a->outcome));
    end(j, '}');
    end(j, '}');
}

/* Whether attempt `a` was an HTTP exchange (sent, answered or not): a HAR entry. */
static bool sent(const struct mr_results_attempt *a)
{
    return a->outcome == MR_RESULTS_ANSWERED || a->outcome == MR_RESULTS_FAILED;
}

static int earlier(const void *x, const void *y)
{
    const struct mr_results_attempt *a = *(const struct mr_results_attempt *const *)x;
    const struct mr_results_attempt *b = *(const struct mr_results_attempt *const *)y;
    if (a->wall_us != b->wall_us)
        return a->wall_us < b->wall_us ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void mr_har_build(struct mr_buf *out, const struct mr_results *r)
{
    struct json j = {out, 0, false};
    struct mr_buf scratch;
    size_t i;

    mr_buf_init(&scratch);
    begin(&j, NULL, '{');
    begin(&j, "log", '{');
    str(&j, "version", "1.2");
    begin(&j, "creator", '{');
    str(&j, "name", "mockrun");
    str(&j, "version", MOCKRUN_VERSION);
    end(&j, '}');
    mr_results_title(r, &scratch);
    mr_buf_printf(&scratch, ": %zu call%s", r->ncalls, r->ncalls == 1 ? "" : "s");
    {
        size_t nsent = 0;
        for (i = 0; i < r->nattempts; i++)
            nsent += sent(&r->attempts[i]);
        if (nsent)
            mr_buf_printf(&scratch, " and %zu callback%s sent", nsent, nsent == 1 ? "" : "s");
    }
    if (r->calls_total > r->ncalls)
        mr_buf_printf(&scratch, " of %llu (past the journal's limits calls are counted, not kept)",
                      (unsigned long long)r->calls_total);
    str_n(&j, "comment", scratch.data, scratch.len);
    begin(&j, "entries", '[');
    {
        /* calls (in arrival order) and the callbacks sent, merged by the time they started */
        const struct mr_results_attempt **by_time =
            malloc((r->nattempts ? r->nattempts : 1) * sizeof(*by_time));
        size_t k = 0, n = 0;
        if (!by_time) {
            out->failed = true;
        } else {
            for (k = 0; k < r->nattempts; k++)
                if (sent(&r->attempts[k]))
                    by_time[n++] = &r->attempts[k];
            qsort(by_time, n, sizeof(*by_time), earlier);
        }
        for (i = 0, k = 0; by_time && (i < r->ncalls || k < n);) {
            if (k < n && (i == r->ncalls || by_time[k]->wall_us < r->calls[i].wall_us))
                attempt_entry(&j, by_time[k++], &scratch);
            else
                entry(&j, r, &r->calls[i++], &scratch);
        }
        free(by_time);
    }
    end(&j, ']');
    end(&j, '}');
    end(&j, '}');
    mr_buf_putc(out, '\n');
    if (scratch.failed)
        out->failed = true;
    mr_buf_release(&scratch);
}

int mr_har_write(const struct mr_results *r, const char *path, struct mr_error *err)
{
    struct mr_atomic_file f;
    struct mr_buf doc;
    int rc;

    mr_buf_init(&doc);
    mr_har_build(&doc, r);
    if (doc.failed) {
        mr_buf_release(&doc);
        return mr_error_set(err, MR_ENOMEM, "cannot build report '%s': out of memory", path);
    }
    rc = mr_atomic_begin(&f, path, err);
    if (rc == 0)
        rc = mr_atomic_write(&f, doc.data, doc.len, err);
    if (rc == 0)
        rc = mr_atomic_commit(&f, err);
    mr_atomic_abort(&f);
    mr_buf_release(&doc);
    return rc;
}
