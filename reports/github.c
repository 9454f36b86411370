#include "reports/github.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

/* Writes s[0..len) escaped as a workflow command's data (`property` false)
 * or property value (true). */
static void put_command_text(struct mr_buf *b, const char *s, size_t len, bool property)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '%')
            mr_buf_puts(b, "%25");
        else if (c == '\r')
            mr_buf_puts(b, "%0D");
        else if (c == '\n')
            mr_buf_puts(b, "%0A");
        else if (property && c == ':')
            mr_buf_puts(b, "%3A");
        else if (property && c == ',')
            mr_buf_puts(b, "%2C");
        else if ((c < 0x20 && c != '\t') || c == 0x7f)
            mr_buf_printf(b, "\\x%02x", c);
        else
            mr_buf_putc(b, (char)c);
    }
}

static void put_command_str(struct mr_buf *b, const char *s, bool property)
{
    put_command_text(b, s, strlen(s), property);
}

void mr_github_annotate(FILE *f, const struct mr_results *r)
{
    struct mr_buf line;
    size_t i;

    mr_buf_init(&line);
    for (i = 0; i < r->ncases; i++) {
        const struct mr_case *c = &r->cases[i];
        const char *file = c->suite < r->nsuites ? mr_results_classname(r, c->suite) : NULL;

        if (c->status != MR_CASE_FAIL && c->status != MR_CASE_ERROR)
            continue;
        mr_buf_reset(&line);
        mr_buf_puts(&line, "::error ");
        if (c->file || file) {
            mr_buf_puts(&line, "file=");
            put_command_str(&line, c->file ? c->file : file, true);
            mr_buf_putc(&line, ',');
            if (c->line > 0)
                mr_buf_printf(&line, "line=%d,", c->line);
        }
        mr_buf_puts(&line, "title=");
        put_command_str(&line, c->name ? c->name : "", true);
        mr_buf_puts(&line, "::");
        put_command_str(&line, c->message ? c->message : c->name ? c->name : "", false);
        if (c->detail) {
            size_t n = strlen(c->detail);
            while (n > 0 && c->detail[n - 1] == '\n')
                n--;
            mr_buf_puts(&line, "%0A");
            put_command_text(&line, c->detail, n, false);
        }
        mr_buf_putc(&line, '\n');
        if (!line.failed)
            fwrite(line.data, 1, line.len, f);
    }
    mr_buf_release(&line);
}

/* Text in Markdown outside code: HTML's specials as entities, '|' escaped
 * (table cells), line breaks as <br>, control bytes as \xNN. */
static void put_md(struct mr_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        switch (c) {
        case '&':
            mr_buf_puts(b, "&amp;");
            break;
        case '<':
            mr_buf_puts(b, "&lt;");
            break;
        case '>':
            mr_buf_puts(b, "&gt;");
            break;
        case '|':
            mr_buf_puts(b, "\\|");
            break;
        case '\n':
            if (s[1])
                mr_buf_puts(b, "<br>");
            break;
        case '\r':
            break;
        default:
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                mr_buf_printf(b, "\\x%02x", c);
            else
                mr_buf_putc(b, (char)c);
        }
    }
}

/* A fenced code block that the text cannot close: the fence is longer than
 * any run of backticks in it (CommonMark). */
static void put_code_block(struct mr_buf *b, const char *s)
{
    size_t run = 0, longest = 0, fence, i, n = strlen(s);

    for (i = 0; i < n; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    fence = longest < 3 ? 3 : longest + 1;
    for (i = 0; i < fence; i++)
        mr_buf_putc(b, '`');
    mr_buf_puts(b, "text\n");
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
            mr_buf_printf(b, "\\x%02x", c);
        else
            mr_buf_putc(b, (char)c);
    }
    if (n == 0 || s[n - 1] != '\n')
        mr_buf_putc(b, '\n');
    for (i = 0; i < fence; i++)
        mr_buf_putc(b, '`');
    mr_buf_putc(b, '\n');
}

