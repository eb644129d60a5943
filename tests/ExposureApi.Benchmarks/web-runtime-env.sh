#!/usr/bin/env bash
# Prints, one per line, the DOTNET_* environment settings equivalent to the runtime settings in a runtimeconfig.json
# (the web host's), so a benchmark loop can run under exactly the settings the service ships with.
#   tests/ExposureApi.Benchmarks/web-runtime-env.sh PATH/ExposureApi.runtimeconfig.json
set -euo pipefail
config=$1
for pair in System.GC.Server:DOTNET_gcServer System.GC.RetainVM:DOTNET_GCRetainVM System.GC.ConserveMemory:DOTNET_GCConserveMemory \
            System.Runtime.TieredCompilation:DOTNET_TieredCompilation System.Runtime.TieredPGO:DOTNET_TieredPGO; do
  value=$(sed -n "s/.*\"${pair%%:*}\": \([a-z0-9]*\).*/\1/p" "$config")
  case "$value" in
    '') continue ;;
    true) value=1 ;;
    false) value=0 ;;
  esac
  echo "${pair#*:}=$value"
done
