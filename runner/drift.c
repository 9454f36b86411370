/*
 * drift.c - mockrun drift (drift.h): a request per route, built and checked
 * before anything is sent, then sent to the mock and to the real API, one
 * route after the other, and the answers compared.
 */
#include "runner/drift.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/text.h"
#include "common/url.h"
#include "record/redact.h"
#include "reports/atomic.h"
#include "reports/console.h"
#include "reports/junit.h"
#include "reports/results.h"
#include "runner/driftdiff.h"
#include "runner/journal_file.h"
#include "runner/run.h"
#include "scenarios/scenario.h"
#include "server/attrib.h"
#include "server/callback.h"
#include "server/match.h"
#include "server/service.h"
#include "upstream/gzip.h"
#include "upstream/http.h"

#define BODY_DECODED_MAX ((size_t)64 << 20) /* a gzip answer decoded, at most */

/* What a route's request came from. */
enum source {
    FROM_NONE,    /* skipped */
    FROM_JOURNAL, /* a call of a --journal file */
    FROM_HINT,    /* its "drift" */
    FROM_PATH,    /* its method and literal path */
};

/* One side's answer (the mock's or the API's). */
struct answer {
    bool got; /* an HTTP answer came */
    struct mr_upstream_response resp;
    struct mr_buf decoded; /* the body without its Content-Encoding, when it had one */
    char error[512];       /* why none came */
};

/* One route: the request it gets, or why none; then the two answers. */
struct replay {
    size_t route;
    enum source from;
    char *skip;   /* why it is not replayed (from NONE), or NULL */
    char *source; /* where the request came from, in words */
    char *method;
    char *path;  /* as sent (percent-encoded) */
    char *query; /* as sent, "" when none */
    struct mr_kv *headers;
    size_t nheaders;
    char *body;
    size_t body_len;
    int line; /* where the request is written: the hint's line, else the route's */
    struct answer mock, real;
    double time_s;
    long mock_route; /* the route of the mock that answered (-2: not known) */
    char *mock_near; /* the mock matched none: why, or NULL */
};

struct drift {
    const struct mr_cli *cli;
    const char *files[MR_CLI_MAX_SCENARIOS], *journals[MR_CLI_MAX_SCENARIOS];
    size_t nfiles, njournals;
    struct mr_scenario *sc;
    struct mr_journal *recorded; /* the journals' calls, or NULL */
    struct mr_journal_file_info info[MR_CLI_MAX_SCENARIOS];
    char **target_text; /* per service: its --target URL, or NULL */
    struct mr_url *targets;
    struct mr_kv extra[MR_CLI_MAX_HEADERS]; /* --header, for the API alone */
    char *extra_text[MR_CLI_MAX_HEADERS];
    size_t nextra;
    struct replay *replays; /* one per route */
    struct mr_server *srv;
    struct mr_results res;
    const char *junit;
    struct mr_error err;
};

