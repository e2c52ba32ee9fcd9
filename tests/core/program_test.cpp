// Specification of parse_program: the versioned program format of docs/program-format.md as
// the parser reads it. A complete document becomes the expected values, a minimal one gets
// the documented defaults, and every mistake comes back as one error with a stable code and
// the JSON path of the offending field. Programs are strict: a typo is an error, never ignored.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "result_matchers.h"
#include "source_files.h"
#include "tiercart/tiercart.h"

namespace tiercart {
namespace {

using nlohmann::json;

using testing::ExampleFiles;
using testing::ReadSourceFile;

using testing::FailsWith;

// The smallest program the format allows: two tiers on one bar, nothing optional.
json MinimalProgram() {
  return json::parse(R"({
    "format": 1,
    "id": "spring-rewards",
    "version": 1,
    "currency": "USD",
    "bars": [
      {
        "id": "rewards",
        "tiers": [
          {"id": "free-shipping", "threshold": 5000, "reward": {"type": "free_shipping"}},
          {"id": "tote", "threshold": 10000,
           "reward": {"type": "free_gift", "gifts": [{"variant_id": 9001}]}}
        ]
      }
    ]
  })");
}

Result<Program> Parse(const json& document) { return parse_program(document.dump()); }

json TierJson(const std::string& id, int64_t threshold) {
  return {{"id", id}, {"threshold", threshold}, {"reward", {{"type", "free_shipping"}}}};
}

json BarJson(const std::string& id, const std::vector<json>& tiers) {
  return {{"id", id}, {"tiers", tiers}};
}

// Every field of the format, each set away from its default.
constexpr const char* kCompleteProgram = R"({
  "format": 1,
  "id": "winter-rewards",
  "version": 7,
  "currency": "CAD",
  "basis": "before_discounts",
  "rounding": "nearest_whole",
  "default_locale": "fr",
  "schedule": {"starts_at": "2026-11-01T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z"},
  "eligibility": {"customer_tags_any": ["VIP", "Wholesale"], "countries": ["CA", "US"]},
  "bars": [
    {
      "id": "spend",
      "metric": "spend",
      "basis": "after_discounts",
      "stacking": "highest_only",
      "scope": {
        "include": {"products": [1001], "variants": [2001, 2002], "collections": ["winter"],
                    "tags": ["merino"], "product_types": ["Sweater"]},
        "exclude": {"tags": ["clearance"]},
        "gift_cards": true,
        "subscriptions": false
      },
      "complete": {"fr": "Tout est débloqué", "en": "Everything unlocked"},
      "tiers": [
        {
          "id": "shipping",
          "threshold": 5000,
          "thresholds_by_currency": {"USD": 3700, "JPY": 5500},
          "reward": {"type": "free_shipping", "countries": ["CA"]},
          "texts": {"fr": {"label": "la livraison gratuite",
                           "progress": "Plus que {{remaining}} pour {{reward}}",
                           "unlocked": "{{reward}} !"}},
          "schedule": {"starts_at": "2026-11-15T00:00:00-05:00"},
          "eligibility": {"countries": ["CA"]}
        },
        {
          "id": "tote",
          "threshold": 10000,
          "reward": {"type": "free_gift",
                     "gifts": [{"variant_id": 9001, "product_id": 8001, "title": "Tote"},
                               {"variant_id": 9002}],
                     "choose": 2, "quantity": 3, "skip_out_of_stock": false,
                     "preselect": true}
        },
        {
          "id": "credit",
          "threshold": 20000,
          "reward": {"type": "gift_card", "amount": 1500, "amounts_by_currency": {"USD": 1100}}
        },
        {
          "id": "ten-off",
          "threshold": 30000,
          "reward": {"type": "order_discount", "percent": 10}
        }
      ]
    },
    {
      "id": "units",
      "metric": "quantity",
      "basis": "before_discounts",
      "tiers": [
        {"id": "three", "threshold": 3, "reward": {"type": "order_discount", "amount": 500}}
      ]
    }
  ]
})";

// ---------------------------------------------------------------------------------------
// What a valid program becomes

TEST(ProgramParsing, ReadsEveryProgramLevelField) {
  auto parsed = parse_program(kCompleteProgram);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Program& program = parsed.value();
  EXPECT_EQ(program.format, 1);
  EXPECT_EQ(program.id, "winter-rewards");
  EXPECT_EQ(program.version, 7);
  EXPECT_EQ(program.currency, "CAD");
  EXPECT_EQ(program.basis, Basis::kBeforeDiscounts);
  EXPECT_EQ(program.rounding, Rounding::kNearestWhole);
  EXPECT_EQ(program.default_locale, "fr");
  EXPECT_EQ(program.schedule.starts_at, 1793491200);  // 2026-11-01T00:00:00Z
  EXPECT_EQ(program.schedule.ends_at, 1796083200);    // 2026-12-01T00:00:00Z
  EXPECT_EQ(program.eligibility.customer_tags_any, (std::vector<std::string>{"VIP", "Wholesale"}));
  EXPECT_EQ(program.eligibility.countries, (std::vector<std::string>{"CA", "US"}));
  ASSERT_EQ(program.bars.size(), 2u);
}

