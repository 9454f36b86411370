#include "reports/junit.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/text.h"
#include "common/xml.h"
#include "reports/atomic.h"

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD in UTF-8 */

/* True for the bytes below 0x80 that are XML Chars. */
static bool ascii_allowed(unsigned char c)
{
    return c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
}

/*
 * A single pass over the input that copies runs of acceptable bytes in one
 * append each. The well-formed sequences are those of Unicode's table 3-7:
 * the lead byte fixes the length and narrows the range of the second byte,
 * which is what rules out overlongs (E0, F0), surrogates (ED) and code points
 * above U+10FFFF (F4).
 */
void mr_junit_sanitize(struct mr_buf *out, const char *in, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, run = 0;

    if (len == 0) { /* `in` may then be NULL */
        mr_buf_append(out, "", 0);
        return;
    }
    if (!mr_buf_reserve(out, len))
        return;
    while (i < len) {
        unsigned char c = s[i];
        size_t got;
        bool ok;

        if (c < 0x80 && ascii_allowed(c)) {
            i++;
            continue;
        }
        if (c < 0x80) {
            char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 0xf]};

            mr_buf_append(out, s + run, i - run);
            mr_buf_append(out, esc, sizeof(esc));
            run = ++i;
            continue;
        }
        got = mr_utf8_span((const char *)s + i, len - i, &ok);
        /* well-formed; only U+FFFE and U+FFFF (EF BF BE/BF) are not XML Chars */
        if (ok && !(c == 0xef && s[i + 1] == 0xbf && s[i + 2] >= 0xbe)) {
            i += got;
            continue;
        }
        mr_buf_append(out, s + run, i - run);
        mr_buf_append(out, replacement, sizeof(replacement) - 1);
        i += got;
        run = i;
    }
    mr_buf_append(out, s + run, len - run);
}

/*
 * The report goes through libxml2's xmlTextWriter (loaded by common/xml.h)
 * into an xmlBuffer, indented by two spaces: every start tag on a line of
 * its own, an element without content closed as `<a/>`, one holding text
 * closed right after it. The writer escapes attribute values and text; every
 * string from the results is sanitized into the scratch buffer first, since
 * libxml2 writes bytes as given and invalid UTF-8 or a control byte would
 * make the file unreadable.
 */
struct writer {
    const struct mr_xml *x;
    xmlTextWriterPtr w;
    struct mr_buf scratch; /* one sanitized string at a time */
};

/* Sanitizes `len` bytes of `s` (NULL: none) into the scratch buffer; NULL on OOM. */
static const xmlChar *clean(struct writer *wr, const char *s, size_t len)
{
    mr_buf_reset(&wr->scratch);
    mr_junit_sanitize(&wr->scratch, s ? s : "", s ? len : 0);
    if (wr->scratch.failed)
        return NULL;
    return (const xmlChar *)mr_buf_cstr(&wr->scratch);
}

/* Each returns 0 or -1 (libxml2 or memory failed), so steps chain with ||. */
static int start(struct writer *wr, const char *name)
{
    return wr->x->xmlTextWriterStartElement(wr->w, (const xmlChar *)name) < 0 ? -1 : 0;
}

static int end(struct writer *wr)
{
    return wr->x->xmlTextWriterEndElement(wr->w) < 0 ? -1 : 0;
}

/* An attribute mockrun made itself (a number, a fixed word). */
static int attr_plain(struct writer *wr, const char *name, const char *value)
{
    return wr->x->xmlTextWriterWriteAttribute(wr->w, (const xmlChar *)name,
                                              (const xmlChar *)value) < 0
               ? -1
               : 0;
}

/* An attribute from the results: sanitized. */
static int attr(struct writer *wr, const char *name, const char *value)
{
    const xmlChar *v = clean(wr, value, value ? strlen(value) : 0);

    if (!v)
        return -1;
    return attr_plain(wr, name, (const char *)v);
}

static int attr_count(struct writer *wr, const char *name, size_t n)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%zu", n);
    return attr_plain(wr, name, buf);
}

/* Seconds with 3 decimals, built from integers so the locale cannot turn the
 * point into a comma. Negative or NaN times print as 0.000. */
static int attr_time(struct writer *wr, const char *name, double t)
{
    char buf[48];
    long long ms;

    if (!(t > 0))
        t = 0;
    if (t > 1e12)
        t = 1e12;
    ms = (long long)(t * 1000 + 0.5);
    snprintf(buf, sizeof(buf), "%lld.%03lld", ms / 1000, ms % 1000);
    return attr_plain(wr, name, buf);
}

