# The app under test: a JSON POST with a cookie, GETs with a query string, and
# one call no route serves.
set -eu
curl -fsS -X POST -H 'Content-Type: application/json' -b 'sid=abc; theme=dark' \
    -d '{"amount": 1999}' "$MOCKRUN_PAYMENTS_URL/v1/charges" >/dev/null
curl -fsS "$MOCKRUN_INVENTORY_URL/v1/items?page=2&q=red+book" >/dev/null
curl -sS "$MOCKRUN_INVENTORY_URL/v1/itemz" >/dev/null
echo "client done"
