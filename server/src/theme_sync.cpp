#include "theme_sync.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

#include "responses.h"
#include "service.h"
#include "tiercart/function.h"
#include "tiercart/theme_program.h"
#include "tiercart/tiercart.h"
#include "tiercart/time_zones.h"

namespace tiercart::server {
namespace {

// Settings (Store::put_setting) the sync keeps per shop.
constexpr const char* kIdsKey = "shopify_ids";              // the Functions' owners
constexpr const char* kThemeKey = "theme_sync";             // what the last sync read and why
constexpr const char* kLiveKey = "live_program";            // what the merchant last made live
constexpr const char* kPublishedKey = "published_program";  // what the outbox was handed
// What a publication writes: 2 added the schedule moments to the Functions' input variables.
// A live program published by an earlier format is published again, so that the Functions'
// input queries find every variable they declare.
constexpr int kPublicationFormat = 2;

constexpr std::size_t kFunctionMetafieldBytes = 10000;  // SHOPIFY.md section 12

constexpr const char* kThemeQuery = R"graphql(
query TiercartThemeSettings {
  shop { currencyCode }
  themes(first: 1, roles: [MAIN]) {
    nodes {
      id
      files(filenames: ["config/settings_data.json"]) {
        nodes { filename body { ... on OnlineStoreThemeFileBodyText { content } } }
      }
    }
  }
})graphql";

constexpr const char* kProductsQuery = R"graphql(
query TiercartGiftProducts($query: String!, $first: Int!) {
  products(first: $first, query: $query) {
    nodes { id handle title variants(first: 10) { nodes { id availableForSale } } }
  }
})graphql";

// Handles asked for in one products query: its cost (about 14 points a product with ten
// variants) stays well under the 1,000 points one query may cost.
constexpr std::size_t kHandlesPerQuery = 40;

// The shop's time zone turns the program's schedule moments into the local times checkout is
// asked about (function_input_variables).
constexpr const char* kInstallationQuery =
    "query { currentAppInstallation { id } shop { ianaTimezone } }";

constexpr const char* kDiscountCreate = R"graphql(
mutation TiercartDiscountCreate($discount: DiscountAutomaticAppInput!) {
  discountAutomaticAppCreate(automaticAppDiscount: $discount) {
    automaticAppDiscount { discountId }
    userErrors { field message code }
  }
})graphql";

// The app discounts and validations this app made: each is created with the `$app:tiercart`
// metafield `owner`, which only this app can read, so one made by a call whose answer was lost
// (a timeout, a crash before its id was stored) is found rather than made again.
constexpr const char* kOwnFunctionsQuery = R"graphql(
query TiercartOwnFunctions {
  discountNodes(first: 50, query: "type:app") {
    nodes { id metafield(namespace: "$app:tiercart", key: "owner") { value } }
  }
  validations(first: 25) {
    nodes { id metafield(namespace: "$app:tiercart", key: "owner") { value } }
  }
})graphql";
constexpr const char* kOwnerValue = "tiercart";

constexpr const char* kValidationCreate = R"graphql(
mutation TiercartValidationCreate($validation: ValidationCreateInput!) {
  validationCreate(validation: $validation) { validation { id } userErrors { field message code } }
})graphql";

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string iso_time(int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

Json setting_json(Store& store, const std::string& shop, const char* key) {
  auto value = store.get_setting(shop, key);
  if (!value || !value.value()) return Json::object();
  Json parsed = Json::parse(*value.value(), nullptr, false);
  return parsed.is_object() ? parsed : Json::object();
}

// Liquid's "{{ name }}" written as the program format reads placeholders: "{{name}}".
std::string tight_placeholders(const std::string& text) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const std::size_t open = text.find("{{", at);
    const std::size_t close = open == std::string::npos ? open : text.find("}}", open + 2);
    if (close == std::string::npos) return out + text.substr(at);
    std::string inner = text.substr(open + 2, close - open - 2);
    inner.erase(0, inner.find_first_not_of(' '));
    inner.erase(inner.find_last_not_of(' ') + 1);
    out += text.substr(at, open - at) + "{{" + inner + "}}";
    at = close + 2;
  }
}

