// libFuzzer: any bytes as a cart document give a value or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tiercart/tiercart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto cart = tiercart::parse_cart(text, tiercart::Context{});
  if (cart) tiercart::validate(tiercart::Program{}, cart.value(), tiercart::Context{});
  return 0;
}
