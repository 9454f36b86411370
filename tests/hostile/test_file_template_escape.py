"""A templated `file` path ("fixtures/{{urlParam 'id'}}.json") rendered from
a hostile request never reaches outside the scenario's folder: `..` encoded
in the path parameter or the query, an absolute path, a symlink that leads
out (relative or absolute) and a symlinked folder are each answered 403,
recorded as unexpected requests with the reason (so the run fails), and the
outside file is never even opened (inotify watches it). A missing file is a
404 that names it; the fixtures themselves are served."""
import ctypes
import ctypes.util
import os
import struct
import sys

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

SECRET = b"TOP-SECRET-OUTSIDE-THE-SCENARIO-FOLDER"
DATA = b'{"id": 1}\n'
ROUTES = H.BASE_ROUTES + [
    {"id": "item", "request": {"method": "GET", "path": "/items/:id"},
     "response": {"file": "fixtures/{{urlParam 'id'}}.json"}},
    {"id": "q", "request": {"method": "GET", "path": "/q"},
     "response": {"file": "fixtures/{{queryParam 'f'}}"}},
    {"id": "whole", "request": {"method": "GET", "path": "/w"},
     "response": {"file": "{{queryParam 'f'}}"}},
]
# request target -> the rendered path mockrun must refuse
REFUSED = [
    (b"/items/..%2F..%2Fsecret", "fixtures/../../secret.json"),
    (b"/items/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd%23", None),
    (b"/items/%2E%2E%2F%2E%2E%2Fsecret", "fixtures/../../secret.json"),
    (b"/q?f=../../secret.json", "fixtures/../../secret.json"),
    (b"/q?f=..%2F..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd", None),
    (b"/w?f=/etc/passwd", "/etc/passwd"),
    (b"/w?f=%2Fetc%2Fpasswd", "/etc/passwd"),
    (b"/w?f=..", ".."),
    (b"/items/leak", "fixtures/leak.json"),          # -> ../../secret.json
    (b"/items/abs", "fixtures/abs.json"),            # -> /etc/passwd
    (b"/q?f=up/secret.json", "fixtures/up/secret.json"),  # up -> ../..
]

IN_OPEN = 0x20
IN_ACCESS = 0x01
IN_NONBLOCK = 0o4000


def watch(paths):
    """inotify watches for IN_OPEN|IN_ACCESS on paths; None when unavailable."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fd = libc.inotify_init1(IN_NONBLOCK)
        if fd < 0:
            return None
        for p in paths:
            if libc.inotify_add_watch(fd, p.encode(), IN_OPEN | IN_ACCESS) < 0:
                os.close(fd)
                return None
        return fd
    except (OSError, AttributeError):
        return None


def events(fd):
    try:
        data = os.read(fd, 65536)
    except BlockingIOError:
        return []
    out, off = [], 0
    while off + 16 <= len(data):
        wd, mask, _cookie, n = struct.unpack_from("iIII", data, off)
        out.append((wd, mask))
        off += 16 + n
    return out


def client():
    c = H.Client("file-template")
    refused = 0
    for target, rendered in REFUSED:
        resp = c.raw(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        got, _ = H.responses(resp)
        low = resp.lower()
        c.check(SECRET.lower() not in low and b"root:x:0:0" not in low,
                "GET %r leaked a file: %r" % (target, resp[:300]))
        ok = bool(got) and got[0][0] == 403 and got[0][2].startswith(b"mockrun: refused: route ")
        if ok and rendered:
            ok = (b'file path "%s" rendered from the request' % rendered.encode()) in got[0][2]
        c.check(ok, "GET %r: expected mockrun's 403 naming the rendered path, got %r"
                % (target, resp[:300]))
        refused += 1 if ok else 0
    resp = c.raw(b"GET /items/nope HTTP/1.1\r\nConnection: close\r\n\r\n")
    got, _ = H.responses(resp)
    c.check(got and got[0][0] == 404 and
            got[0][2] == b'mockrun: route "item": file "fixtures/nope.json" does not exist\n',
            "GET /items/nope: expected a 404 naming the file, got %r" % resp[:300])
    # a slash after "fixtures/" stays inside: fixtures/etc/passwd, which is not there
    resp = c.raw(b"GET /q?f=/etc/passwd HTTP/1.1\r\nConnection: close\r\n\r\n")
    got, _ = H.responses(resp)
    c.check(got and got[0][0] == 404 and b"root:x:0:0" not in resp,
            "GET /q?f=/etc/passwd: expected a 404, got %r" % resp[:300])
    c.good(path="/items/1", want_body=DATA)
    c.good(path="/q?f=1.json", want_body=DATA)
    c.good()
    c.fact("refused", refused)
    c.finish()


def driver():
    s = H.Suite("file_template_escape")
    # <tmp>/work/secret.json outside; <tmp>/work/scen/ is the scenario's folder
    secret = s.path("secret.json")
    with open(secret, "wb") as f:
        f.write(SECRET + b"\n")
    scen = s.path("scen")
    os.makedirs(os.path.join(scen, "fixtures"))
    with open(os.path.join(scen, "fixtures", "1.json"), "wb") as f:
        f.write(DATA)
    os.symlink(os.path.join("..", "..", "secret.json"), os.path.join(scen, "fixtures", "leak.json"))
    os.symlink("/etc/passwd", os.path.join(scen, "fixtures", "abs.json"))
    os.symlink(os.path.join("..", ".."), os.path.join(scen, "fixtures", "up"))
    s.write_scenario(H.scenario([{"route": "ok", "times": 1}], routes=ROUTES, unexpected="fail"),
                     folder=scen)
    wfd = watch([secret])
    if wfd is None:
        s.say("note: inotify unavailable; the never-opened check is skipped")
    res = s.run(["--junit", s.path("junit.xml"), "--journal", s.path("journal.json"),
                 os.path.join(scen, "scenario.json"), "--"] + s.client_argv(), cwd=s.dir)
    # the client passed (every answer was right), the run failed: refused calls are unexpected
    facts = s.client_facts()
    s.check(facts.get("failures") == [], "the client saw only right answers",
            facts.get("failures"))
    s.check(facts.get("refused") == len(REFUSED), "%d refusals" % len(REFUSED),
            facts.get("refused"))
    s.expect_rc(res, 1)
    rep = s.junit(s.path("junit.xml"))
    s.expect_junit(rep, tests=3, failures=1)
    if rep:
        bad = [c for c in rep["cases"] if c["status"] == "failure"]
        s.check(bad and bad[0]["name"] == "no unexpected requests" and
                bad[0]["message"] == "%d requests matched no route" % len(REFUSED) and
                'route "item": file path "fixtures/../../secret.json" rendered from the '
                "request leaves the scenario's folder" in (bad[0]["text"] or ""),
                "the failure lists the refused calls with the reason",
                bad and (bad[0]["message"], (bad[0]["text"] or "")[:2000]))
    calls = s.journal(s.path("journal.json"))
    s.expect_calls(calls, lambda c: c["route"] is None and c["status"] == 403 and
                   "rendered from the request" in c.get("nearMiss", ""), len(REFUSED),
                   "refused calls: route null, 403, the reason in nearMiss")
    s.expect_calls(calls, lambda c: c["route"] == "item", 2, "item calls (1 and nope)")
    s.expect_calls(calls, lambda c: c["route"] == "q", 2, "q calls (1.json and /etc/passwd)")
    if wfd is not None:
        seen = events(wfd)
        os.close(wfd)
        s.check(seen == [], "the outside file never opened nor read", seen)
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
