// Facts of products an order was judged without (docs/server.md, "Product facts"): a bar that
// counts collections, tags or types needs them for every product of the order, and the order
// carries none of them. They are read from the shop's Admin API while the webhook waits, in
// one short call (Shopify waits 5 s for the answer), and kept in the shop's stored context so
// that the next order of those products needs no call.
#include <algorithm>
#include <string>

#include "admin_api.h"
#include "install.h"
#include "responses.h"
#include "service.h"

namespace tiercart::server {
namespace {

constexpr const char* kProductFactsQuery = R"graphql(
query TiercartProductFacts($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Product { id tags productType collections(first: 50) { nodes { handle } } }
  }
})graphql";

// At most this many products are read for one order (one query, well under 1,000 points).
constexpr std::size_t kMaxProducts = 10;
// One try of at most 1.5 s, 2 s in all: the webhook is answered in time either way.
constexpr CallLimits kWebhookLimits{1500, 2000};

}  // namespace

std::shared_ptr<const Context> Service::learn_product_facts(const std::string& shop,
                                                            const std::vector<int64_t>& products,
                                                            const Context& base) {
  if (!admin_api_ || !install_ || products.empty()) return nullptr;
  auto token = install_->access_token(shop);
  if (!token) return nullptr;  // not installed (or no token now): judged without them
  std::vector<std::string> ids;
  for (int64_t id : products) {
    if (ids.size() == kMaxProducts) break;
    ids.push_back("gid://shopify/Product/" + std::to_string(id));
  }
  auto data = admin_api_->call(shop, token.value(), kProductFactsQuery, {{"ids", ids}},
                               1 + static_cast<int>(ids.size()) * 53, kWebhookLimits);
  if (!data) {
    std::fprintf(stderr, "tiercart-server: product facts of %s: %s: %s\n", shop.c_str(),
                 data.error().code.c_str(), data.error().message.c_str());
    return nullptr;
  }
  auto context = std::make_shared<Context>(base);
  Json learnt = Json::object();
  for (const Json& node : value_at(data.value(), "/nodes"_json_pointer, Json::array())) {
    const int64_t id = gid_number(field_or(node, "id", std::string()));
    if (id <= 0) continue;  // null: a product deleted since the order
    ProductFacts facts = product_facts(node);
    learnt[std::to_string(id)] = {{"collections", facts.collections},
                                  {"tags", facts.tags},
                                  {"product_type", facts.product_type}};
    context->products[id] = std::move(facts);
  }
  if (learnt.empty()) return nullptr;

  // Kept in the stored context, which the merchant's own PUT /admin/context replaces whole.
  auto saved = store_->get_setting(shop, kContextKey);
  if (saved) {
    Json document = saved.value() ? Json::parse(*saved.value(), nullptr, false) : Json::object();
    if (document.is_object()) {
      if (!document.contains("products") || !document["products"].is_object()) {
        document["products"] = Json::object();
      }
      for (const auto& [id, facts] : learnt.items()) document["products"][id] = facts;
      if (store_->put_setting(shop, kContextKey, document.dump())) {
        std::lock_guard<std::mutex> lock(contexts_mutex_);
        contexts_.erase(shop);
      }
    }
  }
  return context;
}

}  // namespace tiercart::server
