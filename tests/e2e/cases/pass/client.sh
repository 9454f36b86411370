# The app under test: reserves the book, charges the card, reads the charge back.
set -eu
: "${PAYMENTS_URL:?}" "${MOCKRUN_INVENTORY_URL:?}"
[ "$MOCKRUN_URL" = "$MOCKRUN_PAYMENTS_URL" ] || { echo "MOCKRUN_URL is not the first service"; exit 1; }
[ "$PAYMENTS_URL" = "$MOCKRUN_PAYMENTS_URL" ] || { echo "PAYMENTS_URL differs"; exit 1; }

res=$(curl -fsS -X POST -H 'Content-Type: application/json' \
    -d '{"quantity": 1, "sku": "book-42"}' "$MOCKRUN_INVENTORY_URL/v1/reservations")
echo "reserved: $res"

charge=$(curl -fsS -D headers.txt -X POST -H 'Authorization: Bearer sk_test_1' \
    -H 'Content-Type: application/json' \
    -d '{"amount": 1999, "currency": "eur", "reservation": "res_7"}' \
    "$PAYMENTS_URL/v1/charges?expand=customer")
echo "charged: $charge"
grep -qi '^x-request-id: r1' headers.txt || { echo "no X-Request-Id"; exit 1; }
grep -q '^HTTP/1.1 201' headers.txt || { echo "not a 201"; exit 1; }

echo "charge: $(curl -fsS "$PAYMENTS_URL/v1/charges/ch_1")"
