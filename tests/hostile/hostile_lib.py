"""hostile_lib.py - shared code of the hostile-input tests (tests/hostile/).

Every test is one file, test_<name>.py, with two roles:

* the driver (CTest runs `python3 test_<name>.py --mockrun BIN [--xsd XSD]
  [--sanitize ON|OFF]`): it writes a scenario into a fresh temporary folder,
  runs mockrun there with the same file as the command under test, then checks
  mockrun's exit status, the JUnit report (parsed, and validated with
  `xmllint --schema` when the XSD exists), the journal and stderr;
* the client (`python3 test_<name>.py --client ...`, started by mockrun): it
  sends the hostile input and the normal requests that must still be answered,
  and exits non-zero when an answer is wrong, so mockrun reports the failure.

Only the standard library is used. Synchronisation is by events, FIFOs and
pipes, never by sleeping. Time limits are generous upper bounds for a 2-core
runner, twice as long in a sanitizer build, and stretched (up to 4x more) when
the load average already exceeds the core count as the test starts
(Suite.scale; the client sees it as HOSTILE_SCALE).

HOSTILE_KEEP=1 keeps the temporary folder and prints its path.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

OK_BODY = b'{"ok":true}'

# The routes every HTTP test shares. Tests add their own expectations.
BASE_ROUTES = [
    {"id": "ok", "request": {"method": "GET", "path": "/ok"},
     "response": {"json": {"ok": True}}},
    {"id": "upload", "request": {"method": "POST", "path": "/upload"},
     "response": {"json": {"stored": True}}},
]


# ---------------------------------------------------------------------------
# Client side: runs inside the command under test.
# ---------------------------------------------------------------------------

class Client:
    """Helpers for the command under test. Failures are collected, not raised,
    so one wrong answer does not hide the next; `finish()` exits 1 on any."""

    def __init__(self, name):
        self.name = name
        url = os.environ["MOCKRUN_URL"]
        m = re.match(r"^http://(\[[^\]]+\]|[^:/]+):(\d+)$", url)
        if not m:
            self.die("MOCKRUN_URL is %r, expected http://HOST:PORT" % url)
        self.url = url
        self.host = "127.0.0.1"  # --host 0.0.0.0 still serves loopback
        self.port = int(m.group(2))
        self.failures = []
        self.good_calls = 0
        self.lock = threading.Lock()
        scale = float(os.environ.get("HOSTILE_SCALE", "1"))
        self.good_latency_s = 5.0 * scale
        self.facts = {}

    def die(self, msg):
        sys.stderr.write("%s client: %s\n" % (getattr(self, "name", "?"), msg))
        sys.exit(1)

    def fail(self, msg):
        with self.lock:
            self.failures.append(msg)
        sys.stderr.write("%s client: FAIL %s\n" % (self.name, msg))
        sys.stderr.flush()

    def check(self, cond, msg):
        if not cond:
            self.fail(msg)
        return cond

    def connect(self, timeout=30):
        s = socket.create_connection((self.host, self.port), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def raw(self, data, shut_wr=True, timeout=30):
        """Sends `data` on a fresh connection, half-closes when asked, and
        returns every byte until the server closes (or b'' on a reset)."""
        s = self.connect(timeout)
        try:
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may refuse before reading everything
            if shut_wr:
                try:
                    s.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            return read_all(s)
        finally:
            s.close()

    def good(self, path="/ok", want_body=OK_BODY, count=True):
        """One normal GET on a fresh connection: must be 200 with the route's
        body, promptly."""
        t0 = time.monotonic()
        try:
            c = http.client.HTTPConnection(self.host, self.port, timeout=30)
            c.request("GET", path)
            r = c.getresponse()
            body = r.read()
            c.close()
        except Exception as e:  # noqa: BLE001 - any error is a failure here
            self.fail("GET %s: %r" % (path, e))
            return False
        dt = time.monotonic() - t0
        ok = self.check(r.status == 200 and body == want_body,
                        "GET %s: got %d %r, expected 200 %r" % (path, r.status, body[:200],
                                                               want_body))
        fast = self.check(dt < self.good_latency_s,
                          "GET %s took %.2f s (limit %.1f s)" % (path, dt, self.good_latency_s))
        if count:
            with self.lock:
                self.good_calls += 1
        return ok and fast

    def good_keepalive(self, n, path="/ok"):
        """n normal GETs on one keep-alive connection."""
        try:
            c = http.client.HTTPConnection(self.host, self.port, timeout=30)
            for _ in range(n):
                t0 = time.monotonic()
                c.request("GET", path)
                r = c.getresponse()
                body = r.read()
                dt = time.monotonic() - t0
                self.check(r.status == 200 and body == OK_BODY,
                           "keep-alive GET %s: got %d %r" % (path, r.status, body[:200]))
                self.check(dt < self.good_latency_s, "keep-alive GET took %.2f s" % dt)
                with self.lock:
                    self.good_calls += 1
            c.close()
        except Exception as e:  # noqa: BLE001
            self.fail("keep-alive GET %s: %r" % (path, e))

    def good_burst(self, n, threads=4):
        """n normal GETs from `threads` parallel clients; returns when all are done."""
        per = [n // threads + (1 if i < n % threads else 0) for i in range(threads)]
        ts = [threading.Thread(target=lambda k=k: [self.good() for _ in range(k)])
              for k in per]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    def fact(self, key, value):
        with self.lock:
            self.facts[key] = value

    def finish(self):
        """Writes client-facts.json (for the driver) and exits 1 on any failure."""
        self.facts["good_calls"] = self.good_calls
        self.facts["failures"] = self.failures
        with open("client-facts.json", "w") as f:
            json.dump(self.facts, f, indent=1)
        if self.failures:
            sys.stderr.write("%s client: %d failure(s)\n" % (self.name, len(self.failures)))
            sys.exit(1)
        sys.exit(0)


def read_all(s):
    out = b""
    while True:
        try:
            b = s.recv(65536)
        except (ConnectionResetError, socket.timeout, OSError):
            break
        if not b:
            break
        out += b
    return out


def status_of(resp):
    """The status code of a well-formed first response line, or None."""
    m = re.match(rb"^HTTP/1\.[01] ([1-5]\d\d) ", resp)
    return int(m.group(1)) if m else None


def refusal_of(resp):
    """The error code of a refusal, leniently: CivetWeb 1.15's own error pages
    echo the request's version (even CR/LF) into the status line, so any
    ' 4NN '/' 5NN ' in the first 200 bytes of a response starting 'HTTP/'
    counts (test_error_responses checks the status line strictly)."""
    if not resp.startswith(b"HTTP/"):
        return None
    m = re.search(rb" ([45]\d\d) ", resp[:200])
    return int(m.group(1)) if m else None


def responses(data):
    """Splits a byte stream of HTTP/1.x responses into (status, headers dict
    with lower-case names, body) tuples; returns them and what could not be
    parsed."""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            break
        lines = head.split(b"\r\n")
        m = re.match(rb"^HTTP/1\.[01] (\d\d\d) ", lines[0] + b" ")
        if not m:
            break
        hdrs = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(b":")
            hdrs[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
        if "content-length" in hdrs:
            n = int(hdrs["content-length"])
        else:
            n = len(rest)  # no length: the body runs to the close
        out.append((int(m.group(1)), hdrs, rest[:n]))
        data = rest[n:]
    return out, data


# ---------------------------------------------------------------------------
# Driver side: runs mockrun and checks what it left behind.
# ---------------------------------------------------------------------------

SANITIZER_RE = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|"
                          r"SUMMARY: (AddressSanitizer|UndefinedBehaviorSanitizer)")


class Result:
    def __init__(self, rc, stdout, stderr, elapsed, max_rss_kb=0, pid=0):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.elapsed = elapsed
        self.max_rss_kb = max_rss_kb
        self.pid = pid


class Suite:
    """One test's driver: argument parsing, temporary folder, checks."""

    def __init__(self, name):
        p = argparse.ArgumentParser()
        p.add_argument("--mockrun", required=True)
        p.add_argument("--xsd", default="")
        p.add_argument("--sanitize", default="OFF")
        self.args = p.parse_args()
        self.name = "hostile." + name
        self.mockrun = os.path.abspath(self.args.mockrun)
        self.sanitize = self.args.sanitize.upper() in ("ON", "1", "TRUE", "YES")
        # Time limits are for an otherwise idle 2-core runner. They stretch in
        # the sanitizer build (ASan makes mockrun ~2-3x slower) and, up to 4x,
        # when other work already loads the machine as the test starts.
        self.load = os.getloadavg()[0]
        self.load_factor = min(4.0, max(1.0, self.load / (os.cpu_count() or 1)))
        self.scale = (2.0 if self.sanitize else 1.0) * self.load_factor
        self.failures = 0
        self.schema_warned = False
        if not os.access(self.mockrun, os.X_OK):
            self.bail("mockrun binary %r is missing; build the 'mockrun' target" % self.mockrun)
        self.tmp = tempfile.mkdtemp(prefix="mockrun-hostile-%s." % name)
        self.dir = os.path.join(self.tmp, "work")
        os.mkdir(self.dir)
        self.env = dict(os.environ)
        for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                  "all_proxy"):
            self.env.pop(k, None)
        self.env.update({"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
                         "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1",
                         "HOSTILE_SCALE": str(self.scale)})
        self.started = []  # Popen objects we own, killed on exit if still running
        if self.load_factor > 1:
            self.say("note: load average %.1f on %d cores: time limits x%.1f"
                     % (self.load, os.cpu_count() or 1, self.load_factor))

    # -- reporting ---------------------------------------------------------

    def say(self, msg):
        sys.stdout.write("%s: %s\n" % (self.name, msg))
        sys.stdout.flush()

    def bail(self, msg):
        self.say("error: " + msg)
        sys.exit(2)

    def check(self, cond, expected, got=None):
        if cond:
            return True
        self.failures += 1
        self.say("FAIL  expected: %s" % expected)
        if got is not None:
            for line in str(got).splitlines() or [""]:
                self.say("           got: %s" % line)
        return False

    def done(self):
        for p in self.started:
            if p.poll() is None:
                p.kill()
                p.wait()
        keep = bool(os.environ.get("HOSTILE_KEEP"))
        if self.failures:
            facts = os.path.join(self.dir, "client-facts.json")
            if os.path.exists(facts):
                self.say("client facts: " + open(facts).read().replace("\n", " ")[:3000])
        if keep:
            self.say("kept " + self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if self.failures:
            self.say("%d check(s) failed%s" % (self.failures, "" if keep else
                                               " (HOSTILE_KEEP=1 keeps the files)"))
            sys.exit(1)
        self.say("ok")
        sys.exit(0)

    # -- files ---------------------------------------------------------------

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def write_scenario(self, scenario, name="scenario.json", folder=None):
        p = os.path.join(folder or self.dir, name)
        with open(p, "w") as f:
            json.dump(scenario, f, indent=2)
        return p

    def client_argv(self, *args):
        """The command under test: this test's own file in client mode."""
        return [sys.executable, os.path.abspath(sys.argv[0]), "--client"] + list(args)

    # -- running -------------------------------------------------------------

    def run(self, args, guard_s=60, stdout_path=None, sample_rss=False, cwd=None,
            on_start=None, env=None, stdin=subprocess.DEVNULL, preexec_fn=None):
        """Runs mockrun with `args`; kills it (and fails) after guard_s seconds.
        stdout goes to `stdout_path` when given (e.g. /dev/null for huge output),
        else it is captured. on_start(popen) runs right after the start."""
        guard_s *= self.scale
        out_f = open(stdout_path, "wb") if stdout_path else open(
            os.path.join(self.tmp, "stdout.%d" % len(self.started)), "w+b")
        err_f = open(os.path.join(self.tmp, "stderr.%d" % len(self.started)), "w+b")
        t0 = time.monotonic()
        p = subprocess.Popen([self.mockrun] + list(args), cwd=cwd or self.dir,
                             env=env or self.env, stdin=stdin, stdout=out_f,
                             stderr=err_f, preexec_fn=preexec_fn)
        self.started.append(p)
        max_rss = [0]
        stop = threading.Event()

        def sampler():
            status = "/proc/%d/status" % p.pid
            while not stop.is_set():
                try:
                    with open(status) as f:
                        for line in f:
                            if line.startswith(("VmRSS:", "VmHWM:")):
                                max_rss[0] = max(max_rss[0], int(line.split()[1]))
                except (OSError, ValueError):
                    pass
                stop.wait(0.02)

        st = None
        if sample_rss:
            st = threading.Thread(target=sampler, daemon=True)
            st.start()
        if on_start:
            on_start(p)
        try:
            rc = p.wait(timeout=guard_s)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait()
            self.check(False, "mockrun to finish within %.0f s" % guard_s,
                       "still running; killed it")
        elapsed = time.monotonic() - t0
        stop.set()
        if st:
            st.join()
        out = b""
        if not stdout_path:
            out_f.seek(0)
            out = out_f.read()
        out_f.close()
        err_f.seek(0)
        err = err_f.read()
        err_f.close()
        res = Result(rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                     elapsed, max_rss[0], p.pid)
        self.check(not SANITIZER_RE.search(res.stderr), "no sanitizer report",
                   "\n".join(res.stderr.splitlines()[:40]))
        return res

    def expect_rc(self, res, want):
        return self.check(res.rc == want, "mockrun exits with %d" % want,
                          "exit %d after %.2f s\nstdout (tail):\n%s\nstderr (tail):\n%s" % (
                              res.rc, res.elapsed, tail(res.stdout), tail(res.stderr)))

    # -- reports -------------------------------------------------------------

    def junit(self, path, validate=True):
        """Parses the report, validates it against the XSD, returns a dict."""
        if not self.check(os.path.isfile(path), "a JUnit report at %s" % path, "none"):
            return None
        if validate:
            self.validate_xsd(path)
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            self.check(False, "a well-formed JUnit report", e)
            return None
        suite = root.find("testsuite")
        if not self.check(suite is not None, "a <testsuite> in the report", "none"):
            return None
        cases = []
        for tc in suite.findall("testcase"):
            status, message, text = "pass", None, None
            for kind in ("failure", "error", "skipped"):
                el = tc.find(kind)
                if el is not None:
                    status, message, text = kind, el.get("message"), el.text
            cases.append({"name": tc.get("name"), "status": status, "message": message,
                          "text": text})
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        so = suite.find("system-out")
        se = suite.find("system-err")
        return {"tests": int(suite.get("tests")), "failures": int(suite.get("failures")),
                "errors": int(suite.get("errors")), "cases": cases, "properties": props,
                "system_out": (so.text or "") if so is not None else "",
                "system_err": (se.text or "") if se is not None else ""}

    def validate_xsd(self, path):
        xsd = self.args.xsd
        why = None
        if not xsd or not os.path.isfile(xsd):
            why = "JUnit schema %r missing" % xsd
        elif shutil.which("xmllint") is None:
            why = "xmllint missing"
        if why:
            if not self.schema_warned:
                self.say("note: %s (run ci/setup); schema checks skipped" % why)
                self.schema_warned = True
            return
        # <testcase file= line=> (GitLab's and pytest's attributes) are not in the Jenkins
        # schema: validate the report without them
        with open(path, encoding="utf-8", errors="replace") as f:
            text = re.sub(r'(<testcase [^>]*) file="[^"]*"( line="[0-9]*")?', r"\1", f.read())
        stripped = path + ".schema.xml"
        with open(stripped, "w", encoding="utf-8") as f:
            f.write(text)
        p = subprocess.run(["xmllint", "--noout", "--schema", xsd, stripped],
                           capture_output=True, text=True)
        os.unlink(stripped)
        self.check(p.returncode == 0, "%s to pass %s" % (path, xsd),
                   (p.stdout + p.stderr)[-2000:])

    def expect_junit(self, rep, tests, failures=0, errors=0):
        if rep is None:
            return
        bad = [c for c in rep["cases"] if c["status"] in ("failure", "error")]
        detail = "\n".join("%s: %s %s\n%s" % (c["status"], c["name"], c["message"],
                                              (c["text"] or "")[:1500]) for c in bad)
        self.check(rep["tests"] == tests and rep["failures"] == failures and
                   rep["errors"] == errors,
                   "report: tests=%d failures=%d errors=%d" % (tests, failures, errors),
                   "tests=%d failures=%d errors=%d\n%s" % (rep["tests"], rep["failures"],
                                                           rep["errors"], detail))

    def journal(self, path):
        if not self.check(os.path.isfile(path), "a journal at %s" % path, "none"):
            return []
        try:
            with open(path, encoding="utf-8") as f:
                calls = json.load(f)
        except ValueError as e:
            self.check(False, "the journal to be valid JSON", e)
            return []
        return calls

    def expect_calls(self, calls, pred, n, what):
        got = [c for c in calls if pred(c)]
        return self.check(len(got) == n, "journal: exactly %d %s" % (n, what),
                          "%d:\n%s" % (len(got), "\n".join(summarize(c) for c in got[:20])))

    def client_facts(self):
        p = self.path("client-facts.json")
        if not os.path.exists(p):
            return {}
        with open(p) as f:
            return json.load(f)


def alive(pid):
    """True while `pid` runs (a zombie or a missing process is not alive)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def gone_within(pid, seconds):
    """Waits (polling, bounded) for a SIGKILLed process to actually die; a
    loaded machine may take a moment to schedule its exit."""
    deadline = time.monotonic() + seconds
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def summarize(c):
    return "#%s %s %r -> %s route=%s bodySize=%s truncated=%s" % (
        c.get("seq"), c.get("method"), (c.get("path") or "")[:80], c.get("status"),
        c.get("route"), c.get("bodySize"), c.get("bodyTruncated"))


def tail(text, n=25):
    lines = text.splitlines()
    return "\n".join(("  | " + l[:300]) for l in lines[-n:]) or "  (empty)"


def scenario(expect, routes=None, unexpected="allow", name=None, **extra):
    s = {"name": name or "hostile", "routes": routes or BASE_ROUTES, "expect": expect,
         "unexpected": unexpected}
    s.update(extra)
    return s


def http_scenario_run(suite, scen, guard_s=60, extra_args=(), client_args=()):
    """The common shape: scenario, mockrun with --junit/--journal, this file as client."""
    suite.write_scenario(scen)
    junit = suite.path("out", "junit.xml")
    journal = suite.path("out", "journal.json")
    os.makedirs(suite.path("out"), exist_ok=True)
    res = suite.run(["--junit", junit, "--journal", journal] + list(extra_args) +
                    ["scenario.json", "--"] + suite.client_argv(*client_args), guard_s=guard_s)
    return res, junit, journal


def is_client():
    return len(sys.argv) > 1 and sys.argv[1] == "--client"
