/*
 * test_proc.c - runner/proc.c against real child processes (sh, sleep, awk).
 *
 * Each test runs in its own process (Check's fork mode), so tests may block
 * signals, change dispositions and redirect fd 1 freely. Timing assertions
 * are generous upper bounds only: these run on loaded 2-core CI machines.
 *
 * One case:   CK_RUN_CASE=timeout ./test_proc
 * Under gdb:  CK_FORK=no gdb ./test_proc
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "runner/proc.h"

#define SLOW_MS 5000      /* "returned quickly": generous, loaded machines are slow */
#define SAFETY_MS 20000   /* every command gets a timeout so a bug cannot hang the suite */
#define HANDSHAKE_MS 2000 /* a timeout that a loaded machine's sh startup and trap setup fit in */

/* --- helpers ------------------------------------------------------------ */

/* Options for a test: pipes whatever fd 0-2 are (run from a terminal with
 * CK_FORK=no, the command would get a pty): the pty tests set tty. */
static void test_opts(struct mr_proc_opts *o)
{
    mr_proc_opts_init(o);
    o->tty = false;
}

static void quiet_opts(struct mr_proc_opts *o)
{
    test_opts(o);
    o->passthrough = false;
    o->timeout_ms = SAFETY_MS;
}

/* Runs the NULL-terminated argument list. */
static int run_args(struct mr_proc_opts *o, struct mr_proc_result *res, struct mr_error *err,
                    const char *arg0, ...)
{
    char *argv[16];
    const char *a;
    size_t n = 0;
    va_list ap;
    int rc;

    argv[n++] = (char *)arg0;
    va_start(ap, arg0);
    while ((a = va_arg(ap, const char *)) != NULL && n < 15)
        argv[n++] = (char *)a;
    va_end(ap);
    argv[n] = NULL;
    o->argv = argv;
    rc = mr_proc_run(o, res, err);
    o->argv = NULL;
    return rc;
}
#define RUN(o, res, err, ...) run_args(o, res, err, __VA_ARGS__, (const char *)NULL)

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* Dead, or a zombie nobody reaps (PID 1 in a container may not). */
static bool pid_gone(pid_t pid)
{
    char path[64], buf[512], *p;
    FILE *f;
    size_t n;

    if (kill(pid, 0) < 0 && errno == ESRCH)
        return true;
    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    f = fopen(path, "r");
    if (!f)
        return true;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')');
    return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

static bool wait_gone(pid_t pid, long ms)
{
    for (; ms > 0; ms -= 20) {
        if (pid_gone(pid))
            return true;
        sleep_ms(20);
    }
    return pid_gone(pid);
}

static pid_t read_pidfile(const char *path)
{
    FILE *f = fopen(path, "r");
    long pid = 0;

    ck_assert_msg(f != NULL, "no pid file %s: the command did not get that far", path);
    ck_assert_int_eq(fscanf(f, "%ld", &pid), 1);
    fclose(f);
    ck_assert_int_gt(pid, 1);
    return (pid_t)pid;
}

/* A fresh directory for the files one test needs; removed by the caller. */
static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/mr-test-proc-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void tmp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

static void remove_tmp(const char *name)
{
    char path[128];

    tmp_path(path, sizeof(path), name);
    unlink(path);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    ck_assert_int_eq(fchmod(fd, mode), 0);
    close(fd);
}

static size_t read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    ck_assert_int_ge(fd, 0);
    n = read(fd, buf, size - 1);
    ck_assert_int_ge(n, 0);
    buf[n] = '\0';
    close(fd);
    return (size_t)n;
}

/* Replaces fd `target` with `fd` (closing fd); returns a close-on-exec copy
 * of the old one for restore_fd. */
static int redirect_fd(int target, int fd)
{
    int saved = fcntl(target, F_DUPFD_CLOEXEC, 3);

    ck_assert_int_ge(saved, 0);
    ck_assert_int_eq(dup2(fd, target), target);
    close(fd);
    return saved;
}

static void restore_fd(int target, int saved)
{
    ck_assert_int_eq(dup2(saved, target), target);
    close(saved);
}

/* Sends `sig` to this process after `delay_ms`, then `sig2` (if nonzero)
 * once the first one has been consumed (by proc's signalfd), so the two
 * cannot merge into one pending signal. */
struct sender {
    pthread_t thread;
    long delay_ms;
    const char *wait_for; /* or NULL: send only once this file exists */
    int sig;
    int sig2;
};

static void *sender_main(void *arg)
{
    struct sender *s = arg;
    sigset_t pending;
    int i;

    sleep_ms(s->delay_ms);
    for (i = 0; s->wait_for && access(s->wait_for, F_OK) != 0 && i < 2000; i++)
        sleep_ms(10);
    kill(getpid(), s->sig);
    if (!s->sig2)
        return NULL;
    for (i = 0; i < 500; i++) {
        sigpending(&pending);
        if (!sigismember(&pending, s->sig))
            break;
        sleep_ms(10);
    }
    sleep_ms(100);
    kill(getpid(), s->sig2);
    return NULL;
}

static void sender_start(struct sender *s, long delay_ms, int sig, int sig2)
{
    s->delay_ms = delay_ms;
    s->wait_for = NULL;
    s->sig = sig;
    s->sig2 = sig2;
    /* The thread inherits the blocked mask: the signals stay pending for the signalfd. */
    ck_assert_int_eq(pthread_create(&s->thread, NULL, sender_main, s), 0);
}

/* Like sender_start, but without a delay: once the command has created
 * `path` (so its trap is in place, however slow the machine). */
static void sender_start_when(struct sender *s, const char *path, int sig, int sig2)
{
    s->delay_ms = 0;
    s->wait_for = path;
    s->sig = sig;
    s->sig2 = sig2;
    ck_assert_int_eq(pthread_create(&s->thread, NULL, sender_main, s), 0);
}

/* --- exit --------------------------------------------------------------- */

START_TEST(test_true_exits_zero)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;

    quiet_opts(&o);
    ck_assert_int_eq(RUN(&o, &res, &err, "true"), 0);
    ck_assert_int_eq(res.state, MR_PROC_EXITED);
    ck_assert_int_eq(res.exit_code, 0);
    ck_assert_int_eq(res.term_signal, 0);
    ck_assert(!res.killed);
    ck_assert(!res.output_abandoned);
    ck_assert_int_ge(res.duration_ms, 0);
    ck_assert_int_lt(res.duration_ms, SLOW_MS);
    ck_assert_ptr_nonnull(res.out);
    ck_assert_ptr_nonnull(res.err);
    ck_assert_uint_eq(res.out_len, 0);
    ck_assert_str_eq(res.out, "");
    mr_proc_result_release(&res);
    ck_assert_ptr_null(res.out);
    mr_proc_result_release(NULL);
}
END_TEST

