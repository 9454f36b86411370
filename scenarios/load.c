/*
 * load.c - scenario file → model. Parses with cJSON, validates every key and
 * value (collecting all problems), builds the immutable model, then frees
 * the cJSON tree. Syntax errors get line:column from cJSON's end pointer;
 * other problems from the JSON path (common/jsondoc.h).
 */
#define _XOPEN_SOURCE 700 /* realpath */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "scenarios/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <pcre2.h>

#include "common/hookurl.h"
#include "common/jsondoc.h"
#include "common/text.h"
#include "common/url.h"
#include "scenarios/load_internal.h"
#include "templates/template.h"

#define MAX_FILE_SIZE (64u << 20)

/* Reads an integer member in [min, max]; returns false when absent or invalid. */
static bool get_int(struct mr_loader *ld, const cJSON *obj, const char *key, int64_t min,
                    int64_t max, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    char got[80];

    if (!v)
        return false;
    /* `>= max + 1`, not `> max`: (double)INT64_MAX rounds up to 2^63, which the
     * cast below could not represent */
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        v->valuedouble < (double)min || v->valuedouble >= (double)max + 1.0) {
        mr_loader__describe(v, got, sizeof(got));
        if (max == INT64_MAX)
            mr_loader__problem_in(ld, key, "expected an integer of at least %lld, got %s",
                                  (long long)min, got);
        else
            mr_loader__problem_in(ld, key, "expected an integer from %lld to %lld, got %s",
                                  (long long)min, (long long)max, got);
        return false;
    }
    *out = (int64_t)v->valuedouble;
    return true;
}

const char *mr_loader__string(struct mr_loader *ld, const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    char got[80];

    if (!v)
        return NULL;
    if (!cJSON_IsString(v)) {
        mr_loader__describe(v, got, sizeof(got));
        mr_loader__problem_in(ld, key, "expected a string, got %s", got);
        return NULL;
    }
    return v->valuestring;
}

/* An array item's path, "x.routes[12]": the length of its array's path and its index. */
static bool item_path(const char *path, size_t *prefix, size_t *index)
{
    size_t n = strlen(path), i = n - 1;

    if (n < 3 || path[n - 1] != ']')
        return false;
    while (i > 0 && isdigit((unsigned char)path[i - 1]))
        i--;
    if (i == n - 1 || i < 2 || path[i - 1] != '[' || n - i > 10)
        return false;
    *prefix = i - 1;
    *index = (size_t)strtoul(path + i, NULL, 10);
    return true;
}

/*
 * Where the value at the current path starts in the text: its offset and
 * line. An item of the array whose item was found last is found by walking
 * on from that one, so the items of an array (routes, expectations) asked
 * for in order cost one pass over it, not one pass over the file each.
 * False when the text does not have it.
 */
static bool item_place(struct mr_loader *ld, size_t *offset, int *line)
{
    size_t pre, index, last_pre, last_index, off, i;
    int l, column;

    if (!ld->text)
        return false;
    if (ld->last_item.text == ld->text && item_path(ld->path, &pre, &index) &&
        item_path(ld->last_item.path, &last_pre, &last_index) && pre == last_pre &&
        last_index <= index && memcmp(ld->path, ld->last_item.path, pre) == 0) {
        off = ld->last_item.offset;
        l = ld->last_item.line;
        for (; last_index < index; last_index++) {
            size_t from = off;
            if (!mr_jsondoc_next_item(ld->text, ld->len, &off))
                return false;
            for (i = from; i < off; i++)
                l += ld->text[i] == '\n';
        }
    } else {
        if (!mr_jsondoc_locate(ld->text, ld->len, ld->path, false, &off))
            return false;
        mr_jsondoc_linecol(ld->text, ld->len, off, &l, &column);
    }
    ld->last_item.text = ld->text;
    snprintf(ld->last_item.path, sizeof(ld->last_item.path), "%s", ld->path);
    ld->last_item.offset = off;
    ld->last_item.line = l;
    *offset = off;
    *line = l;
    return true;
}

/* The line where the value at the current path starts; 0 when it cannot be found. */
static int item_line(struct mr_loader *ld)
{
    size_t off;
    int line;
    return item_place(ld, &off, &line) ? line : 0;
}

/* "unexpected": "fail" (the default) or "allow", or
 * { "allow": [ request conditions ... ] }: unmatched calls that meet one of
 * them (a browser's /favicon.ico) are answered 404 but are no failure. */
static void load_unexpected(struct mr_loader *ld, struct mr_scenario_file *sc, const cJSON *v)
{
    const cJSON *list, *item;
    size_t mark, i = 0;
    char got[80];

    sc->unexpected_fail = true;
    if (!v)
        return;
    if (cJSON_IsString(v)) {
        if (strcmp(v->valuestring, "allow") == 0)
            sc->unexpected_fail = false;
        else if (strcmp(v->valuestring, "fail") != 0)
            mr_loader__problem_in(ld, "unexpected",
                                  "expected \"fail\", \"allow\" or {\"allow\": [...]}, got \"%s\"",
                                  v->valuestring);
        return;
    }
    mark = mr_loader__push_key(ld, "unexpected");
    if (!cJSON_IsObject(v)) {
        mr_loader__describe(v, got, sizeof(got));
        mr_loader__problem(ld, false, "expected \"fail\", \"allow\" or {\"allow\": [...]}, got %s",
                           got);
    } else {
        mr_loader__check_keys_of(ld, v, MR_SCHEMA_UNEXPECTED);
        list = cJSON_GetObjectItemCaseSensitive(v, "allow");
        if (!list) {
            mr_loader__problem(ld, false, "expected \"allow\": an array of request conditions");
        } else if (!cJSON_IsArray(list)) {
            mr_loader__describe(list, got, sizeof(got));
            mr_loader__problem_in(ld, "allow", "expected an array of request conditions, got %s",
                                  got);
        } else if ((sc->nallow = (size_t)cJSON_GetArraySize(list)) > 0 &&
                   (sc->allow = mr_loader__calloc(ld, sc->nallow, sizeof(*sc->allow))) != NULL) {
            size_t m2 = mr_loader__push_key(ld, "allow");
            cJSON_ArrayForEach(item, list)
            {
                size_t m3 = mr_loader__push_index(ld, i);
                mr_loader__matcher(ld, item, &sc->allow[i]);
                mr_loader__pop(ld, m3);
                i++;
            }
            mr_loader__pop(ld, m2);
        } else {
            sc->nallow = 0;
        }
    }
    mr_loader__pop(ld, mark);
}

static bool has_crlf(const char *s)
{
    return strpbrk(s, "\r\n") != NULL;
}

static void load_file_response(struct mr_loader *ld, const char *dir, const char *rel,
                               struct mr_response *r)
{
    char joined[PATH_MAX];
    char *real;
    size_t dl = strlen(dir);
    struct stat st;

    if (rel[0] == '/') {
        mr_loader__problem_in(ld, "file", "must be a path relative to the scenario's folder");
        return;
    }
    if ((size_t)snprintf(joined, sizeof(joined), "%s/%s", dir, rel) >= sizeof(joined)) {
        mr_loader__problem_in(ld, "file", "path is too long");
        return;
    }
    real = realpath(joined, NULL);
    if (!real) {
        mr_loader__problem_in(ld, "file", "cannot open \"%s\": %s", rel, strerror(errno));
        return;
    }
    /* Symlinks are resolved first, so the check also catches links that lead out. */
    if (strncmp(real, dir, dl) != 0 || (real[dl] != '/' && strcmp(dir, "/") != 0)) {
        mr_loader__problem_in(ld, "file", "\"%s\" is outside the scenario's folder", rel);
        free(real);
        return;
    }
    if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
        mr_loader__problem_in(ld, "file", "\"%s\" is not a regular file", rel);
        free(real);
        return;
    }
    r->file_fd = open(real, O_RDONLY | O_CLOEXEC);
    if (r->file_fd < 0) {
        mr_loader__problem_in(ld, "file", "cannot open \"%s\": %s", rel, strerror(errno));
        free(real);
        return;
    }
    r->kind = MR_RESP_FILE;
    r->file = real;
    r->content_type = mr_scenario_file_type(real);
}

static struct mr_template *compile_at(struct mr_loader *ld, const char *src, size_t len,
                                      enum mr_tpl_escape escape, bool in_string);

/* `file` with a templated path: compiled now, rendered and opened per
 * request beneath the folder's descriptor (mr_scenario_open_file). */
static void load_file_template(struct mr_loader *ld, struct mr_scenario *sc, const char *src,
                               bool contents_too, struct mr_response *r)
{
    size_t mark = mr_loader__push_key(ld, "file");

    r->file_fd = -1;
    if (src[0] == '/') {
        mr_loader__problem(ld, false, "must be a path relative to the scenario's folder");
    } else if (contents_too) {
        mr_loader__problem(ld, false,
                           "a templated file path cannot be combined with \"template\": true "
                           "(the file is only known per request); serve its contents as they are");
    } else if ((r->file_tpl = compile_at(ld, src, strlen(src), MR_TPL_NONE, true)) != NULL) {
        struct mr_scenario_file *f = &sc->files[ld->source];
        r->kind = MR_RESP_FILE;
        r->file = mr_loader__strdup(ld, src);
        r->templated = true;
        if (f->dir_fd < 0) {
            f->dir_fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (f->dir_fd < 0)
                mr_loader__problem(ld, false, "cannot open the scenario's folder \"%s\": %s",
                                   f->dir, strerror(errno));
        }
    }
    mr_loader__pop(ld, mark);
}

/* Returns the scenario's copy of a state name, adding it when new. */
static const char *intern_state(struct mr_loader *ld, struct mr_scenario *sc, const char *name)
{
    size_t i;
    char **grown;

    for (i = 0; i < sc->nstates; i++)
        if (strcmp(sc->state_names[i], name) == 0)
            return sc->state_names[i];
    grown = realloc(sc->state_names, (sc->nstates + 1) * sizeof(char *));
    if (!grown) {
        ld->nomem = true;
        return NULL;
    }
    sc->state_names = grown;
    sc->state_names[sc->nstates] = mr_loader__strdup(ld, name);
    return sc->state_names[sc->nstates++];
}

static const char *get_state(struct mr_loader *ld, struct mr_scenario *sc, const cJSON *obj,
                             const char *key)
{
    const char *s = mr_loader__string(ld, obj, key);
    if (s && !*s) {
        mr_loader__problem_in(ld, key, "a state name must not be empty");
        return NULL;
    }
    return s ? intern_state(ld, sc, s) : NULL;
}

/*
 * `delayMs` of `v` (a response, a callback or a callback's use): a number, or
 * {"min": a, "max": b}. Returns whether it is given; *lo and *hi are set
 * only when it is valid (a number n: both n).
 */
static bool get_delay(struct mr_loader *ld, const cJSON *v, int64_t *lo, int64_t *hi)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(v, "delayMs");
    int64_t n;

    if (!d)
        return false;
    if (!cJSON_IsObject(d)) {
        if (get_int(ld, v, "delayMs", 0, 600000, &n))
            *lo = *hi = n;
        return true;
    }
    {
        size_t mark = mr_loader__push_key(ld, "delayMs");
        int64_t a = 0, b = 0;
        bool has_lo, has_hi;
        mr_loader__check_keys_of(ld, d, MR_SCHEMA_DELAY_RANGE);
        /* read both, so that a problem in each is reported */
        has_lo = get_int(ld, d, "min", 0, 600000, &a);
        has_hi = get_int(ld, d, "max", 0, 600000, &b);
        if (!has_lo || !has_hi) {
            if (!cJSON_GetObjectItemCaseSensitive(d, "min") ||
                !cJSON_GetObjectItemCaseSensitive(d, "max"))
                mr_loader__problem(ld, false, "expected both \"min\" and \"max\"");
        } else if (a > b) {
            mr_loader__problem(ld, false, "min (%lld) is greater than max (%lld)", (long long)a,
                               (long long)b);
        } else {
            *lo = a;
            *hi = b;
        }
        mr_loader__pop(ld, mark);
    }
    return true;
}

/* A response's `delayMs`. */
static void load_delay(struct mr_loader *ld, const cJSON *v, struct mr_response *r)
{
    if (get_delay(ld, v, &r->delay_ms, &r->delay_max_ms))
        r->has_delay = true;
}

/* `fault`: "reset" | "empty" | "garbage" | "truncated" | {"dribble": {"chunks": n, "overMs": t}}.
 */
static void load_fault(struct mr_loader *ld, const cJSON *v, struct mr_response *r)
{
    static const char *const names[] = {"", "reset", "empty", "garbage", "truncated"};
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(v, "fault");
    size_t mark, i;
    char got[80];

    if (!f)
        return;
    mark = mr_loader__push_key(ld, "fault");
    if (cJSON_IsString(f)) {
        for (i = 1; i < 5 && strcmp(f->valuestring, names[i]) != 0; i++)
            ;
        if (i < 5)
            r->fault = (enum mr_fault)i;
        else
            mr_loader__problem(ld, false,
                               "expected \"reset\", \"empty\", \"garbage\", \"truncated\" or "
                               "{\"dribble\": {\"chunks\": n, \"overMs\": t}}, got \"%s\"",
                               f->valuestring);
    } else if (cJSON_IsObject(f) && cJSON_GetObjectItemCaseSensitive(f, "dribble")) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(f, "dribble");
        size_t m2;
        int64_t n;
        mr_loader__check_keys_of(ld, f, MR_SCHEMA_FAULT);
        m2 = mr_loader__push_key(ld, "dribble");
        if (mr_loader__expect_object(ld, d, "an object with \"chunks\" and \"overMs\"")) {
            mr_loader__check_keys_of(ld, d, MR_SCHEMA_DRIBBLE);
            r->fault = MR_FAULT_DRIBBLE;
            r->dribble_chunks = 2;
            r->dribble_ms = 1000;
            if (get_int(ld, d, "chunks", 1, 100000, &n))
                r->dribble_chunks = (int)n;
            if (get_int(ld, d, "overMs", 0, 600000, &n))
                r->dribble_ms = n;
        }
        mr_loader__pop(ld, m2);
    } else {
        mr_loader__describe(f, got, sizeof(got));
        mr_loader__problem(ld, false,
                           "expected \"reset\", \"empty\", \"garbage\", \"truncated\" or "
                           "{\"dribble\": {\"chunks\": n, \"overMs\": t}}, got %s",
                           got);
    }
    mr_loader__pop(ld, mark);
}

/* One set of `when` conditions: request conditions plus `params`, `cookies`
 * and `callNumber`. */
