// settings_data.json to a program: the tiercart embeds' settings read the way the extension's
// Liquid once read them (this conversion replaced it, and kept its results: the theme tests'
// 300 seeded combinations hold the expectations), so that the app's server and the theme
// editor's preview (wasm) give the same program for the same settings.

#include "tiercart/theme_program.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <set>
#include <string>

#include "json/reader.h"
#include "tiercart/json_writer.h"
#include "tiercart/money.h"
#include "tiercart/tiercart.h"

namespace tiercart {

namespace {

using detail::index_path;
using detail::key_path;
using detail::Value;

constexpr int kTiersPerBar = 4;          // t1_ ... t4_ in every bar block's schema
constexpr std::size_t kGiftsLimit = 20;  // the product_list's limit, the format's too
constexpr int64_t kMaxItems = 1'000'000;
// The threshold text's whole part: at most 12 digits, as the Liquid allowed, so that
// whole x 10^4 (CLF, the largest exponent) stays far inside 64 bits.
constexpr std::size_t kMaxWholeDigits = 12;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view strip(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool all_digits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Liquid's `blank`: absent, null, false, an empty or all-space string, an empty list or object.
bool is_blank(const Value* value) {
  if (!value || value->is_null()) return true;
  if (value->is_boolean()) return !value->boolean();
  if (value->is_string()) return strip(value->text()).empty();
  if (value->is_array() || value->is_object()) return value->empty();
  return false;
}

// A JSON number's source text in plain decimal notation ("1e3" -> "1000", "2.5E-1" ->
// "0.25"), by moving the point in the digits: the number is never a double, so 49.99 stays
// 49.99. This is the text Liquid saw (`value | append: ''`), since a number in
// settings_data.json is written in its shortest form. Exponents past 40 give text no threshold
// accepts.
std::string plain_decimal(std::string_view raw) {
  std::string sign;
  if (!raw.empty() && raw.front() == '-') {
    sign = "-";
    raw.remove_prefix(1);
  }
  int exponent = 0;
  const auto e = raw.find_first_of("eE");
  if (e != std::string_view::npos) {
    std::string_view text = raw.substr(e + 1);
    bool negative = false;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
      negative = text.front() == '-';
      text.remove_prefix(1);
    }
    for (char c : text) {
      exponent = exponent * 10 + (c - '0');
      if (exponent > 40) return negative ? "0" : "invalid";
    }
    if (negative) exponent = -exponent;
    raw = raw.substr(0, e);
  }
  const auto point = raw.find('.');
  std::string whole(raw.substr(0, point));
  std::string fraction(point == std::string_view::npos ? std::string_view()
                                                       : raw.substr(point + 1));
  for (; exponent > 0; --exponent) {
    whole += fraction.empty() ? '0' : fraction.front();
    if (!fraction.empty()) fraction.erase(0, 1);
  }
  for (; exponent < 0; ++exponent) {
    fraction.insert(fraction.begin(), whole.empty() ? '0' : whole.back());
    if (!whole.empty()) whole.pop_back();
  }
  const auto first = whole.find_first_not_of('0');
  whole = first == std::string::npos ? "0" : whole.substr(first);
  return sign + whole + (fraction.empty() ? "" : "." + fraction);
}

// A number setting as the text a merchant typed, or nothing for a value that is no number's
// text (true, a list).
std::optional<std::string> setting_text(const Value* value) {
  if (!value || value->is_null()) return std::string();
  if (value->is_string()) return std::string(value->text());
  if (value->is_number()) return plain_decimal(value->raw());
  return std::nullopt;
}

// A decimal text ("50", "49.99") as an integer count of 10^-exponent units: the whole part
// times 10^exponent plus the first `exponent` decimals, further decimals cut. 0 for anything
// but a plain non-negative decimal with at most 12 whole digits, which every caller refuses.
// Integer arithmetic only, so a threshold never goes through floating point. Decimals that are
// not digits make the text invalid (the editor's number field never writes them).
int64_t minor_units_of(std::string_view text, int exponent) {
  text = strip(text);
  // Liquid's split('.') drops trailing empty parts: "5." and "5.." are "5".
  while (!text.empty() && text.back() == '.') text.remove_suffix(1);
  const auto point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  if (fraction.find('.') != std::string_view::npos) return 0;
  // "007", "+5", "-5", "1e3": Liquid's round trip through a number refused them (the whole
  // part must read back as itself).
  if (whole.empty() || whole.size() > kMaxWholeDigits || !all_digits(whole) ||
      (whole.size() > 1 && whole.front() == '0') || !all_digits(fraction)) {
    return 0;
  }
  int64_t units = 0;
  for (char c : whole) units = units * 10 + (c - '0');
  for (int i = 0; i < exponent; ++i) {
    units = units * 10 + (static_cast<std::size_t>(i) < fraction.size() ? fraction[i] - '0' : 0);
  }
  return units;
}

int64_t minor_units_of(const Value* value, int exponent) {
  const auto typed = setting_text(value);
  return typed ? minor_units_of(*typed, exponent) : 0;
}

// The drawer embed's schema gives tier 1 a threshold of 50 (blocks/tiercart-embed.liquid);
// every other bar setting's default is what a blank value reads as below. The theme tests
// compare this with the schema through the rendered Liquid.
constexpr std::string_view kDrawerTier1Threshold = "50";

// A text setting as Liquid's `| strip` gave it: other JSON types read as empty.
std::string text_setting(const Value* value) {
  if (!value || !value->is_string()) return std::string();
  return std::string(strip(value->text()));
}

// A select setting's value; `fallback` when blank (Liquid's `| default:`).
std::string choice(const Value* value, std::string_view fallback) {
  if (is_blank(value)) return std::string(fallback);
  if (value->is_string()) return std::string(value->text());
  return std::string(value->raw());
}

struct Notices {
  std::vector<ThemeNotice>& list;
  std::vector<std::string>& handles;  // ThemeProgram::product_handles
  void add(std::string severity, std::string code, std::string message, std::string path,
           std::string bar = "", int tier = 0) {
    list.push_back({std::move(severity), std::move(code), std::move(message), std::move(path),
                    std::move(bar), tier});
  }
};

// One block's settings object, and where it is in the file.
struct Block {
  const Value* settings = nullptr;
  std::string path;  // of the settings object
  bool drawer = false;
  const Value* get(std::string_view key) const {
    return settings && settings->is_object() ? settings->find(key) : nullptr;
  }
  // Whether the file leaves `key` out: Shopify then gives Liquid the schema's default.
  // (A null value is there: the merchant cleared the field.)
  bool lacks(std::string_view key) const { return get(key) == nullptr; }
  std::string path_of(std::string_view key) const { return key_path(path, key); }
};

// The free_gift reward of tier `n`, or nothing (with the notices saying why).
std::optional<Reward> gift_reward(const Block& block, int n, const ThemeOptions& options,
                                  const std::string& bar_id, Notices& notices, std::string& label) {
  const std::string key = "t" + std::to_string(n) + "_gifts";
  const Value* handles = block.get(key);
  // The products Liquid would have seen: the handles the shop still has.
  std::vector<const ThemeProduct*> products;
  if (handles && handles->is_array()) {
    for (std::size_t i = 0; i < handles->size(); ++i) {
      const Value& handle = (*handles)[i];
      if (!handle.is_string()) continue;
      const std::string name(handle.text());
      if (std::find(notices.handles.begin(), notices.handles.end(), name) ==
          notices.handles.end()) {
        notices.handles.push_back(name);
      }
      const auto found = options.catalog.find(name);
      if (found == options.catalog.end()) {
        notices.add("warning", "unknown_product",
                    "tier " + std::to_string(n) + ": no product \"" + std::string(handle.text()) +
                        "\" in the catalog; it is left out of the gifts",
                    index_path(block.path_of(key), i), bar_id, n);
        continue;
      }
      products.push_back(&found->second);
    }
  }
  Reward reward;
  reward.type = RewardType::kFreeGift;
  for (std::size_t i = 0; i < products.size() && i < kGiftsLimit; ++i) {
    if (!products[i]->variant_id) continue;  // sold out: no variant to give
    reward.gifts.push_back({*products[i]->variant_id, products[i]->product_id, products[i]->title});
  }
  if (reward.gifts.empty()) {
    notices.add("warning", "no_gifts",
                "tier " + std::to_string(n) +
                    " is left out: choose at least one gift product (available to sell)",
                block.path_of(key), bar_id, n);
    return std::nullopt;
  }
  label = products.size() == 1 ? products.front()->title : options.texts.free_gift;
  return reward;
}

// A tier's countries with their own threshold (program-format.md section 11.1), as a merchant
// types them in the short text setting tN_countries: "CA:150, AU:100", amounts in the shop
// currency like the threshold (type 150 for 150.00), codes in either case. An entry that is not
// a country and a positive amount is left out with a notice; the rest are kept.
constexpr std::size_t kCountriesPerTier = 50;  // the format's limit (section 12)

std::map<std::string, int64_t> read_country_thresholds(const Block& block, int n, int exponent,
                                                       const std::string& bar_id,
                                                       Notices& notices) {
  std::map<std::string, int64_t> out;
  const std::string key = "t" + std::to_string(n) + "_countries";
  const std::string text = text_setting(block.get(key));
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view entry = strip(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (entry.empty()) continue;  // "CA:150," or ", ,"
    const auto colon = entry.find(':');
    const std::string country =
        detail::upper(strip(entry.substr(0, std::min(colon, entry.size()))));
    const int64_t amount =
        colon == std::string_view::npos ? 0 : minor_units_of(entry.substr(colon + 1), exponent);
    const bool is_country = country.size() == 2 && country[0] >= 'A' && country[0] <= 'Z' &&
                            country[1] >= 'A' && country[1] <= 'Z';
    if (!is_country || amount <= 0 || amount > kMaxAmount) {
      notices.add("warning", "bad_country_threshold",
                  "tier " + std::to_string(n) + ": \"" + std::string(entry) +
                      "\" is left out: write a two-letter country code, a colon and a positive "
                      "amount (CA:150)",
                  block.path_of(key), bar_id, n);
      continue;
    }
    if (out.size() == kCountriesPerTier && !out.count(country)) {
      notices.add("warning", "bad_country_threshold",
                  "tier " + std::to_string(n) + ": " + country +
                      " is left out: a tier has at most " + std::to_string(kCountriesPerTier) +
                      " countries with their own threshold",
                  block.path_of(key), bar_id, n);
      continue;
    }
    out[country] = amount;  // a country written twice: the last amount, as typed last
  }
  return out;
}

// Every country's thresholds must rise as the tiers' own do (check_program's overlapping_tiers):
// a country amount that breaks the order is left out, on the later tier when it lists the
// country, else on the earlier one (whose own threshold is below the later tier's), until none
// does. `numbers` are the tiers' setting numbers (tN_), for the notices.
void keep_countries_ascending(std::vector<Tier>& tiers, const std::vector<int>& numbers,
                              const Block& block, const std::string& bar_id, Notices& notices) {
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = 1; i < tiers.size() && !changed; ++i) {
      std::set<std::string> countries;
      for (const auto& entry : tiers[i - 1].thresholds_by_country) countries.insert(entry.first);
      for (const auto& entry : tiers[i].thresholds_by_country) countries.insert(entry.first);
      for (const auto& country : countries) {
        if (threshold_for_country(tiers[i - 1], country) <
            threshold_for_country(tiers[i], country)) {
          continue;
        }
        const std::size_t at = tiers[i].thresholds_by_country.count(country) ? i : i - 1;
        tiers[at].thresholds_by_country.erase(country);
        const std::string n = std::to_string(numbers[at]);
        notices.add("warning", "not_ascending",
                    "tier " + n + ": " + country +
                        " is left out: in each country a tier's threshold must be higher than "
                        "the tier before it",
                    block.path_of("t" + n + "_countries"), bar_id, numbers[at]);
        changed = true;
        break;
      }
    }
  }
}

