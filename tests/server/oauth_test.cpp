// Installing on a shop: the signed install and callback query (Shopify's documented example,
// then every way one can be wrong), the authorize URL, the token answer, and the client
// against a stand-in for the shop's /admin/oauth/access_token on loopback.
#include "oauth.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "install.h"
#include "responses.h"
#include "signature.h"
#include "store.h"
#include "test_support.h"
#include "token_crypt.h"

namespace tiercart::server {
namespace {

using Json = nlohmann::json;

std::string code_of(const Status& status) { return status ? "ok" : status.error().code; }
std::string code_of(const Result<AccessToken>& result) {
  return result ? "ok" : result.error().code;
}

// Shopify's documentation's own callback example: secret "hush", the hmac as published.
constexpr const char* kDocSecret = "hush";
constexpr int64_t kDocTimestamp = 1337178173;
constexpr const char* kDocQuery =
    "code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com"
    "&state=0.6784241404160823&timestamp=1337178173"
    "&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf";

// The canonical message signed here, for queries the example does not cover.
std::string signed_query(const std::string& message, const std::string& extra = "") {
  return message + extra + "&hmac=" + hex(hmac_sha256(kDocSecret, message));
}

TEST(AdminQuery, ShopifysDocumentedExampleVerifies) {
  EXPECT_EQ(code_of(verify_admin_query(kDocQuery, kDocSecret, kDocTimestamp + 10)), "ok");
  EXPECT_EQ(code_of(verify_admin_query(std::string("?") + kDocQuery, kDocSecret, kDocTimestamp)),
            "ok");
}

TEST(AdminQuery, ParameterOrderDoesNotMatter) {
  const std::string query =
      "hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf"
      "&timestamp=1337178173&state=0.6784241404160823&shop=some-shop.myshopify.com"
      "&code=0907a61c0c8d55e99db179b68161bc00";
  EXPECT_EQ(code_of(verify_admin_query(query, kDocSecret, kDocTimestamp)), "ok");
}

TEST(AdminQuery, EveryTamperedValueFails) {
  const std::string query = kDocQuery;
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"code=0907", "code=1907"},
           {"shop=some-shop", "shop=other-shop"},
           {"state=0.678", "state=0.778"},
           {"timestamp=1337178173", "timestamp=1337178174"},
           {"hmac=700e", "hmac=800e"},
       }) {
    std::string tampered = query;
    tampered.replace(tampered.find(from), from.size(), to);
    EXPECT_EQ(code_of(verify_admin_query(tampered, kDocSecret, kDocTimestamp)), "invalid_hmac")
        << to;
  }
  EXPECT_EQ(code_of(verify_admin_query(query + "&extra=1", kDocSecret, kDocTimestamp)),
            "invalid_hmac");
  EXPECT_EQ(code_of(verify_admin_query(query, "another secret", kDocTimestamp)), "invalid_hmac");
  EXPECT_EQ(code_of(verify_admin_query(query, "", kDocTimestamp)), "invalid_hmac");
  // The hex in upper case is another string: Shopify sends lower case.
  std::string upper = query;
  for (std::size_t i = upper.find("hmac=") + 5; i < upper.size(); ++i) {
    upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[i])));
  }
  EXPECT_EQ(code_of(verify_admin_query(upper, kDocSecret, kDocTimestamp)), "invalid_hmac");
}

TEST(AdminQuery, ValuesAreSignedFormEncoded) {
  // Computed once with Python's urllib.parse.urlencode (the same bytes as URLSearchParams for
  // these characters) and hmac: the host's '=' padding and the state's space, '/', '=' and '&'
  // are signed encoded.
  const std::string hmac = "2dc4df27bce23974d24c5c044255048a17392ecccb45b67dd8cdbe790d7d3ce5";
  const std::string query =
      "code=c0de&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYQ%3D%3D&shop=some-shop.myshopify.com"
      "&state=a+b%2Fc%3Dd%26e&timestamp=1337178173&hmac=" +
      hmac;
  EXPECT_EQ(code_of(verify_admin_query(query, kDocSecret, kDocTimestamp)), "ok");
  // Escaped differently on the wire, the same decoded values: the same signature.
  const std::string respelled =
      "code=%630de&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYQ==&shop=some-shop.myshopify.com"
      "&state=a%20b/c%3Dd%26e&timestamp=1337178173&hmac=" +
      hmac;
  EXPECT_EQ(code_of(verify_admin_query(respelled, kDocSecret, kDocTimestamp)), "ok");
}