static void load_one_when(struct mr_loader *ld, const cJSON *v, struct mr_when *w)
{
    cJSON *copy, *call;
    int64_t n;
    char got[80];

    w->call_min = w->call_max = -1;
    if (!mr_loader__expect_object(ld, v, "an object with request conditions"))
        return;
    call = cJSON_GetObjectItemCaseSensitive(v, "callNumber");
    if (cJSON_IsNumber(call)) {
        if (get_int(ld, v, "callNumber", 1, INT64_MAX, &n))
            w->call_min = w->call_max = n;
    } else if (call) {
        size_t mark = mr_loader__push_key(ld, "callNumber");
        if (cJSON_IsObject(call)) {
            mr_loader__check_keys_of(ld, call, MR_SCHEMA_CALL_NUMBER);
            if (get_int(ld, call, "atLeast", 1, INT64_MAX, &n))
                w->call_min = n;
            if (get_int(ld, call, "atMost", 1, INT64_MAX, &n))
                w->call_max = n;
            if (w->call_min < 0 && w->call_max < 0)
                mr_loader__problem(ld, false, "expected \"atLeast\" and/or \"atMost\"");
            else if (w->call_min >= 0 && w->call_max >= 0 && w->call_min > w->call_max)
                mr_loader__problem(ld, false,
                                   "atLeast (%lld) is greater than atMost (%lld): no call matches",
                                   (long long)w->call_min, (long long)w->call_max);
        } else {
            mr_loader__describe(call, got, sizeof(got));
            mr_loader__problem(ld, false,
                               "expected a call number or {\"atLeast\": n, \"atMost\": m}, got %s",
                               got);
        }
        mr_loader__pop(ld, mark);
    }
    /* path parameters and cookies by name, which a route's matcher has no use for */
    if ((call = cJSON_GetObjectItemCaseSensitive(v, "params"))) {
        size_t mark = mr_loader__push_key(ld, "params");
        mr_loader__fields(ld, call, false, &w->params, &w->nparams);
        mr_loader__pop(ld, mark);
    }
    if ((call = cJSON_GetObjectItemCaseSensitive(v, "cookies"))) {
        size_t mark = mr_loader__push_key(ld, "cookies");
        mr_loader__fields(ld, call, false, &w->cookies, &w->ncookies);
        mr_loader__pop(ld, mark);
    }
    /* the rest are ordinary request conditions */
    copy = cJSON_Duplicate(v, true);
    if (!copy) {
        ld->nomem = true;
        return;
    }
    {
        /* `when`'s own keys (callNumber, params, cookies), read above */
        size_t nwhen, i;
        const struct mr_schema_member *own = mr_schema_members(MR_SCHEMA_WHEN, &nwhen);
        for (i = 0; i < nwhen; i++)
            if (!mr_schema_has(MR_SCHEMA_REQUEST, own[i].key))
                cJSON_DeleteItemFromObjectCaseSensitive(copy, own[i].key);
    }
    mr_loader__matcher(ld, copy, &w->match);
    cJSON_Delete(copy);
}

/* `when`: one object of conditions that must all hold, or an array of them of
 * which any one must hold (Mockoon's rules with the OR operator). */
static void load_when(struct mr_loader *ld, const cJSON *v, struct mr_response *r)
{
    const cJSON *item;
    size_t i = 0, n;
    char got[80];

    if (cJSON_IsObject(v)) {
        r->when = mr_loader__calloc(ld, 1, sizeof(*r->when));
        if (r->when) {
            r->nwhen = 1;
            load_one_when(ld, v, r->when);
        }
        return;
    }
    n = cJSON_IsArray(v) ? (size_t)cJSON_GetArraySize(v) : 0;
    if (n == 0) {
        mr_loader__describe(v, got, sizeof(got));
        mr_loader__problem(ld, false,
                           "expected an object with request conditions, or a non-empty array of "
                           "them (any one holding), got %s",
                           got);
        return;
    }
    r->when = mr_loader__calloc(ld, n, sizeof(*r->when));
    if (!r->when)
        return;
    r->nwhen = n;
    cJSON_ArrayForEach(item, v)
    {
        size_t mark = mr_loader__push_index(ld, i);
        load_one_when(ld, item, &r->when[i++]);
        mr_loader__pop(ld, mark);
    }
}

struct tpl_site {
    struct mr_loader *ld;
    bool in_string; /* the template is the current value, a JSON string */
};

/* Each problem of a template, at the current path; inside a JSON string, at
 * the very character (so an editor jumps to it), else at the value. */
static void template_problem(void *arg, size_t off, const char *msg)
{
    struct tpl_site *site = arg;

    if (strcmp(msg, "out of memory") == 0)
        site->ld->nomem = true;
    else if (site->in_string)
        mr_loader__problem_in_string(site->ld, off, "template: %s", msg);
    else
        mr_loader__problem(site->ld, false, "template: %s", msg);
}

/* Compiles a template at the current path and reports all its problems
 * there: `in_string` when the source is the current value itself. */
static struct mr_template *compile_at(struct mr_loader *ld, const char *src, size_t len,
                                      enum mr_tpl_escape escape, bool in_string)
{
    struct mr_template *t = NULL;
    struct mr_tpl_compile_opts opts;
    struct tpl_site site = {ld, in_string};
    char msg[300];
    int rc;

    memset(&opts, 0, sizeof(opts));
    opts.escape = escape;
    opts.services = ld->service_names;
    opts.nservices = ld->nservice_names;
    opts.problem = template_problem;
    opts.problem_arg = &site;
    rc = mr_template_compile_with(&t, src, len, &opts, msg, sizeof(msg));
    if (rc == MR_ENOMEM)
        ld->nomem = true;
    return rc == 0 ? t : NULL;
}

struct json_tpls {
    struct mr_template **tpls;
    size_t n;
    unsigned long nonce; /* markers are "\x01<nonce>:<i>\x01" */
};

/* Replaces each templated string in v by a marker "\x01<nonce>:<i>\x01" and compiles it. */
static void mark_json_templates(struct mr_loader *ld, cJSON *v, struct json_tpls *jt)
{
    cJSON *c;
    size_t i = 0;

    if (cJSON_IsString(v) && mr_template_detect(v->valuestring, strlen(v->valuestring))) {
        struct mr_template *t =
            compile_at(ld, v->valuestring, strlen(v->valuestring), MR_TPL_NONE, true);
        struct mr_template **grown;
        char marker[48];
        if (!t)
            return;
        grown = realloc(jt->tpls, (jt->n + 1) * sizeof(*grown));
        if (!grown) {
            mr_template_free(t);
            ld->nomem = true;
            return;
        }
        jt->tpls = grown;
        jt->tpls[jt->n] = t;
        snprintf(marker, sizeof(marker), "\x01%lu:%zu\x01", jt->nonce, jt->n++);
        if (!cJSON_SetValuestring(v, marker))
            ld->nomem = true;
        return;
    }
    cJSON_ArrayForEach(c, v)
    {
        size_t mark = c->string ? mr_loader__push_key(ld, c->string) : mr_loader__push_index(ld, i);
        mark_json_templates(ld, c, jt);
        mr_loader__pop(ld, mark);
        i++;
    }
}

/* A nonce k such that "\u0001<k>:" is nowhere in the serialised value: the
 * user's own strings may hold U+0001 (printed \u0001), never that. */
static bool pick_nonce(const cJSON *v, unsigned long *nonce)
{
    char *text = cJSON_PrintUnformatted(v), probe[40];

    if (!text)
        return false;
    for (*nonce = 0;; ++*nonce) {
        snprintf(probe, sizeof(probe), "\\u0001%lu:", *nonce);
        if (!strstr(text, probe))
            break;
    }
    cJSON_free(text);
    return true;
}

/* `json` with templated strings → literal parts and templates. cJSON prints
 * the marker's \x01 as \u0001; the nonce keeps it apart from user text. */
static void load_json_template(struct mr_loader *ld, const cJSON *item, struct mr_response *r)
{
    struct json_tpls jt = {NULL, 0, 0};
    cJSON *copy = cJSON_Duplicate(item, true);
    char *text, *p, head[48], tail[] = "\\u0001\"";
    size_t i, hlen;

    if (!copy || !pick_nonce(copy, &jt.nonce)) {
        cJSON_Delete(copy);
        ld->nomem = true;
        return;
    }
    hlen = (size_t)snprintf(head, sizeof(head), "\"\\u0001%lu:", jt.nonce);
    {
        size_t mark = mr_loader__push_key(ld, "json");
        mark_json_templates(ld, copy, &jt);
        mr_loader__pop(ld, mark);
    }
    if (jt.n == 0 || ld->failed || ld->nomem) {
        for (i = 0; i < jt.n; i++)
            mr_template_free(jt.tpls[i]);
        free(jt.tpls);
        cJSON_Delete(copy);
        return;
    }
    text = cJSON_PrintUnformatted(copy);
    cJSON_Delete(copy);
    r->json_parts = text ? mr_loader__calloc(ld, 2 * jt.n + 1, sizeof(*r->json_parts)) : NULL;
    if (!r->json_parts) {
        ld->nomem = true;
        for (i = 0; i < jt.n; i++)
            mr_template_free(jt.tpls[i]);
        free(jt.tpls);
        cJSON_free(text);
        return;
    }
    p = text;
    for (;;) {
        char *m = strstr(p, head);
        char *end;
        unsigned long idx;
        if (!m) {
            r->json_parts[r->njson_parts].text = mr_loader__strdup(ld, p);
            r->json_parts[r->njson_parts++].len = strlen(p);
            break;
        }
        r->json_parts[r->njson_parts].text = mr_loader__strndup(ld, p, (size_t)(m - p));
        r->json_parts[r->njson_parts++].len = (size_t)(m - p);
        idx = strtoul(m + hlen, &end, 10);
        if (strncmp(end, tail, sizeof(tail) - 1) != 0 || idx >= jt.n)
            MR_BUG("lost a template marker in serialised JSON");
        r->json_parts[r->njson_parts++].tpl = jt.tpls[idx];
        jt.tpls[idx] = NULL;
        p = end + sizeof(tail) - 1;
    }
    for (i = 0; i < jt.n; i++)
        mr_template_free(jt.tpls[i]); /* only markers that vanished, i.e. none */
    free(jt.tpls);
    cJSON_free(text);
    r->templated = true;
}

/* `template`: true/false, or absent (strings containing "{{" are templates). */
/* Compiles the templated values among r->headers[from..]. On entry
 * header_tpls is NULL or has `from` entries; when there is one on return, it
 * has r->nheaders entries (NULL for a literal value). */
static void compile_header_templates(struct mr_loader *ld, struct mr_response *r, size_t from)
{
    size_t i, k;

    if (r->header_tpls && from < r->nheaders) {
        struct mr_template **grown = realloc(r->header_tpls, r->nheaders * sizeof(*grown));
        if (!grown) {
            ld->nomem = true;
            return;
        }
        for (k = from; k < r->nheaders; k++)
            grown[k] = NULL;
        r->header_tpls = grown;
    }
    for (i = from; i < r->nheaders; i++) {
        const char *val = r->headers[i].value;
        size_t mark;
        if (!mr_template_detect(val, strlen(val)))
            continue;
        if (!r->header_tpls) {
            r->header_tpls = mr_loader__calloc(ld, r->nheaders, sizeof(*r->header_tpls));
            if (!r->header_tpls)
                return;
        }
        mark = mr_loader__push_key(ld, "headers");
        mr_loader__push_key(ld, r->headers[i].name);
        r->header_tpls[i] = compile_at(ld, val, strlen(val), MR_TPL_NONE, true);
        r->templated |= r->header_tpls[i] != NULL;
        mr_loader__pop(ld, mark);
    }
}

static void load_templates(struct mr_loader *ld, const cJSON *v, struct mr_response *r)
{
    const cJSON *flag = cJSON_GetObjectItemCaseSensitive(v, "template");
    bool on = !flag || cJSON_IsTrue(flag);

    if (flag && !cJSON_IsBool(flag)) {
        mr_loader__problem_in(ld, "template", "expected true or false");
        return;
    }
    /* compiled even when the scenario has other problems, so that one run
     * (--check) reports every template error with the rest */
    if (!on)
        return;
    if (r->kind == MR_RESP_BODY && mr_template_detect(r->body, r->body_len)) {
        size_t mark = mr_loader__push_key(ld, "body");
        r->body_tpl = compile_at(ld, r->body, r->body_len, MR_TPL_HTML, true);
        r->templated = r->body_tpl != NULL;
        mr_loader__pop(ld, mark);
    } else if (r->kind == MR_RESP_JSON) {
        load_json_template(ld, cJSON_GetObjectItemCaseSensitive(v, "json"), r);
    } else if (r->kind == MR_RESP_FILE && flag && !r->file_tpl) {
        /* a file is a template only when asked: it is read and compiled now */
        FILE *f = fopen(r->file, "rb");
        struct mr_buf text;
        char chunk[65536];
        size_t n;
        mr_buf_init(&text);
        while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0 && text.len < (16u << 20))
            mr_buf_append(&text, chunk, n);
        if (!f || ferror(f) || text.len >= (16u << 20))
            mr_loader__problem_in(ld, "file", "cannot read the template file (16 MiB at most)");
        else {
            size_t mark = mr_loader__push_key(ld, "file");
            r->body_tpl = compile_at(ld, mr_buf_cstr(&text), text.len, MR_TPL_HTML, false);
            r->templated = r->body_tpl != NULL;
            mr_loader__pop(ld, mark);
        }
        if (f)
            fclose(f);
        mr_buf_release(&text);
    }
    compile_header_templates(ld, r, 0);
}

static void load_response_callbacks(struct mr_loader *ld, struct mr_scenario *sc, const cJSON *arr,
                                    struct mr_response *r);

static void load_response(struct mr_loader *ld, struct mr_scenario *sc, const cJSON *v, bool multi,
                          struct mr_response *r)
{
    const char *dir = sc->files[ld->source].dir;
    const cJSON *item;
    int64_t n;
    int kinds = 0;

    r->status = 200;
    r->weight = 1;
    if (!mr_loader__expect_object(ld, v, "an object"))
        return;
    mr_loader__check_keys_of(ld, v, multi ? MR_SCHEMA_RESPONSES_ITEM : MR_SCHEMA_RESPONSE);
    if (get_int(ld, v, "status", 100, 599, &n))
        r->status = (int)n;
    load_delay(ld, v, r);
    load_fault(ld, v, r);
    if (multi) {
        if (get_int(ld, v, "weight", 0, 1000000, &n))
            r->weight = (uint32_t)n;
        r->when_state = get_state(ld, sc, v, "whenState");
        r->set_state = get_state(ld, sc, v, "setState");
        if ((item = cJSON_GetObjectItemCaseSensitive(v, "when"))) {
            size_t mark = mr_loader__push_key(ld, "when");
            load_when(ld, item, r);
            mr_loader__pop(ld, mark);
        }
    }

    item = cJSON_GetObjectItemCaseSensitive(v, "headers");
    if (item) {
        size_t mark = mr_loader__push_key(ld, "headers");
        if (mr_loader__expect_object(ld, item, "an object mapping header names to strings")) {
            const cJSON *h;
            mr_loader__check_duplicates(ld, item);
            r->headers =
                mr_loader__calloc(ld, (size_t)cJSON_GetArraySize(item), sizeof(*r->headers));
            cJSON_ArrayForEach(h, item)
            {
                size_t m2 = mr_loader__push_key(ld, h->string);
                char got[80];
                if (!mr_http_token(h->string)) {
                    mr_loader__problem(ld, true, "%s", MR_HEADER_NAME_RULE);
                } else if (!cJSON_IsString(h)) {
                    mr_loader__describe(h, got, sizeof(got));
                    mr_loader__problem(ld, false, "expected a string, got %s", got);
                } else if (has_crlf(h->valuestring)) {
                    mr_loader__problem(ld, false, "header values must not contain CR or LF");
                } else if (r->headers) {
                    struct mr_header *dst = &r->headers[r->nheaders++];
                    dst->name = mr_loader__strdup(ld, h->string);
                    dst->value = mr_loader__strdup(ld, h->valuestring);
                    if (strcasecmp(h->string, "Content-Type") == 0)
                        r->has_content_type = true;
                    if (strcasecmp(h->string, "Content-Length") == 0 ||
                        strcasecmp(h->string, "Transfer-Encoding") == 0) {
                        mr_loader__problem(ld, true, "mockrun sets this header itself");
                    }
                }
                mr_loader__pop(ld, m2);
            }
        }
        mr_loader__pop(ld, mark);
    }

