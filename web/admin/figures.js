// What the analytics and what-if pages read from the server's answers (docs/analytics.md):
// shares, days, tiers' names, and the subtotal chart both pages draw. Money is shown as the
// core's text; where only an amount exists (an axis tick) its decimals are placed by
// tiercart-format.js, never divided in floating point.
import { exponentOf, minorToDecimal, placeDecimals } from '../tiercart-format.js';

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

// Basis points (7500) as a share ("75%").
export const shareText = (bp) => percent.format((Number(bp) || 0) / 10000);

// An axis tick in minor units as decimal text: 2500 USD -> "25.00", 2500 JPY -> "2500".
export const moneyTick = (currency) => (value) => placeDecimals(Math.round(value), exponentOf(currency));

// An amount in minor units as money text ("$90.00"), for the amounts no answer gives as text:
// a program document's thresholds. Intl reads the decimal string exactly (no float division).
export function moneyText(amount, currency) {
  const decimal = minorToDecimal(Number(amount) || 0, currency);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(decimal);
  } catch {
    return `${decimal} ${currency}`; // a code Intl does not know
  }
}

// YYYY-MM-DD of a local date.
export function isoDay(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

// The last `days` days to today, both included.
export function lastDays(days, today = new Date()) {
  const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1));
  return { from: isoDay(from), to: isoDay(today) };
}

// A period's first day (YYYY-MM-DD, the shop's calendar) as the merchant reads it.
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
export function periodText(start, period) {
  const date = new Date(`${start}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return String(start);
  return (period === 'month' ? monthFormat : dayFormat).format(date);
}

// One key per tier across programs and bars.
export const tierKey = (tier) => `${tier.program}\u0000${tier.bar}\u0000${tier.tier}`;

// Tiers' names: the tier's id, with its bar when two bars share an id, and its program when the
// tiers come from more than one.
export function tierNames(tiers) {
  const programs = new Set(tiers.map((t) => t.program));
  const count = new Map();
  for (const t of tiers) count.set(t.tier, (count.get(t.tier) || 0) + 1);
  return new Map(
    tiers.map((t) => {
      let name = String(t.tier);
      if (count.get(t.tier) > 1) name = `${t.bar} › ${name}`;
      if (programs.size > 1) name = `${t.program}: ${name}`;
      return [tierKey(t), name];
    }),
  );
}

// A bar's range as text: "$50.00 to $55.00", "$150.00 and more".
export const rangeText = (bucket, t) =>
  bucket.to
    ? t('range', { from: String(bucket.from?.text ?? ''), to: String(bucket.to.text ?? '') })
    : t('range_open', { from: String(bucket.from?.text ?? '') });

// The subtotal distribution as a <tiercart-chart> spec: one bar per range on a money axis,
// each spend tier's threshold a line at its amount with its label. `programs`: [{name, thresholds: [{tier, amount, text}],
// color, dash}], one line style each (the what-if page draws two programs).
export function subtotalChart(subtotals, programs, currency, t) {
  const buckets = Array.isArray(subtotals?.buckets) ? subtotals.buckets : [];
  const width = Number(subtotals?.width?.amount) || 1;
  const from = (b) => Number(b.from?.amount) || 0;
  // The open last bar is drawn as wide as the others.
  const to = (b) => (b.to ? Number(b.to.amount) : from(b) + width);
  const lines = [];
  const inBucket = buckets.map(() => []);
  const drawn = new Set();
  for (const program of programs) {
    for (const threshold of program.thresholds) {
      const label = `${threshold.tier} ${threshold.text}`;
      // A threshold two programs share is one line, in the first program's style.
      if (drawn.has(label)) continue;
      drawn.add(label);
      lines.push({ value: threshold.amount, label, color: program.color, dash: program.dash });
      let index = buckets.findIndex((b) => threshold.amount < to(b) || !b.to);
      if (index < 0) index = buckets.length - 1;
      if (index >= 0) inBucket[index].push(program === programs[0] ? label : `${label} (${program.name})`);
    }
  }
  const total = buckets.reduce((n, b) => n + (Number(b.orders) || 0), 0);
  const most = buckets.reduce((best, b, i) => (Number(b.orders) > Number(buckets[best]?.orders ?? -1) ? i : best), 0);
  const thresholdList = lines.map((line) => line.label).join(', ');
  return {
    type: 'bar',
    summary: [
      t('subtotals_summary', { orders: total, bars: buckets.length, width: String(subtotals?.width?.text ?? '') }),
      buckets.length ? t('subtotals_most', { orders: buckets[most].orders, range: rangeText(buckets[most], t) }) : '',
      thresholdList ? t('subtotals_lines', { thresholds: thresholdList }) : '',
    ]
      .filter(Boolean)
      .join(' '),
    labels: [],
    datasets: [
      {
        label: t('orders'),
        data: buckets.map((b) => ({ x: (from(b) + to(b)) / 2, y: Number(b.orders) || 0 })),
        backgroundColor: '#91b4e8',
        borderColor: '#2c6ecb',
        borderWidth: 1,
        categoryPercentage: 1,
        barPercentage: 0.94,
      },
    ],
    x: {
      min: buckets.length ? from(buckets[0]) : 0,
      max: buckets.length ? to(buckets[buckets.length - 1]) : width,
      step: width,
      tick: moneyTick(currency),
      title: t('subtotal_axis', { currency: String(currency ?? '') }),
    },
    yTitle: t('orders'),
    tooltipTitle: (i) => rangeText(buckets[i], t),
    tooltipLabel: (d, i) => t('orders_count', { count: buckets[i].orders }),
    thresholds: lines,
    table: {
      caption: t('subtotals_caption'),
      head: [t('subtotal'), t('orders'), t('thresholds_here')],
      rows: buckets.map((b, i) => [rangeText(b, t), String(b.orders), inBucket[i].join(', ')]),
    },
    showData: t('show_numbers'),
  };
}
