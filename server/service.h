/*
 * service.h - the mock services of a scenario, served by one CivetWeb
 * context with one listening port per service.
 *
 * mr_server_start binds every port before it returns, so a command started
 * afterwards can connect at once. Every request is answered by our own
 * handler (CivetWeb never serves files): it reads the body (whole, up to
 * body_read_max, when the service's routes read bodies; answering
 * "Expect: 100-continue" first), matches the request to a route (a HEAD
 * request falls back to GET routes), records the call in the journal,
 * waits the route's delay and writes the whole response with a single
 * write. A call no route matches on a service with a "proxy" is forwarded
 * there (server/proxy.h) and recorded as proxied.
 * write. The response's callbacks are rendered with the request and
 * handed to the dispatcher (server/callback.h), which sends them later.
 *
 * Lifecycle: start → (requests) → close (stop recording; later requests get
 * 503) → read the journal → stop (join CivetWeb's threads, free). The
 * scenario must outlive the server. Functions here are called from one
 * thread; the handler runs on CivetWeb's workers.
 */
#ifndef MOCKRUN_SERVER_SERVICE_H
#define MOCKRUN_SERVER_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "scenarios/scenario.h"
#include "server/journal.h"
#include "server/proxy.h"

/* The defaults, named once (the command line's --help quotes them). */
#define MR_SERVER_THREADS_DEFAULT 72
#define MR_SERVER_KEEP_ALIVE_MS_DEFAULT 5000
#define MR_SERVER_BODY_KEEP_DEFAULT ((size_t)1 << 20)  /* 1 MiB */
#define MR_SERVER_BODY_READ_DEFAULT ((size_t)64 << 20) /* 64 MiB */

/* mockrun's own endpoints on every service (GET calls, routes, health, callbacks; POST reset). */
#define MR_SERVER_ADMIN_PREFIX "/__mockrun/"

struct mr_server_opts {
    const char *host;     /* listen address; default "127.0.0.1" */
    int port_override;    /* >0: the port of a single-service scenario (--port); else 0 */
    bool any_port;        /* every service on a port the system picks, whatever the scenario
                             says (mockrun drift: nothing points at these mocks) */
    int threads;          /* worker threads = connections served at once; default 72 */
    int keep_alive_ms;    /* idle keep-alive connection timeout; default 5000 (clients are
                             told a second less, so they close first) */
    size_t body_max;      /* request body bytes the journal keeps per call; default 1 MiB */
    size_t body_read_max; /* the largest body read whole for matching and templates (only
                             services whose routes read bodies read them whole); a larger
                             one is answered 413 and recorded as unmatched; default 64 MiB */
    uint64_t seed;        /* for `random` responses and delay ranges */
    bool admin;           /* answer MR_SERVER_ADMIN_PREFIX endpoints (default true) */
    struct mr_journal_limits journal;
    mr_proxy_observe_fn observe; /* called with every proxied call once it is recorded
                                    (mockrun record), or NULL; must be thread-safe */
    void *observe_ctx;
};

void mr_server_opts_init(struct mr_server_opts *o);

struct mr_server;

/*
 * Starts serving `sc` (borrowed; must outlive the server). Returns 0, or
 * MR_ESETUP naming the service and port when a port cannot be bound, or
 * MR_ENOMEM / MR_ESYSTEM.
 */
int mr_server_start(struct mr_server **out, const struct mr_scenario *sc,
                    const struct mr_server_opts *opts, struct mr_error *err);

/* The port and base URL ("http://127.0.0.1:41234") of service i. Borrowed. */
int mr_server_port(const struct mr_server *s, size_t service);
const char *mr_server_url(const struct mr_server *s, size_t service);

/* Every service's base URL, in the scenario's order (nservices of them). Borrowed. */
const char *const *mr_server_urls(const struct mr_server *s);

/* Stops recording: waits for handlers that are recording, then answers
 * every later request with 503. The journal is then stable. */
void mr_server_close(struct mr_server *s);

/* The current state of service i ("Started" at first); a scenario string. */
const char *mr_server_state(const struct mr_server *s, size_t service);

/* The journal (borrowed; read it only after mr_server_close). */
const struct mr_journal *mr_server_journal(const struct mr_server *s);

struct mr_dispatch;

/* The callback dispatcher (server/callback.h), started with the server when
 * the scenario has callbacks; else NULL. Borrowed: the runner finishes it
 * (mr_dispatch_finish) when the command has ended, before
 * mr_server_close; mr_server_stop stops it. */
struct mr_dispatch *mr_server_dispatch(struct mr_server *s);

/* Joins CivetWeb's threads and frees everything. NULL is a no-op. */
void mr_server_stop(struct mr_server *s);

#endif
