// Post-purchase offers on the server: the offers for a purchase Shopify signed (the
// post-purchase page's token) or for an order the server judged (the customer account
// extension's), and the changeset token for an accepted offer. Every price is the core's,
// computed again here.

#include "jwt.h"
#include "post_purchase.h"
#include "signature.h"

namespace tiercart::server {
namespace {

using http::Request;
using http::Response;

// Shopify's token carries the whole initial purchase: larger than a session token.
constexpr std::size_t kMaxTokenBytes = 64 * 1024;

const PostPurchaseOffer* find_offer(const OfferSelection& selection, const std::string& id) {
  for (const auto& offer : selection.offers) {
    if (offer.id == id) return &offer;
  }
  return nullptr;
}

}  // namespace

std::optional<Json> PostPurchase::verified_claims(const Request& req, Response& res,
                                                  std::string& shop) {
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
  // The purchase's shop: its offers, settings and changesets are that shop's.
  const Json& dest = claims.value().contains("dest") ? claims.value()["dest"] : Json();
  const auto named = dest.is_string() ? shop_hostname(dest.get<std::string>()) : std::nullopt;
  if (!named) {
    send_error(res, 401, "missing_claim", "the token names no shop", "$.dest");
    return std::nullopt;
  }
  shop = *named;
  return std::move(claims).value();
}

std::optional<OfferSelection> PostPurchase::offers_for(const std::string& shop,
                                                       const Result<Order>& purchase,
                                                       Response& res) {
  const auto current = settings(shop, res);
  if (!current) return std::nullopt;
  if (!current->offers) {
    send_error(res, 404, "no_offers", "no offer catalog is configured");
    return std::nullopt;
  }
  if (!purchase) {
    send_core_error(res, 400, purchase.error());
    return std::nullopt;
  }
  auto saved = store_.get_setting(shop, kContextKey);
  if (!saved) {
    send_storage_error(res, "read the shop context", saved.error());
    return std::nullopt;
  }
  // Saved through PUT /admin/context, which the core read first.
  auto context = parse_context(saved.value() ? *saved.value() : std::string());
  if (!context) {
    send_core_error(res, 400, context.error());
    return std::nullopt;
  }
  // The context's catalog prices are in the shop's currency: a purchase paid in another one
  // cannot be priced from them (Shopify shows no post-purchase page for such an order).
  const std::string& shop_currency = context.value().shop_currency;
  if (!shop_currency.empty() && shop_currency != purchase.value().cart.currency) {
    send_error(res, 400, "currency_mismatch",
               "the purchase was paid in " + purchase.value().cart.currency +
                   ", not in the shop's currency " + shop_currency,
               "$.shop_currency");
    return std::nullopt;
  }
  auto selection =
      select_offers(purchase.value(), OrderStatus{}, *current->offers, context.value());
  if (!selection) {
    send_core_error(res, 400, selection.error());
    return std::nullopt;
  }
  return std::move(selection).value();
}

void PostPurchase::offer(const Request& req, Response& res) {
  if (body_too_large(req, res, config_.max_proxy_body_bytes)) return;
  std::string shop;
  auto claims = verified_claims(req, res, shop);
  if (!claims) return;
  auto offers = offers_for(shop, parse_purchase_token(dump(*claims)), res);
  if (!offers) return;
  JsonWriter w(1024);
  w.begin_object();
  write_members(w, *offers);
  w.key("reference_id").raw(dump((*claims)["sub"]));
  res.set_content(w.end_object().take(), kJson);
}

void PostPurchase::sign_changeset(const Request& req, Response& res) {
  if (body_too_large(req, res, config_.max_proxy_body_bytes)) return;
  std::string shop;
  auto claims = verified_claims(req, res, shop);
  if (!claims) return;
  const Json request = Json::parse(req.body, nullptr, false);
  if (!request.is_object() || !request.contains("offer_id") || !request["offer_id"].is_string()) {
    return send_error(res, 400, "missing_field", "offer_id is required", "$.offer_id");
  }
  const std::string offer_id = request["offer_id"];
  auto offers = offers_for(shop, parse_purchase_token(dump(*claims)), res);
  if (!offers) return;
  const PostPurchaseOffer* offer = find_offer(*offers, offer_id);
  if (!offer) {
    return send_error(res, 409, "offer_unavailable",
                      "this offer is not available for this purchase", "$.offer_id");
  }
  const std::string offer_json = to_json(*offer);
  // The price the customer saw, if the client says: it must be the one recomputed here.
  if (request.contains("price") && !same_price(request["price"], offer->price)) {
    return send_error(res, 409, "price_mismatch",
                      "the offer's price is not the one given; show the current offer", "$.price",
                      {{"offer", offer_json}});
  }

  const std::string reference_id = (*claims)["sub"];
  // One answer per incoming token: its jti when Shopify gives one, else a digest of it.
  const std::string token = req.get_header_value("Authorization").substr(7);
  const std::string request_key = claims->contains("jti") && (*claims)["jti"].is_string()
                                      ? "jti:" + (*claims)["jti"].get<std::string>()
                                      : "token:" + hex(hmac_sha256("tiercart-request-key", token));
  const std::string jti = random_uuid();
  if (jti.empty()) return send_error(res, 503, "unavailable", "no random bytes for a token id");
  JsonWriter changeset(512);
  changeset.begin_object()
      .field("iss", config_.api_key)
      .field("jti", jti)
      .field("iat", now_seconds())
      .field("sub", reference_id);
  changeset.key("changes").begin_array().raw(changeset_change(*offer)).end_array();
  changeset.end_object();
  ChangesetRecord record{shop,
                         request_key,
                         reference_id,
                         offer_id,
                         jti,
                         jwt_sign_texts(kJwtHeader, changeset.str(), config_.app_secret),
                         now_seconds() * 1000};
  auto stored = store_.record_changeset(record);
  if (!stored) return send_storage_error(res, "store a changeset", stored.error());
  const ChangesetRecord& kept = stored.value().record;
  if (stored.value().existing && kept.request_key == request_key && kept.offer_id != offer_id) {
    return send_error(res, 409, "token_replayed",
                      "this token already accepted another offer; a token accepts one offer");
  }
  JsonWriter w(512 + kept.token.size() + offer_json.size());
  w.begin_object().field("token", kept.token).field("jti", kept.jti);
  w.key("offer").raw(offer_json);
  w.field("duplicate", stored.value().existing).end_object();
  res.set_content(w.take(), kJson);
}

std::optional<Order> PostPurchase::judged_order(const VerdictRecord& verdict, Response& res) {
  if (verdict.order_lines.empty()) {
    send_error(res, 409, "order_lines_unknown",
               "this order was stored before the server kept its lines: no offers can be chosen "
               "for it");
    return std::nullopt;
  }
  // The core wrote these lines from the order it read: they read back.
  auto order = parse_order(verdict.order_lines);
  if (!order) {
    send_storage_error(res, "read an order's lines", order.error());
    return std::nullopt;
  }
  return std::move(order).value();
}

void PostPurchase::customer_offers(const Request& req, Response& res) {
  if (body_too_large(req, res, config_.max_proxy_body_bytes)) return;
  auto caller = customer_caller(req, res);
  if (!caller) return;
  // Offers for this order as its orders/create webhook gave it, and only for its customer,
  // like every other route under the order. The body is not read: earlier extensions sent
  // the order's lines, which a browser can make up.
  auto verdict = owned_order(*caller, std::stoll(req.matches[1]), res);
  if (!verdict) return;
  auto order = judged_order(*verdict, res);
  if (!order) return;
  auto offers = offers_for(caller->shop, std::move(*order), res);
  if (!offers) return;
  res.set_content(to_json(*offers), kJson);
}

}  // namespace tiercart::server
