#include "responses.h"

#include <httplib.h>

#include <chrono>

#include "store.h"

namespace tiercart::server {

std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t now_seconds() { return now_ms() / 1000; }

std::string error_body(const std::string& code, const std::string& message, const std::string& path,
                       const Json& extra) {
  Json error = {{"code", code}, {"message", message}};
  if (!path.empty()) error["path"] = path;
  for (const auto& [key, value] : extra.items()) error[key] = value;
  return dump({{"error", error}});
}

void send_error(httplib::Response& res, int status, const std::string& code,
                const std::string& message, const std::string& path, const Json& extra) {
  res.status = status;
  res.set_content(error_body(code, message, path, extra), kJson);
}

Json stored_json(const std::string& text) {
  Json value = Json::parse(text, nullptr, false);
  return value.is_discarded() ? Json(text) : value;
}

Json verdict_json(const VerdictRecord& record) {
  return {{"webhook_id", record.webhook_id},       {"shop", record.shop},
          {"order_id", record.order_id},           {"earned", record.earned},
          {"tags", stored_json(record.tags)},      {"received_at", record.received_at},
          {"verdict", stored_json(record.verdict)}};
}

bool body_too_large(const httplib::Request& req, httplib::Response& res, std::size_t limit) {
  if (req.body.size() <= limit) return false;
  send_error(res, 413, "too_large", "the body is over " + std::to_string(limit) + " bytes");
  return true;
}

}  // namespace tiercart::server
