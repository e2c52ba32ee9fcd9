// The merchant's figures end to end, on SQLite and on PostgreSQL: orders/create webhooks judged
// and stored with their figures, refunds and cancellations as their own webhooks, and
// GET /admin/analytics answering with the report, per shop. Every expected figure is worked
// out by hand from the orders sent.

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "test_support.h"

namespace tiercart::server::testing {
namespace {

constexpr const char* kOtherShop = "harbour-goods.myshopify.com";

// A USD order of one paid line of `subtotal` cents on `day` at 22:30 in the shop's offset
// (-05:00: already the next day in UTC). From 100.00 it claims the tote (a gift line at
// 25.00, discounted to zero); from 50.00 its shipping (7.95) is discounted.
Json UsdOrder(int64_t id, const std::string& day, int64_t subtotal) {
  const auto money = [](int64_t cents) {
    return std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") +
           std::to_string(cents % 100);
  };
  Json lines = Json::array();
  // A variant the catalog does not price, so that any subtotal is an honest one.
  lines.push_back({{"id", id * 10 + 1},
                   {"variant_id", 7001},
                   {"product_id", 7000},
                   {"quantity", 1},
                   {"price", money(subtotal)},
                   {"properties", Json::array()}});
  if (subtotal >= 10000) {
    lines.push_back(
        {{"id", id * 10 + 2},
         {"variant_id", 9001},
         {"product_id", 8001},
         {"quantity", 1},
         {"price", "25.00"},
         {"properties", {{{"name", "_tiercart"}, {"value", "free-shipping-and-tote@1:tote"}}}},
         {"discount_allocations", {{{"amount", "25.00"}}}}});
  }
  Json shipping = {{"price", "7.95"}, {"discount_allocations", Json::array()}};
  if (subtotal >= 5000) shipping["discount_allocations"].push_back({{"amount", "7.95"}});
  return {{"id", id},
          {"currency", "USD"},
          {"created_at", day + "T22:30:00-05:00"},
          {"subtotal_price", money(subtotal)},
          {"line_items", lines},
          {"shipping_lines", {shipping}},
          {"shipping_address", {{"country_code", "US"}}}};
}

class Analytics : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    Config config = test_config(dir_.path() + "/store.db");
    if (GetParam() == "Postgres") {
      const char* url = std::getenv("TIERCART_TEST_DATABASE_URL");
      if (!url || !*url) GTEST_SKIP() << "TIERCART_TEST_DATABASE_URL is not set";
      PGconn* connection = PQconnectdb(url);
      ASSERT_EQ(PQstatus(connection), CONNECTION_OK) << PQerrorMessage(connection);
      PQclear(PQexec(connection,
                     "DROP TABLE IF EXISTS verdicts, programs, settings, changesets, order_edits, "
                     "data_requests, shops, oauth_states, outbox, order_figures, "
                     "order_adjustments, schema_migrations"));
      PQfinish(connection);
      config.database = url;
    }
    server_ = std::make_unique<TestServer>(config);
    http_ = server_->client();
    for (const char* shop : {kTestShop, kOtherShop}) {
      // The catalog, as a shop's context: no fixed presentment currency, a rate for euros.
      Json context = example_json("contexts/catalog.json");
      context.erase("presentment_currency");
      context["rates"] = {{"EUR", "0.92"}};
      auto saved = http_->Put(admin_path("/admin/context", shop), admin_headers(), context.dump(),
                              "application/json");
      ASSERT_EQ(saved->status, 200) << saved->body;
      auto created =
          http_->Post(admin_path("/admin/programs", shop), admin_headers(),
                      example("programs/free-shipping-and-tote.json"), "application/json");
      ASSERT_EQ(created->status, 201) << created->body;
      auto activated = http_->Post(
          admin_path("/admin/programs/free-shipping-and-tote/versions/1/activate", shop),
          admin_headers(), "", "application/json");
      ASSERT_EQ(activated->status, 200) << activated->body;
    }
  }

