// Specification of the documents the core reads besides programs: cart.js carts
// (parse_cart), orders/create webhook payloads (parse_order, with_order), evaluation
// contexts (parse_context) and ISO 8601 times (parse_time). Shopify's payloads are read
// leniently (unknown fields are ignored, as Shopify adds fields), but every field the core
// uses is type-checked and a bad one is reported with its JSON path.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "result_matchers.h"
#include "source_files.h"
#include "tiercart/tiercart.h"

namespace tiercart {
namespace {

using nlohmann::json;

using testing::ExampleFiles;
using testing::ReadSourceFile;

using testing::FailsWith;

Context ContextWith(CartAmounts mode) {
  Context context;
  context.cart_amounts = mode;
  return context;
}

Result<Cart> ParseCart(const json& cart, const Context& context = Context{}) {
  return parse_cart(cart.dump(), context);
}

// One cart.js line with the fields a live cart carries; tests change what they need.
json CartLineJson(int64_t variant_id, int64_t quantity, int64_t price) {
  return {{"id", variant_id},
          {"key", std::to_string(variant_id) + ":9a1f0c"},
          {"variant_id", variant_id},
          {"product_id", 1000 + variant_id % 1000},
          {"quantity", quantity},
          {"properties", json::object()},
          {"price", price},
          {"original_price", price},
          {"line_price", price * quantity},
          {"original_line_price", price * quantity},
          {"final_line_price", price * quantity},
          {"gift_card", false},
          {"requires_shipping", true},
          {"title", "Thing"}};
}

json CartJson(const std::string& currency, std::vector<json> items) {
  return {{"token", "c1-0a7d53a5"},
          {"currency", currency},
          {"items", std::move(items)},
          {"cart_level_discount_applications", json::array()},
          {"discount_codes", json::array()}};
}

// ---------------------------------------------------------------------------------------
// cart.js

TEST(CartParsing, ReadsTheFieldsOfALine) {
  json line = CartLineJson(2002, 2, 8900);
  line["product_id"] = 1001;
  line["final_line_price"] = 16000;
  line["product_type"] = "Sweater";
  line["vendor"] = "Ridgeline Knitting";
  line["title"] = "Merino Crew Sweater - M";
  line["requires_shipping"] = false;
  auto parsed = ParseCart(CartJson("USD", {line}));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Cart& cart = parsed.value();
  EXPECT_EQ(cart.currency, "USD");
  ASSERT_EQ(cart.items.size(), 1u);
  const CartLine& item = cart.items[0];
  EXPECT_EQ(item.variant_id, 2002);
  EXPECT_EQ(item.product_id, 1001);
  EXPECT_EQ(item.key, "2002:9a1f0c");
  EXPECT_EQ(item.quantity, 2);
  EXPECT_EQ(item.price, 8900);
  EXPECT_EQ(item.original_line_price, 17800);
  EXPECT_EQ(item.final_line_price, 16000);
  EXPECT_FALSE(item.gift_card);
  EXPECT_FALSE(item.requires_shipping);
  EXPECT_FALSE(item.subscription);
  EXPECT_EQ(item.product_type, "Sweater");
  EXPECT_EQ(item.vendor, "Ridgeline Knitting");
  EXPECT_EQ(item.title, "Merino Crew Sweater - M");
  EXPECT_EQ(cart.cart_level_discount, 0);
  EXPECT_TRUE(cart.discount_codes.empty());
}

TEST(CartParsing, PrefersVariantIdOverId) {
  json line = CartLineJson(2002, 1, 8900);
  line["id"] = 1111;
  line["variant_id"] = 2222;
  auto parsed = ParseCart(CartJson("USD", {line}));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().items[0].variant_id, 2222);
}

TEST(CartParsing, FallsBackToIdWhenThereIsNoVariantId) {
  json line = CartLineJson(2002, 1, 8900);
  line.erase("variant_id");
  line["id"] = 3333;
  auto parsed = ParseCart(CartJson("USD", {line}));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().items[0].variant_id, 3333);
}

TEST(CartParsing, RequiresAVariantIdOrAnId) {
  json line = CartLineJson(2002, 1, 8900);
  line.erase("variant_id");
  line.erase("id");
  EXPECT_TRUE(FailsWith(ParseCart(CartJson("USD", {line})), "missing_field", "$.items[0].id"));
}

TEST(CartParsing, DefaultsTheOriginalLinePriceToPriceTimesQuantity) {
  json line = CartLineJson(2008, 3, 1800);
  line.erase("original_line_price");
  line.erase("final_line_price");
  line.erase("line_price");
  auto parsed = ParseCart(CartJson("USD", {line}));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().items[0].original_line_price, 5400);
  EXPECT_EQ(parsed.value().items[0].final_line_price, 5400);
}

TEST(CartParsing, FallsBackFromFinalLinePriceToLinePrice) {
  json line = CartLineJson(2008, 2, 1800);
  line.erase("final_line_price");
  line["line_price"] = 3000;
  auto parsed = ParseCart(CartJson("USD", {line}));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().items[0].original_line_price, 3600);
  EXPECT_EQ(parsed.value().items[0].final_line_price, 3000);
}

TEST(CartParsing, FallsBackFromLinePriceToTheOriginalLinePrice) {
  json line = CartLineJson(2008, 2, 1800);
  line.erase("final_line_price");
  line.erase("line_price");
  line["original_line_price"] = 3500;
  auto parsed = ParseCart(CartJson("USD", {line}));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().items[0].final_line_price, 3500);
}

TEST(CartParsing, PrefersFinalLinePriceOverLinePrice) {
  json line = CartLineJson(2008, 2, 1800);
  line["line_price"] = 3200;
  line["final_line_price"] = 3000;
  auto parsed = ParseCart(CartJson("USD", {line}));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().items[0].final_line_price, 3000);
}

TEST(CartParsing, KeepsNonStringPropertyValuesAsJsonText) {
  json line = CartLineJson(2012, 1, 4500);
  line["properties"] = {{"Monogram", "J.R.L."}, {"_tiercart", "spring@1:tote"}, {"count", 3},
                        {"gift", true},         {"size", {{"w", 10}}},          {"list", {1, "x"}}};
  auto parsed = ParseCart(CartJson("USD", {line}));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const auto& properties = parsed.value().items[0].properties;
  EXPECT_EQ(properties, (std::map<std::string, std::string>{{"Monogram", "J.R.L."},
                                                            {"_tiercart", "spring@1:tote"},
                                                            {"count", "3"},
                                                            {"gift", "true"},
                                                            {"size", R"({"w":10})"},
                                                            {"list", R"([1,"x"])"}}));
}

TEST(CartParsing, ReadsNullPropertiesAsNoProperties) {
  json line = CartLineJson(2012, 1, 4500);
  line["properties"] = nullptr;
  auto parsed = ParseCart(CartJson("USD", {line}));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_TRUE(parsed.value().items[0].properties.empty());
}

TEST(CartParsing, RejectsPropertiesThatAreNeitherObjectNorArray) {
  json line = CartLineJson(2012, 1, 4500);
  line["properties"] = "Monogram: JRL";
  EXPECT_TRUE(
      FailsWith(ParseCart(CartJson("USD", {line})), "invalid_type", "$.items[0].properties"));
}

