"""Invalid methods are refused before mockrun's handler and never recorded;
valid but unusual methods reach the handler, get mockrun's 404 and are
recorded exactly once each with the method as sent. Normal clients are served
throughout."""
import sys
import threading

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

INVALID = [
    b"FOO /method-foo HTTP/1.1\r\n\r\n",
    b"get /method-lower HTTP/1.1\r\n\r\n",
    b"G\x00T /method-nul HTTP/1.1\r\n\r\n",
    b"G\xc3\x89T /method-utf8 HTTP/1.1\r\n\r\n",
    b"GE T /method-space HTTP/1.1\r\n\r\n",
    b"X" * 5000 + b" /method-long HTTP/1.1\r\n\r\n",
    b"\tGET /method-tab HTTP/1.1\r\n\r\n",
    b"TRACE /method-trace HTTP/1.1\r\n\r\n",  # CivetWeb 1.15 refuses TRACE, COPY, MOVE...
    b"COPY /method-copy HTTP/1.1\r\n\r\n",
]
# Valid methods no route serves: answered by mockrun (404), recorded once each.
UNUSUAL = ["PROPFIND", "OPTIONS", "PATCH", "DELETE", "MKCOL"]
GOOD = 2 * (len(INVALID) + len(UNUSUAL)) + 20


def client():
    c = H.Client("methods")
    for i, data in enumerate(INVALID):
        resp = c.raw(data)
        c.check(resp == b"" or H.refusal_of(resp) is not None,
                "invalid method #%d %r: expected a refusal, got %r" % (i, data[:30], resp[:100]))
        c.good()
        c.good()
    for m in UNUSUAL:
        resp = c.raw(b"%s /method-%s HTTP/1.1\r\nConnection: close\r\n\r\n"
                     % (m.encode(), m.lower().encode()))
        c.check(H.status_of(resp) == 404 and b"mockrun: no route matched " + m.encode() in resp,
                "%s: expected mockrun's 404, got %r" % (m, resp[:200]))
        c.good()
        c.good()
    ts = [threading.Thread(target=c.raw, args=(d,)) for d in INVALID]
    ts.append(threading.Thread(target=c.good_burst, args=(20, 4)))
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    c.finish()


def driver():
    s = H.Suite("invalid_methods")
    res, junit, journal = H.http_scenario_run(s, H.scenario([{"route": "ok", "times": GOOD}]))
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(junit), tests=3)
    calls = s.journal(journal)
    s.expect_calls(calls, lambda c: c["route"] == "ok", GOOD, "GET /ok calls")
    for m in UNUSUAL:
        s.expect_calls(calls, lambda c, m=m: c["method"] == m and
                       c["path"] == "/method-" + m.lower() and c["status"] == 404 and
                       c["route"] is None, 1, "%s /method-%s call" % (m, m.lower()))
    s.expect_calls(calls, lambda c: c["route"] != "ok" and c["method"] not in UNUSUAL, 0,
                   "calls with an invalid method")
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
