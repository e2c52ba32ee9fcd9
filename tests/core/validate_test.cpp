// validate(): every claimed reward must follow from the program; forged claims are flagged
// with a reason the server can tag the order with.

#include <gtest/gtest.h>

#include <string>

#include "tiercart/tiercart.h"

namespace {

const char* kProgram = R"({"format":1,"id":"spring","version":3,"currency":"USD","bars":[
  {"id":"main","tiers":[
    {"id":"ship","threshold":5000,"reward":{"type":"free_shipping"}},
    {"id":"tote","threshold":10000,
     "reward":{"type":"free_gift","gifts":[{"variant_id":9001},{"variant_id":9002}],"choose":1}},
    {"id":"vip","threshold":12000,"eligibility":{"customer_tags_any":["VIP"]},
     "reward":{"type":"free_gift","gifts":[{"variant_id":9005}]}},
    {"id":"xmas","threshold":13000,
     "schedule":{"starts_at":"2026-12-01T00:00:00Z","ends_at":"2026-12-26T00:00:00Z"},
     "reward":{"type":"free_gift","gifts":[{"variant_id":9006}],"quantity":2}}]}]})";

std::string paid(int64_t variant, int64_t quantity, int64_t price) {
  return R"({"variant_id":)" + std::to_string(variant) + R"(,"product_id":1,"quantity":)" +
         std::to_string(quantity) + R"(,"price":)" + std::to_string(price) + "}";
}

std::string gift(int64_t variant, int64_t quantity, const std::string& claim) {
  return R"({"variant_id":)" + std::to_string(variant) + R"(,"product_id":2,"quantity":)" +
         std::to_string(quantity) +
         R"(,"price":1500,"final_line_price":0,"properties":{"_tiercart":")" + claim + R"("}})";
}

tiercart::Verdict validate(const std::string& lines, const std::string& context = "") {
  auto parsed_context = tiercart::parse_context(context);
  EXPECT_TRUE(parsed_context);
  auto program = tiercart::parse_program(kProgram);
  EXPECT_TRUE(program);
  auto cart =
      tiercart::parse_cart(R"({"currency":"USD","items":[)" + lines + "]}", parsed_context.value());
  EXPECT_TRUE(cart) << (cart ? "" : cart.error().message);
  auto verdict = tiercart::validate(program.value(), cart.value(), parsed_context.value());
  EXPECT_TRUE(verdict);
  return verdict.value();
}

TEST(Claims, AnEarnedGiftIsVerified) {
  const auto verdict = validate(paid(2001, 1, 10000) + "," + gift(9001, 1, "spring@3:tote"));
  EXPECT_TRUE(verdict.earned);
  ASSERT_EQ(verdict.lines.size(), 1u);
  EXPECT_EQ(verdict.lines[0].line, 2);
  EXPECT_EQ(verdict.lines[0].earned_quantity, 1);
  EXPECT_EQ(verdict.tags, std::vector<std::string>({"tiercart-verified"}));
}

TEST(Claims, ACartWithoutClaimsGetsNoTags) {
  const auto verdict = validate(paid(2001, 1, 10000));
  EXPECT_TRUE(verdict.earned);
  EXPECT_TRUE(verdict.lines.empty());
  EXPECT_TRUE(verdict.tags.empty());
}

TEST(Claims, AGiftBelowTheThresholdIsFlagged) {
  const auto verdict = validate(paid(2001, 1, 9999) + "," + gift(9001, 1, "spring@3:tote"));
  EXPECT_FALSE(verdict.earned);
  EXPECT_EQ(verdict.lines[0].reason, "below_threshold");
  EXPECT_EQ(verdict.lines[0].message,
            "qualifying $99.99 is below the threshold $100.00 of tier \"tote\"");
  EXPECT_EQ(verdict.tags,
            std::vector<std::string>({"tiercart-flagged", "tiercart-below_threshold"}));
}

TEST(Claims, AVariantTheTierDoesNotOfferIsOutOfScope) {
  const auto verdict = validate(paid(2001, 1, 20000) + "," + gift(9003, 1, "spring@3:tote"));
  EXPECT_EQ(verdict.lines[0].reason, "out_of_scope");
}

TEST(Claims, AnUnknownTierOrAWrongVersionOrAMalformedClaimIsUnknown) {
  for (const char* claim : {"spring@3:nope", "spring@2:tote", "garbage", "spring@3:ship"}) {
    const auto verdict = validate(paid(2001, 1, 20000) + "," + gift(9001, 1, claim));
    ASSERT_EQ(verdict.lines.size(), 1u) << claim;
    EXPECT_EQ(verdict.lines[0].reason, "unknown_tier") << claim;
  }
}

TEST(Claims, AnotherProgramsGiftIsLeftToThatProgram) {
  const auto verdict = validate(paid(2001, 1, 100) + "," + gift(9001, 1, "autumn@3:tote"));
  EXPECT_TRUE(verdict.earned);
  EXPECT_TRUE(verdict.lines.empty());
}

TEST(Claims, ASubscriptionBelowTheCatalogPriceIsNotTampering) {
  const std::string subscription = R"({"variant_id":2001,"product_id":1,"quantity":1,"price":9000,)"
                                   R"("selling_plan_allocation":{"selling_plan":{"id":7}}})";
  EXPECT_TRUE(validate(subscription, R"({"variants":{"2001":{"price":10000}}})").earned);
}

