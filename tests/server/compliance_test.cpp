// Shopify's mandatory privacy webhooks over real HTTP on 127.0.0.1: signed like every
// webhook, customers/redact forgets who placed an order, shop/redact deletes the shop's data,
// customers/data_request is kept for the merchant with what the server holds of the customer.
// The storage side of each, on SQLite and PostgreSQL, is in storage_test.cpp.
#include <gtest/gtest.h>

#include "test_support.h"

namespace tiercart::server::testing {
namespace {

constexpr const char* kShop = "northbound-supply.myshopify.com";
// orders-create-earned.json: order 6102845530210, placed by customer 6109845530.
constexpr int64_t kOrderId = 6102845530210;
constexpr int64_t kCustomerId = 6109845530;

class Compliance : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.install_examples();
    http_ = server_.client();
    auto stored = post_webhook(*http_, example("orders/orders-create-earned.json"), "wh-order");
    ASSERT_TRUE(stored);
    ASSERT_EQ(stored->status, 200) << stored->body;
  }

  // POSTs a signed compliance webhook to `path` with `topic` (none when empty).
  httplib::Result send(const std::string& path, const std::string& topic, const Json& payload,
                       const std::string& signature = "auto") {
    const std::string body = payload.dump();
    httplib::Headers headers = {{"X-Shopify-Shop-Domain", kShop},
                                {"X-Shopify-Webhook-Id", "wh-" + topic}};
    if (!topic.empty()) headers.emplace("X-Shopify-Topic", topic);
    if (signature == "auto") {
      headers.emplace("X-Shopify-Hmac-Sha256", sign_webhook(body));
    } else if (!signature.empty()) {
      headers.emplace("X-Shopify-Hmac-Sha256", signature);
    }
    return http_->Post(path, headers, body, "application/json");
  }

  Json data_requests() {
    auto res = http_->Get(admin_path("/admin/data-requests"), admin_headers());
    EXPECT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
    return parse(res->body)["data_requests"];
  }

  Json verdicts() {
    auto res = http_->Get(admin_path("/admin/verdicts"), admin_headers());
    EXPECT_TRUE(res);
    return parse(res->body)["verdicts"];
  }

  static Json customer() {
    return {{"id", kCustomerId}, {"email", "jordan.reyes@example.com"}, {"phone", nullptr}};
  }

  TestServer server_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(Compliance, UnsignedOrForgedRequestsAre401AndEraseNothing) {
  const Json redact = {{"shop_id", 1}, {"shop_domain", kShop}};
  auto unsigned_request = send("/webhooks/shop/redact", "shop/redact", redact, "");
  ASSERT_TRUE(unsigned_request);
  EXPECT_EQ(unsigned_request->status, 401);
  auto forged = send("/webhooks/shop/redact", "shop/redact", redact,
                     sign_webhook(redact.dump(), "another-app's-secret"));
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
  EXPECT_EQ(parse(forged->body)["error"]["code"], "invalid_signature");
  EXPECT_EQ(verdicts().size(), 1u);
}

TEST_F(Compliance, ADataRequestListsWhatIsHeldOfTheCustomerOnce) {
  const Json request = {{"shop_id", 1},
                        {"shop_domain", kShop},
                        {"orders_requested", {kOrderId}},
                        {"customer", customer()},
                        {"data_request", {{"id", 9999}}}};
  auto first = send("/webhooks/compliance", "customers/data_request", request);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  EXPECT_EQ(parse(first->body)["duplicate"], false);
  auto retry = send("/webhooks/compliance", "customers/data_request", request);
  ASSERT_TRUE(retry);
  EXPECT_EQ(parse(retry->body)["duplicate"], true);

  const Json listed = data_requests();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["request_id"], 9999);
  EXPECT_EQ(listed[0]["customer_id"], kCustomerId);
  EXPECT_EQ(listed[0]["orders_requested"], Json::array({kOrderId}));
  ASSERT_EQ(listed[0]["verdicts"].size(), 1u);
  EXPECT_EQ(listed[0]["verdicts"][0]["order_id"], kOrderId);
  EXPECT_EQ(listed[0]["verdicts"][0]["earned"], true);
}

TEST_F(Compliance, ACustomerRedactionKeepsTheVerdictButNotWhoPlacedTheOrder) {
  const Json redact = {{"shop_id", 1},
                       {"shop_domain", kShop},
                       {"customer", customer()},
                       {"orders_to_redact", {kOrderId}}};
  auto res = send("/webhooks/customers/redact", "customers/redact", redact);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(parse(res->body)["erased"]["verdicts"], 1);
  EXPECT_EQ(verdicts().size(), 1u);  // the merchant's record of the reward stays

  // A later data request for the same customer finds nothing tied to them any more.
  const Json request = {{"shop_domain", kShop},
                        {"customer", customer()},
                        {"orders_requested", Json::array()},
                        {"data_request", {{"id", 10000}}}};
  ASSERT_EQ(send("/webhooks/compliance", "customers/data_request", request)->status, 200);
  EXPECT_TRUE(data_requests()[0]["verdicts"].empty());
}

