// Each kind of write the outbox delivers, and why delivering it twice changes nothing.
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
  const std::pair<const char*, const char*> fields[] = {
      {"first_name", "firstName"}, {"last_name", "lastName"},   {"company", "company"},
      {"address1", "address1"},    {"address2", "address2"},    {"city", "city"},
      {"province_code", "provinceCode"}, {"zip", "zip"},        {"country_code", "countryCode"},
      {"phone", "phone"}};
  for (const auto& [ours, theirs] : fields) {
    const auto value = address->find(ours);
    if (value != address->end() && value->is_string() && !value->get_ref<const std::string&>().empty()) {
      input[theirs] = *value;
    }
  }
  auto data = api.call(shop, token, kOrderUpdate,
                       {{"input", {{"id", order_gid(order_id)}, {"shippingAddress", input}}}});
  if (!data) return data.error();
  return user_errors(data.value(), "orderUpdate");
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
  return make_error("unknown_write", "this server does not deliver writes of kind " + kind);
}

OutboxWrite tags_write(const std::string& shop, int64_t order_id,
                       const std::vector<std::string>& tags) {
  Json payload = {{"order_id", order_id}, {"tags", tags}};
  return {shop, "tags_add", "tags:" + std::to_string(order_id), payload.dump()};
}

}  // namespace tiercart::server
