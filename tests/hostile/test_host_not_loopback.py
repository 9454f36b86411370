"""Services bind 127.0.0.1 unless --host says otherwise (checked in
/proc/net/tcp); --host 0.0.0.0 warns that the mocks are reachable from other
machines and still serves 127.0.0.1; the default host and --host localhost do
not warn."""
import os
import sys

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

N = 5


def listen_addresses(port):
    """Local addresses of the IPv4 sockets listening on `port` (/proc/net/tcp)."""
    found = []
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            local, state = line.split()[1], line.split()[3]
            addr, p = local.split(":")
            if state == "0A" and int(p, 16) == port:  # 0A: LISTEN
                found.append(".".join(str(b) for b in reversed(bytes.fromhex(addr))))
    return found


def client():
    c = H.Client("host")
    c.fact("url", os.environ["MOCKRUN_URL"])
    c.fact("listen", listen_addresses(c.port))
    for _ in range(N):
        c.good()  # always to 127.0.0.1
    c.finish()


def driver():
    s = H.Suite("host_not_loopback")
    s.write_scenario(H.scenario([{"route": "ok", "times": N}]))
    for host, warn, bound in (("0.0.0.0", True, "0.0.0.0"), (None, False, "127.0.0.1"),
                              ("localhost", False, "127.0.0.1"),
                              ("127.0.0.1", False, "127.0.0.1")):
        extra = ["--host", host] if host else []
        label = "--host %s" % host if host else "default host"
        res = s.run(["--junit", "junit.xml", "--journal", "journal.json"] + extra +
                    ["scenario.json", "--"] + s.client_argv())
        s.expect_rc(res, 0)
        s.expect_junit(s.junit(s.path("junit.xml")), tests=3)
        s.expect_calls(s.journal(s.path("journal.json")), lambda c: c["route"] == "ok", N,
                       "%s: GET /ok calls" % label)
        warned = [line for line in res.stderr.splitlines() if "not loopback" in line]
        if warn:
            s.check(len(warned) == 1 and warned[0].startswith("mockrun: ") and host in warned[0],
                    "%s: one 'mockrun: ... %s, not loopback' warning" % (label, host),
                    res.stderr.strip()[-400:])
            url = s.client_facts().get("url", "")
            s.check(url.startswith("http://%s:" % host), "%s: MOCKRUN_URL uses the host" % label,
                    url)
        else:
            s.check(not warned, "%s: no loopback warning" % label, "\n".join(warned))
        listen = s.client_facts().get("listen")
        s.check(listen == [bound], "%s: the mock listens on %s only" % (label, bound), listen)
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
