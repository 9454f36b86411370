# Under the limit: matched. Over it, declared or chunked: 413 at once, and the run fails.
set -eu
{ printf ok; head -c 3000 /dev/zero | tr '\0' o; } > small.txt
head -c 5000 /dev/zero | tr '\0' o > big.txt
echo "small: $(curl -sS -o /dev/null -w '%{http_code}' --data-binary @small.txt "$MOCKRUN_URL/ingest")"
echo "declared: $(curl -sS -o /dev/null -w '%{http_code}' --data-binary @big.txt "$MOCKRUN_URL/ingest")"
echo "chunked: $(curl -sS -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' --data-binary @big.txt "$MOCKRUN_URL/ingest")"
