/*
 * results.h - the plain outcome of one mockrun run: test cases, properties,
 * the command's captured output and, for the HTML and HAR reports and -v,
 * the services, the recorded calls and the calls per route. The verifier and
 * runner/ fill it; report writers read it. It knows nothing of servers or
 * scenarios: runner/ copies from the journal what reports show.
 *
 * Embedded by value: mr_results_init / mr_results_release. It owns copies of
 * every string given to it; fields may also be assigned directly with
 * malloc'd strings (mr_results_release frees them), e.g. `hostname`, or a
 * case's `time_s` right after mr_results_add_case. Not thread-safe.
 *
 * On failure the setters leave `r` unchanged.
 */
#ifndef MOCKRUN_REPORTS_RESULTS_H
#define MOCKRUN_REPORTS_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

enum mr_case_status {
    MR_CASE_PASS,
    MR_CASE_FAIL,  /* an expectation did not hold */
    MR_CASE_ERROR, /* the check could not run (command not started, interrupted) */
    MR_CASE_SKIP,
};

struct mr_case {
    char *name;
    enum mr_case_status status;
    char *message; /* one line: what was expected and what happened; NULL on pass */
    char *detail;  /* multi-line: the relevant recorded calls; may be NULL */
    double time_s;
    char *file;   /* where what the case checks is written (a scenario file), or NULL; */
    int line;     /* its line there, 0: unknown (JUnit `file` and `line` attributes) */
    size_t suite; /* index into mr_results.suites (0 when there is none) */
};

/* A group of cases: one scenario file (a JUnit <testsuite>). */
struct mr_suite {
    char *name;      /* the scenario's name */
    char *classname; /* its cases' class: the scenario file, or NULL (then `name`) */
};

struct mr_property {
    char *name;
    char *value;
};

/* A header or query parameter of a recorded call. */
struct mr_results_header {
    char *name;
    char *value;
};

/* A mock service of the run, as reports name it. */
struct mr_results_service {
    char *name;
    char *url; /* "http://127.0.0.1:41234", or NULL when it never listened */
};

/*
 * One call the mocks received, as the HTML and HAR reports show it. runner/
 * copies it from the journal (reports/ knows no server type), only when a
 * report needs calls; mr_results_add_call copies every string.
 */
struct mr_results_call {
    uint64_t seq;        /* 1-based call number, in arrival order */
    int64_t wall_us;     /* when it arrived (wall clock, microseconds since the epoch) */
    int64_t duration_us; /* until the answer was written */
    size_t service;      /* index into mr_results.services */
    char *method;
    char *path;  /* decoded, as matched */
    char *query; /* as sent, without '?'; "" when none */
    struct mr_results_header *headers;
    size_t nheaders;
    char *body; /* the request body the journal kept (any bytes), or NULL */
    size_t body_len;
    uint64_t body_size;  /* bytes the client sent (body_len is less when truncated) */
    bool body_truncated; /* the journal kept only the first body_len bytes */
    int status;          /* the answer's status */
    char *route;         /* the matched route's id; NULL when no route matched */
    bool allowed;        /* unmatched, but allowed by the scenario's `unexpected` */
    bool proxied;        /* unmatched, and answered by the service's "proxy" */
    char *near;          /* unmatched: why the closest route did not match, or NULL */
    char *response_type; /* the answer's Content-Type when known, or NULL */
    char *response_body; /* the answer's body as the journal kept it (up to --body-limit),
                            or NULL (a file streamed from disk, a fault, HEAD) */
    size_t response_body_len;
    char *test; /* the test that made the call (X-Mockrun-Test, POST /__mockrun/test), or NULL */
};

/* How a callback attempt ended (server/journal.h's outcomes, as reports name them). */
enum mr_results_outcome {
    MR_RESULTS_ANSWERED, /* the application answered: `status` */
    MR_RESULTS_FAILED,   /* sent, or tried to, without an answer: `error` */
    MR_RESULTS_REFUSED,  /* never sent: its URL is not allowed (`error`) */
    MR_RESULTS_NOT_SENT, /* never sent: due after the command ended, interrupted (`error`) */
};

/* "answered", "failed", "refused", "not sent" */
const char *mr_results_outcome_name(enum mr_results_outcome o);

