// Post-purchase offer selection (docs/post-purchase.md section 1): filters, prices, ranking.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "result_matchers.h"
#include "source_files.h"
#include "tiercart/post_purchase.h"

namespace tiercart {
namespace {

using testing::FailsWith;

Order OrderOf(std::vector<std::pair<int64_t, int64_t>> variant_product, int64_t each = 5000,
              std::string currency = "USD") {
  Order order;
  order.cart.currency = std::move(currency);
  for (auto [variant, product] : variant_product) {
    CartLine line;
    line.variant_id = variant;
    line.product_id = product;
    line.quantity = 1;
    line.price = line.original_line_price = line.final_line_price = each;
    order.cart.items.push_back(line);
  }
  return order;
}

OfferRule Complementary(std::string id, int64_t variant, std::vector<int64_t> when_products) {
  OfferRule rule;
  rule.id = std::move(id);
  rule.variant_id = variant;
  rule.when.product_ids = std::move(when_products);
  return rule;
}

Context ContextWith(std::map<int64_t, VariantFacts> variants) {
  Context context;
  context.cart_amounts = CartAmounts::kMinorUnits;
  context.variants = std::move(variants);
  return context;
}

VariantFacts Facts(int64_t product, int64_t price, std::optional<int64_t> available = {}) {
  VariantFacts facts;
  facts.product_id = product;
  facts.price = price;
  facts.available = available;
  facts.title = "Variant of " + std::to_string(product);
  return facts;
}

OfferCatalog CatalogOf(std::vector<OfferRule> offers) {
  OfferCatalog catalog;
  catalog.currency = "USD";
  catalog.offers = std::move(offers);
  return catalog;
}

std::vector<std::string> Ids(const OfferSelection& selection) {
  std::vector<std::string> ids;
  for (const auto& offer : selection.offers) ids.push_back(offer.id);
  return ids;
}

std::string SkipCode(const OfferSelection& selection, const std::string& id) {
  for (const auto& skipped : selection.skipped) {
    if (skipped.id == id) return skipped.code;
  }
  return "";
}

TEST(OfferSelection, OffersTheMugToWhoeverBoughtTheCoffee) {
  auto result = select_offers(OrderOf({{2014, 1008}}), OrderStatus{},
                              CatalogOf({Complementary("mug", 2015, {1008})}),
                              ContextWith({{2015, Facts(1009, 1400)}}));
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.value().offers.size(), 1u);
  const auto& offer = result.value().offers[0];
  EXPECT_EQ(offer.variant_id, 2015);
  EXPECT_EQ(offer.product_id, 1009);
  EXPECT_EQ(offer.price.amount, 1400);
  EXPECT_EQ(offer.price.currency, "USD");
  EXPECT_EQ(offer.title, "Variant of 1009");
}

TEST(OfferSelection, SkipsAnOfferNoOrderLineTriggers) {
  auto result = select_offers(OrderOf({{2001, 1001}}), OrderStatus{},
                              CatalogOf({Complementary("mug", 2015, {1008})}),
                              ContextWith({{2015, Facts(1009, 1400)}}));
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.value().offers.empty());
  EXPECT_EQ(SkipCode(result.value(), "mug"), "not_triggered");
}

TEST(OfferSelection, ExcludesAVariantOfAProductAlreadyBought) {
  // The customer bought the mug in another colour (variant 2099 of product 1009).
  auto result = select_offers(OrderOf({{2014, 1008}, {2099, 1009}}), OrderStatus{},
                              CatalogOf({Complementary("mug", 2015, {1008})}),
                              ContextWith({{2015, Facts(1009, 1400)}}));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(SkipCode(result.value(), "mug"), "already_bought");
}

