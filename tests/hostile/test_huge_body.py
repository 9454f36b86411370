"""A 64 MiB request body (Content-Length, and chunked) is answered, recorded
with bodySize 67108864, bodyTruncated true and exactly the first 1 MiB kept
(the default --body-limit); mockrun's memory stays bounded and normal clients
are served while the bodies stream in."""
import sys
import threading

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

SIZE = 64 * 1024 * 1024
LIMIT = 1024 * 1024
PATTERN = b"0123456789abcdef" * 4096  # 64 KiB, so each 1 MiB piece is identical
GOOD = 2 * 20 + 10
RSS_LIMIT_KB = 100 * 1024


def client():
    c = H.Client("huge-body")
    halfway = [threading.Event(), threading.Event()]
    resume = threading.Event()

    def upload(idx, chunked):
        try:
            s = c.connect(timeout=60)
            if chunked:
                s.sendall(b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                          b"Connection: close\r\n\r\n")
            else:
                s.sendall(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
                          b"Connection: close\r\n\r\n" % SIZE)
            sent = 0
            while sent < SIZE:
                if sent == SIZE // 4:
                    halfway[idx].set()  # normal clients run now, mid-body
                    resume.wait(60)
                piece = PATTERN * 16  # 1 MiB
                if chunked:
                    s.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
                else:
                    s.sendall(piece)
                sent += len(piece)
            if chunked:
                s.sendall(b"0\r\n\r\n")
            resp = H.read_all(s)
            s.close()
            c.check(H.status_of(resp) == 200 and resp.endswith(b'{"stored":true}'),
                    "64 MiB %s upload: expected 200, got %r"
                    % ("chunked" if chunked else "Content-Length", resp[:200]))
        except Exception as e:  # noqa: BLE001
            halfway[idx].set()
            c.fail("64 MiB upload: %r" % e)

    ups = [threading.Thread(target=upload, args=(0, False)),
           threading.Thread(target=upload, args=(1, True))]
    for t in ups:
        t.start()
    for e in halfway:
        e.wait(60)
    c.good_burst(20, 4)
    c.good_keepalive(20)
    resume.set()
    for t in ups:
        t.join()
    c.good_burst(10, 2)
    c.finish()


def driver():
    s = H.Suite("huge_body")
    scen = H.scenario([{"route": "ok", "times": GOOD}, {"route": "upload", "times": 2}])
    s.write_scenario(scen)
    res = s.run(["--junit", "junit.xml", "--journal", "journal.json", "scenario.json", "--"] +
                s.client_argv(), sample_rss=True, guard_s=90)
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(s.path("junit.xml")), tests=4)
    calls = s.journal(s.path("journal.json"))
    s.expect_calls(calls, lambda c: c["route"] == "ok", GOOD, "GET /ok calls")
    want = (PATTERN * 16).decode()
    s.expect_calls(calls, lambda c: c["route"] == "upload" and c["bodySize"] == SIZE and
                   c["bodyTruncated"] is True and c.get("body") == want, 2,
                   "uploads with bodySize %d, bodyTruncated true and the first 1 MiB kept" % SIZE)
    s.expect_calls(calls, lambda c: c["route"] not in ("ok", "upload"), 0, "other calls")
    limit = RSS_LIMIT_KB * (3 if s.sanitize else 1)
    s.check(0 < res.max_rss_kb < limit, "mockrun's peak RSS below %d MB" % (limit // 1024),
            "%d kB" % res.max_rss_kb)
    s.say("peak RSS %.1f MB, %.2f s" % (res.max_rss_kb / 1024, res.elapsed))
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
