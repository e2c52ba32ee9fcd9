#include "admin_api.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <random>

#include "oauth.h"
#include "responses.h"

namespace tiercart::server {

double CostBucket::available_at(int64_t now_ms) const {
  if (read_at_ms == 0) return maximum;
  const double refilled =
      available + restore_rate * static_cast<double>(now_ms - read_at_ms) / 1000.0;
  return std::min(maximum, refilled);
}

struct AdminApi::Answer {
  bool connected = false;
  int status = 0;
  std::string body;
  std::string transport_error;  // why there was no answer
  int64_t retry_after_ms = -1;  // -1: no Retry-After
  bool too_large = false;
};

AdminApi::AdminApi(AdminApiOptions options) : options_(std::move(options)), now_ms_(steady_ms) {}

int64_t AdminApi::backoff_ms(int attempt) {
  return std::min<int64_t>(8000, int64_t{500} << std::min(attempt - 1, 4));
}

CostBucket AdminApi::bucket(const std::string& shop) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = buckets_.find(shop);
  return found == buckets_.end() ? CostBucket{} : found->second;
}

void AdminApi::stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  stopping_ = true;
  stopped_.notify_all();
}

bool AdminApi::wait(int64_t ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (ms > 0) {
    stopped_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping_; });
  }
  return !stopping_;
}

void AdminApi::remember_cost(const std::string& shop, const Json& answer) {
  const auto extensions = answer.find("extensions");
  if (extensions == answer.end() || !extensions->is_object()) return;
  const auto cost = extensions->find("cost");
  if (cost == extensions->end() || !cost->is_object()) return;
  const auto status = cost->find("throttleStatus");
  if (status == cost->end() || !status->is_object()) return;
  auto number = [&](const char* name, double fallback) {
    const auto value = status->find(name);
    return value != status->end() && value->is_number() ? value->get<double>() : fallback;
  };
  std::lock_guard<std::mutex> lock(mutex_);
  CostBucket& bucket = buckets_[shop];
  bucket.maximum = std::max(1.0, number("maximumAvailable", bucket.maximum));
  bucket.available = std::max(0.0, number("currentlyAvailable", bucket.available));
  bucket.restore_rate = std::max(1.0, number("restoreRate", bucket.restore_rate));
  bucket.read_at_ms = now_ms_();
}

AdminApi::Answer AdminApi::send(const std::string& shop, const std::string& access_token,
                                const std::string& body, int timeout_ms) {
  Answer answer;
  const std::string origin = shop_admin_origin(options_.origin_template, shop);
  // "scheme://host[:port]" for the client, the rest (the demo's /store/{shop}) for the path.
  const std::size_t scheme_end = origin.find("://");
  const std::size_t path_start =
      scheme_end == std::string::npos ? std::string::npos : origin.find('/', scheme_end + 3);
  std::optional<httplib::Client> connection;
  try {
    connection.emplace(origin.substr(0, path_start));
  } catch (const std::exception&) {
    answer.transport_error = "the Shopify origin is not an http(s) URL";
    return answer;
  }
  httplib::Client& client = *connection;
  if (!client.is_valid()) {
    answer.transport_error = "the Shopify origin is not an http(s) URL";
    return answer;
  }
  const time_t seconds = timeout_ms / 1000;
  const time_t micros = (timeout_ms % 1000) * 1000;
  client.set_connection_timeout(seconds, micros);
  client.set_read_timeout(seconds, micros);
  client.set_write_timeout(seconds, micros);

  httplib::Request request;
  request.method = "POST";
  request.path = (path_start == std::string::npos ? "" : origin.substr(path_start)) +
                 "/admin/api/" + options_.api_version + "/graphql.json";
  request.headers = {{"Accept", "application/json"},
                     {"Content-Type", "application/json"},
                     {"User-Agent", "tiercart"},
                     {"X-Shopify-Access-Token", access_token}};
  request.body = body;
  request.content_receiver = [&](const char* data, std::size_t length, uint64_t, uint64_t) {
    if (answer.body.size() + length > kMaxAnswerBytes) {
      answer.too_large = true;
      return false;
    }
    answer.body.append(data, length);
    return true;
  };
  const httplib::Result result = client.send(request);
  if (answer.too_large) {
    answer.connected = true;
    answer.status = 200;
    return answer;
  }
  if (!result) {
    answer.transport_error = httplib::to_string(result.error());
    return answer;
  }
  answer.connected = true;
  answer.status = result->status;
  if (result->has_header("Retry-After")) {
    // Seconds (an HTTP date is not what Shopify sends; it reads as no hint).
    const std::string value = result->get_header_value("Retry-After");
    char* end = nullptr;
    const double secs = std::strtod(value.c_str(), &end);
    if (end != value.c_str() && secs >= 0 && secs < 3600) {
      answer.retry_after_ms = static_cast<int64_t>(secs * 1000);
    }
  }
  return answer;
}

