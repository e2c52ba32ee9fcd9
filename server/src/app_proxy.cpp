// The app proxy (Shopify forwards /apps/tiercart/... from the storefront, signed): the
// storefront's evaluation of a cart by the shop's active programs, and the pre-check that
// judges a cart as a webhook would judge its order.

#include "responses.h"
#include "service.h"
#include "signature.h"
#include "tiercart/judge.h"

namespace tiercart::server {

using http::Request;
using http::Response;

std::optional<std::string> Service::proxy_shop(const Request& req, Response& res) const {
  if (!req.has_param("signature")) {
    send_error(res, 401, "missing_signature", "the app proxy signature is missing");
    return std::nullopt;
  }
  // req.params is the raw query read as Shopify reads it (query.h): every repeated value and
  // every '=' after a pair's first is kept, so a genuine request verifies as it was signed.
  if (!proxy_signature_valid(config_.app_secret, req.params)) {
    send_error(res, 401, "invalid_signature", "the app proxy signature does not match");
    return std::nullopt;
  }
  // A signed set that could be read as another (signature.h) is refused, whatever it says.
  const std::string problem = proxy_parameters_problem(req.params);
  if (!problem.empty()) {
    send_error(res, 401, "invalid_parameters", "the app proxy parameters are refused: " + problem);
    return std::nullopt;
  }
  // Checked after the signature, so only Shopify's own timestamp is ever trusted.
  const std::string timestamp = req.get_param_value("timestamp");
  const int64_t age = now_ms() / 1000 - std::stoll(timestamp);  // 1-12 digits: checked above
  if (age > config_.proxy_max_age_s || age < -config_.proxy_max_age_s) {
    send_error(res, 401, "stale_request",
               "the app proxy request is not within " + std::to_string(config_.proxy_max_age_s) +
                   " s of the server's clock (timestamp \"" + timestamp.substr(0, 20) + "\")");
    return std::nullopt;
  }
  // Signed by Shopify, so it is the shop the request came through.
  auto shop = shop_hostname(req.get_param_value("shop"));
  if (!shop) {
    send_error(res, 400, "invalid_shop", "the signed shop is not a shop hostname", "shop");
    return std::nullopt;
  }
  return shop;
}

namespace {

// The storefront's context: the shop's, at the real time (schedules), for the cart's
// own currency.
Context storefront_context(const Context& shop) {
  Context context = shop;
  context.now = now_ms() / 1000;
  return context;
}

}  // namespace

std::optional<Service::ProxiedCart> Service::proxied_cart(const Request& req, Response& res) {
  const auto shop = proxy_shop(req, res);
  if (!shop || body_too_large(req, res, config_.max_proxy_body_bytes)) return std::nullopt;
  bool storage_failed = false;
  const auto shop_facts = shop_context(*shop, storage_failed);
  if (!shop_facts) {
    send_error(res, 503, "storage_unavailable", "the context cannot be read");
    return std::nullopt;
  }
  auto cart = parse_cart(req.body, *shop_facts);
  if (!cart) {
    send_core_error(res, 400, cart.error());
    return std::nullopt;
  }
  Context context = storefront_context(for_currency(*shop_facts, cart.value().currency));
  return ProxiedCart{*shop, std::move(cart).value(), std::move(context)};
}

void Service::proxy_evaluate(const Request& req, Response& res) {
  const auto proxied = proxied_cart(req, res);
  if (!proxied) return;
  const auto& [shop, cart, context] = *proxied;
  bool storage_failed = false;
  auto programs = store_->list_programs(shop);
  if (!programs) return send_error(res, 503, "storage_unavailable", "programs cannot be read");
  JsonWriter w(1024);
  w.begin_object().key("evaluations").begin_array();
  for (const auto& stored : programs.value()) {
    if (!stored.active) continue;
    auto program = this->program(shop, stored.id, stored.version, storage_failed);
    if (!program) continue;
    auto evaluation = evaluate(*program, cart, context);
    if (!evaluation) return send_core_error(res, 400, evaluation.error());
    w.raw(to_json(evaluation.value()));
  }
  res.set_content(w.end_array().end_object().take(), kJson);
}

void Service::proxy_check(const Request& req, Response& res) {
  const auto proxied = proxied_cart(req, res);
  if (!proxied) return;
  const auto& [shop, cart, context] = *proxied;
  bool storage_failed = false;
  const OrderVerdict verdict =
      judge_cart(cart, context, [&](const std::string& id, int64_t version) {
        return program(shop, id, version, storage_failed);
      });
  if (storage_failed) return send_error(res, 503, "storage_unavailable", "programs cannot be read");
  res.set_content(to_json(verdict), kJson);
}

// A storefront page found no published program, or settings the server has not read (their
// digest differs from the published facts' theme_checkout): the shop's theme settings are read
// again. Signed like every app proxy call; at most one sync per shop per
// --theme-sync-interval-ms whoever asks (a later ask waits for the interval's end), so shoppers
// cannot make the server hammer the shop's Admin API.
void Service::proxy_sync(const Request& req, Response& res) {
  const auto shop = proxy_shop(req, res);
  if (!shop) return;
  const bool queued = theme_sync_ && theme_sync_->request(*shop);
  res.status = 202;
  res.set_content(queued ? "{\"queued\":true}" : "{\"queued\":false}", kJson);
}

}  // namespace tiercart::server
