# Ignores SIGTERM everywhere, the leader included: only the SIGKILL that
# follows --kill-after stops it, and its grandchild must go with it.
trap '' TERM
sleep 300 &
echo $! >grandchild.pid
echo "stubborn command started"
sleep 300
