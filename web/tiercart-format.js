// Money and time as text where the core is not at hand: the demo's Shopify payloads, the
// customer account extension, the order status element's countdown. The currency table is
// generated from the core's (tiercart-currencies.js, docs/money.md); amounts stay integers:
// digits are placed, never divided in floating point.

import { CODES_BY_EXPONENT } from './tiercart-currencies.js';

const EXPONENTS = new Map(
  Object.entries(CODES_BY_EXPONENT).flatMap(([exponent, codes]) =>
    codes.split(' ').map((code) => [code, Number(exponent)]),
  ),
);

// The ISO 4217 exponent of a currency: 0 for JPY, 3 for KWD, 2 for USD and for a code the
// core does not know.
export const exponentOf = (currency) => EXPONENTS.get(currency) ?? 2;

// An integer as decimal text with `places` decimals: (1530, 2) -> "15.30", (-5, 3) -> "-0.005".
export function placeDecimals(amount, places) {
  const digits = String(Math.abs(Math.trunc(amount))).padStart(places + 1, '0');
  const text = places ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return amount < 0 ? `-${text}` : text;
}

// Minor units as the decimal text Shopify's payloads and formatters take: 1530 USD -> "15.30",
// 1000 JPY -> "1000", 12345 KWD -> "12.345".
export const minorToDecimal = (amount, currency) => placeDecimals(amount, exponentOf(currency));

// Time left to act: "29:05" for 1745 seconds, "0:59", hours when longer ("1:02:03"), never
// below "0:00".
export function formatTimeLeft(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const pad = (n) => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours ? `${hours}:${pad(minutes)}:${pad(s % 60)}` : `${minutes}:${pad(s % 60)}`;
}
