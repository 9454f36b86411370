#include "reports/html.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/xml.h"
#include "reports/atomic.h"
#include "reports/junit.h"

/* The page's style: system fonts, a red or green summary, unmatched calls red. */
static const char css[] =
    ":root{--fail:#b42318;--fail-bg:#fef3f2;--pass:#067647;--pass-bg:#ecfdf3;--skip:#b54708;"
    "--muted:#667085;--line:#eaecf0}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#101828;"
    "background:#f9fafb}\n"
    "header,main,footer{max-width:1160px;margin:0 auto;padding:16px 24px}\n"
    "header{border-left:6px solid var(--pass);background:var(--pass-bg);margin-top:16px}\n"
    "header.fail{border-color:var(--fail);background:var(--fail-bg)}\n"
    "h1{margin:0 0 4px;font-size:22px}h2{font-size:17px;margin:24px 0 8px}"
    "h3{font-size:15px;margin:16px 0 6px}h4{font-size:12px;margin:10px 0 2px;color:var(--muted)}\n"
    "#counts{font-size:16px;margin:4px 0 10px}#counts span{margin-right:14px}\n"
    ".passed{color:var(--pass);font-weight:600}.failed{color:var(--fail);font-weight:600}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}\n"
    "dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere}\n"
    "code,pre{font:12px/1.4 ui-monospace,'DejaVu Sans Mono',monospace}\n"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid "
    "var(--line);padding:6px 8px;margin:2px 0;max-height:420px;overflow:auto}\n"
    "ul.cases{list-style:none;padding:0;margin:0}\n"
    "li.case{background:#fff;border:1px solid var(--line);border-left:4px solid var(--pass);"
    "padding:6px 10px;margin:4px 0}\n"
    "li.case.fail,li.case.error{border-left-color:var(--fail)}"
    "li.case.skip{border-left-color:var(--skip)}\n"
    ".mark{font-weight:700;margin-right:6px}.pass .mark{color:var(--pass)}"
    ".fail .mark,.error .mark{color:var(--fail)}.skip .mark{color:var(--skip)}\n"
    ".message{margin:4px 0 2px}.where{color:var(--muted);font-size:12px}\n"
    "table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line)}\n"
    "th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);"
    "vertical-align:top}\n"
    "th{background:#f2f4f7;font-weight:600}\n"
    "td.num,th.num{text-align:right;white-space:nowrap}td.time{white-space:nowrap}\n"
    "tr.unmatched{background:var(--fail-bg)}tr.unmatched td:first-child{box-shadow:inset 4px 0 "
    "var(--fail)}\n"
    "tr.unmatched .route{color:var(--fail);font-weight:600}\n"
    "tr.allowed{background:#fffaeb}tr.allowed .route{color:var(--skip)}\n"
    "tr.proxied .route{color:#175cd3;font-style:italic}\n"
    "tr.failed,tr.refused,tr.notsent{background:var(--fail-bg)}tr.failed td:first-child,"
    "tr.refused td:first-child,tr.notsent td:first-child{box-shadow:inset 4px 0 var(--fail)}\n"
    ".outcome{color:var(--fail);font-weight:600}\n"
    ".s2{color:var(--pass)}.s3{color:#175cd3}.s4,.s5{color:var(--fail);font-weight:600}\n"
    "details summary{cursor:pointer;overflow-wrap:anywhere}\n"
    ".note{color:var(--muted);font-style:italic;margin:2px 0}\n"
    ".near{color:var(--fail);font-size:12px;margin-top:2px;white-space:pre-wrap}\n"
    ".url{color:var(--muted);font-weight:400;font-size:13px;margin-left:8px}\n"
    "button{font:inherit;padding:2px 10px}\n"
    "footer{color:var(--muted);font-size:12px}\n"
    "tr[hidden]{display:none}td.test.none{color:var(--muted)}\n";

