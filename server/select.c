/*
 * select.c - response selection: sequential, cycle, weighted random and rules.
 */
#include "server/select.h"

#include <stdbool.h>

static bool when_holds(const struct mr_when *w, struct mr_request *req, const struct mr_select *in)
{
    return (w->call_min < 0 || in->call >= (uint64_t)w->call_min) &&
           (w->call_max < 0 || in->call <= (uint64_t)w->call_max) &&
           mr_match(&w->match, req, NULL) &&
           mr_match_fields(w->params, w->nparams, in->params, in->nparams) &&
           mr_match_fields(w->cookies, w->ncookies, in->cookies, in->ncookies);
}

static const struct mr_response *pick_weighted(const struct mr_route *route, uint64_t x)
{
    uint64_t total = 0;
    size_t i, n = route->nresponses;

    for (i = 0; i < n; i++)
        total += route->responses[i].weight;
    if (total == 0)
        return &route->responses[x % n];
    x %= total;
    for (i = 0; i < n; i++) {
        if (x < route->responses[i].weight)
            return &route->responses[i];
        x -= route->responses[i].weight;
    }
    return &route->responses[n - 1];
}

static bool rule_holds(const struct mr_response *r, struct mr_request *req,
                       const struct mr_select *in)
{
    size_t i;

    if (r->when_state && in->state != r->when_state)
        return false;
    if (r->nwhen == 0)
        return true;
    for (i = 0; i < r->nwhen; i++)
        if (when_holds(&r->when[i], req, in))
            return true; /* any one of them */
    return false;
}

const struct mr_response *mr_select_response(const struct mr_route *route, struct mr_request *req,
                                             const struct mr_select *in)
{
    const struct mr_response *fallback = NULL;
    size_t i, n = route->nresponses;

    if (route->when_state && in->state != route->when_state)
        return NULL;
    if (n == 0)
        return &route->response;
    switch (route->mode) {
    case MR_MODE_SEQUENTIAL:
        return &route->responses[in->call - 1 < n ? in->call - 1 : n - 1];
    case MR_MODE_CYCLE:
        return &route->responses[(in->call - 1) % n];
    case MR_MODE_RANDOM:
        return pick_weighted(route, in->rand(in->rand_ctx));
    case MR_MODE_RULES:
        break;
    }
    for (i = 0; i < n; i++) {
        const struct mr_response *r = &route->responses[i];
        if (r->nwhen == 0 && !r->when_state) {
            if (!fallback)
                fallback = r; /* the first response without conditions */
        } else if (rule_holds(r, req, in)) {
            return r;
        }
    }
    return fallback;
}
