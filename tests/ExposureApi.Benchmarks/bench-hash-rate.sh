#!/usr/bin/env bash
# Hash throughput at the defaults (m=19456 KiB, t=2, p=1) on one thread per core, side by side in one run: the naive
# Konscious loop (runtime defaults), the service's hashing threads on the fast engine (the web host's runtime
# settings), libsodium through NSec (a yardstick that maps fresh memory per hash), and the reference `argon2` command
# (Debian package 'argon2'; a fresh process per hash, as a shell loop per core). ROUNDS alternating rounds of SECONDS
# each; prints each measurement (with CPU time and minor page faults per hash) and the medians.
#   tests/ExposureApi.Benchmarks/bench-hash-rate.sh [ROUNDS] [SECONDS]
set -euo pipefail
ROUNDS=${1:-3}
SECONDS_PER_RUN=${2:-12}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cores=$(nproc)
bench="$root/tests/ExposureApi.Benchmarks/bin/Release/net10.0/ExposureApi.Benchmarks.dll"
dotnet build -c Release "$root/tests/ExposureApi.Benchmarks" -v q -nologo >/dev/null
dotnet build -c Release "$root/src/ExposureApi" -v q -nologo >/dev/null
# The service's hasher (and the yardstick) run under the web host's runtime settings; the naive loop under the
# runtime's defaults.
mapfile -t web_env < <("$root/tests/ExposureApi.Benchmarks/web-runtime-env.sh" "$root/src/ExposureApi/bin/Release/net10.0/ExposureApi.runtimeconfig.json")
echo "web host's runtime settings: ${web_env[*]}"

reference() { # hashes/s of the reference argon2 command, one shell loop per core for SECONDS
  local end=$(( $(date +%s) + SECONDS_PER_RUN ))
  for c in $(seq "$cores"); do
    ( n=0; while [ "$(date +%s)" -lt "$end" ]; do
        printf '%064d' "$n" | argon2 exposure-demo-salt-v1 -id -t 2 -k 19456 -p 1 -l 32 -r >/dev/null; n=$((n + 1)); done
      echo "$n" > "$work/ref.$c" ) &
  done
  wait
  cat "$work"/ref.* | awk -v s="$SECONDS_PER_RUN" '{ n += $1 } END { printf "%.1f", n / s }'
}

for round in $(seq "$ROUNDS"); do
  for mode in naive service libsodium; do
    settings=("${web_env[@]}"); [ "$mode" = naive ] && settings=(DOTNET_GCRetainVM=0)
    line=$(env "${settings[@]}" dotnet "$bench" hash-rate "$SECONDS_PER_RUN" "$cores" "$mode")
    echo "round $round  $line"
    echo "$mode $(echo "$line" | awk '{ print $3 }')" >> "$work/rates"
  done
  ref=$(reference)
  echo "round $round  reference argon2 command, $cores loops: $ref hashes/s (process start included)"
  echo "reference $ref" >> "$work/rates"
done
for mode in naive service libsodium reference; do
  awk -v m="$mode" '$1 == m { print $2 }' "$work/rates" | sort -n | awk -v m="$mode" '{ r[NR] = $1 } END { printf "%s %.1f\n", m, r[int((NR + 1) / 2)] }' >> "$work/medians"
done
awk '{ rate[$1] = $2; printf "median %-10s %6.1f hashes/s\n", $1, $2 } END { printf "service / naive %.2f x; service / libsodium %.2f x; libsodium / naive %.2f x; reference argon2 / naive %.2f x\n", rate["service"] / rate["naive"], rate["service"] / rate["libsodium"], rate["libsodium"] / rate["naive"], rate["reference"] / rate["naive"] }' "$work/medians"
