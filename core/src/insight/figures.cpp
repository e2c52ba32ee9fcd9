// What one judged order contributes to the merchant's figures (tiercart/insight.h), and the
// later refunds and cancellations that change it. The money read here is Shopify's shop_money:
// an order paid in another currency is counted at the rate it was paid at.

#include <algorithm>

#include "insight/figures_text.h"
#include "json/reader.h"
#include "money/int128.h"
#include "tiercart/evaluate.h"
#include "tiercart/insight.h"
#include "tiercart/json_writer.h"
#include "tiercart/money.h"
#include "tiercart/time.h"

namespace tiercart {

using detail::index_path;
using detail::key_path;
using detail::ObjectReader;
using detail::Value;

namespace {

// `<field>_set.<which>.amount` of a REST object, or nothing when the set is absent.
std::optional<std::string> set_amount(ObjectReader& r, std::string_view field,
                                      std::string_view which, std::string& path) {
  const std::string set_key = std::string(field) + "_set";
  const Value* set = r.object(set_key);
  if (!set) return std::nullopt;
  ObjectReader s(*set, r, set_key);
  const Value* money = s.object(which);
  if (!money) return std::nullopt;
  ObjectReader m(*money, s, which);
  auto amount = m.string("amount");
  path = key_path(m.path(), "amount");
  if (m.failed()) r.adopt(m.error());
  if (s.failed()) r.adopt(s.error());
  return amount;
}

// `text` (read at `path`) as minor units of `currency`; a bad amount fails `r`.
std::optional<int64_t> amount_of(ObjectReader& r, const std::optional<std::string>& text,
                                 const std::string& path, const std::string& currency) {
  if (!text || r.failed()) return std::nullopt;
  auto amount = parse_decimal_amount(*text, currency, path);
  if (!amount) {
    r.adopt(amount.error());
    return std::nullopt;
  }
  return amount.value();
}

// A money field in the shop currency: `<field>_set.shop_money.amount`, else the plain field
// (REST writes plain amounts in the shop currency). Nothing when neither is there.
std::optional<int64_t> shop_amount(ObjectReader& r, std::string_view field,
                                   const std::string& currency) {
  std::string path;
  auto text = set_amount(r, field, "shop_money", path);
  if (!text && !r.failed()) {
    text = r.string(field);
    path = r.path_of(field);
  }
  return amount_of(r, text, path, currency);
}

std::optional<int64_t> presentment_amount(ObjectReader& r, std::string_view field,
                                          const std::string& currency) {
  std::string path;
  auto text = set_amount(r, field, "presentment_money", path);
  return amount_of(r, text, path, currency);
}

bool is_gift_line(const Value& line) {
  const Value* properties = line.find("properties");
  if (!properties) return false;
  if (properties->is_object()) return properties->find(kGiftProperty) != nullptr;
  if (!properties->is_array()) return false;
  for (const Value& property : *properties) {
    const Value* name = property.is_object() ? property.find("name") : nullptr;
    if (name && name->is_string() && name->text() == kGiftProperty) return true;
  }
  return false;
}

// Presentment minor units to the shop currency at the order's own rate (its shop and
// presentment subtotals), halves away from zero.
int64_t at_order_rate(int64_t amount, int64_t shop_subtotal, int64_t presentment_subtotal) {
  if (presentment_subtotal <= 0) return 0;
  const detail::Int128 scaled = static_cast<detail::Int128>(amount) * shop_subtotal;
  const detail::Int128 half = presentment_subtotal / 2;
  return static_cast<int64_t>((scaled + half) / presentment_subtotal);
}

void add_reason(std::vector<std::string>& reasons, const std::string& reason) {
  if (reason.empty()) return;
  if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end()) {
    reasons.push_back(reason);
  }
}

// The order's money as the figures count it.
struct ShopMoney {
  std::string currency;
  std::string day;
  int64_t subtotal = 0;
  int64_t presentment_subtotal = 0;
  int64_t gifts = 0;
  int64_t shipping_discount = 0;
};

Result<ShopMoney> read_shop_money(std::string_view order_json, const Order& order) {
  auto doc = detail::parse_document(order_json, "order");
  if (!doc) return doc.error();
  ObjectReader r(doc.value().root(), "$", "order");
  ShopMoney money;
  money.currency = detail::upper(r.string("currency", /*required=*/true).value_or(""));
  if (r.failed()) return r.error();
  if (auto known = require_currency(money.currency, "$.currency"); !known) return known.error();
  if (auto created = r.string("created_at")) {
    if (auto time = parse_time(*created, "$.created_at"); !time) return time.error();
    money.day = created->substr(0, 10);
  } else if (!r.failed()) {
    return make_error("missing_field", "order: created_at is required for the figures",
                      "$.created_at");
  }
  const auto subtotal = shop_amount(r, "subtotal_price", money.currency);
  const auto presentment = presentment_amount(r, "subtotal_price", order.cart.currency);
  if (r.failed()) return r.error();
  int64_t lines_subtotal = 0;
  for (const CartLine& line : order.cart.items) lines_subtotal += line.final_line_price;
  lines_subtotal = std::max<int64_t>(0, lines_subtotal - order.cart.cart_level_discount);
  money.presentment_subtotal = presentment.value_or(lines_subtotal);
  if (subtotal) {
    money.subtotal = *subtotal;
  } else if (order.cart.currency == money.currency) {
    money.subtotal = lines_subtotal;
  } else {
    return make_error("missing_field",
                      "order: subtotal_price_set.shop_money is needed to count an order paid in " +
                          order.cart.currency + " in " + money.currency,
                      "$.subtotal_price_set");
  }
  if (const Value* items = r.array("line_items")) {
    for (std::size_t i = 0; i < items->size(); ++i) {
      const Value& item = (*items)[i];
      if (!is_gift_line(item)) continue;
      ObjectReader li(item, "$.line_items", i, "order");
      const auto price = shop_amount(li, "price", money.currency);
      const auto quantity = li.integer_in("quantity", 0, kMaxAmount).value_or(0);
      if (li.failed()) return li.error();
      money.gifts += price.value_or(0) * quantity;
      if (money.gifts > kMaxAmount) {
        return make_error("out_of_range", "order: gift lines are worth too much",
                          index_path("$.line_items", i));
      }
    }
  }
  if (const Value* shipping = r.array("shipping_lines")) {
    for (std::size_t i = 0; i < shipping->size(); ++i) {
      ObjectReader sl((*shipping)[i], "$.shipping_lines", i, "order");
      if (const Value* allocations = sl.array("discount_allocations")) {
        const std::string base = key_path(sl.path(), "discount_allocations");
        for (std::size_t a = 0; a < allocations->size(); ++a) {
          ObjectReader ar((*allocations)[a], base, a, "order");
          money.shipping_discount += shop_amount(ar, "amount", money.currency).value_or(0);
          if (ar.failed()) return ar.error();
        }
      }
      if (sl.failed()) return sl.error();
      if (money.shipping_discount > kMaxAmount) {
        return make_error("out_of_range", "order: shipping discounts are too large",
                          index_path("$.shipping_lines", i));
      }
    }
  }
  if (r.failed()) return r.error();
  return money;
}

const Tier* find_tier(const Program& program, const std::string& bar_id,
                      const std::string& tier_id) {
  for (const Bar& bar : program.bars) {
    if (bar.id != bar_id) continue;
    for (const Tier& tier : bar.tiers) {
      if (tier.id == tier_id) return &tier;
    }
  }
  return nullptr;
}

}  // namespace

