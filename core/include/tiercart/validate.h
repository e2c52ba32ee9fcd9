// Claim validation: does every reward a cart or an order claims follow from the program?
// The server runs this on each orders/create webhook, with the same evaluation the
// shopper's browser ran, and tags the orders whose rewards were not earned.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tiercart/cart.h"
#include "tiercart/evaluate.h"
#include "tiercart/program.h"
#include "tiercart/result.h"

namespace tiercart {

// Stable reason codes of a rejected claim (docs/errors.md).
// below_threshold, out_of_scope, expired, not_eligible, quantity_exceeded, unknown_tier,
// price_tampered, arm_forged (checkout measured the order by another A/B arm than its cart's).
struct LineVerdict {
  int line = 0;  // 1-based
  int64_t variant_id = 0;
  std::string tier_id;  // as claimed; empty when the line claims nothing
  bool earned = true;
  std::string reason;  // empty when earned
  std::string message;
  int64_t claimed_quantity = 0;
  int64_t earned_quantity = 0;
};

struct Verdict {
  std::string program_id;
  int64_t program_version = 0;
  std::string arm;     // the order's arm in the program's A/B test, from its cart; empty: none
  bool earned = true;  // every claim holds
  std::vector<LineVerdict> lines;  // one per claiming or tampered line
  std::vector<std::string> tags;   // order tags to apply
  // Set when the program could not judge the cart at all (judge.h: a currency with no rate);
  // `earned` is then false and `lines` empty.
  std::optional<Error> error;
  // Products a bar's scope judged without facts (missing_product_facts, as evaluate() reports
  // them): a caller that can learn their facts judges again. Not in to_json().
  std::vector<EvaluationWarning> warnings;
};

// Validates the claims of `cart` (gift lines naming a tier, prices against the catalog in
// `context.variants`). Gift lines that name another program are left to that program: the
// caller validates the order once per program its lines name, with the version they name,
// and flags names it does not know. Subscription lines are not compared with the catalog
// (a selling plan changes the price). Errors as for evaluate().
Result<Verdict> validate(const Program& program, const Cart& cart, const Context& context);

}  // namespace tiercart