TEST(ProgramParsing, ReadsEveryBarField) {
  auto parsed = parse_program(kCompleteProgram);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Bar& bar = parsed.value().bars[0];
  EXPECT_EQ(bar.id, "spend");
  EXPECT_EQ(bar.metric, Metric::kSpend);
  EXPECT_EQ(bar.basis, Basis::kAfterDiscounts);
  EXPECT_EQ(bar.stacking, Stacking::kHighestOnly);
  EXPECT_EQ(bar.scope.include.products, (std::vector<int64_t>{1001}));
  EXPECT_EQ(bar.scope.include.variants, (std::vector<int64_t>{2001, 2002}));
  EXPECT_EQ(bar.scope.include.collections, (std::vector<std::string>{"winter"}));
  EXPECT_EQ(bar.scope.include.tags, (std::vector<std::string>{"merino"}));
  EXPECT_EQ(bar.scope.include.product_types, (std::vector<std::string>{"Sweater"}));
  EXPECT_EQ(bar.scope.exclude.tags, (std::vector<std::string>{"clearance"}));
  EXPECT_TRUE(bar.scope.exclude.products.empty());
  EXPECT_TRUE(bar.scope.gift_cards);
  EXPECT_FALSE(bar.scope.subscriptions);
  EXPECT_EQ(bar.complete_texts.at("fr"), "Tout est débloqué");
  EXPECT_EQ(bar.complete_texts.at("en"), "Everything unlocked");
  ASSERT_EQ(bar.tiers.size(), 4u);

  const Bar& units = parsed.value().bars[1];
  EXPECT_EQ(units.metric, Metric::kQuantity);
  EXPECT_EQ(units.basis, Basis::kBeforeDiscounts);
  EXPECT_EQ(units.tiers[0].threshold, 3);
}

TEST(ProgramParsing, ReadsEveryTierField) {
  auto parsed = parse_program(kCompleteProgram);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Tier& tier = parsed.value().bars[0].tiers[0];
  EXPECT_EQ(tier.id, "shipping");
  EXPECT_EQ(tier.threshold, 5000);
  EXPECT_EQ(tier.thresholds_by_currency,
            (std::map<std::string, int64_t>{{"JPY", 5500}, {"USD", 3700}}));
  EXPECT_EQ(tier.reward.type, RewardType::kFreeShipping);
  EXPECT_EQ(tier.reward.countries, (std::vector<std::string>{"CA"}));
  ASSERT_EQ(tier.texts.count("fr"), 1u);
  EXPECT_EQ(tier.texts.at("fr").label, "la livraison gratuite");
  EXPECT_EQ(tier.texts.at("fr").progress, "Plus que {{remaining}} pour {{reward}}");
  EXPECT_EQ(tier.texts.at("fr").unlocked, "{{reward}} !");
  EXPECT_EQ(tier.schedule.starts_at, 1794718800);  // 2026-11-15T05:00:00Z
  EXPECT_FALSE(tier.schedule.ends_at.has_value());
  EXPECT_EQ(tier.eligibility.countries, (std::vector<std::string>{"CA"}));
  EXPECT_TRUE(tier.eligibility.customer_tags_any.empty());
}

TEST(ProgramParsing, ReadsEachRewardType) {
  auto parsed = parse_program(kCompleteProgram);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const auto& tiers = parsed.value().bars[0].tiers;

  const Reward& gift = tiers[1].reward;
  EXPECT_EQ(gift.type, RewardType::kFreeGift);
  ASSERT_EQ(gift.gifts.size(), 2u);
  EXPECT_EQ(gift.gifts[0].variant_id, 9001);
  EXPECT_EQ(gift.gifts[0].product_id, 8001);
  EXPECT_EQ(gift.gifts[0].title, "Tote");
  EXPECT_EQ(gift.gifts[1].variant_id, 9002);
  EXPECT_EQ(gift.gifts[1].product_id, 0);
  EXPECT_EQ(gift.gifts[1].title, "");
  EXPECT_EQ(gift.choose, 2);
  EXPECT_EQ(gift.quantity, 3);
  EXPECT_FALSE(gift.skip_out_of_stock);
  EXPECT_TRUE(gift.preselect);

  const Reward& credit = tiers[2].reward;
  EXPECT_EQ(credit.type, RewardType::kGiftCard);
  EXPECT_EQ(credit.amount, 1500);
  EXPECT_EQ(credit.amounts_by_currency, (std::map<std::string, int64_t>{{"USD", 1100}}));
  EXPECT_EQ(credit.percent, 0);

  const Reward& percent = tiers[3].reward;
  EXPECT_EQ(percent.type, RewardType::kOrderDiscount);
  EXPECT_EQ(percent.percent, 10);
  EXPECT_EQ(percent.amount, 0);

  const Reward& fixed = parsed.value().bars[1].tiers[0].reward;
  EXPECT_EQ(fixed.type, RewardType::kOrderDiscount);
  EXPECT_EQ(fixed.amount, 500);
  EXPECT_EQ(fixed.percent, 0);
}

