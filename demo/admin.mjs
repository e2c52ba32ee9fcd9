// The merchant's view of the app in the demo (in Shopify, an embedded app page): the
// verdicts tiercart's server stored for the demo's orders, flagged orders first.
// Rendered with liquidjs escaping every output: order data is shopper-controlled text.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Liquid } from 'liquidjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const engine = new Liquid({
  root: path.join(here, 'admin'),
  extname: '.liquid',
  outputEscape: 'escape',
  strictFilters: true,
});

// The lines a verdict refuses, with the core's reason code and message.
function problems(verdict) {
  const out = [];
  for (const entry of verdict?.verdicts || []) {
    if (entry.error) out.push({ reason: entry.error.code, message: entry.error.message });
    for (const line of entry.lines || [])
      if (!line.earned) out.push({ reason: line.reason, message: line.message || '' });
  }
  return out;
}

export async function renderAdmin({ app, store, shop, flaggedOnly }) {
  if (!app) {
    return engine.renderFile('verdicts', {
      shop,
      error: "tiercart's server is not running: build it with `make build-native` and restart the demo.",
    });
  }
  const { verdicts } = await app.verdicts(flaggedOnly ? '?flagged=true' : '');
  const rows = verdicts.map((v) => ({
    order_id: v.order_id,
    name: store.order(v.order_id)?.name || `#${v.order_id}`,
    earned: v.earned,
    tags: v.tags,
    problems: problems(v.verdict),
    received_at: new Date(v.received_at).toISOString(),
  }));
  return engine.renderFile('verdicts', {
    shop,
    flagged_only: flaggedOnly,
    rows,
    flagged_count: rows.filter((r) => !r.earned).length,
    earned_count: rows.filter((r) => r.earned).length,
  });
}
