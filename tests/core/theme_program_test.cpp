// Specification of theme_program: the theme's config/settings_data.json, as the theme editor
// saves it, turned into the program the storefront and checkout use. Only enabled tiercart
// embeds count; every setting the program cannot use is a notice with a stable code and the
// JSON path of the setting, never an error; the document itself being unusable is an error.
// The same rules as the extension's Liquid (tests/theme/blocks.test.mjs compares the two).

#include "tiercart/theme_program.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tiercart/tiercart.h"

namespace tiercart {
namespace {

using nlohmann::json;

const char* const kHeader =
    "/*\n"
    " * IMPORTANT: The contents of this file are auto-generated.\n"
    " *\n"
    " * This file may be updated by the Shopify admin theme editor\n"
    " * or related systems. Please exercise caution as any changes\n"
    " * made to this file may be overwritten.\n"
    " */\n";

std::string BlockType(const std::string& handle, const std::string& app = "tiercart") {
  return "shopify://apps/" + app + "/blocks/" + handle + "/0a1b2c3d-0000-4000-8000-000000000001";
}

json Embed(const std::string& handle, json settings, bool disabled = false,
           const std::string& app = "tiercart") {
  return {{"type", BlockType(handle, app)}, {"disabled", disabled}, {"settings", settings}};
}

// A settings_data.json as the editor writes it: the comment header, slashes escaped.
std::string SettingsData(const json& blocks) {
  json doc = {{"current", {{"color_scheme", "scheme-1"}, {"blocks", blocks}}}};
  std::string text = doc.dump(2);
  std::string escaped;
  for (char c : text) {
    if (c == '/') escaped += '\\';
    escaped += c;
  }
  return kHeader + escaped;
}

ThemeOptions Options(const std::string& currency = "USD") {
  ThemeOptions options;
  options.currency = currency;
  options.texts.free_shipping = "free shipping";
  options.texts.free_gift = "a free gift";
  options.texts.gift_card = "store credit";
  options.texts.progress = "You're {{remaining}} away from {{reward}}";
  options.texts.unlocked = "You've unlocked {{reward}}!";
  options.catalog["canvas-tote"] = {8001, 9001, "Canvas Tote Bag"};
  options.catalog["lambswool-scarf"] = {8003, 9003, "Lambswool Scarf"};
  options.catalog["sold-out-mug"] = {8005, std::nullopt, "Enamel Mug"};
  return options;
}

ThemeProgram Convert(const std::string& settings_data, const ThemeOptions& options = Options()) {
  auto result = theme_program(settings_data, options);
  EXPECT_TRUE(result.ok()) << (result.ok() ? ""
                                           : result.error().code + ": " + result.error().message);
  return result.ok() ? result.value() : ThemeProgram{};
}

ThemeProgram ConvertDrawer(const json& settings, const ThemeOptions& options = Options()) {
  return Convert(SettingsData({{"17", Embed("tiercart-embed", settings)}}), options);
}

std::vector<int64_t> Thresholds(const ThemeProgram& result, std::size_t bar = 0) {
  std::vector<int64_t> out;
  if (!result.program || result.program->bars.size() <= bar) return out;
  for (const auto& tier : result.program->bars[bar].tiers) out.push_back(tier.threshold);
  return out;
}

std::vector<std::string> Codes(const ThemeProgram& result) {
  std::vector<std::string> out;
  for (const auto& notice : result.notices) out.push_back(notice.code);
  return out;
}

const std::string kSettings = "$.current.blocks.17.settings";

// --- Reading the file -------------------------------------------------------------------

TEST(ThemeSettingsFile, TheEditorsCommentHeaderIsSkipped) {
  const auto result = ConvertDrawer({{"t1_threshold", 50}});
  ASSERT_TRUE(result.program);
  EXPECT_EQ(Thresholds(result), std::vector<int64_t>{5000});
}

TEST(ThemeSettingsFile, EscapedSlashesInBlockTypesAreOrdinaryJson) {
  const std::string text = SettingsData({{"17", Embed("tiercart-embed", {})}});
  ASSERT_NE(text.find("shopify:\\/\\/apps\\/tiercart"), std::string::npos);
  EXPECT_TRUE(Convert(text).program);
}

TEST(ThemeSettingsFile, AFileWithoutHeaderReadsTheSame) {
  json doc = {{"current", {{"blocks", {{"1", Embed("tiercart-embed", {})}}}}}};
  EXPECT_TRUE(Convert(doc.dump()).program);
}

TEST(ThemeSettingsFile, AnUnclosedHeaderIsInvalidJson) {
  auto result = theme_program("/* auto-generated\n{\"current\":{}}", Options());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "invalid_json");
}

TEST(ThemeSettingsFile, TextThatIsNotJsonIsAnError) {
  auto result = theme_program(std::string(kHeader) + "{\"current\": {", Options());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "invalid_json");
  auto array = theme_program("[1, 2]", Options());
  ASSERT_FALSE(array.ok());
  EXPECT_EQ(array.error().code, "invalid_type");
}

