// Private: well-formed UTF-8 (Unicode, table 3-7: no overlong forms, no surrogates, nothing
// past U+10FFFF), shared by the JSON reader, which refuses anything else, and the JSON writer,
// which prints each ill-formed part as one U+FFFD; and the runs of bytes both pass as they are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
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

// Bytes a string may hold as they are: printable ASCII but the quote and the backslash.
constexpr auto kPlain = [] {
  struct Table {
    bool at[256] = {};
    constexpr bool operator[](unsigned char c) const { return at[c]; }
  } table;
  for (int c = 0x20; c < 0x80; ++c) table.at[c] = c != '"' && c != '\\';
  return table;
}();

// Where the run of plain bytes (kPlain) starting at `at` ends. Eight bytes at a time while
// eight remain: a word with no quote, backslash, control byte or byte >= 0x80 is skipped in
// about a dozen instructions instead of eight table look-ups. A byte's high bit is set in
// the sum below when it is one of those (byte - 1 wraps for the quote and backslash, byte -
// 0x20 for control bytes; bytes >= 0x80 carry theirs); a borrow can only flag bytes above a
// true match, so the lowest flagged byte is exact.
inline std::size_t plain_run(const char* data, std::size_t at, std::size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101u;
  constexpr uint64_t kHigh = 0x8080808080808080u;
  for (; at + 8 <= n; at += 8) {
    uint64_t word;
    std::memcpy(&word, data + at, 8);
    const uint64_t quote = word ^ (kOnes * '"');
    const uint64_t backslash = word ^ (kOnes * '\\');
    const uint64_t flagged =
        ((quote - kOnes) | (backslash - kOnes) | (word - kOnes * 0x20) | word) & kHigh;
    if (flagged != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      return at + static_cast<std::size_t>(__builtin_ctzll(flagged) / 8);
#else
      break;
#endif
    }
  }
  while (at < n && kPlain[static_cast<unsigned char>(data[at])]) ++at;
  return at;
}

}  // namespace tiercart::detail
