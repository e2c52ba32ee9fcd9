// evaluate(): where a cart stands against a program, and what the cart must do next.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tiercart/tiercart.h"

namespace {

using json = nlohmann::json;

// Free shipping at $50, a tote (one gift) at $100: the program most stores start with.
const char* kShipAndTote = R"({
  "format": 1, "id": "spring", "version": 2, "currency": "USD",
  "bars": [{"id": "main", "tiers": [
    {"id": "ship", "threshold": 5000, "reward": {"type": "free_shipping"},
     "texts": {"en": {"label": "free shipping", "progress": "You're {{remaining}} away from {{reward}}",
                      "unlocked": "You've unlocked {{reward}}"},
               "fr": {"label": "la livraison offerte", "progress": "Plus que {{remaining}} pour {{reward}}"}}},
    {"id": "tote", "threshold": 10000,
     "reward": {"type": "free_gift", "gifts": [{"variant_id": 9001, "product_id": 8001, "title": "Tote"}]},
     "texts": {"en": {"label": "a free tote", "progress": "You're {{remaining}} away from {{reward}}",
                      "unlocked": "{{reward}} is in your cart"}}}]}]})";

std::string line(int64_t variant, int64_t quantity, int64_t price, const std::string& extra = "") {
  return R"({"id":)" + std::to_string(variant) + R"(,"variant_id":)" + std::to_string(variant) +
         R"(,"product_id":)" + std::to_string(variant - 1000) + R"(,"key":")" +
         std::to_string(variant) + R"(:k","quantity":)" + std::to_string(quantity) +
         R"(,"price":)" + std::to_string(price) + R"(,"original_line_price":)" +
         std::to_string(price * quantity) + R"(,"final_line_price":)" +
         std::to_string(price * quantity) + extra + "}";
}

std::string gift_line(int64_t variant, int64_t quantity, const std::string& claim) {
  return line(variant, quantity, 1500, R"(,"properties":{"_tiercart":")" + claim + R"("})");
}

std::string cart(const std::string& lines, const std::string& currency = "USD",
                 const std::string& extra = "") {
  return R"({"currency":")" + currency + R"(","items":[)" + lines + "]" + extra + "}";
}

json evaluate(const std::string& program, const std::string& cart_json,
              const std::string& context = "") {
  auto result = tiercart::evaluate_json(program, cart_json, context);
  EXPECT_TRUE(result) << (result ? "" : result.error().message);
  return result ? json::parse(result.value(), nullptr, false) : json();
}

tiercart::Error evaluate_error(const std::string& program, const std::string& cart_json,
                               const std::string& context = "") {
  auto result = tiercart::evaluate_json(program, cart_json, context);
  EXPECT_FALSE(result);
  return result ? tiercart::Error{} : result.error();
}

TEST(SpendTier, UnlocksExactlyAtThreshold) {
  const json out = evaluate(kShipAndTote, cart(line(2001, 1, 5000)));
  EXPECT_EQ(out["bars"][0]["reached_tier"], "ship");
  EXPECT_EQ(out["bars"][0]["tiers"][0]["unlocked"], true);
  EXPECT_EQ(out["rewards"][0]["type"], "free_shipping");
}

TEST(SpendTier, StaysLockedOneMinorUnitBelow) {
  const json out = evaluate(kShipAndTote, cart(line(2001, 1, 4999)));
  EXPECT_TRUE(out["bars"][0]["reached_tier"].is_null());
  EXPECT_EQ(out["bars"][0]["next_tier"], "ship");
  EXPECT_EQ(out["bars"][0]["remaining"], 1);
  EXPECT_EQ(out["bars"][0]["message"], "You're $0.01 away from free shipping");
  EXPECT_EQ(out["rewards"], json::array());
}

TEST(SpendTier, ProgressAndMarkersAreBasisPointsOfTheLastTier) {
  const json out = evaluate(kShipAndTote, cart(line(2001, 3, 2500)));
  EXPECT_EQ(out["bars"][0]["qualifying"], 7500);
  EXPECT_EQ(out["bars"][0]["progress_bp"], 7500);
  EXPECT_EQ(out["bars"][0]["tiers"][0]["position_bp"], 5000);
  EXPECT_EQ(out["bars"][0]["tiers"][1]["position_bp"], 10000);
  EXPECT_EQ(out["bars"][0]["message"], "You're $25.00 away from a free tote");
}

TEST(SpendTier, AnEmptyCartIsAtZeroWithTheFirstTierNext) {
  const json out = evaluate(kShipAndTote, cart(""));
  EXPECT_EQ(out["bars"][0]["qualifying"], 0);
  EXPECT_EQ(out["bars"][0]["progress_bp"], 0);
  EXPECT_EQ(out["bars"][0]["remaining_formatted"], "$50.00");
  EXPECT_EQ(out["actions"], json::array());
}