Result<OrderFigures> order_figures(std::string_view order_json, const Order& order,
                                   const OrderVerdict& verdict,
                                   const std::vector<std::shared_ptr<const Program>>& programs,
                                   const Context& context) {
  auto money = read_shop_money(order_json, order);
  if (!money) return money.error();
  const ShopMoney& m = money.value();
  OrderFigures figures;
  figures.order_id = order.id;
  figures.day = m.day;
  figures.currency = m.currency;
  figures.subtotal = m.subtotal;
  figures.cost.gifts = m.gifts;
  const bool same_currency = order.cart.currency == m.currency;
  const auto to_shop = [&](int64_t amount) {
    return same_currency ? amount : at_order_rate(amount, m.subtotal, m.presentment_subtotal);
  };
  const Context judged = with_order(for_currency(context, order.cart.currency), order);
  bool free_shipping = false;
  for (const auto& program : programs) {
    if (!program) continue;
    if (program->experiment && figures.experiment.empty()) {
      figures.experiment = program->experiment->id;
      figures.arm = arm_of(*program, order.cart.arm_key);
    }
    auto evaluation = evaluate(*program, order.cart, judged);
    // A program that cannot measure this order (a currency it has no rate for) reached
    // nothing; the verdict says why when the order claimed something of it.
    if (!evaluation) continue;
    for (const BarStatus& bar : evaluation.value().bars) {
      for (const TierStatus& status : bar.tiers) {
        if (!status.unlocked || status.availability != Availability::kAvailable) continue;
        const Tier* tier = find_tier(*program, bar.id, status.id);
        if (!tier) continue;
        figures.tiers.push_back({program->id, bar.id, status.id, bar.metric, tier->threshold});
      }
    }
    for (const EarnedReward& reward : evaluation.value().rewards) {
      const Tier* tier = find_tier(*program, reward.bar_id, reward.tier_id);
      if (reward.type == RewardType::kFreeShipping) {
        free_shipping = true;
      } else if (reward.type == RewardType::kGiftCard) {
        figures.cost.gift_cards +=
            reward.currency == m.currency || !tier ? to_shop(reward.amount) : tier->reward.amount;
      } else if (reward.type == RewardType::kOrderDiscount && reward.percent > 0) {
        // The subtotal is after the discount: the base it was taken from is subtotal x
        // 100 / (100 - percent), and the discount that base x percent / 100.
        const int64_t rest = 100 - reward.percent;
        figures.cost.order_discounts +=
            rest <= 0 ? 0 : (m.subtotal * reward.percent + rest / 2) / rest;
      } else if (reward.type == RewardType::kOrderDiscount) {
        figures.cost.order_discounts += to_shop(reward.amount);
      } else if (reward.type == RewardType::kBuyXGetY) {
        // Units of the order's own lines; units added as gift lines are counted as gifts.
        figures.cost.order_discounts += to_shop(detail::discounted_units_cost(reward, order.cart));
      }
    }
  }
  if (free_shipping) figures.cost.free_shipping = m.shipping_discount;
  figures.flagged = !verdict.earned;
  for (const Verdict& v : verdict.verdicts) {
    if (v.error) add_reason(figures.reasons, v.error->code);
    for (const LineVerdict& line : v.lines) {
      if (!line.earned) add_reason(figures.reasons, line.reason);
    }
  }
  return figures;
}

