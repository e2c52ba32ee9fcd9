// What-if: Shopify's orders export read into orders (OrdersExportReader, split by libcsv in
// OrdersCsv) and a program replayed over them (what_if_json). The expected figures are worked
// out by hand from tests/fixtures/exports/.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tiercart/orders_csv.h"
#include "tiercart/tiercart.h"

namespace tiercart {
namespace {

using Json = nlohmann::json;

std::string Read(const std::string& relative) {
  std::ifstream in(std::string(TIERCART_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

OrdersExport Export(const std::string& fixture) {
  auto orders = read_orders_csv(Read("tests/fixtures/exports/" + fixture));
  EXPECT_TRUE(orders) << (orders ? "" : orders.error().message);
  return orders ? std::move(orders).value() : OrdersExport{};
}

Json WhatIf(const std::string& program_json, const OrdersExport& orders,
            const std::string& context_json = "") {
  auto program = parse_program(program_json);
  EXPECT_TRUE(program) << (program ? "" : program.error().message);
  auto context = parse_context(context_json);
  EXPECT_TRUE(context) << (context ? "" : context.error().message);
  auto result = what_if_json(program.value(), orders, context.value());
  EXPECT_TRUE(result) << (result ? "" : result.error().message);
  return result ? Json::parse(result.value()) : Json();
}

Error Refusal(const std::string& csv) {
  auto orders = read_orders_csv(csv);
  EXPECT_FALSE(orders);
  return orders ? Error{} : orders.error();
}

TEST(OrdersExport, AnOrdersRowsBecomeOneOrderAndCancelledOrdersAreLeftOut) {
  const OrdersExport e = Export("orders-usd.csv");
  EXPECT_EQ(e.currency, "USD");
  EXPECT_EQ(e.rows, 8);  // 9 lines, one of them inside a quoted note
  EXPECT_EQ(e.cancelled, 1);
  ASSERT_EQ(e.orders.size(), 4u);
  const ExportOrder& first = e.orders[0];
  EXPECT_EQ(first.name, "#1001");
  EXPECT_EQ(first.row, 2);
  EXPECT_EQ(first.country, "US");
  EXPECT_EQ(first.subtotal, 12100);
  ASSERT_EQ(first.cart.items.size(), 3u);
  EXPECT_EQ(first.cart.items[1].price, 3200);
  EXPECT_EQ(first.cart.items[2].final_line_price, 0);  // the tote, discounted to zero
  EXPECT_EQ(first.cart.cart_level_discount, 0);
  // #1003: 64.45 with a 6.45 code on the order: the lines leave 6.45 above its subtotal.
  EXPECT_EQ(e.orders[2].name, "#1003");
  EXPECT_EQ(e.orders[2].cart.cart_level_discount, 645);
  EXPECT_EQ(e.orders[3].name, "#1005");
  EXPECT_EQ(e.orders[3].row, 9);
  EXPECT_EQ(e.orders[3].shipping, 795);
}

TEST(OrdersExport, ZeroDecimalAmountsAreWholeYenAndColumnsAreFoundByName) {
  const OrdersExport e = Export("orders-jpy.csv");
  EXPECT_EQ(e.currency, "JPY");
  ASSERT_EQ(e.orders.size(), 3u);
  EXPECT_EQ(e.orders[0].subtotal, 12000);
  EXPECT_EQ(e.orders[0].cart.items[0].quantity, 2);
  EXPECT_EQ(e.orders[1].cart.cart_level_discount, 1000);
  EXPECT_EQ(e.orders[2].cart.items.size(), 2u);
}

TEST(OrdersExport, ErrorsNameTheRowAndTheColumn) {
  const std::string header = "Name,Currency,Subtotal,Lineitem quantity,Lineitem price\n";
  const Error price = Refusal(header + "#1,USD,10.00,1,10.00\n#1,,,1,ten\n");
  EXPECT_EQ(price.code, "invalid_amount");
  EXPECT_EQ(price.path, "row 3, column Lineitem price");
  const Error mixed = Refusal(header + "#1,USD,10.00,1,10.00\n#2,EUR,10.00,1,10.00\n");
  EXPECT_EQ(mixed.code, "mixed_currencies");
  EXPECT_EQ(mixed.path, "row 3, column Currency");
  const Error quantity = Refusal(header + "#1,USD,10.00,-1,10.00\n");
  EXPECT_EQ(quantity.path, "row 2, column Lineitem quantity");
  const Error missing = Refusal("Name,Currency,Subtotal,Lineitem quantity\n#1,USD,1.00,1\n");
  EXPECT_EQ(missing.code, "missing_column");
  EXPECT_EQ(missing.path, "row 1, column Lineitem price");
  const Error decimals = Refusal(header + "#1,JPY,10.5,1,10.5\n");
  EXPECT_EQ(decimals.path, "row 2, column Subtotal");
}

TEST(OrdersExport, AFileThatIsNotCsvIsRefusedAtItsRow) {
  const Error quote = Refusal(
      "Name,Currency,Subtotal,Lineitem quantity,Lineitem price\n#1,USD,1.00,1,1.00\n"
      "#2,USD,\"1.00\"x,1,1.00\n");
  EXPECT_EQ(quote.code, "invalid_csv");
  EXPECT_EQ(quote.path, "row 3");
  const Error json = Refusal("{\"orders\": []}\n");
  EXPECT_EQ(json.code, "invalid_csv");
  EXPECT_EQ(json.path, "row 1");
  const Error empty = Refusal("");
  EXPECT_EQ(empty.code, "missing_column");
  const Error binary = Refusal(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  EXPECT_EQ(binary.code, "missing_column");
}

TEST(OrdersExport, ChunksSplitAnywhereReadTheSame) {
  const std::string text = Read("tests/fixtures/exports/orders-usd.csv");
  OrdersCsv csv;
  for (std::size_t at = 0; at < text.size(); at += 7) {
    ASSERT_FALSE(csv.feed(std::string_view(text).substr(at, 7)));
  }
  auto orders = csv.finish();
  ASSERT_TRUE(orders);
  EXPECT_EQ(orders.value().orders.size(), 4u);
  EXPECT_EQ(orders.value().orders[0].cart.items.size(), 3u);
}

TEST(WhatIf, CountsReachShareNearAndCostOfEachTier) {
  const Json r = WhatIf(Read("examples/programs/free-shipping-and-tote.json"),
                        Export("orders-usd.csv"), Read("examples/contexts/catalog.json"));
  EXPECT_EQ(r["orders"], 4);
  EXPECT_EQ(r["left_out"]["cancelled"], 1);
  EXPECT_EQ(r["aov"]["amount"], 8000);  // (121 + 46 + 58 + 95) / 4
  const Json& tiers = r["bars"][0]["tiers"];
  // Free shipping at 50.00: #1001, #1003, #1005; #1002 (46.00) is within 10% below.
  EXPECT_EQ(tiers[0]["reached"], 3);
  EXPECT_EQ(tiers[0]["share"], 0.75);
  EXPECT_EQ(tiers[0]["near"], 1);
  EXPECT_EQ(tiers[0]["cost"]["amount"], 795);  // the shipping #1005 paid; the others paid none
  // The tote at 100.00: #1001; #1005 (95.00) is near. Its cost is the catalog's 25.00.
  EXPECT_EQ(tiers[1]["reached"], 1);
  EXPECT_EQ(tiers[1]["near"], 1);
  EXPECT_EQ(tiers[1]["cost"]["amount"], 2500);
  EXPECT_EQ(tiers[1]["threshold_text"], "$100.00");
  EXPECT_TRUE(r["proposals"].empty());  // too few orders to propose from
}

TEST(WhatIf, AZeroDecimalCurrencyIsMeasuredInWholeYen) {
  const Json r = WhatIf(R"({"format":1,"id":"yen","version":2,"currency":"JPY","bars":[
      {"id":"main","tiers":[{"id":"ship","threshold":10000,"reward":{"type":"free_shipping"}}]}]})",
                        Export("orders-jpy.csv"));
  EXPECT_EQ(r["orders"], 3);
  EXPECT_EQ(r["aov"]["amount"], 11833);  // 35500 / 3
  const Json& ship = r["bars"][0]["tiers"][0];
  EXPECT_EQ(ship["reached"], 2);
  EXPECT_EQ(ship["near"], 0);  // 8000 is 20% below
  EXPECT_EQ(ship["cost"]["amount"], 500);
}

TEST(WhatIf, ProposesThresholdsFromPercentilesAndSaysByWhichRule) {
  std::string csv = "Name,Currency,Subtotal,Lineitem quantity,Lineitem price\n";
  for (int i = 1; i <= 100; ++i) {  // subtotals 1.00 .. 100.00
    const std::string amount = std::to_string(i) + ".00";
    csv += "#" + std::to_string(i) + ",USD," + amount + ",1," + amount + "\n";
  }
  auto orders = read_orders_csv(csv);
  ASSERT_TRUE(orders);
  const Json r = WhatIf(Read("examples/programs/free-shipping-and-tote.json"), orders.value(),
                        Read("examples/contexts/catalog.json"));
  ASSERT_EQ(r["proposals"].size(), 2u);
  // Two tiers: the 60th and 90th percentiles, the subtotals at index 99 x p / 100 of the
  // sorted 100: 60.00 and 90.00. Each is rounded up to a 1-2-5 step of about a twentieth of
  // it (2.00 for both), which they already are.
  EXPECT_EQ(r["proposals"][0]["tier"], "free-shipping");
  EXPECT_EQ(r["proposals"][0]["threshold"], 6000);
  EXPECT_EQ(r["proposals"][0]["reached"], 41);  // 60.00 .. 100.00
  EXPECT_EQ(r["proposals"][1]["threshold"], 9000);
  EXPECT_EQ(r["proposals"][1]["reached"], 11);
  EXPECT_NE(r["proposals"][1]["rule"].get<std::string>().find("90th percentile"),
            std::string::npos);
}

// Thresholds by country (program-format.md section 11.1): each order is measured by its
// Shipping Country's threshold; the tier's threshold shown is the one for everyone else.
TEST(WhatIf, EachOrderIsMeasuredByItsCountrysThresholdAndTheTierShowsItsOwn) {
  auto order = [](const std::string& name, const std::string& country, int64_t amount) {
    ExportOrder o;
    o.name = name;
    o.country = country;
    o.subtotal = amount;
    o.cart.currency = "USD";
    CartLine line;
    line.variant_id = 2004;
    line.product_id = 1002;
    line.quantity = 1;
    line.price = line.original_line_price = line.final_line_price = amount;
    o.cart.items.push_back(line);
    return o;
  };
  OrdersExport orders;
  orders.currency = "USD";
  // A US order over $100.00, then Canadian ones short of Canada's $150.00 (the last one near).
  orders.orders = {order("#1", "US", 12000), order("#2", "CA", 12000), order("#3", "CA", 14000)};
  const Json r = WhatIf(R"({"format": 1, "id": "m", "version": 1, "currency": "USD",
    "bars": [{"id": "b", "tiers": [{"id": "tote", "threshold": 10000,
      "thresholds_by_country": {"CA": 15000}, "reward": {"type": "free_shipping"}}]}]})",
                        orders);
  const Json& tote = r["bars"][0]["tiers"][0];
  EXPECT_EQ(tote["reached"], 1);
  EXPECT_EQ(tote["near"], 1);
  EXPECT_EQ(tote["threshold_text"], "$100.00");
}

}  // namespace
}  // namespace tiercart
