// Many shops on one server: App Bridge session tokens name the shop an admin call acts on,
// the operator names it, and every admin route, webhook and app proxy call stays inside its
// shop, on SQLite and on PostgreSQL (the Postgres cases run under with_postgres.sh). Two
// server processes on one PostgreSQL judge each webhook once.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "jwt.h"
#include "test_support.h"

namespace tiercart::server::testing {
namespace {

constexpr const char* kShopA = "northbound-supply.myshopify.com";
constexpr const char* kShopB = "harbor-goods.myshopify.com";

int64_t now() { return std::time(nullptr); }

// Drops every table of the test database, so that a case starts from nothing.
void empty_postgres(const char* url) {
  PGconn* connection = PQconnectdb(url);
  ASSERT_EQ(PQstatus(connection), CONNECTION_OK);
  PQclear(PQexec(connection,
                 "DROP TABLE IF EXISTS verdicts, programs, settings, changesets, order_edits, "
                 "data_requests, shops, oauth_states, outbox, order_figures, order_adjustments, "
                 "schema_migrations"));
  PQfinish(connection);
}

// A session token as App Bridge hands it to the embedded app (SHOPIFY.md section 8).
Json session_claims(const std::string& shop) {
  return {{"iss", "https://" + shop + "/admin"},
          {"dest", "https://" + shop},
          {"aud", kTestApiKey},
          {"sub", "74"},
          {"exp", now() + 60},
          {"nbf", now() - 1},
          {"iat", now() - 1},
          {"jti", random_uuid()},
          {"sid", "session-1"}};
}

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

httplib::Headers session(const std::string& shop) {
  return bearer(jwt_sign(session_claims(shop), kSecret));
}

class Sessions : public ::testing::Test {
 protected:
  httplib::Result shop_state(const httplib::Headers& headers) {
    return http_->Get("/admin/shop", headers);
  }
  void expect_refused(const Json& claims, const std::string& code,
                      const std::string& secret = kSecret) {
    auto res = shop_state(bearer(jwt_sign(claims, secret)));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << res->body;
    EXPECT_EQ(parse(res->body)["error"]["code"], code) << res->body;
    // App Bridge fetches a new token and tries again when it sees this.
    EXPECT_EQ(res->get_header_value("X-Shopify-Retry-Invalid-Session-Request"), "1");
  }

  TestServer server_;
  std::unique_ptr<httplib::Client> http_ = server_.client();
};

TEST_F(Sessions, AValidSessionTokenActsOnTheShopItNames) {
  auto res = shop_state(session(kShopB));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const Json body = parse(res->body);
  EXPECT_EQ(body["shop"], kShopB);
  // No token key is configured here: the shop is seen, never installed.
  EXPECT_EQ(body["install_state"], "pending");
  EXPECT_EQ(body["verdicts"]["total"], 0);
}

TEST_F(Sessions, ForgedExpiredForeignAndCrossShopTokensAre401WithTheRetryHeader) {
  expect_refused(session_claims(kShopA), "invalid_signature", "not-the-app-secret");
  Json expired = session_claims(kShopA);
  expired["exp"] = now() - 11;  // beyond the 10 s leeway
  expect_refused(expired, "token_expired");
  Json early = session_claims(kShopA);
  early["nbf"] = now() + 30;
  expect_refused(early, "token_not_yet_valid");
  Json foreign = session_claims(kShopA);
  foreign["aud"] = "another-app";
  expect_refused(foreign, "wrong_audience");
  Json no_audience = session_claims(kShopA);
  no_audience.erase("aud");
  expect_refused(no_audience, "wrong_audience");
  // dest names one shop, iss another: not a token Shopify made.
  Json crossed = session_claims(kShopA);
  crossed["iss"] = std::string("https://") + kShopB + "/admin";
  expect_refused(crossed, "wrong_issuer");
  Json elsewhere = session_claims(kShopA);
  elsewhere["dest"] = "https://evil.example.com";
  expect_refused(elsewhere, "missing_claim");
  // alg none is refused before anything else is read.
  const std::string unsigned_token = base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
                                     base64url_encode(session_claims(kShopA).dump()) + ".";
  auto res = shop_state(bearer(unsigned_token));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
}

TEST_F(Sessions, AnExpiredTokenWithinTheLeewayIsAccepted) {
  Json late = session_claims(kShopA);
  late["exp"] = now() - 5;
  auto res = shop_state(bearer(jwt_sign(late, kSecret)));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
}

TEST_F(Sessions, TheOperatorTokenMustNameAShop) {
  auto unnamed = shop_state(admin_headers());
  ASSERT_TRUE(unnamed);
  EXPECT_EQ(unnamed->status, 400);
  EXPECT_EQ(parse(unnamed->body)["error"]["code"], "missing_shop");
  auto named = http_->Get(admin_path("/admin/shop", kShopB), admin_headers());
  ASSERT_TRUE(named);
  ASSERT_EQ(named->status, 200);
  EXPECT_EQ(parse(named->body)["shop"], kShopB);
  auto bad = http_->Get("/admin/shop?shop=evil.example.com", admin_headers());
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

// --- two shops on one server, on both backends ----------------------------------------------

class TwoShops : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    Config config = test_config(dir_.path() + "/tiercart.db");
    if (GetParam() == "Postgres") {
      const char* url = std::getenv("TIERCART_TEST_DATABASE_URL");
      if (!url || !*url) GTEST_SKIP() << "TIERCART_TEST_DATABASE_URL is not set";
      empty_postgres(url);
      config.database = url;
    }
    server_ = std::make_unique<TestServer>(config);
    http_ = server_->client();
    // Shop A has the example program and context; shop B has none.
    server_->install_examples();
  }

