// Documents to value types: context, program, cart.js and orders/create.
// Every field is type-checked before it is read; the first problem is returned with its path.

#include <algorithm>
#include <set>

#include "json/reader.h"
#include "tiercart/json_writer.h"
#include "tiercart/tiercart.h"
#include "tiercart/time.h"

namespace tiercart {

using detail::index_path;
using detail::is_id;
using detail::key_path;
using detail::ObjectReader;
using detail::read_amounts_by_currency;
using detail::read_time;
using detail::Value;

namespace {

constexpr int64_t kMaxQuantity = 1'000'000;

// A numeric id used as an object key ("1001"): digits only, no sign or space, and small
// enough for an int64 (Shopify ids are well below 10^18).
std::optional<int64_t> parse_id_key(std::string_view key) {
  if (key.empty() || key.size() > 18) return std::nullopt;
  int64_t id = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  if (id <= 0) return std::nullopt;
  return id;
}

bool is_country(const std::string& text) {
  return text.size() == 2 && text[0] >= 'A' && text[0] <= 'Z' && text[1] >= 'A' && text[1] <= 'Z';
}

// Reads an id field ("id": "spring-rewards") that must match the id pattern.
std::optional<std::string> read_id(ObjectReader& r, std::string_view key) {
  auto id = r.string(key, /*required=*/true);
  if (id && !is_id(*id)) {
    r.fail("invalid_value",
           "\"" + *id +
               "\" is not an id: use 1 to 64 of a-z, 0-9, '-' and '_', starting with a "
               "letter or digit",
           key_path(r.path(), key));
    return std::nullopt;
  }
  return id;
}

std::optional<std::string> read_currency(ObjectReader& r, std::string_view key, bool required) {
  auto code = r.string(key, required);
  if (!code) return std::nullopt;
  if (minor_units(*code)) return code;  // known: no path needed
  auto known = require_currency(*code, key_path(r.path(), key));
  if (!known) {
    r.fail(known.error().code, known.error().message, known.error().path);
    return std::nullopt;
  }
  return *code;
}

Schedule read_schedule(ObjectReader& parent) {
  Schedule schedule;
  const Value* value = parent.object("schedule");
  if (!value) return schedule;
  ObjectReader r(*value, parent, "schedule");
  r.reject_unknown({"starts_at", "ends_at"});
  schedule.starts_at = read_time(r, "starts_at");
  schedule.ends_at = read_time(r, "ends_at");
  if (r.failed()) parent.adopt(r.error());
  return schedule;
}

std::vector<std::string> read_countries(ObjectReader& r, std::string_view key) {
  auto countries = r.strings(key);
  for (std::size_t i = 0; i < countries.size(); ++i) {
    if (!is_country(countries[i])) {
      r.fail("invalid_value", "\"" + countries[i] + "\" is not an ISO 3166-1 alpha-2 code",
             index_path(key_path(r.path(), key), i));
    }
  }
  return countries;
}

// At most this many countries per tier: a Markets setup names a handful, and the program is
// read by checkout from a metafield of at most 10,000 bytes.
constexpr std::size_t kMaxCountryThresholds = 50;

// {"CA": 15000, ...}: upper-case alpha-2 codes to amounts in program-currency minor units.
std::map<std::string, int64_t> read_thresholds_by_country(ObjectReader& r, std::string_view key) {
  std::map<std::string, int64_t> out;
  const Value* map = r.object(key);
  if (!map) return out;
  const std::string base = key_path(r.path(), key);
  if (map->size() > kMaxCountryThresholds) {
    r.fail("too_many",
           "program: a tier has at most " + std::to_string(kMaxCountryThresholds) +
               " countries with their own threshold",
           base);
    return out;
  }
  for (auto it = map->begin(); it != map->end() && !r.failed(); ++it) {
    const std::string path = key_path(base, it.key());
    const std::string country(it.key());
    if (!is_country(country)) {
      r.fail("invalid_value", "\"" + country + "\" is not an ISO 3166-1 alpha-2 code", path);
      break;
    }
    auto amount = r.as_integer(it.value(), path);
    if (amount && (*amount <= 0 || *amount > kMaxAmount)) {
      r.fail("out_of_range", "must be a positive amount in minor units", path);
    }
    if (amount) out[country] = *amount;
  }
  return out;
}

Eligibility read_eligibility(ObjectReader& parent) {
  Eligibility eligibility;
  const Value* value = parent.object("eligibility");
  if (!value) return eligibility;
  ObjectReader r(*value, parent, "eligibility");
  r.reject_unknown({"customer_tags_any", "countries", "min_orders", "min_spent"});
  eligibility.customer_tags_any = r.strings("customer_tags_any");
  eligibility.countries = read_countries(r, "countries");
  eligibility.min_orders = r.integer_in("min_orders", 1, kMaxQuantity);
  eligibility.min_spent = r.integer_in("min_spent", 1, kMaxAmount);
  if (r.failed()) parent.adopt(r.error());
  return eligibility;
}

Selector read_selector(ObjectReader& parent, std::string_view key) {
  Selector selector;
  const Value* value = parent.object(key);
  if (!value) return selector;
  ObjectReader r(*value, parent, key);
  r.reject_unknown({"products", "variants", "collections", "tags", "product_types"});
  selector.products = r.integers("products");
  selector.variants = r.integers("variants");
  selector.collections = r.strings("collections");
  selector.tags = r.strings("tags");
  selector.product_types = r.strings("product_types");
  if (r.failed()) parent.adopt(r.error());
  return selector;
}

Scope read_scope(ObjectReader& parent) {
  Scope scope;
  const Value* value = parent.object("scope");
  if (!value) return scope;
  ObjectReader r(*value, parent, "scope");
  r.reject_unknown({"include", "exclude", "gift_cards", "subscriptions", "sale_items"});
  scope.include = read_selector(r, "include");
  scope.exclude = read_selector(r, "exclude");
  scope.gift_cards = r.boolean("gift_cards").value_or(false);
  scope.subscriptions = r.boolean("subscriptions").value_or(true);
  scope.sale_items = r.boolean("sale_items").value_or(true);
  if (r.failed()) parent.adopt(r.error());
  return scope;
}

Reward read_reward(ObjectReader& parent) {
  Reward reward;
  const Value* value = parent.object("reward", /*required=*/true);
  if (!value) return reward;
  ObjectReader r(*value, parent, "reward");
  auto type = r.string("type", /*required=*/true);
  if (r.failed()) {
    parent.adopt(r.error());
    return reward;
  }
  // free_gift's gifts and buy_x_get_y's get_items: products named by variant.
  auto read_gifts = [&](std::string_view key) {
    const Value* gifts = r.array(key, /*required=*/true);
    if (gifts) {
      if (gifts->empty() || gifts->size() > 20) {
        r.fail("out_of_range",
               key == "gifts" ? "a gift reward lists 1 to 20 gifts"
                              : "a reward lists 1 to 20 get_items",
               r.path_of(key));
      }
      for (std::size_t i = 0; i < gifts->size() && !r.failed(); ++i) {
        ObjectReader g((*gifts)[i], r, key, i);
        g.reject_unknown({"variant_id", "product_id", "title"});
        Gift gift;
        gift.variant_id = g.integer_in("variant_id", 1, INT64_MAX, true).value_or(0);
        gift.product_id = g.integer_in("product_id", 0, INT64_MAX).value_or(0);
        gift.title = g.text("title").value_or(std::string_view());
        if (g.failed()) r.adopt(g.error());
        reward.gifts.push_back(std::move(gift));
      }
    }
  };
  if (*type == "free_gift") {
    reward.type = RewardType::kFreeGift;
    r.reject_unknown(
        {"type", "gifts", "choose", "quantity", "skip_out_of_stock", "preselect", "declinable"});
    read_gifts("gifts");
    reward.choose = static_cast<int>(r.integer_in("choose", 1, 20).value_or(1));
    reward.quantity = r.integer_in("quantity", 1, 100).value_or(1);
    reward.skip_out_of_stock = r.boolean("skip_out_of_stock").value_or(true);
    reward.preselect = r.boolean("preselect").value_or(false);
    reward.declinable = r.boolean("declinable").value_or(true);
  } else if (*type == "buy_x_get_y") {
    reward.type = RewardType::kBuyXGetY;
    r.reject_unknown({"type", "get_items", "quantity", "percent", "max_uses", "add_to_cart",
                      "skip_out_of_stock", "declinable"});
    read_gifts("get_items");
    // Getting nothing (0 units, 0%) cannot work: refused here, so check-program refuses it.
    reward.quantity = r.integer_in("quantity", 1, 100).value_or(1);
    reward.percent = static_cast<int>(r.integer_in("percent", 1, 100).value_or(100));
    reward.max_uses = r.integer_in("max_uses", 1, 1000).value_or(0);
    reward.add_to_cart = r.boolean("add_to_cart").value_or(false);
    reward.skip_out_of_stock = r.boolean("skip_out_of_stock").value_or(true);
    reward.declinable = r.boolean("declinable").value_or(true);
  } else if (*type == "free_shipping") {
    reward.type = RewardType::kFreeShipping;
    r.reject_unknown({"type", "countries"});
    reward.countries = read_countries(r, "countries");
  } else if (*type == "gift_card" || *type == "order_discount") {
    const bool gift_card = *type == "gift_card";
    reward.type = gift_card ? RewardType::kGiftCard : RewardType::kOrderDiscount;
    if (gift_card) {
      r.reject_unknown({"type", "amount", "amounts_by_currency"});
    } else {
      r.reject_unknown({"type", "amount", "amounts_by_currency", "percent"});
    }
    const bool has_percent = r.has("percent");
    if (has_percent && (r.has("amount") || r.has("amounts_by_currency"))) {
      r.fail("invalid_value", "give either a percent or an amount, not both",
             key_path(r.path(), "percent"));
    }
    if (has_percent) {
      reward.percent = static_cast<int>(r.integer_in("percent", 1, 100).value_or(0));
    } else {
      reward.amount = r.integer_in("amount", 1, kMaxAmount, /*required=*/true).value_or(0);
      reward.amounts_by_currency = read_amounts_by_currency(r, "amounts_by_currency");
    }
  } else {
    r.fail("invalid_value",
           "unknown reward type \"" + *type +
               "\"; use free_gift, free_shipping, gift_card, order_discount or buy_x_get_y",
           key_path(r.path(), "type"));
  }
  if (r.failed()) parent.adopt(r.error());
  return reward;
}

std::map<std::string, TierTexts> read_tier_texts(ObjectReader& parent) {
  std::map<std::string, TierTexts> texts;
  const Value* value = parent.object("texts");
  if (!value) return texts;
  const ObjectReader all(*value, parent, "texts");
  for (auto it = value->begin(); it != value->end() && !parent.failed(); ++it) {
    ObjectReader r(it.value(), all, it.key());
    r.reject_unknown({"label", "progress", "unlocked"});
    TierTexts t;
    t.label = r.text("label").value_or(std::string_view());
    t.progress = r.text("progress").value_or(std::string_view());
    t.unlocked = r.text("unlocked").value_or(std::string_view());
    if (r.failed()) parent.adopt(r.error());
    texts[std::string(it.key())] = std::move(t);
  }
  return texts;
}

std::optional<Basis> read_basis(ObjectReader& r) {
  auto name = r.string("basis");
  if (!name) return std::nullopt;
  if (*name == "after_discounts") return Basis::kAfterDiscounts;
  if (*name == "before_discounts") return Basis::kBeforeDiscounts;
  r.fail("invalid_value", "basis is after_discounts or before_discounts",
         key_path(r.path(), "basis"));
  return std::nullopt;
}

Result<Tier> read_tier(const Value& value, const ObjectReader& bar, std::size_t index) {
  Tier tier;
  ObjectReader r(value, bar, "tiers", index);
  r.reject_unknown({"id", "threshold", "thresholds_by_currency", "thresholds_by_country", "reward",
                    "texts", "schedule", "eligibility"});
  tier.id = read_id(r, "id").value_or("");
  tier.threshold = r.integer_in("threshold", 1, kMaxAmount, /*required=*/true).value_or(0);
  tier.thresholds_by_currency = read_amounts_by_currency(r, "thresholds_by_currency");
  tier.thresholds_by_country = read_thresholds_by_country(r, "thresholds_by_country");
  tier.reward = read_reward(r);
  tier.texts = read_tier_texts(r);
  tier.schedule = read_schedule(r);
  tier.eligibility = read_eligibility(r);
  if (r.failed()) return r.error();
  return tier;
}

// price x quantity, or nothing when it passes the amount limit (checked before multiplying:
// the product of two in-range values can overflow 64 bits).
std::optional<int64_t> line_total(int64_t price, int64_t quantity) {
  if (quantity > 0 && price > kMaxAmount / quantity) return std::nullopt;
  return price * quantity;
}

}  // namespace

Result<Context> parse_context(std::string_view text) {
  Context context;
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; })) {
    return context;
  }
  auto doc = detail::parse_document(text, "context");
  if (!doc) return doc.error();
  ObjectReader r(doc.value().root(), "$", "context");
  if (auto code = read_currency(r, "presentment_currency", false)) {
    context.presentment_currency = *code;
  }
  if (auto code = read_currency(r, "shop_currency", false)) context.shop_currency = *code;
  if (auto rate = r.string("rate")) {
    auto parsed = parse_rate(*rate, "$.rate");
    if (!parsed) return parsed.error();
    context.rate = parsed.value();
  }
  if (const Value* rates = r.find("rates")) {
    if (!rates->is_object()) {
      return make_error("invalid_type", "context: rates must be an object", "$.rates");
    }
    if (context.shop_currency.empty() && !rates->empty()) {
      return make_error("missing_field", "context: rates need the shop_currency they convert from",
                        "$.shop_currency");
    }
    for (auto it = rates->begin(); it != rates->end(); ++it) {
      const std::string code(it.key());
      const std::string path = key_path("$.rates", code);
      if (!minor_units(code) || code == context.shop_currency) {
        return make_error("unknown_currency",
                          "context: rates: not a presentment currency: " + code.substr(0, 16),
                          path);
      }
      if (!it.value().is_string()) {
        return make_error("invalid_type", "context: a rate is a string", path);
      }
      auto rate = parse_rate(it.value().text(), path);
      if (!rate) return rate.error();
      context.rates.emplace(code, rate.value());
    }
  }
  if (auto mode = r.string("cart_amounts")) {
    auto parsed = parse_cart_amounts(*mode);
    if (!parsed) {
      return make_error("invalid_value", "context: cart_amounts is cents or minor_units",
                        "$.cart_amounts");
    }
    context.cart_amounts = *parsed;
  }
  context.money_format = r.text("money_format").value_or(std::string_view());
  if (auto country = r.string("country")) {
    context.country = detail::upper(*country);
    if (!context.country.empty() && !is_country(context.country)) {
      return make_error("invalid_value", "context: country is an ISO 3166-1 alpha-2 code",
                        "$.country");
    }
  }
  context.customer_tags = r.strings("customer_tags");
  if (const Value* customer = r.object("customer")) {
    ObjectReader c(*customer, "$.customer", "context");
    c.reject_unknown({"orders", "amount_spent"});
    CustomerHistory history;
    history.orders = c.integer_in("orders", 0, kMaxQuantity).value_or(0);
    history.amount_spent = c.integer_in("amount_spent", 0, kMaxAmount).value_or(0);
    if (c.failed()) return c.error();
    context.customer = history;
  }
  if (auto locale = r.string("locale"); locale && !locale->empty()) context.locale = *locale;
  context.now = read_time(r, "now");

  if (const Value* products = r.object("products")) {
    const ObjectReader all(*products, r, "products");
    for (auto it = products->begin(); it != products->end() && !r.failed(); ++it) {
      const auto id = parse_id_key(it.key());
      if (!id) {
        return make_error("invalid_value", "context: product keys are numeric product ids",
                          key_path("$.products", it.key()));
      }
      ObjectReader p(it.value(), all, it.key());
      ProductFacts facts;
      facts.collections = p.strings("collections");
      facts.tags = p.strings("tags");
      facts.product_type = p.text("product_type").value_or(std::string_view());
      if (p.failed()) return p.error();
      // Keys iterate in text order, numeric order for ids of one length: the end is usually
      // the place, and a hint that is right saves the search down the tree.
      context.products.insert_or_assign(context.products.end(), *id, std::move(facts));
    }
  }
  if (const Value* variants = r.object("variants")) {
    const ObjectReader all(*variants, r, "variants");
    for (auto it = variants->begin(); it != variants->end() && !r.failed(); ++it) {
      const auto id = parse_id_key(it.key());
      if (!id) {
        return make_error("invalid_value", "context: variant keys are numeric variant ids",
                          key_path("$.variants", it.key()));
      }
      ObjectReader v(it.value(), all, it.key());
      VariantFacts facts;
      facts.available = v.integer_in("available", -kMaxQuantity, kMaxQuantity);
      facts.price = v.integer_in("price", 0, kMaxAmount);
      // Liquid writes a variant without a compare-at price as null: known, and none.
      if (v.field("compare_at_price").value != nullptr) {
        facts.compare_at_price = v.integer_in("compare_at_price", 0, kMaxAmount).value_or(0);
      }
      facts.product_id = v.integer_in("product_id", 0, INT64_MAX).value_or(0);
      facts.title = v.text("title").value_or(std::string_view());
      facts.image = v.text("image").value_or(std::string_view());
      if (v.failed()) return v.error();
      context.variants[*id] = std::move(facts);
    }
  }
  if (const Value* choices = r.object("gift_choices")) {
    for (auto it = choices->begin(); it != choices->end() && !r.failed(); ++it) {
      const std::string path = key_path("$.gift_choices", it.key());
      if (!it.value().is_array()) {
        return make_error("invalid_type", "context: expected an array of variant ids", path);
      }
      std::vector<int64_t> ids;
      for (std::size_t i = 0; i < it.value().size() && !r.failed(); ++i) {
        if (auto id = r.as_integer(it.value()[i], index_path(path, i))) ids.push_back(*id);
      }
      context.gift_choices[std::string(it.key())] = std::move(ids);
    }
  }
  context.suggestion_candidates = r.integers("offer_candidates");
  if (r.failed()) return r.error();
  return context;
}

