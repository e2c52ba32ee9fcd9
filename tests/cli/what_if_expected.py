#!/usr/bin/env python3
"""An independent reading of an orders export for the what-if test: Python's csv module and
plain arithmetic, none of the core's code. Prints what `tiercart what-if` must answer for the
free-shipping-and-tote program (free shipping from 50.00, a tote from 100.00 costing 25.00 in
the catalog), by the rules of docs/analytics.md ("What-if"):

- orders grouped by Name; an order whose first row has Cancelled at is left out;
- an order's measure is its Subtotal (after every discount);
- reached: at or over a threshold; near: within 10% below it;
- cost: free shipping at the order's Shipping, the tote at its catalog price;
- proposals: with 20 orders or more, tier i of n at percentile 60 + 30 i / (n - 1) (70 for
  one tier) of the sorted subtotals (index (count - 1) x p / 100), rounded up to the largest
  1-2-5 x 10^k whole-unit step at most a twentieth of it (at least one unit).

  what_if_expected.py EXPORT.csv [TOTE_PRICE]  ->  JSON on stdout (the tote's price is 0 when
  the replay has no catalog)
"""
import csv
import json
import sys
from decimal import Decimal

THRESHOLDS = [("free-shipping", 5000), ("tote", 10000)]


def minor(text, exponent):
    return int(Decimal(text) * (10 ** exponent))


def main():
    with open(sys.argv[1], newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    orders, cancelled, seen = [], 0, set()
    currency = rows[0]["Currency"]
    exponent = 0 if currency in ("JPY", "CLP", "KRW") else 2
    for row in rows:
        if row["Name"] in seen:
            continue
        seen.add(row["Name"])
        if row.get("Cancelled at"):
            cancelled += 1
            continue
        orders.append((minor(row["Subtotal"], exponent), minor(row["Shipping"] or "0", exponent)))
    count = len(orders)
    tiers = []
    for tier, threshold in THRESHOLDS:
        reached = [o for o in orders if o[0] >= threshold]
        near = [o for o in orders if threshold * 9 <= o[0] * 10 and o[0] < threshold]
        tote_price = int(sys.argv[2]) if len(sys.argv) > 2 else 2500
        cost = sum(s for _, s in reached) if tier == "free-shipping" else tote_price * len(reached)
        share_bp = (len(reached) * 10000 + count // 2) // count
        tiers.append({"id": tier, "threshold": threshold, "reached": len(reached),
                      "share_bp": share_bp, "cost": cost, "near": len(near)})
    proposals = []
    subtotals = sorted(s for s, _ in orders)
    unit = 10 ** exponent
    if count >= 20:
        for i, (tier, _) in enumerate(THRESHOLDS):
            p = 60 + 30 * i // (len(THRESHOLDS) - 1)
            value = subtotals[(count - 1) * p // 100]
            step, power = unit, unit
            while power <= value // 20:
                for m in (1, 2, 5):
                    if m * power <= value // 20:
                        step = m * power
                power *= 10
            proposed = max(step, -(-value // step) * step)
            proposals.append({"tier": tier, "threshold": proposed,
                              "reached": sum(1 for s in subtotals if s >= proposed)})
    aov = (sum(s for s, _ in orders) + count // 2) // count
    print(json.dumps({"orders": count, "cancelled": cancelled, "aov": aov, "tiers": tiers,
                      "proposals": proposals}))


if __name__ == "__main__":
    main()
