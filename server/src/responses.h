// Shared by the server's routes: JSON without aborts, JSON error answers, body limits and
// the wall clock. One definition each, so every route answers errors the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace tiercart::server {

using Json = nlohmann::json;

inline constexpr const char* kJson = "application/json";
// The setting under which PUT /admin/context stores the shop context.
inline constexpr const char* kContextKey = "context";

// Compact JSON. Under JSON_NOEXCEPTION a throw is an abort: invalid UTF-8 is replaced instead.
std::string dump(const Json& value);

int64_t now_ms();
int64_t now_seconds();

// `{"error": {code, message, path?, ...extra}}`: every error answer's body.
std::string error_body(const std::string& code, const std::string& message,
                       const std::string& path = "", const Json& extra = Json::object());
// That body with `status`.
void send_error(httplib::Response& res, int status, const std::string& code,
                const std::string& message, const std::string& path = "",
                const Json& extra = Json::object());

// A JSON document stored by us (a verdict, tags, a program), embedded as JSON rather than as
// a string; text that is not JSON stays a string.
Json stored_json(const std::string& text);
// A stored verdict as the admin API lists it.
struct VerdictRecord;
Json verdict_json(const VerdictRecord& record);

// A body over its route's limit gets 413 `too_large`; true when it was answered. The
// server-wide limit (the largest, for webhooks) is enforced by httplib before a handler
// runs; each route's smaller one is checked with this.
bool body_too_large(const httplib::Request& req, httplib::Response& res, std::size_t limit);

}  // namespace tiercart::server