TEST_F(Compliance, AShopRedactionDeletesTheShopsVerdicts) {
  auto res = send("/webhooks/shop/redact", "shop/redact", {{"shop_id", 1}, {"shop_domain", kShop}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(parse(res->body)["erased"]["verdicts"], 1);
  EXPECT_TRUE(verdicts().empty());

  auto metrics = http_->Get("/metrics", admin_headers());
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("tiercart_compliance_webhooks_total{topic=\"shop/redact\"} 1"),
            std::string::npos)
      << metrics->body;
}

TEST_F(Compliance, MalformedPayloadsAndTopicsAre400WithTheirPath) {
  auto mismatch = send("/webhooks/shop/redact", "customers/redact", {{"shop_domain", kShop}});
  ASSERT_TRUE(mismatch);
  EXPECT_EQ(mismatch->status, 400);
  EXPECT_EQ(parse(mismatch->body)["error"]["code"], "topic_mismatch");

  auto unknown = send("/webhooks/compliance", "orders/create", {{"shop_domain", kShop}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_EQ(parse(unknown->body)["error"]["code"], "unknown_topic");

  auto bad_order = send("/webhooks/customers/redact", "customers/redact",
                        {{"shop_domain", kShop}, {"orders_to_redact", {kOrderId, "12"}}});
  ASSERT_TRUE(bad_order);
  EXPECT_EQ(bad_order->status, 400);
  EXPECT_EQ(parse(bad_order->body)["error"]["path"], "$.orders_to_redact[1]");

  auto no_request_id = send("/webhooks/customers/data_request", "customers/data_request",
                            {{"shop_domain", kShop}, {"customer", customer()}});
  ASSERT_TRUE(no_request_id);
  EXPECT_EQ(no_request_id->status, 400);
  EXPECT_EQ(parse(no_request_id->body)["error"]["path"], "$.data_request.id");

  // Nothing above erased anything.
  EXPECT_EQ(verdicts().size(), 1u);
}

TEST_F(Compliance, TheShopMustBeAShopHostnameAndIsReadInLowerCase) {
  auto other_site = send("/webhooks/shop/redact", "shop/redact", {{"shop_domain", "evil.example"}});
  ASSERT_TRUE(other_site);
  EXPECT_EQ(other_site->status, 400);
  EXPECT_EQ(parse(other_site->body)["error"]["code"], "invalid_shop_domain");
  EXPECT_EQ(parse(other_site->body)["error"]["path"], "$.shop_domain");
  // Without shop_domain in the body the header names the shop, and must be one too.
  const std::string body = Json{{"shop_id", 1}}.dump();
  auto header = http_->Post("/webhooks/shop/redact",
                            {{"X-Shopify-Shop-Domain", "northbound-supply.myshopify.com/x"},
                             {"X-Shopify-Hmac-Sha256", sign_webhook(body)}},
                            body, "application/json");
  ASSERT_TRUE(header);
  EXPECT_EQ(header->status, 400);
  EXPECT_EQ(parse(header->body)["error"]["path"], "X-Shopify-Shop-Domain");
  EXPECT_EQ(verdicts().size(), 1u);

  // Shopify's hostnames are case-insensitive: the redaction reaches the shop's verdicts.
  auto redacted = send("/webhooks/shop/redact", "shop/redact",
                       {{"shop_domain", "NorthBound-Supply.MYSHOPIFY.com"}});
  ASSERT_TRUE(redacted);
  ASSERT_EQ(redacted->status, 200) << redacted->body;
  EXPECT_EQ(parse(redacted->body)["shop"], kShop);
  EXPECT_EQ(verdicts().size(), 0u);
}

TEST_F(Compliance, BytesAfterThePayloadAre400EvenBehindANulByte) {
  const std::string body =
      Json{{"shop_domain", kShop}}.dump() + std::string(1, '\0') + "{\"shop_domain\":\"x\"}";
  auto res = http_->Post("/webhooks/shop/redact",
                         {{"X-Shopify-Shop-Domain", kShop},
                          {"X-Shopify-Topic", "shop/redact"},
                          {"X-Shopify-Hmac-Sha256", sign_webhook(body)}},
                         body, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400) << res->body;
  EXPECT_EQ(parse(res->body)["error"]["code"], "invalid_json");
  EXPECT_EQ(verdicts().size(), 1u);  // nothing erased
}

TEST_F(Compliance, TheDataRequestListIsBehindTheAdminToken) {
  auto res = http_->Get(admin_path("/admin/data-requests"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
}

}  // namespace
}  // namespace tiercart::server::testing
