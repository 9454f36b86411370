/*
 * snapdiff.c - snapshot entries normalized and compared, and the diff text.
 */
#include "runner/snapdiff.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "common/jsondoc.h"
#include "common/text.h"

#define VALUE_MAX 100            /* bytes of a value shown in a diff line */
#define ENTRY_MAX 300            /* bytes of a whole entry shown for a new or missing call */
#define LCS_CELLS (4u * 1000000) /* the largest alignment table (16 MB) */
#define PAIR_COST_MAX 10000      /* leftover pairs weighed one by one; past it, in order */

/* ---- printing ---------------------------------------------------------- */

static bool scalar(const cJSON *v)
{
    return !cJSON_IsObject(v) && !cJSON_IsArray(v);
}

static void print(struct mr_buf *out, const cJSON *v, bool pretty, int depth)
{
    char num[MR_NUMBER_TEXT_MAX];
    const cJSON *c;
    bool flat = true, object;

    if (cJSON_IsString(v)) {
        mr_buf_put_json_string(out, v->valuestring, strlen(v->valuestring));
    } else if (cJSON_IsNumber(v) && isinf(v->valuedouble)) {
        /* a body's 1e400 parses as infinity: write JSON that reads back as it (never
         * JavaScript's "Infinity", which no JSON reader takes) */
        mr_buf_puts(out, v->valuedouble < 0 ? "-1e999" : "1e999");
    } else if (cJSON_IsNumber(v) && !isnan(v->valuedouble)) {
        mr_buf_append(out, num, mr_number_text(v->valuedouble, num));
    } else if (cJSON_IsTrue(v)) {
        mr_buf_puts(out, "true");
    } else if (cJSON_IsFalse(v)) {
        mr_buf_puts(out, "false");
    } else if (!cJSON_IsObject(v) && !cJSON_IsArray(v)) {
        mr_buf_puts(out, "null");
    } else {
        object = cJSON_IsObject(v);
        cJSON_ArrayForEach(c, v) flat &= !object && scalar(c);
        flat |= !pretty || !v->child;
        mr_buf_putc(out, object ? '{' : '[');
        cJSON_ArrayForEach(c, v)
        {
            if (flat)
                mr_buf_puts(out, c == v->child ? "" : pretty ? ", " : ",");
            else
                mr_buf_printf(out, "%s\n%*s", c == v->child ? "" : ",", 2 * (depth + 1), "");
            if (object) {
                mr_buf_put_json_string(out, c->string, strlen(c->string));
                mr_buf_puts(out, pretty ? ": " : ":");
            }
            print(out, c, pretty, depth + 1);
        }
        if (!flat)
            mr_buf_printf(out, "\n%*s", 2 * depth, "");
        mr_buf_putc(out, object ? '}' : ']');
    }
}

void mr_snapdiff_print(struct mr_buf *out, const cJSON *v, bool pretty)
{
    print(out, v, pretty, 0);
}

/* `v` as compact JSON in `out`, at most `max` bytes: a longer text keeps its
 * two ends and says how much is left out. */
static void put_value(struct mr_buf *out, const cJSON *v, size_t max)
{
    struct mr_buf t;

    if (!v) {
        mr_buf_puts(out, "absent");
        return;
    }
    mr_buf_init(&t);
    print(&t, v, false, 0);
    if (t.failed)
        out->failed = true;
    else if (t.len <= max)
        mr_buf_append(out, t.data, t.len);
    else
        mr_buf_printf(out, "%.*s…(%zu bytes left out)…%.*s", (int)(max * 2 / 3), t.data,
                      t.len - max, (int)(max - max * 2 / 3), t.data + t.len - (max - max * 2 / 3));
    mr_buf_release(&t);
}

/* ---- normalizing ------------------------------------------------------- */

bool mr_snapdiff_secret_header(const char *name)
{
    static const char *const exact[] = {"authorization", "proxy-authorization", "cookie",
                                        "set-cookie"};
    static const char *const parts[] = {"token",  "secret",  "password", "api-key",
                                        "apikey", "session", "signature"};
    char lower[128];
    size_t i;

    for (i = 0; name[i] && i + 1 < sizeof(lower); i++)
        lower[i] = (char)tolower((unsigned char)name[i]);
    lower[i] = '\0';
    for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
        if (strcmp(lower, exact[i]) == 0)
            return true;
    for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        if (strstr(lower, parts[i]))
            return true;
    return false;
}

