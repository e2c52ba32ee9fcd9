// Shopify's post-purchase flow against a real server on loopback: offers recomputed from the
// signed purchase, changesets signed once per acceptance, and the customer's order edits
// through the app proxy, checked against the edit window and the address rules.
#include "post_purchase.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>

#include "jwt.h"
#include "test_support.h"

namespace tiercart::server::testing {
namespace {

constexpr const char* kApiKey = "test-api-key";
constexpr const char* kShop = "northbound-supply.myshopify.com";
constexpr int64_t kOrderId = 6102845530210;        // examples/orders/orders-create-earned.json
constexpr const char* kCustomerId = "6109845530";  // its customer.id: the order's owner
constexpr const char* kOtherCustomerId = "6109845562";

int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Two offers for a sweater (product 1001): a percentage off a scarf and a fixed amount off
// a beanie; a third needs a product the purchase does not hold.
const char* kCatalog = R"({
  "format": 1, "currency": "USD", "max_offers": 3,
  "offers": [
    {"id": "scarf", "kind": "complementary", "variant_id": 7001, "when": {"product_ids": [1001]},
     "discount": {"type": "percentage", "value": "15", "title": "15% off the scarf"},
     "reason": "Goes with your sweater", "priority": 10},
    {"id": "beanie", "kind": "complementary", "variant_id": 7002, "when": {"product_ids": [1001]},
     "discount": {"type": "fixed_amount", "amount": 500, "title": "$5 off"}},
    {"id": "boots-care", "kind": "complementary", "variant_id": 7003,
     "when": {"product_ids": [4242]}}
  ]
})";

const char* kContext = R"({
  "shop_currency": "USD", "cart_amounts": "minor_units",
  "variants": {
    "7001": {"price": 1800, "product_id": 3001, "title": "Merino Scarf"},
    "7002": {"price": 2400, "product_id": 3002, "title": "Beanie"},
    "7003": {"price": 900, "product_id": 3003, "title": "Boot wax"}
  }
})";

Json purchase_claims(const std::string& reference = "ref-1") {
  return {
      {"iss", "shopify"},
      {"sub", reference},
      {"iat", now()},
      {"exp", now() + 600},
      {"dest", kShop},
      {"input_data",
       {{"initialPurchase",
         {{"referenceId", reference},
          {"totalPriceSet",
           {{"shopMoney", {{"amount", "240.00"}, {"currencyCode", "USD"}}},
            {"presentmentMoney", {{"amount", "240.00"}, {"currencyCode", "USD"}}}}},
          {"lineItems",
           Json::array({{{"quantity", 2},
                         {"totalPriceSet",
                          {{"presentmentMoney", {{"amount", "240.00"}, {"currencyCode", "USD"}}}}},
                         {"product",
                          {{"id", 1001},
                           {"title", "Merino Sweater"},
                           {"variant", {{"id", "gid://shopify/ProductVariant/2001"}}}}}}})}}}}}};
}

class PostPurchaseRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    put(admin_path("/admin/context"), kContext);
    put(admin_path("/admin/post-purchase/offers"), kCatalog);
  }

  void put(const std::string& path, const std::string& body, int status = 200) {
    auto res = http_->Put(path.c_str(), admin_headers(), body, "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, status) << path << ": " << res->body;
  }

  httplib::Result post(const std::string& path, const std::string& token,
                       const std::string& body = "{}") {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return http_->Post(path.c_str(), headers, body, "application/json");
  }

  std::string token(const Json& claims = purchase_claims()) { return jwt_sign(claims, kSecret); }

  static Config config(const std::string& database = "") {
    Config config;
    config.app_secret = kSecret;
    config.admin_token = kAdminToken;
    config.api_key = kApiKey;
    config.port = 0;
    config.threads = 16;
    config.database = database;
    return config;
  }

  TestServer server_{config()};
  std::unique_ptr<httplib::Client> http_ = server_.client();
};

