#include "reports/results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/text.h"

/* Copies `s` into *out; NULL stays NULL. Returns false on OOM, leaving *out alone. */
static bool dup_opt(char **out, const char *s)
{
    char *p;
    size_t n;

    if (!s) {
        *out = NULL;
        return true;
    }
    n = strlen(s);
    p = malloc(n + 1);
    if (!p)
        return false;
    memcpy(p, s, n + 1);
    *out = p;
    return true;
}

/* Copies `len` bytes that may hold NULs; the copy is NUL-terminated too. */
static bool dup_bytes(char **out, const char *s, size_t len)
{
    char *p;

    if (!s || len == 0) {
        *out = NULL;
        return true;
    }
    if (len == (size_t)-1)
        return false;
    p = malloc(len + 1);
    if (!p)
        return false;
    memcpy(p, s, len);
    p[len] = '\0';
    *out = p;
    return true;
}

static void free_case(struct mr_case *c)
{
    free(c->name);
    free(c->message);
    free(c->detail);
    free(c->file);
}

static void free_call(struct mr_results_call *c)
{
    size_t i;

    free(c->method);
    free(c->path);
    free(c->query);
    for (i = 0; i < c->nheaders; i++) {
        free(c->headers[i].name);
        free(c->headers[i].value);
    }
    free(c->headers);
    free(c->body);
    free(c->route);
    free(c->near);
    free(c->response_type);
    free(c->response_body);
    free(c->test);
}

static void free_attempt(struct mr_results_attempt *a)
{
    size_t i;

    free(a->callback);
    free(a->method);
    free(a->url);
    for (i = 0; i < a->nheaders; i++) {
        free(a->headers[i].name);
        free(a->headers[i].value);
    }
    free(a->headers);
    free(a->body);
    free(a->error);
    free(a->response_type);
    free(a->response_body);
}

void mr_results_init(struct mr_results *r)
{
    memset(r, 0, sizeof(*r));
}

void mr_results_release(struct mr_results *r)
{
    size_t i;

    for (i = 0; i < r->ncases; i++)
        free_case(&r->cases[i]);
    free(r->cases);
    for (i = 0; i < r->nprops; i++) {
        free(r->props[i].name);
        free(r->props[i].value);
    }
    free(r->props);
    for (i = 0; i < r->nsuites; i++) {
        free(r->suites[i].name);
        free(r->suites[i].classname);
    }
    free(r->suites);
    free(r->hostname);
    free(r->out);
    free(r->err);
    free(r->notes);
    free(r->command);
    for (i = 0; i < r->nservices; i++) {
        free(r->services[i].name);
        free(r->services[i].url);
    }
    free(r->services);
    for (i = 0; i < r->ncalls; i++)
        free_call(&r->calls[i]);
    free(r->calls);
    for (i = 0; i < r->nroutes; i++) {
        free(r->routes[i].id);
        free(r->routes[i].statuses);
    }
    free(r->routes);
    for (i = 0; i < r->nattempts; i++)
        free_attempt(&r->attempts[i]);
    free(r->attempts);
    mr_results_init(r);
}

/*
 * Makes room for one more item in an array of `count` items of `size` bytes.
 * The public struct stores no capacity: it is implied by the count (0, then
 * 8, 16, 32, ...), so the array is full exactly when count is 0 or a power of
 * two of at least 8.
 */
static bool grow(void **items, size_t count, size_t size)
{
    size_t ncap;
    void *p;

    if (count != 0 && (count < 8 || (count & (count - 1)) != 0))
        return true;
    ncap = count ? count * 2 : 8;
    if (ncap < count || ncap > (size_t)-1 / size)
        return false;
    p = realloc(*items, ncap * size);
    if (!p)
        return false;
    *items = p;
    return true;
}

