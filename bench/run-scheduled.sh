#!/usr/bin/env bash
# What scheduled tasks cost (issue 13's figures for BENCHMARKS.md), per store type: dispatch delay
# after run_at, heap and CPU with REST tasks scheduled a day ahead (bench/ScheduledBench.java),
# then, for SQLite, the start-up time with those tasks in the file against an empty one.
#
#   mvn -q -B package -DskipTests
#   bash bench/run-scheduled.sh                 # DUE=2000 REST=100000 TYPES="memory sqlite"
#   bash bench/run-scheduled.sh --idle-s 1      # further arguments go to ScheduledBench.java
set -euo pipefail
cd "$(dirname "$0")/.."
DUE=${DUE:-2000}
REST=${REST:-100000}
TYPES=${TYPES:-memory sqlite}
export BRINJAL_TASK_LOG_LEVEL=WARN
port=${BENCH_PORT:-8123}

for type in $TYPES; do
  dir=$(mktemp -d -t brinjal-scheduled.XXXXXX)
  echo "== store.type $type: bench/ScheduledBench.java --due $DUE --rest $REST"
  BRINJAL_STORE_TYPE=$type BRINJAL_STORE_PATH="$dir/brinjal.db" BENCH_PROGRAM=bench/ScheduledBench.java \
    bash bench/run-e2e.sh --due "$DUE" --rest "$REST" "$@" | grep -vE "^run-e2e"
  if [[ $type == sqlite && $REST -gt 0 ]]; then
    source bench/startup.sh
    for store in "$dir/brinjal.db" "$dir/empty.db"; do
      start_until_ready "$dir/server.log" BRINJAL_STORE_PATH="$store"
      scheduled=$(curl -fsS "http://127.0.0.1:$port/metrics" | grep -E '^brinjal_tasks\{status="scheduled"' | awk '{print $2}' || true)
      echo "START-UP with $(basename "$store"): ready after $READY_MS ms (scheduled: ${scheduled:-?})"
      stop_started
    done
  fi
  rm -rf "$dir"
done
