"""A command that writes 1 GB to stdout: mockrun's memory stays bounded
(peak RSS sampled from /proc while it runs), the run passes, and the JUnit
system-out holds about the last 1 MiB, ending with the command's last bytes."""
import os
import re
import sys

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

LAST = "THE-LAST-BYTES-OF-A-GIGABYTE"
RSS_LIMIT_MB = 100
MIB = 1024 * 1024


def client():
    c = H.Client("stdout-1gb")
    c.good()
    c.good()
    c.good_keepalive(3)
    if c.failures:
        c.finish()
    sys.stdout.flush()
    # the rest of the command: 1 GB of 'a', then a recognisable tail
    os.execvp("sh", ["sh", "-c", "head -c 1000000000 /dev/zero | tr '\\0' a; "
                     "printf '\\n%s\\n' " + LAST])


def driver():
    s = H.Suite("stdout_1gb")
    s.write_scenario(H.scenario([{"route": "ok", "times": 5}]))
    res = s.run(["--junit", "junit.xml", "scenario.json", "--"] + s.client_argv(),
                stdout_path=os.devnull, sample_rss=True, guard_s=100)
    s.expect_rc(res, 0)
    rep = s.junit(s.path("junit.xml"))
    s.expect_junit(rep, tests=3)
    if rep:
        out = rep["system_out"]
        mark = re.match(r"\[mockrun: (\d+) earlier bytes dropped\]\n", out)
        s.check(mark is not None, "system-out starts with the cut mark", repr(out[:80]))
        if mark:
            out = out[mark.end():]
            s.check(int(mark.group(1)) + len(out) == 1000000000 + len(LAST) + 2,
                    "the mark counts exactly the bytes not kept", mark.group(0))
        at = out.rfind("\n" + LAST + "\n")
        s.check(at >= 0, "system-out ends with the command's last bytes",
                "last 200 chars: %r" % out[-200:])
        kept = out[:at + len(LAST) + 2] if at >= 0 else out
        s.check(MIB - 64 <= len(kept) <= MIB + 64,
                "about 1 MiB of captured output in system-out", "%d bytes" % len(kept))
        s.check(kept[:-(len(LAST) + 2)].strip("a") == "",
                "the kept output is the tail of the 'a's, then the last line", repr(kept[:200]))
        s.check(len(out) < MIB + 4096, "system-out is bounded", "%d bytes" % len(out))
    limit = RSS_LIMIT_MB * (3 if s.sanitize else 1)
    s.check(0 < res.max_rss_kb < limit * 1024, "mockrun's peak RSS below %d MB" % limit,
            "%.1f MB" % (res.max_rss_kb / 1024))
    s.say("peak RSS %.1f MB, %.1f s" % (res.max_rss_kb / 1024, res.elapsed))
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
