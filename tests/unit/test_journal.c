/*
 * test_journal.c - server/journal.c and journal_json.c: exact counters,
 * concurrent appends, the detail limits, reading calls back, and the
 * --journal JSON file.
 *
 * The memory check is a design guard (bytes per call), not a timing test.
 *
 * One case:   CK_RUN_CASE=concurrency ./test_journal
 * Under gdb:  CK_FORK=no gdb ./test_journal
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "scenarios/scenario.h"
#include "server/journal.h"
#include "server/match.h"

/* 2026-11-25T12:30:57.123456 UTC */
#define WALL_US 1795609857123456LL

/* --- helpers ------------------------------------------------------------ */

struct rq {
    struct mr_request req;
    struct mr_kv headers[8];
};

/* A request; headers are "Name: value" strings (names not NUL-terminated in the view). */
static const struct mr_request *req_of(struct rq *r, const char *method, const char *path,
                                       const char *query, const char *body, size_t body_len,
                                       const char *const *headers)
{
    size_t n = 0;

    memset(r, 0, sizeof(*r));
    r->req.method = method;
    r->req.path = path;
    r->req.query = query;
    for (; headers && headers[n]; n++) {
        const char *colon = strchr(headers[n], ':');
        r->headers[n].name = headers[n];
        r->headers[n].name_len = (size_t)(colon - headers[n]);
        r->headers[n].value = colon + 2;
        r->headers[n].value_len = strlen(colon + 2);
    }
    r->req.headers = r->headers;
    r->req.nheaders = n;
    r->req.body = body;
    r->req.body_len = body_len;
    return &r->req;
}

static void meta_of(struct mr_call_meta *m, int32_t route, uint16_t status)
{
    memset(m, 0, sizeof(*m));
    m->wall_us = WALL_US;
    m->duration_us = 1500;
    m->service = 0;
    m->status = status;
    m->route = route;
    m->body_size = 0;
}

static struct mr_journal *journal(size_t nroutes, size_t nexpects, size_t max_calls,
                                  size_t max_bytes)
{
    struct mr_journal_limits lim;
    struct mr_journal *j = NULL;
    struct mr_error err;

    mr_journal_limits_init(&lim);
    if (max_calls)
        lim.max_calls = max_calls;
    if (max_bytes)
        lim.max_bytes = max_bytes;
    ck_assert_int_eq(mr_journal_new(&j, 64, nroutes, nexpects, &lim, &err), 0);
    ck_assert_ptr_nonnull(j);
    return j;
}

/* Appends a simple GET for `route` with these expectation hits. */
static uint64_t add(struct mr_journal *j, int32_t route, const size_t *hits, size_t nhits,
                    const char *path)
{
    struct rq r;
    struct mr_call_meta m;
    meta_of(&m, route, route >= 0 ? 200 : 404);
    return mr_journal_append(j, &m, req_of(&r, "GET", path, "", NULL, 0, NULL), hits, nhits);
}

/* --- counters ----------------------------------------------------------- */

START_TEST(test_limits_defaults)
{
    struct mr_journal_limits lim;
    mr_journal_limits_init(&lim);
    ck_assert_uint_eq(lim.max_calls, 100000);
    ck_assert_uint_eq(lim.max_bytes, 256u << 20);
}
END_TEST

START_TEST(test_empty)
{
    struct mr_journal *j = journal(2, 2, 0, 0);

    ck_assert_uint_eq(mr_journal_total(j), 0);
    ck_assert_uint_eq(mr_journal_unmatched(j, -1), 0);
    ck_assert_uint_eq(mr_journal_kept(j), 0);
    ck_assert_uint_eq(mr_journal_dropped_from(j), 0);
    ck_assert_uint_eq(mr_journal_route_count(j, 0), 0);
    ck_assert_uint_eq(mr_journal_expect_count(j, 1), 0);
    ck_assert_ptr_null(mr_journal_at(j, 0));
    mr_journal_free(j);
    mr_journal_free(NULL);

    /* no routes and no expectations is fine too */
    j = journal(0, 0, 0, 0);
    ck_assert_uint_eq(add(j, -1, NULL, 0, "/"), 1);
    ck_assert_uint_eq(mr_journal_unmatched(j, -1), 1);
    ck_assert_uint_eq(mr_journal_route_count(j, 0), 0);
    mr_journal_free(j);
}
END_TEST

START_TEST(test_counters_exact)
{
    struct mr_journal *j = journal(3, 2, 0, 0);
    size_t h0[] = {0}, h01[] = {0, 1}, hbad[] = {1, 7};

    ck_assert_uint_eq(add(j, 0, h0, 1, "/a"), 1);
    ck_assert_uint_eq(add(j, 0, h01, 2, "/a"), 2);
    ck_assert_uint_eq(add(j, 2, NULL, 0, "/c"), 3);
    ck_assert_uint_eq(add(j, -1, h0, 1, "/nope"), 4);
    ck_assert_uint_eq(add(j, -1, NULL, 0, "/nope"), 5);
    ck_assert_uint_eq(add(j, 1, hbad, 2, "/b"), 6); /* expectation 7 does not exist */

    ck_assert_uint_eq(mr_journal_total(j), 6);
    ck_assert_uint_eq(mr_journal_unmatched(j, -1), 2);
    ck_assert_uint_eq(mr_journal_route_count(j, 0), 2);
    ck_assert_uint_eq(mr_journal_route_count(j, 1), 1);
    ck_assert_uint_eq(mr_journal_route_count(j, 2), 1);
    ck_assert_uint_eq(mr_journal_route_count(j, 3), 0);
    ck_assert_uint_eq(mr_journal_expect_count(j, 0), 3);
    ck_assert_uint_eq(mr_journal_expect_count(j, 1), 2);
    ck_assert_uint_eq(mr_journal_expect_count(j, 7), 0);
    ck_assert_uint_eq(mr_journal_kept(j), 6);
    ck_assert_uint_eq(mr_journal_dropped_from(j), 0);
    mr_journal_free(j);
}
END_TEST

START_TEST(test_call_fields)
{
    struct mr_journal *j = journal(2, 1, 0, 0);
    static const char *const hdrs[] = {"Host: x", "X-Empty: ", "Content-Type: text/plain", NULL};
    static const char body[] = "hello\0world";
    struct rq r;
    struct mr_call_meta m;
    const struct mr_call *c;

    memset(&m, 0, sizeof(m));
    m.wall_us = WALL_US;
    m.duration_us = 4242;
    m.service = 3;
    m.status = 201;
    m.route = 1;
    m.body_truncated = true;
    m.body_size = 5000;
    ck_assert_uint_eq(mr_journal_append(j, &m,
                                        req_of(&r, "POST", "/v1/charges", "a=1&b=2", body,
                                               sizeof(body) - 1, hdrs),
                                        NULL, 0),
                      1);
    meta_of(&m, -1, 404);
    m.near = "closest route \"x\": method is GET, the route wants POST";
    mr_journal_append(j, &m, req_of(&r, "GET", "/", "", NULL, 0, NULL), NULL, 0);

    c = mr_journal_at(j, 0);
    ck_assert_uint_eq(c->seq, 1);
    ck_assert_int_eq(c->wall_us, WALL_US);
    ck_assert_uint_eq(c->duration_us, 4242);
    ck_assert_uint_eq(c->service, 3);
    ck_assert_uint_eq(c->status, 201);
    ck_assert_int_eq(c->route, 1);
    ck_assert(c->body_truncated); /* the flag passes through */
    ck_assert_uint_eq(c->body_size, 5000);
    ck_assert_uint_eq(c->body_len, 11);
    ck_assert_mem_eq(c->body, body, 11);
    ck_assert_int_eq(c->body[11], '\0');
    ck_assert_str_eq(c->method, "POST");
    ck_assert_str_eq(c->path, "/v1/charges");
    ck_assert_str_eq(c->query, "a=1&b=2");
    ck_assert_uint_eq(c->nheaders, 3);
    ck_assert_ptr_null(c->near);

    c = mr_journal_at(j, 1);
    ck_assert_uint_eq(c->seq, 2);
    ck_assert_int_eq(c->route, -1);
    ck_assert_str_eq(c->query, "");
    ck_assert_uint_eq(c->body_len, 0);
    ck_assert_str_eq(c->body, "");
    ck_assert(!c->body_truncated);
    ck_assert_str_eq(c->near, "closest route \"x\": method is GET, the route wants POST");
    ck_assert_ptr_null(mr_journal_at(j, 2));
    mr_journal_free(j);
}
END_TEST

