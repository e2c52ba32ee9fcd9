// Installing the app on a shop (SHOPIFY.md section 8): the signed query of Shopify's install
// request and OAuth callback, the authorize URL of the code grant, and a client for the shop's
// /admin/oauth/access_token (code grant, token exchange, refresh). The routes and the storage
// of the tokens (sealed by token_crypt.h) are the caller's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tiercart/result.h"

namespace tiercart::server {

using Status = Result<bool>;  // as in store.h

// Shopify's install request and callback query, as received (with or without its '?').
// Checked: no parameter comes twice (duplicate_parameter); `hmac` is there (missing_hmac) and
// is the hex HMAC-SHA256, under `secret`, of every other parameter but `signature`, sorted by
// name, form-encoded as Shopify's library encodes them (URLSearchParams) and joined with '&'
// (invalid_hmac, compared in constant time); `timestamp` is a number of seconds
// (invalid_timestamp) within 90 s of `now_s` either way (stale_timestamp); `shop` is a shop's
// hostname, *.myshopify.com (invalid_shop). Each error's path is the parameter's name.
// `state` and `code` are the caller's to check, and the shop is read through shop_hostname()
// (responses.h), which gives it in lower case.
Status verify_admin_query(std::string_view raw_query, std::string_view secret, int64_t now_s);

// The shop's admin origin from Config::shopify_origin, every "{shop}" replaced by `shop` and
// a trailing '/' dropped: "https://{shop}" in production, "http://127.0.0.1:PORT/store/{shop}"
// in the demo and the tests. `shop` must already be a checked hostname.
std::string shop_admin_origin(const std::string& configured, const std::string& shop);

// `origin`/admin/oauth/authorize for an offline token (`grant_options[]` empty), every value
// form-encoded. `scopes` is comma-separated ("read_orders,write_orders").
std::string authorize_url(const std::string& origin, const std::string& api_key,
                          const std::string& scopes, const std::string& redirect_uri,
                          const std::string& state);

// What /admin/oauth/access_token answers. Times are Unix milliseconds, 0 when the answer
// gave no lifetime (a non-expiring offline token; a refresh token without
// refresh_token_expires_in).
struct AccessToken {
  std::string access_token;
  std::string scope;
  std::string refresh_token;  // empty: the token does not expire and cannot be refreshed
  int64_t expires_at_ms = 0;
  int64_t refresh_expires_at_ms = 0;
};

// The JSON body of a 200 answer: `access_token` and `scope` (strings), optionally
// `expires_in`, `refresh_token`, `refresh_token_expires_in` (seconds from `now_ms`). Error
// code invalid_token_response, its path the member at fault; no message holds a token.
Result<AccessToken> parse_token_response(std::string_view body, int64_t now_ms);

// POSTs JSON to the shop's /admin/oauth/access_token. Error codes: invalid_shop (not a
// *.myshopify.com hostname, checked before any request), the `error` Shopify answers a 400
// with (invalid_subject_token, invalid_request, ...), shopify_refused (another 4xx, or a
// 400 without such a code), shopify_unavailable (5xx or 429), shopify_unreachable (no
// connection, a timeout, TLS), and parse_token_response's. Neither a token nor the secret is
// ever put in an error or the log. Each call opens its own connection: safe from any thread.
class ShopifyOAuth {
 public:
  // `origin_template` is Config::shopify_origin (http:// or https://; https verifies the
  // certificate and hostname against the system's CAs). `timeout_ms` bounds connecting and
  // each wait for bytes.
  ShopifyOAuth(std::string origin_template, std::string api_key, std::string app_secret,
               int timeout_ms);

  // Authorization code grant, asking for an expiring offline token (`expiring: "1"`).
  Result<AccessToken> exchange_code(const std::string& shop, const std::string& code) const;
  // Token exchange: an App Bridge session token for an expiring offline access token.
  Result<AccessToken> exchange_session_token(const std::string& shop,
                                             const std::string& id_token) const;
  // A new access token and a new refresh token (the old refresh token stays valid until the
  // new one is used).
  Result<AccessToken> refresh(const std::string& shop, const std::string& refresh_token) const;

 private:
  Result<AccessToken> request_token(const std::string& shop, const std::string& body) const;

  std::string origin_template_;
  std::string api_key_;
  std::string app_secret_;
  int timeout_ms_;
};

}  // namespace tiercart::server
