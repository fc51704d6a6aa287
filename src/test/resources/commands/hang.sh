# Starts a grandchild (sleep for the unique duration $1, which marks it in the process list),
# says so, and waits for it. With $2 = ignore, SIGTERM is ignored (by the grandchild too).
if [ "$2" = "ignore" ]; then trap '' TERM; fi
sleep "$1" &
echo "progress: 5"
wait
wait
