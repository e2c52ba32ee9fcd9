// Specification of check_program: what it finds in a program that parses but would
// misbehave. Errors ("overlapping_tiers", "unreachable_tier", "missing_gift",
// "currency_mismatch") refuse the save; warnings ("gift_out_of_stock", "suspicious_amount",
// "missing_text", "lost_reward", ...) are shown to the merchant. Each problem names the
// JSON path of the field to fix.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "source_files.h"
#include "tiercart/tiercart.h"

namespace tiercart {
namespace {

using nlohmann::json;

using testing::ExampleFiles;
using testing::ReadSourceFile;

std::string Describe(const std::vector<Problem>& problems) {
  if (problems.empty()) return "no problems";
  std::string out;
  for (const auto& p : problems) {
    out += "\n  " + p.severity + " " + p.code + " at " + p.path + ": " + p.message;
  }
  return out;
}

// Passes when `problems` holds one with this severity, code and path.
::testing::AssertionResult Finds(const std::vector<Problem>& problems, const std::string& severity,
                                 const std::string& code, const std::string& path) {
  for (const auto& p : problems) {
    if (p.severity == severity && p.code == code && p.path == path) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "no " << severity << " " << code << " at " << path << " among:" << Describe(problems);
}

// Passes when no problem has this code.
::testing::AssertionResult FindsNo(const std::vector<Problem>& problems, const std::string& code) {
  for (const auto& p : problems) {
    if (p.code == code) {
      return ::testing::AssertionFailure() << "unexpected " << code << ":" << Describe(problems);
    }
  }
  return ::testing::AssertionSuccess();
}

bool HasErrors(const std::vector<Problem>& problems) {
  return std::any_of(problems.begin(), problems.end(),
                     [](const Problem& p) { return p.severity == "error"; });
}

// A program with nothing to find: free shipping at $50, a tote at $100, English texts.
json CleanProgram() {
  return json::parse(R"({
    "format": 1,
    "id": "spring-rewards",
    "version": 1,
    "currency": "USD",
    "bars": [
      {
        "id": "rewards",
        "tiers": [
          {"id": "free-shipping", "threshold": 5000, "reward": {"type": "free_shipping"},
           "texts": {"en": {"label": "free shipping"}}},
          {"id": "tote", "threshold": 10000,
           "reward": {"type": "free_gift", "gifts": [{"variant_id": 9001, "product_id": 8001}]},
           "texts": {"en": {"label": "a free tote"}}}
        ]
      }
    ]
  })");
}

// Parses `program` (which must parse) and checks it.
std::vector<Problem> Check(const json& program, const Context& context = Context{}) {
  auto parsed = parse_program(program.dump());
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? ""
                                           : parsed.error().code + " at " + parsed.error().path +
                                                 ": " + parsed.error().message);
  if (!parsed.ok()) return {};
  return check_program(parsed.value(), context);
}

// A catalog that knows the tote (in stock) and nothing else.
Context CatalogWithTote(std::optional<int64_t> available = 120) {
  Context context;
  VariantFacts tote;
  tote.available = available;
  tote.price = 2500;
  tote.product_id = 8001;
  tote.title = "Canvas Tote Bag";
  context.variants[9001] = tote;
  return context;
}

// ---------------------------------------------------------------------------------------
// A clean program

TEST(CheckProgram, FindsNothingInACleanProgram) {
  const auto problems = Check(CleanProgram());
  EXPECT_TRUE(problems.empty()) << Describe(problems);
}

TEST(CheckProgram, FindsNothingInACleanProgramAgainstACatalogThatHasItsGift) {
  const auto problems = Check(CleanProgram(), CatalogWithTote());
  EXPECT_TRUE(problems.empty()) << Describe(problems);
}

// ---------------------------------------------------------------------------------------
// Tier order

TEST(CheckProgram, RefusesTiersWithTheSameThreshold) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][1]["threshold"] = 5000;
  EXPECT_TRUE(Finds(Check(program), "error", "overlapping_tiers", "$.bars[0].tiers[1].threshold"));
}

