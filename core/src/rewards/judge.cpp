// One verdict for an order over every program its gift lines name. The reward logic is
// validate()'s; this only groups the claims by program version and flags the names that no
// stored program answers to.

#include "tiercart/judge.h"

#include <algorithm>
#include <map>
#include <utility>

namespace tiercart {
namespace {

const std::vector<std::string> kUnknownTierTags = {"tiercart-flagged", "tiercart-unknown_tier"};

// Claims naming a program version this store does not have, in the verdict's own shape so
// that clients read one format.
Verdict unknown_program_verdict(const std::string& program_id, int64_t version, const Cart& cart,
                                const std::vector<int>& lines) {
  Verdict verdict;
  verdict.program_id = program_id;
  verdict.program_version = version;
  verdict.earned = false;
  for (int index : lines) {
    const CartLine& line = cart.items[static_cast<std::size_t>(index)];
    const std::string& property = line.properties.at(kGiftProperty);
    const auto claim = parse_gift_claim(property);
    LineVerdict out;
    out.line = index + 1;
    out.variant_id = line.variant_id;
    out.tier_id = claim ? claim->tier_id : "";
    out.earned = false;
    out.claimed_quantity = line.quantity;
    out.earned_quantity = 0;
    out.reason = "unknown_tier";
    out.message = claim ? "program " + program_id + " version " + std::to_string(version) +
                              " is not known to this store"
                        : "\"" + property + "\" names no program";
    verdict.lines.push_back(std::move(out));
  }
  verdict.tags = kUnknownTierTags;
  return verdict;
}

OrderVerdict judge(int64_t order_id, const Cart& cart, const Context& context,
                   const ProgramLookup& lookup,
                   const std::vector<std::shared_ptr<const Program>>& running) {
  // The programs named, in the order their first line appears; unreadable claims are
  // grouped under an empty program id, which no program has.
  std::vector<std::pair<std::string, int64_t>> named;
  std::map<std::pair<std::string, int64_t>, std::vector<int>> lines_by_program;
  for (std::size_t i = 0; i < cart.items.size(); ++i) {
    auto property = cart.items[i].properties.find(kGiftProperty);
    if (property == cart.items[i].properties.end()) continue;
    const auto claim = parse_gift_claim(property->second);
    const auto key = claim ? std::make_pair(claim->program_id, claim->version)
                           : std::make_pair(std::string(), int64_t{0});
    auto& lines = lines_by_program[key];
    if (lines.empty()) named.push_back(key);
    lines.push_back(static_cast<int>(i));
  }

  OrderVerdict result;
  result.order_id = order_id;
  auto add_tags = [&result](const std::vector<std::string>& tags) {
    for (const auto& tag : tags) {
      if (std::find(result.tags.begin(), result.tags.end(), tag) == result.tags.end()) {
        result.tags.push_back(tag);
      }
    }
  };
  for (const auto& key : named) {
    std::shared_ptr<const Program> program =
        key.first.empty() ? nullptr : lookup(key.first, key.second);
    if (!program) {
      result.verdicts.push_back(
          unknown_program_verdict(key.first, key.second, cart, lines_by_program[key]));
      result.earned = false;
      add_tags(kUnknownTierTags);
      continue;
    }
    auto verdict = validate(*program, cart, context);
    if (!verdict) {
      // The order cannot be judged against this program: flag it for a person rather than
      // refuse it (Shopify would retry a refused webhook and finally stop sending it).
      Verdict failed;
      failed.program_id = key.first;
      failed.program_version = key.second;
      failed.earned = false;
      failed.error = verdict.error();
      failed.tags = {"tiercart-flagged", "tiercart-" + verdict.error().code};
      add_tags(failed.tags);
      result.verdicts.push_back(std::move(failed));
      result.earned = false;
      continue;
    }
    result.earned = result.earned && verdict.value().earned;
    add_tags(verdict.value().tags);
    for (const auto& warning : verdict.value().warnings) {
      auto& missing = result.products_without_facts;
      if (std::find(missing.begin(), missing.end(), warning.product_id) == missing.end()) {
        missing.push_back(warning.product_id);
      }
    }
    result.verdicts.push_back(std::move(verdict).value());
  }
  // A live program running an experiment judges the arm checkout measured the order by, even
  // when no line claims a gift of it: free shipping or a discount of the wrong arm is not a
  // gift line, and the shopper may have written the arm attribute (arm_forged).
  for (const auto& program : running) {
    if (!program || !program->experiment) continue;
    const bool judged = std::any_of(result.verdicts.begin(), result.verdicts.end(),
                                    [&](const Verdict& v) { return v.program_id == program->id; });
    if (judged) continue;
    auto verdict = validate(*program, cart, context);
    if (!verdict || verdict.value().earned) continue;
    result.earned = false;
    add_tags(verdict.value().tags);
    result.verdicts.push_back(std::move(verdict).value());
  }
  if (!result.earned) {
    result.tags.erase(std::remove(result.tags.begin(), result.tags.end(), "tiercart-verified"),
                      result.tags.end());
  }
  return result;
}

}  // namespace

OrderVerdict judge_order(const Order& order, Context context, const ProgramLookup& lookup,
                         const std::vector<std::shared_ptr<const Program>>& running) {
  return judge(order.id, order.cart, with_order(std::move(context), order), lookup, running);
}

OrderVerdict judge_cart(const Cart& cart, const Context& context, const ProgramLookup& lookup) {
  return judge(0, cart, context, lookup, {});
}

}  // namespace tiercart
