/*
 * snapshot.c - the run's call snapshot: read before the run, then compared
 * with (or written from) the journal, as one test case.
 */
#include "runner/snapshot.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/jsondoc.h"
#include "common/text.h"
#include "reports/atomic.h"
#include "runner/snapdiff.h"

#define SNAPSHOT_MAX (256u << 20) /* the largest snapshot file read */
#define FORMAT_VERSION 1

struct mr_snapshot {
    char *path;
    bool update, ci;
    bool exists;
    cJSON *old;     /* the file's entries, normalized (an array), when it exists */
    char *old_text; /* the file as read */
};

bool mr_snapshot_under_ci(const char *ci)
{
    return ci && *ci && strcmp(ci, "0") != 0 && strcasecmp(ci, "false") != 0;
}

/* ---- the file ---------------------------------------------------------- */

/* Finds where JSON path `jpath` is in the text, for the error's line:column. */
static void locate(struct mr_error *err, const char *path, const char *text, size_t len,
                   const char *jpath)
{
    size_t off;
    int line = 0, col = 0;

    if (mr_jsondoc_locate(text, len, jpath, false, &off))
        mr_jsondoc_linecol(text, len, off, &line, &col);
    mr_error_at(err, path, jpath, line, col);
}

/* The file's entries, each normalized, into s->old. */
static int read_entries(struct mr_snapshot *s, const cJSON *root, const char *text, size_t len,
                        const struct mr_scenario *sc, struct mr_error *err)
{
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "mockrunSnapshot");
    const cJSON *calls = cJSON_GetObjectItemCaseSensitive(root, "calls"), *c;
    char jpath[64];
    size_t i = 0;
    int rc;

    if (!cJSON_IsObject(root) || !cJSON_IsArray(calls)) {
        mr_error_set(err, MR_ESCENARIO,
                     "not a mockrun snapshot: expected an object with a \"calls\" array (move "
                     "the file away and run again to write one)");
        /* at "calls" when it is there, else at the document */
        locate(err, s->path, text, len, cJSON_IsObject(root) && calls ? "calls" : "");
        return MR_ESCENARIO;
    }
    if (version && !(cJSON_IsNumber(version) && version->valuedouble == FORMAT_VERSION)) {
        mr_error_set(err, MR_ESCENARIO,
                     "a snapshot of format %g, and this mockrun reads format %d: written by a "
                     "newer mockrun?",
                     cJSON_IsNumber(version) ? version->valuedouble : -1.0, FORMAT_VERSION);
        locate(err, s->path, text, len, "mockrunSnapshot");
        return MR_ESCENARIO;
    }
    if (!(s->old = cJSON_CreateArray()))
        return mr_error_set(err, MR_ENOMEM, "out of memory reading the snapshot");
    cJSON_ArrayForEach(c, calls)
    {
        cJSON *e;
        snprintf(jpath, sizeof(jpath), "calls[%zu]", i++);
        if ((rc = mr_snapdiff_normalize(&e, c, &sc->snapshot, err)) != 0) {
            if (rc == MR_ESCENARIO)
                locate(err, s->path, text, len, jpath);
            return rc;
        }
        cJSON_AddItemToArray(s->old, e);
    }
    return 0;
}

