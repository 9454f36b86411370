"""mockrun run by hand in a terminal: the test is the terminal. mockrun runs
on the slave side of a pseudo-terminal that is its controlling terminal (a
session of its own, TIOCSCTTY), as a shell would start it in the foreground;
the test reads what the terminal shows from the master side and types into
it. Each case checks mockrun's exit status, the JUnit report, and that the
terminal's modes are the same after the run as before (mockrun puts the
real terminal in raw input mode while the command runs).

- ctrl_c_trapped: a command that handles SIGINT and keeps running; a typed
  Ctrl-C is mockrun's interrupt: the command gets SIGINT, then SIGKILL after
  --kill-after; exit 1, the report says "interrupted".
- ctrl_c_twice: a second Ctrl-C kills the command at once.
- ctrl_c_exits_0: a command that exits 0 on SIGINT; the run still fails.
- colours: the command sees a terminal on stdin, stdout and stderr, of the
  terminal's size; the terminal shows its colours; the report has its stdout
  and stderr apart and without escape sequences.
- resize: the terminal's new size reaches the command (SIGWINCH).
- reads_line: the command reads a line typed at the terminal (echoed).
- stdout_redirected: stdout to a file: the command's stdout is a pipe, its
  stdin still the pty, and the echo of what is typed still shows.
- stdin_not_tty: stdin from /dev/null: stdout and stderr are still ptys.
- raw_ctrl_c: a command that turned ISIG off reads Ctrl-C as a byte; the
  run is not interrupted.
- daemon: a daemon (setsid) keeps the pty open after the command exits:
  mockrun stops waiting after its drain grace, as with pipes, and ends it.
- no_tty: --no-tty gives the command pipes (not a terminal) for its output.
"""
import fcntl
import json
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

KILL_AFTER_S = 1.0
RED = "\x1b[31mRED-TEXT\x1b[0m"
YELLOW = "\x1b[33mWARN-TEXT\x1b[0m"


# ---------------------------------------------------------------------------
# Client side: the command under test, started by mockrun.
# ---------------------------------------------------------------------------

def facts(**kw):
    """Merges kw into facts.json (atomically: the driver may read it any time)."""
    d = {}
    if os.path.exists("facts.json"):
        with open("facts.json") as f:
            d = json.load(f)
    d.update(kw)
    with open("facts.json.tmp", "w") as f:
        json.dump(d, f)
    os.rename("facts.json.tmp", "facts.json")


def client():
    mode = sys.argv[2]
    facts(pid=os.getpid(), isatty=[os.isatty(0), os.isatty(1), os.isatty(2)])
    if mode == "trapped":
        # SIGINT is noted and otherwise ignored: only SIGKILL ends this
        signal.signal(signal.SIGINT, lambda *_: facts(sigint=True))
        print("READY", flush=True)
        while True:
            time.sleep(0.05)
    elif mode == "exits0":
        signal.signal(signal.SIGINT, lambda *_: os._exit(0))
        print("READY", flush=True)
        while True:
            time.sleep(0.05)
    elif mode == "colours":
        fg = os.tcgetpgrp(0) == os.getpgrp() if os.isatty(0) else None
        size = os.get_terminal_size(1)
        facts(foreground=fg, session_leader=os.getsid(0) == os.getpid(),
              size=[size.lines, size.columns])
        print("isatty %s %s %s" % (os.isatty(0), os.isatty(1), os.isatty(2)))
        print(RED, flush=True)
        sys.stderr.write(YELLOW + "\n")
        sys.stderr.flush()
    elif mode == "resize":
        got = []
        signal.signal(signal.SIGWINCH, lambda *_: got.append(os.get_terminal_size(1)))
        print("READY", flush=True)
        deadline = time.monotonic() + 30
        while not got and time.monotonic() < deadline:
            time.sleep(0.02)
        if got:
            print("size %d %d" % (got[-1].lines, got[-1].columns), flush=True)
    elif mode == "prompt_on_stderr":
        sys.stderr.write("name? ")
        sys.stderr.flush()
        line = sys.stdin.readline()
        print("hello " + line.strip(), flush=True)
    elif mode == "reads_line":
        sys.stdout.write("name? ")
        sys.stdout.flush()
        line = sys.stdin.readline()
        print("hello " + line.strip(), flush=True)
    elif mode == "raw":
        import tty
        tty.setraw(0)  # ISIG off: Ctrl-C is a byte
        print("READY", flush=True)
        b = os.read(0, 1)
        facts(byte=b[0] if b else -1)
        sys.stdout.write("got byte %d\r\n" % (b[0] if b else -1))
        sys.stdout.flush()
    elif mode == "daemon":
        d = subprocess.Popen(["sleep", "60"], start_new_session=True)  # holds the pty
        facts(daemon_pid=d.pid)
        print("command-exiting", flush=True)
    elif mode == "isatty":
        print("isatty %s %s %s" % (os.isatty(0), os.isatty(1), os.isatty(2)), flush=True)
    sys.exit(0)


