"""Clients that reuse one keep-alive connection, with pauses from 0 to
1,000 ms between requests, never meet a connection mockrun closed under
them: Python's http.client and Node's keep-alive http.Agent, idle and while
150 other keep-alive clients crowd the workers (when every worker is busy,
mockrun says "Connection: close" in an answer and closes after it, never
an idle connection a request may be travelling on). Zero resets, zero
"socket hang up", every answer 200."""
import http.client
import json
import os
import shutil
import subprocess
import sys
import threading

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

PAUSES_MS = [0, 100, 300, 450, 490, 500, 510, 600, 800, 1000]
CROWD = 150
HERE = os.path.dirname(os.path.abspath(__file__))
BENCHLIB = os.path.join(HERE, "..", "bench", "benchlib.py")

NODE_CLIENT = r"""
const http = require("node:http");
const pauses = JSON.parse(process.argv[1]);
const agent = new http.Agent({keepAlive: true, maxSockets: 1});
const url = new URL(process.env.MOCKRUN_URL + "/ok");
const get = () => new Promise((resolve, reject) => {
  http.get({host: url.hostname, port: url.port, path: "/ok", agent}, (res) => {
    let body = "";
    res.on("data", (d) => (body += d));
    res.on("end", () => resolve([res.statusCode, body]));
  }).on("error", reject);
});
(async () => {
  let bad = 0;
  for (const ms of pauses) {
    await new Promise((r) => setTimeout(r, ms));
    try {
      const [status, body] = await get();
      if (status !== 200 || body !== '{"ok":true}') { bad++; console.error("node: got", status, body); }
    } catch (e) { bad++; console.error("node: after", ms, "ms:", e.code || e.message); }
  }
  agent.destroy();
  process.exit(bad ? 1 : 0);
})();
"""


def python_reuse(c, phase):
    """One http.client connection for every request, as a test's session would."""
    conn = http.client.HTTPConnection(c.host, c.port, timeout=30)
    for ms in PAUSES_MS:
        threading.Event().wait(ms / 1000.0)
        try:
            conn.request("GET", "/ok")
            r = conn.getresponse()
            body = r.read()
            c.check(r.status == 200 and body == H.OK_BODY,
                    "%s: python after %d ms: got %d %r" % (phase, ms, r.status, body[:100]))
        except Exception as e:  # noqa: BLE001 - a reset or a hang-up is the finding
            c.fail("%s: python after %d ms: %r" % (phase, ms, e))
            conn.close()
            conn = http.client.HTTPConnection(c.host, c.port, timeout=30)
    conn.close()


def phase(c, name, node):
    t = threading.Thread(target=python_reuse, args=(c, name))
    t.start()
    if node:
        p = subprocess.run([node, "-e", NODE_CLIENT, json.dumps(PAUSES_MS)],
                           capture_output=True, text=True, timeout=120)
        c.check(p.returncode == 0, "%s: node keep-alive agent: %s" % (name, p.stderr[-500:]))
    t.join()


def client():
    c = H.Client("keepalive-reuse")
    node = shutil.which("node")
    if not node:
        sys.stderr.write("keepalive-reuse client: note: node missing (run ci/setup)\n")
    phase(c, "idle", node)
    secs = sum(PAUSES_MS) / 1000.0 + 3
    crowd = subprocess.Popen([sys.executable, BENCHLIB, "clients", c.url + "/ok", str(CROWD),
                              str(secs)], stdout=subprocess.PIPE, text=True)
    phase(c, "crowded", node)
    out, _ = crowd.communicate(timeout=120)
    stats = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    c.check(stats.get("served") == CROWD and stats.get("nerrors") == 0,
            "the %d crowding clients were all served without errors: %s" % (CROWD, stats))
    c.fact("crowd", stats)
    c.finish()


def driver():
    s = H.Suite("keepalive_reuse")
    scen = H.scenario([{"route": "ok", "atLeast": 2 * len(PAUSES_MS)}])
    res, junit, _ = H.http_scenario_run(s, scen, guard_s=100)
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(junit), tests=3)
    s.say("%.1f s; crowd: %s" % (res.elapsed, s.client_facts().get("crowd")))
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
