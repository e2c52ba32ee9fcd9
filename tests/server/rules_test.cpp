// The rules of issue 20 (docs/program-format.md) as the server judges them on orders/create,
// over real HTTP: an honest order is verified, a forged one flagged with the reason. The
// programs and orders are the golden fixtures' (tests/fixtures/), so the server, the drawer
// and checkout are held to the same documents.
#include <gtest/gtest.h>

#include <string>

#include "test_support.h"

namespace tiercart::server::testing {
namespace {

Json fixture(const std::string& name) {
  return parse(
      read_file(std::string(TIERCART_SOURCE_DIR) + "/tests/fixtures/" + name + ".input.json"));
}

class Rules : public ::testing::Test {
 protected:
  // Stores `context` (the example catalog by default) and `program` (version 1, active)
  // through the admin API.
  void install(const Json& program, const std::string& context_json = "") {
    auto http = server_.client();
    auto context = http->Put(admin_path("/admin/context"), admin_headers(),
                             context_json.empty() ? example("contexts/catalog.json") : context_json,
                             "application/json");
    ASSERT_TRUE(context);
    ASSERT_EQ(context->status, 200) << context->body;
    auto created = http->Post(admin_path("/admin/programs"), admin_headers(), program.dump(),
                              "application/json");
    ASSERT_TRUE(created);
    ASSERT_EQ(created->status, 201) << created->body;
    const std::string id = program["id"].get<std::string>();
    auto activated = http->Post(admin_path("/admin/programs/" + id + "/versions/1/activate"),
                                admin_headers(), "", "application/json");
    ASSERT_TRUE(activated);
    ASSERT_EQ(activated->status, 200) << activated->body;
  }

  Json send(const Json& order, const std::string& webhook_id) {
    auto http = server_.client();
    auto res = post_webhook(*http, order.dump(), webhook_id);
    EXPECT_TRUE(res);
    if (!res) return Json();
    EXPECT_EQ(res->status, 200) << res->body;
    return parse(res->body);
  }

  TestServer server_;
};

TEST_F(Rules, BuyXGetYAddedGetItemsWithinTheUsesEarnedAreVerified) {
  const Json honest = fixture("bxgy-order-honest");
  install(honest["program"]);
  const Json answer = send(honest["order"], "wh-bxgy-honest");
  EXPECT_EQ(answer["earned"], true) << answer.dump();
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-verified"}));
}

TEST_F(Rules, BuyXGetYAddedGetItemsBeyondTheUsesEarnedAreFlagged) {
  // Two bags of coffee earn one half-price mug; the order claims two.
  const Json forged = fixture("bxgy-order-forged");
  install(forged["program"]);
  const Json answer = send(forged["order"], "wh-bxgy-forged");
  EXPECT_EQ(answer["earned"], false) << answer.dump();
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-flagged", "tiercart-quantity_exceeded"}));
  const Json& line = answer["verdict"]["verdicts"][0]["lines"][0];
  EXPECT_EQ(line["reason"], "quantity_exceeded");
  EXPECT_EQ(line["earned_quantity"], 1);
}

TEST_F(Rules, SaleItemsLeftOutAFullPriceOrderThatEarnsTheGiftIsVerified) {
  // The shop's context gives the beanie's compare-at price: it is on sale and does not count.
  const Json honest = fixture("sale-items-order-honest");
  install(honest["program"], honest["context"].dump());
  const Json answer = send(honest["order"], "wh-sale-honest");
  EXPECT_EQ(answer["earned"], true) << answer.dump();
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-verified"}));
}

TEST_F(Rules, SaleItemsLeftOutAGiftReachedOnlyWithASaleItemIsFlagged) {
  const Json forged = fixture("sale-items-order-forged");
  install(forged["program"], forged["context"].dump());
  const Json answer = send(forged["order"], "wh-sale-forged");
  EXPECT_EQ(answer["earned"], false) << answer.dump();
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-flagged", "tiercart-below_threshold"}));
}

TEST_F(Rules, CustomerHistoryAReturningCustomersToteIsVerified) {
  const Json honest = fixture("history-order-honest");
  install(honest["program"], honest["context"].dump());
  const Json answer = send(honest["order"], "wh-history-honest");
  EXPECT_EQ(answer["earned"], true) << answer.dump();
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-verified"}));
}

TEST_F(Rules, CustomerHistoryAFirstOrderClaimingTheReturningCustomersToteIsFlagged) {
  const Json forged = fixture("history-order-forged");
  install(forged["program"], forged["context"].dump());
  const Json answer = send(forged["order"], "wh-history-forged");
  EXPECT_EQ(answer["earned"], false) << answer.dump();
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-flagged", "tiercart-not_eligible"}));
}

TEST_F(Rules, CustomerHistoryAGuestClaimingTheReturningCustomersToteIsFlagged) {
  const Json guest = fixture("history-order-guest");
  install(guest["program"], guest["context"].dump());
  const Json answer = send(guest["order"], "wh-history-guest");
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-flagged", "tiercart-not_eligible"}));
}

// Thresholds by country (section 11.1): the tote from $100.00, $150.00 in Canada. The order is
// judged by its shipping address, even against a stored context that names another country.
Json context_in(const Json& fixture_doc, const std::string& country) {
  Json context = fixture_doc["context"];
  context["country"] = country;
  return context;
}

TEST_F(Rules, CountryThresholdsACanadianOrderOverCanadasThresholdIsVerified) {
  const Json honest = fixture("markets-order-ca-honest");
  ASSERT_EQ(honest["order"]["shipping_address"]["country_code"], "CA");
  install(honest["program"], context_in(honest, "US").dump());
  const Json answer = send(honest["order"], "wh-markets-ca-honest");
  EXPECT_EQ(answer["earned"], true) << answer.dump();
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-verified"}));
}

TEST_F(Rules, CountryThresholdsACanadianOrderOverOnlyTheUsThresholdIsFlagged) {
  const Json forged = fixture("markets-order-ca-forged");
  ASSERT_EQ(forged["order"]["shipping_address"]["country_code"], "CA");
  install(forged["program"], context_in(forged, "US").dump());
  const Json answer = send(forged["order"], "wh-markets-ca-forged");
  EXPECT_EQ(answer["earned"], false) << answer.dump();
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-flagged", "tiercart-below_threshold"}));
  // The same lines shipped to the United States earn the tote.
  const Json us = fixture("markets-order-us-honest");
  const Json verified = send(us["order"], "wh-markets-us-honest");
  EXPECT_EQ(verified["earned"], true) << verified.dump();
}

// Schedules: the server reads the order's created_at (in the shop's offset) as checkout read
// the shop's clock, so the weekend's last second is in and its end is out.
TEST_F(Rules, ScheduleAnOrderPlacedInsideTheWeekendIsVerified) {
  const Json honest = fixture("schedule-order-honest");
  install(honest["program"], honest["context"].dump());
  const Json answer = send(honest["order"], "wh-schedule-honest");
  EXPECT_EQ(answer["earned"], true) << answer.dump();
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-verified"}));
}

TEST_F(Rules, ScheduleAnOrderPlacedWhenTheWeekendEndedIsFlagged) {
  const Json late = fixture("schedule-order-after-end");
  install(late["program"], late["context"].dump());
  const Json answer = send(late["order"], "wh-schedule-late");
  EXPECT_EQ(answer["earned"], false) << answer.dump();
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-flagged", "tiercart-expired"}));
}

}  // namespace
}  // namespace tiercart::server::testing