/*
 * One callback attempt (a webhook mockrun sent, or did not), as the HTML and
 * HAR reports and -v show it; runner/ copies it from the journal.
 * mr_results_add_attempt copies every string.
 */
struct mr_results_attempt {
    uint64_t seq;      /* 1-based, in the order attempts ended */
    char *callback;    /* the callback's id */
    uint64_t delivery; /* 1-based: one triggered use of the callback */
    unsigned attempt;  /* 1-based */
    uint64_t trigger;  /* the seq of the call whose response triggered it */
    bool final;        /* the delivery's last attempt */
    enum mr_results_outcome outcome;
    int64_t wall_us; /* when it was sent (not sent: when it was due) */
    int64_t duration_us;
    char *method;
    char *url;
    struct mr_results_header *headers; /* the request's */
    size_t nheaders;
    char *body; /* the request body kept, or NULL */
    size_t body_len;
    uint64_t body_size;
    bool body_truncated;
    int status;          /* ANSWERED: the application's status; else 0 */
    char *error;         /* why there is no answer, or NULL */
    char *response_type; /* the answer's Content-Type, or NULL */
    char *response_body; /* the answer's body as kept, or NULL */
    size_t response_body_len;
};

/* How many answers of one status a route gave. */
struct mr_results_status {
    int status;
    uint64_t count;
};

/* The calls of one route (or, with `id` NULL, of no route) for the console's
 * -v table and the HTML report. */
struct mr_results_route {
    char *id;                           /* NULL: the calls no route matched */
    bool proxied;                       /* with id NULL: the calls a proxy answered */
    size_t service;                     /* index into mr_results.services; unused when id is NULL */
    uint64_t calls;                     /* every call, exact */
    struct mr_results_status *statuses; /* of the calls kept with details, by status */
    size_t nstatuses;
};

struct mr_results {
    struct mr_suite *suites; /* one per scenario file, in order; cases name theirs */
    size_t nsuites;
    char *hostname;        /* NULL: report writers use gethostname() */
    int64_t start_wall_us; /* 0: report writers use the time of writing */
    double time_s;         /* whole run */
    struct mr_case *cases;
    size_t ncases;
    struct mr_property *props;
    size_t nprops;
    char *out; /* the command's captured stdout (last bytes), may contain any bytes */
    size_t out_len;
    char *err; /* the command's captured stderr */
    size_t err_len;
    char *notes; /* free text for the suite's system-out after the command output, or NULL;
                    mr_results_add_note appends one line and a newline */
    /* For the HTML and HAR reports and the console's route table; runner/
     * fills them only when one of those is asked for. */
    char *command; /* the command as one line of text, or NULL (--serve) */
    uint64_t seed; /* the seed of random responses and delays */
    bool has_seed; /* `seed` is set */
    struct mr_results_service *services;
    size_t nservices;
    struct mr_results_call *calls; /* in arrival order */
    size_t ncalls;
    uint64_t calls_total; /* calls received, >= ncalls: past the journal's limits calls
                             are counted but not kept */
    bool has_calls;       /* the calls were recorded (else reports leave them out) */
    struct mr_results_route *routes;
    size_t nroutes;
    struct mr_results_attempt *attempts; /* callback attempts, in the order they ended */
    size_t nattempts;
    bool has_attempts; /* the scenario has callbacks (else reports leave them out) */
};

void mr_results_init(struct mr_results *r);
void mr_results_release(struct mr_results *r);

/* Each copies its strings; any may be NULL where the field allows. Return 0 or MR_ENOMEM.
 * A case belongs to the suite added last before it (suite 0 when none was). */
int mr_results_add_suite(struct mr_results *r, const char *name, const char *classname);
int mr_results_add_case(struct mr_results *r, enum mr_case_status status, const char *name,
                        const char *message, const char *detail);
int mr_results_add_property(struct mr_results *r, const char *name, const char *value);
/* Stores these exact bytes (any bytes, NULs included) as the command's output. */
int mr_results_set_output(struct mr_results *r, const char *out, size_t out_len, const char *err,
                          size_t err_len);

/*
 * Stores the command's captured output as reports show it: each stream goes
 * through mr_results_strip_terminal, and when `*_dropped` bytes were cut from
 * its front (a capture keeps only the tail), it starts with the line
 * "[mockrun: 1234567 earlier bytes dropped]". Returns 0 or MR_ENOMEM.
 */