TEST(SpendTier, ReachingEveryTierShowsTheHighestUnlockedText) {
  const json out = evaluate(kShipAndTote, cart(line(2001, 1, 12000)));
  EXPECT_EQ(out["bars"][0]["reached_tier"], "tote");
  EXPECT_TRUE(out["bars"][0]["next_tier"].is_null());
  EXPECT_EQ(out["bars"][0]["remaining"], 0);
  EXPECT_EQ(out["bars"][0]["progress_bp"], 10000);
  EXPECT_EQ(out["bars"][0]["message"], "a free tote is in your cart");
}

TEST(GiftLines, AreAddedWithAHiddenPropertyNamingProgramVersionAndTier) {
  const json out = evaluate(kShipAndTote, cart(line(2001, 1, 10000)));
  ASSERT_EQ(out["actions"].size(), 1u);
  const json& add = out["actions"][0];
  EXPECT_EQ(add["type"], "add");
  EXPECT_EQ(add["variant_id"], 9001);
  EXPECT_EQ(add["quantity"], 1);
  EXPECT_EQ(add["properties"]["_tiercart"], "spring@2:tote");
  EXPECT_EQ(add["reason"], "tier_unlocked");
}

TEST(GiftLines, NeverCountTowardAThreshold) {
  // $95 paid plus a $15 gift line: still $5 short of the tote, so the gift must go.
  const json out =
      evaluate(kShipAndTote, cart(line(2001, 1, 9500) + "," + gift_line(9001, 1, "spring@2:tote")));
  EXPECT_EQ(out["bars"][0]["qualifying"], 9500);
  ASSERT_EQ(out["actions"].size(), 1u);
  EXPECT_EQ(out["actions"][0]["type"], "remove");
  EXPECT_EQ(out["actions"][0]["key"], "9001:k");
  EXPECT_EQ(out["actions"][0]["line"], 2);
  EXPECT_EQ(out["actions"][0]["reason"], "tier_lost");
}

TEST(GiftLines, AnEarnedGiftInTheCartNeedsNothing) {
  const json out = evaluate(kShipAndTote,
                            cart(line(2001, 1, 10000) + "," + gift_line(9001, 1, "spring@2:tote")));
  EXPECT_EQ(out["actions"], json::array());
  EXPECT_EQ(out["rewards"][1]["chosen"], json::array({9001}));
}

TEST(GiftLines, ExtraUnitsAreReducedToTheEarnedQuantity) {
  const json out = evaluate(kShipAndTote,
                            cart(line(2001, 1, 10000) + "," + gift_line(9001, 3, "spring@2:tote")));
  ASSERT_EQ(out["actions"].size(), 1u);
  EXPECT_EQ(out["actions"][0]["type"], "change");
  EXPECT_EQ(out["actions"][0]["quantity"], 1);
  EXPECT_EQ(out["actions"][0]["reason"], "quantity_exceeded");
}

TEST(GiftLines, ADuplicateGiftLineIsRemoved) {
  // Two fast clicks that both added the gift leave two lines; one goes.
  const json out =
      evaluate(kShipAndTote, cart(line(2001, 1, 10000) + "," + gift_line(9001, 1, "spring@2:tote") +
                                  "," + gift_line(9001, 1, "spring@2:tote")));
  ASSERT_EQ(out["actions"].size(), 1u);
  EXPECT_EQ(out["actions"][0]["type"], "remove");
  EXPECT_EQ(out["actions"][0]["line"], 3);
  EXPECT_EQ(out["actions"][0]["reason"], "duplicate_gift_line");
}

TEST(GiftLines, AGiftFromAnEarlierProgramVersionIsReplaced) {
  const json out = evaluate(kShipAndTote,
                            cart(line(2001, 1, 10000) + "," + gift_line(9001, 1, "spring@1:tote")));
  ASSERT_EQ(out["actions"].size(), 2u);
  EXPECT_EQ(out["actions"][0]["type"], "remove");
  EXPECT_EQ(out["actions"][0]["reason"], "program_changed");
  EXPECT_EQ(out["actions"][1]["type"], "add");
  EXPECT_EQ(out["actions"][1]["properties"]["_tiercart"], "spring@2:tote");
}

TEST(GiftLines, AnotherProgramsGiftIsLeftAlone) {
  const json out =
      evaluate(kShipAndTote, cart(line(2001, 1, 1000) + "," + gift_line(9001, 1, "autumn@4:mug")));
  EXPECT_EQ(out["actions"], json::array());
  EXPECT_EQ(out["bars"][0]["qualifying"], 1000);
}

TEST(GiftLines, AClaimOfAnUnknownTierIsRemoved) {
  const json out =
      evaluate(kShipAndTote, cart(line(2001, 1, 1000) + "," + gift_line(9001, 1, "spring@2:ship")));
  ASSERT_EQ(out["actions"].size(), 1u);
  EXPECT_EQ(out["actions"][0]["reason"], "unknown_tier");
}

