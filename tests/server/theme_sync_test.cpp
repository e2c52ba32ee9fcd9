// The theme editor's settings become checkout's program (theme_sync.h), against the demo's
// stand-in for Shopify: the sync reads the main theme's settings_data.json, resolves gift
// handles, creates the discount and the validation once, and publishes through the outbox.
#include "theme_sync.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <thread>

#include "admin_api.h"
#include "outbox.h"
#include "responses.h"
#include "store.h"
#include "test_support.h"

namespace tiercart::server::testing {
namespace {

constexpr const char* kShop = "northbound-supply.myshopify.com";
constexpr const char* kToken = "shpat_sync_token";

// settings_data.json as Shopify's theme editor saves it: a comment header, escaped slashes,
// another app's embed beside ours.
std::string settings_data(const Json& drawer_settings, bool enabled = true) {
  Json file = {
      {"current",
       {{"colors_accent_1", "#2f4858"},
        {"blocks",
         {{"4129837561029384756",
           {{"type",
             "shopify://apps/reviews-demo/blocks/star-rating-embed/0f3c8f5e-2b1d-4c49-9f7e-"
             "6a1b2c3d4e5f"},
            {"disabled", false},
            {"settings", {{"star_color", "#f5a623"}}}}},
          {"4417923160958187315",
           {{"type",
             "shopify://apps/tiercart/blocks/tiercart-embed/0193a5c2-7d1e-7c4b-9f00-000000000001"},
            {"disabled", !enabled},
            {"settings", drawer_settings}}}}}}}};
  std::string text = file.dump(2);
  for (std::size_t at = 0; (at = text.find('/', at)) != std::string::npos; at += 2) {
    text.replace(at, 1, "\\/");
  }
  return "/*\n * IMPORTANT: The contents of this file are auto-generated.\n */\n" + text;
}

Json tote_and_shipping(const std::string& message = "") {
  return {
      {"t1_threshold", "50"},     {"t1_reward", "free_shipping"},        {"t2_threshold", "80"},
      {"t2_reward", "free_gift"}, {"t2_gifts", {"leather-card-wallet"}}, {"t2_message", message}};
}

class ThemeSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GT(shopify_.port(), 0) << "node demo/admin-api.mjs did not start";
    shopify_.add_token(kShop, kToken);
    auto store = open_store("sqlite:" + dir_.path() + "/sync.db");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(store).value();
    config_.theme_locales = std::string(TIERCART_SOURCE_DIR) + "/theme-extension/locales";
    AdminApiOptions options;
    options.origin_template = shopify_.origin_template();
    api_ = std::make_unique<AdminApi>(options);
    auto token = [](const std::string&) -> Result<std::string> { return std::string(kToken); };
    outbox_ = std::make_unique<Outbox>(*store_, *api_, token, OutboxOptions{});
    sync_ = std::make_unique<ThemeSync>(config_, *store_, *api_, *outbox_, token);
  }

  void save_theme(const std::string& content) {
    shopify_.control("POST", std::string("shops/") + kShop + "/theme-files",
                     {{"filename", "config/settings_data.json"}, {"content", content}});
  }

  SyncReport sync() {
    auto report = sync_->sync(kShop);
    EXPECT_TRUE(report) << (report ? "" : report.error().message);
    // Everything the sync handed the outbox reaches the stand-in.
    while (outbox_->deliver_due(now_ms() + 3600 * 1000) > 0) {
    }
    return report ? report.value() : SyncReport{};
  }

  Json state() { return shopify_.control("GET", std::string("shops/") + kShop + "/state"); }

  // The value of a metafield the stand-in holds on the owner whose id starts with `owner`.
  Json metafield(const std::string& owner_prefix, const std::string& ns, const std::string& key) {
    const Json held = state();  // items() below must not outlive it
    for (const auto& [owner, list] : held["metafields"].items()) {
      if (owner.rfind(owner_prefix, 0) != 0) continue;
      for (const auto& field : list) {
        if (field["namespace"] == ns && field["key"] == key) return parse(field["value"]);
      }
    }
    return nullptr;
  }

