// The post-purchase JSON boundary: offer catalogs, edit policies, addresses and the order's
// state in; offers, eligibility and address checks out. Keys keep a fixed order
// (json/writer.h) so every build prints the same bytes. Shapes: docs/post-purchase.md.

#include <algorithm>
#include <set>

#include "json/reader.h"
#include "tiercart/json_writer.h"
#include "tiercart/post_purchase.h"
#include "tiercart/time.h"

namespace tiercart {

using detail::index_path;
using detail::is_id;
using detail::key_path;
using detail::ObjectReader;
using detail::read_time;
using detail::Value;

namespace {

// An address's fields as Shopify's REST address names them, in the order they are written.
const std::pair<const char*, std::string Address::*> kAddressFields[] = {
    {"first_name", &Address::first_name},
    {"last_name", &Address::last_name},
    {"company", &Address::company},
    {"address1", &Address::address1},
    {"address2", &Address::address2},
    {"city", &Address::city},
    {"province", &Address::province},
    {"province_code", &Address::province_code},
    {"zip", &Address::zip},
    {"country_code", &Address::country_code},
    {"country", &Address::country},
    {"phone", &Address::phone}};

constexpr std::size_t kMaxAddressField = 255;
constexpr int64_t kMaxWindowMinutes = 43200;
constexpr int64_t kMaxOfferQuantity = 100;

bool blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

std::optional<EditKind> parse_edit_kind(std::string_view name) {
  for (EditKind kind : kAllEditKinds) {
    if (edit_kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

OfferTrigger read_trigger(ObjectReader& parent) {
  OfferTrigger when;
  const Value* value = parent.object("when");
  if (!value) return when;
  ObjectReader r(*value, key_path(parent.path(), "when"), "offers");
  r.reject_unknown({"product_ids", "variant_ids", "collections", "tags"});
  when.product_ids = r.integers("product_ids");
  when.variant_ids = r.integers("variant_ids");
  when.collections = r.strings("collections");
  when.tags = r.strings("tags");
  if (r.failed()) parent.adopt(r.error());
  return when;
}

std::optional<OfferDiscount> read_discount(ObjectReader& parent) {
  const Value* value = parent.object("discount");
  if (!value) return std::nullopt;
  ObjectReader r(*value, key_path(parent.path(), "discount"), "offers");
  r.reject_unknown({"type", "value", "amount", "amounts_by_currency", "title"});
  OfferDiscount discount;
  auto type = r.string("type", /*required=*/true);
  discount.title = r.text("title").value_or(std::string_view());
  if (r.failed()) {
    parent.adopt(r.error());
    return std::nullopt;
  }
  if (*type == "percentage") {
    discount.type = DiscountType::kPercentage;
    if (r.has("amount") || r.has("amounts_by_currency")) {
      r.fail("invalid_value", "a percentage discount has a value, not an amount",
             key_path(r.path(), "amount"));
    }
    auto text = r.string("value", /*required=*/true);
    if (text) {
      const std::string path = key_path(r.path(), "value");
      auto rate = parse_rate(*text, path);
      // At most 100% and 4 decimals; `value` 100 = 100 x 10^scale digits.
      int64_t hundred = 100;
      for (int i = 0; rate && i < rate.value().scale && i < 4; ++i) hundred *= 10;
      if (!rate || rate.value().scale > 4 || rate.value().digits > hundred) {
        r.fail("invalid_value", "a percentage is a decimal string above 0 and at most 100", path);
      } else {
        discount.percentage = rate.value();
        discount.percentage_text = *text;
      }
    }
  } else if (*type == "fixed_amount") {
    discount.type = DiscountType::kFixedAmount;
    if (r.has("value")) {
      r.fail("invalid_value", "a fixed discount has an amount in minor units, not a value",
             key_path(r.path(), "value"));
    }
    discount.amount = r.integer_in("amount", 1, kMaxAmount, /*required=*/true).value_or(0);
    discount.amounts_by_currency = detail::read_amounts_by_currency(r, "amounts_by_currency");
  } else {
    r.fail("invalid_value", "discount type is \"percentage\" or \"fixed_amount\"",
           key_path(r.path(), "type"));
  }
  if (r.failed()) {
    parent.adopt(r.error());
    return std::nullopt;
  }
  return discount;
}

Result<OfferRule> read_offer(const Value& value, const std::string& path) {
  ObjectReader r(value, path, "offers");
  r.reject_unknown({"id", "kind", "variant_id", "quantity", "when", "bundle_product_ids",
                    "selling_plan_id", "discount", "title", "reason", "priority"});
  OfferRule rule;
  auto id = r.string("id", /*required=*/true);
  if (id && !is_id(*id)) {
    r.fail("invalid_value", "\"" + *id + "\" is not an id: use 1 to 64 of a-z, 0-9, '-', '_'",
           key_path(path, "id"));
  }
  rule.id = id.value_or("");
  auto kind = r.string("kind", /*required=*/true);
  if (kind) {
    if (*kind == "complementary") {
      rule.kind = OfferKind::kComplementary;
    } else if (*kind == "bundle") {
      rule.kind = OfferKind::kBundle;
    } else if (*kind == "subscription") {
      rule.kind = OfferKind::kSubscription;
    } else {
      r.fail("invalid_value", "kind is \"complementary\", \"bundle\" or \"subscription\"",
             key_path(path, "kind"));
    }
  }
  rule.variant_id = r.integer_in("variant_id", 1, INT64_MAX, /*required=*/true).value_or(0);
  rule.quantity = r.integer_in("quantity", 1, kMaxOfferQuantity).value_or(1);
  rule.title = r.text("title").value_or(std::string_view());
  rule.reason = r.text("reason").value_or(std::string_view());
  rule.priority = r.integer_in("priority", -1000, 1000).value_or(0);
  rule.when = read_trigger(r);
  rule.discount = read_discount(r);
  if (r.failed()) return r.error();

  const bool bundle = rule.kind == OfferKind::kBundle;
  if (bundle) {
    const Value* members = r.array("bundle_product_ids", /*required=*/true);
    if (members && (members->size() < 2 || members->size() > 20)) {
      r.fail("invalid_value", "a bundle has 2 to 20 products",
             key_path(path, "bundle_product_ids"));
    }
    rule.bundle_product_ids = r.integers("bundle_product_ids");
    if (r.has("when")) {
      r.fail("invalid_value", "a bundle offer is triggered by its products, not by \"when\"",
             key_path(path, "when"));
    }
  } else if (r.has("bundle_product_ids")) {
    r.fail("invalid_value", "bundle_product_ids is only for bundle offers",
           key_path(path, "bundle_product_ids"));
  }
  if (rule.kind == OfferKind::kSubscription) {
    rule.selling_plan_id = r.integer_in("selling_plan_id", 1, INT64_MAX, /*required=*/true);
  } else if (r.has("selling_plan_id")) {
    r.fail("invalid_value", "selling_plan_id is only for subscription offers",
           key_path(path, "selling_plan_id"));
  }
  if (r.failed()) return r.error();
  return rule;
}

void write_money(JsonWriter& w, std::string_view key, const Money& money) {
  w.key(key).begin_object().field("amount", money.amount).field("currency", money.currency);
  w.end_object();
}

}  // namespace

Result<OfferCatalog> parse_offer_catalog(std::string_view text) {
  auto doc = detail::parse_document(text, "offers");
  if (!doc) return doc.error();
  ObjectReader r(doc.value().root(), "$", "offers");
  r.reject_unknown({"format", "currency", "max_offers", "max_share_percent", "offers"});
  OfferCatalog catalog;
  auto format = r.integer("format", /*required=*/true);
  if (format && *format != 1) {
    r.fail("unsupported_format", "this core reads offer catalogs of format 1", "$.format");
  }
  auto currency = r.string("currency", /*required=*/true);
  if (currency) {
    auto known = require_currency(*currency, "$.currency");
    if (!known) r.fail(known.error().code, known.error().message, "$.currency");
    catalog.currency = *currency;
  }
  catalog.max_offers =
      static_cast<int>(r.integer_in("max_offers", 1, kMaxOffersShown).value_or(kDefaultMaxOffers));
  catalog.max_share_percent = r.integer_in("max_share_percent", 1, 1000);
  const Value* offers = r.array("offers", /*required=*/true);
  if (r.failed()) return r.error();
  if (offers->size() > kMaxOffersInCatalog) {
    return make_error("too_many", "offers: at most 200 offers in a catalog", "$.offers");
  }
  std::set<std::string> ids;
  for (std::size_t i = 0; i < offers->size(); ++i) {
    const std::string path = index_path("$.offers", i);
    auto rule = read_offer((*offers)[i], path);
    if (!rule) return rule.error();
    if (!ids.insert(rule.value().id).second) {
      return make_error("duplicate_id", "offers: id \"" + rule.value().id + "\" is used twice",
                        key_path(path, "id"));
    }
    catalog.offers.push_back(std::move(rule).value());
  }
  return catalog;
}

Result<OrderStatus> parse_order_status(std::string_view text) {
  auto doc = detail::parse_document(text, "order");
  if (!doc) return doc.error();
  ObjectReader r(doc.value().root(), "$", "order");
  OrderStatus status;
  status.created_at = read_time(r, "created_at");
  status.financial_status = detail::lower(r.string("financial_status").value_or(""));
  status.fulfillment_status = detail::lower(r.string("fulfillment_status").value_or(""));
  status.cancelled_at = read_time(r, "cancelled_at");
  if (r.failed()) return r.error();
  return status;
}

Result<EditPolicy> parse_edit_policy(std::string_view text) {
  auto doc = detail::parse_document(text, "policy");
  if (!doc) return doc.error();
  ObjectReader r(doc.value().root(), "$", "policy");
  r.reject_unknown({"window_minutes", "allowed", "window_minutes_by_edit"});
  EditPolicy policy;
  policy.window_minutes =
      r.integer_in("window_minutes", 0, kMaxWindowMinutes, /*required=*/true).value_or(0);
  r.array("allowed", /*required=*/true);
  const auto names = r.strings("allowed");
  for (std::size_t i = 0; i < names.size() && !r.failed(); ++i) {
    auto kind = parse_edit_kind(names[i]);
    if (!kind) {
      r.fail("invalid_value",
             "\"" + names[i] + "\" is not an edit: address, variant_swap, add_item or cancel",
             index_path("$.allowed", i));
    } else if (std::find(policy.allowed.begin(), policy.allowed.end(), *kind) ==
               policy.allowed.end()) {
      policy.allowed.push_back(*kind);
    }
  }
  if (const Value* windows = r.object("window_minutes_by_edit")) {
    for (auto it = windows->begin(); it != windows->end() && !r.failed(); ++it) {
      const std::string path = key_path("$.window_minutes_by_edit", it.key());
      if (!parse_edit_kind(it.key())) {
        r.fail("invalid_value", "not an edit: address, variant_swap, add_item or cancel", path);
        break;
      }
      auto minutes = r.as_integer(it.value(), path);
      if (minutes && (*minutes < 0 || *minutes > kMaxWindowMinutes)) {
        r.fail("out_of_range", "a window is 0 to 43200 minutes", path);
      }
      if (minutes) policy.window_minutes_by_edit[std::string(it.key())] = *minutes;
    }
  }
  if (r.failed()) return r.error();
  return policy;
}

Result<Address> parse_address(std::string_view text) {
  auto doc = detail::parse_document(text, "address");
  if (!doc) return doc.error();
  ObjectReader r(doc.value().root(), "$", "address");
  Address a;
  for (const auto& [key, member] : kAddressFields) {
    std::string* out = &(a.*member);
    *out = r.string(key).value_or("");
    if (out->size() > kMaxAddressField) {
      r.fail("too_large", "at most 255 bytes", key_path("$", key));
    }
  }
  if (r.failed()) return r.error();
  return a;
}

Result<AddressOptions> parse_address_options(std::string_view text) {
  AddressOptions options;
  if (blank(text)) return options;
  auto doc = detail::parse_document(text, "options");
  if (!doc) return doc.error();
  ObjectReader r(doc.value().root(), "$", "options");
  r.reject_unknown({"shipping_method", "countries"});
  if (const Value* method = r.object("shipping_method")) {
    // Other keys of a shipping method (its title, code) are welcome and ignored.
    ObjectReader m(*method, "$.shipping_method", "options");
    options.po_box_allowed = m.boolean("po_box");
    if (m.failed()) return m.error();
  }
  options.countries = r.strings("countries");
  for (std::size_t i = 0; i < options.countries.size() && !r.failed(); ++i) {
    std::string& code = options.countries[i];
    code = detail::upper(code);
    if (code.size() != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z') {
      r.fail("invalid_value", "a country is a two-letter code", index_path("$.countries", i));
    }
  }
  if (r.failed()) return r.error();
  return options;
}

// ---------------------------------------------------------------------------------------
// Documents out

std::string to_json(const PostPurchaseOffer& offer) {
  JsonWriter w(512);
  w.begin_object()
      .field("id", offer.id)
      .field("kind", offer_kind_name(offer.kind))
      .field("variant_id", offer.variant_id)
      .field("product_id", offer.product_id)
      .field("quantity", offer.quantity)
      .field("title", offer.title)
      .field("reason", offer.reason);
  write_money(w, "price", offer.price);
  write_money(w, "original_price", offer.original_price);
  if (offer.discount) {
    const bool percentage = offer.discount->type == DiscountType::kPercentage;
    const int minor = minor_units(offer.price.currency).value_or(2);
    w.key("discount")
        .begin_object()
        .field("value_type", percentage ? "percentage" : "fixed_amount")
        .field("value", percentage ? offer.discount->percentage_text
                                   : decimal_text(offer.discount_amount, minor))
        .field("title", offer.discount->title)
        .field("amount", offer.discount_amount)
        .end_object();
  }
  if (offer.selling_plan_id) w.field("selling_plan_id", *offer.selling_plan_id);
  w.end_object();
  return w.take();
}

std::string to_json(const OfferSelection& selection) {
  JsonWriter w(256 + 512 * selection.offers.size() + 64 * selection.skipped.size());
  w.begin_object();
  write_members(w, selection);
  w.end_object();
  return w.take();
}

void write_members(JsonWriter& w, const OfferSelection& selection) {
  w.field("currency", selection.currency);
  w.key("suppressed");
  if (selection.suppressed.empty()) {
    w.null();
  } else {
    w.text(selection.suppressed);
  }
  w.key("offers").begin_array();
  for (const auto& offer : selection.offers) w.raw(to_json(offer));
  w.end_array();
  w.key("skipped").begin_array();
  for (const auto& skipped : selection.skipped) {
    w.begin_object().field("id", skipped.id).field("code", skipped.code).end_object();
  }
  w.end_array();
}

std::string to_json(const EditEligibility& result) {
  JsonWriter w(512 + 128 * result.refused.size());
  w.begin_object()
      .field("editable", result.editable)
      .field("until", format_time(result.until))
      .field("seconds_left", result.seconds_left);
  w.key("allowed").begin_array();
  for (EditKind kind : result.allowed) w.text(edit_kind_name(kind));
  w.end_array();
  // result.allowed holds each edit once: each is one key.
  w.key("deadlines").begin_object();
  for (EditKind kind : result.allowed) {
    const std::string name(edit_kind_name(kind));
    w.field(name, format_time(result.deadlines.at(name)));
  }
  w.end_object();
  w.key("refused").begin_array();
  for (const auto& refused : result.refused) {
    w.begin_object()
        .field("edit", edit_kind_name(refused.edit))
        .field("code", refused.code)
        .field("message", refused.message)
        .end_object();
  }
  w.end_array().end_object();
  return w.take();
}

std::string to_json(const Address& address) {
  JsonWriter w(512);
  w.begin_object();
  for (const auto& [key, member] : kAddressFields) {
    if (!(address.*member).empty()) w.field(key, address.*member);
  }
  w.end_object();
  return w.take();
}

std::string to_json(const std::vector<AddressProblem>& problems) {
  JsonWriter w(16 + 256 * problems.size());
  w.begin_array();
  for (const auto& p : problems) {
    w.begin_object()
        .field("field", p.field)
        .field("code", p.code)
        .field("severity", p.severity)
        .field("message", p.message)
        .end_object();
  }
  w.end_array();
  return w.take();
}

std::string to_json(const AddressCheck& check) {
  JsonWriter w(512 + 256 * check.problems.size());
  w.begin_object().field("ok", check.ok);
  w.key("address").raw(to_json(check.address));
  w.key("problems").raw(to_json(check.problems));
  w.end_object();
  return w.take();
}

Result<PostPurchaseOffer> parse_post_purchase_offer(std::string_view text) {
  auto doc = detail::parse_document(text, "offer");
  if (!doc) return doc.error();
  ObjectReader r(doc.value().root(), "$", "offer");
  PostPurchaseOffer offer;
  offer.id = r.string("id", /*required=*/true).value_or("");
  if (auto kind = r.string("kind", /*required=*/true)) {
    bool known = false;
    for (OfferKind k : {OfferKind::kComplementary, OfferKind::kBundle, OfferKind::kSubscription}) {
      if (offer_kind_name(k) == *kind) {
        offer.kind = k;
        known = true;
      }
    }
    if (!known) r.fail("invalid_value", "not an offer kind", "$.kind");
  }
  offer.variant_id = r.integer_in("variant_id", 1, INT64_MAX, /*required=*/true).value_or(0);
  offer.product_id = r.integer_in("product_id", 0, INT64_MAX).value_or(0);
  offer.quantity = r.integer_in("quantity", 1, kMaxOfferQuantity, /*required=*/true).value_or(1);
  offer.title = r.string("title").value_or("");
  offer.reason = r.string("reason").value_or("");
  for (auto [key, money] :
       {std::pair{"price", &offer.price}, std::pair{"original_price", &offer.original_price}}) {
    const Value* value = r.object(key, /*required=*/true);
    if (!value) break;
    ObjectReader m(*value, r, key);
    money->amount = m.integer_in("amount", -kMaxAmount, kMaxAmount, true).value_or(0);
    money->currency = m.string("currency", true).value_or("");
    if (m.failed()) return m.error();
  }
  if (const Value* value = r.object("discount")) {
    ObjectReader d(*value, r, "discount");
    OfferDiscount discount;
    const auto type = d.string("value_type", /*required=*/true);
    const auto shown = d.string("value", /*required=*/true);
    discount.title = d.string("title").value_or("");
    offer.discount_amount = d.integer_in("amount", 0, kMaxAmount, /*required=*/true).value_or(0);
    if (d.failed()) return d.error();
    if (*type == "percentage") {
      auto rate = parse_rate(*shown, d.path_of("value"));
      if (!rate) return rate.error();
      discount.percentage = rate.value();
      discount.percentage_text = *shown;
    } else if (*type == "fixed_amount") {
      discount.type = DiscountType::kFixedAmount;
      discount.amount = offer.discount_amount;
    } else {
      return make_error("invalid_value", "offer: value_type is percentage or fixed_amount",
                        d.path_of("value_type"));
    }
    offer.discount = std::move(discount);
  }
  offer.selling_plan_id = r.integer_in("selling_plan_id", 1, INT64_MAX);
  if (r.failed()) return r.error();
  return offer;
}

// ---------------------------------------------------------------------------------------
// JSON in, JSON out

Result<std::string> select_offers_json(std::string_view order_json, std::string_view offers_json,
                                       std::string_view context_json) {
  auto order = parse_order(order_json);
  if (!order) return order.error();
  auto status = parse_order_status(order_json);
  if (!status) return status.error();
  auto catalog = parse_offer_catalog(offers_json);
  if (!catalog) return catalog.error();
  auto context = parse_context(context_json);
  if (!context) return context.error();
  auto selection = select_offers(order.value(), status.value(), catalog.value(), context.value());
  if (!selection) return selection.error();
  return to_json(selection.value());
}

Result<std::string> edit_eligibility_json(std::string_view order_json, std::string_view policy_json,
                                          std::string_view now) {
  auto status = parse_order_status(order_json);
  if (!status) return status.error();
  if (!status.value().created_at) {
    return make_error("missing_field", "order: $.created_at: required field is missing",
                      "$.created_at");
  }
  auto policy = parse_edit_policy(policy_json);
  if (!policy) return policy.error();
  if (blank(now)) return make_error("missing_field", "now: the current time is required", "$");
  auto clock = parse_time(now, "$");
  if (!clock) return clock.error();
  return to_json(edit_eligibility(status.value(), policy.value(), clock.value()));
}

Result<std::string> check_address_json(std::string_view address_json,
                                       std::string_view options_json) {
  auto address = parse_address(address_json);
  if (!address) return address.error();
  auto options = parse_address_options(options_json);
  if (!options) return options.error();
  return to_json(tiercart::check_address(address.value(), options.value()));
}

}  // namespace tiercart