/* "Expand all" opens every <details> (bodies, output); pressed again, closes them. */
static const char script[] =
    "document.getElementById('expand').addEventListener('click', function () {\n"
    "  var open = this.getAttribute('aria-pressed') !== 'true';\n"
    "  document.querySelectorAll('details').forEach(function (d) { d.open = open; });\n"
    "  this.setAttribute('aria-pressed', open ? 'true' : 'false');\n"
    "  this.textContent = open ? 'Collapse all' : 'Expand all';\n"
    "});\n"
    "/* The test filter: rows of other tests hidden; #test=NAME in the address picks one\n"
    " * (#test= with nothing: calls outside any test). */\n"
    "(function () {\n"
    "  var sel = document.getElementById('test-filter');\n"
    "  if (!sel) return;\n"
    "  function apply() {\n"
    "    var v = sel.value;\n"
    "    document.querySelectorAll('tr.call').forEach(function (tr) {\n"
    "      tr.hidden = v !== 'all' && tr.getAttribute('data-test') !== v;\n"
    "    });\n"
    "  }\n"
    "  sel.addEventListener('change', apply);\n"
    "  var m = /^#test=(.*)$/.exec(location.hash), want = null;\n"
    "  if (m) {\n"
    "    try { want = decodeURIComponent(m[1]); } catch (e) { want = null; }\n"
    "  }\n"
    "  if (want !== null) {\n"
    "    sel.value = want === '' ? 'none' : 't:' + want;\n"
    "    if (sel.selectedIndex < 0) sel.value = 'all';\n"
    "  }\n"
    "  apply();\n"
    "})();\n";

/*
 * The page being built. A libxml2 call that fails (out of memory) sets
 * `failed`; from then on every helper does nothing and returns NULL, so the
 * builders need no checks and mr_html_build tests once at the end.
 */
struct page {
    const struct mr_xml *x;
    xmlDocPtr doc;
    struct mr_buf scratch; /* one sanitized string at a time */
    struct mr_buf title;   /* mr_results_title */
    bool failed;
};

static xmlNodePtr check(struct page *p, xmlNodePtr n)
{
    if (!n)
        p->failed = true;
    return n;
}

/* Sanitizes `len` bytes of `s` into the scratch buffer. */
static const xmlChar *clean(struct page *p, const char *s, size_t len)
{
    mr_buf_reset(&p->scratch);
    mr_junit_sanitize(&p->scratch, s ? s : "", s ? len : 0);
    if (p->scratch.failed) {
        p->failed = true;
        return NULL;
    }
    return (const xmlChar *)mr_buf_cstr(&p->scratch);
}

static void attr(struct page *p, xmlNodePtr node, const char *name, const char *value)
{
    const xmlChar *v;

    if (p->failed || !node)
        return;
    v = clean(p, value, value ? strlen(value) : 0);
    if (v && !p->x->xmlNewProp(node, (const xmlChar *)name, v))
        p->failed = true;
}

/* A new element `name` appended to `parent`, with class `cls` unless NULL. */
static xmlNodePtr el(struct page *p, xmlNodePtr parent, const char *name, const char *cls)
{
    xmlNodePtr n;

    if (p->failed || !parent)
        return NULL;
    n = check(p, p->x->xmlNewDocNode(p->doc, NULL, (const xmlChar *)name, NULL));
    if (!n)
        return NULL;
    p->x->xmlAddChild(parent, n);
    if (cls)
        attr(p, n, "class", cls);
    return n;
}

/* Text from the results (any bytes), sanitized, appended to `parent`. */
static void text_n(struct page *p, xmlNodePtr parent, const char *s, size_t len)
{
    const xmlChar *v;

    if (p->failed || !parent || !s || len == 0)
        return;
    v = clean(p, s, len);
    if (v)
        p->x->xmlAddChild(parent, check(p, p->x->xmlNewDocText(p->doc, v)));
}

static void text(struct page *p, xmlNodePtr parent, const char *s)
{
    text_n(p, parent, s, s ? strlen(s) : 0);
}

