/*
 * load_internal.h - the loader's shared state and helpers, private to
 * scenarios/load*.c. Every problem is collected (up to the list's cap) with
 * the JSON path being read and, when it can be found, line:column.
 */
#ifndef MOCKRUN_SCENARIOS_LOAD_INTERNAL_H
#define MOCKRUN_SCENARIOS_LOAD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/error.h"
#include "scenarios/scenario.h"
#include "scenarios/schema.h"

struct mr_loader {
    /* the file being read (a run may load several, one after another) */
    const char *file;
    const char *text;
    size_t len;
    size_t source; /* its index in mr_scenario.files */
    /* converts the foreign files services import (runner/'s), or NULL */
    const struct mr_scenario_importer *importer;
    struct mr_error_list *errs;
    bool failed; /* any problem reported */
    bool nomem;
    char path[512]; /* JSON path of the value being read */
    size_t pathlen;
    size_t nth; /* problems are at the nth member of the path's last key (duplicates) */
    /* every service's name, known before any route is loaded, for {{serviceUrl}} */
    const char **service_names;
    size_t nservice_names;
    /* while an imported service is read: its name in the converted file, which a
     * callback's "service" uses for the service itself, and the importing name */
    const char *import_name, *import_as;
    /* each route's own "expect" (or NULL), kept while routes load, by route index */
    const cJSON **route_expects;
    /* callbacks: the services' (which responses use by id) are mr_scenario.callbacks
     * [0, nshared_callbacks); a response's own are named after the route being loaded */
    size_t nshared_callbacks;
    const char *route_id;
    size_t route_callbacks; /* callbacks the route's responses defined so far */
    /* the last array item whose line was looked up (load.c, item_place): the next
     * item of that array is found from there, so locating every route costs one
     * pass over the text, not one per route */
    struct {
        const char *text; /* NULL: none yet */
        char path[512];
        size_t offset;
        int line;
    } last_item;
};

/* What a header name may be made of, for messages. */
#define MR_HEADER_NAME_RULE                                                                        \
    "invalid header name: use letters, digits and !#$%&'*+-.^_`|~ (no spaces, no \":\")"

/* Path stack: push returns a mark that pop restores. */
size_t mr_loader__push_key(struct mr_loader *ld, const char *key);
size_t mr_loader__push_index(struct mr_loader *ld, size_t index);
void mr_loader__pop(struct mr_loader *ld, size_t mark);

/* Reports a problem at the current path (its key when at_key). */
void mr_loader__problem(struct mr_loader *ld, bool at_key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports a problem inside the current value, a string: at the place in the
 * file where byte `byte` of its decoded text is written (a template error). */
void mr_loader__problem_in_string(struct mr_loader *ld, size_t byte, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports a problem at member `key` of the current object. */
void mr_loader__problem_in(struct mr_loader *ld, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Describes a JSON value for "got ..." (truncated). */
void mr_loader__describe(const cJSON *v, char *buf, size_t size);

/* obj's member `key` when it is a string; NULL when absent, or (said, at the
 * key) when it is not a string. */
const char *mr_loader__string(struct mr_loader *ld, const cJSON *obj, const char *key);

/* Reports every key given twice in obj. */
void mr_loader__check_duplicates(struct mr_loader *ld, const cJSON *obj);

/* Reports every member of obj that is not a member of the format's object
 * `allowed` (scenarios/schema.h), with a "did you mean" among its members,
 * and every key given twice. */
void mr_loader__check_keys_of(struct mr_loader *ld, const cJSON *obj,
                              enum mr_schema_object allowed);

/* strdup that records OOM. */
char *mr_loader__strdup(struct mr_loader *ld, const char *s);
char *mr_loader__strndup(struct mr_loader *ld, const char *s, size_t n);
void *mr_loader__calloc(struct mr_loader *ld, size_t n, size_t size);

/* Reads an object that must be one (reports otherwise). */
bool mr_loader__expect_object(struct mr_loader *ld, const cJSON *v, const char *what);

/* Compiles a PCRE2 pattern; reports its error at the current path. */
struct pcre2_real_code_8 *mr_loader__regex(struct mr_loader *ld, const char *pattern,
                                           uint32_t extra_options);

/* Loads name → condition pairs (query parameters, headers, path parameters, cookies). */
void mr_loader__fields(struct mr_loader *ld, const cJSON *v, bool headers, struct mr_field **out,
                       size_t *nout);
void mr_loader__fields_release(struct mr_field *f, size_t n);

/* Loads a request matcher from `v` (an object) at the current path. */
void mr_loader__matcher(struct mr_loader *ld, const cJSON *v, struct mr_matcher *m);
void mr_loader__matcher_release(struct mr_matcher *m);

/* Reads the body's `placeholders` (`v`; the current path is the body) for
 * b's `xmlEquals` document, which has loaded: each placeholder in it
 * becomes one of b->placeholders (load_placeholders.c); _release frees
 * them. */
void mr_loader__placeholders(struct mr_loader *ld, const cJSON *v, struct mr_body_cond *b);
void mr_loader__placeholders_release(struct mr_body_cond *b);

/* Joins a file's `snapshot` object `v` (at the current path) into sc->snapshot
 * (load_snapshot.c); _release frees the settings. */
void mr_loader__snapshot(struct mr_loader *ld, struct mr_scenario *sc, const cJSON *v);
void mr_loader__snapshot_release(struct mr_snapshot_settings *set);

/* A route's `drift` value `v` (false, or the request to replay) into rt->drift
 * (load_drift.c); `line` and `column` are where "drift" is written. _free
 * frees one. */
void mr_loader__drift(struct mr_loader *ld, const cJSON *v, struct mr_route *rt, int line,
                      int column);
void mr_loader__drift_free(struct mr_drift *d);

/* mr_scenario_open_file, with the openat2 path switched off on request, so
 * tests reach the fallback on kernels that have it (files.c). */
enum mr_file_open mr_scenario__open_file(const struct mr_scenario_file *sf, const char *rel,
                                         size_t len, bool use_openat2, int *fd, const char **why);

/* One line describing a matcher, e.g. `POST /v1/refunds header X="1"`; with
 * conditions_only, just the conditions (`with body containing JSON {...}`). */
void mr_loader__describe_matcher(const struct mr_matcher *m, bool conditions_only, char *buf,
                                 size_t size);

#endif