TEST(ThemeSettingsFile, CurrentMayNameAPreset) {
  json doc = {{"current", "Dawn"},
              {"presets",
               {{"Dawn", {{"blocks", {{"5", Embed("tiercart-embed", {{"t1_threshold", 30}})}}}}}}}};
  const auto result = Convert(doc.dump());
  EXPECT_EQ(Thresholds(result), std::vector<int64_t>{3000});
  EXPECT_TRUE(result.notices.empty());
}

TEST(ThemeSettingsFile, APresetThatDoesNotExistIsAnError) {
  json doc = {{"current", "Nowhere"}, {"presets", {{"Dawn", json::object()}}}};
  auto result = theme_program(doc.dump(), Options());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "unknown_preset");
  EXPECT_EQ(result.error().path, "$.current");
}

TEST(ThemeSettingsFile, CurrencyIsRequiredAndMustBeKnown) {
  const std::string text = SettingsData({{"17", Embed("tiercart-embed", {})}});
  auto missing = theme_program(text, ThemeOptions{});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "missing_field");
  ThemeOptions unknown = Options("XYZ");
  auto refused = theme_program(text, unknown);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "unknown_currency");
}

// --- Which embeds count -----------------------------------------------------------------

TEST(ThemeEmbeds, OtherAppsBlocksAreIgnoredEvenWithOurHandles) {
  const auto result = Convert(SettingsData({
      {"1", Embed("tiercart-embed", {{"t1_threshold", 10}}, false, "other-app")},
      {"2", Embed("tiercart-embed", {{"t1_threshold", 20}})},
      {"3", Embed("tiercart-bar-2", {{"t1_threshold", 30}}, false, "other-app")},
  }));
  ASSERT_TRUE(result.program);
  ASSERT_EQ(result.program->bars.size(), 1u);
  EXPECT_EQ(Thresholds(result), std::vector<int64_t>{2000});
}

TEST(ThemeEmbeds, TheAppHandleIsAnOption) {
  ThemeOptions options = Options();
  options.app_handle = "tiercart-staging";
  const auto result = Convert(SettingsData({{"1", Embed("tiercart-embed", {{"t1_threshold", 10}},
                                                        false, "tiercart-staging")}}),
                              options);
  EXPECT_EQ(Thresholds(result), std::vector<int64_t>{1000});
}

TEST(ThemeEmbeds, NoEmbedAtAllIsAnErrorNotice) {
  const auto result = Convert(SettingsData(json::object()));
  EXPECT_FALSE(result.program);
  ASSERT_EQ(result.notices.size(), 1u);
  EXPECT_EQ(result.notices[0].severity, "error");
  EXPECT_EQ(result.notices[0].code, "no_embed");
  EXPECT_EQ(result.notices[0].path, "$.current.blocks");
}

TEST(ThemeEmbeds, ADisabledDrawerEmbedCountsAsNone) {
  const auto result = Convert(SettingsData({{"1", Embed("tiercart-embed", {}, true)}}));
  EXPECT_FALSE(result.program);
  EXPECT_EQ(Codes(result), std::vector<std::string>{"no_embed"});
}

