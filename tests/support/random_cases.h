// Random but reproducible programs, carts and contexts, as the JSON documents a store would
// send. The same seed gives the same documents on every platform (no std distributions),
// so a failing seed can be replayed against the native and the wasm builds alike.
#pragma once

#include <cstdint>
#include <string>

namespace tiercart::testing {

struct RandomCase {
  std::string program;
  std::string cart;
  std::string context;
};

RandomCase random_case(uint64_t seed);

// Applies an evaluation's actions (its JSON) to a cart.js document the way the AJAX Cart
// API would: removes and changes by line, additions as new lines priced from the context.
// Returns the new cart document.
std::string apply_actions(const std::string& cart_json, const std::string& evaluation_json,
                          const std::string& context_json);

}  // namespace tiercart::testing