TEST(CartParsing, MarksALineWithASellingPlanAllocationAsASubscription) {
  json plain = CartLineJson(2010, 1, 3200);
  json subscribed = CartLineJson(2014, 1, 1440);
  subscribed["selling_plan_allocation"] = {
      {"price", 1440}, {"compare_at_price", 1600}, {"selling_plan", {{"id", 610}}}};
  json null_plan = CartLineJson(2015, 1, 1400);
  null_plan["selling_plan_allocation"] = nullptr;
  auto parsed = ParseCart(CartJson("USD", {plain, subscribed, null_plan}));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_FALSE(parsed.value().items[0].subscription);
  EXPECT_TRUE(parsed.value().items[1].subscription);
  EXPECT_FALSE(parsed.value().items[2].subscription);
}

TEST(CartParsing, SumsCartLevelDiscountApplications) {
  json cart = CartJson("USD", {CartLineJson(2002, 1, 8900)});
  cart["cart_level_discount_applications"] = {
      {{"type", "discount_code"}, {"key", "WELCOME15"}, {"total_allocated_amount", 1335}},
      {{"type", "automatic"}, {"title", "Winter"}, {"total_allocated_amount", 500}},
      {{"type", "automatic"}, {"title", "No amount given"}}};
  auto parsed = ParseCart(cart);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().cart_level_discount, 1835);
}

TEST(CartParsing, RejectsANegativeCartLevelDiscount) {
  json cart = CartJson("USD", {CartLineJson(2002, 1, 8900)});
  cart["cart_level_discount_applications"] = {{{"total_allocated_amount", -100}}};
  EXPECT_TRUE(FailsWith(ParseCart(cart), "negative_value",
                        "$.cart_level_discount_applications[0].total_allocated_amount"));
}

TEST(CartParsing, ReadsDiscountCodes) {
  json cart = CartJson("USD", {CartLineJson(2002, 1, 8900)});
  cart["discount_codes"] = {{{"code", "WELCOME15"}, {"applicable", true}},
                            {{"code", "FREESHIP"}, {"applicable", false}}};
  auto parsed = ParseCart(cart);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().discount_codes, (std::vector<std::string>{"WELCOME15", "FREESHIP"}));
}

TEST(CartParsing, IgnoresFieldsItDoesNotUse) {
  json line = CartLineJson(2002, 1, 8900);
  line["options_with_values"] = {{{"name", "Size"}, {"value", "M"}}};
  line["image"] = "https://cdn.shopify.com/s/files/sweater.jpg";
  line["brand_new_field"] = {{"anything", {1, 2, 3}}};
  json cart = CartJson("USD", {line});
  cart["note"] = nullptr;
  cart["attributes"] = {{"gift_wrap", "yes"}};
  cart["total_weight"] = 850;
  cart["brand_new_field"] = true;
  EXPECT_TRUE(ParseCart(cart).ok());
}

TEST(CartParsing, RejectsAWrongTypeWithItsPath) {
  std::vector<json> lines;
  for (int i = 0; i < 5; ++i) lines.push_back(CartLineJson(2001 + i, 1, 8900));
  lines[3]["price"] = "89.00";
  EXPECT_TRUE(FailsWith(ParseCart(CartJson("USD", lines)), "invalid_type", "$.items[3].price"));
}

TEST(CartParsing, RejectsWrongTypesInEveryFieldItReads) {
  struct Case {
    const char* field;
    json value;
  };
  const Case cases[] = {{"variant_id", "2002"},    {"product_id", 10.5}, {"key", 2002},
                        {"quantity", 1.5},         {"quantity", "1"},    {"price", 89.0},
                        {"final_line_price", "x"}, {"gift_card", "no"},  {"title", false}};
  for (const Case& c : cases) {
    json line = CartLineJson(2002, 1, 8900);
    line[c.field] = c.value;
    EXPECT_TRUE(FailsWith(ParseCart(CartJson("USD", {line})), "invalid_type",
                          std::string("$.items[0].") + c.field))
        << c.field << " = " << c.value.dump();
  }
}

TEST(CartParsing, RejectsItemsThatAreNotObjects) {
  EXPECT_TRUE(FailsWith(parse_cart(R"({"currency":"USD","items":[2002]})", Context{}),
                        "invalid_type", "$.items[0]"));
  EXPECT_TRUE(FailsWith(parse_cart(R"({"currency":"USD","items":{}})", Context{}), "invalid_type",
                        "$.items"));
}

TEST(CartParsing, RequiresCurrencyItemsQuantityAndPrice) {
  EXPECT_TRUE(FailsWith(parse_cart(R"({"items":[]})", Context{}), "missing_field", "$.currency"));
  EXPECT_TRUE(
      FailsWith(parse_cart(R"({"currency":"USD"})", Context{}), "missing_field", "$.items"));
  json no_quantity = CartLineJson(2002, 1, 8900);
  no_quantity.erase("quantity");
  EXPECT_TRUE(
      FailsWith(ParseCart(CartJson("USD", {no_quantity})), "missing_field", "$.items[0].quantity"));
  json no_price = CartLineJson(2002, 1, 8900);
  no_price.erase("price");
  EXPECT_TRUE(
      FailsWith(ParseCart(CartJson("USD", {no_price})), "missing_field", "$.items[0].price"));
}

TEST(CartParsing, RejectsANegativeQuantity) {
  std::vector<json> lines = {CartLineJson(2002, 1, 8900), CartLineJson(2008, 1, 1800)};
  lines[1]["quantity"] = -1;
  EXPECT_TRUE(
      FailsWith(ParseCart(CartJson("USD", lines)), "negative_value", "$.items[1].quantity"));
}

TEST(CartParsing, RejectsNegativeAmounts) {
  for (const char* field : {"price", "original_line_price", "line_price", "final_line_price"}) {
    json line = CartLineJson(2002, 1, 8900);
    line[field] = -8900;
    if (std::string(field) == "line_price") line.erase("final_line_price");
    EXPECT_TRUE(FailsWith(ParseCart(CartJson("USD", {line})), "negative_value",
                          std::string("$.items[0].") + field))
        << field;
  }
}

TEST(CartParsing, RejectsAQuantityAboveAMillion) {
  json line = CartLineJson(2002, 1, 100);
  line["quantity"] = 1'000'001;
  EXPECT_TRUE(FailsWith(ParseCart(CartJson("USD", {line})), "out_of_range", "$.items[0].quantity"));
}

TEST(CartParsing, RejectsALineWhosePriceTimesQuantityIsTooLarge) {
  json line = CartLineJson(2002, 1, kMaxAmount / 10);
  line["quantity"] = 11;
  line.erase("original_line_price");
  line.erase("final_line_price");
  line.erase("line_price");
  EXPECT_TRUE(FailsWith(ParseCart(CartJson("USD", {line})), "out_of_range", "$.items[0]"));
}

TEST(CartParsing, RejectsAPriceTimesQuantityBeyondSixtyFourBits) {
  // 10^15 x 10^4 = 10^19 does not fit in int64_t: the product must be refused, not wrapped
  // around into a negative line price.
  json line = CartLineJson(2002, 1, kMaxAmount);
  line["quantity"] = 10'000;
  line.erase("original_line_price");
  line.erase("final_line_price");
  line.erase("line_price");
  auto parsed = ParseCart(CartJson("USD", {line}));
  EXPECT_TRUE(FailsWith(parsed, "out_of_range", "$.items[0]"));
  if (parsed.ok()) {
    EXPECT_GE(parsed.value().items[0].original_line_price, 0) << "wrapped around";
  }
}

