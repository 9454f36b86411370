# Reads its config at once; logs in late (after 300 ms, the bound is 200);
# never calls the webhook; polls with a pause, then again at once.
set -eu
u=$MOCKRUN_URL
curl -sS -o /dev/null "$u/config"
sleep 0.3
curl -sS -o /dev/null -X POST "$u/login"
curl -sS -o /dev/null "$u/jobs/1"
sleep 0.5
curl -sS -o /dev/null "$u/jobs/1"
curl -sS -o /dev/null "$u/jobs/1"
echo "client: done"