TEST(AdminQuery, SignatureIsLeftOutOfTheMessage) {
  EXPECT_EQ(code_of(verify_admin_query(std::string(kDocQuery) + "&signature=abc", kDocSecret,
                                       kDocTimestamp)),
            "ok");
}

TEST(AdminQuery, TimestampMustBeWithin90Seconds) {
  EXPECT_EQ(code_of(verify_admin_query(kDocQuery, kDocSecret, kDocTimestamp + 90)), "ok");
  EXPECT_EQ(code_of(verify_admin_query(kDocQuery, kDocSecret, kDocTimestamp - 90)), "ok");
  const auto stale = verify_admin_query(kDocQuery, kDocSecret, kDocTimestamp + 91);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, "stale_timestamp");
  EXPECT_EQ(stale.error().path, "timestamp");
  EXPECT_EQ(code_of(verify_admin_query(kDocQuery, kDocSecret, kDocTimestamp - 91)),
            "stale_timestamp");  // signed in the future
}

TEST(AdminQuery, TimestampMustBeThere) {
  const std::string query = signed_query("code=c&shop=some-shop.myshopify.com&state=s");
  EXPECT_EQ(code_of(verify_admin_query(query, kDocSecret, kDocTimestamp)), "invalid_timestamp");
  const std::string words =
      signed_query("code=c&shop=some-shop.myshopify.com&state=s&timestamp=soon");
  EXPECT_EQ(code_of(verify_admin_query(words, kDocSecret, kDocTimestamp)), "invalid_timestamp");
}

TEST(AdminQuery, HmacMustBeThere) {
  const auto missing =
      verify_admin_query("code=c&shop=some-shop.myshopify.com&state=s&timestamp=1337178173",
                         kDocSecret, kDocTimestamp);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "missing_hmac");
  EXPECT_EQ(missing.error().path, "hmac");
  EXPECT_EQ(code_of(verify_admin_query("", kDocSecret, kDocTimestamp)), "missing_hmac");
}

TEST(AdminQuery, ShopMustBeAShopsHostname) {
  for (const std::string shop :
       {"evil.example.com", "some-shop.myshopify.com.evil.com", "-shop.myshopify.com",
        ".myshopify.com", "some shop.myshopify.com"}) {
    const std::string message = "code=c&shop=" + shop + "&timestamp=1337178173";
    // Signed as Shopify would (the space form-encoded), so only the shop is wrong.
    std::string encoded = message;
    for (auto& c : encoded) c = c == ' ' ? '+' : c;
    const auto result = verify_admin_query(
        encoded + "&hmac=" + hex(hmac_sha256(kDocSecret, encoded)), kDocSecret, kDocTimestamp);
    ASSERT_FALSE(result) << shop;
    EXPECT_EQ(result.error().code, "invalid_shop") << shop;
    EXPECT_EQ(result.error().path, "shop");
  }
  EXPECT_EQ(code_of(verify_admin_query(signed_query("code=c&timestamp=1337178173"), kDocSecret,
                                       kDocTimestamp)),
            "invalid_shop");
}

TEST(AdminQuery, RepeatedParametersAreRefused) {
  const auto shop_twice = verify_admin_query(
      std::string(kDocQuery) + "&shop=other-shop.myshopify.com", kDocSecret, kDocTimestamp);
  ASSERT_FALSE(shop_twice);
  EXPECT_EQ(shop_twice.error().code, "duplicate_parameter");
  EXPECT_EQ(shop_twice.error().path, "shop");
  EXPECT_EQ(
      code_of(verify_admin_query(std::string(kDocQuery) + "&hmac=00", kDocSecret, kDocTimestamp)),
      "duplicate_parameter");
}

