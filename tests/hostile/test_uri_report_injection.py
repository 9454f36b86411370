"""A request path cannot forge lines in mockrun's console summary, its -v log
or the JUnit failure text.

The path is decoded (%0a is a newline), and mockrun lists unexpected requests
and near misses in the summary and the report. docs/internals/reports.md
promises that control bytes are printed as \\xNN on the console so recorded
input "cannot drive the terminal". Today runner/verify.c's call_line() and
the near-miss text (server/match.c) put the decoded path raw into the
multi-line detail, and reports/console.c's put_lines() splits that detail at
each '\\n' (dropping a '\\r' before it), so `GET /x%0a%20%20%E2%9C%93%20...`
prints a genuine-looking "  ✓ ..." line; the -v log line is forged the same
way."""
import sys

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

FORGED = "payments is called exactly 1 time"
TARGETS = [
    b"/x%0a%20%20%E2%9C%93%20" + FORGED.replace(" ", "%20").encode(),
    b"/y%0d%0amockrun:%2099%20passed,%200%20failed",
    b"/z%1b[2K%0d%20%20%E2%9C%93%20" + FORGED.replace(" ", "%20").encode(),
]


def client():
    c = H.Client("report-injection")
    for t in TARGETS:
        resp = c.raw(b"GET " + t + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        c.check(H.status_of(resp) == 404, "%r: expected 404, got %r" % (t, resp[:100]))
    c.good()
    c.finish()


def forged_lines(text):
    bad = []
    for line in text.replace("\r", "\n").splitlines():
        body = line.strip()
        if body.startswith("\u2713 " + FORGED) or body.startswith("mockrun: 99 passed") or \
                "\x1b" in line:
            bad.append(repr(line))
    return bad


def driver():
    s = H.Suite("uri_report_injection")
    scen = H.scenario([{"route": "ok", "times": 1}], unexpected="fail")
    res, junit, journal = H.http_scenario_run(s, scen, extra_args=["-v"])
    s.expect_rc(res, 1)  # the unexpected requests fail the run, nothing else
    rep = s.junit(junit)
    s.expect_junit(rep, tests=3, failures=1)
    if rep:
        unexpected = [c for c in rep["cases"] if c["name"] == "no unexpected requests"]
        s.check(len(unexpected) == 1 and unexpected[0]["status"] == "failure" and
                unexpected[0]["message"] == "%d requests matched no route" % len(TARGETS),
                "one failing case 'no unexpected requests': '%d requests matched no route'"
                % len(TARGETS), [(c["name"], c["status"], c["message"]) for c in rep["cases"]])
        for c in rep["cases"]:
            bad = forged_lines((c["message"] or "") + "\n" + (c["text"] or ""))
            s.check(not bad, "no forged line in the JUnit text of %r" % c["name"],
                    "\n".join(bad))
    bad = forged_lines(res.stdout)
    s.check(not bad, "no forged line in the console summary", "\n".join(bad))
    bad = [line for line in forged_lines(res.stderr)]
    s.check(not bad, "no forged line in the -v log (stderr)", "\n".join(bad))
    calls = s.journal(journal)
    s.expect_calls(calls, lambda c: c["route"] is None and c["status"] == 404, len(TARGETS),
                   "unmatched calls")
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
