// tiercart: the core on the command line. JSON on stdout; exit 0 ok, 1 a claim or a program
// rejected, 2 bad input (one line on stderr). Inputs are files or "-" for stdin.

#include "tiercart/tiercart.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tiercart/evaluate.h"
#include "tiercart/function.h"
#include "tiercart/insight.h"
#include "tiercart/json_writer.h"
#include "tiercart/orders_csv.h"
#include "tiercart/post_purchase.h"
#include "tiercart/theme_program.h"
#include "tiercart/time_zones.h"

namespace {

constexpr int kOk = 0;
constexpr int kRejected = 1;
constexpr int kBadInput = 2;

constexpr const char* kUsage =
    "usage:\n"
    "  tiercart evaluate --program P --cart C [--context X]\n"
    "  tiercart evaluate --program P --carts CARTS.jsonl [--context X]\n"
    "  tiercart validate --program P (--order O | --cart C) [--context X]\n"
    "  tiercart check-program P [--context X]\n"
    "  tiercart offers --order O --offers F [--context X]\n"
    "  tiercart edit-window --order O --policy P --now TIME\n"
    "  tiercart check-address A [--options O]\n"
    "  tiercart theme-program SETTINGS_DATA [--options O] [--context X] [--catalog C]\n"
    "                         [--texts T] [--currency CUR] [--locale L]\n"
    "  tiercart theme-program --batch LIST\n"
    "  tiercart what-if --program P --orders EXPORT.csv [--context X]\n"
    "  tiercart input-variables --program P --timezone IANA_ZONE\n"
    "  tiercart currencies\n"
    "  tiercart --version\n"
    "Files are JSON; '-' reads stdin. Exit 0 ok, 1 rejected (a claim, a program, an\n"
    "order no longer editable, an address with errors), 2 bad input.\n";

int bad_input(const std::string& message) {
  std::fprintf(stderr, "tiercart: %s\n", message.c_str());
  return kBadInput;
}

int report(const tiercart::Error& error) {
  return bad_input(error.message + " [" + error.code + " at " + error.path + "]");
}

// Reads a whole file, or stdin for "-", refusing to hold more than the core would accept.
bool read_input(const std::string& name, std::string& out, std::string& problem) {
  std::FILE* file = name == "-" ? stdin : std::fopen(name.c_str(), "rb");
  if (!file) {
    problem = "cannot open " + name + ": " + std::strerror(errno);
    return false;
  }
  char buffer[1 << 16];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    out.append(buffer, got);
    if (out.size() > tiercart::kMaxDocumentBytes) {
      problem = name + " is larger than " + std::to_string(tiercart::kMaxDocumentBytes) +
                " bytes [too_large]";
      if (file != stdin) std::fclose(file);
      return false;
    }
  }
  const bool failed = std::ferror(file);
  if (file != stdin) std::fclose(file);
  if (failed) {
    problem = "cannot read " + name;
    return false;
  }
  return true;
}

struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
};

bool parse_args(int argc, char** argv, Args& args, std::string& problem) {
  if (argc < 2) {
    problem = "no command";
    return false;
  }
  args.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word.size() > 2 && word.substr(0, 2) == "--") {
      if (i + 1 >= argc) {
        problem = std::string(word) + " needs a value";
        return false;
      }
      if (!args.options.emplace(std::string(word.substr(2)), argv[i + 1]).second) {
        problem = std::string(word) + " is given twice";
        return false;
      }
      ++i;
    } else {
      args.positional.emplace_back(word);
    }
  }
  return true;
}

// Loads the named option's file into `out`; an absent optional one leaves it empty.
bool load(const Args& args, const char* option, bool required, std::string& out,
          std::string& problem) {
  auto it = args.options.find(option);
  if (it == args.options.end()) {
    if (required) problem = std::string("--") + option + " is required";
    return !required;
  }
  return read_input(it->second, out, problem);
}

