#include "rewards/assess.h"

#include <algorithm>

#include "json/reader.h"
#include "money/int128.h"

namespace tiercart::detail {

namespace {

bool contains(const std::vector<int64_t>& list, int64_t value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Shopify compares tags and product types without regard to case.
// lower(a) == lower(b) without making either: this runs for every line and tag.
bool equal_folded(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (fold(a[i]) != fold(b[i])) return false;
  }
  return true;
}

bool contains_folded(const std::vector<std::string>& list, std::string_view value) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& item) { return equal_folded(item, value); });
}

bool any_shared(const std::vector<std::string>& a, const std::vector<std::string>& b, bool fold) {
  return std::any_of(b.begin(), b.end(), [&](const std::string& item) {
    return fold ? contains_folded(a, item) : std::find(a.begin(), a.end(), item) != a.end();
  });
}

bool matches(const Selector& selector, const CartLine& line, const Context& context) {
  // Nothing matches an empty selector (a bar's usual exclude): no look-up of the facts.
  if (selector.empty()) return false;
  if (contains(selector.products, line.product_id)) return true;
  if (contains(selector.variants, line.variant_id)) return true;
  auto facts = context.products.find(line.product_id);
  const ProductFacts* product = facts == context.products.end() ? nullptr : &facts->second;
  std::string_view type = line.product_type;
  if (type.empty() && product) type = product->product_type;
  if (!type.empty() && contains_folded(selector.product_types, type)) return true;
  if (product) {
    if (any_shared(selector.collections, product->collections, false)) return true;
    if (any_shared(selector.tags, product->tags, true)) return true;
  }
  return false;
}

// On sale: priced below its compare-at price. A line whose compare-at price is not known is
// not on sale (missing_facts() says so).
bool on_sale(const CartLine& line, const Context& context, int minor) {
  const auto compare_at = compare_at_price(line, context, minor);
  return compare_at && *compare_at > line.price;
}

bool in_scope(const Scope& scope, const CartLine& line, const Context& context, int minor) {
  if (is_gift_line(line)) return false;
  if (line.gift_card && !scope.gift_cards) return false;
  if (line.subscription && !scope.subscriptions) return false;
  if (!scope.sale_items && on_sale(line, context, minor)) return false;
  if (!scope.include.empty() && !matches(scope.include, line, context)) return false;
  return !matches(scope.exclude, line, context);
}

// `shop_currency`, `shop_minor`: the program (shop) currency and its exponent, in which Shopify
// reports what a customer spent.
Availability availability_of(const Schedule& schedule, const Eligibility& eligibility,
                             const Context& context, const std::string& shop_currency,
                             int shop_minor) {
  if (context.now) {
    if (schedule.starts_at && *context.now < *schedule.starts_at) return Availability::kNotStarted;
    if (schedule.ends_at && *context.now >= *schedule.ends_at) return Availability::kExpired;
  }
  if (!eligibility.customer_tags_any.empty() &&
      !any_shared(eligibility.customer_tags_any, context.customer_tags, true)) {
    return Availability::kNotEligible;
  }
  // An unknown country does not exclude: checkout knows the address and decides there.
  if (!eligibility.countries.empty() && !context.country.empty() &&
      std::find(eligibility.countries.begin(), eligibility.countries.end(), context.country) ==
          eligibility.countries.end()) {
    return Availability::kNotEligible;
  }
  if (eligibility.min_orders || eligibility.min_spent) {
    // A signed-out shopper's history is unknown: nothing is promised, and nothing refused.
    if (!context.customer) return Availability::kSignInRequired;
    const CustomerHistory& history = *context.customer;
    if (eligibility.min_orders && history.orders < *eligibility.min_orders) {
      return Availability::kNotEligible;
    }
    const int64_t spent =
        history.minor_units ? history.amount_spent
                            : cart_to_minor(history.amount_spent, shop_minor, context.cart_amounts);
    // An amount in another currency than the program's cannot be compared: not eligible.
    const bool comparable = history.currency.empty() || history.currency == shop_currency;
    if (eligibility.min_spent && (!comparable || spent < *eligibility.min_spent)) {
      return Availability::kNotEligible;
    }
  }
  return Availability::kAvailable;
}

// The share of cart-level discounts that falls on `part` of `whole`, rounded up so that
// the after-discount amount is never overstated.
int64_t discount_share(int64_t discount, int64_t part, int64_t whole) {
  if (discount <= 0 || part <= 0 || whole <= 0) return 0;
  if (part >= whole) return discount;
  const Int128 product = static_cast<Int128>(discount) * part;
  return static_cast<int64_t>((product + whole - 1) / whole);
}