namespace {

// "experiment": {"id", "split", "arm_b": {"bars": [...]}}. Arm b is read as the program itself
// with arm b's bars, so that every rule a program's bars follow holds for it too.
Result<Experiment> read_experiment(const Value& root, const Value& value) {
  ObjectReader e(value, "$.experiment", "program");
  e.reject_unknown({"id", "split", "arm_b"});
  Experiment experiment;
  experiment.id = read_id(e, "id").value_or("");
  experiment.split_b = static_cast<int>(e.integer_in("split", 1, 99).value_or(50));
  const Value* arm = e.object("arm_b", /*required=*/true);
  if (e.failed()) return e.error();
  ObjectReader a(*arm, "$.experiment.arm_b", "program");
  a.reject_unknown({"bars"});
  const Value* bars = a.array("bars", /*required=*/true);
  if (a.failed()) return a.error();
  JsonWriter w(root.raw().size() + bars->raw().size());
  w.begin_object();
  for (const Value& member : root.members()) {
    if (member.key() == "experiment" || member.key() == "bars") continue;
    w.key(member.key()).raw(member.dump());
  }
  w.key("bars").raw(bars->dump());
  auto arm_b = parse_program(w.end_object().take());
  if (!arm_b) {
    Error error = arm_b.error();
    // Paths inside arm b's bars are the program's own "$.bars..." paths there.
    if (error.path.rfind("$.bars", 0) == 0)
      error.path = "$.experiment.arm_b" + error.path.substr(1);
    return error;
  }
  experiment.arm_b = std::make_shared<const Program>(std::move(arm_b).value());
  return experiment;
}

}  // namespace

