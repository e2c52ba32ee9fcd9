// The one JSON writer: every JSON text the core prints (evaluations, verdicts, post-purchase
// answers, Function outputs) goes through it, and so do the server's answers, which embed the
// core's documents as they are (raw) instead of parsing them back.
//
// It prints compact JSON byte for byte as nlohmann::ordered_json's dump() printed it before
// (the golden fixtures hold the outputs to that; fuzz/fuzz_json_writer.cpp holds the string
// escaping to it on arbitrary bytes): keys in the order written, integers in decimal, no
// spaces. It exists so that the WebAssembly modules carry no JSON tree or serializer
// library (docs/function.md: the Function modules' size is capped).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace tiercart {

// Appends `text` as a JSON string, quotes included. '"', '\\' and the C0 controls are
// escaped (\b \f \n \r \t, else \u00xx in lower-case hex); DEL and valid UTF-8 are copied as
// they are. Text that is not valid UTF-8 (a product title or a property from a cart) is
// still printed: each invalid sequence, that is a lone byte that cannot start one or the
// longest start of a sequence that cannot be completed, becomes one U+FFFD, so that an
// output is always produced.
void append_json_string(std::string& out, std::string_view text);

// A double as nlohmann prints one: Grisu2 digits (they read back to the same double),
// plain notation for decimal exponents -4 < n <= 15 ("1.0", "0.001", "1e+16" beyond),
// "null" for infinities and NaN.
void append_json_double(std::string& out, double value);

class JsonWriter {
 public:
  explicit JsonWriter(std::size_t expected = 0) { out_.reserve(expected); }

  JsonWriter& begin_object() {
    separate();
    put('{');
    push();
    return *this;
  }
  JsonWriter& end_object() {
    put('}');
    --depth_;
    return *this;
  }
  JsonWriter& begin_array() {
    separate();
    put('[');
    push();
    return *this;
  }
  JsonWriter& end_array() {
    put(']');
    --depth_;
    return *this;
  }
  // A key the core itself names (plain ASCII) is copied as it is; any other key, one read
  // from input, is escaped like a string value.
  JsonWriter& key(std::string_view name);
  JsonWriter& text(std::string_view value);
  JsonWriter& optional_text(const std::optional<std::string>& value) {
    if (!value) return null();
    return text(*value);
  }
  JsonWriter& number(int64_t value);
  JsonWriter& unsigned_number(uint64_t value);
  JsonWriter& floating(double value) {
    separate();
    trim();
    append_json_double(out_, value);
    size_ = out_.size();
    return *this;
  }
  JsonWriter& boolean(bool value) {
    separate();
    if (value) {
      put("true", 4);
    } else {
      put("false", 5);
    }
    return *this;
  }
  JsonWriter& null() {
    separate();
    put("null", 4);
    return *this;
  }
  template <typename T>
  JsonWriter& field(std::string_view name, const T& value) {
    key(name);
    if constexpr (std::is_same_v<T, bool>) {
      return boolean(value);
    } else if constexpr (std::is_integral_v<T>) {
      return number(static_cast<int64_t>(value));
    } else if constexpr (std::is_same_v<T, std::optional<std::string>>) {
      return optional_text(value);
    } else if constexpr (std::is_same_v<T, std::optional<int64_t>>) {
      return value ? number(*value) : null();
    } else {
      return text(value);
    }
  }
  // A JSON text written elsewhere by this writer (a document the core answered with, one
  // stored from it), copied as it is: its bytes are trusted to be JSON.
  JsonWriter& raw(std::string_view json) {
    separate();
    put(json.data(), json.size());
    return *this;
  }
  const std::string& str() const {
    trim();
    return out_;
  }
  std::string take() {
    trim();
    size_ = 0;
    return std::move(out_);
  }

 private:
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (depth_ > 0) {
      const int level = depth_ < kDepths ? depth_ : kDepths - 1;
      if (!first_[level]) put(',');
      first_[level] = false;
    }
  }
  void push() {
    ++depth_;
    first_[depth_ < kDepths ? depth_ : kDepths - 1] = true;
  }

  // Value::dump nests as deep as parse_document allows (kMaxDepth, 64); the core's own
  // outputs nest 9 levels at most (a Function's discount candidates). Deeper nesting is not
  // produced; were it ever, the commas would be wrong, never memory outside the array.
  static constexpr int kDepths = 80;

  // What is written is out_'s first size_ bytes; out_ is grown ahead in blocks, so that
  // each piece is a bounds check and a copy in place rather than a call into std::string's
  // append (an evaluation is ~300 pieces). str() and take() cut out_ to size_; the writes
  // that go through a function appending to a std::string cut it first and grow it after.
  char* room(std::size_t n) {
    if (out_.size() - size_ < n) grow(n);
    return &out_[size_];
  }
  void grow(std::size_t n);
  void quoted(std::string_view value, bool colon);
  void trim() const { out_.resize(size_); }
  void put(char c) {
    *room(1) = c;
    ++size_;
  }
  void put(const char* data, std::size_t n) {
    std::memcpy(room(n), data, n);
    size_ += n;
  }

  mutable std::string out_;
  std::size_t size_ = 0;
  bool first_[kDepths] = {};
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace tiercart
