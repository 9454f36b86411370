# The "refactored" client: a different amount, a text body instead of JSON, no
# mail, one call more.
set -e
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
    -d '{"currency": "eur", "amount": 2999}' "$MOCKRUN_PAYMENTS_URL/v1/charges"
curl -sf -o /dev/null "$MOCKRUN_PAYMENTS_URL/v1/charges/ch_1?expand=customer"
curl -sf -o /dev/null "$MOCKRUN_PAYMENTS_URL/v1/charges/ch_1?expand=customer"