/* Text already sanitized; nothing at all when empty, so the element stays `<a/>`. */
static int text_clean(struct writer *wr, const struct mr_buf *v)
{
    if (v->len == 0)
        return 0;
    return wr->x->xmlTextWriterWriteString(wr->w, (const xmlChar *)mr_buf_cstr(v)) < 0 ? -1 : 0;
}

/* Text from the results: sanitized. */
static int text(struct writer *wr, const char *s, size_t len)
{
    if (!s || len == 0)
        return 0;
    if (!clean(wr, s, len))
        return -1;
    return text_clean(wr, &wr->scratch);
}

static int write_case(struct writer *wr, const struct mr_results *r, const struct mr_case *c)
{
    const char *classname = mr_results_classname(r, c->suite);
    const char *tag = NULL, *type = NULL;

    if (start(wr, "testcase") || attr(wr, "name", c->name) || attr(wr, "classname", classname) ||
        attr_time(wr, "time", c->time_s))
        return -1;
    /* where the check is written: the attributes GitLab and pytest's reports use (not in
     * the Jenkins schema, whose readers ignore them) */
    if (c->file &&
        (attr(wr, "file", c->file) || (c->line > 0 && attr_count(wr, "line", (size_t)c->line))))
        return -1;
    switch (c->status) {
    case MR_CASE_PASS:
        break;
    case MR_CASE_FAIL:
        tag = "failure";
        type = "AssertionFailed";
        break;
    case MR_CASE_ERROR:
        tag = "error";
        type = "Error";
        break;
    case MR_CASE_SKIP:
        /* The schema gives <skipped> no attributes: the reason is its text. */
        if (start(wr, "skipped") || text(wr, c->message, c->message ? strlen(c->message) : 0) ||
            end(wr))
            return -1;
        break;
    }
    if (tag) {
        if (start(wr, tag) || (c->message && attr(wr, "message", c->message)) ||
            attr_plain(wr, "type", type) ||
            text(wr, c->detail, c->detail ? strlen(c->detail) : 0) || end(wr))
            return -1;
    } else if (c->status == MR_CASE_PASS && c->detail) {
        /* a passing case with a remark: the case's own system-out shows it */
        if (start(wr, "system-out") || text(wr, c->detail, strlen(c->detail)) || end(wr))
            return -1;
    }
    return end(wr);
}

/* <system-out>: the command's stdout, then mockrun's notes (which may quote
 * user input, so they are sanitized too) from the start of a line. */
static int write_system_out(struct writer *wr, const struct mr_results *r)
{
    struct mr_buf *b = &wr->scratch;

    mr_buf_reset(b);
    mr_junit_sanitize(b, r->out ? r->out : "", r->out ? r->out_len : 0);
    if (r->notes) {
        if (b->len > 0 && b->data[b->len - 1] != '\n')
            mr_buf_putc(b, '\n');
        mr_junit_sanitize(b, r->notes, strlen(r->notes));
    }
    if (b->failed || start(wr, "system-out") || text_clean(wr, b))
        return -1;
    return end(wr);
}

/* One <testsuite>: suite `k`'s cases (`name` when the results have no suite).
 * The command's output goes with the first, where the command's case is. */
static int write_suite(struct writer *wr, const struct mr_results *r, size_t k, const char *name,
                       const char *stamp, const char *host)
{
    size_t i;

    if (start(wr, "testsuite") || attr(wr, "name", name) ||
        attr_count(wr, "tests", mr_results_count_in(r, k, -1)) ||
        attr_count(wr, "failures", mr_results_count_in(r, k, MR_CASE_FAIL)) ||
        attr_count(wr, "errors", mr_results_count_in(r, k, MR_CASE_ERROR)) ||
        attr_count(wr, "skipped", mr_results_count_in(r, k, MR_CASE_SKIP)) ||
        attr_time(wr, "time", r->time_s) || attr_plain(wr, "timestamp", stamp) ||
        attr(wr, "hostname", host))
        return -1;
    /* The schema wants at least one <property> inside <properties>. */
    if (r->nprops > 0) {
        if (start(wr, "properties"))
            return -1;
        for (i = 0; i < r->nprops; i++) {
            if (start(wr, "property") || attr(wr, "name", r->props[i].name) ||
                attr(wr, "value", r->props[i].value) || end(wr))
                return -1;
        }
        if (end(wr))
            return -1;
    }
    for (i = 0; i < r->ncases; i++)
        if (r->cases[i].suite == k && write_case(wr, r, &r->cases[i]))
            return -1;
    if (k == 0 && (write_system_out(wr, r) || start(wr, "system-err") ||
                   text(wr, r->err, r->err_len) || end(wr)))
        return -1;
    return end(wr);
}

