#!/usr/bin/env bash
# Webhook throughput of tiercart-server with durable storage, on loopback, bounded in time:
# wrk sends signed orders/create webhooks (each a new webhook id: validated by the core and
# committed before the 200) over 64 keep-alive connections, first to SQLite (WAL,
# synchronous=FULL), then to a throwaway PostgreSQL (fsync on) that is started and stopped here.
# Prints validations/s and p50/p99 latency for each, and then the same on SQLite with the
# webhooks spread over SHOPS installed shops (1,000 by default), each with its own program
# and context: the figure should stay within 20% of the one-shop figure.
#
#   bench/server/bench.sh [path/to/tiercart-server]
#   DURATION=10s CONNECTIONS=64 WRK_THREADS=2 bench/server/bench.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
postgres_run=""
if [ "${1:-}" = "--postgres-run" ]; then postgres_run=1; shift; fi  # called back, see below
server="${1:-$root/build/bin/tiercart-server}"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-64}"
wrk_threads="${WRK_THREADS:-2}"
shops="${SHOPS:-1000}"

for tool in wrk curl openssl; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is missing (Debian: apt-get install $tool)" >&2; exit 1; }
done
[ -x "$server" ] || { echo "bench.sh: $server is not built (make build-native)" >&2; exit 1; }

# One run against one database URL: start the server, give it the example program and
# context, load it with wrk, stop it.
run_one() {
  local label="$1" database="$2" shop_count="${3:-1}" work
  work="$(mktemp -d /tmp/tiercart-bench-XXXXXX)"
  export TIERCART_APP_SECRET="bench-secret" TIERCART_ADMIN_TOKEN="bench-token"
  "$server" --port 0 --database "$database" --threads $((connections + 16)) \
    >"$work/server.out" 2>"$work/server.err" &
  local pid=$!
  trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' RETURN
  local port=""
  for _ in $(seq 100); do
    port="$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$work/server.out" 2>/dev/null || true)"
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$work/server.err" >&2; return 1; }
  local base="http://127.0.0.1:$port" auth="Authorization: Bearer bench-token"
  # Each shop gets the example context and program (the operator names the shop); with one
  # shop it is the demo's, with more they are bench-shop-N.
  local n shop
  for ((n = 0; n < shop_count; n++)); do
    shop="bench-shop-$n.myshopify.com"
    [ "$shop_count" -eq 1 ] && shop="northbound-supply.myshopify.com"
    [ "$n" -gt 0 ] && echo next
    printf 'url = "%s/admin/context?shop=%s"\nrequest = "PUT"\nheader = "%s"\ndata-binary = "@%s"\noutput = "/dev/null"\n' \
      "$base" "$shop" "$auth" "$root/examples/contexts/catalog.json"
    printf 'next\nurl = "%s/admin/programs?shop=%s"\nrequest = "POST"\nheader = "%s"\ndata-binary = "@%s"\noutput = "/dev/null"\n' \
      "$base" "$shop" "$auth" "$root/examples/programs/free-shipping-and-tote.json"
  done >"$work/install.curl"
  curl -sf --config "$work/install.curl" >/dev/null
  export BENCH_SHOPS="$shop_count"

  local body="$root/examples/orders/orders-create-earned.json"
  export BENCH_BODY_FILE="$body" BENCH_RUN="$label-$$"
  BENCH_SIGNATURE="$(openssl dgst -sha256 -hmac "$TIERCART_APP_SECRET" -binary "$body" | base64 -w0)"
  export BENCH_SIGNATURE
  local result
  result="$(wrk -t"$wrk_threads" -c"$connections" -d"$duration" --timeout 5s \
    -s "$root/bench/server/webhook.lua" "$base" | grep '^RESULT')"
  local stored
  stored="$(curl -sf -H "$auth" "$base/metrics" | sed -n 's/^tiercart_webhooks_total{outcome="stored"} //p')"
  local batches
  batches="$(curl -sf -H "$auth" "$base/metrics" | sed -n 's/^tiercart_commit_batches_total //p')"
  # CPU time the server spent per stored webhook: unlike throughput, barely affected by
  # whatever else the machine is running.
  local ticks cpu_us
  ticks="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
  cpu_us="$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$stored" \
    'BEGIN { if (n > 0) printf "%.0f", t / hz * 1e6 / n; else print "n/a" }')"
  kill -TERM "$pid"
  wait "$pid" || true
  printf '%-16s %s stored=%s commits=%s server_cpu_us_per_webhook=%s (connections=%s, %s, shops=%s)\n' \
    "$label" "${result#RESULT }" "$stored" "$batches" "$cpu_us" "$connections" "$duration" "$shop_count"
}

if [ -n "$postgres_run" ]; then
  # Called back by with_postgres.sh, with the database server's URL in the environment.
  run_one postgres "$TIERCART_TEST_DATABASE_URL"
  exit 0
fi

echo "tiercart-server webhook benchmark: wrk -t$wrk_threads -c$connections -d$duration on 127.0.0.1, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg) before the run"
sqlite_dir="$(mktemp -d /tmp/tiercart-bench-sqlite-XXXXXX)"
trap 'rm -rf "$sqlite_dir"' EXIT
run_one sqlite "sqlite:$sqlite_dir/bench.db"
bash "$root/tests/server/with_postgres.sh" bash "$root/bench/server/bench.sh" --postgres-run "$server"
run_one "sqlite-$shops-shops" "sqlite:$sqlite_dir/bench-shops.db" "$shops"
