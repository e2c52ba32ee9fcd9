// The merchant's admin API: program versions checked by the core before they are saved, the
// shop context, the verdicts, the privacy data requests and the install state. Each call acts
// on one shop: the one an App Bridge session token names, or the one the operator names.

#include <algorithm>

#include "compliance.h"
#include "install.h"
#include "jwt.h"
#include "responses.h"
#include "service.h"
#include "signature.h"

namespace tiercart::server {

using http::Request;
using http::Response;

namespace {

// `?limit=` of the admin lists: 1..1000, `limit` unchanged when absent; false when answered 400.
bool read_limit(const Request& req, Response& res, int& limit) {
  if (!req.has_param("limit")) return true;
  const std::string text = req.get_param_value("limit");
  if (text.empty() || text.size() > 4 ||
      text.find_first_not_of("0123456789") != std::string::npos || std::stoi(text) < 1 ||
      std::stoi(text) > 1000) {
    send_error(res, 400, "invalid_value", "limit must be 1..1000", "limit");
    return false;
  }
  limit = std::stoi(text);
  return true;
}

// {"id", "version", "active", "created_at"}; `close` false leaves the object open for more.
void write_program_summary(JsonWriter& w, const ProgramRecord& program, bool close = true) {
  w.begin_object()
      .field("id", program.id)
      .field("version", program.version)
      .field("active", program.active)
      .field("created_at", program.created_at);
  if (close) w.end_object();
}

}  // namespace

std::optional<std::string> Service::session_shop(const std::string& token, Response& res) {
  // App Bridge asks for a new session token when an answer carries this header.
  auto refuse = [&](const std::string& code, const std::string& message, const std::string& path) {
    ++metrics_.sessions_refused;
    res.set_header("X-Shopify-Retry-Invalid-Session-Request", "1");
    send_error(res, 401, code, message, path);
    return std::nullopt;
  };
  if (config_.api_key.empty()) {
    return refuse("sessions_disabled", "no app API key is configured (TIERCART_API_KEY)", "");
  }
  JwtCheck check;
  check.now = now_seconds();
  check.leeway = 10;  // SHOPIFY.md section 8: exp and nbf with 10 s leeway
  check.audience = config_.api_key;
  check.require_exp = true;
  check.max_bytes = 8 * 1024;
  auto claims = jwt_verify(token, config_.app_secret, check);
  if (!claims) return refuse(claims.error().code, claims.error().message, claims.error().path);
  const Json& c = claims.value();
  // jwt_verify checks `aud` only when present; a session token must name this app.
  if (!c.contains("aud") || !c["aud"].is_string()) {
    return refuse("wrong_audience", "the session token names no app", "$.aud");
  }
  if (!c.contains("nbf") || !c["nbf"].is_number_integer()) {
    return refuse("missing_claim", "the session token has no nbf", "$.nbf");
  }
  const std::string https = "https://";
  const std::string dest =
      c.contains("dest") && c["dest"].is_string() ? c["dest"].get<std::string>() : "";
  const auto shop =
      dest.rfind(https, 0) == 0 ? shop_hostname(dest.substr(https.size())) : std::nullopt;
  if (!shop) return refuse("missing_claim", "the session token names no shop", "$.dest");
  // `iss` is the same shop's admin: a token whose two claims disagree is not Shopify's.
  const std::string iss =
      c.contains("iss") && c["iss"].is_string() ? c["iss"].get<std::string>() : "";
  if (iss.rfind(https, 0) != 0 ||
      shop_hostname(iss.substr(https.size(), iss.find('/', https.size()) - https.size())) != shop) {
    return refuse("wrong_issuer", "the session token's iss is not its shop's admin", "$.iss");
  }
  install_->session_seen(*shop, token);
  // The merchant opened the app: what they saved in the theme editor is read again (at most
  // once per --theme-sync-interval-ms).
  if (theme_sync_) theme_sync_->request(*shop);
  return shop;
}

bool Service::operator_allowed(const Request& req, Response& res) const {
  if (config_.admin_token.empty()) {
    send_error(res, 403, "admin_disabled", "no operator token is configured");
    return false;
  }
  const std::string header = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  const std::string given = header.rfind(prefix, 0) == 0 ? header.substr(prefix.size()) : "";
  // Compare digests, so that neither the token's bytes nor its length leak through timing.
  if (given.empty() || !constant_time_equal(hmac_sha256("tiercart-admin", given),
                                            hmac_sha256("tiercart-admin", config_.admin_token))) {
    res.set_header("WWW-Authenticate", "Bearer");
    send_error(res, 401, "unauthorized", "a valid bearer token is required");
    return false;
  }
  return true;
}

std::optional<std::string> Service::admin_shop(const Request& req, Response& res) {
  const std::string header = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  const std::string given = header.rfind(prefix, 0) == 0 ? header.substr(prefix.size()) : "";
  // A JWT (three dot-separated parts) is a session token; anything else is the operator's.
  if (std::count(given.begin(), given.end(), '.') == 2) return session_shop(given, res);
  if (!operator_allowed(req, res)) return std::nullopt;
  // The operator acts for every shop, one named shop at a time.
  const auto shop = shop_hostname(req.get_param_value("shop"));
  if (!shop || req.params.count("shop") != 1) {
    send_error(res, 400, "missing_shop",
               "the operator token acts on one shop: name it with ?shop=NAME.myshopify.com",
               "shop");
    return std::nullopt;
  }
  return shop;
}

void Service::shop_state(const Request& req, Response& res) {
  const auto shop = admin_shop(req, res);
  if (!shop) return;
  auto record = store_->find_shop(*shop);
  if (!record) return send_storage_error(res, "read the shop", record.error());
  auto programs = store_->list_programs(*shop);
  if (!programs) return send_storage_error(res, "list programs", programs.error());
  auto outbox = store_->outbox_state(*shop);
  if (!outbox) return send_storage_error(res, "read the outbox", outbox.error());
  auto total = store_->count_verdicts(*shop, false);
  auto flagged = store_->count_verdicts(*shop, true);
  if (!total || !flagged)
    return send_storage_error(res, "count verdicts", total ? flagged.error() : total.error());
  JsonWriter w(1024);
  w.begin_object().field("shop", *shop);
  const ShopRecord* r = record.value() ? &*record.value() : nullptr;
  // Installed but for a token: a token exchange that failed says why.
  std::string state = r ? r->state : "pending";
  if (r && state == "pending" && !r->last_error.empty()) state = "token_exchange_failed";
  w.field("install_state", state);
  w.field("scopes", r ? r->scope : std::string());
  w.field("installed_at", r ? r->installed_at : int64_t{0});
  w.field("token_expires_at", r ? r->access_expires_at : int64_t{0});
  if (r && !r->last_error.empty()) w.field("last_error", r->last_error);
  w.key("programs").begin_array();
  for (const auto& program : programs.value()) write_program_summary(w, program);
  w.end_array();
  w.key("verdicts")
      .begin_object()
      .field("total", total.value())
      .field("flagged", flagged.value())
      .end_object();
  // What the last theme sync found: the merchant sees why the editor's settings are not live.
  auto theme = store_->get_setting(*shop, "theme_sync");
  auto live = store_->get_setting(*shop, "live_program");
  if (theme && theme.value()) {
    const Json state = Json::parse(*theme.value(), nullptr, false);
    if (state.is_object()) {
      w.key("theme_sync").begin_object();
      w.field("synced_at", state.value("synced_at", int64_t{0}));
      const std::string error = state.value("error", "");
      if (!error.empty()) w.field("error", error);
      w.key("notices").raw(state.value("notices", Json::array()).dump());
      w.end_object();
    }
  }
  if (live && live.value()) w.key("live_program").raw(*live.value());
  // Writes to Shopify not made yet, and why, so the merchant knows tags or edits are late.
  const OutboxState& o = outbox.value();
  w.key("outbox")
      .begin_object()
      .field("pending", o.pending)
      .field("failed", o.failed)
      .field("done", o.done)
      .field("oldest_pending_at", o.oldest_pending_at);
  if (!o.last_error.empty()) w.field("last_error", o.last_error);
  w.end_object();
  res.set_content(w.end_object().take(), kJson);
}

// The shop's writes to Shopify, pending and failed first.
void Service::list_writes(const Request& req, Response& res) {
  const auto shop = admin_shop(req, res);
  if (!shop) return;
  auto rows = store_->list_writes(*shop, 100);
  if (!rows) return send_storage_error(res, "list writes", rows.error());
  JsonWriter w(1024);
  w.begin_object().key("writes").begin_array();
  for (const OutboxRow& row : rows.value()) {
    w.begin_object()
        .field("id", row.id)
        .field("kind", row.write.kind)
        .field("key", row.write.key)
        .field("state", row.state)
        .field("attempts", row.attempts)
        .field("created_at", row.created_at)
        .field("next_attempt_at", row.next_attempt_at);
    if (!row.last_error.empty()) w.field("last_error", row.last_error);
    w.end_object();
  }
  res.set_content(w.end_array().end_object().take(), kJson);
}

// A failed write sent again, once the merchant fixed its cause (a scope granted, ...).
void Service::retry_write(const Request& req, Response& res) {
  const auto shop = admin_shop(req, res);
  if (!shop) return;
  const int64_t id = std::stoll(req.matches[1]);  // at most 18 digits: fits
  auto retried = store_->retry_write(*shop, id, now_ms());
  if (!retried) return send_storage_error(res, "retry a write", retried.error());
  if (!retried.value()) {
    return send_error(res, 404, "not_found", "the shop has no failed write with this id");
  }
  if (outbox_) outbox_->wake();
  JsonWriter w(64);
  res.set_content(w.begin_object().field("id", id).field("state", "pending").end_object().take(),
                  kJson);
}

void Service::create_program(const Request& req, Response& res) {
  const auto shop = admin_shop(req, res);
  if (!shop || body_too_large(req, res, config_.max_admin_body_bytes)) return;
  auto program = parse_program(req.body);
  if (!program) return send_core_error(res, 400, program.error());
  bool storage_failed = false;
  const auto context = shop_context(*shop, storage_failed);
  if (!context) return send_error(res, 503, "storage_unavailable", "the context cannot be read");
  const auto problems = check_program(program.value(), *context);
  for (const auto& problem : problems) {
    if (problem.severity != "error") continue;
    JsonWriter w(256 + 256 * problems.size());
    w.begin_object()
        .key("error")
        .begin_object()
        .field("code", "program_rejected")
        .field("message", "the program check found errors: " + problem.message)
        .field("path", problem.path)
        .end_object();
    write_problems(w.key("problems"), problems);
    w.end_object();
    res.status = 422;
    res.set_content(w.take(), kJson);
    return;
  }
  ProgramRecord record{*shop,
                       program.value().id,
                       program.value().version,
                       std::string(accepted_document(req.body)),
                       false,
                       now_ms()};
  auto added = store_->add_program(record);
  if (!added) return send_storage_error(res, "add program", added.error());
  if (!added.value()) {
    return send_error(res, 409, "version_exists",
                      "program " + record.id + " already has a version " +
                          std::to_string(record.version) + "; versions never change",
                      "$.version");
  }
  JsonWriter w(256 + 256 * problems.size());
  write_program_summary(w, record, false);
  write_problems(w.key("problems"), problems);
  w.end_object();
  res.status = 201;
  res.set_content(w.take(), kJson);
}

void Service::list_programs(const Request& req, Response& res) {
  const auto shop = admin_shop(req, res);
  if (!shop) return;
  auto programs = store_->list_programs(*shop);
  if (!programs) return send_storage_error(res, "list programs", programs.error());
  JsonWriter w(64 + 128 * programs.value().size());
  w.begin_object().key("programs").begin_array();
  for (const auto& program : programs.value()) write_program_summary(w, program);
  res.set_content(w.end_array().end_object().take(), kJson);
}

void Service::get_program(const Request& req, Response& res) {
  const auto shop = admin_shop(req, res);
  if (!shop) return;
  const std::string id = req.matches[1];
  const int64_t version = std::stoll(req.matches[2]);  // at most 18 digits: fits
  auto found = store_->find_program(*shop, id, version);
  if (!found) return send_storage_error(res, "find program", found.error());
  if (!found.value()) return send_error(res, 404, "not_found", "no such program version");
  // The document was accepted by parse_program before it was stored: it is JSON.
  JsonWriter w(256 + found.value()->document.size());
  write_program_summary(w, *found.value(), false);
  w.key("program").raw(accepted_document(found.value()->document)).end_object();
  res.set_content(w.take(), kJson);
}

void Service::activate_program(const Request& req, Response& res) {
  const auto shop = admin_shop(req, res);
  if (!shop) return;
  const std::string id = req.matches[1];
  const int64_t version = std::stoll(req.matches[2]);
  auto found = store_->find_program(*shop, id, version);
  if (!found) return send_storage_error(res, "find program", found.error());
  if (!found.value()) return send_error(res, 404, "not_found", "no such program version");
  // Made live, and published to checkout and the storefront in the same transaction.
  auto activated = theme_sync_->activate(*shop, *found.value());
  forget_live_programs(*shop);
  if (!activated) {
    if (activated.error().code == "storage_error") {
      return send_storage_error(res, "activate program", activated.error());
    }
    return send_core_error(res, 422, activated.error());
  }
  if (!activated.value()) return send_error(res, 404, "not_found", "no such program version");
  res.set_content(dump({{"id", id}, {"version", version}, {"active", true}}), kJson);
}

void Service::put_context(const Request& req, Response& res) {
  const auto shop = admin_shop(req, res);
  if (!shop || body_too_large(req, res, config_.max_admin_body_bytes)) return;
  auto context = parse_shop_context(req.body);
  if (!context) return send_core_error(res, 400, context.error());
  auto saved = store_->put_setting(*shop, kContextKey, req.body);
  if (!saved) return send_storage_error(res, "save context", saved.error());
  {
    std::lock_guard<std::mutex> lock(contexts_mutex_);
    contexts_.erase(*shop);
  }
  res.set_content("{\"saved\":true}", kJson);
}

void Service::list_verdicts(const Request& req, Response& res) {
  const auto shop = admin_shop(req, res);
  if (!shop) return;
  VerdictQuery query;
  query.shop = *shop;
  const std::string flagged = req.get_param_value("flagged");
  query.flagged_only = flagged == "1" || flagged == "true";
  if (!read_limit(req, res, query.limit)) return;
  auto verdicts = store_->list_verdicts(query);
  if (!verdicts) return send_storage_error(res, "list verdicts", verdicts.error());
  JsonWriter w(1024);
  w.begin_object().key("verdicts").begin_array();
  for (const auto& record : verdicts.value()) write_verdict(w, record);
  res.set_content(w.end_array().end_object().take(), kJson);
}

void Service::list_data_requests(const Request& req, Response& res) {
  const auto shop = admin_shop(req, res);
  if (!shop) return;
  int limit = 100;
  if (!read_limit(req, res, limit)) return;
  auto body = data_requests_answer(*store_, *shop, limit);
  if (!body) return send_storage_error(res, "list data requests", body.error());
  res.set_content(body.value(), kJson);
}

}  // namespace tiercart::server
