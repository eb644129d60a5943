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
ok_per_second "$CALM" 3 >/dev/null # warm-up

for round in $(seq "$ROUNDS"); do
  calm=$(ok_per_second "$CALM" "$SECONDS_PER_RUN")
  crowd=$(ok_per_second "$CROWD" "$SECONDS_PER_RUN")
  statuses=$(grep '^status' "$work/wrk.txt" | tr '\n' ' ')
  echo "$round $calm $crowd" >> "$work/rounds"
  awk -v r="$round" -v a="$calm" -v b="$crowd" -v c="$CROWD" -v s="$statuses" 'BEGIN { printf "round %d  calm %6.1f checks/s  crowd of %d: %6.1f accepted/s (%s)  ratio %3.0f %%\n", r, a, c, b, s, 100 * b / a }'
  sleep 2
done
printf "median calm %.1f checks/s\n" "$(awk '{ print $2 }' "$work/rounds" | median_of)"
printf "median crowd %.1f accepted/s\n" "$(awk '{ print $3 }' "$work/rounds" | median_of)"
printf "median ratio %.0f %%\n" "$(awk '{ print 100 * $3 / $2 }' "$work/rounds" | median_of)"
