#!/usr/bin/env bash
# The command-line contract of tiercart: exit 0 ok, 1 a claim or a program rejected, 2 bad
# input with exactly one line on stderr and nothing on stdout. JSON on stdout; '-' reads
# stdin. Every hostile input must be refused fast, so each run is wrapped in `timeout 10`.
#
# usage: cli_test.sh /path/to/tiercart /path/to/repo
# Prints "ok - <name>" or "not ok - <name>" per case and "N passed, M failed" at the end;
# exits 1 when any case failed.

set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 /path/to/tiercart /path/to/repo" >&2
  exit 2
fi
tiercart=$1
repo=$2
# Debian's python3 (scripts/setup.sh installs it) checks the JSON answers. A version
# manager's shim earlier on PATH costs about 0.4 s a call, most of this script's time.
if [ -x /usr/bin/python3 ]; then python3() { /usr/bin/python3 "$@"; }; fi
examples=$repo/examples

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0

ok() {
  passed=$((passed + 1))
  echo "ok - $1"
}

not_ok() {
  failed=$((failed + 1))
  echo "not ok - $1"
  shift
  for detail in "$@"; do echo "#   $detail"; done
}

# run STDIN-FILE ARGS...: runs the tool with a time limit; leaves $rc, $work/out, $work/err.
run() {
  local input=$1
  shift
  timeout 10 "$tiercart" "$@" <"$input" >"$work/out" 2>"$work/err"
  rc=$?
}

is_json() {
  python3 -c 'import json,sys; json.load(sys.stdin)' <"$work/out" 2>/dev/null
}

stderr_lines() {
  wc -l <"$work/err" | tr -d ' '
}

# What the last run did, for a failure report.
last_run() {
  printf 'exit %s; stdout %s bytes; stderr %s lines: %s' "$rc" "$(wc -c <"$work/out" | tr -d ' ')" \
    "$(stderr_lines)" "$(head -c 300 "$work/err" | tr '\n' '|')"
}

# expect_ok NAME STDIN ARGS...: exit 0, JSON on stdout, nothing on stderr.
expect_ok() {
  local name=$1
  shift
  run "$@"
  if [ "$rc" -eq 0 ] && is_json && [ ! -s "$work/err" ]; then
    ok "$name"
  else
    not_ok "$name" "$(last_run)"
  fi
}

# expect_bad_input NAME STDIN ARGS...: exit 2, exactly one line on stderr, empty stdout.
expect_bad_input() {
  local name=$1
  shift
  run "$@"
  if [ "$rc" -eq 2 ] && [ "$(stderr_lines)" -eq 1 ] && [ ! -s "$work/out" ]; then
    ok "$name"
  else
    not_ok "$name" "$(last_run)"
  fi
}

# expect_refused NAME CODE STDIN ARGS...: bad input whose one line names the error code.
expect_refused() {
  local name=$1 code=$2
  shift 2
  run "$@"
  if [ "$rc" -eq 2 ] && [ "$(stderr_lines)" -eq 1 ] && [ ! -s "$work/out" ] &&
    grep -q "$code" "$work/err"; then
    ok "$name"
  else
    not_ok "$name" "expected exit 2 with $code" "$(last_run)"
  fi
}

# json_says PYTHON-EXPRESSION: the expression over `d` (the stdout document) is true.
json_says() {
  python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if ($1) else 1)" \
    <"$work/out" 2>/dev/null
}

currency_of() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["currency"])' "$1"
}

# The example context that describes a cart in this currency.
context_for() {
  case $1 in
    USD) echo "$examples/contexts/catalog.json" ;;
    EUR) echo "$examples/contexts/eur.json" ;;
    JPY) echo "$examples/contexts/jpy.json" ;;
    *) echo "" ;;
  esac
}

nothing=/dev/null
program=$examples/programs/free-shipping-and-tote.json
cart=$examples/carts/one-line.json
catalog=$examples/contexts/catalog.json

# ---------------------------------------------------------------------------------------
# Information