// One bar from one block's settings, or nothing when no tier is usable.
std::optional<Bar> read_bar(const Block& block, const std::string& bar_id, int exponent,
                            const ThemeOptions& options, const std::string& locale,
                            Notices& notices) {
  Bar bar;
  bar.id = bar_id;
  const std::string metric = choice(block.get("metric"), "spend");
  if (metric == "quantity") {
    bar.metric = Metric::kQuantity;
  } else if (metric != "spend") {
    notices.add("warning", "bad_setting",
                "the bar counts spend: \"" + metric + "\" is neither spend nor quantity",
                block.path_of("metric"), bar_id);
  }
  const bool items = bar.metric == Metric::kQuantity;
  const int unit_exponent = items ? 0 : exponent;
  const int64_t max_threshold = items ? kMaxItems : kMaxAmount;

  int64_t previous = 0;
  std::vector<int> numbers;  // each kept tier's n
  for (int n = 1; n <= kTiersPerBar; ++n) {
    const std::string prefix = "t" + std::to_string(n) + "_";
    const Value* raw_threshold = block.get(prefix + "threshold");
    const bool schema_default = block.drawer && n == 1 && block.lacks(prefix + "threshold");
    if (is_blank(raw_threshold) && !schema_default) continue;
    const std::string threshold_path = block.path_of(prefix + "threshold");
    const int64_t threshold = schema_default ? minor_units_of(kDrawerTier1Threshold, unit_exponent)
                                             : minor_units_of(raw_threshold, unit_exponent);
    if (threshold <= 0 || threshold > max_threshold) {
      notices.add("warning", "bad_threshold",
                  "tier " + std::to_string(n) +
                      " is left out: its threshold must be a positive number (at most 1,000,000 "
                      "items for an item-count bar)",
                  threshold_path, bar_id, n);
      continue;
    }
    if (threshold <= previous) {
      notices.add("warning", "not_ascending",
                  "tier " + std::to_string(n) +
                      " is left out: its threshold must be higher than the tier before it",
                  threshold_path, bar_id, n);
      continue;
    }

    const std::string reward_type = choice(block.get(prefix + "reward"), "free_shipping");
    std::string label;
    Reward reward;
    if (reward_type == "free_gift") {
      auto gifts = gift_reward(block, n, options, bar_id, notices, label);
      if (!gifts) continue;
      reward = std::move(*gifts);
    } else if (reward_type == "gift_card") {
      // A gift card is money whatever the bar counts: the shop currency's exponent.
      reward.type = RewardType::kGiftCard;
      reward.amount = minor_units_of(block.get(prefix + "amount"), exponent);
      if (reward.amount <= 0 || reward.amount > kMaxAmount) {
        notices.add("warning", "no_amount",
                    "tier " + std::to_string(n) + " is left out: enter the gift card amount",
                    block.path_of(prefix + "amount"), bar_id, n);
        continue;
      }
      label = options.texts.gift_card;
    } else {
      // Any other value is free shipping, the select's default, as the Liquid's `else` had it.
      reward.type = RewardType::kFreeShipping;
      label = options.texts.free_shipping;
    }

    Tier tier;
    tier.id = bar_id + "-tier-" + std::to_string(n);
    tier.threshold = threshold;
    tier.reward = std::move(reward);
    std::string progress = text_setting(block.get(prefix + "message"));
    if (progress.empty()) progress = options.texts.progress;
    TierTexts texts{std::move(label), std::move(progress), options.texts.unlocked};
    if (!texts.label.empty() || !texts.progress.empty() || !texts.unlocked.empty()) {
      tier.texts.emplace(locale, std::move(texts));
    }
    if (items) {
      if (!text_setting(block.get(prefix + "countries")).empty()) {
        notices.add("warning", "bad_setting",
                    "tier " + std::to_string(n) +
                        ": thresholds by country are for spend bars; an item-count bar ignores "
                        "them",
                    block.path_of(prefix + "countries"), bar_id, n);
      }
    } else {
      tier.thresholds_by_country = read_country_thresholds(block, n, exponent, bar_id, notices);
    }
    bar.tiers.push_back(std::move(tier));
    numbers.push_back(n);
    previous = threshold;
  }
  keep_countries_ascending(bar.tiers, numbers, block, bar_id, notices);

  const std::string scope = choice(block.get("scope"), "all");
  if (scope == "include" || scope == "exclude") {
    const Value* collection = block.get("collection");
    if (is_blank(collection) || !collection->is_string()) {
      notices.add("warning", "no_collection",
                  "choose a collection, or every product counts toward the bar",
                  block.path_of("collection"), bar_id);
    } else {
      Selector& selector = scope == "include" ? bar.scope.include : bar.scope.exclude;
      selector.collections.emplace_back(collection->text());
    }
  } else if (scope == "full_price") {
    // Every product not on sale (program-format.md section 4, sale_items).
    bar.scope.sale_items = false;
  } else if (scope != "all") {
    notices.add(
        "warning", "bad_setting",
        "every product counts: \"" + scope + "\" is not all, full_price, include or exclude",
        block.path_of("scope"), bar_id);
  }
  const std::string complete = text_setting(block.get("complete"));
  if (!complete.empty()) bar.complete_texts.emplace(locale, complete);

  if (bar.tiers.empty()) return std::nullopt;
  return bar;
}

