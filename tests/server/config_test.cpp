// Settings come from flags, then the environment; the app secret is required.
#include "config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>
#include <vector>

namespace tiercart::server {
namespace {

class ConfigFrom : public ::testing::Test {
 protected:
  void SetUp() override { clear(); }
  void TearDown() override { clear(); }
  static void clear() {
    for (const char* name : {"TIERCART_APP_SECRET", "TIERCART_ADMIN_TOKEN", "TIERCART_DATABASE_URL",
                             "TIERCART_PORT", "TIERCART_HOST"}) {
      unsetenv(name);
    }
  }
  Result<Config> parse(std::vector<std::string> words) {
    words.insert(words.begin(), "tiercart-server");
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    bool help = false;
    return parse_config(static_cast<int>(argv.size()), argv.data(), help);
  }
};

TEST_F(ConfigFrom, EnvironmentGivesSecretsDatabaseAndPort) {
  setenv("TIERCART_APP_SECRET", "s", 1);
  setenv("TIERCART_ADMIN_TOKEN", "t", 1);
  setenv("TIERCART_DATABASE_URL", "postgres://db/x", 1);
  setenv("TIERCART_PORT", "9001", 1);
  auto config = parse({});
  ASSERT_TRUE(config);
  EXPECT_EQ(config.value().app_secret, "s");
  EXPECT_EQ(config.value().admin_token, "t");
  EXPECT_EQ(config.value().database, "postgres://db/x");
  EXPECT_EQ(config.value().port, 9001);
  EXPECT_EQ(config.value().host, "127.0.0.1");
}

TEST_F(ConfigFrom, FlagsWinOverTheEnvironment) {
  setenv("TIERCART_APP_SECRET", "from-env", 1);
  setenv("TIERCART_PORT", "9001", 1);
  auto config = parse({"--app-secret", "from-flag", "--port", "0", "--threads", "8"});
  ASSERT_TRUE(config);
  EXPECT_EQ(config.value().app_secret, "from-flag");
  EXPECT_EQ(config.value().port, 0);
  EXPECT_EQ(config.value().threads, 8);
}

TEST_F(ConfigFrom, NoAppSecretIsRefused) {
  auto config = parse({"--port", "8080"});
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, "invalid_config");
}

TEST_F(ConfigFrom, UnknownFlagsAndBadNumbersAreRefused) {
  setenv("TIERCART_APP_SECRET", "s", 1);
  EXPECT_FALSE(parse({"--prot", "8080"}));
  EXPECT_FALSE(parse({"--port", "70000"}));
  EXPECT_FALSE(parse({"--port", "-1"}));
  EXPECT_FALSE(parse({"--threads", "0"}));
  EXPECT_FALSE(parse({"--port"}));
}

TEST_F(ConfigFrom, WritesToShopifyAndTheThemeSyncAreSetByFlags) {
  setenv("TIERCART_APP_SECRET", "s", 1);
  auto defaults = parse({});
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults.value().api_version, "2026-10");
  EXPECT_EQ(defaults.value().theme_poll_ms, 5 * 60 * 1000);
  EXPECT_EQ(defaults.value().theme_sync_interval_ms, 10000);
  EXPECT_EQ(defaults.value().app_handle, "tiercart");
  // Every scope a call of the server needs: orders, order edits, themes, discounts, validations.
  for (const char* scope : {"write_orders", "write_order_edits", "read_products", "read_themes",
                            "write_discounts", "write_validations"}) {
    EXPECT_NE(defaults.value().scopes.find(scope), std::string::npos) << scope;
  }
  auto set = parse({"--api-version", "2027-01", "--outbox-lease-ms", "1500", "--theme-poll-ms",
                    "2000", "--theme-locales", "/srv/locales", "--app-handle", "rewards",
                    "--theme-sync-interval-ms", "500"});
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set.value().api_version, "2027-01");
  EXPECT_EQ(set.value().outbox_lease_ms, 1500);
  EXPECT_EQ(set.value().theme_poll_ms, 2000);
  EXPECT_EQ(set.value().theme_sync_interval_ms, 500);
  EXPECT_EQ(set.value().theme_locales, "/srv/locales");
  EXPECT_EQ(set.value().app_handle, "rewards");
  // A version is YYYY-MM; a lease or poll too short to mean anything is refused.
  EXPECT_FALSE(parse({"--api-version", "latest"}));
  EXPECT_FALSE(parse({"--api-version", "2026-1"}));
  EXPECT_FALSE(parse({"--outbox-lease-ms", "10"}));
  EXPECT_FALSE(parse({"--theme-poll-ms", "0"}));
  EXPECT_FALSE(parse({"--theme-sync-interval-ms", "5"}));
}

}  // namespace
}  // namespace tiercart::server