START_TEST(test_copies_what_it_keeps)
{
    struct mr_journal *j = journal(1, 0, 0, 0);
    char path[16] = "/orig", body[16] = "body", hdr[32] = "X-A: v";
    const char *hdrs[] = {hdr, NULL};
    struct rq r;
    struct mr_call_meta m;
    char near[16] = "near";
    const struct mr_call *c;

    meta_of(&m, -1, 404);
    m.near = near;
    mr_journal_append(j, &m, req_of(&r, "GET", path, "", body, 4, hdrs), NULL, 0);
    /* the caller's buffers are reused for the next request */
    memset(path, 'x', sizeof(path) - 1);
    memset(body, 'x', sizeof(body) - 1);
    memset(hdr, 'x', sizeof(hdr) - 1);
    memset(near, 'x', sizeof(near) - 1);
    c = mr_journal_at(j, 0);
    ck_assert_str_eq(c->path, "/orig");
    ck_assert_str_eq(c->body, "body");
    ck_assert_str_eq(c->near, "near");
    ck_assert_str_eq(c->headers, "X-A");
    mr_journal_free(j);
}
END_TEST

/* --- headers and requests ----------------------------------------------- */

START_TEST(test_next_header)
{
    struct mr_journal *j = journal(1, 0, 0, 0);
    static const char *const hdrs[] = {"Host: 127.0.0.1", "X-Empty: ", "accept: */*", NULL};
    const char *it = NULL, *name, *value;
    const struct mr_call *c;
    struct rq r;
    struct mr_call_meta m;
    int n = 0;

    meta_of(&m, 0, 200);
    mr_journal_append(j, &m, req_of(&r, "GET", "/", "", "b", 1, hdrs), NULL, 0);
    meta_of(&m, 0, 200);
    mr_journal_append(j, &m, req_of(&r, "GET", "/", "", "", 0, NULL), NULL, 0);

    c = mr_journal_at(j, 0);
    while ((it = mr_call_next_header(c, it, &name, &value)) != NULL) {
        static const char *const want[][2] = {
            {"Host", "127.0.0.1"}, {"X-Empty", ""}, {"accept", "*/*"}};
        ck_assert_int_lt(n, 3);
        ck_assert_str_eq(name, want[n][0]);
        ck_assert_str_eq(value, want[n][1]);
        n++;
    }
    ck_assert_int_eq(n, 3);

    c = mr_journal_at(j, 1);
    ck_assert_uint_eq(c->nheaders, 0);
    ck_assert_ptr_null(mr_call_next_header(c, NULL, &name, &value));
    mr_journal_free(j);
}
END_TEST

START_TEST(test_call_to_request_round_trip)
{
    struct mr_error_list errs;
    struct mr_scenario *sc = NULL;
    static const char text[] =
        "{\"routes\": [{\"request\": {\"method\": \"POST\", \"path\": \"/v1/charges\","
        " \"query\": {\"expand\": \"a customer\"}, \"headers\": {\"authorization\": {\"matches\": "
        "\"^Bearer \"}}, \"body\": {\"json\": {\"currency\": \"eur\"}}}}]}";
    static const char *const hdrs[] = {"Authorization: Bearer tok", "Host: h", NULL};
    static const char body[] = "{\"currency\": \"eur\", \"amount\": 1}";
    struct mr_journal *j = journal(1, 0, 0, 0);
    struct rq r;
    struct mr_call_meta m;
    const struct mr_call *c;
    struct mr_kv kv[4], params[4];
    char scratch[64];
    struct mr_request back;

    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(mr_scenario_parse_one(&sc, "j.json", text, strlen(text), &errs), 0);
    meta_of(&m, 0, 200);
    mr_journal_append(
        j, &m,
        req_of(&r, "POST", "/v1/charges", "expand=a+customer&x=%41", body, strlen(body), hdrs),
        NULL, 0);
    c = mr_journal_at(j, 0);
    mr_call_to_request(c, kv, params, 4, scratch, &back);
    ck_assert_str_eq(back.method, "POST");
    ck_assert_str_eq(back.path, "/v1/charges");
    ck_assert_str_eq(back.query, "expand=a+customer&x=%41");
    ck_assert_uint_eq(back.nheaders, 2);
    ck_assert_uint_eq(back.headers[0].name_len, 13);
    ck_assert_mem_eq(back.headers[0].name, "Authorization", 13);
    ck_assert_mem_eq(back.headers[0].value, "Bearer tok", 10);
    ck_assert_uint_eq(back.nparams, 2);
    ck_assert_str_eq(back.params[0].value, "a customer");
    ck_assert_str_eq(back.params[1].value, "A");
    ck_assert_uint_eq(back.body_len, strlen(body));
    ck_assert_mem_eq(back.body, body, strlen(body));
    ck_assert_ptr_null(back.body_json);
    /* the rebuilt request matches what the original matched */
    ck_assert(mr_match(&sc->routes[0].match, &back, NULL));
    mr_request_release(&back);
    mr_journal_free(j);
    mr_scenario_free(sc);
}
END_TEST

/* --- concurrency -------------------------------------------------------- */

#define THREADS 8
#define PER_THREAD 10000

struct worker_arg {
    struct mr_journal *j;
    int t;
};

static void *worker(void *p)
{
    struct worker_arg *a = p;
    int i;

    for (i = 0; i < PER_THREAD; i++) {
        char path[32];
        struct rq r;
        struct mr_call_meta m;
        size_t hits[2] = {0, (size_t)(1 + a->t % 2)};
        /* thread t answers with route t % 4, or no route (-1) when t % 4 == 3 */
        int32_t route = a->t % 4 == 3 ? -1 : a->t % 4;

        snprintf(path, sizeof(path), "/t%d/%d", a->t, i);
        meta_of(&m, route, 200);
        m.service = (uint16_t)a->t;
        mr_journal_append(a->j, &m, req_of(&r, "GET", path, "", path, strlen(path), NULL), hits,
                          i % 2 ? 2 : 1);
    }
    return NULL;
}

