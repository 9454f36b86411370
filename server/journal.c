/*
 * journal.c - chunked, append-only call storage.
 *
 * Calls live in fixed chunks of CHUNK calls (a growing table of chunk
 * pointers, so a call never moves); their strings are bump-allocated from
 * arena blocks. Both grow by whole blocks, so appending never copies what is
 * already stored.
 */
#include "server/journal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"

#define CHUNK 1024
#define BLOCK (256u * 1024u)

struct block {
    struct block *next;
    size_t used;
    size_t size;
    char data[];
};

struct mr_journal {
    pthread_mutex_t lock;
    struct mr_journal_limits lim;
    struct mr_call **chunks;
    size_t nchunks;
    size_t chunks_cap;
    size_t kept;
    size_t bytes;
    struct block *blocks; /* newest first */
    uint64_t total;
    uint64_t unmatched;
    uint64_t dropped_from;
    _Atomic uint64_t *route_counts;
    size_t nroutes;
    _Atomic uint64_t *expect_counts;
    size_t nexpects;
};

void mr_journal_limits_init(struct mr_journal_limits *lim)
{
    lim->max_calls = 100000;
    lim->max_bytes = 256u << 20;
}

int mr_journal_new(struct mr_journal **out, size_t nroutes, size_t nexpects,
                   const struct mr_journal_limits *lim, struct mr_error *err)
{
    struct mr_journal *j = calloc(1, sizeof(*j));

    *out = NULL;
    if (!j)
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    if (lim)
        j->lim = *lim;
    else
        mr_journal_limits_init(&j->lim);
    j->route_counts = calloc(nroutes ? nroutes : 1, sizeof(*j->route_counts));
    j->expect_counts = calloc(nexpects ? nexpects : 1, sizeof(*j->expect_counts));
    if (!j->route_counts || !j->expect_counts) {
        mr_journal_free(j);
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    }
    j->nroutes = nroutes;
    j->nexpects = nexpects;
    pthread_mutex_init(&j->lock, NULL);
    *out = j;
    return 0;
}

void mr_journal_free(struct mr_journal *j)
{
    size_t i;
    if (!j)
        return;
    for (i = 0; i < j->nchunks; i++)
        free(j->chunks[i]);
    free(j->chunks);
    while (j->blocks) {
        struct block *b = j->blocks;
        j->blocks = b->next;
        free(b);
    }
    free((void *)j->route_counts);
    free((void *)j->expect_counts);
    pthread_mutex_destroy(&j->lock);
    free(j);
}

/* Bump-allocates n bytes of string storage; caller holds the lock. */
static char *arena_alloc(struct mr_journal *j, size_t n)
{
    struct block *b = j->blocks;

    if (!b || b->size - b->used < n) {
        size_t size = n > BLOCK / 4 ? n : BLOCK;
        struct block *nb = malloc(sizeof(*nb) + size);
        if (!nb)
            return NULL;
        nb->used = 0;
        nb->size = size;
        if (size == BLOCK || !b) {
            nb->next = b;
            j->blocks = nb;
        } else {
            /* a big body gets its own block behind the current one, which stays open */
            nb->next = b->next;
            b->next = nb;
        }
        j->bytes += sizeof(*nb) + size;
        b = nb;
    }
    b->used += n;
    return b->data + b->used - n;
}

static struct mr_call *slot_for(struct mr_journal *j)
{
    size_t ci = j->kept / CHUNK;

    if (ci == j->nchunks) {
        struct mr_call *chunk;
        if (j->nchunks == j->chunks_cap) {
            size_t cap = j->chunks_cap ? j->chunks_cap * 2 : 16;
            struct mr_call **t = realloc(j->chunks, cap * sizeof(*t));
            if (!t)
                return NULL;
            j->chunks = t;
            j->chunks_cap = cap;
        }
        chunk = malloc(CHUNK * sizeof(*chunk));
        if (!chunk)
            return NULL;
        j->chunks[j->nchunks++] = chunk;
        j->bytes += CHUNK * sizeof(*chunk);
    }
    return &j->chunks[ci][j->kept % CHUNK];
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

uint64_t mr_journal_append(struct mr_journal *j, const struct mr_call_meta *meta,
                           const struct mr_request *req, const size_t *hits, size_t nhits)
{
    size_t mlen = strlen(req->method), plen = strlen(req->path), qlen = strlen(req->query);
    size_t nlen = meta->near ? strlen(meta->near) : 0;
    size_t hlen = 0, need, i;
    uint64_t seq;
    struct mr_call *c;
    char *p;

    for (i = 0; i < req->nheaders; i++)
        hlen += req->headers[i].name_len + req->headers[i].value_len + 2;
    need = mlen + plen + qlen + hlen + req->body_len + 4 + (meta->near ? nlen + 1 : 0);

    if (meta->route >= 0 && (size_t)meta->route < j->nroutes)
        atomic_fetch_add_explicit(&j->route_counts[meta->route], 1, memory_order_relaxed);
    for (i = 0; i < nhits; i++)
        if (hits[i] < j->nexpects)
            atomic_fetch_add_explicit(&j->expect_counts[hits[i]], 1, memory_order_relaxed);

    pthread_mutex_lock(&j->lock);
    seq = ++j->total;
    if (meta->route < 0)
        j->unmatched++;
    if (j->dropped_from || j->kept >= j->lim.max_calls ||
        j->bytes + need + sizeof(struct mr_call) > j->lim.max_bytes)
        goto drop;
    c = slot_for(j);
    p = c ? arena_alloc(j, need) : NULL;
    if (!p)
        goto drop;
    c->seq = seq;
    c->wall_us = meta->wall_us;
    c->duration_us = meta->duration_us;
    c->service = meta->service;
    c->status = meta->status;
    c->route = meta->route;
    c->body_truncated = meta->body_truncated;
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
    c->near = meta->near ? put(&p, meta->near, nlen) : NULL;
    j->kept++;
    pthread_mutex_unlock(&j->lock);
    return seq;
drop:
    if (!j->dropped_from)
        j->dropped_from = seq;
    pthread_mutex_unlock(&j->lock);
    return seq;
}

uint64_t mr_journal_total(const struct mr_journal *j)
{
    return j->total;
}

uint64_t mr_journal_unmatched(const struct mr_journal *j)
{
    return j->unmatched;
}

uint64_t mr_journal_route_count(const struct mr_journal *j, size_t route)
{
    return route < j->nroutes ? atomic_load(&j->route_counts[route]) : 0;
}

uint64_t mr_journal_expect_count(const struct mr_journal *j, size_t expect)
{
    return expect < j->nexpects ? atomic_load(&j->expect_counts[expect]) : 0;
}

size_t mr_journal_kept(const struct mr_journal *j)
{
    return j->kept;
}

const struct mr_call *mr_journal_at(const struct mr_journal *j, size_t i)
{
    return i < j->kept ? &j->chunks[i / CHUNK][i % CHUNK] : NULL;
}

uint64_t mr_journal_dropped_from(const struct mr_journal *j)
{
    return j->dropped_from;
}

size_t mr_journal_memory(const struct mr_journal *j)
{
    return j->bytes + j->chunks_cap * sizeof(*j->chunks) + sizeof(*j);
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
