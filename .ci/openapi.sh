#!/usr/bin/env bash
# The OpenAPI document the fat jar serves, checked by independent validators from the npm
# registry: @seriousme/openapi-schema-validator (the official OpenAPI 3.1 JSON Schema) always,
# and @redocly/cli lint (its recommended rules; warnings are printed, errors fail) when Node.js
# is new enough for it. Both documents: an open server, and one with auth.token (bearer scheme).
# The docs page's Swagger UI files come from the jar too.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/brinjal.jar
port=18767
token=ci-openapi-token-0123456789
work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "openapi: $*" >&2; [ -f "$work/server.log" ] && tail -40 "$work/server.log" >&2; exit 1; }

if ! command -v npm >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
node --version
npm install --prefix "$work/npm" --no-audit --no-fund --silent @seriousme/openapi-schema-validator@2.11.0 >/dev/null
# Redocly CLI 2.x needs Node.js >= 20.19 (Debian 12's own package is 18)
redocly=no
if node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  npm install --prefix "$work/npm" --no-audit --no-fund --silent @redocly/cli@2.77.0 >/dev/null
  redocly=yes
fi

fetch_document() { # name [token]
  (BRINJAL_HTTP_HOST=127.0.0.1 BRINJAL_HTTP_PORT=$port BRINJAL_HTTP_PREFIX=/api/tasks BRINJAL_STORE_TYPE=memory \
    BRINJAL_AUTH_TOKEN=${2:-} java -jar "$jar" >"$work/server.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.2; done
  curl -fsS ${2:+-H "Authorization: Bearer $2"} "http://127.0.0.1:$port/api/tasks/openapi.json" >"$work/$1.json" \
    || fail "GET /api/tasks/openapi.json failed"
  for file in docs docs/swagger-ui-bundle.js docs/swagger-ui.css docs/docs.js; do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/api/tasks/$file" || fail "GET /api/tasks/$file failed"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  pid=
}

for doc in open auth; do
  if [ $doc = auth ]; then fetch_document auth "$token"; else fetch_document open; fi
  "$work/npm/node_modules/.bin/validate-api" "$work/$doc.json" | tee "$work/$doc.result"
  grep -q '"valid": true' "$work/$doc.result" || fail "the $doc document is not valid OpenAPI 3.1"
  if [ $redocly = yes ]; then
    "$work/npm/node_modules/.bin/redocly" lint --format=stylish "$work/$doc.json" 2>&1 | grep -v '^\s*$' | grep -v '║\|╔\|╚' \
      || fail "redocly lint found errors in the $doc document"
  fi
done
[ $redocly = yes ] || echo "openapi: redocly lint skipped: Node.js $(node --version) is older than 20.19"
echo "openapi: the served documents are valid OpenAPI 3.1 (open and with a token)"
