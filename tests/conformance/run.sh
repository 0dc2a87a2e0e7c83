#!/usr/bin/env bash
# API conformance: schemathesis generates thousands of requests from goats' own OpenAPI
# document and checks every response against it (no 5xx, no undocumented status, body,
# header or content type). Run by `make test`; needs python3 with venv and PyPI access
# the first time (the tools are pinned in requirements.lock and cached under target/).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
venv="$target/conformance-venv"
goats="$target/debug/goats"

"$root/tests/tools/venv.sh" "$venv" "$here/requirements.lock"
[ -x "$goats" ] || (cd "$root" && cargo build --locked -p goats)

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password="conformance-$(date +%s%N)"
( cd "$work" && GOATS_ADMIN_PASSWORD="$password" GOATS_LOG=warn exec "$goats" serve --listen "127.0.0.1:$port" ) >"$work/goats.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "$base/readyz" >/dev/null || { echo "conformance: goats did not start"; cat "$work/goats.log"; exit 1; }

token=$(curl -fsS -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"login\":\"root@localhost\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
# The ticket that the id parameters point at (see schemathesis.toml).
curl -fsS -X POST "$base/api/v1/tickets" -H "Authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"title":"Conformance","queue_id":2,"article":{"subject":"Conformance","body":"Seed ticket."}}' >/dev/null

"$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run "$base/api/openapi.json" \
  -H "Authorization: Bearer $token" --checks all --max-examples 100 \
  --phases examples,coverage,fuzzing --seed 1 --no-color
