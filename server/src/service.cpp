// The service itself: its store, its routes (each of webhooks.cpp, app_proxy.cpp, admin.cpp,
// metrics.cpp and post_purchase.h handles one group of them), the listener, and the caches
// of programs and of the shop context.
#include "service.h"

#include <algorithm>
#include <chrono>

#include "admin_page.h"
#include "compliance.h"
#include "install.h"
#include "post_purchase.h"
#include "responses.h"

namespace tiercart::server {

using http::Request;
using http::Response;

namespace {

const char* default_error_code(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 408:
      return "timeout";
    case 413:
      return "too_large";
    case 414:
      return "uri_too_long";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "internal_error" : "http_error";
  }
}

}  // namespace

Result<Context> parse_shop_context(std::string_view document) {
  auto context = parse_context(document);
  if (!context) return context.error();
  Context shop = std::move(context).value();
  // What an order says of itself (time, country, customer tags, currency) must come from
  // the order, so the shop context leaves those open.
  shop.now.reset();
  shop.country.clear();
  shop.customer_tags.clear();
  shop.presentment_currency.clear();
  return shop;
}

Result<std::unique_ptr<Service>> Service::create(Config config) {
  OpenOptions options;
  options.legacy_shop = config.legacy_shop;
  auto store = open_store(config.database, options);
  if (!store) return store.error();
  auto writer_store = open_store(config.database, options);
  if (!writer_store) return writer_store.error();
  std::unique_ptr<Service> service(
      new Service(std::move(config), std::move(store).value(), std::move(writer_store).value()));
  auto post_purchase = PostPurchase::create(service->config_, *service->store_);
  if (!post_purchase) return post_purchase.error();
  service->post_purchase_ = std::move(post_purchase).value();
  service->post_purchase_->routes(
      service->router_,
      [s = service.get()](const http::Request& req, http::Response& res) {
        return s->proxy_shop(req, res);
      },
      [s = service.get()](const http::Request& req, http::Response& res) {
        return s->admin_shop(req, res);
      });
  auto install = Install::create(service->config_, *service->store_);
  if (!install) return install.error();
  service->install_ = std::move(install).value();
  service->install_->routes(service->router_);
  AdminApiOptions api;
  api.origin_template = service->config_.shopify_origin;
  api.api_version = service->config_.api_version;
  api.timeout_ms = service->config_.admin_api_timeout_ms;
  service->admin_api_ = std::make_unique<AdminApi>(api);
  OutboxOptions outbox;
  outbox.lease_ms = service->config_.outbox_lease_ms;
  Install* installer = service->install_.get();
  service->outbox_ = std::make_unique<Outbox>(
      *service->store_, *service->admin_api_,
      [installer](const std::string& shop) { return installer->access_token(shop); }, outbox);
  service->theme_sync_ = std::make_unique<ThemeSync>(
      service->config_, *service->store_, *service->admin_api_, *service->outbox_,
      [installer](const std::string& shop) { return installer->access_token(shop); });
  ThemeSync* sync = service->theme_sync_.get();
  installer->on_installed([sync](const std::string& shop) { sync->request(shop, true); });
  return service;
}

Service::Service(Config config, std::unique_ptr<Store> store, std::unique_ptr<Store> writer_store)
    : config_(std::move(config)),
      store_(std::move(store)),
      writer_store_(std::move(writer_store)),
      committer_(std::make_unique<GroupCommitter>(*writer_store_, config_.max_batch)) {
  routes();
}

Service::~Service() { stop(); }

void Service::routes() {
  http::Router& router = router_;
  auto to = [this](void (Service::*method)(const Request&, Response&)) {
    return http::Handler(
        [this, method](const Request& req, Response& res) { (this->*method)(req, res); });
  };
  router.add("POST", "/webhooks/orders/create", to(&Service::webhook));
  router.add("POST", "/webhooks/compliance", to(&Service::compliance_webhook));
  router.add("POST", "/webhooks/app/uninstalled", to(&Service::uninstalled_webhook));
  router.add("POST", "/webhooks/shop/update", to(&Service::shop_update_webhook));
  for (const char* topic : {"refunds/create", "orders/updated", "orders/cancelled"}) {
    router.add("POST", std::string("/webhooks/") + topic, to(&Service::adjustment_webhook));
  }
  for (const char* topic : kComplianceTopics) {
    router.add("POST", std::string("/webhooks/") + topic, to(&Service::compliance_webhook));
  }
  router.add("POST", "/apps/tiercart/evaluate", to(&Service::proxy_evaluate));
  router.add("POST", "/apps/tiercart/check", to(&Service::proxy_check));
  router.add("POST", "/apps/tiercart/sync", to(&Service::proxy_sync));
  router.add("POST", "/admin/programs", to(&Service::create_program));
  router.add("GET", "/admin/programs", to(&Service::list_programs));
  router.add("GET", R"(/admin/programs/([A-Za-z0-9_.-]{1,64})/versions/(\d{1,18}))",
             to(&Service::get_program));
  router.add("POST", R"(/admin/programs/([A-Za-z0-9_.-]{1,64})/versions/(\d{1,18})/activate)",
             to(&Service::activate_program));
  router.add("PUT", "/admin/context", to(&Service::put_context));
  router.add("GET", "/admin/verdicts", to(&Service::list_verdicts));
  router.add("GET", "/admin/analytics", to(&Service::analytics));
  router.add("POST", "/admin/what-if", to(&Service::what_if));
  router.add("POST", "/admin/experiments", to(&Service::start_experiment));
  router.add("POST", "/admin/experiments/end", to(&Service::end_experiment));
  router.add("GET", "/admin/data-requests", to(&Service::list_data_requests));
  router.add("GET", "/admin/shop", to(&Service::shop_state));
  router.add("GET", "/admin/outbox", to(&Service::list_writes));
  router.add("POST", R"(/admin/outbox/(\d{1,18})/retry)", to(&Service::retry_write));
  router.add("GET", "/metrics", to(&Service::metrics_text));
  router.add("GET", "/healthz", to(&Service::healthz));
  add_admin_page_routes(router, config_);
}