TEST(Basis, ADiscountCodeThatDropsTheSubtotalBelowATierRemovesItsGift) {
  // $105 of goods, a $10 code: $95 after discounts, below the $100 tote.
  const json out =
      evaluate(kShipAndTote,
               cart(line(2001, 1, 10500) + "," + gift_line(9001, 1, "spring@2:tote"), "USD",
                    R"(,"cart_level_discount_applications":[{"total_allocated_amount":1000}])"));
  EXPECT_EQ(out["bars"][0]["qualifying"], 9500);
  ASSERT_EQ(out["actions"].size(), 1u);
  EXPECT_EQ(out["actions"][0]["type"], "remove");
  EXPECT_EQ(out["actions"][0]["reason"], "tier_lost");
}

TEST(Basis, LineDiscountsLowerTheAmountAfterDiscounts) {
  const std::string discounted =
      R"({"id":2001,"variant_id":2001,"product_id":1001,"quantity":1,"price":10000,)"
      R"("original_line_price":10000,"final_line_price":9000})";
  const json out = evaluate(kShipAndTote, cart(discounted));
  EXPECT_EQ(out["bars"][0]["qualifying"], 9000);
}

TEST(Basis, BeforeDiscountsIgnoresCodesAndLineDiscounts) {
  std::string program = kShipAndTote;
  program.replace(program.find("\"currency\": \"USD\""), 17,
                  R"("currency": "USD", "basis": "before_discounts")");
  const json out = evaluate(
      program, cart(line(2001, 1, 10500), "USD",
                    R"(,"cart_level_discount_applications":[{"total_allocated_amount":1000}])"));
  EXPECT_EQ(out["bars"][0]["qualifying"], 10500);
  EXPECT_EQ(out["bars"][0]["reached_tier"], "tote");
}

TEST(Basis, ACodeIsSharedInProportionOverQualifyingAndOtherLines) {
  // The tote bar only counts product 1001; a $10 code on a $50 + $50 cart takes $5 from it.
  const std::string program = R"({"format":1,"id":"p","version":1,"currency":"USD","bars":[
    {"id":"b","scope":{"include":{"products":[1001]}},
     "tiers":[{"id":"t","threshold":4600,"reward":{"type":"free_shipping"}}]}]})";
  const json out = evaluate(
      program, cart(line(2001, 1, 5000) + "," + line(2002, 1, 5000), "USD",
                    R"(,"cart_level_discount_applications":[{"total_allocated_amount":1000}])"));
  EXPECT_EQ(out["bars"][0]["qualifying"], 4500);
}

TEST(Basis, AGiftCardTakesNoShareOfACartLevelCode) {
  // $105 of goods and a $50 gift card. Shopify took the $10 code off the goods alone, so they
  // bear all of it and measure $95. Shared over the card too, the goods would bear only $6.78
  // and measure $98.22, more than the order will show.
  const json out =
      evaluate(kShipAndTote,
               cart(line(2001, 1, 10500) + "," + line(2013, 1, 5000, R"(,"gift_card":true)"), "USD",
                    R"(,"cart_level_discount_applications":[{"total_allocated_amount":1000}])"));
  EXPECT_EQ(out["bars"][0]["qualifying"], 9500);
  EXPECT_EQ(out["bars"][0]["reached_tier"], "ship");
  EXPECT_EQ(out["actions"], json::array());
}

TEST(Basis, ACountedGiftCardKeepsItsOwnDiscountsAndTakesNoShareOfTheCode) {
  // The bar counts product 1001 and the gift card (product 1013), at $45 after a discount aimed
  // at it. The $10 code falls on the $100 of goods only, $6 of it on product 1001:
  // 6000 - 600 + 4500. Shared over the card too, the bar's two lines would bear $7.25 (9775).
  std::string program = kShipAndTote;
  program.replace(
      program.find("\"id\": \"main\","), 13,
      R"("id": "main", "scope": {"gift_cards": true, "include": {"products": [1001, 1013]}},)");
  const std::string card =
      R"({"id":2013,"variant_id":2013,"product_id":1013,"quantity":1,"price":5000,)"
      R"("original_line_price":5000,"final_line_price":4500,"gift_card":true})";
  const json out = evaluate(
      program, cart(line(2001, 1, 6000) + "," + line(2002, 1, 4000) + "," + card, "USD",
                    R"(,"cart_level_discount_applications":[{"total_allocated_amount":1000}])"));
  EXPECT_EQ(out["bars"][0]["qualifying"], 9900);
}