  Json get(const std::string& path, const std::string& shop) {
    auto res = http_->Get(path, session(shop));
    EXPECT_TRUE(res);
    EXPECT_EQ(res->status, 200) << path << ": " << res->body;
    return parse(res->body);
  }

  Json deliver(const std::string& shop, const std::string& webhook_id) {
    const std::string body = example("orders/orders-create-earned.json");
    httplib::Headers headers = {{"X-Shopify-Topic", "orders/create"},
                                {"X-Shopify-Shop-Domain", shop},
                                {"X-Shopify-Webhook-Id", webhook_id},
                                {"X-Shopify-Hmac-Sha256", sign_webhook(body)}};
    auto res = http_->Post("/webhooks/orders/create", headers, body, "application/json");
    EXPECT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
    return parse(res->body);
  }

  httplib::Result proxy(const std::string& shop, const std::string& route) {
    const std::string query = signed_proxy_query({{"shop", shop},
                                                  {"logged_in_customer_id", ""},
                                                  {"path_prefix", "/apps/tiercart"},
                                                  {"timestamp", std::to_string(now())}});
    return http_->Post("/apps/tiercart/" + route + "?" + query, example("carts/below-tote.json"),
                       "application/json");
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_P(TwoShops, AnOrderIsJudgedByItsOwnShopsProgram) {
  // The same order, claiming A's program: earned in A, flagged in B, which has no such program.
  EXPECT_EQ(deliver(kShopA, "wh-a")["earned"], true);
  EXPECT_EQ(deliver(kShopB, "wh-b")["earned"], false);
  const Json a = get("/admin/verdicts", kShopA)["verdicts"];
  const Json b = get("/admin/verdicts", kShopB)["verdicts"];
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0]["webhook_id"], "wh-a");
  EXPECT_EQ(b[0]["webhook_id"], "wh-b");
  EXPECT_EQ(get("/admin/shop", kShopB)["verdicts"]["flagged"], 1);
  EXPECT_EQ(get("/admin/shop", kShopA)["verdicts"]["flagged"], 0);
}

TEST_P(TwoShops, AShopSeesAndChangesOnlyItsOwnProgramsAndSettings) {
  EXPECT_EQ(get("/admin/programs", kShopA)["programs"].size(), 1u);
  EXPECT_TRUE(get("/admin/programs", kShopB)["programs"].empty());
  // B cannot read or activate A's program by its id.
  auto read = http_->Get("/admin/programs/free-shipping-and-tote/versions/1", session(kShopB));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 404);
  auto activate = http_->Post("/admin/programs/free-shipping-and-tote/versions/1/activate",
                              session(kShopB), "", "application/json");
  ASSERT_TRUE(activate);
  EXPECT_EQ(activate->status, 404);
  // B saves a program of the same id: two programs, one per shop.
  auto created = http_->Post("/admin/programs", session(kShopB),
                             example("programs/free-shipping-and-tote.json"), "application/json");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(get("/admin/programs", kShopB)["programs"][0]["active"], false);
  EXPECT_EQ(get("/admin/programs", kShopA)["programs"][0]["active"], true);
  // B's context does not reach A.
  auto context = http_->Put("/admin/context", session(kShopB), R"({"shop_currency":"EUR"})",
                            "application/json");
  ASSERT_TRUE(context);
  EXPECT_EQ(context->status, 200) << context->body;
  EXPECT_EQ(deliver(kShopA, "wh-a")["earned"], true);
}

TEST_P(TwoShops, TheAppProxyEvaluatesWithTheSignedShopsPrograms) {
  auto a = proxy(kShopA, "evaluate");
  ASSERT_TRUE(a);
  ASSERT_EQ(a->status, 200) << a->body;
  EXPECT_EQ(parse(a->body)["evaluations"].size(), 1u);
  auto b = proxy(kShopB, "evaluate");
  ASSERT_TRUE(b);
  ASSERT_EQ(b->status, 200) << b->body;
  EXPECT_TRUE(parse(b->body)["evaluations"].empty());
}