TEST_F(PostPurchaseRoutes, OffersAreRecomputedFromTheSignedPurchase) {
  auto res = post("/post-purchase/offer", token());
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*");
  const Json body = parse(res->body);
  EXPECT_EQ(body["reference_id"], "ref-1");
  ASSERT_EQ(body["offers"].size(), 2u);
  EXPECT_EQ(body["offers"][0]["id"], "scarf");
  EXPECT_EQ(body["offers"][0]["price"]["amount"], 1530);
  EXPECT_EQ(body["offers"][1]["id"], "beanie");
  EXPECT_EQ(body["offers"][1]["price"]["amount"], 1900);
  EXPECT_EQ(body["skipped"][0]["code"], "not_triggered");
}

TEST_F(PostPurchaseRoutes, APurchaseInAnotherCurrencyThanTheShopsGetsNoOffers) {
  // The catalog's prices are dollars: a purchase paid in euros must not be offered them as euros.
  Json claims = purchase_claims();
  auto& purchase = claims["input_data"]["initialPurchase"];
  purchase["totalPriceSet"]["presentmentMoney"]["currencyCode"] = "EUR";
  purchase["lineItems"][0]["totalPriceSet"]["presentmentMoney"]["currencyCode"] = "EUR";
  auto res = post("/post-purchase/offer", token(claims));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400) << res->body;
  EXPECT_EQ(parse(res->body)["error"]["code"], "currency_mismatch");
}

TEST_F(PostPurchaseRoutes, TokensNotFromShopifyAreRefused) {
  struct Case {
    std::string token;
    std::string code;
  };
  Json expired = purchase_claims();
  expired["iat"] = now() - 7200;
  expired["exp"] = now() - 3600;
  Json other_issuer = purchase_claims();
  other_issuer["iss"] = "someone";
  Json other_app = purchase_claims();
  other_app["aud"] = "another-api-key";
  Json no_subject = purchase_claims();
  no_subject.erase("sub");
  const std::string none = base64url_encode(R"({"alg":"none"})") + "." +
                           base64url_encode(purchase_claims().dump()) + ".";
  for (const Case& c : std::vector<Case>{
           {"", "missing_token"},
           {jwt_sign(purchase_claims(), "another-secret"), "invalid_signature"},
           {token(expired), "token_expired"},
           {token(other_issuer), "wrong_issuer"},
           {token(other_app), "wrong_audience"},
           {token(no_subject), "missing_claim"},
           {none, "unsupported_algorithm"},
       }) {
    for (const char* path : {"/post-purchase/offer", "/post-purchase/sign-changeset"}) {
      auto res = post(path, c.token, R"({"offer_id":"scarf"})");
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 401) << path << " " << c.code;
      EXPECT_EQ(parse(res->body)["error"]["code"], c.code) << path << " " << res->body;
    }
  }
}

TEST_F(PostPurchaseRoutes, AcceptedOfferIsSignedAsAChangesetForThePurchase) {
  auto res = post("/post-purchase/sign-changeset", token(),
                  R"({"offer_id":"scarf","price":{"amount":1530,"currency":"USD"}})");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const Json body = parse(res->body);
  EXPECT_EQ(body["duplicate"], false);
  JwtCheck check;
  check.now = now();
  check.issuer = kApiKey;
  check.require_subject = true;
  auto claims = jwt_verify(body["token"].get<std::string>(), kSecret, check);
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims.value()["sub"], "ref-1");
  EXPECT_EQ(claims.value()["jti"], body["jti"]);
  EXPECT_LE(claims.value()["iat"].get<int64_t>(), now());
  const Json& change = claims.value()["changes"][0];
  EXPECT_EQ(claims.value()["changes"].size(), 1u);
  EXPECT_EQ(change["type"], "add_variant");
  EXPECT_EQ(change["variantID"], 7001);
  EXPECT_EQ(change["quantity"], 1);
  EXPECT_EQ(change["discount"]["value"], 15);
  EXPECT_EQ(change["discount"]["valueType"], "percentage");
  EXPECT_EQ(change["discount"]["title"], "15% off the scarf");
}

