#include "tiercart/evaluate.h"

#include <algorithm>
#include <set>

#include "money/int128.h"
#include "rewards/assess.h"

namespace tiercart {

using detail::Assessment;
using detail::BarState;
using detail::TierState;

namespace {

std::string replace_all(std::string text, std::string_view from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Fills {{remaining}}, {{reward}}, {{tier}} and {{threshold}}; spaces inside the braces are
// allowed, as in Liquid. The placeholders are written out rather than put together on each
// call (eight strings made per message).
std::string render(std::string text, const std::string& remaining, const std::string& reward,
                   const std::string& tier, const std::string& threshold) {
  const std::pair<std::string_view, const std::string*> fields[] = {
      {"{{remaining}}", &remaining}, {"{{ remaining }}", &remaining},
      {"{{reward}}", &reward},       {"{{ reward }}", &reward},
      {"{{tier}}", &tier},           {"{{ tier }}", &tier},
      {"{{threshold}}", &threshold}, {"{{ threshold }}", &threshold}};
  for (const auto& [placeholder, value] : fields) {
    text = replace_all(std::move(text), placeholder, *value);
  }
  return text;
}

std::string label_of(const Tier& tier, const Program& program, const Context& context) {
  const TierTexts* texts = detail::tier_texts(tier, context.locale, program.default_locale);
  return texts && !texts->label.empty() ? texts->label : tier.id;
}

int64_t basis_points(int64_t part, int64_t whole) {
  if (whole <= 0) return 0;
  if (part >= whole) return 10000;
  if (part <= 0) return 0;
  return static_cast<int64_t>(static_cast<detail::Int128>(part) * 10000 / whole);
}

BarStatus bar_status(const BarState& state, const Program& program, const Context& context,
                     const Assessment& assessment) {
  const Bar& bar = *state.bar;
  BarStatus status;
  status.id = bar.id;
  status.metric = bar.metric;
  status.qualifying = state.qualifying;
  int64_t last_available = 0;
  status.tiers.reserve(state.tiers.size());
  for (const auto& t : state.tiers) {
    if (t.availability == Availability::kAvailable) {
      last_available = std::max(last_available, t.threshold);
    }
  }
  for (const auto& t : state.tiers) {
    TierStatus tier;
    tier.id = t.tier->id;
    tier.threshold = t.threshold;
    tier.position_bp = static_cast<int>(basis_points(t.threshold, last_available));
    tier.unlocked = t.unlocked;
    tier.availability = t.availability;
    tier.label = label_of(*t.tier, program, context);
    status.tiers.push_back(std::move(tier));
  }
  status.progress_bp = static_cast<int>(basis_points(state.qualifying, last_available));
  if (state.reached >= 0) status.reached_tier = state.tiers[state.reached].tier->id;

  const TierState* shown = nullptr;  // whose text the message uses
  if (state.next >= 0) {
    const TierState& next = state.tiers[state.next];
    status.next_tier = next.tier->id;
    status.remaining = next.threshold - state.qualifying;
    shown = &next;
  } else if (state.reached >= 0) {
    shown = &state.tiers[state.reached];
    // "Everything unlocked" only when it is true: tiers out of this shopper's reach (not
    // eligible, not running) are not unlocked.
    const bool all_unlocked = std::all_of(state.tiers.begin(), state.tiers.end(),
                                          [](const TierState& t) { return t.unlocked; });
    const std::string* complete =
        detail::localized(bar.complete_texts, context.locale, program.default_locale);
    if (all_unlocked && complete && !complete->empty()) {
      status.message = *complete;
      return status;
    }
  }
  if (shown) {
    const TierTexts* texts =
        detail::tier_texts(*shown->tier, context.locale, program.default_locale);
    const std::string& pattern = !texts            ? std::string()
                                 : state.next >= 0 ? texts->progress
                                                   : texts->unlocked;
    // Without "{{" no placeholder can be filled: the text is the message as it is, and the
    // amounts and label it would take are not formatted for nothing.
    if (pattern.find("{{") == std::string::npos) {
      status.message = pattern;
    } else {
      status.message =
          render(pattern, detail::format_amount(assessment, bar.metric, status.remaining),
                 label_of(*shown->tier, program, context), shown->tier->id,
                 detail::format_amount(assessment, bar.metric, shown->threshold));
    }
  }
  return status;
}

// The amount of a gift card or fixed discount in the shopper's currency.
Result<int64_t> reward_amount(const Reward& reward, const Program& program, const Cart& cart,
                              const Context& context) {
  if (auto it = reward.amounts_by_currency.find(cart.currency);
      it != reward.amounts_by_currency.end()) {
    return it->second;
  }
  if (cart.currency == program.currency) return reward.amount;
  if (!context.rate) {
    return make_error("missing_rate", "context: a rate is needed to convert reward amounts",
                      "$.rate");
  }
  // Rewards are given, not charged: round in the shopper's favour only by the rule chosen
  // for thresholds would overstate them, so convert to the nearest minor unit.
  return convert(reward.amount, program.currency, cart.currency, *context.rate, Rounding::kNone);
}

struct GiftLine {
  int index = 0;  // 0-based in cart.items
  const CartLine* line = nullptr;
};

// Decides which gifts of a tier the cart should hold and adds the actions that get it there.
// `spec` is the tier's reward, or for buy_x_get_y what it adds: one of its get-items, as many
// units as its uses earn.
void reconcile_gifts(const TierState& state, const Reward& spec, const Program& program,
                     const Cart& cart, const Context& context, int minor,
                     const std::vector<GiftLine>& lines, EarnedReward& reward,
                     std::vector<CartAction>& actions) {
  reward.choose = spec.choose;
  reward.quantity = spec.quantity;
  reward.declinable = spec.declinable;
  // The gifts of this tier the shopper removed: never added again for this cart. Once one is
  // declined, no other gift of the tier is added without the shopper picking it: declining the
  // tote must not bring the scarf instead.
  if (spec.declinable) {
    for (const auto& declined : cart.declined_gifts) {
      if (declined.program_id != program.id || declined.tier_id != state.tier->id) continue;
      const bool offered_gift =
          std::any_of(spec.gifts.begin(), spec.gifts.end(),
                      [&](const Gift& g) { return g.variant_id == declined.variant_id; });
      if (offered_gift && std::find(reward.declined.begin(), reward.declined.end(),
                                    declined.variant_id) == reward.declined.end()) {
        reward.declined.push_back(declined.variant_id);
      }
    }
  }
  auto is_declined = [&](int64_t variant) {
    return std::find(reward.declined.begin(), reward.declined.end(), variant) !=
           reward.declined.end();
  };
  std::vector<int64_t> selectable;
  for (const auto& gift : spec.gifts) {
    GiftOption option;
    option.variant_id = gift.variant_id;
    option.product_id = gift.product_id;
    option.title = gift.title;
    const auto units = detail::stock(context, gift.variant_id);
    option.available = !units || *units >= spec.quantity;
    if (auto facts = context.variants.find(gift.variant_id); facts != context.variants.end()) {
      option.image = facts->second.image;
    }
    if (auto price = detail::catalog_price(context, gift.variant_id, minor)) {
      // At most 10^15 x 100 for a gift; a buy_x_get_y may add up to 100 x 1,000 units.
      const detail::Int128 total = static_cast<detail::Int128>(*price) * spec.quantity;
      option.price = total > INT64_MAX ? INT64_MAX : static_cast<int64_t>(total);
    }
    if ((option.available || !spec.skip_out_of_stock) &&
        std::find(selectable.begin(), selectable.end(), gift.variant_id) == selectable.end()) {
      selectable.push_back(gift.variant_id);
    }
    reward.options.push_back(std::move(option));
  }
  auto offered = [&](int64_t variant) {
    return std::any_of(spec.gifts.begin(), spec.gifts.end(),
                       [&](const Gift& g) { return g.variant_id == variant; });
  };
  auto is_selectable = [&](int64_t variant) {
    return std::find(selectable.begin(), selectable.end(), variant) != selectable.end();
  };
  auto add_chosen = [&](int64_t variant) {
    if (static_cast<int>(reward.chosen.size()) < spec.choose &&
        std::find(reward.chosen.begin(), reward.chosen.end(), variant) == reward.chosen.end()) {
      reward.chosen.push_back(variant);
    }
  };

  // The shopper's latest pick wins; then what the cart already holds; then, when there is
  // nothing to choose between (or the merchant preselects), the first available gifts.
  if (auto picked = context.gift_choices.find(state.tier->id);
      picked != context.gift_choices.end()) {
    for (int64_t variant : picked->second) {
      if (is_selectable(variant) && !is_declined(variant)) add_chosen(variant);
    }
  } else {
    for (const auto& gl : lines) {
      if (offered(gl.line->variant_id)) add_chosen(gl.line->variant_id);
    }
  }
  if (static_cast<int>(reward.chosen.size()) < spec.choose && reward.declined.empty()) {
    std::vector<int64_t> rest;
    for (int64_t variant : selectable) {
      if (std::find(reward.chosen.begin(), reward.chosen.end(), variant) == reward.chosen.end()) {
        rest.push_back(variant);
      }
    }
    const auto open = static_cast<std::size_t>(spec.choose) - reward.chosen.size();
    if (spec.preselect || rest.size() <= open) {
      for (int64_t variant : rest) add_chosen(variant);
    } else {
      reward.choice_required = true;
    }
  }

  std::set<int64_t> held;
  for (const auto& gl : lines) {
    const CartLine& line = *gl.line;
    const bool wanted = std::find(reward.chosen.begin(), reward.chosen.end(), line.variant_id) !=
                        reward.chosen.end();
    CartAction action;
    action.tier_id = state.tier->id;
    action.variant_id = line.variant_id;
    action.key = line.key;
    action.line = gl.index + 1;
    if (!wanted || held.count(line.variant_id)) {
      action.type = ActionType::kRemove;
      action.quantity = 0;
      action.reason = wanted                     ? "duplicate_gift_line"
                      : offered(line.variant_id) ? "not_chosen"
                                                 : "not_offered";
      actions.push_back(std::move(action));
      continue;
    }
    held.insert(line.variant_id);
    if (line.quantity != spec.quantity) {
      action.type = ActionType::kChange;
      action.quantity = spec.quantity;
      action.reason = line.quantity > spec.quantity ? "quantity_exceeded" : "quantity_restored";
      actions.push_back(std::move(action));
    }
  }
  for (int64_t variant : reward.chosen) {
    if (held.count(variant) || is_declined(variant)) continue;
    CartAction action;
    action.type = ActionType::kAdd;
    action.tier_id = state.tier->id;
    action.variant_id = variant;
    action.quantity = spec.quantity;
    action.property = gift_property(program, state.tier->id);
    action.reason = "tier_unlocked";
    actions.push_back(std::move(action));
  }
}

// What a buy_x_get_y reward that adds its get-items adds: one of them, chosen as a gift is,
// with the units of every use.
Reward added_gifts(const Reward& spec, int64_t uses) {
  Reward gifts = spec;
  gifts.choose = 1;
  gifts.preselect = false;
  gifts.quantity = spec.quantity * uses;
  return gifts;
}

// For each bar with a next tier, the candidate that reaches it for the least extra spend;
// when none reaches it, the one that comes closest.
std::vector<Suggestion> pick_suggestions(const Cart& cart, const Context& context,
                                         const Assessment& assessment) {
  std::vector<Suggestion> suggestions;
  if (context.suggestion_candidates.empty()) return suggestions;
  std::set<int64_t> in_cart;
  for (const auto& line : cart.items) {
    if (!detail::is_gift_line(line)) in_cart.insert(line.variant_id);
  }
  for (const auto& state : assessment.bars) {
    if (state.next < 0) continue;
    const TierState& next = state.tiers[state.next];
    const int64_t remaining = next.threshold - state.qualifying;
    std::optional<Suggestion> best;
    for (int64_t variant : context.suggestion_candidates) {
      if (in_cart.count(variant)) continue;
      auto facts = context.variants.find(variant);
      if (facts == context.variants.end()) continue;
      if (facts->second.available && *facts->second.available <= 0) continue;
      const auto price = detail::catalog_price(context, variant, assessment.minor);
      if (!price || *price <= 0) continue;
      // Whether it counts toward this bar is decided by the same scope rules as cart lines.
      CartLine probe;
      probe.variant_id = variant;
      probe.product_id = facts->second.product_id;
      probe.price = *price;  // whether it is on sale, for a bar that leaves sale items out
      if (!detail::counts_toward(*state.bar, probe, context, assessment.minor)) continue;
      const int64_t gain = state.bar->metric == Metric::kQuantity ? 1 : *price;
      Suggestion suggestion;
      suggestion.bar_id = state.bar->id;
      suggestion.tier_id = next.tier->id;
      suggestion.variant_id = variant;
      suggestion.product_id = facts->second.product_id;
      suggestion.title = facts->second.title;
      suggestion.price = *price;
      suggestion.reaches_tier = gain >= remaining;
      suggestion.image = facts->second.image;
      auto better = [&](const Suggestion& a, const Suggestion& b) {
        if (a.reaches_tier != b.reaches_tier) return a.reaches_tier;
        if (a.price != b.price) return a.reaches_tier ? a.price < b.price : a.price > b.price;
        return a.variant_id < b.variant_id;
      };
      if (!best || better(suggestion, *best)) best = suggestion;
    }
    if (best) suggestions.push_back(*best);
  }
  return suggestions;
}

}  // namespace

// Collections and tags come only from the context; a type from the cart line or, when it has
// none, the context.
std::vector<EvaluationWarning> detail::missing_facts(const Program& program, const Cart& cart,
                                                     const Context& context) {
  std::vector<EvaluationWarning> warnings;
  std::set<int64_t> reported;
  for (const auto& bar : program.bars) {
    const Scope& scope = bar.scope;
    const bool by_group = !scope.include.collections.empty() || !scope.include.tags.empty() ||
                          !scope.exclude.collections.empty() || !scope.exclude.tags.empty();
    const bool by_type =
        !scope.include.product_types.empty() || !scope.exclude.product_types.empty();
    const bool by_sale = !scope.sale_items;
    if (!by_group && !by_type && !by_sale) continue;
    for (const auto& line : cart.items) {
      if (detail::is_gift_line(line) || line.product_id == 0 || reported.count(line.product_id) ||
          (line.gift_card && !scope.gift_cards) || (line.subscription && !scope.subscriptions)) {
        continue;
      }
      const auto facts = context.products.find(line.product_id);
      const bool known = facts != context.products.end();
      const auto variant = context.variants.find(line.variant_id);
      const bool compare_at_known = line.compare_at_price || (variant != context.variants.end() &&
                                                              variant->second.compare_at_price);
      const bool missing_group_or_type =
          (by_group && !known) ||
          (by_type && line.product_type.empty() && (!known || facts->second.product_type.empty()));
      const bool missing_compare_at = by_sale && !compare_at_known;
      if (!missing_group_or_type && !missing_compare_at) continue;
      reported.insert(line.product_id);
      warnings.push_back({"missing_product_facts", bar.id, line.product_id,
                          missing_group_or_type
                              ? "product " + std::to_string(line.product_id) +
                                    " has no collections, tags or type in the context; bar \"" +
                                    bar.id + "\" judged it without them"
                              : "variant " + std::to_string(line.variant_id) + " of product " +
                                    std::to_string(line.product_id) +
                                    " has no compare-at price in the context; bar \"" + bar.id +
                                    "\" judged it as not on sale"});
    }
  }
  return warnings;
}

namespace {

// `percent` of an amount, rounded to the nearest minor unit as a percentage discount is.
int64_t percent_of_units(int64_t unit_price, int64_t units, int percent);
int64_t percent_of(int64_t amount, int percent) { return percent_of_units(amount, 1, percent); }
int64_t percent_of_units(int64_t unit_price, int64_t units, int percent) {
  const detail::Int128 off = (static_cast<detail::Int128>(unit_price) * units * percent + 50) / 100;
  return off > INT64_MAX / 2 ? INT64_MAX / 2 : static_cast<int64_t>(off);
}

// Discounts already taken (each line's, and the cart-level ones) and the gift lines the cart keeps:
// those are still at full price in cart.js and become free at checkout. Amounts are bounded by
// the reader (10^15 per line, 1,000 lines): the sum fits.
int64_t savings(const Cart& cart, const std::map<std::string, std::vector<GiftLine>>& gift_lines,
                const std::vector<CartAction>& actions, const Assessment& assessment) {
  int64_t total = cart.cart_level_discount;
  for (const auto& line : cart.items) {
    if (line.original_line_price > line.final_line_price) {
      total += line.original_line_price - line.final_line_price;
    }
  }
  for (const auto& [tier, lines] : gift_lines) {
    for (const auto& gift : lines) {
      const bool removed = std::any_of(actions.begin(), actions.end(), [&](const CartAction& a) {
        return a.type == ActionType::kRemove && a.line == gift.index + 1;
      });
      if (removed) continue;
      const TierState* state = assessment.find_tier(tier);
      const int percent = state && state->tier->reward.type == RewardType::kBuyXGetY
                              ? state->tier->reward.percent
                              : 100;
      total += percent_of(gift.line->final_line_price, percent);
    }
  }
  // The units a buy_x_get_y tier discounts among the cart's own lines.
  for (const auto& bar : assessment.bars) {
    for (const auto& tier : bar.tiers) {
      for (const auto& [index, units] : tier.get_units) {
        total += percent_of_units(cart.items[index].price, units, tier.tier->reward.percent);
      }
    }
  }
  return total;
}

}  // namespace

std::string gift_property(const Program& program, const std::string& tier_id) {
  return program.id + "@" + std::to_string(program.version) + ":" + tier_id;
}

Result<Evaluation> evaluate(const Program& whole, const Cart& cart, const Context& context) {
  // In an experiment, the cart is measured by its arm's tier set (program.h, arm_of).
  const Program& program = program_for_arm(whole, cart.arm_key);
  auto assessed = detail::assess(program, cart, context);
  if (!assessed) return assessed.error();
  const Assessment& assessment = assessed.value();

  Evaluation evaluation;
  evaluation.program_id = program.id;
  evaluation.program_version = program.version;
  evaluation.arm = arm_of(whole, cart.arm_key);
  evaluation.currency = assessment.currency;
  evaluation.money_format = assessment.money_format;

  // Gift lines of this program, by the tier they name; the rest are dropped below.
  std::map<std::string, std::vector<GiftLine>> gift_lines;
  std::vector<CartAction> removals;
  for (int i = 0; i < static_cast<int>(cart.items.size()); ++i) {
    const CartLine& line = cart.items[i];
    if (line.properties.empty()) continue;  // spares a std::string of the key per line
    auto property = line.properties.find(kGiftProperty);
    if (property == line.properties.end()) continue;
    auto claim = parse_gift_claim(property->second);
    // Another program's gift (or a foreign property) is not ours to touch.
    if (claim && claim->program_id != program.id) continue;
    const TierState* tier = claim ? assessment.find_tier(claim->tier_id) : nullptr;
    std::string reason;
    if (!claim || !tier || !detail::gives_gift_lines(tier->tier->reward)) {
      reason = "unknown_tier";
    } else if (claim->version != program.version) {
      reason = "program_changed";
    } else if (!tier->rewarded) {
      reason = "tier_lost";
    } else {
      gift_lines[claim->tier_id].push_back(GiftLine{i, &line});
      continue;
    }
    CartAction action;
    action.type = ActionType::kRemove;
    action.tier_id = claim ? claim->tier_id : "";
    action.variant_id = line.variant_id;
    action.key = line.key;
    action.line = i + 1;
    action.reason = reason;
    removals.push_back(std::move(action));
  }

  std::vector<CartAction> adjustments;
  evaluation.bars.reserve(assessment.bars.size());
  std::size_t rewarded = 0;
  for (const auto& state : assessment.bars) {
    for (const auto& tier : state.tiers) rewarded += tier.rewarded ? 1 : 0;
  }
  evaluation.rewards.reserve(rewarded);
  for (const auto& state : assessment.bars) {
    evaluation.bars.push_back(bar_status(state, program, context, assessment));
    for (const auto& tier : state.tiers) {
      if (!tier.rewarded) continue;
      const Reward& spec = tier.tier->reward;
      EarnedReward reward;
      reward.bar_id = state.bar->id;
      reward.tier_id = tier.tier->id;
      reward.type = spec.type;
      reward.label = label_of(*tier.tier, program, context);
      if (spec.type == RewardType::kFreeGift) {
        reconcile_gifts(tier, spec, program, cart, context, assessment.minor,
                        gift_lines[tier.tier->id], reward, adjustments);
      } else if (spec.type == RewardType::kBuyXGetY) {
        reward.percent = spec.percent;
        reward.uses = tier.uses;
        if (spec.add_to_cart) {
          reconcile_gifts(tier, added_gifts(spec, tier.uses), program, cart, context,
                          assessment.minor, gift_lines[tier.tier->id], reward, adjustments);
        }
        for (const auto& [index, units] : tier.get_units) {
          reward.discounted.push_back({index + 1, cart.items[index].variant_id, units});
        }
      } else if (spec.type == RewardType::kGiftCard ||
                 (spec.type == RewardType::kOrderDiscount && spec.percent == 0)) {
        auto amount = reward_amount(spec, program, cart, context);
        if (!amount) return amount.error();
        reward.amount = amount.value();
        reward.currency = cart.currency;
      } else if (spec.type == RewardType::kOrderDiscount) {
        reward.percent = spec.percent;
      }
      evaluation.rewards.push_back(std::move(reward));
    }
  }
  // Removals and changes first, in line order, so that a queue applying them by key never
  // holds more gifts than earned; then additions.
  for (auto& action : adjustments) {
    if (action.type != ActionType::kAdd) removals.push_back(std::move(action));
  }
  // Already in line order unless a tier's changes came after a later line's removal; the
  // check spares stable_sort's buffer from the heap.
  auto by_line = [](const CartAction& a, const CartAction& b) { return a.line < b.line; };
  if (!std::is_sorted(removals.begin(), removals.end(), by_line)) {
    std::stable_sort(removals.begin(), removals.end(), by_line);
  }
  evaluation.actions = std::move(removals);
  for (auto& action : adjustments) {
    if (action.type == ActionType::kAdd) evaluation.actions.push_back(std::move(action));
  }
  evaluation.suggestions = pick_suggestions(cart, context, assessment);
  evaluation.savings = savings(cart, gift_lines, evaluation.actions, assessment);
  evaluation.warnings = detail::missing_facts(program, cart, context);
  return evaluation;
}

}  // namespace tiercart
