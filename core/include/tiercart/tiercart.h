// The core's JSON boundary: the one place where documents become value types and
// results become JSON. The CLI, the wasm module, the server and the Shopify Function all
// call these, so the same input gives byte-identical output everywhere.
// Nothing here throws; bad input comes back as an Error with a code and a JSON path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tiercart/cart.h"
#include "tiercart/evaluate.h"
#include "tiercart/insight.h"
#include "tiercart/json_writer.h"
#include "tiercart/money.h"
#include "tiercart/program.h"
#include "tiercart/result.h"
#include "tiercart/time.h"
#include "tiercart/validate.h"

namespace tiercart {

// Input limits, checked before anything is parsed (errors "too_large", "too_deep",
// "too_many").
inline constexpr std::size_t kMaxDocumentBytes = std::size_t{4} * 1024 * 1024;
inline constexpr int kMaxDepth = 64;
inline constexpr std::size_t kMaxCartLines = 1000;
inline constexpr std::size_t kMaxBars = 10;
inline constexpr std::size_t kMaxTiersPerBar = 20;
// Distinct schedule moments (starts_at, ends_at) in a program: checkout has no clock and asks
// Shopify about each moment through one input variable (schedule_moments, function.h).
inline constexpr std::size_t kMaxScheduleMoments = 8;

const char* version();

// An empty or all-blank context document means "no context".
Result<Context> parse_context(std::string_view json);
Result<Program> parse_program(std::string_view json);
// A cart.js document; integer amounts read as `context.cart_amounts` says.
Result<Cart> parse_cart(std::string_view json, const Context& context);

// An orders/create webhook payload (REST order) as an Order (tiercart/cart.h).
Result<Order> parse_order(std::string_view json);
// What the order holds, as a REST order that parse_order reads back to the same id, currency
// and lines (ids, quantities, prices, line discounts, gift cards, shipping): what a server
// keeps of an order it judged, to decide later from the order rather than from what a browser
// says it holds. Nothing about who placed it, where it ships, their tags, the shopper's line
// properties or discount codes is written.
std::string order_lines_json(const Order& order);

std::vector<Problem> check_program(const Program& program, const Context& context);

// A Shopify Function reads a metafield's value only up to this many bytes (a longer one comes
// back null): the checkout's program must fit (check_program warns, "checkout_too_large").
inline constexpr std::size_t kMaxCheckoutProgramBytes = 10'000;

// Whether a written program carries its texts (tier texts, bar `complete` texts, gift titles,
// default_locale). The storefront shows them; checkout (the Function, the server's order
// check) never reads them, so its copy leaves them out to stay small.
enum class ProgramTexts { kWith, kWithout };

// A program as its document, in one canonical form (keys in the format's order, defaults left
// out, times in UTC): the same Program gives the same bytes, so two writes compare equal
// exactly when the programs do. parse_program reads it back to the same Program (less the
// texts, with kWithout).
std::string to_json(const Program& program, ProgramTexts texts = ProgramTexts::kWith);

std::string to_json(const Evaluation& evaluation);
std::string to_json(const Verdict& verdict);
std::string to_json(const std::vector<Problem>& problems);  // {"ok":..,"problems":[..]}
// The list of to_json(problems) alone, written where `w` expects a value.
void write_problems(JsonWriter& w, const std::vector<Problem>& problems);
std::string to_json(const Error& error);

// Formats an amount as cart.js gives it (an integer read as `mode` says) in `currency`, with
// a Shopify money_format template, or the currency's default when `money_format` is empty.
// The storefront formats line prices and subtotals with this, so that every amount a
// shopper sees is rounded and written by the same code. Error: "unknown_currency".
Result<std::string> format_cart_money(int64_t value, std::string_view currency,
                                      std::string_view money_format, CartAmounts mode);

// JSON in, JSON out. `context_json` may be empty.
Result<std::string> evaluate_json(std::string_view program_json, std::string_view cart_json,
                                  std::string_view context_json);
Result<std::string> validate_cart_json(std::string_view program_json, std::string_view cart_json,
                                       std::string_view context_json);
Result<std::string> validate_order_json(std::string_view program_json, std::string_view order_json,
                                        std::string_view context_json);
// {"ok": bool, "problems": [...]}; ok is false when any problem is an error.
Result<std::string> check_program_json(std::string_view program_json,
                                       std::string_view context_json);

}  // namespace tiercart
