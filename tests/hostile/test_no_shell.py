"""The command runs without a shell: arguments with shell syntax (from the
command line after `--`, and from the scenario's command.run) reach the
command literally and nothing in them is executed."""
import os
import sys

sys.dont_write_bytecode = True
import hostile_lib as H  # noqa: E402

TRICKY = ["$(touch pwned-subst)", "; touch pwned-semicolon", "`touch pwned-backtick`",
          "| touch pwned-pipe", "&& touch pwned-and", "*", "$HOME", "a b\tc\nd", "'\"\\",
          "> pwned-redirect", ""]


def client():
    c = H.Client("no-shell")
    c.check(sys.argv[2:] == TRICKY, "argv arrived altered: %r" % sys.argv[2:])
    c.good()
    c.finish()


def driver():
    s = H.Suite("no_shell")
    cmd = s.client_argv(*TRICKY)
    for where in ("after --", "command.run"):
        scen = H.scenario([{"route": "ok", "times": 1}])
        if where == "command.run":
            scen["command"] = {"run": cmd}
            args = ["--junit", "junit.xml", "scenario.json"]
        else:
            args = ["--junit", "junit.xml", "scenario.json", "--"] + cmd
        s.write_scenario(scen)
        res = s.run(args)
        s.expect_rc(res, 0)
        rep = s.junit(s.path("junit.xml"))
        s.expect_junit(rep, tests=3)
        pwned = [f for f in os.listdir(s.dir) if f.startswith("pwned")]
        s.check(not pwned, "%s: nothing in the arguments ran" % where, pwned)
        if rep:
            s.check("$(touch pwned-subst)" in rep["properties"].get("mockrun.command", ""),
                    "%s: the report shows the command as given" % where,
                    rep["properties"].get("mockrun.command"))
    s.done()


if __name__ == "__main__":
    client() if H.is_client() else driver()