static bool safe_method(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

static bool name_ok(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
            return false;
    return n > 0;
}

/* ---- the command line's files, targets and headers -------------------------- */

/* The scenario files as a run reads them; every problem printed. */
static int load(struct drift *d)
{
    return mr_run_load(&d->sc, d->files, d->nfiles, d->cli->strict_import);
}

/* The service named name[0..n), or -1. */
static long service_named(const struct mr_scenario *sc, const char *name, size_t n)
{
    size_t i;
    for (i = 0; i < sc->nservices; i++)
        if (strlen(sc->services[i].name) == n && strncmp(sc->services[i].name, name, n) == 0)
            return (long)i;
    return -1;
}

/* "api, billing" (the first few), for messages. */
static void service_list(const struct mr_scenario *sc, char *buf, size_t size)
{
    size_t i, len = 0;

    buf[0] = '\0';
    for (i = 0; i < sc->nservices && len + 1 < size; i++) {
        snprintf(buf + len, size - len, "%s%s", i ? ", " : "", sc->services[i].name);
        len += strlen(buf + len);
    }
}

/* Each --target: URL (a scenario of one service) or NAME=URL. */
static int resolve_targets(struct drift *d)
{
    const struct mr_cli *cli = d->cli;
    const struct mr_scenario *sc = d->sc;
    char names[300];
    size_t i;

    d->target_text = calloc(sc->nservices ? sc->nservices : 1, sizeof(*d->target_text));
    d->targets = calloc(sc->nservices ? sc->nservices : 1, sizeof(*d->targets));
    if (!d->target_text || !d->targets)
        return mr_error_set(&d->err, MR_ENOMEM, "out of memory");
    service_list(sc, names, sizeof(names));
    for (i = 0; i < cli->ntargets; i++) {
        const char *t = cli->targets[i], *eq = strchr(t, '='), *url = t;
        struct mr_error e;
        long s = 0;

        if (eq && name_ok(t, (size_t)(eq - t))) {
            url = eq + 1;
            if ((s = service_named(sc, t, (size_t)(eq - t))) < 0) {
                struct mr_text_suggestion typo;
                char word[128];
                snprintf(word, sizeof(word), "%.*s", (int)(eq - t), t);
                mr_text_suggest_init(&typo, word);
                for (size_t k = 0; k < sc->nservices; k++)
                    mr_text_suggest_add(&typo, sc->services[k].name);
                return mr_error_set(&d->err, MR_EUSAGE,
                                    "--target %s: no service \"%s\" in the scenario%s%s%s (it has "
                                    "%s)",
                                    t, word, typo.best ? "; did you mean \"" : "",
                                    typo.best ? typo.best : "", typo.best ? "\"?" : "", names);
            }
        } else if (sc->nservices != 1) {
            return mr_error_set(&d->err, MR_EUSAGE,
                                "--target %s: the scenario has %zu services (%s): say which one "
                                "each target is for, --target NAME=URL",
                                t, sc->nservices, names);
        }
        if (mr_url_parse_target(&d->targets[s], url, &e) != 0)
            return mr_error_set(&d->err, MR_EUSAGE, "--target %s: %s", t, e.msg);
        if (d->target_text[s])
            return mr_error_set(&d->err, MR_EUSAGE, "--target: two targets for service %s",
                                sc->services[s].name);
        d->target_text[s] = (char *)url; /* borrowed from argv */
    }
    return 0;
}

/* --header "Name: value" into name/value pairs (checked by the command line). */
static int split_headers(struct drift *d)
{
    size_t i;

    for (i = 0; i < d->cli->nheaders; i++) {
        const char *h = d->cli->headers[i], *colon = strchr(h, ':'), *v = colon + 1;
        char *copy;
        while (*v == ' ' || *v == '\t')
            v++;
        if (!(copy = strdup(h)))
            return mr_error_set(&d->err, MR_ENOMEM, "out of memory");
        d->extra_text[d->nextra] = copy;
        copy[colon - h] = '\0';
        d->extra[d->nextra].name = copy;
        d->extra[d->nextra].name_len = (size_t)(colon - h);
        d->extra[d->nextra].value = copy + (v - h);
        d->extra[d->nextra].value_len = strlen(v);
        d->nextra++;
    }
    return 0;
}

/* The journals' calls, read as `mockrun merge` reads them. */
static int read_journals(struct drift *d)
{
    struct mr_journal_limits lim;
    size_t k;
    int rc;

    if (!d->njournals)
        return 0;
    mr_journal_limits_init(&lim);
    lim.max_calls = (size_t)1 << 40;
    lim.max_bytes = (size_t)1 << 40;
    if ((rc = mr_journal_new(&d->recorded, d->sc->nservices, d->sc->nroutes, d->sc->nexpects, &lim,
                             &d->err)) != 0)
        return rc;
    for (k = 0; k < d->njournals; k++)
        if ((rc = mr_journal_file_read(d->recorded, d->sc, d->journals[k], &d->info[k], &d->err)))
            return rc;
    return 0;
}

/* ---- the request of each route ------------------------------------------------ */

/* Appends s[0..n) percent-encoded as a path: what may stand in a path segment
 * as it is (RFC 3986 pchar and '/') stays, every other byte is %XX. */
static void encode_path(struct mr_buf *b, const char *s, size_t n)
{
    static const char keep[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                               "-._~!$&'()*+,;=:@/";
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c && strchr(keep, c))
            mr_buf_putc(b, (char)c);
        else
            mr_buf_printf(b, "%%%02X", c);
    }
}

static bool add_header(struct replay *rp, const char *name, size_t nlen, const char *value,
                       size_t vlen)
{
    struct mr_kv *grown = realloc(rp->headers, (rp->nheaders + 1) * sizeof(*grown));
    char *n, *v;

    if (!grown)
        return false;
    rp->headers = grown;
    n = malloc(nlen + 1);
    v = malloc(vlen + 1);
    if (!n || !v) {
        free(n);
        free(v);
        return false;
    }
    memcpy(n, name, nlen);
    n[nlen] = '\0';
    memcpy(v, value, vlen);
    v[vlen] = '\0';
    rp->headers[rp->nheaders].name = n;
    rp->headers[rp->nheaders].name_len = nlen;
    rp->headers[rp->nheaders].value = v;
    rp->headers[rp->nheaders].value_len = vlen;
    rp->nheaders++;
    return true;
}

static bool named(const char *name, const char *want)
{
    return strcasecmp(name, want) == 0;
}

/* A recorded header that is not replayed: the connection's, the framing's
 * (the client recomputes them), and Accept-Encoding (answers come
 * unencoded, or are decoded: upstream/gzip.h). */
static bool dropped_header(const char *name, const char *connection)
{
    return mr_upstream_hop_by_hop(name, strlen(name), connection) || named(name, "Host") ||
           named(name, "Content-Length") || named(name, "Expect") ||
           named(name, "Accept-Encoding") || named(name, "X-Mockrun-Test");
}

static char *text_of(const char *s, size_t n)
{
    char *t = malloc(n + 1);
    if (t) {
        memcpy(t, s, n);
        t[n] = '\0';
    }
    return t;
}

