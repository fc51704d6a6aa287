#!/usr/bin/env bash
# Starts a server on loopback with a queue cap (so 429s happen) and enough retention to check
# every accepted task afterwards, runs LoadFaultBench against it, stops the server.
#   bash bench/run-load-fault.sh [--tasks 100000 --connections 64 ...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/brinjal.jar ] || mvn -q -B package -DskipTests
port=8125
# a fresh store file per run (BRINJAL_STORE_TYPE=memory to compare with no store at all)
export BRINJAL_STORE_PATH="${BRINJAL_STORE_PATH:-$(mktemp -d -t brinjal-bench-store.XXXXXX)/brinjal.db}"
BRINJAL_HTTP_HOST=127.0.0.1 BRINJAL_HTTP_PORT=$port BRINJAL_RETENTION_DONE=200000 \
  BRINJAL_LIMITS_MAX_QUEUED=2000 BRINJAL_STREAMING_MAX_CONNECTIONS=50000 \
  java -Xmx2g -jar target/brinjal.jar > /tmp/brinjal-load-fault.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/queue" >/dev/null 2>&1 && break; sleep 0.2; done
java -Xmx1g -cp target/brinjal.jar bench/LoadFaultBench.java --port $port --pid $pid "$@"