TEST(ProgramParsing, FillsTheDocumentedDefaultsOfAMinimalProgram) {
  auto parsed = Parse(MinimalProgram());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Program& program = parsed.value();
  EXPECT_EQ(program.basis, Basis::kAfterDiscounts);
  EXPECT_EQ(program.rounding, Rounding::kUpToMinor);
  EXPECT_EQ(program.default_locale, "en");
  EXPECT_FALSE(program.schedule.starts_at.has_value());
  EXPECT_FALSE(program.schedule.ends_at.has_value());
  EXPECT_TRUE(program.eligibility.countries.empty());
  EXPECT_TRUE(program.eligibility.customer_tags_any.empty());

  const Bar& bar = program.bars.at(0);
  EXPECT_EQ(bar.metric, Metric::kSpend);
  EXPECT_FALSE(bar.basis.has_value()) << "a bar without basis falls back to the program's";
  EXPECT_EQ(bar.stacking, Stacking::kCumulative);
  EXPECT_TRUE(bar.scope.include.empty());
  EXPECT_TRUE(bar.scope.exclude.empty());
  EXPECT_FALSE(bar.scope.gift_cards);
  EXPECT_TRUE(bar.scope.subscriptions);
  EXPECT_TRUE(bar.complete_texts.empty());

  const Tier& tier = bar.tiers.at(1);
  EXPECT_TRUE(tier.thresholds_by_currency.empty());
  EXPECT_TRUE(tier.texts.empty());
  const Reward& reward = tier.reward;
  EXPECT_EQ(reward.type, RewardType::kFreeGift);
  EXPECT_EQ(reward.choose, 1);
  EXPECT_EQ(reward.quantity, 1);
  EXPECT_TRUE(reward.skip_out_of_stock);
  EXPECT_FALSE(reward.preselect);
}

TEST(ProgramParsing, TreatsAnEmptyDefaultLocaleAsEnglish) {
  json program = MinimalProgram();
  program["default_locale"] = "";
  auto parsed = Parse(program);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().default_locale, "en");
}

TEST(ProgramParsing, ParsesEveryExampleProgram) {
  const auto files = ExampleFiles("examples/programs");
  ASSERT_FALSE(files.empty());
  for (const auto& file : files) {
    auto parsed = parse_program(ReadSourceFile(file));
    EXPECT_TRUE(parsed.ok()) << file << ": " << (parsed.ok() ? "" : parsed.error().message);
  }
}

TEST(ProgramParsing, ReadsTheVipScheduleExampleWithItsOffsets) {
  auto parsed = parse_program(ReadSourceFile("examples/programs/vip-schedule.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Program& program = parsed.value();
  EXPECT_EQ(program.version, 3);
  // 2026-11-01T00:00:00-04:00 and 2026-12-01T00:00:00-05:00.
  EXPECT_EQ(program.schedule.starts_at, 1793491200 + 4 * 3600);
  EXPECT_EQ(program.schedule.ends_at, 1796083200 + 5 * 3600);
  EXPECT_EQ(program.eligibility.countries, (std::vector<std::string>{"US", "CA"}));
  const Tier& credit = program.bars.at(0).tiers.at(2);
  EXPECT_EQ(credit.reward.type, RewardType::kOrderDiscount);
  EXPECT_EQ(credit.reward.amount, 2500);
  EXPECT_EQ(credit.reward.amounts_by_currency.at("CAD"), 3500);
}

// ---------------------------------------------------------------------------------------
// Required fields and the format version

TEST(ProgramParsing, RejectsAMissingFormat) {
  json program = MinimalProgram();
  program.erase("format");
  EXPECT_TRUE(FailsWith(Parse(program), "missing_field", "$.format"));
}

TEST(ProgramParsing, RejectsAMissingId) {
  json program = MinimalProgram();
  program.erase("id");
  EXPECT_TRUE(FailsWith(Parse(program), "missing_field", "$.id"));
}

TEST(ProgramParsing, RejectsAMissingVersion) {
  json program = MinimalProgram();
  program.erase("version");
  EXPECT_TRUE(FailsWith(Parse(program), "missing_field", "$.version"));
}

TEST(ProgramParsing, RejectsAMissingCurrency) {
  json program = MinimalProgram();
  program.erase("currency");
  EXPECT_TRUE(FailsWith(Parse(program), "missing_field", "$.currency"));
}

TEST(ProgramParsing, RejectsMissingBars) {
  json program = MinimalProgram();
  program.erase("bars");
  EXPECT_TRUE(FailsWith(Parse(program), "missing_field", "$.bars"));
}

TEST(ProgramParsing, RejectsATierWithoutThresholdOrReward) {
  json no_threshold = MinimalProgram();
  no_threshold["bars"][0]["tiers"][1].erase("threshold");
  EXPECT_TRUE(FailsWith(Parse(no_threshold), "missing_field", "$.bars[0].tiers[1].threshold"));

  json no_reward = MinimalProgram();
  no_reward["bars"][0]["tiers"][1].erase("reward");
  EXPECT_TRUE(FailsWith(Parse(no_reward), "missing_field", "$.bars[0].tiers[1].reward"));
}

TEST(ProgramParsing, RejectsFormatTwoAsUnsupported) {
  json program = MinimalProgram();
  program["format"] = 2;
  EXPECT_TRUE(FailsWith(Parse(program), "unsupported_format", "$.format"));
}

TEST(ProgramParsing, RejectsAFormatWrittenAsAString) {
  json program = MinimalProgram();
  program["format"] = "1";
  EXPECT_TRUE(FailsWith(Parse(program), "invalid_type", "$.format"));
}

// ---------------------------------------------------------------------------------------
// Ids

TEST(ProgramParsing, RejectsIdsThatBreakThePattern) {
  for (const std::string& id :
       std::vector<std::string>{"Spring", "spring sale", "-spring", "_spring", "", "été",
                                "spring/rewards", std::string(65, 'a')}) {
    json program = MinimalProgram();
    program["id"] = id;
    EXPECT_TRUE(FailsWith(Parse(program), "invalid_value", "$.id")) << "id \"" << id << "\"";
  }
}

TEST(ProgramParsing, AcceptsIdsAtTheEdgesOfThePattern) {
  for (const std::string& id :
       std::vector<std::string>{"0", "a", "spring_sale-2026", std::string(64, 'z')}) {
    json program = MinimalProgram();
    program["id"] = id;
    EXPECT_TRUE(Parse(program).ok()) << "id \"" << id << "\"";
  }
}

TEST(ProgramParsing, RejectsABadTierIdAtItsPath) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][1]["id"] = "Tote Bag";
  EXPECT_TRUE(FailsWith(Parse(program), "invalid_value", "$.bars[0].tiers[1].id"));
}

