#include "json_writer.h"

#include <charconv>
#include <cmath>
#include <nlohmann/detail/conversions/to_chars.hpp>

namespace tiercart::detail {

namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// The bytes a well-formed UTF-8 sequence starting with `lead` may have second (Unicode,
// table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF) and its length;
// 0 for a byte that starts no sequence.
int sequence_length(unsigned char lead, unsigned char& low, unsigned char& high) {
  low = 0x80;
  high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
    return 4;
  }
  return 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    // Runs of printable ASCII (the common case) are copied in one append.
    std::size_t run = i;
    while (run < size) {
      const unsigned char c = static_cast<unsigned char>(text[run]);
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
      ++run;
    }
    if (run > i) {
      out.append(text.data() + i, run - i);
      i = run;
      if (i == size) break;
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out += '\\';
      switch (c) {
        case '"':
        case '\\':
          out += static_cast<char>(c);
          break;
        case '\b':
          out += 'b';
          break;
        case '\f':
          out += 'f';
          break;
        case '\n':
          out += 'n';
          break;
        case '\r':
          out += 'r';
          break;
        case '\t':
          out += 't';
          break;
        default:
          out += "u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
      }
      ++i;
      continue;
    }
    unsigned char low = 0;
    unsigned char high = 0;
    const int length = sequence_length(c, low, high);
    if (length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    // The sequence's continuation bytes; the first that does not fit ends the invalid
    // part (which becomes one U+FFFD) and is read again as the start of what follows.
    int valid = 1;
    while (valid < length && i + valid < size) {
      const unsigned char next = static_cast<unsigned char>(text[i + valid]);
      if (next < low || next > high) break;
      low = 0x80;
      high = 0xBF;
      ++valid;
    }
    if (valid == length) {
      out.append(text.data() + i, static_cast<std::size_t>(length));
    } else {
      out += kReplacement;
    }
    i += static_cast<std::size_t>(valid);
  }
  out += '"';
}

void append_json_double(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  // nlohmann's Grisu2 digits are not always the shortest (for about 3 doubles in 1000 it
  // prints 17 digits where 16 read back), and the text must not change: its standalone
  // number formatter, without the JSON tree and serializer, prints them.
  char buffer[32];
  char* end = nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

Writer& Writer::key(std::string_view name) {
  separate();
  append_json_string(out_, name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

Writer& Writer::number(int64_t value) {
  separate();
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;  // 24 characters always hold an int64
  out_.append(buffer, end);
  return *this;
}

Writer& Writer::unsigned_number(uint64_t value) {
  separate();
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;
  out_.append(buffer, end);
  return *this;
}

}  // namespace tiercart::detail