START_TEST(test_exit_code)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;

    quiet_opts(&o);
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", "exit 3"), 0);
    ck_assert_int_eq(res.state, MR_PROC_EXITED);
    ck_assert_int_eq(res.exit_code, 3);
    ck_assert_int_eq(res.term_signal, 0);
    mr_proc_result_release(&res);
}
END_TEST

START_TEST(test_env_passed)
{
    char foo_bar[] = "FOO=bar", foo_baz[] = "FOO=baz";
    char *env_bar[] = {foo_bar, NULL};
    char *env_baz[] = {foo_baz, NULL};
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;

    quiet_opts(&o);
    o.envp = env_bar;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", "test \"$FOO\" = bar"), 0);
    ck_assert_int_eq(res.state, MR_PROC_EXITED);
    ck_assert_int_eq(res.exit_code, 0);
    mr_proc_result_release(&res);

    o.envp = env_baz;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", "test \"$FOO\" = bar"), 0);
    ck_assert_int_eq(res.exit_code, 1);
    mr_proc_result_release(&res);
}
END_TEST

START_TEST(test_no_fd_leak)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    int before = count_fds();

    quiet_opts(&o);
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", "echo out; echo err >&2"), 0);
    mr_proc_result_release(&res);
    ck_assert_int_eq(RUN(&o, &res, &err, "mockrun-test-no-such-command"), MR_ESETUP);
    mr_proc_result_release(&res);
    o.timeout_ms = 100;
    o.kill_after_ms = 100;
    ck_assert_int_eq(RUN(&o, &res, &err, "sleep", "30"), 0);
    ck_assert_int_eq(res.state, MR_PROC_TIMED_OUT);
    mr_proc_result_release(&res);
    o.timeout_ms = SAFETY_MS;
    o.drain_grace_ms = 100;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", "sleep 30 & echo started"), 0);
    ck_assert(res.output_abandoned);
    mr_proc_result_release(&res);
    ck_assert_int_eq(count_fds(), before);
}
END_TEST

/* --- signals ------------------------------------------------------------ */

START_TEST(test_killed_by_signal)
{
    struct rlimit no_core = {0, 0};
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;

    setrlimit(RLIMIT_CORE, &no_core); /* inherited: no core file from the crash */
    quiet_opts(&o);
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", "kill -SEGV $$"), 0);
    ck_assert_int_eq(res.state, MR_PROC_SIGNALED);
    ck_assert_int_eq(res.term_signal, SIGSEGV);
    ck_assert_int_eq(res.interrupt_signal, 0);
    ck_assert(!res.killed);
    mr_proc_result_release(&res);
}
END_TEST

/* With SIGPIPE default `yes` dies quietly when head exits; with it ignored
 * (as CivetWeb leaves it in mockrun) it would complain about EPIPE. */
START_TEST(test_sigpipe_default_in_pipeline)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;

    signal(SIGPIPE, SIG_IGN);
    quiet_opts(&o);
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", "yes | head -1"), 0);
    ck_assert_int_eq(res.state, MR_PROC_EXITED);
    ck_assert_int_eq(res.exit_code, 0);
    ck_assert_str_eq(res.out, "y\n");
    ck_assert_msg(res.err_len == 0, "unexpected stderr: %s", res.err);
    ck_assert_int_lt(res.duration_ms, SLOW_MS);
    mr_proc_result_release(&res);
}
END_TEST

/* The command reads its own /proc/self/status: nothing ignored that we
 * ignore, nothing blocked that we block. */
START_TEST(test_child_signal_state_clean)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    unsigned long long ign = ~0ULL, blk = ~0ULL;
    const char *p;

    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    mr_proc_block_signals();
    quiet_opts(&o);
    ck_assert_int_eq(
        RUN(&o, &res, &err, "awk", "/^Sig(Ign|Blk):/ { print $1, $2 }", "/proc/self/status"), 0);
    ck_assert_int_eq(res.exit_code, 0);
    p = strstr(res.out, "SigBlk: ");
    ck_assert_msg(p != NULL, "no SigBlk in: %s", res.out);
    blk = strtoull(p + 8, NULL, 16);
    p = strstr(res.out, "SigIgn: ");
    ck_assert_msg(p != NULL, "no SigIgn in: %s", res.out);
    ign = strtoull(p + 8, NULL, 16);
    ck_assert_msg(blk == 0, "signals blocked in the child: %llx", blk);
    ck_assert_msg(!(ign & (1ULL << (SIGPIPE - 1))), "SIGPIPE ignored in the child: %llx", ign);
    ck_assert_msg(!(ign & (1ULL << (SIGINT - 1))), "SIGINT ignored in the child: %llx", ign);
    ck_assert_msg(!(ign & (1ULL << (SIGHUP - 1))), "SIGHUP ignored in the child: %llx", ign);
    mr_proc_result_release(&res);
}
END_TEST

START_TEST(test_sigterm_forwarded)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    struct sender s;

    mr_proc_block_signals();
    sender_start(&s, 100, SIGTERM, 0);
    quiet_opts(&o);
    ck_assert_int_eq(RUN(&o, &res, &err, "sleep", "30"), 0);
    pthread_join(s.thread, NULL);
    ck_assert_int_eq(res.state, MR_PROC_INTERRUPTED);
    ck_assert_int_eq(res.interrupt_signal, SIGTERM);
    ck_assert_int_eq(res.term_signal, SIGTERM);
    ck_assert(!res.killed);
    ck_assert_int_lt(res.duration_ms, SLOW_MS);
    mr_proc_result_release(&res);
}
END_TEST

/* The command ignores SIGINT; the second one is answered with SIGKILL at
 * once, long before kill_after. */
START_TEST(test_second_sigint_kills)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    struct sender s;
    char ready[128];

    make_tmpdir();
    tmp_path(ready, sizeof(ready), "ready");
    mr_proc_block_signals();
    sender_start_when(&s, ready, SIGINT, SIGINT);
    quiet_opts(&o);
    o.kill_after_ms = 60000;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", "trap '' INT; : >\"$0\"; sleep 30", ready), 0);
    pthread_join(s.thread, NULL);
    remove_tmp("ready");
    rmdir(tmpdir);
    ck_assert_int_eq(res.state, MR_PROC_INTERRUPTED);
    ck_assert_int_eq(res.interrupt_signal, SIGINT);
    ck_assert_int_eq(res.term_signal, SIGKILL);
    ck_assert(res.killed);
    ck_assert_int_lt(res.duration_ms, SLOW_MS);
    mr_proc_result_release(&res);
}
END_TEST

