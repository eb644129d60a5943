#!/usr/bin/env bash
# Accepted checks under a crowd against the calm rate, on one core: the published Release build at the default Argon2
# parameters (rate limit lifted, so the hashing queue is what pushes back) pinned to core SERVER_CORE with taskset,
# and wrk pinned to core LOAD_CORE, so that the load generator's CPU is not counted against the server. Each round:
# a calm closed loop (CALM connections) for SECONDS, then a crowd of CROWD connections for SECONDS; checks answered
# 200 per second in each, and their ratio. ROUNDS rounds; prints each and the medians. Needs wrk and two cores.
#   tests/ExposureApi.Benchmarks/bench-crowd.sh [ROUNDS] [SECONDS] [CROWD] [CALM]
set -euo pipefail
ROUNDS=${1:-3}
SECONDS_PER_RUN=${2:-20}
CROWD=${3:-500}
CALM=${4:-4}
SERVER_CORE=${SERVER_CORE:-0}
LOAD_CORE=${LOAD_CORE:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
app=
trap '[ -n "$app" ] && kill "$app" 2>/dev/null; rm -rf "$work"' EXIT
url=http://127.0.0.1:5075

source "$root/tests/ExposureApi.Benchmarks/bench-app.sh"
publish_app
mapfile -t runtime_env < <("$root/tests/ExposureApi.Benchmarks/web-runtime-env.sh" "$work/app/ExposureApi.runtimeconfig.json")
# The server sees one core (Environment.ProcessorCount follows the affinity), so it runs one hashing thread.
APP_CORES=$SERVER_CORE start_app $url "${runtime_env[@]}"
load() { # CONNECTIONS -> checks answered 200 per second
  taskset -c "$LOAD_CORE" wrk -t1 -c"$1" -d"${SECONDS_PER_RUN}s" --timeout 30s -s "$root/tests/ExposureApi.Benchmarks/check.lua" $url/ > "$work/wrk.txt"
  awk -v s="$SECONDS_PER_RUN" '$1 == "status" && $2 == "200:" { ok = $3 } END { printf "%.1f", ok / s }' "$work/wrk.txt"
}
taskset -c "$LOAD_CORE" wrk -t1 -c"$CALM" -d3s -s "$root/tests/ExposureApi.Benchmarks/check.lua" $url/ >/dev/null

for round in $(seq "$ROUNDS"); do
  calm=$(load "$CALM")
  crowd=$(load "$CROWD")
  statuses=$(grep '^status' "$work/wrk.txt" | tr '\n' ' ')
  echo "$round $calm $crowd" >> "$work/rounds"
  awk -v r="$round" -v a="$calm" -v b="$crowd" -v c="$CROWD" -v s="$statuses" 'BEGIN { printf "round %d  calm %6.1f checks/s  crowd of %d: %6.1f accepted/s (%s)  ratio %3.0f %%\n", r, a, c, b, s, 100 * b / a }'
  sleep 2
done
sort -n -k2 "$work/rounds" | awk '{ v[NR] = $2 } END { printf "median calm %.1f checks/s\n", v[int((NR + 1) / 2)] }'
sort -n -k3 "$work/rounds" | awk '{ v[NR] = $3 } END { printf "median crowd %.1f accepted/s\n", v[int((NR + 1) / 2)] }'
awk '{ print 100 * $3 / $2 }' "$work/rounds" | sort -n | awk '{ r[NR] = $1 } END { printf "median ratio %.0f %%\n", r[int((NR + 1) / 2)] }'