const char* kEuroProgram = R"({"format":1,"id":"p","version":1,"currency":"USD",
  "rounding":"up_to_whole",
  "bars":[{"id":"b","tiers":[
    {"id":"ship","threshold":5000,"reward":{"type":"free_shipping"},
     "texts":{"en":{"label":"free shipping","progress":"{{remaining}} to {{reward}}"}}},
    {"id":"tote","threshold":10000,"thresholds_by_currency":{"EUR":9000,"JPY":15000},
     "reward":{"type":"free_gift","gifts":[{"variant_id":9001}]}}]}]})";

TEST(Conversion, ThresholdsAreConvertedWithTheStorefrontRateAndRounded) {
  // $50 x 0.92 = 46.00 EUR exactly; $50.01 would round up to 47.00 EUR with up_to_whole.
  const json out = evaluate(
      kEuroProgram, cart(line(2001, 1, 4000), "EUR"),
      R"({"rate":"0.92","money_format":"€{{amount_with_comma_separator}}","locale":"fr"})");
  EXPECT_EQ(out["currency"], "EUR");
  EXPECT_EQ(out["bars"][0]["tiers"][0]["threshold"], 4600);
  EXPECT_EQ(out["bars"][0]["remaining"], 600);
  EXPECT_EQ(out["bars"][0]["remaining_formatted"], "€6,00");
  EXPECT_EQ(out["bars"][0]["message"], "€6,00 to free shipping");
}

TEST(Conversion, RoundingUpToWholeUnitsNeverLowersTheThreshold) {
  std::string program = kEuroProgram;
  program.replace(program.find("\"threshold\":5000"), 16, "\"threshold\":5001");
  const json out = evaluate(program, cart(line(2001, 1, 4000), "EUR"), R"({"rate":"0.92"})");
  EXPECT_EQ(out["bars"][0]["tiers"][0]["threshold"], 4700);  // 46.0092 EUR -> 47.00 EUR
}

TEST(Conversion, AnExplicitCurrencyThresholdWinsOverConversion) {
  const json out = evaluate(kEuroProgram, cart(line(2001, 1, 9000), "EUR"), R"({"rate":"0.92"})");
  EXPECT_EQ(out["bars"][0]["tiers"][1]["threshold"], 9000);
  EXPECT_EQ(out["bars"][0]["reached_tier"], "tote");
}

TEST(Conversion, YenCartsInTheCentsConventionAreReadAsWholeYen) {
  // cart.js sends ¥12,000 as 1200000 by default; the explicit JPY tote threshold is ¥15,000.
  const json out =
      evaluate(kEuroProgram, cart(line(2001, 1, 1200000), "JPY"), R"({"rate":"147.5"})");
  EXPECT_EQ(out["minor_units"], 0);
  EXPECT_EQ(out["bars"][0]["qualifying"], 12000);
  // $50 x 147.5 = 7375 yen; a yen is already a whole unit, so up_to_whole changes nothing.
  EXPECT_EQ(out["bars"][0]["tiers"][0]["threshold"], 7375);
  EXPECT_EQ(out["bars"][0]["reached_tier"], "ship");
  EXPECT_EQ(out["bars"][0]["remaining_formatted"], "¥3,000");
}

TEST(Conversion, YenCartsInMinorUnitsAreReadAsIs) {
  const json out = evaluate(kEuroProgram, cart(line(2001, 1, 12000), "JPY"),
                            R"({"rate":"147.5","cart_amounts":"minor_units"})");
  EXPECT_EQ(out["bars"][0]["qualifying"], 12000);
}

TEST(Conversion, AnotherCurrencyWithoutARateIsAnError) {
  const auto error = evaluate_error(kEuroProgram, cart(line(2001, 1, 100), "GBP"));
  EXPECT_EQ(error.code, "missing_rate");
  EXPECT_EQ(error.path, "$.rate");
}

TEST(Conversion, AContextThatContradictsTheCartIsAnError) {
  const auto error = evaluate_error(kEuroProgram, cart(line(2001, 1, 100), "EUR"),
                                    R"({"presentment_currency":"GBP","rate":"0.8"})");
  EXPECT_EQ(error.code, "currency_mismatch");
}

const char* kScoped = R"({"format":1,"id":"p","version":1,"currency":"USD","bars":[
  {"id":"b","scope":{"include":{"collections":["beans"],"product_types":["mug"]},
                     "exclude":{"tags":["clearance"]}},
   "tiers":[{"id":"t","threshold":100000,"reward":{"type":"free_shipping"}}]}]})";

const char* kCatalog = R"({"products":{
  "1001":{"collections":["beans"],"tags":["Coffee"]},
  "1002":{"collections":["beans"],"tags":["CLEARANCE"]},
  "1003":{"collections":["gear"],"product_type":"Mug"},
  "1004":{"collections":["gear"]}}})";

