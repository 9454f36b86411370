# Parallel "tests": the calls arrive in a different order each run.
set -e
for id in 1 2 3 4 5; do
    curl -sf -o /dev/null "$MOCKRUN_PAYMENTS_URL/v1/charges/ch_$id" &
    curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
        -d "{\"currency\": \"eur\", \"amount\": ${id}00}" "$MOCKRUN_PAYMENTS_URL/v1/charges" &
done
wait
