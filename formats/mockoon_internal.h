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
#include "templates/template.h"

/* A callback of the environment (mockoon_callbacks.c), for the responses that use it. */
struct mr_mockoon__callback {
    const char *uuid; /* borrowed from the environment; NULL when it has none */
    char *id;         /* its id in the scenario; NULL when it was not converted */
    bool body_tpl;    /* its body is rendered (a response's disableTemplating stops that) */
};

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
    const char *prefix;    /* the environment's endpointPrefix, or NULL */
    struct mr_mockoon__callback *callbacks; /* the environment's, in its order */
    size_t ncallbacks;
    cJSON *allow_hosts; /* the scenario's "allowHosts" being built, or NULL */
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

/* Warns about each key of obj that is not in `known` (NULL-terminated): ignored. */
void mr_mockoon__warn_unknown_keys(struct mr_mockoon__conv *c, const cJSON *obj,
                                   const char *const *known);

/* Whether mockrun's template engine takes `src` (as the loader will compile it);
 * if not, why. */
bool mr_mockoon__template_ok(struct mr_mockoon__conv *c, const char *src, enum mr_tpl_escape escape,
                             char *why, size_t whysize);

/*
 * Mockoon's [{key, value}] headers (at the current path) → {key: value}; a
 * later key wins, compared case-insensitively. A response's (callback false)
 * get Express's charset on text types and keep empty values; a callback's
 * are sent by fetch as they are, and an empty value leaves the header out.
 * NULL only when out of memory.
 */
cJSON *mr_mockoon__headers(struct mr_mockoon__conv *c, const cJSON *list, bool callback);

/* Whether Mockoon renders a file's content: its MIME type is one of
 * MimeTypesWithTemplating, or (`handlebars`: for a response) it ends in
 * .handlebars. */
bool mr_mockoon__templated_file(const char *path, bool handlebars);

/*
 * The environment's `callbacks` (mockoon_callbacks.c) → svc's `callbacks`
 * with ids, recorded in c->callbacks for the responses; hosts a literal URL
 * names besides loopback go to c->allow_hosts. Each one mockrun cannot
 * send is dropped with a warning, and so are its uses.
 */
void mr_mockoon__callbacks(struct mr_mockoon__conv *c, const cJSON *env, cJSON *svc);

/*
 * A response's `callbacks` ([{uuid, latency}], at the current path) → out's
 * `callbacks`: {"callback": id, "delayMs": delay_ms + latency}, where
 * delay_ms is the response's own delay (Mockoon sends a callback once the
 * response is served).
 */
void mr_mockoon__response_callbacks(struct mr_mockoon__conv *c, const cJSON *r, double delay_ms,
                                    cJSON *out);

/* Frees c->callbacks and c->allow_hosts. */
void mr_mockoon__callbacks_release(struct mr_mockoon__conv *c);

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
