/*
 * fuzz_snapshot.c - call snapshot files (`--snapshot FILE`), which users
 * edit, merge and commit: read by mr_snapshot_open (runner/snapshot.c),
 * their entries normalized and compared by runner/snapdiff.c.
 *
 * Input: the bytes of a snapshot file, written to an in-memory file
 * (memfd_create, read through its /proc/self/fd path), opened as under CI
 * (nothing is written) for two fixed scenarios that differ only in
 * `snapshot.ordered`; both mask body values (`ignore` with `[*]` and `.*`),
 * select headers (one a secret, one ignored). A fixed journal holds the five
 * calls the seeds record: corpus/snapshot/ holds snapshots the real binary
 * wrote for these scenarios (saved as s.json) and these calls:
 *
 *     mockrun --snapshot calls.snap.json s.json -- sh -c 'curl ...; curl ...'
 *
 * Oracles:
 * - mr_snapshot_open accepts exactly the files whose "calls" each
 *   mr_snapdiff_normalize accepts; a refusal is MR_ESCENARIO, formatted on
 *   one line as "<file>:<line>:<col>: ..." with the position inside the text;
 * - normalizing an entry again changes nothing;
 * - the entries compared with themselves (ordered and not), and unordered
 *   with themselves reversed, differ in nothing;
 * - the file mr_snapshot_text writes from them is read back by
 *   mr_snapshot_open, gives the same entries, and is written again the same;
 * - compared with the journal's entries, as many entries as calls are
 *   paired (equal or changed; the others are missing or new), each
 *   difference listed (up to the cap) once, with what differs; mr_snapshot_verify's case passes
 * exactly when nothing differs, else fails with a one-line message counting them and the diff as
 * its detail; against an empty journal every entry is missing.
 *
 * MOCKRUN_FUZZ_VERBOSE=1 prints each case's outcome.
 */
#define _GNU_SOURCE /* memfd_create */
#include "tests/fuzz/fuzz.h"

#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/jsondoc.h"
#include "reports/results.h"
#include "runner/snapdiff.h"
#include "runner/snapshot.h"
#include "scenarios/scenario.h"
#include "server/journal.h"
#include "server/match.h"

static const char scenario_fmt[] =
    "{\n"
    " \"services\": {\n"
    "  \"payments\": {\"routes\": [\n"
    "   {\"id\": \"create-charge\", \"request\": {\"method\": \"POST\", \"path\": "
    "\"/v1/charges\"}, \"response\": {\"status\": 201, \"json\": {\"id\": \"ch_1\"}}},\n"
    "   {\"id\": \"get-charge\", \"request\": {\"method\": \"GET\", \"path\": "
    "\"/v1/charges/:id\"}, \"response\": {\"json\": {\"id\": \"{{urlParam 'id'}}\"}}}\n"
    "  ]},\n"
    "  \"mail\": {\"routes\": [\n"
    "   {\"id\": \"send\", \"request\": {\"method\": \"POST\", \"path\": \"/send\"}, "
    "\"response\": {\"status\": 202}}\n"
    "  ]}\n"
    " },\n"
    " \"snapshot\": {\n"
    "  \"ignore\": [\"$.timestamp\", \"$.items[*].id\", \"$.meta.*\", \"tags.0\"],\n"
    "  \"headers\": [\"Authorization\", \"X-Tenant\", \"X-Api-Key\"],\n"
    "  \"ignoreHeaders\": [\"Idempotency-Key\"],\n"
    "  \"ordered\": %s\n"
    " },\n"
    " \"unexpected\": \"allow\"\n"
    "}\n";

/* The calls the seeds were recorded from (tests/fuzz/corpus/snapshot/). */
static const struct {
    const char *method, *path, *query;
    int service, route;
    const char *headers[5][2];
    const char *body;
    size_t body_len;
} CALLS[] = {
    {"POST",
     "/v1/charges",
     "",
     0,
     0,
     {{"Content-Type", "application/json"},
      {"Authorization", "Bearer sk_test_1"},
      {"Idempotency-Key", "k-81"},
      {"X-Tenant", "t1"},
      {"User-Agent", "curl/7.88.1"}},
     "{\"currency\":\"eur\",\"amount\":1999,\"timestamp\":\"2026-03-01T12:00:00Z\",\"items\":[{"
     "\"id\":\"i-1\",\"sku\":\"A1\"},{\"id\":\"i-2\",\"sku\":\"B2\"}],\"meta\":{\"trace\":\"x1\"},"
     "\"tags\":[\"a\",\"b\"]}",
     0},
    {"GET",
     "/v1/charges/ch_1",
     "expand=customer",
     0,
     1,
     {{"Authorization", "Basic dXNlcjpwdw=="}, {"X-Api-Key", "secret-1"}},
     "",
     0},
    {"POST", "/send", "", 1, 2, {{"Content-Type", "text/plain"}}, "hello\nthere", 0},
    {"POST",
     "/v1/refunds",
     "",
     0,
     -1,
     {{"Content-Type", "application/octet-stream"}},
     "\377\000refund",
     8},
    {"POST", "/send", "", 1, 2, {{"Content-Type", "application/json"}}, "[1, 2.5, -0, \"x\"]", 0},
};
#define NCALLS (sizeof(CALLS) / sizeof(CALLS[0]))

