// libFuzzer: a program, a cart and a context cut from one input (separated by NUL bytes)
// run through evaluation and validation: errors are fine, crashes and hangs are not.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tiercart/tiercart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string_view parts[3];
  for (auto& part : parts) {
    const auto cut = rest.find('\0');
    part = rest.substr(0, cut);
    rest = cut == std::string_view::npos ? std::string_view() : rest.substr(cut + 1);
  }
  tiercart::evaluate_json(parts[0], parts[1], parts[2]);
  tiercart::validate_cart_json(parts[0], parts[1], parts[2]);
  return 0;
}
