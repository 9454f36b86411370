/*
 * mockoon.h - converts a Mockoon environment (Mockoon 9's JSON format) into
 * a mockrun scenario.
 *
 * A pure function from the environment's text to the scenario's JSON text and
 * a list of warnings, one per feature that could not be converted, each
 * starting with the Mockoon JSON path it concerns (`routes[2].responses[0].
 * rules[1]: target "data_bucket" is not supported; rule dropped`). Nothing is
 * printed. Thread-safe.
 *
 * The environment's callbacks become the service's (a host besides loopback
 * named in the scenario's `allowHosts`), used by the responses that name
 * them. The scenario is Mockoon's behaviour where mockrun can express it:
 * docs/mockoon.md lists what is converted and how, and every difference
 * left. tests/conformance/rules.js and import.js check it against the
 * Mockoon CLI itself.
 */
#ifndef MOCKRUN_FORMATS_MOCKOON_H
#define MOCKRUN_FORMATS_MOCKOON_H

#include <stddef.h>

#include "common/error.h"

/*
 * One route Mockoon serves, in Mockoon's order (rootChildren and folders):
 * how expectations written against the environment find its conversion.
 */
struct mr_mockoon_route {
    char *id;   /* the route's `id` in the scenario: Mockoon's uuid when it has one (and no
                   earlier route has it), else `name` ("GET /users/:id #2" for a repeat);
                   NULL when the route was not converted (a warning says why) */
    char *uuid; /* Mockoon's route uuid, or NULL */
    char *name; /* "GET /users/:id": the method upper-cased ("ALL" for any) and the
                   endpoint with one leading slash, without endpointPrefix, as Mockoon's
                   app lists routes; also the route's `description` in the scenario */
    char *path; /* where it is served, endpointPrefix included: "/api/users/:id" */
};

struct mr_mockoon_result {
    char *scenario;  /* pretty JSON (2-space indent), ending with a newline */
    char **warnings; /* "json.path: message" */
    size_t nwarnings;
    struct mr_mockoon_route *routes;
    size_t nroutes;
};

/*
 * Converts `text` (`len` bytes; `file` names it in errors). Returns 0 and
 * fills *out (free with mr_mockoon_result_free), or MR_ESCENARIO for text
 * that is not JSON or not an environment (err has the file, the JSON path and
 * line:column where known), or MR_ENOMEM. On failure *out is empty.
 */
int mr_mockoon_convert(const char *file, const char *text, size_t len,
                       struct mr_mockoon_result *out, struct mr_error *err);

void mr_mockoon_result_free(struct mr_mockoon_result *r);

/*
 * The route `ref` names in a converted environment: a Mockoon route uuid, or
 * "METHOD /endpoint" (the method in any case, "ALL" or "ANY" for Mockoon's
 * "all"; the endpoint with or without its leading slash, with or without
 * endpointPrefix). When several routes share a name, the first in Mockoon's
 * order, which is the one that answers first. NULL when no route has that
 * uuid or name. Borrowed from r; its `id` is NULL for a route that was not
 * converted.
 */
const struct mr_mockoon_route *mr_mockoon_find_route(const struct mr_mockoon_result *r,
                                                     const char *ref);

#endif
