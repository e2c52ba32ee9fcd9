// Each kind of write the outbox delivers, and why delivering it twice changes nothing.
#include <cstdlib>
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
  for (const Json& line : found.value("/lineItems/nodes"_json_pointer, Json::array())) {
    if (line.value("/variant/id"_json_pointer, Json()) == variant_gid) {
      held += line.value("currentQuantity", int64_t{0});
    }
  }
  if (held >= expected) return true;  // applied before
  auto begun = api.call(shop, token, kEditBegin, {{"id", order_gid(order_id)}});
  if (!begun) return begun.error();
  if (auto refused = user_errors(begun.value(), "orderEditBegin"); !refused) return refused;
  const Json calculated =
      begun.value().value("/orderEditBegin/calculatedOrder/id"_json_pointer, Json());
  if (!calculated.is_string()) return make_error("shopify_unavailable", "no calculated order");
  auto added = api.call(shop, token, kEditAddVariant,
                        {{"id", calculated}, {"variantId", variant_gid}, {"quantity", quantity}});
  if (!added) return added.error();
  if (auto refused = user_errors(added.value(), "orderEditAddVariant"); !refused) return refused;
  // The offer's discount on the added line, in the same edit: committed together or not at all.
  const Json discount = payload.value("discount", Json());
  if (discount.is_object()) {
    const Json line =
        added.value().value("/orderEditAddVariant/calculatedLineItem/id"_json_pointer, Json());
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

}  // namespace

Result<bool> deliver_write(AdminApi& api, const std::string& shop, const std::string& token,
                           const std::string& kind, const std::string& payload_text) {
  auto payload = payload_of(payload_text);
  if (!payload) return payload.error();
  if (kind == "tags_add") return add_tags(api, shop, token, payload.value());
  if (kind == "order_update") return update_address(api, shop, token, payload.value());
  if (kind == "metafields_set") return set_metafields(api, shop, token, payload.value());
  if (kind == "order_edit") return add_item(api, shop, token, payload.value());
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
                             {"currencyCode", offer.value("/price/currency"_json_pointer, "")}};
    }
    payload["discount"] = input;
  }
  // One offer is added to an order once (the edit itself is stored once per offer).
  return {shop, "order_edit", "offer:" + std::to_string(order_id) + ":" + offer_id, payload.dump()};
}

}  // namespace tiercart::server
