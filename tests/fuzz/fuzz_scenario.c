/*
 * fuzz_scenario.c - the scenario loader, whole files: any bytes go through
 * mr_scenario_parse, then mr_scenario_free.
 *
 * Beyond "no crash, no leak", it checks the loader's contract: failure leaves
 * *out NULL and reports at least one problem; success reports none and gives
 * a model whose indices and ranges hold together (scenario.h).
 *
 * The scenario is named as if it sat in tests/fuzz/data/, so `file`
 * responses resolve against a fixed folder (hello.json, sub/page.html). An
 * input with a line "---" is two files of one run (names, ids and states
 * shared across them).
 */
#define _GNU_SOURCE /* memmem */
#include "tests/fuzz/fuzz.h"

#include <stdbool.h>
#include <string.h>

#include "common/error.h"
#include "scenarios/scenario.h"

#ifndef MOCKRUN_FUZZ_DATA_DIR
#error "MOCKRUN_FUZZ_DATA_DIR must name tests/fuzz/data"
#endif

static const char scenario_path[] = MOCKRUN_FUZZ_DATA_DIR "/scenario.json";
/* an input with a line "---" is two files of one run, this the second */
static const char second_path[] = MOCKRUN_FUZZ_DATA_DIR "/second.json";

static void check_error(const struct mr_error *e)
{
    char line[2048];

    FUZZ_CHECK(e->code < 0);
    FUZZ_CHECK(memchr(e->file, '\0', sizeof(e->file)) != NULL);
    FUZZ_CHECK(memchr(e->path, '\0', sizeof(e->path)) != NULL);
    FUZZ_CHECK(memchr(e->msg, '\0', sizeof(e->msg)) != NULL);
    FUZZ_CHECK(e->line >= 0 && e->column >= 0);
    mr_error_format(e, line, sizeof(line));
    FUZZ_CHECK(strlen(line) < sizeof(line));
    mr_error_format(e, line, 8); /* truncation */
    FUZZ_CHECK(strlen(line) < 8);
}

static void check_matcher(const struct mr_matcher *m)
{
    size_t i;

    FUZZ_CHECK((m->path_kind == MR_PATH_ANY) == (m->path == NULL));
    FUZZ_CHECK((m->path_kind == MR_PATH_REGEX) == (m->path_re != NULL));
    if (m->path_kind == MR_PATH_LITERAL || m->path_kind == MR_PATH_TEMPLATE)
        FUZZ_CHECK(m->path[0] == '/' && m->nsegs > 0);
    for (i = 0; i < m->nsegs; i++)
        FUZZ_CHECK(m->segs[i].kind == MR_SEG_STAR || m->segs[i].text != NULL);
    for (i = 0; i < m->nquery; i++)
        FUZZ_CHECK(m->query[i].name != NULL);
    for (i = 0; i < m->nheaders; i++)
        FUZZ_CHECK(m->headers[i].name != NULL);
    if (m->body) {
        bool json = m->body->op == MR_BODY_JSON || m->body->op == MR_BODY_JSON_EQUALS;
        FUZZ_CHECK(json == (m->body->json != NULL));
        FUZZ_CHECK((m->body->op == MR_BODY_MATCHES) == (m->body->re != NULL));
        FUZZ_CHECK((m->body->op == MR_BODY_JSON_PATHS) == (m->body->nfields > 0));
        for (i = 0; i < m->body->nfields; i++)
            FUZZ_CHECK(m->body->fields[i].path != NULL &&
                       (m->body->fields[i].nsteps == 0) ==
                           (m->body->fields[i].path[0] == '$' && !m->body->fields[i].path[1]));
    }
}

/* A state name is NULL or one of the interned names (compared by pointer). */
static void check_state(const struct mr_scenario *sc, const char *state)
{
    size_t i;

    if (!state)
        return;
    for (i = 0; i < sc->nstates; i++)
        if (sc->state_names[i] == state)
            return;
    FUZZ_CHECK(!"state name not interned");
}

