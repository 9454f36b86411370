/*
 * test_journal_file.c - runner/journal_file.c: --journal files read back into
 * a journal, as `mockrun merge` and `mockrun drift` read them: the calls and
 * their counts, the journal's own trailing objects, and the refusals, each
 * placed at file:line:column.
 *
 * Journals are written with ' for " (jq()) so they stay readable.
 *
 * One case:   CK_RUN_CASE=read ./test_journal_file
 * Under gdb:  CK_FORK=no gdb ./test_journal_file
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "runner/journal_file.h"
#include "scenarios/scenario.h"
#include "server/journal.h"
#include "tests/lib/tmpdir.h"

/* --- helpers ------------------------------------------------------------ */

static char *jq(const char *s)
{
    char *c = strdup(s), *p;
    ck_assert_ptr_nonnull(c);
    for (p = c; *p; p++)
        if (*p == '\'')
            *p = '"';
    return c;
}

/* Two services, a callback, and a count with a body condition. */
static const char SCENARIO[] =
    "{'services': {\n"
    "  'api': {'routes': [\n"
    "    {'id': 'create', 'request': {'method': 'POST', 'path': '/items'},\n"
    "     'response': {'status': 201, 'callbacks': [{'service': 'api', 'url': '/hooks'}]}},\n"
    "    {'id': 'hook', 'request': {'method': 'POST', 'path': '/hooks'}}]},\n"
    "  'pay': {'routes': [{'id': 'charge', 'request': {'path': '/charges'}}]}},\n"
    " 'expect': [{'route': 'charge', 'request': {'body': {'contains': 'x'}}, 'atLeast': 0}]}";

struct fixture {
    struct mr_tmpdir dir;
    struct mr_scenario *sc;
    struct mr_journal *j;
    struct mr_journal_file_info info;
    struct mr_error err;
    char path[300];
};

static void setup(struct fixture *f)
{
    struct mr_journal_limits lim;
    struct mr_error_list errs;
    char *t = jq(SCENARIO);

    memset(f, 0, sizeof(*f));
    memset(&errs, 0, sizeof(errs));
    ck_assert_int_eq(mr_scenario_parse_one(&f->sc, "s.json", t, strlen(t), &errs), 0);
    free(t);
    mr_journal_limits_init(&lim);
    ck_assert_int_eq(
        mr_journal_new(&f->j, f->sc->nservices, f->sc->nroutes, f->sc->nexpects, &lim, &f->err), 0);
    mr_tmpdir_make(&f->dir, "journal-file");
    mr_tmpdir_join(&f->dir, "shard.journal.json", f->path, sizeof(f->path));
}

static void teardown(struct fixture *f)
{
    mr_journal_free(f->j);
    mr_scenario_free(f->sc);
    mr_tmpdir_remove(&f->dir);
}

/* Writes the '-quoted journal and reads it; returns the reader's code. */
static int read_text(struct fixture *f, const char *squoted)
{
    char *t = jq(squoted);
    int rc;

    mr_tmpdir_write(&f->dir, "shard.journal.json", t, strlen(t));
    free(t);
    memset(&f->err, 0, sizeof(f->err));
    rc = mr_journal_file_read(f->j, f->sc, f->path, &f->info, &f->err);
    return rc;
}

/* The refusal as the user sees it, the folder's path cut off: "shard.journal.json:..." */
static const char *message(const struct fixture *f)
{
    static char line[1200];
    size_t n = strlen(f->dir.path) + 1;

    mr_error_format(&f->err, line, sizeof(line));
    ck_assert_msg(strncmp(line, f->dir.path, n - 1) == 0, "%s", line);
    return line + n;
}

/* One call's object, '-quoted, into out: of service `svc`, route `route` ('-quoted id
 * or null), to `path`, with these extra members (", 'body': 'x'", or ""). */
static const char *call(char *out, size_t size, const char *svc, const char *route,
                        const char *path, const char *extra)
{
    snprintf(out, size,
             "{'seq': 1, 'time': '2026-03-01T12:00:00.123Z', 'service': '%s', 'method': 'POST', "
             "'path': '%s', 'query': '', 'headers': {'Content-Type': 'text/plain'}, "
             "'bodySize': 3, 'bodyTruncated': false, 'route': %s, 'status': 200, "
             "'durationMs': 0.5%s}",
             svc, path, route, extra);
    return out;
}

/* --- cases ---------------------------------------------------------------- */

/* A scenario with callbacks ends its journal with {"callbacks": [...]}: merge
 * refused every such journal ("[2].service: expected the service's name"). */
