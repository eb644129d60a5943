#!/usr/bin/env bash
# The load benchmark of issue 3: `exposure load` of a 10-million-line hash file into an empty store and into a
# store already holding 10 million rows, three times each; prints wall time, rows/s and peak RSS per run.
#   tests/ExposureApi.Benchmarks/bench-load.sh [ROWS] [RUNS]
# Needs GNU time (/usr/bin/time, Debian package 'time'). Uses cheap Argon2 settings: loading never hashes.
set -euo pipefail
ROWS=${1:-10000000}
RUNS=${2:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet build -c Release "$root/src/ExposureApi.Cli" -v q -nologo >/dev/null
dotnet build -c Release "$root/tests/ExposureApi.Benchmarks" -v q -nologo >/dev/null
exposure() { dotnet "$root/src/ExposureApi.Cli/bin/Release/net10.0/exposure.dll" "$@"; }
export Exposure__Hashing__Pepper=b5940ea59a8096c3d67f1be91ad3008c0b41aebc0b8d1bc8e77072e39a588854
export Exposure__Hashing__Salt=exposure-bench-salt-v1 Exposure__Hashing__MemoryKiB=64 Exposure__Hashing__Iterations=1
export Exposure__Store__Path="$work/store.db"

exposure init >/dev/null
scheme=$(exposure verify | grep -o 'exposure-argon2id-v1;[^ ]*')
for i in 0 1; do
  dotnet "$root/tests/ExposureApi.Benchmarks/bin/Release/net10.0/ExposureApi.Benchmarks.dll" make-hashes "$ROWS" "$work/h$i.hashes" $((i * ROWS)) "$scheme"
done
echo '[{"Name":"First","Title":"First","BreachDate":"2024-01-01"},{"Name":"Second","Title":"Second","BreachDate":"2024-01-01"}]' > "$work/b.json"

for run in $(seq "$RUNS"); do
  rm -f "$work"/store.db*
  exposure init >/dev/null && exposure breach add "$work/b.json" >/dev/null
  for target in "empty:First:h0" "holding-$ROWS:Second:h1"; do
    IFS=: read -r label breach file <<<"$target"
    /usr/bin/time -f "%e %M" -o "$work/time" bash -c "dotnet '$root/src/ExposureApi.Cli/bin/Release/net10.0/exposure.dll' load '$work/$file.hashes' --breach $breach >/dev/null"
    read -r seconds kb < "$work/time"
    awk -v l="$label" -v r="$run" -v s="$seconds" -v k="$kb" -v n="$ROWS" 'BEGIN { printf "run %d  into %-16s %6.1f s  %9.0f rows/s  peak RSS %4.0f MiB\n", r, l, s, n / s, k / 1024 }'
  done
  bytes=$(stat -c %s "$work/store.db")
  awk -v b="$bytes" -v n="$ROWS" 'BEGIN { printf "       store: %.0f MiB, %.1f bytes per stored hash\n", b / 1048576, b / (2 * n) }'
done