TEST(CheckProgram, RefusesTiersInDescendingOrder) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][1]["threshold"] = 4000;
  EXPECT_TRUE(Finds(Check(program), "error", "overlapping_tiers", "$.bars[0].tiers[1].threshold"));
}

TEST(CheckProgram, RefusesPerCurrencyAmountsOutOfOrder) {
  // In dollars the tiers rise; the explicit euro amounts do not.
  json program = CleanProgram();
  program["bars"][0]["tiers"][0]["thresholds_by_currency"] = {{"EUR", 9500}};
  program["bars"][0]["tiers"][1]["thresholds_by_currency"] = {{"EUR", 9000}};
  const auto problems = Check(program);
  EXPECT_TRUE(Finds(problems, "error", "overlapping_tiers",
                    "$.bars[0].tiers[1].thresholds_by_currency.EUR"));
  EXPECT_FALSE(Finds(problems, "error", "overlapping_tiers", "$.bars[0].tiers[1].threshold"));
}

TEST(CheckProgram, RefusesEqualPerCurrencyAmounts) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][0]["thresholds_by_currency"] = {{"JPY", 11000}};
  program["bars"][0]["tiers"][1]["thresholds_by_currency"] = {{"JPY", 11000}};
  EXPECT_TRUE(Finds(Check(program), "error", "overlapping_tiers",
                    "$.bars[0].tiers[1].thresholds_by_currency.JPY"));
}

TEST(CheckProgram, AcceptsRisingPerCurrencyAmounts) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][0]["thresholds_by_currency"] = {{"EUR", 4600}, {"JPY", 7500}};
  program["bars"][0]["tiers"][1]["thresholds_by_currency"] = {{"EUR", 9200}, {"JPY", 15000}};
  const auto problems = Check(program);
  EXPECT_TRUE(problems.empty()) << Describe(problems);
}

TEST(CheckProgram, WarnsWhenACurrencyIsGivenForSomeTiersOnly) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][1]["thresholds_by_currency"] = {{"EUR", 9200}};
  EXPECT_TRUE(Finds(Check(program), "warning", "partial_currency_amounts",
                    "$.bars[0].tiers[0].thresholds_by_currency"));
}

// ---------------------------------------------------------------------------------------
// Schedules and countries

TEST(CheckProgram, RefusesATierWhoseScheduleEndsBeforeItStarts) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][1]["schedule"] = {{"starts_at", "2026-12-01T00:00:00Z"},
                                                {"ends_at", "2026-11-01T00:00:00Z"}};
  EXPECT_TRUE(Finds(Check(program), "error", "unreachable_tier", "$.bars[0].tiers[1].schedule"));
}

TEST(CheckProgram, RefusesATierWhoseScheduleIsAnEmptyInstant) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][1]["schedule"] = {{"starts_at", "2026-12-01T00:00:00Z"},
                                                {"ends_at", "2026-12-01T01:00:00+01:00"}};
  EXPECT_TRUE(Finds(Check(program), "error", "unreachable_tier", "$.bars[0].tiers[1].schedule"));
}

TEST(CheckProgram, RefusesATierScheduledOutsideTheProgramsWindow) {
  json program = CleanProgram();
  program["schedule"] = {{"starts_at", "2026-11-01T00:00:00Z"},
                         {"ends_at", "2026-12-01T00:00:00Z"}};
  program["bars"][0]["tiers"][1]["schedule"] = {{"starts_at", "2026-12-26T00:00:00Z"}};
  const auto problems = Check(program);
  EXPECT_TRUE(Finds(problems, "error", "unreachable_tier", "$.bars[0].tiers[1].schedule"));
  EXPECT_FALSE(Finds(problems, "error", "unreachable_tier", "$.bars[0].tiers[0].schedule"))
      << "a tier without a schedule follows the program's";
}

