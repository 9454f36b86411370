#include "reports/results.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"

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
    free(r->suite);
    free(r->classname);
    free(r->hostname);
    free(r->out);
    free(r->err);
    free(r->notes);
    mr_results_init(r);
}

int mr_results_set_suite(struct mr_results *r, const char *suite, const char *classname)
{
    char *s, *c;

    if (!dup_opt(&s, suite))
        return MR_ENOMEM;
    if (!dup_opt(&c, classname)) {
        free(s);
        return MR_ENOMEM;
    }
    free(r->suite);
    free(r->classname);
    r->suite = s;
    r->classname = c;
    return 0;
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

int mr_results_add_case(struct mr_results *r, enum mr_case_status status, const char *name,
                        const char *message, const char *detail)
{
    struct mr_case c;
    void *items = r->cases;

    memset(&c, 0, sizeof(c));
    c.status = status;
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