static char *printf_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *printf_text(const char *fmt, ...)
{
    struct mr_buf b;
    va_list ap;
    char tmp[2048];

    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    mr_buf_init(&b);
    mr_buf_puts(&b, tmp);
    return mr_buf_detach(&b, NULL);
}

/* The first call of route `r` in the journals, or NULL; *file and *number say
 * where it is. */
static const struct mr_call *recorded_call(const struct drift *d, size_t r, const char **file,
                                           uint64_t *number)
{
    size_t i, k;

    if (!d->recorded)
        return NULL;
    for (i = 0; i < mr_journal_kept(d->recorded); i++) {
        const struct mr_call *c = mr_journal_at(d->recorded, i);
        if (c->route != (int32_t)r)
            continue;
        for (k = 0; k < d->njournals; k++)
            if (d->info[k].calls && c->seq >= d->info[k].first_seq &&
                c->seq <= d->info[k].last_seq) {
                *file = d->journals[k];
                *number = c->seq - d->info[k].first_seq + 1;
            }
        return c;
    }
    return NULL;
}

static int from_journal(struct replay *rp, const struct mr_call *c, const char *file,
                        uint64_t number)
{
    const char *it = NULL, *name, *value, *connection = NULL;
    struct mr_buf path;
    size_t i;

    if (c->body_truncated) {
        rp->skip = printf_text("call #%llu of %s kept only %u of its %llu body bytes (its run's "
                               "--body-limit): it cannot be replayed",
                               (unsigned long long)number, file, c->body_len,
                               (unsigned long long)c->body_size);
        return rp->skip ? 0 : MR_ENOMEM;
    }
    rp->from = FROM_JOURNAL;
    rp->source = printf_text("call #%llu of %s", (unsigned long long)number, file);
    rp->method = strdup(c->method);
    mr_buf_init(&path);
    encode_path(&path, c->path, strlen(c->path));
    rp->path = mr_buf_detach(&path, NULL);
    rp->query = strdup(c->query);
    rp->body = text_of(c->body ? c->body : "", c->body_len);
    rp->body_len = c->body_len;
    if (!rp->source || !rp->method || !rp->path || !rp->query || !rp->body)
        return MR_ENOMEM;
    for (i = 0; i < c->nheaders && (it = mr_call_next_header(c, it, &name, &value)); i++)
        if (named(name, "Connection"))
            connection = value;
    it = NULL;
    for (i = 0; i < c->nheaders && (it = mr_call_next_header(c, it, &name, &value)); i++)
        if (!dropped_header(name, connection) &&
            !add_header(rp, name, strlen(name), value, strlen(value)))
            return MR_ENOMEM;
    return 0;
}

static int from_hint(struct replay *rp, const struct mr_route *rt)
{
    const struct mr_drift *h = rt->drift;
    struct mr_buf path;
    size_t i;

    rp->from = FROM_HINT;
    rp->source = strdup("its \"drift\"");
    rp->method = strdup(rt->match.method ? rt->match.method : "GET");
    mr_buf_init(&path);
    if (h->path)
        mr_buf_puts(&path, h->path);
    else
        encode_path(&path, rt->match.path, strlen(rt->match.path));
    rp->path = mr_buf_detach(&path, NULL);
    rp->query = strdup(h->query ? h->query : "");
    rp->body = text_of(h->body ? h->body : "", h->body_len);
    rp->body_len = h->body_len;
    rp->line = h->line ? h->line : rt->line;
    if (!rp->source || !rp->method || !rp->path || !rp->query || !rp->body)
        return MR_ENOMEM;
    if (h->content_type &&
        !add_header(rp, "Content-Type", 12, h->content_type, strlen(h->content_type)))
        return MR_ENOMEM;
    for (i = 0; i < h->nheaders; i++)
        if (!add_header(rp, h->headers[i].name, strlen(h->headers[i].name), h->headers[i].value,
                        strlen(h->headers[i].value)))
            return MR_ENOMEM;
    return 0;
}

static int from_path(struct replay *rp, const struct mr_route *rt)
{
    struct mr_buf path;

    rp->from = FROM_PATH;
    rp->source = strdup("its path");
    rp->method = strdup(rt->match.method ? rt->match.method : "GET");
    mr_buf_init(&path);
    encode_path(&path, rt->match.path, strlen(rt->match.path));
    rp->path = mr_buf_detach(&path, NULL);
    rp->query = strdup("");
    rp->body = strdup("");
    return rp->source && rp->method && rp->path && rp->query && rp->body ? 0 : MR_ENOMEM;
}

/* Why a route without a usable request is skipped. */
static char *no_request(const struct mr_route *rt)
{
    const char *how =
        "give one in its \"drift\" (e.g. \"drift\": {\"path\": \"/...\"}), or, after the "
        "scenario, the --journal file of a run that called it";

    switch (rt->match.path_kind) {
    case MR_PATH_TEMPLATE:
        return printf_text("its path %s is a template (:name, *): %s", rt->match.path, how);
    case MR_PATH_REGEX:
        return printf_text("its pathPattern %s is no path to send: %s", rt->match.path, how);
    default:
        return printf_text("it has no path to send: %s", how);
    }
}

