/*
 * proc.c - spawns the command under test and supervises it to the end.
 *
 * The shape (see docs/internals/proc.md for the reasons):
 *   prepare  rings, read buffers, pipes or pseudo-terminals, signalfd, spawn
 *            attributes; all allocation happens here, before the child exists
 *   spawn    posix_spawnp: own process group (own session with a
 *            controlling pty when mockrun's terminal is in the foreground),
 *            empty mask, SIGPIPE & co. reset to default, stdout/stderr onto
 *            our pipes or ptys
 *   loop     one poll() over the signalfd, both outputs, typed input (relayed
 *            to the pty; its Ctrl-C interrupts like SIGINT) and the
 *            deadlines; after a SIGTERM the rest of the group gets until
 *            kill_at even when the leader is gone (found by scanning /proc)
 *   finish   SIGKILL whatever is left of the group while the leader is an
 *            unreaped zombie (its pid cannot be recycled), then reap it
 *   orphans  as a child subreaper we inherit what escaped the group (setsid)
 *            once its parent died: SIGTERM, SIGKILL after kill_after, reap
 */
#define _GNU_SOURCE /* pipe2, signalfd, environ, getdents64, spawn ..._addtcsetpgrp_np,            \
                       POSIX_SPAWN_SETSID, ptsname_r */

#include "runner/proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"

#define CHUNK_SIZE (64 * 1024) /* one read(2); the default pipe capacity */
#define EXIT_CHECK_MS 250      /* safety net if someone else consumed our SIGCHLD */
#define FINAL_READS 16         /* reads per stream after the drain grace ran out */
#define GROUP_POLL_MS 20       /* how often to look for group members after the leader's exit */
#define REAP_EVERY_MS 100      /* at most this often, a /proc scan for orphans to reap */
#define KILL_WAIT_MS 2000      /* after SIGKILL to orphans: give up on those that do not die */
#define MAX_PRIOR 64           /* children of ours from before the spawn that we remember */
#define MAX_TERMED 128         /* orphans we remember having sent SIGTERM */
#define WATCHDOG_AFTER_MS 100  /* a command still running then gets a watchdog */
#define TYPED_SIZE 1024        /* typed input read at once, and held while the pty is full */

/* glibc 2.35 can make the child take the terminal before exec. */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
#define HAVE_SPAWN_TCSETPGRP 1
#else
#define HAVE_SPAWN_TCSETPGRP 0
#endif

/* The last `cap` bytes written to a stream. `data` has cap + 1 bytes so the
 * final NUL fits after linearising in place. */
struct ring {
    char *data;
    size_t cap;
    size_t start; /* oldest byte; nonzero only once the ring is full */
    size_t len;
    bool truncated;
    uint64_t dropped; /* bytes written before the `len` kept ones */
};

/* One output of the command: a pipe, or the master side of a pty. */
struct stream {
    int fd;        /* our read end (a pipe's, or a pty's master); -1 at EOF */
    int child_end; /* until the spawn: the pipe's write end, or our own open of the pty's
                      slave (it holds the modes we set); -1 after */
    int tee_fd;    /* STDOUT_FILENO/STDERR_FILENO, or -1 (no passthrough, or it broke) */
    char *chunk;   /* CHUNK_SIZE bytes: the last read, while it is being teed */
    size_t pend_off;
    size_t pend_len; /* bytes of chunk not yet written to tee_fd (it said EAGAIN) */
    struct ring ring;
    bool pty;      /* fd is a pty's master; the child opens `path` */
    int size_from; /* pty: the terminal whose window size it copies (SIGWINCH) */
    char path[64]; /* pty: the slave's name */
};

/* mockrun's own terminal while the command has a controlling pty (see
 * docs/internals/proc.md, "The terminal"). */
struct terminal {
    int fd;               /* our own open of /dev/tty (non-blocking); -1: no controlling pty */
    struct termios saved; /* its modes before the run, put back at the end */
    bool raw;             /* we changed them */
    bool reading;         /* typed input is relayed (false once the terminal hung up) */
    struct stream *ctl;   /* the stream that reads the controlling pty's master */
    struct termios modes; /* the controlling pty's modes, as last read */
    char typed[TYPED_SIZE];
    size_t typed_off;
    size_t typed_len; /* typed bytes the pty has not taken yet (EAGAIN) */
};

/* The watchdog process (see watchdog_start). */
struct watchdog {
    pid_t pid;
    int fd; /* the pipe's write end; -1: no watchdog */
};

struct supervisor {
    const struct mr_proc_opts *opts;
    pid_t pid; /* also the process group id */
    pid_t self;
    unsigned long long start_ticks; /* the leader's start time (/proc/PID/stat), or 0 */
    struct {
        pid_t pid;
        unsigned long long start;
    } prior[MAX_PRIOR]; /* our children from before the spawn: the caller's, not the command's */
    size_t nprior;
    struct watchdog wd; /* started once the command has run for WATCHDOG_AFTER_MS */
    int64_t watchdog_at;
    int sfd;
    struct stream out;
    struct stream err;
    struct stream echo;     /* the controlling pty's master when stdout is not on it: the
                               echo of typed input and /dev/tty writes, for the terminal only */
    struct terminal term;   /* term.fd >= 0: the command has a controlling pty */
    int64_t timeout_at;     /* -1: none, or no longer relevant */
    int64_t kill_at;        /* when to escalate to SIGKILL; -1: not planned. Stays set after the
                               leader's exit while the rest of the group has its grace */
    int64_t group_check_at; /* then: when to look for live members again */
    int64_t drain_at;       /* after exit: when to stop waiting for the pipes */
    int64_t reap_at;        /* not before: the next scan for orphans to reap */
    bool reap_pending;      /* a SIGCHLD came: an orphan may be a zombie */
    bool exited;            /* waitid(WNOWAIT) saw it; still unreaped */
    bool lost;              /* someone else reaped it (waitid said ECHILD) */
    bool timed_out;
    bool killed;
    bool abandoned;
    int interrupt_signal;
};

void mr_proc_opts_init(struct mr_proc_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->kill_after_ms = MR_PROC_KILL_AFTER_MS_DEFAULT;
    o->drain_grace_ms = 500;
    o->capture_max = 1024 * 1024;
    o->passthrough = true;
    o->tty = true;
}

static void supervised_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGCHLD);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGWINCH); /* ignored by default: must be blocked in every thread */
}