TEST(ProgramParsing, RejectsADuplicateTierIdAcrossBars) {
  json program = MinimalProgram();
  program["bars"].push_back(BarJson("second", {TierJson("free-shipping", 20000)}));
  EXPECT_TRUE(FailsWith(Parse(program), "duplicate_id", "$.bars[1].tiers[0].id"));
}

TEST(ProgramParsing, RejectsADuplicateTierIdWithinABar) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][1]["id"] = "free-shipping";
  EXPECT_TRUE(FailsWith(Parse(program), "duplicate_id", "$.bars[0].tiers[1].id"));
}

TEST(ProgramParsing, RejectsADuplicateBarId) {
  json program = MinimalProgram();
  program["bars"].push_back(BarJson("rewards", {TierJson("other", 20000)}));
  EXPECT_TRUE(FailsWith(Parse(program), "duplicate_id", "$.bars[1].id"));
}

// ---------------------------------------------------------------------------------------
// Unknown fields

TEST(ProgramParsing, RejectsAnUnknownTopLevelField) {
  json program = MinimalProgram();
  program["colour"] = "green";
  EXPECT_TRUE(FailsWith(Parse(program), "unknown_field", "$.colour"));
}

TEST(ProgramParsing, QuotesAnUnknownFieldWhoseNameIsNotPlainInItsPath) {
  json program = MinimalProgram();
  program["bar colour"] = "green";
  EXPECT_TRUE(FailsWith(Parse(program), "unknown_field", "$[\"bar colour\"]"));
}

TEST(ProgramParsing, RejectsAnUnknownFieldDeepInsideATier) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][1]["reward"]["colour"] = "red";
  EXPECT_TRUE(FailsWith(Parse(program), "unknown_field", "$.bars[0].tiers[1].reward.colour"));
}

TEST(ProgramParsing, RejectsUnknownFieldsAtEveryLevel) {
  struct Case {
    json::json_pointer where;
    std::string path;
  };
  const Case cases[] = {
      {json::json_pointer("/bars/0"), "$.bars[0].colour"},
      {json::json_pointer("/bars/0/tiers/0"), "$.bars[0].tiers[0].colour"},
      {json::json_pointer("/bars/0/tiers/1/reward/gifts/0"),
       "$.bars[0].tiers[1].reward.gifts[0].colour"},
  };
  for (const Case& c : cases) {
    json program = MinimalProgram();
    program[c.where]["colour"] = "red";
    EXPECT_TRUE(FailsWith(Parse(program), "unknown_field", c.path));
  }
  json scope = MinimalProgram();
  scope["bars"][0]["scope"] = {{"include", {{"colours", {"red"}}}}};
  EXPECT_TRUE(FailsWith(Parse(scope), "unknown_field", "$.bars[0].scope.include.colours"));

  json schedule = MinimalProgram();
  schedule["schedule"] = {{"start", "2026-11-01T00:00:00Z"}};
  EXPECT_TRUE(FailsWith(Parse(schedule), "unknown_field", "$.schedule.start"));

  json texts = MinimalProgram();
  texts["bars"][0]["tiers"][0]["texts"] = {{"en", {{"title", "Free shipping"}}}};
  EXPECT_TRUE(FailsWith(Parse(texts), "unknown_field", "$.bars[0].tiers[0].texts.en.title"));
}

