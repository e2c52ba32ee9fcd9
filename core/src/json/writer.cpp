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

void JsonWriter::grow(std::size_t n) {
  // At least double, and at least what was reserved: resize only writes zeros past size_.
  std::size_t size = out_.size() * 2;
  if (size < size_ + n) size = size_ + n;
  if (size < out_.capacity()) size = out_.capacity();
  if (size < 256) size = 256;
  out_.resize(size);
}

// `value` as a JSON string, followed by ':' for a key: plain text (the core's own keys, nearly
// every value) is quoted in place; text to escape goes through append_json_string.
void JsonWriter::quoted(std::string_view value, bool colon) {
  const std::size_t size = value.size();
  if (detail::plain_run(value.data(), 0, size) == size) {
    char* at = room(size + 3);
    at[0] = '"';
    std::memcpy(at + 1, value.data(), size);
    at[size + 1] = '"';
    at[size + 2] = ':';  // kept only for a key: size_ says what was written
    size_ += size + (colon ? 3 : 2);
    return;
  }
  trim();
  append_json_string(out_, value);
  if (colon) out_ += ':';
  size_ = out_.size();
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  after_key_ = true;
  // An evaluation has ~80 keys: each was three appends and a scan before.
  quoted(name, true);
  return *this;
}

JsonWriter& JsonWriter::text(std::string_view value) {
  separate();
  quoted(value, false);
  return *this;
}

JsonWriter& JsonWriter::number(int64_t value) {
  separate();
  char* at = room(24);  // 24 characters always hold an int64
  auto [end, ec] = std::to_chars(at, at + 24, value);
  (void)ec;
  size_ += static_cast<std::size_t>(end - at);
  return *this;
}

JsonWriter& JsonWriter::unsigned_number(uint64_t value) {
  separate();
  char* at = room(24);
  auto [end, ec] = std::to_chars(at, at + 24, value);
  (void)ec;
  size_ += static_cast<std::size_t>(end - at);
  return *this;
}

}  // namespace tiercart
