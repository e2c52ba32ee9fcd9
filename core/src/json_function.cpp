// Shopify Function inputs to value types, and the core's answers to Function outputs
// (docs/function.md). The input is the JSON result of the input queries in extensions/;
// the program is the JSON string of the discount's (or validation's) metafield.

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "engine.h"
#include "json_reader.h"
#include "tiercart/function.h"
#include "tiercart/tiercart.h"

namespace tiercart {

using detail::index_path;
using detail::json;
using detail::key_path;
using detail::ObjectReader;
using ojson = nlohmann::ordered_json;

namespace {

constexpr int64_t kMaxQuantity = 1'000'000;

// What a Function input says, as the core's values plus what the output must name.
struct FunctionInput {
  std::optional<std::string> program_json;  // the metafield's value
  Cart cart;
  Context context;
  std::vector<std::string> line_ids;        // GraphQL ids of cart.items, in order
  std::vector<std::string> delivery_groups;  // GraphQL ids
  bool product_class = true;                 // the discount may discount products
  bool shipping_class = true;                // ... and shipping
};

// "gid://shopify/ProductVariant/9001" -> 9001.
std::optional<int64_t> gid_number(const std::string& gid) {
  const auto slash = gid.rfind('/');
  const std::string digits = slash == std::string::npos ? gid : gid.substr(slash + 1);
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  int64_t id = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  return id;
}

// GraphQL's Decimal arrives as a string ("19.99"); a number is taken at its JSON spelling.
std::optional<std::string> decimal_text(ObjectReader& r, std::string_view key, bool required) {
  const json* found = r.find(key);
  if (!found) {
    if (required && !r.failed()) {
      r.fail("missing_field", "required field is missing", key_path(r.path(), key));
    }
    return std::nullopt;
  }
  if (found->is_string()) return found->get_ref<const std::string&>();
  if (found->is_number()) return found->dump();
  r.fail("invalid_type", "expected a decimal string", key_path(r.path(), key));
  return std::nullopt;
}

// A MoneyV2 object {amount, currencyCode}: minor units of the cart's currency, which the
// first amount read sets.
std::optional<int64_t> read_money(ObjectReader& parent, std::string_view key, bool required,
                                  std::string& currency) {
  const json* value = parent.object(key, required);
  if (!value) return std::nullopt;
  ObjectReader m(*value, key_path(parent.path(), key), "function input");
  auto amount = decimal_text(m, "amount", true);
  auto code = m.string("currencyCode", true);
  if (m.failed()) {
    parent.adopt(m.error());
    return std::nullopt;
  }
  const std::string path = key_path(m.path(), "currencyCode");
  if (currency.empty()) {
    if (!require_currency(*code, path)) {
      parent.fail("unknown_currency", "unknown currency \"" + *code + "\"", path);
      return std::nullopt;
    }
    currency = *code;
  } else if (*code != currency) {
    parent.fail("currency_mismatch", "amounts are in " + currency + " and " + *code, path);
    return std::nullopt;
  }
  auto minor = parse_decimal_amount(*amount, currency, key_path(m.path(), "amount"));
  if (!minor) {
    parent.adopt(minor.error());
    return std::nullopt;
  }
  if (minor.value() < 0) {
    parent.fail("negative_value", "amounts are not negative", key_path(m.path(), "amount"));
    return std::nullopt;
  }
  return minor.value();
}

// Shopify's LanguageCode ("EN", "PT_BR") to the program's locale keys ("en", "pt-BR").
std::string locale_of(const std::string& iso_code) {
  std::string locale;
  for (std::size_t i = 0; i < iso_code.size(); ++i) {
    const char c = iso_code[i];
    if (c == '_') {
      locale += '-';
      locale += detail::upper(iso_code.substr(i + 1));
      break;
    }
    locale += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return locale;
}

// The tags of a `hasTags(tags: [...]) { tag hasTag }` answer that are present.
std::vector<std::string> tags_present(ObjectReader& parent, std::string_view key) {
  std::vector<std::string> tags;
  const json* list = parent.array(key);
  if (!list) return tags;
  for (std::size_t i = 0; i < list->size() && !parent.failed(); ++i) {
    ObjectReader t((*list)[i], index_path(key_path(parent.path(), key), i), "function input");
    auto tag = t.string("tag", true);
    auto has = t.boolean("hasTag");
    if (t.failed()) {
      parent.adopt(t.error());
      break;
    }
    if (has.value_or(false)) tags.push_back(*tag);
  }
  return tags;
}

std::optional<std::string> read_country(ObjectReader& parent, std::string_view object,
                                        std::string_view field) {
  const json* value = parent.object(object);
  if (!value) return std::nullopt;
  ObjectReader r(*value, key_path(parent.path(), object), "function input");
  auto code = r.string(field);
  if (r.failed()) parent.adopt(r.error());
  return code;
}

void read_line(ObjectReader& li, FunctionInput& in) {
  CartLine line;
  auto id = li.string("id", true);
  line.quantity = li.integer_in("quantity", 0, kMaxQuantity, true).value_or(0);
  if (const json* attribute = li.object("attribute")) {
    ObjectReader a(*attribute, key_path(li.path(), "attribute"), "function input");
    if (auto value = a.string("value")) line.properties[kGiftProperty] = *value;
    if (a.failed()) li.adopt(a.error());
  }
  if (const json* cost = li.object("cost", true)) {
    ObjectReader c(*cost, key_path(li.path(), "cost"), "function input");
    std::string& currency = in.cart.currency;
    line.price = read_money(c, "amountPerQuantity", true, currency).value_or(0);
    const int64_t undiscounted = line.price * line.quantity;  // both bounded: no overflow
    line.original_line_price =
        read_money(c, "subtotalAmount", false, currency).value_or(undiscounted);
    line.final_line_price =
        read_money(c, "totalAmount", false, currency).value_or(line.original_line_price);
    if (c.failed()) li.adopt(c.error());
  }
  if (const json* merchandise = li.object("merchandise")) {
    ObjectReader m(*merchandise, key_path(li.path(), "merchandise"), "function input");
    // A CustomProduct has no id: it matches no selector by id and is no gift.
    if (auto gid = m.string("id")) {
      auto number = gid_number(*gid);
      if (!number) {
        m.fail("invalid_value", "\"" + *gid + "\" is not a Shopify id", key_path(m.path(), "id"));
      }
      line.variant_id = number.value_or(0);
    }
    line.requires_shipping = m.boolean("requiresShipping").value_or(true);
    if (const json* product = m.object("product")) {
      ObjectReader p(*product, key_path(m.path(), "product"), "function input");
      if (auto gid = p.string("id")) {
        auto number = gid_number(*gid);
        if (!number) {
          p.fail("invalid_value", "\"" + *gid + "\" is not a Shopify id",
                 key_path(p.path(), "id"));
        }
        line.product_id = number.value_or(0);
      }
      line.product_type = p.string("productType").value_or("");
      line.gift_card = p.boolean("isGiftCard").value_or(false);
      line.title = p.string("title").value_or("");
      auto tags = tags_present(p, "hasTags");
      if (!tags.empty() && line.product_id != 0) {
        in.context.products[line.product_id].tags = std::move(tags);
      }
      if (p.failed()) m.adopt(p.error());
    }
    if (m.failed()) li.adopt(m.error());
  }
  line.subscription = li.find("sellingPlanAllocation") != nullptr;
  in.line_ids.push_back(id.value_or(""));
  in.cart.items.push_back(std::move(line));
}

Result<FunctionInput> parse_function_input(std::string_view text) {
  if (text.size() > kMaxFunctionInputBytes) {
    return make_error("too_large", "function input is " + std::to_string(text.size()) +
                                       " bytes; the limit is " +
                                       std::to_string(kMaxFunctionInputBytes));
  }
  auto doc = detail::parse_document(text, "function input");
  if (!doc) return doc.error();
  FunctionInput in;
  ObjectReader r(doc.value(), "$", "function input");

  // The program: the discount's metafield, or the validation's.
  for (const char* owner : {"discount", "validation"}) {
    const json* object = r.object(owner);
    if (!object) continue;
    ObjectReader o(*object, key_path("$", owner), "function input");
    // The classes the merchant gave the discount; absent means the query did not ask.
    if (o.array("discountClasses")) {
      const std::vector<std::string> names = o.strings("discountClasses");
      auto has = [&](const char* name) {
        return std::find(names.begin(), names.end(), name) != names.end();
      };
      in.product_class = has("PRODUCT");
      in.shipping_class = has("SHIPPING");
    }
    if (const json* metafield = o.object("metafield")) {
      ObjectReader m(*metafield, key_path(o.path(), "metafield"), "function input");
      in.program_json = m.string("value");
      if (m.failed()) o.adopt(m.error());
    }
    if (o.failed()) return o.error();
  }

  const json* cart = r.object("cart", true);
  if (r.failed()) return r.error();
  ObjectReader c(*cart, "$.cart", "function input");
  const json* lines = c.array("lines", true);
  if (c.failed()) return c.error();
  if (lines->size() > kMaxCartLines) {
    return make_error("too_many",
                      "function input: " + std::to_string(lines->size()) +
                          " lines; the limit is " + std::to_string(kMaxCartLines),
                      "$.cart.lines");
  }
  in.cart.items.reserve(lines->size());
  in.line_ids.reserve(lines->size());
  for (std::size_t i = 0; i < lines->size(); ++i) {
    ObjectReader li((*lines)[i], index_path("$.cart.lines", i), "function input");
    read_line(li, in);
    if (li.failed()) return li.error();
  }
  // An empty cart still has a currency for the core: the cart cost's, else the program's.
  if (in.cart.currency.empty()) {
    if (const json* cost = c.object("cost")) {
      ObjectReader k(*cost, "$.cart.cost", "function input");
      read_money(k, "subtotalAmount", false, in.cart.currency);
      if (k.failed()) return k.error();
    }
  }
  if (const json* buyer = c.object("buyerIdentity")) {
    ObjectReader b(*buyer, "$.cart.buyerIdentity", "function input");
    if (const json* customer = b.object("customer")) {
      ObjectReader k(*customer, "$.cart.buyerIdentity.customer", "function input");
      in.context.customer_tags = tags_present(k, "hasTags");
      if (k.failed()) return k.error();
    }
    if (b.failed()) return b.error();
  }
  if (const json* groups = c.array("deliveryGroups")) {
    for (std::size_t i = 0; i < groups->size(); ++i) {
      ObjectReader g((*groups)[i], index_path("$.cart.deliveryGroups", i), "function input");
      auto id = g.string("id", true);
      auto country = read_country(g, "deliveryAddress", "countryCode");
      if (g.failed()) return g.error();
      in.delivery_groups.push_back(*id);
      // The address checkout delivers to decides country-limited rewards.
      if (country && in.context.country.empty()) in.context.country = detail::upper(*country);
    }
  }
  if (c.failed()) return c.error();

  if (auto rate = decimal_text(r, "presentmentCurrencyRate", false)) {
    auto parsed = parse_rate(*rate, "$.presentmentCurrencyRate");
    if (!parsed) return parsed.error();
    in.context.rate = parsed.value();
  }
  if (const json* localization = r.object("localization")) {
    ObjectReader l(*localization, "$.localization", "function input");
    if (auto language = read_country(l, "language", "isoCode"); language && !language->empty()) {
      in.context.locale = locale_of(*language);
    }
    if (auto country = read_country(l, "country", "isoCode");
        country && in.context.country.empty()) {
      in.context.country = detail::upper(*country);
    }
    if (l.failed()) return l.error();
  }
  if (r.failed()) return r.error();
  in.context.presentment_currency = in.cart.currency;
  return in;
}

// The messages that block checkout, by language. {{reward}} is the tier's label in the
// buyer's locale. Kept short: Shopify shows them above the order summary.
struct BlockTexts {
  const char* language;
  const char* not_earned;  // below_threshold, expired, not_eligible
  const char* too_many;    // quantity_exceeded
  const char* unknown;     // unknown_tier, out_of_scope, price_tampered, unreadable program
};

constexpr BlockTexts kBlockTexts[] = {
    {"en", "Your cart does not unlock {{reward}}. Remove it to check out.",
     "Your cart holds more free items ({{reward}}) than it unlocks. Remove the extra to check "
     "out.",
     "A free gift in your cart is not part of any reward. Remove it to check out."},
    {"fr", "Votre panier ne débloque pas {{reward}}. Retirez-le pour passer commande.",
     "Votre panier contient plus d'articles offerts ({{reward}}) qu'il n'en débloque. Retirez "
     "le surplus pour passer commande.",
     "Un cadeau de votre panier ne correspond à aucune récompense. Retirez-le pour passer "
     "commande."},
    {"de", "Ihr Warenkorb schaltet {{reward}} nicht frei. Entfernen Sie den Artikel, um zur "
           "Kasse zu gehen.",
     "Ihr Warenkorb enthält mehr Gratisartikel ({{reward}}) als freigeschaltet. Entfernen Sie "
     "die überzähligen, um zur Kasse zu gehen.",
     "Ein Geschenk in Ihrem Warenkorb gehört zu keiner Prämie. Entfernen Sie es, um zur Kasse "
     "zu gehen."},
    {"es", "Tu carrito no desbloquea {{reward}}. Quítalo para finalizar la compra.",
     "Tu carrito tiene más artículos gratis ({{reward}}) de los que desbloquea. Quita los que "
     "sobran para finalizar la compra.",
     "Un regalo de tu carrito no forma parte de ninguna recompensa. Quítalo para finalizar la "
     "compra."},
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

ojson no_operations() { return ojson{{"operations", ojson::array()}}; }

ojson full_discount() { return ojson{{"percentage", ojson{{"value", 100}}}}; }

// One candidate per earned tier: its gift lines, each up to the units it earns, at 100%.
Result<ojson> cart_lines_discounts(const Program& program, const FunctionInput& in) {
  if (!in.product_class) return no_operations();
  auto verdict = validate(program, in.cart, in.context);
  if (!verdict) return verdict.error();
  std::map<std::string, ojson> targets;  // by tier id, in a fixed order
  for (const LineVerdict& line : verdict.value().lines) {
    if (line.tier_id.empty() || line.earned_quantity <= 0) continue;
    targets[line.tier_id].push_back(
        ojson{{"cartLine",
               ojson{{"id", in.line_ids[line.line - 1]}, {"quantity", line.earned_quantity}}}});
  }
  if (targets.empty()) return no_operations();
  ojson candidates = ojson::array();
  for (auto& [tier_id, tier_targets] : targets) {
    const Tier* tier = find_tier(program, tier_id);
    candidates.push_back(ojson{{"message", tier_label(*tier, program, in.context.locale)},
                               {"targets", std::move(tier_targets)},
                               {"value", full_discount()}});
  }
  return ojson{{"operations",
                ojson::array({ojson{{"productDiscountsAdd",
                                     ojson{{"candidates", std::move(candidates)},
                                           {"selectionStrategy", "ALL"}}}}})}};
}

// Free shipping on every delivery group once a free_shipping tier is rewarded.
Result<ojson> delivery_discounts(const Program& program, const FunctionInput& in) {
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
  ojson targets = ojson::array();
  for (const auto& id : in.delivery_groups) {
    targets.push_back(ojson{{"deliveryGroup", ojson{{"id", id}}}});
  }
  ojson candidate{{"message", tier_label(*rewarded, program, in.context.locale)},
                  {"targets", std::move(targets)},
                  {"value", full_discount()}};
  return ojson{{"operations",
                ojson::array({ojson{{"deliveryDiscountsAdd",
                                     ojson{{"candidates", ojson::array({std::move(candidate)})},
                                           {"selectionStrategy", "ALL"}}}}})}};
}

ojson validation_errors(const std::vector<std::string>& messages) {
  if (messages.empty()) return no_operations();
  ojson errors = ojson::array();
  for (const auto& message : messages) {
    errors.push_back(ojson{{"message", message}, {"target", "$.cart"}});
  }
  return ojson{{"operations",
                ojson::array({ojson{{"validationAdd", ojson{{"errors", std::move(errors)}}}}})}};
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

Result<ojson> cart_validations(const Program& program, const FunctionInput& in) {
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
      add_unique(messages, with_reward(texts.too_many, reward));
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
  auto input = parse_function_input(input_json);
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

  Result<ojson> output = no_operations();
  if (program) {
    if (target == FunctionTarget::kCartLinesDiscounts) {
      output = cart_lines_discounts(*program, in);
    } else if (target == FunctionTarget::kDeliveryDiscounts) {
      output = delivery_discounts(*program, in);
    } else {
      output = cart_validations(*program, in);
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
  return output.value().dump();
}

}  // namespace tiercart
