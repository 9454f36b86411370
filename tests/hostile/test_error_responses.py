"""Refusals of bad requests are well-formed HTTP and reflect no request bytes.

CivetWeb 1.15 answers a request line it cannot parse itself (before mockrun's
handler runs), and its error page builds the status line from the client's
"version": `GET /x HTTP/1.1 X` + CRLF + `Set-Cookie: injected=1` comes back as
`HTTP/HTTP/1.1 X` CRLF `Set-Cookie: injected=1` CRLF CR ` 400 Bad Request`,
i.e. response splitting with a header of the client's choosing. mockrun owns
every response (issue 4, "Security"), so these refusals must be its own: a
status line `HTTP/1.x 4NN`, `Connection: close`, and nothing echoed.
"""
import re
import sys

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

BAD = [
    b"GET /split HTTP/1.1 X\r\nSet-Cookie: injected=1\r\n\r\n",
    b"GET /split HTTP/1.1 extra\r\nX-Injected: yes\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nX-Injected: yes\r\n\r\n",
    b"GET /split FOO/1.1\r\n\r\n",
    b"GET /split HTTP/9.9\r\n\r\n",
]
GOOD = 2 * len(BAD)


def client():
    c = H.Client("error-responses")
    for i, data in enumerate(BAD):
        resp = c.raw(data)
        head = resp.partition(b"\r\n\r\n")[0]
        first = head.split(b"\r\n")[0]
        c.check(re.match(rb"^HTTP/1\.[01] [45]\d\d [^\r\n]*$", first) is not None,
                "bad request #%d %r: expected a status line 'HTTP/1.x 4NN ...', got %r"
                % (i, data[:50], first[:100]))
        c.check(b"injected" not in head.lower(),
                "bad request #%d: the request's bytes came back as response headers: %r"
                % (i, head[:300]))
        c.good()
        c.good()
    c.finish()


def driver():
    s = H.Suite("error_responses")
    res, junit, journal = H.http_scenario_run(s, H.scenario([{"route": "ok", "times": GOOD}]))
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(junit), tests=3)
    calls = s.journal(journal)
    s.expect_calls(calls, lambda c: c["route"] == "ok", GOOD, "GET /ok calls")
    s.expect_calls(calls, lambda c: c["route"] != "ok", 0, "other calls")
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
