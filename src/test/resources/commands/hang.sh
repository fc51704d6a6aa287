# Starts a grandchild (sleep for the unique duration $1, which marks it in the process list),
# says so, and waits for it. With $2 = ignore, SIGTERM is ignored (by the grandchild too); with
# $2 = leave, it exits at once and leaves the grandchild running.
if [ "$2" = "ignore" ]; then trap '' TERM; fi
sleep "$1" &
echo "grandchild $!"
echo "progress: 5"
if [ "$2" = "leave" ]; then exit 0; fi
wait
wait