TEST(ShopAdminOrigin, FillsTheTemplate) {
  EXPECT_EQ(shop_admin_origin("https://{shop}", "a.myshopify.com"), "https://a.myshopify.com");
  EXPECT_EQ(shop_admin_origin("http://127.0.0.1:9000/store/{shop}/", "a.myshopify.com"),
            "http://127.0.0.1:9000/store/a.myshopify.com");
  EXPECT_EQ(shop_admin_origin("http://{shop}/x/{shop}", "a.myshopify.com"),
            "http://a.myshopify.com/x/a.myshopify.com");
  EXPECT_EQ(shop_admin_origin("http://fixed", "a.myshopify.com"), "http://fixed");
}

TEST(AuthorizeUrl, AsksForAnOfflineTokenWithEncodedValues) {
  EXPECT_EQ(authorize_url("https://a.myshopify.com", "key 1", "read_orders,write_orders",
                          "https://app.example/auth/callback?x=1&y=~", "n0nce/+="),
            "https://a.myshopify.com/admin/oauth/authorize?client_id=key+1"
            "&scope=read_orders%2Cwrite_orders"
            "&redirect_uri=https%3A%2F%2Fapp.example%2Fauth%2Fcallback%3Fx%3D1%26y%3D%7E"
            "&state=n0nce%2F%2B%3D&grant_options%5B%5D=");
}

constexpr int64_t kNow = 1700000000000;

TEST(TokenResponse, ANonExpiringTokenHasNoTimes) {
  const auto token =
      parse_token_response(R"({"access_token":"shpat_1","scope":"read_orders"})", kNow);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token.value().access_token, "shpat_1");
  EXPECT_EQ(token.value().scope, "read_orders");
  EXPECT_EQ(token.value().refresh_token, "");
  EXPECT_EQ(token.value().expires_at_ms, 0);
  EXPECT_EQ(token.value().refresh_expires_at_ms, 0);
}

TEST(TokenResponse, AnExpiringTokenCarriesItsRefreshToken) {
  const auto token = parse_token_response(
      R"({"access_token":"shpat_1","scope":"read_orders,write_orders","expires_in":3600,
          "refresh_token":"shprt_2","refresh_token_expires_in":7776000,"extra":{"a":1}})",
      kNow);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token.value().refresh_token, "shprt_2");
  EXPECT_EQ(token.value().expires_at_ms, kNow + 3600 * 1000);
  EXPECT_EQ(token.value().refresh_expires_at_ms, kNow + 7776000LL * 1000);
}

