# The application under test: what it sends is what drift replays.
set -e
curl -sf -H 'Authorization: Bearer test-token' "$MOCKRUN_API_URL/users/7?api_key=abc123&page=2" >/dev/null
curl -sf -X POST -H 'Content-Type: application/json' -d '{"item":"book","qty":1}' \
    "$MOCKRUN_API_URL/orders" >/dev/null
curl -sf "$MOCKRUN_API_URL/search?q=caf%C3%A9" >/dev/null