    if ((item = cJSON_GetObjectItemCaseSensitive(v, "json"))) {
        kinds++;
        r->kind = MR_RESP_JSON;
        r->body = cJSON_PrintUnformatted(item);
        if (!r->body)
            ld->nomem = true;
        else
            r->body_len = strlen(r->body);
        r->content_type = "application/json";
    }
    if ((item = cJSON_GetObjectItemCaseSensitive(v, "body"))) {
        const char *s = mr_loader__string(ld, v, "body");
        kinds++;
        if (s && kinds == 1) {
            r->kind = MR_RESP_BODY;
            r->body = mr_loader__strdup(ld, s);
            r->body_len = strlen(s);
            r->content_type = "text/plain; charset=utf-8";
        }
    }
    if ((item = cJSON_GetObjectItemCaseSensitive(v, "file"))) {
        const char *s = mr_loader__string(ld, v, "file");
        const cJSON *flag = cJSON_GetObjectItemCaseSensitive(v, "template");
        kinds++;
        if (s && kinds == 1 && mr_template_detect(s, strlen(s)) && !cJSON_IsFalse(flag))
            load_file_template(ld, sc, s, cJSON_IsTrue(flag), r);
        else if (s && kinds == 1)
            load_file_response(ld, dir, s, r);
    }
    if (kinds > 1)
        mr_loader__problem(ld, false, "give only one of \"json\", \"body\" or \"file\"");
    load_templates(ld, v, r);
    if ((item = cJSON_GetObjectItemCaseSensitive(v, "callbacks")))
        load_response_callbacks(ld, sc, item, r);
}

/* ---- callbacks ---------------------------------------------------------------- */

/* A new blank callback at the end of sc->callbacks; its index, or -1 (no memory). */
static long add_callback(struct mr_loader *ld, struct mr_scenario *sc)
{
    struct mr_callback *grown = realloc(sc->callbacks, (sc->ncallbacks + 1) * sizeof(*grown));

    if (!grown) {
        ld->nomem = true;
        return -1;
    }
    sc->callbacks = grown;
    memset(&grown[sc->ncallbacks], 0, sizeof(*grown));
    grown[sc->ncallbacks].service = -1;
    grown[sc->ncallbacks].timeout_ms = MR_CALLBACK_TIMEOUT_DEFAULT_MS;
    grown[sc->ncallbacks].backoff_ms = MR_CALLBACK_BACKOFF_DEFAULT_MS;
    return (long)sc->ncallbacks++;
}

/* The run's own file of file entry `source` (an import's parent). */
static size_t owner_file(const struct mr_scenario *sc, size_t source)
{
    return sc->files[source].parent >= 0 ? (size_t)sc->files[source].parent : source;
}

/* A literal `url`, at the current path: a path on the service, or an http URL
 * whose host is loopback or in the file's allowHosts. */
static void check_callback_url(struct mr_loader *ld, const struct mr_scenario *sc,
                               const struct mr_callback *cb, bool on_service)
{
    const struct mr_scenario_file *f = &sc->files[owner_file(sc, ld->source)];
    struct mr_error e;
    struct mr_hookurl u;

    memset(&e, 0, sizeof(e));
    if (on_service) {
        if (mr_hookurl_check_path(cb->url, strlen(cb->url), &e) != 0)
            mr_loader__problem(ld, false, "with \"service\", \"url\" is a path on that service: %s",
                               e.msg);
    } else if (mr_hookurl_parse(&u, cb->url, strlen(cb->url), &e) != 0) {
        mr_loader__problem(ld, false, "%s", e.msg);
    } else if (mr_hookurl_check_host(&u, (const char *const *)f->allow_hosts, f->nallow_hosts,
                                     &e) != 0) {
        mr_loader__problem(ld, false,
                           "%s: callbacks stay on this machine unless the top-level "
                           "\"allowHosts\" names the host",
                           e.msg);
    }
}

/* `retry`: {"times": n, "backoffMs": ms}. */
static void load_retry(struct mr_loader *ld, const cJSON *v, struct mr_callback *cb)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(v, "retry");
    size_t mark;
    int64_t n;

    if (!r)
        return;
    mark = mr_loader__push_key(ld, "retry");
    if (mr_loader__expect_object(ld, r, "an object with \"times\" and \"backoffMs\"")) {
        mr_loader__check_keys_of(ld, r, MR_SCHEMA_RETRY);
        if (!cJSON_GetObjectItemCaseSensitive(r, "times"))
            mr_loader__problem(ld, false, "expected \"times\": the attempts after the first one");
        else if (get_int(ld, r, "times", 1, 100, &n))
            cb->retries = (int)n;
        if (get_int(ld, r, "backoffMs", 0, 600000, &n))
            cb->backoff_ms = n;
    }
    mr_loader__pop(ld, mark);
}

/* The service named `name` among every file's, or -1. */
static long service_named(const struct mr_loader *ld, const char *name)
{
    size_t i;
    for (i = 0; i < ld->nservice_names; i++)
        if (ld->service_names[i] && strcmp(ld->service_names[i], name) == 0)
            return (long)i;
    return -1;
}

/*
 * One callback at the current path, appended to sc->callbacks. A service's
 * (`shared`) needs an id; a response's own is named "<route id> callback
 * <nth>" without one. Headers and body are read by load_response, on a copy
 * that holds only those keys (as `defaults` are), so they are checked and
 * their templates compiled exactly as a response's.
 */
static void load_callback(struct mr_loader *ld, struct mr_scenario *sc, const cJSON *v, bool shared,
                          size_t nth)
{
    static const char *const request_keys[] = {"headers", "json", "body", "file", "template"};
    long ci = add_callback(ld, sc);
    struct mr_callback *cb;
    const char *id, *method, *url, *service;
    const cJSON *flag;
    size_t i;
    bool on = true;

    if (ci < 0)
        return;
    cb = &sc->callbacks[ci];
    cb->shared = shared;
    cb->source = ld->source;
    cb->json_path = mr_loader__strdup(ld, ld->path);
    cb->file = mr_loader__strdup(ld, ld->file);
    cb->line = item_line(ld);
    cb->method = mr_loader__strdup(ld, "POST");
    if (!mr_loader__expect_object(ld, v, "a callback object with \"url\"")) {
        id = NULL;
    } else {
        mr_loader__check_keys_of(ld, v, MR_SCHEMA_CALLBACK);
        id = mr_loader__string(ld, v, "id");
        if (id && !*id)
            mr_loader__problem_in(ld, "id", "must not be empty");
        else if (!id && shared)
            mr_loader__problem(ld, false,
                               "a service's callback needs an \"id\" (responses send it with "
                               "{\"callback\": \"<id>\"})");
    }
    if (id && *id) {
        cb->id = mr_loader__strdup(ld, id);
        cb->has_id = true;
    } else {
        char buf[300];
        snprintf(buf, sizeof(buf), "%s callback %zu", ld->route_id ? ld->route_id : "?", nth);
        cb->id = mr_loader__strdup(ld, buf);
    }
    if (!cJSON_IsObject(v))
        return;

    if ((method = mr_loader__string(ld, v, "method")) != NULL) {
        if (!mr_http_method(method) || strcasecmp(method, "ANY") == 0) {
            mr_loader__problem_in(ld, "method",
                                  "expected an HTTP method such as \"POST\", got \"%s\"", method);
        } else {
            char *p;
            free(cb->method);
            cb->method = mr_loader__strdup(ld, method);
            for (p = cb->method; p && *p; p++)
                *p = (char)toupper((unsigned char)*p);
        }
    }
    if ((service = mr_loader__string(ld, v, "service")) != NULL) {
        /* in an imported file, the converted service's own name is the importing one's (a
         * Mockoon callback to the mock itself) */
        cb->service = service_named(
            ld, ld->import_name && strcmp(service, ld->import_name) == 0 ? ld->import_as : service);
        if (cb->service < 0) {
            const char *best = mr_text_suggest(service, ld->service_names, ld->nservice_names);
            if (best)
                mr_loader__problem_in(ld, "service",
                                      "no service is named \"%s\"; did you mean \"%s\"?", service,
                                      best);
            else
                mr_loader__problem_in(ld, "service", "no service is named \"%s\"", service);
        }
    }
    flag = cJSON_GetObjectItemCaseSensitive(v, "template");
    on = !flag || cJSON_IsTrue(flag);
    url = mr_loader__string(ld, v, "url");
    if (!cJSON_GetObjectItemCaseSensitive(v, "url")) {
        mr_loader__problem(ld, false,
                           "missing \"url\": an http:// URL, or with \"service\" a path on it");
    } else if (url) {
        size_t mark = mr_loader__push_key(ld, "url");
        cb->url = mr_loader__strdup(ld, url);
        if (!*url)
            mr_loader__problem(ld, false, "must not be empty");
        else if (on && mr_template_detect(url, strlen(url)))
            cb->url_tpl = compile_at(ld, url, strlen(url), MR_TPL_NONE, true);
        else if (cb->url)
            check_callback_url(ld, sc, cb, service != NULL);
        mr_loader__pop(ld, mark);
    }
    {
        /* headers and body, read as a response's */
        cJSON *copy = cJSON_CreateObject();
        for (i = 0; copy && i < sizeof(request_keys) / sizeof(request_keys[0]); i++) {
            const cJSON *k = cJSON_GetObjectItemCaseSensitive(v, request_keys[i]);
            cJSON *dup = k ? cJSON_Duplicate(k, true) : NULL;
            if (k && (!dup || !cJSON_AddItemToObject(copy, request_keys[i], dup))) {
                cJSON_Delete(dup);
                ld->nomem = true;
            }
        }
        if (!copy)
            ld->nomem = true;
        else /* even without a body: the request is then a response's defaults */
            load_response(ld, sc, copy, false, &cb->request);
        cJSON_Delete(copy);
        cb = &sc->callbacks[ci]; /* the response's own callbacks cannot be here: not moved */
    }
    get_delay(ld, v, &cb->delay_ms, &cb->delay_max_ms);
    get_int(ld, v, "timeoutMs", 1, 600000, &cb->timeout_ms);
    load_retry(ld, v, cb);
    cb->templated = cb->url_tpl || cb->request.templated;
}

/* "no callback has id ..." at the current path, with a suggestion when one is
 * close; `shared`: only a service's callbacks can be meant. */
static void no_such_callback(struct mr_loader *ld, const struct mr_scenario *sc, const char *id,
                             bool shared)
{
    struct mr_text_suggestion typo;
    size_t i, n = shared ? ld->nshared_callbacks : sc->ncallbacks;

    mr_text_suggest_init(&typo, id);
    for (i = 0; i < n; i++)
        mr_text_suggest_add(&typo, sc->callbacks[i].id);
    if (typo.best)
        mr_loader__problem(ld, false, "no %scallback has id \"%s\"; did you mean \"%s\"?",
                           shared ? "service's " : "", id, typo.best);
    else if (shared && n == 0)
        mr_loader__problem(ld, false,
                           "no callback has id \"%s\": define it in a service's \"callbacks\", "
                           "or give the callback itself here",
                           id);
    else
        mr_loader__problem(ld, false, "no %scallback has id \"%s\"", shared ? "service's " : "",
                           id);
}

/* The callback with id `id` among callbacks [0, n), or -1. */
static long find_callback(const struct mr_scenario *sc, size_t n, const char *id)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (sc->callbacks[i].id && strcmp(sc->callbacks[i].id, id) == 0)
            return (long)i;
    return -1;
}

/* A response's `callbacks`: callbacks of its own, and {"callback": id} uses of a service's. */
static void load_response_callbacks(struct mr_loader *ld, struct mr_scenario *sc, const cJSON *arr,
                                    struct mr_response *r)
{
    size_t mark = mr_loader__push_key(ld, "callbacks"), i = 0, n;
    const cJSON *item;
    char got[80];

    if (!cJSON_IsArray(arr)) {
        mr_loader__describe(arr, got, sizeof(got));
        mr_loader__problem(ld, false, "expected an array of callbacks, got %s", got);
        mr_loader__pop(ld, mark);
        return;
    }
    n = (size_t)cJSON_GetArraySize(arr);
    if (n > 0 && !(r->callbacks = mr_loader__calloc(ld, n, sizeof(*r->callbacks)))) {
        mr_loader__pop(ld, mark);
        return;
    }
    cJSON_ArrayForEach(item, arr)
    {
        size_t m2 = mr_loader__push_index(ld, i++);
        if (cJSON_IsObject(item) && cJSON_GetObjectItemCaseSensitive(item, "callback")) {
            const char *id;
            long ci = -1;
            mr_loader__check_keys_of(ld, item, MR_SCHEMA_CALLBACK_USE);
            if ((id = mr_loader__string(ld, item, "callback")) != NULL &&
                (ci = find_callback(sc, ld->nshared_callbacks, id)) < 0) {
                size_t m3 = mr_loader__push_key(ld, "callback");
                no_such_callback(ld, sc, id, true);
                mr_loader__pop(ld, m3);
            }
            if (ci >= 0) {
                struct mr_callback_use *u = &r->callbacks[r->ncallbacks++];
                u->callback = (size_t)ci;
                u->delay_ms = sc->callbacks[ci].delay_ms;
                u->delay_max_ms = sc->callbacks[ci].delay_max_ms;
                get_delay(ld, item, &u->delay_ms, &u->delay_max_ms);
            }
        } else {
            size_t before = sc->ncallbacks;
            load_callback(ld, sc, item, false, ++ld->route_callbacks);
            if (sc->ncallbacks > before) {
                struct mr_callback_use *u = &r->callbacks[r->ncallbacks++];
                u->callback = before;
                u->delay_ms = sc->callbacks[before].delay_ms;
                u->delay_max_ms = sc->callbacks[before].delay_max_ms;
            }
        }
        mr_loader__pop(ld, m2);
    }
    mr_loader__pop(ld, mark);
}

static void load_count(struct mr_loader *ld, const cJSON *v, struct mr_count *c)
{
    int64_t n;
    c->times = c->at_least = c->at_most = -1;
    if (get_int(ld, v, "times", 0, INT64_MAX, &n))
        c->times = n;
    if (get_int(ld, v, "atLeast", 0, INT64_MAX, &n))
        c->at_least = n;
    if (get_int(ld, v, "atMost", 0, INT64_MAX, &n))
        c->at_most = n;
    if (c->at_least >= 0 && c->at_most >= 0 && c->at_least > c->at_most)
        mr_loader__problem_in(ld, "atLeast", "atLeast (%lld) is greater than atMost (%lld)",
                              (long long)c->at_least, (long long)c->at_most);
    if (c->times >= 0 && ((c->at_least >= 0 && c->times < c->at_least) ||
                          (c->at_most >= 0 && c->times > c->at_most)))
        mr_loader__problem_in(ld, "times", "times (%lld) contradicts atLeast/atMost",
                              (long long)c->times);
    if (c->times < 0 && c->at_least < 0 && c->at_most < 0)
        c->at_least = 1; /* a bare expectation means "is called" */
}

static bool service_name_ok(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
            return false;
    return true;
}

