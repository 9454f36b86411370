# The page served by "web" names "api"'s ephemeral port: the same URL mockrun
# exports as MOCKRUN_API_URL, and one that answers.
set -eu
curl -sS "$MOCKRUN_WEB_URL/config.json" >config.json
api=$(python3 -c 'import json; print(json.load(open("config.json"))["api"])')
self=$(python3 -c 'import json; print(json.load(open("config.json"))["self"])')
[ "$api" = "$MOCKRUN_API_URL" ] && echo "api: equals MOCKRUN_API_URL" || echo "api: $api, but MOCKRUN_API_URL is $MOCKRUN_API_URL"
[ "$self" = "$MOCKRUN_WEB_URL" ] && echo "self: equals MOCKRUN_WEB_URL" || echo "self: $self"
case $api in http://127.0.0.1:[0-9]*) echo "api: loopback with a port" ;; esac
echo "ping: $(curl -sS "$api/ping")"
python3 -c 'import json; c = json.load(open("config.json")); print("greeting:", c["greeting"], "unset:", c["unset"])'
