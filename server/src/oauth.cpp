#include "oauth.h"

#include <httplib.h>

#include <exception>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "query.h"
#include "responses.h"
#include "signature.h"

namespace tiercart::server {
namespace {

// Shopify's library refuses an install request or callback signed longer ago (or further
// ahead) than this: a signed URL left in a log or a browser's history cannot be replayed.
constexpr int64_t kMaxQueryAgeS = 90;
// An answer from /admin/oauth/access_token is a few hundred bytes; a token a few dozen.
constexpr std::size_t kMaxAnswerBytes = 64 * 1024;
constexpr std::size_t kMaxTokenChars = 4096;
// A lifetime past ten years is no lifetime Shopify gives, and past it the milliseconds could
// overflow.
constexpr int64_t kMaxLifetimeS = 10LL * 366 * 24 * 3600;

Error query_error(const char* code, std::string message, const std::string& parameter) {
  return make_error(code, std::move(message), parameter);
}

// application/x-www-form-urlencoded as URLSearchParams writes it (Shopify's Node library
// builds the signed message and the authorize URL with it): letters, digits and "*-._" as
// they are, a space as '+', every other byte as %XX in upper case.
std::string form_encode(std::string_view text) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    const bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '*' || c == '-' || c == '.' || c == '_';
    if (kept) {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// A token goes into a header (X-Shopify-Access-Token) and a database row: visible ASCII only,
// so no answer can smuggle a line break into a request.
bool token_text(std::string_view text) {
  if (text.empty() || text.size() > kMaxTokenChars) return false;
  for (unsigned char c : text) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

Error answer_error(std::string message, std::string path) {
  return make_error("invalid_token_response", std::move(message), std::move(path));
}

// Seconds from `now_ms` as an absolute time, for a member that is optional.
bool lifetime(const Json& answer, const char* name, int64_t now_ms, int64_t& out, Error& error) {
  if (!answer.contains(name)) return true;
  const Json& value = answer[name];
  const std::string path = std::string("$.") + name;
  // nlohmann reads every non-negative integer as unsigned: a negative one, a fraction or a
  // string is none.
  const bool whole =
      value.is_number_unsigned() && value.get<uint64_t>() <= static_cast<uint64_t>(kMaxLifetimeS);
  const int64_t seconds = whole ? static_cast<int64_t>(value.get<uint64_t>()) : 0;
  if (seconds <= 0) {
    error = answer_error(std::string(name) + " must be a positive whole number of seconds", path);
    return false;
  }
  out = now_ms + seconds * 1000;
  return true;
}

// An OAuth error code as Shopify writes one: lower case and underscores, short. Anything else
// in `error` is not passed on as a code.
bool oauth_error_code(std::string_view text) {
  return !text.empty() && text.size() <= 64 &&
         text.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos;
}

}  // namespace

Status verify_admin_query(std::string_view raw_query, std::string_view secret, int64_t now_s) {
  if (!raw_query.empty() && raw_query.front() == '?') raw_query.remove_prefix(1);
  const auto params = parse_query(raw_query);
  // One value each: a repeated name would leave the signed message and what the caller reads
  // free to disagree.
  for (auto it = params.begin(); it != params.end(); it = params.upper_bound(it->first)) {
    if (params.count(it->first) > 1) {
      return query_error("duplicate_parameter", "`" + it->first + "` comes more than once",
                         it->first);
    }
  }
  const auto hmac = params.find("hmac");
  if (hmac == params.end()) return query_error("missing_hmac", "the query is not signed", "hmac");

  // std::multimap keeps its keys sorted by their bytes, as Shopify's library sorts them.
  std::string message;
  for (const auto& [key, value] : params) {
    if (key == "hmac" || key == "signature") continue;
    if (!message.empty()) message += '&';
    message += form_encode(key) + "=" + form_encode(value);
  }
  if (secret.empty() || !constant_time_equal(hex(hmac_sha256(secret, message)), hmac->second)) {
    return query_error("invalid_hmac", "the query's signature does not match", "hmac");
  }

  const auto timestamp = params.find("timestamp");
  if (timestamp == params.end() || !all_digits(timestamp->second) ||
      timestamp->second.size() > 12) {
    return query_error("invalid_timestamp", "`timestamp` must be Unix seconds", "timestamp");
  }
  const int64_t signed_at = std::stoll(timestamp->second);
  if (signed_at < now_s - kMaxQueryAgeS || signed_at > now_s + kMaxQueryAgeS) {
    return query_error("stale_timestamp", "the query was signed more than 90 s from now",
                       "timestamp");
  }

  const auto shop = params.find("shop");
  if (shop == params.end() || !shop_hostname(shop->second)) {
    return query_error("invalid_shop", "`shop` must be a shop's hostname (*.myshopify.com)",
                       "shop");
  }
  return true;
}

std::string shop_admin_origin(const std::string& configured, const std::string& shop) {
  constexpr std::string_view kPlaceholder = "{shop}";
  std::string origin;
  std::size_t from = 0;
  for (std::size_t at; (at = configured.find(kPlaceholder, from)) != std::string::npos;
       from = at + kPlaceholder.size()) {
    origin.append(configured, from, at - from).append(shop);
  }
  origin.append(configured, from, std::string::npos);
  while (!origin.empty() && origin.back() == '/') origin.pop_back();
  return origin;
}

std::string authorize_url(const std::string& origin, const std::string& api_key,
                          const std::string& scopes, const std::string& redirect_uri,
                          const std::string& state) {
  // The parameters in the order Shopify's documentation and library write them.
  return origin + "/admin/oauth/authorize?client_id=" + form_encode(api_key) +
         "&scope=" + form_encode(scopes) + "&redirect_uri=" + form_encode(redirect_uri) +
         "&state=" + form_encode(state) + "&" + form_encode("grant_options[]") + "=";
}

Result<AccessToken> parse_token_response(std::string_view body, int64_t now_ms) {
  if (body.size() > kMaxAnswerBytes) return answer_error("the answer is too large", "$");
  const Json answer = Json::parse(body.begin(), body.end(), nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) {
    return answer_error("the answer is not a JSON object", "$");
  }
  AccessToken token;
  if (!answer.contains("access_token") || !answer["access_token"].is_string() ||
      !token_text(answer["access_token"].get_ref<const std::string&>())) {
    return answer_error("access_token must be a token (visible ASCII, at most 4096 characters)",
                        "$.access_token");
  }
  token.access_token = answer["access_token"].get<std::string>();
  if (!answer.contains("scope") || !answer["scope"].is_string() ||
      answer["scope"].get_ref<const std::string&>().size() > kMaxTokenChars) {
    return answer_error("scope must be a string of scopes", "$.scope");
  }
  token.scope = answer["scope"].get<std::string>();
  if (answer.contains("refresh_token")) {
    if (!answer["refresh_token"].is_string() ||
        !token_text(answer["refresh_token"].get_ref<const std::string&>())) {
      return answer_error("refresh_token must be a token (visible ASCII, at most 4096 characters)",
                          "$.refresh_token");
    }
    token.refresh_token = answer["refresh_token"].get<std::string>();
  }
  Error error;
  if (!lifetime(answer, "expires_in", now_ms, token.expires_at_ms, error) ||
      !lifetime(answer, "refresh_token_expires_in", now_ms, token.refresh_expires_at_ms, error)) {
    return error;
  }
  return token;
}

ShopifyOAuth::ShopifyOAuth(std::string origin_template, std::string api_key, std::string app_secret,
                           int timeout_ms)
    : origin_template_(std::move(origin_template)),
      api_key_(std::move(api_key)),
      app_secret_(std::move(app_secret)),
      timeout_ms_(timeout_ms) {}

Result<AccessToken> ShopifyOAuth::exchange_code(const std::string& shop,
                                                const std::string& code) const {
  const Json body = {
      {"client_id", api_key_}, {"client_secret", app_secret_}, {"code", code}, {"expiring", "1"}};
  return request_token(shop, dump(body));
}

Result<AccessToken> ShopifyOAuth::exchange_session_token(const std::string& shop,
                                                         const std::string& id_token) const {
  const Json body = {
      {"client_id", api_key_},
      {"client_secret", app_secret_},
      {"grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"},
      {"subject_token", id_token},
      {"subject_token_type", "urn:ietf:params:oauth:token-type:id_token"},
      {"requested_token_type", "urn:shopify:params:oauth:token-type:offline-access-token"},
      {"expiring", "1"}};
  return request_token(shop, dump(body));
}

Result<AccessToken> ShopifyOAuth::refresh(const std::string& shop,
                                          const std::string& refresh_token) const {
  const Json body = {{"client_id", api_key_},
                     {"client_secret", app_secret_},
                     {"grant_type", "refresh_token"},
                     {"refresh_token", refresh_token}};
  return request_token(shop, dump(body));
}

Result<AccessToken> ShopifyOAuth::request_token(const std::string& shop,
                                                const std::string& body) const {
  // The shop picks the host the secret is sent to: only a shop's hostname may.
  const auto hostname = shop_hostname(shop);
  if (!hostname) {
    return make_error("invalid_shop", "not a shop's hostname (*.myshopify.com)", "shop");
  }
  const std::string origin = shop_admin_origin(origin_template_, *hostname);
  // "scheme://host[:port]" for the client, the rest (the demo's /store/{shop}) for the path.
  const std::size_t scheme_end = origin.find("://");
  const std::size_t path_start =
      scheme_end == std::string::npos ? std::string::npos : origin.find('/', scheme_end + 3);
  const std::string scheme_host_port = origin.substr(0, path_start);
  const std::string prefix = path_start == std::string::npos ? "" : origin.substr(path_start);
  // httplib's client constructor throws on a scheme it does not know or a port that is no
  // number: a configuration mistake, answered as an error like any other.
  const Error bad_origin = make_error("shopify_unreachable",
                                      "the Shopify origin is not an http(s) URL", "shopify_origin");
  if (origin.rfind("https://", 0) != 0 && origin.rfind("http://", 0) != 0) return bad_origin;
  std::optional<httplib::Client> connection;
  try {
    connection.emplace(scheme_host_port);
  } catch (const std::exception&) {
    return bad_origin;
  }
  httplib::Client& client = *connection;
  if (!client.is_valid()) return bad_origin;
  const time_t seconds = timeout_ms_ / 1000;
  const time_t micros = (timeout_ms_ % 1000) * 1000;
  client.set_connection_timeout(seconds, micros);
  client.set_read_timeout(seconds, micros);
  client.set_write_timeout(seconds, micros);

  httplib::Request request;
  request.method = "POST";
  request.path = prefix + "/admin/oauth/access_token";
  request.headers = {{"Accept", "application/json"},
                     {"Content-Type", "application/json"},
                     {"User-Agent", "tiercart"}};
  request.body = body;
  std::string answer;
  bool too_large = false;
  request.content_receiver = [&](const char* data, std::size_t length, uint64_t, uint64_t) {
    if (answer.size() + length > kMaxAnswerBytes) {
      too_large = true;
      return false;
    }
    answer.append(data, length);
    return true;
  };
  const httplib::Result result = client.send(request);
  if (too_large) return answer_error("the answer is too large", "$");
  if (!result) {
    return make_error(
        "shopify_unreachable",
        "no answer from " + *hostname + " (" + httplib::to_string(result.error()) + ")", "shop");
  }
  const int status = result->status;
  if (status == 200) return parse_token_response(answer, now_ms());
  const std::string where = *hostname + " answered " + std::to_string(status);
  if (status >= 500 || status == 429) {
    return make_error("shopify_unavailable", where + "; try again later", "shop");
  }
  if (status == 400) {
    // Shopify names what it refused: {"error": "invalid_subject_token", ...}.
    const Json error = Json::parse(answer, nullptr, false);
    if (!error.is_discarded() && error.is_object() && error.contains("error") &&
        error["error"].is_string() &&
        oauth_error_code(error["error"].get_ref<const std::string&>())) {
      const std::string code = error["error"].get<std::string>();
      return make_error(code, where + " (" + code + ")", "shop");
    }
  }
  return make_error("shopify_refused", where, "shop");
}

}  // namespace tiercart::server
