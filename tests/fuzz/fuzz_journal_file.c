/*
 * fuzz_journal_file.c - --journal files read back (runner/journal_file.c),
 * as `mockrun merge` and `mockrun drift` read the journals of earlier runs:
 * written by another machine or shard, perhaps truncated or edited by hand.
 *
 * Input: the bytes of a journal file, written to an in-memory file
 * (memfd_create, read through its /proc/self/fd path) and read with
 * mr_journal_file_read into a fresh journal, with the limits merge uses,
 * for a fixed scenario: two services, a near-miss-prone body condition, an
 * `unexpected.allow`, a callback (so the writer ends the array with
 * {"callbacks": [...]}) and count expectations with route, query, header
 * and body conditions. The seeds in corpus/journal_file/ are journals the
 * real binary wrote for this scenario (saved as s.json):
 *
 *     mockrun --journal j.json s.json -- sh -c 'curl ...; curl ...'
 *
 * Oracles:
 * - a refusal is MR_ESCENARIO, formatted on one line as
 *   "<file>:<line>:<col>: ..." with the position inside the text; the
 *   calls read before it stay in the journal (info.calls of them);
 * - an accepted file gave info.calls calls, numbered 1..calls, each of a
 *   service of the scenario and a route of that service (or none), with
 *   the method, path, query, headers, route and status its object in the
 *   file gives; info.total is at least the calls read, a drop marker
 *   inside it; the counts hold together: per route, unmatched + allowed
 *   + matched = total, and each count expectation counted exactly the
 *   calls that meet its route and conditions (matched again here from
 *   the stored call);
 * - written again with mr_journal_write_json and read back, it gives the
 *   same calls (bodies byte for byte; strings that are not UTF-8 become
 *   U+FFFD in JSON, so those are compared after one more pass) and the
 *   same counts, and the text written from that is the text written
 *   before (a fixed point).
 */
#define _GNU_SOURCE /* memfd_create */
#include "tests/fuzz/fuzz.h"

#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/jsondoc.h"
#include "common/text.h"
#include "runner/journal_file.h"
#include "scenarios/scenario.h"
#include "server/journal.h"
#include "server/match.h"

static const char scenario_json[] =
    "{\n"
    " \"services\": {\n"
    "  \"api\": {\n"
    "   \"routes\": [\n"
    "    {\"id\": \"get-item\", \"request\": {\"method\": \"GET\", \"path\": \"/items/:id\"},\n"
    "     \"response\": {\"json\": {\"id\": \"{{urlParam 'id'}}\"}}},\n"
    "    {\"id\": \"create-item\",\n"
    "     \"request\": {\"method\": \"POST\", \"path\": \"/items\", \"body\": {\"jsonPath\": "
    "{\"$.name\": {\"matches\": \"^[a-z]+$\"}}}},\n"
    "     \"response\": {\"status\": 201, \"json\": {\"ok\": true},\n"
    "      \"callbacks\": [{\"service\": \"api\", \"url\": \"/hooks\", \"json\": {\"made\": "
    "\"{{body 'name'}}\"}}]}},\n"
    "    {\"id\": \"hook\", \"request\": {\"method\": \"POST\", \"path\": \"/hooks\"}, "
    "\"response\": {\"status\": 204}}\n"
    "   ]\n"
    "  },\n"
    "  \"pay\": {\n"
    "   \"routes\": [\n"
    "    {\"id\": \"charge\", \"request\": {\"method\": \"POST\", \"path\": \"/charges\", "
    "\"headers\": {\"X-Key\": {\"present\": true}}},\n"
    "     \"response\": {\"status\": 402, \"json\": {\"error\": \"declined\"}}}\n"
    "   ]\n"
    "  }\n"
    " },\n"
    " \"expect\": [\n"
    "  {\"route\": \"get-item\", \"atLeast\": 1},\n"
    "  {\"route\": \"create-item\", \"times\": 1, \"scope\": \"suite\"},\n"
    "  {\"request\": {\"query\": {\"page\": {\"matches\": \"^[0-9]+$\"}}}, \"atMost\": 5},\n"
    "  {\"route\": \"charge\", \"request\": {\"body\": {\"json\": {\"amount\": 100}}}},\n"
    "  {\"request\": {\"method\": \"DELETE\"}, \"times\": 0},\n"
    "  {\"request\": {\"headers\": {\"X-Tenant\": \"t1\"}, \"body\": {\"contains\": \"x\"}}, "
    "\"atLeast\": 0},\n"
    "  {\"inOrder\": [\"get-item\", \"create-item\"]}\n"
    " ],\n"
    " \"unexpected\": {\"allow\": [{\"path\": \"/favicon.ico\"}]}\n"
    "}\n";

