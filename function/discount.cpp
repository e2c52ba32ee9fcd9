// tiercart-discount.wasm: one Discount Function extension with two targets, one export each.
// Shopify calls the export its toml names; _start (main) runs the one TIERCART_TARGET names,
// for tools that can only start a command (wasm-interp --wasi in bench/function/).

#include <emscripten/emscripten.h>

#include <cstdlib>
#include <cstring>

#include "run.h"

using tiercart::FunctionTarget;

extern "C" {

EMSCRIPTEN_KEEPALIVE void cart_lines_discounts_generate_run() {
  const int status = tiercart::function::run(FunctionTarget::kCartLinesDiscounts);
  if (status != 0) std::exit(status);
}

EMSCRIPTEN_KEEPALIVE void cart_delivery_options_discounts_generate_run() {
  const int status = tiercart::function::run(FunctionTarget::kDeliveryDiscounts);
  if (status != 0) std::exit(status);
}

}  // extern "C"

int main() {
  const char* target = std::getenv("TIERCART_TARGET");
  if (target && std::strcmp(target, "cart.delivery-options.discounts.generate.run") == 0) {
    return tiercart::function::run(FunctionTarget::kDeliveryDiscounts);
  }
  return tiercart::function::run(FunctionTarget::kCartLinesDiscounts);
}
