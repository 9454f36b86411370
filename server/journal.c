/*
 * journal.c - append-only call storage, one shard per appending thread.
 *
 * Why shards: copying a call means touching fresh memory (a page fault
 * costs ~20 us on our runners) and now and then a malloc. Done under one
 * mutex, every worker queued behind whoever was faulting. So each thread
 * appends to its own shard and no lock is taken on the way:
 *
 *   - A shard is a list of chunks of call records (a call never moves) and
 *     a list of arena blocks for their strings. Both start small and double
 *     (chunks 32 → 1,024 calls, blocks 8 → 256 KiB), so the 72 workers of a
 *     default server cost little when most of them see a handful of calls.
 *     Only the owning thread writes a shard.
 *   - A thread finds its shard through a small thread-local cache keyed by
 *     the journal's id, a number never reused (unlike the journal's address,
 *     which malloc may hand to the next journal). On a miss the thread takes
 *     the journal's lock once to find or register its shard.
 *   - Shared state is atomics: the sequence counter (which is the total),
 *     the unmatched count, the per-route and per-expectation counts, the
 *     number of calls admitted under max_calls, the bytes of chunks and
 *     blocks reserved under max_bytes (reserved before the malloc, so the
 *     limit bounds real memory), and dropped_from (an atomic minimum).
 *     The counters written on every call share one cache line of their
 *     own, away from the read-only fields every thread reads.
 *   - Dropping is sticky, as it was with the mutex: once a call is dropped,
 *     later calls are too, so the kept calls are a prefix of the journal
 *     except for calls already past the check on other threads.
 *
 * Readers run after appends have stopped. The first read builds an index:
 * the shards, each already in seq order (a thread takes its seqs in
 * order), merged through a small heap into one array sorted by seq. The
 * index remembers the total it was built for and is rebuilt if calls were
 * appended since (tests interleave appends and reads; the server does not).
 */
#include "server/journal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_LINE 64
#define CHUNK_MIN 32u /* calls in a shard's first chunk */
#define CHUNK_MAX 1024u
#define BLOCK_MIN (8u * 1024u) /* bytes in a shard's first string block */
#define BLOCK_MAX (256u * 1024u)
#define TLS_SLOTS 4 /* journals a thread appends to without a lookup */

/* The calls no route matched, counted apart by what became of them. */
enum miss { MISS_UNMATCHED, MISS_ALLOWED, MISS_PROXIED, MISS_KINDS };

static enum miss miss_kind(const struct mr_call_meta *meta)
{
    return meta->proxied ? MISS_PROXIED : meta->allowed ? MISS_ALLOWED : MISS_UNMATCHED;
}

struct chunk {
    _Atomic(struct chunk *) next; /* published after the chunk is set up */
    _Atomic uint32_t n;           /* calls stored: a call is written, then counted */
    uint32_t cap;
    struct mr_call calls[];
};

struct block {
    struct block *next;
    size_t used;
    size_t size;
    char data[];
};

struct shard {
    struct shard *next; /* the journal's list; changed under its lock */
    uint64_t thread;    /* the owner's token (thread_token) */
    /* written by the owner only, read after appends have stopped */
    _Atomic(struct chunk *) head; /* published once, for snapshots */
    struct chunk *tail;
    struct block *blocks; /* newest first; the first is the one being filled */
    size_t ncalls;
    size_t next_block; /* size of the next string block */
    size_t bytes;      /* chunks and blocks, with their headers */
};

/* A test name (mr_journal_set_test), kept until the journal is freed. */
struct test_name {
    struct test_name *next;
    size_t len;
    char name[];
};

struct mr_journal {
    /* fixed at mr_journal_new */
    uint64_t id;
    struct mr_journal_limits lim;
    _Atomic uint64_t *route_counts;
    size_t nroutes;
    _Atomic uint64_t *expect_counts;
    size_t nexpects;
    _Atomic uint64_t *misses; /* per service s: [MISS_KINDS * s + kind] (enum miss) */
    size_t nservices;

