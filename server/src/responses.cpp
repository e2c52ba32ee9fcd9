#include "responses.h"

#include <httplib.h>

#include <chrono>

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

void send_error(httplib::Response& res, int status, const std::string& code,
                const std::string& message, const std::string& path, const Json& extra) {
  Json error = {{"code", code}, {"message", message}};
  if (!path.empty()) error["path"] = path;
  for (const auto& [key, value] : extra.items()) error[key] = value;
  res.status = status;
  res.set_content(dump({{"error", error}}), kJson);
}

bool body_too_large(const httplib::Request& req, httplib::Response& res, std::size_t limit) {
  if (req.body.size() <= limit) return false;
  send_error(res, 413, "too_large", "the body is over " + std::to_string(limit) + " bytes");
  return true;
}

}  // namespace tiercart::server
