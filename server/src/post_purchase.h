// After the order, on the server: Shopify's post-purchase offer page and the customer's
// self-service edits. Offers are recomputed natively by the core (select_offers) from the
// purchase Shopify signed into its token, never priced from what a client sends; an accepted
// offer becomes a changeset token signed with the app secret, stored so that the same
// acceptance always gets the same answer. Address changes and cancels arrive through the app
// proxy (or the customer account extension) and are checked against the merchant's edit
// window and the address rules. post_purchase.cpp holds the routes and settings, offers.cpp
// the offers and changesets, order_edits.cpp the edits. docs/server.md, "Post-purchase and
// order edits", gives the routes and their answers.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config.h"
#include "http.h"
#include "responses.h"
#include "store.h"
#include "tiercart/post_purchase.h"

namespace tiercart::server {

class PostPurchase {
 public:
  // The shop a request acts for, once its signature or token is checked; nothing when it
  // was refused (an answer already sent).
  using Guard = std::function<std::optional<std::string>(const http::Request&, http::Response&)>;

  // `store` outlives this object.
  static Result<std::unique_ptr<PostPurchase>> create(const Config& config, Store& store);

  // Registers the routes; `proxy_shop` and `admin_shop` are the service's checks.
  void routes(http::Router& router, Guard proxy_shop, Guard admin_shop);

 private:
  PostPurchase(const Config& config, Store& store) : config_(config), store_(store) {}

  // offers.cpp
  void offer(const http::Request& req, http::Response& res);
  void sign_changeset(const http::Request& req, http::Response& res);
  void customer_offers(const http::Request& req, http::Response& res);
  // The verified claims of the Authorization bearer token, or an answer already sent.
  // `shop` is the shop its `dest` names.
  std::optional<Json> verified_claims(const http::Request& req, http::Response& res,
                                      std::string& shop);
  // The shop's offers for a purchase as the core read it, or an answer already sent: 404
  // when no catalog is set, 400 for a purchase the core could not read or price.
  std::optional<OfferSelection> offers_for(const std::string& shop, const Result<Order>& purchase,
                                           http::Response& res);

  // order_edits.cpp
  // GET .../edits: what may still change; POST .../address or .../cancel: the change.
  void edit(const http::Request& req, http::Response& res);
  // The customer account extension's routes: the shop comes from its session token.
  void customer_edit(const http::Request& req, http::Response& res);
  // Who calls: the shop and the signed-in customer, from a verified request.
  struct Caller {
    std::string shop;
    int64_t customer_id = 0;
  };
  // The app proxy's shop and `logged_in_customer_id`; the customer account extension's
  // session token (dest, sub). Or an answer already sent (401 login_required when signed out).
  std::optional<Caller> proxy_caller(const http::Request& req, http::Response& res);
  std::optional<Caller> customer_caller(const http::Request& req, http::Response& res);
  // The order's orders/create verdict when `caller` placed it; otherwise 404 order_not_found
  // (the same answer as no such order, so order ids cannot be probed) and nullopt.
  std::optional<VerdictRecord> owned_order(const Caller& caller, int64_t order_id,
                                           http::Response& res);
  // The order as the server judged it, from the lines kept with its verdict: offers are
  // chosen from it, never from lines a client sends. Or an answer already sent: 409
  // order_lines_unknown for an order stored before its lines were kept.
  std::optional<Order> judged_order(const VerdictRecord& verdict, http::Response& res);
  // kind: "" (what may change), "address", "cancel" or "add_item" (an offer, matches[3]).
  void edit_order(const Caller& caller, int64_t order_id, const std::string& kind,
                  const http::Request& req, http::Response& res);

  // A shop's settings, as the core read them when they were saved.
  struct Settings {
    std::shared_ptr<const OfferCatalog> offers;  // docs/post-purchase.md 1.1
    std::shared_ptr<const EditPolicy> policy;    // 2
    AddressOptions address_options;              // 3
    int64_t loaded_at = 0;                       // steady milliseconds
  };
  // Read from the store, cached for kSettingsTtlMs (settings saved through another server
  // process are seen within that time); nothing when the store cannot be read (answered 503).
  std::optional<Settings> settings(const std::string& shop, http::Response& res);
  static constexpr int64_t kSettingsTtlMs = 10000;

  const Config& config_;
  Store& store_;
  std::mutex settings_mutex_;
  std::map<std::string, Settings> settings_;
};

// Whether a price a client says it showed (`{"amount": minor units, "currency": "USD"}`) is
// the offer's price as the core computed it now.
bool same_price(const Json& claimed, const Money& price);

// The CORS headers a browser needs to read any answer under `path`, refusals included:
// Shopify's post-purchase and customer account extensions call /post-purchase/ and
// /customer-account/ from Shopify's origin, with the token in Authorization. Empty for
// every other path. Whatever answers on those paths (a route, or the HTTP layer refusing a
// request before any route runs) adds them.
std::vector<std::pair<std::string, std::string>> extension_cors_headers(std::string_view path);

}  // namespace tiercart::server