/* Whether the built request matches its route; when not, *why says how. */
static bool matches_route(const struct replay *rp, const struct mr_route *rt, char *why,
                          size_t size)
{
    struct mr_request req;
    struct mr_kv *params = NULL;
    struct mr_miss miss;
    char *decoded = malloc(strlen(rp->path) + 1), *scratch = malloc(strlen(rp->query) + 1);
    size_t np = mr_request_count_params(rp->query), n;
    bool ok;

    params = calloc(np + 1, sizeof(*params));
    if (!decoded || !scratch || !params) {
        free(decoded);
        free(scratch);
        free(params);
        snprintf(why, size, "out of memory");
        return false;
    }
    n = mr_percent_decode(decoded, rp->path, strlen(rp->path), 0);
    decoded[n] = '\0';
    memset(&req, 0, sizeof(req));
    req.method = rp->method;
    req.path = decoded;
    req.raw_path = rp->path;
    req.query = rp->query;
    req.params = params;
    req.nparams = mr_request_parse_query(rp->query, scratch, params, np);
    req.headers = rp->headers;
    req.nheaders = rp->nheaders;
    req.body = rp->body;
    req.body_len = rp->body_len;
    memset(&miss, 0, sizeof(miss));
    ok = mr_match(&rt->match, &req, &miss);
    if (!ok)
        mr_miss_explain(&rt->match, &miss, &req, "the route wants", why, size);
    mr_request_release(&req);
    free(decoded);
    free(scratch);
    free(params);
    return ok;
}

/* Whether every response of the route is a fault (nothing to compare). */
static bool only_faults(const struct mr_route *rt)
{
    size_t i;

    if (rt->nresponses == 0)
        return rt->response.fault != MR_FAULT_NONE && rt->response.fault != MR_FAULT_DRIBBLE;
    for (i = 0; i < rt->nresponses; i++)
        if (rt->responses[i].fault == MR_FAULT_NONE || rt->responses[i].fault == MR_FAULT_DRIBBLE)
            return false;
    return true;
}

/* The request of route r, or why it has none. Returns 0, MR_ENOMEM, or
 * MR_ESCENARIO for a hint that does not match its route (printed). */
static int build(struct drift *d, struct replay *rp, size_t r)
{
    const struct mr_route *rt = &d->sc->routes[r];
    const struct mr_call *c;
    const char *file = NULL;
    uint64_t number = 0;
    char why[600];
    int rc;

    rp->route = r;
    rp->line = rt->line;
    rp->mock_route = -2;
    if (rt->drift && rt->drift->skip) {
        rp->skip = strdup("\"drift\": false in the scenario");
        rp->line = rt->drift->line ? rt->drift->line : rt->line;
        return rp->skip ? 0 : MR_ENOMEM;
    }
    if (!d->target_text[rt->service]) {
        rp->skip =
            printf_text("no --target for service %s (give --target %s=URL)",
                        d->sc->services[rt->service].name, d->sc->services[rt->service].name);
        return rp->skip ? 0 : MR_ENOMEM;
    }
    if (only_faults(rt)) {
        rp->skip = strdup("it answers with a fault (no HTTP answer to compare)");
        return rp->skip ? 0 : MR_ENOMEM;
    }
    if ((c = recorded_call(d, r, &file, &number)) != NULL)
        rc = from_journal(rp, c, file, number);
    else if (rt->drift)
        rc = from_hint(rp, rt);
    else if (rt->match.path_kind == MR_PATH_LITERAL)
        rc = from_path(rp, rt);
    else
        rc = (rp->skip = no_request(rt)) ? 0 : MR_ENOMEM;
    if (rc != 0 || rp->skip)
        return rc;
    if (!matches_route(rp, rt, why, sizeof(why))) {
        if (rp->from == FROM_HINT) {
            char path[300];
            snprintf(path, sizeof(path), "%s.drift", rt->json_path);
            mr_error_set(&d->err, MR_ESCENARIO,
                         "%s %s%s%s does not match its route, so the mock would not answer it "
                         "with this route: %s",
                         rp->method, rp->path, *rp->query ? "?" : "", rp->query, why);
            mr_error_at(&d->err, rt->file, path, rp->line, rt->drift->column);
            mr_run_print_error(&d->err);
            return MR_ESCENARIO;
        }
        rp->skip = printf_text("the request from %s does not match it: %s; give one that does in "
                               "its \"drift\"",
                               rp->source, why);
        return rp->skip ? 0 : MR_ENOMEM;
    }
    if (!safe_method(rp->method) && !d->cli->allow_unsafe) {
        rp->skip = printf_text("%s may change the real API's data: replayed only with "
                               "--allow-unsafe",
                               rp->method);
        return rp->skip ? 0 : MR_ENOMEM;
    }
    return 0;
}

/* ---- sending ------------------------------------------------------------------ */

/* The body of an answer without its Content-Encoding (as it came when it has
 * none, or one mockrun cannot undo). */
