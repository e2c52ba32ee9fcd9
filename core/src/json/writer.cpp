#include <charconv>
#include <cmath>
#include <cstring>
#include <nlohmann/detail/conversions/to_chars.hpp>

#include "json/utf8.h"
#include "tiercart/json_writer.h"

namespace tiercart {

namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8
// Strings up to this long are quoted on the stack before they are appended.
constexpr std::size_t kShort = 62;

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  const std::size_t size = text.size();
  // Runs of printable ASCII but the quote and backslash (the common case: every key and
  // nearly every value) are found eight bytes at a time and copied in one append; the text
  // of a 20-line evaluation cost ~13 instructions a byte scanned one at a time.
  std::size_t run = detail::plain_run(text.data(), 0, size);
  if (run == size) {
    // Quoted in a buffer and appended with one call: three appends cost more than the copy.
    char quoted[kShort + 2];
    if (size <= kShort) {
      quoted[0] = '"';
      std::memcpy(quoted + 1, text.data(), size);
      quoted[size + 1] = '"';
      out.append(quoted, size + 2);
      return;
    }
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
  after_key_ = true;
  // The core's own keys: "name": put together on the stack and appended with one call (an
  // evaluation has ~80 keys, each three appends and a scan before).
  const std::size_t size = name.size();
  if (size <= kShort && detail::plain_run(name.data(), 0, size) == size) {
    char quoted[kShort + 3];
    quoted[0] = '"';
    std::memcpy(quoted + 1, name.data(), size);
    quoted[size + 1] = '"';
    quoted[size + 2] = ':';
    out_.append(quoted, size + 3);
    return *this;
  }
  append_json_string(out_, name);
  out_ += ':';
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