    /* callback attempts: few, appended by the dispatcher's threads under their own lock */
    pthread_mutex_t attempts_lock;
    struct mr_attempt **attempts;
    size_t nattempts, attempts_cap;
    uint64_t attempts_dropped;

    /* under lock: the shard list (appends read their own shard without it) and the index */
    pthread_mutex_t lock;
    struct shard *shards;
    size_t nshards;
    const struct mr_call **index;
    size_t nindex;
    _Atomic uint64_t index_for;         /* total + 1 when the index was built, 0 when none */
    struct test_name *tests;            /* every name ever set current */
    _Atomic(const char *) current_test; /* one of `tests`, or NULL */

    /* shared counters; the first two are written on every call */
    _Alignas(CACHE_LINE) _Atomic uint64_t seq; /* the last seq given out, i.e. the total */
    _Atomic uint64_t admitted;                 /* calls that passed the max_calls check */
    _Atomic uint64_t dropped_from;
    /* what the counters held at the last reset (mr_journal_reset); read counts are
     * the counters minus these */
    _Atomic uint64_t *route_base;
    _Atomic uint64_t *expect_base;
    _Atomic uint64_t *misses_base;
    _Atomic uint64_t reset_seq;
    _Atomic size_t reserved; /* bytes of chunks and blocks counted against max_bytes */
};

static _Atomic uint64_t next_journal_id = 1;
static _Atomic uint64_t next_thread_token = 1;

/* Per thread: its token (0 until first needed) and its shards, most recently used first. */
struct tls_slot {
    uint64_t journal; /* a journal id; 0 = empty */
    struct shard *shard;
};
static _Thread_local uint64_t tls_token;
static _Thread_local struct tls_slot tls_shards[TLS_SLOTS];

