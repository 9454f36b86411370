"""A fixed port that is taken (a listening socket the test holds, on
127.0.0.1 or on 0.0.0.0): mockrun exits 3 with a message naming the service
and the port, before the command starts; the JUnit report holds one error
case that says the same."""
import os
import socket
import sys

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

def route(rid):
    return [{"id": rid, "request": {"method": "GET", "path": "/ok"},
             "response": {"json": {"ok": True}}}]


def client():
    H.Client("port-taken").fail("the command must not start")
    sys.exit(1)


def listener(addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((addr, 0))
    s.listen(8)
    return s, s.getsockname()[1]


def driver():
    s = H.Suite("port_taken")
    for addr in ("127.0.0.1", "0.0.0.0"):
        sock, port = listener(addr)
        cases = [
            ("payments", {"name": "one", "services": {"payments": {"port": port,
                                                                    "routes": route("p")}}}, []),
            ("billing", {"name": "two", "services": {
                "users": {"port": 0, "routes": route("u")},
                "billing": {"port": port, "routes": route("b")}}}, []),
            ("default", {"name": "flag", "routes": route("d")}, ["--port", str(port)]),
        ]
        for service, scen, extra in cases:
            s.write_scenario(scen)
            marker = s.path("started")
            junit = s.path("junit.xml")
            res = s.run(["--junit", junit] + extra + ["scenario.json", "--", "touch", marker],
                        guard_s=30)
            label = "%s:%d taken, service %s%s" % (addr, port, service,
                                                  " (--port)" if extra else "")
            s.check(res.rc == 3, "%s: exit 3" % label,
                    "exit %d; stderr: %s" % (res.rc, res.stderr.strip()[-400:]))
            s.check("'%s'" % service in res.stderr and ":%d" % port in res.stderr and
                    "in use" in res.stderr,
                    "%s: a message naming the service, the port and 'in use'" % label,
                    res.stderr.strip()[-400:])
            s.check(not os.path.exists(marker), "%s: the command never started" % label,
                    "it ran")
            # the report says why nothing ran: one error case naming the service and port
            rep = s.junit(junit)
            s.expect_junit(rep, tests=1, errors=1)
            if rep:
                msg = " ".join((c["message"] or "") for c in rep["cases"] if c["status"] == "error")
                s.check("'%s'" % service in msg and ":%d" % port in msg,
                        "%s: the report's error names the service and the port" % label, msg)
                os.unlink(junit)
            left = [f for f in os.listdir(s.dir) if f.endswith(".tmp")]
            s.check(not left, "%s: no temp file" % label, left)
        sock.close()
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
