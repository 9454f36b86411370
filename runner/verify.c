#define _GNU_SOURCE /* strsignal */
#include "runner/verify.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "runner/testnames.h"
#include "server/match.h"

#define MAX_LISTED 20

/* `#3 POST /v1/charges?x=1 -> 201`, request data made printable: it cannot forge report lines */
static void call_brief(struct mr_buf *b, const struct mr_call *c)
{
    mr_buf_printf(b, "#%llu ", (unsigned long long)c->seq);
    mr_buf_put_printable(b, c->method, strlen(c->method));
    mr_buf_putc(b, ' ');
    mr_buf_put_printable(b, c->path, strlen(c->path));
    if (*c->query) {
        mr_buf_putc(b, '?');
        mr_buf_put_printable(b, c->query, strlen(c->query));
    }
    mr_buf_printf(b, " -> %u", (unsigned)c->status);
}

static void call_line(struct mr_buf *b, const struct mr_scenario *sc, const struct mr_call *c,
                      const char *why)
{
    mr_buf_puts(b, "  ");
    call_brief(b, c);
    if (c->route >= 0 && (size_t)c->route < sc->nroutes)
        mr_buf_printf(b, " (route %s)", sc->routes[c->route].id);
    else if (c->proxied)
        mr_buf_puts(b, " (proxied)");
    else
        mr_buf_puts(b, " (no route matched)");
    if (sc->nservices > 1 && c->service < sc->nservices)
        mr_buf_printf(b, " [%s]", sc->services[c->service].name);
    mr_testnames_call(b, c);
    if (why || c->near) {
        /* an unmatched call's explanation has several lines: each indented */
        const char *w = why ? why : c->near, *nl;
        for (; w; w = nl ? nl + 1 : NULL) {
            nl = strchr(w, '\n');
            mr_buf_puts(b, "\n      ");
            mr_buf_put_printable(b, w, nl ? (size_t)(nl - w) : strlen(w));
        }
    }
    mr_buf_putc(b, '\n');
}

/* A kept call as the matcher sees it: mr_call_to_request over arrays of its own. */
struct call_request {
    struct mr_kv *kv;
    struct mr_kv *params;
    char *scratch;
    struct mr_request req;
};

static bool call_request_init(struct call_request *r, const struct mr_call *c)
{
    size_t np = mr_request_count_params(c->query);

    r->kv = calloc(c->nheaders + 1, sizeof(*r->kv));
    r->params = calloc(np + 1, sizeof(*r->params));
    r->scratch = malloc(strlen(c->query) + 2 * np + 2);
    if (!r->kv || !r->params || !r->scratch) {
        free(r->kv);
        free(r->params);
        free(r->scratch);
        return false;
    }
    mr_call_to_request(c, r->kv, r->params, np, r->scratch, &r->req);
    return true;
}

static void call_request_release(struct call_request *r)
{
    mr_request_release(&r->req);
    free(r->kv);
    free(r->params);
    free(r->scratch);
}

/* Matches a kept call against a matcher; fills `why` on a miss when asked. */
static bool call_matches(const struct mr_scenario *sc, const struct mr_call *c,
                         const struct mr_matcher *m, long route_for_why, char *why, size_t whysz)
{
    struct call_request r;
    struct mr_miss miss;
    bool ok;

    if (!call_request_init(&r, c))
        return false;
    ok = mr_match(m, &r.req, why ? &miss : NULL);
    if (!ok && why) {
        /* describe against a scenario route when we have one, else generically */
        if (route_for_why >= 0)
            mr_miss_describe(sc, route_for_why, &miss, &r.req, why, whysz);
        else
            mr_miss_explain(m, &miss, &r.req, "the expectation wants", why, whysz);
    }
    call_request_release(&r);
    return ok;
}

/*
 * Adds the case of expectation `e`: with the file and line it is written at,
 * and a message that starts with them ("checkout.json:14: expected ..."), so
 * a failure points at the expectation that failed.
 */
static int add_expect_case(struct mr_results *out, const struct mr_expect *e,
                           enum mr_case_status status, const char *msg, const char *detail)
{
    struct mr_buf m;
    struct mr_case *c;
    int rc;

    mr_buf_init(&m);
    if (status == MR_CASE_SKIP || !msg)
        mr_buf_puts(&m, msg ? msg : "");
    else if (e->file && e->line > 0)
        mr_buf_printf(&m, "%s:%d: %s", e->file, e->line, msg);
    else if (e->file)
        mr_buf_printf(&m, "%s: %s", e->file, msg);
    else
        mr_buf_puts(&m, msg);
    rc = m.failed ? MR_ENOMEM
                  : mr_results_add_case(out, status, e->name, msg ? mr_buf_cstr(&m) : NULL, detail);
    mr_buf_release(&m);
    if (rc != 0)
        return rc;
    c = &out->cases[out->ncases - 1];
    c->line = e->line;
    if (e->file && !(c->file = strdup(e->file)))
        return MR_ENOMEM;
    return 0;
}

/* `msg` followed by the tests that made the calls (mr_testnames_format), into `m`
 * (initialized here); releases `t`. */
static const char *with_tests(struct mr_buf *m, const char *msg, struct mr_testnames *t)
{
    mr_buf_init(m);
    mr_buf_puts(m, msg);
    mr_testnames_format(t, m);
    mr_testnames_release(t);
    return mr_buf_cstr(m);
}

/* Adds the case with `detail` built in `b`, and releases `b`. */
static int add_expect_case_buf(struct mr_results *out, const struct mr_expect *e,
                               enum mr_case_status status, const char *msg, struct mr_buf *b)
{
    int rc = b->failed ? MR_ENOMEM
                       : add_expect_case(out, e, status, msg, b->len ? mr_buf_cstr(b) : NULL);
    mr_buf_release(b);
    return rc;
}

/* A check over calls the journal did not keep: it can neither pass nor fail. */
static int add_incomplete(struct mr_results *out, const struct mr_verify_input *in,
                          const struct mr_expect *e)
{
    char msg[200];

    snprintf(msg, sizeof(msg),
             "cannot check: details of calls from #%llu on were not kept (journal limit); "
             "raise --journal-limit",
             (unsigned long long)mr_journal_dropped_from(in->journal));
    return add_expect_case(out, e, MR_CASE_ERROR, msg, NULL);
}

