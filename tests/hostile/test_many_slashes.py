"""Paths of thousands of slashes (CVE-2025-55763: heap overflow in CivetWeb
1.15's directory-redirect code) are answered by mockrun's own handler (a 404
that names the path), recorded once each, and mockrun neither crashes nor
trips a sanitizer; a path over the request-size limit is refused. Normal
clients, fresh and keep-alive, are served in between."""
import http.client
import sys
import threading

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

COUNTS = [1000, 4096, 5000, 20000, 60000]
SHAPES = [
    lambda n: b"/" * n,
    lambda n: b"/" * n + b"hostile-slashes",
    lambda n: b"/hostile-dir" + b"/" * n,
    lambda n: b"/" * (n // 2) + b"." + b"/" * (n // 2),
    lambda n: b"/" + b"%2f" * (n // 3),
]
ANSWERED = len(COUNTS) * len(SHAPES)
GOOD = 2 * ANSWERED + 20 + 10


def client():
    c = H.Client("slashes")
    ka = http.client.HTTPConnection(c.host, c.port, timeout=30)

    def one(target, keepalive):
        resp = c.raw(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n" +
                     (b"" if keepalive else b"Connection: close\r\n") + b"\r\n")
        got, _ = H.responses(resp)
        c.check(len(got) >= 1 and got[0][0] == 404 and
                got[0][2].startswith(b"mockrun: no route matched GET /"),
                "GET %r... (%d bytes): expected mockrun's 404, got %r"
                % (target[:20], len(target), resp[:200]))

    for n in COUNTS:
        for shape in SHAPES:
            one(shape(n), n % 2 == 0)
            c.good()
            ka.request("GET", "/ok")
            r = ka.getresponse()
            c.check(r.status == 200 and r.read() == H.OK_BODY, "keep-alive GET /ok failed")
            c.good_calls += 1
    # all at once, with normal traffic alongside
    ts = [threading.Thread(target=c.raw, args=(b"GET " + b"/" * n + b" HTTP/1.1\r\n\r\n",))
          for n in COUNTS for _ in range(2)]
    ts.append(threading.Thread(target=c.good_burst, args=(20, 4)))
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    # over the 128 KiB request limit: refused, not recorded
    resp = c.raw(b"GET " + b"/" * 150000 + b" HTTP/1.1\r\n\r\n")
    c.check(resp == b"" or H.refusal_of(resp) is not None,
            "150000 slashes: expected a refusal, got %r" % resp[:200])
    c.good_burst(10, 2)
    c.finish()


def driver():
    s = H.Suite("many_slashes")
    res, junit, journal = H.http_scenario_run(s, H.scenario([{"route": "ok", "times": GOOD}]))
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(junit), tests=3)
    calls = s.journal(journal)
    s.expect_calls(calls, lambda c: c["route"] == "ok", GOOD, "GET /ok calls")
    s.expect_calls(calls, lambda c: c["route"] is None and c["status"] == 404,
                   ANSWERED + 2 * len(COUNTS), "404 calls for the slash paths")
    s.expect_calls(calls, lambda c: c["route"] is None and c["path"].startswith("/") and
                   c["path"].endswith("/hostile-slashes"), len(COUNTS),
                   "calls recorded with a path ending in /hostile-slashes")
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
