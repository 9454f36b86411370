# The calls are right, but the test suite itself fails (exit 3).
curl -fsS "$MOCKRUN_URL/ping"
echo "1 test failed" >&2
exit 3
