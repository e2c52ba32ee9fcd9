// Tokens sealed at rest: they open with the key and shop they were sealed for, and with
// nothing else.
#include "token_crypt.h"

#include <gtest/gtest.h>

#include <string>

#include "jwt.h"

namespace tiercart::server {
namespace {

constexpr const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr const char* kOtherKey =
    "F00102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F";
constexpr const char* kShop = "northbound-supply.myshopify.com";
constexpr const char* kToken = "shpat_0123456789abcdef0123456789abcdef";

TokenCipher cipher(const char* key = kKey) { return TokenCipher::from_hex(key).value(); }

std::string code_of(const Result<std::string>& result) {
  return result ? "ok" : result.error().code;
}

TEST(TokenCipher, OpensWhatItSealed) {
  const std::string sealed = cipher().seal(kToken, kShop);
  EXPECT_EQ(sealed.rfind("v1:", 0), 0u);
  EXPECT_EQ(sealed.find(kToken), std::string::npos);
  const auto opened = cipher().open(sealed, kShop);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened.value(), kToken);
}

TEST(TokenCipher, SealsAnEmptyTokenToo) {
  const auto opened = cipher().open(cipher().seal("", kShop), kShop);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened.value(), "");
}

TEST(TokenCipher, EachSealDrawsAFreshNonce) {
  const std::string first = cipher().seal(kToken, kShop);
  const std::string second = cipher().seal(kToken, kShop);
  EXPECT_NE(first, second);
  const std::string nonce_first = base64url_decode(first.substr(3)).value().substr(0, 12);
  const std::string nonce_second = base64url_decode(second.substr(3)).value().substr(0, 12);
  EXPECT_NE(nonce_first, nonce_second);
}

TEST(TokenCipher, DoesNotOpenUnderAnotherKey) {
  const std::string sealed = cipher().seal(kToken, kShop);
  const auto opened = cipher(kOtherKey).open(sealed, kShop);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, "token_unreadable");
  EXPECT_EQ(opened.error().message.find(kToken), std::string::npos);
}

TEST(TokenCipher, DoesNotOpenForAnotherShop) {
  const std::string sealed = cipher().seal(kToken, kShop);
  EXPECT_EQ(code_of(cipher().open(sealed, "another-shop.myshopify.com")), "token_unreadable");
}

TEST(TokenCipher, RefusesEveryTamperedByte) {
  const std::string sealed = cipher().seal(kToken, kShop);
  std::string raw = base64url_decode(sealed.substr(3)).value();
  // Nonce, ciphertext and tag alike: flipping one bit anywhere is caught by the tag.
  for (std::size_t i = 0; i < raw.size(); ++i) {
    std::string tampered = raw;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    EXPECT_EQ(code_of(cipher().open("v1:" + base64url_encode(tampered), kShop)), "token_unreadable")
        << "byte " << i;
  }
}

TEST(TokenCipher, RefusesATruncatedToken) {
  const std::string sealed = cipher().seal(kToken, kShop);
  const std::string raw = base64url_decode(sealed.substr(3)).value();
  // One byte short (the tag is cut) and shorter than a nonce and a tag.
  EXPECT_EQ(code_of(cipher().open("v1:" + base64url_encode(raw.substr(0, raw.size() - 1)), kShop)),
            "token_unreadable");
  const auto short_one = cipher().open("v1:" + base64url_encode(raw.substr(0, 20)), kShop);
  ASSERT_FALSE(short_one);
  EXPECT_EQ(short_one.error().message, "the sealed token is cut short");
  EXPECT_EQ(code_of(cipher().open("v1:", kShop)), "token_unreadable");
}

TEST(TokenCipher, RefusesWhatIsNotASealedToken) {
  const std::string sealed = cipher().seal(kToken, kShop);
  EXPECT_EQ(code_of(cipher().open(kToken, kShop)), "token_unreadable");  // stored in the clear
  EXPECT_EQ(code_of(cipher().open("", kShop)), "token_unreadable");
  EXPECT_EQ(code_of(cipher().open("v2:" + sealed.substr(3), kShop)), "token_unreadable");
  EXPECT_EQ(code_of(cipher().open(sealed + "=", kShop)), "token_unreadable");  // padding
  EXPECT_EQ(code_of(cipher().open(sealed.substr(0, 10) + "*" + sealed.substr(11), kShop)),
            "token_unreadable");
  EXPECT_EQ(code_of(cipher().open("v1:" + std::string(20000, 'A'), kShop)), "token_unreadable");
}

TEST(TokenCipher, KeyMustBe64HexDigits) {
  EXPECT_TRUE(TokenCipher::from_hex(kKey));
  EXPECT_TRUE(TokenCipher::from_hex(kOtherKey));  // upper case too
  for (const std::string bad :
       {std::string(), std::string(kKey).substr(0, 62), std::string(kKey) + "00",
        std::string(63, '0') + "g", std::string(64, ' ')}) {
    const auto result = TokenCipher::from_hex(bad);
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().code, "invalid_token_key");
    EXPECT_EQ(result.error().path, "token_key");
  }
}

TEST(TokenCipher, ACopyOpensWhatTheOriginalSealed) {
  const TokenCipher original = cipher();
  const TokenCipher copy = original;  // NOLINT: the copy is the point
  EXPECT_EQ(copy.open(original.seal(kToken, kShop), kShop).value(), kToken);
}

}  // namespace
}  // namespace tiercart::server
