/*
 * record.c - `mockrun record` (record.h): the proxies are an ordinary
 * scenario run by the ordinary server, with services that have a "proxy"
 * and no routes, so every call goes through server/proxy.c; the server's
 * observer hook copies each exchange into the recording.
 */
#include "runner/record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/url.h"
#include "record/recording.h"
#include "reports/atomic.h"
#include "runner/cmdenv.h"
#include "runner/proc.h"
#include "runner/run.h"
#include "scenarios/scenario.h"
#include "server/service.h"

extern char **environ;

struct rec {
    const struct mr_cli *cli;
    const char *names[MR_CLI_MAX_TARGETS];
    struct mr_scenario *sc;
    struct mr_server *srv;
    struct mr_recording *recording;
    char **env;
    char *shell_argv[4];
    char *const *argv;
    struct mr_proc_result proc;
    struct mr_rec_result built;
    struct mr_error err;
};

/* Each proxied exchange, on the worker that forwarded it. */
static void observe(void *ctx, const struct mr_proxy_exchange *x)
{
    struct mr_recording *r = ctx;
    struct mr_rec_call c;

    memset(&c, 0, sizeof(c));
    c.service = x->service;
    c.method = x->req->method;
    c.path = x->req->path;
    c.query = x->req->query;
    c.status = x->status;
    c.headers = x->headers;
    c.nheaders = x->nheaders;
    c.body = x->body;
    c.body_len = x->body_len;
    c.encoding = x->encoding;
    c.self_url = x->self_url;
    if (mr_recording_add(r, &c) != 0)
        mr_log(MR_LOG_WARN, "out of memory: a call to %s %s was not recorded", c.method, c.path);
}

static bool name_ok(const char *s)
{
    const char *p;
    for (p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    return p != s;
}

/* The folders of `path` that are missing, made (mkdir -p of its folder). */
static int make_folders(const char *path, struct mr_error *err)
{
    char dir[4096];
    size_t i, n = strlen(path);

    while (n > 0 && path[n - 1] != '/')
        n--;
    if (n == 0)
        return 0;
    if (n >= sizeof(dir))
        return mr_error_set(err, MR_EUSAGE, "--out: the path is too long");
    memcpy(dir, path, n);
    dir[n] = '\0';
    for (i = 1; i <= n; i++) {
        if (dir[i] != '/' && dir[i] != '\0')
            continue;
        dir[i] = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            return mr_error_sys(err, "--out: cannot create the folder '%s'", dir);
        if (i < n)
            dir[i] = '/';
    }
    return 0;
}

/* The targets and their names, checked; the scenario of proxies, loaded. */
static int prepare(struct rec *r)
{
    const struct mr_cli *cli = r->cli;
    struct mr_error_list *errs;
    struct mr_buf text;
    size_t i, k;
    int rc;

    for (i = 0; i < cli->ntargets; i++) {
        struct mr_url u;
        struct mr_error e;
        r->names[i] = cli->target_names[i] ? cli->target_names[i] : "api";
        if (!name_ok(r->names[i]))
            return mr_error_set(&r->err, MR_EUSAGE,
                                "--service '%s': use letters, digits, '-' and '_'", r->names[i]);
        for (k = 0; k < i; k++)
            if (strcmp(r->names[k], r->names[i]) == 0)
                return mr_error_set(&r->err, MR_EUSAGE,
                                    "--service '%s' names two targets; give each its own name",
                                    r->names[i]);
        if (mr_url_parse_target(&u, cli->targets[i], &e) != 0)
            return mr_error_set(&r->err, MR_EUSAGE, "--target: %s", e.msg);
    }
    if (cli->port > 0 && cli->ntargets != 1)
        return mr_error_set(&r->err, MR_EUSAGE, "--port needs a single --target; there are %zu",
                            cli->ntargets);
    /* its folder made when missing; refused early, before anything runs, when the
     * scenario cannot be written */
    if ((rc = make_folders(cli->out, &r->err)) != 0 ||
        (rc = mr_atomic_check_writable(cli->out, &r->err)) != 0)
        return rc;

    mr_buf_init(&text);
    mr_buf_puts(&text, "{\"name\": \"mockrun record\", \"services\": {");
    for (i = 0; i < cli->ntargets; i++) {
        mr_buf_puts(&text, i ? ", " : "");
        mr_buf_put_json_string(&text, r->names[i], strlen(r->names[i]));
        mr_buf_puts(&text, ": {\"proxy\": ");
        mr_buf_put_json_string(&text, cli->targets[i], strlen(cli->targets[i]));
        mr_buf_putc(&text, '}');
    }
    mr_buf_puts(&text, "}}");
    errs = calloc(1, sizeof(*errs));
    if (text.failed || !errs) {
        mr_buf_release(&text);
        free(errs);
        return mr_error_set(&r->err, MR_ENOMEM, "out of memory");
    }
    rc = mr_scenario_parse_one(&r->sc, "mockrun record", text.data, text.len, errs);
    if (rc != 0)
        r->err = errs->count ? errs->items[0] : r->err;
    if (rc != 0 && !errs->count)
        mr_error_set(&r->err, rc, "out of memory");
    free(errs);
    mr_buf_release(&text);
    return rc;
}

/* Starts the proxies and says where they are. */
static int start(struct rec *r)
{
    const struct mr_cli *cli = r->cli;
    struct mr_server_opts o;
    size_t i;
    int rc;

    if ((rc = mr_recording_new(&r->recording, &r->err)) != 0)
        return rc;
    mr_server_opts_init(&o);
    o.host = strcmp(cli->host, "localhost") == 0 ? "127.0.0.1" : cli->host;
    o.port_override = cli->port;
    o.threads = cli->threads;
    o.body_read_max = cli->body_read_max;
    o.admin = !cli->no_admin;
    o.seed = 1;
    o.observe = observe;
    o.observe_ctx = r->recording;
    if ((rc = mr_server_start(&r->srv, r->sc, &o, &r->err)) != 0)
        return rc;
    for (i = 0; i < r->sc->nservices; i++)
        fprintf(stderr, "mockrun: recording %s: %s=%s forwards to %s\n", r->sc->services[i].name,
                r->sc->services[i].url_var, mr_server_url(r->srv, i), r->sc->services[i].proxy);
    fflush(stderr);
    return 0;
}

/* Runs the command to its end, then stops forwarding. */
static int exercise(struct rec *r)
{
    static char sh[] = "/bin/sh", dash_c[] = "-c";
    const struct mr_cli *cli = r->cli;
    struct mr_proc_opts po;
    int rc;

    r->argv = cli->command;
    if (cli->shell) {
        r->shell_argv[0] = sh;
        r->shell_argv[1] = dash_c;
        r->shell_argv[2] = cli->command[0];
        r->argv = r->shell_argv;
    }
    if (!(r->env = mr_cmdenv_new(r->sc, mr_server_urls(r->srv), environ)))
        return mr_error_set(&r->err, MR_ENOMEM, "out of memory");
    mr_proc_opts_init(&po);
    po.argv = r->argv;
    po.envp = r->env;
    po.timeout_ms = cli->timeout_ms > 0 ? cli->timeout_ms : 0;
    po.kill_after_ms = cli->kill_after_ms;
    po.tty = !cli->no_tty;
    rc = mr_proc_run(&po, &r->proc, &r->err);
    mr_server_close(r->srv);
    return rc;
}

/* "rec/scenario.json" → "rec/" (with its '/'), "" for a bare name. */
static size_t folder_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path + 1) : 0;
}

