#include "compliance.h"

#include <optional>
#include <set>
#include <vector>

#include "responses.h"

namespace tiercart::server {
namespace {

// Payloads never hold more ids than a customer has orders; this bounds the work one signed
// request can ask for.
constexpr std::size_t kMaxOrderIds = 10000;

ComplianceAnswer error_answer(int status, const std::string& code, const std::string& message,
                              const std::string& path = "") {
  return {status, error_body(code, message, path)};
}

bool positive_id(const Json& value) {
  return value.is_number_unsigned() && value.get<uint64_t>() > 0 &&
         value.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX);
}

// `customer.id`: absent or null is no customer (a redaction by order ids only).
std::optional<ComplianceAnswer> read_customer(const Json& payload,
                                              std::optional<int64_t>& customer_id) {
  auto customer = payload.find("customer");
  if (customer == payload.end() || customer->is_null()) return std::nullopt;
  if (!customer->is_object()) {
    return error_answer(400, "invalid_type", "customer must be an object", "$.customer");
  }
  auto id = customer->find("id");
  if (id == customer->end() || id->is_null()) return std::nullopt;
  if (!positive_id(*id)) {
    return error_answer(400, "invalid_type", "customer.id must be a positive integer",
                        "$.customer.id");
  }
  customer_id = id->get<int64_t>();
  return std::nullopt;
}

std::optional<ComplianceAnswer> read_orders(const Json& payload, const char* key,
                                            std::vector<int64_t>& orders) {
  auto list = payload.find(key);
  if (list == payload.end() || list->is_null()) return std::nullopt;
  const std::string path = std::string("$.") + key;
  if (!list->is_array()) return error_answer(400, "invalid_type", path + " must be an array", path);
  if (list->size() > kMaxOrderIds) {
    return error_answer(400, "too_many", path + " holds more than 10000 ids", path);
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    if (!positive_id((*list)[i])) {
      const std::string at = path + "[" + std::to_string(i) + "]";
      return error_answer(400, "invalid_type", at + " must be a positive integer", at);
    }
    orders.push_back((*list)[i].get<int64_t>());
  }
  return std::nullopt;
}

Json erasure_counts(const Erasure& erased) {
  return {{"verdicts", erased.verdicts},
          {"order_edits", erased.order_edits},
          {"data_requests", erased.data_requests}};
}

}  // namespace

ComplianceAnswer handle_compliance(Store& store, const std::string& topic,
                                   const std::string& header_shop, const std::string& body,
                                   int64_t now_ms) {
  const Json payload = Json::parse(body, nullptr, false);
  if (payload.is_discarded()) return error_answer(400, "invalid_json", "the body is not JSON");
  if (!payload.is_object()) {
    return error_answer(400, "invalid_type", "the body must be a JSON object", "$");
  }
  std::string shop = header_shop;
  std::string shop_from = "X-Shopify-Shop-Domain";
  if (auto domain = payload.find("shop_domain"); domain != payload.end() && !domain->is_null()) {
    if (!domain->is_string()) {
      return error_answer(400, "invalid_type", "shop_domain must be a string", "$.shop_domain");
    }
    shop = domain->get<std::string>();
    shop_from = "$.shop_domain";
  }
  if (shop.empty()) {
    return error_answer(400, "missing_field", "shop_domain is missing", "$.shop_domain");
  }
  // Verdicts were stored under the shop's hostname in lower case: the same spelling here
  // reaches them, and nothing but a shop can be named.
  const auto hostname = shop_hostname(shop);
  if (!hostname) {
    return error_answer(400, "invalid_shop_domain",
                        shop_from + " must be a shop's myshopify.com hostname", shop_from);
  }
  shop = *hostname;

  std::optional<int64_t> customer_id;
  std::vector<int64_t> orders;
  Json answer = {{"topic", topic}, {"shop", shop}};
  if (topic == "customers/redact") {
    if (auto bad = read_customer(payload, customer_id)) return *bad;
    if (auto bad = read_orders(payload, "orders_to_redact", orders)) return *bad;
    auto erased = store.erase_customer(shop, customer_id, orders);
    if (!erased) return {503, storage_error_body("customers/redact", erased.error())};
    answer["erased"] = erasure_counts(erased.value());
  } else if (topic == "shop/redact") {
    auto erased = store.erase_shop(shop);
    if (!erased) return {503, storage_error_body("shop/redact", erased.error())};
    answer["erased"] = erasure_counts(erased.value());
  } else if (topic == "customers/data_request") {
    DataRequestRecord request;
    request.shop = shop;
    request.received_at = now_ms;
    auto data_request = payload.find("data_request");
    if (data_request == payload.end() || !data_request->is_object() ||
        !data_request->contains("id") || !positive_id((*data_request)["id"])) {
      return error_answer(400, "missing_field", "data_request.id must be a positive integer",
                          "$.data_request.id");
    }
    request.request_id = (*data_request)["id"].get<int64_t>();
    if (auto bad = read_customer(payload, request.customer_id)) return *bad;
    if (auto bad = read_orders(payload, "orders_requested", request.orders)) return *bad;
    auto stored = store.add_data_request(request);
    if (!stored) return {503, storage_error_body("customers/data_request", stored.error())};
    answer["request_id"] = request.request_id;
    answer["duplicate"] = !stored.value();
  } else {
    return error_answer(400, "unknown_topic",
                        "X-Shopify-Topic must be customers/data_request, customers/redact or "
                        "shop/redact");
  }
  return {200, dump(answer)};
}

Result<std::string> data_requests_answer(Store& store, const std::string& shop, int limit) {
  auto requests = store.list_data_requests(shop, limit);
  if (!requests) return requests.error();
  JsonWriter w(1024);
  w.begin_object().key("data_requests").begin_array();
  for (const DataRequestRecord& request : requests.value()) {
    auto verdicts = store.customer_verdicts(request.shop, request.customer_id, request.orders);
    if (!verdicts) return verdicts.error();
    w.begin_object()
        .field("shop", request.shop)
        .field("request_id", request.request_id)
        .field("customer_id", request.customer_id);
    w.key("orders_requested").begin_array();
    for (int64_t order : request.orders) w.number(order);
    w.end_array();
    w.field("received_at", request.received_at);
    // The edits of every order the request covers: those asked for and those found.
    std::set<int64_t> order_ids(request.orders.begin(), request.orders.end());
    w.key("verdicts").begin_array();
    for (const VerdictRecord& verdict : verdicts.value()) {
      order_ids.insert(verdict.order_id);
      write_verdict(w, verdict);
    }
    w.end_array();
    w.key("order_edits").begin_array();
    for (int64_t order_id : order_ids) {
      auto found = store.list_order_edits(request.shop, order_id);
      if (!found) return found.error();
      for (const OrderEditRecord& edit : found.value()) {
        // An edit's document is JSON the server stored from the core's answer.
        w.begin_object().field("order_id", edit.order_id).field("edit", edit.edit);
        w.key("document").raw(edit.document);
        w.field("created_at", edit.created_at).end_object();
      }
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return w.take();
}

}  // namespace tiercart::server
