#!/usr/bin/env python3
"""Helpers for ci/bench (standard library only; loopback only, bounded in time).

  benchlib.py routes N OUT              write a scenario with N routes of mixed shapes (literal,
                                        :param, inner and trailing *, methods) and print the path
                                        that only the last route answers
  benchlib.py serve PORT RUNS -- CMD..  start CMD RUNS times; per run print the ms from exec to
                                        the first 200 answer on 127.0.0.1:PORT/hello, then the
                                        server's resident memory (KiB) after one answer and a
                                        short idle pause; kill it
  benchlib.py clients URL CONNS SECS    CONNS keep-alive clients, all connected at once, each
                                        requesting URL in a loop for SECS seconds
  benchlib.py burst URL CONNS           CONNS connections opened at once, one request each, all
                                        kept open until every one is answered
  benchlib.py silent URL CONNS          CONNS connections opened and left silent, then one
                                        request on a new connection: the ms to its answer
  benchlib.py wrk FILE                  parse wrk --latency output: "RPS P99_MS"
  benchlib.py median X...               the median of the numbers
"""
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse


# Five routes per resource k, so every shape the router indexes is there in bulk:
# a literal path, a :param with a method, a trailing *, an inner * with a :param and a
# method, and the same :param path again for GET; three of them with a whenState, one
# that never holds. A GET of /r{k}/items/42 is refused by the POST route on its path and
# answered by the last one (in the service's first state); k = N/5 - 1 hits the file's
# last route.
ROUTE_SHAPES = [  # method (None: any), path, whenState (None: any state)
    ("GET", "/r{k}", None),
    ("POST", "/r{k}/items/:id", "Closed"),
    (None, "/r{k}/files/*", None),
    ("DELETE", "/r{k}/*/items/:id", "Closed"),
    ("GET", "/r{k}/items/:id", "Started"),  # the service's first state: the last one answers
]


