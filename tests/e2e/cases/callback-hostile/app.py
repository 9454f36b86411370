"""Requests that try to turn the mock's callback against other hosts, and
one honest one to the application's own webhook endpoint."""
import json
import os
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

got = threading.Event()


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        got.set()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Hook)
threading.Thread(target=server.serve_forever, daemon=True).start()
mine = "http://127.0.0.1:%d/hook" % server.server_address[1]
hostile = [
    "http://10.0.0.1/steal",                      # another machine
    "https://127.0.0.1/",                         # TLS
    "file:///etc/passwd",                         # not http
    "http://127.0.0.1@evil.example/",             # the real host hides after '@'
    "http://127.0.0.1:9/a\r\nX-Injected: 1",      # request-line injection
    "http://hooks.example.test.evil.example/",    # an allowed name as a prefix
]
for url in hostile + [mine]:
    req = urllib.request.Request(
        os.environ["MOCKRUN_API_URL"] + "/jobs",
        data=json.dumps({"url": url}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 202, resp.status
assert got.wait(10), "the honest webhook did not come"
print("python: 7 jobs; the honest webhook came")
server.shutdown()
