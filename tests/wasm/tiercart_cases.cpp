// The native side of the wasm parity tests (tests/wasm/*.test.mjs). Prints one JSON line per
// case: the exact document strings the native core was given and the exact bytes it answered,
// so the Node tests hand the wasm module the same strings and compare bytes.
//
//   tiercart_cases --from S --count N   seeded random cases (tests/support/random_cases):
//       {"seed", "program", "cart", "context", "evaluate", "validate", "check"}
//   tiercart_cases --fixtures DIR       every DIR/<name>.input.json, as fixtures_test runs it:
//       {"name", "command", "program", "cart"|"order", "context", "output"}

#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

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

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// Exactly the fixture runner of tests/core/fixtures_test.cpp: a document given as a JSON
// string is passed as written, any other value as its JSON text.
std::string document(const json& input, const char* key) {
  if (!input.contains(key)) return "";
  const json& value = input[key];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

int print_fixtures(const std::string& dir) {
  std::vector<std::string> names;
  const std::string suffix = ".input.json";
  if (DIR* folder = opendir(dir.c_str())) {
    while (dirent* entry = readdir(folder)) {
      const std::string file = entry->d_name;
      if (file.size() > suffix.size() &&
          file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0) {
        names.push_back(file.substr(0, file.size() - suffix.size()));
      }
    }
    closedir(folder);
  } else {
    std::cerr << "tiercart_cases: cannot open " << dir << '\n';
    return 2;
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const json input = json::parse(read(dir + "/" + name + suffix), nullptr, false);
    if (input.is_discarded()) {
      std::cerr << "tiercart_cases: " << name << suffix << " is not JSON\n";
      return 2;
    }
    const std::string command = input.value("command", "");
    ordered_json line;
    line["name"] = name;
    line["command"] = command;
    line["program"] = document(input, "program");
    line["context"] = document(input, "context");
    tiercart::Result<std::string> result = tiercart::make_error("bad_fixture", command);
    if (command == "evaluate" || command == "validate_cart") {
      line["cart"] = document(input, "cart");
      const std::string cart = line["cart"];
      result = command == "evaluate"
                   ? tiercart::evaluate_json(line["program"].get<std::string>(), cart,
                                             line["context"].get<std::string>())
                   : tiercart::validate_cart_json(line["program"].get<std::string>(), cart,
                                                  line["context"].get<std::string>());
    } else if (command == "validate_order") {
      line["order"] = document(input, "order");
      result = tiercart::validate_order_json(line["program"].get<std::string>(),
                                             line["order"].get<std::string>(),
                                             line["context"].get<std::string>());
    } else if (command == "check_program") {
      result = tiercart::check_program_json(line["program"].get<std::string>(),
                                            line["context"].get<std::string>());
    }
    line["output"] = text(result);
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
