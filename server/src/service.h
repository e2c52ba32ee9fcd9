// The HTTP service: routes, signature checks, limits and the glue between the core, the
// group-commit writer and the store. Its routes live in one file per group: webhooks.cpp,
// app_proxy.cpp, admin.cpp, metrics.cpp; post-purchase offers and order edits in
// post_purchase.h. One Service is one server; tests start it in-process
// on an ephemeral port, main.cpp runs it until SIGTERM.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

#include "admin_api.h"
#include "config.h"
#include "group_commit.h"
#include "http.h"
#include "outbox.h"
#include "store.h"
#include "theme_sync.h"
#include "tiercart/judge.h"
#include "tiercart/tiercart.h"

namespace tiercart::server {

class PostPurchase;
class Install;

// Counters for GET /metrics (Prometheus text format).
struct Metrics {
  std::atomic<uint64_t> webhooks_stored{0}, webhooks_duplicate{0}, webhooks_unauthorized{0},
      webhooks_invalid{0}, webhooks_failed{0}, verdicts_flagged{0};
  // Judged orders stored without figures: the payload lacked what they need (created_at, the
  // shop-currency subtotal of an order paid in another currency).
  std::atomic<uint64_t> figures_missing{0};
  std::atomic<uint64_t> responses_2xx{0}, responses_4xx{0}, responses_5xx{0};
  std::atomic<uint64_t> connections_refused{0};  // over a connection bound
  std::atomic<uint64_t> sessions_refused{0};     // admin calls with a bad session token
  // customers/data_request, customers/redact, shop/redact (kComplianceTopics' order).
  std::atomic<uint64_t> compliance_handled[3] = {};
  // Webhook handling time, signature check to response, in cumulative buckets.
  static constexpr double kBuckets[] = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0};
  static constexpr int kBucketCount = sizeof(kBuckets) / sizeof(kBuckets[0]);
  std::atomic<uint64_t> latency_buckets[kBucketCount + 1] = {};  // the last one is +Inf
  std::atomic<uint64_t> latency_count{0}, latency_sum_us{0};
  void observe_latency(double seconds);
};

// Reads the shop context document (the core's context, with the rates of the other
// currencies the shop sells in) and clears what must come from each order: time, country,
// customer tags and presentment currency.
Result<Context> parse_shop_context(std::string_view document);

class Service {
 public:
  // Opens the store (twice: one connection for the writer, one for everything else).
  static Result<std::unique_ptr<Service>> create(Config config);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Binds host:port (port 0: any free one) and serves on a background thread.
  Result<int> start();
  // Stops accepting, lets the requests in flight finish, stores what is queued.
  void stop();
  int port() const { return port_; }
  std::size_t open_connections() const;
  const Metrics& metrics() const { return metrics_; }
  Outbox& outbox() { return *outbox_; }
  ThemeSync& theme_sync() { return *theme_sync_; }

 private:
  Service(Config config, std::unique_ptr<Store> store, std::unique_ptr<Store> writer_store);
  void routes();

  // Answers 401 (and counts it) unless X-Shopify-Hmac-Sha256 signs the body.
  bool signed_by_shopify(const http::Request& req, http::Response& res);
  // The shop of a signed webhook whose body is one document (app/uninstalled, refunds and
  // cancellations); nothing (an answer already sent) otherwise.
  std::optional<std::string> signed_shop(const http::Request& req, http::Response& res);
  void webhook(const http::Request& req, http::Response& res);
  void compliance_webhook(const http::Request& req, http::Response& res);
  void uninstalled_webhook(const http::Request& req, http::Response& res);
  void shop_update_webhook(const http::Request& req, http::Response& res);
  // refunds/create, orders/updated, orders/cancelled: the figures follow them (analytics.cpp).
  void adjustment_webhook(const http::Request& req, http::Response& res);
  // GET /admin/analytics: the core's report over the shop's figures (analytics.cpp).
  void analytics(const http::Request& req, http::Response& res);
  // POST /admin/what-if: the shop's program (and a candidate) replayed over an uploaded orders
  // export (analytics.cpp).
  void what_if(const http::Request& req, http::Response& res);
  // POST /admin/experiments and /admin/experiments/end: an A/B test of tier sets started as a
  // new live version, or ended keeping one arm (analytics.cpp).
  void start_experiment(const http::Request& req, http::Response& res);
  void end_experiment(const http::Request& req, http::Response& res);
  // Stores `program` as a new version and makes it live (published to checkout).
  void save_and_activate(const std::string& shop, const Program& program, http::Response& res);
  void shop_state(const http::Request& req, http::Response& res);
  void list_data_requests(const http::Request& req, http::Response& res);
  void proxy_evaluate(const http::Request& req, http::Response& res);
  void proxy_check(const http::Request& req, http::Response& res);
  void proxy_sync(const http::Request& req, http::Response& res);
  void create_program(const http::Request& req, http::Response& res);
  void list_programs(const http::Request& req, http::Response& res);
  void get_program(const http::Request& req, http::Response& res);
  void activate_program(const http::Request& req, http::Response& res);
  void put_context(const http::Request& req, http::Response& res);
  void list_verdicts(const http::Request& req, http::Response& res);
  void metrics_text(const http::Request& req, http::Response& res);
  void list_writes(const http::Request& req, http::Response& res);
  void retry_write(const http::Request& req, http::Response& res);
  void healthz(const http::Request& req, http::Response& res);