TEST(ThemeEmbeds, BarEmbedsWithoutTheDrawerGiveNothing) {
  const auto result =
      Convert(SettingsData({{"2", Embed("tiercart-bar-2", {{"t1_threshold", 5}})}}));
  EXPECT_FALSE(result.program);
  EXPECT_EQ(Codes(result), std::vector<std::string>{"no_embed"});
}

TEST(ThemeEmbeds, BarsTwoAndThreeFollowBarOneAndADisabledOneIsLeftOut) {
  const auto result = Convert(SettingsData({
      {"3", Embed("tiercart-bar-3", {{"t1_threshold", 200}})},
      {"2", Embed("tiercart-bar-2", {{"metric", "quantity"}, {"t1_threshold", 3}})},
      {"1", Embed("tiercart-embed", {})},
  }));
  ASSERT_TRUE(result.program);
  std::vector<std::string> ids;
  for (const auto& bar : result.program->bars) ids.push_back(bar.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"bar-1", "bar-2", "bar-3"}));
  EXPECT_EQ(Thresholds(result, 1), std::vector<int64_t>{3});
  const auto without_bar_3 = Convert(SettingsData({
      {"1", Embed("tiercart-embed", {})},
      {"3", Embed("tiercart-bar-3", {{"t1_threshold", 200}}, true)},
  }));
  EXPECT_EQ(without_bar_3.program->bars.size(), 1u);
}

TEST(ThemeEmbeds, AnEmbedEnabledTwiceUsesTheFirstAndSaysSo) {
  const auto result = Convert(SettingsData({
      {"1", Embed("tiercart-embed", {{"t1_threshold", 10}})},
      {"2", Embed("tiercart-embed", {{"t1_threshold", 20}})},
  }));
  EXPECT_EQ(Thresholds(result), std::vector<int64_t>{1000});
  EXPECT_EQ(Codes(result), std::vector<std::string>{"duplicate_embed"});
}

TEST(ThemeEmbeds, ALeftOutFirstThresholdOfTheDrawerIsTheSchemasFifty) {
  EXPECT_EQ(Thresholds(ConvertDrawer(json::object())), std::vector<int64_t>{5000});
  EXPECT_FALSE(ConvertDrawer({{"t1_threshold", nullptr}}).program);  // cleared by the merchant
  const auto bar_2 = Convert(SettingsData({{"1", Embed("tiercart-embed", {{"t1_threshold", 10}})},
                                           {"2", Embed("tiercart-bar-2", json::object())}}));
  EXPECT_EQ(bar_2.program->bars.size(), 1u);  // bar 2's schema has no default threshold
}

TEST(ThemeEmbeds, NoUsableTierAnywhereGivesNoProgram) {
  const auto result = ConvertDrawer({{"t1_threshold", ""}});
  EXPECT_FALSE(result.program);
  EXPECT_TRUE(result.notices.empty());
}

// --- Amounts ------------------------------------------------------------------------------

TEST(ThemeAmounts, DecimalsBecomeMinorUnitsAndExtraDecimalsAreCut) {
  const auto result = ConvertDrawer({{"t1_threshold", 49.99},
                                     {"t2_threshold", "50.5"},
                                     {"t3_threshold", "60.999"},
                                     {"t4_threshold", 70.30000000000001}});
  EXPECT_EQ(Thresholds(result), (std::vector<int64_t>{4999, 5050, 6099, 7030}));
}

TEST(ThemeAmounts, NumbersWithExponentsAreReadExactly) {
  const std::string text =
      std::string(kHeader) + R"({"current":{"blocks":{"1":{"type":")" +
      BlockType("tiercart-embed") +
      R"(","disabled":false,"settings":{"t1_threshold":1e2,"t2_threshold":2.5E2,"t3_threshold":1e13}}}}})";
  const auto result = Convert(text);
  EXPECT_EQ(Thresholds(result), (std::vector<int64_t>{10000, 25000}));
  EXPECT_EQ(Codes(result), std::vector<std::string>{"bad_threshold"});  // 13 whole digits
}

TEST(ThemeAmounts, JpyHasNoDecimals) {
  const auto result =
      ConvertDrawer({{"t1_threshold", 5000}, {"t2_threshold", "7500.5"}}, Options("JPY"));
  EXPECT_EQ(Thresholds(result), (std::vector<int64_t>{5000, 7500}));
  EXPECT_EQ(result.program->currency, "JPY");
}

