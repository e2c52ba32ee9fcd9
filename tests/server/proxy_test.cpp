// The app proxy routes (/apps/tiercart/...): Shopify's signature over the query, then the
// core on the shopper's cart.
#include <gtest/gtest.h>

#include <chrono>

#include "signature.h"
#include "test_support.h"

namespace tiercart::server::testing {
namespace {

// What Shopify adds to a proxied request, signed `seconds_ago` before now.
httplib::Params proxy_params(int64_t seconds_ago = 0) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return {{"shop", "northbound-supply.myshopify.com"},
          {"logged_in_customer_id", ""},
          {"path_prefix", "/apps/tiercart"},
          {"timestamp", std::to_string(now - seconds_ago)}};
}

class Proxy : public ::testing::Test {
 protected:
  void SetUp() override { server_.install_examples(); }

  httplib::Result post(const std::string& route, const std::string& cart,
                       const std::string& query) {
    const std::string path = "/apps/tiercart/" + route + "?" + query;
    return http_->Post(path.c_str(), cart, "application/json");
  }

  TestServer server_;
  std::unique_ptr<httplib::Client> http_ = server_.client();
};

TEST_F(Proxy, RequestsWithoutASignatureAre401) {
  auto res = post(
      "evaluate", example("carts/below-tote.json"),
      "shop=northbound-supply.myshopify.com&timestamp=" + proxy_params().find("timestamp")->second);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(parse(res->body)["error"]["code"], "missing_signature");
}

TEST_F(Proxy, RequestsSignedWithAnotherSecretAre401) {
  auto res = post("check", example("carts/with-tote-gift.json"),
                  signed_proxy_query(proxy_params(), "another-secret"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(parse(res->body)["error"]["code"], "invalid_signature");
}

TEST_F(Proxy, AlteredParameterBreaksTheSignature) {
  std::string query = signed_proxy_query(proxy_params());
  query.replace(query.find("northbound"), 10, "southbound");
  auto res = post("evaluate", example("carts/below-tote.json"), query);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
}

TEST_F(Proxy, ARequestSignedLongerAgoThanTheMaximumAgeIs401) {
  // The test server keeps the default maximum age of 300 s.
  auto res = post("evaluate", example("carts/below-tote.json"),
                  signed_proxy_query(proxy_params(/*seconds_ago=*/301)));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(parse(res->body)["error"]["code"], "stale_request");
}

TEST_F(Proxy, ARequestFromTooFarInTheFutureIs401) {
  auto res = post("check", example("carts/with-tote-gift.json"),
                  signed_proxy_query(proxy_params(/*seconds_ago=*/-3600)));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(parse(res->body)["error"]["code"], "stale_request");
}

TEST_F(Proxy, ASignedRequestWithoutATimestampIs401) {
  httplib::Params params = proxy_params();
  params.erase("timestamp");
  auto res = post("evaluate", example("carts/below-tote.json"), signed_proxy_query(params));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(parse(res->body)["error"]["code"], "invalid_parameters");
}

TEST_F(Proxy, ARequestSignedAMinuteAgoIsAccepted) {
  auto res = post("evaluate", example("carts/below-tote.json"),
                  signed_proxy_query(proxy_params(/*seconds_ago=*/60)));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
}

TEST_F(Proxy, EvaluateAnswersEveryActiveProgramForTheCart) {
  auto res = post("evaluate", example("carts/below-tote.json"), signed_proxy_query(proxy_params()));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const Json evaluations = parse(res->body)["evaluations"];
  ASSERT_EQ(evaluations.size(), 1u);
  EXPECT_TRUE(evaluations[0].is_object());
}

TEST_F(Proxy, CheckAcceptsAnEarnedGiftClaim) {
  auto res =
      post("check", example("carts/with-tote-gift.json"), signed_proxy_query(proxy_params()));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(parse(res->body)["earned"], true);
}

TEST_F(Proxy, CheckFlagsAGiftTheCartDoesNotEarn) {
  Json cart = example_json("carts/with-tote-gift.json");
  Json items = Json::array();
  for (const auto& item : cart["items"]) {  // keep the tee and the tote: $32.00 < $100.00
    if (item["variant_id"] != 2002) items.push_back(item);
  }
  cart["items"] = items;
  auto res = post("check", cart.dump(), signed_proxy_query(proxy_params()));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const Json verdict = parse(res->body);
  EXPECT_EQ(verdict["earned"], false);
  EXPECT_EQ(verdict["tags"], Json::array({"tiercart-flagged", "tiercart-below_threshold"}));
}

TEST_F(Proxy, MalformedCartIs400) {
  auto res = post("evaluate", "[1,", signed_proxy_query(proxy_params()));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(parse(res->body)["error"]["code"], "invalid_json");
}

TEST_F(Proxy, CartsOverTheProxyLimitAre413) {
  auto res = post("check", std::string(256 * 1024 + 1, ' '), signed_proxy_query(proxy_params()));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
}

// Shopify joins the signed pairs with nothing between them, so one signed set of parameters
// can be re-split into another with the same signature. Each attack below starts from a
// request Shopify really signed for a signed-out shopper.
class ProxyResplit : public Proxy {
 protected:
  void SetUp() override {
    Proxy::SetUp();
    auto res = post_webhook(*http_, example("orders/orders-create-earned.json"), "wh-resplit");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }

  // The signature Shopify gives `params`, and the raw query an attacker sends with it.
  static std::string forged(const httplib::Params& signed_params, const std::string& sent) {
    const std::string signature = hex(hmac_sha256(kSecret, proxy_message(signed_params)));
    return sent + "&signature=" + signature;
  }

  httplib::Result cancel(const std::string& query) {
    return http_->Post(("/apps/tiercart/orders/6102845530210/cancel?" + query).c_str(), "{}",
                       "application/json");
  }
};

TEST_F(ProxyResplit, AParameterValueCannotBecomeTheSignedInCustomer) {
  // Signed: logged_in_customer_id="" and m="/6109845530" -> "logged_in_customer_id=m=/6109845530".
  httplib::Params shopify = proxy_params();
  shopify.emplace("m", "/6109845530");
  const std::string rest = "&path_prefix=%2Fapps%2Ftiercart&shop=northbound-supply.myshopify.com" +
                           std::string("&timestamp=") + shopify.find("timestamp")->second;
  auto res = cancel(forged(shopify, "logged_in_customer_id=m%3D%2F6109845530" + rest));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401) << res->body;
  EXPECT_EQ(parse(res->body)["error"]["code"], "invalid_parameters");
}

TEST_F(ProxyResplit, ANameHoldingAnEqualsSignIsRefused) {
  // Sent as `logged_in_customer_id%3D6109845530=1` beside an empty logged_in_customer_id, a
  // name with '=' signs like `logged_in_customer_id=6109845530=1`: no reading of it is safe.
  httplib::Params params = proxy_params();
  params.emplace("logged_in_customer_id=6109845530", "1");
  std::string query;
  for (const auto& [key, value] : params) {
    query += (query.empty() ? "" : "&") + httplib::detail::encode_query_param(key) + "=" +
             httplib::detail::encode_query_param(value);
  }
  auto res = cancel(forged(params, query));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401) << res->body;
  EXPECT_EQ(parse(res->body)["error"]["code"], "invalid_parameters");
}

TEST_F(ProxyResplit, ShopifysOwnParametersMustHaveShopifysForm) {
  const std::pair<const char*, const char*> wrong[] = {
      {"logged_in_customer_id", "42abc"}, {"logged_in_customer_id", "-42"},
      {"shop", "evil.example.com"},       {"shop", "northbound-supply.myshopify.com.evil.com"},
      {"path_prefix", "apps=tiercart"},
  };
  for (const auto& [key, value] : wrong) {
    httplib::Params params = proxy_params();
    params.erase(key);
    params.emplace(key, value);
    auto res = post("evaluate", example("carts/below-tote.json"), signed_proxy_query(params));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << key << "=" << value;
    EXPECT_EQ(parse(res->body)["error"]["code"], "invalid_parameters") << key << "=" << value;
  }
}

TEST_F(ProxyResplit, ShopifysParametersComeOnce) {
  httplib::Params params = proxy_params();
  params.emplace("logged_in_customer_id", "6109845530");
  auto res = cancel(signed_proxy_query(params));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401) << res->body;
  EXPECT_EQ(parse(res->body)["error"]["code"], "invalid_parameters");
}

TEST_F(Proxy, ARepeatedIdenticalParameterVerifiesAsShopifySignedIt) {
  // Shopify signs "extra=1,1" for ?extra=1&extra=1.
  httplib::Params params = proxy_params();
  params.emplace("extra", "1");
  params.emplace("extra", "1");
  auto res = post("evaluate", example("carts/below-tote.json"), signed_proxy_query(params));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
}

TEST_F(Proxy, AShopperValueHoldingEqualsSignsVerifiesAsShopifySignedIt) {
  // ?a=b=c reaches the app with a = "b=c", and Shopify signs "a=b=c".
  httplib::Params params = proxy_params();
  params.emplace("a", "b=c");
  const std::string signature = hex(hmac_sha256(kSecret, proxy_message(params)));
  std::string query = "a=b=c";
  for (const auto& [key, value] : proxy_params(0)) {
    if (key == "timestamp") continue;
    query += "&" + key + "=" + httplib::detail::encode_query_param(value);
  }
  query += "&timestamp=" + params.find("timestamp")->second + "&signature=" + signature;
  auto res = post("evaluate", example("carts/below-tote.json"), query);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
}

}  // namespace
}  // namespace tiercart::server::testing
