/*
 * callback.c - rendering callbacks on the request path, and the dispatcher
 * that sends them off it (callback.h).
 *
 * Jobs wait in a binary heap ordered by due time (then by delivery number,
 * so two jobs due together keep their trigger order). The threads sleep on
 * one condition variable on the monotonic clock, until the earliest job is
 * due or the heap changes: no polling. A job is sent by one thread, outside
 * the lock; its retry goes back into the heap.
 *
 * Stopping promptly: every exchange polls a pipe (`cancel`) besides its
 * socket, so mr_dispatch_abort ends attempts under way by writing a byte
 * to it. A second pipe (`idle`) tells the runner, which waits for the end
 * of the run together with signals, that the dispatcher may be idle.
 */
#define _GNU_SOURCE /* pipe2 */
#include "server/callback.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/hookurl.h"
#include "common/log.h"
#include "upstream/http.h"

/* One delivery of a callback, rendered, with the attempt it is at. */
struct job {
    size_t callback;
    uint64_t delivery, trigger;
    unsigned attempt; /* the next attempt's number, 1-based */
    int64_t due_us;   /* monotonic */
    int64_t due_wall_us;
    char *url;  /* as recorded */
    char *host; /* to connect to: a literal or a name */
    int port;
    char *host_header;         /* "127.0.0.1:4000" */
    size_t target, target_len; /* path and query, in url */
    struct mr_buf packed;      /* the headers, as sent and journaled: "name\0value\0" */
    uint32_t nheaders;
    struct mr_buf body;
};

struct mr_dispatch {
    struct mr_dispatch_opts o;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct job **heap;
    size_t njobs, cap;
    size_t busy; /* jobs being sent */
    bool finishing, aborting, stopping;
    int64_t cutoff_us;
    int idle[2];   /* readable after finish, when the dispatcher may be idle */
    int cancel[2]; /* readable: attempts under way give up */
    pthread_t threads[MR_DISPATCH_THREADS];
    size_t nthreads;
    _Atomic uint64_t next_delivery;
};

/* ---- jobs ---------------------------------------------------------------- */

static void job_free(struct job *j)
{
    if (!j)
        return;
    free(j->url);
    free(j->host);
    free(j->host_header);
    mr_buf_release(&j->packed);
    mr_buf_release(&j->body);
    free(j);
}

/* Records an attempt of `j` that was not made (refused, or not sent). */
static void record_unsent(struct mr_dispatch *d, const struct job *j,
                          enum mr_attempt_outcome outcome, int64_t wall_us, const char *why)
{
    const struct mr_callback *cb = &d->o.sc->callbacks[j->callback];
    struct mr_attempt a;

    memset(&a, 0, sizeof(a));
    a.delivery = j->delivery;
    a.callback = (uint32_t)j->callback;
    a.attempt = j->attempt;
    a.trigger = j->trigger;
    a.final = true;
    a.outcome = outcome;
    a.wall_us = wall_us;
    a.method = cb->method;
    a.url = j->url ? j->url : cb->url;
    a.headers = j->packed.data;
    a.nheaders = j->nheaders;
    a.body = j->body.data ? j->body.data : "";
    a.body_size = j->body.len;
    a.body_len = (uint32_t)(j->body.len < d->o.body_max ? j->body.len : d->o.body_max);
    a.body_truncated = a.body_len < a.body_size;
    a.error = why;
    mr_journal_add_attempt(d->o.journal, &a);
}

/* ---- the heap ------------------------------------------------------------ */

static bool before(const struct job *a, const struct job *b)
{
    return a->due_us != b->due_us ? a->due_us < b->due_us : a->delivery < b->delivery;
}