int mr_results_set_captured(struct mr_results *r, const char *out, size_t out_len,
                            uint64_t out_dropped, const char *err, size_t err_len,
                            uint64_t err_dropped);

/*
 * Appends to `out` the `len` bytes at `in` (a command's output, any bytes)
 * as plain text: what a terminal would have drawn as characters, without the
 * sequences that colour it or move the cursor. Removed:
 *
 * - CSI: ESC [ (or the 8-bit C1 byte 0x9B), parameter bytes 0x30-0x3F and
 *   intermediate bytes 0x20-0x2F, up to a final byte 0x40-0x7E: colours,
 *   cursor moves, "erase line";
 * - strings: ESC ] (OSC: window titles, hyperlinks), ESC P (DCS), ESC X,
 *   ESC ^ and ESC _, up to BEL or ESC \ (ST);
 * - every other escape: ESC, intermediate bytes 0x20-0x2F, one final byte
 *   0x30-0x7E (ESC 7, ESC =, ESC ( B);
 * - CRs just before a LF: CR LF and CR CR LF become LF (a pseudo-terminal in
 *   raw mode, or a program that writes them itself).
 *
 * As in a terminal's parser, control bytes inside a sequence are kept and
 * the sequence goes on (ESC [ 3 LF 1 m keeps the LF), CAN and SUB cancel
 * it, and another ESC ends it and starts a new one. Unlike a terminal, a LF
 * ends a string, so an OSC left open costs at most the rest of its line; a
 * byte above 0x7F ends a CSI or escape and is kept, and an ESC at the end of
 * the input is dropped. 0x9B starts a CSI only where it does not continue a
 * UTF-8 sequence (by the maximal-subpart rule of mr_junit_sanitize), so the
 * UTF-8 text around it is left whole; other 8-bit C1 bytes are left to the
 * report's own sanitizer.
 *
 * The output is the input with bytes removed: no ESC, no 0x9B outside UTF-8,
 * no CR before a LF. Stripping it again changes nothing. Pure and total (a
 * fuzz target). On OOM `out` is marked failed (out->failed), as mr_buf does.
 */
void mr_results_strip_terminal(struct mr_buf *out, const char *in, size_t len);
int mr_results_add_note(struct mr_results *r, const char *line);

/* Copies `command` (may be NULL) into r->command. Returns 0 or MR_ENOMEM. */
int mr_results_set_command(struct mr_results *r, const char *command);

/* Appends a service; `url` may be NULL. Returns 0 or MR_ENOMEM. */
int mr_results_add_service(struct mr_results *r, const char *name, const char *url);

/*
 * Appends a deep copy of `call` (every string, header and body; `headers`
 * may be NULL when nheaders is 0, `query` NULL for ""), and sets has_calls.
 * calls_total is the caller's to set. Returns 0 or MR_ENOMEM.
 */
int mr_results_add_call(struct mr_results *r, const struct mr_results_call *call);

/* Appends a deep copy of `a` (headers may be NULL when nheaders is 0) and
 * sets has_attempts. Returns 0 or MR_ENOMEM. */
int mr_results_add_attempt(struct mr_results *r, const struct mr_results_attempt *a);

/*
 * Appends a route with its exact call count (`id` NULL: the calls no route
 * matched; set `proxied` on the row of those a proxy answered) and no
 * statuses yet; mr_results_count_status adds them. Returns 0 or MR_ENOMEM.
 */
int mr_results_add_route(struct mr_results *r, const char *id, size_t service, uint64_t calls);

/* Counts one answer with `status` for r->routes[route], keeping the
 * statuses in ascending order. Returns 0 or MR_ENOMEM. */
int mr_results_count_status(struct mr_results *r, size_t route, int status);

/* The number of cases with `status`. */
size_t mr_results_count(const struct mr_results *r, enum mr_case_status status);

/* The number of cases of suite `suite` with `status`; every case of it when status < 0. */
size_t mr_results_count_in(const struct mr_results *r, size_t suite, int status);

/* What a report is titled: the suite's name, "a + b" for several, "mockrun" for none. */
void mr_results_title(const struct mr_results *r, struct mr_buf *out);

/* The class of suite `suite`'s cases: its classname, else its name, else "mockrun". */
const char *mr_results_classname(const struct mr_results *r, size_t suite);

#endif