// "shopify://apps/<app>/blocks/<block>/<uuid>" -> <block> when <app> is ours; else empty.
std::string_view our_block_handle(std::string_view type, std::string_view app_handle) {
  constexpr std::string_view kPrefix = "shopify://apps/";
  if (type.substr(0, kPrefix.size()) != kPrefix) return {};
  type.remove_prefix(kPrefix.size());
  const auto slash = type.find('/');
  if (slash == std::string_view::npos || type.substr(0, slash) != app_handle) return {};
  type.remove_prefix(slash + 1);
  constexpr std::string_view kBlocks = "blocks/";
  if (type.substr(0, kBlocks.size()) != kBlocks) return {};
  type.remove_prefix(kBlocks.size());
  return type.substr(0, type.find('/'));
}

// The editor's comment header ("/* ... auto-generated ... */"), and the space around it.
Result<std::string_view> without_comment(std::string_view text) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  if (text.substr(0, 2) != "/*") return text;
  const auto end = text.find("*/", 2);
  if (end == std::string_view::npos) {
    return make_error("invalid_json", "settings_data.json: its opening comment is never closed");
  }
  return text.substr(end + 2);
}

const char* const kBlockHandles[] = {"tiercart-embed", "tiercart-bar-2", "tiercart-bar-3"};
const char* const kBarIds[] = {"bar-1", "bar-2", "bar-3"};

}  // namespace

