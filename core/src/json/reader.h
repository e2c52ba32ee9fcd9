// Private: the core's JSON reader. parse_document turns a document into a read-only tree
// (detail::Value) with one pass over the text; ObjectReader reads fields of it with a JSON
// path for every error, built only when an error is reported.
//
// The reader is purpose-built (docs/architecture.md, Decisions): nlohmann's DOM parser
// and ObjectReader's eager paths cost about 1.2 million instructions for a 20-line cart.
// It accepts and rejects exactly what nlohmann::json::parse does (RFC 8259: UTF-8
// validation, escapes with surrogate pairs, the number grammar, a leading BOM, floats that
// overflow are refused) and gives the same values: objects iterate in key order (byte-wise,
// as std::map<std::string> does) and a repeated key keeps its last value. The differential
// fuzz harness fuzz/fuzz_json_reader.cpp holds it to that.
//
// The tree views the document's text: keep the text alive while the tree is used.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tiercart/result.h"

namespace tiercart::detail {

class Value {
 public:
  enum class Kind : uint8_t {
    kNull,
    kBoolean,
    kInteger,
    kUnsigned,
    kFloat,
    kString,
    kArray,
    kObject
  };

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_boolean() const { return kind_ == Kind::kBoolean; }
  bool is_number() const {
    return kind_ == Kind::kInteger || kind_ == Kind::kUnsigned || kind_ == Kind::kFloat;
  }
  bool is_number_integer() const { return kind_ == Kind::kInteger || kind_ == Kind::kUnsigned; }
  bool is_number_unsigned() const { return kind_ == Kind::kUnsigned; }
  bool is_number_float() const { return kind_ == Kind::kFloat; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  // Arrays and objects: the number of elements (members); 0 for anything else.
  std::size_t size() const {
    if (kind_ == Kind::kObject) sort_members();
    return is_array() || is_object() ? count_ : 0;
  }
  bool empty() const { return size() == 0; }
  // An array's element (or an object's member value, in key order). `index < size()`.
  const Value& operator[](std::size_t index) const {
    if (kind_ == Kind::kObject) sort_members();
    return children_[index];
  }
  // An object's member, or null when absent or not an object.
  const Value* find(std::string_view key) const;

  // Object members in key order; on arrays, the elements (with empty keys).
  class const_iterator {
   public:
    explicit const_iterator(const Value* at) : at_(at) {}
    std::string_view key() const { return at_->key_; }
    const Value& value() const { return *at_; }
    const Value& operator*() const { return *at_; }
    const Value* operator->() const { return at_; }
    const_iterator& operator++() {
      ++at_;
      return *this;
    }
    bool operator==(const const_iterator& other) const { return at_ == other.at_; }
    bool operator!=(const const_iterator& other) const { return at_ != other.at_; }

   private:
    const Value* at_;
  };
  const_iterator begin() const {
    if (kind_ == Kind::kObject) sort_members();
    return const_iterator(children_);
  }
  const_iterator end() const { return const_iterator(children_ + size()); }

  // An object's members as held now, without sorting: document order until first iterated,
  // repeated keys included. For checks that do not depend on order.
  struct Members {
    const Value* first;
    const Value* last;
    const Value* begin() const { return first; }
    const Value* end() const { return last; }
  };
  Members members() const {
    if (kind_ != Kind::kObject && kind_ != Kind::kArray) return Members{nullptr, nullptr};
    return Members{children_, children_ + count_};
  }
  std::string_view key() const { return key_; }  // as a member of an object

  std::string_view text() const { return is_string() ? text_ : std::string_view(); }  // decoded
  bool boolean() const { return boolean_; }
  int64_t integer() const { return integer_; }             // kInteger
  uint64_t unsigned_integer() const { return unsigned_; }  // kUnsigned
  // Numbers, arrays, objects: the source text.
  std::string_view raw() const { return is_string() ? std::string_view() : text_; }

  // Compact JSON, byte for byte what nlohmann::json::dump() printed for the same value
  // (json/writer.h).
  std::string dump() const;

 private:
  friend class Parser;
  // An object's members stay in document order until something iterates them (or asks
  // its size): finding a field scans from the last member, so a repeated key gives its
  // last value without any sorting. The first iteration puts a sorted copy without
  // repeated keys in the document's storage; pointers found before stay valid. So a
  // document is not to be read from two threads at once.
  void sort_members() const;

  Kind kind_ = Kind::kNull;
  bool boolean_ = false;
  mutable bool sorted_ = false;  // objects: members in key order, no repeated keys
  mutable uint32_t count_ = 0;
  uint32_t first_ = 0;  // while parsing: where the children are in Document::nodes_
  mutable const Value* children_ = nullptr;
  std::string_view key_;   // the member's key, when this value is a member of an object
  std::string_view text_;  // a string's decoded text; a number's or container's source text
  union {
    int64_t integer_ = 0;
    uint64_t unsigned_;
    std::vector<std::unique_ptr<Value[]>>* sorted_storage_;  // objects not yet sorted
  };
};

// A parsed document: owns the tree (and the decoded text of strings that had escapes);
// views the text it was parsed from.
class Document {
 public:
  const Value& root() const { return root_; }

