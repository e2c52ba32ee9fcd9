// The Admin GraphQL client and the outbox against the demo's stand-in for Shopify
// (demo/admin-api.mjs): cost and throttling, 429 and 5xx, userErrors, timeouts, Shopify down
// for a stretch, and a server killed with SIGKILL while it delivers.
#include "admin_api.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "jwt.h"
#include "outbox.h"
#include "responses.h"
#include "store.h"
#include "test_support.h"

namespace tiercart::server::testing {
namespace {

constexpr const char* kShop = "northbound-supply.myshopify.com";
constexpr const char* kToken = "shpat_test_token";
constexpr const char* kInstallation = "query { currentAppInstallation { id } }";

class AdminApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GT(shopify_.port(), 0) << "node demo/admin-api.mjs did not start";
    shopify_.add_token(kShop, kToken);
  }

  AdminApi client(int timeout_ms = 2000, int budget_ms = 10000) {
    AdminApiOptions options;
    options.origin_template = shopify_.origin_template();
    options.timeout_ms = timeout_ms;
    options.wait_budget_ms = budget_ms;
    return AdminApi(options);
  }

  int64_t requests() {
    return shopify_.control("GET", std::string("shops/") + kShop + "/state")["requests"];
  }

  DemoShopify shopify_;
};

TEST_F(AdminApiTest, AQueryGivesItsDataAndTheBucketItLeft) {
  AdminApi api = client();
  auto data = api.call(kShop, kToken, kInstallation, Json::object(), 1);
  ASSERT_TRUE(data) << data.error().message;
  EXPECT_EQ(data.value()["currentAppInstallation"]["id"].get<std::string>().rfind(
                "gid://shopify/AppInstallation/", 0),
            0u);
  const CostBucket bucket = api.bucket(kShop);
  EXPECT_EQ(bucket.maximum, 1000);
  EXPECT_EQ(bucket.restore_rate, 100);
  EXPECT_LT(bucket.available, 1000);
}

TEST_F(AdminApiTest, ARefusedTokenIsUnauthorizedAtOnce) {
  AdminApi api = client();
  auto data = api.call(kShop, "shpat_not_issued", kInstallation);
  ASSERT_FALSE(data);
  EXPECT_EQ(data.error().code, "shopify_unauthorized");
  EXPECT_EQ(data.error().message.find("shpat"), std::string::npos);  // no token in errors
  EXPECT_EQ(requests(), 1);
}

TEST_F(AdminApiTest, AThrottledCallWaitsForTheBucketAndIsSentAgain) {
  AdminApi api = client();
  shopify_.fault(kShop, {{"kind", "throttled"}});
  auto data = api.call(kShop, kToken, kInstallation, Json::object(), 1);
  ASSERT_TRUE(data) << data.error().message;
  EXPECT_EQ(requests(), 2);
}

TEST_F(AdminApiTest, ACallWaitsForTheBucketRatherThanBeingThrottled) {
  AdminApi api = client();
  // The bucket holds 5 points; the first answer says so; a mutation (10 points) then waits
  // about 50 ms for the refill instead of being sent to be throttled.
  shopify_.control("POST", std::string("shops/") + kShop + "/bucket",
                   {{"client_id", kTestApiKey}, {"currently_available", 5}});
  ASSERT_TRUE(api.call(kShop, kToken, kInstallation, Json::object(), 1));
  EXPECT_LT(api.bucket(kShop).available, 10);
  auto tagged = api.call(kShop, kToken,
                         "mutation($id: ID!) { tagsAdd(id: $id, tags: [\"x\"]) { userErrors { "
                         "field message } } }",
                         {{"id", "gid://shopify/Order/1"}}, 10);
  ASSERT_TRUE(tagged) << tagged.error().message;
  EXPECT_EQ(requests(), 2);  // no THROTTLED answer came back: nothing was sent twice
}

TEST_F(AdminApiTest, A429IsSentAgainAfterItsRetryAfter) {
  AdminApi api = client();
  shopify_.fault(kShop, {{"kind", "429"}, {"retry_after", 1}});
  const auto started = std::chrono::steady_clock::now();
  auto data = api.call(kShop, kToken, kInstallation, Json::object(), 1);
  ASSERT_TRUE(data) << data.error().message;
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1000));
  EXPECT_EQ(requests(), 2);
}

