#!/usr/bin/env bash
# Operations, against the real tools, on the jar `mvn verify` built:
#  1. promtool lints a live scrape of a server that ran a known workload;
#  2. a real Prometheus, with the repo's own scrape config (the file docker-compose mounts,
#     its target pointed at the test server), scrapes it until the API shows the tasks;
#     promtool checks the recording and alerting rules and runs their unit tests, and that
#     Prometheus loads them;
#  3. the Grafana dashboard is valid JSON and its queries name only scraped metrics;
#  4. SIGTERM: not ready, 503 for new tasks, queued tasks kept for the next start (which runs
#     them), running ones interrupted.
# Every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/brinjal.jar
port=18766
prom_port=19090
scrape_config=ops/prometheus/prometheus.yml
rules=ops/prometheus/brinjal.rules.yml
dashboard=ops/grafana/dashboards/brinjal.json
work=$(mktemp -d)
base="http://127.0.0.1:$port"
prom="http://127.0.0.1:$prom_port"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "observability: $*" >&2
  for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -40 "$f" >&2; }; done
  exit 1
}

if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null || ! command -v docker-compose >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus docker-compose >/dev/null
fi
promtool --version | sed -n 1p

# polls "$@" every 0.2 s for up to $1 seconds
wait_for() {
  local seconds=$1; shift
  for _ in $(seq 1 $((seconds * 5))); do "$@" && return 0; sleep 0.2; done
  return 1
}
submit() { # route [json] -> task id
  curl -fsS -X POST "$base/$1" -H 'Content-Type: application/json' -d "${2:-{\}}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["task_id"])'
}
await_end() { # id: reads its stream to the terminal event
  curl -fsS -N --max-time 20 "$base/$1/stream" | grep -E '"status":"(done|failed|cancelled)"' >/dev/null
}
status_of() { curl -fsS "$base/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'; }

# ---- a server with a known workload: 5 done, 2 failed
BRINJAL_HTTP_HOST=127.0.0.1 BRINJAL_HTTP_PORT=$port BRINJAL_LOG_FORMAT=json BRINJAL_SHUTDOWN_GRACE_SECONDS=1 \
  BRINJAL_STORE_PATH="$work/data/brinjal.db" \
  java -jar "$jar" >"$work/brinjal.log" 2>&1 &
server=$!
pids+=("$server")
wait_for 60 curl -fs -o /dev/null "$base/health/ready" || fail "the server never became ready"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health/live")" = 200 ] || fail "/health/live is not 200"
ids=()
for _ in 1 2 3 4 5; do ids+=("$(submit noop_task)"); done
for _ in 1 2; do ids+=("$(submit example_cpu_task '{"sleep_time": 0, "failure_probability": 1.0}')"); done
for id in "${ids[@]}"; do await_end "$id" || fail "task $id did not end"; done

# ---- 1. promtool on a live scrape
curl -fsS "$base/metrics" >"$work/scrape.txt"
promtool check metrics <"$work/scrape.txt" || fail "promtool check metrics found problems"
grep -q '^brinjal_tasks_finished_total{status="done",task_type="NoopTask"} 5.0$' "$work/scrape.txt" \
  || fail "the scrape does not count 5 done NoopTasks"
grep -q '^brinjal_tasks_finished_total{status="failed",task_type="ExampleCPUTask"} 2.0$' "$work/scrape.txt" \
  || fail "the scrape does not count 2 failed ExampleCPUTasks"
grep -q '^vertx_http_server_requests_total{' "$work/scrape.txt" || fail "no Vert.x HTTP server metrics"
echo "observability: promtool check metrics passes on a live scrape ($(grep -vc '^#' "$work/scrape.txt") samples)"

# ---- 2. a real Prometheus with the repo's scrape config, pointed at this server
docker-compose config | grep -F "$(pwd)/$scrape_config:/etc/prometheus/prometheus.yml" >/dev/null \
  || fail "docker-compose.yml does not mount $scrape_config into Prometheus"
for mount in "$scrape_config:/etc/prometheus/prometheus.yml" "$rules:/etc/prometheus/brinjal.rules.yml"; do
  docker-compose config | grep -F "$(pwd)/$mount" >/dev/null || fail "docker-compose.yml does not mount $mount"
