// POST /webhooks/orders/create over real HTTP on 127.0.0.1: signatures, de-duplication,
// claim validation by the core, limits and JSON errors.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "test_support.h"

namespace tiercart::server::testing {
namespace {

class Webhook : public ::testing::Test {
 protected:
  void SetUp() override { server_.install_examples(); }

  // The gift line of an example order (the one carrying `_tiercart`).
  static Json& gift_line(Json& order) {
    for (auto& line : order["line_items"]) {
      for (const auto& property : line["properties"]) {
        if (property["name"] == "_tiercart") return line;
      }
    }
    ADD_FAILURE() << "no gift line";
    return order;
  }

  Json send(const Json& order, const std::string& webhook_id, int expected_status = 200) {
    auto http = server_.client();
    auto res = post_webhook(*http, order.dump(), webhook_id);
    EXPECT_TRUE(res);
    if (!res) return Json();
    EXPECT_EQ(res->status, expected_status) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    return parse(res->body);
  }

  // The reasons of the lines the verdict rejects.
  static std::vector<std::string> reasons(const Json& answer) {
    std::vector<std::string> found;
    for (const auto& verdict : answer["verdict"]["verdicts"]) {
      for (const auto& line : verdict["lines"]) {
        if (!line["earned"].get<bool>()) found.push_back(line["reason"].get<std::string>());
      }
    }
    return found;
  }

  int64_t stored() const { return count_verdicts(server_.database()); }

  TestServer server_;
};

TEST_F(Webhook, SignedEarnedOrderIsStoredAndAnswered200WithItsVerdict) {
  const Json answer = send(example_json("orders/orders-create-earned.json"), "wh-earned");
  EXPECT_EQ(answer["webhook_id"], "wh-earned");
  EXPECT_EQ(answer["earned"], true);
  EXPECT_EQ(answer["duplicate"], false);
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-verified"}));
  EXPECT_EQ(answer["verdict"]["verdicts"][0]["program"]["id"], "free-shipping-and-tote");
  EXPECT_EQ(stored(), 1);
}

// shop/update: only the time zone is read (theme_sync_test.cpp has the publication).
TEST_F(Webhook, AShopUpdateIsSignedAndNamesItsTimeZone) {
  auto http = server_.client();
  auto post = [&](const std::string& body, bool signed_body) {
    httplib::Headers headers = {{"X-Shopify-Topic", "shop/update"},
                                {"X-Shopify-Shop-Domain", kTestShop},
                                {"X-Shopify-Webhook-Id", "wh-shop-update"}};
    if (signed_body) headers.emplace("X-Shopify-Hmac-Sha256", sign_webhook(body));
    return http->Post("/webhooks/shop/update", headers, body, "application/json");
  };
  const std::string update = R"({"id": 548380009, "name": "Northbound Supply",
    "iana_timezone": "Europe/Berlin", "timezone": "(GMT+01:00) Europe/Berlin"})";
  auto unsigned_update = post(update, false);
  ASSERT_TRUE(unsigned_update);
  EXPECT_EQ(unsigned_update->status, 401);
  for (const char* bad : {R"({"name": "no zone"})", R"({"iana_timezone": "../../etc/passwd x"})",
                          R"({"iana_timezone": 5})", "not json"}) {
    auto refused = post(bad, true);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << bad;
    EXPECT_EQ(parse(refused->body)["error"]["path"], "$.iana_timezone") << refused->body;
  }
  // A shop whose Functions the app has not created yet: nothing to publish again.
  auto accepted = post(update, true);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 200) << accepted->body;
  EXPECT_EQ(parse(accepted->body),
            Json({{"shop", kTestShop}, {"timezone", "Europe/Berlin"}, {"republished", false}}));
}

