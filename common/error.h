/*
 * error.h - the one error type every fallible mockrun function reports into.
 *
 * A caller owns a `struct mr_error` (usually on its stack) and passes it last.
 * Fallible functions return 0 or a negative `enum mr_errcode`; `mr_error_set`
 * fills the error and returns its code, so a failure is one line:
 *
 *     return mr_error_set(err, MR_ESETUP, "port %d is already in use", port);
 *
 * All storage is fixed-size: reporting an error never allocates, so running
 * out of memory is reportable. Below runner/ errors are returned, never printed.
 * Thread-safe: each error belongs to one caller.
 */
#ifndef MOCKRUN_COMMON_ERROR_H
#define MOCKRUN_COMMON_ERROR_H

#include <stddef.h>

enum mr_errcode {
    MR_OK = 0,
    MR_EUSAGE = -1,    /* bad command line */
    MR_ESCENARIO = -2, /* invalid scenario file */
    MR_ESETUP = -3,    /* could not set up: port, report path, command */
    MR_ESYSTEM = -4,   /* a system call failed (errno saved) */
    MR_ENOMEM = -5,    /* out of memory */
    MR_EINTERNAL = -6, /* a bug */
};

struct mr_error {
    enum mr_errcode code;
    int sys_errno;  /* errno at the failure, or 0 */
    char file[256]; /* the user's file the problem is in, or "" */
    char path[256]; /* JSON path inside that file, or "" */
    int line;       /* 1-based; 0 when unknown */
    int column;     /* 1-based; 0 when unknown */
    char msg[512];
};

/* Up to MR_ERROR_LIST_MAX problems, for validators that report them all. */
#define MR_ERROR_LIST_MAX 20
struct mr_error_list {
    size_t count;   /* stored in items */
    size_t dropped; /* found beyond the cap */
    struct mr_error items[MR_ERROR_LIST_MAX];
};

/* Fills `err` (which may be NULL) and returns `code`. */
int mr_error_set(struct mr_error *err, enum mr_errcode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like mr_error_set, and saves `errno` and appends ": strerror(errno)". */
int mr_error_sys(struct mr_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets where the problem is. Any of file, path may be NULL to keep the old value. */
void mr_error_at(struct mr_error *err, const char *file, const char *path, int line, int column);

/* Formats "file:line:col: path: message" into buf, always NUL-terminated and
 * on one line: control bytes (from a user's keys or values) become \xNN. */
void mr_error_format(const struct mr_error *err, char *buf, size_t size);

/* Appends a copy of `err` to `list`, counting it as dropped past the cap. */
void mr_error_list_add(struct mr_error_list *list, const struct mr_error *err);

/* Logs "file:line: bug: ..." and aborts. For states that cannot happen. */
#define MR_BUG(...) mr_error__bug(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void mr_error__bug(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
