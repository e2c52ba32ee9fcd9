// Specification of tiercart's money module: the ISO 4217 table, exact conversion and
// rounding, decimal parsing, cart.js amount scaling and Shopify money_format rendering.

#include "tiercart/money.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace tiercart {
namespace {

Rate MustParseRate(std::string_view text) {
  Result<Rate> rate = parse_rate(text, "$.rate");
  EXPECT_TRUE(rate.ok()) << text;
  return rate.ok() ? rate.value() : Rate{};
}

// Converts and expects success; a failure shows the error code in the test output.
int64_t MustConvert(int64_t amount, std::string_view from, std::string_view to,
                    std::string_view rate, Rounding rounding) {
  Result<int64_t> result = convert(amount, from, to, MustParseRate(rate), rounding);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().code);
  return result.ok() ? result.value() : std::numeric_limits<int64_t>::min();
}

std::string ConvertErrorCode(int64_t amount, std::string_view from, std::string_view to,
                             std::string_view rate, Rounding rounding) {
  Result<int64_t> result = convert(amount, from, to, MustParseRate(rate), rounding);
  return result.ok() ? "ok" : result.error().code;
}

std::string AmountErrorCode(std::string_view text, std::string_view currency) {
  Result<int64_t> result = parse_decimal_amount(text, currency, "$.price");
  return result.ok() ? "ok" : result.error().code;
}

int64_t MustParseAmount(std::string_view text, std::string_view currency) {
  Result<int64_t> result = parse_decimal_amount(text, currency, "$.price");
  EXPECT_TRUE(result.ok()) << text << " " << (result.ok() ? "" : result.error().code);
  return result.ok() ? result.value() : std::numeric_limits<int64_t>::min();
}

// ---------------------------------------------------------------------------------------
// Currency table

TEST(MinorUnits, KnowsTheCommonExponents) {
  EXPECT_EQ(minor_units("USD"), 2);
  EXPECT_EQ(minor_units("EUR"), 2);
  EXPECT_EQ(minor_units("JPY"), 0);
  EXPECT_EQ(minor_units("KWD"), 3);
  EXPECT_EQ(minor_units("CLF"), 4);
}

TEST(MinorUnits, ListsEveryZeroDecimalCurrency) {
  for (std::string_view code : {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
                                "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}) {
    EXPECT_EQ(minor_units(code), 0) << code;
  }
}

TEST(MinorUnits, ListsEveryThreeDecimalCurrency) {
  for (std::string_view code : {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}) {
    EXPECT_EQ(minor_units(code), 3) << code;
  }
}

TEST(CurrencyTable, IsSortedAndAgreesWithTheLookup) {
  const auto table = currency_table();
  ASSERT_GT(table.size(), 150u);
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (i > 0) EXPECT_LT(table[i - 1].code, table[i].code);
    EXPECT_EQ(minor_units(table[i].code), table[i].minor_units) << table[i].code;
  }
}

TEST(DecimalText, WritesMinorUnitsAsTheCurrencyHasThem) {
  EXPECT_EQ(decimal_text(1530, 2), "15.30");
  EXPECT_EQ(decimal_text(5, 2), "0.05");
  EXPECT_EQ(decimal_text(-5, 2), "-0.05");
  EXPECT_EQ(decimal_text(500, 0), "500");
  EXPECT_EQ(decimal_text(12345, 3), "12.345");
  EXPECT_EQ(decimal_text(INT64_MIN, 2), "-92233720368547758.08");
  auto back = parse_decimal_amount(decimal_text(1999, 2), "USD", "$");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), 1999);
}

TEST(MinorUnits, ReturnsNothingForUnknownOrMalformedCodes) {
  EXPECT_EQ(minor_units("ABC"), std::nullopt);
  EXPECT_EQ(minor_units(""), std::nullopt);
  EXPECT_EQ(minor_units("usd"), std::nullopt);
  EXPECT_EQ(minor_units("USDX"), std::nullopt);
  EXPECT_EQ(minor_units("XAU"), std::nullopt);  // a metal, not a price currency
}

TEST(RequireCurrency, ReportsUnknownCurrencyAtTheGivenPath) {
  Result<int> known = require_currency("JPY", "$.currency");
  ASSERT_TRUE(known.ok());
  EXPECT_EQ(known.value(), 0);

  Result<int> unknown = require_currency("ZZZ", "$.currency");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "unknown_currency");
  EXPECT_EQ(unknown.error().path, "$.currency");
}

// ---------------------------------------------------------------------------------------
// Rates