std::string to_json(const OrderFigures& figures) {
  JsonWriter w(256 + 96 * figures.tiers.size());
  w.begin_object();
  w.field("order_id", figures.order_id);
  w.field("day", figures.day);
  w.field("currency", figures.currency);
  w.field("subtotal", figures.subtotal);
  w.key("tiers").begin_array();
  for (const TierReached& tier : figures.tiers) {
    w.begin_object();
    w.field("program", tier.program_id);
    w.field("bar", tier.bar_id);
    w.field("tier", tier.tier_id);
    w.field("metric", tier.metric == Metric::kSpend ? "spend" : "quantity");
    w.field("threshold", tier.threshold);
    w.end_object();
  }
  w.end_array();
  w.key("cost").begin_object();
  w.field("gifts", figures.cost.gifts);
  w.field("gift_cards", figures.cost.gift_cards);
  w.field("free_shipping", figures.cost.free_shipping);
  w.field("order_discounts", figures.cost.order_discounts);
  w.end_object();
  w.field("flagged", figures.flagged);
  w.key("reasons").begin_array();
  for (const auto& reason : figures.reasons) w.text(reason);
  w.end_array();
  if (!figures.experiment.empty()) {
    w.field("experiment", figures.experiment).field("arm", figures.arm);
  }
  return w.end_object().take();
}

