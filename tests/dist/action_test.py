#!/usr/bin/env python3
"""action_test.py - action.yml, the composite GitHub Action.

    python3 tests/dist/action_test.py MOCKRUN SOURCE_DIR

First its shape: valid YAML, a composite action with the inputs, outputs and
steps docs/ci.md describes, every expression naming an input, step or output
that exists. Then its steps, run the way GitHub runs a composite action's
steps: each `run` in `bash --noprofile --norc -eo pipefail`, with the
variables GitHub sets (GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_ENV,
GITHUB_STEP_SUMMARY, GITHUB_ACTIONS, RUNNER_TEMP...), `${{ }}` expressions
and `if:` conditions evaluated, a later step skipped after a failure unless
its condition says always(); upload-artifact, which cannot run here, is
replaced by a check that the files it is given exist. With mockrun on PATH
(install: auto finds it): a passing run, a failing one (the reports are
still uploaded and the action fails), several scenario files and options,
and the install step's choices (a release's .deb, with apt-get, sudo and
curl replaced by stand-ins that record their arguments; a bad value).
Needs PyYAML (Debian's python3-yaml, which ci/setup installs); exit 77
(skipped) without it.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    # CTest may find another python3 than Debian's, which ci/setup gives PyYAML
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath(
            "/usr/bin/python3") and not os.environ.get("MOCKRUN_ACTION_TEST_REEXEC"):
        os.environ["MOCKRUN_ACTION_TEST_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("dist.action: skipped: no PyYAML (ci/setup installs python3-yaml)")
    sys.exit(77)

MOCKRUN, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("dist.action: " + what)


# ---- the action's shape ----------------------------------------------------------------
with open(os.path.join(SRC, "action.yml")) as f:
    action = yaml.safe_load(f)
inputs, outputs, runs = action.get("inputs", {}), action.get("outputs", {}), action.get("runs", {})
check(action.get("name") and action.get("description"), "action.yml needs a name and a description")
check(runs.get("using") == "composite", "runs.using is not composite")
for name in ["scenario", "command", "options", "junit", "html", "install", "deb",
             "working-directory", "upload", "artifact-name"]:
    check(name in inputs, "no input " + name)
    check(bool(inputs.get(name, {}).get("description")), "input %s has no description" % name)
check(inputs.get("scenario", {}).get("required") is True, "input scenario is not required")
for name, spec in inputs.items():
    check(spec.get("required") is True or "default" in spec, "optional input %s has no default" % name)
check("exit-code" in outputs and "junit" in outputs and "html" in outputs,
      "outputs exit-code, junit and html are expected")
steps = runs.get("steps", [])
ids = [s.get("id") for s in steps if s.get("id")]
uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
check(len(uploads) == 1 and "always()" in uploads[0].get("if", ""),
      "one actions/upload-artifact step, run always()")
check(steps and "always()" in steps[-1].get("if", "") and "run" in steps[-1],
      "the last step (the verdict) runs always()")
for s in steps:
    if "run" in s:
        check(s.get("shell") == "bash", "step %r: a composite run step needs shell: bash" % s.get("name"))
        script = re.findall(r"dist/action/[a-z]+\.sh", s["run"])
        for path in script:
            check(os.access(os.path.join(SRC, path), os.X_OK), "%s is not executable" % path)
text = open(os.path.join(SRC, "action.yml")).read()
for expr in re.findall(r"\$\{\{(.*?)\}\}", text):
    for ref in re.findall(r"\b(inputs|steps)\.([A-Za-z0-9_-]+)(?:\.outputs\.([A-Za-z0-9_-]+))?", expr):
        if ref[0] == "inputs":
            check(ref[1] in inputs, "${{%s}} names no input" % expr)
        else:
            check(ref[1] in ids, "${{%s}} names no step" % expr)


# ---- running it -------------------------------------------------------------------------
def evaluate(expr, ctx):
    """A GitHub expression, as far as action.yml uses them."""
    tokens = re.findall(r"\s*(\|\||&&|==|!=|!|\(|\)|'[^']*'|[A-Za-z_][A-Za-z0-9_.-]*\(\)|[A-Za-z_][A-Za-z0-9_.-]*)", expr)
    check("".join(tokens).replace(" ", "") == expr.replace(" ", ""), "cannot read expression %r" % expr)
    py = []
    for t in tokens:
        t = t.strip()
        if t == "&&":
            py.append(" and ")
        elif t == "||":
            py.append(" or ")
        elif t == "!":
            py.append(" not ")
        elif t in ("==", "!=", "(", ")"):
            py.append(t)
        elif t.startswith("'"):
            py.append(repr(t[1:-1]))
        elif t in ("always()", "success()", "failure()", "cancelled()"):
            py.append(repr({"always()": True, "success()": not ctx["failed"],
                            "failure()": ctx["failed"], "cancelled()": False}[t]))
        else:
            py.append(repr(lookup(t, ctx)))
    return eval("".join(py))  # only the literals and operators made above


def lookup(name, ctx):
    parts = name.split(".")
    if parts[0] == "inputs":
        return ctx["inputs"][parts[1]]
    if parts[0] == "steps" and parts[2] == "outputs":
        return ctx["outputs"].get(parts[1], {}).get(parts[3], "")
    if parts[0] == "github" and parts[1] == "action_path":
        return SRC
    raise ValueError("unknown context " + name)


def substitute(value, ctx):
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: str(evaluate(m.group(1).strip(), ctx)), str(value))


def read_outputs(path):
    """$GITHUB_OUTPUT: name=value lines and name<<DELIMITER blocks."""
    out, lines = {}, open(path).read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            j = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1:j])
            i = j + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out


def run_action(given, env_extra=None, path_first=None):
    """Runs the steps with these inputs; returns (failed, log, ctx)."""
    work = tempfile.mkdtemp(prefix="mockrun-action-")
    ctx = {"inputs": {}, "outputs": {}, "failed": False, "uploaded": []}
    for name, spec in inputs.items():
        ctx["inputs"][name] = str(given.get(name, spec.get("default", "")))
    for name in given:
        assert name in inputs, name
    shutil.copytree(os.path.join(SRC, "examples", "checkout"), os.path.join(work, "ws", "checkout"))
    with open(os.path.join(work, "ws", "checkout", "extra.json"), "w") as f:
        f.write('{"services": {"extra": {"routes": [{"request": {"path": "/"}, "response": {}}]}}}')
    os.makedirs(os.path.join(work, "temp"))
    summary = os.path.join(work, "summary.md")
    open(summary, "w").close()
    log = []
    env = {
        "PATH": (path_first + ":" if path_first else "") + os.path.dirname(MOCKRUN) + ":" + os.environ["PATH"],
        "HOME": work, "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_ACTION_PATH": SRC,
        "GITHUB_ACTION_REPOSITORY": "example/mockrun", "GITHUB_ACTION_REF": "main",
        "GITHUB_SERVER_URL": "https://github.com", "GITHUB_WORKSPACE": os.path.join(work, "ws"),
        "GITHUB_STEP_SUMMARY": summary, "GITHUB_ENV": os.path.join(work, "env"),
        "GITHUB_PATH": os.path.join(work, "path"), "RUNNER_TEMP": os.path.join(work, "temp"),
        "RUNNER_OS": "Linux",
    }
    env.update(env_extra or {})
    for i, step in enumerate(steps):
        cond = step.get("if", "success()")
        if not evaluate(cond, ctx):
            log.append("skipped: " + step["name"])
            continue
        if "uses" in step:
            with_ = {k: substitute(v, ctx) for k, v in step.get("with", {}).items()}
            files = [p for p in with_.get("path", "").split("\n") if p.strip()]
            for p in files:
                check(os.path.isfile(os.path.join(env["GITHUB_WORKSPACE"], p)), "upload: no file " + p)
            ctx["uploaded"] = files
            log.append("uploaded %s as %s" % (files, with_.get("name")))
            continue
        output = os.path.join(work, "output-%d" % i)
        open(output, "w").close()
        script = os.path.join(work, "step-%d.sh" % i)
        with open(script, "w") as f:
            f.write(step["run"])
        step_env = dict(env, GITHUB_OUTPUT=output)
        step_env.update({k: substitute(v, ctx) for k, v in step.get("env", {}).items()})
        cwd = os.path.join(env["GITHUB_WORKSPACE"], substitute(step.get("working-directory", "."), ctx))
        p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd=cwd,
                           env=step_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=60)
        log.append("== %s (exit %d)\n%s" % (step["name"], p.returncode, p.stdout))
        if step.get("id"):
            ctx["outputs"][step["id"]] = read_outputs(output)
        if p.returncode != 0:
            ctx["failed"] = True
    ctx["work"], ctx["summary"] = work, open(summary).read()
    return ctx["failed"], "\n".join(log), ctx


def case(name, given, want_failed, want_code, want_uploads, want_text=(), **kw):
    failed, log, ctx = run_action(given, **kw)
    ok = len(failures)
    check(failed == want_failed, "%s: the action %s" % (name, "passed" if not failed else "failed"))
    code = ctx["outputs"].get("run", {}).get("exit-code")
    check(code == want_code, "%s: exit-code output %r, expected %r" % (name, code, want_code))
    check([os.path.basename(p) for p in ctx["uploaded"]] == want_uploads,
          "%s: uploaded %s, expected %s" % (name, ctx["uploaded"], want_uploads))
    for t in want_text:
        check(t in log, "%s: the log lacks %r" % (name, t))
    if len(failures) > ok:
        print(log)
    shutil.rmtree(ctx["work"], ignore_errors=True)
    return ctx


# A passing run: the reports are uploaded, the job summary written, the action passes.
case("pass", {"scenario": "checkout/checkout.json", "command": "sh checkout/client.sh"},
     False, "0", ["mockrun-junit.xml", "mockrun-report.html"],
     ["install: auto is none", "mockrun 0.", " passed, 0 failed"])
# A failing run: still uploaded, then the action fails with an annotation.
case("fail", {"scenario": "checkout/checkout.json", "command": "true"},
     True, "1", ["mockrun-junit.xml", "mockrun-report.html"],
     ["::error title=mockrun::a check failed (exit 1)", "::error file=checkout/checkout.json"])
# Two scenario files on two lines, options split on spaces, no HTML, another folder.
ctx = case("options", {"scenario": "extra.json\n  checkout.json", "command": "sh client.sh",
                       "options": "--timeout 60  --har calls.har -v", "html": "",
                       "working-directory": "checkout", "junit": "junit.xml", "artifact-name": "x"},
           False, "0", ["junit.xml"],
           ["--har calls.har -v extra.json checkout.json --shell -- sh client.sh",
            "checkout/junit.xml'] as x", "(MOCKRUN_EXTRA_URL)"])
# An invalid input: mockrun says why (exit 2).
case("usage", {"scenario": "checkout/checkout.json", "options": "--bogus"}, True, "2", [],
     ["unknown option '--bogus'", "::error title=mockrun::usage error"])
case("no upload", {"scenario": "checkout/checkout.json", "command": "sh checkout/client.sh",
                   "upload": "false"}, False, "0", [], ["skipped: Upload the reports"])

# install: a bad value, and none without mockrun
case("bad install", {"scenario": "checkout/checkout.json", "install": "pip"}, True, None, [],
     ["install: expected auto, deb, build or none, got 'pip'", "skipped: Run mockrun",
      "mockrun did not run"])

# install: deb, from the release of the action's version tag, with stand-ins
# for curl, sudo and apt-get that record what they are asked (mockrun itself
# stays the one on PATH).
stand_ins = tempfile.mkdtemp(prefix="mockrun-action-bin-")
record = os.path.join(stand_ins, "calls")
for tool, body in {
    "curl": 'echo "curl $*" >>"$RECORD"; while [ $# -gt 0 ]; do [ "$1" = -o ] && : >"$2"; shift; done',
    "sudo": 'echo "sudo $1" >>"$RECORD"; exec "$@"',
    "apt-get": 'echo "apt-get $*" >>"$RECORD"',
}.items():
    with open(os.path.join(stand_ins, tool), "w") as f:
        f.write("#!/bin/sh\n" + body + "\n")
    os.chmod(os.path.join(stand_ins, tool), 0o755)
arch = subprocess.run(["dpkg", "--print-architecture"], stdout=subprocess.PIPE, text=True).stdout.strip()
case("deb", {"scenario": "checkout/checkout.json", "command": "true"},
     True, "1", ["mockrun-junit.xml", "mockrun-report.html"], ["install: auto is deb"],
     env_extra={"GITHUB_ACTION_REF": "v1.2.3", "RECORD": record}, path_first=stand_ins)
calls = open(record).read() if os.path.exists(record) else ""
check("curl -fsSL --retry 3 -o " in calls and
      "https://github.com/example/mockrun/releases/download/v1.2.3/mockrun_1.2.3_%s.deb" % arch in calls,
      "deb: the release asset was not downloaded: " + calls)
check(re.search(r"apt-get install -y -qq --no-install-recommends /\S+/mockrun\.deb", calls),
      "deb: apt-get did not install the download: " + calls)
os.remove(record)
local_deb = os.path.join(stand_ins, "mockrun_9.9.9_all.deb")
open(local_deb, "w").close()
case("deb path", {"scenario": "checkout/checkout.json", "install": "deb", "command": "true",
                  "deb": local_deb},
     True, "1", ["mockrun-junit.xml", "mockrun-report.html"], [],
     env_extra={"RECORD": record}, path_first=stand_ins)
calls = open(record).read()
check("curl" not in calls and "apt-get install -y -qq --no-install-recommends " + local_deb in calls,
      "deb path: installed without downloading: " + calls)
case("deb without a tag", {"scenario": "checkout/checkout.json", "install": "deb"}, True, None, [],
     ["deb needs the input 'deb'"], env_extra={"RECORD": record}, path_first=stand_ins)
shutil.rmtree(stand_ins)

if failures:
    sys.exit(1)
print("dist.action: ok")
