#!/usr/bin/env bash
# A short libFuzzer run of every harness, seeded from examples/ and tests/fixtures/.
# Usage: fuzz-smoke.sh [seconds per harness]. Longer runs: FUZZ_SECONDS=600 make test-fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
bin=build/fuzz/bin
work=build/fuzz/corpus
# Two harnesses at a time, one a core: each gets its full time, the run takes half as long.
jobs=$(nproc 2>/dev/null || echo 2)

fuzz_one() {
  local entry=$1 corpus seeds log runs
  corpus=$work/$entry
  mkdir -p "$corpus"
  case $entry in
    context) seeds=(examples/contexts) ;;
    program) seeds=(examples/programs) ;;
    cart) seeds=(examples/carts) ;;
    order) seeds=(examples/orders) ;;
    function) seeds=(tests/function-fixtures/*/) ;;
    json_reader) seeds=(examples/contexts examples/programs examples/carts examples/orders) ;;
    json_writer) seeds=(examples/carts) ;;
    evaluate)
      # Seeds for the combined harness: program, cart and context joined by NUL bytes.
      for program in examples/programs/*.json; do
        for cart in examples/carts/*.json; do
          out=$corpus/seed-$(basename "$program" .json)-$(basename "$cart" .json)
          [ -f "$out" ] || { cat "$program"; printf '\0'; cat "$cart"; printf '\0{}'; } > "$out"
        done
      done
      seeds=() ;;
    offers)
      # order NUL catalog NUL context
      for order in examples/orders/*.json; do
        out=$corpus/seed-$(basename "$order" .json)
        [ -f "$out" ] || { cat "$order"; printf '\0'; cat examples/offers/northbound.json; printf '\0';
                           cat examples/contexts/post-purchase.json; } > "$out"
      done
      seeds=() ;;
    edit_window)
      # order NUL policy NUL time
      for policy in examples/edit-policies/*.json; do
        out=$corpus/seed-$(basename "$policy" .json)
        [ -f "$out" ] || { cat examples/orders/post-purchase-coffee.json; printf '\0'; cat "$policy";
                           printf '\0'; printf '2026-11-21T12:15:00Z'; } > "$out"
      done
      seeds=() ;;
    app_proxy)
      # query strings as Shopify forwards them, and the re-split forms refused
      printf 'shop=northbound-supply.myshopify.com&logged_in_customer_id=&path_prefix=%%2Fapps%%2Ftiercart&timestamp=1764547200&m=%%2F42' > "$corpus/seed-signed-out"
      printf 'logged_in_customer_id=m%%3D%%2F42&shop=a.myshopify.com&timestamp=1&extra=1&extra=1&a=b=c' > "$corpus/seed-resplit"
      seeds=() ;;
    address)
      # address NUL options
      for address in examples/addresses/*.json; do
        out=$corpus/seed-$(basename "$address" .json)
        [ -f "$out" ] || { cat "$address"; printf '\0{"shipping_method":{"po_box":false},"countries":["US","CA"]}'; } > "$out"
      done
      seeds=() ;;
    theme_program)
      # settings_data.json NUL options, from the golden fixtures
      for fixture in tests/fixtures/*theme-settings*.input.json; do
        out=$corpus/seed-$(basename "$fixture" .input.json)
        [ -f "$out" ] || python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
sys.stdout.write(d["settings_data"] + "\0" + json.dumps(d["options"]))' "$fixture" > "$out"
      done
      seeds=() ;;
  esac
  log=$work/$entry.log
  if ! "$bin/fuzz_$entry" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$work/" "$corpus" "${seeds[@]}" >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz: fuzz_$entry failed; the crashing input is in $work/"
    return 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  echo "$runs" >"$work/$entry.runs"
  echo "fuzz: fuzz_$entry ran $runs inputs in ${seconds}s, no crash"
}

failed=0
running=0
for entry in context program cart order evaluate function offers edit_window address theme_program app_proxy \
  json_reader json_writer; do
  if ((running >= jobs)); then
    wait -n || failed=1
    running=$((running - 1))
  fi
  fuzz_one "$entry" &
  running=$((running + 1))
done
while ((running > 0)); do
  wait -n || failed=1
  running=$((running - 1))
done
if ((failed)); then
  echo "fuzz: a harness failed (above)"
  exit 1
fi
total=0
for counted in "$work"/*.runs; do total=$((total + $(cat "$counted"))); done
echo "fuzz: $total inputs in all"
