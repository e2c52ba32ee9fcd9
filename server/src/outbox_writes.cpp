// Each kind of write the outbox delivers, and why delivering it twice changes nothing.
#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "outbox.h"
#include "responses.h"

namespace tiercart::server {
namespace {

std::string order_gid(int64_t id) { return "gid://shopify/Order/" + std::to_string(id); }

Result<Json> payload_of(const std::string& text) {
  Json payload = Json::parse(text, nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) {
    return make_error("invalid_write", "the write's payload is not a JSON object");
  }
  return payload;
}

int64_t order_id_of(const Json& payload) {
  const auto found = payload.find("order_id");
  return found != payload.end() && found->is_number_integer() ? found->get<int64_t>() : 0;
}

// tagsAdd: an order's tags are a set, so adding a tag it has changes nothing.
constexpr const char* kTagsAdd = R"graphql(
mutation TiercartTagsAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
})graphql";

// orderUpdate overwrites the shipping address: writing the same address again changes nothing.
constexpr const char* kOrderUpdate = R"graphql(
mutation TiercartOrderUpdate($input: OrderInput!) {
  orderUpdate(input: $input) { order { id } userErrors { field message } }
})graphql";

// metafieldsSet writes a value: the same value twice is one value.
constexpr const char* kMetafieldsSet = R"graphql(
mutation TiercartMetafieldsSet($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { id } userErrors { field message code } }
})graphql";

Result<bool> add_tags(AdminApi& api, const std::string& shop, const std::string& token,
                      const Json& payload) {
  const int64_t order_id = order_id_of(payload);
  const auto tags = payload.find("tags");
  if (order_id <= 0 || tags == payload.end() || !tags->is_array()) {
    return make_error("invalid_write", "a tags write needs order_id and tags");
  }
  auto data = api.call(shop, token, kTagsAdd, {{"id", order_gid(order_id)}, {"tags", *tags}});
  if (!data) return data.error();
  return user_errors(data.value(), "tagsAdd");
}

Result<bool> update_address(AdminApi& api, const std::string& shop, const std::string& token,
                            const Json& payload) {
  const int64_t order_id = order_id_of(payload);
  const auto address = payload.find("shipping_address");
  if (order_id <= 0 || address == payload.end() || !address->is_object()) {
    return make_error("invalid_write", "an address write needs order_id and shipping_address");
  }
  // The core's normalised address, in MailingAddressInput's names.
  Json input = Json::object();
  const std::pair<const char*, const char*> fields[] = {{"first_name", "firstName"},
                                                        {"last_name", "lastName"},
                                                        {"company", "company"},
                                                        {"address1", "address1"},
                                                        {"address2", "address2"},
                                                        {"city", "city"},
                                                        {"province_code", "provinceCode"},
                                                        {"zip", "zip"},
                                                        {"country_code", "countryCode"},
                                                        {"phone", "phone"}};
  for (const auto& [ours, theirs] : fields) {
    const auto value = address->find(ours);
    if (value != address->end() && value->is_string() &&
        !value->get_ref<const std::string&>().empty()) {
      input[theirs] = *value;
    }
  }
  auto data = api.call(shop, token, kOrderUpdate,
                       {{"input", {{"id", order_gid(order_id)}, {"shippingAddress", input}}}});
  if (!data) return data.error();
  return user_errors(data.value(), "orderUpdate");
}

constexpr const char* kOrderLines = R"graphql(
query TiercartOrderLines($id: ID!) {
  order(id: $id) { id lineItems(first: 100) { nodes { variant { id } currentQuantity } } }
})graphql";

constexpr const char* kEditBegin = R"graphql(
mutation TiercartEditBegin($id: ID!) {
  orderEditBegin(id: $id) { calculatedOrder { id } userErrors { field message } }
})graphql";

constexpr const char* kEditAddVariant = R"graphql(
mutation TiercartEditAdd($id: ID!, $variantId: ID!, $quantity: Int!) {
  orderEditAddVariant(id: $id, variantId: $variantId, quantity: $quantity, allowDuplicates: true) {
    calculatedLineItem { id }
    userErrors { field message }
  }
})graphql";

constexpr const char* kEditDiscount = R"graphql(
mutation TiercartEditDiscount($id: ID!, $lineItemId: ID!, $discount: OrderEditAppliedDiscountInput!) {
  orderEditAddLineItemDiscount(id: $id, lineItemId: $lineItemId, discount: $discount) {
    calculatedLineItem { id }
    userErrors { field message }
  }
})graphql";

constexpr const char* kEditCommit = R"graphql(
mutation TiercartEditCommit($id: ID!, $note: String) {
  orderEditCommit(id: $id, notifyCustomer: false, staffNote: $note) {
    order { id }
    userErrors { field message }
  }
})graphql";