TEST(TokenResponse, RefusesWhatIsNotATokenAnswer) {
  struct Case {
    std::string body;
    std::string path;
  };
  const std::vector<Case> cases = {
      {"", "$"},
      {"not json", "$"},
      {R"(["shpat_1"])", "$"},
      {R"({"scope":"read_orders"})", "$.access_token"},
      {R"({"access_token":"","scope":"a"})", "$.access_token"},
      {R"({"access_token":42,"scope":"a"})", "$.access_token"},
      {"{\"access_token\":\"shpat_1\\r\\nX-Evil: 1\",\"scope\":\"a\"}", "$.access_token"},
      {R"({"access_token":"shpat_1"})", "$.scope"},
      {R"({"access_token":"shpat_1","scope":null})", "$.scope"},
      {R"({"access_token":"shpat_1","scope":"a","expires_in":0})", "$.expires_in"},
      {R"({"access_token":"shpat_1","scope":"a","expires_in":-5})", "$.expires_in"},
      {R"({"access_token":"shpat_1","scope":"a","expires_in":"3600"})", "$.expires_in"},
      {R"({"access_token":"shpat_1","scope":"a","expires_in":3600.5})", "$.expires_in"},
      {R"({"access_token":"shpat_1","scope":"a","expires_in":1e300})", "$.expires_in"},
      {R"({"access_token":"shpat_1","scope":"a","expires_in":99999999999})", "$.expires_in"},
      {R"({"access_token":"shpat_1","scope":"a","refresh_token":7})", "$.refresh_token"},
      {R"({"access_token":"shpat_1","scope":"a","refresh_token":"r","refresh_token_expires_in":-1})",
       "$.refresh_token_expires_in"},
      {R"({"access_token":")" + std::string(5000, 'a') + R"(","scope":"a"})", "$.access_token"},
      {R"({"access_token":"shpat_1","scope":"a","pad":")" + std::string(70000, 'a') + "\"}", "$"},
  };
  for (const Case& c : cases) {
    const auto token = parse_token_response(c.body, kNow);
    ASSERT_FALSE(token) << c.body.substr(0, 80);
    EXPECT_EQ(token.error().code, "invalid_token_response") << c.body.substr(0, 80);
    EXPECT_EQ(token.error().path, c.path) << c.body.substr(0, 80);
    EXPECT_EQ(token.error().message.find("shpat_1"), std::string::npos);
  }
}

constexpr const char* kShop = "some-shop.myshopify.com";
constexpr const char* kApiKey = "test-api-key";
constexpr const char* kAppSecret = "test-app-secret-never-shown";

// A stand-in for the shop's /admin/oauth/access_token: records what it was sent and answers
// what the test sets. A slow answer waits until released, so the suite never waits it out.
class FakeShopify {
 public:
  FakeShopify() {
    server_.Post(R"(/store/([^/]+)/admin/oauth/access_token)",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   std::unique_lock<std::mutex> lock(mutex_);
                   ++requests_;
                   shop_ = req.matches[1];
                   content_type_ = req.get_header_value("Content-Type");
                   body_ = Json::parse(req.body, nullptr, false);
                   if (slow_)
                     released_.wait_for(lock, std::chrono::seconds(5), [this] { return !slow_; });
                   res.status = status_;
                   res.set_content(answer_, "application/json");
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() before the accept loop runs would leave it running: wait for it.
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeShopify() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      slow_ = false;
    }
    released_.notify_all();
    server_.stop();
    thread_.join();
  }

  std::string origin_template() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/store/{shop}";
  }
  void answer(int status, std::string body) {
    std::lock_guard<std::mutex> lock(mutex_);
    status_ = status;
    answer_ = std::move(body);
  }
  void slow() {
    std::lock_guard<std::mutex> lock(mutex_);
    slow_ = true;
  }
  void release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      slow_ = false;
    }
    released_.notify_all();
  }
  int requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  Json body() {
    std::lock_guard<std::mutex> lock(mutex_);
    return body_;
  }
  std::string shop() {
    std::lock_guard<std::mutex> lock(mutex_);
    return shop_;
  }
  std::string content_type() {
    std::lock_guard<std::mutex> lock(mutex_);
    return content_type_;
  }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::condition_variable released_;
  bool slow_ = false;
  int status_ = 200;
  std::string answer_;
  int requests_ = 0;
  Json body_;
  std::string shop_;
  std::string content_type_;
};

constexpr const char* kExpiringAnswer =
    R"({"access_token":"shpat_new","scope":"read_orders","expires_in":3600,)"
    R"("refresh_token":"shprt_new","refresh_token_expires_in":2592000})";

// Neither the secret nor a token may reach an error message (it is logged, or answered).
void expect_nothing_secret(const Result<AccessToken>& result) {
  ASSERT_FALSE(result);
  for (const char* secret : {kAppSecret, "shpat_", "shprt_", "session.token"}) {
    EXPECT_EQ(result.error().message.find(secret), std::string::npos) << result.error().message;
  }
}

