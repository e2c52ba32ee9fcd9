#include "test_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "signature.h"

extern char** environ;

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
  config.api_key = kTestApiKey;
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

ServerProcess::ServerProcess(const std::string& database, const std::vector<std::string>& extra,
                             const std::vector<std::string>& extra_env) {
  int out[2];
  if (pipe(out) != 0) std::abort();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::vector<std::string> env_strings = {std::string("TIERCART_APP_SECRET=") + kSecret,
                                          std::string("TIERCART_ADMIN_TOKEN=") + kAdminToken,
                                          std::string("TIERCART_API_KEY=") + kTestApiKey};
  for (char** e = environ; *e; ++e) {
    if (std::string(*e).rfind("TIERCART_", 0) != 0) env_strings.push_back(*e);
  }
  env_strings.insert(env_strings.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> env;
  for (auto& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);
  std::vector<std::string> args = {
      TIERCART_SERVER_BINARY, "--port", "0", "--database", database, "--threads", "32"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env.data()) != 0) std::abort();
  pid_ = pid;
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  FILE* lines = fdopen(out[0], "r");
  char line[256] = {};
  if (std::fgets(line, sizeof line, lines)) {
    const char* colon = std::strrchr(line, ':');
    if (colon) port_ = std::atoi(colon + 1);
  }
  std::fclose(lines);
}

ServerProcess::~ServerProcess() { kill_now(SIGTERM); }

void ServerProcess::kill_now(int signal) {
  if (pid_ <= 0) return;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

DemoShopify::DemoShopify() {
  int out[2], in[2];
  if (pipe(out) != 0 || pipe2(in, O_CLOEXEC) != 0) std::abort();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  // Its stdin is a pipe only this process writes: however this process ends, the pipe
  // closes and the stand-in (--exit-with-stdin) ends too.
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  std::vector<std::string> args = {"node",
                                   std::string(TIERCART_SOURCE_DIR) + "/demo/admin-api.mjs",
                                   "--port",
                                   "0",
                                   "--client-id",
                                   kTestApiKey,
                                   "--client-secret",
                                   kSecret,
                                   "--exit-with-stdin"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, "node", &actions, nullptr, argv.data(), environ) != 0) std::abort();
  pid_ = pid;
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(in[0]);
  stdin_ = in[1];
  FILE* lines = fdopen(out[0], "r");
  char line[256] = {};
  // "listening on http://127.0.0.1:PORT"
  if (std::fgets(line, sizeof line, lines)) {
    const char* colon = std::strrchr(line, ':');
    if (colon) port_ = std::atoi(colon + 1);
  }
  std::fclose(lines);
}

DemoShopify::~DemoShopify() {
  if (stdin_ >= 0) close(stdin_);
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
}

std::string DemoShopify::origin_template() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/store/{shop}";
}

Json DemoShopify::control(const std::string& method, const std::string& path, const Json& body) {
  httplib::Client http("127.0.0.1", port_);
  http.set_read_timeout(10);
  const std::string full = "/__demo/admin-api/" + path;
  httplib::Result res = method == "GET"      ? http.Get(full)
                        : method == "DELETE" ? http.Delete(full)
                                             : http.Post(full, body.is_null() ? "{}" : body.dump(),
                                                         "application/json");
  if (!res || res->status >= 300) {
    ADD_FAILURE() << method << " " << full << ": " << (res ? res->body : "no answer");
    return nullptr;
  }
  return Json::parse(res->body, nullptr, false);
}

void DemoShopify::add_token(const std::string& shop, const std::string& token) {
  control("POST", "tokens", {{"shop", shop}, {"access_token", token}});
}

Json DemoShopify::add_order(const std::string& shop, int64_t id) {
  return control("POST", "shops/" + shop + "/orders",
                 {{"id", id}, {"line_items", {{{"variant_id", 2001}, {"quantity", 1}}}}});
}

Json DemoShopify::order(const std::string& shop, int64_t id) {
  return control("GET", "shops/" + shop + "/orders/" + std::to_string(id));
}

void DemoShopify::fault(const std::string& shop, const Json& fault) {
  control("POST", "shops/" + shop + "/faults", fault);
}

std::string admin_path(const std::string& path, const std::string& shop) {
  return path + (path.find('?') == std::string::npos ? "?shop=" : "&shop=") + shop;
}

httplib::Headers admin_headers() {
  return {{"Authorization", std::string("Bearer ") + kAdminToken}};
}

void TestServer::install_examples() {
  auto http = client();
  auto context = http->Put(admin_path("/admin/context"), admin_headers(),
                           example("contexts/catalog.json"), "application/json");
  ASSERT_TRUE(context);
  ASSERT_EQ(context->status, 200) << context->body;
  auto created = http->Post(admin_path("/admin/programs"), admin_headers(),
                            example("programs/free-shipping-and-tote.json"), "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  auto activated =
      http->Post(admin_path("/admin/programs/free-shipping-and-tote/versions/1/activate"),
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
