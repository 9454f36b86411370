# Calls the mock, says it is ready (through the FIFO the run script reads),
# then sleeps until the SIGTERM sent to mockrun reaches it.
curl -fsS "$MOCKRUN_URL/ping"
echo ready >ready.fifo
exec sleep 300
