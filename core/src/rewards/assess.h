// Private: the one assessment of a cart against a program that both evaluate() and
// validate() build on, so that what the shopper is shown and what the server accepts
// come from the same numbers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tiercart/cart.h"
#include "tiercart/evaluate.h"
#include "tiercart/program.h"

namespace tiercart::detail {

// Products of the cart a bar's scope cannot judge for lack of facts (evaluate.cpp): one
// missing_product_facts warning per product, naming the first bar that needed the facts.
std::vector<EvaluationWarning> missing_facts(const Program& program, const Cart& cart,
                                             const Context& context);

bool is_gift_line(const CartLine& line);

// Whether a line holds one of a buy_x_get_y reward's named products (by product when the
// program names it, else by variant).
bool is_get_item(const Reward& reward, const CartLine& line);

// The most uses of one buy_x_get_y in one cart, when the program sets no max_uses: bounds the
// units and amounts it works with (100 units a use at most).
inline constexpr int64_t kMaxBuyXGetYUses = 1000;

// Whether a reward puts gift lines (the `_tiercart` property) in the cart.
inline bool gives_gift_lines(const Reward& reward) {
  return reward.type == RewardType::kFreeGift ||
         (reward.type == RewardType::kBuyXGetY && reward.add_to_cart);
}

// Whether a cart-level (order-wide) discount falls on this line. Shopify spreads such a
// discount over the goods only: a gift card is discounted only by a discount aimed at it, which
// is then in its own line amounts (cart.js final_line_price, an order line's
// discount_allocations). Gift lines take no share either (assess.cpp says why). The one rule for
// every cart and order the core reads: docs/program-format.md, section 6.1.
bool shares_cart_level_discounts(const CartLine& line);

// Whether a line counts toward a bar: in its scope and not a gift. `minor`: the cart
// currency's exponent (context amounts are in the cart's units).
bool counts_toward(const Bar& bar, const CartLine& line, const Context& context, int minor);

// A line's compare-at unit price in minor units: its own (a Function's input), else its
// variant's in the context; nothing when neither says; 0 when the variant has none.
std::optional<int64_t> compare_at_price(const CartLine& line, const Context& context, int minor);

struct TierState {
  const Bar* bar = nullptr;
  const Tier* tier = nullptr;
  int64_t threshold = 0;  // presentment minor units or units
  Availability availability = Availability::kAvailable;
  bool unlocked = false;
  bool rewarded = false;  // its reward is earned (stacking may leave it out)
  // buy_x_get_y, once rewarded: how many times the cart uses it, and (unless its units are
  // added as gift lines) which units of which lines it discounts: (0-based line, units).
  int64_t uses = 0;
  std::vector<std::pair<int, int64_t>> get_units;
};

struct BarState {
  const Bar* bar = nullptr;
  int64_t qualifying = 0;
  std::vector<TierState> tiers;  // ascending by presentment threshold
  int reached = -1;              // index into tiers
  int next = -1;
};

struct Assessment {
  std::string currency;
  int minor = 2;
  std::string money_format;
  std::vector<BarState> bars;
  const TierState* find_tier(const std::string& id) const;
};

Result<Assessment> assess(const Program& program, const Cart& cart, const Context& context);

// The catalog price of a variant in minor units of the cart currency, when the context
// knows it.
std::optional<int64_t> catalog_price(const Context& context, int64_t variant_id, int minor);

// Units in stock, when tracked.
std::optional<int64_t> stock(const Context& context, int64_t variant_id);

// A text for the shopper's locale: the exact locale ("pt-BR"), then its language ("pt"), then
// the program's default locale (docs/program-format.md, locale fallback steps 1 to 3).
template <typename Text>
const Text* localized(const std::map<std::string, Text>& texts, const std::string& locale,
                      const std::string& default_locale) {
  if (auto exact = texts.find(locale); exact != texts.end()) return &exact->second;
  if (auto language = texts.find(locale.substr(0, locale.find('-'))); language != texts.end()) {
    return &language->second;
  }
  if (auto fallback = texts.find(default_locale); fallback != texts.end()) {
    return &fallback->second;
  }
  return nullptr;
}

// The texts of a tier for the shopper's locale: steps 1 to 3, then the first locale given.
const TierTexts* tier_texts(const Tier& tier, const std::string& locale,
                            const std::string& default_locale);

std::string format_amount(const Assessment& assessment, Metric metric, int64_t value);

}  // namespace tiercart::detail
