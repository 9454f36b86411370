#!/bin/sh
# client.sh - plays the shop under test: buys one copy of book-42.
#
# A real app would read INVENTORY_URL and PAYMENTS_URL from its environment
# the same way; mockrun points them at its mocks. Run it with:
#
#   mockrun examples/checkout/checkout.json -- sh examples/checkout/client.sh
set -eu
: "${INVENTORY_URL:?run me under mockrun}" "${PAYMENTS_URL:?run me under mockrun}"
sku=book-42
api_key=sk_test_4eC39HqLyjWDarjtT1zdp7dc

step() { printf 'shop: %s\n' "$*"; }
field() { # field NAME JSON: the first string or number named NAME (enough for a demo)
    printf '%s' "$2" | grep -o "\"$1\": *\"\{0,1\}[^\",}]*" | head -n 1 | sed 's/^"[^"]*": *"\{0,1\}//'
}

stock=$(curl -fsS "$INVENTORY_URL/v1/stock/$sku")
available=$(field available "$stock")
price=$(field priceCents "$stock")
step "$sku: $available in stock at $price cents"
[ "$available" -gt 0 ] || { step "sold out"; exit 1; }

reservation=$(curl -fsS -X POST -H 'Content-Type: application/json' \
    -d "{\"sku\": \"$sku\", \"quantity\": 1}" "$INVENTORY_URL/v1/reservations")
reservation_id=$(field id "$reservation")
step "reserved as $reservation_id"

charge=$(curl -fsS -X POST "$PAYMENTS_URL/v1/charges?expand=customer" \
    -H "Authorization: Bearer $api_key" \
    -H "Idempotency-Key: order-$sku-1" \
    -H 'Content-Type: application/json' \
    -d "{\"amount\": $price, \"currency\": \"eur\", \"metadata\": {\"reservation\": \"$reservation_id\"}}")
charge_id=$(field id "$charge")
step "charged: $charge_id ($(field status "$charge"))"

receipt=$(curl -fsS -H "Authorization: Bearer $api_key" "$PAYMENTS_URL/v1/charges/$charge_id")
step "receipt: $(field receiptUrl "$receipt")"
