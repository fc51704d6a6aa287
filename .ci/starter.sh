#!/usr/bin/env bash
# The task starter (examples/task-starter), as its README has a user do it: install the library
# just built, build the starter against it and run its tests (written with the test kit), then
# start the server jar with the starter's plugin jar in a plugins folder and run its task over
# HTTP: CI fails unless the task ends done with the expected results.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
port=18769
work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "starter: $*" >&2
  [ -f "$work/brinjal.log" ] && { echo "--- server log" >&2; tail -40 "$work/brinjal.log" >&2; }
  exit 1
}

# io.brinjal:brinjal (library jar, sources, pom) into ~/.m2, from the tree verify just tested
mvn -B -ntp -q install -DskipTests
(cd examples/task-starter && mvn -B -ntp verify)
plugin=examples/task-starter/target/task-starter.jar
[ -f "$plugin" ] || fail "the starter built no $plugin"

# the server as the README runs it, from a folder whose plugins/ holds the starter's jar
mkdir -p "$work/plugins"
cp "$plugin" "$work/plugins/"
(cd "$work" && exec env BRINJAL_HTTP_HOST=127.0.0.1 BRINJAL_HTTP_PORT=$port java -jar "$root/target/brinjal.jar") \
  >"$work/brinjal.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do
  curl -fsS "$base/health/ready" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || fail "the server exited"
  sleep 0.2
done
curl -fsS "$base/task_types" | grep -q '"name":"WordCountTask"' || fail "WordCountTask is not among the task types"
id=$(curl -fsS -X POST "$base/word_count_task" -H 'Content-Type: application/json' \
  -d '{"text": "the cat\nthe hat\nthe cat sat", "top": 2}' | sed -E 's/.*"task_id":"([^"]+)".*/\1/')
[ -n "$id" ] || fail "no task id"
end=$(curl -fsS -N --max-time 30 "$base/$id/stream" | grep -E '"status":"(done|failed|cancelled)"' | tail -1)
echo "$end" | grep -q '"status":"done"' || fail "the starter's task did not end done: $end"
echo "$end" | grep -q '"words":7' || fail "the starter's task ended done with other results: $end"
echo "starter: built against the installed library, its tests pass, and its plugin jar runs WordCountTask in the server"