Result<Program> parse_program(std::string_view text) {
  auto doc = detail::parse_document(text, "program");
  if (!doc) return doc.error();
  Program program;
  ObjectReader r(doc.value().root(), "$", "program");
  r.reject_unknown({"format", "id", "version", "currency", "basis", "rounding", "default_locale",
                    "schedule", "eligibility", "bars", "experiment"});
  auto format = r.integer("format", /*required=*/true);
  if (format && *format != kProgramFormat) {
    return make_error("unsupported_format",
                      "program: format " + std::to_string(*format) +
                          " is not supported; this core reads format " +
                          std::to_string(kProgramFormat),
                      "$.format");
  }
  program.id = read_id(r, "id").value_or("");
  program.version = r.integer_in("version", 1, INT64_MAX, /*required=*/true).value_or(1);
  program.currency = read_currency(r, "currency", /*required=*/true).value_or("");
  if (auto basis = read_basis(r)) program.basis = *basis;
  if (auto name = r.string("rounding")) {
    auto rounding = parse_rounding(*name);
    if (!rounding) {
      r.fail("invalid_value", "rounding is none, up_to_minor, up_to_whole or nearest_whole",
             "$.rounding");
    } else {
      program.rounding = *rounding;
    }
  }
  if (auto locale = r.string("default_locale"); locale && !locale->empty()) {
    program.default_locale = *locale;
  }
  program.schedule = read_schedule(r);
  program.eligibility = read_eligibility(r);
  const Value* bars = r.array("bars", /*required=*/true);
  if (r.failed()) return r.error();
  if (bars->empty() || bars->size() > kMaxBars) {
    return make_error(
        "too_many", "program: a program has 1 to " + std::to_string(kMaxBars) + " bars", "$.bars");
  }
  std::set<std::string> bar_ids;
  std::set<std::string> tier_ids;
  for (std::size_t b = 0; b < bars->size(); ++b) {
    ObjectReader br((*bars)[b], "$.bars", b, "program");
    br.reject_unknown({"id", "metric", "basis", "stacking", "scope", "tiers", "complete"});
    Bar bar;
    bar.id = read_id(br, "id").value_or("");
    if (!br.failed() && !bar_ids.insert(bar.id).second) {
      br.fail("duplicate_id", "bar id \"" + bar.id + "\" is used twice", br.path_of("id"));
    }
    if (auto metric = br.string("metric")) {
      if (*metric == "spend") {
        bar.metric = Metric::kSpend;
      } else if (*metric == "quantity") {
        bar.metric = Metric::kQuantity;
      } else {
        br.fail("invalid_value", "metric is spend or quantity", br.path_of("metric"));
      }
    }
    bar.basis = read_basis(br);
    if (auto stacking = br.string("stacking")) {
      if (*stacking == "cumulative") {
        bar.stacking = Stacking::kCumulative;
      } else if (*stacking == "highest_only") {
        bar.stacking = Stacking::kHighestOnly;
      } else {
        br.fail("invalid_value", "stacking is cumulative or highest_only", br.path_of("stacking"));
      }
    }
    bar.scope = read_scope(br);
    if (const Value* complete = br.object("complete")) {
      for (auto it = complete->begin(); it != complete->end() && !br.failed(); ++it) {
        if (auto t = br.as_string(it.value(), key_path(br.path_of("complete"), it.key()))) {
          bar.complete_texts[std::string(it.key())] = *t;
        }
      }
    }
    const Value* tiers = br.array("tiers", /*required=*/true);
    if (br.failed()) return br.error();
    if (tiers->empty() || tiers->size() > kMaxTiersPerBar) {
      return make_error("too_many",
                        "program: a bar has 1 to " + std::to_string(kMaxTiersPerBar) + " tiers",
                        br.path_of("tiers"));
    }
    for (std::size_t t = 0; t < tiers->size(); ++t) {
      auto read = read_tier((*tiers)[t], br, t);
      auto tier_path = [&] { return index_path(br.path_of("tiers"), t); };
      if (!read) return read.error();
      Tier tier = std::move(read).value();
      if (!tier_ids.insert(tier.id).second) {
        return make_error("duplicate_id",
                          "program: tier id \"" + tier.id + "\" is used twice in the program",
                          key_path(tier_path(), "id"));
      }
      if (bar.metric == Metric::kQuantity && tier.threshold > kMaxQuantity) {
        return make_error("out_of_range", "program: a quantity threshold is at most 1000000",
                          key_path(tier_path(), "threshold"));
      }
      bar.tiers.push_back(std::move(tier));
    }
    program.bars.push_back(std::move(bar));
  }
  if (const Value* experiment = r.object("experiment")) {
    auto read = read_experiment(doc.value().root(), *experiment);
    if (!read) return read.error();
    program.experiment = std::move(read).value();
  }
  if (r.failed()) return r.error();
  if (const std::size_t moments = schedule_moments(program).size(); moments > kMaxScheduleMoments) {
    return make_error("too_many",
                      "program: schedules name " + std::to_string(moments) +
                          " distinct moments (starts_at, ends_at); checkout can check at most " +
                          std::to_string(kMaxScheduleMoments),
                      "$");
  }
  return program;
}