/* A forwarded SIGTERM gives the group kill_after to exit, like a timeout. */
START_TEST(test_sigterm_forwarded_group_gets_grace)
{
    static const char script[] = "(trap 'sleep 0.3; echo cleaned >\"$1\"; exit 0' TERM; : >\"$0\"\n"
                                 " while :; do sleep 0.05; done) "
                                 ">/dev/null 2>&1 &\n"
                                 "exec sleep 300\n";
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    struct sender s;
    char ready[128], done[128];

    make_tmpdir();
    tmp_path(ready, sizeof(ready), "ready");
    tmp_path(done, sizeof(done), "done");
    mr_proc_block_signals();
    sender_start_when(&s, ready, SIGTERM, 0);
    quiet_opts(&o);
    o.kill_after_ms = 30000;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", script, ready, done), 0);
    pthread_join(s.thread, NULL);
    ck_assert_int_eq(res.state, MR_PROC_INTERRUPTED);
    ck_assert_int_eq(res.interrupt_signal, SIGTERM);
    ck_assert_msg(access(done, F_OK) == 0, "the group was killed before its TERM trap finished");
    ck_assert(!res.killed);
    ck_assert_int_lt(res.duration_ms, SLOW_MS);
    mr_proc_result_release(&res);
    remove_tmp("ready");
    remove_tmp("done");
    rmdir(tmpdir);
}
END_TEST

/* The caller forgot mr_proc_block_signals: proc blocks them for the run and
 * puts the mask back. */
START_TEST(test_mask_restored)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    sigset_t before, after;

    pthread_sigmask(SIG_SETMASK, NULL, &before);
    ck_assert(!sigismember(&before, SIGCHLD));
    quiet_opts(&o);
    ck_assert_int_eq(RUN(&o, &res, &err, "true"), 0);
    pthread_sigmask(SIG_SETMASK, NULL, &after);
    ck_assert(!sigismember(&after, SIGCHLD));
    ck_assert(!sigismember(&after, SIGINT));
    ck_assert(!sigismember(&after, SIGPIPE));
    ck_assert(!sigismember(&after, SIGTTOU));
    mr_proc_result_release(&res);
}
END_TEST

/* An ignored SIGCHLD would have the kernel reap the command for us. */
START_TEST(test_sigchld_ignored_by_caller)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    struct sigaction sa;

    signal(SIGCHLD, SIG_IGN);
    quiet_opts(&o);
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", "exit 7"), 0);
    ck_assert_int_eq(res.state, MR_PROC_EXITED);
    ck_assert_int_eq(res.exit_code, 7);
    sigaction(SIGCHLD, NULL, &sa);
    ck_assert(sa.sa_handler == SIG_IGN);
    mr_proc_result_release(&res);
}
END_TEST

/* --- timeout ------------------------------------------------------------ */

START_TEST(test_timeout_kills_group)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    char pidfile[128];
    pid_t grandchild;

    make_tmpdir();
    tmp_path(pidfile, sizeof(pidfile), "pid");
    quiet_opts(&o);
    o.timeout_ms = 500;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", "sleep 30 & echo $! > \"$0\"; wait", pidfile),
                     0);
    ck_assert_int_eq(res.state, MR_PROC_TIMED_OUT);
    ck_assert_int_eq(res.interrupt_signal, 0);
    ck_assert_int_lt(res.duration_ms, SLOW_MS);
    grandchild = read_pidfile(pidfile);
    ck_assert_msg(wait_gone(grandchild, 2000), "grandchild %ld survived", (long)grandchild);
    mr_proc_result_release(&res);
    remove_tmp("pid");
    rmdir(tmpdir);
}
END_TEST

/* TERM is ignored by the shell and (inherited) by sleep: SIGKILL it is. The
 * timeout leaves sh time to reach the trap even on a slow machine. */
START_TEST(test_timeout_escalates_to_kill)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;

    quiet_opts(&o);
    o.timeout_ms = 400;
    o.kill_after_ms = 300;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", "trap '' TERM; sleep 30"), 0);
    ck_assert_int_eq(res.state, MR_PROC_TIMED_OUT);
    ck_assert(res.killed);
    ck_assert_int_eq(res.term_signal, SIGKILL);
    ck_assert_int_ge(res.duration_ms, 400 + 300 - 20);
    ck_assert_int_lt(res.duration_ms, SLOW_MS);
    mr_proc_result_release(&res);
}
END_TEST

/* The group's members get until the kill_after deadline to exit after the
 * SIGTERM, also when the leader dies at once: the subshell's TERM trap needs
 * a moment to clean up (it holds no pipe, so only the group scan can tell).
 * It loops on short sleeps rather than `sleep 300 & wait`: a TERM that hits
 * a forked child before its exec is lost, and that sleep would outlive it. */
START_TEST(test_timeout_group_gets_grace)
{
    static const char script[] =
        "(trap 'sleep 0.3; echo cleaned >\"$1\"; exit 0' TERM; echo >\"$0\"\n"
        " while :; do sleep 0.05; done) "
        ">/dev/null 2>&1 &\n"
        "read x <\"$0\"\n"
        "exec sleep 300\n";
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    char fifo[128], done[128], buf[64];

    make_tmpdir();
    tmp_path(fifo, sizeof(fifo), "ready");
    tmp_path(done, sizeof(done), "done");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    quiet_opts(&o);
    o.timeout_ms = HANDSHAKE_MS;
    o.kill_after_ms = 30000;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", script, fifo, done), 0);
    ck_assert_int_eq(res.state, MR_PROC_TIMED_OUT);
    ck_assert_int_eq(res.term_signal, SIGTERM);
    ck_assert_msg(access(done, F_OK) == 0, "the group was killed before its TERM trap finished");
    read_file(done, buf, sizeof(buf));
    ck_assert_str_eq(buf, "cleaned\n");
    ck_assert(!res.killed);
    /* It returned once the group was empty, not at the deadline. */
    ck_assert_int_lt(res.duration_ms, HANDSHAKE_MS + SLOW_MS);
    mr_proc_result_release(&res);
    remove_tmp("ready");
    remove_tmp("done");
    rmdir(tmpdir);
}
END_TEST

/* The leader dies of the SIGTERM, a group member ignores it: SIGKILL comes
 * at the kill_after deadline, not when the leader exits. */
