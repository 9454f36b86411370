/*
 * stub_server.h - a stand-in for a real API in the tests of mockrun's
 * upstream client and proxy: a thread on 127.0.0.1 (an ephemeral port,
 * listening when mr_stub_start returns) that answers every connection with
 * the bytes the test gave, exactly as given (any framing, broken ones too),
 * and keeps each request it received for the test to read.
 *
 * Each connection: the request is read (its head, then a Content-Length
 * body), kept, answered with the current answer, and closed. A silent stub
 * (mr_stub_silent) reads the request and never answers, holding the
 * connection until mr_stub_stop. Failures are Check assertions.
 *
 * The answer and the mode are set by the test between calls, not while a
 * client is waiting for an answer. A request is kept before it is answered,
 * so once a client has its answer the request is there to read.
 */
#ifndef MOCKRUN_TESTS_LIB_STUB_SERVER_H
#define MOCKRUN_TESTS_LIB_STUB_SERVER_H

#include <stdbool.h>
#include <stddef.h>

struct mr_stub;

struct mr_stub *mr_stub_start(void);
int mr_stub_port(const struct mr_stub *s);

/* The bytes every later connection is answered with (copied). */
void mr_stub_answer(struct mr_stub *s, const void *bytes, size_t len);
void mr_stub_answers(struct mr_stub *s, const char *text);

/* Later connections are answered one byte per write (a client must parse
 * across reads). */
void mr_stub_trickle(struct mr_stub *s, bool on);

/* Later connections get no answer at all. */
void mr_stub_silent(struct mr_stub *s, bool on);

/* Requests received so far, and the i-th of them (head and body, NUL-
 * terminated; borrowed until mr_stub_stop). */
size_t mr_stub_count(struct mr_stub *s);
const char *mr_stub_request(struct mr_stub *s, size_t i);

/* Stops the thread, closes every connection, frees everything. */
void mr_stub_stop(struct mr_stub *s);

/* A port on 127.0.0.1 where nothing listens (bound, then closed). */
int mr_stub_closed_port(void);

#endif
