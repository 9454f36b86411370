/*
 * run.c - the orchestration: load → serve → spawn → wait → verify → report.
 *
 * The report is written before anything is torn down, and in a normal build
 * the mock server is not stopped at all: the process exits and the kernel
 * closes the sockets, so the user never waits for CivetWeb's shutdown.
 * Sanitizer builds (and MOCKRUN_FULL_TEARDOWN=1) stop and free everything,
 * so leak checkers see a clean exit.
 */
#include "runner/run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/xml.h"
#include "formats/mockoon.h"
#include "formats/openapi.h"
#include "formats/wiremock.h"
#include "reports/atomic.h"
#include "reports/console.h"
#include "reports/github.h"
#include "reports/har.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "reports/results.h"
#include "runner/cmdenv.h"
#include "runner/drift.h"
#include "runner/merge.h"
#include "runner/proc.h"
#include "runner/record.h"
#include "runner/shard.h"
#include "runner/snapshot.h"
#include "runner/sources.h"
#include "runner/verify.h"
#include "runner/version.h"
#include "scenarios/scenario.h"
#include "scenarios/schema.h"
#include "server/callback.h"
#include "server/service.h"

extern char **environ;

int mr_run_exit_code(int errcode)
{
    switch (errcode) {
    case 0:
        return MR_EXIT_PASS;
    case MR_EUSAGE:
    case MR_ESCENARIO:
        return MR_EXIT_USAGE;
    default:
        return MR_EXIT_SETUP;
    }
}

void mr_run_print_error(const struct mr_error *err)
{
    char line[1400];
    mr_error_format(err, line, sizeof(line));
    fprintf(stderr, "mockrun: %s\n", line);
}

/* "npm test", with arguments that need it quoted. */
static char *command_text(char *const *argv)
{
    struct mr_buf b;
    size_t i;

    mr_buf_init(&b);
    for (i = 0; argv[i]; i++) {
        bool quote = !*argv[i] || strpbrk(argv[i], " \t\n'\"\\$`*?;&|<>()") != NULL;
        if (i)
            mr_buf_putc(&b, ' ');
        if (quote) {
            const char *p;
            mr_buf_putc(&b, '\'');
            for (p = argv[i]; *p; p++) {
                if (*p == '\'')
                    mr_buf_puts(&b, "'\\''");
                else
                    mr_buf_putc(&b, *p);
            }
            mr_buf_putc(&b, '\'');
        } else {
            mr_buf_puts(&b, argv[i]);
        }
    }
    return mr_buf_detach(&b, NULL);
}

struct atomic_sink {
    struct mr_atomic_file *f;
    struct mr_error *err;
};

static int sink_write(void *ctx, const void *data, size_t len)
{
    struct atomic_sink *s = ctx;
    return mr_atomic_write(s->f, data, len, s->err);
}

static int write_journal(const char *path, const struct mr_scenario *sc, const struct mr_journal *j,
                         struct mr_error *err)
{
    struct mr_atomic_file f;
    struct atomic_sink sink = {&f, err};
    int rc;

    if ((rc = mr_atomic_begin(&f, path, err)) != 0)
        return rc;
    rc = mr_journal_write_json(j, sc, sink_write, &sink);
    if (rc == 0)
        rc = mr_atomic_commit(&f, err);
    if (rc != 0) {
        if (rc == MR_ENOMEM && !err->msg[0])
            mr_error_set(err, MR_ENOMEM, "out of memory writing the journal");
        mr_atomic_abort(&f);
    }
    return rc;
}

/* A fresh seed when neither --seed nor the scenario gives one; it is reported. */
static uint64_t draw_seed(void)
{
    uint64_t seed = (uint64_t)mr_clock_wall_us() ^ ((uint64_t)getpid() << 32);
    uint64_t random;
    if (getrandom(&random, sizeof(random), GRND_NONBLOCK) == (ssize_t)sizeof(random))
        seed = random;
    return seed & 0x1FFFFFFFFFFFFFull; /* fits a JSON number exactly */
}

/* --serve: no command; the mocks answer until Ctrl-C (or a signal, or the timeout). */
static void serve(int64_t timeout_ms)
{
    int sig;

    if (timeout_ms > 0)
        fprintf(stderr,
                "mockrun: serving for %.3g s; Ctrl-C stops sooner and checks the "
                "expectations\n",
                (double)timeout_ms / 1000.0);
    else
        fprintf(stderr, "mockrun: serving until Ctrl-C, then checking the expectations\n");
    fflush(stderr);
    sig = mr_proc_wait_signal(timeout_ms);
    mr_log(MR_LOG_INFO, "%s: stopping", sig ? strsignal(sig) : "time is up");
}

static bool full_teardown(void)
{
#if defined(MOCKRUN_FULL_TEARDOWN)
    return true;
#else
    const char *v = getenv("MOCKRUN_FULL_TEARDOWN");
    return v && *v && strcmp(v, "0") != 0;
#endif
}

