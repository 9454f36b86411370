"""A `file` response stays inside the scenario's folder even when the command
under test swaps the file (or its folder) for a symlink that leads out while
mockrun runs: the answer is the original content or an error, never the
outside file.

Today the scenario loader checks realpath() once, at load time, but
server/service.c's send_route() opens the stored path with a plain open() on
every request, which follows a symlink put there afterwards (time of check vs
time of use). Severity is low (the command runs as the same user and could
read the file itself), but it breaks the promise "file responses stay inside
the scenario's folder, symlinks included"."""
import os
import sys

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

DATA = b'{"inside": true}'
SECRET = b"SECRET-OUTSIDE-" * 4
ROUTES = [
    {"id": "f", "request": {"method": "GET", "path": "/f"},
     "response": {"file": "fixtures/data.json"}},
    {"id": "g", "request": {"method": "GET", "path": "/g"},
     "response": {"file": "dir/data.json"}},
]


def client():
    c = H.Client("symlink-swap")
    scen = sys.argv[2]
    c.good(path="/f", want_body=DATA)
    c.good(path="/g", want_body=DATA)
    # swap the file for a link that leads out, and the folder for one too
    f = os.path.join(scen, "fixtures", "data.json")
    os.rename(f, f + ".orig")
    os.symlink(os.path.join("..", "..", "outside", "secret.json"), f)
    d = os.path.join(scen, "dir")
    os.rename(d, d + ".orig")
    os.symlink(os.path.join("..", "outside"), d)
    for path in ("/f", "/g"):
        resp = c.raw(b"GET " + path.encode() + b" HTTP/1.1\r\nConnection: close\r\n\r\n")
        c.check(SECRET not in resp, "GET %s after the swap served the outside file: %r"
                % (path, resp[:300]))
        st = H.status_of(resp)
        c.check(st is not None and (st >= 500 or resp.endswith(DATA)),
                "GET %s after the swap: expected the original content or a 5xx, got %r"
                % (path, resp[:300]))
    c.finish()


def driver():
    s = H.Suite("file_symlink_swap")
    scen = s.path("scen")
    for sub in ("fixtures", "dir"):
        os.makedirs(os.path.join(scen, sub))
        with open(os.path.join(scen, sub, "data.json"), "wb") as f:
            f.write(DATA)
    os.makedirs(s.path("outside"))
    with open(s.path("outside", "secret.json"), "wb") as f:
        f.write(SECRET)
    with open(s.path("outside", "data.json"), "wb") as f:
        f.write(SECRET)
    s.write_scenario(H.scenario([], routes=ROUTES), folder=scen)
    res = s.run(["--junit", s.path("junit.xml"), os.path.join(scen, "scenario.json"), "--"] +
                s.client_argv(scen))
    s.expect_rc(res, 0)
    s.expect_junit(s.junit(s.path("junit.xml")), tests=2)
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