TEST(CartParsing, RejectsAnAmountBeyondTheLimitOnceScaledToMinorUnits) {
  // In cents mode a dinar amount is multiplied by ten (a CLF amount by a hundred): 10^15
  // "cents" is 10^16 fils, past kMaxAmount, and a thousand such lines overflow a subtotal.
  auto expect_out_of_range = [](const Result<Cart>& parsed, const char* what) {
    if (parsed.ok()) {
      ADD_FAILURE() << what << " read as " << parsed.value().items[0].price << " / "
                    << parsed.value().items[0].original_line_price << " / "
                    << parsed.value().items[0].final_line_price;
      return;
    }
    EXPECT_EQ(parsed.error().code, "out_of_range") << what;
    EXPECT_EQ(parsed.error().path.rfind("$.items[0]", 0), 0u) << what << parsed.error().path;
  };
  json line = CartLineJson(2002, 1, 100);
  line["original_line_price"] = kMaxAmount;
  line["final_line_price"] = kMaxAmount;
  expect_out_of_range(ParseCart(CartJson("KWD", {line}), ContextWith(CartAmounts::kCents)),
                      "KWD line price");

  json unit = CartLineJson(2002, 0, kMaxAmount);
  unit["original_line_price"] = 0;
  unit["final_line_price"] = 0;
  expect_out_of_range(ParseCart(CartJson("CLF", {unit}), ContextWith(CartAmounts::kCents)),
                      "CLF unit price");
}

TEST(CartParsing, AcceptsAThousandLinesAndRejectsOneThousandAndOne) {
  std::vector<json> lines(1000, CartLineJson(2002, 1, 100));
  auto thousand = ParseCart(CartJson("USD", lines));
  ASSERT_TRUE(thousand.ok()) << thousand.error().message;
  EXPECT_EQ(thousand.value().items.size(), 1000u);
  lines.push_back(CartLineJson(2003, 1, 100));
  EXPECT_TRUE(FailsWith(ParseCart(CartJson("USD", lines)), "too_many", "$.items"));
}

TEST(CartParsing, RejectsAnUnknownCurrency) {
  EXPECT_TRUE(FailsWith(ParseCart(CartJson("XYZ", {CartLineJson(2002, 1, 100)})),
                        "unknown_currency", "$.currency"));
  EXPECT_TRUE(FailsWith(ParseCart(CartJson("US$", {})), "unknown_currency", "$.currency"));
}

TEST(CartParsing, DividesYenByOneHundredWhenAmountsAreCents) {
  json line = CartLineJson(2002, 2, 100000);
  line["original_line_price"] = 200000;
  line["final_line_price"] = 180000;
  json cart = CartJson("JPY", {line});
  cart["cart_level_discount_applications"] = {{{"total_allocated_amount", 20000}}};
  auto parsed = ParseCart(cart, ContextWith(CartAmounts::kCents));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().items[0].price, 1000);
  EXPECT_EQ(parsed.value().items[0].original_line_price, 2000);
  EXPECT_EQ(parsed.value().items[0].final_line_price, 1800);
  EXPECT_EQ(parsed.value().cart_level_discount, 200);
}

TEST(CartParsing, ReadsCentsModeByDefault) {
  auto parsed = ParseCart(CartJson("JPY", {CartLineJson(2002, 1, 100000)}));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().items[0].price, 1000);
}

TEST(CartParsing, KeepsYenAsTheyAreWhenAmountsAreMinorUnits) {
  json line = CartLineJson(2002, 2, 100000);
  json cart = CartJson("JPY", {line});
  cart["cart_level_discount_applications"] = {{{"total_allocated_amount", 20000}}};
  auto parsed = ParseCart(cart, ContextWith(CartAmounts::kMinorUnits));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().items[0].price, 100000);
  EXPECT_EQ(parsed.value().items[0].original_line_price, 200000);
  EXPECT_EQ(parsed.value().cart_level_discount, 20000);
}

TEST(CartParsing, ScalesKuwaitiDinarCentsToFils) {
  // KWD has three decimals: 12.50 KWD is 1250 "cents" and 12500 fils.
  auto cents =
      ParseCart(CartJson("KWD", {CartLineJson(2002, 2, 1250)}), ContextWith(CartAmounts::kCents));
  ASSERT_TRUE(cents.ok()) << cents.error().message;
  EXPECT_EQ(cents.value().items[0].price, 12500);
  EXPECT_EQ(cents.value().items[0].original_line_price, 25000);

  auto fils = ParseCart(CartJson("KWD", {CartLineJson(2002, 2, 12500)}),
                        ContextWith(CartAmounts::kMinorUnits));
  ASSERT_TRUE(fils.ok()) << fils.error().message;
  EXPECT_EQ(fils.value().items[0].price, 12500);
}

TEST(CartParsing, LeavesTwoDecimalCurrenciesAloneInBothModes) {
  for (CartAmounts mode : {CartAmounts::kCents, CartAmounts::kMinorUnits}) {
    auto parsed = ParseCart(CartJson("EUR", {CartLineJson(2002, 1, 8200)}), ContextWith(mode));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed.value().items[0].price, 8200);
  }
}

TEST(CartParsing, ParsesEveryExampleCart) {
  for (const auto& file : ExampleFiles("examples/carts")) {
    auto parsed = parse_cart(ReadSourceFile(file), Context{});
    EXPECT_TRUE(parsed.ok()) << file << ": " << (parsed.ok() ? "" : parsed.error().message);
  }
}

TEST(CartParsing, ReadsTheTwentyLineExample) {
  auto parsed = parse_cart(ReadSourceFile("examples/carts/twenty-lines.json"), Context{});
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const auto& items = parsed.value().items;
  ASSERT_EQ(items.size(), 20u);
  EXPECT_EQ(items[7].variant_id, 2008);
  EXPECT_EQ(items[7].original_line_price, 3600);
  EXPECT_EQ(items[7].final_line_price, 3000);
  EXPECT_EQ(items[11].properties.at("Monogram"), "J.R.L.");
  EXPECT_TRUE(items[12].gift_card);
  EXPECT_TRUE(items[13].subscription);
  EXPECT_EQ(
      std::count_if(items.begin(), items.end(), [](const CartLine& l) { return l.gift_card; }), 1);
  EXPECT_EQ(
      std::count_if(items.begin(), items.end(), [](const CartLine& l) { return l.subscription; }),
      1);
}

TEST(CartParsing, ReadsTheGiftPropertyAndTheDiscountCodeOfTheExamples) {
  auto gift = parse_cart(ReadSourceFile("examples/carts/with-tote-gift.json"), Context{});
  ASSERT_TRUE(gift.ok()) << gift.error().message;
  EXPECT_EQ(gift.value().items.at(2).properties.at(kGiftProperty), "free-shipping-and-tote@1:tote");

  auto coded =
      parse_cart(ReadSourceFile("examples/carts/discount-code-drops-tier.json"), Context{});
  ASSERT_TRUE(coded.ok()) << coded.error().message;
  EXPECT_EQ(coded.value().cart_level_discount, 1980);
  EXPECT_EQ(coded.value().discount_codes, (std::vector<std::string>{"WELCOME15"}));
}

TEST(CartParsing, ReadsTheYenExampleInBothModes) {
  const std::string text = ReadSourceFile("examples/carts/jpy-cart.json");
  auto cents = parse_cart(text, ContextWith(CartAmounts::kCents));
  ASSERT_TRUE(cents.ok()) << cents.error().message;
  EXPECT_EQ(cents.value().currency, "JPY");
  EXPECT_EQ(cents.value().items.at(0).price, 13200);
  auto minor = parse_cart(text, ContextWith(CartAmounts::kMinorUnits));
  ASSERT_TRUE(minor.ok()) << minor.error().message;
  EXPECT_EQ(minor.value().items.at(0).price, 1320000);
}

