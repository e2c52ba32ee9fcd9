// Buy X get Y (docs/program-format.md, section 7.5): which units a cart gets, how often, and
// that the drawer's evaluation, the order check and checkout's discount agree on them.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tiercart/function.h"
#include "tiercart/tiercart.h"

namespace {

using json = nlohmann::json;

// Buy 2 mugs (product 1009), get the cheapest third one free. `extra` adds reward keys.
std::string mug_deal(const std::string& extra = "", const std::string& metric = "quantity",
                     int64_t threshold = 2) {
  return R"({"format": 1, "id": "mugs", "version": 1, "currency": "USD",
    "bars": [{"id": "mugs", "metric": ")" +
         metric + R"(", "scope": {"include": {"products": [1009]}},
      "tiers": [{"id": "free-mug", "threshold": )" +
         std::to_string(threshold) + R"(,
        "reward": {"type": "buy_x_get_y", "quantity": 1,
                   "get_items": [{"variant_id": 2015, "product_id": 1009, "title": "Mug"}])" +
         extra + R"(}}]}]})";
}

// Buy 2 bags of coffee (product 1008), get a mug at half price, added to the cart.
const char* kCoffeeMug = R"({"format": 1, "id": "coffee", "version": 3, "currency": "USD",
  "bars": [{"id": "coffee", "metric": "quantity", "scope": {"include": {"products": [1008]}},
    "tiers": [{"id": "half-mug", "threshold": 2,
      "reward": {"type": "buy_x_get_y", "quantity": 1, "percent": 50, "add_to_cart": true,
                 "get_items": [{"variant_id": 2015, "product_id": 1009, "title": "Mug"}]}}]}]})";

std::string line(int64_t variant, int64_t product, int64_t quantity, int64_t price,
                 const std::string& claim = "") {
  std::string out = R"({"variant_id":)" + std::to_string(variant) + R"(,"product_id":)" +
                    std::to_string(product) + R"(,"key":")" + std::to_string(variant) + ":" +
                    std::to_string(price) + R"(","quantity":)" + std::to_string(quantity) +
                    R"(,"price":)" + std::to_string(price) + R"(,"original_line_price":)" +
                    std::to_string(price * quantity) + R"(,"final_line_price":)" +
                    std::to_string(price * quantity);
  if (!claim.empty()) out += R"(,"properties":{"_tiercart":")" + claim + R"("})";
  return out + "}";
}

std::string cart(const std::string& lines) {
  return R"({"currency":"USD","items":[)" + lines + "]}";
}

json reward_of(const std::string& program, const std::string& cart_json) {
  auto result = tiercart::evaluate_json(program, cart_json, "");
  EXPECT_TRUE(result) << (result ? "" : result.error().message);
  if (!result) return json();
  const json out = json::parse(result.value());
  return out["rewards"].empty() ? json() : out["rewards"][0];
}

TEST(BuyXGetY, RepeatsOncePerThresholdAndGetQuantity) {
  // Buy 2 get 1 on one product: one free unit in each three. Six mugs give two.
  const json reward = reward_of(mug_deal(), cart(line(2015, 1009, 6, 1400)));
  EXPECT_EQ(reward["type"], "buy_x_get_y");
  EXPECT_EQ(reward["uses"], 2);
  ASSERT_EQ(reward["discounted"].size(), 1u);
  EXPECT_EQ(reward["discounted"][0]["quantity"], 2);
  EXPECT_EQ(reward_of(mug_deal(), cart(line(2015, 1009, 5, 1400)))["uses"], 1);
  EXPECT_EQ(reward_of(mug_deal(), cart(line(2015, 1009, 3, 1400)))["uses"], 1);
  // Two mugs reach the tier, but a free third one is still to be put in the cart.
  const json two = reward_of(mug_deal(), cart(line(2015, 1009, 2, 1400)));
  EXPECT_EQ(two["uses"], 0);
  EXPECT_TRUE(two["discounted"].empty());
}

