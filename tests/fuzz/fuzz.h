/*
 * fuzz.h - what the libFuzzer targets in tests/fuzz/ share: the entry points
 * libFuzzer calls (declared here for -Wmissing-prototypes) and a copy helper.
 *
 * Each target copies the parts of its input into allocations of exactly the
 * right size, without a NUL unless the API under test needs one, so that
 * AddressSanitizer catches a read one byte past the end.
 */
#ifndef MOCKRUN_TESTS_FUZZ_FUZZ_H
#define MOCKRUN_TESTS_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Stops the run with a message: libFuzzer saves the input as a crash. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Returns `n` bytes copied to the heap, plus a NUL when `nul` (caller frees). */
static inline char *fuzz_copy(const void *data, size_t n, int nul)
{
    size_t total = n + (nul ? 1 : 0);
    char *p = malloc(total); /* malloc(0) gives a pointer ASan allows no access through */
    if (!p && total)
        abort();
    if (n)
        memcpy(p, data, n);
    if (nul)
        p[n] = '\0';
    return p;
}

/* MOCKRUN_FUZZ_VERBOSE set, and not "0": a target says what it refused. */
static inline bool fuzz_verbose(void)
{
    const char *v = getenv("MOCKRUN_FUZZ_VERBOSE");
    return v && *v && strcmp(v, "0") != 0;
}

/* Whether `s` holds a control character (a message must be one printable line). */
static inline bool fuzz_has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* A refusal as every reader must give one: an error code, NUL-terminated
 * fields, a message, a position, and one line within bounds when formatted
 * (with `printable`, also free of control characters). */
static inline void fuzz_check_error(const struct mr_error *e, bool printable)
{
    char line[2048];

    FUZZ_CHECK(e->code < 0);
    FUZZ_CHECK(memchr(e->file, '\0', sizeof(e->file)) != NULL);
    FUZZ_CHECK(memchr(e->path, '\0', sizeof(e->path)) != NULL);
    FUZZ_CHECK(memchr(e->msg, '\0', sizeof(e->msg)) != NULL);
    FUZZ_CHECK(e->msg[0] != '\0');
    FUZZ_CHECK(e->line >= 0 && e->column >= 0);
    mr_error_format(e, line, sizeof(line));
    FUZZ_CHECK(strlen(line) < sizeof(line));
    FUZZ_CHECK(!printable || !fuzz_has_control(line));
}

#endif
