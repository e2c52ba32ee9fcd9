#include "install.h"

#include <chrono>
#include <cstdio>

#include "jwt.h"
#include "responses.h"
#include "signature.h"

namespace tiercart::server {

using http::Request;
using http::Response;

namespace {

constexpr const char* kStateCookie = "tiercart_oauth_state";
constexpr int64_t kAccessLeadMs = 60 * 1000;  // an access token this close to lapsing is renewed
constexpr auto kRefreshInterval = std::chrono::seconds(60);

// The value of cookie `name` in a Cookie header; empty when absent.
std::string cookie_value(const std::string& header, const std::string& name) {
  std::size_t at = 0;
  while (at < header.size()) {
    while (at < header.size() && (header[at] == ' ' || header[at] == ';')) ++at;
    const std::size_t end = header.find(';', at);
    const std::string pair = header.substr(at, end == std::string::npos ? end : end - at);
    if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Install>> Install::create(const Config& config, Store& store) {
  std::unique_ptr<Install> install(new Install(config, store));
  if (!config.token_key.empty() && !config.api_key.empty()) {
    auto cipher = TokenCipher::from_hex(config.token_key);
    if (!cipher) return cipher.error();
    install->cipher_ = std::make_unique<TokenCipher>(std::move(cipher).value());
    install->oauth_ = std::make_unique<ShopifyOAuth>(config.shopify_origin, config.api_key,
                                                     config.app_secret, 5000);
  }
  install->process_id_ = random_uuid();
  install->worker_ = std::thread([raw = install.get()] { raw->run(); });
  return install;
}

Install::Install(const Config& config, Store& store) : config_(config), store_(store) {}

Install::~Install() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Install::routes(http::Router& router) {
  router.add("GET", "/auth",
             http::Handler([this](const Request& req, Response& res) { begin(req, res); }));
  router.add("GET", "/auth/callback",
             http::Handler([this](const Request& req, Response& res) { callback(req, res); }));
}

bool Install::disabled(Response& res) const {
  if (enabled()) return false;
  send_error(res, 503, "install_disabled",
             "installing needs TIERCART_TOKEN_KEY and TIERCART_API_KEY to be configured");
  return true;
}

bool Install::signed_by_shopify(const Request& req, Response& res) const {
  auto checked = verify_admin_query(req.query, config_.app_secret, now_ms() / 1000);
  if (checked) return true;
  const Error& error = checked.error();
  send_error(res, error.code == "invalid_hmac" ? 401 : 400, error.code, error.message, error.path);
  return false;
}

// GET /auth?shop=...: the start of the code grant. Shopify's install link signs its query
// (hmac, timestamp); a bare ?shop= typed by a merchant carries no signature and is let
// through, since all it can do is send the browser to that shop's own consent page.
void Install::begin(const Request& req, Response& res) {
  if (disabled(res)) return;
  if (req.has_param("hmac") && !signed_by_shopify(req, res)) return;
  const auto shop = shop_hostname(req.get_param_value("shop"));
  if (!shop || req.params.count("shop") != 1) {
    return send_error(res, 400, "invalid_shop", "shop must be a shop's myshopify.com hostname",
                      "shop");
  }
  if (config_.app_url.empty()) {
    return send_error(res, 503, "install_disabled",
                      "the code grant needs the app's URL (TIERCART_APP_URL)");
  }
  const std::string state = random_uuid();
  if (state.empty()) return send_error(res, 503, "unavailable", "no random bytes for a nonce");
  auto stored = store_.add_oauth_state(state, *shop, now_ms());
  if (!stored) return send_storage_error(res, "store a nonce", stored.error());
  // The nonce is also bound to this browser: a callback carrying a nonce issued to someone
  // else (a link planted by an attacker) is refused.
  const bool secure = config_.app_url.rfind("https://", 0) == 0;
  res.set_header("Set-Cookie", std::string(kStateCookie) + "=" + state +
                                   "; Path=/auth; Max-Age=600; HttpOnly; SameSite=Lax" +
                                   (secure ? "; Secure" : ""));
  res.status = 302;
  res.set_header("Location",
                 authorize_url(shop_admin_origin(config_.shopify_origin, *shop), config_.api_key,
                               config_.scopes, config_.app_url + "/auth/callback", state));
  res.set_content("", "text/plain");
}

void Install::callback(const Request& req, Response& res) {
  if (disabled(res) || !signed_by_shopify(req, res)) return;
  const auto shop = shop_hostname(req.get_param_value("shop"));
  const std::string state = req.get_param_value("state");
  const std::string code = req.get_param_value("code");
  if (!shop) return send_error(res, 400, "invalid_shop", "shop is not a shop hostname", "shop");
  if (code.empty() || code.size() > 512) {
    return send_error(res, 400, "missing_code", "the callback carries no code", "code");
  }
  if (state.empty() || state.size() > 128 ||
      cookie_value(req.get_header_value("Cookie"), kStateCookie) != state) {
    return send_error(res, 403, "invalid_state",
                      "the state does not match the one this browser was given", "state");
  }
  // Consumed whatever follows: a nonce is good for one callback.
  auto consumed = store_.consume_oauth_state(state, *shop, now_ms() - kStateTtlMs);
  if (!consumed) return send_storage_error(res, "check the nonce", consumed.error());
  if (!consumed.value()) {
    return send_error(res, 403, "invalid_state",
                      "the state was never issued for this shop, is used or expired", "state");
  }
  auto token = oauth_->exchange_code(*shop, code);
  if (!token) {
    std::fprintf(stderr, "tiercart-server: code exchange for %s failed: %s\n", shop->c_str(),
                 token.error().code.c_str());
    return send_error(res, 502, "token_exchange_failed",
                      "Shopify did not exchange the code: " + token.error().code);
  }
  auto saved = save(*shop, token.value(), now_ms());
  if (!saved) return send_storage_error(res, "store the token", saved.error());
  // Into the app, inside the shop's admin.
  res.status = 302;
  res.set_header("Set-Cookie", std::string(kStateCookie) + "=; Path=/auth; Max-Age=0");
  res.set_header("Location", shop_admin_origin(config_.shopify_origin, *shop) + "/admin/apps/" +
                                 config_.api_key);
  res.set_content("", "text/plain");
}

Status Install::save(const std::string& shop, const AccessToken& token, int64_t now) {
  ShopRecord record;
  record.shop = shop;
  record.access_token = cipher_->seal(token.access_token, shop);
  if (!token.refresh_token.empty()) record.refresh_token = cipher_->seal(token.refresh_token, shop);
  // seal() is empty only when OpenSSL has no randomness: nothing is stored then.
  if (record.access_token.empty() ||
      (!token.refresh_token.empty() && record.refresh_token.empty())) {
    return make_error("unavailable", "no random bytes to seal a token");
  }
  record.scope = token.scope;
  record.access_expires_at = token.expires_at_ms;
  record.refresh_expires_at = token.refresh_expires_at_ms;
  record.updated_at = now;
  auto saved = store_.save_tokens(record);
  if (!saved) return saved;
  bool first;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    first = installed_.insert(shop).second;
  }
  if (first && installed_hook_) installed_hook_(shop);
  return true;
}

template <typename Work>
Result<bool> Install::with_lease(const std::string& shop, int64_t wait_ms, Work work) {
  // A fresh owner per holding: two threads of this process never share one lease.
  const std::string owner = process_id_ + "/" + random_uuid();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  for (;;) {
    const int64_t now = now_ms();
    auto taken = store_.take_token_lease(shop, owner, now, now + kLeaseMs);
    if (!taken) return taken.error();
    if (taken.value()) break;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    // Another process holds it: it is exchanging or refreshing right now.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Status done = work();
  store_.release_token_lease(shop, owner);
  if (!done) return done.error();
  return true;
}

Status Install::exchange(const std::string& shop, const std::string& session_token) {
  auto held = with_lease(shop, 0, [&]() -> Status {
    auto record = store_.find_shop(shop);
    if (!record) return record.error();
    // Another process (or an earlier session) installed it meanwhile.
    if (record.value() && !record.value()->access_token.empty()) return true;
    auto token = oauth_->exchange_session_token(shop, session_token);
    if (!token) {
      store_.set_shop_error(shop, token.error().code, now_ms());
      return token.error();
    }
    return save(shop, token.value(), now_ms());
  });
  if (!held) return held.error();
  return true;
}

Status Install::refresh(const std::string& shop, int64_t now, bool& refreshed) {
  auto held = with_lease(shop, 10000, [&]() -> Status {
    // Read again under the lease: the holder before us may have refreshed it already.
    auto record = store_.find_shop(shop);
    if (!record) return record.error();
    if (!record.value() || record.value()->refresh_token.empty()) return true;
    const ShopRecord& r = *record.value();
    if (r.access_expires_at == 0 || r.access_expires_at > now + kRefreshAheadMs) return true;
    auto refresh_token = cipher_->open(r.refresh_token, shop);
    if (!refresh_token) return refresh_token.error();
    auto token = oauth_->refresh(shop, refresh_token.value());
    if (!token) {
      store_.set_shop_error(shop, token.error().code, now_ms());
      return token.error();
    }
    refreshed = true;
    return save(shop, token.value(), now_ms());
  });
  if (!held) return held.error();
  if (!held.value()) return make_error("token_busy", "another process is renewing this token");
  return true;
}

void Install::session_seen(const std::string& shop, const std::string& session_token) {
  bool first_time = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    first_time = seen_.insert(shop).second;
  }
  // Recorded once per process (the insert is a no-op for a shop already known), so the
  // admin shows the shop as pending from its first visit.
  if (first_time) store_.note_shop(shop, now_ms());
  if (!enabled()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (installed_.count(shop) || queued_.count(shop)) return;
    // A shop whose exchange just failed waits before Shopify is asked again: a merchant's
    // every click must not become a request to a Shopify that is down.
    auto failed = failed_at_.find(shop);
    if (failed != failed_at_.end() && now_ms() - failed->second < kRetryPauseMs) return;
    queued_.insert(shop);
    exchanges_.emplace_back(shop, session_token);
  }
  wake_.notify_all();
}

Result<bool> Install::uninstalled(const std::string& shop) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    installed_.erase(shop);
  }
  return store_.uninstall_shop(shop, now_ms());
}

Result<std::string> Install::access_token(const std::string& shop) {
  if (!enabled()) return make_error("install_disabled", "no token key or API key is configured");
  auto record = store_.find_shop(shop);
  if (!record) return record.error();
  if (!record.value() || record.value()->access_token.empty()) {
    return make_error("not_installed", "the app holds no access token for " + shop);
  }
  const int64_t now = now_ms();
  if (record.value()->access_expires_at != 0 &&
      record.value()->access_expires_at <= now + kAccessLeadMs) {
    bool refreshed = false;
    auto done = refresh(shop, now + kRefreshAheadMs, refreshed);
    if (!done) return done.error();
    record = store_.find_shop(shop);
    if (!record) return record.error();
    if (!record.value() || record.value()->access_token.empty()) {
      return make_error("not_installed", "the app holds no access token for " + shop);
    }
  }
  return cipher_->open(record.value()->access_token, shop);
}

int Install::refresh_due(int64_t now) {
  if (!enabled()) return 0;
  auto due = store_.shops_to_refresh(now + kRefreshAheadMs, 100);
  if (!due) return 0;
  int count = 0;
  for (const auto& shop : due.value()) {
    bool refreshed = false;
    auto done = refresh(shop, now, refreshed);
    if (!done) {
      std::fprintf(stderr, "tiercart-server: token refresh for %s failed: %s\n", shop.c_str(),
                   done.error().code.c_str());
    }
    if (refreshed) ++count;
  }
  return count;
}

void Install::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [&] { return exchanges_.empty() && !busy_; });
}

void Install::run() {
  auto next_refresh = std::chrono::steady_clock::now() + kRefreshInterval;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait_until(lock, next_refresh, [&] { return stopping_ || !exchanges_.empty(); });
    if (stopping_) return;
    if (!exchanges_.empty()) {
      auto [shop, session_token] = std::move(exchanges_.front());
      exchanges_.pop_front();
      busy_ = true;
      lock.unlock();
      auto done = exchange(shop, session_token);
      if (!done) {
        std::fprintf(stderr, "tiercart-server: token exchange for %s failed: %s\n", shop.c_str(),
                     done.error().code.c_str());
      }
      lock.lock();
      queued_.erase(shop);
      busy_ = false;
      if (exchanges_.empty()) idle_.notify_all();
      continue;
    }
    if (std::chrono::steady_clock::now() >= next_refresh) {
      lock.unlock();
      refresh_due(now_ms());
      lock.lock();
      next_refresh = std::chrono::steady_clock::now() + kRefreshInterval;
    }
  }
}

}  // namespace tiercart::server
