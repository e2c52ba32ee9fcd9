// The merchant's report over a period (tiercart/insight.h; shapes and rules: docs/analytics.md).
// Integer sums of the orders' figures; averages and shares are rounded here, once, halves up.

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "insight/figures_text.h"
#include "insight/statistics.h"
#include "tiercart/insight.h"
#include "tiercart/json_writer.h"
#include "tiercart/money.h"
#include "tiercart/time.h"

namespace tiercart {

using detail::MoneyText;
using detail::rounded_ratio;
using detail::share_bp;
using detail::write_subtotals;

namespace {

// The most periods one report holds: a year of days, with room to spare.
constexpr int64_t kMaxPeriods = 400;
// An A/B test's rule (docs/analytics.md, "A/B tests"): at least this many orders in each arm,
// then Welch's two-sided t-test of the net value per order at this level.
constexpr int64_t kMinOrdersPerArm = 100;
constexpr double kSignificance = 0.05;

// One arm of an A/B test over the report's orders.
struct ArmTally {
  int64_t orders = 0;
  int64_t sales = 0;
  int64_t cost = 0;
  detail::Sample subtotal;  // net subtotal per order
  detail::Sample value;     // net subtotal less reward cost per order: what the order brought
};

void write_experiments(JsonWriter& w, const MoneyText& money,
                       const std::map<std::string, std::map<std::string, ArmTally>>& tests) {
  w.key("experiments").begin_array();
  for (const auto& [id, arms] : tests) {
    w.begin_object().field("id", id).field("metric", "net_per_order");
    w.field("min_orders_per_arm", kMinOrdersPerArm);
    w.key("arms").begin_array();
    for (const auto& [arm, tally] : arms) {
      const double half = detail::mean_ci95_half_width(tally.subtotal);
      w.begin_object().field("arm", arm).field("orders", tally.orders);
      money.write(w, "aov", rounded_ratio(tally.sales, tally.orders));
      w.key("aov_ci95").begin_object();
      money.write(w, "low", std::llround(tally.subtotal.mean() - half));
      money.write(w, "high", std::llround(tally.subtotal.mean() + half));
      w.end_object();
      money.write(w, "cost_per_order", rounded_ratio(tally.cost, tally.orders));
      money.write(w, "net_per_order", rounded_ratio(tally.sales - tally.cost, tally.orders));
      w.end_object();
    }
    w.end_array();
    const auto a = arms.find("a");
    const auto b = arms.find("b");
    const bool both = a != arms.end() && b != arms.end();
    const bool enough =
        both && a->second.orders >= kMinOrdersPerArm && b->second.orders >= kMinOrdersPerArm;
    const detail::Welch test =
        both ? detail::welch_test(b->second.value, a->second.value) : detail::Welch{};
    money.write(w, "difference",
                both ? std::llround(b->second.value.mean() - a->second.value.mean()) : 0);
    w.key("p_value").floating(test.p);
    const bool decided = enough && test.p < kSignificance;
    w.field("status", !enough ? "collecting" : decided ? "winner" : "no_difference");
    w.key("winner");
    if (decided) {
      w.text(test.t > 0 ? "b" : "a");
    } else {
      w.null();
    }
    w.field("rule",
            "An arm wins when both arms have at least " + std::to_string(kMinOrdersPerArm) +
                " orders and Welch's two-sided t-test finds their net value per order (subtotal "
                "less reward cost) different at p < 0.05.");
    w.end_object();
  }
  w.end_array();
}

struct Totals {
  int64_t orders = 0;
  int64_t sales = 0;
  RewardCost cost;
  int64_t flagged = 0;
};

struct TierKey {
  std::string program, bar, tier;
  bool operator<(const TierKey& o) const {
    return std::tie(program, bar, tier) < std::tie(o.program, o.bar, o.tier);
  }
};

struct TierFigures {
  Metric metric = Metric::kSpend;
  int64_t threshold = 0;
  std::string threshold_day;  // of the latest order that reached it: its threshold is shown
  int64_t reached = 0;
  int64_t sales_reached = 0;
};

void write_cost(JsonWriter& w, const MoneyText& money, const RewardCost& cost) {
  w.key("rewards").begin_object();
  money.write(w, "gifts", cost.gifts);
  money.write(w, "gift_cards", cost.gift_cards);
  money.write(w, "free_shipping", cost.free_shipping);
  money.write(w, "order_discounts", cost.order_discounts);
  w.end_object();
}

void add_cost(RewardCost& to, const RewardCost& cost) {
  to.gifts += cost.gifts;
  to.gift_cards += cost.gift_cards;
  to.free_shipping += cost.free_shipping;
  to.order_discounts += cost.order_discounts;
}

}  // namespace

std::optional<Period> parse_period(std::string_view name) {
  if (name == "day") return Period::kDay;
  if (name == "week") return Period::kWeek;
  if (name == "month") return Period::kMonth;
  return std::nullopt;
}

std::string_view period_name(Period period) {
  switch (period) {
    case Period::kDay:
      return "day";
    case Period::kWeek:
      return "week";
    case Period::kMonth:
      return "month";
  }
  return "day";
}

bool is_day(std::string_view text) { return parse_day(text).has_value(); }

std::string period_start(std::string_view day, Period period) {
  const auto days = parse_day(day);
  if (!days) return std::string(day);
  switch (period) {
    case Period::kDay:
      return std::string(day);
    case Period::kWeek: {
      // 1970-01-01 was a Thursday: (days + 3) mod 7 is 0 on a Monday.
      const int64_t since_monday = ((*days + 3) % 7 + 7) % 7;
      return format_day(*days - since_monday);
    }
    case Period::kMonth:
      return std::string(day.substr(0, 8)) + "01";
  }
  return std::string(day);
}

Result<std::string> report_json(const std::vector<ReportOrder>& orders,
                                const ReportRequest& request) {
  const auto from = parse_day(request.from);
  const auto to = parse_day(request.to);
  if (!from) return make_error("invalid_value", "from is not a day YYYY-MM-DD", "from");
  if (!to) return make_error("invalid_value", "to is not a day YYYY-MM-DD", "to");
  if (*to < *from) return make_error("invalid_value", "to is before from", "to");

  // Every period of the range, empty ones too, so that a chart's time axis has no holes.
  std::vector<std::string> starts;
  for (int64_t day = *from; day <= *to; ++day) {
    std::string start = period_start(format_day(day), request.period);
    if (starts.empty() || starts.back() != start) starts.push_back(std::move(start));
    if (static_cast<int64_t>(starts.size()) > kMaxPeriods) {
      return make_error("too_many",
                        "at most 400 periods: choose a longer period or a shorter range", "period");
    }
  }

  std::string currency = request.currency;
  if (currency.empty()) {
    for (const auto& order : orders) {
      if (!order.figures.currency.empty()) {
        currency = order.figures.currency;
        break;
      }
    }
  }
  const int minor = minor_units(currency).value_or(2);
  const MoneyText money(
      minor, request.money_format.empty() ? default_money_format(currency) : request.money_format);

  Totals totals;
  std::map<std::string, Totals> by_period;
  std::map<std::pair<std::string, TierKey>, int64_t> reached_by_period;
  std::map<TierKey, TierFigures> tiers;
  std::map<std::string, int64_t> reasons;
  std::map<std::string, std::map<std::string, ArmTally>> tests;
  std::vector<int64_t> subtotals;
  int64_t cancelled = 0, refunded_orders = 0, refunded = 0, left_out = 0;

  for (const ReportOrder& order : orders) {
    const OrderFigures& f = order.figures;
    const auto day = parse_day(f.day);
    if (!day || *day < *from || *day > *to || f.currency != currency) {
      ++left_out;
      continue;
    }
    // A cancelled order, or one refunded in full, is not a sale: it leaves every figure
    // (docs/analytics.md, "Refunds and cancellations").
    if (order.cancelled) {
      ++cancelled;
      continue;
    }
    const int64_t net = std::max<int64_t>(0, f.subtotal - order.refunded);
    if (order.refunded > 0) {
      ++refunded_orders;
      refunded += std::min(order.refunded, f.subtotal);
    }
    if (net == 0 && f.subtotal > 0) continue;
    Totals& period = by_period[period_start(f.day, request.period)];
    for (Totals* t : {&totals, &period}) {
      ++t->orders;
      t->sales += net;
      add_cost(t->cost, f.cost);
      t->flagged += f.flagged ? 1 : 0;
    }
    for (const auto& reason : f.reasons) ++reasons[reason];
    subtotals.push_back(net);
    if (!f.experiment.empty() && !f.arm.empty()) {
      ArmTally& arm = tests[f.experiment][f.arm];
      ++arm.orders;
      arm.sales += net;
      arm.cost += f.cost.total();
      arm.subtotal.add(static_cast<double>(net));
      arm.value.add(static_cast<double>(net - f.cost.total()));
    }
    for (const TierReached& reached : f.tiers) {
      const TierKey key{reached.program_id, reached.bar_id, reached.tier_id};
      TierFigures& tier = tiers[key];
      // Among reached tiers a key appears once per order: a program is judged once.
      ++tier.reached;
      tier.sales_reached += net;
      if (f.day >= tier.threshold_day) {
        tier.threshold_day = f.day;
        tier.threshold = reached.threshold;
        tier.metric = reached.metric;
      }
      ++reached_by_period[{period_start(f.day, request.period), key}];
    }
  }

  // A live tier no order reached is a figure too: 0 of the orders.
  for (const TierReached& tier : request.tiers) {
    auto [it, added] = tiers.try_emplace(TierKey{tier.program_id, tier.bar_id, tier.tier_id});
    if (added) {
      it->second.metric = tier.metric;
      it->second.threshold = tier.threshold;
    }
  }

  JsonWriter w(4096 + starts.size() * 256);
  w.begin_object();
  w.field("currency", currency);
  w.field("period", period_name(request.period));
  w.field("from", request.from);
  w.field("to", request.to);
  w.field("orders", totals.orders);
  money.write(w, "sales", totals.sales);
  money.write(w, "aov", rounded_ratio(totals.sales, totals.orders));
  money.write(w, "rewards_cost", totals.cost.total());
  money.write(w, "cost_per_order", rounded_ratio(totals.cost.total(), totals.orders));
  write_cost(w, money, totals.cost);
  w.field("flagged", totals.flagged);
  w.key("reasons").begin_array();
  for (const auto& [reason, count] : reasons) {
    w.begin_object().field("reason", reason).field("orders", count).end_object();
  }
  w.end_array();
  w.field("cancelled", cancelled);
  w.field("refunded_orders", refunded_orders);
  money.write(w, "refunded", refunded);
  w.field("left_out", left_out);
  write_experiments(w, money, tests);

  w.key("tiers").begin_array();
  for (const auto& [key, tier] : tiers) {
    const int64_t not_reached = totals.orders - tier.reached;
    w.begin_object();
    w.field("program", key.program).field("bar", key.bar).field("tier", key.tier);
    w.field("metric", tier.metric == Metric::kSpend ? "spend" : "quantity");
    w.field("threshold", tier.threshold);
    w.field("threshold_text", tier.metric == Metric::kSpend ? money.text(tier.threshold)
                                                            : std::to_string(tier.threshold));
    w.field("reached", tier.reached);
    w.field("share_bp", share_bp(tier.reached, totals.orders));
    money.write(w, "aov_reached", rounded_ratio(tier.sales_reached, tier.reached));
    money.write(w, "aov_not_reached",
                rounded_ratio(totals.sales - tier.sales_reached, not_reached));
    w.end_object();
  }
  w.end_array();

  w.key("periods").begin_array();
  for (const std::string& start : starts) {
    const auto found = by_period.find(start);
    const Totals period = found == by_period.end() ? Totals{} : found->second;
    w.begin_object();
    w.field("start", start);
    w.field("orders", period.orders);
    money.write(w, "sales", period.sales);
    money.write(w, "aov", rounded_ratio(period.sales, period.orders));
    money.write(w, "rewards_cost", period.cost.total());
    w.field("flagged", period.flagged);
    w.key("tiers").begin_array();
    for (const auto& [key, tier] : tiers) {
      const auto reached = reached_by_period.find({start, key});
      const int64_t count = reached == reached_by_period.end() ? 0 : reached->second;
      w.begin_object();
      w.field("program", key.program).field("bar", key.bar).field("tier", key.tier);
      w.field("reached", count);
      w.field("share_bp", share_bp(count, period.orders));
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();

  int64_t top = 0;
  for (const auto& [key, tier] : tiers) {
    if (tier.metric == Metric::kSpend) top = std::max(top, tier.threshold);
  }
  write_subtotals(w, money, std::move(subtotals), top);
  return w.end_object().take();
}

}  // namespace tiercart