TEST(OfferSelection, SubscriptionMayOfferAnotherVariantOfABoughtProduct) {
  OfferRule rule = Complementary("beans-monthly", 2098, {1008});
  rule.kind = OfferKind::kSubscription;
  rule.selling_plan_id = 4001;
  auto result = select_offers(OrderOf({{2014, 1008}}), OrderStatus{}, CatalogOf({rule}),
                              ContextWith({{2098, Facts(1008, 5600)}}));
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.value().offers.size(), 1u);
  EXPECT_EQ(result.value().offers[0].selling_plan_id, std::optional<int64_t>(4001));
}

TEST(OfferSelection, SkipsWhenStockIsBelowTheOfferedQuantity) {
  OfferRule rule = Complementary("two-mugs", 2015, {1008});
  rule.quantity = 2;
  auto result = select_offers(OrderOf({{2014, 1008}}), OrderStatus{}, CatalogOf({rule}),
                              ContextWith({{2015, Facts(1009, 1400, 1)}}));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(SkipCode(result.value(), "two-mugs"), "out_of_stock");
}

TEST(OfferSelection, SkipsAVariantTheContextGivesNoPriceFor) {
  auto result = select_offers(OrderOf({{2014, 1008}}), OrderStatus{},
                              CatalogOf({Complementary("mug", 2015, {1008})}), Context{});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(SkipCode(result.value(), "mug"), "unknown_variant");
}

TEST(OfferSelection, ShareLimitAllowsExactlyTheShareAndNotOneCentMore) {
  OfferCatalog catalog =
      CatalogOf({Complementary("at-limit", 2015, {}), Complementary("over-limit", 2016, {})});
  catalog.max_share_percent = 50;
  // Order subtotal 50.00: 25.00 is exactly half, 25.01 is over.
  auto result = select_offers(OrderOf({{2014, 1008}}), OrderStatus{}, catalog,
                              ContextWith({{2015, Facts(1009, 2500)}, {2016, Facts(1010, 2501)}}));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(Ids(result.value()), std::vector<std::string>{"at-limit"});
  EXPECT_EQ(SkipCode(result.value(), "over-limit"), "too_expensive");
}

TEST(OfferSelection, ShareLimitIsJudgedOnThePriceAfterTheDiscount) {
  OfferRule rule = Complementary("discounted", 2015, {});
  OfferDiscount discount;
  discount.type = DiscountType::kFixedAmount;
  discount.amount = 1000;
  rule.discount = discount;
  OfferCatalog catalog = CatalogOf({rule});
  catalog.max_share_percent = 50;
  auto result = select_offers(OrderOf({{2014, 1008}}), OrderStatus{}, catalog,
                              ContextWith({{2015, Facts(1009, 3500)}}));
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.value().offers.size(), 1u);
  EXPECT_EQ(result.value().offers[0].price.amount, 2500);
}

TEST(OfferSelection, PercentageDiscountRoundsHalfAwayFromZero) {
  OfferRule rule = Complementary("mug", 2015, {});
  OfferDiscount discount;
  discount.percentage = Rate{125, 1};  // 12.5% of 1.00 = 12.5 cents -> 13
  rule.discount = discount;
  auto result = select_offers(OrderOf({{2014, 1008}}), OrderStatus{}, CatalogOf({rule}),
                              ContextWith({{2015, Facts(1009, 100)}}));
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.value().offers.size(), 1u);
  EXPECT_EQ(result.value().offers[0].discount_amount, 13);
  EXPECT_EQ(result.value().offers[0].price.amount, 87);
}

TEST(OfferSelection, FixedDiscountNeverMakesThePriceNegative) {
  OfferRule rule = Complementary("balm", 2022, {});
  OfferDiscount discount;
  discount.type = DiscountType::kFixedAmount;
  discount.amount = 1000;
  rule.discount = discount;
  auto result = select_offers(OrderOf({{2014, 1008}}), OrderStatus{}, CatalogOf({rule}),
                              ContextWith({{2022, Facts(1014, 600)}}));
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.value().offers.size(), 1u);
  EXPECT_EQ(result.value().offers[0].price.amount, 0);
  EXPECT_EQ(result.value().offers[0].discount_amount, 600);
}

