/*
 * attrib.h - which test made a call.
 *
 * A call carrying the header X-Mockrun-Test is attributed to the test it
 * names; the server removes the header before anything else sees the request
 * (matching, expectations, templates, the journal's headers, snapshots). A
 * call without it goes to the journal's current test, which a test runner
 * announces with POST /__mockrun/test (mr_journal_set_test). This module is
 * the text side of both: pure functions, thread-safe.
 *
 * A name is at most MR_ATTRIB_NAME_MAX bytes (longer ones are cut at a UTF-8
 * character boundary), without leading or trailing white space, and with
 * every control byte (a line break, a tab) replaced by a space, so it prints
 * on one line in every report.
 */
#ifndef MOCKRUN_SERVER_ATTRIB_H
#define MOCKRUN_SERVER_ATTRIB_H

#include <stddef.h>

#include "server/match.h"

#define MR_ATTRIB_HEADER "X-Mockrun-Test"
#define MR_ATTRIB_NAME_MAX 512

/*
 * Removes every X-Mockrun-Test header (any case) from headers[0 .. *n),
 * keeping the others in their order, and updates *n. The value of the last
 * one, percent-decoded when it is wholly a valid encoding of UTF-8 (as
 * JavaScript's encodeURIComponent writes it; otherwise taken as it is) and
 * cleaned as above, goes to `name` (room for MR_ATTRIB_NAME_MAX + 1 bytes,
 * NUL-terminated). Returns the name's length, or -1 when there was no such
 * header (a header with an empty value gives 0: no test).
 */
long mr_attrib_take(struct mr_kv *headers, size_t *n, char *name);

/*
 * Cleans `len` bytes at `in` (a name announced in a body) into `out` (room
 * for MR_ATTRIB_NAME_MAX + 1 bytes, NUL-terminated). Returns the length.
 */
size_t mr_attrib_clean(char *out, const char *in, size_t len);

#endif
