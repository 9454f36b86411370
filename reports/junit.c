#include "reports/junit.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
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
        unsigned char lo = 0x80, hi = 0xbf;
        size_t need = 0, got = 1;

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
        if (c >= 0xc2 && c <= 0xdf) {
            need = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 3;
            if (c == 0xe0)
                lo = 0xa0;
            else if (c == 0xed)
                hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 4;
            if (c == 0xf0)
                lo = 0x90;
            else if (c == 0xf4)
                hi = 0x8f;
        }
        /* Take continuation bytes while they can still form a valid sequence. */
        while (got < need && i + got < len && s[i + got] >= lo && s[i + got] <= hi) {
            got++;
            lo = 0x80;
            hi = 0xbf;
        }
        if (got == need && need > 0) {
            /* Well-formed; only U+FFFE and U+FFFF (EF BF BE/BF) are not XML Chars. */
            if (!(c == 0xef && s[i + 1] == 0xbf && s[i + 2] >= 0xbe)) {
                i += got;
                continue;
            }
        }
        mr_buf_append(out, s + run, i - run);
        mr_buf_append(out, replacement, sizeof(replacement) - 1);
        i += got;
        run = i;
    }
    mr_buf_append(out, s + run, len - run);
}

/*
 * The XML writer: the few pieces of XML a report needs, appended to an mr_buf.
 *
 * The layout is the one libxml2's xmlTextWriter gave with indentation on (two
 * spaces), so reports read the same as before and the golden file still
 * matches byte for byte: every start tag on a line of its own, indented by its
 * depth; an element without content closes as `<a/>`; one holding text closes
 * right after it (`<a>text</a>`, the text kept exact); one holding elements
 * closes on a line of its own. Mixed content (text, then elements) is never
 * written.
 *
 * Escaping is also libxml2's. Attribute values escape & < > " and write tab,
 * newline and CR as character references, which attribute-value normalization
 * would otherwise turn into spaces. Text escapes & < > (so `]]>` is harmless),
 * " (needlessly, as libxml2 did) and CR, which parsers would otherwise turn
 * into LF (line-end normalization); tab and newline stay as they are.
 *
 * Memory failures are sticky (the document's mr_buf `failed`, which makes
 * later appends no-ops): the steps need no checks, and mr_junit_write tests
 * once at the end.
 */
#define MAX_DEPTH 8

struct writer {
    struct mr_buf out;           /* the document */
    struct mr_buf scratch;       /* one sanitized string at a time */
    const char *open[MAX_DEPTH]; /* names of the open elements, outermost first */
    size_t depth;
    bool in_tag;   /* the innermost start tag still lacks its '>' */
    bool has_text; /* the innermost element holds text: its end tag follows it */
};

static void indent(struct writer *wr, size_t level)
{
    size_t i;

    for (i = 0; i < level; i++)
        mr_buf_append(&wr->out, "  ", 2);
}

/* The character reference or entity for one of the characters we escape. */
static const char *entity(char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\t':
        return "&#9;";
    case '\n':
        return "&#10;";
    case '\r':
        return "&#13;";
    default:
        MR_BUG("no XML escape for byte 0x%02x", (unsigned char)c);
    }
}

#define TEXT_SPECIALS "&<>\"\r"
#define ATTR_SPECIALS "&<>\"\t\n\r"

/* Appends `s` with each byte of `specials` escaped. `s` holds no NUL but its
 * terminator: sanitized strings never do, and so strcspn sees all of it. */
static void put_escaped(struct writer *wr, const char *s, const char *specials)
{
    for (;;) {
        size_t n = strcspn(s, specials);

        mr_buf_append(&wr->out, s, n);
        if (s[n] == '\0')
            return;
        mr_buf_puts(&wr->out, entity(s[n]));
        s += n + 1;
    }
}

/* Passes an allocation failure in the scratch buffer on to the document,
 * since mr_buf_reset forgets it. */
static void keep_failure(struct writer *wr)
{
    if (wr->scratch.failed)
        wr->out.failed = true;
}

/* Sanitizes `len` bytes of `s` (NULL: none) into the scratch buffer. */
static const struct mr_buf *clean(struct writer *wr, const char *s, size_t len)
{
    mr_buf_reset(&wr->scratch);
    mr_junit_sanitize(&wr->scratch, s ? s : "", s ? len : 0);
    keep_failure(wr);
    return &wr->scratch;
}

