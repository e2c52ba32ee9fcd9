// The storefront's calls (tiercart-core.wasm): the drawer's evaluation, and the theme
// editor's conversion of its settings and checks of a program. The drawer also converts the
// saved settings it renders, to tell the app when the theme was saved (docs/storefront.md).

#include <emscripten/bind.h>

#include <optional>
#include <string>

#include "outcome.h"
#include "tiercart/evaluate.h"
#include "tiercart/theme_program.h"
#include "tiercart/tiercart.h"

namespace {

using tiercart::wasm::failure;
using tiercart::wasm::Outcome;
using tiercart::wasm::outcome;

// The drawer evaluates one program again and again (its text does not change on a page): it is
// parsed once and kept, keyed by its exact text, in the module (nothing for the page to
// release). The cart and the context change with every call and are read each time. Same
// bytes as evaluate_json for the same documents, errors included and in the same order.
Outcome evaluate(const std::string& program, const std::string& cart, const std::string& context) {
  static std::string kept_text;
  static std::optional<tiercart::Program> kept;
  auto read_context = tiercart::parse_context(context);
  if (!read_context) return failure(read_context.error());
  if (!kept || kept_text != program) {
    auto read_program = tiercart::parse_program(program);
    if (!read_program) return failure(read_program.error());
    kept = std::move(read_program).value();
    kept_text = program;
  }
  auto read_cart = tiercart::parse_cart(cart, read_context.value());
  if (!read_cart) return failure(read_cart.error());
  auto evaluation = tiercart::evaluate(*kept, read_cart.value(), read_context.value());
  if (!evaluation) return failure(evaluation.error());
  return Outcome{true, tiercart::to_json(evaluation.value())};
}

Outcome check_program(const std::string& program, const std::string& context) {
  return outcome(tiercart::check_program_json(program, context));
}

// The theme editor's preview: the program its settings make, as the server makes it.
Outcome theme_program(const std::string& settings_data, const std::string& options) {
  return outcome(tiercart::theme_program_json(settings_data, options));
}

}  // namespace

EMSCRIPTEN_BINDINGS(tiercart_storefront) {
  emscripten::function("evaluate", &evaluate);
  emscripten::function("checkProgram", &check_program);
  emscripten::function("themeProgram", &theme_program);
}
