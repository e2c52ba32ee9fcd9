// HS256 tokens against the RFCs' own examples, then every way a token can be wrong.
#include "jwt.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <vector>

namespace tiercart::server {
namespace {

using Json = nlohmann::json;

// RFC 7515 appendix A.1: the HS256 example, its key given as a JWK "k" (base64url).
constexpr const char* kRfcKey =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
constexpr const char* kRfcToken =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlf"
    "Q"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr int64_t kRfcExp = 1300819380;

std::string rfc_key() { return base64url_decode(kRfcKey).value(); }

JwtCheck at(int64_t now) {
  JwtCheck check;
  check.now = now;
  return check;
}

std::string code_of(const Result<Json>& result) { return result ? "ok" : result.error().code; }

// Swaps one character of part `index` (0 header, 1 payload, 2 signature) for another.
std::string tamper(const std::string& token, int index) {
  std::string out = token;
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = out.find('.', start) + 1;
  out[start + 2] = out[start + 2] == 'A' ? 'B' : 'A';
  return out;
}

TEST(Base64url, RoundTripsEveryLengthWithoutPadding) {
  std::string bytes;
  for (int n = 0; n < 40; ++n) {
    const std::string text = base64url_encode(bytes);
    EXPECT_EQ(text.find('='), std::string::npos);
    auto back = base64url_decode(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(back.value(), bytes);
    bytes.push_back(static_cast<char>(0xfb + n));  // reaches the '-' and '_' characters
  }
}

TEST(Base64url, RefusesPaddingForeignCharactersAndNonCanonicalText) {
  EXPECT_FALSE(base64url_decode("YQ=="));
  EXPECT_FALSE(base64url_decode("YQ+/"));
  EXPECT_FALSE(base64url_decode("Y Q"));
  EXPECT_FALSE(base64url_decode("Y"));
  EXPECT_FALSE(base64url_decode("YR"));  // "YQ" is the canonical text for "a"
  EXPECT_EQ(base64url_decode("YQ").value(), "a");
}

TEST(Jwt, VerifiesTheRfc7515HmacExample) {
  auto claims = jwt_verify(kRfcToken, rfc_key(), at(kRfcExp - 100));
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims.value()["iss"], "joe");
  EXPECT_EQ(claims.value()["exp"], kRfcExp);
  EXPECT_EQ(claims.value()["http://example.com/is_root"], true);
}

TEST(Jwt, SignsTheRfc7515ExampleToTheSameBytes) {
  const std::string header = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}";
  const std::string payload =
      "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
  EXPECT_EQ(jwt_sign_texts(header, payload, rfc_key()), kRfcToken);
}

TEST(Jwt, SignsTheWidelyPublishedHs256ExampleToTheSameBytes) {
  // The HS256 example of RFC 7519's introduction sites (secret "your-256-bit-secret").
  EXPECT_EQ(jwt_sign_texts(R"({"alg":"HS256","typ":"JWT"})",
                           R"({"sub":"1234567890","name":"John Doe","iat":1516239022})",
                           "your-256-bit-secret"),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
            ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c");
}

TEST(Jwt, RefusesTheRfcExampleOnceExpiredBeyondTheLeeway) {
  EXPECT_EQ(code_of(jwt_verify(kRfcToken, rfc_key(), at(kRfcExp + 59))), "ok");
  EXPECT_EQ(code_of(jwt_verify(kRfcToken, rfc_key(), at(kRfcExp + 60))), "token_expired");
}

TEST(Jwt, RefusesATamperedHeaderPayloadOrSignature) {
  for (int part = 0; part < 3; ++part) {
    const auto result = jwt_verify(tamper(kRfcToken, part), rfc_key(), at(kRfcExp - 100));
    EXPECT_FALSE(result) << "part " << part;
  }
  // The payload changed to another valid JSON object: the signature no longer matches.
  const std::string forged =
      std::string(kRfcToken).substr(0, std::string(kRfcToken).find('.') + 1) +
      base64url_encode(R"({"iss":"joe","exp":1300819380,"http://example.com/is_root":false})") +
      std::string(kRfcToken).substr(std::string(kRfcToken).rfind('.'));
  EXPECT_EQ(code_of(jwt_verify(forged, rfc_key(), at(kRfcExp - 100))), "invalid_signature");
}

TEST(Jwt, RefusesTheWrongSecret) {
  EXPECT_EQ(code_of(jwt_verify(kRfcToken, "another secret", at(kRfcExp - 100))),
            "invalid_signature");
  EXPECT_EQ(code_of(jwt_verify(kRfcToken, "", at(kRfcExp - 100))), "invalid_signature");
}

TEST(Jwt, RefusesAlgNoneAndEveryOtherAlgorithm) {
  const std::string payload = base64url_encode(R"({"iss":"shopify","sub":"ref-1"})");
  // alg none with an empty signature: the classic downgrade.
  const std::string none = base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + payload + ".";
  EXPECT_EQ(code_of(jwt_verify(none, "secret", at(0))), "unsupported_algorithm");
  for (const char* alg : {"HS384", "HS512", "RS256", "hs256", "HS256 ", "none"}) {
    const std::string header = std::string(R"({"alg":")") + alg + R"("})";
    const std::string token = jwt_sign_texts(header, R"({"sub":"ref-1"})", "secret");
    EXPECT_EQ(code_of(jwt_verify(token, "secret", at(0))), "unsupported_algorithm") << alg;
  }
  const std::string no_alg = jwt_sign_texts(R"({"typ":"JWT"})", R"({"sub":"ref-1"})", "secret");
  EXPECT_EQ(code_of(jwt_verify(no_alg, "secret", at(0))), "unsupported_algorithm");
  const std::string crit =
      jwt_sign_texts(R"({"alg":"HS256","crit":["b64"],"b64":false})", R"({})", "secret");
  EXPECT_EQ(code_of(jwt_verify(crit, "secret", at(0))), "unsupported_algorithm");
}

TEST(Jwt, ChecksNotBeforeAndIssuedAtWithTheLeeway) {
  const std::string token = jwt_sign({{"nbf", 1000}, {"iat", 1000}}, "secret");
  EXPECT_EQ(code_of(jwt_verify(token, "secret", at(940))), "ok");
  EXPECT_EQ(code_of(jwt_verify(token, "secret", at(939))), "token_not_yet_valid");
  const std::string issued = jwt_sign({{"iat", 1000}}, "secret");
  EXPECT_EQ(code_of(jwt_verify(issued, "secret", at(939))), "token_issued_in_future");
  const std::string text_date = jwt_sign({{"exp", "2030-01-01"}}, "secret");
  EXPECT_EQ(code_of(jwt_verify(text_date, "secret", at(0))), "malformed_token");
}

TEST(Jwt, RefusesTimeClaimsOutsideTheCalendarBeforeUsingThem) {
  // Dates past the year 9999 or before 1970 are no dates: refused as malformed, never
  // converted or added to (2^63-1 plus the leeway overflows; 1e300 does not fit an integer).
  const std::vector<Json> out_of_range = {Json(INT64_MAX),
                                          Json(INT64_MIN),
                                          Json(UINT64_MAX),
                                          Json(1e300),
                                          Json(-1e300),
                                          Json(9.3e18),
                                          Json(253402300800),  // 10000-01-01T00:00:00Z
                                          Json(-1)};
  for (const char* claim : {"exp", "nbf", "iat"}) {
    for (const Json& value : out_of_range) {
      const auto result = jwt_verify(jwt_sign({{claim, value}}, "secret"), "secret", at(1000));
      EXPECT_EQ(code_of(result), "malformed_token") << claim << " " << value.dump();
      if (!result) {
        EXPECT_EQ(result.error().path, std::string("$.") + claim);
      }
    }
  }
  // The last second of 9999 and a fraction are dates.
  EXPECT_EQ(code_of(jwt_verify(jwt_sign({{"exp", 253402300799}}, "s"), "s", at(1000))), "ok");
  EXPECT_EQ(code_of(jwt_verify(jwt_sign({{"nbf", 999.5}}, "s"), "s", at(1000))), "ok");
}

TEST(Jwt, ChecksIssuerAudienceExpiryAndSubjectWhenAsked) {
  JwtCheck check = at(100);
  check.issuer = "shopify";
  check.audience = "app-key";
  check.require_exp = true;
  check.require_subject = true;
  const Json good = {{"iss", "shopify"}, {"aud", "app-key"}, {"sub", "ref-1"}, {"exp", 200}};
  EXPECT_EQ(code_of(jwt_verify(jwt_sign(good, "s"), "s", check)), "ok");
  Json other = good;
  other["iss"] = "someone-else";
  EXPECT_EQ(code_of(jwt_verify(jwt_sign(other, "s"), "s", check)), "wrong_issuer");
  other = good;
  other["aud"] = Json::array({"x", "y"});
  EXPECT_EQ(code_of(jwt_verify(jwt_sign(other, "s"), "s", check)), "wrong_audience");
  other["aud"] = Json::array({"x", "app-key"});
  EXPECT_EQ(code_of(jwt_verify(jwt_sign(other, "s"), "s", check)), "ok");
  other = good;
  other.erase("exp");
  EXPECT_EQ(code_of(jwt_verify(jwt_sign(other, "s"), "s", check)), "missing_claim");
  other = good;
  other["sub"] = "";
  EXPECT_EQ(code_of(jwt_verify(jwt_sign(other, "s"), "s", check)), "missing_claim");
}

TEST(Jwt, RefusesMalformedTokensWithAnErrorNotACrash) {
  for (const std::string token :
       {std::string(""), std::string("."), std::string(".."), std::string("a.b"),
        std::string("a.b.c.d"), std::string("!!!.e30.sig"),
        base64url_encode("[1]") + ".e30." + base64url_encode("x"),
        base64url_encode("{\"alg\":\"HS256\"") + ".e30." + base64url_encode("x"),
        std::string(20000, 'a')}) {
    const auto result = jwt_verify(token, "secret", at(0));
    EXPECT_FALSE(result) << token.substr(0, 40);
  }
  // A valid signature over a payload that is not an object.
  const std::string array = jwt_sign_texts(R"({"alg":"HS256"})", "[1,2]", "secret");
  EXPECT_EQ(code_of(jwt_verify(array, "secret", at(0))), "malformed_token");
}

TEST(Jwt, SignedClaimsVerifyBackUnchanged) {
  const Json claims = {
      {"iss", "api-key"},
      {"jti", random_uuid()},
      {"iat", 1700000000},
      {"sub", "ref-1"},
      {"changes", Json::array({{{"type", "add_variant"}, {"variantID", 42}, {"quantity", 1}}})}};
  auto back = jwt_verify(jwt_sign(claims, "secret"), "secret", at(1700000000));
  ASSERT_TRUE(back);
  EXPECT_EQ(back.value(), claims);
}

TEST(Jwt, RandomUuidsAreVersion4AndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string id = random_uuid();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[14], '4');
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace tiercart::server
