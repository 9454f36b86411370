"""A command that starts a daemon which keeps stdout open after the command
has exited: mockrun stops waiting for the pipe after its drain grace period
(500 ms), finishes promptly, passes the run and says so in the report. Two
daemons: one in the command's process group (mockrun kills it), one that
left with setsid() (mockrun cannot; the test kills it)."""
import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

N = 4
GRACE_S = 0.5
NOTE = "kept its output open"


def client():
    c = H.Client("daemon")
    for _ in range(N):
        c.good()
    setsid = sys.argv[2] == "setsid"
    d = subprocess.Popen(["sh", "-c", "echo daemon-started; exec sleep 60"],
                         start_new_session=setsid)  # stdout/stderr: our pipes
    print("command-exiting", flush=True)
    c.facts["daemon_pid"] = d.pid
    c.facts["exit_wall"] = time.time()
    c.finish()


def driver():
    s = H.Suite("daemon_holds_stdout")
    margin = 2.5 * s.scale
    for mode in ("group", "setsid"):
        s.write_scenario(H.scenario([{"route": "ok", "times": N}]))
        res = s.run(["--junit", "junit.xml", "--journal", "journal.json", "scenario.json",
                     "--"] + s.client_argv(mode), guard_s=40)
        end_wall = time.time()
        s.expect_rc(res, 0)
        facts = s.client_facts()
        pid = facts.get("daemon_pid")
        lag = end_wall - facts.get("exit_wall", 0)
        s.check(lag < GRACE_S + margin,
                "%s: mockrun ends within the grace (%.1f s) + %.1f s after the command exits"
                % (mode, GRACE_S, margin), "%.2f s after" % lag)
        rep = s.junit(s.path("junit.xml"))
        s.expect_junit(rep, tests=3)
        if rep:
            # anywhere in the report: system-out, or the command's test case
            raw = open(s.path("junit.xml"), encoding="utf-8").read()
            s.check(NOTE in raw and "grace period" in raw,
                    "%s: the report says the output was abandoned after the grace period" % mode,
                    "no such note in the report; stderr:\n" + H.tail(res.stderr, 5))
            s.check("daemon-started" in rep["system_out"] and
                    "command-exiting" in rep["system_out"],
                    "%s: output written before the exit is in system-out" % mode,
                    repr(rep["system_out"][-400:]))
        calls = s.journal(s.path("journal.json"))
        s.expect_calls(calls, lambda c: c["route"] == "ok", N, "%s: GET /ok calls" % mode)
        if pid:
            if mode == "group":
                s.check(H.gone_within(pid, 5),
                        "group: mockrun killed the daemon left in the group",
                        "pid %d still running" % pid)
            if H.alive(pid):
                os.kill(pid, signal.SIGKILL)  # the test started it, through mockrun
        s.say("%s: %.2f s in all, %.2f s after the command exited" % (mode, res.elapsed, lag))
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
