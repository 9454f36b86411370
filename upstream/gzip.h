/*
 * gzip.h - the content codings mockrun can undo (RFC 9110 section 8.4.1):
 * gzip (and x-gzip) and deflate, with zlib. An upstream answer that came
 * compressed is forwarded as it came, and decoded for what people read: the
 * journal, the reports and a recorded scenario.
 *
 * Pure and thread-safe.
 */
#ifndef MOCKRUN_UPSTREAM_GZIP_H
#define MOCKRUN_UPSTREAM_GZIP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"

/* Whether `coding` (a Content-Encoding value, case-insensitive, spaces
 * around it ignored) is one mr_gzip_decode undoes: "gzip", "x-gzip" or
 * "deflate". "identity" and "" need no decoding and are not counted. */
bool mr_gzip_known(const char *coding);

/* Whether an Accept-Encoding token (without its ";q=" part) names a coding
 * that mr_gzip_decode undoes, or "identity": a request forwarded upstream
 * offers only these, so every answer can be read. */
bool mr_gzip_acceptable(const char *token, size_t len);

/*
 * Appends to `out` the `len` bytes at `in` decoded from `coding`: gzip
 * (several members one after the other are one body), or deflate (zlib's
 * format, or raw deflate as some servers send it). Returns 0; MR_EUSAGE
 * when the coding is not known or the data is not valid in it (corrupt,
 * cut short); MR_ESETUP past `max` decoded bytes; MR_ENOMEM. On failure
 * `out` is left as it was.
 */
int mr_gzip_decode(struct mr_buf *out, const char *coding, const void *in, size_t len, size_t max,
                   struct mr_error *err);

#endif
