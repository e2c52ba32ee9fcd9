// The core's JSON reader (core/src/json_reader.*): what it accepts, the values it gives,
// and the errors parse_document reports. fuzz/fuzz_json_reader.cpp compares it with
// nlohmann::json::parse on random inputs; these are the cases worth naming.
// The private header by its path: the wasm build of this suite has no core/src include.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "json/reader.h"
#include "tiercart/tiercart.h"

namespace {

using tiercart::detail::Document;
using tiercart::detail::ObjectReader;
using tiercart::detail::parse_any;
using tiercart::detail::parse_document;
using tiercart::detail::Value;

bool accepts(std::string_view text) { return parse_any(text).has_value(); }

bool nlohmann_accepts(std::string_view text) {
  return !nlohmann::json::parse(text.begin(), text.end(), nullptr, false).is_discarded();
}

TEST(JsonReader, AcceptsAndRefusesWhatNlohmannDoes) {
  const std::vector<std::string> cases = {"{}",
                                          "[]",
                                          "0",
                                          "-0",
                                          "1.5e3",
                                          "1E+2",
                                          " \t\r\n{ } ",
                                          "\"a\\u00e9\\ud83d\\ude00\"",
                                          "\xEF\xBB\xBF{}",
                                          "01",
                                          "1.",
                                          ".5",
                                          "-",
                                          "+1",
                                          "1e",
                                          "[1,]",
                                          "{,}",
                                          "{\"a\" 1}",
                                          "[1 2]",
                                          "\"\\ud83d\"",
                                          "\"\\ude00\"",
                                          "\"\\x\"",
                                          "\"tab\there\"",
                                          "\"\xC0\x80\"",
                                          "\"\xED\xA0\x80\"",
                                          "\"\xF4\x90\x80\x80\"",
                                          "\"\xE2\x82\"",
                                          "1e400",
                                          "-1e400",
                                          "1e-400",
                                          "18446744073709551616",
                                          "nul",
                                          "true false",
                                          "{\"a\":1}}",
                                          "\xEF\xBB",
                                          "",
                                          "   ",
                                          "[",
                                          "/* c */ {}",
                                          "{\"a\":[1,{\"b\":null}]}"};
  for (const auto& text : cases) {
    EXPECT_EQ(accepts(text), nlohmann_accepts(text)) << text;
  }
}

// The reader scans strings and indentation eight bytes at a time and skips strtod for
// floats that cannot overflow: bytes that end a plain run at every place in a word, long
// white space, and numbers at the 64-bit and double limits must come out as nlohmann has them.
TEST(JsonReader, AgreesWithNlohmannAtTheEdgesOfItsFastPaths) {
  auto same = [](const std::string& text) {
    auto ours = parse_any(text);
    auto theirs = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    ASSERT_EQ(ours.has_value(), !theirs.is_discarded()) << text;
    if (ours) EXPECT_EQ(ours->root().dump(), theirs.dump()) << text;
  };
  const std::vector<std::string> specials = {"\"",   "\\",   "\\n",      "\\u00e9", "\x01",
                                             "\x1f", "\x7f", "\xC3\xA9", "\xFF",    "\xE2\x82\xAC"};
  for (std::size_t before = 0; before < 18; ++before) {
    for (const auto& special : specials) {
      same("[\"" + std::string(before, 'a') + special + std::string(17 - before, 'b') + "\"]");
      same("{\"" + std::string(before, 'k') + special + "\":1}");
    }
    same("{" + std::string(before, ' ') + "\"a\"\n\t\r " + std::string(17 - before, ' ') + ":" +
         std::string(before, '\t') + "[ 1 ,\n" + std::string(before + 9, ' ') + "2]" +
         std::string(before, ' ') + "}" + std::string(before, ' '));
  }
  same(std::string(40, ' '));
  for (const char* sign : {"", "-"}) {
    for (const std::string digits :
         {"9999999999999999999", "18446744073709551615", "18446744073709551616",
          "9223372036854775808", "9223372036854775809", "99999999999999999999"}) {
      same(std::string("[") + sign + digits + "]");
    }
    for (const std::string fraction : {"", ".5"}) {
      same(std::string("[") + sign + "1" + std::string(307, '9') + fraction + "]");  // < 1e308
      same(std::string("[") + sign + "1" + std::string(308, '0') + fraction + "]");  // 1e308
      same(std::string("[") + sign + "2" + std::string(308, '0') + fraction + "]");  // > max
      same(std::string("[") + sign + "1" + std::string(400, '0') + fraction + "]");
      same(std::string("[") + sign + "1" + std::string(300, '0') + fraction + std::string(20, '5') +
           "]");
      same(std::string("[") + sign + "1" + fraction + "e308]");
      same(std::string("[") + sign + "1" + fraction + "e309]");
    }
  }
}

TEST(JsonReader, IgnoresWhatFollowsANulByteAfterTheValue) {
  const std::string text("{\"a\":1}\0{{{", 11);
  ASSERT_TRUE(accepts(text));
  EXPECT_TRUE(nlohmann_accepts(text));
}

TEST(JsonReader, KeepsTheLastOfARepeatedKeyAndIteratesInKeyOrder) {
  auto doc = parse_any(R"({"b":1,"a":2,"b":3,"B":4})");
  ASSERT_TRUE(doc);
  const Value& root = doc->root();
  ASSERT_NE(root.find("b"), nullptr);
  EXPECT_EQ(root.find("b")->integer(), 3);
  EXPECT_EQ(root.size(), 3u);
  std::string keys;
  for (auto it = root.begin(); it != root.end(); ++it) keys += std::string(it.key()) + ",";
  EXPECT_EQ(keys, "B,a,b,");
  EXPECT_EQ(root.find("b")->integer(), 3);  // still found after sorting
}

TEST(JsonReader, DecodesEscapesAndSurrogatePairs) {
  auto doc = parse_any(R"(["a\"b\\c\/d\b\f\n\r\t", "\u00e9\ud83d\ude00", "\u0000x"])");
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->root()[0].text(), "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(doc->root()[1].text(), "\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(doc->root()[2].text(), std::string_view("\0x", 2));
}

