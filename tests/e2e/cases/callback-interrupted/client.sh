# Starts a job whose webhook goes to the holder, then waits to be interrupted
# (the SIGTERM may come as soon as the webhook arrives, even before curl
# has printed anything).
curl -fsS -X POST -H 'Content-Type: application/json' \
    -d "{\"url\": \"http://127.0.0.1:$(cat holder.port)/hook\"}" "$MOCKRUN_API_URL/start"
exec sleep 300
