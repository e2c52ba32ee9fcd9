// Private: well-formed UTF-8 (Unicode, table 3-7: no overlong forms, no surrogates, nothing
// past U+10FFFF), shared by the JSON reader, which refuses anything else, and the JSON writer,
// which prints each ill-formed part as one U+FFFD.
#pragma once

#include <cstddef>
#include <string_view>

namespace tiercart::detail {

// For the sequence starting at text[0], a byte >= 0x80: `length` is how long its first byte
// says it is (2 to 4; 0 when that byte starts no sequence), and the result is how many of its
// bytes are there and well-formed, the first included (== length when the whole sequence is;
// 0 when length is 0).
inline std::size_t utf8_valid_prefix(std::string_view text, std::size_t& length) {
  const auto lead = static_cast<unsigned char>(text[0]);
  // The range of the second byte; every later one is 0x80..0xBF.
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    length = 0;
    return 0;
  }
  std::size_t valid = 1;
  while (valid < length && valid < text.size()) {
    const auto next = static_cast<unsigned char>(text[valid]);
    if (next < low || next > high) break;
    low = 0x80;
    high = 0xBF;
    ++valid;
  }
  return valid;
}

}  // namespace tiercart::detail
