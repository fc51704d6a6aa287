#!/usr/bin/env bash
# The durable store's figures for BENCHMARKS.md, SQLite (the default) against memory in one run:
# end-to-end no-op throughput (lean client), POST latency, POST -> running latency and the group
# commit batches (bench/StoreBench.java), then start-up time and file size with a store of
# FILL tasks (bench/StoreFill.java).
#
#   mvn -q -B package -DskipTests
#   bash bench/run-store.sh                     # TASKS=30000 WARMUP=30000 POSTS=20000 FILL=100000
#
# Each phase gets a fresh server and a fresh store file; task log lines are off (they cost the
# same with either store and would only add noise).
set -euo pipefail
cd "$(dirname "$0")/.."
TASKS=${TASKS:-30000}
WARMUP=${WARMUP:-30000}
POSTS=${POSTS:-20000}
FILL=${FILL:-100000}
export BRINJAL_TASK_LOG_LEVEL=WARN

for type in memory sqlite; do
  echo "== store.type $type: end to end, POST /noop_task then its stream to the end (bench/ThroughputBench.java)"
  BRINJAL_STORE_TYPE=$type BENCH_PROGRAM=bench/ThroughputBench.java bash bench/run-e2e.sh \
    --tasks "$TASKS" --warmup "$WARMUP" | grep -E "THROUGHPUT|latency|CPU"
  echo "== store.type $type: POST latency, POST -> running, group commit (bench/StoreBench.java)"
  BRINJAL_STORE_TYPE=$type BENCH_PROGRAM=bench/StoreBench.java bash bench/run-e2e.sh \
    --posts "$POSTS" --warmup "$WARMUP" | grep -vE "^run-e2e"
done

echo "== start-up with $FILL stored tasks (60 % done, 10 % failed, 30 % queued)"
dir=$(mktemp -d -t brinjal-fill.XXXXXX)
java -cp target/brinjal.jar bench/StoreFill.java --path "$dir/brinjal.db" --tasks "$FILL"
bytes=$(du -b "$dir/brinjal.db" | cut -f1)
echo "file: $bytes bytes for $FILL tasks ($(( bytes / FILL )) bytes per task, $(( bytes * 100000 / FILL / 1048576 )) MiB per 100,000)"
port=${BENCH_PORT:-8123}
source bench/startup.sh
for run in 1 2 3; do
  start_until_ready "$dir/server.log" BRINJAL_STORE_PATH="$dir/brinjal.db"
  queued=$(grep -oE "[0-9]+ queued task\(s\) in the store" "$dir/server.log" || true)
  echo "start-up run $run: ready after $READY_MS ms from the java command ($queued)"
  stop_started
done
start_until_ready "$dir/server.log" BRINJAL_STORE_TYPE=memory
echo "for comparison, store.type memory (nothing stored): ready after $READY_MS ms"
stop_started
rm -rf "$dir"
