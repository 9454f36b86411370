/*
 * fuzz_file_path.c - a templated `file` path, as a request renders it
 * ("fixtures/{{urlParam 'id'}}.json" with id "../../etc/passwd"), opened by
 * mr_scenario_open_file beneath the scenario's folder (scenarios/files.c).
 *
 * Input: the rendered path, any bytes (NULs included), handed over without a
 * NUL after it. The folder is built once in $TMPDIR: files at two depths, a
 * subfolder, a FIFO, symlinks that stay inside (to a file, to a folder) and
 * symlinks that lead out (to "..", to an absolute path, to a folder beside
 * it); beside it lies secret.json, which must never be opened.
 *
 * Each input is opened twice, with openat2 (RESOLVE_BENEATH) and with the
 * fallback's walk of openat(O_NOFOLLOW) calls. Oracles, for both:
 * - opened: *fd is a regular file whose /proc/self/fd link lies beneath the
 *   folder, and it is not secret.json (compared by device and inode);
 * - not opened: *fd is -1 and *why says why;
 * - an absolute path or one holding a NUL byte is refused;
 * and between them: the walk follows no symlink, so whatever it opens
 * openat2 opens too, the same file.
 */
#define _GNU_SOURCE /* nftw's FTW_DEPTH and FTW_PHYS */
#include "tests/fuzz/fuzz.h"

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenarios/load_internal.h" /* mr_scenario__open_file */
#include "scenarios/scenario.h"

static char base[PATH_MAX];   /* the temporary folder, holding folder/ and secret.json */
static char folder[PATH_MAX]; /* the scenario's folder, resolved */
static struct stat secret;
static struct mr_scenario_file sf;
static char scenario_name[] = "scenario.json";

/* What the temporary folder holds: 'd' a folder, 'f' a file with that text,
 * 'p' a FIFO, 'l' a symlink to that target ("@" + name: base/name, absolute). */
static const struct {
    char kind;
    const char *name, *what;
} TREE[] = {
    {'f', "secret.json", "{\"secret\":true}"},
    {'d', "beside", NULL},
    {'f', "beside/other.json", "{}"},
    {'d', "folder", NULL},
    {'f', "folder/a.json", "{\"a\":1}"},
    {'d', "folder/sub", NULL},
    {'f', "folder/sub/b.json", "{\"b\":2}"},
    {'d', "folder/sub/deeper", NULL},
    {'f', "folder/sub/deeper/c.json", "{\"c\":3}"},
    {'p', "folder/fifo", NULL},
    /* links that stay inside: to a folder, to a file, one up from a subfolder */
    {'l', "folder/in", "sub"},
    {'l', "folder/a-link.json", "a.json"},
    {'l', "folder/sub/back", ".."},
    /* links that lead out: up, beside, to the secret (relative and absolute), to /,
     * and one to itself */
    {'l', "folder/up", ".."},
    {'l', "folder/out", "../beside"},
    {'l', "folder/sub/leak.json", "../../secret.json"},
    {'l', "folder/abs.json", "@secret.json"},
    {'l', "folder/root", "/"},
    {'l', "folder/loop", "loop"},
};

static void at(char *out, const char *name)
{
    FUZZ_CHECK((size_t)snprintf(out, PATH_MAX, "%s/%s", base, name) < PATH_MAX);
}

static void make(char kind, const char *name, const char *what)
{
    char p[PATH_MAX], q[PATH_MAX];
    int fd;

    at(p, name);
    switch (kind) {
    case 'd':
        FUZZ_CHECK(mkdir(p, 0755) == 0);
        break;
    case 'f':
        fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        FUZZ_CHECK(fd >= 0);
        FUZZ_CHECK(write(fd, what, strlen(what)) == (ssize_t)strlen(what));
        close(fd);
        break;
    case 'p':
        FUZZ_CHECK(mkfifo(p, 0644) == 0);
        break;
    default:
        if (what[0] == '@')
            at(q, what + 1);
        FUZZ_CHECK(symlink(what[0] == '@' ? q : what, p) == 0);
    }
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void clean_up(void)
{
    if (sf.dir_fd >= 0)
        close(sf.dir_fd);
    (void)nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *tmp = getenv("TMPDIR");
    char p[PATH_MAX];
    size_t i;

    (void)argc, (void)argv;
    FUZZ_CHECK((size_t)snprintf(base, sizeof(base), "%s/mockrun-fuzz-file.XXXXXX",
                                tmp && *tmp ? tmp : "/tmp") < sizeof(base));
    FUZZ_CHECK(mkdtemp(base) != NULL);
    for (i = 0; i < sizeof(TREE) / sizeof(TREE[0]); i++)
        make(TREE[i].kind, TREE[i].name, TREE[i].what);
    at(p, "secret.json");
    FUZZ_CHECK(stat(p, &secret) == 0);
    at(p, "folder");
    FUZZ_CHECK(realpath(p, folder) != NULL);
    sf.dir = folder;
    sf.path = sf.name = scenario_name;
    sf.parent = -1;
    sf.dir_fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    FUZZ_CHECK(sf.dir_fd >= 0);
    atexit(clean_up);
    return 0;
}

/* The oracles every answer meets; returns the opened file's identity in *st. */
static void check_one(enum mr_file_open rc, int fd, const char *why, struct stat *st)
{
    char link[64], target[PATH_MAX];
    ssize_t n;
    size_t flen = strlen(folder);

    FUZZ_CHECK(rc == MR_FILE_OPENED || rc == MR_FILE_MISSING || rc == MR_FILE_REFUSED ||
               rc == MR_FILE_FAILED);
    FUZZ_CHECK(why != NULL);
    if (rc != MR_FILE_OPENED) {
        FUZZ_CHECK(fd == -1);
        FUZZ_CHECK(why[0] != '\0');
        return;
    }
    FUZZ_CHECK(fd >= 0);
    FUZZ_CHECK(fstat(fd, st) == 0 && S_ISREG(st->st_mode));
    FUZZ_CHECK(!(st->st_dev == secret.st_dev && st->st_ino == secret.st_ino));
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, target, sizeof(target) - 1);
    FUZZ_CHECK(n > 0);
    target[n] = '\0';
    FUZZ_CHECK((size_t)n > flen + 1 && memcmp(target, folder, flen) == 0 && target[flen] == '/');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *rel = fuzz_copy(data, size, 0);
    const char *why2 = NULL, *whyw = NULL;
    int fd2 = -2, fdw = -2;
    enum mr_file_open rc2 = mr_scenario__open_file(&sf, rel, size, true, &fd2, &why2);
    enum mr_file_open rcw = mr_scenario__open_file(&sf, rel, size, false, &fdw, &whyw);
    struct stat st2, stw;

    check_one(rc2, fd2, why2, &st2);
    check_one(rcw, fdw, whyw, &stw);
    if (size > 0 && (rel[0] == '/' || memchr(rel, '\0', size))) {
        FUZZ_CHECK(rc2 == MR_FILE_REFUSED);
        FUZZ_CHECK(rcw == MR_FILE_REFUSED);
    }
    if (rcw == MR_FILE_OPENED) {
        /* the walk follows no symlink: openat2, which follows those that stay inside,
         * finds the same file */
        FUZZ_CHECK(rc2 == MR_FILE_OPENED);
        FUZZ_CHECK(st2.st_dev == stw.st_dev && st2.st_ino == stw.st_ino);
    }
    if (fd2 >= 0)
        close(fd2);
    if (fdw >= 0)
        close(fdw);
    free(rel);
    return 0;
}
