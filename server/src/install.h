// Installing the app on a shop and keeping its access token (docs/server.md, "Install and
// tokens"). Two ways in, as SHOPIFY.md section 8 gives them:
// - Shopify managed installation: the merchant opens the embedded app, its session token is
//   exchanged for an expiring offline access token (token exchange), in the background, so
//   that a slow or absent Shopify never holds up the admin;
// - the authorization code grant, for installs from outside the admin: GET /auth?shop=...
//   redirects to Shopify's consent page, GET /auth/callback checks the signed query and the
//   `state` nonce, and exchanges the code.
// Tokens are sealed (AES-256-GCM, token_crypt.h) before they are stored. Work on one shop's
// tokens (exchange, refresh) holds a lease in the store, so that of several server processes
// sharing one database only one refreshes a shop at a time: a refresh rotates the refresh
// token, and two at once would leave one process with a token Shopify no longer honours.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "config.h"
#include "http.h"
#include "oauth.h"
#include "store.h"
#include "token_crypt.h"

namespace tiercart::server {

class Install {
 public:
  // `store` outlives this object. Without a token key or an API key the server runs, but
  // cannot install on any shop (routes answer 503 install_disabled).
  static Result<std::unique_ptr<Install>> create(const Config& config, Store& store);
  ~Install();
  Install(const Install&) = delete;
  Install& operator=(const Install&) = delete;

  void routes(http::Router& router);

  // A valid session token of `shop` was seen: the shop is recorded, and when it holds no
  // access token the session token is exchanged for one on the background thread.
  void session_seen(const std::string& shop, const std::string& session_token);
  // app/uninstalled: the shop's tokens are deleted (it can arrive twice, and after the token
  // is dead); false when the shop was never recorded.
  Result<bool> uninstalled(const std::string& shop);
  // The shop's access token, refreshed first when it lapses within a minute. Errors:
  // not_installed, install_disabled, token_unreadable, and Shopify's (oauth.h).
  Result<std::string> access_token(const std::string& shop);
  // Refreshes every token that lapses within kRefreshAheadMs of `now` (Unix ms); the number
  // refreshed. The background thread runs it each refresh interval.
  int refresh_due(int64_t now);
  // Blocks until the background thread has nothing queued (tests).
  void drain();

  bool enabled() const { return cipher_ != nullptr; }
  // Called (on the thread that saved the token) when a shop's token is first saved by this
  // process: the shop is installed, its theme settings can be read.
  void on_installed(std::function<void(const std::string& shop)> hook) {
    installed_hook_ = std::move(hook);
  }

  static constexpr int64_t kRefreshAheadMs = 5 * 60 * 1000;
  // How long a `state` nonce of the code grant stays good: the merchant reads a consent page.
  static constexpr int64_t kStateTtlMs = 10 * 60 * 1000;
  static constexpr int64_t kLeaseMs = 30 * 1000;
  static constexpr int64_t kRetryPauseMs = 1000;

 private:
  Install(const Config& config, Store& store);
  void begin(const http::Request& req, http::Response& res);
  void callback(const http::Request& req, http::Response& res);
  bool disabled(http::Response& res) const;
  // The query's hmac and timestamp checked (oauth.h); false when answered 401 or 400.
  bool signed_by_shopify(const http::Request& req, http::Response& res) const;

  // Runs `work` holding the shop's token lease; false when another holder kept it for
  // `wait_ms`. The lease is released whatever `work` returns.
  template <typename Work>
  Result<bool> with_lease(const std::string& shop, int64_t wait_ms, Work work);
  Status exchange(const std::string& shop, const std::string& session_token);
  Status refresh(const std::string& shop, int64_t now, bool& refreshed);
  Status save(const std::string& shop, const AccessToken& token, int64_t now);
  void run();

  const Config& config_;
  Store& store_;
  std::unique_ptr<TokenCipher> cipher_;
  std::unique_ptr<ShopifyOAuth> oauth_;
  std::string process_id_;  // names this process's leases

  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<std::pair<std::string, std::string>> exchanges_;  // (shop, session token)
  std::set<std::string> queued_;                               // shops in exchanges_, each once
  std::set<std::string> installed_;           // shops seen with a token: no store read per session
  std::set<std::string> seen_;                // shops recorded by this process
  std::map<std::string, int64_t> failed_at_;  // shop -> when its last exchange failed (Unix ms)
  bool busy_ = false;
  bool stopping_ = false;
  std::function<void(const std::string&)> installed_hook_;
  std::thread worker_;
};

}  // namespace tiercart::server
