// Tiers open to returning customers (docs/program-format.md, section 10): min_orders and
// min_spent against what Shopify reports of a signed-in customer, and a signed-out shopper
// told nothing is promised.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tiercart/function.h"
#include "tiercart/tiercart.h"

namespace {

using json = nlohmann::json;

// A tote from $50.00 for customers with 2 orders; in JPY with a ¥10,000 spend bar for a VIP
// level of ¥50,000 spent.
const char* kReturning = R"({"format": 1, "id": "back", "version": 1, "currency": "USD",
  "bars": [{"id": "main", "tiers": [{"id": "tote", "threshold": 5000,
    "eligibility": {"min_orders": 2, "min_spent": 10000},
    "reward": {"type": "free_gift", "gifts": [{"variant_id": 9001, "product_id": 8001}]}}]}]})";

const char* kCart = R"({"currency": "USD", "items": [{"variant_id": 2001, "product_id": 1001,
  "quantity": 1, "price": 8900, "original_line_price": 8900, "final_line_price": 8900}]})";

std::string tier_availability(const std::string& context) {
  auto result = tiercart::evaluate_json(kReturning, kCart, context);
  EXPECT_TRUE(result) << (result ? "" : result.error().message);
  return result ? json::parse(result.value())["bars"][0]["tiers"][0]["availability"] : "";
}

TEST(CustomerHistory, ASignedOutShopperIsAskedToSignInNotPromised) {
  auto result = tiercart::evaluate_json(kReturning, kCart, "{}");
  ASSERT_TRUE(result);
  const json out = json::parse(result.value());
  EXPECT_EQ(out["bars"][0]["tiers"][0]["availability"], "sign_in_required");
  EXPECT_EQ(out["bars"][0]["tiers"][0]["unlocked"], false);
  EXPECT_TRUE(out["bars"][0]["next_tier"].is_null());
  EXPECT_TRUE(out["actions"].empty());
}

TEST(CustomerHistory, BothCountsMustBeMetAtTheirBoundaries) {
  EXPECT_EQ(tier_availability(R"({"customer": {"orders": 2, "amount_spent": 10000}})"),
            "available");
  EXPECT_EQ(tier_availability(R"({"customer": {"orders": 1, "amount_spent": 90000}})"),
            "not_eligible");
  EXPECT_EQ(tier_availability(R"({"customer": {"orders": 9, "amount_spent": 9999}})"),
            "not_eligible");
}

TEST(CustomerHistory, AmountSpentIsReadInTheCartsIntegerConvention) {
  // A JPY program: Liquid's total_spent in cents (¥12,000 as 1200000) with cart_amounts cents.
  const std::string yen = R"({"format": 1, "id": "y", "version": 1, "currency": "JPY",
    "bars": [{"id": "m", "tiers": [{"id": "t", "threshold": 1000,
      "eligibility": {"min_spent": 10000}, "reward": {"type": "free_shipping"}}]}]})";
  const std::string cart = R"({"currency": "JPY", "items": []})";
  auto cents = tiercart::evaluate_json(
      yen, cart,
      R"({"cart_amounts": "cents", "customer": {"orders": 1, "amount_spent": 1200000}})");
  ASSERT_TRUE(cents);
  EXPECT_EQ(json::parse(cents.value())["bars"][0]["tiers"][0]["availability"], "available");
  auto short_of_it = tiercart::evaluate_json(
      yen, cart, R"({"cart_amounts": "cents", "customer": {"orders": 1, "amount_spent": 900000}})");
  ASSERT_TRUE(short_of_it);
  EXPECT_EQ(json::parse(short_of_it.value())["bars"][0]["tiers"][0]["availability"],
            "not_eligible");
}

TEST(CustomerHistory, AFunctionComparesOnlyAnAmountInTheProgramCurrency) {
  auto input = [](const std::string& currency) {
    return R"({"cart": {"lines": [{"id": "gid://shopify/CartLine/1", "quantity": 1,
      "cost": {"amountPerQuantity": {"amount": "89.00", "currencyCode": "USD"}},
      "merchandise": {"__typename": "ProductVariant", "id": "gid://shopify/ProductVariant/2001",
        "product": {"id": "gid://shopify/Product/1001"}}},
      {"id": "gid://shopify/CartLine/2", "quantity": 1,
      "attribute": {"value": "back@1:tote"},
      "cost": {"amountPerQuantity": {"amount": "89.00", "currencyCode": "USD"}},
      "merchandise": {"__typename": "ProductVariant", "id": "gid://shopify/ProductVariant/9001",
        "product": {"id": "gid://shopify/Product/8001"}}}],
      "buyerIdentity": {"customer": {"numberOfOrders": 5,
        "amountSpent": {"amount": "900.00", "currencyCode": ")" +
           currency + R"("}}}},
      "presentmentCurrencyRate": "1.0",
      "discount": {"discountClasses": ["PRODUCT"], "metafield": {"value": )" +
           json(kReturning).dump() + "}}}";
  };
  auto usd =
      tiercart::run_function_json(tiercart::FunctionTarget::kCartLinesDiscounts, input("USD"));
  ASSERT_TRUE(usd);
  EXPECT_NE(usd.value(), R"({"operations":[]})");
  auto eur =
      tiercart::run_function_json(tiercart::FunctionTarget::kCartLinesDiscounts, input("EUR"));
  ASSERT_TRUE(eur);
  EXPECT_EQ(eur.value(), R"({"operations":[]})");
}

TEST(CustomerHistory, TheProgramIsWrittenBackAsRead) {
  auto program = tiercart::parse_program(kReturning);
  ASSERT_TRUE(program);
  const json written = json::parse(tiercart::to_json(program.value()));
  EXPECT_EQ(written["bars"][0]["tiers"][0]["eligibility"]["min_orders"], 2);
  EXPECT_EQ(written["bars"][0]["tiers"][0]["eligibility"]["min_spent"], 10000);
}

}  // namespace
