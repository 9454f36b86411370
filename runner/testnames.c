#include "runner/testnames.h"

#include <stdlib.h>
#include <string.h>

void mr_testnames_init(struct mr_testnames *t)
{
    memset(t, 0, sizeof(*t));
}

void mr_testnames_release(struct mr_testnames *t)
{
    free(t->names);
    free(t->counts);
    memset(t, 0, sizeof(*t));
}

void mr_testnames_add(struct mr_testnames *t, const struct mr_call *c)
{
    size_t i;

    if (!c->test) {
        t->untagged++;
        return;
    }
    for (i = 0; i < t->n; i++)
        if (t->names[i] == c->test || strcmp(t->names[i], c->test) == 0) {
            t->counts[i]++;
            return;
        }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        const char **names = realloc(t->names, cap * sizeof(*names));
        size_t *counts;
        if (!names) {
            t->failed = true;
            return;
        }
        t->names = names;
        if (!(counts = realloc(t->counts, cap * sizeof(*counts)))) {
            t->failed = true;
            return;
        }
        t->counts = counts;
        t->cap = cap;
    }
    t->names[t->n] = c->test;
    t->counts[t->n++] = 1;
}

static void quoted(struct mr_buf *b, const char *name)
{
    mr_buf_putc(b, '"');
    mr_buf_put_printable(b, name, strlen(name));
    mr_buf_putc(b, '"');
}

static const char *calls(size_t n)
{
    return n == 1 ? "call" : "calls";
}

void mr_testnames_format(const struct mr_testnames *t, struct mr_buf *b)
{
    size_t i;

    if (!t->n)
        return;
    if (t->n == 1) {
        mr_buf_puts(b, "; made by test ");
        quoted(b, t->names[0]);
    } else {
        mr_buf_puts(b, "; made by tests ");
        for (i = 0; i < t->n && i < MR_TESTNAMES_SHOWN; i++) {
            if (i)
                mr_buf_puts(b, ", ");
            quoted(b, t->names[i]);
            mr_buf_printf(b, " (%zu %s)", t->counts[i], calls(t->counts[i]));
        }
        if (t->n > MR_TESTNAMES_SHOWN)
            mr_buf_printf(b, " and %zu more tests", t->n - MR_TESTNAMES_SHOWN);
    }
    if (t->untagged)
        mr_buf_printf(b, ", and %zu %s outside any test", t->untagged, calls(t->untagged));
}

void mr_testnames_call(struct mr_buf *b, const struct mr_call *c)
{
    if (!c->test)
        return;
    mr_buf_puts(b, " [test: ");
    mr_buf_put_printable(b, c->test, strlen(c->test));
    mr_buf_putc(b, ']');
}
