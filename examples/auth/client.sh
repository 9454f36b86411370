u=$MOCKRUN_URL
echo "no token:   $(curl -s -w ' %{http_code}' "$u/me")"
echo "good token: $(curl -s -w ' %{http_code}' -H 'Authorization: Bearer abc123' "$u/me")"
echo "bad token:  $(curl -s -w ' %{http_code}' -H 'Authorization: Basic xyz' "$u/me")"