START_TEST(test_callbacks_trailer)
{
    char a[600], b[600], journal[1500];
    struct fixture f;

    snprintf(journal, sizeof(journal),
             "[\n  %s,\n  %s,\n  {'callbacks': [\n"
             "    {'seq': 1, 'callback': 'create callback 1', 'outcome': 'answered'}\n  ]}\n]\n",
             call(a, sizeof(a), "api", "'create'", "/items", ", 'body': '{}'"),
             call(b, sizeof(b), "api", "'hook'", "/hooks", ", 'body': ''"));

    setup(&f);
    ck_assert_int_eq(read_text(&f, journal), 0);
    ck_assert_uint_eq(f.info.calls, 2);
    ck_assert_uint_eq(f.info.total, 2);
    ck_assert_uint_eq(mr_journal_total(f.j), 2);
    ck_assert_uint_eq(mr_journal_route_count(f.j, 1), 1);
    /* after a drop marker too, and with no attempts */
    ck_assert_int_eq(read_text(&f, "[{'detailsDroppedFrom': 1, 'total': 4}, {'callbacks': []}]"),
                     0);
    ck_assert_uint_eq(f.info.calls, 0);
    ck_assert_uint_eq(f.info.total, 4);
    /* but the attempts are a list */
    ck_assert_int_eq(read_text(&f, "[\n  {'callbacks': {}}\n]"), MR_ESCENARIO);
    ck_assert_str_eq(message(&f),
                     "shard.journal.json:2:17: [0].callbacks: expected an array of callback "
                     "attempts");
    teardown(&f);
}
END_TEST

/* A missing member is placed at its call: the refusal had no line:column. */
START_TEST(test_missing_member_placed)
{
    char a[600], journal[1500];
    struct fixture f;

    setup(&f);
    ck_assert_int_eq(read_text(&f, "[\n  {'method': 'GET', 'path': '/'}\n]"), MR_ESCENARIO);
    ck_assert_str_eq(message(&f),
                     "shard.journal.json:2:3: [0].service: expected the service's name");
    snprintf(journal, sizeof(journal), "[%s,\n {'service': 'api', 'query': ''}]",
             call(a, sizeof(a), "pay", "null", "/x", ", 'body': ''"));
    ck_assert_int_eq(read_text(&f, journal), MR_ESCENARIO);
    ck_assert_str_eq(message(&f), "shard.journal.json:2:2: [1].method: expected a string");
    ck_assert_uint_eq(f.info.calls, 1); /* the calls before it are read */
    teardown(&f);
}
END_TEST

/* Times as the writer writes them, from 1970 on: "1969-12-31T23:59:59.999Z"
 * was read as a negative time and written back as another one; sscanf also
 * took signs and blanks ("2026-+3-01"). */
START_TEST(test_times)
{
    static const char *const bad[] = {
        "1969-12-31T23:59:59.999Z", "1013-12-06T16:26:39.549Z",  "2026-+3-01T12:00:00.123Z",
        "2026-03-01T-1:00:00.123Z", "2026-03-01T12:00:00.123Z ", " 2026-03-01T12:00:00.123Z",
        "2026-03-01T12:00:00Z",     "2026-13-01T12:00:00.123Z",  "2026-03-01T24:00:00.123Z",
    };
    char a[600], journal[800];
    struct fixture f;
    size_t i;

    setup(&f);
    snprintf(journal, sizeof(journal), "[%s]", call(a, sizeof(a), "pay", "null", "/", ""));
    ck_assert_int_eq(read_text(&f, journal), 0);
    ck_assert_int_eq(mr_journal_at(f.j, 0)->wall_us, 1772366400123000);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *t = strstr(journal, "2026-03-01T12:00:00.123Z"), edited[800];
        snprintf(edited, sizeof(edited), "%.*s%s%s", (int)(t - journal), journal, bad[i],
                 t + strlen("2026-03-01T12:00:00.123Z"));
        ck_assert_int_eq(read_text(&f, edited), MR_ESCENARIO);
        ck_assert_msg(strstr(message(&f), "[0].time: expected a time such as"), "%s: %s", bad[i],
                      message(&f));
    }
    teardown(&f);
}
END_TEST

/* The drop marker holds together: calls dropped from N on, of M >= N calls in
 * all, no fewer than the file lists. {"detailsDroppedFrom": 7, "total": 2} was
 * taken as it was ("kept the details of 6 of its 2 calls"), and 1e300 or -1
 * were cast to an integer they do not fit (undefined behaviour). */
