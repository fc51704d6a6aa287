# Reports progress, then waits for the test to create the gate file ($1), then finishes.
echo "heading: halfway"
echo "progress: 30"
echo "a plain line"
while [ ! -e "$1" ]; do sleep 0.02; done
echo "body: almost"
echo 'result: {"answer": 42}'
echo "progress: 100"
echo "last plain line"