START_TEST(test_timeout_group_killed_at_deadline)
{
    static const char script[] = "(trap '' TERM; echo >\"$0\"; exec sleep 300) >/dev/null 2>&1 &\n"
                                 "echo $! >\"$1\"\n"
                                 "read x <\"$0\"\n"
                                 "exec sleep 300\n";
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    char fifo[128], pidfile[128];
    pid_t member;

    make_tmpdir();
    tmp_path(fifo, sizeof(fifo), "ready");
    tmp_path(pidfile, sizeof(pidfile), "pid");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    quiet_opts(&o);
    o.timeout_ms = HANDSHAKE_MS;
    o.kill_after_ms = 700;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", script, fifo, pidfile), 0);
    ck_assert_int_eq(res.state, MR_PROC_TIMED_OUT);
    ck_assert_int_eq(res.term_signal, SIGTERM);
    ck_assert(res.killed);
    ck_assert_int_ge(res.duration_ms, HANDSHAKE_MS + 700 - 20);
    ck_assert_int_lt(res.duration_ms, HANDSHAKE_MS + 700 + SLOW_MS);
    member = read_pidfile(pidfile);
    ck_assert_msg(wait_gone(member, 2000), "group member %ld survived", (long)member);
    mr_proc_result_release(&res);
    remove_tmp("ready");
    remove_tmp("pid");
    rmdir(tmpdir);
}
END_TEST

/* Without a timeout or signal, what the command left in its group dies
 * with it at once: kill_after does not apply. */
START_TEST(test_exit_kills_background_at_once)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    char pidfile[128];
    pid_t bg;

    make_tmpdir();
    tmp_path(pidfile, sizeof(pidfile), "pid");
    quiet_opts(&o);
    o.kill_after_ms = 60000;
    ck_assert_int_eq(
        RUN(&o, &res, &err, "sh", "-c", "sleep 300 >/dev/null 2>&1 & echo $! >\"$0\"", pidfile), 0);
    ck_assert_int_eq(res.state, MR_PROC_EXITED);
    ck_assert(!res.output_abandoned);
    ck_assert(!res.killed);
    ck_assert_int_lt(res.duration_ms, SLOW_MS);
    bg = read_pidfile(pidfile);
    ck_assert_msg(wait_gone(bg, 2000), "background sleep %ld survived", (long)bg);
    mr_proc_result_release(&res);
    remove_tmp("pid");
    rmdir(tmpdir);
}
END_TEST

/* --- output ------------------------------------------------------------- */

START_TEST(test_capture_both_streams)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;

    quiet_opts(&o);
    ck_assert_int_eq(
        RUN(&o, &res, &err, "sh", "-c", "printf 'to stdout\\n'; printf 'to stderr' >&2"), 0);
    ck_assert_str_eq(res.out, "to stdout\n");
    ck_assert_uint_eq(res.out_len, 10);
    ck_assert_str_eq(res.err, "to stderr");
    ck_assert_uint_eq(res.err_len, 9);
    ck_assert(!res.out_truncated);
    ck_assert(!res.err_truncated);
    ck_assert_uint_eq(res.out_dropped, 0);
    ck_assert_uint_eq(res.err_dropped, 0);
    mr_proc_result_release(&res);
}
END_TEST

START_TEST(test_capture_keeps_tail)
{
    static const char marker[] = "END-MARKER\n";
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    size_t i, body;

    quiet_opts(&o);
    o.capture_max = 4096;
    ck_assert_int_eq(
        RUN(&o, &res, &err, "sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' a; echo END-MARKER"),
        0);
    ck_assert_int_eq(res.exit_code, 0);
    ck_assert(res.out_truncated);
    ck_assert_uint_eq(res.out_len, 4096);
    ck_assert_uint_eq(res.out_dropped, 1000000 + sizeof(marker) - 1 - 4096);
    ck_assert_uint_eq(strlen(res.out), res.out_len);
    body = res.out_len - (sizeof(marker) - 1);
    ck_assert_str_eq(res.out + body, marker);
    for (i = 0; i < body; i++)
        ck_assert_int_eq(res.out[i], 'a');
    ck_assert(!res.err_truncated);
    ck_assert_uint_eq(res.err_len, 0);
    mr_proc_result_release(&res);
}
END_TEST

START_TEST(test_capture_nothing)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;

    quiet_opts(&o);
    o.capture_max = 0;
    ck_assert_int_eq(RUN(&o, &res, &err, "echo", "hello"), 0);
    ck_assert_int_eq(res.exit_code, 0);
    ck_assert_str_eq(res.out, "");
    ck_assert_uint_eq(res.out_len, 0);
    ck_assert(res.out_truncated);
    ck_assert_uint_eq(res.out_dropped, 6); /* "hello\n": all of it */
    ck_assert(!res.err_truncated);
    mr_proc_result_release(&res);
}
END_TEST

/* The cut mark's count: exact, over many writes of every size that wrap the
 * ring at every offset (seq writes in blocks, awk in lines). */
START_TEST(test_capture_counts_dropped)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    uint64_t total = 0;
    char last[16];
    int i;

    for (i = 1; i <= 100000; i++)
        total += (uint64_t)snprintf(last, sizeof(last), "%d\n", i);
    quiet_opts(&o);
    o.capture_max = 1000;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c",
                         "seq 1 100000; awk 'BEGIN { for (i = 1; i <= 100000; i++) "
                         "print i > \"/dev/stderr\" }'"),
                     0);
    ck_assert_int_eq(res.exit_code, 0);
    ck_assert(res.out_truncated && res.err_truncated);
    ck_assert_uint_eq(res.out_len, 1000);
    ck_assert_uint_eq(res.err_len, 1000);
    ck_assert_uint_eq(res.out_dropped, total - 1000);
    ck_assert_uint_eq(res.err_dropped, total - 1000);
    /* the kept bytes are the last ones, and dropped + kept is all */
    ck_assert_str_eq(res.out + res.out_len - 7, "100000\n");
    ck_assert_str_eq(res.err + res.err_len - 7, "100000\n");
    mr_proc_result_release(&res);
}
END_TEST

START_TEST(test_passthrough_tees)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    char out_path[128], err_path[128], buf[256];
    int saved_out, saved_err;

    make_tmpdir();
    tmp_path(out_path, sizeof(out_path), "stdout");
    tmp_path(err_path, sizeof(err_path), "stderr");
    saved_out = redirect_fd(STDOUT_FILENO, open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600));
    saved_err = redirect_fd(STDERR_FILENO, open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600));
    test_opts(&o);
    o.timeout_ms = SAFETY_MS;
    ck_assert(o.passthrough);
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", "echo one; echo two >&2; echo three"), 0);
    restore_fd(STDOUT_FILENO, saved_out);
    restore_fd(STDERR_FILENO, saved_err);

    ck_assert_str_eq(res.out, "one\nthree\n");
    ck_assert_str_eq(res.err, "two\n");
    read_file(out_path, buf, sizeof(buf));
    ck_assert_str_eq(buf, "one\nthree\n");
    read_file(err_path, buf, sizeof(buf));
    ck_assert_str_eq(buf, "two\n");
    mr_proc_result_release(&res);
    remove_tmp("stdout");
    remove_tmp("stderr");
    rmdir(tmpdir);
}
END_TEST

