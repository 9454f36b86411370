set -eu
curl -fsS -o /dev/null "$MOCKRUN_INVENTORY_URL/stock/book-42?warehouse=ber&fresh=1"
curl -fsS -o /dev/null -X POST -H 'Authorization: Bearer sk_test_1' \
    -H 'Content-Type: application/json' \
    -d '{"amount": 1999, "currency": "eur", "note": "longer than the body limit"}' \
    "$MOCKRUN_PAYMENTS_URL/v1/charges"
curl -sS -o /dev/null "$MOCKRUN_PAYMENTS_URL/v1/refunds"