// Which units a buy_x_get_y tier discounts, for a cart that brings its own get-items.
// The cheapest units of the named products are the ones got (by unit price, then variant id,
// so that the answer does not depend on line order); a unit both bought and got counts once,
// as a get-unit: "buy 2 get 1" on one product gives one free unit in each three. The number of
// uses is the largest n for which the n * quantity cheapest get-units leave n * threshold
// units to buy; a smaller n always fits when a larger one does, so it is found by bisection.
void buy_x_get_y_units(TierState& state, const Cart& cart, const Context& context, int minor,
                       int64_t bought_units) {
  const Reward& reward = state.tier->reward;
  const Bar& bar = *state.bar;
  const bool by_units = bar.metric == Metric::kQuantity;
  struct Candidate {
    int index;
    int64_t units;
    bool bought;  // also counts toward the bar
  };
  std::vector<Candidate> candidates;
  int64_t get_total = 0;
  for (int i = 0; i < static_cast<int>(cart.items.size()); ++i) {
    const CartLine& line = cart.items[i];
    if (line.quantity <= 0 || line.gift_card || is_gift_line(line) || !is_get_item(reward, line)) {
      continue;
    }
    candidates.push_back({i, line.quantity, counts_toward(bar, line, context, minor)});
    get_total += line.quantity;
  }
  std::sort(candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
    const CartLine& x = cart.items[a.index];
    const CartLine& y = cart.items[b.index];
    if (x.price != y.price) return x.price < y.price;
    if (x.variant_id != y.variant_id) return x.variant_id < y.variant_id;
    return a.index < b.index;
  });
  const int64_t per_use = reward.quantity;
  // A spend bar has nothing to repeat: reaching the tier gives one use.
  int64_t most = get_total / per_use;
  if (by_units)
    most = std::min(most, bought_units / state.threshold);
  else
    most = std::min<int64_t>(most, 1);
  most = std::min(most, reward.max_uses > 0 ? reward.max_uses : kMaxBuyXGetYUses);
  auto fits = [&](int64_t uses) {
    if (!by_units) return true;
    int64_t wanted = uses * per_use;
    int64_t bought_taken = 0;
    for (const auto& c : candidates) {
      if (wanted == 0) break;
      const int64_t take = std::min(wanted, c.units);
      if (c.bought) bought_taken += take;
      wanted -= take;
    }
    return bought_units - bought_taken >= uses * state.threshold;
  };
  int64_t low = 0;
  int64_t high = std::max<int64_t>(0, most);
  while (low < high) {
    const int64_t middle = low + (high - low + 1) / 2;
    if (fits(middle)) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  state.uses = low;
  int64_t wanted = low * per_use;
  for (const auto& c : candidates) {
    if (wanted == 0) break;
    const int64_t take = std::min(wanted, c.units);
    state.get_units.emplace_back(c.index, take);
    wanted -= take;
  }
  std::sort(state.get_units.begin(), state.get_units.end());
}

}  // namespace

bool is_get_item(const Reward& reward, const CartLine& line) {
  return std::any_of(reward.gifts.begin(), reward.gifts.end(), [&](const Gift& item) {
    return item.product_id != 0 ? item.product_id == line.product_id
                                : item.variant_id == line.variant_id;
  });
}

std::optional<int64_t> compare_at_price(const CartLine& line, const Context& context, int minor) {
  if (line.compare_at_price) return line.compare_at_price;
  const auto facts = context.variants.find(line.variant_id);
  if (facts == context.variants.end() || !facts->second.compare_at_price) return std::nullopt;
  return cart_to_minor(*facts->second.compare_at_price, minor, context.cart_amounts);
}

bool counts_toward(const Bar& bar, const CartLine& line, const Context& context, int minor) {
  return in_scope(bar.scope, line, context, minor);
}

// Most lines have no properties: asking the empty map first spares making a std::string of
// the key for every line, bar and check.
bool is_gift_line(const CartLine& line) {
  return !line.properties.empty() && line.properties.count(kGiftProperty) > 0;
}

bool shares_cart_level_discounts(const CartLine& line) {
  return !is_gift_line(line) && !line.gift_card;
}

const TierState* Assessment::find_tier(const std::string& id) const {
  for (const auto& bar : bars) {
    for (const auto& tier : bar.tiers) {
      if (tier.tier->id == id) return &tier;
    }
  }
  return nullptr;
}

std::optional<int64_t> catalog_price(const Context& context, int64_t variant_id, int minor) {
  auto it = context.variants.find(variant_id);
  if (it == context.variants.end() || !it->second.price) return std::nullopt;
  return cart_to_minor(*it->second.price, minor, context.cart_amounts);
}

std::optional<int64_t> stock(const Context& context, int64_t variant_id) {
  auto it = context.variants.find(variant_id);
  if (it == context.variants.end()) return std::nullopt;
  return it->second.available;
}

