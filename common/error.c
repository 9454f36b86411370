#include "common/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"

static void copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

int mr_error_set(struct mr_error *err, enum mr_errcode code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        memset(err, 0, sizeof(*err));
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return code;
}

int mr_error_sys(struct mr_error *err, const char *fmt, ...)
{
    int saved = errno;
    if (err) {
        va_list ap;
        size_t n;
        memset(err, 0, sizeof(*err));
        err->code = saved == ENOMEM ? MR_ENOMEM : MR_ESYSTEM;
        err->sys_errno = saved;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
        n = strlen(err->msg);
        snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(saved));
        return err->code;
    }
    return saved == ENOMEM ? MR_ENOMEM : MR_ESYSTEM;
}

void mr_error_at(struct mr_error *err, const char *file, const char *path, int line, int column)
{
    if (!err)
        return;
    if (file)
        copy(err->file, sizeof(err->file), file);
    if (path)
        copy(err->path, sizeof(err->path), path);
    err->line = line;
    err->column = column;
}

void mr_error_format(const struct mr_error *err, char *buf, size_t size)
{
    char raw[sizeof(err->file) + sizeof(err->path) + sizeof(err->msg) + 32];
    size_t n = 0;
    int w;

    if (size == 0)
        return;
    raw[0] = '\0';
#define APPEND(...)                                                                                \
    do {                                                                                           \
        w = snprintf(raw + n, sizeof(raw) - n, __VA_ARGS__);                                       \
        if (w < 0 || (size_t)w >= sizeof(raw) - n)                                                 \
            goto done;                                                                             \
        n += (size_t)w;                                                                            \
    } while (0)
    if (err->file[0]) {
        APPEND("%s:", err->file);
        if (err->line > 0)
            APPEND("%d:%d:", err->line, err->column > 0 ? err->column : 1);
        APPEND(" ");
    }
    if (err->path[0])
        APPEND("%s: ", err->path);
    APPEND("%s", err->msg);
#undef APPEND
done:
    /* one line, whatever a user's key or value held (a newline, an escape sequence) */
    mr_printable(buf, size, raw, strlen(raw));
}

void mr_error_list_add(struct mr_error_list *list, const struct mr_error *err)
{
    if (list->count < MR_ERROR_LIST_MAX)
        list->items[list->count++] = *err;
    else
        list->dropped++;
}

void mr_error__bug(const char *file, int line, const char *fmt, ...)
{
    char msg[512];
    char out[700];
    va_list ap;
    int n;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    n = snprintf(out, sizeof(out), "mockrun: %s:%d: bug: %s\n", file, line, msg);
    if (n > 0)
        (void)!write(STDERR_FILENO, out, (size_t)n < sizeof(out) ? (size_t)n : sizeof(out) - 1);
    abort();
}
