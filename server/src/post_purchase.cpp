#include "post_purchase.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "jwt.h"
#include "responses.h"
#include "signature.h"
#include "tiercart/money.h"
#include "tiercart/post_purchase.h"

namespace tiercart::server {
namespace {

using httplib::Request;
using httplib::Response;

constexpr const char* kOffersKey = "post_purchase.offers";
constexpr const char* kPolicyKey = "post_purchase.edit_policy";
constexpr const char* kAddressOptionsKey = "post_purchase.address_options";
// Shopify's token carries the whole initial purchase: larger than a session token.
constexpr std::size_t kMaxTokenBytes = 64 * 1024;
constexpr std::size_t kMaxLineItems = 1000;

// A Shopify id as the post-purchase input gives it: a number, a numeric string or a GraphQL
// global id ("gid://shopify/ProductVariant/42").
std::optional<int64_t> shopify_id(const Json& value) {
  if (value.is_number_integer() && value.get<int64_t>() > 0) return value.get<int64_t>();
  if (!value.is_string()) return std::nullopt;
  const std::string text = value.get<std::string>();
  const std::size_t start = text.rfind('/') == std::string::npos ? 0 : text.rfind('/') + 1;
  if (start >= text.size() || text.size() - start > 18) return std::nullopt;
  int64_t id = 0;
  for (std::size_t i = start; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    id = id * 10 + (text[i] - '0');
  }
  return id > 0 ? std::optional<int64_t>(id) : std::nullopt;
}

// Minor units as the decimal text REST orders use ("1530" USD -> "15.30").
std::string decimal_text(int64_t amount, int exponent) {
  std::string digits = std::to_string(amount < 0 ? -amount : amount);
  if (exponent > 0) {
    if (digits.size() <= static_cast<std::size_t>(exponent))
      digits.insert(0, static_cast<std::size_t>(exponent) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<std::size_t>(exponent), ".");
  }
  return amount < 0 ? "-" + digits : digits;
}

const Json* member(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

// The core's refusal for `edit` in an edit_eligibility_json answer; empty when allowed.
Json refusal(const Json& eligibility, const std::string& edit) {
  for (const Json& allowed : eligibility.value("allowed", Json::array()))
    if (allowed == edit) return Json();
  for (const Json& refused : eligibility.value("refused", Json::array()))
    if (refused.value("edit", "") == edit) return refused;
  return Json{{"edit", edit}, {"code", "not_allowed"}, {"message", "not offered"}};
}

// A refused edit as the HTTP answer: past the window is its own, clearly named refusal.
void send_refusal(Response& res, const Json& refused, const Json& eligibility) {
  const std::string code = refused.value("code", "not_allowed");
  const std::string message = refused.value("message", "this edit is not possible");
  Json extra = {{"edit", refused.value("edit", "")}, {"until", eligibility.value("until", "")}};
  if (code == "window_closed")
    return send_error(res, 409, "edit_window_closed", message, "", extra);
  if (code == "not_allowed") return send_error(res, 403, "edit_not_allowed", message, "", extra);
  extra["reason"] = code;
  send_error(res, 409, "edit_refused", message, "", extra);
}

}  // namespace

Result<std::string> order_from_purchase_token(const std::string& claims_json) {
  const Json claims = Json::parse(claims_json, nullptr, false);
  const Json* input = member(claims, "input_data");
  const Json* purchase = input ? member(*input, "initialPurchase") : nullptr;
  if (!purchase || !purchase->is_object())
    return make_error("missing_field", "the token has no initial purchase",
                      "$.input_data.initialPurchase");
  const Json* lines = member(*purchase, "lineItems");
  if (!lines || !lines->is_array() || lines->size() > kMaxLineItems)
    return make_error("missing_field", "the purchase has no line items (at most 1000)",
                      "$.input_data.initialPurchase.lineItems");
  const Json* total = member(*purchase, "totalPriceSet");
  const Json* presentment = total ? member(*total, "presentmentMoney") : nullptr;
  const Json* shop_money = total ? member(*total, "shopMoney") : nullptr;
  const Json* currency = presentment ? member(*presentment, "currencyCode") : nullptr;
  if (!currency || !currency->is_string())
    return make_error("missing_field", "the purchase has no presentment currency",
                      "$.input_data.initialPurchase.totalPriceSet.presentmentMoney.currencyCode");
  const std::string code = currency->get<std::string>();
  const auto exponent = minor_units(code);
  if (!exponent) return make_error("unknown_currency", "unknown currency " + code);
  const Json* shop_code = shop_money ? member(*shop_money, "currencyCode") : nullptr;

  Json order = {{"currency", shop_code && shop_code->is_string() ? *shop_code : *currency},
                {"presentment_currency", code},
                {"line_items", Json::array()}};
  for (std::size_t i = 0; i < lines->size(); ++i) {
    const Json& line = (*lines)[i];
    const std::string path = "$.input_data.initialPurchase.lineItems[" + std::to_string(i) + "]";
    const Json* product = member(line, "product");
    const Json* variant = product ? member(*product, "variant") : nullptr;
    const auto product_id =
        product && member(*product, "id") ? shopify_id((*product)["id"]) : std::nullopt;
    const auto variant_id =
        variant && member(*variant, "id") ? shopify_id((*variant)["id"]) : std::nullopt;
    const Json* quantity = member(line, "quantity");
    const Json* line_total = member(line, "totalPriceSet");
    const Json* line_money = line_total ? member(*line_total, "presentmentMoney") : nullptr;
    const Json* amount = line_money ? member(*line_money, "amount") : nullptr;
    if (!product_id || !variant_id || !quantity || !quantity->is_number_integer() ||
        quantity->get<int64_t>() < 1 || quantity->get<int64_t>() > 1000000 || !amount ||
        !(amount->is_string() || amount->is_number_integer())) {
      return make_error("invalid_value",
                        "a line needs product and variant ids, a quantity and a total", path);
    }
    auto total_minor = parse_decimal_amount(
        amount->is_string() ? amount->get<std::string>() : std::to_string(amount->get<int64_t>()),
        code, path + ".totalPriceSet.presentmentMoney.amount");
    if (!total_minor) return total_minor.error();
    if (total_minor.value() < 0) return make_error("invalid_amount", "a negative line total", path);
    // The token gives each line's total; the REST order wants a unit price. The unit price
    // rounded up times the quantity, less the remainder as a line discount, is the total
    // to the minor unit: no amount is rounded.
    const int64_t units = quantity->get<int64_t>();
    const int64_t unit = (total_minor.value() + units - 1) / units;
    const int64_t remainder = unit * units - total_minor.value();
    Json rest_line = {{"variant_id", *variant_id},
                      {"product_id", *product_id},
                      {"quantity", units},
                      {"price", decimal_text(unit, *exponent)}};
    if (remainder > 0)
      rest_line["discount_allocations"] =
          Json::array({{{"amount", decimal_text(remainder, *exponent)}}});
    const Json* title = member(*product, "title");
    if (title && title->is_string()) rest_line["title"] = *title;
    order["line_items"].push_back(std::move(rest_line));
  }
  return dump(order);
}

Result<std::unique_ptr<PostPurchase>> PostPurchase::create(const Config& config, Store& store) {
  std::unique_ptr<PostPurchase> post(new PostPurchase(config, store));
  for (auto [key, target] : {std::pair{kOffersKey, &post->settings_.offers},
                             std::pair{kPolicyKey, &post->settings_.policy},
                             std::pair{kAddressOptionsKey, &post->settings_.address_options}}) {
    auto saved = store.get_setting(key);
    if (!saved) return saved.error();
    if (saved.value()) *target = *saved.value();
  }
  return post;
}

PostPurchase::Settings PostPurchase::settings() const {
  std::lock_guard<std::mutex> lock(settings_mutex_);
  return settings_;
}

void PostPurchase::routes(httplib::Server& http, Guard proxy_allowed, Guard admin_allowed) {
  // The post-purchase extension runs in Shopify's checkout, on another origin: it sends the
  // token in Authorization, which needs a CORS preflight. No cookies are involved.
  auto cors = [](const Request&, Response& res) {
    res.set_header("Access-Control-Allow-Origin", "*");
    res.set_header("Access-Control-Allow-Methods", "POST, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
    res.set_header("Access-Control-Max-Age", "600");
  };
  http.Options(R"(/post-purchase/(offer|sign-changeset))",
               httplib::Server::Handler([cors](const Request& req, Response& res) {
                 cors(req, res);
                 res.status = 204;
               }));
  http.Post("/post-purchase/offer",
            httplib::Server::Handler([this, cors](const Request& req, Response& res) {
              cors(req, res);
              offer(req, res);
            }));
  http.Post("/post-purchase/sign-changeset",
            httplib::Server::Handler([this, cors](const Request& req, Response& res) {
              cors(req, res);
              sign_changeset(req, res);
            }));

  auto proxied = [this, proxy_allowed](void (PostPurchase::*method)(const Request&, Response&)) {
    return httplib::Server::Handler(
        [this, proxy_allowed, method](const Request& req, Response& res) {
          if (proxy_allowed(req, res)) (this->*method)(req, res);
        });
  };
  http.Get(R"(/apps/tiercart/orders/(\d{1,18})/edits)", proxied(&PostPurchase::edit));
  http.Post(R"(/apps/tiercart/orders/(\d{1,18})/(address|cancel))", proxied(&PostPurchase::edit));

  // The same edits from the customer account extension (extensions/tiercart-order-status),
  // authenticated by its session token instead of the app proxy's signature.
  http.Options(R"(/customer-account/orders/(\d{1,18})/.*)",
               httplib::Server::Handler([cors](const Request& req, Response& res) {
                 cors(req, res);
                 res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
                 res.status = 204;
               }));
  auto customer = [this, cors](void (PostPurchase::*method)(const Request&, Response&)) {
    return httplib::Server::Handler([this, cors, method](const Request& req, Response& res) {
      cors(req, res);
      (this->*method)(req, res);
    });
  };
  http.Get(R"(/customer-account/orders/(\d{1,18})/(edits))",
           customer(&PostPurchase::customer_edit));
  http.Post(R"(/customer-account/orders/(\d{1,18})/offers)",
            customer(&PostPurchase::customer_offers));
  http.Post(R"(/customer-account/orders/(\d{1,18})/(address|cancel))",
            customer(&PostPurchase::customer_edit));
  http.Post(R"(/customer-account/orders/(\d{1,18})/(offers)/([a-z0-9_-]{1,64}))",
            customer(&PostPurchase::customer_edit));

  // The merchant's settings: validated by the core's parsers, saved, used at once.
  auto setting = [this, admin_allowed](const char* key, std::string Settings::*field,
                                       std::function<Result<bool>(const std::string&)> check) {
    return httplib::Server::Handler([=](const Request& req, Response& res) {
      if (!admin_allowed(req, res) || body_too_large(req, res, config_.max_admin_body_bytes))
        return;
      auto checked = check(req.body);
      if (!checked) {
        return send_error(res, 400, checked.error().code, checked.error().message,
                          checked.error().path);
      }
      auto saved = store_.put_setting(key, req.body);
      if (!saved) return send_error(res, 503, "storage_unavailable", saved.error().message);
      {
        std::lock_guard<std::mutex> lock(settings_mutex_);
        settings_.*field = req.body;
      }
      res.set_content("{\"saved\":true}", kJson);
    });
  };
  http.Put("/admin/post-purchase/offers",
           setting(kOffersKey, &Settings::offers, [](const std::string& body) -> Result<bool> {
             auto parsed = parse_offer_catalog(body);
             if (!parsed) return parsed.error();
             return true;
           }));
  http.Put("/admin/post-purchase/edit-policy",
           setting(kPolicyKey, &Settings::policy, [](const std::string& body) -> Result<bool> {
             auto parsed = parse_edit_policy(body);
             if (!parsed) return parsed.error();
             return true;
           }));
  http.Put("/admin/post-purchase/address-options",
           setting(kAddressOptionsKey, &Settings::address_options,
                   [](const std::string& body) -> Result<bool> {
                     auto parsed = parse_address_options(body);
                     if (!parsed) return parsed.error();
                     return true;
                   }));
}

// --- post-purchase (Shopify's checkout) -------------------------------------------------

std::optional<std::string> PostPurchase::verified_claims(const Request& req, Response& res) {
  if (config_.api_key.empty()) {
    send_error(res, 503, "post_purchase_disabled",
               "no app API key is configured (TIERCART_API_KEY)");
    return std::nullopt;
  }
  const std::string header = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (header.rfind(prefix, 0) != 0) {
    res.set_header("WWW-Authenticate", "Bearer");
    send_error(res, 401, "missing_token", "Authorization: Bearer <token from Shopify> is required");
    return std::nullopt;
  }
  JwtCheck check;
  check.now = now_seconds();
  check.issuer = "shopify";  // Shopify's own tokens always say so (its JWT specification)
  check.audience = config_.api_key;
  check.require_subject = true;  // the initial purchase's reference id
  check.max_bytes = kMaxTokenBytes;
  auto claims =
      jwt_verify(std::string_view(header).substr(prefix.size()), config_.app_secret, check);
  if (!claims) {
    send_error(res, 401, claims.error().code, claims.error().message, claims.error().path);
    return std::nullopt;
  }
  return dump(claims.value());
}

std::optional<std::string> PostPurchase::offers_for(const std::string& claims_json, Response& res) {
  const Settings current = settings();
  if (current.offers.empty()) {
    send_error(res, 404, "no_offers", "no offer catalog is configured");
    return std::nullopt;
  }
  auto order = order_from_purchase_token(claims_json);
  if (!order) {
    send_error(res, 400, order.error().code, order.error().message, order.error().path);
    return std::nullopt;
  }
  auto context = store_.get_setting(kContextKey);
  if (!context) {
    send_error(res, 503, "storage_unavailable", "the shop context cannot be read");
    return std::nullopt;
  }
  auto offers = select_offers_json(order.value(), current.offers,
                                   context.value() ? *context.value() : std::string());
  if (!offers) {
    send_error(res, 400, offers.error().code, offers.error().message, offers.error().path);
    return std::nullopt;
  }
  return std::move(offers).value();
}

void PostPurchase::offer(const Request& req, Response& res) {
  if (body_too_large(req, res, config_.max_proxy_body_bytes)) return;
  auto claims = verified_claims(req, res);
  if (!claims) return;
  auto offers = offers_for(*claims, res);
  if (!offers) return;
  const Json parsed = Json::parse(*offers, nullptr, false);
  Json body = parsed;
  body["reference_id"] = Json::parse(*claims, nullptr, false)["sub"];
  res.set_content(dump(body), kJson);
}

void PostPurchase::sign_changeset(const Request& req, Response& res) {
  if (body_too_large(req, res, config_.max_proxy_body_bytes)) return;
  auto claims_text = verified_claims(req, res);
  if (!claims_text) return;
  const Json request = Json::parse(req.body, nullptr, false);
  if (!request.is_object() || !request.contains("offer_id") || !request["offer_id"].is_string()) {
    return send_error(res, 400, "missing_field", "offer_id is required", "$.offer_id");
  }
  const std::string offer_id = request["offer_id"];
  auto offers_text = offers_for(*claims_text, res);
  if (!offers_text) return;
  const Json offers = Json::parse(*offers_text, nullptr, false);
  Json offer;
  for (const Json& candidate : offers.value("offers", Json::array()))
    if (candidate.value("id", "") == offer_id) offer = candidate;
  if (offer.is_null()) {
    return send_error(res, 409, "offer_unavailable",
                      "this offer is not available for this purchase", "$.offer_id");
  }
  // The price the customer saw, if the client says: it must be the one recomputed here.
  if (request.contains("price")) {
    const Json& claimed = request["price"];
    const Json& actual = offer["price"];
    const bool same = claimed.is_object() && claimed.value("amount", Json()) == actual["amount"] &&
                      claimed.value("currency", Json()) == actual["currency"];
    if (!same) {
      return send_error(res, 409, "price_mismatch",
                        "the offer's price is not the one given; show the current offer", "$.price",
                        {{"offer", offer}});
    }
  }

  const Json claims = Json::parse(*claims_text, nullptr, false);
  const std::string reference_id = claims["sub"];
  // One answer per incoming token: its jti when Shopify gives one, else a digest of it.
  const std::string token = req.get_header_value("Authorization").substr(7);
  const std::string request_key = claims.contains("jti") && claims["jti"].is_string()
                                      ? "jti:" + claims["jti"].get<std::string>()
                                      : "token:" + hex(hmac_sha256("tiercart-request-key", token));

  Json change = {{"variantID", offer["variant_id"]}, {"quantity", offer["quantity"]}};
  if (offer.contains("selling_plan_id")) {
    change["type"] = "add_subscription";
    change["sellingPlanId"] = offer["selling_plan_id"];
  } else {
    change["type"] = "add_variant";
  }
  if (offer.contains("discount")) {
    const Json& discount = offer["discount"];
    // The core writes the value as a decimal string; Shopify takes a number.
    Json value = Json::parse(discount.value("value", "0"), nullptr, false);
    change["discount"] = {{"value", value.is_number() ? value : Json(0)},
                          {"valueType", discount.value("value_type", "percentage")},
                          {"title", discount.value("title", "")}};
  }
  const std::string jti = random_uuid();
  if (jti.empty()) return send_error(res, 503, "unavailable", "no random bytes for a token id");
  const Json changeset = {{"iss", config_.api_key},
                          {"jti", jti},
                          {"iat", now_seconds()},
                          {"sub", reference_id},
                          {"changes", Json::array({change})}};
  ChangesetRecord record{
      request_key,         reference_id, offer_id, jti, jwt_sign(changeset, config_.app_secret),
      now_seconds() * 1000};
  auto stored = store_.record_changeset(record);
  if (!stored)
    return send_error(res, 503, "storage_unavailable", "the changeset could not be stored");
  const ChangesetRecord& kept = stored.value().record;
  if (stored.value().existing && kept.request_key == request_key && kept.offer_id != offer_id) {
    return send_error(res, 409, "token_replayed",
                      "this token already accepted another offer; a token accepts one offer");
  }
  res.set_content(dump({{"token", kept.token},
                        {"jti", kept.jti},
                        {"offer", offer},
                        {"duplicate", stored.value().existing}}),
                  kJson);
}

// --- order edits (app proxy) --------------------------------------------------------------

// What the server knows of an order for its edit window: when it was created (the time its
// orders/create webhook reached us, seconds after the order was placed: the verdict's
// received_at) and the edits made here (a cancel sets cancelled_at).
void PostPurchase::edit(const Request& req, Response& res) {
  if (body_too_large(req, res, config_.max_proxy_body_bytes)) return;
  auto caller = proxy_caller(req, res);
  if (!caller) return;
  const std::string kind = req.method == "GET" ? "" : std::string(req.matches[2]);
  edit_order(*caller, std::stoll(req.matches[1]), kind, req, res);
}

void PostPurchase::customer_edit(const Request& req, Response& res) {
  if (body_too_large(req, res, config_.max_proxy_body_bytes)) return;
  auto caller = customer_caller(req, res);
  if (!caller) return;
  const std::string what = req.matches[2];
  const std::string kind = what == "edits" ? "" : what == "offers" ? "add_item" : what;
  edit_order(*caller, std::stoll(req.matches[1]), kind, req, res);
}

void PostPurchase::customer_offers(const Request& req, Response& res) {
  if (body_too_large(req, res, config_.max_proxy_body_bytes)) return;
  auto caller = customer_caller(req, res);
  if (!caller) return;
  // The offers come from the purchase in the body, but they are offers for this order:
  // only its customer sees them, like every other route under the order.
  if (!owned_order(*caller, std::stoll(req.matches[1]), res)) return;
  const Json body = Json::parse(req.body, nullptr, false);
  auto offers = offers_for(dump({{"input_data", body.is_object() ? body : Json::object()}}), res);
  if (!offers) return;
  res.set_content(*offers, kJson);
}

std::optional<PostPurchase::Caller> PostPurchase::proxy_caller(const Request& req, Response& res) {
  // Shopify signs logged_in_customer_id with the other parameters (the guard checked the
  // signature), so it is the signed-in customer; it is empty when the shopper is signed out.
  const auto customer = shopify_id(Json(req.get_param_value("logged_in_customer_id")));
  if (!customer) {
    send_error(res, 401, "login_required", "sign in to the account that placed this order",
               "logged_in_customer_id");
    return std::nullopt;
  }
  return Caller{req.get_param_value("shop"), *customer};
}

std::optional<PostPurchase::Caller> PostPurchase::customer_caller(const Request& req,
                                                                  Response& res) {
  if (config_.api_key.empty()) {
    send_error(res, 503, "post_purchase_disabled",
               "no app API key is configured (TIERCART_API_KEY)");
    return std::nullopt;
  }
  const std::string header = req.get_header_value("Authorization");
  if (header.rfind("Bearer ", 0) != 0) {
    res.set_header("WWW-Authenticate", "Bearer");
    send_error(res, 401, "missing_token", "Authorization: Bearer <session token> is required");
    return std::nullopt;
  }
  // A customer account extension's session token: signed with the app secret, meant for
  // this app (aud), naming the shop (dest) and expiring within minutes.
  JwtCheck check;
  check.now = now_seconds();
  check.audience = config_.api_key;
  check.require_exp = true;
  auto claims = jwt_verify(std::string_view(header).substr(7), config_.app_secret, check);
  if (!claims) {
    send_error(res, 401, claims.error().code, claims.error().message, claims.error().path);
    return std::nullopt;
  }
  const Json& c = claims.value();
  if (!c.contains("aud")) {
    send_error(res, 401, "wrong_audience", "the session token names no app", "$.aud");
    return std::nullopt;
  }
  std::string dest =
      c.contains("dest") && c["dest"].is_string() ? c["dest"].get<std::string>() : "";
  if (dest.rfind("https://", 0) == 0) dest = dest.substr(8);
  if (dest.empty() || dest.size() > 255) {
    send_error(res, 401, "missing_claim", "the session token names no shop", "$.dest");
    return std::nullopt;
  }
  // `sub` is the signed-in customer ("gid://shopify/Customer/<id>"); Shopify leaves it out
  // when no customer is signed in (or the app may not read customer data).
  const std::string customer_prefix = "gid://shopify/Customer/";
  const std::string sub =
      c.contains("sub") && c["sub"].is_string() ? c["sub"].get<std::string>() : "";
  const auto customer = sub.rfind(customer_prefix, 0) == 0 ? shopify_id(Json(sub)) : std::nullopt;
  if (!customer) {
    send_error(res, 401, "login_required", "the session token names no signed-in customer",
               "$.sub");
    return std::nullopt;
  }
  return Caller{dest, *customer};
}

std::optional<VerdictRecord> PostPurchase::owned_order(const Caller& caller, int64_t order_id,
                                                       Response& res) {
  auto verdict = store_.find_order_verdict(caller.shop, order_id);
  if (!verdict) {
    send_error(res, 503, "storage_unavailable", verdict.error().message);
    return std::nullopt;
  }
  // A guest checkout (no customer) and an order stored before customers were recorded have
  // no owner to match: they cannot be edited here.
  const auto& found = verdict.value();
  if (!found || !found->customer_id || *found->customer_id != caller.customer_id) {
    send_error(res, 404, "order_not_found", "no such order for this customer");
    return std::nullopt;
  }
  return *found;
}

void PostPurchase::edit_order(const Caller& caller, int64_t order_id, const std::string& kind,
                              const Request& req, Response& res) {
  const std::string& shop = caller.shop;
  auto verdict = owned_order(caller, order_id, res);
  if (!verdict) return;
  auto edits = store_.list_order_edits(shop, order_id);
  if (!edits) return send_error(res, 503, "storage_unavailable", edits.error().message);
  Json order = {{"created_at", format_time(verdict->received_at / 1000)}};
  Json address;
  for (const auto& edit : edits.value()) {
    if (edit.edit == "cancel") order["cancelled_at"] = format_time(edit.created_at / 1000);
    if (edit.edit == "address") address = Json::parse(edit.document, nullptr, false);
  }
  const Settings current = settings();
  if (current.policy.empty())
    return send_error(res, 403, "edits_not_configured", "the shop offers no order edits");
  auto eligibility = edit_eligibility_json(dump(order), current.policy, format_time(now_seconds()));
  if (!eligibility) {
    return send_error(res, 500, eligibility.error().code, eligibility.error().message);
  }
  Json eligible = Json::parse(eligibility.value(), nullptr, false);
  if (kind.empty()) {
    Json body = {{"order_id", order_id}, {"eligibility", eligible}};
    if (!address.is_null()) body["shipping_address"] = address;
    return res.set_content(dump(body), kJson);
  }
  const Json refused = refusal(eligible, kind);
  if (!refused.is_null()) return send_refusal(res, refused, eligible);

  std::string document = "{}";
  Json answer = {{"order_id", order_id}};
  if (kind == "address") {
    auto checked = check_address_json(req.body, current.address_options);
    if (!checked)
      return send_error(res, 400, checked.error().code, checked.error().message,
                        checked.error().path);
    Json check = Json::parse(checked.value(), nullptr, false);
    if (!check.value("ok", false)) {
      res.status = 422;
      return res.set_content(dump({{"error",
                                    {{"code", "invalid_address"},
                                     {"message", "the address has problems"},
                                     {"problems", check["problems"]}}},
                                   {"address", check["address"]}}),
                             kJson);
    }
    document = dump(check["address"]);
    answer["shipping_address"] = check["address"];
    answer["problems"] = check["problems"];  // warnings only
  } else if (kind == "add_item") {
    // An offer added on the order status page: priced here, from the order's lines.
    const std::string offer_id = req.matches[3];
    for (const auto& edit : edits.value()) {
      const Json done = Json::parse(edit.document, nullptr, false);
      if (edit.edit == "add_item" && done.is_object() && done.value("id", "") == offer_id) {
        return res.set_content(dump({{"order_id", order_id}, {"offer", done}, {"duplicate", true}}),
                               kJson);
      }
    }
    const Json body = Json::parse(req.body, nullptr, false);
    Json purchase = body.is_object() ? body : Json::object();
    const Json claimed = purchase.contains("price") ? purchase["price"] : Json();
    purchase.erase("price");
    auto offers_text = offers_for(dump({{"input_data", purchase}}), res);
    if (!offers_text) return;
    Json offer;
    for (const Json& candidate :
         Json::parse(*offers_text, nullptr, false).value("offers", Json::array()))
      if (candidate.value("id", "") == offer_id) offer = candidate;
    if (offer.is_null())
      return send_error(res, 409, "offer_unavailable",
                        "this offer is not available for this order");
    if (!claimed.is_null() &&
        (!claimed.is_object() || claimed.value("amount", Json()) != offer["price"]["amount"] ||
         claimed.value("currency", Json()) != offer["price"]["currency"])) {
      return send_error(res, 409, "price_mismatch", "the offer's price is not the one given",
                        "$.price", {{"offer", offer}});
    }
    document = dump(offer);
    answer["offer"] = offer;
    answer["duplicate"] = false;
  } else {
    answer["cancelled"] = true;
  }
  OrderEditRecord record{shop, order_id, kind, document, now_seconds() * 1000};
  auto saved = store_.add_order_edit(record);
  if (!saved) return send_error(res, 503, "storage_unavailable", saved.error().message);
  answer["until"] = eligible["until"];
  res.set_content(dump(answer), kJson);
}

}  // namespace tiercart::server
