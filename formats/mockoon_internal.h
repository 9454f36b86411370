/*
 * mockoon_internal.h - what mockoon.c (environments, routes, responses) and
 * mockoon_rules.c (response rules) share. Not a public interface.
 */
#ifndef MOCKRUN_FORMATS_MOCKOON_INTERNAL_H
#define MOCKRUN_FORMATS_MOCKOON_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "formats/mockoon.h"

/* One conversion: the result being built, and where in the environment it is. */
struct mr_mockoon__conv {
    struct mr_mockoon_result *res;
    size_t cap; /* of res->warnings */
    bool nomem;
    char path[512]; /* the Mockoon JSON path warnings start with */
    size_t plen;
    int env_latency;
    bool env_content_type; /* the environment's headers set a Content-Type */
    const char *service;   /* the scenario's service name, for {{serviceUrl}} checks */
    size_t routes_cap;     /* of res->routes */
};

/* Adds the warning "path: message" (one line: control bytes escaped). */
void mr_mockoon__warn(struct mr_mockoon__conv *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Extend the JSON path; each returns a mark for mr_mockoon__pop. */
size_t mr_mockoon__push_key(struct mr_mockoon__conv *c, const char *key);
size_t mr_mockoon__push_index(struct mr_mockoon__conv *c, size_t i);
void mr_mockoon__pop(struct mr_mockoon__conv *c, size_t mark);

/* obj[key] = item / arr += item, taking item; NULL or a failure sets nomem. */
void mr_mockoon__add(struct mr_mockoon__conv *c, cJSON *obj, const char *key, cJSON *item);
void mr_mockoon__append(struct mr_mockoon__conv *c, cJSON *arr, cJSON *item);

/* What a response's rules come to (mr_mockoon__rules). */
enum mr_mockoon__truth {
    MR_MOCKOON_WHEN,   /* a `when` decides */
    MR_MOCKOON_ALWAYS, /* they hold for every request */
    MR_MOCKOON_NEVER,  /* they hold for none (or none could be converted) */
};

/*
 * Converts the `rules` of the response `resp` (at the current path) of a
 * route whose Mockoon method is `method` ("get", ..., "all"), following
 * ResponseRulesInterpreter.isValidRule. Returns the `when` (an object, or an
 * array for alternatives) with MR_MOCKOON_WHEN in *truth, or NULL with
 * ALWAYS or NEVER. A rule that cannot be converted is reported and left out
 * (with AND the response then answers more requests than in Mockoon, with
 * OR fewer). Sets c->nomem on allocation failures.
 */
cJSON *mr_mockoon__rules(struct mr_mockoon__conv *c, const cJSON *resp, const char *method,
                         enum mr_mockoon__truth *truth);

#endif