// An order edit is not idempotent by itself (each commit adds the units again), so the
// delivery first reads the order: when it already holds the units this edit leads to (an
// earlier delivery committed, and the process died before recording it), nothing is added.
// A crash between begin and commit leaves an uncommitted edit, which Shopify discards.
Result<bool> add_item(AdminApi& api, const std::string& shop, const std::string& token,
                      const Json& payload) {
  const int64_t order_id = order_id_of(payload);
  const int64_t variant = payload.value("variant_id", int64_t{0});
  const int64_t quantity = payload.value("quantity", int64_t{0});
  const int64_t expected = payload.value("expected_units", int64_t{0});
  if (order_id <= 0 || variant <= 0 || quantity <= 0 || expected < quantity) {
    return make_error("invalid_write", "an add-item write needs order_id, variant_id, quantity");
  }
  const std::string variant_gid = "gid://shopify/ProductVariant/" + std::to_string(variant);
  auto order = api.call(shop, token, kOrderLines, {{"id", order_gid(order_id)}}, 110);
  if (!order) return order.error();
  const Json& found = order.value()["order"];
  if (!found.is_object()) {
    return make_error("shopify_user_error", "the order does not exist in the shop", "$.order");
  }
  int64_t held = 0;
  for (const Json& line : value_at(found, "/lineItems/nodes"_json_pointer, Json::array())) {
    if (value_at(line, "/variant/id"_json_pointer, Json()) == variant_gid) {
      held += field_or(line, "currentQuantity", int64_t{0});
    }
  }
  if (held >= expected) return true;  // applied before
  auto begun = api.call(shop, token, kEditBegin, {{"id", order_gid(order_id)}});
  if (!begun) return begun.error();
  if (auto refused = user_errors(begun.value(), "orderEditBegin"); !refused) return refused;
  const Json calculated =
      value_at(begun.value(), "/orderEditBegin/calculatedOrder/id"_json_pointer, Json());
  if (!calculated.is_string()) return make_error("shopify_unavailable", "no calculated order");
  auto added = api.call(shop, token, kEditAddVariant,
                        {{"id", calculated}, {"variantId", variant_gid}, {"quantity", quantity}});
  if (!added) return added.error();
  if (auto refused = user_errors(added.value(), "orderEditAddVariant"); !refused) return refused;
  // The offer's discount on the added line, in the same edit: committed together or not at all.
  const Json discount = payload.value("discount", Json());
  if (discount.is_object()) {
    const Json line =
        value_at(added.value(), "/orderEditAddVariant/calculatedLineItem/id"_json_pointer, Json());
    if (!line.is_string()) return make_error("shopify_unavailable", "no calculated line item");
    auto discounted = api.call(shop, token, kEditDiscount,
                               {{"id", calculated}, {"lineItemId", line}, {"discount", discount}});
    if (!discounted) return discounted.error();
    if (auto refused = user_errors(discounted.value(), "orderEditAddLineItemDiscount"); !refused) {
      return refused;
    }
  }
  auto committed =
      api.call(shop, token, kEditCommit,
               {{"id", calculated},
                {"note", "tiercart: offer " + payload.value("offer_id", std::string()) +
                             " accepted on the order status page"}});
  if (!committed) return committed.error();
  return user_errors(committed.value(), "orderEditCommit");
}

Result<bool> set_metafields(AdminApi& api, const std::string& shop, const std::string& token,
                            const Json& payload) {
  const auto metafields = payload.find("metafields");
  if (metafields == payload.end() || !metafields->is_array() || metafields->empty() ||
      metafields->size() > 25) {
    return make_error("invalid_write", "a metafields write needs 1 to 25 metafields");
  }
  auto data = api.call(shop, token, kMetafieldsSet, {{"metafields", *metafields}});
  if (!data) return data.error();
  return user_errors(data.value(), "metafieldsSet");
}

// The storefront's facts (docs/server.md, "From the theme editor to checkout"), read when
// the write is delivered and set as one app-data metafield, tiercart.context: the same facts
// delivered twice are the same value written twice.
constexpr const char* kGiftVariants = R"graphql(
query TiercartGiftVariants($ids: [ID!]!) {
  nodes(ids: $ids) { ... on ProductVariant { id product { id handle } } }
})graphql";

// collectionByIdentifier, not collectionByHandle, which Shopify deprecated in its favour.
constexpr const char* kCollectionProducts = R"graphql(
query TiercartCollectionProducts($handle: String!) {
  collectionByIdentifier(identifier: {handle: $handle}) {
    id
    products(first: 250) { nodes { id tags productType } }
  }
})graphql";