void mr_proc_block_signals(void)
{
    sigset_t set;

    supervised_signals(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int mr_proc_wait_signal(int64_t timeout_ms)
{
    int64_t deadline = timeout_ms > 0 ? mr_clock_mono_us() / 1000 + timeout_ms : 0;
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    for (;;) {
        struct timespec ts;
        int64_t left = deadline ? deadline - mr_clock_mono_us() / 1000 : 0;
        int sig;

        if (deadline && left <= 0)
            return 0;
        ts.tv_sec = (time_t)(left / 1000);
        ts.tv_nsec = (long)(left % 1000) * 1000000L;
        sig = deadline ? sigtimedwait(&set, NULL, &ts) : sigwaitinfo(&set, NULL);
        if (sig > 0)
            return sig;
        if (errno != EINTR && errno != EAGAIN)
            return 0;
    }
}

int mr_proc_wait_signal_fd(int fd, int64_t timeout_ms)
{
    int64_t deadline = timeout_ms > 0 ? mr_clock_mono_us() / 1000 + timeout_ms : 0;
    struct signalfd_siginfo si;
    sigset_t set;
    int sfd, got = -1;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    for (;;) {
        struct pollfd p[2] = {{fd, POLLIN, 0}, {sfd, POLLIN, 0}};
        int64_t left = deadline ? deadline - mr_clock_mono_us() / 1000 : -1;
        int n;

        if (deadline && left <= 0)
            break;
        n = poll(p, sfd >= 0 ? 2 : 1, left < 0 ? -1 : (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        if (sfd >= 0 && (p[1].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si)) {
            got = (int)si.ssi_signo;
            break;
        }
        if (p[0].revents) {
            got = 0;
            break;
        }
    }
    if (sfd >= 0)
        close(sfd);
    return got;
}

void mr_proc_result_release(struct mr_proc_result *res)
{
    if (!res)
        return;
    free(res->out);
    free(res->err);
    memset(res, 0, sizeof(*res));
}

static int64_t now_ms(void)
{
    return mr_clock_mono_us() / 1000;
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/*
 * The watchdog: a small process that outlives mockrun if mockrun is killed
 * (SIGKILL, the OOM killer) while the command runs, and then stops the
 * command's group the way a timeout would: SIGTERM, SIGKILL after
 * kill_after. It is a few lines of sh, spawned like the command (posix_spawn
 * copies no page tables; fork() here costs milliseconds), in a group of its
 * own (a Ctrl-C at the terminal is mockrun's to handle), with the signals
 * main() blocks still blocked, /dev/null for output, and stdin on a pipe
 * whose write end only mockrun holds. It reads the group id, then "q" when
 * the group is gone; end of file without "q" means mockrun is gone. It is our
 * child while the run lasts, never taken for one of the command's orphans
 * (is_orphan). Started only once the command has run WATCHDOG_AFTER_MS, so
 * that short commands pay nothing for it (a sh costs ~2 ms of CPU); a kill
 * in the first moments of a run can still leave the command running.
 */
static const char watchdog_script[] =
    "read -r g || exit 0\n"
    "read -r q && exit 0\n"
    "kill -TERM \"-$g\" 2>/dev/null || exit 0\n"
    "i=0\n"
    "while [ \"$i\" -lt \"$1\" ] && kill -0 \"-$g\" 2>/dev/null; do sleep 0.05; i=$((i+1)); done\n"
    "kill -KILL \"-$g\" 2>/dev/null\n";

/* Starts the watchdog; without one (no /bin/sh, no pipe) the run goes on. */
static void watchdog_start(struct watchdog *wd, int64_t kill_after_ms)
{
    static char sh[] = "/bin/sh", dash_c[] = "-c", name[] = "mockrun-watchdog";
    char steps[32], *argv[6] = {sh, dash_c, (char *)watchdog_script, name, steps, NULL};
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t fa;
    int p[2], rc;

    wd->pid = -1;
    wd->fd = -1;
    snprintf(steps, sizeof(steps), "%lld", (long long)(kill_after_ms / 50));
    if (pipe2(p, O_CLOEXEC) != 0)
        return;
    rc = posix_spawnattr_init(&attr);
    if (rc == 0 && (rc = posix_spawn_file_actions_init(&fa)) != 0)
        posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        close(p[0]);
        close(p[1]);
        return;
    }
    rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    if (!rc)
        rc = posix_spawnattr_setpgroup(&attr, 0);
    if (!rc)
        rc = posix_spawn_file_actions_adddup2(&fa, p[0], STDIN_FILENO);
    if (!rc)
        rc = posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    if (!rc)
        rc = posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    if (!rc)
        rc = posix_spawn(&wd->pid, sh, &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(p[0]);
    if (rc != 0) {
        wd->pid = -1;
        close(p[1]);
        return;
    }
    wd->fd = p[1];
}

static void watchdog_say(struct watchdog *wd, const char *line)
{
    if (wd->fd >= 0)
        while (write(wd->fd, line, strlen(line)) < 0 && errno == EINTR)
            ;
}

/* The run ended normally: the watchdog leaves at once, and is reaped, so
 * that looking for the command's orphans finds no child of ours. */
static void watchdog_stop(struct watchdog *wd)
{
    if (wd->fd < 0)
        return;
    watchdog_say(wd, "q\n");
    close_fd(&wd->fd);
    while (waitpid(wd->pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

/* --- the capture ring --------------------------------------------------- */

static bool ring_init(struct ring *r, size_t cap)
{
    memset(r, 0, sizeof(*r));
    if (cap == (size_t)-1)
        return false;
    r->data = malloc(cap + 1);
    r->cap = cap;
    return r->data != NULL;
}

static void ring_push(struct ring *r, const char *p, size_t n)
{
    size_t end, first, overflow;

    if (n > r->cap - r->len) {
        r->truncated = true;
        r->dropped += n - (r->cap - r->len);
    }
    if (r->cap == 0)
        return;
    if (n >= r->cap) {
        memcpy(r->data, p + (n - r->cap), r->cap);
        r->start = 0;
        r->len = r->cap;
        return;
    }
    end = (r->start + r->len) % r->cap;
    first = n < r->cap - end ? n : r->cap - end;
    memcpy(r->data + end, p, first);
    memcpy(r->data, p + first, n - first);
    if (n > r->cap - r->len) {
        overflow = n - (r->cap - r->len);
        r->start = (r->start + overflow) % r->cap;
        r->len = r->cap;
    } else {
        r->len += n;
    }
}

static void reverse(char *p, size_t n)
{
    size_t i;
    char c;

    for (i = 0; i < n / 2; i++) {
        c = p[i];
        p[i] = p[n - 1 - i];
        p[n - 1 - i] = c;
    }
}

/* Rotates the ring so the oldest byte comes first (three reversals: no
 * second buffer), NUL-terminates it and hands the memory to the caller. */
static char *ring_detach(struct ring *r, size_t *len_out)
{
    char *p = r->data, *small;

    if (r->start) {
        reverse(p, r->start);
        reverse(p + r->start, r->cap - r->start);
        reverse(p, r->cap);
    }
    p[r->len] = '\0';
    *len_out = r->len;
    /* Most commands print far less than capture_max: give the rest back. */
    small = r->len < r->cap ? realloc(p, r->len + 1) : NULL;
    r->data = NULL;
    return small ? small : p;
}

/* --- output ------------------------------------------------------------- */

/* A passthrough write to a closed pipe raised SIGPIPE for this thread. It
 * is blocked during the run (see mr_proc_run), so it is still pending: take
 * it off before the caller's mask comes back and it kills us. */
static void swallow_sigpipe(void)
{
    sigset_t set;
    struct timespec zero = {0, 0};

    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    while (sigtimedwait(&set, NULL, &zero) == SIGPIPE)
        ;
}

/* Copies the pending part of the last read to our own stdout/stderr. EAGAIN
 * (our descriptor is non-blocking and full) leaves it pending: the loop then
 * waits for POLLOUT and stops reading that pipe, which pushes back on the
 * command just like a blocking descriptor would. Any other failure (EPIPE,
 * EBADF: nobody reads mockrun's output) ends the passthrough for the stream;
 * capturing continues. SIGPIPE is blocked meanwhile: see swallow_sigpipe. */
static void stream_flush(struct stream *st)
{
    ssize_t w;

    while (st->pend_len > 0) {
        w = write(st->tee_fd, st->chunk + st->pend_off, st->pend_len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return;
            mr_debug("passthrough to fd %d stopped: %s", st->tee_fd, strerror(errno));
            st->tee_fd = -1;
            st->pend_len = 0;
            return;
        }
        st->pend_off += (size_t)w;
        st->pend_len -= (size_t)w;
    }
}

/* One read from the command's pipe. Returns false when nothing was read. */
static bool stream_read(struct stream *st)
{
    ssize_t n;

    do
        n = read(st->fd, st->chunk, CHUNK_SIZE);
    while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN)
        return false;
    if (n <= 0) { /* EOF, or an error we cannot do better with */
        close_fd(&st->fd);
        return false;
    }
    ring_push(&st->ring, st->chunk, (size_t)n);
    if (st->tee_fd >= 0) {
        st->pend_off = 0;
        st->pend_len = (size_t)n;
        stream_flush(st);
    }
    return true;
}

/* Called once the pipes are given up: take what is already buffered in them,
 * bounded, since a grandchild may still be writing. */
static void stream_final_reads(struct stream *st)
{
    int i;

    for (i = 0; i < FINAL_READS && st->fd >= 0 && st->pend_len == 0; i++)
        if (!stream_read(st))
            break;
}

/* --- /proc --------------------------------------------------------------- */

/* What we need of /proc/PID/stat. Linux only: with no /proc the scans below
 * find nothing, and proc falls back to killing the group at once. */
struct pstat {
    pid_t pid;
    char state; /* R, S, D, T, Z, X, ... */
    pid_t ppid;
    pid_t pgrp;
    unsigned long long start; /* clock ticks after boot */
};

static bool read_pstat(pid_t pid, struct pstat *ps)
{
    char path[48], buf[1024], *p, *end;
    long long v;
    ssize_t n;
    int fd, field;

    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    do
        n = read(fd, buf, sizeof(buf) - 1);
    while (n < 0 && errno == EINTR);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    /* The name, field 2, may hold anything, ')' and spaces included; the
     * fields after it are numbers. */
    p = strrchr(buf, ')');
    if (!p || p[1] != ' ' || !p[2])
        return false;
    ps->pid = pid;
    ps->state = p[2];
    p += 3;
    for (field = 4; field <= 22; field++) {
        v = strtoll(p, &end, 10);
        if (end == p)
            return false;
        if (field == 4)
            ps->ppid = (pid_t)v;
        else if (field == 5)
            ps->pgrp = (pid_t)v;
        else if (field == 22)
            ps->start = (unsigned long long)v;
        p = end;
    }
    return true;
}

static bool is_zombie(const struct pstat *ps)
{
    return ps->state == 'Z' || ps->state == 'X';
}

/* Return false to stop the scan. */
typedef bool (*visit_fn)(struct supervisor *s, const struct pstat *ps, void *ctx);

/* Calls visit for every process (threads are not listed in /proc, so
 * CivetWeb's workers never show up). Reads the directory with getdents64
 * into a stack buffer: nothing is allocated once the command runs. Returns
 * false when /proc cannot be read. */
static bool scan_processes(struct supervisor *s, visit_fn visit, void *ctx)
{
    union {
        struct dirent64 align;
        char bytes[8192];
    } buf;
    struct dirent64 *d;
    struct pstat ps;
    ssize_t n, off;
    long pid;
    char *end;
    int fd;

    fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    for (;;) {
        n = getdents64(fd, buf.bytes, sizeof(buf.bytes));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        for (off = 0; off < n; off += d->d_reclen) {
            d = (struct dirent64 *)(void *)(buf.bytes + off);
            if (d->d_name[0] < '1' || d->d_name[0] > '9')
                continue;
            pid = strtol(d->d_name, &end, 10);
            if (*end || !read_pstat((pid_t)pid, &ps))
                continue; /* not a process, or it is gone already */
            if (!visit(s, &ps, ctx)) {
                close(fd);
                return true;
            }
        }
    }
    close(fd);
    return n == 0;
}

static bool find_group_member(struct supervisor *s, const struct pstat *ps, void *ctx)
{
    bool *alive = ctx;

    if (ps->pgrp != s->pid || is_zombie(ps))
        return true;
    *alive = true;
    return false;
}

/* Whether anything in the group is still running (the leader counts until
 * it exits). Only meaningful while the leader is unreaped: until then the
 * group id cannot be reused. False when /proc cannot tell. */
static bool group_alive(struct supervisor *s)
{
    bool alive = false;

    if (s->lost)
        return false;
    (void)scan_processes(s, find_group_member, &alive);
    return alive;
}

static bool remember_child(struct supervisor *s, const struct pstat *ps, void *ctx)
{
    (void)ctx;
    if (ps->ppid == s->self && s->nprior < MAX_PRIOR) {
        s->prior[s->nprior].pid = ps->pid;
        s->prior[s->nprior++].start = ps->start;
    }
    return true;
}

/* A child of ours that the command left behind: reparented to us (we are a
 * subreaper) when its parent died. It is not the leader, and not one of the
 * caller's own children: those existed before the spawn (same pid and start
 * time) or started before the leader. While it is our child nobody else can
 * reap it, so its pid stays its own until we do: kill(pid) cannot hit a
 * stranger. */
static bool is_orphan(const struct supervisor *s, const struct pstat *ps)
{
    size_t i;

    if (ps->ppid != s->self || ps->pid == s->pid || ps->pid == s->wd.pid ||
        ps->start < s->start_ticks)
        return false;
    for (i = 0; i < s->nprior; i++)
        if (s->prior[i].pid == ps->pid && s->prior[i].start == ps->start)
            return false;
    return true;
}

/* waitpid for one pid, never -1: the leader stays a zombie until we reap it
 * with waitid, and the caller's other children are the caller's. */
static void reap(pid_t pid)
{
    while (waitpid(pid, NULL, WNOHANG) < 0 && errno == EINTR)
        ;
}

static bool reap_zombie_orphan(struct supervisor *s, const struct pstat *ps, void *ctx)
{
    (void)ctx;
    if (is_zombie(ps) && is_orphan(s, ps))
        reap(ps->pid);
    return true;
}

/* --- the process group -------------------------------------------------- */

/* Only called while the leader is unreaped, so its pid, which is also the
 * group id, cannot have been given to anyone else. SIGCONT follows so a
 * stopped group can act on the signal (as timeout(1) does). */
static void signal_group(struct supervisor *s, int sig)
{
    if (s->lost)
        return;
    mr_debug("sending signal %d to process group %ld", sig, (long)s->pid);
    (void)killpg(s->pid, sig);
    /* A leader that moved itself to another group still gets it. */
    if (getpgid(s->pid) != s->pid)
        (void)kill(s->pid, sig);
    if (sig != SIGKILL && sig != SIGCONT)
        (void)killpg(s->pid, SIGCONT);
}

static int64_t drain_grace(const struct supervisor *s)
{
    return s->opts->drain_grace_ms > 0 ? s->opts->drain_grace_ms : 0;
}

static void escalate_at(struct supervisor *s, int64_t now)
{
    int64_t grace = s->opts->kill_after_ms > 0 ? s->opts->kill_after_ms : 0;

    if (s->kill_at < 0 || now + grace < s->kill_at)
        s->kill_at = now + grace;
}

/* WNOWAIT: we learn that it exited but leave it a zombie, so the pid and
 * process group stay ours until the final reap. */
static void check_exit(struct supervisor *s, int64_t now)
{
    siginfo_t si;
    int rc;

    if (s->exited)
        return;
    memset(&si, 0, sizeof(si));
    do
        rc = waitid(P_PID, (id_t)s->pid, &si, WEXITED | WNOHANG | WNOWAIT);
    while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        /* ECHILD: another part of the process reaped it (waitpid(-1)). */
        mr_log(MR_LOG_WARN, "lost track of the command (pid %ld): %s", (long)s->pid,
               strerror(errno));
        s->lost = true;
    } else if (si.si_pid != s->pid) {
        return;
    }
    mr_debug("pid %ld exited", (long)s->pid);
    s->exited = true;
    /* kill_at stays: after a SIGTERM the rest of the group keeps its grace. */
    if (s->lost)
        s->kill_at = -1;
    s->group_check_at = now;
    s->timeout_at = -1;
    s->drain_at = now + drain_grace(s);
}

/* SIGKILL now to whatever is left of the group. */
static void kill_group(struct supervisor *s, int64_t now)
{
    if (!s->exited || group_alive(s))
        s->killed = true;
    signal_group(s, SIGKILL);
    s->kill_at = -1;
    if (s->exited) /* the pipes close as the members die */
        s->drain_at = now + drain_grace(s);
}

static void on_interrupt(struct supervisor *s, int sig, int64_t now)
{
    bool again = s->interrupt_signal != 0;

    if (!again)
        s->interrupt_signal = sig;
    if (s->exited && s->kill_at < 0) {
        /* The command is done; stop waiting for stragglers (killed next). */
        s->drain_at = now;
        return;
    }
    if (again && sig == SIGINT) { /* a second Ctrl-C: no more patience */
        kill_group(s, now);
        return;
    }
    /* Running, or exited while the rest of the group has its grace. */
    signal_group(s, sig);
    s->timeout_at = -1;
    escalate_at(s, now);
}

/* --- the terminal while the command runs ------------------------------- */

/* The controlling pty's master, or -1 (none, or all its slaves closed). */
static int ctl_master(const struct supervisor *s)
{
    return s->term.fd >= 0 && s->term.ctl ? s->term.ctl->fd : -1;
}

/* SIGWINCH: our terminal changed its size; each pty takes it (the kernel
 * then signals the command's foreground group itself). */
static void copy_sizes(struct supervisor *s)
{
    struct stream *st[3] = {&s->out, &s->err, &s->echo};
    struct winsize ws;
    size_t i;

    for (i = 0; i < 3; i++)
        if (st[i]->pty && st[i]->fd >= 0 && ioctl(st[i]->size_from, TIOCGWINSZ, &ws) == 0)
            (void)ioctl(st[i]->fd, TIOCSWINSZ, &ws);
}

/* Hands typed bytes to the pty. It is non-blocking: what it does not take
 * now (EAGAIN: the command is not reading and the pty is full) waits, the
 * loop polls the master for POLLOUT and stops reading the terminal
 * meanwhile, so the terminal holds the rest. */
static void typed_flush(struct supervisor *s)
{
    struct terminal *t = &s->term;
    int master = ctl_master(s);
    ssize_t w;

    while (t->typed_len > 0) {
        if (master < 0) { /* nobody reads the pty any more */
            t->typed_len = 0;
            return;
        }
        w = write(master, t->typed + t->typed_off, t->typed_len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN)
            return;
        if (w < 0) {
            t->typed_len = 0;
            return;
        }
        t->typed_off += (size_t)w;
        t->typed_len -= (size_t)w;
    }
}

/*
 * Typed input, from our terminal in raw mode. The pty decides, through its
 * modes, what a byte means, as a terminal would: when it has ISIG set (the
 * command reads lines, or does not read at all), its VINTR character
 * (Ctrl-C) is not written to it but taken as a SIGINT to mockrun: recorded,
 * forwarded to the group, the --kill-after clock started; a second one
 * kills the group (on_interrupt). What was typed after it in the same read
 * is dropped, as a terminal flushes its input on Ctrl-C. When the command
 * turned ISIG off (raw mode: jest's watch mode, a REPL, a debugger), Ctrl-C
 * is its input like any other byte.
 */
static void typed_read(struct supervisor *s, int64_t now)
{
    struct terminal *t = &s->term;
    int master = ctl_master(s);
    char *intr = NULL;
    ssize_t n;

    do
        n = read(t->fd, t->typed, sizeof(t->typed));
    while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN)
        return;
    if (n <= 0) { /* hung up: SIGHUP follows */
        mr_debug("no more input from the terminal: %s", n < 0 ? strerror(errno) : "end of file");
        t->reading = false;
        return;
    }
    if (master >= 0) /* the command may have changed them since */
        (void)tcgetattr(master, &t->modes);
    if ((t->modes.c_lflag & ISIG) && t->modes.c_cc[VINTR] != _POSIX_VDISABLE)
        intr = memchr(t->typed, t->modes.c_cc[VINTR], (size_t)n);
    t->typed_off = 0;
    t->typed_len = intr ? (size_t)(intr - t->typed) : (size_t)n;
    typed_flush(s);
    if (intr) {
        mr_debug("%s typed at the terminal: interrupting", "Ctrl-C");
        on_interrupt(s, SIGINT, now);
    }
}

static void read_signals(struct supervisor *s, int64_t now)
{
    struct signalfd_siginfo si[8];
    ssize_t n;
    size_t i;

    for (;;) {
        n = read(s->sfd, si, sizeof(si));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        for (i = 0; i < (size_t)n / sizeof(si[0]); i++) {
            if (si[i].ssi_signo == SIGCHLD) {
                check_exit(s, now);
                s->reap_pending = true;
            } else if (si[i].ssi_signo == SIGWINCH) {
                copy_sizes(s);
            } else {
                on_interrupt(s, (int)si[i].ssi_signo, now);
            }
        }
    }
}

static bool stream_open(const struct stream *st)
{
    return st->fd >= 0;
}

/* What a poll slot is for. */
enum slot {
    SLOT_SIGNALS,
    SLOT_STREAM,    /* read a stream, or write its pending tee */
    SLOT_TYPED,     /* read typed input */
    SLOT_TYPED_OUT, /* write pending typed input to the pty */
};

#define MAX_SLOTS 5 /* signals, out, err, echo, typed input */

static void add_stream_poll(struct stream *st, struct pollfd *pfd, struct stream **who,
                            enum slot *what, int *n)
{
    if (st->pend_len > 0) {
        pfd[*n].fd = st->tee_fd;
        pfd[*n].events = POLLOUT;
    } else if (st->fd >= 0) {
        pfd[*n].fd = st->fd;
        pfd[*n].events = POLLIN;
    } else {
        return;
    }
    pfd[*n].revents = 0;
    who[*n] = st;
    what[*n] = SLOT_STREAM;
    (*n)++;
}

static void add_typed_poll(struct supervisor *s, struct pollfd *pfd, struct stream **who,
                           enum slot *what, int *n)
{
    struct terminal *t = &s->term;
    int master = ctl_master(s);

    if (t->fd < 0)
        return;
    if (t->typed_len > 0 && master >= 0) {
        pfd[*n].fd = master;
        pfd[*n].events = POLLOUT;
        what[*n] = SLOT_TYPED_OUT;
    } else if (t->reading) {
        pfd[*n].fd = t->fd;
        pfd[*n].events = POLLIN;
        what[*n] = SLOT_TYPED;
    } else {
        return;
    }
    pfd[*n].revents = 0;
    who[*n] = NULL;
    (*n)++;
}

static int poll_timeout(const struct supervisor *s, int64_t now)
{
    int64_t wait;

    if (s->exited && s->kill_at < 0) {
        wait = s->drain_at - now;
    } else if (s->exited) {
        wait = s->group_check_at - now;
        if (s->kill_at - now < wait)
            wait = s->kill_at - now;
    } else {
        wait = EXIT_CHECK_MS;
        if (s->timeout_at >= 0 && s->timeout_at - now < wait)
            wait = s->timeout_at - now;
        if (s->watchdog_at >= 0 && s->watchdog_at - now < wait)
            wait = s->watchdog_at - now;
        if (s->kill_at >= 0 && s->kill_at - now < wait)
            wait = s->kill_at - now;
    }
    if (s->reap_pending && s->reap_at - now < wait)
        wait = s->reap_at - now;
    return wait < 0 ? 0 : (int)wait;
}

/* After a SIGTERM (timeout or forwarded signal) the group has until kill_at
 * to exit, the leader's exit notwithstanding: its members may be cleaning
 * up. No pipe tells us when they are done (they may have closed theirs), so
 * look for them in /proc now and then. */
static void watch_group(struct supervisor *s, int64_t now)
{
    if (now >= s->kill_at) {
        mr_debug("process group %ld still running at the deadline", (long)s->pid);
        kill_group(s, now);
    } else if (now >= s->group_check_at) {
        if (group_alive(s)) {
            s->group_check_at = now + GROUP_POLL_MS;
        } else {
            mr_debug("process group %ld is empty", (long)s->pid);
            s->kill_at = -1;
            s->drain_at = now + drain_grace(s);
        }
    }
}

/* The command has run for a while: start the watchdog and tell it the group. */
static void watchdog_arm(struct supervisor *s)
{
    char group[32]; /* the group's id is the leader's pid */

    s->watchdog_at = -1;
    watchdog_start(&s->wd, s->opts->kill_after_ms);
    snprintf(group, sizeof(group), "%ld\n", (long)s->pid);
    watchdog_say(&s->wd, group);
}

/* The one loop: returns once the command has exited and its output is
 * drained, or the drain grace ran out; after a SIGTERM, also once the rest
 * of its group has exited or the kill_after deadline has passed. */
static void supervise(struct supervisor *s)
{
    struct pollfd pfd[MAX_SLOTS];
    struct stream *who[MAX_SLOTS];
    enum slot what[MAX_SLOTS];
    int64_t now;
    int n, i, rc;

    for (;;) {
        now = now_ms();
        check_exit(s, now);
        if (s->reap_pending && now >= s->reap_at) {
            s->reap_pending = false;
            s->reap_at = now + REAP_EVERY_MS;
            (void)scan_processes(s, reap_zombie_orphan, NULL);
        }
        if (s->exited && s->kill_at >= 0)
            watch_group(s, now);
        if (s->exited && s->kill_at < 0) {
            if (!stream_open(&s->out) && !stream_open(&s->err))
                return;
            if (now >= s->drain_at) {
                stream_final_reads(&s->out);
                stream_final_reads(&s->err);
                s->abandoned = stream_open(&s->out) || stream_open(&s->err);
                if (s->abandoned)
                    mr_debug("output of pid %ld still open after exit; not waiting", (long)s->pid);
                return;
            }
        } else if (!s->exited) {
            if (s->watchdog_at >= 0 && now >= s->watchdog_at)
                watchdog_arm(s);
            if (s->timeout_at >= 0 && now >= s->timeout_at) {
                mr_debug("pid %ld timed out", (long)s->pid);
                s->timed_out = true;
                s->timeout_at = -1;
                signal_group(s, SIGTERM);
                escalate_at(s, now);
            }
            if (s->kill_at >= 0 && now >= s->kill_at)
                kill_group(s, now);
        }

        n = 0;
        pfd[n].fd = s->sfd;
        pfd[n].events = POLLIN;
        pfd[n].revents = 0;
        what[n] = SLOT_SIGNALS;
        who[n++] = NULL;
        add_stream_poll(&s->out, pfd, who, what, &n);
        add_stream_poll(&s->err, pfd, who, what, &n);
        add_stream_poll(&s->echo, pfd, who, what, &n);
        add_typed_poll(s, pfd, who, what, &n);
        rc = poll(pfd, (nfds_t)n, poll_timeout(s, now));
        if (rc < 0) {
            if (errno != EINTR) { /* ENOMEM: try again shortly rather than spin */
                struct timespec backoff = {0, 10 * 1000 * 1000};
                nanosleep(&backoff, NULL);
            }
            continue;
        }
        now = now_ms();
        for (i = 0; i < n; i++) {
            if (!pfd[i].revents)
                continue;
            if (what[i] == SLOT_SIGNALS)
                read_signals(s, now);
            else if (what[i] == SLOT_TYPED)
                typed_read(s, now);
            else if (what[i] == SLOT_TYPED_OUT)
                typed_flush(s);
            else if (who[i]->pend_len > 0)
                stream_flush(who[i]);
            else
                stream_read(who[i]);
        }
    }
}

/* --- orphans ------------------------------------------------------------ */

struct orphan_pass {
    bool kill;                /* past the deadline: SIGKILL */
    size_t alive;             /* found running in this pass */
    pid_t termed[MAX_TERMED]; /* sent SIGTERM already (once is enough) */
    size_t ntermed;
};

static bool end_orphan(struct supervisor *s, const struct pstat *ps, void *ctx)
{
    struct orphan_pass *op = ctx;
    size_t i;

    if (!is_orphan(s, ps))
        return true;
    for (i = 0; i < op->ntermed && op->termed[i] != ps->pid; i++)
        ;
    if (is_zombie(ps)) {
        reap(ps->pid);
        if (i < op->ntermed) /* its pid may now be given to another orphan */
            op->termed[i] = op->termed[--op->ntermed];
        return true;
    }
    op->alive++;
    if (op->kill) {
        (void)kill(ps->pid, SIGKILL);
    } else if (i == op->ntermed && op->ntermed < MAX_TERMED) {
        mr_debug("ending pid %ld, left behind by the command", (long)ps->pid);
        (void)kill(ps->pid, SIGTERM);
        (void)kill(ps->pid, SIGCONT);
        op->termed[op->ntermed++] = ps->pid;
    }
    return true;
}

/* Waits up to ms for a signal; an interrupt means "stop waiting". */
static bool wait_signals(struct supervisor *s, int64_t ms)
{
    struct signalfd_siginfo si[8];
    struct pollfd pfd = {s->sfd, POLLIN, 0};
    bool interrupted = false;
    ssize_t n;
    size_t i;

    if (poll(&pfd, 1, ms < 0 ? 0 : (int)ms) <= 0)
        return false;
    while ((n = read(s->sfd, si, sizeof(si))) > 0 || (n < 0 && errno == EINTR)) {
        for (i = 0; n > 0 && i < (size_t)n / sizeof(si[0]); i++) {
            if (si[i].ssi_signo == SIGCHLD || si[i].ssi_signo == SIGWINCH)
                continue;
            if (!s->interrupt_signal)
                s->interrupt_signal = (int)si[i].ssi_signo;
            interrupted = true;
        }
    }
    return interrupted;
}

/* True unless the process has no child at all, alive or exited (waitid: ECHILD).
 * Scanning /proc costs about 1.5 ms per 100 processes; this spares it. */
static bool have_children(void)
{
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    return waitid(P_ALL, 0, &si, WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT) == 0 ||
           errno != ECHILD;
}

/* After the command: what escaped its group (setsid, setpgid) and was
 * reparented to us gets SIGTERM, then SIGKILL after kill_after, and is
 * reaped. Killing an orphan reparents its own children to us, so scan
 * until none is left. */
static void end_orphans(struct supervisor *s)
{
    struct orphan_pass op;
    int64_t now, wait, deadline = -1;

    memset(&op, 0, sizeof(op));
    /* the usual case: no child at all (ECHILD), so no orphan to look for in /proc */
    if (!have_children())
        return;
    for (;;) {
        op.alive = 0;
        if (!scan_processes(s, end_orphan, &op) || op.alive == 0)
            return;
        now = now_ms();
        if (deadline < 0)
            deadline = now + (s->opts->kill_after_ms > 0 ? s->opts->kill_after_ms : 0);
        if (!op.kill && now >= deadline) {
            op.kill = true;
            continue;
        }
        if (op.kill && now >= deadline + KILL_WAIT_MS) {
            mr_log(MR_LOG_WARN, "%zu process%s left behind by the command did not die", op.alive,
                   op.alive == 1 ? "" : "es");
            return;
        }
        /* SIGCHLD wakes us as soon as one of them exits. */
        wait = op.kill || deadline - now > GROUP_POLL_MS ? GROUP_POLL_MS : deadline - now;
        if (wait_signals(s, wait))
            deadline = now; /* interrupted: no more patience */
    }
}

/* --- preparing and spawning --------------------------------------------- */

/* Moves fd above 2, so that the child's dup2 onto 1 or 2 never has fd ==
 * newfd (which would leave it close-on-exec); happens when mockrun itself was
 * started with stdout or stderr closed. */
static int move_above_stdio(int *fd)
{
    int moved;

    if (*fd > STDERR_FILENO)
        return 0;
    moved = fcntl(*fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    if (moved < 0)
        return -1;
    close(*fd);
    *fd = moved;
    return 0;
}

static int stream_alloc(struct stream *st, int tee_fd, size_t capture_max, bool passthrough,
                        struct mr_error *err)
{
    st->tee_fd = passthrough ? tee_fd : -1;
    st->chunk = malloc(CHUNK_SIZE);
    if (!st->chunk || !ring_init(&st->ring, capture_max))
        return mr_error_set(err, MR_ENOMEM, "out of memory for a %zu-byte output capture",
                            capture_max);
    return 0;
}

static int stream_pipe(struct stream *st, struct mr_error *err)
{
    int p[2];

    if (pipe2(p, O_CLOEXEC) < 0)
        return mr_error_sys(err, "cannot create a pipe for the command's output");
    st->fd = p[0];
    st->child_end = p[1];
    if (move_above_stdio(&st->fd) < 0 || move_above_stdio(&st->child_end) < 0)
        return mr_error_sys(err, "cannot move a pipe out of the way of stdout");
    /* Only our end: the command gets an ordinary blocking pipe. */
    if (fcntl(st->fd, F_SETFL, fcntl(st->fd, F_GETFL) | O_NONBLOCK) < 0)
        return mr_error_sys(err, "cannot make the output pipe non-blocking");
    return 0;
}

/*
 * Gives the stream a pseudo-terminal instead of a pipe: the command sees a
 * terminal (isatty, colours) and we still read everything it writes, from
 * the master. The slave gets the modes and window size of `model`, mockrun's
 * own terminal, but without ONLCR: the command's "\n" reaches us as it is,
 * and our terminal's own ONLCR renders it when we copy it there. We keep the
 * slave open until the spawn, so the modes are in place when the child opens
 * it. Returns false (and leaves a pipe to be made) when no pty can be had.
 */
static bool stream_pty(struct stream *st, int model)
{
    struct termios tio;
    struct winsize ws;
    int e;

    st->fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (st->fd < 0 || move_above_stdio(&st->fd) < 0 || grantpt(st->fd) != 0 ||
        unlockpt(st->fd) != 0)
        goto fail;
    if ((e = ptsname_r(st->fd, st->path, sizeof(st->path))) != 0) {
        errno = e;
        goto fail;
    }
    st->child_end = open(st->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (st->child_end < 0 || move_above_stdio(&st->child_end) < 0)
        goto fail;
    if (tcgetattr(model, &tio) == 0) {
        tio.c_oflag &= ~(tcflag_t)ONLCR;
        (void)tcsetattr(st->child_end, TCSANOW, &tio);
    }
    if (ioctl(model, TIOCGWINSZ, &ws) == 0)
        (void)ioctl(st->child_end, TIOCSWINSZ, &ws);
    if (fcntl(st->fd, F_SETFL, fcntl(st->fd, F_GETFL) | O_NONBLOCK) < 0)
        goto fail;
    st->pty = true;
    st->size_from = model;
    return true;
fail:
    mr_debug("cannot make a pseudo-terminal for the command (%s); using a pipe", strerror(errno));
    close_fd(&st->fd);
    close_fd(&st->child_end);
    return false;
}

static void stream_release(struct stream *st)
{
    close_fd(&st->fd);
    close_fd(&st->child_end);
    free(st->chunk);
    st->chunk = NULL;
    free(st->ring.data);
    st->ring.data = NULL;
}

/* The terminal is ours to share only when stdin is our controlling terminal
 * and we are its foreground group (not `mockrun &`, not CI). */
static bool terminal_is_ours(void)
{
    pid_t fg;

    if (!isatty(STDIN_FILENO))
        return false;
    fg = tcgetpgrp(STDIN_FILENO);
    return fg > 0 && fg == getpgrp();
}

/*
 * Our terminal is ours: the command gets a pty of its own as its controlling
 * terminal (the spawn makes it a session leader that opens the slave), and
 * the real terminal stays with mockrun. Its output goes to the pty when
 * `stdout_too` (mockrun's stdout is a terminal); otherwise the pty's own
 * output (the echo of typed input, writes to /dev/tty) goes to the `echo`
 * stream, which copies it to the terminal and keeps none of it. We open
 * /dev/tty for ourselves (non-blocking, without touching the file status
 * flags that our stdin shares with the shell). Returns false, with nothing
 * left open, when any of this fails: the terminal is then lent as before.
 */
static bool terminal_prepare(struct supervisor *s, bool stdout_too)
{
    struct terminal *t = &s->term;
    struct stream *ctl = stdout_too ? &s->out : &s->echo;

    t->fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (t->fd < 0 || move_above_stdio(&t->fd) < 0 || tcgetattr(t->fd, &t->saved) != 0) {
        mr_debug("cannot use the terminal (%s); lending it to the command", strerror(errno));
        close_fd(&t->fd);
        return false;
    }
    if ((!stdout_too && stream_alloc(&s->echo, t->fd, 0, s->opts->passthrough, NULL) != 0) ||
        !stream_pty(ctl, t->fd)) {
        mr_debug("no controlling pseudo-terminal for the command (%s); lending it ours",
                 strerror(errno));
        close_fd(&t->fd);
        return false;
    }
    t->ctl = ctl;
    t->modes = t->saved;
    t->reading = true;
    return true;
}

/*
 * While the command runs, our terminal delivers each typed byte to us at
 * once and as it is: no line editing, no echo (the pty echoes, as the
 * command set it), no signals from Ctrl-C or Ctrl-Z (we read the byte and
 * decide: typed_read), no XON/XOFF, no CR→NL (the pty's own ICRNL does it).
 * Output processing is kept, so our own log lines and the command's "\n"
 * still render.
 */
static void terminal_raw(struct terminal *t)
{
    struct termios raw = t->saved;

    raw.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    t->raw = tcsetattr(t->fd, TCSANOW, &raw) == 0;
    if (!t->raw)
        mr_debug("cannot set the terminal's modes: %s", strerror(errno));
}

/* Puts the terminal's modes back (SIGTTOU is blocked, so this works from the
 * background too). Every path out of mr_proc_run passes here. */
static void terminal_restore(struct terminal *t)
{
    if (t->raw)
        (void)tcsetattr(t->fd, TCSANOW, &t->saved);
    t->raw = false;
}

/* Makes the command's outputs pseudo-terminals where that helps it (see
 * stream_pty and terminal_prepare), and pipes elsewhere. */
static int streams_prepare(struct supervisor *s, bool ours, struct mr_error *err)
{
    const struct mr_proc_opts *o = s->opts;
    bool out_tty = o->tty && o->passthrough && isatty(STDOUT_FILENO);
    bool err_tty = o->tty && o->passthrough && isatty(STDERR_FILENO);
    int rc;

    if ((rc = stream_alloc(&s->out, STDOUT_FILENO, o->capture_max, o->passthrough, err)) != 0 ||
        (rc = stream_alloc(&s->err, STDERR_FILENO, o->capture_max, o->passthrough, err)) != 0)
        return rc;
    if (o->tty && ours)
        (void)terminal_prepare(s, out_tty);
    if (out_tty && s->term.ctl != &s->out)
        (void)stream_pty(&s->out, STDOUT_FILENO);
    if (err_tty)
        (void)stream_pty(&s->err, STDERR_FILENO);
    if (s->out.fd < 0 && (rc = stream_pipe(&s->out, err)) != 0)
        return rc;
    if (s->err.fd < 0 && (rc = stream_pipe(&s->err, err)) != 0)
        return rc;
    return 0;
}

static int spawn_failed(struct mr_error *err, const char *cmd, int e)
{
    enum mr_errcode code = MR_ESETUP;
    int rc;

    if (e == ENOENT && !strchr(cmd, '/'))
        rc = mr_error_set(err, code, "cannot run '%s': not found in PATH", cmd);
    else if (e == ENOENT && access(cmd, F_OK) == 0)
        rc = mr_error_set(err, code,
                          "cannot run '%s': its interpreter was not found (check the "
                          "'#!' line)",
                          cmd);
    else if (e == ENOENT)
        rc = mr_error_set(err, code, "cannot run '%s': no such file or directory", cmd);
    else if (e == EACCES)
        rc = mr_error_set(err, code, "cannot run '%s': permission denied", cmd);
    else {
        if (e == ENOMEM)
            code = MR_ENOMEM;
        else if (e == EAGAIN)
            code = MR_ESYSTEM;
        rc = mr_error_set(err, code, "cannot run '%s': %s", cmd, strerror(e));
    }
    if (err)
        err->sys_errno = e;
    return rc;
}

/* fd of the child comes from the stream: the controlling pty (already on
 * fd 0), or our end of a pipe or our open of a pty's slave, which dup2
 * makes inheritable. */
static int child_output(posix_spawn_file_actions_t *fa, const struct stream *st, int fd,
                        const struct stream *ctl)
{
    if (st == ctl)
        return posix_spawn_file_actions_adddup2(fa, STDIN_FILENO, fd);
    return posix_spawn_file_actions_adddup2(fa, st->child_end, fd);
}

static int spawn(struct supervisor *s, bool lend_terminal, struct mr_error *err)
{
    const struct stream *ctl = s->term.fd >= 0 ? s->term.ctl : NULL;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t fa;
    sigset_t empty, dfl;
    char *const *envp = s->opts->envp ? s->opts->envp : environ;
    int rc;

    sigemptyset(&empty);
    sigemptyset(&dfl);
    /* Ignored dispositions survive exec; CivetWeb ignores SIGPIPE. */
    sigaddset(&dfl, SIGPIPE);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGTERM);
    sigaddset(&dfl, SIGHUP);
    sigaddset(&dfl, SIGCHLD);
    sigaddset(&dfl, SIGQUIT);

    if ((rc = posix_spawnattr_init(&attr)) != 0) {
        errno = rc;
        return mr_error_sys(err, "cannot prepare to run '%s'", s->opts->argv[0]);
    }
    if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
        posix_spawnattr_destroy(&attr);
        errno = rc;
        return mr_error_sys(err, "cannot prepare to run '%s'", s->opts->argv[0]);
    }
    /* With a controlling pty, a session of its own (of which it leads the
     * only group, so killpg(pid) still reaches it), and the slave opened by
     * name: glibc runs setsid before the file actions, and a session leader
     * without a terminal that opens one without O_NOCTTY acquires it (and
     * its group becomes the foreground). Not SETPGROUP too: a session
     * leader cannot setpgid. */
    rc =
        posix_spawnattr_setflags(&attr, (short)((ctl ? POSIX_SPAWN_SETSID : POSIX_SPAWN_SETPGROUP) |
                                                POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));
    if (!rc && !ctl)
        rc = posix_spawnattr_setpgroup(&attr, 0);
    if (!rc)
        rc = posix_spawnattr_setsigmask(&attr, &empty);
    if (!rc)
        rc = posix_spawnattr_setsigdefault(&attr, &dfl);
    if (!rc && ctl)
        rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, ctl->path, O_RDWR, 0);
    if (!rc)
        rc = child_output(&fa, &s->out, STDOUT_FILENO, ctl);
    if (!rc)
        rc = child_output(&fa, &s->err, STDERR_FILENO, ctl);
#if HAVE_SPAWN_TCSETPGRP
    /* The child takes the terminal itself, after joining its new group and
     * before exec, so it cannot read the terminal while still in the
     * background (SIGTTIN). glibc runs this with all signals blocked. */
    if (!rc && lend_terminal)
        rc = posix_spawn_file_actions_addtcsetpgrp_np(&fa, STDIN_FILENO);
#endif
    if (rc) {
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
        errno = rc;
        return mr_error_sys(err, "cannot prepare to run '%s'", s->opts->argv[0]);
    }

    rc = posix_spawnp(&s->pid, s->opts->argv[0], &fa, &attr, s->opts->argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc)
        return spawn_failed(err, s->opts->argv[0], rc);
    mr_debug("started '%s' as pid %ld", s->opts->argv[0], (long)s->pid);

#if !HAVE_SPAWN_TCSETPGRP
    /* No way to do it in the child: do it here and wake the group in case it
     * already stopped on SIGTTIN. */
    if (lend_terminal) {
        (void)tcsetpgrp(STDIN_FILENO, s->pid);
        (void)killpg(s->pid, SIGCONT);
    }
#else
    (void)lend_terminal;
#endif
    return 0;
}

static void fill_result(struct supervisor *s, const siginfo_t *si, struct mr_proc_result *res)
{
    if (s->lost) {
        res->exit_code = -1; /* unknown: see check_exit */
    } else if (si->si_code == CLD_EXITED) {
        res->exit_code = si->si_status;
    } else {
        res->term_signal = si->si_status;
    }
    if (s->interrupt_signal)
        res->state = MR_PROC_INTERRUPTED;
    else if (s->timed_out)
        res->state = MR_PROC_TIMED_OUT;
    else if (res->term_signal)
        res->state = MR_PROC_SIGNALED;
    else
        res->state = MR_PROC_EXITED;
    res->interrupt_signal = s->interrupt_signal;
    res->killed = s->killed;
    res->output_abandoned = s->abandoned;
    res->out_truncated = s->out.ring.truncated;
    res->err_truncated = s->err.ring.truncated;
    res->out_dropped = s->out.ring.dropped;
    res->err_dropped = s->err.ring.dropped;
    res->out = ring_detach(&s->out.ring, &res->out_len);
    res->err = ring_detach(&s->err.ring, &res->err_len);
}

int mr_proc_run(const struct mr_proc_opts *opts, struct mr_proc_result *res, struct mr_error *err)
{
    struct supervisor s;
    sigset_t supervised, run_mask, old_mask;
    struct sigaction old_chld, dfl_chld;
    bool restore_chld = false, lend_terminal = false, restore_subreaper = false, ours;
    struct pstat leader;
    int subreaper = 0;
    siginfo_t si;
    int64_t start;
    int rc;

    memset(res, 0, sizeof(*res));
    res->state = MR_PROC_NOT_STARTED;
    if (!opts->argv || !opts->argv[0] || !opts->argv[0][0])
        return mr_error_set(err, MR_EUSAGE, "no command to run");

    memset(&s, 0, sizeof(s));
    s.opts = opts;
    s.sfd = s.out.fd = s.out.child_end = s.err.fd = s.err.child_end = -1;
    s.echo.fd = s.echo.child_end = s.echo.tee_fd = s.term.fd = -1;
    s.kill_at = s.drain_at = -1;
    s.wd.pid = s.wd.fd = -1;

    /* Block what the signalfd reads (a no-op when main() already did), plus
     * SIGPIPE (our passthrough may hit a closed stdout: see swallow_sigpipe)
     * and SIGTTOU (tcsetpgrp from the background must not stop us; for the
     * kernel a blocked SIGTTOU counts as ignored, and blocking stays local to
     * this thread where changing the disposition would not). */
    supervised_signals(&supervised);
    run_mask = supervised;
    sigaddset(&run_mask, SIGPIPE);
    sigaddset(&run_mask, SIGTTOU);
    pthread_sigmask(SIG_BLOCK, &run_mask, &old_mask);

    /* An ignored SIGCHLD (inherited from whoever started us) would make the
     * kernel reap the command behind our back. */
    if (sigaction(SIGCHLD, NULL, &old_chld) == 0 &&
        (old_chld.sa_handler == SIG_IGN || (old_chld.sa_flags & SA_NOCLDWAIT))) {
        memset(&dfl_chld, 0, sizeof(dfl_chld));
        dfl_chld.sa_handler = SIG_DFL;
        restore_chld = sigaction(SIGCHLD, &dfl_chld, NULL) == 0;
    }

    ours = terminal_is_ours();
    rc = streams_prepare(&s, ours, err);
    if (!rc && ((s.sfd = signalfd(-1, &supervised, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
                move_above_stdio(&s.sfd) < 0))
        rc = mr_error_sys(err, "cannot create a signalfd");
    if (rc)
        goto out;

    /* Orphans of the command come to us, not to init, so that none outlives
     * the run (end_orphans). Process-wide, so set here, for the run only,
     * and not inherited by the command. The children we have already are
     * the caller's: remember them. */
    s.self = getpid();
    if (prctl(PR_GET_CHILD_SUBREAPER, &subreaper) == 0 && !subreaper)
        restore_subreaper = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
    if (have_children())
        (void)scan_processes(&s, remember_child, NULL);

    /* Without a pty of its own, the command shares our terminal as before. */
    lend_terminal = ours && s.term.fd < 0;
    start = now_ms();
    rc = spawn(&s, lend_terminal, err);
    close_fd(&s.out.child_end);
    close_fd(&s.err.child_end);
    close_fd(&s.echo.child_end);
    if (rc)
        goto out_terminal;
    if (s.term.fd >= 0)
        terminal_raw(&s.term);
    if (read_pstat(s.pid, &leader))
        s.start_ticks = leader.start;
    s.watchdog_at = start + WATCHDOG_AFTER_MS;

    s.timeout_at = opts->timeout_ms > 0 ? start + opts->timeout_ms : -1;
    supervise(&s);
    /* Now, not at the end: while orphans are ended, a Ctrl-C must be a
     * SIGINT to us again. */
    terminal_restore(&s.term);

    /* Leftovers of the group (a daemon holding the pipes, a background job)
     * die with the command. The leader is still a zombie here: the group id
     * cannot belong to anyone else yet. */
    signal_group(&s, SIGKILL);
    watchdog_stop(&s.wd); /* the group is gone: nothing left to watch */
    close_fd(&s.out.fd);
    close_fd(&s.err.fd);
    close_fd(&s.echo.fd);
    memset(&si, 0, sizeof(si));
    if (!s.lost) {
        while (waitid(P_PID, (id_t)s.pid, &si, WEXITED) < 0 && errno == EINTR)
            ;
    }
    res->duration_ms = now_ms() - start;
    end_orphans(&s);
    fill_result(&s, &si, res);

out_terminal:
    terminal_restore(&s.term);
    if (lend_terminal)
        (void)tcsetpgrp(STDIN_FILENO, getpgrp()); /* SIGTTOU is blocked: see above */
out:
    watchdog_stop(&s.wd);
    close_fd(&s.sfd);
    stream_release(&s.out);
    stream_release(&s.err);
    stream_release(&s.echo);
    close_fd(&s.term.fd);
    if (restore_subreaper)
        (void)prctl(PR_SET_CHILD_SUBREAPER, 0);
    if (restore_chld)
        sigaction(SIGCHLD, &old_chld, NULL);
    if (!sigismember(&old_mask, SIGPIPE))
        swallow_sigpipe();
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    return rc;
}
