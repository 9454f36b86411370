"""Charges three times; the second forgets its idempotency key, the third
sends dollars and an amount in euros: each is named with what it lacks."""
import json
import os
import urllib.request

base = os.environ["MOCKRUN_PAYMENTS_URL"]


def charge(body, key):
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    req = urllib.request.Request(base + "/v1/charges", data=json.dumps(body).encode(),
                                 method="POST", headers=headers)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status


print("python: charged", charge({"currency": "eur", "amount": 1999}, "k1"),
      charge({"currency": "eur", "amount": 500}, None),
      charge({"currency": "usd", "amount": 19.99}, "k3"))
