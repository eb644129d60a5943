# Sourced by the benchmark scripts that drive the web host over HTTP. Needs $root (the repository) and $work (a
# scratch folder the caller removes).
#   publish_app                    the Release build of the web host into $work/app, as the Dockerfile publishes it
#   bench_store                    creates the store as an operator does (init, a breach, a load), once
#   bench_key NAME                 creates the store if needed and prints a new key
#                                  with scope check and the rate limit lifted
#   start_app URL [NAME=VALUE...]  starts it from its folder, as the image does (so its appsettings.json applies):
#                                  Production, a bench pepper and salt, a store in $work, the rate limit lifted so the
#                                  hashing queue is what pushes back, plus the given settings; output in $work/app.log.
#                                  Sets $app to its process id and returns once /health/ready answers. With
#                                  APP_CORES set (such as 0), the app runs pinned to those cores from its start.
#   ok_per_second CONNECTIONS SECONDS [page]
#                                  wrk with check.lua against $url (pinned to LOAD_CORE when set): checks answered 200
#                                  per second; wrk's report in $work/wrk.txt
#   median_of                      the median of the numbers on standard input, one per line

publish_app() {
  dotnet publish "$root/src/ExposureApi/ExposureApi.csproj" -c Release -o "$work/app" -p:UseAppHost=false -v q -nologo >/dev/null
}

bench_env=(ASPNETCORE_ENVIRONMENT=Production Exposure__Store__Path="$work/store.db" Exposure__Hashing__Salt=exposure-bench-salt-v1
           Exposure__Hashing__Pepper=b5940ea59a8096c3d67f1be91ad3008c0b41aebc0b8d1bc8e77072e39a588854)

# The store as an operator makes it before the service will start and report ready outside Development: `exposure
# init`, one breach, and a load of one hashed number.
bench_store() {
  [ -f "$work/store.db" ] && return 0
  dotnet build -c Release "$root/src/ExposureApi.Cli" -v q -nologo >/dev/null
  local cli="$root/src/ExposureApi.Cli/bin/Release/net10.0/exposure.dll"
  env "${bench_env[@]}" dotnet "$cli" init >/dev/null
  printf '{"Name":"Bench","Title":"Bench","BreachDate":"2023-06-12","DataClasses":["Phone numbers"]}\n' > "$work/bench-breach.json"
  env "${bench_env[@]}" dotnet "$cli" breach add "$work/bench-breach.json" >/dev/null
  printf '+447700900000\n' > "$work/bench-dump.txt"
  env "${bench_env[@]}" dotnet "$cli" hash "$work/bench-dump.txt" -o "$work/bench-hashes.txt" >/dev/null 2>&1
  env "${bench_env[@]}" dotnet "$cli" load "$work/bench-hashes.txt" --breach Bench >/dev/null 2>&1
}

bench_key() {
  bench_store
  local cli="$root/src/ExposureApi.Cli/bin/Release/net10.0/exposure.dll"
  env "${bench_env[@]}" dotnet "$cli" keys add "$1" --scopes check --rate 1000000/min | tail -1
}

start_app() {
  local url=$1
  shift
  bench_store
  env "${bench_env[@]}" ASPNETCORE_URLS="$url" Exposure__RateLimits__AnonymousPerMinute=100000000 "$@" \
    ${APP_CORES:+taskset -c "$APP_CORES"} bash -c 'cd "$1" && exec dotnet ExposureApi.dll' - "$work/app" > "$work/app.log" 2>&1 &
  app=$!
  for _ in $(seq 60); do
    curl -sf "$url/health/ready" >/dev/null && return 0
    sleep 0.5
  done
  echo "the web host did not become ready; its output:" >&2
  cat "$work/app.log" >&2
  return 1
}

ok_per_second() {
  local connections=$1 seconds=$2
  shift 2
  ${LOAD_CORE:+taskset -c "$LOAD_CORE"} wrk -t1 -c"$connections" -d"${seconds}s" --timeout 30s \
    -s "$root/tests/ExposureApi.Benchmarks/check.lua" "$url/" ${1:+--} "$@" > "$work/wrk.txt"
  awk -v s="$seconds" '$1 == "status" && $2 == "200:" { ok = $3 } END { printf "%.1f", ok / s }' "$work/wrk.txt"
}

median_of() {
  sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
