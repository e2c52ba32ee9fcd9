// libFuzzer: any bytes as a order document give a value or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tiercart/tiercart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto order = tiercart::parse_order(text);
  if (order) tiercart::with_order(tiercart::Context{}, order.value());
  return 0;
}