static bool env_name_ok(const char *s)
{
    if (!*s || isdigit((unsigned char)*s))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

static size_t count_routes(const cJSON *services, const cJSON *routes)
{
    const cJSON *s;
    size_t n = 0;
    if (cJSON_IsArray(routes))
        return (size_t)cJSON_GetArraySize(routes);
    cJSON_ArrayForEach(s, services)
    {
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(s, "routes");
        if (cJSON_IsArray(r))
            n += (size_t)cJSON_GetArraySize(r);
    }
    return n;
}

static void load_responses(struct mr_loader *ld, struct mr_scenario *sc, const cJSON *r,
                           const cJSON *arr, struct mr_route *route)
{
    static const char *const modes[] = {"sequential", "cycle", "random", "rules"};
    const cJSON *item;
    const char *mode = mr_loader__string(ld, r, "mode");
    size_t mark = mr_loader__push_key(ld, "responses"), i = 0, n;
    bool any_when = false;
    uint64_t weights = 0;

    n = cJSON_IsArray(arr) ? (size_t)cJSON_GetArraySize(arr) : 0;
    if (n == 0) {
        mr_loader__problem(ld, false, "expected a non-empty array of responses");
        mr_loader__pop(ld, mark);
        return;
    }
    route->responses = mr_loader__calloc(ld, n, sizeof(*route->responses));
    if (!route->responses) {
        mr_loader__pop(ld, mark);
        return;
    }
    route->nresponses = n;
    cJSON_ArrayForEach(item, arr)
    {
        size_t m2 = mr_loader__push_index(ld, i);
        load_response(ld, sc, item, true, &route->responses[i]);
        any_when |= route->responses[i].nwhen || route->responses[i].when_state;
        weights += route->responses[i].weight;
        mr_loader__pop(ld, m2);
        i++;
    }
    mr_loader__pop(ld, mark);
    route->mode = any_when ? MR_MODE_RULES : MR_MODE_SEQUENTIAL;
    if (mode) {
        for (i = 0; i < 4 && strcmp(mode, modes[i]) != 0; i++)
            ;
        if (i == 4)
            mr_loader__problem_in(
                ld, "mode",
                "expected \"sequential\", \"cycle\", \"random\" or \"rules\", got "
                "\"%s\"",
                mode);
        else
            route->mode = (enum mr_resp_mode)i;
    }
    if (route->mode == MR_MODE_RANDOM && weights == 0)
        mr_loader__problem_in(ld, "responses", "every weight is 0: no response can be chosen");
}

/* Whether serving `rt` ever needs its path parameters: the server extracts
 * them only then. */
static bool callbacks_templated(const struct mr_scenario *sc, const struct mr_response *r)
{
    size_t i;
    for (i = 0; i < r->ncallbacks; i++)
        if (r->callbacks[i].callback < sc->ncallbacks &&
            sc->callbacks[r->callbacks[i].callback].templated)
            return true;
    return false;
}

static bool uses_params(const struct mr_scenario *sc, const struct mr_route *rt)
{
    size_t i, k;

    if (rt->nresponses == 0)
        return rt->response.templated || callbacks_templated(sc, &rt->response);
    for (i = 0; i < rt->nresponses; i++) {
        const struct mr_response *r = &rt->responses[i];
        if (r->templated || callbacks_templated(sc, r))
            return true;
        for (k = 0; k < r->nwhen; k++)
            if (r->when[k].nparams)
                return true;
    }
    return false;
}

/* Where member `key` of the object at the current path is written (its key):
 * counted from where the object starts, not from the file's start, so that
 * every route costs a pass over itself only. *line and *column are left
 * alone when it cannot be found. */
static void key_place(struct mr_loader *ld, const char *key, int *line, int *column)
{
    size_t off, in, i, at;
    int l;

    if (!item_place(ld, &off, &l) ||
        !mr_jsondoc_locate(ld->text + off, ld->len - off, key, true, &in))
        return;
    at = off + in;
    for (i = off; i < at; i++)
        l += ld->text[i] == '\n';
    for (i = at; i > 0 && ld->text[i - 1] != '\n'; i--)
        ;
    *line = l;
    *column = (int)(at - i) + 1;
}

static void load_routes(struct mr_loader *ld, struct mr_scenario *sc, size_t si, const cJSON *arr)
{
    struct mr_service *svc = &sc->services[si];
    const cJSON *r;
    size_t i = 0;
    char got[80];

    svc->first_route = sc->nroutes;
    if (!cJSON_IsArray(arr)) {
        mr_loader__describe(arr, got, sizeof(got));
        mr_loader__problem(ld, false, "expected an array of routes, got %s", got);
        return;
    }
    cJSON_ArrayForEach(r, arr)
    {
        size_t mark = mr_loader__push_index(ld, i);
        struct mr_route *route = &sc->routes[sc->nroutes];
        const cJSON *item;
        const char *id;

        route->service = si;
        /* loaded after every route, when route ids can be named */
        ld->route_expects[sc->nroutes] = cJSON_GetObjectItemCaseSensitive(r, "expect");
        route->index = sc->nroutes;
        route->json_path = mr_loader__strdup(ld, ld->path);
        route->file = mr_loader__strdup(ld, ld->file);
        route->line = item_line(ld);
        if (mr_loader__expect_object(ld, r, "a route object")) {
            mr_loader__check_keys_of(ld, r, MR_SCHEMA_ROUTE);
            id = mr_loader__string(ld, r, "id");
            if (id && !*id)
                mr_loader__problem_in(ld, "id", "must not be empty");
            if (id && *id) {
                route->id = mr_loader__strdup(ld, id);
                route->has_id = true;
            } else {
                char buf[128];
                snprintf(buf, sizeof(buf), "%s route %zu", svc->name ? svc->name : "?", i + 1);
                route->id = mr_loader__strdup(ld, buf);
            }
            item = cJSON_GetObjectItemCaseSensitive(r, "request");
            if (item) {
                size_t m2 = mr_loader__push_key(ld, "request");
                mr_loader__matcher(ld, item, &route->match);
                mr_loader__pop(ld, m2);
            }
            route->when_state = get_state(ld, sc, r, "whenState");
            route->set_state = get_state(ld, sc, r, "setState");
            ld->route_id = route->id; /* names the callbacks its responses define */
            ld->route_callbacks = 0;
            item = cJSON_GetObjectItemCaseSensitive(r, "response");
            if (item && cJSON_GetObjectItemCaseSensitive(r, "responses")) {
                mr_loader__problem_in(ld, "responses",
                                      "give either \"response\" or \"responses\", not both");
            } else if (item) {
                size_t m2 = mr_loader__push_key(ld, "response");
                load_response(ld, sc, item, false, &route->response);
                mr_loader__pop(ld, m2);
            } else if ((item = cJSON_GetObjectItemCaseSensitive(r, "responses"))) {
                load_responses(ld, sc, r, item, route);
            } else {
                route->response.status = 200;
            }
            if (cJSON_GetObjectItemCaseSensitive(r, "mode") && !route->nresponses)
                mr_loader__problem_in(ld, "mode", "\"mode\" needs \"responses\"");
            route->uses_params = uses_params(sc, route);
            if ((item = cJSON_GetObjectItemCaseSensitive(r, "drift")) != NULL) {
                int line = route->line, column = 0;
                key_place(ld, "drift", &line, &column);
                mr_loader__drift(ld, item, route, line, column);
            }
        }
        sc->nroutes++;
        svc->nroutes++;
        mr_loader__pop(ld, mark);
        i++;
    }
}

static void free_response(struct mr_response *r);

/* A service's `defaults`: headers the response does not set, and its delay. */
static void apply_defaults(struct mr_loader *ld, struct mr_response *r, const struct mr_response *d)
{
    size_t i, j, n = r->nheaders;
    struct mr_header *grown;

    if (!r->has_delay && d->has_delay) {
        r->delay_ms = d->delay_ms;
        r->delay_max_ms = d->delay_max_ms;
        r->has_delay = true;
    }
    if (!d->nheaders)
        return;
    grown = realloc(r->headers, (r->nheaders + d->nheaders) * sizeof(*grown));
    if (!grown) {
        ld->nomem = true;
        return;
    }
    r->headers = grown;
    for (i = 0; i < d->nheaders; i++) {
        for (j = 0; j < n; j++)
            if (strcasecmp(r->headers[j].name, d->headers[i].name) == 0)
                break;
        if (j < n)
            continue;
        if (r->kind == MR_RESP_FILE && strcasecmp(d->headers[i].name, "Content-Type") == 0)
            continue; /* a file's own type (from its extension) is more precise, as in Mockoon */
        if (mr_template_detect(d->headers[i].value, strlen(d->headers[i].value)) &&
            !(d->header_tpls && d->header_tpls[i]))
            continue; /* refused where the defaults are written; reported once, there */
        r->headers[r->nheaders].name = mr_loader__strdup(ld, d->headers[i].name);
        r->headers[r->nheaders].value = mr_loader__strdup(ld, d->headers[i].value);
        r->nheaders++;
        if (strcasecmp(d->headers[i].name, "Content-Type") == 0)
            r->has_content_type = true;
    }
    compile_header_templates(ld, r, n);
}

static const char *import_kind(const cJSON *service);

/* A service's routes imported from a foreign file (`"mockoon": "api.json"`):
 * the converted service, and the file entry it is read as. */
struct import {
    const cJSON *service; /* the converted service object */
    const char *name;     /* its name in the converted scenario */
    const char *as;       /* the name of the service that imports it */
    size_t file;          /* index into mr_scenario.files */
};

/* What the loader was reading, saved while it reads an imported service. */
struct reading {
    const char *file, *text;
    size_t len, source;
    char path[sizeof(((struct mr_loader *)0)->path)];
    size_t pathlen;
};

static void read_import(struct mr_loader *ld, struct mr_scenario *sc, const struct import *imp,
                        struct reading *saved)
{
    saved->file = ld->file;
    saved->text = ld->text;
    saved->len = ld->len;
    saved->source = ld->source;
    memcpy(saved->path, ld->path, sizeof(saved->path));
    saved->pathlen = ld->pathlen;
    /* converted text: problems name the file and the converted JSON path, no line */
    ld->file = sc->files[imp->file].path;
    ld->text = NULL;
    ld->len = 0;
    ld->source = imp->file;
    ld->path[0] = '\0';
    ld->pathlen = 0;
    ld->import_name = imp->name;
    ld->import_as = imp->as;
    mr_loader__push_key(ld, "services");
    mr_loader__push_key(ld, imp->name);
}

static void end_import(struct mr_loader *ld, const struct reading *saved)
{
    ld->file = saved->file;
    ld->text = saved->text;
    ld->len = saved->len;
    ld->source = saved->source;
    memcpy(ld->path, saved->path, sizeof(ld->path));
    ld->pathlen = saved->pathlen;
    ld->last_item.text = NULL;
    ld->import_name = ld->import_as = NULL;
}

/* `proxy`: an http:// URL that calls no route matches are forwarded to. */
static void load_proxy(struct mr_loader *ld, const cJSON *v, struct mr_service *svc)
{
    const char *url = mr_loader__string(ld, v, "proxy");
    struct mr_url u;
    struct mr_error e;

    if (!url)
        return;
    memset(&e, 0, sizeof(e));
    if (mr_url_parse_target(&u, url, &e) != 0)
        mr_loader__problem_in(ld, "proxy", "%s", e.msg);
    else
        svc->proxy = mr_loader__strdup(ld, url);
}

static char *concat(const char *a, size_t alen, const char *b);

/* `openapi`: the OpenAPI document the service's mocks and calls are checked
 * against (runner/contract.c reads it; a foreign format is never read here). */
static void load_openapi(struct mr_loader *ld, const cJSON *v, struct mr_service *svc)
{
    const char *rel = mr_loader__string(ld, v, "openapi");
    const char *slash = strrchr(ld->file, '/');
    char *path;

    if (!rel)
        return;
    if (!*rel) {
        mr_loader__problem_in(ld, "openapi",
                              "expected the path of an OpenAPI document, relative to this "
                              "file's folder");
        return;
    }
    path = concat(ld->file, rel[0] == '/' || !slash ? 0 : (size_t)(slash - ld->file + 1), rel);
    if (!path) {
        ld->nomem = true;
        return;
    }
    if (access(path, R_OK) != 0) {
        mr_loader__problem_in(ld, "openapi", "cannot read \"%s\": %s", path, strerror(errno));
        free(path);
        return;
    }
    svc->openapi = path;
}

static void load_service(struct mr_loader *ld, struct mr_scenario *sc, size_t si, const char *name,
                         const cJSON *v, const struct import *imp)
{
    struct mr_service *svc = &sc->services[si];
    const cJSON *routes, *item;
    struct mr_response defaults;
    struct reading saved = {0};
    const char *env;
    size_t i, n;
    int64_t port;

    svc->name = mr_loader__strdup(ld, name);
    /* MOCKRUN_<NAME>_URL, sized for the name (which has no length limit) */
    svc->url_var = mr_loader__calloc(ld, strlen(name) + sizeof("MOCKRUN__URL"), 1);
    if (svc->url_var) {
        n = (size_t)sprintf(svc->url_var, "MOCKRUN_%s_URL", name);
        for (i = 8; i < n - 4; i++)
            svc->url_var[i] = isalnum((unsigned char)svc->url_var[i])
                                  ? (char)toupper((unsigned char)svc->url_var[i])
                                  : '_';
    }
    svc->first_route = sc->nroutes;
    if (!mr_loader__expect_object(ld, v, "a service object with \"routes\""))
        return;
    mr_loader__check_keys_of(ld, v, MR_SCHEMA_SERVICE);
    if (get_int(ld, v, "port", 0, 65535, &port))
        svc->port = (int)port;
    env = mr_loader__string(ld, v, "env");
    if (env && !env_name_ok(env))
        mr_loader__problem_in(
            ld, "env", "\"%s\" is not a valid variable name (letters, digits and \"_\")", env);
    else if (env)
        svc->env_name = mr_loader__strdup(ld, env);
    if ((item = cJSON_GetObjectItemCaseSensitive(v, "strict"))) {
        char got[80];
        mr_loader__describe(item, got, sizeof(got));
        if (!cJSON_IsBool(item))
            mr_loader__problem_in(ld, "strict", "expected true or false, got %s", got);
        svc->strict = cJSON_IsTrue(item);
    }
    load_proxy(ld, v, svc);
    load_openapi(ld, v, svc);
    if (imp) {
        /* the routes, CORS and defaults come from the imported file */
        static const char *const own[] = {"routes", "cors", "defaults", "callbacks"};
        for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
            if (cJSON_GetObjectItemCaseSensitive(v, own[i]))
                mr_loader__problem_in(ld, own[i],
                                      "\"%s\" comes from the imported file; a service with "
                                      "\"%s\" takes only \"port\", \"env\", \"strict\", "
                                      "\"proxy\", \"openapi\" and \"description\"",
                                      own[i],
                                      cJSON_GetObjectItemCaseSensitive(v, "mockoon") ? "mockoon"
                                                                                     : "wiremock");
        svc->source = imp->file;
        read_import(ld, sc, imp, &saved);
        v = imp->service;
    } else if (import_kind(v)) {
        return; /* the import failed, and said why */
    }
    if ((item = cJSON_GetObjectItemCaseSensitive(v, "cors"))) {
        if (!cJSON_IsBool(item))
            mr_loader__problem_in(ld, "cors", "expected true or false");
        svc->cors = cJSON_IsTrue(item);
    }
    routes = cJSON_GetObjectItemCaseSensitive(v, "routes");
    if (routes) {
        size_t mark = mr_loader__push_key(ld, "routes");
        load_routes(ld, sc, si, routes);
        mr_loader__pop(ld, mark);
    } else if (!cJSON_GetObjectItemCaseSensitive(v, "proxy")) {
        /* (a proxy alone needs none: every call is forwarded) */
        mr_loader__problem(ld, false, "missing \"routes\"");
    }
    memset(&defaults, 0, sizeof(defaults));
    if ((item = cJSON_GetObjectItemCaseSensitive(v, "defaults"))) {
        size_t mark = mr_loader__push_key(ld, "defaults");
        if (mr_loader__expect_object(ld, item, "an object with \"headers\" and/or \"delayMs\"")) {
            cJSON *copy = cJSON_Duplicate(item, true);
            mr_loader__check_keys_of(ld, item, MR_SCHEMA_DEFAULTS);
            if (copy) {
                /* keep only what defaults may set, so nothing is reported twice */
                cJSON *c = copy->child;
                while (c) {
                    cJSON *next = c->next;
                    if (strcmp(c->string, "headers") && strcmp(c->string, "delayMs"))
                        cJSON_Delete(cJSON_DetachItemViaPointer(copy, c));
                    c = next;
                }
                /* the response loader validates headers and delay the same way */
                load_response(ld, sc, copy, false, &defaults);
                cJSON_Delete(copy);
            } else {
                ld->nomem = true;
            }
        }
        mr_loader__pop(ld, mark);
        for (i = svc->first_route; i < svc->first_route + svc->nroutes; i++) {
            struct mr_route *rt = &sc->routes[i];
            size_t k;
            apply_defaults(ld, &rt->response, &defaults);
            for (k = 0; k < rt->nresponses; k++)
                apply_defaults(ld, &rt->responses[k], &defaults);
        }
        free_response(&defaults);
    }
    if (imp)
        end_import(ld, &saved);
}

/* Whether route `rt` is "METHOD /path" as written (`path` with or without its
 * leading '/', the method in any case, "ANY" for a route of any method): how
 * Mockoon's routes are named. */
static bool named_by_request(const struct mr_route *rt, const char *name)
{
    const char *sp = strchr(name, ' '), *path;
    size_t mlen;

    if (!sp || !rt->match.path || rt->match.path_kind == MR_PATH_REGEX)
        return false;
    mlen = (size_t)(sp - name);
    path = sp + 1;
    if (!rt->match.method
            ? !(mlen == 3 && strncasecmp(name, "ANY", 3) == 0)
            : strlen(rt->match.method) != mlen || strncasecmp(rt->match.method, name, mlen) != 0)
        return false;
    return strcmp(rt->match.path + (*path != '/' && rt->match.path[0] == '/'), path) == 0;
}

/* The route named `id`: by its id, else by "METHOD /path" when exactly one
 * route has that method and path. -1: none; -2: several (name it by id). */
static long find_route(const struct mr_scenario *sc, const char *id)
{
    size_t i;
    long found = -1;

    for (i = 0; i < sc->nroutes; i++)
        if (sc->routes[i].id && strcmp(sc->routes[i].id, id) == 0)
            return (long)i;
    for (i = 0; i < sc->nroutes; i++) {
        if (!named_by_request(&sc->routes[i], id))
            continue;
        if (found >= 0)
            return -2;
        found = (long)i;
    }
    return found;
}

/* Keeps `name` as label i (of n) of e when it names route r otherwise than by its id. */
static void label(struct mr_loader *ld, const struct mr_scenario *sc, struct mr_expect *e, size_t i,
                  size_t n, const char *name, long r)
{
    if (strcmp(sc->routes[r].id, name) == 0)
        return;
    if (!e->labels && !(e->labels = mr_loader__calloc(ld, n, sizeof(*e->labels))))
        return;
    e->labels[i] = mr_loader__strdup(ld, name);
}

/* "no route has id ..." at the current path, with a suggestion when one is close. */
static void no_such_route(struct mr_loader *ld, const struct mr_scenario *sc, const char *id)
{
    struct mr_text_suggestion typo;
    const char *best;
    size_t i;

    if (find_route(sc, id) == -2) {
        mr_loader__problem(ld, false, "several routes are \"%s\"; name one by its \"id\"", id);
        return;
    }

    mr_text_suggest_init(&typo, id);
    for (i = 0; i < sc->nroutes; i++)
        if (sc->routes[i].has_id)
            mr_text_suggest_add(&typo, sc->routes[i].id);
    best = typo.best;
    /* else a part of an id, or an id and more ("charge" for "get-charge") */
    for (i = 0; !best && *id && i < sc->nroutes; i++)
        if (sc->routes[i].has_id && (strstr(sc->routes[i].id, id) || strstr(id, sc->routes[i].id)))
            best = sc->routes[i].id;
    if (best)
        mr_loader__problem(ld, false, "no route has id \"%s\"; did you mean \"%s\"?", id, best);
    else
        mr_loader__problem(ld, false, "no route has id \"%s\"", id);
}

/* What an expectation selects, in words: "create-charge", "create-charge with
 * header X", "POST /v1/refunds". */
static void selection_words(const struct mr_expect *e, const struct mr_scenario *sc, char *buf,
                            size_t size)
{
    if (e->route >= 0 && e->has_request) {
        char m[260];
        /* the route fixes method and path; name only the extra conditions */
        mr_loader__describe_matcher(&e->request, true, m, sizeof(m));
        snprintf(buf, size, "%s%s%s", mr_expect_route_name(sc, e, 0), m[0] == ' ' ? "" : " ", m);
    } else if (e->route >= 0) {
        snprintf(buf, size, "%s", mr_expect_route_name(sc, e, 0));
    } else {
        mr_loader__describe_matcher(&e->request, false, buf, size);
    }
}

/* The conditions of a matcher as a list: `method POST, with header X, body $.a="b"`. */
static void conditions_words(const struct mr_matcher *m, char *buf, size_t size)
{
    struct mr_matcher one;
    struct mr_body_cond body;
    size_t n = 0, i, nparts;
    char part[300];

    buf[0] = '\0';
    nparts = 2 + m->nquery + m->nheaders + (m->body ? 1 : 0);
    if (m->body && m->body->op == MR_BODY_JSON_PATHS)
        nparts += m->body->nfields - 1;
    if (m->body && m->body->op == MR_BODY_XPATH)
        nparts += m->body->nxpaths - 1;
    for (i = 0; i < nparts && n + 1 < size; i++) {
        /* one condition at a time, so each gets its own phrase */
        size_t k = i;
        memset(&one, 0, sizeof(one));
        if (k == 0) {
            one.method = m->method;
        } else if (--k == 0) {
            one.path_kind = m->path_kind;
            one.path = m->path;
        } else if (--k < m->nquery) {
            one.query = &m->query[k];
            one.nquery = 1;
        } else if ((k -= m->nquery) < m->nheaders) {
            one.headers = &m->headers[k];
            one.nheaders = 1;
        } else {
            k -= m->nheaders;
            body = *m->body;
            if (body.op == MR_BODY_JSON_PATHS) {
                body.fields = &m->body->fields[k];
                body.nfields = 1;
            } else if (body.op == MR_BODY_XPATH) {
                body.xpaths = &m->body->xpaths[k];
                body.nxpaths = 1;
            }
            one.body = &body;
        }
        if (!one.method && !one.path && !one.nquery && !one.nheaders && !one.body)
            continue;
        mr_loader__describe_matcher(&one, true, part, sizeof(part));
        n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "", part + (part[0] == ' '));
    }
    if (n >= size && size > 4)
        memcpy(buf + size - 4, "...", 4);
}

