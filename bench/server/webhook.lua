-- wrk script: signed orders/create webhooks, each with its own X-Shopify-Webhook-Id, so that
-- every request is a new verdict to validate and store (no de-duplication shortcut).
-- The body and its signature come from bench.sh (BENCH_BODY_FILE, BENCH_SIGNATURE).

local body_file = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
local body = body_file:read("*a")
body_file:close()
local signature = os.getenv("BENCH_SIGNATURE")
local run = os.getenv("BENCH_RUN") or tostring(os.time())
-- With BENCH_SHOPS > 1 the webhooks go round the shops bench.sh installed (bench-shop-N).
local shops = tonumber(os.getenv("BENCH_SHOPS") or "1")

local threads = {}
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_id", next_thread)
  table.insert(threads, thread)
end

local counter = 0
function request()
  counter = counter + 1
  local shop = "northbound-supply.myshopify.com"
  if shops > 1 then shop = "bench-shop-" .. ((counter * 7 + thread_id) % shops) .. ".myshopify.com" end
  return wrk.format("POST", "/webhooks/orders/create", {
    ["Content-Type"] = "application/json",
    ["X-Shopify-Topic"] = "orders/create",
    ["X-Shopify-Shop-Domain"] = shop,
    ["X-Shopify-Hmac-Sha256"] = signature,
    ["X-Shopify-Webhook-Id"] = run .. "-" .. thread_id .. "-" .. counter,
  }, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read +
                 summary.errors.write + summary.errors.timeout
  io.write(string.format(
    "RESULT validations_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f requests=%d failed=%d\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests, failed))
end
