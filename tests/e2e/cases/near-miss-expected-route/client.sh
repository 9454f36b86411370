curl -s -o /dev/null -X POST -H 'X-Kind: d' "$MOCKRUN_API_URL/v1/items"
