/*
 * template.h - Handlebars-compatible response templates, with Mockoon's
 * helper set (request helpers, logic, values, numbers, generated data and
 * Faker names).
 *
 * A template is compiled once, at scenario load time, into a small tree;
 * syntax errors and unknown helpers are compile errors. Rendering reads the
 * immutable tree and a per-request context, writes into a caller's buffer
 * and is thread-safe (several workers render the same template at once).
 * Random output (faker, int, uuid, ...) comes only from the context's
 * generator, so a seed and a call order fix every byte.
 */
#ifndef MOCKRUN_TEMPLATES_TEMPLATE_H
#define MOCKRUN_TEMPLATES_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/kv.h"

/* How `{{x}}` output is escaped. `{{{x}}}` is never escaped. */
enum mr_tpl_escape {
    MR_TPL_HTML, /* Handlebars' escaping (& < > " ' ` =), as in Mockoon bodies */
    MR_TPL_NONE, /* headers, and JSON string values (escaped as JSON afterwards) */
};

/* What a template can see of the request being answered. All borrowed. */
struct mr_tpl_ctx {
    const char *method;
    const char *path;      /* URL-decoded */
    const char *query_raw; /* without '?', "" when none; parsed as Express's qs does */
    const struct mr_kv *headers;
    size_t nheaders;
    const struct mr_kv *params; /* path parameters (":id" → "id") */
    size_t nparams;
    const struct mr_kv *cookies;
    size_t ncookies;
    /* read as JSON, a form or XML by the Content-Type when a template first
     * asks ({{body 'a.b'}}), and as XML whatever the type by {{xpath}} */
    const char *body;
    size_t body_len;
    const char *base_url;  /* "http://127.0.0.1:41234" */
    const char *client_ip; /* the caller's address, e.g. "127.0.0.1"; NULL: unknown */
    int64_t now_ms;        /* wall clock, for now/date helpers */
    /* the seeded generator: uniform 64-bit values */
    uint64_t (*rand)(void *rand_ctx);
    void *rand_ctx;
    /* {{status 404}} stores a valid code (100-999) here when non-NULL; the
     * caller sends that status instead of the response's own */
    int *status;
    /* {{serviceUrl 'api'}}: the scenario's services, name → URL
     * ("http://127.0.0.1:41234"); a name not among them prints "" */
    const struct mr_kv *services;
    size_t nservices;
};

struct mr_template;

/*
 * Compiles `src` (len bytes). On failure returns MR_ESCENARIO and writes a
 * one-line message such as `unknown helper "fakr" at 1:3` or
 * `unclosed {{#each}} opened at 2:5` into errbuf. Caller owns *out.
 */
int mr_template_compile(struct mr_template **out, const char *src, size_t len,
                        enum mr_tpl_escape escape, char *errbuf, size_t errsize);

/* Receives one compile-time problem: `off` is where it is, as a byte offset
 * in the source; `msg` is the one-line message (it ends with "at L:C"). */
typedef void (*mr_tpl_problem_fn)(void *arg, size_t off, const char *msg);

struct mr_tpl_compile_opts {
    enum mr_tpl_escape escape;
    /* The service names {{serviceUrl 'name'}} may use: a literal name not
     * among them is a compile error (with a "did you mean"). NULL: literal
     * names are not checked. Borrowed for the call only. */
    const char *const *services;
    size_t nservices;
    /* Called for every problem, in source order. A syntax error ends the
     * compilation; problems with helpers (unknown or unsupported names,
     * argument counts, Faker names, date formats, service names) do not, so
     * one call reports them all. NULL: only the first, in errbuf. */
    mr_tpl_problem_fn problem;
    void *problem_arg;
};

/*
 * Compiles `src` with options. Like mr_template_compile, errbuf gets the
 * first problem's message; opts->problem, when set, gets every one.
 * Returns 0, MR_ESCENARIO (any problem) or MR_ENOMEM. Caller owns *out.
 */
int mr_template_compile_with(struct mr_template **out, const char *src, size_t len,
                             const struct mr_tpl_compile_opts *opts, char *errbuf, size_t errsize);

/* True when the text contains "{{" and so is a template by default. */
bool mr_template_detect(const char *src, size_t len);

/*
 * Appends to `out` a template source that renders to s[0..len) exactly:
 * the text with every "{{" escaped as "\{{" (Handlebars' literal mustache),
 * for converters that must keep text as it is inside a templated
 * object. Returns false, appending nothing, when no escaped source can say
 * it: a backslash right before "{{" ("\\{{" means a backslash and then a
 * mustache). Out of memory shows in out->failed.
 */
bool mr_template_quote(struct mr_buf *out, const char *s, size_t len);

/* Renders into `out` (appending). Returns 0, or MR_ENOMEM. Never fails on
 * request data: missing values render as "" the way Mockoon does. */
int mr_template_render(const struct mr_template *t, const struct mr_tpl_ctx *ctx,
                       struct mr_buf *out);

void mr_template_free(struct mr_template *t);

#endif
