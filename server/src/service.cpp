#include "service.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "compliance.h"
#include "judge.h"
#include "post_purchase.h"
#include "responses.h"
#include "signature.h"

namespace tiercart::server {
namespace {

using httplib::Request;
using httplib::Response;

constexpr std::size_t kMaxWebhookIdBytes = 256;

void send_core_error(Response& res, int status, const Error& error) {
  send_error(res, status, error.code, error.message, error.path);
}

// `?limit=` of the admin lists: 1..1000, `limit` unchanged when absent; false when answered 400.
bool read_limit(const Request& req, Response& res, int& limit) {
  if (!req.has_param("limit")) return true;
  const std::string text = req.get_param_value("limit");
  if (text.empty() || text.size() > 4 ||
      text.find_first_not_of("0123456789") != std::string::npos || std::stoi(text) < 1 ||
      std::stoi(text) > 1000) {
    send_error(res, 400, "invalid_value", "limit must be 1..1000", "limit");
    return false;
  }
  limit = std::stoi(text);
  return true;
}

Json program_summary(const ProgramRecord& program) {
  return {{"id", program.id},
          {"version", program.version},
          {"active", program.active},
          {"created_at", program.created_at}};
}

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

void Metrics::observe_latency(double seconds) {
  int bucket = 0;
  while (bucket < kBucketCount && seconds > kBuckets[bucket]) ++bucket;
  ++latency_buckets[bucket];
  ++latency_count;
  latency_sum_us += static_cast<uint64_t>(seconds * 1e6);
}

Result<ShopContext> parse_shop_context(std::string_view document) {
  auto context = parse_context(document);
  if (!context) return context.error();
  ShopContext shop;
  shop.context = std::move(context).value();
  // What an order says of itself (time, country, customer tags, currency) must come from
  // the order, so the shop context leaves those open.
  shop.context.now.reset();
  shop.context.country.clear();
  shop.context.customer_tags.clear();
  shop.context.presentment_currency.clear();

  // parse_context has accepted the document, so it is JSON within the core's limits.
  const Json doc = Json::parse(document, nullptr, false);
  const auto rates = doc.is_object() ? doc.find("rates") : doc.end();
  if (!doc.is_object() || rates == doc.end() || rates->is_null()) return shop;
  if (!rates->is_object()) {
    return make_error("invalid_type", "context: rates must be an object", "$.rates");
  }
  if (shop.context.shop_currency.empty() && !rates->empty()) {
    return make_error("missing_field", "context: rates need the shop_currency they convert from",
                      "$.shop_currency");
  }
  for (const auto& [code, value] : rates->items()) {
    const std::string path = "$.rates." + code;
    if (!minor_units(code) || code == shop.context.shop_currency) {
      return make_error("unknown_currency",
                        "context: rates: not a presentment currency: " + code.substr(0, 16), path);
    }
    if (!value.is_string()) return make_error("invalid_type", "context: a rate is a string", path);
    auto rate = parse_rate(value.get_ref<const std::string&>(), path);
    if (!rate) return rate.error();
    shop.rates.emplace(code, rate.value());
  }
  return shop;
}

Context ShopContext::for_currency(const std::string& currency) const {
  const auto rate = rates.find(currency);
  if (rate == rates.end() || context.rate) return context;
  Context converted = context;
  converted.rate = rate->second;
  for (auto& [id, facts] : converted.variants) facts.price.reset();
  return converted;
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
    service->context_ = std::make_shared<const ShopContext>(std::move(context).value());
  }
  return service;
}

Service::Service(Config config, std::unique_ptr<Store> store, std::unique_ptr<Store> writer_store)
    : config_(std::move(config)),
      store_(std::move(store)),
      writer_store_(std::move(writer_store)),
      committer_(std::make_unique<GroupCommitter>(*writer_store_, config_.max_batch)),
      http_(std::make_unique<httplib::Server>()),
      context_(std::make_shared<const ShopContext>()) {
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

// --- webhooks ---------------------------------------------------------------------------

bool Service::signed_by_shopify(const Request& req, Response& res) {
  const std::string signature = req.get_header_value("X-Shopify-Hmac-Sha256");
  if (signature.empty()) {
    ++metrics_.webhooks_unauthorized;
    send_error(res, 401, "missing_signature", "X-Shopify-Hmac-Sha256 is missing");
    return false;
  }
  if (!webhook_signature_valid(config_.app_secret, req.body, signature)) {
    ++metrics_.webhooks_unauthorized;
    send_error(res, 401, "invalid_signature", "X-Shopify-Hmac-Sha256 does not match the body");
    return false;
  }
  return true;
}

void Service::webhook(const Request& req, Response& res) {
  const auto started = std::chrono::steady_clock::now();
  if (!signed_by_shopify(req, res)) return;
  const std::string webhook_id = req.get_header_value("X-Shopify-Webhook-Id");
  if (webhook_id.empty() || webhook_id.size() > kMaxWebhookIdBytes) {
    ++metrics_.webhooks_invalid;
    return send_error(res, 400, "missing_webhook_id",
                      "X-Shopify-Webhook-Id is missing or longer than 256 bytes");
  }
  auto order = parse_order(req.body);
  if (!order) {
    ++metrics_.webhooks_invalid;
    return send_core_error(res, 400, order.error());
  }

  bool storage_failed = false;
  const OrderVerdict verdict = judge_order(
      order.value(), shop_context()->for_currency(order.value().cart.currency),
      [&](const std::string& id, int64_t version) { return program(id, version, storage_failed); });
  if (storage_failed) {
    ++metrics_.webhooks_failed;
    return send_error(res, 503, "storage_unavailable", "the program store cannot be read");
  }

  VerdictRecord record;
  record.webhook_id = webhook_id;
  record.shop = req.get_header_value("X-Shopify-Shop-Domain");
  record.order_id = verdict.order_id;
  record.earned = verdict.earned;
  record.verdict = verdict.json;
  record.tags = json_strings(verdict.tags);
  record.received_at = now_ms();
  record.customer_id = order.value().customer_id;
  // Only once the verdict is durable does Shopify hear 200; a crash before that leaves the
  // delivery unanswered and Shopify retries it.
  auto stored = committer_ ? committer_->submit(std::move(record))
                           : Result<StoredVerdict>(make_error("unavailable", "stopping"));
  if (!stored) {
    ++metrics_.webhooks_failed;
    std::fprintf(stderr, "tiercart-server: %s\n", stored.error().message.c_str());
    return send_error(res, 503, "storage_unavailable", "the verdict could not be stored");
  }
  const StoredVerdict& result = stored.value();
  if (result.duplicate) {
    ++metrics_.webhooks_duplicate;
  } else {
    ++metrics_.webhooks_stored;
    if (!result.record.earned) ++metrics_.verdicts_flagged;
  }
  // Written by hand rather than through a JSON tree: this is the hot path, and the stored
  // verdict and tags are JSON the server wrote itself.
  const VerdictRecord& r = result.record;
  res.set_content(
      "{\"webhook_id\":" + json_string(r.webhook_id) + ",\"shop\":" + json_string(r.shop) +
          ",\"order_id\":" + std::to_string(r.order_id) +
          ",\"earned\":" + (r.earned ? "true" : "false") + ",\"tags\":" + r.tags +
          ",\"received_at\":" + std::to_string(r.received_at) + ",\"verdict\":" + r.verdict +
          ",\"duplicate\":" + (result.duplicate ? "true" : "false") + "}",
      kJson);
  metrics_.observe_latency(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

// The three privacy topics share one handler: at `/webhooks/compliance` the topic is the
// X-Shopify-Topic header (one URL for all three, as an app's configuration may give), at
// `/webhooks/customers/redact` and its siblings it is the path.
void Service::compliance_webhook(const Request& req, Response& res) {
  if (!signed_by_shopify(req, res)) return;
  std::string topic = req.get_header_value("X-Shopify-Topic");
  const std::string prefix = "/webhooks/";
  if (req.path != "/webhooks/compliance") {
    const std::string from_path = req.path.substr(prefix.size());
    if (!topic.empty() && topic != from_path) {
      return send_error(res, 400, "topic_mismatch",
                        "X-Shopify-Topic " + topic + " was sent to " + req.path);
    }
    topic = from_path;
  }
  const ComplianceAnswer answer = handle_compliance(
      *store_, topic, req.get_header_value("X-Shopify-Shop-Domain"), req.body, now_ms());
  for (std::size_t i = 0; i < std::size(kComplianceTopics); ++i) {
    if (answer.status == 200 && topic == kComplianceTopics[i]) ++metrics_.compliance_handled[i];
  }
  res.status = answer.status;
  res.set_content(answer.body, kJson);
}

void Service::list_data_requests(const Request& req, Response& res) {
  if (!admin_allowed(req, res)) return;
  int limit = 100;
  if (!read_limit(req, res, limit)) return;
  auto body = data_requests_json(*store_, limit);
  if (!body) return send_error(res, 503, "storage_unavailable", body.error().message);
  res.set_content(body.value(), kJson);
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

std::shared_ptr<const ShopContext> Service::shop_context() const {
  std::lock_guard<std::mutex> lock(context_mutex_);
  return context_;
}

// --- app proxy --------------------------------------------------------------------------

bool Service::proxy_allowed(const Request& req, Response& res) const {
  if (!req.has_param("signature")) {
    send_error(res, 401, "missing_signature", "the app proxy signature is missing");
    return false;
  }
  if (!proxy_signature_valid(config_.app_secret, req.params)) {
    send_error(res, 401, "invalid_signature", "the app proxy signature does not match");
    return false;
  }
  // Checked after the signature, so only Shopify's own timestamp is ever trusted.
  const std::string timestamp = req.get_param_value("timestamp");
  const bool digits = !timestamp.empty() && timestamp.size() <= 12 &&
                      timestamp.find_first_not_of("0123456789") == std::string::npos;
  const int64_t age = digits ? now_ms() / 1000 - std::stoll(timestamp) : 0;
  if (!digits || age > config_.proxy_max_age_s || age < -config_.proxy_max_age_s) {
    send_error(res, 401, "stale_request",
               "the app proxy request is not within " + std::to_string(config_.proxy_max_age_s) +
                   " s of the server's clock (timestamp \"" + timestamp.substr(0, 20) + "\")");
    return false;
  }
  return true;
}

namespace {

// The storefront's context: the shop's, at the real time (schedules), for the cart's
// own currency.
Context storefront_context(const Context& shop) {
  Context context = shop;
  context.now = now_ms() / 1000;
  return context;
}

}  // namespace

void Service::proxy_evaluate(const Request& req, Response& res) {
  if (!proxy_allowed(req, res) || body_too_large(req, res, config_.max_proxy_body_bytes)) return;
  const auto shop = shop_context();
  auto cart = parse_cart(req.body, shop->context);
  if (!cart) return send_core_error(res, 400, cart.error());
  const Context context = storefront_context(shop->for_currency(cart.value().currency));
  auto programs = store_->list_programs();
  if (!programs) return send_error(res, 503, "storage_unavailable", "programs cannot be read");
  std::string evaluations;
  for (const auto& stored : programs.value()) {
    if (!stored.active) continue;
    bool storage_failed = false;
    auto program = this->program(stored.id, stored.version, storage_failed);
    if (!program) continue;
    auto evaluation = evaluate(*program, cart.value(), context);
    if (!evaluation) return send_core_error(res, 400, evaluation.error());
    if (!evaluations.empty()) evaluations += ',';
    evaluations += to_json(evaluation.value());
  }
  res.set_content("{\"evaluations\":[" + evaluations + "]}", kJson);
}

void Service::proxy_check(const Request& req, Response& res) {
  if (!proxy_allowed(req, res) || body_too_large(req, res, config_.max_proxy_body_bytes)) return;
  const auto shop = shop_context();
  auto cart = parse_cart(req.body, shop->context);
  if (!cart) return send_core_error(res, 400, cart.error());
  const Context context = storefront_context(shop->for_currency(cart.value().currency));
  bool storage_failed = false;
  const OrderVerdict verdict = judge_cart(
      cart.value(), context,
      [&](const std::string& id, int64_t version) { return program(id, version, storage_failed); });
  if (storage_failed) return send_error(res, 503, "storage_unavailable", "programs cannot be read");
  res.set_content(verdict.json, kJson);
}

// --- admin ------------------------------------------------------------------------------

bool Service::admin_allowed(const Request& req, Response& res) const {
  if (config_.admin_token.empty()) {
    send_error(res, 403, "admin_disabled", "no admin token is configured");
    return false;
  }
  const std::string header = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  const std::string given = header.rfind(prefix, 0) == 0 ? header.substr(prefix.size()) : "";
  // Compare digests, so that neither the token's bytes nor its length leak through timing.
  if (given.empty() || !constant_time_equal(hmac_sha256("tiercart-admin", given),
                                            hmac_sha256("tiercart-admin", config_.admin_token))) {
    res.set_header("WWW-Authenticate", "Bearer");
    send_error(res, 401, "unauthorized", "a valid bearer token is required");
    return false;
  }
  return true;
}

void Service::create_program(const Request& req, Response& res) {
  if (!admin_allowed(req, res) || body_too_large(req, res, config_.max_admin_body_bytes)) return;
  auto program = parse_program(req.body);
  if (!program) return send_core_error(res, 400, program.error());
  const auto problems = check_program(program.value(), shop_context()->context);
  // to_json(problems) is {"ok": .., "problems": [..]}; the answer carries the list.
  Json checked = Json::parse(to_json(problems), nullptr, false);
  Json problems_json =
      checked.is_object() && checked.contains("problems") ? checked["problems"] : Json::array();
  for (const auto& problem : problems) {
    if (problem.severity != "error") continue;
    res.status = 422;
    res.set_content(dump({{"error",
                           {{"code", "program_rejected"},
                            {"message", "the program check found errors: " + problem.message},
                            {"path", problem.path}}},
                          {"problems", problems_json}}),
                    kJson);
    return;
  }
  ProgramRecord record{program.value().id, program.value().version, req.body, false, now_ms()};
  auto added = store_->add_program(record);
  if (!added) return send_error(res, 503, "storage_unavailable", added.error().message);
  if (!added.value()) {
    return send_error(res, 409, "version_exists",
                      "program " + record.id + " already has a version " +
                          std::to_string(record.version) + "; versions never change",
                      "$.version");
  }
  Json body = program_summary(record);
  body["problems"] = problems_json;
  res.status = 201;
  res.set_content(dump(body), kJson);
}

void Service::list_programs(const Request& req, Response& res) {
  if (!admin_allowed(req, res)) return;
  auto programs = store_->list_programs();
  if (!programs) return send_error(res, 503, "storage_unavailable", programs.error().message);
  Json list = Json::array();
  for (const auto& program : programs.value()) list.push_back(program_summary(program));
  res.set_content(dump({{"programs", list}}), kJson);
}

void Service::get_program(const Request& req, Response& res) {
  if (!admin_allowed(req, res)) return;
  const std::string id = req.matches[1];
  const int64_t version = std::stoll(req.matches[2]);  // at most 18 digits: fits
  auto found = store_->find_program(id, version);
  if (!found) return send_error(res, 503, "storage_unavailable", found.error().message);
  if (!found.value()) return send_error(res, 404, "not_found", "no such program version");
  Json body = program_summary(*found.value());
  body["program"] = stored_json(found.value()->document);
  res.set_content(dump(body), kJson);
}

void Service::activate_program(const Request& req, Response& res) {
  if (!admin_allowed(req, res)) return;
  const std::string id = req.matches[1];
  const int64_t version = std::stoll(req.matches[2]);
  auto activated = store_->activate_program(id, version);
  if (!activated) return send_error(res, 503, "storage_unavailable", activated.error().message);
  if (!activated.value()) return send_error(res, 404, "not_found", "no such program version");
  res.set_content(dump({{"id", id}, {"version", version}, {"active", true}}), kJson);
}

void Service::put_context(const Request& req, Response& res) {
  if (!admin_allowed(req, res) || body_too_large(req, res, config_.max_admin_body_bytes)) return;
  auto context = parse_shop_context(req.body);
  if (!context) return send_core_error(res, 400, context.error());
  ShopContext shop = std::move(context).value();
  auto saved = store_->put_setting(kContextKey, req.body);
  if (!saved) return send_error(res, 503, "storage_unavailable", saved.error().message);
  {
    std::lock_guard<std::mutex> lock(context_mutex_);
    context_ = std::make_shared<const ShopContext>(std::move(shop));
  }
  res.set_content("{\"saved\":true}", kJson);
}

void Service::list_verdicts(const Request& req, Response& res) {
  if (!admin_allowed(req, res)) return;
  VerdictQuery query;
  const std::string flagged = req.get_param_value("flagged");
  query.flagged_only = flagged == "1" || flagged == "true";
  if (!read_limit(req, res, query.limit)) return;
  auto verdicts = store_->list_verdicts(query);
  if (!verdicts) return send_error(res, 503, "storage_unavailable", verdicts.error().message);
  Json list = Json::array();
  for (const auto& record : verdicts.value()) list.push_back(verdict_json(record));
  res.set_content(dump({{"verdicts", list}}), kJson);
}

void Service::metrics_text(const Request& req, Response& res) {
  if (!admin_allowed(req, res)) return;
  std::string out;
  auto line = [&out](const std::string& name, uint64_t value) {
    out += name + " " + std::to_string(value) + "\n";
  };
  out += "# HELP tiercart_webhooks_total orders/create deliveries by outcome.\n";
  out += "# TYPE tiercart_webhooks_total counter\n";
  line("tiercart_webhooks_total{outcome=\"stored\"}", metrics_.webhooks_stored);
  line("tiercart_webhooks_total{outcome=\"duplicate\"}", metrics_.webhooks_duplicate);
  line("tiercart_webhooks_total{outcome=\"unauthorized\"}", metrics_.webhooks_unauthorized);
  line("tiercart_webhooks_total{outcome=\"invalid\"}", metrics_.webhooks_invalid);
  line("tiercart_webhooks_total{outcome=\"failed\"}", metrics_.webhooks_failed);
  out += "# HELP tiercart_compliance_webhooks_total Privacy webhooks handled, by topic.\n";
  out += "# TYPE tiercart_compliance_webhooks_total counter\n";
  for (std::size_t i = 0; i < std::size(kComplianceTopics); ++i) {
    line(std::string("tiercart_compliance_webhooks_total{topic=\"") + kComplianceTopics[i] + "\"}",
         metrics_.compliance_handled[i]);
  }
  out += "# HELP tiercart_verdicts_flagged_total Stored verdicts with a claim not earned.\n";
  out += "# TYPE tiercart_verdicts_flagged_total counter\n";
  line("tiercart_verdicts_flagged_total", metrics_.verdicts_flagged);
  out += "# HELP tiercart_http_responses_total Responses by status class.\n";
  out += "# TYPE tiercart_http_responses_total counter\n";
  line("tiercart_http_responses_total{class=\"2xx\"}", metrics_.responses_2xx);
  line("tiercart_http_responses_total{class=\"4xx\"}", metrics_.responses_4xx);
  line("tiercart_http_responses_total{class=\"5xx\"}", metrics_.responses_5xx);
  if (committer_) {
    out += "# HELP tiercart_commit_batches_total Transactions written by the group commit.\n";
    out += "# TYPE tiercart_commit_batches_total counter\n";
    line("tiercart_commit_batches_total", committer_->batches());
    out += "# HELP tiercart_commit_records_total Verdicts written by the group commit.\n";
    out += "# TYPE tiercart_commit_records_total counter\n";
    line("tiercart_commit_records_total", committer_->records());
  }
  out += "# HELP tiercart_webhook_seconds Time to verify, judge and store a webhook.\n";
  out += "# TYPE tiercart_webhook_seconds histogram\n";
  uint64_t cumulative = 0;
  for (int i = 0; i <= Metrics::kBucketCount; ++i) {
    cumulative += metrics_.latency_buckets[i];
    char bound[32];
    if (i < Metrics::kBucketCount) {
      std::snprintf(bound, sizeof bound, "%g", Metrics::kBuckets[i]);
    } else {
      std::snprintf(bound, sizeof bound, "+Inf");
    }
    line(std::string("tiercart_webhook_seconds_bucket{le=\"") + bound + "\"}", cumulative);
  }
  char sum[64];
  std::snprintf(sum, sizeof sum, "%.6f", static_cast<double>(metrics_.latency_sum_us) / 1e6);
  out += std::string("tiercart_webhook_seconds_sum ") + sum + "\n";
  line("tiercart_webhook_seconds_count", metrics_.latency_count);
  res.set_content(out, "text/plain; version=0.0.4");
}

void Service::healthz(const Request&, Response& res) {
  auto ping = store_->ping();
  if (!ping) return send_error(res, 503, "storage_unavailable", ping.error().message);
  res.set_content(dump({{"status", "ok"}, {"storage", store_->backend()}}), kJson);
}

}  // namespace tiercart::server
