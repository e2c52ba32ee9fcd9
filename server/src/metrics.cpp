// What an operator watches: GET /metrics (Prometheus text: webhooks by outcome, privacy
// webhooks, flagged verdicts, responses by class, group commits, webhook latency) and
// GET /healthz (the store answers, and no write has hung on it).

#include <algorithm>
#include <cstdio>

#include "compliance.h"
#include "responses.h"
#include "service.h"

namespace tiercart::server {

using http::Request;
using http::Response;

void Metrics::observe_latency(double seconds) {
  int bucket = 0;
  while (bucket < kBucketCount && seconds > kBuckets[bucket]) ++bucket;
  ++latency_buckets[bucket];
  ++latency_count;
  latency_sum_us += static_cast<uint64_t>(seconds * 1e6);
}

void Service::metrics_text(const Request& req, Response& res) {
  if (!operator_allowed(req, res)) return;
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
  out +=
      "# HELP tiercart_figures_missing_total Judged orders stored without figures "
      "(docs/analytics.md).\n";
  out += "# TYPE tiercart_figures_missing_total counter\n";
  line("tiercart_figures_missing_total", metrics_.figures_missing);
  out += "# HELP tiercart_http_responses_total Responses by status class.\n";
  out += "# TYPE tiercart_http_responses_total counter\n";
  line("tiercart_http_responses_total{class=\"2xx\"}", metrics_.responses_2xx);
  line("tiercart_http_responses_total{class=\"4xx\"}", metrics_.responses_4xx);
  line("tiercart_http_responses_total{class=\"5xx\"}", metrics_.responses_5xx);
  out += "# HELP tiercart_http_connections_open Connections open now.\n";
  out += "# TYPE tiercart_http_connections_open gauge\n";
  line("tiercart_http_connections_open", open_connections());
  out +=
      "# HELP tiercart_http_connections_refused_total Connections closed at once: over a bound.\n";
  out += "# TYPE tiercart_http_connections_refused_total counter\n";
  line("tiercart_http_connections_refused_total", metrics_.connections_refused);
  out += "# HELP tiercart_sessions_refused_total Admin calls with a session token refused.\n";
  out += "# TYPE tiercart_sessions_refused_total counter\n";
  line("tiercart_sessions_refused_total", metrics_.sessions_refused);
  out += "# HELP tiercart_shops Shops by install state.\n";
  out += "# TYPE tiercart_shops gauge\n";
  for (const char* state : {"installed", "pending", "uninstalled"}) {
    auto count = store_->count_shops(state);
    if (count) line(std::string("tiercart_shops{state=\"") + state + "\"}", count.value());
  }
  // The outbox as the database holds it: every process's writes, not only this one's.
  if (auto outbox = store_->outbox_state(""); outbox) {
    const OutboxState& o = outbox.value();
    out += "# HELP tiercart_outbox_writes Writes to Shopify by state.\n";
    out += "# TYPE tiercart_outbox_writes gauge\n";
    line("tiercart_outbox_writes{state=\"pending\"}", o.pending);
    line("tiercart_outbox_writes{state=\"failed\"}", o.failed);
    line("tiercart_outbox_writes{state=\"done\"}", o.done);
    out += "# HELP tiercart_outbox_oldest_pending_seconds Age of the oldest pending write.\n";
    out += "# TYPE tiercart_outbox_oldest_pending_seconds gauge\n";
    const int64_t age =
        o.oldest_pending_at ? std::max<int64_t>(0, now_ms() - o.oldest_pending_at) : 0;
    line("tiercart_outbox_oldest_pending_seconds", static_cast<uint64_t>(age / 1000));
  }
  if (outbox_) {
    const OutboxCounters& c = outbox_->counters();
    out +=
        "# HELP tiercart_outbox_deliveries_total Deliveries tried by this process, by outcome.\n";
    out += "# TYPE tiercart_outbox_deliveries_total counter\n";
    line("tiercart_outbox_deliveries_total{outcome=\"delivered\"}", c.delivered);
    line("tiercart_outbox_deliveries_total{outcome=\"retried\"}", c.retried);
    line("tiercart_outbox_deliveries_total{outcome=\"failed\"}", c.failed);
    line("tiercart_outbox_deliveries_total{outcome=\"paused\"}", c.paused);
  }
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

void Service::healthz(const Request& req, Response& res) {
  // A write that has waited this long on the database is stuck (Shopify gives up on the
  // webhook after 5 s anyway). A probe may ask for another bound: ?max_commit_ms=1..600000.
  int64_t max_commit_ms = 5000;
  if (req.has_param("max_commit_ms")) {
    const std::string text = req.get_param_value("max_commit_ms");
    if (text.empty() || text.size() > 6 ||
        text.find_first_not_of("0123456789") != std::string::npos || std::stoll(text) < 1 ||
        std::stoll(text) > 600000) {
      return send_error(res, 400, "invalid_value", "max_commit_ms must be 1..600000",
                        "max_commit_ms");
    }
    max_commit_ms = std::stoll(text);
  }
  // Reads on the other connection go on answering while writes hang on a frozen disk or a
  // lock held elsewhere: the group commit's batch in flight is what shows it.
  const int64_t waited = committer_ ? committer_->commit_in_flight().count() : 0;
  if (waited > max_commit_ms) {
    std::fprintf(stderr, "tiercart-server: storage: a commit has waited %lld ms\n",
                 static_cast<long long>(waited));
    return send_error(res, 503, "storage_stalled",
                      "a write has waited on the database for " + std::to_string(waited) +
                          " ms (bound: " + std::to_string(max_commit_ms) + " ms)");
  }
  auto ping = store_->ping();
  if (!ping) return send_storage_error(res, "health check", ping.error());
  res.set_content(dump({{"status", "ok"}, {"storage", store_->backend()}}), kJson);
}

}  // namespace tiercart::server
