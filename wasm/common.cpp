// In the storefront's and the order page's modules: money formatting (the drawer's and the
// order page's amounts) and the core's version. Strings in, an Outcome out; no class_ handles
// (nothing to delete()), and no throw anywhere: a bad document comes back as an Outcome whose json
// is the error.

#include <emscripten/bind.h>

#include <cstdint>
#include <string>

#include "outcome.h"
#include "tiercart/tiercart.h"

namespace {

using tiercart::wasm::Outcome;

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

EMSCRIPTEN_BINDINGS(tiercart_common) {
  emscripten::function("formatMoney", &format_money);
  emscripten::function("version", &version);
}
