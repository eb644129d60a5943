#!/usr/bin/env bash
# `exposure hash` at the default Argon2 parameters, the whole command timed (start-up and the engines' self-test
# included) on LINES numbers: 1 thread and one per core, alternating, RUNS times; prints hashes/s for each and the
# scaling against N x the 1-thread rate. With BASELINE=<commit>, that commit's CLI is built in a scratch worktree and
# run the same way in the same rounds (one per core), and the ratio of this tree to it is printed per round.
#   [BASELINE=f760cb9] tests/ExposureApi.Benchmarks/bench-hash.sh [LINES] [RUNS]
set -euo pipefail
LINES=${1:-400}
RUNS=${2:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/baseline" 2>/dev/null || true; rm -rf "$work"' EXIT
cores=$(nproc)

dotnet build -c Release "$root/src/ExposureApi.Cli" -v q -nologo >/dev/null
cli="$root/src/ExposureApi.Cli/bin/Release/net10.0/exposure.dll"
if [ -n "${BASELINE:-}" ]; then
  git -C "$root" worktree add --detach "$work/baseline" "$BASELINE" -q
  dotnet build -c Release "$work/baseline/src/ExposureApi.Cli" -v q -nologo >/dev/null
  baseline="$work/baseline/src/ExposureApi.Cli/bin/Release/net10.0/exposure.dll"
fi
export Exposure__Hashing__Pepper=b5940ea59a8096c3d67f1be91ad3008c0b41aebc0b8d1bc8e77072e39a588854
export Exposure__Hashing__Salt=exposure-bench-salt-v1
# Numbers from Ofcom's drama range, repeated as needed: their values do not change the cost.
for i in $(seq 0 $((LINES - 1))); do printf '+447700900%03d\n' $((i % 1000)); done > "$work/dump.txt"

rate() { # CLI THREADS [LINES_FILE]
  local start end
  start=$(date +%s.%N)
  dotnet "$1" hash "${3:-$work/dump.txt}" -o "$work/out.hashes" --threads "$2" --force >/dev/null
  end=$(date +%s.%N)
  awk -v n="$(wc -l < "${3:-$work/dump.txt}")" -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", n / (e - s) }'
}

# The baseline may be many times slower: it gets a quarter of the lines, still enough for many seconds of hashing.
head -n $((LINES / 4)) "$work/dump.txt" > "$work/dump-baseline.txt"
for run in $(seq "$RUNS"); do
  one=$(rate "$cli" 1)
  all=$(rate "$cli" "$cores")
  awk -v r="$run" -v a="$one" -v b="$all" -v c="$cores" 'BEGIN { printf "run %d  1 thread %6.1f/s  %d threads %6.1f/s  scaling %.2f x %d x single\n", r, a, c, b, b / (c * a), c }'
  if [ -n "${BASELINE:-}" ]; then
    old=$(rate "$baseline" "$cores" "$work/dump-baseline.txt")
    awk -v r="$run" -v o="$old" -v b="$all" -v c="$cores" -v base="$BASELINE" 'BEGIN { printf "run %d  %s with %d threads %6.1f/s  this tree / %s %.2f x\n", r, base, c, o, base, b / o }'
  fi
done
