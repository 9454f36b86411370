# A retry loop gone wrong: charges the customer twice.
set -eu
for attempt in 1 2; do
    curl -fsS -X POST -d "{\"attempt\": $attempt}" "$MOCKRUN_URL/v1/charges"
    echo
done