 private:
  friend class Parser;
  Value root_;
  std::vector<Value> nodes_;
  // Sorted copies of objects' members, made when first iterated (behind a pointer, so that
  // moving the document keeps it where the objects point).
  std::unique_ptr<std::vector<std::unique_ptr<Value[]>>> sorted_;
  // The decoded text of strings that had escapes (rare). Reserved once to the document's
  // size, which no decoded text can pass, so that views into it stay valid.
  std::vector<char> decoded_;
};

// Parses `text` after checking its size and nesting depth (without recursion, so a
// 10,000-deep document costs a linear scan and nothing else). Refuses a document whose
// top level is not an object (invalid_type).
Result<Document> parse_document(std::string_view text, std::string_view what);
// The same parse for any JSON value (any top level), without the size and depth checks:
// nullopt when `text` is not JSON. For the differential fuzz harness and tests.
std::optional<Document> parse_any(std::string_view text);

// A member of an object looked up beforehand (Fields), with its key for error paths: null
// when absent.
struct Field {
  std::string_view key;
  const Value* value = nullptr;
};

// Looks up a fixed set of keys in one pass over an object's members, for objects read many
// times over with many members each (cart lines: ~17 members, 16 keys read). One scan per
// key cost ~28k instructions per 20-line cart; this pass compares a member's key only with
// the keys of its length. As Value::find, the last of a repeated key counts.
class Fields {
 public:
  // At most kMax keys, none repeated. Constant-initialised when made constexpr.
  constexpr Fields(std::initializer_list<std::string_view> keys) {
    for (std::string_view key : keys) {
      if (count_ == kMax) break;
      const std::size_t length = key.size() < kLengths ? key.size() : kLengths - 1;
      by_length_[length] |= uint32_t{1} << count_;
      keys_[count_++] = key;
    }
  }
  // found[i]: the member named keys[i], or null. `found` holds as many entries as keys.
  void find(const Value& object, const Value** found) const;
  // Key i with what find() found for it, for ObjectReader's reads.
  Field field(std::size_t i, const Value* const* found) const { return Field{keys_[i], found[i]}; }

  static constexpr std::size_t kMax = 32;
  static constexpr std::size_t kLengths = 64;  // keys this long or longer share the last slot

 private:
  std::string_view keys_[kMax];
  std::size_t count_ = 0;
  // by_length_[n]: the indexes of the keys of length n (kLengths - 1: of that length or
  // more), as a bit set.
  uint32_t by_length_[kLengths] = {};
};

std::string key_path(const std::string& parent, std::string_view key);
std::string index_path(const std::string& parent, std::size_t index);

// Reads fields of one JSON object. The first error is kept and later reads become no-ops,
// so a parser reads every field it wants and checks `failed()` once.
//
// A reader's JSON path is text only when an error needs it: a reader made for a field or
// an element of another reader (the second and third constructors) keeps a reference to
// that parent, which must outlive it.
class ObjectReader {
 public:
  ObjectReader(const Value& value, std::string path, std::string_view what);
  // The object at `parent`'s field `key`.
  ObjectReader(const Value& value, const ObjectReader& parent, std::string_view key);
  // Element `index` of the array at `base` (a path such as "$.items"; it must outlive the
  // reader, as a string literal does).
  ObjectReader(const Value& value, std::string_view base, std::size_t index, std::string_view what);
  // Element `index` of the array at `parent`'s field `key`.
  ObjectReader(const Value& value, const ObjectReader& parent, std::string_view key,
               std::size_t index);

  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;

  bool failed() const { return error_.has_value(); }
  const Error& error() const { return *error_; }
  void fail(std::string code, const std::string& message, std::string path);
  // Keeps an error a nested reader already worded (and prefixed) as it is.
  void adopt(const Error& error);
  const std::string& path() const;
  // key_path(path(), key), for an error's path.
  std::string path_of(std::string_view key) const { return key_path(path(), key); }

  // Rejects keys not in `known` (programs are strict: a typo must not be ignored).
  void reject_unknown(std::initializer_list<std::string_view> known);
  void reject_unknown(const std::vector<std::string_view>& known);

