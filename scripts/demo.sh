#!/usr/bin/env bash
# The demo, until the local store exists: every example program against the example carts,
# shown as a shopper would read the bars, and the cart actions the widget would send.
set -euo pipefail
cd "$(dirname "$0")/.."
cli=build/bin/tiercart

summarise() { python3 scripts/summarise.py; }

context_for() {
  case "$1" in
    *eur*) echo examples/contexts/eur.json ;;
    *jpy*) echo examples/contexts/jpy.json ;;
    *) echo examples/contexts/catalog.json ;;
  esac
}

for program in examples/programs/*.json; do
  echo "== $(basename "$program" .json)"
  for cart in examples/carts/*.json; do
    context=$(context_for "$cart")
    echo "  $(basename "$cart" .json) (context $(basename "$context" .json))"
    if ! "$cli" evaluate --program "$program" --cart "$cart" --context "$context" | summarise; then
      echo "    (not evaluated: see the message above)"
    fi
  done
done

echo
echo "== claims: the server's check of the example orders/create payloads"
for order in examples/orders/*.json; do
  set +e
  verdict=$("$cli" validate --program examples/programs/free-shipping-and-tote.json --order "$order" \
    --context examples/contexts/catalog.json)
  status=$?
  set -e
  echo "  $(basename "$order" .json): exit $status $(echo "$verdict" | python3 -c 'import json,sys; v=json.load(sys.stdin); print("earned" if v["earned"] else "flagged", v["tags"])')"
done
