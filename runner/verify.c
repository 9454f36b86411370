#define _GNU_SOURCE /* strsignal */
#include "runner/verify.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "server/match.h"

#define MAX_LISTED 20

static void call_line(struct mr_buf *b, const struct mr_scenario *sc, const struct mr_call *c,
                      const char *why)
{
    /* request data is shown with control bytes escaped: it cannot forge report lines */
    mr_buf_printf(b, "  #%llu ", (unsigned long long)c->seq);
    mr_buf_put_printable(b, c->method, strlen(c->method));
    mr_buf_putc(b, ' ');
    mr_buf_put_printable(b, c->path, strlen(c->path));
    if (*c->query) {
        mr_buf_putc(b, '?');
        mr_buf_put_printable(b, c->query, strlen(c->query));
    }
    mr_buf_printf(b, " -> %u", (unsigned)c->status);
    if (c->route >= 0 && (size_t)c->route < sc->nroutes)
        mr_buf_printf(b, " (route %s)", sc->routes[c->route].id);
    else
        mr_buf_puts(b, " (no route matched)");
    if (sc->nservices > 1 && c->service < sc->nservices)
        mr_buf_printf(b, " [%s]", sc->services[c->service].name);
    if (why || c->near) {
        const char *w = why ? why : c->near;
        mr_buf_puts(b, "\n      ");
        mr_buf_put_printable(b, w, strlen(w));
    }
    mr_buf_putc(b, '\n');
}

/* Matches a kept call against a matcher; fills `why` on a miss when asked. */
static bool call_matches(const struct mr_scenario *sc, const struct mr_call *c,
                         const struct mr_matcher *m, long route_for_why, char *why, size_t whysz)
{
    struct mr_kv *kv = calloc(c->nheaders + 1, sizeof(*kv));
    size_t np = mr_request_count_params(c->query);
    struct mr_kv *params = calloc(np + 1, sizeof(*params));
    char *scratch = malloc(strlen(c->query) + 2 * np + 2);
    struct mr_request req;
    struct mr_miss miss;
    bool ok = false;

    if (kv && params && scratch) {
        mr_call_to_request(c, kv, params, np, scratch, &req);
        ok = mr_match(m, &req, why ? &miss : NULL);
        if (!ok && why) {
            /* describe against a scenario route when we have one, else generically */
            if (route_for_why >= 0)
                mr_miss_describe(sc, route_for_why, &miss, &req, why, whysz);
            else
                mr_miss_explain(m, &miss, &req, "the expectation wants", why, whysz);
        }
        mr_request_release(&req);
    }
    free(kv);
    free(params);
    free(scratch);
    return ok;
}

