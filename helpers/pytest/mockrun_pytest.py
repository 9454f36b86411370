"""mockrun_pytest - attributes a pytest test's calls to mockrun's mocks to the test.

A pytest plugin. With this folder on PYTHONPATH, one option:

    pytest -p mockrun_pytest

(or ``pytest_plugins = ["mockrun_pytest"]`` in a conftest.py). Around each
test (its fixtures included) it announces the test's node id
(``test_shop.py::test_pays``) to mockrun (POST $MOCKRUN_URL/__mockrun/test),
so every call until the next test is attributed to it, whatever client makes
it, and clears the announcement afterwards. Requests made with ``requests``
and ``urllib.request`` to mockrun's URLs also carry the header
X-Mockrun-Test, which holds when several processes share the mocks
(pytest-xdist). Without MOCKRUN_URL (mockrun not running) it does nothing.
"""

import os
import re
import urllib.parse
import urllib.request

import pytest

HEADER = "X-Mockrun-Test"
_current = None  # the running test's node id


def _origins():
    out = set()
    for key, value in os.environ.items():
        if re.fullmatch(r"MOCKRUN_(?:[A-Z0-9_]+_)?URL", key) and value:
            parts = urllib.parse.urlsplit(value)
            if parts.scheme and parts.netloc:
                out.add((parts.scheme, parts.netloc))
    return out


_ORIGINS = _origins()


def _ours(url):
    parts = urllib.parse.urlsplit(url)
    return (parts.scheme, parts.netloc) in _ORIGINS


def _value(name):
    # percent-encoded: any name survives as header text, and mockrun decodes it
    return urllib.parse.quote(name, safe="")


_open = urllib.request.OpenerDirector.open


def _tagged_open(self, fullurl, data=None, *args, **kwargs):
    if _current is not None:
        if isinstance(fullurl, str):
            fullurl = urllib.request.Request(fullurl, data)
            data = None
        if _ours(fullurl.full_url) and not fullurl.has_header(HEADER.capitalize()):
            fullurl.add_unredirected_header(HEADER, _value(_current))
    return _open(self, fullurl, data, *args, **kwargs)


def _patch_requests():
    try:
        import requests
    except ImportError:
        return
    request = requests.Session.request
    if getattr(request, "mockrun_tagged", False):
        return

    def tagged(self, method, url, *args, **kwargs):
        if _current is not None and _ours(str(url)):
            headers = dict(kwargs.get("headers") or {})
            headers.setdefault(HEADER, _value(_current))
            kwargs["headers"] = headers
        return request(self, method, url, *args, **kwargs)

    tagged.mockrun_tagged = True
    requests.Session.request = tagged


def _announce(name):
    req = urllib.request.Request(
        os.environ["MOCKRUN_URL"].rstrip("/") + "/__mockrun/test",
        data=name.encode("utf-8"),
        method="POST",
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )
    with _open(urllib.request.build_opener(), req, timeout=10) as res:
        res.read()


def pytest_configure(config):
    if not os.environ.get("MOCKRUN_URL"):
        return
    urllib.request.OpenerDirector.open = _tagged_open
    _patch_requests()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _current
    if not os.environ.get("MOCKRUN_URL"):
        yield
        return
    _current = item.nodeid
    _announce(_current)
    try:
        yield
    finally:
        _current = None
        _announce("")
