// After the order, on the server: Shopify's post-purchase offer page and the customer's
// self-service edits. Offers are recomputed natively by the core (select_offers_json) from
// the order Shopify signed into its token, never priced from what a client sends; an
// accepted offer becomes a changeset token signed with the app secret, stored so that the
// same acceptance always gets the same answer. Address changes and cancels arrive through
// the app proxy and are checked against the merchant's edit window and the address rules.
// docs/server.md, "Post-purchase and order edits", gives the routes and their answers.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config.h"
#include "store.h"
#include "tiercart/result.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace tiercart::server {

// Shopify's token for the initial purchase, as a REST order the core reads (amounts in the
// presentment currency). Exposed for tests: line totals must survive exactly.
Result<std::string> order_from_purchase_token(const std::string& claims_json);

class PostPurchase {
 public:
  using Guard = std::function<bool(const httplib::Request&, httplib::Response&)>;

  // `store` outlives this object. Reads the saved catalog, policy and address options.
  static Result<std::unique_ptr<PostPurchase>> create(const Config& config, Store& store);

  // Registers the routes; `proxy_allowed` and `admin_allowed` are the service's checks.
  void routes(httplib::Server& http, Guard proxy_allowed, Guard admin_allowed);

 private:
  PostPurchase(const Config& config, Store& store) : config_(config), store_(store) {}

  void offer(const httplib::Request& req, httplib::Response& res);
  void sign_changeset(const httplib::Request& req, httplib::Response& res);
  // GET .../edits: what may still change; POST .../address or .../cancel: the change.
  void edit(const httplib::Request& req, httplib::Response& res);
  // The customer account extension's routes: the shop comes from its session token.
  void customer_edit(const httplib::Request& req, httplib::Response& res);
  void customer_offers(const httplib::Request& req, httplib::Response& res);
  // Who calls: the shop and the signed-in customer, from a verified request.
  struct Caller {
    std::string shop;
    int64_t customer_id = 0;
  };
  // The app proxy's shop and `logged_in_customer_id`; the customer account extension's
  // session token (dest, sub). Or an answer already sent (401 login_required when signed out).
  std::optional<Caller> proxy_caller(const httplib::Request& req, httplib::Response& res);
  std::optional<Caller> customer_caller(const httplib::Request& req, httplib::Response& res);
  // The order's orders/create verdict when `caller` placed it; otherwise 404 order_not_found
  // (the same answer as no such order, so order ids cannot be probed) and nullopt.
  std::optional<VerdictRecord> owned_order(const Caller& caller, int64_t order_id,
                                           httplib::Response& res);
  // kind: "" (what may change), "address", "cancel" or "add_item" (an offer, matches[3]).
  void edit_order(const Caller& caller, int64_t order_id, const std::string& kind,
                  const httplib::Request& req, httplib::Response& res);

  // The verified claims of the Authorization bearer token, or an answer already sent.
  std::optional<std::string> verified_claims(const httplib::Request& req, httplib::Response& res);
  // The offers for the token's purchase: select_offers_json's answer, or an answer sent.
  std::optional<std::string> offers_for(const std::string& claims_json, httplib::Response& res);

  struct Settings {
    std::string offers;           // the offer catalog (docs/post-purchase.md 1.1)
    std::string policy;           // the edit policy (2)
    std::string address_options;  // check_address options (3)
  };
  Settings settings() const;

  const Config& config_;
  Store& store_;
  mutable std::mutex settings_mutex_;
  Settings settings_;
};

}  // namespace tiercart::server
