u=$MOCKRUN_URL
printf 'flaky:'; for i in 1 2 3 4; do curl -s -o /dev/null -w ' %{http_code}' "$u/flaky"; done; echo
printf 'cycle: '; for i in 1 2 3; do curl -s "$u/cycle"; done; echo
printf 'auth:'; curl -s -o /dev/null -w ' %{http_code}' "$u/me"
printf ' %s' "$(curl -s -H 'Authorization: t' "$u/me")"
curl -s -o /dev/null -w ' %{http_code}' -H 'Authorization: t' "$u/me"; echo
# rules without a fallback: no match means the route does not match (404)
printf 'admin:'; curl -s -o /dev/null -w ' %{http_code}' "$u/admin?role=admin"
curl -s -o /dev/null -w ' %{http_code}' "$u/admin?role=user"; echo
printf 'random: '; for i in 1 2 3 4 5 6 7 8; do curl -s "$u/random"; done; echo
printf 'slow:'; curl -s -o /dev/null -w ' %{time_total}' "$u/slow"; echo
printf 'orders: %s|%s|%s\n' "$(curl -s "$u/orders/1")" "$(curl -s -b 'tier=gold' "$u/orders/2")" "$(curl -s "$u/orders/3")"