TEST(BuyXGetY, TheCheapestUnitsAreGotWhateverTheLineOrder) {
  const std::string slate = line(2015, 1009, 3, 1400);
  const std::string cream = line(2024, 1009, 3, 1200);
  const std::string sweater = line(2001, 1001, 1, 8900);
  const json first = reward_of(mug_deal(), cart(slate + "," + sweater + "," + cream));
  const json second = reward_of(mug_deal(), cart(cream + "," + slate + "," + sweater));
  ASSERT_EQ(first["discounted"].size(), 1u);
  ASSERT_EQ(second["discounted"].size(), 1u);
  EXPECT_EQ(first["discounted"][0]["variant_id"], 2024);
  EXPECT_EQ(first["discounted"][0]["quantity"], 2);
  EXPECT_EQ(first["discounted"][0]["line"], 3);
  EXPECT_EQ(second["discounted"][0]["variant_id"], 2024);
  EXPECT_EQ(second["discounted"][0]["quantity"], 2);
  EXPECT_EQ(second["discounted"][0]["line"], 1);
}

TEST(BuyXGetY, MaxUsesCapsTheRepeats) {
  EXPECT_EQ(reward_of(mug_deal(R"(, "max_uses": 1)"), cart(line(2015, 1009, 9, 1400)))["uses"], 1);
  EXPECT_EQ(reward_of(mug_deal(), cart(line(2015, 1009, 9, 1400)))["uses"], 3);
}

TEST(BuyXGetY, GetItemsOutsideTheBarAreLimitedByWhatIsBought) {
  // Buy 2 coffee, get a mug free, the mugs bought by the shopper: five bags and three mugs
  // give two uses (five bags hold two pairs), the cheapest two mugs free.
  const std::string program = R"({"format": 1, "id": "c", "version": 1, "currency": "USD",
    "bars": [{"id": "coffee", "metric": "quantity", "scope": {"include": {"products": [1008]}},
      "tiers": [{"id": "mug", "threshold": 2, "reward": {"type": "buy_x_get_y",
        "get_items": [{"variant_id": 2015, "product_id": 1009}]}}]}]})";
  const json reward =
      reward_of(program, cart(line(2014, 1008, 5, 1600) + "," + line(2015, 1009, 3, 1400)));
  EXPECT_EQ(reward["uses"], 2);
  EXPECT_EQ(reward["discounted"][0]["quantity"], 2);
  // One mug only: one use, however much coffee.
  EXPECT_EQ(
      reward_of(program, cart(line(2014, 1008, 8, 1600) + "," + line(2015, 1009, 1, 1400)))["uses"],
      1);
}

TEST(BuyXGetY, OnASpendBarItAppliesOnce) {
  const json reward = reward_of(mug_deal("", "spend", 2000), cart(line(2015, 1009, 6, 1400)));
  EXPECT_EQ(reward["uses"], 1);
  EXPECT_EQ(reward["discounted"][0]["quantity"], 1);
}

TEST(BuyXGetY, GetItemsAreAddedLikeGiftsWhenTheProgramSaysSo) {
  auto result = tiercart::evaluate_json(kCoffeeMug, cart(line(2014, 1008, 4, 1600)), "");
  ASSERT_TRUE(result);
  const json out = json::parse(result.value());
  ASSERT_EQ(out["actions"].size(), 1u);
  EXPECT_EQ(out["actions"][0]["type"], "add");
  EXPECT_EQ(out["actions"][0]["variant_id"], 2015);
  EXPECT_EQ(out["actions"][0]["quantity"], 2);
  EXPECT_EQ(out["actions"][0]["properties"]["_tiercart"], "coffee@3:half-mug");
  EXPECT_EQ(out["rewards"][0]["declinable"], true);

  // With the line added, nothing more to do; fewer bags bring the line down to one mug.
  const std::string claim = "coffee@3:half-mug";
  auto settled = tiercart::evaluate_json(
      kCoffeeMug, cart(line(2014, 1008, 4, 1600) + "," + line(2015, 1009, 2, 1400, claim)), "");
  ASSERT_TRUE(settled);
  EXPECT_TRUE(json::parse(settled.value())["actions"].empty());
  auto fewer = tiercart::evaluate_json(
      kCoffeeMug, cart(line(2014, 1008, 3, 1600) + "," + line(2015, 1009, 2, 1400, claim)), "");
  ASSERT_TRUE(fewer);
  const json change = json::parse(fewer.value())["actions"];
  ASSERT_EQ(change.size(), 1u);
  EXPECT_EQ(change[0]["type"], "change");
  EXPECT_EQ(change[0]["quantity"], 1);
}

