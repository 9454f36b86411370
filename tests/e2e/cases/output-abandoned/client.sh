# Fails, leaving a background job that holds stdout open: mockrun stops
# reading after the drain grace, kills the job, and says so with the
# command's test case, not inside the command's own output.
sleep 30 &
echo $! >background.pid
echo "background job started"
exit 3
