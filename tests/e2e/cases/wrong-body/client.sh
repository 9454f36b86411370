# Sends the amount in euros instead of cents: the route's body condition fails.
set -eu
code=$(curl -sS -o body.txt -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -d '{"currency": "eur", "amount": 19.99}' "$MOCKRUN_URL/v1/charges")
echo "client saw $code: $(tr '\n' '|' <body.txt)"
