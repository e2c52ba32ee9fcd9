// The merchant's figures: what a judged order contributes (order_figures), the refunds and
// cancellations that change it, and the report over a period (report_json), checked against
// answers worked out by hand.

#include "tiercart/insight.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tiercart/tiercart.h"

namespace tiercart {
namespace {

using Json = nlohmann::json;

std::string Example(const std::string& relative) {
  std::ifstream in(std::string(TIERCART_SOURCE_DIR) + "/examples/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<const Program> ToteProgram() {
  auto program = parse_program(Example("programs/free-shipping-and-tote.json"));
  EXPECT_TRUE(program);
  return std::make_shared<const Program>(program.value());
}

Context Catalog() {
  auto context = parse_context(Example("contexts/catalog.json"));
  EXPECT_TRUE(context);
  return context.value();
}

OrderFigures FiguresOf(const std::string& order_json,
                       const std::shared_ptr<const Program>& program) {
  auto order = parse_order(order_json);
  EXPECT_TRUE(order) << (order ? "" : order.error().message);
  const Context context = Catalog();
  const OrderVerdict verdict =
      judge_order(order.value(), context, [&](const std::string&, int64_t) { return program; });
  auto figures = order_figures(order_json, order.value(), verdict, {program}, context);
  EXPECT_TRUE(figures) << (figures ? "" : figures.error().message);
  return figures ? figures.value() : OrderFigures{};
}

// A REST order with the given lines (JSON), subtotal and created_at, in USD.
std::string UsdOrder(int64_t id, const std::string& subtotal, const std::string& created_at,
                     const std::string& lines) {
  return R"({"id":)" + std::to_string(id) + R"(,"currency":"USD","created_at":")" + created_at +
         R"(","subtotal_price":")" + subtotal + R"(","line_items":[)" + lines + "]}";
}

TEST(OrderFigures, AnEarnedOrderCountsItsSubtotalTiersAndRewardsAtTheirCost) {
  const OrderFigures f = FiguresOf(Example("orders/orders-create-earned.json"), ToteProgram());
  EXPECT_EQ(f.day, "2026-11-21");  // 09:14 at -05:00: the shop's day
  EXPECT_EQ(f.currency, "USD");
  EXPECT_EQ(f.subtotal, 12100);
  ASSERT_EQ(f.tiers.size(), 2u);
  EXPECT_EQ(f.tiers[0].tier_id, "free-shipping");
  EXPECT_EQ(f.tiers[0].threshold, 5000);
  EXPECT_EQ(f.tiers[1].tier_id, "tote");
  EXPECT_EQ(f.tiers[1].threshold, 10000);
  EXPECT_EQ(f.cost.gifts, 2500);         // the tote line: 1 x 25.00
  EXPECT_EQ(f.cost.free_shipping, 795);  // the shipping line's discount
  EXPECT_EQ(f.cost.total(), 3295);
  EXPECT_FALSE(f.flagged);
  EXPECT_TRUE(f.reasons.empty());
}

TEST(OrderFigures, AForgedGiftIsCountedAsGivenAndTheOrderFlaggedWithItsReason) {
  const OrderFigures f = FiguresOf(Example("orders/orders-create-forged.json"), ToteProgram());
  EXPECT_TRUE(f.flagged);
  ASSERT_FALSE(f.reasons.empty());
  EXPECT_EQ(f.reasons[0], "below_threshold");
  EXPECT_GT(f.cost.gifts, 0);
}

TEST(OrderFigures, TheDayIsTheShopsDateNotUtcs) {
  // 23:30 in New York is already the next day in UTC.
  const OrderFigures f =
      FiguresOf(UsdOrder(5, "40.00", "2026-11-21T23:30:00-05:00",
                         R"({"variant_id":2002,"product_id":1,"quantity":1,"price":"40.00"})"),
                ToteProgram());
  EXPECT_EQ(f.day, "2026-11-21");
  EXPECT_EQ(f.subtotal, 4000);
  EXPECT_TRUE(f.tiers.empty());
  EXPECT_EQ(f.cost.total(), 0);
}

