/*
 * journal_mem.c - memory per recorded call, for ci/bench.
 *
 *   journal_mem [CALLS]    (default 1000000)
 *
 * Appends CALLS body-less calls (a GET as curl sends it: Host, User-Agent,
 * Accept) to a journal whose limits are raised so every call keeps its
 * details, then prints what the journal says it holds and how much the
 * process's resident memory grew, both per call, as "key value" lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/journal.h"

static long rss_kb(void)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

static void kv(struct mr_kv *p, const char *name, const char *value)
{
    p->name = name;
    p->name_len = strlen(name);
    p->value = value;
    p->value_len = strlen(value);
}

int main(int argc, char **argv)
{
    size_t calls = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000, i, hit = 0;
    struct mr_journal_limits lim = {calls + 1, (size_t)-1};
    struct mr_journal *j;
    struct mr_error err;
    struct mr_kv headers[3];
    struct mr_request req;
    struct mr_call_meta meta;
    long before, after;
    size_t mem;

    kv(&headers[0], "Host", "127.0.0.1:41234");
    kv(&headers[1], "User-Agent", "curl/7.88.1");
    kv(&headers[2], "Accept", "*/*");
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.path = "/hello";
    req.query = "";
    req.headers = headers;
    req.nheaders = 3;
    req.body = "";
    memset(&meta, 0, sizeof(meta));
    meta.status = 200;
    meta.route = 0;
    meta.duration_us = 40;

    before = rss_kb();
    if (mr_journal_new(&j, 1, 1, 1, &lim, &err) != 0) {
        fprintf(stderr, "journal_mem: %s\n", err.msg);
        return 1;
    }
    for (i = 0; i < calls; i++) {
        meta.wall_us = 1780000000000000 + (int64_t)i * 10;
        mr_journal_append(j, &meta, &req, &hit, 1);
    }
    after = rss_kb();
    mem = mr_journal_memory(j);
    if (mr_journal_kept(j) != calls || mr_journal_total(j) != calls ||
        mr_journal_expect_count(j, 0) != calls) {
        fprintf(stderr, "journal_mem: kept %zu of %zu calls\n", mr_journal_kept(j), calls);
        return 1;
    }
    printf("calls %zu\n", calls);
    printf("sizeof_call %zu\n", sizeof(struct mr_call));
    printf("journal_bytes %zu\n", mem);
    printf("journal_bytes_per_call %.1f\n", (double)mem / (double)calls);
    printf("rss_delta_kb %ld\n", after - before);
    printf("rss_bytes_per_call %.1f\n", (double)(after - before) * 1024.0 / (double)calls);
    mr_journal_free(j);
    return 0;
}
