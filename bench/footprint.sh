#!/usr/bin/env bash
# Memory footprint (issue 16): for each set of JVM flags, starts the jar on a fresh SQLite store,
# reads its RSS idle, after ROUNDS rounds of TASKS no-op tasks (bench/ThroughputBench.java, each
# task POSTed and its stream read to the end), and the heap's live classes after each round
# (jcmd GC.class_histogram: a class that keeps growing round after round grows without bound).
# Prints numbers; asserts nothing.
#   mvn -q -B package -DskipTests
#   bash bench/footprint.sh                      # TASKS=20000 ROUNDS=5
#   FLAGS_LIST=$'\n-XX:+UseSerialGC' bash bench/footprint.sh    # one set per line ('' = none)
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-8125}
TASKS=${TASKS:-20000}
ROUNDS=${ROUNDS:-5}
FLAGS_LIST=${FLAGS_LIST:-$'\n-XX:MaxRAM=1g -XX:MaxRAMPercentage=75 -XX:+UseSerialGC'}
rss_mb() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$1/status"; }
while IFS= read -r flags; do
  store=$(mktemp -d -t brinjal-footprint.XXXXXX)
  # shellcheck disable=SC2086
  BRINJAL_HTTP_HOST=127.0.0.1 BRINJAL_HTTP_PORT=$port BRINJAL_STORE_PATH="$store/brinjal.db" \
    BRINJAL_TASK_LOG_LEVEL=WARN BRINJAL_RETENTION_DONE=${RETENTION_DONE:-1000} java $flags -jar target/brinjal.jar >"$store/server.log" 2>&1 &
  pid=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null; do
    kill -0 $pid 2>/dev/null || { cat "$store/server.log"; exit 1; }
    sleep 0.05
  done
  echo "== flags: ${flags:-(none: the JVM defaults)}"
  echo "idle: RSS $(rss_mb $pid) MB"
  for round in $(seq 1 "$ROUNDS"); do
    java -cp target/brinjal.jar bench/ThroughputBench.java --host 127.0.0.1 --port $port --tasks "$TASKS" --warmup 0 \
      >"$store/bench.log" 2>&1 || { cat "$store/bench.log"; kill $pid; exit 1; }
    tput=$(grep -o 'THROUGHPUT: [0-9]* tasks/s' "$store/bench.log" || true)
    jcmd $pid GC.class_histogram >"$store/histo.$round" 2>/dev/null
    live=$(awk '/^Total/ {printf "%.1f", $3/1048576}' "$store/histo.$round")
    done_tasks=$(( round * TASKS ))
    rss=$(rss_mb $pid)
    echo "after $done_tasks tasks: RSS $rss MB, live heap $live MB, $tput"
  done
  echo "classes whose live bytes grew from round 2 to round $ROUNDS by more than 1 MB:"
  join <(awk 'NR>3 && $4 {print $4, $3}' "$store/histo.2" | sort) <(awk 'NR>3 && $4 {print $4, $3}' "$store/histo.$ROUNDS" | sort) \
    | awk '$3 - $2 > 1048576 {printf "  %s: %.1f -> %.1f MB\n", $1, $2/1048576, $3/1048576; n++} END {if (!n) print "  none"}'
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$store"
done <<<"$FLAGS_LIST"
