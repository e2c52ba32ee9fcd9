#include "post_purchase.h"

#include <cstdio>

namespace tiercart::server {
namespace {

using http::Request;
using http::Response;

constexpr const char* kOffersKey = "post_purchase.offers";
constexpr const char* kPolicyKey = "post_purchase.edit_policy";
constexpr const char* kAddressOptionsKey = "post_purchase.address_options";

Result<std::shared_ptr<const OfferCatalog>> read_offers(std::string_view text) {
  auto catalog = parse_offer_catalog(text);
  if (!catalog) return catalog.error();
  return std::make_shared<const OfferCatalog>(std::move(catalog).value());
}

Result<std::shared_ptr<const EditPolicy>> read_policy(std::string_view text) {
  auto policy = parse_edit_policy(text);
  if (!policy) return policy.error();
  return std::make_shared<const EditPolicy>(std::move(policy).value());
}

// A setting saved earlier, read into `target`; absent leaves it as it is. One that this core
// no longer reads (saved by another version) is reported and left unset, so that the server
// still starts and the merchant can save it again.
template <typename T, typename Read>
Status load_setting(Store& store, const std::string& shop, const char* key, T& target, Read read) {
  auto saved = store.get_setting(shop, key);
  if (!saved) return saved.error();
  if (!saved.value()) return true;
  auto value = read(*saved.value());
  if (!value) {
    std::fprintf(stderr, "tiercart-server: the saved %s of %s is ignored: %s [%s at %s]\n", key,
                 shop.c_str(), value.error().message.c_str(), value.error().code.c_str(),
                 value.error().path.c_str());
    return true;
  }
  target = std::move(value).value();
  return true;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> extension_cors_headers(std::string_view path) {
  const bool customer = path.rfind("/customer-account/", 0) == 0;
  if (!customer && path.rfind("/post-purchase/", 0) != 0) return {};
  // The token travels in Authorization, which needs a preflight; no cookies are involved.
  return {{"Access-Control-Allow-Origin", "*"},
          {"Access-Control-Allow-Methods", customer ? "GET, POST, OPTIONS" : "POST, OPTIONS"},
          {"Access-Control-Allow-Headers", "Authorization, Content-Type"},
          {"Access-Control-Max-Age", "600"}};
}

bool same_price(const Json& claimed, const Money& price) {
  return claimed.is_object() && claimed.value("amount", Json()) == Json(price.amount) &&
         claimed.value("currency", Json()) == Json(price.currency);
}

Result<std::unique_ptr<PostPurchase>> PostPurchase::create(const Config& config, Store& store) {
  return std::unique_ptr<PostPurchase>(new PostPurchase(config, store));
}

std::optional<PostPurchase::Settings> PostPurchase::settings(const std::string& shop,
                                                             Response& res) {
  const int64_t now = steady_ms();
  {
    std::lock_guard<std::mutex> lock(settings_mutex_);
    auto found = settings_.find(shop);
    if (found != settings_.end() && now - found->second.loaded_at < kSettingsTtlMs) {
      return found->second;
    }
  }
  Settings settings;
  settings.loaded_at = now;
  for (Status loaded : {load_setting(store_, shop, kOffersKey, settings.offers, read_offers),
                        load_setting(store_, shop, kPolicyKey, settings.policy, read_policy),
                        load_setting(store_, shop, kAddressOptionsKey, settings.address_options,
                                     parse_address_options)}) {
    if (!loaded) {
      send_storage_error(res, "read the shop's settings", loaded.error());
      return std::nullopt;
    }
  }
  std::lock_guard<std::mutex> lock(settings_mutex_);
  settings_[shop] = settings;
  return settings;
}

void PostPurchase::routes(http::Router& router, Guard proxy_shop, Guard admin_shop) {
  // The post-purchase extension runs in Shopify's checkout, on another origin, and the
  // customer account extension on Shopify's: every answer they get, refusals included, carries
  // the CORS headers, or their browser hides it from them. The HTTP layer's own refusals (no
  // such route, a bound passed) add them too (Service::start).
  auto cors = [](const Request& req, Response& res) {
    for (const auto& [name, value] : extension_cors_headers(req.path)) res.set_header(name, value);
  };
  router.add("OPTIONS", R"(/post-purchase/(offer|sign-changeset))",
             http::Handler([cors](const Request& req, Response& res) {
               cors(req, res);
               res.status = 204;
             }));
  router.add("POST", "/post-purchase/offer",
             http::Handler([this, cors](const Request& req, Response& res) {
               cors(req, res);
               offer(req, res);
             }));
  router.add("POST", "/post-purchase/sign-changeset",
             http::Handler([this, cors](const Request& req, Response& res) {
               cors(req, res);
               sign_changeset(req, res);
             }));

  auto proxied = [this, proxy_shop](void (PostPurchase::*method)(const Request&, Response&)) {
    return http::Handler([this, proxy_shop, method](const Request& req, Response& res) {
      if (proxy_shop(req, res)) (this->*method)(req, res);
    });
  };
  router.add("GET", R"(/apps/tiercart/orders/(\d{1,18})/edits)", proxied(&PostPurchase::edit));
  router.add("POST", R"(/apps/tiercart/orders/(\d{1,18})/(address|cancel))",
             proxied(&PostPurchase::edit));

  // The same edits from the customer account extension (extensions/tiercart-order-status),
  // authenticated by its session token instead of the app proxy's signature.
  router.add("OPTIONS", R"(/customer-account/orders/(\d{1,18})/.*)",
             http::Handler([cors](const Request& req, Response& res) {
               cors(req, res);
               res.status = 204;
             }));
  auto customer = [this, cors](void (PostPurchase::*method)(const Request&, Response&)) {
    return http::Handler([this, cors, method](const Request& req, Response& res) {
      cors(req, res);
      (this->*method)(req, res);
    });
  };
  router.add("GET", R"(/customer-account/orders/(\d{1,18})/(edits))",
             customer(&PostPurchase::customer_edit));
  router.add("POST", R"(/customer-account/orders/(\d{1,18})/offers)",
             customer(&PostPurchase::customer_offers));
  router.add("POST", R"(/customer-account/orders/(\d{1,18})/(address|cancel))",
             customer(&PostPurchase::customer_edit));
  router.add("POST", R"(/customer-account/orders/(\d{1,18})/(offers)/([a-z0-9_-]{1,64}))",
             customer(&PostPurchase::customer_edit));

  // The merchant's settings: read by the core's parsers, saved, then used at once.
  auto setting = [this, admin_shop](const char* key, auto read) {
    return http::Handler([=](const Request& req, Response& res) {
      const auto shop = admin_shop(req, res);
      if (!shop || body_too_large(req, res, config_.max_admin_body_bytes)) return;
      auto value = read(req.body);
      if (!value) return send_core_error(res, 400, value.error());
      auto saved = store_.put_setting(*shop, key, req.body);
      if (!saved) return send_storage_error(res, key, saved.error());
      {
        std::lock_guard<std::mutex> lock(settings_mutex_);
        settings_.erase(*shop);  // read again, as saved, on next use
      }
      res.set_content("{\"saved\":true}", kJson);
    });
  };
  router.add("PUT", "/admin/post-purchase/offers", setting(kOffersKey, read_offers));
  router.add("PUT", "/admin/post-purchase/edit-policy", setting(kPolicyKey, read_policy));
  router.add("PUT", "/admin/post-purchase/address-options",
             setting(kAddressOptionsKey, parse_address_options));
}

}  // namespace tiercart::server
