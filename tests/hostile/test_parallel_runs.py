"""50 mockrun runs in parallel on one machine (CI shards), each on port 0
with its own scenario and a curl or Python client, 25 at a time: all pass,
every client reached its own mock (no port clash), every report is valid and
every count exact, within 60 s in all (on an otherwise idle machine)."""
import json
import os
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

RUNS = 50
BATCH = 25
CALLS = 3
CURL = ('for n in 1 2 3; do out=$(curl -fsS --max-time 30 "$MOCKRUN_URL/ok") || exit 1; '
        '[ "$out" = "$EXPECT" ] || { echo "got $out, want $EXPECT" >&2; exit 1; }; done')


def client():
    c = H.Client("parallel")
    want = os.environ["EXPECT"].encode()
    for _ in range(CALLS):
        c.good(want_body=want)
    c.finish()


def driver():
    s = H.Suite("parallel_runs")
    have_curl = shutil.which("curl") is not None
    if not have_curl:
        s.say("note: curl missing (run ci/setup); every run uses the Python client")
    t0 = time.monotonic()
    results = []
    for first in range(0, RUNS, BATCH):
        procs = []
        tb = time.monotonic()
        for i in range(first, min(first + BATCH, RUNS)):
            d = s.path("run-%02d" % i)
            os.mkdir(d)
            body = {"run": i}
            s.write_scenario(H.scenario(
                [{"route": "ok", "times": CALLS}], name="shard %d" % i,
                routes=[{"id": "ok", "request": {"method": "GET", "path": "/ok"},
                         "response": {"json": body}}],
                unexpected="fail", command={"env": {"EXPECT": json.dumps(body,
                                                                         separators=(",", ":"))}}),
                folder=d)
            cmd = ["sh", "-c", CURL] if have_curl and i % 2 == 0 else s.client_argv()
            out = open(os.path.join(d, "stdout"), "wb")
            err = open(os.path.join(d, "stderr"), "wb")
            p = subprocess.Popen([s.mockrun, "--junit", "junit.xml", "--journal", "journal.json",
                                  "scenario.json", "--"] + cmd, cwd=d, env=s.env,
                                 stdin=subprocess.DEVNULL, stdout=out, stderr=err)
            s.started.append(p)
            procs.append((i, d, p, out, err))
        for i, d, p, out, err in procs:
            try:
                rc = p.wait(timeout=max(1, 100 * s.scale - (time.monotonic() - t0)))
            except (subprocess.TimeoutExpired, ValueError):
                p.kill()
                rc = p.wait()
            out.close()
            err.close()
            results.append((i, d, rc))
        s.say("runs %d-%d: %.1f s" % (first, first + len(procs) - 1, time.monotonic() - tb))
        ports = []
        for i, d, p, _, _ in procs:
            rep = s.junit(os.path.join(d, "junit.xml"))
            if rep:
                ports.append(rep["properties"].get("mockrun.service.default.url"))
        s.check(len(set(ports)) == len(ports), "distinct ports within a batch", sorted(ports))
    total = time.monotonic() - t0
    for i, d, rc in results:
        stderr = open(os.path.join(d, "stderr"), errors="replace").read()
        if not s.check(rc == 0, "run %d: exit 0" % i, "exit %d\n%s\n%s" % (
                rc, H.tail(open(os.path.join(d, "stdout"), errors="replace").read(), 10),
                H.tail(stderr, 10))):
            continue
        s.check(not H.SANITIZER_RE.search(stderr), "run %d: no sanitizer report" % i,
                stderr[-1500:])
        s.expect_junit(s.junit(os.path.join(d, "junit.xml")), tests=3)
        calls = s.journal(os.path.join(d, "journal.json"))
        s.expect_calls(calls, lambda c: c["route"] == "ok" and c["status"] == 200, CALLS,
                       "run %d: GET /ok calls" % i)
        s.check(len(calls) == CALLS, "run %d: no other call" % i, len(calls))
    limit = 60 * s.scale  # 60 s on an idle machine (see Suite.scale)
    s.check(total < limit, "50 runs within %.0f s" % limit, "%.1f s" % total)
    s.say("50 runs in %.1f s" % total)
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
