// Value types to JSON, and the JSON-in/JSON-out entry points. Keys keep a fixed order
// (ordered_json) so that every build prints the same bytes for the same input.

#include <nlohmann/json.hpp>

#include "json_reader.h"
#include "tiercart/tiercart.h"

namespace tiercart {

using ojson = nlohmann::ordered_json;

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

ojson optional_text(const std::optional<std::string>& text) {
  return text ? ojson(*text) : ojson(nullptr);
}

// Serialises invalid UTF-8 from a cart (a product title, a property) as U+FFFD instead of
// failing: the output must always be produced.
std::string dump(const ojson& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

const char* version() { return TIERCART_VERSION; }

std::string to_json(const Evaluation& evaluation) {
  const int minor = minor_units(evaluation.currency).value_or(2);
  auto money = [&](int64_t amount) { return format_money(amount, minor, evaluation.money_format); };
  ojson out;
  out["program"] = {{"id", evaluation.program_id}, {"version", evaluation.program_version}};
  out["currency"] = evaluation.currency;
  out["minor_units"] = minor;
  ojson bars = ojson::array();
  for (const auto& bar : evaluation.bars) {
    const bool spend = bar.metric == Metric::kSpend;
    auto shown = [&](int64_t value) { return spend ? money(value) : std::to_string(value); };
    ojson tiers = ojson::array();
    for (const auto& tier : bar.tiers) {
      tiers.push_back({{"id", tier.id},
                       {"threshold", tier.threshold},
                       {"threshold_formatted", shown(tier.threshold)},
                       {"position_bp", tier.position_bp},
                       {"unlocked", tier.unlocked},
                       {"availability", availability_name(tier.availability)},
                       {"label", tier.label}});
    }
    bars.push_back({{"id", bar.id},
                    {"metric", metric_name(bar.metric)},
                    {"qualifying", bar.qualifying},
                    {"qualifying_formatted", shown(bar.qualifying)},
                    {"reached_tier", optional_text(bar.reached_tier)},
                    {"next_tier", optional_text(bar.next_tier)},
                    {"remaining", bar.remaining},
                    {"remaining_formatted", shown(bar.remaining)},
                    {"progress_bp", bar.progress_bp},
                    {"message", bar.message},
                    {"tiers", std::move(tiers)}});
  }
  out["bars"] = std::move(bars);
  ojson rewards = ojson::array();
  for (const auto& reward : evaluation.rewards) {
    ojson r = {{"bar", reward.bar_id},
               {"tier", reward.tier_id},
               {"type", reward_type_name(reward.type)},
               {"label", reward.label}};
    if (reward.type == RewardType::kFreeGift) {
      ojson options = ojson::array();
      for (const auto& option : reward.options) {
        options.push_back({{"variant_id", option.variant_id},
                           {"product_id", option.product_id},
                           {"title", option.title},
                           {"available", option.available}});
      }
      r["options"] = std::move(options);
      r["chosen"] = reward.chosen;
      r["choose"] = reward.choose;
      r["quantity"] = reward.quantity;
      r["choice_required"] = reward.choice_required;
    } else if (reward.type == RewardType::kGiftCard ||
               (reward.type == RewardType::kOrderDiscount && reward.percent == 0)) {
      r["amount"] = reward.amount;
      r["amount_formatted"] = money(reward.amount);
      r["currency"] = reward.currency;
    } else if (reward.type == RewardType::kOrderDiscount) {
      r["percent"] = reward.percent;
    }
    rewards.push_back(std::move(r));
  }
  out["rewards"] = std::move(rewards);
  ojson actions = ojson::array();
  for (const auto& action : evaluation.actions) {
    ojson a = {{"type", action_type_name(action.type)},
               {"tier", action.tier_id},
               {"variant_id", action.variant_id},
               {"quantity", action.quantity}};
    if (action.type == ActionType::kAdd) {
      a["properties"] = {{kGiftProperty, action.property}};
    } else {
      a["key"] = action.key;
      a["line"] = action.line;
    }
    a["reason"] = action.reason;
    actions.push_back(std::move(a));
  }
  out["actions"] = std::move(actions);
  ojson offers = ojson::array();
  for (const auto& offer : evaluation.offers) {
    offers.push_back({{"bar", offer.bar_id},
                      {"tier", offer.tier_id},
                      {"variant_id", offer.variant_id},
                      {"product_id", offer.product_id},
                      {"title", offer.title},
                      {"price", offer.price},
                      {"price_formatted", money(offer.price)},
                      {"reaches_tier", offer.reaches_tier}});
  }
  out["offers"] = std::move(offers);
  return dump(out);
}

std::string to_json(const Verdict& verdict) {
  ojson out;
  out["program"] = {{"id", verdict.program_id}, {"version", verdict.program_version}};
  out["earned"] = verdict.earned;
  ojson lines = ojson::array();
  for (const auto& line : verdict.lines) {
    ojson l = {{"line", line.line},
               {"variant_id", line.variant_id},
               {"tier", line.tier_id},
               {"earned", line.earned},
               {"claimed_quantity", line.claimed_quantity},
               {"earned_quantity", line.earned_quantity}};
    if (!line.earned) {
      l["reason"] = line.reason;
      l["message"] = line.message;
    }
    lines.push_back(std::move(l));
  }
  out["lines"] = std::move(lines);
  out["tags"] = verdict.tags;
  return dump(out);
}

std::string to_json(const std::vector<Problem>& problems) {
  bool ok = true;
  ojson list = ojson::array();
  for (const auto& problem : problems) {
    if (problem.severity == "error") ok = false;
    list.push_back({{"severity", problem.severity},
                    {"code", problem.code},
                    {"message", problem.message},
                    {"path", problem.path}});
  }
  ojson out;
  out["ok"] = ok;
  out["problems"] = std::move(list);
  return dump(out);
}

std::string to_json(const Error& error) {
  ojson out;
  out["error"] = {{"code", error.code}, {"message", error.message}, {"path", error.path}};
  return dump(out);
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