static int write_file(const char *path, const char *data, size_t len, struct mr_error *err)
{
    struct mr_atomic_file f;
    int rc = mr_atomic_begin(&f, path, err);
    if (rc == 0)
        rc = mr_atomic_write(&f, data, len, err);
    if (rc == 0)
        rc = mr_atomic_commit(&f, err);
    else
        mr_atomic_abort(&f);
    return rc;
}

/* The fixtures, then the scenario once the loader has accepted it with them. */
static int write_all(struct rec *r)
{
    const struct mr_cli *cli = r->cli;
    const struct mr_rec_result *b = &r->built;
    struct mr_error_list *errs;
    struct mr_scenario *check = NULL;
    struct mr_buf path;
    size_t dir = folder_len(cli->out), i;
    int rc = 0;

    mr_buf_init(&path);
    if (b->nfixtures > 0) {
        mr_buf_printf(&path, "%.*s%s", (int)dir, cli->out, MR_REC_FIXTURES);
        if (!path.failed && mkdir(path.data, 0777) != 0 && errno != EEXIST)
            rc = mr_error_sys(&r->err, "cannot create the folder '%s'", path.data);
    }
    for (i = 0; rc == 0 && i < b->nfixtures; i++) {
        mr_buf_reset(&path);
        mr_buf_printf(&path, "%.*s%s", (int)dir, cli->out, b->fixtures[i].path);
        rc = path.failed ? mr_error_set(&r->err, MR_ENOMEM, "out of memory")
                         : write_file(path.data, b->fixtures[i].data, b->fixtures[i].len, &r->err);
    }
    mr_buf_release(&path);
    if (rc != 0)
        return rc;
    /* what is written must load: it is read back as the loader reads it */
    if (!(errs = calloc(1, sizeof(*errs))))
        return mr_error_set(&r->err, MR_ENOMEM, "out of memory");
    rc = mr_scenario_parse_one(&check, cli->out, b->scenario, b->scenario_len, errs);
    mr_scenario_free(check);
    if (rc != 0) {
        for (i = 0; i < errs->count; i++)
            mr_run_print_error(&errs->items[i]);
        free(errs);
        return mr_error_set(&r->err, MR_EINTERNAL,
                            "the recorded scenario does not load (a mockrun bug); %s was not "
                            "written",
                            cli->out);
    }
    free(errs);
    return write_file(cli->out, b->scenario, b->scenario_len, &r->err);
}

