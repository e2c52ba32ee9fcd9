// The browser's door to the core: one Embind table over the JSON boundary in
// tiercart/tiercart.h. Strings in, an Outcome out; no class_ handles (nothing to delete()),
// and no throw anywhere: a bad document comes back as an Outcome whose json is the error.

#include <emscripten/bind.h>

#include <string>

#include "tiercart/tiercart.h"

namespace {

// What every call returns to JavaScript. `json` is byte-for-byte what the native build
// gives for the same input: the result document when ok, else tiercart::to_json(error).
struct Outcome {
  bool ok = false;
  std::string json;
};

Outcome outcome(const tiercart::Result<std::string>& result) {
  if (result) return Outcome{true, result.value()};
  return Outcome{false, tiercart::to_json(result.error())};
}

Outcome evaluate(const std::string& program, const std::string& cart, const std::string& context) {
  return outcome(tiercart::evaluate_json(program, cart, context));
}

Outcome validate_cart(const std::string& program, const std::string& cart,
                      const std::string& context) {
  return outcome(tiercart::validate_cart_json(program, cart, context));
}

Outcome validate_order(const std::string& program, const std::string& order,
                       const std::string& context) {
  return outcome(tiercart::validate_order_json(program, order, context));
}

Outcome check_program(const std::string& program, const std::string& context) {
  return outcome(tiercart::check_program_json(program, context));
}

std::string version() { return tiercart::version(); }

}  // namespace

EMSCRIPTEN_BINDINGS(tiercart) {
  emscripten::value_object<Outcome>("Outcome")
      .field("ok", &Outcome::ok)
      .field("json", &Outcome::json);

  emscripten::function("evaluate", &evaluate);
  emscripten::function("validateCart", &validate_cart);
  emscripten::function("validateOrder", &validate_order);
  emscripten::function("checkProgram", &check_program);
  emscripten::function("version", &version);
}
