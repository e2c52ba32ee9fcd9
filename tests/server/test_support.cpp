#include "test_support.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "signature.h"

namespace tiercart::server::testing {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string example(const std::string& relative) {
  return read_file(std::string(TIERCART_SOURCE_DIR) + "/examples/" + relative);
}

Json example_json(const std::string& relative) { return parse(example(relative)); }

Json parse(const std::string& text) { return Json::parse(text, nullptr, false); }

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "tiercart-server-test-XXXXXX").string();
  path_ = mkdtemp(pattern.data());
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string sign_webhook(const std::string& body, const std::string& secret) {
  return base64(hmac_sha256(secret, body));
}

std::string signed_proxy_query(const httplib::Params& params, const std::string& secret) {
  const std::string signature = hex(hmac_sha256(secret, proxy_message(params)));
  std::string query;
  for (const auto& [key, value] : params) {
    query += (query.empty() ? "" : "&") + key + "=" + httplib::detail::encode_query_param(value);
  }
  return query + "&signature=" + signature;
}

Config test_config(const std::string& database) {
  Config config;
  config.port = 0;
  config.database = database;
  config.app_secret = kSecret;
  config.admin_token = kAdminToken;
  config.threads = 64;
  return config;
}

TestServer::TestServer(Config config) : database_(dir_.path() + "/tiercart.db") {
  if (config.app_secret.empty()) config = test_config(database_);
  if (config.database.empty() || config.database == Config{}.database) {
    config.database = database_;
  }
  auto service = Service::create(config);
  if (!service) {
    ADD_FAILURE() << "cannot create the service: " << service.error().message;
    std::abort();
  }
  service_ = std::move(service).value();
  auto port = service_->start();
  if (!port) {
    ADD_FAILURE() << "cannot start the service: " << port.error().message;
    std::abort();
  }
}

TestServer::~TestServer() { service_->stop(); }

Config TestServer::default_config() const { return test_config(database_); }

std::unique_ptr<httplib::Client> TestServer::client() const {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port());
  client->set_connection_timeout(5);
  client->set_read_timeout(10);
  client->set_write_timeout(10);
  return client;
}

std::string admin_path(const std::string& path, const std::string& shop) {
  return path + (path.find('?') == std::string::npos ? "?shop=" : "&shop=") + shop;
}

httplib::Headers admin_headers() {
  return {{"Authorization", std::string("Bearer ") + kAdminToken}};
}

void TestServer::install_examples() {
  auto http = client();
  auto context = http->Put(admin_path("/admin/context"), admin_headers(), example("contexts/catalog.json"),
                           "application/json");
  ASSERT_TRUE(context);
  ASSERT_EQ(context->status, 200) << context->body;
  auto created = http->Post(admin_path("/admin/programs"), admin_headers(),
                            example("programs/free-shipping-and-tote.json"), "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  auto activated = http->Post(admin_path("/admin/programs/free-shipping-and-tote/versions/1/activate"),
                              admin_headers(), "", "application/json");
  ASSERT_TRUE(activated);
  ASSERT_EQ(activated->status, 200) << activated->body;
}

httplib::Result post_webhook(httplib::Client& client, const std::string& body,
                             const std::string& webhook_id, const std::string& signature) {
  httplib::Headers headers = {{"X-Shopify-Topic", "orders/create"},
                              {"X-Shopify-Shop-Domain", "northbound-supply.myshopify.com"},
                              {"X-Shopify-API-Version", "2025-01"}};
  if (!webhook_id.empty()) headers.emplace("X-Shopify-Webhook-Id", webhook_id);
  if (signature == "auto") {
    headers.emplace("X-Shopify-Hmac-Sha256", sign_webhook(body));
  } else if (!signature.empty()) {
    headers.emplace("X-Shopify-Hmac-Sha256", signature);
  }
  return client.Post("/webhooks/orders/create", headers, body, "application/json");
}

int64_t count_verdicts(const std::string& sqlite_path) {
  sqlite3* db = nullptr;
  int64_t count = -1;
  if (sqlite3_open_v2(sqlite_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM verdicts", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      count = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return count;
}

}  // namespace tiercart::server::testing