static void textf(struct page *p, xmlNodePtr parent, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void textf(struct page *p, xmlNodePtr parent, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    text(p, parent, buf);
}

/* An element holding only text. */
static xmlNodePtr el_text(struct page *p, xmlNodePtr parent, const char *name, const char *cls,
                          const char *s)
{
    xmlNodePtr n = el(p, parent, name, cls);

    text(p, n, s);
    return n;
}

/* Milliseconds as "12.345 ms" or seconds as "1.234 s", from integers (no locale). */
static void format_us(char *buf, size_t size, int64_t us, bool seconds)
{
    if (us < 0)
        us = 0;
    if (seconds) {
        int64_t ms = (us + 500) / 1000;
        snprintf(buf, size, "%lld.%03lld s", (long long)(ms / 1000), (long long)(ms % 1000));
    } else {
        snprintf(buf, size, "%lld.%03lld ms", (long long)(us / 1000), (long long)(us % 1000));
    }
}

static const char *status_word(enum mr_case_status s)
{
    switch (s) {
    case MR_CASE_PASS:
        return "pass";
    case MR_CASE_FAIL:
        return "fail";
    case MR_CASE_ERROR:
        return "error";
    case MR_CASE_SKIP:
        return "skip";
    }
    return "pass";
}

static void fact(struct page *p, xmlNodePtr dl, const char *name, const char *value, bool code)
{
    xmlNodePtr dd;

    el_text(p, dl, "dt", NULL, name);
    dd = el(p, dl, "dd", NULL);
    if (code)
        el_text(p, dd, "code", NULL, value);
    else
        text(p, dd, value);
}

static uint64_t unmatched_calls(const struct mr_results *r)
{
    uint64_t n = 0;
    size_t i;

    for (i = 0; i < r->ncalls; i++)
        if (!r->calls[i].route && !r->calls[i].allowed && !r->calls[i].proxied)
            n++;
    return n;
}

static void summary(struct page *p, xmlNodePtr body, const struct mr_results *r)
{
    size_t passed = mr_results_count(r, MR_CASE_PASS);
    size_t failed = mr_results_count(r, MR_CASE_FAIL) + mr_results_count(r, MR_CASE_ERROR);
    size_t skipped = mr_results_count(r, MR_CASE_SKIP);
    xmlNodePtr h = el(p, body, "header", failed ? "fail" : "pass"), counts, dl, span;
    char buf[64], stamp[25], host[256];
    size_t i;

    attr(p, h, "id", "summary");
    el_text(p, h, "h1", NULL, mr_buf_cstr(&p->title));
    counts = el(p, h, "p", NULL);
    attr(p, counts, "id", "counts");
    span = el(p, counts, "span", "passed");
    attr(p, span, "id", "passed");
    textf(p, span, "%zu passed", passed);
    span = el(p, counts, "span", failed ? "failed" : NULL);
    attr(p, span, "id", "failed");
    textf(p, span, "%zu failed", failed);
    span = el(p, counts, "span", NULL);
    attr(p, span, "id", "skipped");
    textf(p, span, "%zu skipped", skipped);
    if (r->has_calls) {
        uint64_t unmatched = unmatched_calls(r);
        span = el(p, counts, "span", unmatched ? "failed" : NULL);
        attr(p, span, "id", "calls");
        textf(p, span, "%llu call%s, %llu unmatched", (unsigned long long)r->calls_total,
              r->calls_total == 1 ? "" : "s", (unsigned long long)unmatched);
    }

    dl = el(p, h, "dl", "facts");
    for (i = 0; i < r->nsuites; i++)
        if (r->suites[i].classname)
            fact(p, dl, "scenario", r->suites[i].classname, false);
    fact(p, dl, "command", r->command ? r->command : "(none: --serve)", r->command != NULL);
    format_us(buf, sizeof(buf), (int64_t)(r->time_s * 1e6), true);
    fact(p, dl, "duration", buf, false);
    if (r->has_seed) {
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long)r->seed);
        fact(p, dl, "seed", buf, true);
    }
    mr_clock_iso8601(r->start_wall_us > 0 ? r->start_wall_us : mr_clock_wall_us(), stamp);
    fact(p, dl, "started", stamp, false);
    if (r->hostname)
        snprintf(host, sizeof(host), "%s", r->hostname);
    else if (gethostname(host, sizeof(host)) != 0)
        snprintf(host, sizeof(host), "localhost");
    host[sizeof(host) - 1] = '\0';
    fact(p, dl, "host", host, false);
    for (i = 0; i < r->nservices; i++) {
        el_text(p, dl, "dt", NULL, "service");
        span = el(p, dl, "dd", NULL);
        text(p, span, r->services[i].name);
        if (r->services[i].url)
            el_text(p, span, "span", "url", r->services[i].url);
    }
}

static void case_item(struct page *p, xmlNodePtr ul, const struct mr_case *c)
{
    static const char *const marks[] = {"\xe2\x9c\x93", "\xe2\x9c\x97", "\xe2\x9c\x97", "-"};
    char cls[16];
    xmlNodePtr li;

    snprintf(cls, sizeof(cls), "case %s", status_word(c->status));
    li = el(p, ul, "li", cls);
    el_text(p, li, "span", "mark", marks[c->status]);
    el_text(p, li, "span", "name", c->name);
    if (c->file && c->line > 0)
        textf(p, el(p, li, "span", "where"), " %.200s:%d", c->file, c->line);
    if (c->status == MR_CASE_SKIP)
        el_text(p, li, "span", "note", " (skipped)");
    if (c->message)
        el_text(p, li, "p", "message", c->message);
    if (c->detail)
        el_text(p, li, "pre", "detail", c->detail);
}

