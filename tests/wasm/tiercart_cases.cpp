// The native side of the wasm parity tests (tests/wasm/*.test.mjs). Prints one JSON line per
// case: the exact document strings the native core was given and the exact bytes it answered,
// so the Node tests hand the wasm module the same strings and compare bytes.
//
//   tiercart_cases --from S --count N   seeded random cases (tests/support/random_cases):
//       {"seed", "program", "cart", "context", "evaluate", "validate", "check"}
//   tiercart_cases --fixtures DIR       every DIR/<name>.input.json, as fixtures_test runs it:
//       {"name", "command", "program", "cart"|"order", "context", "output"}, plus the
//       post-purchase documents ("offers", "policy", "now", "address", "options") and
//       the theme's ("settings_data", "options")

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fixtures.h"
#include "random_cases.h"
#include "tiercart/tiercart.h"

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

std::string text(const tiercart::Result<std::string>& result) {
  return result ? result.value() : tiercart::to_json(result.error());
}

int print_random(uint64_t from, uint64_t count) {
  for (uint64_t seed = from; seed < from + count; ++seed) {
    const tiercart::testing::RandomCase c = tiercart::testing::random_case(seed);
    ordered_json line;
    line["seed"] = seed;
    line["program"] = c.program;
    line["cart"] = c.cart;
    line["context"] = c.context;
    line["evaluate"] = text(tiercart::evaluate_json(c.program, c.cart, c.context));
    line["validate"] = text(tiercart::validate_cart_json(c.program, c.cart, c.context));
    line["check"] = text(tiercart::check_program_json(c.program, c.context));
    std::cout << line.dump() << '\n';
  }
  return 0;
}

int print_fixtures(const std::string& dir) {
  const std::string suffix = ".input.json";
  const std::vector<std::string> names = tiercart::testing::fixture_names(dir);
  if (names.empty()) {
    std::cerr << "tiercart_cases: no fixtures in " << dir << '\n';
    return 2;
  }
  for (const std::string& name : names) {
    const auto run =
        tiercart::testing::run_fixture(tiercart::testing::read_file(dir + "/" + name + suffix));
    if (!run.valid) {
      std::cerr << "tiercart_cases: " << name << suffix << " is not JSON\n";
      return 2;
    }
    ordered_json line;
    line["name"] = name;
    line["command"] = run.command;
    line["program"] = run.program;
    line["context"] = run.context;
    if (run.command == "evaluate" || run.command == "validate_cart") line["cart"] = run.cart;
    if (run.command == "validate_order" || run.command == "select_offers" ||
        run.command == "edit_eligibility") {
      line["order"] = run.order;
    }
    if (run.command == "select_offers") line["offers"] = run.offers;
    if (run.command == "edit_eligibility") {
      line["policy"] = run.policy;
      line["now"] = run.now;
    }
    if (run.command == "check_address") {
      line["address"] = run.address;
      line["options"] = run.options;
    }
    if (run.command == "theme_program") {
      line["settings_data"] = run.settings_data;
      line["options"] = run.options;
    }
    line["output"] = run.output;
    std::cout << line.dump() << '\n';
  }
  return 0;
}

int usage() {
  std::cerr << "usage: tiercart_cases --from SEED --count N | --fixtures DIR\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  if (argc == 3 && std::strcmp(argv[1], "--fixtures") == 0) return print_fixtures(argv[2]);
  uint64_t from = 1, count = 0;
  bool have_count = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--from") == 0) {
      from = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--count") == 0) {
      count = std::strtoull(argv[i + 1], nullptr, 10);
      have_count = true;
    } else {
      return usage();
    }
  }
  if (!have_count || argc % 2 == 0) return usage();
  return print_random(from, count);
}