TEST_F(PostPurchaseRoutes, ATamperedPriceIsRefusedAndNothingIsSigned) {
  auto res = post("/post-purchase/sign-changeset", token(),
                  R"({"offer_id":"scarf","price":{"amount":1,"currency":"USD"}})");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 409);
  const Json body = parse(res->body);
  EXPECT_EQ(body["error"]["code"], "price_mismatch");
  EXPECT_EQ(body["error"]["offer"]["price"]["amount"], 1530);  // what the server would sign
  auto other_currency = post("/post-purchase/sign-changeset", token(),
                             R"({"offer_id":"scarf","price":{"amount":1530,"currency":"CAD"}})");
  EXPECT_EQ(other_currency->status, 409);
  // Not stored: the honest price now signs a first, not a duplicate, changeset.
  auto honest = post("/post-purchase/sign-changeset", token(), R"({"offer_id":"scarf"})");
  ASSERT_EQ(honest->status, 200) << honest->body;
  EXPECT_EQ(parse(honest->body)["duplicate"], false);
}

TEST_F(PostPurchaseRoutes, AnOfferThePurchaseDoesNotEarnCannotBeSigned) {
  for (const char* offer : {"boots-care", "no-such-offer"}) {
    auto res = post("/post-purchase/sign-changeset", token(),
                    std::string(R"({"offer_id":")") + offer + "\"}");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 409) << offer;
    EXPECT_EQ(parse(res->body)["error"]["code"], "offer_unavailable");
  }
  auto missing = post("/post-purchase/sign-changeset", token(), "[]");
  EXPECT_EQ(missing->status, 400);
}

TEST_F(PostPurchaseRoutes, TheSameAcceptanceTwiceGetsTheSameChangeset) {
  const std::string shopify_token = token();
  auto first = post("/post-purchase/sign-changeset", shopify_token, R"({"offer_id":"scarf"})");
  auto second = post("/post-purchase/sign-changeset", shopify_token, R"({"offer_id":"scarf"})");
  ASSERT_EQ(first->status, 200);
  ASSERT_EQ(second->status, 200);
  EXPECT_EQ(parse(second->body)["token"], parse(first->body)["token"]);
  EXPECT_EQ(parse(second->body)["duplicate"], true);
  // A fresh token for the same purchase and offer: still one change, the first one.
  Json later = purchase_claims();
  later["iat"] = now() - 1;
  auto third = post("/post-purchase/sign-changeset", token(later), R"({"offer_id":"scarf"})");
  ASSERT_EQ(third->status, 200);
  EXPECT_EQ(parse(third->body)["jti"], parse(first->body)["jti"]);
}

TEST_F(PostPurchaseRoutes, AReplayedJtiCannotAcceptASecondOffer) {
  Json claims = purchase_claims();
  claims["jti"] = "shopify-token-1";
  auto first = post("/post-purchase/sign-changeset", token(claims), R"({"offer_id":"scarf"})");
  ASSERT_EQ(first->status, 200) << first->body;
  claims["iat"] = now() - 2;  // another token text, the same jti
  auto replay = post("/post-purchase/sign-changeset", token(claims), R"({"offer_id":"beanie"})");
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->status, 409);
  EXPECT_EQ(parse(replay->body)["error"]["code"], "token_replayed");
  // Another purchase's token accepts the beanie normally.
  Json other = purchase_claims("ref-2");
  other["jti"] = "shopify-token-2";
  auto fresh = post("/post-purchase/sign-changeset", token(other), R"({"offer_id":"beanie"})");
  ASSERT_EQ(fresh->status, 200) << fresh->body;
  JwtCheck check;
  check.now = now();
  const Json change = jwt_verify(parse(fresh->body)["token"].get<std::string>(), kSecret, check)
                          .value()["changes"][0];
  EXPECT_EQ(change["discount"]["valueType"], "fixed_amount");
  EXPECT_EQ(change["discount"]["value"], 5);
}

TEST_F(PostPurchaseRoutes, PreflightAllowsTheAuthorizationHeader) {
  auto res = http_->Options("/post-purchase/offer");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  EXPECT_NE(res->get_header_value("Access-Control-Allow-Headers").find("Authorization"),
            std::string::npos);
}

