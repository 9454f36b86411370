# A browser's extra requests: /favicon.ico and a .well-known probe are allowed,
# answered 404 and no failure; /robots.txt is not on the list and fails the run.
set -eu
curl -fsS "$MOCKRUN_URL/" >/dev/null
echo "favicon: $(curl -sS -o /dev/null -w '%{http_code}' "$MOCKRUN_URL/favicon.ico")"
echo "well-known: $(curl -sS -o /dev/null -w '%{http_code}' "$MOCKRUN_URL/.well-known/appspecific/com.chrome.devtools.json")"
[ "${ROBOTS:-}" = 1 ] && echo "robots: $(curl -sS -o /dev/null -w '%{http_code}' "$MOCKRUN_URL/robots.txt")"
exit 0
