/*
 * journal.h - the record of every call the mocks received.
 *
 * Appending is thread-safe and, in the common case, takes no lock: each
 * appending thread copies its calls into a storage shard of its own (the
 * first append of a thread to a journal takes the journal's lock once to
 * register the shard). Sequence numbers come from one atomic counter, so
 * they are unique and 1..total. Counts per route, per expectation and of
 * unmatched calls are exact atomics for any number of calls.
 *
 * Call details (method, path, query, headers, body) are kept up to the
 * limits; past them the journal keeps counting and remembers the first
 * call (smallest seq) whose details were dropped. Once a call is dropped
 * the calls after it are dropped too, except calls that other threads had
 * already admitted at that moment: a few kept calls may have a seq larger
 * than mr_journal_dropped_from.
 *
 * Each call is attributed to the test that made it (mr_call.test): the name
 * the server took from its X-Mockrun-Test header, else the journal's current
 * test, which a test runner announces through POST /__mockrun/test
 * (mr_journal_set_test).
 *
 * Readers (mr_journal_total, _at, ...) must not run concurrently with
 * appends: read after the server has closed (mr_server_close), or after
 * joining the appending threads. The first read after appends builds an
 * index of the kept calls in seq order (8 bytes per call).
 */
#ifndef MOCKRUN_SERVER_JOURNAL_H
#define MOCKRUN_SERVER_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "server/match.h"

#define MR_JOURNAL_MAX_CALLS_DEFAULT 100000

struct mr_journal_limits {
    size_t max_calls; /* calls kept with details; default MR_JOURNAL_MAX_CALLS_DEFAULT */
    size_t max_bytes; /* bytes of storage for details (records, strings); default 256 MiB */
};

void mr_journal_limits_init(struct mr_journal_limits *lim);

/* A recorded call. Strings are NUL-terminated and owned by the journal. */
struct mr_call {
    uint64_t seq;    /* 1-based call number */
    int64_t wall_us; /* when it arrived */
    uint32_t duration_us;
    uint16_t service;
    uint16_t status;
    int32_t route; /* index of the matched route, -1 when none matched */
    bool body_truncated;
    bool allowed; /* unmatched, but an `unexpected.allow` condition holds */
    bool proxied; /* unmatched, and forwarded to the service's "proxy" (which answered) */
    uint32_t nheaders;
    uint32_t body_len;  /* bytes kept */
    uint64_t body_size; /* bytes the client sent */
    const char *method;
    const char *path;
    const char *query;   /* "" when none */
    const char *headers; /* nheaders pairs packed as "name\0value\0" */
    const char *body;    /* body_len bytes (+ NUL) */
    const char *near;    /* unmatched: why the closest route did not match; else NULL */
    const char *answer;  /* the body it was answered with, as far as kept; NULL: not recorded
                            (a file streamed from disk, a fault) */
    uint32_t answer_len;
    const char *test; /* the test that made the call (X-Mockrun-Test, else the test announced
                         last), or NULL */
};

/* What the server knows about a call besides the request itself. */
struct mr_call_meta {
    int64_t wall_us;
    uint32_t duration_us;
    uint16_t service;
    uint16_t status;
    int32_t route;
    bool body_truncated;
    bool allowed; /* unmatched and allowed: counted by mr_journal_allowed, not _unmatched */
    bool proxied; /* unmatched and proxied: counted by mr_journal_proxied, not _unmatched */
    uint64_t body_size;
    const char *near;   /* may be NULL */
    const char *answer; /* the answer's body (at most what the journal should keep), or NULL */
    size_t answer_len;
    const char *test; /* the name from the call's X-Mockrun-Test header (test_len bytes, copied;
                         test_len 0: no test); NULL: the journal's current test, if any
                         (mr_journal_set_test) */
    size_t test_len;
};

struct mr_journal;

/* Creates an empty journal for a scenario with these many services, routes and expectations. */
int mr_journal_new(struct mr_journal **out, size_t nservices, size_t nroutes, size_t nexpects,
                   const struct mr_journal_limits *lim, struct mr_error *err);
void mr_journal_free(struct mr_journal *j);