/* size rounded up to whole cache lines (at least one) */
static size_t lines(size_t size)
{
    return size ? (size + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE : CACHE_LINE;
}

/* Zeroed memory that starts on a cache line and fills whole lines, so counters written by
 * different threads never share a line with another object. */
static void *alloc_lines(size_t size)
{
    void *p = aligned_alloc(CACHE_LINE, lines(size));
    if (p)
        memset(p, 0, lines(size));
    return p;
}

void mr_journal_limits_init(struct mr_journal_limits *lim)
{
    lim->max_calls = MR_JOURNAL_MAX_CALLS_DEFAULT;
    lim->max_bytes = 256u << 20;
}

int mr_journal_new(struct mr_journal **out, size_t nservices, size_t nroutes, size_t nexpects,
                   const struct mr_journal_limits *lim, struct mr_error *err)
{
    struct mr_journal *j = alloc_lines(sizeof(*j));

    *out = NULL;
    if (!j)
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    j->id = atomic_fetch_add(&next_journal_id, 1);
    if (lim)
        j->lim = *lim;
    else
        mr_journal_limits_init(&j->lim);
    j->route_counts = alloc_lines(nroutes * sizeof(*j->route_counts));
    j->expect_counts = alloc_lines(nexpects * sizeof(*j->expect_counts));
    j->route_base = alloc_lines(nroutes * sizeof(*j->route_base));
    j->expect_base = alloc_lines(nexpects * sizeof(*j->expect_base));
    j->misses = alloc_lines(MISS_KINDS * nservices * sizeof(*j->misses));
    j->misses_base = alloc_lines(MISS_KINDS * nservices * sizeof(*j->misses_base));
    pthread_mutex_init(&j->lock, NULL);
    pthread_mutex_init(&j->attempts_lock, NULL);
    if (!j->route_counts || !j->expect_counts || !j->route_base || !j->expect_base || !j->misses ||
        !j->misses_base) {
        mr_journal_free(j);
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    }
    j->nroutes = nroutes;
    j->nexpects = nexpects;
    j->nservices = nservices;
    *out = j;
    return 0;
}

static void shard_free(struct shard *sh)
{
    struct chunk *c = atomic_load(&sh->head);
    while (c) {
        struct chunk *next = atomic_load(&c->next);
        free(c);
        c = next;
    }
    while (sh->blocks) {
        struct block *b = sh->blocks;
        sh->blocks = b->next;
        free(b);
    }
    free(sh);
}

void mr_journal_free(struct mr_journal *j)
{
    if (!j)
        return;
    while (j->shards) {
        struct shard *sh = j->shards;
        j->shards = sh->next;
        shard_free(sh);
    }
    while (j->tests) {
        struct test_name *t = j->tests;
        j->tests = t->next;
        free(t);
    }
    free((void *)j->index);
    free((void *)j->route_counts);
    free((void *)j->expect_counts);
    free((void *)j->route_base);
    free((void *)j->expect_base);
    free((void *)j->misses);
    free((void *)j->misses_base);
    for (size_t i = 0; i < j->nattempts; i++)
        free(j->attempts[i]);
    free(j->attempts);
    pthread_mutex_destroy(&j->attempts_lock);
    pthread_mutex_destroy(&j->lock);
    free(j);
}

/* --- appending ---------------------------------------------------------- */

static uint64_t thread_token(void)
{
    if (!tls_token)
        tls_token = atomic_fetch_add_explicit(&next_thread_token, 1, memory_order_relaxed);
    return tls_token;
}

/* Finds this thread's shard of `j`, or registers a new one (the only lock on the way). */
static struct shard *shard_register(struct mr_journal *j)
{
    uint64_t me = thread_token();
    struct shard *sh;

    pthread_mutex_lock(&j->lock);
    for (sh = j->shards; sh; sh = sh->next)
        if (sh->thread == me)
            break;
    if (!sh && (sh = alloc_lines(sizeof(*sh))) != NULL) {
        sh->thread = me;
        sh->next_block = BLOCK_MIN;
        sh->next = j->shards;
        j->shards = sh;
        j->nshards++;
    }
    pthread_mutex_unlock(&j->lock);
    return sh;
}

static struct shard *shard_of(struct mr_journal *j)
{
    struct tls_slot *c = tls_shards, hit;
    size_t i;

    if (c[0].journal == j->id)
        return c[0].shard;
    for (i = 1; i < TLS_SLOTS && c[i].journal != j->id; i++)
        ;
    if (i < TLS_SLOTS) {
        hit = c[i];
    } else {
        hit.journal = j->id;
        if ((hit.shard = shard_register(j)) == NULL)
            return NULL;
        i = TLS_SLOTS - 1; /* the least recently used slot is forgotten */
    }
    memmove(&c[1], &c[0], i * sizeof(*c));
    c[0] = hit;
    return hit.shard;
}

/* Counts `size` bytes against max_bytes; false when they do not fit. */
static bool reserve(struct mr_journal *j, size_t size)
{
    size_t cur = atomic_load_explicit(&j->reserved, memory_order_relaxed);
    do {
        if (size > j->lim.max_bytes || cur > j->lim.max_bytes - size)
            return false;
    } while (!atomic_compare_exchange_weak_explicit(&j->reserved, &cur, cur + size,
                                                    memory_order_relaxed, memory_order_relaxed));
    return true;
}

static void unreserve(struct mr_journal *j, size_t size)
{
    atomic_fetch_sub_explicit(&j->reserved, size, memory_order_relaxed);
}

/* The next free call record of the shard (committed by tail->n++), or NULL. */
static struct mr_call *slot_for(struct mr_journal *j, struct shard *sh)
{
    struct chunk *c = sh->tail;

    if (!c || atomic_load_explicit(&c->n, memory_order_relaxed) == c->cap) {
        uint32_t cap = !c ? CHUNK_MIN : c->cap < CHUNK_MAX ? c->cap * 2 : CHUNK_MAX;
        size_t size = sizeof(*c) + cap * sizeof(struct mr_call);
        if (!reserve(j, size))
            return NULL;
        if ((c = malloc(size)) == NULL) {
            unreserve(j, size);
            return NULL;
        }
        atomic_init(&c->next, NULL);
        atomic_init(&c->n, 0);
        c->cap = cap;
        if (sh->tail)
            atomic_store_explicit(&sh->tail->next, c, memory_order_release);
        else
            atomic_store_explicit(&sh->head, c, memory_order_release);
        sh->tail = c;
        sh->bytes += size;
    }
    return &c->calls[atomic_load_explicit(&c->n, memory_order_relaxed)];
}

/* Bump-allocates n bytes of string storage in the shard, or NULL. */
static char *arena_alloc(struct mr_journal *j, struct shard *sh, size_t n)
{
    struct block *b = sh->blocks, *nb;
    size_t size;

    if (b && b->size - b->used >= n) {
        b->used += n;
        return b->data + b->used - n;
    }
    if (n > BLOCK_MAX / 4) {
        size = n; /* a big body gets a block of its own */
    } else {
        for (size = sh->next_block; size < n; size *= 2)
            ;
    }
    if (!reserve(j, sizeof(*nb) + size))
        return NULL;
    if ((nb = malloc(sizeof(*nb) + size)) == NULL) {
        unreserve(j, sizeof(*nb) + size);
        return NULL;
    }
    nb->used = n;
    nb->size = size;
    if (n > BLOCK_MAX / 4 && b) {
        /* behind the current block, which stays open for small strings */
        nb->next = b->next;
        b->next = nb;
    } else {
        nb->next = b;
        sh->blocks = nb;
        if (n <= BLOCK_MAX / 4)
            sh->next_block = size < BLOCK_MAX ? size * 2 : BLOCK_MAX;
    }
    sh->bytes += sizeof(*nb) + size;
    return nb->data;
}

static char *put(char **p, const char *s, size_t n)
{
    char *start = *p;
    if (n)
        memcpy(start, s, n);
    start[n] = '\0';
    *p += n + 1;
    return start;
}

/* Remembers that the details of call `seq` were dropped: dropped_from = min(seq, ...). */
static void note_dropped(struct mr_journal *j, uint64_t seq)
{
    uint64_t cur = atomic_load_explicit(&j->dropped_from, memory_order_relaxed);
    while ((cur == 0 || seq < cur) &&
           !atomic_compare_exchange_weak_explicit(&j->dropped_from, &cur, seq, memory_order_relaxed,
                                                  memory_order_relaxed))
        ;
}

uint64_t mr_journal_append(struct mr_journal *j, const struct mr_call_meta *meta,
                           const struct mr_request *req, const size_t *hits, size_t nhits)
{
    size_t mlen, plen, qlen, nlen, hlen = 0, tlen, need, i;
    const char *test = meta->test;
    struct shard *sh;
    struct mr_call *c;
    uint64_t seq;
    char *p;

    if (meta->route >= 0 && (size_t)meta->route < j->nroutes)
        atomic_fetch_add_explicit(&j->route_counts[meta->route], 1, memory_order_relaxed);
    for (i = 0; i < nhits; i++)
        if (hits[i] < j->nexpects)
            atomic_fetch_add_explicit(&j->expect_counts[hits[i]], 1, memory_order_relaxed);
    seq = atomic_fetch_add_explicit(&j->seq, 1, memory_order_relaxed) + 1;
    if (meta->route < 0 && meta->service < j->nservices)
        atomic_fetch_add_explicit(&j->misses[MISS_KINDS * meta->service + miss_kind(meta)], 1,
                                  memory_order_relaxed);

    /* admitted: a place under max_calls, then storage under max_bytes */
    if (atomic_load_explicit(&j->dropped_from, memory_order_relaxed) ||
        atomic_fetch_add_explicit(&j->admitted, 1, memory_order_relaxed) >= j->lim.max_calls)
        goto drop;
    mlen = strlen(req->method);
    plen = strlen(req->path);
    qlen = strlen(req->query);
    nlen = meta->near ? strlen(meta->near) + 1 : 0;
    for (i = 0; i < req->nheaders; i++)
        hlen += req->headers[i].name_len + req->headers[i].value_len + 2;
    tlen = test ? meta->test_len + 1 : 0;
    need = mlen + plen + qlen + hlen + req->body_len + 4 + nlen +
           (meta->answer ? meta->answer_len + 1 : 0) + tlen;
    if ((sh = shard_of(j)) == NULL || (c = slot_for(j, sh)) == NULL ||
        (p = arena_alloc(j, sh, need)) == NULL)
        goto drop;

    c->seq = seq;
    c->wall_us = meta->wall_us;
    c->duration_us = meta->duration_us;
    c->service = meta->service;
    c->status = meta->status;
    c->route = meta->route;
    c->body_truncated = meta->body_truncated;
    c->allowed = meta->allowed;
    c->proxied = meta->proxied;
    c->body_size = meta->body_size;
    c->nheaders = (uint32_t)req->nheaders;
    c->body_len = (uint32_t)req->body_len;
    c->method = put(&p, req->method, mlen);
    c->path = put(&p, req->path, plen);
    c->query = put(&p, req->query, qlen);
    c->headers = p;
    for (i = 0; i < req->nheaders; i++) {
        put(&p, req->headers[i].name, req->headers[i].name_len);
        put(&p, req->headers[i].value, req->headers[i].value_len);
    }
    c->body = put(&p, req->body ? req->body : "", req->body_len);
    c->near = meta->near ? put(&p, meta->near, nlen - 1) : NULL;
    c->answer = meta->answer ? put(&p, meta->answer, meta->answer_len) : NULL;
    c->answer_len = meta->answer ? (uint32_t)meta->answer_len : 0;
    /* a name set current lives as long as the journal: borrowed, not copied */
    if (!test)
        c->test = atomic_load_explicit(&j->current_test, memory_order_acquire);
    else
        c->test = tlen > 1 ? put(&p, test, tlen - 1) : NULL; /* an empty header: no test */
    /* the record is complete: count it (snapshots read up to the count) */
    atomic_fetch_add_explicit(&sh->tail->n, 1, memory_order_release);
    sh->ncalls++;
    return seq;
drop:
    note_dropped(j, seq);
    return seq;
}

int mr_journal_set_test(struct mr_journal *j, const char *name, size_t len)
{
    struct test_name *t = NULL;

    pthread_mutex_lock(&j->lock);
    if (len) {
        for (t = j->tests; t; t = t->next)
            if (t->len == len && memcmp(t->name, name, len) == 0)
                break;
        if (!t && (t = malloc(sizeof(*t) + len + 1)) != NULL) {
            memcpy(t->name, name, len);
            t->name[len] = '\0';
            t->len = len;
            t->next = j->tests;
            j->tests = t;
        }
        if (!t) {
            pthread_mutex_unlock(&j->lock);
            return MR_ENOMEM;
        }
    }
    atomic_store_explicit(&j->current_test, t ? t->name : NULL, memory_order_release);
    pthread_mutex_unlock(&j->lock);
    return 0;
}

const char *mr_journal_current_test(const struct mr_journal *j)
{
    return atomic_load_explicit(&j->current_test, memory_order_acquire);
}

void mr_journal_reset(struct mr_journal *j)
{
    size_t i;
    for (i = 0; i < j->nroutes; i++)
        atomic_store(&j->route_base[i], atomic_load(&j->route_counts[i]));
    for (i = 0; i < j->nexpects; i++)
        atomic_store(&j->expect_base[i], atomic_load(&j->expect_counts[i]));
    for (i = 0; i < MISS_KINDS * j->nservices; i++)
        atomic_store(&j->misses_base[i], atomic_load(&j->misses[i]));
    atomic_store(&j->reset_seq, atomic_load(&j->seq));
}

uint64_t mr_journal_reset_seq(const struct mr_journal *j)
{
    return atomic_load(&j->reset_seq);
}

static int by_seq(const void *a, const void *b)
{
    uint64_t x = (*(const struct mr_call *const *)a)->seq;
    uint64_t y = (*(const struct mr_call *const *)b)->seq;
    return x < y ? -1 : x > y;
}

int mr_journal_snapshot(const struct mr_journal *cj, const struct mr_call ***out, size_t *nout)
{
    struct mr_journal *j = (struct mr_journal *)cj; /* the lock, as for the index */
    const struct mr_call **calls = NULL;
    size_t n = 0, cap = 0;
    struct shard *sh;
    int rc = 0;

    pthread_mutex_lock(&j->lock);
    for (sh = j->shards; sh && rc == 0; sh = sh->next) {
        const struct chunk *c = atomic_load_explicit(&sh->head, memory_order_acquire);
        for (; c && rc == 0; c = atomic_load_explicit(&c->next, memory_order_acquire)) {
            uint32_t k, stored = atomic_load_explicit(&c->n, memory_order_acquire);
            for (k = 0; k < stored; k++) {
                if (n == cap) {
                    size_t grown = cap ? cap * 2 : 64;
                    const struct mr_call **more = realloc(calls, grown * sizeof(*calls));
                    if (!more) {
                        rc = MR_ENOMEM;
                        break;
                    }
                    calls = more;
                    cap = grown;
                }
                calls[n++] = &c->calls[k];
            }
        }
    }
    pthread_mutex_unlock(&j->lock);
    if (rc != 0) {
        free(calls);
        return rc;
    }
    if (n)
        qsort(calls, n, sizeof(*calls), by_seq);
    *out = calls;
    *nout = n;
    return 0;
}

/* --- reading ------------------------------------------------------------ */

uint64_t mr_journal_total(const struct mr_journal *j)
{
    return atomic_load(&j->seq);
}

/* Misses of one kind of one service, or of all (service < 0). */
static uint64_t misses(const struct mr_journal *j, long service, int kind)
{
    uint64_t n = 0;
    size_t s;

    for (s = 0; s < j->nservices; s++)
        if (service < 0 || (size_t)service == s)
            n += atomic_load(&j->misses[MISS_KINDS * s + kind]) -
                 atomic_load(&j->misses_base[MISS_KINDS * s + kind]);
    return n;
}

uint64_t mr_journal_unmatched(const struct mr_journal *j, long service)
{
    return misses(j, service, MISS_UNMATCHED);
}

uint64_t mr_journal_allowed(const struct mr_journal *j, long service)
{
    return misses(j, service, MISS_ALLOWED);
}

uint64_t mr_journal_proxied(const struct mr_journal *j, long service)
{
    return misses(j, service, MISS_PROXIED);
}

uint64_t mr_journal_route_count(const struct mr_journal *j, size_t route)
{
    return route < j->nroutes
               ? atomic_load(&j->route_counts[route]) - atomic_load(&j->route_base[route])
               : 0;
}

uint64_t mr_journal_expect_count(const struct mr_journal *j, size_t expect)
{
    return expect < j->nexpects
               ? atomic_load(&j->expect_counts[expect]) - atomic_load(&j->expect_base[expect])
               : 0;
}

uint64_t mr_journal_dropped_from(const struct mr_journal *j)
{
    return atomic_load(&j->dropped_from);
}

/* A shard's read position in the merge. */
struct cursor {
    const struct chunk *c;
    uint32_t i;
};

static uint64_t cursor_seq(const struct cursor *k)
{
    return k->c->calls[k->i].seq;
}

static void sift_down(struct cursor *heap, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        struct cursor t;
        if (l < n && cursor_seq(&heap[l]) < cursor_seq(&heap[m]))
            m = l;
        if (l + 1 < n && cursor_seq(&heap[l + 1]) < cursor_seq(&heap[m]))
            m = l + 1;
        if (m == i)
            return;
        t = heap[i];
        heap[i] = heap[m];
        heap[m] = t;
        i = m;
    }
}