static void decode(struct answer *a)
{
    const struct mr_kv *enc = mr_upstream_header(&a->resp, "Content-Encoding");
    struct mr_error e;

    mr_buf_init(&a->decoded);
    if (enc && mr_gzip_known(enc->value) &&
        mr_gzip_decode(&a->decoded, enc->value, a->resp.body, a->resp.body_len, BODY_DECODED_MAX,
                       &e) != 0)
        mr_log(MR_LOG_WARN, "an answer's %s body does not decode (%s): compared as it came",
               enc->value, e.msg);
}

static const char *body_of(const struct answer *a, size_t *len)
{
    if (a->decoded.len) {
        *len = a->decoded.len;
        return a->decoded.data;
    }
    *len = a->resp.body_len;
    return a->resp.body;
}

/* The test name a route's request to the mock carries (X-Mockrun-Test, which
 * the server takes off before matching and keeps in its journal): how the
 * mock's calls are told apart afterwards. */
#define TAG "mockrun drift "

static void tag_of(size_t route, char *buf, size_t size)
{
    snprintf(buf, size, TAG "%zu", route);
}

/* Sends rp's request to `url`, with `extra` headers in place of its own of the
 * same name (the API's credentials). */
static void send_one(const struct replay *rp, const struct mr_url *url, const struct mr_kv *extra,
                     size_t nextra, struct answer *a)
{
    struct mr_upstream_limits lim;
    struct mr_upstream_request req;
    struct mr_kv *h = calloc(rp->nheaders + nextra + 1, sizeof(*h));
    struct mr_buf target;
    struct mr_error e;
    size_t i, k, n = 0;

    mr_upstream_response_init(&a->resp);
    mr_buf_init(&a->decoded);
    mr_buf_init(&target);
    mr_buf_puts(&target, url->path);
    mr_buf_puts(&target, rp->path);
    if (*rp->query) {
        mr_buf_putc(&target, '?');
        mr_buf_puts(&target, rp->query);
    }
    if (!h || target.failed) {
        snprintf(a->error, sizeof(a->error), "out of memory");
        free(h);
        mr_buf_release(&target);
        return;
    }
    for (i = 0; i < rp->nheaders; i++) {
        bool replaced = false;
        for (k = 0; k < nextra; k++)
            replaced |= strcasecmp(extra[k].name, rp->headers[i].name) == 0;
        if (!replaced)
            h[n++] = rp->headers[i];
    }
    for (k = 0; k < nextra; k++)
        h[n++] = extra[k];
    mr_upstream_limits_init(&lim);
    memset(&req, 0, sizeof(req));
    req.method = rp->method;
    req.target = target.data;
    req.headers = h;
    req.nheaders = n;
    req.body = rp->body;
    req.body_len = rp->body_len;
    if (mr_upstream_call(url, &req, &lim, &a->resp, &e) == 0) {
        a->got = true;
        decode(a);
    } else {
        snprintf(a->error, sizeof(a->error), "%s", e.msg);
    }
    free(h);
    mr_buf_release(&target);
}

static int start_mocks(struct drift *d)
{
    struct mr_server_opts o;
    struct mr_dispatch *cb;
    int rc;

    mr_server_opts_init(&o);
    o.any_port = true;
    o.threads = 4;
    o.seed = d->sc->has_seed ? d->sc->seed : 1;
    if ((rc = mr_server_start(&d->srv, d->sc, &o, &d->err)) != 0)
        return rc;
    /* no webhook leaves: a callback due at any time is past the end */
    if ((cb = mr_server_dispatch(d->srv)) != NULL)
        mr_dispatch_finish(cb, 0);
    return 0;
}

static void put_request_line(struct mr_buf *b, const struct replay *rp);

/* Sends each route's request to the mock, then to the API; with -v, says what
 * each answered. */
static int send_all(struct drift *d)
{
    const struct mr_scenario *sc = d->sc;
    size_t r;

    for (r = 0; r < sc->nroutes; r++) {
        struct replay *rp = &d->replays[r];
        struct mr_url mock;
        struct mr_error e;
        char tag[64];
        struct mr_kv test = {MR_ATTRIB_HEADER, sizeof(MR_ATTRIB_HEADER) - 1, tag, 0};
        int64_t t0;

        if (rp->skip)
            continue;
        if (mr_url_parse_target(&mock, mr_server_url(d->srv, sc->routes[r].service), &e) != 0)
            return mr_error_set(&d->err, MR_EINTERNAL, "the mock's URL: %s", e.msg);
        t0 = mr_clock_mono_us();
        tag_of(r, tag, sizeof(tag));
        test.value_len = strlen(tag);
        send_one(rp, &mock, &test, 1, &rp->mock);
        send_one(rp, &d->targets[sc->routes[r].service], d->extra, d->nextra, &rp->real);
        rp->time_s = (double)(mr_clock_mono_us() - t0) / 1e6;
        if (mr_log_get_level() >= MR_LOG_INFO) {
            struct mr_buf line;
            mr_buf_init(&line);
            put_request_line(&line, rp); /* secret query values redacted */
            mr_log(MR_LOG_INFO, "%s: mock %d, API %d", mr_buf_cstr(&line),
                   rp->mock.got ? rp->mock.resp.status : 0,
                   rp->real.got ? rp->real.resp.status : 0);
            mr_buf_release(&line);
        }
    }
    return 0;
}

