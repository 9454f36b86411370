# Calls the imported mocks; prints status and body of each answer.
set -eu
call() { # call ARGS... : prints "STATUS BODY"
    curl -sS -o body.txt -w '%{http_code}' "$@" >code.txt
    echo "$(cat code.txt) $(cat body.txt)"
}
u=$MOCKRUN_WIREMOCK_URL
echo "order: $(call "$u/orders/42")"
echo "create: $(call -X POST -H 'Authorization: Bearer t' -H 'Content-Type: application/json' -d '{"items":[{"sku":"A-1"}]}' "$u/orders")"
echo "catalog: $(call "$u/catalog")"
echo "xml: $(call -X POST -H 'Content-Type: text/xml' -d '<order><item/></order>' "$u/orders")"