/* Turns `v` into the string `s` where it stands (its name kept). */
static bool become_string(cJSON *v, const char *s)
{
    cJSON *tmp = cJSON_CreateString(s);

    if (!tmp)
        return false;
    cJSON_Delete(v->child);
    v->child = NULL;
    if (v->valuestring && !(v->type & cJSON_IsReference))
        cJSON_free(v->valuestring);
    v->valuestring = tmp->valuestring;
    tmp->valuestring = NULL;
    cJSON_Delete(tmp);
    v->type = cJSON_String | (v->type & cJSON_StringIsConst);
    v->valueint = 0;
    v->valuedouble = 0;
    return true;
}

static bool all_digits(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

/* Replaces what steps[0..n) reach from `v` with "<ignored>". */
static bool mask(cJSON *v, char *const *steps, size_t n)
{
    cJSON *c;
    size_t i = 0;

    if (n == 0)
        return become_string(v, MR_SNAPDIFF_IGNORED);
    cJSON_ArrayForEach(c, v)
    {
        bool hit;
        if (!steps[0])
            hit = true;
        else if (cJSON_IsObject(v))
            hit = strcmp(c->string, steps[0]) == 0;
        else
            hit = all_digits(steps[0]) && strtoul(steps[0], NULL, 10) == i;
        i++;
        if (hit && !mask(c, steps + 1, n - 1))
            return false;
    }
    return true;
}

/* Sorts the children of `v` stably by `cmp` (a merge sort: equal names keep their order). */
static bool sort_children(cJSON *v, int (*cmp)(const cJSON *, const cJSON *))
{
    cJSON **items, **tmp, *c;
    size_t n = 0, i, width;

    cJSON_ArrayForEach(c, v) n++;
    if (n < 2)
        return true;
    items = malloc(n * sizeof(*items));
    tmp = malloc(n * sizeof(*tmp));
    if (!items || !tmp) {
        free(items);
        free(tmp);
        return false;
    }
    for (c = v->child, i = 0; c; c = c->next)
        items[i++] = c;
    for (width = 1; width < n; width *= 2) {
        for (i = 0; i < n; i += 2 * width) {
            size_t mid = i + width < n ? i + width : n, hi = i + 2 * width < n ? i + 2 * width : n;
            size_t x = i, y = mid, k = i;
            while (x < mid || y < hi)
                tmp[k++] =
                    y >= hi || (x < mid && cmp(items[x], items[y]) <= 0) ? items[x++] : items[y++];
        }
        memcpy(items, tmp, n * sizeof(*items));
    }
    for (i = 0; i < n; i++) {
        items[i]->prev = i ? items[i - 1] : items[n - 1];
        items[i]->next = i + 1 < n ? items[i + 1] : NULL;
    }
    v->child = items[0];
    free(items);
    free(tmp);
    return true;
}

static int by_name(const cJSON *x, const cJSON *y)
{
    return strcmp(x->string, y->string);
}

static int by_header_name(const cJSON *x, const cJSON *y)
{
    return strcasecmp(x->string, y->string);
}

/* Sorts the members of every object in `v` by name. */
static bool sort_members(cJSON *v)
{
    cJSON *c;

    cJSON_ArrayForEach(c, v) if (!sort_members(c)) return false;
    return !cJSON_IsObject(v) || sort_children(v, by_name);
}

/* The headers an entry records: Content-Type, then the scenario's, each once. */
static bool selected_header(const struct mr_snapshot_settings *set, const char *name,
                            const char **spelling, bool *ignored)
{
    size_t i;

    *ignored = false;
    for (i = 0; i < set->nignore_headers; i++)
        if (strcasecmp(set->ignore_headers[i], name) == 0) {
            *spelling = set->ignore_headers[i];
            *ignored = true;
            return true;
        }
    if (strcasecmp(name, "Content-Type") == 0) {
        *spelling = "Content-Type";
        return true;
    }
    for (i = 0; i < set->nheaders; i++)
        if (strcasecmp(set->headers[i], name) == 0) {
            *spelling = set->headers[i];
            return true;
        }
    return false;
}

/* "Bearer abc" -> "Bearer <redacted>"; anything else -> "<redacted>". */
static char *redact(const char *name, const char *value)
{
    struct mr_buf b;
    const char *sp = strchr(value, ' ');

    mr_buf_init(&b);
    if (sp && sp > value &&
        (strcasecmp(name, "Authorization") == 0 || strcasecmp(name, "Proxy-Authorization") == 0))
        mr_buf_printf(&b, "%.*s %s", (int)(sp - value), value, MR_SNAPDIFF_REDACTED);
    else
        mr_buf_puts(&b, MR_SNAPDIFF_REDACTED);
    return mr_buf_detach(&b, NULL);
}

/* The selected headers of `raw` (an object of strings), or NULL for none. */
static int headers_of(cJSON **out, const cJSON *raw, const struct mr_snapshot_settings *set,
                      struct mr_error *err)
{
    const cJSON *h;
    cJSON *obj = NULL;

    *out = NULL;
    if (!raw)
        return 0;
    if (!cJSON_IsObject(raw))
        return mr_error_set(err, MR_ESCENARIO, "\"headers\": expected an object of strings");
    cJSON_ArrayForEach(h, raw)
    {
        const char *spelling;
        bool ignored;
        char *value;
        cJSON *item;

        if (!cJSON_IsString(h)) {
            cJSON_Delete(obj);
            return mr_error_set(err, MR_ESCENARIO, "\"headers\": expected an object of strings");
        }
        if (!selected_header(set, h->string, &spelling, &ignored) ||
            (obj && cJSON_GetObjectItem(obj, spelling)))
            continue;
        if (!obj && !(obj = cJSON_CreateObject()))
            return MR_ENOMEM;
        if (ignored)
            value = strdup(MR_SNAPDIFF_IGNORED);
        else if (mr_snapdiff_secret_header(spelling))
            value = redact(spelling, h->valuestring);
        else
            value = strdup(h->valuestring);
        item = value ? cJSON_CreateString(value) : NULL;
        free(value);
        if (!item || !cJSON_AddItemToObject(obj, spelling, item)) {
            cJSON_Delete(item);
            cJSON_Delete(obj);
            return MR_ENOMEM;
        }
    }
    /* by name, whatever the case: the order of the request does not matter */
    if (obj && !sort_children(obj, by_header_name)) {
        cJSON_Delete(obj);
        return MR_ENOMEM;
    }
    *out = obj;
    return 0;
}

/* `s` as the snapshot file gives it back (cJSON_malloc'd; NULL without
 * memory): JSON text holds only UTF-8, so mr_buf_put_json_string writes each
 * byte past ASCII of a string that is not UTF-8 as U+FFFD. */
static char *as_read_back(const char *s)
{
    size_t len = strlen(s), n = 0, i;
    char *out, *p;

    for (i = 0; i < len; i++)
        n += (unsigned char)s[i] >= 0x80 ? 3 : 1;
    if (!(p = out = cJSON_malloc(n + 1)))
        return NULL;
    for (i = 0; i < len; i++) {
        if ((unsigned char)s[i] >= 0x80) {
            memcpy(p, "\xef\xbf\xbd", 3);
            p += 3;
        } else {
            *p++ = s[i];
        }
    }
    *p = '\0';
    return out;
}

/* Makes every member name and string in `v` what the file would give back,
 * so that a call whose path (say) is not UTF-8 equals its entry read from
 * the snapshot written for it. */
static bool as_written(cJSON *v)
{
    cJSON *c;
    char *s;

    if (v->string && !mr_utf8_valid(v->string, strlen(v->string))) {
        if (!(s = as_read_back(v->string)))
            return false;
        if (!(v->type & cJSON_StringIsConst))
            cJSON_free(v->string);
        v->string = s;
        v->type &= ~cJSON_StringIsConst;
    }
    if (cJSON_IsString(v) && !mr_utf8_valid(v->valuestring, strlen(v->valuestring))) {
        if (!(s = as_read_back(v->valuestring)))
            return false;
        if (!(v->type & cJSON_IsReference))
            cJSON_free(v->valuestring);
        v->valuestring = s;
        v->type &= ~cJSON_IsReference;
    }
    cJSON_ArrayForEach(c, v) if (!as_written(c)) return false;
    return true;
}

/* Copies raw's member `key` into `out` when present; it must pass `ok`. */
static int copy_member(cJSON *out, const cJSON *raw, const char *key, bool required,
                       bool (*ok)(const cJSON *), const char *want, struct mr_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(raw, key);
    cJSON *copy;

    if (!v) {
        if (required)
            return mr_error_set(err, MR_ESCENARIO, "missing \"%s\"", key);
        return 0;
    }
    if (ok && !ok(v))
        return mr_error_set(err, MR_ESCENARIO, "\"%s\": expected %s", key, want);
    if (!(copy = cJSON_Duplicate(v, true)) || !cJSON_AddItemToObject(out, key, copy)) {
        cJSON_Delete(copy);
        return MR_ENOMEM;
    }
    return 0;
}

static bool is_string(const cJSON *v)
{
    return cJSON_IsString(v);
}

static bool string_or_null(const cJSON *v)
{
    return cJSON_IsString(v) || cJSON_IsNull(v);
}

static bool is_true(const cJSON *v)
{
    return cJSON_IsTrue(v);
}

int mr_snapdiff_normalize(cJSON **out, const cJSON *raw, const struct mr_snapshot_settings *set,
                          struct mr_error *err)
{
    cJSON *e, *headers, *body;
    const cJSON *q;
    size_t i, bodies = 0;
    int rc;

    *out = NULL;
    if (!cJSON_IsObject(raw))
        return mr_error_set(err, MR_ESCENARIO, "expected an object: a call's entry");
    if (!(e = cJSON_CreateObject()))
        return MR_ENOMEM;
    rc = copy_member(e, raw, "service", true, is_string, "a string", err);
    if (!rc) {
        const cJSON *route = cJSON_GetObjectItemCaseSensitive(raw, "route");
        if (!route)
            rc = cJSON_AddNullToObject(e, "route") ? 0 : MR_ENOMEM;
        else
            rc = copy_member(e, raw, "route", false, string_or_null, "a string or null", err);
    }
    if (!rc)
        rc = copy_member(e, raw, "method", true, is_string, "a string", err);
    if (!rc)
        rc = copy_member(e, raw, "path", true, is_string, "a string", err);
    q = cJSON_GetObjectItemCaseSensitive(raw, "query");
    if (!rc && q && !(cJSON_IsString(q) && !*q->valuestring))
        rc = copy_member(e, raw, "query", false, is_string, "a string", err);
    if (!rc &&
        (rc = headers_of(&headers, cJSON_GetObjectItemCaseSensitive(raw, "headers"), set, err)) ==
            0 &&
        headers && !cJSON_AddItemToObject(e, "headers", headers)) {
        cJSON_Delete(headers);
        rc = MR_ENOMEM;
    }
    if (!rc)
        rc = copy_member(e, raw, "body", false, NULL, NULL, err);
    if (!rc)
        rc = copy_member(e, raw, "bodyText", false, is_string, "a string", err);
    if (!rc)
        rc = copy_member(e, raw, "bodyBase64", false, is_string, "a string", err);
    if (!rc && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(raw, "bodyTruncated")))
        rc = copy_member(e, raw, "bodyTruncated", false, is_true, "true", err);
    if (!rc) {
        bodies = (cJSON_GetObjectItemCaseSensitive(e, "body") != NULL) +
                 (cJSON_GetObjectItemCaseSensitive(e, "bodyText") != NULL) +
                 (cJSON_GetObjectItemCaseSensitive(e, "bodyBase64") != NULL);
        if (bodies > 1)
            rc = mr_error_set(err, MR_ESCENARIO,
                              "give one of \"body\", \"bodyText\" and \"bodyBase64\"");
    }
    if (!rc && !as_written(e))
        rc = MR_ENOMEM;
    if (!rc && (body = cJSON_GetObjectItemCaseSensitive(e, "body")) != NULL) {
        if (!sort_members(body))
            rc = MR_ENOMEM;
        for (i = 0; !rc && i < set->nignore; i++)
            if (!mask(body, set->ignore[i].steps, set->ignore[i].nsteps))
                rc = MR_ENOMEM;
    }
    if (rc) {
        cJSON_Delete(e);
        if (rc == MR_ENOMEM)
            mr_error_set(err, MR_ENOMEM, "out of memory");
        return rc;
    }
    *out = e;
    return 0;
}

