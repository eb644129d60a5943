#!/usr/bin/env bash
# The first check after start-up against a warm one: ROUNDS times, the published Release build at the default Argon2
# parameters is started (readiness waits for every hashing thread to pass its self-test), then one check is timed
# with curl at once, then WARM more one after another; prints the first, the median warm one and their ratio.
#   tests/ExposureApi.Benchmarks/bench-first-check.sh [ROUNDS] [WARM]
set -euo pipefail
ROUNDS=${1:-5}
WARM=${2:-20}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
app=
trap '[ -n "$app" ] && kill "$app" 2>/dev/null; rm -rf "$work"' EXIT
url=http://127.0.0.1:5074

source "$root/tests/ExposureApi.Benchmarks/bench-app.sh"
publish_app
check() { curl -s -o /dev/null -w '%{time_total}\n' -H 'content-type: application/json' -d "{\"phoneNumber\":\"+447700900$1\"}" $url/api/v1/check; }
for round in $(seq "$ROUNDS"); do
  start_app $url
  first=$(check 000)
  for i in $(seq "$WARM"); do check "$(printf '%03d' "$i")"; done | sort -n > "$work/warm"
  warm=$(awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }' "$work/warm")
  kill "$app"; wait "$app" 2>/dev/null || true; app=
  echo "$first $warm" >> "$work/rounds"
  awk -v r="$round" -v f="$first" -v w="$warm" 'BEGIN { printf "round %d  first check %.1f ms  warm median %.1f ms  ratio %.2f\n", r, 1000 * f, 1000 * w, f / w }'
done
awk '{ print $1 / $2 }' "$work/rounds" | sort -n | awk '{ r[NR] = $1 } END { printf "median first / warm %.2f\n", r[int((NR + 1) / 2)] }'
