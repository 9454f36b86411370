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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "reports/atomic.h"
#include "reports/console.h"
#include "reports/junit.h"
#include "reports/results.h"
#include "runner/proc.h"
#include "runner/verify.h"
#include "scenarios/scenario.h"
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

static void print_error(const struct mr_error *err)
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

/* The command's environment: ours, then each service's URL variables, then command.env. */
static char **build_env(const struct mr_scenario *sc, const struct mr_server *srv)
{
    size_t n = 0, i, k = 0, extra = 1 + sc->nservices * 2 + sc->command.nenv;
    char **env;

    while (environ[n])
        n++;
    env = calloc(n + extra + 1, sizeof(char *));
    if (!env)
        return NULL;
    for (i = 0; i < n; i++) {
        /* drop variables we set, so ours win without duplicates */
        const char *eq = strchr(environ[i], '=');
        size_t len = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        bool ours = len == 11 && strncmp(environ[i], "MOCKRUN_URL", 11) == 0;
        size_t s;
        for (s = 0; s < sc->nservices && !ours; s++) {
            const struct mr_service *svc = &sc->services[s];
            ours = (strlen(svc->url_var) == len && !strncmp(environ[i], svc->url_var, len)) ||
                   (svc->env_name && strlen(svc->env_name) == len &&
                    !strncmp(environ[i], svc->env_name, len));
        }
        for (s = 0; s < sc->command.nenv && !ours; s++)
            ours = strlen(sc->command.env[s].name) == len &&
                   !strncmp(environ[i], sc->command.env[s].name, len);
        if (!ours)
            env[k++] = strdup(environ[i]);
    }
#define ADD(name, value)                                                                           \
    do {                                                                                           \
        struct mr_buf b_;                                                                          \
        mr_buf_init(&b_);                                                                          \
        mr_buf_printf(&b_, "%s=%s", (name), (value));                                              \
        env[k++] = mr_buf_detach(&b_, NULL);                                                       \
    } while (0)
    ADD("MOCKRUN_URL", mr_server_url(srv, 0));
    for (i = 0; i < sc->nservices; i++) {
        ADD(sc->services[i].url_var, mr_server_url(srv, i));
        if (sc->services[i].env_name)
            ADD(sc->services[i].env_name, mr_server_url(srv, i));
    }
    for (i = 0; i < sc->command.nenv; i++)
        ADD(sc->command.env[i].name, sc->command.env[i].value);
#undef ADD
    for (i = 0; i < k; i++) {
        if (!env[i]) {
            size_t j;
            for (j = 0; j < k; j++)
                free(env[j]);
            free(env);
            return NULL;
        }
    }
    return env;
}

