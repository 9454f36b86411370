/*
 * journal_json.c - the --journal file: every kept call as a JSON array,
 * written call by call through a callback (never built in memory).
 * Bodies that are UTF-8 text are written as "body"; others, and those holding
 * a NUL byte, as "bodyBase64": readers such as cJSON (mockrun merge's) end a
 * string at its \u0000, and would lose the rest of the body.
 * An unmatched call's explanation is "nearMiss" (its summary line) and
 * "nearMissDetails" (the lines after it, when there are any). A call made by
 * a known test has "test" (X-Mockrun-Test, or the test announced last).
 * "nearMissDetails" (the lines after it, when there are any). A scenario
 * with callbacks ends the array with {"callbacks": [each attempt]}.
 */
#include "server/journal.h"

#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/text.h"

static void base64(struct mr_buf *b, const unsigned char *s, size_t n)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;
    mr_buf_putc(b, '"');
    for (i = 0; i + 2 < n; i += 3) {
        char q[4] = {tbl[s[i] >> 2], tbl[((s[i] & 3) << 4) | (s[i + 1] >> 4)],
                     tbl[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)], tbl[s[i + 2] & 63]};
        mr_buf_append(b, q, 4);
    }
    if (n - i == 1) {
        char q[4] = {tbl[s[i] >> 2], tbl[(s[i] & 3) << 4], '=', '='};
        mr_buf_append(b, q, 4);
    } else if (n - i == 2) {
        char q[4] = {tbl[s[i] >> 2], tbl[((s[i] & 3) << 4) | (s[i + 1] >> 4)],
                     tbl[(s[i + 1] & 15) << 2], '='};
        mr_buf_append(b, q, 4);
    }
    mr_buf_putc(b, '"');
}

static void json_cstr(struct mr_buf *b, const char *s)
{
    mr_buf_put_json_string(b, s, strlen(s));
}

/* Whether a body is written as a JSON string (else as base64): UTF-8 without NUL. */
static bool text(const char *s, size_t n)
{
    return mr_utf8_valid(s, n) && !memchr(s, '\0', n);
}

void mr_journal_call_json(struct mr_buf *b, const struct mr_call *c, const struct mr_scenario *sc)
{
    const char *it = NULL, *name, *value;
    char when[25];
    bool first = true;

    mr_clock_iso8601(c->wall_us, when);
    mr_buf_printf(b, "{\"seq\": %llu, \"time\": \"%s\", \"service\": ", (unsigned long long)c->seq,
                  when);
    json_cstr(b, c->service < sc->nservices ? sc->services[c->service].name : "?");
    mr_buf_puts(b, ", \"method\": ");
    json_cstr(b, c->method);
    mr_buf_puts(b, ", \"path\": ");
    json_cstr(b, c->path);
    mr_buf_puts(b, ", \"query\": ");
    json_cstr(b, c->query);
    mr_buf_puts(b, ", \"headers\": {");
    while ((it = mr_call_next_header(c, it, &name, &value)) != NULL) {
        mr_buf_puts(b, first ? "" : ", ");
        first = false;
        json_cstr(b, name);
        mr_buf_puts(b, ": ");
        json_cstr(b, value);
    }
    mr_buf_puts(b, "}, ");
    if (text(c->body, c->body_len)) {
        mr_buf_puts(b, "\"body\": ");
        mr_buf_put_json_string(b, c->body, c->body_len);
    } else {
        mr_buf_puts(b, "\"bodyBase64\": ");
        base64(b, (const unsigned char *)c->body, c->body_len);
    }
    mr_buf_printf(b, ", \"bodySize\": %llu, \"bodyTruncated\": %s, \"route\": ",
                  (unsigned long long)c->body_size, c->body_truncated ? "true" : "false");
    if (c->route >= 0 && (size_t)c->route < sc->nroutes)
        json_cstr(b, sc->routes[c->route].id);
    else
        mr_buf_puts(b, "null");
    mr_buf_printf(b, ", \"status\": %u, \"durationMs\": %.3f", (unsigned)c->status,
                  c->duration_us / 1000.0);
    if (c->near) {
        /* the summary line stays a one-line string for old readers; the rest, if any,
         * is a list of lines (as the 404 body and the reports show them) */
        const char *nl = strchr(c->near, '\n');
        mr_buf_puts(b, ", \"nearMiss\": ");
        mr_buf_put_json_string(b, c->near, nl ? (size_t)(nl - c->near) : strlen(c->near));
        if (nl) {
            mr_buf_puts(b, ", \"nearMissDetails\": [");
            for (first = true; nl; first = false) {
                const char *line = nl + 1;
                nl = strchr(line, '\n');
                mr_buf_puts(b, first ? "" : ", ");
                mr_buf_put_json_string(b, line, nl ? (size_t)(nl - line) : strlen(line));
            }
            mr_buf_putc(b, ']');
        }
    }
    if (c->allowed)
        mr_buf_puts(b, ", \"allowed\": true");
    if (c->test) {
        mr_buf_puts(b, ", \"test\": ");
        json_cstr(b, c->test);
    }
    if (c->proxied)
        mr_buf_puts(b, ", \"proxied\": true");
    if (c->answer && text(c->answer, c->answer_len)) {
        mr_buf_puts(b, ", \"answer\": ");
        mr_buf_put_json_string(b, c->answer, c->answer_len);
    } else if (c->answer) {
        mr_buf_puts(b, ", \"answerBase64\": ");
        base64(b, (const unsigned char *)c->answer, c->answer_len);
    }
    mr_buf_putc(b, '}');
}