/* The cases; with several scenario files, each file's under its name. */
static void cases(struct page *p, xmlNodePtr content, const struct mr_results *r)
{
    xmlNodePtr sec = el(p, content, "section", NULL), ul;
    size_t i, k;

    attr(p, sec, "id", "cases");
    el_text(p, sec, "h2", NULL, "Test cases");
    for (k = 0; k < (r->nsuites > 1 ? r->nsuites : 1); k++) {
        if (r->nsuites > 1)
            el_text(p, sec, "h3", "suite", r->suites[k].name);
        ul = el(p, sec, "ul", "cases");
        for (i = 0; i < r->ncases; i++)
            if (r->nsuites <= 1 || r->cases[i].suite == k)
                case_item(p, ul, &r->cases[i]);
    }
}

static void routes(struct page *p, xmlNodePtr content, const struct mr_results *r)
{
    xmlNodePtr sec, table, tr;
    size_t i, k;

    if (r->nroutes == 0)
        return;
    sec = el(p, content, "section", NULL);
    attr(p, sec, "id", "routes");
    el_text(p, sec, "h2", NULL, "Routes");
    table = el(p, sec, "table", "routes");
    tr = el(p, el(p, table, "thead", NULL), "tr", NULL);
    el_text(p, tr, "th", NULL, "route");
    el_text(p, tr, "th", NULL, "service");
    el_text(p, tr, "th", "num", "calls");
    el_text(p, tr, "th", NULL, "statuses");
    table = el(p, table, "tbody", NULL);
    for (i = 0; i < r->nroutes; i++) {
        const struct mr_results_route *rt = &r->routes[i];
        xmlNodePtr td;

        tr = el(p, table, "tr", rt->id ? NULL : rt->proxied ? "proxied" : "unmatched");
        el_text(p, tr, "td", "route",
                rt->id        ? rt->id
                : rt->proxied ? "proxied"
                              : "no route matched");
        el_text(p, tr, "td", NULL,
                rt->id && rt->service < r->nservices ? r->services[rt->service].name : "");
        td = el(p, tr, "td", "num");
        textf(p, td, "%llu", (unsigned long long)rt->calls);
        td = el(p, tr, "td", NULL);
        for (k = 0; k < rt->nstatuses; k++) {
            textf(p, td, "%s%d", k ? ", " : "", rt->statuses[k].status);
            if (rt->statuses[k].count > 1)
                textf(p, td, " \xc3\x97%llu", (unsigned long long)rt->statuses[k].count);
        }
    }
}

/* A body in a <pre>, at most MR_HTML_MAX_BODY bytes, with a note on what is missing. */
static void body_block(struct page *p, xmlNodePtr parent, const char *title, const char *body,
                       size_t len, uint64_t size, bool truncated)
{
    size_t shown = len > MR_HTML_MAX_BODY ? MR_HTML_MAX_BODY : len;

    if (size == 0 && len == 0)
        return;
    textf(p, el(p, parent, "h4", NULL), "%s (%llu bytes)", title, (unsigned long long)size);
    text_n(p, el(p, parent, "pre", "body"), body, shown);
    if (shown < len || truncated)
        textf(p, el(p, parent, "p", "note"),
              "%llu of %llu bytes shown; the HAR file (--har) and the journal (--journal) "
              "have every byte mockrun kept",
              (unsigned long long)shown, (unsigned long long)size);
}

