// libFuzzer: any bytes as a program document give a value or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tiercart/tiercart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto program = tiercart::parse_program(text);
  if (program) tiercart::check_program(program.value(), tiercart::Context{});
  return 0;
}
