// Private to insight/: how the report and the what-if write money, averages, shares and the
// subtotal distribution, so that both say them alike.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tiercart/cart.h"
#include "tiercart/evaluate.h"
#include "tiercart/json_writer.h"
#include "tiercart/money.h"

namespace tiercart::detail {

// numerator / denominator, halves up; 0 when there is nothing to divide by.
int64_t rounded_ratio(int64_t numerator, int64_t denominator);
// part of whole in basis points (7500 is 75%).
int64_t share_bp(int64_t part, int64_t whole);

// What a buy_x_get_y reward takes off the cart's own lines it discounts: their unit price x
// the units got x its percent, in the cart's currency (units added as gift lines are counted
// as gifts instead).
int64_t discounted_units_cost(const EarnedReward& reward, const Cart& cart);

// Amounts of one currency as {"amount": minor units, "text": formatted by the core}.
class MoneyText {
 public:
  MoneyText(int minor_units, std::string format)
      : minor_units_(minor_units), format_(std::move(format)) {}
  void write(JsonWriter& w, std::string_view key, int64_t amount) const;
  std::string text(int64_t amount) const { return format_money(amount, minor_units_, format_); }
  int minor_units() const { return minor_units_; }

 private:
  int minor_units_;
  std::string format_;
};

// "subtotals": the distribution of `subtotals` in bars of a round width (1, 2 or 5 x 10^n, at
// least one whole unit) reaching the 95th percentile or `top` (the highest spend threshold),
// at most 40 bars, the last one open-ended when larger orders remain.
void write_subtotals(JsonWriter& w, const MoneyText& money, std::vector<int64_t> subtotals,
                     int64_t top);

}  // namespace tiercart::detail
