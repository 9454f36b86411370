/*
 * proxy.h - a service's "proxy": a call no route matches is forwarded to the
 * service's target (upstream/http.h) and answered with what the target
 * answered, so a scenario mocks only the calls that matter. The handler
 * (service.c) records such a call as proxied, not unexpected; a target that
 * cannot be reached is answered 502 and recorded as unexpected, with the
 * reason.
 *
 * What is forwarded: the method, the path as the client sent it (still
 * percent-encoded) after the target's own path, the query, every header but
 * the hop-by-hop ones, Host (the target's) and Content-Length (recomputed),
 * and the whole body. Accept-Encoding offers only the codings mockrun can
 * decode (gzip, deflate, identity), so every answer can be read back.
 *
 * What comes back goes to the client as it came: the status, the headers
 * (hop-by-hop ones dropped), the body as encoded (a gzip answer stays gzip,
 * a chunked one gets a Content-Length). A Location that points at the target
 * is rewritten to point at the service, so a client that follows a redirect
 * stays on the mock. Redirects are never followed here.
 *
 * The body is also decoded (gzip, deflate) for what people and `mockrun
 * record` read: the journal's answer and the observer's exchange.
 *
 * A struct mr_proxy_call belongs to one worker thread and is reused from
 * call to call; nothing here is shared.
 */
#ifndef MOCKRUN_SERVER_PROXY_H
#define MOCKRUN_SERVER_PROXY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/kv.h"
#include "common/url.h"
#include "server/match.h"
#include "upstream/http.h"

/* What an observer (mr_server_opts.observe) sees of one proxied call; every
 * pointer is borrowed for the duration of the callback. */
struct mr_proxy_exchange {
    size_t service;
    const char *target;           /* the service's "proxy", as written */
    const char *self_url;         /* the service's own URL ("http://127.0.0.1:41234") */
    const struct mr_request *req; /* as the client sent it: decoded path, raw query, every
                                     header, the whole body */
    int status;
    const struct mr_kv *headers; /* as forwarded to the client: no hop-by-hop headers and no
                                    Content-Length; a Location on the target rewritten */
    size_t nheaders;
    const char *body; /* decoded when it came gzip- or deflate-encoded */
    size_t body_len;
    const char *encoding; /* the Content-Encoding `body` still has (one mockrun cannot
                             undo, or data that did not decode), or NULL */
};

/* Called on the worker thread that forwarded the call, after it is recorded;
 * must be thread-safe. */
typedef void (*mr_proxy_observe_fn)(void *ctx, const struct mr_proxy_exchange *x);

/* One worker's forwarding state. The first four fields describe the last
 * answer; the rest is private. */
struct mr_proxy_call {
    int status;
    const char *body; /* decoded as for mr_proxy_exchange.body */
    size_t body_len;
    const char *encoding;
    /* private */
    struct mr_upstream_response up_;
    struct mr_buf target_;   /* the request line's target */
    struct mr_buf accept_;   /* a filtered Accept-Encoding */
    struct mr_buf location_; /* a rewritten Location */
    struct mr_buf decoded_;
    struct mr_kv *send_; /* request headers forwarded */
    size_t send_cap_;
    struct mr_kv *answer_; /* answer headers forwarded */
    size_t nanswer_, answer_cap_;
};

void mr_proxy_call_init(struct mr_proxy_call *pc);
void mr_proxy_call_release(struct mr_proxy_call *pc);

/* Bytes pc's buffers hold (a worker gives them back after a large answer). */
size_t mr_proxy_call_size(const struct mr_proxy_call *pc);

/*
 * Forwards `req` to `target` as described above and keeps the answer in pc.
 * `self_url` is the service's own URL (for Location rewriting); bodies decode
 * up to `decode_max` bytes (past it the body is kept encoded). Returns 0, or
 * nonzero with the reason in err (MR_ESETUP: the target is down, silent or
 * answers what is not HTTP; MR_ENOMEM).
 */
int mr_proxy_forward(struct mr_proxy_call *pc, const struct mr_url *target,
                     const struct mr_request *req, const char *self_url,
                     const struct mr_upstream_limits *lim, size_t decode_max, struct mr_error *err);

/*
 * Appends the forwarded headers of the last answer ("Name: value\r\n"; with
 * `cors`, the target's Access-Control-* headers left out, since the service
 * adds its own), its Content-Length, the blank line and, unless `head`, the
 * body as it came. The caller writes the status line and Connection first.
 */
void mr_proxy_put_answer(const struct mr_proxy_call *pc, struct mr_buf *out, bool head, bool cors);

/* The last answer as observers see it (the caller sets service, target, self_url and req). */
void mr_proxy_exchange_of(const struct mr_proxy_call *pc, struct mr_proxy_exchange *x);

#endif
