// Thresholds by country (docs/program-format.md, section 11.1): a listed country's amount
// stands in for a tier's threshold before conversion, for the drawer, checkout and the order
// check alike; unknown and unlisted countries are measured as without it.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tiercart/function.h"
#include "tiercart/tiercart.h"

namespace {

using json = nlohmann::json;

// Free shipping from $50.00 ($75.00 in Canada); a tote from $100.00 ($150.00 in Canada), with
// CA$70.00 and CA$135.00 chosen for CAD shoppers of the thresholds as written.
const char* kMarkets = R"({"format": 1, "id": "markets", "version": 1, "currency": "USD",
  "rounding": "up_to_whole",
  "bars": [{"id": "main", "tiers": [
    {"id": "ship", "threshold": 5000, "thresholds_by_currency": {"CAD": 7000},
     "thresholds_by_country": {"CA": 7500}, "reward": {"type": "free_shipping"}},
    {"id": "tote", "threshold": 10000, "thresholds_by_currency": {"CAD": 13500},
     "thresholds_by_country": {"CA": 15000},
     "reward": {"type": "free_gift", "gifts": [{"variant_id": 9001, "product_id": 8001}]}}]}]})";

std::string cart_of(const std::string& currency, int64_t price) {
  const std::string p = std::to_string(price);
  return R"({"currency": ")" + currency +
         R"(", "items": [{"variant_id": 2004, "product_id": 1002,
    "quantity": 1, "price": )" +
         p + R"(, "original_line_price": )" + p + R"(, "final_line_price": )" + p + "}]}";
}

json evaluated(const std::string& cart, const std::string& context) {
  auto result = tiercart::evaluate_json(kMarkets, cart, context);
  EXPECT_TRUE(result) << (result ? "" : result.error().message);
  return result ? json::parse(result.value()) : json();
}

int64_t tote_threshold(const std::string& cart, const std::string& context) {
  return evaluated(cart, context)["bars"][0]["tiers"][1]["threshold"].get<int64_t>();
}

TEST(CountryThresholds, AListedCountryInTheProgramCurrencyUsesItsAmountAsWritten) {
  const json out = evaluated(cart_of("USD", 14900), R"({"country": "CA"})");
  EXPECT_EQ(out["bars"][0]["tiers"][1]["threshold"], 15000);
  EXPECT_EQ(out["bars"][0]["tiers"][1]["unlocked"], false);
  EXPECT_EQ(out["bars"][0]["remaining"], 100);
  EXPECT_EQ(out["bars"][0]["remaining_formatted"], "$1.00");
}

TEST(CountryThresholds, ExactlyAtTheCountrysAmountIsReached) {
  const json out = evaluated(cart_of("USD", 15000), R"({"country": "CA"})");
  EXPECT_EQ(out["bars"][0]["tiers"][1]["unlocked"], true);
  const json below = evaluated(cart_of("USD", 14999), R"({"country": "CA"})");
  EXPECT_EQ(below["bars"][0]["tiers"][1]["unlocked"], false);
}

TEST(CountryThresholds, AnotherCurrencyConvertsTheCountrysAmountNotItsThresholdsByCurrency) {
  // $150.00 x 1.39 = CA$208.50, up to a whole dollar; CA$135.00 was set for $100.00.
  const std::string cad = R"({"country": "CA", "rate": "1.39"})";
  EXPECT_EQ(tote_threshold(cart_of("CAD", 20711), cad), 20900);
}

TEST(CountryThresholds, UnknownAndUnlistedCountriesAreMeasuredAsBefore) {
  EXPECT_EQ(tote_threshold(cart_of("USD", 100), R"({"country": "US"})"), 10000);
  EXPECT_EQ(tote_threshold(cart_of("USD", 100), "{}"), 10000);
  EXPECT_EQ(tote_threshold(cart_of("CAD", 100), R"({"country": "US", "rate": "1.39"})"), 13500);
  EXPECT_EQ(tote_threshold(cart_of("CAD", 100), R"({"rate": "1.39"})"), 13500);
}

TEST(CountryThresholds, TheLookupFallsBackToTheThreshold) {
  auto program = tiercart::parse_program(kMarkets);
  ASSERT_TRUE(program);
  const tiercart::Tier& tote = program.value().bars[0].tiers[1];
  EXPECT_EQ(tiercart::threshold_for_country(tote, "CA"), 15000);
  EXPECT_EQ(tiercart::threshold_for_country(tote, "AU"), 10000);
  EXPECT_EQ(tiercart::threshold_for_country(tote, ""), 10000);
}

