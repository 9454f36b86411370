# Charges, but never captures: the strict service's unused route fails on
# its own. The refund is expected never; the webhook test may go unused; the
# mail service is not strict.
set -eu
curl -sS -o /dev/null -X POST "$MOCKRUN_PAYMENTS_URL/v1/charges"
curl -sS -o /dev/null -X POST "$MOCKRUN_PAYMENTS_URL/v1/charges/ch_1/captur"
echo "client: done"
