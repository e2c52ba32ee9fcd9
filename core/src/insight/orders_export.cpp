// Shopify's orders CSV export (SHOPIFY.md section 10) read into orders for the what-if: one row
// per line item, order fields on an order's first row, columns found by header name.

#include <algorithm>

#include "json/reader.h"
#include "tiercart/insight.h"
#include "tiercart/money.h"
#include "tiercart/tiercart.h"

namespace tiercart {

namespace {

// The columns the replay reads; the first five are required.
enum Column {
  kName,
  kCurrency,
  kSubtotal,
  kQuantity,
  kPrice,
  kRequired,  // the count of required columns
  kShipping = kRequired,
  kCancelledAt,
  kLineDiscount,
  kLineName,
  kRequiresShipping,
  kShippingCountry,
  kColumns
};

constexpr const char* kColumnNames[kColumns] = {"Name",
                                                "Currency",
                                                "Subtotal",
                                                "Lineitem quantity",
                                                "Lineitem price",
                                                "Shipping",
                                                "Cancelled at",
                                                "Lineitem discount",
                                                "Lineitem name",
                                                "Lineitem requires shipping",
                                                "Shipping Country"};

// Spaces around a field, and a byte order mark before the first header.
std::string_view trimmed(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::optional<Error> OrdersExportReader::failure(const std::string& code,
                                                 const std::string& message, int column) const {
  std::string where = "row " + std::to_string(row_);
  if (column >= 0) where += ", column " + std::string(kColumnNames[column]);
  return make_error(code, where + ": " + message, where);
}

std::optional<Error> OrdersExportReader::header(const std::vector<std::string>& names) {
  columns_.assign(kColumns, -1);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string_view name = trimmed(names[i]);
    for (int c = 0; c < kColumns; ++c) {
      if (columns_[c] < 0 && name == kColumnNames[c]) columns_[c] = static_cast<int>(i);
    }
  }
  for (int c = 0; c < kRequired; ++c) {
    if (columns_[c] < 0) {
      return make_error("missing_column",
                        "row 1: the file has no column \"" + std::string(kColumnNames[c]) +
                            "\": export the orders from Shopify's admin (Orders > Export) as CSV",
                        "row 1, column " + std::string(kColumnNames[c]));
    }
  }
  return std::nullopt;
}

std::optional<Error> OrdersExportReader::row(const std::vector<std::string>& fields) {
  ++row_;
  ++export_.rows;
  if (columns_.empty()) return failure("missing_column", "the header row comes first", -1);
  const auto field = [&](int column) -> std::string_view {
    const int at = columns_[column];
    if (at < 0 || static_cast<std::size_t>(at) >= fields.size()) return {};
    return trimmed(fields[at]);
  };
  // A blank line (a trailing newline, say) is no order.
  if (std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return f.empty(); })) {
    return std::nullopt;
  }
  const std::string_view name = field(kName);
  if (name.empty()) return failure("missing_value", "every row names its order", kName);

  if (skipping_ && name == skipped_name_) return std::nullopt;
  skipping_ = false;
  auto found = std::find_if(open_.rbegin(), open_.rend(),
                            [&](const auto& entry) { return entry.first == name; });
  ExportOrder* order = nullptr;
  if (found != open_.rend()) {
    order = &export_.orders[found->second];
  } else {
    // An order's first row: its order fields.
    if (!field(kCancelledAt).empty()) {
      ++export_.cancelled;
      skipping_ = true;
      skipped_name_ = std::string(name);
      return std::nullopt;
    }
    const std::string currency = detail::upper(field(kCurrency));
    if (currency.empty())
      return failure("missing_value", "an order's first row names its currency", kCurrency);
    if (!minor_units(currency)) {
      return failure("unknown_currency", "\"" + currency + "\" is not an ISO 4217 currency",
                     kCurrency);
    }
    if (export_.currency.empty()) export_.currency = currency;
    if (currency != export_.currency) {
      return failure("mixed_currencies",
                     "this order is in " + currency + " but the file's first order is in " +
                         export_.currency + ": export one currency at a time",
                     kCurrency);
    }
    ExportOrder fresh;
    fresh.name = std::string(name);
    fresh.row = row_;
    fresh.cart.currency = currency;
    fresh.country = detail::upper(field(kShippingCountry));
    for (auto [column, out] : {std::pair<int, int64_t*>{kSubtotal, &fresh.subtotal},
                               std::pair<int, int64_t*>{kShipping, &fresh.shipping}}) {
      const std::string_view text = field(column);
      if (text.empty() && column == kSubtotal) {
        return failure("missing_value", "an order's first row has its subtotal", column);
      }
      if (text.empty()) continue;
      auto amount = parse_decimal_amount(text, currency, "");
      if (!amount || amount.value() < 0) {
        return failure("invalid_amount",
                       "\"" + std::string(text) + "\" is not an amount in " + currency, column);
      }
      *out = amount.value();
    }
    if (open_.size() > 64) open_.erase(open_.begin());  // an order's rows come together
    open_.emplace_back(fresh.name, export_.orders.size());
    export_.orders.push_back(std::move(fresh));
    order = &export_.orders.back();
  }

  if (order->cart.items.size() >= kMaxCartLines) {
    return failure("too_many", "an order has at most " + std::to_string(kMaxCartLines) + " lines",
                   kName);
  }
  CartLine line;
  const std::string_view quantity = field(kQuantity);
  int64_t units = 0;
  bool digits = !quantity.empty() && quantity.size() <= 9;
  for (char c : quantity) {
    digits = digits && c >= '0' && c <= '9';
    if (digits) units = units * 10 + (c - '0');
  }
  if (!digits) {
    return failure("invalid_value", "\"" + std::string(quantity) + "\" is not a quantity",
                   kQuantity);
  }
  line.quantity = units;
  const std::string_view price = field(kPrice);
  auto amount = parse_decimal_amount(price, order->cart.currency, "");
  if (!amount || amount.value() < 0) {
    return failure("invalid_amount",
                   "\"" + std::string(price) + "\" is not an amount in " + order->cart.currency,
                   kPrice);
  }
  line.price = amount.value();
  if (line.price > kMaxAmount / std::max<int64_t>(1, units)) {
    return failure("out_of_range", "price x quantity is too large", kPrice);
  }
  line.original_line_price = line.price * units;
  int64_t discount = 0;
  if (const std::string_view text = field(kLineDiscount); !text.empty()) {
    auto parsed = parse_decimal_amount(text, order->cart.currency, "");
    if (!parsed || parsed.value() < 0) {
      return failure("invalid_amount", "\"" + std::string(text) + "\" is not an amount",
                     kLineDiscount);
    }
    discount = std::min(parsed.value(), line.original_line_price);
  }
  line.final_line_price = line.original_line_price - discount;
  line.requires_shipping = field(kRequiresShipping) != "false";
  line.title = std::string(field(kLineName));
  order->cart.items.push_back(std::move(line));
  return std::nullopt;
}

OrdersExport OrdersExportReader::finish() {
  // The order's Subtotal is after every discount: what the lines leave above it is the
  // order-level discount, spread over the lines as checkout spreads it.
  for (ExportOrder& order : export_.orders) {
    int64_t lines = 0;
    for (const CartLine& line : order.cart.items) lines += line.final_line_price;
    order.cart.cart_level_discount = std::max<int64_t>(0, lines - order.subtotal);
  }
  open_.clear();
  return std::move(export_);
}

}  // namespace tiercart