def routes(n, out):
    if n < len(ROUTE_SHAPES) or n % len(ROUTE_SHAPES):
        sys.exit(f"benchlib.py routes: N must be a multiple of {len(ROUTE_SHAPES)}")
    rs = []
    for i in range(n):
        method, path, state = ROUTE_SHAPES[i % len(ROUTE_SHAPES)]
        req = {"path": path.format(k=i // len(ROUTE_SHAPES))}
        if method:
            req["method"] = method
        route = {"id": f"r{i}", "request": req,
                 "response": {"status": 200, "json": {"message": "hello", "ok": True}}}
        if state:
            route["whenState"] = state
        rs.append(route)
    with open(out, "w") as f:
        json.dump({"name": f"bench-routes{n}", "routes": rs}, f, separators=(",", ":"))
    print(f"/r{n // len(ROUTE_SHAPES) - 1}/items/42")


def get_once(port, timeout=1.0):
    """One GET /hello; True on a 200 answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(256)
            if not chunk:
                break
            data += chunk
        return data.startswith(b"HTTP/1.1 200") or data.startswith(b"HTTP/1.0 200")


def group_rss_kb(pgid):
    """VmRSS summed over the processes of a process group (the server; a command that
    mockrun runs has its own group and is not counted)."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.getpgid(int(pid)) != pgid:
                continue
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except (OSError, ValueError):
            pass
    return total


def stop(p):
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()


def serve(port, runs, cmd, limit_s=60.0, idle_s=0.5):
    """Exec → first answer: the clock starts just before the spawn (fork+exec included, the
    same for every server) and stops when a GET answers 200. Polls every 0.2 ms: a refused
    connect costs microseconds, so the poller barely competes with the server for CPU."""
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        ms = None
        try:
            while time.perf_counter() - t0 < limit_s and p.poll() is None:
                try:
                    if get_once(port):
                        ms = (time.perf_counter() - t0) * 1000.0
                        break
                except OSError:
                    pass
                time.sleep(0.0002)
            rss = None
            if ms is not None:
                time.sleep(idle_s)
                rss = group_rss_kb(p.pid)
            print(json.dumps({"first_answer_ms": ms, "rss_kb": rss}), flush=True)
        finally:
            stop(p)


async def read_response(reader):
    """The status, and whether the server said it closes the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
    if m:
        await reader.readexactly(int(m.group(1)))
    return status, re.search(rb"(?i)\r\nconnection:\s*close", head) is not None


async def open_conn(host, port):
    return await asyncio.wait_for(asyncio.open_connection(host, port), 5)


async def clients(url, conns, secs):
    u = urllib.parse.urlsplit(url)
    req = (f"GET {u.path or '/'} HTTP/1.1\r\nHost: {u.netloc}\r\n\r\n").encode()
    streams = await asyncio.gather(*[open_conn(u.hostname, u.port) for _ in range(conns)],
                                   return_exceptions=True)
    counts = [0] * conns
    worst = [0.0] * conns
    errors = []
    end = time.perf_counter() + secs

    async def one(i):
        if isinstance(streams[i], Exception):
            errors.append(repr(streams[i]))
            return
        reader, writer = streams[i]
        try:
            while time.perf_counter() < end:
                t = time.perf_counter()
                if writer is None:  # the server closed the last one: as HTTP clients do
                    reader, writer = await open_conn(u.hostname, u.port)
                writer.write(req)
                status, closing = await asyncio.wait_for(read_response(reader), 5)
                worst[i] = max(worst[i], time.perf_counter() - t)
                if status != 200:
                    errors.append(f"status {status}")
                    return
                counts[i] += 1
                if closing:
                    writer.close()
                    writer = None
        except Exception as e:  # noqa: BLE001 - every failure is a finding
            errors.append(repr(e))
        finally:
            if writer is not None:
                writer.close()

    await asyncio.gather(*[one(i) for i in range(conns)])
    served = sum(1 for c in counts if c > 0)
    print(json.dumps({"conns": conns, "served": served, "min_requests": min(counts),
                      "median_requests": statistics.median(counts),
                      "worst_latency_ms": round(max(worst) * 1000, 1),
                      "errors": errors[:5], "nerrors": len(errors)}))
    return served == conns and not errors


async def burst(url, conns):
    u = urllib.parse.urlsplit(url)
    req = (f"GET {u.path or '/'} HTTP/1.1\r\nHost: {u.netloc}\r\n\r\n").encode()
    t0 = time.perf_counter()
    streams = await asyncio.gather(*[open_conn(u.hostname, u.port) for _ in range(conns)],
                                   return_exceptions=True)
    times = []
    errors = []

    async def one(s):
        if isinstance(s, Exception):
            errors.append(repr(s))
            return
        reader, writer = s
        try:
            writer.write(req)
            status, _ = await asyncio.wait_for(read_response(reader), 10)
            if status == 200:
                times.append(time.perf_counter() - t0)
            else:
                errors.append(f"status {status}")
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    await asyncio.gather(*[one(s) for s in streams])
    for s in streams:  # held open until all are answered, as an idle keep-alive client would
        if not isinstance(s, Exception):
            s[1].close()
    times.sort()
    print(json.dumps({"conns": conns, "answered": len(times),
                      "last_answer_ms": round(times[-1] * 1000, 1) if times else None,
                      "median_answer_ms": round(statistics.median(times) * 1000, 1)
                      if times else None, "errors": errors[:5], "nerrors": len(errors)}))
    return len(times) == conns


def silent(url, conns):
    u = urllib.parse.urlsplit(url)
    held = []
    try:
        for _ in range(conns):
            held.append(socket.create_connection((u.hostname, u.port), timeout=5))
        t = time.perf_counter()
        s = socket.create_connection((u.hostname, u.port), timeout=15)
        s.sendall(f"GET {u.path or '/'} HTTP/1.1\r\nHost: {u.netloc}\r\n"
                  "Connection: close\r\n\r\n".encode())
        first = s.recv(64)
        ms = (time.perf_counter() - t) * 1000
        s.close()
        ok = first.startswith(b"HTTP/1.1 200")
        print(json.dumps({"conns": conns, "answer_ms": round(ms, 1) if ok else None}))
        return ok
    except OSError as e:
        print(json.dumps({"conns": conns, "answer_ms": None, "error": repr(e)}))
        return False
    finally:
        for h in held:
            h.close()


def parse_wrk(path):
    text = open(path).read()
    rps = re.search(r"Requests/sec:\s*([\d.]+)", text)
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\b", text, re.M)
    errs = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    if not rps or not p99:
        print("nan nan")
        return
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    print(f"{float(rps.group(1)):.0f} {float(p99.group(1)) * scale:.3f}"
          + (f" non2xx={errs.group(1)}" if errs else ""))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd = argv[1]
    if cmd == "routes":
        routes(int(argv[2]), argv[3])
    elif cmd == "serve":
        sep = argv.index("--")
        serve(int(argv[2]), int(argv[3]), argv[sep + 1:])
    elif cmd == "clients":
        sys.exit(0 if asyncio.run(clients(argv[2], int(argv[3]), float(argv[4]))) else 1)
    elif cmd == "burst":
        sys.exit(0 if asyncio.run(burst(argv[2], int(argv[3]))) else 1)
    elif cmd == "silent":
        sys.exit(0 if silent(argv[2], int(argv[3])) else 1)
    elif cmd == "wrk":
        parse_wrk(argv[2])
    elif cmd == "median":
        xs = [float(x) for x in argv[2:] if x not in ("", "nan", "None")]
        print(f"{statistics.median(xs):.3f}" if xs else "nan")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
