/*
 * test_atomic.c - atomic report files: stale temp cleanup, commit, abort,
 * write failures, and the up-front writability check.
 *
 * Run one case with CK_RUN_CASE=stale; debug with CK_FORK=no.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "common/buf.h"
#include "reports/atomic.h"

static char dir[64];

static void setup_dir(void)
{
    strcpy(dir, "/tmp/mr-atomic-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    umask(022);
}

/* Removes the test folder, one level of subfolders included. */
static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *de;
    char p[512];

    if (!d) {
        unlink(path);
        return;
    }
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
        if (rmdir(p) != 0)
            unlink(p);
    }
    closedir(d);
    rmdir(path);
}

static void teardown_dir(void)
{
    chmod(dir, 0700);
    remove_tree(dir);
}

static const char *in_dir(const char *name)
{
    static char p[4][512];
    static int next;
    char *s = p[next++ % 4];

    snprintf(s, sizeof(p[0]), "%s/%s", dir, name);
    return s;
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    ck_assert_msg(f != NULL, "cannot create %s: %s", path, strerror(errno));
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct mr_buf b;
    char chunk[4096];
    size_t n;

    ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
    mr_buf_init(&b);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        ck_assert(mr_buf_append(&b, chunk, n));
    fclose(f);
    mr_buf_append(&b, "", 0); /* terminated even when empty */
    return mr_buf_detach(&b, NULL);
}

static bool exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

/* The names in the test folder, sorted, joined by spaces. */
static char *listing(void)
{
    struct dirent **names;
    struct mr_buf b;
    int i, n;

    n = scandir(dir, &names, NULL, alphasort);
    ck_assert_int_ge(n, 0);
    mr_buf_init(&b);
    for (i = 0; i < n; i++) {
        if (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0) {
            if (b.len)
                mr_buf_putc(&b, ' ');
            mr_buf_puts(&b, names[i]->d_name);
        }
        free(names[i]);
    }
    free(names);
    mr_buf_append(&b, "", 0); /* terminated even when empty */
    return mr_buf_detach(&b, NULL);
}

static void assert_listing(const char *want)
{
    char *got = listing();

    ck_assert_str_eq(got, want);
    free(got);
}

/* The pid of a process that has exited and been reaped: not alive. */
static pid_t dead_pid(void)
{
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(0);
    ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
    ck_assert_int_eq(kill(pid, 0), -1);
    ck_assert_int_eq(errno, ESRCH);
    return pid;
}

static void write_whole(const char *path, const char *text)
{
    struct mr_atomic_file f;
    struct mr_error err;

    ck_assert_msg(mr_atomic_begin(&f, path, &err) == 0, "begin: %s", err.msg);
    ck_assert_msg(mr_atomic_write(&f, text, strlen(text), &err) == 0, "write: %s", err.msg);
    ck_assert_msg(mr_atomic_commit(&f, &err) == 0, "commit: %s", err.msg);
}

/* ---- stale ------------------------------------------------------------- */

START_TEST(stale_dead_pid_removed)
{
    char name[64], dead_other[64], ours_other[64];
    pid_t dead = dead_pid();

    snprintf(name, sizeof(name), ".x.xml.%ld.tmp", (long)dead);
    put_file(in_dir(name), "left by a SIGKILLed run");
    /* Another report's temp files are not ours to judge. */
    snprintf(ours_other, sizeof(ours_other), ".y.xml.%ld.tmp", (long)getpid());
    put_file(in_dir(ours_other), "a different basename");
    snprintf(dead_other, sizeof(dead_other), ".y.xml.%ld.tmp", (long)dead);
    put_file(in_dir(dead_other), "a different basename, dead pid");

    write_whole(in_dir("x.xml"), "new");
    ck_assert(!exists(in_dir(name)));
    ck_assert(exists(in_dir(ours_other)));
    ck_assert(exists(in_dir(dead_other)));
    ck_assert(exists(in_dir("x.xml")));
}
END_TEST