/* Nobody reads mockrun's stdout any more: EPIPE (SIGPIPE at its default
 * here) must neither kill us nor stop the capture. */
START_TEST(test_passthrough_broken_pipe)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    sigset_t pending;
    int p[2], saved;

    signal(SIGPIPE, SIG_DFL);
    ck_assert_int_eq(pipe(p), 0);
    close(p[0]);
    saved = redirect_fd(STDOUT_FILENO, p[1]);
    test_opts(&o);
    o.timeout_ms = SAFETY_MS;
    ck_assert_int_eq(RUN(&o, &res, &err, "head", "-c", "100000", "/dev/zero"), 0);
    restore_fd(STDOUT_FILENO, saved);
    ck_assert_int_eq(res.state, MR_PROC_EXITED);
    ck_assert_int_eq(res.exit_code, 0);
    ck_assert_uint_eq(res.out_len, 100000);
    sigpending(&pending);
    ck_assert(!sigismember(&pending, SIGPIPE));
    mr_proc_result_release(&res);
}
END_TEST

/* mockrun started with stdout closed: the pipes must not land on fd 1 in
 * the child by accident, and passthrough just stops. */
START_TEST(test_stdout_closed)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    int saved = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3), saved_err;

    ck_assert_int_ge(saved, 0);
    close(STDOUT_FILENO);
    saved_err = redirect_fd(STDERR_FILENO, open("/dev/null", O_WRONLY));
    test_opts(&o);
    o.timeout_ms = SAFETY_MS;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", "echo hello; echo oops >&2"), 0);
    restore_fd(STDOUT_FILENO, saved);
    restore_fd(STDERR_FILENO, saved_err);
    ck_assert_int_eq(res.exit_code, 0);
    ck_assert_str_eq(res.out, "hello\n");
    ck_assert_str_eq(res.err, "oops\n");
    mr_proc_result_release(&res);
}
END_TEST

/* A non-blocking, tiny stdout read slowly by another process: EAGAIN on our
 * side means "wait", and every byte still arrives. */
START_TEST(test_passthrough_nonblocking_stdout)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    int p[2], count_pipe[2], saved, status;
    size_t total = 0;
    pid_t reader;

    ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
    ck_assert_int_eq(pipe2(count_pipe, O_CLOEXEC), 0);
    (void)fcntl(p[1], F_SETPIPE_SZ, 4096);
    reader = fork();
    ck_assert_int_ge(reader, 0);
    if (reader == 0) {
        char buf[1024];
        ssize_t n;
        close(p[1]);
        close(count_pipe[0]);
        sleep_ms(50);
        while ((n = read(p[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
            total += n > 0 ? (size_t)n : 0;
        _exit(write(count_pipe[1], &total, sizeof(total)) == sizeof(total) ? 0 : 1);
    }
    close(p[0]);
    close(count_pipe[1]);
    ck_assert_int_eq(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
    saved = redirect_fd(STDOUT_FILENO, p[1]);
    test_opts(&o);
    o.timeout_ms = SAFETY_MS;
    ck_assert_int_eq(RUN(&o, &res, &err, "head", "-c", "300000", "/dev/zero"), 0);
    restore_fd(STDOUT_FILENO, saved);
    ck_assert_int_eq(res.state, MR_PROC_EXITED);
    ck_assert_uint_eq(res.out_len, 300000);
    ck_assert_int_eq(read(count_pipe[0], &total, sizeof(total)), (ssize_t)sizeof(total));
    close(count_pipe[0]);
    ck_assert_int_eq(waitpid(reader, &status, 0), reader);
    ck_assert_uint_eq(total, 300000);
    mr_proc_result_release(&res);
}
END_TEST

/* The background sleep inherits stdout and keeps the pipe open after sh has
 * exited: wait drain_grace_ms, say so, then kill it with the group. */
START_TEST(test_daemon_output_abandoned)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    char pidfile[128];
    pid_t daemon;

    make_tmpdir();
    tmp_path(pidfile, sizeof(pidfile), "pid");
    quiet_opts(&o);
    o.drain_grace_ms = 300;
    ck_assert_int_eq(
        RUN(&o, &res, &err, "sh", "-c", "sleep 30 & echo $! > \"$0\"; echo started", pidfile), 0);
    ck_assert_int_eq(res.state, MR_PROC_EXITED);
    ck_assert_int_eq(res.exit_code, 0);
    ck_assert(res.output_abandoned);
    ck_assert_str_eq(res.out, "started\n");
    ck_assert_int_lt(res.duration_ms, 300 + SLOW_MS);
    daemon = read_pidfile(pidfile);
    ck_assert_msg(wait_gone(daemon, 2000), "background sleep %ld survived", (long)daemon);
    mr_proc_result_release(&res);
    remove_tmp("pid");
    rmdir(tmpdir);
}
END_TEST

/* Output written by a grandchild after the leader exited, within the grace,
 * is still captured; nothing is abandoned. */
START_TEST(test_late_output_within_grace)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;

    quiet_opts(&o);
    o.drain_grace_ms = 10000;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", "(sleep 0.2; echo late) & echo early"), 0);
    ck_assert_int_eq(res.state, MR_PROC_EXITED);
    ck_assert(!res.output_abandoned);
    ck_assert_str_eq(res.out, "early\nlate\n");
    mr_proc_result_release(&res);
}
END_TEST

/* --- descendants -------------------------------------------------------- */

/* Gone for good: dead and reaped, not even a zombie. */
static bool pid_reaped(pid_t pid)
{
    return kill(pid, 0) < 0 && errno == ESRCH;
}

/* Nothing is left as our child: the command and its orphans were all reaped. */
static void assert_no_children(void)
{
    int status;

    errno = 0;
    ck_assert_int_eq(waitpid(-1, &status, WNOHANG), -1);
    ck_assert_int_eq(errno, ECHILD);
}

/* A script that starts `sh -c INNER` in a new session (setsid) in the
 * background, waits until it has written its pid, then exits. */
static const char escape_script[] = "setsid sh -c \"$1\" \"$0\" >/dev/null 2>&1 </dev/null &\n"
                                    "while [ ! -s \"$0\" ]; do sleep 0.02; done\n";

/* A grandchild in its own session escapes the group kill; as a subreaper
 * mockrun inherits it when the command exits, ends it and reaps it. */
START_TEST(test_setsid_escapee_killed)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    char pidfile[128];
    pid_t escapee;
    bool reaped;

    make_tmpdir();
    tmp_path(pidfile, sizeof(pidfile), "pid");
    quiet_opts(&o);
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", escape_script, pidfile,
                         "echo $$ >\"$0.tmp\"; mv \"$0.tmp\" \"$0\"; exec sleep 300"),
                     0);
    ck_assert_int_eq(res.state, MR_PROC_EXITED);
    ck_assert_int_eq(res.exit_code, 0);
    escapee = read_pidfile(pidfile);
    reaped = pid_reaped(escapee);
    if (!reaped)
        kill(escapee, SIGKILL);
    ck_assert_msg(reaped, "sleep %ld in its own session survived (or is a zombie)", (long)escapee);
    assert_no_children();
    mr_proc_result_release(&res);
    remove_tmp("pid");
    rmdir(tmpdir);
}
END_TEST