static bool heap_push(struct mr_dispatch *d, struct job *j)
{
    size_t i;

    if (d->njobs == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        struct job **grown = realloc(d->heap, cap * sizeof(*grown));
        if (!grown)
            return false;
        d->heap = grown;
        d->cap = cap;
    }
    i = d->njobs++;
    while (i > 0 && before(j, d->heap[(i - 1) / 2])) {
        d->heap[i] = d->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    d->heap[i] = j;
    return true;
}

static struct job *heap_pop(struct mr_dispatch *d)
{
    struct job *top = d->heap[0], *last = d->heap[--d->njobs];
    size_t i = 0;

    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= d->njobs)
            break;
        if (c + 1 < d->njobs && before(d->heap[c + 1], d->heap[c]))
            c++;
        if (!before(d->heap[c], last))
            break;
        d->heap[i] = d->heap[c];
        i = c;
    }
    if (d->njobs)
        d->heap[i] = last;
    return top;
}

/* Under the lock: tells a waiting runner the dispatcher may be idle. */
static void note_idle(struct mr_dispatch *d)
{
    if (d->finishing && d->njobs == 0 && d->busy == 0)
        (void)!write(d->idle[1], "i", 1); /* non-blocking: a full pipe already says it */
}

/* "not sent: due 1.2 s after the command ended" */
static void late_reason(char *buf, size_t size, const struct job *j, int64_t cutoff_us)
{
    snprintf(buf, size, "not sent: %s due %.3g s after the command ended",
             j->attempt > 1 ? "this retry was" : "it was", (double)(j->due_us - cutoff_us) / 1e6);
}

/*
 * Queues j (the lock is not held), or records it as not sent when it is due
 * after the command ended or the run is being aborted. Takes j.
 */
static void enqueue(struct mr_dispatch *d, struct job *j)
{
    char why[160];
    const char *unsent = NULL;

    pthread_mutex_lock(&d->lock);
    if (d->aborting || d->stopping) {
        unsent = "not sent: mockrun was interrupted";
    } else if (d->finishing && j->due_us > d->cutoff_us) {
        late_reason(why, sizeof(why), j, d->cutoff_us);
        unsent = why;
    } else if (!heap_push(d, j)) {
        unsent = "not sent: out of memory";
    } else {
        pthread_cond_signal(&d->wake);
        j = NULL;
    }
    pthread_mutex_unlock(&d->lock);
    if (j) {
        record_unsent(d, j, MR_ATTEMPT_NOT_SENT, j->due_wall_us, unsent);
        job_free(j);
    }
}

/* ---- sending ------------------------------------------------------------- */

static bool success(int status)
{
    return status >= 200 && status <= 299;
}

/* The wait before retry number `n` (1-based): backoff, doubling, at most 10 minutes. */
static int64_t backoff_ms(const struct mr_callback *cb, unsigned n)
{
    int64_t ms = cb->backoff_ms;
    while (--n > 0 && ms < 600000)
        ms *= 2;
    return ms < 600000 ? ms : 600000;
}

/* The request of j's attempt: its headers unpacked into *headers and its
 * target copied into *target (the caller frees both). */
static int request_of(const struct job *j, const struct mr_callback *cb,
                      struct mr_upstream_request *req, struct mr_kv **headers, char **target,
                      struct mr_error *err)
{
    const char *p = j->packed.data;
    uint32_t i;

    *headers = calloc(j->nheaders + 1, sizeof(**headers));
    *target = strndup(j->url + j->target, j->target_len);
    if (!*headers || !*target)
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    for (i = 0; i < j->nheaders; i++) {
        (*headers)[i].name = p;
        (*headers)[i].name_len = strlen(p);
        p += (*headers)[i].name_len + 1;
        (*headers)[i].value = p;
        (*headers)[i].value_len = strlen(p);
        p += (*headers)[i].value_len + 1;
    }
    memset(req, 0, sizeof(*req));
    req->method = cb->method;
    req->target = *target;
    req->headers = *headers;
    req->nheaders = j->nheaders;
    req->body = j->body.data;
    req->body_len = j->body.len;
    return 0;
}