TEST(OfferSelection, BundleIsOfferedOnlyWhenTheOrderHoldsEveryOtherPiece) {
  OfferRule bundle;
  bundle.id = "winter-set";
  bundle.kind = OfferKind::kBundle;
  bundle.variant_id = 2021;
  bundle.bundle_product_ids = {1001, 1003, 1013};
  const Context context = ContextWith({{2021, Facts(1013, 2200)}});
  auto partial =
      select_offers(OrderOf({{2001, 1001}}), OrderStatus{}, CatalogOf({bundle}), context);
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(SkipCode(partial.value(), "winter-set"), "bundle_incomplete");
  auto complete = select_offers(OrderOf({{2001, 1001}, {2006, 1003}}), OrderStatus{},
                                CatalogOf({bundle}), context);
  ASSERT_TRUE(complete.ok());
  EXPECT_EQ(Ids(complete.value()), std::vector<std::string>{"winter-set"});
}

TEST(OfferSelection, RanksByPriorityThenMatchingLinesThenId) {
  OfferRule low = Complementary("a-low", 3001, {});
  low.priority = -1;
  OfferRule one_match = Complementary("b-one", 3002, {1001});
  OfferRule two_matches = Complementary("c-two", 3003, {1001, 1002});
  OfferRule tie = Complementary("a-two", 3004, {1001, 1002});
  OfferRule top = Complementary("z-top", 3005, {1001});
  top.priority = 5;
  OfferCatalog catalog = CatalogOf({low, one_match, two_matches, tie, top});
  catalog.max_offers = 10;
  Context context = ContextWith({{3001, Facts(4001, 100)},
                                 {3002, Facts(4002, 100)},
                                 {3003, Facts(4003, 100)},
                                 {3004, Facts(4004, 100)},
                                 {3005, Facts(4005, 100)}});
  auto result =
      select_offers(OrderOf({{2001, 1001}, {2004, 1002}}), OrderStatus{}, catalog, context);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(Ids(result.value()),
            (std::vector<std::string>{"z-top", "a-two", "c-two", "b-one", "a-low"}));
}

