# Volatile values: a timestamp, random item ids, a random idempotency key; a secret token.
set -e
now=$(date +%s%N)
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
    -H "Authorization: Bearer sk_live_$now" -H 'X-Tenant: acme' -H "Idempotency-Key: $now-$$" \
    -d "{\"timestamp\": $now, \"items\": [{\"id\": \"it_$now\", \"sku\": \"book-42\"}, {\"id\": $$, \"sku\": \"pen\"}], \"total\": 12}" \
    "$MOCKRUN_API_URL/orders"
