#!/usr/bin/env bash
# Overload run of issue 6: the Release build at the default Argon2 parameters, 500 connections for DURATION seconds
# against POST /api/v1/check (rate limit lifted so the hashing queue is what pushes back), peak RSS sampled every
# second, then one check right after the load. Needs wrk (Debian package 'wrk').
#   tests/ExposureApi.Benchmarks/bench-overload.sh [DURATION] [CONNECTIONS]
set -euo pipefail
DURATION=${1:-60}
CONNECTIONS=${2:-500}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'kill "$app" 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet publish "$root/src/ExposureApi/ExposureApi.csproj" -c Release -o "$work/app" -p:UseAppHost=false -v q -nologo >/dev/null
ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS=http://127.0.0.1:5077 Logging__LogLevel__Default=Warning \
Exposure__Store__Path="$work/store.db" Exposure__Hashing__Salt=exposure-bench-salt-v1 \
Exposure__Hashing__Pepper=5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed \
Exposure__RateLimits__AnonymousPerMinute=100000000 \
  dotnet "$work/app/ExposureApi.dll" > "$work/app.log" 2>&1 &
app=$!
for _ in $(seq 60); do curl -sf http://127.0.0.1:5077/health/ready >/dev/null && break; sleep 0.5; done

( while kill -0 "$app" 2>/dev/null; do grep VmHWM /proc/$app/status; sleep 1; done ) > "$work/rss" &
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s -s "$root/tests/ExposureApi.Benchmarks/check.lua" http://127.0.0.1:5077/
echo "peak RSS: $(tail -1 "$work/rss")"
curl -s -o /dev/null -w "first check after the load: %{http_code} in %{time_total}s\n" http://127.0.0.1:5077/api/v1/check \
  -H 'content-type: application/json' -d '{"phoneNumber":"+447700900001"}'
curl -s http://127.0.0.1:5077/metrics | grep '^exposure_checks_total'