static void default_expect_name(struct mr_expect *e, const struct mr_scenario *sc, char *buf,
                                size_t size)
{
    char what[300], count[80], bound[64], cond[300];
    size_t i, n = 0;

    switch (e->kind) {
    case MR_EXPECT_ORDER:
        for (i = 0; i < e->norder && n < sizeof(what) - 4; i++)
            n += (size_t)snprintf(what + n, sizeof(what) - n, "%s%s", i ? ", " : "",
                                  mr_expect_route_name(sc, e, i));
        if (n >= sizeof(what))
            memcpy(what + sizeof(what) - 4, "...", 4);
        if (e->strict)
            snprintf(buf, size, "calls of %s are exactly this sequence", what);
        else
            snprintf(buf, size, "%s are called in this order", what);
        return;
    case MR_EXPECT_EVERY:
        selection_words(e, sc, what, sizeof(what));
        conditions_words(&e->every, cond, sizeof(cond));
        snprintf(buf, size, "every call of %s: %s", what, cond);
        return;
    case MR_EXPECT_INTERVAL:
        selection_words(e, sc, what, sizeof(what));
        snprintf(buf, size, "calls of %s are at least %lld ms apart", what, (long long)e->ms);
        return;
    case MR_EXPECT_WITHIN:
        selection_words(e, sc, what, sizeof(what));
        snprintf(buf, size, "the first call of %s comes within %lld ms of the start", what,
                 (long long)e->ms);
        return;
    default:
        break;
    }
    mr_count_format(&e->count, "time", bound, sizeof(bound));
    if (e->count.times == 0)
        snprintf(count, sizeof(count), "is never called");
    else if (e->count.at_least == 0 && e->count.at_most < 0 && e->count.times < 0)
        snprintf(count, sizeof(count), "is called any number of times"); /* optional */
    else
        snprintf(count, sizeof(count), "is called %s", bound);
    selection_words(e, sc, what, sizeof(what));
    if (e->implicit)
        snprintf(buf, size, "%s %s (service %s is strict)", what, count,
                 sc->services[sc->routes[e->route].service].name);
    else
        snprintf(buf, size, "%s %s%s", what, count, e->suite_scope ? " in the whole suite" : "");
}

/* The keys that ask for a check, and which. */
static const struct {
    const char *key;
    enum mr_expect_kind kind;
} check_keys[] = {
    {"times", MR_EXPECT_COUNT},      {"atLeast", MR_EXPECT_COUNT},
    {"atMost", MR_EXPECT_COUNT},     {"service", MR_EXPECT_STATE},
    {"finalState", MR_EXPECT_STATE}, {"inOrder", MR_EXPECT_ORDER},
    {"every", MR_EXPECT_EVERY},      {"minIntervalMs", MR_EXPECT_INTERVAL},
    {"withinMs", MR_EXPECT_WITHIN},
};

/* The check an expectation asks for: the first check key's; a key that asks
 * for another one is a problem (one check, one test case). No key: a count. */
static enum mr_expect_kind expect_kind(struct mr_loader *ld, const cJSON *v)
{
    enum mr_expect_kind kind = MR_EXPECT_COUNT;
    const char *first = NULL;
    const cJSON *item;
    size_t i;

    cJSON_ArrayForEach(item, v)
    {
        for (i = 0; i < sizeof(check_keys) / sizeof(check_keys[0]); i++)
            if (strcmp(item->string, check_keys[i].key) == 0)
                break;
        if (i == sizeof(check_keys) / sizeof(check_keys[0]))
            continue;
        if (!first) {
            first = item->string;
            kind = check_keys[i].kind;
        } else if (check_keys[i].kind != kind) {
            mr_loader__problem_in(ld, item->string,
                                  "\"%s\" cannot be combined with \"%s\": give each check an "
                                  "expectation of its own",
                                  item->string, first);
        }
    }
    return kind;
}

/* { "service": "shop", "finalState": "checked-out" } */
static void load_state_expect(struct mr_loader *ld, struct mr_scenario *sc, const cJSON *v,
                              struct mr_expect *e, const char *name)
{
    const char *service = mr_loader__string(ld, v, "service");
    char buf[300];
    size_t i;

    if (!service || !cJSON_GetObjectItemCaseSensitive(v, "finalState") ||
        cJSON_GetObjectItemCaseSensitive(v, "route") ||
        cJSON_GetObjectItemCaseSensitive(v, "request")) {
        mr_loader__problem(ld, false,
                           "a state expectation takes \"service\" and "
                           "\"finalState\" (and an optional \"name\") only");
        return;
    }
    for (i = 0; i < sc->nservices; i++)
        if (sc->services[i].name && strcmp(sc->services[i].name, service) == 0)
            e->service = (long)i;
    if (e->service < 0)
        mr_loader__problem_in(ld, "service", "no service is named \"%s\"", service);
    e->final_state = get_state(ld, sc, v, "finalState");
    snprintf(buf, sizeof(buf), "%s ends in state \"%s\"", service,
             e->final_state ? e->final_state : "");
    e->name = mr_loader__strdup(ld, name && *name ? name : buf);
}

/* { "inOrder": ["login", "create-charge"], "strict": true } */
static void load_order(struct mr_loader *ld, struct mr_scenario *sc, const cJSON *v,
                       struct mr_expect *e)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(v, "inOrder"), *item;
    size_t mark = mr_loader__push_key(ld, "inOrder"), i = 0, n;
    char got[80];

    if (!cJSON_IsArray(arr)) {
        mr_loader__describe(arr, got, sizeof(got));
        mr_loader__problem(ld, false, "expected an array of route ids, got %s", got);
        mr_loader__pop(ld, mark);
        return;
    }
    n = (size_t)cJSON_GetArraySize(arr);
    if (n < 2)
        mr_loader__problem(ld, false,
                           "expected at least 2 route ids, got %zu (count the calls of one route "
                           "with \"times\" or \"atLeast\")",
                           n);
    e->order = mr_loader__calloc(ld, n ? n : 1, sizeof(*e->order));
    cJSON_ArrayForEach(item, arr)
    {
        size_t m2 = mr_loader__push_index(ld, i++);
        long r;
        if (!cJSON_IsString(item)) {
            mr_loader__describe(item, got, sizeof(got));
            mr_loader__problem(ld, false, "expected a route id, got %s", got);
        } else if ((r = find_route(sc, item->valuestring)) < 0) {
            no_such_route(ld, sc, item->valuestring);
        } else if (e->order) {
            label(ld, sc, e, e->norder, n, item->valuestring, r);
            e->order[e->norder++] = r;
        }
        mr_loader__pop(ld, m2);
    }
    mr_loader__pop(ld, mark);
    if ((item = cJSON_GetObjectItemCaseSensitive(v, "strict"))) {
        if (!cJSON_IsBool(item)) {
            mr_loader__describe(item, got, sizeof(got));
            mr_loader__problem_in(ld, "strict", "expected true or false, got %s", got);
        }
        e->strict = cJSON_IsTrue(item);
    }
}

static bool matcher_empty(const struct mr_matcher *m)
{
    return !m->method && m->path_kind == MR_PATH_ANY && !m->nquery && !m->nheaders && !m->body;
}

/* "scope": "run" (default) or "suite", on counts only. */
static void load_scope(struct mr_loader *ld, const cJSON *v, struct mr_expect *e)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(v, "scope");
    char got[80];

    if (!item)
        return;
    if (!cJSON_IsString(item) ||
        (strcmp(item->valuestring, "run") != 0 && strcmp(item->valuestring, "suite") != 0)) {
        mr_loader__describe(item, got, sizeof(got));
        mr_loader__problem_in(ld, "scope", "expected \"run\" or \"suite\", got %s", got);
        return;
    }
    e->suite_scope = strcmp(item->valuestring, "suite") == 0;
    if (e->suite_scope && e->kind != MR_EXPECT_COUNT)
        mr_loader__problem_in(ld, "scope",
                              "\"scope\": \"suite\" applies to counts (times, atLeast, atMost) "
                              "only; other checks hold in each run");
}

/* What a callback expectation checks, in words: "charge-succeeded is delivered
 * exactly 1 time, answered 200". */
static void callback_expect_name(const struct mr_expect *e, const struct mr_scenario *sc, char *buf,
                                 size_t size)
{
    const char *id = sc->callbacks[e->callback].id;
    char bound[64], status[32] = "";

    if (e->status)
        snprintf(status, sizeof(status), ", answered %d", e->status);
    mr_count_format(&e->count, "time", bound, sizeof(bound));
    if (e->count.times == 0 && e->status)
        snprintf(buf, size, "%s is never answered %d", id, e->status);
    else if (e->count.times == 0)
        snprintf(buf, size, "%s is never delivered", id);
    else if (e->count.at_least == 0 && e->count.at_most < 0 && e->count.times < 0)
        snprintf(buf, size, "%s is delivered any number of times%s", id, status);
    else
        snprintf(buf, size, "%s is delivered %s%s", id, bound, status);
}

/* { "callback": "charge-succeeded", "times": 1, "status": 200 } */
static void load_callback_expect(struct mr_loader *ld, struct mr_scenario *sc, const cJSON *v,
                                 struct mr_expect *e, const char *name)
{
    static const char *const takes[] = {"name",    "description", "callback", "times",
                                        "atLeast", "atMost",      "status"};
    const char *id = mr_loader__string(ld, v, "callback");
    const cJSON *item;
    int64_t n;
    size_t i;

    e->kind = MR_EXPECT_CALLBACK;
    cJSON_ArrayForEach(item, v)
    {
        if (!mr_schema_has(MR_SCHEMA_EXPECTATION, item->string))
            continue; /* reported as an unknown key */
        for (i = 0; i < sizeof(takes) / sizeof(takes[0]); i++)
            if (strcmp(item->string, takes[i]) == 0)
                break;
        if (i == sizeof(takes) / sizeof(takes[0]))
            mr_loader__problem_in(ld, item->string,
                                  "a callback expectation takes \"times\", \"atLeast\", "
                                  "\"atMost\" and \"status\"; \"%s\" does not apply",
                                  item->string);
    }
    if (id && (e->callback = find_callback(sc, sc->ncallbacks, id)) < 0) {
        size_t mark = mr_loader__push_key(ld, "callback");
        no_such_callback(ld, sc, id, false);
        mr_loader__pop(ld, mark);
    }
    if (get_int(ld, v, "status", 100, 599, &n))
        e->status = (int)n;
    load_count(ld, v, &e->count);
    if (name && *name) {
        e->name = mr_loader__strdup(ld, name);
    } else if (e->callback >= 0) {
        char buf[600];
        callback_expect_name(e, sc, buf, sizeof(buf));
        e->name = mr_loader__strdup(ld, buf);
    }
}