int mr_results_add_suite(struct mr_results *r, const char *name, const char *classname)
{
    struct mr_suite su = {NULL, NULL};
    void *items = r->suites;

    if (!dup_opt(&su.name, name ? name : "") || !dup_opt(&su.classname, classname) ||
        !grow(&items, r->nsuites, sizeof(su))) {
        free(su.name);
        free(su.classname);
        return MR_ENOMEM;
    }
    r->suites = items;
    r->suites[r->nsuites++] = su;
    return 0;
}

int mr_results_add_case(struct mr_results *r, enum mr_case_status status, const char *name,
                        const char *message, const char *detail)
{
    struct mr_case c;
    void *items = r->cases;

    memset(&c, 0, sizeof(c));
    c.status = status;
    c.suite = r->nsuites ? r->nsuites - 1 : 0;
    if (!dup_opt(&c.name, name ? name : "") || !dup_opt(&c.message, message) ||
        !dup_opt(&c.detail, detail) || !grow(&items, r->ncases, sizeof(c))) {
        free_case(&c);
        return MR_ENOMEM;
    }
    r->cases = items;
    r->cases[r->ncases++] = c;
    return 0;
}

int mr_results_add_property(struct mr_results *r, const char *name, const char *value)
{
    struct mr_property p;
    void *items = r->props;

    p.name = NULL;
    p.value = NULL;
    if (!dup_opt(&p.name, name ? name : "") || !dup_opt(&p.value, value ? value : "") ||
        !grow(&items, r->nprops, sizeof(p))) {
        free(p.name);
        free(p.value);
        return MR_ENOMEM;
    }
    r->props = items;
    r->props[r->nprops++] = p;
    return 0;
}

int mr_results_set_output(struct mr_results *r, const char *out, size_t out_len, const char *err,
                          size_t err_len)
{
    char *o, *e;

    if (!dup_bytes(&o, out, out_len))
        return MR_ENOMEM;
    if (!dup_bytes(&e, err, err_len)) {
        free(o);
        return MR_ENOMEM;
    }
    free(r->out);
    free(r->err);
    r->out = o;
    r->out_len = o ? out_len : 0;
    r->err = e;
    r->err_len = e ? err_len : 0;
    return 0;
}

int mr_results_set_command(struct mr_results *r, const char *command)
{
    char *c;

    if (!dup_opt(&c, command))
        return MR_ENOMEM;
    free(r->command);
    r->command = c;
    return 0;
}

int mr_results_add_service(struct mr_results *r, const char *name, const char *url)
{
    struct mr_results_service s = {NULL, NULL};
    void *items = r->services;

    if (!dup_opt(&s.name, name ? name : "") || !dup_opt(&s.url, url) ||
        !grow(&items, r->nservices, sizeof(s))) {
        free(s.name);
        free(s.url);
        return MR_ENOMEM;
    }
    r->services = items;
    r->services[r->nservices++] = s;
    return 0;
}

/* The deep copy of mr_results_add_call; on failure `out` holds what was
 * copied so far (free_call releases it). */
/* Copies n headers into *out; *nout counts those copied so far, so that the
 * caller's free sees exactly what is there when a copy fails. */
static bool copy_headers(struct mr_results_header **out, size_t *nout,
                         const struct mr_results_header *in, size_t n)
{
    size_t i;

    *out = NULL;
    *nout = 0;
    if (n == 0)
        return true;
    *out = calloc(n, sizeof(**out));
    if (!*out)
        return false;
    for (i = 0; i < n; i++) {
        *nout = i + 1;
        if (!dup_opt(&(*out)[i].name, in[i].name ? in[i].name : "") ||
            !dup_opt(&(*out)[i].value, in[i].value ? in[i].value : ""))
            return false;
    }
    return true;
}