int mr_snapshot_open(struct mr_snapshot **out, const char *path, bool update, bool ci,
                     const struct mr_scenario *sc, struct mr_error *err)
{
    struct mr_snapshot *s = calloc(1, sizeof(*s));
    struct mr_buf text;
    cJSON *root;
    int rc;

    *out = NULL;
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    }
    s->update = update;
    s->ci = ci;
    mr_buf_init(&text);
    rc = mr_buf_read_file(&text, path, SNAPSHOT_MAX);
    if (rc == ENOENT) {
        rc = 0;
    } else if (rc != 0) {
        mr_error_set(err, rc == ENOMEM ? MR_ENOMEM : MR_ESETUP, "cannot read snapshot '%s': %s",
                     path, rc == EFBIG ? "larger than 256 MiB" : strerror(rc));
        rc = err->code;
    } else {
        const char *t = text.data ? text.data : "";
        size_t len = text.len;
        s->exists = true;
        mr_jsondoc_skip_bom(&t, &len);
        if (!(root = mr_jsondoc_parse(path, t, len, err)))
            rc = err->code;
        else
            rc = read_entries(s, root, t, len, sc, err);
        cJSON_Delete(root);
        s->old_text = mr_buf_detach(&text, NULL);
    }
    mr_buf_release(&text);
    if (rc == 0 && (update || (!s->exists && !ci)))
        rc = mr_atomic_check_writable(path, err);
    if (rc != 0) {
        mr_snapshot_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void mr_snapshot_free(struct mr_snapshot *s)
{
    if (!s)
        return;
    cJSON_Delete(s->old);
    free(s->old_text);
    free(s->path);
    free(s);
}

/* ---- the run's entries ------------------------------------------------- */

static void base64(struct mr_buf *b, const unsigned char *s, size_t n)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;

    for (i = 0; i + 2 < n; i += 3)
        mr_buf_printf(b, "%c%c%c%c", tbl[s[i] >> 2], tbl[((s[i] & 3) << 4) | (s[i + 1] >> 4)],
                      tbl[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)], tbl[s[i + 2] & 63]);
    if (n - i == 1)
        mr_buf_printf(b, "%c%c==", tbl[s[i] >> 2], tbl[(s[i] & 3) << 4]);
    else if (n - i == 2)
        mr_buf_printf(b, "%c%c%c=", tbl[s[i] >> 2], tbl[((s[i] & 3) << 4) | (s[i + 1] >> 4)],
                      tbl[(s[i + 1] & 15) << 2]);
}

/* Whether `hay` contains `needle`, whatever the case. */
static bool contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