static void check_response(const struct mr_scenario *sc, const struct mr_response *r, bool multi)
{
    FUZZ_CHECK((r->ncallbacks == 0) || r->callbacks != NULL);
    for (size_t i = 0; i < r->ncallbacks; i++) {
        FUZZ_CHECK(r->callbacks[i].callback < sc->ncallbacks);
        FUZZ_CHECK(r->callbacks[i].delay_ms >= 0 && r->callbacks[i].delay_ms <= 600000);
        FUZZ_CHECK(r->callbacks[i].delay_max_ms >= r->callbacks[i].delay_ms &&
                   r->callbacks[i].delay_max_ms <= 600000);
    }
    FUZZ_CHECK(r->status >= 100 && r->status <= 599);
    FUZZ_CHECK(r->kind != MR_RESP_FILE || r->file != NULL);
    FUZZ_CHECK((r->kind == MR_RESP_BODY || r->kind == MR_RESP_JSON) == (r->body != NULL));
    FUZZ_CHECK(r->delay_ms >= 0 && (r->delay_max_ms == 0 || r->delay_max_ms >= r->delay_ms));
    FUZZ_CHECK(multi || r->nwhen == 0); /* `when` only means something in `responses` */
    FUZZ_CHECK((r->nwhen == 0) == (r->when == NULL));
    for (size_t i = 0; i < r->nwhen; i++) {
        const struct mr_when *w = &r->when[i];
        FUZZ_CHECK(w->call_min == -1 || w->call_min >= 1);
        FUZZ_CHECK(w->call_max == -1 || w->call_max >= 1);
        check_matcher(&w->match);
    }
    check_state(sc, r->when_state);
    check_state(sc, r->set_state);
}

/* Text the locator finds every place in: no escapes (it compares keys as
 * written) and no control bytes (cJSON cuts a key at a NUL). */
static bool plain_text(const uint8_t *data, size_t size)
{
    size_t i;

    for (i = 0; i < size; i++)
        if (data[i] == '\\' ||
            (data[i] < 0x20 && data[i] != '\t' && data[i] != '\n' && data[i] != '\r'))
            return false;
    return true;
}

/* The invariants scenario.h promises to the server and the verifier; in plain
 * text, every route and expectation has its line (unless its JSON path is
 * too long to hold: a service name has no length limit). */
