# Hangs, leaving behind a grandchild that ignores SIGTERM and holds the output
# pipes (a daemon someone forgot): the timeout must kill the whole group.
(trap '' TERM; exec sleep 300) &
echo $! >grandchild.pid
echo "grandchild started"
exec sleep 300
