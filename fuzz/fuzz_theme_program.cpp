// libFuzzer: any bytes as a theme's settings_data.json and its options (split at the first NUL)
// give programs and notices or an error, never a crash; and every program it gives reads back
// with parse_program and writes back to the same canonical bytes, so what a server publishes
// for checkout is always a program the Function can read.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tiercart/theme_program.h"
#include "tiercart/tiercart.h"

namespace {

void require_round_trip(const tiercart::Program& program, tiercart::ProgramTexts texts) {
  const std::string written = tiercart::to_json(program, texts);
  auto read = tiercart::parse_program(written);
  if (!read || tiercart::to_json(read.value(), texts) != written) std::abort();
  tiercart::check_program(read.value(), tiercart::Context{});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find('\0');
  const std::string_view settings = input.substr(0, split);
  const std::string_view options = split == std::string_view::npos
                                       ? std::string_view(R"({"currency":"USD"})")
                                       : input.substr(split + 1);
  auto parsed = tiercart::parse_theme_options(options);
  if (!parsed) return 0;
  auto result = tiercart::theme_program(settings, parsed.value());
  if (!result) return 0;
  tiercart::to_json(result.value());
  if (result.value().program) {
    require_round_trip(*result.value().program, tiercart::ProgramTexts::kWith);
    require_round_trip(*result.value().program, tiercart::ProgramTexts::kWithout);
  }
  return 0;
}