# ---------------------------------------------------------------------------
# Driver side: a terminal around mockrun.
# ---------------------------------------------------------------------------

class Terminal:
    """mockrun on a pty's slave as its controlling terminal and stdin/out/err."""

    def __init__(self, s, args, stdin=None, stdout=None):
        self.s = s
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        self.modes_before = termios.tcgetattr(self.slave)
        self.shown = b""
        env = dict(s.env)
        env["TERM"] = "xterm"
        env.pop("NO_COLOR", None)

        def make_controlling():
            # after setsid (start_new_session): this pty becomes ours
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.t0 = time.monotonic()
        self.p = subprocess.Popen([s.mockrun] + args, cwd=s.dir, env=env,
                                  stdin=self.slave if stdin is None else stdin,
                                  stdout=self.slave if stdout is None else stdout,
                                  stderr=self.slave, start_new_session=True,
                                  preexec_fn=make_controlling if stdin is None else None)
        s.started.append(self.p)

    def read(self, timeout):
        r, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not r:
            return False
        try:
            b = os.read(self.master, 65536)
        except OSError:
            return False
        self.shown += b
        return bool(b)

    def wait_for(self, text, seconds):
        """Reads what the terminal shows until `text` appears."""
        deadline = time.monotonic() + seconds * self.s.scale
        want = text.encode()
        while want not in self.shown:
            left = deadline - time.monotonic()
            if left <= 0 or (not self.read(min(left, 0.2)) and self.p.poll() is not None):
                if want in self.shown:
                    break
                return self.s.check(False, "the terminal to show %r" % text,
                                    H.tail(self.shown.decode("utf-8", "replace")))
        return True

    def type(self, data):
        os.write(self.master, data)

    def resize(self, rows, cols):
        """As a terminal emulator does: the kernel then sends SIGWINCH to the
        foreground group, mockrun's."""
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def finish(self, seconds):
        """Waits for mockrun to exit (reading the terminal meanwhile); returns
        its exit status and the time it took since `since`."""
        deadline = time.monotonic() + seconds * self.s.scale
        while self.p.poll() is None and time.monotonic() < deadline:
            self.read(0.05)
        if self.p.poll() is None:
            self.p.kill()
            self.s.check(False, "mockrun to exit within %.1f s" % (seconds * self.s.scale),
                         "still running; killed it")
        rc = self.p.wait()
        while self.read(0):
            pass
        self.s.check(not H.SANITIZER_RE.search(self.shown.decode("utf-8", "replace")),
                     "no sanitizer report", H.tail(self.shown.decode("utf-8", "replace")))
        modes_after = termios.tcgetattr(self.slave)
        self.s.check(modes_after == self.modes_before,
                     "the terminal's modes restored after the run",
                     "before %r\nafter  %r" % (self.modes_before, modes_after))
        os.close(self.master)
        os.close(self.slave)
        return rc

    def expect_rc(self, rc, want):
        return self.s.check(rc == want, "mockrun exits with %d" % want,
                            "exit %s; the terminal showed:\n%s"
                            % (rc, H.tail(self.shown.decode("utf-8", "replace"))))


def client_facts(s):
    p = s.path("facts.json")
    if not os.path.exists(p):
        return {}
    with open(p) as f:
        return json.load(f)


def start_case(s, name, mode, extra=(), kill_after=KILL_AFTER_S, **kw):
    for f in ("facts.json", "junit.xml"):
        if os.path.exists(s.path(f)):
            os.unlink(s.path(f))
    s.say("case %s" % name)
    return Terminal(s, ["--junit", "junit.xml", "--kill-after", str(kill_after)] +
                    list(extra) + ["scenario.json", "--"] + s.client_argv(mode), **kw)


