#include "json/reader.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "json/utf8.h"
#include "tiercart/json_writer.h"
#include "tiercart/tiercart.h"
#include "tiercart/time.h"

namespace tiercart::detail {

namespace {

// Depth of the deepest array or object, skipping string contents. Stops early once the
// limit is passed: the point is to refuse hostile nesting before the parser sees it.
int nesting_depth(std::string_view text, int limit) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

// std::string's order (byte-wise, as unsigned char), inline: keys differ early.
inline bool key_less(std::string_view a, std::string_view b) {
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
  }
  return a.size() < b.size();
}

// a[0, n) == b[0, n) for keys and literals, which are mostly 2 to 24 bytes: two overlapping
// word compares (of 8 or 4 bytes) instead of a call to memcmp, which cost more than the
// compare itself for such short keys (cart.js's "id", "key", "price", "original_line_price").
inline bool same_bytes(const char* a, const char* b, std::size_t n) {
  if (n >= 8) {
    if (n > 24) return std::memcmp(a, b, n) == 0;
    uint64_t a0, b0, a1, b1, a2 = 0, b2 = 0;
    std::memcpy(&a0, a, 8);
    std::memcpy(&b0, b, 8);
    std::memcpy(&a1, a + n - 8, 8);
    std::memcpy(&b1, b + n - 8, 8);
    if (n > 16) {
      std::memcpy(&a2, a + 8, 8);
      std::memcpy(&b2, b + 8, 8);
    }
    return ((a0 ^ b0) | (a1 ^ b1) | (a2 ^ b2)) == 0;
  }
  if (n >= 4) {
    uint32_t a0, b0, a1, b1;
    std::memcpy(&a0, a, 4);
    std::memcpy(&b0, b, 4);
    std::memcpy(&a1, a + n - 4, 4);
    std::memcpy(&b1, b + n - 4, 4);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// One pass over the text without recursion: the values of the containers still open wait
// on `stack_`; when a container closes, its children move as one block to the document's
// nodes (so that an array's elements and an object's members sit side by side), the
// object's members sorted by key with repeated keys dropped but the last.
class Parser {
 public:
  Parser(std::string_view in, Document& doc) : in_(in), doc_(doc) {
    // About one value per 16 bytes of a typical cart: most documents never grow the nodes.
    doc_.nodes_.reserve(in.size() / 16 + 8);
    stack_.reserve(64);
  }

  bool run() {
    if (in_.size() >= 3 && static_cast<unsigned char>(in_[0]) == 0xEF &&
        static_cast<unsigned char>(in_[1]) == 0xBB && static_cast<unsigned char>(in_[2]) == 0xBF) {
      pos_ = 3;
    }
    std::string_view key;  // the key of the next value, inside an object
    for (;;) {
      skip_space();
      if (pos_ >= in_.size()) return false;
      const char c = in_[pos_];
      // Each value is made in place on top of stack_ (a container by close()), not copied
      // there from a local.
      if (c == '{' || c == '[') {
        const bool object = c == '{';
        if (open_.size() >= static_cast<std::size_t>(kMaxDepth)) return false;
        open_.push_back(Open{object, stack_.size(), pos_, key});
        ++pos_;
        skip_space();
        if (pos_ < in_.size() && in_[pos_] == (object ? '}' : ']')) {
          ++pos_;
          close();
        } else {
          key = {};
          if (object && !read_key(key)) return false;
          continue;
        }
      } else {
        Value& value = stack_.emplace_back();
        if (!scalar(value)) return false;
        value.key_ = key;
      }
      // Attach the value; close every container that ends right after it.
      for (;;) {
        if (open_.empty()) {
          doc_.root_ = stack_.back();
          skip_space();
          // nlohmann reads a NUL byte where a token starts as the end of the input (for
          // C strings), so whatever follows one after the value is ignored there too.
          return pos_ == in_.size() || in_[pos_] == '\0';
        }
        skip_space();
        if (pos_ >= in_.size()) return false;
        const bool object = open_.back().object;
        const char next = in_[pos_];
        if (next == ',') {
          ++pos_;
          key = {};
          if (object) {
            skip_space();
            if (!read_key(key)) return false;
          }
          break;
        }
        if (next != (object ? '}' : ']')) return false;
        ++pos_;
        close();
      }
    }
  }

  // Points every container at its children, now that the nodes no longer move.
  void link() {
    Value* base = doc_.nodes_.data();
    auto point = [&](Value& node) {
      if (node.kind_ == Value::Kind::kArray || node.kind_ == Value::Kind::kObject) {
        node.children_ = base + node.first_;
        if (!node.sorted_) node.sorted_storage_ = doc_.sorted_.get();
      }
    };
    for (Value& node : doc_.nodes_) point(node);
    point(doc_.root_);
  }

 private:
  static bool strictly_ascending(const Value* first, const Value* last) {
    for (const Value* i = first + 1; i < last; ++i) {
      if (!key_less((i - 1)->key_, i->key_)) return false;
    }
    return true;
  }

  struct Open {
    bool object;
    std::size_t first;  // where its children start on stack_
    std::size_t start;  // where it starts in the text
    std::string_view key;
  };

  // Pretty-printed documents (webhooks) are largely indentation: runs of spaces are passed
  // eight at a time, the other white space a byte at a time.
  void skip_space_run() {
    const char* data = in_.data();
    const std::size_t n = in_.size();
    std::size_t at = pos_;
    for (;;) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      while (at + 8 <= n) {
        uint64_t word;
        std::memcpy(&word, data + at, 8);
        const uint64_t other = word ^ 0x2020202020202020u;  // zero bytes: spaces
        if (other != 0) {
          at += static_cast<std::size_t>(__builtin_ctzll(other) / 8);
          break;
        }
        at += 8;
      }
#endif
      if (at >= n) break;
      const char c = data[at];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
      ++at;
    }
    pos_ = at;
  }

  // Ends the innermost open container: its children move from the top of stack_ to the
  // document's nodes, and the container takes their place there.
  void close() {
    const Open open = open_.back();
    open_.pop_back();
    const Value* first = stack_.data() + open.first;
    const Value* last = stack_.data() + stack_.size();
    const auto count = static_cast<uint32_t>(last - first);
    const bool sorted = !open.object || strictly_ascending(first, last);
    if (!sorted && !doc_.sorted_) {
      doc_.sorted_ = std::make_unique<std::vector<std::unique_ptr<Value[]>>>();
    }
    const auto at = static_cast<uint32_t>(doc_.nodes_.size());
    doc_.nodes_.insert(doc_.nodes_.end(), first, last);
    stack_.resize(open.first);
    Value& value = stack_.emplace_back();
    value.kind_ = open.object ? Value::Kind::kObject : Value::Kind::kArray;
    value.count_ = count;
    value.first_ = at;
    value.text_ = in_.substr(open.start, pos_ - open.start);
    value.key_ = open.key;
    value.sorted_ = sorted;
  }

  // Most calls find a token at once: one compare says so.
  void skip_space() {
    if (pos_ < in_.size() && static_cast<unsigned char>(in_[pos_]) > ' ') return;
    skip_space_run();
  }

  bool read_key(std::string_view& key) {
    if (pos_ >= in_.size() || in_[pos_] != '"' || !string(key)) return false;
    skip_space();
    if (pos_ >= in_.size() || in_[pos_] != ':') return false;
    ++pos_;
    return true;
  }

  bool literal(std::string_view word) {
    if (in_.size() - pos_ < word.size() ||
        !same_bytes(in_.data() + pos_, word.data(), word.size())) {
      return false;
    }
    pos_ += word.size();
    return true;
  }

  bool scalar(Value& value) {
    switch (in_[pos_]) {
      case '"':
        value.kind_ = Value::Kind::kString;
        return string(value.text_);
      case 't':
        value.kind_ = Value::Kind::kBoolean;
        value.boolean_ = true;
        return literal("true");
      case 'f':
        value.kind_ = Value::Kind::kBoolean;
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number(value);
    }
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?  Integers are kept as nlohmann keeps
  // them (non-negative: unsigned; negative: signed; out of 64 bits: a float), and a float
  // that overflows a double is refused as nlohmann refuses it.
  bool number(Value& value) {
    // Local pointers: the member index would be stored and reloaded after every digit.
    const char* const begin = in_.data() + pos_;
    const char* const end = in_.data() + in_.size();
    const char* p = begin;
    auto digit = [&] { return p < end && static_cast<unsigned char>(*p - '0') < 10; };
    const bool negative = *p == '-';
    if (negative) ++p;
    if (!digit()) return false;
    bool overflow = false;
    uint64_t magnitude = 0;
    const char* const digits = p;
    if (*p == '0') {
      ++p;
    } else {
      for (; digit(); ++p) magnitude = magnitude * 10 + static_cast<uint64_t>(*p - '0');
      // 19 digits always fit 64 bits; only longer runs need the careful second look.
      if (p - digits > 19) {
        magnitude = 0;
        for (const char* d = digits; d < p; ++d) {
          const auto v = static_cast<uint64_t>(*d - '0');
          if (magnitude > (UINT64_MAX - v) / 10) overflow = true;
          magnitude = magnitude * 10 + v;
        }
      }
    }
    const auto integer_digits = p - digits;  // before the point
    bool is_float = false;
    if (p < end && *p == '.') {
      ++p;
      if (!digit()) return false;
      while (digit()) ++p;
      is_float = true;
    }
    bool exponent = false;
    if (p < end && (*p == 'e' || *p == 'E')) {
      exponent = true;
      ++p;
      if (p < end && (*p == '+' || *p == '-')) ++p;
      if (!digit()) return false;
      while (digit()) ++p;
      is_float = true;
    }
    value.text_ = std::string_view(begin, static_cast<std::size_t>(p - begin));
    pos_ += static_cast<std::size_t>(p - begin);
    if (!is_float && !overflow) {
      if (!negative) {
        value.kind_ = Value::Kind::kUnsigned;
        value.unsigned_ = magnitude;
        return true;
      }
      if (magnitude <= uint64_t{1} << 63) {
        value.kind_ = Value::Kind::kInteger;
        value.integer_ =
            magnitude == uint64_t{1} << 63 ? INT64_MIN : -static_cast<int64_t>(magnitude);
        return true;
      }
    }
    value.kind_ = Value::Kind::kFloat;
    // Without an exponent, up to 308 digits before the point stay below 10^308, under the
    // largest double: such a float cannot overflow, and needs no strtod to say so.
    if (!exponent && integer_digits <= 308) return true;
    const std::string copy(value.text_);
    return std::isfinite(std::strtod(copy.c_str(), nullptr));
  }

  // Length of the valid UTF-8 sequence of 2 to 4 bytes at pos_, or 0.
  std::size_t multibyte() const {
    std::size_t length = 0;
    return utf8_valid_prefix(in_.substr(pos_), length) == length ? length : 0;
  }

  bool hex4(uint32_t& out) {
    if (pos_ + 4 > in_.size()) return false;
    out = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      const int d = hex_digit(in_[pos_ + i]);
      if (d < 0) return false;
      out = out * 16 + static_cast<uint32_t>(d);
    }
    pos_ += 4;
    return true;
  }

  void put(char c) { doc_.decoded_.push_back(c); }

  // One escape after the backslash at pos_, decoded onto the end of decoded_.
  bool escape() {
    ++pos_;
    if (pos_ >= in_.size()) return false;
    const char c = in_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        put(c);
        return true;
      case 'b':
        put('\b');
        return true;
      case 'f':
        put('\f');
        return true;
      case 'n':
        put('\n');
        return true;
      case 'r':
        put('\r');
        return true;
      case 't':
        put('\t');
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    uint32_t code = 0;
    if (!hex4(code)) return false;
    if (code >= 0xDC00 && code <= 0xDFFF) return false;  // a low surrogate alone
    if (code >= 0xD800 && code <= 0xDBFF) {
      uint32_t low = 0;
      if (pos_ + 2 > in_.size() || in_[pos_] != '\\' || in_[pos_ + 1] != 'u') return false;
      pos_ += 2;
      if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    if (code < 0x80) {
      put(static_cast<char>(code));
    } else if (code < 0x800) {
      put(static_cast<char>(0xC0 | (code >> 6)));
      put(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
      put(static_cast<char>(0xE0 | (code >> 12)));
      put(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      put(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      put(static_cast<char>(0xF0 | (code >> 18)));
      put(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      put(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      put(static_cast<char>(0x80 | (code & 0x3F)));
    }
    return true;
  }

  // The string at pos_ (on its opening quote). Its text is a view of the document when it
  // has no escapes, else of its decoded copy. Most strings (keys above all) are plain ASCII
  // up to the closing quote: they are done here; the rest continue in string_rest.
  bool string(std::string_view& out) {
    const std::size_t start = pos_ + 1;
    const std::size_t at = plain_run(in_.data(), start, in_.size());
    if (at < in_.size() && in_[at] == '"') {
      out = std::string_view(in_.data() + start, at - start);
      pos_ = at + 1;
      return true;
    }
    pos_ = at;
    return string_rest(start, out);
  }

  // A string's remainder from pos_ (its plain start already passed): escapes, UTF-8
  // sequences, errors. Out of line, so that the common case above stays small and inlined.
  __attribute__((noinline)) bool string_rest(std::size_t start, std::string_view& out) {
    const std::size_t n = in_.size();
    bool decoding = false;
    std::size_t decoded_start = 0;
    for (;;) {
      // Plain bytes are skipped a word at a time, and once decoding, copied as one run: a
      // byte-by-byte copy after the first escape cost ~100 instructions a byte in wasm, and
      // the Function's program arrives as one escaped string (docs/function.md).
      const std::size_t run = pos_;
      pos_ = plain_run(in_.data(), pos_, n);
      if (decoding && pos_ > run) {
        doc_.decoded_.insert(doc_.decoded_.end(), in_.begin() + static_cast<std::ptrdiff_t>(run),
                             in_.begin() + static_cast<std::ptrdiff_t>(pos_));
      }
      if (pos_ >= n) return false;
      const auto c = static_cast<unsigned char>(in_[pos_]);
      if (c == '"') break;
      if (c < 0x20) return false;
      if (c == '\\') {
        if (!decoding) {
          if (doc_.decoded_.capacity() == 0) doc_.decoded_.reserve(in_.size());
          decoding = true;
          decoded_start = doc_.decoded_.size();
          doc_.decoded_.insert(doc_.decoded_.end(),
                               in_.begin() + static_cast<std::ptrdiff_t>(start),
                               in_.begin() + static_cast<std::ptrdiff_t>(pos_));
        }
        if (!escape()) return false;
        continue;
      }
      std::size_t length = 1;
      if (c >= 0x80) {
        length = multibyte();
        if (length == 0) return false;
      }
      if (decoding) {
        doc_.decoded_.insert(doc_.decoded_.end(), in_.begin() + static_cast<std::ptrdiff_t>(pos_),
                             in_.begin() + static_cast<std::ptrdiff_t>(pos_ + length));
      }
      pos_ += length;
    }
    out = decoding ? std::string_view(doc_.decoded_.data() + decoded_start,
                                      doc_.decoded_.size() - decoded_start)
                   : in_.substr(start, pos_ - start);
    ++pos_;
    return true;
  }

  std::string_view in_;
  Document& doc_;
  std::size_t pos_ = 0;
  std::vector<Value> stack_;
  std::vector<Open> open_;
};

std::optional<Document> parse_any(std::string_view text) {
  Document doc;
  Parser parser(text, doc);
  if (!parser.run()) return std::nullopt;
  parser.link();
  return doc;
}

Result<Document> parse_document(std::string_view text, std::string_view what) {
  if (text.size() > kMaxDocumentBytes) {
    return make_error("too_large", std::string(what) + " is " + std::to_string(text.size()) +
                                       " bytes; the limit is " + std::to_string(kMaxDocumentBytes));
  }
  // The parser stops at the depth limit itself. Nesting is still judged before validity
  // (a too-deep document is too_deep even when it is also invalid), so a failed parse asks
  // the depth scan which of the two it was; a valid document is exactly as deep as it
  // parsed.
  auto doc = parse_any(text);
  if (!doc) {
    if (nesting_depth(text, kMaxDepth) > kMaxDepth) {
      return make_error("too_deep", std::string(what) + " nests deeper than " +
                                        std::to_string(kMaxDepth) + " levels");
    }
    return make_error("invalid_json", std::string(what) + " is not valid JSON");
  }
  // What follows a NUL byte after the value is ignored by the parse but was not by the
  // depth scan: such a document is judged by the scan too (rare, and so cheap).
  const std::string_view raw = doc->root().raw();
  const std::size_t end =
      doc->root().is_object() ? static_cast<std::size_t>(raw.data() - text.data()) + raw.size() : 0;
  if (text.find('\0', end) != std::string_view::npos &&
      nesting_depth(text, kMaxDepth) > kMaxDepth) {
    return make_error("too_deep", std::string(what) + " nests deeper than " +
                                      std::to_string(kMaxDepth) + " levels");
  }
  if (!doc->root().is_object()) {
    return make_error("invalid_type", std::string(what) + " must be a JSON object");
  }
  return std::move(*doc);
}

const Value* Value::find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  const Value* first = children_;
  const Value* last = children_ + count_;
  if (sorted_ && count_ > 16) {
    const Value* at = std::lower_bound(
        first, last, key,
        [](const Value& member, std::string_view k) { return key_less(member.key_, k); });
    return at != last && at->key_ == key ? at : nullptr;
  }
  // From the last member: of a repeated key, the last value counts.
  for (const Value* at = last; at != first;) {
    --at;
    if (at->key_.size() == key.size() && (key.empty() || at->key_[0] == key[0]) &&
        same_bytes(at->key_.data(), key.data(), key.size())) {
      return at;
    }
  }
  return nullptr;
}

void Value::sort_members() const {
  if (sorted_) return;
  // A stable insertion sort (members are few; nlohmann's std::map orders keys the same
  // byte-wise way), then the last of each run of equal keys.
  auto block = std::make_unique<Value[]>(count_);
  Value* out = block.get();
  for (uint32_t i = 0; i < count_; ++i) {
    const Value moving = children_[i];
    uint32_t j = i;
    while (j > 0 && key_less(moving.key_, out[j - 1].key_)) {
      out[j] = out[j - 1];
      --j;
    }
    out[j] = moving;
  }
  uint32_t kept = 0;
  for (uint32_t i = 0; i < count_; ++i) {
    if (i + 1 < count_ && out[i].key_ == out[i + 1].key_) continue;
    out[kept++] = out[i];
  }
  children_ = block.get();
  count_ = kept;
  sorted_ = true;
  sorted_storage_->push_back(std::move(block));
}

namespace {

// Prints a value as nlohmann::json's dump() printed it: objects in their iteration order
// (byte-wise by key, the last of a repeated key, as nlohmann's std::map held them), floats
// from their source text read as a double. Depth is bounded by parse_document's limit.
void write_value(JsonWriter& w, const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      w.null();
      return;
    case Value::Kind::kBoolean:
      w.boolean(value.boolean());
      return;
    case Value::Kind::kInteger:
      w.number(value.integer());
      return;
    case Value::Kind::kUnsigned:
      w.unsigned_number(value.unsigned_integer());
      return;
    case Value::Kind::kFloat:
      w.floating(std::strtod(std::string(value.raw()).c_str(), nullptr));
      return;
    case Value::Kind::kString:
      w.text(value.text());
      return;
    case Value::Kind::kArray:
      w.begin_array();
      for (const Value& element : value) write_value(w, element);
      w.end_array();
      return;
    case Value::Kind::kObject:
      w.begin_object();
      for (auto it = value.begin(); it != value.end(); ++it) {
        w.key(it.key());
        write_value(w, it.value());
      }
      w.end_object();
      return;
  }
}

}  // namespace

std::string Value::dump() const {
  JsonWriter w;
  write_value(w, *this);
  return w.take();
}

std::string key_path(const std::string& parent, std::string_view key) {
  std::string path;
  const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  path.reserve(parent.size() + key.size() + 4);
  path = parent;
  if (plain) {
    path += '.';
    path += key;
  } else {
    path += "[\"";
    for (char c : key) {
      if (c == '"' || c == '\\') path += '\\';
      path += c;
    }
    path += "\"]";
  }
  return path;
}

std::string index_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

ObjectReader::ObjectReader(const Value& value, std::string path, std::string_view what)
    : value_(value), path_(std::move(path)), path_made_(true), what_(what) {
  if (!value_.is_object()) fail("invalid_type", "expected an object", path_);
}

ObjectReader::ObjectReader(const Value& value, const ObjectReader& parent, std::string_view key)
    : value_(value), parent_(&parent), key_(key), what_(parent.what_) {
  if (!value_.is_object()) fail("invalid_type", "expected an object", path());
}

ObjectReader::ObjectReader(const Value& value, std::string_view base, std::size_t index,
                           std::string_view what)
    : value_(value), base_(base), index_(index), what_(what) {
  if (!value_.is_object()) fail("invalid_type", "expected an object", path());
}

ObjectReader::ObjectReader(const Value& value, const ObjectReader& parent, std::string_view key,
                           std::size_t index)
    : value_(value), parent_(&parent), key_(key), index_(index), what_(parent.what_) {
  if (!value_.is_object()) fail("invalid_type", "expected an object", path());
}

const std::string& ObjectReader::path() const {
  if (!path_made_) {
    path_ = parent_ ? parent_->path() : std::string(base_);
    if (!key_.empty()) path_ = key_path(path_, key_);
    if (index_ != static_cast<std::size_t>(-1)) path_ = index_path(path_, index_);
    path_made_ = true;
  }
  return path_;
}

std::string ObjectReader::element_path(std::string_view key, std::size_t index) const {
  std::string path = key_path(this->path(), key);
  if (index != static_cast<std::size_t>(-1)) path = index_path(path, index);
  return path;
}

void ObjectReader::fail(std::string code, const std::string& message, std::string path) {
  if (error_) return;
  std::string text;
  text.reserve(what_.size() + path.size() + message.size() + 4);
  text += what_;
  text += ": ";
  text += path;
  text += ": ";
  text += message;
  error_ = Error{std::move(code), std::move(text), std::move(path)};
}

void ObjectReader::adopt(const Error& error) {
  if (!error_) error_ = error;
}

void ObjectReader::reject_unknown(std::initializer_list<std::string_view> known) {
  if (failed()) return;
  // Members as written first: only when one is unknown does the order matter (the error
  // names the first unknown key in key order, as before), so only then are they sorted.
  const bool all_known =
      std::all_of(value_.members().begin(), value_.members().end(), [&](const Value& member) {
        return std::find(known.begin(), known.end(), member.key()) != known.end();
      });
  if (all_known) return;
  for (auto it = value_.begin(); it != value_.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
      fail("unknown_field", "unknown field \"" + std::string(it.key()) + "\"", path_of(it.key()));
      return;
    }
  }
}

void ObjectReader::reject_unknown(const std::vector<std::string_view>& known) {
  if (failed()) return;
  // Members as written first: only when one is unknown does the order matter (the error
  // names the first unknown key in key order, as before), so only then are they sorted.
  const bool all_known =
      std::all_of(value_.members().begin(), value_.members().end(), [&](const Value& member) {
        return std::find(known.begin(), known.end(), member.key()) != known.end();
      });
  if (all_known) return;
  for (auto it = value_.begin(); it != value_.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
      fail("unknown_field", "unknown field \"" + std::string(it.key()) + "\"", path_of(it.key()));
      return;
    }
  }
}

void Fields::find(const Value& object, const Value** found) const {
  for (std::size_t i = 0; i < count_; ++i) found[i] = nullptr;
  // In document order, so that a repeated key leaves its last member.
  for (const Value& member : object.members()) {
    const std::string_view key = member.key();
    uint32_t candidates = by_length_[key.size() < kLengths ? key.size() : kLengths - 1];
    while (candidates != 0) {
      const auto i = static_cast<std::size_t>(__builtin_ctz(candidates));
      candidates &= candidates - 1;
      if (keys_[i].size() == key.size() && same_bytes(keys_[i].data(), key.data(), key.size())) {
        found[i] = &member;
        break;
      }
    }
  }
}

const Value* ObjectReader::typed(const Field& field, bool required, Value::Kind kind,
                                 const char* type_name) {
  const Value* found = find(field);
  if (!found) {
    if (required && !failed()) {
      fail("missing_field", "required field is missing", path_of(field.key));
    }
    return nullptr;
  }
  if (found->kind() != kind) {
    fail("invalid_type", std::string("expected ") + type_name, path_of(field.key));
    return nullptr;
  }
  return found;
}

std::optional<int64_t> ObjectReader::integer_at(const Value& value, std::string_view key,
                                                std::size_t index) {
  if (failed()) return std::nullopt;
  if (value.is_number_unsigned()) {
    if (value.unsigned_integer() > static_cast<uint64_t>(INT64_MAX)) {
      fail("out_of_range", "integer is too large", element_path(key, index));
      return std::nullopt;
    }
    return static_cast<int64_t>(value.unsigned_integer());
  }
  if (value.kind() == Value::Kind::kInteger) return value.integer();
  fail("invalid_type", "expected an integer", element_path(key, index));
  return std::nullopt;
}

std::optional<int64_t> ObjectReader::as_integer(const Value& value, const std::string& path) {
  if (failed()) return std::nullopt;
  if (value.is_number_unsigned()) {
    if (value.unsigned_integer() > static_cast<uint64_t>(INT64_MAX)) {
      fail("out_of_range", "integer is too large", path);
      return std::nullopt;
    }
    return static_cast<int64_t>(value.unsigned_integer());
  }
  if (value.kind() == Value::Kind::kInteger) return value.integer();
  fail("invalid_type", "expected an integer", path);
  return std::nullopt;
}

std::optional<std::string> ObjectReader::as_string(const Value& value, const std::string& path) {
  if (failed()) return std::nullopt;
  if (!value.is_string()) {
    fail("invalid_type", "expected a string", path);
    return std::nullopt;
  }
  return std::string(value.text());
}

std::optional<int64_t> ObjectReader::integer(const Field& field, bool required) {
  const Value* found = find(field);
  if (!found) {
    if (required && !failed()) {
      fail("missing_field", "required field is missing", path_of(field.key));
    }
    return std::nullopt;
  }
  return integer_at(*found, field.key, static_cast<std::size_t>(-1));
}

std::optional<int64_t> ObjectReader::checked_integer_in(const Field& field, int64_t min,
                                                        int64_t max, bool required) {
  auto value = integer(field, required);
  if (value && (*value < min || *value > max)) {
    fail(*value < 0 && min >= 0 ? "negative_value" : "out_of_range",
         "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
             std::to_string(*value),
         path_of(field.key));
    return std::nullopt;
  }
  return value;
}

std::optional<std::string_view> ObjectReader::checked_text(const Field& field, bool required) {
  const Value* found = typed(field, required, Value::Kind::kString, "a string");
  if (!found) return std::nullopt;
  return found->text();
}

std::optional<std::string> ObjectReader::string(std::string_view key, bool required) {
  const Value* found = typed(key, required, Value::Kind::kString, "a string");
  if (!found) return std::nullopt;
  return std::string(found->text());
}

std::optional<bool> ObjectReader::checked_boolean(const Field& field) {
  const Value* found = typed(field, false, Value::Kind::kBoolean, "true or false");
  if (!found) return std::nullopt;
  return found->boolean();
}

const Value* ObjectReader::object(std::string_view key, bool required) {
  return typed(key, required, Value::Kind::kObject, "an object");
}

const Value* ObjectReader::array(std::string_view key, bool required) {
  return typed(key, required, Value::Kind::kArray, "an array");
}

std::vector<std::string> ObjectReader::strings(std::string_view key) {
  std::vector<std::string> out;
  const Value* list = array(key);
  if (!list) return out;
  out.reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Value& element = (*list)[i];
    if (!element.is_string()) {
      fail("invalid_type", "expected a string", element_path(key, i));
      break;
    }
    out.emplace_back(element.text());
  }
  return out;
}

std::vector<int64_t> ObjectReader::integers(std::string_view key) {
  std::vector<int64_t> out;
  const Value* list = array(key);
  if (!list) return out;
  out.reserve(list->size());
  for (std::size_t i = 0; i < list->size() && !failed(); ++i) {
    if (auto number = integer_at((*list)[i], key, i)) out.push_back(*number);
  }
  return out;
}

// {"EUR": 4500, "JPY": 7000}: explicit amounts per currency.
std::map<std::string, int64_t> read_amounts_by_currency(ObjectReader& r, std::string_view key) {
  std::map<std::string, int64_t> out;
  const Value* map = r.object(key);
  if (!map) return out;
  const std::string base = key_path(r.path(), key);
  for (auto it = map->begin(); it != map->end() && !r.failed(); ++it) {
    const std::string path = key_path(base, it.key());
    auto known = require_currency(it.key(), path);
    if (!known) {
      r.fail(known.error().code, known.error().message, path);
      break;
    }
    auto amount = r.as_integer(it.value(), path);
    if (amount && (*amount <= 0 || *amount > kMaxAmount)) {
      r.fail("out_of_range", "must be a positive amount in minor units", path);
    }
    if (amount) out[std::string(it.key())] = *amount;
  }
  return out;
}

bool is_id(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!ok(text[0])) return false;
  return std::all_of(text.begin(), text.end(),
                     [&](char c) { return ok(c) || c == '_' || c == '-'; });
}

std::optional<int64_t> read_time(ObjectReader& r, std::string_view key) {
  auto text = r.string(key);
  if (!text) return std::nullopt;
  auto time = parse_time(*text, key_path(r.path(), key));
  if (!time) {
    r.fail(time.error().code, time.error().message, time.error().path);
    return std::nullopt;
  }
  return time.value();
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace tiercart::detail