TEST(Claims, MoreUnitsThanEarnedExceedTheQuantity) {
  const auto verdict = validate(paid(2001, 1, 10000) + "," + gift(9001, 3, "spring@3:tote"));
  EXPECT_EQ(verdict.lines[0].reason, "quantity_exceeded");
  EXPECT_EQ(verdict.lines[0].claimed_quantity, 3);
  EXPECT_EQ(verdict.lines[0].earned_quantity, 1);
}

TEST(Claims, TheSameGiftOnTwoLinesCountsTogether) {
  const auto verdict = validate(paid(2001, 1, 10000) + "," + gift(9001, 1, "spring@3:tote") + "," +
                                gift(9001, 1, "spring@3:tote"));
  EXPECT_TRUE(verdict.lines[0].earned);
  EXPECT_EQ(verdict.lines[1].reason, "quantity_exceeded");
}

TEST(Claims, TakingTwoGiftsWhereOneIsChosenExceedsTheQuantity) {
  const auto verdict = validate(paid(2001, 1, 10000) + "," + gift(9001, 1, "spring@3:tote") + "," +
                                gift(9002, 1, "spring@3:tote"));
  EXPECT_TRUE(verdict.lines[0].earned);
  EXPECT_EQ(verdict.lines[1].reason, "quantity_exceeded");
}

TEST(Claims, AGiftForAnotherCustomerGroupIsNotEligible) {
  const std::string lines = paid(2001, 1, 12000) + "," + gift(9005, 1, "spring@3:vip");
  EXPECT_EQ(validate(lines, R"({"customer_tags":["regular"]})").lines[0].reason, "not_eligible");
  EXPECT_TRUE(validate(lines, R"({"customer_tags":["VIP"]})").earned);
}

TEST(Claims, AGiftOutsideItsScheduleHasExpired) {
  const std::string lines = paid(2001, 1, 13000) + "," + gift(9006, 2, "spring@3:xmas");
  EXPECT_EQ(validate(lines, R"({"now":"2026-12-26T00:00:00Z"})").lines[0].reason, "expired");
  EXPECT_EQ(validate(lines, R"({"now":"2026-11-30T00:00:00Z"})").lines[0].reason, "expired");
  EXPECT_TRUE(validate(lines, R"({"now":"2026-12-25T23:59:59Z"})").earned);
}

TEST(Claims, ALoweredPriceIsTamperingAndTheCatalogPriceDecides) {
  // The forged cart says $100 for a $90 item to reach the tote.
  const auto verdict = validate(paid(2001, 1, 10000) + "," + gift(9001, 1, "spring@3:tote"),
                                R"({"variants":{"2001":{"price":9000}}})");
  EXPECT_FALSE(verdict.earned);
  ASSERT_EQ(verdict.lines.size(), 2u);
  EXPECT_EQ(verdict.lines[0].reason, "price_tampered");
  EXPECT_EQ(verdict.lines[1].reason, "below_threshold");
  EXPECT_EQ(verdict.tags, std::vector<std::string>({"tiercart-flagged", "tiercart-below_threshold",
                                                    "tiercart-price_tampered"}));
}

TEST(Orders, AForgedOrderIsFlaggedAndAnEarnedOneVerified) {
  const std::string order = R"({"id":1,"currency":"USD","created_at":"2026-11-21T10:00:00-05:00",
    "customer":{"tags":"newsletter, VIP"},
    "line_items":[
      {"variant_id":2001,"product_id":1,"quantity":2,"price":"30.00",
       "discount_allocations":[{"amount":"5.00"}]},
      {"variant_id":9005,"product_id":2,"quantity":1,"price":"15.00",
       "properties":[{"name":"_tiercart","value":"spring@3:vip"}],
       "discount_allocations":[{"amount":"15.00"}]}]})";
  auto program = tiercart::parse_program(kProgram);
  auto parsed = tiercart::parse_order(order);
  ASSERT_TRUE(parsed) << parsed.error().message;
  auto verdict = tiercart::validate(program.value(), parsed.value().cart,
                                    tiercart::with_order({}, parsed.value()));
  ASSERT_TRUE(verdict);
  // $60 - $5 = $55 after discounts: far below the $120 VIP tier.
  EXPECT_FALSE(verdict.value().earned);
  EXPECT_EQ(verdict.value().lines[0].reason, "below_threshold");

  auto json = tiercart::validate_order_json(kProgram, order, "");
  ASSERT_TRUE(json);
  EXPECT_NE(json.value().find("\"earned\":false"), std::string::npos);
}

}  // namespace

namespace {

TEST(Orders, AnOrderInAnotherCurrencyMustCarryPresentmentAmounts) {
  // Without price_set the only price is the shop's dollars; reading it as euros would be wrong.
  auto order = tiercart::parse_order(R"({"currency":"USD","presentment_currency":"EUR",
    "line_items":[{"variant_id":1,"quantity":1,"price":"10.00"}]})");
  ASSERT_FALSE(order);
  EXPECT_EQ(order.error().code, "missing_field");
  EXPECT_EQ(order.error().path, "$.line_items[0].price_set");

  auto priced = tiercart::parse_order(R"({"currency":"USD","presentment_currency":"EUR",
    "line_items":[{"variant_id":1,"quantity":1,"price":"10.00",
      "price_set":{"shop_money":{"amount":"10.00","currency_code":"USD"},
                   "presentment_money":{"amount":"9.20","currency_code":"EUR"}}}]})");
  ASSERT_TRUE(priced);
  EXPECT_EQ(priced.value().cart.currency, "EUR");
  EXPECT_EQ(priced.value().cart.items[0].price, 920);
}

}  // namespace