  // The merchant makes the app's own program (free-shipping-and-tote) live in the admin.
  ProgramRecord activate_app_program() {
    ProgramRecord app{kShop, "",      0, example("programs/free-shipping-and-tote.json"),
                      false, now_ms()};
    const Json document = parse(app.document);
    app.id = document["id"];
    app.version = document["version"];
    EXPECT_TRUE(store_->add_program(app));
    auto activated = sync_->activate(kShop, app);
    EXPECT_TRUE(activated && activated.value());
    return app;
  }

  TempDir dir_;
  DemoShopify shopify_;
  Config config_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AdminApi> api_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<ThemeSync> sync_;
};

TEST_F(ThemeSyncTest, TheSavedSettingsBecomeCheckoutsProgramAndTheStorefronts) {
  save_theme(settings_data(tote_and_shipping()));
  const SyncReport report = sync();
  EXPECT_TRUE(report.published);
  EXPECT_EQ(report.program_id, "theme-settings");
  EXPECT_EQ(report.version, 1);
  EXPECT_TRUE(report.error.empty()) << report.error;
  // The discount and the validation the Functions run as, created once.
  const Json shop = state();
  ASSERT_EQ(shop["discounts"].size(), 1u) << shop.dump();
  ASSERT_EQ(shop["validations"].size(), 1u);
  const std::string app_ns = std::string("app--") + kTestApiKey + "--tiercart";
  const Json checkout = metafield("gid://shopify/DiscountAutomaticNode/", app_ns, "program");
  ASSERT_TRUE(checkout.is_object()) << shop["metafields"].dump();
  EXPECT_EQ(checkout["version"], 1);
  EXPECT_FALSE(checkout.dump().find("\"texts\"") != std::string::npos);  // no texts at checkout
  const Json gift = checkout["bars"][0]["tiers"][1]["reward"]["gifts"][0];
  EXPECT_EQ(gift["product_id"], 1006);  // the handle, resolved
  EXPECT_GT(gift["variant_id"].get<int64_t>(), 0);
  EXPECT_EQ(metafield("gid://shopify/Validation/", app_ns, "program"), checkout);
  // The storefront's: the same rewards, with the extension's default texts.
  const Json storefront = metafield("gid://shopify/AppInstallation/", "tiercart", "program");
  ASSERT_TRUE(storefront.is_object());
  EXPECT_EQ(storefront["bars"][0]["tiers"][1]["texts"]["en"]["label"], "Leather Card Wallet");
  // The server judges by the same version.
  auto stored = store_->find_program(kShop, "theme-settings", 1);
  ASSERT_TRUE(stored && stored.value());
  EXPECT_TRUE(stored.value()->active);
}

TEST_F(ThemeSyncTest, AProgramsScheduleMomentsReachCheckoutInTheShopsOwnTime) {
  // The merchant's shop keeps Berlin time; the program's weekend is written in New York's.
  shopify_.control("POST", std::string("shops/") + kShop + "/timezone",
                   {{"iana", "Europe/Berlin"}});
  Json program = parse(example("programs/free-shipping-and-tote.json"));
  program["schedule"] = {{"starts_at", "2026-11-27T00:00:00-05:00"},
                         {"ends_at", "2026-11-30T00:00:00-05:00"}};
  ProgramRecord app{kShop, program["id"], program["version"], program.dump(), false, now_ms()};
  ASSERT_TRUE(store_->add_program(app));
  sync();  // the discount and validation exist, and the shop's time zone is known
  auto activated = sync_->activate(kShop, app);
  ASSERT_TRUE(activated && activated.value());
  while (outbox_->deliver_due(now_ms() + 3600 * 1000) > 0) {
  }
  const std::string app_ns = std::string("app--") + kTestApiKey + "--tiercart";
  for (const char* owner : {"gid://shopify/DiscountAutomaticNode/", "gid://shopify/Validation/"}) {
    const Json variables = metafield(owner, app_ns, "input_variables");
    ASSERT_TRUE(variables.is_object()) << owner;
    EXPECT_EQ(variables["scheduleAt0"], "2026-11-27T06:00:00") << variables.dump();
    EXPECT_EQ(variables["scheduleAt1"], "2026-11-30T06:00:00");
    EXPECT_EQ(variables["scheduleAt7"], "2000-01-01T00:00:00");  // unused, but declared
    EXPECT_TRUE(variables["productTags"].is_array());
  }
}