  httplib::Result Deliver(const std::string& topic, const Json& body, const std::string& shop,
                          const std::string& webhook_id) {
    const std::string text = body.dump();
    httplib::Headers headers = {{"X-Shopify-Topic", topic},
                                {"X-Shopify-Shop-Domain", shop},
                                {"X-Shopify-Webhook-Id", webhook_id},
                                {"X-Shopify-Hmac-Sha256", sign_webhook(text)}};
    return http_->Post("/webhooks/" + topic, headers, text, "application/json");
  }

  void Order(const Json& order, const std::string& shop = kTestShop) {
    auto res = Deliver("orders/create", order, shop, "create-" + order["id"].dump() + shop);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }

  Json Report(const std::string& query, const std::string& shop = kTestShop) {
    auto res = http_->Get(admin_path("/admin/analytics", shop) + "&" + query, admin_headers());
    EXPECT_TRUE(res);
    if (!res) return Json();
    EXPECT_EQ(res->status, 200) << res->body;
    return parse(res->body);
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_P(Analytics, JudgedOrdersAreCountedByTheShopsDayWithTierReachAndRewardCost) {
  Order(UsdOrder(1, "2026-11-02", 4000));
  Order(UsdOrder(2, "2026-11-02", 6000));
  Order(UsdOrder(3, "2026-11-03", 12000));
  Order(UsdOrder(4, "2026-11-04", 8000));
  // Placed on the 5th where the shop is: outside the range.
  Order(UsdOrder(5, "2026-11-05", 9000));
  const Json r = Report("period=day&from=2026-11-02&to=2026-11-04");
  EXPECT_EQ(r["currency"], "USD");
  EXPECT_EQ(r["orders"], 4);
  EXPECT_EQ(r["sales"]["amount"], 30000);
  EXPECT_EQ(r["aov"]["amount"], 7500);
  EXPECT_EQ(r["aov"]["text"], "$75.00");
  // Free shipping on orders 2, 3 and 4 (3 x 7.95); the tote on order 3 (25.00).
  EXPECT_EQ(r["rewards"]["free_shipping"]["amount"], 3 * 795);
  EXPECT_EQ(r["rewards"]["gifts"]["amount"], 2500);
  EXPECT_EQ(r["rewards_cost"]["amount"], 3 * 795 + 2500);
  ASSERT_EQ(r["tiers"].size(), 2u);
  EXPECT_EQ(r["tiers"][0]["tier"], "free-shipping");
  EXPECT_EQ(r["tiers"][0]["reached"], 3);
  EXPECT_EQ(r["tiers"][0]["share_bp"], 7500);
  EXPECT_EQ(r["tiers"][0]["aov_reached"]["amount"], 8667);
  EXPECT_EQ(r["tiers"][0]["aov_not_reached"]["amount"], 4000);
  EXPECT_EQ(r["tiers"][1]["tier"], "tote");
  EXPECT_EQ(r["tiers"][1]["reached"], 1);
  ASSERT_EQ(r["periods"].size(), 3u);
  EXPECT_EQ(r["periods"][0]["orders"], 2);
  EXPECT_EQ(r["periods"][2]["orders"], 1);
  EXPECT_EQ(r["flagged"], 0);
}

TEST_P(Analytics, RefundsLowerSalesAndCancelledOrFullyRefundedOrdersLeaveTheFigures) {
  Order(UsdOrder(1, "2026-11-02", 6000));
  Order(UsdOrder(2, "2026-11-02", 12000));
  Order(UsdOrder(3, "2026-11-02", 9000));
  Order(UsdOrder(4, "2026-11-02", 3000));
  const Json refund = {
      {"id", 71},
      {"order_id", 1},
      {"refund_line_items",
       {{{"line_item_id", 11},
         {"quantity", 1},
         {"subtotal", "20.00"},
         {"subtotal_set", {{"shop_money", {{"amount", "20.00"}, {"currency_code", "USD"}}}}}}}}};
  for (int delivery = 0; delivery < 2; ++delivery) {  // Shopify may deliver a webhook twice
    auto res = Deliver("refunds/create", refund, kTestShop, "refund-71");
    ASSERT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(parse(res->body)["duplicate"], delivery == 1);
  }
  Json full = refund;
  full["id"] = 72;
  full["order_id"] = 2;
  full["refund_line_items"][0]["subtotal_set"]["shop_money"]["amount"] = "120.00";
  ASSERT_EQ(Deliver("refunds/create", full, kTestShop, "refund-72")->status, 200);
  // An update that cancels nothing changes nothing; a cancellation takes the order out.
  auto untouched =
      Deliver("orders/updated", {{"id", 3}, {"cancelled_at", nullptr}}, kTestShop, "u1");
  ASSERT_EQ(untouched->status, 200);
  EXPECT_EQ(parse(untouched->body)["adjusted"], false);
  ASSERT_EQ(Deliver("orders/cancelled", {{"id", 3}, {"cancelled_at", "2026-11-03T08:00:00-05:00"}},
                    kTestShop, "c1")
                ->status,
            200);
  const Json r = Report("period=week&from=2026-11-02&to=2026-11-08");
  EXPECT_EQ(r["orders"], 2);              // order 1 (net 40.00) and order 4
  EXPECT_EQ(r["sales"]["amount"], 7000);  // 4000 + 3000
  EXPECT_EQ(r["aov"]["amount"], 3500);
  EXPECT_EQ(r["cancelled"], 1);
  EXPECT_EQ(r["refunded_orders"], 2);
  EXPECT_EQ(r["refunded"]["amount"], 14000);
  ASSERT_EQ(r["periods"].size(), 1u);
  EXPECT_EQ(r["periods"][0]["start"], "2026-11-02");
}

TEST_P(Analytics, AnOrderPaidInEurosIsCountedInDollarsAtItsOwnRate) {
  // 60.00 EUR, which Shopify counted as 66.00 USD.
  Json order = UsdOrder(8, "2026-11-02", 6600);
  order["presentment_currency"] = "EUR";
  order["subtotal_price_set"] = {
      {"shop_money", {{"amount", "66.00"}, {"currency_code", "USD"}}},
      {"presentment_money", {{"amount", "60.00"}, {"currency_code", "EUR"}}}};
  order["line_items"][0]["price_set"] = order["subtotal_price_set"];
  order["shipping_lines"][0]["price_set"] = {
      {"shop_money", {{"amount", "7.95"}, {"currency_code", "USD"}}},
      {"presentment_money", {{"amount", "7.30"}, {"currency_code", "EUR"}}}};
  order["shipping_lines"][0]["discount_allocations"][0]["amount_set"] =
      order["shipping_lines"][0]["price_set"];
  Order(order);
  const Json r = Report("from=2026-11-02&to=2026-11-02");
  EXPECT_EQ(r["orders"], 1);
  EXPECT_EQ(r["sales"]["amount"], 6600);
  ASSERT_EQ(r["tiers"].size(), 2u);
  EXPECT_EQ(r["tiers"][0]["reached"], 1);  // 60 EUR is over 46 EUR (50 USD at 0.92)
  EXPECT_EQ(r["tiers"][1]["reached"], 0);  // the tote: listed, reached by none
  EXPECT_EQ(r["rewards"]["free_shipping"]["amount"], 795);
}

TEST_P(Analytics, AShopSeesOnlyItsOwnOrdersAndRefunds) {
  Order(UsdOrder(1, "2026-11-02", 6000));
  Order(UsdOrder(2, "2026-11-02", 12000), kOtherShop);
  // The other shop refunds "order 1": its own order 1, not this shop's.
  ASSERT_EQ(Deliver("refunds/create",
                    {{"id", 99},
                     {"order_id", 1},
                     {"refund_line_items",
                      {{{"subtotal_set",
                         {{"shop_money", {{"amount", "60.00"}, {"currency_code", "USD"}}}}}}}}},
                    kOtherShop, "r99")
                ->status,
            200);
  const Json mine = Report("from=2026-11-02&to=2026-11-02");
  EXPECT_EQ(mine["orders"], 1);
  EXPECT_EQ(mine["sales"]["amount"], 6000);
  EXPECT_EQ(mine["refunded_orders"], 0);
  const Json theirs = Report("from=2026-11-02&to=2026-11-02", kOtherShop);
  EXPECT_EQ(theirs["orders"], 1);
  EXPECT_EQ(theirs["sales"]["amount"], 12000);
}

TEST_P(Analytics, AForgedClaimIsCountedAsFlaggedWithItsReason) {
  Json forged = UsdOrder(6, "2026-11-02", 3000);
  forged["line_items"].push_back(UsdOrder(0, "2026-11-02", 10000)["line_items"][1]);
  Order(forged);
  const Json r = Report("from=2026-11-02&to=2026-11-02");
  EXPECT_EQ(r["flagged"], 1);
  ASSERT_EQ(r["reasons"].size(), 1u);
  EXPECT_EQ(r["reasons"][0]["reason"], "below_threshold");
  EXPECT_EQ(r["reasons"][0]["orders"], 1);
  EXPECT_EQ(r["rewards"]["gifts"]["amount"], 2500);  // given, though not earned
}

TEST_P(Analytics, BadQueriesAndBadPayloadsAre400WithAJsonError) {
  auto period = http_->Get(admin_path("/admin/analytics") + "&period=year", admin_headers());
  EXPECT_EQ(period->status, 400);
  EXPECT_EQ(parse(period->body)["error"]["path"], "period");
  auto day = http_->Get(admin_path("/admin/analytics") + "&from=2026-02-30", admin_headers());
  EXPECT_EQ(day->status, 400);
  EXPECT_EQ(parse(day->body)["error"]["path"], "from");
  auto range = http_->Get(admin_path("/admin/analytics") + "&from=2020-01-01&to=2026-01-01",
                          admin_headers());
  EXPECT_EQ(range->status, 400);
  EXPECT_EQ(parse(range->body)["error"]["code"], "too_many");
  auto refund = Deliver("refunds/create", {{"id", 1}}, kTestShop, "bad-refund");
  EXPECT_EQ(refund->status, 400);
  EXPECT_EQ(parse(refund->body)["error"]["path"], "$.order_id");
  auto unsigned_update = http_->Post("/webhooks/orders/updated", "{\"id\":1}", "application/json");
  EXPECT_EQ(unsigned_update->status, 401);
}

INSTANTIATE_TEST_SUITE_P(Backends, Analytics, ::testing::Values("Sqlite", "Postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tiercart::server::testing

namespace tiercart::server::testing {
namespace {

// The what-if upload: the shop's active program and a saved candidate replayed over an orders
// export; nothing is stored.
class WhatIfUpload : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.install_examples();
    http_ = server_.client();
    // A candidate: the tote at 90.00 instead of 100.00, saved as version 2 but not made live.
    Json candidate = example_json("programs/free-shipping-and-tote.json");
    candidate["version"] = 2;
    candidate["bars"][0]["tiers"][1]["threshold"] = 9000;
    auto saved = http_->Post(admin_path("/admin/programs"), admin_headers(), candidate.dump(),
                             "application/json");
    ASSERT_EQ(saved->status, 201) << saved->body;
  }

  httplib::Result Upload(const std::string& csv, const std::string& query = "") {
    return http_->Post(admin_path("/admin/what-if") + query, admin_headers(), csv, "text/csv");
  }

  TestServer server_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(WhatIfUpload, TheLiveProgramAndACandidateAreComparedOnTheSameOrders) {
  auto res =
      Upload(read_file(std::string(TIERCART_SOURCE_DIR) + "/tests/fixtures/exports/orders-usd.csv"),
             "&candidate=free-shipping-and-tote@2");
  ASSERT_EQ(res->status, 200) << res->body;
  const Json r = parse(res->body);
  EXPECT_EQ(r["current"]["version"], 1);
  EXPECT_EQ(r["current"]["orders"], 4);
  EXPECT_EQ(r["current"]["bars"][0]["tiers"][1]["reached"], 1);  // #1001 only
  EXPECT_EQ(r["candidate"]["version"], 2);
  EXPECT_EQ(r["candidate"]["bars"][0]["tiers"][1]["reached"], 2);  // #1005 (95.00) too
  EXPECT_EQ(r["candidate"]["bars"][0]["tiers"][1]["cost"]["amount"], 5000);
}

TEST_F(WhatIfUpload, WithoutACandidateOnlyTheLiveProgramIsReplayed) {
  auto res =
      Upload("Name,Currency,Subtotal,Lineitem quantity,Lineitem price\n#1,USD,60.00,1,60.00\n");
  ASSERT_EQ(res->status, 200) << res->body;
  const Json r = parse(res->body);
  EXPECT_EQ(r["current"]["bars"][0]["tiers"][0]["reached"], 1);
  EXPECT_TRUE(r["candidate"].is_null());
}

TEST_F(WhatIfUpload, ABadFileIsA400NamingTheRowAndColumn) {
  auto res = Upload(
      "Name,Currency,Subtotal,Lineitem quantity,Lineitem price\n#1,USD,60.00,1,60.00\n"
      "#1,,,2,sixty\n");
  ASSERT_EQ(res->status, 400);
  const Json error = parse(res->body)["error"];
  EXPECT_EQ(error["code"], "invalid_amount");
  EXPECT_EQ(error["path"], "row 3, column Lineitem price");
  auto unknown = Upload("Name\n", "&candidate=free-shipping-and-tote@9");
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(parse(unknown->body)["error"]["path"], "candidate");
}

TEST_F(WhatIfUpload, AnExportLargerThanAWebhookIsAccepted) {
  // 5 MiB: over the 4 MiB every other route takes, under the upload's 64 MiB.
  std::string csv = "Name,Currency,Subtotal,Lineitem quantity,Lineitem price,Notes\n";
  const std::string note(1000, 'x');
  for (int i = 0; csv.size() < 5u * 1024 * 1024; ++i) {
    csv += "#" + std::to_string(i) + ",USD,60.00,1,60.00," + note + "\n";
  }
  auto res = Upload(csv);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body.substr(0, 300);
  EXPECT_GT(parse(res->body)["current"]["orders"].get<int64_t>(), 5000);
}

}  // namespace
}  // namespace tiercart::server::testing

namespace tiercart::server::testing {
namespace {

// A/B tests through the server: started as a new live version, every order counted in its
// cart's arm, a forged arm flagged, the test ended keeping one arm.
TEST_P(Analytics, AnAbTestCountsEachOrderInItsCartsArmAndFlagsAForgedOne) {
  // The candidate: free shipping from 30.00 instead of 50.00.
  Json candidate = example_json("programs/free-shipping-and-tote.json");
  candidate["version"] = 2;
  candidate["bars"][0]["tiers"][0]["threshold"] = 3000;
  ASSERT_EQ(http_
                ->Post(admin_path("/admin/programs"), admin_headers(), candidate.dump(),
                       "application/json")
                ->status,
            201);
  auto started = http_->Post(admin_path("/admin/experiments"), admin_headers(),
                             R"({"program":"free-shipping-and-tote",
                                 "candidate":"free-shipping-and-tote@2",
                                 "id":"ship-at-30","split":50})",
                             "application/json");
  ASSERT_EQ(started->status, 201) << started->body;
  EXPECT_EQ(parse(started->body)["version"], 3);
  auto again = http_->Post(admin_path("/admin/experiments"), admin_headers(),
                           R"({"program":"free-shipping-and-tote",
                               "candidate":"free-shipping-and-tote@2","id":"second"})",
                           "application/json");
  EXPECT_EQ(again->status, 400);
  EXPECT_EQ(parse(again->body)["error"]["path"], "program");

  auto live =
      http_->Get(admin_path("/admin/programs/free-shipping-and-tote/versions/3"), admin_headers());
  ASSERT_EQ(live->status, 200) << live->body;
  auto program = parse_program(parse(live->body)["program"].dump());
  ASSERT_TRUE(program) << program.error().message;
  // Four 40.00 orders in each arm, each told its own arm at checkout.
  std::vector<std::string> tokens[2];
  for (int i = 0; tokens[0].size() < 4 || tokens[1].size() < 4; ++i) {
    const std::string token = "c1-" + std::to_string(i);
    auto& arm = tokens[arm_of(program.value(), token) == "b"];
    if (arm.size() < 4) arm.push_back(token);
  }
  int64_t id = 100;
  for (const auto& arm : tokens) {
    for (const auto& token : arm) {
      Json order = UsdOrder(++id, "2026-11-02", 4000);
      order["cart_token"] = token;
      order["note_attributes"] = {{{"name", "_tiercart_arm"}, {"value", token}}};
      Order(order);
    }
  }
  // A shopper in arm a who told checkout an arm-b cart's token.
  Json forged = UsdOrder(++id, "2026-11-02", 4000);
  forged["cart_token"] = tokens[0][1];
  forged["note_attributes"] = {{{"name", "_tiercart_arm"}, {"value", tokens[1][0]}}};
  auto flagged = Deliver("orders/create", forged, kTestShop, "forged-arm");
  ASSERT_EQ(flagged->status, 200) << flagged->body;
  const Json verdict = parse(flagged->body);
  EXPECT_FALSE(verdict["earned"].get<bool>());
  const std::string tags = verdict["tags"].dump();
  EXPECT_NE(tags.find("tiercart-arm_forged"), std::string::npos) << tags;

  const Json r = Report("from=2026-11-02&to=2026-11-02");
  ASSERT_EQ(r["experiments"].size(), 1u);
  const Json& test = r["experiments"][0];
  EXPECT_EQ(test["id"], "ship-at-30");
  EXPECT_EQ(test["arms"][0]["arm"], "a");
  EXPECT_EQ(test["arms"][0]["orders"], 5);  // the forged order is in its cart's arm, a
  EXPECT_EQ(test["arms"][1]["orders"], 4);
  EXPECT_EQ(test["status"], "collecting");
  // Free shipping reached by arm b's orders only: 40.00 is under arm a's 50.00.
  ASSERT_EQ(r["tiers"].size(), 2u);
  EXPECT_EQ(r["tiers"][0]["tier"], "free-shipping");
  EXPECT_EQ(r["tiers"][0]["reached"], 4);
  EXPECT_EQ(r["flagged"], 1);

  auto ended =
      http_->Post(admin_path("/admin/experiments/end"), admin_headers(),
                  R"({"program":"free-shipping-and-tote","keep":"b"})", "application/json");
  ASSERT_EQ(ended->status, 201) << ended->body;
  EXPECT_EQ(parse(ended->body)["version"], 4);
  auto kept =
      http_->Get(admin_path("/admin/programs/free-shipping-and-tote/versions/4"), admin_headers());
  const Json document = parse(kept->body)["program"];
  EXPECT_FALSE(document.contains("experiment"));
  EXPECT_EQ(document["bars"][0]["tiers"][0]["threshold"], 3000);
  auto none = http_->Post(admin_path("/admin/experiments/end"), admin_headers(),
                          R"({"program":"free-shipping-and-tote","keep":"a"})", "application/json");
  EXPECT_EQ(none->status, 400);
}

}  // namespace
}  // namespace tiercart::server::testing
