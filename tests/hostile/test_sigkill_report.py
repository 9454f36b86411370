"""mockrun killed by SIGKILL mid-run: the previous report (and journal) at the
same path stay byte-identical; kills that land while the report is being
written leave either the old file or a complete new one, never a partial
file; and the next run removes every stale `.mockrun-junit.xml.<pid>.tmp`
(and journal temp file) in the folder, touching no other file."""
import os
import random
import signal
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

MIB = 1024 * 1024


def client():
    c = H.Client("sigkill")
    mode = sys.argv[2]
    c.good()
    if mode == "block":
        with open(sys.argv[3], "w") as fifo:  # tells the driver we are mid-run
            fifo.write("READY %d\n" % os.getpid())
        sys.stdin.read()  # until the driver closes our stdin, after the kill
        sys.exit(0)
    if mode == "big":
        sys.stdout.write("x" * (MIB - 1) + "\n")  # a big system-out: slower report writing
        sys.stdout.flush()
        with open(sys.argv[3], "w") as fifo:  # the driver kills mockrun soon after this
            fifo.write("EXITING\n")
    c.finish()


def read_fifo(path, proc, timeout):
    """The first line written to the FIFO at `path`, or '' when `proc` ended
    or `timeout` passed first (then the FIFO is opened for writing here, so the
    reader thread is not left blocked in open())."""
    got = []

    def reader():
        with open(path) as f:
            got.append(f.readline())

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    deadline = time.monotonic() + timeout
    while t.is_alive() and proc.poll() is None and time.monotonic() < deadline:
        t.join(0.05)
    if t.is_alive():
        with open(path, "w"):
            pass
        t.join()
    return got[0] if got else ""


def tmp_files(folder):
    return sorted(f for f in os.listdir(folder) if f.endswith(".tmp"))


def dead_pid():
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def driver():
    s = H.Suite("sigkill_report")
    s.write_scenario(H.scenario([{"route": "ok", "times": 1}]))
    out = s.path("out")
    os.mkdir(out)
    junit = os.path.join(out, "mockrun-junit.xml")
    journal = os.path.join(out, "journal.json")
    args = ["--junit", junit, "--journal", journal, "scenario.json", "--"]

    # 1. a normal run leaves the report we must protect
    res = s.run(args + s.client_argv("quick"))
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(junit), tests=3)
    before = {p: open(p, "rb").read() for p in (junit, journal)}

    # 2. SIGKILL while the command runs (synchronised through a FIFO)
    fifo = s.path("ready.fifo")
    os.mkfifo(fifo)
    r, w = os.pipe()  # the command's stdin: it exits when we close w
    client_pid = []

    def kill_when_ready(p):
        line = read_fifo(fifo, p, 60 * s.scale).split()
        s.check(line[:1] == ["READY"], "the command got going", "it did not say READY")
        client_pid.extend(int(x) for x in line[1:2])
        p.send_signal(signal.SIGKILL)

    env = dict(s.env)
    res = s.run(args + s.client_argv("block", fifo), on_start=kill_when_ready,
                stdin=r, env=env)
    os.close(r)
    os.close(w)
    s.check(res.rc == -signal.SIGKILL, "mockrun was killed by SIGKILL", "rc %d" % res.rc)
    for p, data in before.items():
        s.check(open(p, "rb").read() == data, "%s is byte-identical after the kill"
                % os.path.basename(p), "it changed")
    for pid in client_pid:  # the orphaned command exits on EOF; make sure of it
        if not H.gone_within(pid, 10):
            os.kill(pid, signal.SIGKILL)

    # 3. kills 0-300 ms after the command exits: around the writing of a 1 MiB report
    rng = random.Random(7)
    prev = open(junit, "rb").read()
    killed = replaced = 0
    for i in range(12):
        delay = rng.uniform(0, 0.3) * s.scale

        def killer(p, delay=delay):
            read_fifo(fifo, p, 60 * s.scale)
            try:
                p.wait(timeout=delay)  # the random moment of the kill, not a synchronisation
            except subprocess.TimeoutExpired:
                p.send_signal(signal.SIGKILL)

        res = s.run(args + s.client_argv("big", fifo), on_start=killer)
        now = open(junit, "rb").read()
        if now != prev:
            ok = s.check(now.rstrip().endswith(b"</testsuites>") and len(now) > MIB,
                         "kill #%d (after %.0f ms): a new report is complete" % (i, delay * 1000),
                         "%d bytes ending %r" % (len(now), now[-80:]))
            if ok:
                s.validate_xsd(junit)
            prev = now
            replaced += 1
        killed += res.rc == -signal.SIGKILL
    s.say("12 runs killed around their report: %d died first, %d replaced the report"
          % (killed, replaced))

    # 4. stale temp files of dead writers, and one of another report that must stay
    for name in (".mockrun-junit.xml.%d.tmp" % dead_pid(), ".journal.json.%d.tmp" % dead_pid()):
        with open(os.path.join(out, name), "w") as f:
            f.write("<testsuites><testsuite name='partial")
    other = ".other-report.xml.%d.tmp" % dead_pid()
    with open(os.path.join(out, other), "w") as f:
        f.write("not ours")
    s.say("temp files before the next run: %s" % tmp_files(out))
    res = s.run(args + s.client_argv("quick"))
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(junit), tests=3)
    left = [f for f in tmp_files(out) if f != other]
    s.check(not left, "no .mockrun-junit.xml.*.tmp or .journal.json.*.tmp left", left)
    s.check(os.path.exists(os.path.join(out, other)),
            "another report's temp file is not touched", "it was removed")
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
