/*
 * junit.h - the JUnit XML report, as CI servers (Jenkins, GitLab, GitHub
 * Actions reporters) read it. Valid against the Jenkins JUnit XSD:
 *
 *     <?xml version="1.0" encoding="UTF-8"?>
 *     <testsuites name="mockrun" tests failures errors time>
 *       <testsuite name tests failures errors skipped time timestamp hostname>
 *         <properties><property name value/>...</properties>  (only if any)
 *         <testcase name classname time>                        (one per case)
 *           <failure message type="AssertionFailed">detail</failure>  (FAIL)
 *           <error message type="Error">detail</error>                (ERROR)
 *           <skipped>message</skipped>                                (SKIP)
 *         </testcase>
 *         <system-out>captured stdout, then the notes</system-out>
 *         <system-err>captured stderr</system-err>
 *       </testsuite>
 *     </testsuites>
 *
 * Times are seconds with 3 decimals ("0.123", whatever the locale); the
 * timestamp is UTC ISO 8601 without a zone ("2026-11-25T12:30:57"). Every
 * string from the results goes through mr_junit_sanitize first, then is
 * escaped as markup; elements are indented by two spaces.
 *
 * The XML is written into memory by libxml2's xmlTextWriter, which mockrun
 * loads when it first writes a report rather than linking it (common/xml.h:
 * linking it loads libxml2 and ICU at every start). Safe from any thread,
 * though not for two writers of one path at once.
 */
#ifndef MOCKRUN_REPORTS_JUNIT_H
#define MOCKRUN_REPORTS_JUNIT_H

#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"
#include "reports/results.h"

/*
 * Writes the report for `r` to `path` atomically (reports/atomic.h): the old
 * file, if any, stays until the new one is complete. Errors: MR_ESETUP when
 * libxml2 cannot be loaded or the file cannot be written (message "cannot
 * write report '<path>': ..."), MR_ENOMEM when the report cannot be built in
 * memory, MR_EINTERNAL when libxml2 fails otherwise.
 */
int mr_junit_write(const struct mr_results *r, const char *path, struct mr_error *err);

/*
 * Appends to `out` the `len` bytes at `in` (any bytes, NULs included) made
 * into XML 1.0 character data in UTF-8. Still to be escaped as markup
 * (<, &, >, quotes) by whoever writes it; the output never holds NUL.
 *
 * - Well-formed UTF-8 for an XML Char (#x9, #xA, #xD, #x20-#xD7FF,
 *   #xE000-#xFFFD, #x10000-#x10FFFF) is copied unchanged.
 * - Other ASCII control bytes (0x00-0x08, 0x0B, 0x0C, 0x0E-0x1F) become the
 *   four visible characters `\xNN` (lowercase hex), so ANSI colour codes read
 *   as "\x1b[31m". The escape is for readers, not reversible: a literal
 *   backslash is kept as is.
 * - Ill-formed UTF-8 becomes U+FFFD, one per maximal subpart (Unicode's
 *   recommended practice, as in WHATWG decoders): a stray continuation or
 *   invalid byte (0x80-0xC1, 0xF5-0xFF), an overlong form, a surrogate, a
 *   code point above U+10FFFF, or a sequence cut short by the end or by a
 *   byte that cannot continue it. So "C0 80" gives two, "ED A0 80" three,
 *   and a truncated "F0 9F 98" one.
 * - U+FFFE and U+FFFF (well-formed, yet not XML Chars) become U+FFFD too.
 *
 * Pure and total: any input is safe (it is a fuzz target). On OOM `out`
 * is marked failed (out->failed), as mr_buf does.
 */
void mr_junit_sanitize(struct mr_buf *out, const char *in, size_t len);

#endif