TEST(OrderFigures, AnOrderPaidInEurosIsCountedInTheShopCurrencyAtItsOwnRate) {
  // 60.00 EUR paid, which Shopify counted as 66.00 USD (its rate that day, not today's).
  const std::string order = R"({"id":9,"currency":"USD","presentment_currency":"EUR",
    "created_at":"2026-11-21T10:00:00+01:00",
    "subtotal_price":"66.00","subtotal_price_set":{"shop_money":{"amount":"66.00","currency_code":"USD"},
      "presentment_money":{"amount":"60.00","currency_code":"EUR"}},
    "line_items":[{"variant_id":2002,"product_id":1,"quantity":1,"price":"66.00",
      "price_set":{"shop_money":{"amount":"66.00","currency_code":"USD"},
                   "presentment_money":{"amount":"60.00","currency_code":"EUR"}}}]})";
  auto program = ToteProgram();
  auto parsed = parse_order(order);
  ASSERT_TRUE(parsed) << parsed.error().message;
  // The shop's context, as the server keeps it: a rate for each other currency it sells in.
  Context context = Catalog();
  context.presentment_currency.clear();
  context.rates["EUR"] = parse_rate("0.92", "$").value();
  const OrderVerdict verdict = judge_order(parsed.value(), for_currency(context, "EUR"),
                                           [&](const std::string&, int64_t) { return program; });
  auto f = order_figures(order, parsed.value(), verdict, {program}, context);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f.value().currency, "USD");
  EXPECT_EQ(f.value().subtotal, 6600);
  // 60 EUR is over the free-shipping threshold (50 USD at 0.92 is 46 EUR), under the tote's.
  ASSERT_EQ(f.value().tiers.size(), 1u);
  EXPECT_EQ(f.value().tiers[0].tier_id, "free-shipping");
}

TEST(OrderFigures, AnOrderInAnotherCurrencyWithoutShopMoneyIsAnErrorNamingTheField) {
  const std::string order = R"({"id":9,"currency":"USD","presentment_currency":"EUR",
    "created_at":"2026-11-21T10:00:00Z",
    "line_items":[{"variant_id":2002,"quantity":1,"price":"60.00",
      "price_set":{"presentment_money":{"amount":"60.00","currency_code":"EUR"}}}]})";
  auto parsed = parse_order(order);
  ASSERT_TRUE(parsed) << parsed.error().message;
  auto f = order_figures(order, parsed.value(), OrderVerdict{}, {}, Context());
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, "missing_field");
  EXPECT_EQ(f.error().path, "$.subtotal_price_set");
}

TEST(OrderFigures, AnOrderWithoutCreatedAtHasNoFigures) {
  const std::string order = R"({"id":9,"currency":"USD","line_items":[]})";
  auto parsed = parse_order(order);
  ASSERT_TRUE(parsed);
  auto f = order_figures(order, parsed.value(), OrderVerdict{}, {}, Context());
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().path, "$.created_at");
}

TEST(OrderFigures, RoundTripThroughTheirJson) {
  const OrderFigures f = FiguresOf(Example("orders/orders-create-earned.json"), ToteProgram());
  auto back = parse_order_figures(to_json(f));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(to_json(back.value()), to_json(f));
}

TEST(Adjustments, ARefundIsItsLinesSubtotalInTheShopCurrency) {
  auto refund = parse_refund(R"({"id":71,"order_id":9,"refund_line_items":[
    {"line_item_id":1,"quantity":1,"subtotal":"30.00",
     "subtotal_set":{"shop_money":{"amount":"33.00","currency_code":"USD"},
                     "presentment_money":{"amount":"30.00","currency_code":"EUR"}}},
    {"line_item_id":2,"quantity":1,"subtotal_set":{"shop_money":{"amount":"5.50","currency_code":"USD"}}}]})");
  ASSERT_TRUE(refund) << refund.error().message;
  EXPECT_EQ(refund.value().key, "refund:71");
  EXPECT_EQ(refund.value().order_id, 9);
  EXPECT_EQ(refund.value().refunded, 3850);
  EXPECT_FALSE(refund.value().cancelled);
}