TEST_F(PostPurchaseRoutes, SettingsTheCoreCannotReadAreRefused) {
  put(admin_path("/admin/post-purchase/offers"),
      R"({"format":1,"currency":"USD","offers":[{"id":"x"}]})", 400);
  put(admin_path("/admin/post-purchase/edit-policy"), R"({"window_minutes":-1,"allowed":[]})", 400);
  put(admin_path("/admin/post-purchase/address-options"), R"({"countries":"US"})", 400);
  auto anonymous =
      http_->Put(admin_path("/admin/post-purchase/offers"), kCatalog, "application/json");
  EXPECT_EQ(anonymous->status, 401);
}

TEST(PostPurchaseDisabled, WithoutAnApiKeyTheRoutesSayWhy) {
  TempDir dir;
  Config config = test_config(dir.path() + "/tiercart.db");
  config.api_key.clear();
  TestServer server(config);
  auto res = server.client()->Post(
      "/post-purchase/offer", {{"Authorization", "Bearer " + jwt_sign(purchase_claims(), kSecret)}},
      "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(parse(res->body)["error"]["code"], "post_purchase_disabled");
}

// --- order edits through the app proxy ---------------------------------------------------

class OrderEdits : public PostPurchaseRoutes {
 protected:
  void SetUp() override {
    PostPurchaseRoutes::SetUp();
    auto res = post_webhook(*http_, example("orders/orders-create-earned.json"), "wh-edit");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }

  // A request through the app proxy, signed as Shopify signs it; `customer` is
  // logged_in_customer_id (empty: the shopper is signed out).
  httplib::Result edit(const std::string& what, const std::string& body = "{}",
                       int64_t order_id = kOrderId, const std::string& customer = kCustomerId,
                       httplib::Client* client = nullptr) {
    const httplib::Params params = {{"shop", kShop},
                                    {"logged_in_customer_id", customer},
                                    {"path_prefix", "/apps/tiercart"},
                                    {"timestamp", std::to_string(now())}};
    const std::string path = "/apps/tiercart/orders/" + std::to_string(order_id) + "/" + what +
                             "?" + signed_proxy_query(params);
    httplib::Client& http = client ? *client : *http_;
    if (what == "edits") return http.Get(path.c_str());
    return http.Post(path.c_str(), body, "application/json");
  }
};

const char* kGoodAddress = R"({"first_name":"Ada","last_name":" Lovelace ","address1":"12 Main St",
  "city":"Springfield","province_code":"il","zip":"627011234","country_code":"us"})";

TEST_F(OrderEdits, AnAddressFixedWithinTheWindowIsNormalisedAndKept) {
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":60,"allowed":["address","cancel"]})");
  auto res = edit("address", kGoodAddress);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const Json body = parse(res->body);
  EXPECT_EQ(body["shipping_address"]["zip"], "62701-1234");
  EXPECT_EQ(body["shipping_address"]["last_name"], "Lovelace");
  EXPECT_EQ(body["shipping_address"]["country_code"], "US");
  auto status = edit("edits");
  ASSERT_EQ(status->status, 200) << status->body;
  const Json known = parse(status->body);
  EXPECT_EQ(known["shipping_address"]["zip"], "62701-1234");
  EXPECT_EQ(known["eligibility"]["editable"], true);
  EXPECT_GT(known["eligibility"]["seconds_left"].get<int64_t>(), 3500);
}

TEST_F(OrderEdits, AnInvalidAddressIsRefusedFieldByField) {
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":60,"allowed":["address"]})");
  Json address = parse(kGoodAddress);
  address["zip"] = "6270";
  auto res = edit("address", address.dump());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 422);
  const Json body = parse(res->body);
  EXPECT_EQ(body["error"]["code"], "invalid_address");
  EXPECT_EQ(body["error"]["problems"][0]["field"], "zip");
  EXPECT_EQ(body["error"]["problems"][0]["code"], "invalid_postal_code");
  EXPECT_FALSE(parse(edit("edits")->body).contains("shipping_address"));
  auto not_json = edit("address", "zip=1");
  EXPECT_EQ(not_json->status, 400);
}