/* Which route of the mock answered each request, from its journal: each
 * call is known by the test name its request carried. */
static void who_answered(struct drift *d)
{
    const struct mr_journal *j;
    size_t i, r;

    mr_server_close(d->srv);
    j = mr_server_journal(d->srv);
    for (i = 0; i < mr_journal_kept(j); i++) {
        const struct mr_call *c = mr_journal_at(j, i);
        struct replay *rp;
        char *end;

        if (!c->test || strncmp(c->test, TAG, strlen(TAG)) != 0)
            continue;
        r = strtoul(c->test + strlen(TAG), &end, 10);
        if (*end || r >= d->sc->nroutes || (rp = &d->replays[r])->mock_route != -2)
            continue;
        rp->mock_route = c->route;
        if (c->route < 0 && c->near) {
            const char *nl = strchr(c->near, '\n');
            rp->mock_near = text_of(c->near, nl ? (size_t)(nl - c->near) : strlen(c->near));
        }
    }
}

/* ---- the report --------------------------------------------------------------- */

/* "GET /users/42?x=1" with secret query values redacted. */
static void put_request_line(struct mr_buf *b, const struct replay *rp)
{
    struct mr_buf q, names;

    mr_buf_put_printable(b, rp->method, strlen(rp->method));
    mr_buf_putc(b, ' ');
    mr_buf_put_printable(b, rp->path, strlen(rp->path));
    if (*rp->query) {
        mr_buf_init(&q);
        mr_buf_init(&names);
        mr_redact_query(&q, rp->query, strlen(rp->query), &names);
        mr_buf_putc(b, '?');
        mr_buf_put_printable(b, q.data ? q.data : "", q.len);
        mr_buf_release(&q);
        mr_buf_release(&names);
    }
}

static void put_header(struct mr_buf *b, const char *name, const char *value, const char *note)
{
    struct mr_buf v;

    mr_buf_init(&v);
    if (mr_redact_header(name, strlen(name)))
        mr_redact_header_value(&v, name, value);
    else
        mr_buf_puts(&v, value);
    mr_buf_puts(b, "  ");
    mr_buf_put_printable(b, name, strlen(name));
    mr_buf_puts(b, ": ");
    mr_buf_put_printable(b, v.data ? v.data : "", v.len);
    mr_buf_printf(b, "%s\n", note);
    mr_buf_release(&v);
}

/* The request as sent, for a failure's detail: its line, where it came
 * from, the headers (the --header ones marked: the API's alone), the body's
 * size (not the body: it may hold what reports must not). */
static void put_request(struct mr_buf *b, const struct drift *d, const struct replay *rp)
{
    size_t i;

    mr_buf_puts(b, "request: ");
    put_request_line(b, rp);
    mr_buf_printf(b, " (from %s)\n", rp->source);
    for (i = 0; i < rp->nheaders; i++)
        put_header(b, rp->headers[i].name, rp->headers[i].value, "");
    for (i = 0; i < d->nextra; i++)
        put_header(b, d->extra[i].name, d->extra[i].value, " (--header: to the API only)");
    if (rp->body_len)
        mr_buf_printf(b, "  and a body of %zu byte%s\n", rp->body_len,
                      rp->body_len == 1 ? "" : "s");
}

/* "mock: 200 application/json, 45 bytes" */
static void put_answer(struct mr_buf *b, const char *who, const struct answer *a)
{
    const struct mr_kv *type = mr_upstream_header(&a->resp, "Content-Type");
    size_t len;

    body_of(a, &len);
    mr_buf_printf(b, "%-5s %d", who, a->resp.status);
    if (type) {
        mr_buf_putc(b, ' ');
        mr_buf_put_printable(b, type->value, type->value_len);
    }
    mr_buf_printf(b, ", %zu byte%s\n", len, len == 1 ? "" : "s");
}

/* "get-user (GET /users/42)"; a route without a request, by its method and path as written. */
static char *case_name(const struct drift *d, const struct replay *rp)
{
    const struct mr_route *rt = &d->sc->routes[rp->route];
    struct mr_buf b;

    mr_buf_init(&b);
    mr_buf_puts(&b, rt->id);
    mr_buf_puts(&b, " (");
    if (rp->method) {
        put_request_line(&b, rp);
    } else {
        mr_buf_puts(&b, rt->match.method ? rt->match.method : "any method");
        mr_buf_putc(&b, ' ');
        mr_buf_puts(&b, rt->match.path ? rt->match.path : "any path");
    }
    mr_buf_putc(&b, ')');
    return mr_buf_detach(&b, NULL);
}