static bool copy_call(struct mr_results_call *out, const struct mr_results_call *in)
{
    memset(out, 0, sizeof(*out));
    out->seq = in->seq;
    out->wall_us = in->wall_us;
    out->duration_us = in->duration_us;
    out->service = in->service;
    out->body_size = in->body_size;
    out->body_truncated = in->body_truncated;
    out->status = in->status;
    out->allowed = in->allowed;
    out->proxied = in->proxied;
    if (!dup_opt(&out->method, in->method ? in->method : "") ||
        !dup_opt(&out->path, in->path ? in->path : "") ||
        !dup_opt(&out->query, in->query ? in->query : "") || !dup_opt(&out->route, in->route) ||
        !dup_opt(&out->near, in->near) || !dup_opt(&out->response_type, in->response_type) ||
        !dup_opt(&out->test, in->test) || !dup_bytes(&out->body, in->body, in->body_len) ||
        !dup_bytes(&out->response_body, in->response_body, in->response_body_len))
        return false;
    out->body_len = out->body ? in->body_len : 0;
    out->response_body_len = out->response_body ? in->response_body_len : 0;
    return copy_headers(&out->headers, &out->nheaders, in->headers, in->nheaders);
}

int mr_results_add_call(struct mr_results *r, const struct mr_results_call *call)
{
    struct mr_results_call c;
    void *items = r->calls;

    if (!copy_call(&c, call) || !grow(&items, r->ncalls, sizeof(c))) {
        free_call(&c);
        return MR_ENOMEM;
    }
    r->calls = items;
    r->calls[r->ncalls++] = c;
    r->has_calls = true;
    return 0;
}

const char *mr_results_outcome_name(enum mr_results_outcome o)
{
    switch (o) {
    case MR_RESULTS_ANSWERED:
        return "answered";
    case MR_RESULTS_FAILED:
        return "failed";
    case MR_RESULTS_REFUSED:
        return "refused";
    case MR_RESULTS_NOT_SENT:
        return "not sent";
    }
    return "?";
}

/* The deep copy of mr_results_add_attempt; on failure `out` holds what was
 * copied so far (free_attempt releases it). */
static bool copy_attempt(struct mr_results_attempt *out, const struct mr_results_attempt *in)
{
    *out = *in;
    out->callback = out->method = out->url = out->body = out->error = NULL;
    out->response_type = out->response_body = NULL;
    out->headers = NULL;
    out->nheaders = 0;
    if (!dup_opt(&out->callback, in->callback ? in->callback : "") ||
        !dup_opt(&out->method, in->method ? in->method : "") ||
        !dup_opt(&out->url, in->url ? in->url : "") || !dup_opt(&out->error, in->error) ||
        !dup_opt(&out->response_type, in->response_type) ||
        !dup_bytes(&out->body, in->body, in->body_len) ||
        !dup_bytes(&out->response_body, in->response_body, in->response_body_len))
        return false;
    out->body_len = out->body ? in->body_len : 0;
    out->response_body_len = out->response_body ? in->response_body_len : 0;
    return copy_headers(&out->headers, &out->nheaders, in->headers, in->nheaders);
}

int mr_results_add_attempt(struct mr_results *r, const struct mr_results_attempt *a)
{
    struct mr_results_attempt c;
    void *items = r->attempts;

    if (!copy_attempt(&c, a) || !grow(&items, r->nattempts, sizeof(c))) {
        free_attempt(&c);
        return MR_ENOMEM;
    }
    r->attempts = items;
    r->attempts[r->nattempts++] = c;
    r->has_attempts = true;
    return 0;
}

int mr_results_add_route(struct mr_results *r, const char *id, size_t service, uint64_t calls)
{
    struct mr_results_route rt;
    void *items = r->routes;

    memset(&rt, 0, sizeof(rt));
    rt.service = service;
    rt.calls = calls;
    if (!dup_opt(&rt.id, id) || !grow(&items, r->nroutes, sizeof(rt))) {
        free(rt.id);
        return MR_ENOMEM;
    }
    r->routes = items;
    r->routes[r->nroutes++] = rt;
    return 0;
}

