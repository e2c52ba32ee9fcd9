#include "random_cases.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

namespace tiercart::testing {

namespace {

using json = nlohmann::ordered_json;

// splitmix64: tiny, fast, and the same everywhere.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int64_t between(int64_t low, int64_t high) {  // inclusive
    return low + static_cast<int64_t>(next() % static_cast<uint64_t>(high - low + 1));
  }
  bool chance(int percent) { return between(1, 100) <= percent; }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(between(0, static_cast<int64_t>(items.size()) - 1))];
  }

 private:
  uint64_t state_;
};

const std::vector<std::string> kCurrencies = {"USD", "EUR", "JPY", "KWD", "GBP"};
const std::vector<std::string> kCountries = {"US", "CA", "FR", "DE", "JP"};
const std::vector<std::string> kTags = {"coffee", "tea", "clearance", "gift", "Summer"};
const std::vector<std::string> kCollections = {"all", "beans", "gear", "winter"};
const std::vector<std::string> kTypes = {"Coffee", "Tea", "Mug", "Gift Card"};
constexpr int kProducts = 8;         // products 1..8, variant = product + 100
constexpr int64_t kGiftBase = 9001;  // gift variants 9001..9006, product = variant - 1000

int64_t scale_for(const std::string& currency) {
  if (currency == "JPY") return 1;
  if (currency == "KWD") return 10;
  return 1;
}

json random_selector(Random& r) {
  json s = json::object();
  if (r.chance(30)) s["products"] = {r.between(1, kProducts), r.between(1, kProducts)};
  if (r.chance(20)) s["variants"] = {r.between(1, kProducts) + 100};
  if (r.chance(30)) s["collections"] = {r.pick(kCollections)};
  if (r.chance(30)) s["tags"] = {r.pick(kTags)};
  if (r.chance(20)) s["product_types"] = {r.pick(kTypes)};
  return s;
}

json random_texts(Random& r, const std::string& id) {
  json texts = {{"en",
                 {{"label", "reward " + id},
                  {"progress", "{{remaining}} more for {{reward}}"},
                  {"unlocked", "{{reward}} is yours ({{threshold}})"}}}};
  if (r.chance(50)) {
    texts["fr"] = {{"label", "cadeau " + id},
                   {"progress", "Plus que {{remaining}} pour {{reward}}"}};
  }
  return texts;
}

json random_reward(Random& r, const std::string& currency) {
  const int kind = static_cast<int>(r.between(0, 9));
  if (kind < 5) {
    json gifts = json::array();
    const int count = static_cast<int>(r.between(1, 3));
    std::vector<int64_t> used;
    for (int g = 0; g < count; ++g) {
      int64_t variant = r.between(kGiftBase, kGiftBase + 5);
      if (std::find(used.begin(), used.end(), variant) != used.end()) continue;
      used.push_back(variant);
      gifts.push_back({{"variant_id", variant},
                       {"product_id", variant - 1000},
                       {"title", "Gift " + std::to_string(variant)}});
    }
    json reward = {{"type", "free_gift"}, {"gifts", gifts}};
    reward["choose"] = r.between(1, static_cast<int64_t>(gifts.size()));
    if (r.chance(40)) reward["quantity"] = r.between(1, 2);
    if (r.chance(30)) reward["preselect"] = true;
    if (r.chance(20)) reward["skip_out_of_stock"] = false;
    return reward;
  }
  if (kind < 7) {
    json reward = {{"type", "free_shipping"}};
    if (r.chance(30)) reward["countries"] = {r.pick(kCountries), r.pick(kCountries)};
    return reward;
  }
  if (kind < 8)
    return {{"type", "gift_card"}, {"amount", r.between(1, 50) * 100 * scale_for(currency)}};
  if (r.chance(50)) return {{"type", "order_discount"}, {"percent", r.between(1, 30)}};
  return {{"type", "order_discount"}, {"amount", r.between(1, 20) * 100 * scale_for(currency)}};
}

