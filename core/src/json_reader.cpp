#include "json_reader.h"

#include <algorithm>

#include "tiercart/tiercart.h"

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

}  // namespace

Result<json> parse_document(std::string_view text, std::string_view what) {
  const std::string name(what);
  if (text.size() > kMaxDocumentBytes) {
    return make_error("too_large", name + " is " + std::to_string(text.size()) +
                                       " bytes; the limit is " + std::to_string(kMaxDocumentBytes));
  }
  if (nesting_depth(text, kMaxDepth) > kMaxDepth) {
    return make_error("too_deep",
                      name + " nests deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  json value = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return make_error("invalid_json", name + " is not valid JSON");
  }
  if (!value.is_object()) {
    return make_error("invalid_type", name + " must be a JSON object");
  }
  return value;
}

std::string key_path(const std::string& parent, std::string_view key) {
  std::string path = parent;
  const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
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

ObjectReader::ObjectReader(const json& value, std::string path, std::string_view what)
    : value_(value), path_(std::move(path)), what_(what) {
  if (!value_.is_object()) {
    fail("invalid_type", "expected an object", path_);
  }
}

void ObjectReader::fail(std::string code, const std::string& message, std::string path) {
  if (error_) return;
  error_ = Error{std::move(code), what_ + ": " + path + ": " + message, std::move(path)};
}

void ObjectReader::adopt(const Error& error) {
  if (!error_) error_ = error;
}

void ObjectReader::reject_unknown(const std::vector<std::string_view>& known) {
  if (failed()) return;
  for (auto it = value_.begin(); it != value_.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
      fail("unknown_field", "unknown field \"" + it.key() + "\"", key_path(path_, it.key()));
      return;
    }
  }
}

const json* ObjectReader::find(std::string_view key) const {
  if (failed() || !value_.is_object()) return nullptr;
  auto it = value_.find(key);
  if (it == value_.end() || it->is_null()) return nullptr;
  return &*it;
}

const json* ObjectReader::typed(std::string_view key, bool required,
                                bool (json::*is)() const noexcept, const char* type_name) {
  const json* found = find(key);
  if (!found) {
    if (required && !failed()) {
      fail("missing_field", "required field is missing", key_path(path_, key));
    }
    return nullptr;
  }
  if (!(found->*is)()) {
    fail("invalid_type", std::string("expected ") + type_name, key_path(path_, key));
    return nullptr;
  }
  return found;
}

std::optional<int64_t> ObjectReader::as_integer(const json& value, const std::string& path) {
  if (failed()) return std::nullopt;
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      fail("out_of_range", "integer is too large", path);
      return std::nullopt;
    }
    return value.get<int64_t>();
  }
  fail("invalid_type", "expected an integer", path);
  return std::nullopt;
}

std::optional<std::string> ObjectReader::as_string(const json& value, const std::string& path) {
  if (failed()) return std::nullopt;
  if (!value.is_string()) {
    fail("invalid_type", "expected a string", path);
    return std::nullopt;
  }
  return value.get_ref<const std::string&>();
}

std::optional<int64_t> ObjectReader::integer(std::string_view key, bool required) {
  const json* found = find(key);
  if (!found) {
    if (required && !failed()) {
      fail("missing_field", "required field is missing", key_path(path_, key));
    }
    return std::nullopt;
  }
  return as_integer(*found, key_path(path_, key));
}

std::optional<int64_t> ObjectReader::integer_in(std::string_view key, int64_t min, int64_t max,
                                                bool required) {
  auto value = integer(key, required);
  if (value && (*value < min || *value > max)) {
    fail(*value < 0 && min >= 0 ? "negative_value" : "out_of_range",
         "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
             std::to_string(*value),
         key_path(path_, key));
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> ObjectReader::string(std::string_view key, bool required) {
  const json* found = typed(key, required, &json::is_string, "a string");
  if (!found) return std::nullopt;
  return found->get_ref<const std::string&>();
}

std::optional<bool> ObjectReader::boolean(std::string_view key) {
  const json* found = typed(key, false, &json::is_boolean, "true or false");
  if (!found) return std::nullopt;
  return found->get<bool>();
}

const json* ObjectReader::object(std::string_view key, bool required) {
  return typed(key, required, &json::is_object, "an object");
}

const json* ObjectReader::array(std::string_view key, bool required) {
  return typed(key, required, &json::is_array, "an array");
}

std::vector<std::string> ObjectReader::strings(std::string_view key) {
  std::vector<std::string> out;
  const json* list = array(key);
  if (!list) return out;
  const std::string base = key_path(path_, key);
  for (std::size_t i = 0; i < list->size() && !failed(); ++i) {
    if (auto text = as_string((*list)[i], index_path(base, i))) out.push_back(*text);
  }
  return out;
}

std::vector<int64_t> ObjectReader::integers(std::string_view key) {
  std::vector<int64_t> out;
  const json* list = array(key);
  if (!list) return out;
  const std::string base = key_path(path_, key);
  for (std::size_t i = 0; i < list->size() && !failed(); ++i) {
    if (auto number = as_integer((*list)[i], index_path(base, i))) out.push_back(*number);
  }
  return out;
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
