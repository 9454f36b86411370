/*
 * results.h - the plain outcome of one mockrun run: test cases, properties and
 * the command's captured output. The verifier fills it; report writers read it.
 * It knows nothing of servers or scenarios.
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
};

struct mr_property {
    char *name;
    char *value;
};

struct mr_results {
    char *suite;           /* the scenario's name */
    char *classname;       /* test case class: the scenario file name */
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
};

void mr_results_init(struct mr_results *r);
void mr_results_release(struct mr_results *r);

/* Each copies its strings; any may be NULL where the field allows. Return 0 or MR_ENOMEM. */
int mr_results_set_suite(struct mr_results *r, const char *suite, const char *classname);
int mr_results_add_case(struct mr_results *r, enum mr_case_status status, const char *name,
                        const char *message, const char *detail);
int mr_results_add_property(struct mr_results *r, const char *name, const char *value);
int mr_results_set_output(struct mr_results *r, const char *out, size_t out_len, const char *err,
                          size_t err_len);
int mr_results_add_note(struct mr_results *r, const char *line);

/* The number of cases with `status`. */
size_t mr_results_count(const struct mr_results *r, enum mr_case_status status);

#endif