static void call_row(struct page *p, xmlNodePtr tbody, const struct mr_results *r,
                     const struct mr_results_call *c, bool tests)
{
    const char *kind = c->route     ? "call matched"
                       : c->proxied ? "call proxied"
                       : c->allowed ? "call allowed"
                                    : "call unmatched";
    xmlNodePtr tr = el(p, tbody, "tr", kind), td, det, sum;
    char buf[64], stamp[25], cls[8];
    size_t i;

    snprintf(buf, sizeof(buf), "call-%llu", (unsigned long long)c->seq);
    attr(p, tr, "id", buf);
    if (tests) {
        struct mr_buf t;
        mr_buf_init(&t);
        if (c->test)
            mr_buf_printf(&t, "t:%s", c->test);
        else
            mr_buf_puts(&t, "none");
        p->failed |= t.failed;
        attr(p, tr, "data-test", mr_buf_cstr(&t));
        mr_buf_release(&t);
    }
    textf(p, el(p, tr, "td", "num seq"), "%llu", (unsigned long long)c->seq);
    td = el(p, tr, "td", "time");
    format_us(buf, sizeof(buf), c->wall_us - r->start_wall_us, true);
    textf(p, td, "+%s", buf);
    mr_clock_iso8601(c->wall_us, stamp);
    attr(p, td, "title", stamp);
    el_text(p, tr, "td", "method", c->method);

    td = el(p, tr, "td", "path");
    det = el(p, td, "details", NULL);
    sum = el(p, det, "summary", NULL);
    text(p, sum, c->path);
    if (c->query && *c->query) {
        text(p, sum, "?");
        text(p, sum, c->query);
    }
    if (c->nheaders > 0) {
        struct mr_buf h;

        mr_buf_init(&h);
        for (i = 0; i < c->nheaders; i++)
            mr_buf_printf(&h, "%s: %s\n", c->headers[i].name, c->headers[i].value);
        if (h.failed)
            p->failed = true;
        el_text(p, det, "h4", NULL, "request headers");
        el_text(p, det, "pre", "headers", mr_buf_cstr(&h));
        mr_buf_release(&h);
    }
    body_block(p, det, "request body", c->body, c->body_len, c->body_size, c->body_truncated);
    el_text(p, det, "h4", NULL, "response");
    if (c->response_type)
        textf(p, el(p, det, "p", NULL), "Content-Type: %s", c->response_type);
    if (c->response_body)
        body_block(p, det, "response body", c->response_body, c->response_body_len,
                   c->response_body_len, false);
    else
        el_text(p, det, "p", "note", "response body not recorded (the journal keeps none)");

    if (c->near) /* visible without opening anything: why it matched no route */
        el_text(p, td, "div", "near", c->near);

    snprintf(cls, sizeof(cls), "num s%d", c->status / 100 % 10);
    textf(p, el(p, tr, "td", cls), "%d", c->status);
    el_text(p, tr, "td", "route",
            c->route     ? c->route
            : c->proxied ? "proxied"
            : c->allowed ? "unmatched (allowed)"
                         : "no route matched");
    format_us(buf, sizeof(buf), c->duration_us, false);
    el_text(p, tr, "td", "num dur", buf);
    if (tests)
        el_text(p, tr, "td", c->test ? "test" : "test none", c->test ? c->test : "no test");
}

/* Whether `name` is the test of one of the calls before calls[i]. */
static bool seen_before(const struct mr_results *r, size_t i, const char *name)
{
    while (i-- > 0)
        if (r->calls[i].test && strcmp(r->calls[i].test, name) == 0)
            return true;
    return false;
}

/* A <select> of the tests that made calls (each once, in order of their first call) and
 * "no test" when some calls had none; the script hides the other tests' rows. */
static void test_filter(struct page *p, xmlNodePtr bar, const struct mr_results *r)
{
    xmlNodePtr label = el(p, bar, "label", NULL), sel, opt;
    struct mr_buf v;
    bool untagged = false;
    size_t i;

    el_text(p, label, "span", NULL, " test: ");
    sel = el(p, label, "select", NULL);
    attr(p, sel, "id", "test-filter");
    opt = el_text(p, sel, "option", NULL, "all tests");
    attr(p, opt, "value", "all");
    mr_buf_init(&v);
    for (i = 0; i < r->ncalls && i < MR_HTML_MAX_CALLS; i++) {
        const char *t = r->calls[i].test;
        if (!t) {
            untagged = true;
            continue;
        }
        if (seen_before(r, i, t))
            continue;
        mr_buf_reset(&v);
        mr_buf_printf(&v, "t:%s", t);
        p->failed |= v.failed;
        opt = el_text(p, sel, "option", NULL, t);
        attr(p, opt, "value", mr_buf_cstr(&v));
    }
    mr_buf_release(&v);
    if (untagged) {
        opt = el_text(p, sel, "option", NULL, "no test");
        attr(p, opt, "value", "none");
    }
}

