// The Function input in two passes over the text and no tree: the first checks that it is
// JSON (syntax, UTF-8, nesting depth), the second walks it once, reading the fields tiercart
// uses into the core's values and stepping over everything else. Errors carry the same
// codes, messages and JSON paths as the rest of the core's readers (docs/errors.md).

#include "function_input.h"

#include <cstdint>

#include "json_reader.h"
#include "tiercart/function.h"
#include "tiercart/tiercart.h"

namespace tiercart::detail {

namespace {

using namespace std::string_view_literals;

constexpr int64_t kMaxQuantity = 1'000'000;
const char* const kWhat = "function input";

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Bytes a string may hold as they are: not '"', '\\', a control character or part of a
// multi-byte UTF-8 sequence. A table lookup per byte is the cheapest test in Wasm.
struct PlainTable {
  bool plain[256] = {};
  constexpr PlainTable() {
    for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  }
};
constexpr PlainTable kPlain;
inline bool is_plain(char c) { return kPlain.plain[static_cast<unsigned char>(c)]; }

// Keys are compared many times a line: by length first, then byte by byte, inline.
inline bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// ---- Pass 1: is it JSON? ----------------------------------------------------------------

class Validator {
 public:
  explicit Validator(std::string_view text) : s_(text) {}

  // Nothing when the text is one JSON value; else "invalid_json" or "too_deep".
  std::optional<Error> check() {
    space();
    if (!value(1)) return error();
    space();
    if (at_ != s_.size()) return make_error("invalid_json", std::string(kWhat) + " is not valid JSON");
    return std::nullopt;
  }

