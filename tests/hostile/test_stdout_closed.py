"""A command that closes its stdout (`exec 1>&-`), or both stdout and stderr,
early and then makes its requests: mockrun neither hangs nor counts a closed
pipe as the end of the command; the calls are counted exactly and the run
passes."""
import os
import sys

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

N = 12


def client():
    c = H.Client("stdout-closed")
    try:
        os.fstat(1)
        c.fail("stdout is still open")
    except OSError:
        pass
    for _ in range(N // 2):
        c.good()
    c.good_keepalive(N - N // 2)
    if len(sys.argv) > 2 and sys.argv[2] == "close-stderr":
        os.close(2)
        # after both pipes are closed, keep calling: mockrun must still wait for us
        c.good()
        c.good()
    c.finish()


def driver():
    s = H.Suite("stdout_closed")
    for mode, calls in (("keep-stderr", N), ("close-stderr", N + 2)):
        s.write_scenario(H.scenario([{"route": "ok", "times": calls}]))
        argv = ["sh", "-c", 'echo before-close; exec 1>&-; exec "$0" "$@"'] + s.client_argv(mode)
        res = s.run(["--junit", "junit.xml", "--journal", "journal.json", "scenario.json", "--"]
                    + argv, guard_s=40)
        s.expect_rc(res, 0)
        rep = s.junit(s.path("junit.xml"))
        s.expect_junit(rep, tests=3)
        if rep:
            s.check(rep["system_out"].startswith("before-close\n"),
                    "%s: system-out has what was written before the close" % mode,
                    repr(rep["system_out"][:200]))
        calls_ = s.journal(s.path("journal.json"))
        s.expect_calls(calls_, lambda c: c["route"] == "ok", calls, "%s: GET /ok calls" % mode)
        s.check(res.elapsed < 20 * s.scale, "%s: done within %d s" % (mode, 20 * s.scale),
                "%.1f s" % res.elapsed)
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
