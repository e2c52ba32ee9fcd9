#include "fixtures.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tiercart/post_purchase.h"
#include "tiercart/theme_program.h"
#include "tiercart/tiercart.h"

namespace tiercart::testing {

namespace {

using json = nlohmann::json;

std::string document(const json& input, const char* key) {
  if (!input.contains(key)) return "";
  const json& value = input[key];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::vector<std::string> fixture_names(const std::string& dir) {
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
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

FixtureRun run_fixture(const std::string& input_json) {
  FixtureRun run;
  const json input = json::parse(input_json, nullptr, false);
  if (input.is_discarded() || !input.is_object()) return run;
  run.valid = true;
  run.command = input.value("command", "");
  run.program = document(input, "program");
  run.context = document(input, "context");
  Result<std::string> result = make_error("bad_fixture", run.command);
  if (run.command == "evaluate") {
    run.cart = document(input, "cart");
    result = evaluate_json(run.program, run.cart, run.context);
  } else if (run.command == "validate_cart") {
    run.cart = document(input, "cart");
    result = validate_cart_json(run.program, run.cart, run.context);
  } else if (run.command == "validate_order") {
    run.order = document(input, "order");
    result = validate_order_json(run.program, run.order, run.context);
  } else if (run.command == "check_program") {
    result = check_program_json(run.program, run.context);
  } else if (run.command == "select_offers") {
    run.order = document(input, "order");
    run.offers = document(input, "offers");
    result = select_offers_json(run.order, run.offers, run.context);
  } else if (run.command == "edit_eligibility") {
    run.order = document(input, "order");
    run.policy = document(input, "policy");
    run.now = document(input, "now");
    result = edit_eligibility_json(run.order, run.policy, run.now);
  } else if (run.command == "check_address") {
    run.address = document(input, "address");
    run.options = document(input, "options");
    result = check_address_json(run.address, run.options);
  } else if (run.command == "theme_program") {
    // settings_data is best given as a string: the editor's file is not JSON (its header).
    run.settings_data = document(input, "settings_data");
    run.options = document(input, "options");
    result = theme_program_json(run.settings_data, run.options);
  }
  run.output = result ? result.value() : to_json(result.error());
  return run;
}

}  // namespace tiercart::testing
