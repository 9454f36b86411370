/*
 * proc.h - runs the command under test and supervises it to the end.
 *
 * mr_proc_run spawns argv (no shell; posix_spawnp) in its own process group
 * with an empty signal mask and SIGPIPE reset to default, stdin inherited,
 * stdout/stderr through pipes that are copied live to mockrun's own and
 * captured (the last `capture_max` bytes of each). It then waits in one poll
 * loop on a signalfd, both pipes and the deadline until the command has
 * exited and its output is drained.
 *
 * Terminals (opts.tty, the default): where mockrun's stdout or stderr is a
 * terminal, the command's is a pseudo-terminal instead of a pipe, so it
 * sees a terminal (colours) while its output is still captured. When stdin
 * is mockrun's controlling terminal and mockrun is in its foreground, the
 * command gets a pty as its controlling terminal and stdin, in a session of
 * its own; mockrun keeps the real terminal in raw input mode for the run
 * and relays what is typed. A typed Ctrl-C (the pty's VINTR while it has
 * ISIG set) then counts as a SIGINT to mockrun; with ISIG off (a command in
 * raw mode) it is the command's input. Without opts.tty, or when no pty can
 * be had, pipes, and the command is lent the terminal's foreground as it is.
 * The terminal's modes are restored before mr_proc_run returns.
 *
 * Signals: call mr_proc_block_signals() in main() before any thread starts,
 * so SIGCHLD, SIGINT, SIGTERM, SIGHUP and SIGWINCH are only ever read through
 * the signalfd. SIGINT/SIGTERM/SIGHUP received while the command runs are
 * forwarded to its process group; a timeout sends SIGTERM to the group. Then
 * the whole group has until kill_after_ms to exit, even if the command
 * itself exits at once, and whatever of it still runs gets SIGKILL. After a
 * normal exit, what is left in the group gets SIGKILL at once: the
 * command's background processes do not outlive it. If output pipes stay
 * open after exit (a daemon kept them), mockrun waits at most drain_grace_ms
 * and says so.
 *
 * Descendants that left the group (setsid) are caught too: for the run, the
 * calling process is a child subreaper (PR_SET_CHILD_SUBREAPER), so orphans
 * of the command become its children. They are reaped as they exit, and
 * when the command has ended, those still running get SIGTERM, then SIGKILL
 * after kill_after_ms. The caller's own children (those it had before the
 * call) are never signalled or reaped; do not fork from another thread
 * during a run, or that child may be taken for the command's.
 *
 * Linux only: group members and orphans are found in /proc.
 *
 * Not thread-safe: one command at a time per process.
 */
#ifndef MOCKRUN_RUNNER_PROC_H
#define MOCKRUN_RUNNER_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* SIGTERM → SIGKILL grace after a timeout or an interrupt (--kill-after's default). */
#define MR_PROC_KILL_AFTER_MS_DEFAULT 5000

struct mr_proc_opts {
    char *const *argv;      /* NULL-terminated; argv[0] looked up in PATH */
    char *const *envp;      /* NULL-terminated; NULL: inherit environ */
    int64_t timeout_ms;     /* 0: none */
    int64_t kill_after_ms;  /* SIGTERM → SIGKILL grace; default above */
    int64_t drain_grace_ms; /* wait for pipes after exit; default 500 */
    size_t capture_max;     /* bytes kept of each stream; default 1 MiB */
    bool passthrough;       /* copy output live to our stdout/stderr (default true) */
    bool tty;               /* pseudo-terminals where mockrun has a terminal (default true;
                               outputs only with passthrough); false: pipes (--no-tty) */
};

/* Fills defaults: MR_PROC_KILL_AFTER_MS_DEFAULT, drain_grace 500, capture 1 MiB, passthrough, tty.
 */
void mr_proc_opts_init(struct mr_proc_opts *o);

enum mr_proc_state {
    MR_PROC_NOT_STARTED, /* spawn failed; see the error */
    MR_PROC_EXITED,      /* exited by itself: exit_code */
    MR_PROC_SIGNALED,    /* killed by a signal it did not get from us: term_signal */
    MR_PROC_TIMED_OUT,   /* we killed it at the deadline */
    MR_PROC_INTERRUPTED, /* mockrun got interrupt_signal and forwarded it; the command then ended */
};

struct mr_proc_result {
    enum mr_proc_state state;
    int exit_code;         /* EXITED, and INTERRUPTED when it exited */
    int term_signal;       /* the signal that ended it, or 0 */
    int interrupt_signal;  /* INTERRUPTED: the signal mockrun received */
    bool killed;           /* we had to send SIGKILL: something in the group was still running
                              at the kill_after deadline, or at a second SIGINT */
    bool output_abandoned; /* pipes were still open drain_grace_ms after exit */
    int64_t duration_ms;   /* until the command ended and its output was drained; without
                              the time spent ending its orphans */
    char *out;             /* captured stdout (owned), out_len bytes, NUL-terminated; the
                              raw bytes, terminal escapes and all */
    size_t out_len;
    bool out_truncated;   /* more than capture_max was written */
    uint64_t out_dropped; /* bytes written before the out_len kept ones */
    char *err;
    size_t err_len;
    bool err_truncated;
    uint64_t err_dropped;
};

/* Blocks SIGCHLD, SIGINT, SIGTERM, SIGHUP and SIGWINCH in the calling thread (call in
 * main, first: threads inherit the mask, and a thread that leaves SIGWINCH unblocked
 * would discard it, its default being to ignore it). */
void mr_proc_block_signals(void);

/*
 * Runs the command to completion and fills *res (release with
 * mr_proc_result_release). Returns 0 when the command was started (whatever
 * happened to it), MR_ESETUP when it could not be started ("cannot run 'npm':
 * not found in PATH"; res->state is NOT_STARTED), or MR_ESYSTEM/MR_ENOMEM.
 * Returns only when nothing the command started is left running, which may
 * take up to kill_after_ms after it ended (orphans that ignore SIGTERM).
 */
int mr_proc_run(const struct mr_proc_opts *opts, struct mr_proc_result *res, struct mr_error *err);

void mr_proc_result_release(struct mr_proc_result *res);

/* Waits for SIGINT, SIGTERM or SIGHUP (blocked by mr_proc_block_signals) for
 * up to timeout_ms (0: no limit). Returns the signal, or 0 when the time ran
 * out. For --serve, where no command runs. */
int mr_proc_wait_signal(int64_t timeout_ms);

/* Waits for SIGINT, SIGTERM or SIGHUP (blocked by mr_proc_block_signals) or
 * for `fd` to become readable, for up to timeout_ms (0: no limit). Returns
 * the signal, 0 when fd is readable, or -1 when the time ran out. For the
 * end of a run, while callbacks are still being sent. */
int mr_proc_wait_signal_fd(int fd, int64_t timeout_ms);

#endif