START_TEST(test_concurrent_appends)
{
    struct mr_journal *j = journal(3, 3, 0, 0);
    pthread_t th[THREADS];
    struct worker_arg args[THREADS];
    size_t n = (size_t)THREADS * PER_THREAD, i;
    unsigned char *seen = calloc(n + 1, 1);
    int last_i[THREADS];
    uint64_t last_seq[THREADS];
    int t;

    for (t = 0; t < THREADS; t++) {
        args[t].j = j;
        args[t].t = t;
        ck_assert_int_eq(pthread_create(&th[t], NULL, worker, &args[t]), 0);
    }
    for (t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);

    ck_assert_uint_eq(mr_journal_total(j), n);
    ck_assert_uint_eq(mr_journal_kept(j), n);
    ck_assert_uint_eq(mr_journal_dropped_from(j), 0);
    /* threads 0,4 → route 0; 1,5 → route 1; 2,6 → route 2; 3,7 → none */
    ck_assert_uint_eq(mr_journal_route_count(j, 0), 2 * PER_THREAD);
    ck_assert_uint_eq(mr_journal_route_count(j, 1), 2 * PER_THREAD);
    ck_assert_uint_eq(mr_journal_route_count(j, 2), 2 * PER_THREAD);
    ck_assert_uint_eq(mr_journal_unmatched(j, -1), 2 * PER_THREAD);
    ck_assert_uint_eq(mr_journal_expect_count(j, 0), n);
    ck_assert_uint_eq(mr_journal_expect_count(j, 1), 4 * PER_THREAD / 2); /* even threads, odd i */
    ck_assert_uint_eq(mr_journal_expect_count(j, 2), 4 * PER_THREAD / 2);

    /* sequence numbers are 1..N, each once; each thread's calls keep their order and content */
    for (t = 0; t < THREADS; t++) {
        last_i[t] = -1;
        last_seq[t] = 0;
    }
    for (i = 0; i < n; i++) {
        const struct mr_call *c = mr_journal_at(j, i);
        int ct, ci;
        ck_assert_uint_ge(c->seq, 1);
        ck_assert_uint_le(c->seq, n);
        ck_assert_msg(!seen[c->seq], "seq %llu twice", (unsigned long long)c->seq);
        seen[c->seq] = 1;
        ck_assert_int_eq(sscanf(c->path, "/t%d/%d", &ct, &ci), 2);
        ck_assert_int_eq(ct, c->service);
        ck_assert_int_eq(c->route, ct % 4 == 3 ? -1 : ct % 4);
        ck_assert_int_eq(ci, last_i[ct] + 1);
        ck_assert_uint_gt(c->seq, last_seq[ct]);
        ck_assert_str_eq(c->body, c->path);
        last_i[ct] = ci;
        last_seq[ct] = c->seq;
    }
    for (t = 0; t < THREADS; t++)
        ck_assert_int_eq(last_i[t], PER_THREAD - 1);
    free(seen);
    mr_journal_free(j);
}
END_TEST

/* Calls in arrival order: mr_journal_at gives seq 1, 2, ... N with nothing kept twice. */
struct mixed_arg {
    struct mr_journal *j;
    int t;
    int n;
};

/* Thread t appends n calls: route t % 4 (none when 3, with a near-miss text), and every 97th
 * call a body of its own block (> 64 KiB) so shards hold blocks of every kind. */
static void *mixed_worker(void *p)
{
    struct mixed_arg *a = p;
    static char big[100000];
    int i;

    for (i = 0; i < a->n; i++) {
        char path[32];
        struct rq r;
        struct mr_call_meta m;
        size_t hit = (size_t)a->t;
        int32_t route = a->t % 4 == 3 ? -1 : a->t % 4;
        bool large = i % 97 == 50;

        snprintf(path, sizeof(path), "/t%d/%d", a->t, i);
        meta_of(&m, route, 200);
        m.service = (uint16_t)a->t;
        m.near = route < 0 ? path : NULL;
        mr_journal_append(a->j, &m,
                          req_of(&r, "GET", path, "", large ? big : path,
                                 large ? sizeof(big) : strlen(path), NULL),
                          &hit, 1);
    }
    return NULL;
}

/* Runs `threads` mixed workers of `n` calls each on j. */
static void run_mixed(struct mr_journal *j, int threads, int n)
{
    pthread_t th[THREADS];
    struct mixed_arg args[THREADS];
    int t;

    for (t = 0; t < threads; t++) {
        args[t].j = j;
        args[t].t = t;
        args[t].n = n;
        ck_assert_int_eq(pthread_create(&th[t], NULL, mixed_worker, &args[t]), 0);
    }
    for (t = 0; t < threads; t++)
        pthread_join(th[t], NULL);
}

/* The kept calls are in seq order, each thread's in its own order with its own content;
 * returns the smallest seq that is not kept (what dropped_from must say), or 0. */
static uint64_t check_kept_calls(const struct mr_journal *j)
{
    size_t kept = mr_journal_kept(j), i;
    int last_i[THREADS];
    uint64_t gap = 0;

    for (i = 0; i < THREADS; i++)
        last_i[i] = -1;
    for (i = 0; i < kept; i++) {
        const struct mr_call *c = mr_journal_at(j, i);
        int ct, ci;
        ck_assert_ptr_nonnull(c);
        if (i)
            ck_assert_uint_gt(c->seq, mr_journal_at(j, i - 1)->seq);
        if (!gap && c->seq != i + 1)
            gap = i + 1;
        ck_assert_int_eq(sscanf(c->path, "/t%d/%d", &ct, &ci), 2);
        ck_assert_int_eq(ct, c->service);
        ck_assert_int_gt(ci, last_i[ct]);
        last_i[ct] = ci;
        ck_assert_int_eq(c->route, ct % 4 == 3 ? -1 : ct % 4);
        if (c->route < 0)
            ck_assert_str_eq(c->near, c->path);
        else
            ck_assert_ptr_null(c->near);
        if (ci % 97 == 50) {
            ck_assert_uint_eq(c->body_len, 100000);
        } else {
            ck_assert_str_eq(c->body, c->path);
        }
    }
    ck_assert_ptr_null(mr_journal_at(j, kept));
    if (!gap && mr_journal_total(j) > kept)
        gap = kept + 1;
    return gap;
}

/* Per-route, per-expectation and unmatched counts of run_mixed(threads, n). */
static void check_mixed_counts(const struct mr_journal *j, int n)
{
    int t;

    ck_assert_uint_eq(mr_journal_total(j), (uint64_t)THREADS * n);
    for (t = 0; t < 3; t++)
        ck_assert_uint_eq(mr_journal_route_count(j, (size_t)t), 2u * n);
    ck_assert_uint_eq(mr_journal_unmatched(j, -1), 2u * n);
    for (t = 0; t < THREADS; t++)
        ck_assert_uint_eq(mr_journal_expect_count(j, (size_t)t), (uint64_t)n);
}

START_TEST(test_concurrent_seq_order)
{
    struct mr_journal *j = journal(3, THREADS, 0, 0);
    size_t i;

    run_mixed(j, THREADS, 3000);
    check_mixed_counts(j, 3000);
    ck_assert_uint_eq(mr_journal_kept(j), (size_t)THREADS * 3000);
    ck_assert_uint_eq(check_kept_calls(j), 0);
    ck_assert_uint_eq(mr_journal_dropped_from(j), 0);
    for (i = 0; i < mr_journal_kept(j); i++)
        ck_assert_uint_eq(mr_journal_at(j, i)->seq, i + 1);
    mr_journal_free(j);
}
END_TEST

/* --- limits ------------------------------------------------------------- */

/* Snapshots taken while four threads append: each is sorted by seq, holds every call
 * committed before it (never fewer than the last snapshot) and complete records only. */
struct snap_arg {
    struct mr_journal *j;
    atomic_bool *done;
    size_t taken, max_seen;
};

static void *snapshotter(void *p)
{
    struct snap_arg *a = p;
    while (!atomic_load(a->done)) {
        const struct mr_call **calls;
        size_t n, i;
        ck_assert_int_eq(mr_journal_snapshot(a->j, &calls, &n), 0);
        ck_assert_uint_ge(n, a->max_seen);
        for (i = 0; i < n; i++) {
            ck_assert(i == 0 || calls[i - 1]->seq < calls[i]->seq);
            ck_assert_str_eq(calls[i]->method, "GET");
            ck_assert_int_eq(strncmp(calls[i]->path, "/t", 2), 0);
        }
        a->max_seen = n;
        a->taken++;
        free(calls);
    }
    return NULL;
}