/* The escapee ignores SIGTERM: SIGKILL after kill_after. */
START_TEST(test_setsid_escapee_escalates)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    struct timespec t0, t1;
    char pidfile[128];
    pid_t escapee;
    long elapsed;
    bool reaped;

    make_tmpdir();
    tmp_path(pidfile, sizeof(pidfile), "pid");
    quiet_opts(&o);
    o.kill_after_ms = 500;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", escape_script, pidfile,
                         "trap '' TERM; echo $$ >\"$0.tmp\"; mv \"$0.tmp\" \"$0\"; exec sleep 300"),
                     0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    elapsed = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    ck_assert_int_eq(res.state, MR_PROC_EXITED);
    escapee = read_pidfile(pidfile);
    reaped = pid_reaped(escapee);
    if (!reaped)
        kill(escapee, SIGKILL);
    ck_assert_msg(reaped, "sleep %ld ignoring SIGTERM survived", (long)escapee);
    ck_assert_int_ge(elapsed, 500 - 20);
    ck_assert_int_lt(elapsed, 500 + SLOW_MS);
    assert_no_children();
    mr_proc_result_release(&res);
    remove_tmp("pid");
    rmdir(tmpdir);
}
END_TEST

/* Orphans that exit while the command still runs are reaped as they go,
 * not left as zombies until the end. The four sleeps are orphaned at once
 * (their subshells exit) and become our children; the command waits until
 * none is left among its parent's (our) children, alive or zombie. */
/* Orphans of the command's group (the watchdog, in a group of its own, is
 * not one) are reaped while the command still runs. */
START_TEST(test_orphans_reaped_during_run)
{
    static const char script[] =
        "for i in 1 2 3 4; do (sleep 0.05 &); done\n"
        "i=0\n"
        "while :; do\n"
        "  n=$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v pp=\"$PPID\" -v me=$$ '\n"
        "    { s = $0; sub(/.*\\) /, \"\", s); split(s, f, \" \") }\n"
        "    f[2] == pp && f[3] == me && $1 != me { n++ }\n"
        "    END { print n + 0 }')\n"
        "  [ \"$n\" = 0 ] && break\n"
        "  i=$((i + 1)); [ $i -ge 40 ] && break\n"
        "  sleep 0.1\n"
        "done\n"
        "echo \"left: $n\"\n";
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;

    quiet_opts(&o);
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", script), 0);
    ck_assert_int_eq(res.exit_code, 0);
    ck_assert_str_eq(res.out, "left: 0\n");
    assert_no_children();
    mr_proc_result_release(&res);
}
END_TEST

/* Children the caller started itself are not the command's: neither
 * signalled nor reaped, even when one exits during the run. */
START_TEST(test_own_children_untouched)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    char pidfile[128];
    pid_t waiter, quick, escapee;
    int p[2], status;
    bool reaped;

    ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
    waiter = fork();
    ck_assert_int_ge(waiter, 0);
    if (waiter == 0) {
        char c;
        close(p[1]);
        _exit(read(p[0], &c, 1) == 0 ? 7 : 1);
    }
    close(p[0]);
    quick = fork();
    ck_assert_int_ge(quick, 0);
    if (quick == 0)
        _exit(5);

    make_tmpdir();
    tmp_path(pidfile, sizeof(pidfile), "pid");
    quiet_opts(&o);
    o.kill_after_ms = 500;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", escape_script, pidfile,
                         "echo $$ >\"$0.tmp\"; mv \"$0.tmp\" \"$0\"; exec sleep 300"),
                     0);
    ck_assert_int_eq(res.exit_code, 0);
    escapee = read_pidfile(pidfile);
    reaped = pid_reaped(escapee);
    if (!reaped)
        kill(escapee, SIGKILL);
    ck_assert_msg(reaped, "sleep %ld in its own session survived", (long)escapee);
    ck_assert_int_eq(waitpid(waiter, &status, WNOHANG), 0); /* still running */
    close(p[1]);
    ck_assert_int_eq(waitpid(waiter, &status, 0), waiter);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 7);
    ck_assert_int_eq(waitpid(quick, &status, 0), quick);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 5);
    assert_no_children();
    mr_proc_result_release(&res);
    remove_tmp("pid");
    rmdir(tmpdir);
}
END_TEST

/* Being the subreaper is for the run only. */
START_TEST(test_subreaper_restored)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    int flag = -1;

    quiet_opts(&o);
    ck_assert_int_eq(RUN(&o, &res, &err, "true"), 0);
    ck_assert_int_eq(prctl(PR_GET_CHILD_SUBREAPER, &flag), 0);
    ck_assert_int_eq(flag, 0);
    mr_proc_result_release(&res);
}
END_TEST

/* --- spawn-errors ------------------------------------------------------- */

START_TEST(test_not_in_path)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;

    quiet_opts(&o);
    ck_assert_int_eq(RUN(&o, &res, &err, "mockrun-test-no-such-command"), MR_ESETUP);
    ck_assert_int_eq(res.state, MR_PROC_NOT_STARTED);
    ck_assert_int_eq(err.code, MR_ESETUP);
    ck_assert_int_eq(err.sys_errno, ENOENT);
    ck_assert_str_eq(err.msg, "cannot run 'mockrun-test-no-such-command': not found in PATH");
    mr_proc_result_release(&res);
}
END_TEST

START_TEST(test_permission_denied)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    char path[128], want[256];

    make_tmpdir();
    tmp_path(path, sizeof(path), "not-executable");
    write_file(path, "#!/bin/sh\nexit 0\n", 0644);
    quiet_opts(&o);
    ck_assert_int_eq(RUN(&o, &res, &err, path), MR_ESETUP);
    ck_assert_int_eq(res.state, MR_PROC_NOT_STARTED);
    ck_assert_int_eq(err.sys_errno, EACCES);
    snprintf(want, sizeof(want), "cannot run '%s': permission denied", path);
    ck_assert_str_eq(err.msg, want);
    mr_proc_result_release(&res);
    remove_tmp("not-executable");
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_no_such_file)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;

    quiet_opts(&o);
    ck_assert_int_eq(RUN(&o, &res, &err, "./mockrun-test/no-such-file"), MR_ESETUP);
    ck_assert_str_eq(err.msg,
                     "cannot run './mockrun-test/no-such-file': no such file or directory");
    mr_proc_result_release(&res);
}
END_TEST

