// The extension's pure parts, tested in Node (tests/extension/): what it sends tiercart's
// server and how it reads the server's answers. Amounts and the time left are written by the
// shared helper on the table generated from the core's (web/tiercart-format.js). No decision is made
// here: offers, prices and edit rights all come from the server, offers for the order it holds
// (the order's lines are never sent).

// A Shopify global id's number ("gid://shopify/Order/42" -> "42"); null when it has none.
export function numericId(gid) {
  const match = /(\d{1,18})$/.exec(String(gid ?? ''));
  return match ? match[1] : null;
}

// The first problem of each field, as the server's invalid_address answer lists them.
export function problemsByField(problems) {
  const out = {};
  for (const problem of problems || []) if (problem?.field && !(problem.field in out)) out[problem.field] = problem;
  return out;
}