static void add_properties(struct mr_results *res, const struct mr_scenario *sc,
                           const struct mr_server *srv, const char *cmd, uint64_t seed)
{
    size_t i;
    char num[32];
    mr_results_add_property(res, "mockrun.version", MOCKRUN_VERSION);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)seed);
    mr_results_add_property(res, "mockrun.seed", num);
    for (i = 0; i < sc->nfiles; i++)
        mr_results_add_property(res,
                                sc->files[i].parent < 0 ? "mockrun.scenario" : "mockrun.import",
                                sc->files[i].path);
    if (cmd)
        mr_results_add_property(res, "mockrun.command", cmd);
    for (i = 0; srv && i < sc->nservices; i++) {
        char name[300];
        snprintf(name, sizeof(name), "mockrun.service.%s.url", sc->services[i].name);
        mr_results_add_property(res, name, mr_server_url(srv, i));
        if (sc->nstates > 1) {
            snprintf(name, sizeof(name), "mockrun.service.%s.finalState", sc->services[i].name);
            mr_results_add_property(res, name, mr_server_state(srv, i));
        }
    }
}

/* Everything one run holds, so each phase is a function and clean-up is one. */
struct run {
    const struct mr_cli *cli;
    int64_t start_mono, start_wall;
    int64_t command_wall; /* when the command started (--serve: serving), for `withinMs` */
    int64_t command_mono; /* the same on the monotonic clock, for callbacks */
    struct mr_scenario *sc;
    struct mr_server *srv;
    uint64_t seed;
    char **argv; /* the command; NULL with --serve */
    char *shell_argv[4];
    char *cmd; /* argv as one line of text, for messages and the report */
    char **env;
    struct mr_proc_opts popts;
    struct mr_proc_result proc;
    bool started; /* the command ran (whatever became of it) */
    struct mr_results res;
    struct mr_snapshot *snap; /* --snapshot */
    struct mr_shard shard;    /* --shard, or the CI's variables */
    const char *junit;        /* the JUnit report's path */
    char junit_shard[64];     /* its default in a shard */
    const char **states;
    struct mr_contracts *contracts; /* services' OpenAPI contracts, or NULL */
    bool check_failed;              /* --check: mocked answers disagree with their contracts */
    struct mr_error err;            /* why the run could not go on */
};

int mr_run_load(struct mr_scenario **out, const char *const *paths, size_t n, bool strict_import)
{
    struct mr_sources src;
    struct mr_error_list errs;
    size_t i;
    int rc;

    memset(&errs, 0, sizeof(errs));
    mr_sources_init(&src, strict_import);
    rc = mr_sources_read(&src, paths, n, &errs);
    if (rc == 0)
        rc = mr_scenario_parse(out, src.items, src.n, &src.importer, &errs);
    mr_sources_release(&src);
    if (rc == 0)
        return 0;
    for (i = 0; i < errs.count; i++)
        mr_run_print_error(&errs.items[i]);
    if (errs.dropped)
        fprintf(stderr, "mockrun: ... and %zu more problems\n", errs.dropped);
    if (rc == MR_ENOMEM)
        fprintf(stderr, "mockrun: out of memory\n");
    return rc;
}

static const char *env(const char *name)
{
    return getenv(name);
}

/* What the command line and the scenario decide together, checked before
 * anything starts: the command, the port, the listen address, the reports. */
static int prepare(struct run *r)
{
    static char sh[] = "/bin/sh", dash_c[] = "-c";
    const struct mr_cli *cli = r->cli;
    const struct mr_scenario *sc = r->sc;

    r->argv = cli->serve ? NULL : cli->command ? cli->command : sc->command.run;
    if (!cli->serve && (!r->argv || !r->argv[0]))
        return mr_error_set(&r->err, MR_EUSAGE,
                            "no command to run: give one after \"--\" or in \"command.run\" of %s",
                            sc->nfiles == 1 ? sc->files[0].path : "a scenario file");
    if (cli->port > 0 && sc->nservices != 1)
        return mr_error_set(&r->err, MR_EUSAGE,
                            "--port needs a scenario with one service; %s has %zu",
                            sc->nfiles == 1 ? sc->files[0].path : "this run", sc->nservices);
    if (cli->shell && r->argv) {
        r->shell_argv[0] = sh;
        r->shell_argv[1] = dash_c;
        r->shell_argv[2] = r->argv[0];
        r->argv = r->shell_argv;
    }
    if (strcmp(cli->host, "127.0.0.1") != 0 && strcmp(cli->host, "::1") != 0 &&
        strcmp(cli->host, "localhost") != 0)
        mr_log(MR_LOG_WARN, "listening on %s, not loopback: other machines can reach the mocks",
               cli->host);
    if (mr_shard_resolve(&r->shard, cli->shard, env, &r->err) != 0)
        return r->err.code;
    r->junit = cli->junit;
    if (mr_shard_active(&r->shard) && !cli->junit_given) {
        mr_shard_junit_path(&r->shard, r->junit_shard, sizeof(r->junit_shard));
        r->junit = r->junit_shard;
    }
    /* refuse early, before anything runs, when a report cannot be written */
    if (!cli->no_junit && mr_atomic_check_writable(r->junit, &r->err) != 0)
        return r->err.code;
    if (cli->journal && mr_atomic_check_writable(cli->journal, &r->err) != 0)
        return r->err.code;
    if (cli->html && mr_atomic_check_writable(cli->html, &r->err) != 0)
        return r->err.code;
    if (cli->har && mr_atomic_check_writable(cli->har, &r->err) != 0)
        return r->err.code;
    if (cli->snapshot && mr_snapshot_open(&r->snap, cli->snapshot, cli->update_snapshot,
                                          mr_snapshot_under_ci(getenv("CI")), sc, &r->err) != 0)
        return r->err.code;
    r->seed = cli->has_seed ? cli->seed : sc->has_seed ? sc->seed : draw_seed();
    mr_log(MR_LOG_INFO, "seed %llu (replay with --seed %llu)", (unsigned long long)r->seed,
           (unsigned long long)r->seed);
    return 0;
}

