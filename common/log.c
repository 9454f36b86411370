#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static enum mr_log_level current = MR_LOG_WARN;

void mr_log_set_level(enum mr_log_level level)
{
    current = level;
}

enum mr_log_level mr_log_get_level(void)
{
    return current;
}

void mr_log(enum mr_log_level level, const char *fmt, ...)
{
    char line[2048];
    static const char prefix[] = "mockrun: ";
    size_t n = sizeof(prefix) - 1;
    va_list ap;
    int w;

    if (level > current)
        return;
    __builtin_memcpy(line, prefix, n);
    if (level == MR_LOG_ERROR) {
        __builtin_memcpy(line + n, "error: ", 7);
        n += 7;
    } else if (level == MR_LOG_WARN) {
        __builtin_memcpy(line + n, "warning: ", 9);
        n += 9;
    }
    va_start(ap, fmt);
    w = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
    va_end(ap);
    if (w < 0)
        return;
    n += (size_t)w < sizeof(line) - n - 1 ? (size_t)w : sizeof(line) - n - 2;
    line[n++] = '\n';
    (void)!write(STDERR_FILENO, line, n);
}
