# Reads the charge before logging in, and charges twice (a retry): in order
# login, create-charge holds; get-charge never comes after the charge; and
# strictly, the retried charge is one call too many.
set -eu
u=$MOCKRUN_URL
curl -sS -o /dev/null "$u/v1/charges/ch_1"
curl -sS -o /dev/null "$u/health"
curl -sS -o /dev/null -X POST "$u/login"
curl -sS -o /dev/null -X POST "$u/v1/charges"
curl -sS -o /dev/null -X POST "$u/v1/charges"
echo "client: done"
