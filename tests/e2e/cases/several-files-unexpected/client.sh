curl -s -o /dev/null "$MOCKRUN_AUTH_URL/favicon.ico"
curl -s -o /dev/null "$MOCKRUN_API_URL/refunds"