/* ---- comparing --------------------------------------------------------- */

/* One entry of either list. */
struct item {
    const cJSON *e;
    char *canon;   /* compact text: equal entries have equal text */
    char *group;   /* "service\nroute" (route "" when none) */
    size_t number; /* snapshot entry number, or the call number */
    bool used;
};

static const char *text_of(const cJSON *e, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int make_items(struct item **out, const cJSON *list, const uint64_t *seqs)
{
    size_t n = (size_t)cJSON_GetArraySize(list), i = 0;
    struct item *items = calloc(n ? n : 1, sizeof(*items));
    const cJSON *e;

    *out = items;
    if (!items)
        return MR_ENOMEM;
    cJSON_ArrayForEach(e, list)
    {
        struct mr_buf b;
        const char *route = text_of(e, "route");
        mr_buf_init(&b);
        print(&b, e, false, 0);
        items[i].e = e;
        items[i].canon = mr_buf_detach(&b, NULL);
        mr_buf_init(&b);
        mr_buf_printf(&b, "%s\n%s", text_of(e, "service") ? text_of(e, "service") : "",
                      route ? route : "");
        items[i].group = mr_buf_detach(&b, NULL);
        items[i].number = seqs ? (size_t)seqs[i] : i + 1;
        if (!items[i].canon || !items[i].group)
            return MR_ENOMEM;
        i++;
    }
    return 0;
}

static void free_items(struct item *items, size_t n)
{
    size_t i;
    for (i = 0; items && i < n; i++) {
        free(items[i].canon);
        free(items[i].group);
    }
    free(items);
}

/* Diff state: the text, and how many differences are listed so far. */
struct differ {
    struct mr_snapdiff *d;
    size_t listed;
    size_t more; /* differences past the listed ones */
};

/* Appends path p (from the entry's root) extended by `key` or `index`. */
static void path_push(char *p, size_t size, size_t *n, const char *key, size_t index)
{
    if (key)
        mr_jsondoc_push_key(p, size, n, key);
    else
        mr_jsondoc_push_index(p, size, n, index);
}

/* The member of `obj` that stands for `m`, a member of another object: the one
 * of its name and of its rank among that name's members (a body's object may
 * give a name twice; normalizing sorted them together), or NULL. */
static const cJSON *counterpart(const cJSON *obj, const cJSON *m)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, m->string), *p;

    /* prev of the first member is the last one, whose next is NULL */
    for (p = m; c && p->prev->next == p && strcmp(p->prev->string, m->string) == 0; p = p->prev)
        c = c->next && strcmp(c->next->string, m->string) == 0 ? c->next : NULL;
    return c;
}