TEST(CartParsing, RejectsMalformedAndHostileDocuments) {
  EXPECT_TRUE(
      FailsWith(parse_cart(R"({"currency":"USD","items":[)", Context{}), "invalid_json", "$"));
  EXPECT_TRUE(FailsWith(parse_cart("[]", Context{}), "invalid_type", "$"));
  EXPECT_TRUE(FailsWith(parse_cart(std::string(10'000, '[') + std::string(10'000, ']'), Context{}),
                        "too_deep", "$"));
  std::string big = CartJson("USD", {}).dump();
  big.append(kMaxDocumentBytes, ' ');
  EXPECT_TRUE(FailsWith(parse_cart(big, Context{}), "too_large", "$"));
}

// ---------------------------------------------------------------------------------------
// orders/create

// An orders/create payload in the shop's own currency, cut to what the core reads plus a
// few fields it must ignore.
json OrderJson() {
  return json::parse(R"({
    "id": 6102845530210,
    "name": "#1042",
    "currency": "USD",
    "presentment_currency": "USD",
    "created_at": "2026-11-21T09:14:27-05:00",
    "tags": "",
    "shipping_address": {"country": "Canada", "country_code": "ca"},
    "customer": {"id": 6109845530, "tags": " VIP ,newsletter,, wholesale "},
    "discount_codes": [{"code": "WELCOME15", "amount": "13.35", "type": "percentage"}],
    "line_items": [
      {
        "id": 61028455300001,
        "variant_id": 2002,
        "product_id": 1001,
        "quantity": 2,
        "price": "89.00",
        "price_set": {"shop_money": {"amount": "89.00", "currency_code": "USD"},
                      "presentment_money": {"amount": "89.00", "currency_code": "USD"}},
        "properties": [{"name": "Monogram", "value": "JRL"},
                       {"name": "_tiercart", "value": "spring@1:tote"},
                       {"name": "count", "value": 3}],
        "gift_card": false,
        "requires_shipping": true,
        "vendor": "Ridgeline Knitting",
        "title": "Merino Crew Sweater",
        "discount_allocations": [
          {"amount": "10.00", "discount_application_index": 0,
           "amount_set": {"shop_money": {"amount": "10.00", "currency_code": "USD"},
                          "presentment_money": {"amount": "10.00", "currency_code": "USD"}}},
          {"amount": "5.50", "discount_application_index": 1,
           "amount_set": {"shop_money": {"amount": "5.50", "currency_code": "USD"},
                          "presentment_money": {"amount": "5.50", "currency_code": "USD"}}}
        ]
      }
    ]
  })");
}

Result<Order> ParseOrder(const json& order) { return parse_order(order.dump()); }

TEST(OrderParsing, ReadsTheFieldsOfAnOrder) {
  auto parsed = ParseOrder(OrderJson());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Order& order = parsed.value();
  EXPECT_EQ(order.id, 6102845530210);
  EXPECT_EQ(order.cart.currency, "USD");
  EXPECT_EQ(order.created_at, 1795270467);  // 2026-11-21T14:14:27Z
  EXPECT_EQ(order.country, "CA");
  EXPECT_EQ(order.customer_tags, (std::vector<std::string>{"VIP", "newsletter", "wholesale"}));
  EXPECT_EQ(order.customer_id, std::optional<int64_t>(6109845530));
  EXPECT_EQ(order.cart.discount_codes, (std::vector<std::string>{"WELCOME15"}));
  ASSERT_EQ(order.cart.items.size(), 1u);
  const CartLine& line = order.cart.items[0];
  EXPECT_EQ(line.variant_id, 2002);
  EXPECT_EQ(line.product_id, 1001);
  EXPECT_EQ(line.key, "");
  EXPECT_EQ(line.quantity, 2);
  EXPECT_EQ(line.price, 8900);
  EXPECT_EQ(line.original_line_price, 17800);
  EXPECT_EQ(line.final_line_price, 17800 - 1000 - 550);
  EXPECT_FALSE(line.gift_card);
  EXPECT_TRUE(line.requires_shipping);
  EXPECT_EQ(line.vendor, "Ridgeline Knitting");
  EXPECT_EQ(line.title, "Merino Crew Sweater");
}

TEST(OrderParsing, TurnsThePropertiesArrayIntoAMap) {
  auto parsed = ParseOrder(OrderJson());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().cart.items[0].properties,
            (std::map<std::string, std::string>{
                {"Monogram", "JRL"}, {"_tiercart", "spring@1:tote"}, {"count", "3"}}));
}

TEST(OrderParsing, ReadsAPropertyWithoutValueAsEmpty) {
  json order = OrderJson();
  order["line_items"][0]["properties"] = {{{"name", "Gift wrap"}}};
  auto parsed = ParseOrder(order);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().cart.items[0].properties.at("Gift wrap"), "");
}

TEST(OrderParsing, RejectsAPropertyWithoutName) {
  json order = OrderJson();
  order["line_items"][0]["properties"] = {{{"name", "ok"}, {"value", "1"}}, {{"value", "JRL"}}};
  EXPECT_TRUE(FailsWith(ParseOrder(order), "missing_field", "$.line_items[0].properties[1].name"));
}

TEST(OrderParsing, ReadsDecimalStringPrices) {
  for (const auto& [text, cents] : std::vector<std::pair<std::string, int64_t>>{
           {"19.99", 1999}, {"20", 2000}, {"0.50", 50}, {"7.5", 750}, {"1000.000", 100000}}) {
    json order = OrderJson();
    order["line_items"][0]["price"] = text;
    order["line_items"][0].erase("price_set");
    order["line_items"][0]["discount_allocations"] = json::array();
    auto parsed = ParseOrder(order);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.error().message;
    EXPECT_EQ(parsed.value().cart.items[0].price, cents) << text;
  }
}

TEST(OrderParsing, ReadsAnIntegerPriceAsWholeUnits) {
  json order = OrderJson();
  order["line_items"][0]["price"] = 20;
  auto parsed = ParseOrder(order);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().cart.items[0].price, 2000);
}

TEST(OrderParsing, RejectsMoreDecimalsThanTheCurrencyHas) {
  json order = OrderJson();
  order["line_items"][0]["price"] = "19.999";
  EXPECT_TRUE(FailsWith(ParseOrder(order), "invalid_amount", "$.line_items[0].price"));
}

TEST(OrderParsing, RejectsMalformedAndNegativePrices) {
  for (const char* text : {"abc", "", "19,99", "$19.99", "1e3", " 19.99", ".99"}) {
    json order = OrderJson();
    order["line_items"][0]["price"] = text;
    EXPECT_TRUE(FailsWith(ParseOrder(order), "invalid_amount", "$.line_items[0].price"))
        << "\"" << text << "\"";
  }
  json negative = OrderJson();
  negative["line_items"][0]["price"] = "-5.00";
  EXPECT_TRUE(FailsWith(ParseOrder(negative), "negative_value", "$.line_items[0].price"));

  json wrong_type = OrderJson();
  wrong_type["line_items"][0]["price"] = 19.99;
  EXPECT_TRUE(FailsWith(ParseOrder(wrong_type), "invalid_type", "$.line_items[0].price"));
}

TEST(OrderParsing, RejectsAMalformedDiscountAllocationWithItsPath) {
  json order = OrderJson();
  order["line_items"][0]["discount_allocations"][1]["amount"] = "5.505";
  EXPECT_TRUE(FailsWith(ParseOrder(order), "invalid_amount",
                        "$.line_items[0].discount_allocations[1].amount"));
}

