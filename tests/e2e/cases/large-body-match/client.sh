# 3 MB bodies, over the 1 MiB the journal keeps: matched and templated whole.
set -eu
echo "big: $(curl -sS -w ' %{http_code}' -H 'Content-Type: application/json' --data-binary @big.json "$MOCKRUN_URL/ingest")"
echo "wrong: $(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @wrong.json "$MOCKRUN_URL/ingest")"
