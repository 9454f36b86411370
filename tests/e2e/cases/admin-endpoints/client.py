"""A test asserting mid-run through /__mockrun/: the calls so far (filtered by
route and by call number), the routes with their counts, health, and a reset
after which counts and sequences start afresh. None of these is recorded."""
import json
import os
import sys
import urllib.error
import urllib.request

base = os.environ["MOCKRUN_URL"]


def get(path, method="GET"):
    req = urllib.request.Request(base + path, method=method)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        sys.exit(1)


get("/ping")
get("/ping")
check(get("/next")[1] == "first", "the sequence starts with the first response")
status, body = get("/__mockrun/calls?route=ping")
calls = json.loads(body)
check(status == 200 and [c["seq"] for c in calls] == [1, 2], "calls?route=ping lists calls 1 and 2")
calls = json.loads(get("/__mockrun/calls?since=2")[1])
check([c["route"] for c in calls] == ["next"], "calls?since=2 lists the call after #2")
routes = json.loads(get("/__mockrun/routes")[1])
check([(r["id"], r["calls"]) for r in routes] == [("ping", 2), ("next", 1)], "routes with counts")
check(json.loads(get("/__mockrun/health")[1])["status"] == "ok", "health")
check(get("/__mockrun/nope")[0] == 404, "an unknown endpoint is 404")
status, body = get("/__mockrun/calls?since=two")
check(status == 400 and "since" in body, "since must be a call number")
check(get("/__mockrun/reset")[0] == 405, "reset wants POST")
status, body = get("/__mockrun/reset", "POST")
check(status == 200 and json.loads(body)["afterCall"] == 3, "reset after call 3")
get("/ping")
check(get("/next")[1] == "first", "after the reset the sequence starts again")
routes = json.loads(get("/__mockrun/routes")[1])
check([(r["id"], r["calls"]) for r in routes] == [("ping", 1), ("next", 1)], "counts restart")
