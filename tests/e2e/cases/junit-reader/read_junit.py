"""Reads mockrun's JUnit report with junitparser and checks what it sees."""
import sys

from junitparser import Error, Failure, JUnitXml, Skipped

xml = JUnitXml.fromfile(sys.argv[1])
suites = list(xml)
assert len(suites) == 1, "suites: %d" % len(suites)
suite = suites[0]
got = (suite.name, suite.tests, suite.failures, suite.errors, suite.skipped)
assert got == ("shop read by junitparser", 5, 2, 0, 0), got
cases = list(suite)
assert len(cases) == 5, len(cases)
failed = {}
for case in cases:
    assert case.classname == "scenario.json", case.classname
    for r in case.result:
        assert not isinstance(r, (Error, Skipped)), (case.name, r)
        if isinstance(r, Failure):
            failed[case.name] = r
assert set(failed) == {"refund is called exactly 1 time", "no unexpected requests"}, set(failed)
refund = failed["refund is called exactly 1 time"]
assert refund.type == "AssertionFailed", refund.type
assert "expected exactly 1 call, got 0" in refund.message, refund.message
unexpected = failed["no unexpected requests"]
assert "POST /v1/itemz" in unexpected.text, unexpected.text
assert xml.time >= 0 and suite.time >= 0
print("junitparser read %d tests, %d failures" % (suite.tests, suite.failures))