START_TEST(test_snapshot_during_appends)
{
    struct mr_journal *j = journal(4, THREADS, 0, 0);
    atomic_bool done = false;
    struct snap_arg a = {j, &done, 0, 0};
    const struct mr_call **calls;
    pthread_t th;
    size_t n;

    ck_assert_int_eq(pthread_create(&th, NULL, snapshotter, &a), 0);
    run_mixed(j, 4, 3000);
    atomic_store(&done, true);
    pthread_join(th, NULL);
    ck_assert_uint_gt(a.taken, 0);
    ck_assert_int_eq(mr_journal_snapshot(j, &calls, &n), 0);
    ck_assert_uint_eq(n, 12000);
    ck_assert_uint_eq(calls[0]->seq, 1);
    ck_assert_uint_eq(calls[n - 1]->seq, 12000);
    free(calls);
    mr_journal_free(j);
}
END_TEST

/* The answer's body is kept as given (the server caps it), and none when not given. */
START_TEST(test_answer_kept)
{
    struct mr_journal *j = journal(1, 0, 0, 0);
    struct mr_call_meta m;
    struct rq r;

    meta_of(&m, 0, 201);
    m.answer = "{\"id\":1}xyz";
    m.answer_len = 8;
    mr_journal_append(j, &m, req_of(&r, "POST", "/a", "", "in", 2, NULL), NULL, 0);
    meta_of(&m, 0, 200);
    mr_journal_append(j, &m, req_of(&r, "GET", "/b", "", NULL, 0, NULL), NULL, 0);
    ck_assert_uint_eq(mr_journal_kept(j), 2);
    ck_assert_uint_eq(mr_journal_at(j, 0)->answer_len, 8);
    ck_assert_str_eq(mr_journal_at(j, 0)->answer, "{\"id\":1}");
    ck_assert_str_eq(mr_journal_at(j, 0)->body, "in");
    ck_assert_ptr_null(mr_journal_at(j, 1)->answer);
    ck_assert_uint_eq(mr_journal_at(j, 1)->answer_len, 0);
    mr_journal_free(j);
}
END_TEST

/* A reset starts the counts afresh and keeps every call. */
START_TEST(test_reset)
{
    struct mr_journal *j = journal(2, 1, 0, 0);
    size_t hit = 0;

    add(j, 0, &hit, 1, "/a");
    add(j, 1, NULL, 0, "/b");
    add(j, -1, NULL, 0, "/c");
    mr_journal_reset(j);
    ck_assert_uint_eq(mr_journal_reset_seq(j), 3);
    ck_assert_uint_eq(mr_journal_route_count(j, 0), 0);
    ck_assert_uint_eq(mr_journal_expect_count(j, 0), 0);
    ck_assert_uint_eq(mr_journal_unmatched(j, -1), 0);
    add(j, 0, &hit, 1, "/a");
    add(j, -1, NULL, 0, "/d");
    ck_assert_uint_eq(mr_journal_route_count(j, 0), 1);
    ck_assert_uint_eq(mr_journal_route_count(j, 1), 0);
    ck_assert_uint_eq(mr_journal_expect_count(j, 0), 1);
    ck_assert_uint_eq(mr_journal_unmatched(j, -1), 1);
    ck_assert_uint_eq(mr_journal_total(j), 5);
    ck_assert_uint_eq(mr_journal_kept(j), 5); /* nothing recorded is lost */
    mr_journal_free(j);
}
END_TEST

START_TEST(test_max_calls)
{
    struct mr_journal *j = journal(2, 1, 5, 0);
    size_t h[] = {0};
    int i;

    for (i = 0; i < 12; i++)
        ck_assert_uint_eq(add(j, i % 3 == 2 ? -1 : i % 2, h, 1, "/p"), (uint64_t)i + 1);
    ck_assert_uint_eq(mr_journal_total(j), 12);
    ck_assert_uint_eq(mr_journal_kept(j), 5);
    ck_assert_uint_eq(mr_journal_dropped_from(j), 6);
    /* counts stay exact past the limit */
    ck_assert_uint_eq(mr_journal_unmatched(j, -1), 4);
    ck_assert_uint_eq(mr_journal_route_count(j, 0), 4);
    ck_assert_uint_eq(mr_journal_route_count(j, 1), 4);
    ck_assert_uint_eq(mr_journal_expect_count(j, 0), 12);
    ck_assert_uint_eq(mr_journal_at(j, 4)->seq, 5);
    ck_assert_ptr_null(mr_journal_at(j, 5));
    mr_journal_free(j);
}
END_TEST

START_TEST(test_max_bytes)
{
    struct mr_journal *j;
    struct rq r;
    struct mr_call_meta m;
    char *big = malloc(2u << 20);
    int i;

    memset(big, 'b', 2u << 20);
    /* a body larger than the whole budget: dropped at once, and everything after it too,
     * so the kept calls are always a prefix */
    j = journal(1, 0, 0, 1u << 20);
    meta_of(&m, 0, 200);
    mr_journal_append(j, &m, req_of(&r, "POST", "/big", "", big, 2u << 20, NULL), NULL, 0);
    add(j, 0, NULL, 0, "/small");
    ck_assert_uint_eq(mr_journal_kept(j), 0);
    ck_assert_uint_eq(mr_journal_dropped_from(j), 1);
    ck_assert_uint_eq(mr_journal_total(j), 2);
    ck_assert_uint_eq(mr_journal_route_count(j, 0), 2);
    mr_journal_free(j);

    /* a budget of 3 MiB holds the first big body, not the second */
    j = journal(1, 0, 0, 3u << 20);
    for (i = 0; i < 3; i++) {
        meta_of(&m, 0, 200);
        mr_journal_append(j, &m, req_of(&r, "POST", "/big", "", big, 2u << 20, NULL), NULL, 0);
    }
    ck_assert_uint_eq(mr_journal_kept(j), 1);
    ck_assert_uint_eq(mr_journal_dropped_from(j), 2);
    ck_assert_uint_eq(mr_journal_at(j, 0)->body_len, 2u << 20);
    ck_assert_uint_le(mr_journal_memory(j), 3u << 20);
    mr_journal_free(j);
    free(big);
}
END_TEST

START_TEST(test_max_calls_concurrent)
{
    /* exactly max_calls are kept; the counts go on */
    struct mr_journal *j = journal(3, THREADS, 5000, 0);
    uint64_t gap;

    run_mixed(j, THREADS, 3000);
    check_mixed_counts(j, 3000);
    ck_assert_uint_eq(mr_journal_kept(j), 5000);
    gap = check_kept_calls(j);
    ck_assert_uint_ne(gap, 0);
    ck_assert_uint_eq(mr_journal_dropped_from(j), gap);
    mr_journal_free(j);
}
END_TEST

START_TEST(test_max_bytes_concurrent)
{
    /* the byte budget bounds what the shards allocate, whichever thread hits it */
    size_t budget = 4u << 20;
    struct mr_journal *j = journal(3, THREADS, 0, budget);
    uint64_t gap;

    run_mixed(j, THREADS, 3000);
    check_mixed_counts(j, 3000);
    ck_assert_uint_gt(mr_journal_kept(j), 0);
    ck_assert_uint_lt(mr_journal_kept(j), (size_t)THREADS * 3000);
    gap = check_kept_calls(j);
    ck_assert_uint_ne(gap, 0);
    ck_assert_uint_eq(mr_journal_dropped_from(j), gap);
    /* storage within the budget; beyond it only the index and fixed per-shard records */
    ck_assert_uint_le(mr_journal_memory(j),
                      budget + mr_journal_kept(j) * sizeof(void *) + 64 * 1024);
    mr_journal_free(j);
}
END_TEST

