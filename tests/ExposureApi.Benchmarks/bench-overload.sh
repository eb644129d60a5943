#!/usr/bin/env bash
# Overload run of issue 6: the Release build at the default Argon2 parameters, CONNECTIONS connections for DURATION
# seconds against POST /api/v1/check (rate limit lifted so the hashing queue is what pushes back). Alongside the
# crowd, for the same DURATION: one client checking in a loop on 2 connections (an accepted check's latency, seen from
# outside), and GET /api/v1/breaches and GET /health/ready at 5 requests/s each (non-hash endpoints under the load).
# The app runs from its publish folder with its appsettings.json and logs as shipped (LOG_LEVEL overrides the default
# level; KEEP_LOG=FILE keeps its output). Peak RSS is sampled every second; afterwards one check, the accepted checks'
# p99 from the server's own histogram, and the check counters. Needs wrk and hey (Debian packages 'wrk' and 'hey').
# GENERATOR_NICE=19 runs the load generators at the lowest CPU priority: the service without the crowd's own CPU.
#   [GENERATOR_NICE=N] [LOG_LEVEL=L] [KEEP_LOG=FILE] tests/ExposureApi.Benchmarks/bench-overload.sh [DURATION] [CONNECTIONS]
set -euo pipefail
DURATION=${1:-60}
CONNECTIONS=${2:-500}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
app=
trap '[ -n "$app" ] && kill "$app" 2>/dev/null; [ -n "${KEEP_LOG:-}" ] && cp "$work/app.log" "$KEEP_LOG"; rm -rf "$work"' EXIT
url=http://127.0.0.1:5077
gen="nice -n ${GENERATOR_NICE:-0}"

source "$root/tests/ExposureApi.Benchmarks/bench-app.sh"
publish_app
start_app $url Logging__LogLevel__Default="${LOG_LEVEL:-Information}"

( while kill -0 "$app" 2>/dev/null; do grep VmHWM /proc/$app/status; sleep 1; done ) > "$work/rss" &
probes=()
$gen hey -z "${DURATION}s" -c 2 -m POST -T application/json -d '{"phoneNumber":"+447700900123"}' -o csv $url/api/v1/check > "$work/citizen.csv" &
probes+=($!)
$gen hey -z "${DURATION}s" -c 1 -q 5 -o csv $url/api/v1/breaches > "$work/breaches.csv" &
probes+=($!)
$gen hey -z "${DURATION}s" -c 1 -q 5 -o csv $url/health/ready > "$work/ready.csv" &
probes+=($!)
$gen wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s -s "$root/tests/ExposureApi.Benchmarks/check.lua" $url/
wait "${probes[@]}"

# hey's CSV: response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset
summary() { # FILE LABEL: count by status, and latency percentiles of the given status
  awk -F, -v label="$2" 'NR > 1 { n[$7]++; if ($7 == 200) print $1 } END { for (s in n) printf "%s: status %s x %d\n", label, s, n[s] > "/dev/stderr" }' "$1" \
    | sort -n | awk -v label="$2" '{ t[NR] = $1 } END { if (NR) printf "%s: 200s p50 %.0f ms, p99 %.0f ms, max %.0f ms\n", label, 1000 * t[int(NR * 0.5) + 1], 1000 * t[int(NR * 0.99) + (NR * 0.99 > int(NR * 0.99))], 1000 * t[NR] }'
}
summary "$work/citizen.csv" "a citizen's checks during the load" 2>&1
summary "$work/breaches.csv" "GET /api/v1/breaches during the load" 2>&1
summary "$work/ready.csv" "GET /health/ready during the load" 2>&1
echo "peak RSS: $(tail -1 "$work/rss")"
curl -s -o /dev/null -w "first check after the load: %{http_code} in %{time_total}s\n" $url/api/v1/check \
  -H 'content-type: application/json' -d '{"phoneNumber":"+447700900001"}'
curl -s $url/metrics > "$work/metrics"
grep '^exposure_checks_total' "$work/metrics"
# The server's own view of accepted checks (200) and of turned-away ones (503): p99 read off the histogram buckets.
for status in 200 503; do
  grep '^http_server_request_duration_seconds_bucket' "$work/metrics" | grep 'http_route="/api/v1/check"' \
    | grep "http_response_status_code=\"$status\"" | sed -E 's/.*le="([^"]+)"} ([0-9]+).*/\1 \2/' \
    | awk -v s="$status" '{ le[NR] = $1; c[NR] = $2 } END { if (!NR) exit; total = c[NR]; for (i = 1; i <= NR; i++) if (c[i] >= 0.99 * total) { printf "server-side p99 of %s answers to POST /api/v1/check: <= %s s (%d answers)\n", s, le[i], total; exit } }'
done