static struct mr_scenario *sc;
static int fd_in = -1, fd_again = -1; /* the input, and the journal written again */
static char path_in[64], path_again[64];

static int memfd(char *path, size_t size)
{
    int fd = memfd_create("journal", MFD_CLOEXEC);

    if (fd < 0)
        abort();
    snprintf(path, size, "/proc/self/fd/%d", fd);
    return fd;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct mr_error_list errs;

    (void)argc;
    (void)argv;
    memset(&errs, 0, sizeof(errs));
    if (mr_scenario_parse_one(&sc, "s.json", scenario_json, strlen(scenario_json), &errs) != 0)
        abort();
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

static struct mr_journal *journal_new(void)
{
    struct mr_journal_limits lim;
    struct mr_journal *j;
    struct mr_error err;

    mr_journal_limits_init(&lim);
    lim.max_calls = (size_t)1 << 40; /* as merge and drift read: every call */
    lim.max_bytes = (size_t)1 << 40;
    if (mr_journal_new(&j, sc->nservices, sc->nroutes, sc->nexpects, &lim, &err) != 0)
        abort();
    return j;
}

static int append(void *ctx, const void *data, size_t len)
{
    return mr_buf_append(ctx, data, len) ? 0 : MR_ENOMEM;
}

/* The journal as its --journal file (caller frees). */
static char *journal_text(const struct mr_journal *j)
{
    struct mr_buf b;

    mr_buf_init(&b);
    FUZZ_CHECK(mr_journal_write_json(j, sc, append, &b) == 0);
    FUZZ_CHECK(!b.failed);
    return mr_buf_detach(&b, NULL);
}

/* Whether a refusal is one line placed in the text: "<file>:<line>:<col>: ...". */
static void check_refusal(const struct mr_error *err, const char *text, size_t len)
{
    char line[1200], want[128];
    int lines = 1;

    FUZZ_CHECK(err->code == MR_ESCENARIO);
    mr_error_format(err, line, sizeof(line));
    FUZZ_CHECK(!strchr(line, '\n'));
    FUZZ_CHECK(strcmp(err->file, path_in) == 0);
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    FUZZ_CHECK(err->line >= 1 && err->line <= lines && err->column >= 1);
    snprintf(want, sizeof(want), "%s:%d:%d: ", path_in, err->line, err->column);
    FUZZ_CHECK(strncmp(line, want, strlen(want)) == 0);
}

static const char *string_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A call's object in the file against the call the journal holds. */
static void check_call(const cJSON *item, const struct mr_call *c)
{
    const cJSON *route = cJSON_GetObjectItemCaseSensitive(item, "route");
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(item, "status");
    const cJSON *headers = cJSON_GetObjectItemCaseSensitive(item, "headers"), *h;
    const char *it = NULL, *name, *value;
    const struct mr_service *s;

    FUZZ_CHECK(c->service < sc->nservices);
    s = &sc->services[c->service];
    FUZZ_CHECK(strcmp(s->name, string_of(item, "service")) == 0);
    FUZZ_CHECK(strcmp(c->method, string_of(item, "method")) == 0);
    FUZZ_CHECK(strcmp(c->path, string_of(item, "path")) == 0);
    FUZZ_CHECK(strcmp(c->query, string_of(item, "query")) == 0);
    if (cJSON_IsNull(route)) {
        FUZZ_CHECK(c->route == -1);
    } else {
        FUZZ_CHECK(c->route >= 0 && (size_t)c->route >= s->first_route &&
                   (size_t)c->route < s->first_route + s->nroutes);
        FUZZ_CHECK(strcmp(sc->routes[c->route].id, route->valuestring) == 0);
    }
    FUZZ_CHECK(cJSON_IsNumber(status) && c->status == (uint16_t)status->valuedouble);
    FUZZ_CHECK(c->body_size >= c->body_len);
    FUZZ_CHECK(c->nheaders == (uint32_t)cJSON_GetArraySize(headers));
    h = headers->child;
    while ((it = mr_call_next_header(c, it, &name, &value)) != NULL) {
        FUZZ_CHECK(h && strcmp(name, h->string) == 0 && strcmp(value, h->valuestring) == 0);
        h = h->next;
    }
    FUZZ_CHECK(!h);
    if (string_of(item, "body") && !string_of(item, "bodyBase64")) {
        const char *body = string_of(item, "body");
        FUZZ_CHECK(c->body_len == strlen(body) && memcmp(c->body, body, c->body_len) == 0);
    }
    FUZZ_CHECK(!c->test || *c->test);
}

/* The counts of every route, of unmatched calls and of count expectations,
 * against the calls the journal holds (all of them: nothing was dropped). */
static void check_counts(const struct mr_journal *j)
{
    uint64_t total = mr_journal_total(j), routes = 0;
    size_t kept = mr_journal_kept(j);

    FUZZ_CHECK(kept == total);
    for (size_t r = 0; r < sc->nroutes; r++) {
        uint64_t n = 0;
        for (size_t i = 0; i < kept; i++)
            n += mr_journal_at(j, i)->route == (int32_t)r;
        FUZZ_CHECK(mr_journal_route_count(j, r) == n);
        routes += n;
    }
    FUZZ_CHECK(routes + mr_journal_unmatched(j, -1) + mr_journal_allowed(j, -1) +
                   mr_journal_proxied(j, -1) ==
               total);
    for (size_t k = 0; k < sc->nexpects; k++) {
        const struct mr_expect *e = &sc->expects[k];
        uint64_t n = 0;

        if (e->kind != MR_EXPECT_COUNT) {
            FUZZ_CHECK(mr_journal_expect_count(j, k) == 0);
            continue;
        }
        for (size_t i = 0; i < kept; i++) {
            const struct mr_call *c = mr_journal_at(j, i);
            size_t np = mr_request_count_params(c->query);
            struct mr_kv *kv = calloc(c->nheaders + 1, sizeof(*kv));
            struct mr_kv *params = calloc(np + 1, sizeof(*params));
            char *scratch = malloc(strlen(c->query) + 1);
            struct mr_request req;

            if (!kv || !params || !scratch)
                abort();
            mr_call_to_request(c, kv, params, np, scratch, &req);
            n += (e->route < 0 || e->route == c->route) &&
                 (!e->has_request || mr_match(&e->request, &req, NULL));
            mr_request_release(&req);
            free(kv);
            free(params);
            free(scratch);
        }
        FUZZ_CHECK(mr_journal_expect_count(j, k) == n);
    }
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Whether every string of the call is UTF-8 (JSON writes it unchanged). */
static bool all_utf8(const struct mr_call *c)
{
    const char *it = NULL, *name, *value;
    bool ok = mr_utf8_valid(c->method, strlen(c->method)) &&
              mr_utf8_valid(c->path, strlen(c->path)) &&
              mr_utf8_valid(c->query, strlen(c->query)) &&
              (!c->near || mr_utf8_valid(c->near, strlen(c->near))) &&
              (!c->test || mr_utf8_valid(c->test, strlen(c->test)));

    while (ok && (it = mr_call_next_header(c, it, &name, &value)) != NULL)
        ok = mr_utf8_valid(name, strlen(name)) && mr_utf8_valid(value, strlen(value));
    return ok;
}

/* The calls of a journal read back from what `a` wrote, against a's. Returns
 * whether their strings were all UTF-8 (then they must be equal too). */
static bool check_same(const struct mr_journal *a, const struct mr_journal *b)
{
    size_t n = mr_journal_kept(a);
    bool utf8 = true;

    FUZZ_CHECK(mr_journal_kept(b) == n && mr_journal_total(b) == n);
    for (size_t i = 0; i < n; i++) {
        const struct mr_call *x = mr_journal_at(a, i), *y = mr_journal_at(b, i);
        const char *ix = NULL, *iy = NULL, *nx, *vx, *ny, *vy;

        FUZZ_CHECK(y->seq == x->seq && y->wall_us == x->wall_us);
        FUZZ_CHECK(y->duration_us == x->duration_us && y->service == x->service);
        FUZZ_CHECK(y->status == x->status && y->route == x->route);
        FUZZ_CHECK(y->body_truncated == x->body_truncated && y->allowed == x->allowed);
        FUZZ_CHECK(y->body_size == x->body_size && y->nheaders == x->nheaders);
        FUZZ_CHECK(y->body_len == x->body_len && memcmp(y->body, x->body, x->body_len) == 0);
        FUZZ_CHECK(!y->near == !x->near && !y->test == !x->test);
        if (!all_utf8(x)) {
            utf8 = false;
            continue;
        }
        FUZZ_CHECK(strcmp(y->method, x->method) == 0 && strcmp(y->path, x->path) == 0);
        FUZZ_CHECK(strcmp(y->query, x->query) == 0);
        FUZZ_CHECK(same_str(y->near, x->near) && same_str(y->test, x->test));
        while ((ix = mr_call_next_header(x, ix, &nx, &vx)) != NULL) {
            iy = mr_call_next_header(y, iy, &ny, &vy);
            FUZZ_CHECK(iy && strcmp(nx, ny) == 0 && strcmp(vx, vy) == 0);
        }
    }
    if (utf8)
        for (size_t k = 0; k < sc->nexpects; k++)
            FUZZ_CHECK(mr_journal_expect_count(a, k) == mr_journal_expect_count(b, k));
    return utf8;
}

/* Reads the text into a fresh journal through the second in-memory file; it must be accepted. */
static struct mr_journal *read_again(const char *text)
{
    struct mr_journal_file_info info;
    struct mr_journal *j = journal_new();
    struct mr_error err;
    char line[1200];
    int rc;

    put(fd_again, text, strlen(text));
    rc = mr_journal_file_read(j, sc, path_again, &info, &err);
    if (rc != 0) {
        mr_error_format(&err, line, sizeof(line));
        fprintf(stderr, "written again, then refused: %s\n%s\n", line, text);
    }
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(info.calls == mr_journal_total(j) && !info.dropped_from);
    return j;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mr_journal_file_info info;
    struct mr_journal *j = journal_new(), *again, *third;
    struct mr_error err;
    const char *text = (const char *)data;
    size_t len = size, k = 0;
    const cJSON *item;
    char *first, *second;
    cJSON *root;
    int rc;

    put(fd_in, data, size);
    memset(&err, 0, sizeof(err));
    rc = mr_journal_file_read(j, sc, path_in, &info, &err);
    FUZZ_CHECK(info.calls == mr_journal_total(j));
    if (rc != 0) {
        mr_jsondoc_skip_bom(&text, &len);
        check_refusal(&err, text, len);
        mr_journal_free(j);
        return 0;
    }

    /* what was read: the calls the file lists, in its order */
    FUZZ_CHECK(info.first_seq == (info.calls ? 1 : 0) && info.last_seq == info.calls);
    FUZZ_CHECK(info.total >= info.calls);
    FUZZ_CHECK(!info.dropped_from || info.dropped_from <= info.total);
    mr_jsondoc_skip_bom(&text, &len);
    root = cJSON_ParseWithLength(text, len);
    FUZZ_CHECK(cJSON_IsArray(root));
    cJSON_ArrayForEach(item, root)
    {
        if (cJSON_GetObjectItemCaseSensitive(item, "detailsDroppedFrom") ||
            cJSON_GetObjectItemCaseSensitive(item, "callbacks"))
            continue;
        FUZZ_CHECK(k < info.calls);
        FUZZ_CHECK(mr_journal_at(j, k)->seq == k + 1);
        check_call(item, mr_journal_at(j, k++));
    }
    FUZZ_CHECK(k == info.calls);
    cJSON_Delete(root);
    check_counts(j);

    /* written again and read back: the same calls */
    first = journal_text(j);
    again = read_again(first);
    check_counts(again);
    second = journal_text(again);
    if (check_same(j, again)) {
        FUZZ_CHECK(strcmp(first, second) == 0);
    } else {
        /* strings that were not UTF-8 are U+FFFD now: one more pass changes nothing */
        third = read_again(second);
        FUZZ_CHECK(check_same(again, third));
        free(first);
        first = journal_text(third);
        FUZZ_CHECK(strcmp(first, second) == 0);
        mr_journal_free(third);
    }
    free(first);
    free(second);
    mr_journal_free(again);
    mr_journal_free(j);
    return 0;
}