int mr_results_count_status(struct mr_results *r, size_t route, int status)
{
    struct mr_results_route *rt;
    void *items;
    size_t i;

    if (route >= r->nroutes)
        MR_BUG("route %zu of %zu", route, r->nroutes);
    rt = &r->routes[route];
    for (i = 0; i < rt->nstatuses && rt->statuses[i].status < status; i++)
        ;
    if (i < rt->nstatuses && rt->statuses[i].status == status) {
        rt->statuses[i].count++;
        return 0;
    }
    items = rt->statuses;
    if (!grow(&items, rt->nstatuses, sizeof(*rt->statuses)))
        return MR_ENOMEM;
    rt->statuses = items;
    memmove(&rt->statuses[i + 1], &rt->statuses[i], (rt->nstatuses - i) * sizeof(*rt->statuses));
    rt->statuses[i].status = status;
    rt->statuses[i].count = 1;
    rt->nstatuses++;
    return 0;
}

/* --- captured terminal output ------------------------------------------- */

#define ESC 0x1b
#define CAN 0x18 /* cancels a sequence */
#define SUB 0x1a /* cancels a sequence */
#define BEL 0x07 /* ends an OSC (xterm) */
#define DEL 0x7f /* ignored inside a sequence */
#define C1_CSI 0x9b

/* Where the parser is: the states of a terminal's escape-sequence parser
 * (after Paul Williams' VT500 state machine), folded into four. */
enum term_state {
    GROUND, /* text */
    ESCAPE, /* after ESC, maybe after intermediate bytes */
    CSI,    /* after ESC [ or 0x9B */
    STRING, /* OSC, DCS, SOS, PM, APC: up to BEL, ST or another ESC */
};

/* Appends one ASCII byte at d[*o]; a LF first takes back the CRs right
 * before it (those this call wrote: from `start` on). */
static void put(char *d, size_t *o, size_t start, unsigned char c)
{
    if (c == '\n')
        while (*o > start && d[*o - 1] == '\r')
            (*o)--;
    d[(*o)++] = (char)c;
}

/* A control byte that a terminal executes even inside a sequence. */
static bool executed(unsigned char c)
{
    return c < 0x20 && c != ESC && c != CAN && c != SUB;
}