  // The shop an admin call acts on: the `dest` of an App Bridge session token, or, with the
  // operator token, its `shop` parameter. Nothing (an answer already sent) otherwise.
  std::optional<std::string> admin_shop(const http::Request& req, http::Response& res);
  std::optional<std::string> session_shop(const std::string& token, http::Response& res);
  // The operator token (TIERCART_ADMIN_TOKEN): /metrics, and admin calls naming a shop.
  bool operator_allowed(const http::Request& req, http::Response& res) const;
  // The shop of a signed app proxy request; nothing (an answer already sent) otherwise.
  std::optional<std::string> proxy_shop(const http::Request& req, http::Response& res) const;
  // A signed app proxy request's cart, read with its shop's context, and the storefront's
  // context for it (the cart's currency, the server's clock); nothing when answered.
  struct ProxiedCart {
    std::string shop;
    Cart cart;
    Context context;
  };
  std::optional<ProxiedCart> proxied_cart(const http::Request& req, http::Response& res);

  // A stored program version of a shop, parsed once: versions never change, so the cache is
  // never stale. `storage_failed` is set when the store could not be asked.
  std::shared_ptr<const Program> program(const std::string& shop, const std::string& id,
                                         int64_t version, bool& storage_failed);
  // The programs an order's figures measure it by: the versions its verdict judged, then the
  // shop's other active programs (analytics.cpp).
  std::vector<std::shared_ptr<const Program>> figure_programs(
      const std::string& shop, const OrderVerdict& verdict,
      const std::vector<std::shared_ptr<const Program>>& live, bool& storage_failed);
  // The shop's active program versions, parsed; read again after kContextTtlMs, or at once
  // after this process made a version live (a version made live by another process, or by
  // the theme sync's poll, is seen within that time).
  std::vector<std::shared_ptr<const Program>> active_programs(const std::string& shop,
                                                              bool& storage_failed);
  // The shop's context as saved (an empty one when none is), cached for kContextTtlMs: a
  // context saved through another server process is seen within that time.
  std::shared_ptr<const Context> shop_context(const std::string& shop, bool& storage_failed);
  // `base` completed with the facts (collections, tags, type) of `products` read from the
  // shop's Admin API and kept in its stored context (product_facts.cpp); null when they could
  // not be read in time.
  std::shared_ptr<const Context> learn_product_facts(const std::string& shop,
                                                     const std::vector<int64_t>& products,
                                                     const Context& base);

  Config config_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Store> writer_store_;
  std::unique_ptr<GroupCommitter> committer_;
  http::Router router_;  // filled by the constructor and PostPurchase, handed to http_ by start()
  std::unique_ptr<http::Server> http_;
  std::unique_ptr<PostPurchase> post_purchase_;  // post_purchase.h: offers, changesets, edits
  std::unique_ptr<Install> install_;             // install.h: OAuth, tokens, their refresh
  std::unique_ptr<AdminApi> admin_api_;          // admin_api.h: every call to a shop's Admin API
  std::unique_ptr<Outbox> outbox_;               // outbox.h: delivers the writes to Shopify
  std::unique_ptr<ThemeSync> theme_sync_;        // theme_sync.h: theme settings to checkout
  int port_ = 0;
  Metrics metrics_;

  std::mutex programs_mutex_;
  std::map<std::tuple<std::string, std::string, int64_t>, std::shared_ptr<const Program>> programs_;
  struct CachedContext {
    std::shared_ptr<const Context> context;  // the shop's catalog facts, rates, formats
    int64_t loaded_at = 0;                   // steady milliseconds
  };
  static constexpr int64_t kContextTtlMs = 10000;
  std::mutex contexts_mutex_;
  std::map<std::string, CachedContext> contexts_;
  // Each shop's live programs, for kContextTtlMs like its context (every webhook asks):
  // forgotten at once when this process makes a version live (forget_live_programs).
  struct CachedPrograms {
    std::vector<std::shared_ptr<const Program>> programs;
    int64_t loaded_at = 0;  // steady milliseconds
  };
  std::mutex live_mutex_;
  std::map<std::string, CachedPrograms> live_;
  void forget_live_programs(const std::string& shop);
};

}  // namespace tiercart::server
