// The core's JSON writer (core/src/json_writer.*): strings escaped as nlohmann's serializer
// escaped them (the core's outputs printed the same bytes before it), invalid UTF-8 shown
// as U+FFFD, and the writer's structure. fuzz/fuzz_json_writer.cpp compares the escaping
// with nlohmann on random bytes; these are the cases worth naming.
// The private header by its path: the wasm build of this suite has no core/src include.
#include "tiercart/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace {

using tiercart::append_json_string;
using tiercart::JsonWriter;

std::string written(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

std::string nlohmann_quoted(const std::string& text) {
  return nlohmann::ordered_json(text).dump(-1, ' ', false,
                                           nlohmann::ordered_json::error_handler_t::replace);
}

const std::string kFffd = "\xEF\xBF\xBD";

struct Case {
  const char* what;
  std::string text;
  std::string expected;
};

void expect_cases(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    EXPECT_EQ(written(c.text), c.expected) << c.what;
    EXPECT_EQ(written(c.text), nlohmann_quoted(c.text)) << c.what;
  }
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  expect_cases({
      {"plain", "Free tote", "\"Free tote\""},
      {"empty", "", "\"\""},
      {"quote and backslash", "a\"b\\c", "\"a\\\"b\\\\c\""},
      {"short escapes", "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""},
      {"other C0 in lower-case hex", std::string("\x00\x01\x1b\x1f", 4),
       "\"\\u0000\\u0001\\u001b\\u001f\""},
      {"DEL is not escaped", "a\x7f", "\"a\x7f\""},
      {"slash is not escaped", "1/2", "\"1/2\""},
  });
}

TEST(JsonWriter, CopiesValidUtf8AsItIs) {
  expect_cases({
      {"two bytes", "caf\xC3\xA9", "\"caf\xC3\xA9\""},
      {"three bytes", "\xE2\x82\xAC 5", "\"\xE2\x82\xAC 5\""},
      {"four bytes", "\xF0\x9F\x8E\x81 gift", "\"\xF0\x9F\x8E\x81 gift\""},
      {"largest code point", "\xF4\x8F\xBF\xBF", "\"\xF4\x8F\xBF\xBF\""},
      {"U+FFFD itself", kFffd, "\"" + kFffd + "\""},
  });
}

TEST(JsonWriter, ReplacesEachInvalidSequenceWithOneReplacementCharacter) {
  expect_cases({
      {"lone continuation byte", "a\x80z", "\"a" + kFffd + "z\""},
      {"bytes that start nothing", "\xC0\xC1\xF5\xFF", "\"" + kFffd + kFffd + kFffd + kFffd + "\""},
      {"overlong two bytes", "\xC0\xAF", "\"" + kFffd + kFffd + "\""},
      {"overlong three bytes", "\xE0\x80\xAF", "\"" + kFffd + kFffd + kFffd + "\""},
      {"overlong four bytes", "\xF0\x8F\xBF\xBF", "\"" + kFffd + kFffd + kFffd + kFffd + "\""},
      {"surrogate", "\xED\xA0\x80", "\"" + kFffd + kFffd + kFffd + "\""},
      {"above U+10FFFF", "\xF4\x90\x80\x80", "\"" + kFffd + kFffd + kFffd + kFffd + "\""},
      {"truncated at the end", "ok\xE2\x82", "\"ok" + kFffd + "\""},
      {"truncated four bytes at the end", "\xF0\x9F\x8E", "\"" + kFffd + "\""},
      {"truncated, then ASCII read again", "\xE2\x82x", "\"" + kFffd + "x\""},
      {"truncated, then a quote escaped", "\xC3\"", "\"" + kFffd + "\\\"\""},
      {"truncated, then a valid sequence", "\xE2\xC3\xA9", "\"" + kFffd + "\xC3\xA9\""},
  });
}

TEST(JsonWriter, SeparatesMembersAndElementsWithCommas) {
  JsonWriter w;
  w.begin_object().field("a", 1).key("list").begin_array();
  w.number(-2).text("x").boolean(false).null();
  w.begin_object().end_object().begin_array().end_array();
  w.end_array();
  w.field("none", std::optional<std::string>()).field("some", std::optional<int64_t>(5));
  w.end_object();
  EXPECT_EQ(w.take(), R"({"a":1,"list":[-2,"x",false,null,{},[]],"none":null,"some":5})");
}

TEST(JsonWriter, EmbedsAWrittenDocumentAsItIs) {
  JsonWriter inner;
  inner.begin_object().field("ok", true).end_object();
  JsonWriter w;
  w.begin_object().field("id", 7).key("check").raw(inner.str()).key("list").begin_array();
  w.raw("[1,2]").raw("{}").end_array().end_object();
  EXPECT_EQ(w.take(), R"({"id":7,"check":{"ok":true},"list":[[1,2],{}]})");
}

TEST(JsonWriter, EscapesKeysReadFromInput) {
  JsonWriter w;
  w.begin_object().field("a\"\n", true).end_object();
  EXPECT_EQ(w.take(), "{\"a\\\"\\n\":true}");
}

TEST(JsonWriter, PrintsNumbersAsNlohmannDoes) {
  const double doubles[] = {1.0, -0.0, 0.001, 0.0001, 1e15, 1e16, 1.5e-7, 19.99, 1e300, 5e-324};
  for (double value : doubles) {
    JsonWriter w;
    w.floating(value);
    EXPECT_EQ(w.str(), nlohmann::json(value).dump()) << value;
  }
  JsonWriter w;
  w.begin_array().floating(1.0).floating(1e16).floating(1.5e-7).unsigned_number(UINT64_MAX);
  w.number(INT64_MIN).end_array();
  EXPECT_EQ(w.take(), "[1.0,1e+16,1.5e-07,18446744073709551615,-9223372036854775808]");
}

// The writer grows its buffer ahead of what it wrote: str() in the middle shows exactly what
// was written, and writing on after it (past any first block, with text to escape between
// plain pieces) loses and adds nothing.
TEST(JsonWriter, ShowsExactlyWhatWasWrittenWhileGrowing) {
  JsonWriter w;
  w.begin_array().text("a");
  EXPECT_EQ(w.str(), R"(["a")");
  std::string expected = R"(["a")";
  for (int i = 0; i < 200; ++i) {
    w.text("plain text of some length").text("\xC3\xA9t\xE9\"").number(i).floating(0.5);
    expected += ",\"plain text of some length\",\"\xC3\xA9t\xEF\xBF\xBD\\\"\"," +
                std::to_string(i) + ",0.5";
    if (i == 100) EXPECT_EQ(w.str(), expected);
  }
  w.end_array();
  EXPECT_EQ(w.take(), expected + "]");
}

}  // namespace
