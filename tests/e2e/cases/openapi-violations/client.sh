set -u
curl -sS "$MOCKRUN_API_URL/api/v1/users/0?fields=name,age" >/dev/null
curl -sS -H 'Content-Type: application/json' -d '{"sku": "abc", "quantity": 20, "gift": true}' "$MOCKRUN_API_URL/api/v1/orders" >/dev/null
curl -sS -H 'Content-Type: application/json' -d '{"sku": "abc", "quantity": 20, "gift": true}' "$MOCKRUN_API_URL/api/v1/orders" >/dev/null
curl -sS -X POST "$MOCKRUN_API_URL/api/v1/orders" >/dev/null
curl -sS "$MOCKRUN_API_URL/api/v1/legacy" >/dev/null