const TierTexts* tier_texts(const Tier& tier, const std::string& locale,
                            const std::string& default_locale) {
  if (tier.texts.empty()) return nullptr;
  const TierTexts* texts = localized(tier.texts, locale, default_locale);
  return texts ? texts : &tier.texts.begin()->second;
}

std::string format_amount(const Assessment& assessment, Metric metric, int64_t value) {
  if (metric == Metric::kQuantity) return std::to_string(value);
  return format_money(value, assessment.minor, assessment.money_format);
}

Result<Assessment> assess(const Program& program, const Cart& cart, const Context& context) {
  Assessment out;
  out.currency = cart.currency;
  if (!context.presentment_currency.empty() && context.presentment_currency != cart.currency) {
    return make_error("currency_mismatch",
                      "context: presentment_currency is " + context.presentment_currency +
                          " but the cart is in " + cart.currency,
                      "$.presentment_currency");
  }
  if (!context.shop_currency.empty() && context.shop_currency != program.currency) {
    return make_error("currency_mismatch",
                      "context: shop_currency is " + context.shop_currency +
                          " but the program's amounts are in " + program.currency,
                      "$.shop_currency");
  }
  auto minor = minor_units(cart.currency);
  if (!minor) return make_error("unknown_currency", "cart: unknown currency", "$.currency");
  out.minor = *minor;
  out.money_format =
      context.money_format.empty() ? default_money_format(cart.currency) : context.money_format;
  out.bars.reserve(program.bars.size());

  // What a customer spent is in the shop currency: an unknown one (refused when the program
  // is read) falls back to two decimals.
  const int shop_minor = minor_units(program.currency).value_or(2);
  const Availability program_availability =
      availability_of(program.schedule, program.eligibility, context, program.currency, shop_minor);

  // Cart-level discounts are spread over the lines they fall on in proportion to their price.
  // Gift lines are left out: once the discount function has made them free they carry no share
  // anyway, and before it has, counting them would let a gift lift the amount it rests on. Gift
  // cards are left out because Shopify never applies an order-wide discount to them: sharing
  // the discount with one would overstate what the other lines measure.
  int64_t sharing_final = 0;
  for (const auto& line : cart.items) {
    if (shares_cart_level_discounts(line)) sharing_final += line.final_line_price;
  }

  for (const auto& bar : program.bars) {
    BarState state;
    state.bar = &bar;
    const Basis basis = bar.basis.value_or(program.basis);
    int64_t before = 0;
    int64_t after = 0;
    int64_t after_sharing = 0;  // the part of `after` that bears cart-level discounts
    int64_t units = 0;
    for (const auto& line : cart.items) {
      if (!counts_toward(bar, line, context, out.minor)) continue;
      before += line.original_line_price;
      after += line.final_line_price;
      if (shares_cart_level_discounts(line)) after_sharing += line.final_line_price;
      units += line.quantity;
    }
    if (bar.metric == Metric::kQuantity) {
      state.qualifying = units;
    } else if (basis == Basis::kBeforeDiscounts) {
      state.qualifying = before;
    } else {
      state.qualifying = std::max<int64_t>(
          0, after - discount_share(cart.cart_level_discount, after_sharing, sharing_final));
    }

    state.tiers.reserve(bar.tiers.size());
    for (const auto& tier : bar.tiers) {
      TierState t;
      t.bar = &bar;
      t.tier = &tier;
      // A country's own amount replaces the threshold, and the per-currency amounts (chosen
      // for the threshold it replaces) give way to conversion.
      const bool country_amount =
          !context.country.empty() && tier.thresholds_by_country.count(context.country) > 0;
      const int64_t base_threshold = threshold_for_country(tier, context.country);
      if (bar.metric == Metric::kQuantity) {
        t.threshold = tier.threshold;
      } else if (auto explicit_amount = tier.thresholds_by_currency.find(cart.currency);
                 !country_amount && explicit_amount != tier.thresholds_by_currency.end()) {
        t.threshold = explicit_amount->second;
      } else if (cart.currency == program.currency) {
        t.threshold = base_threshold;
      } else if (!context.rate) {
        return make_error("missing_rate",
                          "context: the cart is in " + cart.currency + " and the program in " +
                              program.currency + ", but no rate was given",
                          "$.rate");
      } else {
        auto converted = convert(base_threshold, program.currency, cart.currency, *context.rate,
                                 program.rounding);
        if (!converted) return converted.error();
        t.threshold = converted.value();
      }
      t.availability = program_availability;
      if (t.availability == Availability::kAvailable) {
        t.availability =
            availability_of(tier.schedule, tier.eligibility, context, program.currency, shop_minor);
      }
      if (t.availability == Availability::kAvailable &&
          tier.reward.type == RewardType::kFreeShipping && !tier.reward.countries.empty() &&
          !context.country.empty() &&
          std::find(tier.reward.countries.begin(), tier.reward.countries.end(), context.country) ==
              tier.reward.countries.end()) {
        t.availability = Availability::kNotEligible;
      }
      t.unlocked = t.availability == Availability::kAvailable && state.qualifying >= t.threshold;
      state.tiers.push_back(t);
    }
    // Per-currency amounts may reorder tiers; the bar is drawn in the shopper's currency.
    // Tiers are nearly always in order already, and stable_sort takes a buffer from the heap.
    auto by_threshold = [](const TierState& a, const TierState& b) {
      return a.threshold < b.threshold;
    };
    if (!std::is_sorted(state.tiers.begin(), state.tiers.end(), by_threshold)) {
      std::stable_sort(state.tiers.begin(), state.tiers.end(), by_threshold);
    }
    for (int i = 0; i < static_cast<int>(state.tiers.size()); ++i) {
      if (state.tiers[i].unlocked) state.reached = i;
      if (state.next < 0 && state.tiers[i].availability == Availability::kAvailable &&
          !state.tiers[i].unlocked) {
        state.next = i;
      }
    }
    for (int i = 0; i < static_cast<int>(state.tiers.size()); ++i) {
      TierState& t = state.tiers[i];
      t.rewarded = t.unlocked && (bar.stacking == Stacking::kCumulative || i == state.reached);
      if (!t.rewarded || t.tier->reward.type != RewardType::kBuyXGetY) continue;
      const Reward& reward = t.tier->reward;
      if (reward.add_to_cart) {
        // Gift lines never count toward the bar, so nothing bought is also got.
        t.uses = bar.metric == Metric::kQuantity ? state.qualifying / t.threshold : 1;
        t.uses = std::min(t.uses, reward.max_uses > 0 ? reward.max_uses : kMaxBuyXGetYUses);
      } else {
        buy_x_get_y_units(t, cart, context, out.minor, units);
      }
    }
    out.bars.push_back(std::move(state));
  }
  return out;
}

}  // namespace tiercart::detail