/*
 * Records one call (copying what it keeps into the calling thread's shard)
 * and counts it for its route and for each expectation index in `hits`.
 * Thread-safe; no lock except on a thread's first append to `j`. If the
 * details cannot be kept (limits, or out of memory) the call is counted
 * and marked dropped. Returns the call's sequence number.
 */
uint64_t mr_journal_append(struct mr_journal *j, const struct mr_call_meta *meta,
                           const struct mr_request *req, const size_t *hits, size_t nhits);

/*
 * Sets the current test, which calls without an X-Mockrun-Test header are
 * attributed to from now on (POST /__mockrun/test); `len` 0 clears it. The
 * journal keeps each distinct name once, until mr_journal_free, so a call
 * borrows it without a copy. Thread-safe (takes the journal's lock; appends
 * read the current test without it). Returns 0 or MR_ENOMEM (the current
 * test is then unchanged).
 */
int mr_journal_set_test(struct mr_journal *j, const char *name, size_t len);
/* The current test, or NULL when none is set. Thread-safe. */
const char *mr_journal_current_test(const struct mr_journal *j);

uint64_t mr_journal_total(const struct mr_journal *j);
/* Calls no route matched, of one service or (service < 0) of all; _unmatched
 * does not count the ones an `unexpected.allow` condition allowed, nor the
 * ones forwarded to the service's proxy; _allowed and _proxied count only
 * those. */
uint64_t mr_journal_unmatched(const struct mr_journal *j, long service);
uint64_t mr_journal_allowed(const struct mr_journal *j, long service);
uint64_t mr_journal_proxied(const struct mr_journal *j, long service);
uint64_t mr_journal_route_count(const struct mr_journal *j, size_t route);
uint64_t mr_journal_expect_count(const struct mr_journal *j, size_t expect);

/* Calls kept with details, in arrival (seq) order: mr_journal_at(j, 0 .. kept-1).
 * The first of these reads builds the index; should its allocation fail, no call reads
 * as kept (the counts stay exact). */
size_t mr_journal_kept(const struct mr_journal *j);
const struct mr_call *mr_journal_at(const struct mr_journal *j, size_t i);

/*
 * Starts the counts afresh (POST /__mockrun/reset): the route, expectation,
 * unmatched and allowed counts read from here on count only calls recorded
 * after it. The calls themselves are all kept (seq goes on), and
 * mr_journal_reset_seq tells where the reset was (0: never). Thread-safe
 * against appends, but a call recorded at the same moment may count on
 * either side of it.
 */
void mr_journal_reset(struct mr_journal *j);
uint64_t mr_journal_reset_seq(const struct mr_journal *j);

/*
 * Every call kept so far, sorted by seq, into *out (the caller frees the
 * array; the calls are the journal's and live as long as it). Unlike the
 * readers above, safe while other threads append: it sees every call whose
 * append had finished when it began. Returns 0 or MR_ENOMEM.
 */
int mr_journal_snapshot(const struct mr_journal *j, const struct mr_call ***out, size_t *n);

/* The first (smallest seq) call whose details were dropped (limits reached), or 0. */
uint64_t mr_journal_dropped_from(const struct mr_journal *j);

/* Bytes the journal holds: shards, their records and strings, counters and, once
 * built, the index (for benchmarks). */
size_t mr_journal_memory(const struct mr_journal *j);

/* Iterates a call's headers: pass it = NULL first; returns NULL at the end. */
const char *mr_call_next_header(const struct mr_call *c, const char *it, const char **name,
                                const char **value);

/* Rebuilds a matcher view of a kept call (headers into `kv`, which needs
 * c->nheaders slots; query params into `params`/`scratch` as in
 * mr_request_parse_query). Release with mr_request_release. */
void mr_call_to_request(const struct mr_call *c, struct mr_kv *kv, struct mr_kv *params,
                        size_t max_params, char *scratch, struct mr_request *req);

/* ---- callback attempts ----------------------------------------------------
 *
 * Each attempt to send a callback (server/callback.h), in the order they
 * ended, with what was sent and what came back. Few: kept in one list under
 * a lock of its own, up to max_calls attempts (past it they are counted as
 * dropped). Appending is thread-safe; the readers below (but _each) run
 * after the attempts have stopped (the dispatcher has finished).
 */

