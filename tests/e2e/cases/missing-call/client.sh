# Creates the charge but forgets to capture it.
set -eu
curl -fsS -X POST -d '{}' "$MOCKRUN_URL/v1/charges"
echo
