"""`file` responses stay inside the scenario's folder, symlinks included: a
scenario naming a file outside it (`..`, an absolute path, a symlinked file or
folder that leads out) is refused with exit 2 and a message naming the file,
before any command starts. Links that stay inside are fine."""
import os
import sys

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

DATA = b'{"inside": true}'


def route_file(rel):
    return H.scenario([{"route": "f", "times": 1}], routes=[
        {"id": "f", "request": {"method": "GET", "path": "/f"}, "response": {"file": rel}}])


def client():
    c = H.Client("file-inside")
    c.good(path="/f", want_body=DATA)
    c.finish()


def driver():
    s = H.Suite("file_outside_folder")
    scen = s.path("scen")
    os.makedirs(os.path.join(scen, "fixtures", "sub"))
    os.makedirs(s.path("outside"))
    with open(s.path("outside", "secret.json"), "wb") as f:
        f.write(b'{"secret": true}')
    with open(os.path.join(scen, "fixtures", "data.json"), "wb") as f:
        f.write(DATA)
    os.symlink("../../outside/secret.json", os.path.join(scen, "fixtures", "leak.json"))
    os.symlink(s.path("outside"), os.path.join(scen, "linkdir"))
    os.symlink("../data.json", os.path.join(scen, "fixtures", "sub", "inside.json"))
    os.symlink(scen, s.path("scen-link"))  # the scenario reached through a link
    # a sibling whose name starts like the folder's: "scen" vs "scen-evil"
    os.makedirs(s.path("scen-evil"))
    with open(s.path("scen-evil", "x.json"), "wb") as f:
        f.write(b"{}")

    bad = ["../outside/secret.json", s.path("outside", "secret.json"), "/etc/passwd",
           "fixtures/leak.json", "linkdir/secret.json", "fixtures/../../outside/secret.json",
           "../scen-evil/x.json", "fixtures", "/dev/zero"]
    for i, rel in enumerate(bad):
        name = "bad%d.json" % i
        s.write_scenario(route_file(rel), name=name, folder=scen)
        marker = s.path("started-%d" % i)
        res = s.run(["--no-junit", os.path.join(scen, name), "--", "touch", marker])
        s.check(res.rc == 2, "file %r: exit 2" % rel, "exit %d; stderr: %s" % (res.rc,
                                                                             res.stderr[-500:]))
        s.check(not os.path.exists(marker), "file %r: the command never starts" % rel,
                "it ran")
        s.check(name in res.stderr and "file" in res.stderr and
                ("outside the scenario's folder" in res.stderr or "relative" in res.stderr or
                 "not a regular file" in res.stderr),
                "file %r: a message naming the scenario and the problem" % rel, res.stderr[-500:])

    for rel, via in (("fixtures/data.json", scen), ("fixtures/sub/inside.json", scen),
                     ("fixtures/data.json", s.path("scen-link"))):
        s.write_scenario(route_file(rel), name="good.json", folder=scen)
        res = s.run(["--junit", s.path("junit.xml"), os.path.join(via, "good.json"), "--"] +
                    s.client_argv())
        s.check(res.rc == 0, "file %r (scenario via %s): exit 0" % (rel, via),
                "exit %d\n%s\n%s" % (res.rc, H.tail(res.stdout), H.tail(res.stderr)))
        s.expect_junit(s.junit(s.path("junit.xml")), tests=3)
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
