// Golden fixtures: tests/fixtures/<case>.input.json names a command and carries its
// documents; <case>.expected.json is the output. The wasm build runs the same files
// (tests/wasm/), so both builds answer every fixture the same way.
// TIERCART_UPDATE_FIXTURES=1 rewrites the expected files: review the diff before committing.

#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tiercart/tiercart.h"

namespace {

using json = nlohmann::json;

const std::string kDir = std::string(TIERCART_SOURCE_DIR) + "/tests/fixtures/";

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  if (DIR* dir = opendir(kDir.c_str())) {
    const std::string suffix = ".input.json";
    while (dirent* entry = readdir(dir)) {
      const std::string file = entry->d_name;
      if (file.size() > suffix.size() &&
          file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0) {
        names.push_back(file.substr(0, file.size() - suffix.size()));
      }
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A document given as a JSON string is passed as written (for malformed-input cases);
// any other value is passed as its JSON text.
std::string document(const json& input, const char* key) {
  if (!input.contains(key)) return "";
  const json& value = input[key];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// The one function both builds implement: run a fixture, return the output JSON text.
std::string run_fixture(const json& input) {
  const std::string command = input.value("command", "");
  const std::string program = document(input, "program");
  const std::string context = document(input, "context");
  tiercart::Result<std::string> result = tiercart::make_error("bad_fixture", command);
  if (command == "evaluate") {
    result = tiercart::evaluate_json(program, document(input, "cart"), context);
  } else if (command == "validate_cart") {
    result = tiercart::validate_cart_json(program, document(input, "cart"), context);
  } else if (command == "validate_order") {
    result = tiercart::validate_order_json(program, document(input, "order"), context);
  } else if (command == "check_program") {
    result = tiercart::check_program_json(program, context);
  }
  return result ? result.value() : tiercart::to_json(result.error());
}

class Fixture : public ::testing::TestWithParam<std::string> {};

TEST_P(Fixture, GivesTheExpectedOutput) {
  const json input = json::parse(read(kDir + GetParam() + ".input.json"), nullptr, false);
  ASSERT_FALSE(input.is_discarded()) << GetParam() << ".input.json is not JSON";
  const std::string output = run_fixture(input);
  const std::string expected_path = kDir + GetParam() + ".expected.json";
  if (std::getenv("TIERCART_UPDATE_FIXTURES")) {
    std::ofstream(expected_path, std::ios::binary)
        << json::parse(output, nullptr, false).dump(2) << "\n";
  }
  const json expected = json::parse(read(expected_path), nullptr, false);
  ASSERT_FALSE(expected.is_discarded()) << expected_path << " is missing or not JSON";
  EXPECT_EQ(json::parse(output, nullptr, false), expected)
      << GetParam() << ": " << input.value("description", "") << "\noutput: " << output;
}

INSTANTIATE_TEST_SUITE_P(Golden, Fixture, ::testing::ValuesIn(fixture_names()),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(Fixtures, ThereAreFixturesToRun) { EXPECT_GE(fixture_names().size(), 10u); }

}  // namespace
