# One test file per shard: shard 1 lists twice, shard 2 once.
n=$1
while [ "$n" -gt 0 ]; do
    curl -sf -o /dev/null "$MOCKRUN_API_URL/items"
    n=$((n - 1))
done
