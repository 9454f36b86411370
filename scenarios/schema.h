/*
 * schema.h - the scenario format's objects and their keys, in one table: the
 * loader refuses every key a table does not list (mr_loader__check_keys_of),
 * and mr_schema_document prints the same table as a JSON Schema (draft
 * 2020-12) for editors and other validators. A key added to the format is
 * added here, with the JSON Schema of its value and a line for people, or the
 * loader refuses it; so the schema cannot fall behind the loader.
 *
 * The schema is never stricter than the loader (a file `mockrun --check`
 * accepts validates), and as strict as JSON Schema can say: unknown keys,
 * types, ranges, enumerations and keys that exclude each other. What needs
 * the whole file (a route id an expectation names, template syntax, files
 * on disk) only the loader checks.
 *
 * Everything here is static and read-only: thread-safe.
 */
#ifndef MOCKRUN_SCENARIOS_SCHEMA_H
#define MOCKRUN_SCENARIOS_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/* The objects of the format whose keys are fixed (maps such as `services`
 * or `headers` take any name and are described by their owner's member). */
enum mr_schema_object {
    MR_SCHEMA_SCENARIO,       /* the top level */
    MR_SCHEMA_SERVICE,        /* services.NAME */
    MR_SCHEMA_DEFAULTS,       /* a service's `defaults` */
    MR_SCHEMA_ROUTE,          /* routes[n] */
    MR_SCHEMA_ROUTE_EXPECT,   /* a route's own `expect` */
    MR_SCHEMA_REQUEST,        /* a request matcher: a route's `request`, `every`, ... */
    MR_SCHEMA_CONDITION,      /* a field condition in its object form: {"matches": ...} */
    MR_SCHEMA_BODY,           /* a matcher's `body` */
    MR_SCHEMA_PLACEHOLDERS,   /* a body's `placeholders` as {"open": ..., "close": ...} */
    MR_SCHEMA_RESPONSE,       /* a route's `response` */
    MR_SCHEMA_RESPONSES_ITEM, /* a response in `responses`: a response, plus when/weight/... */
    MR_SCHEMA_WHEN,           /* a response's `when`: request conditions, plus params/... */
    MR_SCHEMA_CALL_NUMBER,    /* `callNumber` as {"atLeast": n, "atMost": m} */
    MR_SCHEMA_DELAY_RANGE,    /* `delayMs` as {"min": a, "max": b} */
    MR_SCHEMA_FAULT,          /* `fault` as {"dribble": ...} */
    MR_SCHEMA_DRIBBLE,        /* its `dribble` */
    MR_SCHEMA_EXPECTATION,    /* an entry of the top-level `expect` */
    MR_SCHEMA_COMMAND,        /* `command` */
    MR_SCHEMA_UNEXPECTED,     /* `unexpected` as {"allow": [...]} */
    MR_SCHEMA_SNAPSHOT,       /* `snapshot`: what --snapshot records, how it compares */
    MR_SCHEMA_CALLBACK,       /* a callback: in a service's or a response's `callbacks` */
    MR_SCHEMA_CALLBACK_USE,   /* {"callback": id}: a response's use of a service's callback */
    MR_SCHEMA_RETRY,          /* a callback's `retry` */
    MR_SCHEMA_DRIFT,          /* a route's `drift`: the request mockrun drift replays */
    MR_SCHEMA_NOBJECTS
};

/*
 * One key of an object. `schema` is the JSON Schema of its value, written as
 * JSON with ' for " (no schema here contains an apostrophe; \u0027 writes
 * one), and `doc` one line for people (its "description"). A member shared
 * with another object names that object in `as`, with schema and doc NULL:
 * it is the same key there, described there. A schema "false" marks a key
 * the loader knows only to refuse it with a better message than "unknown
 * key"; the printed schema leaves it out (and so refuses it too).
 */
struct mr_schema_member {
    const char *key;
    const char *schema;
    const char *doc;
    enum mr_schema_object as; /* when schema is NULL */
    int group; /* 0, or a check of an expectation: keys of two groups exclude each other */
};

/* The members of `obj` in the order the loader lists them (which decides
 * the "did you mean" among equally close keys); *n receives their count.
 * Static storage. */
const struct mr_schema_member *mr_schema_members(enum mr_schema_object obj, size_t *n);

/* Whether `key` is a member of `obj`. */
bool mr_schema_has(enum mr_schema_object obj, const char *key);

/*
 * The JSON Schema of the scenario format: indented JSON text, ending in a
 * newline, the same on every call. *out is the caller's (free()). Returns 0,
 * or MR_ENOMEM (err says so). A fragment of the table that is not JSON is a
 * bug (MR_BUG), caught by the tests that print the schema.
 */
int mr_schema_document(char **out, struct mr_error *err);

#endif
