// The documents bench/core_bench.cpp measures natively, as JS values, so the wasm figures
// (bench/wasm_bench.mjs in Node, bench/wasm_browser_bench.mjs in Chromium) compare with it:
// a two-bar program whose scope needs product facts, and carts of 1, 20 and 250 lines.

export const program = {
  format: 1,
  id: 'bench',
  version: 1,
  currency: 'USD',
  bars: [
    {
      id: 'spend',
      scope: { exclude: { tags: ['clearance'] } },
      tiers: [
        {
          id: 'ship',
          threshold: 5000,
          reward: { type: 'free_shipping' },
          texts: { en: { label: 'free shipping', progress: '{{remaining}} to {{reward}}' } },
        },
        {
          id: 'tote',
          threshold: 10000,
          reward: {
            type: 'free_gift',
            gifts: [{ variant_id: 9001 }, { variant_id: 9002 }],
            choose: 1,
          },
          texts: { en: { label: 'a free tote', progress: '{{remaining}} to {{reward}}' } },
        },
      ],
    },
    {
      id: 'items',
      metric: 'quantity',
      tiers: [{ id: 'ten', threshold: 10, reward: { type: 'order_discount', percent: 10 } }],
    },
  ],
};

export function makeCart(lines) {
  const items = [];
  for (let i = 0; i < lines; i += 1) {
    const variant = 2001 + i;
    const price = 1000 + 37 * i;
    items.push({
      id: variant,
      variant_id: variant,
      product_id: 1001 + i,
      key: `${variant}:abc`,
      quantity: 2,
      properties: {},
      price,
      original_price: price,
      final_price: price,
      original_line_price: 2 * price,
      final_line_price: 2 * price,
      title: `Product ${variant}`,
      product_type: 'Coffee',
      gift_card: false,
      requires_shipping: true,
      vendor: 'Roaster',
      sku: `SKU${variant}`,
    });
  }
  return { currency: 'USD', items, cart_level_discount_applications: [] };
}

export function makeContext(lines) {
  const products = {};
  for (let i = 0; i < lines; i += 1) {
    products[String(1001 + i)] = {
      tags: [i % 7 === 3 ? 'clearance' : 'regular'],
      collections: ['all'],
    };
  }
  return { now: '2026-11-21T12:00:00Z', products };
}

export const cartSizes = [1, 20, 250];

// Milliseconds per call for `run`, after a warm-up: {p50, p99, mean, runs}.
export function measure(run, { runs, warmup = 50, now = () => performance.now() }) {
  for (let i = 0; i < warmup; i += 1) run();
  const times = new Float64Array(runs);
  for (let i = 0; i < runs; i += 1) {
    const start = now();
    run();
    times[i] = now() - start;
  }
  times.sort();
  const at = (q) => times[Math.min(runs - 1, Math.floor(q * runs))];
  return { p50: at(0.5), p99: at(0.99), mean: times.reduce((a, b) => a + b, 0) / runs, runs };
}

export const runsFor = (lines) => (lines >= 250 ? 400 : lines >= 20 ? 2000 : 5000);
