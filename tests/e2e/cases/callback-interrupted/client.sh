# Starts a job whose webhook goes to the receiver; once the receiver has it
# (and will never answer), interrupts mockrun, this command's parent, as
# Ctrl-C or a CI runner's cancel would, then waits to be stopped.
curl -fsS -X POST -H 'Content-Type: application/json' \
    -d "{\"url\": \"http://127.0.0.1:$(cat holder.port)/hook\"}" "$MOCKRUN_API_URL/start"
timeout 20 sh -c 'read -r what <got.fifo' || exit 3
kill -TERM "$PPID"
exec sleep 300