def command_case(rep):
    cmd = [c for c in rep["cases"] if "exits with code" in (c["name"] or "")]
    return cmd[0] if len(cmd) == 1 else None


def case_ctrl_c_trapped(s):
    t = start_case(s, "ctrl_c_trapped", "trapped")
    if not t.wait_for("READY", 20):
        t.finish(5)
        return
    t.type(b"\x03")
    typed = time.monotonic()
    rc = t.finish(KILL_AFTER_S + 10)
    took = time.monotonic() - typed
    t.expect_rc(rc, 1)
    s.check(KILL_AFTER_S - 0.2 <= took <= KILL_AFTER_S + 5 * s.scale,
            "mockrun ends about --kill-after (%.1f s) after the Ctrl-C" % KILL_AFTER_S,
            "%.2f s" % took)
    f = client_facts(s)
    s.check(f.get("sigint") is True, "the command got the SIGINT", f)
    if f.get("pid"):
        s.check(H.gone_within(f["pid"], 5), "the command is gone (SIGKILL)", "still running")
    rep = s.junit(s.path("junit.xml"))
    s.expect_junit(rep, tests=2, errors=1)
    c = command_case(rep) if rep else None
    s.check(c is not None and c["status"] == "error" and
            (c["message"] or "").startswith("was interrupted: mockrun received signal 2"),
            "the command's case: error 'was interrupted: mockrun received signal 2'",
            c and (c["status"], c["message"]))


def case_ctrl_c_twice(s):
    t = start_case(s, "ctrl_c_twice", "trapped", kill_after=60)
    if not t.wait_for("READY", 20):
        t.finish(5)
        return
    t.type(b"\x03")
    typed = time.monotonic()
    deadline = typed + 10 * s.scale
    while not client_facts(s).get("sigint") and time.monotonic() < deadline:
        t.read(0.02)
    t.type(b"\x03")
    rc = t.finish(10)
    took = time.monotonic() - typed
    t.expect_rc(rc, 1)
    s.check(took < 5 * s.scale, "the second Ctrl-C kills at once, not after --kill-after 60",
            "%.2f s" % took)
    pid = client_facts(s).get("pid")
    if pid:
        s.check(H.gone_within(pid, 5), "the command is gone", "still running")
    rep = s.junit(s.path("junit.xml"))
    s.expect_junit(rep, tests=2, errors=1)


def case_ctrl_c_exits_0(s):
    t = start_case(s, "ctrl_c_exits_0", "exits0")
    if not t.wait_for("READY", 20):
        t.finish(5)
        return
    t.type(b"\x03")
    typed = time.monotonic()
    rc = t.finish(10)
    took = time.monotonic() - typed
    t.expect_rc(rc, 1)
    s.check(took < KILL_AFTER_S + 3 * s.scale, "mockrun ends soon after the Ctrl-C",
            "%.2f s" % took)
    rep = s.junit(s.path("junit.xml"))
    s.expect_junit(rep, tests=2, errors=1)
    c = command_case(rep) if rep else None
    s.check(c is not None and c["status"] == "error" and "interrupted" in (c["message"] or ""),
            "the command's case: error, interrupted", c and (c["status"], c["message"]))


def case_colours(s):
    t = start_case(s, "colours", "colours")
    rc = t.finish(20)
    t.expect_rc(rc, 0)
    shown = t.shown.decode("utf-8", "replace")
    s.check("isatty True True True" in shown, "the command sees a terminal on 0, 1 and 2",
            H.tail(shown))
    s.check(RED in shown and YELLOW in shown, "the terminal shows the command's colours",
            repr(shown[-600:]))
    f = client_facts(s)
    s.check(f.get("session_leader") is True and f.get("foreground") is True,
            "the command leads its own session, in the foreground of its terminal", f)
    s.check(f.get("size") == [40, 100], "the command's terminal has the size of ours (40x100)",
            f.get("size"))
    rep = s.junit(s.path("junit.xml"))
    s.expect_junit(rep, tests=2)
    if rep:
        out, err = rep["system_out"], rep["system_err"]
        s.check(out == "isatty True True True\nRED-TEXT\n",
                "system-out: the command's stdout without escapes or CRs", repr(out))
        s.check(err == "WARN-TEXT\n", "system-err: its stderr alone, without escapes", repr(err))


