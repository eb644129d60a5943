#!/usr/bin/env bash
# End to end against raw, side by side: the published Release build at the default Argon2 parameters with the rate
# limit lifted, driven by wrk with CONNECTIONS connections for SECONDS; then, with the server idle, the raw engine in a
# loop, one engine per thread and one thread per core (`hash-rate ... fast`), under the server's runtime settings.
# ROUNDS alternating rounds; prints each round and the medians. Needs wrk (Debian package 'wrk').
#   tests/ExposureApi.Benchmarks/bench-e2e.sh [ROUNDS] [SECONDS] [CONNECTIONS]
set -euo pipefail
ROUNDS=${1:-3}
SECONDS_PER_RUN=${2:-15}
CONNECTIONS=${3:-4}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
app=
trap '[ -n "$app" ] && kill "$app" 2>/dev/null; rm -rf "$work"' EXIT
cores=$(nproc)

source "$root/tests/ExposureApi.Benchmarks/bench-app.sh"
publish_app
dotnet build -c Release "$root/tests/ExposureApi.Benchmarks" -v q -nologo >/dev/null
# The raw loop runs under the web host's own runtime settings, read from its runtimeconfig.json (GC_SERVER=0|1
# overrides server GC for both).
mapfile -t runtime_env < <("$root/tests/ExposureApi.Benchmarks/web-runtime-env.sh" "$work/app/ExposureApi.runtimeconfig.json")
if [ -n "${GC_SERVER:-}" ]; then runtime_env+=("DOTNET_gcServer=$GC_SERVER"); fi
echo "runtime settings for both: ${runtime_env[*]}"

start_app http://127.0.0.1:5078 "${runtime_env[@]}"
# Warm-up: the JIT and the connection pool (each hashing thread's memory is touched before the host is ready).
wrk -t1 -c"$CONNECTIONS" -d3s -s "$root/tests/ExposureApi.Benchmarks/check.lua" http://127.0.0.1:5078/ >/dev/null

for round in $(seq "$ROUNDS"); do
  wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$root/tests/ExposureApi.Benchmarks/check.lua" \
    http://127.0.0.1:5078/ > "$work/wrk.txt"
  if grep -q 'Non-2xx' "$work/wrk.txt"; then echo "round $round: some checks were not answered 200:"; cat "$work/wrk.txt"; exit 1; fi
  e2e=$(awk '/^Requests\/sec/ { print $2 }' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")
  raw=$(env "${runtime_env[@]}" dotnet "$root/tests/ExposureApi.Benchmarks/bin/Release/net10.0/ExposureApi.Benchmarks.dll" \
    hash-rate "$SECONDS_PER_RUN" "$cores" fast | awk '{ print $3 }')
  echo "$round $e2e $raw $p99" >> "$work/rounds"
  awk -v r="$round" -v e="$e2e" -v h="$raw" -v p="$p99" 'BEGIN { printf "round %d  end to end %6.1f checks/s (p99 %s)  raw %6.1f hashes/s  ratio %3.0f %%\n", r, e, p, h, 100 * e / h }'
done
printf "median end to end %.1f checks/s\n" "$(awk '{ print $2 }' "$work/rounds" | median_of)"
printf "median raw %.1f hashes/s\n" "$(awk '{ print $3 }' "$work/rounds" | median_of)"
printf "median ratio %.0f %%\n" "$(awk '{ print 100 * $2 / $3 }' "$work/rounds" | median_of)"
