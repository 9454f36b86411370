set -eu
u=$MOCKRUN_SHOP_URL
echo "plain: $(curl -sS -X POST "$u/api/users/7")"
echo "admin: $(curl -sS -X POST -H 'X-Test: 1' -H 'Content-Type: application/json' -d '{"role":"admin","name":"Ann"}' "$u/api/users/7")"
echo "flaky: $(curl -sS "$u/api/flaky")"
echo "catalog: $(curl -sS -X PUT "$u/api/catalog")"