TEST_F(OrderEdits, PastTheWindowTheAnswerIsAClearRefusal) {
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":0,"allowed":["address","cancel"]})");
  for (const char* what : {"address", "cancel"}) {
    auto res = edit(what, kGoodAddress);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 409) << what;
    const Json body = parse(res->body);
    EXPECT_EQ(body["error"]["code"], "edit_window_closed") << res->body;
    EXPECT_EQ(body["error"]["edit"], what);
    EXPECT_FALSE(body["error"]["until"].get<std::string>().empty());
  }
}

TEST_F(OrderEdits, AnEditTheMerchantDoesNotOfferIsForbidden) {
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":60,"allowed":["address"]})");
  auto res = edit("cancel");
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(parse(res->body)["error"]["code"], "edit_not_allowed");
}

TEST_F(OrderEdits, ACancelledOrderCannotBeCancelledOrEditedAgain) {
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":60,"allowed":["address","cancel"]})");
  auto cancelled = edit("cancel");
  ASSERT_EQ(cancelled->status, 200) << cancelled->body;
  EXPECT_EQ(parse(cancelled->body)["cancelled"], true);
  for (const char* what : {"cancel", "address"}) {
    auto again = edit(what, kGoodAddress);
    EXPECT_EQ(again->status, 409) << what;
    EXPECT_EQ(parse(again->body)["error"]["code"], "edit_refused");
    EXPECT_EQ(parse(again->body)["error"]["reason"], "cancelled");
  }
}

TEST_F(OrderEdits, UnknownOrdersUnsignedRequestsAndNoPolicyAreRefused) {
  auto unknown = edit("edits", "{}", 42);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(parse(unknown->body)["error"]["code"], "order_not_found");
  auto unsigned_request = http_->Post(
      ("/apps/tiercart/orders/" + std::to_string(kOrderId) + "/cancel?shop=" + kShop).c_str(), "{}",
      "application/json");
  EXPECT_EQ(unsigned_request->status, 401);
  auto no_policy = edit("cancel");
  EXPECT_EQ(no_policy->status, 403);
  EXPECT_EQ(parse(no_policy->body)["error"]["code"], "edits_not_configured");
}

TEST_F(OrderEdits, AnotherCustomersOrderIsAnsweredAsIfItDidNotExist) {
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":60,"allowed":["address","cancel"]})");
  const std::string missing = edit("edits", "{}", 42)->body;
  for (const char* what : {"edits", "address", "cancel"}) {
    auto res = edit(what, kGoodAddress, kOrderId, kOtherCustomerId);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << what;
    EXPECT_EQ(res->body, missing) << what;  // nothing tells a real order from a guessed id
  }
  // Nothing changed: the owner still sees an order with no address and not cancelled.
  const Json owner = parse(edit("edits")->body);
  EXPECT_FALSE(owner.contains("shipping_address"));
  EXPECT_EQ(owner["eligibility"]["allowed"], Json::array({"address", "cancel"}));
}

TEST_F(OrderEdits, ASignedOutShopperIsAskedToSignIn) {
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":60,"allowed":["address","cancel"]})");
  for (const char* what : {"edits", "address", "cancel"}) {
    auto res = edit(what, kGoodAddress, kOrderId, "");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << what;
    EXPECT_EQ(parse(res->body)["error"]["code"], "login_required") << res->body;
    // Shopify sends digits or nothing: anything else is not its request.
    res = edit(what, kGoodAddress, kOrderId, "not-an-id");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << what;
    EXPECT_EQ(parse(res->body)["error"]["code"], "invalid_parameters") << res->body;
  }
  EXPECT_EQ(edit("cancel")->status, 200);  // the owner, signed in, still can
}

