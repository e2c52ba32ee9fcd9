#include "tiercart/validate.h"

#include <algorithm>
#include <map>
#include <set>

#include "rewards/assess.h"

namespace tiercart {

namespace {

LineVerdict rejected(int index, const CartLine& line, std::string tier, std::string reason,
                     std::string message) {
  LineVerdict verdict;
  verdict.line = index + 1;
  verdict.variant_id = line.variant_id;
  verdict.tier_id = std::move(tier);
  verdict.earned = false;
  verdict.reason = std::move(reason);
  verdict.message = std::move(message);
  verdict.claimed_quantity = line.quantity;
  return verdict;
}

// A line's price is trusted only when it matches the catalog. A lowered price is how a
// forged cart would reach a tier with less money; a raised one, how it would inflate the
// subtotal. Either way the catalog price is what the tiers are measured with.
std::vector<LineVerdict> check_prices(Cart& cart, const Context& context, int minor) {
  std::vector<LineVerdict> verdicts;
  for (int i = 0; i < static_cast<int>(cart.items.size()); ++i) {
    CartLine& line = cart.items[i];
    // A selling plan prices a subscription below the catalog on purpose.
    if (line.subscription) continue;
    const auto catalog = detail::catalog_price(context, line.variant_id, minor);
    if (!catalog || *catalog == line.price) continue;
    std::string claim;
    if (auto property = line.properties.find(kGiftProperty); property != line.properties.end()) {
      if (auto parsed = parse_gift_claim(property->second)) claim = parsed->tier_id;
    }
    verdicts.push_back(rejected(i, line, claim, "price_tampered",
                                "line price " + std::to_string(line.price) +
                                    " differs from the catalog price " + std::to_string(*catalog)));
    const int64_t line_discount = line.original_line_price - line.final_line_price;
    line.price = *catalog;
    line.original_line_price = *catalog * line.quantity;
    line.final_line_price = std::max<int64_t>(0, line.original_line_price - line_discount);
  }
  return verdicts;
}

const char* availability_reason(Availability availability) {
  switch (availability) {
    case Availability::kNotStarted:
    case Availability::kExpired:
      return "expired";
    case Availability::kNotEligible:
    case Availability::kSignInRequired:
      return "not_eligible";
    case Availability::kAvailable:
      break;
  }
  return "";
}

}  // namespace

Result<Verdict> validate(const Program& whole, const Cart& input, const Context& context) {
  // Claims are judged by the tier set of the cart's own arm: the arm of its token, never the
  // one checkout was told (a shopper can write the attribute, not the order's cart_token).
  const Program& program = program_for_arm(whole, input.arm_key);
  Verdict verdict;
  verdict.program_id = program.id;
  verdict.program_version = program.version;
  verdict.arm = arm_of(whole, input.arm_key);
  auto minor = minor_units(input.currency);
  if (!minor) return make_error("unknown_currency", "cart: unknown currency", "$.currency");

  Cart cart = input;
  verdict.lines = check_prices(cart, context, *minor);
  auto assessed = detail::assess(program, cart, context);
  if (!assessed) return assessed.error();
  verdict.warnings = detail::missing_facts(program, cart, context);
  const detail::Assessment& assessment = assessed.value();

  // Units claimed so far per tier and gift, and distinct gifts per tier, in line order:
  // the first lines within the allowance are earned, the rest exceed it.
  std::map<std::string, std::map<int64_t, int64_t>> claimed_units;
  std::map<std::string, std::set<int64_t>> distinct_gifts;

  for (int i = 0; i < static_cast<int>(cart.items.size()); ++i) {
    const CartLine& line = cart.items[i];
    auto property = line.properties.find(kGiftProperty);
    if (property == line.properties.end()) continue;
    auto claim = parse_gift_claim(property->second);
    const std::string tier_id = claim ? claim->tier_id : "";
    auto reject = [&](const char* reason, std::string message) {
      verdict.lines.push_back(rejected(i, line, tier_id, reason, std::move(message)));
    };
    if (claim && claim->program_id != program.id) continue;  // judged against its own program
    if (!claim) {
      reject("unknown_tier", "\"" + property->second + "\" names no tier of program " + program.id);
      continue;
    }
    if (claim->version != program.version) {
      reject("unknown_tier", "the line names version " + std::to_string(claim->version) +
                                 " but the program is at version " +
                                 std::to_string(program.version));
      continue;
    }
    const detail::TierState* tier = assessment.find_tier(claim->tier_id);
    if (!tier || !detail::gives_gift_lines(tier->tier->reward)) {
      reject("unknown_tier", "tier \"" + claim->tier_id + "\" gives no gift");
      continue;
    }
    const Reward& reward = tier->tier->reward;
    const bool offered = std::any_of(reward.gifts.begin(), reward.gifts.end(), [&](const Gift& g) {
      return g.variant_id == line.variant_id;
    });
    if (!offered) {
      reject("out_of_scope", "variant " + std::to_string(line.variant_id) +
                                 " is not a gift of tier \"" + claim->tier_id + "\"");
      continue;
    }
    if (tier->availability != Availability::kAvailable) {
      reject(availability_reason(tier->availability),
             tier->availability == Availability::kNotEligible ||
                     tier->availability == Availability::kSignInRequired
                 ? "the customer is not eligible for tier \"" + claim->tier_id + "\""
                 : "tier \"" + claim->tier_id + "\" was not running at the order's time");
      continue;
    }
    if (!tier->unlocked) {
      const Metric metric = tier->bar->metric;
      auto bar = std::find_if(assessment.bars.begin(), assessment.bars.end(),
                              [&](const detail::BarState& b) { return b.bar == tier->bar; });
      reject("below_threshold", "qualifying " +
                                    detail::format_amount(assessment, metric, bar->qualifying) +
                                    " is below the threshold " +
                                    detail::format_amount(assessment, metric, tier->threshold) +
                                    " of tier \"" + claim->tier_id + "\"");
      continue;
    }
    if (!tier->rewarded) {
      reject("not_eligible", "a higher tier of bar \"" + tier->bar->id +
                                 "\" replaces the reward of tier \"" + claim->tier_id + "\"");
      continue;
    }
    // A buy_x_get_y adds one of its get-items, with the units of every use the cart earns.
    const bool buy_x_get_y = reward.type == RewardType::kBuyXGetY;
    const int choose = buy_x_get_y ? 1 : reward.choose;
    const int64_t quantity = buy_x_get_y ? reward.quantity * tier->uses : reward.quantity;
    auto& gifts = distinct_gifts[claim->tier_id];
    if (!gifts.count(line.variant_id) && static_cast<int>(gifts.size()) >= choose) {
      reject("quantity_exceeded", "tier \"" + claim->tier_id + "\" gives " +
                                      std::to_string(choose) + " distinct gift(s)");
      continue;
    }
    gifts.insert(line.variant_id);
    int64_t& units = claimed_units[claim->tier_id][line.variant_id];
    const int64_t allowed = std::max<int64_t>(0, quantity - units);
    units += line.quantity;
    LineVerdict ok;
    ok.line = i + 1;
    ok.variant_id = line.variant_id;
    ok.tier_id = claim->tier_id;
    ok.claimed_quantity = line.quantity;
    ok.earned_quantity = std::min(line.quantity, allowed);
    if (line.quantity > allowed) {
      ok.earned = false;
      ok.reason = "quantity_exceeded";
      ok.message =
          std::to_string(line.quantity) + " units claimed, " + std::to_string(allowed) + " earned";
    }
    verdict.lines.push_back(std::move(ok));
  }

  if (whole.experiment && input.checkout_arm_key &&
      arm_of(whole, *input.checkout_arm_key) != arm_of(whole, input.arm_key)) {
    LineVerdict arm;
    arm.earned = false;
    arm.reason = "arm_forged";
    arm.message = "checkout measured the order as arm " + arm_of(whole, *input.checkout_arm_key) +
                  " of test " + whole.experiment->id + "; its cart is in arm " +
                  arm_of(whole, input.arm_key);
    verdict.lines.push_back(std::move(arm));
  }
  std::stable_sort(verdict.lines.begin(), verdict.lines.end(),
                   [](const LineVerdict& a, const LineVerdict& b) { return a.line < b.line; });
  std::set<std::string> reasons;
  for (const auto& line : verdict.lines) {
    if (!line.earned) reasons.insert(line.reason);
  }
  verdict.earned = reasons.empty();
  if (!verdict.lines.empty()) {
    if (verdict.earned) {
      verdict.tags.push_back("tiercart-verified");
    } else {
      verdict.tags.push_back("tiercart-flagged");
      for (const auto& reason : reasons) verdict.tags.push_back("tiercart-" + reason);
    }
  }
  return verdict;
}

}  // namespace tiercart