namespace {

// Reads the integer amounts of a cart.js line (or the cart) and brings them to minor units.
struct AmountReader {
  ObjectReader& r;
  int minor;
  CartAmounts mode;
  std::optional<int64_t> read(std::string_view key, bool required = false) {
    return read(r.field(key), required);
  }
  std::optional<int64_t> read(const detail::Field& field, bool required = false) {
    auto value = r.integer_in(field, -kMaxAmount, kMaxAmount, required);
    if (!value) return std::nullopt;
    if (*value < 0) {
      r.fail("negative_value", "amounts are never negative", key_path(r.path(), field.key));
      return std::nullopt;
    }
    // Three- and four-decimal currencies scale up: check the limit on the result too.
    const int64_t amount = cart_to_minor(*value, minor, mode);
    if (amount > kMaxAmount) {
      r.fail("out_of_range", "amount is beyond the limit of 10^15 minor units",
             key_path(r.path(), field.key));
      return std::nullopt;
    }
    return amount;
  }
};

// Line properties: an object in cart.js, an array of {name, value} in orders.
void read_properties(ObjectReader& r, const detail::Field& field,
                     std::map<std::string, std::string>& out) {
  const Value* props = r.find(field);
  if (!props) return;
  auto text_of = [](const Value& v) { return v.is_string() ? std::string(v.text()) : v.dump(); };
  if (props->is_object()) {
    for (auto it = props->begin(); it != props->end(); ++it) {
      out[std::string(it.key())] = text_of(it.value());
    }
  } else if (props->is_array()) {
    for (std::size_t i = 0; i < props->size() && !r.failed(); ++i) {
      // "order" even inside a cart: errors name the form this shape comes from.
      ObjectReader p((*props)[i], index_path(r.path_of("properties"), i), "order");
      auto name = p.string("name", /*required=*/true);
      const Value* value = p.find("value");
      if (p.failed()) {
        r.adopt(p.error());
        return;
      }
      out[*name] = value ? text_of(*value) : "";
    }
  } else {
    r.fail("invalid_type", "expected an object or an array", r.path_of("properties"));
  }
}

}  // namespace