Result<Json> AdminApi::call(const std::string& shop, const std::string& access_token,
                            std::string_view query, const Json& variables, int expected_cost,
                            CallLimits limits) {
  const auto hostname = shop_hostname(shop);
  if (!hostname) {
    return make_error("invalid_shop", "not a shop's hostname (*.myshopify.com)", "shop");
  }
  Json request = {{"query", std::string(query)}, {"variables", variables}};
  const std::string body = request.dump();
  const int64_t started = now_ms_();
  const int64_t deadline =
      started + (limits.budget_ms > 0 ? limits.budget_ms : options_.wait_budget_ms);
  const int timeout_ms = limits.timeout_ms > 0 ? limits.timeout_ms : options_.timeout_ms;
  std::mt19937 jitter(std::random_device{}());
  Error last = make_error("shopify_unreachable", "no attempt made", "shop");

  // Waits `ms` (with up to 20% jitter, so that callers throttled together do not come back
  // together) unless that passes the deadline; false when the call must give up.
  auto pause = [&](int64_t ms) {
    ms += static_cast<int64_t>(std::uniform_real_distribution<double>(0, 0.2)(jitter) * ms);
    if (now_ms_() + ms > deadline) return false;
    return wait(ms);
  };

  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    // Respect the bucket before it runs dry: wait for what the query is expected to cost.
    const CostBucket known = bucket(*hostname);
    const double short_by = expected_cost - known.available_at(now_ms_());
    if (short_by > 0) {
      const auto ms = static_cast<int64_t>(std::ceil(short_by / known.restore_rate * 1000));
      if (!pause(ms)) {
        return !wait(0) ? make_error("stopping", "the server is stopping")
                        : make_error("shopify_throttled",
                                     "the shop's API bucket would not refill in time", "shop");
      }
    }
    if (!wait(0)) return make_error("stopping", "the server is stopping");

    Answer answer = send(*hostname, access_token, body, timeout_ms);
    int64_t retry_in = backoff_ms(attempt + 1);
    if (!answer.connected) {
      last =
          make_error("shopify_unreachable",
                     "no answer from " + *hostname + " (" + answer.transport_error + ")", "shop");
    } else if (answer.status == 401) {
      return make_error("shopify_unauthorized", *hostname + " refused the access token (401)",
                        "shop");
    } else if (answer.status == 429 || answer.status >= 500) {
      last = make_error("shopify_unavailable",
                        *hostname + " answered " + std::to_string(answer.status), "shop");
      if (answer.retry_after_ms >= 0) retry_in = answer.retry_after_ms;
    } else if (answer.status != 200) {
      return make_error("shopify_refused", *hostname + " answered " + std::to_string(answer.status),
                        "shop");
    } else if (answer.too_large) {
      last = make_error("shopify_unavailable", *hostname + "'s answer is too large", "shop");
    } else {
      Json reply = Json::parse(answer.body, nullptr, false);
      if (reply.is_discarded() || !reply.is_object()) {
        last = make_error("shopify_unavailable", *hostname + "'s answer is not JSON", "shop");
      } else {
        remember_cost(*hostname, reply);
        const auto errors = reply.find("errors");
        if (errors == reply.end() || (errors->is_array() && errors->empty())) {
          auto data = reply.find("data");
          if (data == reply.end() || !data->is_object()) {
            last = make_error("shopify_unavailable", *hostname + "'s answer has no data", "shop");
          } else {
            return std::move(*data);
          }
        } else {
          // THROTTLED: wait until the bucket holds what the query asked for.
          const Json first = errors->is_array() ? errors->front() : *errors;
          const Json code =
              first.is_object() ? value_at(first, "/extensions/code"_json_pointer, Json()) : Json();
          if (code == "THROTTLED") {
            last = make_error("shopify_throttled", *hostname + " throttled the call", "shop");
            const Json asked = value_at(reply, "/extensions/cost/requestedQueryCost"_json_pointer);
            const double requested = asked.is_number() ? asked.get<double>() : expected_cost * 1.0;
            const CostBucket now = bucket(*hostname);
            const double short_of = requested - now.available_at(now_ms_());
            retry_in = short_of > 0
                           ? static_cast<int64_t>(std::ceil(short_of / now.restore_rate * 1000))
                           : 0;
          } else {
            std::string message =
                first.is_object() && first.contains("message") && first["message"].is_string()
                    ? first["message"].get<std::string>()
                    : std::string("the query was refused");
            std::string path = "$";
            if (first.is_object() && first.contains("path") && first["path"].is_array()) {
              for (const auto& part : first["path"]) {
                path += part.is_string() ? "." + part.get<std::string>() : "[" + part.dump() + "]";
              }
            }
            return make_error("shopify_graphql_error", message, path);
          }
        }
      }
    }
    if (attempt + 1 == kMaxAttempts || !pause(retry_in)) break;
  }
  if (!wait(0)) return make_error("stopping", "the server is stopping");
  return last;
}

