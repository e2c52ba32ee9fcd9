#include "responses.h"

#include <chrono>
#include <cstdio>

#include "store.h"

namespace tiercart::server {

std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string json_text(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

std::string_view accepted_document(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text.substr(0, text.find('\0'));
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t now_seconds() { return now_ms() / 1000; }

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string error_body(const std::string& code, const std::string& message, const std::string& path,
                       const ErrorMembers& extra) {
  JsonWriter w(128 + message.size());
  w.begin_object().key("error").begin_object().field("code", code).field("message", message);
  if (!path.empty()) w.field("path", path);
  for (const auto& [key, value] : extra) w.key(key).raw(value);
  w.end_object().end_object();
  return w.take();
}

void send_error(http::Response& res, int status, const std::string& code,
                const std::string& message, const std::string& path, const ErrorMembers& extra) {
  res.status = status;
  res.set_content(error_body(code, message, path, extra), kJson);
}

void send_core_error(http::Response& res, int status, const Error& error) {
  send_error(res, status, error.code, error.message, error.path);
}

namespace {

constexpr const char* kStorageUnavailable = "the database is unavailable; try again later";

void log_storage_error(std::string_view what, const Error& error) {
  std::fprintf(stderr, "tiercart-server: storage: %.*s: %s [%s]\n", static_cast<int>(what.size()),
               what.data(), error.message.c_str(), error.code.c_str());
}

}  // namespace

void send_storage_error(http::Response& res, std::string_view what, const Error& error) {
  log_storage_error(what, error);
  send_error(res, 503, "storage_unavailable", kStorageUnavailable);
}

std::string storage_error_body(std::string_view what, const Error& error) {
  log_storage_error(what, error);
  return error_body("storage_unavailable", kStorageUnavailable);
}

std::optional<std::string> shop_hostname(std::string_view text) {
  constexpr std::string_view kSuffix = ".myshopify.com";
  constexpr std::size_t kMaxName = 63;  // a hostname label
  if (text.size() <= kSuffix.size() || text.size() > kSuffix.size() + kMaxName) {
    return std::nullopt;
  }
  std::string shop(text);
  for (char& c : shop) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (shop.compare(shop.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return std::nullopt;
  }
  const std::size_t name = shop.size() - kSuffix.size();
  for (std::size_t i = 0; i < name; ++i) {
    const char c = shop[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (c != '-' || i == 0)) return std::nullopt;
  }
  return shop;
}

bool bytes_after_document(const http::Request& req, http::Response& res) {
  if (req.body.find('\0') == std::string::npos) return false;
  send_error(res, 400, "invalid_json", "the body goes on after its JSON document (a NUL byte)",
             "$");
  return true;
}

// The stored verdict and tags are JSON the server wrote from the core's verdict.
void write_verdict(JsonWriter& w, const VerdictRecord& record, bool close) {
  w.begin_object()
      .field("webhook_id", record.webhook_id)
      .field("shop", record.shop)
      .field("order_id", record.order_id)
      .field("earned", record.earned);
  w.key("tags").raw(record.tags);
  w.field("received_at", record.received_at);
  w.key("verdict").raw(record.verdict);
  if (close) w.end_object();
}

bool body_too_large(const http::Request& req, http::Response& res, std::size_t limit) {
  if (req.body.size() <= limit) return false;
  send_error(res, 413, "too_large", "the body is over " + std::to_string(limit) + " bytes");
  return true;
}

}  // namespace tiercart::server
