/*
 * buf.h - a growable byte buffer, always NUL-terminated after `len` bytes.
 *
 * Embedded by value: mr_buf_init / mr_buf_release. The buffer owns `data`;
 * mr_buf_detach hands it to the caller. Growth doubles, so appends are
 * amortised O(1); mr_buf_reset keeps the memory for reuse (the request path
 * reuses one buffer per worker thread). Not thread-safe.
 */
#ifndef MOCKRUN_COMMON_BUF_H
#define MOCKRUN_COMMON_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct mr_buf {
    char *data; /* NULL until the first append */
    size_t len;
    size_t cap;
    bool failed; /* an allocation failed; later appends are no-ops */
};

void mr_buf_init(struct mr_buf *b);
void mr_buf_release(struct mr_buf *b);
void mr_buf_reset(struct mr_buf *b);

/* Make room for `extra` more bytes (plus the NUL). Returns false on OOM. */
bool mr_buf_reserve(struct mr_buf *b, size_t extra);

bool mr_buf_append(struct mr_buf *b, const void *data, size_t len);
bool mr_buf_puts(struct mr_buf *b, const char *s);
bool mr_buf_putc(struct mr_buf *b, char c);
bool mr_buf_printf(struct mr_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Returns the data (caller frees; never NULL unless OOM) and empties the buffer. */
char *mr_buf_detach(struct mr_buf *b, size_t *len_out);

/* Appends the whole file at `path`. Returns 0, or an errno value: the open
 * or read failure, EFBIG past `max` bytes, ENOMEM. */
int mr_buf_read_file(struct mr_buf *b, const char *path, size_t max);

/* Appends s[0..len) with control bytes (< 0x20, 0x7f) written as \xNN, so
 * request data shown in logs and reports cannot forge lines or drive a
 * terminal. */
bool mr_buf_put_printable(struct mr_buf *b, const char *s, size_t len);

/* Appends s[0..len) as a JSON string literal, quotes included; when the text
 * is not valid UTF-8 its non-ASCII bytes become \ufffd, so the output is
 * always valid JSON. */
bool mr_buf_put_json_string(struct mr_buf *b, const char *s, size_t len);

/* The same into a fixed buffer (always NUL-terminated, truncated to fit). */
void mr_printable(char *dst, size_t size, const char *src, size_t len);

#define MR_ELIDE_OVER 80 /* a value longer than this keeps only its two ends */
#define MR_ELIDE_KEEP 32 /* bytes kept at each end */
/* Room for any value mr_printable_elide writes, quotes and NUL included. */
#define MR_ELIDED_MAX (MR_ELIDE_OVER * 4 + 64)

/*
 * s[0..n) made printable (control bytes as \xNN) into dst, quoted if asked,
 * for messages that quote request data. A value over MR_ELIDE_OVER bytes
 * keeps MR_ELIDE_KEEP bytes at each end, cut at UTF-8 boundaries, and says
 * how many bytes are left out in between: "aaaa…(950 bytes left out)…zzzz".
 * s may be NULL (an empty value).
 */
void mr_printable_elide(char *dst, size_t size, const char *s, size_t n, bool quote);

/* Returns a NUL-terminated view ("" when empty). Borrowed. */
const char *mr_buf_cstr(const struct mr_buf *b);

#endif