TEST(ParseRate, HoldsDecimalRatesExactlyAsDigitsAndScale) {
  Rate rate = MustParseRate("0.92");
  EXPECT_EQ(rate.digits, 92);
  EXPECT_EQ(rate.scale, 2);

  rate = MustParseRate("1");
  EXPECT_EQ(rate.digits, 1);
  EXPECT_EQ(rate.scale, 0);

  rate = MustParseRate("0.0068");
  EXPECT_EQ(rate.digits, 68);
  EXPECT_EQ(rate.scale, 4);

  rate = MustParseRate("100");
  EXPECT_EQ(rate.digits, 100);
  EXPECT_EQ(rate.scale, 0);
}

TEST(ParseRate, DropsTrailingFractionZeros) {
  Rate rate = MustParseRate("147.50");
  EXPECT_EQ(rate.digits, 1475);
  EXPECT_EQ(rate.scale, 1);

  rate = MustParseRate("1.0000");
  EXPECT_EQ(rate.digits, 1);
  EXPECT_EQ(rate.scale, 0);
}

TEST(ParseRate, AcceptsEighteenSignificantDigitsAndEighteenDecimals) {
  Rate rate = MustParseRate("123456789.123456789");
  EXPECT_EQ(rate.digits, 123456789123456789);
  EXPECT_EQ(rate.scale, 9);

  rate = MustParseRate("0.000000000000000001");
  EXPECT_EQ(rate.digits, 1);
  EXPECT_EQ(rate.scale, 18);
}

TEST(ParseRate, RejectsAnythingButAPlainPositiveDecimal) {
  for (std::string_view text :
       {"", "-1", "+1", "1e3", "0", "0.000", ".5", "5.", " 1", "1 ", "1,5", "1.2.3", "abc", "0x10",
        "1234567890123456789", "0.0000000000000000001"}) {
    Result<Rate> rate = parse_rate(text, "$.rate");
    ASSERT_FALSE(rate.ok()) << '"' << text << '"';
    EXPECT_EQ(rate.error().code, "invalid_rate") << text;
    EXPECT_EQ(rate.error().path, "$.rate") << text;
  }
}

// ---------------------------------------------------------------------------------------
// Rounding names

TEST(Rounding, NamesRoundTripThroughParse) {
  for (Rounding rounding :
       {Rounding::kNone, Rounding::kUpToMinor, Rounding::kUpToWhole, Rounding::kNearestWhole}) {
    EXPECT_EQ(parse_rounding(rounding_name(rounding)), rounding);
  }
  EXPECT_EQ(rounding_name(Rounding::kUpToWhole), "up_to_whole");
  EXPECT_EQ(parse_rounding("nearest_whole"), Rounding::kNearestWhole);
}

TEST(Rounding, RejectsUnknownNames) {
  EXPECT_EQ(parse_rounding("up"), std::nullopt);
  EXPECT_EQ(parse_rounding("None"), std::nullopt);
  EXPECT_EQ(parse_rounding(""), std::nullopt);
}

// ---------------------------------------------------------------------------------------
// Conversion

TEST(Convert, UsdToEurAtExactRateIsTheSameUnderMinorRules) {
  EXPECT_EQ(MustConvert(1000, "USD", "EUR", "0.92", Rounding::kNone), 920);
  EXPECT_EQ(MustConvert(1000, "USD", "EUR", "0.92", Rounding::kUpToMinor), 920);
}

TEST(Convert, NoneRoundsToTheNearestCent) {
  // 49.99 x 0.92 = 45.9908
  EXPECT_EQ(MustConvert(4999, "USD", "EUR", "0.92", Rounding::kNone), 4599);
}

TEST(Convert, UpToMinorNeverFallsBelowTheExactValue) {
  EXPECT_EQ(MustConvert(4999, "USD", "EUR", "0.92", Rounding::kUpToMinor), 4600);
}

TEST(Convert, UpToWholeRoundsToTheNextWholeEuro) {
  EXPECT_EQ(MustConvert(1000, "USD", "EUR", "0.92", Rounding::kUpToWhole), 1000);  // 9.20
  EXPECT_EQ(MustConvert(4999, "USD", "EUR", "0.92", Rounding::kUpToWhole), 4600);  // 45.99
}

TEST(Convert, UpToWholeRoundsUpEvenForOneCentOver) {
  EXPECT_EQ(MustConvert(401, "USD", "EUR", "1", Rounding::kUpToWhole), 500);
  EXPECT_EQ(MustConvert(400, "USD", "EUR", "1", Rounding::kUpToWhole), 400);
}

