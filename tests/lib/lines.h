/*
 * lines.h - a list of lines (a converter's warnings) checked to be exactly
 * the wanted ones, in order; on a difference both lists go to stderr and the
 * Check test fails.
 */
#ifndef MOCKRUN_TESTS_LIB_LINES_H
#define MOCKRUN_TESTS_LIB_LINES_H

#include <stddef.h>

/* got[0..ngot) equals want (NULL-terminated), else a failed assertion. */
void mr_test_expect_lines(char *const *got, size_t ngot, const char *const *want);

#endif