TEST(ProgramParsing, RejectsAPercentOnAGiftCardAsAnUnknownField) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][1]["reward"] = {{"type", "gift_card"}, {"percent", 10}};
  EXPECT_TRUE(FailsWith(Parse(program), "unknown_field", "$.bars[0].tiers[1].reward.percent"));
}

// ---------------------------------------------------------------------------------------
// Thresholds and amounts

TEST(ProgramParsing, RejectsAThresholdWrittenAsAString) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][0]["threshold"] = "5000";
  EXPECT_TRUE(FailsWith(Parse(program), "invalid_type", "$.bars[0].tiers[0].threshold"));
}

TEST(ProgramParsing, RejectsAFractionalThreshold) {
  // Thresholds are integers in minor units: 49.99 dollars is 4999, never 49.99.
  for (const char* threshold : {"49.99", "5000.0", "5e3"}) {
    json program = MinimalProgram();
    std::string text = program.dump();
    const std::string from = "\"threshold\":5000";
    text.replace(text.find(from), from.size(), std::string("\"threshold\":") + threshold);
    EXPECT_TRUE(FailsWith(parse_program(text), "invalid_type", "$.bars[0].tiers[0].threshold"))
        << threshold;
  }
}

TEST(ProgramParsing, RejectsANegativeThreshold) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][0]["threshold"] = -5000;
  EXPECT_TRUE(FailsWith(Parse(program), "negative_value", "$.bars[0].tiers[0].threshold"));
}

TEST(ProgramParsing, RejectsAZeroThreshold) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][0]["threshold"] = 0;
  EXPECT_TRUE(FailsWith(Parse(program), "out_of_range", "$.bars[0].tiers[0].threshold"));
}

TEST(ProgramParsing, RejectsAThresholdAboveTheLargestAmount) {
  json over = MinimalProgram();
  over["bars"][0]["tiers"][1]["threshold"] = kMaxAmount + 1;
  EXPECT_TRUE(FailsWith(Parse(over), "out_of_range", "$.bars[0].tiers[1].threshold"));

  json huge = MinimalProgram();
  huge["bars"][0]["tiers"][1]["threshold"] = UINT64_MAX;
  EXPECT_TRUE(FailsWith(Parse(huge), "out_of_range", "$.bars[0].tiers[1].threshold"));

  json at_limit = MinimalProgram();
  at_limit["bars"][0]["tiers"][1]["threshold"] = kMaxAmount;
  EXPECT_TRUE(Parse(at_limit).ok());
}

TEST(ProgramParsing, LimitsQuantityThresholdsToAMillionUnits) {
  json program = MinimalProgram();
  program["bars"][0]["metric"] = "quantity";
  program["bars"][0]["tiers"][1]["threshold"] = 1'000'001;
  EXPECT_TRUE(FailsWith(Parse(program), "out_of_range", "$.bars[0].tiers[1].threshold"));

  program["bars"][0]["tiers"][1]["threshold"] = 1'000'000;
  EXPECT_TRUE(Parse(program).ok());
}

TEST(ProgramParsing, RejectsAnUnknownProgramCurrency) {
  json program = MinimalProgram();
  program["currency"] = "XYZ";
  EXPECT_TRUE(FailsWith(Parse(program), "unknown_currency", "$.currency"));
}

TEST(ProgramParsing, RejectsAnUnknownCurrencyInThresholdsByCurrency) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][1]["thresholds_by_currency"] = {{"EUR", 9000}, {"XYZ", 9000}};
  EXPECT_TRUE(FailsWith(Parse(program), "unknown_currency",
                        "$.bars[0].tiers[1].thresholds_by_currency.XYZ"));
}

TEST(ProgramParsing, RejectsAnUnknownCurrencyInRewardAmountsByCurrency) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][1]["reward"] = {
      {"type", "gift_card"}, {"amount", 500}, {"amounts_by_currency", {{"ABC", 460}}}};
  EXPECT_TRUE(FailsWith(Parse(program), "unknown_currency",
                        "$.bars[0].tiers[1].reward.amounts_by_currency.ABC"));
}

TEST(ProgramParsing, RejectsNonPositiveOrNonIntegerAmountsByCurrency) {
  json zero = MinimalProgram();
  zero["bars"][0]["tiers"][1]["thresholds_by_currency"] = {{"EUR", 0}};
  EXPECT_TRUE(
      FailsWith(Parse(zero), "out_of_range", "$.bars[0].tiers[1].thresholds_by_currency.EUR"));

  json text = MinimalProgram();
  text["bars"][0]["tiers"][1]["thresholds_by_currency"] = {{"EUR", "90.00"}};
  EXPECT_TRUE(
      FailsWith(Parse(text), "invalid_type", "$.bars[0].tiers[1].thresholds_by_currency.EUR"));
}

