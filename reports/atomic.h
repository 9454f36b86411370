/*
 * atomic.h - write a report file all at once or not at all.
 *
 * A report is written to a temp file in the target's folder, named
 * `.<basename>.<pid>.tmp`, then renamed over the target. Readers see the old
 * file or the whole new one, never a truncated mix; a run killed at any point
 * leaves the previous report intact; on any failure the target is left
 * untouched and the temp file removed. Nothing is fsync'ed, which saves
 * 3-12 ms per run: only a power loss or kernel crash soon after a run can
 * then leave the old report, or the new one empty or cut short (depending on
 * the file system), which a CI run that is repeated anyway can afford.
 *
 * A run killed by SIGKILL leaves its temp file behind; the next
 * mr_atomic_begin or mr_atomic_check_writable on the same target removes
 * every `.<basename>.<pid>.tmp` whose pid is no longer alive (and any named
 * with our own pid: a container's pids repeat from run to run, and one process
 * writes a given report once at a time).
 *
 * The target must be a regular file or not exist: a folder, device (e.g.
 * /dev/full, /dev/null) or FIFO is refused, since the temp file would land
 * next to it and the rename would replace it. A symlink at the target is
 * replaced by the new file, not followed.
 *
 * Errors: every failure to create, write or rename is MR_ESETUP with
 * "cannot write report '<path>': <strerror>" and `sys_errno` set (MR_ENOMEM
 * when memory runs out). Thread-safe for different targets; two writers of
 * the same target in one process are not supported.
 */
#ifndef MOCKRUN_REPORTS_ATOMIC_H
#define MOCKRUN_REPORTS_ATOMIC_H

#include <stddef.h>

#include "common/error.h"

/* One report being written. Embedded by value; its fields are private. */
struct mr_atomic_file {
    int fd;         /* the open temp file, or -1 */
    char *path;     /* the target, a copy of what the caller gave */
    char *tmp_path; /* the temp file; NULL when none is left to remove */
};

/*
 * Checks, before the command under test runs, that a report can be written
 * to `path`: the target is a regular file or absent, and its folder exists
 * and accepts a new file (a temp file is created there and removed). Also
 * removes stale temp files of `path`. Returns 0 or MR_ESETUP (see above).
 */
int mr_atomic_check_writable(const char *path, struct mr_error *err);

/*
 * Removes stale temp files of `path` and creates this process's temp file
 * (O_EXCL, mode 0644 less the umask). Always initialises `f`, so
 * mr_atomic_abort is safe after it whatever it returned.
 */
int mr_atomic_begin(struct mr_atomic_file *f, const char *path, struct mr_error *err);

/* Appends `len` bytes, retrying short writes and EINTR. On failure the temp
 * file is removed (as by mr_atomic_abort) and later calls fail. */
int mr_atomic_write(struct mr_atomic_file *f, const void *data, size_t len, struct mr_error *err);

/*
 * Closes the temp file and renames it over the target (no fsync, see above).
 * On failure the temp file is removed and the target untouched. Either way
 * `f` is released.
 */
int mr_atomic_commit(struct mr_atomic_file *f, struct mr_error *err);

/* Closes and removes the temp file and releases `f`. A no-op after commit,
 * after a failure, or when called twice. */
void mr_atomic_abort(struct mr_atomic_file *f);

#endif
