#include "judge.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "responses.h"

namespace tiercart::server {
namespace {

// A verdict for claims naming a program version this store does not have. Written in the
// core's verdict shape so that clients read one format.
std::string unknown_program_verdict(const std::string& program_id, int64_t version,
                                    const Cart& cart, const std::vector<int>& lines) {
  Json verdict = {{"program", {{"id", program_id}, {"version", version}}}, {"earned", false}};
  Json out_lines = Json::array();
  for (int index : lines) {
    const CartLine& line = cart.items[static_cast<std::size_t>(index)];
    const auto claim = parse_gift_claim(line.properties.at(kGiftProperty));
    out_lines.push_back(
        {{"line", index + 1},
         {"variant_id", line.variant_id},
         {"tier", claim ? claim->tier_id : ""},
         {"earned", false},
         {"claimed_quantity", line.quantity},
         {"earned_quantity", 0},
         {"reason", "unknown_tier"},
         {"message", claim ? "program " + program_id + " version " + std::to_string(version) +
                                 " is not known to this store"
                           : "\"" + line.properties.at(kGiftProperty) + "\" names no program"}});
  }
  verdict["lines"] = std::move(out_lines);
  verdict["tags"] = {"tiercart-flagged", "tiercart-unknown_tier"};
  return dump(verdict);
}

OrderVerdict judge(int64_t order_id, const Cart& cart, const Context& context,
                   const ProgramLookup& lookup) {
  // The programs named, in the order their first line appears; unreadable claims are
  // grouped under an empty program id, which no program has.
  std::vector<std::pair<std::string, int64_t>> named;
  std::map<std::pair<std::string, int64_t>, std::vector<int>> lines_by_program;
  for (std::size_t i = 0; i < cart.items.size(); ++i) {
    auto property = cart.items[i].properties.find(kGiftProperty);
    if (property == cart.items[i].properties.end()) continue;
    const auto claim = parse_gift_claim(property->second);
    const auto key = claim ? std::make_pair(claim->program_id, claim->version)
                           : std::make_pair(std::string(), int64_t{0});
    auto& lines = lines_by_program[key];
    if (lines.empty()) named.push_back(key);
    lines.push_back(static_cast<int>(i));
  }

  OrderVerdict result;
  result.order_id = order_id;
  std::vector<std::string> verdicts;
  auto add_tags = [&result](const std::vector<std::string>& tags) {
    for (const auto& tag : tags) {
      if (std::find(result.tags.begin(), result.tags.end(), tag) == result.tags.end()) {
        result.tags.push_back(tag);
      }
    }
  };
  for (const auto& key : named) {
    std::shared_ptr<const Program> program =
        key.first.empty() ? nullptr : lookup(key.first, key.second);
    if (!program) {
      verdicts.push_back(
          unknown_program_verdict(key.first, key.second, cart, lines_by_program[key]));
      result.earned = false;
      add_tags({"tiercart-flagged", "tiercart-unknown_tier"});
      continue;
    }
    auto verdict = validate(*program, cart, context);
    if (!verdict) {
      // The order cannot be judged against this program (a currency with no rate, say):
      // flag it for a person rather than refuse the webhook, which Shopify would retry
      // and finally stop sending.
      Json failed = {{"program", {{"id", key.first}, {"version", key.second}}},
                     {"earned", false},
                     {"lines", Json::array()},
                     {"error", Json::parse(to_json(verdict.error()), nullptr, false)},
                     {"tags", {"tiercart-flagged", "tiercart-" + verdict.error().code}}};
      verdicts.push_back(dump(failed));
      result.earned = false;
      add_tags({"tiercart-flagged", "tiercart-" + verdict.error().code});
      continue;
    }
    verdicts.push_back(to_json(verdict.value()));
    result.earned = result.earned && verdict.value().earned;
    add_tags(verdict.value().tags);
  }
  if (!result.earned) {
    result.tags.erase(std::remove(result.tags.begin(), result.tags.end(), "tiercart-verified"),
                      result.tags.end());
  }

  result.json = "{\"order_id\":" + std::to_string(order_id) +
                ",\"earned\":" + (result.earned ? "true" : "false") +
                ",\"tags\":" + json_strings(result.tags) + ",\"verdicts\":[";
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    if (i) result.json += ',';
    result.json += verdicts[i];
  }
  result.json += "]}";
  return result;
}

}  // namespace

OrderVerdict judge_order(const Order& order, Context context, const ProgramLookup& lookup) {
  return judge(order.id, order.cart, with_order(std::move(context), order), lookup);
}

OrderVerdict judge_cart(const Cart& cart, const Context& context, const ProgramLookup& lookup) {
  return judge(0, cart, context, lookup);
}

std::string json_string(const std::string& text) { return dump(Json(text)); }

std::string json_strings(const std::vector<std::string>& texts) { return dump(Json(texts)); }

}  // namespace tiercart::server