TEST(ThemeAmounts, KwdHasThreeDecimals) {
  const auto result = ConvertDrawer({{"t1_threshold", "1.5"},
                                     {"t2_reward", "gift_card"},
                                     {"t2_threshold", 2},
                                     {"t2_amount", 0.25}},
                                    Options("KWD"));
  EXPECT_EQ(Thresholds(result), (std::vector<int64_t>{1500, 2000}));
  EXPECT_EQ(result.program->bars[0].tiers[1].reward.amount, 250);
}

TEST(ThemeAmounts, AnItemCountIsWholeItemsUpToAMillion) {
  const auto result = ConvertDrawer({{"metric", "quantity"},
                                     {"t1_threshold", "5.9"},
                                     {"t2_threshold", 1000000},
                                     {"t3_threshold", 1000001}});
  EXPECT_EQ(Thresholds(result), (std::vector<int64_t>{5, 1000000}));
  EXPECT_EQ(result.program->bars[0].metric, Metric::kQuantity);
  ASSERT_EQ(result.notices.size(), 1u);
  EXPECT_EQ(result.notices[0].code, "bad_threshold");
  EXPECT_EQ(result.notices[0].tier, 3);
}

TEST(ThemeAmounts, AGiftCardAmountUsesTheShopCurrencyEvenOnAnItemBar) {
  const auto result = ConvertDrawer({{"metric", "quantity"},
                                     {"t1_threshold", 3},
                                     {"t1_reward", "gift_card"},
                                     {"t1_amount", 12.5}});
  EXPECT_EQ(result.program->bars[0].tiers[0].reward.amount, 1250);
}

// --- Notices: every tier left out says why -------------------------------------------------

TEST(ThemeNotices, ABadThresholdIsLeftOut) {
  for (const json& bad : {json(0), json(-5), json("abc"), json("12.3.4"), json("007"), json("1e3"),
                          json(true), json(1000000000000000.0 + 1)}) {
    const auto result = ConvertDrawer({{"t1_threshold", bad}, {"t2_threshold", 80}});
    EXPECT_EQ(Thresholds(result), std::vector<int64_t>{8000}) << bad.dump();
    ASSERT_EQ(result.notices.size(), 1u) << bad.dump();
    const auto& notice = result.notices[0];
    EXPECT_EQ(notice.code, "bad_threshold");
    EXPECT_EQ(notice.severity, "warning");
    EXPECT_EQ(notice.path, kSettings + ".t1_threshold");
    EXPECT_EQ(notice.bar, "bar-1");
    EXPECT_EQ(notice.tier, 1);
  }
}

TEST(ThemeNotices, AThresholdNotAboveTheTierBeforeIsLeftOut) {
  const auto result =
      ConvertDrawer({{"t1_threshold", 80}, {"t2_threshold", 60}, {"t3_threshold", 90}});
  EXPECT_EQ(Thresholds(result), (std::vector<int64_t>{8000, 9000}));
  EXPECT_EQ(Codes(result), std::vector<std::string>{"not_ascending"});
  EXPECT_EQ(result.program->bars[0].tiers[1].id, "bar-1-tier-3");
}

TEST(ThemeNotices, AGiftTierWithoutProductsIsLeftOut) {
  const auto result = ConvertDrawer({{"t1_threshold", 50}, {"t1_reward", "free_gift"}});
  EXPECT_FALSE(result.program);
  EXPECT_EQ(Codes(result), std::vector<std::string>{"no_gifts"});
  EXPECT_EQ(result.notices[0].path, kSettings + ".t1_gifts");
}

TEST(ThemeNotices, AGiftCardWithoutAmountIsLeftOut) {
  for (const json& amount : {json(nullptr), json(0), json(-1), json("")}) {
    const auto result = ConvertDrawer({{"t1_reward", "gift_card"}, {"t1_amount", amount}});
    EXPECT_EQ(Codes(result), std::vector<std::string>{"no_amount"}) << amount.dump();
    EXPECT_EQ(result.notices[0].path, kSettings + ".t1_amount");
  }
}

