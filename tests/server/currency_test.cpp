// Orders paid in another currency than the shop's: the server judges them with the rate the
// admin API gave for that currency (`rates` in the shop context).
#include <gtest/gtest.h>

#include <string>

#include "test_support.h"
#include "tiercart/money.h"

namespace tiercart::server::testing {
namespace {

// The earned example order as a shopper paying in euros at 0.92 would have placed it:
// every presentment amount is the dollar amount x 0.92, to the cent.
Json in_euros(Json order) {
  auto euros = [](const std::string& dollars) {
    const int64_t cents = parse_decimal_amount(dollars, "USD", "$").value();
    return decimal_text(cents * 92 / 100, 2);  // exact for the example's whole-dollar prices
  };
  order["presentment_currency"] = "EUR";
  for (auto& line : order["line_items"]) {
    line["price_set"]["presentment_money"] = {{"amount", euros(line["price"])},
                                              {"currency_code", "EUR"}};
    for (auto& allocation : line["discount_allocations"]) {
      allocation["amount_set"]["presentment_money"] = {{"amount", euros(allocation["amount"])},
                                                       {"currency_code", "EUR"}};
    }
  }
  return order;
}

class Currency : public ::testing::Test {
 protected:
  void SetUp() override { server_.install_examples(); }

  // The example catalog context with `rates` added.
  int put_context_with_rates(const Json& rates) {
    Json context = example_json("contexts/catalog.json");
    context["rates"] = rates;
    auto res = http_->Put(admin_path("/admin/context"), admin_headers(), context.dump(),
                          "application/json");
    EXPECT_TRUE(res);
    return res ? res->status : 0;
  }

  Json send(const Json& order, const std::string& webhook_id) {
    auto res = post_webhook(*http_, order.dump(), webhook_id);
    EXPECT_TRUE(res);
    if (!res) return Json();
    EXPECT_EQ(res->status, 200) << res->body;
    return parse(res->body);
  }

  TestServer server_;
  std::unique_ptr<httplib::Client> http_ = server_.client();
};

TEST_F(Currency, AnEuroOrderAboveTheConvertedThresholdEarnsItsGift) {
  ASSERT_EQ(put_context_with_rates({{"EUR", "0.92"}}), 200);
  // €111.32 of counting lines against the $100.00 tier, which reads €92.00.
  const Json answer = send(in_euros(example_json("orders/orders-create-earned.json")), "eur-1");
  EXPECT_EQ(answer["earned"], true) << answer.dump();
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-verified"}));
}

TEST_F(Currency, AnEuroOrderBelowTheConvertedThresholdIsFlagged) {
  ASSERT_EQ(put_context_with_rates({{"EUR", "0.92"}}), 200);
  // €62.56 of counting lines: the tote claim is forged in euros as well.
  const Json answer = send(in_euros(example_json("orders/orders-create-forged.json")), "eur-2");
  EXPECT_EQ(answer["earned"], false);
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-flagged", "tiercart-below_threshold"}));
}

TEST_F(Currency, AnEuroOrderWithNoRateForEurosIsFlaggedForAPerson) {
  const Json answer = send(in_euros(example_json("orders/orders-create-earned.json")), "eur-3");
  EXPECT_EQ(answer["earned"], false);
  EXPECT_EQ(answer["tags"][0], "tiercart-flagged");
}

TEST_F(Currency, RatesMustBeDecimalStringsOfKnownCurrencies) {
  EXPECT_EQ(put_context_with_rates({{"EUR", 0.92}}), 400);
  EXPECT_EQ(put_context_with_rates({{"XYZ", "1.5"}}), 400);
  EXPECT_EQ(put_context_with_rates({{"USD", "1"}}), 400);  // the shop's own currency
  EXPECT_EQ(put_context_with_rates({{"EUR", "-0.92"}}), 400);
  EXPECT_EQ(put_context_with_rates(Json::array({"EUR"})), 400);
}

TEST_F(Currency, RatesNeedTheShopCurrency) {
  Json context = example_json("contexts/catalog.json");
  context.erase("shop_currency");
  context["rates"] = {{"EUR", "0.92"}};
  auto res =
      http_->Put(admin_path("/admin/context"), admin_headers(), context.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(parse(res->body)["error"]["path"], "$.shop_currency");
}

TEST_F(Currency, TheRatesSurviveARestart) {
  ASSERT_EQ(put_context_with_rates({{"EUR", "0.92"}}), 200);
  server_.service().stop();
  TestServer again(test_config(server_.database()));
  auto http = again.client();
  auto res = post_webhook(*http, in_euros(example_json("orders/orders-create-earned.json")).dump(),
                          "eur-restart");
  ASSERT_TRUE(res);
  EXPECT_EQ(parse(res->body)["earned"], true) << res->body;
}

}  // namespace
}  // namespace tiercart::server::testing
