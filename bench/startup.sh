# Sourced by the bench scripts: start_until_ready LOG [VAR=value …] starts the jar with those
# settings on 127.0.0.1:$port, waits until /health/ready answers, and sets STARTED_PID and
# READY_MS (milliseconds from the java command to ready). Exits 1 with the log if the server dies.
start_until_ready() {
  local log=$1; shift
  local start
  start=$(date +%s%N)
  env BRINJAL_HTTP_HOST=127.0.0.1 BRINJAL_HTTP_PORT="$port" BRINJAL_SHUTDOWN_GRACE_SECONDS=0 "$@" \
    java -jar target/brinjal.jar >"$log" 2>&1 &
  STARTED_PID=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null; do
    kill -0 "$STARTED_PID" 2>/dev/null || { echo "the server exited:"; cat "$log"; exit 1; }
    sleep 0.01
  done
  READY_MS=$(( ($(date +%s%N) - start) / 1000000 ))
}

stop_started() {
  kill "$STARTED_PID"; wait "$STARTED_PID" 2>/dev/null || true
}