START_TEST(stale_999999_removed)
{
    /* The brief's example name; only meaningful while pid 999999 is free. */
    if (kill(999999, 0) == 0 || errno != ESRCH)
        return;
    put_file(in_dir(".x.xml.999999.tmp"), "stale");
    write_whole(in_dir("x.xml"), "new");
    assert_listing("x.xml");
}
END_TEST

START_TEST(stale_live_pid_kept)
{
    char name[64];

    /* pid 1 is alive (as root kill succeeds; otherwise EPERM): keep its file. */
    snprintf(name, sizeof(name), ".x.xml.%d.tmp", 1);
    put_file(in_dir(name), "someone else's run in progress");
    write_whole(in_dir("x.xml"), "new");
    ck_assert(exists(in_dir(name)));
}
END_TEST

START_TEST(stale_own_pid_removed)
{
    char name[64];

    /* Our own pid on a file we did not create: an earlier process that had
     * the same pid (pids repeat across container runs). */
    snprintf(name, sizeof(name), ".x.xml.%ld.tmp", (long)getpid());
    put_file(in_dir(name), "from a previous container");
    write_whole(in_dir("x.xml"), "new");
    assert_listing("x.xml");
}
END_TEST

START_TEST(stale_lookalikes_kept)
{
    static const char *const keep[] = {
        ".x.xml.abc.tmp",   ".x.xml..tmp",    ".x.xml.0.tmp",
        ".x.xml.-5.tmp",    ".x.xml.012.tmp", ".x.xml.12345678901.tmp",
        ".x.xml.5.tmp.bak", "x.xml.5.tmp",    ".x.xmlz.5.tmp",
        "..x.xml.5.tmp",
    };
    char name[64];
    size_t i;
    pid_t dead = dead_pid();

    for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        put_file(in_dir(keep[i]), "not a temp file of x.xml");
    /* A folder with a temp file's name is never removed either. */
    snprintf(name, sizeof(name), ".x.xml.%ld.tmp", (long)dead);
    ck_assert_int_eq(mkdir(in_dir(name), 0755), 0);
    write_whole(in_dir("x.xml"), "new");
    for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        ck_assert_msg(exists(in_dir(keep[i])), "%s was removed", keep[i]);
    ck_assert(exists(in_dir(name)));
}
END_TEST

START_TEST(stale_removed_by_check_writable)
{
    struct mr_error err;
    char name[64];

    snprintf(name, sizeof(name), ".x.xml.%ld.tmp", (long)dead_pid());
    put_file(in_dir(name), "stale");
    ck_assert_int_eq(mr_atomic_check_writable(in_dir("x.xml"), &err), 0);
    assert_listing("");
}
END_TEST

START_TEST(stale_relative_path)
{
    char name[64];
    char *text;

    /* A bare file name: the folder is the current one. */
    ck_assert_int_eq(chdir(dir), 0);
    snprintf(name, sizeof(name), ".r.xml.%ld.tmp", (long)dead_pid());
    put_file(name, "stale");
    write_whole("r.xml", "relative");
    text = slurp("r.xml");
    ck_assert_str_eq(text, "relative");
    free(text);
    assert_listing("r.xml");
}
END_TEST

/* ---- commit ------------------------------------------------------------ */