/* Lines for each leaf where `a` and `b` differ (when lines is not NULL, at
 * most MR_SNAPDIFF_FIELDS of them); returns how many leaves differ. */
static size_t diff_value(const cJSON *a, const cJSON *b, char *path, size_t plen,
                         struct mr_buf *lines, size_t *shown)
{
    size_t count = 0, n;
    const cJSON *c, *o;

    if (a && b && cJSON_IsObject(a) && cJSON_IsObject(b)) {
        cJSON_ArrayForEach(c, a)
        {
            n = plen;
            path_push(path, 512, &n, c->string, 0);
            count += diff_value(c, counterpart(b, c), path, n, lines, shown);
            path[plen] = '\0';
        }
        cJSON_ArrayForEach(o, b)
        {
            if (counterpart(a, o))
                continue;
            n = plen;
            path_push(path, 512, &n, o->string, 0);
            count += diff_value(NULL, o, path, n, lines, shown);
            path[plen] = '\0';
        }
        return count;
    }
    if (a && b && cJSON_IsArray(a) && cJSON_IsArray(b)) {
        size_t i = 0;
        for (c = a->child, o = b->child; c || o; c = c ? c->next : NULL, o = o ? o->next : NULL) {
            n = plen;
            path_push(path, 512, &n, NULL, i++);
            count += diff_value(c, o, path, n, lines, shown);
            path[plen] = '\0';
        }
        return count;
    }
    /* numbers differ as their text does: cJSON_Compare lets 2.5000000000000004 equal 2.5
     * (a changed call that listed no difference) and no infinity equal itself */
    if (a && b && cJSON_IsNumber(a) && cJSON_IsNumber(b) ? a->valuedouble == b->valuedouble
                                                         : a && b && cJSON_Compare(a, b, true))
        return 0;
    if (lines && (*shown)++ < MR_SNAPDIFF_FIELDS) {
        mr_buf_puts(lines, "    ");
        mr_buf_put_printable(lines, path, strlen(path));
        mr_buf_puts(lines, ": was ");
        put_value(lines, a, VALUE_MAX);
        mr_buf_puts(lines, ", now ");
        put_value(lines, b, VALUE_MAX);
        mr_buf_putc(lines, '\n');
    }
    return 1;
}