TEST(ThemeNotices, AScopeWithoutCollectionCountsEveryProduct) {
  const auto result = ConvertDrawer({{"scope", "include"}});
  ASSERT_TRUE(result.program);
  EXPECT_TRUE(result.program->bars[0].scope.include.empty());
  EXPECT_EQ(Codes(result), std::vector<std::string>{"no_collection"});
  EXPECT_EQ(result.notices[0].tier, 0);
}

TEST(ThemeNotices, ACollectionHandleScopesTheBar) {
  const auto result = ConvertDrawer({{"scope", "exclude"}, {"collection", "winter"}});
  EXPECT_EQ(result.program->bars[0].scope.exclude.collections, std::vector<std::string>{"winter"});
  EXPECT_TRUE(result.notices.empty());
}

TEST(ThemeNotices, FullPriceLeavesSaleItemsOutOfTheBar) {
  const auto result = ConvertDrawer({{"scope", "full_price"}});
  ASSERT_TRUE(result.program);
  EXPECT_FALSE(result.program->bars[0].scope.sale_items);
  EXPECT_TRUE(result.program->bars[0].scope.include.empty());
  EXPECT_TRUE(result.notices.empty());
  EXPECT_TRUE(ConvertDrawer({{"scope", "all"}}).program->bars[0].scope.sale_items);
}

TEST(ThemeNotices, ProductHandlesMissingFromTheCatalogAreReportedNotGuessed) {
  const auto result =
      ConvertDrawer({{"t1_reward", "free_gift"}, {"t1_gifts", {"canvas-tote", "deleted-product"}}});
  ASSERT_TRUE(result.program);
  const auto& reward = result.program->bars[0].tiers[0].reward;
  ASSERT_EQ(reward.gifts.size(), 1u);
  EXPECT_EQ(reward.gifts[0].variant_id, 9001);
  ASSERT_EQ(result.notices.size(), 1u);
  EXPECT_EQ(result.notices[0].code, "unknown_product");
  EXPECT_EQ(result.notices[0].path, kSettings + ".t1_gifts[1]");
  // The one product the shop has names the tier, as it did in Liquid.
  EXPECT_EQ(result.program->bars[0].tiers[0].texts.at("en").label, "Canvas Tote Bag");
  const auto none = ConvertDrawer({{"t1_reward", "free_gift"}, {"t1_gifts", {"deleted-product"}}});
  EXPECT_EQ(Codes(none), (std::vector<std::string>{"unknown_product", "no_gifts"}));
}

TEST(ThemeNotices, UnknownSelectValuesFallBackToTheDefaultAndSaySo) {
  const auto result = ConvertDrawer({{"metric", "weight"}, {"scope", "some"}, {"basis", "net"}});
  ASSERT_TRUE(result.program);
  EXPECT_EQ(result.program->bars[0].metric, Metric::kSpend);
  EXPECT_EQ(result.program->basis, Basis::kAfterDiscounts);
  EXPECT_EQ(Codes(result), (std::vector<std::string>{"bad_setting", "bad_setting", "bad_setting"}));
}

// --- Rewards and texts ----------------------------------------------------------------------

TEST(ThemeRewards, TheDefaultTierIsFreeShippingWithTheTextsGiven) {
  const auto result = ConvertDrawer({{"t1_threshold", 50}});
  const Program& program = *result.program;
  EXPECT_EQ(program.id, "theme-settings");
  EXPECT_EQ(program.version, 1);
  EXPECT_EQ(program.basis, Basis::kAfterDiscounts);
  EXPECT_EQ(program.default_locale, "en");
  const Tier& tier = program.bars[0].tiers[0];
  EXPECT_EQ(tier.id, "bar-1-tier-1");
  EXPECT_EQ(tier.reward.type, RewardType::kFreeShipping);
  const TierTexts& texts = tier.texts.at("en");
  EXPECT_EQ(texts.label, "free shipping");
  EXPECT_EQ(texts.progress, "You're {{remaining}} away from {{reward}}");
  EXPECT_EQ(texts.unlocked, "You've unlocked {{reward}}!");
}

