"""The README's tutorial is checked against real runs: its scenario, the
output of a passing run and of a failing one. Each checked block follows a
marker line `<!-- checked: NAME -->` in README.md:

  scenario   the tutorial's scenario (JSON)
  pass       a passing run: the `$ mockrun ...` line, then the whole output
  fail       lines that must appear, in this order and together, in the
             output of a run whose client sends the wrong currency

The command under test is `npm test`, played by an `npm` script put first in
PATH that sends the request with curl, so the output is the one a reader gets.
Usage: check_readme.py MOCKRUN README.md"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def blocks(readme):
    """{name: text of the fenced block after `<!-- checked: name -->`}."""
    out = {}
    lines = open(readme, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"\s*<!-- checked: (\w+) -->", lines[i])
        i += 1
        if not m:
            continue
        while i < len(lines) and not lines[i].strip().startswith("```"):
            i += 1
        indent = len(lines[i]) - len(lines[i].lstrip())
        i += 1
        body = []
        while i < len(lines) and not lines[i].strip().startswith("```"):
            body.append(lines[i][indent:])
            i += 1
        out[m.group(1)] = "\n".join(body)
    return out


def run(mockrun, work, currency):
    bindir = os.path.join(work, "bin")
    os.makedirs(bindir, exist_ok=True)
    npm = os.path.join(bindir, "npm")
    with open(npm, "w") as f:
        f.write("#!/bin/sh\n"
                "curl -sS -o /dev/null -X POST -H 'Content-Type: application/json' "
                "-d '{\"currency\": \"%s\", \"amount\": 1999}' "
                "\"$MOCKRUN_PAYMENTS_URL/v1/charges\"\n" % currency)
    os.chmod(npm, 0o755)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
    env.pop("GITHUB_ACTIONS", None)
    p = subprocess.run([mockrun, "--no-junit", "checkout.json", "--", "npm", "test"], cwd=work,
                       env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stdout


def main():
    mockrun, readme = os.path.abspath(sys.argv[1]), sys.argv[2]
    b = blocks(readme)
    problems = []
    for name in ("scenario", "pass", "fail"):
        if name not in b:
            problems.append("README.md has no block marked <!-- checked: %s -->" % name)
    if problems:
        print("\n".join(problems))
        return 1
    work = tempfile.mkdtemp(prefix="mockrun-readme.")
    try:
        with open(os.path.join(work, "checkout.json"), "w") as f:
            f.write(b["scenario"])
        rc, out = run(mockrun, work, "eur")
        want = b["pass"].split("\n")
        if not want[0].startswith("$ mockrun checkout.json -- npm test"):
            problems.append("the pass block must start with '$ mockrun checkout.json -- npm test'")
        if rc != 0:
            problems.append("the passing run exited %d" % rc)
        if out.rstrip("\n").split("\n") != want[1:]:
            problems.append("the pass block differs from the real output:\n--- README\n%s\n"
                            "--- mockrun\n%s" % ("\n".join(want[1:]), out))
        rc, out = run(mockrun, work, "usd")
        if rc != 1:
            problems.append("the failing run exited %d, not 1" % rc)
        if b["fail"].strip("\n") not in out:
            problems.append("the fail block is not in the real output:\n--- README\n%s\n"
                            "--- mockrun\n%s" % (b["fail"], out))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for p in problems:
        print("README.md: " + p)
    print("README tutorial: %s" % ("differs from mockrun's real output" if problems else
                                   "scenario, passing and failing output match real runs"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