TEST(Adjustments, ARefundWithoutItsOrderIsAnErrorAtThePath) {
  auto refund = parse_refund(R"({"id":71,"refund_line_items":[]})");
  ASSERT_FALSE(refund);
  EXPECT_EQ(refund.error().code, "missing_field");
  EXPECT_EQ(refund.error().path, "$.order_id");
}

TEST(Adjustments, AnUpdateCancelsOnlyWhenCancelledAtIsSet) {
  auto open = parse_cancellation(R"({"id":9,"cancelled_at":null})");
  ASSERT_TRUE(open);
  EXPECT_FALSE(open.value().has_value());
  auto cancelled = parse_cancellation(R"({"id":9,"cancelled_at":"2026-11-22T08:00:00-05:00"})");
  ASSERT_TRUE(cancelled);
  ASSERT_TRUE(cancelled.value().has_value());
  EXPECT_EQ(cancelled.value()->key, "cancel:9");
  EXPECT_TRUE(cancelled.value()->cancelled);
  auto bad = parse_cancellation(R"({"id":9,"cancelled_at":"yesterday"})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "invalid_time");
}

TEST(Periods, WeeksStartOnMondayAndMonthsOnTheFirst) {
  EXPECT_EQ(period_start("2026-12-03", Period::kWeek), "2026-11-30");  // a Thursday
  EXPECT_EQ(period_start("2026-11-30", Period::kWeek), "2026-11-30");  // a Monday
  EXPECT_EQ(period_start("2026-11-29", Period::kWeek), "2026-11-23");  // a Sunday
  EXPECT_EQ(period_start("2027-01-01", Period::kWeek), "2026-12-28");  // across a year
  EXPECT_EQ(period_start("2026-12-03", Period::kMonth), "2026-12-01");
  EXPECT_EQ(period_start("2026-12-03", Period::kDay), "2026-12-03");
  EXPECT_TRUE(is_day("2024-02-29"));
  EXPECT_FALSE(is_day("2026-02-29"));
  EXPECT_FALSE(is_day("2026-2-1"));
}

// A figure with one bar of two tiers: "ship" at 50.00 and "tote" at 100.00.
ReportOrder Figure(int64_t id, const std::string& day, int64_t subtotal, int64_t refunded = 0,
                   bool cancelled = false, const std::string& currency = "USD") {
  ReportOrder order;
  order.figures.order_id = id;
  order.figures.day = day;
  order.figures.currency = currency;
  order.figures.subtotal = subtotal;
  if (subtotal >= 5000) {
    order.figures.tiers.push_back({"p", "main", "ship", Metric::kSpend, 5000});
    order.figures.cost.free_shipping = 500;
  }
  if (subtotal >= 10000) {
    order.figures.tiers.push_back({"p", "main", "tote", Metric::kSpend, 10000});
    order.figures.cost.gifts = 2500;
  }
  order.refunded = refunded;
  order.cancelled = cancelled;
  return order;
}

Json Report(const std::vector<ReportOrder>& orders, Period period, const std::string& from,
            const std::string& to) {
  ReportRequest request;
  request.period = period;
  request.from = from;
  request.to = to;
  request.currency = "USD";
  auto report = report_json(orders, request);
  EXPECT_TRUE(report) << (report ? "" : report.error().message);
  return report ? Json::parse(report.value()) : Json();
}

TEST(Report, CountsOrdersAovTierReachAndCostOverThePeriod) {
  const Json r = Report({Figure(1, "2026-11-02", 4000), Figure(2, "2026-11-02", 6000),
                         Figure(3, "2026-11-03", 12000), Figure(4, "2026-11-04", 8000)},
                        Period::kDay, "2026-11-02", "2026-11-04");
  EXPECT_EQ(r["orders"], 4);
  EXPECT_EQ(r["sales"]["amount"], 30000);
  EXPECT_EQ(r["aov"]["amount"], 7500);
  EXPECT_EQ(r["aov"]["text"], "$75.00");
  // Free shipping on three orders (3 x 5.00), one tote (25.00).
  EXPECT_EQ(r["rewards_cost"]["amount"], 4000);
  EXPECT_EQ(r["rewards"]["free_shipping"]["amount"], 1500);
  EXPECT_EQ(r["rewards"]["gifts"]["amount"], 2500);
  EXPECT_EQ(r["cost_per_order"]["amount"], 1000);
  ASSERT_EQ(r["tiers"].size(), 2u);
  const Json& ship = r["tiers"][0];
  EXPECT_EQ(ship["tier"], "ship");
  EXPECT_EQ(ship["reached"], 3);
  EXPECT_EQ(ship["share_bp"], 7500);
  EXPECT_EQ(ship["aov_reached"]["amount"], 8667);  // 26000 / 3, rounded
  EXPECT_EQ(ship["aov_not_reached"]["amount"], 4000);
  EXPECT_EQ(ship["threshold_text"], "$50.00");
  const Json& tote = r["tiers"][1];
  EXPECT_EQ(tote["reached"], 1);
  EXPECT_EQ(tote["share_bp"], 2500);
  EXPECT_EQ(tote["aov_not_reached"]["amount"], 6000);
  ASSERT_EQ(r["periods"].size(), 3u);
  EXPECT_EQ(r["periods"][0]["start"], "2026-11-02");
  EXPECT_EQ(r["periods"][0]["orders"], 2);
  EXPECT_EQ(r["periods"][0]["aov"]["amount"], 5000);
  EXPECT_EQ(r["periods"][0]["tiers"][0]["reached"], 1);
  EXPECT_EQ(r["periods"][0]["tiers"][0]["share_bp"], 5000);
  EXPECT_EQ(r["periods"][1]["tiers"][1]["reached"], 1);
}

TEST(Report, RefundsLowerSalesAndAFullRefundOrACancellationLeavesTheFigures) {
  const Json r =
      Report({Figure(1, "2026-11-02", 6000, /*refunded=*/2000),
              Figure(2, "2026-11-02", 12000, /*refunded=*/12000),
              Figure(3, "2026-11-02", 9000, 0, /*cancelled=*/true), Figure(4, "2026-11-02", 3000)},
             Period::kDay, "2026-11-02", "2026-11-02");
  EXPECT_EQ(r["orders"], 2);              // 1 (net 40.00) and 4
  EXPECT_EQ(r["sales"]["amount"], 7000);  // 4000 + 3000
  EXPECT_EQ(r["aov"]["amount"], 3500);
  EXPECT_EQ(r["cancelled"], 1);
  EXPECT_EQ(r["refunded_orders"], 2);
  EXPECT_EQ(r["refunded"]["amount"], 14000);
  // Order 1 reached free shipping when it was placed: the reward was given.
  ASSERT_EQ(r["tiers"].size(), 1u);
  EXPECT_EQ(r["tiers"][0]["reached"], 1);
  EXPECT_EQ(r["rewards_cost"]["amount"], 500);
}

TEST(Report, ALiveTierNoOrderReachedIsListedWithNoOrders) {
  ReportRequest request;
  request.from = request.to = "2026-11-02";
  request.currency = "USD";
  request.tiers = {{"p", "main", "ship", Metric::kSpend, 5000},
                   {"p", "main", "pick-a-gift", Metric::kSpend, 15000}};
  auto report = report_json({Figure(1, "2026-11-02", 6000)}, request);
  ASSERT_TRUE(report);
  const Json r = Json::parse(report.value());
  ASSERT_EQ(r["tiers"].size(), 2u);
  EXPECT_EQ(r["tiers"][0]["tier"], "pick-a-gift");
  EXPECT_EQ(r["tiers"][0]["reached"], 0);
  EXPECT_EQ(r["tiers"][0]["threshold"], 15000);
  EXPECT_EQ(r["tiers"][1]["tier"], "ship");
  EXPECT_EQ(r["tiers"][1]["reached"], 1);
  // The chart reaches the highest threshold, reached or not: 150.00 in bars of 10.00.
  EXPECT_EQ(r["subtotals"]["width"]["amount"], 1000);
}

TEST(Report, OrdersOutsideTheRangeOrInAnotherCurrencyAreLeftOut) {
  const Json r = Report({Figure(1, "2026-11-01", 6000), Figure(2, "2026-11-02", 6000),
                         Figure(3, "2026-11-02", 6000, 0, false, "CAD")},
                        Period::kDay, "2026-11-02", "2026-11-02");
  EXPECT_EQ(r["orders"], 1);
  EXPECT_EQ(r["left_out"], 2);
}

TEST(Report, EveryPeriodOfTheRangeIsListedEmptyOnesToo) {
  const Json weeks = Report({Figure(1, "2026-11-04", 6000), Figure(2, "2026-11-19", 6000)},
                            Period::kWeek, "2026-11-01", "2026-11-30");
  std::vector<std::string> starts;
  for (const auto& p : weeks["periods"]) starts.push_back(p["start"]);
  EXPECT_EQ(starts, (std::vector<std::string>{"2026-10-26", "2026-11-02", "2026-11-09",
                                              "2026-11-16", "2026-11-23", "2026-11-30"}));
  EXPECT_EQ(weeks["periods"][1]["orders"], 1);
  EXPECT_EQ(weeks["periods"][2]["orders"], 0);
  EXPECT_EQ(weeks["periods"][2]["aov"]["amount"], 0);
  const Json months = Report({}, Period::kMonth, "2026-01-15", "2026-12-31");
  EXPECT_EQ(months["periods"].size(), 12u);
  EXPECT_EQ(months["orders"], 0);
}

TEST(Report, SubtotalsFallInRoundBarsThatReachPastTheHighestThreshold) {
  std::vector<ReportOrder> orders;
  for (int i = 0; i < 20; ++i) orders.push_back(Figure(i + 1, "2026-11-02", 4800 + i * 50));
  orders.push_back(Figure(99, "2026-11-02", 1'000'000));  // one very large order
  const Json r = Report(orders, Period::kDay, "2026-11-02", "2026-11-02");
  const Json& s = r["subtotals"];
  // The highest threshold is 100.00: 20 bars of 5.00 reach it.
  EXPECT_EQ(s["width"]["amount"], 500);
  int64_t counted = 0;
  for (const auto& bucket : s["buckets"]) counted += bucket["orders"].get<int64_t>();
  EXPECT_EQ(counted, 21);
  EXPECT_LE(s["buckets"].size(), 40u);
  EXPECT_TRUE(s["buckets"].back()["to"].is_null());  // the last bar holds every larger order
  // 48.00 .. 57.50: bars [45, 50) and [50, 55) and [55, 60).
  EXPECT_EQ(s["buckets"][9]["orders"], 4);  // 48.00, 48.50, 49.00, 49.50
  EXPECT_EQ(s["buckets"][10]["orders"], 10);
}

TEST(Report, ABadRangeIsAnErrorNotAnEmptyReport) {
  ReportRequest request;
  request.from = "2026-11-30";
  request.to = "2026-11-01";
  auto backwards = report_json({}, request);
  ASSERT_FALSE(backwards);
  EXPECT_EQ(backwards.error().path, "to");
  request.from = "2020-01-01";
  request.to = "2026-01-01";
  auto too_long = report_json({}, request);
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, "too_many");
  request.from = "2026-13-01";
  auto not_a_day = report_json({}, request);
  ASSERT_FALSE(not_a_day);
  EXPECT_EQ(not_a_day.error().path, "from");
}

}  // namespace
}  // namespace tiercart
