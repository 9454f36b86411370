set -e
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
    -d '{"currency": "eur", "amount": 1999}' "$MOCKRUN_PAYMENTS_URL/v1/charges"
curl -sf -o /dev/null "$MOCKRUN_PAYMENTS_URL/v1/charges/ch_1?expand=customer"
curl -sf -o /dev/null -X POST -d 'to=ann%40example.com' "$MOCKRUN_MAIL_URL/send"