Result<OrderFigures> parse_order_figures(std::string_view text) {
  auto doc = detail::parse_document(text, "figures");
  if (!doc) return doc.error();
  ObjectReader r(doc.value().root(), "$", "figures");
  OrderFigures f;
  f.order_id = r.integer_in("order_id", 0, INT64_MAX, true).value_or(0);
  f.day = r.string("day", true).value_or("");
  f.currency = r.string("currency", true).value_or("");
  f.subtotal = r.integer_in("subtotal", 0, kMaxAmount, true).value_or(0);
  if (const Value* tiers = r.array("tiers", true)) {
    for (std::size_t i = 0; i < tiers->size() && !r.failed(); ++i) {
      ObjectReader t((*tiers)[i], "$.tiers", i, "figures");
      TierReached tier;
      tier.program_id = t.string("program", true).value_or("");
      tier.bar_id = t.string("bar", true).value_or("");
      tier.tier_id = t.string("tier", true).value_or("");
      tier.metric =
          t.string("metric").value_or("spend") == "quantity" ? Metric::kQuantity : Metric::kSpend;
      tier.threshold = t.integer_in("threshold", 0, kMaxAmount, true).value_or(0);
      if (t.failed()) return t.error();
      f.tiers.push_back(std::move(tier));
    }
  }
  if (const Value* cost = r.object("cost", true)) {
    ObjectReader c(*cost, r, "cost");
    f.cost.gifts = c.integer_in("gifts", 0, kMaxAmount).value_or(0);
    f.cost.gift_cards = c.integer_in("gift_cards", 0, kMaxAmount).value_or(0);
    f.cost.free_shipping = c.integer_in("free_shipping", 0, kMaxAmount).value_or(0);
    f.cost.order_discounts = c.integer_in("order_discounts", 0, kMaxAmount).value_or(0);
    if (c.failed()) return c.error();
  }
  f.flagged = r.boolean("flagged").value_or(false);
  f.reasons = r.strings("reasons");
  f.experiment = r.string("experiment").value_or("");
  f.arm = r.string("arm").value_or("");
  if (r.failed()) return r.error();
  if (!is_day(f.day)) return make_error("invalid_value", "not a day YYYY-MM-DD", "$.day");
  return f;
}

Result<OrderAdjustment> parse_refund(std::string_view text) {
  auto doc = detail::parse_document(text, "refund");
  if (!doc) return doc.error();
  ObjectReader r(doc.value().root(), "$", "refund");
  OrderAdjustment adjustment;
  const int64_t id = r.integer_in("id", 1, INT64_MAX, true).value_or(0);
  adjustment.order_id = r.integer_in("order_id", 1, INT64_MAX, true).value_or(0);
  adjustment.key = "refund:" + std::to_string(id);
  if (r.failed()) return r.error();
  if (const Value* lines = r.array("refund_line_items")) {
    for (std::size_t i = 0; i < lines->size(); ++i) {
      ObjectReader li((*lines)[i], "$.refund_line_items", i, "refund");
      // The refund's amounts carry no currency of their own: the set names it, and the
      // plain field is the shop's.
      std::string path;
      std::optional<std::string> currency;
      if (const Value* set = li.object("subtotal_set")) {
        ObjectReader s(*set, li, "subtotal_set");
        if (const Value* money = s.object("shop_money", true)) {
          ObjectReader mr(*money, s, "shop_money");
          currency = mr.string("currency_code", true);
          if (mr.failed()) return mr.error();
        }
        if (s.failed()) return s.error();
      }
      if (li.failed()) return li.error();
      if (!currency) {
        return make_error("missing_field",
                          "refund: subtotal_set.shop_money names the refund's currency",
                          key_path(index_path("$.refund_line_items", i), "subtotal_set"));
      }
      const auto amount = shop_amount(li, "subtotal", detail::upper(*currency));
      if (li.failed()) return li.error();
      adjustment.refunded += amount.value_or(0);
      if (adjustment.refunded > kMaxAmount) {
        return make_error("out_of_range", "refund: too large", "$.refund_line_items");
      }
    }
  }
  if (r.failed()) return r.error();
  return adjustment;
}

Result<std::optional<OrderAdjustment>> parse_cancellation(std::string_view text) {
  auto doc = detail::parse_document(text, "order");
  if (!doc) return doc.error();
  ObjectReader r(doc.value().root(), "$", "order");
  const int64_t id = r.integer_in("id", 1, INT64_MAX, true).value_or(0);
  const auto cancelled = detail::read_time(r, "cancelled_at");
  if (r.failed()) return r.error();
  if (!cancelled) return std::optional<OrderAdjustment>();
  OrderAdjustment adjustment;
  adjustment.order_id = id;
  adjustment.key = "cancel:" + std::to_string(id);
  adjustment.cancelled = true;
  return std::optional<OrderAdjustment>(std::move(adjustment));
}

}  // namespace tiercart
