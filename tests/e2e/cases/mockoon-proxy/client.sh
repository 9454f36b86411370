u=$MOCKRUN_URL
echo "mocked: $(curl -s "$u/users/1")"
echo "proxied: $(curl -s "$u/users/2")"
