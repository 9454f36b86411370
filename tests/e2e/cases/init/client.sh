# The app under test: calls both routes of mockrun init's starter scenario.
curl -fsS "$MOCKRUN_API_URL/items" && echo &&
    curl -fsS -X POST -H 'Content-Type: application/json' -d '{"name": "second"}' \
        "$MOCKRUN_API_URL/items" && echo
