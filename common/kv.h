/*
 * kv.h - a borrowed name/value pair (query parameters, headers, path
 * parameters, cookies). Neither string need be NUL-terminated.
 */
#ifndef MOCKRUN_COMMON_KV_H
#define MOCKRUN_COMMON_KV_H

#include <stddef.h>

struct mr_kv {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};

#endif
