"""`..` path traversal never reads a file: mockrun has no document root, so
every traversal attempt gets mockrun's 404 (or a refusal), never the secret
next to the scenario's folder, /etc/passwd, the scenario itself, or a fixture
through a symlink that leads out; a `file` route serves exactly its file.
Every answered request is recorded exactly once."""
import os
import sys

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

SECRET = b"TOP-SECRET-OUTSIDE-THE-SCENARIO-FOLDER"
DATA = b'{"data": "fixture"}\n'
ROUTES = H.BASE_ROUTES + [
    {"id": "files", "request": {"method": "GET", "path": "/files/:name"},
     "response": {"file": "fixtures/data.json"}},
]
TARGETS = [
    b"/../secret.txt", b"/../../secret.txt", b"/../../../../../../../../etc/passwd",
    b"/%2e%2e/secret.txt", b"/%2e%2e%2fsecret.txt", b"/..%2f..%2fsecret.txt",
    b"/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", b"/..%5c..%5csecret.txt",
    b"/....//....//secret.txt", b"/.%2e/.%2e/secret.txt", b"/%252e%252e/secret.txt",
    b"/scenario.json", b"/fixtures/data.json", b"/fixtures/leak.json", b"/fixtures/",
    b"/files/..%2f..%2fsecret.txt", b"/files/../../secret.txt", b"/files/%2e%2e",
    b"/files/..%2f..%2f..%2fetc%2fpasswd", b"/etc/passwd", b"/proc/self/environ",
    b"/proc/self/cmdline", b"\\..\\..\\secret.txt", b"/..", b"/.", b"/./././",
    b"http://127.0.0.1/../secret.txt", b"/.%00./secret.txt",
]


def client():
    c = H.Client("traversal")
    answered = 0
    for t in TARGETS:
        resp = c.raw(b"GET " + t + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        got, _ = H.responses(resp)
        low = resp.lower()
        c.check(SECRET.lower() not in low and b"root:x:0:0" not in low and
                b'"routes"' not in resp and b"mockrun_url" not in low,
                "GET %r leaked a file: %r" % (t, resp[:300]))
        if got and got[0][0] == 200:
            ok = got[0][2] == DATA
        elif got and got[0][0] == 404:
            ok = got[0][2].startswith(b"mockrun: no route matched")
        else:
            ok = resp == b"" or H.refusal_of(resp) is not None
        c.check(ok, "GET %r: expected mockrun's 404, a refusal or the fixture, got %r"
                % (t, resp[:300]))
        if got and got[0][0] in (200, 404):
            answered += 1
    for name in (b"a", b"data.json"):
        resp = c.raw(b"GET /files/" + name + b" HTTP/1.1\r\nConnection: close\r\n\r\n")
        got, _ = H.responses(resp)
        c.check(got and got[0][0] == 200 and got[0][2] == DATA,
                "GET /files/%s: expected the fixture, got %r" % (name.decode(), resp[:200]))
    c.good()
    c.fact("answered", answered)
    c.finish()


def driver():
    s = H.Suite("path_traversal")
    # <tmp>/work/secret.txt outside; <tmp>/work/scen/ is the scenario's folder
    with open(s.path("secret.txt"), "wb") as f:
        f.write(SECRET + b"\n")
    scen_dir = s.path("scen")
    os.makedirs(os.path.join(scen_dir, "fixtures"))
    with open(os.path.join(scen_dir, "fixtures", "data.json"), "wb") as f:
        f.write(DATA)
    os.symlink(os.path.join("..", "..", "secret.txt"),
               os.path.join(scen_dir, "fixtures", "leak.json"))
    s.write_scenario(H.scenario([{"route": "ok", "times": 1}], routes=ROUTES), folder=scen_dir)
    res = s.run(["--junit", s.path("junit.xml"), "--journal", s.path("journal.json"),
                 os.path.join(scen_dir, "scenario.json"), "--"] + s.client_argv(),
                cwd=s.dir)
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(s.path("junit.xml")), tests=3)
    calls = s.journal(s.path("journal.json"))
    facts = s.client_facts()
    s.expect_calls(calls, lambda c: c["route"] == "ok", 1, "GET /ok call")
    s.expect_calls(calls, lambda c: c["route"] != "ok", facts.get("answered", -1) + 2,
                   "other calls: one per traversal attempt mockrun answered, plus 2 /files/")
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