TEST(Convert, UpToWholeRoundsOnceFromTheExactValueNotFromRoundedCents) {
  // 400.0001 cents exactly: rounding to cents first would give 4.00 and stay at 4.00.
  EXPECT_EQ(MustConvert(400, "USD", "EUR", "1.00000025", Rounding::kUpToWhole), 500);
}

TEST(Convert, NearestWholeRoundsToTheClosestWholeEuro) {
  EXPECT_EQ(MustConvert(1000, "USD", "EUR", "0.92", Rounding::kNearestWhole), 900);   // 9.20
  EXPECT_EQ(MustConvert(4999, "USD", "EUR", "0.92", Rounding::kNearestWhole), 4600);  // 45.99
}

TEST(Convert, NearestWholeRoundsHalvesTowardPositiveInfinity) {
  EXPECT_EQ(MustConvert(900, "USD", "EUR", "0.5", Rounding::kNearestWhole), 500);    // 4.50
  EXPECT_EQ(MustConvert(-900, "USD", "EUR", "0.5", Rounding::kNearestWhole), -400);  // -4.50
  EXPECT_EQ(MustConvert(-902, "USD", "EUR", "0.5", Rounding::kNearestWhole), -500);  // -4.51
}

TEST(Convert, NoneRoundsHalvesAwayFromZero) {
  EXPECT_EQ(MustConvert(1, "USD", "EUR", "0.5", Rounding::kNone), 1);
  EXPECT_EQ(MustConvert(-1, "USD", "EUR", "0.5", Rounding::kNone), -1);
  EXPECT_EQ(MustConvert(3, "USD", "EUR", "0.1", Rounding::kNone), 0);
}

TEST(Convert, RoundsNegativeAmountsUpTowardPositiveInfinity) {
  EXPECT_EQ(MustConvert(-1, "USD", "EUR", "0.5", Rounding::kUpToMinor), 0);
  EXPECT_EQ(MustConvert(-4999, "USD", "EUR", "0.92", Rounding::kUpToMinor), -4599);
  EXPECT_EQ(MustConvert(-401, "USD", "EUR", "1", Rounding::kUpToWhole), -400);
}

TEST(Convert, UsdToJpyAccountsForTheZeroDecimalTarget) {
  EXPECT_EQ(MustConvert(1000, "USD", "JPY", "147.5", Rounding::kNone), 1475);
  // One cent is 1.475 yen.
  EXPECT_EQ(MustConvert(1, "USD", "JPY", "147.5", Rounding::kNone), 1);
  EXPECT_EQ(MustConvert(1, "USD", "JPY", "147.5", Rounding::kUpToMinor), 2);
  EXPECT_EQ(MustConvert(1, "USD", "JPY", "147.5", Rounding::kUpToWhole), 2);
  EXPECT_EQ(MustConvert(1, "USD", "JPY", "147.5", Rounding::kNearestWhole), 1);
  // 19.99 x 147.5 = 2948.525
  EXPECT_EQ(MustConvert(1999, "USD", "JPY", "147.50", Rounding::kNone), 2949);
}

TEST(Convert, JpyToUsdScalesUpToCents) {
  EXPECT_EQ(MustConvert(1000, "JPY", "USD", "0.0068", Rounding::kNone), 680);
  // One yen is 0.68 cents.
  EXPECT_EQ(MustConvert(1, "JPY", "USD", "0.0068", Rounding::kNone), 1);
  EXPECT_EQ(MustConvert(1, "JPY", "USD", "0.0068", Rounding::kUpToWhole), 100);
  EXPECT_EQ(MustConvert(1, "JPY", "USD", "0.0068", Rounding::kNearestWhole), 0);
}

TEST(Convert, HandlesThreeDecimalCurrenciesBothWays) {
  EXPECT_EQ(MustConvert(1000, "USD", "KWD", "0.307", Rounding::kNone), 3070);
  // One cent is 3.07 fils.
  EXPECT_EQ(MustConvert(1, "USD", "KWD", "0.307", Rounding::kUpToMinor), 4);
  EXPECT_EQ(MustConvert(1, "USD", "KWD", "0.307", Rounding::kUpToWhole), 1000);
  EXPECT_EQ(MustConvert(1000, "KWD", "USD", "3.25", Rounding::kNone), 325);
  // One fils is 0.325 cents.
  EXPECT_EQ(MustConvert(1, "KWD", "USD", "3.25", Rounding::kNone), 0);
  EXPECT_EQ(MustConvert(1, "KWD", "USD", "3.25", Rounding::kUpToMinor), 1);
}

