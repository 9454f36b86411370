/*
 * testnames.h - the tests that made a set of calls, as verification names
 * them: "an unexpected call, a failed `every` or a count names the tests
 * that made the calls" (each call's test is mr_call.test, server/journal.h).
 *
 * A struct mr_testnames is embedded by value: _init, _add each call, read
 * _format, _release. It borrows the journal's names (they live as long as
 * the journal). Not thread-safe. Out of memory marks it `failed`; it then
 * formats what it had gathered.
 */
#ifndef MOCKRUN_RUNNER_TESTNAMES_H
#define MOCKRUN_RUNNER_TESTNAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "server/journal.h"

/* Tests named in a message; the rest are counted ("and 3 more tests"). */
#define MR_TESTNAMES_SHOWN 5

struct mr_testnames {
    const char **names; /* distinct, in the order first seen */
    size_t *counts;     /* calls of each */
    size_t n, cap;
    size_t untagged; /* calls made outside any named test */
    bool failed;
};

void mr_testnames_init(struct mr_testnames *t);
void mr_testnames_release(struct mr_testnames *t);

/* Counts call `c` for its test (or as untagged). */
void mr_testnames_add(struct mr_testnames *t, const struct mr_call *c);

/*
 * Appends, when at least one call had a test, "; made by test \"a\"" or
 * "; made by tests \"a\" (2 calls), \"b\" (1 call)", then ", and 1 call
 * outside any test" when some had none; names are made printable. Appends
 * nothing when no call had a test, so runs that do not name tests read as
 * before.
 */
void mr_testnames_format(const struct mr_testnames *t, struct mr_buf *b);

/* " [test: name]" for a call made by a test (made printable), else nothing. */
void mr_testnames_call(struct mr_buf *b, const struct mr_call *c);

#endif