TEST(ThemeRewards, GiftsChooseOneOfUpToTwentyAvailableProducts) {
  ThemeOptions options = Options();
  json handles = json::array();
  for (int i = 0; i < 25; ++i) {
    const std::string handle = "p" + std::to_string(i);
    options.catalog[handle] = {100 + i, 200 + i, "Product " + std::to_string(i)};
    handles.push_back(handle);
  }
  const auto result = ConvertDrawer({{"t1_reward", "free_gift"}, {"t1_gifts", handles}}, options);
  const Reward& reward = result.program->bars[0].tiers[0].reward;
  EXPECT_EQ(reward.gifts.size(), 20u);
  EXPECT_EQ(reward.choose, 1);
  EXPECT_EQ(reward.quantity, 1);
  EXPECT_EQ(result.program->bars[0].tiers[0].texts.at("en").label, "a free gift");
}

TEST(ThemeRewards, ASoldOutProductIsNoGift) {
  const auto result = ConvertDrawer(
      {{"t1_reward", "free_gift"}, {"t1_gifts", {"sold-out-mug", "lambswool-scarf"}}});
  const Reward& reward = result.program->bars[0].tiers[0].reward;
  ASSERT_EQ(reward.gifts.size(), 1u);
  EXPECT_EQ(reward.gifts[0].product_id, 8003);
  // Two products were picked: the label stays the generic one, as in Liquid.
  EXPECT_EQ(result.program->bars[0].tiers[0].texts.at("en").label, "a free gift");
}

TEST(ThemeRewards, TheMerchantsMessageAndCompleteTextAreUsedAsTypedLessOuterSpace) {
  ThemeOptions options = Options();
  options.locale = "fr";
  const auto result = ConvertDrawer(
      {{"t1_message", "  Encore {{remaining}} \"x\" "}, {"complete", " Fini "}}, options);
  const Bar& bar = result.program->bars[0];
  EXPECT_EQ(bar.tiers[0].texts.at("fr").progress, "Encore {{remaining}} \"x\"");
  EXPECT_EQ(bar.complete_texts.at("fr"), "Fini");
  EXPECT_EQ(result.program->default_locale, "fr");
}

TEST(ThemeRewards, WithoutDefaultTextsOnlyTheMerchantsOwnAreWritten) {
  ThemeOptions options = Options();
  options.texts = ThemeTexts{};
  const auto result =
      ConvertDrawer({{"t1_threshold", 50}, {"t2_threshold", 60}, {"t2_message", "Go"}}, options);
  EXPECT_TRUE(result.program->bars[0].tiers[0].texts.empty());
  EXPECT_EQ(result.program->bars[0].tiers[1].texts.at("en").progress, "Go");
}

TEST(ThemeRewards, BeforeDiscountsComesFromTheDrawerEmbed) {
  const auto result = ConvertDrawer({{"basis", "before_discounts"}});
  EXPECT_EQ(result.program->basis, Basis::kBeforeDiscounts);
}

// --- The two programs ------------------------------------------------------------------------

TEST(ThemeOutputs, BothProgramsReadBackAndPassTheChecks) {
  const auto result = Convert(SettingsData({
      {"1", Embed("tiercart-embed", {{"t1_threshold", 50},
                                     {"t2_threshold", 100},
                                     {"t2_reward", "free_gift"},
                                     {"t2_gifts", {"canvas-tote", "lambswool-scarf"}},
                                     {"t3_threshold", 150},
                                     {"t3_reward", "gift_card"},
                                     {"t3_amount", 20},
                                     {"scope", "exclude"},
                                     {"collection", "sale"},
                                     {"complete", "All yours"}})},
      {"2", Embed("tiercart-bar-2", {{"metric", "quantity"}, {"t1_threshold", 3}})},
  }));
  const std::string text = to_json(result);
  const json doc = json::parse(text);
  ASSERT_TRUE(doc["storefront"].is_object());
  ASSERT_TRUE(doc["checkout"].is_object());
  for (const char* which : {"storefront", "checkout"}) {
    auto program = parse_program(doc[which].dump());
    ASSERT_TRUE(program.ok()) << which << ": " << program.error().message;
    for (const auto& problem : check_program(program.value(), Context{})) {
      EXPECT_NE(problem.severity, "error") << which << ": " << problem.code;
    }
  }
  EXPECT_EQ(doc["storefront"]["bars"][0]["complete"], json({{"en", "All yours"}}));
  EXPECT_EQ(doc["storefront"]["bars"][0]["tiers"][1]["reward"]["gifts"][0]["title"],
            "Canvas Tote Bag");
}