TEST_F(ThemeSyncTest, WhenTheMerchantMovesTheShopToAnotherTimeZoneTheMomentsFollow) {
  Json program = parse(example("programs/free-shipping-and-tote.json"));
  program["schedule"] = {{"starts_at", "2026-11-27T05:00:00Z"}};
  ProgramRecord app{kShop, program["id"], program["version"], program.dump(), false, now_ms()};
  ASSERT_TRUE(store_->add_program(app));
  sync();
  ASSERT_TRUE(sync_->activate(kShop, app).value());
  auto moment = [&] {
    while (outbox_->deliver_due(now_ms() + 3600 * 1000) > 0) {
    }
    const std::string app_ns = std::string("app--") + kTestApiKey + "--tiercart";
    return metafield("gid://shopify/DiscountAutomaticNode/", app_ns,
                     "input_variables")["scheduleAt0"];
  };
  EXPECT_EQ(moment(), "2026-11-27T00:00:00");  // the demo shop keeps New York time
  // shop/update says Tokyo: published again, nine hours ahead of UTC.
  auto moved = sync_->time_zone_changed(kShop, "Asia/Tokyo");
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_TRUE(moved.value());
  EXPECT_EQ(moment(), "2026-11-27T14:00:00");
  // shop/update comes for any setting: the same zone again publishes nothing.
  EXPECT_FALSE(sync_->time_zone_changed(kShop, "Asia/Tokyo").value());
}

TEST_F(ThemeSyncTest, ALiveProgramPublishedWithoutScheduleVariablesIsPublishedAgain) {
  save_theme(settings_data(tote_and_shipping()));
  sync();
  // As an earlier version of the app left it: the live version published, with variables
  // that lack the schedule moments the Functions' input queries now declare.
  Json published = parse(store_->get_setting(kShop, "published_program").value().value());
  published.erase("format");
  ASSERT_TRUE(store_->put_setting(kShop, "published_program", published.dump()));
  const std::string app_ns = std::string("app--") + kTestApiKey + "--tiercart";
  const auto writes_before = state()["requests"].get<int64_t>();
  sync();
  EXPECT_GT(state()["requests"].get<int64_t>() - writes_before, 2);  // more than the two reads
  const Json variables =
      metafield("gid://shopify/DiscountAutomaticNode/", app_ns, "input_variables");
  EXPECT_EQ(variables["scheduleAt0"], "2000-01-01T00:00:00") << variables.dump();
  EXPECT_EQ(parse(store_->get_setting(kShop, "published_program").value().value())["format"], 2);
}

TEST_F(ThemeSyncTest, NothingChangedPublishesNothingAndCreatesNothingAgain) {
  save_theme(settings_data(tote_and_shipping()));
  sync();
  const auto mutations = state()["requests"].get<int64_t>();
  const SyncReport again = sync();
  EXPECT_FALSE(again.published);
  EXPECT_EQ(again.version, 1);
  // Only the two reads (theme, products): no discount, validation or metafields written.
  EXPECT_EQ(state()["requests"].get<int64_t>() - mutations, 2);
  EXPECT_EQ(state()["discounts"].size(), 1u);
}

