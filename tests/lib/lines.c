/*
 * lines.c - see lines.h.
 */
#include "tests/lib/lines.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

void mr_test_expect_lines(char *const *got, size_t ngot, const char *const *want)
{
    size_t i, n = 0;
    bool same;

    while (want[n])
        n++;
    same = ngot == n;
    for (i = 0; same && i < n; i++)
        same = strcmp(got[i], want[i]) == 0;
    if (!same) {
        for (i = 0; i < n; i++)
            fprintf(stderr, "  wanted: %s\n", want[i]);
        for (i = 0; i < ngot; i++)
            fprintf(stderr, "  got:    %s\n", got[i]);
        ck_abort_msg("wanted %zu warning(s), got %zu, or other ones (listed on stderr)", n, ngot);
    }
}
