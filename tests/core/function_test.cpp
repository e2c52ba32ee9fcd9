// The Shopify Function entry points (tiercart/function.h). Golden pairs in
// tests/function-fixtures/<target>/<case>.{input,output}.json, in Shopify's API shape, are run
// here through the native core and by tests/function/ through the wasm modules under Node's
// WASI: both must give the same answers. An output file holding {"error": ...} means the run
// must fail with that error (the module exits 1 with it on stderr).
// TIERCART_UPDATE_FIXTURES=1 writes the output files: review the diff before committing.

#include "tiercart/function.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "fixtures.h"
#include "tiercart/tiercart.h"

namespace {

using json = nlohmann::json;
using tiercart::FunctionTarget;
using tiercart::run_function_json;
using tiercart::testing::fixture_names;
using tiercart::testing::read_file;

const std::string kDir = std::string(TIERCART_SOURCE_DIR) + "/tests/function-fixtures/";

const std::pair<const char*, FunctionTarget> kTargets[] = {
    {"cart.lines.discounts.generate.run", FunctionTarget::kCartLinesDiscounts},
    {"cart.delivery-options.discounts.generate.run", FunctionTarget::kDeliveryDiscounts},
    {"cart.validations.generate.run", FunctionTarget::kCartValidations},
};

struct Case {
  std::string target;
  FunctionTarget function;
  std::string name;
};

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const auto& [target, function] : kTargets) {
    for (const auto& name : fixture_names(kDir + target + "/")) {
      cases.push_back({target, function, name});
    }
  }
  return cases;
}

// What a run answers, as the modules would: the output, or {"error": ...}.
json answer(FunctionTarget target, const std::string& input) {
  auto result = run_function_json(target, input);
  if (!result) return json::parse(tiercart::to_json(result.error()));
  return json::parse(result.value(), nullptr, false);
}

class FunctionFixture : public ::testing::TestWithParam<Case> {};

TEST_P(FunctionFixture, GivesTheExpectedOutput) {
  const Case& c = GetParam();
  const std::string base = kDir + c.target + "/" + c.name;
  const json output = answer(c.function, read_file(base + ".input.json"));
  ASSERT_FALSE(output.is_discarded()) << "the output is not JSON";
  if (std::getenv("TIERCART_UPDATE_FIXTURES")) {
    std::ofstream(base + ".output.json", std::ios::binary) << output.dump(2) << "\n";
  }
  const json expected = json::parse(read_file(base + ".output.json"), nullptr, false);
  ASSERT_FALSE(expected.is_discarded()) << base << ".output.json is missing or not JSON";
  EXPECT_EQ(output, expected) << c.target << "/" << c.name << "\noutput: " << output.dump();
}

INSTANTIATE_TEST_SUITE_P(
    Golden, FunctionFixture, ::testing::ValuesIn(all_cases()), [](const auto& info) {
      std::string name = info.param.target + "_" + info.param.name;
      std::replace_if(
          name.begin(), name.end(),
          [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
      return name;
    });

TEST(FunctionFixtures, EveryTargetHasCases) {
  for (const auto& [target, function] : kTargets) {
    EXPECT_GE(fixture_names(kDir + target + "/").size(), 5u) << target;
  }
}

TEST(FunctionExports, AreNamedAsTheExtensionTomlsSay) {
  EXPECT_STREQ(tiercart::function_export_name(FunctionTarget::kCartLinesDiscounts),
               "cart_lines_discounts_generate_run");
  EXPECT_STREQ(tiercart::function_export_name(FunctionTarget::kDeliveryDiscounts),
               "cart_delivery_options_discounts_generate_run");
  EXPECT_STREQ(tiercart::function_export_name(FunctionTarget::kCartValidations),
               "cart_validations_generate_run");
}

TEST(FunctionInput, OverTheSizeLimitIsRefusedBeforeParsing) {
  const std::string input(tiercart::kMaxFunctionInputBytes + 1, ' ');
  auto result = run_function_json(FunctionTarget::kCartValidations, input);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "too_large");
}

TEST(FunctionInput, MoreLinesThanTheCoreTakesIsAnError) {
  json lines = json::array();
  const json line = {
      {"id", "gid://shopify/CartLine/1"},
      {"quantity", 1},
      {"cost", {{"amountPerQuantity", {{"amount", "1.00"}, {"currencyCode", "USD"}}}}},
  };
  for (int i = 0; i < 1001; ++i) lines.push_back(line);
  const json input = {{"cart", {{"lines", lines}}}};
  auto result = run_function_json(FunctionTarget::kCartLinesDiscounts, input.dump());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "too_many");
  EXPECT_EQ(result.error().path, "$.cart.lines");
}

TEST(FunctionInput, HostileNestingIsRefused) {
  const std::string input = "{\"cart\":" + std::string(10000, '[') + std::string(10000, ']') + "}";
  auto result = run_function_json(FunctionTarget::kCartLinesDiscounts, input);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "too_deep");
}

TEST(FunctionLog, SaysWhyAProgramCannotBeUsed) {
  const json input = {
      {"cart", {{"lines", json::array()}}},
      {"discount", {{"metafield", {{"value", "[]"}}}}},
  };
  std::string log;
  auto result = run_function_json(FunctionTarget::kCartLinesDiscounts, input.dump(), &log);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value(), R"({"operations":[]})");
  EXPECT_NE(log.find("program"), std::string::npos) << log;
}

}  // namespace