Result<int> Service::start() {
  http::Limits limits;
  limits.max_body_bytes = config_.max_body_bytes;
  limits.large_bodies["/admin/what-if"] = config_.max_what_if_bytes;
  limits.header_timeout_ms = config_.header_timeout_ms;
  limits.body_timeout_ms = config_.read_timeout_ms;
  limits.keep_alive_timeout_ms = config_.keep_alive_timeout_ms;
  limits.write_timeout_ms = config_.write_timeout_ms;
  limits.max_connections = config_.max_connections;
  limits.max_connections_per_address = config_.max_connections_per_address;
  limits.io_threads = config_.io_threads;
  limits.handler_threads = config_.threads;
  http::Observer observer;
  observer.answered = [this](int status) {
    if (status >= 500)
      ++metrics_.responses_5xx;
    else if (status >= 400)
      ++metrics_.responses_4xx;
    else
      ++metrics_.responses_2xx;
  };
  observer.connection_refused = [this] { ++metrics_.connections_refused; };
  observer.refuse = [](std::string_view path, Response& res, const char* code,
                       const std::string& message) {
    send_error(res, res.status, code ? code : default_error_code(res.status), message);
    for (const auto& [name, value] : extension_cors_headers(path)) res.set_header(name, value);
  };
  http_ = std::make_unique<http::Server>(limits, std::move(router_), std::move(observer));
  auto bound = http_->start(config_.host, config_.port);
  if (!bound) return bound.error();
  port_ = bound.value();
  outbox_->start();
  theme_sync_->start();
  return port_;
}

void Service::stop() {
  // The handlers have finished their requests; the committer drains what is queued.
  if (http_) http_->stop();
  committer_.reset();
  // A delivery waiting on Shopify ends now; its write is settled or left to its lease.
  if (admin_api_) admin_api_->stop();
  if (theme_sync_) theme_sync_->stop();
  if (outbox_) outbox_->stop();
  install_.reset();
}

std::size_t Service::open_connections() const { return http_ ? http_->open_connections() : 0; }

std::shared_ptr<const Program> Service::program(const std::string& shop, const std::string& id,
                                                int64_t version, bool& storage_failed) {
  auto key = std::make_tuple(shop, id, version);
  {
    std::lock_guard<std::mutex> lock(programs_mutex_);
    if (auto found = programs_.find(key); found != programs_.end()) return found->second;
  }
  auto stored = store_->find_program(shop, id, version);
  if (!stored) {
    storage_failed = true;
    return nullptr;
  }
  if (!stored.value()) return nullptr;  // not cached: it may be created later
  auto parsed = parse_program(stored.value()->document);
  if (!parsed) return nullptr;  // cannot happen: saved programs were parsed first
  auto shared = std::make_shared<const Program>(std::move(parsed).value());
  std::lock_guard<std::mutex> lock(programs_mutex_);
  return programs_.emplace(std::move(key), std::move(shared)).first->second;
}

std::shared_ptr<const Context> Service::shop_context(const std::string& shop,
                                                     bool& storage_failed) {
  const int64_t now = steady_ms();
  {
    std::lock_guard<std::mutex> lock(contexts_mutex_);
    auto found = contexts_.find(shop);
    if (found != contexts_.end() && now - found->second.loaded_at < kContextTtlMs) {
      return found->second.context;
    }
  }
  auto saved = store_->get_setting(shop, kContextKey);
  if (!saved) {
    storage_failed = true;
    return nullptr;
  }
  auto context = std::make_shared<const Context>();
  if (saved.value()) {
    // Saved through PUT /admin/context, which read it first; one this core no longer reads
    // is left out (an empty context) rather than failing every webhook of the shop.
    auto parsed = parse_shop_context(*saved.value());
    if (parsed) context = std::make_shared<const Context>(std::move(parsed).value());
  }
  std::lock_guard<std::mutex> lock(contexts_mutex_);
  contexts_[shop] = CachedContext{context, now};
  return context;
}

}  // namespace tiercart::server