TEST(Convert, HandlesFourDecimalCurrencies) {
  EXPECT_EQ(MustConvert(100, "USD", "CLF", "0.025", Rounding::kNone), 250);
  EXPECT_EQ(MustConvert(1, "USD", "CLF", "0.025", Rounding::kUpToWhole), 10000);
}

TEST(Convert, ReachesExactlyTheLimitButNotBeyond) {
  EXPECT_EQ(MustConvert(kMaxAmount, "USD", "EUR", "1", Rounding::kUpToWhole), kMaxAmount);
  EXPECT_EQ(MustConvert(-kMaxAmount, "USD", "EUR", "1", Rounding::kNone), -kMaxAmount);
  EXPECT_EQ(ConvertErrorCode(kMaxAmount, "USD", "EUR", "1.01", Rounding::kNone), "out_of_range");
  EXPECT_EQ(ConvertErrorCode(kMaxAmount - 1, "JPY", "USD", "1", Rounding::kNone), "out_of_range");
  EXPECT_EQ(ConvertErrorCode(kMaxAmount - 50, "USD", "EUR", "1", Rounding::kUpToWhole), "ok");
}

TEST(Convert, RejectsInputsBeyondTheLimitWithoutOverflowing) {
  EXPECT_EQ(ConvertErrorCode(kMaxAmount + 1, "USD", "EUR", "1", Rounding::kNone), "out_of_range");
  EXPECT_EQ(
      ConvertErrorCode(std::numeric_limits<int64_t>::min(), "USD", "EUR", "1", Rounding::kNone),
      "out_of_range");
  // The largest rate times the largest amount into a four-decimal currency still fits the
  // 128-bit intermediate and reports out_of_range rather than a wrapped value.
  EXPECT_EQ(ConvertErrorCode(kMaxAmount, "JPY", "CLF", "999999999999999999", Rounding::kNone),
            "out_of_range");
  EXPECT_EQ(ConvertErrorCode(-kMaxAmount, "JPY", "CLF", "999999999999999999", Rounding::kUpToWhole),
            "out_of_range");
}

TEST(Convert, ReportsUnknownCurrencies) {
  EXPECT_EQ(ConvertErrorCode(100, "USD", "XYZ", "1", Rounding::kNone), "unknown_currency");
  EXPECT_EQ(ConvertErrorCode(100, "usd", "EUR", "1", Rounding::kNone), "unknown_currency");
}

TEST(Convert, RejectsARateThatDidNotComeFromParseRate) {
  Result<int64_t> zero = convert(100, "USD", "EUR", Rate{0, 0}, Rounding::kNone);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, "invalid_rate");
  Result<int64_t> huge_scale = convert(100, "USD", "EUR", Rate{1, 40}, Rounding::kNone);
  ASSERT_FALSE(huge_scale.ok());
  EXPECT_EQ(huge_scale.error().code, "invalid_rate");
}

// ---------------------------------------------------------------------------------------
// round_amount

TEST(RoundAmount, RoundsUpToTheNextWholeUnit) {
  EXPECT_EQ(round_amount(401, 2, Rounding::kUpToWhole), 500);
  EXPECT_EQ(round_amount(400, 2, Rounding::kUpToWhole), 400);
  EXPECT_EQ(round_amount(-401, 2, Rounding::kUpToWhole), -400);
  EXPECT_EQ(round_amount(4001, 3, Rounding::kUpToWhole), 5000);
}

TEST(RoundAmount, RoundsToTheNearestWholeUnitWithHalvesUp) {
  EXPECT_EQ(round_amount(450, 2, Rounding::kNearestWhole), 500);
  EXPECT_EQ(round_amount(449, 2, Rounding::kNearestWhole), 400);
  EXPECT_EQ(round_amount(-450, 2, Rounding::kNearestWhole), -400);
  EXPECT_EQ(round_amount(-451, 2, Rounding::kNearestWhole), -500);
}

TEST(RoundAmount, LeavesAmountsAloneForMinorRulesAndZeroDecimalCurrencies) {
  EXPECT_EQ(round_amount(401, 2, Rounding::kNone), 401);
  EXPECT_EQ(round_amount(401, 2, Rounding::kUpToMinor), 401);
  EXPECT_EQ(round_amount(1475, 0, Rounding::kUpToWhole), 1475);
}

TEST(RoundAmount, SaturatesInsteadOfOverflowing) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(round_amount(kMax, 2, Rounding::kUpToWhole), kMax);
}

// ---------------------------------------------------------------------------------------
// Decimal amounts

