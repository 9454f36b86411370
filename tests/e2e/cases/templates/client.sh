u=$MOCKRUN_URL
# a header value rendered from request data carries no CR/LF into the response
curl -s -i -X POST -H 'Content-Type: application/json' "$u/users/42?h=a%0d%0aSet-Cookie:%20x" \
    -d '{"name":"Ann \"The\" Best"}' | tr -d '\r'
echo
curl -s "$u/page?who=Bo"
curl -s "$u/raw"; echo
curl -s -w ' %{http_code}' "$u/who"; echo
curl -s -w ' %{http_code}' -H 'X-Gone: 1' "$u/who"; echo
curl -s -D - -o /dev/null "$u/who" | tr -d '\r' | grep '^X-Color: [a-z]'
# a pathPattern's named groups are path parameters
curl -s -w ' %{http_code}' "$u/files/a.txt"; echo
curl -s -w ' %{http_code}' "$u/files"; echo
curl -s -o /dev/null -w 'secret %{http_code}' "$u/files/secret"; echo
