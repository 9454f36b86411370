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
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <civetweb.h>

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

    if (argc < 3) {
        fprintf(stderr, "usage: bare_civetweb THREADS PORT [--stop] [-- COMMAND [ARG...]]\n");
        return 2;
    }
    for (i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--stop") == 0) {
            stop = true;
        } else if (strcmp(argv[i], "--") == 0 && i + 1 < argc) {
            cmd = &argv[i + 1];
            break;
        }
    }
    snprintf(ports, sizeof(ports), "127.0.0.1:%s", argv[2]);
    options[1] = ports;
    options[3] = argv[1];

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
    }
    if (stop)
        mg_stop(ctx);
    fflush(stdout);
    _exit(status);
}