TEST_P(TwoShops, UninstallForgetsOneShopsInstallAndKeepsItsVerdictsUntilRedact) {
  deliver(kShopB, "wh-b");
  const std::string body = R"({"id":2,"domain":"harbor-goods.myshopify.com"})";
  httplib::Headers headers = {{"X-Shopify-Topic", "app/uninstalled"},
                              {"X-Shopify-Shop-Domain", kShopB},
                              {"X-Shopify-Hmac-Sha256", sign_webhook(body)}};
  get("/admin/shop", kShopB);                         // seen: pending
  for (int delivery = 0; delivery < 2; ++delivery) {  // Shopify may send it twice
    auto res = http_->Post("/webhooks/app/uninstalled", headers, body, "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
  }
  auto forged = http_->Post(
      "/webhooks/app/uninstalled",
      {{"X-Shopify-Shop-Domain", kShopA}, {"X-Shopify-Hmac-Sha256", sign_webhook(body, "wrong")}},
      body, "application/json");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
  EXPECT_EQ(get("/admin/shop", kShopB)["install_state"], "uninstalled");
  EXPECT_EQ(get("/admin/shop", kShopB)["verdicts"]["total"], 1);
  EXPECT_EQ(get("/admin/shop", kShopA)["install_state"], "pending");

  // Uninstalled, the shop's privacy webhooks are still honoured: shop/redact 48 h later
  // deletes all it left, and A keeps everything.
  const std::string redact = R"({"shop_id":2,"shop_domain":"harbor-goods.myshopify.com"})";
  auto erased = http_->Post(
      "/webhooks/shop/redact",
      {{"X-Shopify-Shop-Domain", kShopB}, {"X-Shopify-Hmac-Sha256", sign_webhook(redact)}}, redact,
      "application/json");
  ASSERT_TRUE(erased);
  EXPECT_EQ(erased->status, 200) << erased->body;
  EXPECT_EQ(get("/admin/shop", kShopB)["verdicts"]["total"], 0);
  EXPECT_EQ(get("/admin/programs", kShopA)["programs"].size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, TwoShops, ::testing::Values("Sqlite", "Postgres"),
                         [](const auto& info) { return info.param; });

// --- two server processes on one PostgreSQL ------------------------------------------------

TEST(TwoProcessesPostgres, TheSameWebhooksSplitBetweenThemGiveOneVerdictEach) {
  const char* url = std::getenv("TIERCART_TEST_DATABASE_URL");
  if (!url || !*url) GTEST_SKIP() << "TIERCART_TEST_DATABASE_URL is not set";
  empty_postgres(url);
  PGconn* connection = PQconnectdb(url);
  ASSERT_EQ(PQstatus(connection), CONNECTION_OK);
  // Both start at once: one migrates, the other finds the schema done.
  std::unique_ptr<ServerProcess> first, second;
  std::thread starter([&] { second = std::make_unique<ServerProcess>(url); });
  first = std::make_unique<ServerProcess>(url);
  starter.join();
  ASSERT_GT(first->port(), 0);
  ASSERT_GT(second->port(), 0);

  // Every webhook goes to both processes at the same moment, as a retry racing the original.
  constexpr int kWebhooks = 60;
  const std::string body = example("orders/orders-create-forged.json");
  std::atomic<int> fresh{0}, duplicates{0}, failures{0};
  auto send = [&](int port, int from, int to) {
    httplib::Client http("127.0.0.1", port);
    for (int i = from; i < to; ++i) {
      const std::string shop = i % 2 ? kShopA : kShopB;
      httplib::Headers headers = {{"X-Shopify-Topic", "orders/create"},
                                  {"X-Shopify-Shop-Domain", shop},
                                  {"X-Shopify-Webhook-Id", "wh-" + std::to_string(i)},
                                  {"X-Shopify-Hmac-Sha256", sign_webhook(body)}};
      auto res = http.Post("/webhooks/orders/create", headers, body, "application/json");
      if (!res || res->status != 200) {
        ++failures;
        continue;
      }
      (parse(res->body)["duplicate"] == true ? duplicates : fresh)++;
    }
  };
  std::vector<std::thread> senders;
  for (int half = 0; half < 2; ++half) {
    senders.emplace_back(send, first->port(), half * kWebhooks / 2, (half + 1) * kWebhooks / 2);
    senders.emplace_back(send, second->port(), half * kWebhooks / 2, (half + 1) * kWebhooks / 2);
  }
  for (auto& sender : senders) sender.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(fresh, kWebhooks);
  EXPECT_EQ(duplicates, kWebhooks);
  PGresult* rows = PQexec(connection, "SELECT COUNT(*), COUNT(DISTINCT webhook_id) FROM verdicts");
  ASSERT_EQ(PQresultStatus(rows), PGRES_TUPLES_OK);
  EXPECT_EQ(std::atoi(PQgetvalue(rows, 0, 0)), kWebhooks);
  EXPECT_EQ(std::atoi(PQgetvalue(rows, 0, 1)), kWebhooks);
  PQclear(rows);
  PQfinish(connection);
}

}  // namespace
}  // namespace tiercart::server::testing
