// Shopify's mandatory privacy webhooks (customers/data_request, customers/redact,
// shop/redact) and the admin list of data requests. Shopify sends them for every app on its
// App Store; the server holds customer ids (who placed an order) and the addresses of order
// edits, so it has something to forget and something to report (docs/server.md,
// "Customer data").
#pragma once

#include <cstdint>
#include <string>

#include "store.h"

namespace tiercart::server {

inline constexpr const char* kComplianceTopics[] = {"customers/data_request", "customers/redact",
                                                    "shop/redact"};

struct ComplianceAnswer {
  int status = 200;
  std::string body;  // JSON: what was done, or {"error": ...}
};

// One signed compliance webhook, already checked for its signature. `topic` is
// X-Shopify-Topic (or the route's); `header_shop` is X-Shopify-Shop-Domain, used when the
// body names no shop_domain; either must be a shop's hostname (400 invalid_shop_domain) and
// is used in lower case. Malformed payloads are 400, storage failures 503 (Shopify retries);
// erasures are idempotent, and a data request is stored once.
ComplianceAnswer handle_compliance(Store& store, const std::string& topic,
                                   const std::string& header_shop, const std::string& body,
                                   int64_t now_ms);

// GET /admin/data-requests: the shop's newest requests, each with what the store holds of that
// customer now (verdicts of their orders and the edits of those orders).
Result<std::string> data_requests_answer(Store& store, const std::string& shop, int limit);

}  // namespace tiercart::server
