#include <charconv>
#include <cmath>
#include <nlohmann/detail/conversions/to_chars.hpp>

#include "json/utf8.h"
#include "tiercart/json_writer.h"

namespace tiercart {

namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  const std::size_t size = text.size();
  // Runs of printable ASCII but the quote and backslash (the common case: every key and
  // nearly every value) are found eight bytes at a time and copied in one append; the text
  // of a 20-line evaluation cost ~13 instructions a byte scanned one at a time.
  std::size_t run = detail::plain_run(text.data(), 0, size);
  if (run == size) {
    out += '"';
    out.append(text.data(), size);
    out += '"';
    return;
  }
  out += '"';
  std::size_t i = 0;
  while (i < size) {
    if (run < i) run = detail::plain_run(text.data(), i, size);
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
    // An ill-formed part (a byte that starts nothing, or a sequence's start up to the first
    // byte that does not fit, which is read again as the start of what follows) becomes one
    // U+FFFD.
    std::size_t length = 0;
    const std::size_t valid = detail::utf8_valid_prefix(text.substr(i), length);
    if (length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (valid == length) {
      out.append(text.data() + i, length);
    } else {
      out += kReplacement;
    }
    i += valid;
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

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  append_json_string(out_, name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::number(int64_t value) {
  separate();
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;  // 24 characters always hold an int64
  out_.append(buffer, end);
  return *this;
}

JsonWriter& JsonWriter::unsigned_number(uint64_t value) {
  separate();
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;
  out_.append(buffer, end);
  return *this;
}

}  // namespace tiercart
