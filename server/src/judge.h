// The order's verdict: the core's validate() once per program the gift lines name, at the
// version they name. The server adds no reward logic; it only finds the programs, flags the
// names it does not know (unknown_tier) and joins the verdicts into one document.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tiercart/tiercart.h"

namespace tiercart::server {

// Finds a stored program version; nullptr when there is none.
using ProgramLookup =
    std::function<std::shared_ptr<const Program>(const std::string& id, int64_t version)>;

struct OrderVerdict {
  int64_t order_id = 0;
  bool earned = true;  // every claim of every program holds
  std::vector<std::string> tags;
  // {"order_id":..,"earned":..,"tags":[..],"verdicts":[<core verdict>, ..]}
  std::string json;
};

// `context` is the shop's (catalog, rates); the order fills in time, country and tags. Taken
// by value so that a context made for this order is completed in place, not copied again.
OrderVerdict judge_order(const Order& order, Context context, const ProgramLookup& lookup);

// For the app proxy's pre-check: the same, on a cart.
OrderVerdict judge_cart(const Cart& cart, const Context& context, const ProgramLookup& lookup);

// JSON text of a string or an array of strings (invalid UTF-8 replaced, never thrown).
std::string json_string(const std::string& text);
std::string json_strings(const std::vector<std::string>& texts);

}  // namespace tiercart::server
