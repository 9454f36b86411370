"""Validates a HAR file against HAR 1.2 (Jan Odvarko's spec, the W3C draft of
"HTTP Archive (HAR) format"): every object with the fields the spec requires,
of the types it gives, then what this case's run must have recorded."""
import datetime
import json
import sys

errors = []


def fail(where, why):
    errors.append("%s: %s" % (where, why))


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# (field, type check, description) per object, from the spec; optional fields
# are checked only when present.
STR = (lambda v: isinstance(v, str), "a string")
INT = (is_int, "an integer")
NUM = (is_num, "a number")
ARR = (lambda v: isinstance(v, list), "an array")
OBJ = (lambda v: isinstance(v, dict), "an object")


def fields(obj, where, required, optional=()):
    if not isinstance(obj, dict):
        fail(where, "not an object")
        return False
    for name, (ok, what) in required:
        if name not in obj:
            fail(where, "no %r (required)" % name)
        elif not ok(obj[name]):
            fail(where + "." + name, "%r is not %s" % (obj[name], what))
    for name, (ok, what) in optional:
        if name in obj and not ok(obj[name]):
            fail(where + "." + name, "%r is not %s" % (obj[name], what))
    for name in obj:
        known = {n for n, _ in required} | {n for n, _ in optional} | {"comment"}
        if name not in known and not name.startswith("_"):
            fail(where, "unknown field %r (custom fields start with '_')" % name)
    if "comment" in obj and not isinstance(obj["comment"], str):
        fail(where + ".comment", "not a string")
    return True


def name_values(arr, where, optional=()):
    for i, nv in enumerate(arr if isinstance(arr, list) else []):
        fields(nv, "%s[%d]" % (where, i), [("name", STR), ("value", STR)], optional)


def size(v, where, allow_unknown=True):
    if is_int(v) and (v >= 0 or (allow_unknown and v == -1)):
        return
    fail(where, "%r: want a byte count%s" % (v, " or -1" if allow_unknown else ""))


def iso8601(v, where):
    try:
        t = datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        fail(where, "%r is not ISO 8601" % (v,))
        return None
    if t.tzinfo is None:
        fail(where, "%r has no time zone" % v)
    return t


def check_entry(e, where):
    if not fields(e, where,
                  [("startedDateTime", STR), ("time", NUM), ("request", OBJ), ("response", OBJ),
                   ("cache", OBJ), ("timings", OBJ)],
                  [("pageref", STR), ("serverIPAddress", STR), ("connection", STR)]):
        return
    iso8601(e["startedDateTime"], where + ".startedDateTime")
    req, res, t = e["request"], e["response"], e["timings"]
    fields(req, where + ".request",
           [("method", STR), ("url", STR), ("httpVersion", STR), ("cookies", ARR),
            ("headers", ARR), ("queryString", ARR), ("headersSize", INT), ("bodySize", INT)],
           [("postData", OBJ)])
    cookie_opt = [("path", STR), ("domain", STR), ("expires", STR), ("httpOnly", (
        lambda v: isinstance(v, bool), "a boolean")), ("secure", (
            lambda v: isinstance(v, bool), "a boolean"))]
    name_values(req.get("cookies"), where + ".request.cookies", cookie_opt)
    name_values(req.get("headers"), where + ".request.headers")
    name_values(req.get("queryString"), where + ".request.queryString")
    if "://" not in str(req.get("url")):
        fail(where + ".request.url", "not absolute: %r" % req.get("url"))
    size(req.get("headersSize"), where + ".request.headersSize")
    size(req.get("bodySize"), where + ".request.bodySize")
    if "postData" in req:
        pd = req["postData"]
        fields(pd, where + ".request.postData", [("mimeType", STR)],
               [("text", STR), ("params", ARR)])
        if ("text" in pd) == ("params" in pd):
            fail(where + ".request.postData", "needs text or params (one of them)")
        for i, p in enumerate(pd.get("params", [])):
            fields(p, "%s.request.postData.params[%d]" % (where, i), [("name", STR)],
                   [("value", STR), ("fileName", STR), ("contentType", STR)])
    fields(res, where + ".response",
           [("status", INT), ("statusText", STR), ("httpVersion", STR), ("cookies", ARR),
            ("headers", ARR), ("content", OBJ), ("redirectURL", STR), ("headersSize", INT),
            ("bodySize", INT)])
    name_values(res.get("cookies"), where + ".response.cookies", cookie_opt)
    name_values(res.get("headers"), where + ".response.headers")
    size(res.get("headersSize"), where + ".response.headersSize")
    size(res.get("bodySize"), where + ".response.bodySize")
    if isinstance(res.get("content"), dict):
        fields(res["content"], where + ".response.content", [("size", INT), ("mimeType", STR)],
               [("compression", INT), ("text", STR), ("encoding", STR)])
    fields(e["cache"], where + ".cache", [], [("beforeRequest", OBJ), ("afterRequest", OBJ)])
    fields(t, where + ".timings", [("send", NUM), ("wait", NUM), ("receive", NUM)],
           [("blocked", NUM), ("dns", NUM), ("connect", NUM), ("ssl", NUM)])
    total = 0
    for k in ("blocked", "dns", "connect", "send", "wait", "receive"):
        v = t.get(k, -1)
        if k in ("send", "wait", "receive") and is_num(v) and v < 0:
            fail(where + ".timings." + k, "negative: %r" % v)
        if is_num(v) and v != -1:
            total += v
    if is_num(e["time"]) and abs(total - e["time"]) > 0.0015:
        fail(where + ".time", "%r is not the sum of the timings (%r)" % (e["time"], total))