static size_t cost(const struct item *a, const struct item *b)
{
    char path[512] = "";
    return diff_value(a->e, b->e, path, 0, NULL, NULL);
}

/* "POST /v1/charges (service payments, route create-charge)" */
static void describe(struct mr_buf *b, const cJSON *e)
{
    const char *method = text_of(e, "method"), *path = text_of(e, "path");
    const char *service = text_of(e, "service"), *route = text_of(e, "route");
    const char *query = text_of(e, "query");

    method = method ? method : "?";
    path = path ? path : "?";
    mr_buf_put_printable(b, method, strlen(method));
    mr_buf_putc(b, ' ');
    mr_buf_put_printable(b, path, strlen(path));
    if (query) {
        mr_buf_putc(b, '?');
        mr_buf_put_printable(b, query, strlen(query));
    }
    mr_buf_puts(b, " (service ");
    mr_buf_put_printable(b, service ? service : "?", strlen(service ? service : "?"));
    if (route) {
        mr_buf_puts(b, ", route ");
        mr_buf_put_printable(b, route, strlen(route));
    } else {
        mr_buf_puts(b, ", no route matched");
    }
    mr_buf_putc(b, ')');
}

/* Counts a difference; says whether it is listed. */
static bool listed(struct differ *df)
{
    if (df->listed < MR_SNAPDIFF_LISTED) {
        df->listed++;
        return true;
    }
    df->more++;
    return false;
}

