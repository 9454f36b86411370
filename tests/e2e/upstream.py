"""upstream.py - a stand-in for a real API, for the end-to-end cases of
`"proxy"` and `mockrun record`: Python's http.server on 127.0.0.1, an
ephemeral port.

    python3 upstream.py PORTFILE [LOGFILE]

Once it listens it writes its port to PORTFILE (make it a FIFO and read it:
the reader then waits for readiness without sleeping) and serves until
killed. Each request is appended to LOGFILE as "METHOD PATH" (flushed).

Its answers cover what a recording must get right: JSON under numeric,
UUID-like and hash-like ids, a chunked answer, gzip (when asked for), a
binary body with NUL bytes, a large body, redirects (absolute, on this
server, and relative), a login that returns a token and sets a cookie,
answers that change from call to call, and an empty 204.
"""
import gzip
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PNG = bytes([0x89]) + b"PNG\r\n\x1a\n" + bytes(range(256)) + b"\x00\x00tail"
BIG = "".join("line %05d of a large answer\n" % i for i in range(1500))
counters = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_file = None

    def log_message(self, fmt, *args):  # quiet; the log file says what came
        pass

    def note(self):
        if Handler.log_file:
            with open(Handler.log_file, "a") as f:
                f.write("%s %s\n" % (self.command, self.path))

    def send(self, status, body=b"", ctype="application/json", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        if body or ctype != "application/json":
            self.send_header("Content-Type", ctype)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("X-Request-Id", "req-%d" % id(self))
        if status not in (204, 304):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, value, headers=()):
        self.send(status, json.dumps(value), "application/json", headers)

    def count(self, key):
        counters[key] = counters.get(key, 0) + 1
        return counters[key]

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        self.note()
        host, port = self.server.server_address[:2]
        path = self.path.split("?")[0]
        parts = [p for p in path.split("/") if p]
        if path == "/health":
            self.send(200, "ok\n", "text/plain")
        elif len(parts) == 2 and parts[0] == "users":
            self.send_json(200, {"id": int(parts[1]), "name": "user %s" % parts[1]})
        elif len(parts) == 3 and parts[0] == "users" and parts[2] == "orders":
            self.send_json(200, [{"order": 1, "user": int(parts[1])}])
        elif path == "/items":
            # chunked: three chunks and the last one
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b'{"items": [', b'"a", "b", ', b'"c"]}'):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/report":
            text = json.dumps({"report": "quarterly", "rows": list(range(20))}).encode()
            if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                self.send(200, gzip.compress(text), "application/json",
                          [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")])
            else:
                self.send(200, text, "application/json")
        elif path == "/logo.png":
            self.send(200, PNG, "image/png", [("Cache-Control", "max-age=60")])
        elif path == "/big.txt":
            self.send(200, BIG, "text/plain; charset=utf-8")
        elif len(parts) == 2 and parts[0] == "files":
            self.send(200, "contents of %s\n" % parts[1], "text/plain; charset=utf-8")
        elif path == "/old":
            self.send(302, "", "text/plain",
                      [("Location", "http://%s:%d/new?from=old" % (host, port))])
        elif path == "/elsewhere":
            self.send(301, "", "text/plain", [("Location", "/new")])
        elif path == "/new":
            self.send(200, "moved here\n", "text/plain; charset=utf-8")
        elif path == "/counter":
            self.send_json(200, {"count": self.count("counter")})
        elif path == "/v2/status":
            self.send_json(200, {"billing": "up", "version": 2})
        else:
            self.send_json(404, {"error": "not found", "path": path})

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        self.note()
        data = self.body()
        path = self.path.split("?")[0]
        if path == "/login":
            self.send_json(200, {"user": "ada", "access_token": "tok-SECRET-1234",
                                 "profile": {"password": "hunter2", "theme": "dark"}},
                           [("Set-Cookie", "session=SECRET-COOKIE; HttpOnly")])
        elif path == "/orders":
            n = self.count("orders")
            self.send_json(201, {"id": n, "received": json.loads(data or b"null")})
        else:
            self.send_json(404, {"error": "not found"})

    def do_DELETE(self):
        self.note()
        self.send(204, b"", "application/json")


def main():
    Handler.log_file = sys.argv[2] if len(sys.argv) > 2 else None
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(sys.argv[1], "w") as f:  # listening now: tell the test
        f.write("%d\n" % server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
