# Served files arrive byte for byte, with a type taken from the extension.
set -eu
get() { # get PATH FIXTURE WANT-STATUS WANT-TYPE
    curl -sS -D head.txt -o got.bin "$MOCKRUN_URL$1"
    cmp got.bin "$2"
    grep -q "^HTTP/1.1 $3 " head.txt || { echo "$1: not a $3"; cat head.txt; exit 1; }
    grep -qi "^content-type: $4" head.txt || { echo "$1: not $4"; cat head.txt; exit 1; }
    echo "$1: $(wc -c <got.bin) bytes, $4"
}
get /charge fixtures/charge.json 200 application/json
get /page fixtures/nested/page.html 202 'text/html; charset=utf-8'
grep -qi '^cache-control: no-store' head.txt || { echo "no Cache-Control"; exit 1; }
get /blob fixtures/blob.bin 200 application/octet-stream
