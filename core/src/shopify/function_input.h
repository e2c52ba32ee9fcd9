// Private: a Shopify Function input read into the core's values, through the core's one JSON
// reader (json/reader.h) and a single walk of its tree that keeps only what tiercart uses.
// Shopify meters a Function by the Wasm instructions it executes (11 million at most):
// docs/function.md, "Instruction budget".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tiercart/cart.h"
#include "tiercart/result.h"

namespace tiercart::detail {

struct FunctionInput {
  std::optional<std::string> program_json;  // the metafield's value
  Cart cart;
  Context context;
  std::vector<std::string> line_ids;         // GraphQL ids of cart.items, in order
  std::vector<std::string> delivery_groups;  // GraphQL ids
  bool product_class = true;                 // the discount may discount products
  bool shipping_class = true;                // ... and shipping
  // Shopify's answers to "has the shop's clock reached schedule moment i?"
  // (`shop.localTime.after<i>: dateTimeAfter(dateTime: $scheduleAt<i>)`), by i; a moment
  // left unanswered is unknown.
  std::vector<std::optional<bool>> moments_reached;
};

Result<FunctionInput> parse_function_input(std::string_view text);

}  // namespace tiercart::detail