static void check_model(const struct mr_scenario *sc, size_t nfiles, bool plain)
{
    size_t i, j, next = 0;

    FUZZ_CHECK(sc->nfiles == nfiles);
    for (i = 0; i < nfiles; i++)
        FUZZ_CHECK(sc->files[i].path && sc->files[i].dir && sc->files[i].name);
    FUZZ_CHECK(sc->nservices > 0);
    for (i = 0; i < sc->nservices; i++) {
        const struct mr_service *s = &sc->services[i];
        FUZZ_CHECK(s->name && s->url_var && s->source < nfiles);
        FUZZ_CHECK(i == 0 || s->source >= sc->services[i - 1].source); /* file by file */
        for (j = 0; j < i; j++)
            FUZZ_CHECK(strcmp(s->name, sc->services[j].name) != 0);
        FUZZ_CHECK(s->port >= 0 && s->port <= 65535);
        FUZZ_CHECK(s->first_route == next); /* service by service, in order */
        next += s->nroutes;
    }
    FUZZ_CHECK(next == sc->nroutes);
    for (i = 0; i < sc->nroutes; i++) {
        const struct mr_route *r = &sc->routes[i];
        const struct mr_route *found;
        FUZZ_CHECK(r->id && r->json_path && r->file);
        FUZZ_CHECK(r->line >= 1 || (r->line == 0 && (!plain || strlen(r->json_path) >= 500)));
        FUZZ_CHECK(r->index == i && r->service < sc->nservices);
        FUZZ_CHECK(i >= sc->services[r->service].first_route &&
                   i < sc->services[r->service].first_route + sc->services[r->service].nroutes);
        if (r->nresponses == 0)
            check_response(sc, &r->response, false);
        for (j = 0; j < r->nresponses; j++)
            check_response(sc, &r->responses[j], true);
        FUZZ_CHECK(r->mode <= MR_MODE_RULES);
        check_state(sc, r->when_state);
        check_state(sc, r->set_state);
        check_matcher(&r->match);
        found = mr_scenario_find_route(sc, r->id);
        FUZZ_CHECK(found && strcmp(found->id, r->id) == 0);
        /* ids given in the file are unique among themselves (one may still
         * equal another route's default id, "<service> route N") */
        if (r->has_id)
            FUZZ_CHECK(found == r || !found->has_id);
    }
    for (i = 0; i < sc->ncallbacks; i++) {
        const struct mr_callback *cb = &sc->callbacks[i];
        FUZZ_CHECK(cb->id && cb->json_path && cb->file && cb->method && cb->url);
        FUZZ_CHECK(cb->source < nfiles);
        FUZZ_CHECK(cb->line >= 1 || (cb->line == 0 && (!plain || strlen(cb->json_path) >= 500)));
        FUZZ_CHECK(cb->service >= -1 && cb->service < (long)sc->nservices);
        FUZZ_CHECK(cb->timeout_ms >= 1 && cb->timeout_ms <= 600000);
        FUZZ_CHECK(cb->delay_ms >= 0 && cb->delay_ms <= 600000);
        FUZZ_CHECK(cb->delay_max_ms >= cb->delay_ms && cb->delay_max_ms <= 600000);
        FUZZ_CHECK(cb->retries >= 0 && cb->retries <= 100);
        FUZZ_CHECK(cb->templated == (cb->url_tpl != NULL || cb->request.templated));
        FUZZ_CHECK(cb->request.ncallbacks == 0);
        check_response(sc, &cb->request, false);
        FUZZ_CHECK(i == 0 || !cb->shared || sc->callbacks[i - 1].shared); /* shared ones first */
        FUZZ_CHECK(!cb->shared || cb->has_id);
        for (j = 0; j < i; j++)
            FUZZ_CHECK(strcmp(cb->id, sc->callbacks[j].id) != 0 || !cb->has_id ||
                       !sc->callbacks[j].has_id);
    }
    for (i = 0; i < sc->nexpects; i++) {
        const struct mr_expect *e = &sc->expects[i];
        bool timed = e->kind == MR_EXPECT_INTERVAL || e->kind == MR_EXPECT_WITHIN;
        FUZZ_CHECK(e->name && e->json_path && e->file && e->source < nfiles);
        FUZZ_CHECK(e->line >= 1 || (e->line == 0 && (!plain || strlen(e->json_path) >= 500)));
        FUZZ_CHECK(e->route >= -1 && e->route < (long)sc->nroutes);
        FUZZ_CHECK(e->service >= -1 && e->service < (long)sc->nservices);
        /* a service's final state; an order of routes; or a check on the calls of a
         * route and/or a request */
        FUZZ_CHECK((e->kind == MR_EXPECT_STATE) == (e->service >= 0));
        FUZZ_CHECK((e->service >= 0) == (e->final_state != NULL));
        FUZZ_CHECK((e->kind == MR_EXPECT_ORDER) == (e->norder > 0));
        if (e->kind == MR_EXPECT_ORDER) {
            FUZZ_CHECK(e->norder >= 2 && e->route == -1 && !e->has_request);
            for (j = 0; j < e->norder; j++)
                FUZZ_CHECK(e->order[j] >= 0 && e->order[j] < (long)sc->nroutes);
        } else if (e->kind == MR_EXPECT_CALLBACK) {
            FUZZ_CHECK(e->callback >= 0 && e->callback < (long)sc->ncallbacks);
            FUZZ_CHECK(e->route == -1 && !e->has_request);
            FUZZ_CHECK(e->status == 0 || (e->status >= 100 && e->status <= 599));
        } else if (e->kind != MR_EXPECT_STATE) {
            FUZZ_CHECK(e->route >= 0 || e->has_request);
        }
        FUZZ_CHECK((e->kind == MR_EXPECT_CALLBACK) == (e->callback >= 0));
        FUZZ_CHECK(e->kind == MR_EXPECT_CALLBACK || e->status == 0);
        FUZZ_CHECK(!e->strict || e->kind == MR_EXPECT_ORDER);
        FUZZ_CHECK((e->kind == MR_EXPECT_COUNT || e->kind == MR_EXPECT_CALLBACK) ==
                   (e->count.times >= 0 || e->count.at_least >= 0 || e->count.at_most >= 0));
        FUZZ_CHECK(timed ? e->ms >= 1 && e->ms <= 604800000 : e->ms == 0);
        if (e->kind == MR_EXPECT_EVERY) {
            const struct mr_matcher *m = &e->every;
            FUZZ_CHECK(m->method || m->path || m->nquery || m->nheaders || m->body);
            check_matcher(m);
        }
        if (e->implicit)
            FUZZ_CHECK(e->kind == MR_EXPECT_COUNT && e->route >= 0 && !e->has_request &&
                       sc->services[sc->routes[e->route].service].strict);
        check_state(sc, e->final_state);
        if (e->has_request)
            check_matcher(&e->request);
    }
    /* each route of a strict service is counted by some expectation */
    for (i = 0; i < sc->nroutes; i++) {
        bool counted = false;
        if (!sc->services[sc->routes[i].service].strict)
            continue;
        for (j = 0; j < sc->nexpects && !counted; j++)
            counted = sc->expects[j].kind == MR_EXPECT_COUNT && sc->expects[j].route == (long)i;
        FUZZ_CHECK(counted);
    }
    FUZZ_CHECK(sc->nstates >= 1 && strcmp(sc->state_names[0], MR_STATE_STARTED) == 0);
    for (i = 0; i < sc->nstates; i++)
        for (j = 0; j < i; j++)
            FUZZ_CHECK(strcmp(sc->state_names[i], sc->state_names[j]) != 0);
    FUZZ_CHECK((sc->command.run == NULL) == (sc->command.nrun == 0));
    if (sc->command.run)
        FUZZ_CHECK(sc->command.run[sc->command.nrun] == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy: the loader gets a length, not a NUL-terminated string */
    char *text = fuzz_copy(data, size, 0);
    const char *cut = memmem(text, size, "\n---\n", 5);
    struct mr_scenario_source src[2] = {{scenario_path, text, size}, {second_path, NULL, 0}};
    size_t nfiles = 1;
    struct mr_error_list errs;
    struct mr_scenario *sc = (struct mr_scenario *)&errs; /* must be reset to NULL */
    size_t i;
    int rc;

    if (cut) {
        src[0].len = (size_t)(cut - text);
        src[1].text = cut + 5;
        src[1].len = size - src[0].len - 5;
        nfiles = 2;
    }
    memset(&errs, 0, sizeof(errs));
    rc = mr_scenario_parse(&sc, src, nfiles, NULL, &errs);
    if (rc == 0) {
        FUZZ_CHECK(sc != NULL);
        FUZZ_CHECK(errs.count == 0 && errs.dropped == 0);
        check_model(sc, nfiles, plain_text(data, size));
    } else {
        FUZZ_CHECK(sc == NULL);
        FUZZ_CHECK(rc == MR_ESCENARIO || rc == MR_ENOMEM);
        FUZZ_CHECK(rc == MR_ENOMEM || errs.count > 0);
    }
    FUZZ_CHECK(errs.count <= MR_ERROR_LIST_MAX);
    for (i = 0; i < errs.count; i++)
        check_error(&errs.items[i]);
    mr_scenario_free(sc);
    free(text);
    return 0;
}
