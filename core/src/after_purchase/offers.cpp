// Post-purchase offer selection: which catalog offers fit an order, at what price, in what
// order. Rules in docs/post-purchase.md section 1.2. Money stays in integer minor units;
// the only rounding (a percentage, a conversion) goes through money.cpp's convert.

#include <algorithm>
#include <set>

#include "json/reader.h"
#include "tiercart/post_purchase.h"

namespace tiercart {

namespace {

bool contains(const std::vector<int64_t>& ids, int64_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Whether an order line is one the trigger names, by product, variant, collection or tag.
bool line_matches(const OfferTrigger& when, const CartLine& line, const Context& context) {
  if (contains(when.product_ids, line.product_id) || contains(when.variant_ids, line.variant_id)) {
    return true;
  }
  if (when.collections.empty() && when.tags.empty()) return false;
  auto facts = context.products.find(line.product_id);
  if (facts == context.products.end()) return false;
  for (const auto& handle : facts->second.collections) {
    if (std::find(when.collections.begin(), when.collections.end(), handle) !=
        when.collections.end()) {
      return true;
    }
  }
  for (const auto& tag : facts->second.tags) {
    const std::string wanted = detail::lower(tag);
    for (const auto& t : when.tags) {
      if (detail::lower(t) == wanted) return true;
    }
  }
  return false;
}

// Candidates that passed every filter, with what ranks them.
struct Candidate {
  std::size_t index = 0;  // in the catalog
  int64_t matches = 0;
  PostPurchaseOffer offer;
};

// The discount in minor units of `currency` for `original` (all units), or the skip code.
Result<int64_t> discount_amount(const OfferDiscount& discount, int64_t original,
                                const std::string& currency, const OfferCatalog& catalog,
                                const Context& context) {
  int64_t amount = 0;
  if (discount.type == DiscountType::kPercentage) {
    // original x digits / 10^(scale + 2), halves away from zero: a same-currency conversion.
    Rate share{discount.percentage.digits, discount.percentage.scale + 2};
    auto off = convert(original, currency, currency, share, Rounding::kNone);
    if (!off) return off.error();
    amount = off.value();
  } else {
    auto explicit_amount = discount.amounts_by_currency.find(currency);
    if (explicit_amount != discount.amounts_by_currency.end()) {
      amount = explicit_amount->second;
    } else if (currency == catalog.currency) {
      amount = discount.amount;
    } else if (context.rate) {
      auto converted =
          convert(discount.amount, catalog.currency, currency, *context.rate, Rounding::kNone);
      if (!converted) return converted.error();
      amount = converted.value();
    } else {
      return make_error("missing_rate", "no rate to convert the fixed discount");
    }
  }
  return std::min(amount, original);
}

}  // namespace

std::string_view offer_kind_name(OfferKind kind) {
  switch (kind) {
    case OfferKind::kComplementary:
      return "complementary";
    case OfferKind::kBundle:
      return "bundle";
    case OfferKind::kSubscription:
      return "subscription";
  }
  return "complementary";
}

Result<OfferSelection> select_offers(const Order& order, const OrderStatus& status,
                                     const OfferCatalog& catalog, const Context& context) {
  OfferSelection selection;
  const std::string& currency = order.cart.currency;
  selection.currency = currency;
  const auto minor = minor_units(currency);
  if (!minor) return make_error("unknown_currency", "unknown order currency", "$.currency");
  if (!context.presentment_currency.empty() && context.presentment_currency != currency) {
    return make_error("currency_mismatch",
                      "context: presentment_currency is not the order's currency",
                      "$.presentment_currency");
  }

  bool any_quantity = false;
  bool gift_card = false;
  int64_t subtotal = 0;
  std::set<int64_t> bought_variants;
  std::set<int64_t> bought_products;
  for (const auto& line : order.cart.items) {
    if (line.gift_card) gift_card = true;
    if (line.quantity <= 0) continue;
    any_quantity = true;
    // Each line is at most 10^15; capping the sum there keeps the share test below in int64.
    subtotal = std::min(kMaxAmount, subtotal + line.final_line_price);
    bought_variants.insert(line.variant_id);
    bought_products.insert(line.product_id);
  }
  if (gift_card) {
    selection.suppressed = "gift_card_order";
  } else if (status.cancelled_at) {
    selection.suppressed = "cancelled_order";
  } else if (!any_quantity) {
    selection.suppressed = "empty_order";
  }
  if (!selection.suppressed.empty()) {
    for (const auto& rule : catalog.offers) {
      selection.skipped.push_back({rule.id, selection.suppressed});
    }
    return selection;
  }

  std::vector<std::string> skip_codes(catalog.offers.size());
  std::vector<Candidate> candidates;
  for (std::size_t i = 0; i < catalog.offers.size(); ++i) {
    const OfferRule& rule = catalog.offers[i];
    auto facts_it = context.variants.find(rule.variant_id);
    const VariantFacts* facts = facts_it == context.variants.end() ? nullptr : &facts_it->second;
    const int64_t product_id = facts ? facts->product_id : 0;

    int64_t matches = 0;
    std::string skip;
    if (rule.kind == OfferKind::kBundle) {
      bool complete = true;
      for (int64_t member : rule.bundle_product_ids) {
        if (member == product_id) continue;
        if (!bought_products.count(member)) complete = false;
      }
      for (const auto& line : order.cart.items) {
        if (line.quantity > 0 && contains(rule.bundle_product_ids, line.product_id)) ++matches;
      }
      if (!complete) skip = "bundle_incomplete";
    } else {
      for (const auto& line : order.cart.items) {
        if (line.quantity > 0 && (rule.when.empty() || line_matches(rule.when, line, context))) {
          ++matches;
        }
      }
      if (matches == 0) skip = "not_triggered";
    }
    if (skip.empty()) {
      const bool by_product = rule.kind != OfferKind::kSubscription && product_id != 0 &&
                              bought_products.count(product_id);
      if (bought_variants.count(rule.variant_id) || by_product) skip = "already_bought";
    }
    if (skip.empty() && (!facts || !facts->price)) skip = "unknown_variant";
    if (skip.empty() && facts->available && *facts->available < rule.quantity) {
      skip = "out_of_stock";
    }
    PostPurchaseOffer offer;
    if (skip.empty()) {
      const int64_t unit = cart_to_minor(*facts->price, *minor, context.cart_amounts);
      if (unit < 0 || unit > kMaxAmount / rule.quantity) {
        return make_error("out_of_range", "offer price x quantity is too large",
                          "$.variants." + std::to_string(rule.variant_id));
      }
      offer.original_price = Money{unit * rule.quantity, currency};
      int64_t off = 0;
      if (rule.discount) {
        auto amount = discount_amount(*rule.discount, offer.original_price.amount, currency,
                                      catalog, context);
        if (!amount) {
          if (amount.error().code != "missing_rate") return amount.error();
          skip = "missing_rate";
        } else {
          off = amount.value();
        }
      }
      offer.discount_amount = off;
      offer.price = Money{offer.original_price.amount - off, currency};
    }
    // price x 100 > subtotal x share, exactly: both sides stay below 2^63 (10^15 x 1000).
    if (skip.empty() && catalog.max_share_percent &&
        offer.price.amount * 100 > subtotal * *catalog.max_share_percent) {
      skip = "too_expensive";
    }
    if (!skip.empty()) {
      skip_codes[i] = skip;
      continue;
    }
    offer.id = rule.id;
    offer.kind = rule.kind;
    offer.variant_id = rule.variant_id;
    offer.product_id = product_id;
    offer.quantity = rule.quantity;
    offer.title = rule.title.empty() ? facts->title : rule.title;
    offer.reason = rule.reason;
    offer.discount = rule.discount;
    if (rule.kind == OfferKind::kSubscription) offer.selling_plan_id = rule.selling_plan_id;
    candidates.push_back(Candidate{i, matches, std::move(offer)});
  }

  std::sort(candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
    const int64_t pa = catalog.offers[a.index].priority;
    const int64_t pb = catalog.offers[b.index].priority;
    if (pa != pb) return pa > pb;
    if (a.matches != b.matches) return a.matches > b.matches;
    return a.offer.id < b.offer.id;
  });
  std::set<int64_t> offered;
  for (auto& candidate : candidates) {
    if (offered.count(candidate.offer.variant_id)) {
      skip_codes[candidate.index] = "duplicate_variant";
    } else if (selection.offers.size() >= static_cast<std::size_t>(catalog.max_offers)) {
      skip_codes[candidate.index] = "limit_reached";
    } else {
      offered.insert(candidate.offer.variant_id);
      selection.offers.push_back(std::move(candidate.offer));
    }
  }
  for (std::size_t i = 0; i < catalog.offers.size(); ++i) {
    if (!skip_codes[i].empty()) selection.skipped.push_back({catalog.offers[i].id, skip_codes[i]});
  }
  return selection;
}

}  // namespace tiercart