// Input lists hold at most 250 items (SHOPIFY.md section 9); each node costs about 2 points.
constexpr std::size_t kIdsPerQuery = 250;
// Liquid's all_products reads at most 20 distinct handles a page: a 21st gift could not be
// drawn, so it is not published.
constexpr std::size_t kMaxGiftProducts = 20;
// One page of each collection, and at most this many products in all: the facts are a
// snapshot for the drawer, not a catalog. A query asks for the collection (1 point) and a
// page of 250 products (2 + 250): well under the 1,000 one query may cost.
constexpr std::size_t kMaxFactProducts = 1000;
constexpr int kCollectionQueryCost = 1 + 2 + 250;
// A json metafield holds 128 KB (SHOPIFY.md section 9); read as 128,000 bytes, the value fits
// whichever way Shopify counts a kilobyte.
constexpr std::size_t kMaxContextBytes = 128000;

std::string variant_gid(int64_t id) { return "gid://shopify/ProductVariant/" + std::to_string(id); }

Result<bool> publish_storefront_facts(AdminApi& api, const std::string& shop,
                                      const std::string& token, const Json& payload) {
  const Json installation = payload.value("installation", Json());
  const Json program = payload.value("program", Json());
  const Json currency = payload.value("shop_currency", Json());
  const Json gift_variants = payload.value("gift_variants", Json());
  const Json collections = payload.value("collections", Json());
  const bool valid = installation.is_string() && program.is_object() &&
                     program.value("id", Json()).is_string() &&
                     program.value("version", Json()).is_number_integer() && currency.is_string() &&
                     gift_variants.is_array() && collections.is_array();
  if (!valid) {
    return make_error("invalid_write",
                      "a storefront facts write needs installation, program {id, version}, "
                      "shop_currency, gift_variants and collections");
  }
  std::vector<std::string> variant_ids;
  for (const Json& id : gift_variants) {
    if (!id.is_number_integer() || id.get<int64_t>() <= 0) {
      return make_error("invalid_write", "gift_variants holds variant ids");
    }
    variant_ids.push_back(variant_gid(id.get<int64_t>()));
  }
  for (const Json& handle : collections) {
    if (!handle.is_string()) return make_error("invalid_write", "collections holds handles");
  }

  // The gifts' products, in gift order. A deleted variant comes back as a null node: skipped.
  std::vector<std::string> gift_products;
  for (std::size_t from = 0; from < variant_ids.size() && gift_products.size() < kMaxGiftProducts;
       from += kIdsPerQuery) {
    const std::size_t to = std::min(variant_ids.size(), from + kIdsPerQuery);
    const std::vector<std::string> ids(variant_ids.begin() + from, variant_ids.begin() + to);
    auto data =
        api.call(shop, token, kGiftVariants, {{"ids", ids}}, 1 + 2 * static_cast<int>(ids.size()));
    if (!data) return data.error();
    for (const Json& node : data.value().value("nodes", Json::array())) {
      if (!node.is_object()) continue;
      const Json handle = value_at(node, "/product/handle"_json_pointer, Json());
      if (!handle.is_string() || gift_products.size() >= kMaxGiftProducts) continue;
      const std::string& text = handle.get_ref<const std::string&>();
      if (std::find(gift_products.begin(), gift_products.end(), text) == gift_products.end()) {
        gift_products.push_back(text);
      }
    }
  }

  // The named collections' products. A handle no collection has adds nothing.
  std::map<int64_t, ProductFacts> products;
  for (const Json& handle : collections) {
    auto data =
        api.call(shop, token, kCollectionProducts, {{"handle", handle}}, kCollectionQueryCost);
    if (!data) return data.error();
    const Json found = data.value().value("collectionByIdentifier", Json());
    if (!found.is_object()) continue;
    for (const Json& product : value_at(found, "/products/nodes"_json_pointer, Json::array())) {
      const int64_t id = gid_number(field_or(product, "id", std::string()));
      if (id <= 0) continue;
      auto entry = products.find(id);
      if (entry == products.end()) {
        if (products.size() >= kMaxFactProducts) continue;
        entry = products.emplace(id, product_facts(product)).first;
      }
      entry->second.collections.push_back(handle.get<std::string>());
    }
  }

  // In the order the storefront's readers expect to find them; products by ascending id.
  using OrderedJson = nlohmann::ordered_json;
  OrderedJson document = {
      {"program",
       {{"id", program["id"].get<std::string>()}, {"version", program["version"].get<int64_t>()}}},
      {"shop_currency", currency.get<std::string>()},
      {"gift_products", gift_products},
      {"products", OrderedJson::object()}};
  // The digest of the theme settings the server last read (theme_sync.cpp): a page whose
  // rendered settings give another tells the app to sync.
  const Json theme_checkout = payload.value("theme_checkout", Json());
  if (theme_checkout.is_string()) document["theme_checkout"] = theme_checkout.get<std::string>();
  OrderedJson& by_id = document["products"];
  for (auto& [id, facts] : products) {
    // Sorted, each once: the same facts give the same bytes.
    std::sort(facts.collections.begin(), facts.collections.end());
    facts.collections.erase(std::unique(facts.collections.begin(), facts.collections.end()),
                            facts.collections.end());
    by_id[std::to_string(id)] = {{"collections", facts.collections},
                                 {"tags", facts.tags},
                                 {"product_type", facts.product_type}};
  }
  // Shopify's JSON is UTF-8; a byte that is not would be replaced rather than throw.
  const auto dump = [](const OrderedJson& json) {
    return json.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
  };
  std::string value = dump(document);
  // Over the metafield's limit: the products with the highest ids are left out until it fits
  // (a product left out is judged by what Liquid knows of the cart); the gifts always stay.
  if (value.size() >= kMaxContextBytes) {
    std::size_t size = value.size();
    while (size >= kMaxContextBytes && !by_id.empty()) {
      const auto last = std::prev(by_id.end());
      size -= last.key().size() + 4 + dump(last.value()).size();  // "key":value,
      by_id.erase(last);
    }
    value = dump(document);
    if (value.size() >= kMaxContextBytes) {
      by_id.clear();
      value = dump(document);
    }
  }

  const Json metafield = {{"ownerId", installation},
                          {"namespace", "tiercart"},
                          {"key", "context"},
                          {"type", "json"},
                          {"value", value}};
  auto data = api.call(shop, token, kMetafieldsSet, {{"metafields", Json::array({metafield})}});
  if (!data) return data.error();
  return user_errors(data.value(), "metafieldsSet");
}

}  // namespace

