// Shopify's post-purchase input to an Order. The token Shopify signs for the post-purchase
// page carries the purchase just made under `input_data.initialPurchase`; the customer
// account extension sends the same `initialPurchase` from the order status page. Each line
// gives its total: the Order gets a unit price rounded up and the remainder as the line's
// discount, so that every line costs exactly its total to the minor unit.

#include "json/reader.h"
#include "tiercart/money.h"
#include "tiercart/post_purchase.h"

namespace tiercart {
namespace {

using detail::Value;

constexpr std::size_t kMaxPurchaseLines = 1000;
constexpr int64_t kMaxPurchaseQuantity = 1'000'000;

const Value* member(const Value* object, std::string_view key) {
  return object && object->is_object() ? object->find(key) : nullptr;
}

// A whole number that fits an int64 (the reader keeps positive ones as unsigned, as
// nlohmann does).
std::optional<int64_t> whole_number(const Value* value) {
  if (!value) return std::nullopt;
  if (value->kind() == Value::Kind::kInteger) return value->integer();
  if (value->kind() == Value::Kind::kUnsigned && value->unsigned_integer() <= INT64_MAX) {
    return static_cast<int64_t>(value->unsigned_integer());
  }
  return std::nullopt;
}

// A Shopify id as the post-purchase input gives it: a number, a numeric string or a GraphQL
// global id ("gid://shopify/ProductVariant/42").
std::optional<int64_t> shopify_id(const Value* value) {
  if (!value) return std::nullopt;
  if (value->is_number_integer()) {
    const auto number = whole_number(value);
    return number && *number > 0 ? number : std::nullopt;
  }
  if (!value->is_string()) return std::nullopt;
  return parse_shopify_id(value->text());
}

Result<Order> read_initial_purchase(const Value& root, const std::string& base) {
  const Value* purchase = member(&root, "initialPurchase");
  const std::string path = base + ".initialPurchase";
  if (!purchase || !purchase->is_object()) {
    return make_error("missing_field", "the token has no initial purchase", path);
  }
  const Value* lines = member(purchase, "lineItems");
  if (!lines || !lines->is_array() || lines->size() > kMaxPurchaseLines) {
    return make_error("missing_field", "the purchase has no line items (at most 1000)",
                      path + ".lineItems");
  }
  const Value* currency =
      member(member(member(purchase, "totalPriceSet"), "presentmentMoney"), "currencyCode");
  if (!currency || !currency->is_string()) {
    return make_error("missing_field", "the purchase has no presentment currency",
                      path + ".totalPriceSet.presentmentMoney.currencyCode");
  }
  const std::string code(currency->text());
  if (!minor_units(code)) return make_error("unknown_currency", "unknown currency " + code);
  // Offers are priced from the shop's catalog: a purchase paid in another currency would be
  // charged shop prices in the wrong unit.
  const Value* shop =
      member(member(member(purchase, "totalPriceSet"), "shopMoney"), "currencyCode");
  if (shop && shop->is_string() && shop->text() != code) {
    return make_error("currency_mismatch",
                      "the purchase was paid in " + code + ", not in the shop's currency " +
                          std::string(shop->text()).substr(0, 16),
                      path + ".totalPriceSet.shopMoney.currencyCode");
  }

  Order order;
  order.cart.currency = code;
  for (std::size_t i = 0; i < lines->size(); ++i) {
    const Value& line = (*lines)[i];
    const std::string line_path = path + ".lineItems[" + std::to_string(i) + "]";
    const Value* product = member(&line, "product");
    const auto product_id = shopify_id(member(product, "id"));
    const auto variant_id = shopify_id(member(member(product, "variant"), "id"));
    const Value* quantity = member(&line, "quantity");
    const Value* amount =
        member(member(member(&line, "totalPriceSet"), "presentmentMoney"), "amount");
    const auto units = whole_number(quantity);
    if (!product_id || !variant_id || !units || *units < 1 || *units > kMaxPurchaseQuantity ||
        !amount || !(amount->is_string() || amount->is_number_integer())) {
      return make_error("invalid_value",
                        "a line needs product and variant ids, a quantity and a total", line_path);
    }
    auto total = parse_decimal_amount(amount->is_string() ? amount->text() : amount->raw(), code,
                                      line_path + ".totalPriceSet.presentmentMoney.amount");
    if (!total) return total.error();
    if (total.value() < 0) return make_error("invalid_amount", "a negative line total", line_path);

    CartLine item;
    item.product_id = *product_id;
    item.variant_id = *variant_id;
    item.quantity = *units;
    item.price = (total.value() + item.quantity - 1) / item.quantity;
    item.original_line_price = item.price * item.quantity;
    item.final_line_price = total.value();
    if (const Value* title = member(product, "title"); title && title->is_string()) {
      item.title = std::string(title->text());
    }
    order.cart.items.push_back(std::move(item));
  }
  return order;
}

Result<Order> read_purchase(std::string_view json, std::string_view what, bool in_token) {
  auto doc = detail::parse_document(json, what);
  if (!doc) return doc.error();
  const Value& root = doc.value().root();
  if (!in_token) return read_initial_purchase(root, "$");
  const Value* input = member(&root, "input_data");
  if (!input) {
    return make_error("missing_field", "the token has no initial purchase",
                      "$.input_data.initialPurchase");
  }
  return read_initial_purchase(*input, "$.input_data");
}

}  // namespace

std::optional<int64_t> parse_shopify_id(std::string_view text) {
  const std::size_t slash = text.rfind('/');
  const std::size_t start = slash == std::string_view::npos ? 0 : slash + 1;
  if (start >= text.size() || text.size() - start > 18) return std::nullopt;
  int64_t id = 0;
  for (std::size_t i = start; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    id = id * 10 + (text[i] - '0');
  }
  return id > 0 ? std::optional<int64_t>(id) : std::nullopt;
}

Result<Order> parse_purchase_token(std::string_view claims_json) {
  return read_purchase(claims_json, "token", /*in_token=*/true);
}

Result<Order> parse_initial_purchase(std::string_view input_json) {
  return read_purchase(input_json, "purchase", /*in_token=*/false);
}

}  // namespace tiercart
