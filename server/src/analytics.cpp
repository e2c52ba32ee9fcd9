// The merchant's figures (docs/analytics.md): each judged order's figures are made by the core
// when the order is judged (webhooks.cpp) and stored with its verdict; refunds and
// cancellations arrive as their own webhooks; GET /admin/analytics answers with the core's
// report over a period.

#include <algorithm>
#include <set>

#include "responses.h"
#include "service.h"
#include "tiercart/insight.h"
#include "tiercart/orders_csv.h"

namespace tiercart::server {

using http::Request;
using http::Response;

namespace {

// The report's default range: the last 30 days, to today (UTC) included.
constexpr int64_t kDefaultDays = 30;

// "<id>@<version>" of a saved version; nothing when `named` is not of that form.
std::optional<std::pair<std::string, int64_t>> version_named(const std::string& named) {
  const auto at = named.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 >= named.size() || named.size() - at > 19 ||
      named.find_first_not_of("0123456789", at + 1) != std::string::npos) {
    return std::nullopt;
  }
  return std::make_pair(named.substr(0, at), std::stoll(named.substr(at + 1)));
}

}  // namespace

std::vector<std::shared_ptr<const Program>> Service::active_programs(const std::string& shop,
                                                                     bool& storage_failed) {
  const int64_t now = steady_ms();
  {
    std::lock_guard<std::mutex> lock(live_mutex_);
    auto found = live_.find(shop);
    if (found != live_.end() && now - found->second.loaded_at < kContextTtlMs) {
      return found->second.programs;
    }
  }
  std::vector<std::shared_ptr<const Program>> programs;
  auto active = store_->active_programs(shop);
  if (!active) {
    storage_failed = true;
    return programs;
  }
  for (const auto& [id, version] : active.value()) {
    if (auto program = this->program(shop, id, version, storage_failed)) {
      programs.push_back(std::move(program));
    }
  }
  if (storage_failed) return programs;
  std::lock_guard<std::mutex> lock(live_mutex_);
  live_[shop] = CachedPrograms{programs, now};
  return programs;
}

void Service::forget_live_programs(const std::string& shop) {
  std::lock_guard<std::mutex> lock(live_mutex_);
  live_.erase(shop);
}

std::vector<std::shared_ptr<const Program>> Service::figure_programs(
    const std::string& shop, const OrderVerdict& verdict,
    const std::vector<std::shared_ptr<const Program>>& live, bool& storage_failed) {
  std::vector<std::shared_ptr<const Program>> programs;
  std::set<std::string> ids;
  // The versions the order claimed gifts of, as the verdict judged them: those are the tiers
  // the shopper saw.
  for (const Verdict& judged : verdict.verdicts) {
    if (!ids.insert(judged.program_id).second) continue;
    if (auto program =
            this->program(shop, judged.program_id, judged.program_version, storage_failed)) {
      programs.push_back(std::move(program));
    }
  }
  // Then every live program the order claimed nothing of: an order below every threshold, or
  // one that reached a tier without gift lines (free shipping), is counted too.
  for (const auto& program : live) {
    if (ids.insert(program->id).second) programs.push_back(program);
  }
  return programs;
}

// refunds/create, orders/updated and orders/cancelled: stored once per refund or cancelled
// order, whichever arrives first (a refund can come before the order's own webhook).
void Service::adjustment_webhook(const Request& req, Response& res) {
  const auto shop = signed_shop(req, res);
  if (!shop) return;
  std::optional<OrderAdjustment> adjustment;
  if (req.path == "/webhooks/refunds/create") {
    auto refund = parse_refund(req.body);
    if (!refund) return send_core_error(res, 400, refund.error());
    adjustment = std::move(refund).value();
  } else {
    auto cancellation = parse_cancellation(req.body);
    if (!cancellation) return send_core_error(res, 400, cancellation.error());
    adjustment = std::move(cancellation).value();
  }
  if (!adjustment) {
    // An update that cancels nothing changes no figure.
    res.set_content("{\"adjusted\":false}", kJson);
    return;
  }
  AdjustmentRecord record;
  record.shop = *shop;
  record.key = adjustment->key;
  record.order_id = adjustment->order_id;
  record.refunded = adjustment->refunded;
  record.cancelled = adjustment->cancelled;
  record.received_at = now_ms();
  auto stored = store_->add_adjustment(record);
  if (!stored) return send_storage_error(res, "store the adjustment", stored.error());
  JsonWriter w(128);
  w.begin_object().field("adjusted", true).field("key", record.key);
  w.field("order_id", record.order_id).field("duplicate", !stored.value());
  res.set_content(w.end_object().take(), kJson);
}