TEST(CountryThresholds, TheProgramIsWrittenBackAsRead) {
  auto program = tiercart::parse_program(kMarkets);
  ASSERT_TRUE(program);
  const json written = json::parse(tiercart::to_json(program.value()));
  EXPECT_EQ(written["bars"][0]["tiers"][1]["thresholds_by_country"], json({{"CA", 15000}}));
  EXPECT_EQ(written["bars"][0]["tiers"][0]["thresholds_by_country"], json({{"CA", 7500}}));
  auto again = tiercart::parse_program(written.dump());
  ASSERT_TRUE(again);
  EXPECT_EQ(tiercart::to_json(again.value()), tiercart::to_json(program.value()));
}

std::string with_countries(const std::string& countries) {
  return R"({"format": 1, "id": "m", "version": 1, "currency": "USD", "bars": [{"id": "b",
    "tiers": [{"id": "t", "threshold": 5000, "thresholds_by_country": )" +
         countries + R"(, "reward": {"type": "free_shipping"}}]}]})";
}

TEST(CountryThresholds, CountriesAndAmountsAreCheckedWhenRead) {
  auto lower = tiercart::parse_program(with_countries(R"({"ca": 7500})"));
  ASSERT_FALSE(lower);
  EXPECT_EQ(lower.error().code, "invalid_value");
  EXPECT_EQ(lower.error().path, "$.bars[0].tiers[0].thresholds_by_country.ca");

  auto zero = tiercart::parse_program(with_countries(R"({"CA": 0})"));
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, "out_of_range");
  EXPECT_EQ(zero.error().path, "$.bars[0].tiers[0].thresholds_by_country.CA");

  auto huge = tiercart::parse_program(with_countries(R"({"CA": 1000000000000001})"));
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code, "out_of_range");
  EXPECT_TRUE(tiercart::parse_program(with_countries(R"({"CA": 1000000000000000})")));

  auto text = tiercart::parse_program(with_countries(R"({"CA": "75.00"})"));
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, "invalid_type");
}

TEST(CountryThresholds, AtMostFiftyCountriesATier) {
  auto countries = [](int count) {
    json map = json::object();
    for (int i = 0; i < count; ++i) {
      map[std::string{char('A' + i / 26), char('A' + i % 26)}] = 6000;
    }
    return map.dump();
  };
  EXPECT_TRUE(tiercart::parse_program(with_countries(countries(50))));
  auto too_many = tiercart::parse_program(with_countries(countries(51)));
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, "too_many");
  EXPECT_EQ(too_many.error().path, "$.bars[0].tiers[0].thresholds_by_country");
}

std::vector<tiercart::Problem> problems_of(const std::string& program_json) {
  auto program = tiercart::parse_program(program_json);
  EXPECT_TRUE(program) << (program ? "" : program.error().message);
  if (!program) return {};
  return tiercart::check_program(program.value(), tiercart::Context{});
}

TEST(CountryThresholds, ACountryOutOfOrderIsAnOverlap) {
  // In GB the free shipping ($100.00) is not below the tote's own $100.00.
  const std::string program = R"({"format": 1, "id": "m", "version": 1, "currency": "USD",
    "bars": [{"id": "b", "tiers": [
      {"id": "ship", "threshold": 5000, "thresholds_by_country": {"CA": 7500, "GB": 10000},
       "reward": {"type": "free_shipping"}},
      {"id": "tote", "threshold": 10000, "thresholds_by_country": {"CA": 15000},
       "reward": {"type": "free_shipping"}}]}]})";
  const auto problems = problems_of(program);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].severity, "error");
  EXPECT_EQ(problems[0].code, "overlapping_tiers");
  EXPECT_EQ(problems[0].path, "$.bars[0].tiers[1].threshold");
  EXPECT_NE(problems[0].message.find("in GB"), std::string::npos) << problems[0].message;
}

TEST(CountryThresholds, ALowerCountryAmountOnTheHigherTierIsAnOverlapAtThatCountry) {
  const std::string program = R"({"format": 1, "id": "m", "version": 1, "currency": "USD",
    "bars": [{"id": "b", "tiers": [
      {"id": "ship", "threshold": 5000, "reward": {"type": "free_shipping"}},
      {"id": "tote", "threshold": 10000, "thresholds_by_country": {"AU": 5000},
       "reward": {"type": "free_shipping"}}]}]})";
  const auto problems = problems_of(program);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "overlapping_tiers");
  EXPECT_EQ(problems[0].path, "$.bars[0].tiers[1].thresholds_by_country.AU");
}

TEST(CountryThresholds, RisingInEveryCountryIsClean) { EXPECT_TRUE(problems_of(kMarkets).empty()); }