TEST(ThemeOutputs, TheCheckoutProgramHasNoTextsAndStaysTheSameWhenOnlyTextsChange) {
  const json settings = {{"t1_threshold", 50},          {"t1_message", "Almost there"},
                         {"t2_threshold", 100},         {"t2_reward", "free_gift"},
                         {"t2_gifts", {"canvas-tote"}}, {"complete", "Done"}};
  ThemeOptions french = Options();
  french.locale = "fr";
  french.texts.free_shipping = "la livraison gratuite";
  json other = settings;
  other["t1_message"] = "Presque";
  other["complete"] = "Fini";
  const auto a = ConvertDrawer(settings);
  const auto b = ConvertDrawer(other, french);
  const std::string checkout = to_json(*a.program, ProgramTexts::kWithout);
  EXPECT_EQ(checkout, to_json(*b.program, ProgramTexts::kWithout));
  EXPECT_NE(to_json(*a.program), to_json(*b.program));
  for (const char* text : {"texts", "complete", "title", "default_locale", "Almost"}) {
    EXPECT_EQ(checkout.find(text), std::string::npos) << text;
  }
  // The result document embeds exactly those bytes.
  EXPECT_NE(to_json(a).find("\"checkout\":" + checkout + ","), std::string::npos);
}

TEST(ThemeOutputs, NoticesAreWrittenWithBarAndTier) {
  const auto text = to_json(ConvertDrawer({{"t1_threshold", -5}, {"scope", "include"}}));
  const json doc = json::parse(text);
  EXPECT_TRUE(doc["storefront"].is_null());
  EXPECT_TRUE(doc["checkout"].is_null());
  ASSERT_EQ(doc["notices"].size(), 2u);
  EXPECT_EQ(doc["notices"][0], json({{"severity", "warning"},
                                     {"code", "bad_threshold"},
                                     {"message", doc["notices"][0]["message"]},
                                     {"path", kSettings + ".t1_threshold"},
                                     {"bar", "bar-1"},
                                     {"tier", 1}}));
  EXPECT_TRUE(doc["notices"][1]["tier"].is_null());
}

TEST(ThemeOptionsJson, ReadsEveryOptionAndRefusesUnknownOnes) {
  auto options = parse_theme_options(R"({"currency":"EUR","locale":"de","app_handle":"x",
      "program_id":"shop-theme","version":4,
      "catalog":{"tote":{"product_id":1,"variant_id":2,"title":"Tote"},"mug":{"product_id":3,"variant_id":null}},
      "texts":{"labels":{"free_shipping":"kostenlosen Versand"},"progress":"p","unlocked":"u"}})");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options.value().currency, "EUR");
  EXPECT_EQ(options.value().version, 4);
  EXPECT_EQ(options.value().catalog.at("tote").variant_id, 2);
  EXPECT_FALSE(options.value().catalog.at("mug").variant_id);
  EXPECT_EQ(options.value().texts.free_shipping, "kostenlosen Versand");
  auto typo = parse_theme_options(R"({"currency":"EUR","catalogue":{}})");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().code, "unknown_field");
  auto bad_id = theme_program_json(SettingsData(json::object()),
                                   R"({"currency":"EUR","program_id":"Not An Id"})");
  ASSERT_FALSE(bad_id.ok());
  EXPECT_EQ(bad_id.error().code, "invalid_value");
}

// --- Thresholds by country (program-format.md section 11.1) ------------------------------

std::map<std::string, int64_t> Countries(const ThemeProgram& result, std::size_t tier) {
  if (!result.program || result.program->bars.empty() ||
      result.program->bars[0].tiers.size() <= tier) {
    return {};
  }
  return result.program->bars[0].tiers[tier].thresholds_by_country;
}

