#!/usr/bin/env bash
# Several nodes on one PostgreSQL, for BENCHMARKS.md: starts a throwaway PostgreSQL of its own
# (Debian's postgresql package: apt-get install -y postgresql), then for 1, 2 and 3 nodes on a
# fresh database each, the end-to-end no-op throughput with the connections spread over the
# nodes (bench/ThroughputBench.java) and each node's claim transaction times; with 3 nodes, the
# cross-node event latency and the time from a node's SIGKILL to its tasks being handled
# (bench/ClusterBench.java).
#
#   mvn -q -B package -DskipTests
#   bash bench/run-cluster.sh            # NODES="1 2 3" TASKS=20000 WARMUP=30000 EVENTS=600 RATE=40
#
# Everything runs on this machine: client, nodes and database share its cores. fsync stays on.
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${NODES:-"1 2 3"}
TASKS=${TASKS:-20000}
WARMUP=${WARMUP:-30000}
EVENTS=${EVENTS:-600}
RATE=${RATE:-40}
CONCURRENCY=${CONCURRENCY:-64}
PG_PORT=${BENCH_PG_PORT:-55439}
BASE_PORT=${BENCH_PORT:-8201}
NODE_TIMEOUT_MS=${BRINJAL_CLUSTER_NODE_TIMEOUT_MS:-5000}
export BRINJAL_TASK_LOG_LEVEL=WARN

[ -f target/brinjal.jar ] || { echo "run-cluster: build first: mvn -q -B package -DskipTests" >&2; exit 2; }
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "run-cluster: PostgreSQL not installed (apt-get install -y postgresql)" >&2; exit 2; }

dir=$(mktemp -d -t brinjal-cluster-bench.XXXXXX)
chmod 755 "$dir"
as_pg=()
if [ "$(id -u)" = 0 ]; then  # initdb refuses root: the cluster belongs to the postgres user
  chown postgres:postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
pids=()
stop_nodes() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
  done
  pids=()
}
cleanup() {
  stop_nodes
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U brinjal --auth=trust >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log"; exit 1; }
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgresql.log" -w -t 60 \
  -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
echo "run-cluster: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (fsync on), data in $dir"

# Starts node $1 (1-based) on database $2; its pid goes to pids[$1]. Not a child of this shell
# (started from a subshell that exits), so the SIGKILL of the death phase is not reported as a job.
start_node() {
  local n=$1 db=$2 port=$((BASE_PORT + $1 - 1))
  (BRINJAL_HTTP_HOST=127.0.0.1 BRINJAL_HTTP_PORT=$port BRINJAL_STORE_TYPE=postgres \
    BRINJAL_STORE_URL="postgresql://brinjal@127.0.0.1:$PG_PORT/$db" BRINJAL_NODE_ID="bench-$n" \
    BRINJAL_CLUSTER_NODE_TIMEOUT_MS=$NODE_TIMEOUT_MS BRINJAL_RETENTION_DONE=200000 \
    java -Xmx512m ${BENCH_JAVA_OPTS:-} -jar target/brinjal.jar >"$dir/node-$n.log" 2>&1 &
   echo $! >"$dir/node-$n.pid")
  pids[$n]=$(cat "$dir/node-$n.pid")
}

await_ready() {
  local n=$1 port=$((BASE_PORT + $1 - 1))
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null && return 0
    kill -0 "${pids[$n]}" 2>/dev/null || { echo "node $n exited:"; cat "$dir/node-$n.log"; exit 1; }
    sleep 0.05
  done
  echo "node $n not ready after 30 s:"; cat "$dir/node-$n.log"; exit 1
}

# CPU time (ms) of every PostgreSQL process so far: the server's share of a run's cost
pg_cpu_ms() {
  local total=0 f
  for f in /proc/[0-9]*/stat; do
    read -r line <"$f" 2>/dev/null || continue
    [[ $line == *"(postgres)"* ]] || continue
    set -- ${line##*) }
    total=$((total + ${12} + ${13}))
  done
  echo $((total * 10))
}

for count in $NODES; do
  db="bench_$count"
  "${as_pg[@]}" "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U brinjal "$db"
  ports=()
  for n in $(seq 1 "$count"); do start_node "$n" "$db"; ports+=($((BASE_PORT + n - 1))); done
  for n in $(seq 1 "$count"); do await_ready "$n"; done
  port_list=$(IFS=,; echo "${ports[*]}")
  pid_list=$(IFS=,; echo "${pids[*]}")
  echo "== $count node(s): POST /noop_task then its stream to the end, $CONCURRENCY connections over the nodes"
  throughput() {
    java -cp target/brinjal.jar bench/ThroughputBench.java --port "$port_list" --server-pid "$pid_list" \
      --concurrency "$CONCURRENCY" --warmup 0 --tasks "$@"
  }
  [ "$WARMUP" -gt 0 ] && throughput "$WARMUP" >/dev/null
  pg_before=$(pg_cpu_ms)
  throughput "$TASKS" | grep -E "THROUGHPUT|latency|CPU"
  echo "CPU per task: PostgreSQL $(( ($(pg_cpu_ms) - pg_before) * 1000 / TASKS )) us"
  java -cp target/brinjal.jar bench/ClusterBench.java claims --ports "$port_list"
  if [ "$count" -ge 2 ]; then
    java -cp target/brinjal.jar bench/ClusterBench.java events --ports "$port_list" --tasks "$EVENTS" --rate "$RATE"
    java -cp target/brinjal.jar bench/ClusterBench.java death --ports "$port_list" --victim-port "${ports[-1]}" \
      --victim-pid "${pids[$count]}" --victim-node "bench-$count" --tasks 3 --node-timeout-ms "$NODE_TIMEOUT_MS"
  fi
  stop_nodes
done
echo "host: $(nproc) cores; client, nodes and PostgreSQL on the same machine"
