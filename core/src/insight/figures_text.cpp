// How the report and the what-if write their figures (figures_text.h).

#include "insight/figures_text.h"

#include <algorithm>

namespace tiercart::detail {

namespace {

// About this many bars up to the 95th percentile, never more than kMaxBuckets.
constexpr int64_t kTargetBuckets = 20;
constexpr int64_t kMaxBuckets = 40;

// A width of 1, 2 or 5 times a power of ten, at least `at_least` and one whole unit.
int64_t nice_width(int64_t at_least, int minor_units) {
  int64_t unit = 1;
  for (int i = 0; i < minor_units; ++i) unit *= 10;
  at_least = std::max(at_least, unit);
  for (int64_t power = 1;; power *= 10) {
    for (int64_t step : {1, 2, 5}) {
      if (step * power >= at_least) return step * power;
    }
    if (power > kMaxAmount / 10) return kMaxAmount;
  }
}

}  // namespace

int64_t rounded_ratio(int64_t numerator, int64_t denominator) {
  if (denominator <= 0) return 0;
  return (numerator + denominator / 2) / denominator;
}

int64_t share_bp(int64_t part, int64_t whole) { return rounded_ratio(part * 10000, whole); }

int64_t discounted_units_cost(const EarnedReward& reward, const Cart& cart) {
  int64_t full = 0;
  for (const auto& units : reward.discounted) {
    if (units.line < 1 || static_cast<std::size_t>(units.line) > cart.items.size()) continue;
    full += cart.items[static_cast<std::size_t>(units.line - 1)].price * units.quantity;
  }
  return rounded_ratio(full * reward.percent, 100);
}

void MoneyText::write(JsonWriter& w, std::string_view key, int64_t amount) const {
  w.key(key).begin_object();
  w.field("amount", amount);
  w.field("text", text(amount));
  w.end_object();
}

void write_subtotals(JsonWriter& w, const MoneyText& money, std::vector<int64_t> subtotals,
                     int64_t top) {
  // The thresholds are drawn on these bars: a bunching just above one is the nudge working.
  std::sort(subtotals.begin(), subtotals.end());
  const int64_t p95 = subtotals.empty() ? 0 : subtotals[(subtotals.size() - 1) * 95 / 100];
  top = std::max(top, p95);
  const int64_t width =
      nice_width((top + kTargetBuckets - 1) / kTargetBuckets, money.minor_units());
  const int64_t largest = subtotals.empty() ? 0 : subtotals.back();
  const int64_t buckets = std::min(kMaxBuckets, largest / width + 1);
  std::vector<int64_t> counts(static_cast<std::size_t>(buckets), 0);
  for (int64_t subtotal : subtotals) {
    ++counts[static_cast<std::size_t>(std::min(buckets - 1, subtotal / width))];
  }
  w.key("subtotals").begin_object();
  money.write(w, "width", width);
  w.key("buckets").begin_array();
  for (int64_t i = 0; i < buckets; ++i) {
    const bool open = i == buckets - 1 && largest >= buckets * width;
    w.begin_object();
    money.write(w, "from", i * width);
    if (open) {
      w.key("to").null();
    } else {
      money.write(w, "to", (i + 1) * width);
    }
    w.field("orders", counts[static_cast<std::size_t>(i)]);
    w.end_object();
  }
  w.end_array().end_object();
}

}  // namespace tiercart::detail