static const char *mark(enum mr_case_status s)
{
    switch (s) {
    case MR_CASE_PASS:
        return "\xe2\x9c\x85"; /* ✅ */
    case MR_CASE_FAIL:
    case MR_CASE_ERROR:
        return "\xe2\x9d\x8c"; /* ❌ */
    case MR_CASE_SKIP:
        return "\xe2\x8f\xad\xef\xb8\x8f"; /* ⏭️ */
    }
    return "";
}

void mr_github_summary_build(struct mr_buf *out, const struct mr_results *r)
{
    size_t passed = mr_results_count(r, MR_CASE_PASS);
    size_t failed = mr_results_count(r, MR_CASE_FAIL) + mr_results_count(r, MR_CASE_ERROR);
    size_t skipped = mr_results_count(r, MR_CASE_SKIP);
    long long ms = r->time_s > 0 ? (long long)(r->time_s * 1000 + 0.5) : 0;
    size_t i;

    mr_buf_printf(out, "### %s mockrun: ", failed ? mark(MR_CASE_FAIL) : mark(MR_CASE_PASS));
    {
        struct mr_buf title;
        mr_buf_init(&title);
        mr_results_title(r, &title);
        put_md(out, title.failed ? "mockrun" : mr_buf_cstr(&title));
        mr_buf_release(&title);
    }
    mr_buf_printf(out, ": %zu passed, %zu failed", passed, failed);
    if (skipped)
        mr_buf_printf(out, ", %zu skipped", skipped);
    mr_buf_puts(out, "\n\n| | case | message |\n|---|---|---|\n");
    for (i = 0; i < r->ncases; i++) {
        const struct mr_case *c = &r->cases[i];

        mr_buf_printf(out, "| %s | ", mark(c->status));
        put_md(out, c->name ? c->name : "");
        mr_buf_puts(out, " | ");
        put_md(out, c->message ? c->message : "");
        mr_buf_puts(out, " |\n");
    }
    for (i = 0; i < r->ncases; i++) {
        const struct mr_case *c = &r->cases[i];

        if ((c->status != MR_CASE_FAIL && c->status != MR_CASE_ERROR) || !c->detail)
            continue;
        mr_buf_printf(out, "\n<details><summary>%s ", mark(c->status));
        put_md(out, c->name ? c->name : "");
        mr_buf_puts(out, "</summary>\n\n");
        put_code_block(out, c->detail);
        mr_buf_puts(out, "\n</details>\n");
    }
    mr_buf_puts(out, "\n");
    for (i = 0; i < r->nsuites; i++) {
        if (!r->suites[i].classname)
            continue;
        mr_buf_puts(out, i ? "" : r->nsuites > 1 ? "Scenarios " : "Scenario ");
        put_md(out, r->suites[i].classname);
        mr_buf_puts(out, ", ");
    }
    if (r->command) {
        mr_buf_puts(out, "command ");
        put_md(out, r->command);
        mr_buf_puts(out, ", ");
    }
    mr_buf_printf(out, "%lld.%03lld s", ms / 1000, ms % 1000);
    if (r->has_seed)
        mr_buf_printf(out, ", seed %llu", (unsigned long long)r->seed);
    mr_buf_puts(out, ".\n\n");
}

int mr_github_summary_append(const struct mr_results *r, const char *path, struct mr_error *err)
{
    struct mr_buf doc;
    size_t off = 0;
    int fd, rc = 0;

    mr_buf_init(&doc);
    mr_github_summary_build(&doc, r);
    if (doc.failed) {
        mr_buf_release(&doc);
        return mr_error_set(err, MR_ENOMEM, "cannot build the job summary: out of memory");
    }
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        mr_buf_release(&doc);
        mr_error_sys(err, "cannot write the job summary '%s'", path);
        err->code = MR_ESETUP;
        return MR_ESETUP;
    }
    while (off < doc.len) {
        ssize_t n = write(fd, doc.data + off, doc.len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            mr_error_sys(err, "cannot write the job summary '%s'", path);
            err->code = MR_ESETUP;
            rc = MR_ESETUP;
            break;
        }
        off += (size_t)n;
    }
    if (close(fd) != 0 && rc == 0) {
        mr_error_sys(err, "cannot write the job summary '%s'", path);
        err->code = MR_ESETUP;
        rc = MR_ESETUP;
    }
    mr_buf_release(&doc);
    return rc;
}