/* One attempt of j: the whole exchange within the callback's timeout, given
 * up when the dispatcher is aborted; an answer as soon as its head came. */
static int attempt(struct mr_dispatch *d, const struct job *j, const struct mr_callback *cb,
                   struct mr_upstream_response *ans, struct mr_error *err)
{
    struct mr_upstream_request req;
    struct mr_upstream_limits lim;
    struct mr_upstream_addrs addrs;
    struct mr_kv *headers = NULL;
    char *target = NULL;
    int rc;

    if ((rc = mr_upstream_resolve(&addrs, j->host, j->port, err)) == 0 &&
        (rc = request_of(j, cb, &req, &headers, &target, err)) == 0) {
        mr_upstream_limits_init(&lim);
        lim.mode = MR_UPSTREAM_HEAD;
        lim.connect_ms = 0;
        lim.io_ms = 0;
        lim.timeout_ms = cb->timeout_ms;
        lim.cancel_fd = d->cancel[0];
        lim.keep = d->o.body_max;
        rc = mr_upstream_call_at(&addrs, j->host_header, &req, &lim, ans, err);
    }
    free(headers);
    free(target);
    return rc;
}

static void send_one(struct mr_dispatch *d, struct job *j)
{
    const struct mr_callback *cb = &d->o.sc->callbacks[j->callback];
    struct mr_upstream_response ans;
    const struct mr_kv *type;
    char answer_type[128] = "";
    struct mr_attempt a;
    struct mr_error err;
    bool retry;
    int rc;

    memset(&a, 0, sizeof(a));
    memset(&err, 0, sizeof(err));
    mr_upstream_response_init(&ans);
    a.wall_us = mr_clock_wall_us();
    rc = attempt(d, j, cb, &ans, &err);
    if (rc == 0 && (type = mr_upstream_header(&ans, "Content-Type")) != NULL)
        mr_printable(answer_type, sizeof(answer_type), type->value, type->value_len);
    a.delivery = j->delivery;
    a.callback = (uint32_t)j->callback;
    a.attempt = j->attempt;
    a.trigger = j->trigger;
    a.duration_us = (uint32_t)(ans.duration_us > 0 ? ans.duration_us : 0);
    a.method = cb->method;
    a.url = j->url;
    a.headers = j->packed.data;
    a.nheaders = j->nheaders;
    a.body = j->body.data ? j->body.data : "";
    a.body_size = j->body.len;
    a.body_len = (uint32_t)(j->body.len < d->o.body_max ? j->body.len : d->o.body_max);
    a.body_truncated = a.body_len < a.body_size;
    if (rc == 0) {
        a.outcome = MR_ATTEMPT_ANSWERED;
        a.status = ans.status;
        a.answer = ans.body;
        a.answer_len = (uint32_t)ans.body_len;
        a.answer_size = ans.body_size;
        a.answer_truncated = ans.body_truncated;
        a.answer_type = answer_type;
    } else {
        a.outcome = MR_ATTEMPT_FAILED;
        a.error = err.msg;
    }
    pthread_mutex_lock(&d->lock);
    retry = !d->aborting && !d->stopping && j->attempt <= (unsigned)cb->retries &&
            !(rc == 0 && success(ans.status));
    pthread_mutex_unlock(&d->lock);
    a.final = !retry;
    mr_journal_add_attempt(d->o.journal, &a);
    if (rc == 0)
        mr_log(MR_LOG_INFO, "callback %s: %s %s -> %d (attempt %u)", cb->id, cb->method, j->url,
               ans.status, j->attempt);
    else
        mr_log(MR_LOG_INFO, "callback %s: %s %s: %s (attempt %u)", cb->id, cb->method, j->url,
               err.msg, j->attempt);
    mr_upstream_response_release(&ans);
    if (!retry) {
        job_free(j);
        return;
    }
    {
        int64_t wait = backoff_ms(cb, j->attempt);
        j->attempt++;
        j->due_us = mr_clock_mono_us() + wait * 1000;
        j->due_wall_us = mr_clock_wall_us() + wait * 1000;
        enqueue(d, j);
    }
}

