# Each route answers with its own id; every request below names the route
# that must answer it. Near misses must fall through to "fallback". All the
# requests go through one curl (a config file with "next" between requests).
set -eu
: >requests.cfg
: >wanted.txt
req() { # req ROUTE PATH [CURL-CONFIG-LINE...]
    sep=
    [ -s wanted.txt ] && sep=next
    echo "$1" >>wanted.txt
    {
        [ -n "$sep" ] && echo "$sep"
        printf 'url = "%s%s"\nsilent\nshow-error\nwrite-out = "\\n"\n' "$MOCKRUN_URL" "$2"
        shift 2
        for line in "$@"; do echo "$line"; done
    } >>requests.cfg
}

req user-orders /users/u1/orders/o9
req user-by-id /users/u1
req fallback /users                              # :id needs a non-empty segment
req static-rest /static/css/site.css             # a last * takes the rest...
req static-rest /static/logo.png
req static-rest /static/                         # ...possibly empty
req inner-star /repos/mockrun/issues
req fallback /repos/a/b/issues                   # an inner * is one segment
req version-pattern /v2/items
req version-pattern /v10/items
req fallback /v2/items/3                         # the pattern covers the whole path
req any-method /anything 'request = "PATCH"'
req any-method /anything 'request = "DELETE"'

req query-exact '/search?q=books'
req query-contains '/search?q=bookshelf'
req query-matches '/search?page=12'
req fallback '/search?page=12a'
req query-absent /list
req query-present '/list?debug'

req header-equals /h 'header = "X-Api-Key: k1"'  # header names are case-insensitive
req header-contains /h 'header = "Accept: application/json"'
req header-matches /h 'header = "Authorization: Bearer abc"'
req header-absent /h
req header-present /h 'header = "X-Debug: 1"'
req header-not /hn 'header = "X-Env: dev"'
req header-not /hn                               # not "prod" holds without the header too
req fallback /hn 'header = "X-Env: prod"'

req body-equals /body 'data = "ping"'
req body-contains /body 'data = "hay needle stack"'
req body-matches /body 'data = "id=42"'
req fallback /body 'data = "id=42x"'
req body-json /body 'header = "Content-Type: application/json"' \
    'data = "{\"a\": {\"b\": 1, \"c\": 2}, \"tags\": [\"x\", \"y\"], \"extra\": true}"'
req fallback /body 'data = "{\"a\": {\"b\": 1}, \"tags\": [\"x\", \"y\", \"z\"]}"' # arrays: equal
req body-json-equals /body 'data = "{ \"m\" : \"n\", \"k\": [1,  2] }"'
req fallback /body 'data = "{\"m\": \"n\", \"k\": [1, 2], \"extra\": 1}"' # exact: no extras
req body-json-path /body 'data = "{\"order\": {\"items\": [{\"sku\": \"A-7\"}], \"total\": 12.50}}"'
req fallback /body 'data = "{\"order\": {\"items\": [{\"sku\": \"A-7\"}], \"total\": 12.5, \"coupon\": 0}}"'

curl -K requests.cfg >got.txt
if paste -d ' ' wanted.txt got.txt | awk '
    { print ($1 == $2 ? "ok   " : "FAIL ") "want " $1 ", got " $2; bad += $1 != $2 }
    END { exit bad != 0 }'; then
    echo "all $(wc -l <wanted.txt) requests answered by the right route"
else
    exit 1
fi
