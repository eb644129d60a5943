#!/usr/bin/env bash
# What the citizens' page costs on top of a check: the published Release build at the default Argon2 parameters
# pinned to core SERVER_CORE, wrk pinned to core LOAD_CORE (so its CPU is not counted against the server). Each round
# runs CONNECTIONS connections for SECONDS against POST /api/v1/check (JSON), then against POST / (the page's form,
# rendered in Hindi); answers 200 per second of each and their ratio. Then GET / (the empty page). ROUNDS rounds;
# prints each and the medians. Needs wrk and two cores.
#   tests/ExposureApi.Benchmarks/bench-page.sh [ROUNDS] [SECONDS] [CONNECTIONS]
set -euo pipefail
ROUNDS=${1:-3}
SECONDS_PER_RUN=${2:-15}
CONNECTIONS=${3:-4}
SERVER_CORE=${SERVER_CORE:-0}
LOAD_CORE=${LOAD_CORE:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
app=
trap '[ -n "$app" ] && kill "$app" 2>/dev/null; rm -rf "$work"' EXIT
url=http://127.0.0.1:5076

source "$root/tests/ExposureApi.Benchmarks/bench-app.sh"
publish_app
mapfile -t runtime_env < <("$root/tests/ExposureApi.Benchmarks/web-runtime-env.sh" "$work/app/ExposureApi.runtimeconfig.json")
APP_CORES=$SERVER_CORE start_app $url "${runtime_env[@]}"
ok_per_second "$CONNECTIONS" 3 >/dev/null # warm-up

for round in $(seq "$ROUNDS"); do
  api=$(ok_per_second "$CONNECTIONS" "$SECONDS_PER_RUN")
  page=$(ok_per_second "$CONNECTIONS" "$SECONDS_PER_RUN" page)
  echo "$round $api $page" >> "$work/rounds"
  awk -v r="$round" -v a="$api" -v b="$page" 'BEGIN { printf "round %d  POST /api/v1/check %6.1f/s  POST / (page) %6.1f/s  ratio %.2f\n", r, a, b, b / a }'
done
printf "median POST /api/v1/check %.1f/s\n" "$(awk '{ print $2 }' "$work/rounds" | median_of)"
printf "median POST / %.1f/s\n" "$(awk '{ print $3 }' "$work/rounds" | median_of)"
printf "median ratio page/API %.2f\n" "$(awk '{ print $3 / $2 }' "$work/rounds" | median_of)"
taskset -c "$LOAD_CORE" wrk -t1 -c8 -d"${SECONDS_PER_RUN}s" --latency $url/ | awk '/Requests\/sec/ { r = $2 } / 50% / { p50 = $2 } / 99% / { p99 = $2 } END { printf "GET / (the empty page): %s/s, p50 %s, p99 %s\n", r, p50, p99 }'
