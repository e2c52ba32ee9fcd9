#!/usr/bin/env bash
# cpp-httplib against Boost.Beast, doing the same webhook work (bench/server/http-layer/):
# builds the two probe servers into build/http-layer, then loads each with wrk (signed
# orders/create webhooks over keep-alive connections, bench/server/webhook.lua), with no
# commit wait and with a modelled commit wait, REPEAT times in turn so that a change in the
# machine's load touches every case alike. One line per run: requests/s, latency, failures,
# the server's CPU time and context switches per request. Not part of make test.
#
#   bench/server/http-layer.sh
#   REPEAT=3 DURATION=10s CONNECTIONS=64 WRK_THREADS=2 WAITS="0 2" BEAST_THREADS=2 \
#     bench/server/http-layer.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-64}"
wrk_threads="${WRK_THREADS:-2}"
repeat="${REPEAT:-3}"
waits="${WAITS:-0 2}"
# As bench.sh runs tiercart-server: a worker for every connection, and some to spare.
httplib_threads="${HTTPLIB_THREADS:-$((connections + 16))}"
beast_threads="${BEAST_THREADS:-2}"
build="$root/build/http-layer"

for tool in wrk curl openssl cmake; do
  command -v "$tool" >/dev/null || { echo "http-layer.sh: $tool is missing (Debian: apt-get install $tool)" >&2; exit 1; }
done
if [ ! -f /usr/include/boost/beast.hpp ]; then
  echo "http-layer.sh: Boost.Beast is missing (Debian: apt-get install --no-install-recommends libboost-dev)" >&2
  exit 1
fi

cmake -S "$root/bench/server/http-layer" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 >/dev/null

work="$(mktemp -d /tmp/tiercart-http-layer-XXXXXX)"
pid=""
wrk_pid=""
runs=0
cleanup() {
  for started in $wrk_pid $pid; do
    kill "$started" 2>/dev/null || true
    wait "$started" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export TIERCART_APP_SECRET="bench-secret"
body="$root/examples/orders/orders-create-earned.json"
BENCH_SIGNATURE="$(openssl dgst -sha256 -hmac "$TIERCART_APP_SECRET" -binary "$body" | base64 -w0)"
export BENCH_BODY_FILE="$body" BENCH_SIGNATURE
hz="$(getconf CLK_TCK)"

# Voluntary and involuntary context switches of all the server's threads so far.
switches() {
  cat /proc/"$1"/task/*/status 2>/dev/null |
    awk '/^voluntary_ctxt_switches/ {v += $2} /^nonvoluntary_ctxt_switches/ {n += $2} END {print v + 0, n + 0}'
}

# One run: start the probe on an ephemeral port of 127.0.0.1, check one webhook is judged,
# load it for $duration, read its CPU time and context switches, stop it.
run_one() {
  local probe="$1" threads="$2" wait_ms="$3" port=""
  # A fresh file per run: reading a reused one could find the previous probe's port
  # before the new one has truncated it.
  runs=$((runs + 1))
  local out="$work/out-$runs"
  (cd "$root" && exec "$build/$probe" --threads "$threads" --commit-wait-ms "$wait_ms") \
    >"$out" 2>"$work/err" &
  pid=$!
  for _ in $(seq 100); do
    port="$(sed -n 's/.* listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$out" 2>/dev/null || true)"
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$work/err" >&2; return 1; }
  local url="http://127.0.0.1:$port"
  # Read whole before matching: grep -q would close the pipe early and fail the pipeline.
  # No Expect: 100-continue (curl's habit for bodies over 1 KiB; Shopify does not send it).
  local answer
  answer="$(curl -sf --max-time 5 -X POST -H "Content-Type: application/json" -H "Expect:" \
    -H "X-Shopify-Hmac-Sha256: $BENCH_SIGNATURE" -H "X-Shopify-Webhook-Id: check-$probe" \
    --data-binary @"$body" "$url/webhooks/orders/create" || true)"
  if [[ "$answer" != *'"earned":true'* ]]; then
    echo "http-layer.sh: $probe did not judge a signed webhook" >&2
    return 1
  fi
  local load before after result
  load="$(cut -d' ' -f1 /proc/loadavg)"
  before="$(switches "$pid")"
  local ticks_before
  ticks_before="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
  export BENCH_RUN="$probe-$wait_ms-$$-$RANDOM"
  # In the background, so that an interrupted run stops wrk as well as the probe.
  timeout 120 wrk -t"$wrk_threads" -c"$connections" -d"$duration" --timeout 5s \
    -s "$root/bench/server/webhook.lua" "$url" >"$work/wrk" &
  wrk_pid=$!
  wait "$wrk_pid"
  wrk_pid=""
  result="$(grep '^RESULT' "$work/wrk")"
  after="$(switches "$pid")"
  local ticks requests
  ticks="$(awk -v b="$ticks_before" '{print $14 + $15 - b}' "/proc/$pid/stat")"
  requests="$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$result")"
  kill -TERM "$pid"
  wait "$pid" || true
  pid=""
  awk -v probe="$probe" -v threads="$threads" -v wait_ms="$wait_ms" -v load="$load" \
      -v result="${result#RESULT }" -v ticks="$ticks" -v hz="$hz" -v n="$requests" \
      -v before="$before" -v after="$after" 'BEGIN {
    split(before, b, " "); split(after, a, " ")
    gsub("validations_per_s", "requests_per_s", result)
    if (n > 0) {
      cpu = sprintf("%.0f", ticks / hz * 1e6 / n)
      vol = sprintf("%.2f", (a[1] - b[1]) / n); inv = sprintf("%.2f", (a[2] - b[2]) / n)
    } else { cpu = vol = inv = "n/a" }
    printf "%-13s threads=%-3s wait_ms=%s load=%-5s %s server_cpu_us_per_req=%s vol_cs_per_req=%s invol_cs_per_req=%s\n",
      probe, threads, wait_ms, load, result, cpu, vol, inv
  }'
}

echo "HTTP layer probes: wrk -t$wrk_threads -c$connections -d$duration on 127.0.0.1, $(nproc) cores, $repeat rounds, commit waits: $waits ms"
for round in $(seq "$repeat"); do
  for wait_ms in $waits; do
    run_one httplib_probe "$httplib_threads" "$wait_ms"
    run_one beast_probe "$beast_threads" "$wait_ms"
  done
done