START_TEST(test_big_bodies_between_small_calls)
{
    /* a body bigger than a quarter block gets its own block; small calls around it stay intact */
    struct mr_journal *j = journal(1, 0, 0, 0);
    size_t sizes[] = {10, 100000, 20, 300000, 0, 65536, 65537, 5};
    size_t k, i;
    struct rq r;
    struct mr_call_meta m;

    for (k = 0; k < 4; k++) {
        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            char *b = malloc(sizes[i] + 1);
            memset(b, (int)('a' + i), sizes[i]);
            meta_of(&m, 0, 200);
            mr_journal_append(j, &m, req_of(&r, "PUT", "/x", "q", b, sizes[i], NULL), NULL, 0);
            free(b);
        }
    }
    ck_assert_uint_eq(mr_journal_kept(j), 4 * sizeof(sizes) / sizeof(sizes[0]));
    for (k = 0; k < mr_journal_kept(j); k++) {
        const struct mr_call *c = mr_journal_at(j, k);
        size_t idx = k % (sizeof(sizes) / sizeof(sizes[0]));
        ck_assert_uint_eq(c->body_len, sizes[idx]);
        for (i = 0; i < c->body_len; i += 4093)
            ck_assert_int_eq(c->body[i], (char)('a' + idx));
        if (c->body_len)
            ck_assert_int_eq(c->body[c->body_len - 1], (char)('a' + idx));
        ck_assert_int_eq(c->body[c->body_len], '\0');
        ck_assert_str_eq(c->method, "PUT");
        ck_assert_str_eq(c->query, "q");
    }
    mr_journal_free(j);
}
END_TEST

START_TEST(test_memory_per_call)
{
    /* 100k body-less calls: the per-call cost stays small (a design guard) */
    struct mr_journal *j = journal(1, 0, 0, 0);
    size_t n = 100000, i, mem;
    static const char *const hdrs[] = {"Host: 127.0.0.1:4000", NULL};
    struct rq r;
    struct mr_call_meta m;

    for (i = 0; i < n; i++) {
        meta_of(&m, 0, 200);
        mr_journal_append(j, &m, req_of(&r, "GET", "/v1/items", "", NULL, 0, hdrs), NULL, 0);
    }
    ck_assert_uint_eq(mr_journal_kept(j), n);
    mem = mr_journal_memory(j);
    ck_assert_msg(mem / n < 300, "%zu bytes per call", mem / n);
    ck_assert_uint_gt(mem, n * sizeof(struct mr_call)); /* it does count the calls */
    mr_journal_free(j);
}
END_TEST

/* --- one thread, several journals ---------------------------------------- */

#define NJOURNALS 6 /* more than a thread's cache of shards */

START_TEST(test_journals_alternate)
{
    struct mr_journal *js[NJOURNALS], *ref = journal(1, 1, 0, 0);
    size_t hit = 0, i, k;
    char path[32];

    for (k = 0; k < NJOURNALS; k++)
        js[k] = journal(1, 1, 0, 0);
    /* two journals in turn, then six (the cache forgets some and finds them again) */
    for (i = 0; i < 2000; i++) {
        snprintf(path, sizeof(path), "/j%zu/%zu", i % 2, i / 2);
        ck_assert_uint_eq(add(js[i % 2], 0, &hit, 1, path), i / 2 + 1);
    }
    for (i = 2000; i < 8000; i++) {
        k = i % NJOURNALS;
        snprintf(path, sizeof(path), "/j%zu/%zu", k, i);
        add(js[k], k % 2 ? -1 : 0, &hit, 1, path);
    }
    for (k = 0; k < NJOURNALS; k++) {
        size_t kept = mr_journal_kept(js[k]);
        size_t want = 6000 / NJOURNALS + (k < 2 ? 1000 : 0);
        ck_assert_uint_eq(kept, want);
        ck_assert_uint_eq(mr_journal_total(js[k]), want);
        ck_assert_uint_eq(mr_journal_expect_count(js[k], 0), want);
        ck_assert_uint_eq(mr_journal_unmatched(js[k], -1), k % 2 ? 1000 : 0);
        for (i = 0; i < kept; i++) {
            const struct mr_call *c = mr_journal_at(js[k], i);
            size_t ck, ci;
            ck_assert_uint_eq(c->seq, i + 1);
            ck_assert_int_eq(sscanf(c->path, "/j%zu/%zu", &ck, &ci), 2);
            ck_assert_uint_eq(ck, k);
        }
    }
    /* one shard per journal for this thread: as much memory as calls made in a row */
    for (i = 0; i < 1000 + 6000 / NJOURNALS; i++) {
        snprintf(path, sizeof(path), "/j%d/%zu", 0, i < 1000 ? i : i + 2000);
        add(ref, 0, &hit, 1, path);
    }
    ck_assert_uint_eq(mr_journal_kept(ref), mr_journal_kept(js[0]));
    ck_assert_uint_eq(mr_journal_memory(ref), mr_journal_memory(js[0]));
    for (k = 0; k < NJOURNALS; k++)
        mr_journal_free(js[k]);
    mr_journal_free(ref);
}
END_TEST

/* Threads that outlive journals: each round a new journal (malloc may well give it the
 * address of the one just freed) gets appends from the same threads. */
#define ROUNDS 30
#define ROUND_CALLS 500

struct round_ctx {
    pthread_barrier_t start, done;
    struct mr_journal *j;
    int round;
};

struct round_arg {
    struct round_ctx *ctx;
    int t;
};

static void *round_worker(void *p)
{
    struct round_arg *a = p;
    int r, i;

    for (r = 0; r < ROUNDS; r++) {
        pthread_barrier_wait(&a->ctx->start);
        for (i = 0; i < ROUND_CALLS; i++) {
            char path[48];
            struct rq rr;
            struct mr_call_meta m;
            snprintf(path, sizeof(path), "/r%d/t%d/%d", a->ctx->round, a->t, i);
            meta_of(&m, a->t % 2, 200);
            m.service = (uint16_t)a->t;
            mr_journal_append(a->ctx->j, &m, req_of(&rr, "GET", path, "", NULL, 0, NULL), NULL, 0);
        }
        pthread_barrier_wait(&a->ctx->done);
    }
    return NULL;
}

START_TEST(test_journal_freed_and_new)
{
    struct round_ctx ctx;
    struct round_arg args[4];
    pthread_t th[4];
    void *prev = NULL;
    int t, r, reused = 0;
    size_t i;

    /* one thread: a journal freed, then a new one */
    for (r = 0; r < 10; r++) {
        struct mr_journal *j = journal(1, 0, 0, 0);
        reused += (void *)j == prev;
        prev = j;
        ck_assert_uint_eq(add(j, 0, NULL, 0, "/a"), 1);
        ck_assert_uint_eq(add(j, 0, NULL, 0, "/b"), 2);
        ck_assert_uint_eq(mr_journal_kept(j), 2);
        ck_assert_str_eq(mr_journal_at(j, 1)->path, "/b");
        mr_journal_free(j);
    }

    /* four threads kept across journals */
    memset(&ctx, 0, sizeof(ctx));
    pthread_barrier_init(&ctx.start, NULL, 5);
    pthread_barrier_init(&ctx.done, NULL, 5);
    for (t = 0; t < 4; t++) {
        args[t].ctx = &ctx;
        args[t].t = t;
        ck_assert_int_eq(pthread_create(&th[t], NULL, round_worker, &args[t]), 0);
    }
    for (r = 0; r < ROUNDS; r++) {
        int last[4] = {-1, -1, -1, -1};
        ctx.j = journal(2, 0, 0, 0);
        reused += (void *)ctx.j == prev;
        prev = ctx.j;
        ctx.round = r;
        pthread_barrier_wait(&ctx.start);
        pthread_barrier_wait(&ctx.done);
        ck_assert_uint_eq(mr_journal_total(ctx.j), 4 * ROUND_CALLS);
        ck_assert_uint_eq(mr_journal_kept(ctx.j), 4 * ROUND_CALLS);
        ck_assert_uint_eq(mr_journal_route_count(ctx.j, 0), 2 * ROUND_CALLS);
        ck_assert_uint_eq(mr_journal_route_count(ctx.j, 1), 2 * ROUND_CALLS);
        for (i = 0; i < 4 * ROUND_CALLS; i++) {
            const struct mr_call *c = mr_journal_at(ctx.j, i);
            int cr, ct, ci;
            ck_assert_uint_eq(c->seq, i + 1);
            ck_assert_int_eq(sscanf(c->path, "/r%d/t%d/%d", &cr, &ct, &ci), 3);
            ck_assert_int_eq(cr, r);
            ck_assert_int_eq(ci, last[ct] + 1);
            last[ct] = ci;
        }
        mr_journal_free(ctx.j);
    }
    for (t = 0; t < 4; t++)
        pthread_join(th[t], NULL);
    pthread_barrier_destroy(&ctx.start);
    pthread_barrier_destroy(&ctx.done);
    if (getenv("JOURNAL_TEST_VERBOSE"))
        fprintf(stderr, "test_journal_freed_and_new: %d of %d new journals at the old address\n",
                reused, 10 + ROUNDS);
}
END_TEST