TEST(OfferSelection, KeepsAtMostMaxOffersDistinctVariants) {
  OfferRule first = Complementary("first", 3001, {});
  first.priority = 3;
  OfferRule same_variant = Complementary("same-variant", 3001, {});
  same_variant.priority = 2;
  OfferRule second = Complementary("second", 3002, {});
  second.priority = 1;
  OfferRule third = Complementary("third", 3003, {});
  OfferCatalog catalog = CatalogOf({first, same_variant, second, third});
  catalog.max_offers = 2;
  auto result = select_offers(
      OrderOf({{2001, 1001}}), OrderStatus{}, catalog,
      ContextWith({{3001, Facts(4001, 100)}, {3002, Facts(4002, 100)}, {3003, Facts(4003, 100)}}));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(Ids(result.value()), (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(SkipCode(result.value(), "same-variant"), "duplicate_variant");
  EXPECT_EQ(SkipCode(result.value(), "third"), "limit_reached");
}

TEST(OfferSelection, GiftCardOrdersGetNoOffers) {
  Order order = OrderOf({{2014, 1008}, {2013, 1007}});
  order.cart.items[1].gift_card = true;
  auto result = select_offers(order, OrderStatus{}, CatalogOf({Complementary("any", 2015, {})}),
                              ContextWith({{2015, Facts(1009, 1400)}}));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().suppressed, "gift_card_order");
  EXPECT_TRUE(result.value().offers.empty());
  EXPECT_EQ(SkipCode(result.value(), "any"), "gift_card_order");
}

TEST(OfferSelection, TriggersOnCollectionsAndTagsFromProductFacts) {
  OfferRule by_collection = Complementary("by-collection", 3001, {});
  by_collection.when.collections = {"knitwear"};
  OfferRule by_tag = Complementary("by-tag", 3002, {});
  by_tag.when.tags = {"MERINO"};
  OfferRule elsewhere = Complementary("elsewhere", 3003, {});
  elsewhere.when.collections = {"pantry"};
  Context context =
      ContextWith({{3001, Facts(4001, 100)}, {3002, Facts(4002, 100)}, {3003, Facts(4003, 100)}});
  context.products[1001].collections = {"winter", "knitwear"};
  context.products[1001].tags = {"merino"};
  auto result = select_offers(OrderOf({{2001, 1001}}), OrderStatus{},
                              CatalogOf({by_collection, by_tag, elsewhere}), context);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(Ids(result.value()), (std::vector<std::string>{"by-collection", "by-tag"}));
  EXPECT_EQ(SkipCode(result.value(), "elsewhere"), "not_triggered");
}

TEST(OfferSelectionJson, ReadsTheExampleCatalogAgainstTheExampleOrder) {
  auto output =
      select_offers_json(testing::ReadSourceFile("examples/orders/post-purchase-coffee.json"),
                         testing::ReadSourceFile("examples/offers/northbound.json"),
                         testing::ReadSourceFile("examples/contexts/post-purchase.json"));
  ASSERT_TRUE(output.ok()) << output.error().message;
  const auto json = nlohmann::json::parse(output.value());
  ASSERT_EQ(json["offers"].size(), 3u);
  EXPECT_EQ(json["offers"][0]["id"], "mug-with-coffee");
  EXPECT_EQ(json["offers"][0]["price"]["amount"], 1190);
  EXPECT_EQ(json["offers"][0]["discount"]["value_type"], "percentage");
  EXPECT_EQ(json["offers"][0]["discount"]["value"], "15");
}

TEST(OfferSelectionJson, FixedDiscountValueIsADecimalStringOfTheOrderCurrency) {
  const std::string order =
      R"({"currency":"USD","line_items":[{"variant_id":1,"product_id":2,"quantity":1,"price":"40.00"}]})";
  const std::string catalog =
      R"({"format":1,"currency":"USD","offers":[{"id":"o","kind":"complementary","variant_id":5,
          "discount":{"type":"fixed_amount","amount":450,"title":"t"}}]})";
  const std::string context =
      R"({"cart_amounts":"minor_units","variants":{"5":{"price":1000,"product_id":6}}})";
  auto output = select_offers_json(order, catalog, context);
  ASSERT_TRUE(output.ok()) << output.error().message;
  const auto json = nlohmann::json::parse(output.value());
  EXPECT_EQ(json["offers"][0]["discount"]["value"], "4.50");
  EXPECT_EQ(json["offers"][0]["price"]["amount"], 550);
}

PostPurchaseOffer DiscountedOffer(DiscountType type) {
  PostPurchaseOffer offer;
  offer.id = "mug";
  offer.variant_id = 5;
  offer.product_id = 6;
  offer.quantity = 2;
  offer.title = "Mug";
  offer.price = {1550, "USD"};
  offer.original_price = {2000, "USD"};
  OfferDiscount discount;
  discount.type = type;
  discount.title = "Yours for less";
  if (type == DiscountType::kPercentage) {
    discount.percentage = Rate{225, 1};
    discount.percentage_text = "22.50";
  } else {
    discount.amount = 450;
  }
  offer.discount = discount;
  offer.discount_amount = 450;
  return offer;
}

TEST(OfferDocument, ReadsBackWhatItWrote) {
  for (DiscountType type : {DiscountType::kPercentage, DiscountType::kFixedAmount}) {
    const std::string written = to_json(DiscountedOffer(type));
    auto read = parse_post_purchase_offer(written);
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(read.value().id, "mug");
    EXPECT_EQ(read.value().price.amount, 1550);
    EXPECT_EQ(to_json(read.value()), written);
  }
  EXPECT_TRUE(FailsWith(parse_post_purchase_offer(R"({"id":"x"})"), "missing_field", "$.kind"));
}

