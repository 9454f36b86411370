# 8 curl processes at once, 250 keep-alive requests each (curl's URL globbing).
set -eu
for c in 1 2 3 4 5 6 7 8; do
    curl -sS -w ' %{http_code}\n' "$MOCKRUN_URL/hit?client=$c&n=[1-250]" >"out.$c" &
done
wait
ok=$(cat out.* | grep -c '^ok 200$' || true)
echo "client side: $ok of 2000 answered 200"
[ "$ok" -eq 2000 ]
