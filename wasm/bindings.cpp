// The browser's door to the core: one Embind table over the JSON boundary in
// tiercart/tiercart.h. Strings in, an Outcome out; no class_ handles (nothing to delete()),
// and no throw anywhere: a bad document comes back as an Outcome whose json is the error.

#include <emscripten/bind.h>

#include <optional>
#include <string>

#include "tiercart/evaluate.h"
#include "tiercart/post_purchase.h"
#include "tiercart/theme_program.h"
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

Outcome failure(const tiercart::Error& error) { return Outcome{false, tiercart::to_json(error)}; }

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

Outcome select_offers(const std::string& order, const std::string& offers,
                      const std::string& context) {
  return outcome(tiercart::select_offers_json(order, offers, context));
}

Outcome edit_eligibility(const std::string& order, const std::string& policy,
                         const std::string& now) {
  return outcome(tiercart::edit_eligibility_json(order, policy, now));
}

Outcome check_address(const std::string& address, const std::string& options) {
  return outcome(tiercart::check_address_json(address, options));
}

// The theme editor's preview: the program its settings make, as the server makes it.
Outcome theme_program(const std::string& settings_data, const std::string& options) {
  return outcome(tiercart::theme_program_json(settings_data, options));
}

// JavaScript numbers carry integers exactly up to 2^53; anything else is refused here, so
// no fraction of a cent ever reaches the core.
Outcome format_money(double value, const std::string& currency, const std::string& format,
                     const std::string& cart_amounts) {
  if (!(value >= -9007199254740991.0 && value <= 9007199254740991.0) ||
      value != static_cast<double>(static_cast<int64_t>(value))) {
    return Outcome{false, tiercart::to_json(tiercart::make_error(
                              "invalid_amount", "amounts are whole numbers of minor units"))};
  }
  auto mode = tiercart::parse_cart_amounts(cart_amounts.empty() ? "cents" : cart_amounts);
  if (!mode) {
    return Outcome{false, tiercart::to_json(tiercart::make_error(
                              "invalid_value", "cart_amounts is cents or minor_units"))};
  }
  auto text = tiercart::format_cart_money(static_cast<int64_t>(value), currency, format, *mode);
  if (!text) return Outcome{false, tiercart::to_json(text.error())};
  // A JSON string, so that the wrapper reads every Outcome the same way.
  std::string quoted = "\"";
  for (char c : text.value()) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    quoted += c;
  }
  return Outcome{true, quoted + "\""};
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
  emscripten::function("formatMoney", &format_money);
  emscripten::function("selectOffers", &select_offers);
  emscripten::function("editEligibility", &edit_eligibility);
  emscripten::function("checkAddress", &check_address);
  emscripten::function("themeProgram", &theme_program);
  emscripten::function("version", &version);
}