def case_reads_line(s):
    t = start_case(s, "reads_line", "reads_line")
    if t.wait_for("name? ", 20):
        t.type(b"world\r")  # Enter, as a terminal in raw mode sends it
    t.wait_for("hello world", 20)
    rc = t.finish(20)
    t.expect_rc(rc, 0)
    shown = t.shown.decode("utf-8", "replace")
    at = shown.find("name? ")
    s.check(at >= 0 and "world" in shown[at + 6:shown.find("hello world")],
            "the typed line is echoed", repr(shown[-400:]))
    rep = s.junit(s.path("junit.xml"))
    s.expect_junit(rep, tests=2)
    if rep:
        s.check("hello world\n" in rep["system_out"], "system-out has the answer",
                repr(rep["system_out"]))


def case_resize(s):
    t = start_case(s, "resize", "resize")
    if t.wait_for("READY", 20):
        t.resize(50, 120)
    t.wait_for("size 50 120", 20)
    rc = t.finish(20)
    t.expect_rc(rc, 0)


def case_stdout_redirected(s):
    out = open(s.path("stdout.txt"), "w+b")
    t = start_case(s, "stdout_redirected", "prompt_on_stderr", stdout=out)
    if t.wait_for("name? ", 20):
        t.type(b"redirected\r")
    rc = t.finish(20)
    t.expect_rc(rc, 0)
    out.seek(0)
    text = out.read().decode("utf-8", "replace")
    out.close()
    s.check("hello redirected" in text, "the answer in the redirected stdout", repr(text[-300:]))
    shown = t.shown.decode("utf-8", "replace")
    s.check("redirected" in shown[shown.find("name? "):],
            "the terminal shows the typed line (the pty's echo)", H.tail(shown))
    s.check(client_facts(s).get("isatty") == [True, False, True],
            "the command's stdin and stderr are terminals, its stdout is not",
            client_facts(s).get("isatty"))


def case_stdin_not_tty(s):
    t = start_case(s, "stdin_not_tty", "isatty", stdin=subprocess.DEVNULL)
    rc = t.finish(20)
    t.expect_rc(rc, 0)
    shown = t.shown.decode("utf-8", "replace")
    s.check("isatty False True True" in shown,
            "stdin from /dev/null: stdout and stderr still terminals", H.tail(shown))


def case_raw_ctrl_c(s):
    t = start_case(s, "raw_ctrl_c", "raw")
    if t.wait_for("READY", 20):
        t.type(b"\x03")
    rc = t.finish(20)
    t.expect_rc(rc, 0)
    s.check(client_facts(s).get("byte") == 3, "the command read Ctrl-C as the byte 3",
            client_facts(s))
    rep = s.junit(s.path("junit.xml"))
    s.expect_junit(rep, tests=2)


def case_daemon(s):
    t = start_case(s, "daemon", "daemon")
    rc = t.finish(20)
    t.expect_rc(rc, 0)
    d = client_facts(s).get("daemon_pid")
    s.check(d is not None, "the command started a daemon", client_facts(s))
    if d:  # mockrun ends it as an orphan once the command has exited
        s.check(H.gone_within(d, 10), "the daemon is gone after the run", "still running")
        if H.alive(d):
            os.kill(d, signal.SIGKILL)  # ours: the test started it through mockrun
    s.check("kept its output open" in t.shown.decode("utf-8", "replace"),
            "mockrun says the output was left open", H.tail(t.shown.decode("utf-8", "replace")))
    rep = s.junit(s.path("junit.xml"))
    s.expect_junit(rep, tests=2)


def case_no_tty(s):
    t = start_case(s, "no_tty", "isatty", extra=["--no-tty"])
    rc = t.finish(20)
    t.expect_rc(rc, 0)
    shown = t.shown.decode("utf-8", "replace")
    s.check("isatty True False False" in shown,
            "with --no-tty: stdin is the terminal, stdout and stderr are pipes", H.tail(shown))


def driver():
    s = H.Suite("terminal")
    s.write_scenario(H.scenario([]))
    case_ctrl_c_trapped(s)
    case_ctrl_c_twice(s)
    case_ctrl_c_exits_0(s)
    case_colours(s)
    case_resize(s)
    case_reads_line(s)
    case_stdout_redirected(s)
    case_stdin_not_tty(s)
    case_raw_ctrl_c(s)
    case_daemon(s)
    case_no_tty(s)
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