TEST(Scope, CountsIncludedCollectionsAndTypesAndSkipsExcludedTagsWhateverTheirCase) {
  const json out = evaluate(kScoped,
                            cart(line(2001, 1, 100) + "," + line(2002, 1, 200) + "," +
                                 line(2003, 1, 400) + "," + line(2004, 1, 800)),
                            kCatalog);
  EXPECT_EQ(out["bars"][0]["qualifying"], 100 + 400);
}

TEST(Scope, GiftCardsDoNotCountUnlessTheBarSaysSo) {
  const std::string card = line(2001, 1, 5000, R"(,"gift_card":true)");
  EXPECT_EQ(evaluate(kShipAndTote, cart(card))["bars"][0]["qualifying"], 0);
  std::string program = kShipAndTote;
  program.replace(program.find("\"id\": \"main\","), 13,
                  R"("id": "main", "scope": {"gift_cards": true},)");
  EXPECT_EQ(evaluate(program, cart(card))["bars"][0]["qualifying"], 5000);
}

TEST(Scope, SubscriptionLinesCanBeLeftOut) {
  std::string program = kShipAndTote;
  program.replace(program.find("\"id\": \"main\","), 13,
                  R"("id": "main", "scope": {"subscriptions": false},)");
  const std::string subscription =
      line(2001, 1, 5000, R"(,"selling_plan_allocation":{"selling_plan":{"id":1}})");
  EXPECT_EQ(
      evaluate(program, cart(subscription + "," + line(2002, 1, 700)))["bars"][0]["qualifying"],
      700);
}

TEST(Quantity, CountsUnitsAndShowsTheRemainingCount) {
  const std::string program = R"({"format":1,"id":"p","version":1,"currency":"USD","bars":[
    {"id":"b","metric":"quantity","tiers":[
      {"id":"three","threshold":3,"reward":{"type":"order_discount","percent":10},
       "texts":{"en":{"label":"10% off","progress":"Add {{remaining}} more for {{reward}}"}}}]}]})";
  json out = evaluate(program, cart(line(2001, 2, 100)));
  EXPECT_EQ(out["bars"][0]["qualifying"], 2);
  EXPECT_EQ(out["bars"][0]["message"], "Add 1 more for 10% off");
  out = evaluate(program, cart(line(2001, 3, 100)));
  EXPECT_EQ(out["rewards"][0]["percent"], 10);
}

const char* kChoice = R"({"format":1,"id":"p","version":1,"currency":"USD","bars":[
  {"id":"b","tiers":[{"id":"pick","threshold":5000,
   "reward":{"type":"free_gift","choose":1,"gifts":[
     {"variant_id":9001,"title":"Tote"},{"variant_id":9002,"title":"Mug"},
     {"variant_id":9003,"title":"Socks"}]}}]}]})";

TEST(GiftChoice, WaitsForTheShopperWhenThereIsAChoice) {
  const json out = evaluate(kChoice, cart(line(2001, 1, 5000)));
  EXPECT_EQ(out["rewards"][0]["choice_required"], true);
  EXPECT_EQ(out["rewards"][0]["options"].size(), 3u);
  EXPECT_EQ(out["actions"], json::array());
}

TEST(GiftChoice, AddsWhatTheShopperPicked) {
  const json out =
      evaluate(kChoice, cart(line(2001, 1, 5000)), R"({"gift_choices":{"pick":[9002]}})");
  EXPECT_EQ(out["rewards"][0]["choice_required"], false);
  ASSERT_EQ(out["actions"].size(), 1u);
  EXPECT_EQ(out["actions"][0]["variant_id"], 9002);
}

TEST(GiftChoice, AGiftAlreadyInTheCartIsTheChoice) {
  const json out =
      evaluate(kChoice, cart(line(2001, 1, 5000) + "," + gift_line(9003, 1, "p@1:pick")));
  EXPECT_EQ(out["rewards"][0]["chosen"], json::array({9003}));
  EXPECT_EQ(out["actions"], json::array());
}

TEST(GiftChoice, ChangingThePickSwapsTheGift) {
  const json out =
      evaluate(kChoice, cart(line(2001, 1, 5000) + "," + gift_line(9003, 1, "p@1:pick")),
               R"({"gift_choices":{"pick":[9001]}})");
  ASSERT_EQ(out["actions"].size(), 2u);
  EXPECT_EQ(out["actions"][0]["type"], "remove");
  EXPECT_EQ(out["actions"][0]["variant_id"], 9003);
  EXPECT_EQ(out["actions"][0]["reason"], "not_chosen");
  EXPECT_EQ(out["actions"][1]["type"], "add");
  EXPECT_EQ(out["actions"][1]["variant_id"], 9001);
}

TEST(GiftChoice, APickOfAGiftTheTierDoesNotOfferIsIgnored) {
  const json out =
      evaluate(kChoice, cart(line(2001, 1, 5000)), R"({"gift_choices":{"pick":[4242]}})");
  EXPECT_EQ(out["rewards"][0]["choice_required"], true);
  EXPECT_EQ(out["actions"], json::array());
}

