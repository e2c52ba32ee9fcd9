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

}  // namespace
}  // namespace tiercart::server
