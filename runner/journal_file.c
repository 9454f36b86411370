/*
 * journal_file.c - a --journal file appended to a journal, call by call.
 */
#include "runner/journal_file.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/jsondoc.h"
#include "server/match.h"

#define JOURNAL_FILE_MAX (1024u << 20) /* the largest journal file read */

/* The reader's state: the file, for messages. */
struct reader {
    const char *path;
    const char *text;
    size_t len;
    struct mr_error *err;
};

/* A problem with item `i` (its member `key`, when given: placed at the item
 * when the member is missing). */
static int problem(struct reader *rd, size_t i, const char *key, const char *msg)
{
    char jpath[128], item[32];
    size_t n = 0, off;
    int line = 0, col = 0;

    item[0] = '\0';
    mr_jsondoc_push_index(item, sizeof(item), &n, i);
    memcpy(jpath, item, n + 1);
    if (key)
        mr_jsondoc_push_key(jpath, sizeof(jpath), &n, key);
    if (mr_jsondoc_locate(rd->text, rd->len, jpath, false, &off) ||
        mr_jsondoc_locate(rd->text, rd->len, item, false, &off))
        mr_jsondoc_linecol(rd->text, rd->len, off, &line, &col);
    mr_error_set(rd->err, MR_ESCENARIO, "%s", msg);
    mr_error_at(rd->err, rd->path, jpath, line, col);
    return MR_ESCENARIO;
}

static const char *string_of(const cJSON *call, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(call, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* "2026-03-01T12:00:00.123Z" (mr_clock_iso8601) into microseconds since the epoch:
 * digits where the writer puts them (sscanf alone took signs and blanks), from 1970
 * on (an earlier time, negative, would be written back as another one). */
static bool parse_time(const char *s, int64_t *us)
{
    static const char shape[] = "0000-00-00T00:00:00.000Z";
    int y, mo, d, h, mi, sec, ms;
    size_t i;

    for (i = 0; i < sizeof(shape) - 1; i++)
        if (shape[i] == '0' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
            return false;
    if (s[i] || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &y, &mo, &d, &h, &mi, &sec, &ms) != 7 ||
        y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return false;
    *us =
        ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec) * 1000 +
         ms) *
        1000;
    return true;
}

static int b64val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes base64 text into b; false when it is not base64. */
static bool unbase64(struct mr_buf *b, const char *s)
{
    unsigned acc = 0;
    int bits = 0;

    for (; *s && *s != '='; s++) {
        int v = b64val(*s);
        if (v < 0)
            return false;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            mr_buf_putc(b, (char)((acc >> bits) & 0xff));
        }
    }
    return !b->failed;
}

/* The service named `name`, or -1. */
static long service_index(const struct mr_scenario *sc, const char *name)
{
    size_t i;
    for (i = 0; i < sc->nservices; i++)
        if (strcmp(sc->services[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* Route `id` of service `service`, or -1. */
static long route_index(const struct mr_scenario *sc, size_t service, const char *id)
{
    const struct mr_service *s = &sc->services[service];
    size_t i;
    for (i = s->first_route; i < s->first_route + s->nroutes; i++)
        if (strcmp(sc->routes[i].id, id) == 0)
            return (long)i;
    return -1;
}

/* A number member from 0 to max, or false. */
static bool number_of(const cJSON *call, const char *key, double max, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(call, key);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= max))
        return false;
    *out = v->valuedouble;
    return true;
}

/* A whole number from `min` to 2^53 (past it a double skips whole numbers), or false. */
static bool count_of(const cJSON *v, double min, uint64_t *out)
{
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= min && v->valuedouble <= 9007199254740992.0) ||
        v->valuedouble != floor(v->valuedouble))
        return false;
    *out = (uint64_t)v->valuedouble;
    return true;
}

