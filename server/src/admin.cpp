// The merchant's admin API (a bearer token): program versions checked by the core before
// they are saved, the shop context, the verdicts and the privacy data requests.

#include "compliance.h"
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

bool Service::admin_allowed(const Request& req, Response& res) const {
  if (config_.admin_token.empty()) {
    send_error(res, 403, "admin_disabled", "no admin token is configured");
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

void Service::create_program(const Request& req, Response& res) {
  if (!admin_allowed(req, res) || body_too_large(req, res, config_.max_admin_body_bytes)) return;
  auto program = parse_program(req.body);
  if (!program) return send_core_error(res, 400, program.error());
  const auto problems = check_program(program.value(), *shop_context());
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
  ProgramRecord record{program.value().id, program.value().version,
                       std::string(accepted_document(req.body)), false, now_ms()};
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
  if (!admin_allowed(req, res)) return;
  auto programs = store_->list_programs();
  if (!programs) return send_storage_error(res, "list programs", programs.error());
  JsonWriter w(64 + 128 * programs.value().size());
  w.begin_object().key("programs").begin_array();
  for (const auto& program : programs.value()) write_program_summary(w, program);
  res.set_content(w.end_array().end_object().take(), kJson);
}

void Service::get_program(const Request& req, Response& res) {
  if (!admin_allowed(req, res)) return;
  const std::string id = req.matches[1];
  const int64_t version = std::stoll(req.matches[2]);  // at most 18 digits: fits
  auto found = store_->find_program(id, version);
  if (!found) return send_storage_error(res, "find program", found.error());
  if (!found.value()) return send_error(res, 404, "not_found", "no such program version");
  // The document was accepted by parse_program before it was stored: it is JSON.
  JsonWriter w(256 + found.value()->document.size());
  write_program_summary(w, *found.value(), false);
  w.key("program").raw(accepted_document(found.value()->document)).end_object();
  res.set_content(w.take(), kJson);
}

void Service::activate_program(const Request& req, Response& res) {
  if (!admin_allowed(req, res)) return;
  const std::string id = req.matches[1];
  const int64_t version = std::stoll(req.matches[2]);
  auto activated = store_->activate_program(id, version);
  if (!activated) return send_storage_error(res, "activate program", activated.error());
  if (!activated.value()) return send_error(res, 404, "not_found", "no such program version");
  res.set_content(dump({{"id", id}, {"version", version}, {"active", true}}), kJson);
}

void Service::put_context(const Request& req, Response& res) {
  if (!admin_allowed(req, res) || body_too_large(req, res, config_.max_admin_body_bytes)) return;
  auto context = parse_shop_context(req.body);
  if (!context) return send_core_error(res, 400, context.error());
  Context shop = std::move(context).value();
  auto saved = store_->put_setting(kContextKey, req.body);
  if (!saved) return send_storage_error(res, "save context", saved.error());
  {
    std::lock_guard<std::mutex> lock(context_mutex_);
    context_ = std::make_shared<const Context>(std::move(shop));
  }
  res.set_content("{\"saved\":true}", kJson);
}

void Service::list_verdicts(const Request& req, Response& res) {
  if (!admin_allowed(req, res)) return;
  VerdictQuery query;
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
  if (!admin_allowed(req, res)) return;
  int limit = 100;
  if (!read_limit(req, res, limit)) return;
  auto body = data_requests_answer(*store_, limit);
  if (!body) return send_storage_error(res, "list data requests", body.error());
  res.set_content(body.value(), kJson);
}

}  // namespace tiercart::server