namespace tiercart {

int64_t threshold_for_country(const Tier& tier, std::string_view country) {
  if (country.empty() || tier.thresholds_by_country.empty()) return tier.threshold;
  auto own = tier.thresholds_by_country.find(std::string(country));
  return own != tier.thresholds_by_country.end() ? own->second : tier.threshold;
}

std::optional<GiftClaim> parse_gift_claim(const std::string& value) {
  const auto at = value.rfind('@');
  if (at == std::string::npos || at == 0) return std::nullopt;
  const auto colon = value.find(':', at);
  if (colon == std::string::npos || colon == at + 1 || colon + 1 == value.size()) {
    return std::nullopt;
  }
  GiftClaim claim;
  claim.program_id = value.substr(0, at);
  int64_t version = 0;
  for (std::size_t i = at + 1; i < colon; ++i) {
    const char c = value[i];
    if (c < '0' || c > '9' || version > INT64_MAX / 10 - 9) return std::nullopt;
    version = version * 10 + (c - '0');
  }
  claim.version = version;
  claim.tier_id = value.substr(colon + 1);
  return claim;
}

std::vector<DeclinedGift> parse_declined_gifts(const std::string& value) {
  std::vector<DeclinedGift> declined;
  std::size_t start = 0;
  while (start <= value.size() && declined.size() < 1000) {
    std::size_t end = value.find(',', start);
    if (end == std::string::npos) end = value.size();
    std::string entry = value.substr(start, end - start);
    start = end + 1;
    // Spaces around an entry are the writer's or a theme's; ids hold none.
    const auto first = entry.find_first_not_of(' ');
    const auto last = entry.find_last_not_of(' ');
    if (first == std::string::npos) continue;
    entry = entry.substr(first, last - first + 1);
    const auto tier_at = entry.find(':');
    const auto variant_at = entry.rfind(':');
    if (tier_at == std::string::npos || tier_at == 0 || variant_at == tier_at + 1 ||
        variant_at == tier_at || variant_at + 1 == entry.size() || variant_at + 20 < entry.size()) {
      continue;
    }
    int64_t variant = 0;
    bool digits = true;
    for (std::size_t i = variant_at + 1; i < entry.size() && digits; ++i) {
      const char c = entry[i];
      digits = c >= '0' && c <= '9' && variant <= INT64_MAX / 10 - 9;
      if (digits) variant = variant * 10 + (c - '0');
    }
    if (!digits || variant == 0) continue;
    declined.push_back(DeclinedGift{entry.substr(0, tier_at),
                                    entry.substr(tier_at + 1, variant_at - tier_at - 1), variant});
  }
  return declined;
}

}  // namespace tiercart