 private:
  Error error() const {
    if (too_deep_) {
      return make_error("too_deep", std::string(kWhat) + " nests deeper than " +
                                        std::to_string(kMaxDepth) + " levels");
    }
    return make_error("invalid_json", std::string(kWhat) + " is not valid JSON");
  }
  void space() {
    if (at_ < s_.size() && static_cast<unsigned char>(s_[at_]) > ' ') return;
    const char* p = s_.data() + at_;
    const char* const end = s_.data() + s_.size();
    while (p < end && is_space(*p)) ++p;
    at_ = static_cast<std::size_t>(p - s_.data());
  }
  bool eat(char c) {
    if (at_ < s_.size() && s_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  bool literal(std::string_view word) {
    if (s_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }
  bool value(int depth) {
    if (at_ >= s_.size()) return false;
    switch (s_[at_]) {
      case '{':
      case '[':
        if (depth > kMaxDepth) {
          too_deep_ = true;
          return false;
        }
        return s_[at_] == '{' ? object(depth) : array(depth);
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }
  bool object(int depth) {
    ++at_;
    space();
    if (eat('}')) return true;
    for (;;) {
      space();
      if (at_ >= s_.size() || s_[at_] != '"' || !string()) return false;
      space();
      if (!eat(':')) return false;
      space();
      if (!value(depth + 1)) return false;
      space();
      if (eat('}')) return true;
      if (!eat(',')) return false;
    }
  }
  bool array(int depth) {
    ++at_;
    space();
    if (eat(']')) return true;
    for (;;) {
      space();
      if (!value(depth + 1)) return false;
      space();
      if (eat(']')) return true;
      if (!eat(',')) return false;
    }
  }
  bool hex4(unsigned& out) {
    if (at_ + 4 > s_.size()) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_value(s_[at_++]);
      if (digit < 0) return false;
      out = out * 16 + static_cast<unsigned>(digit);
    }
    return true;
  }
  bool string() {
    ++at_;
    while (at_ < s_.size()) {
      // Plain ASCII runs are most of any input: scan them with a local pointer.
      const char* p = s_.data() + at_;
      const char* const end = s_.data() + s_.size();
      while (p < end && is_plain(*p)) ++p;
      at_ = static_cast<std::size_t>(p - s_.data());
      if (at_ >= s_.size()) return false;
      const auto c = static_cast<unsigned char>(s_[at_]);
      if (c == '"') {
        ++at_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        ++at_;
        if (at_ >= s_.size()) return false;
        const char e = s_[at_++];
        if (e == 'u') {
          unsigned unit = 0;
          if (!hex4(unit)) return false;
          if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a lone low surrogate
          if (unit >= 0xD800 && unit <= 0xDBFF) {
            unsigned low = 0;
            if (!literal("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
          }
        } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                   e != 'r' && e != 't') {
          return false;
        }
        continue;
      }
      if (c < 0x80) {
        ++at_;
        continue;
      }
      if (!utf8(c)) return false;
    }
    return false;
  }
  // One multi-byte UTF-8 sequence starting with `lead` (RFC 3629 ranges).
  bool utf8(unsigned char lead) {
    int more = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      more = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      more = 2;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      more = 3;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    ++at_;
    for (int i = 0; i < more; ++i, ++at_) {
      if (at_ >= s_.size()) return false;
      const auto c = static_cast<unsigned char>(s_[at_]);
      if (c < (i == 0 ? low : 0x80) || c > (i == 0 ? high : 0xBF)) return false;
    }
    return true;
  }
  bool number() {
    const std::size_t start = at_;
    eat('-');
    if (at_ >= s_.size() || !is_digit(s_[at_])) return false;
    if (s_[at_] == '0') {
      ++at_;
    } else {
      while (at_ < s_.size() && is_digit(s_[at_])) ++at_;
    }
    if (eat('.')) {
      if (at_ >= s_.size() || !is_digit(s_[at_])) return false;
      while (at_ < s_.size() && is_digit(s_[at_])) ++at_;
    }
    if (at_ < s_.size() && (s_[at_] == 'e' || s_[at_] == 'E')) {
      ++at_;
      if (!eat('+')) eat('-');
      if (at_ >= s_.size() || !is_digit(s_[at_])) return false;
      while (at_ < s_.size() && is_digit(s_[at_])) ++at_;
    }
    return at_ > start;
  }

  std::string_view s_;
  std::size_t at_ = 0;
  bool too_deep_ = false;
};

// ---- Pass 2: read what tiercart uses from JSON known to be well formed -----------------

class Walker {
 public:
  explicit Walker(std::string_view text) : s_(text) {}

  bool failed() const { return error_.has_value(); }
  const Error& error() const { return *error_; }

  // The JSON path of the value being read, built only for an error.
  std::string path() const {
    std::string out = "$";
    for (const auto& frame : frames_) {
      out = frame.array ? index_path(out, frame.index) : key_path(out, frame.key);
    }
    return out;
  }
  std::string path_of(std::string_view key) const { return key_path(path(), key); }

  void fail_at(std::string code, const std::string& message, std::string at) {
    if (error_) return;
    error_ = Error{std::move(code), std::string(kWhat) + ": " + at + ": " + message, at};
  }
  void fail(std::string code, const std::string& message) {
    fail_at(std::move(code), message, path());
  }
  void adopt(const Error& error) {
    if (!error_) error_ = error;
  }

  char peek() {
    if (static_cast<unsigned char>(s_[at_]) > ' ') return s_[at_];
    const char* p = s_.data() + at_;
    while (is_space(*p)) ++p;
    at_ = static_cast<std::size_t>(p - s_.data());
    return *p;
  }
  bool is_null() { return peek() == 'n'; }

  // Steps over the value at the cursor.
  void skip() {
    const char c = peek();
    if (c == '"') {
      skip_string();
      return;
    }
    if (c == '{' || c == '[') {
      const char* p = s_.data() + at_;
      int depth = 0;
      do {
        const char d = *p++;
        if (d == '"') {
          while (*p != '"') p += *p == '\\' ? 2 : 1;
          ++p;
        } else if (d == '{' || d == '[') {
          ++depth;
        } else if (d == '}' || d == ']') {
          --depth;
        }
      } while (depth > 0);
      at_ = static_cast<std::size_t>(p - s_.data());
      return;
    }
    while (at_ < s_.size() && s_[at_] != ',' && s_[at_] != '}' && s_[at_] != ']' &&
           !is_space(s_[at_])) {
      ++at_;
    }
  }

  // Calls `member(key)` for each member of the object at the cursor; `member` reads or skips
  // the value. False (and an error) when the value is not an object.
  template <typename Member>
  bool members(Member&& member) {
    if (peek() != '{') {
      fail("invalid_type", "expected an object");
      skip();
      return false;
    }
    ++at_;
    frames_.push_back(Frame{});
    if (peek() == '}') {
      ++at_;
    } else {
      for (;;) {
        peek();
        read_key(frames_.back());
        peek();
        ++at_;  // ':'
        member(frames_.back().key);
        if (failed()) break;
        if (peek() == '}') {
          ++at_;
          break;
        }
        ++at_;  // ','
      }
    }
    frames_.pop_back();
    return !failed();
  }

  // Calls `item(index)` for each element of the array at the cursor.
  template <typename Item>
  bool items(Item&& item) {
    if (peek() != '[') {
      fail("invalid_type", "expected an array");
      skip();
      return false;
    }
    ++at_;
    frames_.push_back(Frame{true, 0, std::string_view(), std::string()});
    if (peek() == ']') {
      ++at_;
    } else {
      for (std::size_t i = 0;; ++i) {
        frames_.back().index = i;
        item(i);
        if (failed()) break;
        if (peek() == ']') {
          ++at_;
          break;
        }
        ++at_;  // ','
      }
    }
    frames_.pop_back();
    return !failed();
  }

  // A string; JSON null reads as absent. Other types fail.
  std::optional<std::string> string() {
    const char c = peek();
    if (c == 'n') {
      skip();
      return std::nullopt;
    }
    if (c != '"') {
      fail("invalid_type", "expected a string");
      skip();
      return std::nullopt;
    }
    return read_string();
  }

  // A string without escapes as a view into the input (no copy); with escapes, a copy kept
  // in `scratch`. JSON null reads as absent; other types fail.
  std::optional<std::string_view> view(std::string& scratch) {
    const char c = peek();
    if (c != '"') {
      if (c != 'n') fail("invalid_type", "expected a string");
      skip();
      return std::nullopt;
    }
    const char* const start = s_.data() + at_ + 1;
    const char* p = start;
    while (is_plain(*p) || (*p != '"' && *p != '\\')) ++p;
    if (*p == '"') {
      at_ = static_cast<std::size_t>(p - s_.data()) + 1;
      return std::string_view(start, static_cast<std::size_t>(p - start));
    }
    scratch = read_string();
    return std::string_view(scratch);
  }

  std::optional<bool> boolean() {
    const char c = peek();
    if (c == 't' || c == 'f') {
      skip();
      return c == 't';
    }
    if (c != 'n') fail("invalid_type", "expected true or false");
    skip();
    return std::nullopt;
  }

  // An integer within [min, max]; the same wording as ObjectReader::integer_in.
  std::optional<int64_t> integer(int64_t min, int64_t max) {
    const char c = peek();
    if (c == 'n') {
      skip();
      return std::nullopt;
    }
    const std::size_t start = at_;
    skip();
    const std::string_view text = s_.substr(start, at_ - start);
    const bool number = c == '-' || is_digit(c);
    if (!number || text.find_first_of(".eE") != std::string_view::npos) {
      fail("invalid_type", "expected an integer");
      return std::nullopt;
    }
    const bool negative = text[0] == '-';
    uint64_t magnitude = 0;
    for (std::size_t i = negative ? 1 : 0; i < text.size(); ++i) {
      const auto digit = static_cast<uint64_t>(text[i] - '0');
      if (magnitude > (UINT64_MAX - digit) / 10) {
        fail("out_of_range", "integer is too large");
        return std::nullopt;
      }
      magnitude = magnitude * 10 + digit;
    }
    if (magnitude > static_cast<uint64_t>(INT64_MAX)) {
      fail("out_of_range", "integer is too large");
      return std::nullopt;
    }
    const int64_t value =
        negative ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
    if (value < min || value > max) {
      fail(value < 0 && min >= 0 ? "negative_value" : "out_of_range",
           "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
               std::to_string(value));
      return std::nullopt;
    }
    return value;
  }

  // GraphQL's Decimal: a string ("19.99"), or a number taken at its JSON spelling.
  std::optional<std::string_view> decimal(std::string& scratch) {
    const char c = peek();
    if (c == '"') return view(scratch);
    if (c == 'n') {
      skip();
      return std::nullopt;
    }
    const std::size_t start = at_;
    skip();
    if (c == '-' || is_digit(c)) return s_.substr(start, at_ - start);
    fail("invalid_type", "expected a decimal string");
    return std::nullopt;
  }

 private:
  struct Frame {
    bool array = false;
    std::size_t index = 0;
    std::string_view key;  // into the input, or into `unescaped`
    std::string unescaped;
  };

  // A member's key, without copying it unless it has escapes (keys of Shopify's input have
  // none): a copy per key would be most of the cost of reading a line.
  void read_key(Frame& frame) {
    const char* const start = s_.data() + at_ + 1;
    const char* p = start;
    while (is_plain(*p) || (*p != '"' && *p != '\\')) ++p;
    if (*p == '"') {
      frame.key = std::string_view(start, static_cast<std::size_t>(p - start));
      at_ = static_cast<std::size_t>(p - s_.data()) + 1;
      return;
    }
    frame.unescaped = read_string();
    frame.key = frame.unescaped;
  }

  void skip_string() {
    const char* p = s_.data() + at_ + 1;
    for (;;) {
      const char c = *p;
      if (c == '"') break;
      p += c == '\\' ? 2 : 1;
    }
    at_ = static_cast<std::size_t>(p - s_.data()) + 1;
  }

  // The string at the cursor, unescaped (the validator has checked its escapes).
  std::string read_string() {
    const char* const start = s_.data() + at_ + 1;
    const char* p = start;
    while (is_plain(*p) || (*p != '"' && *p != '\\')) ++p;
    at_ = static_cast<std::size_t>(p - s_.data());
    std::string out(start, static_cast<std::size_t>(p - start));
    while (s_[at_] != '"') {
      if (s_[at_] != '\\') {
        const char* const run = s_.data() + at_;
        const char* q = run;
        while (is_plain(*q) || (*q != '"' && *q != '\\')) ++q;
        out.append(run, static_cast<std::size_t>(q - run));
        at_ = static_cast<std::size_t>(q - s_.data());
        continue;
      }
      const char e = s_[at_ + 1];
      at_ += 2;
      switch (e) {
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          unsigned code = hex4();
          if (code >= 0xD800 && code <= 0xDBFF) {
            at_ += 2;  // "\u"
            code = 0x10000 + ((code - 0xD800) << 10) + (hex4() - 0xDC00);
          }
          append_utf8(out, code);
          break;
        }
        default:  // '"', '\\', '/'
          out += e;
      }
    }
    ++at_;
    return out;
  }
  unsigned hex4() {
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) value = value * 16 + static_cast<unsigned>(hex_value(s_[at_++]));
    return value;
  }
  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string_view s_;
  std::size_t at_ = 0;
  std::vector<Frame> frames_;
  std::optional<Error> error_;
};

// "gid://shopify/ProductVariant/9001" -> 9001.
std::optional<int64_t> gid_number(std::string_view gid) {
  const auto slash = gid.rfind('/');
  const std::string_view digits = slash == std::string_view::npos ? gid : gid.substr(slash + 1);
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  int64_t id = 0;
  for (char c : digits) {
    if (!is_digit(c)) return std::nullopt;
    id = id * 10 + (c - '0');
  }
  return id;
}

// Shopify's LanguageCode ("EN", "PT_BR") to the program's locale keys ("en", "pt-BR").
std::string locale_of(const std::string& iso_code) {
  std::string locale;
  for (std::size_t i = 0; i < iso_code.size(); ++i) {
    const char c = iso_code[i];
    if (c == '_') {
      locale += '-';
      locale += upper(iso_code.substr(i + 1));
      break;
    }
    locale += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return locale;
}

class InputReader {
 public:
  explicit InputReader(std::string_view text) : w_(text) {}

  Result<FunctionInput> read() {
    w_.members([&](std::string_view key) {
      if (same(key, "cart"sv)) {
        cart();
      } else if (same(key, "discount"sv) || same(key, "validation"sv)) {
        owner();
      } else if (same(key, "presentmentCurrencyRate"sv)) {
        std::string scratch;
        if (auto rate = w_.decimal(scratch)) rate_text_ = std::string(*rate);
      } else if (same(key, "localization"sv)) {
        localization();
      } else {
        w_.skip();
      }
    });
    if (w_.failed()) return w_.error();
    if (!saw_cart_) return make_error("missing_field", "function input: $.cart: required field is missing", "$.cart");
    if (rate_text_) {
      auto parsed = parse_rate(*rate_text_, "$.presentmentCurrencyRate");
      if (!parsed) return parsed.error();
      in_.context.rate = parsed.value();
    }
    // The address checkout delivers to decides country-limited rewards, then the market's.
    in_.context.country = upper(!delivery_country_.empty() ? delivery_country_ : market_country_);
    in_.context.presentment_currency = in_.cart.currency;
    return std::move(in_);
  }

 private:
  // Called once an object has been read, when the cursor's path is the object's again.
  void required(bool seen, std::string_view key) {
    if (!seen && !w_.failed()) {
      w_.fail_at("missing_field", "required field is missing", w_.path_of(key));
    }
  }

  void owner() {
    if (w_.is_null()) return w_.skip();
    w_.members([&](std::string_view key) {
      if (same(key, "discountClasses"sv)) {
        if (w_.is_null()) return w_.skip();
        // The classes the merchant gave the discount; absent means the query did not ask.
        in_.product_class = false;
        in_.shipping_class = false;
        w_.items([&](std::size_t) {
          auto name = w_.string();
          if (name && same(*name, "PRODUCT"sv)) in_.product_class = true;
          if (name && same(*name, "SHIPPING"sv)) in_.shipping_class = true;
        });
      } else if (same(key, "metafield"sv)) {
        if (w_.is_null()) return w_.skip();
        w_.members([&](std::string_view field) {
          if (same(field, "value"sv)) {
            in_.program_json = w_.string();
          } else {
            w_.skip();
          }
        });
      } else {
        w_.skip();
      }
    });
  }

  void cart() {
    if (w_.is_null()) return w_.skip();
    saw_cart_ = true;
    in_.cart.items.clear();
    in_.line_ids.clear();
    bool saw_lines = false;
    if (w_.is_null()) return w_.skip();
    w_.members([&](std::string_view key) {
      if (same(key, "lines"sv)) {
        saw_lines = !w_.is_null();
        if (!saw_lines) return w_.skip();
        w_.items([&](std::size_t index) {
          if (index == kMaxCartLines) {
            w_.fail_at("too_many",
                       "more than " + std::to_string(kMaxCartLines) + " lines, the limit",
                       "$.cart.lines");
            return;
          }
          line();
        });
      } else if (same(key, "cost"sv)) {
        if (w_.is_null()) return w_.skip();
        w_.members([&](std::string_view field) {
          if (same(field, "subtotalAmount"sv) && in_.cart.items.empty()) {
            money(false);
          } else {
            w_.skip();
          }
        });
      } else if (same(key, "buyerIdentity"sv)) {
        if (w_.is_null()) return w_.skip();
        w_.members([&](std::string_view field) {
          if (!same(field, "customer"sv) || w_.is_null()) return w_.skip();
          w_.members([&](std::string_view name) {
            if (same(name, "hasTags"sv)) {
              in_.context.customer_tags = tags();
            } else {
              w_.skip();
            }
          });
        });
      } else if (same(key, "deliveryGroups"sv)) {
        if (w_.is_null()) return w_.skip();
        in_.delivery_groups.clear();
        w_.items([&](std::size_t) { delivery_group(); });
      } else {
        w_.skip();
      }
    });
    // The Function API names cart lines "lines"; a cart without them is not its input.
    if (!w_.failed() && !saw_lines) {
      w_.fail_at("missing_field", "required field is missing", key_path("$.cart", "lines"));
    }
  }

  void delivery_group() {
    std::optional<std::string> id;
    w_.members([&](std::string_view key) {
      if (same(key, "id"sv)) {
        id = w_.string();
      } else if (same(key, "deliveryAddress"sv) && !w_.is_null()) {
        w_.members([&](std::string_view field) {
          if (same(field, "countryCode"sv)) {
            auto code = w_.string();
            if (code && delivery_country_.empty()) delivery_country_ = *code;
          } else {
            w_.skip();
          }
        });
      } else {
        w_.skip();
      }
    });
    required(id.has_value(), "id");
    if (id) in_.delivery_groups.push_back(*id);
  }

  void localization() {
    if (w_.is_null()) return w_.skip();
    w_.members([&](std::string_view key) {
      if ((!same(key, "language"sv) && !same(key, "country"sv)) || w_.is_null()) return w_.skip();
      const bool language = same(key, "language"sv);
      w_.members([&](std::string_view field) {
        if (!same(field, "isoCode"sv)) return w_.skip();
        auto code = w_.string();
        if (!code || code->empty()) return;
        if (language) {
          in_.context.locale = locale_of(*code);
        } else {
          market_country_ = *code;
        }
      });
    });
  }

  // The tags of a `hasTags(tags: [...]) { tag hasTag }` answer that are present.
  std::vector<std::string> tags() {
    std::vector<std::string> present;
    if (w_.is_null()) {
      w_.skip();
      return present;
    }
    w_.items([&](std::size_t) {
      std::optional<std::string> tag;
      bool has = false;
        w_.members([&](std::string_view key) {
        if (same(key, "tag"sv)) {
          tag = w_.string();
        } else if (same(key, "hasTag"sv)) {
          has = w_.boolean().value_or(false);
        } else {
          w_.skip();
        }
      });
      required(tag.has_value(), "tag");
      if (tag && has) present.push_back(*tag);
    });
    return present;
  }

  // A MoneyV2 object {amount, currencyCode} in minor units of the cart's currency, which the
  // first amount read sets.
  std::optional<int64_t> money(bool required_here) {
    if (w_.is_null()) {
      w_.skip();
      if (required_here) w_.fail("missing_field", "required field is missing");
      return std::nullopt;
    }
    std::optional<std::string_view> amount;
    std::optional<std::string_view> code;
    std::string amount_scratch;
    std::string code_scratch;
    w_.members([&](std::string_view key) {
      if (same(key, "amount"sv)) {
        amount = w_.decimal(amount_scratch);
      } else if (same(key, "currencyCode"sv)) {
        code = w_.view(code_scratch);
      } else {
        w_.skip();
      }
    });
    required(amount.has_value(), "amount");
    required(code.has_value(), "currencyCode");
    if (w_.failed()) return std::nullopt;
    std::string& currency = in_.cart.currency;
    if (currency.empty()) {
      if (!minor_units(*code)) {
        w_.fail_at("unknown_currency", "unknown currency \"" + std::string(*code) + "\"",
                   w_.path_of("currencyCode"));
        return std::nullopt;
      }
      currency = std::string(*code);
    } else if (*code != currency) {
      w_.fail_at("currency_mismatch", "amounts are in " + currency + " and " + std::string(*code),
                 w_.path_of("currencyCode"));
      return std::nullopt;
    }
    auto minor = parse_decimal_amount(*amount, currency, "");
    if (!minor) {
      Error error = minor.error();
      error.path = w_.path_of("amount");
      w_.adopt(error);
      return std::nullopt;
    }
    if (minor.value() < 0) {
      w_.fail_at("negative_value", "amounts are not negative", w_.path_of("amount"));
      return std::nullopt;
    }
    return minor.value();
  }

  // A gid's number, read without copying the gid.
  std::optional<int64_t> id_number() {
    auto gid = w_.view(scratch_);
    if (!gid) return std::nullopt;
    auto number = gid_number(*gid);
    if (!number) w_.fail("invalid_value", "\"" + std::string(*gid) + "\" is not a Shopify id");
    return number;
  }

  void product(CartLine& line) {
    if (w_.is_null()) return w_.skip();
    w_.members([&](std::string_view key) {
      if (same(key, "id"sv)) {
        line.product_id = id_number().value_or(0);
      } else if (same(key, "productType"sv)) {
        line.product_type = w_.string().value_or("");
      } else if (same(key, "isGiftCard"sv)) {
        line.gift_card = w_.boolean().value_or(false);
      } else if (same(key, "title"sv)) {
        line.title = w_.string().value_or("");
      } else if (same(key, "hasTags"sv)) {
        product_tags_ = tags();
      } else {
        w_.skip();
      }
    });
  }

  void line() {
    CartLine line;
    std::optional<std::string> id;
    bool saw_quantity = false;
    bool saw_cost = false;
    std::optional<int64_t> subtotal;
    std::optional<int64_t> total;
    product_tags_.clear();
    w_.members([&](std::string_view key) {
      if (same(key, "id"sv)) {
        id = w_.string();
      } else if (same(key, "quantity"sv)) {
        auto quantity = w_.integer(0, kMaxQuantity);
        saw_quantity = quantity.has_value();
        line.quantity = quantity.value_or(0);
      } else if (same(key, "attribute"sv)) {
        if (w_.is_null()) return w_.skip();
        w_.members([&](std::string_view field) {
          if (!same(field, "value"sv)) return w_.skip();
          if (auto value = w_.string()) line.properties[kGiftProperty] = *value;
        });
      } else if (same(key, "cost"sv)) {
        saw_cost = !w_.is_null();
        if (!saw_cost) return w_.skip();
        bool saw_unit = false;
        w_.members([&](std::string_view field) {
          if (same(field, "amountPerQuantity"sv)) {
            saw_unit = true;
            line.price = money(true).value_or(0);
          } else if (same(field, "subtotalAmount"sv)) {
            subtotal = money(false);
          } else if (same(field, "totalAmount"sv)) {
            total = money(false);
          } else {
            w_.skip();
          }
        });
        required(saw_unit, "amountPerQuantity");
      } else if (same(key, "merchandise"sv)) {
        if (w_.is_null()) return w_.skip();
        w_.members([&](std::string_view field) {
          // A CustomProduct has no id: it matches no selector by id and is no gift.
          if (same(field, "id"sv)) {
            line.variant_id = id_number().value_or(0);
          } else if (same(field, "requiresShipping"sv)) {
            line.requires_shipping = w_.boolean().value_or(true);
          } else if (same(field, "product"sv)) {
            product(line);
          } else {
            w_.skip();
          }
        });
      } else if (same(key, "sellingPlanAllocation"sv)) {
        line.subscription = !w_.is_null();
        w_.skip();
      } else {
        w_.skip();
      }
    });
    required(id.has_value(), "id");
    required(saw_quantity, "quantity");
    required(saw_cost, "cost");
    if (w_.failed()) return;
    line.original_line_price = subtotal.value_or(line.price * line.quantity);  // both bounded
    line.final_line_price = total.value_or(line.original_line_price);
    if (!product_tags_.empty() && line.product_id != 0) {
      in_.context.products[line.product_id].tags = std::move(product_tags_);
    }
    in_.line_ids.push_back(std::move(*id));
    in_.cart.items.push_back(std::move(line));
  }

  Walker w_;
  FunctionInput in_;
  bool saw_cart_ = false;
  std::optional<std::string> rate_text_;
  std::string delivery_country_;
  std::string market_country_;
  std::vector<std::string> product_tags_;
  std::string scratch_;
};

}  // namespace

Result<FunctionInput> parse_function_input(std::string_view text) {
  if (text.size() > kMaxFunctionInputBytes) {
    return make_error("too_large", std::string(kWhat) + " is " + std::to_string(text.size()) +
                                       " bytes; the limit is " +
                                       std::to_string(kMaxFunctionInputBytes));
  }
  if (auto error = Validator(text).check()) return *error;
  std::size_t first = 0;
  while (first < text.size() && is_space(text[first])) ++first;
  if (text[first] != '{') {
    return make_error("invalid_type", std::string(kWhat) + " must be a JSON object");
  }
  return InputReader(text).read();
}

}  // namespace tiercart::detail
