// The one client of Shopify's Admin GraphQL API (SHOPIFY.md section 9): every query and
// mutation the server sends to a shop goes through AdminApi::call.
//
// - The versioned endpoint, {origin}/admin/api/{version}/graphql.json, with the shop's access
//   token in X-Shopify-Access-Token; the origin comes from Config::shopify_origin, so that the
//   demo and the tests stand in for Shopify.
// - The cost bucket: every answer's extensions.cost.throttleStatus is remembered per shop (the
//   bucket is per app and store, so every caller in this process shares it) and a call whose
//   expected cost the bucket cannot pay waits for it to refill, rather than being throttled.
// - THROTTLED, 429 and 5xx are retried within the call with backoff (Retry-After when given);
//   no answer within the timeout is retried too. A call gives up after kMaxAttempts or once
//   its wait budget is spent, and says whether a later try may succeed (retryable()).
//   Retrying a mutation is safe only when applying it twice changes nothing: every mutation
//   the server sends is written that way (docs/server.md, "Writes to Shopify").
// - GraphQL errors and a mutation's userErrors come back as errors naming their field.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>

#include "tiercart/cart.h"
#include "tiercart/result.h"

namespace tiercart::server {

using Json = nlohmann::json;

struct AdminApiOptions {
  std::string origin_template = "https://{shop}";  // Config::shopify_origin
  std::string api_version = "2026-10";
  int timeout_ms = 10000;      // connecting, and each wait for bytes
  int wait_budget_ms = 30000;  // the most one call waits, over all its retries
};

// One call's limits when tighter than the client's (0: the client's own): the webhook path,
// which Shopify waits at most 5 s for, reads with a short budget and gives up rather than wait.
struct CallLimits {
  int timeout_ms = 0;  // connecting, and each wait for bytes
  int budget_ms = 0;   // over all the call's retries
};

// What the last answer said of the shop's bucket.
struct CostBucket {
  double maximum = 1000;
  double available = 1000;
  double restore_rate = 100;  // points per second
  int64_t read_at_ms = 0;     // steady milliseconds; 0: never read (assumed full)
  // Points available at `now_ms`, the refill since the reading included.
  double available_at(int64_t now_ms) const;
};

class AdminApi {
 public:
  static constexpr int kMaxAttempts = 5;
  static constexpr std::size_t kMaxAnswerBytes = 8 * 1024 * 1024;

  explicit AdminApi(AdminApiOptions options);

  // Sends {query, variables} to `shop` and returns the answer's `data`. `expected_cost` is
  // what the caller expects the query to cost (Shopify's own count: 10 for a mutation, about
  // 1 per object read); the call waits until the bucket holds it. Error codes:
  //   retryable: shopify_throttled, shopify_unavailable (429, 5xx, an answer that is not
  //     JSON), shopify_unreachable (no connection, no answer in time), shopify_unauthorized
  //     (401: the token was revoked or lapsed; a new one may work), stopping;
  //   final: invalid_shop, shopify_refused (another 4xx), shopify_graphql_error (the query was
  //     refused: its `errors`, the first one's path named).
  // No error or log line holds the token.
  Result<Json> call(const std::string& shop, const std::string& access_token,
                    std::string_view query, const Json& variables = Json::object(),
                    int expected_cost = 10, CallLimits limits = {});

  // The bucket as the last answer from `shop` left it.
  CostBucket bucket(const std::string& shop);

  // Ends every wait at once (server shutdown): calls then fail with `stopping`.
  void stop();

  // How long the call waits before attempt `attempt` (1 = the first retry), when the answer
  // named no Retry-After: 0.5 s doubling, at most 8 s. Exposed for the tests.
  static int64_t backoff_ms(int attempt);

  // Tests: replaces the steady clock and the waits.
  void set_clock_for_tests(std::function<int64_t()> now_ms) { now_ms_ = std::move(now_ms); }

 private:
  struct Answer;
  // One HTTP exchange; `retry_after_ms` is set from Retry-After when the answer has one.
  Answer send(const std::string& shop, const std::string& access_token, const std::string& body,
              int timeout_ms);
  // Waits `ms` unless stopped first; false when stopped.
  bool wait(int64_t ms);
  void remember_cost(const std::string& shop, const Json& answer);

  AdminApiOptions options_;
  std::function<int64_t()> now_ms_;
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool stopping_ = false;
  std::map<std::string, CostBucket> buckets_;
};

// A mutation's userErrors (`data.<mutation>.userErrors`, or the named `errors_field`, as
// orderCancel's orderCancelUserErrors), as one error: shopify_user_error, the message
// "<field path>: <message>" of each (joined with "; "), the path $.data.<mutation>.userErrors.
// Ok when the list is empty or absent.
Result<bool> user_errors(const Json& data, std::string_view mutation,
                         std::string_view errors_field = "userErrors");

// The value at `where` in `json`, or `fallback` when nothing is there. nlohmann's own
// value(json_pointer, fallback) reports a missing path by throwing, which JSON_NOEXCEPTION
// turns into abort(): an answer from Shopify without a field must not end the process.
Json value_at(const Json& json, const Json::json_pointer& where, Json fallback = nullptr);

// `json[key]` as a T, or `fallback` when `json` is not an object, lacks the key or holds
// another type there (null included): nlohmann's value(key, fallback) throws on a type
// mismatch, which JSON_NOEXCEPTION also turns into abort().
template <class T>
T field_or(const Json& json, const char* key, T fallback) {
  if (!json.is_object()) return fallback;
  const auto found = json.find(key);
  if (found == json.end()) return fallback;
  if constexpr (std::is_same_v<T, bool>) {
    return found->is_boolean() ? found->template get<bool>() : fallback;
  } else if constexpr (std::is_integral_v<T>) {
    return found->is_number_integer() ? found->template get<T>() : fallback;
  } else {
    return found->is_string() ? found->template get<T>() : fallback;
  }
}

// The number a Shopify global id ends with ("gid://shopify/Product/1001": 1001); 0 when `gid`
// is not one.
int64_t gid_number(std::string_view gid);

// A Product of an answer as the core reads a product's facts: its tags, its productType and,
// when the query selected them, its collections' handles. Fields of another type are left out.
ProductFacts product_facts(const Json& product);

// True for the error codes of AdminApi::call that a later try may not meet.
bool retryable(const Error& error);

}  // namespace tiercart::server
