// Shopify's webhooks: orders/create, judged by the core and stored before Shopify hears 200,
// and the three mandatory privacy topics (compliance.h).

#include <chrono>
#include <cstdio>

#include "compliance.h"
#include "install.h"
#include "outbox.h"
#include "responses.h"
#include "service.h"
#include "signature.h"
#include "tiercart/insight.h"
#include "tiercart/judge.h"

namespace tiercart::server {

using http::Request;
using http::Response;

namespace {

constexpr std::size_t kMaxWebhookIdBytes = 256;

}  // namespace

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
  // The shop is stored with the verdict and matched by later requests: only a shop's
  // hostname, in one spelling.
  const auto shop = shop_hostname(req.get_header_value("X-Shopify-Shop-Domain"));
  if (!shop) {
    ++metrics_.webhooks_invalid;
    return send_error(res, 400, "invalid_shop_domain",
                      "X-Shopify-Shop-Domain must be a shop's myshopify.com hostname",
                      "X-Shopify-Shop-Domain");
  }
  if (bytes_after_document(req, res)) {
    ++metrics_.webhooks_invalid;
    return;
  }
  auto order = parse_order(req.body);
  if (!order) {
    ++metrics_.webhooks_invalid;
    return send_core_error(res, 400, order.error());
  }

  // Judged by the shop's own programs and context; a shop the server has not seen yet (its
  // webhooks can come before the merchant first opens the app) has neither, and its order
  // is judged like any other: a claim naming no stored program is flagged.
  bool storage_failed = false;
  const auto context = shop_context(*shop, storage_failed);
  // The live programs: one running an A/B test judges the order's arm too (judge.h).
  const auto live = active_programs(*shop, storage_failed);
  const auto judge = [&](const Context& facts) {
    return judge_order(
        order.value(), for_currency(facts, order.value().cart.currency),
        [&](const std::string& id, int64_t version) {
          return program(*shop, id, version, storage_failed);
        },
        live);
  };
  OrderVerdict verdict = context ? judge(*context) : OrderVerdict{};
  std::shared_ptr<const Context> judged_with = context;
  // A bar counted products whose collections, tags or type the shop's context lacks: they
  // are read from the shop (briefly) and the order judged again with them, rather than
  // judged by a guess.
  if (!storage_failed && context && !verdict.products_without_facts.empty()) {
    if (auto learnt = learn_product_facts(*shop, verdict.products_without_facts, *context)) {
      verdict = judge(*learnt);
      judged_with = learnt;
    }
  }
  // The merchant's figures of the order (docs/analytics.md), measured by the same programs
  // and context as its verdict.
  const auto programs = judged_with ? figure_programs(*shop, verdict, live, storage_failed)
                                    : std::vector<std::shared_ptr<const Program>>();
  if (storage_failed || !context) {
    ++metrics_.webhooks_failed;
    return send_error(res, 503, "storage_unavailable", "the program store cannot be read");
  }