START_TEST(test_drop_marker)
{
    static const char *const bad[] = {
        "{'detailsDroppedFrom': 7, 'total': 2}",     "{'detailsDroppedFrom': 0, 'total': 2}",
        "{'detailsDroppedFrom': 1.5, 'total': 2}",   "{'detailsDroppedFrom': 1, 'total': -1}",
        "{'detailsDroppedFrom': 1e300, 'total': 2}", "{'detailsDroppedFrom': 1, 'total': 1e300}",
        "{'detailsDroppedFrom': 1, 'total': '3'}",   "{'detailsDroppedFrom': '1', 'total': 3}",
    };
    char a[600], b[600], journal[1500];
    struct fixture f;
    size_t i;

    setup(&f);
    call(a, sizeof(a), "pay", "null", "/", "");
    call(b, sizeof(b), "pay", "'charge'", "/charges", "");
    snprintf(journal, sizeof(journal), "[%s, %s, {'detailsDroppedFrom': 3, 'total': 9}]", a, b);
    ck_assert_int_eq(read_text(&f, journal), 0);
    ck_assert_uint_eq(f.info.calls, 2);
    ck_assert_uint_eq(f.info.dropped_from, 3);
    ck_assert_uint_eq(f.info.total, 9);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(journal, sizeof(journal), "[%s,\n %s]", a, bad[i]);
        ck_assert_int_eq(read_text(&f, journal), MR_ESCENARIO);
        ck_assert_str_eq(message(&f), "shard.journal.json:2:2: [1]: expected "
                                      "{\"detailsDroppedFrom\": N, \"total\": M}, whole "
                                      "numbers with 1 <= N <= M");
    }
    /* fewer calls in all than the file lists */
    snprintf(journal, sizeof(journal), "[%s, %s,\n {'detailsDroppedFrom': 1, 'total': 1}]", a, b);
    ck_assert_int_eq(read_text(&f, journal), MR_ESCENARIO);
    ck_assert_str_eq(message(&f), "shard.journal.json:2:37: [2].total: 1 call in all, but the "
                                  "file lists 2");
    teardown(&f);
}
END_TEST

static int append(void *ctx, const void *data, size_t len)
{
    return mr_buf_append(ctx, data, len) ? 0 : MR_ENOMEM;
}

/* A body holding a NUL byte read back whole: the writer wrote it as
 * "body": "amount=1\u0000x", which cJSON ends at the NUL, so merge counted
 * the call for a body condition on "x" no more. */
START_TEST(test_nul_body_read_back)
{
    static const char body[] = "amount=1\0x";
    struct mr_kv h = {"Content-Type", 12, "text/plain", 10};
    size_t hit = 0; /* the expectation: charge, with a body containing "x" */
    struct mr_journal_limits lim;
    struct mr_call_meta meta;
    struct mr_journal *run;
    struct mr_request req;
    struct fixture f;
    struct mr_buf b;
    const struct mr_call *c;

    setup(&f);
    mr_journal_limits_init(&lim);
    ck_assert_int_eq(
        mr_journal_new(&run, f.sc->nservices, f.sc->nroutes, f.sc->nexpects, &lim, &f.err), 0);
    memset(&meta, 0, sizeof(meta));
    memset(&req, 0, sizeof(req));
    meta.service = 1;
    meta.route = 2;
    meta.status = 200;
    meta.body_size = sizeof(body) - 1;
    req.method = "POST";
    req.path = "/charges";
    req.query = "";
    req.headers = &h;
    req.nheaders = 1;
    req.body = body;
    req.body_len = sizeof(body) - 1;
    mr_journal_append(run, &meta, &req, &hit, 1);
    mr_buf_init(&b);
    ck_assert_int_eq(mr_journal_write_json(run, f.sc, append, &b), 0);
    ck_assert_msg(strstr(mr_buf_cstr(&b), "\"bodyBase64\": \"YW1vdW50PTEAeA==\""), "%s",
                  mr_buf_cstr(&b));
    mr_tmpdir_write(&f.dir, "shard.journal.json", b.data, b.len);
    ck_assert_int_eq(mr_journal_file_read(f.j, f.sc, f.path, &f.info, &f.err), 0);
    c = mr_journal_at(f.j, 0);
    ck_assert_uint_eq(c->body_len, sizeof(body) - 1);
    ck_assert_mem_eq(c->body, body, sizeof(body) - 1);
    ck_assert_uint_eq(mr_journal_expect_count(f.j, 0), 1);
    mr_buf_release(&b);
    mr_journal_free(run);
    teardown(&f);
}
END_TEST

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    return tc;
}

static Suite *journal_file_suite(void)
{
    Suite *s = suite_create("journal_file");
    TCase *tc;

    tc = tcase("read");
    tcase_add_test(tc, test_callbacks_trailer);
    tcase_add_test(tc, test_missing_member_placed);
    tcase_add_test(tc, test_nul_body_read_back);
    tcase_add_test(tc, test_times);
    tcase_add_test(tc, test_drop_marker);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(journal_file_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