TEST(ShopifyOAuthClient, ExchangesACodeForAnExpiringOfflineToken) {
  FakeShopify shopify;
  shopify.answer(200, kExpiringAnswer);
  const ShopifyOAuth oauth(shopify.origin_template(), kApiKey, kAppSecret, 2000);
  const auto token = oauth.exchange_code(kShop, "the-code");
  ASSERT_TRUE(token) << token.error().code << ": " << token.error().message;
  EXPECT_EQ(token.value().access_token, "shpat_new");
  EXPECT_EQ(token.value().refresh_token, "shprt_new");
  EXPECT_GT(token.value().expires_at_ms, 0);
  EXPECT_EQ(shopify.shop(), kShop);
  EXPECT_EQ(shopify.content_type(), "application/json");
  EXPECT_EQ(shopify.body(), Json({{"client_id", kApiKey},
                                  {"client_secret", kAppSecret},
                                  {"code", "the-code"},
                                  {"expiring", "1"}}));
}

TEST(ShopifyOAuthClient, ExchangesASessionTokenAsSection8Writes) {
  FakeShopify shopify;
  shopify.answer(200, kExpiringAnswer);
  const ShopifyOAuth oauth(shopify.origin_template(), kApiKey, kAppSecret, 2000);
  ASSERT_TRUE(oauth.exchange_session_token(kShop, "session.token.jwt"));
  EXPECT_EQ(
      shopify.body(),
      Json({{"client_id", kApiKey},
            {"client_secret", kAppSecret},
            {"grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"},
            {"subject_token", "session.token.jwt"},
            {"subject_token_type", "urn:ietf:params:oauth:token-type:id_token"},
            {"requested_token_type", "urn:shopify:params:oauth:token-type:offline-access-token"},
            {"expiring", "1"}}));
}

TEST(ShopifyOAuthClient, RefreshesWithTheRefreshToken) {
  FakeShopify shopify;
  shopify.answer(200, kExpiringAnswer);
  const ShopifyOAuth oauth(shopify.origin_template(), kApiKey, kAppSecret, 2000);
  const auto token = oauth.refresh(kShop, "shprt_old");
  ASSERT_TRUE(token);
  EXPECT_EQ(token.value().refresh_token, "shprt_new");
  EXPECT_EQ(shopify.body(), Json({{"client_id", kApiKey},
                                  {"client_secret", kAppSecret},
                                  {"grant_type", "refresh_token"},
                                  {"refresh_token", "shprt_old"}}));
}

TEST(ShopifyOAuthClient, PassesOnTheCodeOfA400) {
  FakeShopify shopify;
  const ShopifyOAuth oauth(shopify.origin_template(), kApiKey, kAppSecret, 2000);
  shopify.answer(400, R"({"error":"invalid_subject_token"})");
  const auto refused = oauth.exchange_session_token(kShop, "session.token.jwt");
  EXPECT_EQ(code_of(refused), "invalid_subject_token");
  expect_nothing_secret(refused);
  shopify.answer(400, R"({"error":"invalid_request","error_description":"code was used"})");
  EXPECT_EQ(code_of(oauth.exchange_code(kShop, "used")), "invalid_request");
  // A 400 that names no code (or not as a code) is a refusal all the same.
  for (const char* body : {"<html>Bad Request</html>", R"({"error":"Not A Code!"})",
                           R"({"errors":"x"})", R"({"error":{"code":"x"}})"}) {
    shopify.answer(400, body);
    EXPECT_EQ(code_of(oauth.exchange_code(kShop, "c")), "shopify_refused") << body;
  }
}

