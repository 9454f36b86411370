"""Clients that disconnect (close or reset) before their request is complete
are never recorded, and many of them at once do not keep normal clients
waiting."""
import socket
import struct
import sys
import threading

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

PARTIAL = [
    b"",
    b"G",
    b"GET /ok HT",
    b"GET /ok HTTP/1.1\r\n",
    b"GET /ok HTTP/1.1\r\nHost: x\r\nX-Fo",
    b"GET /ok HTTP/1.1\r\nHost: x\r\n",        # no blank line
    b"GET /ok HTTP/1.1\r\nHost: x\r\n\r",
]
GOOD = 3 * len(PARTIAL) * 2 + 30 + 1


def client():
    c = H.Client("disconnect")

    def abort(data, rst, half=False):
        try:
            s = c.connect()
            if data:
                s.sendall(data)
            if half:
                s.shutdown(socket.SHUT_WR)
                H.read_all(s)
            if rst:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        except OSError as e:
            c.fail("partial request %r: %r" % (data, e))

    for data in PARTIAL:
        for rst, half in ((False, False), (True, False), (False, True)):
            abort(data, rst, half)
            c.good()
            c.good()
    # 70 aborted connections at once (about the worker count) with normal traffic
    ts = [threading.Thread(target=abort, args=(PARTIAL[i % len(PARTIAL)], i % 2 == 0))
          for i in range(70)]
    ts.append(threading.Thread(target=c.good_burst, args=(30, 3)))
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    # a keep-alive connection: one complete request, then half of the next
    s = c.connect()
    s.sendall(b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHo")
    s.shutdown(socket.SHUT_WR)
    got, _ = H.responses(H.read_all(s))
    s.close()
    c.check(len(got) >= 1 and got[0][0] == 200 and got[0][2] == H.OK_BODY and
            all(g[0] >= 400 for g in got[1:]),
            "complete + partial request: expected one 200, got %r" % [g[0] for g in got])
    c.good_calls += 1
    c.finish()


def driver():
    s = H.Suite("disconnect_mid_request")
    res, junit, journal = H.http_scenario_run(s, H.scenario([{"route": "ok", "times": GOOD}]))
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(junit), tests=3)
    calls = s.journal(journal)
    s.expect_calls(calls, lambda c: c["route"] == "ok" and c["status"] == 200, GOOD,
                   "GET /ok calls (the complete ones)")
    s.expect_calls(calls, lambda c: c["route"] != "ok", 0, "other calls")
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