static void timeline(struct page *p, xmlNodePtr content, const struct mr_results *r)
{
    static const char *const heads[] = {"#",      "time",  "method",  "path",
                                        "status", "route", "duration"};
    xmlNodePtr sec = el(p, content, "section", NULL), bar, button;
    size_t s, i, k, listed = 0;
    bool tests = false; /* some call names its test: a test column and a filter */

    for (i = 0; i < r->ncalls && i < MR_HTML_MAX_CALLS; i++)
        tests = tests || r->calls[i].test;
    attr(p, sec, "id", "timeline");
    el_text(p, sec, "h2", NULL, "Calls");
    if (!r->has_calls) {
        el_text(p, sec, "p", "note", "No calls were recorded (the mocks did not start).");
        return;
    }
    bar = el(p, sec, "p", NULL);
    button = el_text(p, bar, "button", NULL, "Expand all");
    attr(p, button, "id", "expand");
    attr(p, button, "type", "button");
    attr(p, button, "aria-pressed", "false");
    if (tests)
        test_filter(p, bar, r);
    if (r->ncalls == 0)
        el_text(p, sec, "p", "note", "No calls were received.");
    if (r->calls_total > r->ncalls)
        textf(p, el(p, sec, "p", "note"),
              "%llu of %llu calls were counted but not kept: the journal's limits "
              "(--journal-limit) were reached.",
              (unsigned long long)(r->calls_total - r->ncalls), (unsigned long long)r->calls_total);
    if (r->ncalls > MR_HTML_MAX_CALLS)
        textf(p, el(p, sec, "p", "note"),
              "The first %d calls are listed; the HAR file (--har) and the journal (--journal) "
              "have all %zu.",
              MR_HTML_MAX_CALLS, r->ncalls);
    for (s = 0; s < r->nservices; s++) {
        xmlNodePtr h, table, tr, tbody;
        size_t n = 0;

        for (i = 0; i < r->ncalls; i++)
            n += r->calls[i].service == s;
        h = el(p, sec, "h3", NULL);
        textf(p, h, "%s: %zu call%s", r->services[s].name, n, n == 1 ? "" : "s");
        if (r->services[s].url)
            el_text(p, h, "span", "url", r->services[s].url);
        if (n == 0)
            continue;
        table = el(p, sec, "table", "calls");
        tr = el(p, el(p, table, "thead", NULL), "tr", NULL);
        for (k = 0; k < sizeof(heads) / sizeof(heads[0]); k++)
            el_text(p, tr, "th", k == 0 || k == 4 || k == 6 ? "num" : NULL, heads[k]);
        if (tests)
            el_text(p, tr, "th", NULL, "test");
        tbody = el(p, table, "tbody", NULL);
        for (i = 0; i < r->ncalls && listed < MR_HTML_MAX_CALLS; i++) {
            if (r->calls[i].service != s)
                continue;
            call_row(p, tbody, r, &r->calls[i], tests);
            listed++;
        }
    }
}