/* --- JSON --------------------------------------------------------------- */

static int to_buf(void *ctx, const void *data, size_t len)
{
    return mr_buf_append(ctx, data, len) ? 0 : -1;
}

static int calls;
static int fail_second(void *ctx, const void *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return ++calls == 2 ? -7 : 0;
}

static struct mr_scenario *two_services(void)
{
    static const char text[] = "{\"services\": {\"pay\": {\"routes\": [{\"id\": \"charge\"}]},"
                               " \"mail\": {\"routes\": [{\"id\": \"send\"}]}}}";
    struct mr_error_list errs;
    struct mr_scenario *sc = NULL;

    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(mr_scenario_parse_one(&sc, "j.json", text, strlen(text), &errs), 0);
    return sc;
}

static cJSON *journal_json(const struct mr_journal *j, const struct mr_scenario *sc)
{
    struct mr_buf b;
    cJSON *root;

    mr_buf_init(&b);
    ck_assert_int_eq(mr_journal_write_json(j, sc, to_buf, &b), 0);
    ck_assert(!b.failed);
    ck_assert_int_eq(b.data[b.len - 1], '\n');
    root = cJSON_ParseWithLength(b.data, b.len);
    ck_assert_msg(root != NULL, "not JSON:\n%s", b.data);
    mr_buf_release(&b);
    return root;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    ck_assert_msg(cJSON_IsString(v), "%s is not a string", key);
    return v->valuestring;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", key);
    return v->valuedouble;
}

START_TEST(test_misses_by_kind)
{
    struct mr_scenario *sc = two_services();
    struct mr_journal *j = journal(sc->nroutes, 0, 0, 0);
    struct mr_call_meta m;
    struct rq r;
    const char *json;
    struct mr_buf b;

    add(j, -1, NULL, 0, "/plain");
    meta_of(&m, -1, 404);
    m.allowed = true;
    mr_journal_append(j, &m, req_of(&r, "GET", "/allowed", "", NULL, 0, NULL), NULL, 0);
    meta_of(&m, -1, 200);
    m.proxied = true;
    m.service = 1;
    mr_journal_append(j, &m, req_of(&r, "GET", "/proxied", "", NULL, 0, NULL), NULL, 0);
    mr_journal_append(j, &m, req_of(&r, "GET", "/proxied", "", NULL, 0, NULL), NULL, 0);

    /* each kind counted apart, per service */
    ck_assert_uint_eq(mr_journal_unmatched(j, -1), 1);
    ck_assert_uint_eq(mr_journal_allowed(j, -1), 1);
    ck_assert_uint_eq(mr_journal_proxied(j, -1), 2);
    ck_assert_uint_eq(mr_journal_proxied(j, 0), 0);
    ck_assert_uint_eq(mr_journal_proxied(j, 1), 2);
    ck_assert(!mr_journal_at(j, 1)->proxied);
    ck_assert(mr_journal_at(j, 2)->proxied);
    mr_buf_init(&b);
    mr_journal_call_json(&b, mr_journal_at(j, 2), sc);
    json = mr_buf_cstr(&b);
    ck_assert_msg(strstr(json, ", \"proxied\": true"), "%s", json);
    mr_buf_release(&b);
    mr_journal_reset(j);
    ck_assert_uint_eq(mr_journal_proxied(j, -1), 0);
    mr_journal_free(j);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_json_fields)
{
    struct mr_scenario *sc = two_services();
    struct mr_journal *j = journal(sc->nroutes, 0, 0, 0);
    static const char *const hdrs[] = {"Content-Type: application/json", "X-Q: \"quoted\"\\", NULL};
    static const char body[] = "{\"a\": \"caf\xc3\xa9\"}\n\t\x01";
    struct rq r;
    struct mr_call_meta m;
    cJSON *root, *c, *h;

    meta_of(&m, 1, 202);
    m.service = 1;
    m.duration_us = 1234;
    m.body_size = 99;
    m.body_truncated = true;
    mr_journal_append(
        j, &m, req_of(&r, "POST", "/v1/x", "a=1&b=\xc3\xa9", body, strlen(body), hdrs), NULL, 0);
    meta_of(&m, -1, 404);
    m.near = "no route matched GET /n; closest: \"charge\" (1 of 1 condition differs)\n"
             "  route \"charge\": 1 of 1 condition differs\n"
             "    path \u2717 (/n vs /c)";
    mr_journal_append(j, &m, req_of(&r, "GET", "/n", "", NULL, 0, NULL), NULL, 0);

    root = journal_json(j, sc);
    ck_assert(cJSON_IsArray(root));
    ck_assert_int_eq(cJSON_GetArraySize(root), 2);

    c = cJSON_GetArrayItem(root, 0);
    ck_assert_int_eq((int)num(c, "seq"), 1);
    ck_assert_str_eq(str(c, "time"), "2026-11-25T12:30:57.123Z");
    ck_assert_str_eq(str(c, "service"), "mail");
    ck_assert_str_eq(str(c, "method"), "POST");
    ck_assert_str_eq(str(c, "path"), "/v1/x");
    ck_assert_str_eq(str(c, "query"), "a=1&b=\xc3\xa9");
    h = cJSON_GetObjectItemCaseSensitive(c, "headers");
    ck_assert(cJSON_IsObject(h));
    ck_assert_int_eq(cJSON_GetArraySize(h), 2);
    ck_assert_str_eq(str(h, "Content-Type"), "application/json");
    ck_assert_str_eq(str(h, "X-Q"), "\"quoted\"\\");
    ck_assert_str_eq(str(c, "body"), body); /* valid UTF-8, control bytes escaped */
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(c, "bodyBase64"));
    ck_assert_int_eq((int)num(c, "bodySize"), 99);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "bodyTruncated")));
    ck_assert_str_eq(str(c, "route"), "send");
    ck_assert_int_eq((int)num(c, "status"), 202);
    ck_assert_double_eq_tol(num(c, "durationMs"), 1.234, 1e-9);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(c, "nearMiss"));
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(c, "nearMissDetails"));

    c = cJSON_GetArrayItem(root, 1);
    ck_assert_str_eq(str(c, "service"), "pay");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(c, "route")));
    ck_assert_str_eq(str(c, "body"), "");
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c, "bodyTruncated")));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "headers")), 0);
    /* the summary stays a one-line string; the lines after it are a list */
    ck_assert_str_eq(str(c, "nearMiss"),
                     "no route matched GET /n; closest: \"charge\" (1 of 1 condition differs)");
    h = cJSON_GetObjectItemCaseSensitive(c, "nearMissDetails");
    ck_assert(cJSON_IsArray(h));
    ck_assert_int_eq(cJSON_GetArraySize(h), 2);
    ck_assert_str_eq(cJSON_GetArrayItem(h, 0)->valuestring,
                     "  route \"charge\": 1 of 1 condition differs");
    ck_assert_str_eq(cJSON_GetArrayItem(h, 1)->valuestring, "    path \u2717 (/n vs /c)");
    cJSON_Delete(root);
    mr_journal_free(j);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_json_binary_body_base64)
{
    static const struct {
        const char *body;
        size_t len;
        const char *b64;
    } cases[] = {
        {"\xff", 1, "/w=="},
        {"\xff\xfe", 2, "//4="},
        {"\xff\xfe\x00", 3, "//4A"},
        {"a\x80"
         "bc",
         4, "YYBiYw=="},
        {"\xc3\x28", 2, "wyg="},             /* a broken 2-byte sequence */
        {"\xed\xa0\x80", 3, "7aCA"},         /* a UTF-16 surrogate */
        {"\xc0\xaf", 2, "wK8="},             /* an overlong '/' */
        {"\xf4\x90\x80\x80", 4, "9JCAgA=="}, /* past U+10FFFF */
        {"\xe2\x82", 2, "4oI="},             /* cut short */
        {"a\0b", 3, "YQBi"},                 /* UTF-8, but \u0000 would end a cJSON string */
    };
    struct mr_scenario *sc = two_services();
    struct mr_journal *j = journal(sc->nroutes, 0, 0, 0);
    static const char *const bad_hdr[] = {"X-Bin: a\xff", NULL};
    struct rq r;
    struct mr_call_meta m;
    cJSON *root;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        meta_of(&m, 0, 200);
        mr_journal_append(j, &m, req_of(&r, "POST", "/", "", cases[i].body, cases[i].len, bad_hdr),
                          NULL, 0);
    }
    root = journal_json(j, sc);
    ck_assert_int_eq(cJSON_GetArraySize(root), (int)(sizeof(cases) / sizeof(cases[0])));
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const cJSON *c = cJSON_GetArrayItem(root, (int)i);
        ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(c, "body"));
        ck_assert_msg(strcmp(str(c, "bodyBase64"), cases[i].b64) == 0, "case %zu: %s", i,
                      str(c, "bodyBase64"));
        /* invalid UTF-8 elsewhere becomes U+FFFD */
        ck_assert_str_eq(str(cJSON_GetObjectItemCaseSensitive(c, "headers"), "X-Bin"),
                         "a\xef\xbf\xbd");
    }
    cJSON_Delete(root);
    mr_journal_free(j);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_json_empty_and_dropped)
{
    struct mr_scenario *sc = two_services();
    struct mr_journal *j = journal(sc->nroutes, 0, 2, 0);
    cJSON *root, *tail;
    int i;

    root = journal_json(j, sc);
    ck_assert_int_eq(cJSON_GetArraySize(root), 0);
    cJSON_Delete(root);

    for (i = 0; i < 5; i++)
        add(j, 0, NULL, 0, "/");
    root = journal_json(j, sc);
    ck_assert_int_eq(cJSON_GetArraySize(root), 3);
    tail = cJSON_GetArrayItem(root, 2);
    ck_assert_int_eq((int)num(tail, "detailsDroppedFrom"), 3);
    ck_assert_int_eq((int)num(tail, "total"), 5);
    cJSON_Delete(root);
    mr_journal_free(j);

    /* dropped from the first call on: only the note */
    j = journal(sc->nroutes, 0, 0, 1);
    add(j, 0, NULL, 0, "/");
    root = journal_json(j, sc);
    ck_assert_int_eq(cJSON_GetArraySize(root), 1);
    ck_assert_int_eq((int)num(cJSON_GetArrayItem(root, 0), "detailsDroppedFrom"), 1);
    cJSON_Delete(root);
    mr_journal_free(j);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_json_write_error_stops)
{
    struct mr_scenario *sc = two_services();
    struct mr_journal *j = journal(sc->nroutes, 0, 0, 0);
    int i;

    for (i = 0; i < 5; i++)
        add(j, 0, NULL, 0, "/");
    calls = 0;
    ck_assert_int_eq(mr_journal_write_json(j, sc, fail_second, NULL), -7);
    ck_assert_int_eq(calls, 2); /* nothing written after the failure */
    mr_journal_free(j);
    mr_scenario_free(sc);
}
END_TEST