TEST(ParseDecimalAmount, ReadsShopifyRestPrices) {
  EXPECT_EQ(MustParseAmount("19.99", "USD"), 1999);
  EXPECT_EQ(MustParseAmount("1000", "USD"), 100000);
  EXPECT_EQ(MustParseAmount("-5.00", "USD"), -500);
  EXPECT_EQ(MustParseAmount("0.5", "USD"), 50);
  EXPECT_EQ(MustParseAmount("-0.00", "USD"), 0);
}

TEST(ParseDecimalAmount, UsesTheCurrencysOwnExponent) {
  EXPECT_EQ(MustParseAmount("1000", "JPY"), 1000);
  EXPECT_EQ(MustParseAmount("1.5", "KWD"), 1500);
  EXPECT_EQ(MustParseAmount("0.0001", "CLF"), 1);
}

TEST(ParseDecimalAmount, AcceptsExtraFractionDigitsOnlyWhenZero) {
  EXPECT_EQ(MustParseAmount("1000.00", "JPY"), 1000);
  EXPECT_EQ(MustParseAmount("19.990", "USD"), 1999);
  EXPECT_EQ(AmountErrorCode("19.999", "USD"), "invalid_amount");
  EXPECT_EQ(AmountErrorCode("1000.5", "JPY"), "invalid_amount");
}

TEST(ParseDecimalAmount, RejectsMalformedText) {
  for (std::string_view text :
       {"", "1,000", "1e2", "abc", ".5", "5.", "+5", "--5", "-", " 5", "5 ", "1.2.3", "-.5"}) {
    EXPECT_EQ(AmountErrorCode(text, "USD"), "invalid_amount") << '"' << text << '"';
  }
}

TEST(ParseDecimalAmount, ReportsErrorsAtTheGivenPath) {
  Result<int64_t> bad = parse_decimal_amount("x", "USD", "$.line_items[3].price");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().path, "$.line_items[3].price");
  EXPECT_EQ(AmountErrorCode("1.00", "ZZZ"), "unknown_currency");
}

TEST(ParseDecimalAmount, AcceptsTheLimitAndRejectsBeyondIt) {
  EXPECT_EQ(MustParseAmount("10000000000000.00", "USD"), kMaxAmount);
  EXPECT_EQ(MustParseAmount("-10000000000000", "USD"), -kMaxAmount);
  EXPECT_EQ(AmountErrorCode("10000000000000.01", "USD"), "out_of_range");
  EXPECT_EQ(AmountErrorCode("1000000000000001", "JPY"), "out_of_range");
  EXPECT_EQ(AmountErrorCode(std::string(400, '9'), "USD"), "out_of_range");
}

// ---------------------------------------------------------------------------------------
// cart.js amounts

TEST(CartAmounts, ParsesModeNames) {
  EXPECT_EQ(parse_cart_amounts("cents"), CartAmounts::kCents);
  EXPECT_EQ(parse_cart_amounts("minor_units"), CartAmounts::kMinorUnits);
  EXPECT_EQ(parse_cart_amounts("minor"), std::nullopt);
}

TEST(CartAmounts, CentsAreMinorUnitsForTwoDecimalCurrencies) {
  EXPECT_EQ(cart_to_minor(1999, 2, CartAmounts::kCents), 1999);
  EXPECT_EQ(minor_to_cart(1999, 2, CartAmounts::kCents), 1999);
}

TEST(CartAmounts, CentsOfZeroDecimalCurrenciesCarryTwoExtraDigits) {
  EXPECT_EQ(cart_to_minor(100000, 0, CartAmounts::kCents), 1000);
  EXPECT_EQ(minor_to_cart(1000, 0, CartAmounts::kCents), 100000);
}

TEST(CartAmounts, FractionsOfAYenRoundHalfAwayFromZero) {
  EXPECT_EQ(cart_to_minor(150, 0, CartAmounts::kCents), 2);
  EXPECT_EQ(cart_to_minor(149, 0, CartAmounts::kCents), 1);
  EXPECT_EQ(cart_to_minor(-150, 0, CartAmounts::kCents), -2);
}

TEST(CartAmounts, CentsOfThreeDecimalCurrenciesAreScaledByTen) {
  EXPECT_EQ(cart_to_minor(1234, 3, CartAmounts::kCents), 12340);
  EXPECT_EQ(minor_to_cart(12345, 3, CartAmounts::kCents), 1235);
  EXPECT_EQ(minor_to_cart(-12345, 3, CartAmounts::kCents), -1235);
  EXPECT_EQ(minor_to_cart(12344, 3, CartAmounts::kCents), 1234);
}

