/*
 * mockoon.h - converts a Mockoon environment (Mockoon 9's JSON format) into
 * a mockrun scenario.
 *
 * A pure function from the environment's text to the scenario's JSON text and
 * a list of warnings, one per feature that could not be converted, each
 * starting with the Mockoon JSON path it concerns (`routes[2].responses[0].
 * rules[1]: target "data_bucket" is not supported; rule dropped`). Nothing is
 * printed. Thread-safe.
 */
#ifndef MOCKRUN_FORMATS_MOCKOON_H
#define MOCKRUN_FORMATS_MOCKOON_H

#include <stddef.h>

#include "common/error.h"

struct mr_mockoon_result {
    char *scenario;  /* pretty JSON (2-space indent), ending with a newline */
    char **warnings; /* "json.path: message" */
    size_t nwarnings;
};

/*
 * Converts `text` (`len` bytes; `file` names it in errors). Returns 0 and
 * fills *out (free with mr_mockoon_result_free), or MR_ESCENARIO for text
 * that is not JSON or not an environment (err has the file, the JSON path and
 * line:column where known), or MR_ENOMEM. On failure *out is empty.
 */
int mr_mockoon_convert(const char *file, const char *text, size_t len,
                       struct mr_mockoon_result *out, struct mr_error *err);

void mr_mockoon_result_free(struct mr_mockoon_result *r);

#endif
