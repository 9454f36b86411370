# HEAD on a GET route gets the GET response's status and headers, no body (as
# Express and so Mockoon do); a HEAD route of its own still wins.
set -eu
curl -sS -I "$MOCKRUN_URL/report" | tr -d '\r' > head.txt
grep -q '^HTTP/1.1 200' head.txt && echo "head status 200"
grep -q '^Content-Length: 12$' head.txt && echo "head length 12"
grep -q '^ETag: "v1"$' head.txt && echo "head etag"
echo "get body: $(curl -fsS "$MOCKRUN_URL/report")"
echo "both: $(curl -sS -I -o /dev/null -w '%{http_code}' "$MOCKRUN_URL/both")"
