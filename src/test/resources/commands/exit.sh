# Writes to both streams, then exits with $1 (or dies of signal $2 when it is not 0).
echo "some output"
echo "first error line" >&2
echo "last error line" >&2
if [ "$2" != "0" ]; then kill -"$2" $$; fi
exit "$1"
