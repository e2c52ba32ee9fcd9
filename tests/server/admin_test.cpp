// The admin API behind the bearer token: program versions (checked on save, immutable,
// activated one at a time), the verdict list (flagged first), /metrics and /healthz.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "test_support.h"

namespace tiercart::server::testing {
namespace {

class Admin : public ::testing::Test {
 protected:
  httplib::Result post(const std::string& path, const std::string& body) {
    return http_->Post(path.c_str(), admin_headers(), body, "application/json");
  }
  httplib::Result get(const std::string& path) { return http_->Get(path.c_str(), admin_headers()); }

  TestServer server_;
  std::unique_ptr<httplib::Client> http_ = server_.client();
};

TEST_F(Admin, RoutesRefuseAMissingOrWrongBearerToken) {
  auto missing = http_->Get(admin_path("/admin/programs"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  EXPECT_EQ(parse(missing->body)["error"]["code"], "unauthorized");
  auto wrong =
      http_->Get(admin_path("/admin/programs"), {{"Authorization", "Bearer not-the-token"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto metrics = http_->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 401);
  auto create = http_->Post(admin_path("/admin/programs"), example("programs/gift-choice.json"),
                            "application/json");
  ASSERT_TRUE(create);
  EXPECT_EQ(create->status, 401);
  EXPECT_EQ(parse(get(admin_path("/admin/programs"))->body)["programs"], Json::array());
}

TEST_F(Admin, SavedProgramVersionIsStoredInactiveAndReadBack) {
  auto created = post(admin_path("/admin/programs"), example("programs/vip-schedule.json"));
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const Json summary = parse(created->body);
  EXPECT_EQ(summary["id"], "vip-schedule");
  EXPECT_EQ(summary["version"], 3);
  EXPECT_EQ(summary["active"], false);
  EXPECT_TRUE(summary["problems"].is_array());

  auto read = get(admin_path("/admin/programs/vip-schedule/versions/3"));
  ASSERT_TRUE(read);
  ASSERT_EQ(read->status, 200);
  EXPECT_EQ(parse(read->body)["program"], example_json("programs/vip-schedule.json"));
  EXPECT_EQ(get(admin_path("/admin/programs/vip-schedule/versions/4"))->status, 404);
}

TEST_F(Admin, AProgramSentWithAByteOrderMarkIsReadBackAsJson) {
  // The core reads past a leading BOM and stops at a NUL byte after the document, as
  // nlohmann does; what the admin API answers must still be one JSON document.
  const std::string program = example("programs/vip-schedule.json");
  auto created =
      post(admin_path("/admin/programs"), "\xEF\xBB\xBF" + program + std::string(1, '\0') + "junk");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  auto read = get(admin_path("/admin/programs/vip-schedule/versions/3"));
  ASSERT_TRUE(read);
  const Json body = Json::parse(read->body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << read->body;
  EXPECT_EQ(body["program"], example_json("programs/vip-schedule.json"));
}

TEST_F(Admin, AProgramVersionCannotBeOverwritten) {
  ASSERT_EQ(post(admin_path("/admin/programs"), example("programs/gift-choice.json"))->status, 201);
  Json changed = example_json("programs/gift-choice.json");
  changed["bars"][0]["tiers"][0]["threshold"] = 1;
  auto again = post(admin_path("/admin/programs"), changed.dump());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(parse(again->body)["error"]["code"], "version_exists");
  EXPECT_EQ(parse(get(admin_path("/admin/programs/gift-choice/versions/1"))->body)["program"],
            example_json("programs/gift-choice.json"));
}

TEST_F(Admin, SavingRunsTheProgramCheckAndRefusesWhatItFindsWrong) {
  Json program = example_json("programs/free-shipping-and-tote.json");
  program["bars"][0]["tiers"][1]["threshold"] = 5000;  // the tote no longer above shipping
  auto refused = post(admin_path("/admin/programs"), program.dump());
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 422);
  const Json body = parse(refused->body);
  EXPECT_EQ(body["error"]["code"], "program_rejected");
  EXPECT_EQ(body["problems"][0]["code"], "overlapping_tiers");
  EXPECT_EQ(parse(get(admin_path("/admin/programs"))->body)["programs"], Json::array());
}

TEST_F(Admin, InvalidProgramDocumentIs400WithItsErrorCode) {
  auto bad = post(admin_path("/admin/programs"), R"({"format": 1, "id": "x"})");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_TRUE(parse(bad->body)["error"]["code"].is_string());
  auto not_json = post(admin_path("/admin/programs"), "{");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);
  EXPECT_EQ(parse(not_json->body)["error"]["code"], "invalid_json");
}

TEST_F(Admin, ActivatingAVersionDeactivatesTheOthers) {
  Json version1 = example_json("programs/gift-choice.json");
  Json version2 = version1;
  version2["version"] = 2;
  ASSERT_EQ(post(admin_path("/admin/programs"), version1.dump())->status, 201);
  ASSERT_EQ(post(admin_path("/admin/programs"), version2.dump())->status, 201);
  ASSERT_EQ(post(admin_path("/admin/programs/gift-choice/versions/1/activate"), "")->status, 200);
  ASSERT_EQ(post(admin_path("/admin/programs/gift-choice/versions/2/activate"), "")->status, 200);
  const Json list = parse(get(admin_path("/admin/programs"))->body)["programs"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["active"], false);
  EXPECT_EQ(list[1]["active"], true);
  EXPECT_EQ(post(admin_path("/admin/programs/gift-choice/versions/9/activate"), "")->status, 404);
}

TEST_F(Admin, VerdictsAreListedFlaggedFirst) {
  server_.install_examples();
  post_webhook(*http_, example("orders/orders-create-earned.json"), "wh-a");
  post_webhook(*http_, example("orders/orders-create-forged.json"), "wh-b");
  post_webhook(*http_, example("orders/orders-create-earned.json"), "wh-c");
  auto res = get(admin_path("/admin/verdicts"));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const Json verdicts = parse(res->body)["verdicts"];
  ASSERT_EQ(verdicts.size(), 3u);
  EXPECT_EQ(verdicts[0]["webhook_id"], "wh-b");
  EXPECT_EQ(verdicts[0]["earned"], false);
  EXPECT_EQ(verdicts[0]["tags"], Json::array({"tiercart-flagged", "tiercart-below_threshold"}));
  EXPECT_EQ(verdicts[1]["earned"], true);

  const Json flagged = parse(get(admin_path("/admin/verdicts?flagged=true"))->body)["verdicts"];
  ASSERT_EQ(flagged.size(), 1u);
  EXPECT_EQ(flagged[0]["order_id"], 6102845562978);
  EXPECT_EQ(parse(get(admin_path("/admin/verdicts?limit=1"))->body)["verdicts"].size(), 1u);
  EXPECT_EQ(get(admin_path("/admin/verdicts?limit=0"))->status, 400);
}

TEST_F(Admin, MetricsAreInPrometheusTextFormat) {
  server_.install_examples();
  post_webhook(*http_, example("orders/orders-create-forged.json"), "wh-m");
  post_webhook(*http_, example("orders/orders-create-forged.json"), "wh-m");
  post_webhook(*http_, example("orders/orders-create-forged.json"), "wh-n", "");
  auto res = get("/metrics");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4");
  const std::string& text = res->body;
  EXPECT_NE(text.find("# TYPE tiercart_webhooks_total counter"), std::string::npos);
  EXPECT_NE(text.find("tiercart_webhooks_total{outcome=\"stored\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("tiercart_webhooks_total{outcome=\"duplicate\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("tiercart_webhooks_total{outcome=\"unauthorized\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("tiercart_verdicts_flagged_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("tiercart_webhook_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
}

TEST_F(Admin, HealthzAnswersWithoutAToken) {
  auto res = http_->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(parse(res->body)["storage"], "sqlite");
}

// A second connection to the server's SQLite file, as another process would hold one.
class RawSqlite {
 public:
  // Waits for the lock as the server's connections do: its outbox takes it for a moment
  // when a write to Shopify is due.
  explicit RawSqlite(const std::string& path) {
    sqlite3_open(path.c_str(), &db_);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawSqlite() { sqlite3_close(db_); }
  bool exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  }

 private:
  sqlite3* db_ = nullptr;
};

TEST_F(Admin, HealthzIs503WhileAWriteWaitsOnTheDatabaseLongerThanTheBound) {
  // Another connection holds the write lock, as a frozen disk would hold an fsync: the
  // webhook's commit waits. /healthz reports it once it has waited longer than the bound
  // (5 s; a probe may ask for a shorter one).
  RawSqlite other(server_.database());
  ASSERT_TRUE(other.exec("BEGIN IMMEDIATE"));
  int webhook_status = 0;
  std::thread webhook([&] {
    auto http = server_.client();
    auto res = post_webhook(*http, example("orders/orders-create-earned.json"), "wh-frozen");
    webhook_status = res ? res->status : -1;
  });
  int status = 0;
  std::string body;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(4);
  do {
    auto health = http_->Get("/healthz?max_commit_ms=1");
    ASSERT_TRUE(health);
    status = health->status;
    body = health->body;
  } while (status == 200 && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(status, 503) << body;
  EXPECT_EQ(parse(body)["error"]["code"], "storage_stalled") << body;

  ASSERT_TRUE(other.exec("ROLLBACK"));
  webhook.join();
  EXPECT_EQ(webhook_status, 200);  // the write went through once the lock was let go
  auto healthy = http_->Get("/healthz?max_commit_ms=1");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->status, 200) << healthy->body;
  EXPECT_EQ(http_->Get("/healthz?max_commit_ms=0")->status, 400);
  EXPECT_EQ(http_->Get("/healthz?max_commit_ms=soon")->status, 400);
}

TEST_F(Admin, StorageFailuresAre503WithoutTheDatabasesOwnWords) {
  // The database's message names tables and columns ("no such table: verdicts"): it goes to
  // the server's log, not to whoever asked.
  RawSqlite other(server_.database());
  ASSERT_TRUE(other.exec("DROP TABLE verdicts; DROP TABLE programs; DROP TABLE data_requests"));
  for (const std::string& path : {admin_path("/admin/verdicts"), admin_path("/admin/programs"),
                                  admin_path("/admin/data-requests")}) {
    auto res = get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503) << path;
    EXPECT_EQ(parse(res->body)["error"]["code"], "storage_unavailable") << path;
    EXPECT_EQ(res->body.find("table"), std::string::npos) << path << ": " << res->body;
    EXPECT_EQ(res->body.find("verdicts:"), std::string::npos) << path << ": " << res->body;
  }
}

// PostgreSQL's own words ("terminating connection due to administrator command") stay in
// the server's log too; the next probe finds the connection re-opened.
TEST(HealthzPostgres, ALostConnectionIs503WithoutTheDriversTextThenRecovers) {
  const char* url = std::getenv("TIERCART_TEST_DATABASE_URL");
  if (!url || !*url) GTEST_SKIP() << "TIERCART_TEST_DATABASE_URL is not set";
  TempDir dir;
  Config config = test_config(dir.path() + "/unused.db");
  config.database = url;
  TestServer server(config);
  auto http = server.client();
  ASSERT_EQ(http->Get("/healthz")->status, 200);
  PGconn* admin = PQconnectdb(url);
  ASSERT_EQ(PQstatus(admin), CONNECTION_OK) << PQerrorMessage(admin);
  PQclear(PQexec(admin,
                 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> "
                 "pg_backend_pid() AND datname = current_database()"));
  PQfinish(admin);
  auto lost = http->Get("/healthz");
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->status, 503);
  EXPECT_EQ(parse(lost->body)["error"]["code"], "storage_unavailable");
  for (const char* driver_words : {"terminat", "server closed", "connection", "FATAL"}) {
    EXPECT_EQ(lost->body.find(driver_words), std::string::npos) << lost->body;
  }
  EXPECT_EQ(http->Get("/healthz")->status, 200);
}

TEST_F(Admin, ContextMustBeAValidContextDocument) {
  auto bad = http_->Put(admin_path("/admin/context"), admin_headers(), R"({"country": 7})",
                        "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_TRUE(parse(bad->body)["error"]["path"].is_string());
}

TEST_F(Admin, AdminBodiesOverOneMebibyteAre413) {
  auto res = post(admin_path("/admin/programs"), std::string(1024 * 1024 + 1, ' '));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(parse(res->body)["error"]["code"], "too_large");
}

TEST(AdminDisabled, WithoutAConfiguredTokenTheAdminApiIs403) {
  TempDir dir;
  Config config = test_config(dir.path() + "/tiercart.db");
  config.admin_token.clear();
  TestServer server(config);
  auto res = server.client()->Get(admin_path("/admin/programs"), {{"Authorization", "Bearer "}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
}

}  // namespace
}  // namespace tiercart::server::testing