Result<bool> deliver_write(AdminApi& api, const std::string& shop, const std::string& token,
                           const std::string& kind, const std::string& payload_text) {
  auto payload = payload_of(payload_text);
  if (!payload) return payload.error();
  if (kind == "tags_add") return add_tags(api, shop, token, payload.value());
  if (kind == "order_update") return update_address(api, shop, token, payload.value());
  if (kind == "metafields_set") return set_metafields(api, shop, token, payload.value());
  if (kind == "order_edit") return add_item(api, shop, token, payload.value());
  if (kind == "storefront_facts") {
    return publish_storefront_facts(api, shop, token, payload.value());
  }
  return make_error("unknown_write", "this server does not deliver writes of kind " + kind);
}

OutboxWrite tags_write(const std::string& shop, int64_t order_id,
                       const std::vector<std::string>& tags) {
  Json payload = {{"order_id", order_id}, {"tags", tags}};
  return {shop, "tags_add", "tags:" + std::to_string(order_id), payload.dump()};
}

OutboxWrite address_write(const std::string& shop, int64_t order_id,
                          const std::string& address_json, int64_t decided_at) {
  Json address = Json::parse(address_json, nullptr, false);
  if (address.is_discarded()) address = Json::object();
  Json payload = {{"order_id", order_id}, {"shipping_address", address}};
  // Every change of address is its own write; delivered in order, the last one stays.
  return {shop, "order_update",
          "address:" + std::to_string(order_id) + ":" + std::to_string(decided_at), payload.dump()};
}

OutboxWrite add_item_write(const std::string& shop, int64_t order_id, const std::string& offer_json,
                           int64_t expected_units) {
  const Json offer = Json::parse(offer_json, nullptr, false);
  const auto field = [&](const char* name, const Json& fallback) {
    return offer.is_object() ? offer.value(name, fallback) : fallback;
  };
  const Json id = field("id", "");
  const std::string offer_id = id.is_string() ? id.get<std::string>() : std::string();
  Json payload = {{"order_id", order_id},
                  {"offer_id", offer_id},
                  {"variant_id", field("variant_id", 0)},
                  {"quantity", field("quantity", 1)},
                  {"expected_units", expected_units}};
  // OrderEditAppliedDiscountInput from the core's offer: a percentage as the rule gives it, a
  // fixed amount as the core formatted it, for the whole line, in the order's currency.
  const Json discount = field("discount", Json());
  if (discount.is_object() && discount.value("amount", int64_t{0}) > 0) {
    Json input = {{"description", discount.value("title", "")}};
    if (discount.value("value_type", "") == "percentage") {
      input["percentValue"] = std::strtod(discount.value("value", "0").c_str(), nullptr);
    } else {
      input["fixedValue"] = {{"amount", discount.value("value", "0")},
                             {"currencyCode", value_at(offer, "/price/currency"_json_pointer, "")}};
    }
    payload["discount"] = input;
  }
  // One offer is added to an order once (the edit itself is stored once per offer).
  return {shop, "order_edit", "offer:" + std::to_string(order_id) + ":" + offer_id, payload.dump()};
}

}  // namespace tiercart::server