TEST_F(ThemeSyncTest, ATextEditedAloneKeepsTheVersionAndANewThresholdMakesTheNext) {
  save_theme(settings_data(tote_and_shipping()));
  sync();
  save_theme(settings_data(tote_and_shipping("Almost there: {{remaining}} to a wallet")));
  const SyncReport texts = sync();
  EXPECT_TRUE(texts.published);
  EXPECT_EQ(texts.version, 1);  // shoppers' gift lines name version 1: they stay valid
  const Json storefront = metafield("gid://shopify/AppInstallation/", "tiercart", "program");
  EXPECT_EQ(storefront["version"], 1);
  EXPECT_EQ(storefront["bars"][0]["tiers"][1]["texts"]["en"]["progress"],
            "Almost there: {{remaining}} to a wallet");

  Json cheaper = tote_and_shipping();
  cheaper["t2_threshold"] = "75";
  save_theme(settings_data(cheaper));
  const SyncReport threshold = sync();
  EXPECT_TRUE(threshold.published);
  EXPECT_EQ(threshold.version, 2);
  const std::string app_ns = std::string("app--") + kTestApiKey + "--tiercart";
  const Json checkout = metafield("gid://shopify/DiscountAutomaticNode/", app_ns, "program");
  EXPECT_EQ(checkout["version"], 2);
  EXPECT_EQ(checkout["bars"][0]["tiers"][1]["threshold"], 7500);
}

TEST_F(ThemeSyncTest, SettingsThatCannotBeUsedLeaveTheLastGoodProgramLiveAndSayWhy) {
  save_theme(settings_data(tote_and_shipping()));
  sync();
  save_theme("/* auto-generated */ {\"current\": ");  // cut short
  SyncReport broken = sync();
  EXPECT_FALSE(broken.published);
  EXPECT_EQ(broken.version, 1);
  EXPECT_EQ(broken.error.rfind("invalid_json", 0), 0u) << broken.error;

  save_theme(settings_data(tote_and_shipping(), /*enabled=*/false));
  SyncReport off = sync();
  EXPECT_EQ(off.version, 1);
  EXPECT_EQ(off.error.rfind("no_embed", 0), 0u) << off.error;

  Json refused = tote_and_shipping();
  refused["t1_threshold"] = "-5";
  refused["t2_threshold"] = "ten";
  save_theme(settings_data(refused));
  SyncReport nothing = sync();
  EXPECT_EQ(nothing.version, 1);
  EXPECT_FALSE(nothing.error.empty());
  EXPECT_NE(nothing.notices.find("bad_threshold"), std::string::npos) << nothing.notices;
  const std::string app_ns = std::string("app--") + kTestApiKey + "--tiercart";
  EXPECT_EQ(metafield("gid://shopify/DiscountAutomaticNode/", app_ns, "program")["version"], 1);
}

TEST_F(ThemeSyncTest, AProgramTheCoreRefusesIsNotPublished) {
  save_theme(settings_data(tote_and_shipping()));
  sync();
  // The shop's catalog (its context) no longer has the wallet: check_program refuses a gift
  // that cannot be given.
  ASSERT_TRUE(store_->put_setting(
      kShop, kContextKey,
      R"({"shop_currency":"USD","variants":{"2001":{"price":8900,"product_id":1001}}})"));
  Json cheaper = tote_and_shipping();
  cheaper["t1_threshold"] = "45";
  save_theme(settings_data(cheaper));
  const SyncReport refused = sync();
  EXPECT_FALSE(refused.published) << refused.error << refused.notices;
  EXPECT_EQ(refused.version, 1);
  EXPECT_EQ(refused.error.rfind("missing_gift", 0), 0u) << refused.error;
}

TEST_F(ThemeSyncTest, AnAppProgramMadeLiveStaysLiveUntilTheThemeSettingsChange) {
  // The merchant made an app program live before the shop's Functions existed.
  const ProgramRecord app = activate_app_program();
  save_theme(settings_data(tote_and_shipping()));
  // The first sync creates the Functions, publishes the app program and takes the theme's
  // settings as they are.
  const SyncReport first = sync();
  EXPECT_EQ(first.program_id, app.id);
  const std::string app_ns = std::string("app--") + kTestApiKey + "--tiercart";
  EXPECT_EQ(metafield("gid://shopify/DiscountAutomaticNode/", app_ns, "program")["id"], app.id);
  // The merchant then changes a threshold in the theme editor: that is live now.
  Json changed = tote_and_shipping();
  changed["t1_threshold"] = "40";
  save_theme(settings_data(changed));
  const SyncReport second = sync();
  EXPECT_EQ(second.program_id, "theme-settings");
  EXPECT_EQ(metafield("gid://shopify/DiscountAutomaticNode/", app_ns, "program")["id"],
            "theme-settings");
}