TEST(CheckProgram, AcceptsATierScheduledInsideTheProgramsWindow) {
  json program = CleanProgram();
  program["schedule"] = {{"starts_at", "2026-11-01T00:00:00Z"},
                         {"ends_at", "2026-12-01T00:00:00Z"}};
  program["bars"][0]["tiers"][1]["schedule"] = {{"starts_at", "2026-11-27T00:00:00-05:00"}};
  EXPECT_TRUE(FindsNo(Check(program), "unreachable_tier"));
}

TEST(CheckProgram, RefusesAProgramWhoseScheduleIsNeverOpen) {
  json program = CleanProgram();
  program["schedule"] = {{"starts_at", "2026-12-01T00:00:00Z"},
                         {"ends_at", "2026-11-01T00:00:00Z"}};
  EXPECT_TRUE(Finds(Check(program), "error", "unreachable_tier", "$.schedule"));
}

TEST(CheckProgram, RefusesATierLimitedToCountriesOutsideTheProgramsOwn) {
  json program = CleanProgram();
  program["eligibility"] = {{"countries", {"US", "CA"}}};
  program["bars"][0]["tiers"][1]["eligibility"] = {{"countries", {"FR", "DE"}}};
  EXPECT_TRUE(Finds(Check(program), "error", "unreachable_tier", "$.bars[0].tiers[1].eligibility"));
}

TEST(CheckProgram, RefusesFreeShippingToCountriesTheTierExcludes) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][0]["eligibility"] = {{"countries", {"FR"}}};
  program["bars"][0]["tiers"][0]["reward"]["countries"] = {"US"};
  EXPECT_TRUE(Finds(Check(program), "error", "unreachable_tier", "$.bars[0].tiers[0].eligibility"));
}

TEST(CheckProgram, AcceptsOverlappingCountryLimits) {
  json program = CleanProgram();
  program["eligibility"] = {{"countries", {"US", "CA"}}};
  program["bars"][0]["tiers"][0]["eligibility"] = {{"countries", {"CA", "MX"}}};
  program["bars"][0]["tiers"][0]["reward"]["countries"] = {"CA"};
  EXPECT_TRUE(FindsNo(Check(program), "unreachable_tier"));
}

// ---------------------------------------------------------------------------------------
// Gifts

TEST(CheckProgram, RefusesChoosingMoreGiftsThanAreOffered) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][1]["reward"]["choose"] = 2;
  EXPECT_TRUE(Finds(Check(program), "error", "missing_gift", "$.bars[0].tiers[1].reward.choose"));
}

TEST(CheckProgram, RefusesAGiftVariantAbsentFromTheCatalog) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][1]["reward"]["gifts"].push_back({{"variant_id", 9999}});
  EXPECT_TRUE(Finds(Check(program, CatalogWithTote()), "error", "missing_gift",
                    "$.bars[0].tiers[1].reward.gifts[1].variant_id"));
}

TEST(CheckProgram, AcceptsAGiftVariantPresentInTheCatalog) {
  EXPECT_TRUE(FindsNo(Check(CleanProgram(), CatalogWithTote()), "missing_gift"));
}

TEST(CheckProgram, DoesNotLookForGiftsWithoutACatalog) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][1]["reward"]["gifts"][0]["variant_id"] = 9999;
  EXPECT_TRUE(FindsNo(Check(program, Context{}), "missing_gift"));
}

TEST(CheckProgram, RefusesAGiftNamingTheWrongProduct) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][1]["reward"]["gifts"][0]["product_id"] = 8002;
  EXPECT_TRUE(Finds(Check(program, CatalogWithTote()), "error", "missing_gift",
                    "$.bars[0].tiers[1].reward.gifts[0].product_id"));
}

TEST(CheckProgram, WarnsAboutAGiftOutOfStock) {
  const auto problems = Check(CleanProgram(), CatalogWithTote(0));
  EXPECT_TRUE(
      Finds(problems, "warning", "gift_out_of_stock", "$.bars[0].tiers[1].reward.gifts[0]"));
  EXPECT_FALSE(HasErrors(problems)) << Describe(problems);
}