bool only_known_options(const Args& args, const std::vector<std::string>& known,
                        std::string& problem) {
  int stdin_uses = 0;
  for (const auto& [name, value] : args.options) {
    bool found = false;
    for (const auto& k : known) found = found || k == name;
    if (!found) {
      problem = "unknown option --" + name;
      return false;
    }
    if (value == "-") ++stdin_uses;
  }
  for (const auto& p : args.positional) stdin_uses += p == "-";
  if (stdin_uses > 1) {
    problem = "only one input can come from stdin";
    return false;
  }
  return true;
}

void print(const std::string& json) {
  std::fwrite(json.data(), 1, json.size(), stdout);
  std::fputc('\n', stdout);
}

// --carts FILE: one cart a line (JSON Lines), one result a line ({"line": N, "error": {...}} for
// a cart the core refuses; empty lines are skipped but counted). The program and the context are
// read once, not once a cart: a replay of many carts or orders pays only for each cart
// (docs/architecture.md).
int evaluate_carts(const std::string& program_text, const std::string& context_text,
                   const std::string& carts_name) {
  auto context = tiercart::parse_context(context_text);
  if (!context) return report(context.error());
  auto program = tiercart::parse_program(program_text);
  if (!program) return report(program.error());
  std::FILE* file = carts_name == "-" ? stdin : std::fopen(carts_name.c_str(), "rb");
  if (!file) return bad_input("cannot open " + carts_name + ": " + std::strerror(errno));
  std::string line;
  int64_t number = 0;
  bool too_long = false;
  // A refused cart: the core's error document, {"error": {...}}, with the line's number first.
  auto refused = [&](const tiercart::Error& error) {
    print("{\"line\":" + std::to_string(number) + "," + tiercart::to_json(error).substr(1));
  };
  auto evaluate_line = [&]() {
    ++number;
    if (too_long) {
      refused(tiercart::make_error(
          "too_large",
          "cart is larger than " + std::to_string(tiercart::kMaxDocumentBytes) + " bytes"));
    } else if (!line.empty()) {
      auto cart = tiercart::parse_cart(line, context.value());
      auto evaluation = cart ? tiercart::evaluate(program.value(), cart.value(), context.value())
                             : tiercart::Result<tiercart::Evaluation>(cart.error());
      if (evaluation) {
        print(tiercart::to_json(evaluation.value()));
      } else {
        refused(evaluation.error());
      }
    }
    line.clear();
    too_long = false;
  };
  int c;
  while ((c = getc_unlocked(file)) != EOF) {  // one thread reads the file
    if (c == '\n') {
      evaluate_line();
    } else if (line.size() < tiercart::kMaxDocumentBytes) {
      line.push_back(static_cast<char>(c));
    } else {
      too_long = true;
    }
  }
  if (!line.empty() || too_long) evaluate_line();
  const bool failed = std::ferror(file);
  if (file != stdin) std::fclose(file);
  if (failed) return bad_input("cannot read " + carts_name);
  return kOk;
}

int evaluate(const Args& args) {
  std::string problem, program, cart, context;
  if (auto carts = args.options.find("carts"); carts != args.options.end()) {
    if (args.options.count("cart") || !args.positional.empty()) {
      return bad_input("evaluate takes --cart or --carts, not both");
    }
    if (!only_known_options(args, {"program", "carts", "context"}, problem) ||
        !load(args, "program", true, program, problem) ||
        !load(args, "context", false, context, problem)) {
      return bad_input(problem);
    }
    return evaluate_carts(program, context, carts->second);
  }
  if (!only_known_options(args, {"program", "cart", "context"}, problem) ||
      !load(args, "program", true, program, problem) || !load(args, "cart", true, cart, problem) ||
      !load(args, "context", false, context, problem)) {
    return bad_input(problem);
  }
  auto result = tiercart::evaluate_json(program, cart, context);
  if (!result) return report(result.error());
  print(result.value());
  return kOk;
}