/* One call: its request rebuilt, counted and appended. */
static int read_call(struct reader *rd, struct mr_journal *j, const struct mr_scenario *sc,
                     const cJSON *call, size_t i, uint64_t *seq)
{
    const char *service = string_of(call, "service"), *method = string_of(call, "method");
    const char *path = string_of(call, "path"), *query = string_of(call, "query");
    const char *when = string_of(call, "time"), *near = string_of(call, "nearMiss");
    const cJSON *route = cJSON_GetObjectItemCaseSensitive(call, "route");
    const cJSON *headers = cJSON_GetObjectItemCaseSensitive(call, "headers"), *h;
    const cJSON *details = cJSON_GetObjectItemCaseSensitive(call, "nearMissDetails");
    struct mr_call_meta meta;
    struct mr_request req;
    struct mr_buf body, why;
    struct mr_kv *kv = NULL, *params = NULL;
    char *scratch = NULL, msg[300];
    size_t *hits = NULL, nhits = 0, nh = 0, np, k;
    double status, size = 0, duration = 0;
    long s, r = -1;
    int rc = 0;

    memset(&meta, 0, sizeof(meta));
    memset(&req, 0, sizeof(req));
    if (!cJSON_IsObject(call))
        return problem(rd, i, NULL, "expected a call object: is this a --journal file?");
    if (!service)
        return problem(rd, i, "service", "expected the service's name");
    if ((s = service_index(sc, service)) < 0) {
        snprintf(msg, sizeof(msg),
                 "no service \"%.100s\" in the scenario: the journal comes from another one",
                 service);
        return problem(rd, i, "service", msg);
    }
    if (!method || !path || !query)
        return problem(rd, i, !method ? "method" : !path ? "path" : "query", "expected a string");
    if (cJSON_IsString(route)) {
        if ((r = route_index(sc, (size_t)s, route->valuestring)) < 0) {
            snprintf(
                msg, sizeof(msg),
                "no route \"%.100s\" in service %.100s of the scenario: the journal comes from "
                "another one",
                route->valuestring, service);
            return problem(rd, i, "route", msg);
        }
    } else if (!cJSON_IsNull(route)) {
        return problem(rd, i, "route", "expected a route id or null");
    }
    if (!number_of(call, "status", 999, &status))
        return problem(rd, i, "status", "expected a status code");
    if (!when || !parse_time(when, &meta.wall_us))
        return problem(rd, i, "time", "expected a time such as \"2026-03-01T12:00:00.123Z\"");
    if (!cJSON_IsObject(headers))
        return problem(rd, i, "headers", "expected an object of header values");
    cJSON_ArrayForEach(h, headers)
    {
        if (!cJSON_IsString(h))
            return problem(rd, i, "headers", "expected an object of header values");
        nh++;
    }
    number_of(call, "bodySize", 9007199254740991.0, &size);
    number_of(call, "durationMs", 4294967.0, &duration);

    mr_buf_init(&body);
    mr_buf_init(&why);
    if (string_of(call, "bodyBase64")) {
        if (!unbase64(&body, string_of(call, "bodyBase64"))) {
            bool nomem = body.failed;
            mr_buf_release(&body);
            return nomem ? mr_error_set(rd->err, MR_ENOMEM, "out of memory reading %s", rd->path)
                         : problem(rd, i, "bodyBase64", "expected base64");
        }
    } else if (string_of(call, "body")) {
        mr_buf_puts(&body, string_of(call, "body"));
    }
    if (near) {
        mr_buf_puts(&why, near);
        cJSON_ArrayForEach(h, details) if (cJSON_IsString(h))
            mr_buf_printf(&why, "\n%s", h->valuestring);
    }
    np = mr_request_count_params(query);
    kv = calloc(nh + 1, sizeof(*kv));
    params = calloc(np + 1, sizeof(*params));
    scratch = malloc(strlen(query) + 1);
    hits = calloc(sc->nexpects + 1, sizeof(*hits));
    if (!kv || !params || !scratch || !hits || body.failed || why.failed) {
        rc = mr_error_set(rd->err, MR_ENOMEM, "out of memory reading %s", rd->path);
        goto done;
    }
    nh = 0;
    cJSON_ArrayForEach(h, headers)
    {
        kv[nh].name = h->string;
        kv[nh].name_len = strlen(h->string);
        kv[nh].value = h->valuestring;
        kv[nh].value_len = strlen(h->valuestring);
        nh++;
    }
    req.method = method;
    req.path = path;
    req.query = query;
    req.params = params;
    req.nparams = mr_request_parse_query(query, scratch, params, np);
    req.headers = kv;
    req.nheaders = nh;
    req.body = body.data ? body.data : "";
    req.body_len = body.len;
    /* the expectations the call counts for, as the server decides (service.c, record) */
    for (k = 0; k < sc->nexpects; k++) {
        const struct mr_expect *e = &sc->expects[k];
        if (e->kind != MR_EXPECT_COUNT || (e->route >= 0 && e->route != r))
            continue;
        if (e->has_request && !mr_match(&e->request, &req, NULL))
            continue;
        hits[nhits++] = k;
    }
    meta.duration_us = (uint32_t)llround(duration * 1000.0);
    meta.service = (uint16_t)s;
    meta.status = (uint16_t)status;
    meta.route = (int32_t)r;
    meta.body_truncated = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(call, "bodyTruncated"));
    meta.allowed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(call, "allowed"));
    meta.body_size = size > (double)body.len ? (uint64_t)size : body.len;
    meta.near = near ? mr_buf_cstr(&why) : NULL;
    if ((meta.test = string_of(call, "test")) != NULL)
        meta.test_len = strlen(meta.test);
    *seq = mr_journal_append(j, &meta, &req, hits, nhits);