TEST(CartAmounts, MinorUnitsModeIsTheIdentity) {
  for (int minor : {0, 2, 3}) {
    EXPECT_EQ(cart_to_minor(1475, minor, CartAmounts::kMinorUnits), 1475);
    EXPECT_EQ(minor_to_cart(1475, minor, CartAmounts::kMinorUnits), 1475);
  }
}

TEST(CartAmounts, MinorAmountsSurviveARoundTripThroughCents) {
  for (int64_t amount : {int64_t{0}, int64_t{1}, int64_t{-7}, int64_t{1000}, kMaxAmount}) {
    for (int minor : {0, 2}) {
      EXPECT_EQ(cart_to_minor(minor_to_cart(amount, minor, CartAmounts::kCents), minor,
                              CartAmounts::kCents),
                amount)
          << amount << " at " << minor;
    }
  }
  // Three-decimal amounts keep a cent's precision through cents, no more.
  EXPECT_EQ(cart_to_minor(minor_to_cart(12340, 3, CartAmounts::kCents), 3, CartAmounts::kCents),
            12340);
  EXPECT_EQ(minor_to_cart(cart_to_minor(1234, 3, CartAmounts::kCents), 3, CartAmounts::kCents),
            1234);
}

// ---------------------------------------------------------------------------------------
// money_format

TEST(FormatMoney, AmountShowsTwoDecimalsWithCommaThousands) {
  const char* format = "{{amount}}";
  EXPECT_EQ(format_money(0, 2, format), "0.00");
  EXPECT_EQ(format_money(5, 2, format), "0.05");
  EXPECT_EQ(format_money(99, 2, format), "0.99");
  EXPECT_EQ(format_money(100, 2, format), "1.00");
  EXPECT_EQ(format_money(123456, 2, format), "1,234.56");
  EXPECT_EQ(format_money(100000000, 2, format), "1,000,000.00");
  EXPECT_EQ(format_money(-123456, 2, format), "-1,234.56");
}

TEST(FormatMoney, AmountNoDecimalsRoundsHalvesUp) {
  const char* format = "{{amount_no_decimals}}";
  EXPECT_EQ(format_money(0, 2, format), "0");
  EXPECT_EQ(format_money(5, 2, format), "0");
  EXPECT_EQ(format_money(49, 2, format), "0");
  EXPECT_EQ(format_money(50, 2, format), "1");
  EXPECT_EQ(format_money(99, 2, format), "1");
  EXPECT_EQ(format_money(100, 2, format), "1");
  EXPECT_EQ(format_money(123456, 2, format), "1,235");
  EXPECT_EQ(format_money(100000000, 2, format), "1,000,000");
  EXPECT_EQ(format_money(-123456, 2, format), "-1,235");
}

TEST(FormatMoney, CommaSeparatorSwapsPointAndComma) {
  const char* format = "{{amount_with_comma_separator}}";
  EXPECT_EQ(format_money(0, 2, format), "0,00");
  EXPECT_EQ(format_money(5, 2, format), "0,05");
  EXPECT_EQ(format_money(99, 2, format), "0,99");
  EXPECT_EQ(format_money(100, 2, format), "1,00");
  EXPECT_EQ(format_money(123456, 2, format), "1.234,56");
  EXPECT_EQ(format_money(100000000, 2, format), "1.000.000,00");
  EXPECT_EQ(format_money(-123456, 2, format), "-1.234,56");
}

TEST(FormatMoney, NoDecimalsWithCommaSeparatorGroupsWithPoints) {
  const char* format = "{{amount_no_decimals_with_comma_separator}}";
  EXPECT_EQ(format_money(0, 2, format), "0");
  EXPECT_EQ(format_money(5, 2, format), "0");
  EXPECT_EQ(format_money(99, 2, format), "1");
  EXPECT_EQ(format_money(100, 2, format), "1");
  EXPECT_EQ(format_money(123456, 2, format), "1.235");
  EXPECT_EQ(format_money(100000000, 2, format), "1.000.000");
  EXPECT_EQ(format_money(-123456, 2, format), "-1.235");
}

TEST(FormatMoney, ApostropheSeparatorGroupsWithApostrophes) {
  const char* format = "{{amount_with_apostrophe_separator}}";
  EXPECT_EQ(format_money(0, 2, format), "0.00");
  EXPECT_EQ(format_money(5, 2, format), "0.05");
  EXPECT_EQ(format_money(99, 2, format), "0.99");
  EXPECT_EQ(format_money(100, 2, format), "1.00");
  EXPECT_EQ(format_money(123456, 2, format), "1'234.56");
  EXPECT_EQ(format_money(100000000, 2, format), "1'000'000.00");
  EXPECT_EQ(format_money(-123456, 2, format), "-1'234.56");
}

