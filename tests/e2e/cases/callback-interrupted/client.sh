# Starts a job whose webhook goes to the holder, then waits to be interrupted.
curl -fsS -X POST -H 'Content-Type: application/json' \
    -d "{\"url\": \"http://127.0.0.1:$(cat holder.port)/hook\"}" "$MOCKRUN_API_URL/start"
echo started
exec sleep 300
