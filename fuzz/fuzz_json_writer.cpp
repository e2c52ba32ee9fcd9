// libFuzzer, differential: the core's JSON string escaping (core/src/json_writer.cpp)
// against nlohmann's serializer, which printed the core's outputs before. For any bytes,
// valid UTF-8 or not, both must print the same JSON string; U+FFFD stands for each invalid
// sequence in both. The input also goes through the writer as an object key and inside
// an array, where the same escaping applies.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "tiercart/json_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  using nlohmann::ordered_json;
  const auto replace = ordered_json::error_handler_t::replace;

  std::string ours;
  tiercart::append_json_string(ours, text);
  if (ours != ordered_json(text).dump(-1, ' ', false, replace)) __builtin_trap();

  tiercart::JsonWriter writer;
  writer.begin_object().key(text).begin_array().text(text).number(-7).end_array().end_object();
  ordered_json expected = ordered_json::object();
  expected[text] = ordered_json::array({text, -7});
  if (writer.str() != expected.dump(-1, ' ', false, replace)) __builtin_trap();
  return 0;
}