static struct mr_scenario *scenarios[2]; /* unordered, ordered */
static struct mr_journal *journal, *empty;
static int fd_in = -1, fd_again = -1;
static char path_in[64], path_again[64];

static int memfd(char *path, size_t size)
{
    int fd = memfd_create("snapshot", MFD_CLOEXEC);

    if (fd < 0)
        abort();
    snprintf(path, size, "/proc/self/fd/%d", fd);
    return fd;
}

static struct mr_journal *journal_new(const struct mr_scenario *sc)
{
    struct mr_journal_limits lim;
    struct mr_journal *j;
    struct mr_error err;

    mr_journal_limits_init(&lim);
    if (mr_journal_new(&j, sc->nservices, sc->nroutes, sc->nexpects, &lim, &err) != 0)
        abort();
    return j;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct mr_error_list errs;
    char text[sizeof(scenario_fmt) + 8];

    (void)argc;
    (void)argv;
    for (int k = 0; k < 2; k++) {
        snprintf(text, sizeof(text), scenario_fmt, k ? "true" : "false");
        memset(&errs, 0, sizeof(errs));
        if (mr_scenario_parse_one(&scenarios[k], "s.json", text, strlen(text), &errs) != 0)
            abort();
    }
    journal = journal_new(scenarios[0]);
    empty = journal_new(scenarios[0]);
    for (size_t i = 0; i < NCALLS; i++) {
        struct mr_kv headers[5];
        struct mr_call_meta meta;
        struct mr_request req;
        size_t nh = 0;

        memset(&req, 0, sizeof(req));
        memset(&meta, 0, sizeof(meta));
        for (; nh < 5 && CALLS[i].headers[nh][0]; nh++) {
            headers[nh].name = CALLS[i].headers[nh][0];
            headers[nh].name_len = strlen(headers[nh].name);
            headers[nh].value = CALLS[i].headers[nh][1];
            headers[nh].value_len = strlen(headers[nh].value);
        }
        req.method = CALLS[i].method;
        req.path = CALLS[i].path;
        req.query = CALLS[i].query;
        req.headers = headers;
        req.nheaders = nh;
        req.body = CALLS[i].body;
        req.body_len = CALLS[i].body_len ? CALLS[i].body_len : strlen(CALLS[i].body);
        meta.service = (uint16_t)CALLS[i].service;
        meta.route = CALLS[i].route;
        meta.status = 200;
        meta.body_size = req.body_len;
        mr_journal_append(journal, &meta, &req, NULL, 0);
    }
    fd_in = memfd(path_in, sizeof(path_in));
    fd_again = memfd(path_again, sizeof(path_again));
    return 0;
}

/* Replaces the in-memory file's contents with data[0..n). */
static void put(int fd, const void *data, size_t n)
{
    const char *p = data;

    if (ftruncate(fd, 0) != 0)
        abort();
    for (size_t off = 0; off < n;) {
        ssize_t w = pwrite(fd, p + off, n - off, (off_t)off);
        if (w <= 0)
            abort();
        off += (size_t)w;
    }
}

/* Whether a refusal is one line placed in the text: "<file>:<line>:<col>: ...". */
static void check_refusal(const struct mr_error *err, const char *path, const char *text,
                          size_t len)
{
    char line[1200], want[128];
    int lines = 1;

    FUZZ_CHECK(err->code == MR_ESCENARIO);
    mr_error_format(err, line, sizeof(line));
    FUZZ_CHECK(!strchr(line, '\n'));
    FUZZ_CHECK(strcmp(err->file, path) == 0);
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    FUZZ_CHECK(err->line >= 1 && err->line <= lines && err->column >= 1);
    snprintf(want, sizeof(want), "%s:%d:%d: ", path, err->line, err->column);
    FUZZ_CHECK(strncmp(line, want, strlen(want)) == 0);
}