TEST(FormatMoney, SpaceSeparatorGroupsWithSpacesAndUsesADecimalComma) {
  const char* format = "{{amount_with_space_separator}}";
  EXPECT_EQ(format_money(0, 2, format), "0,00");
  EXPECT_EQ(format_money(5, 2, format), "0,05");
  EXPECT_EQ(format_money(99, 2, format), "0,99");
  EXPECT_EQ(format_money(100, 2, format), "1,00");
  EXPECT_EQ(format_money(123456, 2, format), "1 234,56");
  EXPECT_EQ(format_money(100000000, 2, format), "1 000 000,00");
  EXPECT_EQ(format_money(-123456, 2, format), "-1 234,56");
}

TEST(FormatMoney, NoDecimalsWithSpaceSeparatorGroupsWithSpaces) {
  const char* format = "{{amount_no_decimals_with_space_separator}}";
  EXPECT_EQ(format_money(0, 2, format), "0");
  EXPECT_EQ(format_money(5, 2, format), "0");
  EXPECT_EQ(format_money(99, 2, format), "1");
  EXPECT_EQ(format_money(100, 2, format), "1");
  EXPECT_EQ(format_money(123456, 2, format), "1 235");
  EXPECT_EQ(format_money(100000000, 2, format), "1 000 000");
  EXPECT_EQ(format_money(-123456, 2, format), "-1 235");
}

TEST(FormatMoney, PeriodAndSpaceSeparatorGroupsWithSpacesAndUsesADecimalPoint) {
  const char* format = "{{amount_with_period_and_space_separator}}";
  EXPECT_EQ(format_money(0, 2, format), "0.00");
  EXPECT_EQ(format_money(5, 2, format), "0.05");
  EXPECT_EQ(format_money(99, 2, format), "0.99");
  EXPECT_EQ(format_money(100, 2, format), "1.00");
  EXPECT_EQ(format_money(123456, 2, format), "1 234.56");
  EXPECT_EQ(format_money(100000000, 2, format), "1 000 000.00");
  EXPECT_EQ(format_money(-123456, 2, format), "-1 234.56");
}

TEST(FormatMoney, PutsTheMinusSignInsideTheTemplateBeforeTheNumber) {
  EXPECT_EQ(format_money(-500, 2, "${{amount}}"), "$-5.00");
  EXPECT_EQ(format_money(-500, 2, "{{amount_with_comma_separator}} EUR"), "-5,00 EUR");
}

TEST(FormatMoney, NeverShowsANegativeZero) {
  EXPECT_EQ(format_money(-5, 2, "{{amount_no_decimals}}"), "0");
  EXPECT_EQ(format_money(-4, 3, "{{amount}}"), "0.00");
}

TEST(FormatMoney, ShowsZeroDecimalCurrenciesAsWholeUnits) {
  EXPECT_EQ(format_money(1000, 0, "¥{{amount_no_decimals}}"), "¥1,000");
  EXPECT_EQ(format_money(1234567, 0, "{{amount}}"), "1,234,567.00");
  EXPECT_EQ(format_money(-1, 0, "{{amount_no_decimals}}"), "-1");
}

TEST(FormatMoney, RoundsThreeDecimalCurrenciesToTwoWithHalvesUp) {
  EXPECT_EQ(format_money(1234567, 3, "{{amount}}"), "1,234.57");
  EXPECT_EQ(format_money(1234565, 3, "{{amount}}"), "1,234.57");
  EXPECT_EQ(format_money(1234564, 3, "{{amount}}"), "1,234.56");
  EXPECT_EQ(format_money(-1234565, 3, "{{amount}}"), "-1,234.57");
}

TEST(FormatMoney, RoundsThreeDecimalCurrenciesToWholeUnitsInOneStep) {
  // 1.495 KWD is closer to 1 than to 2; rounding to 1.50 first would show "2".
  EXPECT_EQ(format_money(1495, 3, "{{amount_no_decimals}}"), "1");
  EXPECT_EQ(format_money(1500, 3, "{{amount_no_decimals}}"), "2");
}

TEST(FormatMoney, AllowsSpacesInsideTheBraces) {
  EXPECT_EQ(format_money(123456, 2, "{{ amount }}"), "1,234.56");
  EXPECT_EQ(format_money(123456, 2, "${{amount }}"), "$1,234.56");
  EXPECT_EQ(format_money(123456, 2, "{{  amount_with_comma_separator  }} €"), "1.234,56 €");
}

