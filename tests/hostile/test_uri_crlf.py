"""CR/LF inside the request URI (CivetWeb 1.15 accepts some of it): raw CR or
LF in the request line is refused and not recorded; percent-encoded CR/LF is
decoded into the recorded path exactly, answered with mockrun's 404, and never
reaches the response headers; normal clients are served throughout."""
import sys

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

RAW = [
    b"GET /crlf-raw\rX HTTP/1.1\r\n\r\n",
    b"GET /crlf-raw\nX HTTP/1.1\r\n\r\n",
    b"GET /crlf-raw\r\nSet-Cookie: injected=1 HTTP/1.1\r\n\r\n",
    b"GET /crlf-raw\r\n\r\nGET /ok HTTP/1.1\r\n\r\n",
]
ENCODED = {  # request target -> the path mockrun must record
    b"/crlf%0d%0aSet-Cookie:%20injected=1": "/crlf\r\nSet-Cookie: injected=1",
    b"/crlf%0D%0AX-Injected:%20yes%0d%0a%0d%0a<html>": "/crlf\r\nX-Injected: yes\r\n\r\n<html>",
    b"/crlf%0a%0a%0a": "/crlf\n\n\n",
    b"/crlf%0dend": "/crlf\rend",
}
GOOD = 2 * (len(RAW) + len(ENCODED)) + 2


def client():
    c = H.Client("uri-crlf")
    for i, data in enumerate(RAW):
        resp = c.raw(data)
        # the first answer must be a refusal; nothing after it may be a 2xx
        c.check(H.refusal_of(resp) is not None or resp == b"",
                "raw CR/LF #%d %r: expected a refusal, got %r" % (i, data[:40], resp[:150]))
        c.check(b"HTTP/1.1 200" not in resp and b"injected" not in resp.lower(),
                "raw CR/LF #%d: nothing may be answered after the refusal: %r" % (i, resp[:400]))
        c.good()
        c.good()
    for target, path in ENCODED.items():
        resp = c.raw(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        got, rest = H.responses(resp)
        head = resp.partition(b"\r\n\r\n")[0]
        c.check(len(got) == 1 and got[0][0] == 404 and rest == b"" and
                got[0][2].startswith(b"mockrun: no route matched GET "),
                "%r: expected one 404 from mockrun, got %r" % (target, resp[:300]))
        c.check(b"injected" not in head.lower() and head.count(b"\r\n") == 3,
                "%r: response headers changed: %r" % (target, head))
        c.good()
        c.good()
    # encoded CR/LF in the query of a served route: answered and counted
    for q in (b"x=%0d%0aSet-Cookie:%20injected=1", b"%0a%0d=%0a"):
        resp = c.raw(b"GET /ok?" + q + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        got, _ = H.responses(resp)
        if c.check(len(got) == 1 and got[0][0] == 200 and got[0][2] == H.OK_BODY and
                   b"injected" not in resp.partition(b"\r\n\r\n")[0].lower(),
                   "GET /ok?%r: expected 200, got %r" % (q, resp[:300])):
            c.good_calls += 1
    c.finish()


def driver():
    s = H.Suite("uri_crlf")
    res, junit, journal = H.http_scenario_run(s, H.scenario([{"route": "ok", "times": GOOD}]))
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(junit), tests=3)
    calls = s.journal(journal)
    s.expect_calls(calls, lambda c: c["route"] == "ok", GOOD, "GET /ok calls")
    for path in ENCODED.values():
        s.expect_calls(calls, lambda c, p=path: c["path"] == p and c["status"] == 404, 1,
                       "call with the decoded path %r" % path)
    s.expect_calls(calls, lambda c: c["route"] != "ok" and c["path"] not in ENCODED.values(),
                   0, "other calls (raw CR/LF ones)")
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