// ---------------------------------------------------------------------------------------
// Limits on bars and tiers

TEST(ProgramParsing, RejectsAProgramWithoutBars) {
  json program = MinimalProgram();
  program["bars"] = json::array();
  EXPECT_TRUE(FailsWith(Parse(program), "too_many", "$.bars"));
}

TEST(ProgramParsing, AcceptsTenBarsAndRejectsEleven) {
  json program = MinimalProgram();
  program["bars"] = json::array();
  for (int b = 0; b < 10; ++b) {
    const std::string n = std::to_string(b);
    program["bars"].push_back(BarJson("bar-" + n, {TierJson("tier-" + n, 1000)}));
  }
  EXPECT_TRUE(Parse(program).ok());
  program["bars"].push_back(BarJson("bar-10", {TierJson("tier-10", 1000)}));
  EXPECT_TRUE(FailsWith(Parse(program), "too_many", "$.bars"));
}

TEST(ProgramParsing, AcceptsTwentyTiersAndRejectsTwentyOne) {
  json program = MinimalProgram();
  std::vector<json> tiers;
  for (int t = 1; t <= 20; ++t) tiers.push_back(TierJson("tier-" + std::to_string(t), 1000 * t));
  program["bars"][0] = BarJson("rewards", tiers);
  EXPECT_TRUE(Parse(program).ok());
  tiers.push_back(TierJson("tier-21", 21000));
  program["bars"][0] = BarJson("rewards", tiers);
  EXPECT_TRUE(FailsWith(Parse(program), "too_many", "$.bars[0].tiers"));
}

TEST(ProgramParsing, RejectsABarWithoutTiers) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"] = json::array();
  EXPECT_TRUE(FailsWith(Parse(program), "too_many", "$.bars[0].tiers"));
}

// ---------------------------------------------------------------------------------------
// Rewards

TEST(ProgramParsing, RejectsAnUnknownRewardType) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][0]["reward"] = {{"type", "free_hugs"}};
  EXPECT_TRUE(FailsWith(Parse(program), "invalid_value", "$.bars[0].tiers[0].reward.type"));
}

TEST(ProgramParsing, RejectsARewardWithoutType) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][0]["reward"] = json::object();
  EXPECT_TRUE(FailsWith(Parse(program), "missing_field", "$.bars[0].tiers[0].reward.type"));
}

TEST(ProgramParsing, RejectsAPercentAndAnAmountTogether) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][1]["reward"] = {
      {"type", "order_discount"}, {"percent", 10}, {"amount", 500}};
  EXPECT_TRUE(FailsWith(Parse(program), "invalid_value", "$.bars[0].tiers[1].reward.percent"));

  json by_currency = MinimalProgram();
  by_currency["bars"][0]["tiers"][1]["reward"] = {
      {"type", "order_discount"}, {"percent", 10}, {"amounts_by_currency", {{"EUR", 460}}}};
  EXPECT_TRUE(FailsWith(Parse(by_currency), "invalid_value", "$.bars[0].tiers[1].reward.percent"));
}

TEST(ProgramParsing, KeepsPercentsBetweenOneAndOneHundred) {
  for (int percent : {0, 101}) {
    json program = MinimalProgram();
    program["bars"][0]["tiers"][1]["reward"] = {{"type", "order_discount"}, {"percent", percent}};
    EXPECT_TRUE(FailsWith(Parse(program), "out_of_range", "$.bars[0].tiers[1].reward.percent"))
        << percent;
  }
  for (int percent : {1, 100}) {
    json program = MinimalProgram();
    program["bars"][0]["tiers"][1]["reward"] = {{"type", "order_discount"}, {"percent", percent}};
    EXPECT_TRUE(Parse(program).ok()) << percent;
  }
}

TEST(ProgramParsing, RequiresAnAmountOnAFixedDiscountOrGiftCard) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][1]["reward"] = {{"type", "gift_card"}};
  EXPECT_TRUE(FailsWith(Parse(program), "missing_field", "$.bars[0].tiers[1].reward.amount"));
}

TEST(ProgramParsing, RequiresOneToTwentyGifts) {
  json none = MinimalProgram();
  none["bars"][0]["tiers"][1]["reward"]["gifts"] = json::array();
  EXPECT_TRUE(FailsWith(Parse(none), "out_of_range", "$.bars[0].tiers[1].reward.gifts"));

  json many = MinimalProgram();
  json gifts = json::array();
  for (int g = 0; g < 21; ++g) gifts.push_back({{"variant_id", 9000 + g}});
  many["bars"][0]["tiers"][1]["reward"]["gifts"] = gifts;
  EXPECT_TRUE(FailsWith(Parse(many), "out_of_range", "$.bars[0].tiers[1].reward.gifts"));

  json missing = MinimalProgram();
  missing["bars"][0]["tiers"][1]["reward"].erase("gifts");
  EXPECT_TRUE(FailsWith(Parse(missing), "missing_field", "$.bars[0].tiers[1].reward.gifts"));
}