TEST(GiftChoice, PreselectAddsTheFirstAvailableGift) {
  std::string program = kChoice;
  program.replace(program.find("\"choose\":1"), 10, "\"choose\":1,\"preselect\":true");
  const json out = evaluate(program, cart(line(2001, 1, 5000)));
  ASSERT_EQ(out["actions"].size(), 1u);
  EXPECT_EQ(out["actions"][0]["variant_id"], 9001);
}

TEST(Stock, ASoldOutGiftIsSkippedAndTheOnlyOneLeftIsAddedWithoutAsking) {
  const json out = evaluate(kChoice, cart(line(2001, 1, 5000)),
                            R"({"variants":{"9001":{"available":0},"9002":{"available":0},
                                            "9003":{"available":7}}})");
  EXPECT_EQ(out["rewards"][0]["options"][0]["available"], false);
  ASSERT_EQ(out["actions"].size(), 1u);
  EXPECT_EQ(out["actions"][0]["variant_id"], 9003);
}

TEST(Stock, WhenEveryGiftIsSoldOutNothingIsAdded) {
  const json out = evaluate(kShipAndTote, cart(line(2001, 1, 10000)),
                            R"({"variants":{"9001":{"available":0}}})");
  EXPECT_EQ(out["actions"], json::array());
  EXPECT_EQ(out["rewards"][1]["chosen"], json::array());
}

std::string declined(const std::string& value) {
  return R"(,"attributes":{"_tiercart_declined":")" + value + R"("})";
}

TEST(DeclinedGift, AGiftTheShopperRemovedIsNotAddedAgain) {
  const json out =
      evaluate(kShipAndTote, cart(line(2001, 1, 10000), "USD", declined("spring:tote:9001")));
  EXPECT_EQ(out["actions"], json::array());
  EXPECT_EQ(out["rewards"][1]["declined"], json::array({9001}));
  EXPECT_EQ(out["rewards"][1]["declinable"], true);
  // Still earned: the bar says so and the shopper can take it back.
  EXPECT_EQ(out["bars"][0]["tiers"][1]["unlocked"], true);
}

TEST(DeclinedGift, AnotherProgramsOrAnotherTiersDeclineChangesNothing) {
  const json out = evaluate(kShipAndTote, cart(line(2001, 1, 10000), "USD",
                                               declined("winter:tote:9001,spring:ship:9001,x")));
  ASSERT_EQ(out["actions"].size(), 1u);
  EXPECT_EQ(out["actions"][0]["type"], "add");
  EXPECT_EQ(out["rewards"][1]["declined"], json::array());
}

TEST(DeclinedGift, ANonDeclinableGiftIsAddedWithoutAsking) {
  std::string program = kShipAndTote;
  program.replace(program.find("\"gifts\""), 7, "\"declinable\":false,\"gifts\"");
  const json out =
      evaluate(program, cart(line(2001, 1, 10000), "USD", declined("spring:tote:9001")));
  ASSERT_EQ(out["actions"].size(), 1u);
  EXPECT_EQ(out["actions"][0]["variant_id"], 9001);
  EXPECT_EQ(out["rewards"][1]["declinable"], false);
  EXPECT_EQ(out["rewards"][1]["declined"], json::array());
}

TEST(DeclinedGift, DecliningOneGiftOfAChoiceAddsNoOtherWithoutAPick) {
  // Mug and socks sold out would leave the tote alone to add without asking; declined, it is not
  // replaced by anything, and nothing waits for a pick.
  const json out = evaluate(kChoice, cart(line(2001, 1, 5000), "USD", declined("p:pick:9001")),
                            R"({"variants":{"9002":{"available":0},"9003":{"available":0}}})");
  EXPECT_EQ(out["actions"], json::array());
  EXPECT_EQ(out["rewards"][0]["choice_required"], false);
  // A pick of another gift is honoured; a pick of the declined one is not.
  EXPECT_EQ(evaluate(kChoice, cart(line(2001, 1, 5000), "USD", declined("p:pick:9001")),
                     R"({"gift_choices":{"pick":[9003]}})")["actions"][0]["variant_id"],
            9003);
  EXPECT_EQ(evaluate(kChoice, cart(line(2001, 1, 5000), "USD", declined("p:pick:9001")),
                     R"({"gift_choices":{"pick":[9001]}})")["actions"],
            json::array());
}

TEST(DeclinedGift, AttributesOfOtherFormsAreIgnored) {
  const json out = evaluate(
      kShipAndTote,
      cart(line(2001, 1, 10000), "USD", R"(,"attributes":{"_tiercart_declined":42,"gift":"x"})"));
  ASSERT_EQ(out["actions"].size(), 1u);
  EXPECT_EQ(
      evaluate(kShipAndTote, cart(line(2001, 1, 10000), "USD", R"(,"attributes":null)"))["actions"]
          .size(),
      1u);
}