static int write_report(struct writer *wr, const struct mr_results *r)
{
    int64_t wall = r->start_wall_us > 0 ? r->start_wall_us : mr_clock_wall_us();
    char stamp[25], host[256];
    size_t k;

    /* ISO 8601 without the zone, as the schema's consumers expect. */
    mr_clock_iso8601(wall, stamp);
    stamp[19] = '\0';
    if (r->hostname) {
        snprintf(host, sizeof(host), "%s", r->hostname);
    } else if (gethostname(host, sizeof(host)) != 0) {
        snprintf(host, sizeof(host), "localhost");
    }
    host[sizeof(host) - 1] = '\0';

    if (wr->x->xmlTextWriterSetIndent(wr->w, 1) < 0 ||
        wr->x->xmlTextWriterSetIndentString(wr->w, (const xmlChar *)"  ") < 0 ||
        wr->x->xmlTextWriterStartDocument(wr->w, "1.0", "UTF-8", NULL) < 0)
        return -1;
    if (start(wr, "testsuites") || attr_plain(wr, "name", "mockrun") ||
        attr_count(wr, "tests", r->ncases) ||
        attr_count(wr, "failures", mr_results_count(r, MR_CASE_FAIL)) ||
        attr_count(wr, "errors", mr_results_count(r, MR_CASE_ERROR)) ||
        attr_time(wr, "time", r->time_s))
        return -1;
    if (r->nsuites == 0 && write_suite(wr, r, 0, "mockrun", stamp, host))
        return -1;
    for (k = 0; k < r->nsuites; k++)
        if (write_suite(wr, r, k, r->suites[k].name, stamp, host))
            return -1;
    if (end(wr) || wr->x->xmlTextWriterEndDocument(wr->w) < 0)
        return -1;
    return 0;
}

int mr_junit_write(const struct mr_results *r, const char *path, struct mr_error *err)
{
    struct mr_atomic_file f;
    struct writer wr;
    xmlBufferPtr buf;
    bool nomem;
    int rc;

    memset(&wr, 0, sizeof(wr));
    if (mr_xml_load(&wr.x, err) != 0)
        return mr_xml_error(err, path);
    buf = wr.x->xmlBufferCreate();
    if (!buf)
        return mr_error_set(err, MR_ENOMEM, "cannot build report '%s': out of memory", path);
    /* The default scheme grows by the exact amount asked: quadratic for a
     * megabyte of captured output written in 4 KiB flushes. */
    wr.x->xmlBufferSetAllocationScheme(buf, XML_BUFFER_ALLOC_DOUBLEIT);
    mr_buf_init(&wr.scratch);
    wr.w = wr.x->xmlNewTextWriterMemory(buf, 0);
    if (!wr.w) {
        wr.x->xmlBufferFree(buf);
        return mr_error_set(err, MR_ENOMEM, "cannot build report '%s': out of memory", path);
    }
    rc = write_report(&wr, r);
    nomem = wr.scratch.failed;
    /* Freeing the writer flushes the last bytes into `buf`. */
    wr.x->xmlFreeTextWriter(wr.w);
    mr_buf_release(&wr.scratch);
    if (rc) {
        wr.x->xmlBufferFree(buf);
        if (nomem)
            return mr_error_set(err, MR_ENOMEM, "cannot build report '%s': out of memory", path);
        return mr_error_set(err, MR_EINTERNAL, "cannot build report '%s': libxml2 failed", path);
    }

    rc = mr_atomic_begin(&f, path, err);
    if (rc == 0)
        rc = mr_atomic_write(&f, wr.x->xmlBufferContent(buf), (size_t)wr.x->xmlBufferLength(buf),
                             err);
    if (rc == 0)
        rc = mr_atomic_commit(&f, err);
    mr_atomic_abort(&f);
    wr.x->xmlBufferFree(buf);
    return rc;
}
