// The cart as the core sees it, and the context it is evaluated in.
// A Cart is what Shopify's cart.js returns (or an orders/create payload brought to the
// same shape), with every amount already in minor units of the presentment currency.
// The Context carries what a cart does not say: rate, country, customer tags, time,
// and product facts such as collections and stock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tiercart/money.h"

namespace tiercart {

// The hidden line property that marks a line as a tiercart gift. Its value names the
// program, its version and the tier: "<program id>@<version>:<tier id>".
inline constexpr const char* kGiftProperty = "_tiercart";

// The cart attribute that lists the gifts the shopper declined (removed) in this cart:
// "<program id>:<tier id>:<variant id>" entries separated by commas. Kept on the cart (cart.js
// `attributes`, written with cart/update.js) so that every reader of the cart honours it.
inline constexpr const char* kDeclinedAttribute = "_tiercart_declined";

// One gift the shopper removed and does not want added again in this cart.
struct DeclinedGift {
  std::string program_id;
  std::string tier_id;
  int64_t variant_id = 0;
};
// The entries of a `_tiercart_declined` value; entries not of the form are skipped.
std::vector<DeclinedGift> parse_declined_gifts(const std::string& value);

// What a gift line's _tiercart property claims. Parsed in one place so that the core, the
// server (which picks the program version a line names) and the Function read it alike.
struct GiftClaim {
  std::string program_id;
  int64_t version = 0;
  std::string tier_id;
};
// Nothing when the value is not "<program id>@<version>:<tier id>".
std::optional<GiftClaim> parse_gift_claim(const std::string& value);

struct CartLine {
  int64_t variant_id = 0;
  int64_t product_id = 0;
  std::string key;  // cart.js line key "variantId:hash"; empty for order lines
  int64_t quantity = 0;
  std::map<std::string, std::string> properties;  // non-string values kept as JSON text
  // Amounts in minor units of the cart's currency.
  int64_t price = 0;                // unit price before discounts
  int64_t original_line_price = 0;  // price x quantity
  int64_t final_line_price = 0;     // after line-level discounts
  bool gift_card = false;
  bool requires_shipping = true;
  bool subscription = false;  // has a selling plan allocation
  // The compare-at unit price, when the document carries it (a Function's
  // cost.compareAtAmountPerQuantity); 0 when it says there is none. Otherwise the context's
  // variant facts tell.
  std::optional<int64_t> compare_at_price;
  std::string product_type;
  std::string vendor;
  std::string title;  // product title and variant title, for messages
};

struct Cart {
  std::string currency;  // presentment currency of every amount below
  std::vector<CartLine> items;
  // Cart-level (order) discounts in minor units; spread over lines by the after-discount basis.
  int64_t cart_level_discount = 0;
  std::vector<std::string> discount_codes;
  // Gifts the shopper declined, from the cart attribute kDeclinedAttribute.
  std::vector<DeclinedGift> declined_gifts;
  // What puts the cart in an experiment's arm (program.h, arm_of): cart.js `token`; an order's
  // `cart_token`; in a Function's input, the kArmAttribute the drawer wrote. Empty: unknown.
  std::string arm_key;
  // An order's only: the arm key checkout was told, its note attribute kArmAttribute ("" when
  // the order has none, and checkout measured the cart as arm a). validate() flags an order
  // whose checkout arm is not its cart's (arm_forged). Nothing for a cart not checked out.
  std::optional<std::string> checkout_arm_key;
};

// What the store knows of a product that the cart does not carry.
struct ProductFacts {
  std::vector<std::string> collections;  // collection handles
  std::vector<std::string> tags;
  std::string product_type;  // used when the cart line has none
};

// What the store knows of a variant: stock and catalog price (used to detect tampering).
struct VariantFacts {
  std::optional<int64_t> available;  // units in stock; nothing = not tracked
  std::optional<int64_t> price;      // catalog unit price in minor units of the cart currency
  // Compare-at unit price, same units as `price`; 0 when the variant has none. A line priced
  // below it is on sale (Scope::sale_items). Nothing = not known.
  std::optional<int64_t> compare_at_price;
  int64_t product_id = 0;
  std::string title;
  std::string image;  // the variant's image URL, for the gift picker and suggestions
};

// What Shopify says of a signed-in customer's past: Liquid's customer.orders_count and
// total_spent, a Function's buyerIdentity.customer numberOfOrders and amountSpent.
struct CustomerHistory {
  int64_t orders = 0;
  // In the shop currency (the program's): in the context's cart_amounts convention when read
  // from a context document, in minor units when `minor_units` (a Function, an order).
  int64_t amount_spent = 0;
  bool minor_units = false;
  // The currency of amount_spent when the document names it (a Function's amountSpent);
  // empty: the shop currency.
  std::string currency;
};

struct Context {
  std::string presentment_currency;  // defaults to the cart's currency
  std::string shop_currency;         // defaults to the program's currency
  std::optional<Rate> rate;          // presentment units per shop unit; needed when they differ
  // The rate of each other currency the shop sells in (JSON "rates": {"EUR": "0.92"}), for a
  // shop's context that serves carts and orders in several currencies: for_currency() picks.
  std::map<std::string, Rate> rates;
  CartAmounts cart_amounts = CartAmounts::kCents;
  std::string money_format;  // Shopify money_format template; default per currency when empty
  std::string country;       // ISO 3166-1 alpha-2, upper case; may be empty
  std::vector<std::string> customer_tags;
  // Nothing for a signed-out shopper: tiers that need a history then wait for signing in.
  std::optional<CustomerHistory> customer;
  std::string locale = "en";
  std::optional<int64_t> now;  // Unix seconds; schedules are ignored without it
  std::map<int64_t, ProductFacts> products;
  std::map<int64_t, VariantFacts> variants;
  // The shopper's gift choice per tier id (variant ids), from the gift picker.
  std::map<std::string, std::vector<int64_t>> gift_choices;
  // Products the drawer may suggest to reach the next tier.
  std::vector<int64_t> suggestion_candidates;  // JSON "offer_candidates": variant ids in `variants`
};

// An orders/create webhook payload (REST order) brought to the cart shape, with what the
// order says of its context.
struct Order {
  int64_t id = 0;
  Cart cart;  // amounts in the presentment currency
  std::optional<int64_t> created_at;
  std::string country;  // shipping address country code
  std::vector<std::string> customer_tags;
  // Who placed it (`customer.id`); nullopt for a guest checkout. The core does not judge by
  // it; the server keeps it to know whose order an edit request may touch.
  std::optional<int64_t> customer_id;
  // The customer's orders_count and total_spent as the webhook gives them.
  std::optional<CustomerHistory> customer_history;
};

// Fills what the context leaves open from the order (time, country, tags).
Context with_order(Context context, const Order& order);

// The shop's context for a cart or order paid in `currency`. In a currency of `rates` it
// carries that rate and no catalog prices: those are in the shop currency, and the cart's or
// order's own prices are Shopify's. Otherwise (the shop currency, a rate already set, or a
// currency with no rate) it is the context as it is.
Context for_currency(const Context& shop, const std::string& currency);

}  // namespace tiercart