/* How an attempt ended. */
enum mr_attempt_outcome {
    MR_ATTEMPT_ANSWERED, /* the application answered: `status` */
    MR_ATTEMPT_FAILED,   /* sent, or tried to: no answer (`error`: refused, timed out...) */
    MR_ATTEMPT_REFUSED,  /* never sent: the URL is not one mockrun sends to (`error` says why) */
    MR_ATTEMPT_NOT_SENT, /* never sent: due after the command ended, or the run was
                            interrupted, or its body could not be read (`error`) */
};

/* One attempt. Strings are NUL-terminated and owned by the journal. */
struct mr_attempt {
    uint64_t seq;      /* 1-based, in the order attempts were recorded */
    uint64_t delivery; /* 1-based: one triggered use of a callback, whatever its attempts */
    uint32_t callback; /* index into mr_scenario.callbacks */
    uint32_t attempt;  /* 1-based */
    uint64_t trigger;  /* the seq of the call whose response triggered it */
    bool final;        /* the delivery's last attempt: its outcome is the delivery's */
    enum mr_attempt_outcome outcome;
    int64_t wall_us; /* when it was sent (NOT_SENT: when it was due) */
    uint32_t duration_us;
    int status; /* ANSWERED: the application's status; else 0 */
    const char *method;
    const char *url;
    const char *headers; /* nheaders pairs packed as "name\0value\0" */
    uint32_t nheaders;
    const char *body; /* body_len bytes kept (+ NUL) of the body_size sent */
    uint32_t body_len;
    uint64_t body_size;
    bool body_truncated;
    const char *error;  /* NULL when answered */
    const char *answer; /* ANSWERED: the body kept (answer_len bytes + NUL); else NULL */
    uint32_t answer_len;
    uint64_t answer_size;
    bool answer_truncated;
    const char *answer_type; /* the answer's Content-Type, "" when none */
};

/* Records a copy of attempt `a` (its seq is ignored: the journal numbers it).
 * Thread-safe. Returns its seq, or 0 when it was dropped (the limit, or no
 * memory). */
uint64_t mr_journal_add_attempt(struct mr_journal *j, const struct mr_attempt *a);

/* The attempts kept, in recording order: mr_journal_attempt_at(j, 0 .. n-1). */
size_t mr_journal_attempts(const struct mr_journal *j);
const struct mr_attempt *mr_journal_attempt_at(const struct mr_journal *j, size_t i);
/* Attempts past the limit: counted, not kept. */
uint64_t mr_journal_attempts_dropped(const struct mr_journal *j);

/* Calls fn for every attempt kept so far, under the attempts' lock (safe
 * while attempts are added: for GET /__mockrun/callbacks); stops at the
 * first non-zero return and returns it. */
typedef int (*mr_attempt_fn)(void *arg, const struct mr_attempt *a);
int mr_journal_attempts_each(const struct mr_journal *j, mr_attempt_fn fn, void *arg);

/* Iterates an attempt's request headers: pass it = NULL first; NULL at the end. */
const char *mr_attempt_next_header(const struct mr_attempt *a, const char *it, const char **name,
                                   const char **value);

/* "answered", "failed", "refused", "not sent" */
const char *mr_attempt_outcome_name(enum mr_attempt_outcome o);

struct mr_buf;

/* Appends one attempt as a JSON object (callback ids from `sc`): the element
 * of the --journal file's "callbacks" and of GET /__mockrun/callbacks. */
void mr_journal_attempt_json(struct mr_buf *b, const struct mr_attempt *a,
                             const struct mr_scenario *sc);

/* Appends one call as a JSON object (the --journal file's element; service
 * names and route ids from `sc`). */
void mr_journal_call_json(struct mr_buf *b, const struct mr_call *c, const struct mr_scenario *sc);

typedef int (*mr_write_fn)(void *ctx, const void *data, size_t len);

/* Streams every kept call as a JSON array through `write` (service names and
 * route ids from `sc`), never building the document in memory. When the
 * scenario has callbacks, the array's last element is {"callbacks": [every
 * attempt kept]} (and "callbacksDropped": n past the limit). Returns 0 or
 * the first non-zero value `write` returned. */
int mr_journal_write_json(const struct mr_journal *j, const struct mr_scenario *sc,
                          mr_write_fn write, void *ctx);

#endif
