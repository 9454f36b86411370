/*
 * load_drift.c - a route's `drift`: the request `mockrun drift` replays for
 * it, each part checked as an HTTP request could carry it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/text.h"
#include "scenarios/load_internal.h"

/* True when s holds a byte that cannot be sent as it is in a request target:
 * a control byte, a space, '#', or (in a path) '?'. */
static bool bad_target(const char *s, bool path)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || c == 0x7f || c == '#' || (path && c == '?'))
            return true;
    }
    return false;
}

static void load_headers(struct mr_loader *ld, const cJSON *v, struct mr_drift *d)
{
    const cJSON *h;
    size_t mark = mr_loader__push_key(ld, "headers");

    if (!mr_loader__expect_object(ld, v, "an object mapping header names to strings")) {
        mr_loader__pop(ld, mark);
        return;
    }
    mr_loader__check_duplicates(ld, v);
    d->headers = mr_loader__calloc(ld, (size_t)cJSON_GetArraySize(v) + 1, sizeof(*d->headers));
    cJSON_ArrayForEach(h, v)
    {
        size_t m2 = mr_loader__push_key(ld, h->string);
        char got[80];

        if (!mr_http_token(h->string)) {
            mr_loader__problem(ld, true, "%s", MR_HEADER_NAME_RULE);
        } else if (strcasecmp(h->string, "Host") == 0 ||
                   strcasecmp(h->string, "Content-Length") == 0 ||
                   strcasecmp(h->string, "Transfer-Encoding") == 0 ||
                   strcasecmp(h->string, "Connection") == 0) {
            mr_loader__problem(ld, true, "mockrun sets this header itself");
        } else if (!cJSON_IsString(h)) {
            mr_loader__describe(h, got, sizeof(got));
            mr_loader__problem(ld, false, "expected a string, got %s", got);
        } else if (strpbrk(h->valuestring, "\r\n")) {
            mr_loader__problem(ld, false, "header values must not contain CR or LF");
        } else if (d->headers) {
            struct mr_header *dst = &d->headers[d->nheaders++];
            dst->name = mr_loader__strdup(ld, h->string);
            dst->value = mr_loader__strdup(ld, h->valuestring);
        }
        mr_loader__pop(ld, m2);
    }
    mr_loader__pop(ld, mark);
}

/* Whether the hint's headers give a Content-Type of their own. */
static bool has_type(const struct mr_drift *d)
{
    size_t i;
    for (i = 0; i < d->nheaders; i++)
        if (strcasecmp(d->headers[i].name, "Content-Type") == 0)
            return true;
    return false;
}

void mr_loader__drift(struct mr_loader *ld, const cJSON *v, struct mr_route *rt, int line,
                      int column)
{
    struct mr_drift *d;
    const cJSON *item;
    const char *s;
    size_t mark;

    if (!(d = mr_loader__calloc(ld, 1, sizeof(*d))))
        return;
    rt->drift = d;
    d->line = line;
    d->column = column;
    mark = mr_loader__push_key(ld, "drift");
    if (cJSON_IsFalse(v)) {
        d->skip = true;
        mr_loader__pop(ld, mark);
        return;
    }
    if (!mr_loader__expect_object(
            ld, v, "false, or an object with the request to replay (path, query, headers, json)")) {
        mr_loader__pop(ld, mark);
        return;
    }
    mr_loader__check_keys_of(ld, v, MR_SCHEMA_DRIFT);
    if ((s = mr_loader__string(ld, v, "path")) != NULL) {
        if (s[0] != '/')
            mr_loader__problem_in(ld, "path", "expected a path starting with '/', got \"%.80s\"",
                                  s);
        else if (bad_target(s, true))
            mr_loader__problem_in(ld, "path",
                                  "a path is sent as it is written: write spaces, control "
                                  "bytes, '?' and '#' as %%XX (the query goes in \"query\")");
        else
            d->path = mr_loader__strdup(ld, s);
    } else if (!cJSON_GetObjectItemCaseSensitive(v, "path") &&
               rt->match.path_kind != MR_PATH_LITERAL) {
        mr_loader__problem(ld, false, "give the \"path\" to send: the route's %s",
                           rt->match.path_kind == MR_PATH_TEMPLATE ? "path has parameters"
                           : rt->match.path_kind == MR_PATH_REGEX  ? "path is a pattern"
                                                                   : "request has no path");
    }
    if ((s = mr_loader__string(ld, v, "query")) != NULL) {
        if (s[0] == '?')
            mr_loader__problem_in(ld, "query", "write the query without its '?'");
        else if (bad_target(s, false))
            mr_loader__problem_in(ld, "query",
                                  "a query is sent as it is written: write spaces, control bytes "
                                  "and '#' as %%XX");
        else if (*s)
            d->query = mr_loader__strdup(ld, s);
    }
    if ((item = cJSON_GetObjectItemCaseSensitive(v, "headers")) != NULL)
        load_headers(ld, item, d);
    if ((item = cJSON_GetObjectItemCaseSensitive(v, "json")) != NULL &&
        cJSON_GetObjectItemCaseSensitive(v, "body")) {
        mr_loader__problem_in(ld, "body", "give either \"json\" or \"body\", not both");
    } else if (item) {
        char *text = cJSON_PrintUnformatted(item);
        if (!text) {
            ld->nomem = true;
        } else {
            d->body = mr_loader__strdup(ld, text);
            d->body_len = strlen(text);
            cJSON_free(text);
            d->content_type = has_type(d) ? NULL : "application/json";
        }
    } else if ((s = mr_loader__string(ld, v, "body")) != NULL) {
        d->body = mr_loader__strdup(ld, s);
        d->body_len = strlen(s);
        d->content_type = has_type(d) ? NULL : "text/plain; charset=utf-8";
    }
    mr_loader__pop(ld, mark);
}

void mr_loader__drift_free(struct mr_drift *d)
{
    size_t i;

    if (!d)
        return;
    free(d->path);
    free(d->query);
    for (i = 0; i < d->nheaders; i++) {
        free(d->headers[i].name);
        free(d->headers[i].value);
    }
    free(d->headers);
    free(d->body);
    free(d);
}