TEST(BuyXGetY, DeclinedGetItemsAreNotAddedAgain) {
  const std::string declined = R"({"currency":"USD","attributes":{"_tiercart_declined":
    "coffee:half-mug:2015"},"items":[)" +
                               line(2014, 1008, 4, 1600) + "]}";
  auto result = tiercart::evaluate_json(kCoffeeMug, declined, "");
  ASSERT_TRUE(result);
  const json out = json::parse(result.value());
  EXPECT_TRUE(out["actions"].empty());
  EXPECT_EQ(out["rewards"][0]["declined"], json::array({2015}));
}

TEST(BuyXGetY, TheOrderCheckAllowsTheUnitsOfEveryUse) {
  const std::string claim = "coffee@3:half-mug";
  auto honest = tiercart::validate_cart_json(
      kCoffeeMug, cart(line(2014, 1008, 4, 1600) + "," + line(2015, 1009, 2, 1400, claim)), "");
  ASSERT_TRUE(honest);
  EXPECT_EQ(json::parse(honest.value())["earned"], true);
  auto forged = tiercart::validate_cart_json(
      kCoffeeMug, cart(line(2014, 1008, 3, 1600) + "," + line(2015, 1009, 2, 1400, claim)), "");
  ASSERT_TRUE(forged);
  const json verdict = json::parse(forged.value());
  EXPECT_EQ(verdict["earned"], false);
  EXPECT_EQ(verdict["lines"][0]["reason"], "quantity_exceeded");
  EXPECT_EQ(verdict["lines"][0]["earned_quantity"], 1);
  // A claim on a buy_x_get_y that does not add its get-items names no gift.
  auto unknown = tiercart::validate_cart_json(
      mug_deal(),
      cart(line(2015, 1009, 3, 1400) + "," + line(2015, 1009, 1, 1400, "mugs@1:free-mug")), "");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(json::parse(unknown.value())["lines"][0]["reason"], "unknown_tier");
}

TEST(BuyXGetY, GettingOrBuyingNothingIsRefused) {
  std::string gets_nothing = mug_deal();
  gets_nothing.replace(gets_nothing.find(R"("quantity": 1)"), 13, R"("quantity": 0)");
  auto zero_get = tiercart::check_program_json(gets_nothing, "");
  ASSERT_FALSE(zero_get);
  EXPECT_EQ(zero_get.error().code, "out_of_range");
  EXPECT_EQ(zero_get.error().path, "$.bars[0].tiers[0].reward.quantity");
  auto zero_buy = tiercart::check_program_json(mug_deal("", "quantity", 0), "");
  ASSERT_FALSE(zero_buy);
  EXPECT_EQ(zero_buy.error().code, "out_of_range");
  EXPECT_EQ(zero_buy.error().path, "$.bars[0].tiers[0].threshold");
  auto zero_percent = tiercart::check_program_json(mug_deal(R"(, "percent": 0)"), "");
  ASSERT_FALSE(zero_percent);
  EXPECT_EQ(zero_percent.error().path, "$.bars[0].tiers[0].reward.percent");
}

TEST(BuyXGetY, TheProgramIsWrittenBackAsRead) {
  auto program = tiercart::parse_program(mug_deal(R"(, "max_uses": 4, "percent": 30)"));
  ASSERT_TRUE(program);
  const std::string written = tiercart::to_json(program.value(), tiercart::ProgramTexts::kWith);
  auto again = tiercart::parse_program(written);
  ASSERT_TRUE(again) << written;
  EXPECT_EQ(tiercart::to_json(again.value(), tiercart::ProgramTexts::kWith), written);
  const json reward = json::parse(written)["bars"][0]["tiers"][0]["reward"];
  EXPECT_EQ(reward["type"], "buy_x_get_y");
  EXPECT_EQ(reward["max_uses"], 4);
  EXPECT_EQ(reward["percent"], 30);
}

}  // namespace