START_TEST(test_bad_interpreter)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    char path[128];

    make_tmpdir();
    tmp_path(path, sizeof(path), "bad-interpreter");
    write_file(path, "#!/mockrun-test/no-such-interpreter\n", 0755);
    quiet_opts(&o);
    ck_assert_int_eq(RUN(&o, &res, &err, path), MR_ESETUP);
    ck_assert_msg(strstr(err.msg, "interpreter was not found") != NULL, "got: %s", err.msg);
    mr_proc_result_release(&res);
    remove_tmp("bad-interpreter");
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_empty_command)
{
    char *argv[] = {NULL};
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;

    quiet_opts(&o);
    o.argv = argv;
    ck_assert_int_eq(mr_proc_run(&o, &res, &err), MR_EUSAGE);
    ck_assert_int_eq(res.state, MR_PROC_NOT_STARTED);
    mr_proc_result_release(&res);
}
END_TEST

/* --- terminals ----------------------------------------------------------- */

/* A pty for the test: the master in *master (non-blocking), the slave's path in `path`. */
static void open_pty(int *master, char *path, size_t size)
{
    *master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    ck_assert_int_ge(*master, 0);
    ck_assert_int_eq(grantpt(*master), 0);
    ck_assert_int_eq(unlockpt(*master), 0);
    ck_assert_int_eq(ptsname_r(*master, path, size), 0);
    ck_assert_int_eq(fcntl(*master, F_SETFL, O_NONBLOCK), 0);
}

/* Reads what the terminal shows, into buf (NUL-terminated), until `want`
 * appears or ms pass. */
static bool read_until(int master, char *buf, size_t size, size_t *len, const char *want, long ms)
{
    ssize_t n;

    for (;; ms -= 10) {
        while (*len + 1 < size && (n = read(master, buf + *len, size - 1 - *len)) > 0)
            *len += (size_t)n;
        buf[*len] = '\0';
        if (strstr(buf, want))
            return true;
        if (ms <= 0)
            return false;
        sleep_ms(10);
    }
}

#define SH_WHERE                                                                                   \
    "for fd in 0 1 2; do if [ -t $fd ]; then printf 'tty '; else printf 'pipe '; fi; done; "       \
    "echo; printf '\\033[31mred\\033[0m\\n' >&2"

/* mockrun's stdout and stderr are terminals, its stdin is not: the command's
 * outputs are ptys (colours), captured apart, with plain "\n" (no ONLCR). */
START_TEST(test_tty_outputs)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    char path[64], shown[4096];
    size_t len = 0;
    int master, slave, null;

    open_pty(&master, path, sizeof(path));
    slave = open(path, O_RDWR | O_NOCTTY);
    null = open("/dev/null", O_RDONLY);
    ck_assert_int_ge(slave, 0);
    ck_assert_int_eq(dup2(null, STDIN_FILENO), STDIN_FILENO);
    ck_assert_int_eq(dup2(slave, STDOUT_FILENO), STDOUT_FILENO);
    ck_assert_int_eq(dup2(slave, STDERR_FILENO), STDERR_FILENO);

    mr_proc_opts_init(&o); /* tty and passthrough: the defaults */
    o.timeout_ms = SAFETY_MS;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", SH_WHERE), 0);
    ck_assert_int_eq(res.exit_code, 0);
    ck_assert_str_eq(res.out, "pipe tty tty \n");
    ck_assert_str_eq(res.err, "\033[31mred\033[0m\n");
    /* passed through to our terminal, which adds its own CRs */
    ck_assert(read_until(master, shown, sizeof(shown), &len, "\033[31mred\033[0m\r\n", SLOW_MS));
    ck_assert_ptr_nonnull(strstr(shown, "pipe tty tty \r\n"));
    mr_proc_result_release(&res);

    /* --no-tty: pipes */
    o.tty = false;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", SH_WHERE), 0);
    ck_assert_str_eq(res.out, "pipe pipe pipe \n");
    mr_proc_result_release(&res);
    /* without passthrough, nothing to show colours to: pipes */
    o.tty = true;
    o.passthrough = false;
    ck_assert_int_eq(RUN(&o, &res, &err, "sh", "-c", SH_WHERE), 0);
    ck_assert_str_eq(res.out, "pipe pipe pipe \n");
    mr_proc_result_release(&res);
}
END_TEST

/* What the run in the terminal reports back to the test. */
struct tty_report {
    int rc;
    enum mr_proc_state state;
    int exit_code;
    int interrupt_signal;
    bool killed;
    int64_t duration_ms;
    char out[256];
};

/*
 * Runs `script` with mr_proc_run in a child whose controlling terminal is the
 * pty at `path` (a session of its own, as a shell starts a foreground job),
 * with stdin, stdout and stderr on it. The report comes back through `fd`.
 */
static void run_in_terminal(const char *path, int fd, const char *script, int64_t kill_after_ms)
{
    struct mr_proc_opts o;
    struct mr_proc_result res;
    struct mr_error err;
    struct tty_report rep;
    int tty;

    if (setsid() < 0 || (tty = open(path, O_RDWR)) < 0) /* no O_NOCTTY: it becomes ours */
        _exit(90);
    if (dup2(tty, 0) < 0 || dup2(tty, 1) < 0 || dup2(tty, 2) < 0)
        _exit(91);
    mr_proc_block_signals();
    test_opts(&o);
    o.tty = true;
    o.timeout_ms = SAFETY_MS;
    o.kill_after_ms = kill_after_ms;
    memset(&rep, 0, sizeof(rep));
    rep.rc = RUN(&o, &res, &err, "sh", "-c", script);
    rep.state = res.state;
    rep.exit_code = res.exit_code;
    rep.interrupt_signal = res.interrupt_signal;
    rep.killed = res.killed;
    rep.duration_ms = res.duration_ms;
    snprintf(rep.out, sizeof(rep.out), "%s", res.out ? res.out : "");
    mr_proc_result_release(&res);
    _exit(write(fd, &rep, sizeof(rep)) == (ssize_t)sizeof(rep) ? 0 : 92);
}

/* The test is the terminal: starts run_in_terminal, types `typed` once the
 * terminal shows `ready`, and returns the report. */
