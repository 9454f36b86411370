/*
 * files.c - `file` responses whose path is rendered per request
 * ("fixtures/{{urlParam 'id'}}.json"): opened beneath the scenario's folder,
 * never out of it, and typed by their extension.
 *
 * The rendered path comes from the request, so it is hostile input. It is
 * first normalised lexically ("." and empty components dropped, ".." taken
 * back): an absolute path, a NUL byte or a ".." above the folder is refused
 * before any system call. What remains is opened relative to the folder's
 * descriptor (opened at load time, so renaming the folder later changes
 * nothing) with openat2(RESOLVE_BENEATH): the kernel refuses, with EXDEV,
 * any symlink that leads out, absolute ones included, while links that stay
 * inside work as they do for plain `file` paths. Kernels before 5.6 (or
 * seccomp filters) without openat2 get a walk of openat() calls with
 * O_NOFOLLOW, one per component: no symlink is followed at all there.
 */
#define _GNU_SOURCE /* syscall() */
#include "scenarios/scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "scenarios/load_internal.h"

/* O_NONBLOCK: opening a FIFO must not hang the worker (it is then refused as
 * not a regular file); reads of regular files ignore it. */
#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)

static const char *const LEAVES = "leaves the scenario's folder";

const char *mr_scenario_file_type(const char *name)
{
    static const char *const map[][2] = {
        {".json", "application/json"},
        {".html", "text/html; charset=utf-8"},
        {".htm", "text/html; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
        {".xml", "application/xml"},
        {".csv", "text/csv"},
        {".js", "text/javascript"},
        {".css", "text/css"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".svg", "image/svg+xml"},
        {".pdf", "application/pdf"},
        {".yaml", "application/yaml"},
        {".yml", "application/yaml"},
    };
    const char *dot = strrchr(name, '.');
    size_t i;

    if (dot && !strchr(dot, '/'))
        for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
            if (strcasecmp(dot, map[i][0]) == 0)
                return map[i][1];
    return "application/octet-stream";
}

/*
 * rel → out ("a/b/c", NUL-terminated, at most size bytes) without ".", empty
 * components or "..". Returns MR_FILE_OPENED when the result can be opened.
 */
static enum mr_file_open normalise(const char *rel, size_t len, char *out, size_t size,
                                   const char **why)
{
    size_t i = 0, n = 0;

    if (len == 0) {
        *why = "is empty";
        return MR_FILE_MISSING;
    }
    if (memchr(rel, '\0', len)) {
        *why = "contains a NUL byte";
        return MR_FILE_REFUSED;
    }
    if (rel[0] == '/') {
        *why = "is absolute; it leaves the scenario's folder";
        return MR_FILE_REFUSED;
    }
    while (i < len) {
        size_t start = i, clen;
        while (i < len && rel[i] != '/')
            i++;
        clen = i - start;
        i++; /* the slash */
        if (clen == 0 || (clen == 1 && rel[start] == '.'))
            continue;
        if (clen == 2 && rel[start] == '.' && rel[start + 1] == '.') {
            if (n == 0) {
                *why = LEAVES;
                return MR_FILE_REFUSED;
            }
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0)
                n--; /* the slash before the dropped component */
            continue;
        }
        if (n + (n > 0) + clen + 1 > size) {
            *why = "is too long";
            return MR_FILE_MISSING;
        }
        if (n > 0)
            out[n++] = '/';
        memcpy(out + n, rel + start, clen);
        n += clen;
    }
    out[n] = '\0';
    if (n == 0) {
        *why = "names the scenario's folder itself";
        return MR_FILE_MISSING;
    }
    return MR_FILE_OPENED;
}

static enum mr_file_open from_errno(int e, const char **why)
{
    switch (e) {
    case ENOENT:
    case ENOTDIR:
    case ENAMETOOLONG:
        *why = "does not exist";
        return MR_FILE_MISSING;
    case EXDEV:
        *why = "leaves the scenario's folder (through a symbolic link)";
        return MR_FILE_REFUSED;
    case ELOOP:
        *why = "goes through a symbolic link that is not followed";
        return MR_FILE_REFUSED;
    default:
        *why = "cannot be opened";
        errno = e;
        return MR_FILE_FAILED;
    }
}

/* openat that fails with ELOOP on a symlink, whatever else the flags ask
 * (O_DIRECTORY | O_NOFOLLOW on a link to a folder gives ENOTDIR). */
static int open_here(int at, const char *name, int flags)
{
    struct stat st;
    int fd = openat(at, name, flags | O_NOFOLLOW), e = errno;

    if (fd < 0 && (e == ENOTDIR || e == ELOOP) &&
        fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
        e = ELOOP;
    errno = e;
    return fd;
}

/* Without openat2: one openat per component, following no symlink. */
static int open_walk(int dir_fd, char *path)
{
    int cur = dir_fd, fd, e;
    char *comp = path, *slash;

    while ((slash = strchr(comp, '/')) != NULL) {
        int next;
        *slash = '\0';
        next = open_here(cur, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        e = errno;
        *slash = '/';
        if (cur != dir_fd)
            close(cur);
        if (next < 0) {
            errno = e;
            return -1;
        }
        cur = next;
        comp = slash + 1;
    }
    fd = open_here(cur, comp, OPEN_FLAGS);
    e = errno;
    if (cur != dir_fd)
        close(cur);
    errno = e;
    return fd;
}

static atomic_bool no_openat2;

enum mr_file_open mr_scenario__open_file(const struct mr_scenario_file *sf, const char *rel,
                                         size_t len, bool use_openat2, int *fd, const char **why)
{
    char path[PATH_MAX];
    enum mr_file_open rc;
    struct stat st;
    int f = -1;

    *fd = -1;
    *why = "";
    rc = normalise(rel, len, path, sizeof(path), why);
    if (rc != MR_FILE_OPENED)
        return rc;
    if (sf->dir_fd < 0) {
        *why = "cannot be opened: the scenario's folder is not open";
        errno = EBADF;
        return MR_FILE_FAILED;
    }
#ifdef SYS_openat2
    if (use_openat2 && !atomic_load(&no_openat2)) {
        struct open_how how;
        memset(&how, 0, sizeof(how));
        how.flags = OPEN_FLAGS;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
        f = (int)syscall(SYS_openat2, sf->dir_fd, path, &how, sizeof(how));
        if (f < 0 && errno == ENOSYS)
            atomic_store(&no_openat2, true);
        if (f < 0 && errno != ENOSYS && errno != EPERM && errno != E2BIG && errno != EINVAL)
            return from_errno(errno, why);
    }
#else
    (void)use_openat2;
#endif
    if (f < 0) {
        f = open_walk(sf->dir_fd, path);
        if (f < 0) {
            if (errno == ELOOP) {
                *why = "goes through a symbolic link (without openat2 none is followed)";
                return MR_FILE_REFUSED;
            }
            return from_errno(errno, why);
        }
    }
    if (fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(f);
        *why = "is not a regular file";
        return MR_FILE_MISSING;
    }
    *fd = f;
    return MR_FILE_OPENED;
}

enum mr_file_open mr_scenario_open_file(const struct mr_scenario_file *sf, const char *rel,
                                        size_t len, int *fd, const char **why)
{
    return mr_scenario__open_file(sf, rel, len, true, fd, why);
}