/* --- callback attempts -------------------------------------------------- */

static struct mr_scenario *with_callback(void)
{
    static const char text[] =
        "{\"services\": {\"pay\": {\"callbacks\": [{\"id\": \"paid\", \"url\": "
        "\"http://127.0.0.1:9/h\"}], \"routes\": [{\"id\": \"charge\", \"response\": "
        "{\"callbacks\": [{\"callback\": \"paid\"}]}}]}}}";
    struct mr_error_list errs;
    struct mr_scenario *sc = NULL;

    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(mr_scenario_parse_one(&sc, "j.json", text, strlen(text), &errs), 0);
    return sc;
}

static void attempt_of(struct mr_attempt *a, uint32_t n, enum mr_attempt_outcome o)
{
    static const char headers[] = "Content-Type\0application/json\0X-Sig\0t=1\0";
    memset(a, 0, sizeof(*a));
    a->delivery = 1;
    a->attempt = n;
    a->trigger = 3;
    a->outcome = o;
    a->wall_us = WALL_US;
    a->duration_us = 1500;
    a->method = "POST";
    a->url = "http://127.0.0.1:9/h";
    a->headers = headers;
    a->nheaders = 2;
    a->body = "{\"id\":\"ch_1\"}";
    a->body_len = 13;
    a->body_size = 13;
    if (o == MR_ATTEMPT_ANSWERED) {
        a->status = 500;
        a->answer = "nope";
        a->answer_len = 4;
        a->answer_size = 4;
        a->answer_type = "text/plain";
    } else {
        a->error = "connection refused";
    }
}

static int count_each(void *arg, const struct mr_attempt *a)
{
    (void)a;
    return ++*(int *)arg == 2 ? 9 : 0;
}