/* What became of the command, for the summary; NULL when it passed. */
static const char *command_failure(const struct mr_proc_result *p, char *buf, size_t size)
{
    switch (p->state) {
    case MR_PROC_EXITED:
        if (p->exit_code == 0)
            return NULL;
        snprintf(buf, size, "the command exited with code %d", p->exit_code);
        break;
    case MR_PROC_SIGNALED:
        snprintf(buf, size, "the command was killed by signal %d", p->term_signal);
        break;
    case MR_PROC_TIMED_OUT:
        snprintf(buf, size, "the command timed out");
        break;
    case MR_PROC_INTERRUPTED:
        snprintf(buf, size, "the command was interrupted (signal %d)", p->interrupt_signal);
        break;
    default:
        snprintf(buf, size, "the command did not run");
        break;
    }
    return buf;
}

/* Builds and writes the scenario; says what was recorded. Returns the exit status. */
static int finish(struct rec *r)
{
    const struct mr_cli *cli = r->cli;
    const struct mr_journal *j = mr_server_journal(r->srv);
    struct mr_rec_service services[MR_CLI_MAX_TARGETS];
    struct mr_rec_options o;
    size_t i, dir = folder_len(cli->out), failed = (size_t)mr_journal_unmatched(j, -1);
    char why[200];
    const char *bad = command_failure(&r->proc, why, sizeof(why));

    /* calls that were not forwarded (a target down): in no scenario */
    for (i = 0; i < mr_journal_kept(j); i++) {
        const struct mr_call *c = mr_journal_at(j, i);
        char shown[300];
        if (c->proxied || c->route >= 0)
            continue;
        mr_printable(shown, sizeof(shown), c->path, strlen(c->path));
        fprintf(stderr, "mockrun: not recorded: %s %s: %s\n", c->method, shown,
                c->near ? c->near : "not forwarded");
    }
    memset(&o, 0, sizeof(o));
    for (i = 0; i < r->sc->nservices; i++) {
        services[i].name = r->sc->services[i].name;
        services[i].target = r->sc->services[i].proxy;
    }
    o.services = services;
    o.nservices = r->sc->nservices;
    o.name = "recorded";
    o.command = (const char *const *)r->argv;
    if (mr_recording_build(r->recording, &o, &r->built, &r->err) != 0 || write_all(r) != 0) {
        mr_run_print_error(&r->err);
        return r->err.code == MR_EINTERNAL ? MR_EXIT_SETUP : mr_run_exit_code(r->err.code);
    }
    for (i = 0; i < r->built.nnotes; i++)
        fprintf(stderr, "mockrun: %s\n", r->built.notes[i]);
    if (mr_recording_lost(r->recording) > 0)
        fprintf(stderr, "mockrun: %zu calls were not recorded (out of memory)\n",
                mr_recording_lost(r->recording));
    fflush(stderr);
    printf("mockrun: recorded %zu call%s as %zu route%s in %s", mr_recording_count(r->recording),
           mr_recording_count(r->recording) == 1 ? "" : "s", r->built.nroutes,
           r->built.nroutes == 1 ? "" : "s", cli->out);
    if (r->built.nfixtures > 0)
        printf(" (and %zu file%s in %.*s%s/)", r->built.nfixtures,
               r->built.nfixtures == 1 ? "" : "s", (int)dir, cli->out, MR_REC_FIXTURES);
    printf("\n");
    if (mr_recording_count(r->recording) == 0 && failed == 0)
        printf("mockrun: no call reached the proxies: does the command read $%s?\n",
               r->sc->services[0].url_var);
    if (failed > 0)
        printf("mockrun: %zu call%s could not be forwarded and %s not recorded (above)\n", failed,
               failed == 1 ? "" : "s", failed == 1 ? "was" : "were");
    if (bad)
        printf("mockrun: %s; the scenario holds what it did until then\n", bad);
    printf("replay: mockrun %s -- <the same command>\n", cli->out);
    fflush(stdout);
    return bad || failed > 0 ? MR_EXIT_FAIL : MR_EXIT_PASS;
}

int mr_record_run(const struct mr_cli *cli)
{
    struct rec r;
    int rc, code;

    memset(&r, 0, sizeof(r));
    r.cli = cli;
    mr_log_set_level(cli->verbose >= 2   ? MR_LOG_DEBUG
                     : cli->verbose == 1 ? MR_LOG_INFO
                                         : MR_LOG_WARN);
    if ((rc = prepare(&r)) != 0 || (rc = start(&r)) != 0) {
        mr_run_print_error(&r.err);
        code = mr_run_exit_code(rc);
    } else if ((rc = exercise(&r)) != 0 && r.proc.state == MR_PROC_NOT_STARTED) {
        mr_run_print_error(&r.err); /* cannot run 'npm': not found in PATH */
        code = mr_run_exit_code(rc);
    } else {
        code = finish(&r);
    }
    mr_rec_result_release(&r.built);
    mr_proc_result_release(&r.proc);
    mr_cmdenv_free(r.env);
    mr_server_stop(r.srv);
    mr_recording_free(r.recording);
    mr_scenario_free(r.sc);
    return code;
}
