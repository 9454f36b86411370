/*
 * redact.h - what `mockrun record` keeps out of a scenario: secrets. A
 * recorded value is replaced by MR_REDACTED when
 *
 *   - it is a header's, and the header is Authorization,
 *     Proxy-Authorization, Cookie or Set-Cookie (of a cookie, the value
 *     alone: "session=[REDACTED]; Path=/; HttpOnly"), or is named like a
 *     secret field (X-Api-Key, X-Auth-Token);
 *   - it is a string in a JSON body whose member is named like a secret, at
 *     any depth ($.access_token, $.user.password); numbers, booleans,
 *     objects and arrays stay (an object's own members are looked at);
 *   - it is a query or form parameter named like a secret (a Location's
 *     query, an application/x-www-form-urlencoded body).
 *
 * A name is "like a secret" when, compared without case, it contains
 * "token", "secret", "password" or "passwd", or is "api_key" ("apikey",
 * "api-key", "x-api-key": "-" and "_" ignored, "apikey" at its end).
 *
 * Each function says what it redacted, so the recorder can list it: one
 * name or JSON path per redacted value. Pure and thread-safe.
 */
#ifndef MOCKRUN_RECORD_REDACT_H
#define MOCKRUN_RECORD_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

struct cJSON;

#define MR_REDACTED "[REDACTED]"

/* Whether a field or parameter named name[0..len) is a secret (rules above). */
bool mr_redact_field(const char *name, size_t len);

/* Whether header name[0..len)'s value is a secret. */
bool mr_redact_header(const char *name, size_t len);

/* The value a secret header is recorded with, into out: a Set-Cookie or
 * Cookie keeps its cookie names and attributes, other headers become
 * MR_REDACTED. */
void mr_redact_header_value(struct mr_buf *out, const char *name, const char *value);

/*
 * Replaces, in place, the string values of secret members anywhere in `v`,
 * and appends the JSON path of each ("$.access_token", "$.items[2].secret")
 * to `paths`, one per line. Returns how many were redacted.
 */
size_t mr_redact_json(struct cJSON *v, struct mr_buf *paths);

/*
 * Appends query[0..len) ("a=1&token=x", without '?') to `out` with the
 * values of secret parameters replaced (the names and the rest byte for
 * byte), and their names to `names`, one per line. Returns how many.
 */
size_t mr_redact_query(struct mr_buf *out, const char *query, size_t len, struct mr_buf *names);

#endif