TEST(CheckProgram, WarnsThatATierWhoseEveryGiftIsOutOfStockCannotBeReached) {
  EXPECT_TRUE(Finds(Check(CleanProgram(), CatalogWithTote(0)), "warning", "unreachable_tier",
                    "$.bars[0].tiers[1].reward.gifts"));
}

TEST(CheckProgram, CountsAGiftAsOutOfStockBelowTheRewardQuantity) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][1]["reward"]["quantity"] = 3;
  EXPECT_TRUE(Finds(Check(program, CatalogWithTote(2)), "warning", "gift_out_of_stock",
                    "$.bars[0].tiers[1].reward.gifts[0]"));
  EXPECT_TRUE(FindsNo(Check(program, CatalogWithTote(3)), "gift_out_of_stock"));
}

TEST(CheckProgram, TreatsUntrackedStockAsAvailable) {
  EXPECT_TRUE(FindsNo(Check(CleanProgram(), CatalogWithTote(std::nullopt)), "gift_out_of_stock"));
}

TEST(CheckProgram, WarnsAboutAGiftListedTwice) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][1]["reward"]["gifts"].push_back({{"variant_id", 9001}});
  EXPECT_TRUE(
      Finds(Check(program), "warning", "duplicate_gift", "$.bars[0].tiers[1].reward.gifts[1]"));
}

// ---------------------------------------------------------------------------------------
// Currencies

TEST(CheckProgram, RefusesTheProgramsOwnCurrencyInThresholdsByCurrency) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][0]["thresholds_by_currency"] = {{"USD", 5000}};
  program["bars"][0]["tiers"][1]["thresholds_by_currency"] = {{"USD", 10000}};
  EXPECT_TRUE(Finds(Check(program), "error", "currency_mismatch",
                    "$.bars[0].tiers[0].thresholds_by_currency.USD"));
}

TEST(CheckProgram, RefusesTheProgramsOwnCurrencyInRewardAmountsByCurrency) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][1]["reward"] = {
      {"type", "gift_card"}, {"amount", 1500}, {"amounts_by_currency", {{"USD", 1500}}}};
  EXPECT_TRUE(Finds(Check(program), "error", "currency_mismatch",
                    "$.bars[0].tiers[1].reward.amounts_by_currency.USD"));
}

Context YenContext() {
  Context context;
  context.presentment_currency = "JPY";
  context.shop_currency = "USD";
  context.rate = parse_rate("150", "$.rate").value();
  return context;
}

TEST(CheckProgram, WarnsAboutAYenAmountOneHundredTimesTheConvertedOne) {
  // $50.00 at 150 yen to the dollar is 7,500 yen; 750,000 is yen written as if it had cents.
  json program = CleanProgram();
  program["bars"][0]["tiers"][0]["thresholds_by_currency"] = {{"JPY", 750000}};
  program["bars"][0]["tiers"][1]["thresholds_by_currency"] = {{"JPY", 1500000}};
  const auto problems = Check(program, YenContext());
  EXPECT_TRUE(Finds(problems, "warning", "suspicious_amount",
                    "$.bars[0].tiers[0].thresholds_by_currency.JPY"));
  EXPECT_TRUE(Finds(problems, "warning", "suspicious_amount",
                    "$.bars[0].tiers[1].thresholds_by_currency.JPY"));
  EXPECT_FALSE(HasErrors(problems)) << Describe(problems);
}

TEST(CheckProgram, WarnsAboutAYenAmountOneHundredthOfTheConvertedOne) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][0]["thresholds_by_currency"] = {{"JPY", 75}};
  program["bars"][0]["tiers"][1]["thresholds_by_currency"] = {{"JPY", 150}};
  EXPECT_TRUE(Finds(Check(program, YenContext()), "warning", "suspicious_amount",
                    "$.bars[0].tiers[0].thresholds_by_currency.JPY"));
}