static int start_mocks(struct run *r)
{
    const struct mr_cli *cli = r->cli;
    const struct mr_scenario *sc = r->sc;
    struct mr_server_opts sopts;
    size_t i;
    int rc;

    mr_server_opts_init(&sopts);
    sopts.seed = r->seed;
    sopts.host = strcmp(cli->host, "localhost") == 0 ? "127.0.0.1" : cli->host;
    sopts.port_override = cli->port;
    sopts.threads = cli->threads;
    sopts.body_max = cli->body_max;
    sopts.body_read_max = cli->body_read_max;
    sopts.journal.max_calls = cli->journal_limit;
    sopts.admin = !cli->no_admin;
    if ((rc = mr_server_start(&r->srv, sc, &sopts, &r->err)) != 0)
        return rc;
    for (i = 0; i < sc->nservices; i++) {
        if (cli->serve) /* what the user needs to point an app at the mocks */
            fprintf(stderr, "mockrun: serving %s at %s (%s)\n", sc->services[i].name,
                    mr_server_url(r->srv, i), sc->services[i].url_var);
        else
            mr_log(MR_LOG_INFO, "service %s listening on %s (%s)", sc->services[i].name,
                   mr_server_url(r->srv, i), sc->services[i].url_var);
    }
    return 0;
}

/*
 * The end of the command is the end of callbacks: those due while it ran
 * are still sent (each within its timeout and retries already due), those
 * due later are recorded as not sent. An interrupted command, or a signal
 * now, stops what is left at once. With --serve, Ctrl-C ends serving
 * rather than interrupting: the callbacks already due are still sent, and a
 * second signal stops them.
 */
static void finish_callbacks(struct run *r)
{
    struct mr_dispatch *d = mr_server_dispatch(r->srv);
    int64_t cutoff;
    size_t left;
    char drain[64];

    if (!d)
        return;
    cutoff = r->started ? r->command_mono + r->proc.duration_ms * 1000 : mr_clock_mono_us();
    left = mr_dispatch_finish(d, cutoff);
    if (r->started && r->proc.state == MR_PROC_INTERRUPTED)
        mr_dispatch_abort(d);
    else if (left)
        mr_log(MR_LOG_INFO, "sending %zu callback%s due before the command ended", left,
               left == 1 ? "" : "s");
    while (!mr_dispatch_idle(d)) {
        int sig = mr_proc_wait_signal_fd(mr_dispatch_idle_fd(d), 0);
        while (read(mr_dispatch_idle_fd(d), drain, sizeof(drain)) > 0)
            ;
        if (sig > 0) {
            mr_log(MR_LOG_WARN, "%s: callbacks still being sent are stopped", strsignal(sig));
            mr_dispatch_abort(d);
        } else if (sig < 0) {
            break;
        }
    }
}

/* Runs the command to its end (or, with --serve, waits for Ctrl-C), then
 * stops recording: no call after this is part of the run. */
static int exercise(struct run *r)
{
    int rc = 0;

    /* The XML reports need libxml2 (common/xml.h): load it while the command runs. */
    if (!r->cli->no_junit || r->cli->html)
        mr_xml_preload();
    mr_proc_opts_init(&r->popts);
    r->popts.timeout_ms = r->cli->timeout_ms >= 0 ? r->cli->timeout_ms : r->sc->command.timeout_ms;
    r->popts.kill_after_ms = r->cli->kill_after_ms;
    r->popts.tty = !r->cli->no_tty;
    if (r->cli->serve) {
        r->command_wall = mr_clock_wall_us();
        serve(r->popts.timeout_ms);
    } else {
        r->cmd = command_text(r->argv);
        r->env = mr_cmdenv_new(r->sc, mr_server_urls(r->srv), environ);
        r->popts.argv = r->argv;
        r->popts.envp = r->env;
        r->command_wall = mr_clock_wall_us(); /* the spawn follows at once */
        r->command_mono = mr_clock_mono_us();
        if (!r->env || !r->cmd)
            rc = mr_error_set(&r->err, MR_ENOMEM, "out of memory");
        else
            rc = mr_proc_run(&r->popts, &r->proc, &r->err);
        r->started = r->proc.state != MR_PROC_NOT_STARTED;
        if (!r->started)
            mr_run_print_error(&r->err);
        else if (r->proc.output_abandoned) /* the report has it with the command's case */
            mr_log(MR_LOG_WARN, "the command exited but something it started kept its output "
                                "open; stopped reading it after the grace period");
    }
    finish_callbacks(r);
    mr_server_close(r->srv);
    return rc;
}

