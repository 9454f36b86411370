/*
 * merge.c - mockrun merge: "scope": "suite" counts over every shard's journal.
 */
#include "runner/merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "reports/console.h"
#include "reports/junit.h"
#include "reports/results.h"
#include "runner/journal_file.h"
#include "runner/run.h"
#include "runner/shard.h"
#include "runner/verify.h"
#include "scenarios/scenario.h"
#include "server/journal.h"

/* Where the calls of each journal are: "calls #1 to #40: shard-1.journal.json". */
static void where_calls_are(struct mr_buf *b, const char *const *journals,
                            const struct mr_journal_file_info *info, size_t n)
{
    size_t k;

    mr_buf_puts(b, "calls are numbered across the journals:\n");
    for (k = 0; k < n; k++) {
        if (!info[k].calls)
            mr_buf_printf(b, "  no calls: %s\n", journals[k]);
        else if (info[k].first_seq == info[k].last_seq)
            mr_buf_printf(b, "  #%llu: %s\n", (unsigned long long)info[k].first_seq, journals[k]);
        else
            mr_buf_printf(b, "  #%llu to #%llu: %s\n", (unsigned long long)info[k].first_seq,
                          (unsigned long long)info[k].last_seq, journals[k]);
    }
}

/* The cases when a journal dropped details: none can be counted. */
static int cannot_count(struct mr_results *res, const struct mr_scenario *sc, const char *journal,
                        const struct mr_journal_file_info *info)
{
    char msg[600];
    size_t k, i;
    int rc;

    snprintf(msg, sizeof(msg),
             "cannot check: %s kept the details of %llu of its %llu calls (journal limit); run "
             "that shard again with a larger --journal-limit",
             journal, (unsigned long long)(info->dropped_from - 1),
             (unsigned long long)info->total);
    for (k = 0; k < sc->nfiles && sc->files[k].parent < 0; k++) {
        if ((rc = mr_results_add_suite(res, sc->files[k].name, sc->files[k].path)) != 0)
            return rc;
        for (i = 0; i < sc->nexpects; i++) {
            const struct mr_expect *e = &sc->expects[i];
            if (e->source != k || !e->suite_scope)
                continue;
            if ((rc = mr_results_add_case(res, MR_CASE_ERROR, e->name, msg, NULL)) != 0)
                return rc;
            res->cases[res->ncases - 1].line = e->line;
            if (e->file && !(res->cases[res->ncases - 1].file = strdup(e->file)))
                return MR_ENOMEM;
        }
    }
    return 0;
}

/* Checks the counts; the cases into res. Returns 0, or an error code (printed). */
static int check(struct mr_results *res, const struct mr_scenario *sc, const char *const *journals,
                 size_t nj)
{
    struct mr_journal_file_info *info = calloc(nj ? nj : 1, sizeof(*info));
    struct mr_journal_limits lim;
    struct mr_verify_input vin;
    struct mr_journal *j = NULL;
    struct mr_error err;
    size_t k, dropped = nj;
    int rc;

    mr_journal_limits_init(&lim);
    lim.max_calls = (size_t)1 << 40; /* every call of every shard */
    lim.max_bytes = (size_t)1 << 40;
    if (!info || (rc = mr_journal_new(&j, sc->nservices, sc->nroutes, sc->nexpects, &lim, &err))) {
        free(info);
        fprintf(stderr, "mockrun: out of memory\n");
        return MR_ENOMEM;
    }
    for (k = 0; k < nj; k++) {
        if ((rc = mr_journal_file_read(j, sc, journals[k], &info[k], &err)) != 0) {
            mr_run_print_error(&err);
            goto done;
        }
        if (info[k].dropped_from && dropped == nj)
            dropped = k;
        mr_results_add_property(res, "mockrun.journal", journals[k]);
    }
    if (dropped < nj) {
        rc = cannot_count(res, sc, journals[dropped], &info[dropped]);
    } else {
        memset(&vin, 0, sizeof(vin));
        vin.sc = sc;
        vin.journal = j;
        vin.merge = true;
        rc = mr_verify(res, &vin);
        /* say where the calls a failure lists come from */
        for (k = 0; rc == 0 && k < res->ncases; k++) {
            struct mr_case *c = &res->cases[k];
            struct mr_buf b;
            if (c->status == MR_CASE_PASS || c->status == MR_CASE_SKIP)
                continue;
            mr_buf_init(&b);
            mr_buf_puts(&b, c->detail ? c->detail : "");
            where_calls_are(&b, journals, info, nj);
            if (b.failed) {
                mr_buf_release(&b);
                rc = MR_ENOMEM;
                break;
            }
            free(c->detail);
            c->detail = mr_buf_detach(&b, NULL);
        }
    }
    if (rc == 0)
        rc = mr_shard_label_suites(res, "all shards");
    if (rc == MR_ENOMEM)
        fprintf(stderr, "mockrun: out of memory\n");
done:
    mr_journal_free(j);
    free(info);
    return rc;
}

int mr_merge_run(const struct mr_cli *cli)
{
    const char *scenarios[MR_CLI_MAX_SCENARIOS], *journals[MR_CLI_MAX_SCENARIOS];
    const char *junit = cli->junit_given ? cli->junit : MR_MERGE_JUNIT_DEFAULT;
    size_t ns = 0, nj = 0, i, suite_scope = 0;
    int64_t start = mr_clock_mono_us();
    struct mr_scenario *sc = NULL;
    struct mr_results res;
    struct mr_error err;
    int rc = 0, code;

    for (i = 0; i < cli->nscenarios; i++) {
        int journal = mr_journal_file_is(cli->scenarios[i]);
        if (journal < 0)
            return MR_EXIT_USAGE;
        if (journal)
            journals[nj++] = cli->scenarios[i];
        else
            scenarios[ns++] = cli->scenarios[i];
    }
    if (!ns || !nj) {
        fprintf(stderr,
                "mockrun: merge needs the scenario file(s) and the shards' journals (--journal "
                "files); got %s\n",
                ns ? "no journal" : "no scenario");
        return MR_EXIT_USAGE;
    }
    if ((rc = mr_run_load(&sc, scenarios, ns, false)) != 0)
        return mr_run_exit_code(rc);
    for (i = 0; i < sc->nexpects; i++)
        suite_scope += sc->expects[i].suite_scope;
    if (!suite_scope)
        fprintf(stderr,
                "mockrun: no expectation has \"scope\": \"suite\", so there is nothing to check "
                "over the shards\n");
    mr_results_init(&res);
    res.start_wall_us = mr_clock_wall_us();
    mr_results_add_property(&res, "mockrun.version", MOCKRUN_VERSION);
    for (i = 0; i < sc->nfiles; i++)
        mr_results_add_property(&res,
                                sc->files[i].parent < 0 ? "mockrun.scenario" : "mockrun.import",
                                sc->files[i].path);
    rc = check(&res, sc, journals, nj);
    if (rc == 0) {
        res.time_s = (double)(mr_clock_mono_us() - start) / 1e6;
        if (!cli->no_junit && mr_junit_write(&res, junit, &err) != 0) {
            mr_run_print_error(&err);
            rc = err.code;
        }
        mr_console_print(stdout, &res, mr_console_use_color(STDOUT_FILENO));
        fflush(stdout);
    }
    code = rc ? mr_run_exit_code(rc)
           : mr_results_count(&res, MR_CASE_FAIL) + mr_results_count(&res, MR_CASE_ERROR)
               ? MR_EXIT_FAIL
               : MR_EXIT_PASS;
    mr_results_release(&res);
    mr_scenario_free(sc);
    return code;
}
