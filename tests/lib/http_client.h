/*
 * http_client.h - a raw HTTP/1.1 client for tests that talk to a server
 * over real sockets: the test writes the request bytes itself, and sees
 * every byte the server sent, in how many reads, and how the connection
 * ended (EOF, or the error of the failed read).
 *
 * A connection is a struct mr_http_client embedded by value: _open connects
 * to 127.0.0.1:port, _close closes the socket and keeps what was received,
 * _release frees everything. Bytes received stay in `data` until the test
 * consumes them (mr_http_client_consume, or a whole response with
 * mr_http_client_read_response).
 *
 * Every wait for the server is a poll() bounded by `timeout_ms`; a server
 * that sends nothing and keeps the connection open for that long fails the
 * test instead of hanging it. Failures (a refused connection, a failed send,
 * a timeout, a malformed status line) are Check assertions, so these
 * functions only return what the test wants to look at.
 *
 * One connection belongs to one thread; different threads may use different
 * connections at once (each call touches only its own connection).
 */
#ifndef MOCKRUN_TESTS_LIB_HTTP_CLIENT_H
#define MOCKRUN_TESTS_LIB_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The bound on one wait for the server, unless the test sets timeout_ms. */
#define MR_HTTP_CLIENT_TIMEOUT_MS 10000

/* One connection and what it received. Read the fields; change only timeout_ms. */
struct mr_http_client {
    int fd;         /* -1 once closed */
    int timeout_ms; /* the longest one wait for the server may take */
    char *data;     /* received and not consumed, NUL-terminated (owned) */
    size_t len, cap;
    int reads;       /* recv calls that returned bytes (since open or mr_http_client_forget) */
    bool eof;        /* the server closed the connection (recv returned 0) */
    int err;         /* errno of the recv that failed (ECONNRESET...), 0 when none did */
    int64_t last_ms; /* when the last byte arrived, mr_clock_mono_us() / 1000 */
};

/* One response taken from a connection by mr_http_client_read_response. */
struct mr_http_response {
    int status;
    char *head;      /* status line and headers with the blank line, NUL-terminated (owned) */
    size_t head_len; /* bytes in head */
    char *body;      /* NUL-terminated (owned); "" when there is none */
    size_t body_len;
    bool has_length; /* the head has a Content-Length */
};

/* Connects to 127.0.0.1:port (close-on-exec socket), with the default timeout. */
void mr_http_client_open(struct mr_http_client *c, int port);

/* Closes the socket (no-op when closed); what was received stays in c->data. */
void mr_http_client_close(struct mr_http_client *c);

/* Closes the socket and frees the data; c may be opened again. */
void mr_http_client_release(struct mr_http_client *c);

/* Sends all `len` bytes (no SIGPIPE; a failed send fails the test). */
void mr_http_client_send(struct mr_http_client *c, const void *data, size_t len);
void mr_http_client_sends(struct mr_http_client *c, const char *s);

/*
 * One bounded read: waits for the socket to be readable (failing the test
 * after timeout_ms), then receives what is there. Returns false when the
 * connection has ended (c->eof or c->err set); must not be called after.
 */
bool mr_http_client_read(struct mr_http_client *c);

/* Reads until the connection ends: EOF or a failed read (each read bounded). */
void mr_http_client_read_to_end(struct mr_http_client *c);

/* Reads until c->data holds `want` bytes; false if the connection ended first. */
bool mr_http_client_read_upto(struct mr_http_client *c, size_t want);

/* Reads until c->data starts with a complete head (status line, headers and
 * blank line); returns its length, or 0 if the connection ended first. */
size_t mr_http_client_read_head(struct mr_http_client *c);

/* The length of the complete head at the start of c->data, or 0 when there is none yet. */
size_t mr_http_client_head_len(const struct mr_http_client *c);

/* Drops the first n received bytes. */
void mr_http_client_consume(struct mr_http_client *c, size_t n);

/* Drops everything received and zeroes c->reads (to look at the next response alone). */
void mr_http_client_forget(struct mr_http_client *c);

/* True when nothing is buffered and the server closes the connection (EOF)
 * without sending anything more. */
bool mr_http_client_at_eof(struct mr_http_client *c);

/*
 * Reads one response and consumes it from the connection: the head, then
 * the body by Content-Length, or up to EOF without one. No body for a
 * response to HEAD (`head_request`), 204 or 304. A connection that ends
 * before the response does fails the test. Free r with
 * mr_http_client_response_release.
 */
void mr_http_client_read_response(struct mr_http_client *c, struct mr_http_response *r,
                                  bool head_request);

/* One request on a fresh connection, its response read as above (HEAD when
 * the request starts with "HEAD "). */
void mr_http_client_request(int port, const char *request, struct mr_http_response *r);

/* One request on a fresh connection and every byte the server sent until
 * the connection ended; c is closed after, its data and counters kept
 * (release it). */
void mr_http_client_exchange(struct mr_http_client *c, int port, const char *request);

void mr_http_client_response_release(struct mr_http_response *r);

/* The status of the status line at the start of `head` ("HTTP/1.x NNN ...");
 * anything else fails the test. */
int mr_http_client_status(const char *head);

/*
 * The value of header `name` (case-insensitive) in the head `head` (hlen
 * bytes), leading spaces skipped, copied into out (truncated to size - 1
 * bytes; "" when missing). Returns false when missing.
 */
bool mr_http_client_header(const char *head, size_t hlen, const char *name, char *out, size_t size);

/* The value of header `name` read as a decimal number; -1 when missing. */
long long mr_http_client_header_num(const char *head, size_t hlen, const char *name);

#endif