static void tty_session(const char *script, const char *ready, const char *typed,
                        int64_t kill_after_ms, struct tty_report *rep, char *shown, size_t size)
{
    struct termios before, after;
    char path[64];
    int master, slave, p[2], status;
    size_t len = 0;
    pid_t pid;

    open_pty(&master, path, sizeof(path));
    slave = open(path, O_RDWR | O_NOCTTY); /* to read the modes afterwards */
    ck_assert_int_ge(slave, 0);
    ck_assert_int_eq(tcgetattr(slave, &before), 0);
    ck_assert_int_eq(pipe(p), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(p[0]);
        run_in_terminal(path, p[1], script, kill_after_ms);
    }
    close(p[1]);
    ck_assert_msg(read_until(master, shown, size, &len, ready, SLOW_MS),
                  "the terminal never showed '%s'; it shows '%s'", ready, shown);
    ck_assert_int_eq(write(master, typed, strlen(typed)), (ssize_t)strlen(typed));
    ck_assert_int_eq(read(p[0], rep, sizeof(*rep)), (ssize_t)sizeof(*rep));
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    (void)read_until(master, shown, size, &len, "\001", 0); /* what is left, at once */
    /* the terminal's modes are back as they were */
    ck_assert_int_eq(tcgetattr(slave, &after), 0);
    ck_assert(before.c_iflag == after.c_iflag && before.c_oflag == after.c_oflag &&
              before.c_lflag == after.c_lflag && before.c_cflag == after.c_cflag);
    ck_assert(memcmp(before.c_cc, after.c_cc, sizeof(before.c_cc)) == 0);
    close(p[0]);
    close(slave);
    close(master);
}

/* Ctrl-C typed at the terminal is mockrun's interrupt, whatever the command
 * does with SIGINT: here it ignores it, so SIGKILL after kill_after. */
START_TEST(test_tty_ctrl_c_interrupts)
{
    struct tty_report rep;
    char shown[4096];

    tty_session("trap '' INT; echo ready; while :; do sleep 0.05; done", "ready", "\003", 300, &rep,
                shown, sizeof(shown));
    ck_assert_int_eq(rep.rc, 0);
    ck_assert_int_eq(rep.state, MR_PROC_INTERRUPTED);
    ck_assert_int_eq(rep.interrupt_signal, SIGINT);
    ck_assert(rep.killed);
    ck_assert_int_ge(rep.duration_ms, 300);
    ck_assert_int_lt(rep.duration_ms, SLOW_MS);
    ck_assert_str_eq(rep.out, "ready\n");
}
END_TEST

/* The command has a terminal of its own to read: a line typed is relayed and
 * echoed by its pty; a command in raw mode (ISIG off) gets Ctrl-C as a byte. */
START_TEST(test_tty_input_relayed)
{
    struct tty_report rep;
    char shown[4096];

    tty_session("[ -t 0 ] && [ -t 1 ] && echo ready; read line; echo \"got $line\"", "ready",
                "typed words\r", 0, &rep, shown, sizeof(shown));
    ck_assert_int_eq(rep.state, MR_PROC_EXITED);
    ck_assert_int_eq(rep.exit_code, 0);
    ck_assert_str_eq(rep.out, "ready\ntyped words\ngot typed words\n");
    ck_assert_ptr_nonnull(strstr(shown, "got typed words"));

    tty_session("stty raw -echo; echo ready; c=$(dd bs=1 count=1 2>/dev/null | od -An -tu1); "
                "stty sane; echo \"byte $((c))\"",
                "ready", "\003", 0, &rep, shown, sizeof(shown));
    ck_assert_int_eq(rep.state, MR_PROC_EXITED);
    ck_assert_int_eq(rep.exit_code, 0);
    ck_assert_int_eq(rep.interrupt_signal, 0);
    ck_assert_msg(strstr(rep.out, "byte 3\r\n") != NULL, "out: '%s'",
                  rep.out); /* stty sane: onlcr */
}
END_TEST

/* --- suite -------------------------------------------------------------- */

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    return tc;
}

static Suite *proc_suite(void)
{
    Suite *s = suite_create("proc");
    TCase *tc;

    tc = tcase("exit");
    tcase_add_test(tc, test_true_exits_zero);
    tcase_add_test(tc, test_exit_code);
    tcase_add_test(tc, test_env_passed);
    tcase_add_test(tc, test_no_fd_leak);
    suite_add_tcase(s, tc);

    tc = tcase("signals");
    tcase_add_test(tc, test_killed_by_signal);
    tcase_add_test(tc, test_sigpipe_default_in_pipeline);
    tcase_add_test(tc, test_child_signal_state_clean);
    tcase_add_test(tc, test_sigterm_forwarded);
    tcase_add_test(tc, test_second_sigint_kills);
    tcase_add_test(tc, test_sigterm_forwarded_group_gets_grace);
    tcase_add_test(tc, test_mask_restored);
    tcase_add_test(tc, test_sigchld_ignored_by_caller);
    suite_add_tcase(s, tc);

    tc = tcase("timeout");
    tcase_add_test(tc, test_timeout_kills_group);
    tcase_add_test(tc, test_timeout_escalates_to_kill);
    tcase_add_test(tc, test_timeout_group_gets_grace);
    tcase_add_test(tc, test_timeout_group_killed_at_deadline);
    tcase_add_test(tc, test_exit_kills_background_at_once);
    suite_add_tcase(s, tc);

    tc = tcase("descendants");
    tcase_add_test(tc, test_setsid_escapee_killed);
    tcase_add_test(tc, test_setsid_escapee_escalates);
    tcase_add_test(tc, test_orphans_reaped_during_run);
    tcase_add_test(tc, test_own_children_untouched);
    tcase_add_test(tc, test_subreaper_restored);
    suite_add_tcase(s, tc);

    tc = tcase("output");
    tcase_add_test(tc, test_capture_both_streams);
    tcase_add_test(tc, test_capture_keeps_tail);
    tcase_add_test(tc, test_capture_nothing);
    tcase_add_test(tc, test_capture_counts_dropped);
    tcase_add_test(tc, test_passthrough_tees);
    tcase_add_test(tc, test_passthrough_broken_pipe);
    tcase_add_test(tc, test_stdout_closed);
    tcase_add_test(tc, test_passthrough_nonblocking_stdout);
    tcase_add_test(tc, test_daemon_output_abandoned);
    tcase_add_test(tc, test_late_output_within_grace);
    suite_add_tcase(s, tc);

    tc = tcase("tty");
    tcase_add_test(tc, test_tty_outputs);
    tcase_add_test(tc, test_tty_ctrl_c_interrupts);
    tcase_add_test(tc, test_tty_input_relayed);
    suite_add_tcase(s, tc);

    tc = tcase("spawn-errors");
    tcase_add_test(tc, test_not_in_path);
    tcase_add_test(tc, test_permission_denied);
    tcase_add_test(tc, test_no_such_file);
    tcase_add_test(tc, test_bad_interpreter);
    tcase_add_test(tc, test_empty_command);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(proc_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
