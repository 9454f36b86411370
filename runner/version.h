/*
 * version.h - what `mockrun --version` prints: mockrun's version, the commit
 * it was built from, and the versions of the libraries it runs with, as the
 * libraries loaded in this process report them (a packaged mockrun runs with
 * whatever versions the system has, not those of the headers it was built
 * against):
 *
 *     mockrun 0.1.0
 *     commit 3f8a231c0d12
 *     CivetWeb 1.15
 *     cJSON 1.7.15
 *     libxml2 2.9.14
 *     PCRE2 10.42 2022-12-11
 *
 * The first line is the one scripts read ("mockrun" and a semantic version);
 * each other line is a name and what it reports, so `sed -n 's/^libxml2 //p'`
 * finds one. libxml2 is loaded for its line (common/xml.h), which costs
 * --version the millisecond or so a run pays only when it writes a report.
 */
#ifndef MOCKRUN_RUNNER_VERSION_H
#define MOCKRUN_RUNNER_VERSION_H

#include <stdio.h>

#include "common/error.h"

/*
 * The commit mockrun was built from: 12 hex digits, "-dirty" after them when
 * tracked files had changes, or "unknown" outside a git checkout. Written at
 * build time by runner/commit.cmake (configure with -DMOCKRUN_GIT_COMMIT=...
 * to name it where there is no .git, as in a container build).
 */
extern const char mr_version_commit[];

/*
 * Writes the text above to `out`. When libxml2 cannot be loaded, its line
 * says "libxml2 not loaded", every other line is still written, and the
 * function returns MR_ESETUP with mr_xml_load's message in err (a run would
 * fail the same way when it writes its report). Returns 0 otherwise; output
 * errors are the caller's to find (ferror, fflush).
 */
int mr_version_print(FILE *out, struct mr_error *err);

#endif
