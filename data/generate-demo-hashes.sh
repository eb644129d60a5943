#!/usr/bin/env bash
# Regenerates data/demo/*.hashes: the demo store's exposed-number hashes.
#
# Every number is drawn from ranges reserved for fiction, so no real subscriber is ever shown as exposed:
#   - Ofcom's drama range, +44 7700 900000 to +44 7700 900999;
#   - the North American 555-0100 to 555-0199 range, under twenty area codes.
# Whether a number is in a breach follows from its index i (the last three digits for the UK numbers,
# the last four for the North American ones): CoWIN2023 when i is divisible by 2, ExampleTelco2024 by 3,
# DemoShopLoyalty2021 by 5, DemoDatingApp2022 by 7. A number whose index has none of those factors is not
# exposed anywhere.
#
# The hashes are computed with the reference tools, not with ExposureApi, so the demo store doubles as a
# check that the scheme is reproducible: HMAC-SHA256 with openssl, then Argon2id with the `argon2` command.
# Needs: openssl, argon2 (Debian packages 'openssl' and 'argon2'), GNU xargs.
set -euo pipefail

PEPPER=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f   # the published demo pepper
SALT=exposure-demo-salt-v1                                               # the published demo salt
M=19456 T=2 P=1
AREA_CODES="202 206 212 213 303 305 312 404 415 503 512 602 617 702 713 718 804 808 907 919"
OUT="$(cd "$(dirname "$0")" && pwd)/demo"

salt_id=$(printf '%s' "$SALT" | sha256sum | cut -c1-16)
key_id=$(printf '%s' exposure-key-id | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$PEPPER" -r | cut -c1-16)
scheme="exposure-argon2id-v1;m=$M;t=$T;p=$P;salt=$salt_id;key=$key_id"

numbers() {
  for i in $(seq 0 999); do printf '+447700900%03d %d\n' "$i" "$i"; done
  for area in $AREA_CODES; do
    for i in $(seq 100 199); do printf '+1%s5550%d %d\n' "$area" "$i" "$i"; done
  done
}

hash_one() {
  local p
  p=$(printf '%s' "$1" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$PEPPER" -r | cut -c1-64)
  printf '%s' "$p" | argon2 "$SALT" -id -t "$T" -k "$M" -p "$P" -l 32 -r
}
export -f hash_one
export PEPPER SALT M T P

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# "<hash> <index>" for every number that is in at least one breach, hashed on all cores.
numbers | while read -r number i; do
  if (( i % 2 == 0 || i % 3 == 0 || i % 5 == 0 || i % 7 == 0 )); then printf '%s %s\n' "$number" "$i"; fi
done | xargs -P "$(nproc)" -L 1 bash -c 'printf "%s %s\n" "$(hash_one "$0")" "$1"' > "$work/hashed"

write_breach() { # name divisor
  local file="$OUT/$1.hashes"
  awk -v d="$2" '$2 % d == 0 { print $1 }' "$work/hashed" | LC_ALL=C sort > "$work/$1"
  {
    printf '# exposure-hashes v1\n# scheme: %s\n# count: %d\n' "$scheme" "$(wc -l < "$work/$1")"
    cat "$work/$1"
  } > "$file"
  echo "$file: $(wc -l < "$work/$1") hashes"
}

mkdir -p "$OUT"
write_breach CoWIN2023 2
write_breach ExampleTelco2024 3
write_breach DemoShopLoyalty2021 5
write_breach DemoDatingApp2022 7