TEST(ThemeCountries, ShortTextBecomesAmountsInTheShopCurrencysMinorUnits) {
  const auto result = ConvertDrawer(
      {{"t1_threshold", 50}, {"t2_threshold", 100}, {"t2_countries", " ca:150 , AU: 120.5,"}});
  EXPECT_TRUE(result.notices.empty());
  EXPECT_TRUE(Countries(result, 0).empty());
  EXPECT_EQ(Countries(result, 1), (std::map<std::string, int64_t>{{"AU", 12050}, {"CA", 15000}}));
  // Written into both programs: checkout needs the amounts as much as the drawer.
  const json checkout = json::parse(to_json(*result.program, ProgramTexts::kWithout));
  EXPECT_EQ(checkout["bars"][0]["tiers"][1]["thresholds_by_country"],
            json({{"AU", 12050}, {"CA", 15000}}));
}

TEST(ThemeCountries, JpyAmountsHaveNoDecimals) {
  const auto result =
      ConvertDrawer({{"t1_threshold", 5000}, {"t1_countries", "US:8000"}}, Options("JPY"));
  EXPECT_EQ(Countries(result, 0), (std::map<std::string, int64_t>{{"US", 8000}}));
}

TEST(ThemeCountries, AMalformedEntryIsLeftOutAndTheRestKept) {
  const auto result = ConvertDrawer(
      {{"t1_threshold", 50}, {"t1_countries", "CA:75, Canada:80, GB, FR:0, DE:x, 1A:9, JP:60"}});
  EXPECT_EQ(Countries(result, 0), (std::map<std::string, int64_t>{{"CA", 7500}, {"JP", 6000}}));
  EXPECT_EQ(Codes(result), std::vector<std::string>(5, "bad_country_threshold"));
  EXPECT_EQ(result.notices[0].path, kSettings + ".t1_countries");
  EXPECT_EQ(result.notices[0].tier, 1);
  EXPECT_NE(result.notices[0].message.find("\"Canada:80\""), std::string::npos);
}

TEST(ThemeCountries, AtMostFiftyCountriesATier) {
  std::string text;
  for (int i = 0; i < 51; ++i) {
    text += std::string{char('A' + i / 26), char('A' + i % 26)} + ":60,";
  }
  const auto result = ConvertDrawer({{"t1_threshold", 50}, {"t1_countries", text}});
  EXPECT_EQ(Countries(result, 0).size(), 50u);
  EXPECT_EQ(Codes(result), std::vector<std::string>{"bad_country_threshold"});
}

TEST(ThemeCountries, ACountryOutOfOrderIsLeftOutWhereItBreaksTheOrder) {
  // Tier 2 in CA at $60.00 is below tier 1's CA $75.00: tier 2's CA goes. Tier 1 in GB at
  // $120.00 is above tier 2's own $100.00, which has no GB amount: tier 1's GB goes.
  const auto result = ConvertDrawer({{"t1_threshold", 50},
                                     {"t1_countries", "CA:75, GB:120"},
                                     {"t2_threshold", 100},
                                     {"t2_countries", "CA:60, AU:110"}});
  EXPECT_EQ(Countries(result, 0), (std::map<std::string, int64_t>{{"CA", 7500}}));
  EXPECT_EQ(Countries(result, 1), (std::map<std::string, int64_t>{{"AU", 11000}}));
  EXPECT_EQ(Codes(result), (std::vector<std::string>{"not_ascending", "not_ascending"}));
  // What is left passes the program check, which holds every country to the same rule.
  EXPECT_TRUE(check_program(*result.program, Context{}).empty());
}

TEST(ThemeCountries, AnItemCountBarIgnoresThemAndSaysSo) {
  const auto result =
      ConvertDrawer({{"metric", "quantity"}, {"t1_threshold", 3}, {"t1_countries", "CA:5"}});
  EXPECT_TRUE(Countries(result, 0).empty());
  EXPECT_EQ(Codes(result), std::vector<std::string>{"bad_setting"});
  EXPECT_EQ(result.notices[0].path, kSettings + ".t1_countries");
}

}  // namespace
}  // namespace tiercart
