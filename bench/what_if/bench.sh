#!/usr/bin/env bash
# What-if throughput: `tiercart what-if` on generated orders exports shaped like Shopify's
# (make_export.py: 1 to 4 lines an order, quoted notes, 3% cancelled) of 1,000 and 100,000
# orders, with the example program and catalog. Prints the median of RUNS runs (default 5):
# wall time from the file to the JSON answer (CSV split, orders read, program replayed) and
# orders replayed per second.
#
#   bash bench/what_if/bench.sh            (make bench-what-if builds the CLI first)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
tiercart="$repo/build/bin/tiercart"
runs="${RUNS:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for orders in 1000 100000; do
  python3 "$repo/bench/what_if/make_export.py" "$orders" --seed 3 >"$work/export.csv"
  bytes=$(wc -c <"$work/export.csv")
  rows=$(($(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1]))))' "$work/export.csv") - 1))
  times=()
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$tiercart" what-if --program "$repo/examples/programs/free-shipping-and-tote.json" \
      --context "$repo/examples/contexts/catalog.json" --orders "$work/export.csv" >"$work/out.json"
    end=$(date +%s%N)
    times+=($(((end - start) / 1000)))
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
  replayed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["orders"])' "$work/out.json")
  python3 - "$orders" "$rows" "$bytes" "$median" "$replayed" <<'PY'
import sys
orders, rows, size, micros, replayed = (int(x) for x in sys.argv[1:])
print(f"what-if {orders:>7,} orders ({rows:,} rows, {size / 1e6:.1f} MB): "
      f"{micros / 1e3:8.1f} ms median, {replayed / (micros / 1e6):>10,.0f} orders/s "
      f"({replayed:,} replayed, the rest cancelled)")
PY
done
