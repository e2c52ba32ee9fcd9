// The storefront's calls (tiercart-core.wasm): the drawer's evaluation, and the theme
// editor's conversion of its settings and checks of a program. The drawer also converts the
// saved settings it renders, to tell the app when the theme was saved (docs/storefront.md).

#include <emscripten/bind.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
Outcome evaluate_texts(std::string_view program, std::string_view cart, std::string_view context) {
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

Outcome evaluate(const std::string& program, const std::string& cart, const std::string& context) {
  return evaluate_texts(program, cart, context);
}

// The page's way in for evaluate, the drawer's hot call: Embind copies a std::string argument
// into the module one UTF-16 unit at a time in JavaScript (about 30 µs for a 20-line cart's
// 8 KB in Node), where TextEncoder.encodeInto writes the same bytes in under 1 µs. So the
// wrapper writes the program, the cart and the context one after the other into this buffer
// and they are evaluated in place. A fixed buffer in the module's static memory: nothing for
// the page to free, and no heap block that grows and fragments the heap; documents that do not
// fit (a cart of several hundred lines) go through Embind's copy instead.
constexpr size_t kInputBytes = 256 * 1024;
alignas(8) char input[kInputBytes];

// Where the page writes `bytes` of documents, or 0 when they do not fit.
uintptr_t input_buffer(size_t bytes) {
  return bytes <= kInputBytes ? reinterpret_cast<uintptr_t>(input) : 0;
}

Outcome evaluate_input(size_t program_bytes, size_t cart_bytes, size_t context_bytes) {
  if (program_bytes > kInputBytes || cart_bytes > kInputBytes - program_bytes ||
      context_bytes > kInputBytes - program_bytes - cart_bytes) {
    return failure(tiercart::make_error("too_large", "the documents overrun the input buffer"));
  }
  const std::string_view all(input, kInputBytes);
  return evaluate_texts(all.substr(0, program_bytes), all.substr(program_bytes, cart_bytes),
                        all.substr(program_bytes + cart_bytes, context_bytes));
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
  emscripten::function("inputBuffer", &input_buffer);
  emscripten::function("evaluateInput", &evaluate_input);
  emscripten::function("checkProgram", &check_program);
  emscripten::function("themeProgram", &theme_program);
}
