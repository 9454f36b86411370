#include "reports/atomic.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* MR_ESETUP "cannot write report '<path>': <strerror(e)>", or MR_ENOMEM. */
static int report_error(struct mr_error *err, const char *path, int e)
{
    int rc;

    if (e == ENOMEM)
        rc = mr_error_set(err, MR_ENOMEM, "cannot write report '%s': out of memory", path);
    else
        rc = mr_error_set(err, MR_ESETUP, "cannot write report '%s': %s", path, strerror(e));
    if (err)
        err->sys_errno = e;
    return rc;
}

/* The pieces of a target path: the folder to scan and the temp file's name. */
struct names {
    char *dir;  /* "." when the path has no '/', else up to and including the last '/' */
    char *base; /* after the last '/' */
    char *tmp;  /* <folder>/.<base>.<pid>.tmp, spelled relative like the path */
};

static void names_release(struct names *n)
{
    free(n->dir);
    free(n->base);
    free(n->tmp);
    memset(n, 0, sizeof(*n));
}

static int names_init(struct names *n, const char *path, struct mr_error *err)
{
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
    size_t blen = strlen(path) - dlen;
    size_t tlen = dlen + blen + 32;

    memset(n, 0, sizeof(*n));
    if (path[0] == '\0')
        return mr_error_set(err, MR_ESETUP, "cannot write report '': the path is empty");
    if (blen == 0)
        return mr_error_set(err, MR_ESETUP,
                            "cannot write report '%s': expected a file name, not a folder", path);
    n->dir = malloc(dlen ? dlen + 1 : 2);
    n->base = malloc(blen + 1);
    n->tmp = malloc(tlen);
    if (!n->dir || !n->base || !n->tmp) {
        names_release(n);
        return report_error(err, path, ENOMEM);
    }
    if (dlen) {
        memcpy(n->dir, path, dlen);
        n->dir[dlen] = '\0';
    } else {
        strcpy(n->dir, ".");
    }
    memcpy(n->base, path + dlen, blen + 1);
    snprintf(n->tmp, tlen, "%.*s.%s.%ld.tmp", (int)dlen, path, n->base, (long)getpid());
    return 0;
}

/* Refuses targets the rename must not replace: folders, devices, FIFOs. */
static int check_target(const char *path, struct mr_error *err)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        /* A missing target is the usual case; a missing folder is reported
         * when the temp file cannot be created, with the same message. */
        return errno == ENOENT ? 0 : report_error(err, path, errno);
    }
    if (S_ISDIR(st.st_mode))
        return report_error(err, path, EISDIR);
    if (!S_ISREG(st.st_mode))
        return mr_error_set(err, MR_ESETUP, "cannot write report '%s': not a regular file", path);
    return 0;
}

/* Parses the pid in "<digits>.tmp" (the rest of a temp file's name); 0 if malformed. */
static pid_t parse_pid(const char *s)
{
    long v = 0;
    size_t i;

    for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
        if (i >= 10)
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    if (i == 0 || s[0] == '0' || strcmp(s + i, ".tmp") != 0 || v > INT_MAX)
        return 0;
    return (pid_t)v;
}

/*
 * Removes `.<base>.<pid>.tmp` files whose writer is gone. kill(pid, 0) failing
 * with ESRCH means no such process; EPERM means it lives under another user,
 * so its file is kept. Best effort: an unreadable folder just skips cleanup.
 */
static void remove_stale(const struct names *n)
{
    size_t blen = strlen(n->base);
    pid_t self = getpid();
    struct dirent *de;
    struct stat st;
    DIR *d;

    d = opendir(n->dir);
    if (!d)
        return;
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        pid_t pid;

        if (name[0] != '.' || strncmp(name + 1, n->base, blen) != 0 || name[1 + blen] != '.')
            continue;
        pid = parse_pid(name + 2 + blen);
        if (pid <= 0)
            continue;
        if (pid != self && (kill(pid, 0) == 0 || errno != ESRCH))
            continue;
        if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            (void)unlinkat(dirfd(d), name, 0);
    }
    closedir(d);
}

static int open_tmp(const char *tmp)
{
    int fd;

    do {
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

int mr_atomic_check_writable(const char *path, struct mr_error *err)
{
    struct names n;
    int rc, fd;

    rc = names_init(&n, path, err);
    if (rc)
        return rc;
    rc = check_target(path, err);
    if (rc)
        goto out;
    remove_stale(&n);
    fd = open_tmp(n.tmp);
    if (fd < 0) {
        rc = report_error(err, path, errno);
        goto out;
    }
    close(fd);
    unlink(n.tmp);
out:
    names_release(&n);
    return rc;
}

static void release(struct mr_atomic_file *f)
{
    free(f->path);
    free(f->tmp_path);
    f->fd = -1;
    f->path = NULL;
    f->tmp_path = NULL;
}

int mr_atomic_begin(struct mr_atomic_file *f, const char *path, struct mr_error *err)
{
    struct names n;
    int rc;

    f->fd = -1;
    f->path = NULL;
    f->tmp_path = NULL;
    rc = names_init(&n, path, err);
    if (rc)
        return rc;
    rc = check_target(path, err);
    if (rc)
        goto fail;
    f->path = strdup(path);
    if (!f->path) {
        rc = report_error(err, path, ENOMEM);
        goto fail;
    }
    remove_stale(&n);
    f->fd = open_tmp(n.tmp);
    if (f->fd < 0) {
        rc = report_error(err, path, errno);
        goto fail;
    }
    f->tmp_path = n.tmp;
    n.tmp = NULL;
    names_release(&n);
    return 0;
fail:
    names_release(&n);
    release(f);
    return rc;
}

/* Reports errno `e` for `f`'s target, then removes the temp file. */
static int fail_file(struct mr_atomic_file *f, int e, struct mr_error *err)
{
    int rc = report_error(err, f->path, e);

    mr_atomic_abort(f);
    return rc;
}

int mr_atomic_write(struct mr_atomic_file *f, const void *data, size_t len, struct mr_error *err)
{
    const char *p = data;

    if (f->fd < 0)
        return mr_error_set(err, MR_EINTERNAL, "report file written after it was closed");
    while (len > 0) {
        ssize_t w = write(f->fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return fail_file(f, errno, err);
        }
        if (w == 0) /* no progress and no errno: a full device, in practice */
            return fail_file(f, ENOSPC, err);
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/*
 * No fsync, of the file or of the folder: the guarantee is that a report is
 * never half-written and that a run killed at any point leaves the previous
 * report intact, and writing a temp file then renaming it gives that on its
 * own (rename is atomic for every process reading the folder). fsync would
 * only add durability across a power loss or kernel crash, which a CI report
 * does not need (the run would be repeated), and it cost 3-12 ms per run on
 * our CI disks.
 */
int mr_atomic_commit(struct mr_atomic_file *f, struct mr_error *err)
{
    int fd = f->fd;

    if (fd < 0)
        return mr_error_set(err, MR_EINTERNAL, "report file committed after it was closed");
    /* close can report a delayed write error (NFS, quotas): then the file may
     * be incomplete and must not replace the target. After close the
     * descriptor is gone even on error (Linux); EINTR loses nothing. */
    f->fd = -1;
    if (close(fd) != 0 && errno != EINTR)
        return fail_file(f, errno, err);
    if (rename(f->tmp_path, f->path) != 0)
        return fail_file(f, errno, err);
    free(f->tmp_path);
    f->tmp_path = NULL;
    release(f);
    return 0;
}

void mr_atomic_abort(struct mr_atomic_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    if (f->tmp_path)
        unlink(f->tmp_path);
    release(f);
}