/* One route's case. */
static int add_case(struct drift *d, const struct replay *rp)
{
    const struct mr_route *rt = &d->sc->routes[rp->route];
    enum mr_case_status status = MR_CASE_PASS;
    struct mr_driftdiff diff;
    struct mr_buf msg, detail;
    char *name = case_name(d, rp), summary[200];
    bool compared = false;
    int rc;

    mr_buf_init(&msg);
    mr_buf_init(&detail);
    memset(&diff, 0, sizeof(diff));
    mr_buf_init(&diff.text);
    if (rp->skip) {
        status = MR_CASE_SKIP;
        mr_buf_puts(&msg, rp->skip);
    } else if (!rp->mock.got || !rp->real.got) {
        status = MR_CASE_ERROR;
        if (!rp->real.got)
            mr_buf_printf(&msg, "the API gave no answer: %s", rp->real.error);
        else
            mr_buf_printf(&msg, "the mock gave no answer: %s", rp->mock.error);
        put_request(&detail, d, rp);
    } else {
        struct mr_driftdiff_answer m, a;
        const struct mr_kv *mt = mr_upstream_header(&rp->mock.resp, "Content-Type");
        const struct mr_kv *at = mr_upstream_header(&rp->real.resp, "Content-Type");

        m.status = rp->mock.resp.status;
        m.content_type = mt ? mt->value : NULL;
        m.body = body_of(&rp->mock, &m.body_len);
        a.status = rp->real.resp.status;
        a.content_type = at ? at->value : NULL;
        a.body = body_of(&rp->real, &a.body_len);
        if ((rc = mr_driftdiff_compare(&diff, &m, &a, d->cli->values,
                                       strcmp(rp->method, "HEAD") == 0)) != 0)
            goto done;
        compared = true;
        if (mr_driftdiff_found(&diff)) {
            status = MR_CASE_FAIL;
            mr_driftdiff_summary(&diff, summary, sizeof(summary));
            mr_buf_printf(&msg, "the API's answer differs from the mock's: %s", summary);
            put_request(&detail, d, rp);
            put_answer(&detail, "mock:", &rp->mock);
            put_answer(&detail, "API:", &rp->real);
            mr_buf_append(&detail, diff.text.data, diff.text.len);
        }
    }
    if (compared && rp->mock_route != (long)rp->route) {
        /* another route, or none, answered: say so, passing or not */
        if (rp->mock_route >= 0)
            mr_buf_printf(&detail, "note: the mock answered with route \"%s\" (it comes first)\n",
                          d->sc->routes[rp->mock_route].id);
        else if (rp->mock_route == -1)
            mr_buf_printf(&detail, "note: no route of the mock matched%s%s\n",
                          rp->mock_near ? ": " : "", rp->mock_near ? rp->mock_near : "");
    }
    rc = mr_results_add_case(&d->res, status, name ? name : rt->id, msg.len ? msg.data : NULL,
                             detail.len ? detail.data : NULL);
    if (rc == 0) {
        struct mr_case *c = &d->res.cases[d->res.ncases - 1];
        c->time_s = rp->time_s;
        c->line = rp->line;
        if (rt->file && !(c->file = strdup(rt->file)))
            rc = MR_ENOMEM;
    }
    if (rc == 0 && (!name || msg.failed || detail.failed))
        rc = MR_ENOMEM;
done:
    mr_driftdiff_release(&diff);
    mr_buf_release(&msg);
    mr_buf_release(&detail);
    free(name);
    return rc;
}

static int build_results(struct drift *d, int64_t start)
{
    const struct mr_scenario *sc = d->sc;
    size_t k, r, nsuites = 0;
    char name[300];
    int rc = 0;

    mr_results_init(&d->res);
    d->res.start_wall_us = mr_clock_wall_us() - (mr_clock_mono_us() - start);
    mr_results_add_property(&d->res, "mockrun.version", MOCKRUN_VERSION);
    for (k = 0; k < sc->nfiles; k++)
        mr_results_add_property(&d->res,
                                sc->files[k].parent < 0 ? "mockrun.scenario" : "mockrun.import",
                                sc->files[k].path);
    for (k = 0; k < d->njournals; k++)
        mr_results_add_property(&d->res, "mockrun.journal", d->journals[k]);
    for (k = 0; k < sc->nservices; k++) {
        if (!d->target_text[k])
            continue;
        snprintf(name, sizeof(name), "mockrun.target.%s", sc->services[k].name);
        mr_results_add_property(&d->res, name, d->target_text[k]);
    }
    for (k = 0; k < sc->nfiles; k++)
        nsuites += sc->files[k].parent < 0;
    for (k = 0; rc == 0 && k < sc->nfiles; k++) {
        if (sc->files[k].parent >= 0)
            continue;
        if (nsuites == 1)
            snprintf(name, sizeof(name), "drift");
        else
            snprintf(name, sizeof(name), "drift: %s", sc->files[k].name);
        rc = mr_results_add_suite(&d->res, name, sc->files[k].path);
        for (r = 0; rc == 0 && r < sc->nroutes; r++)
            if (mr_scenario_owner(sc, sc->routes[r].service) == k)
                rc = add_case(d, &d->replays[r]);
    }
    d->res.time_s = (double)(mr_clock_mono_us() - start) / 1e6;
    return rc;
}

