// A customer's own edits of an order, through the app proxy or the customer account
// extension: what may still change and until when, a new shipping address, a cancel, an
// offer added on the order status page. The core decides each (edit_eligibility,
// check_address, select_offers); the server checks who asks and keeps what was done.

#include <algorithm>

#include "jwt.h"
#include "outbox.h"
#include "post_purchase.h"
#include "tiercart/time.h"

namespace tiercart::server {
namespace {

using http::Request;
using http::Response;

// A refused edit as the HTTP answer: past the window is its own, clearly named refusal.
void send_refusal(Response& res, EditKind kind, const EditEligibility& eligibility) {
  std::string code = "not_allowed";
  std::string message = "not offered";
  for (const RefusedEdit& refused : eligibility.refused) {
    if (refused.edit == kind) {
      code = refused.code;
      message = refused.message;
    }
  }
  ErrorMembers extra = {{"edit", json_text(edit_kind_name(kind))},
                        {"until", json_text(format_time(eligibility.until))}};
  if (code == "window_closed") {
    return send_error(res, 409, "edit_window_closed", message, "", extra);
  }
  if (code == "not_allowed") return send_error(res, 403, "edit_not_allowed", message, "", extra);
  extra.emplace_back("reason", json_text(code));
  send_error(res, 409, "edit_refused", message, "", extra);
}

std::optional<EditKind> edit_kind(const std::string& name) {
  for (EditKind kind : kAllEditKinds) {
    if (edit_kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

}  // namespace

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

std::optional<PostPurchase::Caller> PostPurchase::proxy_caller(const Request& req, Response& res) {
  // Shopify signs logged_in_customer_id with the other parameters (the guard checked the
  // signature), so it is the signed-in customer; it is empty when the shopper is signed out.
  const auto customer = parse_shopify_id(req.get_param_value("logged_in_customer_id"));
  if (!customer) {
    send_error(res, 401, "login_required", "sign in to the account that placed this order",
               "logged_in_customer_id");
    return std::nullopt;
  }
  // The guard checked the signature and the shop's spelling; kept as stored, in lower case.
  return Caller{shop_hostname(req.get_param_value("shop")).value_or(""), *customer};
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
  // Orders are kept under the shop's hostname in lower case.
  const auto shop = shop_hostname(dest);
  if (!shop) {
    send_error(res, 401, "missing_claim", "the session token names no shop", "$.dest");
    return std::nullopt;
  }
  // `sub` is the signed-in customer ("gid://shopify/Customer/<id>"); Shopify leaves it out
  // when no customer is signed in (or the app may not read customer data).
  const std::string customer_prefix = "gid://shopify/Customer/";
  const std::string sub =
      c.contains("sub") && c["sub"].is_string() ? c["sub"].get<std::string>() : "";
  const auto customer = sub.rfind(customer_prefix, 0) == 0 ? parse_shopify_id(sub) : std::nullopt;
  if (!customer) {
    send_error(res, 401, "login_required", "the session token names no signed-in customer",
               "$.sub");
    return std::nullopt;
  }
  return Caller{*shop, *customer};
}

std::optional<VerdictRecord> PostPurchase::owned_order(const Caller& caller, int64_t order_id,
                                                       Response& res) {
  auto verdict = store_.find_order_verdict(caller.shop, order_id);
  if (!verdict) {
    send_storage_error(res, "find an order", verdict.error());
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
  if (!edits) return send_storage_error(res, "list an order's edits", edits.error());
  OrderStatus order;
  order.created_at = verdict->received_at / 1000;
  const std::string* address = nullptr;  // the last address stored, as the core wrote it
  for (const auto& edit : edits.value()) {
    if (edit.edit == "cancel") order.cancelled_at = edit.created_at / 1000;
    if (edit.edit == "address") address = &edit.document;
  }
  const auto current = settings(shop, res);
  if (!current) return;
  if (!current->policy) {
    return send_error(res, 403, "edits_not_configured", "the shop offers no order edits");
  }
  const EditEligibility eligibility = edit_eligibility(order, *current->policy, now_seconds());
  if (kind.empty()) {
    JsonWriter w(1024);
    w.begin_object().field("order_id", order_id);
    w.key("eligibility").raw(to_json(eligibility));
    if (address) w.key("shipping_address").raw(*address);
    // The options the address is checked against when saved, so that a page or an extension
    // running the core checks it as the customer types by the same rules.
    const AddressOptions& options = current->address_options;
    w.key("address_options").begin_object();
    if (options.po_box_allowed) {
      w.key("shipping_method").begin_object().field("po_box", *options.po_box_allowed).end_object();
    }
    w.key("countries").begin_array();
    for (const std::string& country : options.countries) w.text(country);
    w.end_array().end_object();
    return res.set_content(w.end_object().take(), kJson);
  }
  const auto requested = edit_kind(kind);
  if (!requested || std::find(eligibility.allowed.begin(), eligibility.allowed.end(), *requested) ==
                        eligibility.allowed.end()) {
    return send_refusal(res, requested.value_or(EditKind::kAddress), eligibility);
  }

  std::string document = "{}";
  JsonWriter answer(1024);
  answer.begin_object().field("order_id", order_id);
  if (*requested == EditKind::kAddress) {
    auto typed = parse_address(req.body);
    if (!typed) return send_core_error(res, 400, typed.error());
    const AddressCheck check = check_address(typed.value(), current->address_options);
    const std::string problems = to_json(check.problems);
    if (!check.ok) {
      JsonWriter refused(512 + problems.size());
      refused.begin_object()
          .key("error")
          .begin_object()
          .field("code", "invalid_address")
          .field("message", "the address has problems");
      refused.key("problems").raw(problems).end_object();
      refused.key("address").raw(to_json(check.address)).end_object();
      res.status = 422;
      return res.set_content(refused.take(), kJson);
    }
    document = to_json(check.address);
    answer.key("shipping_address").raw(document);
    answer.key("problems").raw(problems);  // warnings only
  } else if (*requested == EditKind::kAddItem) {
    // An offer added on the order status page: chosen and priced here, from the lines of
    // the order as the server judged it; a body gives at most the price the customer saw.
    const std::string offer_id = req.matches[3];
    for (const auto& edit : edits.value()) {
      if (edit.edit != "add_item") continue;
      auto done = parse_post_purchase_offer(edit.document);
      if (done && done.value().id == offer_id) {
        JsonWriter again(256 + edit.document.size());
        again.begin_object().field("order_id", order_id);
        again.key("offer").raw(edit.document);
        return res.set_content(again.field("duplicate", true).end_object().take(), kJson);
      }
    }
    auto order = judged_order(*verdict, res);
    if (!order) return;
    auto offers = offers_for(shop, std::move(*order), res);
    if (!offers) return;
    const PostPurchaseOffer* offer = nullptr;
    for (const auto& candidate : offers->offers) {
      if (candidate.id == offer_id) offer = &candidate;
    }
    if (!offer) {
      return send_error(res, 409, "offer_unavailable",
                        "this offer is not available for this order");
    }
    document = to_json(*offer);
    // The price the customer saw, if the client says: it must be the one recomputed here.
    const Json body = Json::parse(req.body, nullptr, false);
    const bool claims_price =
        body.is_object() && body.contains("price") && !body["price"].is_null();
    if (claims_price && !same_price(body["price"], offer->price)) {
      return send_error(res, 409, "price_mismatch", "the offer's price is not the one given",
                        "$.price", {{"offer", document}});
    }
    answer.key("offer").raw(document);
    answer.field("duplicate", false);
  } else {
    answer.field("cancelled", true);
  }
  OrderEditRecord record{shop, order_id, kind, document, now_seconds() * 1000, {}};
  // The edit reaches the order in Shopify through the outbox, stored with the edit.
  if (*requested == EditKind::kAddress) {
    record.writes.push_back(address_write(shop, order_id, document, record.created_at));
  } else if (*requested == EditKind::kAddItem) {
    // The units of the variant the order holds once this edit is applied: the order's own,
    // and those of the edits before it. The delivery reads the order first and adds nothing
    // when it holds as many already (a second delivery after a crash).
    const Json offer = Json::parse(document, nullptr, false);
    const int64_t variant = offer.value("variant_id", int64_t{0});
    const int64_t quantity = offer.value("quantity", int64_t{1});
    int64_t held = 0;
    const Json lines = Json::parse(verdict->order_lines, nullptr, false);
    for (const Json& line : lines.value("line_items", Json::array())) {
      if (line.value("variant_id", int64_t{0}) == variant)
        held += line.value("quantity", int64_t{0});
    }
    for (const auto& edit : edits.value()) {
      if (edit.edit != "add_item") continue;
      const Json earlier = Json::parse(edit.document, nullptr, false);
      if (earlier.value("variant_id", int64_t{0}) == variant) {
        held += earlier.value("quantity", int64_t{0});
      }
    }
    record.writes.push_back(add_item_write(shop, order_id, document, held + quantity));
  }
  auto saved = store_.add_order_edit(record);
  if (!saved) return send_storage_error(res, "store an order edit", saved.error());
  answer.field("until", format_time(eligibility.until)).end_object();
  res.set_content(answer.take(), kJson);
}

}  // namespace tiercart::server
