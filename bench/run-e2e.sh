#!/usr/bin/env bash
# End-to-end benchmark: start a Brinjal server on 127.0.0.1, run bench/EndToEndBench.java
# against it (all arguments are passed through), then stop the server.
#
#   mvn -q -B package -DskipTests     # once: this script builds nothing
#   bash bench/run-e2e.sh [bench options, e.g. --tasks 50000 --concurrency 128]
#
# Environment: BENCH_PORT (default 8123), BENCH_JAR (default target/brinjal.jar),
# BENCH_SERVER_LOG (default: a temporary file), BENCH_JAVA_OPTS (extra JVM flags for the
# server), BENCH_PROGRAM (default bench/EndToEndBench.java; bench/ThroughputBench.java is the
# lean raw-socket client), and BRINJAL_* settings (the server inherits the environment).
set -euo pipefail

cd "$(dirname "$0")/.."
PORT="${BENCH_PORT:-8123}"
JAR="${BENCH_JAR:-target/brinjal.jar}"
LOG="${BENCH_SERVER_LOG:-$(mktemp -t brinjal-bench-server.XXXXXX.log)}"

if [[ ! -f "$JAR" ]]; then
  echo "run-e2e: $JAR not found; build it first with: mvn -q -B package -DskipTests" >&2
  exit 2
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "run-e2e: something already listens on 127.0.0.1:$PORT; stop it or set BENCH_PORT" >&2
  exit 2
fi

# a fresh store file per run (BRINJAL_STORE_TYPE=memory to compare with no store at all)
export BRINJAL_STORE_PATH="${BRINJAL_STORE_PATH:-$(mktemp -d -t brinjal-bench-store.XXXXXX)/brinjal.db}"
# Bind to loopback only: the benchmark never needs another address.
# shellcheck disable=SC2086
BRINJAL_HTTP_HOST=127.0.0.1 \
BRINJAL_HTTP_PORT="$PORT" \
BRINJAL_RETENTION_DONE=200000 \
  java ${BENCH_JAVA_OPTS:-} -jar "$JAR" >"$LOG" 2>&1 &
SERVER_PID=$!

stop_server() {
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do          # up to 5 s for a clean shutdown
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
}
trap stop_server EXIT
trap 'exit 130' INT TERM

echo "run-e2e: server pid $SERVER_PID on 127.0.0.1:$PORT, log $LOG"
ready=0
for _ in $(seq 1 300); do             # up to 30 s for start-up
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "run-e2e: the server exited during start-up; its log:" >&2
    cat "$LOG" >&2
    exit 2
  fi
  # Ready = our server logged that it listens (so a stray server on the port cannot fool us)
  # and GET /queue answers.
  if grep -q "Brinjal listening" "$LOG" 2>/dev/null &&
     curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/queue" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.1
done
if [[ $ready -ne 1 ]]; then
  echo "run-e2e: the server did not answer GET /queue within 30 s; its log:" >&2
  cat "$LOG" >&2
  exit 2
fi

status=0
java -cp "$JAR" "${BENCH_PROGRAM:-bench/EndToEndBench.java}" --host 127.0.0.1 --port "$PORT" --server-pid "$SERVER_PID" "$@" || status=$?
exit "$status"