static void *run(void *arg)
{
    struct mr_dispatch *d = arg;

    pthread_mutex_lock(&d->lock);
    while (!d->stopping) {
        struct job *j;
        int64_t now;

        if (d->njobs == 0) {
            pthread_cond_wait(&d->wake, &d->lock);
            continue;
        }
        if (d->finishing && d->heap[0]->due_us > d->cutoff_us) {
            /* due after the command ended: never sent */
            char why[160];
            j = heap_pop(d);
            d->busy++;
            pthread_mutex_unlock(&d->lock);
            late_reason(why, sizeof(why), j, d->cutoff_us);
            record_unsent(d, j, MR_ATTEMPT_NOT_SENT, j->due_wall_us, why);
            job_free(j);
            pthread_mutex_lock(&d->lock);
            d->busy--;
            note_idle(d);
            continue;
        }
        now = mr_clock_mono_us();
        if (d->heap[0]->due_us > now) {
            struct timespec ts;
            int64_t due = d->heap[0]->due_us;
            ts.tv_sec = (time_t)(due / 1000000);
            ts.tv_nsec = (long)(due % 1000000) * 1000L;
            pthread_cond_timedwait(&d->wake, &d->lock, &ts);
            continue;
        }
        j = heap_pop(d);
        d->busy++;
        pthread_mutex_unlock(&d->lock);
        send_one(d, j);
        pthread_mutex_lock(&d->lock);
        d->busy--;
        note_idle(d);
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

/* ---- rendering ----------------------------------------------------------- */

/* Renders a template into out, or copies `text`. */
static void render_or_copy(struct mr_buf *out, const struct mr_template *t, const char *text,
                           const struct mr_tpl_ctx *ctx)
{
    if (t)
        mr_template_render(t, ctx, out);
    else if (text)
        mr_buf_puts(out, text);
}

static void add_header(struct job *j, const char *name, const char *value, size_t vlen)
{
    mr_buf_append(&j->packed, name, strlen(name) + 1);
    mr_buf_append(&j->packed, value, vlen);
    mr_buf_putc(&j->packed, '\0');
    j->nheaders++;
}

/* Reads a file into the job's body. Returns NULL, or why not. */
static const char *read_body_file(struct job *j, int fd, char *why, size_t size)
{
    char chunk[65536];
    off_t off = 0;

    for (;;) {
        ssize_t n = pread(fd, chunk, sizeof(chunk), off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(why, size, "not sent: cannot read the body file: %s", strerror(errno));
            return why;
        }
        if (n == 0)
            return NULL;
        if (j->body.len + (size_t)n > MR_DISPATCH_BODY_MAX) {
            snprintf(why, size, "not sent: the body file is larger than %zu MiB",
                     MR_DISPATCH_BODY_MAX >> 20);
            return why;
        }
        mr_buf_append(&j->body, chunk, (size_t)n);
        off += n;
    }
}

/* The body, as the response's would be: literal, rendered, or read from its file. */
static const char *render_body(struct mr_dispatch *d, const struct mr_callback *cb, struct job *j,
                               const struct mr_tpl_ctx *ctx, const char **type, char *why,
                               size_t size)
{
    const struct mr_response *r = &cb->request;
    size_t i;

    *type = r->content_type;
    if (r->body_tpl) {
        mr_template_render(r->body_tpl, ctx, &j->body);
    } else if (r->njson_parts) {
        struct mr_buf tmp;
        mr_buf_init(&tmp);
        for (i = 0; i < r->njson_parts; i++) {
            const struct mr_json_part *p = &r->json_parts[i];
            if (p->text) {
                mr_buf_append(&j->body, p->text, p->len);
            } else if (p->tpl) {
                mr_buf_reset(&tmp);
                mr_template_render(p->tpl, ctx, &tmp);
                mr_buf_put_json_string(&j->body, tmp.data ? tmp.data : "", tmp.len);
            }
        }
        mr_buf_release(&tmp);
    } else if (r->kind == MR_RESP_BODY || r->kind == MR_RESP_JSON) {
        mr_buf_append(&j->body, r->body, r->body_len);
    } else if (r->kind == MR_RESP_FILE && r->file_tpl) {
        struct mr_buf path;
        enum mr_file_open got;
        const char *what;
        char shown[300];
        int fd = -1;
        mr_buf_init(&path);
        mr_template_render(r->file_tpl, ctx, &path);
        got = mr_scenario_open_file(&d->o.sc->files[cb->source], path.data ? path.data : "",
                                    path.len, &fd, &what);
        mr_printable(shown, sizeof(shown), path.data ? path.data : "", path.len);
        if (got == MR_FILE_OPENED) {
            *type = mr_scenario_file_type(mr_buf_cstr(&path));
            mr_buf_release(&path);
            what = read_body_file(j, fd, why, size);
            close(fd);
            return what;
        }
        mr_buf_release(&path);
        if (got == MR_FILE_REFUSED)
            snprintf(why, size, "refused: file path \"%s\" rendered from the request %s", shown,
                     what);
        else
            snprintf(why, size, "not sent: body file \"%s\" %s", shown,
                     got == MR_FILE_MISSING ? what : strerror(errno));
        return why;
    } else if (r->kind == MR_RESP_FILE) {
        return read_body_file(j, r->file_fd, why, size);
    }
    return NULL;
}

/* Where the job goes: a path on a service, or an allowed http URL. NULL, or why not. */
static const char *target_of(struct mr_dispatch *d, const struct mr_callback *cb, struct job *j,
                             const char *rendered, size_t len, char *why, size_t size)
{
    struct mr_error err;
    struct mr_buf url;
    struct mr_hookurl u;

    memset(&err, 0, sizeof(err));
    mr_buf_init(&url);
    if (cb->service >= 0) {
        const char *h = d->o.service_host;
        int port = d->o.service_ports[cb->service];
        /* a service listening on every address is reached on loopback */
        if (strcmp(h, "0.0.0.0") == 0)
            h = "127.0.0.1";
        else if (strcmp(h, "::") == 0)
            h = "::1";
        if (mr_hookurl_check_path(rendered, len, &err) != 0) {
            snprintf(why, size, "refused: %s", err.msg);
            mr_buf_release(&url);
            return why;
        }
        mr_buf_puts(&url, d->o.service_urls[cb->service]);
        j->target = url.len;
        j->target_len = len;
        mr_buf_append(&url, rendered, len);
        j->host = strdup(h);
        j->port = port;
        j->host_header = malloc(strlen(h) + 16);
        if (j->host_header)
            snprintf(j->host_header, strlen(h) + 16, strchr(h, ':') ? "[%s]:%d" : "%s:%d", h, port);
    } else {
        const struct mr_scenario_file *f = mr_scenario_callback_owner(d->o.sc, cb);
        mr_buf_append(&url, rendered, len);
        if (mr_hookurl_parse(&u, rendered, len, &err) != 0 ||
            mr_hookurl_check_host(&u, (const char *const *)f->allow_hosts, f->nallow_hosts, &err) !=
                0) {
            snprintf(why, size, "refused: %s", err.msg);
            j->url = mr_buf_detach(&url, NULL);
            return why;
        }
        j->target = u.target;
        j->target_len = u.target_len;
        j->host = strdup(u.host);
        j->port = u.port;
        j->host_header = malloc(strlen(u.host) + 16);
        if (j->host_header) {
            bool v6 = u.kind == MR_HOOKURL_IPV6;
            if (u.port == 80)
                snprintf(j->host_header, strlen(u.host) + 16, v6 ? "[%s]" : "%s", u.host);
            else
                snprintf(j->host_header, strlen(u.host) + 16, v6 ? "[%s]:%d" : "%s:%d", u.host,
                         u.port);
        }
    }
    j->url = mr_buf_detach(&url, NULL);
    if (!j->url || !j->host || !j->host_header) {
        snprintf(why, size, "not sent: out of memory");
        return why;
    }
    return NULL;
}

void mr_dispatch_trigger(struct mr_dispatch *d, const struct mr_callback_use *use, uint64_t trigger,
                         const struct mr_tpl_ctx *in)
{
    const struct mr_callback *cb = &d->o.sc->callbacks[use->callback];
    const struct mr_response *r = &cb->request;
    struct job *j = calloc(1, sizeof(*j));
    struct mr_tpl_ctx ctx = *in;
    struct mr_buf url, value;
    const char *why = NULL, *type = NULL;
    char reason[600];
    bool has_agent = false;
    size_t i;

    if (!j) {
        mr_log(MR_LOG_WARN, "callback %s: not sent: out of memory", cb->id);
        return;
    }
    ctx.status = NULL; /* a callback's {{status}} does not change the response */
    j->callback = use->callback;
    j->delivery = atomic_fetch_add(&d->next_delivery, 1) + 1;
    j->trigger = trigger;
    j->attempt = 1;
    j->due_us = mr_clock_mono_us() + use->delay_ms * 1000;
    j->due_wall_us = mr_clock_wall_us() + use->delay_ms * 1000;
    mr_buf_init(&j->packed);
    mr_buf_init(&j->body);
    mr_buf_init(&url);
    mr_buf_init(&value);

    /* the body first: a file's type comes from its rendered name */
    why = render_body(d, cb, j, &ctx, &type, reason, sizeof(reason));
    for (i = 0; i < r->nheaders; i++) {
        size_t k;
        mr_buf_reset(&value);
        render_or_copy(&value, r->header_tpls ? r->header_tpls[i] : NULL, r->headers[i].value,
                       &ctx);
        for (k = 0; k < value.len; k++) /* rendered from request data: one line */
            if (value.data[k] == '\r' || value.data[k] == '\n' || value.data[k] == '\0')
                value.data[k] = ' ';
        if (strcasecmp(r->headers[i].name, "Host") == 0 ||
            strcasecmp(r->headers[i].name, "Connection") == 0)
            continue; /* the client sends its own */
        has_agent |= strcasecmp(r->headers[i].name, "User-Agent") == 0;
        add_header(j, r->headers[i].name, mr_buf_cstr(&value), value.len);
    }
    if (type && !r->has_content_type && j->body.len)
        add_header(j, "Content-Type", type, strlen(type));
    if (!has_agent)
        add_header(j, "User-Agent", "mockrun/" MOCKRUN_VERSION, strlen("mockrun/" MOCKRUN_VERSION));
    render_or_copy(&url, cb->url_tpl, cb->url, &ctx);
    if (!why)
        why = target_of(d, cb, j, url.data ? url.data : "", url.len, reason, sizeof(reason));
    else if (!j->url)
        j->url = mr_buf_detach(&url, NULL);
    if (!j->url && url.data) /* refused before the URL was kept: record it as rendered */
        j->url = mr_buf_detach(&url, NULL);
    mr_buf_release(&url);
    mr_buf_release(&value);
    if (j->packed.failed || j->body.failed)
        why = "not sent: out of memory";
    if (why) {
        mr_log(MR_LOG_INFO, "callback %s: %s", cb->id, why);
        record_unsent(d, j,
                      strncmp(why, "refused", 7) == 0 ? MR_ATTEMPT_REFUSED : MR_ATTEMPT_NOT_SENT,
                      mr_clock_wall_us(), why);
        job_free(j);
        return;
    }
    enqueue(d, j);
}

/* ---- lifecycle ----------------------------------------------------------- */

int mr_dispatch_start(struct mr_dispatch **out, const struct mr_dispatch_opts *opts,
                      struct mr_error *err)
{
    struct mr_dispatch *d = calloc(1, sizeof(*d));
    pthread_condattr_t ca;
    size_t i;
    int rc = 0;

    *out = NULL;
    if (!d)
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    d->o = *opts;
    d->idle[0] = d->idle[1] = d->cancel[0] = d->cancel[1] = -1;
    pthread_mutex_init(&d->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&d->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (pipe2(d->idle, O_CLOEXEC | O_NONBLOCK) != 0 ||
        pipe2(d->cancel, O_CLOEXEC | O_NONBLOCK) != 0) {
        rc = mr_error_sys(err, "cannot create the callback dispatcher's pipes");
        mr_dispatch_stop(d);
        return rc;
    }
    for (i = 0; i < MR_DISPATCH_THREADS; i++) {
        if ((errno = pthread_create(&d->threads[i], NULL, run, d)) != 0) {
            rc = mr_error_sys(err, "cannot start the callback dispatcher");
            mr_dispatch_stop(d);
            return rc;
        }
        d->nthreads++;
    }
    *out = d;
    return 0;
}

size_t mr_dispatch_finish(struct mr_dispatch *d, int64_t cutoff_us)
{
    size_t i, left;

    pthread_mutex_lock(&d->lock);
    d->finishing = true;
    d->cutoff_us = cutoff_us;
    left = d->busy;
    for (i = 0; i < d->njobs; i++)
        left += d->heap[i]->due_us <= cutoff_us;
    note_idle(d);
    pthread_cond_broadcast(&d->wake); /* the threads record the late ones as not sent */
    pthread_mutex_unlock(&d->lock);
    return left;
}

bool mr_dispatch_idle(struct mr_dispatch *d)
{
    bool idle;
    pthread_mutex_lock(&d->lock);
    idle = d->njobs == 0 && d->busy == 0;
    pthread_mutex_unlock(&d->lock);
    return idle;
}

int mr_dispatch_idle_fd(const struct mr_dispatch *d)
{
    return d->idle[0];
}

void mr_dispatch_abort(struct mr_dispatch *d)
{
    struct job **left = NULL;
    size_t n = 0, i;

    pthread_mutex_lock(&d->lock);
    if (!d->aborting) {
        d->aborting = true;
        (void)!write(d->cancel[1], "x", 1);
    }
    if (d->njobs) {
        left = d->heap;
        n = d->njobs;
        d->heap = NULL;
        d->njobs = d->cap = 0;
    }
    note_idle(d);
    pthread_cond_broadcast(&d->wake);
    pthread_mutex_unlock(&d->lock);
    for (i = 0; i < n; i++) {
        record_unsent(d, left[i], MR_ATTEMPT_NOT_SENT, left[i]->due_wall_us,
                      "not sent: mockrun was interrupted");
        job_free(left[i]);
    }
    free(left);
}

void mr_dispatch_stop(struct mr_dispatch *d)
{
    size_t i;

    if (!d)
        return;
    if (d->cancel[1] >= 0)
        mr_dispatch_abort(d);
    pthread_mutex_lock(&d->lock);
    d->stopping = true;
    pthread_cond_broadcast(&d->wake);
    pthread_mutex_unlock(&d->lock);
    for (i = 0; i < d->nthreads; i++)
        pthread_join(d->threads[i], NULL);
    for (i = 0; i < d->njobs; i++)
        job_free(d->heap[i]);
    free(d->heap);
    for (i = 0; i < 2; i++) {
        if (d->idle[i] >= 0)
            close(d->idle[i]);
        if (d->cancel[i] >= 0)
            close(d->cancel[i]);
    }
    pthread_cond_destroy(&d->wake);
    pthread_mutex_destroy(&d->lock);
    free(d);
}
