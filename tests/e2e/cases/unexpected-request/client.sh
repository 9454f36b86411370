# Three requests no route serves: a wrong header, a typo in the path, a wrong method.
# The client prints what it saw, so the case checks the 404 bodies too.
set -eu
see() {
    code=$(curl -sS -o body.txt -w '%{http_code}' "$@")
    echo "client saw $code: $(tr '\n' '|' <body.txt)"
}
see -X POST -H 'Authorization: Basic abc' "$MOCKRUN_URL/v1/charges"
see "$MOCKRUN_URL/v1/charge/ch_1"
see -X DELETE "$MOCKRUN_URL/v1/charges/ch_1"