json random_program(Random& r, const std::string& currency, int64_t version,
                    std::vector<std::string>& tier_ids) {
  json program = {{"format", 1}, {"id", "rand"}, {"version", version}, {"currency", currency}};
  if (r.chance(30)) program["basis"] = "before_discounts";
  if (r.chance(50)) {
    program["rounding"] =
        r.pick(std::vector<std::string>{"none", "up_to_minor", "up_to_whole", "nearest_whole"});
  }
  if (r.chance(10)) program["eligibility"] = {{"countries", {"US", "FR", "JP"}}};
  json bars = json::array();
  const int bar_count = static_cast<int>(r.between(1, 3));
  for (int b = 0; b < bar_count; ++b) {
    const bool quantity = r.chance(25);
    json bar = {{"id", "bar" + std::to_string(b)}};
    if (quantity) bar["metric"] = "quantity";
    if (r.chance(30)) bar["stacking"] = "highest_only";
    if (r.chance(50)) {
      json scope = json::object();
      if (r.chance(60)) scope["include"] = random_selector(r);
      if (r.chance(50)) scope["exclude"] = random_selector(r);
      if (r.chance(30)) scope["gift_cards"] = true;
      if (r.chance(30)) scope["subscriptions"] = false;
      bar["scope"] = scope;
    }
    json tiers = json::array();
    const int tier_count = static_cast<int>(r.between(1, 4));
    int64_t threshold = 0;
    for (int t = 0; t < tier_count; ++t) {
      threshold += quantity ? r.between(1, 4) : r.between(5, 80) * 100 * scale_for(currency);
      const std::string id = "t" + std::to_string(b) + std::to_string(t);
      tier_ids.push_back(id);
      json tier = {{"id", id}, {"threshold", threshold}, {"reward", random_reward(r, currency)}};
      if (!quantity && r.chance(25)) {
        tier["thresholds_by_currency"] = {{currency == "EUR" ? "USD" : "EUR", threshold + 100}};
      }
      if (r.chance(70)) tier["texts"] = random_texts(r, id);
      if (r.chance(15)) {
        tier["schedule"] = {{"starts_at", "2026-11-01T00:00:00Z"},
                            {"ends_at", "2026-12-01T00:00:00Z"}};
      }
      if (r.chance(10)) tier["eligibility"] = {{"customer_tags_any", {"VIP"}}};
      tiers.push_back(tier);
    }
    bar["tiers"] = tiers;
    if (r.chance(30)) bar["complete"] = {{"en", "All done"}};
    bars.push_back(bar);
  }
  program["bars"] = bars;
  return program;
}

}  // namespace

