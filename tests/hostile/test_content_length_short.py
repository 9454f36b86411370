"""A Content-Length shorter than the bytes sent: the body is exactly
Content-Length bytes, and what follows is parsed as the next request on the
connection: garbage is refused (and not recorded), a valid pipelined request
is answered and recorded as its own call."""
import sys

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

ROUNDS = 5
GOOD = ROUNDS * (1 + 2)  # per round: one pipelined GET /ok, two normal ones


def client():
    c = H.Client("cl-short")
    for r in range(ROUNDS):
        # 1. extra garbage after the declared body
        resp = c.raw(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"
                     b"helloEXTRA-GARBAGE-THAT-IS-NOT-HTTP\r\n\r\n")
        got, rest = H.responses(resp)
        c.check(len(got) >= 1 and got[0][0] == 200 and got[0][2] == b'{"stored":true}',
                "round %d: POST with extra bytes: first answer should be 200, got %r"
                % (r, resp[:200]))
        c.check(all(400 <= g[0] <= 599 for g in got[1:]) and
                (rest == b"" or H.refusal_of(rest) is not None),
                "round %d: the extra bytes should be refused as a request, got %r"
                % (r, resp[:400]))
        # 2. a valid request pipelined right after the declared body
        resp = c.raw(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"
                     b"helloGET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        got, rest = H.responses(resp)
        c.check([g[0] for g in got] == [200, 200] and got[1][2] == H.OK_BODY and rest == b"",
                "round %d: POST + pipelined GET /ok: expected 200, 200, got %r" % (r, resp[:400]))
        if len(got) == 2 and got[1][0] == 200:
            c.good_calls += 1
        # 3. Content-Length: 0 followed by bytes
        resp = c.raw(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
                     b"junk-after-an-empty-body\r\n\r\n")
        got, rest = H.responses(resp)
        c.check(len(got) >= 1 and got[0][0] == 200 and
                all(400 <= g[0] <= 599 for g in got[1:]) and
                (rest == b"" or H.refusal_of(rest) is not None),
                "round %d: Content-Length 0 + junk: expected 200 then a refusal, got %r"
                % (r, resp[:400]))
        c.good()
        c.good()
    c.finish()


def driver():
    s = H.Suite("content_length_short")
    res, junit, journal = H.http_scenario_run(
        s, H.scenario([{"route": "ok", "times": GOOD}, {"route": "upload", "times": 3 * ROUNDS}]))
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(junit), tests=4)
    calls = s.journal(journal)
    s.expect_calls(calls, lambda c: c["route"] == "ok", GOOD, "GET /ok calls")
    s.expect_calls(calls, lambda c: c["route"] == "upload" and c.get("body") == "hello" and
                   c["bodySize"] == 5 and not c["bodyTruncated"], 2 * ROUNDS,
                   "uploads with exactly the 5 declared bytes")
    s.expect_calls(calls, lambda c: c["route"] == "upload" and c.get("body") == "" and
                   c["bodySize"] == 0, ROUNDS, "uploads with an empty body")
    s.expect_calls(calls, lambda c: c["route"] not in ("ok", "upload"), 0,
                   "other calls (the extra bytes)")
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
