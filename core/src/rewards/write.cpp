// Value types to JSON, and the JSON-in/JSON-out entry points. Keys keep a fixed order so
// that every build prints the same bytes for the same input.

#include <algorithm>
#include <string_view>

#include "json/reader.h"
#include "tiercart/json_writer.h"
#include "tiercart/judge.h"
#include "tiercart/tiercart.h"

namespace tiercart {

namespace {

const char* metric_name(Metric metric) {
  return metric == Metric::kQuantity ? "quantity" : "spend";
}

const char* availability_name(Availability availability) {
  switch (availability) {
    case Availability::kAvailable:
      return "available";
    case Availability::kNotStarted:
      return "not_started";
    case Availability::kExpired:
      return "expired";
    case Availability::kNotEligible:
      return "not_eligible";
    case Availability::kSignInRequired:
      return "sign_in_required";
  }
  return "available";
}

const char* reward_type_name(RewardType type) {
  switch (type) {
    case RewardType::kFreeGift:
      return "free_gift";
    case RewardType::kFreeShipping:
      return "free_shipping";
    case RewardType::kGiftCard:
      return "gift_card";
    case RewardType::kOrderDiscount:
      return "order_discount";
    case RewardType::kBuyXGetY:
      return "buy_x_get_y";
  }
  return "free_gift";
}

const char* action_type_name(ActionType type) {
  switch (type) {
    case ActionType::kAdd:
      return "add";
    case ActionType::kChange:
      return "change";
    case ActionType::kRemove:
      return "remove";
  }
  return "add";
}

void write_program(JsonWriter& w, const std::string& id, int64_t version) {
  w.key("program").begin_object().field("id", id).field("version", version).end_object();
}

}  // namespace

const char* version() { return TIERCART_VERSION; }

std::string to_json(const Evaluation& evaluation) {
  const int minor = minor_units(evaluation.currency).value_or(2);
  auto money = [&](int64_t amount) { return format_money(amount, minor, evaluation.money_format); };
  JsonWriter w(1024 + 512 * evaluation.bars.size() + 256 * evaluation.actions.size() +
               256 * evaluation.suggestions.size());
  w.begin_object();
  write_program(w, evaluation.program_id, evaluation.program_version);
  if (!evaluation.arm.empty()) w.field("arm", evaluation.arm);
  w.field("currency", evaluation.currency).field("minor_units", minor);
  w.key("bars").begin_array();
  for (const auto& bar : evaluation.bars) {
    const bool spend = bar.metric == Metric::kSpend;
    auto shown = [&](int64_t value) { return spend ? money(value) : std::to_string(value); };
    w.begin_object()
        .field("id", bar.id)
        .field("metric", metric_name(bar.metric))
        .field("qualifying", bar.qualifying)
        .field("qualifying_formatted", shown(bar.qualifying))
        .field("reached_tier", bar.reached_tier)
        .field("next_tier", bar.next_tier)
        .field("remaining", bar.remaining)
        .field("remaining_formatted", shown(bar.remaining))
        .field("progress_bp", bar.progress_bp)
        .field("message", bar.message);
    w.key("tiers").begin_array();
    for (const auto& tier : bar.tiers) {
      w.begin_object()
          .field("id", tier.id)
          .field("threshold", tier.threshold)
          .field("threshold_formatted", shown(tier.threshold))
          .field("position_bp", tier.position_bp)
          .field("unlocked", tier.unlocked)
          .field("availability", availability_name(tier.availability))
          .field("label", tier.label)
          .end_object();
    }
    w.end_array().end_object();
  }
  w.end_array();
  w.key("rewards").begin_array();
  for (const auto& reward : evaluation.rewards) {
    w.begin_object()
        .field("bar", reward.bar_id)
        .field("tier", reward.tier_id)
        .field("type", reward_type_name(reward.type))
        .field("label", reward.label);
    if (reward.type == RewardType::kBuyXGetY) {
      w.field("percent", reward.percent).field("uses", reward.uses);
      w.key("discounted").begin_array();
      for (const auto& units : reward.discounted) {
        w.begin_object()
            .field("line", units.line)
            .field("variant_id", units.variant_id)
            .field("quantity", units.quantity)
            .end_object();
      }
      w.end_array();
    }
    // A buy_x_get_y that adds its get-items describes them as a gift reward does.
    if (reward.type == RewardType::kFreeGift ||
        (reward.type == RewardType::kBuyXGetY && !reward.options.empty())) {
      w.key("options").begin_array();
      for (const auto& option : reward.options) {
        w.begin_object()
            .field("variant_id", option.variant_id)
            .field("product_id", option.product_id)
            .field("title", option.title)
            .field("available", option.available);
        if (option.price) {
          w.field("price", *option.price).field("price_formatted", money(*option.price));
        }
        if (!option.image.empty()) w.field("image", option.image);
        w.end_object();
      }
      w.end_array();
      w.key("chosen").begin_array();
      for (int64_t variant : reward.chosen) w.number(variant);
      w.end_array();
      w.field("choose", reward.choose)
          .field("quantity", reward.quantity)
          .field("choice_required", reward.choice_required)
          .field("declinable", reward.declinable);
      w.key("declined").begin_array();
      for (int64_t variant : reward.declined) w.number(variant);
      w.end_array();
    } else if (reward.type == RewardType::kGiftCard ||
               (reward.type == RewardType::kOrderDiscount && reward.percent == 0)) {
      w.field("amount", reward.amount)
          .field("amount_formatted", money(reward.amount))
          .field("currency", reward.currency);
    } else if (reward.type == RewardType::kOrderDiscount) {
      w.field("percent", reward.percent);
    }
    w.end_object();
  }
  w.end_array();
  w.key("actions").begin_array();
  for (const auto& action : evaluation.actions) {
    w.begin_object()
        .field("type", action_type_name(action.type))
        .field("tier", action.tier_id)
        .field("variant_id", action.variant_id)
        .field("quantity", action.quantity);
    if (action.type == ActionType::kAdd) {
      w.key("properties").begin_object().field(kGiftProperty, action.property).end_object();
    } else {
      w.field("key", action.key).field("line", action.line);
    }
    w.field("reason", action.reason).end_object();
  }
  w.end_array();
  w.field("savings", evaluation.savings).field("savings_formatted", money(evaluation.savings));
  w.key("warnings").begin_array();
  for (const auto& warning : evaluation.warnings) {
    w.begin_object()
        .field("code", warning.code)
        .field("bar", warning.bar_id)
        .field("product_id", warning.product_id)
        .field("message", warning.message)
        .end_object();
  }
  w.end_array();
  w.key("offers").begin_array();
  for (const auto& suggestion : evaluation.suggestions) {
    w.begin_object()
        .field("bar", suggestion.bar_id)
        .field("tier", suggestion.tier_id)
        .field("variant_id", suggestion.variant_id)
        .field("product_id", suggestion.product_id)
        .field("title", suggestion.title)
        .field("price", suggestion.price)
        .field("price_formatted", money(suggestion.price))
        .field("reaches_tier", suggestion.reaches_tier);
    if (!suggestion.image.empty()) w.field("image", suggestion.image);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

std::string to_json(const Verdict& verdict) {
  JsonWriter w(256 + 256 * verdict.lines.size());
  w.begin_object();
  write_program(w, verdict.program_id, verdict.program_version);
  if (!verdict.arm.empty()) w.field("arm", verdict.arm);
  w.field("earned", verdict.earned);
  w.key("lines").begin_array();
  for (const auto& line : verdict.lines) {
    w.begin_object()
        .field("line", line.line)
        .field("variant_id", line.variant_id)
        .field("tier", line.tier_id)
        .field("earned", line.earned)
        .field("claimed_quantity", line.claimed_quantity)
        .field("earned_quantity", line.earned_quantity);
    if (!line.earned) w.field("reason", line.reason).field("message", line.message);
    w.end_object();
  }
  w.end_array();
  if (verdict.error) {
    w.key("error")
        .begin_object()
        .field("code", verdict.error->code)
        .field("message", verdict.error->message)
        .field("path", verdict.error->path)
        .end_object();
  }
  w.key("tags").begin_array();
  for (const auto& tag : verdict.tags) w.text(tag);
  w.end_array();
  w.end_object();
  return w.take();
}

std::string to_json(const OrderVerdict& verdict) {
  std::vector<std::string> verdicts;
  std::size_t size = 128;
  for (const auto& one : verdict.verdicts) size += (verdicts.emplace_back(to_json(one))).size();
  JsonWriter w(size);
  w.begin_object().field("order_id", verdict.order_id).field("earned", verdict.earned);
  w.key("tags").begin_array();
  for (const auto& tag : verdict.tags) w.text(tag);
  w.end_array();
  w.key("verdicts").begin_array();
  for (const auto& one : verdicts) w.raw(one);
  w.end_array().end_object();
  return w.take();
}

std::string order_lines_json(const Order& order) {
  // parse_order accepted the currency; amounts are in it (the presentment currency), so the
  // document names it as the order's own and needs no *_set fields.
  const int minor = minor_units(order.cart.currency).value_or(2);
  JsonWriter w(64 + 128 * order.cart.items.size());
  w.begin_object().field("id", order.id).field("currency", order.cart.currency);
  w.key("line_items").begin_array();
  for (const CartLine& line : order.cart.items) {
    w.begin_object()
        .field("variant_id", line.variant_id)
        .field("product_id", line.product_id)
        .field("quantity", line.quantity)
        .field("price", decimal_text(line.price, minor));
    // The line's discounts as one allocation: parse_order takes them off price x quantity.
    const int64_t discounts = line.original_line_price - line.final_line_price;
    if (discounts > 0) {
      w.key("discount_allocations").begin_array().begin_object();
      w.field("amount", decimal_text(discounts, minor)).end_object().end_array();
    }
    if (line.gift_card) w.field("gift_card", true);
    if (!line.requires_shipping) w.field("requires_shipping", false);
    w.end_object();
  }
  w.end_array().end_object();
  return w.take();
}

std::string to_json(const std::vector<Problem>& problems) {
  const bool ok = std::none_of(problems.begin(), problems.end(),
                               [](const Problem& problem) { return problem.severity == "error"; });
  JsonWriter w(64 + 256 * problems.size());
  w.begin_object().field("ok", ok);
  write_problems(w.key("problems"), problems);
  w.end_object();
  return w.take();
}

void write_problems(JsonWriter& w, const std::vector<Problem>& problems) {
  w.begin_array();
  for (const auto& problem : problems) {
    w.begin_object()
        .field("severity", problem.severity)
        .field("code", problem.code)
        .field("message", problem.message)
        .field("path", problem.path)
        .end_object();
  }
  w.end_array();
}

std::string to_json(const Error& error) {
  JsonWriter w(64 + error.message.size() + error.path.size());
  w.begin_object();
  w.key("error")
      .begin_object()
      .field("code", error.code)
      .field("message", error.message)
      .field("path", error.path)
      .end_object();
  w.end_object();
  return w.take();
}

Result<std::string> format_cart_money(int64_t value, std::string_view currency,
                                      std::string_view money_format, CartAmounts mode) {
  auto minor = require_currency(currency, "$.currency");
  if (!minor) return minor.error();
  if (value > kMaxAmount || value < -kMaxAmount) {
    return make_error("out_of_range", "amount is beyond the limit of 10^15 minor units");
  }
  const std::string format =
      money_format.empty() ? default_money_format(currency) : std::string(money_format);
  return format_money(cart_to_minor(value, minor.value(), mode), minor.value(), format);
}

Result<std::string> evaluate_json(std::string_view program_json, std::string_view cart_json,
                                  std::string_view context_json) {
  auto context = parse_context(context_json);
  if (!context) return context.error();
  auto program = parse_program(program_json);
  if (!program) return program.error();
  auto cart = parse_cart(cart_json, context.value());
  if (!cart) return cart.error();
  auto evaluation = evaluate(program.value(), cart.value(), context.value());
  if (!evaluation) return evaluation.error();
  return to_json(evaluation.value());
}

Result<std::string> validate_cart_json(std::string_view program_json, std::string_view cart_json,
                                       std::string_view context_json) {
  auto context = parse_context(context_json);
  if (!context) return context.error();
  auto program = parse_program(program_json);
  if (!program) return program.error();
  auto cart = parse_cart(cart_json, context.value());
  if (!cart) return cart.error();
  auto verdict = validate(program.value(), cart.value(), context.value());
  if (!verdict) return verdict.error();
  return to_json(verdict.value());
}

Result<std::string> validate_order_json(std::string_view program_json, std::string_view order_json,
                                        std::string_view context_json) {
  auto context = parse_context(context_json);
  if (!context) return context.error();
  auto program = parse_program(program_json);
  if (!program) return program.error();
  auto order = parse_order(order_json);
  if (!order) return order.error();
  auto verdict =
      validate(program.value(), order.value().cart, with_order(context.value(), order.value()));
  if (!verdict) return verdict.error();
  return to_json(verdict.value());
}

Result<std::string> check_program_json(std::string_view program_json,
                                       std::string_view context_json) {
  auto context = parse_context(context_json);
  if (!context) return context.error();
  auto program = parse_program(program_json);
  if (!program) return program.error();
  return to_json(check_program(program.value(), context.value()));
}

}  // namespace tiercart
