// JSON Web Tokens signed with HS256 (RFC 7515/7519), for Shopify's post-purchase flow: the
// token Shopify sends us (signed with the app secret) and the changeset token we send back.
// Only HS256 is accepted: a token naming any other algorithm, "none" included, is refused
// before its signature is looked at, so a forged header cannot pick a weaker check.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "tiercart/result.h"

namespace tiercart::server {

// Base64url without padding (RFC 7515 section 2). Decoding refuses padding, whitespace and
// any character outside the URL-safe alphabet.
std::string base64url_encode(std::string_view bytes);
Result<std::string> base64url_decode(std::string_view text);

// What a verified token must satisfy besides its signature.
struct JwtCheck {
  int64_t now = 0;       // Unix seconds
  int64_t leeway = 60;   // clock skew allowed on exp, nbf and iat
  std::string issuer;    // when not empty, `iss` must equal it
  std::string audience;  // when not empty and the token has `aud`, it must name it
  bool require_exp = false;
  bool require_subject = false;
  std::size_t max_bytes = 16 * 1024;
};

// The claims of `token` once its header, signature and time claims check out. Error codes:
// malformed_token, unsupported_algorithm, invalid_signature, token_expired,
// token_not_yet_valid, token_issued_in_future, wrong_issuer, wrong_audience, missing_claim.
Result<nlohmann::json> jwt_verify(std::string_view token, std::string_view secret,
                                  const JwtCheck& check);

// header.payload.signature over the exact JSON texts given (known vectors need their bytes).
std::string jwt_sign_texts(std::string_view header_json, std::string_view payload_json,
                           std::string_view secret);
// The header of every token this server signs.
inline constexpr std::string_view kJwtHeader = R"({"alg":"HS256","typ":"JWT"})";
// kJwtHeader over `claims` serialised compactly.
std::string jwt_sign(const nlohmann::json& claims, std::string_view secret);

// 128 random bits from OpenSSL as a UUID (version 4) string, for `jti`.
std::string random_uuid();

}  // namespace tiercart::server