/* The Content-Type of a response when the scenario fixes it, else NULL. */
static const char *fixed_type(const struct mr_response *rs)
{
    size_t i;

    if (rs->fault != MR_FAULT_NONE)
        return NULL;
    if (rs->has_content_type) {
        for (i = 0; i < rs->nheaders; i++)
            if (strcasecmp(rs->headers[i].name, "Content-Type") == 0)
                return rs->templated && rs->header_tpls && rs->header_tpls[i]
                           ? NULL
                           : rs->headers[i].value;
        return NULL;
    }
    if (rs->file_tpl || rs->kind == MR_RESP_EMPTY)
        return NULL;
    return rs->content_type;
}

/* The Content-Type of a call's answer, when the scenario tells it: the one its
 * route's responses all have, or mockrun's own for a call no route matched. */
static const char *answer_type(const struct mr_scenario *sc, const struct mr_call *c)
{
    const struct mr_route *rt;
    const char *type;
    size_t i;

    if (c->proxied)
        return NULL; /* the proxy target's: the journal keeps no answer headers */
    if (c->route < 0 || (size_t)c->route >= sc->nroutes)
        return "text/plain; charset=utf-8"; /* mockrun's near-miss answer */
    rt = &sc->routes[c->route];
    if (rt->nresponses == 0)
        return fixed_type(&rt->response);
    type = fixed_type(&rt->responses[0]);
    for (i = 1; type && i < rt->nresponses; i++) {
        const char *t = fixed_type(&rt->responses[i]);
        if (!t || strcmp(t, type) != 0)
            return NULL;
    }
    return type;
}

/* One kept call into the results: the journal's strings are borrowed for the
 * copy mr_results_add_call makes. */
static int add_call(struct mr_results *res, const struct mr_scenario *sc, const struct mr_call *c)
{
    struct mr_results_call rc;
    struct mr_results_header *h = NULL;
    const char *it = NULL, *name, *value;
    size_t n = 0;
    int err;

    memset(&rc, 0, sizeof(rc));
    if (c->nheaders > 0 && !(h = calloc(c->nheaders, sizeof(*h))))
        return MR_ENOMEM;
    while (n < c->nheaders && (it = mr_call_next_header(c, it, &name, &value)) != NULL) {
        h[n].name = (char *)name; /* borrowed: copied by mr_results_add_call */
        h[n].value = (char *)value;
        n++;
    }
    rc.seq = c->seq;
    rc.wall_us = c->wall_us;
    rc.duration_us = c->duration_us;
    rc.service = c->service;
    rc.method = (char *)c->method;
    rc.path = (char *)c->path;
    rc.query = (char *)c->query;
    rc.headers = h;
    rc.nheaders = n;
    rc.body = (char *)c->body;
    rc.body_len = c->body_len;
    rc.body_size = c->body_size;
    rc.body_truncated = c->body_truncated;
    rc.status = c->status;
    rc.route = c->route >= 0 && (size_t)c->route < sc->nroutes ? sc->routes[c->route].id : NULL;
    rc.allowed = c->allowed;
    rc.proxied = c->proxied;
    rc.near = (char *)c->near;
    rc.response_type = (char *)answer_type(sc, c);
    rc.response_body = (char *)c->answer;
    rc.response_body_len = c->answer_len;
    rc.test = (char *)c->test;
    err = mr_results_add_call(res, &rc);
    free(h);
    return err;
}

/* One callback attempt into the results (the journal's strings borrowed for the copy). */
static int add_attempt(struct mr_results *res, const struct mr_scenario *sc,
                       const struct mr_attempt *a)
{
    static const enum mr_results_outcome outcomes[] = {
        [MR_ATTEMPT_ANSWERED] = MR_RESULTS_ANSWERED,
        [MR_ATTEMPT_FAILED] = MR_RESULTS_FAILED,
        [MR_ATTEMPT_REFUSED] = MR_RESULTS_REFUSED,
        [MR_ATTEMPT_NOT_SENT] = MR_RESULTS_NOT_SENT,
    };
    struct mr_results_attempt ra;
    struct mr_results_header *h = NULL;
    const char *it = NULL, *name, *value;
    size_t n = 0;
    int err;

    memset(&ra, 0, sizeof(ra));
    if (a->nheaders > 0 && !(h = calloc(a->nheaders, sizeof(*h))))
        return MR_ENOMEM;
    while (n < a->nheaders && (it = mr_attempt_next_header(a, it, &name, &value)) != NULL) {
        h[n].name = (char *)name;
        h[n].value = (char *)value;
        n++;
    }
    ra.seq = a->seq;
    ra.callback = (char *)(a->callback < sc->ncallbacks ? sc->callbacks[a->callback].id : "?");
    ra.delivery = a->delivery;
    ra.attempt = a->attempt;
    ra.trigger = a->trigger;
    ra.final = a->final;
    ra.outcome = outcomes[a->outcome];
    ra.wall_us = a->wall_us;
    ra.duration_us = a->duration_us;
    ra.method = (char *)a->method;
    ra.url = (char *)a->url;
    ra.headers = h;
    ra.nheaders = n;
    ra.body = (char *)a->body;
    ra.body_len = a->body_len;
    ra.body_size = a->body_size;
    ra.body_truncated = a->body_truncated;
    ra.status = a->status;
    ra.error = (char *)a->error;
    ra.response_type = a->answer_type && *a->answer_type ? (char *)a->answer_type : NULL;
    ra.response_body = (char *)a->answer;
    ra.response_body_len = a->answer_len;
    err = mr_results_add_attempt(res, &ra);
    free(h);
    return err;
}