TEST(CountryThresholds, AQuantityBarIgnoresThemWithAWarning) {
  const std::string program = R"({"format": 1, "id": "m", "version": 1, "currency": "USD",
    "bars": [{"id": "b", "metric": "quantity", "tiers": [
      {"id": "three", "threshold": 3, "thresholds_by_country": {"CA": 5},
       "reward": {"type": "free_shipping"}}]}]})";
  const auto problems = problems_of(program);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].severity, "warning");
  EXPECT_EQ(problems[0].code, "unused_setting");
  EXPECT_EQ(problems[0].path, "$.bars[0].tiers[0].thresholds_by_country");
  // And it is ignored: 3 units reach the tier in Canada too.
  auto result = tiercart::evaluate_json(
      program,
      R"({"currency": "USD", "items": [{"variant_id": 2001, "product_id": 1001, "quantity": 3,
        "price": 100, "original_line_price": 300, "final_line_price": 300}]})",
      R"({"country": "CA"})");
  ASSERT_TRUE(result);
  EXPECT_EQ(json::parse(result.value())["bars"][0]["tiers"][0]["unlocked"], true);
}

// The order check: the order's shipping country, whatever the stored context says.
TEST(CountryThresholds, AnOrderIsJudgedByItsShippingCountry) {
  auto order = [](const std::string& country) {
    return R"({"id": 1, "currency": "USD", "presentment_currency": "USD",
      "created_at": "2026-11-21T09:14:27-05:00", "shipping_address": {"country_code": ")" +
           country + R"("},
      "line_items": [
        {"id": 1, "variant_id": 2004, "product_id": 1002, "quantity": 1, "price": "149.00"},
        {"id": 2, "variant_id": 9001, "product_id": 8001, "quantity": 1, "price": "25.00",
         "total_discount": "25.00",
         "properties": [{"name": "_tiercart", "value": "markets@1:tote"}]}]})";
  };
  auto us = tiercart::validate_order_json(kMarkets, order("US"), "{}");
  ASSERT_TRUE(us) << us.error().message;
  EXPECT_EQ(json::parse(us.value())["earned"], true);
  auto ca = tiercart::validate_order_json(kMarkets, order("CA"), "{}");
  ASSERT_TRUE(ca) << ca.error().message;
  const json verdict = json::parse(ca.value());
  EXPECT_EQ(verdict["earned"], false);
  EXPECT_EQ(verdict["lines"][0]["reason"], "below_threshold");
}

// At checkout: the delivery address's country, else the market's (localization).
std::string function_input(const std::string& delivery, const std::string& market) {
  const std::string groups = delivery.empty() ? "[]"
                                              : R"([{"id": "gid://shopify/CartDeliveryGroup/1",
                             "deliveryAddress": {"countryCode": ")" +
                                                    delivery + R"("}}])";
  return R"({"cart": {"lines": [
      {"id": "gid://shopify/CartLine/1", "quantity": 1,
       "cost": {"amountPerQuantity": {"amount": "149.00", "currencyCode": "USD"}},
       "merchandise": {"__typename": "ProductVariant", "id": "gid://shopify/ProductVariant/2004",
         "product": {"id": "gid://shopify/Product/1002"}}},
      {"id": "gid://shopify/CartLine/2", "quantity": 1, "attribute": {"value": "markets@1:tote"},
       "cost": {"amountPerQuantity": {"amount": "25.00", "currencyCode": "USD"}},
       "merchandise": {"__typename": "ProductVariant", "id": "gid://shopify/ProductVariant/9001",
         "product": {"id": "gid://shopify/Product/8001"}}}],
      "deliveryGroups": )" +
         groups + R"(},
    "presentmentCurrencyRate": "1.0",
    "localization": {"country": {"isoCode": ")" +
         market + R"("}},
    "discount": {"discountClasses": ["PRODUCT"], "metafield": {"value": )" +
         json(kMarkets).dump() + "}}}";
}

bool tote_is_free(const std::string& delivery, const std::string& market) {
  auto out = tiercart::run_function_json(tiercart::FunctionTarget::kCartLinesDiscounts,
                                         function_input(delivery, market));
  EXPECT_TRUE(out) << (out ? "" : out.error().message);
  return out && out.value() != R"({"operations":[]})";
}

TEST(CountryThresholds, CheckoutMeasuresByTheDeliveryCountryThenTheMarket) {
  EXPECT_FALSE(tote_is_free("CA", "CA"));
  EXPECT_TRUE(tote_is_free("US", "US"));
  // Browsing as a Canadian, shipping to the United States: the address decides.
  EXPECT_TRUE(tote_is_free("US", "CA"));
  EXPECT_FALSE(tote_is_free("CA", "US"));
  // No address yet: the market's country.
  EXPECT_FALSE(tote_is_free("", "CA"));
  EXPECT_TRUE(tote_is_free("", "US"));
}

}  // namespace