TEST(JsonReader, KeepsIntegerKindsAsNlohmannDoes) {
  auto doc =
      parse_any("[1, -1, 18446744073709551615, -9223372036854775808, 1.0, 99999999999999999999]");
  ASSERT_TRUE(doc);
  const Value& root = doc->root();
  EXPECT_TRUE(root[0].is_number_unsigned());
  EXPECT_EQ(root[1].kind(), Value::Kind::kInteger);
  EXPECT_EQ(root[2].unsigned_integer(), UINT64_MAX);
  EXPECT_EQ(root[3].integer(), INT64_MIN);
  EXPECT_TRUE(root[4].is_number_float());
  EXPECT_TRUE(root[5].is_number_float());
}

TEST(JsonReader, DumpsLikeNlohmann) {
  const std::string text = R"({"z":[1,-2,1.5,1e2,true,null,"\u00e9\n"],"a":{"y":{},"x":[]}})";
  auto doc = parse_any(text);
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->root().dump(), nlohmann::json::parse(text).dump());
}

TEST(JsonReader, ReportsTooDeepBeforeInvalid) {
  const std::string deep = std::string(10'000, '[') + "x";
  auto result = parse_document(deep, "cart");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "too_deep");
  EXPECT_EQ(parse_document("{\"a\":[}", "cart").error().code, "invalid_json");
  EXPECT_EQ(parse_document("[]", "cart").error().code, "invalid_type");
  std::string limit;
  for (int i = 0; i < tiercart::kMaxDepth; ++i) limit += '[';
  for (int i = 0; i < tiercart::kMaxDepth; ++i) limit += ']';
  EXPECT_EQ(parse_document(limit, "cart").error().code, "invalid_type");  // deep enough, valid
}

TEST(ObjectReader, NamesTheFieldOfANestedElementInItsError) {
  auto doc = parse_document(R"({"items":[{"q":1},{"q":"x"}]})", "cart");
  ASSERT_TRUE(doc);
  ObjectReader root(doc.value().root(), "$", "cart");
  const Value* items = root.array("items");
  ASSERT_NE(items, nullptr);
  ObjectReader first((*items)[0], root, "items", 0);
  EXPECT_EQ(first.integer("q"), 1);
  EXPECT_FALSE(first.failed());
  ObjectReader second((*items)[1], root, "items", 1);
  EXPECT_FALSE(second.integer("q"));
  ASSERT_TRUE(second.failed());
  EXPECT_EQ(second.error().path, "$.items[1].q");
  EXPECT_EQ(second.error().message, "cart: $.items[1].q: expected an integer");
}

TEST(ObjectReader, NamesAnUnknownFieldWithAnOddKey) {
  auto doc = parse_document(R"({"ok":1,"a b":2})", "program");
  ASSERT_TRUE(doc);
  ObjectReader reader(doc.value().root(), "$.bars", 3, "program");
  reader.reject_unknown({"ok"});
  ASSERT_TRUE(reader.failed());
  EXPECT_EQ(reader.error().code, "unknown_field");
  EXPECT_EQ(reader.error().path, "$.bars[3][\"a b\"]");
}

}  // namespace
