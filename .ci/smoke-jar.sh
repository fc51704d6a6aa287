#!/usr/bin/env bash
# The README's run command, for real: the fat jar serves the API, honours
# BRINJAL_HTTP_PREFIX, keeps tasks and schedules in its store (BRINJAL_STORE_PATH) across a
# restart, and refuses a bad config (or store) naming the key.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/brinjal.jar
port=18765
log=$(mktemp)

store=$(mktemp -d)/data/brinjal.db
start_server() {
  BRINJAL_HTTP_PORT=$port BRINJAL_HTTP_PREFIX=/api/tasks BRINJAL_STORE_PATH=$store java -jar "$jar" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/api/tasks/queue" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the server did not start:"; cat "$log"; exit 1
}
start_server
trap 'kill $pid 2>/dev/null || true' EXIT
id=$(curl -fsS -X POST "http://127.0.0.1:$port/api/tasks/noop_task" | sed -E 's/.*"task_id":"([^"]+)".*/\1/')
curl -fsS -N --max-time 10 "http://127.0.0.1:$port/api/tasks/$id/stream" | grep '"status":"done"' >/dev/null
# recurring schedules work from the fat jar (cron-utils is shaded in)
rid=$(curl -fsS -X POST "http://127.0.0.1:$port/api/tasks/recurring/NoopTask?cron_expression=@daily" | sed -E 's/.*"recurring_id":"([^"]+)".*/\1/')
curl -fsS "http://127.0.0.1:$port/api/tasks/recurring/$rid/preview?n=2" | grep '"next_runs":\["' >/dev/null
# the web UI is inside the jar: the dashboard, and the component it loads
curl -fsS "http://127.0.0.1:$port/api/tasks/" | grep '<task-list' >/dev/null
curl -fsS "http://127.0.0.1:$port/api/tasks/static/TaskList.js" | grep "customElements.define('task-list'" >/dev/null
# and the parts and the stylesheet TaskList.js loads from beside it
for part in TaskList.css task-list/util.js task-list/connection.js task-list/rendering.js task-list/dialogs.js \
    task-list/form.js task-list/recurring.js; do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/api/tasks/static/$part" || { echo "static/$part is not in the jar"; exit 1; }
done
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/queue")
[ "$code" = 404 ] || { echo "unprefixed route answered $code"; exit 1; }
kill $pid; wait $pid 2>/dev/null || true
# the task and the schedule created over HTTP come back after a restart, under their ids
start_server
curl -fsS "http://127.0.0.1:$port/api/tasks/recurring/$rid" | grep '"cron_expression":"@daily"' >/dev/null \
  || { echo "schedule $rid did not survive the restart"; cat "$log"; exit 1; }
curl -fsS "http://127.0.0.1:$port/api/tasks/$id" | grep '"status":"done"' >/dev/null \
  || { echo "task $id did not survive the restart"; cat "$log"; exit 1; }
kill $pid; wait $pid 2>/dev/null || true

notes=$(mktemp)
echo "not a database" > "$notes"
set +e
BRINJAL_HTTP_PORT=$port BRINJAL_STORE_PATH=$notes java -jar "$jar" >"$log" 2>&1
code=$?
set -e
[ "$code" = 2 ] || { echo "a store that is not a database exited $code, not 2"; cat "$log"; exit 1; }
grep -q "store.path: $notes is not a SQLite database" "$log" || { echo "store error does not name the path:"; cat "$log"; exit 1; }

if BRINJAL_HTTP_PORT=seventy BRINJAL_STORE_PATH=$store java -jar "$jar" >"$log" 2>&1; then
  echo "a bad port was accepted"; exit 1
fi
grep -q "http.port" "$log" || { echo "config error does not name the key:"; cat "$log"; exit 1; }
echo "smoke: jar serves the API and the UI under the prefix, schedules recurring tasks, keeps tasks and schedules across a restart and refuses bad config and a foreign store"