run "$nothing" --version
if [ "$rc" -eq 0 ] && grep -q '^tiercart [0-9]' "$work/out" && [ ! -s "$work/err" ]; then
  ok "--version prints the version and exits 0"
else
  not_ok "--version prints the version and exits 0" "$(last_run)"
fi

run "$nothing" --help
if [ "$rc" -eq 0 ] && grep -q 'usage' "$work/out" && [ ! -s "$work/err" ]; then
  ok "--help prints the usage and exits 0"
else
  not_ok "--help prints the usage and exits 0" "$(last_run)"
fi

# ---------------------------------------------------------------------------------------
# evaluate: every example program against every example cart, each cart with the context
# of its currency (catalog.json for dollars, eur.json and jpy.json for the others).

declare -A cart_currency
for cart_file in "$examples"/carts/*.json; do
  cart_currency[$cart_file]=$(currency_of "$cart_file")
done
for program_file in "$examples"/programs/*.json; do
  for cart_file in "$examples"/carts/*.json; do
    name="evaluate $(basename "$program_file") on $(basename "$cart_file")"
    context_file=$(context_for "${cart_currency[$cart_file]}")
    if [ -z "$context_file" ]; then
      not_ok "$name" "no example context for a cart in ${cart_currency[$cart_file]}"
      continue
    fi
    expect_ok "$name with $(basename "$context_file")" "$nothing" evaluate \
      --program "$program_file" --cart "$cart_file" --context "$context_file"
  done
done

run "$nothing" evaluate --program "$program" --cart "$examples/carts/eur-cart.json" \
  --context "$catalog"
if [ "$rc" -eq 2 ] && grep -q currency_mismatch "$work/err" && [ ! -s "$work/out" ]; then
  ok "evaluate refuses a euro cart in a context that presents dollars"
else
  not_ok "evaluate refuses a euro cart in a context that presents dollars" "$(last_run)"
fi

expect_refused "evaluate needs a rate for a euro cart against dollar thresholds" missing_rate \
  "$nothing" evaluate --program "$program" --cart "$examples/carts/eur-cart.json"
expect_refused "evaluate needs a rate for a yen cart against dollar thresholds" missing_rate \
  "$nothing" evaluate --program "$program" --cart "$examples/carts/jpy-cart.json"
expect_ok "evaluate needs no rate when every tier has an explicit euro amount" "$nothing" \
  evaluate --program "$examples/programs/multi-currency.json" --cart "$examples/carts/eur-cart.json"

run "$nothing" evaluate --program "$program" --cart "$examples/carts/jpy-cart.json" \
  --context "$examples/contexts/jpy.json"
if [ "$rc" -eq 0 ] && json_says 'd["currency"] == "JPY" and d["minor_units"] == 0'; then
  ok "evaluate reports a yen cart in yen"
else
  not_ok "evaluate reports a yen cart in yen" "$(last_run)"
fi

# ---------------------------------------------------------------------------------------
# validate

run "$nothing" validate --program "$program" --order "$examples/orders/orders-create-earned.json" \
  --context "$catalog"
if [ "$rc" -eq 0 ] && json_says 'd["earned"] is True and "tiercart-flagged" not in d["tags"]'; then
  ok "validate accepts the earned order with exit 0"
else
  not_ok "validate accepts the earned order with exit 0" "$(last_run)"
fi

run "$nothing" validate --program "$program" --order "$examples/orders/orders-create-forged.json" \
  --context "$catalog"
if [ "$rc" -eq 1 ] && [ ! -s "$work/err" ] &&
  json_says 'd["earned"] is False and "tiercart-flagged" in d["tags"]'; then
  ok "validate flags the forged order with exit 1"
else
  not_ok "validate flags the forged order with exit 1" "$(last_run)"
fi

run "$nothing" validate --program "$program" --cart "$examples/carts/with-tote-gift.json" \
  --context "$catalog"
if [ "$rc" -eq 0 ] && json_says 'd["earned"] is True'; then
  ok "validate accepts a cart whose gift was earned"
else
  not_ok "validate accepts a cart whose gift was earned" "$(last_run)"
fi

run "$nothing" validate --program "$program" \
  --cart "$examples/carts/discount-code-drops-tier.json" --context "$catalog"
if [ "$rc" -eq 1 ] && json_says 'd["earned"] is False and "tiercart-flagged" in d["tags"]'; then
  ok "validate rejects a cart whose discount code took it below the gift's tier"
else
  not_ok "validate rejects a cart whose discount code took it below the gift's tier" "$(last_run)"
fi

# ---------------------------------------------------------------------------------------
# check-program

for program_file in "$examples"/programs/*.json; do
  run "$nothing" check-program "$program_file" --context "$catalog"
  if [ "$rc" -eq 0 ] && json_says 'd["ok"] is True'; then
    ok "check-program passes $(basename "$program_file") against the catalog"
  else
    not_ok "check-program passes $(basename "$program_file") against the catalog" "$(last_run)"
  fi
  expect_ok "check-program passes $(basename "$program_file") without a context" "$nothing" \
    check-program "$program_file"
done

python3 - "$program" >"$work/overlapping.json" <<'EOF'
import json, sys
program = json.load(open(sys.argv[1]))
program["bars"][0]["tiers"][1]["threshold"] = program["bars"][0]["tiers"][0]["threshold"]
json.dump(program, sys.stdout)
EOF
run "$nothing" check-program "$work/overlapping.json"
if [ "$rc" -eq 1 ] && [ ! -s "$work/err" ] &&
  json_says 'd["ok"] is False and d["problems"][0]["code"] == "overlapping_tiers"'; then
  ok "check-program rejects overlapping tiers with exit 1"
else
  not_ok "check-program rejects overlapping tiers with exit 1" "$(last_run)"
fi

# ---------------------------------------------------------------------------------------
# stdin

run "$nothing" evaluate --program "$program" --cart "$cart" --context "$catalog"
cp "$work/out" "$work/from-files"
run "$cart" evaluate --program "$program" --cart - --context "$catalog"
if [ "$rc" -eq 0 ] && cmp -s "$work/out" "$work/from-files"; then
  ok "'-' reads the cart from stdin"
else
  not_ok "'-' reads the cart from stdin" "$(last_run)"
fi

run "$program" evaluate --program - --cart "$cart" --context "$catalog"
if [ "$rc" -eq 0 ] && cmp -s "$work/out" "$work/from-files"; then
  ok "'-' reads the program from stdin"
else
  not_ok "'-' reads the program from stdin" "$(last_run)"
fi

run "$catalog" evaluate --program "$program" --cart "$cart" --context -
if [ "$rc" -eq 0 ] && cmp -s "$work/out" "$work/from-files"; then
  ok "'-' reads the context from stdin"
else
  not_ok "'-' reads the context from stdin" "$(last_run)"
fi

expect_ok "'-' reads the program to check from stdin" "$program" check-program -
expect_ok "'-' reads the order to validate from stdin" \
  "$examples/orders/orders-create-earned.json" validate --program "$program" --order - \
  --context "$catalog"

# ---------------------------------------------------------------------------------------
# Bad input: exit 2, one line on stderr, nothing on stdout, and fast.

printf '{"currency": "USD", "items": [' >"$work/malformed.json"
printf '{"currency": "USD", "items": [{"id": 2002, "quantity": "1", "price": 8900}]}' \
  >"$work/wrong-type.json"
printf '{"currency": "USD", "items": [{"id": 2002, "quantity": -1, "price": 8900}]}' \
  >"$work/negative-quantity.json"
printf '{"currency": "XYZ", "items": [{"id": 2002, "quantity": 1, "price": 8900}]}' \
  >"$work/unknown-currency.json"
printf '{"rate": "abc"}' >"$work/bad-rate.json"
python3 -c 'import sys; sys.stdout.write("\"" + "a" * (10 * 1024 * 1024) + "\"")' \
  >"$work/ten-megabytes.json"
python3 -c 'import sys; sys.stdout.write("[" * 10000 + "]" * 10000)' >"$work/deep.json"
python3 -c 'import sys; sys.stdout.write("{\"a\":" * 10000 + "1" + "}" * 10000)' \
  >"$work/deep-objects.json"
python3 - "$examples/orders/orders-create-earned.json" >"$work/bad-order.json" <<'EOF'
import json, sys
order = json.load(open(sys.argv[1]))
order["line_items"][0]["price"] = "19.999"
order["line_items"][0]["price_set"]["presentment_money"]["amount"] = "19.999"
json.dump(order, sys.stdout)
EOF

expect_refused "malformed JSON is bad input" invalid_json "$nothing" \
  evaluate --program "$program" --cart "$work/malformed.json"
expect_refused "a malformed program is bad input" invalid_json "$nothing" \
  evaluate --program "$work/malformed.json" --cart "$cart"
expect_refused "a wrong type is bad input" invalid_type "$nothing" \
  evaluate --program "$program" --cart "$work/wrong-type.json"
expect_refused "a negative quantity is bad input" negative_value "$nothing" \
  evaluate --program "$program" --cart "$work/negative-quantity.json"
expect_refused "an unknown currency is bad input" unknown_currency "$nothing" \
  evaluate --program "$program" --cart "$work/unknown-currency.json"
expect_refused "a rate that is not a number is bad input" invalid_rate "$nothing" \
  evaluate --program "$program" --cart "$cart" --context "$work/bad-rate.json"
expect_refused "an order price with too many decimals is bad input" invalid_amount "$nothing" \
  validate --program "$program" --order "$work/bad-order.json"
expect_refused "a 10 MB cart file is bad input" too_large "$nothing" \
  evaluate --program "$program" --cart "$work/ten-megabytes.json"
expect_refused "a 10 MB cart on stdin is bad input" too_large "$work/ten-megabytes.json" \
  evaluate --program "$program" --cart -
expect_refused "a 10 MB program to check is bad input" too_large "$nothing" \
  check-program "$work/ten-megabytes.json"
expect_refused "10,000-deep nesting in a cart is bad input" too_deep "$nothing" \
  evaluate --program "$program" --cart "$work/deep.json"
expect_refused "10,000-deep nesting in a program is bad input" too_deep "$nothing" \
  evaluate --program "$work/deep.json" --cart "$cart"
expect_refused "10,000-deep nesting in a context is bad input" too_deep "$nothing" \
  evaluate --program "$program" --cart "$cart" --context "$work/deep-objects.json"
expect_refused "10,000-deep nesting in an order is bad input" too_deep "$nothing" \
  validate --program "$program" --order "$work/deep.json"
expect_bad_input "a missing file is bad input" "$nothing" \
  evaluate --program "$program" --cart "$work/no-such-cart.json"
expect_bad_input "a directory instead of a file is bad input" "$nothing" \
  evaluate --program "$program" --cart "$work"
expect_bad_input "an unknown command is bad input" "$nothing" frobnicate --program "$program"
expect_bad_input "no command at all is bad input" "$nothing"
expect_bad_input "an unknown option is bad input" "$nothing" \
  evaluate --program "$program" --cart "$cart" --colour green
expect_bad_input "an option without its value is bad input" "$nothing" \
  evaluate --program "$program" --cart
expect_bad_input "a missing --program is bad input" "$nothing" evaluate --cart "$cart"
expect_bad_input "two inputs from stdin are bad input" "$cart" \
  evaluate --program - --cart -
expect_bad_input "the program to check and its context both from stdin are bad input" \
  "$program" check-program - --context -
expect_bad_input "--order and --cart together are bad input" "$nothing" \
  validate --program "$program" --order "$examples/orders/orders-create-earned.json" \
  --cart "$cart"
expect_bad_input "an option given twice is bad input, not last-one-wins" "$nothing" \
  evaluate --program "$program" --cart "$cart" --cart "$cart"
expect_bad_input "validate without --order or --cart is bad input" "$nothing" \
  validate --program "$program"
expect_bad_input "check-program with two programs is bad input" "$nothing" \
  check-program "$program" "$program"
expect_bad_input "an empty cart document is bad input" "$nothing" \
  evaluate --program "$program" --cart /dev/null

# ---------------------------------------------------------------------------------------
# After the order: offers, edit window, address checks (docs/post-purchase.md)

pp_order=$examples/orders/post-purchase-coffee.json
pp_offers=$examples/offers/northbound.json
pp_context=$examples/contexts/post-purchase.json
pp_policy=$examples/edit-policies/standard.json

expect_ok "offers: the example catalog gives the mug first" "$nothing" \
  offers --order "$pp_order" --offers "$pp_offers" --context "$pp_context"
if json_says 'd["offers"][0]["id"] == "mug-with-coffee" and d["offers"][0]["price"]["amount"] == 1190'; then
  ok "offers: the mug is 15% off at 11.90"
else
  not_ok "offers: the mug is 15% off at 11.90" "$(head -c 300 "$work/out")"
fi
expect_ok "offers: the catalog may come from stdin" "$pp_offers" \
  offers --order "$pp_order" --offers - --context "$pp_context"
expect_refused "offers: a catalog of another format is refused" unsupported_format \
  <(echo '{"format":2,"currency":"USD","offers":[]}') \
  offers --order "$pp_order" --offers -
expect_bad_input "offers: --offers is required" "$nothing" offers --order "$pp_order"

expect_ok "edit-window: inside the window exits 0" "$nothing" \
  edit-window --order "$pp_order" --policy "$pp_policy" --now 2026-11-21T12:15:00Z
if json_says 'd["editable"] and d["seconds_left"] == 2700 and len(d["allowed"]) == 4'; then
  ok "edit-window: 45 minutes left, four edits"
else
  not_ok "edit-window: 45 minutes left, four edits" "$(head -c 300 "$work/out")"
fi
run "$nothing" edit-window --order "$pp_order" --policy "$pp_policy" --now 2026-11-21T13:00:00Z
if [ "$rc" -eq 1 ] && json_says 'not d["editable"] and d["refused"][0]["code"] == "window_closed"'; then
  ok "edit-window: past the window exits 1 with window_closed"
else
  not_ok "edit-window: past the window exits 1 with window_closed" "$(last_run)"
fi
expect_refused "edit-window: a time without a zone is refused" invalid_time "$nothing" \
  edit-window --order "$pp_order" --policy "$pp_policy" --now "2026-11-21 12:15"
expect_bad_input "edit-window: --now is required" "$nothing" \
  edit-window --order "$pp_order" --policy "$pp_policy"

expect_ok "check-address: a US address is normalised" "$nothing" \
  check-address "$examples/addresses/us.json"
if json_says 'd["ok"] and d["address"]["zip"] == "10118-9999" and d["address"]["province_code"] == "NY"'; then
  ok "check-address: ZIP+4 gets its dash, the state upper case"
else
  not_ok "check-address: ZIP+4 gets its dash, the state upper case" "$(head -c 300 "$work/out")"
fi
run <(echo '{"last_name":"Roy","address1":"1 Main","city":"Ottawa","province_code":"ON","zip":"D1A 1A1","country_code":"CA"}') \
  check-address -
if [ "$rc" -eq 1 ] && json_says 'd["problems"][0]["field"] == "zip" and d["problems"][0]["code"] == "invalid_postal_code"'; then
  ok "check-address: an invalid postal code exits 1 and names the field"
else
  not_ok "check-address: an invalid postal code exits 1 and names the field" "$(last_run)"
fi
expect_refused "check-address: unknown options are refused" unknown_field \
  <(echo '{"po_box":false}') check-address "$examples/addresses/us.json" --options -
expect_bad_input "check-address: takes one address file" "$nothing" check-address

expect_ok "currencies prints the core's ISO 4217 table" "$nothing" currencies
if json_says 'd["USD"] == 2 and d["JPY"] == 0 and d["KWD"] == 3 and d["CLF"] == 4 and list(d) == sorted(d)'; then
  ok "currencies: one exponent per code, sorted by code"
else
  not_ok "currencies: one exponent per code, sorted by code" "$(head -c 300 "$work/out")"
fi
expect_bad_input "currencies takes no arguments" "$nothing" currencies --extra 1

# theme-program: the theme editor's settings_data.json as programs and notices
# (docs/theme-extension.md). The documents come from the golden fixtures.
fixture_part() {
  python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; v=v if sys.argv[3]=="" else v[sys.argv[3]]; sys.stdout.write(v if isinstance(v,str) else json.dumps(v))' \
    "$repo/tests/fixtures/$1.input.json" "$2" "${3:-}"
}
fixture_part theme-settings-editor-file settings_data >"$work/settings_data.json"
fixture_part theme-settings-editor-file options catalog >"$work/theme-catalog.json"
fixture_part theme-settings-editor-file options texts >"$work/theme-texts.json"
fixture_part theme-settings-editor-file options >"$work/theme-options.json"
fixture_part theme-settings-no-embed settings_data >"$work/no-embed.json"
expect_ok "theme-program converts the editor's settings_data.json" "$nothing" \
  theme-program "$work/settings_data.json" --catalog "$work/theme-catalog.json" \
  --texts "$work/theme-texts.json" --currency USD
if json_says 'len(d["storefront"]["bars"]) == 2 and "texts" not in json.dumps(d["checkout"]) and d["notices"] == [] and d["storefront"]["bars"][0]["tiers"][1]["reward"]["gifts"][0]["variant_id"] == 9001'; then
  ok "theme-program: storefront program with texts, checkout program without, no notices"
else
  not_ok "theme-program: storefront program with texts, checkout program without, no notices" "$(head -c 300 "$work/out")"
fi
expect_ok "theme-program reads the options document, the settings from stdin" "$work/settings_data.json" \
  theme-program - --options "$work/theme-options.json"
echo '{"shop_currency":"JPY","locale":"ja"}' >"$work/jpy-shop.json"
expect_ok "theme-program takes the currency and locale of a context" "$nothing" \
  theme-program "$work/settings_data.json" --context "$work/jpy-shop.json"
if json_says 'd["storefront"]["currency"] == "JPY" and d["storefront"]["default_locale"] == "ja" and d["storefront"]["bars"][0]["tiers"][0]["threshold"] == 50 and d["notices"][0]["code"] == "unknown_product"'; then
  ok "theme-program: a JPY shop's 50 is 50 yen; a product missing from the catalog is a notice"
else
  not_ok "theme-program: a JPY shop's 50 is 50 yen; a product missing from the catalog is a notice" "$(head -c 300 "$work/out")"
fi
run "$nothing" theme-program "$work/no-embed.json" --currency USD
if [ "$rc" -eq 1 ] && json_says 'd["storefront"] is None and d["notices"][0]["code"] == "no_embed"'; then
  ok "theme-program: no drawer embed on exits 1 with an error notice"
else
  not_ok "theme-program: no drawer embed on exits 1 with an error notice" "$(last_run)"
fi
expect_refused "theme-program: the shop currency is required" missing_field "$nothing" \
  theme-program "$work/settings_data.json"
expect_refused "theme-program: an unknown currency is refused" unknown_currency "$nothing" \
  theme-program "$work/settings_data.json" --currency XYZ
expect_refused "theme-program: settings that are not JSON are refused" invalid_json \
  <(printf '/* header */ {"current": ') theme-program - --currency USD
expect_refused "theme-program: a catalog entry without product_id is refused" missing_field \
  <(echo '{"tote":{"variant_id":1}}') theme-program "$work/settings_data.json" --currency USD --catalog -
expect_bad_input "theme-program: takes one settings file" "$nothing" theme-program --currency USD
expect_bad_input "theme-program: unknown options are refused" "$nothing" \
  theme-program "$work/settings_data.json" --currency USD --shop x
printf '%s %s\n%s %s\n%s %s\n' "$work/settings_data.json" "$work/theme-options.json" \
  "$work/no-embed.json" "$work/theme-options.json" "$work/theme-catalog.json" "$work/theme-options.json" \
  >"$work/theme-batch"
run "$nothing" theme-program --batch "$work/theme-batch"
if [ "$rc" -eq 0 ] && python3 -c '
import json,sys
lines=[json.loads(l) for l in open(sys.argv[1])]
assert len(lines)==3 and lines[0]["storefront"] and lines[1]["notices"][0]["code"]=="no_embed"
assert lines[2]["notices"][0]["code"]=="no_embed"
' "$work/out" 2>/dev/null; then
  ok "theme-program --batch prints one result a line"
else
  not_ok "theme-program --batch prints one result a line" "$(last_run)"
fi
expect_bad_input "theme-program --batch takes no other argument" "$nothing" \
  theme-program --batch "$work/theme-batch" --currency USD

# evaluate --carts: many carts against one program and context, one result a line, each the
# bytes evaluate --cart prints for that cart alone; a refused cart is a line of its own.
program=$examples/programs/free-shipping-and-tote.json
context=$examples/contexts/catalog.json
: >"$work/carts.jsonl"
: >"$work/one-by-one.jsonl"
for cart in below-tote one-line twenty-lines with-tote-gift; do
  python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' \
    "$examples/carts/$cart.json" >>"$work/carts.jsonl"
  "$tiercart" evaluate --program "$program" --context "$context" --cart "$examples/carts/$cart.json" \
    >>"$work/one-by-one.jsonl"
done
printf '\n{"items": [\n' >>"$work/carts.jsonl"
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' \
  "$examples/carts/empty.json" >>"$work/carts.jsonl"
"$tiercart" evaluate --program "$program" --context "$context" --cart "$examples/carts/empty.json" \
  >>"$work/one-by-one.jsonl"
run "$nothing" evaluate --program "$program" --context "$context" --carts "$work/carts.jsonl"
if [ "$rc" -eq 0 ] && [ ! -s "$work/err" ] &&
  diff <(sed -n '1,4p;6p' "$work/out") "$work/one-by-one.jsonl" >/dev/null &&
  [ "$(sed -n 5p "$work/out")" = '{"line":6,"error":{"code":"invalid_json","message":"cart is not valid JSON","path":"$"}}' ]; then
  ok "evaluate --carts prints each cart's evaluation a line, a refused cart's error with its line"
else
  not_ok "evaluate --carts prints each cart's evaluation a line, a refused cart's error with its line" "$(last_run)"
fi
expect_refused "evaluate --carts: a bad program is refused before any cart" invalid_json \
  <(printf '{"bars": [') evaluate --program - --carts "$work/carts.jsonl"
expect_bad_input "evaluate takes --cart or --carts, not both" "$nothing" \
  evaluate --program "$program" --cart "$examples/carts/empty.json" --carts "$work/carts.jsonl"

# ---------------------------------------------------------------------------------------
# what-if: the answer for an orders export, against an independent reading of the same file
# (what_if_expected.py: Python's csv module and plain arithmetic) for exports shaped like
# Shopify's: multi-line orders, quoted notes over several lines, cancelled orders, yen.

# compare_what_if NAME PROGRAM EXPORT TOTE_PRICE [--context X]
compare_what_if() {
  local name=$1 program=$2 export=$3 tote=$4
  shift 4
  run "$nothing" what-if --program "$program" --orders "$export" "$@"
  local answer
  answer=$(python3 - "$work/out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
tiers = [{"id": t["id"], "threshold": t["threshold"], "reached": t["reached"],
          "share_bp": t["share_bp"], "cost": t["cost"]["amount"], "near": t["near"]}
         for t in r["bars"][0]["tiers"]]
proposals = [{"tier": p["tier"], "threshold": p["threshold"], "reached": p["reached"]}
             for p in r["proposals"]]
print(json.dumps({"orders": r["orders"], "cancelled": r["left_out"]["cancelled"],
                  "aov": r["aov"]["amount"], "tiers": tiers, "proposals": proposals}))
PY
)
  local expected
  expected=$(python3 "$repo/tests/cli/what_if_expected.py" "$export" "$tote")
  if [ "$rc" -eq 0 ] && [ ! -s "$work/err" ] && [ "$answer" = "$expected" ]; then
    ok "$name"
  else
    not_ok "$name" "$(last_run)" "tiercart: $answer" "expected: $expected"
  fi
}

exports=$repo/tests/fixtures/exports
compare_what_if "what-if: the USD fixture (a gift line, quoted notes, a cancelled order)" \
  "$program" "$exports/orders-usd.csv" 2500 --context "$catalog"
python3 "$repo/bench/what_if/make_export.py" 3000 --seed 11 >"$work/export-usd.csv"
compare_what_if "what-if: 3,000 generated USD orders, their proposals included" \
  "$program" "$work/export-usd.csv" 2500 --context "$catalog"
python3 "$repo/bench/what_if/make_export.py" 500 --seed 5 --currency JPY >"$work/export-jpy.csv"
python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); p["currency"]="JPY"; print(json.dumps(p))' \
  "$program" >"$work/program-jpy.json"
