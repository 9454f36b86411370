# Calls the imported mocks; prints status and body of each answer.
set -eu
call() { # call ARGS... : prints "STATUS BODY"
    curl -sS -o body.txt -w '%{http_code}' "$@" >code.txt
    echo "$(cat code.txt) $(cat body.txt)"
}
u=$MOCKRUN_SHOP_URL
echo "plain: $(call -X POST "$u/api/users/7")"
echo "admin: $(call -X POST -H 'X-Test: 1' -H 'Content-Type: application/json' -d '{"role":"admin","name":"Ann"}' "$u/api/users/7")"
echo "admin without header: $(call -X POST -H 'Content-Type: application/json' -d '{"role":"admin"}' "$u/api/users/7")"
echo "bad token: $(call -X POST "$u/api/users/7?token=BADX")"
echo "banned: $(call -X POST -b 'banned=yes' "$u/api/users/7")"
echo "flaky: $(call "$u/api/flaky") $(call "$u/api/flaky") $(call "$u/api/flaky")"
echo "catalog: $(call -X PUT "$u/api/catalog")"
curl -sS -D head.txt -o /dev/null "$u/api/flaky"
grep -qi '^x-mock: shop' head.txt && echo "environment header: yes"