// GET /admin/analytics?period=day|week|month&from=YYYY-MM-DD&to=YYYY-MM-DD: the report over
// the shop's days from..to (the last 30 days by default), in the shop currency.
void Service::analytics(const Request& req, Response& res) {
  const auto shop = admin_shop(req, res);
  if (!shop) return;
  ReportRequest request;
  const std::string period = req.get_param_value("period");
  if (auto parsed = parse_period(period.empty() ? "day" : period)) {
    request.period = *parsed;
  } else {
    return send_error(res, 400, "invalid_value", "period is day, week or month", "period");
  }
  const int64_t today = now_ms() / 86400000;
  request.to = req.has_param("to") ? req.get_param_value("to") : format_day(today);
  request.from =
      req.has_param("from") ? req.get_param_value("from") : format_day(today - (kDefaultDays - 1));
  for (const auto* field : {&request.from, &request.to}) {
    if (!is_day(*field)) {
      return send_error(res, 400, "invalid_value", "a day is written YYYY-MM-DD",
                        field == &request.from ? "from" : "to");
    }
  }
  bool storage_failed = false;
  const auto context = shop_context(*shop, storage_failed);
  if (!context) return send_error(res, 503, "storage_unavailable", "the context cannot be read");
  request.currency = context->shop_currency;
  request.money_format = context->money_format;
  for (const auto& program : active_programs(*shop, storage_failed)) {
    for (const Bar& bar : program->bars) {
      for (const Tier& tier : bar.tiers) {
        request.tiers.push_back({program->id, bar.id, tier.id, bar.metric, tier.threshold});
      }
    }
  }
  // The range is checked by the core before any row is read.
  if (auto checked = report_json({}, request); !checked) {
    return send_core_error(res, 400, checked.error());
  }
  auto rows = store_->list_figures(*shop, request.from, request.to);
  if (!rows) return send_storage_error(res, "list the figures", rows.error());
  std::vector<ReportOrder> orders;
  orders.reserve(rows.value().size());
  for (const FiguresRecord& row : rows.value()) {
    auto figures = parse_order_figures(row.document);
    if (!figures) continue;  // written by this server from the core's own JSON
    orders.push_back({std::move(figures).value(), row.refunded, row.cancelled});
  }
  auto report = report_json(orders, request);
  if (!report) return send_core_error(res, 400, report.error());
  res.set_content(std::move(report).value(), kJson);
}

// POST /admin/what-if[?candidate=<id>@<version>]: the body is Shopify's orders CSV export (at
// most Config::max_what_if_bytes, 64 MiB, refused before it is read when larger). The shop's active
// program and, when named, a candidate version are replayed over it by the core; nothing is stored.
void Service::what_if(const Request& req, Response& res) {
  const auto shop = admin_shop(req, res);
  if (!shop) return;
  std::shared_ptr<const Program> candidate;
  bool storage_failed = false;
  if (req.has_param("candidate")) {
    if (auto named = version_named(req.get_param_value("candidate"))) {
      candidate = program(*shop, named->first, named->second, storage_failed);
    }
    if (storage_failed) {
      return send_error(res, 503, "storage_unavailable", "programs cannot be read");
    }
    if (!candidate) {
      return send_error(res, 404, "not_found",
                        "candidate names no saved program version: use <id>@<version>",
                        "candidate");
    }
  }
  auto orders = read_orders_csv(req.body);
  if (!orders) return send_core_error(res, 400, orders.error());
  const auto live = active_programs(*shop, storage_failed);
  const std::shared_ptr<const Program> current = live.empty() ? nullptr : live.front();
  const auto context = shop_context(*shop, storage_failed);
  if (storage_failed || !context) {
    return send_error(res, 503, "storage_unavailable", "the program store cannot be read");
  }
  JsonWriter w(4096);
  w.begin_object();
  for (const auto& [key, replayed] :
       {std::pair<const char*, const Program*>{"current", current.get()},
        std::pair<const char*, const Program*>{"candidate", candidate.get()}}) {
    w.key(key);
    if (!replayed) {
      w.null();
      continue;
    }
    auto result = what_if_json(*replayed, orders.value(), *context);
    if (!result) return send_core_error(res, 400, result.error());
    w.raw(result.value());
  }
  res.set_content(w.end_object().take(), kJson);
}

