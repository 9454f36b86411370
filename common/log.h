/*
 * log.h - diagnostics on stderr, one write(2) per message, prefixed "mockrun: ".
 *
 * The level is process-wide, set once by the runner before threads start;
 * mr_log itself is thread-safe (one write per line keeps lines whole).
 * Never call it from a signal handler or a child before exec.
 */
#ifndef MOCKRUN_COMMON_LOG_H
#define MOCKRUN_COMMON_LOG_H

enum mr_log_level {
    MR_LOG_ERROR = 0,
    MR_LOG_WARN = 1,
    MR_LOG_INFO = 2,  /* -v: each request served */
    MR_LOG_DEBUG = 3, /* -vv */
};

void mr_log_set_level(enum mr_log_level level);
enum mr_log_level mr_log_get_level(void);

/* True when a message at `level` would be written: test before costly formatting. */
#define mr_log_enabled(level) ((level) <= mr_log_get_level())

void mr_log(enum mr_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define mr_debug(fmt, ...) mr_log(MR_LOG_DEBUG, "%s: " fmt, __func__, __VA_ARGS__)

#endif
