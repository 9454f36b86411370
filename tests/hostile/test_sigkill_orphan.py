"""mockrun killed by SIGKILL (the OOM killer, a CI job cancelled the hard
way) while its command runs: the command does not outlive it. A watchdog
process, started once the command has run 100 ms, stops the command's group
the way a timeout does: SIGTERM first, SIGKILL after --kill-after for a
command that ignores SIGTERM."""
import os
import signal
import sys
import threading
import time

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402


def client():
    mode, fifo = sys.argv[2], sys.argv[3]
    if mode == "stubborn":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with open(fifo, "w") as f:  # tells the driver we are running, and who we are
        f.write("READY %d\n" % os.getpid())
    time.sleep(120)  # until something stops us
    sys.exit(0)


def watchdog_of(pid, timeout):
    """Waits (bounded) for mockrun `pid` to have its watchdog child; True when it does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % entry) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    cmd = f.read()
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid and b"mockrun-watchdog" in cmd:
                return True
        time.sleep(0.02)
    return False


def read_line(path, proc, timeout):
    """The first line written to the FIFO, or '' when `proc` ended or time ran out."""
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


def run_and_kill(s, mode, kill_after):
    fifo = s.path("ready-%s.fifo" % mode)
    os.mkfifo(fifo)
    pids = []

    def kill_when_ready(p):
        line = read_line(fifo, p, 60 * s.scale).split()
        s.check(line[:1] == ["READY"], "%s: the command got going" % mode, "it did not say READY")
        pids.extend(int(x) for x in line[1:2])
        s.check(watchdog_of(p.pid, 10 * s.scale), "%s: mockrun starts its watchdog" % mode,
                "no mockrun-watchdog child within 10 s")
        p.send_signal(signal.SIGKILL)

    res = s.run(["--no-junit", "--kill-after", str(kill_after), "scenario.json", "--"] +
                s.client_argv(mode, fifo), on_start=kill_when_ready)
    s.check(res.rc == -signal.SIGKILL, "%s: mockrun was killed by SIGKILL" % mode,
            "rc %d" % res.rc)
    return pids


def driver():
    s = H.Suite("sigkill_orphan")
    s.write_scenario(H.scenario([]))

    # an ordinary command: SIGTERM right after mockrun is gone
    for pid in run_and_kill(s, "plain", 30):
        gone = H.gone_within(pid, 10 * s.scale)
        s.check(gone, "plain: the command is stopped (SIGTERM) once mockrun is killed",
                "pid %d still runs 10 s later" % pid)
        if not gone:
            os.kill(pid, signal.SIGKILL)

    # a command that ignores SIGTERM: SIGKILL after --kill-after
    for pid in run_and_kill(s, "stubborn", 0.5):
        gone = H.gone_within(pid, 10 * s.scale)
        s.check(gone, "stubborn: the command is killed after --kill-after",
                "pid %d still runs 10 s later" % pid)
        if not gone:
            os.kill(pid, signal.SIGKILL)
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