/*
 * What the HTML and HAR reports and -v's route table show beyond the cases:
 * the command, the seed, the services, and (only when one of them is asked
 * for) the calls the journal kept and the calls per route.
 */
static int add_calls(struct run *r)
{
    const struct mr_cli *cli = r->cli;
    const struct mr_scenario *sc = r->sc;
    const struct mr_journal *j = r->srv ? mr_server_journal(r->srv) : NULL;
    struct mr_results *res = &r->res;
    bool calls = cli->html || cli->har, routes = cli->html || cli->verbose > 0;
    size_t kept, i, none = 0, via = 0;
    uint64_t unmatched, proxied;
    int rc = 0;

    res->seed = r->seed;
    res->has_seed = true;
    if (mr_results_set_command(res, r->cmd) != 0)
        return MR_ENOMEM;
    for (i = 0; i < sc->nservices; i++)
        if (mr_results_add_service(res, sc->services[i].name,
                                   r->srv ? mr_server_url(r->srv, i) : NULL) != 0)
            return MR_ENOMEM;
    if (!j)
        return 0;
    kept = mr_journal_kept(j);
    res->calls_total = mr_journal_total(j);
    res->has_calls = calls;
    for (i = 0; calls && rc == 0 && i < kept; i++)
        rc = add_call(res, sc, mr_journal_at(j, i));
    res->has_attempts = sc->ncallbacks > 0 && (calls || routes);
    for (i = 0; res->has_attempts && rc == 0 && i < mr_journal_attempts(j); i++)
        rc = add_attempt(res, sc, mr_journal_attempt_at(j, i));
    if (rc != 0 || !routes)
        return rc;
    for (i = 0; rc == 0 && i < sc->nroutes; i++)
        rc = mr_results_add_route(res, sc->routes[i].id, sc->routes[i].service,
                                  mr_journal_route_count(j, i));
    unmatched = mr_journal_unmatched(j, -1) + mr_journal_allowed(j, -1);
    if (rc == 0 && unmatched > 0) {
        none = res->nroutes;
        rc = mr_results_add_route(res, NULL, 0, unmatched);
    }
    proxied = mr_journal_proxied(j, -1);
    if (rc == 0 && proxied > 0) { /* a row of their own: "(proxied)" */
        via = res->nroutes;
        if ((rc = mr_results_add_route(res, NULL, 0, proxied)) == 0)
            res->routes[via].proxied = true;
    }
    for (i = 0; rc == 0 && i < kept; i++) {
        const struct mr_call *c = mr_journal_at(j, i);
        bool matched = c->route >= 0 && (size_t)c->route < sc->nroutes;
        if (matched)
            rc = mr_results_count_status(res, (size_t)c->route, c->status);
        else if (c->proxied ? proxied > 0 : unmatched > 0)
            rc = mr_results_count_status(res, c->proxied ? via : none, c->status);
    }
    return rc;
}

/* --snapshot: the calls compared with the snapshot, or written to it. */
static int verify_snapshot(struct run *r)
{
    struct mr_snapshot_input in;

    if (!r->snap)
        return 0;
    memset(&in, 0, sizeof(in));
    in.sc = r->sc;
    in.journal = mr_server_journal(r->srv);
    in.ran = r->cli->serve || r->started;
    in.complete = r->cli->serve || (r->started && r->proc.state == MR_PROC_EXITED &&
                                    r->proc.exit_code == r->sc->command.exit_code);
    return mr_snapshot_verify(r->snap, &r->res, &in);
}

/* The outcome: the verified calls and the command's case, or, when the mocks
 * could not start, why nothing ran (a dashboard should show that, not "no
 * test results"). */