/* The largest minIntervalMs / withinMs: a week, as for command.timeout. */
#define MAX_EXPECT_MS 604800000

static void load_expect(struct mr_loader *ld, struct mr_scenario *sc, const cJSON *v,
                        struct mr_expect *e)
{
    const char *name, *route;
    const cJSON *req, *item;

    e->route = -1;
    e->service = -1;
    e->callback = -1;
    e->count.times = e->count.at_least = e->count.at_most = -1;
    e->json_path = mr_loader__strdup(ld, ld->path);
    e->file = mr_loader__strdup(ld, ld->file);
    e->line = item_line(ld);
    if (!mr_loader__expect_object(ld, v, "an expectation object"))
        return;
    mr_loader__check_keys_of(ld, v, MR_SCHEMA_EXPECTATION);
    name = mr_loader__string(ld, v, "name");
    if (cJSON_GetObjectItemCaseSensitive(v, "callback")) {
        load_callback_expect(ld, sc, v, e, name);
        return;
    }
    if (cJSON_GetObjectItemCaseSensitive(v, "status"))
        mr_loader__problem_in(ld, "status",
                              "\"status\" goes with \"callback\": the status the application "
                              "answered a callback with");
    e->kind = expect_kind(ld, v);
    if (e->kind != MR_EXPECT_ORDER && cJSON_GetObjectItemCaseSensitive(v, "strict"))
        mr_loader__problem_in(ld, "strict",
                              "\"strict\" applies to \"inOrder\" only (a service is made strict "
                              "with \"strict\": true in the service)");
    load_scope(ld, v, e);
    if (e->kind == MR_EXPECT_STATE) {
        load_state_expect(ld, sc, v, e, name);
        return;
    }
    if (e->kind == MR_EXPECT_ORDER) {
        static const char *const selectors[] = {"route", "request"};
        size_t i;
        load_order(ld, sc, v, e);
        for (i = 0; i < 2; i++)
            if (cJSON_GetObjectItemCaseSensitive(v, selectors[i]))
                mr_loader__problem_in(ld, selectors[i],
                                      "an \"inOrder\" expectation takes the calls of the routes "
                                      "it lists; \"%s\" does not apply",
                                      selectors[i]);
    } else {
        route = mr_loader__string(ld, v, "route");
        req = cJSON_GetObjectItemCaseSensitive(v, "request");
        if (route) {
            e->route = find_route(sc, route);
            if (e->route >= 0)
                label(ld, sc, e, 0, 1, route, e->route);
            if (e->route < 0) {
                size_t mark = mr_loader__push_key(ld, "route");
                no_such_route(ld, sc, route);
                mr_loader__pop(ld, mark);
                e->route = -1;
            }
        }
        if (req) {
            size_t mark = mr_loader__push_key(ld, "request");
            e->has_request = true;
            mr_loader__matcher(ld, req, &e->request);
            mr_loader__pop(ld, mark);
        }
        if (!route && !req)
            mr_loader__problem(ld, false, "an expectation needs \"route\", \"request\" or both");
    }
    switch (e->kind) {
    case MR_EXPECT_EVERY: {
        size_t mark = mr_loader__push_key(ld, "every");
        size_t before = ld->errs->count + ld->errs->dropped;
        item = cJSON_GetObjectItemCaseSensitive(v, "every");
        mr_loader__matcher(ld, item, &e->every);
        if (cJSON_IsObject(item) && ld->errs->count + ld->errs->dropped == before &&
            matcher_empty(&e->every))
            mr_loader__problem(ld, false,
                               "expected at least one condition (\"method\", \"path\", "
                               "\"pathPattern\", \"query\", \"headers\" or \"body\")%s",
                               cJSON_GetArraySize(item) ? ": these hold for any call" : "");
        mr_loader__pop(ld, mark);
        break;
    }
    case MR_EXPECT_INTERVAL:
        get_int(ld, v, "minIntervalMs", 1, MAX_EXPECT_MS, &e->ms);
        break;
    case MR_EXPECT_WITHIN:
        get_int(ld, v, "withinMs", 1, MAX_EXPECT_MS, &e->ms);
        break;
    case MR_EXPECT_COUNT:
        load_count(ld, v, &e->count);
        break;
    default:
        break;
    }
    if (name && *name) {
        e->name = mr_loader__strdup(ld, name);
    } else if (!ld->failed) {
        char buf[600];
        default_expect_name(e, sc, buf, sizeof(buf));
        e->name = mr_loader__strdup(ld, buf);
    }
}

static void load_command(struct mr_loader *ld, struct mr_scenario *sc, const cJSON *v)
{
    struct mr_command *c = &sc->command;
    const cJSON *item;
    int64_t code;
    char got[80];

    if (!mr_loader__expect_object(ld, v, "an object"))
        return;
    mr_loader__check_keys_of(ld, v, MR_SCHEMA_COMMAND);
    if ((item = cJSON_GetObjectItemCaseSensitive(v, "run"))) {
        size_t mark = mr_loader__push_key(ld, "run");
        size_t n = cJSON_IsArray(item) ? (size_t)cJSON_GetArraySize(item) : 0;
        if (n == 0) {
            mr_loader__describe(item, got, sizeof(got));
            mr_loader__problem(ld, false,
                               "expected a non-empty array of strings such as [\"npm\", \"test\"], "
                               "got %s",
                               got);
        } else {
            const cJSON *a;
            size_t i = 0;
            c->run = mr_loader__calloc(ld, n + 1, sizeof(char *));
            cJSON_ArrayForEach(a, item)
            {
                if (!cJSON_IsString(a)) {
                    size_t m2 = mr_loader__push_index(ld, i);
                    mr_loader__describe(a, got, sizeof(got));
                    mr_loader__problem(ld, false, "expected a string, got %s", got);
                    mr_loader__pop(ld, m2);
                } else if (c->run) {
                    c->run[c->nrun++] = mr_loader__strdup(ld, a->valuestring);
                }
                i++;
            }
        }
        mr_loader__pop(ld, mark);
    }
    if ((item = cJSON_GetObjectItemCaseSensitive(v, "timeout"))) {
        if (!cJSON_IsNumber(item) || item->valuedouble <= 0 || item->valuedouble > 86400 * 7) {
            mr_loader__describe(item, got, sizeof(got));
            mr_loader__problem_in(ld, "timeout",
                                  "expected a number of seconds greater than 0, got %s", got);
        } else {
            c->timeout_ms = (int64_t)ceil(item->valuedouble * 1000.0);
        }
    }
    if (get_int(ld, v, "exitCode", 0, 255, &code))
        c->exit_code = (int)code;
    if ((item = cJSON_GetObjectItemCaseSensitive(v, "env"))) {
        size_t mark = mr_loader__push_key(ld, "env");
        if (mr_loader__expect_object(ld, item, "an object mapping names to strings")) {
            const cJSON *e;
            mr_loader__check_duplicates(ld, item);
            c->env = mr_loader__calloc(ld, (size_t)cJSON_GetArraySize(item), sizeof(*c->env));
            cJSON_ArrayForEach(e, item)
            {
                size_t m2 = mr_loader__push_key(ld, e->string);
                if (!env_name_ok(e->string)) {
                    mr_loader__problem(ld, true, "invalid variable name");
                } else if (!cJSON_IsString(e)) {
                    mr_loader__describe(e, got, sizeof(got));
                    mr_loader__problem(ld, false, "expected a string, got %s", got);
                } else if (c->env) {
                    c->env[c->nenv].name = mr_loader__strdup(ld, e->string);
                    c->env[c->nenv].value = mr_loader__strdup(ld, e->valuestring);
                    c->nenv++;
                }
                mr_loader__pop(ld, m2);
            }
        }
        mr_loader__pop(ld, mark);
    }
}

/* A route's own "expect": { "times" / "atLeast" / "atMost" }, at the route's JSON path. */
static void load_route_expect(struct mr_loader *ld, struct mr_scenario *sc, size_t r,
                              const cJSON *v, struct mr_expect *e)
{
    /* the other checks name their route in the top-level list; said so, not "unknown key" */
    static const char *const elsewhere[] = {"every", "minIntervalMs", "withinMs", "inOrder"};
    char buf[600];
    size_t i, off, in;
    int line;

    snprintf(ld->path, sizeof(ld->path), "%s", sc->routes[r].json_path);
    ld->pathlen = strlen(ld->path);
    e->route = (long)r;
    e->service = -1;
    e->callback = -1;
    e->file = mr_loader__strdup(ld, ld->file);
    /* the line of "expect": from where the route starts */
    if (item_place(ld, &off, &line) &&
        mr_jsondoc_locate(ld->text + off, ld->len - off, "expect", false, &in)) {
        for (i = off; i < off + in; i++)
            line += ld->text[i] == '\n';
        e->line = line;
    }
    mr_loader__push_key(ld, "expect");
    e->json_path = mr_loader__strdup(ld, ld->path);
    if (mr_loader__expect_object(ld, v, "an object with \"times\", \"atLeast\" or \"atMost\"")) {
        mr_loader__check_keys_of(ld, v, MR_SCHEMA_ROUTE_EXPECT);
        for (i = 0; i < sizeof(elsewhere) / sizeof(elsewhere[0]); i++)
            if (cJSON_GetObjectItemCaseSensitive(v, elsewhere[i]))
                mr_loader__problem_in(ld, elsewhere[i],
                                      "a route's \"expect\" only counts calls; put \"%s\" in "
                                      "the top-level \"expect\" list, with \"route\": \"%s\"",
                                      elsewhere[i], sc->routes[r].id);
        load_count(ld, v, &e->count);
        load_scope(ld, v, e);
    } else {
        e->count.times = e->count.at_most = -1;
        e->count.at_least = 1;
    }
    default_expect_name(e, sc, buf, sizeof(buf));
    e->name = mr_loader__strdup(ld, buf);
    mr_loader__pop(ld, 0);
}

/*
 * A strict service's routes are each expected at least once, unless an
 * expectation counts their calls (a route's own "expect", or one in the
 * list that names it with "route"): an unused mock means the suite no longer
 * exercises that dependency. One expectation (so one test case) per route,
 * at the route's place in the file. `every`, the timing checks and
 * `inOrder` say nothing of how often, so they do not count.
 */
static void add_strict_expects(struct mr_loader *ld, struct mr_scenario *sc)
{
    struct mr_expect *grown;
    bool *counted;
    size_t i, n = 0;

    for (i = 0; i < sc->nroutes; i++)
        n += sc->services[sc->routes[i].service].strict;
    if (!n || !sc->expects)
        return;
    counted = mr_loader__calloc(ld, sc->nroutes, sizeof(*counted));
    if (!counted)
        return;
    for (i = 0; i < sc->nexpects; i++)
        if (sc->expects[i].kind == MR_EXPECT_COUNT && sc->expects[i].route >= 0)
            counted[sc->expects[i].route] = true;
    for (i = 0, n = 0; i < sc->nroutes; i++)
        n += sc->services[sc->routes[i].service].strict && !counted[i];
    grown = n ? realloc(sc->expects, (sc->nexpects + n) * sizeof(*grown)) : NULL;
    if (n && !grown)
        ld->nomem = true;
    for (i = 0; grown && i < sc->nroutes; i++) {
        const struct mr_route *rt = &sc->routes[i];
        struct mr_expect *e = &grown[sc->nexpects];
        char buf[600];

        if (!sc->services[rt->service].strict || counted[i])
            continue;
        memset(e, 0, sizeof(*e));
        e->kind = MR_EXPECT_COUNT;
        e->route = (long)i;
        e->service = -1;
        e->callback = -1;
        e->count.times = e->count.at_most = -1;
        e->count.at_least = 1;
        e->implicit = true;
        e->json_path = mr_loader__strdup(ld, rt->json_path);
        e->file = mr_loader__strdup(ld, rt->file);
        e->line = rt->line;
        default_expect_name(e, sc, buf, sizeof(buf));
        e->name = mr_loader__strdup(ld, buf);
        sc->nexpects++;
    }
    if (grown)
        sc->expects = grown;
    free(counted);
}

/* A scenario file being loaded: its text, its JSON, and where its services
 * and routes sit among every file's. */
struct source {
    const char *path;
    const char *text;
    size_t len;
    cJSON *root;
    const cJSON *services; /* the "services" object, or NULL */
    const cJSON *routes;   /* the top-level "routes" (one service "default"), or NULL */
    bool usable;           /* the top level has the shape to load services from */
    size_t first_service, nservices;
    /* an imported file (after the run's own): the service object that imports it,
     * the converted text (owned) and the service it holds */
    const cJSON *importer;
    char *converted;
    struct import import;
};

/* The service object that imports source i's file, among sources[n0..n). */
static const struct import *import_of(const struct source *src, size_t n, const cJSON *item)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (src[i].importer == item && src[i].import.service)
            return &src[i].import;
    return NULL;
}

/* A service's foreign file: "mockoon" or "wiremock", or NULL. */
static const char *import_kind(const cJSON *service)
{
    if (!cJSON_IsObject(service))
        return NULL;
    if (cJSON_GetObjectItemCaseSensitive(service, "mockoon"))
        return "mockoon";
    if (cJSON_GetObjectItemCaseSensitive(service, "wiremock"))
        return "wiremock";
    return NULL;
}

/* Reads the file `k` from here on: problems name it, paths start at its root. */
static void use_source(struct mr_loader *ld, const struct source *src, size_t k)
{
    ld->file = src[k].path;
    ld->text = src[k].text;
    ld->len = src[k].len;
    ld->source = k;
    ld->path[0] = '\0';
    ld->pathlen = 0;
    ld->nth = 0;
    ld->last_item.text = NULL;
}

/* `allowHosts`: the hosts besides loopback this file's callbacks may go to. */
static void load_allow_hosts(struct mr_loader *ld, struct mr_scenario_file *f, const cJSON *v)
{
    const cJSON *item;
    size_t mark, i = 0;
    char got[80];

    if (!v)
        return;
    mark = mr_loader__push_key(ld, "allowHosts");
    if (!cJSON_IsArray(v)) {
        mr_loader__describe(v, got, sizeof(got));
        mr_loader__problem(ld, false, "expected an array of host names or IP addresses, got %s",
                           got);
    } else if (cJSON_GetArraySize(v) > 0 &&
               (f->allow_hosts = mr_loader__calloc(ld, (size_t)cJSON_GetArraySize(v),
                                                   sizeof(*f->allow_hosts))) != NULL) {
        cJSON_ArrayForEach(item, v)
        {
            size_t m2 = mr_loader__push_index(ld, i++);
            if (!cJSON_IsString(item) || !mr_hookurl_host_valid(item->valuestring)) {
                mr_loader__describe(item, got, sizeof(got));
                mr_loader__problem(ld, false,
                                   "expected a host name or an IP address as a URL writes it "
                                   "(\"hooks.example.test\", \"10.0.0.5\", \"[fd00::1]\"), "
                                   "got %s",
                                   got);
            } else {
                f->allow_hosts[f->nallow_hosts++] = mr_loader__strdup(ld, item->valuestring);
            }
            mr_loader__pop(ld, m2);
        }
    }
    mr_loader__pop(ld, mark);
}

/* The top level of one file, before any service is loaded: its keys, name,
 * seed, and whether it has services to load. */
