// Shopify's post-purchase input read by the core: the token's initial purchase and the
// customer account extension's purchase become an Order, line totals kept to the minor unit.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "result_matchers.h"
#include "tiercart/post_purchase.h"

namespace tiercart {
namespace {

using Json = nlohmann::json;
using testing::FailsWith;

Json Purchase() {
  return {{"referenceId", "ref-1"},
          {"totalPriceSet",
           {{"shopMoney", {{"amount", "240.00"}, {"currencyCode", "USD"}}},
            {"presentmentMoney", {{"amount", "240.00"}, {"currencyCode", "USD"}}}}},
          {"lineItems",
           Json::array({{{"quantity", 2},
                         {"totalPriceSet",
                          {{"presentmentMoney", {{"amount", "240.00"}, {"currencyCode", "USD"}}}}},
                         {"product",
                          {{"id", 1001},
                           {"title", "Merino Sweater"},
                           {"variant", {{"id", "gid://shopify/ProductVariant/2001"}}}}}}})}};
}

Json Claims(Json purchase = Purchase()) {
  return {{"iss", "shopify"}, {"sub", "ref-1"}, {"input_data", {{"initialPurchase", purchase}}}};
}

TEST(PurchaseToken, LineTotalsBecomeUnitPricesWithoutLosingAMinorUnit) {
  Json purchase = Purchase();
  purchase["lineItems"][0]["quantity"] = 3;
  purchase["lineItems"][0]["totalPriceSet"]["presentmentMoney"]["amount"] = "100.00";
  auto order = parse_purchase_token(Claims(purchase).dump());
  ASSERT_TRUE(order) << order.error().message;
  ASSERT_EQ(order.value().cart.items.size(), 1u);
  const CartLine& line = order.value().cart.items[0];
  EXPECT_EQ(order.value().cart.currency, "USD");
  EXPECT_EQ(line.variant_id, 2001);
  EXPECT_EQ(line.product_id, 1001);
  EXPECT_EQ(line.quantity, 3);
  EXPECT_EQ(line.price, 3334);                 // 3 x 33.34 = 100.02 ...
  EXPECT_EQ(line.original_line_price, 10002);  // ... less 0.02 of discount:
  EXPECT_EQ(line.final_line_price, 10000);     // exactly 100.00
  EXPECT_EQ(line.title, "Merino Sweater");
}

TEST(PurchaseToken, IsInThePresentmentCurrency) {
  Json purchase = Purchase();
  for (const char* money : {"shopMoney", "presentmentMoney"}) {
    purchase["totalPriceSet"][money]["currencyCode"] = "JPY";
  }
  purchase["lineItems"][0]["totalPriceSet"]["presentmentMoney"]["amount"] = "3500";
  auto order = parse_purchase_token(Claims(purchase).dump());
  ASSERT_TRUE(order) << order.error().message;
  EXPECT_EQ(order.value().cart.currency, "JPY");
  EXPECT_EQ(order.value().cart.items[0].final_line_price, 3500);
}

TEST(PurchaseToken, APurchasePaidInAnotherCurrencyThanTheShopsIsRefused) {
  // Shopify shows no post-purchase page then; offers priced from the shop's catalog would
  // charge dollar prices in yen.
  Json purchase = Purchase();
  purchase["totalPriceSet"]["presentmentMoney"]["currencyCode"] = "JPY";
  EXPECT_TRUE(FailsWith(parse_purchase_token(Claims(purchase).dump()), "currency_mismatch",
                        "$.input_data.initialPurchase.totalPriceSet.shopMoney.currencyCode"));
}

TEST(PurchaseToken, APurchaseWithoutLinesCurrencyOrIdsIsAnError) {
  Json purchase = Purchase();
  purchase.erase("lineItems");
  EXPECT_TRUE(FailsWith(parse_purchase_token(Claims(purchase).dump()), "missing_field",
                        "$.input_data.initialPurchase.lineItems"));
  purchase = Purchase();
  purchase["totalPriceSet"].erase("presentmentMoney");
  EXPECT_TRUE(
      FailsWith(parse_purchase_token(Claims(purchase).dump()), "missing_field",
                "$.input_data.initialPurchase.totalPriceSet.presentmentMoney.currencyCode"));
  purchase = Purchase();
  purchase["lineItems"][0]["product"]["id"] = "not-an-id";
  EXPECT_TRUE(FailsWith(parse_purchase_token(Claims(purchase).dump()), "invalid_value",
                        "$.input_data.initialPurchase.lineItems[0]"));
  EXPECT_TRUE(
      FailsWith(parse_purchase_token("{}"), "missing_field", "$.input_data.initialPurchase"));
  EXPECT_TRUE(FailsWith(parse_purchase_token("not json"), "invalid_json", "$"));
}

TEST(PurchaseToken, TheCustomerAccountPurchaseIsReadWithoutTheTokenAroundIt) {
  Json input = {{"initialPurchase", Purchase()}, {"price", {{"amount", 1}}}};
  auto order = parse_initial_purchase(input.dump());
  ASSERT_TRUE(order) << order.error().message;
  EXPECT_EQ(order.value().cart.items[0].final_line_price, 24000);
  EXPECT_TRUE(FailsWith(parse_initial_purchase("{}"), "missing_field", "$.initialPurchase"));
}

TEST(ShopifyId, ReadsDigitsAndGlobalIdsAndNothingElse) {
  EXPECT_EQ(parse_shopify_id("42"), 42);
  EXPECT_EQ(parse_shopify_id("gid://shopify/Customer/7"), 7);
  EXPECT_EQ(parse_shopify_id(""), std::nullopt);
  EXPECT_EQ(parse_shopify_id("0"), std::nullopt);
  EXPECT_EQ(parse_shopify_id("m=/42x"), std::nullopt);
  EXPECT_EQ(parse_shopify_id("1234567890123456789"), std::nullopt);  // 19 digits
}

}  // namespace
}  // namespace tiercart