static void report_changed(struct differ *df, const struct item *o, const struct item *c)
{
    struct mr_buf *t = &df->d->text;
    char path[512] = "";
    size_t shown = 0, n;

    df->d->changed++;
    if (!listed(df))
        return;
    mr_buf_printf(t, "changed: call #%zu ", c->number);
    describe(t, c->e);
    mr_buf_printf(t, "; snapshot entry %zu\n", o->number);
    n = diff_value(o->e, c->e, path, 0, t, &shown);
    if (n > MR_SNAPDIFF_FIELDS)
        mr_buf_printf(t, "    ... and %zu more differences\n", n - MR_SNAPDIFF_FIELDS);
}

static void report_added(struct differ *df, const struct item *c)
{
    struct mr_buf *t = &df->d->text;

    df->d->added++;
    if (!listed(df))
        return;
    mr_buf_printf(t, "new: call #%zu ", c->number);
    describe(t, c->e);
    mr_buf_puts(t, "; not in the snapshot\n    ");
    put_value(t, c->e, ENTRY_MAX);
    mr_buf_putc(t, '\n');
}

static void report_missing(struct differ *df, const struct item *o)
{
    struct mr_buf *t = &df->d->text;

    df->d->missing++;
    if (!listed(df))
        return;
    mr_buf_printf(t, "missing: snapshot entry %zu, ", o->number);
    describe(t, o->e);
    mr_buf_puts(t, "; not called in this run\n    ");
    put_value(t, o->e, ENTRY_MAX);
    mr_buf_putc(t, '\n');
}

/* Pairs the leftovers old[po[0..no)] and cur[pc[0..nc)] of one group or hunk:
 * each call with the entry it differs least from (in order when there are
 * too many to weigh), then reports them, the unpaired calls and entries. */
static void pair_up(struct differ *df, struct item *old, const size_t *po, size_t no,
                    struct item *cur, const size_t *pc, size_t nc, bool same_group)
{
    size_t i, k;
    bool weigh = no * nc <= PAIR_COST_MAX;

    for (i = 0; i < nc; i++) {
        struct item *c = &cur[pc[i]];
        size_t best = no, best_cost = (size_t)-1;
        for (k = 0; k < no; k++) {
            struct item *o = &old[po[k]];
            size_t w;
            if (o->used || (same_group && strcmp(o->group, c->group) != 0))
                continue;
            if (!weigh) {
                best = k;
                break;
            }
            w = cost(o, c);
            if (w < best_cost) {
                best_cost = w;
                best = k;
            }
        }
        if (best < no) {
            old[po[best]].used = true;
            c->used = true;
            report_changed(df, &old[po[best]], c);
        }
    }
    for (i = 0; i < nc; i++)
        if (!cur[pc[i]].used) {
            cur[pc[i]].used = true;
            report_added(df, &cur[pc[i]]);
        }
    for (k = 0; k < no; k++)
        if (!old[po[k]].used) {
            old[po[k]].used = true;
            report_missing(df, &old[po[k]]);
        }
}