int validate(const Args& args) {
  std::string problem, program, input, context;
  if (!only_known_options(args, {"program", "order", "cart", "context"}, problem)) {
    return bad_input(problem);
  }
  const bool order = args.options.count("order") > 0;
  if (order == (args.options.count("cart") > 0)) {
    return bad_input("give exactly one of --order and --cart");
  }
  if (!load(args, "program", true, program, problem) ||
      !load(args, order ? "order" : "cart", true, input, problem) ||
      !load(args, "context", false, context, problem)) {
    return bad_input(problem);
  }
  auto parsed_context = tiercart::parse_context(context);
  if (!parsed_context) return report(parsed_context.error());
  auto parsed_program = tiercart::parse_program(program);
  if (!parsed_program) return report(parsed_program.error());
  tiercart::Context claim_context = parsed_context.value();
  tiercart::Cart cart;
  if (order) {
    auto parsed = tiercart::parse_order(input);
    if (!parsed) return report(parsed.error());
    claim_context = tiercart::with_order(claim_context, parsed.value());
    cart = std::move(parsed.value().cart);
  } else {
    auto parsed = tiercart::parse_cart(input, claim_context);
    if (!parsed) return report(parsed.error());
    cart = std::move(parsed).value();
  }
  auto verdict = tiercart::validate(parsed_program.value(), cart, claim_context);
  if (!verdict) return report(verdict.error());
  print(tiercart::to_json(verdict.value()));
  return verdict.value().earned ? kOk : kRejected;
}

int check_program(const Args& args) {
  std::string problem, program, context;
  if (!only_known_options(args, {"context"}, problem)) return bad_input(problem);
  if (args.positional.size() != 1) return bad_input("check-program takes one program file");
  if (!read_input(args.positional[0], program, problem) ||
      !load(args, "context", false, context, problem)) {
    return bad_input(problem);
  }
  auto parsed_context = tiercart::parse_context(context);
  if (!parsed_context) return report(parsed_context.error());
  auto parsed_program = tiercart::parse_program(program);
  if (!parsed_program) return report(parsed_program.error());
  const auto problems = tiercart::check_program(parsed_program.value(), parsed_context.value());
  print(tiercart::to_json(problems));
  for (const auto& found : problems) {
    if (found.severity == "error") return kRejected;
  }
  return kOk;
}

int offers(const Args& args) {
  std::string problem, order, catalog, context;
  if (!only_known_options(args, {"order", "offers", "context"}, problem) ||
      !load(args, "order", true, order, problem) || !load(args, "offers", true, catalog, problem) ||
      !load(args, "context", false, context, problem)) {
    return bad_input(problem);
  }
  auto result = tiercart::select_offers_json(order, catalog, context);
  if (!result) return report(result.error());
  print(result.value());
  return kOk;
}

int edit_window(const Args& args) {
  std::string problem, order, policy;
  if (!only_known_options(args, {"order", "policy", "now"}, problem) ||
      !load(args, "order", true, order, problem) || !load(args, "policy", true, policy, problem)) {
    return bad_input(problem);
  }
  auto now = args.options.find("now");
  if (now == args.options.end()) return bad_input("--now is required (ISO 8601 time)");
  // Parsed here as well as in the core, to know the exit code without reading the JSON back.
  auto status = tiercart::parse_order_status(order);
  auto result = tiercart::edit_eligibility_json(order, policy, now->second);
  if (!result) return report(result.error());
  print(result.value());
  auto parsed_policy = tiercart::parse_edit_policy(policy);
  auto clock = tiercart::parse_time(now->second, "$");
  const bool editable =
      tiercart::edit_eligibility(status.value(), parsed_policy.value(), clock.value()).editable;
  return editable ? kOk : kRejected;
}

int check_address(const Args& args) {
  std::string problem, address, options;
  if (!only_known_options(args, {"options"}, problem)) return bad_input(problem);
  if (args.positional.size() != 1) return bad_input("check-address takes one address file");
  if (!read_input(args.positional[0], address, problem) ||
      !load(args, "options", false, options, problem)) {
    return bad_input(problem);
  }
  auto parsed = tiercart::parse_address(address);
  if (!parsed) return report(parsed.error());
  auto parsed_options = tiercart::parse_address_options(options);
  if (!parsed_options) return report(parsed_options.error());
  const auto check = tiercart::check_address(parsed.value(), parsed_options.value());
  print(tiercart::to_json(check));
  return check.ok ? kOk : kRejected;
}

