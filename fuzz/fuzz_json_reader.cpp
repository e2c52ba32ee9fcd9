// libFuzzer, differential: the core's JSON reader (core/src/json_reader.cpp) against
// nlohmann::json::parse, the parser it replaced. For any bytes both must accept or both
// refuse; when they accept, they must hold the same value (objects in key order, the last of
// a repeated key) and print it the same way; and parse_document must give the error code
// the old size check, depth scan and nlohmann parse gave.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "json/reader.h"
#include "tiercart/tiercart.h"

namespace {

using tiercart::detail::Value;

nlohmann::json convert(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return nullptr;
    case Value::Kind::kBoolean:
      return value.boolean();
    case Value::Kind::kInteger:
      return value.integer();
    case Value::Kind::kUnsigned:
      return value.unsigned_integer();
    case Value::Kind::kFloat:
      return std::strtod(std::string(value.raw()).c_str(), nullptr);
    case Value::Kind::kString:
      return std::string(value.text());
    case Value::Kind::kArray: {
      nlohmann::json out = nlohmann::json::array();
      for (std::size_t i = 0; i < value.size(); ++i) out.push_back(convert(value[i]));
      return out;
    }
    case Value::Kind::kObject: {
      nlohmann::json out = nlohmann::json::object();
      std::string previous;
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        const std::string key(it.key());
        // Strictly ascending keys: sorted, no repeats.
        if (!first && !(previous < key)) __builtin_trap();
        if (value.find(it.key()) != &it.value()) __builtin_trap();
        out[key] = convert(it.value());
        previous = key;
        first = false;
      }
      if (out.size() != value.size()) __builtin_trap();
      return out;
    }
  }
  return nullptr;
}

// The old parse_document's depth scan, kept here as the reference.
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

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json expected =
      nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  const bool too_deep = nesting_depth(text, tiercart::kMaxDepth) > tiercart::kMaxDepth;

  auto ours = tiercart::detail::parse_any(text);
  if (!too_deep) {
    if (expected.is_discarded() != !ours.has_value()) __builtin_trap();
    if (ours) {
      const Value& root = ours->root();
      if (convert(root) != expected) __builtin_trap();
      if (root.dump() != expected.dump()) __builtin_trap();
    }
  }

  std::string old_code;
  if (too_deep) {
    old_code = "too_deep";
  } else if (expected.is_discarded()) {
    old_code = "invalid_json";
  } else if (!expected.is_object()) {
    old_code = "invalid_type";
  }
  auto doc = tiercart::detail::parse_document(text, "fuzz");
  const std::string new_code = doc ? "" : doc.error().code;
  if (old_code != new_code) __builtin_trap();
  return 0;
}
