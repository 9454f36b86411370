set -e
echo "login $(curl -sf -X POST "$MOCKRUN_AUTH_URL/login")"
echo "charge $(curl -sf -X POST "$MOCKRUN_API_URL/charges")"
echo "get $(curl -sf "$MOCKRUN_API_URL/charges/ch_1")"
# auth.json allows unmatched calls to its services
echo "favicon $(curl -s -o /dev/null -w '%{http_code}' "$MOCKRUN_AUTH_URL/favicon.ico")"
echo "auth-url $MOCKRUN_AUTH_URL"