TEST_F(AdminApiTest, ServerErrorsAreSentAgainWithBackoffUntilAnAnswer) {
  AdminApi api = client();
  shopify_.fault(kShop, {{"kind", "502"}, {"count", 2}});
  auto data = api.call(kShop, kToken, kInstallation, Json::object(), 1);
  ASSERT_TRUE(data) << data.error().message;
  EXPECT_EQ(requests(), 3);
}

TEST_F(AdminApiTest, NoAnswerInTimeIsSentAgain) {
  AdminApi api = client(/*timeout_ms=*/300);
  shopify_.fault(kShop, {{"kind", "hang"}, {"for_ms", 3000}});
  auto data = api.call(kShop, kToken, kInstallation, Json::object(), 1);
  ASSERT_TRUE(data) << data.error().message;
  EXPECT_EQ(requests(), 2);
}

TEST_F(AdminApiTest, ShopifyDownLongerThanTheBudgetIsARetryableError) {
  AdminApi api = client(/*timeout_ms=*/300, /*budget_ms=*/1200);
  shopify_.fault(kShop, {{"kind", "down"}, {"for_ms", 60000}});
  auto data = api.call(kShop, kToken, kInstallation);
  ASSERT_FALSE(data);
  EXPECT_EQ(data.error().code, "shopify_unreachable");
  EXPECT_TRUE(retryable(data.error()));
}