static void start(struct writer *wr, const char *name)
{
    if (wr->depth == MAX_DEPTH)
        MR_BUG("XML elements nested deeper than %d", MAX_DEPTH);
    if (wr->in_tag)
        mr_buf_append(&wr->out, ">\n", 2);
    indent(wr, wr->depth);
    mr_buf_putc(&wr->out, '<');
    mr_buf_puts(&wr->out, name);
    wr->open[wr->depth++] = name;
    wr->in_tag = true;
    wr->has_text = false;
}

static void end(struct writer *wr)
{
    const char *name;

    if (wr->depth == 0)
        MR_BUG("XML end tag without a start tag");
    name = wr->open[--wr->depth];
    if (wr->in_tag) {
        mr_buf_append(&wr->out, "/>", 2);
    } else {
        if (!wr->has_text)
            indent(wr, wr->depth);
        mr_buf_append(&wr->out, "</", 2);
        mr_buf_puts(&wr->out, name);
        mr_buf_putc(&wr->out, '>');
    }
    mr_buf_putc(&wr->out, '\n');
    wr->in_tag = false;
    wr->has_text = false;
}

/* An attribute mockrun made itself (a number, a fixed word): escaped, not sanitized. */
static void attr_plain(struct writer *wr, const char *name, const char *value)
{
    if (!wr->in_tag)
        MR_BUG("XML attribute '%s' outside a start tag", name);
    mr_buf_putc(&wr->out, ' ');
    mr_buf_puts(&wr->out, name);
    mr_buf_append(&wr->out, "=\"", 2);
    put_escaped(wr, value, ATTR_SPECIALS);
    mr_buf_putc(&wr->out, '"');
}

/* An attribute from the results: sanitized, then escaped. */
static void attr(struct writer *wr, const char *name, const char *value)
{
    const struct mr_buf *v = clean(wr, value, value ? strlen(value) : 0);

    attr_plain(wr, name, mr_buf_cstr(v));
}

static void attr_count(struct writer *wr, const char *name, size_t n)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%zu", n);
    attr_plain(wr, name, buf);
}

/* Seconds with 3 decimals, built from integers so the locale cannot turn the
 * point into a comma. Negative or NaN times print as 0.000. */
static void attr_time(struct writer *wr, const char *name, double t)
{
    char buf[48];
    long long ms;

    if (!(t > 0))
        t = 0;
    if (t > 1e12)
        t = 1e12;
    ms = (long long)(t * 1000 + 0.5);
    snprintf(buf, sizeof(buf), "%lld.%03lld", ms / 1000, ms % 1000);
    attr_plain(wr, name, buf);
}

/* Sanitized text (in the scratch buffer); nothing at all when empty, so the
 * element stays `<a/>`. */
static void text_clean(struct writer *wr, const struct mr_buf *v)
{
    if (v->len == 0)
        return;
    if (wr->in_tag)
        mr_buf_putc(&wr->out, '>');
    put_escaped(wr, mr_buf_cstr(v), TEXT_SPECIALS);
    wr->in_tag = false;
    wr->has_text = true;
}

/* Text from the results: sanitized, then escaped. */
static void text(struct writer *wr, const char *s, size_t len)
{
    const struct mr_buf *v;

    if (!s || len == 0)
        return;
    v = clean(wr, s, len);
    text_clean(wr, v);
}

static void write_case(struct writer *wr, const struct mr_results *r, const struct mr_case *c)
{
    const char *classname = r->classname ? r->classname : r->suite ? r->suite : "mockrun";
    const char *tag = NULL, *type = NULL;

    start(wr, "testcase");
    attr(wr, "name", c->name);
    attr(wr, "classname", classname);
    attr_time(wr, "time", c->time_s);
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
        start(wr, "skipped");
        text(wr, c->message, c->message ? strlen(c->message) : 0);
        end(wr);
        break;
    }
    if (tag) {
        start(wr, tag);
        if (c->message)
            attr(wr, "message", c->message);
        attr_plain(wr, "type", type);
        text(wr, c->detail, c->detail ? strlen(c->detail) : 0);
        end(wr);
    } else if (c->status == MR_CASE_PASS && c->detail) {
        /* a passing case with a remark: the case's own system-out shows it */
        start(wr, "system-out");
        text(wr, c->detail, strlen(c->detail));
        end(wr);
    }
    end(wr);
}

