# A top-level "routes" array is one service named "default"; the command
# comes from command.run (no "--" on the command line) with command.env.
set -eu
[ "$MOCKRUN_DEFAULT_URL" = "$MOCKRUN_URL" ] || { echo "MOCKRUN_DEFAULT_URL differs"; exit 1; }
[ "$GREETING" = "hi there" ] || { echo "command.env not applied"; exit 1; }
curl -fsS "$MOCKRUN_DEFAULT_URL/hello"