TEST_F(AdminApiTest, UserErrorsNameTheirFieldAndAreFinal) {
  AdminApi api = client();
  auto data = api.call(kShop, kToken,
                       "mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { "
                       "userErrors { field message code } } }",
                       {{"m",
                         {{{"ownerId", "gid://shopify/Order/1"},
                           {"namespace", "tiercart"},
                           {"key", "k"},
                           {"type", "json"},
                           {"value", "{}"}}}}});
  ASSERT_TRUE(data) << data.error().message;
  auto refused = user_errors(data.value(), "metafieldsSet");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "shopify_user_error");
  EXPECT_NE(refused.error().message.find("metafields.0.key"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(refused.error().path, "$.data.metafieldsSet.userErrors");
  EXPECT_FALSE(retryable(refused.error()));
}

TEST_F(AdminApiTest, AQueryShopifyRefusesIsAGraphqlErrorNotSentAgain) {
  AdminApi api = client();
  auto data = api.call(kShop, kToken, "query { noSuchField }");
  ASSERT_FALSE(data);
  EXPECT_EQ(data.error().code, "shopify_graphql_error");
  EXPECT_FALSE(retryable(data.error()));
  EXPECT_EQ(requests(), 1);
}

// Shopify's error for a variable it cannot coerce names no extensions.code: the client must
// read it as a refusal, not stumble on the missing field.
TEST_F(AdminApiTest, NodesAnswersNullForAnUnknownIdAndRefusesAnIdThatIsNotAGlobalId) {
  AdminApi api = client();
  const char* query = "query N($ids: [ID!]!) { nodes(ids: $ids) { id } }";
  auto found = api.call(
      kShop, kToken, query,
      {{"ids", {"gid://shopify/ProductVariant/9001", "gid://shopify/ProductVariant/999999"}}});
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found.value()["nodes"],
            Json::parse(R"([{"id": "gid://shopify/ProductVariant/9001"}, null])"));
  auto refused = api.call(kShop, kToken, query, {{"ids", Json::array({"9001"})}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "shopify_graphql_error");
  EXPECT_NE(refused.error().message.find("Invalid global id"), std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(retryable(refused.error()));
}

// A session token as App Bridge hands it to the embedded app (SHOPIFY.md section 8).
std::string session_token(const std::string& shop) {
  const int64_t now = std::time(nullptr);
  return jwt_sign({{"iss", "https://" + shop + "/admin"},
                   {"dest", "https://" + shop},
                   {"aud", kTestApiKey},
                   {"sub", "74"},
                   {"exp", now + 60},
                   {"nbf", now - 1},
                   {"iat", now - 1},
                   {"jti", random_uuid()},
                   {"sid", "session-1"}},
                  kSecret);
}

// Polls `done` every 20 ms for at most `limit_ms`: a condition reached by other processes.
template <typename Done>
bool eventually(Done done, int limit_ms = 30000) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

TEST_F(AdminApiTest, EveryFlaggedOrderIsTaggedOnceInEffectThoughTheServerIsKilledMidDelivery) {
  TempDir dir;
  const std::string database = "sqlite:" + dir.path() + "/tiercart.db";
  const std::vector<std::string> flags = {"--shopify-origin", shopify_.origin_template(),
                                          "--outbox-lease-ms", "1000"};
  const std::vector<std::string> env = {
      "TIERCART_TOKEN_KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"};
  constexpr int kOrders = 40;
  Json forged = parse(example("orders/orders-create-forged.json"));
  std::vector<Json> decided(kOrders);  // the tags each verdict decided
  for (int i = 0; i < kOrders; ++i) shopify_.add_order(kShop, 7001 + i);
  // A theme without tiercart's embed: the theme sync at install publishes nothing, so the only
  // writes are the tags.
  shopify_.control("POST", std::string("shops/") + kShop + "/theme-files",
                   {{"filename", "config/settings_data.json"}, {"content", "{\"current\": {}}"}});
  // A bucket of 150 points: the outbox pays for 15 tagsAdd at once, then about 10 a second,
  // so the kill below finds it part way through.
  shopify_.control("POST", std::string("shops/") + kShop + "/bucket",
                   {{"client_id", kTestApiKey}, {"currently_available", 150}});
  auto outbox = [](httplib::Client& http) {
    auto res = http.Get(admin_path("/admin/shop", kShop), admin_headers());
    return res && res->status == 200 ? parse(res->body) : Json();
  };
  {
    ServerProcess server(database, flags, env);
    ASSERT_GT(server.port(), 0);
    httplib::Client http("127.0.0.1", server.port());
    // The merchant opens the app: its session token is exchanged for an access token.
    auto opened = http.Get("/admin/shop", {{"Authorization", "Bearer " + session_token(kShop)}});
    ASSERT_TRUE(opened && opened->status == 200);
    ASSERT_TRUE(eventually([&] { return outbox(http)["install_state"] == "installed"; }));
    for (int i = 0; i < kOrders; ++i) {
      forged["id"] = 7001 + i;
      auto res = post_webhook(http, forged.dump(), "wh-kill-" + std::to_string(i));
      ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
      decided[i] = parse(res->body)["tags"];
      ASSERT_FALSE(decided[i].empty()) << res->body;
    }
    // Killed while the outbox is part way through: some orders tagged, some not.
    ASSERT_TRUE(eventually([&] { return requests() >= 15; }));
    server.kill_now(SIGKILL);
  }
  int tagged = 0;
  for (int i = 0; i < kOrders; ++i) tagged += !shopify_.order(kShop, 7001 + i)["tags"].empty();
  EXPECT_LT(tagged, kOrders) << "the kill came after the outbox had finished";
  ServerProcess restarted(database, flags, env);
  ASSERT_GT(restarted.port(), 0);
  httplib::Client http("127.0.0.1", restarted.port());
  ASSERT_TRUE(eventually([&] {
    const Json state = outbox(http);
    return state.is_object() && state["outbox"]["pending"] == 0;
  })) << outbox(http).dump();
  const Json state = outbox(http);
  EXPECT_EQ(state["outbox"]["done"], kOrders);
  EXPECT_EQ(state["outbox"]["failed"], 0);
  int sent_twice = 0;
  for (int i = 0; i < kOrders; ++i) {
    const Json order = shopify_.order(kShop, 7001 + i);
    EXPECT_EQ(order["tags"], decided[i]) << order.dump();
    const auto sends = order["mutation_log"].size();
    EXPECT_GE(sends, 1u);
    if (sends > 1) ++sent_twice;
  }
  // Only a write in flight at the kill can have been sent again.
  EXPECT_LE(sent_twice, 1);
  // What an operator watches: the outbox drained, nothing refused.
  auto metrics = http.Get("/metrics", admin_headers());
  ASSERT_TRUE(metrics && metrics->status == 200);
  EXPECT_NE(metrics->body.find("tiercart_outbox_writes{state=\"pending\"} 0\n"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("tiercart_outbox_writes{state=\"done\"} 40\n"), std::string::npos);
  EXPECT_NE(metrics->body.find("tiercart_outbox_oldest_pending_seconds 0\n"), std::string::npos);
}

TEST_F(AdminApiTest, AnOrderJudgedWithoutItsProductsFactsIsJudgedAgainWithTheShops) {
  TempDir dir;
  const std::vector<std::string> env = {
      "TIERCART_TOKEN_KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"};
  ServerProcess server("sqlite:" + dir.path() + "/tiercart.db",
                       {"--shopify-origin", shopify_.origin_template()}, env);
  ASSERT_GT(server.port(), 0);
  httplib::Client http("127.0.0.1", server.port());
  auto opened = http.Get("/admin/shop", {{"Authorization", "Bearer " + session_token(kShop)}});
  ASSERT_TRUE(opened && opened->status == 200);
  ASSERT_TRUE(eventually([&] {
    auto res = http.Get(admin_path("/admin/shop", kShop), admin_headers());
    return res && res->status == 200 && parse(res->body)["install_state"] == "installed";
  }));
  // A tote for $50.00 of the winter collection; the shop's context says nothing of products.
  const std::string program = R"({"format":1,"id":"winter-tote","version":1,"currency":"USD",
    "bars":[{"id":"main","scope":{"include":{"collections":["winter"]}},"tiers":[{"id":"tote",
    "threshold":5000,"reward":{"type":"free_gift","gifts":[{"variant_id":9001}]}}]}]})";
  ASSERT_EQ(
      http.Post(admin_path("/admin/programs", kShop), admin_headers(), program, "application/json")
          ->status,
      201);
  ASSERT_EQ(http.Post(admin_path("/admin/programs/winter-tote/versions/1/activate", kShop),
                      admin_headers(), "", "application/json")
                ->status,
            200);
  // The merino sweater (product 1001) is in the winter collection, as the shop knows.
  const Json order = {
      {"id", 8101},
      {"currency", "USD"},
      {"line_items",
       {{{"variant_id", 2002}, {"product_id", 1001}, {"quantity", 1}, {"price", "89.00"}},
        {{"variant_id", 9001},
         {"product_id", 8001},
         {"quantity", 1},
         {"price", "25.00"},
         {"discount_allocations", {{{"amount", "25.00"}}}},
         {"properties", {{{"name", "_tiercart"}, {"value", "winter-tote@1:tote"}}}}}}}};
  auto judged = post_webhook(http, order.dump(), "wh-facts-1");
  ASSERT_TRUE(judged && judged->status == 200) << (judged ? judged->body : "no answer");
  EXPECT_EQ(parse(judged->body)["earned"], true) << judged->body;
  // The facts are kept: the shop's stored context now holds them.
  auto store = open_store("sqlite:" + dir.path() + "/tiercart.db");
  ASSERT_TRUE(store);
  auto context = store.value()->get_setting(kShop, "context");
  ASSERT_TRUE(context && context.value());
  const Json facts = parse(*context.value())["products"]["1001"];
  EXPECT_NE(std::find(facts["collections"].begin(), facts["collections"].end(), "winter"),
            facts["collections"].end())
      << *context.value();
}

// The outbox on a store, delivering to the stand-in.
class OutboxTest : public AdminApiTest {
 protected:
  void SetUp() override {
    AdminApiTest::SetUp();
    auto store = open_store("sqlite:" + dir_.path() + "/outbox.db");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(store).value();
  }

  Outbox outbox(AdminApi& api, bool has_token = true) {
    OutboxOptions options;
    options.lease_ms = 5000;
    return Outbox(
        *store_, api,
        [has_token](const std::string&) -> Result<std::string> {
          if (!has_token) return make_error("not_installed", "no token");
          return std::string(kToken);
        },
        options);
  }

  // Stores `write` and delivers it once: done, or the outbox's last error says why not.
  void deliver_once(const OutboxWrite& write) {
    ASSERT_TRUE(store_->add_write(write, now_ms()).value());
    AdminApi api = client();
    Outbox box = outbox(api);
    EXPECT_EQ(box.deliver_due(now_ms()), 1);
    EXPECT_EQ(store_->outbox_state(kShop).value().done, 1)
        << store_->outbox_state(kShop).value().last_error;
  }

  std::vector<std::string> tags_of(int64_t order) {
    auto tags = shopify_.order(kShop, order)["tags"];
    return tags.is_array() ? tags.get<std::vector<std::string>>() : std::vector<std::string>();
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(OutboxTest, AFlaggedOrdersTagsReachTheOrderAndASecondDeliveryChangesNothing) {
  shopify_.add_order(kShop, 1001);
  const OutboxWrite write = tags_write(kShop, 1001, {"tiercart-flagged", "tiercart-gift-unearned"});
  ASSERT_TRUE(store_->add_write(write, now_ms()).value());
  AdminApi api = client();
  Outbox box = outbox(api);
  EXPECT_EQ(box.deliver_due(now_ms()), 1);
  const auto tags = tags_of(1001);
  EXPECT_EQ(tags, (std::vector<std::string>{"tiercart-flagged", "tiercart-gift-unearned"}));
  EXPECT_EQ(store_->outbox_state(kShop).value().done, 1);
  // Delivered again, as after a crash between Shopify's answer and the row's update.
  ASSERT_TRUE(deliver_write(api, kShop, kToken, write.kind, write.payload));
  EXPECT_EQ(tags_of(1001), tags);
}

TEST_F(OutboxTest, AShopWithoutATokenWaitsWithoutCountingTries) {
  shopify_.add_order(kShop, 1001);
  ASSERT_TRUE(store_->add_write(tags_write(kShop, 1001, {"tiercart-flagged"}), now_ms()).value());
  AdminApi api = client();
  Outbox box = outbox(api, /*has_token=*/false);
  EXPECT_EQ(box.deliver_due(now_ms()), 1);
  auto rows = store_->list_writes(kShop, 10).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "pending");
  EXPECT_EQ(rows[0].attempts, 0);
  EXPECT_NE(rows[0].last_error.find("not_installed"), std::string::npos);
  EXPECT_TRUE(tags_of(1001).empty());
  EXPECT_EQ(requests(), 0);
}

TEST_F(OutboxTest, AWriteShopifyRefusesIsFailedAndTheNextGoes) {
  shopify_.add_order(kShop, 1002);
  // No order 999 in the shop: tagsAdd answers a userError; another try cannot change that.
  ASSERT_TRUE(store_->add_write(tags_write(kShop, 999, {"tiercart-flagged"}), now_ms()).value());
  ASSERT_TRUE(store_->add_write(tags_write(kShop, 1002, {"tiercart-flagged"}), now_ms()).value());
  AdminApi api = client();
  Outbox box = outbox(api);
  box.deliver_due(now_ms());
  box.deliver_due(now_ms());
  const OutboxState state = store_->outbox_state(kShop).value();
  EXPECT_EQ(state.failed, 1);
  EXPECT_EQ(state.done, 1);
  EXPECT_NE(state.last_error.find("shopify_user_error"), std::string::npos) << state.last_error;
  EXPECT_EQ(tags_of(1002), std::vector<std::string>{"tiercart-flagged"});
}

TEST_F(OutboxTest, AnOfferAddedOnTheOrderStatusPageIsCommittedOnceWhateverTheDeliveries) {
  shopify_.add_order(kShop, 3001);  // one unit of variant 2001
  // Two units of variant 2004 with $5.00 off the line, as the core priced the offer.
  const OutboxWrite write = add_item_write(
      kShop, 3001,
      R"({"id":"offer-socks","variant_id":2004,"quantity":2,"price":{"amount":4500,"currency":"USD"},)"
      R"("discount":{"value_type":"fixed_amount","value":"5.00","title":"Thanks","amount":500}})",
      2);
  deliver_once(write);
  AdminApi api = client();  // to deliver it again by hand
  auto units = [&] {
    int64_t held = 0;
    const Json order = shopify_.order(kShop, 3001);
    for (const auto& line : order["line_items"]) {
      if (line["variant_id"] == 2004) held += line["current_quantity"].get<int64_t>();
    }
    return held;
  };
  EXPECT_EQ(units(), 2);
  // The order charges what the customer was shown: the offer's discount is on the line.
  {
    const Json kept = shopify_.order(kShop, 3001);
    const Json added = kept["line_items"][1];
    EXPECT_EQ(added["discount"]["amount"], "5.00") << kept.dump();
    EXPECT_EQ(added["discount"]["currency_code"], "USD");
  }
  const auto mutations = shopify_.order(kShop, 3001)["mutations"];
  // Delivered again, as after a crash before the outbox recorded it: the order holds the
  // units already, and nothing is edited.
  ASSERT_TRUE(deliver_write(api, kShop, kToken, write.kind, write.payload));
  EXPECT_EQ(units(), 2);
  EXPECT_EQ(shopify_.order(kShop, 3001)["mutations"], mutations);
}

TEST_F(OutboxTest, ANewShippingAddressIsWrittenToTheOrder) {
  shopify_.add_order(kShop, 3002);
  const std::string address =
      R"({"first_name":"Ada","last_name":"Lovelace","address1":"12 Harbour Road","city":"Portland","province_code":"ME","zip":"04101","country_code":"US"})";
  ASSERT_TRUE(store_->add_write(address_write(kShop, 3002, address, 1), now_ms()).value());
  AdminApi api = client();
  Outbox box = outbox(api);
  EXPECT_EQ(box.deliver_due(now_ms()), 1);
  const Json shipping = shopify_.order(kShop, 3002)["shipping_address"];
  EXPECT_EQ(shipping["city"], "Portland") << shipping.dump();
  EXPECT_EQ(shipping["provinceCode"], "ME");
  EXPECT_EQ(shipping["address1"], "12 Harbour Road");
}

// The storefront's facts, as ThemeSync::publication stores them, for the app's installation.
class StorefrontFactsTest : public OutboxTest {
 protected:
  std::string installation() {
    AdminApi api = client();
    auto data = api.call(kShop, kToken, kInstallation, Json::object(), 2);
    EXPECT_TRUE(data) << (data ? "" : data.error().message);
    return data ? data.value()["currentAppInstallation"]["id"].get<std::string>() : "";
  }

  OutboxWrite facts_write(const Json& gift_variants, const Json& collections) {
    const Json payload = {{"installation", installation()},
                          {"program", {{"id", "theme-settings"}, {"version", 3}}},
                          {"shop_currency", "USD"},
                          {"gift_variants", gift_variants},
                          {"collections", collections}};
    return {kShop, "storefront_facts", "facts:theme-settings:3", payload.dump()};
  }

  // tiercart.context on the installation, parsed; null without one.
  Json context() {
    const Json held = shopify_.control("GET", std::string("shops/") + kShop + "/state");
    for (const auto& [owner, list] : held["metafields"].items()) {
      if (owner.rfind("gid://shopify/AppInstallation/", 0) != 0) continue;
      for (const auto& field : list) {
        if (field["namespace"] == "tiercart" && field["key"] == "context") {
          EXPECT_EQ(field["type"], "json");
          return parse(field["value"]);
        }
      }
    }
    return nullptr;
  }
};

TEST_F(StorefrontFactsTest, AGiftVariantNoLongerInTheShopIsSkippedAndTheFactsPublished) {
  // 999999: a variant the merchant deleted since the program was made. 2001 and 2002 are two
  // sizes of one sweater: its handle once.
  const OutboxWrite write =
      facts_write({999999, 9001, 2001, 2002}, {"winter", "no-such-collection", "accessories"});
  deliver_once(write);
  AdminApi api = client();  // to deliver it again by hand
  const Json facts = context();
  ASSERT_TRUE(facts.is_object());
  EXPECT_EQ(facts["program"], (Json{{"id", "theme-settings"}, {"version", 3}}));
  EXPECT_EQ(facts["shop_currency"], "USD");
  EXPECT_EQ(facts["gift_products"], Json::array({"canvas-tote-bag", "merino-crew-sweater"}));
  // A product in two named collections names both, sorted; the missing one names nothing.
  EXPECT_EQ(facts["products"]["1003"], (Json{{"collections", {"accessories", "winter"}},
                                             {"tags", {"clearance"}},
                                             {"product_type", "Hat"}}));
  EXPECT_EQ(facts["products"]["1004"]["collections"], Json::array({"accessories"}));
  EXPECT_FALSE(facts["products"].contains("1005"));  // basics only
  // Delivered again, as after a crash before the outbox recorded it: the same value.
  ASSERT_TRUE(deliver_write(api, kShop, kToken, write.kind, write.payload));
  EXPECT_EQ(context(), facts);
}

TEST_F(StorefrontFactsTest, AtMostTwentyGiftProductsArePublished) {
  // One variant of each of the catalog's 22 products: Liquid reads 20 handles a page.
  const Json catalog = example_json("contexts/catalog.json");
  std::map<int64_t, int64_t> variant_of;  // product -> its first variant
  for (const auto& [id, variant] : catalog["variants"].items()) {
    const int64_t product = variant["product_id"];
    if (!variant_of.count(product)) variant_of[product] = std::stoll(id);
  }
  ASSERT_EQ(variant_of.size(), 22u);
  Json variants = Json::array();
  for (const auto& [product, variant] : variant_of) variants.push_back(variant);
  AdminApi api = client();
  const OutboxWrite write = facts_write(variants, Json::array());
  ASSERT_TRUE(deliver_write(api, kShop, kToken, write.kind, write.payload));
  const Json facts = context();
  EXPECT_EQ(facts["gift_products"].size(), 20u);
  EXPECT_EQ(facts["gift_products"][0], "merino-crew-sweater");  // gift order kept
  EXPECT_EQ(facts["products"], Json::object());
}

TEST_F(StorefrontFactsTest, AFactsWriteThatIsNotAnObjectOrLacksItsFieldsIsInvalid) {
  AdminApi api = client();
  for (const char* payload : {"[1, 2]", R"({"installation": 5})",
                              R"({"installation": "gid://shopify/AppInstallation/1",
                                  "program": {"id": "p", "version": 1}, "shop_currency": "USD",
                                  "gift_variants": ["not a number"], "collections": []})"}) {
    auto delivered = deliver_write(api, kShop, kToken, "storefront_facts", payload);
    ASSERT_FALSE(delivered) << payload;
    EXPECT_EQ(delivered.error().code, "invalid_write") << payload;
  }
  EXPECT_EQ(requests(), 0);  // nothing was asked of Shopify
}

TEST_F(OutboxTest, ShopifyDownForAStretchThenBackDrainsEveryWriteInOrder) {
  for (int64_t order = 2001; order <= 2005; ++order) {
    shopify_.add_order(kShop, order);
    ASSERT_TRUE(
        store_->add_write(tags_write(kShop, order, {"tiercart-flagged"}), now_ms()).value());
  }
  AdminApi api = client(/*timeout_ms=*/300, /*budget_ms=*/300);
  Outbox box = outbox(api);
  shopify_.fault(kShop, {{"kind", "down"}, {"for_ms", 60000}});
  // Down: every pass tries the shop's first write only, and it stays pending.
  int64_t clock = now_ms();
  for (int pass = 0; pass < 3; ++pass) {
    box.deliver_due(clock);
    clock += Outbox::retry_delay_ms(pass + 1) + 1;
  }
  // Only the shop's first write was tried: the others wait behind it.
  const auto waiting = store_->list_writes(kShop, 10).value();
  for (const OutboxRow& row : waiting) {
    EXPECT_EQ(row.attempts, row.write.key == "tags:2001" ? 3 : 0) << row.write.key;
  }
  OutboxState state = store_->outbox_state(kShop).value();
  EXPECT_EQ(state.pending, 5);
  EXPECT_EQ(state.done, 0);
  EXPECT_NE(state.last_error.find("shopify_unreachable"), std::string::npos) << state.last_error;
  // Back: the writes drain, the first one first.
  shopify_.control("DELETE", std::string("shops/") + kShop + "/faults");
  for (int pass = 0; pass < 10 && store_->outbox_state(kShop).value().pending > 0; ++pass) {
    clock += Outbox::retry_delay_ms(10);
    box.deliver_due(clock);
  }
  state = store_->outbox_state(kShop).value();
  EXPECT_EQ(state.pending, 0);
  EXPECT_EQ(state.done, 5);
  // Each order was tagged once, and the writes were done in the order they were stored.
  for (int64_t order = 2001; order <= 2005; ++order) {
    const Json kept = shopify_.order(kShop, order);
    EXPECT_EQ(kept["tags"], Json::array({"tiercart-flagged"}));
    EXPECT_EQ(kept["mutation_log"], Json::array({"tagsAdd"}));
  }
  auto rows = store_->list_writes(kShop, 10).value();  // newest first
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_GE(rows[i - 1].updated_at, rows[i].updated_at);
    EXPECT_GT(rows[i - 1].id, rows[i].id);
  }
}

}  // namespace
}  // namespace tiercart::server::testing
