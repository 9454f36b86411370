"""An encoded NUL (%00) in the path must not shorten it: `GET /ok%00.json`
is not a call to /ok.

CivetWeb decodes the path in place into a C string (decode_url=yes), so
`/ok%00.json` reaches mockrun's handler as "/ok": it matches route `ok`, is
answered 200 and counted, and the journal shows the path "/ok". The request
should be refused (400) or answered 404, and never counted for /ok."""
import sys

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

NUL_TARGETS = [b"/ok%00.json", b"/ok%00", b"/ok%00/../../etc/passwd", b"/ok%2500x"]
GOOD = 2 * len(NUL_TARGETS)


def client():
    c = H.Client("uri-nul")
    for t in NUL_TARGETS:
        resp = c.raw(b"GET " + t + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        st = H.status_of(resp)
        c.check(st is not None and st >= 400 and H.OK_BODY not in resp,
                "GET %s: expected a 4xx (it is not /ok), got %r" % (t.decode(), resp[:200]))
        c.good()
        c.good()
    c.finish()


def driver():
    s = H.Suite("uri_nul")
    res, junit, journal = H.http_scenario_run(s, H.scenario([{"route": "ok", "times": GOOD}]))
    calls = s.journal(journal)
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(junit), tests=3)
    s.expect_calls(calls, lambda c: c["route"] == "ok", GOOD, "GET /ok calls (the real ones)")
    s.expect_calls(calls, lambda c: c["path"] == "/ok" and c["route"] == "ok", GOOD,
                   "calls recorded with the path '/ok'")
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