static void attempt_row(struct page *p, xmlNodePtr tbody, const struct mr_results *r,
                        const struct mr_results_attempt *a)
{
    static const char *const kinds[] = {
        [MR_RESULTS_ANSWERED] = "attempt answered",
        [MR_RESULTS_FAILED] = "attempt failed",
        [MR_RESULTS_REFUSED] = "attempt refused",
        [MR_RESULTS_NOT_SENT] = "attempt notsent",
    };
    xmlNodePtr tr = el(p, tbody, "tr", kinds[a->outcome]), td, det, link;
    char buf[64], stamp[25], cls[8];
    size_t i;

    snprintf(buf, sizeof(buf), "callback-%llu", (unsigned long long)a->seq);
    attr(p, tr, "id", buf);
    textf(p, el(p, tr, "td", "num seq"), "%llu", (unsigned long long)a->seq);
    td = el(p, tr, "td", "time");
    format_us(buf, sizeof(buf), a->wall_us - r->start_wall_us, true);
    textf(p, td, "+%s", buf);
    mr_clock_iso8601(a->wall_us, stamp);
    attr(p, td, "title", stamp);
    el_text(p, tr, "td", "callback", a->callback);
    textf(p, el(p, tr, "td", "num"), "%llu.%u", (unsigned long long)a->delivery, a->attempt);
    td = el(p, tr, "td", "trigger");
    link = el(p, td, "a", NULL);
    snprintf(buf, sizeof(buf), "#call-%llu", (unsigned long long)a->trigger);
    attr(p, link, "href", buf);
    textf(p, link, "#%llu", (unsigned long long)a->trigger);
    el_text(p, tr, "td", "method", a->method);

    td = el(p, tr, "td", "target");
    det = el(p, td, "details", NULL);
    text(p, el(p, det, "summary", NULL), a->url);
    if (a->nheaders > 0) {
        struct mr_buf h;

        mr_buf_init(&h);
        for (i = 0; i < a->nheaders; i++)
            mr_buf_printf(&h, "%s: %s\n", a->headers[i].name, a->headers[i].value);
        if (h.failed)
            p->failed = true;
        el_text(p, det, "h4", NULL, "request headers");
        el_text(p, det, "pre", "headers", mr_buf_cstr(&h));
        mr_buf_release(&h);
    }
    body_block(p, det, "request body", a->body, a->body_len, a->body_size, a->body_truncated);
    if (a->outcome == MR_RESULTS_ANSWERED) {
        el_text(p, det, "h4", NULL, "answer");
        if (a->response_type)
            textf(p, el(p, det, "p", NULL), "Content-Type: %s", a->response_type);
        if (a->response_body)
            body_block(p, det, "answer body", a->response_body, a->response_body_len,
                       a->response_body_len, false);
    }
    if (a->error) /* visible without opening anything: why there is no answer */
        el_text(p, td, "div", "near", a->error);

    if (a->outcome == MR_RESULTS_ANSWERED) {
        snprintf(cls, sizeof(cls), "num s%d", a->status / 100 % 10);
        textf(p, el(p, tr, "td", cls), "%d", a->status);
    } else {
        el_text(p, tr, "td", "num outcome", mr_results_outcome_name(a->outcome));
    }
    if (a->outcome == MR_RESULTS_ANSWERED || a->outcome == MR_RESULTS_FAILED) {
        format_us(buf, sizeof(buf), a->duration_us, false);
        el_text(p, tr, "td", "num dur", buf);
    } else {
        el(p, tr, "td", "num dur");
    }
}

/* The callback attempts, in the order they ended. */
static void callbacks(struct page *p, xmlNodePtr content, const struct mr_results *r)
{
    static const char *const heads[] = {"#",      "time", "callback", "delivery.attempt", "after",
                                        "method", "URL",  "status",   "duration"};
    xmlNodePtr sec, table, tr, tbody;
    size_t i, k;

    if (!r->has_attempts)
        return;
    sec = el(p, content, "section", NULL);
    attr(p, sec, "id", "callbacks");
    el_text(p, sec, "h2", NULL, "Callbacks");
    if (r->nattempts == 0) {
        el_text(p, sec, "p", "note", "No callback was triggered.");
        return;
    }
    if (r->nattempts > MR_HTML_MAX_CALLS)
        textf(p, el(p, sec, "p", "note"),
              "The first %d attempts are listed; the journal (--journal) has all %zu.",
              MR_HTML_MAX_CALLS, r->nattempts);
    table = el(p, sec, "table", "attempts");
    tr = el(p, el(p, table, "thead", NULL), "tr", NULL);
    for (k = 0; k < sizeof(heads) / sizeof(heads[0]); k++)
        el_text(p, tr, "th", k == 0 || k == 3 || k == 7 || k == 8 ? "num" : NULL, heads[k]);
    tbody = el(p, table, "tbody", NULL);
    for (i = 0; i < r->nattempts && i < MR_HTML_MAX_CALLS; i++)
        attempt_row(p, tbody, r, &r->attempts[i]);
}

/* A collapsed block of captured text, when there is any. */
static void output_block(struct page *p, xmlNodePtr sec, const char *title, const char *s,
                         size_t len)
{
    xmlNodePtr det;

    if (!s || len == 0)
        return;
    det = el(p, sec, "details", NULL);
    textf(p, el(p, det, "summary", NULL), "%s (%zu bytes)", title, len);
    text_n(p, el(p, det, "pre", NULL), s, len);
}

static void output(struct page *p, xmlNodePtr content, const struct mr_results *r)
{
    xmlNodePtr sec;

    if (!r->out_len && !r->err_len && !r->notes)
        return;
    sec = el(p, content, "section", NULL);
    attr(p, sec, "id", "output");
    el_text(p, sec, "h2", NULL, "Command output");
    output_block(p, sec, "stdout", r->out, r->out_len);
    output_block(p, sec, "stderr", r->err, r->err_len);
    output_block(p, sec, "notes", r->notes, r->notes ? strlen(r->notes) : 0);
}

