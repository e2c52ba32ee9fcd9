// A program back to its document (docs/program-format.md), in one canonical form: keys in the
// order of the format's tables, a field left out when it holds its default (except the few
// the theme's Liquid always wrote: basis, metric, choose, quantity), times in UTC. The same
// Program always gives the same bytes, so a document written here can be compared or hashed
// to tell whether a program changed.

#include <string>

#include "tiercart/json_writer.h"
#include "tiercart/tiercart.h"
#include "tiercart/time.h"

namespace tiercart {

namespace {

const char* basis_name(Basis basis) {
  return basis == Basis::kBeforeDiscounts ? "before_discounts" : "after_discounts";
}

void write_strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& list) {
  if (list.empty()) return;
  w.key(key).begin_array();
  for (const auto& item : list) w.text(item);
  w.end_array();
}

void write_integers(JsonWriter& w, std::string_view key, const std::vector<int64_t>& list) {
  if (list.empty()) return;
  w.key(key).begin_array();
  for (int64_t item : list) w.number(item);
  w.end_array();
}

void write_amounts(JsonWriter& w, std::string_view key, const std::map<std::string, int64_t>& by) {
  if (by.empty()) return;
  w.key(key).begin_object();
  for (const auto& [code, amount] : by) w.field(code, amount);
  w.end_object();
}

void write_schedule(JsonWriter& w, const Schedule& schedule) {
  if (!schedule.starts_at && !schedule.ends_at) return;
  w.key("schedule").begin_object();
  if (schedule.starts_at) w.field("starts_at", format_time(*schedule.starts_at));
  if (schedule.ends_at) w.field("ends_at", format_time(*schedule.ends_at));
  w.end_object();
}

void write_eligibility(JsonWriter& w, const Eligibility& eligibility) {
  if (eligibility.customer_tags_any.empty() && eligibility.countries.empty() &&
      !eligibility.min_orders && !eligibility.min_spent) {
    return;
  }
  w.key("eligibility").begin_object();
  write_strings(w, "customer_tags_any", eligibility.customer_tags_any);
  write_strings(w, "countries", eligibility.countries);
  if (eligibility.min_orders) w.field("min_orders", *eligibility.min_orders);
  if (eligibility.min_spent) w.field("min_spent", *eligibility.min_spent);
  w.end_object();
}

void write_selector(JsonWriter& w, std::string_view key, const Selector& selector) {
  if (selector.empty()) return;
  w.key(key).begin_object();
  write_integers(w, "products", selector.products);
  write_integers(w, "variants", selector.variants);
  write_strings(w, "collections", selector.collections);
  write_strings(w, "tags", selector.tags);
  write_strings(w, "product_types", selector.product_types);
  w.end_object();
}

void write_scope(JsonWriter& w, const Scope& scope) {
  if (scope.include.empty() && scope.exclude.empty() && !scope.gift_cards && scope.subscriptions) {
    return;
  }
  w.key("scope").begin_object();
  write_selector(w, "include", scope.include);
  write_selector(w, "exclude", scope.exclude);
  if (scope.gift_cards) w.field("gift_cards", true);
  if (!scope.subscriptions) w.field("subscriptions", false);
  if (!scope.sale_items) w.field("sale_items", false);
  w.end_object();
}

void write_gifts(JsonWriter& w, std::string_view key, const std::vector<Gift>& gifts,
                 ProgramTexts texts) {
  w.key(key).begin_array();
  for (const auto& gift : gifts) {
    w.begin_object().field("variant_id", gift.variant_id);
    if (gift.product_id != 0) w.field("product_id", gift.product_id);
    if (texts == ProgramTexts::kWith && !gift.title.empty()) w.field("title", gift.title);
    w.end_object();
  }
  w.end_array();
}

void write_reward(JsonWriter& w, const Reward& reward, ProgramTexts texts) {
  w.key("reward").begin_object();
  switch (reward.type) {
    case RewardType::kFreeGift:
      w.field("type", "free_gift");
      write_gifts(w, "gifts", reward.gifts, texts);
      w.field("choose", reward.choose).field("quantity", reward.quantity);
      if (!reward.skip_out_of_stock) w.field("skip_out_of_stock", false);
      if (reward.preselect) w.field("preselect", true);
      if (!reward.declinable) w.field("declinable", false);
      break;
    case RewardType::kBuyXGetY:
      w.field("type", "buy_x_get_y");
      write_gifts(w, "get_items", reward.gifts, texts);
      w.field("quantity", reward.quantity).field("percent", reward.percent);
      if (reward.max_uses > 0) w.field("max_uses", reward.max_uses);
      if (reward.add_to_cart) w.field("add_to_cart", true);
      if (!reward.skip_out_of_stock) w.field("skip_out_of_stock", false);
      if (!reward.declinable) w.field("declinable", false);
      break;
    case RewardType::kFreeShipping:
      w.field("type", "free_shipping");
      write_strings(w, "countries", reward.countries);
      break;
    case RewardType::kGiftCard:
    case RewardType::kOrderDiscount:
      w.field("type", reward.type == RewardType::kGiftCard ? "gift_card" : "order_discount");
      if (reward.type == RewardType::kOrderDiscount && reward.percent > 0) {
        w.field("percent", reward.percent);
      } else {
        w.field("amount", reward.amount);
        write_amounts(w, "amounts_by_currency", reward.amounts_by_currency);
      }
      break;
  }
  w.end_object();
}

void write_tier_texts(JsonWriter& w, const std::map<std::string, TierTexts>& by_locale) {
  if (by_locale.empty()) return;
  w.key("texts").begin_object();
  for (const auto& [locale, texts] : by_locale) {
    // An empty text and a missing one read the same (the core shows the tier id or nothing).
    w.key(locale).begin_object();
    if (!texts.label.empty()) w.field("label", texts.label);
    if (!texts.progress.empty()) w.field("progress", texts.progress);
    if (!texts.unlocked.empty()) w.field("unlocked", texts.unlocked);
    w.end_object();
  }
  w.end_object();
}

void write_bar(JsonWriter& w, const Bar& bar, ProgramTexts texts) {
  w.begin_object().field("id", bar.id);
  w.field("metric", bar.metric == Metric::kQuantity ? "quantity" : "spend");
  if (bar.basis) w.field("basis", basis_name(*bar.basis));
  if (bar.stacking == Stacking::kHighestOnly) w.field("stacking", "highest_only");
  write_scope(w, bar.scope);
  if (texts == ProgramTexts::kWith && !bar.complete_texts.empty()) {
    w.key("complete").begin_object();
    for (const auto& [locale, text] : bar.complete_texts) w.field(locale, text);
    w.end_object();
  }
  w.key("tiers").begin_array();
  for (const auto& tier : bar.tiers) {
    w.begin_object().field("id", tier.id).field("threshold", tier.threshold);
    write_amounts(w, "thresholds_by_currency", tier.thresholds_by_currency);
    write_amounts(w, "thresholds_by_country", tier.thresholds_by_country);
    write_reward(w, tier.reward, texts);
    if (texts == ProgramTexts::kWith) write_tier_texts(w, tier.texts);
    write_schedule(w, tier.schedule);
    write_eligibility(w, tier.eligibility);
    w.end_object();
  }
  w.end_array().end_object();
}

}  // namespace

std::string to_json(const Program& program, ProgramTexts texts) {
  JsonWriter w(1024);
  w.begin_object()
      .field("format", program.format)
      .field("id", program.id)
      .field("version", program.version)
      .field("currency", program.currency)
      .field("basis", basis_name(program.basis));
  if (program.rounding != Rounding::kUpToMinor) {
    w.field("rounding", rounding_name(program.rounding));
  }
  // default_locale only chooses among texts: a program without texts does not need it.
  if (texts == ProgramTexts::kWith) w.field("default_locale", program.default_locale);
  write_schedule(w, program.schedule);
  write_eligibility(w, program.eligibility);
  w.key("bars").begin_array();
  for (const auto& bar : program.bars) write_bar(w, bar, texts);
  w.end_array();
  if (const auto& experiment = program.experiment; experiment && experiment->arm_b) {
    w.key("experiment").begin_object().field("id", experiment->id);
    w.field("split", experiment->split_b);
    w.key("arm_b").begin_object().key("bars").begin_array();
    for (const auto& bar : experiment->arm_b->bars) write_bar(w, bar, texts);
    w.end_array().end_object().end_object();
  }
  w.end_object();
  return w.take();
}

}  // namespace tiercart
