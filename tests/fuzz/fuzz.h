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

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#endif
