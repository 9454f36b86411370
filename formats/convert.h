/*
 * convert.h - what every converter in formats/ does the same way: build the
 * scenario's cJSON tree noting an allocation failure once, and keep the
 * warnings, each one printable line.
 */
#ifndef MOCKRUN_FORMATS_CONVERT_H
#define MOCKRUN_FORMATS_CONVERT_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;

/* Appends `text` to a result's warnings (*items, *n of them, room for *cap)
 * with control bytes written \xNN: whatever the foreign file's keys and
 * values hold, a warning is one line. False when out of memory. */
bool mr_convert_warn(char ***items, size_t *n, size_t *cap, const char *text);

/* obj[key] = item / arr += item, taking item (freed on failure). False when
 * item is NULL (its allocation failed) or cJSON could not add it. */
bool mr_convert_add(struct cJSON *obj, const char *key, struct cJSON *item);
bool mr_convert_append(struct cJSON *arr, struct cJSON *item);

#endif
