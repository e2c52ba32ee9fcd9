// Shopify Function inputs to value types, and the core's answers to Function outputs
// (docs/function.md). The input is the JSON result of the input queries in extensions/;
// the program is the JSON string of the discount's (or validation's) metafield.

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "rewards/assess.h"
#include "shopify/function_input.h"
#include "tiercart/function.h"
#include "tiercart/json_writer.h"
#include "tiercart/tiercart.h"

namespace tiercart {

namespace {

using detail::FunctionInput;

// The messages that block checkout, by language. {{reward}} is the tier's label in the
// buyer's locale. Kept short: Shopify shows them above the order summary.
struct BlockTexts {
  const char* language;
  const char* not_earned;  // below_threshold, expired, not_eligible
  const char* too_many;    // quantity_exceeded, free items
  const char* unknown;     // unknown_tier, out_of_scope, price_tampered, unreadable program
  // quantity_exceeded of a buy X get Y whose items are only part off: "free" would be untrue.
  const char* too_many_discounted;
};

constexpr BlockTexts kBlockTexts[] = {
    {"en", "Your cart does not unlock {{reward}}. Remove it to check out.",
     "Your cart holds more free items ({{reward}}) than it unlocks. Remove the extra to check "
     "out.",
     "A free gift in your cart is not part of any reward. Remove it to check out.",
     "Your cart holds more discounted items ({{reward}}) than it unlocks. Remove the extra to "
     "check out."},
    {"fr", "Votre panier ne débloque pas {{reward}}. Retirez-le pour passer commande.",
     "Votre panier contient plus d'articles offerts ({{reward}}) qu'il n'en débloque. Retirez "
     "le surplus pour passer commande.",
     "Un cadeau de votre panier ne correspond à aucune récompense. Retirez-le pour passer "
     "commande.",
     "Votre panier contient plus d'articles à prix réduit ({{reward}}) qu'il n'en débloque. "
     "Retirez le surplus pour passer commande."},
    {"de",
     "Ihr Warenkorb schaltet {{reward}} nicht frei. Entfernen Sie den Artikel, um zur "
     "Kasse zu gehen.",
     "Ihr Warenkorb enthält mehr Gratisartikel ({{reward}}) als freigeschaltet. Entfernen Sie "
     "die überzähligen, um zur Kasse zu gehen.",
     "Ein Geschenk in Ihrem Warenkorb gehört zu keiner Prämie. Entfernen Sie es, um zur Kasse "
     "zu gehen.",
     "Ihr Warenkorb enthält mehr reduzierte Artikel ({{reward}}) als freigeschaltet. Entfernen "
     "Sie die überzähligen, um zur Kasse zu gehen."},
    {"es", "Tu carrito no desbloquea {{reward}}. Quítalo para finalizar la compra.",
     "Tu carrito tiene más artículos gratis ({{reward}}) de los que desbloquea. Quita los que "
     "sobran para finalizar la compra.",
     "Un regalo de tu carrito no forma parte de ninguna recompensa. Quítalo para finalizar la "
     "compra.",
     "Tu carrito tiene más artículos con descuento ({{reward}}) de los que desbloquea. Quita "
     "los que sobran para finalizar la compra."},
};

// The buyer's language, then the program's default locale's, then English.
const BlockTexts& block_texts(const std::string& locale, const std::string& default_locale) {
  for (const std::string& wanted : {locale, default_locale}) {
    const std::string language = wanted.substr(0, wanted.find('-'));
    for (const auto& texts : kBlockTexts) {
      if (language == texts.language) return texts;
    }
  }
  return kBlockTexts[0];
}

std::string with_reward(std::string text, const std::string& reward) {
  const std::string placeholder = "{{reward}}";
  const auto at = text.find(placeholder);
  if (at != std::string::npos) text.replace(at, placeholder.size(), reward);
  return text;
}

std::string tier_label(const Tier& tier, const Program& program, const std::string& locale) {
  const TierTexts* texts = detail::tier_texts(tier, locale, program.default_locale);
  return texts && !texts->label.empty() ? texts->label : tier.id;
}

const Tier* find_tier(const Program& program, const std::string& id) {
  for (const auto& bar : program.bars) {
    for (const auto& tier : bar.tiers) {
      if (tier.id == id) return &tier;
    }
  }
  return nullptr;
}

// The outputs are written as Shopify's schema names them, keys in a fixed order.
std::string no_operations() { return R"({"operations":[]})"; }

// {"operations":[{"<operation>":{"candidates":[...],"selectionStrategy":"ALL"}}]}, around
// the candidates written between the two calls.
void begin_candidates(JsonWriter& w, std::string_view operation) {
  w.begin_object().key("operations").begin_array();
  w.begin_object().key(operation).begin_object().key("candidates").begin_array();
}
void end_candidates(JsonWriter& w) {
  w.end_array().field("selectionStrategy", "ALL").end_object().end_object();
  w.end_array().end_object();
}

// Closes a candidate's targets and gives them `percent` of their price off:
// ...],"value":{"percentage":{"value":100}}}
void end_targets_at_percent_off(JsonWriter& w, int percent) {
  w.end_array();
  w.key("value").begin_object().key("percentage").begin_object().field("value", percent);
  w.end_object().end_object();
  w.end_object();
}
void end_targets_at_full_price_off(JsonWriter& w) { end_targets_at_percent_off(w, 100); }

bool discounts_own_lines(const Program& program) {
  for (const auto& bar : program.bars) {
    for (const auto& tier : bar.tiers) {
      if (tier.reward.type == RewardType::kBuyXGetY && !tier.reward.add_to_cart) return true;
    }
  }
  return false;
}

// One candidate per earned tier: its gift lines, each up to the units it earns, at 100% (a
// buy_x_get_y's at its percent); and for a buy_x_get_y on the cart's own lines, the units
// assess() picked.
Result<std::string> cart_lines_discounts(const Program& program, const FunctionInput& in) {
  if (!in.product_class) return no_operations();
  auto verdict = validate(program, in.cart, in.context);
  if (!verdict) return verdict.error();
  // By tier id, in a fixed order: (1-based line, units earned).
  std::map<std::string, std::vector<std::pair<int, int64_t>>> targets;
  for (const LineVerdict& line : verdict.value().lines) {
    if (line.tier_id.empty() || line.earned_quantity <= 0) continue;
    targets[line.tier_id].emplace_back(line.line, line.earned_quantity);
  }
  // Only a program with such a tier pays for a second assessment.
  if (discounts_own_lines(program)) {
    auto assessed = detail::assess(program, in.cart, in.context);
    if (!assessed) return assessed.error();
    for (const auto& bar : assessed.value().bars) {
      for (const auto& tier : bar.tiers) {
        for (const auto& [index, units] : tier.get_units) {
          targets[tier.tier->id].emplace_back(index + 1, units);
        }
      }
    }
  }
  if (targets.empty()) return no_operations();
  JsonWriter w(256 + 128 * (verdict.value().lines.size() + targets.size()));
  begin_candidates(w, "productDiscountsAdd");
  for (const auto& [tier_id, tier_targets] : targets) {
    const Tier* tier = find_tier(program, tier_id);
    w.begin_object().field("message", tier_label(*tier, program, in.context.locale));
    w.key("targets").begin_array();
    for (const auto& [line, quantity] : tier_targets) {
      w.begin_object().key("cartLine").begin_object();
      w.field("id", in.line_ids[line - 1]).field("quantity", quantity);
      w.end_object().end_object();
    }
    end_targets_at_percent_off(
        w, tier->reward.type == RewardType::kBuyXGetY ? tier->reward.percent : 100);
  }
  end_candidates(w);
  return w.take();
}

// Free shipping on every delivery group once a free_shipping tier is rewarded.
Result<std::string> delivery_discounts(const Program& program, const FunctionInput& in) {
  if (!in.shipping_class || in.delivery_groups.empty()) return no_operations();
  auto assessed = detail::assess(program, in.cart, in.context);
  if (!assessed) return assessed.error();
  const Tier* rewarded = nullptr;
  for (const auto& bar : assessed.value().bars) {
    for (const auto& tier : bar.tiers) {
      if (tier.rewarded && tier.tier->reward.type == RewardType::kFreeShipping && !rewarded) {
        rewarded = tier.tier;
      }
    }
  }
  if (!rewarded) return no_operations();
  JsonWriter w(256 + 64 * in.delivery_groups.size());
  begin_candidates(w, "deliveryDiscountsAdd");
  w.begin_object().field("message", tier_label(*rewarded, program, in.context.locale));
  w.key("targets").begin_array();
  for (const auto& id : in.delivery_groups) {
    w.begin_object().key("deliveryGroup").begin_object().field("id", id).end_object().end_object();
  }
  end_targets_at_full_price_off(w);
  end_candidates(w);
  return w.take();
}

std::string validation_errors(const std::vector<std::string>& messages) {
  if (messages.empty()) return no_operations();
  JsonWriter w(128 + 192 * messages.size());
  w.begin_object().key("operations").begin_array();
  w.begin_object().key("validationAdd").begin_object().key("errors").begin_array();
  for (const auto& message : messages) {
    w.begin_object().field("message", message).field("target", "$.cart").end_object();
  }
  w.end_array().end_object().end_object();
  w.end_array().end_object();
  return w.take();
}

// One error per distinct message, in line order: a cart of 500 forged lines still gets a
// short output.
void add_unique(std::vector<std::string>& messages, std::string message) {
  if (std::find(messages.begin(), messages.end(), message) == messages.end()) {
    messages.push_back(std::move(message));
  }
}

// The locale a blocking message is written in: the buyer's when the program has texts in
// that language, else the program's default, so that a sentence and the reward label it
// quotes are in one language.
std::string message_locale(const Program& program, const std::string& locale) {
  const std::string language = locale.substr(0, locale.find('-'));
  for (const auto& bar : program.bars) {
    for (const auto& tier : bar.tiers) {
      if (tier.texts.count(locale) || tier.texts.count(language)) return locale;
    }
  }
  return program.default_locale;
}

Result<std::string> cart_validations(const Program& program, const FunctionInput& in) {
  auto verdict = validate(program, in.cart, in.context);
  if (!verdict) return verdict.error();
  const std::string locale = message_locale(program, in.context.locale);
  const BlockTexts& texts = block_texts(locale, program.default_locale);
  std::vector<std::string> messages;
  for (const LineVerdict& line : verdict.value().lines) {
    if (line.earned) continue;
    const Tier* tier = line.tier_id.empty() ? nullptr : find_tier(program, line.tier_id);
    const std::string reward = tier ? tier_label(*tier, program, locale) : "";
    if (line.reason == "quantity_exceeded" && tier) {
      const bool part_off =
          tier->reward.type == RewardType::kBuyXGetY && tier->reward.percent < 100;
      add_unique(messages,
                 with_reward(part_off ? texts.too_many_discounted : texts.too_many, reward));
    } else if ((line.reason == "below_threshold" || line.reason == "expired" ||
                line.reason == "not_eligible") &&
               tier) {
      add_unique(messages, with_reward(texts.not_earned, reward));
    } else {
      add_unique(messages, texts.unknown);
    }
  }
  return validation_errors(messages);
}

// The moment checkout judges the cart at, from Shopify's answers about the program's schedule
// moments: the latest moment the shop's clock has reached, or just before the first when it
// has reached none. Every schedule turns on and off at one of these moments, so this moment
// puts each tier on or off as the clock itself would. Nothing when the program has no
// schedule, or when an answer is missing (an input query without `shop.localTime`): schedules
// are then not checked, as with a context without `now`.
std::optional<int64_t> checkout_moment(const Program& program,
                                       const std::vector<std::optional<bool>>& reached,
                                       std::string* log) {
  const std::vector<int64_t> moments = schedule_moments(program);
  if (moments.empty()) return std::nullopt;
  int64_t moment = moments.front() - 1;
  for (std::size_t i = 0; i < moments.size(); ++i) {
    if (i >= reached.size() || !reached[i]) {
      if (log) {
        *log +=
            "tiercart: checkout was not told the time (shop.localTime); schedules are not "
            "checked\n";
      }
      return std::nullopt;
    }
    if (*reached[i]) moment = moments[i];
  }
  return moment;
}

}  // namespace

const char* function_export_name(FunctionTarget target) {
  switch (target) {
    case FunctionTarget::kCartLinesDiscounts:
      return "cart_lines_discounts_generate_run";
    case FunctionTarget::kDeliveryDiscounts:
      return "cart_delivery_options_discounts_generate_run";
    case FunctionTarget::kCartValidations:
      return "cart_validations_generate_run";
  }
  return "";
}

Result<std::string> run_function_json(FunctionTarget target, std::string_view input_json,
                                      std::string* log) {
  auto input = detail::parse_function_input(input_json);
  if (!input) return input.error();
  FunctionInput& in = input.value();

  std::optional<Program> program;
  if (!in.program_json) {
    if (log) *log += "tiercart: the metafield holds no program\n";
  } else if (auto parsed = parse_program(*in.program_json); !parsed) {
    if (log) *log += "tiercart: the program metafield is unusable: " + parsed.error().message;
    if (log) *log += "\n";
  } else {
    program = std::move(parsed).value();
  }
  if (in.cart.currency.empty() && program) in.cart.currency = program->currency;
  if (in.context.presentment_currency.empty()) in.context.presentment_currency = in.cart.currency;
  if (program) in.context.now = checkout_moment(*program, in.moments_reached, log);

  Result<std::string> output = no_operations();
  if (program) {
    // In an A/B test, checkout measures the cart by the arm of the token the drawer wrote
    // (armKey): the same arm the drawer showed (program.h, arm_of).
    const Program& measured = program_for_arm(*program, in.cart.arm_key);
    if (target == FunctionTarget::kCartLinesDiscounts) {
      output = cart_lines_discounts(measured, in);
    } else if (target == FunctionTarget::kDeliveryDiscounts) {
      output = delivery_discounts(measured, in);
    } else {
      output = cart_validations(measured, in);
    }
    // The cart cannot be judged against this program (a currency without a rate, ...).
    if (!output) {
      if (log) *log += "tiercart: the cart cannot be judged: " + output.error().message + "\n";
      program.reset();
    }
  }
  if (!program) {
    // Without a judgement nothing is earned: no discount, and no gift line passes checkout.
    output = no_operations();
    if (target == FunctionTarget::kCartValidations &&
        std::any_of(in.cart.items.begin(), in.cart.items.end(), detail::is_gift_line)) {
      output = validation_errors({block_texts(in.context.locale, "en").unknown});
    }
  }
  return std::move(output).value();
}

}  // namespace tiercart