/* Steps past empty chunks; false at the shard's end. */
static bool cursor_valid(struct cursor *k)
{
    while (k->c && k->i == k->c->n) {
        k->c = k->c->next;
        k->i = 0;
    }
    return k->c != NULL;
}

/* Merges the shards into j->index, sorted by seq; caller holds the lock. */
static bool build_index(struct mr_journal *j, uint64_t total)
{
    struct cursor *heap;
    struct shard *sh;
    size_t n = 0, k = 0, out = 0, i;

    free((void *)j->index);
    j->index = NULL;
    j->nindex = 0;
    atomic_store_explicit(&j->index_for, 0, memory_order_relaxed);
    for (sh = j->shards; sh; sh = sh->next)
        n += sh->ncalls;
    heap = malloc((j->nshards ? j->nshards : 1) * sizeof(*heap));
    j->index = malloc((n ? n : 1) * sizeof(*j->index));
    if (!heap || !j->index) {
        free(heap);
        free((void *)j->index);
        j->index = NULL;
        return false;
    }
    for (sh = j->shards; sh; sh = sh->next) {
        heap[k].c = sh->head;
        heap[k].i = 0;
        if (cursor_valid(&heap[k]))
            k++;
    }
    for (i = k / 2; i-- > 0;)
        sift_down(heap, k, i);
    while (k) {
        j->index[out++] = &heap[0].c->calls[heap[0].i];
        heap[0].i++;
        if (!cursor_valid(&heap[0]))
            heap[0] = heap[--k];
        sift_down(heap, k, 0);
    }
    free(heap);
    j->nindex = out;
    atomic_store_explicit(&j->index_for, total + 1, memory_order_release);
    return true;
}

