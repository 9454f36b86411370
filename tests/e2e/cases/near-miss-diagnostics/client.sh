# One request that differs from create-charge in several ways: the path has a
# typo, the Authorization header is missing, and the JSON body has a changed
# amount, a changed and an extra item, no currency and a long extra member.
# The client prints the 404 body line by line.
set -eu
note=$(printf 'n%.0s' $(seq 1 150))
code=$(curl -sS -o body.txt -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -d "{\"amount\": 2000, \"items\": [{\"sku\": \"A2\"}, {\"sku\": \"B\"}], \"note\": \"${note}END\"}" \
    "$MOCKRUN_URL/v1/charge?mode=live")
echo "client saw $code"
sed 's/^/client| /' body.txt