/* ---- the whole command -------------------------------------------------------- */

/* The files: scenarios and journals, told apart by their text. */
static int sort_files(struct drift *d)
{
    size_t i;

    for (i = 0; i < d->cli->nscenarios; i++) {
        int journal = mr_journal_file_is(d->cli->scenarios[i]);
        if (journal < 0)
            return MR_EUSAGE;
        if (journal)
            d->journals[d->njournals++] = d->cli->scenarios[i];
        else
            d->files[d->nfiles++] = d->cli->scenarios[i];
    }
    if (!d->nfiles) {
        fprintf(stderr, "mockrun: drift needs a scenario file (the files given are journals)\n");
        return MR_EUSAGE;
    }
    return 0;
}

/* Everything before the first request: the files, the targets, each route's
 * request. Problems are printed. */
static int prepare(struct drift *d)
{
    size_t r;
    int rc, bad = 0;

    if ((rc = sort_files(d)) != 0 || (rc = load(d)) != 0)
        return rc;
    if ((rc = resolve_targets(d)) != 0 || (rc = split_headers(d)) != 0 ||
        (rc = read_journals(d)) != 0) {
        mr_run_print_error(&d->err);
        return rc;
    }
    if (!(d->replays = calloc(d->sc->nroutes ? d->sc->nroutes : 1, sizeof(*d->replays)))) {
        fprintf(stderr, "mockrun: out of memory\n");
        return MR_ENOMEM;
    }
    for (r = 0; r < d->sc->nroutes; r++) {
        rc = build(d, &d->replays[r], r);
        if (rc == MR_ESCENARIO)
            bad = rc; /* printed; every hint is checked */
        else if (rc != 0) {
            fprintf(stderr, "mockrun: out of memory\n");
            return rc;
        }
    }
    if (bad)
        return bad;
    if (!d->cli->no_junit && mr_atomic_check_writable(d->junit, &d->err) != 0) {
        mr_run_print_error(&d->err);
        return d->err.code;
    }
    return 0;
}

static void release_answer(struct answer *a)
{
    mr_upstream_response_release(&a->resp);
    mr_buf_release(&a->decoded);
}

static void release(struct drift *d)
{
    size_t r, i;

    for (r = 0; d->replays && r < d->sc->nroutes; r++) {
        struct replay *rp = &d->replays[r];
        free(rp->skip);
        free(rp->source);
        free(rp->method);
        free(rp->path);
        free(rp->query);
        free(rp->body);
        for (i = 0; i < rp->nheaders; i++) {
            free((char *)rp->headers[i].name);
            free((char *)rp->headers[i].value);
        }
        free(rp->headers);
        free(rp->mock_near);
        release_answer(&rp->mock);
        release_answer(&rp->real);
    }
    free(d->replays);
    for (i = 0; i < d->nextra; i++)
        free(d->extra_text[i]);
    free(d->target_text);
    free(d->targets);
    mr_results_release(&d->res);
    mr_server_stop(d->srv);
    mr_journal_free(d->recorded);
    mr_scenario_free(d->sc);
}

int mr_drift_run(const struct mr_cli *cli)
{
    int64_t start = mr_clock_mono_us();
    struct drift d;
    size_t r, sent = 0;
    int rc, code;

    memset(&d, 0, sizeof(d));
    d.cli = cli;
    d.junit = cli->junit_given ? cli->junit : MR_DRIFT_JUNIT_DEFAULT;
    mr_log_set_level(cli->verbose >= 2   ? MR_LOG_DEBUG
                     : cli->verbose == 1 ? MR_LOG_INFO
                                         : MR_LOG_WARN);
    if ((rc = prepare(&d)) != 0) {
        code = mr_run_exit_code(rc);
        goto out;
    }
    for (r = 0; r < d.sc->nroutes; r++)
        sent += !d.replays[r].skip;
    if (sent && ((rc = start_mocks(&d)) != 0 || (rc = send_all(&d)) != 0)) {
        mr_run_print_error(&d.err);
        code = mr_run_exit_code(rc);
        goto out;
    }
    if (sent)
        who_answered(&d);
    if ((rc = build_results(&d, start)) != 0) {
        fprintf(stderr, "mockrun: out of memory\n");
        code = MR_EXIT_SETUP;
        goto out;
    }
    if (!cli->no_junit && mr_junit_write(&d.res, d.junit, &d.err) != 0) {
        mr_run_print_error(&d.err);
        rc = d.err.code;
    }
    fflush(stderr);
    mr_console_print(stdout, &d.res, mr_console_use_color(STDOUT_FILENO));
    if (!sent)
        printf("mockrun: no route could be replayed: nothing was compared (see why above)\n");
    fflush(stdout);
    code = rc ? mr_run_exit_code(rc)
           : mr_results_count(&d.res, MR_CASE_FAIL) + mr_results_count(&d.res, MR_CASE_ERROR)
               ? MR_EXIT_FAIL
               : MR_EXIT_PASS;
out:
    release(&d);
    return code;
}
