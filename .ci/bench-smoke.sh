#!/usr/bin/env bash
# The benchmark programs, tiny, so they cannot rot unseen: each must run against the jar and
# exit 0 (they exit non-zero on errors, lost tasks or a semaphore above its limit). Their
# numbers mean nothing at this size and are not checked; BENCHMARKS.md has the real runs.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
run() {
  local name=$1; shift
  if ! "$@" >"$log" 2>&1; then
    echo "bench smoke: $name failed:"; cat "$log"; exit 1
  fi
}
run end-to-end bash bench/run-e2e.sh --tasks 300 --warmup 0 --progress-tasks 2
BENCH_PROGRAM=bench/ThroughputBench.java run throughput bash bench/run-e2e.sh --tasks 500 --warmup 0
run streams bash bench/run-streams.sh --subscribers 200 --tasks 5 --ws-clients 20 --ws-tasks 20 \
  --ws-per-client 5 --ws-cancels 4 --settle-s 2
BRINJAL_TASK_LOG_LEVEL=WARN run load-and-fault bash bench/run-load-fault.sh --tasks 3000
TYPES=sqlite DUE=50 REST=300 run scheduled bash bench/run-scheduled.sh --idle-s 1 --spread-ms 500 --lead-ms 2000
NODES=2 TASKS=200 WARMUP=0 EVENTS=20 BRINJAL_CLUSTER_NODE_TIMEOUT_MS=3000 run cluster bash bench/run-cluster.sh
echo "bench smoke: end-to-end, throughput, streams, load-and-fault, scheduled and cluster programs run clean against the jar"
