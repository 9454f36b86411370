"""The app under test, written with the standard library's urllib."""
import json
import os
import urllib.request

base = os.environ["MOCKRUN_USERS_URL"]
assert os.environ["MOCKRUN_URL"] == base

for _ in range(2):
    req = urllib.request.Request(base + "/users/u1", headers={"Accept": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        user = json.load(resp)
assert user == {"id": "u1", "name": "Ada"}, user

body = json.dumps({"name": "Ada Lovelace"}, indent=2).encode()
req = urllib.request.Request(base + "/users/u1", data=body, method="PUT",
                             headers={"Content-Type": "application/json"})
with urllib.request.urlopen(req, timeout=10) as resp:
    assert resp.status == 204, resp.status
    assert resp.read() == b""
print("python: user u1 renamed")