TEST_F(OrderEdits, AGuestCheckoutCannotBeEditedThroughTheProxy) {
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":60,"allowed":["address","cancel"]})");
  Json guest = example_json("orders/orders-create-earned.json");
  guest.erase("customer");
  guest["id"] = 6102845530999;
  auto stored = post_webhook(*http_, guest.dump(), "wh-guest");
  ASSERT_EQ(stored->status, 200) << stored->body;
  for (const char* customer : {kCustomerId, kOtherCustomerId}) {
    auto res = edit("cancel", "{}", 6102845530999, customer);
    EXPECT_EQ(res->status, 404) << customer;
    EXPECT_EQ(parse(res->body)["error"]["code"], "order_not_found");
  }
}

TEST_F(OrderEdits, TheOrdersOwnerIsKnownAfterARestart) {
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":60,"allowed":["address","cancel"]})");
  server_.service().stop();
  TestServer again(config(server_.database()));
  auto http = again.client();
  EXPECT_EQ(edit("edits", "{}", kOrderId, kOtherCustomerId, http.get())->status, 404);
  auto owner = edit("address", kGoodAddress, kOrderId, kCustomerId, http.get());
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->status, 200) << owner->body;
}

// --- the customer account extension's routes (session token) ---------------------------

class CustomerAccount : public OrderEdits {
 protected:
  Json session(int64_t expires_in = 60) {
    return {{"iss", std::string("https://") + kShop + "/admin"},
            {"dest", std::string("https://") + kShop},
            {"aud", kApiKey},
            {"sub", std::string("gid://shopify/Customer/") + kCustomerId},
            {"iat", now()},
            {"exp", now() + expires_in}};
  }
  httplib::Result call(const std::string& what, const std::string& body = "",
                       const Json& claims = Json(), int64_t order_id = kOrderId) {
    const std::string path = "/customer-account/orders/" + std::to_string(order_id) + "/" + what;
    httplib::Headers headers = {
        {"Authorization", "Bearer " + jwt_sign(claims.is_null() ? session() : claims, kSecret)}};
    if (what == "edits") return http_->Get(path.c_str(), headers);
    return http_->Post(path.c_str(), headers, body, "application/json");
  }
  static std::string purchase(const std::string& price = "") {
    Json body = purchase_claims()["input_data"];
    if (!price.empty()) body["price"] = parse(price);
    return body.dump();
  }
};

TEST_F(CustomerAccount, TheSessionTokenOpensTheSameEditsAsTheAppProxy) {
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":60,"allowed":["address","add_item"]})");
  auto status = call("edits");
  ASSERT_EQ(status->status, 200) << status->body;
  EXPECT_EQ(status->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(parse(status->body)["eligibility"]["allowed"], Json::array({"address", "add_item"}));
  auto saved = call("address", kGoodAddress);
  ASSERT_EQ(saved->status, 200) << saved->body;
  EXPECT_EQ(parse(call("edits")->body)["shipping_address"]["zip"], "62701-1234");
}

TEST_F(CustomerAccount, AnOfferIsAddedAtTheServersPriceOnce) {
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":60,"allowed":["add_item"]})");
  auto offers = call("offers", purchase());
  ASSERT_EQ(offers->status, 200) << offers->body;
  EXPECT_EQ(parse(offers->body)["offers"][0]["price"]["amount"], 1530);
  auto tampered = call("offers/scarf", purchase(R"({"amount":99,"currency":"USD"})"));
  EXPECT_EQ(tampered->status, 409);
  EXPECT_EQ(parse(tampered->body)["error"]["code"], "price_mismatch");
  auto added = call("offers/scarf", purchase(R"({"amount":1530,"currency":"USD"})"));
  ASSERT_EQ(added->status, 200) << added->body;
  EXPECT_EQ(parse(added->body)["offer"]["price"]["amount"], 1530);
  EXPECT_EQ(parse(added->body)["duplicate"], false);
  auto again = call("offers/scarf", purchase());
  EXPECT_EQ(parse(again->body)["duplicate"], true);
  auto store = open_store("sqlite:" + server_.database());
  ASSERT_TRUE(store);
  // Held in a local: a range-for over value() of a temporary Result would dangle.
  const auto edits = store.value()->list_order_edits(kShop, kOrderId);
  ASSERT_TRUE(edits);
  int adds = 0;
  for (const auto& edit : edits.value()) adds += edit.edit == "add_item";
  EXPECT_EQ(adds, 1);
}