/* Sorts idx[0..n) stably by cmp(ctx, x, y) (a merge sort: qsort would need
 * the context in a global). Falls back to an insertion sort without memory. */
static void sort_idx(size_t *idx, size_t n, int (*cmp)(const void *, size_t, size_t),
                     const void *ctx)
{
    size_t *tmp, width, i;

    if (n < 2)
        return;
    if (!(tmp = malloc(n * sizeof(*tmp)))) {
        for (i = 1; i < n; i++) {
            size_t x = idx[i], k = i;
            for (; k > 0 && cmp(ctx, idx[k - 1], x) > 0; k--)
                idx[k] = idx[k - 1];
            idx[k] = x;
        }
        return;
    }
    for (width = 1; width < n; width *= 2) {
        for (i = 0; i < n; i += 2 * width) {
            size_t mid = i + width < n ? i + width : n, hi = i + 2 * width < n ? i + 2 * width : n;
            size_t a = i, b = mid, k = i;
            while (a < mid || b < hi)
                tmp[k++] =
                    b >= hi || (a < mid && cmp(ctx, idx[a], idx[b]) <= 0) ? idx[a++] : idx[b++];
        }
        memcpy(idx, tmp, n * sizeof(*idx));
    }
    free(tmp);
}

static int by_canon(const void *ctx, size_t x, size_t y)
{
    const struct item *items = ctx;
    return strcmp(items[x].canon, items[y].canon);
}

/* Both lists as one: positions below ncur are cur's, the others old's. */
struct both {
    const struct item *old, *cur;
    size_t ncur;
};

static const struct item *at(const struct both *b, size_t pos)
{
    return pos < b->ncur ? &b->cur[pos] : &b->old[pos - b->ncur];
}

static int by_group(const void *ctx, size_t x, size_t y)
{
    return strcmp(at(ctx, x)->group, at(ctx, y)->group);
}

/* A group's run in the positions sorted by group; `first` is its first position. */
struct run {
    size_t start, len, first;
};

