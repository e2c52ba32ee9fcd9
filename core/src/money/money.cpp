// Money: the ISO 4217 minor-unit table, exact currency conversion, decimal parsing and
// Shopify money_format rendering. Every computation is integer; products that could
// leave 64 bits are carried in 128 bits so each result is rounded exactly once.

#include "tiercart/money.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "money/int128.h"

namespace tiercart {
namespace {

using detail::Int128;
using detail::UInt128;

// ---------------------------------------------------------------------------------------
// Currency table

// ISO 4217 List One, alphabetic, with the codes whose minor unit is "N.A." (precious
// metals, XDR, XSU, XUA, test and bond-market units) left out: they never price a cart.
// Recently withdrawn codes (ANG, CUC, HRK, SLL, ZWL) stay in so that stored orders and
// late webhooks in those currencies still parse. Sorted so lookup is a binary search and
// the table is constant-initialised: no code runs at start-up.
constexpr CurrencyMinorUnits kCurrencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2},
    {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0},
    {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BOV", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2},
    {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4},
    {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"COU", 2}, {"CRC", 2}, {"CUC", 2}, {"CUP", 2}, {"CVE", 2},
    {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2},
    {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2},
    {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HRK", 2}, {"HTG", 2}, {"HUF", 2},
    {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3},
    {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3},
    {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3},
    {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2},
    {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MXV", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2},
    {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2},
    {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2},
    {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2},
    {"SHP", 2}, {"SLE", 2}, {"SLL", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2},
    {"SYP", 2}, {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2},
    {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"USN", 2}, {"UYI", 0},
    {"UYU", 2}, {"UYW", 4}, {"UZS", 2}, {"VED", 2}, {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2},
    {"XAF", 0}, {"XCD", 2}, {"XCG", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2},
    {"ZWG", 2}, {"ZWL", 2},
};

constexpr bool IsStrictlySorted() {
  for (std::size_t i = 1; i < std::size(kCurrencies); ++i) {
    if (!(kCurrencies[i - 1].code < kCurrencies[i].code)) return false;
  }
  return true;
}
static_assert(IsStrictlySorted(), "kCurrencies must stay sorted for the binary search");

// ---------------------------------------------------------------------------------------
// Exact integer helpers

// Rates are held to at most this many fraction digits, so 10^(scale + minor units)
// always fits in 128 bits and amount x digits x 10^4 stays below 2^127.
constexpr int kMaxRateScale = 18;
constexpr int kMaxRateDigits = 18;

constexpr Int128 Pow10(int exponent) {
  Int128 result = 1;
  for (int i = 0; i < exponent; ++i) result *= 10;
  return result;
}

// Minor units come from callers as a plain int; anything outside what a 64-bit amount can
// express is clamped rather than trusted, so a bad value cannot overflow Pow10.
int ClampMinorUnits(int minor_units) { return std::clamp(minor_units, 0, 18); }

enum class Tie {
  kCeiling,           // not a tie rule: any remainder rounds toward +infinity
  kHalfAwayFromZero,  // nearest; halves away from zero
  kHalfUp,            // nearest; halves toward +infinity
};

// numerator / denominator rounded once, denominator > 0.
Int128 DivideRounded(Int128 numerator, Int128 denominator, Tie tie) {
  Int128 quotient = numerator / denominator;   // truncates toward zero
  Int128 remainder = numerator % denominator;  // has the sign of the numerator
  if (remainder == 0) return quotient;
  switch (tie) {
    case Tie::kCeiling:
      if (remainder > 0) ++quotient;
      break;
    case Tie::kHalfAwayFromZero:
      if (remainder > 0 && 2 * remainder >= denominator) ++quotient;
      if (remainder < 0 && -2 * remainder >= denominator) --quotient;
      break;
    case Tie::kHalfUp:
      if (remainder > 0 && 2 * remainder >= denominator) ++quotient;
      if (remainder < 0 && -2 * remainder > denominator) --quotient;
      break;
  }
  return quotient;
}

bool InAmountRange(Int128 value) { return value >= -kMaxAmount && value <= kMaxAmount; }

// Functions whose signature has no room for an error saturate instead of wrapping: a
// wrapped int64 is undefined behaviour and would turn a huge total into a negative one.
int64_t Saturate(Int128 value) {
  if (value > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (value < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(value);
}

// Moves an integer from `from_digits` decimal places to `to_digits`, halves away from zero.
int64_t Rescale(int64_t value, int from_digits, int to_digits) {
  from_digits = ClampMinorUnits(from_digits);
  to_digits = ClampMinorUnits(to_digits);
  if (to_digits >= from_digits) return Saturate(Int128{value} * Pow10(to_digits - from_digits));
  return Saturate(DivideRounded(value, Pow10(from_digits - to_digits), Tie::kHalfAwayFromZero));
}

// ---------------------------------------------------------------------------------------
// Decimal text

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct DecimalText {
  std::string_view whole;     // digits before the point, never empty
  std::string_view fraction;  // digits after it, empty when there is no point
};

// Accepts only digits with at most one '.' between digits: no sign, no exponent, no
// grouping, no whitespace, and neither ".5" nor "5." (both are more often typos than
// intent in a merchant's settings).
std::optional<DecimalText> SplitDecimal(std::string_view text) {
  std::size_t point = text.find('.');
  DecimalText parts;
  parts.whole = text.substr(0, point);
  if (point != std::string_view::npos) {
    parts.fraction = text.substr(point + 1);
    if (parts.fraction.empty()) return std::nullopt;
  }
  if (parts.whole.empty()) return std::nullopt;
  for (char c : parts.whole) {
    if (!IsDigit(c)) return std::nullopt;
  }
  for (char c : parts.fraction) {
    if (!IsDigit(c)) return std::nullopt;
  }
  return parts;
}

// Quotes user text in an error message without letting a huge input bloat the message.
std::string Quoted(std::string_view text) {
  constexpr std::size_t kMaxShown = 40;
  std::string shown(text.substr(0, kMaxShown));
  if (text.size() > kMaxShown) shown += "...";
  return "\"" + shown + "\"";
}

Error UnknownCurrency(std::string_view currency, const std::string& path) {
  return make_error("unknown_currency", "unknown ISO 4217 currency code " + Quoted(currency), path);
}

Error OutOfRange(const std::string& path) {
  return make_error("out_of_range", "amount exceeds 10^15 minor units in absolute value", path);
}

// ---------------------------------------------------------------------------------------
// money_format

struct NumberStyle {
  std::string_view placeholder;
  int decimals;                    // 2, or 0 for the *_no_decimals* placeholders
  std::string_view thousands;      // digit-group separator
  std::string_view decimal_point;  // unused when decimals == 0
};

// The placeholders of Shopify's currency formatting settings (help.shopify.com, "Currency
// formatting"), with the separators its examples show.
constexpr NumberStyle kNumberStyles[] = {
    {"amount", 2, ",", "."},
    {"amount_no_decimals", 0, ",", ""},
    {"amount_with_comma_separator", 2, ".", ","},
    {"amount_no_decimals_with_comma_separator", 0, ".", ""},
    {"amount_with_apostrophe_separator", 2, "'", "."},
    {"amount_with_space_separator", 2, " ", ","},
    {"amount_no_decimals_with_space_separator", 0, " ", ""},
    {"amount_with_period_and_space_separator", 2, " ", "."},
};

const NumberStyle* FindNumberStyle(std::string_view placeholder) {
  for (const NumberStyle& style : kNumberStyles) {
    if (style.placeholder == placeholder) return &style;
  }
  return nullptr;
}

// Appends the amount rendered in one rounding step from its own minor units to the style's
// decimals: going through cents first would round twice (KWD 1.495 would show as "2").
// Digits come from 64-bit arithmetic whenever the amount fits (any amount the core reads
// does): a 128-bit division per digit made formatting the largest part of writing an
// evaluation.
void AppendNumber(std::string& out, int64_t amount, int minor_units, const NumberStyle& style) {
  minor_units = ClampMinorUnits(minor_units);
  const bool negative = amount < 0;
  UInt128 magnitude =
      negative ? static_cast<UInt128>(-Int128{amount}) : static_cast<UInt128>(amount);
  if (style.decimals >= minor_units) {
    magnitude *= static_cast<UInt128>(Pow10(style.decimals - minor_units));
  } else {
    // The sign is written separately, so halves round up in magnitude: -0.5 shows as -1,
    // like 0.5 shows as 1, which is how a shopper reads a refund or a discount.
    const UInt128 divisor = static_cast<UInt128>(Pow10(minor_units - style.decimals));
    magnitude = (magnitude + divisor / 2) / divisor;
  }

  // The whole part's digits, least significant first (an unsigned 128-bit value has at most
  // 39), and the fraction, which is below 10^decimals.
  char whole_digits[40];
  std::size_t count = 0;
  uint64_t fraction = 0;
  if (magnitude <= std::numeric_limits<uint64_t>::max()) {
    const auto small = static_cast<uint64_t>(magnitude);
    const auto unit = static_cast<uint64_t>(Pow10(style.decimals));
    uint64_t whole = small / unit;
    fraction = small % unit;
    do {
      whole_digits[count++] = static_cast<char>('0' + whole % 10);
      whole /= 10;
    } while (whole != 0);
  } else {
    const UInt128 unit = static_cast<UInt128>(Pow10(style.decimals));
    UInt128 whole = magnitude / unit;
    fraction = static_cast<uint64_t>(magnitude % unit);
    do {
      whole_digits[count++] = static_cast<char>('0' + static_cast<int>(whole % 10));
      whole /= 10;
    } while (whole != 0);
  }

  // A negative amount that rounds to nothing is shown as zero, not as "-0.00".
  if (negative && magnitude != 0) out += '-';
  for (std::size_t i = 0; i < count; ++i) {
    if (i != 0 && (count - i) % 3 == 0) out += style.thousands;
    out += whole_digits[count - 1 - i];
  }
  if (style.decimals > 0) {
    out += style.decimal_point;
    char fraction_digits[20];
    const auto decimals = static_cast<std::size_t>(style.decimals);
    for (std::size_t i = decimals; i-- > 0;) {
      fraction_digits[i] = static_cast<char>('0' + fraction % 10);
      fraction /= 10;
    }
    out.append(fraction_digits, decimals);
  }
}

bool IsWordChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

struct DefaultFormat {
  std::string_view currency;
  std::string_view money_format;
};

constexpr DefaultFormat kDefaultFormats[] = {
    {"AUD", "${{amount}}"},
    {"BRL", "R$ {{amount_with_comma_separator}}"},
    {"CAD", "${{amount}}"},
    {"CHF", "CHF {{amount_with_apostrophe_separator}}"},
    {"DKK", "{{amount_with_comma_separator}} kr"},
    {"EUR", "€{{amount_with_comma_separator}}"},
    {"GBP", "£{{amount}}"},
    {"HKD", "${{amount}}"},
    {"INR", "₹{{amount}}"},
    {"JPY", "¥{{amount_no_decimals}}"},
    {"KRW", "₩{{amount_no_decimals}}"},
    {"MXN", "${{amount}}"},
    {"NOK", "{{amount_with_comma_separator}} kr"},
    {"NZD", "${{amount}}"},
    {"PLN", "{{amount_with_comma_separator}} zł"},
    {"SEK", "{{amount_with_comma_separator}} kr"},
    {"SGD", "${{amount}}"},
    {"USD", "${{amount}}"},
};

}  // namespace

// -----------------------------------------------------------------------------------------
// Currencies

std::vector<CurrencyMinorUnits> currency_table() {
  return {std::begin(kCurrencies), std::end(kCurrencies)};
}

std::optional<int> minor_units(std::string_view currency) {
  const auto* end = std::end(kCurrencies);
  const auto* found = std::lower_bound(
      std::begin(kCurrencies), end, currency,
      [](const CurrencyMinorUnits& entry, std::string_view code) { return entry.code < code; });
  if (found == end || found->code != currency) return std::nullopt;
  return found->minor_units;
}

Result<int> require_currency(std::string_view currency, const std::string& path) {
  std::optional<int> units = minor_units(currency);
  if (!units) return UnknownCurrency(currency, path);
  return *units;
}

// -----------------------------------------------------------------------------------------
// Rates

Result<Rate> parse_rate(std::string_view text, const std::string& path) {
  auto invalid = [&](const std::string& why) {
    return make_error("invalid_rate", "exchange rate " + Quoted(text) + " " + why, path);
  };
  std::optional<DecimalText> parts = SplitDecimal(text);
  if (!parts) return invalid("is not a plain positive decimal such as \"0.92\"");

  // Trailing fraction zeros carry no value ("1.0000" is 1); dropping them keeps the
  // digit count honest and the scale small.
  std::string_view fraction = parts->fraction;
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);

  std::string digits;
  digits.reserve(parts->whole.size() + fraction.size());
  digits.append(parts->whole).append(fraction);
  const std::size_t first_significant = digits.find_first_not_of('0');
  if (first_significant == std::string::npos) return invalid("is zero");
  digits.erase(0, first_significant);

  if (digits.size() > static_cast<std::size_t>(kMaxRateDigits)) {
    return invalid("has more than 18 significant digits");
  }
  if (fraction.size() > static_cast<std::size_t>(kMaxRateScale)) {
    return invalid("has more than 18 decimal places");
  }

  Rate rate;
  rate.digits = 0;
  for (char c : digits) rate.digits = rate.digits * 10 + (c - '0');
  rate.scale = static_cast<int>(fraction.size());
  return rate;
}

// -----------------------------------------------------------------------------------------
// Rounding and conversion

std::optional<Rounding> parse_rounding(std::string_view name) {
  if (name == "none") return Rounding::kNone;
  if (name == "up_to_minor") return Rounding::kUpToMinor;
  if (name == "up_to_whole") return Rounding::kUpToWhole;
  if (name == "nearest_whole") return Rounding::kNearestWhole;
  return std::nullopt;
}

std::string_view rounding_name(Rounding rounding) {
  switch (rounding) {
    case Rounding::kNone:
      return "none";
    case Rounding::kUpToMinor:
      return "up_to_minor";
    case Rounding::kUpToWhole:
      return "up_to_whole";
    case Rounding::kNearestWhole:
      return "nearest_whole";
  }
  return "none";
}

Result<int64_t> convert(int64_t amount, std::string_view from, std::string_view to,
                        const Rate& rate, Rounding rounding) {
  std::optional<int> from_units = minor_units(from);
  if (!from_units) return UnknownCurrency(from, "$");
  std::optional<int> to_units = minor_units(to);
  if (!to_units) return UnknownCurrency(to, "$");
  // Rate is a plain struct, so it may not have come from parse_rate; the bounds it would
  // have enforced are what keep the 128-bit products below from overflowing.
  if (rate.digits <= 0 || rate.scale < 0 || rate.scale > kMaxRateScale) {
    return make_error("invalid_rate", "exchange rate must be positive with at most 18 decimals");
  }
  if (!InAmountRange(amount)) return OutOfRange("$");

  // result = amount x digits x 10^(to_units - from_units - scale), kept as one fraction
  // numerator / denominator so that the rounding below is the only rounding.
  // |numerator| <= 10^15 x 2^63 x 10^4 < 2^127; denominator <= 10^(18 + 4).
  const int exponent = *to_units - *from_units - rate.scale;
  Int128 numerator = Int128{amount} * rate.digits;
  Int128 denominator = 1;
  if (exponent >= 0) {
    numerator *= Pow10(exponent);
  } else {
    denominator = Pow10(-exponent);
  }

  // Whole-unit rules round to a step of 10^minor units of `to`; the others to one unit.
  Int128 step = 1;
  Tie tie = Tie::kHalfAwayFromZero;
  switch (rounding) {
    case Rounding::kNone:
      break;
    case Rounding::kUpToMinor:
      tie = Tie::kCeiling;
      break;
    case Rounding::kUpToWhole:
      step = Pow10(*to_units);
      tie = Tie::kCeiling;
      break;
    case Rounding::kNearestWhole:
      step = Pow10(*to_units);
      tie = Tie::kHalfUp;
      break;
  }

  const Int128 result = DivideRounded(numerator, denominator * step, tie) * step;
  if (!InAmountRange(result)) return OutOfRange("$");
  return static_cast<int64_t>(result);
}

int64_t round_amount(int64_t amount, int minor_units, Rounding rounding) {
  if (rounding != Rounding::kUpToWhole && rounding != Rounding::kNearestWhole) return amount;
  const Tie tie = rounding == Rounding::kUpToWhole ? Tie::kCeiling : Tie::kHalfUp;
  const Int128 step = Pow10(ClampMinorUnits(minor_units));
  return Saturate(DivideRounded(amount, step, tie) * step);
}

// -----------------------------------------------------------------------------------------
// Decimal amounts

Result<int64_t> parse_decimal_amount(std::string_view text, std::string_view currency,
                                     const std::string& path) {
  std::optional<int> units = minor_units(currency);
  if (!units) return UnknownCurrency(currency, path);
  auto invalid = [&](const std::string& why) {
    return make_error("invalid_amount", "amount " + Quoted(text) + " " + why, path);
  };

  std::string_view body = text;
  const bool negative = !body.empty() && body.front() == '-';
  if (negative) body.remove_prefix(1);
  std::optional<DecimalText> parts = SplitDecimal(body);
  if (!parts) return invalid("is not a decimal such as \"19.99\"");

  const std::size_t kept = static_cast<std::size_t>(*units);
  for (std::size_t i = kept; i < parts->fraction.size(); ++i) {
    if (parts->fraction[i] != '0') {
      return invalid("has more decimal places than " + std::string(currency) + " has");
    }
  }

  // Checking the range after every digit keeps the accumulator far from overflow even
  // for a thousand-digit input.
  Int128 value = 0;
  for (char c : parts->whole) {
    value = value * 10 + (c - '0');
    if (value > kMaxAmount) return OutOfRange(path);
  }
  for (std::size_t i = 0; i < kept; ++i) {
    const int digit = i < parts->fraction.size() ? parts->fraction[i] - '0' : 0;
    value = value * 10 + digit;
    if (value > kMaxAmount) return OutOfRange(path);
  }
  return static_cast<int64_t>(negative ? -value : value);
}

// -----------------------------------------------------------------------------------------
// cart.js amounts

std::string decimal_text(int64_t amount, int minor_units) {
  // The magnitude as unsigned, so that the most negative amount has one too.
  const uint64_t magnitude =
      amount < 0 ? uint64_t{0} - static_cast<uint64_t>(amount) : static_cast<uint64_t>(amount);
  std::string digits = std::to_string(magnitude);
  const auto minor = static_cast<std::size_t>(ClampMinorUnits(minor_units));
  if (minor > 0) {
    if (digits.size() <= minor) digits.insert(0, minor + 1 - digits.size(), '0');
    digits.insert(digits.size() - minor, ".");
  }
  return amount < 0 ? "-" + digits : digits;
}

std::optional<CartAmounts> parse_cart_amounts(std::string_view name) {
  if (name == "cents") return CartAmounts::kCents;
  if (name == "minor_units") return CartAmounts::kMinorUnits;
  return std::nullopt;
}

int64_t cart_to_minor(int64_t value, int minor_units, CartAmounts mode) {
  if (mode == CartAmounts::kMinorUnits) return value;
  return Rescale(value, 2, minor_units);
}

int64_t minor_to_cart(int64_t amount, int minor_units, CartAmounts mode) {
  if (mode == CartAmounts::kMinorUnits) return amount;
  return Rescale(amount, minor_units, 2);
}

// -----------------------------------------------------------------------------------------
// Formatting

std::string format_money(int64_t amount, int minor_units, std::string_view money_format) {
  // No reserve: most amounts ("$458.40") fit the string's own buffer, and reserving made
  // every one a heap allocation.
  std::string out;
  std::size_t i = 0;
  while (i < money_format.size()) {
    // Same shape as Shopify's own matcher: "{{", optional spaces, a word, optional
    // spaces, "}}". Anything else is copied one character at a time, so "{{{amount}}}"
    // still finds the placeholder after the first brace.
    if (money_format.compare(i, 2, "{{") == 0) {
      std::size_t j = i + 2;
      while (j < money_format.size() && IsSpace(money_format[j])) ++j;
      const std::size_t name_begin = j;
      while (j < money_format.size() && IsWordChar(money_format[j])) ++j;
      const std::string_view name = money_format.substr(name_begin, j - name_begin);
      while (j < money_format.size() && IsSpace(money_format[j])) ++j;
      if (!name.empty() && money_format.compare(j, 2, "}}") == 0) {
        const std::size_t end = j + 2;
        if (const NumberStyle* style = FindNumberStyle(name)) {
          AppendNumber(out, amount, minor_units, *style);
        } else {
          out.append(money_format.substr(i, end - i));
        }
        i = end;
        continue;
      }
    }
    out += money_format[i];
    ++i;
  }
  return out;
}

std::string default_money_format(std::string_view currency) {
  for (const DefaultFormat& entry : kDefaultFormats) {
    if (entry.currency == currency) return std::string(entry.money_format);
  }
  return "{{amount}} " + std::string(currency);
}

}  // namespace tiercart
