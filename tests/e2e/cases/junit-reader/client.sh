# The app under test: charges, lists the items twice, never refunds, and
# calls one path no route serves, with a body that looks like markup.
set -eu
curl -fsS -X POST -H 'Content-Type: application/json' -d '{"amount": 1999}' \
    "$MOCKRUN_PAYMENTS_URL/v1/charges" >/dev/null
curl -fsS "$MOCKRUN_INVENTORY_URL/v1/items" >/dev/null
curl -fsS "$MOCKRUN_INVENTORY_URL/v1/items?page=2" >/dev/null
curl -sS -X POST -H 'Content-Type: text/html' -d '<b>bold</b><script>alert(1)</script>' \
    "$MOCKRUN_INVENTORY_URL/v1/itemz" >/dev/null
echo "client done"
