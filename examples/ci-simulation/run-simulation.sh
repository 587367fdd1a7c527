#!/usr/bin/env sh
# CI load check: start the mock control plane, run a fleet simulation against it
# with thresholds, fail the build when a threshold fails (fleetwire-sim exits 1)
# or the input is bad (exit 2). Run from the repository root after `npm ci`.
#
#   AGENTS=500 DURATION=60s sh examples/ci-simulation/run-simulation.sh
set -eu

AGENTS="${AGENTS:-300}"
DURATION="${DURATION:-30s}"
OUT="${OUT:-sim-report.json}"
NODE="node --conditions=source --import tsx"
workdir="$(mktemp -d)"
trap 'kill "$mock_pid" 2>/dev/null || true; rm -rf "$workdir"' EXIT INT TERM

# One key per simulated agent: the mock backend's generated file feeds --keys as is.
$NODE packages/mock-backend/src/cli/main.ts --generate-keys "$AGENTS" --out "$workdir/keys.txt" >/dev/null

# The mock backend on ephemeral 127.0.0.1 ports; --json prints its endpoints as one line.
$NODE packages/mock-backend/src/cli/main.ts --ephemeral --json --keys "$workdir/keys.txt" >"$workdir/mock.json" &
mock_pid=$!
i=0
until [ -s "$workdir/mock.json" ]; do
  i=$((i + 1))
  if [ "$i" -gt 100 ]; then echo "mock backend did not start" >&2; exit 1; fi
  sleep 0.2
done
url="$(node -e 'const i = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").split("\n")[0]); console.log(i.endpoints.fleet.url)' "$workdir/mock.json")"
echo "mock backend: $url"

# The simulation. With --url the control plane sends its own commands (none here):
# this checks connections, heartbeats and their acks under mild chaos.
$NODE packages/simulator/src/cli/main.ts run \
  --url "$url" \
  --keys "$workdir/keys.txt" \
  --agents "$AGENTS" \
  --ramp 100 \
  --duration "$DURATION" \
  --heartbeat-interval 2s \
  --chaos-disconnect-rate 0.5 \
  --live plain \
  --out "$OUT" \
  --threshold 'ack_p99<100ms' \
  --threshold 'connected>=98%' \
  --threshold 'heartbeats>=99%' \
  --threshold 'errors<0.1%'
