# The suite is meant to fail with 3 here (command.exitCode): that passes.
curl -fsS "$MOCKRUN_URL/ping"
echo "1 test failed" >&2
exit 3