/* Whether kept call `c` is one expectation `e` looks at: after any reset, of
 * its route (if it names one), meeting its `request` (if it has one). */
static bool selected(const struct mr_verify_input *in, const struct mr_expect *e,
                     const struct mr_call *c)
{
    if (c->seq <= mr_journal_reset_seq(in->journal))
        return false;
    if (e->route >= 0 && c->route != e->route)
        return false;
    return !e->has_request || call_matches(in->sc, c, &e->request, -1, NULL, 0);
}

/* The selected kept calls, in arrival order (by wall clock; seq breaks ties).
 * Returns the count, or -1 when out of memory. */
static int by_arrival(const void *a, const void *b)
{
    const struct mr_call *x = *(const struct mr_call *const *)a;
    const struct mr_call *y = *(const struct mr_call *const *)b;
    if (x->wall_us != y->wall_us)
        return x->wall_us < y->wall_us ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static long selected_calls(const struct mr_verify_input *in, const struct mr_expect *e,
                           const struct mr_call ***out)
{
    size_t kept = mr_journal_kept(in->journal), i, n = 0;
    const struct mr_call **calls = malloc((kept ? kept : 1) * sizeof(*calls));

    *out = calls;
    if (!calls)
        return -1;
    for (i = 0; i < kept; i++) {
        const struct mr_call *c = mr_journal_at(in->journal, i);
        if (selected(in, e, c))
            calls[n++] = c;
    }
    qsort(calls, n, sizeof(*calls), by_arrival);
    return (long)n;
}

/* An unmatched call's verdicts against `route` (mr_miss_route_report), in buf. */
static const char *route_report(const struct mr_scenario *sc, const struct mr_call *c, long route,
                                char *buf, size_t size)
{
    struct call_request r;

    if (!call_request_init(&r, c)) {
        snprintf(buf, size, "(out of memory explaining route \"%s\")", sc->routes[route].id);
        return buf;
    }
    mr_miss_route_report(sc, route, &r.req, buf, size);
    call_request_release(&r);
    return buf;
}

/* Whether an unmatched call's explanation goes through route `id` (`route "id":`). */
static bool near_covers(const struct mr_call *c, const char *id)
{
    const char *p = c->near;
    size_t n = strlen(id);

    while (p && (p = strstr(p, "route \"")) != NULL) {
        p += 7;
        if (strncmp(p, id, n) == 0 && strncmp(p + n, "\":", 2) == 0)
            return true;
    }
    return false;
}

static int verify_count(struct mr_results *out, const struct mr_verify_input *in, size_t ei)
{
    const struct mr_scenario *sc = in->sc;
    const struct mr_expect *e = &sc->expects[ei];
    const struct mr_journal *j = in->journal;
    uint64_t n = mr_journal_expect_count(j, ei);
    size_t kept = mr_journal_kept(j), i, listed = 0, others = 0;
    char want[64], msg[256];
    struct mr_buf detail, m;
    struct mr_testnames tests;
    bool too_few;
    int rc;

    if (mr_count_holds(&e->count, n))
        return add_expect_case(out, e, MR_CASE_PASS, NULL, NULL);

    mr_count_format(&e->count, "call", want, sizeof(want));
    snprintf(msg, sizeof(msg), "expected %s, got %llu", want, (unsigned long long)n);
    too_few = (e->count.times >= 0 && n < (uint64_t)e->count.times) ||
              (e->count.at_least >= 0 && n < (uint64_t)e->count.at_least);

    mr_buf_init(&detail);
    if (e->implicit)
        mr_buf_printf(&detail,
                      "service %s is strict: each of its routes must be called unless an "
                      "expectation counts its calls (\"expect\": {\"atLeast\": 0} on the route "
                      "makes it optional)\n",
                      sc->services[sc->routes[e->route].service].name);
    /* the calls that were counted, and the tests that made them */
    mr_testnames_init(&tests);
    for (i = 0; i < kept; i++) {
        const struct mr_call *c = mr_journal_at(j, i);
        if (e->route >= 0 && c->route != e->route)
            continue;
        if (e->has_request && !call_matches(sc, c, &e->request, -1, NULL, 0))
            continue;
        mr_testnames_add(&tests, c);
        if (listed >= MAX_LISTED)
            continue;
        if (!listed++)
            mr_buf_puts(&detail, "calls counted:\n");
        call_line(&detail, sc, c, NULL);
    }
    /* when calls are missing, show the near misses: why each other call did not count */
    if (too_few) {
        for (i = 0; i < kept && others < MAX_LISTED; i++) {
            const struct mr_call *c = mr_journal_at(j, i);
            char why[600], report[MR_MISS_TEXT_MAX];
            const char *shown;
            bool counted;

            if (e->route >= 0) {
                const struct mr_route *rt = &sc->routes[e->route];
                if (c->service != rt->service)
                    continue;
                if (c->route == e->route) {
                    /* the route matched but the extra conditions did not */
                    counted =
                        !e->has_request || call_matches(sc, c, &e->request, -1, why, sizeof(why));
                    if (counted)
                        continue;
                } else if (c->route >= 0) {
                    continue; /* another route answered it; not a near miss */
                } else if (call_matches(sc, c, &rt->match, e->route, why, sizeof(why))) {
                    continue;
                }
            } else {
                if (call_matches(sc, c, &e->request, -1, why, sizeof(why)))
                    continue;
            }
            if (!others++)
                mr_buf_puts(&detail, "other calls, and why they did not count:\n");
            /* an unmatched call: the explanation it got when it was answered, when that
             * covers the expected route (it lists the closest few), else why it did
             * not match that route */
            shown = why;
            if (e->route >= 0 && c->route < 0)
                shown = near_covers(c, sc->routes[e->route].id)
                            ? NULL
                            : route_report(sc, c, e->route, report, sizeof(report));
            call_line(&detail, sc, c, shown);
        }
    }
    if (!listed && !others)
        mr_buf_puts(&detail, kept ? "no recorded call is related\n" : "no calls were recorded\n");
    if (mr_journal_dropped_from(j))
        mr_buf_printf(&detail,
                      "note: details of calls from #%llu on were not kept (journal limit); "
                      "counts are exact\n",
                      (unsigned long long)mr_journal_dropped_from(j));
    rc = add_expect_case_buf(out, e, MR_CASE_FAIL, with_tests(&m, msg, &tests), &detail);
    mr_buf_release(&m);
    return rc;
}

static int verify_state(struct mr_results *out, const struct mr_verify_input *in,
                        const struct mr_expect *e)
{
    const char *got = in->final_states ? in->final_states[e->service] : NULL;
    char msg[300];

    if (got && e->final_state && strcmp(got, e->final_state) == 0)
        return add_expect_case(out, e, MR_CASE_PASS, NULL, NULL);
    snprintf(msg, sizeof(msg), "expected service %s to end in state \"%s\", it ended in \"%s\"",
             in->sc->services[e->service].name, e->final_state ? e->final_state : "",
             got ? got : "?");
    return add_expect_case(out, e, MR_CASE_FAIL, msg, NULL);
}

/* --- order ------------------------------------------------------------ */

/* Route `route` as the `inOrder` list names it. */
static const char *order_name(const struct mr_scenario *sc, const struct mr_expect *e, long route)
{
    size_t i;
    for (i = 0; i < e->norder; i++)
        if (e->order[i] == route)
            return mr_expect_route_name(sc, e, i);
    return sc->routes[route].id;
}

/* "login, create-charge, get-charge" */
static void order_words(struct mr_buf *b, const struct mr_scenario *sc, const struct mr_expect *e)
{
    size_t i;
    for (i = 0; i < e->norder; i++)
        mr_buf_printf(b, "%s%s", i ? ", " : "", mr_expect_route_name(sc, e, i));
}

static bool in_order(const struct mr_expect *e, int32_t route)
{
    size_t i;
    for (i = 0; i < e->norder; i++)
        if (e->order[i] == route)
            return true;
    return false;
}

/*
 * `inOrder`: the calls of the listed routes, in seq order, are the sequence
 * S. Without `strict`, the list must be a subsequence of S (found greedily:
 * each step is the first call of its route after the previous step's); with
 * it, S must be the list exactly. A failure lists S (a window around where it
 * diverges) with the steps found, and says where it diverges.
 */
static int verify_order(struct mr_results *out, const struct mr_verify_input *in,
                        const struct mr_expect *e)
{
    const struct mr_scenario *sc = in->sc;
    const struct mr_journal *j = in->journal;
    size_t kept = mr_journal_kept(j), i, n = 0, step = 0, diverge, from, to;
    uint64_t dropped = mr_journal_dropped_from(j), reset = mr_journal_reset_seq(j);
    const struct mr_call **seq = malloc((kept ? kept : 1) * sizeof(*seq));
    size_t *steps = calloc(kept ? kept : 1, sizeof(*steps)); /* seq[i] is step steps[i] (1-based) */
    struct mr_buf msg, detail;
    bool ok, certain;
    int rc;

    if (!seq || !steps) {
        free(seq);
        free(steps);
        return MR_ENOMEM;
    }
    for (i = 0; i < kept; i++) {
        const struct mr_call *c = mr_journal_at(j, i);
        if (c->seq > reset && in_order(e, c->route))
            seq[n++] = c;
    }
    if (e->strict) {
        for (step = 0; step < n && step < e->norder && seq[step]->route == e->order[step]; step++)
            steps[step] = step + 1;
        ok = step == n && step == e->norder;
        diverge = step; /* the first position that differs */
        /* certain when what differs was kept with every call before it; a dropped
         * call may be one too many, or the missing one */
        certain = !dropped || (step < n && seq[step]->seq < dropped);
    } else {
        size_t last = 0;
        for (i = 0; i < n && step < e->norder; i++) {
            if (seq[i]->route == e->order[step]) {
                steps[i] = ++step;
                last = i;
            }
        }
        ok = step == e->norder;
        diverge = step ? last : 0;
        /* a dropped call may hold the missing step; found steps stay found */
        certain = !dropped || ok;
    }
    if (ok && certain) {
        free(seq);
        free(steps);
        return add_expect_case(out, e, MR_CASE_PASS, NULL, NULL);
    }
    if (!certain) {
        free(seq);
        free(steps);
        return add_incomplete(out, in, e);
    }

    mr_buf_init(&msg);
    mr_buf_puts(&msg, e->strict ? "expected exactly " : "expected ");
    order_words(&msg, sc, e);
    if (e->strict) {
        mr_buf_printf(&msg, "; diverges at call %zu", diverge + 1);
        if (diverge < n)
            mr_buf_printf(&msg, " (#%llu): %s, expected %s", (unsigned long long)seq[diverge]->seq,
                          order_name(sc, e, seq[diverge]->route),
                          diverge < e->norder ? mr_expect_route_name(sc, e, diverge)
                                              : "no further call");
        else
            mr_buf_printf(&msg, ": no call, expected %s", mr_expect_route_name(sc, e, diverge));
    } else {
        const char *want = mr_expect_route_name(sc, e, step);
        bool called = false;
        for (i = 0; i < n && !called; i++)
            called = seq[i]->route == e->order[step];
        mr_buf_printf(&msg, " in this order; diverges at step %zu: ", step + 1);
        if (!called)
            mr_buf_printf(&msg, "%s was never called", want);
        else
            mr_buf_printf(&msg, "no call of %s after #%llu (%s)", want,
                          (unsigned long long)seq[diverge]->seq,
                          order_name(sc, e, seq[diverge]->route));
    }

    mr_buf_init(&detail);
    if (!n)
        mr_buf_puts(&detail, "no calls of these routes were recorded\n");
    else
        mr_buf_puts(&detail, "calls of these routes, in order:\n");
    /* a window around where it diverges */
    from = diverge > MAX_LISTED / 2 ? diverge - MAX_LISTED / 2 : 0;
    to = from + MAX_LISTED < n ? from + MAX_LISTED : n;
    if (from)
        mr_buf_printf(&detail, "  ... %zu earlier\n", from);
    for (i = from; i < to; i++) {
        const struct mr_call *c = seq[i];
        mr_buf_printf(&detail, "  #%llu %s ", (unsigned long long)c->seq,
                      order_name(sc, e, c->route));
        mr_buf_put_printable(&detail, c->method, strlen(c->method));
        mr_buf_putc(&detail, ' ');
        mr_buf_put_printable(&detail, c->path, strlen(c->path));
        if (e->strict && i == diverge)
            mr_buf_printf(&detail, "  <- expected %s",
                          i < e->norder ? mr_expect_route_name(sc, e, i) : "no further call");
        else if (steps[i])
            mr_buf_printf(&detail, "  <- step %zu", steps[i]);
        mr_buf_putc(&detail, '\n');
    }
    if (to < n)
        mr_buf_printf(&detail, "  ... %zu more\n", n - to);
    if (dropped)
        mr_buf_printf(&detail,
                      "note: details of calls from #%llu on were not kept (journal limit)\n",
                      (unsigned long long)dropped);
    free(seq);
    free(steps);
    rc = msg.failed ? MR_ENOMEM
                    : add_expect_case_buf(out, e, MR_CASE_FAIL, mr_buf_cstr(&msg), &detail);
    if (msg.failed)
        mr_buf_release(&detail);
    mr_buf_release(&msg);
    return rc;
}

/* --- every ------------------------------------------------------------ */

/*
 * The i-th condition of `m` alone, in `one` (borrowing from m; a body's
 * jsonPath conditions count one each, through `body`). Returns false past
 * the last; `one` is then left without conditions for a condition m lacks.
 */
static bool nth_condition(const struct mr_matcher *m, size_t i, struct mr_matcher *one,
                          struct mr_body_cond *body)
{
    size_t nbody = !m->body ? 0 : m->body->op == MR_BODY_JSON_PATHS ? m->body->nfields : 1;

    memset(one, 0, sizeof(*one));
    if (i == 0) {
        one->method = m->method;
    } else if (i == 1) {
        one->path_kind = m->path_kind;
        one->path = m->path;
        one->segs = m->segs;
        one->nsegs = m->nsegs;
        one->path_re = m->path_re;
    } else if ((i -= 2) < m->nquery) {
        one->query = &m->query[i];
        one->nquery = 1;
    } else if ((i -= m->nquery) < m->nheaders) {
        one->headers = &m->headers[i];
        one->nheaders = 1;
    } else if ((i -= m->nheaders) < nbody) {
        *body = *m->body;
        if (body->op == MR_BODY_JSON_PATHS) {
            body->fields = &m->body->fields[i];
            body->nfields = 1;
        }
        one->body = body;
    } else {
        return false;
    }
    return true;
}

/* Appends a line for each condition of `m` the request fails; returns how many. */
static size_t explain_each(const struct mr_matcher *m, struct mr_request *req, struct mr_buf *b)
{
    struct mr_matcher one;
    struct mr_body_cond body;
    struct mr_miss miss;
    size_t i, failed = 0;
    char why[600];

    for (i = 0; nth_condition(m, i, &one, &body); i++) {
        if (!one.method && one.path_kind == MR_PATH_ANY && !one.nquery && !one.nheaders &&
            !one.body)
            continue;
        if (mr_match(&one, req, &miss))
            continue;
        failed++;
        mr_miss_explain(&one, &miss, req, "the expectation wants", why, sizeof(why));
        mr_buf_puts(b, "      ");
        mr_buf_put_printable(b, why, strlen(why));
        mr_buf_putc(b, '\n');
    }
    return failed;
}

/* `every`: each selected call meets the conditions. Vacuous with no calls. */
static int verify_every(struct mr_results *out, const struct mr_verify_input *in,
                        const struct mr_expect *e)
{
    const struct mr_journal *j = in->journal;
    size_t kept = mr_journal_kept(j), i, n = 0, bad = 0, unchecked = 0;
    bool reads_body = e->every.body || (e->has_request && e->request.body);
    struct mr_buf detail, lines, m;
    struct mr_testnames tests;
    char msg[300];
    int rc;

    mr_testnames_init(&tests);
    mr_buf_init(&detail);
    mr_buf_init(&lines);
    for (i = 0; i < kept; i++) {
        const struct mr_call *c = mr_journal_at(j, i);
        struct call_request r;
        size_t failed;

        if (!selected(in, e, c))
            continue;
        n++;
        if (c->body_truncated && reads_body) {
            unchecked++;
            continue;
        }
        if (!call_request_init(&r, c)) {
            mr_buf_release(&detail);
            mr_buf_release(&lines);
            mr_testnames_release(&tests);
            return MR_ENOMEM;
        }
        mr_buf_reset(&lines);
        failed = explain_each(&e->every, &r.req, &lines);
        call_request_release(&r);
        if (!failed)
            continue;
        mr_testnames_add(&tests, c);
        if (bad++ < MAX_LISTED) {
            if (bad == 1)
                mr_buf_puts(&detail, "calls that do not meet them:\n");
            mr_buf_puts(&detail, "  ");
            call_brief(&detail, c);
            mr_testnames_call(&detail, c);
            mr_buf_putc(&detail, '\n');
            mr_buf_append(&detail, lines.data, lines.len);
        }
    }
    mr_buf_release(&lines);
    if (bad > MAX_LISTED)
        mr_buf_printf(&detail, "  ... and %zu more\n", bad - MAX_LISTED);
    if (unchecked)
        mr_buf_printf(&detail,
                      "note: %zu call%s not checked: the journal kept only part of the body "
                      "(--body-limit)\n",
                      unchecked, unchecked == 1 ? " was" : "s were");
    if (bad) {
        snprintf(msg, sizeof(msg),
                 "expected every call to meet the conditions; %zu of %zu call%s do%s not", bad, n,
                 n == 1 ? "" : "s", bad == 1 ? "es" : "");
        rc = add_expect_case_buf(out, e, MR_CASE_FAIL, with_tests(&m, msg, &tests), &detail);
        mr_buf_release(&m);
        return rc;
    }
    mr_testnames_release(&tests);
    mr_buf_release(&detail);
    if (mr_journal_dropped_from(j))
        return add_incomplete(out, in, e);
    if (unchecked) {
        snprintf(msg, sizeof(msg),
                 "cannot check %zu of %zu calls: the journal kept only part of the body "
                 "(raise --body-limit)",
                 unchecked, n);
        return add_expect_case(out, e, MR_CASE_ERROR, msg, NULL);
    }
    return add_expect_case(out, e, MR_CASE_PASS, NULL,
                           n ? NULL : "note: no call was made, so there was nothing to check");
}

/* --- timing ----------------------------------------------------------- */

/* minIntervalMs: consecutive selected calls (by arrival) at least `ms` apart. */
static int verify_interval(struct mr_results *out, const struct mr_verify_input *in,
                           const struct mr_expect *e)
{
    const struct mr_call **calls;
    long n = selected_calls(in, e, &calls);
    int64_t min_us = e->ms * 1000, shortest = 0;
    size_t i, bad = 0, worst = 0;
    struct mr_buf detail;
    char msg[300];

    if (n < 0)
        return MR_ENOMEM;
    mr_buf_init(&detail);
    for (i = 1; i < (size_t)n; i++) {
        int64_t d = calls[i]->wall_us - calls[i - 1]->wall_us;
        if (d >= min_us)
            continue;
        if (!bad || d < shortest) {
            shortest = d;
            worst = i;
        }
        if (bad++ < MAX_LISTED) {
            if (bad == 1)
                mr_buf_printf(&detail, "calls less than %lld ms after the one before:\n",
                              (long long)e->ms);
            mr_buf_puts(&detail, "  ");
            call_brief(&detail, calls[i]);
            mr_buf_printf(&detail, ", %lld ms after #%llu\n", (long long)(d / 1000),
                          (unsigned long long)calls[i - 1]->seq);
        }
    }
    if (bad > MAX_LISTED)
        mr_buf_printf(&detail, "  ... and %zu more\n", bad - MAX_LISTED);
    if (bad) {
        snprintf(msg, sizeof(msg),
                 "expected calls at least %lld ms apart; %zu of %ld interval%s %s shorter, the "
                 "shortest %lld ms (#%llu after #%llu)",
                 (long long)e->ms, bad, n - 1, n - 1 == 1 ? "" : "s", bad == 1 ? "is" : "are",
                 (long long)(shortest / 1000), (unsigned long long)calls[worst]->seq,
                 (unsigned long long)calls[worst - 1]->seq);
        free(calls);
        return add_expect_case_buf(out, e, MR_CASE_FAIL, msg, &detail);
    }
    free(calls);
    mr_buf_release(&detail);
    if (mr_journal_dropped_from(in->journal))
        return add_incomplete(out, in, e);
    if (n < 2) {
        snprintf(msg, sizeof(msg), "note: %s, so no interval to check",
                 n ? "one call" : "no calls");
        return add_expect_case(out, e, MR_CASE_PASS, NULL, msg);
    }
    return add_expect_case(out, e, MR_CASE_PASS, NULL, NULL);
}

/* withinMs: the first selected call at most `ms` after the start. */
static int verify_within(struct mr_results *out, const struct mr_verify_input *in,
                         const struct mr_expect *e)
{
    const struct mr_call **calls;
    long n = selected_calls(in, e, &calls);
    uint64_t dropped = mr_journal_dropped_from(in->journal);
    struct mr_buf detail;
    char msg[300];
    int64_t d;

    if (n < 0)
        return MR_ENOMEM;
    if (!in->start_wall_us) {
        free(calls);
        return add_expect_case(out, e, MR_CASE_ERROR,
                               "cannot check: the time the command started is unknown", NULL);
    }
    if (dropped && (!n || calls[0]->seq >= dropped)) {
        /* the first call may be one whose details were dropped */
        free(calls);
        return add_incomplete(out, in, e);
    }
    if (!n) {
        free(calls);
        snprintf(msg, sizeof(msg), "expected the first call within %lld ms of the start; none came",
                 (long long)e->ms);
        return add_expect_case(out, e, MR_CASE_FAIL, msg, NULL);
    }
    d = calls[0]->wall_us - in->start_wall_us;
    if (d < 0)
        d = 0;
    if (d <= e->ms * 1000) {
        free(calls);
        return add_expect_case(out, e, MR_CASE_PASS, NULL, NULL);
    }
    snprintf(msg, sizeof(msg),
             "expected the first call within %lld ms of the start; it came after %lld ms",
             (long long)e->ms, (long long)(d / 1000));
    mr_buf_init(&detail);
    mr_buf_puts(&detail, "first call:\n  ");
    call_brief(&detail, calls[0]);
    mr_buf_printf(&detail, ", %lld ms after the start\n", (long long)(d / 1000));
    free(calls);
    return add_expect_case_buf(out, e, MR_CASE_FAIL, msg, &detail);
}

/* --- callbacks ------------------------------------------------------- */

#define MAX_PREVIEW 200

/* The kept call with sequence number seq, or NULL (binary search: kept calls are in seq order). */
static const struct mr_call *call_by_seq(const struct mr_journal *j, uint64_t seq)
{
    size_t lo = 0, hi = mr_journal_kept(j);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct mr_call *c = mr_journal_at(j, mid);
        if (c->seq == seq)
            return c;
        if (c->seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* `(after call #3 POST /v1/charges)` */
static void trigger_words(struct mr_buf *b, const struct mr_journal *j, uint64_t seq)
{
    const struct mr_call *c = call_by_seq(j, seq);

    mr_buf_printf(b, "after call #%llu", (unsigned long long)seq);
    if (c) {
        mr_buf_putc(b, ' ');
        mr_buf_put_printable(b, c->method, strlen(c->method));
        mr_buf_putc(b, ' ');
        mr_buf_put_printable(b, c->path, strlen(c->path));
    }
}

/* `sent: {...}`: the start of a body, printable, on one line. */
static void preview(struct mr_buf *b, const char *label, const char *s, size_t len, uint64_t size)
{
    size_t n = len < MAX_PREVIEW ? len : MAX_PREVIEW, i;

    mr_buf_printf(b, "          %s: ", label);
    for (i = 0; i < n; i++) {
        char c = s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i];
        mr_buf_put_printable(b, &c, 1);
    }
    if (size > n)
        mr_buf_printf(b, "... (%llu bytes)", (unsigned long long)size);
    mr_buf_putc(b, '\n');
}

/* One attempt: `attempt 2: POST http://... -> 500 (12 ms)`, then what was sent and answered. */
static void attempt_lines(struct mr_buf *b, const struct mr_attempt *a)
{
    mr_buf_printf(b, "      attempt %u: ", (unsigned)a->attempt);
    mr_buf_put_printable(b, a->method, strlen(a->method));
    mr_buf_putc(b, ' ');
    mr_buf_put_printable(b, a->url, strlen(a->url));
    if (a->outcome == MR_ATTEMPT_ANSWERED)
        mr_buf_printf(b, " -> %d (%lld ms)\n", a->status, (long long)(a->duration_us / 1000));
    else
        mr_buf_printf(b, ": %s\n", a->error ? a->error : mr_attempt_outcome_name(a->outcome));
    if (a->body_size)
        preview(b,
                a->outcome == MR_ATTEMPT_ANSWERED || a->outcome == MR_ATTEMPT_FAILED ? "sent"
                                                                                     : "body",
                a->body, a->body_len, a->body_size);
    if (a->answer && a->answer_size)
        preview(b, "answered", a->answer, a->answer_len, a->answer_size);
}

/* Whether delivery's final attempt `a` counts for expectation e. */
static bool delivered(const struct mr_expect *e, const struct mr_attempt *a)
{
    return a->final && a->outcome == MR_ATTEMPT_ANSWERED && (!e->status || a->status == e->status);
}

/* The routes whose responses send callback `cb`: "create-charge, refund". */
static void senders(struct mr_buf *b, const struct mr_scenario *sc, size_t cb)
{
    size_t i, k, u, n = 0;

    for (i = 0; i < sc->nroutes; i++) {
        const struct mr_route *rt = &sc->routes[i];
        bool sends = false;
        for (k = 0; k < (rt->nresponses ? rt->nresponses : 1) && !sends; k++) {
            const struct mr_response *r = rt->nresponses ? &rt->responses[k] : &rt->response;
            for (u = 0; u < r->ncallbacks; u++)
                sends |= r->callbacks[u].callback == cb;
        }
        if (sends)
            mr_buf_printf(b, "%s%s", n++ ? ", " : "", rt->id);
    }
}

/*
 * {"callback": id, times/atLeast/atMost, "status"}: the deliveries of the
 * callback (one per triggered use, whatever its retries) whose last attempt
 * the application answered (with `status`, when given) are counted. A
 * failure lists every delivery with its attempts: what was sent, and what
 * came back or why nothing did.
 */
static int verify_callback(struct mr_results *out, const struct mr_verify_input *in,
                           const struct mr_expect *e)
{
    const struct mr_scenario *sc = in->sc;
    const struct mr_journal *j = in->journal;
    const char *id = sc->callbacks[e->callback].id;
    size_t n = mr_journal_attempts(j), i, k, listed = 0;
    uint64_t counted = 0, triggered = 0;
    char want[64], status[32] = "", msg[300];
    struct mr_buf detail;

    for (i = 0; i < n; i++) {
        const struct mr_attempt *a = mr_journal_attempt_at(j, i);
        if (a->callback != (uint32_t)e->callback || !a->final)
            continue;
        triggered++;
        counted += delivered(e, a);
    }
    if (mr_count_holds(&e->count, counted) && !mr_journal_attempts_dropped(j))
        return add_expect_case(out, e, MR_CASE_PASS, NULL, NULL);
    if (mr_count_holds(&e->count, counted)) {
        snprintf(msg, sizeof(msg),
                 "cannot check: %llu callback attempts were not kept (journal limit); raise "
                 "--journal-limit",
                 (unsigned long long)mr_journal_attempts_dropped(j));
        return add_expect_case(out, e, MR_CASE_ERROR, msg, NULL);
    }

    if (e->status)
        snprintf(status, sizeof(status), " answered %d", e->status);
    mr_count_format(&e->count, "callback", want, sizeof(want));
    snprintf(msg, sizeof(msg), "expected %s%s%s, got %llu (%llu triggered)", want, status,
             e->status ? "" : " the application answered", (unsigned long long)counted,
             (unsigned long long)triggered);

    mr_buf_init(&detail);
    if (!triggered) {
        mr_buf_printf(&detail, "%s was never triggered: ", id);
        if (mr_journal_total(j) == 0) {
            mr_buf_puts(&detail, "no calls were recorded");
        } else {
            size_t mark = detail.len;
            mr_buf_puts(&detail, "no call chose a response that sends it (");
            senders(&detail, sc, (size_t)e->callback);
            if (detail.data[detail.len - 1] == '(') {
                detail.len = mark; /* no route sends it */
                mr_buf_puts(&detail, "no route's response sends it");
            } else {
                mr_buf_puts(&detail, ")");
            }
        }
        mr_buf_putc(&detail, '\n');
    } else {
        mr_buf_printf(&detail, "deliveries of %s:\n", id);
    }
    /* each delivery, its attempts in order */
    for (i = 0; i < n && listed < MAX_LISTED; i++) {
        const struct mr_attempt *f = mr_journal_attempt_at(j, i);
        if (f->callback != (uint32_t)e->callback || !f->final)
            continue;
        listed++;
        mr_buf_printf(&detail, "  delivery %llu (", (unsigned long long)f->delivery);
        trigger_words(&detail, j, f->trigger);
        mr_buf_printf(&detail, "): %s\n",
                      delivered(e, f)                     ? "counted"
                      : f->outcome == MR_ATTEMPT_ANSWERED ? "answered, not counted"
                                                          : mr_attempt_outcome_name(f->outcome));
        for (k = 0; k <= i; k++) {
            const struct mr_attempt *a = mr_journal_attempt_at(j, k);
            if (a->delivery == f->delivery)
                attempt_lines(&detail, a);
        }
    }
    if (triggered > listed)
        mr_buf_printf(&detail, "  ... and %llu more\n", (unsigned long long)(triggered - listed));
    if (mr_journal_attempts_dropped(j))
        mr_buf_printf(&detail, "note: %llu callback attempts were not kept (journal limit)\n",
                      (unsigned long long)mr_journal_attempts_dropped(j));
    return add_expect_case_buf(out, e, MR_CASE_FAIL, msg, &detail);
}

/* Callbacks whose URL was refused (not an http URL on loopback or an
 * allowHosts host): one case, in the first file's suite. */
static int verify_refused(struct mr_results *out, const struct mr_verify_input *in)
{
    const struct mr_scenario *sc = in->sc;
    const struct mr_journal *j = in->journal;
    static const char name[] = "no callback was refused (allowHosts)";
    size_t n = mr_journal_attempts(j), i, refused = 0;
    struct mr_buf detail;
    char msg[160];
    int rc;

    mr_buf_init(&detail);
    for (i = 0; i < n; i++) {
        const struct mr_attempt *a = mr_journal_attempt_at(j, i);
        if (a->outcome != MR_ATTEMPT_REFUSED)
            continue;
        if (refused++ >= MAX_LISTED)
            continue;
        mr_buf_printf(&detail, "  %s (", sc->callbacks[a->callback].id);
        trigger_words(&detail, j, a->trigger);
        mr_buf_puts(&detail, "): ");
        mr_buf_put_printable(&detail, a->error ? a->error : "refused",
                             strlen(a->error ? a->error : "refused"));
        mr_buf_puts(&detail, "\n      ");
        mr_buf_put_printable(&detail, a->method, strlen(a->method));
        mr_buf_putc(&detail, ' ');
        mr_buf_put_printable(&detail, a->url, strlen(a->url));
        mr_buf_putc(&detail, '\n');
    }
    if (!refused) {
        mr_buf_release(&detail);
        return mr_results_add_case(out, MR_CASE_PASS, name, NULL, NULL);
    }
    if (refused > MAX_LISTED)
        mr_buf_printf(&detail, "  ... and %zu more\n", refused - MAX_LISTED);
    mr_buf_puts(&detail, "callbacks go to loopback, or to hosts the scenario's \"allowHosts\" "
                         "names; these were never sent\n");
    snprintf(msg, sizeof(msg), "%zu callback%s refused", refused, refused == 1 ? " was" : "s were");
    rc = detail.failed ? MR_ENOMEM
                       : mr_results_add_case(out, MR_CASE_FAIL, name, msg, mr_buf_cstr(&detail));
    mr_buf_release(&detail);
    return rc;
}

/* Deliveries never sent because the run ended first: a note each (a few). */
static int note_unsent(struct mr_results *out, const struct mr_verify_input *in)
{
    const struct mr_journal *j = in->journal;
    size_t n = mr_journal_attempts(j), i, noted = 0, unsent = 0;
    struct mr_buf line;
    int rc = 0;

    mr_buf_init(&line);
    for (i = 0; i < n && rc == 0; i++) {
        const struct mr_attempt *a = mr_journal_attempt_at(j, i);
        if (a->outcome != MR_ATTEMPT_NOT_SENT)
            continue;
        if (unsent++ >= 5)
            continue;
        mr_buf_reset(&line);
        mr_buf_printf(&line, "mockrun: callback %s (", in->sc->callbacks[a->callback].id);
        trigger_words(&line, j, a->trigger);
        mr_buf_puts(&line, ") ");
        mr_buf_put_printable(&line, a->error ? a->error : "not sent",
                             strlen(a->error ? a->error : "not sent"));
        rc = line.failed ? MR_ENOMEM : mr_results_add_note(out, mr_buf_cstr(&line));
        noted++;
    }
    if (rc == 0 && unsent > noted) {
        mr_buf_reset(&line);
        mr_buf_printf(&line, "mockrun: ... and %zu more callbacks not sent", unsent - noted);
        rc = line.failed ? MR_ENOMEM : mr_results_add_note(out, mr_buf_cstr(&line));
    }
    mr_buf_release(&line);
    return rc;
}

static int verify_expect(struct mr_results *out, const struct mr_verify_input *in, size_t ei)
{
    const struct mr_expect *e = &in->sc->expects[ei];

    if (in->sharded && e->suite_scope)
        return add_expect_case(out, e, MR_CASE_SKIP,
                               "\"scope\": \"suite\": checked over every shard's journal by "
                               "mockrun merge",
                               NULL);
    if (!in->serve && !in->merge && (!in->proc || in->proc->state == MR_PROC_NOT_STARTED))
        return add_expect_case(out, e, MR_CASE_SKIP, "the command did not run", NULL);
    switch (e->kind) {
    case MR_EXPECT_COUNT:
        return verify_count(out, in, ei);
    case MR_EXPECT_STATE:
        return verify_state(out, in, e);
    case MR_EXPECT_ORDER:
        return verify_order(out, in, e);
    case MR_EXPECT_EVERY:
        return verify_every(out, in, e);
    case MR_EXPECT_INTERVAL:
        return verify_interval(out, in, e);
    case MR_EXPECT_WITHIN:
        return verify_within(out, in, e);
    case MR_EXPECT_CALLBACK:
        return verify_callback(out, in, e);
    }
    MR_BUG("expectation kind %d", (int)e->kind);
    return 0;
}

static int verify_command(struct mr_results *out, const struct mr_verify_input *in)
{
    const struct mr_proc_result *p = in->proc;
    int want = in->sc->command.exit_code;
    char name[600], msg[300];
    const char *sig, *note;

    snprintf(name, sizeof(name), "%.500s exits with code %d", in->command_text, want);
    if (!p || p->state == MR_PROC_NOT_STARTED) {
        snprintf(msg, sizeof(msg), "the command could not be started: %s",
                 in->spawn_error ? in->spawn_error : "unknown error");
        return mr_results_add_case(out, MR_CASE_ERROR, name, msg, NULL);
    }
    /* mockrun's own remark: with the command's case, not in its stdout (system-out) */
    note = p->output_abandoned ? "note: the command exited but something it started kept its "
                                 "output open; mockrun stopped reading it after the grace period"
                               : NULL;
    switch (p->state) {
    case MR_PROC_EXITED:
        if (p->exit_code == want)
            return mr_results_add_case(out, MR_CASE_PASS, name, NULL, note);
        snprintf(msg, sizeof(msg), "exited with code %d", p->exit_code);
        break;
    case MR_PROC_SIGNALED:
        sig = strsignal(p->term_signal);
        snprintf(msg, sizeof(msg), "was killed by signal %d (%s)", p->term_signal,
                 sig ? sig : "unknown");
        break;
    case MR_PROC_TIMED_OUT:
        snprintf(msg, sizeof(msg), "timed out after %.3g s and was stopped%s",
                 (double)in->timeout_ms / 1000.0, p->killed ? " with SIGKILL" : "");
        break;
    case MR_PROC_INTERRUPTED:
        sig = strsignal(p->interrupt_signal);
        snprintf(msg, sizeof(msg), "was interrupted: mockrun received signal %d (%s%s)%s",
                 p->interrupt_signal, sig ? sig : "unknown",
                 p->interrupt_signal == SIGINT ? ": Ctrl-C or kill -INT" : "",
                 p->killed ? "; the command was stopped with SIGKILL" : "");
        break;
    default:
        snprintf(msg, sizeof(msg), "did not run");
        break;
    }
    return mr_results_add_case(out, p->state == MR_PROC_INTERRUPTED ? MR_CASE_ERROR : MR_CASE_FAIL,
                               name, msg, note);
}

/* The calls no route of file k's services matched, under its `unexpected` policy. */
static int verify_unexpected(struct mr_results *out, const struct mr_verify_input *in, size_t k)
{
    const struct mr_scenario *sc = in->sc;
    const struct mr_scenario_file *f = &sc->files[k];
    const struct mr_journal *j = in->journal;
    uint64_t n = 0, allowed = 0, proxied = 0;
    size_t kept = mr_journal_kept(j), i, listed = 0;
    const char *name =
        f->unexpected_fail ? "no unexpected requests" : "unexpected requests are allowed";
    struct mr_testnames tests;
    struct mr_buf detail, m;
    char msg[160];
    int rc;

    for (i = 0; i < sc->nservices; i++) {
        if (mr_scenario_owner(sc, i) != k)
            continue;
        n += mr_journal_unmatched(j, (long)i);
        allowed += mr_journal_allowed(j, (long)i);
        proxied += mr_journal_proxied(j, (long)i);
    }
    if (n == 0 || !f->unexpected_fail) {
        if ((allowed == 0 || !f->unexpected_fail) && proxied == 0)
            return mr_results_add_case(out, MR_CASE_PASS, name, NULL, NULL);
        msg[0] = '\0';
        if (allowed > 0 && f->unexpected_fail)
            snprintf(msg, sizeof(msg), "%llu unmatched request%s allowed by \"unexpected.allow\"",
                     (unsigned long long)allowed, allowed == 1 ? "" : "s");
        if (proxied > 0) /* not unexpected: the scenario sends them on */
            snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
                     "%s%llu request%s no route matched answered by the service's \"proxy\"",
                     msg[0] ? "\n" : "", (unsigned long long)proxied, proxied == 1 ? "" : "s");
        return mr_results_add_case(out, MR_CASE_PASS, name, NULL, msg);
    }
    snprintf(msg, sizeof(msg), "%llu request%s matched no route", (unsigned long long)n,
             n == 1 ? "" : "s");
    mr_buf_init(&detail);
    mr_testnames_init(&tests);
    for (i = 0; i < kept; i++) {
        const struct mr_call *c = mr_journal_at(j, i);
        if (c->route >= 0 || c->allowed || c->proxied || c->service >= sc->nservices ||
            mr_scenario_owner(sc, c->service) != k)
            continue;
        mr_testnames_add(&tests, c);
        if (listed >= MAX_LISTED)
            continue;
        listed++;
        call_line(&detail, sc, c, NULL);
    }
    if (n > listed)
        mr_buf_printf(&detail, "  ... and %llu more\n", (unsigned long long)(n - listed));
    if (allowed)
        mr_buf_printf(&detail, "  (%llu more allowed by \"unexpected.allow\")\n",
                      (unsigned long long)allowed);
    with_tests(&m, msg, &tests);
    rc = detail.failed || m.failed
             ? MR_ENOMEM
             : mr_results_add_case(out, MR_CASE_FAIL, name, mr_buf_cstr(&m), mr_buf_cstr(&detail));
    mr_buf_release(&m);
    mr_buf_release(&detail);
    return rc;
}

int mr_verify(struct mr_results *out, const struct mr_verify_input *in)
{
    const struct mr_scenario *sc = in->sc;
    size_t i, k;
    int rc;

    /* a suite per scenario file: its expectations and its services' unmatched
     * calls; the command's case goes with the first */
    for (k = 0; k < sc->nfiles && sc->files[k].parent < 0; k++) {
        if ((rc = mr_results_add_suite(out, sc->files[k].name, sc->files[k].path)) != 0)
            return rc;
        for (i = 0; i < sc->nexpects; i++)
            if (sc->expects[i].source == k && (!in->merge || sc->expects[i].suite_scope) &&
                (rc = verify_expect(out, in, i)) != 0)
                return rc;
        if (in->merge)
            continue;
        if ((rc = verify_unexpected(out, in, k)) != 0)
            return rc;
        if ((rc = mr_contracts_cases(out, in->contracts, k, in->journal)) != 0)
            return rc;
        if (k == 0 && !in->serve && (rc = verify_command(out, in)) != 0)
            return rc;
        if (k == 0 && sc->ncallbacks &&
            (in->serve || (in->proc && in->proc->state != MR_PROC_NOT_STARTED)) &&
            (rc = verify_refused(out, in)) != 0)
            return rc;
    }
    if (sc->ncallbacks && (rc = note_unsent(out, in)) != 0)
        return rc;
    if (mr_journal_dropped_from(in->journal)) {
        char note[200];
        snprintf(note, sizeof(note),
                 "mockrun: details of calls from #%llu on were dropped (journal limit); all "
                 "counts are exact",
                 (unsigned long long)mr_journal_dropped_from(in->journal));
        if ((rc = mr_results_add_note(out, note)) != 0)
            return rc;
    }
    return 0;
}
