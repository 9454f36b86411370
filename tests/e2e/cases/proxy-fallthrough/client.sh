# Calls one mocked route and, through the mock, the real API's others.
u=$MOCKRUN_API_URL
echo "mocked: $(curl -s "$u/users/1")"
echo "proxied: $(curl -s "$u/users/2")"
echo "chunked: $(curl -s "$u/items")"
echo "gzip: $(curl -s --compressed "$u/report")"
echo "binary: $(curl -s "$u/logo.png" | od -An -tx1 | head -n 1 | tr -s ' ')"
echo "post: $(curl -s -X POST -H 'Content-Type: application/json' -d '{"sku": "b-42"}' "$u/orders")"
loc=$(curl -s -o /dev/null -w '%{redirect_url}' "$u/old")
case $loc in "$u"/new?from=old) echo "redirect: to the mock" ;; *) echo "redirect: to $loc" ;; esac
echo "followed: $(curl -sL "$u/old")"
echo "missing: $(curl -s -o /dev/null -w '%{http_code}' "$u/nothing")"