TEST(CheckProgram, AcceptsAYenAmountCloseToTheConvertedOne) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][0]["thresholds_by_currency"] = {{"JPY", 7000}};
  program["bars"][0]["tiers"][1]["thresholds_by_currency"] = {{"JPY", 16000}};
  const auto problems = Check(program, YenContext());
  EXPECT_TRUE(problems.empty()) << Describe(problems);
}

TEST(CheckProgram, CannotJudgeAmountsWithoutARateForThatCurrency) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][0]["thresholds_by_currency"] = {{"JPY", 750000}};
  program["bars"][0]["tiers"][1]["thresholds_by_currency"] = {{"JPY", 1500000}};
  EXPECT_TRUE(FindsNo(Check(program), "suspicious_amount"));
  Context euro = YenContext();
  euro.presentment_currency = "EUR";
  EXPECT_TRUE(FindsNo(Check(program, euro), "suspicious_amount"));
}

TEST(CheckProgram, WarnsThatAQuantityBarIgnoresAmountsByCurrency) {
  json program = CleanProgram();
  program["bars"][0]["metric"] = "quantity";
  program["bars"][0]["tiers"][0]["threshold"] = 3;
  program["bars"][0]["tiers"][1]["threshold"] = 5;
  program["bars"][0]["tiers"][0]["thresholds_by_currency"] = {{"EUR", 3}};
  program["bars"][0]["tiers"][1]["thresholds_by_currency"] = {{"EUR", 5}};
  EXPECT_TRUE(Finds(Check(program), "warning", "currency_mismatch",
                    "$.bars[0].tiers[0].thresholds_by_currency"));
}

// ---------------------------------------------------------------------------------------
// Texts and stacking

TEST(CheckProgram, WarnsAboutTextsMissingTheDefaultLocale) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][1]["texts"] = {{"fr", {{"label", "un tote offert"}}}};
  const auto problems = Check(program);
  EXPECT_TRUE(Finds(problems, "warning", "missing_text", "$.bars[0].tiers[1].texts"));
  EXPECT_FALSE(HasErrors(problems)) << Describe(problems);
}

TEST(CheckProgram, MeasuresTextsAgainstTheProgramsDefaultLocale) {
  json program = CleanProgram();
  program["default_locale"] = "fr";
  const auto problems = Check(program);
  EXPECT_TRUE(Finds(problems, "warning", "missing_text", "$.bars[0].tiers[0].texts"));
  EXPECT_TRUE(Finds(problems, "warning", "missing_text", "$.bars[0].tiers[1].texts"));
}

TEST(CheckProgram, WarnsThatHighestOnlyLosesFreeShippingAtAHigherTier) {
  json program = CleanProgram();
  program["bars"][0]["stacking"] = "highest_only";
  const auto problems = Check(program);
  EXPECT_TRUE(Finds(problems, "warning", "lost_reward", "$.bars[0].tiers[0].reward"));
  EXPECT_FALSE(HasErrors(problems)) << Describe(problems);
}

TEST(CheckProgram, KeepsFreeShippingAtTheTopOfAHighestOnlyBar) {
  json program = CleanProgram();
  program["bars"][0]["stacking"] = "highest_only";
  std::swap(program["bars"][0]["tiers"][0]["reward"], program["bars"][0]["tiers"][1]["reward"]);
  EXPECT_TRUE(FindsNo(Check(program), "lost_reward"));
}

TEST(CheckProgram, KeepsFreeShippingInACumulativeBar) {
  EXPECT_TRUE(FindsNo(Check(CleanProgram()), "lost_reward"));
}

// ---------------------------------------------------------------------------------------
// The examples

TEST(CheckProgram, FindsNoErrorInAnyExampleAgainstTheCatalog) {
  auto catalog = parse_context(ReadSourceFile("examples/contexts/catalog.json"));
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  const auto files = ExampleFiles("examples/programs");
  ASSERT_FALSE(files.empty());
  for (const auto& file : files) {
    auto program = parse_program(ReadSourceFile(file));
    ASSERT_TRUE(program.ok()) << file << ": " << program.error().message;
    const auto problems = check_program(program.value(), catalog.value());
    EXPECT_FALSE(HasErrors(problems)) << file << ":" << Describe(problems);
  }
}

