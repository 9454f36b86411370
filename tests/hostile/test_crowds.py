"""Crowds a test suite throws at the mocks, with default settings:
300 connections opened and left silent (browsers' pre-opened sockets,
health checkers) cost no worker, so a request on a new connection is still
answered at once; 1000 requests at once from Node's fetch (a connection
each) are all answered; 1000 keep-alive clients sending back to back are
all served, none starved. The figures (times, worst waits, side by side
with the peers) are ci/bench's; here the bounds only catch a stall."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

SILENT = 300
FETCHES = 1000
CLIENTS = 1000
HERE = os.path.dirname(os.path.abspath(__file__))
BENCHLIB = os.path.join(HERE, "..", "bench", "benchlib.py")

FETCH = r"""
const n = +process.argv[1];
const url = process.env.MOCKRUN_URL + "/ok";
(async () => {
  const t0 = performance.now();
  const res = await Promise.allSettled(Array.from({length: n}, () =>
    fetch(url).then((r) => r.text().then((b) => r.status === 200 && b === '{"ok":true}'))));
  const ok = res.filter((r) => r.status === "fulfilled" && r.value).length;
  const bad = res.find((r) => r.status === "rejected");
  console.log(JSON.stringify({n, ok, ms: Math.round(performance.now() - t0),
                              error: bad ? String(bad.reason && (bad.reason.cause || bad.reason)) : null}));
})();
"""


def client():
    c = H.Client("crowds")
    scale = float(os.environ.get("HOSTILE_SCALE", "1"))

    # 1. silent connections, then one request on a new connection
    silent = [c.connect() for _ in range(SILENT)]
    t0 = time.monotonic()
    ok = c.good()
    dt = time.monotonic() - t0
    c.check(ok and dt < 2.0 * scale,
            "a request with %d silent connections open: answered in %.2f s" % (SILENT, dt))
    c.fact("silent_answer_ms", round(dt * 1000, 1))
    for s in silent:
        s.close()

    # 2. Node's fetch, a connection per request, all at once
    node = shutil.which("node")
    if node:
        p = subprocess.run([node, "-e", FETCH, str(FETCHES)], capture_output=True, text=True,
                           timeout=120)
        out = p.stdout.strip().splitlines()
        stats = json.loads(out[-1]) if out else {}
        c.check(p.returncode == 0 and stats.get("ok") == FETCHES,
                "%d fetches at once all answered: %s %s" % (FETCHES, stats, p.stderr[-300:]))
        c.fact("fetch", stats)
    else:
        sys.stderr.write("crowds client: note: node missing (run ci/setup); fetch part skipped\n")

    # 3. keep-alive clients back to back, far more than worker threads
    p = subprocess.run([sys.executable, BENCHLIB, "clients", c.url + "/ok", str(CLIENTS), "2"],
                       capture_output=True, text=True, timeout=120)
    out = p.stdout.strip().splitlines()
    stats = json.loads(out[-1]) if out else {}
    c.check(stats.get("served") == CLIENTS and stats.get("nerrors") == 0 and
            stats.get("worst_latency_ms", 1e9) < 5000 * scale,
            "%d keep-alive clients all served, none starved: %s" % (CLIENTS, stats))
    c.fact("clients", stats)
    c.finish()


def driver():
    s = H.Suite("crowds")
    scen = H.scenario([{"route": "ok", "atLeast": 1}])
    res, junit, _ = H.http_scenario_run(s, scen, guard_s=100)
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(junit), tests=3)
    f = s.client_facts()
    s.say("%.1f s; silent: %s ms; fetch: %s; clients: %s" % (
        res.elapsed, f.get("silent_answer_ms"), f.get("fetch"),
        {k: f.get("clients", {}).get(k) for k in ("served", "worst_latency_ms")}))
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