static int verify_expect(struct mr_results *out, const struct mr_verify_input *in, size_t ei)
{
    const struct mr_scenario *sc = in->sc;
    const struct mr_expect *e = &sc->expects[ei];
    const struct mr_journal *j = in->journal;
    uint64_t n = mr_journal_expect_count(j, ei);
    size_t kept = mr_journal_kept(j), i, listed = 0, others = 0;
    char want[64], msg[256];
    struct mr_buf detail;
    bool too_few;
    int rc;

    if (!in->serve && (!in->proc || in->proc->state == MR_PROC_NOT_STARTED))
        return mr_results_add_case(out, MR_CASE_SKIP, e->name, "the command did not run", NULL);
    if (e->service >= 0) {
        const char *got = in->final_states ? in->final_states[e->service] : NULL;
        if (got && e->final_state && strcmp(got, e->final_state) == 0)
            return mr_results_add_case(out, MR_CASE_PASS, e->name, NULL, NULL);
        snprintf(msg, sizeof(msg), "expected service %s to end in state \"%s\", it ended in \"%s\"",
                 sc->services[e->service].name, e->final_state ? e->final_state : "",
                 got ? got : "?");
        return mr_results_add_case(out, MR_CASE_FAIL, e->name, msg, NULL);
    }
    if (mr_count_holds(&e->count, n))
        return mr_results_add_case(out, MR_CASE_PASS, e->name, NULL, NULL);

    mr_count_format(&e->count, "call", want, sizeof(want));
    snprintf(msg, sizeof(msg), "expected %s, got %llu", want, (unsigned long long)n);
    too_few = (e->count.times >= 0 && n < (uint64_t)e->count.times) ||
              (e->count.at_least >= 0 && n < (uint64_t)e->count.at_least);

    mr_buf_init(&detail);
    /* the calls that were counted */
    for (i = 0; i < kept && listed < MAX_LISTED; i++) {
        const struct mr_call *c = mr_journal_at(j, i);
        if (e->route >= 0 && c->route != e->route)
            continue;
        if (e->has_request && !call_matches(sc, c, &e->request, -1, NULL, 0))
            continue;
        if (!listed++)
            mr_buf_puts(&detail, "calls counted:\n");
        call_line(&detail, sc, c, NULL);
    }
    /* when calls are missing, show the near misses: why each other call did not count */
    if (too_few) {
        for (i = 0; i < kept && others < MAX_LISTED; i++) {
            const struct mr_call *c = mr_journal_at(j, i);
            char why[600];
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
            call_line(&detail, sc, c, why);
        }
    }
    if (!listed && !others)
        mr_buf_puts(&detail, kept ? "no recorded call is related\n" : "no calls were recorded\n");
    if (mr_journal_dropped_from(j))
        mr_buf_printf(&detail,
                      "note: details of calls from #%llu on were not kept (journal limit); "
                      "counts are exact\n",
                      (unsigned long long)mr_journal_dropped_from(j));
    rc = detail.failed ? MR_ENOMEM
                       : mr_results_add_case(out, MR_CASE_FAIL, e->name, msg, mr_buf_cstr(&detail));
    mr_buf_release(&detail);
    return rc;
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

static int verify_unexpected(struct mr_results *out, const struct mr_verify_input *in)
{
    const struct mr_scenario *sc = in->sc;
    const struct mr_journal *j = in->journal;
    uint64_t n = mr_journal_unmatched(j), allowed = mr_journal_allowed(j);
    size_t kept = mr_journal_kept(j), i, listed = 0;
    const char *name =
        sc->unexpected_fail ? "no unexpected requests" : "unexpected requests are allowed";
    struct mr_buf detail;
    char msg[160];
    int rc;

    if (n == 0 || !sc->unexpected_fail) {
        if (allowed == 0 || !sc->unexpected_fail)
            return mr_results_add_case(out, MR_CASE_PASS, name, NULL, NULL);
        snprintf(msg, sizeof(msg), "%llu unmatched request%s allowed by \"unexpected.allow\"",
                 (unsigned long long)allowed, allowed == 1 ? "" : "s");
        return mr_results_add_case(out, MR_CASE_PASS, name, NULL, msg);
    }
    snprintf(msg, sizeof(msg), "%llu request%s matched no route", (unsigned long long)n,
             n == 1 ? "" : "s");
    mr_buf_init(&detail);
    for (i = 0; i < kept && listed < MAX_LISTED; i++) {
        const struct mr_call *c = mr_journal_at(j, i);
        if (c->route >= 0 || c->allowed)
            continue;
        listed++;
        call_line(&detail, sc, c, NULL);
    }
    if (n > listed)
        mr_buf_printf(&detail, "  ... and %llu more\n", (unsigned long long)(n - listed));
    if (allowed)
        mr_buf_printf(&detail, "  (%llu more allowed by \"unexpected.allow\")\n",
                      (unsigned long long)allowed);
    rc = detail.failed ? MR_ENOMEM
                       : mr_results_add_case(out, MR_CASE_FAIL, name, msg, mr_buf_cstr(&detail));
    mr_buf_release(&detail);
    return rc;
}

int mr_verify(struct mr_results *out, const struct mr_verify_input *in)
{
    size_t i;
    int rc;

    for (i = 0; i < in->sc->nexpects; i++)
        if ((rc = verify_expect(out, in, i)) != 0)
            return rc;
    if ((rc = verify_unexpected(out, in)) != 0)
        return rc;
    if (!in->serve && (rc = verify_command(out, in)) != 0)
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