compare_what_if "what-if: 500 generated orders in yen (whole units)" \
  "$work/program-jpy.json" "$work/export-jpy.csv" 0
expect_refused "what-if: a file that is not an orders export names what is missing" missing_column \
  "$nothing" what-if --program "$program" --orders "$program"
printf 'Name,Currency,Subtotal,Lineitem quantity,Lineitem price\n#1,USD,1.00,1,1.00\n#2,EUR,1.00,1,1.00\n' \
  >"$work/mixed.csv"
run "$nothing" what-if --program "$program" --orders "$work/mixed.csv"
if [ "$rc" -eq 2 ] && [ ! -s "$work/out" ] && grep -q 'row 3, column Currency' "$work/err"; then
  ok "what-if: mixed currencies are refused naming the row and the column"
else
  not_ok "what-if: mixed currencies are refused naming the row and the column" "$(last_run)"
fi
expect_bad_input "what-if needs --orders" "$nothing" what-if --program "$program"

# input-variables: what the app writes beside a program for checkout's input queries; the
# schedule moments in the shop's local time, daylight saving time included.
weekend=$repo/tests/fixtures/schedule-during.input.json
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["program"]))' "$weekend" \
  >"$work/weekend.json"
run "$nothing" input-variables --program "$work/weekend.json" --timezone America/Los_Angeles
if [ "$rc" -eq 0 ] && json_says 'd["scheduleAt0"] == "2026-11-26T21:00:00" and
    d["scheduleAt1"] == "2026-11-29T21:00:00" and d["scheduleAt7"] == "2000-01-01T00:00:00" and
    d["productTags"] == [] and len(d) == 10'; then
  ok "input-variables: the weekend's moments in Los Angeles time, the unused slots filled"
else
  not_ok "input-variables: the weekend's moments in Los Angeles time, the unused slots filled" \
    "$(last_run)" "$(head -c 400 "$work/out")"
fi
expect_refused "input-variables: a time zone the database lacks" unknown_time_zone \
  "$nothing" input-variables --program "$work/weekend.json" --timezone Atlantis/Capital
expect_bad_input "input-variables needs --timezone" "$nothing" input-variables --program "$work/weekend.json"
expect_refused "input-variables: a program with nine schedule moments is refused" too_many \
  "$nothing" input-variables --program <(python3 -c 'import json; print(json.dumps(json.load(open("'"$repo"'/tests/fixtures/error-too-many-schedule-moments.input.json"))["program"]))') \
  --timezone Etc/UTC

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