RandomCase random_case(uint64_t seed) {
  Random r(seed);
  const std::string shop = r.pick(kCurrencies);
  const std::string presentment = r.chance(60) ? shop : r.pick(kCurrencies);
  const int64_t version = r.between(1, 3);
  std::vector<std::string> tier_ids;
  json program = random_program(r, shop, version, tier_ids);

  json context = json::object();
  if (presentment != shop || r.chance(20)) {
    context["rate"] = std::to_string(r.between(1, 20000)) + "." + std::to_string(r.between(0, 99));
  }
  if (r.chance(70)) context["country"] = r.pick(kCountries);
  if (r.chance(30)) context["customer_tags"] = {r.chance(50) ? "VIP" : "regular"};
  if (r.chance(40)) context["locale"] = r.pick(std::vector<std::string>{"en", "fr", "fr-CA", "de"});
  if (r.chance(70)) {
    context["now"] = r.pick(std::vector<std::string>{"2026-10-15T12:00:00Z", "2026-11-21T12:00:00Z",
                                                     "2026-12-24T08:30:00+01:00"});
  }
  if (r.chance(20)) context["cart_amounts"] = "minor_units";
  json products = json::object();
  json variants = json::object();
  for (int p = 1; p <= kProducts; ++p) {
    products[std::to_string(p)] = {{"collections", {r.pick(kCollections)}},
                                   {"tags", {r.pick(kTags), r.pick(kTags)}},
                                   {"product_type", r.pick(kTypes)}};
    variants[std::to_string(p + 100)] = {{"price", r.between(1, 120) * 100},
                                         {"product_id", p},
                                         {"available", r.between(0, 5)},
                                         {"title", "Product " + std::to_string(p)}};
  }
  for (int64_t g = kGiftBase; g <= kGiftBase + 5; ++g) {
    json facts = {{"product_id", g - 1000}, {"price", r.between(5, 40) * 100}};
    if (r.chance(70)) facts["available"] = r.between(0, 3);
    variants[std::to_string(g)] = facts;
  }
  context["products"] = products;
  context["variants"] = variants;
  if (r.chance(30) && !tier_ids.empty()) {
    context["gift_choices"] = {{r.pick(tier_ids), {r.between(kGiftBase, kGiftBase + 5)}}};
  }
  if (r.chance(40)) context["offer_candidates"] = {101, 102, 103, 104, 105};

  json items = json::array();
  const int lines = static_cast<int>(r.between(0, 10));
  for (int i = 0; i < lines; ++i) {
    json line;
    const bool gift = r.chance(20);
    int64_t variant, product;
    if (gift) {
      variant = r.between(kGiftBase, kGiftBase + 5);
      product = variant - 1000;
    } else {
      product = r.between(1, kProducts);
      variant = product + 100;
    }
    const int64_t quantity = r.between(gift ? 0 : 1, 4);
    const int64_t price = r.between(0, 150) * 100;
    const int64_t discount = r.chance(20) ? r.between(0, price * quantity) : 0;
    line = {{"id", variant},
            {"variant_id", variant},
            {"product_id", product},
            {"key", std::to_string(variant) + ":" + std::to_string(i)},
            {"quantity", quantity},
            {"price", price},
            {"original_line_price", price * quantity},
            {"final_line_price", price * quantity - discount},
            {"gift_card", r.chance(5)},
            {"title", "Line " + std::to_string(i)}};
    if (r.chance(10)) line["selling_plan_allocation"] = {{"selling_plan", {{"id", 1}}}};
    if (gift && !tier_ids.empty()) {
      const int64_t claimed_version = r.chance(80) ? version : version + 1;
      const std::string tier = r.chance(85) ? r.pick(tier_ids) : "nope";
      line["properties"] = {{"_tiercart", "rand@" + std::to_string(claimed_version) + ":" + tier}};
    } else {
      line["properties"] = r.chance(20) ? json{{"engraving", "hi"}} : json(nullptr);
    }
    items.push_back(line);
  }
  json cart = {{"currency", presentment}, {"items", items}};
  if (r.chance(25)) {
    cart["cart_level_discount_applications"] = {{{"total_allocated_amount", r.between(0, 3000)}}};
  }
  return RandomCase{program.dump(), cart.dump(), context.dump()};
}

std::string apply_actions(const std::string& cart_json, const std::string& evaluation_json,
                          const std::string& context_json) {
  json cart = json::parse(cart_json, nullptr, false);
  const json evaluation = json::parse(evaluation_json, nullptr, false);
  const json context = json::parse(context_json, nullptr, false);
  json& items = cart["items"];
  // Changes and removals name lines of the evaluated cart: apply them before any line moves.
  std::vector<bool> removed(items.size(), false);
  for (const auto& action : evaluation["actions"]) {
    const std::string type = action["type"].get<std::string>();
    if (type == "add") continue;
    const auto index = static_cast<std::size_t>(action["line"].get<int64_t>() - 1);
    if (type == "remove") {
      removed[index] = true;
    } else {
      const int64_t quantity = action["quantity"].get<int64_t>();
      json& line = items[index];
      line["quantity"] = quantity;
      line["original_line_price"] = line["price"].get<int64_t>() * quantity;
      line["final_line_price"] = line["price"].get<int64_t>() * quantity;
    }
  }
  json kept = json::array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!removed[i]) kept.push_back(items[i]);
  }
  for (const auto& action : evaluation["actions"]) {
    if (action["type"].get<std::string>() != "add") continue;
    const int64_t variant = action["variant_id"].get<int64_t>();
    const int64_t quantity = action["quantity"].get<int64_t>();
    const std::string key = std::to_string(variant);
    int64_t price = 0;
    int64_t product = 0;
    if (context.contains("variants") && context["variants"].contains(key)) {
      const json& facts = context["variants"][key];
      if (facts.contains("price")) price = facts["price"].get<int64_t>();
      if (facts.contains("product_id")) product = facts["product_id"].get<int64_t>();
    }
    kept.push_back({{"id", variant},
                    {"variant_id", variant},
                    {"product_id", product},
                    {"key", key + ":added" + std::to_string(kept.size())},
                    {"quantity", quantity},
                    {"price", price},
                    {"original_line_price", price * quantity},
                    {"final_line_price", price * quantity},
                    {"properties", action["properties"]}});
  }
  items = kept;
  return cart.dump();
}

}  // namespace tiercart::testing
