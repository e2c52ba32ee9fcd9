// The extension's pure parts, tested in Node (tests/extension/): what it sends tiercart's
// server, and how it writes amounts and the time left. No decision is made here: offers,
// prices and edit rights all come from the server.

// A Shopify global id's number ("gid://shopify/Order/42" -> "42"); null when it has none.
export function numericId(gid) {
  const match = /(\d{1,18})$/.exec(String(gid ?? ''));
  return match ? match[1] : null;
}

// The order's lines as the server's offer routes read them (the shape of Shopify's
// post-purchase initialPurchase): ids, quantities and line totals as decimal strings.
export function purchaseFromLines(lines, currency) {
  return {
    initialPurchase: {
      totalPriceSet: {
        presentmentMoney: { amount: '0', currencyCode: currency },
        shopMoney: { amount: '0', currencyCode: currency },
      },
      lineItems: (lines || [])
        .filter((line) => line?.merchandise?.id && line.merchandise.product?.id)
        .map((line) => ({
          quantity: line.quantity,
          product: { id: numericId(line.merchandise.product.id), variant: { id: numericId(line.merchandise.id) } },
          totalPriceSet: {
            presentmentMoney: { amount: String(line.cost?.totalAmount?.amount ?? '0'), currencyCode: currency },
          },
        })),
    },
  };
}

const EXPONENTS = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, HUF: 2, KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3 };

// Minor units as the decimal text Shopify's formatter takes ("1530" USD -> "15.30"): the
// digits are placed, never divided in floating point.
export function minorToDecimal(amount, currency) {
  const exponent = EXPONENTS[currency] ?? 2;
  const negative = amount < 0;
  const digits = String(Math.abs(Math.trunc(amount))).padStart(exponent + 1, '0');
  const text = exponent ? `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}` : digits;
  return negative ? `-${text}` : text;
}

// "29:05" for 1745 seconds; "1:02:03" past an hour.
export function formatLeft(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const pad = (n) => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours ? `${hours}:${pad(minutes)}:${pad(s % 60)}` : `${minutes}:${pad(s % 60)}`;
}

// The first problem of each field, as the server's invalid_address answer lists them.
export function problemsByField(problems) {
  const out = {};
  for (const problem of problems || []) if (problem?.field && !(problem.field in out)) out[problem.field] = problem;
  return out;
}