/* A JSON body parsed whole (blanks around it allowed), or NULL. */
static cJSON *json_body(const char *body, size_t len, const char *type)
{
    const char *end = NULL;
    size_t i = 0;
    cJSON *v;

    while (i < len && isspace((unsigned char)body[i]))
        i++;
    if (i == len || !((type && contains_nocase(type, "json")) || body[i] == '{' || body[i] == '['))
        return NULL;
    v = cJSON_ParseWithLengthOpts(body, len, &end, false);
    if (!v)
        return NULL;
    while (end < body + len && isspace((unsigned char)*end))
        end++;
    if (end != body + len) {
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

static bool add_string(cJSON *obj, const char *key, const char *value)
{
    return cJSON_AddStringToObject(obj, key, value) != NULL;
}

/* The call as an entry before normalizing: every header, the body typed. */
static cJSON *raw_entry(const struct mr_call *c, const struct mr_scenario *sc)
{
    cJSON *e = cJSON_CreateObject(), *h = cJSON_CreateObject(), *body = NULL;
    const char *it = NULL, *name, *value, *type = NULL;
    bool ok = e && h;

    ok = ok &&
         add_string(e, "service", c->service < sc->nservices ? sc->services[c->service].name : "?");
    if (ok && c->route >= 0 && (size_t)c->route < sc->nroutes)
        ok = add_string(e, "route", sc->routes[c->route].id);
    else if (ok)
        ok = cJSON_AddNullToObject(e, "route") != NULL;
    ok = ok && add_string(e, "method", c->method) && add_string(e, "path", c->path);
    if (ok && *c->query)
        ok = add_string(e, "query", c->query);
    while (ok && (it = mr_call_next_header(c, it, &name, &value)) != NULL) {
        cJSON *same = cJSON_GetObjectItem(h, name); /* case-insensitive */
        if (strcasecmp(name, "Content-Type") == 0 && !type)
            type = value;
        if (same) {
            /* a repeated header: its values joined, as one field line would be */
            struct mr_buf b;
            char *joined;
            mr_buf_init(&b);
            mr_buf_printf(&b, "%s, %s", same->valuestring, value);
            joined = mr_buf_detach(&b, NULL);
            ok = joined && cJSON_SetValuestring(same, joined) != NULL;
            free(joined);
        } else {
            ok = add_string(h, name, value);
        }
    }
    ok = ok && cJSON_AddItemToObject(e, "headers", h);
    if (!ok) {
        if (!cJSON_GetObjectItemCaseSensitive(e, "headers"))
            cJSON_Delete(h);
        cJSON_Delete(e);
        return NULL;
    }
    if (c->body_len > 0) {
        if (!c->body_truncated && (body = json_body(c->body, c->body_len, type)) != NULL) {
            ok = cJSON_AddItemToObject(e, "body", body);
            if (!ok)
                cJSON_Delete(body);
        } else if (mr_utf8_valid(c->body, c->body_len) && !memchr(c->body, '\0', c->body_len)) {
            ok = add_string(e, "bodyText", c->body); /* the journal keeps a NUL after it */
        } else {
            struct mr_buf b;
            mr_buf_init(&b);
            base64(&b, (const unsigned char *)c->body, c->body_len);
            ok = !b.failed && add_string(e, "bodyBase64", mr_buf_cstr(&b));
            mr_buf_release(&b);
        }
    }
    if (ok && c->body_truncated)
        ok = cJSON_AddTrueToObject(e, "bodyTruncated") != NULL;
    if (!ok) {
        cJSON_Delete(e);
        return NULL;
    }
    return e;
}

/* An entry with what orders it in the file. */
struct ranked {
    cJSON *e;
    uint64_t seq;
    size_t service, route; /* route: SIZE_MAX when none matched */
    char *canon;
};

static int by_rank(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    int c;

    if (x->service != y->service)
        return x->service < y->service ? -1 : 1;
    if (x->route != y->route)
        return x->route < y->route ? -1 : 1;
    if ((c = strcmp(x->canon, y->canon)) != 0)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int mr_snapshot_entries(cJSON **out, uint64_t **seqs, const struct mr_journal *journal,
                        const struct mr_scenario *sc)
{
    size_t kept = mr_journal_kept(journal), i, n = 0;
    struct ranked *r = calloc(kept ? kept : 1, sizeof(*r));
    cJSON *arr = cJSON_CreateArray();
    struct mr_error err;
    int rc = 0;

    *out = NULL;
    *seqs = NULL;
    if (!r || !arr || !(*seqs = malloc((kept ? kept : 1) * sizeof(**seqs)))) {
        free(r);
        cJSON_Delete(arr);
        return MR_ENOMEM;
    }
    for (i = 0; i < kept && rc == 0; i++) {
        const struct mr_call *c = mr_journal_at(journal, i);
        cJSON *raw = raw_entry(c, sc);
        struct mr_buf b;

        if (!raw) {
            rc = MR_ENOMEM;
            break;
        }
        rc = mr_snapdiff_normalize(&r[n].e, raw, &sc->snapshot, &err);
        cJSON_Delete(raw);
        if (rc != 0) {
            rc = MR_ENOMEM; /* our own entries are always well-formed */
            break;
        }
        mr_buf_init(&b);
        mr_snapdiff_print(&b, r[n].e, false);
        r[n].canon = mr_buf_detach(&b, NULL);
        r[n].seq = c->seq;
        r[n].service = c->service;
        r[n].route = c->route >= 0 ? (size_t)c->route : SIZE_MAX;
        if (!r[n++].canon)
            rc = MR_ENOMEM;
    }
    if (rc == 0 && !sc->snapshot.ordered)
        qsort(r, n, sizeof(*r), by_rank);
    for (i = 0; i < n; i++) {
        if (rc == 0) {
            cJSON_AddItemToArray(arr, r[i].e);
            (*seqs)[i] = r[i].seq;
        } else {
            cJSON_Delete(r[i].e);
        }
        free(r[i].canon);
    }
    free(r);
    if (rc != 0) {
        cJSON_Delete(arr);
        free(*seqs);
        *seqs = NULL;
        return rc;
    }
    *out = arr;
    return 0;
}

int mr_snapshot_text(char **out, const cJSON *calls)
{
    cJSON *doc = cJSON_CreateObject(), *ref = cJSON_CreateArrayReference(calls->child);
    struct mr_buf b;

    *out = NULL;
    if (!doc || !ref || !cJSON_AddNumberToObject(doc, "mockrunSnapshot", FORMAT_VERSION) ||
        !cJSON_AddItemToObject(doc, "calls", ref)) {
        if (!cJSON_GetObjectItemCaseSensitive(doc, "calls"))
            cJSON_Delete(ref);
        cJSON_Delete(doc);
        return MR_ENOMEM;
    }
    mr_buf_init(&b);
    mr_snapdiff_print(&b, doc, true);
    mr_buf_putc(&b, '\n');
    cJSON_Delete(doc); /* the calls themselves are only referenced */
    *out = b.failed ? NULL : mr_buf_detach(&b, NULL);
    mr_buf_release(&b);
    return *out ? 0 : MR_ENOMEM;
}

/* ---- the test case ----------------------------------------------------- */

static int write_file(const char *path, const char *text, struct mr_error *err)
{
    struct mr_atomic_file f;
    int rc;

    if ((rc = mr_atomic_begin(&f, path, err)) != 0)
        return rc;
    if ((rc = mr_atomic_write(&f, text, strlen(text), err)) == 0)
        rc = mr_atomic_commit(&f, err);
    mr_atomic_abort(&f);
    return rc;
}

/* The case, in the first suite whatever suite was added last. */
static int add_case(struct mr_results *out, const char *name, enum mr_case_status status,
                    const char *msg, const char *detail)
{
    int rc = mr_results_add_case(out, status, name, msg, detail);
    if (rc == 0)
        out->cases[out->ncases - 1].suite = 0;
    return rc;
}

/* "1 changed, 2 new, 1 missing" */
static void counts(struct mr_buf *b, const struct mr_snapdiff *d)
{
    const char *sep = "";
    if (d->changed) {
        mr_buf_printf(b, "%zu changed", d->changed);
        sep = ", ";
    }
    if (d->added) {
        mr_buf_printf(b, "%s%zu new", sep, d->added);
        sep = ", ";
    }
    if (d->missing)
        mr_buf_printf(b, "%s%zu missing", sep, d->missing);
}

/* Writes the run's entries; adds the case saying so (or why not). */
static int write_case(struct mr_snapshot *s, struct mr_results *out, const char *name,
                      const struct mr_snapshot_input *in, const char *text, size_t ncalls,
                      const struct mr_snapdiff *d)
{
    struct mr_buf detail;
    struct mr_error err;
    int rc;

    if (!in->complete)
        return add_case(out, name, MR_CASE_ERROR,
                        s->exists ? "the snapshot was not updated: the command did not end as "
                                    "expected, so its calls may be incomplete"
                                  : "the snapshot was not written: the command did not end as "
                                    "expected, so its calls may be incomplete",
                        d && d->text.len ? mr_buf_cstr(&d->text) : NULL);
    if (s->exists && s->old_text && strcmp(s->old_text, text) == 0)
        return add_case(out, name, MR_CASE_PASS, NULL, "note: the snapshot is up to date");
    if (write_file(s->path, text, &err) != 0) {
        char line[700];
        mr_error_format(&err, line, sizeof(line));
        return add_case(out, name, MR_CASE_ERROR, line, NULL);
    }
    mr_buf_init(&detail);
    if (!s->exists) {
        mr_buf_printf(&detail,
                      "note: wrote %s with %zu call%s: review it and commit it; later "
                      "runs compare their calls with it\n",
                      s->path, ncalls, ncalls == 1 ? "" : "s");
    } else {
        mr_buf_printf(&detail, "note: updated %s (", s->path);
        if (d && (d->changed || d->added || d->missing))
            counts(&detail, d);
        else
            mr_buf_puts(&detail, "the same calls, written anew");
        mr_buf_puts(&detail, "): review its diff and commit it\n");
        if (d && d->text.len)
            mr_buf_append(&detail, d->text.data, d->text.len);
    }
    rc = detail.failed ? MR_ENOMEM : add_case(out, name, MR_CASE_PASS, NULL, mr_buf_cstr(&detail));
    mr_buf_release(&detail);
    return rc;
}

int mr_snapshot_verify(struct mr_snapshot *s, struct mr_results *out,
                       const struct mr_snapshot_input *in)
{
    struct mr_buf name, msg, detail;
    struct mr_snapdiff d;
    cJSON *calls = NULL;
    uint64_t *seqs = NULL;
    uint64_t dropped = mr_journal_dropped_from(in->journal);
    char *text = NULL;
    size_t ncalls;
    int rc;

    mr_buf_init(&name);
    mr_buf_printf(&name, "calls match %s", s->path);
    if (name.failed)
        return MR_ENOMEM;
    if (!in->ran) {
        rc = add_case(out, mr_buf_cstr(&name), MR_CASE_SKIP, "the command did not run", NULL);
        mr_buf_release(&name);
        return rc;
    }
    if (dropped) {
        mr_buf_init(&msg);
        mr_buf_printf(&msg,
                      "cannot compare: details of calls from #%llu on were not kept (journal "
                      "limit); raise --journal-limit",
                      (unsigned long long)dropped);
        rc = msg.failed ? MR_ENOMEM
                        : add_case(out, mr_buf_cstr(&name), MR_CASE_ERROR, mr_buf_cstr(&msg), NULL);
        mr_buf_release(&msg);
        mr_buf_release(&name);
        return rc;
    }
    if ((rc = mr_snapshot_entries(&calls, &seqs, in->journal, in->sc)) != 0 ||
        (rc = mr_snapshot_text(&text, calls)) != 0) {
        cJSON_Delete(calls);
        free(seqs);
        mr_buf_release(&name);
        return rc;
    }
    ncalls = (size_t)cJSON_GetArraySize(calls);
    memset(&d, 0, sizeof(d));
    mr_buf_init(&d.text);
    if (!s->exists) {
        if (s->ci && !s->update) {
            mr_buf_init(&msg);
            mr_buf_printf(&msg,
                          "%s does not exist, and under CI (the CI variable is set) mockrun "
                          "does not write a new snapshot",
                          s->path);
            mr_buf_init(&detail);
            mr_buf_printf(&detail,
                          "write it where you can review it: run with --snapshot %s outside CI, "
                          "look at the file and commit it (or pass --update-snapshot here to "
                          "write it anyway); this run made %zu call%s\n",
                          s->path, ncalls, ncalls == 1 ? "" : "s");
            rc = msg.failed || detail.failed ? MR_ENOMEM
                                             : add_case(out, mr_buf_cstr(&name), MR_CASE_FAIL,
                                                        mr_buf_cstr(&msg), mr_buf_cstr(&detail));
            mr_buf_release(&msg);
            mr_buf_release(&detail);
        } else {
            rc = write_case(s, out, mr_buf_cstr(&name), in, text, ncalls, NULL);
        }
    } else if ((rc = mr_snapdiff_compare(&d, s->old, calls, seqs, in->sc->snapshot.ordered)) != 0) {
        /* out of memory */
    } else if (s->update) {
        rc = write_case(s, out, mr_buf_cstr(&name), in, text, ncalls, &d);
    } else if (!d.changed && !d.added && !d.missing) {
        rc = add_case(out, mr_buf_cstr(&name), MR_CASE_PASS, NULL, NULL);
    } else {
        mr_buf_init(&msg);
        mr_buf_printf(&msg, "%zu call%s differ%s from %s: ", d.changed + d.added + d.missing,
                      d.changed + d.added + d.missing == 1 ? "" : "s",
                      d.changed + d.added + d.missing == 1 ? "s" : "", s->path);
        counts(&msg, &d);
        mr_buf_printf(&d.text,
                      "if the new calls are right: run again with --update-snapshot and "
                      "commit %s\n",
                      s->path);
        rc = msg.failed || d.text.failed ? MR_ENOMEM
                                         : add_case(out, mr_buf_cstr(&name), MR_CASE_FAIL,
                                                    mr_buf_cstr(&msg), mr_buf_cstr(&d.text));
        mr_buf_release(&msg);
    }
    mr_snapdiff_release(&d);
    cJSON_Delete(calls);
    free(seqs);
    free(text);
    mr_buf_release(&name);
    return rc;
}
