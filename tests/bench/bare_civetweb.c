/*
 * bare_civetweb.c - the framework's ceiling for ci/bench: CivetWeb answering
 * the same small JSON as tests/bench/hello.json, with the same CivetWeb
 * options as mockrun (server/service.c) and nothing else.
 *
 *   bare_civetweb THREADS PORT               serve until SIGINT/SIGTERM; prints
 *                                            "port N" then "ready" once listening
 *   bare_civetweb THREADS PORT -- CMD ARG... start, run CMD with $MOCKRUN_URL set,
 *                                            exit with its status, without mg_stop
 *
 * PORT may be 0 (any free port). --stop before "--" calls mg_stop before
 * exiting, to show what waiting for CivetWeb's teardown would cost.
 * --junit PATH before "--" writes, after the command, the JUnit report that
 * mockrun writes for tests/bench/hello.json (the same elements, attributes
 * and properties, through libxml2's xmlTextWriter, to a temp file renamed
 * over PATH), so the start-to-exit comparison includes the report on both
 * sides. This program links libxml2 the plain way: it loads with the
 * program, ICU and all.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <civetweb.h>
#include <libxml/xmlwriter.h>

extern char **environ;

static const char reply[] = "HTTP/1.1 200 OK\r\n"
                            "Connection: keep-alive\r\n"
                            "Content-Type: application/json\r\n"
                            "Content-Length: 29\r\n"
                            "\r\n"
                            "{\"message\":\"hello\",\"ok\":true}";

static int handle(struct mg_connection *conn)
{
    mg_write(conn, reply, sizeof(reply) - 1); /* one write, as mockrun does */
    return 200;
}

static int quiet(const struct mg_connection *conn, const char *message)
{
    (void)conn;
    (void)message;
    return 1;
}

static void property(xmlTextWriterPtr w, const char *name, const char *value)
{
    xmlTextWriterStartElement(w, BAD_CAST "property");
    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name);
    xmlTextWriterWriteAttribute(w, BAD_CAST "value", BAD_CAST value);
    xmlTextWriterEndElement(w);
}

/* The report mockrun writes for hello.json after `true`: its properties, a
 * case for unexpected calls and one for the command. */