done:
    mr_request_release(&req);
    free(kv);
    free(params);
    free(scratch);
    free(hits);
    mr_buf_release(&body);
    mr_buf_release(&why);
    return rc;
}

int mr_journal_file_read(struct mr_journal *j, const struct mr_scenario *sc, const char *path,
                         struct mr_journal_file_info *info, struct mr_error *err)
{
    struct reader rd = {path, NULL, 0, err};
    struct mr_buf text;
    const cJSON *item;
    cJSON *root;
    size_t i = 0, marker = 0;
    char msg[160];
    int rc;

    memset(info, 0, sizeof(*info));
    mr_buf_init(&text);
    if ((rc = mr_buf_read_file(&text, path, JOURNAL_FILE_MAX)) != 0) {
        mr_error_set(err, rc == ENOMEM ? MR_ENOMEM : MR_ESETUP, "cannot read journal '%s': %s",
                     path, rc == EFBIG ? "larger than 1 GiB" : strerror(rc));
        mr_buf_release(&text);
        return err->code;
    }
    rd.text = text.data ? text.data : "";
    rd.len = text.len;
    mr_jsondoc_skip_bom(&rd.text, &rd.len);
    if (!(root = mr_jsondoc_parse(path, rd.text, rd.len, err))) {
        mr_buf_release(&text);
        return err->code;
    }
    if (!cJSON_IsArray(root)) {
        mr_error_set(err, MR_ESCENARIO,
                     "expected a JSON array of calls: is this a --journal file?");
        mr_error_at(err, path, NULL, 1, 1);
        rc = MR_ESCENARIO;
    }
    cJSON_ArrayForEach(item, root)
    {
        const cJSON *dropped = cJSON_GetObjectItemCaseSensitive(item, "detailsDroppedFrom");
        const cJSON *callbacks = cJSON_GetObjectItemCaseSensitive(item, "callbacks");
        uint64_t seq = 0;

        if (rc)
            break;
        if (callbacks) {
            /* the callback attempts of a scenario with callbacks: no call among them */
            if (!cJSON_IsArray(callbacks))
                rc = problem(&rd, i, "callbacks", "expected an array of callback attempts");
        } else if (dropped) {
            /* the writer's marker: details were dropped from call N on, of M calls */
            const cJSON *total = cJSON_GetObjectItemCaseSensitive(item, "total");
            if (!count_of(dropped, 1, &info->dropped_from) || !count_of(total, 1, &info->total) ||
                info->total < info->dropped_from)
                rc = problem(&rd, i, NULL,
                             "expected {\"detailsDroppedFrom\": N, \"total\": M}, whole numbers "
                             "with 1 <= N <= M");
            marker = i;
        } else if ((rc = read_call(&rd, j, sc, item, i, &seq)) == 0) {
            info->calls++;
            if (!info->first_seq)
                info->first_seq = seq;
            info->last_seq = seq;
        }
        i++;
    }
    if (!info->dropped_from) {
        info->total = info->calls;
    } else if (!rc && info->total < info->calls) {
        snprintf(msg, sizeof(msg), "%llu call%s in all, but the file lists %zu",
                 (unsigned long long)info->total, info->total == 1 ? "" : "s", info->calls);
        rc = problem(&rd, marker, "total", msg);
    }
    cJSON_Delete(root);
    mr_buf_release(&text);
    return rc;
}

int mr_journal_file_is(const char *path)
{
    FILE *f = fopen(path, "rb");
    int c;

    if (!f) {
        fprintf(stderr, "mockrun: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    while ((c = getc(f)) != EOF && (isspace(c) || c == 0xEF || c == 0xBB || c == 0xBF))
        ; /* blanks and a byte-order mark */
    fclose(f);
    return c == '[';
}
