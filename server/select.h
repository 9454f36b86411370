/*
 * select.h - which response of a route answers a call.
 *
 * Selection is pure: it reads the immutable route, the request and what the
 * server tells it about this call (the call's number on the route, the
 * service's state, the route's path parameters and the request's cookies).
 * It draws from the seeded generator only in `random` mode, one value per
 * call, so a seed and a call order fix every choice.
 */
#ifndef MOCKRUN_SERVER_SELECT_H
#define MOCKRUN_SERVER_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include "common/kv.h"
#include "scenarios/scenario.h"
#include "server/match.h"

struct mr_select {
    uint64_t call;              /* this call's number on the route, 1-based */
    const char *state;          /* the service's state now (a scenario state name) */
    const struct mr_kv *params; /* the route's path parameters, decoded */
    size_t nparams;
    const struct mr_kv *cookies; /* the request's cookies */
    size_t ncookies;
    uint64_t (*rand)(void *rand_ctx); /* uniform 64-bit values */
    void *rand_ctx;
};

/*
 * The response of `route` for this call, or NULL when the route does not
 * answer it: its `whenState` does not hold, or it is in `rules` mode and
 * neither a rule nor a fallback applies (the next route is tried).
 */
const struct mr_response *mr_select_response(const struct mr_route *route, struct mr_request *req,
                                             const struct mr_select *in);

#endif