TEST(MissingFacts, AScopeByCollectionWarnsOfAProductTheContextDoesNotDescribe) {
  std::string program = kShipAndTote;
  program.replace(program.find("\"tiers\""), 7,
                  R"("scope":{"include":{"collections":["knitwear"]}},"tiers")");
  const json out = evaluate(program, cart(line(2001, 1, 10000) + "," + line(2002, 1, 500)),
                            R"({"products":{"1001":{"collections":["knitwear"]}}})");
  ASSERT_EQ(out["warnings"].size(), 1u);
  EXPECT_EQ(out["warnings"][0]["code"], "missing_product_facts");
  EXPECT_EQ(out["warnings"][0]["product_id"], 1002);
  EXPECT_EQ(out["warnings"][0]["bar"], "main");
}

TEST(MissingFacts, AScopeByTypeNeedsNoContextWhenTheLineHasItsType) {
  std::string program = kShipAndTote;
  program.replace(program.find("\"tiers\""), 7,
                  R"("scope":{"exclude":{"product_types":["Gift Card"]}},"tiers")");
  EXPECT_EQ(evaluate(program, cart(line(2001, 1, 100, R"(,"product_type":"Sweater")")))["warnings"],
            json::array());
  EXPECT_EQ(evaluate(program, cart(line(2001, 1, 100)))["warnings"][0]["product_id"], 1001);
  // Without a scope by facts nothing is missing.
  EXPECT_EQ(evaluate(kShipAndTote, cart(line(2001, 1, 100)))["warnings"], json::array());
}

const char* kScheduled = R"({"format":1,"id":"p","version":1,"currency":"USD","bars":[
  {"id":"b","tiers":[
    {"id":"early","threshold":1000,"reward":{"type":"free_shipping"},
     "schedule":{"starts_at":"2026-11-01T00:00:00Z","ends_at":"2026-12-01T00:00:00Z"}},
    {"id":"vip","threshold":2000,"reward":{"type":"order_discount","percent":5},
     "eligibility":{"customer_tags_any":["VIP"],"countries":["US","CA"]}}]}]})";

TEST(Schedule, ATierOpensAtItsStartAndClosesAtItsEnd) {
  const std::string c = cart(line(2001, 1, 3000));
  auto at = [&](const char* now) {
    return evaluate(kScheduled, c,
                    std::string(R"({"now":")") + now + R"("})")["bars"][0]["tiers"][0];
  };
  EXPECT_EQ(at("2026-10-31T23:59:59Z")["availability"], "not_started");
  EXPECT_EQ(at("2026-11-01T00:00:00Z")["availability"], "available");
  EXPECT_EQ(at("2026-11-30T23:59:59Z")["unlocked"], true);
  EXPECT_EQ(at("2026-12-01T00:00:00Z")["availability"], "expired");
  EXPECT_EQ(at("2026-12-01T00:30:00+01:00")["availability"], "available");  // 23:30 UTC
}

TEST(Schedule, WithoutATimeSchedulesDoNotHide) {
  EXPECT_EQ(evaluate(kScheduled, cart(line(2001, 1, 3000)))["bars"][0]["tiers"][0]["unlocked"],
            true);
}

TEST(Eligibility, ACustomerTagAndACountryGateATier) {
  const std::string c = cart(line(2001, 1, 3000));
  auto vip = [&](const char* context) {
    return evaluate(kScheduled, c, context)["bars"][0]["tiers"][1];
  };
  EXPECT_EQ(vip(R"({"customer_tags":["vip"],"country":"US"})")["unlocked"], true);
  EXPECT_EQ(vip(R"({"customer_tags":["regular"],"country":"US"})")["availability"], "not_eligible");
  EXPECT_EQ(vip(R"({"customer_tags":["VIP"],"country":"FR"})")["availability"], "not_eligible");
}

TEST(Eligibility, AnUnavailableTierIsNeverTheNextOne) {
  const json out = evaluate(kScheduled, cart(line(2001, 1, 1500)), R"({"customer_tags":[]})");
  EXPECT_TRUE(out["bars"][0]["next_tier"].is_null());
  EXPECT_EQ(out["bars"][0]["progress_bp"], 10000);
}

TEST(Stacking, CumulativeKeepsEveryReachedReward) {
  const json out = evaluate(kShipAndTote, cart(line(2001, 1, 10000)));
  EXPECT_EQ(out["rewards"].size(), 2u);
}

TEST(Stacking, HighestOnlyKeepsTheBiggestGiftCard) {
  const std::string program = R"({"format":1,"id":"p","version":1,"currency":"USD","bars":[
    {"id":"b","stacking":"highest_only","tiers":[
      {"id":"five","threshold":5000,"reward":{"type":"gift_card","amount":500}},
      {"id":"ten","threshold":10000,"reward":{"type":"gift_card","amount":1500}}]}]})";
  const json out = evaluate(program, cart(line(2001, 1, 12000)));
  ASSERT_EQ(out["rewards"].size(), 1u);
  EXPECT_EQ(out["rewards"][0]["tier"], "ten");
  EXPECT_EQ(out["rewards"][0]["amount"], 1500);
  EXPECT_EQ(out["rewards"][0]["amount_formatted"], "$15.00");
}