// Options for theme-program: an --options document (tiercart/theme_program.h), then what the
// other flags say on top of it. The catalog and texts files hold the options document's
// "catalog" and "texts" values as they are, so they are read through the same parser.
bool theme_options(const Args& args, tiercart::ThemeOptions& options, std::string& problem,
                   tiercart::Error& error) {
  std::string text;
  if (!load(args, "options", false, text, problem)) return false;
  if (!text.empty()) {
    auto parsed = tiercart::parse_theme_options(text);
    if (!parsed) return error = parsed.error(), false;
    options = parsed.value();
  }
  std::string context_text;
  if (!load(args, "context", false, context_text, problem)) return false;
  if (!context_text.empty()) {
    auto context = tiercart::parse_context(context_text);
    if (!context) return error = context.error(), false;
    if (!context.value().shop_currency.empty()) options.currency = context.value().shop_currency;
    options.locale = context.value().locale;
  }
  for (const char* part : {"catalog", "texts"}) {
    std::string part_text;
    if (!load(args, part, false, part_text, problem)) return false;
    if (part_text.empty()) continue;
    auto parsed =
        tiercart::parse_theme_options(std::string("{\"") + part + "\":" + part_text + "}");
    if (!parsed) return error = parsed.error(), false;
    if (part == std::string("catalog")) {
      options.catalog = std::move(parsed.value().catalog);
    } else {
      options.texts = std::move(parsed.value().texts);
    }
  }
  if (auto currency = args.options.find("currency"); currency != args.options.end()) {
    options.currency = currency->second;
  }
  if (auto locale = args.options.find("locale"); locale != args.options.end()) {
    options.locale = locale->second;
  }
  return true;
}

// The theme's settings (config/settings_data.json) as the program the storefront and checkout
// use, with a notice for every setting left out; exit 1 when a notice is an error. --batch: LIST
// names one "SETTINGS OPTIONS" pair of files a line, and one result a line is printed ({"error":
// ...} for a pair the core refuses): the theme tests convert hundreds of combinations in one
// process.
int theme_program(const Args& args) {
  std::string problem;
  if (!only_known_options(args,
                          {"options", "context", "catalog", "texts", "currency", "locale", "batch"},
                          problem)) {
    return bad_input(problem);
  }
  if (auto batch = args.options.find("batch"); batch != args.options.end()) {
    if (args.options.size() != 1 || !args.positional.empty()) {
      return bad_input("theme-program --batch takes no other argument");
    }
    std::string list;
    if (!read_input(batch->second, list, problem)) return bad_input(problem);
    std::size_t start = 0;
    while (start < list.size()) {
      auto end = list.find('\n', start);
      if (end == std::string::npos) end = list.size();
      const std::string line = list.substr(start, end - start);
      start = end + 1;
      if (line.empty()) continue;
      const auto space = line.find(' ');
      if (space == std::string::npos) return bad_input("--batch: a line is \"SETTINGS OPTIONS\"");
      std::string settings, options;
      if (!read_input(line.substr(0, space), settings, problem) ||
          !read_input(line.substr(space + 1), options, problem)) {
        return bad_input(problem);
      }
      auto result = tiercart::theme_program_json(settings, options);
      if (result) {
        print(result.value());
      } else {
        print("{\"error\":" + tiercart::to_json(result.error()) + "}");
      }
    }
    return kOk;
  }
  if (args.positional.size() != 1) {
    return bad_input("theme-program takes one settings_data.json file");
  }
  std::string settings;
  if (!read_input(args.positional[0], settings, problem)) return bad_input(problem);
  tiercart::ThemeOptions options;
  tiercart::Error error;
  if (!theme_options(args, options, problem, error)) {
    return problem.empty() ? report(error) : bad_input(problem);
  }
  auto result = tiercart::theme_program(settings, options);
  if (!result) return report(result.error());
  print(tiercart::to_json(result.value()));
  // As check-program: an error notice (no drawer embed on) means the theme gives no program.
  for (const auto& notice : result.value().notices) {
    if (notice.severity == "error") return kRejected;
  }
  return kOk;
}