static void read_top(struct mr_loader *ld, struct mr_scenario *sc, struct source *src, size_t k)
{
    const cJSON *root = src[k].root;
    const char *s;
    int64_t seed;

    use_source(ld, src, k);
    if (!mr_loader__expect_object(ld, root, "a JSON object at the top level"))
        return;
    mr_loader__check_keys_of(ld, root, MR_SCHEMA_SCENARIO);
    s = mr_loader__string(ld, root, "name");
    sc->files[k].name = mr_loader__strdup(ld, s && *s ? s : src[k].path);
    if (get_int(ld, root, "seed", 0, (int64_t)9007199254740991LL, &seed)) {
        if (sc->has_seed && sc->seed != (uint64_t)seed)
            mr_loader__problem_in(ld, "seed",
                                  "another file of this run gives seed %llu; give one seed (or "
                                  "--seed)",
                                  (unsigned long long)sc->seed);
        sc->has_seed = true;
        sc->seed = (uint64_t)seed;
    }
    load_allow_hosts(ld, &sc->files[k], cJSON_GetObjectItemCaseSensitive(root, "allowHosts"));
    src[k].services = cJSON_GetObjectItemCaseSensitive(root, "services");
    src[k].routes = cJSON_GetObjectItemCaseSensitive(root, "routes");
    if (src[k].services && src[k].routes) {
        mr_loader__problem_in(ld, "routes",
                              "give either \"services\" or a top-level \"routes\", not both");
        return;
    }
    if (!src[k].services && !src[k].routes) {
        mr_loader__problem(ld, false, "missing \"services\" (or a top-level \"routes\" array)");
        return;
    }
    if (src[k].services && cJSON_IsObject(src[k].services)) {
        size_t mark = mr_loader__push_key(ld, "services");
        mr_loader__check_duplicates(ld, src[k].services);
        mr_loader__pop(ld, mark);
    }
    if (src[k].services &&
        (!cJSON_IsObject(src[k].services) || cJSON_GetArraySize(src[k].services) == 0)) {
        mr_loader__problem_in(ld, "services",
                              "expected an object mapping service names to "
                              "services, with at least one service");
        return;
    }
    src[k].nservices = src[k].services ? (size_t)cJSON_GetArraySize(src[k].services) : 1;
    src[k].usable = true;
}

static char *folder_of(const char *path);

/* The first alen bytes of a, a '/' unless a ends in one (or is empty), then b: malloc'd. */
static char *concat(const char *a, size_t alen, const char *b)
{
    bool slash = alen > 0 && a[alen - 1] != '/';
    size_t blen = strlen(b);
    char *s = malloc(alen + slash + blen + 1);

    if (!s)
        return NULL;
    memcpy(s, a, alen);
    if (slash)
        s[alen] = '/';
    memcpy(s + alen + slash, b, blen + 1);
    return s;
}

/* Converts the foreign file service `item` of file k names (through the
 * caller's importer) into the source `*next`, a file entry of its own. */
static void import_file(struct mr_loader *ld, struct mr_scenario *sc, struct source *src, size_t k,
                        const cJSON *item, size_t *next)
{
    const char *kind = import_kind(item);
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(item, kind), *svc;
    const char *slash = strrchr(src[k].path, '/');
    size_t mark = mr_loader__push_key(ld, "services"), i = *next;
    struct mr_scenario_file *f = &sc->files[i];
    char *shown = NULL;
    struct mr_error e;
    cJSON *root;
    size_t plen = slash ? (size_t)(slash - src[k].path + 1) : 0;

    mr_loader__push_key(ld, item->string);
    if (cJSON_GetObjectItemCaseSensitive(item, "mockoon") &&
        cJSON_GetObjectItemCaseSensitive(item, "wiremock")) {
        mr_loader__problem_in(ld, "wiremock", "give either \"mockoon\" or \"wiremock\"");
        goto out;
    }
    if (!cJSON_IsString(ref) || !*ref->valuestring) {
        mr_loader__problem_in(ld, kind, "expected the path of a %s, relative to this file's folder",
                              kind[0] == 'm'
                                  ? "Mockoon environment"
                                  : "WireMock folder (mappings/, __files/) or mapping file");
        goto out;
    }
    if (!ld->importer || !ld->importer->convert) {
        mr_loader__problem_in(ld, kind, "importing a foreign file is not possible here");
        goto out;
    }
    /* beside the scenario: its path as given, to the last '/', then the file's */
    shown = concat(src[k].path, ref->valuestring[0] == '/' ? 0 : plen, ref->valuestring);
    if (!shown) {
        ld->nomem = true;
        goto out;
    }
    memset(&e, 0, sizeof(e));
    if (ld->importer->convert(ld->importer->arg, kind, shown, &src[i].converted, &e) != 0) {
        mr_loader__problem_in(ld, kind, "%s", e.msg);
        goto out;
    }
    root = mr_jsondoc_parse(shown, src[i].converted, strlen(src[i].converted), &e);
    svc = root ? cJSON_GetObjectItemCaseSensitive(root, "services") : NULL;
    svc = cJSON_IsObject(svc) && cJSON_GetArraySize(svc) == 1 ? svc->child : NULL;
    if (!cJSON_IsObject(svc)) {
        mr_loader__problem_in(ld, kind, "the converted %s has no service (a mockrun bug)", shown);
        cJSON_Delete(root);
        free(src[i].converted);
        src[i].converted = NULL;
        goto out;
    }
    src[i].root = root;
    src[i].path = f->path = shown;
    src[i].importer = item;
    src[i].import.service = svc;
    src[i].import.name = svc->string;
    src[i].import.as = item->string;
    src[i].import.file = i;
    shown = NULL;
    f->dir = folder_of(src[i].path);
    f->name = mr_loader__strdup(ld, src[i].path);
    f->parent = (long)k;
    if (!f->dir)
        mr_loader__problem_in(ld, kind, "cannot resolve the folder of \"%s\": %s", src[i].path,
                              strerror(errno));
    (*next)++;
out:
    free(shown);
    mr_loader__pop(ld, mark);
}

/* The routes of file k, imported ones included. */
static size_t count_source_routes(const struct source *src, size_t n, size_t k)
{
    const cJSON *s;
    size_t total = 0;

    if (!src[k].services)
        return count_routes(NULL, src[k].routes);
    cJSON_ArrayForEach(s, src[k].services)
    {
        const struct import *imp = import_of(src, n, s);
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(imp ? imp->service : s, "routes");
        if (cJSON_IsArray(r))
            total += (size_t)cJSON_GetArraySize(r);
    }
    return total;
}

/* A service name another file already uses: named at this file's service. */
static void check_name_clashes(struct mr_loader *ld, const struct source *src, size_t k)
{
    size_t i, j;

    use_source(ld, src, k);
    for (i = src[k].first_service; i < src[k].first_service + src[k].nservices; i++) {
        for (j = 0; j < src[k].first_service; j++) {
            const struct source *other;
            size_t mark;
            if (strcmp(ld->service_names[i], ld->service_names[j]) != 0)
                continue;
            for (other = src; other->first_service + other->nservices <= j || !other->usable;
                 other++)
                ;
            if (src[k].routes) {
                mr_loader__problem_in(ld, "routes",
                                      "a top-level \"routes\" makes the service \"default\", "
                                      "which %s defines too; name the services (\"services\")",
                                      other->path);
                break;
            }
            mark = mr_loader__push_key(ld, "services");
            mr_loader__push_key(ld, ld->service_names[i]);
            mr_loader__problem(ld, true, "service \"%s\" is also defined in %s",
                               ld->service_names[i], other->path);
            mr_loader__pop(ld, mark);
            break;
        }
    }
}

/* The services (and their routes) of one file, at their place among all. */
static void load_services(struct mr_loader *ld, struct mr_scenario *sc, const struct source *src,
                          size_t nsrc, size_t k)
{
    const cJSON *item;
    size_t i = src[k].first_service, mark;

    use_source(ld, src, k);
    for (; i < src[k].first_service + src[k].nservices; i++)
        sc->services[i].source = k;
    if (src[k].routes) {
        struct mr_service *svc = &sc->services[src[k].first_service];
        mark = mr_loader__push_key(ld, "routes");
        svc->name = mr_loader__strdup(ld, "default");
        svc->url_var = mr_loader__strdup(ld, "MOCKRUN_DEFAULT_URL");
        load_routes(ld, sc, src[k].first_service, src[k].routes);
        mr_loader__pop(ld, mark);
        return;
    }
    mark = mr_loader__push_key(ld, "services");
    i = src[k].first_service;
    cJSON_ArrayForEach(item, src[k].services)
    {
        size_t m2 = mr_loader__push_key(ld, item->string);
        if (!service_name_ok(item->string))
            mr_loader__problem(ld, true,
                               "invalid service name \"%s\": use letters, digits, \"-\" and "
                               "\"_\"",
                               item->string);
        load_service(ld, sc, i++, item->string, item, import_of(src, nsrc, item));
        mr_loader__pop(ld, m2);
    }
    mr_loader__pop(ld, mark);
}

/* The `callbacks` of one service object, at the current path (its own). */
static void load_service_callbacks(struct mr_loader *ld, struct mr_scenario *sc, const cJSON *svc)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(svc, "callbacks"), *item;
    size_t mark, i = 0;
    char got[80];

    if (!arr)
        return;
    mark = mr_loader__push_key(ld, "callbacks");
    if (!cJSON_IsArray(arr)) {
        mr_loader__describe(arr, got, sizeof(got));
        mr_loader__problem(ld, false, "expected an array of callbacks, each with an \"id\", got %s",
                           got);
    } else {
        ld->route_id = NULL;
        cJSON_ArrayForEach(item, arr)
        {
            size_t m2 = mr_loader__push_index(ld, i++);
            load_callback(ld, sc, item, true, i);
            mr_loader__pop(ld, m2);
        }
    }
    mr_loader__pop(ld, mark);
}

/* The services' `callbacks` of file k (and of the files its services import),
 * before any route: a response of any file may send them by id. */
static void load_shared_callbacks(struct mr_loader *ld, struct mr_scenario *sc,
                                  const struct source *src, size_t nsrc, size_t k)
{
    const cJSON *item;
    size_t mark;

    use_source(ld, src, k);
    if (!src[k].services)
        return;
    mark = mr_loader__push_key(ld, "services");
    cJSON_ArrayForEach(item, src[k].services)
    {
        const struct import *imp = import_of(src, nsrc, item);
        size_t m2 = mr_loader__push_key(ld, item->string);
        if (imp) {
            struct reading saved;
            read_import(ld, sc, imp, &saved);
            load_service_callbacks(ld, sc, imp->service);
            end_import(ld, &saved);
        } else if (cJSON_IsObject(item) && !import_kind(item)) {
            load_service_callbacks(ld, sc, item);
        }
        mr_loader__pop(ld, m2);
    }
    mr_loader__pop(ld, mark);
}

/* Callback ids are unique across every file, as route ids are. */
static void check_callback_ids(struct mr_loader *ld, struct mr_scenario *sc,
                               const struct source *src)
{
    size_t i, j;

    for (i = 0; i < sc->ncallbacks; i++) {
        const struct mr_callback *a = &sc->callbacks[i];
        if (!a->has_id || !a->id)
            continue;
        for (j = 0; j < sc->ncallbacks; j++) {
            const struct mr_callback *b = &sc->callbacks[j];
            size_t fa = a->source, fb = b->source;
            char where[600];
            if (j == i || (b->has_id && j > i) || !b->id || strcmp(a->id, b->id) != 0)
                continue;
            use_source(ld, src, fa);
            snprintf(ld->path, sizeof(ld->path), "%s", a->json_path ? a->json_path : "");
            ld->pathlen = strlen(ld->path);
            snprintf(where, sizeof(where), "%s%s%s", fa == fb ? "" : src[fb].path,
                     fa == fb ? "" : ": ", b->json_path ? b->json_path : "");
            if (b->has_id)
                mr_loader__problem_in(ld, "id", "duplicate callback id \"%s\" (first used at %s)",
                                      a->id, where);
            else
                mr_loader__problem_in(ld, "id",
                                      "callback id \"%s\" is the name mockrun gives the callback "
                                      "without an id at %s; choose another id",
                                      a->id, where);
            break;
        }
    }
}

/* Two services (of any files) with one URL variable or one fixed port:
 * named at the later one's file. */
static void check_service_clashes(struct mr_loader *ld, struct mr_scenario *sc,
                                  const struct source *src)
{
    size_t i, j;

    for (i = 0; i < sc->nservices; i++) {
        const struct mr_service *a = &sc->services[i];
        for (j = 0; j < i; j++) {
            const struct mr_service *b = &sc->services[j];
            size_t fa = mr_scenario_owner(sc, i), fb = mr_scenario_owner(sc, j);
            const char *in = fa == fb ? "" : " (in ";
            const char *file = fa == fb ? "" : src[fb].path;
            const char *end = fa == fb ? "" : ")";
            use_source(ld, src, fa);
            if (a->name && b->name && strcmp(a->name, b->name) == 0)
                continue; /* the same name: said already (check_name_clashes) */
            if (a->url_var && b->url_var && strcmp(a->url_var, b->url_var) == 0)
                mr_loader__problem_in(ld, "services",
                                      "services \"%s\"%s%s%s and \"%s\" both map to %s", b->name,
                                      in, file, end, a->name, a->url_var);
            if (a->port && a->port == b->port)
                mr_loader__problem_in(ld, "services",
                                      "services \"%s\"%s%s%s and \"%s\" both use port %d", b->name,
                                      in, file, end, a->name, a->port);
        }
    }
}

/* Route ids are unique across every file: each later duplicate is named at
 * its "id", with where the first one is. */
static void check_duplicates(struct mr_loader *ld, struct mr_scenario *sc, const struct source *src)
{
    size_t i, j;

    for (i = 0; i < sc->nroutes; i++) {
        const struct mr_route *a = &sc->routes[i];
        if (!a->has_id)
            continue;
        /* against given ids before it, and against every generated id */
        for (j = 0; j < sc->nroutes; j++) {
            const struct mr_route *b = &sc->routes[j];
            size_t fa = sc->services[a->service].source, fb = sc->services[b->service].source;
            char where[600];
            if (j == i || (b->has_id && j > i) || !b->id || strcmp(a->id, b->id) != 0)
                continue;
            use_source(ld, src, fa);
            /* json_path is "services.x.routes[n]" */
            snprintf(ld->path, sizeof(ld->path), "%s", a->json_path);
            ld->pathlen = strlen(ld->path);
            snprintf(where, sizeof(where), "%s%s%s", fa == fb ? "" : src[fb].path,
                     fa == fb ? "" : ": ", b->json_path);
            if (b->has_id)
                mr_loader__problem_in(ld, "id", "duplicate route id \"%s\" (first used at %s)",
                                      a->id, where);
            else
                mr_loader__problem_in(ld, "id",
                                      "route id \"%s\" is the name mockrun gives the route "
                                      "without an id at %s; choose another id",
                                      a->id, where);
            break;
        }
    }
}

/* One file's expectations (its list, then its routes' own), its
 * `unexpected` policy and its `command`. */