static int by_first(const void *a, const void *b)
{
    const struct run *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Per route, as multisets: groups in the order this run's calls list them,
 * then the snapshot's. */
static int compare_unordered(struct differ *df, struct item *old, size_t nold, struct item *cur,
                             size_t ncur)
{
    struct both both = {old, cur, ncur};
    size_t total = nold + ncur, i, k, nruns = 0;
    size_t *pos = malloc((total ? total : 1) * sizeof(*pos));
    size_t *po = malloc((nold ? nold : 1) * sizeof(*po));
    size_t *pc = malloc((ncur ? ncur : 1) * sizeof(*pc));
    struct run *runs = malloc((total ? total : 1) * sizeof(*runs));

    if (!pos || !po || !pc || !runs) {
        free(pos);
        free(po);
        free(pc);
        free(runs);
        return MR_ENOMEM;
    }
    for (i = 0; i < total; i++)
        pos[i] = i;
    sort_idx(pos, total, by_group, &both);
    for (i = 0; i < total; i++) {
        if (i && by_group(&both, pos[i - 1], pos[i]) == 0) {
            runs[nruns - 1].len++;
            continue;
        }
        runs[nruns].start = i;
        runs[nruns].len = 1;
        runs[nruns++].first = pos[i]; /* stable: the smallest position of the group */
    }
    qsort(runs, nruns, sizeof(*runs), by_first);
    for (k = 0; k < nruns; k++) {
        size_t no = 0, nc = 0, a, b;

        for (i = runs[k].start; i < runs[k].start + runs[k].len; i++) {
            if (pos[i] < ncur)
                pc[nc++] = pos[i];
            else
                po[no++] = pos[i] - ncur;
        }
        /* equal entries pair off: a merge of the two lists sorted by text */
        sort_idx(po, no, by_canon, old);
        sort_idx(pc, nc, by_canon, cur);
        for (a = b = 0; a < no && b < nc;) {
            int c = strcmp(old[po[a]].canon, cur[pc[b]].canon);
            if (c == 0) {
                old[po[a++]].used = true;
                cur[pc[b++]].used = true;
            } else if (c < 0) {
                a++;
            } else {
                b++;
            }
        }
        /* what is left, back in list order (the group's run was) */
        for (i = runs[k].start, no = nc = 0; i < runs[k].start + runs[k].len; i++) {
            if (pos[i] < ncur && !cur[pos[i]].used)
                pc[nc++] = pos[i];
            else if (pos[i] >= ncur && !old[pos[i] - ncur].used)
                po[no++] = pos[i] - ncur;
        }
        pair_up(df, old, po, no, cur, pc, nc, false);
    }
    free(pos);
    free(po);
    free(pc);
    free(runs);
    return 0;
}

/* As one sequence: aligned on the longest common subsequence. */
static int compare_ordered(struct differ *df, struct item *old, size_t nold, struct item *cur,
                           size_t ncur)
{
    size_t pre = 0, suf = 0, n, m, i, j;
    uint32_t *t = NULL;
    size_t *po, *pc, no = 0, nc = 0;

    while (pre < nold && pre < ncur && strcmp(old[pre].canon, cur[pre].canon) == 0)
        pre++;
    while (suf < nold - pre && suf < ncur - pre &&
           strcmp(old[nold - 1 - suf].canon, cur[ncur - 1 - suf].canon) == 0)
        suf++;
    n = nold - pre - suf;
    m = ncur - pre - suf;
    po = malloc((n ? n : 1) * sizeof(*po));
    pc = malloc((m ? m : 1) * sizeof(*pc));
    if (!po || !pc) {
        free(po);
        free(pc);
        return MR_ENOMEM;
    }
    if (n && m && (n + 1) * (m + 1) <= LCS_CELLS)
        t = calloc((n + 1) * (m + 1), sizeof(*t));
    if (t) {
        /* t[i][j]: the LCS of old[pre+i..] and cur[pre+j..] */
#define T(a, b) t[(a) * (m + 1) + (b)]
        for (i = n; i-- > 0;)
            for (j = m; j-- > 0;)
                T(i, j) = strcmp(old[pre + i].canon, cur[pre + j].canon) == 0
                              ? T(i + 1, j + 1) + 1
                              : (T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1));
        for (i = j = 0; i < n || j < m;) {
            if (i < n && j < m && strcmp(old[pre + i].canon, cur[pre + j].canon) == 0) {
                /* a match ends the hunk before it */
                pair_up(df, old, po, no, cur, pc, nc, true);
                no = nc = 0;
                i++;
                j++;
            } else if (j < m && (i == n || T(i, j + 1) >= T(i + 1, j))) {
                pc[nc++] = pre + j++;
            } else {
                po[no++] = pre + i++;
            }
        }
#undef T
    } else {
        /* too long to align (or nothing on one side): position by position */
        for (i = 0; i < n; i++)
            po[no++] = pre + i;
        for (j = 0; j < m; j++)
            pc[nc++] = pre + j;
    }
    pair_up(df, old, po, no, cur, pc, nc, true);
    free(t);
    free(po);
    free(pc);
    return 0;
}

int mr_snapdiff_compare(struct mr_snapdiff *d, const cJSON *old, const cJSON *cur,
                        const uint64_t *seqs, bool ordered)
{
    struct item *o = NULL, *c = NULL;
    size_t no = (size_t)cJSON_GetArraySize(old), nc = (size_t)cJSON_GetArraySize(cur);
    struct differ df;
    int rc;

    memset(d, 0, sizeof(*d));
    mr_buf_init(&d->text);
    memset(&df, 0, sizeof(df));
    df.d = d;
    rc = make_items(&o, old, NULL);
    if (rc == 0)
        rc = make_items(&c, cur, seqs);
    if (rc == 0)
        rc = ordered ? compare_ordered(&df, o, no, c, nc) : compare_unordered(&df, o, no, c, nc);
    if (rc == 0 && df.more)
        mr_buf_printf(&d->text, "... and %zu more differences\n", df.more);
    free_items(o, no);
    free_items(c, nc);
    if (rc == 0 && d->text.failed)
        rc = MR_ENOMEM;
    return rc;
}

void mr_snapdiff_release(struct mr_snapdiff *d)
{
    mr_buf_release(&d->text);
}
