"""A report path that cannot be written (missing folder, a folder, /dev/full,
/dev/null, a read-only place), for --junit and for --journal: mockrun exits 3
with a message naming the path, before the command starts (it would create a
marker file), and leaves no file, partial or temporary, behind. A write that
fails midway (the file-size limit) exits 3 and leaves the previous report
byte-identical."""
import os
import resource
import signal
import stat
import sys

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402


def client():
    c = H.Client("unwritable")
    if sys.argv[2:] != ["big"]:
        c.fail("the command must not start")
        sys.exit(1)
    c.good()
    sys.stdout.write("y" * (1024 * 1024))  # makes the report about 1 MiB
    c.finish()


def small_file_limit():
    # in mockrun only (and its command): files may not grow past 64 KiB, and a
    # write past that fails with EFBIG instead of raising SIGXFSZ
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def can_create(path):
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError:
        return False
    os.close(fd)
    os.unlink(path)
    return True


def driver():
    s = H.Suite("report_unwritable")
    s.write_scenario(H.scenario([{"route": "ok", "times": 1}]))
    os.mkdir(s.path("adir"))
    cases = [
        ("missing folder", s.path("no", "such", "folder", "r.xml"), "No such file or directory"),
        ("a folder", s.path("adir"), "Is a directory"),
        ("a folder, trailing slash", s.path("adir") + "/", ""),
        ("/dev/full", "/dev/full", "not a regular file"),
        ("/dev/null", "/dev/null", "not a regular file"),
    ]
    ro = None
    if os.geteuid() != 0:
        ro = s.path("readonly")
        os.mkdir(ro)
        os.chmod(ro, stat.S_IRUSR | stat.S_IXUSR)
        cases.append(("read-only folder", os.path.join(ro, "r.xml"), "Permission denied"))
    elif not can_create("/sys/mockrun-hostile-probe.xml"):
        # root ignores folder permissions; sysfs refuses new files even to root
        cases.append(("read-only place", "/sys/mockrun-hostile-report.xml", ""))
    else:
        s.say("note: no read-only place found (root, writable /sys); that case is skipped")

    for flag in ("--junit", "--journal"):
        for what, target, reason in cases:
            marker = s.path("started")
            argv = [flag, target]
            if flag == "--journal":
                argv += ["--junit", s.path("ok-junit.xml")]
            res = s.run(argv + ["scenario.json", "--", "touch", marker], guard_s=30)
            label = "%s %s (%s)" % (flag, target, what)
            s.check(res.rc == 3, "%s: exit 3" % label, "exit %d; stderr: %s" % (
                res.rc, res.stderr.strip()[-400:]))
            shown = target.rstrip("/") if target.endswith("/") else target
            s.check(("cannot write report '%s'" % target) in res.stderr or
                    ("'%s'" % shown) in res.stderr,
                    "%s: a message naming the path" % label, res.stderr.strip()[-400:])
            if reason:
                s.check(reason in res.stderr, "%s: the message says %r" % (label, reason),
                        res.stderr.strip()[-400:])
            s.check(res.stderr.startswith("mockrun: ") and len(res.stderr.splitlines()) <= 2,
                    "%s: a short mockrun: message" % label, res.stderr[-400:])
            s.check(not os.path.exists(marker), "%s: the command never started" % label,
                    "the marker exists")
            if os.path.exists(marker):
                os.unlink(marker)
            s.check(not os.path.exists(s.path("ok-junit.xml")),
                    "%s: no other report was written either" % label, "ok-junit.xml exists")
            for folder in (s.dir, s.path("adir")) + ((ro,) if ro else ()):
                left = [f for f in os.listdir(folder) if f.endswith(".tmp")]
                s.check(not left, "%s: no temp file left in %s" % (label, folder), left)
        s.check(os.listdir(s.path("adir")) == [], "%s: the folder target is untouched" % flag,
                os.listdir(s.path("adir")))
    s.check(stat.S_ISCHR(os.stat("/dev/full").st_mode) and
            stat.S_ISCHR(os.stat("/dev/null").st_mode),
            "/dev/full and /dev/null are still devices", "replaced!")
    s.check(not os.path.exists(s.path("no")), "the missing folder was not created", "created")
    if ro:
        os.chmod(ro, stat.S_IRWXU)

    # a write that fails midway: the old report stays whole, no temp file stays
    s.write_scenario(H.scenario([{"route": "ok", "times": 1}]))
    report = s.path("adir", "mockrun-junit.xml")
    res = s.run(["--junit", report, "scenario.json", "--"] + s.client_argv("small"))
    s.expect_rc(res, 1)  # the client fails on purpose in this mode: a small report
    old = open(report, "rb").read()
    res = s.run(["--junit", report, "scenario.json", "--"] + s.client_argv("big"),
                preexec_fn=small_file_limit)
    s.check(res.rc == 3, "a report write that fails midway: exit 3",
            "exit %d; stderr: %s" % (res.rc, res.stderr.strip()[-400:]))
    s.check("cannot write report '%s'" % report in res.stderr and "too large" in res.stderr,
            "a message naming the report and the error (File too large)",
            res.stderr.strip()[-400:])
    s.check(open(report, "rb").read() == old, "the previous report is byte-identical",
            "it changed")
    left = [f for f in os.listdir(s.path("adir")) if f.endswith(".tmp")]
    s.check(not left, "no temp file left after the failed write", left)
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
