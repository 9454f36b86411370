#!/usr/bin/python3
"""Differential test: mockrun's JSON Schema validator (openapi/jsonschema.c,
through jsonschema_suite --print) against Debian's python3-jsonschema
(Draft202012Validator) on the corpus in tests/fixtures/jsonschema.

    differential.py JSONSCHEMA_SUITE CORPUS_DIR KNOWN_DIFFERENCES_JSON

Every test of the corpus is validated by both; they must give the same
verdict, except for the cases known-differences.json lists, each with the
verdict of each side and why (python3-jsonschema 4.10's annotation
collection for unevaluated* is an approximation). A listed case that no
longer differs fails too, so the list stays true. Exit 77 (skipped) when
this python has no jsonschema with Draft202012Validator: ci/setup installs
Debian's python3-jsonschema.
"""
import json
import os
import subprocess
import sys


def no_network(uri):
    raise LookupError(f"not fetched: {uri}")


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    exe, corpus, known_file = sys.argv[1:]
    try:
        import jsonschema
        from importlib.metadata import version
        validator = jsonschema.Draft202012Validator
        pyver = version("jsonschema")
    except (ImportError, AttributeError) as e:
        print(f"differential: no python3-jsonschema with draft 2020-12 here ({e}): run ci/setup")
        return 77

    out = subprocess.run([exe, "--dialect", "2020-12", "--print", corpus],
                         check=True, capture_output=True, text=True).stdout
    ours = {}
    for line in out.splitlines():
        v = json.loads(line)
        ours[(v["file"], v["group"], v["test"])] = v["valid"]

    with open(known_file) as f:
        known = {(k["file"], k["group"], k["test"]): k for k in json.load(f)}

    total = agree = 0
    problems = []
    seen_known = set()
    corpus_keys = set()
    for name in sorted(os.listdir(corpus)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(corpus, name)) as f:
            groups = json.load(f)
        for gi, g in enumerate(groups):
            # no network: a $ref python cannot resolve locally must fail, not
            # be fetched (RefResolver would otherwise try http(s) URIs)
            resolver = jsonschema.RefResolver.from_schema(
                g["schema"], handlers={"http": no_network, "https": no_network})
            v = validator(g["schema"], resolver=resolver)
            for ti, t in enumerate(g["tests"]):
                total += 1
                try:
                    theirs = v.is_valid(t["data"])
                except Exception as e:  # a crash of the reference is a difference too
                    theirs = f"error: {type(e).__name__}"
                mine = ours.get((name, gi, ti))
                key = (name, g["description"], t["description"])
                corpus_keys.add(key)
                if mine == theirs:
                    agree += 1
                    if key in known:
                        problems.append(f"{name}: {key[1]}: {key[2]}: listed as a known "
                                        f"difference but both say {mine}: remove it")
                    continue
                k = known.get(key)
                if k and k["mockrun"] == mine and k["python"] == theirs:
                    seen_known.add(key)
                    continue
                problems.append(f"{name}: {key[1]}: {key[2]}: mockrun says {mine}, "
                                f"python3-jsonschema {pyver} says {theirs}")
    for key in known:
        if key not in corpus_keys:
            problems.append(f"{key[0]}: {key[1]}: {key[2]}: listed in {known_file} but not "
                            f"in the corpus")
    for p in problems:
        print(p)
    print(f"differential: {total} tests, {agree} agree with python3-jsonschema {pyver}, "
          f"{len(seen_known)} known differences, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