Result<ThemeProgram> theme_program(std::string_view settings_data, const ThemeOptions& options) {
  if (options.currency.empty()) {
    return make_error("missing_field", "options: the shop currency is required", "$.currency");
  }
  const auto exponent = minor_units(options.currency);
  if (!exponent) {
    return make_error("unknown_currency",
                      "options: the shop currency \"" + options.currency.substr(0, 16) +
                          "\" is not an ISO 4217 code the core knows",
                      "$.currency");
  }
  if (!detail::is_id(options.program_id)) {
    return make_error("invalid_value", "options: program_id is not an id", "$.program_id");
  }
  if (options.version < 1) {
    return make_error("out_of_range", "options: version is 1 or more", "$.version");
  }
  auto json = without_comment(settings_data);
  if (!json) return json.error();
  auto doc = detail::parse_document(json.value(), "settings_data.json");
  if (!doc) return doc.error();
  const Value& root = doc.value().root();

  // `current` is the settings in use, or the name of the preset they are.
  const Value* current = root.find("current");
  std::string current_path = "$.current";
  if (current && current->is_string()) {
    const Value* presets = root.find("presets");
    const Value* preset =
        presets && presets->is_object() ? presets->find(current->text()) : nullptr;
    if (!preset || !preset->is_object()) {
      return make_error("unknown_preset",
                        "settings_data.json: current names the preset \"" +
                            std::string(current->text()).substr(0, 64) + "\", which presets lacks",
                        "$.current");
    }
    current_path = key_path("$.presets", current->text());
    current = preset;
  }
  if (current && !current->is_object()) {
    return make_error("invalid_type",
                      "settings_data.json: current is an object or the name of a preset",
                      "$.current");
  }

  ThemeProgram result;
  Notices notices{result.notices, result.product_handles};
  const std::string blocks_path = key_path(current_path, "blocks");
  const Value* blocks = current ? current->find("blocks") : nullptr;
  if (blocks && !blocks->is_null() && !blocks->is_object()) {
    return make_error("invalid_type", "settings_data.json: blocks is an object", blocks_path);
  }

  // The first enabled embed of each of ours, in the file's order.
  Block found[3];
  if (blocks && blocks->is_object()) {
    for (const Value& block : blocks->members()) {
      if (!block.is_object()) continue;
      const Value* type = block.find("type");
      if (!type || !type->is_string()) continue;
      const std::string_view handle = our_block_handle(type->text(), options.app_handle);
      const Value* disabled = block.find("disabled");
      if (handle.empty() || (disabled && disabled->is_boolean() && disabled->boolean())) continue;
      for (int i = 0; i < 3; ++i) {
        if (handle != kBlockHandles[i]) continue;
        const std::string path = key_path(blocks_path, block.key());
        if (!found[i].path.empty()) {
          notices.add("warning", "duplicate_embed",
                      std::string(kBlockHandles[i]) + " is enabled twice; the first one is used",
                      path, kBarIds[i]);
          continue;
        }
        const Value* settings = block.find("settings");
        found[i].settings = settings;
        found[i].path = key_path(path, "settings");
        found[i].drawer = i == 0;
      }
    }
  }
  if (found[0].path.empty()) {
    notices.add("error", "no_embed",
                "the tiercart drawer embed is not enabled (or not saved) in this theme: the "
                "storefront uses none of its settings",
                blocks_path);
    return result;
  }

  Program program;
  program.id = options.program_id;
  program.version = options.version;
  program.currency = options.currency;
  program.default_locale = options.locale.empty() ? "en" : options.locale;
  const std::string basis = choice(found[0].get("basis"), "after_discounts");
  if (basis == "before_discounts") {
    program.basis = Basis::kBeforeDiscounts;
  } else if (basis != "after_discounts") {
    notices.add("warning", "bad_setting",
                "spend is measured after discounts: \"" + basis +
                    "\" is neither after_discounts nor before_discounts",
                found[0].path_of("basis"), kBarIds[0]);
  }
  for (int i = 0; i < 3; ++i) {
    if (found[i].path.empty()) continue;
    auto bar = read_bar(found[i], kBarIds[i], *exponent, options, program.default_locale, notices);
    if (bar) program.bars.push_back(std::move(*bar));
  }
  if (!program.bars.empty()) result.program = std::move(program);
  return result;
}