START_TEST(test_attempts)
{
    struct mr_scenario *sc = with_callback();
    struct mr_journal *j = journal(sc->nroutes, 0, 3, 0);
    struct mr_attempt a;
    const struct mr_attempt *got;
    const char *it = NULL, *name, *value;
    int n = 0;
    cJSON *root, *tail, *cbs, *first;

    ck_assert_uint_eq(mr_journal_attempts(j), 0);
    attempt_of(&a, 1, MR_ATTEMPT_ANSWERED);
    ck_assert_uint_eq(mr_journal_add_attempt(j, &a), 1);
    attempt_of(&a, 2, MR_ATTEMPT_FAILED);
    a.final = true;
    ck_assert_uint_eq(mr_journal_add_attempt(j, &a), 2);
    ck_assert_uint_eq(mr_journal_attempts(j), 2);
    got = mr_journal_attempt_at(j, 0);
    ck_assert_ptr_ne(got->url, a.url); /* a copy */
    ck_assert_str_eq(got->url, "http://127.0.0.1:9/h");
    ck_assert_str_eq(got->method, "POST");
    ck_assert_str_eq(got->body, "{\"id\":\"ch_1\"}");
    ck_assert_str_eq(got->answer, "nope");
    ck_assert_str_eq(got->answer_type, "text/plain");
    ck_assert_ptr_null(got->error);
    ck_assert_int_eq(got->status, 500);
    it = mr_attempt_next_header(got, it, &name, &value);
    ck_assert_str_eq(name, "Content-Type");
    ck_assert_str_eq(value, "application/json");
    it = mr_attempt_next_header(got, it, &name, &value);
    ck_assert_str_eq(name, "X-Sig");
    ck_assert_ptr_null(mr_attempt_next_header(got, it, &name, &value));
    got = mr_journal_attempt_at(j, 1);
    ck_assert_str_eq(got->error, "connection refused");
    ck_assert_ptr_null(got->answer);
    ck_assert(got->final);
    ck_assert_ptr_null(mr_journal_attempt_at(j, 2));
    ck_assert_int_eq(mr_journal_attempts_each(j, count_each, &n), 9);
    ck_assert_int_eq(n, 2);

    /* past max_calls: counted as dropped */
    ck_assert_uint_eq(mr_journal_add_attempt(j, &a), 3);
    ck_assert_uint_eq(mr_journal_add_attempt(j, &a), 0);
    ck_assert_uint_eq(mr_journal_attempts_dropped(j), 1);

    add(j, 0, NULL, 0, "/");
    root = journal_json(j, sc);
    ck_assert_int_eq(cJSON_GetArraySize(root), 2);
    tail = cJSON_GetArrayItem(root, 1);
    cbs = cJSON_GetObjectItemCaseSensitive(tail, "callbacks");
    ck_assert_int_eq(cJSON_GetArraySize(cbs), 3);
    ck_assert_int_eq((int)num(tail, "callbacksDropped"), 1);
    first = cJSON_GetArrayItem(cbs, 0);
    ck_assert_str_eq(str(first, "callback"), "paid");
    ck_assert_str_eq(str(first, "outcome"), "answered");
    ck_assert_str_eq(str(first, "time"), "2026-11-25T12:30:57.123Z");
    ck_assert_str_eq(str(first, "answer"), "nope");
    ck_assert_int_eq((int)num(first, "status"), 500);
    ck_assert_int_eq((int)num(first, "trigger"), 3);
    ck_assert_int_eq((int)num(first, "attempt"), 1);
    ck_assert_str_eq(str(cJSON_GetObjectItemCaseSensitive(first, "headers"), "X-Sig"), "t=1");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(first, "error")));
    ck_assert_str_eq(str(cJSON_GetArrayItem(cbs, 1), "error"), "connection refused");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cbs, 1), "status")));
    cJSON_Delete(root);
    mr_journal_free(j);
    mr_scenario_free(sc);
}
END_TEST

START_TEST(test_attempts_json_without_calls)
{
    struct mr_scenario *sc = with_callback();
    struct mr_journal *j = journal(sc->nroutes, 0, 0, 0);
    cJSON *root;

    /* no call, no attempt: still the callbacks element, empty */
    root = journal_json(j, sc);
    ck_assert_int_eq(cJSON_GetArraySize(root), 1);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
                         cJSON_GetArrayItem(root, 0), "callbacks")),
                     0);
    cJSON_Delete(root);
    mr_journal_free(j);
    mr_scenario_free(sc);
}
END_TEST

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 120);
    return tc;
}

/* --- attribution -------------------------------------------------------- */

START_TEST(test_calls_attributed_to_tests)
{
    struct mr_scenario *sc = two_services();
    struct mr_journal *j = journal(sc->nroutes, 0, 0, 0);
    struct mr_call_meta m;
    struct rq r;
    const char *first;
    struct mr_buf b;

    ck_assert_ptr_null(mr_journal_current_test(j));
    add(j, 0, NULL, 0, "/none");
    ck_assert_int_eq(mr_journal_set_test(j, "checkout pays", 13), 0);
    first = mr_journal_current_test(j);
    ck_assert_str_eq(first, "checkout pays");
    add(j, 0, NULL, 0, "/current");
    /* the header's name wins over the current test, and is copied */
    meta_of(&m, 0, 200);
    {
        char name[] = "refund xyz";
        m.test = name;
        m.test_len = 6;
        mr_journal_append(j, &m, req_of(&r, "GET", "/header", "", NULL, 0, NULL), NULL, 0);
        memset(name, 'x', sizeof(name) - 1);
    }
    /* an empty header: no test, even with a current one */
    m.test = "";
    m.test_len = 0;
    mr_journal_append(j, &m, req_of(&r, "GET", "/empty", "", NULL, 0, NULL), NULL, 0);
    /* a name set again is the same string; clearing */
    ck_assert_int_eq(mr_journal_set_test(j, "other", 5), 0);
    ck_assert_int_eq(mr_journal_set_test(j, "checkout pays", 13), 0);
    ck_assert_ptr_eq(mr_journal_current_test(j), first);
    ck_assert_int_eq(mr_journal_set_test(j, NULL, 0), 0);
    ck_assert_ptr_null(mr_journal_current_test(j));
    add(j, 0, NULL, 0, "/cleared");

    ck_assert_uint_eq(mr_journal_kept(j), 5);
    ck_assert_ptr_null(mr_journal_at(j, 0)->test);
    ck_assert_str_eq(mr_journal_at(j, 1)->test, "checkout pays");
    ck_assert_str_eq(mr_journal_at(j, 2)->test, "refund");
    ck_assert_ptr_null(mr_journal_at(j, 3)->test);
    ck_assert_ptr_null(mr_journal_at(j, 4)->test);

    mr_buf_init(&b);
    mr_journal_call_json(&b, mr_journal_at(j, 1), sc);
    ck_assert_ptr_nonnull(strstr(mr_buf_cstr(&b), ", \"test\": \"checkout pays\""));
    mr_buf_reset(&b);
    mr_journal_call_json(&b, mr_journal_at(j, 0), sc);
    ck_assert_ptr_null(strstr(mr_buf_cstr(&b), "\"test\""));
    mr_buf_release(&b);
    mr_journal_free(j);
    mr_scenario_free(sc);
}
END_TEST

static Suite *journal_suite(void)
{
    Suite *s = suite_create("journal");
    TCase *tc;

    tc = tcase("counters");
    tcase_add_test(tc, test_limits_defaults);
    tcase_add_test(tc, test_empty);
    tcase_add_test(tc, test_counters_exact);
    tcase_add_test(tc, test_call_fields);
    tcase_add_test(tc, test_copies_what_it_keeps);
    tcase_add_test(tc, test_reset);
    tcase_add_test(tc, test_misses_by_kind);
    tcase_add_test(tc, test_answer_kept);
    suite_add_tcase(s, tc);

    tc = tcase("calls");
    tcase_add_test(tc, test_next_header);
    tcase_add_test(tc, test_call_to_request_round_trip);
    suite_add_tcase(s, tc);

    tc = tcase("concurrency");
    tcase_add_test(tc, test_concurrent_appends);
    tcase_add_test(tc, test_concurrent_seq_order);
    tcase_add_test(tc, test_max_calls_concurrent);
    tcase_add_test(tc, test_max_bytes_concurrent);
    tcase_add_test(tc, test_snapshot_during_appends);
    suite_add_tcase(s, tc);

    tc = tcase("journals");
    tcase_add_test(tc, test_journals_alternate);
    tcase_add_test(tc, test_journal_freed_and_new);
    suite_add_tcase(s, tc);

    tc = tcase("limits");
    tcase_add_test(tc, test_max_calls);
    tcase_add_test(tc, test_max_bytes);
    tcase_add_test(tc, test_big_bodies_between_small_calls);
    tcase_add_test(tc, test_memory_per_call);
    suite_add_tcase(s, tc);

    tc = tcase("attribution");
    tcase_add_test(tc, test_calls_attributed_to_tests);
    suite_add_tcase(s, tc);

    tc = tcase("json");
    tcase_add_test(tc, test_json_fields);
    tcase_add_test(tc, test_json_binary_body_base64);
    tcase_add_test(tc, test_json_empty_and_dropped);
    tcase_add_test(tc, test_json_write_error_stops);
    suite_add_tcase(s, tc);

    tc = tcase("attempts");
    tcase_add_test(tc, test_attempts);
    tcase_add_test(tc, test_attempts_json_without_calls);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(journal_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