Result<bool> user_errors(const Json& data, std::string_view mutation,
                         std::string_view errors_field) {
  const std::string name(mutation);
  const std::string field(errors_field);
  if (!data.is_object() || !data.contains(name) || !data[name].is_object()) return true;
  const Json& result = data[name];
  if (!result.contains(field) || !result[field].is_array() || result[field].empty()) return true;
  std::string message;
  for (const auto& error : result[field]) {
    if (!message.empty()) message += "; ";
    std::string where;
    if (error.contains("field") && error["field"].is_array()) {
      for (const auto& part : error["field"]) {
        if (!where.empty()) where += '.';
        where += part.is_string() ? part.get<std::string>() : part.dump();
      }
    }
    const std::string text = error.contains("message") && error["message"].is_string()
                                 ? error["message"].get<std::string>()
                                 : std::string("refused");
    message += where.empty() ? text : where + ": " + text;
  }
  return make_error("shopify_user_error", message, "$.data." + name + "." + field);
}

Json value_at(const Json& json, const Json::json_pointer& where, Json fallback) {
  return json.contains(where) ? json.at(where) : std::move(fallback);
}

int64_t gid_number(std::string_view gid) {
  const std::size_t slash = gid.rfind('/');
  if (gid.rfind("gid://shopify/", 0) != 0 || slash + 1 >= gid.size()) return 0;
  const char* end = gid.data() + gid.size();
  int64_t number = 0;
  const auto [stop, error] = std::from_chars(gid.data() + slash + 1, end, number);
  return error == std::errc() && stop == end && number > 0 ? number : 0;
}

ProductFacts product_facts(const Json& product) {
  ProductFacts facts;
  for (const Json& tag : value_at(product, "/tags"_json_pointer, Json::array())) {
    if (tag.is_string()) facts.tags.push_back(tag.get<std::string>());
  }
  facts.product_type = field_or(product, "productType", std::string());
  for (const Json& collection :
       value_at(product, "/collections/nodes"_json_pointer, Json::array())) {
    const std::string handle = field_or(collection, "handle", std::string());
    if (!handle.empty()) facts.collections.push_back(handle);
  }
  return facts;
}

bool retryable(const Error& error) {
  return error.code == "shopify_throttled" || error.code == "shopify_unavailable" ||
         error.code == "shopify_unreachable" || error.code == "shopify_unauthorized" ||
         error.code == "stopping";
}

}  // namespace tiercart::server
