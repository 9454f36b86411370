"""Checks the DOM headless Chromium rendered from the HTML report."""
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    """A flat list of elements: tag, attributes, text inside (all of it)."""

    def __init__(self):
        super().__init__()
        self.elements, self.open = [], []

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(el)
        if tag not in ("meta", "br", "img", "input", "link"):
            self.open.append(el)

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for el in self.open:
            el["text"] += data


def classes(el):
    return el["attrs"].get("class", "").split()


dom = Dom()
dom.feed(open(sys.argv[1], encoding="utf-8").read())
els = dom.elements
by_id = {e["attrs"]["id"]: e for e in els if "id" in e["attrs"]}
failures = []


def want(what, got, expected):
    if got != expected:
        failures.append("%s: got %r, want %r" % (what, got, expected))


want("passed", by_id["passed"]["text"], "3 passed")
want("failed", by_id["failed"]["text"], "2 failed")
want("calls", by_id["calls"]["text"], "4 calls, 1 unmatched")
want("summary class", classes(by_id["summary"]), ["fail"])
cases = [e for e in els if e["tag"] == "li" and "case" in classes(e)]
want("cases", len(cases), 5)
failing = [e for e in cases if "fail" in classes(e)]
want("failing cases", len(failing), 2)
refund = [e for e in failing if "refund is called exactly 1 time" in e["text"]]
want("refund case", len(refund), 1)
if refund and "expected exactly 1 call, got 0" not in refund[0]["text"]:
    failures.append("refund case lacks its message: %r" % refund[0]["text"])
rows = [e for e in els if e["tag"] == "tr" and "call" in classes(e)]
want("call rows", len(rows), 4)
unmatched = [e for e in rows if "unmatched" in classes(e)]
want("unmatched rows", len(unmatched), 1)
if unmatched:
    text = unmatched[0]["text"]
    for part in ("/v1/itemz", "no route matched", "404", '"list-items"',
                 "<b>bold</b><script>alert(1)</script>"):
        if part not in text:
            failures.append("unmatched row lacks %r: %r" % (part, text))
# request data stays text: no element came from the body
want("script elements", len([e for e in els if e["tag"] == "script"]), 1)
want("b elements", len([e for e in els if e["tag"] == "b"]), 0)
# self-contained: nothing loaded from anywhere
refs = [e for e in els if "src" in e["attrs"] or "href" in e["attrs"] or e["tag"] == "link"]
want("external references", refs, [])
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("DOM ok: %d elements" % len(els))
