# A health probe no route serves: with "unexpected": "allow" it gets a 404 but fails nothing.
set -eu
curl -fsS "$MOCKRUN_URL/search?q=book"
echo
code=$(curl -sS -o /dev/null -w '%{http_code}' "$MOCKRUN_URL/healthz")
echo "healthz: $code"