TEST(ProgramParsing, RejectsAGiftWithoutAPositiveVariantId) {
  json zero = MinimalProgram();
  zero["bars"][0]["tiers"][1]["reward"]["gifts"][0]["variant_id"] = 0;
  EXPECT_TRUE(
      FailsWith(Parse(zero), "out_of_range", "$.bars[0].tiers[1].reward.gifts[0].variant_id"));

  json missing = MinimalProgram();
  missing["bars"][0]["tiers"][1]["reward"]["gifts"][0] = {{"title", "Tote"}};
  EXPECT_TRUE(
      FailsWith(Parse(missing), "missing_field", "$.bars[0].tiers[1].reward.gifts[0].variant_id"));
}

TEST(ProgramParsing, KeepsChooseAndQuantityInTheirRanges) {
  json choose = MinimalProgram();
  choose["bars"][0]["tiers"][1]["reward"]["choose"] = 0;
  EXPECT_TRUE(FailsWith(Parse(choose), "out_of_range", "$.bars[0].tiers[1].reward.choose"));

  json quantity = MinimalProgram();
  quantity["bars"][0]["tiers"][1]["reward"]["quantity"] = 101;
  EXPECT_TRUE(FailsWith(Parse(quantity), "out_of_range", "$.bars[0].tiers[1].reward.quantity"));

  json negative = MinimalProgram();
  negative["bars"][0]["tiers"][1]["reward"]["quantity"] = -1;
  EXPECT_TRUE(FailsWith(Parse(negative), "negative_value", "$.bars[0].tiers[1].reward.quantity"));
}

// ---------------------------------------------------------------------------------------
// Enumerations, schedules and countries

TEST(ProgramParsing, RejectsUnknownEnumerationValues) {
  json basis = MinimalProgram();
  basis["basis"] = "after_tax";
  EXPECT_TRUE(FailsWith(Parse(basis), "invalid_value", "$.basis"));

  json rounding = MinimalProgram();
  rounding["rounding"] = "down";
  EXPECT_TRUE(FailsWith(Parse(rounding), "invalid_value", "$.rounding"));

  json metric = MinimalProgram();
  metric["bars"][0]["metric"] = "weight";
  EXPECT_TRUE(FailsWith(Parse(metric), "invalid_value", "$.bars[0].metric"));

  json stacking = MinimalProgram();
  stacking["bars"][0]["stacking"] = "lowest_only";
  EXPECT_TRUE(FailsWith(Parse(stacking), "invalid_value", "$.bars[0].stacking"));
}

TEST(ProgramParsing, RejectsABadProgramScheduleTime) {
  json program = MinimalProgram();
  program["schedule"] = {{"starts_at", "next tuesday"}};
  EXPECT_TRUE(FailsWith(Parse(program), "invalid_time", "$.schedule.starts_at"));
}

TEST(ProgramParsing, RejectsABadTierScheduleTime) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][1]["schedule"] = {{"starts_at", "2026-11-01T00:00:00Z"},
                                                {"ends_at", "2026-11-31T00:00:00Z"}};
  EXPECT_TRUE(FailsWith(Parse(program), "invalid_time", "$.bars[0].tiers[1].schedule.ends_at"));
}

TEST(ProgramParsing, RejectsAScheduleTimeWithoutAZone) {
  json program = MinimalProgram();
  program["schedule"] = {{"ends_at", "2026-12-01T00:00:00"}};
  EXPECT_TRUE(FailsWith(Parse(program), "invalid_time", "$.schedule.ends_at"));
}

TEST(ProgramParsing, RejectsCountryCodesThatAreNotUpperCaseAlpha2) {
  for (const char* country : {"USA", "U", "us", "U1", ""}) {
    json program = MinimalProgram();
    program["eligibility"] = {{"countries", {"CA", country}}};
    EXPECT_TRUE(FailsWith(Parse(program), "invalid_value", "$.eligibility.countries[1]"))
        << "\"" << country << "\"";
  }
}

TEST(ProgramParsing, RejectsABadCountryInAFreeShippingReward) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][0]["reward"]["countries"] = {"US", "Canada"};
  EXPECT_TRUE(FailsWith(Parse(program), "invalid_value", "$.bars[0].tiers[0].reward.countries[1]"));
}