static int build_results(struct run *r, int rc)
{
    struct mr_verify_input vin;
    size_t i;

    mr_results_init(&r->res);
    r->res.start_wall_us = r->start_wall;
    add_properties(&r->res, r->sc, r->srv, r->cmd, r->seed);
    if (mr_shard_active(&r->shard)) {
        char label[32];
        mr_shard_label(&r->shard, label, sizeof(label));
        mr_results_add_property(&r->res, "mockrun.shard", label);
    }
    if (add_calls(r) != 0) {
        mr_error_set(&r->err, MR_ENOMEM, "out of memory while copying the calls for the reports");
        mr_run_print_error(&r->err);
        return MR_ENOMEM;
    }
    if (!r->srv) {
        /* every file's suite, the reason in the first */
        for (i = 0; i < r->sc->nfiles && r->sc->files[i].parent < 0; i++)
            if (mr_results_add_suite(&r->res, r->sc->files[i].name, r->sc->files[i].path) != 0 ||
                (i == 0 && mr_results_add_case(&r->res, MR_CASE_ERROR, "the mock services start",
                                               r->err.msg, NULL) != 0))
                return MR_ENOMEM;
        return mr_shard_name_suites(&r->res, &r->shard) != 0 ? MR_ENOMEM : rc;
    }
    if (r->started)
        mr_results_set_captured(&r->res, r->proc.out, r->proc.out_len, r->proc.out_dropped,
                                r->proc.err, r->proc.err_len, r->proc.err_dropped);
    r->states = calloc(r->sc->nservices, sizeof(*r->states));
    for (i = 0; r->states && i < r->sc->nservices; i++)
        r->states[i] = mr_server_state(r->srv, i);
    memset(&vin, 0, sizeof(vin));
    vin.sc = r->sc;
    vin.journal = mr_server_journal(r->srv);
    vin.serve = r->cli->serve;
    vin.proc = r->started ? &r->proc : NULL;
    vin.command_text = r->cmd ? r->cmd : r->argv ? r->argv[0] : "";
    vin.spawn_error = r->started ? NULL : r->err.msg;
    vin.timeout_ms = r->popts.timeout_ms;
    vin.final_states = r->states;
    vin.start_wall_us = r->command_wall;
    vin.sharded = mr_shard_active(&r->shard);
    vin.contracts = r->contracts;
    if (mr_verify(&r->res, &vin) != 0 || verify_snapshot(r) != 0 ||
        mr_shard_name_suites(&r->res, &r->shard) != 0) {
        mr_error_set(&r->err, MR_ENOMEM, "out of memory while verifying");
        mr_run_print_error(&r->err);
        return MR_ENOMEM;
    }
    return rc;
}

/* On GitHub Actions: an annotation per failure, and the job summary. */
static void report_github(const struct run *r)
{
    const char *v = getenv("GITHUB_ACTIONS"), *summary = getenv("GITHUB_STEP_SUMMARY");
    struct mr_error err;

    if (!v || strcmp(v, "true") != 0)
        return;
    mr_github_annotate(stdout, &r->res);
    fflush(stdout);
    /* GitHub's file, not one the user asked for: a failure is a warning */
    if (summary && *summary && mr_github_summary_append(&r->res, summary, &err) != 0) {
        char line[1400];
        mr_error_format(&err, line, sizeof(line));
        mr_log(MR_LOG_WARN, "%s", line);
    }
}

/* Writes every report asked for and prints the summary. */
static int report(struct run *r, int rc)
{
    const struct mr_cli *cli = r->cli;
    struct mr_error err;
    bool color = mr_console_use_color(STDOUT_FILENO);

    r->res.time_s = (double)(mr_clock_mono_us() - r->start_mono) / 1e6;
    if (!cli->no_junit && mr_junit_write(&r->res, r->junit, &err) != 0) {
        mr_run_print_error(&err);
        rc = rc ? rc : err.code;
    }
    if (cli->html && mr_html_write(&r->res, cli->html, &err) != 0) {
        mr_run_print_error(&err);
        rc = rc ? rc : err.code;
    }
    if (cli->har && mr_har_write(&r->res, cli->har, &err) != 0) {
        mr_run_print_error(&err);
        rc = rc ? rc : err.code;
    }
    if (cli->journal && r->srv &&
        write_journal(cli->journal, r->sc, mr_server_journal(r->srv), &err) != 0) {
        mr_run_print_error(&err);
        rc = rc ? rc : err.code;
    }
    fflush(stderr);
    if (r->srv) {
        if (cli->verbose > 0) {
            mr_console_print_routes(stdout, &r->res, color);
            mr_console_print_callbacks(stdout, &r->res, color);
        }
        mr_console_print(stdout, &r->res, color);
    }
    fflush(stdout);
    report_github(r);
    return rc;
}

/* The one place the exit status is decided. */
static int exit_status(const struct run *r, int rc)
{
    if (rc != 0)
        return mr_run_exit_code(rc);
    if (r->cli->check || r->cli->action != MR_CLI_RUN)
        return r->check_failed ? MR_EXIT_FAIL : MR_EXIT_PASS;
    return mr_results_count(&r->res, MR_CASE_FAIL) + mr_results_count(&r->res, MR_CASE_ERROR)
               ? MR_EXIT_FAIL
               : MR_EXIT_PASS;
}

static void release(struct run *r)
{
    free(r->states);
    mr_snapshot_free(r->snap);
    mr_contracts_free(r->contracts);
    mr_results_release(&r->res);
    mr_proc_result_release(&r->proc);
    mr_cmdenv_free(r->env);
    free(r->cmd);
    mr_server_stop(r->srv);
    mr_scenario_free(r->sc);
}