// A product handle as Shopify makes them (lower case letters, digits, '-' and '_'): only such
// a handle is put in a search query; any other is left for the core to report as unknown.
bool plain_handle(const std::string& handle) {
  if (handle.empty() || handle.size() > 255 || handle[0] == '-' || handle[0] == '_') return false;
  return handle.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos;
}

// The extension's default texts for `locale` (theme-extension/locales/<locale>[.default].json),
// with Liquid's "{{ name }}" placeholders written as the program format reads them.
ThemeTexts locale_texts(const std::string& dir, const std::string& locale) {
  ThemeTexts texts;
  Json file;
  for (const std::string& name :
       {locale + ".json", locale + ".default.json", std::string("en.default.json")}) {
    std::ifstream in(dir + "/" + name);
    if (!in) continue;
    std::stringstream buffer;
    buffer << in.rdbuf();
    file = Json::parse(buffer.str(), nullptr, false);
    if (file.is_object()) break;
  }
  if (!file.is_object()) return texts;
  auto text = [&](const char* pointer) {
    const Json value = value_at(file, Json::json_pointer(pointer), Json());
    return value.is_string() ? tight_placeholders(value.get<std::string>()) : std::string();
  };
  texts.free_shipping = text("/tiercart/rewards/free_shipping");
  texts.free_gift = text("/tiercart/rewards/free_gift");
  texts.gift_card = text("/tiercart/rewards/gift_card");
  texts.progress = text("/tiercart/messages/progress");
  texts.unlocked = text("/tiercart/messages/unlocked");
  return texts;
}

// What the storefront needs from the Admin API beside the program (the delivery reads the
// facts themselves, so they are as fresh as the write): the gift variants, whose products'
// handles let Liquid read them with all_products, and the collections the bars name, whose
// products the drawer judges when they are not in the cart yet (outbox_writes.cpp).
Json storefront_facts(const Json& installation, const ProgramRecord& record, const Program& program,
                      const std::string& theme_checkout) {
  std::vector<int64_t> gift_variants;
  std::vector<std::string> collections;
  auto add = [](auto& list, const auto& item) {
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
  };
  for (const Bar& bar : program.bars) {
    for (const auto& handle : bar.scope.include.collections) add(collections, handle);
    for (const auto& handle : bar.scope.exclude.collections) add(collections, handle);
    for (const Tier& tier : bar.tiers) {
      if (tier.reward.type != RewardType::kFreeGift) continue;
      for (const Gift& gift : tier.reward.gifts) {
        if (gift.variant_id > 0) add(gift_variants, gift.variant_id);
      }
    }
  }
  Json payload = {{"installation", installation},
                  {"program", {{"id", record.id}, {"version", record.version}}},
                  {"shop_currency", program.currency},
                  {"gift_variants", gift_variants},
                  {"collections", collections}};
  if (!theme_checkout.empty()) payload["theme_checkout"] = theme_checkout;
  return payload;
}

std::string error_text(const Error& error) { return error.code + ": " + error.message; }

// The digest of the checkout program a theme's settings give (none: "null"), as the storefront
// computes it from the settings it renders (web/drawer/theme-settings.js): SHA-256 of the
// program without texts, as JSON with sorted keys (nlohmann::json's own order). Published in the
// storefront's facts, it tells a page whether the theme was saved since the server read it.
std::string theme_digest(const std::optional<Program>& program) {
  if (!program) return sha256_hex("null");
  const Json canonical = Json::parse(to_json(*program, ProgramTexts::kWithout), nullptr, false);
  return sha256_hex(canonical.dump(-1, ' ', false, Json::error_handler_t::replace));
}

}  // namespace

ThemeSync::ThemeSync(const Config& config, Store& store, AdminApi& api, Outbox& outbox,
                     TokenSource token)
    : config_(config), store_(store), api_(api), outbox_(outbox), token_(std::move(token)) {}

ThemeSync::~ThemeSync() { stop(); }

void ThemeSync::start() {
  if (!worker_.joinable()) worker_ = std::thread([this] { run(); });
}

void ThemeSync::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
}

