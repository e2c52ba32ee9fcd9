// Money: integer minor units with an ISO 4217 currency, and the one place where
// amounts are converted between currencies, rounded, parsed from decimal strings
// and formatted with a Shopify money_format template. No binary floating point.
// The rules are documented in docs/money.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tiercart/result.h"

namespace tiercart {

// Largest absolute amount the core accepts, in minor units (10^15: ten trillion dollars).
// Keeps every product of an amount and a rate or a quantity inside 128-bit arithmetic.
inline constexpr int64_t kMaxAmount = 1'000'000'000'000'000;

struct Money {
  int64_t amount = 0;    // minor units of `currency` (ISO 4217 exponent: USD cents, JPY yen)
  std::string currency;  // ISO 4217 alphabetic code, upper case
};

// Number of decimal digits of the currency's minor unit (USD 2, JPY 0, KWD 3),
// or nothing for a code the table does not know.
std::optional<int> minor_units(std::string_view currency);

// The whole table, sorted by code: what consumers in other languages are generated from
// (`tiercart currencies` prints it), so that no other table of exponents is kept by hand.
struct CurrencyMinorUnits {
  std::string_view code;
  int minor_units;
};
std::vector<CurrencyMinorUnits> currency_table();

// Validates a currency code against the table: error "unknown_currency" at `path`.
Result<int> require_currency(std::string_view currency, const std::string& path);

// An exchange rate given as a positive decimal string ("0.92", "147.5"), held exactly
// as digits / 10^scale. Storefront rates arrive as strings (window.Shopify.currency.rate).
struct Rate {
  int64_t digits = 1;  // the decimal digits without the point: "0.92" -> 92
  int scale = 0;       // how many of them are after the point:  "0.92" -> 2
};

// Parses "1", "0.92", "147.50". Rejects empty, signs, exponents, zero, more than
// 18 significant digits: error "invalid_rate" at `path`.
Result<Rate> parse_rate(std::string_view text, const std::string& path);

// How a converted amount is rounded. The names are the ones used in program JSON.
enum class Rounding {
  kNone,          // "none": to the nearest minor unit, halves away from zero
  kUpToMinor,     // "up_to_minor": up to the next minor unit (never below the exact value)
  kUpToWhole,     // "up_to_whole": up to the next whole unit (4.01 EUR -> 5.00 EUR)
  kNearestWhole,  // "nearest_whole": to the nearest whole unit, halves up (4.50 -> 5.00)
};

std::optional<Rounding> parse_rounding(std::string_view name);
std::string_view rounding_name(Rounding rounding);

// Converts `amount` (minor units of `from`) to minor units of `to`: amount x rate,
// with both currencies' minor units accounted for, then rounded by `rounding`.
// "Up" means toward positive infinity. Errors: "unknown_currency", "out_of_range".
Result<int64_t> convert(int64_t amount, std::string_view from, std::string_view to,
                        const Rate& rate, Rounding rounding);

// Rounds an amount already in `currency`'s minor units by a whole-unit rule
// (kUpToWhole, kNearestWhole); kNone and kUpToMinor leave it as it is.
int64_t round_amount(int64_t amount, int minor_units, Rounding rounding);

// Parses a decimal string amount as found in Shopify's REST payloads ("19.99", "1000",
// "-5.00") into minor units of `currency`. More fraction digits than the currency has
// are accepted only when they are zeros ("1000.00" JPY -> 1000). Errors:
// "invalid_amount", "unknown_currency", "out_of_range".
Result<int64_t> parse_decimal_amount(std::string_view text, std::string_view currency,
                                     const std::string& path);

// Minor units as the decimal text Shopify's REST payloads and changesets use: "15.30" for
// 1530 cents, "500" for 500 yen, "-0.05" for -5 cents. The inverse of parse_decimal_amount.
std::string decimal_text(int64_t amount, int minor_units);

// How integer amounts in a cart.js payload relate to the currency. Shopify's money
// filter treats every amount as cents (two digits) whatever the currency; whether cart.js
// does the same for zero-decimal currencies is unconfirmed, so the context says which.
enum class CartAmounts {
  kCents,       // "cents": always two digits (JPY 1000 yen arrives as 100000)
  kMinorUnits,  // "minor_units": ISO 4217 exponent (JPY 1000 yen arrives as 1000)
};

std::optional<CartAmounts> parse_cart_amounts(std::string_view name);

// Brings a cart.js integer to minor units of `currency`, and back. From cents to a
// zero-decimal currency, fractions of a unit round half away from zero; to a
// three-decimal currency, amounts are multiplied by ten.
int64_t cart_to_minor(int64_t value, int minor_units, CartAmounts mode);
int64_t minor_to_cart(int64_t amount, int minor_units, CartAmounts mode);

// Formats with a Shopify money_format template such as "${{amount}}" or
// "{{amount_with_comma_separator}} EUR". Supported placeholders: amount,
// amount_no_decimals, amount_with_comma_separator, amount_no_decimals_with_comma_separator,
// amount_with_apostrophe_separator, amount_with_space_separator,
// amount_no_decimals_with_space_separator, amount_with_period_and_space_separator.
// Like Shopify, the template always shows two decimals (or none); amounts of
// currencies with other exponents are scaled to that first (nearest, halves up).
// Unknown placeholders are left as written. Negative amounts get a leading '-'.
std::string format_money(int64_t amount, int minor_units, std::string_view money_format);

// A sensible template for a currency when the store did not give one ("${{amount}}",
// "€{{amount_with_comma_separator}}", "¥{{amount_no_decimals}}", else "{{amount}} XXX").
std::string default_money_format(std::string_view currency);

}  // namespace tiercart
