// Finds what would make a program misbehave before a merchant saves it: tiers that overlap
// or can never be reached, gifts that do not exist, currency mistakes. Errors refuse the
// save; warnings are shown.

#include <algorithm>
#include <set>

#include "json/reader.h"
#include "rewards/assess.h"
#include "tiercart/tiercart.h"

namespace tiercart {

namespace {

using detail::index_path;
using detail::key_path;

struct Findings {
  std::vector<Problem> list;
  void error(std::string code, std::string message, std::string path) {
    list.push_back({"error", std::move(code), std::move(message), std::move(path)});
  }
  void warning(std::string code, std::string message, std::string path) {
    list.push_back({"warning", std::move(code), std::move(message), std::move(path)});
  }
};

bool disjoint(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return false;
  return std::none_of(a.begin(), a.end(), [&](const std::string& x) {
    return std::find(b.begin(), b.end(), x) != b.end();
  });
}

// A window that can never be open: it ends before it starts, or lies outside the
// program's own window.
bool never_open(const Schedule& tier, const Schedule& program) {
  const auto start =
      std::max(tier.starts_at.value_or(INT64_MIN), program.starts_at.value_or(INT64_MIN));
  const auto end = std::min(tier.ends_at.value_or(INT64_MAX), program.ends_at.value_or(INT64_MAX));
  return start >= end;
}

void check_amounts_by_currency(const std::map<std::string, int64_t>& amounts, int64_t base_amount,
                               const Program& program, const Context& context,
                               const std::string& path, Findings& findings) {
  for (const auto& [code, amount] : amounts) {
    if (code == program.currency) {
      findings.error("currency_mismatch",
                     code + " is the program's own currency; set the amount itself instead",
                     key_path(path, code));
    }
    // With a rate for this currency at hand, an explicit amount ten times off the converted
    // one is most likely written in the wrong unit (yen written as if it had cents).
    if (context.rate && context.presentment_currency == code) {
      auto converted = convert(base_amount, program.currency, code, *context.rate, Rounding::kNone);
      if (converted && (amount > converted.value() * 10 || amount * 10 < converted.value())) {
        findings.warning("suspicious_amount",
                         std::to_string(amount) + " " + code + " (in minor units) is far from " +
                             std::to_string(converted.value()) + ", the converted amount",
                         key_path(path, code));
      }
    }
  }
}

// A country's thresholds must rise strictly too, at what a shopper there is measured by (a
// tier's own threshold where it does not list the country). Checking each tier against the one
// before is enough: a sequence rises strictly when each neighbour pair does. Only countries
// one of the pair lists can break an order the program-currency check has not already seen.
void check_thresholds_by_country(const Bar& bar, std::size_t t, const std::string& path,
                                 Findings& findings) {
  const Tier& tier = bar.tiers[t];
  if (bar.metric == Metric::kQuantity) {
    if (!tier.thresholds_by_country.empty()) {
      findings.warning("unused_setting",
                       "a quantity bar counts units; its thresholds by country are ignored",
                       key_path(path, "thresholds_by_country"));
    }
    return;
  }
  if (t == 0) return;
  const Tier& before = bar.tiers[t - 1];
  std::set<std::string> countries;
  for (const auto& entry : before.thresholds_by_country) countries.insert(entry.first);
  for (const auto& entry : tier.thresholds_by_country) countries.insert(entry.first);
  for (const auto& country : countries) {
    if (threshold_for_country(before, country) < threshold_for_country(tier, country)) continue;
    const bool own = tier.thresholds_by_country.count(country) > 0;
    findings.error("overlapping_tiers",
                   "in " + country + ", tier \"" + tier.id + "\" does not come after tier \"" +
                       before.id + "\": thresholds must rise strictly in every country",
                   own ? key_path(key_path(path, "thresholds_by_country"), country)
                       : key_path(path, "threshold"));
  }
}

void check_bar(const Program& program, const Bar& bar, std::size_t b, const Context& context,
               Findings& findings) {
  const std::string bar_path = index_path("$.bars", b);
  std::set<std::string> currencies;
  for (const auto& tier : bar.tiers) {
    for (const auto& entry : tier.thresholds_by_currency) currencies.insert(entry.first);
  }
  for (std::size_t t = 0; t < bar.tiers.size(); ++t) {
    const Tier& tier = bar.tiers[t];
    const std::string path = index_path(key_path(bar_path, "tiers"), t);
    if (t > 0 && bar.tiers[t - 1].threshold >= tier.threshold) {
      findings.error("overlapping_tiers",
                     "tier \"" + tier.id + "\" does not come after tier \"" + bar.tiers[t - 1].id +
                         "\": thresholds must rise strictly",
                     key_path(path, "threshold"));
    }
    if (bar.metric == Metric::kQuantity && !tier.thresholds_by_currency.empty()) {
      findings.warning("currency_mismatch",
                       "a quantity bar counts units; its amounts by currency are ignored",
                       key_path(path, "thresholds_by_currency"));
    }
    // Explicit amounts must keep the tiers in order in each currency too, and a currency
    // given for some tiers but not others mixes explicit and converted thresholds.
    for (const auto& code : currencies) {
      auto here = tier.thresholds_by_currency.find(code);
      if (here == tier.thresholds_by_currency.end()) {
        findings.warning("partial_currency_amounts",
                         "tier \"" + tier.id + "\" has no " + code +
                             " threshold while other tiers of the bar do; it will be converted",
                         key_path(path, "thresholds_by_currency"));
        continue;
      }
      for (std::size_t p = 0; p < t; ++p) {
        auto before = bar.tiers[p].thresholds_by_currency.find(code);
        if (before != bar.tiers[p].thresholds_by_currency.end() && before->second >= here->second) {
          findings.error("overlapping_tiers",
                         "in " + code + ", tier \"" + tier.id + "\" does not come after tier \"" +
                             bar.tiers[p].id + "\"",
                         key_path(key_path(path, "thresholds_by_currency"), code));
        }
      }
    }
    check_thresholds_by_country(bar, t, path, findings);
    check_amounts_by_currency(tier.thresholds_by_currency, tier.threshold, program, context,
                              key_path(path, "thresholds_by_currency"), findings);
    check_amounts_by_currency(tier.reward.amounts_by_currency, tier.reward.amount, program, context,
                              key_path(key_path(path, "reward"), "amounts_by_currency"), findings);

    if (never_open(tier.schedule, program.schedule)) {
      findings.error("unreachable_tier",
                     "tier \"" + tier.id + "\" has a schedule that is never open",
                     key_path(path, "schedule"));
    }
    if (disjoint(tier.eligibility.countries, program.eligibility.countries) ||
        disjoint(tier.reward.countries, tier.eligibility.countries) ||
        disjoint(tier.reward.countries, program.eligibility.countries)) {
      findings.error("unreachable_tier",
                     "tier \"" + tier.id + "\" is limited to countries nobody can be in at once",
                     key_path(path, "eligibility"));
    }
    if (bar.stacking == Stacking::kHighestOnly && t + 1 < bar.tiers.size() &&
        tier.reward.type == RewardType::kFreeShipping) {
      findings.warning("lost_reward",
                       "with highest_only stacking, free shipping at tier \"" + tier.id +
                           "\" is lost once a higher tier is reached",
                       key_path(path, "reward"));
    }

    const Reward& reward = tier.reward;
    // A buy_x_get_y names its get-items as gifts are named: the same catalog checks, and the
    // stock ones when it adds them to the cart.
    const bool buy_x_get_y = reward.type == RewardType::kBuyXGetY;
    if (reward.type == RewardType::kFreeGift || buy_x_get_y) {
      const std::string gifts_path =
          key_path(key_path(path, "reward"), buy_x_get_y ? "get_items" : "gifts");
      const bool adds_lines = detail::gives_gift_lines(reward);
      const std::string what = buy_x_get_y ? "get-item" : "gift";
      if (!buy_x_get_y && reward.choose > static_cast<int>(reward.gifts.size())) {
        findings.error("missing_gift",
                       "tier \"" + tier.id + "\" lets the shopper choose " +
                           std::to_string(reward.choose) + " gifts but offers " +
                           std::to_string(reward.gifts.size()),
                       key_path(key_path(path, "reward"), "choose"));
      }
      if (adds_lines && !reward.declinable) {
        // Not refused: a merchant may have to ship an insert. But unsolicited goods the shopper
        // cannot refuse are unlawful in some countries, so say so before the save.
        findings.warning("gift_not_declinable",
                         "tier \"" + tier.id +
                             "\" adds its gift without asking and puts it back if the shopper "
                             "removes it",
                         key_path(key_path(path, "reward"), "declinable"));
      }
      std::set<int64_t> seen;
      int in_stock = 0;
      for (std::size_t g = 0; g < reward.gifts.size(); ++g) {
        const Gift& gift = reward.gifts[g];
        const std::string gift_path = index_path(gifts_path, g);
        if (!seen.insert(gift.variant_id).second) {
          findings.warning("duplicate_gift",
                           "variant " + std::to_string(gift.variant_id) + " is listed twice",
                           gift_path);
        }
        if (context.variants.empty()) {
          ++in_stock;
          continue;
        }
        auto facts = context.variants.find(gift.variant_id);
        if (facts == context.variants.end()) {
          findings.error(
              "missing_gift",
              what + " variant " + std::to_string(gift.variant_id) + " is not in the catalog",
              key_path(gift_path, "variant_id"));
          continue;
        }
        if (gift.product_id != 0 && facts->second.product_id != 0 &&
            gift.product_id != facts->second.product_id) {
          findings.error("missing_gift",
                         what + " variant " + std::to_string(gift.variant_id) +
                             " belongs to product " + std::to_string(facts->second.product_id) +
                             ", not " + std::to_string(gift.product_id),
                         key_path(gift_path, "product_id"));
        }
        if (!adds_lines) {
          ++in_stock;
        } else if (facts->second.available && *facts->second.available < reward.quantity) {
          findings.warning("gift_out_of_stock",
                           "gift variant " + std::to_string(gift.variant_id) + " is out of stock",
                           gift_path);
        } else {
          ++in_stock;
        }
      }
      if (adds_lines && in_stock == 0 && reward.skip_out_of_stock) {
        findings.warning("unreachable_tier",
                         "every gift of tier \"" + tier.id + "\" is out of stock", gifts_path);
      }
    }
    if (buy_x_get_y && bar.metric == Metric::kSpend && reward.max_uses > 0) {
      findings.warning("unused_setting",
                       "tier \"" + tier.id +
                           "\" is on a spend bar, where a buy_x_get_y applies once: max_uses "
                           "is ignored",
                       key_path(key_path(path, "reward"), "max_uses"));
    }
    if (!tier.texts.empty() && !tier.texts.count(program.default_locale)) {
      findings.warning(
          "missing_text",
          "tier \"" + tier.id + "\" has no texts in the default locale " + program.default_locale,
          key_path(path, "texts"));
    }
  }
}

}  // namespace

std::vector<Problem> check_program(const Program& program, const Context& context) {
  Findings findings;
  if (never_open(program.schedule, Schedule{})) {
    findings.error("unreachable_tier", "the program's schedule is never open", "$.schedule");
  }
  for (std::size_t b = 0; b < program.bars.size(); ++b) {
    check_bar(program, program.bars[b], b, context, findings);
  }
  // An experiment's arm b is a tier set like the program's own: the same checks, at its paths.
  if (program.experiment && program.experiment->arm_b) {
    const Program& arm_b = *program.experiment->arm_b;
    for (std::size_t b = 0; b < arm_b.bars.size(); ++b) {
      Findings arm;
      check_bar(arm_b, arm_b.bars[b], b, context, arm);
      for (Problem problem : arm.list) {
        if (problem.path.rfind("$.bars", 0) == 0) {
          problem.path = "$.experiment.arm_b" + problem.path.substr(1);
        }
        findings.list.push_back(std::move(problem));
      }
    }
  }
  // Checkout reads the program from a metafield, without its texts; a Function is given null
  // for a value over the limit, so checkout would grant nothing that the drawer promises.
  const std::size_t checkout_bytes = to_json(program, ProgramTexts::kWithout).size();
  if (checkout_bytes > kMaxCheckoutProgramBytes) {
    findings.warning("checkout_too_large",
                     "without its texts the program is " + std::to_string(checkout_bytes) +
                         " bytes, over the " + std::to_string(kMaxCheckoutProgramBytes) +
                         " a Shopify Function reads from a metafield: checkout would not see it",
                     "$");
  }
  return findings.list;
}

}  // namespace tiercart
