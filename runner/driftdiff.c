/*
 * driftdiff.c - a mock's answer and a real API's compared: status, media
 * type, body.
 */
#include "runner/driftdiff.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/error.h"
#include "common/jsondiff.h"
#include "record/redact.h"

#define SNIPPET 60 /* bytes of a body quoted where it differs */

void mr_driftdiff_media_type(const char *content_type, char *buf, size_t size)
{
    const char *s = content_type ? content_type : "";
    size_t n = 0;

    if (size == 0)
        return;
    while (*s == ' ' || *s == '\t')
        s++;
    for (; *s && *s != ';' && n + 1 < size; s++)
        buf[n++] = (char)tolower((unsigned char)*s);
    while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        n--;
    buf[n] = '\0';
}

/* application/json, and the +json types (application/problem+json, ...). */
static bool json_type(const char *media)
{
    size_t n = strlen(media);
    return strcmp(media, "application/json") == 0 || (n > 5 && strcmp(media + n - 5, "+json") == 0);
}

/* The body as one JSON document (a byte-order mark and blanks around it
 * allowed), or NULL. */
static cJSON *parse(const struct mr_driftdiff_answer *a)
{
    const char *s = a->body, *end = NULL;
    size_t len = a->body_len;
    cJSON *v;

    if (!s || len == 0)
        return NULL;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        len -= 3;
    }
    if (!(v = cJSON_ParseWithLengthOpts(s, len, &end, false)))
        return NULL;
    while (end < s + len && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
        end++;
    if (end != s + len) {
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

/* The listing of body differences. */
struct lines {
    struct mr_buf *out;
    size_t n;
};

static void json_line(void *ctx, const char *path, const cJSON *want, const cJSON *have)
{
    struct lines *l = ctx;
    char line[MR_JSONDIFF_LINE_MAX];

    if (++l->n > MR_DRIFTDIFF_LINES)
        return;
    mr_jsondiff_line(line, sizeof(line), path, want, have);
    mr_buf_printf(l->out, "  %s", line);
    if (want && have && strcmp(mr_jsondiff_type(want), mr_jsondiff_type(have)) != 0)
        mr_buf_printf(l->out, " (%s, now %s)", mr_jsondiff_type(want), mr_jsondiff_type(have));
    mr_buf_putc(l->out, '\n');
}

static void compare_json(struct mr_driftdiff *d, cJSON *mock, cJSON *real, bool values)
{
    enum mr_jsondiff_mode mode = values ? MR_JSONDIFF_EQUAL : MR_JSONDIFF_SHAPE;
    struct mr_buf scratch;
    struct lines l = {&d->text, 0};
    size_t n;

    /* a secret of the real API (or of the mock) never reaches a line */
    mr_buf_init(&scratch);
    mr_redact_json(mock, &scratch);
    mr_redact_json(real, &scratch);
    mr_buf_release(&scratch);
    if ((n = mr_jsondiff(mock, real, mode, NULL, NULL)) == 0)
        return;
    d->body = n;
    mr_buf_printf(&d->text, "body: %zu difference%s (expected: the mock's, got: the API's)\n", n,
                  n == 1 ? "" : "s");
    mr_jsondiff(mock, real, mode, json_line, &l);
    if (n > MR_DRIFTDIFF_LINES)
        mr_buf_printf(&d->text, "  ... and %zu more difference%s\n", n - MR_DRIFTDIFF_LINES,
                      n - MR_DRIFTDIFF_LINES == 1 ? "" : "s");
}

/* A body's start, quoted and printable. */
static void put_snippet(struct mr_buf *out, const char *s, size_t len)
{
    char v[MR_ELIDED_MAX];

    mr_printable_elide(v, sizeof(v), s, len > SNIPPET ? SNIPPET : len, true);
    mr_buf_puts(out, v);
    if (len > SNIPPET)
        mr_buf_puts(out, "…");
}

static void compare_text(struct mr_driftdiff *d, const struct mr_driftdiff_answer *mock,
                         const struct mr_driftdiff_answer *real, bool values)
{
    size_t i, n;

    if (!mock->body_len != !real->body_len) {
        d->body = 1;
        if (!mock->body_len)
            mr_buf_printf(&d->text,
                          "body: the mock's is empty, the API's has %zu byte%s: ", real->body_len,
                          real->body_len == 1 ? "" : "s");
        else
            mr_buf_printf(&d->text, "body: the mock's has %zu byte%s, the API's is empty\n",
                          mock->body_len, mock->body_len == 1 ? "" : "s");
        if (!mock->body_len) {
            put_snippet(&d->text, real->body, real->body_len);
            mr_buf_putc(&d->text, '\n');
        }
        return;
    }
    if (!values || (mock->body_len == real->body_len &&
                    (mock->body_len == 0 || memcmp(mock->body, real->body, mock->body_len) == 0)))
        return;
    n = mock->body_len < real->body_len ? mock->body_len : real->body_len;
    for (i = 0; i < n && mock->body[i] == real->body[i]; i++)
        ;
    d->body = 1;
    mr_buf_printf(&d->text, "body: differs from byte %zu (the mock's has %zu, the API's %zu)\n",
                  i + 1, mock->body_len, real->body_len);
    mr_buf_puts(&d->text, "  mock: ");
    put_snippet(&d->text, mock->body + i, mock->body_len - i);
    mr_buf_puts(&d->text, "\n  API:  ");
    put_snippet(&d->text, real->body + i, real->body_len - i);
    mr_buf_putc(&d->text, '\n');
}

static void compare_bodies(struct mr_driftdiff *d, const struct mr_driftdiff_answer *mock,
                           const struct mr_driftdiff_answer *real, const char *mock_type,
                           const char *real_type, bool values)
{
    cJSON *m = NULL, *r = NULL;

    if (json_type(mock_type) || json_type(real_type)) {
        m = parse(mock);
        r = parse(real);
    }
    if (m && r) {
        compare_json(d, m, r, values);
    } else if ((m || r) && mock->body_len && real->body_len) {
        /* one is JSON: the other is not */
        const struct mr_driftdiff_answer *other = m ? real : mock;
        d->body = 1;
        mr_buf_printf(&d->text, "body: the %s's is JSON, the %s's is not: ", m ? "mock" : "API",
                      m ? "API" : "mock");
        put_snippet(&d->text, other->body, other->body_len);
        mr_buf_putc(&d->text, '\n');
    } else {
        compare_text(d, mock, real, values);
    }
    cJSON_Delete(m);
    cJSON_Delete(r);
}

int mr_driftdiff_compare(struct mr_driftdiff *d, const struct mr_driftdiff_answer *mock,
                         const struct mr_driftdiff_answer *real, bool values, bool head)
{
    char mt[128], rt[128];

    memset(d, 0, sizeof(*d));
    mr_buf_init(&d->text);
    mr_buf_puts(&d->text, "");
    if (mock->status != real->status) {
        d->status = true;
        mr_buf_printf(&d->text, "status: the mock answers %d, the API %d\n", mock->status,
                      real->status);
    }
    mr_driftdiff_media_type(mock->content_type, mt, sizeof(mt));
    mr_driftdiff_media_type(real->content_type, rt, sizeof(rt));
    if ((head || mock->body_len || real->body_len) && strcmp(mt, rt) != 0) {
        char a[MR_ELIDED_MAX], b[MR_ELIDED_MAX];
        d->content_type = true;
        mr_printable_elide(a, sizeof(a), mt, strlen(mt), false);
        mr_printable_elide(b, sizeof(b), rt, strlen(rt), false);
        mr_buf_printf(&d->text, "content type: the mock answers %s, the API %s\n", *mt ? a : "none",
                      *rt ? b : "none");
    }
    compare_bodies(d, mock, real, mt, rt, values);
    if (d->text.failed) {
        mr_driftdiff_release(d);
        return MR_ENOMEM;
    }
    return 0;
}

bool mr_driftdiff_found(const struct mr_driftdiff *d)
{
    return d->status || d->content_type || d->body > 0;
}

void mr_driftdiff_summary(const struct mr_driftdiff *d, char *buf, size_t size)
{
    char body[64] = "";
    const char *parts[3];
    size_t n = 0, i, len = 0;

    if (d->status)
        parts[n++] = "status";
    if (d->content_type)
        parts[n++] = "content type";
    if (d->body) {
        snprintf(body, sizeof(body), "body (%zu difference%s)", d->body, d->body == 1 ? "" : "s");
        parts[n++] = body;
    }
    if (size == 0)
        return;
    buf[0] = '\0';
    for (i = 0; i < n && len < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " and " : ", ";
        snprintf(buf + len, size - len, "%s%s", sep, parts[i]);
        len += strlen(buf + len);
    }
}

void mr_driftdiff_release(struct mr_driftdiff *d)
{
    mr_buf_release(&d->text);
}
