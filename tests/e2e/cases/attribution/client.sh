# A stand-in for a test runner: test "pays once" tags its calls with the
# header; test "pays twice" is announced through POST /__mockrun/test and
# charges twice without an Idempotency-Key, then calls a path no route serves;
# the last call is made after the announcement is cleared.
set -eu
u=$MOCKRUN_PAYMENTS_URL
curl -fsS -X POST -H 'X-Mockrun-Test: pays%20once%20%E2%9C%93' -H 'Idempotency-Key: k1' \
    "$u/v1/charges" >/dev/null
printf 'seen by the route: %s\n' "$(curl -fsS -H 'X-Mockrun-Test: pays once' "$u/v1/headers")"
curl -fsS -X POST --data-binary 'pays twice' "$u/__mockrun/test"
echo
curl -fsS -X POST "$u/v1/charges" >/dev/null
curl -fsS -X POST "$u/v1/charges" >/dev/null
curl -sS "$u/v1/refunds" >/dev/null
curl -fsS -X POST -d '' "$u/__mockrun/test"
echo
curl -sS "$u/v1/outside" >/dev/null