static void load_checks(struct mr_loader *ld, struct mr_scenario *sc, const struct source *src,
                        size_t k, bool *has_command)
{
    const cJSON *root = src[k].root, *item;
    size_t i, first = sc->nexpects;

    use_source(ld, src, k);
    item = cJSON_GetObjectItemCaseSensitive(root, "expect");
    if (item && !cJSON_IsArray(item)) {
        mr_loader__problem_in(ld, "expect", "expected an array of expectations");
        item = NULL;
    }
    if (item) {
        const cJSON *e;
        size_t mark = mr_loader__push_key(ld, "expect");
        i = 0;
        cJSON_ArrayForEach(e, item)
        {
            size_t m2 = mr_loader__push_index(ld, i++);
            load_expect(ld, sc, e, &sc->expects[sc->nexpects++]);
            mr_loader__pop(ld, m2);
        }
        mr_loader__pop(ld, mark);
    }
    for (i = 0; i < sc->nroutes; i++)
        if (ld->route_expects[i] && mr_scenario_owner(sc, sc->routes[i].service) == k)
            load_route_expect(ld, sc, i, ld->route_expects[i], &sc->expects[sc->nexpects++]);
    for (i = first; i < sc->nexpects; i++)
        sc->expects[i].source = k;

    use_source(ld, src, k);
    load_unexpected(ld, &sc->files[k], cJSON_GetObjectItemCaseSensitive(root, "unexpected"));
    item = cJSON_GetObjectItemCaseSensitive(root, "command");
    if (item) {
        size_t mark = mr_loader__push_key(ld, "command");
        if (*has_command)
            mr_loader__problem(ld, true,
                               "another file of this run has \"command\" too; give it in one "
                               "file (or on the command line, after \"--\")");
        else
            load_command(ld, sc, item);
        *has_command = true;
        mr_loader__pop(ld, mark);
    }
    if ((item = cJSON_GetObjectItemCaseSensitive(root, "snapshot")) != NULL) {
        size_t mark = mr_loader__push_key(ld, "snapshot");
        mr_loader__snapshot(ld, sc, item);
        mr_loader__pop(ld, mark);
    }
}

/* Counts what the files hold, so that every array is allocated once. */
static size_t count_expects(const struct mr_loader *ld, const struct mr_scenario *sc,
                            const struct source *src, size_t n)
{
    size_t k, i, total = 0;

    for (k = 0; k < n; k++) {
        const cJSON *e =
            src[k].usable ? cJSON_GetObjectItemCaseSensitive(src[k].root, "expect") : NULL;
        if (cJSON_IsArray(e))
            total += (size_t)cJSON_GetArraySize(e);
    }
    for (i = 0; i < sc->nroutes; i++)
        total += ld->route_expects[i] != NULL;
    return total;
}

/* Loads the run's own files src[0..n) and the files their services import,
 * which become src[n..) and sc->files[n..). */
static void load_sources(struct mr_loader *ld, struct mr_scenario *sc, struct source *src, size_t n)
{
    size_t k, i, nservices = 0, nroutes = 0, nsrc = n;
    bool has_command = false;

    intern_state(ld, sc, MR_STATE_STARTED);
    for (k = 0; k < n; k++) {
        const cJSON *item;
        if (!src[k].root)
            continue;
        read_top(ld, sc, src, k);
        if (!src[k].usable)
            continue;
        cJSON_ArrayForEach(item, src[k].services) if (import_kind(item))
            import_file(ld, sc, src, k, item, &nsrc);
    }
    sc->nfiles = nsrc;
    for (k = 0; k < n; k++) {
        if (!src[k].usable)
            continue;
        src[k].first_service = nservices;
        nservices += src[k].nservices;
        nroutes += count_source_routes(src, nsrc, k);
    }
    if (!nservices)
        return;
    sc->routes = mr_loader__calloc(ld, nroutes, sizeof(*sc->routes));
    sc->services = mr_loader__calloc(ld, nservices, sizeof(*sc->services));
    ld->route_expects = mr_loader__calloc(ld, nroutes, sizeof(*ld->route_expects));
    /* {{serviceUrl 'name'}} may name a service defined after its route, or in another file */
    ld->service_names = mr_loader__calloc(ld, nservices, sizeof(*ld->service_names));
    if (!sc->routes || !sc->services || !ld->route_expects || !ld->service_names)
        return;
    sc->nservices = nservices;
    for (k = 0; k < n; k++) {
        const cJSON *item;
        if (!src[k].usable)
            continue;
        i = src[k].first_service;
        if (src[k].routes)
            ld->service_names[i] = "default";
        else
            cJSON_ArrayForEach(item, src[k].services) ld->service_names[i++] = item->string;
    }
    ld->nservice_names = nservices;
    for (k = 0; k < n; k++)
        if (src[k].usable)
            check_name_clashes(ld, src, k);
    /* the services' callbacks first: any response may send any of them */
    for (k = 0; k < n; k++)
        if (src[k].usable)
            load_shared_callbacks(ld, sc, src, nsrc, k);
    ld->nshared_callbacks = sc->ncallbacks;
    for (k = 0; k < n; k++)
        if (src[k].usable)
            load_services(ld, sc, src, nsrc, k);
    check_service_clashes(ld, sc, src);
    check_duplicates(ld, sc, src);
    check_callback_ids(ld, sc, src);

    /* Expectations, file by file: each may name any file's routes. */
    sc->expects = mr_loader__calloc(ld, count_expects(ld, sc, src, n), sizeof(*sc->expects));
    if (!sc->expects)
        return;
    for (k = 0; k < n; k++)
        if (src[k].usable)
            load_checks(ld, sc, src, k, &has_command);
    add_strict_expects(ld, sc);
}

/* The folder `file` responses of the file at `path` are read beneath: its
 * folder, or itself when it is one (a WireMock root converted as a whole). */
static char *folder_of(const char *path)
{
    char *copy, *slash, *real;
    struct stat st;

    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return realpath(path, NULL);
    copy = strdup(path);
    if (!copy)
        return NULL;
    slash = strrchr(copy, '/');
    if (!slash) {
        free(copy);
        return realpath(".", NULL);
    }
    if (slash == copy)
        slash[1] = '\0';
    else
        *slash = '\0';
    real = realpath(copy, NULL);
    free(copy);
    return real;
}

/* sc->files: n entries (the first `had` kept), the new ones blank. */
static int init_files(struct mr_scenario *sc, size_t had, size_t n)
{
    struct mr_scenario_file *grown = realloc(sc->files, (n ? n : 1) * sizeof(*grown));
    size_t k;

    if (!grown)
        return MR_ENOMEM;
    for (k = had; k < n; k++) {
        memset(&grown[k], 0, sizeof(grown[k]));
        grown[k].dir_fd = -1;
        grown[k].parent = -1;
        grown[k].unexpected_fail = true;
    }
    sc->files = grown;
    return 0;
}

/* Room in `*src` and sc->files for the run's n files and every file their
 * services import (counted on the parsed trees), each file entry blank. */
static int grow_for_imports(struct mr_scenario *sc, struct source **src, size_t n)
{
    size_t k, total = n;
    struct source *grown;

    for (k = 0; k < n; k++) {
        const cJSON *services = cJSON_GetObjectItemCaseSensitive((*src)[k].root, "services"), *s;
        if (cJSON_IsObject(services))
            cJSON_ArrayForEach(s, services) total += import_kind(s) != NULL;
    }
    if (total == n)
        return 0;
    grown = realloc(*src, total * sizeof(*grown));
    if (!grown)
        return MR_ENOMEM;
    memset(grown + n, 0, (total - n) * sizeof(*grown));
    *src = grown;
    return init_files(sc, n, total);
}

int mr_scenario_parse(struct mr_scenario **out, const struct mr_scenario_source *in, size_t n,
                      const struct mr_scenario_importer *imp, struct mr_error_list *errs)
{
    struct mr_loader ld;
    struct mr_scenario *sc;
    struct source *src;
    struct mr_error e;
    size_t k;
    int rc = 0;

    *out = NULL;
    memset(&ld, 0, sizeof(ld));
    ld.errs = errs;
    ld.importer = imp;
    sc = calloc(1, sizeof(*sc));
    src = calloc(n ? n : 1, sizeof(*src));
    if (!sc || !src) {
        free(src);
        free(sc);
        return MR_ENOMEM;
    }
    if (init_files(sc, 0, n) != 0) {
        free(src);
        free(sc);
        return MR_ENOMEM;
    }
    sc->nfiles = n;
    for (k = 0; k < n; k++) {
        struct mr_scenario_file *f = &sc->files[k];
        src[k].path = in[k].path;
        src[k].text = in[k].text;
        src[k].len = in[k].len;
        mr_jsondoc_skip_bom(&src[k].text, &src[k].len);
        f->parent = -1;
        f->path = strdup(in[k].path);
        f->dir = folder_of(in[k].path);
        if (!f->path || !f->dir) {
            mr_error_sys(&e, "cannot resolve the scenario's folder");
            mr_error_at(&e, in[k].path, NULL, 0, 0);
            mr_error_list_add(errs, &e);
            ld.failed = true;
            continue;
        }
        src[k].root = mr_jsondoc_parse(in[k].path, src[k].text, src[k].len, &e);
        if (!src[k].root) {
            if (e.code == MR_ENOMEM)
                ld.nomem = true;
            else
                mr_error_list_add(errs, &e);
            ld.failed = true;
        }
    }
    if (!ld.nomem && grow_for_imports(sc, &src, n) != 0)
        ld.nomem = true;
    if (!ld.nomem)
        load_sources(&ld, sc, src, n);
    free(ld.service_names); /* they pointed into the cJSON trees */
    free(ld.route_expects);
    for (k = 0; k < sc->nfiles; k++) {
        cJSON_Delete(src[k].root);
        free(src[k].converted);
    }
    free(src);
    if (ld.nomem)
        rc = MR_ENOMEM;
    else if (ld.failed || !n)
        rc = MR_ESCENARIO;
    if (rc) {
        mr_scenario_free(sc);
        return rc;
    }
    *out = sc;
    return 0;
}

int mr_scenario_parse_one(struct mr_scenario **out, const char *path, const char *text, size_t len,
                          struct mr_error_list *errs)
{
    struct mr_scenario_source src = {path, text, len};
    return mr_scenario_parse(out, &src, 1, NULL, errs);
}

int mr_scenario_load(struct mr_scenario **out, const char *const *paths, size_t n,
                     struct mr_error_list *errs)
{
    struct mr_scenario_source *src = calloc(n ? n : 1, sizeof(*src));
    struct mr_buf *text = calloc(n ? n : 1, sizeof(*text));
    struct mr_error e;
    size_t k;
    int rc = 0;

    *out = NULL;
    if (!src || !text) {
        free(src);
        free(text);
        return MR_ENOMEM;
    }
    for (k = 0; k < n; k++) {
        int got;
        mr_buf_init(&text[k]);
        got = mr_buf_read_file(&text[k], paths[k], MAX_FILE_SIZE);
        if (got != 0) {
            if (got == EFBIG)
                mr_error_set(&e, MR_ESCENARIO, "scenario file is larger than 64 MiB");
            else
                mr_error_set(&e, got == ENOMEM ? MR_ENOMEM : MR_ESCENARIO,
                             "cannot read scenario: %s", strerror(got));
            e.sys_errno = got;
            mr_error_at(&e, paths[k], NULL, 0, 0);
            mr_error_list_add(errs, &e);
            if (rc != MR_ENOMEM)
                rc = e.code;
        }
        src[k].path = paths[k];
        src[k].text = text[k].data ? text[k].data : "";
        src[k].len = text[k].len;
    }
    if (!rc)
        rc = mr_scenario_parse(out, src, n, NULL, errs);
    for (k = 0; k < n; k++)
        mr_buf_release(&text[k]);
    free(text);
    free(src);
    return rc;
}

static void free_response(struct mr_response *r)
{
    size_t i;
    for (i = 0; i < r->nwhen; i++) {
        mr_loader__matcher_release(&r->when[i].match);
        mr_loader__fields_release(r->when[i].params, r->when[i].nparams);
        mr_loader__fields_release(r->when[i].cookies, r->when[i].ncookies);
    }
    free(r->when);
    mr_template_free(r->body_tpl);
    for (i = 0; i < r->njson_parts; i++) {
        free(r->json_parts[i].text);
        mr_template_free(r->json_parts[i].tpl);
    }
    free(r->json_parts);
    for (i = 0; r->header_tpls && i < r->nheaders; i++)
        mr_template_free(r->header_tpls[i]);
    mr_template_free(r->file_tpl);
    free(r->callbacks);
    free(r->header_tpls);
    for (i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    if (r->kind == MR_RESP_JSON)
        cJSON_free(r->body);
    else
        free(r->body);
    free(r->file);
    if (r->kind == MR_RESP_FILE && r->file_fd > 2)
        close(r->file_fd);
}

void mr_scenario_free(struct mr_scenario *sc)
{
    size_t i;

    if (!sc)
        return;
    for (i = 0; i < sc->nroutes; i++) {
        free(sc->routes[i].id);
        free(sc->routes[i].json_path);
        free(sc->routes[i].file);
        mr_loader__matcher_release(&sc->routes[i].match);
        free_response(&sc->routes[i].response);
        for (size_t k = 0; k < sc->routes[i].nresponses; k++)
            free_response(&sc->routes[i].responses[k]);
        free(sc->routes[i].responses);
        mr_loader__drift_free(sc->routes[i].drift);
    }
    /* routes that failed mid-way still hold allocations: free the whole array range */
    free(sc->routes);
    for (i = 0; i < sc->nservices; i++) {
        free(sc->services[i].name);
        free(sc->services[i].env_name);
        free(sc->services[i].url_var);
        free(sc->services[i].proxy);
        free(sc->services[i].openapi);
    }
    free(sc->services);
    for (i = 0; i < sc->ncallbacks; i++) {
        struct mr_callback *cb = &sc->callbacks[i];
        free(cb->id);
        free(cb->json_path);
        free(cb->file);
        free(cb->method);
        free(cb->url);
        mr_template_free(cb->url_tpl);
        free_response(&cb->request);
    }
    free(sc->callbacks);
    for (i = 0; i < sc->nexpects; i++) {
        free(sc->expects[i].name);
        free(sc->expects[i].json_path);
        free(sc->expects[i].file);
        for (size_t k = 0;
             sc->expects[i].labels && k < (sc->expects[i].norder ? sc->expects[i].norder : 1); k++)
            free(sc->expects[i].labels[k]);
        free(sc->expects[i].labels);
        free(sc->expects[i].order);
        mr_loader__matcher_release(&sc->expects[i].request);
        mr_loader__matcher_release(&sc->expects[i].every);
    }
    free(sc->expects);
    for (i = 0; i < sc->command.nrun; i++)
        free(sc->command.run[i]);
    free(sc->command.run);
    for (i = 0; i < sc->command.nenv; i++) {
        free(sc->command.env[i].name);
        free(sc->command.env[i].value);
    }
    free(sc->command.env);
    mr_loader__snapshot_release(&sc->snapshot);
    for (i = 0; i < sc->nstates; i++)
        free(sc->state_names[i]);
    free(sc->state_names);
    for (i = 0; sc->files && i < sc->nfiles; i++) {
        struct mr_scenario_file *f = &sc->files[i];
        for (size_t k = 0; k < f->nallow; k++)
            mr_loader__matcher_release(&f->allow[k]);
        free(f->allow);
        for (size_t k = 0; k < f->nallow_hosts; k++)
            free(f->allow_hosts[k]);
        free(f->allow_hosts);
        free(f->name);
        free(f->path);
        free(f->dir);
        if (f->dir_fd > 2)
            close(f->dir_fd);
    }
    free(sc->files);
    free(sc);
}

const char *mr_expect_route_name(const struct mr_scenario *sc, const struct mr_expect *e, size_t i)
{
    long r = e->kind == MR_EXPECT_ORDER ? e->order[i] : e->route;
    return e->labels && e->labels[i] ? e->labels[i] : sc->routes[r].id;
}

size_t mr_scenario_owner(const struct mr_scenario *sc, size_t service)
{
    size_t f = sc->services[service].source;
    return sc->files[f].parent >= 0 ? (size_t)sc->files[f].parent : f;
}

const struct mr_route *mr_scenario_find_route(const struct mr_scenario *sc, const char *id)
{
    long i = find_route(sc, id);
    return i < 0 ? NULL : &sc->routes[i];
}

const struct mr_scenario_file *mr_scenario_callback_owner(const struct mr_scenario *sc,
                                                          const struct mr_callback *cb)
{
    return &sc->files[owner_file(sc, cb->source)];
}
