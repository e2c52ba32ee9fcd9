// The embedded admin page's routes (server/src/admin_page.cpp), called through the router as
// the HTTP layer calls them: the shell's frame-ancestors per shop, its escaping, the assets.
#include "admin_page.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "test_support.h"

namespace tiercart::server::testing {
namespace {

class AdminPage : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_.path() + "/tiercart-admin.js") << "customElements.define('x', class {});";
    std::ofstream(dir_.path() + "/tiercart-admin.css") << "body { margin: 0; }";
    config_.app_secret = kSecret;
    config_.api_key = "demo-key";
    config_.admin_assets = dir_.path();
  }

  http::Response get(const std::string& path, const std::string& shop = "") {
    http::Router router;
    add_admin_page_routes(router, config_);
    http::Request req;
    req.method = "GET";
    req.path = path;
    if (!shop.empty()) req.params.emplace("shop", shop);
    http::Response res;
    const http::Handler* handler = router.find(req);
    if (!handler) {
      res.status = 404;  // as the HTTP layer answers a path no route takes
      return res;
    }
    (*handler)(req, res);
    return res;
  }

  static std::string header(const http::Response& res, const std::string& name) {
    for (const auto& [key, value] : res.headers)
      if (key == name) return value;
    return "";
  }

  TempDir dir_;
  Config config_;
};

TEST_F(AdminPage, IsFramedOnlyByTheShopNamedInTheQuery) {
  const auto res = get("/app", "Northbound-Supply.myshopify.com");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(header(res, "Content-Security-Policy"),
            "frame-ancestors https://northbound-supply.myshopify.com https://admin.shopify.com");
  EXPECT_NE(res.body.find("data-shop=\"northbound-supply.myshopify.com\""), std::string::npos);
  EXPECT_EQ(header(res, "Cache-Control"), "no-store");
}

TEST_F(AdminPage, AddsTheConfiguredAdminOriginWhenItIsNotTheShopItself) {
  config_.shopify_origin = "http://127.0.0.1:8080/store/{shop}";
  EXPECT_EQ(header(get("/app", "a-shop.myshopify.com"), "Content-Security-Policy"),
            "frame-ancestors https://a-shop.myshopify.com https://admin.shopify.com "
            "http://127.0.0.1:8080");
  config_.shopify_origin = "javascript:alert(1)//{shop}";
  EXPECT_EQ(header(get("/app", "a-shop.myshopify.com"), "Content-Security-Policy"),
            "frame-ancestors https://a-shop.myshopify.com https://admin.shopify.com");
}

TEST_F(AdminPage, WithoutAValidShopNoPageMayFrameIt) {
  for (const std::string shop : {"", "evil.example", "x.myshopify.com https://evil.example",
                                 "-bad.myshopify.com", "a.myshopify.com;script-src *"}) {
    const auto res = get("/app", shop);
    EXPECT_EQ(header(res, "Content-Security-Policy"), "frame-ancestors 'none'") << shop;
    EXPECT_NE(res.body.find("data-shop=\"\""), std::string::npos) << shop;
  }
}

TEST_F(AdminPage, LoadsAppBridgeFirstAndEscapesEveryInsertedValue) {
  config_.api_key = "key\"><script>alert(1)</script>";
  config_.app_bridge_url = "https://cdn.example/app-bridge.js?a=1&b='2'";
  const std::string body = get("/app", "a-shop.myshopify.com").body;
  EXPECT_EQ(body.find("<script>alert"), std::string::npos);
  EXPECT_NE(body.find("content=\"key&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""),
            std::string::npos);
  const std::size_t bridge =
      body.find("<script src=\"https://cdn.example/app-bridge.js?a=1&amp;b=&#39;2&#39;\">");
  ASSERT_NE(bridge, std::string::npos);
  EXPECT_EQ(body.find("<script"), bridge);  // the first script of the page
  EXPECT_GT(body.find("<script type=\"module\" src=\"/app/assets/tiercart-admin.js?v="), bridge);
}

TEST_F(AdminPage, ServesTheListedAssetsWithTheirTypes) {
  const auto js = get("/app/assets/tiercart-admin.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body, "customElements.define('x', class {});");
  EXPECT_EQ(header(js, "X-Content-Type-Options"), "nosniff");
  const auto css = get("/app/assets/tiercart-admin.css");
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_EQ(header(css, "Cache-Control"), "no-cache");  // not the fingerprinted URL
}

TEST_F(AdminPage, CachesAnAssetForAYearOnlyAtItsFingerprintedUrl) {
  const std::string body = get("/app", "a-shop.myshopify.com").body;
  const std::size_t at = body.find("/app/assets/tiercart-admin.js?v=");
  ASSERT_NE(at, std::string::npos);
  const std::string version = body.substr(at + 32, 16);
  http::Router router;
  add_admin_page_routes(router, config_);
  http::Request req;
  req.method = "GET";
  req.path = "/app/assets/tiercart-admin.js";
  req.params.emplace("v", version);
  http::Response res;
  (*router.find(req))(req, res);
  EXPECT_EQ(header(res, "Cache-Control"), "public, max-age=31536000, immutable");
}

TEST_F(AdminPage, AnswersAnUnknownAsset404) {
  std::ofstream(dir_.path() + "/secrets.txt") << "not an asset";
  EXPECT_EQ(get("/app/assets/secrets.txt").status, 404);
  EXPECT_EQ(get("/app/assets/..%2Fconfig.h").status, 404);
  EXPECT_EQ(get("/app/assets/").status, 404);
}

TEST_F(AdminPage, WithoutAnAssetsDirectoryThereIsNoPage) {
  config_.admin_assets.clear();
  EXPECT_EQ(get("/app", "a-shop.myshopify.com").status, 404);
  EXPECT_EQ(get("/app/assets/tiercart-admin.js").status, 404);
}

}  // namespace
}  // namespace tiercart::server::testing