TEST_F(Webhook, MissingSignatureIs401AndStoresNothing) {
  auto http = server_.client();
  auto res = post_webhook(*http, example("orders/orders-create-earned.json"), "wh-1", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(parse(res->body)["error"]["code"], "missing_signature");
  EXPECT_EQ(stored(), 0);
}

TEST_F(Webhook, WrongSignatureIs401AndStoresNothing) {
  auto http = server_.client();
  const std::string body = example("orders/orders-create-earned.json");
  auto res = post_webhook(*http, body, "wh-1", sign_webhook(body, "not-the-app-secret"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(parse(res->body)["error"]["code"], "invalid_signature");
  EXPECT_EQ(stored(), 0);
}

TEST_F(Webhook, SignatureOfAnotherBodyIs401AndStoresNothing) {
  auto http = server_.client();
  const std::string body = example("orders/orders-create-forged.json");
  const std::string signature = sign_webhook(body);
  std::string tampered = body;
  tampered.replace(tampered.find("\"68.00\""), 7, "\"168.00\"");
  auto res = post_webhook(*http, tampered, "wh-1", signature);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(stored(), 0);
}

TEST_F(Webhook, ReplayedWebhookGivesTheSameOneVerdict) {
  const Json order = example_json("orders/orders-create-forged.json");
  const Json first = send(order, "wh-replay");
  const Json second = send(order, "wh-replay");
  EXPECT_EQ(first["duplicate"], false);
  EXPECT_EQ(second["duplicate"], true);
  EXPECT_EQ(first["verdict"], second["verdict"]);
  EXPECT_EQ(first["received_at"], second["received_at"]);
  EXPECT_EQ(stored(), 1);
}

TEST_F(Webhook, FiftyConcurrentDeliveriesOfTheSameWebhookGiveOneVerdict) {
  const std::string body = example("orders/orders-create-forged.json");
  std::vector<std::thread> senders;
  std::vector<Json> answers(50);
  std::vector<int> statuses(50, 0);
  std::atomic<int> ready{0};
  for (int i = 0; i < 50; ++i) {
    senders.emplace_back([&, i] {
      auto http = server_.client();
      ++ready;
      while (ready < 50) std::this_thread::yield();  // all at once
      auto res = post_webhook(*http, body, "wh-fifty");
      if (!res) ADD_FAILURE() << "delivery " << i << ": " << httplib::to_string(res.error());
      if (res) {
        statuses[i] = res->status;
        answers[i] = parse(res->body);
      }
    });
  }
  for (auto& sender : senders) sender.join();
  int fresh = 0;
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(statuses[i], 200) << "delivery " << i;
    fresh += answers[i]["duplicate"] == false;
    EXPECT_EQ(answers[i]["verdict"], answers[0]["verdict"]);
    EXPECT_EQ(answers[i]["received_at"], answers[0]["received_at"]);
  }
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(stored(), 1);
}

TEST_F(Webhook, GiftAddedByHandBelowTheThresholdIsFlagged) {
  // #1043: $68.00 of counting lines, and a tote line claiming the $100.00 tier.
  const Json answer = send(example_json("orders/orders-create-forged.json"), "wh-forged");
  EXPECT_EQ(answer["earned"], false);
  EXPECT_EQ(reasons(answer), std::vector<std::string>{"below_threshold"});
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-flagged", "tiercart-below_threshold"}));
}

TEST_F(Webhook, GiftClaimingATierThatGivesNoGiftIsFlagged) {
  Json order = example_json("orders/orders-create-earned.json");
  gift_line(order)["properties"][0]["value"] = "free-shipping-and-tote@1:free-shipping";
  const Json answer = send(order, "wh-wrong-tier");
  EXPECT_EQ(answer["earned"], false);
  EXPECT_EQ(reasons(answer), std::vector<std::string>{"unknown_tier"});
}

TEST_F(Webhook, GiftClaimingATierThatDoesNotExistIsFlagged) {
  Json order = example_json("orders/orders-create-earned.json");
  gift_line(order)["properties"][0]["value"] = "free-shipping-and-tote@1:platinum";
  EXPECT_EQ(reasons(send(order, "wh-no-tier")), std::vector<std::string>{"unknown_tier"});
}

TEST_F(Webhook, MoreGiftUnitsThanTheTierGivesAreFlagged) {
  Json order = example_json("orders/orders-create-earned.json");
  Json& gift = gift_line(order);
  gift["quantity"] = 3;
  gift["current_quantity"] = 3;
  const Json answer = send(order, "wh-too-many");
  EXPECT_EQ(answer["earned"], false);
  EXPECT_EQ(reasons(answer), std::vector<std::string>{"quantity_exceeded"});
}

TEST_F(Webhook, ClaimNamingAProgramVersionTheStoreDoesNotHaveIsFlaggedUnknownTier) {
  Json order = example_json("orders/orders-create-earned.json");
  gift_line(order)["properties"][0]["value"] = "free-shipping-and-tote@7:tote";
  const Json answer = send(order, "wh-unknown-version");
  EXPECT_EQ(answer["earned"], false);
  EXPECT_EQ(reasons(answer), std::vector<std::string>{"unknown_tier"});
  EXPECT_EQ(answer["verdict"]["verdicts"][0]["program"]["version"], 7);
  EXPECT_EQ(answer["tags"], Json::array({"tiercart-flagged", "tiercart-unknown_tier"}));
}

TEST_F(Webhook, ClaimNamingAnUnknownProgramIsFlaggedUnknownTier) {
  Json order = example_json("orders/orders-create-earned.json");
  gift_line(order)["properties"][0]["value"] = "someone-elses-program@1:tote";
  EXPECT_EQ(reasons(send(order, "wh-unknown-program")), std::vector<std::string>{"unknown_tier"});
}

TEST_F(Webhook, UnreadableClaimIsFlaggedUnknownTier) {
  Json order = example_json("orders/orders-create-earned.json");
  gift_line(order)["properties"][0]["value"] = "free tote please";
  EXPECT_EQ(reasons(send(order, "wh-unreadable")), std::vector<std::string>{"unknown_tier"});
}

TEST_F(Webhook, OrderWithoutClaimsGetsAnEarnedVerdictWithNoTags) {
  Json order = example_json("orders/orders-create-earned.json");
  Json lines = Json::array();
  for (const auto& line : order["line_items"]) {
    if (line["properties"].empty()) lines.push_back(line);
  }
  order["line_items"] = lines;
  const Json answer = send(order, "wh-no-claims");
  EXPECT_EQ(answer["earned"], true);
  EXPECT_EQ(answer["tags"], Json::array());
  EXPECT_EQ(answer["verdict"]["verdicts"], Json::array());
  EXPECT_EQ(stored(), 1);
}

TEST_F(Webhook, MalformedJsonIs400WithAJsonErrorAndStoresNothing) {
  auto http = server_.client();
  auto res = post_webhook(*http, R"({"id": 1, "line_items": [)", "wh-bad-json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  const Json error = parse(res->body)["error"];
  EXPECT_EQ(error["code"], "invalid_json");
  EXPECT_TRUE(error["message"].is_string());
  EXPECT_EQ(stored(), 0);
}

TEST_F(Webhook, OrderOfTheWrongShapeIs400WithTheFieldPath) {
  auto http = server_.client();
  auto res = post_webhook(*http, R"({"id": 1, "line_items": "none"})", "wh-bad-shape");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  const Json error = parse(res->body)["error"];
  EXPECT_TRUE(error["code"].is_string());
  EXPECT_TRUE(error["path"].is_string());
  EXPECT_EQ(stored(), 0);
}

TEST_F(Webhook, BytesAfterTheJsonDocumentAre400EvenBehindANulByte) {
  // A JSON reader may take a NUL byte as the end of its input; the body is still more than
  // one document, and a signed body is judged whole or not at all.
  auto http = server_.client();
  const std::string order = example("orders/orders-create-earned.json");
  for (const std::string& body :
       {order + std::string(1, '\0') + "garbage", order + std::string(1, '\0'), order + " {}"}) {
    auto res = post_webhook(*http, body, "wh-trailing");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << res->body;
    EXPECT_EQ(parse(res->body)["error"]["code"], "invalid_json") << res->body;
    EXPECT_EQ(stored(), 0);
  }
}

// POSTs the earned example order signed, with `shop` as X-Shopify-Shop-Domain (none when
// `send_shop` is false).
httplib::Result post_for_shop(httplib::Client& http, const std::string& shop,
                              const std::string& webhook_id, bool send_shop = true) {
  const std::string body = example("orders/orders-create-earned.json");
  httplib::Headers headers = {{"X-Shopify-Topic", "orders/create"},
                              {"X-Shopify-Webhook-Id", webhook_id},
                              {"X-Shopify-Hmac-Sha256", sign_webhook(body)}};
  if (send_shop) headers.emplace("X-Shopify-Shop-Domain", shop);
  return http.Post("/webhooks/orders/create", headers, body, "application/json");
}

TEST_F(Webhook, TheShopIsKeptAsALowerCaseShopHostname) {
  auto http = server_.client();
  auto res = post_for_shop(*http, "Northbound-Supply.MyShopify.COM", "wh-case");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(parse(res->body)["shop"], "northbound-supply.myshopify.com");
  auto listed = http->Get(admin_path("/admin/verdicts"), admin_headers());
  EXPECT_EQ(parse(listed->body)["verdicts"][0]["shop"], "northbound-supply.myshopify.com");
}

TEST_F(Webhook, AShopDomainThatIsNotAShopHostnameIs400AndStoresNothing) {
  auto http = server_.client();
  for (const std::string& shop :
       {std::string(""), std::string("evil.example.com"), std::string("myshopify.com"),
        std::string(".myshopify.com"), std::string("-dash.myshopify.com"),
        std::string("under_score.myshopify.com"), std::string("two words.myshopify.com"),
        std::string("a.b.myshopify.com"), std::string("northbound-supply.myshopify.com.evil.com"),
        std::string("<script>alert(1)</script>.myshopify.com"),
        std::string("caf\xC3\xA9.myshopify.com"), std::string(64, 'a') + ".myshopify.com"}) {
    auto res = post_for_shop(*http, shop, "wh-shop");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << shop;
    Json error = parse(res->body)["error"];
    EXPECT_EQ(error["code"], "invalid_shop_domain") << shop << ": " << res->body;
    EXPECT_EQ(error["path"], "X-Shopify-Shop-Domain") << shop;
  }
  auto missing = post_for_shop(*http, "", "wh-shop", /*send_shop=*/false);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(parse(missing->body)["error"]["code"], "invalid_shop_domain");
  EXPECT_EQ(stored(), 0);
  // The longest shop name a hostname label allows is a shop.
  auto longest = post_for_shop(*http, std::string(63, 'a') + ".myshopify.com", "wh-long");
  EXPECT_EQ(longest->status, 200) << longest->body;
}

TEST_F(Webhook, MissingWebhookIdIs400AndStoresNothing) {
  auto http = server_.client();
  auto res = post_webhook(*http, example("orders/orders-create-earned.json"), "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(parse(res->body)["error"]["code"], "missing_webhook_id");
  EXPECT_EQ(stored(), 0);
}

TEST_F(Webhook, BodyOverFourMebibytesIs413WithAJsonError) {
  auto http = server_.client();
  const std::string body(4 * 1024 * 1024 + 1, ' ');
  auto res = post_webhook(*http, body, "wh-huge");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(parse(res->body)["error"]["code"], "too_large");
  EXPECT_EQ(stored(), 0);
}

TEST_F(Webhook, UnknownRouteIs404WithAJsonError) {
  auto http = server_.client();
  auto res = http->Get("/webhooks/orders/delete");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(parse(res->body)["error"]["code"], "not_found");
}

TEST_F(Webhook, VerdictIsStoredAcrossARestart) {
  send(example_json("orders/orders-create-forged.json"), "wh-restart");
  server_.service().stop();
  TestServer again(test_config(server_.database()));
  auto http = again.client();
  auto res = post_webhook(*http, example("orders/orders-create-forged.json"), "wh-restart");
  ASSERT_TRUE(res);
  EXPECT_EQ(parse(res->body)["duplicate"], true);
  EXPECT_EQ(count_verdicts(server_.database()), 1);
}

// A client that sends half a request head and stalls is disconnected once the head's
// deadline passes (the server, not this test's 5 s receive limit, ends the wait).
TEST(SlowClient, IsDisconnectedWhenItsHeadIsNotInByTheDeadline) {
  TempDir dir;
  Config config = test_config(dir.path() + "/tiercart.db");
  config.header_timeout_ms = 300;
  TestServer server(config);
  const int sock = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(server.port()));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  ASSERT_EQ(connect(sock, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const std::string partial = "POST /webhooks/orders/create HTTP/1.1\r\nHost: x\r\n";
  ASSERT_EQ(send(sock, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  timeval wait_at_most{5, 0};
  setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &wait_at_most, sizeof wait_at_most);
  char buffer[512];
  const ssize_t got = recv(sock, buffer, sizeof buffer, 0);
  const int error = got < 0 ? errno : 0;
  close(sock);
  EXPECT_TRUE(got == 0 || error == ECONNRESET) << "recv gave " << got << ", errno " << error;
}

TEST(ServerConfig, ListensOnLoopbackByDefault) { EXPECT_EQ(Config{}.host, "127.0.0.1"); }

}  // namespace
}  // namespace tiercart::server::testing
