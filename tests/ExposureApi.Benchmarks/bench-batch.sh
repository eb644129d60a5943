#!/usr/bin/env bash
# A full batch of 100 numbers, end to end: the published Release build at the default Argon2 parameters, one partner
# key, POST /api/v1/check/batch with 100 distinct valid numbers RUNS times one after another (curl); prints each
# response time and the median. Idle server otherwise, so this is the batch's own latency on this machine's cores.
#   tests/ExposureApi.Benchmarks/bench-batch.sh [RUNS]
set -euo pipefail
RUNS=${1:-15}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
app=
trap '[ -n "$app" ] && kill "$app" 2>/dev/null; rm -rf "$work"' EXIT
url=http://127.0.0.1:5076

source "$root/tests/ExposureApi.Benchmarks/bench-app.sh"
publish_app
key=$(bench_key batch)
start_app $url

body=$(printf '"+447700900%03d",' $(seq 0 99))
printf '{"phoneNumbers":[%s],"region":"GB"}' "${body%,}" > "$work/batch.json"
# One batch to warm the connection path; every hashing thread's memory is already touched before the host is ready.
curl -sf -o /dev/null -H "X-Api-Key: $key" -H 'content-type: application/json' --data-binary @"$work/batch.json" $url/api/v1/check/batch
for run in $(seq "$RUNS"); do
  curl -sf -o "$work/out.json" -w '%{time_total}\n' -H "X-Api-Key: $key" -H 'content-type: application/json' \
    --data-binary @"$work/batch.json" $url/api/v1/check/batch >> "$work/times"
  grep -o '"index":' "$work/out.json" | wc -l | grep -qx 100 || { echo "run $run: not 100 results"; cat "$work/out.json"; exit 1; }
done
awk '{ printf "batch of 100: %.3f s\n", $1 }' "$work/times"
sort -n "$work/times" | awk '{ t[NR] = $1 } END { printf "median %.3f s over %d runs (min %.3f, max %.3f)\n", t[int((NR + 1) / 2)], NR, t[1], t[NR] }'