TEST_F(CustomerAccount, TokensForAnotherAppExpiredOrShoplessAreRefused) {
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":60,"allowed":["address"]})");
  Json no_aud = session();
  no_aud.erase("aud");
  Json other_app = session();
  other_app["aud"] = "someone-else";
  Json no_shop = session();
  no_shop.erase("dest");
  Json no_exp = session();
  no_exp.erase("exp");
  for (const auto& [claims, code] :
       std::vector<std::pair<Json, std::string>>{{no_aud, "wrong_audience"},
                                                 {other_app, "wrong_audience"},
                                                 {session(-120), "token_expired"},
                                                 {no_shop, "missing_claim"},
                                                 {no_exp, "missing_claim"}}) {
    auto res = call("edits", "", claims);
    EXPECT_EQ(res->status, 401) << code;
    EXPECT_EQ(parse(res->body)["error"]["code"], code);
  }
  Json other_shop = session();
  other_shop["dest"] = "another-shop.myshopify.com";
  EXPECT_EQ(call("edits", "", other_shop)->status, 404);  // not this shop's order
}

TEST_F(CustomerAccount, OnlyTheCustomerWhoPlacedTheOrderMayEditIt) {
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":60,"allowed":["address","cancel","add_item"]})");
  Json other = session();
  other["sub"] = std::string("gid://shopify/Customer/") + kOtherCustomerId;
  for (const char* what : {"edits", "address", "cancel", "offers", "offers/scarf"}) {
    auto res = call(what, what == std::string("address") ? kGoodAddress : purchase(), other);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << what;
    EXPECT_EQ(parse(res->body)["error"]["code"], "order_not_found") << what;
  }
  Json signed_out = session();
  signed_out.erase("sub");
  Json not_a_customer = session();
  not_a_customer["sub"] = "gid://shopify/StaffMember/" + std::string(kCustomerId);
  for (const Json& claims : {signed_out, not_a_customer}) {
    auto res = call("cancel", "{}", claims);
    EXPECT_EQ(res->status, 401);
    EXPECT_EQ(parse(res->body)["error"]["code"], "login_required");
    EXPECT_EQ(parse(res->body)["error"]["path"], "$.sub");
  }
  // Nothing was stored by the refused calls; the owner's own cancel goes through.
  auto owner = call("edits");
  ASSERT_EQ(owner->status, 200) << owner->body;
  EXPECT_FALSE(parse(owner->body).contains("shipping_address"));
  EXPECT_EQ(call("cancel", "{}")->status, 200);
}

TEST_F(CustomerAccount, OffersAreForTheOrderTheServerJudgedNotForTheLinesSent) {
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":60,"allowed":["add_item"]})");
  // Another order of the same customer, holding only product 9999: no offer is for it.
  constexpr int64_t kOtherOrder = 6102845530777;
  Json order = example_json("orders/orders-create-earned.json");
  order["id"] = kOtherOrder;
  Json line = order["line_items"][1];
  line["product_id"] = 9999;
  order["line_items"] = Json::array({line});
  auto stored = post_webhook(*http_, order.dump(), "wh-9999");
  ASSERT_EQ(stored->status, 200) << stored->body;

  // The browser says the order holds the sweater (product 1001) the offers are for.
  auto offers = call("offers", purchase(), Json(), kOtherOrder);
  ASSERT_TRUE(offers);
  ASSERT_EQ(offers->status, 200) << offers->body;
  EXPECT_EQ(parse(offers->body)["offers"], Json::array()) << offers->body;
  auto added =
      call("offers/scarf", purchase(R"({"amount":1530,"currency":"USD"})"), Json(), kOtherOrder);
  ASSERT_TRUE(added);
  EXPECT_EQ(added->status, 409) << added->body;
  EXPECT_EQ(parse(added->body)["error"]["code"], "offer_unavailable");
  auto store = open_store("sqlite:" + server_.database());
  ASSERT_TRUE(store);
  const auto edits = store.value()->list_order_edits(kShop, kOtherOrder);
  ASSERT_TRUE(edits);
  EXPECT_TRUE(edits.value().empty());  // no add_item kept

  // The order that holds the sweater gets its offers with no lines sent at all.
  auto own = call("offers", "{}");
  ASSERT_EQ(own->status, 200) << own->body;
  EXPECT_EQ(parse(own->body)["offers"][0]["id"], "scarf");
}