void mr_results_strip_terminal(struct mr_buf *out, const char *in, size_t len)
{
    const unsigned char *s = (const unsigned char *)in;
    enum term_state st = GROUND;
    bool intermediate = false; /* ESCAPE: an intermediate byte came after the ESC */
    size_t i = 0, start, o;
    char *d;

    if (len == 0) { /* `in` may then be NULL */
        mr_buf_append(out, "", 0);
        return;
    }
    /* The output is never longer than the input: write it in place. */
    if (!mr_buf_reserve(out, len))
        return;
    d = out->data;
    start = o = out->len;
    while (i < len) {
        unsigned char c = s[i];

        switch (st) {
        case GROUND:
            if (c == ESC) {
                st = ESCAPE;
                intermediate = false;
                i++;
            } else if (c == C1_CSI) { /* not inside a UTF-8 sequence: see mr_utf8_span */
                st = CSI;
                i++;
            } else if (c >= 0x80) {
                size_t n = mr_utf8_span((const char *)s + i, len - i, NULL);
                memcpy(d + o, s + i, n);
                o += n;
                i += n;
            } else {
                put(d, &o, start, c);
                i++;
            }
            break;
        case ESCAPE:
            if (c >= 0x80) {
                st = GROUND; /* not part of it: text again */
                break;
            }
            i++;
            if (c == ESC) {
                intermediate = false; /* a new escape */
            } else if (c >= 0x20 && c <= 0x2f) {
                intermediate = true;
            } else if (c == DEL) {
                /* ignored */
            } else if (c == CAN || c == SUB) {
                st = GROUND;
            } else if (executed(c)) {
                put(d, &o, start, c);
            } else if (!intermediate && c == '[') {
                st = CSI;
            } else if (!intermediate &&
                       (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_')) {
                st = STRING;
            } else {
                st = GROUND; /* the final byte */
            }
            break;
        case CSI:
            if (c >= 0x80) {
                st = GROUND;
                break;
            }
            i++;
            if (c == ESC) {
                st = ESCAPE;
                intermediate = false;
            } else if (c == CAN || c == SUB || (c >= 0x40 && c <= 0x7e)) {
                st = GROUND; /* cancelled, or the final byte */
            } else if (executed(c)) {
                put(d, &o, start, c);
            } /* else a parameter or intermediate byte, or DEL */
            break;
        case STRING:
            if (c == '\n') {
                st = GROUND; /* ours, not a terminal's: keep the next line */
                break;
            }
            i++;
            if (c == ESC) { /* ST (ESC \\) or a new sequence: ESCAPE drops either */
                st = ESCAPE;
                intermediate = false;
            } else if (c == BEL || c == CAN || c == SUB) {
                st = GROUND;
            }
            break;
        }
    }
    out->len = o;
    d[o] = '\0';
}

int mr_results_set_captured(struct mr_results *r, const char *out, size_t out_len,
                            uint64_t out_dropped, const char *err, size_t err_len,
                            uint64_t err_dropped)
{
    struct mr_buf b[2];
    const char *in[2] = {out, err};
    size_t len[2] = {out_len, err_len}, n[2];
    uint64_t dropped[2] = {out_dropped, err_dropped};
    char *text[2];
    int k;

    for (k = 0; k < 2; k++) {
        mr_buf_init(&b[k]);
        if (dropped[k])
            mr_buf_printf(&b[k], "[mockrun: %llu earlier bytes dropped]\n",
                          (unsigned long long)dropped[k]);
        if (in[k] && len[k])
            mr_results_strip_terminal(&b[k], in[k], len[k]);
    }
    if (b[0].failed || b[1].failed) {
        mr_buf_release(&b[0]);
        mr_buf_release(&b[1]);
        return MR_ENOMEM;
    }
    for (k = 0; k < 2; k++) {
        n[k] = b[k].len;
        text[k] = n[k] ? mr_buf_detach(&b[k], NULL) : NULL;
        mr_buf_release(&b[k]);
    }
    free(r->out);
    free(r->err);
    r->out = text[0];
    r->out_len = n[0];
    r->err = text[1];
    r->err_len = n[1];
    return 0;
}

int mr_results_add_note(struct mr_results *r, const char *line)
{
    size_t old = r->notes ? strlen(r->notes) : 0;
    size_t n = line ? strlen(line) : 0;
    char *p;

    if (n > (size_t)-1 - old - 2)
        return MR_ENOMEM;
    p = realloc(r->notes, old + n + 2);
    if (!p)
        return MR_ENOMEM;
    if (n)
        memcpy(p + old, line, n);
    p[old + n] = '\n';
    p[old + n + 1] = '\0';
    r->notes = p;
    return 0;
}

size_t mr_results_count(const struct mr_results *r, enum mr_case_status status)
{
    size_t i, n = 0;

    for (i = 0; i < r->ncases; i++)
        if (r->cases[i].status == status)
            n++;
    return n;
}

size_t mr_results_count_in(const struct mr_results *r, size_t suite, int status)
{
    size_t i, n = 0;

    for (i = 0; i < r->ncases; i++)
        if (r->cases[i].suite == suite && (status < 0 || (int)r->cases[i].status == status))
            n++;
    return n;
}

void mr_results_title(const struct mr_results *r, struct mr_buf *out)
{
    size_t i;

    if (!r->nsuites)
        mr_buf_puts(out, "mockrun");
    for (i = 0; i < r->nsuites; i++) {
        if (i)
            mr_buf_puts(out, " + ");
        mr_buf_puts(out, r->suites[i].name);
    }
}

const char *mr_results_classname(const struct mr_results *r, size_t suite)
{
    if (suite >= r->nsuites)
        return "mockrun";
    return r->suites[suite].classname ? r->suites[suite].classname : r->suites[suite].name;
}