Result<Cart> parse_cart(std::string_view text, const Context& context) {
  auto doc = detail::parse_document(text, "cart");
  if (!doc) return doc.error();
  ObjectReader r(doc.value().root(), "$", "cart");
  Cart cart;
  cart.currency = read_currency(r, "currency", /*required=*/true).value_or("");
  const Value* items = r.array("items", /*required=*/true);
  if (r.failed()) return r.error();
  if (items->size() > kMaxCartLines) {
    return make_error("too_many",
                      "cart: " + std::to_string(items->size()) + " lines; the limit is " +
                          std::to_string(kMaxCartLines),
                      "$.items");
  }
  const int minor = *minor_units(cart.currency);
  cart.items.reserve(items->size());
  // Every field a line is read for, found in one pass over its members (Fields).
  enum LineField {
    kVariantId,
    kId,
    kProductId,
    kKey,
    kQuantity,
    kProperties,
    kPrice,
    kOriginalLinePrice,
    kFinalLinePrice,
    kLinePrice,
    kGiftCard,
    kRequiresShipping,
    kSellingPlanAllocation,
    kProductType,
    kVendor,
    kTitle,
    kLineFields
  };
  static constexpr detail::Fields line_fields{"variant_id",
                                              "id",
                                              "product_id",
                                              "key",
                                              "quantity",
                                              "properties",
                                              "price",
                                              "original_line_price",
                                              "final_line_price",
                                              "line_price",
                                              "gift_card",
                                              "requires_shipping",
                                              "selling_plan_allocation",
                                              "product_type",
                                              "vendor",
                                              "title"};
  const Value* found[kLineFields];
  auto f = [&](LineField field) { return line_fields.field(field, found); };
  for (std::size_t i = 0; i < items->size(); ++i) {
    const Value& item = (*items)[i];
    ObjectReader li(item, "$.items", i, "cart");
    // An item that is not an object failed `li`: nothing more is read from it.
    line_fields.find(item, found);
    AmountReader amounts{li, minor, context.cart_amounts};
    // Made in place: a failed line returns the error, and the cart with it is dropped.
    CartLine& line = cart.items.emplace_back();
    auto variant = li.integer_in(f(kVariantId), 0, INT64_MAX);
    if (!variant && !li.failed()) variant = li.integer_in(f(kId), 0, INT64_MAX, /*required=*/true);
    line.variant_id = variant.value_or(0);
    line.product_id = li.integer_in(f(kProductId), 0, INT64_MAX).value_or(0);
    line.key = li.text(f(kKey)).value_or(std::string_view());
    line.quantity = li.integer_in(f(kQuantity), 0, kMaxQuantity, /*required=*/true).value_or(0);
    read_properties(li, f(kProperties), line.properties);
    line.price = amounts.read(f(kPrice), /*required=*/true).value_or(0);
    const auto undiscounted = line_total(line.price, line.quantity);
    if (!undiscounted && !li.failed()) {
      return make_error("out_of_range", "cart: price x quantity is too large",
                        index_path("$.items", i));
    }
    line.original_line_price =
        amounts.read(f(kOriginalLinePrice)).value_or(undiscounted.value_or(0));
    auto final_line = amounts.read(f(kFinalLinePrice));
    if (!final_line) final_line = amounts.read(f(kLinePrice));
    line.final_line_price = final_line.value_or(line.original_line_price);
    line.gift_card = li.boolean(f(kGiftCard)).value_or(false);
    line.requires_shipping = li.boolean(f(kRequiresShipping)).value_or(true);
    line.subscription = li.find(f(kSellingPlanAllocation)) != nullptr;
    line.product_type = li.text(f(kProductType)).value_or(std::string_view());
    line.vendor = li.text(f(kVendor)).value_or(std::string_view());
    line.title = li.text(f(kTitle)).value_or(std::string_view());
    if (li.failed()) return li.error();
  }
  if (const Value* applications = r.array("cart_level_discount_applications")) {
    for (std::size_t i = 0; i < applications->size(); ++i) {
      ObjectReader a((*applications)[i], "$.cart_level_discount_applications", i, "cart");
      AmountReader amounts{a, minor, context.cart_amounts};
      cart.cart_level_discount += amounts.read("total_allocated_amount").value_or(0);
      if (a.failed()) return a.error();
      if (cart.cart_level_discount > kMaxAmount) {
        return make_error("out_of_range", "cart: cart-level discounts are too large",
                          "$.cart_level_discount_applications");
      }
    }
  }
  if (const Value* codes = r.array("discount_codes")) {
    for (std::size_t i = 0; i < codes->size(); ++i) {
      ObjectReader c((*codes)[i], "$.discount_codes", i, "cart");
      if (auto code = c.string("code")) cart.discount_codes.push_back(*code);
      if (c.failed()) return c.error();
    }
  }
  // Cart attributes are the shopper's and the theme's free text: only the one tiercart writes is
  // read, and a value not of its form declines nothing.
  if (const Value* attributes = r.find("attributes"); attributes && attributes->is_object()) {
    if (const Value* declined = attributes->find(kDeclinedAttribute);
        declined && declined->is_string()) {
      cart.declined_gifts = parse_declined_gifts(std::string(declined->text()));
    }
  }
  // The cart's own token puts it in an experiment's arm (arm_of); a string, else no arm key.
  if (const Value* token = r.find("token"); token && token->is_string()) {
    cart.arm_key = std::string(token->text());
  }
  if (r.failed()) return r.error();
  return cart;
}