TEST(Changeset, AddsTheVariantWithItsDiscountAsANumber) {
  EXPECT_EQ(changeset_change(DiscountedOffer(DiscountType::kPercentage)),
            R"({"type":"add_variant","variantID":5,"quantity":2,)"
            R"("discount":{"value":22.5,"valueType":"percentage","title":"Yours for less"}})");
  EXPECT_EQ(changeset_change(DiscountedOffer(DiscountType::kFixedAmount)),
            R"({"type":"add_variant","variantID":5,"quantity":2,)"
            R"("discount":{"value":4.50,"valueType":"fixed_amount","title":"Yours for less"}})");
  PostPurchaseOffer subscription = DiscountedOffer(DiscountType::kPercentage);
  subscription.discount.reset();
  subscription.selling_plan_id = 77;
  EXPECT_EQ(changeset_change(subscription),
            R"({"type":"add_subscription","sellingPlanId":77,"variantID":5,"quantity":2})");
}

TEST(OfferSelectionJson, IsTheTypedSelectionWritten) {
  const std::string order =
      R"({"currency":"USD","line_items":[{"variant_id":1,"product_id":2,"quantity":1,"price":"40.00"}]})";
  const std::string catalog =
      R"({"format":1,"currency":"USD","offers":[{"id":"o","kind":"complementary","variant_id":5}]})";
  const std::string context =
      R"({"cart_amounts":"minor_units","variants":{"5":{"price":1000,"product_id":6}}})";
  auto selection =
      select_offers(parse_order(order).value(), OrderStatus{}, parse_offer_catalog(catalog).value(),
                    parse_context(context).value());
  ASSERT_TRUE(selection.ok());
  EXPECT_EQ(selection.value().currency, "USD");
  EXPECT_EQ(select_offers_json(order, catalog, context).value(), to_json(selection.value()));
}

TEST(OfferCatalogParsing, RefusesUnknownFieldsWithTheirPath) {
  EXPECT_TRUE(FailsWith(parse_offer_catalog(R"({"format":1,"currency":"USD","offers":[
      {"id":"a","kind":"complementary","variant_id":1,"priorty":3}]})"),
                        "unknown_field", "$.offers[0].priorty"));
}

TEST(OfferCatalogParsing, RefusesDuplicateIds) {
  EXPECT_TRUE(FailsWith(parse_offer_catalog(R"({"format":1,"currency":"USD","offers":[
      {"id":"a","kind":"complementary","variant_id":1},
      {"id":"a","kind":"complementary","variant_id":2}]})"),
                        "duplicate_id", "$.offers[1].id"));
}

TEST(OfferCatalogParsing, RequiresASellingPlanForSubscriptions) {
  EXPECT_TRUE(FailsWith(parse_offer_catalog(R"({"format":1,"currency":"USD","offers":[
      {"id":"a","kind":"subscription","variant_id":1}]})"),
                        "missing_field", "$.offers[0].selling_plan_id"));
}

TEST(OfferCatalogParsing, RefusesPercentagesOutsideZeroToHundred) {
  for (const char* value : {"0", "100.01", "-5", "abc", "12.34567"}) {
    const std::string catalog = std::string(R"({"format":1,"currency":"USD","offers":[
        {"id":"a","kind":"complementary","variant_id":1,
         "discount":{"type":"percentage","value":")") +
                                value + R"("}}]})";
    auto parsed = parse_offer_catalog(catalog);
    EXPECT_FALSE(parsed.ok()) << value;
  }
  auto hundred = parse_offer_catalog(R"({"format":1,"currency":"USD","offers":[
      {"id":"a","kind":"complementary","variant_id":1,
       "discount":{"type":"percentage","value":"100"}}]})");
  EXPECT_TRUE(hundred.ok());
}

TEST(OfferCatalogParsing, RefusesAnotherFormat) {
  EXPECT_TRUE(FailsWith(parse_offer_catalog(R"({"format":2,"currency":"USD","offers":[]})"),
                        "unsupported_format", "$.format"));
}

}  // namespace
}  // namespace tiercart
