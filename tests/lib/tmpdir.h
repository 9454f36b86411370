/*
 * tmpdir.h - a fresh folder under /tmp for the files a test writes
 * (scenarios next to the files they serve, outputs to read back), removed
 * with everything in it at the end.
 *
 * struct mr_tmpdir is embedded by value: mr_tmpdir_make creates the folder,
 * mr_tmpdir_remove deletes it. Failures (no space, a path too long) are Check
 * assertions.
 */
#ifndef MOCKRUN_TESTS_LIB_TMPDIR_H
#define MOCKRUN_TESTS_LIB_TMPDIR_H

#include <stddef.h>

struct mr_tmpdir {
    char path[256]; /* "/tmp/mockrun-test-<tag>-XXXXXX"; "" once removed */
};

/* Creates a new, empty folder, private to the user (mkdtemp). */
void mr_tmpdir_make(struct mr_tmpdir *d, const char *tag);

/* "<path>/<name>" written into out (size bytes); returns out. */
const char *mr_tmpdir_join(const struct mr_tmpdir *d, const char *name, char *out, size_t size);

/* Writes the file `name` (len bytes of data), replacing any earlier one. */
void mr_tmpdir_write(const struct mr_tmpdir *d, const char *name, const void *data, size_t len);

/* Deletes the folder and everything under it, without following symbolic
 * links; a no-op once removed. */
void mr_tmpdir_remove(struct mr_tmpdir *d);

#endif
