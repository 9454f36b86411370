"""docs/browser-tests.md's recipe, run as it is written: the blocks after
`<!-- checked: NAME -->` markers (as in check_readme.py) are

  browser_scenario  the scenario, written to shop.json
  browser_page      the page, written to page.html beside it
  browser_command   the shell command, run in that folder with `mockrun` in PATH
  browser_output    lines that must appear in the run's stdout, in this order

The command starts headless Chromium (Debian's `chromium`), which loads the
page from the web mock; the page's script calls the api mock at the URL
{{serviceUrl 'api'}} rendered into it, and Chromium asks for /favicon.ico,
which the scenario's unexpected.allow lets pass. Exit 77 (skipped) without
chromium. Usage: check_browser_recipe.py MOCKRUN docs/browser-tests.md"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_readme import blocks  # noqa: E402

NAMES = ("browser_scenario", "browser_page", "browser_command", "browser_output")


def in_order(want, got):
    """The first line of `want` not found in `got` after the previous one, or None."""
    at = 0
    for line in want:
        try:
            at = got.index(line, at) + 1
        except ValueError:
            return line
    return None


def main():
    mockrun, doc = os.path.abspath(sys.argv[1]), sys.argv[2]
    if not shutil.which("chromium"):
        print("skipped: needs chromium (ci/setup installs it)")
        return 77
    b = blocks(doc)
    missing = [n for n in NAMES if n not in b]
    if missing:
        print("%s: no block marked <!-- checked: %s -->" % (doc, missing[0]))
        return 1
    work = tempfile.mkdtemp(prefix="mockrun-browser-doc.")
    try:
        bindir = os.path.join(work, "bin")
        tmp = os.path.join(work, "tmp")  # the command's mktemp -d lands here
        os.makedirs(bindir)
        os.makedirs(tmp)
        os.symlink(mockrun, os.path.join(bindir, "mockrun"))
        with open(os.path.join(work, "shop.json"), "w") as f:
            f.write(b["browser_scenario"])
        with open(os.path.join(work, "page.html"), "w") as f:
            f.write(b["browser_page"])
        env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""),
                   TMPDIR=tmp)
        env.pop("GITHUB_ACTIONS", None)
        p = subprocess.run(["sh", "-c", b["browser_command"]], cwd=work, env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=120)
        problems = []
        if p.returncode != 0:
            problems.append("the command exited %d, not 0" % p.returncode)
        lost = in_order(b["browser_output"].strip("\n").split("\n"), p.stdout.split("\n"))
        if lost is not None:
            problems.append("the output lacks, in the block's order, the line\n  %s" % lost)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for line in problems:
        print("%s: %s" % (doc, line))
    if problems:
        print("--- stdout\n%s--- stderr (last 20 lines)\n%s" %
              (p.stdout, "\n".join(p.stderr.split("\n")[-20:])))
        return 1
    print("browser recipe: the documented scenario, page and command pass with Chromium")
    return 0


if __name__ == "__main__":
    sys.exit(main())