TEST(ShopifyOAuthClient, OtherRefusalsAndOutages) {
  FakeShopify shopify;
  const ShopifyOAuth oauth(shopify.origin_template(), kApiKey, kAppSecret, 2000);
  for (const auto& [status, code] : std::vector<std::pair<int, std::string>>{
           {401, "shopify_refused"},
           {403, "shopify_refused"},
           {404, "shopify_refused"},
           {302, "shopify_refused"},
           {429, "shopify_unavailable"},
           {500, "shopify_unavailable"},
           {503, "shopify_unavailable"},
       }) {
    shopify.answer(status, R"({"error":"invalid_client"})");
    const auto result = oauth.refresh(kShop, "shprt_old");
    EXPECT_EQ(code_of(result), code) << status;
    expect_nothing_secret(result);
  }
  shopify.answer(200, "not json");
  EXPECT_EQ(code_of(oauth.refresh(kShop, "shprt_old")), "invalid_token_response");
  shopify.answer(200, std::string(100000, ' '));
  EXPECT_EQ(code_of(oauth.refresh(kShop, "shprt_old")), "invalid_token_response");
}

TEST(ShopifyOAuthClient, GivesUpOnASlowShopAfterItsTimeout) {
  FakeShopify shopify;
  shopify.slow();
  const ShopifyOAuth oauth(shopify.origin_template(), kApiKey, kAppSecret, 200);
  const auto start = std::chrono::steady_clock::now();
  const auto result = oauth.exchange_code(kShop, "c");
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(code_of(result), "shopify_unreachable");
  expect_nothing_secret(result);
  EXPECT_LT(waited, std::chrono::milliseconds(1500));
}

TEST(ShopifyOAuthClient, NoServerIsUnreachable) {
  int port = 0;
  {
    FakeShopify gone;  // a port that was just free and is closed again
    port = gone.port();
  }
  const ShopifyOAuth oauth("http://127.0.0.1:" + std::to_string(port) + "/store/{shop}", kApiKey,
                           kAppSecret, 300);
  const auto result = oauth.exchange_code(kShop, "c");
  EXPECT_EQ(code_of(result), "shopify_unreachable");
  expect_nothing_secret(result);
}

TEST(ShopifyOAuthClient, HttpsIsSpokenAndCheckedWithTls) {
  // A plain HTTP server behind an https origin: the TLS handshake fails, nothing is sent in
  // the clear.
  FakeShopify shopify;
  shopify.answer(200, kExpiringAnswer);
  const ShopifyOAuth oauth("https://127.0.0.1:" + std::to_string(shopify.port()) + "/store/{shop}",
                           kApiKey, kAppSecret, 500);
  EXPECT_EQ(code_of(oauth.exchange_code(kShop, "c")), "shopify_unreachable");
  EXPECT_EQ(shopify.body(), Json());
}

TEST(ShopifyOAuthClient, SendsNothingForAShopThatIsNotAShop) {
  FakeShopify shopify;
  shopify.answer(200, kExpiringAnswer);
  const ShopifyOAuth oauth(shopify.origin_template(), kApiKey, kAppSecret, 2000);
  for (const std::string shop :
       {"evil.example.com", "a.myshopify.com/../../x", "", "a.myshopify.com:1"}) {
    EXPECT_EQ(code_of(oauth.exchange_code(shop, "c")), "invalid_shop") << shop;
  }
  EXPECT_EQ(shopify.requests(), 0);
  EXPECT_EQ(
      code_of(ShopifyOAuth("ftp://{shop}", kApiKey, kAppSecret, 100).exchange_code(kShop, "c")),
      "shopify_unreachable");
  // A port that is no number: httplib's constructor would throw; the client answers instead.
  EXPECT_EQ(code_of(ShopifyOAuth("http://127.0.0.1:99999999999/{shop}", kApiKey, kAppSecret, 100)
                        .exchange_code(kShop, "c")),
            "shopify_unreachable");
}

// --- the install's token refresh (install.h) -------------------------------------------------

