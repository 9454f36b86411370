"""The report's test column and filter, in the DOM headless Chromium rendered.

Usage: check_dom.py DOM HASH (the address's fragment the page was opened at)."""
import sys
from html.parser import HTMLParser


class Rows(HTMLParser):
    """The timeline's rows (tr.call): data-test, hidden, the text of each cell;
    the filter's options."""

    def __init__(self):
        super().__init__()
        self.rows, self.options, self.cell, self.option = [], [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "call" in a.get("class", "").split():
            self.rows.append({"test": a.get("data-test"), "hidden": "hidden" in a, "cells": []})
        elif tag == "td" and self.rows:
            self.cell = self.rows[-1]["cells"]
            self.cell.append("")
        elif tag == "option":
            self.option = [a.get("value"), "", "selected" in a]
            self.options.append(self.option)

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None
        elif tag == "option":
            self.option = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[-1] += data
        if self.option is not None:
            self.option[1] += data


dom = Rows()
dom.feed(open(sys.argv[1], encoding="utf-8").read())
want = ["t:pays once \u2713", "t:pays once", "t:pays twice", "t:pays twice", "t:pays twice",
        "none"]
assert [r["test"] for r in dom.rows] == want, [r["test"] for r in dom.rows]
assert dom.rows[0]["cells"][-1] == "pays once \u2713", dom.rows[0]["cells"]
assert dom.rows[-1]["cells"][-1] == "no test", dom.rows[-1]["cells"]
assert [(v, t) for v, t, _ in dom.options] == [
    ("all", "all tests"), ("t:pays once \u2713", "pays once \u2713"), ("t:pays once", "pays once"),
    ("t:pays twice", "pays twice"), ("none", "no test")], dom.options
shown = {"": want, "#test=pays%20twice": ["t:pays twice"] * 3, "#test=": ["none"]}[sys.argv[2]]
got = [r["test"] for r in dom.rows if not r["hidden"]]
assert got == shown, (sys.argv[2], got)
print("report at '%s': %d of %d calls shown" % (sys.argv[2], len(got), len(dom.rows)))