const char *mr_attempt_outcome_name(enum mr_attempt_outcome o)
{
    switch (o) {
    case MR_ATTEMPT_ANSWERED:
        return "answered";
    case MR_ATTEMPT_FAILED:
        return "failed";
    case MR_ATTEMPT_REFUSED:
        return "refused";
    case MR_ATTEMPT_NOT_SENT:
        return "not sent";
    }
    return "?";
}

/* "body": "..." for UTF-8 text, else "<key>Base64": "...". */
static void text_or_base64(struct mr_buf *b, const char *key, const char *s, size_t n)
{
    mr_buf_printf(b, "\"%s%s\": ", key, text(s, n) ? "" : "Base64");
    if (text(s, n))
        mr_buf_put_json_string(b, s, n);
    else
        base64(b, (const unsigned char *)s, n);
}

void mr_journal_attempt_json(struct mr_buf *b, const struct mr_attempt *a,
                             const struct mr_scenario *sc)
{
    const char *it = NULL, *name, *value;
    char when[25];
    bool first = true;

    mr_clock_iso8601(a->wall_us, when);
    mr_buf_printf(b, "{\"seq\": %llu, \"callback\": ", (unsigned long long)a->seq);
    json_cstr(b, a->callback < sc->ncallbacks ? sc->callbacks[a->callback].id : "?");
    mr_buf_printf(b,
                  ", \"delivery\": %llu, \"attempt\": %u, \"final\": %s, \"trigger\": %llu, "
                  "\"time\": \"%s\", \"outcome\": \"%s\", \"method\": ",
                  (unsigned long long)a->delivery, (unsigned)a->attempt,
                  a->final ? "true" : "false", (unsigned long long)a->trigger, when,
                  mr_attempt_outcome_name(a->outcome));
    json_cstr(b, a->method);
    mr_buf_puts(b, ", \"url\": ");
    json_cstr(b, a->url);
    mr_buf_puts(b, ", \"headers\": {");
    while ((it = mr_attempt_next_header(a, it, &name, &value)) != NULL) {
        mr_buf_puts(b, first ? "" : ", ");
        first = false;
        json_cstr(b, name);
        mr_buf_puts(b, ": ");
        json_cstr(b, value);
    }
    mr_buf_puts(b, "}, ");
    text_or_base64(b, "body", a->body, a->body_len);
    mr_buf_printf(b, ", \"bodySize\": %llu, \"bodyTruncated\": %s, \"status\": ",
                  (unsigned long long)a->body_size, a->body_truncated ? "true" : "false");
    if (a->outcome == MR_ATTEMPT_ANSWERED)
        mr_buf_printf(b, "%d", a->status);
    else
        mr_buf_puts(b, "null");
    mr_buf_printf(b, ", \"durationMs\": %.3f, \"error\": ", a->duration_us / 1000.0);
    if (a->error)
        json_cstr(b, a->error);
    else
        mr_buf_puts(b, "null");
    if (a->answer) {
        mr_buf_puts(b, ", ");
        text_or_base64(b, "answer", a->answer, a->answer_len);
        mr_buf_printf(b, ", \"answerSize\": %llu, \"answerTruncated\": %s, \"answerType\": ",
                      (unsigned long long)a->answer_size, a->answer_truncated ? "true" : "false");
        json_cstr(b, a->answer_type ? a->answer_type : "");
    }
    mr_buf_putc(b, '}');
}

