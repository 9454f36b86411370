"""Slowloris: ten clients trickle their request headers one byte every
100-200 ms (about 4 s each; six finish their request, four give up and
close) while a normal client keeps calling: every normal call is answered
promptly, the six slow requests are answered and recorded once each, the four
abandoned ones never."""
import random
import sys
import threading
import time

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

SLOW_REQ = b"GET /slow HTTP/1.0\r\nX: y\r\n\r\n"  # 28 bytes, about 4 s
COMPLETE = 6
ABANDON = 4
GOOD = len(SLOW_REQ) + 10  # one normal call per byte of slow client #0, then ten
ROUTES = H.BASE_ROUTES + [{"id": "slow", "request": {"method": "GET", "path": "/slow"},
                           "response": {"json": {"slow": True}}}]


def client():
    c = H.Client("slowloris")
    prompt_s = 2.0 * float(__import__("os").environ.get("HOSTILE_SCALE", "1"))
    c.good_latency_s = prompt_s
    byte_sent = threading.Semaphore(0)
    rng = random.Random(4)

    def slow(idx, complete):
        try:
            s = c.connect(timeout=30)
            data = SLOW_REQ if complete else SLOW_REQ[:-4]
            for i in range(len(data)):
                s.sendall(data[i:i + 1])
                if idx == 0:
                    byte_sent.release()
                time.sleep(rng.uniform(0.1, 0.2))  # the attack's pacing, not synchronisation
            if complete:
                resp = H.read_all(s)
                c.check(H.status_of(resp) == 200 and resp.endswith(b'{"slow":true}'),
                        "slow client %d: expected 200, got %r" % (idx, resp[:200]))
            s.close()
        except OSError as e:
            c.fail("slow client %d: %r" % (idx, e))
        finally:
            if idx == 0:
                byte_sent.release()

    ts = [threading.Thread(target=slow, args=(i, i < COMPLETE)) for i in range(COMPLETE + ABANDON)]
    for t in ts:
        t.start()
    # one normal call (fresh connection) after each byte slow client #0 sent
    for _ in range(len(SLOW_REQ)):
        byte_sent.acquire()
        c.good()
    for t in ts:
        t.join()
    c.good_burst(10, 2)
    c.finish()


def driver():
    s = H.Suite("slowloris")
    res, junit, journal = H.http_scenario_run(
        s, H.scenario([{"route": "ok", "times": GOOD}, {"route": "slow", "times": COMPLETE}],
                      routes=ROUTES))
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(junit), tests=4)
    calls = s.journal(journal)
    s.expect_calls(calls, lambda c: c["route"] == "ok", GOOD, "GET /ok calls")
    s.expect_calls(calls, lambda c: c["route"] == "slow" and c["status"] == 200, COMPLETE,
                   "GET /slow calls")
    s.expect_calls(calls, lambda c: c["route"] not in ("ok", "slow"), 0, "other calls")
    s.check(res.elapsed < 30 * s.scale, "done within %d s" % (30 * s.scale), "%.1f s" % res.elapsed)
    s.say("%.1f s" % res.elapsed)
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
