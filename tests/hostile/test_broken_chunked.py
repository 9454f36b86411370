"""Broken chunked encoding is refused and never counted as a call; a valid
chunked upload (the control) is recorded with its exact body; normal clients
are served throughout.

Today CivetWeb's mg_read() returns -1 on a chunk-syntax error (and on EOF
inside a chunked body), mockrun's read_body() treats that like the end of the
body, and the handler records and answers the request as usual (with an empty
or partial body), so each broken upload counts as a call."""
import sys
import threading

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

HEAD = b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
BROKEN = [
    HEAD + b"ZZZ\r\nhello\r\n0\r\n\r\n",                    # size is not hex
    HEAD + b"5\r\nhelloXX3\r\nabc\r\n0\r\n\r\n",            # no CRLF after the data
    HEAD + b"ffffffffffffffffffffffff\r\nhello\r\n0\r\n\r\n",  # size overflows
    HEAD + b"-5\r\nhello\r\n0\r\n\r\n",                     # negative size
    HEAD + b"5\r\nhello\r\n",                               # EOF before the last chunk
    HEAD + b"a\r\nhello",                                   # EOF inside a chunk
    HEAD + b"\r\n\r\n",                                     # no size line at all
]
GOOD = 2 * len(BROKEN) + 20


def client():
    c = H.Client("chunked")
    answers = {}

    def broken(i, data):
        resp = c.raw(data, shut_wr=True)
        answers[str(i)] = resp[:60].decode("latin-1")
        c.check(resp == b"" or H.refusal_of(resp) is not None,
                "broken chunked #%d %r: expected a refusal or a close, got %r"
                % (i, data[len(HEAD):][:30], resp[:120]))

    for i, data in enumerate(BROKEN):
        broken(i, data)
        c.good()
        c.good()
    ts = [threading.Thread(target=broken, args=(i, d)) for i, d in enumerate(BROKEN)]
    ts.append(threading.Thread(target=c.good_burst, args=(20, 4)))
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    # the control: a valid chunked upload
    resp = c.raw(HEAD.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n") +
                 b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
    c.check(H.status_of(resp) == 200, "valid chunked upload: expected 200, got %r" % resp[:200])
    c.fact("answers", answers)
    c.finish()


def driver():
    s = H.Suite("broken_chunked")
    res, junit, journal = H.http_scenario_run(
        s, H.scenario([{"route": "ok", "times": GOOD}, {"route": "upload", "times": 1}]))
    calls = s.journal(journal)
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(junit), tests=4)
    s.expect_calls(calls, lambda c: c["route"] == "ok", GOOD, "GET /ok calls")
    s.expect_calls(calls, lambda c: c["route"] == "upload", 1,
                   "upload call (the valid chunked one)")
    s.expect_calls(calls, lambda c: c["route"] == "upload" and c.get("body") == "hello world"
                   and c["bodySize"] == 11, 1, "upload with the body 'hello world'")
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
