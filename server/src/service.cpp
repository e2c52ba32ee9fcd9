// The service itself: its store, its routes (each of webhooks.cpp, app_proxy.cpp, admin.cpp,
// metrics.cpp and post_purchase.h handles one group of them), the listener, and the caches
// of programs and of the shop context.
#include "service.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>

#include "compliance.h"
#include "post_purchase.h"
#include "responses.h"

namespace tiercart::server {

using httplib::Request;
using httplib::Response;

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
  auto store = open_store(config.database);
  if (!store) return store.error();
  auto writer_store = open_store(config.database);
  if (!writer_store) return writer_store.error();
  std::unique_ptr<Service> service(
      new Service(std::move(config), std::move(store).value(), std::move(writer_store).value()));
  auto post_purchase = PostPurchase::create(service->config_, *service->store_);
  if (!post_purchase) return post_purchase.error();
  service->post_purchase_ = std::move(post_purchase).value();
  service->post_purchase_->routes(
      *service->http_,
      [s = service.get()](const httplib::Request& req, httplib::Response& res) {
        return s->proxy_allowed(req, res);
      },
      [s = service.get()](const httplib::Request& req, httplib::Response& res) {
        return s->admin_allowed(req, res);
      });
  // The shop context saved by the admin API, if any.
  auto saved = service->store_->get_setting(kContextKey);
  if (!saved) return saved.error();
  if (saved.value()) {
    auto context = parse_shop_context(*saved.value());
    if (!context) return context.error();
    service->context_ = std::make_shared<const Context>(std::move(context).value());
  }
  return service;
}

Service::Service(Config config, std::unique_ptr<Store> store, std::unique_ptr<Store> writer_store)
    : config_(std::move(config)),
      store_(std::move(store)),
      writer_store_(std::move(writer_store)),
      committer_(std::make_unique<GroupCommitter>(*writer_store_, config_.max_batch)),
      http_(std::make_unique<httplib::Server>()),
      context_(std::make_shared<const Context>()) {
  routes();
}

Service::~Service() { stop(); }

void Service::routes() {
  httplib::Server& http = *http_;
  // Without TCP_NODELAY a keep-alive client waits on Nagle + delayed ACK: ~300 requests/s.
  http.set_tcp_nodelay(true);
  http.set_read_timeout(config_.read_timeout_ms / 1000, (config_.read_timeout_ms % 1000) * 1000);
  http.set_write_timeout(config_.write_timeout_ms / 1000, (config_.write_timeout_ms % 1000) * 1000);
  // Whole seconds only (httplib); a request that times out half-read is answered 400 and
  // its connection then waits this long for a next request before it is closed.
  http.set_keep_alive_timeout(std::max(1, config_.keep_alive_timeout_ms / 1000));
  http.set_keep_alive_max_count(100000);
  http.set_payload_max_length(config_.max_body_bytes);
  // httplib listens with a backlog of 5: 64 clients connecting at once would see SYNs
  // dropped and retried a second later. The listening socket is kept here so that start()
  // can raise the backlog (listen() again on a listening socket only updates it).
  http.set_socket_options([this](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (listen_socket_ < 0) listen_socket_ = sock;
  });
  // A keep-alive connection holds a worker for its lifetime, and a webhook's worker waits
  // for its group commit: size the pool for the connections expected, not for the cores.
  const int threads = config_.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };

  http.set_error_handler([](const Request&, Response& res) {
    if (res.body.empty()) {
      send_error(res, res.status, default_error_code(res.status),
                 "HTTP " + std::to_string(res.status) + " for this request");
    }
  });
  http.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    send_error(res, 500, "internal_error", "the server failed on this request");
  });
  http.set_logger([this](const Request&, const Response& res) {
    if (res.status >= 500)
      ++metrics_.responses_5xx;
    else if (res.status >= 400)
      ++metrics_.responses_4xx;
    else
      ++metrics_.responses_2xx;
  });

  // An explicit Handler: httplib's Post/Put also take content-reader handlers, and a bare
  // lambda or bind would be ambiguous between the two.
  auto to = [this](void (Service::*method)(const Request&, Response&)) {
    return httplib::Server::Handler(
        [this, method](const Request& req, Response& res) { (this->*method)(req, res); });
  };
  http.Post("/webhooks/orders/create", to(&Service::webhook));
  http.Post("/webhooks/compliance", to(&Service::compliance_webhook));
  for (const char* topic : kComplianceTopics) {
    http.Post(std::string("/webhooks/") + topic, to(&Service::compliance_webhook));
  }
  http.Post("/apps/tiercart/evaluate", to(&Service::proxy_evaluate));
  http.Post("/apps/tiercart/check", to(&Service::proxy_check));
  http.Post("/admin/programs", to(&Service::create_program));
  http.Get("/admin/programs", to(&Service::list_programs));
  http.Get(R"(/admin/programs/([A-Za-z0-9_.-]{1,64})/versions/(\d{1,18}))",
           to(&Service::get_program));
  http.Post(R"(/admin/programs/([A-Za-z0-9_.-]{1,64})/versions/(\d{1,18})/activate)",
            to(&Service::activate_program));
  http.Put("/admin/context", to(&Service::put_context));
  http.Get("/admin/verdicts", to(&Service::list_verdicts));
  http.Get("/admin/data-requests", to(&Service::list_data_requests));
  http.Get("/metrics", to(&Service::metrics_text));
  http.Get("/healthz", to(&Service::healthz));
}

Result<int> Service::start() {
  if (config_.port == 0) {
    port_ = http_->bind_to_any_port(config_.host);
    if (port_ <= 0) return make_error("bind_failed", "cannot bind " + config_.host);
  } else {
    if (!http_->bind_to_port(config_.host, config_.port)) {
      return make_error("bind_failed",
                        "cannot bind " + config_.host + ":" + std::to_string(config_.port));
    }
    port_ = config_.port;
  }
  if (listen_socket_ >= 0) ::listen(listen_socket_, SOMAXCONN);
  listener_ = std::thread([this] { http_->listen_after_bind(); });
  // stop() is a no-op until the listener runs: wait for it, so stop() always stops.
  while (!http_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return port_;
}

void Service::stop() {
  if (listener_.joinable()) {
    http_->stop();
    listener_.join();
  }
  // The thread pool has finished its requests; the committer drains what is queued.
  committer_.reset();
}

std::shared_ptr<const Program> Service::program(const std::string& id, int64_t version,
                                                bool& storage_failed) {
  const auto key = std::make_pair(id, version);
  {
    std::lock_guard<std::mutex> lock(programs_mutex_);
    if (auto found = programs_.find(key); found != programs_.end()) return found->second;
  }
  auto stored = store_->find_program(id, version);
  if (!stored) {
    storage_failed = true;
    return nullptr;
  }
  if (!stored.value()) return nullptr;  // not cached: it may be created later
  auto parsed = parse_program(stored.value()->document);
  if (!parsed) return nullptr;  // cannot happen: saved programs were parsed first
  auto shared = std::make_shared<const Program>(std::move(parsed).value());
  std::lock_guard<std::mutex> lock(programs_mutex_);
  return programs_.emplace(key, std::move(shared)).first->second;
}

std::shared_ptr<const Context> Service::shop_context() const {
  std::lock_guard<std::mutex> lock(context_mutex_);
  return context_;
}

}  // namespace tiercart::server
