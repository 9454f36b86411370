"""drift_api.py - a stand-in for a real API whose answers a case writes down,
for the end-to-end cases of `mockrun drift`: Python's http.server on
127.0.0.1, an ephemeral port.

    python3 drift_api.py ANSWERS PORTFILE [LOGFILE]

ANSWERS is a JSON object: "METHOD /path" (the path as sent, with its query
when it has one) -> the answer, {"status": 200, "headers": {...}, "json":
value} or {"body": "text"} (with "gzip": true, sent gzip-encoded). A
request with no answer gets 404 {"error": "not found"}. Once it listens it
writes its port to PORTFILE (make it a FIFO and read it: the reader waits
for readiness without sleeping) and serves until killed. Each request is
appended to LOGFILE as one JSON line: method, path, headers, body.
"""
import gzip
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    answers = {}
    log_file = None

    def log_message(self, fmt, *args):  # quiet; the log file says what came
        pass

    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if Handler.log_file:
            with open(Handler.log_file, "a") as f:
                f.write(json.dumps({"method": self.command, "path": self.path,
                                    "headers": dict(self.headers.items()),
                                    "body": body.decode("utf-8", "replace")}) + "\n")
        a = Handler.answers.get("%s %s" % (self.command, self.path))
        if a is None and self.command == "HEAD":
            a = Handler.answers.get("GET %s" % self.path)
        if a is None:
            a = {"status": 404, "json": {"error": "not found"}}
        headers = dict(a.get("headers", {}))
        if "json" in a:
            data = json.dumps(a["json"]).encode()
            headers.setdefault("Content-Type", "application/json")
        else:
            data = a.get("body", "").encode()
            if data:
                headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        if a.get("gzip"):
            data = gzip.compress(data)
            headers["Content-Encoding"] = "gzip"
        self.send_response(a.get("status", 200))
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = answer


def main():
    with open(sys.argv[1]) as f:
        Handler.answers = json.load(f)
    Handler.log_file = sys.argv[3] if len(sys.argv) > 3 else None
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[2], "w") as f:
        f.write("%d\n" % server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
