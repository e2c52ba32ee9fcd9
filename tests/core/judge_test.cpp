// judge_order(): an order's verdict over every program its gift lines name, as the server
// stores it for each orders/create webhook.

#include "tiercart/judge.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tiercart/tiercart.h"

namespace tiercart {
namespace {

const char* kProgram = R"({"format":1,"id":"spring","version":3,"currency":"USD","bars":[
  {"id":"main","tiers":[{"id":"tote","threshold":10000,
   "reward":{"type":"free_gift","gifts":[{"variant_id":9001}]}}]}]})";

Order OrderWith(const std::string& lines, const std::string& currency = "USD") {
  auto order =
      parse_order(R"({"id":77,"currency":")" + currency + R"(","line_items":[)" + lines + "]}");
  EXPECT_TRUE(order) << (order ? "" : order.error().message);
  return order.value();
}

std::string Gift(const std::string& claim) {
  return R"({"variant_id":9001,"product_id":2,"quantity":1,"price":"15.00",
    "discount_allocations":[{"amount":"15.00"}],"properties":[{"name":"_tiercart","value":")" +
         claim + R"("}]})";
}

const std::string kPaid = R"({"variant_id":1,"product_id":1,"quantity":1,"price":"120.00"})";

ProgramLookup Spring() {
  auto program = std::make_shared<const Program>(parse_program(kProgram).value());
  return [program](const std::string& id, int64_t version) {
    return id == "spring" && version == 3 ? program : nullptr;
  };
}

TEST(Judge, AnEarnedGiftIsVerifiedOnceForItsProgram) {
  const OrderVerdict verdict =
      judge_order(OrderWith(kPaid + "," + Gift("spring@3:tote")), Context(), Spring());
  EXPECT_EQ(verdict.order_id, 77);
  EXPECT_TRUE(verdict.earned);
  ASSERT_EQ(verdict.verdicts.size(), 1u);
  EXPECT_EQ(verdict.tags, std::vector<std::string>({"tiercart-verified"}));
}

TEST(Judge, AVersionTheStoreDoesNotHaveIsFlaggedAsUnknownTier) {
  const OrderVerdict verdict =
      judge_order(OrderWith(kPaid + "," + Gift("spring@9:tote")), Context(), Spring());
  EXPECT_FALSE(verdict.earned);
  EXPECT_EQ(verdict.tags, std::vector<std::string>({"tiercart-flagged", "tiercart-unknown_tier"}));
  ASSERT_EQ(verdict.verdicts.size(), 1u);
  ASSERT_EQ(verdict.verdicts[0].lines.size(), 1u);
  EXPECT_EQ(verdict.verdicts[0].lines[0].reason, "unknown_tier");
  EXPECT_EQ(verdict.verdicts[0].lines[0].line, 2);
  const auto json = nlohmann::json::parse(to_json(verdict));
  EXPECT_EQ(json["verdicts"][0]["program"]["version"], 9);
  EXPECT_EQ(json["verdicts"][0]["lines"][0]["message"],
            "program spring version 9 is not known to this store");
}

TEST(Judge, AnOrderTheProgramCannotJudgeIsFlaggedWithTheCoreError) {
  // A euro order against dollar thresholds with no rate: missing_rate, flagged, not refused.
  const OrderVerdict verdict =
      judge_order(OrderWith(kPaid + "," + Gift("spring@3:tote"), "EUR"), Context(), Spring());
  EXPECT_FALSE(verdict.earned);
  ASSERT_EQ(verdict.verdicts.size(), 1u);
  ASSERT_TRUE(verdict.verdicts[0].error);
  EXPECT_EQ(verdict.verdicts[0].error->code, "missing_rate");
  const auto json = nlohmann::json::parse(to_json(verdict));
  EXPECT_EQ(json["verdicts"][0]["error"]["code"], "missing_rate");
  EXPECT_EQ(json["tags"], nlohmann::json({"tiercart-flagged", "tiercart-missing_rate"}));
}

TEST(Judge, NamesTheProductsItJudgedWithoutFactsSoThatTheyCanBeLearnt) {
  // Only the winter collection counts: the paid sweater's collections are not in the context.
  const char* winter = R"({"format":1,"id":"spring","version":3,"currency":"USD","bars":[
    {"id":"main","scope":{"include":{"collections":["winter"]}},"tiers":[{"id":"tote",
     "threshold":10000,"reward":{"type":"free_gift","gifts":[{"variant_id":9001}]}}]}]})";
  auto program = std::make_shared<const Program>(parse_program(winter).value());
  const ProgramLookup lookup = [program](const std::string&, int64_t) { return program; };
  const Order order = OrderWith(kPaid + "," + Gift("spring@3:tote"));
  const OrderVerdict unknown = judge_order(order, Context(), lookup);
  EXPECT_FALSE(unknown.earned);
  EXPECT_EQ(unknown.products_without_facts, std::vector<int64_t>({1}));

  Context known;
  known.products[1].collections = {"winter"};
  const OrderVerdict learnt = judge_order(order, known, lookup);
  EXPECT_TRUE(learnt.earned);
  EXPECT_TRUE(learnt.products_without_facts.empty());
}

TEST(Judge, WritesTheOrderVerdictDocument) {
  const OrderVerdict verdict = judge_order(OrderWith(kPaid), Context(), Spring());
  EXPECT_EQ(to_json(verdict), R"({"order_id":77,"earned":true,"tags":[],"verdicts":[]})");
}

TEST(ShopContext, RatesGiveEachCurrencyItsRateAndDropShopPrices) {
  auto context = parse_context(
      R"({"shop_currency":"USD","rates":{"EUR":"0.92"},"variants":{"5":{"price":1000}}})");
  ASSERT_TRUE(context) << context.error().message;
  const Context euros = for_currency(context.value(), "EUR");
  ASSERT_TRUE(euros.rate);
  EXPECT_EQ(euros.rate->digits, 92);
  EXPECT_FALSE(euros.variants.at(5).price);
  const Context dollars = for_currency(context.value(), "USD");
  EXPECT_FALSE(dollars.rate);
  EXPECT_EQ(dollars.variants.at(5).price, 1000);
}

TEST(ShopContext, RefusesRatesThatCannotBeRight) {
  EXPECT_EQ(parse_context(R"({"rates":{"EUR":"0.92"}})").error().path, "$.shop_currency");
  EXPECT_EQ(parse_context(R"({"shop_currency":"USD","rates":{"USD":"1"}})").error().code,
            "unknown_currency");
  EXPECT_EQ(parse_context(R"({"shop_currency":"USD","rates":{"EUR":0.92}})").error().path,
            "$.rates.EUR");
  EXPECT_EQ(parse_context(R"({"shop_currency":"USD","rates":[]})").error().code, "invalid_type");
}

}  // namespace
}  // namespace tiercart