TEST(FormatMoney, LeavesUnknownPlaceholdersAsWritten) {
  EXPECT_EQ(format_money(100, 2, "{{amount}} {{ currency }}"), "1.00 {{ currency }}");
  EXPECT_EQ(format_money(100, 2, "{{amount_in_words}}"), "{{amount_in_words}}");
}

TEST(FormatMoney, CopiesTextThatIsNotAPlaceholder) {
  EXPECT_EQ(format_money(100, 2, "Free"), "Free");
  EXPECT_EQ(format_money(100, 2, ""), "");
  EXPECT_EQ(format_money(100, 2, "{{amount"), "{{amount");
  EXPECT_EQ(format_money(100, 2, "{{}}"), "{{}}");
  EXPECT_EQ(format_money(100, 2, "{{{amount}}}"), "{1.00}");
}

TEST(FormatMoney, ReplacesEveryPlaceholderInTheTemplate) {
  EXPECT_EQ(format_money(123456, 2, "{{amount}} ({{amount_no_decimals}})"), "1,234.56 (1,235)");
}

TEST(FormatMoney, FormatsTheExtremesOfInt64WithoutOverflow) {
  EXPECT_EQ(format_money(std::numeric_limits<int64_t>::min(), 2, "{{amount}}"),
            "-92,233,720,368,547,758.08");
  EXPECT_EQ(format_money(std::numeric_limits<int64_t>::max(), 0, "{{amount_no_decimals}}"),
            "9,223,372,036,854,775,807");
}

// ---------------------------------------------------------------------------------------
// Default templates

TEST(DefaultMoneyFormat, KnowsTheMajorCurrencies) {
  EXPECT_EQ(default_money_format("USD"), "${{amount}}");
  EXPECT_EQ(default_money_format("EUR"), "€{{amount_with_comma_separator}}");
  EXPECT_EQ(default_money_format("JPY"), "¥{{amount_no_decimals}}");
  EXPECT_EQ(default_money_format("CHF"), "CHF {{amount_with_apostrophe_separator}}");
  EXPECT_EQ(default_money_format("SEK"), "{{amount_with_comma_separator}} kr");
  EXPECT_EQ(default_money_format("BRL"), "R$ {{amount_with_comma_separator}}");
  EXPECT_EQ(default_money_format("PLN"), "{{amount_with_comma_separator}} zł");
}

TEST(DefaultMoneyFormat, FallsBackToTheAmountFollowedByTheCode) {
  EXPECT_EQ(default_money_format("THB"), "{{amount}} THB");
}

TEST(DefaultMoneyFormat, RendersThroughFormatMoney) {
  EXPECT_EQ(format_money(123456, 2, default_money_format("EUR")), "€1.234,56");
  EXPECT_EQ(format_money(100000, 0, default_money_format("KRW")), "₩100,000");
  EXPECT_EQ(format_money(123456, 2, default_money_format("CHF")), "CHF 1'234.56");
  EXPECT_EQ(format_money(123456, 3, default_money_format("KWD")), "123.46 KWD");
}

}  // namespace
}  // namespace tiercart

// format_cart_money: what the storefront calls for line prices and subtotals.
#include "tiercart/tiercart.h"

namespace {

TEST(FormatCartMoney, ReadsCartAmountsAsTheContextSaysAndUsesTheStoreFormat) {
  using tiercart::CartAmounts;
  EXPECT_EQ(
      tiercart::format_cart_money(1312800, "JPY", "¥{{amount_no_decimals}}", CartAmounts::kCents)
          .value(),
      "¥13,128");
  EXPECT_EQ(
      tiercart::format_cart_money(13128, "JPY", "¥{{amount_no_decimals}}", CartAmounts::kMinorUnits)
          .value(),
      "¥13,128");
  EXPECT_EQ(tiercart::format_cart_money(4600, "EUR", "", CartAmounts::kCents).value(), "€46,00");
}

TEST(FormatCartMoney, RefusesUnknownCurrenciesAndAmountsBeyondTheLimit) {
  using tiercart::CartAmounts;
  EXPECT_EQ(tiercart::format_cart_money(100, "XYZ", "", CartAmounts::kCents).error().code,
            "unknown_currency");
  EXPECT_EQ(tiercart::format_cart_money(tiercart::kMaxAmount + 1, "USD", "", CartAmounts::kCents)
                .error()
                .code,
            "out_of_range");
}

}  // namespace