/* True when j->index holds every kept call; builds it if needed. The index is a cache:
 * readers take a const journal, which mr_journal_new allocated as a mutable object. */
static bool index_ready(const struct mr_journal *cj)
{
    struct mr_journal *j = (struct mr_journal *)cj;
    uint64_t total = atomic_load_explicit(&j->seq, memory_order_acquire);
    bool ok;

    if (atomic_load_explicit(&j->index_for, memory_order_acquire) == total + 1)
        return true;
    pthread_mutex_lock(&j->lock);
    ok = atomic_load_explicit(&j->index_for, memory_order_relaxed) == total + 1 ||
         build_index(j, total);
    pthread_mutex_unlock(&j->lock);
    return ok;
}

size_t mr_journal_kept(const struct mr_journal *j)
{
    return index_ready(j) ? j->nindex : 0;
}

const struct mr_call *mr_journal_at(const struct mr_journal *j, size_t i)
{
    return index_ready(j) && i < j->nindex ? j->index[i] : NULL;
}

size_t mr_journal_memory(const struct mr_journal *cj)
{
    struct mr_journal *j = (struct mr_journal *)cj;
    size_t bytes = lines(sizeof(*j)) + 2 * lines(j->nroutes * sizeof(*j->route_counts)) +
                   2 * lines(j->nexpects * sizeof(*j->expect_counts)) +
                   2 * lines(MISS_KINDS * j->nservices * sizeof(*j->misses)); /* counts, bases */
    struct shard *sh;

    pthread_mutex_lock(&j->lock);
    for (sh = j->shards; sh; sh = sh->next)
        bytes += lines(sizeof(*sh)) + sh->bytes;
    if (j->index)
        bytes += (j->nindex ? j->nindex : 1) * sizeof(*j->index);
    pthread_mutex_unlock(&j->lock);
    return bytes;
}

