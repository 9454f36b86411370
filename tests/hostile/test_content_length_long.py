"""A Content-Length longer than the bytes sent: the client stops sending and
closes (fully, half, or with a reset). The request never completed, so it must
not count as a call: `upload` is expected exactly once, for the one complete
upload the client makes, and normal clients are served throughout.

Today mockrun's read_body() stops at the EOF that CivetWeb's mg_read()
returns and records the cut-off body as a complete call (bodySize 10,
bodyTruncated false), so the aborted uploads are counted."""
import socket
import struct
import sys
import threading

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

HEAD = b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
PARTIAL = b"0123456789"  # 10 of the 1000 bytes announced
ROUNDS = 3
GOOD = ROUNDS * 4 + 20


def client():
    c = H.Client("cl-long")
    seen = []

    def half_close():
        # stops sending, half-closes, waits for the verdict
        resp = c.raw(HEAD + PARTIAL, shut_wr=True)
        seen.append(resp[:80].decode("latin-1"))
        c.check(resp == b"" or H.refusal_of(resp) is not None,
                "10 of 1000 body bytes, then EOF: expected a refusal or a close, got %r"
                % resp[:200])

    def full_close():
        s = c.connect()
        s.sendall(HEAD + PARTIAL)
        s.close()

    def reset():
        s = c.connect()
        s.sendall(HEAD + PARTIAL)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()  # RST

    def headers_only():
        resp = c.raw(HEAD, shut_wr=True)  # no body byte at all
        c.check(resp == b"" or H.refusal_of(resp) is not None,
                "headers, then EOF before the body: expected a refusal or a close, got %r"
                % resp[:200])

    for _ in range(ROUNDS):
        for f in (half_close, full_close, reset, headers_only):
            f()
            c.good()
    ts = [threading.Thread(target=f) for f in (half_close, full_close, reset, headers_only)]
    ts.append(threading.Thread(target=c.good_burst, args=(20, 4)))
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    # the one complete upload
    resp = c.raw(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n"
                 b"Connection: close\r\n\r\n" + PARTIAL)
    c.check(H.status_of(resp) == 200, "the complete upload: expected 200, got %r" % resp[:200])
    c.fact("half_close_answers", seen)
    c.finish()


def driver():
    s = H.Suite("content_length_long")
    res, junit, journal = H.http_scenario_run(
        s, H.scenario([{"route": "ok", "times": GOOD}, {"route": "upload", "times": 1}]))
    calls = s.journal(journal)
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(junit), tests=4)
    s.expect_calls(calls, lambda c: c["route"] == "ok", GOOD, "GET /ok calls")
    s.expect_calls(calls, lambda c: c["route"] == "upload", 1,
                   "upload call (the complete one; aborted bodies are not calls)")
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
