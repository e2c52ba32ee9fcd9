// The app proxy routes (/apps/tiercart/...): Shopify's signature over the query, then the
// core on the shopper's cart.
#include <gtest/gtest.h>

#include <chrono>

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
  EXPECT_EQ(parse(res->body)["error"]["code"], "stale_request");
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

}  // namespace
}  // namespace tiercart::server::testing