TEST(Messages, FallBackFromRegionToLanguageToTheDefaultLocale) {
  const std::string c = cart(line(2001, 1, 1000));
  EXPECT_EQ(evaluate(kShipAndTote, c, R"({"locale":"fr-CA"})")["bars"][0]["message"],
            "Plus que $40.00 pour la livraison offerte");
  EXPECT_EQ(evaluate(kShipAndTote, c, R"({"locale":"de"})")["bars"][0]["message"],
            "You're $40.00 away from free shipping");
}

TEST(Messages, TheBarsCompleteTextShowsOnceEveryTierIsReached) {
  std::string program = kShipAndTote;
  program.replace(program.find("\"id\": \"main\","), 13,
                  R"("id": "main", "complete": {"en": "Everything unlocked!"},)");
  EXPECT_EQ(evaluate(program, cart(line(2001, 1, 10000)))["bars"][0]["message"],
            "Everything unlocked!");
}

TEST(Messages, TheCompleteTextWaitsWhileATierIsOutOfReachRatherThanReached) {
  // Free shipping is reached; the VIP tier is not for this shopper: not "everything unlocked".
  const std::string program = R"({"format":1,"id":"p","version":1,"currency":"USD","bars":[
    {"id":"b","complete":{"en":"Everything unlocked!"},"tiers":[
      {"id":"ship","threshold":1000,"reward":{"type":"free_shipping"},
       "texts":{"en":{"label":"free shipping","unlocked":"{{reward}} unlocked"}}},
      {"id":"vip","threshold":2000,"eligibility":{"customer_tags_any":["VIP"]},
       "reward":{"type":"order_discount","percent":5}}]}]})";
  EXPECT_EQ(evaluate(program, cart(line(2001, 1, 5000)))["bars"][0]["message"],
            "free shipping unlocked");
  EXPECT_EQ(evaluate(program, cart(line(2001, 1, 5000)),
                     R"({"customer_tags":["VIP"]})")["bars"][0]["message"],
            "Everything unlocked!");
}

TEST(Offers, PickTheCheapestProductThatReachesTheNextTier) {
  const json out = evaluate(kShipAndTote, cart(line(2001, 1, 4000)),
                            R"({"offer_candidates":[3001,3002,3003,3004],"variants":{
      "3001":{"price":900,"product_id":4001,"title":"Filters"},
      "3002":{"price":1200,"product_id":4002,"title":"Beans"},
      "3003":{"price":1000,"product_id":4003,"title":"Scoop","available":0},
      "3004":{"price":2500,"product_id":4004,"title":"Grinder"}}})");
  ASSERT_EQ(out["offers"].size(), 1u);
  EXPECT_EQ(out["offers"][0]["variant_id"], 3002);
  EXPECT_EQ(out["offers"][0]["reaches_tier"], true);
  EXPECT_EQ(out["offers"][0]["price_formatted"], "$12.00");
}

TEST(Offers, WhenNothingReachesTheTierPickTheClosest) {
  const json out = evaluate(kShipAndTote, cart(line(2001, 1, 1000)),
                            R"({"offer_candidates":[3001,3002],"variants":{
      "3001":{"price":900,"product_id":4001},"3002":{"price":1200,"product_id":4002}}})");
  ASSERT_EQ(out["offers"].size(), 1u);
  EXPECT_EQ(out["offers"][0]["variant_id"], 3002);
  EXPECT_EQ(out["offers"][0]["reaches_tier"], false);
}

TEST(Offers, SkipWhatIsInTheCartOrOutOfScope) {
  const json out = evaluate(kScoped, cart(line(2001, 1, 100)),
                            R"({"offer_candidates":[2001,3001],
      "products":{"1001":{"collections":["beans"]},"2001":{"collections":["gear"]}},
      "variants":{"2001":{"price":900,"product_id":1001},"3001":{"price":900,"product_id":2001}}})");
  EXPECT_EQ(out["offers"], json::array());
}

TEST(Output, IsTheSameBytesForTheSameInput) {
  const std::string c = cart(line(2001, 1, 10000) + "," + gift_line(9001, 3, "spring@2:tote"));
  EXPECT_EQ(tiercart::evaluate_json(kShipAndTote, c, "").value(),
            tiercart::evaluate_json(kShipAndTote, c, "").value());
}

}  // namespace
