/*
 * wiremock.h - converts WireMock stub mappings into a mockrun scenario.
 *
 * The input is a WireMock root folder (its `mappings/` folder, read
 * recursively, and the `__files/` folder that `bodyFileName` names), or one
 * mapping file holding a single stub or `{"mappings": [...]}`. The output is
 * the text of a mockrun scenario with one service, `wiremock`, whose routes
 * are the stubs in the order WireMock tries them (`priority` first, lower
 * first, then the newest first: later files, by name, and later stubs in a
 * file are newer), and a list of warnings, one per feature that could not be
 * converted: `mappings/x.json: request.bodyPatterns[0].matchesXPath: not
 * supported; stub dropped` (the file, the JSON path in it, the message). A
 * stub with a request condition mockrun cannot express is dropped rather
 * than served for more requests than WireMock would; a response feature that
 * cannot be converted is left out of the response. A stub's webhooks are its
 * response's callbacks (a host besides loopback named in the scenario's
 * `allowHosts`). docs/wiremock.md lists what maps to what.
 *
 * Reading stays inside the root: mapping files and `bodyFileName` files that
 * lead out of it (`..`, absolute paths, symlinks) are refused with a warning.
 * Text files named by `bodyFileName` are inlined into the scenario; a binary
 * one is referenced as `__files/...`, relative to the root, so that scenario
 * must be saved in the root folder (its warning says so).
 *
 * Nothing is printed. Thread-safe (the folder is only read).
 */
#ifndef MOCKRUN_FORMATS_WIREMOCK_H
#define MOCKRUN_FORMATS_WIREMOCK_H

#include <stddef.h>

#include "common/error.h"

struct mr_wiremock_result {
    char *scenario;  /* pretty JSON (2-space indent), ending with a newline */
    char **warnings; /* "file: json.path: message", one line each */
    size_t nwarnings;
};

/*
 * Converts the WireMock root folder or mapping file at `path`. Returns 0 and
 * fills *out (free with mr_wiremock_result_free), or on failure leaves *out
 * empty and returns MR_ESCENARIO for input WireMock itself refuses (not
 * JSON, a stub that is not an object, a value of the wrong type; err names
 * the file, the JSON path and line:column), MR_ESETUP when the path or a
 * file cannot be read (errno saved), or MR_ENOMEM.
 */
int mr_wiremock_convert(const char *path, struct mr_wiremock_result *out, struct mr_error *err);

/*
 * The same for one mapping file's text (`len` bytes; `file` names it in
 * errors and warnings), without touching the file system: `bodyFileName`
 * is then not read (a warning, and an empty body). Returns 0, MR_ESCENARIO
 * or MR_ENOMEM as above.
 */
int mr_wiremock_convert_text(const char *file, const char *text, size_t len,
                             struct mr_wiremock_result *out, struct mr_error *err);

void mr_wiremock_result_free(struct mr_wiremock_result *r);

#endif