/* <system-out>: the command's stdout, then mockrun's notes (which may quote
 * user input, so they are sanitized too) from the start of a line. */
static void write_system_out(struct writer *wr, const struct mr_results *r)
{
    struct mr_buf *b = &wr->scratch;

    mr_buf_reset(b);
    mr_junit_sanitize(b, r->out ? r->out : "", r->out ? r->out_len : 0);
    if (r->notes) {
        if (b->len > 0 && b->data[b->len - 1] != '\n')
            mr_buf_putc(b, '\n');
        mr_junit_sanitize(b, r->notes, strlen(r->notes));
    }
    keep_failure(wr);
    start(wr, "system-out");
    text_clean(wr, b);
    end(wr);
}

static void write_report(struct writer *wr, const struct mr_results *r)
{
    const char *suite = r->suite ? r->suite : "mockrun";
    size_t failures = mr_results_count(r, MR_CASE_FAIL);
    size_t errors = mr_results_count(r, MR_CASE_ERROR);
    size_t skipped = mr_results_count(r, MR_CASE_SKIP);
    int64_t wall = r->start_wall_us > 0 ? r->start_wall_us : mr_clock_wall_us();
    char stamp[25], host[256];
    size_t i;

    /* ISO 8601 without the zone, as the schema's consumers expect. */
    mr_clock_iso8601(wall, stamp);
    stamp[19] = '\0';
    if (r->hostname) {
        snprintf(host, sizeof(host), "%s", r->hostname);
    } else if (gethostname(host, sizeof(host)) != 0) {
        snprintf(host, sizeof(host), "localhost");
    }
    host[sizeof(host) - 1] = '\0';

    mr_buf_puts(&wr->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    start(wr, "testsuites");
    attr_plain(wr, "name", "mockrun");
    attr_count(wr, "tests", r->ncases);
    attr_count(wr, "failures", failures);
    attr_count(wr, "errors", errors);
    attr_time(wr, "time", r->time_s);
    start(wr, "testsuite");
    attr(wr, "name", suite);
    attr_count(wr, "tests", r->ncases);
    attr_count(wr, "failures", failures);
    attr_count(wr, "errors", errors);
    attr_count(wr, "skipped", skipped);
    attr_time(wr, "time", r->time_s);
    attr_plain(wr, "timestamp", stamp);
    attr(wr, "hostname", host);
    /* The schema wants at least one <property> inside <properties>. */
    if (r->nprops > 0) {
        start(wr, "properties");
        for (i = 0; i < r->nprops; i++) {
            start(wr, "property");
            attr(wr, "name", r->props[i].name);
            attr(wr, "value", r->props[i].value);
            end(wr);
        }
        end(wr);
    }
    for (i = 0; i < r->ncases; i++)
        write_case(wr, r, &r->cases[i]);
    write_system_out(wr, r);
    start(wr, "system-err");
    text(wr, r->err, r->err_len);
    end(wr);
    end(wr); /* testsuite */
    end(wr); /* testsuites */
}

int mr_junit_write(const struct mr_results *r, const char *path, struct mr_error *err)
{
    struct mr_atomic_file f;
    struct writer wr;
    bool nomem;
    int rc;

    memset(&wr, 0, sizeof(wr));
    mr_buf_init(&wr.out);
    mr_buf_init(&wr.scratch);
    write_report(&wr, r);
    keep_failure(&wr);
    nomem = wr.out.failed;
    mr_buf_release(&wr.scratch);
    if (nomem) {
        mr_buf_release(&wr.out);
        return mr_error_set(err, MR_ENOMEM, "cannot build report '%s': out of memory", path);
    }

    rc = mr_atomic_begin(&f, path, err);
    if (rc == 0)
        rc = mr_atomic_write(&f, wr.out.data, wr.out.len, err);
    if (rc == 0)
        rc = mr_atomic_commit(&f, err);
    mr_atomic_abort(&f);
    mr_buf_release(&wr.out);
    return rc;
}
