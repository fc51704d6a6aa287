#!/usr/bin/env bash
# Starts a server on loopback with room for 10,000+ streams, runs StreamFanoutBench against it
# (SSE fan-out to 10,000 subscribers, heap per idle subscriber, 1,000 WebSocket clients), stops it.
#   bash bench/run-streams.sh [--subscribers 10000 --tasks 100 --ws-clients 1000 ...]
# Run from the repository root. Server log: /tmp/brinjal-streams.log. BENCH_JAVA_OPTS: extra server JVM flags.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/brinjal.jar ] || mvn -q -B package -DskipTests
port=${BRINJAL_BENCH_PORT:-8124}

# 10,000 client sockets and 10,000 server sockets on one machine: both processes need the room
# (each process holds about 10,000 sockets: a limit of 20,000 is enough for the defaults)
if ! ulimit -n 65536 2>/dev/null; then
  ulimit -n "$(ulimit -Hn)"
  echo "note: could not raise the open-file limit to 65536 (hard limit $(ulimit -Hn)); using $(ulimit -n)" >&2
fi

if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/queue"; then
  echo "something already answers on 127.0.0.1:$port; stop it or set BRINJAL_BENCH_PORT" >&2
  exit 1
fi

# a fresh store file per run (BRINJAL_STORE_TYPE=memory to compare with no store at all)
export BRINJAL_STORE_PATH="${BRINJAL_STORE_PATH:-$(mktemp -d -t brinjal-bench-store.XXXXXX)/brinjal.db}"
BRINJAL_HTTP_HOST=127.0.0.1 BRINJAL_HTTP_PORT=$port BRINJAL_STREAMING_MAX_CONNECTIONS=50000 \
  java -Xmx2g ${BENCH_JAVA_OPTS:-} -jar target/brinjal.jar > /tmp/brinjal-streams.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT

up=0
for _ in $(seq 1 150); do
  if curl -fsS --max-time 2 "http://127.0.0.1:$port/queue" >/dev/null 2>&1; then up=1; break; fi
  kill -0 $pid 2>/dev/null || break
  sleep 0.2
done
if [ $up -ne 1 ]; then
  echo "server did not answer GET /queue within 30 s; log:" >&2
  tail -20 /tmp/brinjal-streams.log >&2
  exit 1
fi

echo "server pid $pid on 127.0.0.1:$port; open-file limit $(ulimit -n); nproc $(nproc); load:$(uptime | sed 's/.*load average//')"
status=0
java -Xmx1g -cp target/brinjal.jar bench/StreamFanoutBench.java --port "$port" --pid "$pid" "$@" || status=$?
echo "load after:$(uptime | sed 's/.*load average//')"
exit $status