TEST_F(ThemeSyncTest, AnEmbedFirstSavedAfterAnAppProgramWentLiveTakesOver) {
  const ProgramRecord app = activate_app_program();
  // Installed with the embed not saved yet: the app's program goes live.
  save_theme(settings_data(tote_and_shipping(), /*enabled=*/false));
  EXPECT_EQ(sync().program_id, app.id);
  // The merchant enables the embed with its tiers and saves: that is a change, and live.
  save_theme(settings_data(tote_and_shipping()));
  const SyncReport saved = sync();
  EXPECT_TRUE(saved.published);
  EXPECT_EQ(saved.program_id, "theme-settings");
}

TEST_F(ThemeSyncTest, TheStorefrontsFactsFollowThePublishedProgram) {
  // A bar that counts the winter collection only, with a wallet at $80.
  Json winter = tote_and_shipping();
  winter["scope"] = "include";
  winter["collection"] = "winter";
  save_theme(settings_data(winter));
  ASSERT_TRUE(sync().published);
  const Json facts = metafield("gid://shopify/AppInstallation/", "tiercart", "context");
  ASSERT_TRUE(facts.is_object()) << state()["metafields"].dump();
  EXPECT_EQ(facts["program"], (Json{{"id", "theme-settings"}, {"version", 1}}));
  EXPECT_EQ(facts["shop_currency"], "USD");
  // The gift's product by handle, for Liquid's all_products.
  EXPECT_EQ(facts["gift_products"], Json::array({"leather-card-wallet"}));
  // The collection's products, with what the drawer judges them by.
  const Json& products = facts["products"];
  EXPECT_EQ(products.size(), 6u) << products.dump();
  EXPECT_EQ(products["1001"], (Json{{"collections", {"winter"}},
                                    {"tags", {"merino", "new-arrival"}},
                                    {"product_type", "Sweater"}}));
  EXPECT_EQ(products["1013"]["collections"], Json::array({"winter"}));
  EXPECT_FALSE(products.contains("1004"));  // socks: accessories only

  // The merchant makes an app program live in the admin: the facts are its own.
  const ProgramRecord app = activate_app_program();
  while (outbox_->deliver_due(now_ms() + 3600 * 1000) > 0) {
  }
  const Json now_live = metafield("gid://shopify/AppInstallation/", "tiercart", "context");
  EXPECT_EQ(now_live["program"], (Json{{"id", app.id}, {"version", app.version}}));
  EXPECT_EQ(now_live["gift_products"], Json::array({"canvas-tote-bag"}));
  EXPECT_EQ(now_live["products"], Json::object());  // no bar names a collection
  EXPECT_EQ(store_->outbox_state(kShop).value().failed, 0);
}

// SHA-256 of `text`, in hex.
std::string sha256(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    static const char* digits = "0123456789abcdef";
    hex += digits[digest[i] >> 4];
    hex += digits[digest[i] & 15];
  }
  return hex;
}