static int write_junit(const char *path, const char *cmd, const char *url, int status, double secs)
{
    static const char *const cases[] = {"no unexpected requests", NULL};
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    char tmp[4096], num[64], host[256] = "localhost", name[512];
    FILE *f;
    int i, ok;

    if (!w)
        return -1;
    gethostname(host, sizeof(host));
    snprintf(num, sizeof(num), "%.3f", secs);
    snprintf(name, sizeof(name), "%s exits with code 0", cmd);
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST "  ");
    xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
    xmlTextWriterStartElement(w, BAD_CAST "testsuites");
    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST "mockrun");
    xmlTextWriterWriteAttribute(w, BAD_CAST "tests", BAD_CAST "2");
    xmlTextWriterWriteAttribute(w, BAD_CAST "failures", BAD_CAST(status ? "1" : "0"));
    xmlTextWriterWriteAttribute(w, BAD_CAST "errors", BAD_CAST "0");
    xmlTextWriterWriteAttribute(w, BAD_CAST "time", BAD_CAST num);
    xmlTextWriterStartElement(w, BAD_CAST "testsuite");
    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST "bench-hello");
    xmlTextWriterWriteAttribute(w, BAD_CAST "tests", BAD_CAST "2");
    xmlTextWriterWriteAttribute(w, BAD_CAST "failures", BAD_CAST(status ? "1" : "0"));
    xmlTextWriterWriteAttribute(w, BAD_CAST "errors", BAD_CAST "0");
    xmlTextWriterWriteAttribute(w, BAD_CAST "skipped", BAD_CAST "0");
    xmlTextWriterWriteAttribute(w, BAD_CAST "time", BAD_CAST num);
    xmlTextWriterWriteAttribute(w, BAD_CAST "timestamp", BAD_CAST "2026-11-25T12:30:57");
    xmlTextWriterWriteAttribute(w, BAD_CAST "hostname", BAD_CAST host);
    xmlTextWriterStartElement(w, BAD_CAST "properties");
    property(w, "mockrun.version", "0.1.0");
    property(w, "mockrun.seed", "2175512193743587");
    property(w, "mockrun.scenario", "tests/bench/hello.json");
    property(w, "mockrun.command", cmd);
    property(w, "mockrun.service.default.url", url);
    xmlTextWriterEndElement(w);
    for (i = 0; i < 2; i++) {
        xmlTextWriterStartElement(w, BAD_CAST "testcase");
        xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST(cases[i] ? cases[i] : name));
        xmlTextWriterWriteAttribute(w, BAD_CAST "classname", BAD_CAST "hello.json");
        xmlTextWriterWriteAttribute(w, BAD_CAST "time", BAD_CAST "0.000");
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterStartElement(w, BAD_CAST "system-out");
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "system-err");
    xmlTextWriterEndElement(w);
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
    /* as mockrun's reports/atomic.c: a temp file beside it, then rename */
    snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
    f = fopen(tmp, "wb");
    ok = f && fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), f) ==
                  (size_t)xmlBufferLength(buf);
    if (f && fclose(f) != 0)
        ok = 0;
    xmlBufferFree(buf);
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    /* mockrun's options (server/service.c), so only the request handling differs */
    /* clang-format off */
    const char *options[] = {
        "listening_ports", NULL, /* 127.0.0.1:PORT, set below */
        "num_threads", NULL,     /* THREADS, set below */
        "enable_keep_alive", "yes",
        "keep_alive_timeout_ms", "500",
        "tcp_nodelay", "1",
        "request_timeout_ms", "10000",
        "connection_queue", "512",
        "listen_backlog", "1024",
        "max_request_size", "131072",
        "decode_url", "yes",
        NULL,
    };
    /* clang-format on */
    char ports[64], url[64];
    struct mg_callbacks cb;
    struct mg_context *ctx;
    struct mg_server_port sp;
    sigset_t mask;
    int i, sig, status = 0;
    bool stop = false;
    char **cmd = NULL;
    const char *junit = NULL;
    struct timespec t0, t1;

    if (argc < 3) {
        fprintf(stderr, "usage: bare_civetweb THREADS PORT [--stop] [--junit PATH] "
                        "[-- COMMAND [ARG...]]\n");
        return 2;
    }
    for (i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--stop") == 0) {
            stop = true;
        } else if (strcmp(argv[i], "--junit") == 0 && i + 1 < argc) {
            junit = argv[++i];
        } else if (strcmp(argv[i], "--") == 0 && i + 1 < argc) {
            cmd = &argv[i + 1];
            break;
        }
    }
    snprintf(ports, sizeof(ports), "127.0.0.1:%s", argv[2]);
    options[1] = ports;
    options[3] = argv[1];

    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* as mockrun does: the workers inherit this mask, signals stay with main */
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGCHLD);
    pthread_sigmask(SIG_BLOCK, &mask, NULL);

    memset(&cb, 0, sizeof(cb));
    cb.begin_request = handle;
    cb.log_message = quiet;
    ctx = mg_start(&cb, NULL, options);
    if (!ctx || mg_get_server_ports(ctx, 1, &sp) != 1) {
        fprintf(stderr, "bare_civetweb: cannot listen on %s\n", ports);
        return 3;
    }

    if (!cmd) {
        printf("port %d\nready\n", sp.port);
        fflush(stdout);
        sigdelset(&mask, SIGCHLD);
        sigwait(&mask, &sig);
    } else {
        posix_spawnattr_t attr;
        sigset_t none, def;
        pid_t pid;

        snprintf(url, sizeof(url), "http://127.0.0.1:%d", sp.port);
        setenv("MOCKRUN_URL", url, 1);
        sigemptyset(&none);
        sigemptyset(&def);
        sigaddset(&def, SIGPIPE); /* CivetWeb ignores it process-wide */
        posix_spawnattr_init(&attr);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &def);
        if (posix_spawnp(&pid, cmd[0], NULL, &attr, cmd, environ) != 0) {
            fprintf(stderr, "bare_civetweb: cannot run '%s'\n", cmd[0]);
            return 3;
        }
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (junit && write_junit(junit, cmd[0], url, status,
                                 (double)(t1.tv_sec - t0.tv_sec) +
                                     (double)(t1.tv_nsec - t0.tv_nsec) / 1e9) != 0) {
            fprintf(stderr, "bare_civetweb: cannot write '%s'\n", junit);
            status = 3;
        }
    }
    if (stop)
        mg_stop(ctx);
    fflush(stdout);
    _exit(status);
}