TEST(CheckProgram, WarnsThatTheGiftChoiceExampleHasAScarfOutOfStock) {
  auto catalog = parse_context(ReadSourceFile("examples/contexts/catalog.json"));
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  auto program = parse_program(ReadSourceFile("examples/programs/gift-choice.json"));
  ASSERT_TRUE(program.ok()) << program.error().message;
  const auto problems = check_program(program.value(), catalog.value());
  EXPECT_TRUE(
      Finds(problems, "warning", "gift_out_of_stock", "$.bars[0].tiers[0].reward.gifts[1]"));
  EXPECT_TRUE(FindsNo(problems, "unreachable_tier")) << "two of the three gifts are in stock";
}

TEST(CheckProgram, ReportsTheSameProblemsThroughTheJsonFacade) {
  json program = CleanProgram();
  program["bars"][0]["tiers"][1]["threshold"] = 5000;
  auto result = check_program_json(program.dump(), "");
  ASSERT_TRUE(result.ok()) << result.error().message;
  const json report = json::parse(result.value());
  EXPECT_EQ(report["ok"], false);
  ASSERT_EQ(report["problems"].size(), 1u);
  EXPECT_EQ(report["problems"][0]["severity"], "error");
  EXPECT_EQ(report["problems"][0]["code"], "overlapping_tiers");
  EXPECT_EQ(report["problems"][0]["path"], "$.bars[0].tiers[1].threshold");

  auto clean = check_program_json(CleanProgram().dump(), "");
  ASSERT_TRUE(clean.ok()) << clean.error().message;
  EXPECT_EQ(clean.value(), R"({"ok":true,"problems":[]})");
}

// Checkout reads the program without its texts from a metafield, at most 10,000 bytes of it.
Program LargeGiftProgram(int bars) {
  Program program;
  program.id = "big";
  program.currency = "USD";
  for (int b = 0; b < bars; ++b) {
    Bar bar;
    bar.id = "bar-" + std::to_string(b);
    for (int t = 0; t < 20; ++t) {
      Tier tier;
      tier.id = bar.id + "-tier-" + std::to_string(t);
      tier.threshold = 1000 * (t + 1);
      for (int g = 0; g < 20; ++g) {
        tier.reward.gifts.push_back({40000000000000 + g, 8000000000000 + g, "Gift"});
      }
      bar.tiers.push_back(std::move(tier));
    }
    program.bars.push_back(std::move(bar));
  }
  return program;
}

TEST(CheckoutSize, AProgramOverTenThousandBytesWithoutTextsIsWarnedAbout) {
  const Program big = LargeGiftProgram(1);
  ASSERT_GT(to_json(big, ProgramTexts::kWithout).size(), kMaxCheckoutProgramBytes);
  const auto problems = check_program(big, Context{});
  const auto found = std::find_if(problems.begin(), problems.end(),
                                  [](const Problem& p) { return p.code == "checkout_too_large"; });
  ASSERT_NE(found, problems.end());
  EXPECT_EQ(found->severity, "warning");
  EXPECT_EQ(found->path, "$");
}

TEST(CheckoutSize, TextsDoNotCountTowardTheLimit) {
  Program program;
  program.id = "texts";
  program.currency = "USD";
  Bar bar;
  bar.id = "b";
  Tier tier;
  tier.id = "t";
  tier.threshold = 100;
  tier.reward.type = RewardType::kFreeShipping;
  tier.texts["en"] = {std::string(20000, 'x'), "", ""};
  bar.tiers.push_back(tier);
  program.bars.push_back(bar);
  for (const auto& problem : check_program(program, Context{})) {
    EXPECT_NE(problem.code, "checkout_too_large");
  }
}

}  // namespace
}  // namespace tiercart
