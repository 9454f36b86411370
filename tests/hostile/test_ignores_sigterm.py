"""A command that ignores SIGTERM (and leaves a child that ignores it too),
run with --timeout 1 --kill-after 1: mockrun escalates to SIGKILL, finishes
within 10 s, reports the command as timed out (killed with SIGKILL), counts
the calls made before exactly, and leaves none of the command's processes
running."""
import json
import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

N = 3


def save(c, **kw):
    c.facts.update(kw)
    c.facts["good_calls"] = c.good_calls
    with open("client-facts.json.tmp", "w") as f:
        json.dump(c.facts, f)
    os.rename("client-facts.json.tmp", "client-facts.json")


def client():
    # SIGTERM is already ignored (sh's trap, kept through exec); stay that way
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    c = H.Client("ignores-sigterm")
    child = subprocess.Popen(["sleep", "300"])  # inherits the ignored SIGTERM
    save(c, pids=[os.getpid(), child.pid])
    for _ in range(N):
        c.good()
        save(c)
    sys.stderr.write("ignores-sigterm client: calls done, now ignoring SIGTERM\n")
    sys.stderr.flush()
    while True:
        time.sleep(1)


def driver():
    s = H.Suite("ignores_sigterm")
    s.write_scenario(H.scenario([{"route": "ok", "times": N}]))
    # sh ignores SIGTERM before Python starts, so even a slow start cannot catch it
    cmd = ["sh", "-c", 'trap "" TERM; exec "$0" "$@"'] + s.client_argv()
    res = s.run(["--junit", "junit.xml", "--journal", "journal.json", "--timeout", "1",
                 "--kill-after", "1", "scenario.json", "--"] + cmd, guard_s=30)
    s.expect_rc(res, 1)
    limit = 10 * s.load_factor * (1.5 if s.sanitize else 1)
    s.check(res.elapsed < limit, "mockrun finishes within %.0f s" % limit,
            "%.2f s" % res.elapsed)
    facts = s.client_facts()
    made = facts.get("good_calls", 0)
    if made != N:
        s.say("note: the client made %d of %d calls within the 1 s timeout (loaded machine)"
              % (made, N))
    rep = s.junit(s.path("junit.xml"))
    s.expect_junit(rep, tests=3, failures=1 if made == N else 2)
    if rep:
        cmd = [c for c in rep["cases"] if c["name"].endswith("exits with code 0")]
        s.check(len(cmd) == 1 and cmd[0]["status"] == "failure" and
                (cmd[0]["message"] or "").startswith("timed out after 1 s") and
                "SIGKILL" in (cmd[0]["message"] or ""),
                "the command's case: failure 'timed out after 1 s and was stopped with SIGKILL'",
                [(c["name"], c["status"], c["message"]) for c in cmd])
    calls = s.journal(s.path("journal.json"))
    s.expect_calls(calls, lambda c: c["route"] == "ok", made, "GET /ok calls (as the client made)")
    for pid in facts.get("pids", []):
        s.check(H.gone_within(pid, 5), "process %d of the command is gone" % pid,
                "still running 5 s after mockrun ended")
        if H.alive(pid):
            os.kill(pid, signal.SIGKILL)  # ours: the test started it through mockrun
    s.say("%.2f s" % res.elapsed)
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