static void page(struct page *p, const struct mr_results *r)
{
    size_t failed = mr_results_count(r, MR_CASE_FAIL) + mr_results_count(r, MR_CASE_ERROR);
    xmlNodePtr html, head, meta, body, content;

    p->x->xmlCreateIntSubset(p->doc, (const xmlChar *)"html", NULL, NULL);
    html = check(p, p->x->xmlNewDocNode(p->doc, NULL, (const xmlChar *)"html", NULL));
    if (!html)
        return;
    p->x->xmlDocSetRootElement(p->doc, html);
    attr(p, html, "lang", "en");
    head = el(p, html, "head", NULL);
    meta = el(p, head, "meta", NULL);
    attr(p, meta, "charset", "utf-8");
    meta = el(p, head, "meta", NULL);
    attr(p, meta, "name", "viewport");
    attr(p, meta, "content", "width=device-width, initial-scale=1");
    textf(p, el(p, head, "title", NULL), "mockrun: %s: %zu passed, %zu failed",
          mr_buf_cstr(&p->title), mr_results_count(r, MR_CASE_PASS), failed);
    /* CSS and JavaScript are raw text to the serializer: constant, no "</" inside */
    p->x->xmlAddChild(el(p, head, "style", NULL),
                      check(p, p->x->xmlNewDocText(p->doc, (const xmlChar *)css)));
    body = el(p, html, "body", NULL);
    summary(p, body, r);
    content = el(p, body, "main", NULL);
    cases(p, content, r);
    routes(p, content, r);
    timeline(p, content, r);
    callbacks(p, content, r);
    output(p, content, r);
    textf(p, el(p, body, "footer", NULL), "mockrun %s", MOCKRUN_VERSION);
    if (r->has_calls)
        p->x->xmlAddChild(el(p, body, "script", NULL),
                          check(p, p->x->xmlNewDocText(p->doc, (const xmlChar *)script)));
}

int mr_html_build(struct mr_buf *out, const struct mr_results *r, const char *path,
                  struct mr_error *err)
{
    struct page p;
    xmlBufferPtr buf;
    int n;

    memset(&p, 0, sizeof(p));
    if (mr_xml_load(&p.x, err) != 0)
        return mr_xml_error(err, path);
    mr_buf_init(&p.scratch);
    mr_buf_init(&p.title);
    mr_results_title(r, &p.title);
    p.failed = p.title.failed;
    p.doc = p.x->htmlNewDocNoDtD(NULL, NULL);
    buf = p.x->xmlBufferCreate();
    if (p.doc && buf) {
        p.x->xmlBufferSetAllocationScheme(buf, XML_BUFFER_ALLOC_DOUBLEIT);
        page(&p, r);
        /* The document node: the doctype, then <html>; UTF-8 as it is, with
         * line breaks between block elements. */
        n = p.failed ? -1 : p.x->htmlNodeDump(buf, p.doc, (xmlNodePtr)p.doc);
        if (n >= 0)
            mr_buf_append(out, p.x->xmlBufferContent(buf), (size_t)p.x->xmlBufferLength(buf));
        else
            p.failed = true;
    } else {
        p.failed = true;
    }
    if (buf)
        p.x->xmlBufferFree(buf);
    if (p.doc)
        p.x->xmlFreeDoc(p.doc);
    mr_buf_release(&p.scratch);
    mr_buf_release(&p.title);
    if (p.failed || out->failed)
        return mr_error_set(err, MR_ENOMEM, "cannot build report '%s': out of memory", path);
    return 0;
}

int mr_html_write(const struct mr_results *r, const char *path, struct mr_error *err)
{
    struct mr_atomic_file f;
    struct mr_buf doc;
    int rc;

    mr_buf_init(&doc);
    if ((rc = mr_html_build(&doc, r, path, err)) != 0) {
        mr_buf_release(&doc);
        return rc;
    }
    rc = mr_atomic_begin(&f, path, err);
    if (rc == 0)
        rc = mr_atomic_write(&f, doc.data, doc.len, err);
    if (rc == 0)
        rc = mr_atomic_commit(&f, err);
    mr_atomic_abort(&f);
    mr_buf_release(&doc);
    return rc;
}