  VerdictRecord record;
  record.webhook_id = webhook_id;
  record.shop = *shop;
  record.order_id = verdict.order_id;
  record.earned = verdict.earned;
  record.verdict = to_json(verdict);
  JsonWriter tags;
  tags.begin_array();
  for (const auto& tag : verdict.tags) tags.text(tag);
  record.tags = tags.end_array().take();
  record.received_at = now_ms();
  record.customer_id = order.value().customer_id;
  // The order's customer may ask for offers on it later (the order status page): those are
  // chosen from these lines, never from lines a browser sends. A guest's order cannot be
  // asked about, so its lines are not kept.
  if (record.customer_id) record.order_lines = order_lines_json(order.value());
  if (auto figures = order_figures(req.body, order.value(), verdict, programs, *judged_with)) {
    record.figures = to_json(figures.value());
    record.figures_day = figures.value().day;
  } else {
    ++metrics_.figures_missing;
  }
  // A flagged order is tagged in the shop's admin, so the merchant sees it where they work:
  // the write is stored with the verdict and delivered by the outbox.
  if (!verdict.earned && !verdict.tags.empty() && verdict.order_id > 0) {
    record.writes.push_back(tags_write(*shop, verdict.order_id, verdict.tags));
  }
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
    if (!result.record.earned) {
      ++metrics_.verdicts_flagged;
      if (outbox_) outbox_->wake();
    }
  }
  // The stored verdict and tags are embedded as written: this is the hot path.
  const VerdictRecord& r = result.record;
  JsonWriter w(256 + r.verdict.size());
  write_verdict(w, r, /*close=*/false);
  w.field("duplicate", result.duplicate).end_object();
  res.set_content(w.take(), kJson);
  metrics_.observe_latency(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

std::optional<std::string> Service::signed_shop(const Request& req, Response& res) {
  if (!signed_by_shopify(req, res) || bytes_after_document(req, res)) return std::nullopt;
  auto shop = shop_hostname(req.get_header_value("X-Shopify-Shop-Domain"));
  if (!shop) {
    send_error(res, 400, "invalid_shop_domain",
               "X-Shopify-Shop-Domain must be a shop's myshopify.com hostname",
               "X-Shopify-Shop-Domain");
  }
  return shop;
}

// app/uninstalled: the shop's tokens go, its verdicts stay until shop/redact. It can come
// twice, and for a shop the server never saw: both are answered 200.
void Service::uninstalled_webhook(const Request& req, Response& res) {
  const auto shop = signed_shop(req, res);
  if (!shop) return;
  auto done = install_->uninstalled(*shop);
  if (!done) return send_storage_error(res, "forget the shop's tokens", done.error());
  {
    std::lock_guard<std::mutex> lock(contexts_mutex_);
    contexts_.erase(*shop);
  }
  forget_live_programs(*shop);
  res.set_content(dump({{"shop", *shop}, {"uninstalled", true}, {"known", done.value()}}), kJson);
}

// shop/update (the REST shop): the merchant changed a setting of the shop. Only the time zone
// matters here: checkout is told the program's schedule moments in it (docs/function.md).
void Service::shop_update_webhook(const Request& req, Response& res) {
  const auto shop = signed_shop(req, res);
  if (!shop) return;
  const Json payload = Json::parse(req.body, nullptr, false);
  const Json zone = payload.is_object() ? payload.value("iana_timezone", Json()) : Json();
  // An IANA name: "America/Argentina/Buenos_Aires" is among the longest.
  if (!zone.is_string() || zone.get<std::string>().empty() || zone.get<std::string>().size() > 64 ||
      zone.get<std::string>().find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") !=
          std::string::npos) {
    return send_error(res, 400, "invalid_value", "the shop has no iana_timezone",
                      "$.iana_timezone");
  }
  auto republished = theme_sync_->time_zone_changed(*shop, zone.get<std::string>());
  JsonWriter w(256);
  w.begin_object().field("shop", *shop).field("timezone", zone.get<std::string>());
  if (!republished && republished.error().code.rfind("storage", 0) == 0) {
    return send_storage_error(res, "publish in the new time zone", republished.error());
  }
  if (!republished) {
    // The program cannot be published in this zone (one this machine's database lacks):
    // sending the webhook again would not change that. The zone is kept; the log says why.
    std::fprintf(stderr, "tiercart-server: %s: the live program was not published again: %s\n",
                 shop->c_str(), republished.error().message.c_str());
    w.field("republished", false).field("problem", republished.error().code);
  } else {
    w.field("republished", republished.value());
  }
  res.set_content(w.end_object().take(), kJson);
}

// The three privacy topics share one handler: at `/webhooks/compliance` the topic is the
// X-Shopify-Topic header (one URL for all three, as an app's configuration may give), at
// `/webhooks/customers/redact` and its siblings it is the path.
void Service::compliance_webhook(const Request& req, Response& res) {
  if (!signed_by_shopify(req, res) || bytes_after_document(req, res)) return;
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

}  // namespace tiercart::server