namespace {

// A money field of a REST order: "price" (shop currency) or, when the order was placed in
// another currency, "<field>_set.presentment_money.amount".
std::optional<int64_t> read_order_amount(ObjectReader& r, std::string_view field,
                                         const std::string& currency, bool presentment,
                                         bool required) {
  std::optional<std::string> text;
  std::string path;
  if (presentment) {
    // The plain field is in the shop currency: reading it as the presentment amount would
    // measure a EUR order in dollars.
    if (!r.has(std::string(field) + "_set") && !r.failed()) {
      r.fail("missing_field",
             "the order is in another currency than the shop's, so " + std::string(field) +
                 "_set.presentment_money is required",
             key_path(r.path(), std::string(field) + "_set"));
      return std::nullopt;
    }
    if (const Value* set = r.object(std::string(field) + "_set")) {
      const std::string set_path = key_path(r.path(), std::string(field) + "_set");
      ObjectReader s(*set, set_path, "order");
      if (const Value* money = s.object("presentment_money", true)) {
        ObjectReader m(*money, key_path(set_path, "presentment_money"), "order");
        text = m.string("amount", true);
        path = key_path(m.path(), "amount");
        if (m.failed()) r.adopt(m.error());
      }
      if (s.failed()) r.adopt(s.error());
    }
  }
  if (!text && !r.failed()) {
    const Value* value = r.find(field);
    path = key_path(r.path(), field);
    if (value && value->is_number_integer()) {
      // Some payload producers send integers; accept them as whole units.
      text = value->dump();
    } else {
      text = r.string(field, required);
    }
  }
  if (!text || r.failed()) return std::nullopt;
  auto amount = parse_decimal_amount(*text, currency, path);
  if (!amount) {
    r.fail(amount.error().code, amount.error().message, amount.error().path);
    return std::nullopt;
  }
  if (amount.value() < 0) {
    r.fail("negative_value", "amounts are never negative", path);
    return std::nullopt;
  }
  return amount.value();
}

std::vector<std::string> split_tags(const std::string& text) {
  std::vector<std::string> tags;
  std::string current;
  auto flush = [&] {
    const auto first = current.find_first_not_of(' ');
    if (first != std::string::npos) {
      tags.push_back(current.substr(first, current.find_last_not_of(' ') - first + 1));
    }
    current.clear();
  };
  for (char c : text) {
    if (c == ',') {
      flush();
    } else {
      current += c;
    }
  }
  flush();
  return tags;
}

}  // namespace

