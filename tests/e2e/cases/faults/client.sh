u=$MOCKRUN_URL
# curl's exit codes are the oracle: 56 reset by peer, 52 empty reply,
# 1 or 8 garbage instead of HTTP, 18 partial body
for p in reset empty garbage truncated; do curl -s -o /dev/null "$u/$p"; echo "$p: curl exit $?"; done
curl -s -w ' took %{time_total}\n' "$u/dribble"
# the server is still fine afterwards
curl -s "$u/ok"; echo
