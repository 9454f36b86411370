"""An application whose webhook endpoint is down: the port it names is
bound but not listening, so connecting to it is refused whenever the
callback comes (while this runs, or after it exits)."""
import json
import os
import socket
import urllib.request

hole = socket.socket()
hole.bind(("127.0.0.1", 0))
url = "http://127.0.0.1:%d/webhooks" % hole.getsockname()[1]
req = urllib.request.Request(
    os.environ["MOCKRUN_PAYMENTS_URL"] + "/v1/charges",
    data=json.dumps({"id": "ch_down", "callbackUrl": url}).encode(),
    headers={"Content-Type": "application/json"},
    method="POST",
)
with urllib.request.urlopen(req, timeout=10) as resp:
    print("python: charge answered", resp.status)
