#!/usr/bin/env bash
# The cost of the start-up quick_check: builds a store of ROWS random hashes (exposure init, then sorted inserts as
# exposure load makes them, one breach and its ledger row), then starts the web host ROUNDS times in Production on it
# and prints the time its log line gives for "passed SQLite's quick_check", and the median.
#   tests/ExposureApi.Benchmarks/bench-quick-check.sh [ROWS] [ROUNDS]
set -euo pipefail
ROWS=${1:-10000000}
ROUNDS=${2:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
app=
trap '[ -n "$app" ] && kill "$app" 2>/dev/null; rm -rf "$work"' EXIT
export Exposure__Hashing__Pepper=b5940ea59a8096c3d67f1be91ad3008c0b41aebc0b8d1bc8e77072e39a588854
export Exposure__Hashing__Salt=exposure-bench-salt-v1
export Exposure__Store__Path=$work/store.db

dotnet build -c Release -v q "$root/src/ExposureApi" >/dev/null
dotnet build -c Release -v q "$root/src/ExposureApi.Cli" >/dev/null
dotnet "$root/src/ExposureApi.Cli/bin/Release/net10.0/exposure.dll" init >/dev/null
python3 - "$work/store.db" "$ROWS" <<'PY'
import os, sqlite3, sys
path, rows = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(path)
db.execute("INSERT INTO breaches (id, name, title, breach_date, added_date, modified_date) VALUES (1, 'Bench', 'Bench', '2023-06-12', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
db.executemany("INSERT INTO exposures (hash, breach_id) VALUES (?, 1)", ((h,) for h in sorted(os.urandom(32) for _ in range(rows))))
db.execute("INSERT INTO loads (breach_id, files, file_sha256, rows_read, new_rows, duplicates, started_at, finished_at, outcome) VALUES (1, '[]', '', ?, ?, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'loaded')", (rows, rows))
db.commit()
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.close()
PY
echo "store: $ROWS rows, $(( $(stat -c %s "$work/store.db") / 1048576 )) MiB"
for round in $(seq "$ROUNDS"); do
  ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS=http://127.0.0.1:5075 \
    dotnet "$root/src/ExposureApi/bin/Release/net10.0/ExposureApi.dll" > "$work/log" 2>&1 &
  app=$!
  until grep -q "quick_check in" "$work/log"; do sleep 0.2; kill -0 "$app" || { cat "$work/log"; exit 1; }; done
  kill "$app"; wait "$app" 2>/dev/null || true; app=
  grep -o 'quick_check in [0-9.]* s' "$work/log" | awk '{ print $3 }' | tee -a "$work/times"
done
sort -n "$work/times" | awk '{ t[NR] = $1 } END { printf "median quick_check %.2f s over %d rounds\n", t[int((NR + 1) / 2)], NR }'