const char *mr_call_next_header(const struct mr_call *c, const char *it, const char **name,
                                const char **value)
{
    const char *end;
    if (!c->nheaders)
        return NULL;
    if (!it)
        it = c->headers;
    end = c->body - 0; /* headers end where the body starts */
    if (it >= end)
        return NULL;
    *name = it;
    it += strlen(it) + 1;
    *value = it;
    it += strlen(it) + 1;
    return it;
}

void mr_call_to_request(const struct mr_call *c, struct mr_kv *kv, struct mr_kv *params,
                        size_t max_params, char *scratch, struct mr_request *req)
{
    const char *it = NULL, *name, *value;
    size_t n = 0;

    memset(req, 0, sizeof(*req));
    req->method = c->method;
    req->path = c->path;
    req->query = c->query;
    while ((it = mr_call_next_header(c, it, &name, &value)) != NULL && n < c->nheaders) {
        kv[n].name = name;
        kv[n].name_len = strlen(name);
        kv[n].value = value;
        kv[n].value_len = strlen(value);
        n++;
    }
    req->headers = kv;
    req->nheaders = n;
    req->params = params;
    req->nparams = mr_request_parse_query(c->query, scratch, params, max_params);
    req->body = c->body;
    req->body_len = c->body_len;
}

/* --- callback attempts ------------------------------------------------------ */

