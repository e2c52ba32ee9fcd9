// Golden fixtures: tests/fixtures/<case>.input.json names a command and carries its
// documents; <case>.expected.json is the output. The wasm build runs the same files
// (tests/wasm/), so both builds answer every fixture the same way.
// TIERCART_UPDATE_FIXTURES=1 rewrites the expected files: review the diff before committing.

#include "fixtures.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tiercart/tiercart.h"

namespace {

using json = nlohmann::json;

using tiercart::testing::fixture_names;
using tiercart::testing::read_file;
using tiercart::testing::run_fixture;

const std::string kDir = std::string(TIERCART_SOURCE_DIR) + "/tests/fixtures/";

class Fixture : public ::testing::TestWithParam<std::string> {};

TEST_P(Fixture, GivesTheExpectedOutput) {
  const auto run = run_fixture(read_file(kDir + GetParam() + ".input.json"));
  ASSERT_TRUE(run.valid) << GetParam() << ".input.json is not JSON";
  const std::string& output = run.output;
  const std::string expected_path = kDir + GetParam() + ".expected.json";
  if (std::getenv("TIERCART_UPDATE_FIXTURES")) {
    std::ofstream(expected_path, std::ios::binary)
        << json::parse(output, nullptr, false).dump(2) << "\n";
  }
  const json expected = json::parse(read_file(expected_path), nullptr, false);
  ASSERT_FALSE(expected.is_discarded()) << expected_path << " is missing or not JSON";
  EXPECT_EQ(json::parse(output, nullptr, false), expected) << GetParam() << "\noutput: " << output;
}

INSTANTIATE_TEST_SUITE_P(Golden, Fixture, ::testing::ValuesIn(fixture_names(kDir)),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(Fixtures, ThereAreFixturesToRun) { EXPECT_GE(fixture_names(kDir).size(), 10u); }

}  // namespace
