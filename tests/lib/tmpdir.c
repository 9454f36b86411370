/*
 * tmpdir.c - see tmpdir.h.
 */
#define _GNU_SOURCE /* nftw's FTW_DEPTH and FTW_PHYS */
#include "tests/lib/tmpdir.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

void mr_tmpdir_make(struct mr_tmpdir *d, const char *tag)
{
    int n = snprintf(d->path, sizeof(d->path), "/tmp/mockrun-test-%s-XXXXXX", tag);

    ck_assert(n > 0 && (size_t)n < sizeof(d->path));
    ck_assert_msg(mkdtemp(d->path) != NULL, "mkdtemp %s: %s", d->path, strerror(errno));
}

const char *mr_tmpdir_join(const struct mr_tmpdir *d, const char *name, char *out, size_t size)
{
    int n = snprintf(out, size, "%s/%s", d->path, name);

    ck_assert_msg(n > 0 && (size_t)n < size, "path too long: %s/%s", d->path, name);
    return out;
}

void mr_tmpdir_write(const struct mr_tmpdir *d, const char *name, const void *data, size_t len)
{
    char path[512];
    FILE *f = fopen(mr_tmpdir_join(d, name, path, sizeof(path)), "wb");

    ck_assert_msg(f != NULL, "cannot create %s: %s", path, strerror(errno));
    ck_assert_msg(fwrite(data, 1, len, f) == len, "cannot write %s: %s", path, strerror(errno));
    ck_assert_msg(fclose(f) == 0, "cannot write %s: %s", path, strerror(errno));
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path) == 0 ? 0 : -1;
}

void mr_tmpdir_remove(struct mr_tmpdir *d)
{
    if (!d->path[0])
        return;
    ck_assert_msg(nftw(d->path, remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0, "cannot remove %s: %s",
                  d->path, strerror(errno));
    d->path[0] = '\0';
}
