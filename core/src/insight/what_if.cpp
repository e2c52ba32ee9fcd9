// What-if: a program replayed over the shop's past orders with the same evaluation as the drawer
// and checkout (tiercart/insight.h; rules: docs/analytics.md, "What-if").

#include <algorithm>

#include "insight/figures_text.h"
#include "tiercart/evaluate.h"
#include "tiercart/insight.h"

namespace tiercart {

using detail::MoneyText;
using detail::rounded_ratio;
using detail::share_bp;

namespace {

// Fewer orders than this give no proposed thresholds: a percentile of a handful says little.
constexpr std::size_t kMinOrdersToPropose = 20;

struct TierTally {
  int64_t threshold = 0;  // in the file's currency (spend) or units, as the evaluation saw it
  int64_t reached = 0;
  int64_t near = 0;  // within 10% below
  int64_t cost = 0;
};

int64_t reward_cost(const EarnedReward& reward, const ExportOrder& order, int64_t qualifying) {
  switch (reward.type) {
    case RewardType::kBuyXGetY:
      // Units of the cart's own lines, or added like gifts: then priced like a gift's.
      if (!reward.discounted.empty()) return detail::discounted_units_cost(reward, order.cart);
      [[fallthrough]];
    case RewardType::kFreeGift: {
      int64_t cost = 0;
      int taken = 0;
      for (const GiftOption& option : reward.options) {
        const bool chosen = std::find(reward.chosen.begin(), reward.chosen.end(),
                                      option.variant_id) != reward.chosen.end();
        // No choice made (the shopper would pick): the first ones offered stand for it.
        if (chosen || (reward.chosen.empty() && taken < reward.choose)) {
          cost += option.price.value_or(0);
          ++taken;
        }
      }
      return reward.type == RewardType::kBuyXGetY ? rounded_ratio(cost * reward.percent, 100)
                                                  : cost;
    }
    case RewardType::kFreeShipping:
      return order.shipping;
    case RewardType::kGiftCard:
      return reward.amount;
    case RewardType::kOrderDiscount:
      return reward.percent > 0 ? rounded_ratio(qualifying * reward.percent, 100) : reward.amount;
  }
  return 0;
}

// A round step for a proposed threshold near `value`: 1, 2 or 5 x 10^n whole units, about a
// twentieth of it.
int64_t round_step(int64_t value, int minor_units) {
  int64_t unit = 1;
  for (int i = 0; i < minor_units; ++i) unit *= 10;
  int64_t step = unit;
  for (int64_t power = unit; power <= value / 20; power *= 10) {
    for (int64_t m : {1, 2, 5}) {
      if (m * power <= value / 20) step = m * power;
    }
  }
  return step;
}

}  // namespace

Result<std::string> what_if_json(const Program& program, const OrdersExport& data,
                                 const Context& context) {
  const std::string currency = data.currency.empty() ? program.currency : data.currency;
  Context replay = for_currency(context, currency);
  replay.now.reset();  // the export is the past: schedules are not applied
  const std::string shop_country = replay.country;

  std::vector<std::vector<TierTally>> tallies(program.bars.size());
  for (std::size_t b = 0; b < program.bars.size(); ++b) {
    tallies[b].resize(program.bars[b].tiers.size());
  }
  const auto bar_index = [&](const std::string& id) {
    for (std::size_t b = 0; b < program.bars.size(); ++b) {
      if (program.bars[b].id == id) return b;
    }
    return program.bars.size();
  };
  const auto tier_index = [&](std::size_t b, const std::string& id) {
    const auto& tiers = program.bars[b].tiers;
    for (std::size_t t = 0; t < tiers.size(); ++t) {
      if (tiers[t].id == id) return t;
    }
    return tiers.size();
  };

  std::vector<int64_t> subtotals;
  subtotals.reserve(data.orders.size());
  int64_t sales = 0;
  for (const ExportOrder& order : data.orders) {
    replay.country = order.country.empty() ? shop_country : order.country;
    auto evaluation = evaluate(program, order.cart, replay);
    if (!evaluation) {
      Error error = evaluation.error();
      error.message =
          "row " + std::to_string(order.row) + " (order " + order.name + "): " + error.message;
      error.path = "row " + std::to_string(order.row);
      return error;
    }
    sales += order.subtotal;
    subtotals.push_back(order.subtotal);
    std::vector<int64_t> qualifying(program.bars.size(), 0);
    for (const BarStatus& bar : evaluation.value().bars) {
      const std::size_t b = bar_index(bar.id);
      if (b == program.bars.size()) continue;
      qualifying[b] = bar.qualifying;
      for (const TierStatus& status : bar.tiers) {
        const std::size_t t = tier_index(b, status.id);
        if (t == tallies[b].size()) continue;
        TierTally& tally = tallies[b][t];
        // The threshold shown is the one shoppers without a country amount of their own are
        // measured by: an order from a country the tier lists (thresholds_by_country) is
        // measured by that country's, but sets the figure only when no other order has.
        const bool own_country =
            !replay.country.empty() &&
            program.bars[b].tiers[t].thresholds_by_country.count(replay.country) > 0;
        if (!own_country || tally.threshold == 0) tally.threshold = status.threshold;
        if (status.unlocked && status.availability == Availability::kAvailable) {
          ++tally.reached;
        } else if (bar.qualifying < status.threshold &&
                   bar.qualifying * 10 >= status.threshold * 9) {
          ++tally.near;
        }
      }
    }
    for (const EarnedReward& reward : evaluation.value().rewards) {
      const std::size_t b = bar_index(reward.bar_id);
      if (b == program.bars.size()) continue;
      const std::size_t t = tier_index(b, reward.tier_id);
      if (t == tallies[b].size()) continue;
      tallies[b][t].cost += reward_cost(reward, order, qualifying[b]);
    }
  }

  const int minor = minor_units(currency).value_or(2);
  const MoneyText money(
      minor, replay.money_format.empty() ? default_money_format(currency) : replay.money_format);
  const int64_t orders = static_cast<int64_t>(data.orders.size());
  JsonWriter w(2048);
  w.begin_object();
  w.field("program", program.id).field("version", program.version);
  w.field("orders", orders).field("currency", currency);
  w.key("left_out").begin_object().field("cancelled", data.cancelled).end_object();
  money.write(w, "aov", rounded_ratio(sales, orders));
  int64_t top = 0;
  w.key("bars").begin_array();
  for (std::size_t b = 0; b < program.bars.size(); ++b) {
    const Bar& bar = program.bars[b];
    const bool spend = bar.metric == Metric::kSpend;
    w.begin_object().field("id", bar.id).field("metric", spend ? "spend" : "quantity");
    w.key("tiers").begin_array();
    for (std::size_t t = 0; t < bar.tiers.size(); ++t) {
      const TierTally& tally = tallies[b][t];
      if (spend) top = std::max(top, tally.threshold);
      w.begin_object().field("id", bar.tiers[t].id);
      w.field("threshold", tally.threshold);
      w.field("threshold_text",
              spend ? money.text(tally.threshold) : std::to_string(tally.threshold));
      w.field("reached", tally.reached);
      const int64_t bp = share_bp(tally.reached, orders);
      w.key("share").floating(static_cast<double>(bp) / 10000.0);
      w.field("share_bp", bp);
      money.write(w, "cost", tally.cost);
      w.field("near", tally.near);
      w.end_object();
    }
    w.end_array().end_object();
  }
  w.end_array();

  // Proposed thresholds: each spend bar's tiers spread over the 60th to 90th percentiles of
  // the order subtotals (one tier: the 70th), rounded up to a round step. Just above what most
  // shoppers spend already, so that the orders just below are a nudge away.
  std::vector<int64_t> sorted = subtotals;
  std::sort(sorted.begin(), sorted.end());
  w.key("proposals").begin_array();
  if (sorted.size() >= kMinOrdersToPropose) {
    for (const Bar& bar : program.bars) {
      if (bar.metric != Metric::kSpend) continue;
      const std::size_t n = bar.tiers.size();
      for (std::size_t t = 0; t < n; ++t) {
        const int64_t percentile = n == 1 ? 70 : 60 + static_cast<int64_t>(30 * t / (n - 1));
        const int64_t value = sorted[(sorted.size() - 1) * percentile / 100];
        const int64_t step = round_step(value, minor);
        const int64_t proposed = std::max(step, (value + step - 1) / step * step);
        const int64_t reaching = static_cast<int64_t>(
            sorted.end() - std::lower_bound(sorted.begin(), sorted.end(), proposed));
        w.begin_object().field("bar", bar.id).field("tier", bar.tiers[t].id);
        w.field("threshold", proposed).field("threshold_text", money.text(proposed));
        w.field("reached", reaching).field("share_bp", share_bp(reaching, orders));
        w.field("rule", "the " + std::to_string(percentile) + "th percentile of order subtotals (" +
                            money.text(value) + "), rounded up to a multiple of " +
                            money.text(step));
        w.end_object();
      }
    }
  }
  w.end_array();
  detail::write_subtotals(w, money, std::move(subtotals), top);
  return w.end_object().take();
}

}  // namespace tiercart
