/*
 * callback.h - callbacks (webhooks), sent off the request path.
 *
 * The request handler calls mr_dispatch_trigger for each callback of the
 * response it chose, while the request is still in scope: the URL, headers
 * and body are rendered then (templates see the triggering request), the
 * URL is checked (common/hookurl.h: an http URL on loopback or on a host the
 * scenario file's `allowHosts` names; with `service`, a path on that mock
 * service), and the job is queued, due `delayMs` later. A refused URL is
 * recorded at once and never sent. The answer the handler writes is never
 * delayed by a callback.
 *
 * A few threads (MR_DISPATCH_THREADS) send the jobs as they fall due, in
 * due order, each attempt bounded by the callback's `timeoutMs`
 * (upstream/http.h, in MR_UPSTREAM_HEAD mode). An attempt that fails, or that the application
 * answers with a status outside 2xx, is retried when the callback has a
 * `retry`, after `backoffMs`, doubling after each retry. Every attempt goes
 * into the journal (mr_journal_add_attempt), and so does every delivery
 * that is never sent.
 *
 * The end of a run: mr_dispatch_finish(cutoff) says when the command ended.
 * Jobs due after it (delays and retries still ahead) are recorded as not
 * sent at once, and any triggered later are too; jobs due before it are
 * still sent, each within its timeout, so the caller waits until
 * mr_dispatch_idle (idle_fd becomes readable when it may be). An interrupt
 * calls mr_dispatch_abort: attempts under way stop at once and what is left
 * is recorded as not sent.
 *
 * Lifecycle: mr_dispatch_start (by mr_server_start, when the scenario has
 * callbacks) → triggers → finish → wait → (abort) → stop. Every function
 * but start and stop is thread-safe; the scenario, the journal and the
 * service URLs must outlive the dispatcher.
 */
#ifndef MOCKRUN_SERVER_CALLBACK_H
#define MOCKRUN_SERVER_CALLBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "scenarios/scenario.h"
#include "server/journal.h"
#include "templates/template.h"

#define MR_DISPATCH_THREADS 4
#define MR_DISPATCH_BODY_MAX ((size_t)16 << 20) /* a callback body read from a file, at most */

struct mr_dispatch_opts {
    const struct mr_scenario *sc;
    struct mr_journal *journal;
    const char *const *service_urls; /* per service: "http://127.0.0.1:41234" */
    const int *service_ports;        /* per service: its port */
    const char *service_host; /* the address services listen on ("127.0.0.1", "0.0.0.0", ...) */
    size_t body_max;          /* bytes the journal keeps of each body sent and answered */
};

struct mr_dispatch;

/* Starts the threads. The options' pointers are borrowed. Returns 0, or
 * MR_ENOMEM / MR_ESYSTEM. */
int mr_dispatch_start(struct mr_dispatch **out, const struct mr_dispatch_opts *opts,
                      struct mr_error *err);

/*
 * Renders `use` (a response's use of a callback; the call that chose the
 * response is journal seq `trigger`; it is due use->delay_ms from now: the
 * caller draws a delay range, with the server's seeded generator, so that a
 * seed fixes it) with `ctx`, the triggering request
 * (its `status` is not touched), and queues it, or records why it is not
 * sent. Never blocks on the network; allocates (callbacks are few).
 * Thread-safe.
 */
void mr_dispatch_trigger(struct mr_dispatch *d, const struct mr_callback_use *use, uint64_t trigger,
                         const struct mr_tpl_ctx *ctx);

/*
 * The command ended at `cutoff_us` (monotonic clock, mr_clock_mono_us):
 * what is due after it is recorded as not sent, now and from now on; what
 * is due before it is still sent. Returns how many jobs are still to send
 * or being sent.
 */
size_t mr_dispatch_finish(struct mr_dispatch *d, int64_t cutoff_us);

/* True when, after mr_dispatch_finish, nothing is queued or being sent. */
bool mr_dispatch_idle(struct mr_dispatch *d);

/* A descriptor that becomes readable whenever the dispatcher may have become
 * idle after mr_dispatch_finish (check mr_dispatch_idle; reading it is not
 * needed). Owned by the dispatcher. */
int mr_dispatch_idle_fd(const struct mr_dispatch *d);

/* Stops attempts under way (recorded as failed: "interrupted") and records
 * every queued job as not sent; retries are not made. Thread-safe. */
void mr_dispatch_abort(struct mr_dispatch *d);

/* Aborts what is left, joins the threads and frees everything. NULL is a no-op. */
void mr_dispatch_stop(struct mr_dispatch *d);

#endif