/* Compact text of a value (caller frees). */
static char *compact(const cJSON *v)
{
    struct mr_buf b;

    mr_buf_init(&b);
    mr_snapdiff_print(&b, v, false);
    FUZZ_CHECK(!b.failed);
    return mr_buf_detach(&b, NULL);
}

/* The file's entries, normalized as mr_snapshot_open does, or NULL when it would refuse them. */
static cJSON *entries_of(const char *text, size_t len, const struct mr_scenario *sc)
{
    const cJSON *version, *calls, *c;
    struct mr_error err;
    cJSON *root, *out;

    mr_jsondoc_skip_bom(&text, &len);
    if (!(root = mr_jsondoc_parse("f", text, len, &err)))
        return NULL;
    version = cJSON_GetObjectItemCaseSensitive(root, "mockrunSnapshot");
    calls = cJSON_GetObjectItemCaseSensitive(root, "calls");
    if (!cJSON_IsObject(root) || !cJSON_IsArray(calls) ||
        (version && !(cJSON_IsNumber(version) && version->valuedouble == 1))) {
        cJSON_Delete(root);
        return NULL;
    }
    out = cJSON_CreateArray();
    FUZZ_CHECK(out);
    cJSON_ArrayForEach(c, calls)
    {
        cJSON *e, *e2;
        char *x, *y;

        if (mr_snapdiff_normalize(&e, c, &sc->snapshot, &err) != 0) {
            FUZZ_CHECK(err.code == MR_ESCENARIO && !strchr(err.msg, '\n'));
            cJSON_Delete(out);
            cJSON_Delete(root);
            return NULL;
        }
        /* idempotent */
        FUZZ_CHECK(mr_snapdiff_normalize(&e2, e, &sc->snapshot, &err) == 0);
        x = compact(e);
        y = compact(e2);
        FUZZ_CHECK(strcmp(x, y) == 0);
        free(x);
        free(y);
        cJSON_Delete(e2);
        cJSON_AddItemToArray(out, e);
    }
    cJSON_Delete(root);
    return out;
}

static size_t count_prefix(const char *text, const char *prefix)
{
    size_t n = 0, len = strlen(prefix);

    for (const char *l = text; *l; l = strchr(l, '\n') + 1) {
        FUZZ_CHECK(strchr(l, '\n')); /* every line ends in '\n' */
        if (strncmp(l, prefix, len) == 0) {
            /* each difference says what differs, on indented lines */
            FUZZ_CHECK(strncmp(strchr(l, '\n') + 1, "    ", 4) == 0);
            n++;
        }
    }
    return n;
}

/* Compares and checks the counts add up; returns the comparison (release it). */
static struct mr_snapdiff compare(const cJSON *old, const cJSON *cur, const uint64_t *seqs,
                                  bool ordered)
{
    size_t no = (size_t)cJSON_GetArraySize(old), nc = (size_t)cJSON_GetArraySize(cur), listed;
    struct mr_snapdiff d;

    FUZZ_CHECK(mr_snapdiff_compare(&d, old, cur, seqs, ordered) == 0);
    /* each entry is paired (equal or changed) or missing, each call paired or new */
    FUZZ_CHECK(d.missing <= no && d.added <= nc && no - d.missing == nc - d.added);
    FUZZ_CHECK(d.changed <= no - d.missing);
    listed = d.changed + d.added + d.missing;
    listed = listed < MR_SNAPDIFF_LISTED ? listed : MR_SNAPDIFF_LISTED;
    FUZZ_CHECK(count_prefix(mr_buf_cstr(&d.text), "changed: ") +
                   count_prefix(mr_buf_cstr(&d.text), "new: ") +
                   count_prefix(mr_buf_cstr(&d.text), "missing: ") ==
               listed);
    FUZZ_CHECK((d.text.len == 0) == (d.changed + d.added + d.missing == 0));
    return d;
}

static void same_as_itself(const cJSON *list)
{
    cJSON *reversed = cJSON_CreateArray();
    struct mr_snapdiff d;
    const cJSON *e;

    FUZZ_CHECK(reversed);
    for (int ordered = 0; ordered < 2; ordered++) {
        d = compare(list, list, NULL, ordered);
        FUZZ_CHECK(d.text.len == 0);
        mr_snapdiff_release(&d);
    }
    cJSON_ArrayForEach(e, list)
    {
        cJSON *copy = cJSON_Duplicate(e, true);
        FUZZ_CHECK(copy);
        cJSON_InsertItemInArray(reversed, 0, copy);
    }
    d = compare(list, reversed, NULL, false);
    FUZZ_CHECK(d.text.len == 0);
    mr_snapdiff_release(&d);
    cJSON_Delete(reversed);
}