bool ThemeSync::request(const std::string& shop, bool force) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) return false;
  const int64_t now = steady_ms();
  auto last = requested_at_.find(shop);
  if (!force && (queued_.count(shop) || deferred_.count(shop))) return false;
  const int64_t interval = config_.theme_sync_interval_ms;
  if (!force && last != requested_at_.end() && now - last->second < interval) {
    deferred_[shop] = last->second + interval;
    ++deferrals_;
    wake_.notify_all();
    return true;
  }
  requested_at_[shop] = now;
  deferred_.erase(shop);
  if (queued_.insert(shop).second) queue_.push_back(shop);
  wake_.notify_all();
  return true;
}

void ThemeSync::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [&] { return stopping_ || (queue_.empty() && !busy_); });
}

void ThemeSync::run() {
  int64_t next_poll = steady_ms() + config_.theme_poll_ms;
  std::string poll_after;  // shops are polled in pages, in hostname order
  while (true) {
    std::string shop;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      busy_ = false;
      idle_.notify_all();
      int64_t wake_at = next_poll;
      for (const auto& [deferred_shop, due] : deferred_) wake_at = std::min(wake_at, due);
      const uint64_t deferrals = deferrals_;
      wake_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(0, wake_at - steady_ms())),
                     [&] { return stopping_ || !queue_.empty() || deferrals_ != deferrals; });
      if (stopping_) return;
      // Deferred requests whose interval has ended join the queue.
      const int64_t now = steady_ms();
      for (auto it = deferred_.begin(); it != deferred_.end();) {
        if (it->second > now) {
          ++it;
          continue;
        }
        requested_at_[it->first] = now;
        if (queued_.insert(it->first).second) queue_.push_back(it->first);
        it = deferred_.erase(it);
      }
      if (!queue_.empty()) {
        shop = queue_.front();
        queue_.pop_front();
        queued_.erase(shop);
        busy_ = true;
      } else if (now < next_poll) {
        continue;  // woken for a deferred sync that is not due yet
      }
    }
    if (shop.empty()) {
      // The poll: every installed shop in turn, a page at a time, so that a theme saved
      // while no storefront reported it still reaches checkout.
      auto shops = store_.list_shops("installed", poll_after, 100);
      if (shops && !shops.value().empty()) {
        poll_after = shops.value().back();
        for (const auto& s : shops.value()) request(s, true);
      } else {
        poll_after.clear();
        next_poll = steady_ms() + config_.theme_poll_ms;
      }
      continue;
    }
    auto synced = sync(shop);
    if (!synced && synced.error().code != "not_installed" &&
        synced.error().code != "install_disabled") {
      std::fprintf(stderr, "tiercart-server: theme sync of %s: %s\n", shop.c_str(),
                   error_text(synced.error()).c_str());
    }
  }
}

