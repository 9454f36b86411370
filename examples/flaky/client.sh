# The app under test: retry until the rates service answers 200 (at most 5 tries).
for try in 1 2 3 4 5; do
    status=$(curl -s -o body.json -w '%{http_code}' "$MOCKRUN_RATES_URL/v1/rates/EUR")
    echo "try $try: $status"
    [ "$status" = 200 ] && { cat body.json; echo; rm -f body.json; exit 0; }
done
exit 1