// Two server processes on one database, as two Install objects on two connections, and a shop
// whose expiring offline token lapses in two minutes.
class TokenRefresh : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::test_config(dir_.path() + "/tiercart.db");
    config_.api_key = kApiKey;
    config_.app_secret = kAppSecret;
    config_.token_key = std::string(64, 'a');
    config_.shopify_origin = shopify_.origin_template();
    for (auto* store : {&store_a_, &store_b_})
      *store = std::move(open_store(config_.database)).value();
    a_ = std::move(Install::create(config_, *store_a_)).value();
    b_ = std::move(Install::create(config_, *store_b_)).value();
    const auto cipher = TokenCipher::from_hex(config_.token_key).value();
    ShopRecord record;
    record.shop = kShop;
    record.access_token = cipher.seal("shpat_old", kShop);
    record.refresh_token = cipher.seal("shprt_old", kShop);
    record.access_expires_at = now_ms() + 2 * 60 * 1000;
    record.updated_at = now_ms();
    ASSERT_TRUE(store_a_->save_tokens(record));
    shopify_.answer(200, kExpiringAnswer);
  }

  FakeShopify shopify_;
  testing::TempDir dir_;
  Config config_;
  std::unique_ptr<Store> store_a_, store_b_;
  std::unique_ptr<Install> a_, b_;
};

TEST_F(TokenRefresh, ATokenAboutToLapseIsRefreshedOnceHoweverManyProcessesTry) {
  shopify_.slow();  // the first refresh is held in flight while the other process tries
  int refreshed_a = 0, refreshed_b = 0;
  std::thread first([&] { refreshed_a = a_->refresh_due(now_ms()); });
  while (shopify_.requests() == 0) std::this_thread::yield();
  std::thread second([&] { refreshed_b = b_->refresh_due(now_ms()); });
  shopify_.release();
  first.join();
  second.join();
  EXPECT_EQ(shopify_.requests(), 1);
  EXPECT_EQ(refreshed_a + refreshed_b, 1);
  EXPECT_EQ(shopify_.body()["grant_type"], "refresh_token");
  EXPECT_EQ(shopify_.body()["refresh_token"], "shprt_old");
  // Both processes now hand out the new token; the rotated refresh token is sealed too.
  EXPECT_EQ(a_->access_token(kShop).value(), "shpat_new");
  EXPECT_EQ(b_->access_token(kShop).value(), "shpat_new");
  const auto stored = store_b_->find_shop(kShop).value().value();
  EXPECT_EQ(stored.refresh_token.find("shprt_"), std::string::npos);
  EXPECT_GT(stored.access_expires_at, now_ms() + 3500 * 1000);
}

TEST_F(TokenRefresh, ATokenAboutToLapseIsRefreshedBeforeItIsHandedOut) {
  // Within a minute of lapsing: access_token() refreshes first.
  ShopRecord record = store_a_->find_shop(kShop).value().value();
  record.access_expires_at = now_ms() + 30 * 1000;
  ASSERT_TRUE(store_a_->save_tokens(record));
  EXPECT_EQ(a_->access_token(kShop).value(), "shpat_new");
  EXPECT_EQ(shopify_.requests(), 1);
  EXPECT_EQ(a_->access_token(kShop).value(), "shpat_new");  // and not again
  EXPECT_EQ(shopify_.requests(), 1);
}

TEST_F(TokenRefresh, AnUninstalledShopHasNoTokenToRefreshOrHandOut) {
  ASSERT_TRUE(a_->uninstalled(kShop));
  EXPECT_EQ(a_->refresh_due(now_ms()), 0);
  EXPECT_EQ(shopify_.requests(), 0);
  const auto token = b_->access_token(kShop);
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, "not_installed");
}

TEST_F(TokenRefresh, AFailedRefreshKeepsTheOldTokenAndSaysWhy) {
  shopify_.answer(503, "{}");
  EXPECT_EQ(a_->refresh_due(now_ms()), 0);
  const auto stored = store_a_->find_shop(kShop).value().value();
  EXPECT_EQ(stored.last_error, "shopify_unavailable");
  EXPECT_EQ(
      TokenCipher::from_hex(config_.token_key).value().open(stored.access_token, kShop).value(),
      "shpat_old");
}

}  // namespace
}  // namespace tiercart::server