Result<Json> ThemeSync::function_owners(const std::string& shop, const std::string& token) {
  Json ids = setting_json(store_, shop, kIdsKey);
  auto save = [&]() -> Status {
    auto saved = store_.put_setting(shop, kIdsKey, ids.dump());
    if (!saved) return saved.error();
    return true;
  };
  if (!ids.contains("installation") || !ids.contains("timezone")) {
    auto data = api_.call(shop, token, kInstallationQuery, Json::object(), 2);
    if (!data) return data.error();
    const Json id = value_at(data.value(), "/currentAppInstallation/id"_json_pointer, Json());
    if (!id.is_string()) return make_error("shopify_invalid_answer", "no app installation id");
    const Json zone = value_at(data.value(), "/shop/ianaTimezone"_json_pointer, Json());
    if (!zone.is_string()) return make_error("shopify_invalid_answer", "no shop time zone");
    ids["installation"] = id;
    ids["timezone"] = zone;
    if (auto saved = save(); !saved) return saved.error();
  }
  // Created once per shop. Before creating, the ones this app made are looked for: a process
  // killed between Shopify's answer and the save below, or an answer that never came, left
  // one the app does not know yet, which is adopted rather than made again.
  if (!ids.contains("discount") || !ids.contains("validation")) {
    auto found =
        api_.call(shop, token, kOwnFunctionsQuery, Json::object(), 2 + 50 * 2 + 2 + 25 * 2);
    if (!found) return found.error();
    for (const auto& [key, path] :
         {std::pair<const char*, const char*>{"discount", "/discountNodes/nodes"},
          std::pair<const char*, const char*>{"validation", "/validations/nodes"}}) {
      if (ids.contains(key)) continue;
      for (const Json& node : value_at(found.value(), Json::json_pointer(path), Json::array())) {
        if (value_at(node, "/metafield/value"_json_pointer, Json()) == kOwnerValue &&
            node.value("id", Json()).is_string()) {
          ids[key] = node["id"];
          break;
        }
      }
    }
    if (auto saved = save(); !saved) return saved.error();
  }
  const Json owner_metafield = Json::array({{{"namespace", "$app:tiercart"},
                                             {"key", "owner"},
                                             {"type", "single_line_text_field"},
                                             {"value", kOwnerValue}}});
  if (!ids.contains("discount")) {
    const Json discount = {
        {"title", "tiercart rewards"},
        {"functionHandle", "tiercart-discount"},
        {"startsAt", iso_time(now_ms())},
        {"discountClasses", {"PRODUCT", "SHIPPING"}},
        {"combinesWith",
         {{"orderDiscounts", true}, {"productDiscounts", true}, {"shippingDiscounts", true}}},
        {"metafields", owner_metafield}};
    auto data = api_.call(shop, token, kDiscountCreate, {{"discount", discount}});
    if (!data) return data.error();
    if (auto refused = user_errors(data.value(), "discountAutomaticAppCreate"); !refused) {
      return refused.error();
    }
    const Json id = value_at(
        data.value(), "/discountAutomaticAppCreate/automaticAppDiscount/discountId"_json_pointer,
        Json());
    if (!id.is_string()) return make_error("shopify_invalid_answer", "no discount id");
    ids["discount"] = id;
    if (auto saved = save(); !saved) return saved.error();
  }
  if (!ids.contains("validation")) {
    const Json validation = {{"title", "tiercart rewards"},
                             {"functionHandle", "tiercart-validation"},
                             {"enable", true},
                             {"blockOnFailure", false},
                             {"metafields", owner_metafield}};
    auto data = api_.call(shop, token, kValidationCreate, {{"validation", validation}});
    if (!data) return data.error();
    if (auto refused = user_errors(data.value(), "validationCreate"); !refused) {
      return refused.error();
    }
    const Json id = value_at(data.value(), "/validationCreate/validation/id"_json_pointer, Json());
    if (!id.is_string()) return make_error("shopify_invalid_answer", "no validation id");
    ids["validation"] = id;
    if (auto saved = save(); !saved) return saved.error();
  }
  return ids;
}

Result<std::vector<OutboxWrite>> ThemeSync::publication(const std::string& shop, const Json& ids,
                                                        const ProgramRecord& record,
                                                        const std::string& theme_checkout) {
  auto program = parse_program(record.document);
  if (!program) return program.error();
  const std::string checkout = to_json(program.value(), ProgramTexts::kWithout);
  if (checkout.size() > kFunctionMetafieldBytes) {
    return make_error("checkout_too_large",
                      "the checkout program is " + std::to_string(checkout.size()) +
                          " bytes; a Function reads at most 10,000",
                      "$");
  }
  // The zone is needed only for a program with schedules: a zone this machine's database
  // does not know stops the publication of those alone.
  auto zone = time_zone_offsets(ids.value("timezone", ""));
  const UtcOffsetAt offset_at =
      zone ? zone.value()
           : UtcOffsetAt([error = zone.error()](int64_t) -> Result<int32_t> { return error; });
  auto variables = function_input_variables(program.value(), offset_at);
  if (!variables) return variables.error();
  Json metafields = Json::array();
  for (const char* owner : {"discount", "validation"}) {
    metafields.push_back({{"ownerId", ids.at(owner)},
                          {"namespace", "$app:tiercart"},
                          {"key", "program"},
                          {"type", "json"},
                          {"value", checkout}});
    metafields.push_back({{"ownerId", ids.at(owner)},
                          {"namespace", "$app:tiercart"},
                          {"key", "input_variables"},
                          {"type", "json"},
                          {"value", variables.value()}});
  }
  metafields.push_back({{"ownerId", ids.at("installation")},
                        {"namespace", "tiercart"},
                        {"key", "program"},
                        {"type", "json"},
                        {"value", record.document}});
  // Each publication is its own decision (the same version may be made live again later):
  // the key names the moment; delivering it twice writes the same values twice.
  const std::string moment = record.id + ":" + std::to_string(record.version) + ":" +
                             std::to_string(now_ms()) + ":" +
                             sha256_hex(record.document).substr(0, 12);
  // Stored after the program's write: the outbox delivers a shop's writes in order, so the
  // facts reach the storefront after the program they were read for.
  return std::vector<OutboxWrite>{
      {shop, "metafields_set", "publish:" + moment, Json{{"metafields", metafields}}.dump()},
      {shop, "storefront_facts", "facts:" + moment,
       storefront_facts(ids.at("installation"), record, program.value(), theme_checkout).dump()}};
}

