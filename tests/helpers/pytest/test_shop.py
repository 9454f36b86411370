"""Two tests against mockrun's shop service: one lists the items with requests,
one calls a path no route serves with urllib and lists the items again."""
import os
import urllib.error
import urllib.request

import requests

BASE = os.environ["MOCKRUN_SHOP_URL"]


def test_lists_items():
    assert requests.get(BASE + "/v1/items", timeout=10).status_code == 200
    seen = requests.get(BASE + "/v1/headers", timeout=10).text
    assert "x-mockrun-test" not in seen.lower(), seen


def test_loses_its_way():
    try:
        urllib.request.urlopen(BASE + "/v1/itemz", timeout=10)
        raise AssertionError("expected a 404")
    except urllib.error.HTTPError as e:
        assert e.code == 404
    with urllib.request.urlopen(BASE + "/v1/items", timeout=10) as res:
        assert res.status == 200