har = json.load(open(sys.argv[1], encoding="utf-8"))
if fields(har, "(root)", [("log", OBJ)]):
    log = har["log"]
    fields(log, "log", [("version", STR), ("creator", OBJ), ("entries", ARR)],
           [("browser", OBJ), ("pages", ARR)])
    if log.get("version") != "1.2":
        fail("log.version", "%r, want '1.2'" % log.get("version"))
    fields(log.get("creator"), "log.creator", [("name", STR), ("version", STR)])
    for i, e in enumerate(log.get("entries", [])):
        check_entry(e, "log.entries[%d]" % i)

# What this run recorded: three calls in arrival order.
entries = har.get("log", {}).get("entries", [])
got = [(e["request"]["method"], e["request"]["url"].split("/", 3)[3], e["response"]["status"])
       for e in entries]
want = [("POST", "v1/charges", 201), ("GET", "v1/items?page=2&q=red+book", 200),
        ("GET", "v1/itemz", 404)]
if got != want:
    fail("entries", "%r, want %r" % (got, want))
else:
    post = entries[0]["request"]
    if post.get("postData", {}).get("text") != '{"amount": 1999}':
        fail("entries[0].postData", repr(post.get("postData")))
    if post.get("bodySize") != 16:
        fail("entries[0].bodySize", repr(post.get("bodySize")))
    if {(c["name"], c["value"]) for c in post["cookies"]} != {("sid", "abc"), ("theme", "dark")}:
        fail("entries[0].cookies", repr(post["cookies"]))
    # the answers' bodies, as the journal kept them
    content = [e["response"]["content"] for e in entries]
    if content[0].get("text") != '{"id":"ch_1"}' or content[0].get("size") != 13:
        fail("entries[0].response.content", repr(content[0]))
    if content[1].get("text") != '[{"sku":"book-42"}]':
        fail("entries[1].response.content", repr(content[1]))
    if not content[2].get("text", "").startswith("mockrun: no route matched GET /v1/itemz"):
        fail("entries[2].response.content", repr(content[2]))
    qs = [(q["name"], q["value"]) for q in entries[1]["request"]["queryString"]]
    if qs != [("page", "2"), ("q", "red book")]:
        fail("entries[1].queryString", repr(qs))
    if entries[0]["_mockrun"]["route"] != "create-charge" or entries[2]["_mockrun"]["route"]:
        fail("entries._mockrun.route", repr([e["_mockrun"] for e in entries]))
    if "list-items" not in entries[2]["_mockrun"].get("nearMiss", ""):
        fail("entries[2]._mockrun.nearMiss", repr(entries[2]["_mockrun"]))
    starts = [iso8601(e["startedDateTime"], "startedDateTime") for e in entries]
    if None not in starts and starts != sorted(starts):
        fail("entries", "not in arrival order")

if errors:
    print("\n".join(errors))
    sys.exit(1)
print("HAR 1.2 ok: %d entries" % len(entries))
