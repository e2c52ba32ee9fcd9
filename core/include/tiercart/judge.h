// An order's verdict: validate() once per program its gift lines name, at the version they
// name. Claims naming a version the store does not have are flagged (unknown_tier), and a
// program that cannot judge the order (a currency with no rate) flags it for a person rather
// than refusing it. The server judges every orders/create webhook with this, and the app
// proxy's pre-check every cart.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tiercart/cart.h"
#include "tiercart/program.h"
#include "tiercart/validate.h"

namespace tiercart {

// Finds a stored program version; nullptr when there is none.
using ProgramLookup =
    std::function<std::shared_ptr<const Program>(const std::string& id, int64_t version)>;

struct OrderVerdict {
  int64_t order_id = 0;  // 0 for a cart
  bool earned = true;    // every claim of every program holds
  std::vector<std::string> tags;
  std::vector<Verdict> verdicts;  // one per program named, in the order of its first line
  // The products some program judged without facts (each once, in the order met): the
  // server reads their facts from the shop and judges again. Not in to_json().
  std::vector<int64_t> products_without_facts;
};

// `context` is the shop's; the order fills in what it leaves open (with_order). Taken by
// value so that a context made for this order is completed in place, not copied again.
// `running`: the shop's live programs. One that runs an experiment also judges the arm checkout
// measured the order by (arm_forged), whether or not a line names it.
OrderVerdict judge_order(const Order& order, Context context, const ProgramLookup& lookup,
                         const std::vector<std::shared_ptr<const Program>>& running = {});
OrderVerdict judge_cart(const Cart& cart, const Context& context, const ProgramLookup& lookup);

// {"order_id":..,"earned":..,"tags":[..],"verdicts":[<verdict>, ..]}
std::string to_json(const OrderVerdict& verdict);

}  // namespace tiercart