/* --import-mockoon FILE: the scenario on stdout, one warning a line on stderr. */
static int import_mockoon(const char *file)
{
    struct mr_mockoon_result res;
    struct mr_error err;
    struct mr_buf text;
    size_t i;
    int rc;

    mr_buf_init(&text);
    if ((rc = mr_buf_read_file(&text, file, 64u << 20)) != 0) {
        fprintf(stderr, "mockrun: %s: cannot read the environment: %s\n", file,
                rc == EFBIG ? "larger than 64 MiB" : strerror(rc));
        mr_buf_release(&text);
        return MR_EXIT_USAGE;
    }
    rc = mr_mockoon_convert(file, text.data ? text.data : "", text.len, &res, &err);
    mr_buf_release(&text);
    if (rc != 0) {
        mr_run_print_error(&err);
        return MR_EXIT_USAGE;
    }
    fputs(res.scenario, stdout);
    for (i = 0; i < res.nwarnings; i++)
        fprintf(stderr, "mockrun: %s: %s\n", file, res.warnings[i]);
    mr_mockoon_result_free(&res);
    return fflush(stdout) == 0 ? MR_EXIT_PASS : MR_EXIT_SETUP;
}

/* --version: mockrun's, its commit, and its libraries' as they report them. */
static int print_version(void)
{
    struct mr_error err;
    int rc = mr_version_print(stdout, &err);

    if (fflush(stdout) != 0)
        return MR_EXIT_SETUP;
    if (rc != 0) {
        mr_run_print_error(&err);
        return MR_EXIT_SETUP;
    }
    return MR_EXIT_PASS;
}

/* schema: the JSON Schema of scenario files on stdout. */
static int print_schema(void)
{
    struct mr_error err;
    char *text;

    if (mr_schema_document(&text, &err) != 0) {
        mr_run_print_error(&err);
        return MR_EXIT_SETUP;
    }
    fputs(text, stdout);
    free(text);
    return fflush(stdout) == 0 ? MR_EXIT_PASS : MR_EXIT_SETUP;
}

/* What `mockrun init` writes: it passes --check, and runs as it is. */
static const char starter[] =
    "{\n"
    "  \"$schema\": \"scenario.schema.json\",\n"
    "  \"name\": \"my app and its API\",\n"
    "  \"description\": \"Written by mockrun init. The command under test finds the service's "
    "URL in MOCKRUN_API_URL.\",\n"
    "  \"services\": {\n"
    "    \"api\": {\n"
    "      \"routes\": [\n"
    "        {\n"
    "          \"id\": \"list-items\",\n"
    "          \"request\": { \"method\": \"GET\", \"path\": \"/items\" },\n"
    "          \"response\": { \"json\": [{ \"id\": 1, \"name\": \"first\" }] }\n"
    "        },\n"
    "        {\n"
    "          \"id\": \"add-item\",\n"
    "          \"request\": {\n"
    "            \"method\": \"POST\",\n"
    "            \"path\": \"/items\",\n"
    "            \"body\": { \"json\": { \"name\": \"second\" } }\n"
    "          },\n"
    "          \"response\": { \"status\": 201, \"json\": { \"id\": 2, \"name\": "
    "\"second\" } }\n"
    "        }\n"
    "      ]\n"
    "    }\n"
    "  },\n"
    "  \"expect\": [{ \"route\": \"add-item\", \"times\": 1 }]\n"
    "}\n";