namespace {

using detail::ObjectReader;

}  // namespace

Result<ThemeOptions> parse_theme_options(std::string_view json) {
  auto doc = detail::parse_document(json, "theme program options");
  if (!doc) return doc.error();
  ThemeOptions options;
  ObjectReader r(doc.value().root(), "$", "theme program options");
  r.reject_unknown(
      {"app_handle", "currency", "locale", "program_id", "version", "catalog", "texts"});
  if (auto app = r.string("app_handle")) options.app_handle = *app;
  options.currency = r.string("currency").value_or("");
  if (auto locale = r.string("locale"); locale && !locale->empty()) options.locale = *locale;
  if (auto id = r.string("program_id")) options.program_id = *id;
  options.version = r.integer_in("version", 1, INT64_MAX).value_or(1);
  if (const Value* catalog = r.object("catalog")) {
    const ObjectReader all(*catalog, r, "catalog");
    for (auto it = catalog->begin(); it != catalog->end() && !r.failed(); ++it) {
      ObjectReader p(it.value(), all, it.key());
      p.reject_unknown({"product_id", "variant_id", "title"});
      ThemeProduct product;
      product.product_id = p.integer_in("product_id", 1, INT64_MAX, /*required=*/true).value_or(0);
      product.variant_id = p.integer_in("variant_id", 1, INT64_MAX);
      product.title = p.string("title").value_or("");
      if (p.failed()) return p.error();
      options.catalog.emplace(std::string(it.key()), std::move(product));
    }
  }
  if (const Value* texts = r.object("texts")) {
    ObjectReader t(*texts, r, "texts");
    t.reject_unknown({"labels", "progress", "unlocked"});
    if (const Value* labels = t.object("labels")) {
      ObjectReader l(*labels, t, "labels");
      l.reject_unknown({"free_shipping", "free_gift", "gift_card"});
      options.texts.free_shipping = l.string("free_shipping").value_or("");
      options.texts.free_gift = l.string("free_gift").value_or("");
      options.texts.gift_card = l.string("gift_card").value_or("");
      if (l.failed()) return l.error();
    }
    options.texts.progress = t.string("progress").value_or("");
    options.texts.unlocked = t.string("unlocked").value_or("");
    if (t.failed()) return t.error();
  }
  if (r.failed()) return r.error();
  return options;
}

std::string to_json(const ThemeProgram& result) {
  JsonWriter w(4096);
  w.begin_object().key("storefront");
  if (result.program) {
    w.raw(to_json(*result.program, ProgramTexts::kWith));
  } else {
    w.null();
  }
  w.key("checkout");
  if (result.program) {
    w.raw(to_json(*result.program, ProgramTexts::kWithout));
  } else {
    w.null();
  }
  w.key("notices").begin_array();
  for (const auto& notice : result.notices) {
    w.begin_object()
        .field("severity", notice.severity)
        .field("code", notice.code)
        .field("message", notice.message)
        .field("path", notice.path);
    w.key("bar");
    if (notice.bar.empty()) {
      w.null();
    } else {
      w.text(notice.bar);
    }
    w.key("tier");
    if (notice.tier == 0) {
      w.null();
    } else {
      w.number(notice.tier);
    }
    w.end_object();
  }
  w.end_array().end_object();
  return w.take();
}

Result<std::string> theme_program_json(std::string_view settings_data,
                                       std::string_view options_json) {
  auto options = parse_theme_options(options_json);
  if (!options) return options.error();
  auto result = theme_program(settings_data, options.value());
  if (!result) return result.error();
  return to_json(result.value());
}

}  // namespace tiercart