Result<bool> ThemeSync::activate(const std::string& shop, const ProgramRecord& program) {
  return activate_with(shop, program, setting_json(store_, shop, kThemeKey).value("read", ""));
}

Result<bool> ThemeSync::activate_with(const std::string& shop, const ProgramRecord& program,
                                      const std::string& theme_checkout) {
  const Json ids = setting_json(store_, shop, kIdsKey);
  const bool owners_known = ids.contains("installation") && ids.contains("timezone") &&
                            ids.contains("discount") && ids.contains("validation");
  std::vector<OutboxWrite> writes;
  if (owners_known) {
    auto made = publication(shop, ids, program, theme_checkout);
    if (!made) return made.error();
    writes = std::move(made).value();
  }
  auto activated = store_.activate_program(shop, program.id, program.version, writes);
  if (!activated || !activated.value()) return activated;
  const Json live = {{"id", program.id}, {"version", program.version}};
  if (auto saved = store_.put_setting(shop, kLiveKey, live.dump()); !saved) return saved.error();
  if (owners_known) {
    Json published = live;
    published["document"] = sha256_hex(program.document);
    published["format"] = kPublicationFormat;
    if (auto saved = store_.put_setting(shop, kPublishedKey, published.dump()); !saved) {
      return saved.error();
    }
    outbox_.wake();
  } else {
    request(shop, true);
  }
  return true;
}

// Hands the outbox the writes that publish the program the merchant last made live (only
// those of `kind` when given), with `theme_checkout` in its facts; the program, or none when
// no version is live.
Result<std::optional<ProgramRecord>> ThemeSync::publish_live_program(
    const std::string& shop, const Json& ids, const std::string& theme_checkout, const char* kind) {
  const Json live = setting_json(store_, shop, kLiveKey);
  if (!live.contains("id") || !live.contains("version")) return std::optional<ProgramRecord>();
  auto record =
      store_.find_program(shop, live["id"].get<std::string>(), live["version"].get<int64_t>());
  if (!record || !record.value()) return record;
  auto writes = publication(shop, ids, *record.value(), theme_checkout);
  if (!writes) return writes.error();
  for (const auto& write : writes.value()) {
    if (kind && write.kind != kind) continue;
    if (auto added = store_.add_write(write, now_ms()); !added) return added.error();
  }
  outbox_.wake();
  return record;
}

// Publishes the live program when the outbox was not handed it yet (the shop's Functions did
// not exist when it was made live).
Result<bool> ThemeSync::publish_live(const std::string& shop, const Json& ids,
                                     const std::string& theme_checkout) {
  const Json live = setting_json(store_, shop, kLiveKey);
  const Json published = setting_json(store_, shop, kPublishedKey);
  if (published.value("id", "") == live.value("id", Json()) &&
      published.value("version", 0) == live.value("version", Json()) &&
      published.value("format", 1) >= kPublicationFormat) {
    return false;
  }
  auto record = publish_live_program(shop, ids, theme_checkout, nullptr);
  if (!record) return record.error();
  if (!record.value()) return false;
  Json now_published = {{"id", record.value()->id}, {"version", record.value()->version}};
  now_published["document"] = sha256_hex(record.value()->document);
  now_published["format"] = kPublicationFormat;
  if (auto saved = store_.put_setting(shop, kPublishedKey, now_published.dump()); !saved) {
    return saved.error();
  }
  return true;
}