TEST_F(CustomerAccount, AnOrderWhoseLinesTheServerDoesNotHoldGetsNoOffers) {
  // An order stored by an earlier version, which kept its owner but not its lines.
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":60,"allowed":["add_item"]})");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(server_.database().c_str(), &db), SQLITE_OK);
  // The server's own writers (the outbox looks for due writes) may hold the lock a moment.
  sqlite3_busy_timeout(db, 5000);
  const int updated =
      sqlite3_exec(db, "UPDATE verdicts SET order_lines = NULL", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  ASSERT_EQ(updated, SQLITE_OK);
  for (const char* what : {"offers", "offers/scarf"}) {
    auto res = call(what, purchase(R"({"amount":1530,"currency":"USD"})"));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 409) << what;
    EXPECT_EQ(parse(res->body)["error"]["code"], "order_lines_unknown") << res->body;
  }
}

TEST_F(CustomerAccount, EveryRefusalIsJsonTheExtensionCanRead) {
  // The extension runs on Shopify's origin: without Access-Control-Allow-Origin its browser
  // hides the answer, error code included.
  put(admin_path("/admin/post-purchase/edit-policy"),
      R"({"window_minutes":0,"allowed":["address"]})");
  const std::string order = "/customer-account/orders/" + std::to_string(kOrderId);
  const httplib::Headers session_header = {
      {"Authorization", "Bearer " + jwt_sign(session(), kSecret)}};
  const httplib::Headers purchase_header = {{"Authorization", "Bearer " + token()}};
  struct Case {
    std::string method, path;
    httplib::Headers headers;
    std::string body;
    int status;
    std::string code;
  };
  const std::string big(300 * 1024, ' ');
  for (const Case& c : std::vector<Case>{
           {"GET", order + "/edits", {}, "", 401, "missing_token"},
           {"POST", order + "/offers", session_header, big, 413, "too_large"},
           {"POST", order + "/address", session_header, kGoodAddress, 409, "edit_window_closed"},
           {"GET", "/customer-account/orders/42/edits", session_header, "", 404, "order_not_found"},
           {"GET", order + "/no-such-thing", session_header, "", 404, "not_found"},
           {"GET", "/customer-account/orders/1234567890123456789/edits", session_header, "", 404,
            "not_found"},
           {"POST", order + "/offers/Not_An_Offer!", session_header, "{}", 404, "not_found"},
           {"DELETE", order + "/edits", session_header, "", 404, "not_found"},
           {"POST", "/post-purchase/offer", {}, "{}", 401, "missing_token"},
           {"POST", "/post-purchase/offer", purchase_header, big, 413, "too_large"},
           {"POST", "/post-purchase/sign-changeset", purchase_header, "[]", 400, "missing_field"},
           {"GET", "/post-purchase/offer", purchase_header, "", 404, "not_found"},
           {"POST", "/post-purchase/no-such-route", purchase_header, "{}", 404, "not_found"},
       }) {
    httplib::Request req;
    req.method = c.method;
    req.path = c.path;
    req.headers = c.headers;
    req.headers.emplace("Origin", "https://extensions.shopifycdn.com");
    if (!c.body.empty()) {
      req.body = c.body;
      req.headers.emplace("Content-Type", "application/json");
    }
    auto res = http_->send(req);
    ASSERT_TRUE(res) << c.method << " " << c.path;
    EXPECT_EQ(res->status, c.status) << c.method << " " << c.path << ": " << res->body;
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*")
        << c.method << " " << c.path;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json") << c.path;
    EXPECT_EQ(parse(res->body)["error"]["code"], c.code) << c.method << " " << c.path;
  }
}

}  // namespace
}  // namespace tiercart::server::testing