TEST(OrderParsing, NeverLetsDiscountsTakeALineBelowZero) {
  json order = OrderJson();
  order["line_items"][0]["discount_allocations"] = {{{"amount", "500.00"}}};
  auto parsed = ParseOrder(order);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().cart.items[0].final_line_price, 0);
}

TEST(OrderParsing, RejectsAPriceTimesQuantityBeyondSixtyFourBits) {
  // 10^15 cents x 10^4 units = 10^19, past INT64_MAX: refused, never wrapped around.
  json order = OrderJson();
  order["line_items"][0]["price"] = "10000000000000.00";
  order["line_items"][0].erase("price_set");
  order["line_items"][0]["quantity"] = 10'000;
  order["line_items"][0]["discount_allocations"] = json::array();
  auto parsed = ParseOrder(order);
  EXPECT_TRUE(FailsWith(parsed, "out_of_range", "$.line_items[0]"));
  if (parsed.ok()) {
    EXPECT_GE(parsed.value().cart.items[0].original_line_price, 0) << "wrapped around";
  }
}

TEST(OrderParsing, RejectsDiscountAllocationsThatAddUpBeyondTheLimit) {
  json order = OrderJson();
  order["line_items"][0].erase("price_set");
  order["line_items"][0]["discount_allocations"] = {{{"amount", "10000000000000.00"}},
                                                    {{"amount", "10000000000000.00"}}};
  EXPECT_TRUE(FailsWith(ParseOrder(order), "out_of_range", "$.line_items[0].discount_allocations"));
}

// Placed in euros in a shop that keeps its books in dollars.
json EuroOrderJson() {
  json order = OrderJson();
  order["presentment_currency"] = "EUR";
  json& line = order["line_items"][0];
  line["price"] = "89.00";
  line["price_set"] = {{"shop_money", {{"amount", "89.00"}, {"currency_code", "USD"}}},
                       {"presentment_money", {{"amount", "81.88"}, {"currency_code", "EUR"}}}};
  line["discount_allocations"] = {
      {{"amount", "10.00"},
       {"amount_set",
        {{"shop_money", {{"amount", "10.00"}, {"currency_code", "USD"}}},
         {"presentment_money", {{"amount", "9.20"}, {"currency_code", "EUR"}}}}}}};
  return order;
}

TEST(OrderParsing, UsesPresentmentMoneyWhenTheOrderWasPlacedInAnotherCurrency) {
  auto parsed = ParseOrder(EuroOrderJson());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Order& order = parsed.value();
  EXPECT_EQ(order.cart.currency, "EUR");
  EXPECT_EQ(order.cart.items[0].price, 8188);
  EXPECT_EQ(order.cart.items[0].original_line_price, 16376);
  EXPECT_EQ(order.cart.items[0].final_line_price, 16376 - 920);
}

TEST(OrderParsing, UsesTheShopPriceWhenBothCurrenciesAreTheSame) {
  json order = OrderJson();
  order["line_items"][0]["price_set"]["presentment_money"]["amount"] = "1.00";
  auto parsed = ParseOrder(order);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().cart.items[0].price, 8900);
}

TEST(OrderParsing, ReadsYenPresentmentAmountsInWholeYen) {
  json order = EuroOrderJson();
  order["presentment_currency"] = "JPY";
  order["line_items"][0]["price_set"]["presentment_money"] = {{"amount", "13128"},
                                                              {"currency_code", "JPY"}};
  order["line_items"][0]["discount_allocations"][0]["amount_set"]["presentment_money"] = {
      {"amount", "1475.00"}, {"currency_code", "JPY"}};
  auto parsed = ParseOrder(order);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().cart.currency, "JPY");
  EXPECT_EQ(parsed.value().cart.items[0].price, 13128);
  EXPECT_EQ(parsed.value().cart.items[0].final_line_price, 2 * 13128 - 1475);
}

TEST(OrderParsing, NeverReadsShopMoneyAsPresentmentMoney) {
  // "price" is in the shop's dollars; without price_set there is no euro price to read, and
  // taking 89.00 USD for 89.00 EUR would measure the order against the wrong thresholds.
  json order = EuroOrderJson();
  order["line_items"][0].erase("price_set");
  EXPECT_TRUE(FailsWith(ParseOrder(order), "missing_field", "$.line_items[0].price_set"));

  json allocation = EuroOrderJson();
  allocation["line_items"][0]["discount_allocations"][0].erase("amount_set");
  EXPECT_TRUE(FailsWith(ParseOrder(allocation), "missing_field",
                        "$.line_items[0].discount_allocations[0].amount_set"));
}

TEST(OrderParsing, RejectsAMalformedPresentmentAmountWithItsPath) {
  json order = EuroOrderJson();
  order["line_items"][0]["price_set"]["presentment_money"]["amount"] = "81.885";
  EXPECT_TRUE(FailsWith(ParseOrder(order), "invalid_amount",
                        "$.line_items[0].price_set.presentment_money.amount"));
}

TEST(OrderParsing, RejectsUnknownCurrencies) {
  json shop = OrderJson();
  shop["currency"] = "XYZ";
  EXPECT_TRUE(FailsWith(ParseOrder(shop), "unknown_currency", "$.currency"));
  json presentment = OrderJson();
  presentment["presentment_currency"] = "EURO";
  EXPECT_TRUE(FailsWith(ParseOrder(presentment), "unknown_currency", "$.presentment_currency"));
}

TEST(OrderParsing, RejectsABadCreatedAt) {
  json order = OrderJson();
  order["created_at"] = "21/11/2026 09:14";
  EXPECT_TRUE(FailsWith(ParseOrder(order), "invalid_time", "$.created_at"));
}

TEST(OrderParsing, RejectsWrongTypesWithTheirPaths) {
  json tags = OrderJson();
  tags["customer"]["tags"] = json::array({"VIP"});
  EXPECT_TRUE(FailsWith(ParseOrder(tags), "invalid_type", "$.customer.tags"));

  json customer = OrderJson();
  customer["customer"]["id"] = "6109845530";
  EXPECT_TRUE(FailsWith(ParseOrder(customer), "invalid_type", "$.customer.id"));
  customer["customer"]["id"] = 0;
  EXPECT_TRUE(FailsWith(ParseOrder(customer), "out_of_range", "$.customer.id"));

  json country = OrderJson();
  country["shipping_address"]["country_code"] = 124;
  EXPECT_TRUE(FailsWith(ParseOrder(country), "invalid_type", "$.shipping_address.country_code"));

  json quantity = OrderJson();
  quantity["line_items"][0]["quantity"] = -2;
  EXPECT_TRUE(FailsWith(ParseOrder(quantity), "negative_value", "$.line_items[0].quantity"));

  json items = OrderJson();
  items.erase("line_items");
  EXPECT_TRUE(FailsWith(ParseOrder(items), "missing_field", "$.line_items"));
}

TEST(OrderParsing, LeavesWhatTheOrderDoesNotSayEmpty) {
  json order = OrderJson();
  order.erase("created_at");
  order["shipping_address"] = nullptr;
  order["customer"] = nullptr;
  auto parsed = ParseOrder(order);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_FALSE(parsed.value().created_at.has_value());
  EXPECT_EQ(parsed.value().country, "");
  EXPECT_TRUE(parsed.value().customer_tags.empty());
  EXPECT_FALSE(parsed.value().customer_id.has_value());  // a guest checkout
}