/* The snapshot's case against `j`, checked against the comparison of `old` with j's entries. */
static void check_verify(struct mr_snapshot *s, const cJSON *old, const struct mr_scenario *sc,
                         const struct mr_journal *j)
{
    struct mr_snapshot_input in = {sc, j, true, true};
    struct mr_results res;
    struct mr_snapdiff d;
    const struct mr_case *k;
    uint64_t *seqs;
    cJSON *cur;
    char want[64];

    FUZZ_CHECK(mr_snapshot_entries(&cur, &seqs, j, sc) == 0);
    d = compare(old, cur, seqs, sc->snapshot.ordered);
    mr_results_init(&res);
    FUZZ_CHECK(mr_snapshot_verify(s, &res, &in) == 0);
    FUZZ_CHECK(res.ncases == 1);
    k = &res.cases[0];
    if (getenv("MOCKRUN_FUZZ_VERBOSE"))
        fprintf(stderr, "%s: %s\n", sc->snapshot.ordered ? "ordered" : "unordered",
                k->status == MR_CASE_PASS ? "pass" : k->message);
    if (d.changed + d.added + d.missing == 0) {
        FUZZ_CHECK(k->status == MR_CASE_PASS);
    } else {
        FUZZ_CHECK(k->status == MR_CASE_FAIL);
        FUZZ_CHECK(k->message && !strchr(k->message, '\n'));
        snprintf(want, sizeof(want), "%zu call", d.changed + d.added + d.missing);
        FUZZ_CHECK(strncmp(k->message, want, strlen(want)) == 0);
        FUZZ_CHECK(k->detail && strncmp(k->detail, mr_buf_cstr(&d.text), d.text.len) == 0);
    }
    mr_results_release(&res);
    mr_snapdiff_release(&d);
    cJSON_Delete(cur);
    free(seqs);
}

static void one(const char *text, size_t len, const struct mr_scenario *sc)
{
    struct mr_snapshot *s = NULL, *s2 = NULL;
    struct mr_error err;
    cJSON *old = entries_of(text, len, sc), *old2;
    char *written, *rewritten;
    int rc;

    memset(&err, 0, sizeof(err));
    rc = mr_snapshot_open(&s, path_in, false, true, sc, &err);
    FUZZ_CHECK((rc == 0) == (old != NULL));
    if (rc != 0) {
        mr_jsondoc_skip_bom(&text, &len);
        FUZZ_CHECK(!s);
        check_refusal(&err, path_in, text, len);
        return;
    }
    same_as_itself(old);

    /* written and read back: the same entries, and the same text again */
    FUZZ_CHECK(mr_snapshot_text(&written, old) == 0);
    put(fd_again, written, strlen(written));
    rc = mr_snapshot_open(&s2, path_again, false, true, sc, &err);
    if (rc != 0) {
        char line[1200];
        mr_error_format(&err, line, sizeof(line));
        fprintf(stderr, "written, then refused: %s\n%s", line, written);
    }
    FUZZ_CHECK(rc == 0);
    old2 = entries_of(written, strlen(written), sc);
    FUZZ_CHECK(old2);
    FUZZ_CHECK(mr_snapshot_text(&rewritten, old2) == 0);
    if (strcmp(written, rewritten) != 0)
        fprintf(stderr, "written:\n%s\nwritten again:\n%s", written, rewritten);
    FUZZ_CHECK(strcmp(written, rewritten) == 0);
    for (const cJSON *a = old->child, *b = old2->child; a || b; a = a->next, b = b->next) {
        char *x, *y;
        FUZZ_CHECK(a && b);
        x = compact(a);
        y = compact(b);
        FUZZ_CHECK(strcmp(x, y) == 0);
        free(x);
        free(y);
    }

    check_verify(s, old, sc, journal);
    check_verify(s2, old2, sc, empty);

    free(written);
    free(rewritten);
    cJSON_Delete(old);
    cJSON_Delete(old2);
    mr_snapshot_free(s);
    mr_snapshot_free(s2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    put(fd_in, data, size);
    for (int k = 0; k < 2; k++)
        one((const char *)data, size, scenarios[k]);
    return 0;
}
