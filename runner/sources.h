/*
 * sources.h - the files on the command line as scenario text for the loader.
 *
 * A mockrun scenario is read as it is. A Mockoon environment (recognised by
 * its shape: a top-level "lastMigration", or "uuid" with "endpointPrefix")
 * and WireMock stub mappings (a folder, or a file with a top-level
 * "mappings", or "request" and "response") are converted by formats/ first,
 * and so is a service's `"mockoon": "mocks/api.json"` or `"wiremock":
 * "wiremock/"` (the loader calls back through struct mr_scenario_importer).
 * What a conversion could not carry over is a warning on stderr, `mockrun:
 * warning: env.json: routes[2]...: ...`, or, with `strict`
 * (--strict-import), an error that stops the run (exit 2).
 *
 * Embedded by value: mr_sources_init, mr_sources_read, mr_sources_release.
 * Not thread-safe (the main thread, before anything starts).
 */
#ifndef MOCKRUN_RUNNER_SOURCES_H
#define MOCKRUN_RUNNER_SOURCES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"
#include "scenarios/scenario.h"

enum mr_format {
    MR_FORMAT_SCENARIO, /* mockrun's own */
    MR_FORMAT_MOCKOON,  /* a Mockoon environment */
    MR_FORMAT_WIREMOCK, /* WireMock stub mappings: a root folder, or a file */
};

struct mr_sources {
    struct mr_scenario_source *items; /* one per path, for mr_scenario_parse */
    size_t n;
    struct mr_buf *texts; /* the files as read */
    char **converted;     /* per file: its scenario converted from a foreign format, or NULL */
    bool strict;          /* --strict-import: a conversion warning is an error */
    struct mr_error_list *errs;           /* where strict warnings go (set by mr_sources_read) */
    struct mr_scenario_importer importer; /* for services importing a file */
};

void mr_sources_init(struct mr_sources *s, bool strict);

/*
 * Reads the files at `paths`, converting foreign ones; problems go to errs
 * (with the file, and line:column where known). Returns 0, MR_ESCENARIO or
 * MR_ENOMEM. With -v (MR_LOG_INFO) each converted file is named with its format.
 */
int mr_sources_read(struct mr_sources *s, const char *const *paths, size_t n,
                    struct mr_error_list *errs);

void mr_sources_release(struct mr_sources *s);

/* The format of a file's text, from its top-level keys (a folder is WireMock's). */
enum mr_format mr_sources_detect(const char *text, size_t len);

#endif