done
promtool check config "$scrape_config" >/dev/null || fail "$scrape_config is not a valid Prometheus config"
promtool check config ops/prometheus/prometheus-cluster.yml >/dev/null || fail "prometheus-cluster.yml is not a valid Prometheus config"
promtool check rules "$rules" || fail "promtool check rules found problems in $rules"
promtool test rules ops/prometheus/*.test.yml || fail "the rule unit tests (ops/prometheus/*.test.yml) fail"
sed "s/brinjal:8000/127.0.0.1:$port/" "$scrape_config" >"$work/prometheus.yml"
cp "$rules" "$work/" # rule_files are resolved beside the config
grep -q "127.0.0.1:$port" "$work/prometheus.yml" || fail "no brinjal:8000 target to point at the test server"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=("$!")
submitted() {
  curl -fsS "$prom/api/v1/query" --data-urlencode 'query=sum(brinjal_tasks_submitted_total{job="brinjal"})' \
    | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else -1)'
}
seven_submitted() { [ "$(submitted 2>/dev/null)" = 7 ]; }
wait_for 90 seven_submitted || fail "Prometheus never saw the 7 submitted tasks (last answer: $(submitted || true))"
echo "observability: a real Prometheus scraped brinjal_tasks_submitted_total = 7 with $scrape_config"
# the rules are loaded and evaluated: the recording rules produce series from this server's
# metrics, and no alert fires on a healthy server that ran 7 quick tasks
rules_loaded() { # every rule evaluated without error (health is "unknown" until then), no alert active
  curl -fsS "$prom/api/v1/rules" | python3 -c '
import json, sys
groups = {g["name"]: g for g in json.load(sys.stdin)["data"]["groups"]}
rules = [r for g in groups.values() for r in g["rules"]]
assert {"brinjal-recording", "brinjal-alerts"} <= set(groups), groups.keys()
assert all(r["health"] == "ok" for r in rules), [(r["name"], r.get("lastError")) for r in rules]
assert all(r["state"] == "inactive" for r in rules if r["type"] == "alerting"), [r["name"] for r in rules]
' 2>/dev/null
}
wait_for 60 rules_loaded || fail "Prometheus did not load and evaluate $rules cleanly: $(curl -fsS "$prom/api/v1/rules" || true)"
recorded() {
  curl -fsS "$prom/api/v1/query" --data-urlencode 'query=brinjal:semaphore_utilisation:ratio{semaphore="single"}' \
    | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["data"]["result"] else 1)'
}
wait_for 60 recorded || fail "the recording rule brinjal:semaphore_utilisation:ratio has no series"
echo "observability: Prometheus loaded $rules (groups evaluated, no alert firing, recordings present)"

# ---- 3. the dashboard against the live scrape and that Prometheus
python3 .ci/check_dashboard.py "$dashboard" "$work/scrape.txt" "$prom" || fail "the Grafana dashboard does not match the scrape"

# ---- 4. SIGTERM: readiness false, 503 for new tasks, queued kept in the store, running interrupted
running=$(submit sleep_task '{"sleep_time": 60, "semaphore_name": "single"}')
queued=$(submit sleep_task '{"sleep_time": 60, "semaphore_name": "single"}')
is_running() { [ "$(status_of "$running")" = running ]; }
wait_for 20 is_running || fail "the sleep task did not start"
kill -TERM "$server"
not_ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready")" = 503 ]; }
wait_for 5 not_ready || fail "still ready after SIGTERM"
refused=$(curl -s -D - -o /dev/null -X POST "$base/noop_task")
echo "$refused" | sed -n 1p | grep -q ' 503' || fail "a new task during shutdown was not refused with 503: $refused"
echo "$refused" | grep -qi '^retry-after:' || fail "the 503 has no Retry-After"
exited() { ! kill -0 "$server" 2>/dev/null; }
wait_for 30 exited || fail "the server did not exit after SIGTERM"
grep -q "1 queued tasks stay queued in sqlite .*brinjal.db for the next start" "$work/brinjal.log" \
  || fail "the shutdown log does not say the queued task stays queued"
grep -q "task $running cancelled: SleepTask" "$work/brinjal.log" || fail "the running task did not end cancelled"
# the next start on the same store runs the queued task (single is free: the other was cancelled)
BRINJAL_HTTP_HOST=127.0.0.1 BRINJAL_HTTP_PORT=$port BRINJAL_LOG_FORMAT=json BRINJAL_SHUTDOWN_GRACE_SECONDS=1 \
  BRINJAL_STORE_PATH="$work/data/brinjal.db" \
  java -jar "$jar" >"$work/brinjal-again.log" 2>&1 &
server=$!
pids+=("$server")
wait_for 60 curl -fs -o /dev/null "$base/health/ready" || fail "the server did not start again on its store"
queued_runs() { [ "$(status_of "$queued")" = running ]; }
wait_for 20 queued_runs || fail "the task queued at the SIGTERM did not run after the restart (it is $(status_of "$queued"))"
[ "$(status_of "$running")" = cancelled ] || fail "the interrupted task is not cancelled after the restart"
python3 - "$work/brinjal.log" <<'PY' || fail "the log is not one JSON object per line"
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
events = [json.loads(l) for l in lines]
assert any(e.get("loggerName") == "io.brinjal.tasks" and "kvpList" in e for e in events), "no task lines with fields"
PY
echo "observability: SIGTERM made the server unready, refused tasks with 503, interrupted the running task, kept the queued one, which the next start ran"