// Publishes the live program's facts again with the digest of the theme as last read, when
// the theme changed without a new publication (settings refused, or taken as seen while an app
// program is live): pages that render those settings then stop asking for a sync.
Result<bool> ThemeSync::publish_facts(const std::string& shop, const Json& ids,
                                      const std::string& theme_checkout) {
  auto record = publish_live_program(shop, ids, theme_checkout, "storefront_facts");
  if (!record) return record.error();
  return record.value().has_value();
}

Result<bool> ThemeSync::time_zone_changed(const std::string& shop, const std::string& zone) {
  Json ids = setting_json(store_, shop, kIdsKey);
  if (!ids.contains("installation") || ids.value("timezone", "") == zone) return false;
  ids["timezone"] = zone;
  if (auto saved = store_.put_setting(shop, kIdsKey, ids.dump()); !saved) return saved.error();
  if (!ids.contains("discount") || !ids.contains("validation")) return false;
  auto record = publish_live_program(
      shop, ids, setting_json(store_, shop, kThemeKey).value("read", ""), nullptr);
  if (!record) return record.error();
  return record.value().has_value();
}

Result<SyncReport> ThemeSync::sync(const std::string& shop) {
  auto token = token_(shop);
  if (!token) return token.error();
  auto ids = function_owners(shop, token.value());
  if (!ids) return ids.error();
  SyncReport report;
  Json state = setting_json(store_, shop, kThemeKey);
  auto finish = [&]() -> Result<SyncReport> {
    state["synced_at"] = now_ms();
    if (auto saved = store_.put_setting(shop, kThemeKey, state.dump()); !saved) {
      return saved.error();
    }
    // The storefront's facts carry the digest of the theme as read (state["read"]): handed
    // to the outbox with every publication, and on their own when only the theme changed.
    const std::string read = state.value("read", "");
    auto published = publish_live(shop, ids.value(), read);
    if (!published) return published.error();
    report.published = report.published || published.value();
    if (report.published) {
      state["facts_read"] = read;
    } else if (!read.empty() && state.value("facts_read", "") != read) {
      auto refreshed = publish_facts(shop, ids.value(), read);
      if (!refreshed) return refreshed.error();
      if (refreshed.value()) state["facts_read"] = read;
    }
    if (auto saved = store_.put_setting(shop, kThemeKey, state.dump()); !saved) {
      return saved.error();
    }
    const Json live = setting_json(store_, shop, kLiveKey);
    report.program_id = live.value("id", "");
    report.version = live.value("version", int64_t{0});
    return report;
  };
  auto refuse = [&](const std::string& reason) {
    state["error"] = reason;
    // Read, and nothing usable found: a later save of usable settings is a change.
    if (!state.contains("checkout")) state["checkout"] = "";
    report.error = reason;
    return finish();
  };

  auto theme = api_.call(shop, token.value(), kThemeQuery, Json::object(), 10);
  if (!theme) return theme.error();
  const Json& data = theme.value();
  const Json content =
      value_at(data, "/themes/nodes/0/files/nodes/0/body/content"_json_pointer, Json());
  state["read"] = theme_digest(std::nullopt);
  if (!content.is_string()) {
    return refuse("no_settings: the main theme has no config/settings_data.json");
  }
  const Json currency = value_at(data, "/shop/currencyCode"_json_pointer, Json());

  ThemeOptions options;
  options.app_handle = config_.app_handle;
  options.currency = currency.is_string() ? currency.get<std::string>() : std::string();
  options.locale = config_.theme_locale;
  options.program_id = kProgramId;
  options.texts = locale_texts(config_.theme_locales, config_.theme_locale);

  // The gift products the settings name by handle, resolved to ids in one query. A handle
  // that is not a plain handle is left for the core to report as unknown.
  auto first = theme_program(content.get_ref<const std::string&>(), options);
  if (!first) return refuse(error_text(first.error()));
  std::vector<std::string> handles;
  for (const auto& handle : first.value().product_handles) {
    if (plain_handle(handle)) handles.push_back(handle);
  }
  for (std::size_t from = 0; from < handles.size(); from += kHandlesPerQuery) {
    const std::size_t to = std::min(handles.size(), from + kHandlesPerQuery);
    std::string search;
    for (std::size_t i = from; i < to; ++i)
      search += (i > from ? " OR handle:" : "handle:") + handles[i];
    const int count = static_cast<int>(to - from);
    auto products = api_.call(shop, token.value(), kProductsQuery,
                              {{"query", search}, {"first", count}}, 2 + count * 14);
    if (!products) return products.error();
    for (const Json& product :
         value_at(products.value(), "/products/nodes"_json_pointer, Json::array())) {
      if (!product.is_object() || !product.value("handle", Json()).is_string()) continue;
      ThemeProduct found;
      found.product_id = gid_number(field_or(product, "id", std::string()));
      found.title = field_or(product, "title", std::string());
      for (const Json& variant : value_at(product, "/variants/nodes"_json_pointer, Json::array())) {
        if (field_or(variant, "availableForSale", false)) {
          found.variant_id = gid_number(field_or(variant, "id", std::string()));
          break;
        }
      }
      options.catalog[product["handle"].get<std::string>()] = found;
    }
  }

  auto converted = theme_program(content.get_ref<const std::string&>(), options);
  if (!converted) return refuse(error_text(converted.error()));
  state["read"] = theme_digest(converted.value().program);
  Json notices =
      Json::parse(to_json(converted.value()), nullptr, false).value("notices", Json::array());
  state["notices"] = notices;
  report.notices = notices.dump();
  if (!converted.value().program) {
    std::string reason = "no_program: no tier of the theme's settings can be used";
    for (const auto& notice : converted.value().notices) {
      if (notice.severity == "error") reason = notice.code + ": " + notice.message;
    }
    return refuse(reason);
  }
  Program program = *converted.value().program;
  // Checked as a program the merchant saves in the admin is: one the core refuses is not
  // published (the last good one stays live), and the admin page says why.
  {
    auto stored_context = store_.get_setting(shop, kContextKey);
    if (!stored_context) return stored_context.error();
    auto context = parse_shop_context(stored_context.value().value_or("{}"));
    if (!context) return refuse(error_text(context.error()));
    for (const Problem& problem : check_program(program, context.value())) {
      if (problem.severity == "error") {
        return refuse(problem.code + ": " + problem.message + " (" + problem.path + ")");
      }
    }
  }
  const std::string checkout = to_json(program, ProgramTexts::kWithout);
  const std::string storefront_digest = sha256_hex(to_json(program));
  const bool checkout_changed = state.value("checkout", "") != checkout;
  const bool texts_changed = state.value("storefront", "") != storefront_digest;
  state["error"] = "";
  if (!checkout_changed && !texts_changed) return finish();

  const Json live = setting_json(store_, shop, kLiveKey);
  const bool first_sync = !state.contains("checkout");
  state["checkout"] = checkout;
  state["storefront"] = storefront_digest;
  // On the first sync of a shop whose merchant made an app program live, the theme's
  // settings as found are taken as seen: only a later change of them goes live.
  if (first_sync && live.contains("id") && live["id"] != kProgramId) return finish();

  if (checkout_changed) {
    auto programs = store_.list_programs(shop);
    if (!programs) return programs.error();
    int64_t version = 0;
    for (const auto& stored : programs.value()) {
      if (stored.id == kProgramId) version = std::max(version, stored.version);
    }
    program.version = version + 1;
    ProgramRecord record{shop, kProgramId, program.version, to_json(program), false, now_ms()};
    if (auto added = store_.add_program(record); !added) return added.error();
    auto activated = activate_with(shop, record, state.value("read", ""));
    if (!activated) return refuse(error_text(activated.error()));
    report.published = true;
  } else if (live.value("id", "") == kProgramId) {
    // The same rewards with new texts: the storefront gets them under the live version, so
    // shoppers' gift lines (which name the version) stay valid.
    program.version = live.value("version", int64_t{1});
    ProgramRecord record{shop, kProgramId, program.version, to_json(program), true, now_ms()};
    auto writes = publication(shop, ids.value(), record, state.value("read", ""));
    if (!writes) return refuse(error_text(writes.error()));
    for (const auto& write : writes.value()) {
      if (auto added = store_.add_write(write, now_ms()); !added) return added.error();
    }
    outbox_.wake();
    report.published = true;
  }
  return finish();
}

}  // namespace tiercart::server
