// The server's judgements of a cart's and an order's claims, in wasm only for the tests that
// hold the wasm build to the native one (tests/wasm/): no page calls them, so neither shipped
// module carries them.

#include <emscripten/bind.h>

#include <string>

#include "outcome.h"
#include "tiercart/tiercart.h"

namespace {

using tiercart::wasm::Outcome;
using tiercart::wasm::outcome;

Outcome validate_cart(const std::string& program, const std::string& cart,
                      const std::string& context) {
  return outcome(tiercart::validate_cart_json(program, cart, context));
}

Outcome validate_order(const std::string& program, const std::string& order,
                       const std::string& context) {
  return outcome(tiercart::validate_order_json(program, order, context));
}

}  // namespace

EMSCRIPTEN_BINDINGS(tiercart_checks) {
  emscripten::function("validateCart", &validate_cart);
  emscripten::function("validateOrder", &validate_order);
}
