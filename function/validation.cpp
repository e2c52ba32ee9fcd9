// tiercart-validation.wasm: the Cart and Checkout Validation Function, one export.

#include <emscripten/emscripten.h>

#include <cstdlib>

#include "run.h"

extern "C" EMSCRIPTEN_KEEPALIVE void cart_validations_generate_run() {
  const int status = tiercart::function::run(tiercart::FunctionTarget::kCartValidations);
  if (status != 0) std::exit(status);
}

int main() { return tiercart::function::run(tiercart::FunctionTarget::kCartValidations); }
