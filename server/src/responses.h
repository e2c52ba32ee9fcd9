// Shared by the server's routes: JSON error answers, body limits and the wall clock. One
// definition each, so every route answers errors the same way. Answers are written with the
// core's JsonWriter, which embeds the core's documents (and those stored from them) as they
// are: the server never parses a document the core wrote.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http.h"
#include "tiercart/json_writer.h"
#include "tiercart/result.h"

namespace tiercart::server {

// nlohmann/json reads what arrives over HTTP (webhook payloads, request bodies, a JWT's
// parts); nothing else in the server is parsed.
using Json = nlohmann::json;

inline constexpr const char* kJson = "application/json";
// The setting under which PUT /admin/context stores the shop context.
inline constexpr const char* kContextKey = "context";

// Compact JSON of a value the server built. Under JSON_NOEXCEPTION a throw is an abort:
// invalid UTF-8 is replaced instead.
std::string dump(const Json& value);

// A JSON string (quotes included), invalid UTF-8 replaced.
std::string json_text(std::string_view text);

int64_t now_ms();
int64_t now_seconds();
// Milliseconds of a clock that never steps back: for cache ages, not for timestamps.
int64_t steady_ms();

// Members added to an error answer: a key and its value as JSON text.
using ErrorMembers = std::vector<std::pair<std::string, std::string>>;

// `{"error": {code, message, path?, ...extra}}`: every error answer's body.
std::string error_body(const std::string& code, const std::string& message,
                       const std::string& path = "", const ErrorMembers& extra = {});
// That body with `status`.
void send_error(http::Response& res, int status, const std::string& code,
                const std::string& message, const std::string& path = "",
                const ErrorMembers& extra = {});
// A core error (code, message, JSON path) with `status`.
void send_core_error(http::Response& res, int status, const Error& error);

// A store that failed: its error (the database's own words, naming tables, hosts and more)
// goes to the server's log under `what`; the client gets 503 `storage_unavailable` and a
// message that says no more than that. The body of such an answer, for routes that return one.
void send_storage_error(http::Response& res, std::string_view what, const Error& error);
std::string storage_error_body(std::string_view what, const Error& error);

// The shop a header or payload names, as Shopify writes a shop's hostname:
// "<name>.myshopify.com", the name 1 to 63 letters, digits and hyphens, not starting with a
// hyphen; compared case-insensitively and returned in lower case. Nothing otherwise.
std::optional<std::string> shop_hostname(std::string_view text);

// A signed body must be its JSON document and nothing more. JSON readers (the core's and
// nlohmann's alike) take a NUL byte as the end of their input and ignore what follows it,
// and no NUL can be inside a JSON text: a body holding one goes on after its document. Such
// a body is answered 400 `invalid_json`; true when it was.
bool bytes_after_document(const http::Request& req, http::Response& res);

// A JSON document the core accepted, as it can be embedded in another: without a leading
// UTF-8 byte order mark and without what follows a NUL byte (the core's reader, like
// nlohmann's, takes both as outside the document).
std::string_view accepted_document(std::string_view text);

// A stored verdict as the admin API lists it; `close` false leaves the object open for more.
struct VerdictRecord;
void write_verdict(JsonWriter& w, const VerdictRecord& record, bool close = true);

// A body over its route's limit gets 413 `too_large`; true when it was answered. The
// server-wide limit (the largest, for webhooks) is enforced by the HTTP layer before a handler
// runs; each route's smaller one is checked with this.
bool body_too_large(const http::Request& req, http::Response& res, std::size_t limit);

}  // namespace tiercart::server
