// The obvious alternative to the wasm core, as a benchmark reference (issue "Speed and
// weight"): what a drawer written in plain JavaScript computes from the same three documents,
// JSON text in and out. Per bar: the measure (spend after discounts or items, gift lines and
// lines whose product carries an excluded tag left out), the tiers reached, the next one and
// what is left to it, the message with {{remaining}} and {{reward}} filled; then the gift
// lines to add. It does less than the core (one currency, no rates, eligibility, schedules,
// collections or validation of its input) and formats money as dollars: a lower bound for
// what such a function costs, so the ratio printed beside it flatters the plain side.
// Used by bench/wasm_bench.mjs and bench/wasm_browser_bench.mjs; never by the product.

function excluded(scope, productFacts) {
  const tags = scope?.exclude?.tags;
  if (!tags?.length || !productFacts?.tags) return false;
  return productFacts.tags.some((tag) => tags.includes(tag));
}

const dollars = (cents) => `$${(cents / 100).toFixed(2)}`;

export function evaluatePlain(programText, cartText, contextText) {
  const program = JSON.parse(programText);
  const cart = JSON.parse(cartText);
  const context = JSON.parse(contextText);
  const products = context.products || {};
  const inCart = new Set(cart.items.map((item) => item.variant_id));
  const bars = [];
  const add = [];
  for (const bar of program.bars) {
    const quantity = bar.metric === 'quantity';
    let measure = 0;
    for (const item of cart.items) {
      if (item.properties && item.properties._tiercart) continue;
      if (excluded(bar.scope, products[String(item.product_id)])) continue;
      measure += quantity ? item.quantity : item.final_line_price;
    }
    const reached = [];
    let next = null;
    for (const tier of bar.tiers) {
      if (measure >= tier.threshold) reached.push(tier.id);
      else if (!next) next = tier;
      if (measure >= tier.threshold && tier.reward.type === 'free_gift') {
        const gift = tier.reward.gifts[0];
        if (gift && !inCart.has(gift.variant_id)) add.push({ id: gift.variant_id, quantity: 1 });
      }
    }
    let message = '';
    if (next) {
      const left = next.threshold - measure;
      const texts = next.texts?.en || {};
      message = (texts.progress || '{{remaining}} to go')
        .replace('{{remaining}}', quantity ? String(left) : dollars(left))
        .replace('{{reward}}', texts.label || next.reward.type);
    }
    bars.push({ id: bar.id, measure, reached, next: next?.id ?? null, message });
  }
  return JSON.stringify({ bars, add });
}
