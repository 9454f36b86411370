/*
 * wiremock_internal.h - what the files of the WireMock importer share:
 * wiremock.c (files, stubs, responses, order, scenario states, output),
 * wiremock_match.c (a stub's `request` → mockrun conditions),
 * wiremock_template.c (WireMock's templates → mockrun's) and
 * wiremock_webhook.c (a stub's webhooks → mockrun callbacks).
 */
#ifndef MOCKRUN_FORMATS_WIREMOCK_INTERNAL_H
#define MOCKRUN_FORMATS_WIREMOCK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/wiremock.h"

struct cJSON;

/* One conversion. Warnings and the error are about the current file and the
 * JSON path in it (path[0..plen)). */
struct mr_wm {
    struct mr_wiremock_result *res;
    size_t wcap; /* room in res->warnings */
    bool nomem;  /* an allocation failed: the conversion fails with MR_ENOMEM */
    struct mr_error *err;
    bool failed;      /* err is set: the conversion stops and fails with it */
    const char *file; /* the current file as warnings name it ("mappings/x.json") */
    const char *text; /* its text (BOM skipped), for line:column */
    size_t len;
    char path[512];
    size_t plen;
    struct cJSON *allow_hosts; /* the scenario's "allowHosts" being built (webhooks to hosts
                                  besides loopback), or NULL */
};

/* Adds "file: path: message" to the warnings (control bytes written \xNN). */
void mr_wm__warn(struct mr_wm *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The same at path.key, for a member that is not pushed. */
void mr_wm__warn_at(struct mr_wm *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets the error (MR_ESCENARIO) at the current path, with line:column found
 * in the current text; only the first error is kept. Returns false. */
bool mr_wm__fail(struct mr_wm *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends a key / an index to the path; returns the mark mr_wm__pop goes back to. */
size_t mr_wm__push_key(struct mr_wm *c, const char *key);
size_t mr_wm__push_index(struct mr_wm *c, size_t i);
void mr_wm__pop(struct mr_wm *c, size_t mark);

/* Adds a member / an item, taking `item`; NULL or a failure marks OOM. */
void mr_wm__add(struct mr_wm *c, struct cJSON *obj, const char *key, struct cJSON *item);
void mr_wm__append(struct mr_wm *c, struct cJSON *arr, struct cJSON *item);

/* obj[key] as a string, or NULL. */
const char *mr_wm__str(const struct cJSON *obj, const char *key);

/* A stub's request, converted (wiremock_match.c). */
struct mr_wm_request {
    struct cJSON *request; /* the route's `request`: method, path or pathPattern, query,
                              headers, body */
    struct cJSON *when;    /* conditions a route's matcher cannot hold (cookies, path
                              parameters, a second condition on one field): an object,
                              empty when there are none */
    char **params;         /* the names of urlPathTemplate's variables mockrun knows as
                              path parameters ({{request.path.id}} reads them) */
    size_t nparams;
};

/*
 * Converts the `request` of a stub (the current path is the stub's).
 * Returns true and fills *out (release with mr_wm__request_release), or
 * false when the stub is dropped (with a warning) or the input is invalid
 * (c->failed) or memory ran out (c->nomem).
 */
bool mr_wm__request(struct mr_wm *c, const struct cJSON *req, struct mr_wm_request *out);
void mr_wm__request_release(struct mr_wm_request *r);

/*
 * Translates a WireMock template (Handlebars with WireMock's helpers and
 * request model) into a mockrun template with the same output, appending it
 * to `out` (wiremock_template.c). `root` is what the template calls the
 * request: "request" in a response, "originalRequest" in a webhook.
 * `params` are the stub's path parameter names. Returns false with a phrase
 * in `why` for what cannot be translated (an unknown helper, a request field
 * mockrun lacks), and when out of memory (`why` is then "out of memory").
 */
bool mr_wm__template(const char *src, size_t len, const char *root, char *const *params,
                     size_t nparams, struct mr_buf *out, char *why, size_t whysize);

/*
 * A stub's webhooks (wiremock_webhook.c): its `postServeActions`, then its
 * `serveEventListeners` (the current path is the stub's), as mockrun
 * callbacks without ids; `rq` is the stub's converted request (for path
 * parameters), `resp` its converted response (the webhook leaves once it is
 * sent: its delay counts). What cannot be converted is a warning; a webhook
 * mockrun cannot send is left out. Returns the array, or NULL when there is
 * none (or memory ran out: c->nomem).
 */
struct cJSON *mr_wm__webhooks(struct mr_wm *c, const struct cJSON *stub,
                              const struct mr_wm_request *rq, const struct cJSON *resp);

/* Decodes base64 as java.util.Base64's basic decoder does (padding optional at
 * the end), appending to out; false when it is not base64. */
bool mr_wm__b64decode(const char *s, struct mr_buf *out);

/* Text a scenario string can hold: UTF-8 without NUL. */
bool mr_wm__is_text(const char *s, size_t n);

/* A regex that matches `s` literally, appended to `b`. */
void mr_wm__regex_quote(struct mr_buf *b, const char *s, size_t len);

#endif
