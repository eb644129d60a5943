#!/usr/bin/env bash
# The hash benchmark of issue 3: `exposure hash` at the default Argon2 parameters with 1 thread and with one per
# core, alternating, RUNS times; prints hashes/s for each and the scaling ratio against N x the 1-thread rate.
#   tests/ExposureApi.Benchmarks/bench-hash.sh [LINES] [RUNS]
set -euo pipefail
LINES=${1:-400}
RUNS=${2:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cores=$(nproc)

dotnet build -c Release "$root/src/ExposureApi.Cli" -v q -nologo >/dev/null
export Exposure__Hashing__Pepper=5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed
export Exposure__Hashing__Salt=exposure-bench-salt-v1
# Numbers from Ofcom's drama range, repeated as needed: their values do not change the cost.
for i in $(seq 0 $((LINES - 1))); do printf '+447700900%03d\n' $((i % 1000)); done > "$work/dump.txt"

rate() {
  local start end
  start=$(date +%s.%N)
  dotnet "$root/src/ExposureApi.Cli/bin/Release/net10.0/exposure.dll" hash "$work/dump.txt" -o "$work/out.hashes" --threads "$1" --force >/dev/null
  end=$(date +%s.%N)
  awk -v n="$LINES" -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", n / (e - s) }'
}

for run in $(seq "$RUNS"); do
  one=$(rate 1)
  all=$(rate "$cores")
  awk -v r="$run" -v a="$one" -v b="$all" -v c="$cores" 'BEGIN { printf "run %d  1 thread %6.1f/s  %d threads %6.1f/s  scaling %.2f x %d x single\n", r, a, c, b, b / (c * a), c }'
done