static void free_env(char **env)
{
    size_t i;
    if (!env)
        return;
    for (i = 0; env[i]; i++)
        free(env[i]);
    free(env);
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
    mr_results_add_property(res, "mockrun.scenario", sc->file);
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

int mr_run(const struct mr_cli *cli)
{
    struct mr_error_list errs;
    struct mr_error err;
    struct mr_scenario *sc = NULL;
    struct mr_server *srv = NULL;
    struct mr_server_opts sopts;
    struct mr_proc_opts popts;
    struct mr_proc_result proc;
    struct mr_results res;
    struct mr_verify_input vin;
    static char sh[] = "/bin/sh", dash_c[] = "-c";
    char **argv, **env = NULL, *shell_argv[4] = {NULL, NULL, NULL, NULL};
    char *cmd = NULL;
    const char **states = NULL;
    int64_t start_mono = mr_clock_mono_us(), start_wall = mr_clock_wall_us();
    int rc, code;
    bool started;
    size_t i;

    /* --serve is interactive: every call is logged, as with -v */
    mr_log_set_level(cli->verbose >= 2                 ? MR_LOG_DEBUG
                     : cli->verbose == 1 || cli->serve ? MR_LOG_INFO
                                                       : MR_LOG_WARN);
    memset(&errs, 0, sizeof(errs));
    rc = mr_scenario_load(&sc, cli->scenario, &errs);
    if (rc != 0) {
        for (i = 0; i < errs.count; i++)
            print_error(&errs.items[i]);
        if (errs.dropped)
            fprintf(stderr, "mockrun: %s: ... and %zu more problems\n", cli->scenario,
                    errs.dropped);
        if (rc == MR_ENOMEM)
            fprintf(stderr, "mockrun: out of memory\n");
        return rc == MR_ENOMEM ? MR_EXIT_SETUP : MR_EXIT_USAGE;
    }

    if (cli->check) {
        printf("mockrun: %s is valid: %zu service%s, %zu route%s, %zu expectation%s\n",
               cli->scenario, sc->nservices, sc->nservices == 1 ? "" : "s", sc->nroutes,
               sc->nroutes == 1 ? "" : "s", sc->nexpects, sc->nexpects == 1 ? "" : "s");
        mr_scenario_free(sc);
        return MR_EXIT_PASS;
    }
    argv = cli->serve ? NULL : cli->command ? cli->command : sc->command.run;
    if (!cli->serve && (!argv || !argv[0])) {
        fprintf(stderr,
                "mockrun: no command to run: give one after \"--\" or in "
                "\"command.run\" of %s\n",
                cli->scenario);
        mr_scenario_free(sc);
        return MR_EXIT_USAGE;
    }
    if (cli->port > 0 && sc->nservices != 1) {
        fprintf(stderr, "mockrun: --port needs a scenario with one service; %s has %zu\n",
                cli->scenario, sc->nservices);
        mr_scenario_free(sc);
        return MR_EXIT_USAGE;
    }
    if (cli->shell && argv) {
        shell_argv[0] = sh;
        shell_argv[1] = dash_c;
        shell_argv[2] = argv[0];
        argv = shell_argv;
    }
    if (strcmp(cli->host, "127.0.0.1") != 0 && strcmp(cli->host, "::1") != 0 &&
        strcmp(cli->host, "localhost") != 0)
        mr_log(MR_LOG_WARN, "listening on %s, not loopback: other machines can reach the mocks",
               cli->host);

    /* Refuse early, before anything runs, when a report cannot be written. */
    if ((!cli->no_junit && mr_atomic_check_writable(cli->junit, &err) != 0) ||
        (cli->journal && mr_atomic_check_writable(cli->journal, &err) != 0)) {
        print_error(&err);
        mr_scenario_free(sc);
        return MR_EXIT_SETUP;
    }

    mr_server_opts_init(&sopts);
    sopts.seed = cli->has_seed ? cli->seed : sc->has_seed ? sc->seed : draw_seed();
    mr_log(MR_LOG_INFO, "seed %llu (replay with --seed %llu)", (unsigned long long)sopts.seed,
           (unsigned long long)sopts.seed);
    sopts.host = strcmp(cli->host, "localhost") == 0 ? "127.0.0.1" : cli->host;
    sopts.port_override = cli->port;
    sopts.threads = cli->threads;
    sopts.body_max = cli->body_max;
    sopts.body_read_max = cli->body_read_max;
    sopts.journal.max_calls = cli->journal_limit;
    if ((rc = mr_server_start(&srv, sc, &sopts, &err)) != 0) {
        print_error(&err);
        /* a CI dashboard should show why nothing ran, not "no test results" */
        if (!cli->no_junit) {
            struct mr_error werr;
            mr_results_init(&res);
            mr_results_set_suite(&res, sc->name, sc->file);
            res.start_wall_us = start_wall;
            add_properties(&res, sc, NULL, NULL, sopts.seed);
            mr_results_add_case(&res, MR_CASE_ERROR, "the mock services start", err.msg, NULL);
            res.time_s = (double)(mr_clock_mono_us() - start_mono) / 1e6;
            if (mr_junit_write(&res, cli->junit, &werr) != 0)
                print_error(&werr);
            mr_results_release(&res);
        }
        mr_scenario_free(sc);
        return mr_run_exit_code(rc);
    }
    for (i = 0; i < sc->nservices; i++) {
        if (cli->serve) /* what the user needs to point an app at the mocks */
            fprintf(stderr, "mockrun: serving %s at %s (%s)\n", sc->services[i].name,
                    mr_server_url(srv, i), sc->services[i].url_var);
        else
            mr_log(MR_LOG_INFO, "service %s listening on %s (%s)", sc->services[i].name,
                   mr_server_url(srv, i), sc->services[i].url_var);
    }

    mr_proc_opts_init(&popts);
    popts.timeout_ms = cli->timeout_ms >= 0 ? cli->timeout_ms : sc->command.timeout_ms;
    popts.kill_after_ms = cli->kill_after_ms;
    popts.tty = !cli->no_tty;
    memset(&proc, 0, sizeof(proc));
    memset(&err, 0, sizeof(err));
    rc = 0;
    if (cli->serve) {
        serve(popts.timeout_ms);
        started = false;
    } else {
        cmd = command_text(argv);
        env = build_env(sc, srv);
        popts.argv = argv;
        popts.envp = env;
        if (!env || !cmd) {
            rc = mr_error_set(&err, MR_ENOMEM, "out of memory");
            proc.state = MR_PROC_NOT_STARTED;
        } else {
            rc = mr_proc_run(&popts, &proc, &err);
        }
        started = proc.state != MR_PROC_NOT_STARTED;
        if (!started)
            print_error(&err);
        else if (proc.output_abandoned) /* the report has it with the command's case */
            mr_log(MR_LOG_WARN, "the command exited but something it started kept its output "
                                "open; stopped reading it after the grace period");
    }

    /* The run is over: no call after this point is recorded. */
    mr_server_close(srv);

    mr_results_init(&res);
    mr_results_set_suite(&res, sc->name, sc->file);
    res.start_wall_us = start_wall;
    add_properties(&res, sc, srv, cmd, sopts.seed);
    if (started)
        mr_results_set_captured(&res, proc.out, proc.out_len, proc.out_dropped, proc.err,
                                proc.err_len, proc.err_dropped);
    memset(&vin, 0, sizeof(vin));
    vin.sc = sc;
    vin.journal = mr_server_journal(srv);
    vin.serve = cli->serve;
    vin.proc = started ? &proc : NULL;
    vin.command_text = cmd ? cmd : argv ? argv[0] : "";
    vin.spawn_error = started ? NULL : err.msg;
    vin.timeout_ms = popts.timeout_ms;
    states = calloc(sc->nservices, sizeof(*states));
    for (i = 0; states && i < sc->nservices; i++)
        states[i] = mr_server_state(srv, i);
    vin.final_states = states;
    if (mr_verify(&res, &vin) != 0) {
        fprintf(stderr, "mockrun: out of memory while verifying\n");
        code = MR_EXIT_SETUP;
    } else {
        code = !started && !cli->serve ? mr_run_exit_code(rc)
               : (mr_results_count(&res, MR_CASE_FAIL) + mr_results_count(&res, MR_CASE_ERROR))
                   ? MR_EXIT_FAIL
                   : MR_EXIT_PASS;
    }
    res.time_s = (double)(mr_clock_mono_us() - start_mono) / 1e6;

    if (!cli->no_junit && mr_junit_write(&res, cli->junit, &err) != 0) {
        print_error(&err);
        code = MR_EXIT_SETUP;
    }
    if (cli->journal && write_journal(cli->journal, sc, mr_server_journal(srv), &err) != 0) {
        print_error(&err);
        code = MR_EXIT_SETUP;
    }
    fflush(stderr);
    mr_console_print(stdout, &res, mr_console_use_color(STDOUT_FILENO));
    fflush(stdout);

    if (!full_teardown()) {
        /* Everything the user needs is written; the kernel frees the rest at once. */
        _exit(code);
    }
    free(states);
    mr_results_release(&res);
    mr_proc_result_release(&proc);
    free_env(env);
    free(cmd);
    mr_server_stop(srv);
    mr_scenario_free(sc);
    return code;
}
