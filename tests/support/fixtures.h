// The golden fixture runner: tests/fixtures/<name>.input.json names a command and carries its
// documents. The native suite (tests/core/fixtures_test.cpp) and the native half of the wasm
// parity test (tests/wasm/tiercart_cases.cpp) both run fixtures through this one function,
// so the documents the wasm module is handed are exactly those the native core was handed.
#pragma once

#include <string>
#include <vector>

namespace tiercart::testing {

struct FixtureRun {
  bool valid = false;  // the input file was JSON
  // evaluate | validate_cart | validate_order | check_program, and the post-purchase
  // entry points select_offers | edit_eligibility | check_address, and theme_program
  std::string command;
  std::string program;        // the document strings passed to the core
  std::string cart;           // evaluate, validate_cart
  std::string order;          // validate_order, select_offers, edit_eligibility
  std::string offers;         // select_offers
  std::string policy;         // edit_eligibility
  std::string now;            // edit_eligibility: the time itself, not a document
  std::string address;        // check_address
  std::string options;        // check_address, theme_program
  std::string settings_data;  // theme_program: the theme's config/settings_data.json
  std::string context;
  std::string output;  // the core's answer, or its error as JSON
};

// Fixture names (without ".input.json") in `dir`, sorted; empty when the folder is missing.
std::vector<std::string> fixture_names(const std::string& dir);

std::string read_file(const std::string& path);

// Runs one fixture input document. A document given as a JSON string is passed as written
// (for malformed-input cases); any other value is passed as its JSON text.
FixtureRun run_fixture(const std::string& input_json);

}  // namespace tiercart::testing