/* The bytes of the packed headers "name\0value\0..." (n pairs) at h. */
static size_t packed_size(const char *h, uint32_t n)
{
    const char *p = h;
    uint32_t i;
    for (i = 0; i < 2 * n; i++)
        p += strlen(p) + 1;
    return (size_t)(p - h);
}

uint64_t mr_journal_add_attempt(struct mr_journal *j, const struct mr_attempt *a)
{
    size_t method = strlen(a->method ? a->method : ""), url = strlen(a->url ? a->url : "");
    size_t hdr = a->nheaders ? packed_size(a->headers, a->nheaders) : 0;
    size_t error = a->error ? strlen(a->error) + 1 : 0;
    size_t type = strlen(a->answer_type ? a->answer_type : "");
    size_t size = sizeof(struct mr_attempt) + method + url + hdr + a->body_len + a->answer_len +
                  error + type + 6;
    struct mr_attempt *copy;
    char *p;
    uint64_t seq = 0;

    pthread_mutex_lock(&j->attempts_lock);
    if (j->nattempts >= j->lim.max_calls) {
        j->attempts_dropped++;
        goto out;
    }
    if (j->nattempts == j->attempts_cap) {
        size_t cap = j->attempts_cap ? 2 * j->attempts_cap : 16;
        struct mr_attempt **grown = realloc(j->attempts, cap * sizeof(*grown));
        if (!grown) {
            j->attempts_dropped++;
            goto out;
        }
        j->attempts = grown;
        j->attempts_cap = cap;
    }
    copy = malloc(size);
    if (!copy) {
        j->attempts_dropped++;
        goto out;
    }
    *copy = *a;
    p = (char *)(copy + 1);
    copy->method = put(&p, a->method ? a->method : "", method);
    copy->url = put(&p, a->url ? a->url : "", url);
    copy->headers = p;
    if (hdr)
        memcpy(p, a->headers, hdr);
    p += hdr;
    copy->body = put(&p, a->body ? a->body : "", a->body_len);
    copy->answer = a->answer ? put(&p, a->answer, a->answer_len) : NULL;
    copy->error = a->error ? put(&p, a->error, error - 1) : NULL;
    copy->answer_type = put(&p, a->answer_type ? a->answer_type : "", type);
    seq = copy->seq = j->nattempts + j->attempts_dropped + 1;
    j->attempts[j->nattempts++] = copy;
out:
    pthread_mutex_unlock(&j->attempts_lock);
    return seq;
}

size_t mr_journal_attempts(const struct mr_journal *j)
{
    return j->nattempts;
}

const struct mr_attempt *mr_journal_attempt_at(const struct mr_journal *j, size_t i)
{
    return i < j->nattempts ? j->attempts[i] : NULL;
}

uint64_t mr_journal_attempts_dropped(const struct mr_journal *j)
{
    return j->attempts_dropped;
}

int mr_journal_attempts_each(const struct mr_journal *cj, mr_attempt_fn fn, void *arg)
{
    struct mr_journal *j = (struct mr_journal *)cj;
    size_t i;
    int rc = 0;

    pthread_mutex_lock(&j->attempts_lock);
    for (i = 0; i < j->nattempts && rc == 0; i++)
        rc = fn(arg, j->attempts[i]);
    pthread_mutex_unlock(&j->attempts_lock);
    return rc;
}

const char *mr_attempt_next_header(const struct mr_attempt *a, const char *it, const char **name,
                                   const char **value)
{
    if (!a->nheaders)
        return NULL;
    if (!it)
        it = a->headers;
    if (it >= a->body) /* the headers end where the body starts */
        return NULL;
    *name = it;
    it += strlen(it) + 1;
    *value = it;
    it += strlen(it) + 1;
    return it;
}