TEST(ProgramParsing, RejectsWrongTypesWithTheirPaths) {
  json tags = MinimalProgram();
  tags["eligibility"] = {{"customer_tags_any", "VIP"}};
  EXPECT_TRUE(FailsWith(Parse(tags), "invalid_type", "$.eligibility.customer_tags_any"));

  json flag = MinimalProgram();
  flag["bars"][0]["scope"] = {{"gift_cards", "yes"}};
  EXPECT_TRUE(FailsWith(Parse(flag), "invalid_type", "$.bars[0].scope.gift_cards"));

  json products = MinimalProgram();
  products["bars"][0]["scope"] = {{"include", {{"products", {1001, "1002"}}}}};
  EXPECT_TRUE(FailsWith(Parse(products), "invalid_type", "$.bars[0].scope.include.products[1]"));

  json bars = MinimalProgram();
  bars["bars"] = {{"id", "rewards"}};
  EXPECT_TRUE(FailsWith(Parse(bars), "invalid_type", "$.bars"));

  json tier = MinimalProgram();
  tier["bars"][0]["tiers"][1] = "tote";
  EXPECT_TRUE(FailsWith(Parse(tier), "invalid_type", "$.bars[0].tiers[1]"));

  json complete = MinimalProgram();
  complete["bars"][0]["complete"] = {{"en", 42}};
  EXPECT_TRUE(FailsWith(Parse(complete), "invalid_type", "$.bars[0].complete.en"));
}

// ---------------------------------------------------------------------------------------
// Hostile and malformed documents

TEST(ProgramParsing, RejectsInvalidJson) {
  EXPECT_TRUE(FailsWith(parse_program(R"({"format": 1, "id": "x",)"), "invalid_json", "$"));
  EXPECT_TRUE(FailsWith(parse_program(""), "invalid_json", "$"));
  EXPECT_TRUE(FailsWith(parse_program("{'format': 1}"), "invalid_json", "$"));
}

TEST(ProgramParsing, RejectsAJsonArrayInsteadOfAnObject) {
  EXPECT_TRUE(FailsWith(parse_program("[" + MinimalProgram().dump() + "]"), "invalid_type", "$"));
  EXPECT_TRUE(FailsWith(parse_program("\"program\""), "invalid_type", "$"));
}

TEST(ProgramParsing, RejectsADocumentOfFiveMegabytes) {
  // A valid program padded with whitespace: the size alone decides.
  std::string text = MinimalProgram().dump();
  text.append(5 * 1024 * 1024, ' ');
  EXPECT_TRUE(FailsWith(parse_program(text), "too_large", "$"));
}

TEST(ProgramParsing, AcceptsADocumentOfExactlyTheSizeLimit) {
  std::string text = MinimalProgram().dump();
  text.append(kMaxDocumentBytes - text.size(), ' ');
  ASSERT_EQ(text.size(), kMaxDocumentBytes);
  EXPECT_TRUE(parse_program(text).ok());
  text += ' ';
  EXPECT_TRUE(FailsWith(parse_program(text), "too_large", "$"));
}

TEST(ProgramParsing, RejectsTenThousandLevelsOfNestingQuickly) {
  const std::string arrays = std::string(10'000, '[') + std::string(10'000, ']');
  std::string objects;
  for (int i = 0; i < 10'000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(10'000, '}');
  std::string unclosed = "{\"format\":" + std::string(10'000, '[');

  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(FailsWith(parse_program(arrays), "too_deep", "$"));
  EXPECT_TRUE(FailsWith(parse_program(objects), "too_deep", "$"));
  EXPECT_TRUE(FailsWith(parse_program(unclosed), "too_deep", "$"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(1));
}

TEST(ProgramParsing, DrawsTheDepthLimitAtSixtyFourLevels) {
  // The program object is level 1; "x" holds 63 more.
  auto nested = [](int levels) {
    json program = MinimalProgram();
    std::string text = program.dump();
    text.insert(1, "\"x\":" + std::string(levels, '[') + std::string(levels, ']') + ",");
    return text;
  };
  EXPECT_TRUE(FailsWith(parse_program(nested(63)), "unknown_field", "$.x"));
  EXPECT_TRUE(FailsWith(parse_program(nested(64)), "too_deep", "$"));
}

TEST(ProgramParsing, DoesNotCountBracketsInsideStringsAsNesting) {
  json program = MinimalProgram();
  program["bars"][0]["tiers"][1]["reward"]["gifts"][0]["title"] =
      std::string(200, '[') + "\\\"" + std::string(200, '{');
  auto parsed = Parse(program);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().bars[0].tiers[1].reward.gifts[0].title.size(), 402u);
}

// The program writer (to_json(Program)): canonical, and what parse_program reads back.
TEST(ProgramWriter, EveryExampleProgramWritesCanonicallyAndReadsBackTheSame) {
  for (const auto& file : testing::ExampleFiles("examples/programs")) {
    auto program = parse_program(testing::ReadSourceFile(file));
    ASSERT_TRUE(program.ok()) << file;
    for (ProgramTexts texts : {ProgramTexts::kWith, ProgramTexts::kWithout}) {
      const std::string once = to_json(program.value(), texts);
      auto again = parse_program(once);
      ASSERT_TRUE(again.ok()) << file << ": " << again.error().message << "\n" << once;
      EXPECT_EQ(to_json(again.value(), texts), once) << file;
    }
  }
}

}  // namespace
}  // namespace tiercart
