/*
 * jsonout.h - the JSON text every converter in formats/ writes: cJSON's
 * compact output re-indented with two spaces, one member or item a line, so
 * converted scenarios read like hand-written ones. Pure; thread-safe.
 */
#ifndef MOCKRUN_FORMATS_JSONOUT_H
#define MOCKRUN_FORMATS_JSONOUT_H

/*
 * Re-indents `compact` (cJSON_PrintUnformatted's output) with a 2-space
 * indent and a newline at the end; empty objects and arrays stay "{}" and
 * "[]". Returns the text (caller frees), or NULL when out of memory.
 */
char *mr_jsonout_pretty(const char *compact);

#endif
