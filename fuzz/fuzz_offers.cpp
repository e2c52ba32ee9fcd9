// libFuzzer: an order, an offer catalog and a context, split on the first two NUL bytes,
// through select_offers_json: a value or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tiercart/post_purchase.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string_view parts[3];
  for (int i = 0; i < 2; ++i) {
    const std::size_t nul = rest.find('\0');
    if (nul == std::string_view::npos) break;
    parts[i] = rest.substr(0, nul);
    rest.remove_prefix(nul + 1);
  }
  parts[2] = rest;
  (void)tiercart::select_offers_json(parts[0], parts[1], parts[2]);
  // The catalog alone too, so that mutations of a lone catalog reach its parser.
  (void)tiercart::parse_offer_catalog(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