START_TEST(commit_replaces)
{
    struct mr_atomic_file f;
    struct mr_error err;
    struct stat st;
    char tmp[64];
    char *text;

    put_file(in_dir("x.xml"), "old");
    ck_assert_int_eq(mr_atomic_begin(&f, in_dir("x.xml"), &err), 0);
    ck_assert_int_eq(mr_atomic_write(&f, "new ", 4, &err), 0);
    ck_assert_int_eq(mr_atomic_write(&f, "", 0, &err), 0);
    ck_assert_int_eq(mr_atomic_write(&f, "report", 6, &err), 0);

    /* Until commit, readers still see the old report next to the temp file. */
    snprintf(tmp, sizeof(tmp), ".x.xml.%ld.tmp", (long)getpid());
    text = slurp(in_dir("x.xml"));
    ck_assert_str_eq(text, "old");
    free(text);
    ck_assert_int_eq(stat(in_dir(tmp), &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0644);

    ck_assert_int_eq(mr_atomic_commit(&f, &err), 0);
    text = slurp(in_dir("x.xml"));
    ck_assert_str_eq(text, "new report");
    free(text);
    assert_listing("x.xml");
    mr_atomic_abort(&f); /* a no-op after commit */
    assert_listing("x.xml");
}
END_TEST

START_TEST(commit_new_file)
{
    struct mr_atomic_file f;
    struct mr_error err;
    char *text;

    ck_assert_int_eq(mr_atomic_begin(&f, in_dir("fresh.xml"), &err), 0);
    ck_assert_int_eq(mr_atomic_commit(&f, &err), 0);
    text = slurp(in_dir("fresh.xml"));
    ck_assert_str_eq(text, "");
    free(text);
}
END_TEST

START_TEST(commit_large)
{
    size_t len = 8u << 20;
    char *data = malloc(len);
    char *text;
    size_t i;

    ck_assert_ptr_nonnull(data);
    for (i = 0; i < len; i++)
        data[i] = (char)('a' + i % 26);
    data[len - 1] = '\0';
    write_whole(in_dir("big.xml"), data);
    text = slurp(in_dir("big.xml"));
    ck_assert(strcmp(text, data) == 0);
    free(text);
    free(data);
}
END_TEST

START_TEST(commit_over_symlink)
{
    char *text;

    /* The link is replaced; the file it pointed to is untouched. */
    put_file(in_dir("target"), "pointed to");
    ck_assert_int_eq(symlink("target", in_dir("x.xml")), 0);
    write_whole(in_dir("x.xml"), "new");
    text = slurp(in_dir("target"));
    ck_assert_str_eq(text, "pointed to");
    free(text);
    text = slurp(in_dir("x.xml"));
    ck_assert_str_eq(text, "new");
    free(text);
}
END_TEST

/* ---- abort ------------------------------------------------------------- */

START_TEST(abort_removes_temp)
{
    struct mr_atomic_file f;
    struct mr_error err;
    char *text;

    put_file(in_dir("x.xml"), "old");
    ck_assert_int_eq(mr_atomic_begin(&f, in_dir("x.xml"), &err), 0);
    ck_assert_int_eq(mr_atomic_write(&f, "half", 4, &err), 0);
    mr_atomic_abort(&f);
    assert_listing("x.xml");
    text = slurp(in_dir("x.xml"));
    ck_assert_str_eq(text, "old");
    free(text);
    mr_atomic_abort(&f); /* twice is fine */
    ck_assert_int_eq(mr_atomic_write(&f, "x", 1, &err), MR_EINTERNAL);
    ck_assert_int_eq(mr_atomic_commit(&f, &err), MR_EINTERNAL);
    assert_listing("x.xml");
}
END_TEST

START_TEST(abort_after_failed_begin)
{
    struct mr_atomic_file f;
    struct mr_error err;

    ck_assert_int_eq(mr_atomic_begin(&f, in_dir("missing/x.xml"), &err), MR_ESETUP);
    mr_atomic_abort(&f);
    assert_listing("");
}
END_TEST

/* ---- errors ------------------------------------------------------------ */

START_TEST(errors_missing_folder)
{
    struct mr_atomic_file f;
    struct mr_error err;
    char want[600];

    ck_assert_int_eq(mr_atomic_begin(&f, in_dir("out/x.xml"), &err), MR_ESETUP);
    snprintf(want, sizeof(want), "cannot write report '%s': No such file or directory",
             in_dir("out/x.xml"));
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(err.sys_errno, ENOENT);
}
END_TEST

START_TEST(errors_relative_missing_folder)
{
    struct mr_atomic_file f;
    struct mr_error err;

    ck_assert_int_eq(chdir(dir), 0);
    ck_assert_int_eq(mr_atomic_begin(&f, "out/x.xml", &err), MR_ESETUP);
    ck_assert_str_eq(err.msg, "cannot write report 'out/x.xml': No such file or directory");
}
END_TEST

START_TEST(errors_parent_is_file)
{
    struct mr_atomic_file f;
    struct mr_error err;

    put_file(in_dir("file"), "");
    ck_assert_int_eq(mr_atomic_begin(&f, in_dir("file/x.xml"), &err), MR_ESETUP);
    ck_assert_int_eq(err.sys_errno, ENOTDIR);
    ck_assert_ptr_nonnull(strstr(err.msg, "': Not a directory"));
}
END_TEST

START_TEST(errors_target_is_folder)
{
    struct mr_atomic_file f;
    struct mr_error err;

    ck_assert_int_eq(mkdir(in_dir("sub"), 0755), 0);
    ck_assert_int_eq(mr_atomic_begin(&f, in_dir("sub"), &err), MR_ESETUP);
    ck_assert_int_eq(err.sys_errno, EISDIR);
    ck_assert_int_eq(mr_atomic_begin(&f, in_dir("sub/"), &err), MR_ESETUP);
    ck_assert_ptr_nonnull(strstr(err.msg, "expected a file name, not a folder"));
    ck_assert_int_eq(mr_atomic_begin(&f, "", &err), MR_ESETUP);
    ck_assert_str_eq(err.msg, "cannot write report '': the path is empty");
    assert_listing("sub");
}
END_TEST

START_TEST(errors_devices)
{
    struct mr_atomic_file f;
    struct mr_error err;

    /* The temp file would land in /dev and the rename replace the device. */
    ck_assert_int_eq(mr_atomic_begin(&f, "/dev/full", &err), MR_ESETUP);
    ck_assert_str_eq(err.msg, "cannot write report '/dev/full': not a regular file");
    ck_assert_int_eq(mr_atomic_begin(&f, "/dev/null", &err), MR_ESETUP);
    ck_assert_int_eq(mkfifo(in_dir("fifo"), 0644), 0);
    ck_assert_int_eq(mr_atomic_begin(&f, in_dir("fifo"), &err), MR_ESETUP);
    ck_assert_ptr_nonnull(strstr(err.msg, "not a regular file"));
    assert_listing("fifo");
}
END_TEST

START_TEST(errors_write_fails)
{
    static char big[64 * 1024];
    struct rlimit rl = {.rlim_cur = 4096, .rlim_max = RLIM_INFINITY};
    struct mr_atomic_file f;
    struct mr_error err;
    char *text;

    /* RLIMIT_FSIZE stands in for a full disk: write fails with EFBIG. */
    put_file(in_dir("x.xml"), "old");
    signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
    ck_assert_int_eq(mr_atomic_begin(&f, in_dir("x.xml"), &err), 0);
    ck_assert_int_eq(mr_atomic_write(&f, big, sizeof(big), &err), MR_ESETUP);
    ck_assert_int_eq(err.sys_errno, EFBIG);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot write report '"));
    assert_listing("x.xml"); /* the temp file went with the failure */
    ck_assert_int_eq(mr_atomic_commit(&f, &err), MR_EINTERNAL);
    mr_atomic_abort(&f);
    text = slurp(in_dir("x.xml"));
    ck_assert_str_eq(text, "old");
    free(text);
}
END_TEST

/* ---- check_writable ---------------------------------------------------- */

START_TEST(check_ok)
{
    struct mr_error err;

    ck_assert_int_eq(mr_atomic_check_writable(in_dir("x.xml"), &err), 0);
    assert_listing(""); /* nothing created */
    put_file(in_dir("x.xml"), "old");
    ck_assert_int_eq(mr_atomic_check_writable(in_dir("x.xml"), &err), 0);
    assert_listing("x.xml");
}
END_TEST

START_TEST(check_missing_folder)
{
    struct mr_error err;
    char want[600];

    ck_assert_int_eq(mr_atomic_check_writable(in_dir("out/x.xml"), &err), MR_ESETUP);
    snprintf(want, sizeof(want), "cannot write report '%s': No such file or directory",
             in_dir("out/x.xml"));
    ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(check_parent_is_file)
{
    struct mr_error err;

    put_file(in_dir("file"), "");
    ck_assert_int_eq(mr_atomic_check_writable(in_dir("file/x.xml"), &err), MR_ESETUP);
    ck_assert_int_eq(err.sys_errno, ENOTDIR);
}
END_TEST

START_TEST(check_is_folder)
{
    struct mr_error err;
    char want[600];

    ck_assert_int_eq(mr_atomic_check_writable(dir, &err), MR_ESETUP);
    snprintf(want, sizeof(want), "cannot write report '%s': Is a directory", dir);
    ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(check_dev_full)
{
    struct mr_error err;

    ck_assert_int_eq(mr_atomic_check_writable("/dev/full", &err), MR_ESETUP);
    ck_assert_str_eq(err.msg, "cannot write report '/dev/full': not a regular file");
    ck_assert_int_eq(err.code, MR_ESETUP);
}
END_TEST

START_TEST(check_read_only_folder)
{
    struct mr_error err;

    /* Root ignores permission bits, so a chmod'ed folder stays writable for
     * it; CI containers run as root. Without CAP_DAC_OVERRIDE the case is
     * real and tested; as root it is covered by check_parent_is_file. */
    if (geteuid() == 0)
        return;
    ck_assert_int_eq(mkdir(in_dir("ro"), 0555), 0);
    ck_assert_int_eq(mr_atomic_check_writable(in_dir("ro/x.xml"), &err), MR_ESETUP);
    ck_assert_int_eq(err.sys_errno, EACCES);
    ck_assert_ptr_nonnull(strstr(err.msg, "Permission denied"));
}
END_TEST

static Suite *atomic_suite(void)
{
    Suite *s = suite_create("atomic");
    TCase *tc;

    tc = tcase_create("stale");
    tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
    tcase_add_test(tc, stale_dead_pid_removed);
    tcase_add_test(tc, stale_999999_removed);
    tcase_add_test(tc, stale_live_pid_kept);
    tcase_add_test(tc, stale_own_pid_removed);
    tcase_add_test(tc, stale_lookalikes_kept);
    tcase_add_test(tc, stale_removed_by_check_writable);
    tcase_add_test(tc, stale_relative_path);
    suite_add_tcase(s, tc);

    tc = tcase_create("commit");
    tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
    tcase_add_test(tc, commit_replaces);
    tcase_add_test(tc, commit_new_file);
    tcase_add_test(tc, commit_large);
    tcase_add_test(tc, commit_over_symlink);
    tcase_set_timeout(tc, 30); /* commit_large writes 8 MiB, under ASan on a busy runner */
    suite_add_tcase(s, tc);

    tc = tcase_create("abort");
    tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
    tcase_add_test(tc, abort_removes_temp);
    tcase_add_test(tc, abort_after_failed_begin);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
    tcase_add_test(tc, errors_missing_folder);
    tcase_add_test(tc, errors_relative_missing_folder);
    tcase_add_test(tc, errors_parent_is_file);
    tcase_add_test(tc, errors_target_is_folder);
    tcase_add_test(tc, errors_devices);
    tcase_add_test(tc, errors_write_fails);
    suite_add_tcase(s, tc);

    tc = tcase_create("check_writable");
    tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
    tcase_add_test(tc, check_ok);
    tcase_add_test(tc, check_missing_folder);
    tcase_add_test(tc, check_parent_is_file);
    tcase_add_test(tc, check_is_folder);
    tcase_add_test(tc, check_dev_full);
    tcase_add_test(tc, check_read_only_folder);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(atomic_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
