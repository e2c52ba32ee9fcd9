#include "jwt.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdio>

#include "responses.h"
#include "signature.h"

namespace tiercart::server {
namespace {

bool is_base64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// The last second of the year 9999. A NumericDate past it (or before 1970) is no date a
// token can mean, and checked only after this bound is it safe to convert (1e300 fits no
// integer) and to add the leeway to (2^63-1 would overflow).
constexpr int64_t kLatestDate = 253402300799;

// A NumericDate claim (RFC 7519 section 2): a JSON number of seconds. Fractions are allowed
// by the RFC; they are truncated, which only ever moves a bound by less than the leeway.
bool numeric_date(const Json& claims, const char* name, int64_t& out, Error& error) {
  if (!claims.contains(name)) return false;
  const Json& value = claims[name];
  const std::string path = std::string("$.") + name;
  if (!value.is_number()) {
    error = make_error("malformed_token", std::string(name) + " must be a number of seconds", path);
    return false;
  }
  bool in_range = false;
  if (value.is_number_unsigned()) {
    const uint64_t seconds = value.get<uint64_t>();
    in_range = seconds <= static_cast<uint64_t>(kLatestDate);
    if (in_range) out = static_cast<int64_t>(seconds);
  } else if (value.is_number_integer()) {
    const int64_t seconds = value.get<int64_t>();
    in_range = seconds >= 0 && seconds <= kLatestDate;
    if (in_range) out = seconds;
  } else {
    const double seconds = value.get<double>();
    in_range = seconds >= 0 && seconds <= static_cast<double>(kLatestDate);
    if (in_range) out = static_cast<int64_t>(seconds);
  }
  if (!in_range) {
    error = make_error("malformed_token",
                       std::string(name) + " is not a date between 1970 and the year 9999", path);
    return false;
  }
  return true;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out = base64(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

Result<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return make_error("malformed_token", "not base64url: bad length");
  std::string padded;
  padded.reserve(text.size() + 3);
  for (char c : text) {
    if (!is_base64url(c)) return make_error("malformed_token", "not base64url: bad character");
    padded.push_back(c == '-' ? '+' : c == '_' ? '/' : c);
  }
  const std::size_t pad = (4 - text.size() % 4) % 4;
  padded.append(pad, '=');
  std::string out(padded.size() / 4 * 3, '\0');
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(padded.data()),
                                      static_cast<int>(padded.size()));
  if (written < 0) return make_error("malformed_token", "not base64url");
  // EVP_DecodeBlock counts the bytes the padding stands for; they are not data.
  out.resize(static_cast<std::size_t>(written) - pad);
  // Non-canonical encodings (stray bits in the last character) would let two texts carry
  // one value; re-encoding catches them.
  if (base64url_encode(out) != text)
    return make_error("malformed_token", "not canonical base64url");
  return out;
}

std::string jwt_sign_texts(std::string_view header_json, std::string_view payload_json,
                           std::string_view secret) {
  std::string input = base64url_encode(header_json) + "." + base64url_encode(payload_json);
  const std::string signature = base64url_encode(hmac_sha256(secret, input));
  return input + "." + signature;
}

std::string jwt_sign(const Json& claims, std::string_view secret) {
  return jwt_sign_texts(kJwtHeader, dump(claims), secret);
}

Result<Json> jwt_verify(std::string_view token, std::string_view secret, const JwtCheck& check) {
  if (secret.empty()) return make_error("invalid_signature", "no secret to check the token with");
  if (token.size() > check.max_bytes) return make_error("malformed_token", "the token is too long");
  const std::size_t first = token.find('.');
  const std::size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return make_error("malformed_token", "a token has three dot-separated parts");
  }
  auto header_text = base64url_decode(token.substr(0, first));
  if (!header_text) return make_error("malformed_token", "the header is not base64url", "$header");
  const Json header = Json::parse(header_text.value(), nullptr, false);
  if (!header.is_object())
    return make_error("malformed_token", "the header is not a JSON object", "$header");
  // Only HS256, spelt exactly; "none", "HS384", "RS256" (key confusion) are all refused here.
  if (!header.contains("alg") || !header["alg"].is_string() || header["alg"] != "HS256") {
    return make_error("unsupported_algorithm", "only HS256 tokens are accepted", "$header.alg");
  }
  // A critical extension we do not implement must not be ignored (RFC 7515 section 4.1.11).
  if (header.contains("crit")) {
    return make_error("unsupported_algorithm", "critical header extensions are not supported",
                      "$header.crit");
  }

  auto signature = base64url_decode(token.substr(second + 1));
  if (!signature) return make_error("malformed_token", "the signature is not base64url");
  const std::string expected = hmac_sha256(secret, token.substr(0, second));
  if (!constant_time_equal(signature.value(), expected)) {
    return make_error("invalid_signature", "the token's signature does not match");
  }

  auto payload_text = base64url_decode(token.substr(first + 1, second - first - 1));
  if (!payload_text) return make_error("malformed_token", "the payload is not base64url");
  Json claims = Json::parse(payload_text.value(), nullptr, false);
  if (!claims.is_object()) return make_error("malformed_token", "the payload is not a JSON object");

  Error error;
  int64_t when = 0;
  if (numeric_date(claims, "exp", when, error)) {
    if (check.now >= when + check.leeway)
      return make_error("token_expired", "the token has expired", "$.exp");
  } else if (!error.code.empty()) {
    return error;
  } else if (check.require_exp) {
    return make_error("missing_claim", "the token has no exp", "$.exp");
  }
  if (numeric_date(claims, "nbf", when, error)) {
    if (check.now + check.leeway < when)
      return make_error("token_not_yet_valid", "the token is not valid yet", "$.nbf");
  } else if (!error.code.empty()) {
    return error;
  }
  if (numeric_date(claims, "iat", when, error)) {
    if (check.now + check.leeway < when)
      return make_error("token_issued_in_future", "the token was issued in the future", "$.iat");
  } else if (!error.code.empty()) {
    return error;
  }
  if (!check.issuer.empty()) {
    if (!claims.contains("iss") || !claims["iss"].is_string() || claims["iss"] != check.issuer)
      return make_error("wrong_issuer", "the token was not issued by " + check.issuer, "$.iss");
  }
  if (!check.audience.empty() && claims.contains("aud")) {
    const Json& aud = claims["aud"];
    bool named = aud.is_string() && aud == check.audience;
    if (aud.is_array()) {
      for (const Json& one : aud) named = named || (one.is_string() && one == check.audience);
    }
    if (!named) return make_error("wrong_audience", "the token is meant for another app", "$.aud");
  }
  if (check.require_subject && (!claims.contains("sub") || !claims["sub"].is_string() ||
                                claims["sub"].get<std::string>().empty())) {
    return make_error("missing_claim", "the token has no subject", "$.sub");
  }
  return claims;
}

std::string random_uuid() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "";
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
  return out;
}

}  // namespace tiercart::server
