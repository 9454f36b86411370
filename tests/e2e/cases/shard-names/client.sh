curl -sf -o /dev/null "$MOCKRUN_API_URL/items"
