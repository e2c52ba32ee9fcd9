// In every module: the Outcome type every call returns (outcome.h), registered once.

#include "outcome.h"

#include <emscripten/bind.h>

EMSCRIPTEN_BINDINGS(tiercart_outcome) {
  emscripten::value_object<tiercart::wasm::Outcome>("Outcome")
      .field("ok", &tiercart::wasm::Outcome::ok)
      .field("json", &tiercart::wasm::Outcome::json);
}
