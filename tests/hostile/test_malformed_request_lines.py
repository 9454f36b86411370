"""Malformed request lines are refused (4xx/5xx or a closed connection), never
recorded, and normal clients, on fresh and on keep-alive connections, are
served between and during them."""
import sys
import threading

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

MALFORMED = [
    b"GARBAGE\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET /malformed-09\r\n\r\n",                      # HTTP/0.9
    b"GET /malformed-ver HTTP/9.9\r\n\r\n",
    b"GET /malformed-extra HTTP/1.1 extra\r\n\r\n",
    b"GET malformed-noslash HTTP/1.1\r\n\r\n",
    b"HTTP/1.1 200 OK\r\n\r\n",                         # a response, not a request
    b"\x00\x01\x02\x03\xff\xfe\r\n\r\n",
    b"\r\n\r\n",
    b"GET /malformed-hdr HTTP/1.1\r\nNoColonHere\r\n\r\n",
    b"GET /malformed-ctl HTTP/1.1\r\nX: \x00\x01\xff\r\n\r\n",
    b"GET /malformed-bin\xff\xfe HTTP/1.1\r\n\r\n",
    b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + bytes(range(256)),  # TLS ClientHello
    b"GET /malformed-" + b"A" * 200000 + b" HTTP/1.1\r\n\r\n",  # request line over the limit
]
ROUNDS = 3  # the whole list is sent this many times, in parallel the last time
# per input: one call on a fresh connection and one on the keep-alive one
GOOD = 2 + len(MALFORMED) * 2 * (ROUNDS - 1) + 40


def client():
    c = H.Client("malformed")
    ka = __import__("http.client").client.HTTPConnection(c.host, c.port, timeout=30)

    def ka_get():
        try:
            ka.request("GET", "/ok")
            r = ka.getresponse()
            body = r.read()
            c.check(r.status == 200 and body == H.OK_BODY, "keep-alive GET /ok: %d %r"
                    % (r.status, body))
            with c.lock:
                c.good_calls += 1
        except Exception as e:  # noqa: BLE001
            c.fail("keep-alive GET /ok: %r" % e)

    ka_get()
    c.good()
    seen = {}

    def hostile(i, data):
        resp = c.raw(data)
        st = H.refusal_of(resp)
        seen["%d" % i] = [st, resp[:60].decode("latin-1")]
        c.check(resp == b"" or st is not None,
                "malformed #%d %r: expected a 4xx/5xx or a closed connection, got %r"
                % (i, data[:40], resp[:120]))

    for _ in range(ROUNDS - 1):
        for i, data in enumerate(MALFORMED):
            hostile(i, data)
            ka_get()   # the old keep-alive connection still works
            c.good()   # and so does a new one
    # last round: all at once, with normal traffic alongside
    ts = [threading.Thread(target=hostile, args=(i, d)) for i, d in enumerate(MALFORMED)]
    ts.append(threading.Thread(target=c.good_burst, args=(40, 4)))
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    c.fact("malformed", seen)
    c.finish()


def driver():
    s = H.Suite("malformed_request_lines")
    scen = H.scenario([{"route": "ok", "times": GOOD}, {"route": "upload", "times": 0}])
    res, junit, journal = H.http_scenario_run(s, scen)
    s.expect_rc(res, 0)
    rep = s.junit(junit)
    s.expect_junit(rep, tests=4)
    calls = s.journal(journal)
    s.expect_calls(calls, lambda c: c["route"] == "ok" and c["status"] == 200, GOOD,
                   "answered GET /ok calls")
    s.expect_calls(calls, lambda c: c["route"] != "ok", 0, "other calls (malformed ones)")
    s.check(res.elapsed < 30 * s.scale, "mockrun done within %d s" % (30 * s.scale),
            "%.1f s" % res.elapsed)
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