  const Value* find(std::string_view key) const { return find(field(key)); }
  // The member itself, null when absent or JSON null (or once the reader failed).
  const Value* find(const Field& field) const {
    if (failed() || !field.value || field.value->is_null()) return nullptr;
    return field.value;
  }
  bool has(std::string_view key) const { return find(key) != nullptr; }
  // `key` looked up in the object (null when absent), for the reads that take a Field.
  Field field(std::string_view key) const {
    return Field{key, failed() ? nullptr : value_.find(key)};
  }

  // Each reads `key`; `required` fields that are absent fail with "missing_field". The
  // overloads that take a Field read a member already found (Fields::find) and behave the same.
  std::optional<int64_t> integer(std::string_view key, bool required = false) {
    return integer(field(key), required);
  }
  std::optional<int64_t> integer(const Field& field, bool required = false);
  std::optional<int64_t> integer_in(std::string_view key, int64_t min, int64_t max,
                                    bool required = false) {
    return integer_in(field(key), min, max, required);
  }
  // The usual case (a non-negative integer in range) inline, the rest (absent, null, wrong
  // type, out of range: the errors) in the out-of-line reader. A cart line's ~10 numbers
  // and texts cost a chain of calls each before.
  std::optional<int64_t> integer_in(const Field& field, int64_t min, int64_t max,
                                    bool required = false) {
    if (!failed() && field.value && field.value->is_number_unsigned() &&
        field.value->unsigned_integer() <= static_cast<uint64_t>(INT64_MAX)) {
      const auto value = static_cast<int64_t>(field.value->unsigned_integer());
      if (value >= min && value <= max) return value;
    }
    return checked_integer_in(field, min, max, required);
  }
  std::optional<std::string> string(std::string_view key, bool required = false);
  // The same without a copy: the view lives as long as the document.
  std::optional<std::string_view> text(std::string_view key, bool required = false) {
    return text(field(key), required);
  }
  std::optional<std::string_view> text(const Field& field, bool required = false) {
    if (!failed() && field.value && field.value->is_string()) return field.value->text();
    return checked_text(field, required);
  }
  std::optional<bool> boolean(std::string_view key) { return boolean(field(key)); }
  std::optional<bool> boolean(const Field& field) {
    if (!failed() && field.value && field.value->is_boolean()) return field.value->boolean();
    return checked_boolean(field);
  }
  // An object or array child, for nested readers; fails on the wrong type.
  const Value* object(std::string_view key, bool required = false);
  const Value* array(std::string_view key, bool required = false);
  std::vector<std::string> strings(std::string_view key);
  std::vector<int64_t> integers(std::string_view key);

  // Reading an element that is not itself a field of this object (array items, map values).
  std::optional<int64_t> as_integer(const Value& value, const std::string& path);
  std::optional<std::string> as_string(const Value& value, const std::string& path);

 private:
  std::optional<int64_t> checked_integer_in(const Field& field, int64_t min, int64_t max,
                                            bool required);
  std::optional<std::string_view> checked_text(const Field& field, bool required);
  std::optional<bool> checked_boolean(const Field& field);
  const Value* typed(std::string_view key, bool required, Value::Kind kind, const char* type_name) {
    return typed(field(key), required, kind, type_name);
  }
  const Value* typed(const Field& field, bool required, Value::Kind kind, const char* type_name);
  // as_integer with the path made only on failure: `key`, then `index` when not npos.
  std::optional<int64_t> integer_at(const Value& value, std::string_view key, std::size_t index);
  std::string element_path(std::string_view key, std::size_t index) const;

  const Value& value_;
  // The path: `path_` once made; before that, parent's path (or `base_`) + key_ + [index_].
  const ObjectReader* parent_ = nullptr;
  std::string_view base_;
  std::string_view key_;
  std::size_t index_ = static_cast<std::size_t>(-1);
  mutable std::string path_;
  mutable bool path_made_ = false;
  std::string what_;
  std::optional<Error> error_;
};

// Upper-case ASCII, for currency and country codes.
// `key` as a map of ISO 4217 codes to positive amounts in minor units
// ({"EUR": 4500, "JPY": 7000}); empty when absent. Errors go to `r`.
std::map<std::string, int64_t> read_amounts_by_currency(ObjectReader& r, std::string_view key);

// An id a merchant gives a program, bar, tier or offer: [a-z0-9][a-z0-9_-]{0,63}.
bool is_id(std::string_view text);

// `key` as an ISO 8601 time (tiercart/time.h), in Unix seconds; a bad one fails `r` with
// "invalid_time" at the field's path. Absent: nothing.
std::optional<int64_t> read_time(ObjectReader& r, std::string_view key);

std::string upper(std::string_view text);
// Lower-case ASCII, for tags and product types compared as Shopify compares them.
std::string lower(std::string_view text);

}  // namespace tiercart::detail
