// The two Shopify signatures (SHOPIFY.md section 7), against known values.
#include "signature.h"

#include <gtest/gtest.h>

namespace tiercart::server {
namespace {

TEST(WebhookSignature, IsBase64OfHmacSha256OverTheRawBody) {
  // python3: base64(hmac.new(b'test-secret', b'{"id":1}', sha256).digest())
  EXPECT_TRUE(webhook_signature_valid("test-secret", R"({"id":1})",
                                      "H19jdkTt0bdVHJbmH87mtfSa7ud+merMEAWsvbbRGkY="));
}

TEST(WebhookSignature, FailsWhenOneByteOfTheBodyChanges) {
  EXPECT_FALSE(webhook_signature_valid("test-secret", R"({"id":2})",
                                       "H19jdkTt0bdVHJbmH87mtfSa7ud+merMEAWsvbbRGkY="));
}

TEST(WebhookSignature, FailsWithAnotherSecretOrNoSignature) {
  EXPECT_FALSE(webhook_signature_valid("other-secret", R"({"id":1})",
                                       "H19jdkTt0bdVHJbmH87mtfSa7ud+merMEAWsvbbRGkY="));
  EXPECT_FALSE(webhook_signature_valid("test-secret", R"({"id":1})", ""));
  EXPECT_FALSE(webhook_signature_valid("", R"({"id":1})", base64(hmac_sha256("", R"({"id":1})"))));
}

TEST(WebhookSignature, FailsOnATruncatedSignature) {
  EXPECT_FALSE(webhook_signature_valid("test-secret", R"({"id":1})", "H19jdkTt0bdVHJbm"));
}

TEST(ConstantTimeEqual, ComparesWholeStrings) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

// Shopify's documented example: secret "hush".
const std::multimap<std::string, std::string> kShopifyExample = {
    {"extra", "1"},
    {"extra", "2"},
    {"shop", "shop-name.myshopify.com"},
    {"logged_in_customer_id", "1"},
    {"path_prefix", "/apps/awesome_reviews"},
    {"timestamp", "1317327555"},
    {"signature", "4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb"}};

TEST(ProxySignature, JoinsRepeatedValuesWithCommasAndSortsThePairs) {
  EXPECT_EQ(proxy_message(kShopifyExample),
            "extra=1,2logged_in_customer_id=1path_prefix=/apps/awesome_reviews"
            "shop=shop-name.myshopify.comtimestamp=1317327555");
}

TEST(ProxySignature, MatchesShopifysDocumentedExample) {
  EXPECT_TRUE(proxy_signature_valid("hush", kShopifyExample));
}

TEST(ProxySignature, FailsWhenAParameterChanges) {
  auto params = kShopifyExample;
  params.find("shop")->second = "other-shop.myshopify.com";
  EXPECT_FALSE(proxy_signature_valid("hush", params));
}

TEST(ProxySignature, FailsWithoutASignature) {
  auto params = kShopifyExample;
  params.erase("signature");
  EXPECT_FALSE(proxy_signature_valid("hush", params));
}

TEST(ProxySignature, SortsJoinedPairsNotKeys) {
  // "a-b=1" < "a=2" as strings although "a" < "a-b" as keys.
  EXPECT_EQ(proxy_message({{"a", "2"}, {"a-b", "1"}}), "a-b=1a=2");
}

}  // namespace
}  // namespace tiercart::server
