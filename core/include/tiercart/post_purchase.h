// After the order: what to offer the customer on the post-purchase and order status pages,
// what they may still change on their order and until when, and whether a shipping address
// they type is complete and well formed. Pure functions on value types, plus JSON entry
// points in the style of tiercart.h, so the browser and the server decide alike.
// Formats, rules and error codes: docs/post-purchase.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tiercart/cart.h"
#include "tiercart/json_writer.h"
#include "tiercart/money.h"
#include "tiercart/result.h"
#include "tiercart/tiercart.h"

namespace tiercart {

// The order's state, read from the REST order (created_at, financial_status,
// fulfillment_status, cancelled_at). Used by offers and edit eligibility.
struct OrderStatus {
  std::optional<int64_t> created_at;  // Unix seconds; edit_eligibility_json requires it
  std::string financial_status;       // "paid", "refunded", ... (lower case; may be empty)
  std::string fulfillment_status;     // "", "partial", "fulfilled", "restocked"
  std::optional<int64_t> cancelled_at;
};
Result<OrderStatus> parse_order_status(std::string_view order_json);

// ---------------------------------------------------------------------------------------
// Offers

inline constexpr std::size_t kMaxOffersInCatalog = 200;
// Shopify accepts at most three post-purchase offers per order.
inline constexpr int kDefaultMaxOffers = 3;
inline constexpr int kMaxOffersShown = 10;

enum class OfferKind {
  kComplementary,  // "complementary": bought the coffee, offer the mug
  kBundle,         // "bundle": the order holds the rest of a bundle, offer the missing piece
  kSubscription,   // "subscription": offer a variant through a selling plan
};
std::string_view offer_kind_name(OfferKind kind);

enum class DiscountType {
  kPercentage,   // "percentage": `percentage` of the offer's price
  kFixedAmount,  // "fixed_amount": an amount off the offer's price (all units together)
};

struct OfferDiscount {
  DiscountType type = DiscountType::kPercentage;
  Rate percentage;              // kPercentage: 0 < percentage <= 100, e.g. "15" or "12.5"
  std::string percentage_text;  // as the merchant wrote it, for the output's "value"
  // kFixedAmount: minor units of the catalog's currency, and explicit amounts per
  // presentment currency (minor units) that win over converting with the context's rate.
  int64_t amount = 0;
  std::map<std::string, int64_t> amounts_by_currency;
  std::string title;  // shown to the customer and sent to Shopify ("15% off the mug")
};

// Which orders an offer is for. An order matches when any of its lines (gift cards
// excepted) matches any listed product, variant, collection or tag; a trigger that lists
// nothing matches every order. Collections and tags come from the context's product facts.
struct OfferTrigger {
  std::vector<int64_t> product_ids;
  std::vector<int64_t> variant_ids;
  std::vector<std::string> collections;
  std::vector<std::string> tags;  // compared case-insensitively
  bool empty() const {
    return product_ids.empty() && variant_ids.empty() && collections.empty() && tags.empty();
  }
};

struct OfferRule {
  std::string id;  // [a-z0-9_-]{1,64}, unique in the catalog
  OfferKind kind = OfferKind::kComplementary;
  int64_t variant_id = 0;  // what is offered; price, stock and product from the context
  int64_t quantity = 1;
  std::optional<OfferDiscount> discount;
  std::string title;     // the offer's headline; the variant's title from the context when empty
  std::string reason;    // why it is offered, for the customer ("Goes with your coffee")
  int64_t priority = 0;  // higher first, -1000..1000
  OfferTrigger when;     // complementary and subscription offers
  std::vector<int64_t> bundle_product_ids;  // bundle: every product of the bundle
  std::optional<int64_t> selling_plan_id;   // subscription: required
};

struct OfferCatalog {
  std::string currency;  // of fixed discount amounts; the shop's currency
  int max_offers = kDefaultMaxOffers;
  // An offer is dropped when its final price exceeds this share (percent) of the order's
  // subtotal after line discounts. Nothing = no limit.
  std::optional<int64_t> max_share_percent;
  std::vector<OfferRule> offers;
};

// (tiercart::Suggestion is the drawer's next-tier product; this is the post-purchase offer.)
// One offer as the post-purchase page and Shopify's changeset need it. Amounts are minor
// units of the order's presentment currency and cover all `quantity` units.
struct PostPurchaseOffer {
  std::string id;
  OfferKind kind = OfferKind::kComplementary;
  int64_t variant_id = 0;
  int64_t product_id = 0;
  int64_t quantity = 1;
  std::string title;
  std::string reason;
  Money price;           // what the customer pays: original_price - discount_amount
  Money original_price;  // catalog unit price x quantity
  std::optional<OfferDiscount> discount;  // as the rule gives it
  int64_t discount_amount = 0;            // minor units of the order's currency
  std::optional<int64_t> selling_plan_id;
};

// Why a catalog offer was not returned, for the merchant's preview and for tests.
// Codes (stable): "not_triggered", "bundle_incomplete", "already_bought", "out_of_stock",
// "unknown_variant" (no price in the context), "too_expensive", "missing_rate",
// "duplicate_variant", "limit_reached".
struct SkippedOffer {
  std::string id;
  std::string code;
};

struct OfferSelection {
  std::string currency;  // the order's presentment currency, of every amount below
  // Set when no offer may be shown for this order at all: "gift_card_order",
  // "cancelled_order", "empty_order". Offers is then empty.
  std::string suppressed;
  std::vector<PostPurchaseOffer> offers;  // best first
  std::vector<SkippedOffer> skipped;      // in catalog order
};

Result<OfferCatalog> parse_offer_catalog(std::string_view json);

// Ranks every offer that passes the filters by priority (highest first), then by how many
// order lines trigger it (most first), then by id (ascending), and keeps the first
// `max_offers` distinct variants. Errors: "currency_mismatch" (the context names another
// presentment currency than the order's), "out_of_range" (a money overflow).
// `status` says whether the order was cancelled (no offers then).
Result<OfferSelection> select_offers(const Order& order, const OrderStatus& status,
                                     const OfferCatalog& catalog, const Context& context);

// ---------------------------------------------------------------------------------------
// Edit eligibility

enum class EditKind { kAddress, kVariantSwap, kAddItem, kCancel };
inline constexpr EditKind kAllEditKinds[] = {EditKind::kAddress, EditKind::kVariantSwap,
                                             EditKind::kAddItem, EditKind::kCancel};
std::string_view edit_kind_name(EditKind kind);  // "address", "variant_swap", "add_item", "cancel"

struct EditPolicy {
  int64_t window_minutes = 0;  // 0..43200 (30 days)
  std::vector<EditKind> allowed;
  // Shorter or longer windows for some edits, e.g. cancel within 15 minutes only.
  std::map<std::string, int64_t> window_minutes_by_edit;  // key: edit_kind_name
};

Result<EditPolicy> parse_edit_policy(std::string_view json);

struct RefusedEdit {
  EditKind edit = EditKind::kAddress;
  // "not_allowed", "cancelled", "voided", "refunded", "fulfilled", "partially_fulfilled",
  // "partially_refunded", "window_closed"
  std::string code;
  std::string message;
};

struct EditEligibility {
  bool editable = false;                     // at least one edit allowed now
  int64_t until = 0;                         // Unix seconds: created_at + window_minutes
  int64_t seconds_left = 0;                  // until - now, never below 0
  std::vector<EditKind> allowed;             // in kAllEditKinds order
  std::map<std::string, int64_t> deadlines;  // per allowed edit, Unix seconds
  std::vector<RefusedEdit> refused;          // in kAllEditKinds order
};

EditEligibility edit_eligibility(const OrderStatus& order, const EditPolicy& policy, int64_t now);

// ---------------------------------------------------------------------------------------
// Addresses

// Shopify's REST address fields. Absent and empty are the same.
struct Address {
  std::string first_name, last_name, company, address1, address2, city, province, province_code,
      zip, country_code, country, phone;
};

struct AddressOptions {
  std::optional<bool> po_box_allowed;  // shipping_method.po_box; nothing = no warning
  std::vector<std::string> countries;  // countries the shop ships to; empty = all
};

struct AddressProblem {
  std::string field;     // "zip", "province_code", ...
  std::string code;      // "required", "invalid_postal_code", ... (docs/post-purchase.md)
  std::string severity;  // "error" or "warning"
  std::string message;
};

struct AddressCheck {
  bool ok = false;                       // no problem of severity "error"
  Address address;                       // normalised
  std::vector<AddressProblem> problems;  // in field order, then rule order
};

Result<Address> parse_address(std::string_view json);
Result<AddressOptions> parse_address_options(std::string_view json);  // empty = defaults
Address normalise_address(const Address& address);
AddressCheck check_address(const Address& address, const AddressOptions& options);

// ---------------------------------------------------------------------------------------
// Shopify's post-purchase input (shopify/purchase_token.cpp)

// A Shopify id as its newer APIs give one: digits, or a GraphQL global id
// ("gid://shopify/ProductVariant/42"). Nothing unless positive and at most 18 digits.
std::optional<int64_t> parse_shopify_id(std::string_view text);
// The purchase in the claims of the token Shopify signs for the post-purchase page
// (`input_data.initialPurchase`), as an Order in its presentment currency: each line's total
// becomes a unit price rounded up and the remainder a line discount, to the minor unit.
// Shopify shows no post-purchase page for an order paid in another currency than the shop's;
// a purchase whose shopMoney and presentmentMoney differ is refused ("currency_mismatch").
Result<Order> parse_purchase_token(std::string_view claims_json);
// The same purchase as the customer account extension sends it: `{"initialPurchase": ..}`.
Result<Order> parse_initial_purchase(std::string_view input_json);

// Shopify's changeset change for an accepted offer: {"type":"add_variant" (or
// "add_subscription" with "sellingPlanId"),"variantID","quantity","discount"?}, the discount's
// value a JSON number.
std::string changeset_change(const PostPurchaseOffer& offer);

// ---------------------------------------------------------------------------------------
// Documents out (docs/post-purchase.md gives every shape). The server embeds them in its
// answers as they are.

std::string to_json(const OfferSelection& selection);
// The members of to_json(selection) written into an object `w` has open, for an answer that
// adds its own (the server's post-purchase answer adds the purchase's reference id).
void write_members(JsonWriter& w, const OfferSelection& selection);
std::string to_json(const PostPurchaseOffer& offer);
// An offer as to_json wrote it (one the server stored with an order edit).
Result<PostPurchaseOffer> parse_post_purchase_offer(std::string_view json);
std::string to_json(const EditEligibility& eligibility);
std::string to_json(const Address& address);  // the non-empty fields
std::string to_json(const std::vector<AddressProblem>& problems);
std::string to_json(const AddressCheck& check);

// ---------------------------------------------------------------------------------------
// JSON in, JSON out, for bindings that only move documents (the CLI, the wasm module).

// `context_json` may be empty.
Result<std::string> select_offers_json(std::string_view order_json, std::string_view offers_json,
                                       std::string_view context_json);
// `now`: ISO 8601 with a zone ("2026-11-21T12:00:00Z").
Result<std::string> edit_eligibility_json(std::string_view order_json, std::string_view policy_json,
                                          std::string_view now);
// `options_json` may be empty.
Result<std::string> check_address_json(std::string_view address_json,
                                       std::string_view options_json);

}  // namespace tiercart