TEST(OrderParsing, ReadsTheEarnedExampleOrder) {
  auto parsed = parse_order(ReadSourceFile("examples/orders/orders-create-earned.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Order& order = parsed.value();
  EXPECT_EQ(order.id, 6102845530210);
  EXPECT_EQ(order.created_at, 1795270467);  // 2026-11-21T09:14:27-05:00
  EXPECT_EQ(order.country, "US");
  EXPECT_EQ(order.customer_tags, (std::vector<std::string>{"VIP", "newsletter"}));
  ASSERT_EQ(order.cart.items.size(), 3u);
  EXPECT_EQ(order.cart.items[0].price, 8900);
  EXPECT_EQ(order.cart.items[1].price, 3200);
  const CartLine& tote = order.cart.items[2];
  EXPECT_EQ(tote.variant_id, 9001);
  EXPECT_EQ(tote.price, 2500);
  EXPECT_EQ(tote.final_line_price, 0);
  EXPECT_EQ(tote.properties.at(kGiftProperty), "free-shipping-and-tote@1:tote");
}

TEST(OrderParsing, ParsesEveryExampleOrder) {
  for (const auto& file : ExampleFiles("examples/orders")) {
    auto parsed = parse_order(ReadSourceFile(file));
    EXPECT_TRUE(parsed.ok()) << file << ": " << (parsed.ok() ? "" : parsed.error().message);
  }
}

// What the server keeps of an order it judged: the lines as offers read them, and nothing
// about the person who placed it.
void ExpectSameLines(const Order& kept, const Order& judged, const std::string& what) {
  EXPECT_EQ(kept.id, judged.id) << what;
  EXPECT_EQ(kept.cart.currency, judged.cart.currency) << what;
  ASSERT_EQ(kept.cart.items.size(), judged.cart.items.size()) << what;
  for (std::size_t i = 0; i < kept.cart.items.size(); ++i) {
    const CartLine& a = kept.cart.items[i];
    const CartLine& b = judged.cart.items[i];
    EXPECT_EQ(a.variant_id, b.variant_id) << what << " line " << i;
    EXPECT_EQ(a.product_id, b.product_id) << what << " line " << i;
    EXPECT_EQ(a.quantity, b.quantity) << what << " line " << i;
    EXPECT_EQ(a.price, b.price) << what << " line " << i;
    EXPECT_EQ(a.original_line_price, b.original_line_price) << what << " line " << i;
    EXPECT_EQ(a.final_line_price, b.final_line_price) << what << " line " << i;
    EXPECT_EQ(a.gift_card, b.gift_card) << what << " line " << i;
    EXPECT_EQ(a.requires_shipping, b.requires_shipping) << what << " line " << i;
  }
}

TEST(OrderLines, ReadBackToTheSameLinesCurrencyAndAmounts) {
  json gift_card = OrderJson();
  gift_card["line_items"][0]["gift_card"] = true;
  gift_card["line_items"][0]["requires_shipping"] = false;
  json yen = EuroOrderJson();
  yen["presentment_currency"] = "JPY";
  yen["line_items"][0]["price_set"]["presentment_money"] = {{"amount", "13128"},
                                                            {"currency_code", "JPY"}};
  yen["line_items"][0]["discount_allocations"][0]["amount_set"]["presentment_money"] = {
      {"amount", "1475.00"}, {"currency_code", "JPY"}};
  std::vector<std::pair<std::string, std::string>> orders = {
      {"euros", EuroOrderJson().dump()}, {"gift card", gift_card.dump()}, {"yen", yen.dump()}};
  for (const auto& file : ExampleFiles("examples/orders")) {
    orders.emplace_back(file, ReadSourceFile(file));
  }
  for (const auto& [what, text] : orders) {
    auto judged = parse_order(text);
    ASSERT_TRUE(judged.ok()) << what << ": " << judged.error().message;
    const std::string lines = order_lines_json(judged.value());
    auto kept = parse_order(lines);
    ASSERT_TRUE(kept.ok()) << what << ": " << kept.error().message << "\n" << lines;
    ExpectSameLines(kept.value(), judged.value(), what);
    EXPECT_EQ(order_lines_json(kept.value()), lines) << what;  // a fixed point
  }
}

TEST(OrderLines, HoldNoPersonalDataAndNoShopperText) {
  auto judged = parse_order(ReadSourceFile("examples/orders/orders-create-earned.json"));
  ASSERT_TRUE(judged.ok());
  const json lines = json::parse(order_lines_json(judged.value()));
  for (const char* field : {"customer", "email", "shipping_address", "billing_address", "note",
                            "discount_codes", "created_at"}) {
    EXPECT_FALSE(lines.contains(field)) << field;
  }
  for (const auto& line : lines["line_items"]) {
    EXPECT_FALSE(line.contains("properties"));  // a shopper may type anything there
    EXPECT_FALSE(line.contains("title"));
  }
  auto kept = parse_order(lines.dump());
  ASSERT_TRUE(kept.ok());
  EXPECT_FALSE(kept.value().customer_id.has_value());
  EXPECT_TRUE(kept.value().country.empty());
  EXPECT_TRUE(kept.value().customer_tags.empty());
}

TEST(OrderContext, FillsTimeCountryAndTagsFromTheOrder) {
  auto order = ParseOrder(OrderJson());
  ASSERT_TRUE(order.ok()) << order.error().message;
  const Context filled = with_order(Context{}, order.value());
  EXPECT_EQ(filled.now, 1795270467);
  EXPECT_EQ(filled.country, "CA");
  EXPECT_EQ(filled.customer_tags, (std::vector<std::string>{"VIP", "newsletter", "wholesale"}));
}

TEST(OrderContext, KeepsWhatTheContextAlreadySays) {
  auto order = ParseOrder(OrderJson());
  ASSERT_TRUE(order.ok()) << order.error().message;
  Context context;
  context.now = 1793491200;
  context.country = "US";
  context.customer_tags = {"staff"};
  context.locale = "fr";
  const Context filled = with_order(context, order.value());
  EXPECT_EQ(filled.now, 1793491200);
  EXPECT_EQ(filled.country, "US");
  EXPECT_EQ(filled.customer_tags, (std::vector<std::string>{"staff"}));
  EXPECT_EQ(filled.locale, "fr");
}

TEST(OrderContext, FillsOnlyTheFieldsThatAreOpen) {
  auto order = ParseOrder(OrderJson());
  ASSERT_TRUE(order.ok()) << order.error().message;
  Context context;
  context.country = "US";
  const Context filled = with_order(context, order.value());
  EXPECT_EQ(filled.country, "US");
  EXPECT_EQ(filled.now, 1795270467);
  EXPECT_EQ(filled.customer_tags, (std::vector<std::string>{"VIP", "newsletter", "wholesale"}));
}

// ---------------------------------------------------------------------------------------
// Context

TEST(ContextParsing, ReadsEveryField) {
  auto parsed = parse_context(R"({
    "presentment_currency": "EUR",
    "shop_currency": "USD",
    "rate": "0.92",
    "cart_amounts": "minor_units",
    "money_format": "€{{amount_with_comma_separator}}",
    "country": "FR",
    "customer_tags": ["VIP", "newsletter"],
    "locale": "fr",
    "now": "2026-11-21T12:00:00Z",
    "products": {"1001": {"collections": ["winter"], "tags": ["merino"],
                          "product_type": "Sweater"}},
    "variants": {"2002": {"available": 22, "price": 8200, "product_id": 1001,
                          "title": "Merino Crew Sweater - M"},
                 "2013": {"price": 5000}},
    "gift_choices": {"pick-a-gift": [9004, 9002]},
    "offer_candidates": [2022, 2015]
  })");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Context& context = parsed.value();
  EXPECT_EQ(context.presentment_currency, "EUR");
  EXPECT_EQ(context.shop_currency, "USD");
  ASSERT_TRUE(context.rate.has_value());
  EXPECT_EQ(context.rate->digits, 92);
  EXPECT_EQ(context.rate->scale, 2);
  EXPECT_EQ(context.cart_amounts, CartAmounts::kMinorUnits);
  EXPECT_EQ(context.money_format, "€{{amount_with_comma_separator}}");
  EXPECT_EQ(context.country, "FR");
  EXPECT_EQ(context.customer_tags, (std::vector<std::string>{"VIP", "newsletter"}));
  EXPECT_EQ(context.locale, "fr");
  EXPECT_EQ(context.now, 1795262400);
  ASSERT_EQ(context.products.count(1001), 1u);
  EXPECT_EQ(context.products.at(1001).collections, (std::vector<std::string>{"winter"}));
  EXPECT_EQ(context.products.at(1001).tags, (std::vector<std::string>{"merino"}));
  EXPECT_EQ(context.products.at(1001).product_type, "Sweater");
  ASSERT_EQ(context.variants.count(2002), 1u);
  EXPECT_EQ(context.variants.at(2002).available, 22);
  EXPECT_EQ(context.variants.at(2002).price, 8200);
  EXPECT_EQ(context.variants.at(2002).product_id, 1001);
  EXPECT_EQ(context.variants.at(2002).title, "Merino Crew Sweater - M");
  EXPECT_FALSE(context.variants.at(2013).available.has_value()) << "stock not tracked";
  EXPECT_EQ(context.gift_choices.at("pick-a-gift"), (std::vector<int64_t>{9004, 9002}));
  EXPECT_EQ(context.suggestion_candidates, (std::vector<int64_t>{2022, 2015}));
}

TEST(ContextParsing, ReadsAnEmptyOrBlankDocumentAsTheDefaultContext) {
  for (const char* text : {"", " ", "\n\t \r\n", "{}"}) {
    auto parsed = parse_context(text);
    ASSERT_TRUE(parsed.ok()) << "\"" << text << "\": " << parsed.error().message;
    const Context& context = parsed.value();
    EXPECT_EQ(context.presentment_currency, "");
    EXPECT_EQ(context.shop_currency, "");
    EXPECT_FALSE(context.rate.has_value());
    EXPECT_EQ(context.cart_amounts, CartAmounts::kCents);
    EXPECT_EQ(context.money_format, "");
    EXPECT_EQ(context.country, "");
    EXPECT_TRUE(context.customer_tags.empty());
    EXPECT_EQ(context.locale, "en");
    EXPECT_FALSE(context.now.has_value());
    EXPECT_TRUE(context.products.empty());
    EXPECT_TRUE(context.variants.empty());
    EXPECT_TRUE(context.gift_choices.empty());
    EXPECT_TRUE(context.suggestion_candidates.empty());
  }
}

TEST(ContextParsing, RejectsARateThatIsNotADecimal) {
  EXPECT_TRUE(FailsWith(parse_context(R"({"rate": "abc"})"), "invalid_rate", "$.rate"));
  EXPECT_TRUE(FailsWith(parse_context(R"({"rate": "0"})"), "invalid_rate", "$.rate"));
  EXPECT_TRUE(FailsWith(parse_context(R"({"rate": "-0.92"})"), "invalid_rate", "$.rate"));
}

TEST(ContextParsing, RejectsARateGivenAsANumber) {
  // Storefront rates arrive as strings; a JSON number would already have been rounded.
  EXPECT_TRUE(FailsWith(parse_context(R"({"rate": 0.92})"), "invalid_type", "$.rate"));
}

TEST(ContextParsing, UpperCasesALowerCaseCountry) {
  auto parsed = parse_context(R"({"country": "fr"})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().country, "FR");
}

TEST(ContextParsing, RejectsACountryThatIsNotAlpha2) {
  for (const char* country : {"FRA", "F", "F1", "France"}) {
    json context = {{"country", country}};
    EXPECT_TRUE(FailsWith(parse_context(context.dump()), "invalid_value", "$.country")) << country;
  }
}

TEST(ContextParsing, RejectsUnknownCurrenciesAndCartAmountModes) {
  EXPECT_TRUE(FailsWith(parse_context(R"({"presentment_currency": "EURO"})"), "unknown_currency",
                        "$.presentment_currency"));
  EXPECT_TRUE(FailsWith(parse_context(R"({"shop_currency": "XYZ"})"), "unknown_currency",
                        "$.shop_currency"));
  EXPECT_TRUE(FailsWith(parse_context(R"({"cart_amounts": "dollars"})"), "invalid_value",
                        "$.cart_amounts"));
}

TEST(ContextParsing, RejectsABadNow) {
  EXPECT_TRUE(FailsWith(parse_context(R"({"now": "tomorrow"})"), "invalid_time", "$.now"));
  EXPECT_TRUE(FailsWith(parse_context(R"({"now": 1795262400})"), "invalid_type", "$.now"));
}

TEST(ContextParsing, RejectsProductKeysThatAreNotNumericIds) {
  const std::pair<const char*, const char*> cases[] = {
      {"abc", "$.products.abc"},
      {"12abc", "$.products.12abc"},
      {"-5", "$.products.-5"},
      {"0", "$.products.0"},
      {"", "$.products[\"\"]"},
      {"gid://shopify/Product/1001", "$.products[\"gid://shopify/Product/1001\"]"},
  };
  for (const auto& [key, path] : cases) {
    json context = {{"products", {{key, {{"collections", {"winter"}}}}}}};
    EXPECT_TRUE(FailsWith(parse_context(context.dump()), "invalid_value", path))
        << "\"" << key << "\"";
  }
}

TEST(ContextParsing, RejectsVariantKeysThatAreNotNumericIds) {
  EXPECT_TRUE(FailsWith(parse_context(R"({"variants": {"tote": {"available": 3}}})"),
                        "invalid_value", "$.variants.tote"));
}

TEST(ContextParsing, RejectsProductKeysWithSignsOrSpaces) {
  // strtoll would read these as 1001; an id key is digits and nothing else.
  for (const char* key : {" 1001", "+1001", "1001 "}) {
    json context = {{"products", {{key, {{"collections", {"winter"}}}}}}};
    auto parsed = parse_context(context.dump());
    EXPECT_FALSE(parsed.ok()) << "\"" << key << "\" was read as product "
                              << (parsed.ok() && !parsed.value().products.empty()
                                      ? parsed.value().products.begin()->first
                                      : 0);
    if (!parsed.ok()) EXPECT_EQ(parsed.error().code, "invalid_value") << key;
  }
}

TEST(ContextParsing, RejectsAProductKeyTooLargeForAnId) {
  // Past INT64_MAX strtoll saturates: the key must be refused, not filed under INT64_MAX.
  auto parsed = parse_context(R"({"products": {"99999999999999999999": {"tags": ["x"]}}})");
  EXPECT_FALSE(parsed.ok());
  if (!parsed.ok()) EXPECT_EQ(parsed.error().code, "invalid_value");
}

TEST(ContextParsing, RejectsWrongTypesInsideProductsAndVariants) {
  EXPECT_TRUE(FailsWith(parse_context(R"({"products": {"1001": {"tags": "merino"}}})"),
                        "invalid_type", "$.products.1001.tags"));
  EXPECT_TRUE(FailsWith(parse_context(R"({"variants": {"2002": {"price": "89.00"}}})"),
                        "invalid_type", "$.variants.2002.price"));
  EXPECT_TRUE(FailsWith(parse_context(R"({"variants": {"2002": {"price": -1}}})"), "negative_value",
                        "$.variants.2002.price"));
  EXPECT_TRUE(FailsWith(parse_context(R"({"gift_choices": {"pick-a-gift": 9004}})"), "invalid_type",
                        "$.gift_choices.pick-a-gift"));
  EXPECT_TRUE(FailsWith(parse_context(R"({"gift_choices": {"pick-a-gift": ["9004"]}})"),
                        "invalid_type", "$.gift_choices.pick-a-gift[0]"));
  EXPECT_TRUE(
      FailsWith(parse_context(R"({"customer_tags": "VIP"})"), "invalid_type", "$.customer_tags"));
}

TEST(ContextParsing, AcceptsOversoldStock) {
  auto parsed = parse_context(R"({"variants": {"9001": {"available": -3}}})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().variants.at(9001).available, -3);
}

TEST(ContextParsing, RejectsMalformedAndHostileDocuments) {
  EXPECT_TRUE(FailsWith(parse_context("{\"rate\":"), "invalid_json", "$"));
  EXPECT_TRUE(FailsWith(parse_context("[]"), "invalid_type", "$"));
  EXPECT_TRUE(FailsWith(parse_context(std::string(10'000, '{')), "too_deep", "$"));
}

TEST(ContextParsing, ParsesEveryExampleContext) {
  for (const auto& file : ExampleFiles("examples/contexts")) {
    auto parsed = parse_context(ReadSourceFile(file));
    EXPECT_TRUE(parsed.ok()) << file << ": " << (parsed.ok() ? "" : parsed.error().message);
  }
}

TEST(ContextParsing, ReadsTheExampleContexts) {
  auto catalog = parse_context(ReadSourceFile("examples/contexts/catalog.json"));
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  EXPECT_EQ(catalog.value().variants.at(9003).available, 0);
  EXPECT_EQ(catalog.value().variants.at(9001).product_id, 8001);
  EXPECT_FALSE(catalog.value().variants.at(2013).available.has_value());
  EXPECT_EQ(catalog.value().gift_choices.at("pick-a-gift"), (std::vector<int64_t>{9004}));
  EXPECT_EQ(catalog.value().now, 1795262400);

  auto jpy = parse_context(ReadSourceFile("examples/contexts/jpy.json"));
  ASSERT_TRUE(jpy.ok()) << jpy.error().message;
  EXPECT_EQ(jpy.value().presentment_currency, "JPY");
  ASSERT_TRUE(jpy.value().rate.has_value());
  EXPECT_EQ(jpy.value().rate->digits, 1475);
  EXPECT_EQ(jpy.value().rate->scale, 1);

  auto vip = parse_context(ReadSourceFile("examples/contexts/vip.json"));
  ASSERT_TRUE(vip.ok()) << vip.error().message;
  EXPECT_EQ(vip.value().customer_tags, (std::vector<std::string>{"VIP", "newsletter"}));
}

// ---------------------------------------------------------------------------------------
// Times

int64_t MustParseTime(std::string_view text) {
  auto parsed = parse_time(text, "$.now");
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? parsed.value() : INT64_MIN;
}

TEST(TimeParsing, ReadsUtcTimes) {
  EXPECT_EQ(MustParseTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(MustParseTime("2026-11-21T12:00:00Z"), 1795262400);
  EXPECT_EQ(MustParseTime("1969-12-31T23:59:59Z"), -1);
}

TEST(TimeParsing, AppliesOffsets) {
  const int64_t noon_utc = MustParseTime("2026-11-21T12:00:00Z");
  // Noon in Paris (+01:00) is an hour before noon in London.
  EXPECT_EQ(MustParseTime("2026-11-21T12:00:00+01:00"), noon_utc - 3600);
  EXPECT_EQ(MustParseTime("2026-11-21T12:00:00-05:00"), noon_utc + 5 * 3600);
  EXPECT_EQ(MustParseTime("2026-11-21T12:00:00+05:30"), noon_utc - 5 * 3600 - 30 * 60);
  EXPECT_EQ(MustParseTime("2026-11-21T12:00:00+00:00"), noon_utc);
  EXPECT_EQ(MustParseTime("2026-11-21T12:00:00-00:00"), noon_utc);
}

TEST(TimeParsing, CrossesDateBoundariesWithOffsets) {
  EXPECT_EQ(MustParseTime("2026-12-01T00:00:00-05:00"), MustParseTime("2026-12-01T05:00:00Z"));
  EXPECT_EQ(MustParseTime("2027-01-01T01:00:00+02:00"), MustParseTime("2026-12-31T23:00:00Z"));
}

TEST(TimeParsing, IgnoresFractionsOfASecond) {
  const int64_t second = MustParseTime("2026-11-21T12:00:00Z");
  EXPECT_EQ(MustParseTime("2026-11-21T12:00:00.5Z"), second);
  EXPECT_EQ(MustParseTime("2026-11-21T12:00:00.999999999Z"), second);
  EXPECT_EQ(MustParseTime("2026-11-21T12:00:00.123+01:00"), second - 3600);
}

TEST(TimeParsing, AcceptsASpaceBetweenDateAndTime) {
  EXPECT_EQ(MustParseTime("2026-11-21 12:00:00Z"), 1795262400);
}

TEST(TimeParsing, KnowsLeapDays) {
  EXPECT_EQ(MustParseTime("2024-02-29T00:00:00Z"), 1709164800);
  EXPECT_EQ(MustParseTime("2024-03-01T00:00:00Z"), 1709164800 + 86400);
  EXPECT_EQ(MustParseTime("2000-02-29T12:00:00Z"), 951825600);
  EXPECT_TRUE(FailsWith(parse_time("2025-02-29T00:00:00Z", "$.now"), "invalid_time", "$.now"));
  EXPECT_TRUE(FailsWith(parse_time("2100-02-29T00:00:00Z", "$.now"), "invalid_time", "$.now"));
}

TEST(TimeParsing, RejectsGarbageWithThePathItWasGiven) {
  for (const char* text : {"",
                           "yesterday",
                           "2026-11-21",
                           "2026-11-21T12:00:00",
                           "2026-11-21T12:00Z",
                           "2026-11-21T12:00:00z",
                           "2026-11-21t12:00:00Z",
                           "26-11-21T12:00:00Z",
                           "2026/11/21T12:00:00Z",
                           "2026-13-01T00:00:00Z",
                           "2026-00-10T00:00:00Z",
                           "2026-11-31T00:00:00Z",
                           "2026-11-00T00:00:00Z",
                           "2026-11-21T24:00:00Z",
                           "2026-11-21T12:60:00Z",
                           "2026-11-21T12:00:61Z",
                           "2026-11-21T12:00:00.Z",
                           "2026-11-21T12:00:00Zjunk",
                           " 2026-11-21T12:00:00Z",
                           "2026-11-21T12:00:00+0100",
                           "2026-11-21T12:00:00+01",
                           "2026-11-21T12:00:00+24:00",
                           "2026-11-21T12:00:00+01:60",
                           "2026-11-21T12:00:00 +01:00",
                           "2026-1a-21T12:00:00Z",
                           "+2026-11-21T12:00:00Z"}) {
    EXPECT_TRUE(
        FailsWith(parse_time(text, "$.schedule.starts_at"), "invalid_time", "$.schedule.starts_at"))
        << "\"" << text << "\"";
  }
}

}  // namespace
}  // namespace tiercart