Result<Order> parse_order(std::string_view text) {
  auto doc = detail::parse_document(text, "order");
  if (!doc) return doc.error();
  ObjectReader r(doc.value().root(), "$", "order");
  Order order;
  order.id = r.integer_in("id", 0, INT64_MAX).value_or(0);
  const std::string shop_currency = read_currency(r, "currency", /*required=*/true).value_or("");
  std::string currency = read_currency(r, "presentment_currency", false).value_or(shop_currency);
  const bool presentment = currency != shop_currency;
  order.cart.currency = currency;
  if (auto created = read_time(r, "created_at")) order.created_at = *created;
  if (const Value* address = r.object("shipping_address")) {
    ObjectReader a(*address, "$.shipping_address", "order");
    order.country = detail::upper(a.string("country_code").value_or(""));
    if (a.failed()) return a.error();
  }
  if (const Value* customer = r.object("customer")) {
    ObjectReader c(*customer, "$.customer", "order");
    order.customer_tags = split_tags(c.string("tags").value_or(""));
    order.customer_id = c.integer_in("id", 1, INT64_MAX);
    if (c.failed()) return c.error();
    // Customer history (issue 20): total_spent is a decimal in the shop currency.
    if (auto orders = c.integer_in("orders_count", 0, kMaxQuantity)) {
      CustomerHistory history;
      history.orders = *orders;
      history.minor_units = true;
      if (auto spent = c.string("total_spent")) {
        if (auto amount = parse_decimal_amount(*spent, shop_currency, "$.customer.total_spent")) {
          history.amount_spent = amount.value();
        }
      }
      order.customer_history = history;
    }
  }
  // The cart it was checked out from (its arm in an experiment), and the arm key checkout was
  // told through the cart attribute kArmAttribute (REST note_attributes: [{name, value}]).
  if (const Value* token = r.find("cart_token"); token && token->is_string()) {
    order.cart.arm_key = std::string(token->text());
  }
  order.cart.checkout_arm_key = std::string();
  if (const Value* notes = r.find("note_attributes"); notes && notes->is_array()) {
    for (const Value& note : *notes) {
      const Value* name = note.is_object() ? note.find("name") : nullptr;
      const Value* value = note.is_object() ? note.find("value") : nullptr;
      if (name && name->is_string() && name->text() == kArmAttribute && value &&
          value->is_string()) {
        order.cart.checkout_arm_key = std::string(value->text());
      }
    }
  }
  if (const Value* codes = r.array("discount_codes")) {
    for (std::size_t i = 0; i < codes->size(); ++i) {
      ObjectReader c((*codes)[i], "$.discount_codes", i, "order");
      if (auto code = c.string("code")) order.cart.discount_codes.push_back(*code);
      if (c.failed()) return c.error();
    }
  }
  const Value* items = r.array("line_items", /*required=*/true);
  if (r.failed()) return r.error();
  if (items->size() > kMaxCartLines) {
    return make_error("too_many", "order: too many line items", "$.line_items");
  }
  for (std::size_t i = 0; i < items->size(); ++i) {
    ObjectReader li((*items)[i], "$.line_items", i, "order");
    CartLine line;
    line.variant_id = li.integer_in("variant_id", 0, INT64_MAX).value_or(0);
    line.product_id = li.integer_in("product_id", 0, INT64_MAX).value_or(0);
    line.quantity = li.integer_in("quantity", 0, kMaxQuantity, /*required=*/true).value_or(0);
    read_properties(li, li.field("properties"), line.properties);
    line.price = read_order_amount(li, "price", currency, presentment, true).value_or(0);
    const auto total = line_total(line.price, line.quantity);
    if (!total && !li.failed()) {
      return make_error("out_of_range", "order: price x quantity is too large",
                        index_path("$.line_items", i));
    }
    line.original_line_price = total.value_or(0);
    int64_t discounts = 0;
    if (const Value* allocations = li.array("discount_allocations")) {
      const std::string base = key_path(li.path(), "discount_allocations");
      for (std::size_t a = 0; a < allocations->size() && !li.failed(); ++a) {
        ObjectReader ar((*allocations)[a], index_path(base, a), "order");
        discounts += read_order_amount(ar, "amount", currency, presentment, true).value_or(0);
        if (ar.failed()) return ar.error();
        if (discounts > kMaxAmount) {
          return make_error("out_of_range", "order: discount allocations are too large", base);
        }
      }
    }
    line.final_line_price = std::max<int64_t>(0, line.original_line_price - discounts);
    line.gift_card = li.boolean("gift_card").value_or(false);
    line.requires_shipping = li.boolean("requires_shipping").value_or(true);
    line.vendor = li.text("vendor").value_or(std::string_view());
    line.title = li.text("title").value_or(std::string_view());
    if (li.failed()) return li.error();
    order.cart.items.push_back(std::move(line));
  }
  if (r.failed()) return r.error();
  return order;
}

Context for_currency(const Context& shop, const std::string& currency) {
  const auto rate = shop.rates.find(currency);
  if (rate == shop.rates.end() || shop.rate) return shop;
  Context converted = shop;
  converted.rate = rate->second;
  for (auto& [id, facts] : converted.variants) facts.price.reset();
  return converted;
}

Context with_order(Context context, const Order& order) {
  if (!context.now) context.now = order.created_at;
  if (context.country.empty()) context.country = order.country;
  if (context.customer_tags.empty()) context.customer_tags = order.customer_tags;
  if (!context.customer) context.customer = order.customer_history;
  return context;
}

}  // namespace tiercart
