"""A 100 MB `file` response is streamed, not held in memory: Python's urllib
reads it whole (the right length, type and last bytes) and a HEAD gets its
Content-Length only, while mockrun's peak RSS (sampled from /proc) stays far
below the file's size."""
import os
import sys
import urllib.request

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

SIZE = 100 * 1024 * 1024
TAIL = b"THE-END-OF-A-HUNDRED-MEGABYTES\n"
RSS_LIMIT_MB = 30


def client():
    c = H.Client("large-file")
    url = c.url + "/big.bin"
    with urllib.request.urlopen(url, timeout=60) as r:
        c.check(r.status == 200, "GET: status %d" % r.status)
        c.check(r.headers["Content-Length"] == str(SIZE),
                "GET: Content-Length %s" % r.headers["Content-Length"])
        c.check(r.headers["Content-Type"] == "application/octet-stream",
                "GET: Content-Type %s" % r.headers["Content-Type"])
        got, last = 0, b""
        while True:
            chunk = r.read(1 << 20)
            if not chunk:
                break
            got += len(chunk)
            last = (last + chunk)[-len(TAIL):]
        c.check(got == SIZE, "GET: %d bytes read" % got)
        c.check(last == TAIL, "GET: the file's last bytes, got %r" % last)
    head = urllib.request.Request(url, method="HEAD")
    with urllib.request.urlopen(head, timeout=30) as r:
        c.check(r.headers["Content-Length"] == str(SIZE),
                "HEAD: Content-Length %s" % r.headers["Content-Length"])
        c.check(r.read() == b"", "HEAD: no body")
    c.finish()


def driver():
    s = H.Suite("large_file")
    with open(s.path("big.bin"), "wb") as f:
        f.truncate(SIZE - len(TAIL))  # sparse: zeros without writing 100 MB
        f.seek(SIZE - len(TAIL))
        f.write(TAIL)
    scen = H.scenario([{"route": "big", "times": 2}], routes=[
        {"id": "big", "request": {"path": "/big.bin"}, "response": {"file": "big.bin"}}])
    s.write_scenario(scen)
    res = s.run(["--junit", "junit.xml", "scenario.json", "--"] + s.client_argv(),
                sample_rss=True, guard_s=100)
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(s.path("junit.xml")), tests=3)
    limit = RSS_LIMIT_MB * (3 if s.sanitize else 1)
    s.check(0 < res.max_rss_kb < limit * 1024, "mockrun's peak RSS below %d MB" % limit,
            "%.1f MB" % (res.max_rss_kb / 1024))
    s.say("peak RSS %.1f MB serving %d MB, %.1f s" % (res.max_rss_kb / 1024, SIZE >> 20,
                                                      res.elapsed))
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
