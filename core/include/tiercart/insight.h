// The merchant's figures: what the rewards earned and what they cost (docs/analytics.md).
//
// Each judged order leaves one OrderFigures, made by the core when the order is judged and
// stored with its verdict: its subtotal in the shop currency, the tiers it reached, the rewards
// it was given at their cost, and whether it was flagged. Refunds and cancellations arrive
// later as OrderAdjustments. summarize() turns a period's figures into the report the embedded
// admin draws and the analytics API answers with. Amounts stay integers in minor units of the
// shop currency; averages and shares are rounded here, once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tiercart/cart.h"
#include "tiercart/judge.h"
#include "tiercart/program.h"
#include "tiercart/result.h"

namespace tiercart {

// A tier an order reached: its bar's measure was at or over the tier's threshold, and the
// tier was open to the shopper (schedule, eligibility) when the order was placed.
struct TierReached {
  std::string program_id;
  std::string bar_id;
  std::string tier_id;
  Metric metric = Metric::kSpend;
  int64_t threshold = 0;  // minor units of the shop currency (spend) or units (quantity)
};

// What the rewards an order was given cost the merchant, in minor units of the shop currency.
struct RewardCost {
  int64_t gifts = 0;          // gift lines (a _tiercart property): units at their price
  int64_t gift_cards = 0;     // gift_card tiers reached: their amount
  int64_t free_shipping = 0;  // the shipping discounted, when a free_shipping tier was reached
  // order_discount tiers reached: the discount they give; buy_x_get_y: the units it took off
  // the order's own lines (units added as gift lines are counted in `gifts`)
  int64_t order_discounts = 0;
  int64_t total() const { return gifts + gift_cards + free_shipping + order_discounts; }
};

struct OrderFigures {
  int64_t order_id = 0;
  // The day the order was placed where the shop is: the date of its created_at as Shopify
  // writes it, in the shop's offset ("2026-11-21T23:10:00-05:00" is 2026-11-21). "YYYY-MM-DD".
  std::string day;
  std::string currency;  // the shop currency
  // After discounts, before shipping and taxes, in the shop currency: an order paid in another
  // currency is counted at its own rate (Shopify's shop_money amounts), not today's.
  int64_t subtotal = 0;
  std::vector<TierReached> tiers;
  RewardCost cost;
  bool flagged = false;              // a claim did not hold, or the order could not be judged
  std::vector<std::string> reasons;  // why it was flagged: reason codes, each once
  // The A/B test the order was in (a live program's experiment) and its arm, from the order's
  // cart_token: never from what checkout was told. Empty: none.
  std::string experiment;
  std::string arm;
};

// The figures of an orders/create payload, judged as `verdict`. `programs` are the ones whose
// tiers count: the versions the verdict judged and the shop's active programs (the caller
// passes each program once). `context` is the shop's, as the verdict was judged with it.
// Errors: the order's own (parse_order), "unknown_currency", "invalid_time".
Result<OrderFigures> order_figures(std::string_view order_json, const Order& order,
                                   const OrderVerdict& verdict,
                                   const std::vector<std::shared_ptr<const Program>>& programs,
                                   const Context& context);

std::string to_json(const OrderFigures& figures);
Result<OrderFigures> parse_order_figures(std::string_view text);

// A later change to an order that the figures follow (docs/analytics.md, "Refunds and
// cancellations").
struct OrderAdjustment {
  int64_t order_id = 0;
  std::string key;         // unique per shop: "refund:<refund id>" or "cancel:<order id>"
  int64_t refunded = 0;    // refunds/create: the refunded line items' subtotal, shop currency
  bool cancelled = false;  // orders/updated (or orders/cancelled) with cancelled_at set
};

// A refunds/create payload: its id, order and refunded subtotal (refund_line_items'
// subtotal_set.shop_money, or subtotal). Errors at the JSON path.
Result<OrderAdjustment> parse_refund(std::string_view text);
// An orders/updated (or orders/cancelled) payload: cancelled when cancelled_at is set;
// nothing when the order is not cancelled.
Result<std::optional<OrderAdjustment>> parse_cancellation(std::string_view text);

enum class Period { kDay, kWeek, kMonth };
std::optional<Period> parse_period(std::string_view name);  // "day" | "week" | "month"
std::string_view period_name(Period period);
// The first day of the period holding `day` ("YYYY-MM-DD"): weeks start on Monday (ISO 8601).
std::string period_start(std::string_view day, Period period);
// Whether `text` is a real calendar date "YYYY-MM-DD".
bool is_day(std::string_view text);

// One order as the report counts it: its figures and what happened to it since.
struct ReportOrder {
  OrderFigures figures;
  int64_t refunded = 0;  // sum of its refunds, shop currency
  bool cancelled = false;
};

struct ReportRequest {
  Period period = Period::kDay;
  std::string from;          // first day, "YYYY-MM-DD" (the shop's days)
  std::string to;            // last day, included
  std::string currency;      // the shop currency; taken from the orders when empty
  std::string money_format;  // the shop's; a default for the currency when empty
  // The live programs' tiers: listed (and drawn on the subtotal chart) even when no order of
  // the period reached them. Their thresholds stand for tiers no order reached.
  std::vector<TierReached> tiers;
};

// The report over the orders of [from, to] (docs/analytics.md, "The report"). Orders of other
// days or another currency than the report's are left out (counted in "left_out"). Errors:
// "invalid_value" (a day that is not one, to before from), "too_many" (over 400 periods).
Result<std::string> report_json(const std::vector<ReportOrder>& orders,
                                const ReportRequest& request);

// What-if: a program replayed over the shop's past orders, as Shopify's orders CSV export holds
// them (docs/analytics.md, "What-if").

// One order of the export in the cart's shape: its lines at their prices and discounts, with
// the order's subtotal kept as its after-discount total.
struct ExportOrder {
  std::string name;      // Name: "#1001"
  int64_t row = 0;       // its first row in the file (the header is row 1)
  std::string country;   // Shipping Country, upper case; may be empty
  int64_t subtotal = 0;  // Subtotal, minor units of the file's currency
  int64_t shipping = 0;  // Shipping
  Cart cart;
};

struct OrdersExport {
  std::string currency;  // every order's
  std::vector<ExportOrder> orders;
  int64_t cancelled = 0;  // orders left out: Cancelled at is set
  int64_t rows = 0;       // data rows read
};

// Reads an export whose rows are already split into fields (orders_csv.h splits a file).
// Columns are found by their header name, in any order; the rows of an order share its Name,
// and its order fields are on its first row. Every error names the row and the column
// ("row 14, column Lineitem price") in its path. Nothing is kept from a file with an error.
class OrdersExportReader {
 public:
  // The header row. Error "missing_column" when a column the replay needs is absent (a file
  // that is not an orders export fails here).
  std::optional<Error> header(const std::vector<std::string>& names);
  // The next data row. Errors: "invalid_amount", "invalid_value", "missing_value",
  // "mixed_currencies", "too_many" (over kMaxCartLines lines in an order).
  std::optional<Error> row(const std::vector<std::string>& fields);
  OrdersExport finish();

 private:
  std::optional<Error> failure(const std::string& code, const std::string& message,
                               int column) const;
  std::vector<int> columns_;  // field index of each column the reader knows, -1: absent
  OrdersExport export_;
  // The latest orders' Names and indexes in export_.orders: an order's rows come together.
  std::vector<std::pair<std::string, std::size_t>> open_;
  int64_t row_ = 1;
  bool skipping_ = false;  // the rows of a cancelled order
  std::string skipped_name_;
};

// The replay of `program` over `orders` with the same evaluation as the drawer and checkout:
// orders, AOV, and for each bar and tier its threshold, the orders reaching it, their share,
// the rewards' cost and the orders within 10% below it; proposed thresholds and their rule;
// the subtotal distribution. Schedules are not applied (the export is the past). Errors as
// evaluate()'s ("missing_rate" for a file in another currency than the program's without a
// rate in `context`).
Result<std::string> what_if_json(const Program& program, const OrdersExport& orders,
                                 const Context& context);

}  // namespace tiercart
