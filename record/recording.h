/*
 * recording.h - the calls `mockrun record` forwarded, and the scenario it
 * writes from them.
 *
 * A recording is filled while the command runs: the server's threads hand
 * each proxied call to mr_recording_add, which copies it (thread-safe). Once
 * the command has ended, mr_recording_build turns the calls into one
 * scenario, as JSON text, and the fixture files it names:
 *
 *   - one route per service, method and path, the path generalised
 *     (record/generalize.h: /users/42 and /users/7 are /users/:userId);
 *     literal routes come before templated ones that could also match them;
 *   - its response as observed: status, headers (volatile ones such as Date,
 *     Server, Content-Length and Connection left out; a Location on the
 *     service made relative), and the body: `json` for JSON, `body` for
 *     text, and a file under fixtures/ for binary bodies, bodies larger than
 *     `inline_max`, and bodies still in a coding mockrun could not undo;
 *   - several different answers on one route become `responses` in the
 *     order they came, `"mode": "sequential"`;
 *   - an expectation per route with the number of calls observed
 *     (`"times"`), so that the same command run against the scenario passes;
 *   - secrets redacted (record/redact.h), each one listed in the notes.
 *
 * The scenario owns no proxy: replaying it never reaches the real API. It
 * passes the loader as written (the caller checks it before writing it:
 * runner/record.c).
 */
#ifndef MOCKRUN_RECORD_RECORDING_H
#define MOCKRUN_RECORD_RECORDING_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/kv.h"

#define MR_REC_INLINE_MAX_DEFAULT ((size_t)16 << 10) /* 16 KiB */
#define MR_REC_FIXTURES "fixtures"                   /* beside the scenario */

/* One forwarded call, as the server saw it; every pointer borrowed. */
struct mr_rec_call {
    size_t service; /* index into mr_rec_options.services */
    const char *method;
    const char *path;  /* decoded, as routes match it */
    const char *query; /* raw, without '?'; may be NULL */
    int status;
    const struct mr_kv *headers; /* the answer's, as forwarded to the client */
    size_t nheaders;
    const char *body; /* decoded when it came gzip- or deflate-encoded */
    size_t body_len;
    const char *encoding; /* the Content-Encoding the body still has, or NULL */
    const char *self_url; /* the recording service's own URL (its Locations point there) */
};

struct mr_recording;

int mr_recording_new(struct mr_recording **out, struct mr_error *err);
void mr_recording_free(struct mr_recording *r);

/* Copies one call. Thread-safe. Returns 0, or MR_ENOMEM (the call is then
 * counted as lost: mr_recording_lost). */
int mr_recording_add(struct mr_recording *r, const struct mr_rec_call *c);

/* Calls recorded, and calls lost for want of memory. Read after the adds. */
size_t mr_recording_count(const struct mr_recording *r);
size_t mr_recording_lost(const struct mr_recording *r);

/* A service of the recording: its name in the scenario and where it was recorded from. */
struct mr_rec_service {
    const char *name;
    const char *target;
};

struct mr_rec_options {
    const struct mr_rec_service *services; /* every service, recorded calls or not */
    size_t nservices;
    const char *name;           /* the scenario's name */
    const char *const *command; /* the command recorded (NULL-terminated) for `command.run`,
                                   or NULL */
    size_t inline_max;          /* bodies larger go to fixtures; 0: MR_REC_INLINE_MAX_DEFAULT */
};

/* A file the scenario names: `path` is relative to the scenario's folder
 * ("fixtures/get-logo.png"). */
struct mr_rec_fixture {
    char *path;
    char *data;
    size_t len;
};

struct mr_rec_result {
    char *scenario; /* JSON text, ending in a newline */
    size_t scenario_len;
    struct mr_rec_fixture *fixtures;
    size_t nfixtures;
    char **notes; /* what was redacted or left out, one line each ("redacted the
                     Set-Cookie header of POST /login") */
    size_t nnotes;
    size_t nroutes;
};

/*
 * Builds the scenario of everything recorded into *out (the caller releases
 * it with mr_rec_result_release, also after a failure). Returns 0 or
 * MR_ENOMEM. Not to be called while calls are still being added.
 */
int mr_recording_build(const struct mr_recording *r, const struct mr_rec_options *o,
                       struct mr_rec_result *out, struct mr_error *err);

void mr_rec_result_release(struct mr_rec_result *res);

#endif