// The core's ISO 4217 table as one JSON object, {"AED":2,...}: the source that other
// languages' helpers are generated from.
int currencies(const Args& args) {
  if (!args.options.empty() || !args.positional.empty()) {
    return bad_input("currencies takes no arguments");
  }
  tiercart::JsonWriter w(2048);
  w.begin_object();
  for (const auto& entry : tiercart::currency_table()) w.field(entry.code, entry.minor_units);
  print(w.end_object().take());
  return kOk;
}

// what-if: the program replayed over Shopify's orders CSV export (docs/analytics.md,
// "What-if"). The file is read in chunks, never whole: an export of millions of rows holds
// only its orders' lines in memory.
int what_if(const Args& args) {
  std::string problem, program_text, context_text;
  if (!only_known_options(args, {"program", "orders", "context"}, problem) ||
      !load(args, "program", true, program_text, problem) ||
      !load(args, "context", false, context_text, problem)) {
    return bad_input(problem);
  }
  auto orders_name = args.options.find("orders");
  if (orders_name == args.options.end()) return bad_input("--orders is required");
  auto program = tiercart::parse_program(program_text);
  if (!program) return report(program.error());
  auto context = tiercart::parse_context(context_text);
  if (!context) return report(context.error());
  const std::string& name = orders_name->second;
  std::FILE* file = name == "-" ? stdin : std::fopen(name.c_str(), "rb");
  if (!file) return bad_input("cannot open " + name + ": " + std::strerror(errno));
  tiercart::OrdersCsv csv;
  std::optional<tiercart::Error> error;
  static char buffer[1 << 16];
  std::size_t got;
  while (!error && (got = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    error = csv.feed(std::string_view(buffer, got));
  }
  const bool failed = std::ferror(file);
  if (file != stdin) std::fclose(file);
  if (failed) return bad_input("cannot read " + name);
  if (error) return report(*error);
  auto orders = csv.finish();
  if (!orders) return report(orders.error());
  auto result = tiercart::what_if_json(program.value(), orders.value(), context.value());
  if (!result) return report(result.error());
  print(result.value());
  return kOk;
}

// input-variables: what the app writes beside a program for its Functions' input queries
// (docs/function.md, "Input"), with the schedule moments in the shop's local time.
int input_variables(const Args& args) {
  std::string problem, program_text;
  if (!only_known_options(args, {"program", "timezone"}, problem) || !args.positional.empty() ||
      !load(args, "program", true, program_text, problem)) {
    return bad_input(problem.empty() ? "input-variables takes options only" : problem);
  }
  auto zone_name = args.options.find("timezone");
  if (zone_name == args.options.end()) return bad_input("--timezone is required");
  auto program = tiercart::parse_program(program_text);
  if (!program) return report(program.error());
  auto zone = tiercart::time_zone_offsets(zone_name->second);
  if (!zone) return report(zone.error());
  auto variables = tiercart::function_input_variables(program.value(), zone.value());
  if (!variables) return report(variables.error());
  print(variables.value());
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  std::string problem;
  if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::fputs(kUsage, stdout);
    return kOk;
  }
  if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
    std::printf("tiercart %s\n", tiercart::version());
    return kOk;
  }
  if (!parse_args(argc, argv, args, problem)) return bad_input(problem + " (see tiercart --help)");
  if (args.command == "evaluate") return evaluate(args);
  if (args.command == "validate") return validate(args);
  if (args.command == "check-program") return check_program(args);
  if (args.command == "offers") return offers(args);
  if (args.command == "edit-window") return edit_window(args);
  if (args.command == "check-address") return check_address(args);
  if (args.command == "theme-program") return theme_program(args);
  if (args.command == "currencies") return currencies(args);
  if (args.command == "what-if") return what_if(args);
  if (args.command == "input-variables") return input_variables(args);
  return bad_input("unknown command " + args.command + " (see tiercart --help)");
}
