#!/usr/bin/env python3
"""Writes an orders export shaped like Shopify's (SHOPIFY.md section 10) with N orders: one row
per line item, order fields on each order's first row, quoted multi-line notes, some cancelled
orders. Deterministic for a seed. Used by the what-if benchmark and its independent check.

  make_export.py ORDERS [--seed S] [--currency USD] > export.csv
"""
import argparse
import csv
import random
import sys

HEADER = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
          "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total",
          "Discount Code", "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity",
          "Lineitem name", "Lineitem price", "Lineitem compare at price", "Lineitem sku",
          "Lineitem requires shipping", "Lineitem taxable", "Lineitem fulfillment status",
          "Billing Name", "Shipping Country", "Notes", "Cancelled at", "Refunded Amount", "Id",
          "Lineitem discount", "Tags"]


def amount(minor, exponent):
    if exponent == 0:
        return str(minor)
    text = str(minor).rjust(exponent + 1, "0")
    return text[:-exponent] + "." + text[-exponent:]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("orders", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--currency", default="USD")
    args = parser.parse_args()
    exponent = 0 if args.currency in ("JPY", "CLP", "KRW") else 2
    unit = 10 ** exponent if exponent else 100  # a "dollar" of the currency
    rng = random.Random(args.seed)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(HEADER)
    for n in range(args.orders):
        lines = [(rng.randint(1, 3), rng.randint(5, 90) * unit + rng.choice([0, 0, 50, 99]) * (unit // 100 or 1))
                 for _ in range(rng.randint(1, 4))]
        discounts = [rng.choice([0, 0, 0, price // 10]) for _, price in lines]
        gross = sum(q * p - d for (q, p), d in zip(lines, discounts))
        order_discount = rng.choice([0, 0, 0, gross // 20])
        subtotal = gross - order_discount
        shipping = rng.choice([0, 795 if exponent else 800])
        cancelled = "2026-11-03 13:00:00 -0500" if rng.random() < 0.03 else ""
        note = rng.choice(["", "Gift wrap, please", 'Ring twice,\n"side door"'])
        for i, ((quantity, price), discount) in enumerate(zip(lines, discounts)):
            first = i == 0
            row = {h: "" for h in HEADER}
            row.update({"Name": f"#{1001 + n}", "Lineitem quantity": quantity,
                        "Lineitem name": f"Product {rng.randint(1, 400)}",
                        "Lineitem price": amount(price, exponent),
                        "Lineitem discount": amount(discount, exponent),
                        "Lineitem requires shipping": "true", "Lineitem taxable": "true",
                        "Lineitem sku": f"SKU-{rng.randint(1, 400)}"})
            if first:
                row.update({"Email": f"shopper{n}@example.com", "Financial Status": "paid",
                            "Currency": args.currency, "Subtotal": amount(subtotal, exponent),
                            "Shipping": amount(shipping, exponent),
                            "Discount Amount": amount(order_discount + sum(discounts), exponent),
                            "Created at": "2026-11-02 10:00:00 -0500",
                            "Shipping Country": rng.choice(["US", "US", "CA", "GB"]),
                            "Notes": note, "Cancelled at": cancelled, "Id": 5000 + n,
                            "Accepts Marketing": "no"})
            out.writerow([row[h] for h in HEADER])


if __name__ == "__main__":
    main()
