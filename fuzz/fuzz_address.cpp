// libFuzzer: an address and its options, split on the first NUL byte, through
// check_address_json: a value or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tiercart/post_purchase.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = text.find('\0');
  std::string_view address = text.substr(0, nul);
  std::string_view options =
      nul == std::string_view::npos ? std::string_view{} : text.substr(nul + 1);
  (void)tiercart::check_address_json(address, options);
  return 0;
}