/* The --journal file's last element: {"callbacks": [...]}. */
static int write_attempts(const struct mr_journal *j, const struct mr_scenario *sc,
                          mr_write_fn write, void *ctx, bool comma)
{
    struct mr_buf b;
    size_t i, n = mr_journal_attempts(j);
    int rc;

    mr_buf_init(&b);
    mr_buf_puts(&b, comma ? ",\n  {\"callbacks\": [" : "\n  {\"callbacks\": [");
    for (i = 0; i < n; i++) {
        mr_buf_puts(&b, i ? ",\n    " : "\n    ");
        mr_journal_attempt_json(&b, mr_journal_attempt_at(j, i), sc);
        if (b.failed) {
            mr_buf_release(&b);
            return MR_ENOMEM;
        }
        if ((rc = write(ctx, b.data, b.len)) != 0) {
            mr_buf_release(&b);
            return rc;
        }
        mr_buf_reset(&b);
    }
    mr_buf_puts(&b, n ? "\n  ]" : "]");
    if (mr_journal_attempts_dropped(j))
        mr_buf_printf(&b, ", \"callbacksDropped\": %llu",
                      (unsigned long long)mr_journal_attempts_dropped(j));
    mr_buf_putc(&b, '}');
    rc = b.failed ? MR_ENOMEM : write(ctx, b.data, b.len);
    mr_buf_release(&b);
    return rc;
}

int mr_journal_write_json(const struct mr_journal *j, const struct mr_scenario *sc,
                          mr_write_fn write, void *ctx)
{
    struct mr_buf b;
    size_t i, kept = mr_journal_kept(j);
    int rc;

    mr_buf_init(&b);
    if ((rc = write(ctx, "[", 1)) != 0)
        return rc;
    for (i = 0; i < kept; i++) {
        mr_buf_reset(&b);
        mr_buf_puts(&b, i ? ",\n  " : "\n  ");
        mr_journal_call_json(&b, mr_journal_at(j, i), sc);
        if (b.failed) {
            mr_buf_release(&b);
            return MR_ENOMEM;
        }
        if ((rc = write(ctx, b.data, b.len)) != 0) {
            mr_buf_release(&b);
            return rc;
        }
    }
    mr_buf_release(&b);
    if (mr_journal_dropped_from(j)) {
        char tail[160];
        int n =
            snprintf(tail, sizeof(tail), "%s\n  {\"detailsDroppedFrom\": %llu, \"total\": %llu}",
                     kept ? "," : "", (unsigned long long)mr_journal_dropped_from(j),
                     (unsigned long long)mr_journal_total(j));
        if ((rc = write(ctx, tail, (size_t)n)) != 0)
            return rc;
    }
    if (sc->ncallbacks &&
        (rc = write_attempts(j, sc, write, ctx, kept || mr_journal_dropped_from(j))) != 0)
        return rc;
    return write(ctx, "\n]\n", 3);
}