/* init [FILE]: the starter scenario, never over an existing file. */
static int init(const char *file)
{
    const char *slash = strrchr(file, '/');
    size_t done = 0, len = strlen(starter);
    int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);

    if (fd < 0 && errno == EEXIST) {
        fprintf(stderr,
                "mockrun: %s already exists; mockrun init does not overwrite it (give "
                "another name: mockrun init FILE)\n",
                file);
        return MR_EXIT_USAGE;
    }
    if (fd < 0) {
        fprintf(stderr, "mockrun: cannot create %s: %s\n", file, strerror(errno));
        return MR_EXIT_SETUP;
    }
    while (done < len) {
        ssize_t n = write(fd, starter + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    if (done < len || close(fd) != 0) {
        fprintf(stderr, "mockrun: cannot write %s: %s\n", file, strerror(errno));
        if (done < len)
            close(fd);
        unlink(file);
        return MR_EXIT_SETUP;
    }
    printf("mockrun: wrote %s: service \"api\" with two routes and one expectation\n"
           "next:\n"
           "  1. make its routes answer what your code asks (docs/scenario-format.md)\n"
           "  2. mockrun --check %s\n"
           "  3. mockrun %s -- <your test command>\n"
           "     (your code finds the mock's URL in $MOCKRUN_API_URL)\n"
           "for completion and checking in editors, write the schema its \"$schema\" names:\n"
           "  mockrun schema > %.*sscenario.schema.json\n",
           file, file, file, slash ? (int)(slash - file + 1) : 0, file);
    return fflush(stdout) == 0 ? MR_EXIT_PASS : MR_EXIT_SETUP;
}

/* --import-wiremock PATH: the same for a WireMock root folder or mapping file (each
 * warning names its file). */
static int import_wiremock(const char *path)
{
    struct mr_wiremock_result res;
    struct mr_error err;
    size_t i;

    if (mr_wiremock_convert(path, &res, &err) != 0) {
        mr_run_print_error(&err);
        return MR_EXIT_USAGE;
    }
    fputs(res.scenario, stdout);
    for (i = 0; i < res.nwarnings; i++)
        fprintf(stderr, "mockrun: %s\n", res.warnings[i]);
    mr_wiremock_result_free(&res);
    return fflush(stdout) == 0 ? MR_EXIT_PASS : MR_EXIT_SETUP;
}

/* import openapi FILE: a starting scenario for an OpenAPI document; each
 * warning is "FILE:line:col: path: message". */
static int import_openapi(const char *path)
{
    struct mr_openapi_result res;
    struct mr_error err;
    size_t i;

    if (mr_openapi_convert(path, &res, &err) != 0) {
        mr_run_print_error(&err);
        return err.code == MR_ENOMEM ? MR_EXIT_SETUP : MR_EXIT_USAGE;
    }
    fputs(res.scenario, stdout);
    for (i = 0; i < res.nwarnings; i++)
        fprintf(stderr, "mockrun: %s:%s\n", path, res.warnings[i]);
    mr_openapi_result_free(&res);
    return fflush(stdout) == 0 ? MR_EXIT_PASS : MR_EXIT_SETUP;
}

int mr_run(const struct mr_cli *cli)
{
    struct run r;
    int rc, code;

    switch (cli->action) {
    case MR_CLI_HELP:
        fputs(mr_cli_help(), stdout);
        return MR_EXIT_PASS;
    case MR_CLI_VERSION:
        return print_version();
    case MR_CLI_IMPORT_MOCKOON:
        return import_mockoon(cli->import_mockoon);
    case MR_CLI_SCHEMA:
        return print_schema();
    case MR_CLI_INIT:
        return init(cli->init_file);
    case MR_CLI_IMPORT_WIREMOCK:
        return import_wiremock(cli->import_wiremock);
    case MR_CLI_MERGE:
        return mr_merge_run(cli);
    case MR_CLI_RECORD:
        return mr_record_run(cli);
    case MR_CLI_DRIFT:
        return mr_drift_run(cli);
    case MR_CLI_IMPORT_OPENAPI:
        return import_openapi(cli->import_openapi);
    case MR_CLI_RUN:
        break;
    }

    memset(&r, 0, sizeof(r));
    r.cli = cli;
    r.start_mono = mr_clock_mono_us();
    r.start_wall = mr_clock_wall_us();
    /* --serve is interactive: every call is logged, as with -v */
    mr_log_set_level(cli->verbose >= 2                 ? MR_LOG_DEBUG
                     : cli->verbose == 1 || cli->serve ? MR_LOG_INFO
                                                       : MR_LOG_WARN);
    rc = mr_run_load(&r.sc, cli->scenarios, cli->nscenarios, cli->strict_import);
    if (rc == 0 && (rc = mr_contracts_load(&r.contracts, r.sc, &r.err)) != 0)
        mr_run_print_error(&r.err);
    if (rc == 0 && cli->check) {
        fputs("mockrun: ", stdout);
        for (size_t i = 0; i + 1 < cli->nscenarios; i++)
            printf("%s, ", cli->scenarios[i]);
        printf("%s %s valid: %zu service%s, %zu route%s, %zu expectation%s",
               cli->scenarios[cli->nscenarios - 1], cli->nscenarios == 1 ? "is" : "are",
               r.sc->nservices, r.sc->nservices == 1 ? "" : "s", r.sc->nroutes,
               r.sc->nroutes == 1 ? "" : "s", r.sc->nexpects, r.sc->nexpects == 1 ? "" : "s");
        if (r.sc->ncallbacks)
            printf(", %zu callback%s", r.sc->ncallbacks, r.sc->ncallbacks == 1 ? "" : "s");
        putchar('\n');
        if (mr_contracts_mock_violations(r.contracts)) {
            /* valid, but the mocks say what their API would not */
            fflush(stdout);
            mr_contracts_print_mocks(stderr, r.contracts);
            r.check_failed = true;
        }
    } else if (rc == 0) {
        if (mr_contracts_mock_violations(r.contracts))
            mr_log(MR_LOG_WARN,
                   "%zu mocked answers disagree with their OpenAPI documents; the "
                   "report lists them",
                   mr_contracts_mock_violations(r.contracts));
        if ((rc = prepare(&r)) != 0) {
            mr_run_print_error(&r.err);
        } else {
            /* from here on the run is always reported, whatever happens */
            if ((rc = start_mocks(&r)) != 0)
                mr_run_print_error(&r.err);
            else
                rc = exercise(&r);
            rc = report(&r, build_results(&r, rc));
        }
    }
    code = exit_status(&r, rc);
    if (!full_teardown() && r.srv) {
        /* Everything the user needs is written; the kernel frees the rest at once. */
        _exit(code);
    }
    release(&r);
    return code;
}
