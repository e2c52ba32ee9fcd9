// Private: reading nlohmann::json values with a JSON path for every error, without ever
// calling an accessor on a value of the wrong type. nlohmann reports such misuse by
// throwing, or by aborting when built with JSON_NOEXCEPTION; both are forbidden here.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tiercart/result.h"

namespace tiercart::detail {

using json = nlohmann::json;

// Parses `text` after checking its size and nesting depth (without recursion, so a
// 10,000-deep document costs a linear scan and nothing else).
Result<json> parse_document(std::string_view text, std::string_view what);

std::string key_path(const std::string& parent, std::string_view key);
std::string index_path(const std::string& parent, std::size_t index);

// Reads fields of one JSON object. The first error is kept and later reads become no-ops,
// so a parser reads every field it wants and checks `failed()` once.
class ObjectReader {
 public:
  ObjectReader(const json& value, std::string path, std::string_view what);

  bool failed() const { return error_.has_value(); }
  const Error& error() const { return *error_; }
  void fail(std::string code, const std::string& message, std::string path);
  // Keeps an error a nested reader already worded (and prefixed) as it is.
  void adopt(const Error& error);
  const std::string& path() const { return path_; }

  // Rejects keys not in `known` (programs are strict: a typo must not be ignored).
  void reject_unknown(const std::vector<std::string_view>& known);

  const json* find(std::string_view key) const;  // null when absent or JSON null
  bool has(std::string_view key) const { return find(key) != nullptr; }

  // Each reads `key`; `required` fields that are absent fail with "missing_field".
  std::optional<int64_t> integer(std::string_view key, bool required = false);
  std::optional<int64_t> integer_in(std::string_view key, int64_t min, int64_t max,
                                    bool required = false);
  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<bool> boolean(std::string_view key);
  // An object or array child, for nested readers; fails on the wrong type.
  const json* object(std::string_view key, bool required = false);
  const json* array(std::string_view key, bool required = false);
  std::vector<std::string> strings(std::string_view key);
  std::vector<int64_t> integers(std::string_view key);

  // Reading an element that is not itself a field of this object (array items, map values).
  std::optional<int64_t> as_integer(const json& value, const std::string& path);
  std::optional<std::string> as_string(const json& value, const std::string& path);

 private:
  const json* typed(std::string_view key, bool required, bool (json::*is)() const noexcept,
                    const char* type_name);

  const json& value_;
  std::string path_;
  std::string what_;
  std::optional<Error> error_;
};

// Upper-case ASCII, for currency and country codes.
std::string upper(std::string_view text);
// Lower-case ASCII, for tags and product types compared as Shopify compares them.
std::string lower(std::string_view text);

}  // namespace tiercart::detail
