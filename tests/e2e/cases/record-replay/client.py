"""The command under test: calls the API at $MOCKRUN_API_URL (and the
billing API at $MOCKRUN_BILLING_URL) with Python's urllib and prints what it
got, JSON normalised (a recorded JSON answer is served compactly: the same
values, other spaces). A gzip answer is decoded here, as a client does that
asked for one."""
import gzip
import hashlib
import json
import os
import urllib.error
import urllib.request

API = os.environ["MOCKRUN_API_URL"]
BILLING = os.environ["MOCKRUN_BILLING_URL"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


plain = urllib.request.build_opener(NoRedirect)


def call(url, method="GET", body=None, headers=None, follow=False):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        resp = (urllib.request.urlopen if follow else plain.open)(req)
    except urllib.error.HTTPError as e:
        resp = e
    data = resp.read()
    if resp.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return resp.status, resp.headers, data


def j(data):
    return json.dumps(json.loads(data), sort_keys=True)


def show(name, value):
    print("%s: %s" % (name, value), flush=True)


show("user 1", j(call(API + "/users/1")[2]))
show("user 2", j(call(API + "/users/2")[2]))
show("orders of 2", j(call(API + "/users/2/orders")[2]))
show("chunked", j(call(API + "/items")[2]))
show("gzip", j(call(API + "/report", headers={"Accept-Encoding": "gzip"})[2]))
status, headers, data = call(API + "/logo.png")
show("binary", "%s %s %d" % (hashlib.sha256(data).hexdigest()[:16], headers["Content-Type"], len(data)))
show("large", hashlib.sha256(call(API + "/big.txt")[2]).hexdigest()[:16])
for sku in ("a", "b"):
    body = json.dumps({"sku": sku}).encode()
    status, _, data = call(API + "/orders", "POST", body, {"Content-Type": "application/json"})
    show("order " + sku, "%d %s" % (status, j(data)))
status, headers, data = call(API + "/login", "POST", b"")
login = json.loads(data)
show("login", "%s %s, cookie %s" % (login["user"], "token" if login["access_token"] else "none",
                                    headers["Set-Cookie"].split("=")[0]))
status, headers, _ = call(API + "/old")
show("redirect", "%d %s" % (status, headers["Location"].replace(API, "")))
show("followed", call(API + "/old", follow=True)[2].decode().strip())
show("by hash", call(API + "/files/da39a3ee5e6b4b0d3255bfef95601890afd80709")[2].decode().strip())
show("delete", call(API + "/orders/0f8fad5b-d9cb-469f-a165-70867728950e", "DELETE")[0])
show("counter", " ".join(j(call(API + "/counter")[2]) for _ in range(3)))
show("head", call(API + "/health", "HEAD")[0])
show("missing", call(API + "/nothing")[0])
show("billing", j(call(BILLING + "/status")[2]))