void Service::save_and_activate(const std::string& shop, const Program& program, Response& res) {
  ProgramRecord record{shop, program.id, program.version, to_json(program), false, now_ms()};
  auto added = store_->add_program(record);
  if (!added) return send_storage_error(res, "add program", added.error());
  if (!added.value()) {
    return send_error(res, 409, "version_exists",
                      "program " + program.id + " has a version " +
                          std::to_string(program.version) + " already: try again",
                      "program");
  }
  auto activated = theme_sync_->activate(shop, record);
  forget_live_programs(shop);
  if (!activated) {
    if (activated.error().code == "storage_error") {
      return send_storage_error(res, "activate program", activated.error());
    }
    return send_core_error(res, 422, activated.error());
  }
  JsonWriter w(256);
  w.begin_object().field("id", program.id).field("version", program.version);
  w.field("active", true);
  if (program.experiment) {
    w.key("experiment").begin_object().field("id", program.experiment->id);
    w.field("split", program.experiment->split_b).end_object();
  }
  res.status = 201;
  res.set_content(w.end_object().take(), kJson);
}

namespace {

// The shop's live version of program `id`, and the next version number it can take.
struct LiveProgram {
  std::optional<ProgramRecord> live;
  int64_t next_version = 1;
};

Result<LiveProgram> live_program(Store& store, const std::string& shop, const std::string& id) {
  auto programs = store.list_programs(shop);
  if (!programs) return programs.error();
  LiveProgram found;
  for (const auto& record : programs.value()) {
    if (record.id != id) continue;
    found.next_version = std::max(found.next_version, record.version + 1);
    if (record.active) found.live = record;
  }
  return found;
}

}  // namespace

// POST /admin/experiments {"program": id, "candidate": "<id>@<version>", "id": test id,
// "split": percent in arm b}: the live version's bars against the candidate's, as the
// program's next version, made live.
void Service::start_experiment(const Request& req, Response& res) {
  const auto shop = admin_shop(req, res);
  if (!shop || body_too_large(req, res, config_.max_admin_body_bytes)) return;
  const Json body = Json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.value("program", Json()).is_string() ||
      !body.value("candidate", Json()).is_string() || !body.value("id", Json()).is_string()) {
    return send_error(res, 400, "invalid_value",
                      "give program, candidate (<id>@<version>) and id as strings", "$");
  }
  const Json split = body.value("split", Json(50));
  auto found = live_program(*store_, *shop, body["program"].get<std::string>());
  if (!found) return send_storage_error(res, "list programs", found.error());
  if (!found.value().live) {
    return send_error(res, 404, "not_found", "the program has no live version", "program");
  }
  bool storage_failed = false;
  std::shared_ptr<const Program> candidate;
  if (auto named = version_named(body["candidate"].get<std::string>())) {
    candidate = program(*shop, named->first, named->second, storage_failed);
  }
  auto live = program(*shop, found.value().live->id, found.value().live->version, storage_failed);
  if (storage_failed || !live) {
    return send_error(res, 503, "storage_unavailable", "programs cannot be read");
  }
  if (!candidate) {
    return send_error(res, 404, "not_found", "candidate names no saved program version",
                      "candidate");
  }
  auto started = tiercart::start_experiment(*live, *candidate, body["id"].get<std::string>(),
                                            split.is_number_integer() ? split.get<int>() : 0,
                                            found.value().next_version);
  if (!started) return send_core_error(res, 400, started.error());
  save_and_activate(*shop, started.value(), res);
}

// POST /admin/experiments/end {"program": id, "keep": "a" | "b"}: the kept arm's bars, as the
// program's next version, made live; the test's orders stay in the report.
void Service::end_experiment(const Request& req, Response& res) {
  const auto shop = admin_shop(req, res);
  if (!shop || body_too_large(req, res, config_.max_admin_body_bytes)) return;
  const Json body = Json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.value("program", Json()).is_string() ||
      !body.value("keep", Json()).is_string()) {
    return send_error(res, 400, "invalid_value", "give program and keep (a or b)", "$");
  }
  auto found = live_program(*store_, *shop, body["program"].get<std::string>());
  if (!found) return send_storage_error(res, "list programs", found.error());
  if (!found.value().live) {
    return send_error(res, 404, "not_found", "the program has no live version", "program");
  }
  bool storage_failed = false;
  auto running =
      program(*shop, found.value().live->id, found.value().live->version, storage_failed);
  if (!running) return send_error(res, 503, "storage_unavailable", "programs cannot be read");
  auto ended = tiercart::end_experiment(*running, body["keep"].get<std::string>(),
                                        found.value().next_version);
  if (!ended) return send_core_error(res, 400, ended.error());
  save_and_activate(*shop, ended.value(), res);
}

}  // namespace tiercart::server
