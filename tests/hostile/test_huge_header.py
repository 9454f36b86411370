"""A 100 KB header (inside CivetWeb's 128 KiB max_request_size) is served and
recorded intact; 300 KB of headers are refused and not recorded; normal
clients are served alongside."""
import sys
import threading

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

BIG = 100 * 1024
ROUTES = H.BASE_ROUTES + [
    {"id": "bighdr", "request": {"method": "GET", "path": "/big-header",
                                 "headers": {"X-Big": {"present": True}}},
     "response": {"json": {"big": True}}},
]
ROUNDS = 3
GOOD = ROUNDS * 10


def client():
    c = H.Client("huge-header")

    def one_round(r):
        big = b"GET /big-header HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * BIG + \
            b"\r\nConnection: close\r\n\r\n"
        resp = c.raw(big)
        c.check(H.status_of(resp) == 200 and resp.endswith(b'{"big":true}'),
                "round %d: 100 KB header: expected 200, got %r" % (r, resp[:150]))
        over = b"GET /too-big HTTP/1.1\r\nHost: x\r\nX-Over: " + b"o" * (300 * 1024) + b"\r\n\r\n"
        resp = c.raw(over)
        c.check(resp == b"" or H.refusal_of(resp) is not None,
                "round %d: 300 KB header: expected a refusal, got %r" % (r, resp[:150]))
        many = b"GET /too-many HTTP/1.1\r\n" + b"".join(
            b"X-Many-%d: %s\r\n" % (i, b"m" * 2000) for i in range(150)) + b"\r\n"
        resp = c.raw(many)
        c.check(resp == b"" or H.refusal_of(resp) is not None,
                "round %d: 150 x 2 KB headers: expected a refusal, got %r" % (r, resp[:150]))

    for r in range(ROUNDS):
        t = threading.Thread(target=one_round, args=(r,))
        t.start()
        c.good_burst(10, 2)
        t.join()
    c.finish()


def driver():
    s = H.Suite("huge_header")
    res, junit, journal = H.http_scenario_run(
        s, H.scenario([{"route": "ok", "times": GOOD}, {"route": "bighdr", "times": ROUNDS}],
                      routes=ROUTES))
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(junit), tests=4)
    calls = s.journal(journal)
    s.expect_calls(calls, lambda c: c["route"] == "ok", GOOD, "GET /ok calls")
    s.expect_calls(calls, lambda c: c["route"] == "bighdr" and c["status"] == 200 and
                   c["headers"].get("X-Big") == "b" * BIG, ROUNDS,
                   "GET /big-header calls with the whole 100 KB header")
    s.expect_calls(calls, lambda c: c["route"] not in ("ok", "bighdr"), 0, "other calls")
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
