"""The application under test: it pays an order and names where to be told;
it answers the first two notifications 500 and the third 200, then exits
(10 s at most)."""
import json
import os
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

answers = [500, 500, 200]
got = []
done = threading.Event()


class Hooks(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status = answers[len(got)] if len(got) < len(answers) else 200
        got.append((body, status))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()
        if status == 200:
            done.set()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Hooks)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = "http://127.0.0.1:%d/notify" % server.server_address[1]
req = urllib.request.Request(
    os.environ["MOCKRUN_SHOP_URL"] + "/orders/pay",
    data=json.dumps({"order": "o-7", "notifyUrl": url}).encode(),
    headers={"Content-Type": "application/json"},
    method="POST",
)
with urllib.request.urlopen(req, timeout=10) as resp:
    assert resp.status == 202, resp.status
assert done.wait(10), "no successful notification within 10 s"
assert all(b == {"event": "order.paid", "order": "o-7"} for b, _ in got), got
print("python: notified %d times, answered %s" % (len(got), [s for _, s in got]))
server.shutdown()
