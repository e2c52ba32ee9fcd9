// Shared by the server suites: a real server on 127.0.0.1 (in-process, ephemeral port, a
// fresh SQLite file), signed requests, and the example documents.
#pragma once

#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config.h"
#include "service.h"

namespace tiercart::server::testing {

using Json = nlohmann::json;

constexpr const char* kSecret = "test-app-secret";
constexpr const char* kAdminToken = "test-admin-token";
constexpr const char* kTestApiKey = "test-api-key";  // the app's client id: `aud` of sessions

std::string read_file(const std::string& path);
// A file under examples/.
std::string example(const std::string& relative);
Json example_json(const std::string& relative);
// Parses without exceptions; a discarded value when `text` is not JSON.
Json parse(const std::string& text);

// A fresh temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string sign_webhook(const std::string& body, const std::string& secret = kSecret);
// Adds `signature` for the app proxy to a query string of decoded k=v pairs.
std::string signed_proxy_query(const httplib::Params& params, const std::string& secret = kSecret);

// A server with its own SQLite file, started on a free loopback port.
class TestServer {
 public:
  explicit TestServer(Config config = {});
  ~TestServer();
  Config default_config() const;
  int port() const { return service_->port(); }
  Service& service() { return *service_; }
  std::string database() const { return database_; }
  std::unique_ptr<httplib::Client> client() const;

  // Stores free-shipping-and-tote (version 1, active) and catalog.json through the admin API.
  void install_examples();

 private:
  TempDir dir_;
  std::string database_;
  std::unique_ptr<Service> service_;
};

Config test_config(const std::string& database);

// POSTs an orders/create webhook. An empty `signature` sends none; "auto" signs `body`.
httplib::Result post_webhook(httplib::Client& client, const std::string& body,
                             const std::string& webhook_id, const std::string& signature = "auto");

httplib::Headers admin_headers();
// The shop every test acts for unless it says otherwise.
constexpr const char* kTestShop = "northbound-supply.myshopify.com";
// An admin route as the operator calls it: naming the shop it acts on.
std::string admin_path(const std::string& path, const std::string& shop = kTestShop);

// build/bin/tiercart-server as a child process on `database` (a URL), with the test secret,
// operator token and API key and `extra` flags; its first stdout line gives the port.
class ServerProcess {
 public:
  // `env` adds TIERCART_* variables ("TIERCART_TOKEN_KEY=...").
  explicit ServerProcess(const std::string& database, const std::vector<std::string>& extra = {},
                         const std::vector<std::string>& env = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  // Sends `signal` and waits for the process to end.
  void kill_now(int signal);
  int port() const { return port_; }

 private:
  int pid_ = -1;
  int port_ = 0;
};

// The demo's stand-in for Shopify's Admin GraphQL API and OAuth (demo/admin-api.mjs, run by
// node as a child process) for the test app (kTestApiKey, kSecret), on a free loopback port.
class DemoShopify {
 public:
  DemoShopify();
  ~DemoShopify();
  DemoShopify(const DemoShopify&) = delete;
  DemoShopify& operator=(const DemoShopify&) = delete;
  int port() const { return port_; }
  // Config::shopify_origin for the server: http://127.0.0.1:PORT/store/{shop}.
  std::string origin_template() const;
  // The control endpoint (/__demo/admin-api/...): the answer's JSON, or null on failure.
  Json control(const std::string& method, const std::string& path, const Json& body = nullptr);
  // Registers `token` as `shop`'s access token.
  void add_token(const std::string& shop, const std::string& token);
  // Creates an order (`id` its number) and returns it as the stand-in keeps it.
  Json add_order(const std::string& shop, int64_t id);
  Json order(const std::string& shop, int64_t id);
  void fault(const std::string& shop, const Json& fault);

 private:
  int pid_ = -1;
  int port_ = 0;
  int stdin_ = -1;  // the write end of its stdin
};

// Rows in the verdicts table, read straight from the SQLite file.
int64_t count_verdicts(const std::string& sqlite_path);

}  // namespace tiercart::server::testing