TEST_F(ThemeSyncTest, TheFactsCarryTheDigestOfTheSettingsAsReadEvenWhenNothingIsPublished) {
  save_theme(settings_data(tote_and_shipping()));
  sync();
  // The checkout program the settings give, as a page converts them (version 1, sorted keys).
  Json checkout = metafield("gid://shopify/DiscountAutomaticNode/",
                            std::string("app--") + kTestApiKey + "--tiercart", "program");
  ASSERT_TRUE(checkout.is_object());
  checkout["version"] = 1;
  const Json facts = metafield("gid://shopify/AppInstallation/", "tiercart", "context");
  EXPECT_EQ(facts["theme_checkout"], sha256(checkout.dump()));

  // Settings with no usable tier: the program stays, and the facts now say what was read (no
  // program), so pages rendering those settings stop asking for a sync.
  save_theme(settings_data({{"t1_threshold", ""}}));
  const SyncReport refused = sync();
  EXPECT_FALSE(refused.error.empty());
  EXPECT_EQ(refused.version, 1);
  const Json now = metafield("gid://shopify/AppInstallation/", "tiercart", "context");
  EXPECT_EQ(now["theme_checkout"], sha256("null"));
  EXPECT_EQ(now["program"], facts["program"]);
  // Read again unchanged: nothing more is written.
  const auto requests = state()["requests"].get<int64_t>();
  sync();
  EXPECT_EQ(state()["requests"].get<int64_t>(), requests + 1);  // the theme query alone
}

TEST_F(ThemeSyncTest, ARequestWithinTheIntervalIsDeferredToItsEndNeverDropped) {
  config_.theme_sync_interval_ms = 300;
  save_theme(settings_data(tote_and_shipping()));
  auto synced_at = [&] {
    auto text = store_->get_setting(kShop, "theme_sync");
    if (!text || !text.value()) return int64_t{0};
    return Json::parse(*text.value(), nullptr, false).value("synced_at", int64_t{0});
  };
  sync_->start();
  // The interval runs from the first request, not from the end of its sync (which a loaded
  // machine can make late): the second sync cannot start before first_asked + 300.
  const int64_t first_asked = now_ms();
  EXPECT_TRUE(sync_->request(kShop));
  sync_->drain();
  const int64_t first = synced_at();
  ASSERT_GT(first, 0);
  const int64_t asked = now_ms();
  EXPECT_TRUE(sync_->request(kShop));   // within the interval: deferred to its end
  EXPECT_FALSE(sync_->request(kShop));  // many asks make one sync
  int64_t second = 0;
  for (const int64_t deadline = now_ms() + 5000; now_ms() < deadline;) {
    if ((second = synced_at()) != first) break;
    std::this_thread::yield();
  }
  EXPECT_GT(second, first) << "the deferred sync never ran";
  EXPECT_GE(second - asked, 0);
  EXPECT_GE(second - first_asked, 290);  // not before the interval's end (less clock rounding)
}

TEST_F(ThemeSyncTest, ADiscountAndValidationWhoseIdsWereLostAreFoundNotMadeAgain) {
  save_theme(settings_data(tote_and_shipping()));
  sync();
  const Json first = state();
  ASSERT_EQ(first["discounts"].size(), 1u);
  ASSERT_EQ(first["validations"].size(), 1u);
  // As after a crash between Shopify's answers and storing the ids (or answers that never
  // came): the server knows only its installation.
  auto ids = store_->get_setting(kShop, "shopify_ids");
  ASSERT_TRUE(ids && ids.value());
  const Json known = parse(*ids.value());
  ASSERT_TRUE(store_->put_setting(kShop, "shopify_ids",
                                  Json{{"installation", known["installation"]}}.dump()));
  save_theme(settings_data(tote_and_shipping("A new message")));
  sync();
  const Json after = state();
  EXPECT_EQ(after["discounts"].size(), 1u) << after["discounts"].dump();
  EXPECT_EQ(after["validations"].size(), 1u);
  auto adopted = store_->get_setting(kShop, "shopify_ids");
  ASSERT_TRUE(adopted && adopted.value());
  EXPECT_EQ(parse(*adopted.value()), known);
}

TEST_F(ThemeSyncTest, ASyncIsAskedForAtMostOncePerIntervalUnlessForced) {
  EXPECT_TRUE(sync_->request(kShop));
  EXPECT_FALSE(sync_->request(kShop));
  EXPECT_TRUE(sync_->request(kShop, /*force=*/true));
}

}  // namespace
}  // namespace tiercart::server::testing
